/*
 * sha256.h - SHA-256 for SSZ merkleization.
 *
 * Invariants:
 *  - bv_sha256() is standard SHA-256 of an arbitrary message.
 *  - bv_sha256_pair(out, a, b) = SHA-256(a || b) for two 32-byte chunks: the
 *    hot path of SSZ hashing (2 compression blocks, the second one constant
 *    padding). out may alias a or b.
 *  - bv_sha256_pairs(out, in, n) hashes n consecutive 64-byte blocks (n
 *    independent pair hashes): out[i] = SHA-256(in[64 i .. 64 i + 64]). This
 *    is the batch form used to hash one tree level at a time.
 *  - The implementation is chosen once at start-up (SHA-NI when the CPU has
 *    it, otherwise OpenSSL's libcrypto); both give identical results.
 */
#ifndef BALVERIFY_SHA256_H
#define BALVERIFY_SHA256_H

#include <stddef.h>
#include <stdint.h>

void bv_sha256(uint8_t out[32], const void *msg, size_t len);
void bv_sha256_pair(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
void bv_sha256_pairs(uint8_t *out, const uint8_t *in, size_t n);

/* ---- The compression function, word by word (sha256_ref.c) ----
 * Words are SHA-256's big-endian 32-bit words as integers. These functions
 * are the portable reference that the in-circuit SHA-256 (gadgets) and its
 * witness generation are tested against; they are not the fast path. */

/* Round constants K[0..63] and the initial hash value H(0), shared by every
 * SHA-256 implementation in the project (16-byte aligned). */
extern const uint32_t bv_sha256_k[64];
extern const uint32_t bv_sha256_iv[8];

/* Σ0, Σ1 (round functions) and σ0, σ1 (message schedule) of FIPS 180-4. */
uint32_t bv_sha256_bsig0(uint32_t x);
uint32_t bv_sha256_bsig1(uint32_t x);
uint32_t bv_sha256_ssig0(uint32_t x);
uint32_t bv_sha256_ssig1(uint32_t x);

/* Every intermediate value of one compression: the 64 schedule words, and
 * the working variables a_t, e_t for t = -3..64 stored at a[t + 3], e[t + 3]
 * (a_0..a_-3 = state a, b, c, d; e_0..e_-3 = e, f, g, h; round t computes
 * a_{t+1}, e_{t+1}; b_t = a_{t-1} and so on). */
typedef struct {
    uint32_t w[64];
    uint32_t a[68];
    uint32_t e[68];
} bv_sha256_trace;

/* out = compression of `in` with one 16-word block; tr (may be NULL)
 * receives every round. out may not alias in. */
void bv_sha256_compress_trace(const uint32_t in[8], const uint32_t block[16], uint32_t out[8],
                              bv_sha256_trace *tr);
/* state = compression(state, block). */
void bv_sha256_compress_ref(uint32_t state[8], const uint32_t block[16]);
/* SHA-256 of a message of nwords big-endian words (4 * nwords bytes). */
void bv_sha256_words_ref(uint32_t out[8], const uint32_t *words, size_t nwords);
/* Word i of that message after padding (0x80 marker, zeros, 64-bit bit
 * length); the padded message has 16 * ceil((nwords + 3) / 16) words. */
uint32_t bv_sha256_padded_word(const uint32_t *words, size_t nwords, size_t i);

/* Name of the implementation in use ("sha-ni" or "openssl"). */
const char *bv_sha256_impl(void);

/* Force an implementation (for tests/benchmarks): "sha-ni", "openssl",
 * "auto". Returns 0 on success, -1 if unavailable on this CPU. */
int bv_sha256_select(const char *name);

#endif
