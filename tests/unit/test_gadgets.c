/*
 * test_gadgets.c - circuit gadgets built with the real builder and witness:
 * every result is compared with a native computation, every row's
 * constraints must hold, wrong inputs must make witness generation or the
 * constraint check fail, and a circuit using every gadget is proved and
 * verified end to end (TEST config).
 */
#include <string.h>

#include "circuit_harness.h"
#include "cu_main.h"

#include "balverify/challenger.h"
#include "balverify/circuit.h"
#include "balverify/gadgets.h"
#include "balverify/poseidon.h"
#include "balverify/prover.h"
#include "balverify/verifier.h"
#include "balverify/witness.h"

static uint64_t rng = 0x243F6A8885A308D3ULL;
static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static gl_t rnd_gl(void)
{
    return gl_from_u64(rnd());
}
static gl_ext rnd_ext(void)
{
    return gl_ext_make(rnd_gl(), rnd_gl());
}

/* ------------------------------------------------------------------------- */
/* Harness                                                                   */
/* ------------------------------------------------------------------------- */

static int h_build(harness *h)
{
    bv_status st;
    bv_err e = bv_circuit_build(h->c, &h->d, &st);
    if (e != BV_OK) {
        printf("\n    build failed: %s", st.msg);
        return -1;
    }
    return 0;
}

/* Builds, generates and checks; fatal on failure. */
static void h_ok(harness *h)
{
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(h_build(h), 0);
    int r = h_generate(h, &st);
    if (r != 0)
        printf("\n    witness/constraints: %s", st.msg);
    CU_ASSERT_EQUAL_FATAL(r, 0);
}

/* Rows of a given gate kind in the builder. */
static uint32_t rows_of(bv_circuit *c, const char *kind)
{
    uint32_t n = 0;
    for (uint32_t r = 0; r < bv_circuit_num_rows(c); r++)
        if (strcmp(bv_circuit_row_gate(c, r)->ops->kind, kind) == 0)
            n++;
    return n;
}

/* ------------------------------------------------------------------------- */
/* Base arithmetic                                                           */
/* ------------------------------------------------------------------------- */

static void test_arithmetic(void)
{
    harness h;
    h_new(&h);
    gl_t xv = rnd_gl(), yv = rnd_gl(), zv = rnd_gl(), k = rnd_gl();
    bv_target x = h_input(&h, xv), y = h_input(&h, yv), z = h_input(&h, zv);
    bv_circuit *c = h.c;
    struct {
        bv_target t;
        gl_t want;
    } r[] = {
        {bv_gadget_add(c, x, y), gl_add(xv, yv)},
        {bv_gadget_sub(c, x, y), gl_sub(xv, yv)},
        {bv_gadget_mul(c, x, y), gl_mul(xv, yv)},
        {bv_gadget_mul_add(c, x, y, z), gl_add(gl_mul(xv, yv), zv)},
        {bv_gadget_mul_sub(c, x, y, z), gl_sub(gl_mul(xv, yv), zv)},
        {bv_gadget_mul_const(c, k, x), gl_mul(k, xv)},
        {bv_gadget_add_const(c, x, k), gl_add(xv, k)},
        {bv_gadget_mul_const_add(c, k, x, y), gl_add(gl_mul(k, xv), yv)},
        {bv_gadget_neg(c, x), gl_neg(xv)},
        {bv_gadget_square(c, z), gl_sqr(zv)},
        {bv_gadget_arith(c, 5, x, y, 9, z), gl_add(gl_mul(5, gl_mul(xv, yv)), gl_mul(9, zv))},
        {bv_gadget_sum(c, (bv_target[]){x, y, z}, 3), gl_add(gl_add(xv, yv), zv)},
        {bv_gadget_product(c, (bv_target[]){x, y, z}, 3), gl_mul(gl_mul(xv, yv), zv)},
        {bv_gadget_inverse(c, x), gl_inv(xv)},
        {bv_gadget_div(c, y, x), gl_mul(yv, gl_inv(xv))},
        {bv_gadget_exp_u64(c, x, 0), 1},
        {bv_gadget_exp_u64(c, x, 1), xv},
        {bv_gadget_exp_u64(c, x, 12345), gl_pow(xv, 12345)},
        {bv_gadget_exp_u64(c, x, GL_P - 2), gl_inv(xv)},
        {bv_gadget_sum(c, NULL, 0), 0},
        {bv_gadget_product(c, NULL, 0), 1},
    };
    size_t n = sizeof r / sizeof r[0];
    h_ok(&h);
    for (size_t i = 0; i < n; i++) {
        gl_t got = h_val(&h, r[i].t);
        if (got != r[i].want)
            printf("\n    result %zu: got %llu want %llu", i, (unsigned long long)got,
                   (unsigned long long)r[i].want);
        CU_ASSERT_EQUAL(got, r[i].want);
    }
    h_free(&h);
}

static void test_packing_and_folding(void)
{
    harness h;
    h_new(&h);
    bv_circuit *c = h.c;
    bv_target x = h_input(&h, 3);
    /* operations on constants only are folded: no rows */
    bv_target k = bv_gadget_add(c, bv_gadget_constant(c, 2), bv_gadget_constant(c, 5));
    k = bv_gadget_mul(c, k, bv_gadget_constant(c, 6));
    gl_t kv = 0;
    CU_ASSERT_TRUE(bv_circuit_target_as_constant(c, k, &kv));
    CU_ASSERT_EQUAL(kv, 42);
    CU_ASSERT_EQUAL(bv_circuit_num_rows(c), 0);
    /* identities cost nothing */
    CU_ASSERT_TRUE(bv_target_eq(bv_gadget_mul(c, x, bv_gadget_one(c)), x));
    CU_ASSERT_TRUE(bv_target_eq(bv_gadget_add(c, x, bv_gadget_zero(c)), x));
    CU_ASSERT_TRUE(bv_target_eq(bv_gadget_mul_const(c, 1, x), x));
    bv_target cbits[3] = {bv_gadget_one(c), bv_gadget_zero(c), bv_gadget_one(c)};
    CU_ASSERT_TRUE(bv_circuit_target_as_constant(c, bv_gadget_le_sum(c, cbits, 3), &kv));
    CU_ASSERT_EQUAL(kv, 5);
    bv_target l4[4] = {x, k, x, bv_gadget_one(c)};
    CU_ASSERT_TRUE(bv_target_eq(bv_gadget_random_access(c, bv_gadget_constant(c, 1), l4, 4), k));
    CU_ASSERT_EQUAL(bv_circuit_num_rows(c), 0);
    /* 20 additions share one ArithmeticGate row, the 21st opens another;
     * products (other constants) get their own row */
    bv_target acc = x;
    for (int i = 0; i < 21; i++)
        acc = bv_gadget_add(c, acc, x);
    CU_ASSERT_EQUAL(rows_of(c, "Arithmetic"), 2);
    bv_target p = bv_gadget_mul(c, acc, x);
    CU_ASSERT_EQUAL(rows_of(c, "Arithmetic"), 3);
    for (int i = 0; i < 19; i++)
        acc = bv_gadget_add(c, acc, p);
    CU_ASSERT_EQUAL(rows_of(c, "Arithmetic"), 3);
    h_ok(&h);
    CU_ASSERT_EQUAL(h_val(&h, acc), gl_add(66, gl_mul(19, 66 * 3)));
    h_free(&h);
}

static void test_inverse_of_zero_fails(void)
{
    harness h;
    h_new(&h);
    bv_target x = h_input(&h, 0);
    bv_gadget_inverse(h.c, x);
    CU_ASSERT_EQUAL_FATAL(h_build(&h), 0);
    bv_status st;
    CU_ASSERT_NOT_EQUAL(h_generate(&h, &st), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "inverse of zero"));
    h_free(&h);
    /* a constant zero is caught at build time */
    h_new(&h);
    bv_gadget_inverse(h.c, bv_gadget_zero(h.c));
    bv_circuit_data *d = NULL;
    CU_ASSERT_NOT_EQUAL(bv_circuit_build(h.c, &d, &st), BV_OK);
    h_free(&h);
}

/* ------------------------------------------------------------------------- */
/* Booleans and selection                                                    */
/* ------------------------------------------------------------------------- */

static void test_booleans_and_select(void)
{
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            harness h;
            h_new(&h);
            bv_circuit *c = h.c;
            gl_t xv = rnd_gl(), yv = rnd_gl();
            bv_target ta = h_input(&h, a), tb = h_input(&h, b);
            bv_gadget_assert_bool(c, ta);
            bv_gadget_assert_bool(c, tb);
            bv_target x = h_input(&h, xv), y = h_input(&h, yv);
            bv_target nt = bv_gadget_not(c, ta), an = bv_gadget_and(c, ta, tb),
                      orr = bv_gadget_or(c, ta, tb), sel = bv_gadget_select(c, ta, x, y);
            bv_target sx, sy;
            bv_gadget_cond_swap(c, tb, x, y, &sx, &sy);
            bv_ext_target ex = {x, y}, ey = {y, x};
            bv_ext_target esel = bv_gadget_ext_select(c, tb, ex, ey);
            h_ok(&h);
            CU_ASSERT_EQUAL(h_val(&h, nt), (gl_t)!a);
            CU_ASSERT_EQUAL(h_val(&h, an), (gl_t)(a & b));
            CU_ASSERT_EQUAL(h_val(&h, orr), (gl_t)(a | b));
            CU_ASSERT_EQUAL(h_val(&h, sel), a ? xv : yv);
            CU_ASSERT_EQUAL(h_val(&h, sx), b ? yv : xv);
            CU_ASSERT_EQUAL(h_val(&h, sy), b ? xv : yv);
            CU_ASSERT_EQUAL(h_val(&h, esel.c0), b ? xv : yv);
            CU_ASSERT_EQUAL(h_val(&h, esel.c1), b ? yv : xv);
            h_free(&h);
        }
    /* a non-boolean value is rejected */
    harness h;
    h_new(&h);
    bv_target t = h_input(&h, 2);
    bv_gadget_assert_bool(h.c, t);
    CU_ASSERT_EQUAL_FATAL(h_build(&h), 0);
    bv_status st;
    CU_ASSERT_NOT_EQUAL(h_generate(&h, &st), 0);
    h_free(&h);
    h_new(&h);
    bv_target vb = bv_gadget_add_virtual_bool(h.c);
    h.in_t[h.nin] = vb;
    h.in_v[h.nin++] = 5;
    CU_ASSERT_EQUAL_FATAL(h_build(&h), 0);
    CU_ASSERT_NOT_EQUAL(h_generate(&h, &st), 0);
    h.in_v[0] = 1;
    CU_ASSERT_EQUAL(h_generate(&h, &st), 0);
    h_free(&h);
}

static void test_is_equal(void)
{
    harness h;
    h_new(&h);
    bv_circuit *c = h.c;
    gl_t xv = rnd_gl();
    bv_target x = h_input(&h, xv), x2 = h_input(&h, xv), y = h_input(&h, gl_add(xv, 1));
    bv_target e1 = bv_gadget_is_equal(c, x, x2), e2 = bv_gadget_is_equal(c, x, y);
    bv_target z1 = bv_gadget_is_zero(c, bv_gadget_sub(c, x, x2)), z2 = bv_gadget_is_zero(c, y);
    bv_target k = bv_gadget_is_equal(c, bv_gadget_constant(c, 4), bv_gadget_constant(c, 4));
    h_ok(&h);
    CU_ASSERT_EQUAL(h_val(&h, e1), 1);
    CU_ASSERT_EQUAL(h_val(&h, e2), 0);
    CU_ASSERT_EQUAL(h_val(&h, z1), 1);
    CU_ASSERT_EQUAL(h_val(&h, z2), 0);
    CU_ASSERT_EQUAL(h_val(&h, k), 1);
    h_free(&h);
}

/* A prover claiming is_zero(x) = 1 for x != 0, with every gate constraint
 * kept satisfied by hand, still breaks the copy constraint x*eq = 0: the
 * proof must not verify. */
static void test_is_zero_soundness(void)
{
    harness h;
    h_new(&h);
    gl_t xv = 12345;
    bv_target x = h_input(&h, xv);
    bv_target eq = bv_gadget_is_zero(h.c, x);
    bv_circuit_register_public_input(h.c, eq);
    /* row 0: eq' = x*inv + eq (constants 1, 1); row 1: x*eq (constants 1, 0) */
    CU_ASSERT_STRING_EQUAL_FATAL(bv_circuit_row_gate(h.c, 0)->ops->kind, "Arithmetic");
    CU_ASSERT_STRING_EQUAL_FATAL(bv_circuit_row_gate(h.c, 1)->ops->kind, "Arithmetic");
    CU_ASSERT_EQUAL_FATAL(bv_circuit_row_constants(h.c, 1)[1], 0);
    h_ok(&h);
    CU_ASSERT_EQUAL(h_val(&h, eq), 0);
    bv_proof proof;
    bv_status st;
    memset(&proof, 0, sizeof proof);
    CU_ASSERT_EQUAL_FATAL(bv_prove(h.d, h.w, &proof, NULL, &st), BV_OK);
    CU_ASSERT_EQUAL(
        bv_verify(bv_circuit_data_verifier(h.d), bv_circuit_data_common(h.d), &proof, &st), BV_OK);
    bv_proof_free(&proof);
    /* the forged assignment: inv = 0, eq = 1 in both ops, outputs recomputed */
    CU_ASSERT_EQUAL(bv_witness_force_cell(h.w, 0, bv_arith_wire(0, 1), 0, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_force_cell(h.w, 0, bv_arith_wire(0, 2), 1, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_force_cell(h.w, 0, bv_arith_wire(0, 3), 1, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_force_cell(h.w, 1, bv_arith_wire(0, 1), 1, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_force_cell(h.w, 1, bv_arith_wire(0, 3), xv, &st), BV_OK);
    /* every gate constraint holds: only the copy constraint is broken */
    CU_ASSERT_EQUAL(bv_witness_check_constraints(h.w, &st), BV_OK);
    memset(&proof, 0, sizeof proof);
    if (bv_prove(h.d, h.w, &proof, NULL, &st) == BV_OK) {
        CU_ASSERT_NOT_EQUAL(
            bv_verify(bv_circuit_data_verifier(h.d), bv_circuit_data_common(h.d), &proof, &st),
            BV_OK);
        bv_proof_free(&proof);
    }
    h_free(&h);
}

/* ------------------------------------------------------------------------- */
/* Bits                                                                      */
/* ------------------------------------------------------------------------- */

static void test_bits(void)
{
    harness h;
    h_new(&h);
    bv_circuit *c = h.c;
    gl_t v40 = rnd() & ((1ULL << 40) - 1), v64 = rnd_gl(), v63 = rnd() >> 1;
    bv_target x40 = h_input(&h, v40), x64 = h_input(&h, v64), x63 = h_input(&h, v63);
    bv_target b40[40], b64[64], b63[63], b5[5];
    bv_gadget_split_le(c, x40, 40, b40);
    bv_gadget_split_le(c, x64, 64, b64);
    bv_gadget_split_le(c, x63, 63, b63);
    bv_gadget_split_le(c, bv_gadget_constant(c, 22), 5, b5);
    bv_target s40 = bv_gadget_le_sum(c, b40, 40), s64 = bv_gadget_le_sum(c, b64, 64);
    bv_target s5 = bv_gadget_le_sum(c, b5, 5);
    bv_gadget_range_check(c, x40, 40);
    bv_gadget_range_check(c, x40, 63);
    bv_target lo, hi;
    bv_gadget_split_low_high(c, x40, 16, 24, &lo, &hi);
    h_ok(&h);
    for (int i = 0; i < 40; i++)
        CU_ASSERT_EQUAL(h_val(&h, b40[i]), (v40 >> i) & 1);
    for (int i = 0; i < 64; i++)
        CU_ASSERT_EQUAL(h_val(&h, b64[i]), (v64 >> i) & 1);
    for (int i = 0; i < 63; i++)
        CU_ASSERT_EQUAL(h_val(&h, b63[i]), (v63 >> i) & 1);
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(h_val(&h, b5[i]), (22 >> i) & 1);
    CU_ASSERT_EQUAL(h_val(&h, s40), v40);
    CU_ASSERT_EQUAL(h_val(&h, s64), v64);
    CU_ASSERT_EQUAL(h_val(&h, s5), 22);
    CU_ASSERT_EQUAL(h_val(&h, lo), v40 & 0xFFFF);
    CU_ASSERT_EQUAL(h_val(&h, hi), v40 >> 16);
    /* a 63-bit split is one BaseSum row; 64 bits take two */
    CU_ASSERT(rows_of(h.c, "BaseSum") >= 4);
    h_free(&h);

    /* values out of range are rejected */
    h_new(&h);
    bv_target x = h_input(&h, 1u << 10);
    bv_gadget_range_check(h.c, x, 10);
    CU_ASSERT_EQUAL_FATAL(h_build(&h), 0);
    bv_status st;
    CU_ASSERT_NOT_EQUAL(h_generate(&h, &st), 0);
    h.in_v[0] = (1u << 10) - 1;
    CU_ASSERT_EQUAL(h_generate(&h, &st), 0);
    h_free(&h);
    /* le_sum insists on bits */
    h_new(&h);
    bv_target bits[3] = {h_input(&h, 1), h_input(&h, 2), h_input(&h, 0)};
    bv_gadget_le_sum(h.c, bits, 3);
    CU_ASSERT_EQUAL_FATAL(h_build(&h), 0);
    CU_ASSERT_NOT_EQUAL(h_generate(&h, &st), 0);
    h_free(&h);
    /* a constant wider than the split is a build error */
    h_new(&h);
    bv_target cb[3];
    bv_gadget_split_le(h.c, bv_gadget_constant(h.c, 9), 3, cb);
    bv_circuit_data *d = NULL;
    CU_ASSERT_NOT_EQUAL(bv_circuit_build(h.c, &d, &st), BV_OK);
    h_free(&h);
}

static void test_exp_bits(void)
{
    harness h;
    h_new(&h);
    bv_circuit *c = h.c;
    gl_t bv = rnd_gl(), ev = rnd_gl();
    bv_target base = h_input(&h, bv), e = h_input(&h, ev);
    bv_target bits[64];
    bv_gadget_split_le(c, e, 64, bits);
    bv_target r64 = bv_gadget_exp_bits(c, base, bits, 64);
    bv_target r7 = bv_gadget_exp_bits(c, base, bits, 7);
    gl_t g = GL_MULTIPLICATIVE_GENERATOR;
    bv_target rc = bv_gadget_exp_const_base_bits(c, g, bits, 15);
    bv_target rc64 = bv_gadget_exp_const_base_bits(c, 3, bits, 64);
    bv_target p2 = bv_gadget_exp_power_of_2(c, base, 10);
    h_ok(&h);
    CU_ASSERT_EQUAL(h_val(&h, rc), gl_pow(g, ev & 0x7FFF));
    CU_ASSERT_EQUAL(h_val(&h, rc64), gl_pow(3, ev));
    CU_ASSERT_EQUAL(h_val(&h, p2), gl_pow(bv, 1024));
    CU_ASSERT_EQUAL(h_val(&h, r64), gl_pow(bv, ev));
    CU_ASSERT_EQUAL(h_val(&h, r7), gl_pow(bv, ev & 127));
    CU_ASSERT_EQUAL(rows_of(h.c, "Exponentiation"), 2);
    h_free(&h);
}

static void test_random_access(void)
{
    harness h;
    h_new(&h);
    bv_circuit *c = h.c;
    gl_t lv[32];
    bv_target lt[32];
    for (int i = 0; i < 32; i++)
        lt[i] = h_input(&h, lv[i] = rnd_gl());
    uint32_t idx16 = 11, idx2 = 1, idx32 = 29, idx4 = 2;
    bv_target r16 = bv_gadget_random_access(c, h_input(&h, idx16), lt, 16);
    bv_target r2 = bv_gadget_random_access(c, h_input(&h, idx2), lt, 2);
    bv_target r32 = bv_gadget_random_access(c, h_input(&h, idx32), lt, 32);
    bv_target r1 = bv_gadget_random_access(c, h_input(&h, 0), lt + 5, 1);
    bv_ext_target el[4];
    bv_hash_target hl[4];
    gl_ext ev[4];
    bv_hash hv[4];
    for (int i = 0; i < 4; i++) {
        el[i] = h_input_ext(&h, ev[i] = rnd_ext());
        for (int k = 0; k < 4; k++)
            hv[i].e[k] = rnd_gl();
        hl[i] = h_input_hash(&h, hv[i]);
    }
    bv_target it = h_input(&h, idx4);
    bv_ext_target re = bv_gadget_random_access_ext(c, it, el, 4);
    bv_hash_target rh = bv_gadget_random_access_hash(c, it, hl, 4);
    bv_target sb = h_input(&h, 1);
    bv_hash_target sh = bv_gadget_select_hash(c, sb, hl[1], hl[2]);
    /* more 16-lists: the standard RandomAccess(4,4,2) gate packs 4 per row */
    for (int i = 0; i < 3; i++)
        bv_gadget_random_access(c, h_input(&h, (gl_t)i), lt + 16, 16);
    h_ok(&h);
    CU_ASSERT_EQUAL(h_val(&h, r16), lv[idx16]);
    CU_ASSERT_EQUAL(h_val(&h, r2), lv[idx2]);
    CU_ASSERT_EQUAL(h_val(&h, r32), lv[idx32]);
    CU_ASSERT_EQUAL(h_val(&h, r1), lv[5]);
    CU_ASSERT_TRUE(gl_ext_eq(h_val_ext(&h, re), ev[idx4]));
    for (int k = 0; k < 4; k++) {
        CU_ASSERT_EQUAL(h_val(&h, rh.e[k]), hv[idx4].e[k]);
        CU_ASSERT_EQUAL(h_val(&h, sh.e[k]), hv[1].e[k]);
    }
    bv_gate std_ra = bv_gate_random_access(4, 4, 2);
    uint32_t n_std = 0;
    for (uint32_t r = 0; r < bv_circuit_num_rows(h.c); r++)
        if (bv_gate_same(bv_circuit_row_gate(h.c, r), &std_ra))
            n_std++;
    CU_ASSERT_EQUAL(n_std, 1);
    /* an index past the list is rejected */
    h.in_v[32] = 16;
    bv_status st;
    CU_ASSERT_NOT_EQUAL(h_generate(&h, &st), 0);
    h_free(&h);
    /* a list that is not a power of two is a build error */
    h_new(&h);
    bv_target l3[3] = {h_input(&h, 1), h_input(&h, 2), h_input(&h, 3)};
    bv_gadget_random_access(h.c, h_input(&h, 0), l3, 3);
    bv_circuit_data *d = NULL;
    CU_ASSERT_NOT_EQUAL(bv_circuit_build(h.c, &d, &st), BV_OK);
    h_free(&h);
}

/* ------------------------------------------------------------------------- */
/* Extension field                                                           */
/* ------------------------------------------------------------------------- */

static void test_extension(void)
{
    harness h;
    h_new(&h);
    bv_circuit *c = h.c;
    gl_ext av = rnd_ext(), bv = rnd_ext(), dv = rnd_ext();
    gl_t sv = rnd_gl(), k = rnd_gl();
    bv_ext_target a = h_input_ext(&h, av), b = h_input_ext(&h, bv), d = h_input_ext(&h, dv);
    bv_target s = h_input(&h, sv);
    struct {
        bv_ext_target t;
        gl_ext want;
    } r[] = {
        {bv_gadget_ext_add(c, a, b), gl_ext_add(av, bv)},
        {bv_gadget_ext_sub(c, a, b), gl_ext_sub(av, bv)},
        {bv_gadget_ext_mul(c, a, b), gl_ext_mul(av, bv)},
        {bv_gadget_ext_mul_add(c, a, b, d), gl_ext_add(gl_ext_mul(av, bv), dv)},
        {bv_gadget_ext_mul_sub(c, a, b, d), gl_ext_sub(gl_ext_mul(av, bv), dv)},
        {bv_gadget_ext_square(c, a), gl_ext_sqr(av)},
        {bv_gadget_ext_mul_const(c, k, a), gl_ext_scalar_mul(av, k)},
        {bv_gadget_ext_scalar_mul(c, s, a), gl_ext_scalar_mul(av, sv)},
        {bv_gadget_ext_arith(c, 3, a, b, 4, d),
         gl_ext_add(gl_ext_scalar_mul(gl_ext_mul(av, bv), 3), gl_ext_scalar_mul(dv, 4))},
        {bv_gadget_ext_inverse(c, a), gl_ext_inv(av)},
        {bv_gadget_ext_div(c, b, a), gl_ext_mul(bv, gl_ext_inv(av))},
        {bv_gadget_ext_exp_power_of_2(c, a, 5), gl_ext_pow(av, 32)},
        {bv_gadget_ext_from_base(c, s), gl_ext_from_base(sv)},
        {bv_gadget_ext_add(c, bv_gadget_ext_constant(c, gl_ext_make(1, 2)),
                           bv_gadget_ext_constant(c, gl_ext_make(3, 4))),
         gl_ext_make(4, 6)},
    };
    h_ok(&h);
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        gl_ext got = h_val_ext(&h, r[i].t);
        if (!gl_ext_eq(got, r[i].want))
            printf("\n    ext result %zu differs", i);
        CU_ASSERT_TRUE(gl_ext_eq(got, r[i].want));
    }
    CU_ASSERT(rows_of(h.c, "ArithmeticExtension") >= 1);
    CU_ASSERT(rows_of(h.c, "MulExtension") >= 1);
    h_free(&h);
}

static void test_reduce(void)
{
    size_t lens[] = {1, 5, 32, 33, 43, 44, 100};
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        size_t n = lens[li];
        harness h;
        h_new(&h);
        gl_ext alpha = rnd_ext();
        bv_ext_target at = h_input_ext(&h, alpha);
        bv_target bc[100];
        bv_ext_target ec[100];
        gl_t bcv[100];
        gl_ext ecv[100];
        for (size_t i = 0; i < n; i++) {
            bc[i] = h_input(&h, bcv[i] = rnd_gl());
            ec[i] = h_input_ext(&h, ecv[i] = rnd_ext());
        }
        bv_ext_target rb = bv_gadget_reduce_base(h.c, at, bc, n);
        bv_ext_target re = bv_gadget_reduce_ext(h.c, at, ec, n);
        bv_ext_target rh = bv_gadget_ext_horner(h.c, at, ec, n);
        h_ok(&h);
        gl_ext wb = gl_ext_zero(), we = gl_ext_zero();
        for (size_t i = n; i-- > 0;) {
            wb = gl_ext_add(gl_ext_mul(wb, alpha), gl_ext_from_base(bcv[i]));
            we = gl_ext_add(gl_ext_mul(we, alpha), ecv[i]);
        }
        CU_ASSERT_TRUE(gl_ext_eq(h_val_ext(&h, rb), wb));
        CU_ASSERT_TRUE(gl_ext_eq(h_val_ext(&h, re), we));
        CU_ASSERT_TRUE(gl_ext_eq(h_val_ext(&h, rh), we));
        CU_ASSERT_EQUAL(rows_of(h.c, "Reducing"), (n + 42) / 43);
        CU_ASSERT_EQUAL(rows_of(h.c, "ReducingExtension"), (n + 31) / 32);
        h_free(&h);
    }
}

/* ------------------------------------------------------------------------- */
/* Poseidon, Merkle, interpolation                                           */
/* ------------------------------------------------------------------------- */

static void test_poseidon(void)
{
    harness h;
    h_new(&h);
    bv_circuit *c = h.c;
    gl_t in[40];
    bv_target it[40];
    for (int i = 0; i < 40; i++)
        it[i] = h_input(&h, in[i] = rnd_gl());
    bv_target perm[12], perm_sw[12];
    bv_gadget_poseidon_permute(c, it, NULL, perm);
    bv_target one = bv_gadget_one(c);
    bv_gadget_poseidon_permute(c, it, &one, perm_sw);
    size_t lens[] = {0, 1, 4, 5, 8, 9, 16, 17, 40};
    bv_hash_target hs[9], hn[9];
    for (int i = 0; i < 9; i++) {
        hs[i] = bv_gadget_hash_n_to_hash_no_pad(c, it, lens[i]);
        hn[i] = bv_gadget_hash_or_noop(c, it, lens[i]);
    }
    bv_target m20[20];
    bv_gadget_hash_n_to_m_no_pad(c, it, 11, m20, 20);
    bv_hash_target ha = {{it[0], it[1], it[2], it[3]}}, hb = {{it[4], it[5], it[6], it[7]}};
    bv_hash_target t2 = bv_gadget_two_to_one(c, ha, hb);
    bv_hash k = {{1, 2, 3, 4}};
    bv_hash_target tk = bv_gadget_two_to_one(c, bv_gadget_hash_constant(c, k), ha);
    h_ok(&h);

    gl_t s[12];
    memcpy(s, in, sizeof s);
    bv_poseidon_permute(s);
    for (int i = 0; i < 12; i++)
        CU_ASSERT_EQUAL(h_val(&h, perm[i]), s[i]);
    memcpy(s, in, sizeof s);
    for (int i = 0; i < 4; i++) {
        s[i] = in[i + 4];
        s[i + 4] = in[i];
    }
    bv_poseidon_permute(s);
    for (int i = 0; i < 12; i++)
        CU_ASSERT_EQUAL(h_val(&h, perm_sw[i]), s[i]);
    for (int i = 0; i < 9; i++) {
        bv_hash want = bv_poseidon_hash_no_pad(in, lens[i]);
        bv_hash want_n = bv_poseidon_hash_or_noop(in, lens[i]);
        for (int j = 0; j < 4; j++) {
            CU_ASSERT_EQUAL(h_val(&h, hs[i].e[j]), want.e[j]);
            CU_ASSERT_EQUAL(h_val(&h, hn[i].e[j]), want_n.e[j]);
        }
    }
    gl_t w20[20];
    bv_poseidon_hash_n_to_m(in, 11, w20, 20);
    for (int i = 0; i < 20; i++)
        CU_ASSERT_EQUAL(h_val(&h, m20[i]), w20[i]);
    bv_hash a = {{in[0], in[1], in[2], in[3]}}, b = {{in[4], in[5], in[6], in[7]}};
    bv_hash w2 = bv_poseidon_two_to_one(a, b), wk = bv_poseidon_two_to_one(k, a);
    for (int j = 0; j < 4; j++) {
        CU_ASSERT_EQUAL(h_val(&h, t2.e[j]), w2.e[j]);
        CU_ASSERT_EQUAL(h_val(&h, tk.e[j]), wk.e[j]);
    }
    h_free(&h);
}

/* Native Merkle tree with a cap (PROOF_SYSTEM.md section 4). */
#define LOG_LEAVES 6
#define NLEAVES (1 << LOG_LEAVES)
#define LEAF_LEN 7
#define CAP_H 2

static void test_merkle(void)
{
    static gl_t leaves[NLEAVES][LEAF_LEN];
    static bv_hash nodes[LOG_LEAVES + 1][NLEAVES];
    for (int i = 0; i < NLEAVES; i++) {
        for (int j = 0; j < LEAF_LEN; j++)
            leaves[i][j] = rnd_gl();
        nodes[0][i] = bv_poseidon_hash_or_noop(leaves[i], LEAF_LEN);
    }
    for (int l = 1; l <= LOG_LEAVES; l++)
        for (int i = 0; i < (NLEAVES >> l); i++)
            nodes[l][i] = bv_poseidon_two_to_one(nodes[l - 1][2 * i], nodes[l - 1][2 * i + 1]);
    /* the cap: 2^CAP_H nodes at depth CAP_H from the root */
    const bv_hash *cap = nodes[LOG_LEAVES - CAP_H];
    const int nsib = LOG_LEAVES - CAP_H;

    uint32_t indices[] = {0, 37, 63};
    for (size_t t = 0; t < 3; t++) {
        uint32_t idx = indices[t];
        for (int tamper = 0; tamper < 5; tamper++) {
            harness h;
            h_new(&h);
            bv_circuit *c = h.c;
            bv_target leaf[LEAF_LEN];
            for (int j = 0; j < LEAF_LEN; j++)
                leaf[j] = h_input(&h, leaves[idx][j] ^ (tamper == 1 && j == 3));
            bv_target bits[LOG_LEAVES];
            /* 3: a wrong leaf-level bit; 4: a wrong cap-index bit */
            uint32_t claimed = tamper == 3 ? idx ^ 2u : tamper == 4 ? idx ^ (1u << nsib) : idx;
            bv_target it = h_input(&h, claimed);
            bv_gadget_split_le(c, it, LOG_LEAVES, bits);
            bv_hash_target sib[LOG_LEAVES];
            for (int l = 0; l < nsib; l++) {
                bv_hash sv = nodes[l][(idx >> l) ^ 1];
                if (tamper == 2 && l == 2)
                    sv.e[0] ^= 1;
                sib[l] = h_input_hash(&h, sv);
            }
            bv_hash_target capt[1 << CAP_H];
            for (int i = 0; i < (1 << CAP_H); i++)
                capt[i] = bv_gadget_hash_constant(c, cap[i]);
            bv_gadget_verify_merkle_proof_to_cap(c, leaf, LEAF_LEN, bits, sib, nsib, capt,
                                                 1 << CAP_H);
            CU_ASSERT_EQUAL_FATAL(h_build(&h), 0);
            bv_status st;
            int r = h_generate(&h, &st);
            if (tamper == 0) {
                if (r != 0)
                    printf("\n    merkle: %s", st.msg);
                CU_ASSERT_EQUAL(r, 0);
                CU_ASSERT_EQUAL(rows_of(h.c, "Poseidon"), 1 + nsib); /* leaf (7 > 4) + path */
            } else {
                CU_ASSERT_NOT_EQUAL(r, 0);
            }
            h_free(&h);
        }
    }
}

static void test_interpolation(void)
{
    uint32_t sbits[] = {4, 3, 2};
    for (int t = 0; t < 3; t++) {
        uint32_t s = sbits[t], n = 1u << s;
        harness h;
        h_new(&h);
        gl_ext coeffs[16], vals[16];
        for (uint32_t i = 0; i < n; i++)
            coeffs[i] = rnd_ext();
        gl_t shift = rnd_gl() | 1, x = shift, g = gl_root_of_unity(s);
        bv_ext_target vt[16];
        for (uint32_t i = 0; i < n; i++, x = gl_mul(x, g)) {
            vals[i] = gl_ext_zero();
            for (uint32_t j = n; j-- > 0;)
                vals[i] = gl_ext_add(gl_ext_scalar_mul(vals[i], x), coeffs[j]);
            vt[i] = h_input_ext(&h, vals[i]);
        }
        gl_ext z = rnd_ext();
        bv_ext_target r =
            bv_gadget_interpolate_coset(h.c, s, h_input(&h, shift), vt, h_input_ext(&h, z));
        h_ok(&h);
        gl_ext want = gl_ext_zero();
        for (uint32_t j = n; j-- > 0;)
            want = gl_ext_add(gl_ext_mul(want, z), coeffs[j]);
        CU_ASSERT_TRUE(gl_ext_eq(h_val_ext(&h, r), want));
        h_free(&h);
    }
}

/* The in-circuit challenger draws the native challenges for random
 * observe/draw patterns (element, extension, hash and cap observations). */
static void test_challenger(void)
{
    for (int trial = 0; trial < 6; trial++) {
        harness h;
        h_new(&h);
        bv_circuit_challenger cc;
        bv_challenger nc;
        bv_gadget_challenger_init(h.c, &cc);
        bv_challenger_init(&nc);
        bv_target got[200];
        gl_t want[200];
        size_t ng = 0;
        for (int step = 0; step < 12; step++) {
            int nobs = (int)(rnd() % 20);
            int kind = (int)(rnd() % 3);
            if (kind == 0) {
                for (int i = 0; i < nobs; i++) {
                    gl_t v = rnd_gl();
                    bv_gadget_challenger_observe(h.c, &cc, h_input(&h, v));
                    bv_challenger_observe(&nc, v);
                }
            } else if (kind == 1) {
                gl_ext v = rnd_ext();
                bv_gadget_challenger_observe_ext(h.c, &cc, h_input_ext(&h, v));
                bv_challenger_observe_ext(&nc, v);
            } else {
                bv_hash cap[2];
                bv_hash_target capt[2];
                for (int j = 0; j < 2; j++) {
                    for (int i = 0; i < 4; i++)
                        cap[j].e[i] = rnd_gl();
                    capt[j] = h_input_hash(&h, cap[j]);
                }
                bv_gadget_challenger_observe_cap(h.c, &cc, capt, 2);
                bv_challenger_observe_cap(&nc, cap, 2);
            }
            int ndraw = (int)(rnd() % 11);
            for (int i = 0; i < ndraw && ng < 190; i++) {
                got[ng] = bv_gadget_challenger_get(h.c, &cc);
                want[ng++] = bv_challenger_get(&nc);
            }
            if (step % 4 == 3) {
                bv_ext_target e = bv_gadget_challenger_get_ext(h.c, &cc);
                gl_ext ev = bv_challenger_get_ext(&nc);
                got[ng] = e.c0;
                want[ng++] = ev.c0;
                got[ng] = e.c1;
                want[ng++] = ev.c1;
            }
        }
        h_ok(&h);
        for (size_t i = 0; i < ng; i++)
            CU_ASSERT_EQUAL(h_val(&h, got[i]), want[i]);
        h_free(&h);
    }
}

/* ------------------------------------------------------------------------- */
/* Gate constraints evaluated in-circuit                                     */
/* ------------------------------------------------------------------------- */

/* Every example of every registered gate type (bv_gate_kind_examples): the
 * in-circuit evaluation equals eval_ext on random K values. */
static void check_gate_eval_in_circuit(const bv_gate *g)
{
    uint32_t nw = g->ops->num_wires(g), nc = g->ops->num_constants(g);
    uint32_t ncons = g->ops->num_constraints(g);
    enum { MAXW = 1024, MAXC = 1024 };
    CU_ASSERT_FATAL(nw <= MAXW && ncons <= MAXC && nc <= BV_PLONK_MAX_CONSTANTS);
    CU_ASSERT_FATAL(bv_gadget_gate_eval_supported(g));
    if (ncons == 0) /* Noop: nothing to evaluate */
        return;
    static gl_ext wv[MAXW], want[MAXC];
    static bv_ext_target wt[MAXW], out[MAXC];
    gl_ext cv[BV_PLONK_MAX_CONSTANTS];
    bv_ext_target ct[BV_PLONK_MAX_CONSTANTS];
    harness h;
    h_new(&h);
    for (uint32_t i = 0; i < nw; i++)
        wt[i] = h_input_ext(&h, wv[i] = rnd_ext());
    for (uint32_t i = 0; i < nc; i++)
        ct[i] = h_input_ext(&h, cv[i] = rnd_ext());
    bv_hash pi;
    for (int i = 0; i < 4; i++)
        pi.e[i] = rnd_gl();
    bv_hash_target pit = h_input_hash(&h, pi);
    uint32_t rows0 = bv_circuit_num_rows(h.c);
    bv_gadget_eval_gate_constraints(h.c, g, wt, ct, &pit, out);
    uint32_t rows = bv_circuit_num_rows(h.c) - rows0;
    bv_eval_vars_ext v = {wv, cv, pi};
    g->ops->eval_ext(g, &v, want);
    h_ok(&h);
    int bad = 0;
    for (uint32_t k = 0; k < ncons; k++)
        if (!gl_ext_eq(h_val_ext(&h, out[k]), want[k]))
            bad++;
    char id[64];
    g->ops->id(g, id, sizeof id);
    if (bad)
        printf("\n    %s: %d of %u constraints differ", id, bad, ncons);
    else
        printf("\n    %-26s %4u rows before constant slots", id, rows);
    CU_ASSERT_EQUAL(bad, 0);
    h_free(&h);
}

static void test_gate_eval_in_circuit(void)
{
    size_t nk = bv_gate_kind_count(), tested = 0;
    CU_ASSERT_FATAL(nk > 0);
    for (size_t k = 0; k < nk; k++) {
        bv_gate ex[16];
        size_t n = bv_gate_kind_examples(k, ex, 16);
        CU_ASSERT_FATAL(n >= 1 && n <= 16);
        for (size_t i = 0; i < n; i++) {
            CU_ASSERT_PTR_NOT_NULL_FATAL(ex[i].ops);
            check_gate_eval_in_circuit(&ex[i]);
            bv_gate_free(&ex[i]);
            tested++;
        }
    }
    CU_ASSERT(tested >= nk);
}

/* A gate the evaluator cannot handle is reported, never evaluated: the
 * support predicate says no and the builder keeps the error. */
static void test_gate_eval_unsupported(void)
{
    bv_gate ok = bv_gate_random_access(10, 1, 0);
    bv_gate big = bv_gate_random_access(11, 1, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ok.ops);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big.ops);
    CU_ASSERT_TRUE(bv_gadget_gate_eval_supported(&ok));
    CU_ASSERT_FALSE(bv_gadget_gate_eval_supported(&big));
    CU_ASSERT_FALSE(bv_gadget_gate_eval_supported(NULL));
    /* a gate type that is not in the registry */
    bv_gate_ops foreign = *ok.ops;
    bv_gate alien = ok;
    alien.ops = &foreign;
    CU_ASSERT_FALSE(bv_gadget_gate_eval_supported(&alien));

    harness h;
    h_new(&h);
    static bv_ext_target wt[BV_STD_NUM_WIRES], out[256];
    for (uint32_t i = 0; i < BV_STD_NUM_WIRES; i++)
        wt[i] = h_input_ext(&h, rnd_ext());
    bv_status st;
    CU_ASSERT_EQUAL(bv_circuit_error(h.c, &st), BV_OK);
    bv_gadget_eval_gate_constraints(h.c, &big, wt, wt, NULL, out);
    CU_ASSERT_NOT_EQUAL(bv_circuit_error(h.c, &st), BV_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "RandomAccess"));
    h_free(&h);
    bv_gate_free(&ok);
    bv_gate_free(&big);
}

/* ------------------------------------------------------------------------- */
/* End to end                                                                */
/* ------------------------------------------------------------------------- */

/* One circuit using every gadget family; proved and verified with the TEST
 * config, and a changed public input is rejected. */
static void test_prove_verify(void)
{
    harness h;
    h_new(&h);
    bv_circuit *c = h.c;
    gl_t xv = rnd() >> 8, yv = rnd_gl();
    bv_target x = h_input(&h, xv), y = h_input(&h, yv);
    bv_target bits[64];
    bv_gadget_split_le(c, x, 56, bits);
    bv_target s = bv_gadget_le_sum(c, bits, 56);
    bv_gadget_assert_equal(c, s, x);
    bv_target e = bv_gadget_exp_bits(c, y, bits, 20);
    bv_target q = bv_gadget_div(c, e, bv_gadget_add_const(c, y, 1));
    bv_target sel = bv_gadget_select(c, bits[0], q, y);
    bv_target eq = bv_gadget_is_equal(c, sel, y);
    bv_target list[16];
    for (int i = 0; i < 16; i++)
        list[i] = bv_gadget_mul_const(c, (gl_t)(i + 2), y);
    bv_target idx = bv_gadget_le_sum(c, bits, 4);
    bv_target ra = bv_gadget_random_access(c, idx, list, 16);
    bv_ext_target ex = {x, y};
    bv_ext_target ey = bv_gadget_ext_mul(c, ex, bv_gadget_ext_inverse(c, ex));
    bv_ext_target coeffs[5] = {ex, ey, ex, ey, ex};
    bv_ext_target red = bv_gadget_reduce_ext(c, ex, coeffs, 5);
    bv_target lb[3] = {x, y, e};
    bv_ext_target redb = bv_gadget_reduce_base(c, ey, lb, 3);
    bv_target hin[10] = {x, y, e, q, sel, eq, ra, red.c0, red.c1, redb.c0};
    bv_hash_target hh = bv_gadget_hash_n_to_hash_no_pad(c, hin, 10);
    bv_ext_target vals[16];
    for (int i = 0; i < 16; i++)
        vals[i] = (bv_ext_target){list[i], hh.e[i % 4]};
    bv_ext_target ip = bv_gadget_interpolate_coset(c, 4, bv_gadget_add_const(c, x, 7), vals, ex);
    bv_target pis[6] = {hh.e[0], hh.e[1], hh.e[2], hh.e[3], ip.c0, ip.c1};
    bv_circuit_register_public_inputs(c, pis, 6);
    h_ok(&h);

    bv_status st;
    bv_proof proof;
    memset(&proof, 0, sizeof proof);
    bv_err pe = bv_prove(h.d, h.w, &proof, NULL, &st);
    if (pe != BV_OK)
        printf("\n    prove: %s", st.msg);
    CU_ASSERT_EQUAL_FATAL(pe, BV_OK);
    const bv_verifier_data *vd = bv_circuit_data_verifier(h.d);
    const bv_common_data *cd = bv_circuit_data_common(h.d);
    bv_err ve = bv_verify(vd, cd, &proof, &st);
    if (ve != BV_OK)
        printf("\n    verify: %s", st.msg);
    CU_ASSERT_EQUAL(ve, BV_OK);
    CU_ASSERT_EQUAL_FATAL(proof.num_public_inputs, 6);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(proof.public_inputs[i], h_val(&h, hh.e[i]));
    proof.public_inputs[5] = gl_add(proof.public_inputs[5], 1);
    CU_ASSERT_NOT_EQUAL(bv_verify(vd, cd, &proof, &st), BV_OK);
    bv_proof_free(&proof);
    h_free(&h);
}

static void register_suites(void)
{
    bv_cu_add_suite("gadgets: base field");
    bv_cu_add_test("arithmetic results", test_arithmetic);
    bv_cu_add_test("op packing and constant folding", test_packing_and_folding);
    bv_cu_add_test("inverse of zero fails", test_inverse_of_zero_fails);
    bv_cu_add_test("booleans, select, swap", test_booleans_and_select);
    bv_cu_add_test("is_equal / is_zero", test_is_equal);
    bv_cu_add_test("is_zero cannot be forged", test_is_zero_soundness);
    bv_cu_add_test("bit splits, sums, range checks", test_bits);
    bv_cu_add_test("exponentiation by bits", test_exp_bits);
    bv_cu_add_test("random access", test_random_access);
    bv_cu_add_suite("gadgets: extension field");
    bv_cu_add_test("extension arithmetic", test_extension);
    bv_cu_add_test("reductions", test_reduce);
    bv_cu_add_suite("gadgets: hashing");
    bv_cu_add_test("Poseidon permutation and sponge modes", test_poseidon);
    bv_cu_add_test("Merkle proofs to a cap", test_merkle);
    bv_cu_add_test("coset interpolation", test_interpolation);
    bv_cu_add_test("challenger on targets equals the native one", test_challenger);
    bv_cu_add_suite("gadgets: gate constraints in-circuit");
    bv_cu_add_test("every gate's constraints equal eval_ext", test_gate_eval_in_circuit);
    bv_cu_add_test("unsupported gates are refused", test_gate_eval_unsupported);
    bv_cu_add_suite("gadgets: end to end");
    bv_cu_add_test("prove and verify a gadget circuit", test_prove_verify);
}

BV_CU_MAIN(register_suites)
