/*
 * gadgets.c - base-field gadgets above the circuit arithmetic
 * (circuit_arith.h): powers, booleans and selection, bit decomposition with
 * BaseSumGate rows, random access with RandomAccessGate copies.
 */
#include <string.h>

#include "balverify/gadgets.h"

static int is_const(bv_circuit *c, bv_target t, gl_t *v)
{
    return bv_circuit_target_as_constant(c, t, v);
}

/* ------------------------------------------------------------------------- */
/* Powers                                                                    */
/* ------------------------------------------------------------------------- */

bv_target bv_gadget_exp_u64(bv_circuit *c, bv_target base, uint64_t e)
{
    bv_target r = bv_circuit_one(c);
    for (int i = 63; i >= 0; i--) {
        r = bv_gadget_square(c, r);
        if ((e >> i) & 1)
            r = bv_gadget_mul(c, r, base);
    }
    return r;
}

bv_target bv_gadget_exp_power_of_2(bv_circuit *c, bv_target x, uint32_t k)
{
    for (uint32_t i = 0; i < k; i++)
        x = bv_gadget_square(c, x);
    return x;
}

bv_target bv_gadget_exp_const_base_bits(bv_circuit *c, gl_t base, const bv_target *bits, size_t n)
{
    bv_target acc = bv_circuit_one(c), one = bv_circuit_one(c);
    gl_t pw = gl_from_u64(base); /* base^(2^i) */
    for (size_t i = 0; i < n; i++, pw = gl_sqr(pw)) {
        /* bit * (pw - 1) + 1 with (1, 1) constants packs with the adds; the
         * constant pw - 1 takes a constant slot */
        bv_target m = bv_gadget_mul_add(c, bits[i], bv_circuit_constant(c, gl_sub(pw, 1)), one);
        acc = bv_gadget_mul(c, acc, m);
    }
    return acc;
}

bv_target bv_gadget_exp_bits(bv_circuit *c, bv_target base, const bv_target *bits, size_t n)
{
    const bv_plonk_config *cfg = bv_circuit_config(c);
    uint32_t L = bv_exp_max_bits(cfg->num_wires, cfg->num_routed_wires);
    if (n == 0)
        return bv_circuit_one(c);
    if (L == 0 || n > L) {
        bv_circuit_fail(c, BV_ERR_ARG, "exp_bits: %zu exponent bits, one row holds %u", n, L);
        return bv_circuit_zero(c);
    }
    bv_gate g = bv_gate_exponentiation(L);
    uint32_t row = bv_circuit_add_gate(c, &g, NULL);
    bv_circuit_connect(c, bv_wire(row, BV_EXP_WIRE_BASE), base);
    bv_target zero = bv_circuit_zero(c);
    for (uint32_t i = 0; i < L; i++)
        bv_circuit_connect(c, bv_wire(row, bv_exp_wire_bit(i)), i < n ? bits[i] : zero);
    return bv_wire(row, bv_exp_wire_out(L));
}

/* ------------------------------------------------------------------------- */
/* Assertions, booleans, selection                                           */
/* ------------------------------------------------------------------------- */

void bv_gadget_connect(bv_circuit *c, bv_target a, bv_target b)
{
    bv_circuit_connect(c, a, b);
}

void bv_gadget_assert_equal(bv_circuit *c, bv_target a, bv_target b)
{
    bv_circuit_connect(c, a, b);
}

void bv_gadget_assert_zero(bv_circuit *c, bv_target a)
{
    bv_circuit_connect(c, a, bv_circuit_zero(c));
}

void bv_gadget_assert_one(bv_circuit *c, bv_target a)
{
    bv_circuit_connect(c, a, bv_circuit_one(c));
}

void bv_gadget_assert_bool(bv_circuit *c, bv_target b)
{
    gl_t v;
    if (is_const(c, b, &v)) {
        if (v > 1)
            bv_circuit_fail(c, BV_ERR_ARG, "assert_bool on the constant %llu",
                            (unsigned long long)v);
        return;
    }
    /* b*b - b = 0 */
    bv_gadget_assert_zero(c, bv_gadget_arith(c, 1, b, b, gl_neg(1), b));
}

bv_target bv_gadget_add_virtual_bool(bv_circuit *c)
{
    bv_target b = bv_circuit_add_virtual(c);
    bv_gadget_assert_bool(c, b);
    return b;
}

bv_target bv_gadget_not(bv_circuit *c, bv_target b)
{
    return bv_gadget_sub(c, bv_circuit_one(c), b);
}

bv_target bv_gadget_and(bv_circuit *c, bv_target a, bv_target b)
{
    return bv_gadget_mul(c, a, b);
}

bv_target bv_gadget_or(bv_circuit *c, bv_target a, bv_target b)
{
    /* a + b - a*b */
    return bv_gadget_arith(c, gl_neg(1), a, b, 1, bv_gadget_add(c, a, b));
}

bv_target bv_gadget_select(bv_circuit *c, bv_target b, bv_target x, bv_target y)
{
    gl_t v;
    if (is_const(c, b, &v) && v <= 1)
        return v ? x : y;
    /* b*x - (b*y - y): both ops use the constants (1, -1) */
    bv_target t = bv_gadget_mul_sub(c, b, y, y);
    return bv_gadget_arith(c, 1, b, x, gl_neg(1), t);
}

void bv_gadget_cond_swap(bv_circuit *c, bv_target b, bv_target x, bv_target y, bv_target *x_out,
                         bv_target *y_out)
{
    bv_target d = bv_gadget_sub(c, y, x);
    *x_out = bv_gadget_mul_add(c, b, d, x);
    *y_out = bv_gadget_arith(c, gl_neg(1), b, d, 1, y);
}

static bv_err is_zero_fn(bv_witness *w, const bv_target *in, size_t nin, const bv_target *out,
                         size_t nout, const gl_t *params, size_t nparams, bv_status *st)
{
    (void)nin;
    (void)nout;
    (void)params;
    (void)nparams;
    gl_t d = bv_witness_get(w, in[0]);
    bv_err e = bv_witness_set(w, out[0], d ? gl_inv(d) : 0, st);
    if (e == BV_OK)
        e = bv_witness_set(w, out[1], d == 0, st);
    return e;
}

bv_target bv_gadget_is_zero(bv_circuit *c, bv_target x)
{
    gl_t v;
    if (is_const(c, x, &v))
        return bv_circuit_constant(c, v == 0);
    /* witnesses inv and eq with x*inv + eq = 1 and x*eq = 0: x != 0 forces
     * eq = 0; x = 0 forces eq = 1 */
    bv_target io[2];
    bv_circuit_add_virtuals(c, io, 2);
    bv_circuit_add_simple_generator(c, "IsZero", is_zero_fn, &x, 1, io, 2, NULL, 0);
    bv_gadget_assert_one(c, bv_gadget_mul_add(c, x, io[0], io[1]));
    bv_gadget_assert_zero(c, bv_gadget_mul(c, x, io[1]));
    return io[1];
}

bv_target bv_gadget_is_equal(bv_circuit *c, bv_target x, bv_target y)
{
    return bv_gadget_is_zero(c, bv_gadget_sub(c, x, y));
}

/* ------------------------------------------------------------------------- */
/* Bits                                                                      */
/* ------------------------------------------------------------------------- */

static uint32_t limbs_per_row(bv_circuit *c)
{
    return bv_base_sum_max_limbs(bv_circuit_config(c)->num_routed_wires, 2);
}

/* Splits the canonical value of in[0] into nout chunks of params[0] bits. */
static bv_err wire_split_fn(bv_witness *w, const bv_target *in, size_t nin, const bv_target *out,
                            size_t nout, const gl_t *params, size_t nparams, bv_status *st)
{
    (void)nin;
    (void)nparams;
    uint64_t x = bv_witness_get(w, in[0]);
    uint32_t L = (uint32_t)params[0];
    for (size_t k = 0; k < nout; k++) {
        uint64_t chunk = L >= 64 ? x : x & ((1ULL << L) - 1);
        x = L >= 64 ? 0 : x >> L;
        bv_err e = bv_witness_set(w, out[k], chunk, st);
        if (e != BV_OK)
            return e;
    }
    return BV_OK;
}

void bv_gadget_split_le(bv_circuit *c, bv_target x, size_t n, bv_target *bits)
{
    uint32_t L = limbs_per_row(c);
    if (n > 64 || L == 0) {
        bv_circuit_fail(c, BV_ERR_ARG, "split_le: %zu bits (at most 64)", n);
        return;
    }
    gl_t v;
    if (is_const(c, x, &v)) {
        if (n < 64 && (v >> n) != 0)
            bv_circuit_fail(c, BV_ERR_ARG, "split_le: constant %llu does not fit in %zu bits",
                            (unsigned long long)v, n);
        for (size_t i = 0; i < n; i++)
            bits[i] = bv_circuit_constant(c, (v >> i) & 1);
        return;
    }
    if (n == 0) {
        bv_gadget_assert_zero(c, x);
        return;
    }
    bv_gate g = bv_gate_base_sum(L, 2);
    size_t k = (n + L - 1) / L;
    uint32_t rows[64];
    for (size_t r = 0; r < k; r++)
        rows[r] = bv_circuit_add_gate(c, &g, NULL);
    for (size_t i = 0; i < k * L; i++) {
        bv_target limb = bv_wire(rows[i / L], bv_base_sum_wire_limb((uint32_t)(i % L)));
        if (i < n)
            bits[i] = limb;
        else
            bv_gadget_assert_zero(c, limb);
    }
    if (k == 1) {
        bv_circuit_connect(c, bv_wire(rows[0], BV_BASE_SUM_WIRE_SUM), x);
        return;
    }
    bv_target sums[64];
    for (size_t r = 0; r < k; r++)
        sums[r] = bv_wire(rows[r], BV_BASE_SUM_WIRE_SUM);
    gl_t p = L;
    bv_circuit_add_simple_generator(c, "WireSplit", wire_split_fn, &x, 1, sums, k, &p, 1);
    bv_target acc = sums[k - 1];
    for (size_t r = k - 1; r-- > 0;)
        acc = bv_gadget_mul_const_add(c, gl_pow(2, L), acc, sums[r]);
    bv_circuit_connect(c, acc, x);
}

void bv_gadget_range_check(bv_circuit *c, bv_target x, size_t n)
{
    bv_target bits[64];
    if (n > 63) {
        bv_circuit_fail(c, BV_ERR_ARG, "range_check: %zu bits (at most 63)", n);
        return;
    }
    bv_gadget_split_le(c, x, n, bits);
}

static bv_err le_sum_fn(bv_witness *w, const bv_target *in, size_t nin, const bv_target *out,
                        size_t nout, const gl_t *params, size_t nparams, bv_status *st)
{
    (void)nout;
    (void)params;
    (void)nparams;
    gl_t acc = 0;
    for (size_t i = nin; i-- > 0;)
        acc = gl_add(gl_double(acc), bv_witness_get(w, in[i]));
    return bv_witness_set(w, out[0], acc, st);
}

bv_target bv_gadget_le_sum(bv_circuit *c, const bv_target *bits, size_t n)
{
    uint32_t L = limbs_per_row(c);
    if (n == 0)
        return bv_circuit_zero(c);
    if (n > 64 || L == 0) {
        bv_circuit_fail(c, BV_ERR_ARG, "le_sum: %zu bits (at most 64)", n);
        return bv_circuit_zero(c);
    }
    int all_const = 1;
    gl_t v = 0;
    for (size_t i = n; i-- > 0 && all_const;) {
        gl_t b;
        all_const = is_const(c, bits[i], &b) && b <= 1;
        v = gl_add(gl_double(v), b);
    }
    if (all_const)
        return bv_circuit_constant(c, v);
    if (n > L) {
        bv_target lo = bv_gadget_le_sum(c, bits, L);
        bv_target hi = bv_gadget_le_sum(c, bits + L, n - L);
        return bv_gadget_mul_const_add(c, gl_pow(2, L), hi, lo);
    }
    /* a BaseSumGate used backwards: the limbs are the given bits (which the
     * gate constrains to be boolean) and a generator computes the sum */
    bv_gate g = bv_gate_base_sum(L, 2);
    uint32_t row = bv_circuit_add_gate_no_generators(c, &g, NULL);
    for (uint32_t i = 0; i < L; i++) {
        bv_target limb = bv_wire(row, bv_base_sum_wire_limb(i));
        if (i < n)
            bv_circuit_connect(c, limb, bits[i]);
        else
            bv_gadget_assert_zero(c, limb);
    }
    bv_target sum = bv_wire(row, BV_BASE_SUM_WIRE_SUM);
    bv_circuit_add_simple_generator(c, "LeSum", le_sum_fn, bits, n, &sum, 1, NULL, 0);
    return sum;
}

static bv_err low_high_fn(bv_witness *w, const bv_target *in, size_t nin, const bv_target *out,
                          size_t nout, const gl_t *params, size_t nparams, bv_status *st)
{
    (void)nin;
    (void)nout;
    (void)nparams;
    uint64_t x = bv_witness_get(w, in[0]);
    uint32_t n = (uint32_t)params[0];
    bv_err e = bv_witness_set(w, out[0], x & ((1ULL << n) - 1), st);
    if (e == BV_OK)
        e = bv_witness_set(w, out[1], x >> n, st);
    return e;
}

void bv_gadget_split_low_high(bv_circuit *c, bv_target x, size_t n_low, size_t n_high,
                              bv_target *low, bv_target *high)
{
    if (n_low < 1 || n_low + n_high > 63) {
        bv_circuit_fail(c, BV_ERR_ARG, "split_low_high: %zu + %zu bits (at most 63, low >= 1)",
                        n_low, n_high);
        *low = *high = bv_circuit_zero(c);
        return;
    }
    bv_target lh[2];
    bv_circuit_add_virtuals(c, lh, 2);
    gl_t p = n_low;
    bv_circuit_add_simple_generator(c, "LowHigh", low_high_fn, &x, 1, lh, 2, &p, 1);
    bv_gadget_range_check(c, lh[0], n_low);
    bv_gadget_range_check(c, lh[1], n_high);
    /* both halves are range checked, so low + 2^n_low * high < 2^63 < p and
     * the decomposition of x is unique */
    bv_circuit_connect(c, bv_gadget_mul_const_add(c, gl_pow(2, n_low), lh[1], lh[0]), x);
    *low = lh[0];
    *high = lh[1];
}

/* ------------------------------------------------------------------------- */
/* Random access                                                             */
/* ------------------------------------------------------------------------- */

static int log2_exact(size_t n)
{
    int k = 0;
    while (((size_t)1 << k) < n)
        k++;
    return ((size_t)1 << k) == n ? k : -1;
}

bv_target bv_gadget_random_access(bv_circuit *c, bv_target index, const bv_target *list, size_t n)
{
    int bits = log2_exact(n);
    if (n == 0 || bits < 0 || bits > 10) {
        bv_circuit_fail(c, BV_ERR_ARG, "random_access: list of %zu (a power of two <= 1024)", n);
        return bv_circuit_zero(c);
    }
    if (n == 1) {
        bv_gadget_assert_zero(c, index);
        return list[0];
    }
    gl_t iv;
    if (is_const(c, index, &iv)) {
        if (iv >= n) {
            bv_circuit_fail(c, BV_ERR_ARG, "random_access: constant index %llu, list of %zu",
                            (unsigned long long)iv, n);
            return bv_circuit_zero(c);
        }
        return list[iv];
    }
    const bv_plonk_config *cfg = bv_circuit_config(c);
    bv_gate g = bv_gate_random_access_for_config((uint32_t)bits, cfg->num_wires,
                                                 cfg->num_routed_wires, cfg->num_constants);
    if (g.params[1] == 0) {
        bv_circuit_fail(c, BV_ERR_ARG, "random_access: a list of %zu does not fit a row", n);
        return bv_circuit_zero(c);
    }
    gl_t zeros[BV_PLONK_MAX_CONSTANTS] = {0};
    uint32_t row, copy;
    bv_circuit_find_slot(c, &g, zeros, &row, &copy);
    bv_circuit_connect(c, bv_wire(row, bv_ra_wire_index((uint32_t)bits, copy)), index);
    for (size_t i = 0; i < n; i++)
        bv_circuit_connect(c, bv_wire(row, bv_ra_wire_list((uint32_t)bits, copy, (uint32_t)i)),
                           list[i]);
    return bv_wire(row, bv_ra_wire_claimed((uint32_t)bits, copy));
}

bv_ext_target bv_gadget_random_access_ext(bv_circuit *c, bv_target index, const bv_ext_target *list,
                                          size_t n)
{
    bv_target tmp[1024] = {{0, 0}};
    bv_ext_target r;
    if (n > 1024) {
        bv_circuit_fail(c, BV_ERR_ARG, "random_access: list of %zu (at most 1024)", n);
        return (bv_ext_target){bv_circuit_zero(c), bv_circuit_zero(c)};
    }
    for (size_t i = 0; i < n; i++)
        tmp[i] = list[i].c0;
    r.c0 = bv_gadget_random_access(c, index, tmp, n);
    for (size_t i = 0; i < n; i++)
        tmp[i] = list[i].c1;
    r.c1 = bv_gadget_random_access(c, index, tmp, n);
    return r;
}

bv_hash_target bv_gadget_random_access_hash(bv_circuit *c, bv_target index,
                                            const bv_hash_target *list, size_t n)
{
    bv_target tmp[1024] = {{0, 0}};
    bv_hash_target r;
    if (n > 1024) {
        bv_circuit_fail(c, BV_ERR_ARG, "random_access: list of %zu (at most 1024)", n);
        for (int k = 0; k < 4; k++)
            r.e[k] = bv_circuit_zero(c);
        return r;
    }
    for (int k = 0; k < 4; k++) {
        for (size_t i = 0; i < n; i++)
            tmp[i] = list[i].e[k];
        r.e[k] = bv_gadget_random_access(c, index, tmp, n);
    }
    return r;
}

bv_ext_target bv_gadget_ext_select(bv_circuit *c, bv_target b, bv_ext_target x, bv_ext_target y)
{
    return (bv_ext_target){bv_gadget_select(c, b, x.c0, y.c0), bv_gadget_select(c, b, x.c1, y.c1)};
}

bv_simple_gen_fn bv_gadget_base_generator(const char *name)
{
    static const struct {
        const char *name;
        bv_simple_gen_fn fn;
    } table[] = {{"IsZero", is_zero_fn},
                 {"WireSplit", wire_split_fn},
                 {"LeSum", le_sum_fn},
                 {"LowHigh", low_high_fn}};
    for (size_t i = 0; name && i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].fn;
    return NULL;
}
