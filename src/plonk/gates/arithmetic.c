/*
 * arithmetic.c - ArithmeticGate(n): n independent base-field operations
 * out = c0*m0*m1 + c1*a sharing the row's two constants. Wires of op j are
 * 4j..4j+3 = (m0, m1, a, out), all routed.
 */
#include "plonk/gates/gates_internal.h"

#define NOPS(g) ((g)->params[0])

static void arith_id(const bv_gate *g, char *buf, size_t cap)
{
    snprintf(buf, cap, "Arithmetic(%u)", NOPS(g));
}

static uint32_t arith_wires(const bv_gate *g)
{
    return 4 * NOPS(g);
}
static uint32_t arith_two(const bv_gate *g)
{
    (void)g;
    return 2;
}
static uint32_t arith_three(const bv_gate *g)
{
    (void)g;
    return 3;
}
static uint32_t arith_ops(const bv_gate *g)
{
    return NOPS(g);
}

static void arith_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    gl_t c0 = v->constants[0], c1 = v->constants[1];
    const gl_t *w = v->wires;
    for (uint32_t j = 0; j < NOPS(g); j++, w += 4) {
        gl_t computed = gl_add(gl_mul(gl_mul(w[0], w[1]), c0), gl_mul(w[2], c1));
        out[j] = gl_sub(w[3], computed);
    }
}

static void arith_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    gl_ext c0 = v->constants[0], c1 = v->constants[1];
    const gl_ext *w = v->wires;
    for (uint32_t j = 0; j < NOPS(g); j++, w += 4) {
        gl_ext computed = gl_ext_add(gl_ext_mul(gl_ext_mul(w[0], w[1]), c0), gl_ext_mul(w[2], c1));
        out[j] = gl_ext_sub(w[3], computed);
    }
}

static size_t arith_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap)
{
    (void)g;
    size_t n = 0;
    deps_range(deps, cap, &n, row, bv_arith_wire(op, 0), 3);
    return n;
}

static bv_err arith_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *c, bv_witness *w,
                        bv_status *st)
{
    (void)g;
    gl_t m0 = bv_witness_get(w, bv_wire(row, bv_arith_wire(op, 0)));
    gl_t m1 = bv_witness_get(w, bv_wire(row, bv_arith_wire(op, 1)));
    gl_t a = bv_witness_get(w, bv_wire(row, bv_arith_wire(op, 2)));
    gl_t out = gl_add(gl_mul(gl_mul(m0, m1), c[0]), gl_mul(a, c[1]));
    return bv_witness_set(w, bv_wire(row, bv_arith_wire(op, 3)), out, st);
}

static const bv_gate_ops arith_ops_table = {
    .kind = "Arithmetic",
    .id = arith_id,
    .num_wires = arith_wires,
    .num_constants = arith_two,
    .degree = arith_three,
    .num_constraints = arith_ops,
    .num_ops = arith_ops,
    .eval_base = arith_eval_base,
    .eval_ext = arith_eval_ext,
    .num_generators = arith_ops,
    .gen_deps = arith_deps,
    .gen_run = arith_run,
    .num_extra_constant_wires = bv_gate_no_extra_constants,
    .extra_constant_wire = bv_gate_no_extra_constant_wire,
};

static bv_err arith_check(const bv_gate *g, bv_status *st)
{
    if (NOPS(g) < 1 || NOPS(g) > BV_GATE_MAX_WIRES / 4 || g->params[1] || g->params[2] ||
        g->params[3])
        return bv_fail(st, BV_ERR_FORMAT, "Arithmetic gate: bad parameters (%u ops)", NOPS(g));
    return bv_gate_check_no_data(g, st);
}

static void arith_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                               const bv_ext_target *consts, const bv_hash_target *pi,
                               bv_ext_target *out)
{
    (void)pi;
    for (uint32_t j = 0; j < NOPS(g); j++) {
        const bv_ext_target *o = w + 4 * j;
        /* u = c0*m0*m1 - out; out - (c0*m0*m1 + c1*a) = -(c1*a) - u */
        bv_ext_target t = bv_gadget_ext_mul(c, o[0], o[1]);
        bv_ext_target u = bv_gadget_ext_mul_sub(c, t, consts[0], o[3]);
        out[j] = bv_gadget_ext_arith(c, gl_neg(1), o[2], consts[1], gl_neg(1), u);
    }
}

static size_t arith_examples(bv_gate *out, size_t cap)
{
    size_t n = bv_gate_example(out, cap, 0, bv_gate_arithmetic(BV_STD_ARITH_OPS));
    return bv_gate_example(out, cap, n, bv_gate_arithmetic(1));
}

const bv_gate_kind bv_gate_kind_arithmetic = {.ops = &arith_ops_table,
                                              .check = arith_check,
                                              .routed = arith_wires,
                                              .eval_circuit = arith_eval_circuit,
                                              .examples = arith_examples};

bv_gate bv_gate_arithmetic(uint32_t num_ops)
{
    return (bv_gate){.ops = &arith_ops_table, .params = {num_ops}};
}

uint32_t bv_arith_max_ops(uint32_t num_routed)
{
    return num_routed / 4;
}
