/*
 * commitment_mapper.h - the commitment-mapper circuits: a proven link
 * between the SSZ SHA-256 root of the validator registry and its Poseidon
 * commitment root (docs/CIRCUITS.md; spec/SYSTEM.md sections 5.2-5.4).
 *
 * Level 0 (leaf): one validator, given by its 8 SSZ fields as DendrETH's
 * `validator:{i}:{slot}` holds them, and a zero flag. It proves the SSZ
 * hash_tree_root of the Validator and H_pos (commitment.h) of the same field
 * values; a zero validator gives 32 zero bytes and [0,0,0,0]. The numeric
 * chunks are built from the u64 values with constant zero bytes 8..31 and
 * the slashed chunk from one constrained bit with constant zero bytes 1..31,
 * so no other chunk can be hashed.
 * Level k = 1..40 (node): verifies two proofs of level k-1 (that level's
 * verifier data are constants of this circuit) and outputs
 * PP(left, right) = Poseidon two_to_one and SHA-256(left || right).
 *
 * Public inputs of every level: the Poseidon root (4 elements), then the
 * SHA-256 root (8 u32 words, big-endian words of the 32-byte root).
 *
 * Circuit files: NAME = "commitment_mapper_{k}" in a circuits directory
 * (circuit_dir.h). A level is built from its child's loaded circuit, and
 * loading a node level needs the child's .circuit file (for the shape of the
 * proofs it verifies).
 */
#ifndef BALVERIFY_COMMITMENT_MAPPER_H
#define BALVERIFY_COMMITMENT_MAPPER_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/circuit.h"
#include "balverify/plonk_config.h"
#include "balverify/proof.h"
#include "balverify/status.h"
#include "balverify/validator.h"

#define BV_CM_TOP_LEVEL 40
#define BV_CM_NUM_PUBLIC_INPUTS 12

/* The statement of one commitment-mapper proof. */
typedef struct {
    bv_hash poseidon;
    uint8_t sha[32];
} bv_cm_root;

typedef struct bv_cm_level bv_cm_level;

/* "commitment_mapper_{k}" */
void bv_cm_circuit_name(uint32_t level, char *buf, size_t cap);

/* Builds level `level`: 0 needs child == NULL, k >= 1 needs level k-1. */
bv_err bv_cm_level_build(const bv_plonk_config *cfg, uint32_t level, const bv_cm_level *child,
                         bv_cm_level **out, bv_status *st);
/* Loads level `level` from dir (and, for a node, the child's .circuit). */
bv_err bv_cm_level_load(const char *dir, uint32_t level, const bv_plonk_config *cfg,
                        bv_cm_level **out, bv_status *st);
bv_err bv_cm_level_save(const bv_cm_level *l, const char *dir, bv_status *st);
void bv_cm_level_free(bv_cm_level *l);
uint32_t bv_cm_level_index(const bv_cm_level *l);
const bv_circuit_data *bv_cm_level_data(const bv_cm_level *l);
/* Gate rows before the build's padding (for reports). */
uint32_t bv_cm_level_rows(const bv_cm_level *l);

/* Level 0: proves validator v, or the zero validator when v == NULL. */
bv_err bv_cm_prove_leaf(const bv_cm_level *leaf, const bv_validator *v, bv_proof *out,
                        bv_status *st);
/* The leaf's partial witness for v (NULL: zero validator): target/value
 * pairs in the order pubkey words (12), credential words (8), (lo, hi) of
 * effective_balance, activation_eligibility_epoch, activation_epoch,
 * exit_epoch, withdrawable_epoch, slashed, zero flag. Returns the count,
 * BV_CM_LEAF_INPUTS. For tests that tamper with one input. */
#define BV_CM_LEAF_INPUTS 32
size_t bv_cm_leaf_inputs(const bv_cm_level *leaf, const bv_validator *v, bv_target *t, gl_t *val);
/* Level k >= 1 from two proofs of level k-1. */
bv_err bv_cm_prove_node(const bv_cm_level *node, const bv_proof *left, const bv_proof *right,
                        bv_proof *out, bv_status *st);
/* The statement carried by a proof's public inputs (values checked: the
 * SHA words must be u32). */
bv_err bv_cm_root_of(const bv_proof *p, bv_cm_root *out, bv_status *st);

/* Native reference of a leaf's statement (SSZ root and H_pos), the zero
 * validator when v == NULL. */
void bv_cm_leaf_native(const bv_validator *v, bv_cm_root *out);

#endif
