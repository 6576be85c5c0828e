/*
 * util_hex.h - byte strings as hexadecimal text.
 *
 * Invariants:
 *  - Writers emit lower-case digits followed by a NUL; bv_hex_encode also
 *    writes a "0x" prefix, bv_hex_write none. The caller provides room for
 *    2·len + 1 (bv_hex_write) or 2·len + 3 (bv_hex_encode) characters.
 *  - Readers accept upper- and lower-case digits. bv_hex_read reads exactly
 *    2·n digits and stops at the first character that is not one (a NUL
 *    included), so it never reads past the end of a shorter string; length
 *    and prefix rules are the caller's. bv_hex_decode takes an optional
 *    0x/0X prefix and then exactly 2·outlen digits.
 */
#ifndef BALVERIFY_UTIL_HEX_H
#define BALVERIFY_UTIL_HEX_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/status.h"

/* The value 0..15 of a hex digit, -1 for any other character. */
int bv_hex_digit(int c);

/* 2·len lower-case digits and a NUL. */
void bv_hex_write(char *out, const uint8_t *in, size_t len);
/* "0x", 2·len lower-case digits and a NUL. */
void bv_hex_encode(char *out, const uint8_t *in, size_t len);

/* Exactly 2·n digits into n bytes: 0, or -1 with *bad (when not NULL) the
 * index of the first character that is not a digit. */
int bv_hex_read(uint8_t *out, const char *hex, size_t n, size_t *bad);
/* Optional 0x prefix, then exactly 2·outlen digits (BV_ERR_FORMAT with the
 * count or the position otherwise). */
bv_err bv_hex_decode(uint8_t *out, size_t outlen, const char *hex, bv_status *st);

#endif
