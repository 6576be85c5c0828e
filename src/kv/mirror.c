/* mirror.c - see include/balverify/mirror.h */
#include "balverify/mirror.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "balverify/keys.h"
#include "balverify/kv_json.h"
#include "balverify/node.h"
#include "balverify/redis_conn.h"
#include "balverify/util_clock.h"
#include "balverify/util_hex.h"
#include "balverify/work_queue.h"

typedef enum { OP_SET = 0, OP_ZADD = 1 } op_kind;

typedef struct {
    op_kind kind;
    char *key;
    uint8_t *val; /* SET: value; ZADD: the slot as decimal (score and member) */
    size_t len;
} op_t;

struct bv_mirror {
    char *uri, *proto, *spool;
    uint64_t slot;
    MPI_Comm comm;
    bv_mirror_policy policy;
    int consume, resync_timeout_s, verbose, rank;
    bv_redis *r;
    double last_try;
    op_t *pend;
    size_t npend, cap;
    uint64_t written;
    uint64_t leaves; /* validator count, learnt at mapper level 0 */
    /* Task consumption deferred while Redis was away (rank 0). */
    uint64_t level_total[BV_BALANCE_LEVELS];
    uint8_t deferred[BV_BALANCE_LEVELS];
    int mapper_deferred;
    int have_first;
    /* Items leased whose completion failed when Redis went away: their
     * results are written, so they are completed once Redis is back. */
    struct stuck_item {
        char prefix[BV_WQ_PREFIX_MAX];
        char id[BV_WQ_ID_MAX];
    } * stuck;
    size_t nstuck, capstuck;
    bv_node first; /* public values giving the run's epoch and credentials */
    int warned;
    bv_status err; /* first error to report from a callback */
};

void bv_mirror_config_init(bv_mirror_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->comm = MPI_COMM_WORLD;
    cfg->policy = BV_MIRROR_CONTINUE;
    cfg->consume_tasks = 1;
    cfg->resync_timeout_s = 30;
    /* Operators (and tests) can shorten or lengthen the final wait. */
    const char *env = getenv("BV_REDIS_RESYNC_S");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (!*end && v >= 0 && v <= 86400)
            cfg->resync_timeout_s = (int)v;
    }
}

/* Try to have a live connection (at most one attempt per second). */
static int connected(bv_mirror *m)
{
    if (m->r && bv_redis_is_connected(m->r))
        return 1;
    double t = bv_now_s();
    if (t - m->last_try < 1.0)
        return 0;
    m->last_try = t;
    bv_status st;
    if (!m->r) {
        if (bv_redis_connect_uri(&m->r, m->uri, 10000, &st) != BV_OK) {
            m->r = NULL;
            return 0;
        }
        return 1;
    }
    return bv_redis_reconnect(m->r, &st) == BV_OK;
}

static bv_err exec_op(bv_mirror *m, const op_t *o, bv_status *st)
{
    if (o->kind == OP_SET)
        return bv_redis_set(m->r, o->key, o->len ? (const char *)o->val : "", o->len, st);
    const char *argv[4] = {"ZADD", o->key, (const char *)o->val, (const char *)o->val};
    size_t lens[4] = {4, strlen(o->key), o->len, o->len};
    redisReply *rep = bv_redis_argv(m->r, st, "mirror ZADD", 4, argv, lens);
    if (!rep)
        return st->code;
    freeReplyObject(rep);
    return BV_OK;
}

static void free_op(op_t *o)
{
    free(o->key);
    free(o->val);
}

static bv_err push_pending(bv_mirror *m, op_kind kind, const char *key, const void *val, size_t len,
                           bv_status *st)
{
    if (m->npend == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 256;
        op_t *p = realloc(m->pend, cap * sizeof *p);
        if (!p)
            return bv_fail(st, BV_ERR_NOMEM, "mirror: out of memory for pending writes");
        m->pend = p;
        m->cap = cap;
    }
    op_t *o = &m->pend[m->npend];
    o->kind = kind;
    o->key = strdup(key);
    o->val = malloc(len ? len : 1);
    if (!o->key || !o->val) {
        free(o->key);
        free(o->val);
        return bv_fail(st, BV_ERR_NOMEM, "mirror: out of memory for pending writes");
    }
    memcpy(o->val, val, len);
    o->len = len;
    m->npend++;
    return BV_OK;
}

#define FLUSH_BATCH 256 /* commands per pipelined round trip */

static int transient_reply(const redisReply *rep)
{
    static const char *const t[] = {"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN"};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (rep->len >= strlen(t[i]) && strncmp(rep->str, t[i], strlen(t[i])) == 0)
            return 1;
    return 0;
}

/* Push pending writes out, FLUSH_BATCH per round trip, in order. A batch
 * cut by a lost connection stays pending as a whole and is sent again
 * later: SET and ZADD are idempotent, so a write applied twice is harmless. */
bv_err bv_mirror_flush(bv_mirror *m, bv_status *st)
{
    size_t done = 0;
    bv_err e = BV_OK;
    while (done < m->npend) {
        if (!connected(m)) {
            e = bv_fail(st, BV_ERR_NET, "redis %s unreachable; %zu mirror writes pending", m->uri,
                        m->npend - done);
            break;
        }
        size_t n = m->npend - done < FLUSH_BATCH ? m->npend - done : FLUSH_BATCH;
        int argcs[FLUSH_BATCH];
        const char *argv_store[FLUSH_BATCH][4];
        size_t len_store[FLUSH_BATCH][4];
        const char *const *argvs[FLUSH_BATCH];
        const size_t *lens[FLUSH_BATCH];
        for (size_t i = 0; i < n; i++) {
            const op_t *o = &m->pend[done + i];
            const char **a = argv_store[i];
            size_t *l = len_store[i];
            if (o->kind == OP_SET) {
                a[0] = "SET";
                a[1] = o->key;
                a[2] = o->len ? (const char *)o->val : "";
                l[0] = 3;
                l[1] = strlen(o->key);
                l[2] = o->len;
                argcs[i] = 3;
            } else {
                a[0] = "ZADD";
                a[1] = o->key;
                a[2] = a[3] = (const char *)o->val;
                l[0] = 4;
                l[1] = strlen(o->key);
                l[2] = l[3] = o->len;
                argcs[i] = 4;
            }
            argvs[i] = a;
            lens[i] = l;
        }
        redisReply *reps[FLUSH_BATCH];
        e = bv_redis_pipeline(m->r, st, "mirror", (int)n, argcs, argvs, lens, reps);
        if (e)
            break; /* connection lost: the whole batch stays pending */
        size_t ok = 0;
        int stop = 0;
        for (size_t i = 0; i < n; i++) {
            if (!stop && reps[i]->type == REDIS_REPLY_ERROR && transient_reply(reps[i])) {
                /* not ready (loading its data...): this and what follows wait */
                e = bv_fail(st, BV_ERR_NET, "redis %s not ready: %.*s", m->uri, (int)reps[i]->len,
                            reps[i]->str);
                stop = 1;
            } else if (!stop) {
                if (reps[i]->type == REDIS_REPLY_ERROR)
                    /* the server refused this write for good (e.g. WRONGTYPE) */
                    fprintf(stderr,
                            "balverify: rank %d: redis refused a mirror write of %s: %.*s\n",
                            m->rank, m->pend[done + i].key, (int)reps[i]->len, reps[i]->str);
                else
                    m->written++;
                ok++;
            }
            freeReplyObject(reps[i]);
        }
        for (size_t i = 0; i < ok; i++)
            free_op(&m->pend[done + i]);
        done += ok;
        if (stop)
            break;
    }
    if (done) {
        memmove(m->pend, m->pend + done, (m->npend - done) * sizeof *m->pend);
        m->npend -= done;
        if (m->npend == 0 && m->warned) {
            fprintf(stderr, "balverify: rank %d: redis is back; missed writes replayed\n", m->rank);
            m->warned = 0;
        }
    }
    return e;
}

/* Flush, reporting the first failure of an outage once. */
static void try_flush(bv_mirror *m)
{
    bv_status st;
    bv_status_clear(&st);
    if (bv_mirror_flush(m, &st) && !m->warned) {
        fprintf(stderr, "balverify: rank %d: %s; %s\n", m->rank, st.msg,
                m->policy == BV_MIRROR_STOP ? "the job stops after this level (checkpointed)"
                                            : "the job goes on from its checkpoint");
        m->warned = 1;
    }
}

/* Queue one write; full batches go out at once, the rest at the end of each
 * level (before any task is completed) and at the end. Order is kept:
 * nothing is written ahead of an older pending write. */
static void write_op(bv_mirror *m, op_kind kind, const char *key, const void *val, size_t len)
{
    bv_status st;
    bv_status_clear(&st);
    if (push_pending(m, kind, key, val, len, &st)) {
        if (!m->err.code)
            m->err = st;
        return;
    }
    /* While Redis is away, retry at most once per batch's worth of writes. */
    if (m->npend % FLUSH_BATCH == 0)
        try_flush(m);
}

static void write_str(bv_mirror *m, const char *key, char *json)
{
    if (!json) {
        if (!m->err.code)
            bv_fail(&m->err, BV_ERR_NOMEM, "mirror %s: out of memory", key);
        return;
    }
    write_op(m, OP_SET, key, json, strlen(json));
    free(json);
}

static void write_node_bytes(bv_mirror *m, const char *key, const bv_node *n)
{
    size_t sz = bv_node_encoded_size(n);
    uint8_t *buf = malloc(sz);
    if (!buf) {
        if (!m->err.code)
            bv_fail(&m->err, BV_ERR_NOMEM, "mirror %s: out of memory", key);
        return;
    }
    bv_node_encode(n, buf);
    write_op(m, OP_SET, key, buf, sz);
    free(buf);
}

static void mirror_balance(bv_mirror *m, const bv_node *n, uint64_t index)
{
    bv_key sk = bv_key_balance_proof_storage(m->proto, n->level, index);
    write_node_bytes(m, sk.s, n);
    const bv_balance_pv *pv = &n->pv.balance;
    bv_balance_proof p;
    memset(&p, 0, sizeof p);
    p.has_data = 1;
    p.range_total_value = pv->sum;
    for (int i = 0; i < 4; i++)
        p.validators_commitment[i] = (uint64_t)pv->validators_commitment.e[i];
    memcpy(p.balances_hash, pv->balances_root, 32);
    p.num_credentials = 1; /* the node's credentials value (node.h) */
    memcpy(p.withdrawal_credentials[0], pv->credentials, 32);
    p.current_epoch = pv->current_epoch;
    p.non_activated = pv->non_activated;
    p.active = pv->active;
    p.exited = pv->exited;
    p.slashed = pv->slashed;
    snprintf(p.proof_key, sizeof p.proof_key, "%s", sk.s);
    write_str(m, bv_key_balance_proof(m->proto, n->level, index).s,
              bv_json_encode_balance_proof(&p));
}

static void mirror_mapper(bv_mirror *m, const bv_node *n, const char *storage_key,
                          const char *json_key)
{
    write_node_bytes(m, storage_key, n);
    bv_validator_proof p;
    memset(&p, 0, sizeof p);
    p.has_hashes = 1;
    for (int i = 0; i < 4; i++)
        p.poseidon_hash[i] = (uint64_t)n->pv.mapper.pos_root.e[i];
    memcpy(p.sha256_hash, n->pv.mapper.sha_root, 32);
    snprintf(p.proof_key, sizeof p.proof_key, "%s", storage_key);
    write_str(m, json_key, bv_json_encode_validator_proof(&p));
}

static bv_err on_node(void *ctx, const bv_node *n, bv_status *st)
{
    (void)st; /* never fails here: errors surface in on_level_complete */
    bv_mirror *m = ctx;
    if (n->kind == BV_NODE_BALANCE) {
        mirror_balance(m, n, n->index);
    } else if (n->kind == BV_NODE_MAPPER) {
        uint64_t g = (1ULL << (BV_MAPPER_TOP_LEVEL - n->level)) + n->index;
        bv_key sk = bv_key_validator_proof_storage(g, m->slot);
        bv_key jk = bv_key_validator_proof(g, m->slot);
        mirror_mapper(m, n, sk.s, jk.s);
        char s[24];
        snprintf(s, sizeof s, "%" PRIu64, m->slot);
        write_op(m, OP_ZADD, bv_key_validator_proof_lookup(g).s, s, strlen(s));
    }
    return BV_OK;
}

static void remember_stuck(bv_mirror *m, const bv_work_queue *q, const char *id)
{
    if (m->nstuck == m->capstuck) {
        size_t cap = m->capstuck ? 2 * m->capstuck : 16;
        struct stuck_item *p = realloc(m->stuck, cap * sizeof *p);
        if (!p)
            return; /* the cleaner returns it to the queue after its lease */
        m->stuck = p;
        m->capstuck = cap;
    }
    snprintf(m->stuck[m->nstuck].prefix, BV_WQ_PREFIX_MAX, "%s", q->prefix);
    snprintf(m->stuck[m->nstuck].id, BV_WQ_ID_MAX, "%s", id);
    m->nstuck++;
}

static void complete_stuck(bv_mirror *m)
{
    size_t kept = 0;
    for (size_t i = 0; i < m->nstuck; i++) {
        bv_work_queue q;
        bv_status st;
        if (bv_wq_init(&q, m->stuck[i].prefix, &st) == BV_OK &&
            bv_wq_complete(m->r, &q, m->stuck[i].id, NULL, &st) == BV_OK)
            continue;
        m->stuck[kept++] = m->stuck[i];
    }
    m->nstuck = kept;
}

/* Consume the balance queue of level L (rank 0, after every rank wrote). */
static void consume_balance(bv_mirror *m, uint32_t L, uint64_t total, const bv_node *first)
{
    m->level_total[L] = total;
    if (!connected(m) || m->npend) {
        m->deferred[L] = 1; /* tasks stay queued; retried in bv_mirror_close */
        return;
    }
    m->deferred[L] = 0;
    bv_work_queue q;
    bv_status st;
    if (bv_wq_init(&q, bv_queue_balance(m->proto, L).s, &st))
        return;
    long long len = 0;
    if (bv_wq_lengths(m->r, &q, &len, NULL, &st))
        return;
    long long done = 0, aside = 0;
    for (long long k = 0; k < len; k++) {
        bv_wq_item it;
        int got = 0;
        if (bv_wq_lease(m->r, &q, 60, 0, 0, &it, &got, &st)) {
            m->deferred[L] = 1; /* Redis went away: finish at close */
            break;
        }
        if (!got)
            break;
        uint64_t idx;
        bv_status why;
        bv_status_clear(&why);
        bv_err e = it.had_data ? bv_balance_task_decode(L, it.data, it.len, &idx, &why)
                               : bv_fail(&why, BV_ERR_FORMAT, "no item data");
        if (!e && idx == BV_REGISTRY_LIMIT) {
            bv_node z;
            memset(&z, 0, sizeof z);
            if (first) {
                bv_balance_zero(L, first->pv.balance.current_epoch, first->pv.balance.credentials,
                                &z);
                mirror_balance(m, &z, BV_REGISTRY_LIMIT);
            } else {
                e = bv_fail(&why, BV_ERR_FORMAT, "zero task without a run epoch");
            }
        } else if (!e && idx >= total) {
            e = bv_fail(&why, BV_ERR_FORMAT,
                        "index %" PRIu64 " beyond the %" PRIu64 " nodes of level %u of this job",
                        idx, total, L);
        }
        if (e) {
            if (bv_wq_set_aside(m->r, &q, it.id, why.msg, it.data, it.len, NULL, &st))
                remember_stuck(m, &q, it.id);
            aside++;
        } else {
            if (bv_wq_complete(m->r, &q, it.id, NULL, &st)) {
                remember_stuck(m, &q, it.id);
                m->deferred[L] = 1;
            }
            done++;
        }
        bv_wq_item_free(&it);
    }
    if (m->verbose && (done || aside))
        fprintf(stderr, "balverify: %s: %lld tasks completed, %lld set aside\n", q.prefix, done,
                aside);
}

/* Hand an item of another slot back (end of the queue, lease dropped). */
static bv_redis_script s_release =
    BV_REDIS_SCRIPT("local n = redis.call('LREM', KEYS[1], 0, ARGV[1])\n"
                    "redis.call('DEL', KEYS[3])\n"
                    "if n > 0 and redis.call('EXISTS', KEYS[4]) == 1 then\n"
                    "  redis.call('LPUSH', KEYS[2], ARGV[1])\n"
                    "end\n"
                    "return n\n");

static void consume_mapper(bv_mirror *m, uint64_t total_leaves)
{
    if (!connected(m) || m->npend) {
        m->mapper_deferred = 1;
        return;
    }
    m->mapper_deferred = 0;
    bv_work_queue q;
    bv_status st;
    if (bv_wq_init(&q, bv_queue_mapper().s, &st))
        return;
    long long len = 0;
    if (bv_wq_lengths(m->r, &q, &len, NULL, &st))
        return;
    long long done = 0, aside = 0, back = 0;
    for (long long k = 0; k < len; k++) {
        bv_wq_item it;
        int got = 0;
        if (bv_wq_lease(m->r, &q, 60, 0, 0, &it, &got, &st)) {
            m->mapper_deferred = 1;
            break;
        }
        if (!got)
            break;
        bv_mapper_task t;
        bv_status why;
        bv_status_clear(&why);
        bv_err e = it.had_data ? bv_mapper_task_decode(it.data, it.len, &t, &why)
                               : bv_fail(&why, BV_ERR_FORMAT, "no item data");
        int zero_depth = -1;
        if (!e) {
            if (t.tag == BV_MAPPER_PROVE_ZERO_FOR_DEPTH)
                zero_depth = (int)t.a;
            else if (t.tag == BV_MAPPER_UPDATE_VALIDATOR_PROOF && t.a == BV_REGISTRY_LIMIT)
                zero_depth = BV_MAPPER_DEPTH;
        }
        if (!e && zero_depth >= 0) {
            bv_node z;
            memset(&z, 0, sizeof z);
            bv_mapper_zero((uint32_t)(BV_MAPPER_DEPTH - zero_depth), &z);
            mirror_mapper(m, &z, bv_key_validator_proof_storage_zeroes((unsigned)zero_depth).s,
                          bv_key_validator_proof_zeroes((unsigned)zero_depth).s);
        } else if (!e && t.b != m->slot) {
            char k_item[BV_WQ_KEY_MAX], k_lease[BV_WQ_KEY_MAX];
            bv_wq_item_key(&q, it.id, k_item);
            bv_wq_lease_key(&q, it.id, k_lease);
            const char *keys[4] = {q.k_processing, q.k_queue, k_lease, k_item};
            const char *args[1] = {it.id};
            redisReply *rep = bv_redis_eval(m->r, &st, "mirror: hand back", &s_release, 4, keys,
                                            NULL, 1, args, NULL);
            if (rep)
                freeReplyObject(rep);
            back++;
            bv_wq_item_free(&it);
            continue;
        } else if (!e &&
                   (t.tag == BV_MAPPER_UPDATE_VALIDATOR_PROOF ||
                    t.tag == BV_MAPPER_ZERO_OUT_VALIDATOR) &&
                   t.a >= total_leaves) {
            e = bv_fail(&why, BV_ERR_FORMAT,
                        "validator %" PRIu64 " beyond the %" PRIu64 " validators of this job", t.a,
                        total_leaves);
        }
        if (e) {
            if (bv_wq_set_aside(m->r, &q, it.id, why.msg, it.data, it.len, NULL, &st))
                remember_stuck(m, &q, it.id);
            aside++;
        } else {
            if (bv_wq_complete(m->r, &q, it.id, NULL, &st)) {
                remember_stuck(m, &q, it.id);
                m->mapper_deferred = 1;
            }
            done++;
        }
        bv_wq_item_free(&it);
    }
    if (m->verbose && (done || aside || back))
        fprintf(stderr,
                "balverify: %s: %lld tasks completed, %lld set aside, %lld of other slots left\n",
                q.prefix, done, aside, back);
}

static bv_err on_level(void *ctx, bv_node_kind kind, uint32_t level, uint64_t total, uint64_t lo,
                       const bv_node *nodes, size_t n, bv_status *st)
{
    (void)lo;
    bv_mirror *m = ctx;
    if (kind == BV_NODE_MAPPER && level == 0)
        m->leaves = total;
    if (m->npend)
        try_flush(m);
    if (m->consume && (kind == BV_NODE_BALANCE || level == BV_MAPPER_TOP_LEVEL)) {
        /* Every rank reaches this point: rank 0 completes the level's
         * tasks only when no rank has a result still waiting for Redis
         * (otherwise the completion is deferred to bv_mirror_close). */
        unsigned long long mine = m->npend, any = 0;
        MPI_Allreduce(&mine, &any, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, m->comm);
        if (m->rank == 0 && any) {
            if (kind == BV_NODE_BALANCE) {
                m->level_total[level] = total;
                m->deferred[level] = 1;
            } else {
                m->mapper_deferred = 1;
            }
        }
        if (m->rank == 0 && kind == BV_NODE_BALANCE && n && !m->have_first) {
            m->first = nodes[0];
            m->first.proof = NULL; /* only the public values are kept */
            m->first.proof_len = 0;
            m->have_first = 1;
        }
        if (m->rank == 0 && !any) {
            if (kind == BV_NODE_BALANCE)
                consume_balance(m, level, total, m->have_first ? &m->first : NULL);
            else
                consume_mapper(m, m->leaves);
            if (m->npend)
                try_flush(m); /* zero nodes written while consuming */
        }
    }
    /* The job notifies a step's balance level before its mapper level and
     * skips the rest of the step on an error: stopping only from the mapper
     * callback (the last one of every step) lets every node of the step
     * reach this mirror first, so a --resume (which starts after the step)
     * misses nothing. */
    if (kind == BV_NODE_BALANCE)
        return BV_OK;
    if (m->err.code) {
        *st = m->err;
        return st->code;
    }
    if (m->policy == BV_MIRROR_STOP && m->npend)
        return bv_fail(st, BV_ERR_NET,
                       "redis %s lost: stopping after level %u (checkpointed); %zu writes not "
                       "mirrored on rank %d",
                       m->uri, level, m->npend, m->rank);
    return BV_OK;
}

static bv_err on_final(void *ctx, const bv_job_result *res, bv_status *st)
{
    bv_mirror *m = ctx;
    char hex[65];
    bv_hex_write(hex, res->validators_root, 32);
    write_op(m, OP_SET, bv_key_validators_root(res->slot).s, hex, 64);
    const bv_final_pv *pv = &res->final_node.pv.final;
    bv_final_proof fp;
    memset(&fp, 0, sizeof fp);
    memcpy(fp.block_root, res->block_root, 32);
    fp.num_credentials = 1;
    memcpy(fp.withdrawal_credentials[0], pv->credentials, 32);
    fp.balance_sum = res->total_locked_gwei;
    fp.non_activated = res->non_activated_validators;
    fp.active = res->active_validators;
    fp.exited = res->exited_validators; /* the exited count (DendrETH's Q3 writes another) */
    fp.slashed = res->slashed_validators;
    fp.proof = res->final_node.proof;
    fp.proof_len = res->final_node.proof_len;
    write_str(m, bv_key_final_layer_proof(m->proto).s, bv_json_encode_final_proof(&fp));
    if (m->npend)
        try_flush(m);
    if (m->err.code) {
        *st = m->err;
        return st->code;
    }
    if (m->policy == BV_MIRROR_STOP && m->npend)
        return bv_fail(st, BV_ERR_NET, "redis %s lost before the final result was mirrored",
                       m->uri);
    return BV_OK;
}

void bv_mirror_observer(bv_mirror *m, bv_job_observer *ob)
{
    memset(ob, 0, sizeof *ob);
    ob->ctx = m;
    ob->on_node = on_node;
    ob->on_level_complete = on_level;
    ob->on_final = on_final;
}

uint64_t bv_mirror_pending(const bv_mirror *m)
{
    return m->npend;
}

bv_err bv_mirror_open(bv_mirror **out, const bv_mirror_config *cfg, bv_status *st)
{
    *out = NULL;
    if (!cfg->uri || !cfg->protocol)
        return bv_fail(st, BV_ERR_ARG, "mirror: a Redis URI and a protocol are required");
    bv_err e = bv_key_check_protocol(cfg->protocol, st);
    if (e)
        return e;
    bv_mirror *m = calloc(1, sizeof *m);
    if (!m)
        return bv_fail(st, BV_ERR_NOMEM, "mirror: out of memory");
    m->uri = strdup(cfg->uri);
    m->proto = strdup(cfg->protocol);
    m->spool = cfg->spool_path ? strdup(cfg->spool_path) : NULL;
    m->slot = cfg->slot;
    m->comm = cfg->comm;
    m->policy = cfg->policy;
    m->consume = cfg->consume_tasks;
    m->resync_timeout_s = cfg->resync_timeout_s;
    m->verbose = cfg->verbose;
    m->leaves = UINT64_MAX;
    m->last_try = -10;
    MPI_Comm_rank(m->comm, &m->rank);
    if (!m->uri || !m->proto) {
        bv_mirror_free(m);
        return bv_fail(st, BV_ERR_NOMEM, "mirror: out of memory");
    }
    bv_status cst;
    if (bv_redis_connect_uri(&m->r, m->uri, 10000, &cst) != BV_OK) {
        m->r = NULL;
        if (cst.code != BV_ERR_NET || m->policy == BV_MIRROR_STOP) {
            *st = cst;
            bv_mirror_free(m);
            return st->code;
        }
        fprintf(stderr, "balverify: rank %d: %s; mirroring starts when it is reachable\n", m->rank,
                cst.msg);
        m->warned = 1;
    }
    *out = m;
    return BV_OK;
}

static int put_u32(FILE *f, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    return fwrite(b, 1, 4, f) == 4;
}

static bv_err spool(bv_mirror *m, bv_status *st)
{
    char path[1024];
    snprintf(path, sizeof path, "%s.rank%d", m->spool, m->rank);
    FILE *f = fopen(path, "wb");
    if (!f)
        return bv_fail(st, BV_ERR_IO, "mirror spool %s: %s", path, strerror(errno));
    int ok = fwrite("BVSPOOL1", 1, 8, f) == 8;
    for (size_t i = 0; ok && i < m->npend; i++) {
        const op_t *o = &m->pend[i];
        ok = fputc(o->kind, f) != EOF && put_u32(f, (uint32_t)strlen(o->key)) &&
             fwrite(o->key, 1, strlen(o->key), f) == strlen(o->key) &&
             put_u32(f, (uint32_t)o->len) && fwrite(o->val, 1, o->len, f) == o->len;
    }
    if (fclose(f) != 0)
        ok = 0;
    if (!ok)
        return bv_fail(st, BV_ERR_IO, "mirror spool %s: write failed", path);
    return bv_fail(st, BV_ERR_NET,
                   "redis %s unreachable: %zu mirror writes of rank %d saved to %s (replay with "
                   "bv_queue_tool --redis-host H --redis-port P - replay %s)",
                   m->uri, m->npend, m->rank, path, path);
}

bv_err bv_mirror_close(bv_mirror *m, bv_status *st)
{
    if (!m)
        return BV_OK;
    bv_status lst;
    if (!st)
        st = &lst;
    bv_err e = BV_OK;
    if (m->npend) {
        double deadline = bv_now_s() + m->resync_timeout_s;
        while (m->npend && bv_now_s() < deadline) {
            if (bv_mirror_flush(m, st) == BV_OK)
                break;
            usleep(200000);
        }
    }
    /* Collective: tasks whose consumption was deferred are completed only
     * once every rank's results are in Redis. */
    unsigned long long left = m->npend, any_left = 0;
    MPI_Allreduce(&left, &any_left, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, m->comm);
    if (any_left == 0 && m->rank == 0 && m->consume) {
        /* deferred work needs a live connection: wait for one (bounded) */
        double until = bv_now_s() + m->resync_timeout_s;
        while (!connected(m) && bv_now_s() < until)
            usleep(200000);
        complete_stuck(m);
        for (uint32_t L = 0; L < BV_BALANCE_LEVELS; L++) {
            if (m->deferred[L]) {
                consume_balance(m, L, m->level_total[L], m->have_first ? &m->first : NULL);
                try_flush(m); /* the zero node, before the next level's check */
            }
        }
        if (m->mapper_deferred)
            consume_mapper(m, m->leaves);
        bv_status fst;
        bv_mirror_flush(m, &fst); /* zero nodes written while consuming */
    } else if (any_left && m->rank == 0 && m->consume) {
        /* The tasks stay queued for a later run or a worker, but the zero
         * nodes they ask for are this job's results too: queue them with
         * the other missed writes so that the spool holds everything. */
        for (uint32_t L = 0; L < BV_BALANCE_LEVELS; L++) {
            if (m->deferred[L] && m->have_first) {
                bv_node z;
                memset(&z, 0, sizeof z);
                bv_balance_zero(L, m->first.pv.balance.current_epoch,
                                m->first.pv.balance.credentials, &z);
                mirror_balance(m, &z, BV_REGISTRY_LIMIT);
            }
        }
        if (m->mapper_deferred) {
            for (unsigned d = 0; d <= BV_MAPPER_DEPTH; d++) {
                bv_node z;
                memset(&z, 0, sizeof z);
                bv_mapper_zero(BV_MAPPER_DEPTH - d, &z);
                mirror_mapper(m, &z, bv_key_validator_proof_storage_zeroes(d).s,
                              bv_key_validator_proof_zeroes(d).s);
            }
        }
    }
    if (m->npend) {
        e = m->spool ? spool(m, st)
                     : bv_fail(st, BV_ERR_NET,
                               "redis %s unreachable: %zu mirror writes of rank %d lost "
                               "(the HDF5 checkpoint still holds every node)",
                               m->uri, m->npend, m->rank);
    }
    bv_mirror_free(m);
    return e;
}

void bv_mirror_free(bv_mirror *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->npend; i++)
        free_op(&m->pend[i]);
    free(m->pend);
    free(m->stuck);
    bv_redis_free(m->r);
    free(m->uri);
    free(m->proto);
    free(m->spool);
    free(m);
}

static int get_u32(FILE *f, uint32_t *v)
{
    uint8_t b[4];
    if (fread(b, 1, 4, f) != 4)
        return 0;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return 1;
}

bv_err bv_mirror_replay_spool(const char *uri, const char *path, uint64_t *replayed, bv_status *st)
{
    *replayed = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return bv_fail(st, BV_ERR_IO, "%s: %s", path, strerror(errno));
    char magic[8];
    if (fread(magic, 1, 8, f) != 8 || memcmp(magic, "BVSPOOL1", 8)) {
        fclose(f);
        return bv_fail(st, BV_ERR_FORMAT, "%s: not a mirror spool file", path);
    }
    bv_mirror m;
    memset(&m, 0, sizeof m);
    m.last_try = -10;
    bv_err e = bv_redis_connect_uri(&m.r, uri, 10000, st);
    if (e) {
        fclose(f);
        return e;
    }
    int c;
    while (!e && (c = fgetc(f)) != EOF) {
        uint32_t kl, vl;
        op_t o = {(op_kind)c, NULL, NULL, 0};
        if (c > OP_ZADD || !get_u32(f, &kl) || kl == 0 || kl > 4096) {
            e = bv_fail(st, BV_ERR_FORMAT, "%s: damaged record %" PRIu64, path, *replayed);
            break;
        }
        o.key = calloc(1, kl + 1);
        if (o.key && fread(o.key, 1, kl, f) == kl && get_u32(f, &vl) && vl <= (1u << 30) &&
            (o.val = malloc(vl ? vl : 1)) && fread(o.val, 1, vl, f) == vl) {
            o.len = vl;
            e = exec_op(&m, &o, st);
            if (!e)
                (*replayed)++;
        } else {
            e = bv_fail(st, BV_ERR_FORMAT, "%s: truncated record %" PRIu64, path, *replayed);
        }
        free_op(&o);
    }
    fclose(f);
    bv_redis_free(m.r);
    return e;
}
