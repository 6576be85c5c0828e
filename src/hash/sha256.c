/*
 * sha256.c - SHA-256 front end: implementation choice and dispatch
 * (include/balverify/sha256.h).
 *
 * Two back ends give bit-identical results:
 *  - "openssl": libcrypto's SHA256_Init/Update/Final. OpenSSL's own block
 *    function already uses the CPU's SHA extensions when present, but every
 *    call pays the context set-up and generic padding logic.
 *  - "sha-ni": sha256_shani.c, x86 SHA extensions with the constant second
 *    block of a 64-byte message pre-scheduled, and two independent messages
 *    interleaved in the batch form to hide the rounds' latency.
 * The choice is made once (first use, or bv_sha256_select()) and stored in a
 * set of function pointers; callers never branch per hash.
 */
#include "balverify/sha256.h"

#include <string.h>

#include "hash/sha256_impl.h"

typedef struct {
    const char *name;
    void (*full)(uint8_t out[32], const void *msg, size_t len);
    void (*pair)(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
    void (*pairs)(uint8_t *out, const uint8_t *in, size_t n);
} sha256_backend;

static const sha256_backend backend_openssl = {
    "openssl",
    bv_sha256_openssl,
    bv_sha256_pair_openssl,
    bv_sha256_pairs_openssl,
};

#if BV_HAVE_SHANI_BUILD
static const sha256_backend backend_shani = {
    "sha-ni",
    bv_sha256_shani,
    bv_sha256_pair_shani,
    bv_sha256_pairs_shani,
};
#endif

static const sha256_backend *active;

static const sha256_backend *auto_backend(void)
{
#if BV_HAVE_SHANI_BUILD
    if (bv_sha256_shani_available())
        return &backend_shani;
#endif
    return &backend_openssl;
}

/* The first call may race between threads; both store the same pointer. */
static inline const sha256_backend *get_backend(void)
{
    const sha256_backend *b = __atomic_load_n(&active, __ATOMIC_ACQUIRE);
    if (!b) {
        b = auto_backend();
        __atomic_store_n(&active, b, __ATOMIC_RELEASE);
    }
    return b;
}

void bv_sha256(uint8_t out[32], const void *msg, size_t len)
{
    get_backend()->full(out, msg, len);
}

void bv_sha256_pair(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    get_backend()->pair(out, a, b);
}

void bv_sha256_pairs(uint8_t *out, const uint8_t *in, size_t n)
{
    get_backend()->pairs(out, in, n);
}

const char *bv_sha256_impl(void)
{
    return get_backend()->name;
}

int bv_sha256_select(const char *name)
{
    const sha256_backend *b = NULL;
    if (!name || strcmp(name, "auto") == 0) {
        b = auto_backend();
    } else if (strcmp(name, "openssl") == 0) {
        b = &backend_openssl;
    } else if (strcmp(name, "sha-ni") == 0) {
#if BV_HAVE_SHANI_BUILD
        if (bv_sha256_shani_available())
            b = &backend_shani;
#endif
    }
    if (!b)
        return -1;
    __atomic_store_n(&active, b, __ATOMIC_RELEASE);
    return 0;
}
