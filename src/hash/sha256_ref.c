/*
 * sha256_ref.c - portable SHA-256 compression function that exposes every
 * round (include/balverify/sha256.h): the constants shared by all SHA-256
 * code, and the reference the in-circuit SHA-256 and its witness generation
 * are tested against (FIPS 180-4 section 6.2).
 */
#include <string.h>

#include "balverify/sha256.h"

const uint32_t bv_sha256_k[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

const uint32_t bv_sha256_iv[8] __attribute__((aligned(16))) = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

static inline uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

uint32_t bv_sha256_bsig0(uint32_t x)
{
    return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22);
}
uint32_t bv_sha256_bsig1(uint32_t x)
{
    return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25);
}
uint32_t bv_sha256_ssig0(uint32_t x)
{
    return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3);
}
uint32_t bv_sha256_ssig1(uint32_t x)
{
    return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10);
}

void bv_sha256_compress_trace(const uint32_t in[8], const uint32_t block[16], uint32_t out[8],
                              bv_sha256_trace *tr)
{
    bv_sha256_trace local;
    bv_sha256_trace *t = tr ? tr : &local;
    for (int i = 0; i < 16; i++)
        t->w[i] = block[i];
    for (int i = 16; i < 64; i++)
        t->w[i] = bv_sha256_ssig1(t->w[i - 2]) + t->w[i - 7] + bv_sha256_ssig0(t->w[i - 15]) +
                  t->w[i - 16];
    /* a_t = a[t + 3]: a_0 = in[0], a_-1 = b = in[1], a_-2 = c, a_-3 = d;
     * likewise e_0..e_-3 = in[4..7]. */
    for (int i = 0; i < 4; i++) {
        t->a[3 - i] = in[i];
        t->e[3 - i] = in[4 + i];
    }
    for (int r = 0; r < 64; r++) {
        uint32_t a = t->a[r + 3], b = t->a[r + 2], c = t->a[r + 1], d = t->a[r];
        uint32_t e = t->e[r + 3], f = t->e[r + 2], g = t->e[r + 1], h = t->e[r];
        uint32_t t1 = h + bv_sha256_bsig1(e) + ((e & f) ^ (~e & g)) + bv_sha256_k[r] + t->w[r];
        uint32_t t2 = bv_sha256_bsig0(a) + ((a & b) ^ (a & c) ^ (b & c));
        t->e[r + 4] = d + t1;
        t->a[r + 4] = t1 + t2;
    }
    for (int i = 0; i < 4; i++) {
        out[i] = in[i] + t->a[67 - i];
        out[4 + i] = in[4 + i] + t->e[67 - i];
    }
}

void bv_sha256_compress_ref(uint32_t state[8], const uint32_t block[16])
{
    uint32_t out[8];
    bv_sha256_compress_trace(state, block, out, NULL);
    memcpy(state, out, sizeof out);
}

void bv_sha256_words_ref(uint32_t out[8], const uint32_t *words, size_t nwords)
{
    uint32_t st[8], blk[16];
    memcpy(st, bv_sha256_iv, sizeof st);
    size_t nblocks = (nwords + 1 + 2 + 15) / 16; /* message, 0x80 word, 64-bit length */
    for (size_t b = 0; b < nblocks; b++) {
        for (size_t i = 0; i < 16; i++)
            blk[i] = bv_sha256_padded_word(words, nwords, 16 * b + i);
        bv_sha256_compress_ref(st, blk);
    }
    memcpy(out, st, sizeof st);
}

uint32_t bv_sha256_padded_word(const uint32_t *words, size_t nwords, size_t i)
{
    size_t nblocks = (nwords + 1 + 2 + 15) / 16;
    if (i < nwords)
        return words[i];
    if (i == nwords)
        return 0x80000000u;
    uint64_t bits = (uint64_t)nwords * 32;
    if (i == 16 * nblocks - 2)
        return (uint32_t)(bits >> 32);
    if (i == 16 * nblocks - 1)
        return (uint32_t)bits;
    return 0;
}
