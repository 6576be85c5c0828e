/*
 * gadgets_gate_eval.c - in-circuit evaluation of gate constraints on
 * extension targets: the same polynomials as each gate's eval_ext. What a
 * recursive verifier uses to evaluate an inner proof's constraints at the
 * out-of-domain point. Each gate type's table entry carries its evaluator
 * (src/plonk/gates); this file only dispatches.
 */
#include "balverify/gadgets.h"

int bv_gadget_gate_eval_supported(const bv_gate *g)
{
    return bv_gate_eval_circuit_of(g) != NULL;
}

void bv_gadget_eval_gate_constraints(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                                     const bv_ext_target *consts, const bv_hash_target *pi,
                                     bv_ext_target *out)
{
    bv_gate_eval_circuit_fn fn = bv_gate_eval_circuit_of(g);
    if (!fn) {
        bv_circuit_fail(c, BV_ERR_ARG, "eval_gate_constraints: no in-circuit evaluator for gate %s",
                        g && g->ops && g->ops->kind ? g->ops->kind : "(null)");
        return;
    }
    fn(c, g, w, consts, pi, out);
}
