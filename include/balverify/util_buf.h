/*
 * util_buf.h - a growable byte buffer (writers of files, JSON, HTTP bodies).
 *
 * Invariants:
 *  - A zeroed bv_buf (BV_BUF_INIT) is an empty buffer; bv_buf_free returns
 *    it to that state.
 *  - data[0..len) holds what was appended, in order, followed by a NUL byte
 *    whenever data is not NULL, so text appended to a buffer is a C string.
 *  - Capacity grows by doubling (from 4 KiB), so appending n bytes one by
 *    one costs O(n).
 *  - Running out of memory sets oom: from then on appends do nothing and
 *    bv_buf_extend returns NULL, so a writer checks once at the end
 *    (bv_buf_take returns NULL) instead of after every append.
 */
#ifndef BALVERIFY_UTIL_BUF_H
#define BALVERIFY_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/util_bytes.h"

typedef struct {
    uint8_t *data;
    size_t len, cap;
    int oom;
} bv_buf;

#define BV_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }

/* Capacity for at least `total` bytes (and the NUL): 0, or -1 (oom set). */
int bv_buf_reserve(bv_buf *b, size_t total);
/* Append n bytes left for the caller to fill: their address, or NULL when
 * out of memory. */
uint8_t *bv_buf_extend(bv_buf *b, size_t n);
void bv_buf_put(bv_buf *b, const void *p, size_t n);
void bv_buf_puts(bv_buf *b, const char *s);
void bv_buf_printf(bv_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The bytes (malloc'd, NUL-terminated, the caller frees them), leaving b
 * empty; NULL when the buffer ran out of memory (then freed) or is empty
 * and never allocated. */
uint8_t *bv_buf_take(bv_buf *b);
void bv_buf_free(bv_buf *b);

static inline void bv_buf_put_le32(bv_buf *b, uint32_t v)
{
    uint8_t *p = bv_buf_extend(b, 4);
    if (p)
        bv_put_le32(p, v);
}

static inline void bv_buf_put_le64(bv_buf *b, uint64_t v)
{
    uint8_t *p = bv_buf_extend(b, 8);
    if (p)
        bv_put_le64(p, v);
}

#endif
