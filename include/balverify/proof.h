/*
 * proof.h - a PLONK+FRI proof with its public inputs.
 *
 * Invariants:
 *  - The shape of a proof (cap sizes, number of opened values, FRI query data,
 *    number of public inputs) is fully determined by the circuit's common
 *    data; bv_proof_alloc() creates a zeroed proof of exactly that shape and
 *    bv_proof_check_shape() verifies that a proof has it.
 *  - Openings are stored in FRI batch order (PROOF_SYSTEM.md 6.8): batch 0 at
 *    zeta = constants ‖ sigmas ‖ wires ‖ zs ‖ partial products ‖ quotient
 *    chunks; batch 1 at omega*zeta = zs_next. The bv_proof_open_* offsets
 *    below address that flat array.
 *  - A proof owns all of its memory; bv_proof_free() releases it.
 */
#ifndef BALVERIFY_PROOF_H
#define BALVERIFY_PROOF_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/circuit.h"
#include "balverify/fri.h"
#include "balverify/gl_ext.h"
#include "balverify/poseidon.h"

typedef struct {
    uint32_t cap_len; /* 2^cap_height */
    bv_hash wires_cap[BV_MAX_CAP];
    bv_hash zs_pp_cap[BV_MAX_CAP];
    bv_hash quotient_cap[BV_MAX_CAP];
    size_t n_openings;
    gl_ext *openings; /* FRI batch order, see above */
    bv_fri_proof fri;
    uint32_t num_public_inputs;
    gl_t *public_inputs;
} bv_proof;

/* Offsets into openings[] for a circuit. */
typedef struct {
    size_t constants, sigmas, wires, zs, partial_products, quotient, zs_next, total;
    size_t n_constants, n_sigmas, n_wires, n_zs, n_partial_products, n_quotient;
} bv_opening_layout;

void bv_opening_layout_of(const bv_common_data *cd, bv_opening_layout *l);

/* Widths of the four oracles (constants‖sigmas, wires, zs‖pp, quotient). */
void bv_plonk_oracle_widths(const bv_common_data *cd, size_t widths[4]);

/* FRI parameters of a circuit. */
bv_err bv_plonk_fri_params(const bv_common_data *cd, bv_fri_params *p, bv_status *st);

bv_err bv_proof_alloc(bv_proof *p, const bv_common_data *cd, bv_status *st);
void bv_proof_free(bv_proof *p);
bv_err bv_proof_check_shape(const bv_proof *p, const bv_common_data *cd, bv_status *st);

#endif
