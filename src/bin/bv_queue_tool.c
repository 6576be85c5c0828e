/* bv_queue_tool - drive the C work queue from the shell.
 *
 *   bv_queue_tool [--redis-host H] [--redis-port P] [--profile legacy|v3]
 *                 [--orphan empty|drop] [--requeue front|back] PREFIX COMMAND ...
 *
 * Commands (payloads are hex so that any byte survives the shell):
 *   add HEX [ID]                     prints the item id
 *   add-index FIRST COUNT            adds COUNT items with 8-byte BE payloads
 *                                    FIRST, FIRST+1, ...
 *   lease SECS block|nonblock TIMEOUT prints "ID HEX HAD_DATA" or "none"
 *   complete ID                      prints true|false
 *   renew ID SECS                    prints true|false
 *   aside ID REASON                  sets the item aside, prints true|false
 *   clean                            one light-clean pass, prints the counts
 *   len                              prints "QUEUED PROCESSING"
 *   session                          prints this process's session id
 * Commands that need no server (PREFIX is ignored, give "-"):
 *   payload mapper TAG A [B]         hex of a commitment-mapper task
 *   payload balance LEVEL INDEX      hex of a balance task
 *   keys balance-queues PROTO        the cleaner's balance queue prefixes
 *   keys all PROTO                   one example of every catalogue key
 *   replay SPOOL                     write a balverify mirror spool file to
 *                                    the server (PREFIX is ignored)
 * Poseidon validator roots (commitment.h, depth 40), computed natively and
 * printed as 4 comma-separated decimal elements (PREFIX is ignored):
 *   poseidon-root mapper SLOT        over validator:{j} (latest at or before
 *                                    SLOT) for j < validators_length:{SLOT}:
 *                                    the root the mapper proves at gindex 1
 *   poseidon-root balance PROTO      over {PROTO}:validator_balance_input:{i}
 *                                    for i = 0, 1, ... while present (zero
 *                                    leaves where validatorIsZero): the
 *                                    commitment of the balance level 37
 *   poseidon-root state FILE [OFFSET [TAKE]]  over the validators
 *                                    [OFFSET, OFFSET + TAKE) of a state file
 *                                    (no server)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/beacon_state.h"
#include "balverify/commitment.h"
#include "balverify/keys.h"
#include "balverify/kv_json.h"
#include "balverify/mirror.h"
#include "balverify/util_bytes.h"
#include "balverify/util_hex.h"
#include "balverify/validator.h"
#include "balverify/redis_conn.h"
#include "balverify/work_queue.h"

static void usage(void)
{
    fprintf(stderr, "usage: bv_queue_tool [--redis-host H] [--redis-port P] [--profile legacy|v3] "
                    "[--orphan empty|drop] [--requeue front|back] PREFIX "
                    "add|lease|complete|renew|aside|clean|len|session ...\n"
                    "       bv_queue_tool [--redis-host H] [--redis-port P] - poseidon-root "
                    "mapper SLOT | balance PROTO | state FILE [OFFSET [TAKE]]\n");
}

static bv_err parse_int(const char *s, const char *what, int *out, bv_status *st)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 1000000000)
        return bv_fail(st, BV_ERR_ARG, "%s: '%s' is not a non-negative integer", what, s);
    *out = (int)v;
    return BV_OK;
}

static bv_err parse_u64(const char *s, uint64_t *out, bv_status *st)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || *s == '-')
        return bv_fail(st, BV_ERR_ARG, "'%s' is not an unsigned integer", s);
    *out = v;
    return BV_OK;
}

/* ---------------------------------------------------------- Poseidon roots */

static void print_root(const bv_hash *h)
{
    printf("%llu,%llu,%llu,%llu\n", (unsigned long long)h->e[0], (unsigned long long)h->e[1],
           (unsigned long long)h->e[2], (unsigned long long)h->e[3]);
}

/* H_pos of a validator given as decoded JSON fields. */
static bv_hash commit_rec(const bv_validator_rec *v)
{
    bv_validator val;
    memcpy(val.pubkey, v->pubkey, 48);
    memcpy(val.withdrawal_credentials, v->withdrawal_credentials, 32);
    val.effective_balance = v->effective_balance;
    val.slashed = (uint8_t)(v->slashed != 0);
    val.activation_eligibility_epoch = v->activation_eligibility_epoch;
    val.activation_epoch = v->activation_epoch;
    val.exit_epoch = v->exit_epoch;
    val.withdrawable_epoch = v->withdrawable_epoch;
    uint8_t rec[BV_VALIDATOR_SIZE];
    bv_validator_encode(rec, &val);
    return bv_commit_validator(rec);
}

/* GET a key that must exist (malloc'd value in *v). */
static bv_err get_required(bv_redis *r, const char *key, char **v, size_t *n, bv_status *st)
{
    int found;
    bv_err e = bv_redis_get(r, key, v, n, &found, st);
    if (!e && !found)
        e = bv_fail(st, BV_ERR_FORMAT, "%s is missing", key);
    return e;
}

static bv_err root_mapper(bv_redis *r, uint64_t slot, bv_hash *out, bv_status *st)
{
    char *s;
    size_t sl;
    uint64_t n;
    bv_key lk = bv_key_validators_length(slot);
    bv_err e = get_required(r, lk.s, &s, &sl, st);
    if (e)
        return e;
    e = parse_u64(s, &n, st);
    free(s);
    if (e)
        return bv_fail_ctx(st, "%s", lk.s);
    if (n > (1u << 24))
        return bv_fail(st, BV_ERR_UNSUPPORTED, "%s: %llu validators, at most 2^24 here", lk.s,
                       (unsigned long long)n);
    bv_hash *leaves = malloc(sizeof *leaves * (n ? n : 1));
    if (!leaves)
        return bv_fail(st, BV_ERR_NOMEM, "poseidon-root: out of memory");
    for (uint64_t j = 0; j < n && !e; j++) {
        int found;
        uint64_t at;
        bv_key vl = bv_key_validator_lookup(j);
        e = bv_lookup_latest(r, vl.s, slot, &found, &at, st);
        if (!e && !found)
            e = bv_fail(st, BV_ERR_FORMAT, "%s: no entry at or before slot %llu", vl.s,
                        (unsigned long long)slot);
        if (e)
            break;
        bv_key vk = bv_key_validator(j, at);
        char *js;
        size_t jl;
        bv_validator_sha_input in;
        bv_validator_rec rec;
        if ((e = get_required(r, vk.s, &js, &jl, st)))
            break;
        e = bv_json_decode_validator_sha_input(js, jl, &in, st);
        free(js);
        if (!e)
            e = bv_sha_input_to_rec(&in, &rec, st);
        if (e)
            bv_fail_ctx(st, "%s", vk.s);
        else
            leaves[j] = commit_rec(&rec);
    }
    if (!e)
        e = bv_commit_combine(out, leaves, n, 0, BV_COMMIT_DEPTH, st);
    free(leaves);
    return e;
}

static bv_err root_balance(bv_redis *r, const char *proto, bv_hash *out, bv_status *st)
{
    bv_err e = bv_key_check_protocol(proto, st);
    size_t cap = 1024, n = 0;
    bv_hash *leaves = e ? NULL : malloc(sizeof *leaves * cap);
    if (!e && !leaves)
        e = bv_fail(st, BV_ERR_NOMEM, "poseidon-root: out of memory");
    for (uint64_t i = 0; !e; i++) {
        bv_key k = bv_key_balance_input(proto, i);
        char *js;
        size_t jl;
        int found;
        if ((e = bv_redis_get(r, k.s, &js, &jl, &found, st)) || !found)
            break;
        bv_balances_input in;
        e = bv_json_decode_balances_input(js, jl, &in, st);
        free(js);
        if (e) {
            bv_fail_ctx(st, "%s", k.s);
            break;
        }
        if (n + 8 > cap) {
            bv_hash *p = cap < (1u << 24) ? realloc(leaves, sizeof *leaves * cap * 2) : NULL;
            if (!p) {
                e = bv_fail(st, BV_ERR_NOMEM, "poseidon-root: out of memory");
                break;
            }
            leaves = p;
            cap *= 2;
        }
        for (int v = 0; v < 8; v++)
            leaves[n++] =
                in.validator_is_zero[v] ? bv_commit_zero(0) : commit_rec(&in.validators[v]);
    }
    if (!e)
        e = bv_commit_combine(out, leaves, n, 0, BV_COMMIT_DEPTH, st);
    free(leaves);
    return e;
}

static bv_err root_state(int nargs, char **a, bv_hash *out, bv_status *st)
{
    uint64_t offset = 0, take = UINT64_MAX;
    if ((nargs > 2 && parse_u64(a[2], &offset, st)) || (nargs > 3 && parse_u64(a[3], &take, st)))
        return BV_ERR_ARG;
    bv_beacon_state s;
    bv_err e = bv_state_load_file(&s, a[1], BV_FORK_AUTO, BV_PRESET_AUTO, st);
    if (e)
        return e;
    uint64_t lo = offset < s.validator_count ? offset : s.validator_count;
    uint64_t n = s.validator_count - lo < take ? s.validator_count - lo : take;
    e = bv_commit_root(out, bv_state_validator(&s, lo), n, st);
    bv_state_free(&s);
    return e;
}

static bv_err offline(const char *cmd, int nargs, char **a, bv_status *st)
{
    uint8_t buf[32];
    size_t n = 0;
    if (!strcmp(cmd, "payload") && nargs >= 3 && !strcmp(a[0], "mapper")) {
        bv_mapper_task t = {0, 0, 0};
        uint64_t tag;
        if (parse_u64(a[1], &tag, st) || parse_u64(a[2], &t.a, st) ||
            (nargs > 3 && parse_u64(a[3], &t.b, st)))
            return BV_ERR_ARG;
        if (tag > 3)
            return bv_fail(st, BV_ERR_ARG, "mapper tag %llu unknown", (unsigned long long)tag);
        t.tag = (bv_mapper_tag)tag;
        n = bv_mapper_task_encode(&t, buf);
    } else if (!strcmp(cmd, "payload") && nargs == 3 && !strcmp(a[0], "balance")) {
        uint64_t level, index;
        if (parse_u64(a[1], &level, st) || parse_u64(a[2], &index, st))
            return BV_ERR_ARG;
        n = bv_balance_task_encode((unsigned)level, index, buf);
    } else if (!strcmp(cmd, "poseidon-root") && nargs >= 2 && nargs <= 4 &&
               !strcmp(a[0], "state")) {
        bv_hash h;
        bv_err e = root_state(nargs, a, &h, st);
        if (!e)
            print_root(&h);
        return e;
    } else if (!strcmp(cmd, "keys") && nargs == 2 && !strcmp(a[0], "balance-queues")) {
        if (bv_key_check_protocol(a[1], st))
            return BV_ERR_ARG;
        for (unsigned l = 0; l < BV_BALANCE_CLEAN_LEVELS; l++)
            printf("%s\n", bv_queue_balance(a[1], l).s);
        return BV_OK;
    } else if (!strcmp(cmd, "keys") && nargs == 2 && !strcmp(a[0], "all")) {
        const char *p = a[1];
        if (bv_key_check_protocol(p, st))
            return BV_ERR_ARG;
        bv_key ks[] = {bv_key_validator(7, 100),
                       bv_key_validator_lookup(7),
                       bv_key_validator_proof(BV_REGISTRY_LIMIT + 7, 100),
                       bv_key_validator_proof_lookup(1),
                       bv_key_validator_proof_zeroes(40),
                       bv_key_validator_proof_storage(1, 100),
                       bv_key_validator_proof_storage_zeroes(0),
                       bv_key_validators_length(100),
                       bv_key_validators_root(100),
                       bv_key_last_processed_slot(),
                       bv_key_last_verified_slot(),
                       bv_queue_mapper(),
                       bv_key_balance_input(p, BV_REGISTRY_LIMIT),
                       bv_key_balance_proof(p, 3, 5),
                       bv_key_balance_proof_storage(p, 3, 5),
                       bv_key_final_proof_input(p),
                       bv_key_final_layer_proof(p),
                       bv_key_balance_wrapper_proof(p),
                       bv_key_balance_wrapper_verifier_only(),
                       bv_channel_gnark_proofs(p),
                       bv_queue_balance(p, 37)};
        for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++)
            printf("%s\n", ks[i].s);
        return BV_OK;
    } else {
        usage();
        return bv_fail(st, BV_ERR_ARG, "bad %s arguments", cmd);
    }
    for (size_t i = 0; i < n; i++)
        printf("%02x", buf[i]);
    printf("\n");
    return BV_OK;
}

static bv_err run(int argc, char **argv, bv_status *st)
{
    const char *host = BV_REDIS_DEFAULT_HOST;
    int port = BV_REDIS_DEFAULT_PORT;
    bv_wq_profile profile = BV_WQ_LEGACY;
    bv_wq_orphan_mode orphan = BV_WQ_ORPHAN_EMPTY;
    bv_wq_requeue requeue = BV_WQ_REQUEUE_FRONT;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (i + 1 >= argc)
            return bv_fail(st, BV_ERR_ARG, "%s needs a value", argv[i]);
        const char *v = argv[i + 1];
        if (!strcmp(argv[i], "--redis-host"))
            host = v;
        else if (!strcmp(argv[i], "--redis-port")) {
            if (parse_int(v, "--redis-port", &port, st))
                return BV_ERR_ARG;
        } else if (!strcmp(argv[i], "--profile")) {
            if (!strcmp(v, "legacy"))
                profile = BV_WQ_LEGACY;
            else if (!strcmp(v, "v3"))
                profile = BV_WQ_V3;
            else
                return bv_fail(st, BV_ERR_ARG, "--profile: '%s' is not legacy or v3", v);
        } else if (!strcmp(argv[i], "--orphan")) {
            if (!strcmp(v, "empty"))
                orphan = BV_WQ_ORPHAN_EMPTY;
            else if (!strcmp(v, "drop"))
                orphan = BV_WQ_ORPHAN_DROP;
            else
                return bv_fail(st, BV_ERR_ARG, "--orphan: '%s' is not empty or drop", v);
        } else if (!strcmp(argv[i], "--requeue")) {
            if (!strcmp(v, "front"))
                requeue = BV_WQ_REQUEUE_FRONT;
            else if (!strcmp(v, "back"))
                requeue = BV_WQ_REQUEUE_BACK;
            else
                return bv_fail(st, BV_ERR_ARG, "--requeue: '%s' is not front or back", v);
        } else
            return bv_fail(st, BV_ERR_ARG, "unknown option %s", argv[i]);
    }
    if (argc - i < 2) {
        usage();
        return bv_fail(st, BV_ERR_ARG, "missing PREFIX or COMMAND");
    }
    const char *prefix = argv[i++];
    const char *cmd = argv[i++];
    int nargs = argc - i;
    char **a = argv + i;

    if (!strcmp(cmd, "payload") || !strcmp(cmd, "keys") ||
        (!strcmp(cmd, "poseidon-root") && nargs >= 1 && !strcmp(a[0], "state")))
        return offline(cmd, nargs, a, st);
    if (!strcmp(cmd, "replay") && nargs == 1) {
        char uri[300];
        snprintf(uri, sizeof uri, "redis://%.255s:%d", host, port);
        uint64_t n;
        bv_err re = bv_mirror_replay_spool(uri, a[0], &n, st);
        if (!re)
            printf("%llu writes replayed\n", (unsigned long long)n);
        return re;
    }

    bv_work_queue q;
    bv_err e = bv_wq_init(&q, prefix, st);
    if (e)
        return e;
    q.profile = profile;
    q.orphan = orphan;
    q.requeue = requeue;
    bv_redis *r;
    e = bv_redis_connect(&r, host, port, 5000, st);
    if (e)
        return e;

    if (!strcmp(cmd, "add") && (nargs == 1 || nargs == 2)) {
        size_t hl = strlen(a[0]);
        if (hl % 2)
            e = bv_fail(st, BV_ERR_ARG, "add: odd-length hex payload");
        uint8_t *buf = malloc(hl / 2 + 1);
        if (!e && !buf)
            e = bv_fail(st, BV_ERR_NOMEM, "add: out of memory");
        if (!e && bv_hex_read(buf, a[0], hl / 2, NULL))
            e = bv_fail(st, BV_ERR_ARG, "add: payload is not hex");
        char id[BV_WQ_ID_MAX];
        if (!e) {
            if (nargs == 2) {
                e = bv_wq_add_id(r, &q, a[1], buf, hl / 2, st);
                snprintf(id, sizeof id, "%s", a[1]);
            } else {
                e = bv_wq_add(r, &q, buf, hl / 2, id, st);
            }
        }
        if (!e)
            printf("%s\n", id);
        free(buf);
    } else if (!strcmp(cmd, "add-index") && nargs == 2) {
        uint64_t first, count;
        if (parse_u64(a[0], &first, st) || parse_u64(a[1], &count, st))
            e = BV_ERR_ARG;
        for (uint64_t k = 0; !e && k < count; k++) {
            uint8_t b[8];
            bv_put_be64(b, first + k);
            e = bv_wq_add(r, &q, b, 8, NULL, st);
        }
    } else if (!strcmp(cmd, "lease") && nargs == 3) {
        int secs, timeout;
        /* A lease of 0 is passed through so the library's refusal is visible. */
        if (parse_int(a[0], "lease secs", &secs, st) || parse_int(a[2], "timeout", &timeout, st))
            e = BV_ERR_ARG;
        int block = !strcmp(a[1], "block");
        if (!e && !block && strcmp(a[1], "nonblock"))
            e = bv_fail(st, BV_ERR_ARG, "lease: '%s' is not block or nonblock", a[1]);
        bv_wq_item it;
        int got = 0;
        if (!e)
            e = bv_wq_lease(r, &q, secs, block, timeout, &it, &got, st);
        if (!e && got) {
            printf("%s ", it.id);
            for (size_t k = 0; k < it.len; k++)
                printf("%02x", it.data[k]);
            printf("%s %d\n", it.len ? "" : "-", it.had_data);
            bv_wq_item_free(&it);
        } else if (!e) {
            printf("none\n");
        }
    } else if (!strcmp(cmd, "complete") && nargs == 1) {
        int removed;
        e = bv_wq_complete(r, &q, a[0], &removed, st);
        if (!e)
            printf("%s\n", removed ? "true" : "false");
    } else if (!strcmp(cmd, "renew") && nargs == 2) {
        int secs, renewed;
        e = parse_int(a[1], "renew secs", &secs, st);
        if (!e)
            e = bv_wq_renew(r, &q, a[0], secs, &renewed, st);
        if (!e)
            printf("%s\n", renewed ? "true" : "false");
    } else if (!strcmp(cmd, "aside") && nargs == 2) {
        int removed;
        e = bv_wq_set_aside(r, &q, a[0], a[1], NULL, 0, &removed, st);
        if (!e)
            printf("%s\n", removed ? "true" : "false");
    } else if (!strcmp(cmd, "clean") && nargs == 0) {
        bv_wq_clean_stats cs;
        e = bv_wq_light_clean(r, &q, &cs, st);
        if (!e)
            printf("requeued=%lld dropped=%lld journal=%lld journal_requeued=%lld\n", cs.requeued,
                   cs.dropped, cs.journal_drained, cs.journal_requeued);
    } else if (!strcmp(cmd, "len") && nargs == 0) {
        long long nq, np;
        e = bv_wq_lengths(r, &q, &nq, &np, st);
        if (!e)
            printf("%lld %lld\n", nq, np);
    } else if (!strcmp(cmd, "session") && nargs == 0) {
        printf("%s\n", q.session);
    } else if (!strcmp(cmd, "poseidon-root") && nargs == 2 &&
               (!strcmp(a[0], "mapper") || !strcmp(a[0], "balance"))) {
        bv_hash h;
        uint64_t slot = 0;
        if (!strcmp(a[0], "mapper"))
            e = parse_u64(a[1], &slot, st) ? BV_ERR_ARG : root_mapper(r, slot, &h, st);
        else
            e = root_balance(r, a[1], &h, st);
        if (!e)
            print_root(&h);
    } else {
        usage();
        e = bv_fail(st, BV_ERR_ARG, "unknown command or wrong arguments: %s", cmd);
    }
    bv_redis_free(r);
    return e;
}

int main(int argc, char **argv)
{
    bv_status st;
    bv_status_clear(&st);
    bv_err e = run(argc, argv, &st);
    if (e) {
        fprintf(stderr, "bv_queue_tool: error: %s\n", st.msg);
        return bv_exit_code(e);
    }
    return 0;
}
