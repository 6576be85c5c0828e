/* test_merkle.c - Merkle trees with caps (include/balverify/merkle.h). */
#include "cu_main.h"

#include "balverify/merkle.h"

#include <omp.h>
#include <string.h>

static uint64_t rng_state = 0x082efa98ec4e6c89ULL;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* recursive reference root of leaf digests [lo, lo + n) */
static bv_hash ref_node(const gl_t *leaves, size_t len, size_t lo, size_t n)
{
    if (n == 1)
        return bv_poseidon_hash_or_noop(leaves + lo * len, len);
    return bv_poseidon_two_to_one(ref_node(leaves, len, lo, n / 2),
                                  ref_node(leaves, len, lo + n / 2, n / 2));
}

static gl_t *rnd_leaves(size_t n, size_t len)
{
    gl_t *l = malloc((n * len + 1) * sizeof *l);
    for (size_t i = 0; i < n * len; i++)
        l[i] = rnd() % GL_P;
    return l;
}

static void test_cap_matches_reference(void)
{
    static const size_t lens[] = {0, 1, 3, 4, 5, 8, 9, 16, 17, 135};
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++)
        for (unsigned log_n = 0; log_n <= 6; log_n++)
            for (unsigned h = 0; h <= log_n; h++) {
                size_t len = lens[li], n = (size_t)1 << log_n;
                gl_t *leaves = rnd_leaves(n, len);
                bv_merkle_tree t;
                CU_ASSERT_EQUAL_FATAL(bv_merkle_build(&t, leaves, log_n, len, h, NULL), BV_OK);
                size_t cn = (size_t)1 << h, sub = n >> h;
                CU_ASSERT_EQUAL(bv_merkle_cap_len(&t), cn);
                for (size_t c = 0; c < cn; c++)
                    CU_ASSERT(
                        bv_hash_eq(bv_merkle_cap(&t)[c], ref_node(leaves, len, c * sub, sub)));
                /* every leaf proves and verifies; a wrong index or leaf does not */
                bv_hash sib[8];
                for (size_t i = 0; i < n; i++) {
                    bv_merkle_prove(&t, i, sib);
                    CU_ASSERT_EQUAL(bv_merkle_verify(leaves + i * len, len, i, bv_merkle_cap(&t), h,
                                                     sib, bv_merkle_proof_len(&t), NULL),
                                    BV_OK);
                    if (n > 1)
                        CU_ASSERT_EQUAL(bv_merkle_verify(leaves + i * len, len, i ^ 1,
                                                         bv_merkle_cap(&t), h, sib,
                                                         bv_merkle_proof_len(&t), NULL),
                                        len == 0 ? BV_OK : BV_ERR_VERIFY);
                    if (len > 0) {
                        gl_t save = leaves[i * len];
                        leaves[i * len] = gl_add(save, 1);
                        CU_ASSERT_EQUAL(bv_merkle_verify(leaves + i * len, len, i,
                                                         bv_merkle_cap(&t), h, sib,
                                                         bv_merkle_proof_len(&t), NULL),
                                        BV_ERR_VERIFY);
                        leaves[i * len] = save;
                    }
                }
                bv_merkle_free(&t);
                free(leaves);
            }
}

/* 16-leaf tree of single-element leaves: leaf digests are the (unhashed)
 * zero-padded values, and the root is the compression of the two halves. */
static void test_noop_leaves(void)
{
    gl_t leaves[16];
    for (int i = 0; i < 16; i++)
        leaves[i] = (gl_t)i;
    bv_merkle_tree t;
    CU_ASSERT_EQUAL_FATAL(bv_merkle_build(&t, leaves, 4, 1, 4, NULL), BV_OK);
    for (int i = 0; i < 16; i++) {
        bv_hash e = {{(gl_t)i, 0, 0, 0}};
        CU_ASSERT(bv_hash_eq(bv_merkle_cap(&t)[i], e));
    }
    bv_merkle_free(&t);
    CU_ASSERT_EQUAL_FATAL(bv_merkle_build(&t, leaves, 4, 1, 0, NULL), BV_OK);
    bv_hash l = {{0, 0, 0, 0}}, r = {{1, 0, 0, 0}};
    CU_ASSERT(bv_hash_eq(t.nodes[t.level_off[1]], bv_poseidon_two_to_one(l, r)));
    bv_merkle_free(&t);
}

static void test_proof_tamper(void)
{
    size_t len = 10;
    unsigned log_n = 8, h = 2;
    gl_t *leaves = rnd_leaves(256, len);
    bv_merkle_tree t;
    CU_ASSERT_EQUAL_FATAL(bv_merkle_build(&t, leaves, log_n, len, h, NULL), BV_OK);
    bv_hash sib[6];
    bv_status st;
    for (int trial = 0; trial < 200; trial++) {
        size_t i = rnd() % 256;
        bv_merkle_prove(&t, i, sib);
        unsigned k = (unsigned)(rnd() % 6);
        int e = (int)(rnd() % 4);
        sib[k].e[e] = gl_add(sib[k].e[e], 1 + rnd() % 1000);
        CU_ASSERT_EQUAL(
            bv_merkle_verify(leaves + i * len, len, i, bv_merkle_cap(&t), h, sib, 6, &st),
            BV_ERR_VERIFY);
    }
    bv_merkle_prove(&t, 5, sib);
    /* wrong cap and out-of-range index */
    bv_hash cap[4];
    memcpy(cap, bv_merkle_cap(&t), sizeof cap);
    cap[0].e[0] ^= 1;
    CU_ASSERT_EQUAL(bv_merkle_verify(leaves + 5 * len, len, 5, cap, h, sib, 6, NULL),
                    BV_ERR_VERIFY);
    CU_ASSERT_EQUAL(
        bv_merkle_verify(leaves + 5 * len, len, 5 + 256, bv_merkle_cap(&t), h, sib, 6, &st),
        BV_ERR_VERIFY);
    CU_ASSERT(strstr(st.msg, "out of range") != NULL);
    /* a shorter proof against the same cap fails */
    CU_ASSERT_EQUAL(bv_merkle_verify(leaves + 5 * len, len, 5, bv_merkle_cap(&t), h, sib, 5, NULL),
                    BV_ERR_VERIFY);
    bv_merkle_free(&t);
    free(leaves);
}

static void test_threads_and_stride(void)
{
    size_t len = 135, stride = 140;
    unsigned log_n = 12;
    size_t n = (size_t)1 << log_n;
    gl_t *rows = rnd_leaves(n, stride), *packed = malloc(n * len * sizeof *packed);
    for (size_t i = 0; i < n; i++)
        memcpy(packed + i * len, rows + i * stride, len * sizeof *packed);
    bv_merkle_tree a, b;
    omp_set_num_threads(1);
    CU_ASSERT_EQUAL_FATAL(bv_merkle_build(&a, packed, log_n, len, 4, NULL), BV_OK);
    omp_set_num_threads(2);
    CU_ASSERT_EQUAL_FATAL(bv_merkle_build_strided(&b, rows, log_n, len, stride, 4, NULL), BV_OK);
    CU_ASSERT_EQUAL(memcmp(bv_merkle_cap(&a), bv_merkle_cap(&b), 16 * sizeof(bv_hash)), 0);
    /* leaf digests against single hashes */
    for (int k = 0; k < 20; k++) {
        size_t i = rnd() % n;
        CU_ASSERT(bv_hash_eq(a.nodes[i], bv_poseidon_hash_no_pad(packed + i * len, len)));
    }
    bv_merkle_free(&a);
    bv_merkle_free(&b);
    free(rows);
    free(packed);
}

/* batched verification agrees with single verification, names the first
 * bad leaf */
static void test_verify_many(void)
{
    size_t len = 21;
    unsigned log_n = 9, h = 3, ns = 6;
    gl_t *leaves = rnd_leaves(512, len);
    bv_merkle_tree t;
    CU_ASSERT_EQUAL_FATAL(bv_merkle_build(&t, leaves, log_n, len, h, NULL), BV_OK);
    enum { C = 29 };
    size_t idx[C];
    gl_t rows[C * 24];
    bv_hash sibs[C * 7];
    for (size_t k = 0; k < C; k++) {
        idx[k] = rnd() % 512;
        memcpy(rows + k * 24, leaves + idx[k] * len, len * sizeof(gl_t));
        bv_merkle_prove(&t, idx[k], sibs + k * 7);
    }
    size_t bad = 99;
    bv_status st;
    CU_ASSERT_EQUAL(
        bv_merkle_verify_many(rows, len, 24, idx, C, bv_merkle_cap(&t), h, sibs, 7, ns, &bad, &st),
        BV_OK);
    CU_ASSERT_EQUAL(
        bv_merkle_verify_many(rows, len, 24, idx, 0, bv_merkle_cap(&t), h, sibs, 7, ns, &bad, &st),
        BV_OK);
    for (int trial = 0; trial < 30; trial++) {
        size_t k = rnd() % C;
        int what = (int)(rnd() % 3);
        if (what == 0)
            rows[k * 24 + rnd() % len] ^= 1;
        else if (what == 1)
            sibs[k * 7 + rnd() % ns].e[rnd() % 4] ^= 1;
        else
            idx[k] ^= 1;
        CU_ASSERT_EQUAL(bv_merkle_verify_many(rows, len, 24, idx, C, bv_merkle_cap(&t), h, sibs, 7,
                                              ns, &bad, &st),
                        BV_ERR_VERIFY);
        CU_ASSERT_EQUAL(bad, k);
        CU_ASSERT_EQUAL(bv_merkle_verify(rows + k * 24, len, idx[k], bv_merkle_cap(&t), h,
                                         sibs + k * 7, ns, NULL),
                        BV_ERR_VERIFY);
        /* undo */
        if (what == 2)
            idx[k] ^= 1;
        memcpy(rows + k * 24, leaves + idx[k] * len, len * sizeof(gl_t));
        bv_merkle_prove(&t, idx[k], sibs + k * 7);
    }
    idx[3] = 512 << 3;
    CU_ASSERT_EQUAL(
        bv_merkle_verify_many(rows, len, 24, idx, C, bv_merkle_cap(&t), h, sibs, 7, ns, &bad, &st),
        BV_ERR_VERIFY);
    CU_ASSERT(strstr(st.msg, "out of range") != NULL);
    bv_merkle_free(&t);
    free(leaves);
}

static void test_errors(void)
{
    bv_merkle_tree t;
    bv_status st;
    gl_t x[4] = {0};
    CU_ASSERT_EQUAL(bv_merkle_build(&t, x, 1, 2, 2, &st), BV_ERR_ARG);
    CU_ASSERT(strstr(st.msg, "cap height") != NULL);
    CU_ASSERT_EQUAL(bv_merkle_build_strided(&t, x, 1, 2, 1, 0, &st), BV_ERR_ARG);
    bv_merkle_free(&t); /* harmless on a failed build */
}

static void register_suites(void)
{
    bv_cu_add_suite("merkle");
    bv_cu_add_test("caps vs recursive reference, prove/verify all leaves",
                   test_cap_matches_reference);
    bv_cu_add_test("hash_or_noop leaves", test_noop_leaves);
    bv_cu_add_test("tampered proofs rejected", test_proof_tamper);
    bv_cu_add_test("1 vs 2 threads, strided rows", test_threads_and_stride);
    bv_cu_add_test("batched verification", test_verify_many);
    bv_cu_add_test("argument errors", test_errors);
}

BV_CU_MAIN(register_suites)
