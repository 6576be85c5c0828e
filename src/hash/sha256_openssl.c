/*
 * sha256_openssl.c - SHA-256 back end on OpenSSL's libcrypto.
 *
 * The low-level SHA256_* interface is used on purpose: in OpenSSL 3 the EVP
 * path fetches a provider implementation and allocates per digest, which
 * costs more than the two compressions of a 64-byte pair hash. The low-level
 * functions are deprecated but still exported by libcrypto 3.x.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>

#include "hash/sha256_impl.h"

void bv_sha256_openssl(uint8_t out[32], const void *msg, size_t len)
{
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, msg, len);
    SHA256_Final(out, &c);
}

void bv_sha256_pair_openssl(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, a, 32);
    SHA256_Update(&c, b, 32);
    SHA256_Final(out, &c);
}

void bv_sha256_pairs_openssl(uint8_t *out, const uint8_t *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        SHA256_CTX c;
        SHA256_Init(&c);
        SHA256_Update(&c, in + 64 * i, 64);
        /* out may overlap in (in-place level hashing): out[i] lies at or
         * before in[i]'s block, which is fully consumed above. */
        SHA256_Final(out + 32 * i, &c);
    }
}
