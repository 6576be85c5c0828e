/*
 * gl_vec.h - vector kernels over Goldilocks arrays (internal).
 *
 * Each kernel has an AVX-512 path (8 lanes, 64x64->128 products built from
 * four 32x32 multiplies) chosen at run time when the CPU has AVX-512F, and a
 * scalar path otherwise; both give identical canonical results.
 */
#ifndef BALVERIFY_GL_VEC_H
#define BALVERIFY_GL_VEC_H

#include <stddef.h>

#include "balverify/goldilocks.h"

/* For j < m: (x, y) <- (x + y, (x - y) * tw[j])    (DIF butterfly) */
void gl_vec_dif_butterflies(gl_t *x, gl_t *y, const gl_t *tw, size_t m);
/* For j < m: (x, y) <- (x + y*tw[j], x - y*tw[j])  (DIT butterfly) */
void gl_vec_dit_butterflies(gl_t *x, gl_t *y, const gl_t *tw, size_t m);
/* The three innermost stages (half-sizes 4, 2, 1) of a DIF (dif != 0, in
 * that order) or DIT (half-sizes 1, 2, 4) transform over every 16-element
 * chunk of a[0..n), done in registers. tw[s] = twiddle table of stage s.
 * Returns 0 (and does nothing) when no vector path applies; the caller then
 * runs those stages itself. */
int gl_vec_small_stages(gl_t *a, size_t n, const gl_t *const *tw, int dif);

/* a[j] *= first * shift^j */
void gl_vec_scale_powers(gl_t *a, size_t n, gl_t first, gl_t shift);

/* a[j] *= b[j] */
void gl_vec_mul(gl_t *a, const gl_t *b, size_t n);

/* 1 when the AVX-512 kernels are in use (CPU support and not disabled by
 * the environment variable BV_NO_AVX512=1, which tests use to compare). */
int gl_vec_have_avx512(void);

#endif
