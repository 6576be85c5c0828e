/*
 * node_prover.c - proofs for tree nodes (include/balverify/node_prover.h).
 */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "balverify/circuit_dir.h"
#include "balverify/commitment_mapper.h"
#include "balverify/node_prover.h"
#include "balverify/serialize.h"
#include "balverify/sha256.h"
#include "balverify/validator.h"
#include "balverify/verifier.h"

/* Verifier data and common data of one circuit (small: kept for every
 * level, to read and check proofs). */
typedef struct {
    bv_verifier_data vd;
    bv_common_data cd;
    int have;
} vinfo;

/* Prover data are large (about 100 MB for a 2^14-row circuit): they are
 * loaded when a level is proven and dropped when another level of the same
 * tree is, so a rank holds at most one level per tree at a time. */
struct bv_node_prover {
    char *dir;
    bv_plonk_config cfg;
    uint32_t ncred, depth;
    int verbose;
    vinfo vcm[BV_CM_TOP_LEVEL + 1], vbal[BV_BAL_TOP_LEVEL + 1];
    bv_cm_level *cm[BV_CM_TOP_LEVEL + 1];
    bv_bal_level *bal[BV_BAL_TOP_LEVEL + 1];
    bv_final_circuit *fin;
    /* zero-subtree proofs by level (serialized), for the current balance key */
    uint8_t *zero_cm[BV_CM_TOP_LEVEL + 1];
    size_t zero_cm_len[BV_CM_TOP_LEVEL + 1];
    uint8_t *zero_bal[BV_BAL_TOP_LEVEL + 1];
    size_t zero_bal_len[BV_BAL_TOP_LEVEL + 1];
    uint8_t zero_bal_key[32];
    int have_bal_key;
    bv_node_prover_stats stats;
};

static double now_s(void)
{
    return omp_get_wtime();
}

const bv_node_prover_stats *bv_node_prover_stats_of(const bv_node_prover *p)
{
    return &p->stats;
}

void bv_node_prover_free(bv_node_prover *p)
{
    if (!p)
        return;
    for (int k = 0; k <= BV_CM_TOP_LEVEL; k++) {
        bv_cm_level_free(p->cm[k]);
        free(p->zero_cm[k]);
        if (p->vcm[k].have)
            bv_common_data_release(&p->vcm[k].cd);
    }
    for (int k = 0; k <= BV_BAL_TOP_LEVEL; k++) {
        bv_bal_level_free(p->bal[k]);
        free(p->zero_bal[k]);
        if (p->vbal[k].have)
            bv_common_data_release(&p->vbal[k].cd);
    }
    bv_final_free(p->fin);
    free(p->dir);
    free(p);
}

static void progress(const bv_node_prover *p, const char *what, uint32_t level, double t,
                     uint32_t rows)
{
    if (p->verbose)
        fprintf(stderr, "balverify: circuits: generated %s level %u (%u rows) in %.1f s\n", what,
                level, rows, t);
}

bv_err bv_node_prover_open(const char *dir, const bv_plonk_config *cfg, uint32_t ncred,
                           uint32_t depth, int generate, int verbose, bv_node_prover **out,
                           bv_status *st)
{
    *out = NULL;
    bv_node_prover *p = calloc(1, sizeof *p);
    if (!p || !(p->dir = strdup(dir))) {
        free(p);
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    }
    p->cfg = *cfg;
    p->ncred = ncred;
    p->depth = depth;
    p->verbose = verbose;
    double t0 = now_s();
    bv_err e = generate ? bv_circuit_dir_prepare(dir, st) : BV_OK;
    char name[64];
    /* 1. generate what is missing, holding at most two levels at a time */
    bv_cm_level *prev = NULL;
    for (uint32_t k = 0; e == BV_OK && k <= BV_CM_TOP_LEVEL; k++) {
        bv_cm_circuit_name(k, name, sizeof name);
        if (bv_circuit_dir_has(dir, name)) {
            bv_cm_level_free(prev);
            prev = NULL;
            continue;
        }
        if (!generate) {
            e = bv_fail(st, BV_ERR_IO, "missing circuit file %s/%s.circuit", dir, name);
            break;
        }
        double t = now_s();
        if (k > 0 && !prev)
            e = bv_cm_level_load(dir, k - 1, cfg, &prev, st);
        bv_cm_level *cur = NULL;
        if (e == BV_OK)
            e = bv_cm_level_build(cfg, k, prev, &cur, st);
        if (e == BV_OK)
            e = bv_cm_level_save(cur, dir, st);
        if (e == BV_OK)
            progress(p, "commitment_mapper", k, now_s() - t, bv_cm_level_rows(cur));
        bv_cm_level_free(prev);
        prev = cur;
    }
    bv_bal_level *bprev = NULL;
    for (uint32_t k = 0; e == BV_OK && k <= BV_BAL_TOP_LEVEL; k++) {
        bv_bal_circuit_name(k, name, sizeof name);
        if (bv_circuit_dir_has(dir, name)) {
            /* a directory of another credential count is refused here */
            bv_verifier_data vd;
            bv_common_data cd;
            e = bv_circuit_dir_load_verifier(dir, name, cfg, &vd, &cd, st);
            if (e == BV_OK) {
                if (cd.num_public_inputs != bv_bal_num_public_inputs(ncred))
                    e = bv_fail(st, BV_ERR_ARG,
                                "%s/%s.circuit is for another credential count than %u (one "
                                "circuits directory holds one credential count)",
                                dir, name, ncred);
                bv_common_data_release(&cd);
            }
            bv_bal_level_free(bprev);
            bprev = NULL;
            continue;
        }
        if (!generate) {
            e = bv_fail(st, BV_ERR_IO, "missing circuit file %s/%s.circuit", dir, name);
            break;
        }
        double t = now_s();
        if (k > 0 && !bprev)
            e = bv_bal_level_load(dir, ncred, k - 1, cfg, &bprev, st);
        bv_bal_level *cur = NULL;
        if (e == BV_OK)
            e = bv_bal_level_build(cfg, ncred, k, bprev, &cur, st);
        if (e == BV_OK)
            e = bv_bal_level_save(cur, dir, st);
        if (e == BV_OK)
            progress(p, "balance_verification", k, now_s() - t, bv_bal_level_rows(cur));
        bv_bal_level_free(bprev);
        bprev = cur;
    }
    if (e == BV_OK) {
        bv_final_circuit_name(depth, name, sizeof name);
        if (!bv_circuit_dir_has(dir, name)) {
            if (!generate) {
                e = bv_fail(st, BV_ERR_IO, "missing circuit file %s/%s.circuit", dir, name);
            } else {
                double t = now_s();
                if (!prev)
                    e = bv_cm_level_load(dir, BV_CM_TOP_LEVEL, cfg, &prev, st);
                if (e == BV_OK && !bprev)
                    e = bv_bal_level_load(dir, ncred, BV_BAL_TOP_LEVEL, cfg, &bprev, st);
                bv_final_circuit *f = NULL;
                if (e == BV_OK)
                    e = bv_final_build(cfg, depth, bprev, prev, &f, st);
                if (e == BV_OK)
                    e = bv_final_save(f, dir, st);
                if (e == BV_OK)
                    progress(p, "final_layer_d", depth, now_s() - t, bv_final_rows(f));
                bv_final_free(f);
            }
        }
    }
    bv_cm_level_free(prev);
    bv_bal_level_free(bprev);
    /* 2. the verifier side of every circuit (small), for reading proofs */
    for (uint32_t k = 0; e == BV_OK && k <= BV_CM_TOP_LEVEL; k++) {
        bv_cm_circuit_name(k, name, sizeof name);
        e = bv_circuit_dir_load_verifier(dir, name, cfg, &p->vcm[k].vd, &p->vcm[k].cd, st);
        p->vcm[k].have = e == BV_OK;
    }
    for (uint32_t k = 0; e == BV_OK && k <= BV_BAL_TOP_LEVEL; k++) {
        bv_bal_circuit_name(k, name, sizeof name);
        e = bv_circuit_dir_load_verifier(dir, name, cfg, &p->vbal[k].vd, &p->vbal[k].cd, st);
        p->vbal[k].have = e == BV_OK;
    }
    if (e != BV_OK) {
        bv_node_prover_free(p);
        return e;
    }
    p->stats.t_load = now_s() - t0;
    *out = p;
    return BV_OK;
}

/* ---- prover data on demand ---- */

static bv_err need_cm(bv_node_prover *p, uint32_t L, bv_status *st)
{
    if (p->cm[L])
        return BV_OK;
    for (uint32_t k = 0; k <= BV_CM_TOP_LEVEL; k++) {
        bv_cm_level_free(p->cm[k]);
        p->cm[k] = NULL;
    }
    double t = now_s();
    bv_err e = bv_cm_level_load(p->dir, L, &p->cfg, &p->cm[L], st);
    p->stats.t_load += now_s() - t;
    return e;
}

static bv_err need_bal(bv_node_prover *p, uint32_t L, bv_status *st)
{
    if (p->bal[L])
        return BV_OK;
    for (uint32_t k = 0; k <= BV_BAL_TOP_LEVEL; k++) {
        bv_bal_level_free(p->bal[k]);
        p->bal[k] = NULL;
    }
    double t = now_s();
    bv_err e = bv_bal_level_load(p->dir, p->ncred, L, &p->cfg, &p->bal[L], st);
    p->stats.t_load += now_s() - t;
    return e;
}

static const vinfo *level_info(const bv_node_prover *p, bv_node_kind k, uint32_t L)
{
    if (k == BV_NODE_MAPPER)
        return L <= BV_CM_TOP_LEVEL ? &p->vcm[L] : NULL;
    return L <= BV_BAL_TOP_LEVEL ? &p->vbal[L] : NULL;
}

/* ---- proof bytes ---- */

static bv_err to_bytes(const vinfo *v, const bv_proof *pf, uint8_t **buf, size_t *len,
                       bv_status *st)
{
    return bv_proof_serialize(pf, &v->vd.circuit_digest, buf, len, st);
}

static bv_err from_bytes(const vinfo *v, const uint8_t *buf, size_t len, bv_proof *pf,
                         bv_status *st)
{
    bv_hash digest;
    bv_err e = bv_proof_deserialize(&v->cd, buf, len, pf, &digest, st);
    if (e != BV_OK)
        return e;
    if (memcmp(&digest, &v->vd.circuit_digest, sizeof digest) != 0) {
        bv_proof_free(pf);
        return bv_fail(st, BV_ERR_VERIFY, "a proof of another circuit was given");
    }
    return BV_OK;
}

static bv_err attach(bv_node *node, const vinfo *v, const bv_proof *pf, bv_status *st)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    bv_err e = to_bytes(v, pf, &buf, &len, st);
    if (e == BV_OK)
        e = bv_node_set_proof(node, buf, len, st);
    free(buf);
    return e;
}

/* ---- statement checks ---- */

static bv_err check_mapper(const bv_proof *pf, const bv_node *n, bv_status *st)
{
    bv_cm_root r;
    bv_err e = bv_cm_root_of(pf, &r, st);
    if (e == BV_OK && (memcmp(r.sha, n->pv.mapper.sha_root, 32) != 0 ||
                       !bv_hash_eq(r.poseidon, n->pv.mapper.pos_root)))
        e = bv_fail(st, BV_ERR_VERIFY,
                    "commitment mapper level %u node %llu: the proof's roots differ from the "
                    "computed ones",
                    n->level, (unsigned long long)n->index);
    return e;
}

static bv_err check_balance(const bv_node_prover *p, const bv_proof *pf, const bv_node *n,
                            bv_status *st)
{
    bv_bal_statement s;
    bv_err e = bv_bal_statement_of(pf, p->ncred, &s, st);
    if (e != BV_OK)
        return e;
    const bv_balance_pv *b = &n->pv.balance;
    uint8_t cred[32];
    bv_credentials_digest((const uint8_t(*)[32])s.credentials, s.num_credentials, cred);
    if (s.total != b->sum || s.non_activated != b->non_activated || s.active != b->active ||
        s.exited != b->exited || s.slashed != b->slashed || s.epoch != b->current_epoch ||
        memcmp(s.balances_root, b->balances_root, 32) != 0 ||
        !bv_hash_eq(s.commitment, b->validators_commitment) || memcmp(cred, b->credentials, 32))
        return bv_fail(st, BV_ERR_VERIFY,
                       "balance level %u node %llu: the proof's statement differs from the "
                       "computed one",
                       n->level, (unsigned long long)n->index);
    return BV_OK;
}

/* ---- leaves and nodes ---- */

bv_err bv_node_prover_mapper_leaf(bv_node_prover *p, const uint8_t *rec, bv_node *node,
                                  bv_status *st)
{
    double t = now_s();
    bv_validator v;
    bv_err e = rec ? bv_validator_decode(&v, rec, node->index, st) : BV_OK;
    bv_proof pf;
    if (e == BV_OK)
        e = need_cm(p, 0, st);
    if (e == BV_OK)
        e = bv_cm_prove_leaf(p->cm[0], rec ? &v : NULL, &pf, st);
    if (e != BV_OK)
        return bv_fail_ctx(st, "proving commitment mapper leaf %llu",
                           (unsigned long long)node->index);
    e = check_mapper(&pf, node, st);
    if (e == BV_OK)
        e = attach(node, &p->vcm[0], &pf, st);
    bv_proof_free(&pf);
    p->stats.proofs++;
    p->stats.t_leaves += now_s() - t;
    return e;
}

bv_err bv_node_prover_balance_leaf(bv_node_prover *p, const bv_bal_leaf_input *in, bv_node *node,
                                   bv_status *st)
{
    double t = now_s();
    bv_proof pf;
    bv_err e = need_bal(p, 0, st);
    if (e == BV_OK)
        e = bv_bal_prove_leaf(p->bal[0], in, &pf, st);
    if (e != BV_OK)
        return bv_fail_ctx(st, "proving balance leaf %llu", (unsigned long long)node->index);
    e = check_balance(p, &pf, node, st);
    if (e == BV_OK)
        e = attach(node, &p->vbal[0], &pf, st);
    bv_proof_free(&pf);
    p->stats.proofs++;
    p->stats.t_leaves += now_s() - t;
    return e;
}

/* Proves the node of level L + 1 from two child proofs given as bytes. */
static bv_err prove_pair(bv_node_prover *p, bv_node_kind kind, uint32_t L, const uint8_t *lb,
                         size_t ll, const uint8_t *rb, size_t rl, bv_proof *out, bv_status *st)
{
    const vinfo *cd = level_info(p, kind, L);
    bv_proof a, b;
    bv_err e = kind == BV_NODE_MAPPER ? need_cm(p, L + 1, st) : need_bal(p, L + 1, st);
    if (e != BV_OK)
        return e;
    e = from_bytes(cd, lb, ll, &a, st);
    if (e != BV_OK)
        return e;
    e = from_bytes(cd, rb, rl, &b, st);
    if (e != BV_OK) {
        bv_proof_free(&a);
        return e;
    }
    if (kind == BV_NODE_MAPPER)
        e = bv_cm_prove_node(p->cm[L + 1], &a, &b, out, st);
    else
        e = bv_bal_prove_node(p->bal[L + 1], &a, &b, out, st);
    bv_proof_free(&a);
    bv_proof_free(&b);
    return e;
}

bv_err bv_node_prover_combine(bv_node_prover *p, const bv_node *l, const bv_node *r,
                              bv_node *parent, bv_status *st)
{
    double t = now_s();
    if (!l->proof_len || !r->proof_len)
        return bv_fail(st, BV_ERR_INTERNAL, "level %u node %llu: a child has no proof", l->level,
                       (unsigned long long)l->index);
    bv_proof pf;
    bv_err e =
        prove_pair(p, l->kind, l->level, l->proof, l->proof_len, r->proof, r->proof_len, &pf, st);
    if (e != BV_OK)
        return bv_fail_ctx(st, "proving %s level %u node %llu",
                           l->kind == BV_NODE_MAPPER ? "commitment mapper" : "balance",
                           parent->level, (unsigned long long)parent->index);
    e = l->kind == BV_NODE_MAPPER ? check_mapper(&pf, parent, st)
                                  : check_balance(p, &pf, parent, st);
    if (e == BV_OK)
        e = attach(parent, level_info(p, l->kind, parent->level), &pf, st);
    bv_proof_free(&pf);
    p->stats.proofs++;
    p->stats.t_nodes += now_s() - t;
    return e;
}

/* ---- zero subtrees ---- */

static void zero_path(const bv_node_prover *p, bv_node_kind kind, uint32_t L, char *buf, size_t cap)
{
    if (kind == BV_NODE_MAPPER) {
        snprintf(buf, cap, "%s/zero_commitment_mapper_%u.proof", p->dir, L);
        return;
    }
    char key[17];
    for (int i = 0; i < 8; i++)
        snprintf(key + 2 * i, 3, "%02x", p->zero_bal_key[i]);
    snprintf(buf, cap, "%s/zero_balance_verification_%u_%s.proof", p->dir, L, key);
}

/* A cached zero proof that verifies, or nothing. */
static int read_cached(const bv_node_prover *p, bv_node_kind kind, uint32_t L, uint8_t **buf,
                       size_t *len)
{
    char path[4096];
    zero_path(p, kind, L, path, sizeof path);
    bv_status ignored;
    if (bv_plonk_read_file(path, (size_t)1 << 26, buf, len, &ignored) != BV_OK)
        return 0;
    const vinfo *d = level_info(p, kind, L);
    bv_proof pf;
    int ok = from_bytes(d, *buf, *len, &pf, &ignored) == BV_OK;
    if (ok) {
        ok = bv_verify(&d->vd, &d->cd, &pf, &ignored) == BV_OK;
        bv_proof_free(&pf);
    }
    if (!ok) {
        free(*buf);
        *buf = NULL;
    }
    return ok;
}

static void write_cached(const bv_node_prover *p, bv_node_kind kind, uint32_t L, const uint8_t *buf,
                         size_t len)
{
    char path[4096], tmp[4200];
    zero_path(p, kind, L, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    bv_status ignored;
    if (bv_plonk_write_file(tmp, buf, len, &ignored) == BV_OK && rename(tmp, path) != 0)
        unlink(tmp);
}

/* The zero proof of (kind, L) as bytes in the in-memory cache. */
static bv_err zero_bytes(bv_node_prover *p, bv_node_kind kind, uint32_t L, uint64_t epoch,
                         const uint8_t (*wc)[32], const uint8_t **out, size_t *len, bv_status *st)
{
    uint8_t **slot = kind == BV_NODE_MAPPER ? &p->zero_cm[L] : &p->zero_bal[L];
    size_t *slen = kind == BV_NODE_MAPPER ? &p->zero_cm_len[L] : &p->zero_bal_len[L];
    if (*slot) {
        *out = *slot;
        *len = *slen;
        return BV_OK;
    }
    bv_err e = BV_OK;
    if (read_cached(p, kind, L, slot, slen)) {
        p->stats.zero_cached++;
    } else {
        double t = now_s();
        bv_proof pf;
        if (L == 0 && kind == BV_NODE_MAPPER) {
            e = need_cm(p, 0, st);
            if (e == BV_OK)
                e = bv_cm_prove_leaf(p->cm[0], NULL, &pf, st);
        } else if (L == 0) {
            bv_bal_leaf_input in;
            memset(&in, 0, sizeof in);
            in.num_credentials = p->ncred;
            memcpy(in.credentials, wc, 32 * (size_t)p->ncred);
            in.epoch = epoch;
            e = need_bal(p, 0, st);
            if (e == BV_OK)
                e = bv_bal_prove_leaf(p->bal[0], &in, &pf, st);
        } else {
            const uint8_t *cb;
            size_t cl;
            e = zero_bytes(p, kind, L - 1, epoch, wc, &cb, &cl, st);
            if (e == BV_OK)
                e = prove_pair(p, kind, L - 1, cb, cl, cb, cl, &pf, st);
        }
        if (e == BV_OK) {
            e = to_bytes(level_info(p, kind, L), &pf, slot, slen, st);
            bv_proof_free(&pf);
        }
        if (e != BV_OK)
            return bv_fail_ctx(st, "proving the zero subtree of %s level %u",
                               kind == BV_NODE_MAPPER ? "commitment mapper" : "balance", L);
        write_cached(p, kind, L, *slot, *slen);
        p->stats.proofs++;
        p->stats.zero_proofs++;
        p->stats.t_zero += now_s() - t;
    }
    *out = *slot;
    *len = *slen;
    return e;
}

bv_err bv_node_prover_zero(bv_node_prover *p, uint64_t epoch, const uint8_t (*wc)[32],
                           bv_node *node, bv_status *st)
{
    if (node->kind == BV_NODE_BALANCE) {
        uint8_t key[32], msg[8 + 32 * BV_BAL_MAX_CREDENTIALS];
        for (int i = 0; i < 8; i++)
            msg[i] = (uint8_t)(epoch >> (8 * i));
        memcpy(msg + 8, wc, 32 * (size_t)p->ncred);
        bv_sha256(key, msg, 8 + 32 * (size_t)p->ncred);
        if (!p->have_bal_key || memcmp(key, p->zero_bal_key, 32) != 0) {
            for (int k = 0; k <= BV_BAL_TOP_LEVEL; k++) {
                free(p->zero_bal[k]);
                p->zero_bal[k] = NULL;
            }
            memcpy(p->zero_bal_key, key, 32);
            p->have_bal_key = 1;
        }
    }
    const uint8_t *b;
    size_t len;
    bv_err e = zero_bytes(p, node->kind, node->level, epoch, wc, &b, &len, st);
    if (e == BV_OK)
        e = bv_node_set_proof(node, b, len, st);
    return e;
}

/* ---- final ---- */

bv_err bv_node_prover_final(bv_node_prover *p, const bv_node *balance_root,
                            const bv_node *mapper_root, const bv_final_input *in, uint8_t **proof,
                            size_t *len, bv_final_statement *stmt, bv_status *st)
{
    double t = now_s();
    *proof = NULL;
    *len = 0;
    bv_proof b, m, f;
    bv_err e = BV_OK;
    if (!p->fin) {
        /* the trees are done: drop their prover data first */
        for (uint32_t k = 0; k <= BV_CM_TOP_LEVEL; k++) {
            bv_cm_level_free(p->cm[k]);
            p->cm[k] = NULL;
        }
        for (uint32_t k = 0; k <= BV_BAL_TOP_LEVEL; k++) {
            bv_bal_level_free(p->bal[k]);
            p->bal[k] = NULL;
        }
        e = bv_final_load(p->dir, p->ncred, p->depth, &p->cfg, &p->fin, st);
        if (e != BV_OK)
            return e;
    }
    e = from_bytes(level_info(p, BV_NODE_BALANCE, BV_BAL_TOP_LEVEL), balance_root->proof,
                   balance_root->proof_len, &b, st);
    if (e != BV_OK)
        return bv_fail_ctx(st, "the balance root proof");
    e = from_bytes(level_info(p, BV_NODE_MAPPER, BV_CM_TOP_LEVEL), mapper_root->proof,
                   mapper_root->proof_len, &m, st);
    if (e != BV_OK) {
        bv_proof_free(&b);
        return bv_fail_ctx(st, "the commitment mapper root proof");
    }
    e = bv_final_prove(p->fin, &b, &m, in, &f, st);
    bv_proof_free(&b);
    bv_proof_free(&m);
    if (e != BV_OK)
        return bv_fail_ctx(st, "proving the final layer");
    const bv_circuit_data *d = bv_final_data(p->fin);
    e = bv_verify(bv_circuit_data_verifier(d), bv_circuit_data_common(d), &f, st);
    if (e == BV_OK)
        e = bv_final_statement_of(&f, p->ncred, stmt, st);
    if (e == BV_OK)
        e = bv_proof_serialize(&f, &bv_circuit_data_verifier(d)->circuit_digest, proof, len, st);
    bv_proof_free(&f);
    p->stats.proofs++;
    p->stats.t_final += now_s() - t;
    return e;
}

bv_err bv_node_prover_write_final_circuit(const bv_node_prover *p, const char *path, bv_status *st)
{
    const bv_circuit_data *d = bv_final_data(p->fin);
    uint8_t *buf = NULL;
    size_t len = 0;
    bv_err e = bv_circuit_file_serialize(bv_circuit_data_verifier(d), bv_circuit_data_common(d),
                                         &buf, &len, st);
    if (e == BV_OK)
        e = bv_plonk_write_file(path, buf, len, st);
    free(buf);
    return e;
}
