/* test_builder.c - circuit configuration and builder: FRI arities, security
 * estimate, constants, op packing, public inputs, selectors, sigma,
 * determinism of the circuit digest, and misuse errors. */
#include <string.h>

#include "balverify/circuit.h"
#include "balverify/gates.h"
#include "cu_main.h"
#include "plonk/plonk_internal.h"
#include "plonk_test_util.h"

static void test_config(void)
{
    bv_plonk_config s = bv_plonk_config_standard(), t = bv_plonk_config_test();
    bv_status st;
    CU_ASSERT_EQUAL(s.num_wires, 135);
    CU_ASSERT_EQUAL(s.num_routed_wires, 80);
    CU_ASSERT_EQUAL(s.num_constants, 2);
    CU_ASSERT_EQUAL(s.num_challenges, 2);
    CU_ASSERT_EQUAL(s.max_quotient_degree_factor, 8);
    CU_ASSERT_EQUAL(s.fri.rate_bits, 3);
    CU_ASSERT_EQUAL(s.fri.cap_height, 4);
    CU_ASSERT_EQUAL(s.fri.proof_of_work_bits, 16);
    CU_ASSERT_EQUAL(s.fri.num_query_rounds, 28);
    CU_ASSERT_EQUAL(bv_plonk_conjectured_security_bits(&s), 100);
    CU_ASSERT(bv_plonk_conjectured_security_bits(&t) < 100);
    CU_ASSERT_EQUAL(bv_plonk_num_partial_products(&s), 9);
    CU_ASSERT_EQUAL(bv_plonk_config_validate(&s, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_plonk_config_validate(&t, &st), BV_OK);
    bv_plonk_config x;
    CU_ASSERT_EQUAL(bv_plonk_config_by_name("standard", &x, &st), BV_OK);
    CU_ASSERT_EQUAL(x.fri.num_query_rounds, 28);
    CU_ASSERT_EQUAL(bv_plonk_config_by_name("fast", &x, &st), BV_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "fast"));
    x = s;
    x.num_routed_wires = 200;
    CU_ASSERT_EQUAL(bv_plonk_config_validate(&x, &st), BV_ERR_FORMAT);
    x = s;
    x.zero_knowledge = 1;
    CU_ASSERT_NOT_EQUAL(bv_plonk_config_validate(&x, &st), BV_OK);
}

static void test_arities(void)
{
    /* PROOF_SYSTEM.md 5.1 examples */
    bv_plonk_config s = bv_plonk_config_standard();
    uint32_t a[BV_PLONK_MAX_ARITIES];
    CU_ASSERT_EQUAL(bv_plonk_fri_arities(&s.fri, 12, a), 2);
    CU_ASSERT_EQUAL(bv_plonk_fri_arities(&s.fri, 13, a), 2);
    CU_ASSERT_EQUAL(bv_plonk_fri_arities(&s.fri, 14, a), 3);
    CU_ASSERT_EQUAL(bv_plonk_fri_arities(&s.fri, 16, a), 3);
    CU_ASSERT_EQUAL(bv_plonk_fri_arities(&s.fri, 20, a), 4);
    CU_ASSERT_EQUAL(a[0], 4);
    CU_ASSERT_EQUAL(bv_plonk_fri_arities(&s.fri, 5, a), 0);
    CU_ASSERT_EQUAL(bv_plonk_fri_arities(&s.fri, 2, a), 0);
}

/* A small circuit: y = x^3 + 5x + c with public inputs x, y. */
static bv_circuit *small_circuit(gl_t c_extra, bv_target *x_out)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_circuit *c = bv_circuit_new(&cfg);
    bv_target x = bv_circuit_add_virtual(c);
    bv_target x2 = tu_mul(c, x, x);
    bv_target x3 = tu_mul(c, x2, x);
    bv_target t = tu_arith(c, 5, 1, x, bv_circuit_one(c), x3);
    bv_target y = tu_add(c, t, bv_circuit_constant(c, c_extra));
    bv_circuit_register_public_input(c, x);
    bv_circuit_register_public_input(c, y);
    if (x_out)
        *x_out = x;
    return c;
}

static void test_constants_memo(void)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_circuit *c = bv_circuit_new(&cfg);
    bv_target a = bv_circuit_constant(c, 42), b = bv_circuit_constant(c, 42);
    bv_target z = bv_circuit_constant(c, GL_P); /* non-canonical 0 */
    CU_ASSERT(bv_target_eq(a, b));
    CU_ASSERT(bv_target_eq(z, bv_circuit_zero(c)));
    CU_ASSERT(!bv_target_eq(a, bv_circuit_one(c)));
    gl_t v = 0;
    CU_ASSERT(bv_circuit_target_as_constant(c, a, &v));
    CU_ASSERT_EQUAL(v, 42);
    CU_ASSERT(!bv_circuit_target_as_constant(c, bv_circuit_add_virtual(c), &v));
    bv_circuit_free(c);
}

static void test_op_packing(void)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_circuit *c = bv_circuit_new(&cfg);
    bv_target x = bv_circuit_add_virtual(c);
    for (int i = 0; i < 25; i++)
        x = tu_mul(c, x, x);
    CU_ASSERT_EQUAL(bv_circuit_num_rows(c), 2); /* 20 ops per row */
    tu_arith(c, 3, 4, x, x, x);                 /* other constants: a new row */
    CU_ASSERT_EQUAL(bv_circuit_num_rows(c), 3);
    const bv_gate *g = bv_circuit_row_gate(c, 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    CU_ASSERT_STRING_EQUAL(g->ops->kind, bv_gate_arithmetic(20).ops->kind);
    CU_ASSERT_EQUAL(bv_circuit_row_constants(c, 2)[0], 3);
    CU_ASSERT_EQUAL(bv_circuit_row_constants(c, 2)[1], 4);
    CU_ASSERT_PTR_NULL(bv_circuit_row_gate(c, 3));
    bv_circuit_free(c);
}

static void test_build_shape(void)
{
    bv_circuit *c = small_circuit(7, NULL);
    bv_circuit_data *d = NULL;
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_circuit_build(c, &d, &st), BV_OK);
    bv_circuit_free(c);
    const bv_common_data *cd = bv_circuit_data_common(d);
    CU_ASSERT_EQUAL(bv_common_data_validate(cd, &st), BV_OK);
    CU_ASSERT(cd->degree_bits >= 2);
    CU_ASSERT_EQUAL(cd->num_public_inputs, 2);
    /* gates: Arithmetic, Constant (for the constants), Noop, Poseidon (PI
     * hash), PublicInput; sorted by (degree, id) */
    CU_ASSERT(cd->num_gates >= 4);
    for (uint32_t i = 1; i < cd->num_gates; i++)
        CU_ASSERT(bv_gate_cmp(&cd->gates[i - 1], &cd->gates[i]) < 0);
    CU_ASSERT_EQUAL(cd->num_constants, cd->num_selectors + 2);
    CU_ASSERT_EQUAL(cd->num_gate_constraints, BV_POSEIDON_GATE_NUM_CONSTRAINTS);
    CU_ASSERT_EQUAL(cd->num_partial_products, 9);
    CU_ASSERT_EQUAL(cd->k_is[0], 1);
    CU_ASSERT_EQUAL(cd->k_is[1], GL_MULTIPLICATIVE_GENERATOR);
    /* every row's selector column holds its gate index, others UNUSED */
    uint32_t n = d->nrows;
    for (uint32_t r = 0; r < n; r++) {
        uint32_t k = d->row_gate[r];
        for (uint32_t s = 0; s < cd->num_selectors; s++) {
            gl_t v = d->const_sigma_values[(size_t)s * n + r];
            if (s == cd->selector_index[k]) {
                CU_ASSERT_EQUAL(v, k);
            } else {
                CU_ASSERT_EQUAL(v, BV_SELECTOR_UNUSED);
            }
        }
        for (uint32_t j = 0; j < cd->num_gates; j++) {
            gl_t f = bv_common_filter_base(
                cd, j, d->const_sigma_values[(size_t)cd->selector_index[j] * n + r]);
            if (j == k) {
                CU_ASSERT(f != 0);
            } else {
                CU_ASSERT_EQUAL(f, 0);
            }
        }
    }
    bv_circuit_data_free(d);
}

/* sigma is a permutation of the identity labels that maps each routed wire
 * to a wire of the same copy class. */
static void test_sigma(void)
{
    bv_circuit *c = small_circuit(9, NULL);
    bv_circuit_data *d = NULL;
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_circuit_build(c, &d, &st), BV_OK);
    bv_circuit_free(c);
    const bv_common_data *cd = &d->cd;
    uint32_t n = d->nrows, R = cd->config.num_routed_wires, W = d->num_wires;
    gl_t omega = gl_root_of_unity(cd->degree_bits);
    uint8_t *hit = calloc((size_t)n * R, 1);
    size_t moved = 0;
    for (uint32_t i = 0; i < R; i++)
        for (uint32_t r = 0; r < n; r++) {
            gl_t s = d->const_sigma_values[(size_t)(cd->num_constants + i) * n + r];
            /* find (r', i') with k_i' * omega^r' == s */
            int found = 0;
            for (uint32_t i2 = 0; i2 < R && !found; i2++) {
                gl_t q = gl_mul(s, gl_inv(cd->k_is[i2]));
                gl_t p = 1;
                for (uint32_t r2 = 0; r2 < n; r2++, p = gl_mul(p, omega))
                    if (p == q) {
                        CU_ASSERT_EQUAL(hit[(size_t)r2 * R + i2], 0);
                        hit[(size_t)r2 * R + i2] = 1;
                        CU_ASSERT_EQUAL(d->rep[(size_t)r * W + i], d->rep[(size_t)r2 * W + i2]);
                        if (r2 != r || i2 != i)
                            moved++;
                        found = 1;
                        break;
                    }
            }
            CU_ASSERT(found);
        }
    CU_ASSERT(moved > 0);
    free(hit);
    bv_circuit_data_free(d);
}

static void test_digest_deterministic(void)
{
    bv_status st;
    bv_circuit_data *d1, *d2, *d3;
    bv_circuit *c = small_circuit(7, NULL);
    CU_ASSERT_EQUAL_FATAL(bv_circuit_build(c, &d1, &st), BV_OK);
    bv_circuit_free(c);
    c = small_circuit(7, NULL);
    CU_ASSERT_EQUAL_FATAL(bv_circuit_build(c, &d2, &st), BV_OK);
    bv_circuit_free(c);
    c = small_circuit(8, NULL);
    CU_ASSERT_EQUAL_FATAL(bv_circuit_build(c, &d3, &st), BV_OK);
    bv_circuit_free(c);
    const bv_verifier_data *v1 = bv_circuit_data_verifier(d1), *v2 = bv_circuit_data_verifier(d2),
                           *v3 = bv_circuit_data_verifier(d3);
    CU_ASSERT(bv_hash_eq(v1->circuit_digest, v2->circuit_digest));
    CU_ASSERT(!bv_hash_eq(v1->circuit_digest, v3->circuit_digest));
    bv_hash dg;
    CU_ASSERT_EQUAL(bv_plonk_circuit_digest(v1->cap, v1->cap_height, &d1->cd, &dg, &st), BV_OK);
    CU_ASSERT(bv_hash_eq(v1->circuit_digest, dg));
    /* the digest binds the common data, not only the cap */
    bv_common_data other;
    CU_ASSERT_EQUAL_FATAL(bv_common_data_copy(&other, &d1->cd, &st), BV_OK);
    other.num_public_inputs++;
    CU_ASSERT_EQUAL(bv_plonk_circuit_digest(v1->cap, v1->cap_height, &other, &dg, &st), BV_OK);
    CU_ASSERT(!bv_hash_eq(v1->circuit_digest, dg));
    bv_common_data_release(&other);
    bv_circuit_data_free(d1);
    bv_circuit_data_free(d2);
    bv_circuit_data_free(d3);
}

static void test_min_degree_and_padding(void)
{
    bv_status st;
    bv_circuit *c = small_circuit(7, NULL);
    bv_circuit_set_min_degree_bits(c, 9);
    bv_circuit_data *d;
    CU_ASSERT_EQUAL_FATAL(bv_circuit_build(c, &d, &st), BV_OK);
    CU_ASSERT_EQUAL(d->cd.degree_bits, 9);
    bv_circuit_data *d2 = NULL;
    CU_ASSERT_EQUAL(bv_circuit_build(c, &d2, &st), BV_ERR_ARG); /* already built */
    CU_ASSERT_PTR_NULL(d2);
    bv_circuit_free(c);
    bv_circuit_data_free(d);
}

static void test_misuse(void)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_status st;
    bv_circuit_data *d = NULL;
    /* connecting an unrouted wire */
    bv_circuit *c = bv_circuit_new(&cfg);
    bv_gate pg = bv_gate_poseidon();
    uint32_t row = bv_circuit_add_gate(c, &pg, NULL);
    bv_circuit_connect(c, bv_wire(row, 100), bv_circuit_zero(c));
    CU_ASSERT_EQUAL(bv_circuit_error(c, &st), BV_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "not routed"));
    CU_ASSERT_EQUAL(bv_circuit_build(c, &d, &st), BV_ERR_ARG);
    CU_ASSERT_PTR_NULL(d);
    bv_circuit_free(c);
    /* a target that does not exist */
    c = bv_circuit_new(&cfg);
    bv_circuit_connect(c, bv_wire(5, 0), bv_virtual(77));
    CU_ASSERT_EQUAL(bv_circuit_error(c, &st), BV_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "does not exist"));
    bv_circuit_free(c);
    /* a gate wider than the config */
    bv_plonk_config narrow = cfg;
    narrow.num_wires = 80;
    c = bv_circuit_new(&narrow);
    bv_circuit_add_gate(c, &pg, NULL);
    CU_ASSERT_EQUAL(bv_circuit_error(c, &st), BV_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "wires"));
    bv_circuit_free(c);
    /* public input that does not exist */
    c = bv_circuit_new(&cfg);
    bv_circuit_register_public_input(c, bv_virtual(3));
    CU_ASSERT_EQUAL(bv_circuit_build(c, &d, &st), BV_ERR_ARG);
    bv_circuit_free(c);
}

static void test_empty_circuit(void)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_status st;
    bv_circuit *c = bv_circuit_new(&cfg);
    bv_circuit_data *d = NULL;
    CU_ASSERT_EQUAL_FATAL(bv_circuit_build(c, &d, &st), BV_OK);
    CU_ASSERT_EQUAL(d->cd.num_public_inputs, 0);
    bv_circuit_free(c);
    bv_circuit_data_free(d);
}

static void register_suites(void)
{
    bv_cu_add_suite("config");
    bv_cu_add_test("standard and test configs", test_config);
    bv_cu_add_test("FRI arities (ConstantArityBits)", test_arities);
    bv_cu_add_suite("builder");
    bv_cu_add_test("constants are memoised", test_constants_memo);
    bv_cu_add_test("arithmetic op packing", test_op_packing);
    bv_cu_add_test("built shape, selectors and filters", test_build_shape);
    bv_cu_add_test("sigma permutation respects copy classes", test_sigma);
    bv_cu_add_test("circuit digest deterministic and binding", test_digest_deterministic);
    bv_cu_add_test("min degree bits and double build", test_min_degree_and_padding);
    bv_cu_add_test("misuse reports errors", test_misuse);
    bv_cu_add_test("empty circuit builds", test_empty_circuit);
}

BV_CU_MAIN(register_suites)
