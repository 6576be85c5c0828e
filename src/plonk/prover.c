/* prover.c - PLONK+FRI prover (see include/balverify/prover.h). */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/challenger.h"
#include "balverify/ntt.h"
#include "balverify/prover.h"
#include "plonk_internal.h"
#include "vanishing.h"

void bv_plonk_observe_prelude(bv_challenger *ch, const bv_fri_params *fp,
                              const bv_hash *circuit_digest, const bv_hash *pi_hash)
{
    bv_fri_observe_params(ch, fp);
    bv_challenger_observe_hash(ch, *circuit_digest);
    bv_challenger_observe_hash(ch, *pi_hash);
}

/* Z and partial-product values on H for every repetition (6.6), poly-major
 * in oracle order: Z_0..Z_{nc-1}, then pi_{c,1..npp} per repetition. */
static bv_err compute_zs_pp(const bv_circuit_data *d, const gl_t *trace,
                            const bv_plonk_challenges *chl, gl_t *out, bv_status *st)
{
    const bv_common_data *cd = &d->cd;
    uint32_t n = d->nrows, R = cd->config.num_routed_wires, nc = cd->config.num_challenges;
    uint32_t q = cd->quotient_degree_factor, npp = cd->num_partial_products, nch = npp + 1;
    const gl_t *sig = d->const_sigma_values + (size_t)cd->num_constants * n;
    gl_t omega = gl_root_of_unity(cd->degree_bits);
    gl_t *num = malloc((size_t)n * nch * sizeof *num);
    gl_t *den = malloc((size_t)n * nch * sizeof *den);
    gl_t *xs = malloc((size_t)n * sizeof *xs);
    bv_err e = BV_OK;
    if (!num || !den || !xs) {
        e = bv_fail(st, BV_ERR_NOMEM, "prover: out of memory");
        goto done;
    }
    xs[0] = 1;
    for (uint32_t r = 1; r < n; r++)
        xs[r] = gl_mul(xs[r - 1], omega);
    for (uint32_t c = 0; c < nc; c++) {
        gl_t beta = chl->beta[c], gamma = chl->gamma[c];
#pragma omp parallel for schedule(static)
        for (uint32_t r = 0; r < n; r++) {
            gl_t bx = gl_mul(beta, xs[r]);
            for (uint32_t k = 0; k < nch; k++) {
                gl_t nu = 1, de = 1;
                for (uint32_t i = k * q; i < (k + 1) * q && i < R; i++) {
                    gl_t wg = gl_add(trace[(size_t)i * n + r], gamma);
                    nu = gl_mul(nu, gl_add(wg, gl_mul(bx, cd->k_is[i])));
                    de = gl_mul(de, gl_add(wg, gl_mul(beta, sig[(size_t)i * n + r])));
                }
                num[(size_t)r * nch + k] = nu;
                den[(size_t)r * nch + k] = de;
            }
        }
        if (gl_batch_inv(den, den, (size_t)n * nch) != 0) {
            e = bv_fail(st, BV_ERR_VERIFY,
                        "prover: zero denominator in the permutation argument (retry with "
                        "another witness seed)");
            goto done;
        }
        gl_t *z = out + (size_t)c * n;
        gl_t *pp = out + ((size_t)nc + (size_t)c * npp) * n;
        gl_t cur = 1;
        for (uint32_t r = 0; r < n; r++) {
            z[r] = cur;
            for (uint32_t k = 0; k < nch; k++) {
                cur = gl_mul(cur, gl_mul(num[(size_t)r * nch + k], den[(size_t)r * nch + k]));
                if (k < npp)
                    pp[(size_t)k * n + r] = cur;
            }
        }
        if (cur != 1) {
            e = bv_fail(st, BV_ERR_VERIFY,
                        "prover: the witness breaks the copy constraints (permutation product "
                        "is not 1)");
            goto done;
        }
    }
done:
    free(num);
    free(den);
    free(xs);
    return e;
}

/* Quotient chunks' coefficients (nc * qf polynomials of n coefficients). */
static bv_err compute_quotient(const bv_circuit_data *d, const bv_polybatch *wb,
                               const bv_polybatch *zb, const bv_plonk_challenges *chl,
                               const bv_hash *pih, gl_t *out, bv_status *st)
{
    const bv_common_data *cd = &d->cd;
    uint32_t n = d->nrows, nc = cd->config.num_challenges, qf = cd->quotient_degree_factor;
    uint32_t rate = cd->config.fri.rate_bits, qbits = 0;
    while ((1u << qbits) < qf)
        qbits++;
    uint32_t logq = cd->degree_bits + qbits;
    size_t Nq = (size_t)1 << logq, N = (size_t)n << rate, step = (size_t)1 << (rate - qbits);
    gl_t g = GL_MULTIPLICATIVE_GENERATOR;
    gl_t *xs = malloc(Nq * sizeof *xs);
    gl_t *l0 = malloc(Nq * sizeof *l0);
    bv_err e = BV_OK;
    if (!xs || !l0) {
        e = bv_fail(st, BV_ERR_NOMEM, "prover: out of memory");
        goto done;
    }
    gl_t wq = gl_root_of_unity(logq);
    xs[0] = g;
    for (size_t i = 1; i < Nq; i++)
        xs[i] = gl_mul(xs[i - 1], wq);
    gl_t nf = n;
    for (size_t i = 0; i < Nq; i++)
        l0[i] = gl_mul(nf, gl_sub(xs[i], 1));
    if (gl_batch_inv(l0, l0, Nq) != 0) {
        e = bv_fail(st, BV_ERR_INTERNAL, "prover: coset point equals 1");
        goto done;
    }
    gl_t zh_inv[64];
    for (uint32_t j = 0; j < qf; j++)
        zh_inv[j] = gl_inv(gl_sub(gl_exp_power_of_2(xs[j], cd->degree_bits), 1));
    /* eight points per call where the CPU allows it (same values) */
    int x8 = bv_vanishing_have_x8() && Nq % 8 == 0;
    size_t scratch_len = x8 ? bv_vanishing_scratch_len_x8(cd) : bv_vanishing_scratch_len(cd);
    int oom = 0;
#pragma omp parallel
    {
        gl_t *scratch = malloc(scratch_len * sizeof *scratch);
        gl_t v[8 * 8];
        if (!scratch) {
#pragma omp atomic write
            oom = 1;
        }
        if (x8) {
#pragma omp for schedule(static)
            for (size_t b = 0; b < Nq / 8; b++) {
                if (!scratch)
                    continue;
                const gl_t *wr[8], *cs[8], *zr[8], *zn[8];
                gl_t x[8], l0i[8];
                for (size_t l = 0; l < 8; l++) {
                    size_t i = 8 * b + l, li = i * step, ni = (li + ((size_t)1 << rate)) & (N - 1);
                    wr[l] = bv_polybatch_lde_row(wb, li);
                    cs[l] = bv_polybatch_lde_row(d->const_sigma_batch, li);
                    zr[l] = bv_polybatch_lde_row(zb, li);
                    zn[l] = bv_polybatch_lde_row(zb, ni);
                    x[l] = xs[i];
                    l0i[l] = gl_mul(l0[i], gl_sub(gl_exp_power_of_2(xs[i], cd->degree_bits), 1));
                }
                bv_vanishing_base_x8(cd, chl, pih, x, l0i, wr, cs, zr, zn, scratch, v);
                for (size_t l = 0; l < 8; l++) {
                    size_t i = 8 * b + l;
                    for (uint32_t c = 0; c < nc; c++)
                        out[(size_t)c * Nq + i] = gl_mul(v[8 * c + l], zh_inv[i & (qf - 1)]);
                }
            }
        } else {
#pragma omp for schedule(static)
            for (size_t i = 0; i < Nq; i++) {
                if (!scratch)
                    continue;
                size_t li = i * step, ni = (li + ((size_t)1 << rate)) & (N - 1);
                const gl_t *wr = bv_polybatch_lde_row(wb, li);
                const gl_t *cs = bv_polybatch_lde_row(d->const_sigma_batch, li);
                const gl_t *zr = bv_polybatch_lde_row(zb, li);
                const gl_t *zn = bv_polybatch_lde_row(zb, ni);
                gl_t zh = zh_inv[i & (qf - 1)];
                gl_t l0i = gl_mul(l0[i], gl_sub(gl_exp_power_of_2(xs[i], cd->degree_bits), 1));
                bv_vanishing_base(cd, chl, pih, xs[i], l0i, wr, cs, zr, zn, zr + nc, scratch, v);
                for (uint32_t c = 0; c < nc; c++)
                    out[(size_t)c * Nq + i] = gl_mul(v[c], zh);
            }
        }
        free(scratch);
    }
    if (oom) {
        e = bv_fail(st, BV_ERR_NOMEM, "prover: out of memory");
        goto done;
    }
    for (uint32_t c = 0; c < nc && e == BV_OK; c++)
        e = bv_coset_ifft(out + (size_t)c * Nq, logq, g, st);
done:
    free(xs);
    free(l0);
    return e;
}

bv_err bv_prove(const bv_circuit_data *d, const bv_witness *w, bv_proof *out, bv_prove_timings *tm,
                bv_status *st)
{
    const bv_common_data *cd = &d->cd;
    uint32_t n = d->nrows, W = cd->config.num_wires, nc = cd->config.num_challenges;
    uint32_t rate = cd->config.fri.rate_bits, caph = cd->config.fri.cap_height;
    bv_prove_timings t = {0};
    double t0 = omp_get_wtime(), tp;
    bv_fri_params fp;
    bv_polybatch wb, zb, qb;
    memset(&wb, 0, sizeof wb);
    memset(&zb, 0, sizeof zb);
    memset(&qb, 0, sizeof qb);
    bv_plonk_instance inst;
    memset(&inst, 0, sizeof inst);
    gl_t *trace = NULL, *zpp = NULL, *quot = NULL;
    bv_err e = bv_plonk_fri_params(cd, &fp, st);
    if (e != BV_OK)
        return e;
    if (nc > 8)
        return bv_fail(st, BV_ERR_ARG, "prover: at most 8 challenges supported");
    e = bv_proof_alloc(out, cd, st);
    if (e != BV_OK)
        return e;
    e = bv_witness_public_inputs(w, out->public_inputs, st);
    if (e != BV_OK)
        goto fail;
    bv_hash pih = bv_poseidon_hash_no_pad(out->public_inputs, cd->num_public_inputs);

    /* wires */
    tp = omp_get_wtime();
    trace = malloc((size_t)W * n * sizeof *trace);
    gl_t **cols = malloc(W * sizeof *cols);
    if (!trace || !cols) {
        free(cols);
        e = bv_fail(st, BV_ERR_NOMEM, "prover: out of memory");
        goto fail;
    }
    for (uint32_t c = 0; c < W; c++)
        cols[c] = trace + (size_t)c * n;
    bv_witness_trace(w, cols);
    free(cols);
    e = bv_polybatch_from_values(&wb, trace, W, cd->degree_bits, rate, caph, st);
    if (e != BV_OK)
        goto fail;
    t.wires_commit = omp_get_wtime() - tp;

    bv_challenger ch;
    bv_challenger_init(&ch);
    bv_plonk_observe_prelude(&ch, &fp, &d->vd.circuit_digest, &pih);
    bv_challenger_observe_cap(&ch, bv_polybatch_cap(&wb), out->cap_len);
    bv_plonk_challenges chl;
    memset(&chl, 0, sizeof chl);
    bv_challenger_get_many(&ch, chl.beta, nc);
    bv_challenger_get_many(&ch, chl.gamma, nc);

    /* Z and partial products */
    tp = omp_get_wtime();
    size_t nzpp = (size_t)nc * (1 + cd->num_partial_products);
    zpp = malloc(nzpp * n * sizeof *zpp);
    if (!zpp) {
        e = bv_fail(st, BV_ERR_NOMEM, "prover: out of memory");
        goto fail;
    }
    e = compute_zs_pp(d, trace, &chl, zpp, st);
    if (e != BV_OK)
        goto fail;
    free(trace);
    trace = NULL;
    e = bv_polybatch_from_values(&zb, zpp, nzpp, cd->degree_bits, rate, caph, st);
    if (e != BV_OK)
        goto fail;
    free(zpp);
    zpp = NULL;
    t.zs_commit = omp_get_wtime() - tp;
    bv_challenger_observe_cap(&ch, bv_polybatch_cap(&zb), out->cap_len);
    bv_challenger_get_many(&ch, chl.alpha, nc);

    /* quotient */
    tp = omp_get_wtime();
    size_t nq = (size_t)nc * cd->quotient_degree_factor;
    quot = malloc(nq * n * sizeof *quot);
    if (!quot) {
        e = bv_fail(st, BV_ERR_NOMEM, "prover: out of memory");
        goto fail;
    }
    e = compute_quotient(d, &wb, &zb, &chl, &pih, quot, st);
    if (e != BV_OK)
        goto fail;
    t.quotient = omp_get_wtime() - tp;
    tp = omp_get_wtime();
    e = bv_polybatch_from_coeffs(&qb, quot, nq, cd->degree_bits, rate, caph, st);
    if (e != BV_OK)
        goto fail;
    free(quot);
    quot = NULL;
    t.quotient_commit = omp_get_wtime() - tp;
    bv_challenger_observe_cap(&ch, bv_polybatch_cap(&qb), out->cap_len);
    chl.zeta = bv_challenger_get_ext(&ch);
    gl_ext zn = chl.zeta;
    for (uint32_t i = 0; i < cd->degree_bits; i++)
        zn = gl_ext_sqr(zn);
    if (gl_ext_eq(zn, gl_ext_one())) {
        e = bv_fail(st, BV_ERR_INTERNAL, "prover: zeta lies in the trace subgroup");
        goto fail;
    }

    /* openings and FRI */
    tp = omp_get_wtime();
    e = bv_plonk_instance_init(&inst, cd, chl.zeta, st);
    if (e != BV_OK)
        goto fail;
    bv_polybatch *oracles[4] = {d->const_sigma_batch, &wb, &zb, &qb};
    e = bv_fri_compute_openings(oracles, &inst.inst, out->openings, st);
    if (e != BV_OK)
        goto fail;
    bv_challenger_observe_ext_many(&ch, out->openings, out->n_openings);
    t.openings = omp_get_wtime() - tp;
    tp = omp_get_wtime();
    bv_fri_proof_free(&out->fri);
    e = bv_fri_prove(&fp, oracles, &inst.inst, &ch, &out->fri, st);
    if (e != BV_OK)
        goto fail;
    t.fri = omp_get_wtime() - tp;
    memcpy(out->wires_cap, bv_polybatch_cap(&wb), out->cap_len * sizeof(bv_hash));
    memcpy(out->zs_pp_cap, bv_polybatch_cap(&zb), out->cap_len * sizeof(bv_hash));
    memcpy(out->quotient_cap, bv_polybatch_cap(&qb), out->cap_len * sizeof(bv_hash));
    bv_plonk_instance_free(&inst);
    bv_polybatch_free(&wb);
    bv_polybatch_free(&zb);
    bv_polybatch_free(&qb);
    t.total = omp_get_wtime() - t0;
    if (tm)
        *tm = t;
    return BV_OK;
fail:
    bv_plonk_instance_free(&inst);
    bv_polybatch_free(&wb);
    bv_polybatch_free(&zb);
    bv_polybatch_free(&qb);
    free(trace);
    free(zpp);
    free(quot);
    bv_proof_free(out);
    return e;
}
