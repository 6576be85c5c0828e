/* get_changed_validators - the commitment-mapper feeder (SYSTEM.md §6.1):
 * writes every validator of the first state and, for each later state, the
 * validators that changed, as proving tasks on validator_proof_queue with
 * their inputs, placeholders and slot lookups, exactly as DendrETH's
 * scheduler does.
 *
 *   get_changed_validators [--redis-host H] [--redis-port P]
 *       (--beacon-node URL[,URL...] | --state FILE [--state FILE ...])
 *       [--offset N] [--take N] [--sync-slot S] [--run-once]
 *
 * Offline (--state): the files are processed in the order given (slots must
 * increase); states at or before last_processed_slot, or before
 * --sync-slot, are skipped; --run-once processes only the first remaining
 * one. Online (--beacon-node): on a database without last_processed_slot
 * the first slot is DendrETH's, min(--sync-slot, first non-finalized slot)
 * where the first non-finalized slot is 32·(finalized epoch of the head) + 32
 * (never past the head); otherwise the state at --sync-slot (default head),
 * skipped if at or before last_processed_slot. It is fetched as SSZ and
 * processed; then, unless --run-once, the head is polled and the first slot
 * of every new epoch is processed.
 *
 * --offset/--take slice the registry to [offset, offset + take) and number
 * the slice from 0 (validator:{j} is registry validator offset + j, leaf
 * gindex 2^40 + j), as DendrETH's scheduler and both balance feeders do: the
 * mapper tree is then that of the slice, the tree get_balances_input's
 * commitment is computed over with the same options.
 *
 * Per processed slot S:
 *   - the first time (no validator:{R} lookup yet): the zero validator input
 *     at validator:{R}:S, UPDATE_VALIDATOR_PROOF(R, S), and the zero-subtree
 *     placeholders validator_proof:zeroes:{40..0} with PROVE_ZERO_FOR_DEPTH
 *     tasks for depths 39..0;
 *   - validators_length:S = validator count (after offset/take);
 *   - for each new or changed validator j (effective balance, slashed or
 *     one of the four epochs differ from the latest stored record):
 *     validator:{j}:S (ValidatorShaInput), its slot lookup, the leaf
 *     placeholder validator_proof:{2^40+j}:S and its lookup, and
 *     UPDATE_VALIDATOR_PROOF(j, S);
 *   - every ancestor gindex of a changed leaf, once per level up to 1: a
 *     placeholder, its lookup and UPDATE_PROOF_NODE(g, S);
 *   - last_processed_slot = S (also with --run-once, so a re-run skips S);
 *   - last_verified_slot, when missing, for the first processed slot S: never
 *     below S - 1, so that a finality check starting at last_verified_slot + 1
 *     finds a validator_proof:1 lookup at or before every slot it visits.
 *     With a beacon node it is DendrETH's 32·(finalized epoch) + 31 (at least
 *     S - 1 since S is at most the first non-finalized slot); offline S - 1
 *     (0 for S = 0).
 * Placeholders are written before their tasks are enqueued (quirk Q5 fixed). */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "balverify/beacon_api.h"
#include "balverify/beacon_state.h"
#include "balverify/feeder_opts.h"
#include "balverify/keys.h"
#include "balverify/kv_json.h"
#include "balverify/redis_conn.h"
#include "balverify/validator.h"
#include "balverify/work_queue.h"

#define P "get_changed_validators"
#define MAX_STATES 64

static volatile sig_atomic_t g_stop;
static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

typedef struct {
    bv_feeder_opts c; /* --redis-host/port, --beacon-node, --offset, --take */
    const char *states[MAX_STATES];
    int nstates;
    int has_sync;
    uint64_t sync_slot;
    int run_once;
} opts;

static bv_err parse(int argc, char **argv, opts *o, bv_status *st)
{
    memset(o, 0, sizeof *o);
    bv_feeder_opts_init(&o->c);
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i];
        if (!strcmp(k, "--run-once")) {
            o->run_once = 1;
            continue;
        }
        if (!strcmp(k, "--help") || !strcmp(k, "-h")) {
            printf("usage: " P " [--redis-host H] [--redis-port P] (--beacon-node URL | --state "
                   "FILE [--state FILE ...]) [--offset N] [--take N] [--sync-slot S] "
                   "[--run-once]\n");
            exit(0);
        }
        if (i + 1 >= argc)
            return bv_fail(st, BV_ERR_ARG, "%s needs a value", k);
        const char *v = argv[++i];
        bv_err ce;
        if (bv_feeder_opts_apply(&o->c, k, v, &ce, st)) {
            if (ce)
                return ce;
        } else if (!strcmp(k, "--state")) {
            if (o->nstates == MAX_STATES)
                return bv_fail(st, BV_ERR_ARG, "at most %d --state files", MAX_STATES);
            o->states[o->nstates++] = v;
        } else if (!strcmp(k, "--sync-slot")) {
            if (bv_feeder_parse_u64(k, v, &o->sync_slot, st))
                return BV_ERR_ARG;
            o->has_sync = 1;
        } else
            return bv_fail(st, BV_ERR_ARG, "unknown option %s", k);
    }
    if (!!o->c.beacon == !!o->nstates)
        return bv_fail(st, BV_ERR_ARG, "give exactly one of --beacon-node and --state");
    return BV_OK;
}

#define TASK_BATCH 500

typedef struct {
    bv_redis *r;
    bv_work_queue q;
    /* tasks waiting to be enqueued together (one transaction per batch) */
    uint8_t tbuf[TASK_BATCH][17];
    size_t tlen[TASK_BATCH];
    size_t ntask;
    /* latest known record per slice index j in [0, cap) */
    bv_validator_rec *prev;
    uint8_t *have;
    uint64_t cap;
    int first_done;
    /* with a beacon node: 32·(finalized epoch of the head) + 31 */
    int has_finalized;
    uint64_t finalized_last_slot;
} sched;

static bv_err get_u64_key(bv_redis *r, const char *key, int *found, uint64_t *v, bv_status *st)
{
    char *s;
    size_t n;
    bv_err e = bv_redis_get(r, key, &s, &n, found, st);
    if (e || !*found)
        return e;
    char *end;
    *v = strtoull(s, &end, 10);
    if (!n || *end)
        e = bv_fail(st, BV_ERR_FORMAT, "%s: '%s' is not a slot number", key, s);
    free(s);
    return e;
}

static bv_err set_str(bv_redis *r, const char *key, const char *val, bv_status *st)
{
    return bv_redis_set(r, key, val, strlen(val), st);
}

static bv_err flush_tasks(sched *s, bv_status *st)
{
    const uint8_t *ptrs[TASK_BATCH];
    for (size_t i = 0; i < s->ntask; i++)
        ptrs[i] = s->tbuf[i];
    bv_err e = bv_wq_add_many(s->r, &s->q, s->ntask, ptrs, s->tlen, NULL, st);
    s->ntask = 0;
    return e;
}

/* Queue a task; every task's placeholder is written before the batch goes
 * out, so the placeholder-before-task order holds. */
static bv_err task(sched *s, bv_mapper_tag tag, uint64_t a, uint64_t b, bv_status *st)
{
    bv_mapper_task t = {tag, a, b};
    s->tlen[s->ntask] = bv_mapper_task_encode(&t, s->tbuf[s->ntask]);
    if (++s->ntask == TASK_BATCH)
        return flush_tasks(s, st);
    return BV_OK;
}

static bv_err proof_placeholder(sched *s, const char *key, int zero, bv_status *st)
{
    bv_validator_proof p;
    bv_validator_proof_placeholder(&p, zero);
    return bv_feeder_set_json(s->r, key, bv_json_encode_validator_proof(&p), st);
}

static int changed(const bv_validator_rec *a, const bv_validator_rec *b)
{
    /* pubkey and credentials are taken as immutable, like the scheduler */
    return a->effective_balance != b->effective_balance || a->slashed != b->slashed ||
           a->activation_eligibility_epoch != b->activation_eligibility_epoch ||
           a->activation_epoch != b->activation_epoch || a->exit_epoch != b->exit_epoch ||
           a->withdrawable_epoch != b->withdrawable_epoch;
}

/* Latest stored record of slice index i at or before slot (from a previous
 * run). */
static bv_err load_prev(sched *s, uint64_t i, uint64_t slot, bv_status *st)
{
    int found;
    uint64_t at;
    bv_key lk = bv_key_validator_lookup(i);
    bv_err e = bv_lookup_latest(s->r, lk.s, slot, &found, &at, st);
    if (e || !found)
        return e;
    bv_key vk = bv_key_validator(i, at);
    char *json;
    size_t n;
    e = bv_redis_get(s->r, vk.s, &json, &n, &found, st);
    if (e || !found)
        return e;
    bv_validator_sha_input in;
    e = bv_json_decode_validator_sha_input(json, n, &in, st);
    free(json);
    if (!e)
        e = bv_sha_input_to_rec(&in, &s->prev[i], st);
    if (e)
        return bv_fail_ctx(st, "%s", vk.s);
    s->have[i] = 1;
    return BV_OK;
}

static bv_err ensure_cap(sched *s, uint64_t n, bv_status *st)
{
    if (n <= s->cap)
        return BV_OK;
    bv_validator_rec *p = realloc(s->prev, sizeof *p * n);
    if (!p)
        return bv_fail(st, BV_ERR_NOMEM, "validator cache: out of memory");
    s->prev = p;
    uint8_t *h = realloc(s->have, n);
    if (!h)
        return bv_fail(st, BV_ERR_NOMEM, "validator cache: out of memory");
    memset(h + s->cap, 0, n - s->cap);
    s->have = h;
    s->cap = n;
    return BV_OK;
}

static bv_err zero_tasks(sched *s, uint64_t slot, bv_status *st)
{
    bv_key zl = bv_key_validator_lookup(BV_REGISTRY_LIMIT);
    int found;
    uint64_t at;
    bv_err e = bv_lookup_latest(s->r, zl.s, UINT64_MAX >> 12, &found, &at, st);
    if (e || found)
        return e;
    bv_validator_rec z;
    bv_zero_validator_rec(&z);
    bv_validator_sha_input zi;
    bv_sha_input_from_rec(&z, &zi);
    if ((e = bv_feeder_set_json(s->r, bv_key_validator(BV_REGISTRY_LIMIT, slot).s,
                                bv_json_encode_validator_sha_input(&zi), st)) ||
        (e = bv_lookup_add(s->r, zl.s, slot, st)) ||
        (e = proof_placeholder(s, bv_key_validator_proof_zeroes(BV_MAPPER_DEPTH).s, 1, st)) ||
        (e = task(s, BV_MAPPER_UPDATE_VALIDATOR_PROOF, BV_REGISTRY_LIMIT, slot, st)))
        return e;
    for (int d = BV_MAPPER_DEPTH - 1; d >= 0; d--)
        if ((e = proof_placeholder(s, bv_key_validator_proof_zeroes((unsigned)d).s, 1, st)) ||
            (e = task(s, BV_MAPPER_PROVE_ZERO_FOR_DEPTH, (uint64_t)d, 0, st)))
            return e;
    return flush_tasks(s, st);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* last_verified_slot for a first processed slot: never below slot - 1 (the
 * finality check starts at last_verified_slot + 1 and the first
 * validator_proof:1 lookup is at slot); with a beacon node DendrETH's
 * 32·(finalized epoch) + 31, which is at least slot - 1 whenever slot is at
 * most the first non-finalized slot. */
static uint64_t initial_verified_slot(const sched *s, uint64_t slot)
{
    uint64_t v = slot ? slot - 1 : 0;
    if (s->has_finalized && s->finalized_last_slot > v)
        v = s->finalized_last_slot;
    return v;
}

/* Process one state: the slice [lo, hi) of its registry, numbered from 0. */
static bv_err process(sched *s, const opts *o, const bv_beacon_state *bs, bv_status *st)
{
    uint64_t slot = bs->slot;
    uint64_t lo = o->c.offset < bs->validator_count ? o->c.offset : bs->validator_count;
    uint64_t hi = bs->validator_count;
    if (o->c.has_take && o->c.take < hi - lo)
        hi = lo + o->c.take;
    uint64_t n = hi - lo;
    bv_err e = ensure_cap(s, n ? n : 1, st);
    if (e)
        return e;
    if (!s->first_done) {
        /* records written by earlier runs are the baseline */
        for (uint64_t j = 0; j < n; j++)
            if ((e = load_prev(s, j, slot, st)))
                return e;
        int found;
        uint64_t v;
        if ((e = get_u64_key(s->r, bv_key_last_verified_slot().s, &found, &v, st)))
            return e;
        if (!found) {
            char buf[24];
            snprintf(buf, sizeof buf, "%" PRIu64, initial_verified_slot(s, slot));
            if ((e = set_str(s->r, bv_key_last_verified_slot().s, buf, st)))
                return e;
        }
        if ((e = zero_tasks(s, slot, st)))
            return e;
        s->first_done = 1;
    }
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRIu64, n);
    if ((e = set_str(s->r, bv_key_validators_length(slot).s, buf, st)))
        return e;

    uint64_t *leaves = malloc(sizeof(uint64_t) * (n ? n : 1));
    if (!leaves)
        return bv_fail(st, BV_ERR_NOMEM, "changed set: out of memory");
    uint64_t nl = 0;
    for (uint64_t j = 0; j < n && !e; j++) {
        bv_validator_rec rec;
        bv_feeder_validator_rec(bv_state_validator(bs, lo + j), &rec);
        if (s->have[j] && !changed(&s->prev[j], &rec))
            continue;
        s->prev[j] = rec;
        s->have[j] = 1;
        bv_validator_sha_input in;
        bv_sha_input_from_rec(&rec, &in);
        uint64_t g = (1ULL << BV_MAPPER_DEPTH) + j;
        if ((e = bv_feeder_set_json(s->r, bv_key_validator(j, slot).s,
                                    bv_json_encode_validator_sha_input(&in), st)) ||
            (e = bv_lookup_add(s->r, bv_key_validator_lookup(j).s, slot, st)) ||
            (e = proof_placeholder(s, bv_key_validator_proof(g, slot).s, 0, st)) ||
            (e = task(s, BV_MAPPER_UPDATE_VALIDATOR_PROOF, j, slot, st)) ||
            (e = bv_lookup_add(s->r, bv_key_validator_proof_lookup(g).s, slot, st)))
            break;
        leaves[nl++] = g;
    }
    /* ancestors, level by level, deduplicated */
    uint64_t nodes = 0;
    while (!e && nl > 0 && leaves[0] > 1) {
        for (uint64_t j = 0; j < nl; j++)
            leaves[j] >>= 1;
        qsort(leaves, nl, sizeof *leaves, cmp_u64);
        uint64_t m = 0;
        for (uint64_t j = 0; j < nl; j++)
            if (m == 0 || leaves[m - 1] != leaves[j])
                leaves[m++] = leaves[j];
        nl = m;
        for (uint64_t j = 0; j < nl && !e; j++) {
            uint64_t g = leaves[j];
            if ((e = proof_placeholder(s, bv_key_validator_proof(g, slot).s, 0, st)) ||
                (e = bv_lookup_add(s->r, bv_key_validator_proof_lookup(g).s, slot, st)) ||
                (e = task(s, BV_MAPPER_UPDATE_PROOF_NODE, g, slot, st)))
                break;
            nodes++;
        }
    }
    free(leaves);
    if (!e)
        e = flush_tasks(s, st);
    if (e)
        return e;
    snprintf(buf, sizeof buf, "%" PRIu64, slot);
    if ((e = set_str(s->r, bv_key_last_processed_slot().s, buf, st)))
        return e;
    printf(P ": slot %" PRIu64 ": %" PRIu64 " validators, inner-node tasks %" PRIu64 "\n", slot, n,
           nodes);
    fflush(stdout);
    return BV_OK;
}

/* Skip a state at or before last_processed_slot, or (o not NULL) before
 * --sync-slot. */
static bv_err skip_slot(sched *s, const opts *o, uint64_t slot, int *skip, bv_status *st)
{
    *skip = 0;
    if (o && o->has_sync && slot < o->sync_slot) {
        *skip = 1;
        return BV_OK;
    }
    int found;
    uint64_t last;
    bv_err e = get_u64_key(s->r, bv_key_last_processed_slot().s, &found, &last, st);
    if (!e && found && slot <= last)
        *skip = 1;
    return e;
}

/* The state at a slot number, or at "head" when slot is NULL. A state asked
 * for by slot must be the state of that slot. */
static bv_err fetch(bv_beacon_client *c, const uint64_t *slot, bv_beacon_state *bs, bv_status *st)
{
    char id[32], path[512];
    if (slot)
        snprintf(id, sizeof id, "%" PRIu64, *slot);
    else
        snprintf(id, sizeof id, "head");
    snprintf(path, sizeof path, "%s/bv_changed_state_%d.ssz",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
    bv_beacon_state_info info;
    bv_err e = bv_beacon_get_state_ssz(c, id, path, &info, st);
    if (!e)
        e = bv_state_load_file(bs, path, BV_FORK_AUTO, BV_PRESET_AUTO, st);
    unlink(path);
    if (!e && slot && bs->slot != *slot) {
        e = bv_fail(st, BV_ERR_FORMAT,
                    "the beacon node sent the state of slot %" PRIu64 " for slot %" PRIu64,
                    bs->slot, *slot);
        bv_state_free(bs);
    }
    if (e)
        bv_fail_ctx(st, "state %s", id);
    return e;
}

/* The first slot to fetch online. On a fresh database (no
 * last_processed_slot), DendrETH's: min(--sync-slot, first non-finalized
 * slot), the latter 32·(finalized epoch of the head) + 32, never past the
 * head; it also sets s->finalized_last_slot for last_verified_slot.
 * Otherwise --sync-slot, or the head (*use_head). */
static bv_err first_online_slot(sched *s, const opts *o, bv_beacon_client *c, uint64_t *slot,
                                int *use_head, bv_status *st)
{
    int found;
    uint64_t last;
    *use_head = 0;
    bv_err e = get_u64_key(s->r, bv_key_last_processed_slot().s, &found, &last, st);
    if (e)
        return e;
    if (found) {
        *slot = o->sync_slot;
        *use_head = !o->has_sync;
        return BV_OK;
    }
    bv_beacon_finality fin;
    bv_beacon_header head;
    if ((e = bv_beacon_get_finality(c, "head", &fin, st)) ||
        (e = bv_beacon_get_header(c, "head", &head, st)))
        return e;
    uint64_t ep = fin.finalized_cp.epoch;
    if (ep > (UINT64_MAX - 63) / 32)
        return bv_fail(st, BV_ERR_FORMAT, "finalized epoch %" PRIu64 " is out of range", ep);
    s->has_finalized = 1;
    s->finalized_last_slot = 32 * ep + 31;
    uint64_t first = 32 * ep + 32;
    if (o->has_sync && o->sync_slot < first)
        first = o->sync_slot;
    if (first > head.slot)
        first = head.slot;
    *slot = first;
    return BV_OK;
}

static bv_err run(const opts *o, bv_status *st)
{
    sched s;
    memset(&s, 0, sizeof s);
    bv_err e = bv_wq_init(&s.q, bv_queue_mapper().s, st);
    if (e)
        return e;
    if ((e = bv_redis_connect(&s.r, o->c.host, o->c.port, 10000, st)))
        return e;
    uint64_t prev_slot = 0;
    int processed = 0;
    if (o->nstates) {
        for (int k = 0; k < o->nstates && !e && !g_stop; k++) {
            bv_beacon_state bs;
            if ((e = bv_state_load_file(&bs, o->states[k], BV_FORK_AUTO, BV_PRESET_AUTO, st)))
                break;
            int skip = 0;
            if (k > 0 && bs.slot <= prev_slot)
                e = bv_fail(st, BV_ERR_ARG, "slot %" PRIu64 " does not follow slot %" PRIu64,
                            bs.slot, prev_slot);
            prev_slot = bs.slot;
            if (!e)
                e = bv_state_check_registry(&bs, st);
            if (!e)
                e = skip_slot(&s, o, bs.slot, &skip, st);
            if (!e && !skip) {
                e = process(&s, o, &bs, st);
                processed++;
            }
            bv_state_free(&bs);
            if (e)
                bv_fail_ctx(st, "%s", o->states[k]);
            if (processed && o->run_once)
                break;
        }
    } else {
        bv_beacon_client *c;
        if ((e = bv_beacon_client_new(&c, o->c.beacon, NULL, st)))
            goto out;
        uint64_t first;
        int use_head;
        bv_beacon_state bs;
        e = first_online_slot(&s, o, c, &first, &use_head, st);
        if (!e)
            e = fetch(c, use_head ? NULL : &first, &bs, st);
        if (!e) {
            int skip;
            e = skip_slot(&s, NULL, bs.slot, &skip, st);
            if (!e && skip)
                printf(P ": slot %" PRIu64 " is already processed\n", bs.slot);
            else if (!e)
                e = process(&s, o, &bs, st);
            prev_slot = bs.slot;
            bv_state_free(&bs);
        }
        while (!e && !o->run_once && !g_stop) {
            sleep(12);
            bv_beacon_header h;
            if ((e = bv_beacon_get_header(c, "head", &h, st)))
                break;
            if (h.slot / 32 <= prev_slot / 32)
                continue;
            uint64_t next = (h.slot / 32) * 32;
            int skip;
            if ((e = skip_slot(&s, NULL, next, &skip, st)))
                break;
            if (skip) {
                prev_slot = next;
                continue;
            }
            if ((e = fetch(c, &next, &bs, st)))
                break;
            e = process(&s, o, &bs, st);
            prev_slot = bs.slot;
            bv_state_free(&bs);
        }
        bv_beacon_client_free(c);
    }
out:
    free(s.prev);
    free(s.have);
    bv_redis_free(s.r);
    return e;
}

int main(int argc, char **argv)
{
    bv_status st;
    bv_status_clear(&st);
    opts o;
    bv_err e = parse(argc, argv, &o, &st);
    if (!e) {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        e = run(&o, &st);
    }
    if (e) {
        fprintf(stderr, P ": error: %s\n", st.msg);
        return bv_exit_code(e);
    }
    return 0;
}
