/*
 * sha256_impl.h - the SHA-256 back ends behind include/balverify/sha256.h.
 * Internal to the library (and its unit tests, which compare back ends).
 */
#ifndef BV_HASH_SHA256_IMPL_H
#define BV_HASH_SHA256_IMPL_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#define BV_HAVE_SHANI_BUILD 1
#else
#define BV_HAVE_SHANI_BUILD 0
#endif

void bv_sha256_openssl(uint8_t out[32], const void *msg, size_t len);
void bv_sha256_pair_openssl(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
void bv_sha256_pairs_openssl(uint8_t *out, const uint8_t *in, size_t n);

#if BV_HAVE_SHANI_BUILD
/* 1 when the CPU reports SHA extensions and SSE4.1 (cpuid). */
int bv_sha256_shani_available(void);
void bv_sha256_shani(uint8_t out[32], const void *msg, size_t len);
void bv_sha256_pair_shani(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
void bv_sha256_pairs_shani(uint8_t *out, const uint8_t *in, size_t n);
#endif

#endif
