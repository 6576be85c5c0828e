/*
 * int.c - integer and bit gadgets (include/balverify/gadgets_int.h).
 *
 * Range checks of 32-bit values are Sha256Sched word slots
 * (bv_gadget_u32_range, three per row); bit decompositions are BaseSum rows
 * (bv_gadget_split_le / bv_gadget_le_sum). Carries and borrows are hints
 * from a generator, constrained afterwards:
 *
 *  u64 add:  c = hint, c in {0,1}
 *            r_lo = a_lo + b_lo - 2^32 c,  r_lo < 2^32
 *            r_hi = a_hi + b_hi + c,       r_hi < 2^32
 *    a_lo + b_lo < 2^33, so r_lo < 2^32 and c in {0, 1} fix c as the carry;
 *    r_hi < 2^32 then says exactly that the sum is below 2^64. No value in
 *    these identities comes near p, so they hold over the integers.
 *
 *  u64 a < b:  l = borrow of the low limbs, t = borrow of the whole
 *            r_lo = a_lo - b_lo + 2^32 l,      r_lo < 2^32, l in {0,1}
 *            r_hi = a_hi - b_hi - l + 2^32 t,  r_hi < 2^32, t in {0,1}
 *    a_lo - b_lo lies in (-2^32, 2^32) and a_hi - b_hi - l in
 *    [-2^32, 2^32): in both lines exactly one bit value gives a result in
 *    [0, 2^32), and t = 1 exactly when a - b < 0.
 *
 *  u32 a < b:  the first line alone, l = (a < b).
 */
#include <string.h>

#include "balverify/gadgets_int.h"

#include "balverify/gadgets_sha256.h"

#define TWO32 ((gl_t)1 << 32)

static int is_const(bv_circuit *c, bv_target t, gl_t *v)
{
    return bv_circuit_target_as_constant(c, t, v);
}

/* x < 2^32: folded for constants, else one Sha256Sched slot. */
static void range32(bv_circuit *c, bv_target x)
{
    gl_t v;
    if (is_const(c, x, &v)) {
        if (v >= TWO32)
            bv_circuit_fail(c, BV_ERR_ARG, "u32 range: constant %llu exceeds 2^32 - 1",
                            (unsigned long long)v);
        return;
    }
    bv_gadget_u32_range(c, x);
}

/* ------------------------------------------------------------------------- */
/* Checked booleans                                                          */
/* ------------------------------------------------------------------------- */

bv_target bv_gadget_bit(bv_circuit *c, bv_target x)
{
    bv_gadget_assert_bool(c, x);
    return x;
}

bv_target bv_gadget_checked_not(bv_circuit *c, bv_target a)
{
    return bv_gadget_not(c, bv_gadget_bit(c, a));
}

bv_target bv_gadget_checked_and(bv_circuit *c, bv_target a, bv_target b)
{
    return bv_gadget_and(c, bv_gadget_bit(c, a), bv_gadget_bit(c, b));
}

bv_target bv_gadget_checked_or(bv_circuit *c, bv_target a, bv_target b)
{
    return bv_gadget_or(c, bv_gadget_bit(c, a), bv_gadget_bit(c, b));
}

bv_target bv_gadget_checked_xor(bv_circuit *c, bv_target a, bv_target b)
{
    /* a + b - 2ab */
    bv_gadget_bit(c, a);
    bv_gadget_bit(c, b);
    return bv_gadget_arith(c, gl_neg(2), a, b, 1, bv_gadget_add(c, a, b));
}

/* ------------------------------------------------------------------------- */
/* u32, bytes, bits, words                                                   */
/* ------------------------------------------------------------------------- */

bv_target bv_gadget_u32_virtual(bv_circuit *c)
{
    bv_target t = bv_circuit_add_virtual(c);
    bv_gadget_u32_range(c, t);
    return t;
}

void bv_gadget_byte_range(bv_circuit *c, bv_target b)
{
    gl_t v;
    if (is_const(c, b, &v)) {
        if (v >= 256)
            bv_circuit_fail(c, BV_ERR_ARG, "byte range: constant %llu exceeds 255",
                            (unsigned long long)v);
        return;
    }
    /* b < 2^32 and 2^24 b < 2^32: no wrap (2^24 b < 2^56 < p), so b < 2^8 */
    bv_gadget_u32_range(c, b);
    bv_gadget_u32_range(c, bv_gadget_mul_const(c, (gl_t)1 << 24, b));
}

/* Hint generator: out[k] = in[2k] < in[2k+1] (params[0] = 0) for u32
 * values, or the borrow / carry of the u64 operations (params[0] = 1: the
 * low-limb borrow and the whole borrow of (a_lo, a_hi) - (b_lo, b_hi);
 * params[0] = 2: the low-limb carry of a_lo + b_lo). */
static bv_err int_hint_fn(bv_witness *w, const bv_target *in, size_t nin, const bv_target *out,
                          size_t nout, const gl_t *params, size_t nparams, bv_status *st)
{
    (void)nin;
    (void)nout;
    (void)nparams;
    gl_t v[4];
    for (size_t i = 0; i < nin && i < 4; i++)
        v[i] = bv_witness_get(w, in[i]);
    switch (params[0]) {
    case 0:
        return bv_witness_set(w, out[0], v[0] < v[1], st);
    case 1: {
        uint64_t a = v[0] | v[1] << 32, b = v[2] | v[3] << 32;
        bv_err e = bv_witness_set(w, out[0], v[0] < v[2], st);
        return e != BV_OK ? e : bv_witness_set(w, out[1], a < b, st);
    }
    default:
        return bv_witness_set(w, out[0], (v[0] + v[1]) >> 32, st);
    }
}

bv_target bv_gadget_u32_lt(bv_circuit *c, bv_target a, bv_target b)
{
    bv_target in[2] = {a, b};
    bv_target l = bv_circuit_add_virtual(c);
    gl_t kind = 0;
    bv_circuit_add_simple_generator(c, "U32Lt", int_hint_fn, in, 2, &l, 1, &kind, 1);
    bv_gadget_assert_bool(c, l);
    range32(c, bv_gadget_mul_const_add(c, TWO32, l, bv_gadget_sub(c, a, b)));
    return l;
}

void bv_gadget_u32_to_bits_le(bv_circuit *c, bv_target x, bv_target bits[32])
{
    bv_gadget_split_le(c, x, 32, bits);
}

bv_target bv_gadget_u32_from_bits_le(bv_circuit *c, const bv_target bits[32])
{
    return bv_gadget_le_sum(c, bits, 32);
}

void bv_gadget_word_to_bits_be(bv_circuit *c, bv_target w, bv_target bits[32])
{
    bv_target le[32];
    bv_gadget_split_le(c, w, 32, le);
    for (int i = 0; i < 32; i++)
        bits[i] = le[31 - i];
}

bv_target bv_gadget_word_from_bits_be(bv_circuit *c, const bv_target bits[32])
{
    bv_target le[32];
    for (int i = 0; i < 32; i++)
        le[i] = bits[31 - i];
    return bv_gadget_le_sum(c, le, 32);
}

/* sum_i b[i] 2^i for i < n by Horner (n - 1 ops). */
static bv_target horner_bits(bv_circuit *c, const bv_target *b, int n, gl_t base)
{
    bv_target acc = b[n - 1];
    for (int i = n - 2; i >= 0; i--)
        acc = bv_gadget_mul_const_add(c, base, acc, b[i]);
    return acc;
}

void bv_gadget_u32_to_bytes_le(bv_circuit *c, bv_target x, bv_target bytes[4])
{
    bv_target le[32];
    bv_gadget_split_le(c, x, 32, le);
    for (int k = 0; k < 4; k++)
        bytes[k] = horner_bits(c, le + 8 * k, 8, 2);
}

bv_target bv_gadget_u32_from_bytes_le(bv_circuit *c, const bv_target bytes[4])
{
    return horner_bits(c, bytes, 4, 256);
}

bv_target bv_gadget_word_from_bytes(bv_circuit *c, const bv_target bytes[4])
{
    bv_target le[4] = {bytes[3], bytes[2], bytes[1], bytes[0]};
    return horner_bits(c, le, 4, 256);
}

void bv_gadget_word_to_bytes(bv_circuit *c, bv_target w, bv_target bytes[4])
{
    bv_target le[4];
    bv_gadget_u32_to_bytes_le(c, w, le);
    for (int k = 0; k < 4; k++)
        bytes[k] = le[3 - k];
}

bv_target bv_gadget_u32_bswap(bv_circuit *c, bv_target x)
{
    bv_target le[32], sw[32];
    bv_gadget_split_le(c, x, 32, le);
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 8; i++)
            sw[8 * k + i] = le[8 * (3 - k) + i];
    return bv_gadget_le_sum(c, sw, 32);
}

void bv_gadget_chunk_from_bytes(bv_circuit *c, const bv_target bytes[32], bv_target words[8])
{
    for (int j = 0; j < 8; j++)
        words[j] = bv_gadget_word_from_bytes(c, bytes + 4 * j);
}

void bv_gadget_chunk_to_bytes(bv_circuit *c, const bv_target words[8], bv_target bytes[32])
{
    for (int j = 0; j < 8; j++)
        bv_gadget_word_to_bytes(c, words[j], bytes + 4 * j);
}

/* ------------------------------------------------------------------------- */
/* Word arrays                                                               */
/* ------------------------------------------------------------------------- */

bv_target bv_gadget_words_equal(bv_circuit *c, const bv_target *a, const bv_target *b, size_t n)
{
    bv_target acc = bv_circuit_one(c);
    for (size_t i = 0; i < n; i++)
        acc = bv_gadget_and(c, acc, bv_gadget_is_equal(c, a[i], b[i]));
    return acc;
}

void bv_gadget_connect_words(bv_circuit *c, const bv_target *a, const bv_target *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bv_circuit_connect(c, a[i], b[i]);
}

void bv_gadget_select_words(bv_circuit *c, bv_target bit, const bv_target *x, const bv_target *y,
                            size_t n, bv_target *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = bv_gadget_select(c, bit, x[i], y[i]);
}

/* ------------------------------------------------------------------------- */
/* u64                                                                       */
/* ------------------------------------------------------------------------- */

bv_u64_target bv_gadget_u64_virtual(bv_circuit *c)
{
    bv_u64_target x;
    x.lo = bv_gadget_u32_virtual(c);
    x.hi = bv_gadget_u32_virtual(c);
    return x;
}

bv_u64_target bv_gadget_u64_from_limbs(bv_circuit *c, bv_target lo, bv_target hi)
{
    range32(c, lo);
    range32(c, hi);
    bv_u64_target x = {lo, hi};
    return x;
}

bv_u64_target bv_gadget_u64_constant(bv_circuit *c, uint64_t v)
{
    bv_u64_target x;
    x.lo = bv_circuit_constant(c, v & 0xFFFFFFFFu);
    x.hi = bv_circuit_constant(c, v >> 32);
    return x;
}

void bv_u64_target_values(bv_u64_target x, uint64_t v, bv_target t[2], gl_t val[2])
{
    t[0] = x.lo;
    t[1] = x.hi;
    val[0] = v & 0xFFFFFFFFu;
    val[1] = v >> 32;
}

bv_u64_target bv_gadget_u64_add(bv_circuit *c, bv_u64_target a, bv_u64_target b)
{
    bv_target in[2] = {a.lo, b.lo};
    bv_target carry = bv_circuit_add_virtual(c);
    gl_t kind = 2;
    bv_circuit_add_simple_generator(c, "U64AddCarry", int_hint_fn, in, 2, &carry, 1, &kind, 1);
    bv_gadget_assert_bool(c, carry);
    bv_u64_target r;
    r.lo = bv_gadget_mul_const_add(c, gl_neg(TWO32), carry, bv_gadget_add(c, a.lo, b.lo));
    r.hi = bv_gadget_add(c, bv_gadget_add(c, a.hi, b.hi), carry);
    range32(c, r.lo);
    range32(c, r.hi);
    return r;
}

bv_target bv_gadget_u64_lt(bv_circuit *c, bv_u64_target a, bv_u64_target b)
{
    bv_target in[4] = {a.lo, a.hi, b.lo, b.hi};
    bv_target br[2];
    bv_circuit_add_virtuals(c, br, 2);
    gl_t kind = 1;
    bv_circuit_add_simple_generator(c, "U64Lt", int_hint_fn, in, 4, br, 2, &kind, 1);
    bv_gadget_assert_bool(c, br[0]);
    bv_gadget_assert_bool(c, br[1]);
    range32(c, bv_gadget_mul_const_add(c, TWO32, br[0], bv_gadget_sub(c, a.lo, b.lo)));
    bv_target d = bv_gadget_sub(c, bv_gadget_sub(c, a.hi, b.hi), br[0]);
    range32(c, bv_gadget_mul_const_add(c, TWO32, br[1], d));
    return br[1];
}

bv_target bv_gadget_u64_le(bv_circuit *c, bv_u64_target a, bv_u64_target b)
{
    return bv_gadget_not(c, bv_gadget_u64_lt(c, b, a));
}

bv_target bv_gadget_u64_eq(bv_circuit *c, bv_u64_target a, bv_u64_target b)
{
    return bv_gadget_and(c, bv_gadget_is_equal(c, a.lo, b.lo), bv_gadget_is_equal(c, a.hi, b.hi));
}

bv_u64_target bv_gadget_u64_select(bv_circuit *c, bv_target bit, bv_u64_target x, bv_u64_target y)
{
    bv_u64_target r;
    r.lo = bv_gadget_select(c, bit, x.lo, y.lo);
    r.hi = bv_gadget_select(c, bit, x.hi, y.hi);
    return r;
}

void bv_gadget_u64_connect(bv_circuit *c, bv_u64_target a, bv_u64_target b)
{
    bv_circuit_connect(c, a.lo, b.lo);
    bv_circuit_connect(c, a.hi, b.hi);
}

void bv_gadget_u64_to_le_bytes(bv_circuit *c, bv_u64_target x, bv_target bytes[8])
{
    bv_gadget_u32_to_bytes_le(c, x.lo, bytes);
    bv_gadget_u32_to_bytes_le(c, x.hi, bytes + 4);
}

bv_u64_target bv_gadget_u64_from_le_bytes(bv_circuit *c, const bv_target bytes[8])
{
    bv_u64_target x;
    x.lo = bv_gadget_u32_from_bytes_le(c, bytes);
    x.hi = bv_gadget_u32_from_bytes_le(c, bytes + 4);
    return x;
}

void bv_gadget_u64_to_words(bv_circuit *c, bv_u64_target x, bv_target w[2])
{
    w[0] = bv_gadget_u32_bswap(c, x.lo);
    w[1] = bv_gadget_u32_bswap(c, x.hi);
}

bv_u64_target bv_gadget_u64_from_words(bv_circuit *c, const bv_target w[2])
{
    bv_u64_target x;
    x.lo = bv_gadget_u32_bswap(c, w[0]);
    x.hi = bv_gadget_u32_bswap(c, w[1]);
    return x;
}

bv_simple_gen_fn bv_gadget_int_generator(const char *name)
{
    static const char *const names[] = {"U32Lt", "U64AddCarry", "U64Lt"};
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i], name) == 0)
            return int_hint_fn;
    return NULL;
}
