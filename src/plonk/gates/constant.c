/*
 * constant.c - ConstantGate(n): forces W[i] = c_i for i < n. Its wires are
 * donated as constant slots; the circuit builder binds them to constants, so
 * the gate has no generators of its own.
 */
#include "plonk/gates/gates_internal.h"

#define NCONST(g) ((g)->params[0])

static void constant_id(const bv_gate *g, char *buf, size_t cap)
{
    snprintf(buf, cap, "Constant(%u)", NCONST(g));
}

static uint32_t constant_n(const bv_gate *g)
{
    return NCONST(g);
}

static void constant_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    for (uint32_t i = 0; i < NCONST(g); i++)
        out[i] = gl_sub(v->constants[i], v->wires[i]);
}

static void constant_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    for (uint32_t i = 0; i < NCONST(g); i++)
        out[i] = gl_ext_sub(v->constants[i], v->wires[i]);
}

static void constant_extra_wire(const bv_gate *g, uint32_t i, uint32_t *const_index, uint32_t *wire)
{
    (void)g;
    *const_index = i;
    *wire = i;
}

static const bv_gate_ops constant_ops = {
    .kind = "Constant",
    .id = constant_id,
    .num_wires = constant_n,
    .num_constants = constant_n,
    .degree = bv_gate_one,
    .num_constraints = constant_n,
    .num_ops = bv_gate_one,
    .eval_base = constant_eval_base,
    .eval_ext = constant_eval_ext,
    .num_generators = bv_gate_zero,
    .gen_deps = bv_gate_no_deps,
    .gen_run = bv_gate_no_run,
    .num_extra_constant_wires = constant_n,
    .extra_constant_wire = constant_extra_wire,
};

static bv_err constant_check(const bv_gate *g, bv_status *st)
{
    if (NCONST(g) < 1 || NCONST(g) > 64 || g->params[1] || g->params[2] || g->params[3])
        return bv_fail(st, BV_ERR_FORMAT, "Constant gate: bad parameters (%u constants)",
                       NCONST(g));
    return bv_gate_check_no_data(g, st);
}

static void constant_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                                  const bv_ext_target *consts, const bv_hash_target *pi,
                                  bv_ext_target *out)
{
    (void)pi;
    for (uint32_t i = 0; i < NCONST(g); i++)
        out[i] = bv_gadget_ext_sub(c, consts[i], w[i]);
}

static size_t constant_examples(bv_gate *out, size_t cap)
{
    size_t n = bv_gate_example(out, cap, 0, bv_gate_constant(BV_STD_NUM_CONSTANTS));
    return bv_gate_example(out, cap, n, bv_gate_constant(1));
}

const bv_gate_kind bv_gate_kind_constant = {.ops = &constant_ops,
                                            .check = constant_check,
                                            .routed = constant_n,
                                            .eval_circuit = constant_eval_circuit,
                                            .examples = constant_examples};

bv_gate bv_gate_constant(uint32_t num_consts)
{
    return (bv_gate){.ops = &constant_ops, .params = {num_consts}};
}
