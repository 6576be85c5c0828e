/* test_plonk.c - end-to-end proving and verification (TEST config), and
 * soundness: violated constraints, broken copy constraints, wrong public
 * inputs, a proof checked against another circuit, tampered openings. */
#include <stdlib.h>
#include <string.h>

#include "balverify/demo_circuit.h"
#include "balverify/gates.h"
#include "balverify/prover.h"
#include "balverify/verifier.h"
#include "cu_main.h"
#include "plonk/plonk_internal.h"
#include "plonk_test_util.h"

/* Largest demo circuit proved: 2^14 rows, 2^12 in sanitizer builds (about
 * ten times slower; the larger sizes run in Release and are not registered
 * there), lower when BV_PLONK_TEST_MAX_LOG_ROWS says so (the larger sizes are
 * then reported as skipped). */
static int default_max_log_rows(void)
{
#ifdef __SANITIZE_ADDRESS__
    return 12;
#else
    return 14;
#endif
}

static int max_log_rows(void)
{
    const char *s = getenv("BV_PLONK_TEST_MAX_LOG_ROWS");
    if (s && *s)
        return atoi(s);
    return default_max_log_rows();
}

static void prove_verify(uint32_t k)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_demo demo;
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_demo_build(&cfg, k, &demo, &st), BV_OK);
    const bv_common_data *cd = bv_circuit_data_common(demo.data);
    CU_ASSERT_EQUAL(cd->degree_bits, k);
    CU_ASSERT_EQUAL(cd->num_public_inputs, BV_DEMO_NUM_PUBLIC_INPUTS);
    bv_witness *w;
    CU_ASSERT_EQUAL_FATAL(bv_demo_witness(&demo, 1000 + k, k, &w, &st), BV_OK);
    bv_proof p;
    bv_err e = bv_prove(demo.data, w, &p, NULL, &st);
    if (e != BV_OK)
        fprintf(stderr, "prove 2^%u: %s\n", k, st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
    e = bv_verify(bv_circuit_data_verifier(demo.data), cd, &p, &st);
    if (e != BV_OK)
        fprintf(stderr, "verify 2^%u: %s\n", k, st.msg);
    CU_ASSERT_EQUAL(e, BV_OK);
    CU_ASSERT_EQUAL(p.public_inputs[0], 1000 + k);
    bv_proof_free(&p);
    bv_witness_free(w);
    bv_demo_free(&demo);
}

static void test_e2e_8(void)
{
    prove_verify(8);
}
static void test_e2e_9(void)
{
    prove_verify(9);
}
static void test_e2e_10(void)
{
    prove_verify(10);
}
static void test_e2e_11(void)
{
    prove_verify(11);
}
static void test_e2e_12(void)
{
    prove_verify(12);
}
static void test_e2e_13(void)
{
    if (max_log_rows() < 13) {
        BV_SKIP("2^13 rows (BV_PLONK_TEST_MAX_LOG_ROWS)");
    }
    prove_verify(13);
}
static void test_e2e_14(void)
{
    if (max_log_rows() < 14) {
        BV_SKIP("2^14 rows (BV_PLONK_TEST_MAX_LOG_ROWS)");
    }
    prove_verify(14);
}

/* A proof made under the standard config verifies (one small case). */
static void test_standard_config(void)
{
    bv_plonk_config cfg = bv_plonk_config_standard();
    bv_demo demo;
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_demo_build(&cfg, 8, &demo, &st), BV_OK);
    bv_witness *w;
    CU_ASSERT_EQUAL_FATAL(bv_demo_witness(&demo, 5, 1, &w, &st), BV_OK);
    bv_proof p;
    CU_ASSERT_EQUAL_FATAL(bv_prove(demo.data, w, &p, NULL, &st), BV_OK);
    CU_ASSERT_EQUAL(p.fri.n_queries, 28);
    CU_ASSERT_EQUAL(
        bv_verify(bv_circuit_data_verifier(demo.data), bv_circuit_data_common(demo.data), &p, &st),
        BV_OK);
    bv_proof_free(&p);
    bv_witness_free(w);
    bv_demo_free(&demo);
}

/* Force one trace cell to a wrong value: proving fails or the verifier
 * rejects. Tried on a cell of every gate type of the demo circuit. */
static void test_forced_cells(void)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_demo demo;
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_demo_build(&cfg, 8, &demo, &st), BV_OK);
    const bv_circuit_data *d = demo.data;
    const bv_common_data *cd = &d->cd;
    uint64_t seed = 77;
    int tried = 0;
    for (uint32_t k = 0; k < cd->num_gates; k++) {
        const bv_gate *g = &cd->gates[k];
        if (g->ops->num_constraints(g) == 0)
            continue; /* Noop rows constrain nothing but routed copies */
        uint32_t row = UINT32_MAX;
        for (uint32_t r = 0; r < d->nrows; r++)
            if (d->row_gate[r] == k) {
                row = r;
                break;
            }
        CU_ASSERT_FATAL(row != UINT32_MAX);
        /* a cell whose change violates this row's gate constraints (some
         * wires, e.g. of unused op slots, do not enter any constraint) */
        bv_witness *w = NULL;
        int found = 0;
        for (int tries = 0; tries < 64 && !found; tries++) {
            uint32_t col = (uint32_t)(tu_rand(&seed) % g->ops->num_wires(g));
            bv_witness_free(w);
            CU_ASSERT_EQUAL_FATAL(bv_demo_witness(&demo, 99, 1, &w, &st), BV_OK);
            gl_t cur = bv_witness_get(w, bv_wire(row, col));
            CU_ASSERT_EQUAL(bv_witness_force_cell(w, row, col, gl_add(cur, 1), &st), BV_OK);
            found = bv_witness_check_constraints(w, &st) == BV_ERR_VERIFY;
        }
        CU_ASSERT_FATAL(found);
        bv_proof p;
        bv_err e = bv_prove(d, w, &p, NULL, &st);
        if (e == BV_OK) {
            e = bv_verify(&d->vd, cd, &p, &st);
            CU_ASSERT_NOT_EQUAL(e, BV_OK);
            bv_proof_free(&p);
        }
        CU_ASSERT_NOT_EQUAL(e, BV_OK);
        tried++;
        bv_witness_free(w);
    }
    CU_ASSERT(tried >= 10);
    bv_demo_free(&demo);
}

/* Break a copy constraint on a Noop row's routed wire (only the permutation
 * argument sees it): the prover notices. */
static void test_copy_constraint_broken(void)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_circuit *c = bv_circuit_new(&cfg);
    bv_target x = bv_circuit_add_virtual(c);
    bv_target y = tu_mul(c, x, x);
    bv_circuit_register_public_input(c, y);
    bv_circuit_data *d;
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_circuit_build(c, &d, &st), BV_OK);
    bv_circuit_free(c);
    bv_witness *w = bv_witness_new(d);
    CU_ASSERT_EQUAL(bv_witness_set(w, x, 3, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(bv_witness_generate(w, 1, &st), BV_OK);
    /* row 0 op 0: m0 = x; changing m0 and the output consistently keeps the
     * gate satisfied but breaks m0 == m1 == x copies */
    CU_ASSERT_EQUAL(bv_witness_force_cell(w, 0, 0, 4, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_force_cell(w, 0, 3, 12, &st), BV_OK);
    bv_proof p;
    bv_err e = bv_prove(d, w, &p, NULL, &st);
    CU_ASSERT_EQUAL(e, BV_ERR_VERIFY);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "copy constraints"));
    if (e == BV_OK)
        bv_proof_free(&p);
    bv_witness_free(w);
    bv_circuit_data_free(d);
}

static bv_circuit_data *square_circuit(gl_t k, uint32_t min_bits)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_circuit *c = bv_circuit_new(&cfg);
    bv_target x = bv_circuit_add_virtual(c);
    bv_target y = tu_arith(c, k, 1, x, x, bv_circuit_one(c)); /* k*x^2 + 1 */
    bv_circuit_register_public_input(c, x);
    bv_circuit_register_public_input(c, y);
    bv_circuit_set_min_degree_bits(c, min_bits);
    bv_circuit_data *d = NULL;
    bv_status st;
    if (bv_circuit_build(c, &d, &st) != BV_OK)
        d = NULL;
    bv_circuit_free(c);
    return d;
}

static void test_public_inputs_and_other_circuit(void)
{
    bv_circuit_data *a = square_circuit(3, 6), *b = square_circuit(5, 6);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    bv_status st;
    bv_witness *w = bv_witness_new(a);
    CU_ASSERT_EQUAL(bv_witness_set(w, bv_virtual(0), 7, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(bv_witness_generate(w, 1, &st), BV_OK);
    bv_proof p;
    CU_ASSERT_EQUAL_FATAL(bv_prove(a, w, &p, NULL, &st), BV_OK);
    CU_ASSERT_EQUAL(p.public_inputs[1], 3 * 49 + 1);
    CU_ASSERT_EQUAL(bv_verify(&a->vd, &a->cd, &p, &st), BV_OK);
    /* same shape, other circuit */
    CU_ASSERT_EQUAL(bv_verify(&b->vd, &b->cd, &p, &st), BV_ERR_VERIFY);
    /* common data that is not the one the verifier data stands for */
    bv_common_data other;
    CU_ASSERT_EQUAL_FATAL(bv_common_data_copy(&other, &a->cd, &st), BV_OK);
    other.num_public_inputs = 3;
    CU_ASSERT_EQUAL(bv_verify(&a->vd, &other, &p, &st), BV_ERR_VERIFY);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "digest"));
    bv_common_data_release(&other);
    /* a claimed output that is not the circuit's */
    p.public_inputs[1] = gl_add(p.public_inputs[1], 1);
    CU_ASSERT_EQUAL(bv_verify(&a->vd, &a->cd, &p, &st), BV_ERR_VERIFY);
    p.public_inputs[1] = gl_sub(p.public_inputs[1], 1);
    p.public_inputs[0] = 8;
    CU_ASSERT_EQUAL(bv_verify(&a->vd, &a->cd, &p, &st), BV_ERR_VERIFY);
    p.public_inputs[0] = 7;
    CU_ASSERT_EQUAL(bv_verify(&a->vd, &a->cd, &p, &st), BV_OK);
    /* tampered openings, caps, FRI data and shape */
    p.openings[3].c1 = gl_add(p.openings[3].c1, 1);
    CU_ASSERT_EQUAL(bv_verify(&a->vd, &a->cd, &p, &st), BV_ERR_VERIFY);
    p.openings[3].c1 = gl_sub(p.openings[3].c1, 1);
    p.wires_cap[0].e[0] ^= 1;
    CU_ASSERT_NOT_EQUAL(bv_verify(&a->vd, &a->cd, &p, &st), BV_OK);
    p.wires_cap[0].e[0] ^= 1;
    p.fri.pow_witness = gl_add(p.fri.pow_witness, 1);
    CU_ASSERT_NOT_EQUAL(bv_verify(&a->vd, &a->cd, &p, &st), BV_OK);
    p.fri.pow_witness = gl_sub(p.fri.pow_witness, 1);
    p.num_public_inputs = 1;
    CU_ASSERT_EQUAL(bv_verify(&a->vd, &a->cd, &p, &st), BV_ERR_FORMAT);
    p.num_public_inputs = 2;
    CU_ASSERT_EQUAL(bv_verify(&a->vd, &a->cd, &p, &st), BV_OK);
    /* a proof of a circuit of another size */
    bv_circuit_data *big = square_circuit(3, 7);
    CU_ASSERT_PTR_NOT_NULL_FATAL(big);
    CU_ASSERT_NOT_EQUAL(bv_verify(&big->vd, &big->cd, &p, &st), BV_OK);
    bv_proof_free(&p);
    bv_witness_free(w);
    bv_circuit_data_free(a);
    bv_circuit_data_free(b);
    bv_circuit_data_free(big);
}

static void register_suites(void)
{
    bv_cu_add_suite("prove and verify (test config)");
    bv_cu_add_test("2^8 rows", test_e2e_8);
    bv_cu_add_test("2^9 rows", test_e2e_9);
    bv_cu_add_test("2^10 rows", test_e2e_10);
    bv_cu_add_test("2^11 rows", test_e2e_11);
    bv_cu_add_test("2^12 rows", test_e2e_12);
    if (default_max_log_rows() >= 13)
        bv_cu_add_test("2^13 rows", test_e2e_13);
    if (default_max_log_rows() >= 14)
        bv_cu_add_test("2^14 rows", test_e2e_14);
    bv_cu_add_test("standard config, 2^8 rows", test_standard_config);
    bv_cu_add_suite("soundness");
    bv_cu_add_test("a wrong cell of every gate type is caught", test_forced_cells);
    bv_cu_add_test("broken copy constraint is caught by the prover", test_copy_constraint_broken);
    bv_cu_add_test("public inputs, other circuit, tampered proof",
                   test_public_inputs_and_other_circuit);
}

BV_CU_MAIN(register_suites)
