/*
 * gadgets_sha256.h - SHA-256 in a circuit, bit-exact with FIPS 180-4.
 *
 * A SHA-256 word is one target holding the integer value of a big-endian
 * 32-bit word. The rows used are the SHA-256 gates of gates.h: per 16-word
 * block, 32 Sha256Round2 rows (Sigma0/Maj), 32 Sha256Round2 rows (Sigma1/Ch
 * with the round constants as gate constants), Sha256Sched rows for the
 * message schedule and the range checks, and U32Add ops packed 16 per row;
 * docs/GATES.md has the counts and the soundness argument.
 *
 * Invariants:
 *  - Every word target these functions RETURN is range checked (< 2^32).
 *  - Inputs must be 32-bit values the circuit already constrains as such:
 *    outputs of these gadgets, range-checked targets (bv_gadget_u32_range),
 *    or constants. Message words of a variable block are range checked here
 *    (the schedule decomposes them); chaining values (state) are not, so a
 *    state must come from a previous compression or from constants.
 *  - Witness generation needs nothing beyond the input words: the gates'
 *    generators compute every intermediate value.
 */
#ifndef BALVERIFY_GADGETS_SHA256_H
#define BALVERIFY_GADGETS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/circuit.h"

/* out = compression(state, block) for a block of 16 word targets. */
void bv_gadget_sha256_compress(bv_circuit *c, const bv_target state[8], const bv_target block[16],
                               bv_target out[8]);
/* The same for a block known when the circuit is built (padding blocks): the
 * schedule is folded into the round constants and costs no rows. */
void bv_gadget_sha256_compress_const(bv_circuit *c, const bv_target state[8],
                                     const uint32_t block[16], bv_target out[8]);
/* The initial hash value H(0) as constant targets. */
void bv_gadget_sha256_iv(bv_circuit *c, bv_target out[8]);
/* SHA-256 of a message of nwords word targets (4 * nwords bytes, a length
 * fixed in the circuit). */
void bv_gadget_sha256_words(bv_circuit *c, const bv_target *words, size_t nwords, bv_target out[8]);
/* The SSZ pair hash SHA-256(left || right) of two 32-byte chunks given as 8
 * words each: one variable block and the constant padding block. */
void bv_gadget_sha256_pair(bv_circuit *c, const bv_target left[8], const bv_target right[8],
                           bv_target out[8]);

/* Range check: x < 2^32 (one op of a Sha256Sched row). */
void bv_gadget_u32_range(bv_circuit *c, bv_target x);
/* (a_0 + ... + a_{n-1}) mod 2^32 for n <= 4 inputs below 2^32 each (one
 * U32Add op, plus a range check of the result). */
bv_target bv_gadget_u32_add_mod(bv_circuit *c, const bv_target *a, size_t n);

#endif
