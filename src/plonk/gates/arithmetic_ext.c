/*
 * arithmetic_ext.c - ArithmeticExtensionGate(n): n operations
 * out = c0*m0*m1 + c1*a on extension elements (wire pairs). Op j uses wires
 * 8j..8j+8 = E(m0), E(m1), E(a), E(out), all routed. Each operation gives two
 * constraints (the two coefficients of the algebra element, section 1.4).
 */
#include "plonk/gates/gates_internal.h"

#define NOPS(g) ((g)->params[0])

static void aext_id(const bv_gate *g, char *buf, size_t cap)
{
    snprintf(buf, cap, "ArithmeticExtension(%u)", NOPS(g));
}

static uint32_t aext_wires(const bv_gate *g)
{
    return 8 * NOPS(g);
}
static uint32_t aext_two(const bv_gate *g)
{
    (void)g;
    return 2;
}
static uint32_t aext_three(const bv_gate *g)
{
    (void)g;
    return 3;
}
static uint32_t aext_constraints(const bv_gate *g)
{
    return 2 * NOPS(g);
}
static uint32_t aext_ops(const bv_gate *g)
{
    return NOPS(g);
}

static void aext_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    gl_t c0 = v->constants[0], c1 = v->constants[1];
    for (uint32_t j = 0; j < NOPS(g); j++) {
        const gl_t *w = v->wires + 8 * j;
        gl_ext prod = gl_ext_mul(pair_at(w, 0), pair_at(w, 2));
        gl_ext computed =
            gl_ext_add(gl_ext_scalar_mul(prod, c0), gl_ext_scalar_mul(pair_at(w, 4), c1));
        pair_out(out + 2 * j, gl_ext_sub(pair_at(w, 6), computed));
    }
}

static void aext_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    gl_ext c0 = v->constants[0], c1 = v->constants[1];
    for (uint32_t j = 0; j < NOPS(g); j++) {
        const gl_ext *w = v->wires + 8 * j;
        bv_alg prod = alg_mul(alg_at(w, 0), alg_at(w, 2));
        bv_alg computed = alg_add(alg_scalar(prod, c0), alg_scalar(alg_at(w, 4), c1));
        alg_out(out + 2 * j, alg_sub(alg_at(w, 6), computed));
    }
}

static size_t aext_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap)
{
    (void)g;
    size_t n = 0;
    deps_range(deps, cap, &n, row, bv_arith_ext_wire(op, 0), 6);
    return n;
}

static bv_err aext_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *c, bv_witness *w,
                       bv_status *st)
{
    (void)g;
    gl_ext m0 = wit_get_pair(w, row, bv_arith_ext_wire(op, 0));
    gl_ext m1 = wit_get_pair(w, row, bv_arith_ext_wire(op, 1));
    gl_ext a = wit_get_pair(w, row, bv_arith_ext_wire(op, 2));
    gl_ext out =
        gl_ext_add(gl_ext_scalar_mul(gl_ext_mul(m0, m1), c[0]), gl_ext_scalar_mul(a, c[1]));
    return wit_set_pair(w, row, bv_arith_ext_wire(op, 3), out, st);
}

static const bv_gate_ops aext_ops_table = {
    .kind = "ArithmeticExtension",
    .id = aext_id,
    .num_wires = aext_wires,
    .num_constants = aext_two,
    .degree = aext_three,
    .num_constraints = aext_constraints,
    .num_ops = aext_ops,
    .eval_base = aext_eval_base,
    .eval_ext = aext_eval_ext,
    .num_generators = aext_ops,
    .gen_deps = aext_deps,
    .gen_run = aext_run,
    .num_extra_constant_wires = bv_gate_no_extra_constants,
    .extra_constant_wire = bv_gate_no_extra_constant_wire,
};

static bv_err aext_check(const bv_gate *g, bv_status *st)
{
    if (NOPS(g) < 1 || NOPS(g) > BV_GATE_MAX_WIRES / 8 || g->params[1] || g->params[2] ||
        g->params[3])
        return bv_fail(st, BV_ERR_FORMAT, "ArithmeticExtension gate: bad parameters (%u ops)",
                       NOPS(g));
    return bv_gate_check_no_data(g, st);
}

static void aext_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                              const bv_ext_target *consts, const bv_hash_target *pi,
                              bv_ext_target *out)
{
    (void)pi;
    for (uint32_t j = 0; j < NOPS(g); j++) {
        const bv_ext_target *o = w + 8 * j;
        bv_calg prod = calg_mul(c, calg_at(o, 0), calg_at(o, 2));
        bv_calg comp =
            calg_add(c, calg_scalar(c, prod, consts[0]), calg_scalar(c, calg_at(o, 4), consts[1]));
        calg_out(out + 2 * j, calg_sub(c, calg_at(o, 6), comp));
    }
}

static size_t aext_examples(bv_gate *out, size_t cap)
{
    size_t n = bv_gate_example(out, cap, 0, bv_gate_arithmetic_ext(BV_STD_ARITH_EXT_OPS));
    return bv_gate_example(out, cap, n, bv_gate_arithmetic_ext(1));
}

const bv_gate_kind bv_gate_kind_arithmetic_ext = {.ops = &aext_ops_table,
                                                  .check = aext_check,
                                                  .routed = aext_wires,
                                                  .eval_circuit = aext_eval_circuit,
                                                  .examples = aext_examples};

bv_gate bv_gate_arithmetic_ext(uint32_t num_ops)
{
    return (bv_gate){.ops = &aext_ops_table, .params = {num_ops}};
}

uint32_t bv_arith_ext_max_ops(uint32_t num_routed)
{
    return num_routed / 8;
}
