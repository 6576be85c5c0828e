/*
 * final_layer.c - the final-layer circuit (include/balverify/final_layer.h).
 *
 * One builder function defines the whole circuit; a loaded circuit recovers
 * every input target (the two proofs' targets and the SSZ inputs) by
 * replaying it on a scratch builder. The epoch is slot / 32 without a new
 * witness hint: slot_lo = r + 32 q and slot_hi = s + 32 t with r, s < 2^5,
 * q, t < 2^27 (range-checked splits), so epoch = (q + 2^27 s, t).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/circuit_dir.h"
#include "balverify/final_layer.h"
#include "balverify/gadgets.h"
#include "balverify/gadgets_int.h"
#include "balverify/gadgets_sha256.h"
#include "balverify/gadgets_ssz.h"
#include "balverify/prover.h"
#include "balverify/recursion.h"
#include "balverify/sha256.h"
#include "balverify/util_bytes.h"
#include "balverify/witness.h"
#include "circuits/circuits_internal.h"

typedef struct {
    bv_proof_target bal, cm;
    bv_target state_root[8], block_root[8], state_root_branch[3][8];
    bv_u64_target slot, count;
    bv_target slot_branch[BV_FINAL_MAX_DEPTH][8];
    bv_target validators_branch[BV_FINAL_MAX_DEPTH][8];
    bv_target balances_branch[BV_FINAL_MAX_DEPTH][8];
} final_targets;

struct bv_final_circuit {
    uint32_t depth, ncred, rows;
    bv_circuit_data *data;
    final_targets t;
};

void bv_final_circuit_name(uint32_t depth, char *buf, size_t cap)
{
    snprintf(buf, cap, "final_layer_d%u", depth);
}

const bv_circuit_data *bv_final_data(const bv_final_circuit *f)
{
    return f->data;
}
uint32_t bv_final_rows(const bv_final_circuit *f)
{
    return f->rows;
}

void bv_final_free(bv_final_circuit *f)
{
    if (!f)
        return;
    if (f->data)
        bv_circuit_data_free(f->data);
    bv_proof_target_free(&f->t.bal);
    bv_proof_target_free(&f->t.cm);
    free(f);
}

static void words_virtual(bv_circuit *c, bv_target *w, size_t n)
{
    bv_circuit_add_virtuals(c, w, n);
}

/* Balance proof public inputs (balance.h layout) for N credentials. */
static const bv_target *bal_pi(const final_targets *t, uint32_t off)
{
    return t->bal.public_inputs + off;
}

static bv_err define(bv_circuit *c, uint32_t depth, uint32_t ncred, const bv_verifier_data *bvd,
                     const bv_common_data *bcd, const bv_verifier_data *mvd,
                     const bv_common_data *mcd, final_targets *t, bv_status *st)
{
    bv_err e = bv_rec_add_proof_target(c, bcd, &t->bal, st);
    if (e == BV_OK)
        e = bv_rec_add_proof_target(c, mcd, &t->cm, st);
    if (e == BV_OK)
        e = bv_rec_verify_proof(c, &t->bal, bvd, bcd, st);
    if (e == BV_OK)
        e = bv_rec_verify_proof(c, &t->cm, mvd, mcd, st);
    if (e != BV_OK)
        return e;
    words_virtual(c, t->state_root, 8);
    words_virtual(c, t->block_root, 8);
    for (int i = 0; i < 3; i++)
        words_virtual(c, t->state_root_branch[i], 8);
    t->slot = bv_gadget_u64_virtual(c);
    t->count = bv_gadget_u64_virtual(c);
    for (uint32_t i = 0; i < depth; i++) {
        words_virtual(c, t->slot_branch[i], 8);
        words_virtual(c, t->validators_branch[i], 8);
        words_virtual(c, t->balances_branch[i], 8);
    }
    uint32_t o_cred = 10, o_commit = 10 + 8 * ncred, o_epoch = o_commit + 4,
             o_cnt = o_epoch + 2; /* balance.h */
    const bv_target *cm = t->cm.public_inputs;

    /* the two trees describe the same validators */
    for (int i = 0; i < 4; i++)
        bv_circuit_connect(c, cm[i], bal_pi(t, o_commit)[i]);
    /* lists under the state root; slot under the state root */
    uint64_t base = (uint64_t)1 << depth;
    bv_target leaf[8];
    bv_gadget_ssz_mix_in_length(c, cm + 4, t->count, leaf);
    bv_gadget_ssz_verify_branch(c, leaf, &t->validators_branch[0][0], depth, base + 11,
                                t->state_root);
    bv_u64_target bal_count = t->count;
    bv_gadget_ssz_mix_in_length(c, bal_pi(t, 2), bal_count, leaf);
    bv_gadget_ssz_verify_branch(c, leaf, &t->balances_branch[0][0], depth, base + 12,
                                t->state_root);
    bv_gadget_ssz_leaf64(c, t->slot, leaf);
    bv_gadget_ssz_verify_branch(c, leaf, &t->slot_branch[0][0], depth, base + 2, t->state_root);
    /* state root under the block root (header field 3) */
    bv_gadget_ssz_verify_branch(c, t->state_root, &t->state_root_branch[0][0], 3, 11,
                                t->block_root);
    /* epoch = slot / 32 */
    bv_target r, q, s, u;
    bv_gadget_split_low_high(c, t->slot.lo, 5, 27, &r, &q);
    bv_gadget_split_low_high(c, t->slot.hi, 5, 27, &s, &u);
    bv_target ep_lo = bv_gadget_mul_const_add(c, (gl_t)1 << 27, s, q);
    bv_circuit_connect(c, ep_lo, bal_pi(t, o_epoch)[0]);
    bv_circuit_connect(c, u, bal_pi(t, o_epoch)[1]);

    /* DendrETH's commitment */
    size_t nm = 8 + 8 * ncred + 10;
    bv_target m[8 + 8 * BV_BAL_MAX_CREDENTIALS + 10];
    memcpy(m, t->block_root, 8 * sizeof(bv_target));
    memcpy(m + 8, bal_pi(t, o_cred), 8 * ncred * sizeof(bv_target));
    bv_target *be = m + 8 + 8 * ncred;
    const uint32_t order[5][1] = {{0}, {o_cnt}, {o_cnt + 2}, {o_cnt + 4}, {o_cnt + 6}};
    for (int k = 0; k < 5; k++) {
        const bv_target *x = bal_pi(t, order[k][0]); /* (lo, hi) */
        be[2 * k] = x[1];
        be[2 * k + 1] = x[0];
    }
    bv_target h[8], top;
    bv_gadget_sha256_words(c, m, nm, h);
    bv_gadget_split_low_high(c, h[0], 29, 3, &h[0], &top);

    /* public inputs */
    bv_circuit_register_public_inputs(c, t->state_root, 8);
    bv_circuit_register_public_inputs(c, t->block_root, 8);
    bv_circuit_register_public_input(c, t->slot.lo);
    bv_circuit_register_public_input(c, t->slot.hi);
    bv_circuit_register_public_inputs(c, bal_pi(t, o_cred), 8 * ncred);
    const uint32_t outs[5] = {0, o_cnt + 2, o_cnt + 4, o_cnt, o_cnt + 6};
    for (int k = 0; k < 5; k++) /* total, active, exited, non_activated, slashed */
        bv_circuit_register_public_inputs(c, bal_pi(t, outs[k]), 2);
    bv_circuit_register_public_inputs(c, h, 8);
    return bv_circuit_error(c, st);
}

bv_err bv_final_build(const bv_plonk_config *cfg, uint32_t depth, const bv_bal_level *balance_top,
                      const bv_cm_level *mapper_top, bv_final_circuit **out, bv_status *st)
{
    *out = NULL;
    if (depth != 5 && depth != 6)
        return bv_fail(st, BV_ERR_ARG, "final layer: state depth %u (5 or 6)", depth);
    if (bv_bal_level_index(balance_top) != BV_BAL_TOP_LEVEL ||
        bv_cm_level_index(mapper_top) != BV_CM_TOP_LEVEL)
        return bv_fail(st, BV_ERR_ARG,
                       "final layer: needs balance level %u and mapper level %u (got %u, %u)",
                       BV_BAL_TOP_LEVEL, BV_CM_TOP_LEVEL, bv_bal_level_index(balance_top),
                       bv_cm_level_index(mapper_top));
    bv_final_circuit *f = calloc(1, sizeof *f);
    bv_circuit *c = bv_circuit_new(cfg);
    if (!f || !c) {
        free(f);
        bv_circuit_free(c);
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    }
    f->depth = depth;
    f->ncred = bv_bal_level_credentials(balance_top);
    const bv_circuit_data *bd = bv_bal_level_data(balance_top), *md = bv_cm_level_data(mapper_top);
    bv_err e = define(c, depth, f->ncred, bv_circuit_data_verifier(bd), bv_circuit_data_common(bd),
                      bv_circuit_data_verifier(md), bv_circuit_data_common(md), &f->t, st);
    f->rows = bv_circuit_num_rows(c);
    if (e == BV_OK)
        e = bv_circuit_build(c, &f->data, st);
    bv_circuit_free(c);
    if (e != BV_OK) {
        bv_final_free(f);
        return bv_fail_ctx(st, "building the final layer (depth %u)", depth);
    }
    *out = f;
    return BV_OK;
}

bv_err bv_final_save(const bv_final_circuit *f, const char *dir, bv_status *st)
{
    char name[64];
    bv_final_circuit_name(f->depth, name, sizeof name);
    return bv_circuit_dir_save(dir, name, f->data, st);
}

bv_err bv_final_load(const char *dir, uint32_t ncred, uint32_t depth, const bv_plonk_config *cfg,
                     bv_final_circuit **out, bv_status *st)
{
    *out = NULL;
    if ((depth != 5 && depth != 6) || ncred < 1 || ncred > BV_BAL_MAX_CREDENTIALS)
        return bv_fail(st, BV_ERR_ARG, "final layer: depth %u / %u credentials out of range", depth,
                       ncred);
    bv_final_circuit *f = calloc(1, sizeof *f);
    if (!f)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    f->depth = depth;
    f->ncred = ncred;
    char name[64], bname[64], mname[64];
    bv_final_circuit_name(depth, name, sizeof name);
    bv_bal_circuit_name(BV_BAL_TOP_LEVEL, bname, sizeof bname);
    bv_cm_circuit_name(BV_CM_TOP_LEVEL, mname, sizeof mname);
    bv_verifier_data bvd, mvd;
    bv_common_data bcd, mcd;
    int have_b = 0, have_m = 0;
    bv_err e = bv_circuit_dir_load(dir, name, cfg, &f->data, st);
    if (e == BV_OK &&
        bv_circuit_data_common(f->data)->num_public_inputs != bv_final_num_public_inputs(ncred))
        e = bv_fail(st, BV_ERR_ARG, "%s/%s.circuit is not a final layer for %u credentials", dir,
                    name, ncred);
    if (e == BV_OK && (e = bv_circuit_dir_load_verifier(dir, bname, cfg, &bvd, &bcd, st)) == BV_OK)
        have_b = 1;
    if (e == BV_OK && (e = bv_circuit_dir_load_verifier(dir, mname, cfg, &mvd, &mcd, st)) == BV_OK)
        have_m = 1;
    if (e == BV_OK) {
        bv_circuit *scratch = bv_circuit_new(cfg);
        e = scratch ? define(scratch, depth, ncred, &bvd, &bcd, &mvd, &mcd, &f->t, st)
                    : bv_fail(st, BV_ERR_NOMEM, "out of memory");
        if (scratch)
            f->rows = bv_circuit_num_rows(scratch);
        bv_circuit_free(scratch);
    }
    if (have_b)
        bv_common_data_release(&bcd);
    if (have_m)
        bv_common_data_release(&mcd);
    if (e != BV_OK) {
        bv_final_free(f);
        return e;
    }
    *out = f;
    return BV_OK;
}

static bv_err set_words(bv_witness *w, const bv_target *t, const uint8_t *bytes, size_t nwords,
                        bv_status *st)
{
    bv_err e = BV_OK;
    for (size_t i = 0; i < nwords && e == BV_OK; i++)
        e = bv_witness_set(w, t[i], bv_be32(bytes + 4 * i), st);
    return e;
}

bv_err bv_final_prove(const bv_final_circuit *f, const bv_proof *balance, const bv_proof *mapper,
                      const bv_final_input *in, bv_proof *out, bv_status *st)
{
    const final_targets *t = &f->t;
    bv_witness *w = bv_witness_new(f->data);
    if (!w)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    bv_err e = bv_rec_set_proof_target(w, &t->bal, balance, st);
    if (e != BV_OK)
        bv_fail_ctx(st, "balance proof");
    if (e == BV_OK && (e = bv_rec_set_proof_target(w, &t->cm, mapper, st)) != BV_OK)
        bv_fail_ctx(st, "commitment mapper proof");
    if (e == BV_OK)
        e = set_words(w, t->state_root, in->state_root, 8, st);
    if (e == BV_OK)
        e = set_words(w, t->block_root, in->block_root, 8, st);
    for (int i = 0; i < 3 && e == BV_OK; i++)
        e = set_words(w, t->state_root_branch[i], in->state_root_branch[i], 8, st);
    for (uint32_t i = 0; i < f->depth && e == BV_OK; i++) {
        e = set_words(w, t->slot_branch[i], in->slot_branch[i], 8, st);
        if (e == BV_OK)
            e = set_words(w, t->validators_branch[i], in->validators_branch[i], 8, st);
        if (e == BV_OK)
            e = set_words(w, t->balances_branch[i], in->balances_branch[i], 8, st);
    }
    bv_target tt[4];
    gl_t vv[4];
    bv_u64_target_values(t->slot, in->slot, tt, vv);
    bv_u64_target_values(t->count, in->validator_count, tt + 2, vv + 2);
    if (e == BV_OK)
        e = bv_witness_set_many(w, tt, vv, 4, st);
    if (e == BV_OK)
        e = bv_witness_generate(w, 1, st);
    if (e == BV_OK)
        e = bv_prove(f->data, w, out, NULL, st);
    bv_witness_free(w);
    return e;
}

bv_err bv_final_statement_of(const bv_proof *p, uint32_t ncred, bv_final_statement *out,
                             bv_status *st)
{
    memset(out, 0, sizeof *out);
    if (ncred < 1 || ncred > BV_BAL_MAX_CREDENTIALS ||
        p->num_public_inputs != bv_final_num_public_inputs(ncred))
        return bv_fail(st, BV_ERR_FORMAT,
                       "not a final-layer proof for %u credentials: %u public inputs", ncred,
                       p->num_public_inputs);
    const gl_t *pi = p->public_inputs;
    out->num_credentials = ncred;
    bv_err e = bv_circuits_words_to_bytes(pi, out->state_root, "state root", st);
    if (e == BV_OK)
        e = bv_circuits_words_to_bytes(pi + 8, out->block_root, "block root", st);
    if (e == BV_OK)
        e = bv_circuits_u64_of(pi + 16, &out->slot, "slot", st);
    out->epoch = out->slot / 32;
    for (uint32_t k = 0; k < ncred && e == BV_OK; k++)
        e = bv_circuits_words_to_bytes(pi + 18 + 8 * k, out->credentials[k], "credentials", st);
    uint64_t *v[5] = {&out->total, &out->active, &out->exited, &out->non_activated, &out->slashed};
    uint32_t o = 18 + 8 * ncred;
    for (int k = 0; k < 5 && e == BV_OK; k++)
        e = bv_circuits_u64_of(pi + o + 2 * k, v[k], "total or counter", st);
    if (e == BV_OK)
        e = bv_circuits_words_to_bytes(pi + o + 10, out->commitment, "commitment", st);
    return e;
}

void bv_final_commitment_native(const bv_final_statement *s, uint8_t out[32])
{
    uint8_t m[32 + 32 * BV_BAL_MAX_CREDENTIALS + 40];
    size_t n = 0;
    memcpy(m, s->block_root, 32);
    n += 32;
    memcpy(m + n, s->credentials, 32 * s->num_credentials);
    n += 32 * s->num_credentials;
    const uint64_t v[5] = {s->total, s->non_activated, s->active, s->exited, s->slashed};
    for (int k = 0; k < 5; k++, n += 8)
        bv_put_be64(m + n, v[k]);
    bv_sha256(out, m, n);
    out[0] &= 0x1F;
}
