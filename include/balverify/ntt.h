/*
 * ntt.h - number-theoretic transforms over Goldilocks and the low-degree
 * extension used by every commitment (spec/PROOF_SYSTEM.md section 2).
 *
 * Invariants / conventions:
 *  - Sizes are powers of two, n = 2^log_n with log_n <= 32 (roots of unity
 *    exist up to 2^32); omega_n = gl_root_of_unity(log_n).
 *  - fft: coefficients c[0..n) (lowest degree first) -> values in NATURAL
 *    order, v[i] = sum_j c[j] * omega_n^(i*j). ifft is its exact inverse.
 *  - coset_fft(c, s): v[i] = P(s * omega_n^i); coset_ifft inverts it.
 *  - LDE: pad n coefficients with zeros to N = n * 2^rate_bits and evaluate
 *    on the coset g * <omega_N>, g = GL_MULTIPLICATIVE_GENERATOR. The "_rev"
 *    variant returns the values in bit-reversed order (entry r is the value at
 *    g * omega_N^rev(r)), which is how commitments store rows.
 *  - Work is split over OpenMP threads for large sizes (thread count from
 *    OMP_NUM_THREADS / omp_set_num_threads); results do not depend on it.
 *  - Functions taking a status return BV_ERR_NOMEM / BV_ERR_ARG on failure;
 *    the in-place transforms of <= 2^32 elements cannot fail except for
 *    twiddle-table allocation, which they report the same way.
 */
#ifndef BALVERIFY_NTT_H
#define BALVERIFY_NTT_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/gl_ext.h"
#include "balverify/goldilocks.h"
#include "balverify/status.h"

/* Bit reversal of the low `bits` bits of i (bits <= 64; rev of 0 bits is 0). */
static inline uint64_t bv_rev_bits(uint64_t i, unsigned bits)
{
    if (bits == 0)
        return 0;
    i = ((i >> 1) & 0x5555555555555555ULL) | ((i & 0x5555555555555555ULL) << 1);
    i = ((i >> 2) & 0x3333333333333333ULL) | ((i & 0x3333333333333333ULL) << 2);
    i = ((i >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((i & 0x0F0F0F0F0F0F0F0FULL) << 4);
    i = __builtin_bswap64(i);
    return i >> (64 - bits);
}

/* In-place bit-reversal permutation of 2^log_n elements. */
void bv_bit_reverse(gl_t *a, unsigned log_n);
void bv_bit_reverse_ext(gl_ext *a, unsigned log_n);

/* In-place transforms of 2^log_n elements (natural order in and out). */
bv_err bv_fft(gl_t *a, unsigned log_n, bv_status *st);
bv_err bv_ifft(gl_t *a, unsigned log_n, bv_status *st);
bv_err bv_coset_fft(gl_t *a, unsigned log_n, gl_t shift, bv_status *st);
bv_err bv_coset_ifft(gl_t *a, unsigned log_n, gl_t shift, bv_status *st);

/* Same over K (the twiddles are in F; each coefficient is transformed as a
 * pair). */
bv_err bv_fft_ext(gl_ext *a, unsigned log_n, bv_status *st);
bv_err bv_ifft_ext(gl_ext *a, unsigned log_n, bv_status *st);
bv_err bv_coset_fft_ext(gl_ext *a, unsigned log_n, gl_t shift, bv_status *st);

/* Coset FFT producing BIT-REVERSED output: out[r] = P(shift * omega^rev(r)).
 * Cheaper than coset_fft + bv_bit_reverse (no permutation pass). */
bv_err bv_coset_fft_rev(gl_t *a, unsigned log_n, gl_t shift, bv_status *st);

/* LDE: out (n << rate_bits elements) = evaluations of the polynomial with
 * coefficients coeffs[0..n) on g * <omega_N>, natural order. out and coeffs
 * must not overlap. */
bv_err bv_lde(gl_t *out, const gl_t *coeffs, unsigned log_n, unsigned rate_bits, bv_status *st);
/* Same, bit-reversed output order (commitment row order). */
bv_err bv_lde_rev(gl_t *out, const gl_t *coeffs, unsigned log_n, unsigned rate_bits, bv_status *st);

#endif
