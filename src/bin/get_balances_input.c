/* get_balances_input - one-shot feeder of the balance-verification
 * pipeline, writing to Redis exactly what DendrETH's getBalancesInput writes
 * (SYSTEM.md §6.4): balance inputs, zero tasks, placeholders, the queues of
 * levels 0..37 and {proto}:final_proof_input with its branches.
 *
 *   get_balances_input [--redis-host H] [--redis-port P]
 *       (--beacon-node URL[,URL...] | --state FILE.ssz)
 *       [--slot S] [--offset N] [--take N]
 *       --withdrawal-credentials 0x..[,0x..] (alias --withdraw-credentials)
 *       --protocol NAME
 *
 * With --offset/--take the validators and balances lists are sliced to
 * [offset, offset + take) and every root and branch is computed from the
 * sliced state, as the TypeScript feeder does (such a run does not match a
 * real chain root).
 *
 * With one credential and a phase0..deneb state the values are exactly
 * DendrETH's. balverify extends them (docs/REDIS.md): several credentials
 * (comma-separated, up to 8) make every withdrawalCredentials list longer,
 * and states with 6-level field branches (electra, fulu) give slotBranch,
 * balanceBranch and validatorsBranch 6 elements.
 *
 * Deliberate ordering fix (quirk Q5): each placeholder is written before
 * its task is enqueued, zero tasks included, so a fast worker's result is
 * never overwritten by a placeholder. The final contents of Redis are the
 * same as the TypeScript feeder's. */
#include <inttypes.h>
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
#include "balverify/ssz.h"
#include "balverify/util_hex.h"
#include "balverify/validator.h"
#include "balverify/work_queue.h"

#define P "get_balances_input"

typedef struct {
    bv_feeder_opts c; /* --redis-host/port, --beacon-node, --offset, --take */
    const char *state_path;
    int has_slot;
    uint64_t slot;
    const char *wc_hex;
    const char *protocol;
} opts;

static bv_err parse(int argc, char **argv, opts *o, bv_status *st)
{
    memset(o, 0, sizeof *o);
    bv_feeder_opts_init(&o->c);
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i];
        if (!strcmp(k, "--help") || !strcmp(k, "-h")) {
            printf("usage: " P " [--redis-host H] [--redis-port P] (--beacon-node URL | --state "
                   "FILE.ssz) [--slot S] [--offset N] [--take N] --withdrawal-credentials "
                   "0x..[,0x..] --protocol NAME\n");
            exit(0);
        }
        if (i + 1 >= argc)
            return bv_fail(st, BV_ERR_ARG, "%s needs a value", k);
        const char *v = argv[++i];
        bv_err ce;
        if (bv_feeder_opts_apply(&o->c, k, v, &ce, st)) {
            if (ce)
                return ce;
        } else if (!strcmp(k, "--state"))
            o->state_path = v;
        else if (!strcmp(k, "--slot")) {
            if (bv_feeder_parse_u64(k, v, &o->slot, st))
                return BV_ERR_ARG;
            o->has_slot = 1;
        } else if (!strcmp(k, "--withdrawal-credentials") || !strcmp(k, "--withdraw-credentials"))
            o->wc_hex = v;
        else if (!strcmp(k, "--protocol"))
            o->protocol = v;
        else
            return bv_fail(st, BV_ERR_ARG, "unknown option %s", k);
    }
    if (!!o->c.beacon == !!o->state_path)
        return bv_fail(st, BV_ERR_ARG, "give exactly one of --beacon-node and --state");
    if (!o->wc_hex)
        return bv_fail(st, BV_ERR_ARG, "--withdrawal-credentials is required");
    if (!o->protocol)
        return bv_fail(st, BV_ERR_ARG, "--protocol is required");
    return bv_key_check_protocol(o->protocol, st);
}

/* Download the state at --slot (or head) into a temporary file. */
static bv_err fetch_state(const opts *o, char *path, size_t pathn, bv_status *st)
{
    bv_beacon_client *c;
    bv_err e = bv_beacon_client_new(&c, o->c.beacon, NULL, st);
    if (e)
        return e;
    char id[32];
    if (o->has_slot)
        snprintf(id, sizeof id, "%" PRIu64, o->slot);
    else
        snprintf(id, sizeof id, "head");
    snprintf(path, pathn, "%s/bv_balances_state_%d.ssz",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
    bv_beacon_state_info info;
    e = bv_beacon_get_state_ssz(c, id, path, &info, st);
    bv_beacon_client_free(c);
    return e;
}

#define TASK_BATCH 500

typedef struct {
    bv_redis *r;
    const char *proto;
    bv_work_queue q[BV_BALANCE_LEVELS];
    /* tasks of one level waiting to be enqueued in one transaction */
    uint8_t tbuf[TASK_BATCH][24];
    size_t tlen[TASK_BATCH];
    size_t ntask;
    unsigned tlevel;
} feeder;

static bv_err flush_tasks(feeder *f, bv_status *st)
{
    const uint8_t *ptrs[TASK_BATCH];
    for (size_t i = 0; i < f->ntask; i++)
        ptrs[i] = f->tbuf[i];
    bv_err e = bv_wq_add_many(f->r, &f->q[f->tlevel], f->ntask, ptrs, f->tlen, NULL, st);
    f->ntask = 0;
    return e;
}

static bv_err placeholder(feeder *f, unsigned level, uint64_t index, bv_status *st)
{
    bv_balance_proof p;
    bv_balance_proof_placeholder(&p);
    return bv_feeder_set_json(f->r, bv_key_balance_proof(f->proto, level, index).s,
                              bv_json_encode_balance_proof(&p), st);
}

/* Queue a task (its placeholder is already written); batches go out per
 * level in enqueue order. */
static bv_err enqueue(feeder *f, unsigned level, uint64_t index, bv_status *st)
{
    if (f->ntask && f->tlevel != level) {
        bv_err e = flush_tasks(f, st);
        if (e)
            return e;
    }
    f->tlevel = level;
    f->tlen[f->ntask] = bv_balance_task_encode(level, index, f->tbuf[f->ntask]);
    if (++f->ntask == TASK_BATCH)
        return flush_tasks(f, st);
    return BV_OK;
}

/* MSET of (key, value) pairs; values are freed. */
static bv_err mset(bv_redis *r, char **keys, char **vals, int n, bv_status *st)
{
    if (n == 0)
        return BV_OK;
    const char **argv = malloc(sizeof(char *) * (size_t)(1 + 2 * n));
    size_t *lens = malloc(sizeof(size_t) * (size_t)(1 + 2 * n));
    if (!argv || !lens) {
        free(argv);
        free(lens);
        return bv_fail(st, BV_ERR_NOMEM, "MSET: out of memory");
    }
    argv[0] = "MSET";
    lens[0] = 4;
    for (int i = 0; i < n; i++) {
        argv[1 + 2 * i] = keys[i];
        lens[1 + 2 * i] = strlen(keys[i]);
        argv[2 + 2 * i] = vals[i];
        lens[2 + 2 * i] = strlen(vals[i]);
    }
    redisReply *rep = bv_redis_argv(r, st, "MSET balance inputs", 1 + 2 * n, argv, lens);
    free(argv);
    free(lens);
    if (!rep)
        return st->code;
    freeReplyObject(rep);
    return BV_OK;
}

static void put_branch(uint8_t (*dst)[32], const uint8_t *branch, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        memcpy(dst[i], branch + 32 * i, 32);
}

/* Comma-separated 32-byte hex values, each with or without 0x (the
 * TypeScript feeder takes either). */
static bv_err parse_credentials(const char *text, uint8_t (*wc)[32], size_t *n, bv_status *st)
{
    *n = 0;
    const char *p = text;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        char tok[80];
        if (len == 0 || len >= sizeof tok)
            return bv_fail(st, BV_ERR_ARG, "credential %zu: want 64 hex digits (0x optional)",
                           *n + 1);
        if (*n == BV_KV_MAX_CREDENTIALS)
            return bv_fail(st, BV_ERR_ARG, "more than %d credentials", BV_KV_MAX_CREDENTIALS);
        memcpy(tok, p, len);
        tok[len] = 0;
        if (bv_hex_decode(wc[*n], 32, tok, st))
            return bv_fail_ctx(st, "credential %zu", *n + 1);
        (*n)++;
        if (!c)
            return BV_OK;
        p = c + 1;
    }
}

static bv_err run(const opts *o, bv_status *st)
{
    uint8_t wc[BV_KV_MAX_CREDENTIALS][32];
    size_t nwc = 0;
    bv_err e = parse_credentials(o->wc_hex, wc, &nwc, st);
    if (e)
        return bv_fail_ctx(st, "--withdrawal-credentials");
    char tmp[512] = "";
    const char *path = o->state_path;
    if (o->c.beacon) {
        e = fetch_state(o, tmp, sizeof tmp, st);
        if (e) {
            unlink(tmp);
            return e;
        }
        path = tmp;
    }
    bv_beacon_state s;
    e = bv_state_load_file(&s, path, BV_FORK_AUTO, BV_PRESET_AUTO, st);
    if (tmp[0])
        unlink(tmp);
    if (e)
        return e;
    bv_redis *r = NULL;
    uint8_t *recs = NULL;
    if ((e = bv_state_check_registry(&s, st)))
        goto out;
    if (o->state_path && o->has_slot && o->slot != s.slot) {
        e = bv_fail(st, BV_ERR_ARG, "--slot %" PRIu64 " but %s is the state at slot %" PRIu64,
                    o->slot, o->state_path, s.slot);
        goto out;
    }
    /* Slice [offset, offset + take) like the TypeScript feeder. */
    uint64_t lo = o->c.offset < s.validator_count ? o->c.offset : s.validator_count;
    uint64_t hi = s.validator_count;
    if (o->c.has_take && o->c.take < hi - lo)
        hi = lo + o->c.take;
    uint64_t n = hi - lo;
    const uint8_t *vrec = bv_state_validator(&s, lo);
    const uint8_t *bal = s.balances + 8 * lo;

    /* Roots of the sliced state: field roots with validators/balances
     * replaced, then the container root. */
    bv_state_roots roots;
    if ((e = bv_state_hash(&s, &roots, st)))
        goto out;
    if ((e = bv_ssz_validators_root(roots.field[BV_FIELD_VALIDATORS], vrec, n, st)) ||
        (e = bv_ssz_balances_root(roots.field[BV_FIELD_BALANCES], bal, n, st)) ||
        (e = bv_ssz_container_root(roots.state_root, &roots.field[0][0], roots.nfields, st)))
        goto out;
    uint8_t branch[16 * 32];
    unsigned depth;
    uint64_t gindex;
    bv_final_circuit_input fin;
    memset(&fin, 0, sizeof fin);
    if ((e = bv_state_field_branch(&roots, BV_FIELD_SLOT, branch, &depth, &gindex, st)))
        goto out;
    if (depth != 5 && depth != 6) {
        e = bv_fail(st, BV_ERR_UNSUPPORTED,
                    "%s state: field branches have %u levels; the final layer takes 5 "
                    "(phase0..deneb) or 6 (electra, fulu)",
                    bv_fork_name(s.fork), depth);
        goto out;
    }
    fin.branch_depth = depth;
    put_branch(fin.slot_branch, branch, depth);
    if ((e = bv_state_field_branch(&roots, BV_FIELD_BALANCES, branch, &depth, &gindex, st)))
        goto out;
    put_branch(fin.balance_branch, branch, fin.branch_depth);
    if ((e = bv_state_field_branch(&roots, BV_FIELD_VALIDATORS, branch, &depth, &gindex, st)))
        goto out;
    put_branch(fin.validators_branch, branch, fin.branch_depth);
    uint8_t header[BV_SSZ_HEADER_SIZE];
    memcpy(header, s.latest_block_header, sizeof header);
    memcpy(header + 48, roots.state_root, 32); /* stateRoot := computed root */
    bv_header_branch(header, 3, fin.state_root_branch);
    bv_ssz_header_root(fin.block_root, header);
    memcpy(fin.state_root, roots.state_root, 32);
    fin.slot = s.slot;
    fin.num_credentials = (uint32_t)nwc;
    memcpy(fin.withdrawal_credentials, wc, 32 * nwc);
    bv_ssz_uint64_leaf(fin.validators_size_bits, n);

    uint64_t epoch = s.slot / bv_slots_per_epoch(s.preset);
    static feeder f; /* large: keep it off the stack */
    memset(&f, 0, sizeof f);
    f.proto = o->protocol;
    for (unsigned l = 0; l < BV_BALANCE_LEVELS; l++)
        if ((e = bv_wq_init(&f.q[l], bv_queue_balance(o->protocol, l).s, st)))
            goto out;
    if ((e = bv_redis_connect(&r, o->c.host, o->c.port, 10000, st)))
        goto out;
    f.r = r;

    /* 1. the zero input */
    bv_balances_input in;
    bv_zero_balances_input((const uint8_t(*)[32])wc, (uint32_t)nwc, epoch, &in);
    if ((e = bv_feeder_set_json(r, bv_key_balance_input(o->protocol, BV_REGISTRY_LIMIT).s,
                                bv_json_encode_balances_input(&in), st)))
        goto out;
    /* 2. zero tasks (placeholder first) */
    for (unsigned l = 0; l < BV_BALANCE_LEVELS; l++)
        if ((e = placeholder(&f, l, BV_REGISTRY_LIMIT, st)) ||
            (e = enqueue(&f, l, BV_REGISTRY_LIMIT, st)))
            goto out;
    /* 3. inputs, MSET batches of 100 */
    uint64_t ninputs = (n + 7) / 8;
    char *keys[100], *vals[100];
    int nb = 0;
    for (uint64_t j = 0; j < ninputs && !e; j++) {
        bv_balances_input bi;
        memset(&bi, 0, sizeof bi);
        bi.num_credentials = (uint32_t)nwc;
        memcpy(bi.withdrawal_credentials, wc, 32 * nwc);
        bi.current_epoch = epoch;
        /* chunks 2j, 2j+1: 4 LE balances each, zero beyond n */
        for (int c = 0; c < 2; c++)
            for (int b = 0; b < 4; b++) {
                uint64_t idx = 8 * j + 4 * (uint64_t)c + (uint64_t)b;
                if (idx < n)
                    memcpy(bi.balances[c] + 8 * b, bal + 8 * idx, 8);
            }
        for (int v = 0; v < 8; v++) {
            uint64_t idx = 8 * j + (uint64_t)v;
            if (idx < n) {
                bv_feeder_validator_rec(vrec + (size_t)121 * idx, &bi.validators[v]);
                bi.validator_is_zero[v] = 0;
            } else {
                bv_zero_validator_rec(&bi.validators[v]);
                bi.validator_is_zero[v] = 1;
            }
        }
        keys[nb] = strdup(bv_key_balance_input(o->protocol, j).s);
        vals[nb] = bv_json_encode_balances_input(&bi);
        if (!keys[nb] || !vals[nb]) {
            e = bv_fail(st, BV_ERR_NOMEM, "balance input %" PRIu64 ": out of memory", j);
            free(keys[nb]);
            free(vals[nb]);
            break;
        }
        nb++;
        if (nb == 100 || j + 1 == ninputs) {
            e = mset(r, keys, vals, nb, st);
            for (int i = 0; i < nb; i++) {
                free(keys[i]);
                free(vals[i]);
            }
            nb = 0;
        }
    }
    if (e)
        goto out;
    /* 4./5. placeholders and tasks of every level */
    for (unsigned l = 0; l < BV_BALANCE_LEVELS; l++) {
        uint64_t count = l == 0 ? ninputs : (ninputs + (1ULL << l) - 1) >> l;
        for (uint64_t k = 0; k < count; k++)
            if ((e = placeholder(&f, l, k, st)) || (e = enqueue(&f, l, k, st)))
                goto out;
    }
    if ((e = flush_tasks(&f, st)))
        goto out;
    /* 6. the final circuit input */
    if ((e = bv_feeder_set_json(r, bv_key_final_proof_input(o->protocol).s,
                                bv_json_encode_final_input(&fin), st)))
        goto out;
    char sr[67];
    bv_hex_encode(sr, roots.state_root, 32);
    printf(P ": slot %" PRIu64 ", %" PRIu64 " validators [%" PRIu64 ", %" PRIu64 "), %" PRIu64
             " level-0 tasks, state root %s\n",
           s.slot, n, lo, hi, ninputs, sr);
out:
    free(recs);
    bv_redis_free(r);
    bv_state_free(&s);
    return e;
}

int main(int argc, char **argv)
{
    bv_status st;
    bv_status_clear(&st);
    opts o;
    bv_err e = parse(argc, argv, &o, &st);
    if (!e)
        e = run(&o, &st);
    if (e) {
        fprintf(stderr, P ": error: %s\n", st.msg);
        return bv_exit_code(e);
    }
    return 0;
}
