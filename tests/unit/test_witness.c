/* test_witness.c - partition witness and generator scheduling: values flow
 * through copy classes, conflicts are errors, missing inputs are reported,
 * custom generators, Poseidon rows against the native permutation, the
 * constraint checker and the forced-cell hook. */
#include <string.h>

#include "balverify/circuit.h"
#include "balverify/gates.h"
#include "balverify/witness.h"
#include "cu_main.h"
#include "plonk_test_util.h"

static bv_circuit_data *build(bv_circuit *c)
{
    bv_circuit_data *d = NULL;
    bv_status st;
    if (bv_circuit_build(c, &d, &st) != BV_OK) {
        fprintf(stderr, "build failed: %s\n", st.msg);
        d = NULL;
    }
    bv_circuit_free(c);
    return d;
}

/* Horner chain of degree 30 in reverse registration order (stresses the
 * scheduler: generators become runnable out of insertion order). */
static void test_chain(void)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_circuit *c = bv_circuit_new(&cfg);
    bv_target x = bv_circuit_add_virtual(c);
    bv_target acc = bv_circuit_constant(c, 3);
    for (int i = 0; i < 30; i++)
        acc = tu_arith(c, 1, 1, acc, x, bv_circuit_constant(c, (gl_t)i)); /* acc*x + i */
    bv_target out = bv_circuit_add_virtual(c);
    bv_circuit_connect(c, out, acc);
    bv_circuit_register_public_input(c, out);
    bv_circuit_data *d = build(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    bv_witness *w = bv_witness_new(d);
    bv_status st;
    gl_t xv = 123456789;
    CU_ASSERT_EQUAL(bv_witness_set(w, x, xv, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(bv_witness_generate(w, 1, &st), BV_OK);
    gl_t expect = 3;
    for (int i = 0; i < 30; i++)
        expect = gl_add(gl_mul(expect, xv), (gl_t)i);
    gl_t got = 0;
    CU_ASSERT(bv_witness_try_get(w, out, &got));
    CU_ASSERT_EQUAL(got, expect);
    gl_t pi;
    CU_ASSERT_EQUAL(bv_witness_public_inputs(w, &pi, &st), BV_OK);
    CU_ASSERT_EQUAL(pi, expect);
    CU_ASSERT_EQUAL(bv_witness_check_constraints(w, &st), BV_OK);
    /* forcing a cell breaks a constraint */
    CU_ASSERT_EQUAL(bv_witness_force_cell(w, 0, 3, 5, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_check_constraints(w, &st), BV_ERR_VERIFY);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "row 0"));
    CU_ASSERT_EQUAL(bv_witness_force_cell(w, 1u << 30, 0, 5, &st), BV_ERR_ARG);
    bv_witness_free(w);
    bv_circuit_data_free(d);
}

static void test_conflict(void)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_circuit *c = bv_circuit_new(&cfg);
    bv_target a = bv_circuit_add_virtual(c), b = bv_circuit_add_virtual(c);
    bv_target p = tu_mul(c, a, b);
    bv_target claimed = bv_circuit_add_virtual(c);
    bv_circuit_connect(c, claimed, p);
    bv_circuit_data *d = build(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    bv_status st;
    /* same value twice is fine, a different one is a conflict */
    bv_witness *w = bv_witness_new(d);
    CU_ASSERT_EQUAL(bv_witness_set(w, a, 6, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_set(w, a, 6, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_set(w, a, 7, &st), BV_ERR_VERIFY);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "conflict"));
    /* a claimed product that the generator contradicts */
    CU_ASSERT_EQUAL(bv_witness_set(w, b, 7, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_set(w, claimed, 43, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_generate(w, 1, &st), BV_ERR_VERIFY);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "conflict"));
    bv_witness_free(w);
    /* consistent claim */
    w = bv_witness_new(d);
    CU_ASSERT_EQUAL(bv_witness_set(w, a, 6, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_set(w, b, 7, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_set(w, claimed, 42, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_generate(w, 1, &st), BV_OK);
    /* setting a target that does not exist */
    CU_ASSERT_EQUAL(bv_witness_set(w, bv_virtual(1u << 30), 1, &st), BV_ERR_ARG);
    CU_ASSERT(!bv_witness_try_get(w, bv_wire(1u << 30, 0), NULL));
    bv_witness_free(w);
    bv_circuit_data_free(d);
}

static void test_missing_input(void)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_circuit *c = bv_circuit_new(&cfg);
    bv_target a = bv_circuit_add_virtual(c), b = bv_circuit_add_virtual(c);
    bv_target p = tu_mul(c, a, b);
    tu_mul(c, p, p);
    bv_circuit_data *d = build(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    bv_status st;
    bv_witness *w = bv_witness_new(d);
    CU_ASSERT_EQUAL(bv_witness_set(w, a, 6, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_generate(w, 1, &st), BV_ERR_VERIFY);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "2 generators weren't run"));
    bv_witness_free(w);
    bv_circuit_data_free(d);
}

static bv_err inv_fn(bv_witness *w, const bv_target *in, size_t nin, const bv_target *out,
                     size_t nout, const gl_t *params, size_t nparams, bv_status *st)
{
    (void)nin;
    (void)nout;
    (void)nparams;
    gl_t x = bv_witness_get(w, in[0]);
    if (x == 0)
        return bv_fail(st, BV_ERR_VERIFY, "inverse of zero");
    return bv_witness_set(w, out[0], gl_mul(gl_inv(x), params[0]), st);
}

/* A non-deterministic generator: q = k / x, constrained by q*x == k. */
static void test_simple_generator(void)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_circuit *c = bv_circuit_new(&cfg);
    bv_target x = bv_circuit_add_virtual(c), q = bv_circuit_add_virtual(c);
    gl_t k = 1000;
    bv_circuit_add_simple_generator(c, "Div", inv_fn, &x, 1, &q, 1, &k, 1);
    bv_target prod = tu_mul(c, q, x);
    bv_circuit_connect(c, prod, bv_circuit_constant(c, k));
    bv_target copy = bv_circuit_add_virtual(c);
    bv_circuit_add_copy_generator(c, q, copy);
    bv_target rnd = bv_circuit_add_virtual(c);
    bv_circuit_add_random_generator(c, rnd);
    bv_circuit_data *d = build(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    bv_status st;
    bv_witness *w = bv_witness_new(d);
    CU_ASSERT_EQUAL(bv_witness_set(w, x, 8, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(bv_witness_generate(w, 1, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_get(w, q), 125);
    CU_ASSERT_EQUAL(bv_witness_get(w, copy), 125);
    CU_ASSERT(bv_witness_try_get(w, rnd, NULL));
    CU_ASSERT_EQUAL(bv_witness_check_constraints(w, &st), BV_OK);
    bv_witness_free(w);
    /* the generator's own error is reported with its name */
    w = bv_witness_new(d);
    CU_ASSERT_EQUAL(bv_witness_set(w, x, 0, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_witness_generate(w, 1, &st), BV_ERR_VERIFY);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "Div"));
    bv_witness_free(w);
    bv_circuit_data_free(d);
}

/* Poseidon rows in-circuit equal the native permutation; the public-input
 * hash rows equal hash_no_pad. */
static void test_poseidon_rows(void)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_circuit *c = bv_circuit_new(&cfg);
    bv_target in[12], out[12], out2[12];
    bv_circuit_add_virtuals(c, in, 12);
    tu_poseidon(c, in, out);
    tu_poseidon(c, out, out2);
    bv_circuit_register_public_inputs(c, out2, 12);
    bv_circuit_data *d = build(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    bv_status st;
    bv_witness *w = bv_witness_new(d);
    uint64_t seed = 5;
    gl_t s[12];
    for (int i = 0; i < 12; i++) {
        s[i] = tu_rand_gl(&seed);
        CU_ASSERT_EQUAL(bv_witness_set(w, in[i], s[i], &st), BV_OK);
    }
    CU_ASSERT_EQUAL_FATAL(bv_witness_generate(w, 1, &st), BV_OK);
    bv_poseidon_permute(s);
    bv_poseidon_permute(s);
    for (int i = 0; i < 12; i++)
        CU_ASSERT_EQUAL(bv_witness_get(w, out2[i]), s[i]);
    CU_ASSERT_EQUAL(bv_witness_check_constraints(w, &st), BV_OK);
    bv_witness_free(w);
    bv_circuit_data_free(d);
}

static void test_full_trace(void)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_circuit *c = bv_circuit_new(&cfg);
    bv_target a = bv_circuit_add_virtual(c);
    bv_target p = tu_mul(c, a, a);
    (void)p;
    bv_circuit_data *d = build(c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const bv_common_data *cd = bv_circuit_data_common(d);
    uint32_t n = bv_common_num_rows(cd), W = cd->config.num_wires;
    bv_status st;
    bv_witness *w = bv_witness_new(d);
    CU_ASSERT_EQUAL(bv_witness_set(w, a, 9, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(bv_witness_generate(w, 1, &st), BV_OK);
    gl_t *cells = calloc((size_t)n * W, sizeof *cells);
    gl_t **cols = calloc(W, sizeof *cols);
    for (uint32_t i = 0; i < W; i++)
        cols[i] = cells + (size_t)i * n;
    bv_witness_trace(w, cols);
    /* row 0 is the arithmetic row: op 0 = (9, 9, 0, 81); op 1 unused = 0 */
    CU_ASSERT_EQUAL(cols[0][0], 9);
    CU_ASSERT_EQUAL(cols[1][0], 9);
    CU_ASSERT_EQUAL(cols[3][0], 81);
    CU_ASSERT_EQUAL(cols[7][0], 0);
    free(cells);
    free(cols);
    bv_witness_free(w);
    bv_circuit_data_free(d);
}

static void register_suites(void)
{
    bv_cu_add_suite("witness");
    bv_cu_add_test("arithmetic chain", test_chain);
    bv_cu_add_test("conflicts are errors", test_conflict);
    bv_cu_add_test("missing input: generators weren't run", test_missing_input);
    bv_cu_add_test("simple, copy and random generators", test_simple_generator);
    bv_cu_add_test("Poseidon rows equal the native permutation", test_poseidon_rows);
    bv_cu_add_test("full trace extraction", test_full_trace);
}

BV_CU_MAIN(register_suites)
