/*
 * test_commitment_mapper.c - the commitment-mapper circuits against the
 * native SSZ root and Poseidon commitment (test configuration):
 *  - leaf proofs of random validators (FAR_FUTURE epochs, slashed, maximal
 *    balances) and of the zero validator carry exactly the native statement
 *    and verify;
 *  - node proofs of levels 1 and 2 give PP(left, right) and
 *    SHA-256(left || right), and the zero subtree matches the native zero
 *    hashes (SSZ and Poseidon);
 *  - circuits saved to a directory and loaded back prove the same statement,
 *    verify against the saved circuit file, and a directory of another
 *    configuration is refused;
 *  - soundness: a limb that is not a u32 or a non-boolean slashed/zero flag
 *    cannot be proven; a tampered child proof, a child proof of another
 *    level, or a wrong public input is rejected.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cu_main.h"

#include "balverify/circuit_dir.h"
#include "balverify/commitment.h"
#include "balverify/commitment_mapper.h"
#include "balverify/prover.h"
#include "balverify/sha256.h"
#include "balverify/verifier.h"
#include "balverify/witness.h"

static uint64_t rng = 0x1234567890abcdefull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void random_validator(bv_validator *v, int variant)
{
    for (int i = 0; i < 48; i++)
        v->pubkey[i] = (uint8_t)rnd();
    for (int i = 0; i < 32; i++)
        v->withdrawal_credentials[i] = (uint8_t)rnd();
    v->effective_balance = variant == 1 ? UINT64_MAX : 32000000000ull;
    v->slashed = (uint8_t)(variant & 1);
    v->activation_eligibility_epoch = rnd() % 100000;
    v->activation_epoch = variant == 2 ? BV_FAR_FUTURE_EPOCH : rnd() % 100000;
    v->exit_epoch = variant == 3 ? rnd() % 100000 : BV_FAR_FUTURE_EPOCH;
    v->withdrawable_epoch = BV_FAR_FUTURE_EPOCH;
}

static bv_plonk_config cfg;
static bv_cm_level *lv[3];

static int setup(void)
{
    cfg = bv_plonk_config_test();
    bv_status st;
    for (uint32_t k = 0; k < 3; k++)
        if (bv_cm_level_build(&cfg, k, k ? lv[k - 1] : NULL, &lv[k], &st) != BV_OK) {
            printf("build level %u: %s\n", k, st.msg);
            return 1;
        }
    printf("\n    rows: leaf %u (2^%u), level 1 %u (2^%u), level 2 %u (2^%u)\n",
           bv_cm_level_rows(lv[0]), bv_circuit_data_common(bv_cm_level_data(lv[0]))->degree_bits,
           bv_cm_level_rows(lv[1]), bv_circuit_data_common(bv_cm_level_data(lv[1]))->degree_bits,
           bv_cm_level_rows(lv[2]), bv_circuit_data_common(bv_cm_level_data(lv[2]))->degree_bits);
    return 0;
}

static int teardown(void)
{
    for (int k = 0; k < 3; k++)
        bv_cm_level_free(lv[k]);
    return 0;
}

static int verify(const bv_cm_level *l, const bv_proof *p)
{
    bv_status st;
    const bv_circuit_data *d = bv_cm_level_data(l);
    return bv_verify(bv_circuit_data_verifier(d), bv_circuit_data_common(d), p, &st) == BV_OK;
}

static void prove_leaf_ok(const bv_validator *v, bv_proof *p)
{
    bv_status st;
    bv_err e = bv_cm_prove_leaf(lv[0], v, p, &st);
    if (e)
        printf("\n    leaf: %s\n", st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
    CU_ASSERT_TRUE(verify(lv[0], p));
    bv_cm_root got, want;
    CU_ASSERT_EQUAL(bv_cm_root_of(p, &got, &st), BV_OK);
    bv_cm_leaf_native(v, &want);
    CU_ASSERT_EQUAL(memcmp(got.sha, want.sha, 32), 0);
    CU_ASSERT_EQUAL(memcmp(&got.poseidon, &want.poseidon, sizeof want.poseidon), 0);
}

static void test_leaves(void)
{
    for (int variant = 0; variant < 4; variant++) {
        bv_validator v;
        random_validator(&v, variant);
        bv_proof p;
        prove_leaf_ok(&v, &p);
        bv_proof_free(&p);
    }
    bv_proof z;
    prove_leaf_ok(NULL, &z);
    for (int i = 0; i < BV_CM_NUM_PUBLIC_INPUTS; i++)
        CU_ASSERT_EQUAL(z.public_inputs[i], 0);
    bv_proof_free(&z);
}

static void test_nodes_and_zero_subtrees(void)
{
    bv_validator a, b;
    random_validator(&a, 0);
    random_validator(&b, 3);
    bv_proof pa, pb, pz, n1, z1, n2;
    bv_status st;
    prove_leaf_ok(&a, &pa);
    prove_leaf_ok(&b, &pb);
    prove_leaf_ok(NULL, &pz);
    CU_ASSERT_EQUAL_FATAL(bv_cm_prove_node(lv[1], &pa, &pb, &n1, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(bv_cm_prove_node(lv[1], &pz, &pz, &z1, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(bv_cm_prove_node(lv[2], &n1, &z1, &n2, &st), BV_OK);
    CU_ASSERT_TRUE(verify(lv[1], &n1));
    CU_ASSERT_TRUE(verify(lv[2], &n2));
    bv_cm_root ra, rb, r1, rz, r2;
    bv_cm_leaf_native(&a, &ra);
    bv_cm_leaf_native(&b, &rb);
    CU_ASSERT_EQUAL(bv_cm_root_of(&n1, &r1, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_cm_root_of(&z1, &rz, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_cm_root_of(&n2, &r2, &st), BV_OK);
    uint8_t sha[32], zero[32] = {0}, zsha[32];
    bv_sha256_pair(sha, ra.sha, rb.sha);
    CU_ASSERT_EQUAL(memcmp(r1.sha, sha, 32), 0);
    bv_hash pos = bv_poseidon_two_to_one(ra.poseidon, rb.poseidon);
    CU_ASSERT_EQUAL(memcmp(&r1.poseidon, &pos, sizeof pos), 0);
    bv_sha256_pair(zsha, zero, zero);
    CU_ASSERT_EQUAL(memcmp(rz.sha, zsha, 32), 0);
    bv_hash z1n = bv_commit_zero(1);
    CU_ASSERT_EQUAL(memcmp(&rz.poseidon, &z1n, sizeof z1n), 0);
    /* level 2 = the native subtree root of [a, b, 0, 0] */
    uint8_t recs[2 * BV_VALIDATOR_SIZE];
    bv_validator_encode(recs, &a);
    bv_validator_encode(recs + BV_VALIDATOR_SIZE, &b);
    bv_hash sub;
    CU_ASSERT_EQUAL(bv_commit_subtree(&sub, recs, 2, 2, &st), BV_OK);
    CU_ASSERT_EQUAL(memcmp(&r2.poseidon, &sub, sizeof sub), 0);
    bv_sha256_pair(sha, r1.sha, zsha);
    CU_ASSERT_EQUAL(memcmp(r2.sha, sha, 32), 0);

    /* soundness: wrong public input, tampered child, child of another level */
    n2.public_inputs[5] ^= 1;
    CU_ASSERT_FALSE(verify(lv[2], &n2));
    n2.public_inputs[5] ^= 1;
    CU_ASSERT_TRUE(verify(lv[2], &n2));
    bv_proof bad;
    pa.public_inputs[4] ^= 1; /* claims another SHA root */
    CU_ASSERT_NOT_EQUAL(bv_cm_prove_node(lv[1], &pa, &pb, &bad, &st), BV_OK);
    pa.public_inputs[4] ^= 1;
    pa.fri.final_poly[0].c0 = gl_add(pa.fri.final_poly[0].c0, 1);
    CU_ASSERT_NOT_EQUAL(bv_cm_prove_node(lv[1], &pa, &pb, &bad, &st), BV_OK);
    pa.fri.final_poly[0].c0 = gl_sub(pa.fri.final_poly[0].c0, 1);
    CU_ASSERT_NOT_EQUAL(bv_cm_prove_node(lv[2], &pa, &pb, &bad, &st), BV_OK);
    CU_ASSERT_FALSE(verify(lv[2], &n1));
    bv_proof_free(&pa);
    bv_proof_free(&pb);
    bv_proof_free(&pz);
    bv_proof_free(&n1);
    bv_proof_free(&z1);
    bv_proof_free(&n2);
}

/* Inputs the honest API never produces: a limb >= 2^32, a slashed value 2. */
static void test_bad_leaf_witness(void)
{
    const bv_circuit_data *d = bv_cm_level_data(lv[0]);
    for (int which = -1; which < 4; which++) {
        bv_witness *w = bv_witness_new(d);
        bv_target t[BV_CM_LEAF_INPUTS];
        gl_t v[BV_CM_LEAF_INPUTS];
        CU_ASSERT_EQUAL_FATAL(bv_cm_leaf_inputs(lv[0], NULL, t, v), BV_CM_LEAF_INPUTS);
        v[31] = 0; /* a real validator with zero fields: provable */
        if (which == 0)
            v[20] = (gl_t)1 << 32; /* effective balance lo limb */
        else if (which == 1)
            v[0] = (gl_t)1 << 32; /* pubkey word */
        else if (which == 2)
            v[30] = 2; /* slashed */
        else if (which == 3)
            v[31] = 2; /* zero flag */
        bv_status st;
        bv_err e = bv_witness_set_many(w, t, v, BV_CM_LEAF_INPUTS, &st);
        if (e == BV_OK)
            e = bv_witness_generate(w, 1, &st);
        if (e == BV_OK)
            e = bv_witness_check_constraints(w, &st);
        if (which < 0) {
            CU_ASSERT_EQUAL(e, BV_OK); /* the untampered witness is fine */
        } else {
            CU_ASSERT_NOT_EQUAL(e, BV_OK);
        }
        bv_witness_free(w);
    }
}

static void test_save_load(void)
{
    char dir[] = "/tmp/bv_cm_XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    bv_status st;
    for (int k = 0; k < 2; k++)
        CU_ASSERT_EQUAL_FATAL(bv_cm_level_save(lv[k], dir, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_cm_level_save(lv[1], dir, &st), BV_OK); /* idempotent */
    bv_cm_level *l0, *l1;
    CU_ASSERT_EQUAL_FATAL(bv_cm_level_load(dir, 0, &cfg, &l0, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(bv_cm_level_load(dir, 1, &cfg, &l1, &st), BV_OK);
    bv_validator a;
    random_validator(&a, 2);
    bv_proof p0, p1;
    CU_ASSERT_EQUAL_FATAL(bv_cm_prove_leaf(l0, &a, &p0, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(bv_cm_prove_node(l1, &p0, &p0, &p1, &st), BV_OK);
    bv_verifier_data vd;
    bv_common_data cd;
    CU_ASSERT_EQUAL_FATAL(
        bv_circuit_dir_load_verifier(dir, "commitment_mapper_1", &cfg, &vd, &cd, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_verify(&vd, &cd, &p1, &st), BV_OK);
    bv_common_data_release(&cd);
    /* another configuration is refused, naming the file */
    bv_plonk_config std = bv_plonk_config_standard();
    bv_cm_level *x;
    CU_ASSERT_NOT_EQUAL(bv_cm_level_load(dir, 0, &std, &x, &st), BV_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "commitment_mapper_0.circuit"));
    CU_ASSERT_NOT_EQUAL(bv_cm_level_load(dir, 2, &cfg, &x, &st), BV_OK); /* missing */
    bv_proof_free(&p0);
    bv_proof_free(&p1);
    bv_cm_level_free(l0);
    bv_cm_level_free(l1);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

static void register_tests(void)
{
    CU_pSuite s = CU_add_suite("commitment_mapper", setup, teardown);
    CU_add_test(s, "leaves", test_leaves);
    CU_add_test(s, "nodes and zero subtrees", test_nodes_and_zero_subtrees);
    CU_add_test(s, "bad leaf witness", test_bad_leaf_witness);
    CU_add_test(s, "save and load", test_save_load);
}

BV_CU_MAIN(register_tests)
