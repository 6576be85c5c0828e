/*
 * poseidon.h - Poseidon over Goldilocks, bit-exact with plonky2's PoseidonHash.
 *
 * Parameters (spec/PROOF_SYSTEM.md section 3): width 12 (rate 8, capacity 4),
 * S-box x^7, 4 + 22 + 4 rounds, MDS circulant [17,15,41,16,2,28,13,13,39,18,34,20]
 * plus diagonal [8,0,...,0]. Round constants are generated into
 * src/hash/poseidon_constants.c from spec/poseidon_goldilocks.json.
 *
 * Invariants:
 *  - All inputs/outputs are canonical field elements.
 *  - Every sponge starts from the all-zero state and absorbs in OVERWRITE mode.
 *  - bv_poseidon_permute() (fast partial rounds) and
 *    bv_poseidon_permute_ref() (textbook rounds) give identical results.
 */
#ifndef BALVERIFY_POSEIDON_H
#define BALVERIFY_POSEIDON_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/goldilocks.h"

#define BV_POSEIDON_WIDTH 12
#define BV_POSEIDON_RATE 8
#define BV_POSEIDON_HALF_FULL_ROUNDS 4
#define BV_POSEIDON_PARTIAL_ROUNDS 22
#define BV_POSEIDON_ROUNDS 30

/* A Poseidon digest (plonky2 HashOut): 4 field elements. */
typedef struct {
    gl_t e[4];
} bv_hash;

extern const gl_t bv_poseidon_rc[BV_POSEIDON_ROUNDS][BV_POSEIDON_WIDTH];

/* In-place permutation (optimised; the one everything uses). On CPUs with
 * AVX-512 its 12-wide full rounds run in vector registers (chosen at run
 * time); the result is the same on every path. */
void bv_poseidon_permute(gl_t state[BV_POSEIDON_WIDTH]);

/* In-place permutation, reference (naive) form. For tests. */
void bv_poseidon_permute_ref(gl_t state[BV_POSEIDON_WIDTH]);

/* Permute `count` independent states at once: with AVX-512, 8 states per
 * kernel call side by side (the remainder one by one). states is count * 12
 * contiguous elements. The way to hash many Merkle leaves. */
void bv_poseidon_permute_many(gl_t *states, size_t count);

/* hash_n_to_m_no_pad: overwrite-mode sponge, m outputs (m may exceed 8). */
void bv_poseidon_hash_n_to_m(const gl_t *in, size_t n, gl_t *out, size_t m);

/* hash_no_pad: 4-element digest. Empty input returns all zeros. */
bv_hash bv_poseidon_hash_no_pad(const gl_t *in, size_t n);

/* hash_or_noop: inputs of length <= 4 are returned zero-padded, unhashed. */
bv_hash bv_poseidon_hash_or_noop(const gl_t *in, size_t n);

/* hash_pad: append 1, zeros to (len+1) % 8 == 0, then 1; then hash_no_pad. */
bv_hash bv_poseidon_hash_pad(const gl_t *in, size_t n);

/* two_to_one / compress: permute [a, b, 0,0,0,0], output lanes 0..3. */
bv_hash bv_poseidon_two_to_one(bv_hash a, bv_hash b);

static inline int bv_hash_eq(bv_hash a, bv_hash b)
{
    return a.e[0] == b.e[0] && a.e[1] == b.e[1] && a.e[2] == b.e[2] && a.e[3] == b.e[3];
}

/* 32-byte encoding: each element canonical u64 little-endian, element 0 first. */
void bv_hash_to_bytes(bv_hash h, uint8_t out[32]);
bv_hash bv_hash_from_bytes(const uint8_t in[32]);

/* Strict decoding for untrusted input: returns -1 (out unspecified) if any
 * 8-byte chunk is not a canonical element (>= p), else 0. */
int bv_hash_from_bytes_checked(const uint8_t in[32], bv_hash *out);

/* The 135-wire assignment of one PoseidonGate row (spec/PROOF_SYSTEM.md
 * section 6.3): input 0..12, output 12..24, swap 24, deltas 25..29, S-box
 * inputs of full rounds 1..3 at 29..65, of the 22 partial rounds (lane 0) at
 * 65..87, of full rounds 26..29 at 87..135. The permutation is applied to the
 * input with lanes 0..4 and 4..8 exchanged when swap != 0. */
#define BV_POSEIDON_GATE_WIRES 135
void bv_poseidon_gate_witness(const gl_t in[BV_POSEIDON_WIDTH], int swap,
                              gl_t wires[BV_POSEIDON_GATE_WIRES]);

#endif
