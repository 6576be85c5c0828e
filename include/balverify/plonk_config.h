/*
 * plonk_config.h - circuit configuration of the PLONK+FRI proof system.
 *
 * Invariants:
 *  - bv_plonk_config_standard() is plonky2's standard recursion config
 *    (PROOF_SYSTEM.md sections 5.1 and 6.1) and is the DEFAULT everywhere.
 *  - bv_plonk_config_test() differs only in the FRI query count and
 *    proof-of-work bits (a cheaper, LOWER-security setting); it is meant for
 *    tests only and its name says so in every file it is written to.
 *  - A circuit file whose configuration gives fewer than
 *    BV_PLONK_MIN_SECURITY_BITS conjectured bits is refused by the loaders
 *    unless it is exactly the test configuration and the caller asked for
 *    it (BV_LOAD_ALLOW_TEST_CONFIG, `--config test`).
 *  - num_routed_wires <= num_wires; num_routed_wires is a multiple of
 *    max_quotient_degree_factor (chunking of the permutation product);
 *    quotient degree bits (log2 of the factor) <= rate_bits.
 *  - The FRI reduction strategy is ConstantArityBits(arity_bits,
 *    final_poly_bits): see bv_plonk_fri_arities().
 */
#ifndef BALVERIFY_PLONK_CONFIG_H
#define BALVERIFY_PLONK_CONFIG_H

#include <stdint.h>

#include "balverify/status.h"

#define BV_PLONK_MAX_WIRES 256
#define BV_PLONK_MAX_ARITIES 16
#define BV_PLONK_MAX_CONSTANTS 16 /* largest num_constants a config may have */

typedef struct {
    uint32_t rate_bits;  /* LDE blow-up 2^rate_bits */
    uint32_t cap_height; /* Merkle caps publish 2^cap_height digests */
    uint32_t proof_of_work_bits;
    uint32_t arity_bits; /* ConstantArityBits(arity_bits, final_poly_bits) */
    uint32_t final_poly_bits;
    uint32_t num_query_rounds;
} bv_plonk_fri_config;

typedef struct {
    const char *name; /* "standard" or "test" (informational) */
    uint32_t num_wires;
    uint32_t num_routed_wires;
    uint32_t num_constants; /* max gate constants of one gate */
    uint32_t security_bits;
    uint32_t num_challenges;
    uint32_t max_quotient_degree_factor;
    uint32_t use_base_arithmetic_gate; /* bool */
    uint32_t zero_knowledge;           /* bool; must be 0 (blinding not implemented) */
    bv_plonk_fri_config fri;
} bv_plonk_config;

/* plonky2 standard_recursion_config: 135 wires, 80 routed, 2 constants,
 * 2 challenges, quotient factor 8, FRI rate 3 / cap 4 / PoW 16 / arity 16 /
 * final poly <= 2^5 / 28 queries. */
bv_plonk_config bv_plonk_config_standard(void);

/* Test-only: like standard, 8 queries and 8 PoW bits (32 conjectured bits). */
bv_plonk_config bv_plonk_config_test(void);

/* Config by name ("standard" | "test"); BV_ERR_ARG for anything else. */
bv_err bv_plonk_config_by_name(const char *name, bv_plonk_config *out, bv_status *st);

/* Checks the invariants above. */
bv_err bv_plonk_config_validate(const bv_plonk_config *c, bv_status *st);

/* FRI reduction arities for a circuit of 2^degree_bits rows (ConstantArityBits):
 * append arity_bits while d > final_poly_bits and d + rate_bits - arity_bits >=
 * cap_height. Returns the number of arities written to out (<= BV_PLONK_MAX_ARITIES). */
uint32_t bv_plonk_fri_arities(const bv_plonk_fri_config *f, uint32_t degree_bits,
                              uint32_t out[BV_PLONK_MAX_ARITIES]);

/* Conjectured security in bits: min(128 (extension field), queries * rate_bits +
 * proof_of_work_bits) (ethSTARK-style conjecture, PROOF_SYSTEM.md section 5.5). */
uint32_t bv_plonk_conjectured_security_bits(const bv_plonk_config *c);

/* Conjectured bits a circuit must reach to be used by production tools. */
#define BV_PLONK_MIN_SECURITY_BITS 100

/* Whether a configuration read from a file may be used: its conjectured
 * security is at least BV_PLONK_MIN_SECURITY_BITS, or allow_test_config is
 * set and it is exactly the named test configuration (bv_plonk_config_test(),
 * name included). Otherwise BV_ERR_UNSUPPORTED with a one-line message
 * naming the configuration and its bits. Circuit-file loaders call it. */
bv_err bv_plonk_config_check_security(const bv_plonk_config *c, int allow_test_config,
                                      bv_status *st);

/* Number of partial-product polynomials per challenge:
 * ceil(num_routed_wires / max_quotient_degree_factor) - 1. */
uint32_t bv_plonk_num_partial_products(const bv_plonk_config *c);

#endif
