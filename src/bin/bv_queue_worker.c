/* bv_queue_worker - a work-queue consumer used by the reliability tests and
 * as the reference loop for real workers: lease, check the payload, write a
 * result derived from it, complete. Items that cannot be processed (wrong
 * length, unknown tag, no data, bad JSON input) are logged with their id and
 * set aside under PREFIX:failed instead of being retried forever.
 *
 *   bv_queue_worker --redis-host H --redis-port P --queue PREFIX
 *                   --kind index|mapper|balance [--level L] [--protocol X]
 *                   --results KEYPREFIX [--lease SECS] [--pop-timeout SECS]
 *                   [--work-ms MS] [--slow-every K --slow-ms MS] [--max-seconds S]
 *
 * Results: index  -> KEYPREFIX:{i} = decimal (i * 2654435761 mod 2^32)
 *          mapper -> KEYPREFIX:{tag}:{a}:{b} = "1"
 *          balance-> KEYPREFIX:{level}:{i} = summed effective balance of the
 *                    input's real validators (level 0, read from
 *                    {proto}:validator_balance_input:{i}) or "inner" (L >= 1)
 * Every processing run increments KEYPREFIX:runs; every completion that
 * removed the id increments KEYPREFIX:completed. The worker exits 0 once
 * the queue and the processing list are both empty. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "balverify/keys.h"
#include "balverify/kv_json.h"
#include "balverify/redis_conn.h"
#include "balverify/util_bytes.h"
#include "balverify/work_queue.h"

typedef struct {
    const char *host;
    int port;
    const char *queue;
    const char *kind;
    const char *results;
    const char *protocol;
    int level;
    int lease;
    int pop_timeout;
    int slow_every;
    int slow_ms;
    int work_ms;
    int max_seconds;
} opts;

static bv_err parse_num(const char *s, const char *name, int *out, bv_status *st)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 100000000)
        return bv_fail(st, BV_ERR_ARG, "%s: '%s' is not a non-negative integer", name, s);
    *out = (int)v;
    return BV_OK;
}

static bv_err parse(int argc, char **argv, opts *o, bv_status *st)
{
    memset(o, 0, sizeof *o);
    o->host = BV_REDIS_DEFAULT_HOST;
    o->port = BV_REDIS_DEFAULT_PORT;
    o->lease = 30;
    o->pop_timeout = 1;
    o->max_seconds = 600;
    o->protocol = "lido";
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc)
            return bv_fail(st, BV_ERR_ARG, "%s needs a value", argv[i]);
        const char *k = argv[i], *v = argv[i + 1];
        bv_err e = BV_OK;
        if (!strcmp(k, "--redis-host"))
            o->host = v;
        else if (!strcmp(k, "--redis-port"))
            e = parse_num(v, k, &o->port, st);
        else if (!strcmp(k, "--queue"))
            o->queue = v;
        else if (!strcmp(k, "--kind"))
            o->kind = v;
        else if (!strcmp(k, "--results"))
            o->results = v;
        else if (!strcmp(k, "--protocol"))
            o->protocol = v;
        else if (!strcmp(k, "--level"))
            e = parse_num(v, k, &o->level, st);
        else if (!strcmp(k, "--lease"))
            e = parse_num(v, k, &o->lease, st);
        else if (!strcmp(k, "--pop-timeout"))
            e = parse_num(v, k, &o->pop_timeout, st);
        else if (!strcmp(k, "--slow-every"))
            e = parse_num(v, k, &o->slow_every, st);
        else if (!strcmp(k, "--work-ms"))
            e = parse_num(v, k, &o->work_ms, st);
        else if (!strcmp(k, "--slow-ms"))
            e = parse_num(v, k, &o->slow_ms, st);
        else if (!strcmp(k, "--max-seconds"))
            e = parse_num(v, k, &o->max_seconds, st);
        else
            return bv_fail(st, BV_ERR_ARG, "unknown option %s", k);
        if (e)
            return e;
    }
    if (!o->queue || !o->kind || !o->results)
        return bv_fail(st, BV_ERR_ARG, "--queue, --kind and --results are required");
    if (strcmp(o->kind, "index") && strcmp(o->kind, "mapper") && strcmp(o->kind, "balance"))
        return bv_fail(st, BV_ERR_ARG, "--kind: '%s' is not index, mapper or balance", o->kind);
    if (o->level >= BV_BALANCE_LEVELS)
        return bv_fail(st, BV_ERR_ARG, "--level: %d out of 0..37", o->level);
    return bv_key_check_protocol(o->protocol, st);
}

/* Process one item: on success fill key/val of the result; a BV_ERR_FORMAT
 * status means "set aside"; any other error is fatal (Redis gone...). */
static bv_err process(bv_redis *r, const opts *o, const bv_wq_item *it, char *key, size_t keyn,
                      char *val, size_t valn, bv_status *st)
{
    if (!it->had_data)
        return bv_fail(st, BV_ERR_FORMAT, "no item data");
    if (!strcmp(o->kind, "index")) {
        if (it->len != 8)
            return bv_fail(st, BV_ERR_FORMAT, "payload of %zu bytes, want 8", it->len);
        uint64_t i = bv_be64(it->data);
        snprintf(key, keyn, "%s:%" PRIu64, o->results, i);
        snprintf(val, valn, "%" PRIu64, (uint64_t)((i * 2654435761ULL) & 0xffffffffULL));
        return BV_OK;
    }
    if (!strcmp(o->kind, "mapper")) {
        bv_mapper_task t;
        bv_err e = bv_mapper_task_decode(it->data, it->len, &t, st);
        if (e)
            return e;
        snprintf(key, keyn, "%s:%d:%" PRIu64 ":%" PRIu64, o->results, (int)t.tag, t.a, t.b);
        snprintf(val, valn, "1");
        return BV_OK;
    }
    uint64_t idx;
    bv_err e = bv_balance_task_decode((unsigned)o->level, it->data, it->len, &idx, st);
    if (e)
        return e;
    snprintf(key, keyn, "%s:%d:%" PRIu64, o->results, o->level, idx);
    if (o->level > 0) {
        snprintf(val, valn, "inner");
        return BV_OK;
    }
    bv_key k = bv_key_balance_input(o->protocol, idx);
    char *json;
    size_t jl;
    int found;
    e = bv_redis_get(r, k.s, &json, &jl, &found, st);
    if (e)
        return e;
    if (!found)
        return bv_fail(st, BV_ERR_FORMAT, "input %s is missing", k.s);
    bv_balances_input in;
    e = bv_json_decode_balances_input(json, jl, &in, st);
    free(json);
    if (e) {
        bv_fail_ctx(st, "%s", k.s);
        st->code = BV_ERR_FORMAT;
        return BV_ERR_FORMAT;
    }
    uint64_t sum = 0;
    for (int v = 0; v < 8; v++)
        if (!in.validator_is_zero[v])
            sum += in.validators[v].effective_balance;
    snprintf(val, valn, "%" PRIu64, sum);
    return BV_OK;
}

static bv_err incr(bv_redis *r, const char *results, const char *what, bv_status *st)
{
    char k[512];
    snprintf(k, sizeof k, "%s:%s", results, what);
    redisReply *rep = bv_redis_cmd(r, st, k, "INCR %s", k);
    if (!rep)
        return st->code;
    freeReplyObject(rep);
    return BV_OK;
}

static bv_err run(const opts *o, bv_status *st)
{
    bv_work_queue q;
    bv_err e = bv_wq_init(&q, o->queue, st);
    if (e)
        return e;
    bv_redis *r;
    e = bv_redis_connect(&r, o->host, o->port, 5000, st);
    if (e)
        return e;
    time_t start = time(NULL);
    long n = 0;
    for (;;) {
        if (time(NULL) - start > o->max_seconds) {
            e = bv_fail(st, BV_ERR_INTERNAL, "queue %s not drained after %d s", o->queue,
                        o->max_seconds);
            break;
        }
        bv_wq_item it;
        int got;
        e = bv_wq_lease(r, &q, o->lease, 1, o->pop_timeout, &it, &got, st);
        if (e)
            break;
        if (!got) {
            long long nq, np;
            e = bv_wq_lengths(r, &q, &nq, &np, st);
            if (e)
                break;
            if (nq == 0 && np == 0)
                break;
            continue;
        }
        n++;
        char key[512], val[64];
        bv_status pst;
        bv_status_clear(&pst);
        bv_err pe = process(r, o, &it, key, sizeof key, val, sizeof val, &pst);
        if (pe == BV_ERR_FORMAT) {
            fprintf(stderr, "bv_queue_worker: item %s set aside: %s\n", it.id, pst.msg);
            e = bv_wq_set_aside(r, &q, it.id, pst.msg, it.data, it.len, NULL, st);
            bv_wq_item_free(&it);
            if (e)
                break;
            continue;
        }
        if (pe) {
            bv_wq_item_free(&it);
            *st = pst;
            e = pe;
            break;
        }
        if (o->work_ms)
            usleep((useconds_t)o->work_ms * 1000);
        if (o->slow_every && n % o->slow_every == 0)
            usleep((useconds_t)o->slow_ms * 1000);
        e = bv_redis_set(r, key, val, strlen(val), st);
        if (!e)
            e = incr(r, o->results, "runs", st);
        int removed = 0;
        if (!e)
            e = bv_wq_complete(r, &q, it.id, &removed, st);
        if (!e && removed)
            e = incr(r, o->results, "completed", st);
        bv_wq_item_free(&it);
        if (e)
            break;
    }
    bv_redis_free(r);
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
        fprintf(stderr, "bv_queue_worker: error: %s\n", st.msg);
        return bv_exit_code(e);
    }
    return 0;
}
