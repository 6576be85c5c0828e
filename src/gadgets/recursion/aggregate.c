/* aggregate.c - one-proof recursion steps (wrapper), 2-to-1 aggregation
 * nodes and the aggregation demo (PROOF_SYSTEM.md 8.4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/prover.h"
#include "balverify/recursion.h"
#include "balverify/serialize.h"

void bv_rec_row_report(const bv_circuit_data *d, char *buf, size_t cap)
{
    uint32_t counts[BV_MAX_GATES];
    const bv_common_data *cd = bv_circuit_data_common(d);
    bv_circuit_data_gate_row_counts(d, counts);
    size_t used = 0;
    if (cap)
        buf[0] = 0;
    for (uint32_t k = 0; k < cd->num_gates && used < cap; k++) {
        int n = snprintf(buf + used, cap - used, "%s%s=%u", used ? " " : "", cd->gates[k].ops->kind,
                         counts[k]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* ------------------------------------------------------------ wrapper */

bv_err bv_rec_wrapper_build(const bv_plonk_config *cfg, const bv_verifier_data *vd,
                            const bv_common_data *cd, bv_rec_wrapper *out, bv_status *st)
{
    memset(out, 0, sizeof *out);
    bv_circuit *c = bv_circuit_new(cfg);
    if (!c)
        return bv_fail(st, BV_ERR_NOMEM, "recursion: out of memory");
    bv_err e = bv_rec_add_proof_target(c, cd, &out->inner, st);
    if (!e)
        e = bv_rec_verify_proof(c, &out->inner, vd, cd, st);
    if (!e) {
        bv_circuit_register_public_inputs(c, out->inner.public_inputs,
                                          out->inner.num_public_inputs);
        out->rows_before_padding = bv_circuit_num_rows(c);
        e = bv_circuit_build(c, &out->data, st);
    }
    bv_circuit_free(c);
    if (e)
        bv_rec_wrapper_free(out);
    return e;
}

static bv_err prove_with(const bv_circuit_data *d, const bv_proof_target *const *pts,
                         const bv_proof *const *inner, size_t n, bv_proof *out, bv_status *st)
{
    bv_witness *w = bv_witness_new(d);
    if (!w)
        return bv_fail(st, BV_ERR_NOMEM, "recursion: out of memory");
    bv_err e = BV_OK;
    for (size_t i = 0; i < n && !e; i++)
        e = bv_rec_set_proof_target(w, pts[i], inner[i], st);
    if (!e)
        e = bv_witness_generate(w, 1, st);
    if (!e)
        e = bv_prove(d, w, out, NULL, st);
    bv_witness_free(w);
    return e;
}

bv_err bv_rec_wrapper_prove(const bv_rec_wrapper *wr, const bv_proof *inner, bv_proof *out,
                            bv_status *st)
{
    const bv_proof_target *pts[1] = {&wr->inner};
    const bv_proof *in[1] = {inner};
    return prove_with(wr->data, pts, in, 1, out, st);
}

void bv_rec_wrapper_free(bv_rec_wrapper *wr)
{
    if (wr->data)
        bv_circuit_data_free(wr->data);
    bv_proof_target_free(&wr->inner);
    memset(wr, 0, sizeof *wr);
}

/* ------------------------------------------------------------ 2-to-1 */

bv_err bv_rec_aggregator_build(const bv_plonk_config *cfg, const bv_verifier_data *vd,
                               const bv_common_data *cd, bv_rec_combine_fn combine, void *ctx,
                               bv_rec_aggregator *out, bv_status *st)
{
    memset(out, 0, sizeof *out);
    bv_circuit *c = bv_circuit_new(cfg);
    if (!c)
        return bv_fail(st, BV_ERR_NOMEM, "recursion: out of memory");
    bv_err e = bv_rec_add_proof_target(c, cd, &out->left, st);
    if (!e)
        e = bv_rec_add_proof_target(c, cd, &out->right, st);
    if (!e)
        e = bv_rec_verify_proof(c, &out->left, vd, cd, st);
    if (!e)
        e = bv_rec_verify_proof(c, &out->right, vd, cd, st);
    if (!e) {
        combine(c, out->left.public_inputs, out->right.public_inputs, cd->num_public_inputs, ctx);
        out->rows_before_padding = bv_circuit_num_rows(c);
        e = bv_circuit_build(c, &out->data, st);
    }
    bv_circuit_free(c);
    if (e)
        bv_rec_aggregator_free(out);
    return e;
}

bv_err bv_rec_aggregator_prove(const bv_rec_aggregator *a, const bv_proof *left,
                               const bv_proof *right, bv_proof *out, bv_status *st)
{
    const bv_proof_target *pts[2] = {&a->left, &a->right};
    const bv_proof *in[2] = {left, right};
    return prove_with(a->data, pts, in, 2, out, st);
}

void bv_rec_aggregator_free(bv_rec_aggregator *a)
{
    if (a->data)
        bv_circuit_data_free(a->data);
    bv_proof_target_free(&a->left);
    bv_proof_target_free(&a->right);
    memset(a, 0, sizeof *a);
}

/* ------------------------------------------------------------ demo */

/* Leaf: public inputs (value, 1), value range-checked to 62 bits. */
static bv_err demo_leaf_build(const bv_plonk_config *cfg, bv_circuit_data **d, bv_target *v,
                              bv_status *st)
{
    bv_circuit *c = bv_circuit_new(cfg);
    if (!c)
        return bv_fail(st, BV_ERR_NOMEM, "recursion: out of memory");
    *v = bv_circuit_add_virtual(c);
    bv_gadget_range_check(c, *v, 62);
    bv_target one = bv_gadget_add(c, bv_gadget_one(c), bv_gadget_zero(c));
    bv_target pis[2] = {*v, bv_gadget_mul(c, one, one)};
    bv_circuit_register_public_inputs(c, pis, 2);
    bv_err e = bv_circuit_build(c, d, st);
    bv_circuit_free(c);
    return e;
}

/* sum the values, sum the counts */
static void demo_combine(bv_circuit *c, const bv_target *l, const bv_target *r, uint32_t n,
                         void *ctx)
{
    (void)ctx;
    (void)n;
    bv_target pis[2] = {bv_gadget_add(c, l[0], r[0]), bv_gadget_add(c, l[1], r[1])};
    bv_circuit_register_public_inputs(c, pis, 2);
}

static bv_err write_root(const char *dir, const bv_circuit_data *d, const bv_proof *p,
                         bv_status *st)
{
    const bv_verifier_data *vd = bv_circuit_data_verifier(d);
    uint8_t *pb = NULL, *cb = NULL;
    size_t pl = 0, cl = 0;
    char path[4096];
    bv_err e = bv_proof_serialize(p, &vd->circuit_digest, &pb, &pl, st);
    if (!e)
        e = bv_circuit_file_serialize(vd, bv_circuit_data_common(d), &cb, &cl, st);
    if (!e) {
        snprintf(path, sizeof path, "%s/circuit.bin", dir);
        e = bv_plonk_write_file(path, cb, cl, st);
    }
    if (!e) {
        snprintf(path, sizeof path, "%s/proof.bin", dir);
        e = bv_plonk_write_file(path, pb, pl, st);
    }
    free(pb);
    free(cb);
    return e;
}

/* Depth-first: a node's proof is made from its two children's and they are
 * freed at once, so at most two proofs per level are alive (a breadth-first
 * walk would hold 2^depth leaf proofs). The circuit of level k is built when
 * its first node is reached, from level k-1's circuit. */
typedef struct {
    const bv_plonk_config *cfg;
    uint64_t first;
    bv_circuit_data *leaf;
    bv_target v;
    bv_rec_aggregator agg[17]; /* agg[k]: level k >= 1 */
} demo_tree;

static const bv_circuit_data *level_data(const demo_tree *t, uint32_t k)
{
    return k == 0 ? t->leaf : t->agg[k].data;
}

static bv_err demo_node(demo_tree *t, uint32_t k, size_t i, bv_proof *out, bv_status *st)
{
    bv_err e;
    if (k == 0) {
        bv_witness *w = bv_witness_new(t->leaf);
        if (!w)
            return bv_fail(st, BV_ERR_NOMEM, "aggregate: out of memory");
        e = bv_witness_set(w, t->v, gl_from_u64(t->first + i), st);
        if (!e)
            e = bv_witness_generate(w, i, st);
        if (!e)
            e = bv_prove(t->leaf, w, out, NULL, st);
        bv_witness_free(w);
        if (e)
            bv_fail_ctx(st, "leaf %zu", i);
        return e;
    }
    bv_proof l, r;
    if ((e = demo_node(t, k - 1, 2 * i, &l, st)))
        return e;
    if ((e = demo_node(t, k - 1, 2 * i + 1, &r, st))) {
        bv_proof_free(&l);
        return e;
    }
    if (!t->agg[k].data) {
        const bv_circuit_data *in = level_data(t, k - 1);
        e = bv_rec_aggregator_build(t->cfg, bv_circuit_data_verifier(in),
                                    bv_circuit_data_common(in), demo_combine, NULL, &t->agg[k], st);
        if (e)
            bv_fail_ctx(st, "aggregation level %u", k);
    }
    if (!e) {
        e = bv_rec_aggregator_prove(&t->agg[k], &l, &r, out, st);
        if (e)
            bv_fail_ctx(st, "aggregation level %u node %zu", k, i);
    }
    bv_proof_free(&l);
    bv_proof_free(&r);
    return e;
}

bv_err bv_demo_aggregate(const bv_plonk_config *cfg, uint32_t depth, uint64_t first_value,
                         const char *out_dir, gl_t *sum, gl_t *count, bv_status *st)
{
    if (depth > 16)
        return bv_fail(st, BV_ERR_ARG, "aggregate depth %u out of range (0..16)", depth);
    demo_tree t;
    memset(&t, 0, sizeof t);
    t.cfg = cfg;
    t.first = first_value;
    bv_err e = demo_leaf_build(cfg, &t.leaf, &t.v, st);
    if (e)
        return e;
    bv_proof root;
    e = demo_node(&t, depth, 0, &root, st);
    if (!e) {
        if (sum)
            *sum = root.public_inputs[0];
        if (count)
            *count = root.public_inputs[1];
        if (out_dir)
            e = write_root(out_dir, level_data(&t, depth), &root, st);
        bv_proof_free(&root);
    }
    for (uint32_t k = 1; k <= depth; k++)
        if (t.agg[k].data)
            bv_rec_aggregator_free(&t.agg[k]);
    bv_circuit_data_free(t.leaf);
    return e;
}
