/*
 * test_gadgets_int.c - the integer and bit gadgets (gadgets_int.h) against
 * native arithmetic, and their soundness.
 *
 *  - u64 add, <, <=, == on every pair of edge values (0, 1, 2^32 - 1, 2^32,
 *    2^32 + 1, 2^63, 2^64 - 2, 2^64 - 1, ...) and random pairs; an add whose
 *    sum reaches 2^64 has no witness; u32 < likewise;
 *  - conversions (bits, bytes, SHA words, chunks, bswap, u64 bytes and
 *    words) equal native values and round-trip;
 *  - non-canonical limbs (2^32, p - 1), non-boolean "bits", bytes of 256 are
 *    rejected;
 *  - every cell of a small circuit of each gadget is constrained
 *    (cell_check.h);
 *  - row counts per u64 add and comparison are printed.
 */
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"

#include "balverify/gadgets_int.h"
#include "cell_check.h"
#include "circuit_harness.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const uint64_t edges[] = {0,
                                 1,
                                 2,
                                 0xFFFFFFFFull,
                                 0x100000000ull,
                                 0x100000001ull,
                                 0x1FFFFFFFFull,
                                 0x7FFFFFFFFFFFFFFFull,
                                 0x8000000000000000ull,
                                 0xFFFFFFFF00000000ull,
                                 0xFFFFFFFF00000001ull,
                                 0xFFFFFFFFFFFFFFFEull,
                                 0xFFFFFFFFFFFFFFFFull};
#define NEDGES (sizeof edges / sizeof edges[0])

static bv_u64_target u64_input(harness *h, uint64_t v)
{
    bv_target lo = h_input(h, v & 0xFFFFFFFFu), hi = h_input(h, v >> 32);
    return bv_gadget_u64_from_limbs(h->c, lo, hi);
}

static void set_u64(harness *h, size_t first, uint64_t v)
{
    h->in_v[first] = v & 0xFFFFFFFFu;
    h->in_v[first + 1] = v >> 32;
}

static uint64_t u64_val(harness *h, bv_u64_target x)
{
    return h_val(h, x.lo) | h_val(h, x.hi) << 32;
}

static void build(harness *h)
{
    bv_status st;
    bv_err e = bv_circuit_build(h->c, &h->d, &st);
    if (e != BV_OK)
        printf("\n    build: %s\n", st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
}

static int gen(harness *h)
{
    bv_status st;
    return h_generate(h, &st);
}

/* ------------------------------------------------------------------------- */

static void test_u64_add(void)
{
    harness h;
    h_new(&h);
    bv_u64_target a = u64_input(&h, 0), b = u64_input(&h, 0);
    bv_u64_target s = bv_gadget_u64_add(h.c, a, b);
    build(&h);
    size_t ok = 0, rejected = 0;
    for (size_t t = 0; t < NEDGES * NEDGES + 2000; t++) {
        uint64_t x, y;
        if (t < NEDGES * NEDGES) {
            x = edges[t / NEDGES];
            y = edges[t % NEDGES];
        } else {
            /* random, half of them near the overflow boundary */
            x = rnd();
            y = (t & 1) ? rnd() >> (rnd() % 64) : ~x + (rnd() % 3);
        }
        set_u64(&h, 0, x);
        set_u64(&h, 2, y);
        int r = gen(&h);
        int overflow = x + y < x;
        if (overflow) {
            CU_ASSERT_NOT_EQUAL(r, 0);
            rejected++;
        } else {
            CU_ASSERT_EQUAL(r, 0);
            if (r == 0)
                CU_ASSERT_EQUAL(u64_val(&h, s), x + y);
            ok++;
        }
    }
    printf("\n    %zu sums equal, %zu overflowing sums rejected", ok, rejected);
    CU_ASSERT(rejected > 100 && ok > 100);
    h_free(&h);
}

static void test_u64_compare(void)
{
    harness h;
    h_new(&h);
    bv_u64_target a = u64_input(&h, 0), b = u64_input(&h, 0);
    bv_target lt = bv_gadget_u64_lt(h.c, a, b), le = bv_gadget_u64_le(h.c, a, b);
    bv_target eq = bv_gadget_u64_eq(h.c, a, b);
    bv_target lt32 = bv_gadget_u32_lt(h.c, a.lo, b.lo);
    build(&h);
    for (size_t t = 0; t < NEDGES * NEDGES + 2000; t++) {
        uint64_t x, y;
        if (t < NEDGES * NEDGES) {
            x = edges[t / NEDGES];
            y = edges[t % NEDGES];
        } else {
            x = rnd();
            /* equal limbs often */
            switch (t % 4) {
            case 0:
                y = x;
                break;
            case 1:
                y = (x & 0xFFFFFFFF00000000ull) | (rnd() & 0xFFFFFFFFu);
                break;
            case 2:
                y = (x & 0xFFFFFFFFu) | (rnd() << 32);
                break;
            default:
                y = rnd();
            }
        }
        set_u64(&h, 0, x);
        set_u64(&h, 2, y);
        CU_ASSERT_EQUAL_FATAL(gen(&h), 0);
        CU_ASSERT_EQUAL(h_val(&h, lt), x < y);
        CU_ASSERT_EQUAL(h_val(&h, le), x <= y);
        CU_ASSERT_EQUAL(h_val(&h, eq), x == y);
        CU_ASSERT_EQUAL(h_val(&h, lt32), (x & 0xFFFFFFFFu) < (y & 0xFFFFFFFFu));
    }
    h_free(&h);
}

/* Limbs outside [0, 2^32) have no witness. */
static void test_non_canonical_limbs(void)
{
    harness h;
    h_new(&h);
    bv_u64_target a = u64_input(&h, 0), b = u64_input(&h, 0);
    bv_gadget_u64_add(h.c, a, b);
    bv_gadget_u64_lt(h.c, a, b);
    bv_target v = bv_gadget_u32_virtual(h.c);
    h.in_t[h.nin] = v;
    h.in_v[h.nin++] = 0;
    build(&h);
    CU_ASSERT_EQUAL(gen(&h), 0);
    static const gl_t bad[] = {(gl_t)1 << 32, ((gl_t)1 << 32) + 5, GL_P - 1, (gl_t)1 << 40};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        for (size_t i = 0; i < 5; i++) {
            for (size_t j = 0; j < 5; j++)
                h.in_v[j] = 0;
            h.in_v[i] = bad[k];
            CU_ASSERT_NOT_EQUAL(gen(&h), 0);
        }
    h_free(&h);
}

/* A limb value that is congruent to the right one modulo p but written
 * non-canonically cannot exist in the field; what must be rejected is a
 * prover that forces the sum's limb or the carry: checked by forcing cells
 * of a valid witness. */
static void test_forced_wrap_rejected(void)
{
    harness h;
    h_new(&h);
    bv_u64_target a = u64_input(&h, 0xFFFFFFFFFFFFFFFFull), b = u64_input(&h, 0);
    bv_u64_target s = bv_gadget_u64_add(h.c, a, b);
    build(&h);
    CU_ASSERT_EQUAL_FATAL(gen(&h), 0);
    CU_ASSERT_EQUAL(u64_val(&h, s), 0xFFFFFFFFFFFFFFFFull);
    /* b = 1 would overflow: no generated witness */
    set_u64(&h, 2, 1);
    CU_ASSERT_NOT_EQUAL(gen(&h), 0);
    h_free(&h);
}

static void test_booleans(void)
{
    harness h;
    h_new(&h);
    bv_target a = h_input(&h, 0), b = h_input(&h, 0);
    bv_target n = bv_gadget_checked_not(h.c, a), an = bv_gadget_checked_and(h.c, a, b);
    bv_target o = bv_gadget_checked_or(h.c, a, b), x = bv_gadget_checked_xor(h.c, a, b);
    build(&h);
    for (int v = 0; v < 4; v++) {
        h.in_v[0] = v & 1;
        h.in_v[1] = v >> 1;
        CU_ASSERT_EQUAL_FATAL(gen(&h), 0);
        gl_t va = v & 1, vb = (gl_t)(v >> 1);
        CU_ASSERT_EQUAL(h_val(&h, n), 1 - va);
        CU_ASSERT_EQUAL(h_val(&h, an), va & vb);
        CU_ASSERT_EQUAL(h_val(&h, o), va | vb);
        CU_ASSERT_EQUAL(h_val(&h, x), va ^ vb);
    }
    static const gl_t bad[] = {2, 3, GL_P - 1, 1ull << 32};
    for (size_t k = 0; k < 4; k++)
        for (int i = 0; i < 2; i++) {
            h.in_v[0] = h.in_v[1] = 0;
            h.in_v[i] = bad[k];
            CU_ASSERT_NOT_EQUAL(gen(&h), 0);
        }
    h_free(&h);
}

static uint32_t bswap32(uint32_t x)
{
    return x >> 24 | (x >> 8 & 0xFF00u) | (x << 8 & 0xFF0000u) | x << 24;
}

/* Conversions on random and edge u32 values, with round trips. */
static void test_conversions(void)
{
    harness h;
    h_new(&h);
    bv_target x = h_input(&h, 0);
    bv_target bits[32], bitsbe[32], bytes[4], wbytes[4];
    bv_gadget_u32_to_bits_le(h.c, x, bits);
    bv_gadget_word_to_bits_be(h.c, x, bitsbe);
    bv_gadget_u32_to_bytes_le(h.c, x, bytes);
    bv_gadget_word_to_bytes(h.c, x, wbytes);
    bv_target back_bits = bv_gadget_u32_from_bits_le(h.c, bits);
    bv_target back_be = bv_gadget_word_from_bits_be(h.c, bitsbe);
    bv_target back_bytes = bv_gadget_u32_from_bytes_le(h.c, bytes);
    bv_target back_word = bv_gadget_word_from_bytes(h.c, wbytes);
    bv_target sw = bv_gadget_u32_bswap(h.c, x), sw2 = bv_gadget_u32_bswap(h.c, sw);
    /* u64 and chunk conversions */
    bv_u64_target u = u64_input(&h, 0);
    bv_target ub[8], uw[2], cw[8], cb[32], cw2[8];
    bv_gadget_u64_to_le_bytes(h.c, u, ub);
    bv_u64_target u_from_b = bv_gadget_u64_from_le_bytes(h.c, ub);
    bv_gadget_u64_to_words(h.c, u, uw);
    bv_u64_target u_from_w = bv_gadget_u64_from_words(h.c, uw);
    for (int i = 0; i < 8; i++)
        cw[i] = h_input(&h, 0);
    bv_gadget_chunk_to_bytes(h.c, cw, cb);
    bv_gadget_chunk_from_bytes(h.c, cb, cw2);
    build(&h);
    uint32_t xs[] = {0, 1, 0x80, 0xFF, 0x100, 0x12345678u, 0x80000000u, 0xFFFFFFFFu, 0, 0, 0, 0};
    for (int t = 0; t < 200; t++) {
        uint32_t xv = t < 12 ? xs[t] : (uint32_t)rnd();
        if (t >= 8 && t < 12)
            xv = (uint32_t)rnd();
        uint64_t uv = t < (int)NEDGES ? edges[t] : rnd();
        uint32_t cv[8];
        h.in_v[0] = xv;
        set_u64(&h, 1, uv);
        for (int i = 0; i < 8; i++) {
            cv[i] = (uint32_t)rnd();
            h.in_v[3 + i] = cv[i];
        }
        CU_ASSERT_EQUAL_FATAL(gen(&h), 0);
        for (int i = 0; i < 32; i++) {
            CU_ASSERT_EQUAL(h_val(&h, bits[i]), (xv >> i) & 1);
            CU_ASSERT_EQUAL(h_val(&h, bitsbe[i]), (xv >> (31 - i)) & 1);
        }
        for (int k = 0; k < 4; k++) {
            CU_ASSERT_EQUAL(h_val(&h, bytes[k]), (xv >> (8 * k)) & 0xFF);
            CU_ASSERT_EQUAL(h_val(&h, wbytes[k]), (xv >> (24 - 8 * k)) & 0xFF);
        }
        CU_ASSERT_EQUAL(h_val(&h, back_bits), xv);
        CU_ASSERT_EQUAL(h_val(&h, back_be), xv);
        CU_ASSERT_EQUAL(h_val(&h, back_bytes), xv);
        CU_ASSERT_EQUAL(h_val(&h, back_word), xv);
        CU_ASSERT_EQUAL(h_val(&h, sw), bswap32(xv));
        CU_ASSERT_EQUAL(h_val(&h, sw2), xv);
        uint8_t le[8];
        for (int k = 0; k < 8; k++) {
            le[k] = (uint8_t)(uv >> (8 * k));
            CU_ASSERT_EQUAL(h_val(&h, ub[k]), le[k]);
        }
        CU_ASSERT_EQUAL(u64_val(&h, u_from_b), uv);
        CU_ASSERT_EQUAL(u64_val(&h, u_from_w), uv);
        /* the SHA words of the SSZ bytes 0..7 */
        CU_ASSERT_EQUAL(h_val(&h, uw[0]), (uint32_t)le[0] << 24 | (uint32_t)le[1] << 16 |
                                              (uint32_t)le[2] << 8 | le[3]);
        CU_ASSERT_EQUAL(h_val(&h, uw[1]), (uint32_t)le[4] << 24 | (uint32_t)le[5] << 16 |
                                              (uint32_t)le[6] << 8 | le[7]);
        for (int i = 0; i < 8; i++) {
            CU_ASSERT_EQUAL(h_val(&h, cw2[i]), cv[i]);
            for (int k = 0; k < 4; k++)
                CU_ASSERT_EQUAL(h_val(&h, cb[4 * i + k]), (cv[i] >> (24 - 8 * k)) & 0xFF);
        }
    }
    /* a value of 2^32 or more cannot be split */
    h.in_v[0] = (gl_t)1 << 32;
    CU_ASSERT_NOT_EQUAL(gen(&h), 0);
    h_free(&h);
}

/* Bytes and bits given by the caller: non-bytes and non-bits are rejected. */
static void test_bad_bytes_and_bits(void)
{
    harness h;
    h_new(&h);
    bv_target by[4], bi[32];
    for (int k = 0; k < 4; k++) {
        by[k] = h_input(&h, 0);
        bv_gadget_byte_range(h.c, by[k]);
    }
    for (int i = 0; i < 32; i++)
        bi[i] = h_input(&h, 0);
    bv_target w = bv_gadget_word_from_bytes(h.c, by);
    bv_target x = bv_gadget_u32_from_bits_le(h.c, bi);
    build(&h);
    for (int k = 0; k < 4; k++)
        h.in_v[k] = 0xA0u + (gl_t)k;
    CU_ASSERT_EQUAL_FATAL(gen(&h), 0);
    CU_ASSERT_EQUAL(h_val(&h, w), 0xA0A1A2A3u);
    CU_ASSERT_EQUAL(h_val(&h, x), 0);
    static const gl_t badbyte[] = {256, 257, 0x10000, GL_P - 1};
    for (size_t b = 0; b < 4; b++)
        for (int k = 0; k < 4; k++) {
            for (int j = 0; j < 36; j++)
                h.in_v[j] = 0;
            h.in_v[k] = badbyte[b];
            CU_ASSERT_NOT_EQUAL(gen(&h), 0);
        }
    for (int i = 0; i < 32; i += 7) {
        for (int j = 0; j < 36; j++)
            h.in_v[j] = 0;
        h.in_v[4 + i] = 2;
        CU_ASSERT_NOT_EQUAL(gen(&h), 0);
    }
    h_free(&h);
}

static void test_words_equal_select(void)
{
    harness h;
    h_new(&h);
    bv_target a[8], b[8], s[8];
    for (int i = 0; i < 8; i++)
        a[i] = h_input(&h, 0);
    for (int i = 0; i < 8; i++)
        b[i] = h_input(&h, 0);
    bv_target bit = bv_gadget_bit(h.c, h_input(&h, 0));
    bv_target eq = bv_gadget_words_equal(h.c, a, b, 8);
    bv_gadget_select_words(h.c, bit, a, b, 8, s);
    bv_u64_target ua = {a[0], a[1]}, ub = {b[0], b[1]};
    bv_u64_target us = bv_gadget_u64_select(h.c, bit, ua, ub);
    build(&h);
    for (int t = 0; t < 40; t++) {
        for (int i = 0; i < 8; i++) {
            h.in_v[i] = (uint32_t)rnd();
            h.in_v[8 + i] = t % 2 ? h.in_v[i] : (uint32_t)rnd();
        }
        if (t % 4 == 3) /* one word differs */
            h.in_v[8 + t % 8] ^= 1u << (t % 32);
        h.in_v[16] = (gl_t)(t / 2) & 1;
        CU_ASSERT_EQUAL_FATAL(gen(&h), 0);
        int same = 1;
        for (int i = 0; i < 8; i++)
            same &= h.in_v[i] == h.in_v[8 + i];
        CU_ASSERT_EQUAL(h_val(&h, eq), (gl_t)same);
        for (int i = 0; i < 8; i++)
            CU_ASSERT_EQUAL(h_val(&h, s[i]), h.in_v[16] ? h.in_v[i] : h.in_v[8 + i]);
        CU_ASSERT_EQUAL(h_val(&h, us.lo), h.in_v[16] ? h.in_v[0] : h.in_v[8]);
        CU_ASSERT_EQUAL(h_val(&h, us.hi), h.in_v[16] ? h.in_v[1] : h.in_v[9]);
    }
    h.in_v[16] = 2;
    CU_ASSERT_NOT_EQUAL(gen(&h), 0);
    h_free(&h);
}

/* Constant operands (epochs such as FAR_FUTURE, thresholds) mix with
 * variable ones; an overflowing constant addend is still rejected. */
static void test_constant_operands(void)
{
    harness h;
    h_new(&h);
    bv_u64_target a = u64_input(&h, 0);
    bv_u64_target far = bv_gadget_u64_constant(h.c, 0xFFFFFFFFFFFFFFFFull);
    bv_u64_target k = bv_gadget_u64_constant(h.c, 0x100000000ull);
    bv_u64_target s = bv_gadget_u64_add(h.c, a, k);
    bv_target lt_far = bv_gadget_u64_lt(h.c, a, far), le_k = bv_gadget_u64_le(h.c, k, a);
    bv_target eq_far = bv_gadget_u64_eq(h.c, a, far);
    bv_target cc = bv_gadget_u64_lt(h.c, k, far);
    build(&h);
    for (size_t t = 0; t < NEDGES; t++) {
        uint64_t x = edges[t];
        set_u64(&h, 0, x);
        int r = gen(&h);
        if (x + 0x100000000ull < x) {
            CU_ASSERT_NOT_EQUAL(r, 0);
            continue;
        }
        CU_ASSERT_EQUAL_FATAL(r, 0);
        CU_ASSERT_EQUAL(u64_val(&h, s), x + 0x100000000ull);
        CU_ASSERT_EQUAL(h_val(&h, lt_far), x != 0xFFFFFFFFFFFFFFFFull);
        CU_ASSERT_EQUAL(h_val(&h, eq_far), x == 0xFFFFFFFFFFFFFFFFull);
        CU_ASSERT_EQUAL(h_val(&h, le_k), 0x100000000ull <= x);
        CU_ASSERT_EQUAL(h_val(&h, cc), 1);
    }
    h_free(&h);
}

/* ------------------------------------------------------------------------- */
/* Every cell constrained, one small circuit per gadget                      */
/* ------------------------------------------------------------------------- */

typedef void (*small_fn)(harness *h);

/* Outputs become public inputs, so the public-input hashing reads them. */
static void pub(harness *h, bv_target t)
{
    bv_circuit_register_public_input(h->c, t);
}
static void pub_u64(harness *h, bv_u64_target x)
{
    pub(h, x.lo);
    pub(h, x.hi);
}

static void small_add(harness *h)
{
    pub_u64(h, bv_gadget_u64_add(h->c, u64_input(h, 0x00000001FFFFFFFFull),
                                 u64_input(h, 0x0000000300000005ull)));
}
static void small_lt(harness *h)
{
    pub(h, bv_gadget_u64_lt(h->c, u64_input(h, 0x0000000700000009ull),
                            u64_input(h, 0x0000000500000003ull)));
}
static void small_le(harness *h)
{
    pub(h, bv_gadget_u64_le(h->c, u64_input(h, 0x0000000400000009ull),
                            u64_input(h, 0x0000000500000003ull)));
}
static void small_eq(harness *h)
{
    pub(h, bv_gadget_u64_eq(h->c, u64_input(h, 0x0000000400000009ull),
                            u64_input(h, 0x0000000400000003ull)));
}
static void small_u32_lt(harness *h)
{
    bv_target a = bv_gadget_u32_virtual(h->c), b = bv_gadget_u32_virtual(h->c);
    h->in_t[h->nin] = a;
    h->in_v[h->nin++] = 0x1234;
    h->in_t[h->nin] = b;
    h->in_v[h->nin++] = 0x9876;
    pub(h, bv_gadget_u32_lt(h->c, a, b));
}
static void small_bswap(harness *h)
{
    pub(h, bv_gadget_u32_bswap(h->c, h_input(h, 0x8badf00du)));
}
static void small_bytes(harness *h)
{
    bv_target by[4];
    bv_gadget_u32_to_bytes_le(h->c, h_input(h, 0x8badf00du), by);
    pub(h, bv_gadget_word_from_bytes(h->c, by));
}
static void small_byte_range(harness *h)
{
    bv_gadget_byte_range(h->c, h_input(h, 0xA7));
}
static void small_bits(harness *h)
{
    bv_target b[32];
    bv_gadget_word_to_bits_be(h->c, h_input(h, 0xC0FFEE11u), b);
    pub(h, bv_gadget_u32_from_bits_le(h->c, b));
}
static void small_bool(harness *h)
{
    bv_target a = h_input(h, 1), b = h_input(h, 0);
    pub(h, bv_gadget_checked_xor(h->c, a, bv_gadget_checked_or(h->c, a, b)));
    pub(h, bv_gadget_checked_and(h->c, a, bv_gadget_checked_not(h->c, b)));
}
static void small_words_eq(harness *h)
{
    bv_target a[8], b[8];
    for (int i = 0; i < 8; i++) {
        a[i] = h_input(h, 100 + (gl_t)i);
        b[i] = h_input(h, 100 + (gl_t)i + (i == 5));
    }
    bv_target e = bv_gadget_words_equal(h->c, a, b, 8), s[8];
    bv_gadget_select_words(h->c, e, a, b, 8, s);
    pub(h, e);
    bv_circuit_register_public_inputs(h->c, s, 8);
}

static void test_every_cell_is_constrained(void)
{
    static const struct {
        const char *name;
        small_fn fn;
    } cases[] = {{"u64_add", small_add},         {"u64_lt", small_lt},
                 {"u64_le", small_le},           {"u64_eq", small_eq},
                 {"u32_lt", small_u32_lt},       {"u32_bswap", small_bswap},
                 {"bytes", small_bytes},         {"byte_range", small_byte_range},
                 {"bits", small_bits},           {"checked booleans", small_bool},
                 {"words_equal", small_words_eq}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        harness h;
        h_new(&h);
        cases[k].fn(&h);
        build(&h);
        CU_ASSERT_EQUAL_FATAL(gen(&h), 0);
        cell_check_result r = cell_check_all(&h, cases[k].name);
        CU_ASSERT(r.checked > 100);
        CU_ASSERT_EQUAL(r.uncaught, 0);
        h_free(&h);
    }
    printf("\n");
}

/* ------------------------------------------------------------------------- */
/* Rows                                                                      */
/* ------------------------------------------------------------------------- */

static void test_rows(void)
{
    static const char *names[] = {"u64_add", "u64_lt", "u64_eq", "u64 leaf words (2 bswap32)"};
    for (int k = 0; k < 4; k++) {
        for (int reps = 1; reps <= 100; reps *= 100) {
            bv_plonk_config cfg = bv_plonk_config_standard();
            bv_circuit *c = bv_circuit_new(&cfg);
            bv_u64_target a = bv_gadget_u64_virtual(c), b = bv_gadget_u64_virtual(c);
            bv_target w[2];
            uint32_t before = bv_circuit_num_rows(c);
            for (int i = 0; i < reps; i++) {
                switch (k) {
                case 0:
                    bv_gadget_u64_add(c, a, b);
                    break;
                case 1:
                    bv_gadget_u64_lt(c, a, b);
                    break;
                case 2:
                    bv_gadget_u64_eq(c, a, b);
                    break;
                default:
                    bv_gadget_u64_to_words(c, a, w);
                }
            }
            uint32_t rows = bv_circuit_num_rows(c) - before;
            printf("\n    rows per %s: %.2f (%d in a circuit, %u rows)", names[k],
                   (double)rows / reps, reps, rows);
            CU_ASSERT(rows > 0);
            bv_circuit_free(c);
        }
    }
    printf("\n");
}

static void register_suites(void)
{
    bv_cu_add_suite("gadgets_int");
    bv_cu_add_test("u64 add: edges, random, overflow rejected", test_u64_add);
    bv_cu_add_test("u64 < <= ==, u32 <", test_u64_compare);
    bv_cu_add_test("non-canonical limbs rejected", test_non_canonical_limbs);
    bv_cu_add_test("overflowing add has no witness", test_forced_wrap_rejected);
    bv_cu_add_test("constant operands", test_constant_operands);
    bv_cu_add_test("checked booleans", test_booleans);
    bv_cu_add_test("conversions round-trip", test_conversions);
    bv_cu_add_test("bad bytes and bits rejected", test_bad_bytes_and_bits);
    bv_cu_add_test("256-bit equality and select", test_words_equal_select);
    bv_cu_add_test("every cell constrained", test_every_cell_is_constrained);
    bv_cu_add_test("rows", test_rows);
}

BV_CU_MAIN(register_suites)
