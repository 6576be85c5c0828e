/* vanishing.c - the combined constraint V_c(x) of PROOF_SYSTEM.md 6.7, at a
 * base-field point (prover, on the quotient coset) and at zeta in K
 * (verifier). Both walk the same term list in the same order:
 *   boundary terms L_0(x)(Z_c'(x) - 1) for every repetition c',
 *   partial-product checks of every repetition (chunks of the quotient
 *   degree factor), then the selector-filtered gate-constraint slots;
 * and reduce it with each repetition's alpha (term 0 gets alpha^0). */
#include <string.h>

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
