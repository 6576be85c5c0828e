/* test_goldilocks.c - Goldilocks field arithmetic (include/balverify/goldilocks.h)
 * against the spec vectors and a slow 128-bit reference model. */
#include "cu_main.h"

#include "balverify/goldilocks.h"
#include "../data/goldilocks_vectors.h"

#include <string.h>

typedef unsigned __int128 u128;

static uint64_t rng_state = 0x243f6a8885a308d3ULL;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static const gl_t edges[] = {0,
                             1,
                             2,
                             3,
                             7,
                             GL_P - 1,
                             GL_P - 2,
                             GL_P / 2,
                             GL_P / 2 + 1,
                             0xffffffffULL,
                             0x100000000ULL,
                             0x100000001ULL,
                             0xfffffffeffffffffULL,
                             0xfffffffe00000000ULL,
                             0x8000000000000000ULL,
                             0x7fffffffffffffffULL,
                             GL_P - 0x100000000ULL,
                             GL_MULTIPLICATIVE_GENERATOR};
#define N_EDGES (sizeof edges / sizeof edges[0])

/* canonical random element; one in four draws is an edge value */
static gl_t rnd_gl(void)
{
    uint64_t r = rnd();
    if ((r & 3) == 0)
        return edges[(r >> 2) % N_EDGES];
    return rnd() % GL_P;
}

/* slow reference model: everything through 128-bit '%' */
static gl_t ref_add(gl_t a, gl_t b)
{
    return (gl_t)(((u128)a + b) % GL_P);
}
static gl_t ref_sub(gl_t a, gl_t b)
{
    return (gl_t)(((u128)a + GL_P - b) % GL_P);
}
static gl_t ref_mul(gl_t a, gl_t b)
{
    return (gl_t)(((u128)a * b) % GL_P);
}
static gl_t ref_pow(gl_t a, uint64_t e)
{
    gl_t r = 1;
    for (int i = 63; i >= 0; i--) {
        r = ref_mul(r, r);
        if ((e >> i) & 1)
            r = ref_mul(r, a);
    }
    return r;
}

static void test_constants(void)
{
    CU_ASSERT_EQUAL(GL_P, 18446744069414584321ULL);
    CU_ASSERT_EQUAL(GL_EPSILON, tv_epsilon);
    CU_ASSERT_EQUAL((gl_t)(((u128)1 << 64) % GL_P), GL_EPSILON);
    CU_ASSERT_EQUAL((gl_t)(((u128)1 << 96) % GL_P), GL_P - 1);
    CU_ASSERT_EQUAL(GL_MULTIPLICATIVE_GENERATOR, tv_multiplicative_generator);
    CU_ASSERT_EQUAL(GL_MULTIPLICATIVE_GENERATOR, tv_coset_shift);
    CU_ASSERT_EQUAL(GL_POWER_OF_TWO_GENERATOR, tv_power_of_two_generator);
    CU_ASSERT_EQUAL(GL_P - 2, tv_inverse_exponent);
    /* the 2-adic generator is g^((p-1)/2^32) and has order exactly 2^32 */
    CU_ASSERT_EQUAL(gl_pow(GL_MULTIPLICATIVE_GENERATOR, (GL_P - 1) >> 32),
                    GL_POWER_OF_TWO_GENERATOR);
    CU_ASSERT_EQUAL(gl_exp_power_of_2(GL_POWER_OF_TWO_GENERATOR, 31), GL_P - 1);
    CU_ASSERT_EQUAL(gl_exp_power_of_2(GL_POWER_OF_TWO_GENERATOR, 32), 1);
    /* g generates F*: g^((p-1)/q) != 1 for every prime q | p-1 */
    static const uint64_t q[] = {2, 3, 5, 17, 257, 65537};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        CU_ASSERT_EQUAL((GL_P - 1) % q[i], 0);
        CU_ASSERT_NOT_EQUAL(gl_pow(GL_MULTIPLICATIVE_GENERATOR, (GL_P - 1) / q[i]), 1);
        CU_ASSERT_NOT_EQUAL(gl_pow(tv_legacy_generator, (GL_P - 1) / q[i]), 1);
    }
}

static void test_roots_of_unity(void)
{
    for (unsigned k = 0; k <= 32; k++) {
        gl_t w = gl_root_of_unity(k);
        CU_ASSERT_EQUAL(w, tv_roots_of_unity[k]);
        CU_ASSERT_EQUAL(gl_exp_power_of_2(w, k), 1);
        if (k > 0)
            CU_ASSERT_EQUAL(gl_exp_power_of_2(w, k - 1), GL_P - 1); /* primitive */
        /* legacy (pre-v1.0) table follows the same rule from the old generator */
        CU_ASSERT_EQUAL(gl_exp_power_of_2(tv_legacy_two_adic_generator, 32 - k),
                        tv_legacy_roots_of_unity[k]);
    }
    CU_ASSERT_EQUAL(gl_pow(tv_legacy_generator, (GL_P - 1) >> 32), tv_legacy_two_adic_generator);
    /* small roots are powers of two with the current generator */
    CU_ASSERT_EQUAL(gl_root_of_unity(4), 4096);
    CU_ASSERT_EQUAL(gl_root_of_unity(6), 8);
}

static void test_k_is(void)
{
    gl_t k[80];
    gl_powers(k, GL_MULTIPLICATIVE_GENERATOR, 80);
    for (int i = 0; i < 80; i++)
        CU_ASSERT_EQUAL(k[i], tv_k_is[i]);
    gl_powers(k, 5, 0); /* n = 0 writes nothing */
    CU_ASSERT_EQUAL(k[0], 1);
}

static void test_barycentric_weights(void)
{
    gl_t inv16 = gl_inv(16);
    for (unsigned i = 0; i < 16; i++) {
        CU_ASSERT_EQUAL(gl_mul(gl_pow(gl_root_of_unity(4), i), inv16), tv_bary_weights16[i]);
        CU_ASSERT_EQUAL(gl_mul(gl_pow(tv_legacy_roots_of_unity[4], i), inv16),
                        tv_bary_weights16_legacy[i]);
    }
}

static void test_arith_vectors(void)
{
    for (size_t i = 0; i < TV_COUNT(tv_arith); i++) {
        const struct tv_arith *v = &tv_arith[i];
        CU_ASSERT_EQUAL(gl_mul(v->a, v->b), v->mul);
        CU_ASSERT_EQUAL(gl_add(v->a, v->b), v->add);
        CU_ASSERT_EQUAL(gl_sub(v->a, v->b), v->sub);
    }
    for (size_t i = 0; i < TV_COUNT(tv_inverse); i++) {
        CU_ASSERT_EQUAL(gl_inv(tv_inverse[i].a), tv_inverse[i].inv);
        CU_ASSERT_EQUAL(gl_mul(tv_inverse[i].a, tv_inverse[i].inv), 1);
    }
    for (size_t i = 0; i < TV_COUNT(tv_reduce128); i++) {
        u128 x = ((u128)tv_reduce128[i].hi << 64) | tv_reduce128[i].lo;
        CU_ASSERT_EQUAL(gl_reduce128(x), tv_reduce128[i].r);
        CU_ASSERT_EQUAL((gl_t)(x % GL_P), tv_reduce128[i].r);
    }
}

static void test_differential(void)
{
    for (int t = 0; t < 200000; t++) {
        gl_t a = rnd_gl(), b = rnd_gl(), c = rnd_gl();
        gl_t r;
        r = gl_add(a, b);
        CU_ASSERT_EQUAL(r, ref_add(a, b));
        r = gl_sub(a, b);
        CU_ASSERT_EQUAL(r, ref_sub(a, b));
        r = gl_mul(a, b);
        CU_ASSERT_EQUAL(r, ref_mul(a, b));
        r = gl_mul_add(a, b, c);
        CU_ASSERT_EQUAL(r, (gl_t)(((u128)a * b + c) % GL_P));
        CU_ASSERT_EQUAL(gl_neg(a), ref_sub(0, a));
        CU_ASSERT_EQUAL(gl_double(a), ref_add(a, a));
        CU_ASSERT_EQUAL(gl_sqr(a), ref_mul(a, a));
    }
}

static void test_reduce128_random(void)
{
    for (int t = 0; t < 200000; t++) {
        u128 x = ((u128)rnd() << 64) | rnd();
        if ((t & 7) == 0) /* all-ones / structured high words */
            x |= (u128)0xffffffff00000000ULL << 64;
        if ((t & 7) == 1)
            x = ((u128)rnd() << 64) | 0xffffffffffffffffULL;
        CU_ASSERT_EQUAL(gl_reduce128(x), (gl_t)(x % GL_P));
    }
    CU_ASSERT_EQUAL(gl_reduce128(0), 0);
    CU_ASSERT_EQUAL(gl_reduce128(GL_P), 0);
    CU_ASSERT_EQUAL(gl_reduce128((u128)GL_P * GL_P), 0);
    CU_ASSERT_EQUAL(gl_reduce128((u128)GL_P * GL_P - 1), GL_P - 1);
    CU_ASSERT_EQUAL(gl_reduce128(~(u128)0), (gl_t)(~(u128)0 % GL_P));
}

static void test_from_u64(void)
{
    CU_ASSERT_EQUAL(gl_from_u64(0), 0);
    CU_ASSERT_EQUAL(gl_from_u64(GL_P - 1), GL_P - 1);
    CU_ASSERT_EQUAL(gl_from_u64(GL_P), 0);
    CU_ASSERT_EQUAL(gl_from_u64(0xffffffffffffffffULL), GL_EPSILON - 1);
    for (int t = 0; t < 10000; t++) {
        uint64_t x = rnd();
        CU_ASSERT_EQUAL(gl_from_u64(x), x % GL_P);
    }
}

static void test_pow_inv(void)
{
    CU_ASSERT_EQUAL(gl_inv(0), 0);
    CU_ASSERT_EQUAL(gl_pow(0, 0), 1);
    CU_ASSERT_EQUAL(gl_pow(5, 0), 1);
    CU_ASSERT_EQUAL(gl_pow(GL_P - 1, 2), 1);
    for (int t = 0; t < 3000; t++) {
        gl_t a = rnd_gl();
        uint64_t e = rnd();
        CU_ASSERT_EQUAL(gl_pow(a, e), ref_pow(a, e));
        if (a != 0) {
            gl_t i = gl_inv(a);
            CU_ASSERT_EQUAL(ref_mul(a, i), 1);
            CU_ASSERT_EQUAL(gl_pow(a, GL_P - 1), 1); /* Fermat */
        }
        unsigned k = (unsigned)(rnd() % 70);
        CU_ASSERT_EQUAL(gl_exp_power_of_2(a, k),
                        k < 64 ? ref_pow(a, 1ULL << k)
                               : gl_exp_power_of_2(gl_exp_power_of_2(a, 63), k - 63));
    }
}

static void test_batch_inv(void)
{
    for (size_t n = 0; n < 70; n++) {
        gl_t in[70] = {0}, out[70], alias[70], scratch[70];
        for (size_t i = 0; i < n; i++) {
            do
                in[i] = rnd_gl();
            while (in[i] == 0);
            alias[i] = in[i];
        }
        CU_ASSERT_EQUAL(gl_batch_inv(out, in, n), 0);
        for (size_t i = 0; i < n; i++)
            CU_ASSERT_EQUAL(out[i], gl_inv(in[i]));
        /* in-place */
        CU_ASSERT_EQUAL(gl_batch_inv(alias, alias, n), 0);
        CU_ASSERT_EQUAL(memcmp(alias, out, n * sizeof *out), 0);
        /* caller scratch, in-place */
        memcpy(alias, in, n * sizeof *in);
        CU_ASSERT_EQUAL(gl_batch_inv_scratch(alias, alias, n, scratch), 0);
        CU_ASSERT_EQUAL(memcmp(alias, out, n * sizeof *out), 0);
        /* a zero anywhere is reported */
        if (n > 0) {
            size_t z = (size_t)(rnd() % n);
            memcpy(alias, in, n * sizeof *in);
            alias[z] = 0;
            CU_ASSERT_EQUAL(gl_batch_inv(out, alias, n), -1);
            CU_ASSERT_EQUAL(gl_batch_inv_scratch(out, alias, n, scratch), -1);
        }
    }
}

static void register_suites(void)
{
    bv_cu_add_suite("goldilocks constants");
    bv_cu_add_test("p, epsilon, generators", test_constants);
    bv_cu_add_test("roots of unity table (current and legacy)", test_roots_of_unity);
    bv_cu_add_test("k_i coset shifts", test_k_is);
    bv_cu_add_test("barycentric weights", test_barycentric_weights);
    bv_cu_add_suite("goldilocks arithmetic");
    bv_cu_add_test("spec vectors", test_arith_vectors);
    bv_cu_add_test("differential vs 128-bit model", test_differential);
    bv_cu_add_test("reduce128 random and edges", test_reduce128_random);
    bv_cu_add_test("from_u64", test_from_u64);
    bv_cu_add_test("pow, inverse, exp_power_of_2", test_pow_inv);
    bv_cu_add_test("batch inverse (aliasing, zeros)", test_batch_inv);
}

BV_CU_MAIN(register_suites)
