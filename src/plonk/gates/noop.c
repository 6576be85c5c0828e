/*
 * noop.c - NoopGate: no wires, no constraints; pads the trace to a power of
 * two rows.
 */
#include "plonk/gates/gates_internal.h"

static void noop_id(const bv_gate *g, char *buf, size_t cap)
{
    (void)g;
    snprintf(buf, cap, "Noop");
}

static void noop_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    (void)g;
    (void)v;
    (void)out;
}

static void noop_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    (void)g;
    (void)v;
    (void)out;
}

static const bv_gate_ops noop_ops = {
    .kind = "Noop",
    .id = noop_id,
    .num_wires = bv_gate_zero,
    .num_constants = bv_gate_zero,
    .degree = bv_gate_zero,
    .num_constraints = bv_gate_zero,
    .num_ops = bv_gate_one,
    .eval_base = noop_eval_base,
    .eval_ext = noop_eval_ext,
    .num_generators = bv_gate_zero,
    .gen_deps = bv_gate_no_deps,
    .gen_run = bv_gate_no_run,
    .num_extra_constant_wires = bv_gate_no_extra_constants,
    .extra_constant_wire = bv_gate_no_extra_constant_wire,
};

static bv_err noop_check(const bv_gate *g, bv_status *st)
{
    for (int i = 0; i < BV_GATE_MAX_PARAMS; i++)
        if (g->params[i])
            return bv_fail(st, BV_ERR_FORMAT, "Noop gate with a non-zero parameter");
    return bv_gate_check_no_data(g, st);
}

static void noop_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                              const bv_ext_target *consts, const bv_hash_target *pi,
                              bv_ext_target *out)
{
    (void)c;
    (void)g;
    (void)w;
    (void)consts;
    (void)pi;
    (void)out;
}

static size_t noop_examples(bv_gate *out, size_t cap)
{
    return bv_gate_example(out, cap, 0, bv_gate_noop());
}

const bv_gate_kind bv_gate_kind_noop = {.ops = &noop_ops,
                                        .check = noop_check,
                                        .routed = bv_gate_zero,
                                        .eval_circuit = noop_eval_circuit,
                                        .examples = noop_examples};

bv_gate bv_gate_noop(void)
{
    return (bv_gate){.ops = &noop_ops};
}
