/* vanishing.c - the combined constraint V_c(x) of PROOF_SYSTEM.md 6.7, at a
 * base-field point (prover, on the quotient coset) and at zeta in K
 * (verifier). Both walk the same term list in the same order:
 *   boundary terms L_0(x)(Z_c'(x) - 1) for every repetition c',
 *   partial-product checks of every repetition (chunks of the quotient
 *   degree factor), then the selector-filtered gate-constraint slots;
 * and reduce it with each repetition's alpha (term 0 gets alpha^0). */
#include <string.h>

#include "field/gl_avx512.h"
#include "field/gl_vec.h"
#include "plonk_internal.h"
#include "vanishing.h"

size_t bv_vanishing_num_terms(const bv_common_data *cd)
{
    uint32_t nc = cd->config.num_challenges;
    return nc + (size_t)nc * (cd->num_partial_products + 1) + cd->num_gate_constraints;
}

size_t bv_vanishing_scratch_len(const bv_common_data *cd)
{
    return bv_vanishing_num_terms(cd) + cd->num_gate_constraints;
}

void bv_vanishing_base(const bv_common_data *cd, const bv_plonk_challenges *chl,
                       const bv_hash *pi_hash, gl_t x, gl_t l0, const gl_t *wires,
                       const gl_t *const_sig, const gl_t *zs, const gl_t *zs_next, const gl_t *pp,
                       gl_t *scratch, gl_t *out)
{
    uint32_t nc = cd->config.num_challenges, R = cd->config.num_routed_wires;
    uint32_t q = cd->quotient_degree_factor, npp = cd->num_partial_products;
    size_t nterms = bv_vanishing_num_terms(cd);
    gl_t *terms = scratch, *tmp = scratch + nterms;
    size_t t = 0;
    for (uint32_t c = 0; c < nc; c++)
        terms[t++] = gl_mul(l0, gl_sub(zs[c], 1));
    const gl_t *sigmas = const_sig + cd->num_constants;
    for (uint32_t c = 0; c < nc; c++) {
        gl_t beta = chl->beta[c], gamma = chl->gamma[c];
        gl_t bx = gl_mul(beta, x);
        for (uint32_t k = 0; k <= npp; k++) {
            gl_t num = 1, den = 1;
            for (uint32_t i = k * q; i < (k + 1) * q && i < R; i++) {
                gl_t wg = gl_add(wires[i], gamma);
                num = gl_mul(num, gl_add(wg, gl_mul(bx, cd->k_is[i])));
                den = gl_mul(den, gl_add(wg, gl_mul(beta, sigmas[i])));
            }
            gl_t prev = k == 0 ? zs[c] : pp[(size_t)c * npp + k - 1];
            gl_t next = k == npp ? zs_next[c] : pp[(size_t)c * npp + k];
            terms[t++] = gl_sub(gl_mul(prev, num), gl_mul(next, den));
        }
    }
    gl_t *gate = terms + t;
    memset(gate, 0, cd->num_gate_constraints * sizeof *gate);
    bv_eval_vars_base v = {wires, const_sig + cd->num_selectors, *pi_hash};
    for (uint32_t k = 0; k < cd->num_gates; k++) {
        const bv_gate *g = &cd->gates[k];
        gl_t f = bv_common_filter_base(cd, k, const_sig[cd->selector_index[k]]);
        if (f == 0)
            continue;
        uint32_t ncon = g->ops->num_constraints(g);
        g->ops->eval_base(g, &v, tmp);
        for (uint32_t j = 0; j < ncon; j++)
            gate[j] = gl_add(gate[j], gl_mul(f, tmp[j]));
    }
    for (uint32_t c = 0; c < nc; c++) {
        gl_t acc = 0, a = chl->alpha[c];
        for (size_t j = nterms; j-- > 0;)
            acc = gl_add(gl_mul(acc, a), terms[j]);
        out[c] = acc;
    }
}

/* ---- eight points at once (AVX-512) ----
 *
 * The same terms in the same order as bv_vanishing_base, one point per
 * vector lane: the points' rows are first transposed into point-minor
 * arrays (value j of point l at [8 * j + l]), then every step is the scalar
 * step on eight lanes. Field operations are exact, so the results equal the
 * scalar ones bit for bit. Gates with an eval_base_x8 evaluate all eight
 * points in one call; the others are evaluated point by point. */

int bv_vanishing_have_x8(void)
{
#if defined(__x86_64__)
    return gl_vec_have_avx512();
#else
    return 0;
#endif
}

size_t bv_vanishing_scratch_len_x8(const bv_common_data *cd)
{
    uint32_t nc = cd->config.num_challenges;
    size_t nzpp = (size_t)nc * (1 + cd->num_partial_products);
    size_t ncs = (size_t)cd->num_constants + cd->config.num_routed_wires;
    return 8 * ((size_t)cd->config.num_wires + ncs + nzpp + nc + bv_vanishing_num_terms(cd) +
                cd->num_gate_constraints) +
           cd->num_gate_constraints;
}

#if defined(__x86_64__)
BV_AVX512 static inline __m512i ld8(const gl_t *p, size_t j)
{
    return _mm512_loadu_si512((const void *)(p + 8 * j));
}

BV_AVX512 static inline void st8(gl_t *p, size_t j, __m512i v)
{
    _mm512_storeu_si512((void *)(p + 8 * j), v);
}

BV_AVX512 static inline __m512i bc8(gl_t c)
{
    return _mm512_set1_epi64((long long)c);
}

static void transpose_in(gl_t *dst, const gl_t *const *rows, size_t n)
{
    for (int l = 0; l < 8; l++) {
        const gl_t *r = rows[l];
        for (size_t j = 0; j < n; j++)
            dst[8 * j + l] = r[j];
    }
}

BV_AVX512 void bv_vanishing_base_x8(const bv_common_data *cd, const bv_plonk_challenges *chl,
                                    const bv_hash *pi_hash, const gl_t *x, const gl_t *l0,
                                    const gl_t *const *wires, const gl_t *const *const_sig,
                                    const gl_t *const *zs, const gl_t *const *zs_next,
                                    gl_t *scratch, gl_t *out)
{
    uint32_t nc = cd->config.num_challenges, R = cd->config.num_routed_wires;
    uint32_t q = cd->quotient_degree_factor, npp = cd->num_partial_products;
    uint32_t nw = cd->config.num_wires;
    size_t nzpp = (size_t)nc * (1 + npp), ncs = (size_t)cd->num_constants + R;
    size_t nterms = bv_vanishing_num_terms(cd), ngc = cd->num_gate_constraints;
    gl_t *w8 = scratch, *cs8 = w8 + 8 * (size_t)nw, *z8 = cs8 + 8 * ncs, *zn8 = z8 + 8 * nzpp;
    gl_t *terms = zn8 + 8 * (size_t)nc, *tmp8 = terms + 8 * nterms, *tmp1 = tmp8 + 8 * ngc;
    transpose_in(w8, wires, nw);
    transpose_in(cs8, const_sig, ncs);
    transpose_in(z8, zs, nzpp);
    transpose_in(zn8, zs_next, nc);

    __m512i xv = _mm512_loadu_si512((const void *)x), l0v = _mm512_loadu_si512((const void *)l0);
    size_t t = 0;
    for (uint32_t c = 0; c < nc; c++)
        st8(terms, t++, gl8_mul(l0v, gl8_sub(ld8(z8, c), bc8(1))));
    const gl_t *sig8 = cs8 + 8 * (size_t)cd->num_constants;
    const gl_t *pp8 = z8 + 8 * (size_t)nc;
    for (uint32_t c = 0; c < nc; c++) {
        __m512i beta = bc8(chl->beta[c]), gamma = bc8(chl->gamma[c]);
        __m512i bx = gl8_mul(beta, xv);
        for (uint32_t k = 0; k <= npp; k++) {
            __m512i num = bc8(1), den = bc8(1);
            for (uint32_t i = k * q; i < (k + 1) * q && i < R; i++) {
                __m512i wg = gl8_add(ld8(w8, i), gamma);
                num = gl8_mul(num, gl8_add(wg, gl8_mul(bx, bc8(cd->k_is[i]))));
                den = gl8_mul(den, gl8_add(wg, gl8_mul(beta, ld8(sig8, i))));
            }
            __m512i prev = k == 0 ? ld8(z8, c) : ld8(pp8, (size_t)c * npp + k - 1);
            __m512i next = k == npp ? ld8(zn8, c) : ld8(pp8, (size_t)c * npp + k);
            st8(terms, t++, gl8_sub(gl8_mul(prev, num), gl8_mul(next, den)));
        }
    }
    gl_t *gate = terms + 8 * t;
    memset(gate, 0, 8 * ngc * sizeof *gate);
    bv_eval_vars_base_x8 v8 = {w8, cs8 + 8 * (size_t)cd->num_selectors, *pi_hash};
    for (uint32_t k = 0; k < cd->num_gates; k++) {
        const bv_gate *g = &cd->gates[k];
        gl_t f[8];
        int any = 0;
        for (int l = 0; l < 8; l++) {
            f[l] = bv_common_filter_base(cd, k, const_sig[l][cd->selector_index[k]]);
            any |= f[l] != 0;
        }
        if (!any)
            continue;
        uint32_t ncon = g->ops->num_constraints(g);
        if (g->ops->eval_base_x8) {
            g->ops->eval_base_x8(g, &v8, tmp8);
        } else {
            for (int l = 0; l < 8; l++) {
                if (f[l] == 0) {
                    for (uint32_t j = 0; j < ncon; j++)
                        tmp8[8 * j + l] = 0;
                    continue;
                }
                bv_eval_vars_base v = {wires[l], const_sig[l] + cd->num_selectors, *pi_hash};
                g->ops->eval_base(g, &v, tmp1);
                for (uint32_t j = 0; j < ncon; j++)
                    tmp8[8 * j + l] = tmp1[j];
            }
        }
        __m512i fv = _mm512_loadu_si512((const void *)f);
        for (uint32_t j = 0; j < ncon; j++)
            st8(gate, j, gl8_add(ld8(gate, j), gl8_mul(fv, ld8(tmp8, j))));
    }
    for (uint32_t c = 0; c < nc; c++) {
        __m512i acc = _mm512_setzero_si512(), a = bc8(chl->alpha[c]);
        for (size_t j = nterms; j-- > 0;)
            acc = gl8_add(gl8_mul(acc, a), ld8(terms, j));
        st8(out, c, acc);
    }
}
#else
void bv_vanishing_base_x8(const bv_common_data *cd, const bv_plonk_challenges *chl,
                          const bv_hash *pi_hash, const gl_t *x, const gl_t *l0,
                          const gl_t *const *wires, const gl_t *const *const_sig,
                          const gl_t *const *zs, const gl_t *const *zs_next, gl_t *scratch,
                          gl_t *out)
{
    uint32_t nc = cd->config.num_challenges;
    gl_t v[8];
    for (int l = 0; l < 8; l++) {
        bv_vanishing_base(cd, chl, pi_hash, x[l], l0[l], wires[l], const_sig[l], zs[l], zs_next[l],
                          zs[l] + nc, scratch, v);
        for (uint32_t c = 0; c < nc; c++)
            out[8 * c + l] = v[c];
    }
}
#endif

void bv_vanishing_ext(const bv_common_data *cd, const bv_plonk_challenges *chl,
                      const bv_hash *pi_hash, gl_ext x, gl_ext l0, const gl_ext *wires,
                      const gl_ext *const_sig, const gl_ext *zs, const gl_ext *zs_next,
                      const gl_ext *pp, gl_ext *scratch, gl_ext *out)
{
    uint32_t nc = cd->config.num_challenges, R = cd->config.num_routed_wires;
    uint32_t q = cd->quotient_degree_factor, npp = cd->num_partial_products;
    size_t nterms = bv_vanishing_num_terms(cd);
    gl_ext *terms = scratch, *tmp = scratch + nterms;
    size_t t = 0;
    for (uint32_t c = 0; c < nc; c++)
        terms[t++] = gl_ext_mul(l0, gl_ext_sub(zs[c], gl_ext_one()));
    const gl_ext *sigmas = const_sig + cd->num_constants;
    for (uint32_t c = 0; c < nc; c++) {
        gl_t beta = chl->beta[c], gamma = chl->gamma[c];
        gl_ext bx = gl_ext_scalar_mul(x, beta);
        for (uint32_t k = 0; k <= npp; k++) {
            gl_ext num = gl_ext_one(), den = gl_ext_one();
            for (uint32_t i = k * q; i < (k + 1) * q && i < R; i++) {
                gl_ext wg = gl_ext_add_base(wires[i], gamma);
                num = gl_ext_mul(num, gl_ext_add(wg, gl_ext_scalar_mul(bx, cd->k_is[i])));
                den = gl_ext_mul(den, gl_ext_add(wg, gl_ext_scalar_mul(sigmas[i], beta)));
            }
            gl_ext prev = k == 0 ? zs[c] : pp[(size_t)c * npp + k - 1];
            gl_ext next = k == npp ? zs_next[c] : pp[(size_t)c * npp + k];
            terms[t++] = gl_ext_sub(gl_ext_mul(prev, num), gl_ext_mul(next, den));
        }
    }
    gl_ext *gate = terms + t;
    for (uint32_t j = 0; j < cd->num_gate_constraints; j++)
        gate[j] = gl_ext_zero();
    bv_eval_vars_ext v = {wires, const_sig + cd->num_selectors, *pi_hash};
    for (uint32_t k = 0; k < cd->num_gates; k++) {
        const bv_gate *g = &cd->gates[k];
        gl_ext f = bv_common_filter_ext(cd, k, const_sig[cd->selector_index[k]]);
        uint32_t ncon = g->ops->num_constraints(g);
        g->ops->eval_ext(g, &v, tmp);
        for (uint32_t j = 0; j < ncon; j++)
            gate[j] = gl_ext_add(gate[j], gl_ext_mul(f, tmp[j]));
    }
    for (uint32_t c = 0; c < nc; c++) {
        gl_ext acc = gl_ext_zero();
        gl_t a = chl->alpha[c];
        for (size_t j = nterms; j-- > 0;)
            acc = gl_ext_add(gl_ext_scalar_mul(acc, a), terms[j]);
        out[c] = acc;
    }
}
