/*
 * final_layer.h - the final-layer circuit: one proof of the whole statement
 * (docs/CIRCUITS.md; spec/SYSTEM.md section 5.7 with constant inner
 * verifier data).
 *
 * It verifies a level-37 balance proof and a level-40 commitment-mapper
 * proof (both circuits' verifier data are constants of this circuit) and
 * constrains:
 *  - mapper Poseidon root == balance validators commitment;
 *  - SHA-256(mapper SHA root || leaf64(validator_count)) is the validators
 *    field under state_root, and SHA-256(balance root || leaf64(count)) the
 *    balances field (the same list length for both lists);
 *  - leaf64(slot) is the slot field under state_root, and epoch = slot / 32
 *    is the balance proof's epoch;
 *  - state_root is field 3 (gindex 11) of the block header whose root is
 *    block_root.
 * The field gindices are those of the state layout: depth 5 (phase0 ..
 * deneb: slot 34, validators 43, balances 44) or depth 6 (electra, fulu:
 * 66, 75, 76); one circuit per (credential count, depth).
 *
 * Public inputs, in order (N credentials):
 *   [0, 8)   state_root          [8, 16)  block_root
 *   [16, 18) slot (lo, hi)       [18, 18+8N) credentials
 *   then 2 x 5: total_locked_gwei, active, exited, non_activated, slashed
 *               (lo, hi each)
 *   then 8   DendrETH's commitment: SHA-256(block_root || credentials ||
 *            BE64(total) || BE64(non_activated) || BE64(active) ||
 *            BE64(exited) || BE64(slashed)) with the top 3 bits of byte 0
 *            cleared, as 8 SHA words
 * = 36 + 8N elements.
 *
 * Files: "final_layer_d{depth}" in the circuits directory of its balance and
 * mapper circuits.
 */
#ifndef BALVERIFY_FINAL_LAYER_H
#define BALVERIFY_FINAL_LAYER_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/balance.h"
#include "balverify/commitment_mapper.h"

#define BV_FINAL_MAX_DEPTH 6

static inline uint32_t bv_final_num_public_inputs(uint32_t ncred)
{
    return 36 + 8 * ncred;
}

/* The private inputs besides the two proofs. */
typedef struct {
    uint8_t state_root[32];
    uint8_t block_root[32];
    uint8_t state_root_branch[3][32]; /* header field 3 under block_root, bottom-up */
    uint64_t slot;
    uint64_t validator_count; /* the length of both lists */
    uint8_t slot_branch[BV_FINAL_MAX_DEPTH][32];
    uint8_t validators_branch[BV_FINAL_MAX_DEPTH][32];
    uint8_t balances_branch[BV_FINAL_MAX_DEPTH][32];
} bv_final_input;

/* The statement of a final proof. */
typedef struct {
    uint8_t state_root[32], block_root[32];
    uint64_t slot, epoch;
    uint32_t num_credentials;
    uint8_t credentials[BV_BAL_MAX_CREDENTIALS][32];
    uint64_t total, active, exited, non_activated, slashed;
    uint8_t commitment[32];
} bv_final_statement;

typedef struct bv_final_circuit bv_final_circuit;

/* "final_layer_d{depth}" */
void bv_final_circuit_name(uint32_t depth, char *buf, size_t cap);
/* depth: 5 or 6 (the state layout's field depth). */
bv_err bv_final_build(const bv_plonk_config *cfg, uint32_t depth, const bv_bal_level *balance_top,
                      const bv_cm_level *mapper_top, bv_final_circuit **out, bv_status *st);
bv_err bv_final_load(const char *dir, uint32_t ncred, uint32_t depth, const bv_plonk_config *cfg,
                     bv_final_circuit **out, bv_status *st);
bv_err bv_final_save(const bv_final_circuit *f, const char *dir, bv_status *st);
void bv_final_free(bv_final_circuit *f);
const bv_circuit_data *bv_final_data(const bv_final_circuit *f);
uint32_t bv_final_rows(const bv_final_circuit *f);

bv_err bv_final_prove(const bv_final_circuit *f, const bv_proof *balance, const bv_proof *mapper,
                      const bv_final_input *in, bv_proof *out, bv_status *st);
/* The statement of a final proof (ncred credentials); checks the limbs. */
bv_err bv_final_statement_of(const bv_proof *p, uint32_t ncred, bv_final_statement *out,
                             bv_status *st);
/* DendrETH's 32-byte commitment of a statement, computed natively. */
void bv_final_commitment_native(const bv_final_statement *s, uint8_t out[32]);

#endif
