/*
 * poseidon_avx512.c - eight Poseidon permutations at once with AVX-512.
 *
 * Lane k of every vector belongs to state k, so each step of the
 * permutation (round constants, S-boxes, MDS, fast partial rounds) is the
 * scalar algorithm applied to eight states side by side; no cross-lane
 * traffic except the gather/scatter that transposes 8 x 12 states in and
 * out. Compiled with a target attribute; bv_poseidon_permute_many() only
 * calls it after checking the CPU (gl_vec_have_avx512()).
 */
#include "field/gl_avx512.h"
#include "field/gl_vec.h"
#include "hash/poseidon_internal.h"

#if defined(__x86_64__)

#define W BV_POSEIDON_WIDTH

static const uint64_t circ[W] = BV_POSEIDON_MDS_CIRC;

BV_AVX512 static inline __m512i bc(uint64_t c)
{
    return _mm512_set1_epi64((long long)c);
}

/* Inside the kernels lanes may be non-canonical (< 2^64, right mod p): every
 * operation used accepts that, except where a canonical operand is noted;
 * states are canonicalised when they leave the kernel. */
BV_AVX512 static inline __m512i sbox8(__m512i x)
{
    __m512i x2 = gl8_sqr_lazy(x);
    __m512i x3 = gl8_mul_lazy(x2, x);
    __m512i x4 = gl8_sqr_lazy(x2);
    return gl8_mul_lazy(x3, x4);
}

/* lo + 2^32 * hi (both < 2^42) reduced to canonical */
BV_AVX512 static inline __m512i reduce_split(__m512i sl, __m512i sh)
{
    __m512i lo = _mm512_add_epi64(sl, _mm512_slli_epi64(sh, 32));
    __mmask8 c = _mm512_cmplt_epu64_mask(lo, sl);
    __m512i hi =
        _mm512_mask_add_epi64(_mm512_srli_epi64(sh, 32), c, _mm512_srli_epi64(sh, 32), bc(1));
    /* hi < 2^11: lo + hi * eps, then one carry fix and one canonical fix */
    __m512i t = _mm512_sub_epi64(_mm512_slli_epi64(hi, 32), hi);
    __m512i r = _mm512_add_epi64(lo, t);
    __mmask8 c2 = _mm512_cmplt_epu64_mask(r, lo);
    return _mm512_mask_add_epi64(r, c2, r, gl8_eps()); /* lazy: < 2^64 */
}

BV_AVX512 static inline void mds8(__m512i s[W])
{
    __m512i lo[W], hi[W], out[W];
    for (int i = 0; i < W; i++) {
        lo[i] = s[i]; /* mul_epu32 only reads the low 32 bits */
        hi[i] = _mm512_srli_epi64(s[i], 32);
    }
    for (int r = 0; r < W; r++) {
        __m512i sl = _mm512_setzero_si512(), sh = _mm512_setzero_si512();
        for (int i = 0; i < W; i++) {
            int j = (i + r) % W;
            uint64_t m = circ[i] + (r == 0 && i == 0 ? BV_POSEIDON_MDS_DIAG0 : 0);
            sl = _mm512_add_epi64(sl, _mm512_mul_epu32(lo[j], bc(m)));
            sh = _mm512_add_epi64(sh, _mm512_mul_epu32(hi[j], bc(m)));
        }
        out[r] = reduce_split(sl, sh);
    }
    for (int r = 0; r < W; r++)
        s[r] = out[r];
}

/* Lazy dot product: sum of up to 16 full products a*b accumulated as
 * lo (+ carry count) and the two 32-bit halves of hi, reduced once:
 * value = lo + 2^64 (carries + sum hi_lo32) + 2^96 sum hi_hi32, and
 * 2^96 = -1 (mod p). Each partial sum stays below 2^64. */
typedef struct {
    __m512i lo, c, hl, hh;
} acc8;

BV_AVX512 static inline void acc8_init(acc8 *a)
{
    a->lo = a->c = a->hl = a->hh = _mm512_setzero_si512();
}

BV_AVX512 static inline void acc8_mul_add(acc8 *a, __m512i x, __m512i y)
{
    __m512i lo, hi;
    gl8_mul_wide(x, y, &lo, &hi);
    a->lo = _mm512_add_epi64(a->lo, lo);
    __mmask8 carry = _mm512_cmplt_epu64_mask(a->lo, lo);
    a->c = _mm512_mask_add_epi64(a->c, carry, a->c, bc(1));
    a->hl = _mm512_add_epi64(a->hl, _mm512_and_si512(hi, gl8_eps()));
    a->hh = _mm512_add_epi64(a->hh, _mm512_srli_epi64(hi, 32));
}

BV_AVX512 static inline __m512i acc8_reduce(const acc8 *a)
{
    /* lo + 2^64 (c + hl) is a 128-bit value with a small high word */
    __m512i r = gl8_reduce128_lazy(a->lo, _mm512_add_epi64(a->c, a->hl));
    return gl8_sub(r, a->hh); /* any r; hh < 16 * 2^32 < p is canonical */
}

BV_AVX512 static inline void full_round8(__m512i s[W], const gl_t *rc)
{
    for (int i = 0; i < W; i++)
        s[i] = sbox8(gl8_add_lazy(s[i], bc(rc[i])));
    mds8(s);
}

BV_AVX512 static void permute8(gl_t *states)
{
    const __m512i idx = _mm512_setr_epi64(0, 12, 24, 36, 48, 60, 72, 84);
    __m512i s[W];
    for (int i = 0; i < W; i++)
        s[i] = _mm512_i64gather_epi64(idx, (const void *)(states + i), 8);

    for (int r = 0; r < BV_POSEIDON_HALF_FULL_ROUNDS; r++)
        full_round8(s, bv_poseidon_rc[r]);

    /* fast partial rounds */
    for (int i = 0; i < W; i++)
        s[i] = gl8_add_lazy(s[i], bc(bv_poseidon_fast_first_rc[i]));
    {
        __m512i t[W - 1];
        for (int c = 0; c < W - 1; c++) {
            acc8 acc;
            acc8_init(&acc);
            for (int r = 0; r < W - 1; r++)
                acc8_mul_add(&acc, s[r + 1], bc(bv_poseidon_fast_initial[r][c]));
            t[c] = acc8_reduce(&acc);
        }
        for (int c = 0; c < W - 1; c++)
            s[c + 1] = t[c];
    }
    for (int k = 0; k < BV_POSEIDON_PARTIAL_ROUNDS; k++) {
        __m512i s0 = gl8_add_lazy(sbox8(s[0]), bc(bv_poseidon_fast_rc[k]));
        const gl_t *wh = bv_poseidon_fast_w_hats[k];
        const gl_t *vs = bv_poseidon_fast_vs[k];
        acc8 d;
        acc8_init(&d);
        acc8_mul_add(&d, s0, bc(circ[0] + BV_POSEIDON_MDS_DIAG0));
        for (int i = 1; i < W; i++) {
            acc8_mul_add(&d, s[i], bc(wh[i - 1]));
            s[i] = gl8_add_lazy(s[i], gl8_mul(s0, bc(vs[i - 1]))); /* product canonical */
        }
        s[0] = acc8_reduce(&d);
    }

    for (int r = BV_POSEIDON_HALF_FULL_ROUNDS + BV_POSEIDON_PARTIAL_ROUNDS; r < BV_POSEIDON_ROUNDS;
         r++)
        full_round8(s, bv_poseidon_rc[r]);

    for (int i = 0; i < W; i++)
        _mm512_i64scatter_epi64((void *)(states + i), idx, gl8_canon(s[i]), 8);
}

/* ---- one state: full rounds with the 12 lanes in two vectors ---- */

/* mds_t16[j] = column j of the MDS matrix, padded to 16 lanes */
static const uint64_t mds_t16[W][16] __attribute__((aligned(64))) = {
    {25, 20, 34, 18, 39, 13, 13, 28, 2, 16, 41, 15},
    {15, 17, 20, 34, 18, 39, 13, 13, 28, 2, 16, 41},
    {41, 15, 17, 20, 34, 18, 39, 13, 13, 28, 2, 16},
    {16, 41, 15, 17, 20, 34, 18, 39, 13, 13, 28, 2},
    {2, 16, 41, 15, 17, 20, 34, 18, 39, 13, 13, 28},
    {28, 2, 16, 41, 15, 17, 20, 34, 18, 39, 13, 13},
    {13, 28, 2, 16, 41, 15, 17, 20, 34, 18, 39, 13},
    {13, 13, 28, 2, 16, 41, 15, 17, 20, 34, 18, 39},
    {39, 13, 13, 28, 2, 16, 41, 15, 17, 20, 34, 18},
    {18, 39, 13, 13, 28, 2, 16, 41, 15, 17, 20, 34},
    {34, 18, 39, 13, 13, 28, 2, 16, 41, 15, 17, 20},
    {20, 34, 18, 39, 13, 13, 28, 2, 16, 41, 15, 17},
};

/* s (any u64 lanes) <- MDS(sbox(s + rc)), canonical out */
BV_AVX512 static inline void full_round1(uint64_t s[W], const gl_t *rc)
{
    const __mmask8 m4 = 0x0f;
    __m512i v0 = _mm512_loadu_si512((const void *)s);
    __m512i v1 = _mm512_maskz_loadu_epi64(m4, (const void *)(s + 8));
    __m512i r0 = _mm512_loadu_si512((const void *)rc);
    __m512i r1 = _mm512_maskz_loadu_epi64(m4, (const void *)(rc + 8));
    v0 = sbox8(gl8_add_lazy(v0, r0));
    v1 = sbox8(gl8_add_lazy(v1, r1));
    uint64_t t[16] __attribute__((aligned(64)));
    _mm512_store_si512((void *)t, v0);
    _mm512_store_si512((void *)(t + 8), v1);
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, b0 = a0, b1 = a0;
    for (int j = 0; j < W; j++) {
        __m512i l = _mm512_set1_epi64((long long)t[j]);
        __m512i h = _mm512_set1_epi64((long long)(t[j] >> 32));
        __m512i c0 = _mm512_load_si512((const void *)mds_t16[j]);
        __m512i c1 = _mm512_load_si512((const void *)(mds_t16[j] + 8));
        a0 = _mm512_add_epi64(a0, _mm512_mul_epu32(l, c0));
        a1 = _mm512_add_epi64(a1, _mm512_mul_epu32(l, c1));
        b0 = _mm512_add_epi64(b0, _mm512_mul_epu32(h, c0));
        b1 = _mm512_add_epi64(b1, _mm512_mul_epu32(h, c1));
    }
    _mm512_storeu_si512((void *)s, gl8_canon(reduce_split(a0, b0)));
    _mm512_mask_storeu_epi64((void *)(s + 8), m4, gl8_canon(reduce_split(a1, b1)));
}

void bv_poseidon_full_rounds_avx512(uint64_t s[W], int first, int count)
{
    for (int r = first; r < first + count; r++)
        full_round1(s, bv_poseidon_rc[r]);
}

void bv_poseidon_permute_many_avx512(gl_t *states, size_t count)
{
    for (size_t i = 0; i + 8 <= count; i += 8)
        permute8(states + i * W);
}

int bv_poseidon_have_avx512(void)
{
    return gl_vec_have_avx512();
}

#else

int bv_poseidon_have_avx512(void)
{
    return 0;
}

#endif
