/*
 * commitment_mapper.c - the commitment-mapper circuits
 * (include/balverify/commitment_mapper.h).
 *
 * The leaf is the Validator gadget (gadgets_validator.h: one set of field
 * targets feeds both the SSZ root and H_pos) with a zero flag. A loaded leaf
 * circuit gets its input targets back by running the same builder calls on
 * a scratch builder (the build is deterministic); a loaded node gets its
 * child-proof targets the same way (circuits_internal.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/circuit_dir.h"
#include "balverify/commitment.h"
#include "balverify/commitment_mapper.h"
#include "balverify/gadgets.h"
#include "balverify/gadgets_sha256.h"
#include "balverify/gadgets_validator.h"
#include "balverify/prover.h"
#include "balverify/recursion.h"
#include "balverify/ssz.h"
#include "balverify/witness.h"
#include "circuits/circuits_internal.h"

/* The leaf's free inputs: the validator's field targets and the zero flag. */
typedef struct {
    bv_validator_target v;
    bv_target is_zero;
} leaf_targets;

struct bv_cm_level {
    uint32_t level;
    uint32_t rows;
    bv_circuit_data *data; /* leaf */
    leaf_targets *leaf;    /* leaf */
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
    free(l->leaf);
    bv_rec_aggregator_free(&l->agg);
    free(l);
}

/* ---- level 0 ---- */

/* Adds the leaf's rows; the same calls on a scratch builder give a loaded
 * circuit its input targets back (the build is deterministic). */
static void leaf_define(bv_circuit *c, leaf_targets *t)
{
    bv_gadget_validator_virtual(c, &t->v);
    t->is_zero = bv_circuit_add_virtual(c);
    bv_target root[8];
    bv_hash_target pos;
    bv_gadget_validator_commit(c, &t->v, &t->is_zero, root, &pos);
    bv_circuit_register_public_inputs(c, pos.e, 4);
    bv_circuit_register_public_inputs(c, root, 8);
}

static bv_err leaf_targets_of(const bv_plonk_config *cfg, leaf_targets **out, bv_status *st)
{
    *out = calloc(1, sizeof **out);
    bv_circuit *c = bv_circuit_new(cfg);
    if (!*out || !c) {
        free(*out);
        *out = NULL;
        bv_circuit_free(c);
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    }
    leaf_define(c, *out);
    bv_circuit_free(c);
    return BV_OK;
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
        l->leaf = calloc(1, sizeof *l->leaf);
        if (!c || !l->leaf) {
            bv_circuit_free(c);
            bv_cm_level_free(l);
            return bv_fail(st, BV_ERR_NOMEM, "out of memory");
        }
        leaf_define(c, l->leaf);
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
    bv_err e;
    if (level == 0) {
        e = bv_circuit_dir_load(dir, name, cfg, &l->data, st);
        if (e == BV_OK)
            e = leaf_targets_of(cfg, &l->leaf, st);
    } else {
        char child[64];
        bv_cm_circuit_name(level - 1, child, sizeof child);
        e = bv_circuits_load_node(dir, name, child, cfg, &l->agg, st);
    }
    if (e == BV_OK &&
        bv_circuit_data_common(bv_cm_level_data(l))->num_public_inputs != BV_CM_NUM_PUBLIC_INPUTS)
        e = bv_fail(st, BV_ERR_FORMAT, "%s/%s: not a commitment mapper circuit", dir, name);
    if (e != BV_OK) {
        bv_cm_level_free(l);
        return e;
    }
    *out = l;
    return BV_OK;
}

/* ---- proving ---- */

size_t bv_cm_leaf_inputs(const bv_cm_level *leaf, const bv_validator *v, bv_target *t, gl_t *val)
{
    uint8_t rec[BV_VALIDATOR_SIZE];
    memset(rec, 0, sizeof rec);
    if (v)
        bv_validator_encode(rec, v);
    size_t n = bv_validator_target_inputs(&leaf->leaf->v, rec, t, val);
    t[n] = leaf->leaf->is_zero;
    val[n++] = v ? 0 : 1;
    return n;
}

bv_err bv_cm_prove_leaf(const bv_cm_level *leaf, const bv_validator *v, bv_proof *out,
                        bv_status *st)
{
    if (leaf->level != 0)
        return bv_fail(st, BV_ERR_ARG, "commitment mapper: level %u is not the leaf level",
                       leaf->level);
    bv_target t[BV_CM_LEAF_INPUTS];
    gl_t vals[BV_CM_LEAF_INPUTS];
    size_t n = bv_cm_leaf_inputs(leaf, v, t, vals);
    bv_witness *w = bv_witness_new(leaf->data);
    if (!w)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    bv_err e = bv_witness_set_many(w, t, vals, n, st);
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
    return bv_circuits_words_to_bytes(p->public_inputs + 4, out->sha,
                                      "commitment mapper proof SHA root", st);
}
