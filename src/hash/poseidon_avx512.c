/*
 * poseidon_avx512.c - eight Poseidon permutations at once with AVX-512.
 *
 * Lane k of every vector belongs to state k, so each step of the
 * permutation (round constants, S-boxes, MDS) is the
 * scalar algorithm applied to eight states side by side; no cross-lane
 * traffic except the gather/scatter that transposes 8 x 12 states in and
 * out. Compiled with a target attribute; bv_poseidon_permute_many() only
 * calls it after checking the CPU (gl_vec_have_avx512()).
 */
#include "field/gl_avx512.h"
#include "field/gl_vec.h"
#include "hash/poseidon_internal.h"
#include "hash/poseidon_mds_freq.h"
#include "balverify/gates.h"

#if defined(__x86_64__)

#define W BV_POSEIDON_WIDTH

_Static_assert(BV_POSEIDON_MDS_DIAG0 == 8, "mds8 adds the diagonal term as a shift by 3");

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

/* sl + 2^32 * sh (both < 2^42) reduced to a lane < 2^64 (lazy): with
 * sh = h1 * 2^32 + h0 and 2^64 = 2^32 - 1 (mod p) the value is
 * (sl + h1 * (2^32 - 1)) + h0 * 2^32, a sum below 2^43 + 2^64 whose one
 * possible carry is worth eps. */
BV_AVX512 static inline __m512i reduce_split(__m512i sl, __m512i sh)
{
    __m512i h1 = _mm512_srli_epi64(sh, 32);
    __m512i a = _mm512_add_epi64(sl, _mm512_sub_epi64(_mm512_slli_epi64(h1, 32), h1));
    __m512i b = _mm512_slli_epi64(sh, 32);
    __m512i r = _mm512_add_epi64(a, b);
    return _mm512_mask_add_epi64(r, _mm512_cmplt_epu64_mask(r, b), r, gl8_eps());
}

typedef uint64_t u64x8 __attribute__((vector_size(64)));

/* MDS of eight states: the circulant part on the 32-bit halves through the
 * small-constant FFT form (poseidon_mds_freq.h), then one reduction. */
BV_AVX512 __attribute__((always_inline)) static inline void mds8(__m512i s[W])
{
    u64x8 xl[W], xh[W], sl[W], sh[W];
    for (int i = 0; i < W; i++) {
        xl[i] = (u64x8)s[i] & 0xffffffffULL;
        xh[i] = (u64x8)s[i] >> 32;
    }
    BV_MDS_FREQ(u64x8, xl, sl);
    BV_MDS_FREQ(u64x8, xh, sh);
    sl[0] += xl[0] << 3; /* diagonal: 8 */
    sh[0] += xh[0] << 3;
    for (int r = 0; r < W; r++)
        s[r] = reduce_split((__m512i)sl[r], (__m512i)sh[r]);
}

BV_AVX512 static inline void full_round8(__m512i s[W], const gl_t *rc)
{
    for (int i = 0; i < W; i++)
        s[i] = sbox8(gl8_add_lazy(s[i], bc(rc[i])));
    mds8(s);
}

/* The permutation on eight states held lane-wise in s (any u64 lanes in,
 * lanes < 2^64 congruent mod p out). */
BV_AVX512 static void permute8_regs(__m512i s[W])
{
    for (int r = 0; r < BV_POSEIDON_HALF_FULL_ROUNDS; r++)
        full_round8(s, bv_poseidon_rc[r]);

    /* Partial rounds in textbook form: with the small-constant MDS this is
     * cheaper on vectors than the sparse "fast" form, whose dot products
     * with full 64-bit constants cost four 32-bit multiplies per term. */
    for (int r = BV_POSEIDON_HALF_FULL_ROUNDS;
         r < BV_POSEIDON_HALF_FULL_ROUNDS + BV_POSEIDON_PARTIAL_ROUNDS; r++) {
        for (int i = 0; i < W; i++)
            s[i] = gl8_add_lazy(s[i], bc(bv_poseidon_rc[r][i]));
        s[0] = sbox8(s[0]);
        mds8(s);
    }
    for (int r = BV_POSEIDON_HALF_FULL_ROUNDS + BV_POSEIDON_PARTIAL_ROUNDS; r < BV_POSEIDON_ROUNDS;
         r++)
        full_round8(s, bv_poseidon_rc[r]);
}

BV_AVX512 static void permute8(gl_t *states)
{
    const __m512i idx = _mm512_setr_epi64(0, 12, 24, 36, 48, 60, 72, 84);
    __m512i s[W];
    for (int i = 0; i < W; i++)
        s[i] = _mm512_i64gather_epi64(idx, (const void *)(states + i), 8);
    permute8_regs(s);
    for (int i = 0; i < W; i++)
        _mm512_i64scatter_epi64((void *)(states + i), idx, gl8_canon(s[i]), 8);
}

/* Eight sponge hashes (hash_no_pad, 4 outputs) of inputs at rows + l * stride,
 * len > 0 elements each; the states stay in registers between absorptions. */
BV_AVX512 void bv_poseidon_hash8_avx512(const gl_t *rows, size_t stride, size_t len, gl_t *out)
{
    long long st = (long long)stride;
    const __m512i idx = _mm512_setr_epi64(0, st, 2 * st, 3 * st, 4 * st, 5 * st, 6 * st, 7 * st);
    __m512i s[W];
    for (int i = 0; i < W; i++)
        s[i] = _mm512_setzero_si512();
    for (size_t off = 0; off < len; off += BV_POSEIDON_RATE) {
        size_t n = len - off < BV_POSEIDON_RATE ? len - off : BV_POSEIDON_RATE;
        for (size_t j = 0; j < n; j++)
            s[j] = _mm512_i64gather_epi64(idx, (const void *)(rows + off + j), 8);
        permute8_regs(s);
    }
    const __m512i oidx = _mm512_setr_epi64(0, 4, 8, 12, 16, 20, 24, 28);
    for (int i = 0; i < 4; i++)
        _mm512_i64scatter_epi64((void *)(out + i), oidx, gl8_canon(s[i]), 8);
}

/* ---- PoseidonGate constraints at eight points ---- */

BV_AVX512 static inline __m512i ldw(const gl_t *w8, int j)
{
    return _mm512_loadu_si512((const void *)(w8 + 8 * j));
}

/* canonical constraint a - b (a any u64, b canonical) into out8 slot k */
BV_AVX512 static inline void put_diff(gl_t *out8, int k, __m512i a, __m512i b)
{
    _mm512_storeu_si512((void *)(out8 + 8 * k), gl8_sub(gl8_canon(a), b));
}

/* The textbook rounds, with every stored S-box input taken from its wire:
 * the same constraint values as the scalar evaluator (which uses the fast
 * partial-round form, an identity between the same polynomials), in the
 * same order. */
BV_AVX512 void bv_poseidon_gate_eval8_avx512(const gl_t *w8, gl_t *out8)
{
    __m512i s[W];
    int k = 0;
    __m512i swap = ldw(w8, BV_POSEIDON_WIRE_SWAP);
    _mm512_storeu_si512((void *)(out8 + 8 * k++), gl8_mul(swap, gl8_sub(swap, bc(1))));
    for (int i = 0; i < 4; i++) {
        __m512i delta = ldw(w8, BV_POSEIDON_WIRE_DELTA + i);
        __m512i a = ldw(w8, i), b = ldw(w8, i + 4);
        put_diff(out8, k++, gl8_mul(swap, gl8_sub(b, a)), delta);
        s[i] = gl8_add(a, delta);
        s[i + 4] = gl8_sub(b, delta);
    }
    for (int i = 8; i < W; i++)
        s[i] = ldw(w8, i);
    const int hf = BV_POSEIDON_HALF_FULL_ROUNDS, pr = BV_POSEIDON_PARTIAL_ROUNDS;
    for (int r = 0; r < hf; r++) {
        for (int i = 0; i < W; i++) {
            s[i] = gl8_add_lazy(s[i], bc(bv_poseidon_rc[r][i]));
            if (r > 0) {
                __m512i wv = ldw(w8, BV_POSEIDON_WIRE_FULL0 + 12 * (r - 1) + i);
                put_diff(out8, k++, s[i], wv);
                s[i] = wv;
            }
            s[i] = sbox8(s[i]);
        }
        mds8(s);
    }
    for (int r = hf; r < hf + pr; r++) {
        for (int i = 0; i < W; i++)
            s[i] = gl8_add_lazy(s[i], bc(bv_poseidon_rc[r][i]));
        __m512i wv = ldw(w8, BV_POSEIDON_WIRE_PARTIAL + r - hf);
        put_diff(out8, k++, s[0], wv);
        s[0] = sbox8(wv);
        mds8(s);
    }
    for (int r = hf + pr; r < BV_POSEIDON_ROUNDS; r++) {
        for (int i = 0; i < W; i++) {
            __m512i wv = ldw(w8, BV_POSEIDON_WIRE_FULL1 + 12 * (r - hf - pr) + i);
            put_diff(out8, k++, gl8_add_lazy(s[i], bc(bv_poseidon_rc[r][i])), wv);
            s[i] = sbox8(wv);
        }
        mds8(s);
    }
    for (int i = 0; i < W; i++)
        put_diff(out8, k++, s[i], ldw(w8, BV_POSEIDON_WIRE_OUT + i));
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

BV_AVX512 void bv_poseidon_partial_update_avx512(uint64_t *s16, uint64_t s0, int k)
{
    __m512i b = bc(s0);
    __m512i v0 = _mm512_load_si512((const void *)s16);
    __m512i v1 = _mm512_load_si512((const void *)(s16 + 8));
    const gl_t *vs = bv_poseidon_fast_vs[k];
    __m512i c0 = _mm512_loadu_si512((const void *)vs);
    __m512i c1 = _mm512_maskz_loadu_epi64(0x07, (const void *)(vs + 8));
    v0 = gl8_add_lazy(v0, gl8_mul(b, c0));
    v1 = gl8_add_lazy(v1, gl8_mul(b, c1)); /* lanes 11..15: + 0 */
    _mm512_store_si512((void *)s16, v0);
    _mm512_store_si512((void *)(s16 + 8), v1);
}

/* The rounds with the state kept in two registers between rounds: lane j
 * is broadcast with a permute instead of a trip through memory, and the
 * column sums run as two chains (even and odd j) to shorten the latency. */
BV_AVX512 void bv_poseidon_full_rounds_avx512(uint64_t s[W], int first, int count)
{
    const __mmask8 m4 = 0x0f;
    __m512i v0 = _mm512_loadu_si512((const void *)s);
    __m512i v1 = _mm512_maskz_loadu_epi64(m4, (const void *)(s + 8));
    for (int r = first; r < first + count; r++) {
        const gl_t *rc = bv_poseidon_rc[r];
        v0 = sbox8(gl8_add_lazy(v0, _mm512_loadu_si512((const void *)rc)));
        v1 = sbox8(gl8_add_lazy(v1, _mm512_maskz_loadu_epi64(m4, (const void *)(rc + 8))));
        __m512i a0[2], a1[2], b0[2], b1[2];
        for (int e = 0; e < 2; e++)
            a0[e] = a1[e] = b0[e] = b1[e] = _mm512_setzero_si512();
        for (int j = 0; j < W; j++) {
            __m512i l = _mm512_permutexvar_epi64(bc((uint64_t)(j & 7)), j < 8 ? v0 : v1);
            __m512i h = _mm512_srli_epi64(l, 32);
            __m512i c0 = _mm512_load_si512((const void *)mds_t16[j]);
            __m512i c1 = _mm512_load_si512((const void *)(mds_t16[j] + 8));
            int e = j & 1;
            a0[e] = _mm512_add_epi64(a0[e], _mm512_mul_epu32(l, c0));
            a1[e] = _mm512_add_epi64(a1[e], _mm512_mul_epu32(l, c1));
            b0[e] = _mm512_add_epi64(b0[e], _mm512_mul_epu32(h, c0));
            b1[e] = _mm512_add_epi64(b1[e], _mm512_mul_epu32(h, c1));
        }
        v0 = reduce_split(_mm512_add_epi64(a0[0], a0[1]), _mm512_add_epi64(b0[0], b0[1]));
        v1 = reduce_split(_mm512_add_epi64(a1[0], a1[1]), _mm512_add_epi64(b1[0], b1[1]));
    }
    _mm512_storeu_si512((void *)s, gl8_canon(v0));
    _mm512_mask_storeu_epi64((void *)(s + 8), m4, gl8_canon(v1));
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

void bv_poseidon_hash8_avx512(const gl_t *rows, size_t stride, size_t len, gl_t *out)
{
    (void)rows; /* never called: bv_poseidon_have_avx512() is 0 */
    (void)stride;
    (void)len;
    (void)out;
}

void bv_poseidon_gate_eval8_avx512(const gl_t *w8, gl_t *out8)
{
    (void)w8;
    (void)out8; /* never called: bv_poseidon_have_avx512() is 0 */
}

int bv_poseidon_have_avx512(void)
{
    return 0;
}

#endif
