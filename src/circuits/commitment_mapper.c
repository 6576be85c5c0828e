/*
 * commitment_mapper.c - the commitment-mapper circuits
 * (include/balverify/commitment_mapper.h).
 *
 * Leaf inputs (virtual targets, allocated first so that a loaded circuit
 * finds them at the same indices): 12 pubkey words and 8
 * withdrawal-credential words (big-endian u32 words of the bytes), the u64
 * fields as (lo, hi) u32 limbs in the order effective_balance,
 * activation_eligibility_epoch, activation_epoch, exit_epoch,
 * withdrawable_epoch, then slashed and the zero flag.
 *
 * From the words: each is split into 32 bits (BaseSum rows, which range
 * check it); H_pos reads pubkey and credential bits byte 0 first, MSB first,
 * i.e. each word's bits from 31 down to 0; an SSZ u64 chunk is little-endian,
 * so its first two SHA words are the byte-swapped limbs, recomposed from the
 * limbs' bits in swapped order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/circuit_dir.h"
#include "balverify/commitment.h"
#include "balverify/commitment_mapper.h"
#include "balverify/gadgets.h"
#include "balverify/gadgets_sha256.h"
#include "balverify/prover.h"
#include "balverify/recursion.h"
#include "balverify/ssz.h"
#include "balverify/witness.h"

enum { IN_PUBKEY = 0, IN_CRED = 12, IN_U64 = 20, IN_SLASHED = 30, IN_ZERO = 31, NUM_INPUTS = 32 };

struct bv_cm_level {
    uint32_t level;
    uint32_t rows;
    bv_circuit_data *data; /* leaf */
    bv_rec_aggregator agg; /* node (agg.data owns the circuit) */
};

void bv_cm_circuit_name(uint32_t level, char *buf, size_t cap)
{
    snprintf(buf, cap, "commitment_mapper_%u", level);
}

uint32_t bv_cm_level_index(const bv_cm_level *l)
{
    return l->level;
}

const bv_circuit_data *bv_cm_level_data(const bv_cm_level *l)
{
    return l->level == 0 ? l->data : l->agg.data;
}

uint32_t bv_cm_level_rows(const bv_cm_level *l)
{
    return l->rows;
}

void bv_cm_level_free(bv_cm_level *l)
{
    if (!l)
        return;
    if (l->data)
        bv_circuit_data_free(l->data);
    bv_rec_aggregator_free(&l->agg);
    free(l);
}

/* ---- level 0 ---- */

/* x's 32 bits, LE (bit i has weight 2^i). */
static void word_bits(bv_circuit *c, bv_target x, bv_target bits[32])
{
    bv_gadget_split_le(c, x, 32, bits);
}

/* The byte-swapped value of a limb from its LE bits. */
static bv_target bswap_from_bits(bv_circuit *c, const bv_target bits[32])
{
    bv_target sw[32];
    for (int i = 0; i < 32; i++)
        sw[i] = bits[(3 - i / 8) * 8 + i % 8];
    return bv_gadget_le_sum(c, sw, 32);
}

static void leaf_define(bv_circuit *c)
{
    bv_target in[NUM_INPUTS];
    bv_circuit_add_virtuals(c, in, NUM_INPUTS);
    bv_target zero = bv_circuit_zero(c);

    /* pubkey and credentials: bits for H_pos (byte 0 first, MSB first) */
    bv_target pk_bits[384], cr_bits[256], b[32];
    for (int j = 0; j < 12; j++) {
        word_bits(c, in[IN_PUBKEY + j], b);
        for (int i = 0; i < 32; i++)
            pk_bits[32 * j + i] = b[31 - i];
    }
    for (int j = 0; j < 8; j++) {
        word_bits(c, in[IN_CRED + j], b);
        for (int i = 0; i < 32; i++)
            cr_bits[32 * j + i] = b[31 - i];
    }
    /* u64 fields: limbs range checked; SSZ chunk words byte-swapped */
    bv_target chunk_words[5][2];
    for (int k = 0; k < 5; k++)
        for (int h = 0; h < 2; h++) {
            word_bits(c, in[IN_U64 + 2 * k + h], b);
            chunk_words[k][h] = bswap_from_bits(c, b);
        }
    bv_target slashed = in[IN_SLASHED], is_zero = in[IN_ZERO];
    bv_gadget_assert_bool(c, slashed);
    bv_gadget_assert_bool(c, is_zero);

    /* H_pos (commitment.h) */
    bv_hash_target L[8];
    L[0] = bv_gadget_hash_n_to_hash_no_pad(c, pk_bits, 384);
    L[1] = bv_gadget_hash_n_to_hash_no_pad(c, cr_bits, 256);
    bv_target pair[2] = {in[IN_U64], in[IN_U64 + 1]};
    L[2] = bv_gadget_hash_n_to_hash_no_pad(c, pair, 2);
    L[3] = bv_gadget_hash_n_to_hash_no_pad(c, &slashed, 1);
    for (int k = 1; k < 5; k++) {
        bv_target p2[2] = {in[IN_U64 + 2 * k], in[IN_U64 + 2 * k + 1]};
        L[3 + k] = bv_gadget_hash_n_to_hash_no_pad(c, p2, 2);
    }
    bv_hash_target pos =
        bv_gadget_two_to_one(c,
                             bv_gadget_two_to_one(c, bv_gadget_two_to_one(c, L[0], L[1]),
                                                  bv_gadget_two_to_one(c, L[2], L[3])),
                             bv_gadget_two_to_one(c, bv_gadget_two_to_one(c, L[4], L[5]),
                                                  bv_gadget_two_to_one(c, L[6], L[7])));

    /* SSZ hash_tree_root of the Validator: 8 chunks */
    bv_target chunk[8][8];
    bv_target pk_hi[8];
    for (int i = 0; i < 8; i++)
        pk_hi[i] = i < 4 ? in[IN_PUBKEY + 8 + i] : zero;
    bv_gadget_sha256_pair(c, in + IN_PUBKEY, pk_hi, chunk[0]);
    for (int i = 0; i < 8; i++)
        chunk[1][i] = in[IN_CRED + i];
    int order[6] = {2, 4, 5, 6, 7, -1}; /* chunk index of u64 field k */
    for (int k = 0; k < 5; k++)
        for (int i = 0; i < 8; i++)
            chunk[order[k]][i] = i < 2 ? chunk_words[k][i] : zero;
    /* slashed: byte 0 of the chunk = the bit, i.e. word 0 = bit * 2^24 */
    for (int i = 0; i < 8; i++)
        chunk[3][i] = i == 0 ? bv_gadget_mul_const(c, (gl_t)1 << 24, slashed) : zero;
    bv_target n1[4][8], n2[2][8], root[8];
    for (int i = 0; i < 4; i++)
        bv_gadget_sha256_pair(c, chunk[2 * i], chunk[2 * i + 1], n1[i]);
    for (int i = 0; i < 2; i++)
        bv_gadget_sha256_pair(c, n1[2 * i], n1[2 * i + 1], n2[i]);
    bv_gadget_sha256_pair(c, n2[0], n2[1], root);

    /* zero validator: 32 zero bytes and [0,0,0,0] */
    bv_target pis[BV_CM_NUM_PUBLIC_INPUTS];
    for (int i = 0; i < 4; i++)
        pis[i] = bv_gadget_select(c, is_zero, zero, pos.e[i]);
    for (int i = 0; i < 8; i++)
        pis[4 + i] = bv_gadget_select(c, is_zero, zero, root[i]);
    bv_circuit_register_public_inputs(c, pis, BV_CM_NUM_PUBLIC_INPUTS);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void leaf_inputs(const bv_validator *v, gl_t in[NUM_INPUTS])
{
    static const bv_validator zero_v;
    const bv_validator *x = v ? v : &zero_v;
    for (int j = 0; j < 12; j++)
        in[IN_PUBKEY + j] = be32(x->pubkey + 4 * j);
    for (int j = 0; j < 8; j++)
        in[IN_CRED + j] = be32(x->withdrawal_credentials + 4 * j);
    uint64_t u[5] = {x->effective_balance, x->activation_eligibility_epoch, x->activation_epoch,
                     x->exit_epoch, x->withdrawable_epoch};
    for (int k = 0; k < 5; k++) {
        in[IN_U64 + 2 * k] = (uint32_t)u[k];
        in[IN_U64 + 2 * k + 1] = (uint32_t)(u[k] >> 32);
    }
    in[IN_SLASHED] = x->slashed ? 1 : 0;
    in[IN_ZERO] = v ? 0 : 1;
}

void bv_cm_leaf_native(const bv_validator *v, bv_cm_root *out)
{
    memset(out, 0, sizeof *out);
    if (!v)
        return;
    uint8_t rec[BV_VALIDATOR_SIZE];
    bv_validator_encode(rec, v);
    bv_ssz_validator_root(out->sha, rec);
    out->poseidon = bv_commit_validator(rec);
}

/* ---- levels 1..40 ---- */

static void node_combine(bv_circuit *c, const bv_target *left, const bv_target *right, uint32_t n,
                         void *ctx)
{
    (void)ctx;
    if (n != BV_CM_NUM_PUBLIC_INPUTS) {
        bv_circuit_fail(c, BV_ERR_ARG, "commitment mapper node: child has %u public inputs, not %u",
                        n, BV_CM_NUM_PUBLIC_INPUTS);
        return;
    }
    bv_hash_target l, r;
    for (int i = 0; i < 4; i++) {
        l.e[i] = left[i];
        r.e[i] = right[i];
    }
    bv_hash_target pos = bv_gadget_two_to_one(c, l, r);
    bv_target sha[8];
    bv_gadget_sha256_pair(c, left + 4, right + 4, sha);
    bv_circuit_register_public_inputs(c, pos.e, 4);
    bv_circuit_register_public_inputs(c, sha, 8);
}

bv_err bv_cm_level_build(const bv_plonk_config *cfg, uint32_t level, const bv_cm_level *child,
                         bv_cm_level **out, bv_status *st)
{
    *out = NULL;
    if (level > BV_CM_TOP_LEVEL || (level == 0) != (child == NULL) ||
        (child && child->level + 1 != level))
        return bv_fail(st, BV_ERR_ARG, "commitment mapper: cannot build level %u from %s", level,
                       child ? "that child level" : "no child");
    bv_cm_level *l = calloc(1, sizeof *l);
    if (!l)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    l->level = level;
    bv_err e;
    if (level == 0) {
        bv_circuit *c = bv_circuit_new(cfg);
        if (!c) {
            free(l);
            return bv_fail(st, BV_ERR_NOMEM, "out of memory");
        }
        leaf_define(c);
        l->rows = bv_circuit_num_rows(c);
        e = bv_circuit_build(c, &l->data, st);
        bv_circuit_free(c);
    } else {
        const bv_circuit_data *cd = bv_cm_level_data(child);
        e = bv_rec_aggregator_build(cfg, bv_circuit_data_verifier(cd), bv_circuit_data_common(cd),
                                    node_combine, NULL, &l->agg, st);
        l->rows = l->agg.rows_before_padding;
    }
    if (e != BV_OK) {
        bv_cm_level_free(l);
        return bv_fail_ctx(st, "building commitment mapper level %u", level);
    }
    *out = l;
    return BV_OK;
}

bv_err bv_cm_level_save(const bv_cm_level *l, const char *dir, bv_status *st)
{
    char name[64];
    bv_cm_circuit_name(l->level, name, sizeof name);
    return bv_circuit_dir_save(dir, name, bv_cm_level_data(l), st);
}

bv_err bv_cm_level_load(const char *dir, uint32_t level, const bv_plonk_config *cfg,
                        bv_cm_level **out, bv_status *st)
{
    *out = NULL;
    if (level > BV_CM_TOP_LEVEL)
        return bv_fail(st, BV_ERR_ARG, "commitment mapper level %u out of range 0..%u", level,
                       BV_CM_TOP_LEVEL);
    bv_cm_level *l = calloc(1, sizeof *l);
    if (!l)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    l->level = level;
    char name[64];
    bv_cm_circuit_name(level, name, sizeof name);
    bv_circuit_data *d = NULL;
    bv_err e = bv_circuit_dir_load(dir, name, cfg, &d, st);
    if (e == BV_OK && level == 0) {
        l->data = d;
        if (bv_circuit_data_common(d)->num_public_inputs != BV_CM_NUM_PUBLIC_INPUTS)
            e = bv_fail(st, BV_ERR_FORMAT, "%s/%s: not a commitment mapper circuit", dir, name);
    } else if (e == BV_OK) {
        l->agg.data = d;
        /* the proof targets sit at the same virtual indices as when built:
         * rebuild them on a scratch builder from the child's common data */
        char child[64];
        bv_cm_circuit_name(level - 1, child, sizeof child);
        bv_verifier_data cvd;
        bv_common_data ccd;
        e = bv_circuit_dir_load_verifier(dir, child, cfg, &cvd, &ccd, st);
        if (e == BV_OK) {
            bv_circuit *scratch = bv_circuit_new(cfg);
            if (!scratch)
                e = bv_fail(st, BV_ERR_NOMEM, "out of memory");
            if (e == BV_OK)
                e = bv_rec_add_proof_target(scratch, &ccd, &l->agg.left, st);
            if (e == BV_OK)
                e = bv_rec_add_proof_target(scratch, &ccd, &l->agg.right, st);
            bv_circuit_free(scratch);
            bv_common_data_release(&ccd);
        }
    }
    if (e != BV_OK) {
        bv_cm_level_free(l);
        return e;
    }
    *out = l;
    return BV_OK;
}

/* ---- proving ---- */

bv_err bv_cm_prove_leaf(const bv_cm_level *leaf, const bv_validator *v, bv_proof *out,
                        bv_status *st)
{
    if (leaf->level != 0)
        return bv_fail(st, BV_ERR_ARG, "commitment mapper: level %u is not the leaf level",
                       leaf->level);
    gl_t vals[NUM_INPUTS];
    bv_target t[NUM_INPUTS];
    leaf_inputs(v, vals);
    for (int i = 0; i < NUM_INPUTS; i++)
        t[i] = bv_virtual((uint32_t)i);
    bv_witness *w = bv_witness_new(leaf->data);
    if (!w)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    bv_err e = bv_witness_set_many(w, t, vals, NUM_INPUTS, st);
    if (e == BV_OK)
        e = bv_witness_generate(w, 1, st);
    if (e == BV_OK)
        e = bv_prove(leaf->data, w, out, NULL, st);
    bv_witness_free(w);
    return e;
}

bv_err bv_cm_prove_node(const bv_cm_level *node, const bv_proof *left, const bv_proof *right,
                        bv_proof *out, bv_status *st)
{
    if (node->level == 0)
        return bv_fail(st, BV_ERR_ARG, "commitment mapper: level 0 is not a node level");
    return bv_rec_aggregator_prove(&node->agg, left, right, out, st);
}

bv_err bv_cm_root_of(const bv_proof *p, bv_cm_root *out, bv_status *st)
{
    if (p->num_public_inputs != BV_CM_NUM_PUBLIC_INPUTS)
        return bv_fail(st, BV_ERR_FORMAT,
                       "not a commitment mapper proof: %u public inputs, expected %u",
                       p->num_public_inputs, BV_CM_NUM_PUBLIC_INPUTS);
    for (int i = 0; i < 4; i++)
        out->poseidon.e[i] = p->public_inputs[i];
    for (int i = 0; i < 8; i++) {
        gl_t w = p->public_inputs[4 + i];
        if (w >> 32)
            return bv_fail(st, BV_ERR_FORMAT, "commitment mapper proof: SHA word %d is not a u32",
                           i);
        out->sha[4 * i] = (uint8_t)(w >> 24);
        out->sha[4 * i + 1] = (uint8_t)(w >> 16);
        out->sha[4 * i + 2] = (uint8_t)(w >> 8);
        out->sha[4 * i + 3] = (uint8_t)w;
    }
    return BV_OK;
}
