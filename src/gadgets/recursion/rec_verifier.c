/* rec_verifier.c - the verify_proof gadget: PROOF_SYSTEM.md 6.9 on targets
 * (public-input hash, transcript replay, gate and permutation identities at
 * zeta, quotient identity) and the FRI verifier of 5.4 on targets. */
#include <stdlib.h>
#include <string.h>

#include "balverify/challenger.h"
#include "balverify/ntt.h"
#include "balverify/recursion.h"

/* ------------------------------------------------------------ proof targets */

static size_t step_sibs(const bv_proof_target *pt, uint32_t cap_height, uint32_t i)
{
    uint32_t s = 0;
    for (uint32_t j = 0; j <= i; j++)
        s += pt->arity_bits[j];
    return pt->lde_bits - s - cap_height;
}

static uint32_t cap_height_of(const bv_proof_target *pt)
{
    return (uint32_t)__builtin_ctz(pt->cap_len);
}

static size_t step_evals_per_query(const bv_proof_target *pt)
{
    size_t n = 0;
    for (uint32_t i = 0; i < pt->n_reductions; i++)
        n += (size_t)1 << pt->arity_bits[i];
    return n;
}

static size_t step_sibs_per_query(const bv_proof_target *pt)
{
    size_t n = 0;
    for (uint32_t i = 0; i < pt->n_reductions; i++)
        n += step_sibs(pt, cap_height_of(pt), i);
    return n;
}

static void add_hashes(bv_circuit *c, bv_hash_target *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h[i] = bv_gadget_add_virtual_hash(c);
}

static void add_exts(bv_circuit *c, bv_ext_target *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        e[i] = bv_gadget_add_virtual_ext(c);
}

void bv_proof_target_free(bv_proof_target *pt)
{
    free(pt->wires_cap);
    free(pt->zs_pp_cap);
    free(pt->quotient_cap);
    free(pt->openings);
    free(pt->commit_caps);
    free(pt->init_leaves);
    free(pt->init_sibs);
    free(pt->step_evals);
    free(pt->step_sibs);
    free(pt->final_poly);
    free(pt->public_inputs);
    memset(pt, 0, sizeof *pt);
}

bv_err bv_rec_add_proof_target(bv_circuit *c, const bv_common_data *cd, bv_proof_target *pt,
                               bv_status *st)
{
    memset(pt, 0, sizeof *pt);
    bv_err e = bv_common_data_validate(cd, st);
    if (e)
        return e;
    bv_fri_params fp;
    if ((e = bv_plonk_fri_params(cd, &fp, st)))
        return e;
    bv_opening_layout l;
    bv_opening_layout_of(cd, &l);
    pt->cap_len = 1u << cd->config.fri.cap_height;
    pt->n_oracles = 4;
    bv_plonk_oracle_widths(cd, pt->oracle_widths);
    pt->sum_widths =
        pt->oracle_widths[0] + pt->oracle_widths[1] + pt->oracle_widths[2] + pt->oracle_widths[3];
    pt->n_queries = cd->config.fri.num_query_rounds;
    pt->n_reductions = fp.n_reductions;
    for (uint32_t i = 0; i < fp.n_reductions; i++)
        pt->arity_bits[i] = fp.reduction_arity_bits[i];
    pt->lde_bits = bv_fri_lde_bits(&fp);
    pt->n_openings = l.total;
    pt->final_len = bv_fri_final_poly_len(&fp);
    pt->num_public_inputs = cd->num_public_inputs;
    size_t nq = pt->n_queries, ns = pt->lde_bits - cd->config.fri.cap_height;
    pt->wires_cap = malloc(pt->cap_len * sizeof(bv_hash_target));
    pt->zs_pp_cap = malloc(pt->cap_len * sizeof(bv_hash_target));
    pt->quotient_cap = malloc(pt->cap_len * sizeof(bv_hash_target));
    pt->openings = malloc(pt->n_openings * sizeof(bv_ext_target));
    pt->commit_caps = malloc((pt->n_reductions * pt->cap_len + 1) * sizeof(bv_hash_target));
    pt->init_leaves = malloc(nq * pt->sum_widths * sizeof(bv_target));
    pt->init_sibs = malloc((nq * 4 * ns + 1) * sizeof(bv_hash_target));
    pt->step_evals = malloc((nq * step_evals_per_query(pt) + 1) * sizeof(bv_ext_target));
    pt->step_sibs = malloc((nq * step_sibs_per_query(pt) + 1) * sizeof(bv_hash_target));
    pt->final_poly = malloc(pt->final_len * sizeof(bv_ext_target));
    pt->public_inputs = malloc((pt->num_public_inputs + 1) * sizeof(bv_target));
    if (!pt->wires_cap || !pt->zs_pp_cap || !pt->quotient_cap || !pt->openings ||
        !pt->commit_caps || !pt->init_leaves || !pt->init_sibs || !pt->step_evals ||
        !pt->step_sibs || !pt->final_poly || !pt->public_inputs) {
        bv_proof_target_free(pt);
        return bv_fail(st, BV_ERR_NOMEM, "recursion: out of memory for proof targets");
    }
    add_hashes(c, pt->wires_cap, pt->cap_len);
    add_hashes(c, pt->zs_pp_cap, pt->cap_len);
    add_hashes(c, pt->quotient_cap, pt->cap_len);
    add_exts(c, pt->openings, pt->n_openings);
    add_hashes(c, pt->commit_caps, (size_t)pt->n_reductions * pt->cap_len);
    bv_circuit_add_virtuals(c, pt->init_leaves, nq * pt->sum_widths);
    add_hashes(c, pt->init_sibs, nq * 4 * ns);
    add_exts(c, pt->step_evals, nq * step_evals_per_query(pt));
    add_hashes(c, pt->step_sibs, nq * step_sibs_per_query(pt));
    add_exts(c, pt->final_poly, pt->final_len);
    pt->pow_witness = bv_circuit_add_virtual(c);
    bv_circuit_add_virtuals(c, pt->public_inputs, pt->num_public_inputs);
    return BV_OK;
}

static bv_err set_hash(bv_witness *w, bv_hash_target t, bv_hash h, bv_status *st)
{
    for (int i = 0; i < 4; i++) {
        bv_err e = bv_witness_set(w, t.e[i], h.e[i], st);
        if (e)
            return e;
    }
    return BV_OK;
}

static bv_err set_ext(bv_witness *w, bv_ext_target t, gl_ext v, bv_status *st)
{
    bv_err e = bv_witness_set(w, t.c0, v.c0, st);
    return e ? e : bv_witness_set(w, t.c1, v.c1, st);
}

#define TRY(x)                                                                                     \
    do {                                                                                           \
        bv_err e_ = (x);                                                                           \
        if (e_)                                                                                    \
            return e_;                                                                             \
    } while (0)

bv_err bv_rec_set_proof_target(bv_witness *w, const bv_proof_target *pt, const bv_proof *p,
                               bv_status *st)
{
    const bv_fri_proof *f = &p->fri;
    if (p->cap_len != pt->cap_len || p->n_openings != pt->n_openings ||
        p->num_public_inputs != pt->num_public_inputs || f->n_queries != pt->n_queries ||
        f->params.n_reductions != pt->n_reductions || f->n_oracles != 4 ||
        bv_fri_lde_bits(&f->params) != pt->lde_bits ||
        bv_fri_final_poly_len(&f->params) != pt->final_len)
        return bv_fail(st, BV_ERR_FORMAT,
                       "recursion: inner proof shape differs from the circuit's");
    for (uint32_t o = 0; o < 4; o++)
        if (f->oracle_widths[o] != pt->oracle_widths[o])
            return bv_fail(st, BV_ERR_FORMAT, "recursion: inner proof oracle %u width differs", o);
    for (uint32_t i = 0; i < pt->n_reductions; i++)
        if (f->params.reduction_arity_bits[i] != pt->arity_bits[i])
            return bv_fail(st, BV_ERR_FORMAT, "recursion: inner proof arity %u differs", i);
    for (uint32_t i = 0; i < pt->cap_len; i++) {
        TRY(set_hash(w, pt->wires_cap[i], p->wires_cap[i], st));
        TRY(set_hash(w, pt->zs_pp_cap[i], p->zs_pp_cap[i], st));
        TRY(set_hash(w, pt->quotient_cap[i], p->quotient_cap[i], st));
    }
    for (size_t i = 0; i < pt->n_openings; i++)
        TRY(set_ext(w, pt->openings[i], p->openings[i], st));
    for (size_t i = 0; i < (size_t)pt->n_reductions * pt->cap_len; i++)
        TRY(set_hash(w, pt->commit_caps[i], f->commit_caps[i], st));
    uint32_t ch = cap_height_of(pt);
    size_t ns = pt->lde_bits - ch, sev = step_evals_per_query(pt), ssb = step_sibs_per_query(pt);
    for (size_t q = 0; q < pt->n_queries; q++) {
        size_t lo = 0;
        for (uint32_t o = 0; o < 4; o++) {
            const gl_t *leaf = bv_fri_proof_leaf(f, q, o);
            const bv_hash *sb = bv_fri_proof_leaf_sibs(f, q, o);
            for (size_t j = 0; j < pt->oracle_widths[o]; j++)
                TRY(bv_witness_set(w, pt->init_leaves[q * pt->sum_widths + lo + j], leaf[j], st));
            for (size_t j = 0; j < ns; j++)
                TRY(set_hash(w, pt->init_sibs[(q * 4 + o) * ns + j], sb[j], st));
            lo += pt->oracle_widths[o];
        }
        size_t eo = 0, so = 0;
        for (uint32_t i = 0; i < pt->n_reductions; i++) {
            size_t A = (size_t)1 << pt->arity_bits[i], n = step_sibs(pt, ch, i);
            const gl_ext *ev = bv_fri_proof_step_evals(f, q, i);
            const bv_hash *sb = bv_fri_proof_step_sibs(f, q, i);
            for (size_t j = 0; j < A; j++)
                TRY(set_ext(w, pt->step_evals[q * sev + eo + j], ev[j], st));
            for (size_t j = 0; j < n; j++)
                TRY(set_hash(w, pt->step_sibs[q * ssb + so + j], sb[j], st));
            eo += A;
            so += n;
        }
    }
    for (size_t i = 0; i < pt->final_len; i++)
        TRY(set_ext(w, pt->final_poly[i], f->final_poly[i], st));
    TRY(bv_witness_set(w, pt->pow_witness, f->pow_witness, st));
    for (uint32_t i = 0; i < pt->num_public_inputs; i++)
        TRY(bv_witness_set(w, pt->public_inputs[i], p->public_inputs[i], st));
    return BV_OK;
}

/* ------------------------------------------------------------ helpers */

static bv_ext_target ext_c(bv_circuit *c, gl_t v)
{
    return bv_gadget_ext_constant(c, gl_ext_from_base(v));
}

/* prod_j (bits[j] ? base^(2^(n-1-j)) : 1): base^(rev_n(sum bits[j] 2^j)),
 * as one product of selected constants. */
static bv_target pow_rev_bits(bv_circuit *c, gl_t base, const bv_target *bits, uint32_t n)
{
    bv_target one = bv_gadget_one(c), acc = one;
    for (uint32_t j = 0; j < n; j++) {
        gl_t k = gl_pow(base, (uint64_t)1 << (n - 1 - j));
        /* (k - 1)*bit + 1 */
        bv_target f = bv_gadget_arith(c, gl_sub(k, 1), bits[j], one, 1, one);
        acc = bv_gadget_mul(c, acc, f);
    }
    return acc;
}

/* sum_j bits[j] 2^j with ArithmeticGate ops (the bits are already boolean:
 * they come from a bit split). Cheaper than a BaseSum row per index. */
static bv_target bits_to_index(bv_circuit *c, const bv_target *bits, uint32_t n)
{
    if (n == 0)
        return bv_gadget_zero(c);
    bv_target one = bv_gadget_one(c), acc = bits[0];
    for (uint32_t j = 1; j < n; j++)
        acc = bv_gadget_arith(c, gl_from_u64((uint64_t)1 << j), bits[j], one, 1, acc);
    return acc;
}

/* Merkle proof to a cap (PROOF_SYSTEM.md 4): hash_or_noop(leaf), one
 * PoseidonGate row per level with swap = index bit, then the cap entry
 * selected by the remaining bits (RandomAccessGate). */
void bv_rec_merkle_to_cap(bv_circuit *c, const bv_target *leaf, size_t len, const bv_target *bits,
                          const bv_hash_target *sibs, size_t nsib, const bv_hash_target *cap,
                          size_t cap_len)
{
    /* the cap index below is recomposed with ArithmeticGate ops rather than
     * bv_gadget_le_sum's BaseSum row (the bits come from a bit split, so
     * they are boolean already): this runs for every oracle of every query */
    bv_hash_target cur = bv_gadget_merkle_path(c, leaf, len, bits, sibs, nsib);
    if (cap_len == 1) {
        bv_gadget_connect_hash(c, cur, cap[0]);
        return;
    }
    uint32_t h = (uint32_t)__builtin_ctzll(cap_len);
    bv_target idx = bits_to_index(c, bits + nsib, h);
    bv_gadget_connect_hash(c, bv_gadget_random_access_hash(c, idx, cap, cap_len), cur);
}

/* ------------------------------------------------------------ FRI */

static void fri_verify(bv_circuit *c, const bv_proof_target *pt, const bv_hash_target *caps0,
                       const bv_common_data *cd, bv_ext_target zeta, bv_circuit_challenger *rc)
{
    const bv_plonk_fri_config *fc = &cd->config.fri;
    uint32_t nr = pt->n_reductions, cap_h = fc->cap_height, lde = pt->lde_bits;
    size_t cap_len = pt->cap_len, nc = cd->config.num_challenges;

    bv_ext_target alpha = bv_gadget_challenger_get_ext(c, rc);
    bv_ext_target betas[BV_FRI_MAX_REDUCTIONS];
    for (uint32_t i = 0; i < nr; i++) {
        bv_gadget_challenger_observe_cap(c, rc, pt->commit_caps + i * cap_len, cap_len);
        betas[i] = bv_gadget_challenger_get_ext(c, rc);
    }
    for (size_t i = 0; i < pt->final_len; i++)
        bv_gadget_challenger_observe_ext(c, rc, pt->final_poly[i]);
    bv_gadget_challenger_observe(c, rc, pt->pow_witness);
    bv_target resp = bv_gadget_challenger_get(c, rc);
    if (fc->proof_of_work_bits > 0)
        bv_gadget_range_check(c, resp, 64 - fc->proof_of_work_bits);

    /* y_b = sum_j alpha^j opening_{b,j}; batch 0 weighted by alpha^(n1) */
    size_t n0 = pt->n_openings - nc;
    bv_ext_target y0 = bv_gadget_reduce_ext(c, alpha, pt->openings, n0);
    bv_ext_target y1 = bv_gadget_reduce_ext(c, alpha, pt->openings + n0, nc);
    bv_ext_target w0 = bv_gadget_ext_one(c);
    for (size_t j = 0; j < nc; j++)
        w0 = bv_gadget_ext_mul(c, w0, alpha);
    bv_ext_target z1 = bv_gadget_ext_mul_const(c, gl_root_of_unity(cd->degree_bits), zeta);
    bv_target omega = bv_gadget_constant(c, gl_root_of_unity(lde));

    size_t ns = lde - cap_h, sev = step_evals_per_query(pt), ssb = step_sibs_per_query(pt);
    bv_target bits[64], rbits[64];
    for (size_t q = 0; q < pt->n_queries; q++) {
        bv_target idx = bv_gadget_challenger_get(c, rc);
        bv_gadget_split_le(c, idx, 64, bits);
        const bv_target *leaves = pt->init_leaves + q * pt->sum_widths;
        size_t lo = 0;
        for (uint32_t o = 0; o < 4; o++) {
            const bv_hash_target *cap = o == 0   ? caps0
                                        : o == 1 ? pt->wires_cap
                                        : o == 2 ? pt->zs_pp_cap
                                                 : pt->quotient_cap;
            bv_rec_merkle_to_cap(c, leaves + lo, pt->oracle_widths[o], bits,
                                 pt->init_sibs + (q * 4 + o) * ns, ns, cap, cap_len);
            lo += pt->oracle_widths[o];
        }
        /* x = g * omega^rev(index) */
        for (uint32_t j = 0; j < lde; j++)
            rbits[j] = bits[lde - 1 - j];
        bv_target x = bv_gadget_exp_bits(c, omega, rbits, lde);
        x = bv_gadget_mul_const(c, GL_MULTIPLICATIVE_GENERATOR, x);
        bv_ext_target xe = bv_gadget_ext_from_base(c, x);
        /* combined initial value */
        bv_ext_target acc0 = bv_gadget_reduce_base(c, alpha, leaves, pt->sum_widths);
        /* batch 1 has only num_challenges polynomials: Horner with ext ops
         * instead of a Reducing row */
        const bv_target *zl = leaves + pt->oracle_widths[0] + pt->oracle_widths[1];
        bv_ext_target acc1 = bv_gadget_ext_from_base(c, zl[nc - 1]);
        for (size_t j = nc - 1; j-- > 0;)
            acc1 = bv_gadget_ext_mul_add(c, acc1, alpha, bv_gadget_ext_from_base(c, zl[j]));
        bv_ext_target t0 =
            bv_gadget_ext_div(c, bv_gadget_ext_sub(c, acc0, y0), bv_gadget_ext_sub(c, xe, zeta));
        bv_ext_target t1 =
            bv_gadget_ext_div(c, bv_gadget_ext_sub(c, acc1, y1), bv_gadget_ext_sub(c, xe, z1));
        bv_ext_target ev = bv_gadget_ext_mul_add(c, w0, t0, t1);

        uint32_t off = 0;
        size_t eo = 0, so = 0;
        for (uint32_t i = 0; i < nr; i++) {
            uint32_t a = pt->arity_bits[i];
            size_t A = (size_t)1 << a, nsib = step_sibs(pt, cap_h, i);
            const bv_ext_target *evals = pt->step_evals + q * sev + eo;
            bv_target k = bits_to_index(c, bits + off, a);
            bv_gadget_connect_ext(c, bv_gadget_random_access_ext(c, k, evals, A), ev);
            bv_target flat[512];
            for (size_t j = 0; j < A; j++) {
                flat[2 * j] = evals[j].c0;
                flat[2 * j + 1] = evals[j].c1;
            }
            bv_rec_merkle_to_cap(c, flat, 2 * A, bits + off + a, pt->step_sibs + q * ssb + so, nsib,
                                 pt->commit_caps + i * cap_len, cap_len);
            bv_ext_target nat[256];
            for (size_t j = 0; j < A; j++)
                nat[j] = evals[bv_rev_bits(j, a)];
            /* coset start: x * root(a)^(-rev_a(k)) */
            bv_target sh = pow_rev_bits(c, gl_inv(gl_root_of_unity(a)), bits + off, a);
            sh = bv_gadget_mul(c, x, sh);
            ev = bv_gadget_interpolate_coset(c, a, sh, nat, betas[i]);
            for (uint32_t j = 0; j < a; j++)
                x = bv_gadget_square(c, x);
            off += a;
            eo += A;
            so += nsib;
        }
        bv_ext_target fx =
            bv_gadget_reduce_ext(c, bv_gadget_ext_from_base(c, x), pt->final_poly, pt->final_len);
        bv_gadget_connect_ext(c, fx, ev);
    }
}

/* ------------------------------------------------------------ PLONK */

bv_err bv_rec_verify_proof(bv_circuit *c, const bv_proof_target *pt, const bv_verifier_data *vd,
                           const bv_common_data *cd, bv_status *st)
{
    bv_err e = bv_common_data_validate(cd, st);
    if (e)
        return e;
    uint32_t nc = cd->config.num_challenges;
    if (nc > 8)
        return bv_fail(st, BV_ERR_UNSUPPORTED, "recursion: at most 8 challenges supported");
    if (vd->cap_height != cd->config.fri.cap_height || (1u << vd->cap_height) != pt->cap_len)
        return bv_fail(st, BV_ERR_ARG, "recursion: verifier data cap height differs");
    for (uint32_t k = 0; k < cd->num_gates; k++)
        if (!bv_gadget_gate_eval_supported(&cd->gates[k]))
            return bv_fail(st, BV_ERR_UNSUPPORTED,
                           "recursion: no in-circuit evaluator for inner gate %s",
                           cd->gates[k].ops->kind);
    bv_fri_params fp;
    if ((e = bv_plonk_fri_params(cd, &fp, st)))
        return e;
    bv_opening_layout l;
    bv_opening_layout_of(cd, &l);
    if (l.total != pt->n_openings)
        return bv_fail(st, BV_ERR_ARG, "recursion: proof target does not match the common data");

    /* verifier data: constants of this circuit */
    bv_hash_target caps0[BV_MAX_CAP];
    for (uint32_t i = 0; i < pt->cap_len; i++)
        caps0[i] = bv_gadget_hash_constant(c, vd->cap[i]);
    bv_hash_target digest = bv_gadget_hash_constant(c, vd->circuit_digest);

    bv_hash_target pih =
        bv_gadget_hash_n_to_hash_no_pad(c, pt->public_inputs, pt->num_public_inputs);

    bv_circuit_challenger rc;
    bv_gadget_challenger_init(c, &rc);
    /* FRI parameters: the same prelude as bv_fri_observe_params */
    {
        const bv_fri_config *f = &fp.config;
        gl_t v[9 + BV_FRI_MAX_REDUCTIONS] = {
            f->rate_bits,  f->cap_height,      f->proof_of_work_bits, 1,
            f->arity_bits, f->final_poly_bits, f->num_query_rounds,   0,
            fp.degree_bits};
        size_t n = 9;
        for (uint32_t i = 0; i < fp.n_reductions; i++)
            v[n++] = fp.reduction_arity_bits[i];
        for (size_t i = 0; i < n; i++)
            bv_gadget_challenger_observe(c, &rc, bv_gadget_constant(c, v[i]));
    }
    bv_gadget_challenger_observe_hash(c, &rc, digest);
    bv_gadget_challenger_observe_hash(c, &rc, pih);
    bv_gadget_challenger_observe_cap(c, &rc, pt->wires_cap, pt->cap_len);
    bv_target beta[8], gamma[8], alpha[8];
    for (uint32_t i = 0; i < nc; i++)
        beta[i] = bv_gadget_challenger_get(c, &rc);
    for (uint32_t i = 0; i < nc; i++)
        gamma[i] = bv_gadget_challenger_get(c, &rc);
    bv_gadget_challenger_observe_cap(c, &rc, pt->zs_pp_cap, pt->cap_len);
    for (uint32_t i = 0; i < nc; i++)
        alpha[i] = bv_gadget_challenger_get(c, &rc);
    bv_gadget_challenger_observe_cap(c, &rc, pt->quotient_cap, pt->cap_len);
    bv_ext_target zeta = bv_gadget_challenger_get_ext(c, &rc);

    /* zeta^n, Z_H(zeta), L_0(zeta) = Z_H(zeta) / (n (zeta - 1)) */
    bv_ext_target one = bv_gadget_ext_one(c);
    bv_ext_target zn = bv_gadget_ext_exp_power_of_2(c, zeta, cd->degree_bits);
    bv_ext_target zh = bv_gadget_ext_sub(c, zn, one);
    bv_ext_target den = bv_gadget_ext_mul_const(c, gl_from_u64(bv_common_num_rows(cd)),
                                                bv_gadget_ext_sub(c, zeta, one));
    bv_ext_target l0 = bv_gadget_ext_div(c, zh, den);

    const bv_ext_target *o = pt->openings;
    const bv_ext_target *wires = o + l.wires, *csig = o + l.constants, *zs = o + l.zs;
    const bv_ext_target *zs_next = o + l.zs_next, *pp = o + l.partial_products;
    const bv_ext_target *sigmas = csig + cd->num_constants;
    uint32_t R = cd->config.num_routed_wires, q = cd->quotient_degree_factor;
    uint32_t npp = cd->num_partial_products;
    size_t nterms = nc + (size_t)nc * (npp + 1) + cd->num_gate_constraints;
    size_t maxcon = 0;
    for (uint32_t k = 0; k < cd->num_gates; k++) {
        uint32_t n = cd->gates[k].ops->num_constraints(&cd->gates[k]);
        if (n > maxcon)
            maxcon = n;
    }
    bv_ext_target *terms = malloc(nterms * sizeof *terms);
    bv_ext_target *tmp = malloc((maxcon + 1) * sizeof *tmp);
    bv_ext_target *kz = malloc((R + 1) * sizeof *kz);
    if (!terms || !tmp || !kz) {
        free(terms);
        free(tmp);
        free(kz);
        return bv_fail(st, BV_ERR_NOMEM, "recursion: out of memory");
    }
    size_t t = 0;
    for (uint32_t cc = 0; cc < nc; cc++)
        terms[t++] = bv_gadget_ext_mul(c, l0, bv_gadget_ext_sub(c, zs[cc], one));
    /* k_i * zeta as a chain kz_i = (k_i / k_{i-1}) kz_{i-1}: with k_i = g^i
     * every step multiplies by the same constant, so the ops share rows
     * (a constant per k_i would take a row each) */
    kz[0] = bv_gadget_ext_mul_const(c, cd->k_is[0], zeta);
    for (uint32_t i = 1; i < R; i++)
        kz[i] = cd->k_is[i - 1] == 0
                    ? bv_gadget_ext_mul_const(c, cd->k_is[i], zeta)
                    : bv_gadget_ext_mul_const(c, gl_mul(cd->k_is[i], gl_inv(cd->k_is[i - 1])),
                                              kz[i - 1]);
    for (uint32_t cc = 0; cc < nc; cc++) {
        bv_ext_target be = bv_gadget_ext_from_base(c, beta[cc]);
        bv_ext_target ge = bv_gadget_ext_from_base(c, gamma[cc]);
        for (uint32_t k = 0; k <= npp; k++) {
            bv_ext_target num = one, dn = one;
            for (uint32_t i = k * q; i < (k + 1) * q && i < R; i++) {
                bv_ext_target wg = bv_gadget_ext_add(c, wires[i], ge);
                num = bv_gadget_ext_mul(c, num, bv_gadget_ext_mul_add(c, be, kz[i], wg));
                dn = bv_gadget_ext_mul(c, dn, bv_gadget_ext_mul_add(c, be, sigmas[i], wg));
            }
            bv_ext_target prev = k == 0 ? zs[cc] : pp[(size_t)cc * npp + k - 1];
            bv_ext_target next = k == npp ? zs_next[cc] : pp[(size_t)cc * npp + k];
            terms[t++] = bv_gadget_ext_sub(c, bv_gadget_ext_mul(c, prev, num),
                                           bv_gadget_ext_mul(c, next, dn));
        }
    }
    bv_ext_target *gate = terms + t;
    for (uint32_t j = 0; j < cd->num_gate_constraints; j++)
        gate[j] = bv_gadget_ext_zero(c);
    const bv_ext_target *gconsts = csig + cd->num_selectors;
    /* every gate kind was checked above to have an in-circuit evaluator */
    for (uint32_t k = 0; k < cd->num_gates; k++) {
        const bv_gate *g = &cd->gates[k];
        uint32_t sg = cd->selector_index[k];
        bv_ext_target s = csig[sg], f = one;
        for (uint32_t j = cd->group_start[sg]; j < cd->group_end[sg]; j++)
            if (j != k)
                f = bv_gadget_ext_mul(c, f, bv_gadget_ext_sub(c, ext_c(c, j), s));
        if (cd->num_selectors > 1)
            f = bv_gadget_ext_mul(c, f, bv_gadget_ext_sub(c, ext_c(c, BV_SELECTOR_UNUSED), s));
        uint32_t ncon = g->ops->num_constraints(g);
        bv_gadget_eval_gate_constraints(c, g, wires, gconsts, &pih, tmp);
        for (uint32_t j = 0; j < ncon; j++)
            gate[j] = bv_gadget_ext_mul_add(c, f, tmp[j], gate[j]);
    }
    /* V_c(zeta) == Z_H(zeta) * sum_k t_{c,k}(zeta) zeta^(nk) */
    for (uint32_t cc = 0; cc < nc; cc++) {
        bv_ext_target v =
            bv_gadget_reduce_ext(c, bv_gadget_ext_from_base(c, alpha[cc]), terms, nterms);
        bv_ext_target tq = bv_gadget_reduce_ext(c, zn, o + l.quotient + (size_t)cc * q, q);
        bv_gadget_connect_ext(c, v, bv_gadget_ext_mul(c, zh, tq));
    }
    for (size_t i = 0; i < pt->n_openings; i++)
        bv_gadget_challenger_observe_ext(c, &rc, o[i]);
    fri_verify(c, pt, caps0, cd, zeta, &rc);
    free(terms);
    free(tmp);
    free(kz);
    return bv_circuit_error(c, st);
}
