/* test_ntt.c - NTT / LDE conventions (include/balverify/ntt.h) against a
 * naive DFT and the spec vectors. */
#include "cu_main.h"

#include "balverify/ntt.h"
#include "field/gl_vec.h"
#include "../data/goldilocks_vectors.h"

#include <omp.h>
#include <string.h>

static uint64_t rng_state = 0xa4093822299f31d0ULL;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static gl_t rnd_gl(void)
{
    return rnd() % GL_P;
}

/* v[i] = sum_j c[j] (s w^i)^j, naive */
static void naive_coset_dft(gl_t *v, const gl_t *c, size_t n, gl_t s, gl_t w)
{
    gl_t x = s;
    for (size_t i = 0; i < n; i++) {
        gl_t acc = 0, p = 1;
        for (size_t j = 0; j < n; j++) {
            acc = gl_add(acc, gl_mul(c[j], p));
            p = gl_mul(p, x);
        }
        v[i] = acc;
        x = gl_mul(x, w);
    }
}

static gl_t *rnd_vec(size_t n)
{
    gl_t *a = malloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i] = rnd_gl();
    return a;
}

static void test_rev_bits(void)
{
    CU_ASSERT_EQUAL(bv_rev_bits(0, 0), 0);
    CU_ASSERT_EQUAL(bv_rev_bits(1, 1), 1);
    CU_ASSERT_EQUAL(bv_rev_bits(1, 3), 4);
    CU_ASSERT_EQUAL(bv_rev_bits(6, 3), 3);
    CU_ASSERT_EQUAL(bv_rev_bits(1, 64), 1ULL << 63);
    for (unsigned bits = 1; bits < 20; bits++)
        for (int t = 0; t < 100; t++) {
            uint64_t i = rnd() & ((1ULL << bits) - 1), r = 0;
            for (unsigned b = 0; b < bits; b++)
                r |= ((i >> b) & 1) << (bits - 1 - b);
            CU_ASSERT_EQUAL(bv_rev_bits(i, bits), r);
            CU_ASSERT_EQUAL(bv_rev_bits(r, bits), i);
        }
    gl_t a[16];
    for (int i = 0; i < 16; i++)
        a[i] = (gl_t)i;
    bv_bit_reverse(a, 4);
    for (int i = 0; i < 16; i++)
        CU_ASSERT_EQUAL(a[i], bv_rev_bits((uint64_t)i, 4));
}

static void test_spec_vectors(void)
{
    gl_t a[16];
    CU_ASSERT_EQUAL(gl_root_of_unity(3), tv_fft_n8_omega);
    memcpy(a, tv_fft_n8_coeffs, 8 * sizeof *a);
    CU_ASSERT_EQUAL(bv_fft(a, 3, NULL), BV_OK);
    for (int i = 0; i < 8; i++)
        CU_ASSERT_EQUAL(a[i], tv_fft_n8_values[i]);
    CU_ASSERT_EQUAL(bv_ifft(a, 3, NULL), BV_OK);
    CU_ASSERT_EQUAL(memcmp(a, tv_fft_n8_coeffs, 8 * sizeof *a), 0);

    CU_ASSERT_EQUAL(tv_lde_shift, GL_MULTIPLICATIVE_GENERATOR);
    CU_ASSERT_EQUAL(gl_root_of_unity(4), tv_lde_omega16);
    CU_ASSERT_EQUAL(bv_lde(a, tv_lde_coeffs, 3, tv_lde_rate_bits, NULL), BV_OK);
    for (int i = 0; i < 16; i++)
        CU_ASSERT_EQUAL(a[i], tv_lde_natural[i]);
    CU_ASSERT_EQUAL(bv_lde_rev(a, tv_lde_coeffs, 3, tv_lde_rate_bits, NULL), BV_OK);
    for (int i = 0; i < 16; i++)
        CU_ASSERT_EQUAL(a[i], tv_lde_bitrev[i]);
}

static void test_vs_naive(void)
{
    for (unsigned log_n = 0; log_n <= 9; log_n++) {
        size_t n = (size_t)1 << log_n;
        gl_t w = gl_root_of_unity(log_n);
        gl_t *c = rnd_vec(n), *a = malloc(n * sizeof *a), *v = malloc(n * sizeof *v);
        /* fft */
        memcpy(a, c, n * sizeof *a);
        CU_ASSERT_EQUAL(bv_fft(a, log_n, NULL), BV_OK);
        naive_coset_dft(v, c, n, 1, w);
        CU_ASSERT_EQUAL(memcmp(a, v, n * sizeof *a), 0);
        /* ifft inverts */
        CU_ASSERT_EQUAL(bv_ifft(a, log_n, NULL), BV_OK);
        CU_ASSERT_EQUAL(memcmp(a, c, n * sizeof *a), 0);
        /* coset fft with a random shift, natural and bit-reversed */
        gl_t s = rnd_gl() | 1;
        memcpy(a, c, n * sizeof *a);
        CU_ASSERT_EQUAL(bv_coset_fft(a, log_n, s, NULL), BV_OK);
        naive_coset_dft(v, c, n, s, w);
        CU_ASSERT_EQUAL(memcmp(a, v, n * sizeof *a), 0);
        CU_ASSERT_EQUAL(bv_coset_ifft(a, log_n, s, NULL), BV_OK);
        CU_ASSERT_EQUAL(memcmp(a, c, n * sizeof *a), 0);
        memcpy(a, c, n * sizeof *a);
        CU_ASSERT_EQUAL(bv_coset_fft_rev(a, log_n, s, NULL), BV_OK);
        for (size_t i = 0; i < n; i++)
            CU_ASSERT_EQUAL(a[i], v[bv_rev_bits(i, log_n)]);
        free(c);
        free(a);
        free(v);
    }
}

static void test_lde(void)
{
    for (unsigned log_n = 0; log_n <= 7; log_n++)
        for (unsigned rate = 0; rate <= 3; rate++) {
            size_t n = (size_t)1 << log_n, big = n << rate;
            gl_t *c = rnd_vec(n), *pad = calloc(big, sizeof(gl_t));
            gl_t *out = malloc(big * sizeof *out), *v = malloc(big * sizeof *v);
            memcpy(pad, c, n * sizeof *c);
            naive_coset_dft(v, pad, big, GL_MULTIPLICATIVE_GENERATOR,
                            gl_root_of_unity(log_n + rate));
            CU_ASSERT_EQUAL(bv_lde(out, c, log_n, rate, NULL), BV_OK);
            CU_ASSERT_EQUAL(memcmp(out, v, big * sizeof *v), 0);
            CU_ASSERT_EQUAL(bv_lde_rev(out, c, log_n, rate, NULL), BV_OK);
            for (size_t i = 0; i < big; i++)
                CU_ASSERT_EQUAL(out[i], v[bv_rev_bits(i, log_n + rate)]);
            /* coset_ifft recovers the (padded) coefficients */
            CU_ASSERT_EQUAL(bv_coset_ifft(v, log_n + rate, GL_MULTIPLICATIVE_GENERATOR, NULL),
                            BV_OK);
            CU_ASSERT_EQUAL(memcmp(v, pad, big * sizeof *v), 0);
            free(c);
            free(pad);
            free(out);
            free(v);
        }
}

/* Large sizes exercise the blocked and multi-threaded paths: compare with the
 * evaluation of a few points by Horner, and check round trips with 1 and 2
 * threads give identical outputs. */
static void test_large(void)
{
    unsigned sizes[] = {14, 16, 18};
    for (size_t k = 0; k < 3; k++) {
        unsigned log_n = sizes[k];
        size_t n = (size_t)1 << log_n;
        gl_t *c = rnd_vec(n), *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
        memcpy(a, c, n * sizeof *a);
        memcpy(b, c, n * sizeof *b);
        omp_set_num_threads(1);
        CU_ASSERT_EQUAL(bv_fft(a, log_n, NULL), BV_OK);
        omp_set_num_threads(2);
        CU_ASSERT_EQUAL(bv_fft(b, log_n, NULL), BV_OK);
        CU_ASSERT_EQUAL(memcmp(a, b, n * sizeof *a), 0);
        gl_t w = gl_root_of_unity(log_n);
        for (int t = 0; t < 4; t++) {
            size_t i = rnd() % n;
            gl_t x = gl_pow(w, i), acc = 0;
            for (size_t j = n; j-- > 0;)
                acc = gl_add(gl_mul(acc, x), c[j]);
            CU_ASSERT_EQUAL(a[i], acc);
        }
        CU_ASSERT_EQUAL(bv_ifft(a, log_n, NULL), BV_OK);
        CU_ASSERT_EQUAL(memcmp(a, c, n * sizeof *a), 0);
        /* LDE rev of a large input: spot check points */
        gl_t *out = malloc(4 * n * sizeof *out);
        CU_ASSERT_EQUAL(bv_lde_rev(out, c, log_n, 2, NULL), BV_OK);
        gl_t wb = gl_root_of_unity(log_n + 2);
        for (int t = 0; t < 4; t++) {
            size_t r = rnd() % (4 * n);
            gl_t x = gl_mul(GL_MULTIPLICATIVE_GENERATOR, gl_pow(wb, bv_rev_bits(r, log_n + 2)));
            gl_t acc = 0;
            for (size_t j = n; j-- > 0;)
                acc = gl_add(gl_mul(acc, x), c[j]);
            CU_ASSERT_EQUAL(out[r], acc);
        }
        free(out);
        free(c);
        free(a);
        free(b);
    }
}

static void test_ext(void)
{
    for (unsigned log_n = 0; log_n <= 6; log_n++) {
        size_t n = (size_t)1 << log_n;
        gl_ext *a = malloc(n * sizeof *a), *c = malloc(n * sizeof *c);
        gl_t *re = malloc(n * sizeof *re), *im = malloc(n * sizeof *im);
        for (size_t i = 0; i < n; i++) {
            c[i] = gl_ext_make(rnd_gl(), rnd_gl());
            re[i] = c[i].c0;
            im[i] = c[i].c1;
        }
        gl_t s = rnd_gl() | 1;
        memcpy(a, c, n * sizeof *a);
        CU_ASSERT_EQUAL(bv_coset_fft_ext(a, log_n, s, NULL), BV_OK);
        bv_coset_fft(re, log_n, s, NULL);
        bv_coset_fft(im, log_n, s, NULL);
        for (size_t i = 0; i < n; i++)
            CU_ASSERT(a[i].c0 == re[i] && a[i].c1 == im[i]);
        /* direct evaluation over K at one point */
        gl_ext x = gl_ext_from_base(gl_mul(s, gl_pow(gl_root_of_unity(log_n), n - 1))),
               acc = {0, 0};
        for (size_t j = n; j-- > 0;)
            acc = gl_ext_add(gl_ext_mul(acc, x), c[j]);
        CU_ASSERT(gl_ext_eq(acc, a[n - 1]));
        memcpy(a, c, n * sizeof *a);
        CU_ASSERT_EQUAL(bv_fft_ext(a, log_n, NULL), BV_OK);
        CU_ASSERT_EQUAL(bv_ifft_ext(a, log_n, NULL), BV_OK);
        CU_ASSERT_EQUAL(memcmp(a, c, n * sizeof *a), 0);
        gl_ext e[8];
        for (int i = 0; i < 8; i++)
            e[i] = gl_ext_make((gl_t)i, (gl_t)(100 + i));
        bv_bit_reverse_ext(e, 3);
        CU_ASSERT(e[1].c0 == 4 && e[1].c1 == 104 && e[3].c0 == 6);
        free(a);
        free(c);
        free(re);
        free(im);
    }
}

static void test_vec_kernels(void)
{
    static const gl_t edge[] = {0,
                                1,
                                2,
                                GL_P - 1,
                                GL_P - 2,
                                0xffffffffULL,
                                0x100000000ULL,
                                0xfffffffe00000000ULL,
                                0x8000000000000000ULL,
                                GL_P / 2};
    enum { N = 1000 };
    gl_t x[N], y[N], tw[N], x2[N], y2[N];
    for (int i = 0; i < N; i++) {
        x[i] = i < 100 ? edge[i % 10] : rnd_gl();
        y[i] = i < 100 ? edge[(i / 10) % 10] : rnd_gl();
        tw[i] = rnd() & 1 ? edge[rnd() % 10] : rnd_gl();
    }
    memcpy(x2, x, sizeof x);
    memcpy(y2, y, sizeof y);
    gl_vec_dif_butterflies(x2, y2, tw, N - 3);
    for (int i = 0; i < N - 3; i++) {
        CU_ASSERT_EQUAL(x2[i], gl_add(x[i], y[i]));
        CU_ASSERT_EQUAL(y2[i], gl_mul(gl_sub(x[i], y[i]), tw[i]));
    }
    memcpy(x2, x, sizeof x);
    memcpy(y2, y, sizeof y);
    gl_vec_dit_butterflies(x2, y2, tw, N - 5);
    for (int i = 0; i < N - 5; i++) {
        gl_t v = gl_mul(y[i], tw[i]);
        CU_ASSERT_EQUAL(x2[i], gl_add(x[i], v));
        CU_ASSERT_EQUAL(y2[i], gl_sub(x[i], v));
    }
    memcpy(x2, x, sizeof x);
    gl_vec_mul(x2, y, N);
    for (int i = 0; i < N; i++)
        CU_ASSERT_EQUAL(x2[i], gl_mul(x[i], y[i]));
    for (size_t cnt = 0; cnt < 40; cnt += 3) {
        gl_t first = rnd_gl(), sh = cnt % 2 ? rnd_gl() : GL_P - 1;
        memcpy(x2, x, sizeof x);
        gl_vec_scale_powers(x2, cnt, first, sh);
        gl_t p = first;
        for (size_t i = 0; i < cnt; i++) {
            CU_ASSERT_EQUAL(x2[i], gl_mul(x[i], p));
            p = gl_mul(p, sh);
        }
        CU_ASSERT_EQUAL(x2[cnt], x[cnt]); /* nothing past n */
    }
    printf("(avx512 kernels %s) ", gl_vec_have_avx512() ? "on" : "off");
}

static void test_errors(void)
{
    bv_status st;
    gl_t a[1] = {0};
    CU_ASSERT_EQUAL(bv_fft(a, 33, &st), BV_ERR_ARG);
    CU_ASSERT(strstr(st.msg, "2^33") != NULL);
    CU_ASSERT_EQUAL(bv_coset_ifft(a, 0, 0, &st), BV_ERR_ARG);
    CU_ASSERT_EQUAL(bv_lde(a, a, 30, 3, &st), BV_ERR_ARG);
}

static void register_suites(void)
{
    bv_cu_add_suite("ntt");
    bv_cu_add_test("bit reversal", test_rev_bits);
    bv_cu_add_test("spec vectors fft_n8 and coset_lde_rate1", test_spec_vectors);
    bv_cu_add_test("fft/ifft/coset vs naive DFT", test_vs_naive);
    bv_cu_add_test("LDE natural and bit-reversed vs naive", test_lde);
    bv_cu_add_test("large sizes, 1 vs 2 threads", test_large);
    bv_cu_add_test("extension-field transforms", test_ext);
    bv_cu_add_test("SIMD kernels == scalar", test_vec_kernels);
    bv_cu_add_test("argument errors", test_errors);
}

BV_CU_MAIN(register_suites)
