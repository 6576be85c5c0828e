/*
 * gadgets_int.h - integer and bit gadgets: u32 and u64 values, bytes, bits,
 * SHA-256 words and SSZ chunks, 256-bit equality, checked booleans.
 *
 * Representation:
 *  - A u32 is one target holding an integer in [0, 2^32).
 *  - A u64 is two u32 targets, lo and hi, value = lo + 2^32 hi (the limb
 *    order of the Poseidon validator commitment, spec/SYSTEM.md section 5.2).
 *    There is no single field element for a u64: 2^64 - 1 does not fit in
 *    the Goldilocks field.
 *  - A byte is a target in [0, 2^8); a bit a target in {0, 1}.
 *  - A SHA-256 word is a u32 holding a BIG-endian 32-bit word
 *    (gadgets_sha256.h): a 32-byte SSZ chunk is 8 words, word j being bytes
 *    4j..4j+3 with byte 4j most significant. A u64 stored little-endian in
 *    chunk bytes 0..7 (SSZ) is therefore word 0 = bswap32(lo), word 1 =
 *    bswap32(hi).
 *
 * Invariants:
 *  - Every u32, u64, byte and bit these functions RETURN is constrained to
 *    its range by the rows they add (never just computed by a generator).
 *  - Inputs: a "u32" / "u64" argument must already be range checked (a
 *    result of these gadgets, of bv_gadget_u32_range, of the SHA-256
 *    gadgets, or a constant), except where a function says it checks its
 *    input. "Byte" arguments must be < 2^8 (results of these gadgets or of
 *    bv_gadget_byte_range). Functions of gadgets.h named not/and/or/select
 *    assume bits; the bv_gadget_checked_* functions below constrain their
 *    inputs to be bits themselves.
 *  - Arithmetic never wraps silently: bv_gadget_u64_add has no wrap at all
 *    (a sum of 2^64 or more leaves no satisfying witness: witness generation
 *    fails and a forced witness breaks a range check), and every identity
 *    used holds over the integers because all intermediate values stay far
 *    below the field modulus p = 2^64 - 2^32 + 1.
 *  - Witness generation needs only the input values: hints (carries,
 *    borrows) come from generators and are then constrained.
 *  - docs/GADGETS.md lists the rows of each gadget.
 */
#ifndef BALVERIFY_GADGETS_INT_H
#define BALVERIFY_GADGETS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/circuit.h"
#include "balverify/gadgets.h"

/* A u64 as two range-checked u32 limbs. */
typedef struct {
    bv_target lo, hi;
} bv_u64_target;

/* ------------------------------------------------------------------------- */
/* Checked booleans                                                          */
/* ------------------------------------------------------------------------- */

/* Constrains x to {0, 1} (one op) and returns it. */
bv_target bv_gadget_bit(bv_circuit *c, bv_target x);
/* not / and / or / xor with both inputs constrained to be bits here (one op
 * per input on top of the operation itself). */
bv_target bv_gadget_checked_not(bv_circuit *c, bv_target a);
bv_target bv_gadget_checked_and(bv_circuit *c, bv_target a, bv_target b);
bv_target bv_gadget_checked_or(bv_circuit *c, bv_target a, bv_target b);
bv_target bv_gadget_checked_xor(bv_circuit *c, bv_target a, bv_target b);

/* ------------------------------------------------------------------------- */
/* u32, bytes, bits, SHA-256 words                                           */
/* ------------------------------------------------------------------------- */

/* A new virtual target constrained to [0, 2^32) (its value comes from the
 * caller's partial witness). */
bv_target bv_gadget_u32_virtual(bv_circuit *c);
/* b < 2^8, for a byte given by the caller (two u32 range checks: b and
 * 2^24 b). */
void bv_gadget_byte_range(bv_circuit *c, bv_target b);

/* Bool target a < b for u32 a, b. */
bv_target bv_gadget_u32_lt(bv_circuit *c, bv_target a, bv_target b);

/* Little-endian bits of x (bits[0] least significant); checks x < 2^32.
 * One BaseSum row. */
void bv_gadget_u32_to_bits_le(bv_circuit *c, bv_target x, bv_target bits[32]);
/* sum bits[i] 2^i; constrains every bit to be boolean. One BaseSum row. */
bv_target bv_gadget_u32_from_bits_le(bv_circuit *c, const bv_target bits[32]);
/* Bits of a SHA-256 word most significant first: the bit order of
 * bits(bytes) in spec/SYSTEM.md (byte 0 first, MSB first in a byte) for the
 * 4 bytes of the word. Checks w < 2^32. */
void bv_gadget_word_to_bits_be(bv_circuit *c, bv_target w, bv_target bits[32]);
bv_target bv_gadget_word_from_bits_be(bv_circuit *c, const bv_target bits[32]);

/* Little-endian bytes of x (bytes[0] = x mod 2^8); checks x < 2^32. */
void bv_gadget_u32_to_bytes_le(bv_circuit *c, bv_target x, bv_target bytes[4]);
/* bytes[0] + 2^8 bytes[1] + 2^16 bytes[2] + 2^24 bytes[3] for bytes < 2^8. */
bv_target bv_gadget_u32_from_bytes_le(bv_circuit *c, const bv_target bytes[4]);
/* The SHA-256 word of 4 consecutive chunk bytes (bytes[0] most significant)
 * and back; the same relations with the byte order reversed. */
bv_target bv_gadget_word_from_bytes(bv_circuit *c, const bv_target bytes[4]);
void bv_gadget_word_to_bytes(bv_circuit *c, bv_target w, bv_target bytes[4]);
/* x with its 4 bytes reversed; checks x < 2^32. Two BaseSum rows. */
bv_target bv_gadget_u32_bswap(bv_circuit *c, bv_target x);

/* A 32-byte chunk as 8 SHA-256 words (from bytes < 2^8: 3 ops per word)
 * and back (each word split into bits, hence checked < 2^32). */
void bv_gadget_chunk_from_bytes(bv_circuit *c, const bv_target bytes[32], bv_target words[8]);
void bv_gadget_chunk_to_bytes(bv_circuit *c, const bv_target words[8], bv_target bytes[32]);

/* ------------------------------------------------------------------------- */
/* 256-bit (word-array) equality and selection                               */
/* ------------------------------------------------------------------------- */

/* Bool target: a[i] == b[i] for every i < n (is_equal per word, then the
 * product). */
bv_target bv_gadget_words_equal(bv_circuit *c, const bv_target *a, const bv_target *b, size_t n);
/* Copy constraints a[i] == b[i]. */
void bv_gadget_connect_words(bv_circuit *c, const bv_target *a, const bv_target *b, size_t n);
/* out[i] = bit ? x[i] : y[i] (bit assumed boolean; out may alias x or y). */
void bv_gadget_select_words(bv_circuit *c, bv_target bit, const bv_target *x, const bv_target *y,
                            size_t n, bv_target *out);

/* ------------------------------------------------------------------------- */
/* u64                                                                       */
/* ------------------------------------------------------------------------- */

/* Two new virtual limbs, each constrained to [0, 2^32). */
bv_u64_target bv_gadget_u64_virtual(bv_circuit *c);
/* A u64 from caller-given limbs, range checking both. */
bv_u64_target bv_gadget_u64_from_limbs(bv_circuit *c, bv_target lo, bv_target hi);
bv_u64_target bv_gadget_u64_constant(bv_circuit *c, uint64_t v);
/* The two partial-witness pairs (lo, hi) for value v: t[0..2), val[0..2). */
void bv_u64_target_values(bv_u64_target x, uint64_t v, bv_target t[2], gl_t val[2]);

/* a + b. An overflow (a + b >= 2^64) is REJECTED: no witness satisfies the
 * rows (the high limb's range check fails). */
bv_u64_target bv_gadget_u64_add(bv_circuit *c, bv_u64_target a, bv_u64_target b);
/* Bool targets a < b, a <= b, a == b. */
bv_target bv_gadget_u64_lt(bv_circuit *c, bv_u64_target a, bv_u64_target b);
bv_target bv_gadget_u64_le(bv_circuit *c, bv_u64_target a, bv_u64_target b);
bv_target bv_gadget_u64_eq(bv_circuit *c, bv_u64_target a, bv_u64_target b);
/* bit ? x : y (bit assumed boolean). */
bv_u64_target bv_gadget_u64_select(bv_circuit *c, bv_target bit, bv_u64_target x, bv_u64_target y);
void bv_gadget_u64_connect(bv_circuit *c, bv_u64_target a, bv_u64_target b);

/* The 8 little-endian bytes of x (SSZ serialization) and back (bytes < 2^8). */
void bv_gadget_u64_to_le_bytes(bv_circuit *c, bv_u64_target x, bv_target bytes[8]);
bv_u64_target bv_gadget_u64_from_le_bytes(bv_circuit *c, const bv_target bytes[8]);
/* The two SHA-256 words of those 8 bytes: w[0] = bswap32(lo),
 * w[1] = bswap32(hi); and back (words checked < 2^32). */
void bv_gadget_u64_to_words(bv_circuit *c, bv_u64_target x, bv_target w[2]);
bv_u64_target bv_gadget_u64_from_words(bv_circuit *c, const bv_target w[2]);

#endif
