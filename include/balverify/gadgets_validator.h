/*
 * gadgets_validator.h - a Validator record in a circuit: its SSZ
 * hash_tree_root and its Poseidon commitment H_pos (spec/SYSTEM.md 5.2,
 * commitment.h), both from ONE set of field targets.
 *
 * Representation (bv_validator_target):
 *  - pubkey: 12 SHA-256 words (48 bytes, big-endian words); pubkey_bits: the
 *    384 bits of bits(pubkey) (byte 0 first, MSB first in a byte), i.e. the
 *    words' bits most significant first. Each word is split by one BaseSum
 *    row, which both range checks the word and makes the bits boolean, so
 *    the SHA-256 input and the Poseidon input are the same bytes.
 *  - withdrawal_credentials: 8 words and their 256 bits, the same way.
 *  - the five uint64 fields: bv_u64_target (two range-checked u32 limbs);
 *    H_pos hashes [lo, hi], the SSZ root uses leaf64 = bswap32 of each limb
 *    and constant zero words (gadgets_ssz.h), so no high byte is free.
 *  - slashed: one target constrained to {0, 1}; H_pos hashes it, the SSZ
 *    root uses the bool chunk [slashed 2^24, 0, ..., 0].
 *
 * Invariants:
 *  - The free inputs are the 12 + 8 word targets, the 10 limbs and the
 *    slashed bit (BV_VALIDATOR_TARGET_INPUTS); everything else is computed
 *    and constrained by the rows. bv_validator_target_inputs() lists them
 *    with their values for a 121-byte SSZ record; a record whose slashed
 *    byte is not 0 or 1 has no satisfying witness.
 *  - bv_gadget_validator_ssz_root equals bv_ssz_validator_root and
 *    bv_gadget_validator_hpos equals bv_commit_validator on every record.
 *  - Zero validators (padding leaves of the mapper): with a zero flag the
 *    outputs of bv_gadget_validator_commit become the SHA-256 zero chunk (32
 *    zero bytes) and the Poseidon zero digest [0, 0, 0, 0], whatever the
 *    field targets hold (they still need a satisfying witness, e.g. all
 *    zero).
 */
#ifndef BALVERIFY_GADGETS_VALIDATOR_H
#define BALVERIFY_GADGETS_VALIDATOR_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/circuit.h"
#include "balverify/gadgets.h"
#include "balverify/gadgets_int.h"
#include "balverify/status.h"

#define BV_VALIDATOR_TARGET_INPUTS 31

typedef struct {
    bv_target pubkey[12];
    bv_target pubkey_bits[384];
    bv_target withdrawal_credentials[8];
    bv_target wc_bits[256];
    bv_u64_target effective_balance;
    bv_target slashed;
    bv_u64_target activation_eligibility_epoch;
    bv_u64_target activation_epoch;
    bv_u64_target exit_epoch;
    bv_u64_target withdrawable_epoch;
} bv_validator_target;

/* Fresh virtual field targets with their constraints (bit splits, limb
 * range checks, slashed boolean): 20 BaseSum rows, 10 range checks, 1 op. */
void bv_gadget_validator_virtual(bv_circuit *c, bv_validator_target *v);
/* The same from caller-given targets: pubkey words (12), credential words
 * (8), the five u64 fields (range checked here) and the slashed target
 * (constrained to {0, 1} here). */
void bv_gadget_validator_from_fields(bv_circuit *c, bv_validator_target *v,
                                     const bv_target pubkey[12], const bv_target wc[8],
                                     bv_target eb_lo, bv_target eb_hi, bv_target slashed,
                                     const bv_target epochs_lo[4], const bv_target epochs_hi[4]);

/* The partial-witness pairs (target, value) of the free inputs for a
 * 121-byte SSZ record: writes BV_VALIDATOR_TARGET_INPUTS pairs, returns the
 * count. */
size_t bv_validator_target_inputs(const bv_validator_target *v, const uint8_t rec[121],
                                  bv_target *t, gl_t *val);
/* Sets those pairs in a partial witness. */
bv_err bv_validator_target_set(bv_witness *w, const bv_validator_target *v, const uint8_t rec[121],
                               bv_status *st);

/* The 8 chunks of the Validator container (pubkey root, credentials,
 * leaf64(effective_balance), bool chunk, leaf64 of the four epochs). */
void bv_gadget_validator_ssz_leaves(bv_circuit *c, const bv_validator_target *v,
                                    bv_target leaves[8][8]);
/* hash_tree_root(Validator): 8 pair hashes (pubkey root, 4 + 2 + 1). */
void bv_gadget_validator_ssz_root(bv_circuit *c, const bv_validator_target *v, bv_target out[8]);
/* H_pos: 48 + 32 + 6 Poseidon rows for the field digests, 7 for the tree. */
bv_hash_target bv_gadget_validator_hpos(bv_circuit *c, const bv_validator_target *v);
/* Both commitments; when is_zero is not NULL it must be a bit target
 * (constrained here) and, when it is 1, the outputs are 8 zero words and
 * [0, 0, 0, 0]. ssz_root and/or hpos may be NULL to skip that commitment. */
void bv_gadget_validator_commit(bv_circuit *c, const bv_validator_target *v,
                                const bv_target *is_zero, bv_target ssz_root[8],
                                bv_hash_target *hpos);

#endif
