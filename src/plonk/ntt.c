/*
 * ntt.c - radix-2 NTTs over Goldilocks; see include/balverify/ntt.h.
 *
 * Two kernels cover every transform without extra permutations:
 *  - DIF (Gentleman-Sande): natural-order input -> bit-reversed output;
 *  - DIT (Cooley-Tukey):    bit-reversed input  -> natural-order output.
 * fft = bit_reverse + DIT; coset_fft_rev / lde_rev = scale + DIF (what a
 * commitment wants); ifft = fft + scaling + reversing entries 1..n-1
 * (v -> v[-i]), which avoids a second table of inverse twiddles.
 *
 * Twiddles: table s (stage with half-block m = 2^s) holds omega_{2m}^j for
 * j < m. Tables are built once per process on first use and never freed, so
 * concurrent transforms can share them without locking after publication.
 *
 * Large transforms run the big-stride stages over the whole array and then
 * finish each cache-sized block on its own (all remaining stages in cache);
 * both phases are split over OpenMP threads.
 */
#include "balverify/ntt.h"
#include "field/gl_vec.h"

#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LOG 32
/* 2^13 elements = 64 KiB: a block that stays in L2 for all of its stages */
#define BLOCK_LOG 13
/* below this many butterflies per stage, threads cost more than they save */
#define PAR_MIN_LOG 14

static gl_t *tw_tables[MAX_LOG]; /* published with release stores */
static pthread_mutex_t tw_lock = PTHREAD_MUTEX_INITIALIZER;

/* Tables 0..max_s inclusive; NULL on allocation failure. Tables are only
 * ever added (in increasing s), so seeing table max_s means all smaller ones
 * are complete. */
static gl_t *const *twiddles(unsigned max_s)
{
    if (__atomic_load_n(&tw_tables[max_s], __ATOMIC_ACQUIRE))
        return tw_tables;
    pthread_mutex_lock(&tw_lock);
    for (unsigned s = 0; s <= max_s; s++) {
        if (tw_tables[s])
            continue;
        size_t m = (size_t)1 << s;
        gl_t *t = malloc(m * sizeof *t);
        if (!t) {
            pthread_mutex_unlock(&tw_lock);
            return NULL;
        }
        if (s == 0) {
            t[0] = 1;
        } else {
            /* even entries come from the previous table, odd ones are
             * even * omega_{2m} */
            const gl_t *prev = tw_tables[s - 1];
            gl_t w = gl_root_of_unity(s + 1);
#pragma omp parallel for schedule(static) if (s >= PAR_MIN_LOG)
            for (size_t j = 0; j < m / 2; j++) {
                t[2 * j] = prev[j];
                t[2 * j + 1] = gl_mul(prev[j], w);
            }
        }
        __atomic_store_n(&tw_tables[s], t, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&tw_lock);
    return tw_tables;
}

/* Tile side for the blocked bit reversal: element (hi, mid, lo), with hi and
 * lo of TB bits, moves to (rev lo, rev mid, rev hi). Tiles of 2^TB x 2^TB
 * elements are gathered into a buffer and written back transposed, so every
 * memory access touches whole cache lines instead of one element each. */
#define TB 5

static void bit_reverse_blocked(gl_t *a, unsigned log_n)
{
    const size_t T = (size_t)1 << TB;
    unsigned mb = log_n - 2 * TB;
    size_t nmid = (size_t)1 << mb;
#pragma omp parallel for schedule(dynamic, 16) if (log_n >= 18)
    for (size_t mid = 0; mid < nmid; mid++) {
        size_t rmid = bv_rev_bits(mid, mb);
        if (rmid < mid)
            continue;
        gl_t ta[1 << (2 * TB)], tb[1 << (2 * TB)];
        /* gather tile(mid) and tile(rmid) */
        for (size_t hi = 0; hi < T; hi++) {
            const gl_t *ra = a + (hi << (mb + TB)) + (mid << TB);
            const gl_t *rb = a + (hi << (mb + TB)) + (rmid << TB);
            for (size_t lo = 0; lo < T; lo++) {
                ta[hi * T + lo] = ra[lo];
                tb[hi * T + lo] = rb[lo];
            }
        }
        /* (hi, mid, lo) -> (rev lo, rmid, rev hi) */
        for (size_t hi = 0; hi < T; hi++) {
            size_t rhi = bv_rev_bits(hi, TB);
            for (size_t lo = 0; lo < T; lo++) {
                size_t rlo = bv_rev_bits(lo, TB);
                a[(rlo << (mb + TB)) + (rmid << TB) + rhi] = ta[hi * T + lo];
                a[(rlo << (mb + TB)) + (mid << TB) + rhi] = tb[hi * T + lo];
            }
        }
    }
}

void bv_bit_reverse(gl_t *a, unsigned log_n)
{
    if (log_n >= 2 * TB + 2) {
        bit_reverse_blocked(a, log_n);
        return;
    }
    size_t n = (size_t)1 << log_n;
    for (size_t i = 0; i < n; i++) {
        size_t j = bv_rev_bits(i, log_n);
        if (i < j) {
            gl_t t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

void bv_bit_reverse_ext(gl_ext *a, unsigned log_n)
{
    size_t n = (size_t)1 << log_n;
#pragma omp parallel for schedule(static) if (log_n >= 16)
    for (size_t i = 0; i < n; i++) {
        size_t j = bv_rev_bits(i, log_n);
        if (i < j) {
            gl_ext t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

/* --------------------------------------------------------------- kernels */

/* One DIF stage on a block of 2m elements. */
static inline void dif_block(gl_t *a, size_t m, const gl_t *tw)
{
    if (m >= 8) {
        gl_vec_dif_butterflies(a, a + m, tw, m);
        return;
    }
    for (size_t j = 0; j < m; j++) {
        gl_t u = a[j], v = a[j + m];
        a[j] = gl_add(u, v);
        a[j + m] = gl_mul(gl_sub(u, v), tw[j]);
    }
}

static inline void dit_block(gl_t *a, size_t m, const gl_t *tw)
{
    if (m >= 8) {
        gl_vec_dit_butterflies(a, a + m, tw, m);
        return;
    }
    for (size_t j = 0; j < m; j++) {
        gl_t u = a[j], v = gl_mul(a[j + m], tw[j]);
        a[j] = gl_add(u, v);
        a[j + m] = gl_sub(u, v);
    }
}

/* All stages s = top-1 .. 0 of DIF on one block of 2^top elements. */
static void dif_local(gl_t *a, unsigned top, gl_t *const *tw)
{
    size_t n = (size_t)1 << top;
    unsigned low = 0;
    if (top >= 4) {
        for (unsigned s = top; s-- > 3;) {
            size_t m = (size_t)1 << s;
            for (size_t k = 0; k < n; k += 2 * m)
                dif_block(a + k, m, tw[s]);
        }
        if (gl_vec_small_stages(a, n, (const gl_t *const *)tw, 1))
            return;
        low = 3;
    }
    for (unsigned s = low ? low : top; s-- > 0;) {
        size_t m = (size_t)1 << s;
        for (size_t k = 0; k < n; k += 2 * m)
            dif_block(a + k, m, tw[s]);
    }
}

static void dit_local(gl_t *a, unsigned top, gl_t *const *tw)
{
    size_t n = (size_t)1 << top;
    unsigned first = 0;
    if (top >= 4 && gl_vec_small_stages(a, n, (const gl_t *const *)tw, 0))
        first = 3;
    for (unsigned s = first; s < top; s++) {
        size_t m = (size_t)1 << s;
        for (size_t k = 0; k < n; k += 2 * m)
            dit_block(a + k, m, tw[s]);
    }
}

/* A stage with half-block m over the whole array, threads splitting the
 * butterflies (chunks of whole rows of the stage). */
static void dif_stage_par(gl_t *a, unsigned log_n, unsigned s, const gl_t *tw)
{
    size_t n = (size_t)1 << log_n, m = (size_t)1 << s;
    size_t chunk = m < 1024 ? m : 1024;
    size_t nchunks = n / 2 / chunk;
#pragma omp parallel for schedule(static)
    for (size_t c = 0; c < nchunks; c++) {
        size_t t = c * chunk; /* butterfly index */
        size_t blk = t >> s, j = t & (m - 1);
        gl_t *base = a + blk * 2 * m + j;
        if (chunk >= 8)
            gl_vec_dif_butterflies(base, base + m, tw + j, chunk);
        else
            dif_block(base, m, tw);
    }
}

static void dit_stage_par(gl_t *a, unsigned log_n, unsigned s, const gl_t *tw)
{
    size_t n = (size_t)1 << log_n, m = (size_t)1 << s;
    size_t chunk = m < 1024 ? m : 1024;
    size_t nchunks = n / 2 / chunk;
#pragma omp parallel for schedule(static)
    for (size_t c = 0; c < nchunks; c++) {
        size_t t = c * chunk;
        size_t blk = t >> s, j = t & (m - 1);
        gl_t *base = a + blk * 2 * m + j;
        if (chunk >= 8)
            gl_vec_dit_butterflies(base, base + m, tw + j, chunk);
        else
            dit_block(base, m, tw);
    }
}

static bv_err dif(gl_t *a, unsigned log_n, bv_status *st)
{
    if (log_n == 0)
        return BV_OK;
    if (log_n > MAX_LOG)
        return bv_fail(st, BV_ERR_ARG, "NTT size 2^%u exceeds 2^32", log_n);
    gl_t *const *tw = twiddles(log_n - 1);
    if (!tw)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory for NTT twiddles (2^%u)", log_n);
    if (log_n <= BLOCK_LOG && log_n < PAR_MIN_LOG) {
        dif_local(a, log_n, tw);
        return BV_OK;
    }
    unsigned blk = log_n < BLOCK_LOG ? log_n : BLOCK_LOG;
    for (unsigned s = log_n; s-- > blk;)
        dif_stage_par(a, log_n, s, tw[s]);
    size_t nblocks = (size_t)1 << (log_n - blk);
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < nblocks; b++)
        dif_local(a + (b << blk), blk, tw);
    return BV_OK;
}

static bv_err dit(gl_t *a, unsigned log_n, bv_status *st)
{
    if (log_n == 0)
        return BV_OK;
    if (log_n > MAX_LOG)
        return bv_fail(st, BV_ERR_ARG, "NTT size 2^%u exceeds 2^32", log_n);
    gl_t *const *tw = twiddles(log_n - 1);
    if (!tw)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory for NTT twiddles (2^%u)", log_n);
    if (log_n <= BLOCK_LOG && log_n < PAR_MIN_LOG) {
        dit_local(a, log_n, tw);
        return BV_OK;
    }
    unsigned blk = log_n < BLOCK_LOG ? log_n : BLOCK_LOG;
    size_t nblocks = (size_t)1 << (log_n - blk);
#pragma omp parallel for schedule(static)
    for (size_t b = 0; b < nblocks; b++)
        dit_local(a + (b << blk), blk, tw);
    for (unsigned s = blk; s < log_n; s++)
        dit_stage_par(a, log_n, s, tw[s]);
    return BV_OK;
}

/* a[j] *= shift^j (parallel over chunks, each chunk starts from shift^start) */
static void scale_powers(gl_t *a, size_t n, gl_t shift)
{
    if (shift == 1)
        return;
    const size_t chunk = 4096;
    size_t nchunks = (n + chunk - 1) / chunk;
#pragma omp parallel for schedule(static) if (n >= ((size_t)1 << PAR_MIN_LOG))
    for (size_t c = 0; c < nchunks; c++) {
        size_t lo = c * chunk, hi = lo + chunk < n ? lo + chunk : n;
        gl_vec_scale_powers(a + lo, hi - lo, gl_pow(shift, lo), shift);
    }
}

/* ------------------------------------------------------------ public API */

bv_err bv_fft(gl_t *a, unsigned log_n, bv_status *st)
{
    if (log_n > MAX_LOG)
        return bv_fail(st, BV_ERR_ARG, "NTT size 2^%u exceeds 2^32", log_n);
    bv_bit_reverse(a, log_n);
    return dit(a, log_n, st);
}

bv_err bv_ifft(gl_t *a, unsigned log_n, bv_status *st)
{
    bv_err e = bv_fft(a, log_n, st);
    if (e)
        return e;
    size_t n = (size_t)1 << log_n;
    gl_t ninv = gl_inv(gl_from_u64(n));
    /* fft(v)[i] = n * c[-i mod n] */
    for (size_t i = 1; i < n - i; i++) {
        gl_t t = a[i];
        a[i] = a[n - i];
        a[n - i] = t;
    }
#pragma omp parallel for schedule(static) if (log_n >= 16)
    for (size_t i = 0; i < n; i++)
        a[i] = gl_mul(a[i], ninv);
    return BV_OK;
}

bv_err bv_coset_fft(gl_t *a, unsigned log_n, gl_t shift, bv_status *st)
{
    if (log_n > MAX_LOG)
        return bv_fail(st, BV_ERR_ARG, "NTT size 2^%u exceeds 2^32", log_n);
    scale_powers(a, (size_t)1 << log_n, shift);
    return bv_fft(a, log_n, st);
}

bv_err bv_coset_ifft(gl_t *a, unsigned log_n, gl_t shift, bv_status *st)
{
    if (shift == 0)
        return bv_fail(st, BV_ERR_ARG, "coset shift must be non-zero");
    bv_err e = bv_ifft(a, log_n, st);
    if (e)
        return e;
    scale_powers(a, (size_t)1 << log_n, gl_inv(shift));
    return BV_OK;
}

bv_err bv_coset_fft_rev(gl_t *a, unsigned log_n, gl_t shift, bv_status *st)
{
    if (log_n > MAX_LOG)
        return bv_fail(st, BV_ERR_ARG, "NTT size 2^%u exceeds 2^32", log_n);
    scale_powers(a, (size_t)1 << log_n, shift);
    return dif(a, log_n, st);
}

/*
 * LDE in bit-reversed order without transforming the zero padding: entry
 * b*n + j of the bit-reversed LDE is the point g * omega_N^rev_r(b) *
 * omega_n^rev(j), so block b (of 2^rate_bits blocks of n) is exactly the
 * bit-reversed coset FFT of the n coefficients with shift
 * z_b = g * omega_N^rev_r(b). The blocks are independent (threads take whole
 * blocks when there are enough of them) and the r DIF stages that would only
 * move zeros around disappear.
 */
bv_err bv_lde_rev(gl_t *out, const gl_t *coeffs, unsigned log_n, unsigned rate_bits, bv_status *st)
{
    if (log_n + rate_bits > MAX_LOG)
        return bv_fail(st, BV_ERR_ARG, "LDE size 2^%u exceeds 2^32", log_n + rate_bits);
    size_t n = (size_t)1 << log_n, nb = (size_t)1 << rate_bits;
    gl_t w = gl_root_of_unity(log_n + rate_bits);
    /* tables up front, so concurrent blocks only read them */
    if (log_n > 0 && !twiddles(log_n - 1))
        return bv_fail(st, BV_ERR_NOMEM, "out of memory for NTT twiddles (2^%u)", log_n);
    int err = 0;
    if (nb >= (size_t)omp_get_max_threads() && nb > 1) {
#pragma omp parallel for schedule(static) reduction(| : err)
        for (size_t b = 0; b < nb; b++) {
            gl_t z = gl_mul(GL_MULTIPLICATIVE_GENERATOR, gl_pow(w, bv_rev_bits(b, rate_bits)));
            memcpy(out + b * n, coeffs, n * sizeof *out);
            err |= bv_coset_fft_rev(out + b * n, log_n, z, NULL) != BV_OK;
        }
    } else {
        for (size_t b = 0; b < nb; b++) {
            gl_t z = gl_mul(GL_MULTIPLICATIVE_GENERATOR, gl_pow(w, bv_rev_bits(b, rate_bits)));
            memcpy(out + b * n, coeffs, n * sizeof *out);
            err |= bv_coset_fft_rev(out + b * n, log_n, z, NULL) != BV_OK;
        }
    }
    if (err)
        return bv_fail(st, BV_ERR_NOMEM, "LDE of 2^%u points failed", log_n + rate_bits);
    return BV_OK;
}

bv_err bv_lde(gl_t *out, const gl_t *coeffs, unsigned log_n, unsigned rate_bits, bv_status *st)
{
    bv_err e = bv_lde_rev(out, coeffs, log_n, rate_bits, st);
    if (e)
        return e;
    bv_bit_reverse(out, log_n + rate_bits);
    return BV_OK;
}

/* ------------------------------------------------------------- over K */

/* Split into the two coordinate vectors, transform each, merge back. */
static bv_err ext_apply(gl_ext *a, unsigned log_n, gl_t shift, int inverse, bv_status *st)
{
    if (log_n > MAX_LOG)
        return bv_fail(st, BV_ERR_ARG, "NTT size 2^%u exceeds 2^32", log_n);
    size_t n = (size_t)1 << log_n;
    gl_t *buf = malloc(2 * n * sizeof *buf);
    if (!buf)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory for an extension NTT of 2^%u", log_n);
    for (size_t i = 0; i < n; i++) {
        buf[i] = a[i].c0;
        buf[n + i] = a[i].c1;
    }
    bv_err e = BV_OK;
    for (int k = 0; k < 2 && !e; k++)
        e = inverse ? bv_ifft(buf + k * n, log_n, st) : bv_coset_fft(buf + k * n, log_n, shift, st);
    if (!e)
        for (size_t i = 0; i < n; i++)
            a[i] = gl_ext_make(buf[i], buf[n + i]);
    free(buf);
    return e;
}

bv_err bv_fft_ext(gl_ext *a, unsigned log_n, bv_status *st)
{
    return ext_apply(a, log_n, 1, 0, st);
}
bv_err bv_ifft_ext(gl_ext *a, unsigned log_n, bv_status *st)
{
    return ext_apply(a, log_n, 1, 1, st);
}
bv_err bv_coset_fft_ext(gl_ext *a, unsigned log_n, gl_t shift, bv_status *st)
{
    return ext_apply(a, log_n, shift, 0, st);
}
