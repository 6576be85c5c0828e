/* work_queue.c - see include/balverify/work_queue.h
 *
 * Every multi-step change that other clients could observe half-done is a
 * Lua script: Redis runs a script without interleaving other commands, and
 * the commands it issues are the same ones the TypeScript and Rust clients
 * send, so the end state of every key is exactly what they expect. */
#include "balverify/work_queue.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "balverify/util_clock.h"
#include "balverify/util_hex.h"

/* After a blocking pop: read the data and set the lease in one step.
 * KEYS: item, lease, processing. ARGV: id, lease secs, session, drop-orphan.
 * Returns {2, data} | {1, ""} (orphan, leased) | {0} (orphan dropped). */
static bv_redis_script s_after_pop =
    BV_REDIS_SCRIPT("local d = redis.call('GET', KEYS[1])\n"
                    "if not d and ARGV[4] == '1' then\n"
                    "  redis.call('LREM', KEYS[3], 1, ARGV[1])\n"
                    "  return {0}\n"
                    "end\n"
                    "redis.call('SETEX', KEYS[2], ARGV[2], ARGV[3])\n"
                    "if d then return {2, d} end\n"
                    "return {1, ''}\n");

/* Non-blocking lease, atomic. KEYS: queue, processing. ARGV: item prefix,
 * lease prefix, lease secs, session, drop-orphan.
 * Returns {0} | {2, id, data} | {1, id, ""}. */
static bv_redis_script s_lease_nb =
    BV_REDIS_SCRIPT("while true do\n"
                    "  local id = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])\n"
                    "  if not id then return {0} end\n"
                    "  local d = redis.call('GET', ARGV[1] .. id)\n"
                    "  if d or ARGV[5] ~= '1' then\n"
                    "    redis.call('SETEX', ARGV[2] .. id, ARGV[3], ARGV[4])\n"
                    "    if d then return {2, id, d} end\n"
                    "    return {1, id, ''}\n"
                    "  end\n"
                    "  redis.call('LREM', KEYS[2], 1, id)\n"
                    "end\n");

/* Legacy complete. KEYS: processing, item, lease. ARGV: id. */
static bv_redis_script s_complete_l =
    BV_REDIS_SCRIPT("local n = redis.call('LREM', KEYS[1], 0, ARGV[1])\n"
                    "if n > 0 then\n"
                    "  redis.call('DEL', KEYS[2])\n"
                    "  redis.call('DEL', KEYS[3])\n"
                    "end\n"
                    "return n\n");

/* V3 complete: the data key decides. Same KEYS/ARGV. */
static bv_redis_script s_complete_v3 = BV_REDIS_SCRIPT("local n = redis.call('DEL', KEYS[2])\n"
                                                       "redis.call('LREM', KEYS[1], 0, ARGV[1])\n"
                                                       "redis.call('DEL', KEYS[3])\n"
                                                       "return n\n");

/* Set aside. KEYS: processing, item, lease, failed. ARGV: id, record. */
static bv_redis_script s_set_aside =
    BV_REDIS_SCRIPT("local n = redis.call('LREM', KEYS[1], 0, ARGV[1])\n"
                    "redis.call('DEL', KEYS[2])\n"
                    "redis.call('DEL', KEYS[3])\n"
                    "redis.call('RPUSH', KEYS[4], ARGV[2])\n"
                    "return n\n");

/* Release (return a leased item to the waiting list's far end). KEYS:
 * processing, lease, queue, item. ARGV: id. Only an id this call removed from
 * processing and whose data still exists is pushed back, so a release racing
 * a cleaner or a completer never duplicates or resurrects an item. */
static bv_redis_script s_release =
    BV_REDIS_SCRIPT("local n = redis.call('LREM', KEYS[1], 0, ARGV[1])\n"
                    "redis.call('DEL', KEYS[2])\n"
                    "if n > 0 and redis.call('EXISTS', KEYS[4]) == 1 then\n"
                    "  redis.call('LPUSH', KEYS[3], ARGV[1])\n"
                    "  return 1\n"
                    "end\n"
                    "return 0\n");

/* V3 add: only when the data key is new. KEYS: item, queue. ARGV: data, id. */
static bv_redis_script s_add_v3 =
    BV_REDIS_SCRIPT("if redis.call('SETNX', KEYS[1], ARGV[1]) == 1 then\n"
                    "  redis.call('LPUSH', KEYS[2], ARGV[2])\n"
                    "  return 1\n"
                    "end\n"
                    "return 0\n");

/* Light clean of one id. KEYS: processing, queue, lease, item.
 * ARGV: id, push-front. Returns 0 untouched, 1 re-queued, 2 dropped. */
static bv_redis_script s_clean_one =
    BV_REDIS_SCRIPT("if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end\n"
                    "local n = redis.call('LREM', KEYS[1], 0, ARGV[1])\n"
                    "if n == 0 then return 0 end\n"
                    "if redis.call('EXISTS', KEYS[4]) == 1 then\n"
                    "  if ARGV[2] == '1' then redis.call('RPUSH', KEYS[2], ARGV[1])\n"
                    "  else redis.call('LPUSH', KEYS[2], ARGV[1]) end\n"
                    "  return 1\n"
                    "end\n"
                    "return 2\n");

/* Drain one journal entry left by a crashed cleaner. KEYS: cleaning, queue,
 * processing, lease, item. ARGV: id, push-front. Returns 1 when re-queued. */
static bv_redis_script s_journal_one =
    BV_REDIS_SCRIPT("local r = 0\n"
                    "if redis.call('EXISTS', KEYS[4]) == 0 and redis.call('EXISTS', KEYS[5]) == 1\n"
                    "   and not redis.call('LPOS', KEYS[2], ARGV[1])\n"
                    "   and not redis.call('LPOS', KEYS[3], ARGV[1]) then\n"
                    "  if ARGV[2] == '1' then redis.call('RPUSH', KEYS[2], ARGV[1])\n"
                    "  else redis.call('LPUSH', KEYS[2], ARGV[1]) end\n"
                    "  r = 1\n"
                    "end\n"
                    "redis.call('LREM', KEYS[1], 0, ARGV[1])\n"
                    "return r\n");

static bv_err st_code(bv_status *st)
{
    return st && st->code ? st->code : BV_ERR_NET;
}

bv_err bv_wq_init(bv_work_queue *q, const char *prefix, bv_status *st)
{
    memset(q, 0, sizeof *q);
    if (!prefix || !*prefix)
        return bv_fail(st, BV_ERR_ARG, "work queue: empty key prefix");
    if (strlen(prefix) >= BV_WQ_PREFIX_MAX)
        return bv_fail(st, BV_ERR_ARG, "work queue: key prefix longer than %d bytes",
                       BV_WQ_PREFIX_MAX - 1);
    snprintf(q->prefix, sizeof q->prefix, "%s", prefix);
    snprintf(q->k_queue, sizeof q->k_queue, "%s:queue", prefix);
    snprintf(q->k_processing, sizeof q->k_processing, "%s:processing", prefix);
    snprintf(q->k_cleaning, sizeof q->k_cleaning, "%s:cleaning", prefix);
    q->profile = BV_WQ_LEGACY;
    q->orphan = BV_WQ_ORPHAN_EMPTY;
    q->requeue = BV_WQ_REQUEUE_FRONT;
    return bv_uuid_v4(q->session, st);
}

static void item_prefix(const bv_work_queue *q, char *out)
{
    snprintf(out, BV_WQ_KEY_MAX, "%s:item:", q->prefix);
}

static void lease_prefix(const bv_work_queue *q, char *out)
{
    snprintf(out, BV_WQ_KEY_MAX, "%s:%s", q->prefix,
             q->profile == BV_WQ_V3 ? "lease:" : "leased_by_session:");
}

void bv_wq_item_key(const bv_work_queue *q, const char *id, char *out)
{
    snprintf(out, BV_WQ_KEY_MAX, "%.199s:item:%.127s", q->prefix, id);
}

void bv_wq_lease_key(const bv_work_queue *q, const char *id, char *out)
{
    snprintf(out, BV_WQ_KEY_MAX, "%.199s:%s%.127s", q->prefix,
             q->profile == BV_WQ_V3 ? "lease:" : "leased_by_session:", id);
}

static bv_err check_id(const char *id, bv_status *st)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n >= BV_WQ_ID_MAX)
        return bv_fail(st, BV_ERR_ARG, "work queue: item id must be 1..%d bytes", BV_WQ_ID_MAX - 1);
    return BV_OK;
}

bv_err bv_wq_add_id(bv_redis *r, const bv_work_queue *q, const char *id, const void *data,
                    size_t len, bv_status *st)
{
    if (check_id(id, st))
        return BV_ERR_ARG;
    char k_item[BV_WQ_KEY_MAX];
    bv_wq_item_key(q, id, k_item);
    char what[BV_WQ_KEY_MAX + 32];
    snprintf(what, sizeof what, "add to %s", q->k_queue);
    const char *dp = data ? (const char *)data : "";
    if (q->profile == BV_WQ_V3) {
        const char *keys[2] = {k_item, q->k_queue};
        const char *args[2] = {dp, id};
        size_t alens[2] = {len, strlen(id)};
        redisReply *rep = bv_redis_eval(r, st, what, &s_add_v3, 2, keys, NULL, 2, args, alens);
        if (!rep)
            return st_code(st);
        freeReplyObject(rep);
        return BV_OK;
    }
    /* MULTI/EXEC: the same SET and LPUSH as the TypeScript pipeline, but no
     * reader can observe one without the other. */
    const char *a0[1] = {"MULTI"};
    const char *a1[3] = {"SET", k_item, dp};
    size_t l1[3] = {3, strlen(k_item), len};
    const char *a2[3] = {"LPUSH", q->k_queue, id};
    size_t l2[3] = {5, strlen(q->k_queue), strlen(id)};
    const char *a3[1] = {"EXEC"};
    size_t l0[1] = {5}, l3[1] = {4};
    const char *const *argvs[4] = {a0, a1, a2, a3};
    const size_t *lens[4] = {l0, l1, l2, l3};
    int argcs[4] = {1, 3, 3, 1};
    redisReply *reps[4];
    bv_err e = bv_redis_pipeline(r, st, what, 4, argcs, argvs, lens, reps);
    if (e)
        return e;
    redisReply *ex = reps[3];
    if (ex->type != REDIS_REPLY_ARRAY || ex->elements != 2 ||
        ex->element[0]->type == REDIS_REPLY_ERROR || ex->element[1]->type == REDIS_REPLY_ERROR) {
        const char *msg = ex->type == REDIS_REPLY_ERROR ? ex->str : "transaction failed";
        if (ex->type == REDIS_REPLY_ARRAY && ex->elements == 2) {
            if (ex->element[0]->type == REDIS_REPLY_ERROR)
                msg = ex->element[0]->str;
            else if (ex->element[1]->type == REDIS_REPLY_ERROR)
                msg = ex->element[1]->str;
        }
        e = bv_fail(st, BV_ERR_NET, "%s: %s", what, msg);
    }
    for (int i = 0; i < 4; i++)
        freeReplyObject(reps[i]);
    return e;
}

bv_err bv_wq_add(bv_redis *r, const bv_work_queue *q, const void *data, size_t len, char *id_out,
                 bv_status *st)
{
    char id[37];
    bv_err e = bv_uuid_v4(id, st);
    if (e)
        return e;
    e = bv_wq_add_id(r, q, id, data, len, st);
    if (!e && id_out)
        memcpy(id_out, id, sizeof id);
    return e;
}

bv_err bv_wq_add_many(bv_redis *r, const bv_work_queue *q, size_t n, const uint8_t *const *data,
                      const size_t *lens, char (*ids_out)[37], bv_status *st)
{
    if (n == 0)
        return BV_OK;
    if (q->profile != BV_WQ_LEGACY)
        return bv_fail(st, BV_ERR_ARG, "add to %s: batch add is for the Legacy profile",
                       q->k_queue);
    size_t ncmd = 2 * n + 2;
    char(*ids)[37] = malloc(n * sizeof *ids);
    char(*keys)[BV_WQ_KEY_MAX] = malloc(n * sizeof *keys);
    int *argcs = malloc(ncmd * sizeof *argcs);
    const char **av = malloc(3 * ncmd * sizeof *av);
    size_t *lv = malloc(3 * ncmd * sizeof *lv);
    const char *const **argvs = malloc(ncmd * sizeof *argvs);
    const size_t **lensv = malloc(ncmd * sizeof *lensv);
    redisReply **reps = malloc(ncmd * sizeof *reps);
    bv_err e = BV_OK;
    if (!ids || !keys || !argcs || !av || !lv || !argvs || !lensv || !reps) {
        e = bv_fail(st, BV_ERR_NOMEM, "add to %s: out of memory for %zu items", q->k_queue, n);
        goto out;
    }
    for (size_t i = 0; i < ncmd; i++) {
        argvs[i] = av + 3 * i;
        lensv[i] = lv + 3 * i;
    }
    av[0] = "MULTI";
    lv[0] = 5;
    argcs[0] = 1;
    for (size_t i = 0; i < n && !e; i++) {
        e = bv_uuid_v4(ids[i], st);
        bv_wq_item_key(q, ids[i], keys[i]);
        size_t c = 1 + 2 * i;
        const char **a = av + 3 * c;
        size_t *l = lv + 3 * c;
        a[0] = "SET", a[1] = keys[i], a[2] = lens[i] ? (const char *)data[i] : "";
        l[0] = 3, l[1] = strlen(keys[i]), l[2] = lens[i];
        argcs[c] = 3;
        a += 3, l += 3;
        a[0] = "LPUSH", a[1] = q->k_queue, a[2] = ids[i];
        l[0] = 5, l[1] = strlen(q->k_queue), l[2] = 36;
        argcs[c + 1] = 3;
    }
    if (e)
        goto out;
    av[3 * (ncmd - 1)] = "EXEC";
    lv[3 * (ncmd - 1)] = 4;
    argcs[ncmd - 1] = 1;
    char what[BV_WQ_KEY_MAX + 32];
    snprintf(what, sizeof what, "add %zu to %s", n, q->k_queue);
    e = bv_redis_pipeline(r, st, what, (int)ncmd, argcs, argvs, lensv, reps);
    if (e)
        goto out;
    redisReply *ex = reps[ncmd - 1];
    if (ex->type != REDIS_REPLY_ARRAY || ex->elements != 2 * n)
        e = bv_fail(st, BV_ERR_NET, "%s: %s", what,
                    ex->type == REDIS_REPLY_ERROR ? ex->str : "transaction failed");
    for (size_t i = 0; !e && i < ex->elements; i++)
        if (ex->element[i]->type == REDIS_REPLY_ERROR)
            e = bv_fail(st, BV_ERR_NET, "%s: %s", what, ex->element[i]->str);
    for (size_t i = 0; i < ncmd; i++)
        freeReplyObject(reps[i]);
    if (!e && ids_out)
        memcpy(ids_out, ids, n * sizeof *ids);
out:
    free(ids);
    free(keys);
    free(argcs);
    free(av);
    free(lv);
    free(argvs);
    free(lensv);
    free(reps);
    return e;
}

void bv_wq_item_free(bv_wq_item *item)
{
    if (!item)
        return;
    free(item->data);
    item->data = NULL;
    item->len = 0;
    item->id[0] = '\0';
}

/* Fill item from a script reply element holding the payload. */
static bv_err take_data(bv_wq_item *item, const redisReply *d, int had, bv_status *st)
{
    item->had_data = had;
    item->len = 0;
    item->data = NULL;
    if (d->type != REDIS_REPLY_STRING)
        return bv_fail(st, BV_ERR_NET, "lease %s: unexpected script reply", item->id);
    if (d->len > 0) {
        item->data = malloc(d->len);
        if (!item->data)
            return bv_fail(st, BV_ERR_NOMEM, "lease %s: out of memory for %zu bytes", item->id,
                           d->len);
        memcpy(item->data, d->str, d->len);
        item->len = d->len;
    }
    return BV_OK;
}

static bv_err lease_nonblocking(bv_redis *r, const bv_work_queue *q, const char *secs,
                                bv_wq_item *item, int *got, bv_status *st)
{
    char ip[BV_WQ_KEY_MAX], lp[BV_WQ_KEY_MAX];
    item_prefix(q, ip);
    lease_prefix(q, lp);
    const char *keys[2] = {q->k_queue, q->k_processing};
    const char *args[5] = {ip, lp, secs, q->session, q->orphan == BV_WQ_ORPHAN_DROP ? "1" : "0"};
    char what[BV_WQ_KEY_MAX + 32];
    snprintf(what, sizeof what, "lease from %s", q->k_queue);
    redisReply *rep = bv_redis_eval(r, st, what, &s_lease_nb, 2, keys, NULL, 5, args, NULL);
    if (!rep)
        return st_code(st);
    bv_err e = BV_OK;
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements < 1 ||
        rep->element[0]->type != REDIS_REPLY_INTEGER) {
        e = bv_fail(st, BV_ERR_NET, "%s: unexpected script reply", what);
    } else if (rep->element[0]->integer != 0) {
        if (rep->elements != 3 || rep->element[1]->type != REDIS_REPLY_STRING ||
            rep->element[1]->len >= BV_WQ_ID_MAX) {
            e = bv_fail(st, BV_ERR_NET, "%s: unexpected script reply", what);
        } else {
            memcpy(item->id, rep->element[1]->str, rep->element[1]->len);
            item->id[rep->element[1]->len] = '\0';
            e = take_data(item, rep->element[2], rep->element[0]->integer == 2, st);
            if (!e)
                *got = 1;
        }
    }
    freeReplyObject(rep);
    return e;
}

bv_err bv_wq_lease(bv_redis *r, const bv_work_queue *q, int lease_secs, int block, int timeout_secs,
                   bv_wq_item *item, int *got, bv_status *st)
{
    *got = 0;
    memset(item, 0, sizeof *item);
    /* A zero lease makes SETEX fail after the pop, stranding the id: refuse
     * before anything is popped. */
    if (lease_secs < 1)
        return bv_fail(st, BV_ERR_ARG, "lease from %s: lease must be at least 1 second (got %d)",
                       q->k_queue, lease_secs);
    if (timeout_secs < 0)
        return bv_fail(st, BV_ERR_ARG, "lease from %s: negative timeout", q->k_queue);
    char secs[24];
    snprintf(secs, sizeof secs, "%d", lease_secs);
    if (!block)
        return lease_nonblocking(r, q, secs, item, got, st);

    double deadline = bv_now_s() + timeout_secs;
    for (;;) {
        int wait = 0;
        if (timeout_secs > 0) {
            double left = deadline - bv_now_s();
            if (left < 0.5)
                return BV_OK;
            wait = (int)(left + 0.5);
            if (wait < 1)
                wait = 1;
        }
        char ws[24];
        snprintf(ws, sizeof ws, "%d", wait);
        const char *argv[4] = {"BRPOPLPUSH", q->k_queue, q->k_processing, ws};
        char what[BV_WQ_KEY_MAX + 32];
        snprintf(what, sizeof what, "lease: BRPOPLPUSH %s", q->k_queue);
        /* The socket must outlive the server-side wait (else the popped id
         * would be lost in a half-read reply). */
        bv_status tst;
        int saved = bv_redis_timeout(r);
        bv_redis_set_timeout(r, wait ? (wait + 10) * 1000 : 0, &tst);
        redisReply *rep = bv_redis_argv(r, st, what, 4, argv, NULL);
        bv_redis_set_timeout(r, saved, &tst);
        if (!rep)
            return st_code(st);
        if (rep->type == REDIS_REPLY_NIL) {
            freeReplyObject(rep);
            if (timeout_secs > 0)
                return BV_OK;
            continue;
        }
        if (rep->type != REDIS_REPLY_STRING || rep->len >= BV_WQ_ID_MAX) {
            freeReplyObject(rep);
            return bv_fail(st, BV_ERR_NET, "%s: unexpected reply", what);
        }
        memcpy(item->id, rep->str, rep->len);
        item->id[rep->len] = '\0';
        freeReplyObject(rep);

        char k_item[BV_WQ_KEY_MAX], k_lease[BV_WQ_KEY_MAX];
        bv_wq_item_key(q, item->id, k_item);
        bv_wq_lease_key(q, item->id, k_lease);
        const char *keys[3] = {k_item, k_lease, q->k_processing};
        const char *args[4] = {item->id, secs, q->session,
                               q->orphan == BV_WQ_ORPHAN_DROP ? "1" : "0"};
        snprintf(what, sizeof what, "lease %s: set lease", k_item);
        rep = bv_redis_eval(r, st, what, &s_after_pop, 3, keys, NULL, 4, args, NULL);
        if (!rep)
            return st_code(st);
        bv_err e = BV_OK;
        if (rep->type != REDIS_REPLY_ARRAY || rep->elements < 1 ||
            rep->element[0]->type != REDIS_REPLY_INTEGER) {
            e = bv_fail(st, BV_ERR_NET, "%s: unexpected script reply", what);
        } else if (rep->element[0]->integer == 0) {
            freeReplyObject(rep);
            item->id[0] = '\0';
            continue; /* orphan dropped: try the next id */
        } else if (rep->elements != 2) {
            e = bv_fail(st, BV_ERR_NET, "%s: unexpected script reply", what);
        } else {
            e = take_data(item, rep->element[1], rep->element[0]->integer == 2, st);
            if (!e)
                *got = 1;
        }
        freeReplyObject(rep);
        return e;
    }
}

bv_err bv_wq_renew(bv_redis *r, const bv_work_queue *q, const char *id, int lease_secs,
                   int *renewed, bv_status *st)
{
    *renewed = 0;
    if (check_id(id, st))
        return BV_ERR_ARG;
    if (lease_secs < 1)
        return bv_fail(st, BV_ERR_ARG, "renew %s: lease must be at least 1 second", id);
    char k_lease[BV_WQ_KEY_MAX];
    bv_wq_lease_key(q, id, k_lease);
    char what[BV_WQ_KEY_MAX + 16];
    snprintf(what, sizeof what, "renew %s", k_lease);
    redisReply *rep = bv_redis_cmd(r, st, what, "EXPIRE %s %d", k_lease, lease_secs);
    if (!rep)
        return st_code(st);
    *renewed = rep->type == REDIS_REPLY_INTEGER && rep->integer == 1;
    freeReplyObject(rep);
    return BV_OK;
}

bv_err bv_wq_complete(bv_redis *r, const bv_work_queue *q, const char *id, int *removed,
                      bv_status *st)
{
    if (removed)
        *removed = 0;
    if (check_id(id, st))
        return BV_ERR_ARG;
    char k_item[BV_WQ_KEY_MAX], k_lease[BV_WQ_KEY_MAX];
    bv_wq_item_key(q, id, k_item);
    bv_wq_lease_key(q, id, k_lease);
    const char *keys[3] = {q->k_processing, k_item, k_lease};
    const char *args[1] = {id};
    char what[BV_WQ_KEY_MAX + 16];
    snprintf(what, sizeof what, "complete %s", k_item);
    redisReply *rep =
        bv_redis_eval(r, st, what, q->profile == BV_WQ_V3 ? &s_complete_v3 : &s_complete_l, 3, keys,
                      NULL, 1, args, NULL);
    if (!rep)
        return st_code(st);
    if (rep->type != REDIS_REPLY_INTEGER) {
        freeReplyObject(rep);
        return bv_fail(st, BV_ERR_NET, "%s: unexpected script reply", what);
    }
    if (removed)
        *removed = rep->integer > 0;
    freeReplyObject(rep);
    return BV_OK;
}

/* LRANGE key 0 -1 into a reply the caller frees. */
static redisReply *snapshot(bv_redis *r, const char *key, bv_status *st)
{
    char what[BV_WQ_KEY_MAX + 32];
    snprintf(what, sizeof what, "light clean: LRANGE %s", key);
    redisReply *rep = bv_redis_cmd(r, st, what, "LRANGE %s 0 -1", key);
    if (rep && rep->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(rep);
        bv_fail(st, BV_ERR_NET, "%s: not a list", what);
        return NULL;
    }
    return rep;
}

bv_err bv_wq_light_clean(bv_redis *r, const bv_work_queue *q, bv_wq_clean_stats *stats,
                         bv_status *st)
{
    bv_wq_clean_stats local = {0, 0, 0, 0};
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    const char *front = q->requeue == BV_WQ_REQUEUE_FRONT ? "1" : "0";
    redisReply *ids = snapshot(r, q->k_processing, st);
    if (!ids)
        return st_code(st);
    for (size_t i = 0; i < ids->elements; i++) {
        const redisReply *e = ids->element[i];
        if (e->type != REDIS_REPLY_STRING || e->len == 0 || e->len >= BV_WQ_ID_MAX)
            continue;
        char id[BV_WQ_ID_MAX];
        memcpy(id, e->str, e->len);
        id[e->len] = '\0';
        char k_item[BV_WQ_KEY_MAX], k_lease[BV_WQ_KEY_MAX];
        bv_wq_item_key(q, id, k_item);
        bv_wq_lease_key(q, id, k_lease);
        const char *keys[4] = {q->k_processing, q->k_queue, k_lease, k_item};
        const char *args[2] = {id, front};
        char what[BV_WQ_KEY_MAX + 32];
        snprintf(what, sizeof what, "light clean %s", k_item);
        redisReply *rep = bv_redis_eval(r, st, what, &s_clean_one, 4, keys, NULL, 2, args, NULL);
        if (!rep) {
            freeReplyObject(ids);
            return st_code(st);
        }
        if (rep->type == REDIS_REPLY_INTEGER) {
            if (rep->integer == 1)
                stats->requeued++;
            else if (rep->integer == 2)
                stats->dropped++;
        }
        freeReplyObject(rep);
    }
    freeReplyObject(ids);

    if (q->profile == BV_WQ_V3)
        return BV_OK;
    /* Journal left by a cleaner that died between its LREM and its push. */
    ids = snapshot(r, q->k_cleaning, st);
    if (!ids)
        return st_code(st);
    for (size_t i = 0; i < ids->elements; i++) {
        const redisReply *e = ids->element[i];
        if (e->type != REDIS_REPLY_STRING || e->len >= BV_WQ_ID_MAX)
            continue;
        char id[BV_WQ_ID_MAX];
        memcpy(id, e->str, e->len);
        id[e->len] = '\0';
        char k_item[BV_WQ_KEY_MAX], k_lease[BV_WQ_KEY_MAX];
        bv_wq_item_key(q, id, k_item);
        bv_wq_lease_key(q, id, k_lease);
        const char *keys[5] = {q->k_cleaning, q->k_queue, q->k_processing, k_lease, k_item};
        const char *args[2] = {id, front};
        char what[BV_WQ_KEY_MAX + 32];
        snprintf(what, sizeof what, "light clean journal %s", q->k_cleaning);
        redisReply *rep = bv_redis_eval(r, st, what, &s_journal_one, 5, keys, NULL, 2, args, NULL);
        if (!rep) {
            freeReplyObject(ids);
            return st_code(st);
        }
        stats->journal_drained++;
        if (rep->type == REDIS_REPLY_INTEGER && rep->integer == 1)
            stats->journal_requeued++;
        freeReplyObject(rep);
    }
    freeReplyObject(ids);
    return BV_OK;
}

bv_err bv_wq_lengths(bv_redis *r, const bv_work_queue *q, long long *queued, long long *processing,
                     bv_status *st)
{
    const char *keys[2] = {q->k_queue, q->k_processing};
    long long *outs[2] = {queued, processing};
    for (int i = 0; i < 2; i++) {
        if (!outs[i])
            continue;
        char what[BV_WQ_KEY_MAX + 16];
        snprintf(what, sizeof what, "LLEN %s", keys[i]);
        redisReply *rep = bv_redis_cmd(r, st, what, "LLEN %s", keys[i]);
        if (!rep)
            return st_code(st);
        *outs[i] = rep->type == REDIS_REPLY_INTEGER ? rep->integer : 0;
        freeReplyObject(rep);
    }
    return BV_OK;
}

bv_err bv_wq_set_aside(bv_redis *r, const bv_work_queue *q, const char *id, const char *reason,
                       const void *data, size_t len, int *removed, bv_status *st)
{
    if (removed)
        *removed = 0;
    if (check_id(id, st))
        return BV_ERR_ARG;
    /* Keep at most 4 KiB of the payload in the record: enough to diagnose. */
    size_t keep = len > 4096 ? 4096 : len;
    char *hex = malloc(2 * keep + 1);
    if (!hex)
        return bv_fail(st, BV_ERR_NOMEM, "set aside %s: out of memory", id);
    bv_hex_write(hex, data, keep);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "reason", reason ? reason : "");
    cJSON_AddStringToObject(o, "data", hex);
    cJSON_AddNumberToObject(o, "length", (double)len);
    char *rec = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    free(hex);
    if (!rec)
        return bv_fail(st, BV_ERR_NOMEM, "set aside %s: out of memory", id);
    char k_item[BV_WQ_KEY_MAX], k_lease[BV_WQ_KEY_MAX], k_failed[BV_WQ_KEY_MAX];
    bv_wq_item_key(q, id, k_item);
    bv_wq_lease_key(q, id, k_lease);
    snprintf(k_failed, sizeof k_failed, "%s:failed", q->prefix);
    const char *keys[4] = {q->k_processing, k_item, k_lease, k_failed};
    const char *args[2] = {id, rec};
    char what[BV_WQ_KEY_MAX + 16];
    snprintf(what, sizeof what, "set aside %s", k_item);
    redisReply *rep = bv_redis_eval(r, st, what, &s_set_aside, 4, keys, NULL, 2, args, NULL);
    free(rec);
    if (!rep)
        return st_code(st);
    if (removed && rep->type == REDIS_REPLY_INTEGER)
        *removed = rep->integer > 0;
    freeReplyObject(rep);
    return BV_OK;
}

bv_err bv_wq_release(bv_redis *r, const bv_work_queue *q, const char *id, int *released,
                     bv_status *st)
{
    if (released)
        *released = 0;
    if (check_id(id, st))
        return BV_ERR_ARG;
    char k_item[BV_WQ_KEY_MAX], k_lease[BV_WQ_KEY_MAX];
    bv_wq_item_key(q, id, k_item);
    bv_wq_lease_key(q, id, k_lease);
    const char *keys[4] = {q->k_processing, k_lease, q->k_queue, k_item};
    const char *args[1] = {id};
    char what[BV_WQ_KEY_MAX + 16];
    snprintf(what, sizeof what, "release %s", k_item);
    redisReply *rep = bv_redis_eval(r, st, what, &s_release, 4, keys, NULL, 1, args, NULL);
    if (!rep)
        return st_code(st);
    if (released && rep->type == REDIS_REPLY_INTEGER)
        *released = rep->integer > 0;
    freeReplyObject(rep);
    return BV_OK;
}
