/*
 * coset_interpolation.c - CosetInterpolationGate(s, d): proves that `value`
 * is the evaluation at `point` of the polynomial of degree < n = 2^s taking
 * values v_i at shift*h_i, h_i = root(s)^i. Used by the recursive FRI verifier
 * to fold a coset.
 *
 * With z' = point/shift (a witness wire, checked by point - z'*shift = 0) the
 * barycentric form over the plain subgroup is
 *     P(z') = sum_k w_k v_k prod_{j != k} (z' - h_j),   w_k = h_k / n,
 * accumulated as e <- e*(z' - h_k) + w_k v_k p, p <- p*(z' - h_k) from
 * (e, p) = (0, 1). To keep the degree at d, the running (e, p) is checkpointed
 * into intermediate wires: the first segment covers d points, every later one
 * d - 1 points (the checkpoint wires count as degree 1). The weights are the
 * gate's data (they depend only on s, and bv_gate_check() insists on that).
 *
 * All values except the shift are extension elements (wire pairs); in the
 * verifier's form they are elements of the algebra (section 1.4).
 */
#include <stdlib.h>

#include "plonk/gates/gates_internal.h"

#define SBITS(g) ((g)->params[0])
#define DEG(g) ((g)->params[1])
#define NPTS(g) (1u << SBITS(g))
#define NINT(g) bv_ci_num_intermediates(SBITS(g), DEG(g))

#define BV_CI_MAX_BITS 8

static void ci_id(const bv_gate *g, char *buf, size_t cap)
{
    snprintf(buf, cap, "CosetInterpolation(%u,%u)", SBITS(g), DEG(g));
}

static uint32_t ci_wires(const bv_gate *g)
{
    return bv_ci_wire_shifted_point(SBITS(g), DEG(g)) + 2;
}
static uint32_t ci_routed(const bv_gate *g)
{
    return bv_ci_wire_int_eval(SBITS(g), 0);
}
static uint32_t ci_degree(const bv_gate *g)
{
    return DEG(g);
}
static uint32_t ci_constraints(const bv_gate *g)
{
    return 2 + 4 * NINT(g) + 2;
}

/* Segment k of the accumulation: points [start, end). */
static void ci_segment(const bv_gate *g, uint32_t k, uint32_t *start, uint32_t *end)
{
    uint32_t d = DEG(g), n = NPTS(g);
    if (k == 0) {
        *start = 0;
        *end = d;
    } else {
        *start = 1 + (d - 1) * k;
        *end = *start + d - 1 < n ? *start + d - 1 : n;
    }
}

/* h_i = n * w_i: the weights are h_i / n (bv_gate_check insists), so the
 * domain comes with one product per point instead of a root-of-unity
 * computation at every evaluation. */
static void ci_domain(const bv_gate *g, gl_t *h)
{
    for (uint32_t i = 0; i < NPTS(g); i++)
        h[i] = gl_mul(g->data[i], NPTS(g));
}

static void ci_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    const gl_t *w = v->wires;
    uint32_t s = SBITS(g), d = DEG(g), k = 0;
    gl_t h[1u << BV_CI_MAX_BITS];
    ci_domain(g, h);
    gl_t shift = w[BV_CI_WIRE_SHIFT];
    gl_ext z = pair_at(w, bv_ci_wire_point(s));
    gl_ext zs = pair_at(w, bv_ci_wire_shifted_point(s, d));
    pair_out(out + k, gl_ext_sub(z, gl_ext_scalar_mul(zs, shift)));
    k += 2;
    gl_ext e = gl_ext_zero(), p = gl_ext_one();
    for (uint32_t seg = 0; seg <= NINT(g); seg++) {
        if (seg > 0) {
            gl_ext ie = pair_at(w, bv_ci_wire_int_eval(s, seg - 1));
            gl_ext ip = pair_at(w, bv_ci_wire_int_prod(s, d, seg - 1));
            pair_out(out + k, gl_ext_sub(ie, e));
            pair_out(out + k + 2, gl_ext_sub(ip, p));
            k += 4;
            e = ie;
            p = ip;
        }
        uint32_t lo, hi;
        ci_segment(g, seg, &lo, &hi);
        for (uint32_t i = lo; i < hi; i++) {
            gl_ext term = gl_ext_add_base(zs, gl_neg(h[i]));
            gl_ext wv = gl_ext_scalar_mul(pair_at(w, bv_ci_wire_value(i)), g->data[i]);
            e = gl_ext_add(gl_ext_mul(e, term), gl_ext_mul(wv, p));
            p = gl_ext_mul(p, term);
        }
    }
    pair_out(out + k, gl_ext_sub(pair_at(w, bv_ci_wire_eval(s)), e));
}

static void ci_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    const gl_ext *w = v->wires;
    uint32_t s = SBITS(g), d = DEG(g), k = 0;
    gl_t h[1u << BV_CI_MAX_BITS];
    ci_domain(g, h);
    gl_ext shift = w[BV_CI_WIRE_SHIFT];
    bv_alg z = alg_at(w, bv_ci_wire_point(s));
    bv_alg zs = alg_at(w, bv_ci_wire_shifted_point(s, d));
    alg_out(out + k, alg_sub(z, alg_scalar(zs, shift)));
    k += 2;
    bv_alg e = alg_zero(), p = alg_one();
    for (uint32_t seg = 0; seg <= NINT(g); seg++) {
        if (seg > 0) {
            bv_alg ie = alg_at(w, bv_ci_wire_int_eval(s, seg - 1));
            bv_alg ip = alg_at(w, bv_ci_wire_int_prod(s, d, seg - 1));
            alg_out(out + k, alg_sub(ie, e));
            alg_out(out + k + 2, alg_sub(ip, p));
            k += 4;
            e = ie;
            p = ip;
        }
        uint32_t lo, hi;
        ci_segment(g, seg, &lo, &hi);
        for (uint32_t i = lo; i < hi; i++) {
            bv_alg term = zs;
            term.a0 = gl_ext_add_base(term.a0, gl_neg(h[i]));
            bv_alg wv = alg_scalar(alg_at(w, bv_ci_wire_value(i)), gl_ext_from_base(g->data[i]));
            e = alg_add(alg_mul(e, term), alg_mul(wv, p));
            p = alg_mul(p, term);
        }
    }
    alg_out(out + k, alg_sub(alg_at(w, bv_ci_wire_eval(s)), e));
}

static size_t ci_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap)
{
    (void)op;
    size_t n = 0;
    /* shift, the values and the evaluation point are contiguous */
    deps_range(deps, cap, &n, row, 0, bv_ci_wire_point(SBITS(g)) + 2);
    return n;
}

static bv_err ci_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *c, bv_witness *w,
                     bv_status *st)
{
    (void)op;
    (void)c;
    uint32_t s = SBITS(g), d = DEG(g);
    gl_t h[1u << BV_CI_MAX_BITS];
    ci_domain(g, h);
    gl_t shift = bv_witness_get(w, bv_wire(row, BV_CI_WIRE_SHIFT));
    if (shift == 0)
        return bv_fail(st, BV_ERR_VERIFY, "CosetInterpolationGate row %u: coset shift is zero",
                       row);
    gl_ext z = wit_get_pair(w, row, bv_ci_wire_point(s));
    gl_ext zs = gl_ext_scalar_mul(z, gl_inv(shift));
    bv_err e_ = wit_set_pair(w, row, bv_ci_wire_shifted_point(s, d), zs, st);
    gl_ext e = gl_ext_zero(), p = gl_ext_one();
    for (uint32_t seg = 0; seg <= NINT(g) && e_ == BV_OK; seg++) {
        if (seg > 0) {
            e_ = wit_set_pair(w, row, bv_ci_wire_int_eval(s, seg - 1), e, st);
            if (e_ == BV_OK)
                e_ = wit_set_pair(w, row, bv_ci_wire_int_prod(s, d, seg - 1), p, st);
        }
        uint32_t lo, hi;
        ci_segment(g, seg, &lo, &hi);
        for (uint32_t i = lo; i < hi; i++) {
            gl_ext term = gl_ext_add_base(zs, gl_neg(h[i]));
            gl_ext wv = gl_ext_scalar_mul(wit_get_pair(w, row, bv_ci_wire_value(i)), g->data[i]);
            e = gl_ext_add(gl_ext_mul(e, term), gl_ext_mul(wv, p));
            p = gl_ext_mul(p, term);
        }
    }
    if (e_ == BV_OK)
        e_ = wit_set_pair(w, row, bv_ci_wire_eval(s), e, st);
    return e_;
}

static const bv_gate_ops ci_ops = {
    .kind = "CosetInterpolation",
    .id = ci_id,
    .num_wires = ci_wires,
    .num_constants = bv_gate_zero,
    .degree = ci_degree,
    .num_constraints = ci_constraints,
    .num_ops = bv_gate_one,
    .eval_base = ci_eval_base,
    .eval_ext = ci_eval_ext,
    .num_generators = bv_gate_one,
    .gen_deps = ci_deps,
    .gen_run = ci_run,
    .num_extra_constant_wires = bv_gate_no_extra_constants,
    .extra_constant_wire = bv_gate_no_extra_constant_wire,
};

/* w_i = h_i / n: for the subgroup of size n, prod_{j != i} (h_i - h_j) = n / h_i. */
static void ci_weights(uint32_t sbits, gl_t *wts)
{
    uint32_t n = 1u << sbits;
    gl_powers(wts, gl_root_of_unity(sbits), n);
    gl_t ninv = gl_inv(n);
    for (uint32_t i = 0; i < n; i++)
        wts[i] = gl_mul(wts[i], ninv);
}

static bv_err ci_check(const bv_gate *g, bv_status *st)
{
    if (SBITS(g) < 1 || SBITS(g) > BV_CI_MAX_BITS || DEG(g) < 2 || DEG(g) > NPTS(g) ||
        g->params[2] || g->params[3])
        return bv_fail(st, BV_ERR_FORMAT,
                       "CosetInterpolation gate: bad parameters (subgroup bits %u, degree %u)",
                       SBITS(g), DEG(g));
    if (g->ndata != NPTS(g) || !g->data)
        return bv_fail(st, BV_ERR_FORMAT,
                       "CosetInterpolation gate: %u barycentric weights, expected %u", g->ndata,
                       NPTS(g));
    gl_t wts[1u << BV_CI_MAX_BITS];
    ci_weights(SBITS(g), wts);
    for (uint32_t i = 0; i < NPTS(g); i++)
        if (g->data[i] != wts[i])
            return bv_fail(st, BV_ERR_FORMAT,
                           "CosetInterpolation gate: barycentric weight %u is wrong", i);
    return BV_OK;
}

static void ci_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                            const bv_ext_target *consts, const bv_hash_target *pi,
                            bv_ext_target *out)
{
    (void)consts;
    (void)pi;
    uint32_t s = SBITS(g), d = DEG(g), n = NPTS(g), k = 0;
    uint32_t nint = NINT(g);
    gl_t h[1u << BV_CI_MAX_BITS];
    gl_powers(h, gl_root_of_unity(s), n);
    bv_ext_target shift = w[BV_CI_WIRE_SHIFT];
    bv_calg z = calg_at(w, bv_ci_wire_point(s));
    bv_calg zs = calg_at(w, bv_ci_wire_shifted_point(s, d));
    calg_out(out + k, calg_sub(c, z, calg_scalar(c, zs, shift)));
    k += 2;
    bv_ext_target zero = bv_gadget_ext_zero(c);
    bv_calg e = {zero, zero}, p = {bv_gadget_ext_one(c), zero};
    for (uint32_t seg = 0; seg <= nint; seg++) {
        if (seg > 0) {
            bv_calg ie = calg_at(w, bv_ci_wire_int_eval(s, seg - 1));
            bv_calg ip = calg_at(w, bv_ci_wire_int_prod(s, d, seg - 1));
            calg_out(out + k, calg_sub(c, ie, e));
            calg_out(out + k + 2, calg_sub(c, ip, p));
            k += 4;
            e = ie;
            p = ip;
        }
        uint32_t lo = seg == 0 ? 0 : 1 + (d - 1) * seg;
        uint32_t hi = seg == 0 ? d : (lo + d - 1 < n ? lo + d - 1 : n);
        for (uint32_t i = lo; i < hi; i++) {
            bv_calg term = {cext_add_const(c, zs.a0, gl_neg(h[i])), zs.a1};
            bv_calg wv = calg_scalar(c, calg_at(w, bv_ci_wire_value(i)),
                                     bv_gadget_ext_constant(c, gl_ext_from_base(g->data[i])));
            e = calg_add(c, calg_mul(c, e, term), calg_mul(c, wv, p));
            p = calg_mul(c, p, term);
        }
    }
    calg_out(out + k, calg_sub(c, calg_at(w, bv_ci_wire_eval(s)), e));
}

static size_t ci_examples(bv_gate *out, size_t cap)
{
    size_t n = bv_gate_example(
        out, cap, 0, bv_gate_coset_interpolation(BV_STD_CI_SUBGROUP_BITS, BV_STD_CI_DEGREE));
    n = bv_gate_example(out, cap, n, bv_gate_coset_interpolation(3, 4));
    n = bv_gate_example(out, cap, n, bv_gate_coset_interpolation(4, 16));
    n = bv_gate_example(out, cap, n, bv_gate_coset_interpolation(2, 2));
    return bv_gate_example(out, cap, n, bv_gate_coset_interpolation(4, 3));
}

/* The generator fails on a zero shift. */
static gl_t ci_sample_free(const bv_gate *g, uint32_t wire, uint64_t r)
{
    (void)g;
    gl_t v = gl_from_u64(r);
    return wire == BV_CI_WIRE_SHIFT && v == 0 ? 1 : v;
}

const bv_gate_kind bv_gate_kind_coset_interpolation = {.ops = &ci_ops,
                                                       .check = ci_check,
                                                       .routed = ci_routed,
                                                       .eval_circuit = ci_eval_circuit,
                                                       .examples = ci_examples,
                                                       .sample_free = ci_sample_free};

bv_gate bv_gate_coset_interpolation(uint32_t subgroup_bits, uint32_t degree)
{
    bv_gate g = {.ops = &ci_ops, .params = {subgroup_bits, degree}};
    if (subgroup_bits < 1 || subgroup_bits > BV_CI_MAX_BITS || degree < 2 ||
        degree > (1u << subgroup_bits))
        return (bv_gate){0};
    g.ndata = 1u << subgroup_bits;
    g.data = malloc(sizeof(gl_t) * g.ndata);
    if (!g.data)
        return (bv_gate){0};
    ci_weights(subgroup_bits, g.data);
    return g;
}

uint32_t bv_coset_interp_degree_for(uint32_t subgroup_bits, uint32_t max_degree)
{
    uint32_t n = 1u << subgroup_bits;
    if (max_degree < 2)
        return 0;
    uint32_t nint = (n - 2) / (max_degree - 1);
    return (n - 2) / (nint + 1) + 2;
}
