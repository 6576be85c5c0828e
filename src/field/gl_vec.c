/* gl_vec.c - vector kernels over Goldilocks arrays; see gl_vec.h. */
#include "field/gl_vec.h"
#include "field/gl_avx512.h"

#include <stdlib.h>

int gl_vec_have_avx512(void)
{
    static int cached = -1;
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
#if defined(__x86_64__)
        __builtin_cpu_init();
        const char *off = getenv("BV_NO_AVX512");
        v = __builtin_cpu_supports("avx512f") && !(off && off[0] == '1');
#else
        v = 0;
#endif
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
}

#if defined(__x86_64__)
BV_AVX512 static void dif_avx512(gl_t *x, gl_t *y, const gl_t *tw, size_t m)
{
    size_t j = 0;
    for (; j + 8 <= m; j += 8) {
        __m512i u = _mm512_loadu_si512((const void *)(x + j));
        __m512i v = _mm512_loadu_si512((const void *)(y + j));
        __m512i w = _mm512_loadu_si512((const void *)(tw + j));
        _mm512_storeu_si512((void *)(x + j), gl8_add(u, v));
        _mm512_storeu_si512((void *)(y + j), gl8_mul(gl8_sub(u, v), w));
    }
    for (; j < m; j++) {
        gl_t u = x[j], v = y[j];
        x[j] = gl_add(u, v);
        y[j] = gl_mul(gl_sub(u, v), tw[j]);
    }
}

BV_AVX512 static void dit_avx512(gl_t *x, gl_t *y, const gl_t *tw, size_t m)
{
    size_t j = 0;
    for (; j + 8 <= m; j += 8) {
        __m512i u = _mm512_loadu_si512((const void *)(x + j));
        __m512i v = _mm512_loadu_si512((const void *)(y + j));
        __m512i w = _mm512_loadu_si512((const void *)(tw + j));
        v = gl8_mul(v, w);
        _mm512_storeu_si512((void *)(x + j), gl8_add(u, v));
        _mm512_storeu_si512((void *)(y + j), gl8_sub(u, v));
    }
    for (; j < m; j++) {
        gl_t u = x[j], v = gl_mul(y[j], tw[j]);
        x[j] = gl_add(u, v);
        y[j] = gl_sub(u, v);
    }
}

BV_AVX512 static void mul_avx512(gl_t *a, const gl_t *b, size_t n)
{
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m512i u = _mm512_loadu_si512((const void *)(a + j));
        __m512i v = _mm512_loadu_si512((const void *)(b + j));
        _mm512_storeu_si512((void *)(a + j), gl8_mul(u, v));
    }
    for (; j < n; j++)
        a[j] = gl_mul(a[j], b[j]);
}
#endif

void gl_vec_dif_butterflies(gl_t *x, gl_t *y, const gl_t *tw, size_t m)
{
#if defined(__x86_64__)
    if (gl_vec_have_avx512()) {
        dif_avx512(x, y, tw, m);
        return;
    }
#endif
    for (size_t j = 0; j < m; j++) {
        gl_t u = x[j], v = y[j];
        x[j] = gl_add(u, v);
        y[j] = gl_mul(gl_sub(u, v), tw[j]);
    }
}

void gl_vec_dit_butterflies(gl_t *x, gl_t *y, const gl_t *tw, size_t m)
{
#if defined(__x86_64__)
    if (gl_vec_have_avx512()) {
        dit_avx512(x, y, tw, m);
        return;
    }
#endif
    for (size_t j = 0; j < m; j++) {
        gl_t u = x[j], v = gl_mul(y[j], tw[j]);
        x[j] = gl_add(u, v);
        y[j] = gl_sub(u, v);
    }
}

void gl_vec_mul(gl_t *a, const gl_t *b, size_t n)
{
#if defined(__x86_64__)
    if (gl_vec_have_avx512()) {
        mul_avx512(a, b, n);
        return;
    }
#endif
    for (size_t j = 0; j < n; j++)
        a[j] = gl_mul(a[j], b[j]);
}
