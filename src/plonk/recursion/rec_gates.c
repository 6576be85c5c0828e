/* rec_gates.c - gate constraints evaluated on ext targets: the in-circuit
 * mirror of every gate's eval_ext, looked up by gate kind. Each evaluator
 * follows its native counterpart operation by operation so that the values
 * are the same polynomials of (wires, constants). Gates that treat wire
 * pairs as K elements work in the extension algebra K[Y]/(Y^2 - 7) here as
 * well (PROOF_SYSTEM.md 1.4). */
#include <string.h>

#include "balverify/gates.h"
#include "balverify/poseidon.h"
#include "rec_internal.h"

/* ---- extension-algebra helpers on targets ---- */

rec_alg rec_alg_at(const bv_ext_target *w, uint32_t i)
{
    return (rec_alg){w[i], w[i + 1]};
}

rec_alg rec_alg_from_ext(bv_circuit *c, bv_ext_target a)
{
    return (rec_alg){a, bv_gadget_ext_zero(c)};
}

rec_alg rec_alg_add(bv_circuit *c, rec_alg a, rec_alg b)
{
    return (rec_alg){bv_gadget_ext_add(c, a.a0, b.a0), bv_gadget_ext_add(c, a.a1, b.a1)};
}

rec_alg rec_alg_sub(bv_circuit *c, rec_alg a, rec_alg b)
{
    return (rec_alg){bv_gadget_ext_sub(c, a.a0, b.a0), bv_gadget_ext_sub(c, a.a1, b.a1)};
}

rec_alg rec_alg_scalar(bv_circuit *c, rec_alg a, bv_ext_target k)
{
    return (rec_alg){bv_gadget_ext_mul(c, a.a0, k), bv_gadget_ext_mul(c, a.a1, k)};
}

/* (a0 + a1 Y)(b0 + b1 Y) = a0 b0 + 7 a1 b1 + (a0 b1 + a1 b0) Y */
rec_alg rec_alg_mul(bv_circuit *c, rec_alg a, rec_alg b)
{
    bv_ext_target t = bv_gadget_ext_mul(c, a.a1, b.a1);
    bv_ext_target r0 = bv_gadget_ext_arith(c, 1, a.a0, b.a0, GL_EXT_W, t);
    bv_ext_target r1 = bv_gadget_ext_mul(c, a.a0, b.a1);
    r1 = bv_gadget_ext_mul_add(c, a.a1, b.a0, r1);
    return (rec_alg){r0, r1};
}

static void alg_out(bv_ext_target *out, rec_alg a)
{
    out[0] = a.a0;
    out[1] = a.a1;
}

static bv_ext_target ext_const_base(bv_circuit *c, gl_t v)
{
    return bv_gadget_ext_constant(c, gl_ext_from_base(v));
}

/* ---- evaluators ---- */

typedef struct {
    bv_circuit *c;
    const bv_gate *g;
    const bv_ext_target *w;
    const bv_ext_target *k; /* gate constants */
    const bv_hash_target *pih;
    bv_ext_target *out;
} rec_ctx;

static void ev_noop(rec_ctx *x)
{
    (void)x;
}

static void ev_constant(rec_ctx *x)
{
    for (uint32_t i = 0; i < x->g->params[0]; i++)
        x->out[i] = bv_gadget_ext_sub(x->c, x->k[i], x->w[i]);
}

static void ev_public_input(rec_ctx *x)
{
    for (int i = 0; i < 4; i++)
        x->out[i] = bv_gadget_ext_sub(x->c, x->w[i], bv_gadget_ext_from_base(x->c, x->pih->e[i]));
}

static void ev_arith(rec_ctx *x)
{
    bv_circuit *c = x->c;
    uint32_t nops = x->g->ops->num_ops(x->g);
    for (uint32_t j = 0; j < nops; j++) {
        const bv_ext_target *w = x->w + 4 * j;
        bv_ext_target prod = bv_gadget_ext_mul(c, bv_gadget_ext_mul(c, w[0], w[1]), x->k[0]);
        bv_ext_target comp = bv_gadget_ext_mul_add(c, w[2], x->k[1], prod);
        x->out[j] = bv_gadget_ext_sub(c, w[3], comp);
    }
}

static void ev_arith_ext(rec_ctx *x)
{
    bv_circuit *c = x->c;
    uint32_t nops = x->g->ops->num_ops(x->g);
    for (uint32_t j = 0; j < nops; j++) {
        const bv_ext_target *w = x->w + 8 * j;
        rec_alg prod = rec_alg_mul(c, rec_alg_at(w, 0), rec_alg_at(w, 2));
        rec_alg comp = rec_alg_add(c, rec_alg_scalar(c, prod, x->k[0]),
                                   rec_alg_scalar(c, rec_alg_at(w, 4), x->k[1]));
        alg_out(x->out + 2 * j, rec_alg_sub(c, rec_alg_at(w, 6), comp));
    }
}

static void ev_mul_ext(rec_ctx *x)
{
    bv_circuit *c = x->c;
    uint32_t nops = x->g->ops->num_ops(x->g);
    for (uint32_t j = 0; j < nops; j++) {
        const bv_ext_target *w = x->w + 6 * j;
        rec_alg comp =
            rec_alg_scalar(c, rec_alg_mul(c, rec_alg_at(w, 0), rec_alg_at(w, 2)), x->k[0]);
        alg_out(x->out + 2 * j, rec_alg_sub(c, rec_alg_at(w, 4), comp));
    }
}

static void ev_base_sum(rec_ctx *x)
{
    bv_circuit *c = x->c;
    uint32_t n = x->g->params[0], base = x->g->params[1];
    bv_ext_target one = bv_gadget_ext_one(c);
    bv_ext_target acc = bv_gadget_ext_zero(c);
    for (uint32_t i = n; i-- > 0;)
        acc = bv_gadget_ext_arith(c, base, acc, one, 1, x->w[1 + i]);
    x->out[0] = bv_gadget_ext_sub(c, acc, x->w[0]);
    for (uint32_t i = 0; i < n; i++) {
        bv_ext_target limb = x->w[1 + i], prod = limb;
        for (uint32_t k = 1; k < base; k++)
            prod = bv_gadget_ext_mul(c, prod,
                                     bv_gadget_ext_add(c, limb, ext_const_base(c, gl_neg(k))));
        x->out[1 + i] = prod;
    }
}

static void ev_random_access(rec_ctx *x)
{
    bv_circuit *c = x->c;
    const bv_ext_target *w = x->w;
    uint32_t bits = x->g->params[0], copies = x->g->params[1], extra = x->g->params[2], k = 0;
    bv_ext_target list[1u << 10];
    bv_ext_target minus_one = ext_const_base(c, gl_neg(1));
    for (uint32_t cp = 0; cp < copies; cp++) {
        bv_ext_target index = w[bv_ra_wire_index(bits, cp)];
        bv_ext_target claimed = w[bv_ra_wire_claimed(bits, cp)];
        for (uint32_t b = 0; b < bits; b++) {
            bv_ext_target bit = w[bv_ra_wire_bit(bits, copies, extra, cp, b)];
            x->out[k++] = bv_gadget_ext_mul(c, bit, bv_gadget_ext_add(c, bit, minus_one));
        }
        bv_ext_target recon = bv_gadget_ext_zero(c);
        for (uint32_t b = bits; b-- > 0;)
            recon = bv_gadget_ext_add(c, bv_gadget_ext_add(c, recon, recon),
                                      w[bv_ra_wire_bit(bits, copies, extra, cp, b)]);
        x->out[k++] = bv_gadget_ext_sub(c, recon, index);
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
        x->out[k++] = bv_gadget_ext_sub(c, list[0], claimed);
    }
    for (uint32_t i = 0; i < extra; i++)
        x->out[k++] = bv_gadget_ext_sub(c, x->k[i], w[bv_ra_wire_extra_constant(bits, copies, i)]);
}

static void ev_reducing_common(rec_ctx *x, int ext)
{
    bv_circuit *c = x->c;
    const bv_ext_target *w = x->w;
    uint32_t n = x->g->params[0];
    rec_alg alpha = rec_alg_at(w, BV_RED_WIRE_ALPHA), acc = rec_alg_at(w, BV_RED_WIRE_OLD_ACC);
    for (uint32_t i = 0; i < n; i++) {
        rec_alg coeff = ext ? rec_alg_at(w, bv_red_ext_wire_coeff(i))
                            : rec_alg_from_ext(c, w[bv_red_wire_coeff(i)]);
        rec_alg next = rec_alg_at(w, ext ? bv_red_ext_wire_acc(n, i) : bv_red_wire_acc(n, i));
        alg_out(x->out + 2 * i,
                rec_alg_sub(c, next, rec_alg_add(c, rec_alg_mul(c, acc, alpha), coeff)));
        acc = next;
    }
}

static void ev_reducing(rec_ctx *x)
{
    ev_reducing_common(x, 0);
}

static void ev_reducing_ext(rec_ctx *x)
{
    ev_reducing_common(x, 1);
}

static void ev_exponentiation(rec_ctx *x)
{
    bv_circuit *c = x->c;
    const bv_ext_target *w = x->w;
    uint32_t b = x->g->params[0];
    bv_ext_target one = bv_gadget_ext_one(c);
    bv_ext_target base = w[BV_EXP_WIRE_BASE], prev = one;
    bv_ext_target bm1 = bv_gadget_ext_sub(c, base, one);
    for (uint32_t i = 0; i < b; i++) {
        bv_ext_target bit = w[bv_exp_wire_bit(b - 1 - i)];
        /* bit*base + 1 - bit = bit*(base - 1) + 1 */
        bv_ext_target factor = bv_gadget_ext_mul_add(c, bit, bm1, one);
        bv_ext_target t = w[bv_exp_wire_int(b, i)];
        x->out[i] = bv_gadget_ext_mul_sub(c, bv_gadget_ext_square(c, prev), factor, t);
        prev = t;
    }
    x->out[b] = bv_gadget_ext_sub(c, w[bv_exp_wire_out(b)], prev);
}

/* The Poseidon MDS layer on 12 K values: one PoseidonMdsGate row. */
void rec_mds(bv_circuit *c, const bv_ext_target in[12], bv_ext_target out[12])
{
    bv_gate g = bv_gate_poseidon_mds();
    uint32_t row = bv_circuit_add_gate(c, &g, NULL);
    for (uint32_t i = 0; i < 12; i++) {
        uint32_t wi = bv_poseidon_mds_wire_in(i), wo = bv_poseidon_mds_wire_out(i);
        bv_circuit_connect(c, bv_wire(row, wi), in[i].c0);
        bv_circuit_connect(c, bv_wire(row, wi + 1), in[i].c1);
        out[i] = (bv_ext_target){bv_wire(row, wo), bv_wire(row, wo + 1)};
    }
}

static void ev_poseidon_mds(rec_ctx *x)
{
    bv_circuit *c = x->c;
    bv_ext_target c0[12], c1[12], r0[12], r1[12];
    for (uint32_t i = 0; i < 12; i++) {
        rec_alg a = rec_alg_at(x->w, bv_poseidon_mds_wire_in(i));
        c0[i] = a.a0;
        c1[i] = a.a1;
    }
    rec_mds(c, c0, r0);
    rec_mds(c, c1, r1);
    for (uint32_t r = 0; r < 12; r++) {
        rec_alg o = rec_alg_at(x->w, bv_poseidon_mds_wire_out(r));
        alg_out(x->out + 2 * r, rec_alg_sub(c, o, (rec_alg){r0[r], r1[r]}));
    }
}

static bv_ext_target sbox(bv_circuit *c, bv_ext_target v)
{
    bv_ext_target x2 = bv_gadget_ext_square(c, v);
    bv_ext_target x3 = bv_gadget_ext_mul(c, x2, v);
    bv_ext_target x4 = bv_gadget_ext_square(c, x2);
    return bv_gadget_ext_mul(c, x3, x4);
}

static int sbox_wire(int r, int i)
{
    const int hf = BV_POSEIDON_HALF_FULL_ROUNDS, pr = BV_POSEIDON_PARTIAL_ROUNDS;
    if (r == 0)
        return -1;
    if (r < hf)
        return BV_POSEIDON_WIRE_FULL0 + 12 * (r - 1) + i;
    if (r < hf + pr)
        return i == 0 ? BV_POSEIDON_WIRE_PARTIAL + (r - hf) : -1;
    return BV_POSEIDON_WIRE_FULL1 + 12 * (r - hf - pr) + i;
}

/* The permutation follows pos_eval_ext round by round. Round constants are
 * not added with an operation each: every lane carries a constant offset
 * (value = target + offset) that round constants and the linear MDS layer
 * update natively; the offset is added to the target only where the value
 * itself is needed (an S-box, a stored-wire constraint). The values are
 * the same polynomials, with about 240 fewer ext additions. */
static void ev_poseidon(rec_ctx *x)
{
    bv_circuit *c = x->c;
    const bv_ext_target *w = x->w;
    const int hf = BV_POSEIDON_HALF_FULL_ROUNDS, pr = BV_POSEIDON_PARTIAL_ROUNDS;
    bv_ext_target swap = w[BV_POSEIDON_WIRE_SWAP], s[12], t[12];
    gl_t off[12] = {0}, toff[12];
    int k = 0;
    x->out[k++] = bv_gadget_ext_mul_sub(c, swap, swap, swap);
    for (int i = 0; i < 4; i++) {
        bv_ext_target delta = w[BV_POSEIDON_WIRE_DELTA + i];
        x->out[k++] = bv_gadget_ext_mul_sub(c, swap, bv_gadget_ext_sub(c, w[i + 4], w[i]), delta);
        s[i] = bv_gadget_ext_add(c, w[i], delta);
        s[i + 4] = bv_gadget_ext_sub(c, w[i + 4], delta);
    }
    for (int i = 8; i < 12; i++)
        s[i] = w[i];
    for (int r = 0; r < BV_POSEIDON_ROUNDS; r++) {
        int full = r < hf || r >= hf + pr;
        for (int i = 0; i < 12; i++)
            off[i] = gl_add(off[i], bv_poseidon_rc[r][i]);
        for (int i = 0; i < (full ? 12 : 1); i++) {
            if (off[i] != 0)
                s[i] = bv_gadget_ext_add(c, s[i], ext_const_base(c, off[i]));
            off[i] = 0;
            int wi = sbox_wire(r, i);
            if (wi >= 0) {
                x->out[k++] = bv_gadget_ext_sub(c, s[i], w[wi]);
                s[i] = w[wi];
            }
            s[i] = sbox(c, s[i]);
        }
        rec_mds(c, s, t);
        memcpy(s, t, sizeof s);
        for (uint32_t i = 0; i < 12; i++) {
            gl_t acc = 0;
            for (uint32_t j = 0; j < 12; j++)
                acc = gl_add(acc, gl_mul(gl_from_u64(bv_poseidon_mds_entry(i, j)), off[j]));
            toff[i] = acc;
        }
        memcpy(off, toff, sizeof off);
    }
    for (int i = 0; i < 12; i++) {
        bv_ext_target v = s[i];
        if (off[i] != 0)
            v = bv_gadget_ext_add(c, v, ext_const_base(c, off[i]));
        x->out[k++] = bv_gadget_ext_sub(c, v, w[BV_POSEIDON_WIRE_OUT + i]);
    }
}

static void ev_coset_interpolation(rec_ctx *x)
{
    bv_circuit *c = x->c;
    const bv_gate *g = x->g;
    const bv_ext_target *w = x->w;
    uint32_t sb = g->params[0], d = g->params[1], k = 0, npts = 1u << sb;
    uint32_t nint = bv_ci_num_intermediates(sb, d);
    gl_t root = gl_root_of_unity(sb);
    bv_ext_target shift = w[BV_CI_WIRE_SHIFT];
    rec_alg z = rec_alg_at(w, bv_ci_wire_point(sb));
    rec_alg zs = rec_alg_at(w, bv_ci_wire_shifted_point(sb, d));
    alg_out(x->out + k, rec_alg_sub(c, z, rec_alg_scalar(c, zs, shift)));
    k += 2;
    rec_alg e = {bv_gadget_ext_zero(c), bv_gadget_ext_zero(c)};
    rec_alg p = {bv_gadget_ext_one(c), bv_gadget_ext_zero(c)};
    uint32_t i = 0;
    for (uint32_t seg = 0; seg <= nint; seg++) {
        if (seg > 0) {
            rec_alg ie = rec_alg_at(w, bv_ci_wire_int_eval(sb, seg - 1));
            rec_alg ip = rec_alg_at(w, bv_ci_wire_int_prod(sb, d, seg - 1));
            alg_out(x->out + k, rec_alg_sub(c, ie, e));
            alg_out(x->out + k + 2, rec_alg_sub(c, ip, p));
            k += 4;
            e = ie;
            p = ip;
        }
        uint32_t lo = seg == 0 ? 0 : 1 + (d - 1) * seg;
        uint32_t hi = seg == 0 ? d : (lo + d - 1 < npts ? lo + d - 1 : npts);
        for (i = lo; i < hi; i++) {
            gl_t hi_pt = gl_pow(root, i);
            rec_alg term = {bv_gadget_ext_add(c, zs.a0, ext_const_base(c, gl_neg(hi_pt))), zs.a1};
            rec_alg wv = rec_alg_at(w, bv_ci_wire_value(i));
            bv_ext_target wt = ext_const_base(c, g->data[i]);
            wv = (rec_alg){bv_gadget_ext_mul(c, wv.a0, wt), bv_gadget_ext_mul(c, wv.a1, wt)};
            e = rec_alg_add(c, rec_alg_mul(c, e, term), rec_alg_mul(c, wv, p));
            p = rec_alg_mul(c, p, term);
        }
    }
    alg_out(x->out + k, rec_alg_sub(c, rec_alg_at(w, bv_ci_wire_eval(sb)), e));
}

typedef struct {
    const char *kind;
    void (*fn)(rec_ctx *x);
} rec_entry;

static const rec_entry table[] = {
    {"Noop", ev_noop},
    {"Constant", ev_constant},
    {"PublicInput", ev_public_input},
    {"Arithmetic", ev_arith},
    {"ArithmeticExtension", ev_arith_ext},
    {"MulExtension", ev_mul_ext},
    {"BaseSum", ev_base_sum},
    {"RandomAccess", ev_random_access},
    {"Reducing", ev_reducing},
    {"ReducingExtension", ev_reducing_ext},
    {"Exponentiation", ev_exponentiation},
    {"PoseidonMds", ev_poseidon_mds},
    {"Poseidon", ev_poseidon},
    {"CosetInterpolation", ev_coset_interpolation},
};

static const rec_entry *lookup(const bv_gate *g)
{
    if (!g || !g->ops || !g->ops->kind)
        return NULL;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].kind, g->ops->kind) == 0)
            return &table[i];
    return NULL;
}

int bv_rec_gate_supported(const bv_gate *g)
{
    const rec_entry *e = lookup(g);
    if (!e)
        return 0;
    /* RandomAccess lists above 2^10 do not fit the evaluator's buffer */
    if (strcmp(e->kind, "RandomAccess") == 0 && g->params[0] > 10)
        return 0;
    return 1;
}

bv_err bv_rec_eval_gate(bv_circuit *c, const bv_gate *g, const bv_ext_target *wires,
                        const bv_ext_target *constants, const bv_hash_target *pi_hash,
                        bv_ext_target *out, bv_status *st)
{
    if (!bv_rec_gate_supported(g))
        return bv_fail(st, BV_ERR_UNSUPPORTED, "recursion: no in-circuit evaluator for gate %s",
                       g && g->ops && g->ops->kind ? g->ops->kind : "(null)");
    rec_ctx x = {c, g, wires, constants, pi_hash, out};
    lookup(g)->fn(&x);
    return BV_OK;
}
