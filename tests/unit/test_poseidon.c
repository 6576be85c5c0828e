/* test_poseidon.c - Poseidon permutation and sponge modes against the spec
 * vectors (include/balverify/poseidon.h). */
#include "cu_main.h"

#include "balverify/poseidon.h"
#include "hash/poseidon_internal.h"
#include "../data/poseidon_vectors.h"

#include <string.h>

/* splitmix64: deterministic test randomness */
static uint64_t rng_state = 0x1234567890abcdefULL;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static gl_t rnd_gl(void)
{
    /* mix in edge values so the reductions see their corner cases */
    static const gl_t edges[] = {0,
                                 1,
                                 2,
                                 GL_P - 1,
                                 GL_P - 2,
                                 0xffffffffULL,
                                 0x100000000ULL,
                                 GL_P - 0x100000000ULL,
                                 0x8000000000000000ULL};
    uint64_t r = rnd();
    if ((r & 7) == 0)
        return edges[(r >> 3) % (sizeof edges / sizeof edges[0])];
    return gl_from_u64(rnd());
}

static void test_upstream_permutation(void)
{
    for (size_t v = 0; v < TV_COUNT(tv_perm); v++) {
        gl_t s[12], r[12];
        memcpy(s, tv_perm[v].in, sizeof s);
        memcpy(r, tv_perm[v].in, sizeof r);
        bv_poseidon_permute(s);
        bv_poseidon_permute_ref(r);
        for (int i = 0; i < 12; i++) {
            CU_ASSERT_EQUAL(s[i], tv_perm[v].out[i]);
            CU_ASSERT_EQUAL(r[i], tv_perm[v].out[i]);
        }
    }
}

static void test_fast_equals_ref_random(void)
{
    for (int t = 0; t < 2000; t++) {
        gl_t s[12], r[12];
        for (int i = 0; i < 12; i++)
            s[i] = r[i] = rnd_gl();
        bv_poseidon_permute(s);
        bv_poseidon_permute_ref(r);
        CU_ASSERT_EQUAL(memcmp(s, r, sizeof s), 0);
        for (int i = 0; i < 12; i++)
            CU_ASSERT(s[i] < GL_P);
    }
    /* all lanes p-1 and all lanes 0 */
    gl_t s[12], r[12];
    for (int i = 0; i < 12; i++)
        s[i] = r[i] = GL_P - 1;
    bv_poseidon_permute(s);
    bv_poseidon_permute_ref(r);
    CU_ASSERT_EQUAL(memcmp(s, r, sizeof s), 0);
}

/* the portable path must agree too when the public entry point uses SIMD */
static void test_scalar_path(void)
{
    for (int t = 0; t < 2000; t++) {
        gl_t s[12], r[12];
        for (int i = 0; i < 12; i++)
            s[i] = r[i] = rnd_gl();
        bv_poseidon_permute_scalar(s);
        bv_poseidon_permute_ref(r);
        CU_ASSERT_EQUAL(memcmp(s, r, sizeof s), 0);
    }
    for (size_t v = 0; v < TV_COUNT(tv_perm); v++) {
        gl_t s[12];
        memcpy(s, tv_perm[v].in, sizeof s);
        bv_poseidon_permute_scalar(s);
        CU_ASSERT_EQUAL(memcmp(s, tv_perm[v].out, sizeof s), 0);
    }
    printf("(avx512 %s) ", bv_poseidon_have_avx512() ? "in use" : "not in use");
}

static void test_permute_many(void)
{
    /* counts around the SIMD batch widths, including tails */
    static const size_t counts[] = {0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 33, 100};
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        size_t n = counts[c];
        gl_t *a = malloc((n + 1) * 12 * sizeof *a);
        gl_t *b = malloc((n + 1) * 12 * sizeof *b);
        CU_ASSERT_FATAL(a && b);
        for (size_t i = 0; i < (n + 1) * 12; i++)
            a[i] = b[i] = rnd_gl();
        bv_poseidon_permute_many(a, n);
        for (size_t i = 0; i < n; i++)
            bv_poseidon_permute_ref(b + 12 * i);
        CU_ASSERT_EQUAL(memcmp(a, b, (n + 1) * 12 * sizeof *a), 0); /* incl. untouched guard */
        free(a);
        free(b);
    }
}

/* many random states through the batched kernel (lazy reductions inside) */
static void test_permute_many_bulk(void)
{
    size_t n = 20000;
    gl_t *a = malloc(n * 12 * sizeof *a), *b = malloc(n * 12 * sizeof *b);
    CU_ASSERT_FATAL(a && b);
    for (size_t i = 0; i < n * 12; i++)
        a[i] = b[i] = rnd_gl();
    bv_poseidon_permute_many(a, n);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        bv_poseidon_permute_ref(b + 12 * i);
        bad += memcmp(a + 12 * i, b + 12 * i, 12 * sizeof *a) != 0;
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(a);
    free(b);
}

static void check_hash_vectors(const struct tv_hash *v, size_t count,
                               bv_hash (*fn)(const gl_t *, size_t))
{
    for (size_t i = 0; i < count; i++) {
        CU_ASSERT_EQUAL_FATAL(v[i].m, 4);
        bv_hash h = fn(v[i].in, v[i].n);
        for (int k = 0; k < 4; k++)
            CU_ASSERT_EQUAL(h.e[k], v[i].out[k]);
    }
}

static void test_hash_no_pad(void)
{
    check_hash_vectors(tv_hash_no_pad, TV_COUNT(tv_hash_no_pad), bv_poseidon_hash_no_pad);
}
static void test_hash_or_noop(void)
{
    check_hash_vectors(tv_hash_or_noop, TV_COUNT(tv_hash_or_noop), bv_poseidon_hash_or_noop);
    /* > 4 elements means hashing */
    gl_t x[5] = {1, 2, 3, 4, 5};
    CU_ASSERT(bv_hash_eq(bv_poseidon_hash_or_noop(x, 5), bv_poseidon_hash_no_pad(x, 5)));
}
static void test_hash_pad(void)
{
    check_hash_vectors(tv_hash_pad, TV_COUNT(tv_hash_pad), bv_poseidon_hash_pad);
    /* hash_pad equals hash_no_pad of the explicitly padded input, all lengths 0..20 */
    for (size_t n = 0; n <= 20; n++) {
        gl_t in[32], padded[40];
        for (size_t i = 0; i < n; i++)
            in[i] = padded[i] = rnd_gl();
        size_t len = n;
        padded[len++] = 1;
        while ((len + 1) % 8 != 0)
            padded[len++] = 0;
        padded[len++] = 1;
        CU_ASSERT_EQUAL(len % 8, 0);
        CU_ASSERT(bv_hash_eq(bv_poseidon_hash_pad(in, n), bv_poseidon_hash_no_pad(padded, len)));
    }
}

static void test_hash_n_to_m(void)
{
    for (size_t i = 0; i < TV_COUNT(tv_hash_n_to_m); i++) {
        gl_t out[10];
        bv_poseidon_hash_n_to_m(tv_hash_n_to_m[i].in, tv_hash_n_to_m[i].n, out,
                                tv_hash_n_to_m[i].m);
        for (size_t k = 0; k < tv_hash_n_to_m[i].m; k++)
            CU_ASSERT_EQUAL(out[k], tv_hash_n_to_m[i].out[k]);
    }
    /* prefix property: fewer outputs are a prefix of more outputs */
    gl_t in[13], a[20], b[3];
    for (int i = 0; i < 13; i++)
        in[i] = rnd_gl();
    bv_poseidon_hash_n_to_m(in, 13, a, 20);
    bv_poseidon_hash_n_to_m(in, 13, b, 3);
    CU_ASSERT_EQUAL(memcmp(a, b, sizeof b), 0);
    /* overwrite mode: a second chunk shorter than 8 keeps the other lanes */
    gl_t s[12] = {0};
    memcpy(s, in, 8 * sizeof *s);
    bv_poseidon_permute_ref(s);
    memcpy(s, in + 8, 5 * sizeof *s);
    bv_poseidon_permute_ref(s);
    CU_ASSERT_EQUAL(memcmp(s, a, 8 * sizeof *s), 0);
    bv_poseidon_permute_ref(s);
    CU_ASSERT_EQUAL(memcmp(s, a + 8, 8 * sizeof *s), 0);
    /* empty input: zeros, then a permutation of the zero state */
    bv_poseidon_hash_n_to_m(NULL, 0, a, 9);
    gl_t z[12] = {0};
    bv_poseidon_permute_ref(z);
    for (int i = 0; i < 8; i++)
        CU_ASSERT_EQUAL(a[i], 0);
    CU_ASSERT_EQUAL(a[8], z[0]);
}

static void test_two_to_one(void)
{
    for (size_t i = 0; i < TV_COUNT(tv_two_to_one); i++) {
        bv_hash l, r;
        memcpy(l.e, tv_two_to_one[i].left, sizeof l.e);
        memcpy(r.e, tv_two_to_one[i].right, sizeof r.e);
        bv_hash h = bv_poseidon_two_to_one(l, r);
        for (int k = 0; k < 4; k++)
            CU_ASSERT_EQUAL(h.e[k], tv_two_to_one[i].out[k]);
        gl_t cat[8];
        memcpy(cat, l.e, sizeof l.e);
        memcpy(cat + 4, r.e, sizeof r.e);
        CU_ASSERT(bv_hash_eq(h, bv_poseidon_hash_no_pad(cat, 8)));
    }
}

static void test_hash_bytes(void)
{
    bv_hash h = {{0x0102030405060708ULL, GL_P - 1, 0, 0xdeadbeefULL}};
    uint8_t b[32];
    bv_hash_to_bytes(h, b);
    CU_ASSERT_EQUAL(b[0], 0x08);
    CU_ASSERT_EQUAL(b[7], 0x01);
    CU_ASSERT_EQUAL(b[8], 0x00);
    CU_ASSERT_EQUAL(b[12], 0xff);
    CU_ASSERT_EQUAL(b[24], 0xef);
    CU_ASSERT(bv_hash_eq(bv_hash_from_bytes(b), h));
    bv_hash c;
    CU_ASSERT_EQUAL(bv_hash_from_bytes_checked(b, &c), 0);
    CU_ASSERT(bv_hash_eq(c, h));
    memset(b + 16, 0xff, 8); /* 2^64 - 1 is not canonical */
    CU_ASSERT_EQUAL(bv_hash_from_bytes_checked(b, &c), -1);
    CU_ASSERT(bv_hash_from_bytes(b).e[2] < GL_P);
}

static void test_gate_wires(void)
{
    for (size_t i = 0; i < TV_COUNT(tv_gate); i++) {
        gl_t w[BV_POSEIDON_GATE_WIRES];
        bv_poseidon_gate_witness(tv_gate[i].in, tv_gate[i].swap, w);
        for (int k = 0; k < BV_POSEIDON_GATE_WIRES; k++)
            CU_ASSERT_EQUAL(w[k], tv_gate[i].wires[k]);
    }
    /* output wires equal the permutation of the (swapped) input */
    gl_t in[12], s[12], w[BV_POSEIDON_GATE_WIRES];
    for (int i = 0; i < 12; i++)
        in[i] = rnd_gl();
    bv_poseidon_gate_witness(in, 1, w);
    for (int i = 0; i < 4; i++) {
        s[i] = in[i + 4];
        s[i + 4] = in[i];
        s[i + 8] = in[i + 8];
    }
    bv_poseidon_permute(s);
    CU_ASSERT_EQUAL(memcmp(w + 12, s, sizeof s), 0);
}

static void register_suites(void)
{
    bv_cu_add_suite("poseidon permutation");
    bv_cu_add_test("upstream vectors (fast and reference)", test_upstream_permutation);
    bv_cu_add_test("fast == reference on random states", test_fast_equals_ref_random);
    bv_cu_add_test("portable scalar path == reference", test_scalar_path);
    bv_cu_add_test("permute_many == reference", test_permute_many);
    bv_cu_add_test("permute_many == reference, 20000 states", test_permute_many_bulk);
    bv_cu_add_suite("poseidon sponge");
    bv_cu_add_test("hash_no_pad vectors", test_hash_no_pad);
    bv_cu_add_test("hash_or_noop vectors", test_hash_or_noop);
    bv_cu_add_test("hash_pad vectors and padding rule", test_hash_pad);
    bv_cu_add_test("hash_n_to_m vectors and overwrite mode", test_hash_n_to_m);
    bv_cu_add_test("two_to_one vectors", test_two_to_one);
    bv_cu_add_test("HashOut bytes", test_hash_bytes);
    bv_cu_add_test("PoseidonGate wire vectors", test_gate_wires);
}

BV_CU_MAIN(register_suites)
