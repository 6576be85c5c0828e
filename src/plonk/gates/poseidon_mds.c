/*
 * poseidon_mds.c - PoseidonMdsGate: the Poseidon MDS layer applied to 12
 * extension elements, out_r = sum_i M[r][i] * in_i. Used by the recursive
 * verifier to evaluate PoseidonGate constraints at the challenge point, where
 * every lane is an extension element. Degree 1; inputs E(2i), outputs
 * E(24 + 2i), all routed. The matrix has small integer entries, so it acts on
 * the two coefficients of each pair separately (in both forms).
 */
#include "plonk/gates/gates_internal.h"

static void mds_id(const bv_gate *g, char *buf, size_t cap)
{
    (void)g;
    snprintf(buf, cap, "PoseidonMds");
}

static uint32_t mds_wires(const bv_gate *g)
{
    (void)g;
    return 48;
}
static uint32_t mds_constraints(const bv_gate *g)
{
    (void)g;
    return 24;
}

static void mds_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    (void)g;
    gl_ext in[12], res[12];
    for (uint32_t i = 0; i < 12; i++)
        in[i] = pair_at(v->wires, bv_poseidon_mds_wire_in(i));
    bv_gate_mds_ext(in, res);
    for (uint32_t r = 0; r < 12; r++)
        pair_out(out + 2 * r, gl_ext_sub(pair_at(v->wires, bv_poseidon_mds_wire_out(r)), res[r]));
}

static void mds_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    (void)g;
    /* algebra elements: apply the scalar matrix to each K-coefficient */
    gl_ext c0[12], c1[12], r0[12], r1[12];
    for (uint32_t i = 0; i < 12; i++) {
        bv_alg a = alg_at(v->wires, bv_poseidon_mds_wire_in(i));
        c0[i] = a.a0;
        c1[i] = a.a1;
    }
    bv_gate_mds_ext(c0, r0);
    bv_gate_mds_ext(c1, r1);
    for (uint32_t r = 0; r < 12; r++) {
        bv_alg o = alg_at(v->wires, bv_poseidon_mds_wire_out(r));
        alg_out(out + 2 * r, alg_sub(o, (bv_alg){r0[r], r1[r]}));
    }
}

static size_t mds_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap)
{
    (void)g;
    (void)op;
    size_t n = 0;
    deps_range(deps, cap, &n, row, 0, 24);
    return n;
}

static bv_err mds_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *c, bv_witness *w,
                      bv_status *st)
{
    (void)g;
    (void)op;
    (void)c;
    gl_ext in[12], res[12];
    for (uint32_t i = 0; i < 12; i++)
        in[i] = wit_get_pair(w, row, bv_poseidon_mds_wire_in(i));
    bv_gate_mds_ext(in, res);
    for (uint32_t r = 0; r < 12; r++) {
        bv_err e = wit_set_pair(w, row, bv_poseidon_mds_wire_out(r), res[r], st);
        if (e != BV_OK)
            return e;
    }
    return BV_OK;
}

static const bv_gate_ops mds_ops = {
    .kind = "PoseidonMds",
    .id = mds_id,
    .num_wires = mds_wires,
    .num_constants = bv_gate_zero,
    .degree = bv_gate_one,
    .num_constraints = mds_constraints,
    .num_ops = bv_gate_one,
    .eval_base = mds_eval_base,
    .eval_ext = mds_eval_ext,
    .num_generators = bv_gate_one,
    .gen_deps = mds_deps,
    .gen_run = mds_run,
    .num_extra_constant_wires = bv_gate_no_extra_constants,
    .extra_constant_wire = bv_gate_no_extra_constant_wire,
};

static bv_err mds_check(const bv_gate *g, bv_status *st)
{
    for (int i = 0; i < BV_GATE_MAX_PARAMS; i++)
        if (g->params[i])
            return bv_fail(st, BV_ERR_FORMAT, "PoseidonMds gate with a non-zero parameter");
    return bv_gate_check_no_data(g, st);
}

/* The matrix acts on each K-coefficient of the inputs separately. */
static void mds_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                             const bv_ext_target *consts, const bv_hash_target *pi,
                             bv_ext_target *out)
{
    (void)g;
    (void)consts;
    (void)pi;
    bv_ext_target a0[12], a1[12], r0[12], r1[12];
    for (uint32_t i = 0; i < 12; i++) {
        a0[i] = w[bv_poseidon_mds_wire_in(i)];
        a1[i] = w[bv_poseidon_mds_wire_in(i) + 1];
    }
    bv_gadget_poseidon_mds_ext(c, a0, r0);
    bv_gadget_poseidon_mds_ext(c, a1, r1);
    for (uint32_t r = 0; r < 12; r++) {
        bv_calg o = calg_at(w, bv_poseidon_mds_wire_out(r));
        calg_out(out + 2 * r, calg_sub(c, o, (bv_calg){r0[r], r1[r]}));
    }
}

static size_t mds_examples(bv_gate *out, size_t cap)
{
    return bv_gate_example(out, cap, 0, bv_gate_poseidon_mds());
}

const bv_gate_kind bv_gate_kind_poseidon_mds = {.ops = &mds_ops,
                                                .check = mds_check,
                                                .routed = mds_wires,
                                                .eval_circuit = mds_eval_circuit,
                                                .examples = mds_examples};

bv_gate bv_gate_poseidon_mds(void)
{
    return (bv_gate){.ops = &mds_ops};
}
