/* test_commitment.c - Poseidon validator commitment (include/balverify/commitment.h,
 * spec/SYSTEM.md section 5.2): leaf encodings, H_pos composition, zero
 * subtrees, trees of 1, 2, 3 and 9 validators against manual composition,
 * subtree/range forms. */
#include "cu_main.h"

#include <stdint.h>

#include "balverify/commitment.h"
#include "balverify/util_bytes.h"
#include "balverify/validator.h"

static uint64_t rng_state = 77;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void make_validator(uint8_t rec[121])
{
    for (int i = 0; i < 121; i++)
        rec[i] = (uint8_t)rnd();
    rec[88] = (uint8_t)(rnd() & 1);
}

static bv_hash PP(bv_hash a, bv_hash b)
{
    return bv_poseidon_two_to_one(a, b);
}
static int eq(bv_hash a, bv_hash b)
{
    return bv_hash_eq(a, b);
}

static void test_leaf_encoding(void)
{
    uint8_t rec[121];
    make_validator(rec);
    bv_hash l[8];
    bv_commit_validator_leaves(l, rec);
    /* pubkey: byte 0 first, MSB first */
    gl_t bits[384];
    for (int i = 0; i < 48; i++)
        for (int b = 0; b < 8; b++)
            bits[8 * i + b] = (rec[i] & (0x80 >> b)) ? 1 : 0;
    CU_ASSERT_TRUE(eq(l[0], bv_poseidon_hash_no_pad(bits, 384)));
    for (int i = 0; i < 32; i++)
        for (int b = 0; b < 8; b++)
            bits[8 * i + b] = (rec[48 + i] >> (7 - b)) & 1;
    CU_ASSERT_TRUE(eq(l[1], bv_poseidon_hash_no_pad(bits, 256)));
    /* u64 fields as [lo32, hi32] */
    static const int off[6] = {80, -1, 89, 97, 105, 113};
    for (int k = 0; k < 6; k++) {
        if (off[k] < 0)
            continue;
        uint64_t v = bv_le64(rec + off[k]);
        gl_t limbs[2] = {v & 0xffffffffu, v >> 32};
        CU_ASSERT_TRUE(eq(l[2 + k], bv_poseidon_hash_no_pad(limbs, 2)));
    }
    gl_t sl = rec[88];
    CU_ASSERT_TRUE(eq(l[3], bv_poseidon_hash_no_pad(&sl, 1)));
    /* H_pos = 3-level two_to_one tree over L0..L7 */
    bv_hash h = PP(PP(PP(l[0], l[1]), PP(l[2], l[3])), PP(PP(l[4], l[5]), PP(l[6], l[7])));
    CU_ASSERT_TRUE(eq(h, bv_commit_validator(rec)));
    /* sensitivity: flipping any single byte of the record changes H_pos */
    for (int i = 0; i < 121; i++) {
        uint8_t r2[121];
        memcpy(r2, rec, 121);
        if (i == 88)
            r2[88] ^= 1;
        else
            r2[i] ^= 0x10;
        CU_ASSERT_FALSE(eq(h, bv_commit_validator(r2)));
    }
    /* a FAR_FUTURE epoch has both limbs 0xffffffff */
    bv_validator v;
    CU_ASSERT_EQUAL(bv_validator_decode(&v, rec, 0, NULL), BV_OK);
    v.exit_epoch = BV_FAR_FUTURE_EPOCH;
    bv_validator_encode(rec, &v);
    bv_commit_validator_leaves(l, rec);
    gl_t far[2] = {0xffffffffu, 0xffffffffu};
    CU_ASSERT_TRUE(eq(l[6], bv_poseidon_hash_no_pad(far, 2)));
}

static void test_zero_subtrees(void)
{
    bv_hash z = bv_commit_zero(0);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(z.e[i], 0);
    for (unsigned k = 0; k < 64; k++)
        CU_ASSERT_TRUE(eq(bv_commit_zero(k + 1), PP(bv_commit_zero(k), bv_commit_zero(k))));
    /* the zero leaf is not H_pos of an all-zero validator */
    uint8_t zero[121] = {0};
    CU_ASSERT_FALSE(eq(bv_commit_validator(zero), bv_commit_zero(0)));
    bv_hash r;
    CU_ASSERT_EQUAL(bv_commit_root(&r, NULL, 0, NULL), BV_OK);
    CU_ASSERT_TRUE(eq(r, bv_commit_zero(40)));
    CU_ASSERT_EQUAL(bv_commit_subtree(&r, NULL, 0, 5, NULL), BV_OK);
    CU_ASSERT_TRUE(eq(r, bv_commit_zero(5)));
}

/* Manual depth-40 root: fold the explicit leaves level by level. */
static bv_hash manual_root(const bv_hash *leaves, size_t n)
{
    bv_hash level[16];
    memcpy(level, leaves, n * sizeof *leaves);
    size_t width = n;
    for (unsigned h = 0; h < 40; h++) {
        size_t next = (width + 1) / 2;
        for (size_t i = 0; i < next; i++) {
            bv_hash right = 2 * i + 1 < width ? level[2 * i + 1] : bv_commit_zero(h);
            level[i] = PP(level[2 * i], right);
        }
        width = next;
    }
    return level[0];
}

static void test_small_trees(void)
{
    uint8_t recs[9 * 121];
    for (int i = 0; i < 9; i++)
        make_validator(recs + 121 * i);
    bv_hash h[9];
    for (int i = 0; i < 9; i++)
        h[i] = bv_commit_validator(recs + 121 * i);
    bv_hash batch[9];
    bv_commit_validators(batch, recs, 9);
    for (int i = 0; i < 9; i++)
        CU_ASSERT_TRUE(eq(batch[i], h[i]));
    bv_hash z[41];
    for (int k = 0; k <= 40; k++)
        z[k] = bv_commit_zero((unsigned)k);
    bv_hash r;
    /* 1 validator: leaf paired with Z_0, Z_1, ... */
    bv_hash m = h[0];
    for (int k = 0; k < 40; k++)
        m = PP(m, z[k]);
    CU_ASSERT_EQUAL(bv_commit_root(&r, recs, 1, NULL), BV_OK);
    CU_ASSERT_TRUE(eq(r, m));
    /* 2 validators */
    m = PP(h[0], h[1]);
    for (int k = 1; k < 40; k++)
        m = PP(m, z[k]);
    CU_ASSERT_EQUAL(bv_commit_root(&r, recs, 2, NULL), BV_OK);
    CU_ASSERT_TRUE(eq(r, m));
    /* 3 validators */
    m = PP(PP(h[0], h[1]), PP(h[2], z[0]));
    for (int k = 2; k < 40; k++)
        m = PP(m, z[k]);
    CU_ASSERT_EQUAL(bv_commit_root(&r, recs, 3, NULL), BV_OK);
    CU_ASSERT_TRUE(eq(r, m));
    /* 9 validators */
    bv_hash q0 = PP(PP(PP(h[0], h[1]), PP(h[2], h[3])), PP(PP(h[4], h[5]), PP(h[6], h[7])));
    bv_hash q1 = PP(PP(PP(h[8], z[0]), z[1]), z[2]);
    m = PP(q0, q1);
    for (int k = 4; k < 40; k++)
        m = PP(m, z[k]);
    CU_ASSERT_EQUAL(bv_commit_root(&r, recs, 9, NULL), BV_OK);
    CU_ASSERT_TRUE(eq(r, m));
    CU_ASSERT_TRUE(eq(r, manual_root(h, 9)));
    /* the DendrETH leaf proof covers 8 validators: height-3 subtree */
    bv_hash s8;
    CU_ASSERT_EQUAL(bv_commit_subtree(&s8, recs, 8, 3, NULL), BV_OK);
    CU_ASSERT_TRUE(eq(s8, q0));
}

static void test_range_forms(void)
{
    enum { N = 300 };
    uint8_t *recs = malloc(121 * N);
    for (int i = 0; i < N; i++)
        make_validator(recs + 121 * i);
    /* the batched form equals one-by-one H_pos, at every batch boundary */
    bv_hash *batch = malloc(N * sizeof *batch);
    for (size_t cnt = 1; cnt <= N; cnt += 37) {
        bv_commit_validators(batch, recs, cnt);
        for (size_t i = 0; i < cnt; i++)
            CU_ASSERT_TRUE(eq(batch[i], bv_commit_validator(recs + 121 * i)));
    }
    free(batch);
    bv_hash whole;
    CU_ASSERT_EQUAL(bv_commit_root(&whole, recs, N, NULL), BV_OK);
    for (unsigned k = 0; k <= 9; k += 3) {
        size_t span = (size_t)1 << k, nsub = (N + span - 1) / span;
        bv_hash *roots = malloc(nsub * sizeof *roots);
        for (size_t j = 0; j < nsub; j++) {
            size_t m = N - j * span < span ? N - j * span : span;
            CU_ASSERT_EQUAL(bv_commit_subtree(&roots[j], recs + 121 * j * span, m, k, NULL), BV_OK);
        }
        bv_hash comb;
        CU_ASSERT_EQUAL(bv_commit_combine(&comb, roots, nsub, k, 40, NULL), BV_OK);
        CU_ASSERT_TRUE(eq(comb, whole));
        free(roots);
    }
    bv_status st;
    bv_hash r;
    CU_ASSERT_EQUAL(bv_commit_subtree(&r, recs, 9, 3, &st), BV_ERR_ARG);
    CU_ASSERT_EQUAL(bv_commit_combine(&r, &whole, 3, 39, 40, &st), BV_ERR_ARG);
    free(recs);
}

static void register_suites(void)
{
    bv_cu_add_suite("commitment");
    bv_cu_add_test("leaf encodings and H_pos", test_leaf_encoding);
    bv_cu_add_test("zero leaf and zero subtrees", test_zero_subtrees);
    bv_cu_add_test("trees of 1, 2, 3, 9 validators", test_small_trees);
    bv_cu_add_test("subtree and combine forms", test_range_forms);
}

BV_CU_MAIN(register_suites)
