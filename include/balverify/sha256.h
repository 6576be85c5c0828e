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

/* Name of the implementation in use ("sha-ni" or "openssl"). */
const char *bv_sha256_impl(void);

/* Force an implementation (for tests/benchmarks): "sha-ni", "openssl",
 * "auto". Returns 0 on success, -1 if unavailable on this CPU. */
int bv_sha256_select(const char *name);

#endif
