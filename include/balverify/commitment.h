/*
 * commitment.h - the Poseidon validator commitment (spec/SYSTEM.md section 5.2).
 *
 * Definition (plonky2 hash_no_pad = P, two_to_one = PP):
 *   L0 = P(384 pubkey bits)      bits(pubkey): byte 0 first, MSB first within
 *                                a byte, each bit one element (0/1)
 *   L1 = P(256 withdrawal-credential bits), same order
 *   L2 = P(eb_lo, eb_hi)         u64 as two u32 limbs, low limb first
 *   L3 = P(slashed)              one element, 0 or 1
 *   L4..L7 = P(lo, hi) of activation_eligibility_epoch, activation_epoch,
 *            exit_epoch, withdrawable_epoch
 *   H_pos(V) = PP(PP(PP(L0,L1), PP(L2,L3)), PP(PP(L4,L5), PP(L6,L7)))
 * Tree: leaf i = H_pos(validator i) for i < n, the zero digest [0,0,0,0]
 * otherwise (NOT H_pos of a zero validator); Z_0 = [0,0,0,0],
 * Z_{k+1} = PP(Z_k, Z_k); the registry tree has depth 40.
 *
 * Invariants:
 *  - Inputs are 121-byte SSZ Validator records (validator.h); the slashed
 *    byte enters as its low bit, exactly as the mapper circuit reads it.
 *  - Subtree forms: bv_commit_subtree(records, m, k) is the root of a
 *    height-k tree whose first m leaves are those validators; combining
 *    per-range roots with bv_commit_combine() equals hashing the whole list.
 */
#ifndef BALVERIFY_COMMITMENT_H
#define BALVERIFY_COMMITMENT_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/poseidon.h"
#include "balverify/status.h"

#define BV_COMMIT_DEPTH 40

/* The 8 field digests L0..L7 of one validator. */
void bv_commit_validator_leaves(bv_hash leaves[8], const uint8_t rec[121]);
/* H_pos of one validator. */
bv_hash bv_commit_validator(const uint8_t rec[121]);
/* out[i] = H_pos(records[i]) for n consecutive records (OpenMP when large). */
void bv_commit_validators(bv_hash *out, const uint8_t *records, size_t n);
/* Z_k for 0 <= k <= 64. */
bv_hash bv_commit_zero(unsigned k);
/* Root of a height-k tree over the first m validators of `records`
 * (m <= 2^k), zero leaves after them. */
bv_err bv_commit_subtree(bv_hash *out, const uint8_t *records, uint64_t m, unsigned k,
                         bv_status *st);
/* Combine `count` consecutive roots of height `height` up to `total_height`
 * (padding with Z_{height + level}). */
bv_err bv_commit_combine(bv_hash *out, const bv_hash *nodes, uint64_t count, unsigned height,
                         unsigned total_height, bv_status *st);
/* Depth-40 commitment root of a whole validator list. */
bv_err bv_commit_root(bv_hash *out, const uint8_t *records, uint64_t n, bv_status *st);

#endif
