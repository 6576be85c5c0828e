/*
 * gl_avx512.h - Goldilocks arithmetic on 8 lanes of AVX-512 (internal).
 *
 * Compiled with a function-level target attribute so the library still
 * builds and runs without -mavx512f; callers must check
 * gl_vec_have_avx512() before entering any BV_AVX512 function.
 * All lanes hold canonical values in and out.
 */
#ifndef BALVERIFY_GL_AVX512_H
#define BALVERIFY_GL_AVX512_H

#include "balverify/goldilocks.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define BV_AVX512 __attribute__((target("avx512f")))

BV_AVX512 static inline __m512i gl8_p(void)
{
    return _mm512_set1_epi64((long long)GL_P);
}
BV_AVX512 static inline __m512i gl8_eps(void)
{
    return _mm512_set1_epi64((long long)GL_EPSILON);
}

/* a + b: on carry or s >= p the result is s - p == s + eps (mod 2^64) */
BV_AVX512 static inline __m512i gl8_add(__m512i a, __m512i b)
{
    __m512i s = _mm512_add_epi64(a, b);
    __mmask8 fix = _mm512_cmplt_epu64_mask(s, a) | _mm512_cmpge_epu64_mask(s, gl8_p());
    return _mm512_mask_add_epi64(s, fix, s, gl8_eps());
}

/* a - b: on borrow add p (== subtract eps mod 2^64) */
BV_AVX512 static inline __m512i gl8_sub(__m512i a, __m512i b)
{
    __m512i d = _mm512_sub_epi64(a, b);
    __mmask8 br = _mm512_cmplt_epu64_mask(a, b);
    return _mm512_mask_sub_epi64(d, br, d, gl8_eps());
}

/* Reduce hi:lo (128-bit per lane) to canonical: x = lo - hh + hl*eps. */
BV_AVX512 static inline __m512i gl8_reduce128(__m512i lo, __m512i hi)
{
    __m512i eps = gl8_eps();
    __m512i hh = _mm512_srli_epi64(hi, 32);
    __m512i t0 = _mm512_sub_epi64(lo, hh);
    __mmask8 br = _mm512_cmplt_epu64_mask(lo, hh);
    t0 = _mm512_mask_sub_epi64(t0, br, t0, eps);
    __m512i t1 = _mm512_mul_epu32(hi, eps); /* (hi mod 2^32) * eps */
    __m512i r = _mm512_add_epi64(t0, t1);
    __mmask8 c = _mm512_cmplt_epu64_mask(r, t0);
    r = _mm512_mask_add_epi64(r, c, r, eps);
    __mmask8 ge = _mm512_cmpge_epu64_mask(r, gl8_p());
    return _mm512_mask_sub_epi64(r, ge, r, gl8_p());
}

/* Same reduction without the final canonical fix: result < 2^64, congruent
 * mod p (for chains of products inside a permutation). */
BV_AVX512 static inline __m512i gl8_reduce128_lazy(__m512i lo, __m512i hi)
{
    __m512i eps = gl8_eps();
    __m512i hh = _mm512_srli_epi64(hi, 32);
    __m512i t0 = _mm512_sub_epi64(lo, hh);
    __mmask8 br = _mm512_cmplt_epu64_mask(lo, hh);
    t0 = _mm512_mask_sub_epi64(t0, br, t0, eps);
    __m512i t1 = _mm512_mul_epu32(hi, eps); /* (hi mod 2^32) * eps */
    __m512i r = _mm512_add_epi64(t0, t1);
    __mmask8 c = _mm512_cmplt_epu64_mask(r, t0);
    return _mm512_mask_add_epi64(r, c, r, eps);
}

/* a (any u64) + b (canonical), result < 2^64 congruent mod p: on carry the
 * wrapped sum is below b < p, so adding eps cannot carry again. */
BV_AVX512 static inline __m512i gl8_add_lazy(__m512i a, __m512i b)
{
    __m512i s = _mm512_add_epi64(a, b);
    __mmask8 c = _mm512_cmplt_epu64_mask(s, a);
    return _mm512_mask_add_epi64(s, c, s, gl8_eps());
}

/* any u64 lanes to canonical */
BV_AVX512 static inline __m512i gl8_canon(__m512i a)
{
    __mmask8 ge = _mm512_cmpge_epu64_mask(a, gl8_p());
    return _mm512_mask_sub_epi64(a, ge, a, gl8_p());
}

/* High 32 bits of each lane moved to the low half (a shuffle, which runs
 * beside the shift and add units). */
BV_AVX512 static inline __m512i gl8_hi32_(__m512i a)
{
    return _mm512_castps_si512(_mm512_movehdup_ps(_mm512_castsi512_ps(a)));
}

/* Full 64x64 -> 128 product per lane from four 32x32 multiplies. */
BV_AVX512 static inline void gl8_mul_wide(__m512i a, __m512i b, __m512i *lo, __m512i *hi)
{
    __m512i mask32 = _mm512_set1_epi64(0xffffffffLL);
    __m512i ah = gl8_hi32_(a), bh = gl8_hi32_(b);
    __m512i p00 = _mm512_mul_epu32(a, b);
    __m512i p01 = _mm512_mul_epu32(a, bh);
    __m512i p10 = _mm512_mul_epu32(ah, b);
    __m512i p11 = _mm512_mul_epu32(ah, bh);
    /* no overflow: p01 <= (2^32-1)^2 and the added term is < 2^32 */
    __m512i mid = _mm512_add_epi64(p01, _mm512_srli_epi64(p00, 32));
    __m512i mid2 = _mm512_add_epi64(p10, _mm512_and_si512(mid, mask32));
    /* low dwords from p00, high dwords = low dword of mid2 */
    *lo = _mm512_mask_blend_epi32(
        0x5555, _mm512_castps_si512(_mm512_moveldup_ps(_mm512_castsi512_ps(mid2))), p00);
    *hi = _mm512_add_epi64(_mm512_add_epi64(p11, _mm512_srli_epi64(mid, 32)),
                           _mm512_srli_epi64(mid2, 32));
}

/* Square: the two cross products are equal, three multiplies. Lazy
 * (non-canonical) result. */
BV_AVX512 static inline __m512i gl8_sqr_lazy(__m512i a)
{
    __m512i mask32 = _mm512_set1_epi64(0xffffffffLL);
    __m512i ah = gl8_hi32_(a);
    __m512i p00 = _mm512_mul_epu32(a, a);
    __m512i p01 = _mm512_mul_epu32(a, ah);
    __m512i p11 = _mm512_mul_epu32(ah, ah);
    __m512i mid = _mm512_add_epi64(p01, _mm512_srli_epi64(p00, 32));
    __m512i mid2 = _mm512_add_epi64(p01, _mm512_and_si512(mid, mask32));
    __m512i lo = _mm512_mask_blend_epi32(
        0x5555, _mm512_castps_si512(_mm512_moveldup_ps(_mm512_castsi512_ps(mid2))), p00);
    __m512i hi = _mm512_add_epi64(_mm512_add_epi64(p11, _mm512_srli_epi64(mid, 32)),
                                  _mm512_srli_epi64(mid2, 32));
    return gl8_reduce128_lazy(lo, hi);
}

BV_AVX512 static inline __m512i gl8_mul(__m512i a, __m512i b)
{
    __m512i lo, hi;
    gl8_mul_wide(a, b, &lo, &hi);
    return gl8_reduce128(lo, hi);
}

BV_AVX512 static inline __m512i gl8_mul_lazy(__m512i a, __m512i b)
{
    __m512i lo, hi;
    gl8_mul_wide(a, b, &lo, &hi);
    return gl8_reduce128_lazy(lo, hi);
}

#endif
#endif
