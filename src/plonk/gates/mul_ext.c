/*
 * mul_ext.c - MulExtensionGate(n): n products out = c0*m0*m1 of extension
 * elements. Op j uses wires 6j..6j+6 = E(m0), E(m1), E(out), all routed; one
 * constant. More ops per row than ArithmeticExtensionGate when no addend is
 * needed (13 against 10 with 80 routed wires).
 */
#include "plonk/gates/gates_internal.h"

#define NOPS(g) ((g)->params[0])

static void mext_id(const bv_gate *g, char *buf, size_t cap)
{
    snprintf(buf, cap, "MulExtension(%u)", NOPS(g));
}

static uint32_t mext_wires(const bv_gate *g)
{
    return 6 * NOPS(g);
}
static uint32_t mext_three(const bv_gate *g)
{
    (void)g;
    return 3;
}
static uint32_t mext_constraints(const bv_gate *g)
{
    return 2 * NOPS(g);
}
static uint32_t mext_ops(const bv_gate *g)
{
    return NOPS(g);
}

static void mext_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    gl_t c0 = v->constants[0];
    for (uint32_t j = 0; j < NOPS(g); j++) {
        const gl_t *w = v->wires + 6 * j;
        gl_ext computed = gl_ext_scalar_mul(gl_ext_mul(pair_at(w, 0), pair_at(w, 2)), c0);
        pair_out(out + 2 * j, gl_ext_sub(pair_at(w, 4), computed));
    }
}

static void mext_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    gl_ext c0 = v->constants[0];
    for (uint32_t j = 0; j < NOPS(g); j++) {
        const gl_ext *w = v->wires + 6 * j;
        bv_alg computed = alg_scalar(alg_mul(alg_at(w, 0), alg_at(w, 2)), c0);
        alg_out(out + 2 * j, alg_sub(alg_at(w, 4), computed));
    }
}

static size_t mext_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap)
{
    (void)g;
    size_t n = 0;
    deps_range(deps, cap, &n, row, bv_mul_ext_wire(op, 0), 4);
    return n;
}

static bv_err mext_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *c, bv_witness *w,
                       bv_status *st)
{
    (void)g;
    gl_ext m0 = wit_get_pair(w, row, bv_mul_ext_wire(op, 0));
    gl_ext m1 = wit_get_pair(w, row, bv_mul_ext_wire(op, 1));
    return wit_set_pair(w, row, bv_mul_ext_wire(op, 2), gl_ext_scalar_mul(gl_ext_mul(m0, m1), c[0]),
                        st);
}

static const bv_gate_ops mext_ops_table = {
    .kind = "MulExtension",
    .id = mext_id,
    .num_wires = mext_wires,
    .num_constants = bv_gate_one,
    .degree = mext_three,
    .num_constraints = mext_constraints,
    .num_ops = mext_ops,
    .eval_base = mext_eval_base,
    .eval_ext = mext_eval_ext,
    .num_generators = mext_ops,
    .gen_deps = mext_deps,
    .gen_run = mext_run,
    .num_extra_constant_wires = bv_gate_no_extra_constants,
    .extra_constant_wire = bv_gate_no_extra_constant_wire,
};

static bv_err mext_check(const bv_gate *g, bv_status *st)
{
    if (NOPS(g) < 1 || NOPS(g) > BV_GATE_MAX_WIRES / 6 || g->params[1] || g->params[2] ||
        g->params[3])
        return bv_fail(st, BV_ERR_FORMAT, "MulExtension gate: bad parameters (%u ops)", NOPS(g));
    return bv_gate_check_no_data(g, st);
}

static void mext_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                              const bv_ext_target *consts, const bv_hash_target *pi,
                              bv_ext_target *out)
{
    (void)pi;
    for (uint32_t j = 0; j < NOPS(g); j++) {
        const bv_ext_target *o = w + 6 * j;
        bv_calg comp = calg_scalar(c, calg_mul(c, calg_at(o, 0), calg_at(o, 2)), consts[0]);
        calg_out(out + 2 * j, calg_sub(c, calg_at(o, 4), comp));
    }
}

static size_t mext_examples(bv_gate *out, size_t cap)
{
    size_t n = bv_gate_example(out, cap, 0, bv_gate_mul_ext(BV_STD_MUL_EXT_OPS));
    return bv_gate_example(out, cap, n, bv_gate_mul_ext(2));
}

const bv_gate_kind bv_gate_kind_mul_ext = {.ops = &mext_ops_table,
                                           .check = mext_check,
                                           .routed = mext_wires,
                                           .eval_circuit = mext_eval_circuit,
                                           .examples = mext_examples};

bv_gate bv_gate_mul_ext(uint32_t num_ops)
{
    return (bv_gate){.ops = &mext_ops_table, .params = {num_ops}};
}

uint32_t bv_mul_ext_max_ops(uint32_t num_routed)
{
    return num_routed / 6;
}
