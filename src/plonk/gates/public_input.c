/*
 * public_input.c - PublicInputGate: pins W[0..4) to the hash of the public
 * inputs, a value the verifier knows (PROOF_SYSTEM.md section 6.11). Its wires
 * are connected to the in-circuit hash, so it has no generators.
 */
#include "plonk/gates/gates_internal.h"

static void pi_id(const bv_gate *g, char *buf, size_t cap)
{
    (void)g;
    snprintf(buf, cap, "PublicInput");
}

static uint32_t pi_four(const bv_gate *g)
{
    (void)g;
    return 4;
}

static void pi_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    (void)g;
    for (int i = 0; i < 4; i++)
        out[i] = gl_sub(v->wires[i], v->public_inputs_hash.e[i]);
}

static void pi_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    (void)g;
    for (int i = 0; i < 4; i++)
        out[i] = gl_ext_sub(v->wires[i], gl_ext_from_base(v->public_inputs_hash.e[i]));
}

static const bv_gate_ops pi_ops = {
    .kind = "PublicInput",
    .id = pi_id,
    .num_wires = pi_four,
    .num_constants = bv_gate_zero,
    .degree = bv_gate_one,
    .num_constraints = pi_four,
    .num_ops = bv_gate_one,
    .eval_base = pi_eval_base,
    .eval_ext = pi_eval_ext,
    .num_generators = bv_gate_zero,
    .gen_deps = bv_gate_no_deps,
    .gen_run = bv_gate_no_run,
    .num_extra_constant_wires = bv_gate_no_extra_constants,
    .extra_constant_wire = bv_gate_no_extra_constant_wire,
};

static bv_err pi_check(const bv_gate *g, bv_status *st)
{
    for (int i = 0; i < BV_GATE_MAX_PARAMS; i++)
        if (g->params[i])
            return bv_fail(st, BV_ERR_FORMAT, "PublicInput gate with a non-zero parameter");
    return bv_gate_check_no_data(g, st);
}

static void pi_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                            const bv_ext_target *consts, const bv_hash_target *pi,
                            bv_ext_target *out)
{
    (void)g;
    (void)consts;
    if (!pi) {
        bv_circuit_fail(c, BV_ERR_ARG, "PublicInput gate evaluated without the public-input hash");
        for (uint32_t i = 0; i < 4; i++)
            out[i] = bv_gadget_ext_zero(c);
        return;
    }
    for (uint32_t i = 0; i < 4; i++)
        out[i] = bv_gadget_ext_sub(c, w[i], bv_gadget_ext_from_base(c, pi->e[i]));
}

static size_t pi_examples(bv_gate *out, size_t cap)
{
    return bv_gate_example(out, cap, 0, bv_gate_public_input());
}

static int pi_wire(const bv_gate *g, uint32_t wire)
{
    (void)g;
    return wire < 4 ? (int)wire : -1;
}

const bv_gate_kind bv_gate_kind_public_input = {.ops = &pi_ops,
                                                .check = pi_check,
                                                .routed = pi_four,
                                                .eval_circuit = pi_eval_circuit,
                                                .examples = pi_examples,
                                                .public_input_wire = pi_wire};

bv_gate bv_gate_public_input(void)
{
    return (bv_gate){.ops = &pi_ops};
}
