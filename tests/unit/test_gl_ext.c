/* test_gl_ext.c - quadratic extension K = F[X]/(X^2 - 7) (include/balverify/gl_ext.h). */
#include "cu_main.h"

#include "balverify/gl_ext.h"
#include "../data/goldilocks_vectors.h"

#include <string.h>

typedef unsigned __int128 u128;

static uint64_t rng_state = 0x13198a2e03707344ULL;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static gl_t rnd_gl(void)
{
    static const gl_t e[] = {0, 1, GL_P - 1, GL_P - 2, 0xffffffffULL, 0x100000000ULL};
    uint64_t r = rnd();
    if ((r & 3) == 0)
        return e[(r >> 2) % 6];
    return rnd() % GL_P;
}
static gl_ext rnd_ext(void)
{
    return gl_ext_make(rnd_gl(), rnd_gl());
}

/* reference model with '%' */
static gl_t rm(gl_t a, gl_t b)
{
    return (gl_t)(((u128)a * b) % GL_P);
}
static gl_t ra(gl_t a, gl_t b)
{
    return (gl_t)(((u128)a + b) % GL_P);
}
static gl_ext ref_mul(gl_ext a, gl_ext b)
{
    gl_t c0 = ra(rm(a.c0, b.c0), rm(7, rm(a.c1, b.c1)));
    gl_t c1 = ra(rm(a.c0, b.c1), rm(a.c1, b.c0));
    return gl_ext_make(c0, c1);
}

static void test_vectors(void)
{
    for (size_t i = 0; i < TV_COUNT(tv_ext2); i++) {
        const struct tv_ext2 *v = &tv_ext2[i];
        gl_ext a = gl_ext_make(v->a[0], v->a[1]), b = gl_ext_make(v->b[0], v->b[1]);
        gl_ext m = gl_ext_mul(a, b), inv = gl_ext_inv(a);
        CU_ASSERT_EQUAL(m.c0, v->mul[0]);
        CU_ASSERT_EQUAL(m.c1, v->mul[1]);
        CU_ASSERT_EQUAL(inv.c0, v->inv[0]);
        CU_ASSERT_EQUAL(inv.c1, v->inv[1]);
        CU_ASSERT(gl_ext_eq(gl_ext_mul(a, inv), gl_ext_one()));
    }
}

static void test_constants(void)
{
    CU_ASSERT_EQUAL(GL_EXT_W, tv_ext_w);
    /* W is a non-residue: W^((p-1)/2) = -1 = DTH_ROOT */
    CU_ASSERT_EQUAL(gl_pow(GL_EXT_W, (GL_P - 1) / 2), tv_ext_dth_root);
    CU_ASSERT_EQUAL(tv_ext_dth_root, GL_P - 1);
    /* X^2 = W */
    gl_ext x = gl_ext_make(0, 1);
    CU_ASSERT(gl_ext_eq(gl_ext_sqr(x), gl_ext_from_base(7)));
    /* the 2^33-rd root: squares to (omega_32, 0), order exactly 2^33 */
    gl_ext g = gl_ext_make(tv_ext_power_of_two_generator[0], tv_ext_power_of_two_generator[1]);
    CU_ASSERT(gl_ext_eq(gl_ext_sqr(g), gl_ext_from_base(GL_POWER_OF_TWO_GENERATOR)));
    gl_ext t = g;
    for (unsigned i = 0; i < tv_ext_two_adicity - 1; i++)
        t = gl_ext_sqr(t);
    CU_ASSERT(gl_ext_eq(t, gl_ext_from_base(GL_P - 1)));
    CU_ASSERT(gl_ext_eq(gl_ext_sqr(t), gl_ext_one()));
    /* ext multiplicative generator ^ ((p^2-1) >> 33) == ext 2-adic generator;
     * (p^2-1)/2^33 = ((p-1)/2^32) * ((p+1)/2) */
    gl_ext mg = gl_ext_make(tv_ext_multiplicative_generator[0], tv_ext_multiplicative_generator[1]);
    gl_ext e = gl_ext_pow(gl_ext_pow(mg, (GL_P - 1) >> 32), (GL_P + 1) / 2);
    CU_ASSERT(gl_ext_eq(e, g));
}

static void test_differential(void)
{
    for (int t = 0; t < 50000; t++) {
        gl_ext a = rnd_ext(), b = rnd_ext();
        gl_ext m = gl_ext_mul(a, b), r = ref_mul(a, b);
        CU_ASSERT(gl_ext_eq(m, r));
        CU_ASSERT(m.c0 < GL_P && m.c1 < GL_P);
        CU_ASSERT(gl_ext_eq(gl_ext_sqr(a), ref_mul(a, a)));
        gl_ext s = gl_ext_add(a, b);
        CU_ASSERT(s.c0 == ra(a.c0, b.c0) && s.c1 == ra(a.c1, b.c1));
        CU_ASSERT(gl_ext_eq(gl_ext_sub(s, b), a));
        CU_ASSERT(gl_ext_is_zero(gl_ext_add(a, gl_ext_neg(a))));
        gl_t k = rnd_gl();
        CU_ASSERT(gl_ext_eq(gl_ext_scalar_mul(a, k), ref_mul(a, gl_ext_from_base(k))));
        CU_ASSERT(gl_ext_eq(gl_ext_add_base(a, k), gl_ext_add(a, gl_ext_from_base(k))));
        /* Frobenius is x^p */
        if (t < 300)
            CU_ASSERT(gl_ext_eq(gl_ext_frobenius(a), gl_ext_pow(a, GL_P)));
        if (!gl_ext_is_zero(a))
            CU_ASSERT(gl_ext_eq(gl_ext_mul(a, gl_ext_inv(a)), gl_ext_one()));
    }
    CU_ASSERT(gl_ext_is_zero(gl_ext_inv(gl_ext_zero())));
    /* pow: small exponents by repeated multiplication */
    gl_ext a = rnd_ext(), acc = gl_ext_one();
    for (uint64_t e = 0; e < 40; e++) {
        CU_ASSERT(gl_ext_eq(gl_ext_pow(a, e), acc));
        acc = ref_mul(acc, a);
    }
}

static void test_batch_inv(void)
{
    for (size_t n = 0; n < 40; n++) {
        gl_ext in[40] = {{0, 0}}, out[40], alias[40];
        for (size_t i = 0; i < n; i++) {
            do
                in[i] = rnd_ext();
            while (gl_ext_is_zero(in[i]));
            alias[i] = in[i];
        }
        CU_ASSERT_EQUAL(gl_ext_batch_inv(out, in, n), 0);
        for (size_t i = 0; i < n; i++)
            CU_ASSERT(gl_ext_eq(out[i], gl_ext_inv(in[i])));
        CU_ASSERT_EQUAL(gl_ext_batch_inv(alias, alias, n), 0);
        CU_ASSERT_EQUAL(memcmp(alias, out, n * sizeof *out), 0);
        if (n > 0) {
            memcpy(alias, in, n * sizeof *in);
            alias[rnd() % n] = gl_ext_zero();
            CU_ASSERT_EQUAL(gl_ext_batch_inv(out, alias, n), -1);
        }
    }
}

static void register_suites(void)
{
    bv_cu_add_suite("quadratic extension");
    bv_cu_add_test("spec vectors", test_vectors);
    bv_cu_add_test("W, two-adic and multiplicative generators", test_constants);
    bv_cu_add_test("differential vs reference model", test_differential);
    bv_cu_add_test("batch inverse", test_batch_inv);
}

BV_CU_MAIN(register_suites)
