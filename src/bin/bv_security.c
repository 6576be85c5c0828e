/* bv_security - prints the conjectured security of the proof-system configs.
 *
 *   bv_security [--config standard|test]
 *
 * Conjectured bits = min(128, queries * rate_bits + proof_of_work_bits): each
 * FRI query is conjectured to contribute rate_bits bits (ethSTARK-style
 * conjecture, up to the list-decoding regime) and grinding adds the PoW bits;
 * the PLONK challenges are drawn twice (num_challenges) or in the quadratic
 * extension, so the extension field caps the estimate at 128 bits. */
#include <stdio.h>
#include <string.h>

#include "balverify/plonk_config.h"

static void print_config(const bv_plonk_config *c)
{
    printf("config %s:\n", c->name);
    printf("  wires %u (routed %u), gate constants %u, challenges %u, quotient degree factor %u\n",
           c->num_wires, c->num_routed_wires, c->num_constants, c->num_challenges,
           c->max_quotient_degree_factor);
    printf("  FRI: rate_bits %u (blow-up %u), cap_height %u, arity 2^%u, final poly <= 2^%u, "
           "%u queries, %u PoW bits\n",
           c->fri.rate_bits, 1u << c->fri.rate_bits, c->fri.cap_height, c->fri.arity_bits,
           c->fri.final_poly_bits, c->fri.num_query_rounds, c->fri.proof_of_work_bits);
    uint32_t bits = bv_plonk_conjectured_security_bits(c);
    printf("  conjectured security: min(128, %u * %u + %u) = %u bits%s\n", c->fri.num_query_rounds,
           c->fri.rate_bits, c->fri.proof_of_work_bits, bits,
           bits < 100 ? "  (TEST ONLY: below the 100-bit target)" : "");
}

int main(int argc, char **argv)
{
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: bv_security [--config standard|test]\n");
            return 0;
        } else {
            fprintf(stderr, "bv_security: error: unknown argument '%s'\n", argv[i]);
            return bv_exit_code(BV_ERR_ARG);
        }
    }
    if (only) {
        bv_plonk_config c;
        bv_status st;
        bv_err e = bv_plonk_config_by_name(only, &c, &st);
        if (e != BV_OK) {
            fprintf(stderr, "bv_security: error: %s\n", st.msg);
            return bv_exit_code(e);
        }
        print_config(&c);
        return 0;
    }
    bv_plonk_config s = bv_plonk_config_standard(), t = bv_plonk_config_test();
    print_config(&s);
    print_config(&t);
    return 0;
}
