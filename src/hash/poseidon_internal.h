/*
 * poseidon_internal.h - Poseidon tables and kernels shared by the scalar and
 * SIMD implementations (not a public API).
 *
 * The "fast partial rounds" tables replace the 22 textbook partial rounds by
 * an equivalent sequence (spec/PROOF_SYSTEM.md section 3.3):
 *   s += fast_first_rc; s[1..12) = s[1..12) * fast_initial (row vector times
 *   matrix, lane 0 untouched); then per partial round k:
 *   s0 = sbox(s0) + fast_rc[k];
 *   new0 = 25*s0 + sum_i w_hats[k][i-1]*s[i];  s[i] += s0*vs[k][i-1];  s0 = new0.
 */
#ifndef BALVERIFY_POSEIDON_INTERNAL_H
#define BALVERIFY_POSEIDON_INTERNAL_H

#include "balverify/poseidon.h"

extern const gl_t bv_poseidon_fast_first_rc[BV_POSEIDON_WIDTH];
extern const gl_t bv_poseidon_fast_rc[BV_POSEIDON_PARTIAL_ROUNDS];
extern const gl_t bv_poseidon_fast_vs[BV_POSEIDON_PARTIAL_ROUNDS][BV_POSEIDON_WIDTH - 1];
extern const gl_t bv_poseidon_fast_w_hats[BV_POSEIDON_PARTIAL_ROUNDS][BV_POSEIDON_WIDTH - 1];
extern const gl_t bv_poseidon_fast_initial[BV_POSEIDON_WIDTH - 1][BV_POSEIDON_WIDTH - 1];

/* MDS circulant row and diagonal (M[r][j] = circ[(j - r) mod 12] + diag[r]). */
#define BV_POSEIDON_MDS_CIRC                                                                       \
    {                                                                                              \
        17, 15, 41, 16, 2, 28, 13, 13, 39, 18, 34, 20                                              \
    }
#define BV_POSEIDON_MDS_DIAG0 8

/* Scalar permutation used for batches on CPUs without AVX-512 and for the
 * tails of batches. */
void bv_poseidon_permute_scalar(gl_t state[BV_POSEIDON_WIDTH]);

/* AVX-512 batch kernel: permutes count states (count a multiple of 8).
 * Defined only on x86-64; callers check bv_poseidon_have_avx512(). */
void bv_poseidon_permute_many_avx512(gl_t *states, size_t count);
int bv_poseidon_have_avx512(void);

/* Eight hash_no_pad sponges (4 outputs each, out[4 * l + i]) over len > 0
 * elements at rows + l * stride, l < 8. Only valid when
 * bv_poseidon_have_avx512(). */
void bv_poseidon_hash8_avx512(const gl_t *rows, size_t stride, size_t len, gl_t *out);

/* PoseidonGate constraints at eight points with AVX-512: w8[8 * j + l] is
 * wire j at point l, out8[8 * k + l] receives constraint k at point l (the
 * values the gate's eval_base gives). Only valid when bv_poseidon_have_avx512(). */
void bv_poseidon_gate_eval8_avx512(const gl_t *w8, gl_t *out8);

/* Fast partial round k's update of lanes 1..11 of one state, held in s16[0..11)
 * of a 64-byte aligned array of 16 (lanes 11..15 are scratch):
 * s16[i] += s0 * fast_vs[k][i] (any u64 lanes in and out, congruent mod p).
 * Only valid when bv_poseidon_have_avx512(). */
void bv_poseidon_partial_update_avx512(uint64_t *s16, uint64_t s0, int k);

/* Full rounds first .. first + count - 1 on one state with AVX-512 (lanes
 * may be non-canonical on input; canonical on output). Only valid when
 * bv_poseidon_have_avx512(). */
void bv_poseidon_full_rounds_avx512(uint64_t s[BV_POSEIDON_WIDTH], int first, int count);

#endif
