/*
 * fri.c - FRI prover and verifier; see include/balverify/fri.h and
 * spec/PROOF_SYSTEM.md section 5.
 *
 * Prover outline: alpha -> combined quotient polynomial over K -> LDE on
 * g<omega_N> (bit-reversed) -> per reduction: Merkle tree over blocks of
 * 2^a consecutive bit-reversed values, observe cap, beta, fold coefficients,
 * re-evaluate on the shifted smaller coset -> final polynomial -> grinding
 * -> query openings.
 */
#include "balverify/fri.h"
#include "balverify/ntt.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ config */

bv_fri_config bv_fri_config_standard(void)
{
    bv_fri_config c = {.rate_bits = 3,
                       .cap_height = 4,
                       .proof_of_work_bits = 16,
                       .arity_bits = 4,
                       .final_poly_bits = 5,
                       .num_query_rounds = 28};
    return c;
}

bv_fri_config bv_fri_config_test(void)
{
    bv_fri_config c = bv_fri_config_standard();
    c.proof_of_work_bits = 8;
    c.num_query_rounds = 8;
    return c;
}

uint32_t bv_fri_conjectured_security_bits(const bv_fri_config *c)
{
    uint64_t b = (uint64_t)c->num_query_rounds * c->rate_bits + c->proof_of_work_bits;
    return b > 128 ? 128 : (uint32_t)b;
}

static bv_err check_config(const bv_fri_config *c, uint32_t degree_bits, bv_status *st)
{
    if (c->rate_bits < 1 || c->rate_bits > 8)
        return bv_fail(st, BV_ERR_ARG, "FRI rate_bits %u not in 1..8", c->rate_bits);
    if (c->arity_bits < 1 || c->arity_bits > 8)
        return bv_fail(st, BV_ERR_ARG, "FRI arity_bits %u not in 1..8", c->arity_bits);
    if (c->proof_of_work_bits > 63)
        return bv_fail(st, BV_ERR_ARG, "FRI proof_of_work_bits %u above 63", c->proof_of_work_bits);
    if (c->num_query_rounds < 1 || c->num_query_rounds > 1024)
        return bv_fail(st, BV_ERR_ARG, "FRI num_query_rounds %u not in 1..1024",
                       c->num_query_rounds);
    if (degree_bits > 32 || degree_bits + c->rate_bits > 32)
        return bv_fail(st, BV_ERR_ARG, "FRI LDE of 2^%u exceeds 2^32", degree_bits + c->rate_bits);
    if (c->cap_height > degree_bits + c->rate_bits)
        return bv_fail(st, BV_ERR_ARG, "FRI cap height %u exceeds LDE height %u", c->cap_height,
                       degree_bits + c->rate_bits);
    return BV_OK;
}

bv_err bv_fri_params_init(bv_fri_params *p, const bv_fri_config *c, uint32_t degree_bits,
                          bv_status *st)
{
    memset(p, 0, sizeof *p);
    bv_err e = check_config(c, degree_bits, st);
    if (e)
        return e;
    p->config = *c;
    p->degree_bits = degree_bits;
    uint32_t d = degree_bits;
    while (d > c->final_poly_bits && d + c->rate_bits >= c->arity_bits + c->cap_height &&
           d >= c->arity_bits && p->n_reductions < BV_FRI_MAX_REDUCTIONS) {
        p->reduction_arity_bits[p->n_reductions++] = c->arity_bits;
        d -= c->arity_bits;
    }
    return BV_OK;
}

bv_err bv_fri_params_check(const bv_fri_params *p, bv_status *st)
{
    bv_err e = check_config(&p->config, p->degree_bits, st);
    if (e)
        return e;
    if (p->n_reductions > BV_FRI_MAX_REDUCTIONS)
        return bv_fail(st, BV_ERR_ARG, "FRI has %u reductions (at most %d)", p->n_reductions,
                       BV_FRI_MAX_REDUCTIONS);
    uint32_t sum = 0;
    for (uint32_t i = 0; i < p->n_reductions; i++) {
        uint32_t a = p->reduction_arity_bits[i];
        if (a < 1 || a > 8)
            return bv_fail(st, BV_ERR_ARG, "FRI reduction %u has arity bits %u (1..8)", i, a);
        sum += a;
    }
    if (sum > p->degree_bits || p->degree_bits + p->config.rate_bits - sum < p->config.cap_height)
        return bv_fail(st, BV_ERR_ARG,
                       "FRI reductions (%u bits) do not fit degree 2^%u with cap height %u", sum,
                       p->degree_bits, p->config.cap_height);
    return BV_OK;
}

void bv_fri_observe_params(bv_challenger *ch, const bv_fri_params *p)
{
    const bv_fri_config *c = &p->config;
    gl_t v[] = {c->rate_bits,  c->cap_height,      c->proof_of_work_bits, 1,
                c->arity_bits, c->final_poly_bits, c->num_query_rounds,   0 /* hiding */,
                p->degree_bits};
    bv_challenger_observe_many(ch, v, sizeof v / sizeof v[0]);
    for (uint32_t i = 0; i < p->n_reductions; i++)
        bv_challenger_observe(ch, p->reduction_arity_bits[i]);
}

/* ---------------------------------------------------------- instance */

size_t bv_fri_instance_n_openings(const bv_fri_instance *inst)
{
    size_t n = 0;
    for (size_t b = 0; b < inst->n_batches; b++)
        n += inst->batches[b].n_polys;
    return n;
}

bv_err bv_fri_instance_check(const bv_fri_instance *inst, bv_status *st)
{
    if (inst->n_oracles < 1 || inst->n_oracles > BV_FRI_MAX_ORACLES)
        return bv_fail(st, BV_ERR_ARG, "FRI instance has %zu oracles (1..%d allowed)",
                       inst->n_oracles, BV_FRI_MAX_ORACLES);
    if (inst->n_batches < 1)
        return bv_fail(st, BV_ERR_ARG, "FRI instance has no opening batch");
    for (size_t o = 0; o < inst->n_oracles; o++)
        if (inst->oracle_widths[o] < 1 || inst->oracle_widths[o] > (1u << 20))
            return bv_fail(st, BV_ERR_ARG, "FRI oracle %zu has width %zu", o,
                           inst->oracle_widths[o]);
    for (size_t b = 0; b < inst->n_batches; b++) {
        const bv_fri_batch *ba = &inst->batches[b];
        if (ba->n_polys < 1)
            return bv_fail(st, BV_ERR_ARG, "FRI batch %zu opens no polynomial", b);
        for (size_t j = 0; j < ba->n_polys; j++) {
            bv_fri_poly_ref r = ba->polys[j];
            if (r.oracle >= inst->n_oracles || r.poly >= inst->oracle_widths[r.oracle])
                return bv_fail(st, BV_ERR_ARG,
                               "FRI batch %zu entry %zu refers to oracle %u poly %u (out of range)",
                               b, j, r.oracle, r.poly);
        }
    }
    return BV_OK;
}

bv_err bv_fri_compute_openings(bv_polybatch *const *oracles, const bv_fri_instance *inst,
                               gl_ext *out, bv_status *st)
{
    bv_err e = bv_fri_instance_check(inst, st);
    if (e)
        return e;
    size_t k = 0;
    for (size_t b = 0; b < inst->n_batches; b++) {
        const bv_fri_batch *ba = &inst->batches[b];
        unsigned log_n = oracles[ba->polys[0].oracle]->log_n;
        for (size_t j = 0; j < ba->n_polys; j++) {
            const bv_polybatch *pb = oracles[ba->polys[j].oracle];
            if (ba->polys[j].poly >= pb->n_polys)
                return bv_fail(st, BV_ERR_ARG, "FRI batch %zu refers past oracle %u's polynomials",
                               b, ba->polys[j].oracle);
            if (pb->log_n != log_n)
                return bv_fail(st, BV_ERR_ARG, "FRI batch %zu mixes polynomial sizes", b);
        }
        /* powers of the point once per batch, then one dot product per
         * polynomial */
        size_t n = (size_t)1 << log_n;
        gl_ext *zp = malloc(n * sizeof *zp);
        if (!zp)
            return bv_fail(st, BV_ERR_NOMEM, "out of memory for FRI openings");
        gl_ext cur = gl_ext_one();
        for (size_t j = 0; j < n; j++) {
            zp[j] = cur;
            cur = gl_ext_mul(cur, ba->point);
        }
#pragma omp parallel for schedule(dynamic, 4) if (ba->n_polys >= 8)
        for (size_t j = 0; j < ba->n_polys; j++)
            out[k + j] =
                bv_polybatch_eval_powers(oracles[ba->polys[j].oracle], ba->polys[j].poly, zp);
        free(zp);
        k += ba->n_polys;
    }
    return BV_OK;
}

/* ------------------------------------------------------------- proof */

static size_t sum_widths(const bv_fri_proof *pr)
{
    size_t s = 0;
    for (size_t o = 0; o < pr->n_oracles; o++)
        s += pr->oracle_widths[o];
    return s;
}

unsigned bv_fri_proof_step_n_sibs(const bv_fri_params *p, size_t step)
{
    unsigned s = 0;
    for (size_t i = 0; i <= step; i++)
        s += p->reduction_arity_bits[i];
    return bv_fri_lde_bits(p) - s - p->config.cap_height;
}

static unsigned init_n_sibs(const bv_fri_params *p)
{
    return bv_fri_lde_bits(p) - p->config.cap_height;
}

/* per-query totals of the step arrays */
static size_t step_evals_per_query(const bv_fri_params *p)
{
    size_t s = 0;
    for (uint32_t i = 0; i < p->n_reductions; i++)
        s += (size_t)1 << p->reduction_arity_bits[i];
    return s;
}
static size_t step_sibs_per_query(const bv_fri_params *p)
{
    size_t s = 0;
    for (uint32_t i = 0; i < p->n_reductions; i++)
        s += bv_fri_proof_step_n_sibs(p, i);
    return s;
}

gl_t *bv_fri_proof_leaf(const bv_fri_proof *pr, size_t q, size_t oracle)
{
    size_t off = q * sum_widths(pr);
    for (size_t o = 0; o < oracle; o++)
        off += pr->oracle_widths[o];
    return pr->init_leaves + off;
}

bv_hash *bv_fri_proof_leaf_sibs(const bv_fri_proof *pr, size_t q, size_t oracle)
{
    return pr->init_sibs + (q * pr->n_oracles + oracle) * init_n_sibs(&pr->params);
}

gl_ext *bv_fri_proof_step_evals(const bv_fri_proof *pr, size_t q, size_t step)
{
    size_t off = q * step_evals_per_query(&pr->params);
    for (size_t i = 0; i < step; i++)
        off += (size_t)1 << pr->params.reduction_arity_bits[i];
    return pr->step_evals + off;
}

bv_hash *bv_fri_proof_step_sibs(const bv_fri_proof *pr, size_t q, size_t step)
{
    size_t off = q * step_sibs_per_query(&pr->params);
    for (size_t i = 0; i < step; i++)
        off += bv_fri_proof_step_n_sibs(&pr->params, i);
    return pr->step_sibs + off;
}

void bv_fri_proof_free(bv_fri_proof *pr)
{
    free(pr->commit_caps);
    free(pr->init_leaves);
    free(pr->init_sibs);
    free(pr->step_evals);
    free(pr->step_sibs);
    free(pr->final_poly);
    memset(pr, 0, sizeof *pr);
}

bv_err bv_fri_proof_alloc(bv_fri_proof *pr, const bv_fri_params *p, const size_t *oracle_widths,
                          size_t n_oracles, bv_status *st)
{
    memset(pr, 0, sizeof *pr);
    bv_err e = bv_fri_params_check(p, st);
    if (e)
        return e;
    if (n_oracles < 1 || n_oracles > BV_FRI_MAX_ORACLES)
        return bv_fail(st, BV_ERR_ARG, "FRI proof with %zu oracles (1..%d allowed)", n_oracles,
                       BV_FRI_MAX_ORACLES);
    for (size_t o = 0; o < n_oracles; o++)
        if (oracle_widths[o] < 1 || oracle_widths[o] > (1u << 20))
            return bv_fail(st, BV_ERR_ARG, "FRI oracle %zu has width %zu", o, oracle_widths[o]);
    pr->params = *p;
    pr->n_oracles = n_oracles;
    memcpy(pr->oracle_widths, oracle_widths, n_oracles * sizeof *oracle_widths);
    size_t nq = p->config.num_query_rounds;
    pr->n_queries = nq;
    size_t cap = (size_t)1 << p->config.cap_height;
    pr->commit_caps = calloc(p->n_reductions * cap + 1, sizeof *pr->commit_caps);
    pr->init_leaves = calloc(nq * sum_widths(pr) + 1, sizeof *pr->init_leaves);
    pr->init_sibs = calloc(nq * n_oracles * init_n_sibs(p) + 1, sizeof *pr->init_sibs);
    pr->step_evals = calloc(nq * step_evals_per_query(p) + 1, sizeof *pr->step_evals);
    pr->step_sibs = calloc(nq * step_sibs_per_query(p) + 1, sizeof *pr->step_sibs);
    pr->final_poly = calloc(bv_fri_final_poly_len(p), sizeof *pr->final_poly);
    if (!pr->commit_caps || !pr->init_leaves || !pr->init_sibs || !pr->step_evals ||
        !pr->step_sibs || !pr->final_poly) {
        bv_fri_proof_free(pr);
        return bv_fail(st, BV_ERR_NOMEM, "out of memory for a FRI proof");
    }
    return BV_OK;
}

static int hashes_canonical(const bv_hash *h, size_t n, size_t *bad)
{
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 4; k++)
            if (h[i].e[k] >= GL_P) {
                *bad = i;
                return 0;
            }
    return 1;
}

static int ext_canonical(const gl_ext *v, size_t n, size_t *bad)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].c0 >= GL_P || v[i].c1 >= GL_P) {
            *bad = i;
            return 0;
        }
    return 1;
}

bv_err bv_fri_proof_check_canonical(const bv_fri_proof *pr, bv_status *st)
{
    const bv_fri_params *p = &pr->params;
    size_t nq = pr->n_queries, bad = 0;
    if (!pr->commit_caps || !pr->init_leaves || !pr->init_sibs || !pr->step_evals ||
        !pr->step_sibs || !pr->final_poly)
        return bv_fail(st, BV_ERR_FORMAT, "FRI proof: missing sections");
    if (!hashes_canonical(pr->commit_caps, (size_t)p->n_reductions << p->config.cap_height, &bad))
        return bv_fail(st, BV_ERR_FORMAT, "FRI proof: commit-phase cap digest %zu is not canonical",
                       bad);
    size_t nleaves = nq * sum_widths(pr);
    for (size_t i = 0; i < nleaves; i++)
        if (pr->init_leaves[i] >= GL_P)
            return bv_fail(st, BV_ERR_FORMAT, "FRI proof: initial leaf value %zu is not canonical",
                           i);
    if (!hashes_canonical(pr->init_sibs, nq * pr->n_oracles * init_n_sibs(p), &bad))
        return bv_fail(st, BV_ERR_FORMAT, "FRI proof: initial Merkle sibling %zu is not canonical",
                       bad);
    if (!ext_canonical(pr->step_evals, nq * step_evals_per_query(p), &bad))
        return bv_fail(st, BV_ERR_FORMAT, "FRI proof: folding-step value %zu is not canonical",
                       bad);
    if (!hashes_canonical(pr->step_sibs, nq * step_sibs_per_query(p), &bad))
        return bv_fail(st, BV_ERR_FORMAT,
                       "FRI proof: folding-step Merkle sibling %zu is not canonical", bad);
    if (!ext_canonical(pr->final_poly, bv_fri_final_poly_len(p), &bad))
        return bv_fail(st, BV_ERR_FORMAT,
                       "FRI proof: final-polynomial coefficient %zu is not canonical", bad);
    if (pr->pow_witness >= GL_P)
        return bv_fail(st, BV_ERR_FORMAT, "FRI proof: proof-of-work witness is not canonical");
    return BV_OK;
}

/* ------------------------------------------------------------ prover */

static bv_err check_oracles(const bv_fri_params *p, bv_polybatch *const *oracles,
                            const bv_fri_instance *inst, bv_status *st)
{
    for (size_t o = 0; o < inst->n_oracles; o++) {
        const bv_polybatch *pb = oracles[o];
        if (pb->log_n != p->degree_bits || pb->rate_bits != p->config.rate_bits ||
            pb->cap_height != p->config.cap_height)
            return bv_fail(st, BV_ERR_ARG,
                           "FRI oracle %zu has degree 2^%u, rate %u, cap %u; parameters want "
                           "2^%u, %u, %u",
                           o, pb->log_n, pb->rate_bits, pb->cap_height, p->degree_bits,
                           p->config.rate_bits, p->config.cap_height);
        if (pb->n_polys != inst->oracle_widths[o])
            return bv_fail(st, BV_ERR_ARG, "FRI oracle %zu has %zu polynomials, instance says %zu",
                           o, pb->n_polys, inst->oracle_widths[o]);
    }
    return BV_OK;
}

static inline gl_ext ext_mul_base(gl_ext a, gl_t b)
{
    return gl_ext_scalar_mul(a, b);
}

/* Fc = sum_b alpha^(later polys) * (G_b - G_b(z_b)) / (X - z_b), n coefficients */
static bv_err combined_poly(gl_ext *fc, size_t n, bv_polybatch *const *oracles,
                            const bv_fri_instance *inst, gl_ext alpha, bv_status *st)
{
    size_t maxm = 0;
    for (size_t b = 0; b < inst->n_batches; b++)
        if (inst->batches[b].n_polys > maxm)
            maxm = inst->batches[b].n_polys;
    gl_ext *g = malloc(n * sizeof *g), *pw = malloc((maxm + 1) * sizeof *pw);
    if (!g || !pw) {
        free(g);
        free(pw);
        return bv_fail(st, BV_ERR_NOMEM, "out of memory for the FRI combined polynomial");
    }
    memset(fc, 0, n * sizeof *fc);
    for (size_t b = 0; b < inst->n_batches; b++) {
        const bv_fri_batch *ba = &inst->batches[b];
        pw[0] = gl_ext_one();
        for (size_t j = 1; j <= ba->n_polys; j++)
            pw[j] = gl_ext_mul(pw[j - 1], alpha);
        /* G[i] = sum_j alpha^j f_j[i]; threads split the coefficient range */
        const size_t chunk = 1024;
        size_t nch = (n + chunk - 1) / chunk;
#pragma omp parallel for schedule(static) if (n >= 4096)
        for (size_t c = 0; c < nch; c++) {
            size_t lo = c * chunk, hi = lo + chunk < n ? lo + chunk : n;
            for (size_t i = lo; i < hi; i++)
                g[i] = gl_ext_zero();
            for (size_t j = 0; j < ba->n_polys; j++) {
                const bv_polybatch *pb = oracles[ba->polys[j].oracle];
                const gl_t *co = pb->coeffs + (size_t)ba->polys[j].poly * n;
                gl_ext a = pw[j];
                for (size_t i = lo; i < hi; i++)
                    g[i] = gl_ext_add(g[i], ext_mul_base(a, co[i]));
            }
        }
        /* synthetic division by (X - z): quotient q[i-1] = g[i] + z q[i];
         * the remainder (G(z)) is dropped, q padded with a zero on top */
        gl_ext z = ba->point, carry = gl_ext_zero();
        for (size_t i = n; i-- > 1;) {
            carry = gl_ext_add(g[i], gl_ext_mul(z, carry));
            g[i] = carry; /* temporarily q[i-1] stored at g[i] */
        }
        /* fc = alpha^m * fc + q, with q[i] = g[i+1], q[n-1] = 0 */
        gl_ext am = pw[ba->n_polys];
        for (size_t i = 0; i < n; i++) {
            gl_ext q = i + 1 < n ? g[i + 1] : gl_ext_zero();
            fc[i] = gl_ext_add(gl_ext_mul(fc[i], am), q);
        }
    }
    free(g);
    free(pw);
    return BV_OK;
}

/* values (bit-reversed order) of the ext polynomial with coefficients c on
 * shift*<omega_size>: two base transforms */
static bv_err ext_coset_fft_rev(const gl_ext *c, size_t size, unsigned log_size, gl_t shift,
                                gl_t *re, gl_t *im, bv_status *st)
{
    for (size_t i = 0; i < size; i++) {
        re[i] = c[i].c0;
        im[i] = c[i].c1;
    }
    bv_err e = bv_coset_fft_rev(re, log_size, shift, st);
    if (!e)
        e = bv_coset_fft_rev(im, log_size, shift, st);
    return e;
}

/* Smallest w >= 0 whose response has >= bits leading zeros.
 *
 * One parallel region for the whole search: a region per batch of candidates
 * costs a fork/join each time, which on busy cores dominates the search.
 * Thread t takes blocks t, t + nt, t + 2 nt, ... in increasing order and stops
 * once its next block starts at or past the best hit so far; every block below
 * the final best is therefore searched, so the answer is the global minimum
 * and proofs do not depend on the thread count. */
static gl_t grind(const bv_challenger *ch, unsigned bits)
{
    if (bits == 0)
        return 0;
    enum { B = 64 };
    int nt = omp_get_max_threads();
    gl_t base_state[BV_POSEIDON_WIDTH];
    unsigned lane;
    bv_challenger_state_with(ch, 0, base_state, &lane);
    uint64_t limit = bits >= 64 ? 0 : (1ULL << (64 - bits)); /* response < limit */
    uint64_t best = UINT64_MAX;
#pragma omp parallel num_threads(nt)
    {
        int t = omp_get_thread_num();
        int nth = omp_get_num_threads();
        gl_t st[B * BV_POSEIDON_WIDTH];
        for (uint64_t blk = (uint64_t)t;; blk += (uint64_t)nth) {
            uint64_t start = blk * B;
            if (start >= __atomic_load_n(&best, __ATOMIC_RELAXED))
                break;
            for (int i = 0; i < B; i++) {
                memcpy(st + i * BV_POSEIDON_WIDTH, base_state, sizeof base_state);
                st[i * BV_POSEIDON_WIDTH + lane] = start + (uint64_t)i;
            }
            bv_poseidon_permute_many(st, B);
            for (int i = 0; i < B; i++)
                if (st[i * BV_POSEIDON_WIDTH + 7] < limit) {
                    uint64_t hit = start + (uint64_t)i;
                    uint64_t cur = __atomic_load_n(&best, __ATOMIC_RELAXED);
                    while (hit < cur &&
                           !__atomic_compare_exchange_n(&best, &cur, hit, 0, __ATOMIC_RELAXED,
                                                        __ATOMIC_RELAXED))
                        ;
                    break;
                }
        }
    }
    return best;
}

bv_err bv_fri_prove(const bv_fri_params *params, bv_polybatch *const *oracles,
                    const bv_fri_instance *inst, bv_challenger *ch, bv_fri_proof *out,
                    bv_status *st)
{
    memset(out, 0, sizeof *out);
    bv_err e = bv_fri_params_check(params, st);
    if (!e)
        e = bv_fri_instance_check(inst, st);
    if (!e)
        e = check_oracles(params, oracles, inst, st);
    if (e)
        return e;
    const bv_fri_config *cfg = &params->config;
    unsigned lde_bits = bv_fri_lde_bits(params);
    size_t n = (size_t)1 << params->degree_bits, big = (size_t)1 << lde_bits;
    uint32_t nr = params->n_reductions;

    e = bv_fri_proof_alloc(out, params, inst->oracle_widths, inst->n_oracles, st);
    if (e)
        return e;

    gl_ext *coeffs = calloc(big, sizeof *coeffs);
    gl_t *re = malloc(big * sizeof *re), *im = malloc(big * sizeof *im);
    gl_t *leaves[BV_FRI_MAX_REDUCTIONS] = {0};
    bv_merkle_tree trees[BV_FRI_MAX_REDUCTIONS];
    memset(trees, 0, sizeof trees);
    if (!coeffs || !re || !im) {
        e = bv_fail(st, BV_ERR_NOMEM, "out of memory for FRI over 2^%u points", lde_bits);
        goto done;
    }

    gl_ext alpha = bv_challenger_get_ext(ch);
    e = combined_poly(coeffs, n, oracles, inst, alpha, st);
    if (e)
        goto done;

    /* commit phase */
    gl_t shift = GL_MULTIPLICATIVE_GENERATOR;
    size_t size = big;
    unsigned log_size = lde_bits;
    for (uint32_t i = 0; i < nr; i++) {
        unsigned a = params->reduction_arity_bits[i];
        size_t A = (size_t)1 << a;
        e = ext_coset_fft_rev(coeffs, size, log_size, shift, re, im, st);
        if (e)
            goto done;
        /* leaf k = bit-reversed values k*A .. k*A + A, flattened (re, im) */
        leaves[i] = malloc(2 * size * sizeof(gl_t));
        if (!leaves[i]) {
            e = bv_fail(st, BV_ERR_NOMEM, "out of memory for FRI layer %u", i);
            goto done;
        }
        for (size_t j = 0; j < size; j++) {
            leaves[i][2 * j] = re[j];
            leaves[i][2 * j + 1] = im[j];
        }
        e = bv_merkle_build(&trees[i], leaves[i], log_size - a, 2 * A, cfg->cap_height, st);
        if (e)
            goto done;
        memcpy(out->commit_caps + i * ((size_t)1 << cfg->cap_height), bv_merkle_cap(&trees[i]),
               sizeof(bv_hash) << cfg->cap_height);
        bv_challenger_observe_cap(ch, bv_merkle_cap(&trees[i]), bv_merkle_cap_len(&trees[i]));
        gl_ext beta = bv_challenger_get_ext(ch);
        /* fold: c'[k] = sum_j beta^j c[k*A + j] (Horner from the top) */
        size_t nsize = size >> a;
        for (size_t k = 0; k < nsize; k++) {
            gl_ext acc = gl_ext_zero();
            for (size_t j = A; j-- > 0;)
                acc = gl_ext_add(gl_ext_mul(acc, beta), coeffs[k * A + j]);
            coeffs[k] = acc;
        }
        size = nsize;
        log_size -= a;
        shift = gl_pow(shift, A);
    }
    /* final polynomial: the top (1 - 2^-rate) coefficients are zero for an
     * honest prover and are dropped */
    size_t flen = bv_fri_final_poly_len(params);
    if (flen != size >> cfg->rate_bits) {
        e = bv_fail(st, BV_ERR_INTERNAL, "FRI final polynomial length mismatch");
        goto done;
    }
    for (size_t j = flen; j < size; j++)
        if (!gl_ext_is_zero(coeffs[j])) {
            e = bv_fail(st, BV_ERR_INTERNAL, "FRI folded polynomial exceeds the final length 2^%u",
                        (unsigned)(params->degree_bits));
            goto done;
        }
    memcpy(out->final_poly, coeffs, flen * sizeof *coeffs);
    bv_challenger_observe_ext_many(ch, out->final_poly, flen);

    /* proof of work */
    out->pow_witness = grind(ch, cfg->proof_of_work_bits);
    bv_challenger_observe(ch, out->pow_witness);
    (void)bv_challenger_get(ch);

    /* queries */
    for (size_t q = 0; q < out->n_queries; q++) {
        size_t idx = (size_t)(bv_challenger_get(ch) & (big - 1));
        for (size_t o = 0; o < inst->n_oracles; o++) {
            memcpy(bv_fri_proof_leaf(out, q, o), bv_polybatch_leaf(oracles[o], idx),
                   inst->oracle_widths[o] * sizeof(gl_t));
            bv_polybatch_prove(oracles[o], idx, bv_fri_proof_leaf_sibs(out, q, o));
        }
        for (uint32_t i = 0; i < nr; i++) {
            unsigned a = params->reduction_arity_bits[i];
            size_t A = (size_t)1 << a, coset = idx >> a;
            const gl_t *lf = leaves[i] + coset * 2 * A;
            gl_ext *ev = bv_fri_proof_step_evals(out, q, i);
            for (size_t j = 0; j < A; j++)
                ev[j] = gl_ext_make(lf[2 * j], lf[2 * j + 1]);
            bv_merkle_prove(&trees[i], coset, bv_fri_proof_step_sibs(out, q, i));
            idx = coset;
        }
    }

done:
    for (uint32_t i = 0; i < nr; i++) {
        free(leaves[i]);
        bv_merkle_free(&trees[i]);
    }
    free(coeffs);
    free(re);
    free(im);
    if (e)
        bv_fri_proof_free(out);
    return e;
}

/* ---------------------------------------------------------- verifier */

/* Value at beta of the polynomial of degree < A through (c*w^j, v[j]),
 * w = root(a): Z(beta)/(A c^A) * sum_j v[j] x_j / (beta - x_j). */
static gl_ext interpolate_coset(const gl_ext *v, unsigned a, gl_t c, gl_ext beta)
{
    size_t A = (size_t)1 << a;
    gl_ext den[256], inv[256];
    gl_t x[256];
    gl_t w = gl_root_of_unity(a);
    x[0] = c;
    for (size_t j = 1; j < A; j++)
        x[j] = gl_mul(x[j - 1], w);
    for (size_t j = 0; j < A; j++) {
        den[j] = gl_ext_sub(beta, gl_ext_from_base(x[j]));
        if (gl_ext_is_zero(den[j]))
            return v[j]; /* beta is a node (negligible probability) */
    }
    gl_ext_batch_inv(inv, den, A);
    gl_ext sum = gl_ext_zero();
    for (size_t j = 0; j < A; j++)
        sum = gl_ext_add(sum, gl_ext_scalar_mul(gl_ext_mul(v[j], inv[j]), x[j]));
    gl_t cA = gl_pow(c, A);
    gl_ext z = gl_ext_sub(gl_ext_pow(beta, A), gl_ext_from_base(cA));
    gl_t k = gl_inv(gl_mul(gl_from_u64(A), cA));
    return gl_ext_scalar_mul(gl_ext_mul(z, sum), k);
}

static int params_equal(const bv_fri_params *a, const bv_fri_params *b)
{
    if (memcmp(&a->config, &b->config, sizeof a->config) || a->degree_bits != b->degree_bits ||
        a->n_reductions != b->n_reductions)
        return 0;
    for (uint32_t i = 0; i < a->n_reductions; i++)
        if (a->reduction_arity_bits[i] != b->reduction_arity_bits[i])
            return 0;
    return 1;
}

bv_err bv_fri_verify(const bv_fri_params *params, const bv_hash *const *caps,
                     const bv_fri_instance *inst, const gl_ext *openings, const bv_fri_proof *proof,
                     bv_challenger *ch, bv_status *st)
{
    bv_err e = bv_fri_params_check(params, st);
    if (!e)
        e = bv_fri_instance_check(inst, st);
    if (e)
        return e;
    const bv_fri_config *cfg = &params->config;
    /* shape */
    if (!params_equal(params, &proof->params))
        return bv_fail(st, BV_ERR_VERIFY, "FRI proof shape: parameters differ from the verifier's");
    if (proof->n_oracles != inst->n_oracles)
        return bv_fail(st, BV_ERR_VERIFY, "FRI proof shape: %zu oracles, expected %zu",
                       proof->n_oracles, inst->n_oracles);
    for (size_t o = 0; o < inst->n_oracles; o++)
        if (proof->oracle_widths[o] != inst->oracle_widths[o])
            return bv_fail(st, BV_ERR_VERIFY,
                           "FRI proof shape: oracle %zu has width %zu, expected %zu", o,
                           proof->oracle_widths[o], inst->oracle_widths[o]);
    if (proof->n_queries != cfg->num_query_rounds)
        return bv_fail(st, BV_ERR_VERIFY, "FRI proof shape: %zu query rounds, expected %u",
                       proof->n_queries, cfg->num_query_rounds);
    if (!proof->commit_caps || !proof->init_leaves || !proof->init_sibs || !proof->step_evals ||
        !proof->step_sibs || !proof->final_poly)
        return bv_fail(st, BV_ERR_VERIFY, "FRI proof shape: missing sections");
    e = bv_fri_proof_check_canonical(proof, st);
    if (e) {
        if (st)
            st->code = BV_ERR_VERIFY;
        return BV_ERR_VERIFY;
    }

    unsigned lde_bits = bv_fri_lde_bits(params);
    size_t big = (size_t)1 << lde_bits, cap_len = (size_t)1 << cfg->cap_height;
    uint32_t nr = params->n_reductions;
    size_t flen = bv_fri_final_poly_len(params);

    /* transcript */
    gl_ext alpha = bv_challenger_get_ext(ch);
    gl_ext betas[BV_FRI_MAX_REDUCTIONS];
    for (uint32_t i = 0; i < nr; i++) {
        bv_challenger_observe_cap(ch, proof->commit_caps + i * cap_len, cap_len);
        betas[i] = bv_challenger_get_ext(ch);
    }
    bv_challenger_observe_ext_many(ch, proof->final_poly, flen);
    bv_challenger_observe(ch, proof->pow_witness);
    gl_t resp = bv_challenger_get(ch);
    unsigned lz = resp ? (unsigned)__builtin_clzll(resp) : 64;
    if (lz < cfg->proof_of_work_bits)
        return bv_fail(st, BV_ERR_VERIFY,
                       "FRI proof-of-work check failed (%u leading zeros, %u required)", lz,
                       cfg->proof_of_work_bits);

    /* per batch: y_b = sum_j alpha^j opening_j, and the weight alpha^(later) */
    size_t nb = inst->n_batches;
    gl_ext *ys = malloc(nb * sizeof *ys), *wts = malloc(nb * sizeof *wts);
    gl_ext *apw = NULL;
    size_t maxm = 0;
    for (size_t b = 0; b < nb; b++)
        if (inst->batches[b].n_polys > maxm)
            maxm = inst->batches[b].n_polys;
    apw = malloc((maxm + 1) * sizeof *apw);
    if (!ys || !wts || !apw) {
        free(ys);
        free(wts);
        free(apw);
        return bv_fail(st, BV_ERR_NOMEM, "out of memory verifying FRI");
    }
    apw[0] = gl_ext_one();
    for (size_t j = 1; j <= maxm; j++)
        apw[j] = gl_ext_mul(apw[j - 1], alpha);
    {
        size_t k = 0;
        for (size_t b = 0; b < nb; b++) {
            gl_ext y = gl_ext_zero();
            for (size_t j = 0; j < inst->batches[b].n_polys; j++)
                y = gl_ext_add(y, gl_ext_mul(apw[j], openings[k + j]));
            ys[b] = y;
            k += inst->batches[b].n_polys;
        }
        gl_ext wgt = gl_ext_one();
        for (size_t b = nb; b-- > 0;) {
            wts[b] = wgt;
            wgt = gl_ext_mul(wgt, apw[inst->batches[b].n_polys]);
        }
    }

    /* all query indices first (they only depend on the transcript), then
     * every Merkle path, batched per oracle / layer across queries */
    size_t nq = proof->n_queries;
    size_t *idx0 = malloc(nq * sizeof *idx0), *cidx = malloc(nq * sizeof *cidx);
    size_t *cur = malloc(nq * sizeof *cur);
    size_t maxa = 0;
    for (uint32_t i = 0; i < nr; i++)
        if (((size_t)1 << params->reduction_arity_bits[i]) > maxa)
            maxa = (size_t)1 << params->reduction_arity_bits[i];
    gl_t *flat = malloc((nq * 2 * maxa + 1) * sizeof *flat);
    if (!idx0 || !cidx || !cur || !flat) {
        e = bv_fail(st, BV_ERR_NOMEM, "out of memory verifying FRI");
        goto out;
    }
    for (size_t q = 0; q < nq; q++)
        idx0[q] = cur[q] = (size_t)(bv_challenger_get(ch) & (big - 1));
    {
        size_t sumw = 0, off = 0;
        for (size_t o = 0; o < inst->n_oracles; o++)
            sumw += inst->oracle_widths[o];
        for (size_t o = 0; o < inst->n_oracles; o++) {
            size_t bad = 0;
            e = bv_merkle_verify_many(
                proof->init_leaves + off, inst->oracle_widths[o], sumw, idx0, nq, caps[o],
                cfg->cap_height, bv_fri_proof_leaf_sibs(proof, 0, o),
                (size_t)inst->n_oracles * init_n_sibs(params), init_n_sibs(params), &bad, st);
            if (e) {
                bv_fail_ctx(st, "FRI query %zu, oracle %zu", bad, o);
                goto out;
            }
            off += inst->oracle_widths[o];
        }
    }
    for (uint32_t i = 0; i < nr; i++) {
        unsigned a = params->reduction_arity_bits[i];
        size_t A = (size_t)1 << a;
        for (size_t q = 0; q < nq; q++) {
            cidx[q] = cur[q] >> a;
            const gl_ext *ev = bv_fri_proof_step_evals(proof, q, i);
            for (size_t j = 0; j < A; j++) {
                flat[q * 2 * A + 2 * j] = ev[j].c0;
                flat[q * 2 * A + 2 * j + 1] = ev[j].c1;
            }
        }
        size_t bad = 0;
        e = bv_merkle_verify_many(flat, 2 * A, 2 * A, cidx, nq, proof->commit_caps + i * cap_len,
                                  cfg->cap_height, bv_fri_proof_step_sibs(proof, 0, i),
                                  step_sibs_per_query(params), bv_fri_proof_step_n_sibs(params, i),
                                  &bad, st);
        if (e) {
            bv_fail_ctx(st, "FRI query %zu, layer %u", bad, i);
            goto out;
        }
        memcpy(cur, cidx, nq * sizeof *cur);
    }

    gl_t omega = gl_root_of_unity(lde_bits);
    for (size_t q = 0; q < nq && !e; q++) {
        size_t idx = idx0[q];
        gl_t x = gl_mul(GL_MULTIPLICATIVE_GENERATOR, gl_pow(omega, bv_rev_bits(idx, lde_bits)));
        /* combined value at x */
        gl_ext ev = gl_ext_zero();
        for (size_t b = 0; b < nb; b++) {
            const bv_fri_batch *ba = &inst->batches[b];
            gl_ext acc = gl_ext_zero();
            for (size_t j = 0; j < ba->n_polys; j++) {
                gl_t v = bv_fri_proof_leaf(proof, q, ba->polys[j].oracle)[ba->polys[j].poly];
                acc = gl_ext_add(acc, gl_ext_scalar_mul(apw[j], v));
            }
            gl_ext den = gl_ext_sub(gl_ext_from_base(x), ba->point);
            if (gl_ext_is_zero(den)) {
                e = bv_fail(st, BV_ERR_VERIFY, "FRI opening point lies on the LDE domain");
                break;
            }
            gl_ext term = gl_ext_mul(gl_ext_sub(acc, ys[b]), gl_ext_inv(den));
            ev = gl_ext_add(ev, gl_ext_mul(wts[b], term));
        }
        if (e)
            break;
        for (uint32_t i = 0; i < nr; i++) {
            unsigned a = params->reduction_arity_bits[i];
            size_t A = (size_t)1 << a, k = idx & (A - 1), coset = idx >> a;
            const gl_ext *evals = bv_fri_proof_step_evals(proof, q, i);
            if (!gl_ext_eq(evals[k], ev)) {
                e = bv_fail(st, BV_ERR_VERIFY,
                            "FRI query %zu: value at layer %u does not match the folded value", q,
                            i);
                break;
            }
            gl_ext nat[256];
            for (size_t j = 0; j < A; j++)
                nat[j] = evals[bv_rev_bits(j, a)];
            size_t rk = bv_rev_bits(k, a);
            gl_t c = gl_mul(x, gl_pow(gl_root_of_unity(a), (A - rk) & (A - 1)));
            ev = interpolate_coset(nat, a, c, betas[i]);
            x = gl_pow(x, A);
            idx = coset;
        }
        if (e)
            break;
        gl_ext fx = gl_ext_zero(), xe = gl_ext_from_base(x);
        for (size_t j = flen; j-- > 0;)
            fx = gl_ext_add(gl_ext_mul(fx, xe), proof->final_poly[j]);
        if (!gl_ext_eq(fx, ev))
            e = bv_fail(st, BV_ERR_VERIFY,
                        "FRI query %zu: final polynomial does not match the folded value", q);
    }
out:
    free(idx0);
    free(cidx);
    free(cur);
    free(flat);
    free(ys);
    free(wts);
    free(apw);
    return e;
}
