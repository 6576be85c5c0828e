/*
 * balance.h - the balance-verification circuits (docs/CIRCUITS.md;
 * spec/SYSTEM.md sections 5.5-5.6, with the weaknesses of section 11
 * closed).
 *
 * A family of circuits per credential count N (1..BV_BAL_MAX_CREDENTIALS):
 * level 0 (leaf) covers 8 validators, level L covers 8 * 2^L, level 37
 * (index 0) the whole 2^40 registry.
 *
 * Level 0: 8 validators in Poseidon form (the fields of gadgets_validator.h)
 * with a real/padding flag each, their 2 balance chunks, the N withdrawal
 * credentials and the current epoch. For each validator: match = its
 * credentials equal one of the N (all 32 bytes) AND it is real; balance =
 * the little-endian u64 at bytes 8 (j mod 4) of chunk j / 4; status at the
 * epoch: not activated (activation_epoch > epoch), active (activation_epoch
 * <= epoch < exit_epoch), exited (exit_epoch <= epoch). The total adds the
 * balances of matching active validators; the counters count matching
 * validators by status, and slashed ones among the matching. A padding
 * validator's leaf is [0,0,0,0] and it moves no sum and no counter whatever
 * its data. Sums and counters are u64 (two u32 limbs) and an overflow is
 * rejected (no satisfying witness), never wrapped.
 * Levels 1..37: verify two proofs of level L-1 (verifier data: constants),
 * balances root = SHA-256(left || right), commitment = PP(left, right), sums
 * and counters added with overflow rejected, the children's credentials and
 * epochs constrained equal (the left one's are passed on).
 *
 * Public inputs (every level, N credentials), in order:
 *   [0, 2)          total_locked_gwei (lo, hi)
 *   [2, 10)         balances root (8 SHA words)
 *   [10, 10+8N)     the N credentials (8 words each)
 *   then 4          validators commitment (Poseidon)
 *   then 2          current epoch (lo, hi)
 *   then 4 x 2      non_activated, active, exited, slashed (lo, hi each)
 * = 24 + 8N elements.
 *
 * Files: "balance_verification_{L}" in a circuits directory; one directory
 * holds one credential count (loading checks the public-input count).
 */
#ifndef BALVERIFY_BALANCE_H
#define BALVERIFY_BALANCE_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/circuit.h"
#include "balverify/plonk_config.h"
#include "balverify/poseidon.h"
#include "balverify/proof.h"
#include "balverify/status.h"
#include "balverify/validator.h"

#define BV_BAL_TOP_LEVEL 37
#define BV_BAL_LEAF_VALIDATORS 8
#define BV_BAL_MAX_CREDENTIALS 8

static inline uint32_t bv_bal_num_public_inputs(uint32_t ncred)
{
    return 24 + 8 * ncred;
}

/* The statement of one balance proof. */
typedef struct {
    uint64_t total;
    uint8_t balances_root[32];
    uint32_t num_credentials;
    uint8_t credentials[BV_BAL_MAX_CREDENTIALS][32];
    bv_hash commitment;
    uint64_t epoch;
    uint64_t non_activated, active, exited, slashed;
} bv_bal_statement;

/* The private inputs of one leaf. */
typedef struct {
    bv_validator validators[BV_BAL_LEAF_VALIDATORS];
    uint8_t is_real[BV_BAL_LEAF_VALIDATORS]; /* 0: padding */
    uint8_t balances[2][32];                  /* the two SSZ balance chunks */
    uint32_t num_credentials;
    uint8_t credentials[BV_BAL_MAX_CREDENTIALS][32];
    uint64_t epoch;
} bv_bal_leaf_input;

typedef struct bv_bal_level bv_bal_level;

/* "balance_verification_{L}" */
void bv_bal_circuit_name(uint32_t level, char *buf, size_t cap);

/* Level 0 needs child == NULL; level L >= 1 needs level L-1 (same N). */
bv_err bv_bal_level_build(const bv_plonk_config *cfg, uint32_t ncred, uint32_t level,
                          const bv_bal_level *child, bv_bal_level **out, bv_status *st);
/* Loads level L (and, for a node, the child's .circuit) for N credentials. */
bv_err bv_bal_level_load(const char *dir, uint32_t ncred, uint32_t level,
                         const bv_plonk_config *cfg, bv_bal_level **out, bv_status *st);
bv_err bv_bal_level_save(const bv_bal_level *l, const char *dir, bv_status *st);
void bv_bal_level_free(bv_bal_level *l);
uint32_t bv_bal_level_index(const bv_bal_level *l);
uint32_t bv_bal_level_credentials(const bv_bal_level *l);
const bv_circuit_data *bv_bal_level_data(const bv_bal_level *l);
uint32_t bv_bal_level_rows(const bv_bal_level *l);

bv_err bv_bal_prove_leaf(const bv_bal_level *leaf, const bv_bal_leaf_input *in, bv_proof *out,
                         bv_status *st);
bv_err bv_bal_prove_node(const bv_bal_level *node, const bv_proof *left, const bv_proof *right,
                         bv_proof *out, bv_status *st);
/* The statement of a proof's public inputs (ncred credentials). */
bv_err bv_bal_statement_of(const bv_proof *p, uint32_t ncred, bv_bal_statement *out,
                           bv_status *st);

/* Native references: the statement a leaf proves (BV_ERR_VERIFY when its
 * sum overflows), and the statement of a node from its children's
 * (BV_ERR_VERIFY on overflow or mismatched credentials / epochs). */
bv_err bv_bal_leaf_native(const bv_bal_leaf_input *in, bv_bal_statement *out, bv_status *st);
bv_err bv_bal_node_native(const bv_bal_statement *l, const bv_bal_statement *r,
                          bv_bal_statement *out, bv_status *st);

#endif
