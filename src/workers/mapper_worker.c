/*
 * mapper_worker.c - the commitment-mapper worker's tasks
 * (include/balverify/mapper_worker.h).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/circuit_dir.h"
#include "balverify/keys.h"
#include "balverify/kv_json.h"
#include "balverify/mapper_worker.h"
#include "balverify/sha256.h"
#include "balverify/ssz.h"
#include "balverify/util_hex.h"

struct bv_mapper_worker {
    char dir[1024];
    bv_plonk_config cfg;
    bv_proof_store *store;
    bv_cm_level *levels[BV_CM_TOP_LEVEL + 1]; /* prover data, loaded on first proof */
    /* verifier data of each level (its .circuit file), to check children */
    bv_verifier_data vd[BV_CM_TOP_LEVEL + 1];
    bv_common_data cd[BV_CM_TOP_LEVEL + 1];
    int have_vd[BV_CM_TOP_LEVEL + 1];
    unsigned long long last_use[BV_CM_TOP_LEVEL + 1], uses;
    int max_loaded, loaded;
    bv_mapper_stats stats;
};

/* The place a result goes: a tree node at a slot, or a zero subtree. */
typedef struct {
    int zero;
    unsigned depth; /* of the node (0 = root, 40 = leaf) */
    uint64_t gindex, slot;
    bv_key json, storage;
} target;

static target node_target(uint64_t gindex, unsigned depth, uint64_t slot)
{
    target t = {0,
                depth,
                gindex,
                slot,
                bv_key_validator_proof(gindex, slot),
                bv_key_validator_proof_storage(gindex, slot)};
    return t;
}

static target zero_target(unsigned depth)
{
    target t = {1,
                depth,
                0,
                0,
                bv_key_validator_proof_zeroes(depth),
                bv_key_validator_proof_storage_zeroes(depth)};
    return t;
}

static unsigned depth_of(uint64_t gindex)
{
    return 63u - (unsigned)__builtin_clzll(gindex);
}

/* Marks the task BAD with a reason (the task itself succeeded in deciding). */
static bv_err bad(bv_task_outcome *out, bv_status *st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bv_err bad(bv_task_outcome *out, bv_status *st, const char *fmt, ...)
{
    char msg[BV_STATUS_MSG];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bv_fail(st, BV_ERR_FORMAT, "%s", msg);
    *out = BV_TASK_BAD;
    return BV_OK;
}

bv_err bv_mapper_worker_new(const char *circuits_dir, const bv_plonk_config *cfg,
                            const char *store_uri, bv_mapper_worker **out, bv_status *st)
{
    *out = NULL;
    if (strlen(circuits_dir) >= sizeof((bv_mapper_worker *)0)->dir)
        return bv_fail(st, BV_ERR_ARG, "--circuits: directory name too long");
    bv_err e = bv_circuit_dir_check_config(circuits_dir, cfg, st);
    if (e != BV_OK)
        return e;
    for (uint32_t k = 0; k <= BV_CM_TOP_LEVEL; k++) {
        char name[64];
        bv_cm_circuit_name(k, name, sizeof name);
        if (!bv_circuit_dir_has(circuits_dir, name))
            return bv_fail(st, BV_ERR_IO,
                           "%s/%s.{circuit,prover} is missing: run "
                           "commitment_mapper_circuit_data_generation --circuits %s --config %s",
                           circuits_dir, name, circuits_dir, cfg->name ? cfg->name : "standard");
    }
    bv_mapper_worker *m = calloc(1, sizeof *m);
    if (!m)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    snprintf(m->dir, sizeof m->dir, "%s", circuits_dir);
    m->cfg = *cfg;
    m->max_loaded = BV_CM_TOP_LEVEL + 1;
    e = bv_proof_store_open(store_uri, 1, &m->store, st);
    if (e != BV_OK) {
        free(m);
        return bv_fail_ctx(st, "proof storage %s", store_uri);
    }
    *out = m;
    return BV_OK;
}

void bv_mapper_worker_free(bv_mapper_worker *m)
{
    if (!m)
        return;
    for (int k = 0; k <= BV_CM_TOP_LEVEL; k++) {
        bv_cm_level_free(m->levels[k]);
        if (m->have_vd[k])
            bv_common_data_release(&m->cd[k]);
    }
    bv_proof_store_close(m->store);
    free(m);
}

const bv_mapper_stats *bv_mapper_worker_stats(const bv_mapper_worker *m)
{
    return &m->stats;
}

void bv_mapper_worker_set_max_loaded(bv_mapper_worker *m, int n)
{
    m->max_loaded = n < 1 ? 1 : n > BV_CM_TOP_LEVEL + 1 ? BV_CM_TOP_LEVEL + 1 : n;
}

static bv_err level(bv_mapper_worker *m, uint32_t k, const bv_cm_level **out, bv_status *st)
{
    if (!m->levels[k]) {
        while (m->loaded >= m->max_loaded) { /* drop the least recently used */
            int lru = -1;
            for (int j = 0; j <= BV_CM_TOP_LEVEL; j++)
                if (m->levels[j] && (lru < 0 || m->last_use[j] < m->last_use[lru]))
                    lru = j;
            bv_cm_level_free(m->levels[lru]);
            m->levels[lru] = NULL;
            m->loaded--;
        }
        bv_err e = bv_cm_level_load(m->dir, k, &m->cfg, &m->levels[k], st);
        if (e != BV_OK)
            return bv_fail_ctx(st, "loading commitment mapper level %u", k);
        m->loaded++;
        m->stats.loads++;
    }
    m->last_use[k] = ++m->uses;
    *out = m->levels[k];
    return BV_OK;
}

static bv_err verifier(bv_mapper_worker *m, uint32_t k, bv_status *st)
{
    if (m->have_vd[k])
        return BV_OK;
    char name[64];
    bv_cm_circuit_name(k, name, sizeof name);
    bv_err e = bv_circuit_dir_load_verifier(m->dir, name, &m->cfg, &m->vd[k], &m->cd[k], st);
    if (e != BV_OK)
        return e;
    m->have_vd[k] = 1;
    return BV_OK;
}

/* 1 when t's result is saved: its JSON says done and names t's storage key,
 * whose bytes exist (and, for the root, validators_root:{slot} exists). */
static bv_err already_done(bv_mapper_worker *m, bv_redis *r, const target *t, int *done,
                           bv_status *st)
{
    *done = 0;
    char *json;
    size_t len;
    int found;
    bv_err e = bv_redis_get(r, t->json.s, &json, &len, &found, st);
    if (e != BV_OK || !found)
        return e;
    bv_validator_proof vp;
    bv_status ignored;
    int ok = bv_json_decode_validator_proof(json, len, &vp, &ignored) == BV_OK &&
             !vp.needs_change && vp.has_hashes && strcmp(vp.proof_key, t->storage.s) == 0;
    free(json);
    if (!ok)
        return BV_OK;
    if (!t->zero && t->gindex == 1) { /* the root also writes validators_root */
        bv_key k = bv_key_validators_root(t->slot);
        int have;
        e = bv_redis_exists(r, k.s, &have, st);
        if (e != BV_OK || !have)
            return e;
    }
    return bv_store_exists(m->store, t->storage.s, done, st);
}

/* Proof bytes first, then the JSON naming them (then validators_root for
 * the root). */
static bv_err save(bv_mapper_worker *m, bv_redis *r, const target *t, const bv_cm_level *l,
                   const bv_proof *p, uint64_t validators_length, bv_status *st)
{
    bv_cm_root root;
    bv_err e = bv_cm_root_of(p, &root, st);
    if (e == BV_OK)
        e = bv_worker_put_proof(m->store, t->storage.s, p, bv_cm_level_data(l), st);
    if (e != BV_OK)
        return bv_fail_ctx(st, "saving %s", t->storage.s);
    bv_validator_proof vp;
    memset(&vp, 0, sizeof vp);
    vp.needs_change = 0;
    vp.has_hashes = 1;
    for (int i = 0; i < 4; i++)
        vp.poseidon_hash[i] = root.poseidon.e[i];
    memcpy(vp.sha256_hash, root.sha, 32);
    snprintf(vp.proof_key, sizeof vp.proof_key, "%s", t->storage.s);
    char *json = bv_json_encode_validator_proof(&vp);
    if (!json)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    e = bv_redis_set(r, t->json.s, json, strlen(json), st);
    free(json);
    if (e == BV_OK && !t->zero && t->gindex == 1) {
        uint8_t len_chunk[32], vroot[32];
        bv_ssz_uint64_leaf(len_chunk, validators_length);
        bv_sha256_pair(vroot, root.sha, len_chunk);
        char hex[2 * 32 + 3];
        bv_hex_encode(hex, vroot, 32);
        bv_key k = bv_key_validators_root(t->slot);
        e = bv_redis_set(r, k.s, hex + 2, 64, st);
    }
    return e;
}

static void log_proof(const char *what, const target *t, uint32_t k, double ms)
{
    if (t->zero)
        printf("commitment_mapper: proved %s zeroes:%u (level %u) in %.2f s\n", what, t->depth, k,
               ms / 1e3);
    else
        printf("commitment_mapper: proved %s gindex %" PRIu64 " slot %" PRIu64
               " (level %u) in %.2f s\n",
               what, t->gindex, t->slot, k, ms / 1e3);
    fflush(stdout);
}

/* Reads one child proof (see the header for the rules). *out stays DONE
 * when p was filled. */
static bv_err fetch_child(bv_mapper_worker *m, bv_worker *w, uint64_t c, unsigned dc, uint64_t slot,
                          int zero_only, bv_proof *p, bv_task_outcome *out, bv_status *st)
{
    bv_redis *r = bv_worker_redis(w);
    uint32_t k = BV_CM_TOP_LEVEL - dc;
    for (;;) {
        char *json = NULL;
        size_t len = 0;
        int found = 0;
        bv_key where;
        bv_err e = BV_OK;
        if (!zero_only) {
            bv_key lk = bv_key_validator_proof_lookup(c);
            uint64_t at;
            e = bv_lookup_latest(r, lk.s, slot, &found, &at, st);
            if (e == BV_ERR_FORMAT)
                return bad(out, st, "%s", st->msg);
            if (e != BV_OK)
                return e;
            if (found) {
                where = bv_key_validator_proof(c, at);
                e = bv_redis_get(r, where.s, &json, &len, &found, st);
                if (e != BV_OK)
                    return e;
            }
        }
        if (!found) {
            where = bv_key_validator_proof_zeroes(dc);
            e = bv_redis_get(r, where.s, &json, &len, &found, st);
            if (e != BV_OK)
                return e;
            if (!found)
                return bad(out, st, "%s is missing", where.s);
        }
        bv_validator_proof vp;
        bv_status dst;
        bv_status_clear(&dst);
        e = bv_json_decode_validator_proof(json, len, &vp, &dst);
        free(json);
        if (e != BV_OK)
            return bad(out, st, "%s: %s", where.s, dst.msg);
        if (vp.needs_change) {
            if (bv_worker_wait_pending(w)) {
                *out = BV_TASK_PENDING;
                bv_fail(st, BV_ERR_IO, "%s is still pending", where.s);
                return BV_OK;
            }
            continue;
        }
        if (!vp.has_hashes)
            return bad(out, st, "%s: done but without roots", where.s);
        if (bv_store_check_key(vp.proof_key, &dst) != BV_OK)
            return bad(out, st, "%s: proofKey: %s", where.s, dst.msg);
        e = verifier(m, k, st);
        if (e != BV_OK)
            return e;
        bv_status_clear(&dst);
        e = bv_worker_get_proof(m->store, vp.proof_key, &m->vd[k], &m->cd[k], p, &dst);
        if (e == BV_ERR_NET || e == BV_ERR_NOMEM) {
            *st = dst;
            return e;
        }
        if (e != BV_OK)
            return bad(out, st, "%s: %s", where.s, dst.msg);
        bv_cm_root root;
        e = bv_cm_root_of(p, &root, &dst);
        int same = e == BV_OK && memcmp(root.sha, vp.sha256_hash, 32) == 0;
        for (int i = 0; i < 4 && same; i++)
            same = root.poseidon.e[i] == vp.poseidon_hash[i];
        if (!same) {
            bv_proof_free(p);
            return bad(out, st, "%s: the proof %s carries other roots than the JSON", where.s,
                       vp.proof_key);
        }
        return BV_OK;
    }
}

/* Node at t over children 2g, 2g+1 (or the zero subtree below twice). */
static bv_err do_node(bv_mapper_worker *m, bv_worker *w, const target *t, bv_task_outcome *out,
                      bv_status *st)
{
    bv_redis *r = bv_worker_redis(w);
    uint64_t vlen = 0;
    if (!t->zero && t->gindex == 1) {
        bv_key lk = bv_key_validators_length(t->slot);
        char *v;
        size_t n;
        int found;
        bv_err e = bv_redis_get(r, lk.s, &v, &n, &found, st);
        if (e != BV_OK)
            return e;
        if (!found)
            return bad(out, st, "%s is missing (needed for validators_root)", lk.s);
        char *end;
        unsigned long long x = strtoull(v, &end, 10);
        int okn = n > 0 && n <= 20 && *end == '\0' && v[0] >= '0' && v[0] <= '9';
        free(v);
        if (!okn || x > BV_REGISTRY_LIMIT)
            return bad(out, st, "%s is not a validator count", lk.s);
        vlen = x;
    }
    uint32_t k = BV_CM_TOP_LEVEL - t->depth;
    const bv_cm_level *l = NULL;
    bv_err e = level(m, k, &l, st);
    if (e != BV_OK)
        return e;
    bv_proof left, right;
    e = fetch_child(m, w, t->zero ? 0 : 2 * t->gindex, t->depth + 1, t->slot, t->zero, &left, out,
                    st);
    if (e != BV_OK || *out != BV_TASK_DONE)
        return e;
    if (t->zero) {
        right = left; /* the same proof twice; freed once */
    } else {
        e = fetch_child(m, w, 2 * t->gindex + 1, t->depth + 1, t->slot, 0, &right, out, st);
        if (e != BV_OK || *out != BV_TASK_DONE) {
            bv_proof_free(&left);
            return e;
        }
    }
    double t0 = bv_worker_now_ms();
    bv_proof p;
    e = bv_cm_prove_node(l, &left, &right, &p, st);
    double ms = bv_worker_now_ms() - t0;
    bv_proof_free(&left);
    if (!t->zero)
        bv_proof_free(&right);
    if (e != BV_OK)
        return bv_fail_ctx(st, "proving %s", t->json.s);
    e = save(m, r, t, l, &p, vlen, st);
    bv_proof_free(&p);
    if (e != BV_OK)
        return e;
    m->stats.prove_ms += ms;
    m->stats.per_level[k]++;
    if (t->zero)
        m->stats.zeroes++;
    else
        m->stats.nodes++;
    log_proof(t->zero ? "zero subtree" : "node", t, k, ms);
    return BV_OK;
}

/* Leaf at t: validator v, or the zero validator when v == NULL. */
static bv_err do_leaf(bv_mapper_worker *m, bv_worker *w, const target *t, const bv_validator *v,
                      bv_status *st)
{
    const bv_cm_level *l = NULL;
    bv_err e = level(m, 0, &l, st);
    if (e != BV_OK)
        return e;
    double t0 = bv_worker_now_ms();
    bv_proof p;
    e = bv_cm_prove_leaf(l, v, &p, st);
    double ms = bv_worker_now_ms() - t0;
    if (e != BV_OK)
        return bv_fail_ctx(st, "proving %s", t->json.s);
    e = save(m, bv_worker_redis(w), t, l, &p, 0, st);
    bv_proof_free(&p);
    if (e != BV_OK)
        return e;
    m->stats.prove_ms += ms;
    m->stats.per_level[0]++;
    m->stats.leaves++;
    log_proof(v ? "leaf" : "zero leaf", t, 0, ms);
    return BV_OK;
}

/* validator:{i} at the latest slot <= slot. */
static bv_err read_validator(bv_redis *r, uint64_t i, uint64_t slot, bv_validator *v,
                             bv_task_outcome *out, bv_status *st)
{
    bv_key lk = bv_key_validator_lookup(i);
    int found;
    uint64_t at;
    bv_err e = bv_lookup_latest(r, lk.s, slot, &found, &at, st);
    if (e == BV_ERR_FORMAT)
        return bad(out, st, "%s", st->msg);
    if (e != BV_OK)
        return e;
    if (!found)
        return bad(out, st, "%s has no slot at or before %" PRIu64, lk.s, slot);
    bv_key k = bv_key_validator(i, at);
    char *json;
    size_t len;
    e = bv_redis_get(r, k.s, &json, &len, &found, st);
    if (e != BV_OK)
        return e;
    if (!found)
        return bad(out, st, "%s is missing", k.s);
    bv_validator_sha_input in;
    bv_validator_rec rec;
    bv_status dst;
    bv_status_clear(&dst);
    e = bv_json_decode_validator_sha_input(json, len, &in, &dst);
    free(json);
    if (e == BV_OK)
        e = bv_sha_input_to_rec(&in, &rec, &dst);
    if (e != BV_OK)
        return bad(out, st, "%s: %s", k.s, dst.msg);
    memcpy(v->pubkey, rec.pubkey, 48);
    memcpy(v->withdrawal_credentials, rec.withdrawal_credentials, 32);
    v->effective_balance = rec.effective_balance;
    v->slashed = (uint8_t)rec.slashed;
    v->activation_eligibility_epoch = rec.activation_eligibility_epoch;
    v->activation_epoch = rec.activation_epoch;
    v->exit_epoch = rec.exit_epoch;
    v->withdrawable_epoch = rec.withdrawable_epoch;
    return BV_OK;
}

bv_err bv_mapper_worker_task(bv_worker *w, void *ctx, const bv_wq_item *item, bv_task_outcome *out,
                             bv_status *st)
{
    bv_mapper_worker *m = ctx;
    bv_redis *r = bv_worker_redis(w);
    *out = BV_TASK_DONE;
    if (!item->had_data)
        return bad(out, st, "no item data");
    bv_mapper_task t;
    bv_status dst;
    bv_status_clear(&dst);
    if (bv_mapper_task_decode(item->data, item->len, &t, &dst) != BV_OK)
        return bad(out, st, "%s", dst.msg);
    target tg;
    switch (t.tag) {
    case BV_MAPPER_UPDATE_PROOF_NODE:
        if (t.a == 0 || t.a >= BV_REGISTRY_LIMIT)
            return bad(out, st, "UPDATE_PROOF_NODE: gindex %" PRIu64 " is not an inner node", t.a);
        tg = node_target(t.a, depth_of(t.a), t.b);
        break;
    case BV_MAPPER_PROVE_ZERO_FOR_DEPTH:
        if (t.a >= BV_MAPPER_DEPTH)
            return bad(out, st, "PROVE_ZERO_FOR_DEPTH: depth %" PRIu64 " not in 0..39", t.a);
        tg = zero_target((unsigned)t.a);
        break;
    case BV_MAPPER_UPDATE_VALIDATOR_PROOF:
        if (t.a > BV_REGISTRY_LIMIT)
            return bad(out, st, "UPDATE_VALIDATOR_PROOF: index %" PRIu64 " beyond 2^40", t.a);
        tg = t.a == BV_REGISTRY_LIMIT ? zero_target(BV_MAPPER_DEPTH)
                                      : node_target(BV_REGISTRY_LIMIT + t.a, BV_MAPPER_DEPTH, t.b);
        break;
    case BV_MAPPER_ZERO_OUT_VALIDATOR:
        if (t.a >= BV_REGISTRY_LIMIT)
            return bad(out, st, "ZERO_OUT_VALIDATOR: index %" PRIu64 " is not a validator", t.a);
        tg = node_target(BV_REGISTRY_LIMIT + t.a, BV_MAPPER_DEPTH, t.b);
        break;
    default:
        return bad(out, st, "unknown task tag %d", (int)t.tag);
    }
    int done;
    bv_err e = already_done(m, r, &tg, &done, st);
    if (e != BV_OK)
        return e;
    if (done) {
        m->stats.skipped++;
        printf("commitment_mapper: already proven: %s\n", tg.json.s);
        fflush(stdout);
        return BV_OK;
    }
    if (t.tag == BV_MAPPER_UPDATE_PROOF_NODE || t.tag == BV_MAPPER_PROVE_ZERO_FOR_DEPTH)
        return do_node(m, w, &tg, out, st);
    if (t.tag == BV_MAPPER_UPDATE_VALIDATOR_PROOF && t.a != BV_REGISTRY_LIMIT) {
        bv_validator v;
        e = read_validator(r, t.a, t.b, &v, out, st);
        if (e != BV_OK || *out != BV_TASK_DONE)
            return e;
        return do_leaf(m, w, &tg, &v, st);
    }
    return do_leaf(m, w, &tg, NULL, st);
}
