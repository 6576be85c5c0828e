/* test_recursion_std.c - the recursion chain with the STANDARD config
 * (100 conjectured bits): a 2^14-row proof verified in a circuit, that proof
 * verified again, and so on: 2^14 -> 2^13 -> 2^12 -> 2^12 (the fixed point),
 * every proof accepted by the native verifier and carrying the inner public
 * inputs. Slower than test_recursion (standard FRI: 28 queries). */
#include <stdio.h>
#include <string.h>

#include "balverify/gadgets.h"
#include "balverify/prover.h"
#include "balverify/recursion.h"
#include "balverify/verifier.h"
#include "cu_main.h"

static void test_standard_chain(void)
{
    bv_plonk_config cfg = bv_plonk_config_standard();
    bv_circuit *c = bv_circuit_new(&cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    bv_target x = bv_circuit_add_virtual(c);
    bv_target y = bv_gadget_mul_const_add(c, 3, bv_gadget_square(c, x), x);
    bv_target pis[2] = {x, y};
    bv_circuit_register_public_inputs(c, pis, 2);
    bv_circuit_set_min_degree_bits(c, 14);
    bv_circuit_data *d0 = NULL;
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_circuit_build(c, &d0, &st), BV_OK);
    bv_circuit_free(c);
    bv_witness *w = bv_witness_new(d0);
    CU_ASSERT_EQUAL_FATAL(bv_witness_set(w, x, 1000, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(bv_witness_generate(w, 1, &st), BV_OK);
    bv_proof p;
    CU_ASSERT_EQUAL_FATAL(bv_prove(d0, w, &p, NULL, &st), BV_OK);
    bv_witness_free(w);

    const uint32_t expect[] = {14, 13, 12, 12};
    const bv_circuit_data *cur = d0;
    bv_rec_wrapper wr[3];
    printf("\n    chain: 2^%u", bv_circuit_data_common(cur)->degree_bits);
    CU_ASSERT_EQUAL(bv_circuit_data_common(cur)->degree_bits, expect[0]);
    for (int i = 0; i < 3; i++) {
        bv_err e = bv_rec_wrapper_build(&cfg, bv_circuit_data_verifier(cur),
                                        bv_circuit_data_common(cur), &wr[i], &st);
        if (e)
            printf("\n    build: %s", st.msg);
        CU_ASSERT_EQUAL_FATAL(e, BV_OK);
        bv_proof q;
        e = bv_rec_wrapper_prove(&wr[i], &p, &q, &st);
        if (e)
            printf("\n    prove: %s", st.msg);
        CU_ASSERT_EQUAL_FATAL(e, BV_OK);
        cur = wr[i].data;
        CU_ASSERT_EQUAL(
            bv_verify(bv_circuit_data_verifier(cur), bv_circuit_data_common(cur), &q, &st), BV_OK);
        CU_ASSERT_EQUAL(q.public_inputs[0], 1000);
        CU_ASSERT_EQUAL(q.public_inputs[1], 3 * 1000 * 1000 + 1000);
        bv_proof_free(&p);
        p = q;
        printf(" -> 2^%u (%u rows)", bv_circuit_data_common(cur)->degree_bits,
               wr[i].rows_before_padding);
        CU_ASSERT_EQUAL(bv_circuit_data_common(cur)->degree_bits, expect[i + 1]);
    }
    for (int i = 0; i < 3; i++)
        bv_rec_wrapper_free(&wr[i]);
    bv_proof_free(&p);
    bv_circuit_data_free(d0);
}

static void register_suites(void)
{
    bv_cu_add_suite("recursion, standard config");
    bv_cu_add_test("chain 2^14 -> 2^13 -> 2^12 -> 2^12", test_standard_chain);
}

BV_CU_MAIN(register_suites)
