/* hex.c - see include/balverify/util_hex.h */
#include "balverify/util_hex.h"

#include <string.h>

static const char digits[] = "0123456789abcdef";

int bv_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void bv_hex_write(char *out, const uint8_t *in, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * len] = '\0';
}

void bv_hex_encode(char *out, const uint8_t *in, size_t len)
{
    out[0] = '0';
    out[1] = 'x';
    bv_hex_write(out + 2, in, len);
}

int bv_hex_read(uint8_t *out, const char *hex, size_t n, size_t *bad)
{
    for (size_t i = 0; i < n; i++) {
        int hi = bv_hex_digit((unsigned char)hex[2 * i]);
        int lo = hi < 0 ? -1 : bv_hex_digit((unsigned char)hex[2 * i + 1]);
        if (lo < 0) {
            if (bad)
                *bad = 2 * i + (hi < 0 ? 0 : 1);
            return -1;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

bv_err bv_hex_decode(uint8_t *out, size_t outlen, const char *hex, bv_status *st)
{
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
        hex += 2;
    size_t len = strlen(hex);
    if (len != 2 * outlen)
        return bv_fail(st, BV_ERR_FORMAT, "hex string has %zu digits, expected %zu", len,
                       2 * outlen);
    size_t bad;
    if (bv_hex_read(out, hex, outlen, &bad))
        return bv_fail(st, BV_ERR_FORMAT, "bad hex digit at position %zu", bad);
    return BV_OK;
}
