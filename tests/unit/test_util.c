/* test_util.c - the small helpers of src/util: hex text (util_hex.h), byte
 * order (util_bytes.h), the growable buffer (util_buf.h) and clocks
 * (util_clock.h). */
#include "cu_main.h"

#include <unistd.h>

#include "balverify/util_buf.h"
#include "balverify/util_bytes.h"
#include "balverify/util_clock.h"
#include "balverify/util_hex.h"

/* ---------------------------------------------------------------- hex */

static void test_hex_write(void)
{
    const uint8_t b[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xcd, 0xef, 0xff};
    char s[2 * sizeof b + 3];
    memset(s, 'x', sizeof s);
    bv_hex_write(s, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(s, "00017f80abcdefff");
    bv_hex_encode(s, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(s, "0x00017f80abcdefff");
    bv_hex_write(s, b, 0);
    CU_ASSERT_STRING_EQUAL(s, "");
    bv_hex_encode(s, b, 0);
    CU_ASSERT_STRING_EQUAL(s, "0x");
}

static void test_hex_digit(void)
{
    int n = 0;
    for (int c = 0; c < 256; c++) {
        int d = bv_hex_digit(c);
        if (d < 0)
            continue;
        n++;
        CU_ASSERT(d < 16);
        CU_ASSERT_EQUAL(d, (c >= '0' && c <= '9') ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    CU_ASSERT_EQUAL(n, 22);
    CU_ASSERT_EQUAL(bv_hex_digit('g'), -1);
    CU_ASSERT_EQUAL(bv_hex_digit('x'), -1);
    CU_ASSERT_EQUAL(bv_hex_digit(-1), -1);
}

static void test_hex_read(void)
{
    uint8_t out[4] = {9, 9, 9, 9};
    size_t bad = 99;
    CU_ASSERT_EQUAL(bv_hex_read(out, "DEADbeef", 4, &bad), 0);
    CU_ASSERT(out[0] == 0xde && out[1] == 0xad && out[2] == 0xbe && out[3] == 0xef);
    CU_ASSERT_EQUAL(bad, 99);
    /* only 2n digits are read: what follows is the caller's business */
    CU_ASSERT_EQUAL(bv_hex_read(out, "0102zz", 2, NULL), 0);
    CU_ASSERT(out[0] == 1 && out[1] == 2);
    CU_ASSERT_EQUAL(bv_hex_read(out, "01g2", 2, &bad), -1);
    CU_ASSERT_EQUAL(bad, 2);
    CU_ASSERT_EQUAL(bv_hex_read(out, "012g", 2, &bad), -1);
    CU_ASSERT_EQUAL(bad, 3);
    /* a short string stops at its NUL (ASan checks nothing past it is read) */
    char *s = strdup("abc");
    CU_ASSERT_EQUAL(bv_hex_read(out, s, 4, &bad), -1);
    CU_ASSERT_EQUAL(bad, 3);
    s[2] = '\0';
    CU_ASSERT_EQUAL(bv_hex_read(out, s, 4, &bad), -1);
    CU_ASSERT_EQUAL(bad, 2);
    free(s);
    CU_ASSERT_EQUAL(bv_hex_read(out, "", 0, &bad), 0);
}

static void test_hex_decode(void)
{
    uint8_t out[4];
    bv_status st;
    bv_status_clear(&st);
    CU_ASSERT_EQUAL(bv_hex_decode(out, 4, "0xDEADbeef", &st), BV_OK);
    CU_ASSERT(out[0] == 0xde && out[3] == 0xef);
    CU_ASSERT_EQUAL(bv_hex_decode(out, 4, "0X01020304", &st), BV_OK);
    CU_ASSERT(out[0] == 1 && out[3] == 4);
    CU_ASSERT_EQUAL(bv_hex_decode(out, 4, "05060708", &st), BV_OK);
    CU_ASSERT(out[0] == 5 && out[3] == 8);
    CU_ASSERT_EQUAL(bv_hex_decode(out, 4, "0x0506070", &st), BV_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(st.msg, "hex string has 7 digits, expected 8");
    CU_ASSERT_EQUAL(bv_hex_decode(out, 4, "0x050607080", &st), BV_ERR_FORMAT);
    CU_ASSERT_EQUAL(bv_hex_decode(out, 4, "0x05060 08", &st), BV_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(st.msg, "bad hex digit at position 5");
    CU_ASSERT_EQUAL(bv_hex_decode(out, 4, "0x0x010203", &st), BV_ERR_FORMAT);
    CU_ASSERT_EQUAL(bv_hex_decode(out, 0, "0x", &st), BV_OK);
    /* round trip of every byte value */
    uint8_t all[256], back[256];
    char text[2 * 256 + 3];
    for (int i = 0; i < 256; i++)
        all[i] = (uint8_t)(255 - i);
    bv_hex_encode(text, all, 256);
    CU_ASSERT_EQUAL(bv_hex_decode(back, 256, text, &st), BV_OK);
    CU_ASSERT_EQUAL(memcmp(all, back, 256), 0);
    CU_ASSERT_EQUAL(bv_hex_decode(back, 256, text + 2, &st), BV_OK);
    CU_ASSERT_EQUAL(memcmp(all, back, 256), 0);
}

/* ---------------------------------------------------------------- bytes */

static void test_bytes(void)
{
    const uint8_t p[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
    CU_ASSERT_EQUAL(bv_le16(p), 0x2301);
    CU_ASSERT_EQUAL(bv_le32(p), 0x67452301u);
    CU_ASSERT_EQUAL(bv_le64(p), 0xefcdab8967452301ULL);
    CU_ASSERT_EQUAL(bv_be64(p), 0x0123456789abcdefULL);
    uint8_t q[10];
    memset(q, 0xee, sizeof q);
    bv_put_le64(q + 1, 0xefcdab8967452301ULL);
    CU_ASSERT_EQUAL(memcmp(q + 1, p, 8), 0);
    CU_ASSERT(q[0] == 0xee && q[9] == 0xee);
    bv_put_be64(q + 1, 0x0123456789abcdefULL);
    CU_ASSERT_EQUAL(memcmp(q + 1, p, 8), 0);
    CU_ASSERT(q[0] == 0xee && q[9] == 0xee);
    memset(q, 0xee, sizeof q);
    bv_put_le32(q + 1, 0x67452301u);
    CU_ASSERT_EQUAL(memcmp(q + 1, p, 4), 0);
    CU_ASSERT(q[0] == 0xee && q[5] == 0xee);
    bv_put_le16(q + 1, 0x2301);
    CU_ASSERT_EQUAL(memcmp(q + 1, p, 2), 0);
    CU_ASSERT(q[3] == 0x45);
    /* unaligned round trips of values with every byte distinct */
    uint8_t buf[24];
    for (uint64_t v = 1, k = 0; k < 64; k++, v = v * 0x9E3779B97F4A7C15ULL + k) {
        size_t off = (size_t)(k % 9);
        bv_put_le64(buf + off, v);
        CU_ASSERT_EQUAL(bv_le64(buf + off), v);
        CU_ASSERT_EQUAL(bv_be64(buf + off), __builtin_bswap64(v));
        bv_put_be64(buf + off, v);
        CU_ASSERT_EQUAL(bv_be64(buf + off), v);
        bv_put_le32(buf + off, (uint32_t)v);
        CU_ASSERT_EQUAL(bv_le32(buf + off), (uint32_t)v);
    }
}

/* ---------------------------------------------------------------- buffer */

static void test_buf_append(void)
{
    bv_buf b = BV_BUF_INIT;
    CU_ASSERT_PTR_NULL(b.data);
    bv_buf_puts(&b, "{");
    CU_ASSERT_EQUAL(b.len, 1);
    CU_ASSERT_STRING_EQUAL((char *)b.data, "{");
    bv_buf_printf(&b, "\"n\":%d,", 42);
    bv_buf_put(&b, "\"s\":\"", 5);
    bv_buf_put(&b, NULL, 0);
    /* a formatted piece longer than any fixed scratch buffer */
    char big[1000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    bv_buf_printf(&b, "%s\"}", big);
    CU_ASSERT_EQUAL(b.len, 1 + 7 + 5 + 999 + 2);
    CU_ASSERT_EQUAL(strlen((char *)b.data), b.len);
    CU_ASSERT_EQUAL(memcmp(b.data, "{\"n\":42,\"s\":\"aaa", 16), 0);
    CU_ASSERT_STRING_EQUAL((char *)b.data + b.len - 4, "aa\"}");
    CU_ASSERT_EQUAL(b.oom, 0);
    size_t len = b.len;
    char *s = (char *)bv_buf_take(&b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(strlen(s), len);
    CU_ASSERT(b.data == NULL && b.len == 0 && b.cap == 0);
    free(s);
    bv_buf_free(&b);
}

static void test_buf_growth(void)
{
    /* 1 MiB in pieces of every size, then compare with the expected bytes */
    bv_buf b = BV_BUF_INIT;
    uint8_t piece[97];
    size_t total = 0;
    for (unsigned k = 0; total < (1u << 20); k++) {
        size_t n = k % sizeof piece;
        for (size_t i = 0; i < n; i++)
            piece[i] = (uint8_t)(total + i);
        bv_buf_put(&b, piece, n);
        total += n;
        CU_ASSERT_FATAL(b.len == total && b.cap > b.len && b.data[b.len] == 0);
    }
    int ok = 1;
    for (size_t i = 0; i < total; i++)
        ok &= b.data[i] == (uint8_t)i;
    CU_ASSERT(ok);
    size_t cap = b.cap;
    CU_ASSERT(cap >= total + 1 && cap <= 2 * (total + 1));
    bv_buf_free(&b);
    CU_ASSERT(b.data == NULL && b.len == 0 && b.cap == 0 && b.oom == 0);

    /* reserve, then extend and little-endian writers */
    CU_ASSERT_EQUAL(bv_buf_reserve(&b, 100000), 0);
    CU_ASSERT(b.cap > 100000 && b.len == 0);
    uint8_t *data = b.data;
    uint8_t *p = bv_buf_extend(&b, 3);
    CU_ASSERT_PTR_EQUAL(p, data);
    memcpy(p, "abc", 3);
    bv_buf_put_le32(&b, 0x04030201u);
    bv_buf_put_le64(&b, 0x0c0b0a0908070605ULL);
    CU_ASSERT_PTR_EQUAL(b.data, data); /* no reallocation below the reserve */
    const uint8_t want[] = {'a', 'b', 'c', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0};
    CU_ASSERT_EQUAL(b.len, 15);
    CU_ASSERT_EQUAL(memcmp(b.data, want, 16), 0);
    bv_buf_free(&b);
}

static void test_buf_oom(void)
{
    /* a request that cannot be met sets oom; later appends do nothing and
     * take returns NULL */
    bv_buf b = BV_BUF_INIT;
    bv_buf_puts(&b, "kept until take");
    CU_ASSERT_PTR_NULL(bv_buf_extend(&b, SIZE_MAX - 4));
    CU_ASSERT_EQUAL(b.oom, 1);
    size_t len = b.len;
    bv_buf_puts(&b, "more");
    bv_buf_printf(&b, "%d", 5);
    CU_ASSERT_PTR_NULL(bv_buf_extend(&b, 1));
    CU_ASSERT_EQUAL(b.len, len);
    CU_ASSERT_EQUAL(bv_buf_reserve(&b, 10), -1);
    CU_ASSERT_PTR_NULL(bv_buf_take(&b));
    CU_ASSERT(b.data == NULL && b.oom == 0);
    /* the emptied buffer is usable again */
    bv_buf_puts(&b, "x");
    char *s = (char *)bv_buf_take(&b);
    CU_ASSERT_STRING_EQUAL(s, "x");
    free(s);
}

/* ---------------------------------------------------------------- clocks */

static void test_clocks(void)
{
    double t0 = bv_now_s();
    CU_ASSERT(t0 > 0);
    double prev = t0;
    int mono = 1;
    for (int i = 0; i < 100000; i++) {
        double t = bv_now_s();
        mono &= t >= prev;
        prev = t;
    }
    CU_ASSERT(mono);
    usleep(50000);
    double slept = bv_now_s() - t0;
    CU_ASSERT(slept >= 0.049 && slept < 5);
    /* CPU time: barely moves while sleeping, moves while computing */
    double c0 = bv_clock_s(CLOCK_PROCESS_CPUTIME_ID);
    double th0 = bv_clock_s(CLOCK_THREAD_CPUTIME_ID);
    usleep(50000);
    double c1 = bv_clock_s(CLOCK_PROCESS_CPUTIME_ID);
    CU_ASSERT(c1 >= c0 && c1 - c0 < 0.04);
    volatile uint64_t x = 1;
    double w0 = bv_now_s();
    while (bv_now_s() - w0 < 0.05)
        for (int i = 0; i < 1000; i++)
            x = x * 6364136223846793005ULL + 1;
    CU_ASSERT(bv_clock_s(CLOCK_PROCESS_CPUTIME_ID) - c1 > 0.005);
    CU_ASSERT(bv_clock_s(CLOCK_THREAD_CPUTIME_ID) - th0 > 0.005);
    CU_ASSERT_EQUAL(bv_clock_s((clockid_t)-99), 0);
}

static void register_suites(void)
{
    bv_cu_add_suite("util");
    bv_cu_add_test("hex: write and encode", test_hex_write);
    bv_cu_add_test("hex: digits", test_hex_digit);
    bv_cu_add_test("hex: read exactly 2n digits", test_hex_read);
    bv_cu_add_test("hex: decode with optional 0x", test_hex_decode);
    bv_cu_add_test("byte order: le16/32/64, be64", test_bytes);
    bv_cu_add_test("buffer: appends, printf, take", test_buf_append);
    bv_cu_add_test("buffer: growth, reserve, extend", test_buf_growth);
    bv_cu_add_test("buffer: out of memory is sticky", test_buf_oom);
    bv_cu_add_test("clocks: monotonic and CPU time", test_clocks);
}

BV_CU_MAIN(register_suites)
