/*
 * gadgets_ssz.h - SSZ merkleization in a circuit: basic-value leaves, the
 * list length mix-in, Merkle branches for a constant gindex
 * (spec/CONSENSUS.md, spec/SYSTEM.md section 5.1).
 *
 * A chunk (32 bytes) is 8 SHA-256 words (gadgets_int.h): word j holds bytes
 * 4j..4j+3, byte 4j most significant. Every node is a SHA-256 pair hash
 * (bv_gadget_sha256_pair).
 *
 * Invariants:
 *  - Leaves of basic values have no free bytes: leaf64(x) is
 *    [bswap32(x.lo), bswap32(x.hi), 0, 0, 0, 0, 0, 0] with the six zero words
 *    circuit constants, the bool chunk is [b 2^24, 0, ..., 0] with b
 *    constrained to {0, 1}. A chunk whose bytes 8..31 (numeric) or 1..31
 *    (bool) are not zero therefore has no representation here.
 *  - Chunk words given as inputs (branch siblings, roots) are range checked
 *    by the SHA-256 schedule of every pair hash they enter (a word of 2^32
 *    or more has no satisfying witness).
 *  - Branches follow ssz.h and the DendrETH convention: branch[i] (bottom
 *    up, 8 words each) is hashed on the left of the node when bit i of the
 *    gindex is 1, on the right when it is 0. The gindex is a circuit
 *    constant: the hashing order is fixed when the circuit is built, and a
 *    depth other than floor(log2(gindex)) is a builder error.
 */
#ifndef BALVERIFY_GADGETS_SSZ_H
#define BALVERIFY_GADGETS_SSZ_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/circuit.h"
#include "balverify/gadgets_int.h"

/* leaf64(x): the chunk of a uint64 (4 BaseSum rows for the byte swaps). */
void bv_gadget_ssz_leaf64(bv_circuit *c, bv_u64_target x, bv_target out[8]);
/* The chunk of an SSZ boolean; constrains bit to {0, 1}. */
void bv_gadget_ssz_bool_chunk(bv_circuit *c, bv_target bit, bv_target out[8]);
/* The chunk of 4 consecutive uint64 list items (balances): item k in bytes
 * 8k..8k+7, little-endian. */
void bv_gadget_ssz_u64x4_chunk(bv_circuit *c, const bv_u64_target x[4], bv_target out[8]);
/* SHA-256(root || leaf64(len)): the root of a list from its data root. */
void bv_gadget_ssz_mix_in_length(bv_circuit *c, const bv_target root[8], bv_u64_target len,
                                 bv_target out[8]);
/* Root of a Bytes48 given as 12 words: SHA-256(bytes || 16 zero bytes). */
void bv_gadget_ssz_bytes48_root(bv_circuit *c, const bv_target words[12], bv_target out[8]);

/* The node reached from leaf through depth = floor(log2(gindex)) levels;
 * branch holds depth chunks (8 words each, bottom-up). One pair hash per
 * level. */
void bv_gadget_ssz_branch_root(bv_circuit *c, const bv_target leaf[8], const bv_target *branch,
                               unsigned depth, uint64_t gindex, bv_target out[8]);
/* Constrains the branch root to equal root. */
void bv_gadget_ssz_verify_branch(bv_circuit *c, const bv_target leaf[8], const bv_target *branch,
                                 unsigned depth, uint64_t gindex, const bv_target root[8]);

#endif
