/*
 * poseidon_gate.c - PoseidonGate: one Poseidon permutation per row (135 wires,
 * 123 constraints, degree 7), with an optional swap of the first two 4-lane
 * blocks of the input so that Merkle paths need no extra selection.
 *
 * Layout (gates.h): input 0..12, output 12..24, swap 24, delta 25..29, S-box
 * inputs of full rounds 1..3 at 29..65 (round 0's are degree-1 expressions of
 * the input and need no wire), lane-0 S-box inputs of the 22 partial rounds at
 * 65..87, S-box inputs of full rounds 26..29 at 87..135.
 *
 * Every stored S-box input cuts the degree: the constraint compares the value
 * computed from the previous stored point (degree 7 at most) with the wire,
 * and evaluation continues from the wire. The lane-0 S-box input of each
 * partial round is the same affine function of the earlier S-box outputs in
 * the textbook and the fast form (PROOF_SYSTEM.md section 3.3), so both give
 * the same constraint polynomials: eval_base (the prover's hot path) uses the
 * fast form, eval_ext and the generator the textbook one.
 */
#include <string.h>

#include "hash/poseidon_internal.h"
#include "plonk/gates/gates_internal.h"

const uint64_t bv_gate_mds_circ[12] = {17, 15, 41, 16, 2, 28, 13, 13, 39, 18, 34, 20};
#define MDS_DIAG0 8

uint64_t bv_poseidon_mds_entry(uint32_t r, uint32_t c)
{
    return bv_gate_mds_circ[(c + 12 - r) % 12] + (r == c && r == 0 ? MDS_DIAG0 : 0);
}

static inline void mds_base(const gl_t in[12], gl_t out[12])
{
    /* Entries are < 2^6 and a row sums to < 2^9: accumulate the 32-bit
     * halves of the lanes separately in u64 (< 2^41 each), then reduce one
     * value below 2^73 per lane. */
    uint64_t lo[24], hi[24];
    for (int i = 0; i < 12; i++) {
        lo[i] = lo[i + 12] = in[i] & 0xFFFFFFFFu;
        hi[i] = hi[i + 12] = in[i] >> 32;
    }
    for (int r = 0; r < 12; r++) {
        uint64_t sl = 0, sh = 0;
        for (int i = 0; i < 12; i++) {
            sl += bv_gate_mds_circ[i] * lo[r + i];
            sh += bv_gate_mds_circ[i] * hi[r + i];
        }
        if (r == 0) {
            sl += MDS_DIAG0 * lo[0];
            sh += MDS_DIAG0 * hi[0];
        }
        out[r] = gl_reduce128(((unsigned __int128)sh << 32) + sl);
    }
}

void bv_gate_mds_base(const gl_t in[12], gl_t out[12])
{
    mds_base(in, out);
}

void bv_gate_mds_ext(const gl_ext in[12], gl_ext out[12])
{
    gl_t a[12], b[12], ra[12], rb[12];
    for (int i = 0; i < 12; i++) {
        a[i] = in[i].c0;
        b[i] = in[i].c1;
    }
    bv_gate_mds_base(a, ra);
    bv_gate_mds_base(b, rb);
    for (int i = 0; i < 12; i++)
        out[i] = gl_ext_make(ra[i], rb[i]);
}

static inline gl_t sbox(gl_t x)
{
    gl_t x2 = gl_sqr(x), x3 = gl_mul(x2, x), x4 = gl_sqr(x2);
    return gl_mul(x3, x4);
}

/* a*b mod p for any a, b < 2^64; the result is < 2^64 but not necessarily
 * canonical (gl_reduce128 without its final subtraction). */
static inline uint64_t mul_lazy(uint64_t a, uint64_t b)
{
    unsigned __int128 x = (unsigned __int128)a * b;
    uint64_t lo = (uint64_t)x, hi = (uint64_t)(x >> 64);
    uint64_t t0, r;
    if (__builtin_sub_overflow(lo, hi >> 32, &t0))
        t0 -= GL_EPSILON; /* lo - hh + p, in [0, 2^64) */
    if (__builtin_add_overflow(t0, (hi & GL_EPSILON) * GL_EPSILON, &r))
        r += GL_EPSILON; /* cannot overflow again: r < (2^32 - 1)^2 */
    return r;
}

/* x^7 for the prover's hot path: lazy products, one final reduction. Inputs
 * and output canonical. */
static inline gl_t sbox_lazy(gl_t x)
{
    uint64_t x2 = mul_lazy(x, x), x3 = mul_lazy(x2, x), x4 = mul_lazy(x2, x2);
    uint64_t r = mul_lazy(x3, x4);
    return r >= GL_P ? r - GL_P : r;
}

static inline gl_ext sbox_ext(gl_ext x)
{
    gl_ext x2 = gl_ext_sqr(x), x3 = gl_ext_mul(x2, x), x4 = gl_ext_sqr(x2);
    return gl_ext_mul(x3, x4);
}

/* Wire holding the S-box input of lane i in round r, or -1 when that input is
 * not stored (round 0, and lanes 1..11 of partial rounds). */
static inline int sbox_wire(int r, int i)
{
    if (r == 0)
        return -1;
    if (r < BV_POSEIDON_HALF_FULL_ROUNDS)
        return BV_POSEIDON_WIRE_FULL0 + 12 * (r - 1) + i;
    if (r < BV_POSEIDON_HALF_FULL_ROUNDS + BV_POSEIDON_PARTIAL_ROUNDS)
        return i == 0 ? BV_POSEIDON_WIRE_PARTIAL + (r - BV_POSEIDON_HALF_FULL_ROUNDS) : -1;
    return BV_POSEIDON_WIRE_FULL1 +
           12 * (r - BV_POSEIDON_HALF_FULL_ROUNDS - BV_POSEIDON_PARTIAL_ROUNDS) + i;
}

static inline int is_full_round(int r)
{
    return r < BV_POSEIDON_HALF_FULL_ROUNDS ||
           r >= BV_POSEIDON_HALF_FULL_ROUNDS + BV_POSEIDON_PARTIAL_ROUNDS;
}

static void pos_id(const bv_gate *g, char *buf, size_t cap)
{
    (void)g;
    snprintf(buf, cap, "Poseidon");
}

static uint32_t pos_wires(const bv_gate *g)
{
    (void)g;
    return BV_POSEIDON_GATE_NUM_WIRES;
}
static uint32_t pos_degree(const bv_gate *g)
{
    (void)g;
    return 7;
}
static uint32_t pos_constraints(const bv_gate *g)
{
    (void)g;
    return BV_POSEIDON_GATE_NUM_CONSTRAINTS;
}
static uint32_t pos_routed(const bv_gate *g)
{
    (void)g;
    return BV_POSEIDON_GATE_ROUTED;
}

/* sum_{i<11} a[i]*b[i] mod p with one reduction: 128-bit accumulation plus a
 * count of the carries out of bit 128. */
static inline gl_t dot11(const gl_t *a, const gl_t *b)
{
    unsigned __int128 acc = 0;
    uint64_t over = 0;
    for (int i = 0; i < 11; i++) {
        unsigned __int128 p = (unsigned __int128)a[i] * b[i];
        acc += p;
        over += acc < p;
    }
    /* 2^128 = (2^64)^2 = eps^2 (mod p) */
    gl_t r = gl_reduce128(acc);
    return over ? gl_add(r, gl_mul(over, gl_mul(GL_EPSILON, GL_EPSILON))) : r;
}

/* The prover's form (evaluated at every point of the quotient coset) uses the
 * fast partial rounds of PROOF_SYSTEM.md section 3.3; it computes the same
 * polynomials as the textbook form of pos_eval_ext (the unit tests compare
 * the two on random points). */
static void pos_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    (void)g;
    const gl_t *w = v->wires;
    gl_t swap = w[BV_POSEIDON_WIRE_SWAP];
    gl_t s[12], t[12];
    int k = 0;
    out[k++] = gl_mul(swap, gl_sub(swap, 1));
    for (int i = 0; i < 4; i++) {
        gl_t delta = w[BV_POSEIDON_WIRE_DELTA + i];
        out[k++] = gl_sub(gl_mul(swap, gl_sub(w[i + 4], w[i])), delta);
        s[i] = gl_add(w[i], delta);
        s[i + 4] = gl_sub(w[i + 4], delta);
    }
    for (int i = 8; i < 12; i++)
        s[i] = w[i];
    const int hf = BV_POSEIDON_HALF_FULL_ROUNDS;
    for (int r = 0; r < hf; r++) {
        for (int i = 0; i < 12; i++) {
            s[i] = gl_add(s[i], bv_poseidon_rc[r][i]);
            if (r > 0) {
                gl_t wv = w[BV_POSEIDON_WIRE_FULL0 + 12 * (r - 1) + i];
                out[k++] = gl_sub(s[i], wv);
                s[i] = wv;
            }
            s[i] = sbox_lazy(s[i]);
        }
        mds_base(s, t);
        for (int i = 0; i < 12; i++)
            s[i] = t[i];
    }
    /* fast partial rounds: constants moved to the front, then a dense 11x11
     * layer on lanes 1..11, then per round a sparse matrix */
    for (int i = 0; i < 12; i++)
        s[i] = gl_add(s[i], bv_poseidon_fast_first_rc[i]);
    for (int c = 0; c < 11; c++) {
        gl_t col[11];
        for (int r = 0; r < 11; r++)
            col[r] = bv_poseidon_fast_initial[r][c];
        t[c + 1] = dot11(s + 1, col);
    }
    for (int i = 1; i < 12; i++)
        s[i] = t[i];
    for (int r = 0; r < BV_POSEIDON_PARTIAL_ROUNDS; r++) {
        gl_t wv = w[BV_POSEIDON_WIRE_PARTIAL + r];
        out[k++] = gl_sub(s[0], wv);
        gl_t s0 = gl_add(sbox_lazy(wv), bv_poseidon_fast_rc[r]);
        gl_t d = gl_add(dot11(s + 1, bv_poseidon_fast_w_hats[r]),
                        gl_mul(s0, bv_gate_mds_circ[0] + MDS_DIAG0));
        for (int i = 1; i < 12; i++)
            s[i] = gl_add(s[i], gl_mul(s0, bv_poseidon_fast_vs[r][i - 1]));
        s[0] = d;
    }
    for (int r = 0; r < hf; r++) {
        int rr = hf + BV_POSEIDON_PARTIAL_ROUNDS + r;
        for (int i = 0; i < 12; i++) {
            gl_t wv = w[BV_POSEIDON_WIRE_FULL1 + 12 * r + i];
            out[k++] = gl_sub(gl_add(s[i], bv_poseidon_rc[rr][i]), wv);
            s[i] = sbox_lazy(wv);
        }
        mds_base(s, t);
        for (int i = 0; i < 12; i++)
            s[i] = t[i];
    }
    for (int i = 0; i < 12; i++)
        out[k++] = gl_sub(s[i], w[BV_POSEIDON_WIRE_OUT + i]);
}

/* Eight points at once: the AVX-512 kernel where the CPU has it, else the
 * scalar form point by point. */
static void pos_eval_base_x8(const bv_gate *g, const bv_eval_vars_base_x8 *v, gl_t *out)
{
    if (bv_poseidon_have_avx512()) {
        bv_poseidon_gate_eval8_avx512(v->wires, out);
        return;
    }
    gl_t w[BV_POSEIDON_GATE_NUM_WIRES], o[BV_POSEIDON_GATE_NUM_CONSTRAINTS];
    for (int l = 0; l < 8; l++) {
        for (int j = 0; j < BV_POSEIDON_GATE_NUM_WIRES; j++)
            w[j] = v->wires[8 * j + l];
        bv_eval_vars_base vb = {w, NULL, v->public_inputs_hash};
        pos_eval_base(g, &vb, o);
        for (int k = 0; k < BV_POSEIDON_GATE_NUM_CONSTRAINTS; k++)
            out[8 * k + l] = o[k];
    }
}

static void pos_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    (void)g;
    const gl_ext *w = v->wires;
    gl_ext swap = w[BV_POSEIDON_WIRE_SWAP];
    gl_ext s[12], t[12];
    int k = 0;
    out[k++] = gl_ext_mul(swap, gl_ext_add_base(swap, gl_neg(1)));
    for (int i = 0; i < 4; i++) {
        gl_ext delta = w[BV_POSEIDON_WIRE_DELTA + i];
        out[k++] = gl_ext_sub(gl_ext_mul(swap, gl_ext_sub(w[i + 4], w[i])), delta);
        s[i] = gl_ext_add(w[i], delta);
        s[i + 4] = gl_ext_sub(w[i + 4], delta);
    }
    for (int i = 8; i < 12; i++)
        s[i] = w[i];
    for (int r = 0; r < BV_POSEIDON_ROUNDS; r++) {
        for (int i = 0; i < 12; i++)
            s[i] = gl_ext_add_base(s[i], bv_poseidon_rc[r][i]);
        int full = is_full_round(r);
        for (int i = 0; i < (full ? 12 : 1); i++) {
            int wi = sbox_wire(r, i);
            if (wi >= 0) {
                out[k++] = gl_ext_sub(s[i], w[wi]);
                s[i] = w[wi];
            }
            s[i] = sbox_ext(s[i]);
        }
        bv_gate_mds_ext(s, t);
        for (int i = 0; i < 12; i++)
            s[i] = t[i];
    }
    for (int i = 0; i < 12; i++)
        out[k++] = gl_ext_sub(s[i], w[BV_POSEIDON_WIRE_OUT + i]);
}

static size_t pos_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap)
{
    (void)g;
    (void)op;
    size_t n = 0;
    deps_range(deps, cap, &n, row, BV_POSEIDON_WIRE_IN, 12);
    deps_range(deps, cap, &n, row, BV_POSEIDON_WIRE_SWAP, 1);
    return n;
}

static bv_err pos_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *c, bv_witness *w,
                      bv_status *st)
{
    (void)g;
    (void)op;
    (void)c;
    gl_t in[12], s[12], t[12];
    for (int i = 0; i < 12; i++)
        in[i] = bv_witness_get(w, bv_wire(row, BV_POSEIDON_WIRE_IN + i));
    gl_t swap = bv_witness_get(w, bv_wire(row, BV_POSEIDON_WIRE_SWAP));
    if (swap > 1)
        return bv_fail(st, BV_ERR_VERIFY, "PoseidonGate row %u: swap wire is %llu, not 0 or 1", row,
                       (unsigned long long)swap);
    bv_err e;
    for (int i = 0; i < 4; i++) {
        gl_t delta = swap ? gl_sub(in[i + 4], in[i]) : 0;
        if ((e = bv_witness_set(w, bv_wire(row, BV_POSEIDON_WIRE_DELTA + i), delta, st)) != BV_OK)
            return e;
        s[i] = gl_add(in[i], delta);
        s[i + 4] = gl_sub(in[i + 4], delta);
    }
    for (int i = 8; i < 12; i++)
        s[i] = in[i];
    for (int r = 0; r < BV_POSEIDON_ROUNDS; r++) {
        for (int i = 0; i < 12; i++)
            s[i] = gl_add(s[i], bv_poseidon_rc[r][i]);
        int full = is_full_round(r);
        for (int i = 0; i < (full ? 12 : 1); i++) {
            int wi = sbox_wire(r, i);
            if (wi >= 0 && (e = bv_witness_set(w, bv_wire(row, (uint32_t)wi), s[i], st)) != BV_OK)
                return e;
            s[i] = sbox(s[i]);
        }
        bv_gate_mds_base(s, t);
        for (int i = 0; i < 12; i++)
            s[i] = t[i];
    }
    for (int i = 0; i < 12; i++)
        if ((e = bv_witness_set(w, bv_wire(row, BV_POSEIDON_WIRE_OUT + i), s[i], st)) != BV_OK)
            return e;
    return BV_OK;
}

static const bv_gate_ops pos_ops = {
    .kind = "Poseidon",
    .id = pos_id,
    .num_wires = pos_wires,
    .num_constants = bv_gate_zero,
    .degree = pos_degree,
    .num_constraints = pos_constraints,
    .num_ops = bv_gate_one,
    .eval_base = pos_eval_base,
    .eval_ext = pos_eval_ext,
    .eval_base_x8 = pos_eval_base_x8,
    .num_generators = bv_gate_one,
    .gen_deps = pos_deps,
    .gen_run = pos_run,
    .num_extra_constant_wires = bv_gate_no_extra_constants,
    .extra_constant_wire = bv_gate_no_extra_constant_wire,
};

static bv_err pos_check(const bv_gate *g, bv_status *st)
{
    for (int i = 0; i < BV_GATE_MAX_PARAMS; i++)
        if (g->params[i])
            return bv_fail(st, BV_ERR_FORMAT, "Poseidon gate with a non-zero parameter");
    return bv_gate_check_no_data(g, st);
}

/* ---- in-circuit evaluation ---- */

static bv_ext_target sbox_circuit(bv_circuit *c, bv_ext_target x)
{
    bv_ext_target x2 = bv_gadget_ext_square(c, x);
    bv_ext_target x3 = bv_gadget_ext_mul(c, x2, x);
    bv_ext_target x4 = bv_gadget_ext_square(c, x2);
    return bv_gadget_ext_mul(c, x3, x4);
}

/* Inverse of the Poseidon MDS matrix (Gauss-Jordan over F; the matrix is
 * invertible, being MDS). */
static void mds_inverse(gl_t inv[12][12])
{
    gl_t a[12][24];
    for (uint32_t r = 0; r < 12; r++)
        for (uint32_t j = 0; j < 24; j++)
            a[r][j] = j < 12 ? bv_poseidon_mds_entry(r, j) : (j - 12 == r);
    for (uint32_t col = 0; col < 12; col++) {
        uint32_t piv = col;
        while (a[piv][col] == 0)
            piv++;
        for (uint32_t j = 0; j < 24; j++) {
            gl_t t = a[col][j];
            a[col][j] = a[piv][j];
            a[piv][j] = t;
        }
        gl_t f = gl_inv(a[col][col]);
        for (uint32_t j = 0; j < 24; j++)
            a[col][j] = gl_mul(a[col][j], f);
        for (uint32_t r = 0; r < 12; r++)
            if (r != col && a[r][col] != 0) {
                gl_t m = a[r][col];
                for (uint32_t j = 0; j < 24; j++)
                    a[r][j] = gl_sub(a[r][j], gl_mul(m, a[col][j]));
            }
    }
    for (uint32_t r = 0; r < 12; r++)
        for (uint32_t j = 0; j < 12; j++)
            inv[r][j] = a[r][12 + j];
}

/* Round constants of the partial rounds with lanes 1..11 pushed back through
 * the MDS layers: round r adds the vector pre[r] before its S-box (all lanes
 * for the first partial round, lane 0 only for the others) and post[r] to
 * lane 0 after it. Since
 *     s + c = M y + (c0, 0) + M u  with  u = M^-1 (0, c1..c11),
 *     y + u = S0(x + (0, u1..u11)) + (u0, 0)   (S0 only touches lane 0),
 * the states entering every lane-0 S-box and the state after the last
 * partial round are unchanged, while 54 distinct constants replace 264 (each
 * distinct constant of a circuit costs a constant slot). */
static void pushed_partial_constants(gl_t pre[BV_POSEIDON_PARTIAL_ROUNDS][12],
                                     gl_t post[BV_POSEIDON_PARTIAL_ROUNDS])
{
    const int hf = BV_POSEIDON_HALF_FULL_ROUNDS, pr = BV_POSEIDON_PARTIAL_ROUNDS;
    gl_t minv[12][12];
    mds_inverse(minv);
    for (int k = 0; k < pr; k++) {
        memcpy(pre[k], bv_poseidon_rc[hf + k], sizeof pre[k]);
        post[k] = 0;
    }
    for (int k = pr - 1; k > 0; k--) {
        gl_t u[12];
        for (int r = 0; r < 12; r++) {
            gl_t acc = 0;
            for (int j = 1; j < 12; j++)
                acc = gl_add(acc, gl_mul(minv[r][j], pre[k][j]));
            u[r] = acc;
        }
        for (int j = 1; j < 12; j++) {
            pre[k - 1][j] = gl_add(pre[k - 1][j], u[j]);
            pre[k][j] = 0;
        }
        post[k - 1] = u[0];
    }
}

static void pos_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                             const bv_ext_target *consts, const bv_hash_target *pi,
                             bv_ext_target *out)
{
    (void)g;
    (void)consts;
    (void)pi;
    bv_ext_target swap = w[BV_POSEIDON_WIRE_SWAP];
    bv_ext_target s[12];
    int k = 0;
    out[k++] = bv_gadget_ext_mul_sub(c, swap, swap, swap);
    for (int i = 0; i < 4; i++) {
        bv_ext_target delta = w[BV_POSEIDON_WIRE_DELTA + i];
        bv_ext_target d = bv_gadget_ext_sub(c, w[i + 4], w[i]);
        out[k++] = bv_gadget_ext_mul_sub(c, swap, d, delta);
        s[i] = bv_gadget_ext_add(c, w[i], delta);
        s[i + 4] = bv_gadget_ext_sub(c, w[i + 4], delta);
    }
    for (int i = 8; i < 12; i++)
        s[i] = w[i];
    const int hf = BV_POSEIDON_HALF_FULL_ROUNDS, pr = BV_POSEIDON_PARTIAL_ROUNDS;
    gl_t pre[BV_POSEIDON_PARTIAL_ROUNDS][12], post[BV_POSEIDON_PARTIAL_ROUNDS];
    pushed_partial_constants(pre, post);
    for (int r = 0; r < BV_POSEIDON_ROUNDS; r++) {
        int full = r < hf || r >= hf + pr;
        if (full) {
            for (int i = 0; i < 12; i++)
                s[i] = cext_add_const(c, s[i], bv_poseidon_rc[r][i]);
            for (int i = 0; i < 12; i++) {
                int wi = -1;
                if (r > 0 && r < hf)
                    wi = BV_POSEIDON_WIRE_FULL0 + 12 * (r - 1) + i;
                else if (r >= hf + pr)
                    wi = BV_POSEIDON_WIRE_FULL1 + 12 * (r - hf - pr) + i;
                if (wi >= 0) {
                    out[k++] = bv_gadget_ext_sub(c, s[i], w[wi]);
                    s[i] = w[wi];
                }
                s[i] = sbox_circuit(c, s[i]);
            }
        } else {
            int pk = r - hf;
            for (int i = 0; i < 12; i++)
                if (pre[pk][i] != 0)
                    s[i] = cext_add_const(c, s[i], pre[pk][i]);
            bv_ext_target wv = w[BV_POSEIDON_WIRE_PARTIAL + pk];
            out[k++] = bv_gadget_ext_sub(c, s[0], wv);
            s[0] = sbox_circuit(c, wv);
            if (post[pk] != 0)
                s[0] = cext_add_const(c, s[0], post[pk]);
        }
        bv_gadget_poseidon_mds_ext(c, s, s);
    }
    for (int i = 0; i < 12; i++)
        out[k++] = bv_gadget_ext_sub(c, s[i], w[BV_POSEIDON_WIRE_OUT + i]);
}

static size_t pos_examples(bv_gate *out, size_t cap)
{
    return bv_gate_example(out, cap, 0, bv_gate_poseidon());
}

/* The generator needs a boolean swap. */
static gl_t pos_sample_free(const bv_gate *g, uint32_t wire, uint64_t r)
{
    (void)g;
    return wire == BV_POSEIDON_WIRE_SWAP ? r & 1 : gl_from_u64(r);
}

const bv_gate_kind bv_gate_kind_poseidon = {.ops = &pos_ops,
                                            .check = pos_check,
                                            .routed = pos_routed,
                                            .eval_circuit = pos_eval_circuit,
                                            .examples = pos_examples,
                                            .sample_free = pos_sample_free};

bv_gate bv_gate_poseidon(void)
{
    return (bv_gate){.ops = &pos_ops};
}
