/*
 * polybatch.c - committed polynomial batches; see include/balverify/polybatch.h.
 *
 * Each polynomial's LDE is computed directly in bit-reversed order (DIF, no
 * permutation pass) into a column, then columns are transposed into the
 * row-major leaf matrix the Merkle tree hashes.
 */
#include "balverify/polybatch.h"
#include "balverify/ntt.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

static bv_err check_shape(size_t n_polys, unsigned log_n, unsigned rate_bits, unsigned cap_height,
                          bv_status *st)
{
    if (n_polys == 0)
        return bv_fail(st, BV_ERR_ARG, "polynomial batch is empty");
    if (log_n + rate_bits > 32)
        return bv_fail(st, BV_ERR_ARG, "LDE of 2^%u rows exceeds 2^32", log_n + rate_bits);
    if (cap_height > log_n + rate_bits)
        return bv_fail(st, BV_ERR_ARG, "cap height %u exceeds LDE height %u", cap_height,
                       log_n + rate_bits);
    return BV_OK;
}

/* LDE of every polynomial, transposed into pb->lde. Polynomials are done in
 * groups (columns of one group at a time) so the transient column buffer
 * stays at GROUP LDEs instead of doubling the batch's memory. */
#define GROUP 16

static bv_err build_lde(bv_polybatch *pb, bv_status *st)
{
    size_t n = (size_t)1 << pb->log_n, big = bv_polybatch_lde_size(pb), np = pb->n_polys;
    unsigned lde_bits = pb->log_n + pb->rate_bits;
    size_t g = np < GROUP ? np : GROUP;
    gl_t *cols = malloc(g * big * sizeof *cols);
    pb->lde = malloc(np * big * sizeof *pb->lde);
    if (!cols || !pb->lde) {
        free(cols);
        return bv_fail(st, BV_ERR_NOMEM,
                       "out of memory for the LDE of %zu polynomials of 2^%u rows", np, lde_bits);
    }
    int err = 0;
    for (size_t p0 = 0; p0 < np && !err; p0 += g) {
        size_t cnt = np - p0 < g ? np - p0 : g;
        if (cnt >= (size_t)omp_get_max_threads() && cnt > 1) {
            /* one polynomial per thread; the transforms then run single-threaded */
#pragma omp parallel for schedule(dynamic, 1) reduction(| : err)
            for (size_t k = 0; k < cnt; k++)
                err |= bv_lde_rev(cols + k * big, pb->coeffs + (p0 + k) * n, pb->log_n,
                                  pb->rate_bits, NULL) != BV_OK;
        } else {
            for (size_t k = 0; k < cnt; k++)
                err |= bv_lde_rev(cols + k * big, pb->coeffs + (p0 + k) * n, pb->log_n,
                                  pb->rate_bits, NULL) != BV_OK;
        }
        /* scatter the group's columns into the rows, 64 rows at a time */
        const size_t TR = 64;
#pragma omp parallel for schedule(static) if (big >= 4096)
        for (size_t r0 = 0; r0 < big; r0 += TR) {
            size_t r1 = r0 + TR < big ? r0 + TR : big;
            for (size_t r = r0; r < r1; r++) {
                gl_t *row = pb->lde + r * np + p0;
                for (size_t k = 0; k < cnt; k++)
                    row[k] = cols[k * big + r];
            }
        }
    }
    free(cols);
    if (err)
        return bv_fail(st, BV_ERR_NOMEM, "LDE of a polynomial batch failed (out of memory)");
    return BV_OK;
}

bv_err bv_polybatch_from_coeffs(bv_polybatch *pb, const gl_t *coeffs, size_t n_polys,
                                unsigned log_n, unsigned rate_bits, unsigned cap_height,
                                bv_status *st)
{
    memset(pb, 0, sizeof *pb);
    bv_err e = check_shape(n_polys, log_n, rate_bits, cap_height, st);
    if (e)
        return e;
    size_t n = (size_t)1 << log_n;
    pb->n_polys = n_polys;
    pb->log_n = log_n;
    pb->rate_bits = rate_bits;
    pb->cap_height = cap_height;
    pb->coeffs = malloc(n_polys * n * sizeof *pb->coeffs);
    if (!pb->coeffs)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory for %zu polynomials of 2^%u coefficients",
                       n_polys, log_n);
    memcpy(pb->coeffs, coeffs, n_polys * n * sizeof *pb->coeffs);
    e = build_lde(pb, st);
    if (!e)
        e = bv_merkle_build(&pb->tree, pb->lde, log_n + rate_bits, n_polys, cap_height, st);
    if (e) {
        bv_polybatch_free(pb);
        return e;
    }
    return BV_OK;
}

bv_err bv_polybatch_from_values(bv_polybatch *pb, const gl_t *values, size_t n_polys,
                                unsigned log_n, unsigned rate_bits, unsigned cap_height,
                                bv_status *st)
{
    memset(pb, 0, sizeof *pb);
    bv_err e = check_shape(n_polys, log_n, rate_bits, cap_height, st);
    if (e)
        return e;
    size_t n = (size_t)1 << log_n;
    gl_t *c = malloc(n_polys * n * sizeof *c);
    if (!c)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory for %zu polynomials of 2^%u values",
                       n_polys, log_n);
    memcpy(c, values, n_polys * n * sizeof *c);
    int err = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(| : err) if (n_polys > 1)
    for (size_t p = 0; p < n_polys; p++)
        err |= bv_ifft(c + p * n, log_n, NULL) != BV_OK;
    if (err) {
        free(c);
        return bv_fail(st, BV_ERR_NOMEM, "interpolation of a polynomial batch failed");
    }
    e = bv_polybatch_from_coeffs(pb, c, n_polys, log_n, rate_bits, cap_height, st);
    free(c);
    return e;
}

void bv_polybatch_free(bv_polybatch *pb)
{
    free(pb->coeffs);
    free(pb->lde);
    bv_merkle_free(&pb->tree);
    memset(pb, 0, sizeof *pb);
}

const gl_t *bv_polybatch_lde_row(const bv_polybatch *pb, size_t i)
{
    return bv_polybatch_leaf(pb, bv_rev_bits(i, pb->log_n + pb->rate_bits));
}

gl_ext bv_polybatch_eval(const bv_polybatch *pb, size_t p, gl_ext z)
{
    size_t n = (size_t)1 << pb->log_n;
    const gl_t *c = pb->coeffs + p * n;
    gl_ext acc = gl_ext_zero();
    for (size_t j = n; j-- > 0;)
        acc = gl_ext_add_base(gl_ext_mul(acc, z), c[j]);
    return acc;
}

/* 2^128 mod p = p - 2^32 */
#define GL_2_128 (GL_P - 0x100000000ULL)

static gl_t finish(unsigned __int128 acc, uint64_t wraps)
{
    return gl_add(gl_reduce128(acc), gl_mul(gl_from_u64(wraps), GL_2_128));
}

/* sum_j c[j] * zpow[j] over K with c in F: two base-field dot products
 * accumulated in 128 bits (counting wraps past 2^128), reduced once */
gl_ext bv_polybatch_eval_powers(const bv_polybatch *pb, size_t p, const gl_ext *zpow)
{
    size_t n = (size_t)1 << pb->log_n;
    const gl_t *c = pb->coeffs + p * n;
    unsigned __int128 a0 = 0, a1 = 0;
    uint64_t w0 = 0, w1 = 0;
    for (size_t j = 0; j < n; j++) {
        unsigned __int128 p0 = (unsigned __int128)c[j] * zpow[j].c0;
        unsigned __int128 p1 = (unsigned __int128)c[j] * zpow[j].c1;
        a0 += p0;
        w0 += a0 < p0;
        a1 += p1;
        w1 += a1 < p1;
    }
    return gl_ext_make(finish(a0, w0), finish(a1, w1));
}

bv_err bv_polybatch_eval_all(const bv_polybatch *pb, gl_ext z, gl_ext *out, bv_status *st)
{
    size_t n = (size_t)1 << pb->log_n;
    gl_ext *zp = malloc(n * sizeof *zp);
    if (!zp)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory for 2^%u powers", pb->log_n);
    gl_ext cur = gl_ext_one();
    for (size_t j = 0; j < n; j++) {
        zp[j] = cur;
        cur = gl_ext_mul(cur, z);
    }
#pragma omp parallel for schedule(static) if (pb->n_polys >= 8)
    for (size_t p = 0; p < pb->n_polys; p++)
        out[p] = bv_polybatch_eval_powers(pb, p, zp);
    free(zp);
    return BV_OK;
}
