/* gl_vec.c - vector kernels over Goldilocks arrays; see gl_vec.h. */
#include "field/gl_vec.h"
#include "field/gl_avx512.h"

#include <pthread.h>
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

/* Index vectors for one radix-2 stage of half-size m = 2^s (s < 3) on 16
 * consecutive elements held in two vectors A (0..7) and B (8..15):
 * gx/gy gather the x (bit s clear) and y (bit s set) elements in order,
 * sa/sb scatter the results X', Y' back; twiddle lane i is tw[x_i mod m]. */
typedef struct {
    long long gx[8], gy[8], sa[8], sb[8];
    unsigned tw[8];
} small_stage;

static void small_stage_init(small_stage *st, unsigned s)
{
    unsigned m = 1u << s, nx = 0;
    int rank[16];
    for (unsigned k = 0; k < 16; k++)
        if (!(k & m)) {
            st->gx[nx] = k;
            st->gy[nx] = k + m;
            st->tw[nx] = k & (m - 1);
            rank[k] = rank[k + m] = (int)nx;
            nx++;
        }
    for (unsigned k = 0; k < 16; k++) {
        long long v = rank[k] + ((k & m) ? 8 : 0);
        if (k < 8)
            st->sa[k] = v;
        else
            st->sb[k - 8] = v;
    }
}

static small_stage stages[3];
static pthread_once_t stages_once = PTHREAD_ONCE_INIT;
static void stages_init(void)
{
    for (unsigned s = 0; s < 3; s++)
        small_stage_init(&stages[s], s);
}

#if defined(__x86_64__)
/* DIF stages 2, 1, 0 (or DIT 0, 1, 2) on every 16-element chunk of a[0..n),
 * n a multiple of 16. tw[s] is the twiddle table of stage s. */
BV_AVX512 static void small_avx512(gl_t *a, size_t n, const gl_t *const *tw, int dif)
{
    pthread_once(&stages_once, stages_init);
    __m512i gx[3], gy[3], sa[3], sb[3], w[3];
    for (int s = 0; s < 3; s++) {
        gx[s] = _mm512_loadu_si512((const void *)stages[s].gx);
        gy[s] = _mm512_loadu_si512((const void *)stages[s].gy);
        sa[s] = _mm512_loadu_si512((const void *)stages[s].sa);
        sb[s] = _mm512_loadu_si512((const void *)stages[s].sb);
        uint64_t t[8];
        for (int i = 0; i < 8; i++)
            t[i] = tw[s][stages[s].tw[i]];
        w[s] = _mm512_loadu_si512((const void *)t);
    }
    for (size_t off = 0; off < n; off += 16) {
        __m512i A = _mm512_loadu_si512((const void *)(a + off));
        __m512i B = _mm512_loadu_si512((const void *)(a + off + 8));
        for (int k = 0; k < 3; k++) {
            int s = dif ? 2 - k : k;
            __m512i X = _mm512_permutex2var_epi64(A, gx[s], B);
            __m512i Y = _mm512_permutex2var_epi64(A, gy[s], B);
            __m512i X2, Y2;
            if (dif) {
                X2 = gl8_add(X, Y);
                Y2 = gl8_mul(gl8_sub(X, Y), w[s]);
            } else {
                __m512i V = gl8_mul(Y, w[s]);
                X2 = gl8_add(X, V);
                Y2 = gl8_sub(X, V);
            }
            A = _mm512_permutex2var_epi64(X2, sa[s], Y2);
            B = _mm512_permutex2var_epi64(X2, sb[s], Y2);
        }
        _mm512_storeu_si512((void *)(a + off), A);
        _mm512_storeu_si512((void *)(a + off + 8), B);
    }
}
#endif

int gl_vec_small_stages(gl_t *a, size_t n, const gl_t *const *tw, int dif)
{
#if defined(__x86_64__)
    if (n >= 16 && n % 16 == 0 && gl_vec_have_avx512()) {
        small_avx512(a, n, tw, dif);
        return 1;
    }
#endif
    (void)a;
    (void)n;
    (void)tw;
    (void)dif;
    return 0;
}

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

#if defined(__x86_64__)
BV_AVX512 static void scale_powers_avx512(gl_t *a, size_t n, gl_t first, gl_t shift)
{
    uint64_t p[8];
    p[0] = first;
    for (int i = 1; i < 8; i++)
        p[i] = gl_mul(p[i - 1], shift);
    __m512i pw = _mm512_loadu_si512((const void *)p);
    __m512i step = _mm512_set1_epi64((long long)gl_exp_power_of_2(shift, 3)); /* shift^8 */
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m512i v = _mm512_loadu_si512((const void *)(a + j));
        _mm512_storeu_si512((void *)(a + j), gl8_mul(v, pw));
        pw = gl8_mul(pw, step);
    }
    _mm512_storeu_si512((void *)p, pw);
    for (size_t k = 0; j < n; j++, k++)
        a[j] = gl_mul(a[j], p[k]);
}
#endif

void gl_vec_scale_powers(gl_t *a, size_t n, gl_t first, gl_t shift)
{
#if defined(__x86_64__)
    if (gl_vec_have_avx512()) {
        scale_powers_avx512(a, n, first, shift);
        return;
    }
#endif
    gl_t p = first;
    for (size_t j = 0; j < n; j++) {
        a[j] = gl_mul(a[j], p);
        p = gl_mul(p, shift);
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
