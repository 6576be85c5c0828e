/*
 * circuit_arith.c - base-field arithmetic on targets through ArithmeticGate
 * op slots: constants, sums, products, inverses. The layer the gates'
 * in-circuit evaluators and every gadget are written with.
 */
#include <string.h>

#include "balverify/circuit_arith.h"

/* ------------------------------------------------------------------------- */
/* Arithmetic                                                                */
/* ------------------------------------------------------------------------- */

static int is_const(bv_circuit *c, bv_target t, gl_t *v)
{
    return bv_circuit_target_as_constant(c, t, v);
}

bv_target bv_gadget_constant(bv_circuit *c, gl_t v)
{
    return bv_circuit_constant(c, gl_from_u64(v));
}
bv_target bv_gadget_zero(bv_circuit *c)
{
    return bv_circuit_zero(c);
}
bv_target bv_gadget_one(bv_circuit *c)
{
    return bv_circuit_one(c);
}

bv_target bv_gadget_arith(bv_circuit *c, gl_t c0, bv_target m0, bv_target m1, gl_t c1, bv_target a)
{
    c0 = gl_from_u64(c0);
    c1 = gl_from_u64(c1);
    gl_t v0, v1, va;
    int k0 = is_const(c, m0, &v0), k1 = is_const(c, m1, &v1), ka = is_const(c, a, &va);
    /* fold what needs no gate */
    if (k0 && k1 && ka)
        return bv_circuit_constant(c, gl_add(gl_mul(gl_mul(c0, v0), v1), gl_mul(c1, va)));
    int no_product = c0 == 0 || (k0 && v0 == 0) || (k1 && v1 == 0);
    int no_addend = c1 == 0 || (ka && va == 0);
    if (no_product && no_addend)
        return bv_circuit_zero(c);
    if (no_product && c1 == 1)
        return a;
    if (no_addend && c0 == 1 && k1 && v1 == 1)
        return m0;
    if (no_addend && c0 == 1 && k0 && v0 == 1)
        return m1;
    if (no_product) {
        /* keep the op's multiplicands known (zero) so its generator runs */
        c0 = 0;
        m0 = m1 = bv_circuit_zero(c);
    }
    if (no_addend) {
        c1 = 0;
        a = bv_circuit_zero(c);
    }
    const bv_plonk_config *cfg = bv_circuit_config(c);
    bv_gate g = bv_gate_arithmetic(bv_arith_max_ops(cfg->num_routed_wires));
    gl_t k[2] = {c0, c1};
    uint32_t row, op;
    bv_circuit_find_slot(c, &g, k, &row, &op);
    bv_circuit_connect(c, bv_wire(row, bv_arith_wire(op, 0)), m0);
    bv_circuit_connect(c, bv_wire(row, bv_arith_wire(op, 1)), m1);
    bv_circuit_connect(c, bv_wire(row, bv_arith_wire(op, 2)), a);
    return bv_wire(row, bv_arith_wire(op, 3));
}

bv_target bv_gadget_add(bv_circuit *c, bv_target a, bv_target b)
{
    return bv_gadget_arith(c, 1, a, bv_circuit_one(c), 1, b);
}

bv_target bv_gadget_sub(bv_circuit *c, bv_target a, bv_target b)
{
    return bv_gadget_arith(c, 1, a, bv_circuit_one(c), gl_neg(1), b);
}

bv_target bv_gadget_mul(bv_circuit *c, bv_target a, bv_target b)
{
    return bv_gadget_arith(c, 1, a, b, 0, bv_circuit_zero(c));
}

bv_target bv_gadget_mul_add(bv_circuit *c, bv_target a, bv_target b, bv_target d)
{
    return bv_gadget_arith(c, 1, a, b, 1, d);
}

bv_target bv_gadget_mul_sub(bv_circuit *c, bv_target a, bv_target b, bv_target d)
{
    return bv_gadget_arith(c, 1, a, b, gl_neg(1), d);
}

bv_target bv_gadget_mul_const(bv_circuit *c, gl_t k, bv_target a)
{
    return bv_gadget_arith(c, k, a, bv_circuit_one(c), 0, bv_circuit_zero(c));
}

bv_target bv_gadget_add_const(bv_circuit *c, bv_target a, gl_t k)
{
    /* a constant target plus an ordinary add packs with every other add */
    return bv_gadget_add(c, a, bv_circuit_constant(c, gl_from_u64(k)));
}

bv_target bv_gadget_mul_const_add(bv_circuit *c, gl_t k, bv_target a, bv_target b)
{
    return bv_gadget_arith(c, k, a, bv_circuit_one(c), 1, b);
}

bv_target bv_gadget_neg(bv_circuit *c, bv_target a)
{
    return bv_gadget_mul_const(c, gl_neg(1), a);
}

bv_target bv_gadget_square(bv_circuit *c, bv_target a)
{
    return bv_gadget_mul(c, a, a);
}

bv_target bv_gadget_sum(bv_circuit *c, const bv_target *t, size_t n)
{
    if (n == 0)
        return bv_circuit_zero(c);
    bv_target acc = t[0];
    for (size_t i = 1; i < n; i++)
        acc = bv_gadget_add(c, acc, t[i]);
    return acc;
}

bv_target bv_gadget_product(bv_circuit *c, const bv_target *t, size_t n)
{
    if (n == 0)
        return bv_circuit_one(c);
    bv_target acc = t[0];
    for (size_t i = 1; i < n; i++)
        acc = bv_gadget_mul(c, acc, t[i]);
    return acc;
}

static bv_err inverse_fn(bv_witness *w, const bv_target *in, size_t nin, const bv_target *out,
                         size_t nout, const gl_t *params, size_t nparams, bv_status *st)
{
    (void)nin;
    (void)nout;
    (void)params;
    (void)nparams;
    gl_t x = bv_witness_get(w, in[0]);
    if (x == 0)
        return bv_fail(st, BV_ERR_VERIFY, "inverse of zero in the circuit (target (%u,%u))",
                       in[0].row, in[0].col);
    return bv_witness_set(w, out[0], gl_inv(x), st);
}

bv_target bv_gadget_inverse(bv_circuit *c, bv_target x)
{
    gl_t v;
    if (is_const(c, x, &v)) {
        if (v == 0)
            bv_circuit_fail(c, BV_ERR_ARG, "inverse of the constant zero");
        return bv_circuit_constant(c, gl_inv(v));
    }
    bv_target inv = bv_circuit_add_virtual(c);
    bv_circuit_add_simple_generator(c, "Inverse", inverse_fn, &x, 1, &inv, 1, NULL, 0);
    bv_circuit_connect(c, bv_gadget_mul(c, x, inv), bv_circuit_one(c));
    return inv;
}

bv_target bv_gadget_div(bv_circuit *c, bv_target a, bv_target b)
{
    return bv_gadget_mul(c, a, bv_gadget_inverse(c, b));
}

bv_simple_gen_fn bv_circuit_arith_generator(const char *name)
{
    if (!name)
        return NULL;
    if (strcmp(name, "Copy") == 0)
        return bv_copy_generator_fn;
    if (strcmp(name, "Inverse") == 0)
        return inverse_fn;
    return bv_circuit_arith_ext_generator(name);
}
