/*
 * sha256_shani.c - SHA-256 with the x86 SHA extensions (SHA-NI).
 *
 * The state is kept in the two-register layout the instructions want:
 * s0 = (A,B,E,F), s1 = (C,D,G,H) from the highest lane down. Each
 * _mm_sha256rnds2_epu32 does two rounds and takes the message words already
 * added to the round constants, so a message whose schedule is known in
 * advance reduces to 32 rnds2 instructions and nothing else.
 *
 * That is the case for the second block of every 64-byte message (the pair
 * hash of SSZ merkleization): it is the padding 0x80, zeros, bit length 512.
 * Its 64 words W[t] + K[t] are a constant table (pad_wk) and the block costs
 * only the rounds.
 *
 * The rounds have a long dependency chain (latency ~2-4 cycles per rnds2 on
 * current cores, throughput 1), so the batch form runs four independent
 * messages through the rounds side by side (then two, then one for the
 * tail). On the build machine (AMD EPYC) four lanes hash about 1.8x as many
 * pairs per second as two; six or eight lanes gain nothing more, because
 * the SHA instructions can only use xmm0-15 and the extra lanes spill.
 *
 * Everything here is compiled with target("sha,sse4.1,ssse3") so the rest of
 * the library does not need -msha; callers reach it only after
 * bv_sha256_shani_available() said yes.
 */
#include "balverify/sha256.h"
#include "hash/sha256_impl.h"

#if BV_HAVE_SHANI_BUILD

#include <cpuid.h>
#include <immintrin.h>
#include <string.h>

#include "balverify/util_bytes.h"

#define SHANI_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* W[t] + K[t] of the padding block of a 64-byte message (0x80, zeros, bit
 * length 512), 4 words per vector. A constant table rather than a start-up
 * computation: other constructors (the SSZ zero hashes) hash before main().
 * test_sha256 checks every pair hash against OpenSSL. */
const uint32_t bv_sha256_pad64_wk[64] __attribute__((aligned(16))) = {
    0xc28a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf374,
    0x649b69c1, 0xf0fe4786, 0x0fe1edc6, 0x240cf254, 0x4fe9346f, 0x6cc984be, 0x61b9411e, 0x16f988fa,
    0xf2c65152, 0xa88e5a6d, 0xb019fc65, 0xb9d99ec7, 0x9a1231c3, 0xe70eeaa0, 0xfdb1232b, 0xc7353eb0,
    0x3069bad5, 0xcb976d5f, 0x5a0f118f, 0xdc1eeefd, 0x0a35b689, 0xde0b7a04, 0x58f4ca9d, 0xe15d5b16,
    0x007f3e86, 0x37088980, 0xa507ea32, 0x6fab9537, 0x17406110, 0x0d8cd6f1, 0xcdaa3b6d, 0xc0bbbe37,
    0x83613bda, 0xdb48a363, 0x0b02e931, 0x6fd15ca7, 0x521afaca, 0x31338431, 0x6ed41a95, 0x6d437890,
    0xc39c91f2, 0x9eccabbd, 0xb5c9a0e6, 0x532fb63c, 0xd2c741c6, 0x07237ea3, 0xa4954b68, 0x4c191d76,
};
#define pad_wk bv_sha256_pad64_wk

int bv_sha256_shani_available(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    int sse41 = (c >> 19) & 1, ssse3 = (c >> 9) & 1;
    if (__get_cpuid_max(0, NULL) < 7)
        return 0;
    __cpuid_count(7, 0, a, b, c, d);
    int sha = (b >> 29) & 1;
    return sha && sse41 && ssse3;
}

/* Byte order: message words and digest words are big-endian. */
#define BSWAP_MASK() _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL)

/* Two rounds with the message+constant vector wk (4 words: rounds use the low
 * two, then the high two). */
#define QROUND(s0, s1, wk)                                                                         \
    do {                                                                                           \
        __m128i m_ = (wk);                                                                         \
        s1 = _mm_sha256rnds2_epu32(s1, s0, m_);                                                    \
        m_ = _mm_shuffle_epi32(m_, 0x0E);                                                          \
        s0 = _mm_sha256rnds2_epu32(s0, s1, m_);                                                    \
    } while (0)

/* Next four schedule words from the previous sixteen (w0 oldest). */
#define SCHED(w0, w1, w2, w3)                                                                      \
    _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(w0, w1), _mm_alignr_epi8(w3, w2, 4)),  \
                         w3)

SHANI_TARGET static inline void state_load(const uint32_t h[8], __m128i *s0, __m128i *s1)
{
    __m128i t = _mm_loadu_si128((const __m128i *)&h[0]); /* D C B A */
    __m128i u = _mm_loadu_si128((const __m128i *)&h[4]); /* H G F E */
    t = _mm_shuffle_epi32(t, 0xB1);                      /* C D A B */
    u = _mm_shuffle_epi32(u, 0x1B);                      /* E F G H */
    *s0 = _mm_alignr_epi8(t, u, 8);                      /* A B E F */
    *s1 = _mm_blend_epi16(u, t, 0xF0);                   /* C D G H */
}

/* Store the state as the 32-byte big-endian digest. */
SHANI_TARGET static inline void state_store_digest(uint8_t out[32], __m128i s0, __m128i s1)
{
    __m128i t = _mm_shuffle_epi32(s0, 0x1B);   /* F E B A */
    s1 = _mm_shuffle_epi32(s1, 0xB1);          /* D C H G */
    __m128i lo = _mm_blend_epi16(t, s1, 0xF0); /* D C B A */
    __m128i hi = _mm_alignr_epi8(s1, t, 8);    /* H G F E */
    const __m128i mask = BSWAP_MASK();
    _mm_storeu_si128((__m128i *)out, _mm_shuffle_epi8(lo, mask));
    _mm_storeu_si128((__m128i *)(out + 16), _mm_shuffle_epi8(hi, mask));
}

#define KV(i) _mm_load_si128((const __m128i *)&bv_sha256_k[4 * (i)])
#define PV(i) _mm_load_si128((const __m128i *)&pad_wk[4 * (i)])

/* One compression of a 64-byte block into (s0, s1). */
SHANI_TARGET static inline void compress_block(__m128i *ps0, __m128i *ps1, const uint8_t *blk)
{
    const __m128i mask = BSWAP_MASK();
    __m128i s0 = *ps0, s1 = *ps1;
    __m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blk + 0)), mask);
    __m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blk + 16)), mask);
    __m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blk + 32)), mask);
    __m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blk + 48)), mask);
    QROUND(s0, s1, _mm_add_epi32(w0, KV(0)));
    QROUND(s0, s1, _mm_add_epi32(w1, KV(1)));
    QROUND(s0, s1, _mm_add_epi32(w2, KV(2)));
    QROUND(s0, s1, _mm_add_epi32(w3, KV(3)));
    for (int i = 4; i < 16; i += 4) {
        w0 = SCHED(w0, w1, w2, w3);
        QROUND(s0, s1, _mm_add_epi32(w0, KV(i)));
        w1 = SCHED(w1, w2, w3, w0);
        QROUND(s0, s1, _mm_add_epi32(w1, KV(i + 1)));
        w2 = SCHED(w2, w3, w0, w1);
        QROUND(s0, s1, _mm_add_epi32(w2, KV(i + 2)));
        w3 = SCHED(w3, w0, w1, w2);
        QROUND(s0, s1, _mm_add_epi32(w3, KV(i + 3)));
    }
    *ps0 = _mm_add_epi32(s0, *ps0);
    *ps1 = _mm_add_epi32(s1, *ps1);
}

/* The constant padding block of a 64-byte message. */
SHANI_TARGET static inline void compress_pad64(__m128i *ps0, __m128i *ps1)
{
    __m128i s0 = *ps0, s1 = *ps1;
    for (int i = 0; i < 16; i++)
        QROUND(s0, s1, PV(i));
    *ps0 = _mm_add_epi32(s0, *ps0);
    *ps1 = _mm_add_epi32(s1, *ps1);
}

SHANI_TARGET static inline void iv_state(__m128i *s0, __m128i *s1)
{
    state_load(bv_sha256_iv, s0, s1);
}

SHANI_TARGET void bv_sha256_pair_shani(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    uint8_t blk[64];
    memcpy(blk, a, 32);
    memcpy(blk + 32, b, 32);
    __m128i s0, s1;
    iv_state(&s0, &s1);
    compress_block(&s0, &s1, blk);
    compress_pad64(&s0, &s1);
    state_store_digest(out, s0, s1);
}

/* Two independent 64-byte messages, rounds interleaved. */
SHANI_TARGET static void pair2(uint8_t *outa, uint8_t *outb, const uint8_t *ba, const uint8_t *bb)
{
    const __m128i mask = BSWAP_MASK();
    __m128i a0, a1, b0, b1;
    iv_state(&a0, &a1);
    b0 = a0;
    b1 = a1;
    const __m128i ia0 = a0, ia1 = a1;
    __m128i x0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(ba + 0)), mask);
    __m128i x1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(ba + 16)), mask);
    __m128i x2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(ba + 32)), mask);
    __m128i x3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(ba + 48)), mask);
    __m128i y0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(bb + 0)), mask);
    __m128i y1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(bb + 16)), mask);
    __m128i y2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(bb + 32)), mask);
    __m128i y3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(bb + 48)), mask);
    QROUND(a0, a1, _mm_add_epi32(x0, KV(0)));
    QROUND(b0, b1, _mm_add_epi32(y0, KV(0)));
    QROUND(a0, a1, _mm_add_epi32(x1, KV(1)));
    QROUND(b0, b1, _mm_add_epi32(y1, KV(1)));
    QROUND(a0, a1, _mm_add_epi32(x2, KV(2)));
    QROUND(b0, b1, _mm_add_epi32(y2, KV(2)));
    QROUND(a0, a1, _mm_add_epi32(x3, KV(3)));
    QROUND(b0, b1, _mm_add_epi32(y3, KV(3)));
    for (int i = 4; i < 16; i += 4) {
        x0 = SCHED(x0, x1, x2, x3);
        y0 = SCHED(y0, y1, y2, y3);
        QROUND(a0, a1, _mm_add_epi32(x0, KV(i)));
        QROUND(b0, b1, _mm_add_epi32(y0, KV(i)));
        x1 = SCHED(x1, x2, x3, x0);
        y1 = SCHED(y1, y2, y3, y0);
        QROUND(a0, a1, _mm_add_epi32(x1, KV(i + 1)));
        QROUND(b0, b1, _mm_add_epi32(y1, KV(i + 1)));
        x2 = SCHED(x2, x3, x0, x1);
        y2 = SCHED(y2, y3, y0, y1);
        QROUND(a0, a1, _mm_add_epi32(x2, KV(i + 2)));
        QROUND(b0, b1, _mm_add_epi32(y2, KV(i + 2)));
        x3 = SCHED(x3, x0, x1, x2);
        y3 = SCHED(y3, y0, y1, y2);
        QROUND(a0, a1, _mm_add_epi32(x3, KV(i + 3)));
        QROUND(b0, b1, _mm_add_epi32(y3, KV(i + 3)));
    }
    a0 = _mm_add_epi32(a0, ia0);
    a1 = _mm_add_epi32(a1, ia1);
    b0 = _mm_add_epi32(b0, ia0);
    b1 = _mm_add_epi32(b1, ia1);
    const __m128i ma0 = a0, ma1 = a1, mb0 = b0, mb1 = b1;
    for (int i = 0; i < 16; i++) {
        __m128i p = PV(i);
        QROUND(a0, a1, p);
        QROUND(b0, b1, p);
    }
    a0 = _mm_add_epi32(a0, ma0);
    a1 = _mm_add_epi32(a1, ma1);
    b0 = _mm_add_epi32(b0, mb0);
    b1 = _mm_add_epi32(b1, mb1);
    /* Inputs are fully read above, so in-place output is safe. */
    state_store_digest(outa, a0, a1);
    state_store_digest(outb, b0, b1);
}

/* Four independent 64-byte messages. The rounds of one message form a
 * dependency chain; four chains keep the SHA unit busy on cores where
 * sha256rnds2 has a latency of several cycles but can issue every cycle. */
#define LANES 4 /* pair4() below is written for any LANES; 4 measured best */
SHANI_TARGET static void pair4(uint8_t *out, const uint8_t *in)
{
    const __m128i mask = BSWAP_MASK();
    __m128i s0[LANES], s1[LANES], w0[LANES], w1[LANES], w2[LANES], w3[LANES];
    __m128i i0, i1;
    iv_state(&i0, &i1);
#pragma GCC unroll 4
    for (int l = 0; l < LANES; l++) {
        const uint8_t *b = in + 64 * l;
        s0[l] = i0;
        s1[l] = i1;
        w0[l] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(b + 0)), mask);
        w1[l] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(b + 16)), mask);
        w2[l] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(b + 32)), mask);
        w3[l] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(b + 48)), mask);
    }
#pragma GCC unroll 4
    for (int l = 0; l < LANES; l++)
        QROUND(s0[l], s1[l], _mm_add_epi32(w0[l], KV(0)));
#pragma GCC unroll 4
    for (int l = 0; l < LANES; l++)
        QROUND(s0[l], s1[l], _mm_add_epi32(w1[l], KV(1)));
#pragma GCC unroll 4
    for (int l = 0; l < LANES; l++)
        QROUND(s0[l], s1[l], _mm_add_epi32(w2[l], KV(2)));
#pragma GCC unroll 4
    for (int l = 0; l < LANES; l++)
        QROUND(s0[l], s1[l], _mm_add_epi32(w3[l], KV(3)));
    for (int i = 4; i < 16; i += 4) {
#pragma GCC unroll 4
        for (int l = 0; l < LANES; l++) {
            w0[l] = SCHED(w0[l], w1[l], w2[l], w3[l]);
            QROUND(s0[l], s1[l], _mm_add_epi32(w0[l], KV(i)));
        }
#pragma GCC unroll 4
        for (int l = 0; l < LANES; l++) {
            w1[l] = SCHED(w1[l], w2[l], w3[l], w0[l]);
            QROUND(s0[l], s1[l], _mm_add_epi32(w1[l], KV(i + 1)));
        }
#pragma GCC unroll 4
        for (int l = 0; l < LANES; l++) {
            w2[l] = SCHED(w2[l], w3[l], w0[l], w1[l]);
            QROUND(s0[l], s1[l], _mm_add_epi32(w2[l], KV(i + 2)));
        }
#pragma GCC unroll 4
        for (int l = 0; l < LANES; l++) {
            w3[l] = SCHED(w3[l], w0[l], w1[l], w2[l]);
            QROUND(s0[l], s1[l], _mm_add_epi32(w3[l], KV(i + 3)));
        }
    }
#pragma GCC unroll 4
    for (int l = 0; l < LANES; l++) {
        s0[l] = _mm_add_epi32(s0[l], i0);
        s1[l] = _mm_add_epi32(s1[l], i1);
        w0[l] = s0[l]; /* keep the mid state for the final addition */
        w1[l] = s1[l];
    }
    for (int i = 0; i < 16; i++) {
        __m128i p = PV(i);
#pragma GCC unroll 4
        for (int l = 0; l < LANES; l++)
            QROUND(s0[l], s1[l], p);
    }
    /* inputs are fully read: in-place output is safe */
#pragma GCC unroll 4
    for (int l = 0; l < LANES; l++)
        state_store_digest(out + 32 * l, _mm_add_epi32(s0[l], w0[l]), _mm_add_epi32(s1[l], w1[l]));
}

SHANI_TARGET void bv_sha256_pairs_shani(uint8_t *out, const uint8_t *in, size_t n)
{
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        pair4(out + 32 * i, in + 64 * i);
    for (; i + 2 <= n; i += 2)
        pair2(out + 32 * i, out + 32 * (i + 1), in + 64 * i, in + 64 * (i + 1));
    if (i < n) {
        __m128i s0, s1;
        iv_state(&s0, &s1);
        compress_block(&s0, &s1, in + 64 * i);
        compress_pad64(&s0, &s1);
        state_store_digest(out + 32 * i, s0, s1);
    }
}

SHANI_TARGET void bv_sha256_shani(uint8_t out[32], const void *msg, size_t len)
{
    const uint8_t *p = msg;
    __m128i s0, s1;
    iv_state(&s0, &s1);
    size_t full = len / 64;
    for (size_t i = 0; i < full; i++)
        compress_block(&s0, &s1, p + 64 * i);
    uint8_t tail[128];
    size_t rem = len - 64 * full;
    memset(tail, 0, sizeof tail);
    if (rem)
        memcpy(tail, p + 64 * full, rem);
    tail[rem] = 0x80;
    size_t tlen = rem + 1 + 8 <= 64 ? 64 : 128;
    bv_put_be64(tail + tlen - 8, (uint64_t)len * 8);
    compress_block(&s0, &s1, tail);
    if (tlen == 128)
        compress_block(&s0, &s1, tail + 64);
    state_store_digest(out, s0, s1);
}

#endif
