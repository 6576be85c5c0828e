/* test_sha256.c - SHA-256 back ends (include/balverify/sha256.h):
 * NIST vectors, SHA-NI == OpenSSL on random messages, pair/batch forms. */
#include "cu_main.h"

#include <stdint.h>

#include "balverify/sha256.h"
#include "balverify/ssz.h"
#include "balverify/util_hex.h"
#include "hash/sha256_impl.h"

static uint64_t rng_state = 0x243F6A8885A308D3ULL;
static uint64_t rnd(void)
{
    /* splitmix64: deterministic test data */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static void rnd_bytes(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd();
}

static void hex32(uint8_t out[32], const char *hex)
{
    bv_status st;
    CU_ASSERT_FATAL(bv_hex_decode(out, 32, hex, &st) == BV_OK);
}

static const char *impls[] = {"openssl", "sha-ni"};

static int select_impl(const char *name)
{
    if (bv_sha256_select(name) != 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "the %s implementation is not available on this CPU", name);
        bv_cu_skip(msg);
        return 0;
    }
    return 1;
}

static void test_nist_vectors(void)
{
    static const struct {
        const char *msg;
        const char *digest;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
         "lmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    for (size_t k = 0; k < 2; k++) {
        if (!select_impl(impls[k]))
            continue;
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
            uint8_t want[32], got[32];
            hex32(want, v[i].digest);
            bv_sha256(got, v[i].msg, strlen(v[i].msg));
            CU_ASSERT_EQUAL(memcmp(want, got, 32), 0);
        }
        /* One million 'a' (FIPS 180-2 appendix B.3). */
        size_t n = 1000000;
        uint8_t *m = malloc(n);
        CU_ASSERT_FATAL(m != NULL);
        memset(m, 'a', n);
        uint8_t want[32], got[32];
        hex32(want, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        bv_sha256(got, m, n);
        CU_ASSERT_EQUAL(memcmp(want, got, 32), 0);
        free(m);
    }
    bv_sha256_select("auto");
}

static void test_random_messages_agree(void)
{
#if BV_HAVE_SHANI_BUILD
    if (!bv_sha256_shani_available()) {
        BV_SKIP("no SHA extensions on this CPU");
    }
    uint8_t buf[700];
    for (int iter = 0; iter < 2000; iter++) {
        size_t len = iter < 700 ? (size_t)iter : (size_t)(rnd() % sizeof buf);
        rnd_bytes(buf, len);
        uint8_t a[32], b[32];
        bv_sha256_openssl(a, buf, len);
        bv_sha256_shani(b, buf, len);
        CU_ASSERT_EQUAL(memcmp(a, b, 32), 0);
    }
    for (int iter = 0; iter < 2000; iter++) {
        uint8_t x[32], y[32], a[32], b[32];
        rnd_bytes(x, 32);
        rnd_bytes(y, 32);
        bv_sha256_pair_openssl(a, x, y);
        bv_sha256_pair_shani(b, x, y);
        CU_ASSERT_EQUAL(memcmp(a, b, 32), 0);
    }
#else
    BV_SKIP("not an x86 build");
#endif
}

static void test_pair_and_batch_forms(void)
{
    enum { N = 37 };
    uint8_t in[64 * N], copy[64 * N], want[32 * N], got[32 * N];
    for (size_t k = 0; k < 2; k++) {
        if (!select_impl(impls[k]))
            continue;
        rnd_bytes(in, sizeof in);
        for (size_t n = 0; n <= N; n++) {
            for (size_t i = 0; i < n; i++)
                bv_sha256(want + 32 * i, in + 64 * i, 64);
            bv_sha256_pairs(got, in, n);
            CU_ASSERT_EQUAL(memcmp(want, got, 32 * n), 0);
            /* in place: out == in, as level-by-level hashing does */
            memcpy(copy, in, sizeof in);
            bv_sha256_pairs(copy, copy, n);
            CU_ASSERT_EQUAL(memcmp(want, copy, 32 * n), 0);
        }
        for (size_t i = 0; i < N; i++) {
            uint8_t p[32];
            bv_sha256_pair(p, in + 64 * i, in + 64 * i + 32);
            CU_ASSERT_EQUAL(memcmp(p, want + 32 * i, 32), 0);
        }
        /* out aliasing a */
        uint8_t a[32], b[32], r[32];
        rnd_bytes(a, 32);
        rnd_bytes(b, 32);
        bv_sha256_pair(r, a, b);
        bv_sha256_pair(a, a, b);
        CU_ASSERT_EQUAL(memcmp(a, r, 32), 0);
    }
    bv_sha256_select("auto");
}

static void test_selection(void)
{
    CU_ASSERT_EQUAL(bv_sha256_select("openssl"), 0);
    CU_ASSERT_STRING_EQUAL(bv_sha256_impl(), "openssl");
    CU_ASSERT_EQUAL(bv_sha256_select("no-such-impl"), -1);
    CU_ASSERT_STRING_EQUAL(bv_sha256_impl(), "openssl");
    CU_ASSERT_EQUAL(bv_sha256_select("auto"), 0);
#if BV_HAVE_SHANI_BUILD
    if (bv_sha256_shani_available())
        CU_ASSERT_STRING_EQUAL(bv_sha256_impl(), "sha-ni");
#endif
}

static void register_suites(void)
{
    bv_cu_add_suite("sha256");
    bv_cu_add_test("NIST vectors, both back ends", test_nist_vectors);
    bv_cu_add_test("SHA-NI == OpenSSL on random messages", test_random_messages_agree);
    bv_cu_add_test("pair and batch forms (incl. in place)", test_pair_and_batch_forms);
    bv_cu_add_test("implementation selection", test_selection);
}

BV_CU_MAIN(register_suites)
