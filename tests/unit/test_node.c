/* test_node.c - node encoding, decoding of hostile bytes, combination rules
 * and zero subtrees (include/balverify/node.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/node.h"
#include "balverify/sha256.h"
#include "balverify/ssz.h"
#include "cu_main.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
    /* splitmix64: deterministic, independent of libc */
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
static bv_hash rnd_hash(void)
{
    bv_hash h;
    for (int i = 0; i < 4; i++)
        h.e[i] = rnd() % GL_P;
    return h;
}

static void random_node(bv_node *n, bv_node_kind kind, size_t proof_len)
{
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->level = (uint32_t)(rnd() % (kind == BV_NODE_BALANCE ? 38 : 41));
    if (kind == BV_NODE_FINAL)
        n->level = 0;
    n->index = rnd();
    switch (kind) {
    case BV_NODE_BALANCE:
        n->pv.balance.sum = rnd();
        n->pv.balance.non_activated = rnd();
        n->pv.balance.active = rnd();
        n->pv.balance.exited = rnd();
        n->pv.balance.slashed = rnd();
        rnd_bytes(n->pv.balance.balances_root, 32);
        n->pv.balance.validators_commitment = rnd_hash();
        n->pv.balance.current_epoch = rnd();
        rnd_bytes(n->pv.balance.credentials, 32);
        break;
    case BV_NODE_MAPPER:
        rnd_bytes(n->pv.mapper.sha_root, 32);
        n->pv.mapper.pos_root = rnd_hash();
        break;
    case BV_NODE_FINAL:
        rnd_bytes(n->pv.final.block_root, 32);
        rnd_bytes(n->pv.final.state_root, 32);
        rnd_bytes(n->pv.final.credentials, 32);
        n->pv.final.slot = rnd();
        n->pv.final.sum = rnd();
        n->pv.final.active = rnd();
        rnd_bytes(n->pv.final.commitment, 32);
        break;
    }
    uint8_t *p = calloc(1, proof_len ? proof_len : 1);
    rnd_bytes(p, proof_len);
    CU_ASSERT_EQUAL(bv_node_set_proof(n, p, proof_len, NULL), BV_OK);
    free(p);
}

static void test_roundtrip(void)
{
    static const bv_node_kind kinds[] = {BV_NODE_BALANCE, BV_NODE_MAPPER, BV_NODE_FINAL};
    static const size_t lens[] = {0, 1, 31, 4096};
    for (size_t k = 0; k < 3; k++)
        for (size_t l = 0; l < 4; l++) {
            bv_node a, b;
            random_node(&a, kinds[k], lens[l]);
            size_t sz = bv_node_encoded_size(&a);
            CU_ASSERT_EQUAL(sz, 28 + bv_node_pv_size(kinds[k]) + lens[l]);
            uint8_t *buf = malloc(sz);
            CU_ASSERT_EQUAL(bv_node_encode(&a, buf), sz);
            bv_status st;
            CU_ASSERT_EQUAL(bv_node_decode(&b, buf, sz, &st), BV_OK);
            CU_ASSERT(bv_node_equal(&a, &b));
            /* Copy is deep. */
            bv_node c;
            CU_ASSERT_EQUAL(bv_node_copy(&c, &a, NULL), BV_OK);
            CU_ASSERT(bv_node_equal(&a, &c));
            if (lens[l])
                CU_ASSERT_PTR_NOT_EQUAL(c.proof, a.proof);
            /* A different proof byte makes nodes unequal. */
            if (lens[l]) {
                c.proof[lens[l] - 1] ^= 1;
                CU_ASSERT_FALSE(bv_node_equal(&a, &c));
            }
            bv_node_free(&a);
            bv_node_free(&b);
            bv_node_free(&c);
            CU_ASSERT_PTR_NULL(a.proof);
            free(buf);
        }
}

static void test_decode_rejects(void)
{
    bv_node a, b;
    random_node(&a, BV_NODE_BALANCE, 10);
    size_t sz = bv_node_encoded_size(&a);
    uint8_t *buf = malloc(sz + 8);
    bv_node_encode(&a, buf);
    bv_status st;
    /* Every truncation and extension is refused. */
    for (size_t n = 0; n < sz; n++) {
        CU_ASSERT_NOT_EQUAL(bv_node_decode(&b, buf, n, &st), BV_OK);
        CU_ASSERT(st.msg[0] != '\0');
    }
    memset(buf + sz, 0, 8);
    CU_ASSERT_EQUAL(bv_node_decode(&b, buf, sz + 1, &st), BV_ERR_FORMAT);
    CU_ASSERT_EQUAL(bv_node_decode(&b, NULL, 0, &st), BV_ERR_FORMAT);
    /* Header fields. */
    uint8_t *c = malloc(sz);
    memcpy(c, buf, sz);
    c[0] = 'X';
    CU_ASSERT_EQUAL(bv_node_decode(&b, c, sz, &st), BV_ERR_FORMAT);
    memcpy(c, buf, sz);
    c[4] = 2;
    CU_ASSERT_EQUAL(bv_node_decode(&b, c, sz, &st), BV_ERR_UNSUPPORTED);
    memcpy(c, buf, sz);
    c[6] = 9;
    CU_ASSERT_EQUAL(bv_node_decode(&b, c, sz, &st), BV_ERR_FORMAT);
    memcpy(c, buf, sz);
    c[6] = BV_NODE_MAPPER; /* kind whose pv size differs from the stored one */
    CU_ASSERT_EQUAL(bv_node_decode(&b, c, sz, &st), BV_ERR_FORMAT);
    memcpy(c, buf, sz);
    c[7] = 1;
    CU_ASSERT_EQUAL(bv_node_decode(&b, c, sz, &st), BV_ERR_FORMAT);
    memcpy(c, buf, sz);
    c[8] = 38; /* balance level above the top */
    c[9] = c[10] = c[11] = 0;
    CU_ASSERT_EQUAL(bv_node_decode(&b, c, sz, &st), BV_ERR_FORMAT);
    memcpy(c, buf, sz);
    c[24 + 144] = 0xFF; /* proof length 10 -> 255: mismatch with size */
    CU_ASSERT_EQUAL(bv_node_decode(&b, c, sz, &st), BV_ERR_FORMAT);
    memcpy(c, buf, sz);
    c[24 + 144 + 3] = 0xFF; /* proof length above the limit */
    CU_ASSERT_EQUAL(bv_node_decode(&b, c, sz, &st), BV_ERR_FORMAT);
    /* Non-canonical Poseidon element (commitment at pv offset 72). */
    memcpy(c, buf, sz);
    memset(c + 24 + 72, 0xFF, 8);
    CU_ASSERT_EQUAL(bv_node_decode(&b, c, sz, &st), BV_ERR_FORMAT);
    /* Random garbage and random single-byte corruptions never crash; a
     * decode that succeeds re-encodes to the same bytes. */
    for (int t = 0; t < 20000; t++) {
        size_t n = (t & 1) ? (size_t)(rnd() % (sz + 4)) : sz;
        uint8_t *g = malloc(n ? n : 1);
        if (t & 1) {
            rnd_bytes(g, n);
            if (n >= 8)
                memcpy(g, "BVND\x01\x00", 6);
        } else {
            memcpy(g, buf, sz);
            g[rnd() % sz] ^= (uint8_t)(1 + rnd() % 255);
        }
        if (bv_node_decode(&b, g, n, &st) == BV_OK) {
            uint8_t *r = malloc(bv_node_encoded_size(&b));
            CU_ASSERT_EQUAL(bv_node_encode(&b, r), n);
            CU_ASSERT_EQUAL(memcmp(r, g, n), 0);
            free(r);
            bv_node_free(&b);
        }
        free(g);
    }
    bv_node_free(&a);
    free(buf);
    free(c);
}

static void leaf_balance(bv_node *n, uint64_t index, uint64_t epoch, const uint8_t cred[32])
{
    memset(n, 0, sizeof *n);
    n->kind = BV_NODE_BALANCE;
    n->index = index;
    bv_balance_pv *b = &n->pv.balance;
    b->sum = rnd();
    b->non_activated = rnd() % 9;
    b->active = rnd() % 9;
    b->exited = rnd() % 9;
    b->slashed = rnd() % 9;
    rnd_bytes(b->balances_root, 32);
    b->validators_commitment = rnd_hash();
    b->current_epoch = epoch;
    memcpy(b->credentials, cred, 32);
}

static void test_balance_combine(void)
{
    uint8_t cred[32];
    rnd_bytes(cred, 32);
    bv_node l, r, p;
    leaf_balance(&l, 6, 1234, cred);
    leaf_balance(&r, 7, 1234, cred);
    l.pv.balance.sum = UINT64_MAX - 5;
    r.pv.balance.sum = 10;
    bv_status st;
    /* a sum of 2^64 or more is refused (the circuits refuse it too) */
    CU_ASSERT_EQUAL(bv_balance_combine(&l, &r, &p, &st), BV_ERR_VERIFY);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "sum overflows"));
    r.pv.balance.sum = 5;
    CU_ASSERT_EQUAL(bv_balance_combine(&l, &r, &p, &st), BV_OK);
    CU_ASSERT_EQUAL(p.pv.balance.sum, UINT64_MAX);
    l.pv.balance.slashed = UINT64_MAX;
    CU_ASSERT_EQUAL(bv_balance_combine(&l, &r, &p, &st), BV_ERR_VERIFY);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "slashed counter overflows"));
    l.pv.balance.slashed = 0;
    CU_ASSERT_EQUAL(bv_balance_combine(&l, &r, &p, &st), BV_OK);
    CU_ASSERT_EQUAL(p.level, 1);
    CU_ASSERT_EQUAL(p.index, 3);
    CU_ASSERT_EQUAL(p.pv.balance.active, l.pv.balance.active + r.pv.balance.active);
    CU_ASSERT_EQUAL(p.pv.balance.exited, l.pv.balance.exited + r.pv.balance.exited);
    CU_ASSERT_EQUAL(p.pv.balance.slashed, l.pv.balance.slashed + r.pv.balance.slashed);
    CU_ASSERT_EQUAL(p.pv.balance.non_activated,
                    l.pv.balance.non_activated + r.pv.balance.non_activated);
    uint8_t cat[64], h[32];
    memcpy(cat, l.pv.balance.balances_root, 32);
    memcpy(cat + 32, r.pv.balance.balances_root, 32);
    bv_sha256(h, cat, 64);
    CU_ASSERT_EQUAL(memcmp(h, p.pv.balance.balances_root, 32), 0);
    gl_t in[8];
    memcpy(in, l.pv.balance.validators_commitment.e, 32);
    memcpy(in + 4, r.pv.balance.validators_commitment.e, 32);
    CU_ASSERT(bv_hash_eq(bv_poseidon_hash_no_pad(in, 8), p.pv.balance.validators_commitment));
    CU_ASSERT_EQUAL(p.pv.balance.current_epoch, 1234);
    CU_ASSERT_EQUAL(memcmp(p.pv.balance.credentials, cred, 32), 0);
    CU_ASSERT_EQUAL(p.proof_len, 0);

    /* Children must agree. */
    r.pv.balance.current_epoch++;
    CU_ASSERT_EQUAL(bv_balance_combine(&l, &r, &p, &st), BV_ERR_VERIFY);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "epoch"));
    r.pv.balance.current_epoch--;
    r.pv.balance.credentials[31] ^= 1;
    CU_ASSERT_EQUAL(bv_balance_combine(&l, &r, &p, &st), BV_ERR_VERIFY);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "credentials"));
    r.pv.balance.credentials[31] ^= 1;
    /* Structure: siblings only, same level, below the top, same kind. */
    r.index = 9;
    CU_ASSERT_NOT_EQUAL(bv_balance_combine(&l, &r, &p, &st), BV_OK);
    r.index = 7;
    r.level = 1;
    CU_ASSERT_NOT_EQUAL(bv_balance_combine(&l, &r, &p, &st), BV_OK);
    l.level = r.level = BV_BALANCE_TOP_LEVEL;
    CU_ASSERT_NOT_EQUAL(bv_balance_combine(&l, &r, &p, &st), BV_OK);
    l.level = r.level = 0;
    r.kind = BV_NODE_MAPPER;
    CU_ASSERT_NOT_EQUAL(bv_node_combine(&l, &r, &p, &st), BV_OK);
}

static void test_mapper_combine(void)
{
    bv_node l, r, p;
    random_node(&l, BV_NODE_MAPPER, 0);
    random_node(&r, BV_NODE_MAPPER, 0);
    l.level = r.level = 39;
    l.index = 0;
    r.index = 1;
    bv_status st;
    CU_ASSERT_EQUAL(bv_node_combine(&l, &r, &p, &st), BV_OK);
    CU_ASSERT_EQUAL(p.level, 40);
    CU_ASSERT_EQUAL(p.index, 0);
    uint8_t h[32];
    bv_sha256_pair(h, l.pv.mapper.sha_root, r.pv.mapper.sha_root);
    CU_ASSERT_EQUAL(memcmp(h, p.pv.mapper.sha_root, 32), 0);
    CU_ASSERT(bv_hash_eq(p.pv.mapper.pos_root,
                         bv_poseidon_two_to_one(l.pv.mapper.pos_root, r.pv.mapper.pos_root)));
    /* Order matters. */
    bv_node q;
    l.index = 1;
    r.index = 0;
    CU_ASSERT_NOT_EQUAL(bv_node_combine(&l, &r, &q, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_node_combine(&r, &l, &q, &st), BV_OK);
    CU_ASSERT_NOT_EQUAL(memcmp(q.pv.mapper.sha_root, p.pv.mapper.sha_root, 32), 0);
    CU_ASSERT_FALSE(bv_hash_eq(q.pv.mapper.pos_root, p.pv.mapper.pos_root));
    l.level = r.level = 40;
    l.index = 0;
    r.index = 1;
    CU_ASSERT_NOT_EQUAL(bv_mapper_combine(&l, &r, &q, &st), BV_OK);
}

static void test_zero_nodes(void)
{
    uint8_t cred[32];
    rnd_bytes(cred, 32);
    /* Z tables agree with the SSZ layer's (independent code). */
    for (unsigned d = 0; d <= 64; d++)
        CU_ASSERT_EQUAL(memcmp(bv_sha_zero(d), bv_ssz_zero_hash(d), 32), 0);
    bv_hash z = {{0, 0, 0, 0}};
    for (unsigned d = 0; d <= 45; d++) {
        CU_ASSERT(bv_hash_eq(bv_poseidon_zero(d), z));
        z = bv_poseidon_two_to_one(z, z);
    }
    /* zero(L) + zero(L) = zero(L+1), both trees. */
    for (uint32_t L = 0; L < BV_BALANCE_TOP_LEVEL; L++) {
        bv_node a, b, p, want;
        bv_balance_zero(L, 77, cred, &a);
        bv_balance_zero(L, 77, cred, &b);
        a.index = 4;
        b.index = 5;
        CU_ASSERT_EQUAL(bv_balance_combine(&a, &b, &p, NULL), BV_OK);
        bv_balance_zero(L + 1, 77, cred, &want);
        want.index = 2;
        CU_ASSERT(bv_node_equal(&p, &want));
    }
    for (uint32_t L = 0; L < BV_MAPPER_TOP_LEVEL; L++) {
        bv_node a, b, p, want;
        bv_mapper_zero(L, &a);
        bv_mapper_zero(L, &b);
        b.index = 1;
        CU_ASSERT_EQUAL(bv_mapper_combine(&a, &b, &p, NULL), BV_OK);
        bv_mapper_zero(L + 1, &want);
        CU_ASSERT(bv_node_equal(&p, &want));
    }
    /* A balance leaf of 8 absent validators: two zero chunks, eight zero
     * Poseidon leaves. */
    bv_node z0;
    bv_balance_zero(0, 1, cred, &z0);
    uint8_t zz[64] = {0}, h[32];
    bv_sha256(h, zz, 64);
    CU_ASSERT_EQUAL(memcmp(z0.pv.balance.balances_root, h, 32), 0);
    CU_ASSERT(bv_hash_eq(z0.pv.balance.validators_commitment, bv_poseidon_zero(3)));
    bv_node top;
    bv_balance_zero(BV_BALANCE_TOP_LEVEL, 1, cred, &top);
    CU_ASSERT_EQUAL(memcmp(top.pv.balance.balances_root, bv_ssz_zero_hash(38), 32), 0);
    CU_ASSERT(bv_hash_eq(top.pv.balance.validators_commitment, bv_poseidon_zero(40)));
}

/* A balance tree built with the combination rule has the same SHA root as
 * SSZ merkleization of the same chunks (ssz.h, separate code). */
static void test_tree_matches_ssz(void)
{
    uint8_t cred[32] = {1};
    enum { LEAVES = 13 };
    uint8_t chunks[2 * LEAVES * 32];
    rnd_bytes(chunks, sizeof chunks);
    bv_node level[16];
    size_t n = LEAVES;
    for (size_t i = 0; i < n; i++) {
        memset(&level[i], 0, sizeof level[i]);
        level[i].kind = BV_NODE_BALANCE;
        level[i].index = i;
        bv_sha256_pair(level[i].pv.balance.balances_root, chunks + 64 * i, chunks + 64 * i + 32);
        level[i].pv.balance.validators_commitment = rnd_hash();
        level[i].pv.balance.current_epoch = 5;
        memcpy(level[i].pv.balance.credentials, cred, 32);
    }
    for (uint32_t L = 0; L < BV_BALANCE_TOP_LEVEL; L++) {
        size_t m = (n + 1) / 2;
        for (size_t p = 0; p < m; p++) {
            bv_node r;
            if (2 * p + 1 < n)
                r = level[2 * p + 1];
            else {
                bv_balance_zero(L, 5, cred, &r);
                r.index = 2 * p + 1;
            }
            bv_node par;
            CU_ASSERT_EQUAL_FATAL(bv_balance_combine(&level[2 * p], &r, &par, NULL), BV_OK);
            level[p] = par;
        }
        n = m;
    }
    uint8_t want[32];
    CU_ASSERT_EQUAL(bv_ssz_merkleize_depth(want, chunks, 2 * LEAVES, 38, NULL), BV_OK);
    CU_ASSERT_EQUAL(memcmp(level[0].pv.balance.balances_root, want, 32), 0);
}

static void test_credentials_digest(void)
{
    uint8_t wc[3][32], d[32], h[32];
    rnd_bytes(&wc[0][0], sizeof wc);
    bv_credentials_digest((const uint8_t(*)[32])wc, 1, d);
    CU_ASSERT_EQUAL(memcmp(d, wc[0], 32), 0);
    bv_credentials_digest((const uint8_t(*)[32])wc, 3, d);
    bv_sha256(h, wc, 96);
    CU_ASSERT_EQUAL(memcmp(d, h, 32), 0);
    CU_ASSERT_EQUAL(bv_node_pv_size((bv_node_kind)0), 0);
    CU_ASSERT_EQUAL(bv_node_pv_size((bv_node_kind)4), 0);
}

static void register_suites(void)
{
    bv_cu_add_suite("node");
    bv_cu_add_test("encode/decode round trip", test_roundtrip);
    bv_cu_add_test("decode rejects malformed bytes", test_decode_rejects);
    bv_cu_add_test("balance combination rule", test_balance_combine);
    bv_cu_add_test("mapper combination rule", test_mapper_combine);
    bv_cu_add_test("zero nodes per level", test_zero_nodes);
    bv_cu_add_test("balance tree equals SSZ merkleization", test_tree_matches_ssz);
    bv_cu_add_test("credentials digest", test_credentials_digest);
}

BV_CU_MAIN(register_suites)
