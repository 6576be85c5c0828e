/*
 * test_gadgets_ssz.c - SSZ gadgets (gadgets_ssz.h) and the Validator record
 * in a circuit (gadgets_validator.h) against the native SSZ and commitment
 * code, and their soundness.
 *
 *  - leaf64, the bool chunk, the 4-item u64 chunk, the length mix-in and the
 *    Bytes48 root equal ssz.h on random and edge values;
 *  - a chunk with a non-zero byte where leaf64 / the bool chunk has zeros,
 *    and a non-boolean slashed value, have no witness;
 *  - Merkle branches of depth 1..4 verify; a wrong sibling
 *    word, a wrong leaf or a circuit built with one gindex bit flipped fails;
 *  - hash_tree_root(Validator) and H_pos of random records (edge u64 values
 *    included) equal bv_ssz_validator_root and bv_commit_validator; the zero
 *    flag gives 8 zero words and [0, 0, 0, 0];
 *  - every cell of small instances (leaf64, bool chunk, mix-in, a depth-2
 *    branch, H_pos, a whole Validator commitment) is constrained;
 *  - rows per Validator root, per H_pos, per branch level are printed.
 */
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"

#include "balverify/commitment.h"
#include "balverify/gadgets_sha256.h"
#include "balverify/gadgets_ssz.h"
#include "balverify/gadgets_validator.h"
#include "balverify/ssz.h"
#include "balverify/validator.h"
#include "cell_check.h"
#include "circuit_harness.h"

static uint64_t rng = 0x6a09e667f3bcc909ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
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

/* 1 when the 8 word targets hold the 32 bytes of chunk. */
static int words_are(harness *h, const bv_target w[8], const uint8_t chunk[32])
{
    for (int i = 0; i < 8; i++)
        if (h_val(h, w[i]) != be32(chunk + 4 * i))
            return 0;
    return 1;
}

static void set_chunk(harness *h, size_t first, const uint8_t chunk[32])
{
    for (int i = 0; i < 8; i++)
        h->in_v[first + (size_t)i] = be32(chunk + 4 * i);
}

static uint64_t edge_u64(void)
{
    static const uint64_t e[] = {
        0, 1, 0xFFFFFFFFull, 0x100000000ull, 32000000000ull, 0xFFFFFFFFFFFFFFFFull};
    return rnd() % 3 == 0 ? e[rnd() % 6] : rnd() >> (rnd() % 64);
}

static bv_u64_target u64_input(harness *h)
{
    bv_target lo = h_input(h, 0), hi = h_input(h, 0);
    return bv_gadget_u64_from_limbs(h->c, lo, hi);
}

static void set_u64(harness *h, size_t first, uint64_t v)
{
    h->in_v[first] = v & 0xFFFFFFFFu;
    h->in_v[first + 1] = v >> 32;
}

/* ------------------------------------------------------------------------- */

static void test_leaves_and_mix_in(void)
{
    harness h;
    h_new(&h);
    bv_u64_target x = u64_input(&h);                    /* inputs 0, 1 */
    bv_target bit = h_input(&h, 0);                     /* 2 */
    bv_u64_target q[4] = {u64_input(&h), u64_input(&h), /* 3..10 */
                          u64_input(&h), u64_input(&h)};
    bv_target root[8], pk[12];
    for (int i = 0; i < 8; i++)
        root[i] = h_input(&h, 0); /* 11..18 */
    for (int i = 0; i < 12; i++)
        pk[i] = h_input(&h, 0); /* 19..30 */
    bv_target leaf[8], bchunk[8], qchunk[8], mixed[8], pkroot[8];
    bv_gadget_ssz_leaf64(h.c, x, leaf);
    bv_gadget_ssz_bool_chunk(h.c, bit, bchunk);
    bv_gadget_ssz_u64x4_chunk(h.c, q, qchunk);
    bv_gadget_ssz_mix_in_length(h.c, root, x, mixed);
    bv_gadget_ssz_bytes48_root(h.c, pk, pkroot);
    build(&h);
    for (int t = 0; t < 60; t++) {
        uint64_t xv = edge_u64(), qv[4];
        uint8_t r[32], pkb[48], want[32];
        set_u64(&h, 0, xv);
        h.in_v[2] = (gl_t)(t & 1);
        for (int k = 0; k < 4; k++) {
            qv[k] = edge_u64();
            set_u64(&h, 3 + 2 * (size_t)k, qv[k]);
        }
        for (int i = 0; i < 32; i++)
            r[i] = (uint8_t)rnd();
        for (int i = 0; i < 48; i++)
            pkb[i] = (uint8_t)rnd();
        set_chunk(&h, 11, r);
        for (int i = 0; i < 12; i++)
            h.in_v[19 + i] = be32(pkb + 4 * i);
        CU_ASSERT_EQUAL_FATAL(gen(&h), 0);
        bv_ssz_uint64_leaf(want, xv);
        CU_ASSERT(words_are(&h, leaf, want));
        memset(want, 0, 32);
        want[0] = (uint8_t)(t & 1);
        CU_ASSERT(words_are(&h, bchunk, want));
        for (int k = 0; k < 4; k++)
            bv_put_le64(want + 8 * k, qv[k]);
        CU_ASSERT(words_are(&h, qchunk, want));
        bv_ssz_mix_in_length(want, r, xv);
        CU_ASSERT(words_are(&h, mixed, want));
        bv_ssz_bytes48_root(want, pkb);
        CU_ASSERT(words_are(&h, pkroot, want));
    }
    h_free(&h);
}

/* A prover that claims a chunk for a u64 or a bool must give exactly the
 * leaf: any non-zero byte in 8..31 (1..31 for the bool), any other byte
 * order, or a non-boolean slashed value has no witness. */
static void test_chunk_high_bytes_rejected(void)
{
    harness h;
    h_new(&h);
    bv_u64_target x = u64_input(&h); /* 0, 1 */
    bv_target bit = h_input(&h, 0);  /* 2 */
    bv_target claim_x[8], claim_b[8], leaf[8], bchunk[8];
    for (int i = 0; i < 8; i++)
        claim_x[i] = h_input(&h, 0); /* 3..10 */
    for (int i = 0; i < 8; i++)
        claim_b[i] = h_input(&h, 0); /* 11..18 */
    bv_gadget_ssz_leaf64(h.c, x, leaf);
    bv_gadget_ssz_bool_chunk(h.c, bit, bchunk);
    bv_gadget_connect_words(h.c, leaf, claim_x, 8);
    bv_gadget_connect_words(h.c, bchunk, claim_b, 8);
    build(&h);
    uint64_t xv = 0x0123456789ABCDEFull;
    uint8_t lx[32], lb[32] = {1};
    bv_ssz_uint64_leaf(lx, xv);
    set_u64(&h, 0, xv);
    h.in_v[2] = 1;
    set_chunk(&h, 3, lx);
    set_chunk(&h, 11, lb);
    CU_ASSERT_EQUAL_FATAL(gen(&h), 0);
    size_t rejected = 0;
    for (int byte = 0; byte < 32; byte++) {
        for (int which = 0; which < 2; which++) {
            uint8_t m[32];
            memcpy(m, which ? lb : lx, 32);
            m[byte] ^= (uint8_t)(1u << (byte % 8));
            set_chunk(&h, 3, which ? lx : m);
            set_chunk(&h, 11, which ? m : lb);
            CU_ASSERT_NOT_EQUAL(gen(&h), 0);
            rejected++;
        }
    }
    set_chunk(&h, 3, lx);
    set_chunk(&h, 11, lb);
    CU_ASSERT_EQUAL(gen(&h), 0);
    /* slashed = 2, and slashed = 2 with the chunk byte 0 = 2 */
    h.in_v[2] = 2;
    CU_ASSERT_NOT_EQUAL(gen(&h), 0);
    uint8_t two[32] = {2};
    set_chunk(&h, 11, two);
    CU_ASSERT_NOT_EQUAL(gen(&h), 0);
    printf("\n    %zu chunks with one changed byte rejected", rejected);
    h_free(&h);
}

/* A random depth-4 tree; for depths 1..4 (the subtree of the first 2^depth
 * leaves) the branches of the first, second, a middle and the last leaf
 * verify; circuits built with one gindex bit flipped reject the branch of
 * the first leaf (and of the last one at depth 4). */
static void test_branches(void)
{
    uint8_t chunks[16][32];
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 32; j++)
            chunks[i][j] = (uint8_t)rnd();
    size_t runs = 0, rejected = 0;
    for (unsigned depth = 1; depth <= 4; depth++) {
        uint8_t root[32], branch[4 * 32];
        CU_ASSERT_EQUAL_FATAL(
            bv_ssz_merkleize_depth(root, &chunks[0][0], 1ull << depth, depth, NULL), BV_OK);
        uint64_t last = (1ull << depth) - 1;
        for (uint64_t idx = 0; idx <= last; idx++) {
            if (idx > 1 && idx != last && idx != last / 2 + 1)
                continue;
            uint64_t gindex = (1ull << depth) + idx;
            CU_ASSERT_EQUAL_FATAL(
                bv_ssz_branch(branch, &chunks[0][0], 1ull << depth, depth, idx, NULL), BV_OK);
            CU_ASSERT(bv_ssz_verify_branch(chunks[idx], branch, depth, gindex, root));
            /* the right gindex, then (first and last leaf) each bit of it
             * flipped */
            int nflip = idx == 0 || (depth == 4 && idx == last) ? (int)depth : 0;
            for (int flip = -1; flip < nflip; flip++) {
                uint64_t g = flip < 0 ? gindex : gindex ^ (1ull << flip);
                harness h;
                h_new(&h);
                bv_target leaf[8], br[32], rt[8];
                for (int i = 0; i < 8; i++)
                    leaf[i] = h_input(&h, be32(chunks[idx] + 4 * i));
                for (unsigned i = 0; i < 8 * depth; i++)
                    br[i] = h_input(&h, be32(branch + 4 * i));
                for (int i = 0; i < 8; i++)
                    rt[i] = h_input(&h, be32(root + 4 * i));
                bv_gadget_ssz_verify_branch(h.c, leaf, br, depth, g, rt);
                build(&h);
                int r = gen(&h);
                runs++;
                if (flip >= 0) {
                    CU_ASSERT_NOT_EQUAL(r, 0);
                    rejected++;
                    h_free(&h);
                    continue;
                }
                CU_ASSERT_EQUAL(r, 0);
                /* one sibling word changed: rejected; the leaf changed: rejected */
                size_t nwords = 8 + 8 * depth;
                for (size_t k = 0; k < nwords; k += 3) {
                    gl_t keep = h.in_v[k];
                    h.in_v[k] ^= 1u << (k % 32);
                    CU_ASSERT_NOT_EQUAL(gen(&h), 0);
                    rejected++;
                    h.in_v[k] = keep;
                }
                CU_ASSERT_EQUAL(gen(&h), 0);
                h_free(&h);
            }
        }
    }
    printf("\n    %zu branch circuits, %zu wrong branches / gindices rejected", runs, rejected);
}

static void test_branch_depth_mismatch_is_builder_error(void)
{
    harness h;
    h_new(&h);
    bv_target leaf[8], br[16], out[8];
    for (int i = 0; i < 8; i++)
        leaf[i] = h_input(&h, 0);
    for (int i = 0; i < 16; i++)
        br[i] = h_input(&h, 0);
    bv_gadget_ssz_branch_root(h.c, leaf, br, 2, 8 /* depth 3 */, out);
    bv_status st;
    CU_ASSERT_NOT_EQUAL(bv_circuit_build(h.c, &h.d, &st), BV_OK);
    h_free(&h);
}

/* ------------------------------------------------------------------------- */
/* Validator                                                                 */
/* ------------------------------------------------------------------------- */

typedef struct {
    harness h;
    bv_validator_target v;
    bv_target zero_flag, root[8];
    bv_hash_target hpos;
    size_t first; /* index of the validator inputs in h.in_t */
} vcirc;

static void vcirc_build(vcirc *vc, int with_flag)
{
    h_new(&vc->h);
    bv_gadget_validator_virtual(vc->h.c, &vc->v);
    uint8_t rec[121] = {0};
    vc->first = vc->h.nin;
    vc->h.nin +=
        bv_validator_target_inputs(&vc->v, rec, vc->h.in_t + vc->first, vc->h.in_v + vc->first);
    if (with_flag)
        vc->zero_flag = h_input(&vc->h, 0);
    bv_gadget_validator_commit(vc->h.c, &vc->v, with_flag ? &vc->zero_flag : NULL, vc->root,
                               &vc->hpos);
    bv_circuit_register_public_inputs(vc->h.c, vc->root, 8);
    bv_circuit_register_public_inputs(vc->h.c, vc->hpos.e, 4);
    build(&vc->h);
}

/* Runs the circuit on record rec; returns the generation result. */
static int vcirc_run(vcirc *vc, const uint8_t rec[121], int zero)
{
    size_t n =
        bv_validator_target_inputs(&vc->v, rec, vc->h.in_t + vc->first, vc->h.in_v + vc->first);
    CU_ASSERT_EQUAL(n, BV_VALIDATOR_TARGET_INPUTS);
    if (vc->first + n < vc->h.nin)
        vc->h.in_v[vc->first + n] = (gl_t)zero;
    return gen(&vc->h);
}

static int vcirc_matches(vcirc *vc, const uint8_t rec[121])
{
    uint8_t root[32];
    bv_ssz_validator_root(root, rec);
    bv_hash hp = bv_commit_validator(rec);
    int ok = words_are(&vc->h, vc->root, root);
    for (int i = 0; i < 4; i++)
        ok &= h_val(&vc->h, vc->hpos.e[i]) == hp.e[i];
    return ok;
}

static void random_record(uint8_t rec[121])
{
    for (int i = 0; i < 121; i++)
        rec[i] = (uint8_t)rnd();
    rec[88] = rnd() & 1;
    static const size_t off[5] = {80, 89, 97, 105, 113};
    for (int k = 0; k < 5; k++)
        bv_put_le64(rec + off[k], edge_u64());
}

static void test_validator_random(void)
{
    vcirc vc;
    vcirc_build(&vc, 1);
    uint8_t rec[121];
    size_t ok = 0;
    for (int t = 0; t < 60; t++) {
        random_record(rec);
        if (t == 0)
            memset(rec, 0, sizeof rec);
        if (t == 1)
            memset(rec, 0xFF, sizeof rec), rec[88] = 1;
        CU_ASSERT_EQUAL_FATAL(vcirc_run(&vc, rec, 0), 0);
        int m = vcirc_matches(&vc, rec);
        CU_ASSERT(m);
        ok += (size_t)m;
    }
    printf("\n    %zu random records: SSZ root and H_pos equal native", ok);
    /* the zero flag: zero outputs, whatever the record */
    for (int t = 0; t < 3; t++) {
        random_record(rec);
        if (t == 0)
            memset(rec, 0, sizeof rec);
        CU_ASSERT_EQUAL_FATAL(vcirc_run(&vc, rec, 1), 0);
        for (int i = 0; i < 8; i++)
            CU_ASSERT_EQUAL(h_val(&vc.h, vc.root[i]), 0);
        for (int i = 0; i < 4; i++)
            CU_ASSERT_EQUAL(h_val(&vc.h, vc.hpos.e[i]), 0);
    }
    /* a non-boolean zero flag, a slashed byte of 2, and (forced) limbs of
     * 2^32 have no witness */
    random_record(rec);
    CU_ASSERT_NOT_EQUAL(vcirc_run(&vc, rec, 2), 0);
    rec[88] = 2;
    CU_ASSERT_NOT_EQUAL(vcirc_run(&vc, rec, 0), 0);
    rec[88] = 0;
    CU_ASSERT_EQUAL(vcirc_run(&vc, rec, 0), 0);
    for (size_t i = 20; i < 30; i++) { /* the ten u64 limbs */
        random_record(rec);
        bv_validator_target_inputs(&vc.v, rec, vc.h.in_t + vc.first, vc.h.in_v + vc.first);
        vc.h.in_v[vc.first + i] += (gl_t)1 << 32;
        vc.h.in_v[vc.h.nin - 1] = 0;
        CU_ASSERT_NOT_EQUAL(gen(&vc.h), 0);
    }
    h_free(&vc.h);
}

/* ------------------------------------------------------------------------- */
/* Every cell constrained                                                    */
/* ------------------------------------------------------------------------- */

static void check_cells(harness *h, const char *label)
{
    build(h);
    CU_ASSERT_EQUAL_FATAL(gen(h), 0);
    cell_check_result r = cell_check_all(h, label);
    CU_ASSERT(r.checked > 100);
    CU_ASSERT_EQUAL(r.uncaught, 0);
    h_free(h);
}

static void test_every_cell_small(void)
{
    harness h;
    bv_target out[8];
    /* leaf64 and the bool chunk */
    h_new(&h);
    bv_target lo = h_input(&h, 0x89ABCDEFu), hi = h_input(&h, 0x01234567u);
    bv_gadget_ssz_leaf64(h.c, bv_gadget_u64_from_limbs(h.c, lo, hi), out);
    bv_circuit_register_public_inputs(h.c, out, 2);
    bv_gadget_ssz_bool_chunk(h.c, h_input(&h, 1), out);
    bv_circuit_register_public_input(h.c, out[0]);
    check_cells(&h, "leaf64 + bool chunk");
    /* mix-in */
    h_new(&h);
    bv_target root[8];
    for (int i = 0; i < 8; i++)
        root[i] = h_input(&h, (uint32_t)rnd());
    bv_u64_target len = bv_gadget_u64_from_limbs(h.c, h_input(&h, 21063), h_input(&h, 0));
    bv_gadget_ssz_mix_in_length(h.c, root, len, out);
    bv_circuit_register_public_inputs(h.c, out, 8);
    check_cells(&h, "mix-in");
    /* a depth-2 branch, gindex 6 */
    h_new(&h);
    bv_target leaf[8], br[16];
    for (int i = 0; i < 8; i++)
        leaf[i] = h_input(&h, (uint32_t)rnd());
    for (int i = 0; i < 16; i++)
        br[i] = h_input(&h, (uint32_t)rnd());
    bv_gadget_ssz_branch_root(h.c, leaf, br, 2, 6, out);
    bv_circuit_register_public_inputs(h.c, out, 8);
    check_cells(&h, "branch depth 2");
}

static void test_every_cell_validator(void)
{
    vcirc vc;
    vcirc_build(&vc, 1);
    uint8_t rec[121];
    random_record(rec);
    CU_ASSERT_EQUAL_FATAL(vcirc_run(&vc, rec, 0), 0);
    cell_check_result r = cell_check_all(&vc.h, "validator SSZ root + H_pos + zero flag");
    CU_ASSERT(r.checked > 100000);
    CU_ASSERT_EQUAL(r.uncaught, 0);
    h_free(&vc.h);
    printf("\n");
}

/* ------------------------------------------------------------------------- */
/* Rows                                                                      */
/* ------------------------------------------------------------------------- */

static void test_rows(void)
{
    bv_plonk_config cfg = bv_plonk_config_standard();
    bv_circuit *c = bv_circuit_new(&cfg);
    bv_validator_target v;
    uint32_t r0 = bv_circuit_num_rows(c);
    bv_gadget_validator_virtual(c, &v);
    uint32_t r1 = bv_circuit_num_rows(c);
    bv_target root[8];
    bv_gadget_validator_ssz_root(c, &v, root);
    uint32_t r2 = bv_circuit_num_rows(c);
    bv_gadget_validator_hpos(c, &v);
    uint32_t r3 = bv_circuit_num_rows(c);
    bv_target pair[8];
    bv_gadget_sha256_pair(c, root, root, pair);
    uint32_t r4 = bv_circuit_num_rows(c);
    bv_target br[8 * 16];
    for (int i = 0; i < 8 * 16; i++)
        br[i] = bv_circuit_add_virtual(c);
    bv_gadget_ssz_branch_root(c, root, br, 16, (1ull << 16) + 12345, pair);
    uint32_t r5 = bv_circuit_num_rows(c);
    bv_u64_target bal[4] = {v.effective_balance, v.activation_epoch, v.exit_epoch,
                            v.withdrawable_epoch};
    bv_gadget_ssz_u64x4_chunk(c, bal, pair);
    uint32_t r6 = bv_circuit_num_rows(c);
    bv_gadget_ssz_mix_in_length(c, root, v.exit_epoch, pair);
    uint32_t r7 = bv_circuit_num_rows(c);
    printf("\n    rows per Validator field targets (bit splits, limb checks): %u", r1 - r0);
    printf("\n    rows per Validator SSZ root (8 pair hashes, leaf64s): %u", r2 - r1);
    printf("\n    rows per Validator H_pos: %u", r3 - r2);
    printf("\n    rows per SSZ pair hash: %u", r4 - r3);
    printf("\n    rows per branch level: %.2f (depth 16: %u rows)", (double)(r5 - r4) / 16,
           r5 - r4);
    printf("\n    rows per 4-balance chunk: %u", r6 - r5);
    printf("\n    rows per length mix-in: %u\n", r7 - r6);
    CU_ASSERT(r2 > r1 && r3 > r2 && r5 > r4);
    bv_circuit_free(c);
    /* the mapper-leaf shape: field targets, both commitments, zero flag */
    c = bv_circuit_new(&cfg);
    bv_target flag = bv_circuit_add_virtual(c);
    bv_hash_target hp;
    bv_gadget_validator_virtual(c, &v);
    bv_gadget_validator_commit(c, &v, &flag, root, &hp);
    printf("    rows per Validator with both commitments and the zero flag: %u\n",
           bv_circuit_num_rows(c));
    bv_circuit_free(c);
}

static void register_suites(void)
{
    bv_cu_add_suite("gadgets_ssz");
    bv_cu_add_test("leaf64, bool chunk, u64x4 chunk, mix-in, Bytes48 root", test_leaves_and_mix_in);
    bv_cu_add_test("non-zero high bytes rejected", test_chunk_high_bytes_rejected);
    bv_cu_add_test("branches of depth 1..4, wrong ones fail", test_branches);
    bv_cu_add_test("branch depth mismatch is a builder error",
                   test_branch_depth_mismatch_is_builder_error);
    bv_cu_add_test("validator: SSZ root and H_pos of random records", test_validator_random);
    bv_cu_add_test("every cell constrained: small instances", test_every_cell_small);
    bv_cu_add_test("every cell constrained: validator commitment", test_every_cell_validator);
    bv_cu_add_test("rows", test_rows);
}

BV_CU_MAIN(register_suites)
