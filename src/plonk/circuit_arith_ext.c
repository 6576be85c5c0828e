/*
 * circuit_arith_ext.c - extension-field arithmetic on pairs of targets:
 * ArithmeticExtensionGate / MulExtensionGate op slots, inverses, Horner
 * reductions with ReducingGate / ReducingExtensionGate rows, and the Poseidon
 * MDS layer on extension targets (PoseidonMdsGate rows).
 */
#include <string.h>

#include "balverify/circuit_arith.h"

static int ext_const(bv_circuit *c, bv_ext_target a, gl_ext *v)
{
    return bv_circuit_target_as_constant(c, a.c0, &v->c0) &&
           bv_circuit_target_as_constant(c, a.c1, &v->c1);
}

static bv_ext_target ext_at(uint32_t row, uint32_t col)
{
    return (bv_ext_target){bv_wire(row, col), bv_wire(row, col + 1)};
}

static void connect_pair(bv_circuit *c, uint32_t row, uint32_t col, bv_ext_target t)
{
    bv_circuit_connect(c, bv_wire(row, col), t.c0);
    bv_circuit_connect(c, bv_wire(row, col + 1), t.c1);
}

bv_ext_target bv_gadget_ext_constant(bv_circuit *c, gl_ext v)
{
    return (bv_ext_target){bv_circuit_constant(c, v.c0), bv_circuit_constant(c, v.c1)};
}

bv_ext_target bv_gadget_ext_zero(bv_circuit *c)
{
    return bv_gadget_ext_constant(c, gl_ext_zero());
}
bv_ext_target bv_gadget_ext_one(bv_circuit *c)
{
    return bv_gadget_ext_constant(c, gl_ext_one());
}

bv_ext_target bv_gadget_ext_from_base(bv_circuit *c, bv_target b)
{
    return (bv_ext_target){b, bv_circuit_zero(c)};
}

bv_ext_target bv_gadget_add_virtual_ext(bv_circuit *c)
{
    bv_target t[2];
    bv_circuit_add_virtuals(c, t, 2);
    return (bv_ext_target){t[0], t[1]};
}

void bv_gadget_connect_ext(bv_circuit *c, bv_ext_target a, bv_ext_target b)
{
    bv_circuit_connect(c, a.c0, b.c0);
    bv_circuit_connect(c, a.c1, b.c1);
}

bv_ext_target bv_gadget_ext_arith(bv_circuit *c, gl_t c0, bv_ext_target m0, bv_ext_target m1,
                                  gl_t c1, bv_ext_target a)
{
    c0 = gl_from_u64(c0);
    c1 = gl_from_u64(c1);
    gl_ext v0, v1, va;
    int k0 = ext_const(c, m0, &v0), k1 = ext_const(c, m1, &v1), ka = ext_const(c, a, &va);
    if (k0 && k1 && ka)
        return bv_gadget_ext_constant(
            c, gl_ext_add(gl_ext_scalar_mul(gl_ext_mul(v0, v1), c0), gl_ext_scalar_mul(va, c1)));
    int no_product = c0 == 0 || (k0 && gl_ext_is_zero(v0)) || (k1 && gl_ext_is_zero(v1));
    int no_addend = c1 == 0 || (ka && gl_ext_is_zero(va));
    if (no_product && no_addend)
        return bv_gadget_ext_zero(c);
    if (no_product && c1 == 1)
        return a;
    if (no_addend && c0 == 1 && k1 && gl_ext_eq(v1, gl_ext_one()))
        return m0;
    if (no_addend && c0 == 1 && k0 && gl_ext_eq(v0, gl_ext_one()))
        return m1;
    if (no_product) {
        c0 = 0;
        m0 = m1 = bv_gadget_ext_zero(c);
    }
    if (no_addend) {
        c1 = 0;
        a = bv_gadget_ext_zero(c);
    }
    const bv_plonk_config *cfg = bv_circuit_config(c);
    uint32_t row, op;
    if (c1 == 0) {
        /* a plain product: MulExtensionGate holds more ops per row */
        bv_gate g = bv_gate_mul_ext(bv_mul_ext_max_ops(cfg->num_routed_wires));
        gl_t k[2] = {c0, 0};
        bv_circuit_find_slot(c, &g, k, &row, &op);
        connect_pair(c, row, bv_mul_ext_wire(op, 0), m0);
        connect_pair(c, row, bv_mul_ext_wire(op, 1), m1);
        return ext_at(row, bv_mul_ext_wire(op, 2));
    }
    bv_gate g = bv_gate_arithmetic_ext(bv_arith_ext_max_ops(cfg->num_routed_wires));
    gl_t k[2] = {c0, c1};
    bv_circuit_find_slot(c, &g, k, &row, &op);
    connect_pair(c, row, bv_arith_ext_wire(op, 0), m0);
    connect_pair(c, row, bv_arith_ext_wire(op, 1), m1);
    connect_pair(c, row, bv_arith_ext_wire(op, 2), a);
    return ext_at(row, bv_arith_ext_wire(op, 3));
}

bv_ext_target bv_gadget_ext_add(bv_circuit *c, bv_ext_target a, bv_ext_target b)
{
    return bv_gadget_ext_arith(c, 1, a, bv_gadget_ext_one(c), 1, b);
}

bv_ext_target bv_gadget_ext_sub(bv_circuit *c, bv_ext_target a, bv_ext_target b)
{
    return bv_gadget_ext_arith(c, 1, a, bv_gadget_ext_one(c), gl_neg(1), b);
}

bv_ext_target bv_gadget_ext_mul(bv_circuit *c, bv_ext_target a, bv_ext_target b)
{
    return bv_gadget_ext_arith(c, 1, a, b, 0, bv_gadget_ext_zero(c));
}

bv_ext_target bv_gadget_ext_mul_add(bv_circuit *c, bv_ext_target a, bv_ext_target b,
                                    bv_ext_target d)
{
    return bv_gadget_ext_arith(c, 1, a, b, 1, d);
}

bv_ext_target bv_gadget_ext_mul_sub(bv_circuit *c, bv_ext_target a, bv_ext_target b,
                                    bv_ext_target d)
{
    return bv_gadget_ext_arith(c, 1, a, b, gl_neg(1), d);
}

bv_ext_target bv_gadget_ext_square(bv_circuit *c, bv_ext_target a)
{
    return bv_gadget_ext_mul(c, a, a);
}

bv_ext_target bv_gadget_ext_mul_const(bv_circuit *c, gl_t k, bv_ext_target a)
{
    return bv_gadget_ext_arith(c, k, a, bv_gadget_ext_one(c), 0, bv_gadget_ext_zero(c));
}

bv_ext_target bv_gadget_ext_scalar_mul(bv_circuit *c, bv_target s, bv_ext_target a)
{
    return (bv_ext_target){bv_gadget_mul(c, s, a.c0), bv_gadget_mul(c, s, a.c1)};
}

static bv_err ext_inverse_fn(bv_witness *w, const bv_target *in, size_t nin, const bv_target *out,
                             size_t nout, const gl_t *params, size_t nparams, bv_status *st)
{
    (void)nin;
    (void)nout;
    (void)params;
    (void)nparams;
    gl_ext x = gl_ext_make(bv_witness_get(w, in[0]), bv_witness_get(w, in[1]));
    if (gl_ext_is_zero(x))
        return bv_fail(st, BV_ERR_VERIFY,
                       "inverse of the extension zero in the circuit (targets (%u,%u))", in[0].row,
                       in[0].col);
    gl_ext inv = gl_ext_inv(x);
    bv_err e = bv_witness_set(w, out[0], inv.c0, st);
    if (e == BV_OK)
        e = bv_witness_set(w, out[1], inv.c1, st);
    return e;
}

bv_ext_target bv_gadget_ext_inverse(bv_circuit *c, bv_ext_target x)
{
    gl_ext v;
    if (ext_const(c, x, &v)) {
        if (gl_ext_is_zero(v))
            bv_circuit_fail(c, BV_ERR_ARG, "inverse of the extension constant zero");
        return bv_gadget_ext_constant(c, gl_ext_inv(v));
    }
    bv_ext_target inv = bv_gadget_add_virtual_ext(c);
    bv_target in[2] = {x.c0, x.c1}, out[2] = {inv.c0, inv.c1};
    bv_circuit_add_simple_generator(c, "ExtInverse", ext_inverse_fn, in, 2, out, 2, NULL, 0);
    bv_gadget_connect_ext(c, bv_gadget_ext_mul(c, x, inv), bv_gadget_ext_one(c));
    return inv;
}

bv_ext_target bv_gadget_ext_div(bv_circuit *c, bv_ext_target a, bv_ext_target b)
{
    return bv_gadget_ext_mul(c, a, bv_gadget_ext_inverse(c, b));
}

bv_ext_target bv_gadget_ext_exp_power_of_2(bv_circuit *c, bv_ext_target x, uint32_t k)
{
    for (uint32_t i = 0; i < k; i++)
        x = bv_gadget_ext_square(c, x);
    return x;
}

bv_ext_target bv_gadget_ext_horner(bv_circuit *c, bv_ext_target alpha, const bv_ext_target *coeffs,
                                   size_t n)
{
    if (n == 0)
        return bv_gadget_ext_zero(c);
    bv_ext_target acc = coeffs[n - 1];
    for (size_t i = n - 1; i-- > 0;)
        acc = bv_gadget_ext_mul_add(c, acc, alpha, coeffs[i]);
    return acc;
}

/* Horner over ReducingGate / ReducingExtensionGate rows. The gate processes
 * its coefficients in wire order, so wire j of row r takes the coefficient of
 * alpha^(n-1-t) with t = r*m + j - pad; the pad leading zeros of the first
 * row leave the accumulator at zero. */
static bv_ext_target reduce(bv_circuit *c, bv_ext_target alpha, const bv_target *base_coeffs,
                            const bv_ext_target *ext_coeffs, size_t n)
{
    const bv_plonk_config *cfg = bv_circuit_config(c);
    int ext = ext_coeffs != NULL;
    if (n == 0)
        return bv_gadget_ext_zero(c);
    uint32_t m = ext ? bv_reducing_ext_max_coeffs(cfg->num_wires, cfg->num_routed_wires)
                     : bv_reducing_max_coeffs(cfg->num_wires, cfg->num_routed_wires);
    if (m == 0) {
        bv_circuit_fail(c, BV_ERR_ARG, "reduce: the config has no room for a reducing gate");
        return bv_gadget_ext_zero(c);
    }
    bv_gate g = ext ? bv_gate_reducing_ext(m) : bv_gate_reducing(m);
    size_t rows = (n + m - 1) / m, pad = rows * m - n;
    bv_ext_target acc = bv_gadget_ext_zero(c);
    bv_target zero = bv_circuit_zero(c);
    for (size_t r = 0; r < rows; r++) {
        uint32_t row = bv_circuit_add_gate(c, &g, NULL);
        connect_pair(c, row, BV_RED_WIRE_ALPHA, alpha);
        connect_pair(c, row, BV_RED_WIRE_OLD_ACC, acc);
        for (uint32_t j = 0; j < m; j++) {
            size_t t = r * m + j;
            int is_pad = t < pad;
            size_t idx = is_pad ? 0 : n - 1 - (t - pad);
            if (ext)
                connect_pair(c, row, bv_red_ext_wire_coeff(j),
                             is_pad ? (bv_ext_target){zero, zero} : ext_coeffs[idx]);
            else
                bv_circuit_connect(c, bv_wire(row, bv_red_wire_coeff(j)),
                                   is_pad ? zero : base_coeffs[idx]);
        }
        acc = ext_at(row, BV_RED_WIRE_OUT);
    }
    return acc;
}

bv_ext_target bv_gadget_reduce_base(bv_circuit *c, bv_ext_target alpha, const bv_target *coeffs,
                                    size_t n)
{
    return reduce(c, alpha, coeffs, NULL, n);
}

bv_ext_target bv_gadget_reduce_ext(bv_circuit *c, bv_ext_target alpha, const bv_ext_target *coeffs,
                                   size_t n)
{
    return reduce(c, alpha, NULL, coeffs, n);
}

void bv_gadget_poseidon_mds_ext(bv_circuit *c, const bv_ext_target in[12], bv_ext_target out[12])
{
    const bv_plonk_config *cfg = bv_circuit_config(c);
    if (cfg->num_routed_wires >= 48 && cfg->num_wires >= 48) {
        bv_gate g = bv_gate_poseidon_mds();
        uint32_t row = bv_circuit_add_gate(c, &g, NULL);
        for (uint32_t i = 0; i < 12; i++) {
            uint32_t wi = bv_poseidon_mds_wire_in(i), wo = bv_poseidon_mds_wire_out(i);
            bv_circuit_connect(c, bv_wire(row, wi), in[i].c0);
            bv_circuit_connect(c, bv_wire(row, wi + 1), in[i].c1);
            out[i] = (bv_ext_target){bv_wire(row, wo), bv_wire(row, wo + 1)};
        }
        return;
    }
    /* narrow configs: the matrix row by row */
    bv_ext_target res[12];
    for (uint32_t r = 0; r < 12; r++) {
        bv_ext_target acc = bv_gadget_ext_zero(c);
        for (uint32_t i = 0; i < 12; i++)
            acc = bv_gadget_ext_arith(c, bv_poseidon_mds_entry(r, i), in[i], bv_gadget_ext_one(c),
                                      1, acc);
        res[r] = acc;
    }
    memcpy(out, res, sizeof res);
}

bv_simple_gen_fn bv_circuit_arith_ext_generator(const char *name)
{
    return name && strcmp(name, "ExtInverse") == 0 ? ext_inverse_fn : NULL;
}
