/*
 * gadgets_gate_eval.c - in-circuit evaluation of gate constraints on
 * extension targets: the same polynomials as each gate's eval_ext, built
 * from extension gadgets. This is what a recursive verifier uses to evaluate
 * an inner proof's constraints at the out-of-domain point.
 *
 * Gates that pair wires work in the extension algebra A = K[Y]/(Y^2 - 7)
 * (PROOF_SYSTEM.md 1.4): an algebra element is two extension targets and a
 * product costs four extension products.
 */
#include <string.h>

#include "balverify/gadgets.h"
#include "plonk/builder_internal.h"

typedef struct {
    bv_ext_target a0, a1;
} alg_t;

static alg_t alg_at(const bv_ext_target *w, uint32_t i)
{
    return (alg_t){w[i], w[i + 1]};
}

static alg_t alg_add(bv_circuit *c, alg_t x, alg_t y)
{
    return (alg_t){bv_gadget_ext_add(c, x.a0, y.a0), bv_gadget_ext_add(c, x.a1, y.a1)};
}

static alg_t alg_sub(bv_circuit *c, alg_t x, alg_t y)
{
    return (alg_t){bv_gadget_ext_sub(c, x.a0, y.a0), bv_gadget_ext_sub(c, x.a1, y.a1)};
}

/* (x0 y0 + 7 x1 y1, x0 y1 + x1 y0) */
static alg_t alg_mul(bv_circuit *c, alg_t x, alg_t y)
{
    bv_ext_target a0 = bv_gadget_ext_arith(c, 7, x.a1, y.a1, 1, bv_gadget_ext_mul(c, x.a0, y.a0));
    bv_ext_target a1 = bv_gadget_ext_mul_add(c, x.a0, y.a1, bv_gadget_ext_mul(c, x.a1, y.a0));
    return (alg_t){a0, a1};
}

/* k * x for k in K */
static alg_t alg_scalar(bv_circuit *c, alg_t x, bv_ext_target k)
{
    return (alg_t){bv_gadget_ext_mul(c, x.a0, k), bv_gadget_ext_mul(c, x.a1, k)};
}

static void alg_out(bv_ext_target *out, alg_t x)
{
    out[0] = x.a0;
    out[1] = x.a1;
}

/* x -/+ k for k in F only touches coefficient 0: one base op */
static bv_ext_target ext_sub_const(bv_circuit *c, bv_ext_target x, gl_t k)
{
    return (bv_ext_target){bv_gadget_add_const(c, x.c0, gl_neg(k)), x.c1};
}

static bv_ext_target ext_add_const(bv_circuit *c, bv_ext_target x, gl_t k)
{
    return (bv_ext_target){bv_gadget_add_const(c, x.c0, k), x.c1};
}

void bv_gadget_poseidon_mds_ext(bv_circuit *c, const bv_ext_target in[12], bv_ext_target out[12])
{
    const bv_plonk_config *cfg = bv_circuit_config(c);
    if (cfg->num_routed_wires >= 48 && cfg->num_wires >= 48) {
        bv_gate g = bv_gate_poseidon_mds();
        uint32_t row = bv_circuit_add_gate(c, &g, NULL);
        for (uint32_t i = 0; i < 12; i++) {
            uint32_t wi = bv_poseidon_mds_wire_in(i), wo = bv_poseidon_mds_wire_out(i);
            bv_circuit_connect(c, bv_wire(row, wi), in[i].c0);
            bv_circuit_connect(c, bv_wire(row, wi + 1), in[i].c1);
            out[i] = (bv_ext_target){bv_wire(row, wo), bv_wire(row, wo + 1)};
        }
        return;
    }
    /* narrow configs: the matrix row by row */
    bv_ext_target res[12];
    for (uint32_t r = 0; r < 12; r++) {
        bv_ext_target acc = bv_gadget_ext_zero(c);
        for (uint32_t i = 0; i < 12; i++)
            acc = bv_gadget_ext_arith(c, bv_poseidon_mds_entry(r, i), in[i], bv_gadget_ext_one(c),
                                      1, acc);
        res[r] = acc;
    }
    memcpy(out, res, sizeof res);
}

static bv_ext_target sbox_ext(bv_circuit *c, bv_ext_target x)
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

static void eval_poseidon(bv_circuit *c, const bv_ext_target *w, bv_ext_target *out)
{
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
                s[i] = ext_add_const(c, s[i], bv_poseidon_rc[r][i]);
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
                s[i] = sbox_ext(c, s[i]);
            }
        } else {
            int pk = r - hf;
            for (int i = 0; i < 12; i++)
                if (pre[pk][i] != 0)
                    s[i] = ext_add_const(c, s[i], pre[pk][i]);
            bv_ext_target wv = w[BV_POSEIDON_WIRE_PARTIAL + pk];
            out[k++] = bv_gadget_ext_sub(c, s[0], wv);
            s[0] = sbox_ext(c, wv);
            if (post[pk] != 0)
                s[0] = ext_add_const(c, s[0], post[pk]);
        }
        bv_gadget_poseidon_mds_ext(c, s, s);
    }
    for (int i = 0; i < 12; i++)
        out[k++] = bv_gadget_ext_sub(c, s[i], w[BV_POSEIDON_WIRE_OUT + i]);
}

static void eval_random_access(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                               const bv_ext_target *consts, bv_ext_target *out)
{
    uint32_t bits = g->params[0], copies = g->params[1], extra = g->params[2], k = 0;
    bv_ext_target list[1024];
    for (uint32_t cp = 0; cp < copies; cp++) {
        for (uint32_t b = 0; b < bits; b++) {
            bv_ext_target bit = w[bv_ra_wire_bit(bits, copies, extra, cp, b)];
            out[k++] = bv_gadget_ext_mul_sub(c, bit, bit, bit);
        }
        bv_ext_target recon = bv_gadget_ext_zero(c);
        for (uint32_t b = bits; b-- > 0;)
            recon = bv_gadget_ext_arith(c, 2, recon, bv_gadget_ext_one(c), 1,
                                        w[bv_ra_wire_bit(bits, copies, extra, cp, b)]);
        out[k++] = bv_gadget_ext_sub(c, recon, w[bv_ra_wire_index(bits, cp)]);
        uint32_t len = 1u << bits;
        for (uint32_t i = 0; i < len; i++)
            list[i] = w[bv_ra_wire_list(bits, cp, i)];
        for (uint32_t b = 0; b < bits; b++) {
            bv_ext_target bit = w[bv_ra_wire_bit(bits, copies, extra, cp, b)];
            len /= 2;
            for (uint32_t i = 0; i < len; i++)
                list[i] = bv_gadget_ext_mul_add(
                    c, bit, bv_gadget_ext_sub(c, list[2 * i + 1], list[2 * i]), list[2 * i]);
        }
        out[k++] = bv_gadget_ext_sub(c, list[0], w[bv_ra_wire_claimed(bits, cp)]);
    }
    for (uint32_t i = 0; i < extra; i++)
        out[k++] = bv_gadget_ext_sub(c, consts[i], w[bv_ra_wire_extra_constant(bits, copies, i)]);
}

static void eval_coset_interpolation(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                                     bv_ext_target *out)
{
    uint32_t s = g->params[0], d = g->params[1], n = 1u << s, k = 0;
    uint32_t nint = bv_ci_num_intermediates(s, d);
    gl_t h[256];
    gl_powers(h, gl_root_of_unity(s), n);
    bv_ext_target shift = w[BV_CI_WIRE_SHIFT];
    alg_t z = alg_at(w, bv_ci_wire_point(s));
    alg_t zs = alg_at(w, bv_ci_wire_shifted_point(s, d));
    alg_out(out + k, alg_sub(c, z, alg_scalar(c, zs, shift)));
    k += 2;
    bv_ext_target zero = bv_gadget_ext_zero(c);
    alg_t e = {zero, zero}, p = {bv_gadget_ext_one(c), zero};
    for (uint32_t seg = 0; seg <= nint; seg++) {
        if (seg > 0) {
            alg_t ie = alg_at(w, bv_ci_wire_int_eval(s, seg - 1));
            alg_t ip = alg_at(w, bv_ci_wire_int_prod(s, d, seg - 1));
            alg_out(out + k, alg_sub(c, ie, e));
            alg_out(out + k + 2, alg_sub(c, ip, p));
            k += 4;
            e = ie;
            p = ip;
        }
        uint32_t lo = seg == 0 ? 0 : 1 + (d - 1) * seg;
        uint32_t hi = seg == 0 ? d : (lo + d - 1 < n ? lo + d - 1 : n);
        for (uint32_t i = lo; i < hi; i++) {
            alg_t term = {ext_sub_const(c, zs.a0, h[i]), zs.a1};
            alg_t wv = alg_scalar(c, alg_at(w, bv_ci_wire_value(i)),
                                  bv_gadget_ext_constant(c, gl_ext_from_base(g->data[i])));
            e = alg_add(c, alg_mul(c, e, term), alg_mul(c, wv, p));
            p = alg_mul(c, p, term);
        }
    }
    alg_out(out + k, alg_sub(c, alg_at(w, bv_ci_wire_eval(s)), e));
}

static void eval_reducing(bv_circuit *c, const bv_gate *g, int ext, const bv_ext_target *w,
                          bv_ext_target *out)
{
    uint32_t n = g->params[0];
    bv_ext_target zero = bv_gadget_ext_zero(c);
    alg_t alpha = alg_at(w, BV_RED_WIRE_ALPHA), acc = alg_at(w, BV_RED_WIRE_OLD_ACC);
    for (uint32_t i = 0; i < n; i++) {
        alg_t coeff =
            ext ? alg_at(w, bv_red_ext_wire_coeff(i)) : (alg_t){w[bv_red_wire_coeff(i)], zero};
        alg_t next = alg_at(w, ext ? bv_red_ext_wire_acc(n, i) : bv_red_wire_acc(n, i));
        alg_out(out + 2 * i, alg_sub(c, next, alg_add(c, alg_mul(c, acc, alpha), coeff)));
        acc = next;
    }
}

static const char *const supported_kinds[] = {
    "Noop",
    "Constant",
    "PublicInput",
    "Arithmetic",
    "ArithmeticExtension",
    "MulExtension",
    "BaseSum",
    "Poseidon",
    "PoseidonMds",
    "RandomAccess",
    "CosetInterpolation",
    "Reducing",
    "ReducingExtension",
    "Exponentiation",
};

int bv_gadget_gate_eval_supported(const bv_gate *g)
{
    if (!g || !g->ops || !g->ops->kind)
        return 0;
    if (bv_gate_eval_circuit_of(g))
        return 1;
    for (size_t i = 0; i < sizeof supported_kinds / sizeof supported_kinds[0]; i++)
        if (strcmp(supported_kinds[i], g->ops->kind) == 0)
            /* eval_random_access folds the list in a 2^10-entry buffer */
            return strcmp(g->ops->kind, "RandomAccess") != 0 || g->params[0] <= 10;
    return 0;
}

void bv_gadget_eval_gate_constraints(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                                     const bv_ext_target *consts, const bv_hash_target *pi,
                                     bv_ext_target *out)
{
    if (!bv_gadget_gate_eval_supported(g)) {
        bv_builder_fail(c, BV_ERR_ARG, "eval_gate_constraints: no in-circuit evaluator for gate %s",
                        g && g->ops && g->ops->kind ? g->ops->kind : "(null)");
        return;
    }
    bv_gate_eval_circuit_fn fn = bv_gate_eval_circuit_of(g);
    if (fn) {
        fn(c, g, w, consts, pi, out);
        return;
    }
    const char *kind = g->ops->kind;
    uint32_t p0 = g->params[0];
    if (strcmp(kind, "Noop") == 0) {
        return;
    } else if (strcmp(kind, "Constant") == 0) {
        for (uint32_t i = 0; i < p0; i++)
            out[i] = bv_gadget_ext_sub(c, consts[i], w[i]);
    } else if (strcmp(kind, "PublicInput") == 0) {
        for (uint32_t i = 0; i < 4; i++)
            out[i] = bv_gadget_ext_sub(c, w[i], bv_gadget_ext_from_base(c, pi->e[i]));
    } else if (strcmp(kind, "Arithmetic") == 0) {
        for (uint32_t j = 0; j < p0; j++) {
            const bv_ext_target *o = w + 4 * j;
            /* u = c0*m0*m1 - out; out - (c0*m0*m1 + c1*a) = -(c1*a) - u */
            bv_ext_target t = bv_gadget_ext_mul(c, o[0], o[1]);
            bv_ext_target u = bv_gadget_ext_mul_sub(c, t, consts[0], o[3]);
            out[j] = bv_gadget_ext_arith(c, gl_neg(1), o[2], consts[1], gl_neg(1), u);
        }
    } else if (strcmp(kind, "ArithmeticExtension") == 0) {
        for (uint32_t j = 0; j < p0; j++) {
            const bv_ext_target *o = w + 8 * j;
            alg_t prod = alg_mul(c, alg_at(o, 0), alg_at(o, 2));
            alg_t comp =
                alg_add(c, alg_scalar(c, prod, consts[0]), alg_scalar(c, alg_at(o, 4), consts[1]));
            alg_out(out + 2 * j, alg_sub(c, alg_at(o, 6), comp));
        }
    } else if (strcmp(kind, "MulExtension") == 0) {
        for (uint32_t j = 0; j < p0; j++) {
            const bv_ext_target *o = w + 6 * j;
            alg_t comp = alg_scalar(c, alg_mul(c, alg_at(o, 0), alg_at(o, 2)), consts[0]);
            alg_out(out + 2 * j, alg_sub(c, alg_at(o, 4), comp));
        }
    } else if (strcmp(kind, "BaseSum") == 0) {
        uint32_t base = g->params[1];
        bv_ext_target acc = bv_gadget_ext_zero(c);
        for (uint32_t i = p0; i-- > 0;)
            acc = bv_gadget_ext_arith(c, base, acc, bv_gadget_ext_one(c), 1, w[1 + i]);
        out[0] = bv_gadget_ext_sub(c, acc, w[0]);
        for (uint32_t i = 0; i < p0; i++) {
            bv_ext_target limb = w[1 + i], prod = limb;
            /* prod * (limb - k) = prod*limb - k*prod */
            for (uint32_t k = 1; k < base; k++)
                prod = bv_gadget_ext_arith(c, 1, prod, limb, gl_neg(k), prod);
            out[1 + i] = prod;
        }
    } else if (strcmp(kind, "Poseidon") == 0) {
        eval_poseidon(c, w, out);
    } else if (strcmp(kind, "PoseidonMds") == 0) {
        bv_ext_target a0[12], a1[12], r0[12], r1[12];
        for (uint32_t i = 0; i < 12; i++) {
            a0[i] = w[bv_poseidon_mds_wire_in(i)];
            a1[i] = w[bv_poseidon_mds_wire_in(i) + 1];
        }
        bv_gadget_poseidon_mds_ext(c, a0, r0);
        bv_gadget_poseidon_mds_ext(c, a1, r1);
        for (uint32_t r = 0; r < 12; r++) {
            alg_t o = alg_at(w, bv_poseidon_mds_wire_out(r));
            alg_out(out + 2 * r, alg_sub(c, o, (alg_t){r0[r], r1[r]}));
        }
    } else if (strcmp(kind, "RandomAccess") == 0) {
        eval_random_access(c, g, w, consts, out);
    } else if (strcmp(kind, "CosetInterpolation") == 0) {
        eval_coset_interpolation(c, g, w, out);
    } else if (strcmp(kind, "Reducing") == 0) {
        eval_reducing(c, g, 0, w, out);
    } else if (strcmp(kind, "ReducingExtension") == 0) {
        eval_reducing(c, g, 1, w, out);
    } else if (strcmp(kind, "Exponentiation") == 0) {
        bv_ext_target base = w[BV_EXP_WIRE_BASE], one = bv_gadget_ext_one(c);
        bv_ext_target bm1 = bv_gadget_ext_sub(c, base, one), prev = one;
        for (uint32_t i = 0; i < p0; i++) {
            /* bit*base + 1 - bit = bit*(base - 1) + 1 */
            bv_ext_target f = bv_gadget_ext_mul_add(c, w[bv_exp_wire_bit(p0 - 1 - i)], bm1, one);
            bv_ext_target t = w[bv_exp_wire_int(p0, i)];
            out[i] = i == 0 ? bv_gadget_ext_sub(c, f, t)
                            : bv_gadget_ext_mul_sub(c, bv_gadget_ext_square(c, prev), f, t);
            prev = t;
        }
        out[p0] = bv_gadget_ext_sub(c, w[bv_exp_wire_out(p0)], prev);
    }
}
