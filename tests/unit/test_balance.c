/*
 * test_balance.c - the balance-verification circuits against their native
 * reference (test configuration, 2 credentials):
 *  - leaves with every status (not activated, active, exited, FAR_FUTURE
 *    epochs), slashed validators, non-matching credentials and padding
 *    carry exactly the native statement; a padding validator with matching
 *    credentials, active epochs and a balance moves no sum and no counter;
 *  - a node of two leaves gives the native combination (sum, counters, SHA
 *    pair of the balance roots, PP of the commitments);
 *  - soundness: a sum that would reach 2^64 cannot be proven (native refuses
 *    it too); children with different epochs or credentials cannot be
 *    combined; a total changed by 1 gwei in the public inputs is rejected;
 *    a leaf proof given to a level-2 node is rejected;
 *  - save/load round trip and a directory of another credential count
 *    refused.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cu_main.h"

#include "balverify/balance.h"
#include "balverify/circuit_dir.h"
#include "balverify/verifier.h"

static uint64_t rng = 0x5eed5eed12345678ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static bv_plonk_config cfg;
static bv_bal_level *lv[3];
static const uint32_t NCRED = 2;

static int setup(void)
{
    cfg = bv_plonk_config_test();
    bv_status st;
    for (uint32_t k = 0; k < 3; k++)
        if (bv_bal_level_build(&cfg, NCRED, k, k ? lv[k - 1] : NULL, &lv[k], &st) != BV_OK) {
            printf("build level %u: %s\n", k, st.msg);
            return 1;
        }
    printf("\n    rows: leaf %u (2^%u), level 1 %u (2^%u), level 2 %u (2^%u)\n",
           bv_bal_level_rows(lv[0]), bv_circuit_data_common(bv_bal_level_data(lv[0]))->degree_bits,
           bv_bal_level_rows(lv[1]), bv_circuit_data_common(bv_bal_level_data(lv[1]))->degree_bits,
           bv_bal_level_rows(lv[2]), bv_circuit_data_common(bv_bal_level_data(lv[2]))->degree_bits);
    return 0;
}

static int teardown(void)
{
    for (int k = 0; k < 3; k++)
        bv_bal_level_free(lv[k]);
    return 0;
}

static void put_balance(bv_bal_leaf_input *in, int j, uint64_t b)
{
    for (int i = 0; i < 8; i++)
        in->balances[j / 4][8 * (j % 4) + i] = (uint8_t)(b >> (8 * i));
}

/* A leaf with a mix of statuses; epoch 1000. */
static void make_leaf(bv_bal_leaf_input *in, uint64_t epoch, int npadding)
{
    memset(in, 0, sizeof *in);
    in->num_credentials = NCRED;
    for (uint32_t k = 0; k < NCRED; k++)
        for (int i = 0; i < 32; i++)
            in->credentials[k][i] = (uint8_t)rnd();
    in->epoch = epoch;
    for (int j = 0; j < 8; j++) {
        bv_validator *v = &in->validators[j];
        for (int i = 0; i < 48; i++)
            v->pubkey[i] = (uint8_t)rnd();
        int kind = j % 4;
        if (j == 5) /* not matching */
            for (int i = 0; i < 32; i++)
                v->withdrawal_credentials[i] = (uint8_t)rnd();
        else
            memcpy(v->withdrawal_credentials, in->credentials[j % NCRED], 32);
        v->effective_balance = 32000000000ull;
        v->slashed = j == 2 || j == 6;
        v->activation_eligibility_epoch = 10;
        v->activation_epoch = kind == 0 ? BV_FAR_FUTURE_EPOCH : kind == 3 ? epoch + 1 : 100;
        v->exit_epoch = kind == 2 ? epoch : kind == 1 ? epoch + 1 : BV_FAR_FUTURE_EPOCH;
        v->withdrawable_epoch = BV_FAR_FUTURE_EPOCH;
        in->is_real[j] = j < 8 - npadding;
        put_balance(in, j, 31000000000ull + rnd() % 2000000000ull);
    }
}

static int verify(const bv_bal_level *l, const bv_proof *p)
{
    bv_status st;
    const bv_circuit_data *d = bv_bal_level_data(l);
    return bv_verify(bv_circuit_data_verifier(d), bv_circuit_data_common(d), p, &st) == BV_OK;
}

static int same(const bv_bal_statement *a, const bv_bal_statement *b)
{
    return a->total == b->total && !memcmp(a->balances_root, b->balances_root, 32) &&
           a->num_credentials == b->num_credentials &&
           !memcmp(a->credentials, b->credentials, 32 * a->num_credentials) &&
           !memcmp(&a->commitment, &b->commitment, sizeof a->commitment) && a->epoch == b->epoch &&
           a->non_activated == b->non_activated && a->active == b->active &&
           a->exited == b->exited && a->slashed == b->slashed;
}

static void prove_leaf_ok(const bv_bal_leaf_input *in, bv_proof *p, bv_bal_statement *want)
{
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_bal_leaf_native(in, want, &st), BV_OK);
    bv_err e = bv_bal_prove_leaf(lv[0], in, p, &st);
    if (e)
        printf("\n    leaf: %s\n", st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
    CU_ASSERT_TRUE(verify(lv[0], p));
    bv_bal_statement got;
    CU_ASSERT_EQUAL(bv_bal_statement_of(p, NCRED, &got, &st), BV_OK);
    CU_ASSERT_TRUE(same(&got, want));
}

static void test_leaves(void)
{
    for (int pad = 0; pad <= 3; pad += 3) {
        bv_bal_leaf_input in;
        make_leaf(&in, 1000, pad);
        bv_proof p;
        bv_bal_statement want;
        prove_leaf_ok(&in, &p, &want);
        if (pad == 0) { /* statuses as make_leaf sets them */
            CU_ASSERT_EQUAL(want.non_activated, 4);
            CU_ASSERT_EQUAL(want.active, 1);
            CU_ASSERT_EQUAL(want.exited, 2);
            CU_ASSERT_EQUAL(want.slashed, 2);
        }
        bv_proof_free(&p);
    }
    /* padding that looks like a matching active validator moves nothing */
    bv_bal_leaf_input in;
    make_leaf(&in, 1000, 0);
    for (int j = 0; j < 8; j++) {
        in.validators[j].activation_epoch = 1;
        in.validators[j].exit_epoch = BV_FAR_FUTURE_EPOCH;
        memcpy(in.validators[j].withdrawal_credentials, in.credentials[0], 32);
        in.validators[j].slashed = 1;
        in.is_real[j] = j < 3;
    }
    bv_proof p;
    bv_bal_statement want;
    prove_leaf_ok(&in, &p, &want);
    CU_ASSERT_EQUAL(want.active, 3);
    CU_ASSERT_EQUAL(want.slashed, 3);
    bv_proof_free(&p);
}

static void test_overflow_refused(void)
{
    bv_bal_leaf_input in;
    make_leaf(&in, 1000, 0);
    for (int j = 0; j < 8; j++) {
        in.validators[j].activation_epoch = 1;
        in.validators[j].exit_epoch = BV_FAR_FUTURE_EPOCH;
        memcpy(in.validators[j].withdrawal_credentials, in.credentials[1], 32);
        put_balance(&in, j, (uint64_t)1 << 61);
    }
    bv_status st;
    bv_bal_statement s;
    bv_proof p;
    /* 8 * 2^61 = 2^64: refused natively and by the circuit */
    CU_ASSERT_EQUAL(bv_bal_leaf_native(&in, &s, &st), BV_ERR_VERIFY);
    CU_ASSERT_NOT_EQUAL(bv_bal_prove_leaf(lv[0], &in, &p, &st), BV_OK);
    put_balance(&in, 7, ((uint64_t)1 << 61) - 1); /* 2^64 - 1: fine */
    bv_bal_statement want;
    prove_leaf_ok(&in, &p, &want);
    CU_ASSERT_EQUAL(want.total, UINT64_MAX);
    bv_proof_free(&p);
}

static void test_nodes(void)
{
    bv_bal_leaf_input a, b;
    make_leaf(&a, 1000, 0);
    make_leaf(&b, 1000, 2);
    memcpy(b.credentials, a.credentials, sizeof a.credentials);
    for (int j = 0; j < 8; j++)
        if (j != 5)
            memcpy(b.validators[j].withdrawal_credentials, b.credentials[j % NCRED], 32);
    bv_proof pa, pb, n1, n2, bad;
    bv_bal_statement sa, sb, s1, want, got;
    bv_status st;
    prove_leaf_ok(&a, &pa, &sa);
    prove_leaf_ok(&b, &pb, &sb);
    CU_ASSERT_EQUAL_FATAL(bv_bal_prove_node(lv[1], &pa, &pb, &n1, &st), BV_OK);
    CU_ASSERT_TRUE(verify(lv[1], &n1));
    CU_ASSERT_EQUAL(bv_bal_node_native(&sa, &sb, &want, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_bal_statement_of(&n1, NCRED, &got, &st), BV_OK);
    CU_ASSERT_TRUE(same(&got, &want));
    s1 = got;
    CU_ASSERT_EQUAL_FATAL(bv_bal_prove_node(lv[2], &n1, &n1, &n2, &st), BV_OK);
    CU_ASSERT_TRUE(verify(lv[2], &n2));
    CU_ASSERT_EQUAL(bv_bal_node_native(&s1, &s1, &want, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_bal_statement_of(&n2, NCRED, &got, &st), BV_OK);
    CU_ASSERT_TRUE(same(&got, &want));

    /* a total changed by 1 gwei */
    n2.public_inputs[0] = gl_add(n2.public_inputs[0], 1);
    CU_ASSERT_FALSE(verify(lv[2], &n2));
    n2.public_inputs[0] = gl_sub(n2.public_inputs[0], 1);
    /* a leaf proof at level 2 */
    CU_ASSERT_NOT_EQUAL(bv_bal_prove_node(lv[2], &pa, &pb, &bad, &st), BV_OK);
    /* children with another epoch, or other credentials */
    bv_bal_leaf_input c = b;
    c.epoch = 1001;
    bv_proof pc;
    bv_bal_statement sc;
    prove_leaf_ok(&c, &pc, &sc);
    CU_ASSERT_NOT_EQUAL(bv_bal_prove_node(lv[1], &pa, &pc, &bad, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_bal_node_native(&sa, &sc, &want, &st), BV_ERR_VERIFY);
    bv_proof_free(&pc);
    c = b;
    c.credentials[1][31] ^= 1;
    prove_leaf_ok(&c, &pc, &sc);
    CU_ASSERT_NOT_EQUAL(bv_bal_prove_node(lv[1], &pa, &pc, &bad, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_bal_node_native(&sa, &sc, &want, &st), BV_ERR_VERIFY);
    bv_proof_free(&pc);
    bv_proof_free(&pa);
    bv_proof_free(&pb);
    bv_proof_free(&n1);
    bv_proof_free(&n2);
}

static void test_save_load(void)
{
    char dir[] = "/tmp/bv_bal_XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    bv_status st;
    for (int k = 0; k < 2; k++)
        CU_ASSERT_EQUAL_FATAL(bv_bal_level_save(lv[k], dir, &st), BV_OK);
    bv_bal_level *l0, *l1, *x;
    bv_err le = bv_bal_level_load(dir, NCRED, 0, &cfg, &l0, &st);
    if (le)
        printf("\n    load: %s\n", st.msg);
    CU_ASSERT_EQUAL_FATAL(le, BV_OK);
    CU_ASSERT_EQUAL_FATAL(bv_bal_level_load(dir, NCRED, 1, &cfg, &l1, &st), BV_OK);
    bv_bal_leaf_input in;
    make_leaf(&in, 77, 1);
    bv_proof p0, p1;
    CU_ASSERT_EQUAL_FATAL(bv_bal_prove_leaf(l0, &in, &p0, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(bv_bal_prove_node(l1, &p0, &p0, &p1, &st), BV_OK);
    CU_ASSERT_TRUE(verify(lv[1], &p1));
    CU_ASSERT_NOT_EQUAL(bv_bal_level_load(dir, 1, 0, &cfg, &x, &st), BV_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "credential"));
    bv_proof_free(&p0);
    bv_proof_free(&p1);
    bv_bal_level_free(l0);
    bv_bal_level_free(l1);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

static void register_tests(void)
{
    CU_pSuite s = CU_add_suite("balance", setup, teardown);
    CU_add_test(s, "leaves", test_leaves);
    CU_add_test(s, "overflow refused", test_overflow_refused);
    CU_add_test(s, "nodes", test_nodes);
    CU_add_test(s, "save and load", test_save_load);
}

BV_CU_MAIN(register_tests)
