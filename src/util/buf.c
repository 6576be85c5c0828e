/* buf.c - see include/balverify/util_buf.h */
#include "balverify/util_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int bv_buf_reserve(bv_buf *b, size_t total)
{
    if (b->oom)
        return -1;
    if (total < b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap <= total) {
        if (cap > SIZE_MAX / 2) {
            b->oom = 1;
            return -1;
        }
        cap *= 2;
    }
    uint8_t *p = realloc(b->data, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

uint8_t *bv_buf_extend(bv_buf *b, size_t n)
{
    if (b->oom || n > SIZE_MAX - 1 - b->len || bv_buf_reserve(b, b->len + n)) {
        b->oom = 1;
        return NULL;
    }
    uint8_t *at = b->data + b->len;
    b->len += n;
    b->data[b->len] = '\0';
    return at;
}

void bv_buf_put(bv_buf *b, const void *p, size_t n)
{
    uint8_t *at = bv_buf_extend(b, n);
    if (at && n)
        memcpy(at, p, n);
}

void bv_buf_puts(bv_buf *b, const char *s)
{
    bv_buf_put(b, s, strlen(s));
}

void bv_buf_printf(bv_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    size_t len = b->len;
    uint8_t *at = bv_buf_extend(b, (size_t)n);
    if (!at)
        return;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + len, (size_t)n + 1, fmt, ap);
    va_end(ap);
}

uint8_t *bv_buf_take(bv_buf *b)
{
    uint8_t *p = b->oom ? NULL : b->data;
    if (b->oom)
        free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
    return p;
}

void bv_buf_free(bv_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}
