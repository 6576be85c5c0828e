/* test_ssz.c - SSZ merkleization, branches, gindices and progressive
 * merkleization (include/balverify/ssz.h), each checked against a naive
 * model written here from the definitions in spec/CONSENSUS.md. */
#include "cu_main.h"

#include <stdint.h>

#include "balverify/sha256.h"
#include "balverify/ssz.h"
#include "balverify/util_hex.h"

static uint64_t rng_state = 0x1234567ULL;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static void rnd_bytes(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd();
}

static void H(uint8_t out[32], const uint8_t *a, const uint8_t *b)
{
    uint8_t blk[64];
    memcpy(blk, a, 32);
    memcpy(blk + 32, b, 32);
    bv_sha256(out, blk, 64);
}

/* Naive model: materialize all 2^depth leaves. */
static void naive_merkleize(uint8_t out[32], const uint8_t *chunks, size_t count, unsigned depth)
{
    size_t width = (size_t)1 << depth;
    uint8_t *t = calloc(width, 32);
    memcpy(t, chunks, count * 32);
    while (width > 1) {
        for (size_t i = 0; i < width / 2; i++)
            H(t + 32 * i, t + 64 * i, t + 64 * i + 32);
        width /= 2;
    }
    memcpy(out, t, 32);
    free(t);
}

/* Naive progressive merkleization, straight from the recursive definition. */
static void naive_progressive(uint8_t out[32], const uint8_t *chunks, size_t count, size_t w)
{
    if (count == 0) {
        memset(out, 0, 32);
        return;
    }
    size_t take = count < w ? count : w;
    uint8_t left[32], right[32];
    naive_merkleize(left, chunks, take, bv_ssz_ceil_log2(w));
    naive_progressive(right, chunks + 32 * take, count - take, 4 * w);
    H(out, left, right);
}

static void test_zero_hashes(void)
{
    uint8_t z1[32];
    CU_ASSERT_FATAL(
        bv_hex_decode(z1, 32, "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b",
                      NULL) == BV_OK);
    static const uint8_t zero[32];
    CU_ASSERT_EQUAL(memcmp(bv_ssz_zero_hash(0), zero, 32), 0);
    CU_ASSERT_EQUAL(memcmp(bv_ssz_zero_hash(1), z1, 32), 0);
    for (unsigned d = 0; d < BV_SSZ_MAX_DEPTH; d++) {
        uint8_t x[32];
        H(x, bv_ssz_zero_hash(d), bv_ssz_zero_hash(d));
        CU_ASSERT_EQUAL(memcmp(x, bv_ssz_zero_hash(d + 1), 32), 0);
    }
    CU_ASSERT_PTR_NULL(bv_ssz_zero_hash(BV_SSZ_MAX_DEPTH + 1));
    CU_ASSERT_EQUAL(bv_ssz_ceil_log2(0), 0);
    CU_ASSERT_EQUAL(bv_ssz_ceil_log2(1), 0);
    CU_ASSERT_EQUAL(bv_ssz_ceil_log2(2), 1);
    CU_ASSERT_EQUAL(bv_ssz_ceil_log2(3), 2);
    CU_ASSERT_EQUAL(bv_ssz_ceil_log2(1ULL << 40), 40);
    CU_ASSERT_EQUAL(bv_ssz_ceil_log2((1ULL << 40) + 1), 41);
}

static void test_merkleize_vs_naive(void)
{
    uint8_t chunks[32 * 64];
    rnd_bytes(chunks, sizeof chunks);
    for (unsigned depth = 0; depth <= 6; depth++) {
        for (size_t count = 0; count <= ((size_t)1 << depth); count++) {
            uint8_t a[32], b[32];
            naive_merkleize(a, chunks, count, depth);
            CU_ASSERT_EQUAL(bv_ssz_merkleize_depth(b, chunks, count, depth, NULL), BV_OK);
            CU_ASSERT_EQUAL(memcmp(a, b, 32), 0);
        }
    }
    /* deep trees: padding by zero hashes == naive extension of a depth-6 root */
    for (size_t count = 1; count <= 64; count += 9) {
        uint8_t a[32], b[32];
        naive_merkleize(a, chunks, count, 6);
        for (unsigned d = 6; d < 40; d++)
            H(a, a, bv_ssz_zero_hash(d));
        CU_ASSERT_EQUAL(bv_ssz_merkleize_depth(b, chunks, count, 40, NULL), BV_OK);
        CU_ASSERT_EQUAL(memcmp(a, b, 32), 0);
    }
    /* limit semantics and errors */
    uint8_t r1[32], r2[32];
    CU_ASSERT_EQUAL(bv_ssz_merkleize(r1, chunks, 5, 8, NULL), BV_OK);
    CU_ASSERT_EQUAL(bv_ssz_merkleize_depth(r2, chunks, 5, 3, NULL), BV_OK);
    CU_ASSERT_EQUAL(memcmp(r1, r2, 32), 0);
    CU_ASSERT_EQUAL(bv_ssz_merkleize(r1, chunks, 5, 0, NULL), BV_OK); /* next pow2 = 8 */
    CU_ASSERT_EQUAL(memcmp(r1, r2, 32), 0);
    bv_status st;
    CU_ASSERT_EQUAL(bv_ssz_merkleize(r1, chunks, 9, 8, &st), BV_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "limit"));
    CU_ASSERT_EQUAL(bv_ssz_merkleize_depth(r1, chunks, 9, 3, &st), BV_ERR_ARG);
    CU_ASSERT_EQUAL(bv_ssz_merkleize_depth(r1, chunks, 1, 65, &st), BV_ERR_ARG);
}

static void test_subtree_combination(void)
{
    enum { N = 1000 };
    uint8_t *chunks = malloc(32 * N);
    rnd_bytes(chunks, 32 * N);
    uint8_t whole[32];
    CU_ASSERT_EQUAL(bv_ssz_merkleize_depth(whole, chunks, N, 40, NULL), BV_OK);
    for (unsigned k = 0; k <= 10; k++) {
        size_t span = (size_t)1 << k, nsub = (N + span - 1) / span;
        uint8_t *roots = malloc(32 * nsub);
        for (size_t j = 0; j < nsub; j++) {
            size_t m = N - j * span < span ? N - j * span : span;
            CU_ASSERT_EQUAL(
                bv_ssz_merkleize_depth(roots + 32 * j, chunks + 32 * j * span, m, k, NULL), BV_OK);
        }
        uint8_t combined[32];
        CU_ASSERT_EQUAL(bv_ssz_merkleize_nodes(combined, roots, nsub, k, 40, NULL), BV_OK);
        CU_ASSERT_EQUAL(memcmp(combined, whole, 32), 0);
        free(roots);
    }
    free(chunks);
}

static void make_validator(uint8_t rec[121])
{
    rnd_bytes(rec, 121);
    rec[88] = (uint8_t)(rnd() & 1);
}

static void test_validator_root(void)
{
    enum { N = 150 };
    uint8_t *recs = malloc(121 * N), *batch = malloc(32 * N);
    for (int i = 0; i < N; i++)
        make_validator(recs + 121 * i);
    bv_ssz_validator_roots(batch, recs, N);
    for (int i = 0; i < N; i++) {
        const uint8_t *r = recs + 121 * i;
        /* manual composition from CONSENSUS.md section 2 */
        uint8_t l[8][32];
        memset(l, 0, sizeof l);
        uint8_t pk[64] = {0};
        memcpy(pk, r, 48);
        bv_sha256(l[0], pk, 64);
        memcpy(l[1], r + 48, 32);
        memcpy(l[2], r + 80, 8);
        l[3][0] = r[88];
        memcpy(l[4], r + 89, 8);
        memcpy(l[5], r + 97, 8);
        memcpy(l[6], r + 105, 8);
        memcpy(l[7], r + 113, 8);
        uint8_t a[32], b[32], c[32], d[32], e[32], f[32], root[32], one[32];
        H(a, l[0], l[1]);
        H(b, l[2], l[3]);
        H(c, l[4], l[5]);
        H(d, l[6], l[7]);
        H(e, a, b);
        H(f, c, d);
        H(root, e, f);
        bv_ssz_validator_root(one, r);
        CU_ASSERT_EQUAL(memcmp(root, one, 32), 0);
        CU_ASSERT_EQUAL(memcmp(root, batch + 32 * i, 32), 0);
    }
    /* list root: data tree of depth 40, length mixed in; parallel path too */
    uint8_t lr[32], model[32];
    CU_ASSERT_EQUAL(bv_ssz_validators_root(lr, recs, N, NULL), BV_OK);
    bv_ssz_merkleize_depth(model, batch, N, 40, NULL);
    bv_ssz_mix_in_length(model, model, N);
    CU_ASSERT_EQUAL(memcmp(lr, model, 32), 0);
    CU_ASSERT_EQUAL(bv_ssz_validators_root(lr, recs, 0, NULL), BV_OK);
    bv_ssz_mix_in_length(model, bv_ssz_zero_hash(40), 0);
    CU_ASSERT_EQUAL(memcmp(lr, model, 32), 0);
    free(recs);
    free(batch);

    enum { BIG = 40000 }; /* above the threaded threshold */
    recs = malloc((size_t)121 * BIG);
    batch = malloc((size_t)32 * BIG);
    for (int i = 0; i < BIG; i++)
        make_validator(recs + 121 * i);
    bv_ssz_validator_roots(batch, recs, BIG);
    bv_ssz_merkleize_depth(model, batch, BIG, 40, NULL);
    bv_ssz_mix_in_length(model, model, BIG);
    CU_ASSERT_EQUAL(bv_ssz_validators_root(lr, recs, BIG, NULL), BV_OK);
    CU_ASSERT_EQUAL(memcmp(lr, model, 32), 0);
    /* subtree form: 2^12-validator subtrees combined */
    size_t nsub = (BIG + 4095) / 4096;
    uint8_t *roots = malloc(32 * nsub);
    for (size_t j = 0; j < nsub; j++) {
        size_t m = BIG - j * 4096 < 4096 ? BIG - j * 4096 : 4096;
        CU_ASSERT_EQUAL(
            bv_ssz_validators_subtree(roots + 32 * j, recs + 121 * 4096 * j, m, 12, NULL), BV_OK);
    }
    uint8_t comb[32];
    CU_ASSERT_EQUAL(bv_ssz_merkleize_nodes(comb, roots, nsub, 12, 40, NULL), BV_OK);
    bv_ssz_mix_in_length(comb, comb, BIG);
    CU_ASSERT_EQUAL(memcmp(comb, model, 32), 0);
    bv_status st;
    CU_ASSERT_EQUAL(bv_ssz_validators_subtree(comb, recs, 4097, 12, &st), BV_ERR_ARG);
    free(roots);
    free(recs);
    free(batch);
}

static void test_balances_root(void)
{
    enum { N = 1003 };
    uint8_t bal[8 * N];
    rnd_bytes(bal, sizeof bal);
    /* model: chunks of 4 balances, last chunk zero padded, depth 38, mix n */
    size_t nchunks = (N + 3) / 4;
    uint8_t *chunks = calloc(nchunks, 32);
    memcpy(chunks, bal, sizeof bal);
    uint8_t model[32], got[32];
    bv_ssz_merkleize_depth(model, chunks, nchunks, 38, NULL);
    bv_ssz_mix_in_length(model, model, N);
    CU_ASSERT_EQUAL(bv_ssz_balances_root(got, bal, N, NULL), BV_OK);
    CU_ASSERT_EQUAL(memcmp(got, model, 32), 0);
    /* subtrees of 2^k chunks = 4 * 2^k balances */
    for (unsigned k = 0; k <= 6; k++) {
        size_t per = (size_t)4 << k, nsub = (N + per - 1) / per;
        uint8_t *roots = malloc(32 * nsub);
        for (size_t j = 0; j < nsub; j++) {
            size_t m = N - j * per < per ? N - j * per : per;
            CU_ASSERT_EQUAL(bv_ssz_balances_subtree(roots + 32 * j, bal + 8 * j * per, m, k, NULL),
                            BV_OK);
        }
        uint8_t comb[32];
        bv_ssz_merkleize_nodes(comb, roots, nsub, k, 38, NULL);
        bv_ssz_mix_in_length(comb, comb, N);
        CU_ASSERT_EQUAL(memcmp(comb, model, 32), 0);
        free(roots);
    }
    free(chunks);
}

static void test_branches(void)
{
    enum { N = 77 };
    uint8_t chunks[32 * N];
    rnd_bytes(chunks, sizeof chunks);
    for (unsigned depth = 7; depth <= 40; depth += 11) {
        uint8_t root[32];
        bv_ssz_merkleize_depth(root, chunks, N, depth, NULL);
        for (uint64_t idx = 0; idx < N + 5; idx += 3) {
            uint8_t br[40 * 32];
            CU_ASSERT_EQUAL(bv_ssz_branch(br, chunks, N, depth, idx, NULL), BV_OK);
            uint64_t g = (1ULL << depth) + idx;
            const uint8_t *leaf = idx < N ? chunks + 32 * idx : bv_ssz_zero_hash(0);
            CU_ASSERT_TRUE(bv_ssz_verify_branch(leaf, br, depth, g, root));
            /* wrong position, wrong depth, tampered sibling, tampered leaf */
            CU_ASSERT_FALSE(bv_ssz_verify_branch(leaf, br, depth, g ^ 1, root) && idx < N &&
                            memcmp(leaf, chunks + 32 * (idx ^ 1), 32) != 0);
            CU_ASSERT_FALSE(bv_ssz_verify_branch(leaf, br, depth - 1, g, root));
            br[32 * (depth - 1)] ^= 1;
            CU_ASSERT_FALSE(bv_ssz_verify_branch(leaf, br, depth, g, root));
        }
    }
    bv_status st;
    uint8_t br[32 * 4];
    CU_ASSERT_EQUAL(bv_ssz_branch(br, chunks, N, 4, 3, &st), BV_ERR_ARG);
}

static void test_gindex(void)
{
    CU_ASSERT_EQUAL(bv_gindex_depth(1), 0);
    CU_ASSERT_EQUAL(bv_gindex_depth(43), 5);
    CU_ASSERT_EQUAL(bv_gindex_depth(75), 6);
    /* block root -> state field (spec/CONSENSUS.md section 5) */
    CU_ASSERT_EQUAL(bv_gindex_concat(11, 43), 363);
    CU_ASSERT_EQUAL(bv_gindex_concat(11, 75), 715);
    CU_ASSERT_EQUAL(bv_gindex_concat(11, 44), 364);
    CU_ASSERT_EQUAL(bv_gindex_concat(11, 76), 716);
    CU_ASSERT_EQUAL(bv_gindex_concat(11, 34), 354);
    CU_ASSERT_EQUAL(bv_gindex_concat(11, 66), 706);
    /* validator i under the state root: 43 * 2^41 + i (via list root, data root) */
    CU_ASSERT_EQUAL(bv_gindex_concat(43, (1ULL << 41) + 5), 43ULL * (1ULL << 41) + 5);
    CU_ASSERT_EQUAL(bv_gindex_concat(bv_gindex_concat(43, 2), (1ULL << 40) + 9),
                    43ULL * (1ULL << 41) + 9);
    CU_ASSERT_EQUAL(bv_gindex_concat(7, 1), 7);
}

static void test_progressive(void)
{
    /* gindex formula examples (spec/CONSENSUS.md section 6) */
    unsigned d;
    CU_ASSERT_EQUAL(bv_ssz_progressive_gindex(0, &d), 4);
    CU_ASSERT_EQUAL(d, 2);
    CU_ASSERT_EQUAL(bv_ssz_progressive_gindex(1, &d), 40);
    CU_ASSERT_EQUAL(d, 5);
    CU_ASSERT_EQUAL(bv_ssz_progressive_gindex(4, NULL), 43);
    CU_ASSERT_EQUAL(bv_ssz_progressive_gindex(5, &d), 352);
    CU_ASSERT_EQUAL(d, 8);
    CU_ASSERT_EQUAL(bv_ssz_progressive_gindex(20, NULL), 367);
    CU_ASSERT_EQUAL(bv_ssz_progressive_gindex(21, NULL), 2944);
    CU_ASSERT_EQUAL(bv_ssz_progressive_gindex(84, NULL), 3007);
    CU_ASSERT_EQUAL(bv_ssz_progressive_gindex(85, NULL), 24064);
    CU_ASSERT_EQUAL(bv_ssz_progressive_gindex(340, NULL), 24319);
    bv_ssz_progressive_gindex(349525, &d);
    CU_ASSERT_EQUAL(d, 32);
    bv_ssz_progressive_gindex(1398101, &d);
    CU_ASSERT_EQUAL(d, 35);

    /* roots two ways, and every branch at the formula's gindex verifies */
    enum { N = 400 };
    uint8_t *chunks = malloc(32 * N);
    rnd_bytes(chunks, 32 * N);
    for (size_t count = 0; count <= N; count += (count < 30 ? 1 : 37)) {
        uint8_t a[32], b[32];
        naive_progressive(a, chunks, count, 1);
        CU_ASSERT_EQUAL(bv_ssz_merkleize_progressive(b, chunks, count, NULL), BV_OK);
        CU_ASSERT_EQUAL(memcmp(a, b, 32), 0);
        uint8_t list_root[32];
        bv_ssz_mix_in_length(list_root, b, count);
        for (size_t c = 0; c < count; c += (count < 30 ? 1 : 13)) {
            uint8_t br[64 * 32];
            unsigned nb, depth;
            CU_ASSERT_EQUAL(bv_ssz_progressive_branch(br, &nb, chunks, count, c, NULL), BV_OK);
            uint64_t g = bv_ssz_progressive_gindex(c, &depth);
            bv_ssz_uint64_leaf(br + 32 * nb, count); /* length chunk, sibling of node 2 */
            CU_ASSERT_EQUAL(nb + 1, depth);
            CU_ASSERT_TRUE(bv_ssz_verify_branch(chunks + 32 * c, br, depth, g, list_root));
        }
    }
    free(chunks);

    /* progressive container of 46 fields: active_fields chunk ff ff ff ff ff 3f */
    uint8_t fields[46 * 32];
    rnd_bytes(fields, sizeof fields);
    uint8_t r[32], pr[32], model[32], af[32];
    memset(af, 0, sizeof af);
    memset(af, 0xff, 5);
    af[5] = 0x3f;
    CU_ASSERT_EQUAL(bv_ssz_progressive_container_root(r, fields, 46, NULL), BV_OK);
    naive_progressive(pr, fields, 46, 1);
    H(model, pr, af);
    CU_ASSERT_EQUAL(memcmp(r, model, 32), 0);
}

static void test_records(void)
{
    uint8_t hdr[112];
    rnd_bytes(hdr, sizeof hdr);
    uint8_t l[8][32];
    memset(l, 0, sizeof l);
    memcpy(l[0], hdr, 8);
    memcpy(l[1], hdr + 8, 8);
    memcpy(l[2], hdr + 16, 32);
    memcpy(l[3], hdr + 48, 32);
    memcpy(l[4], hdr + 80, 32);
    uint8_t model[32], got[32];
    naive_merkleize(model, l[0], 8, 3);
    bv_ssz_header_root(got, hdr);
    CU_ASSERT_EQUAL(memcmp(model, got, 32), 0);

    uint8_t bytes[300];
    rnd_bytes(bytes, sizeof bytes);
    uint8_t padded[32 * 16] = {0};
    memcpy(padded, bytes, 300);
    naive_merkleize(model, padded, 10, 4);
    CU_ASSERT_EQUAL(bv_ssz_bytes_root(got, bytes, 300, NULL), BV_OK);
    CU_ASSERT_EQUAL(memcmp(model, got, 32), 0);
}

static void register_suites(void)
{
    bv_cu_add_suite("ssz");
    bv_cu_add_test("zero hashes, ceil_log2", test_zero_hashes);
    bv_cu_add_test("merkleize == naive full tree", test_merkleize_vs_naive);
    bv_cu_add_test("subtree roots combine to the whole", test_subtree_combination);
    bv_cu_add_test("validator root, batch, list, subtrees", test_validator_root);
    bv_cu_add_test("balances list and subtrees", test_balances_root);
    bv_cu_add_test("branch extraction and verification", test_branches);
    bv_cu_add_test("gindex depth and concat", test_gindex);
    bv_cu_add_test("progressive merkleization and gindices", test_progressive);
    bv_cu_add_test("header, byte vectors", test_records);
}

BV_CU_MAIN(register_suites)
