/*
 * sha256.c - the SHA-256 gates: Sha256Round2 (two rounds' Sigma/Maj or
 * Sigma/Ch on one row) and Sha256Sched (message-schedule sigmas and 32-bit
 * range checks). Layouts in include/balverify/gates.h, constraints and their
 * soundness argument in docs/GATES.md. The polynomials are written once in
 * sha256_eval.inc for F and K; the in-circuit evaluation below builds the
 * same polynomials with extension-target arithmetic.
 */
#include "balverify/sha256.h"
#include "plonk/gates/gates_internal.h"

/* 1/2, 1/4, (2^32 - 1)/2 and (2^32 - 1)/4 in the field. */
#define BV_SHA_INV2 0x7FFFFFFF80000001ull
#define BV_SHA_INV4 0xBFFFFFFF40000001ull
#define BV_SHA_HALF_ONES 0x8000000000000000ull
#define BV_SHA_QUARTER_ONES 0x4000000000000000ull

/* ---- the polynomials over F and over K ---- */

#define FT gl_t
#define FN(name) base_##name
#define F_ADD gl_add
#define F_SUB gl_sub
#define F_MUL gl_mul
#define F_K(k) ((gl_t)(k))
#include "plonk/gates/sha256_eval.inc"
#undef FT
#undef FN
#undef F_ADD
#undef F_SUB
#undef F_MUL
#undef F_K

#define FT gl_ext
#define FN(name) ext_##name
#define F_ADD gl_ext_add
#define F_SUB gl_ext_sub
#define F_MUL gl_ext_mul
#define F_K(k) gl_ext_from_base((gl_t)(k))
#include "plonk/gates/sha256_eval.inc"
#undef FT
#undef FN
#undef F_ADD
#undef F_SUB
#undef F_MUL
#undef F_K

/* ---- native bit functions for the generators ---- */

static uint64_t round_fn(uint32_t variant, uint32_t x, uint32_t y, uint32_t z)
{
    if (variant == BV_SHA_MAJ)
        return (uint64_t)bv_sha256_bsig0(x) + ((x & y) ^ (x & z) ^ (y & z));
    return (uint64_t)bv_sha256_bsig1(x) + ((x & y) ^ (~x & z));
}

static bv_err read_u32(const bv_witness *w, bv_target t, const char *gate, uint32_t row,
                       uint32_t *out, bv_status *st)
{
    gl_t v = bv_witness_get(w, t);
    if (v > 0xFFFFFFFFull)
        return bv_fail(st, BV_ERR_VERIFY, "%s row %u: wire %u holds %llu, not a 32-bit word", gate,
                       row, t.col, (unsigned long long)v);
    *out = (uint32_t)v;
    return BV_OK;
}

static bv_err set_bits(bv_witness *w, uint32_t row, uint32_t first, uint32_t x, bv_status *st)
{
    for (uint32_t i = 0; i < 32; i++) {
        bv_err e = bv_witness_set(w, bv_wire(row, first + i), (x >> i) & 1, st);
        if (e != BV_OK)
            return e;
    }
    return BV_OK;
}

/* ------------------------------------------------------------------------- */
/* Sha256Round2                                                              */
/* ------------------------------------------------------------------------- */

#define VARIANT(g) ((g)->params[0])

static void r2_id(const bv_gate *g, char *buf, size_t cap)
{
    snprintf(buf, cap, "Sha256Round2(%u)", VARIANT(g));
}
static uint32_t r2_wires(const bv_gate *g)
{
    (void)g;
    return BV_SHA_R2_WIRES;
}
static uint32_t r2_routed(const bv_gate *g)
{
    (void)g;
    return BV_SHA_R2_ROUTED;
}
static uint32_t r2_constants(const bv_gate *g)
{
    return VARIANT(g) == BV_SHA_CH ? 2 : 0;
}
static uint32_t r2_three(const bv_gate *g)
{
    (void)g;
    return 3;
}
static uint32_t r2_two(const bv_gate *g)
{
    (void)g;
    return 2;
}

static void r2_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    base_round2_eval(VARIANT(g), v->wires, v->constants, out);
}
static void r2_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    ext_round2_eval(VARIANT(g), v->wires, v->constants, out);
}

static size_t r2_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap)
{
    (void)g;
    size_t n = 0;
    /* op 0 reads X0..X2, op 1 reads X1..X3 */
    deps_range(deps, cap, &n, row, BV_SHA_R2_WORD(op), 3);
    return n;
}

static bv_err r2_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *consts, bv_witness *w,
                     bv_status *st)
{
    uint32_t x[3];
    for (uint32_t j = 0; j < 3; j++) {
        bv_err e =
            read_u32(w, bv_wire(row, BV_SHA_R2_WORD(op + j)), "Sha256Round2", row, &x[j], st);
        if (e != BV_OK)
            return e;
    }
    /* op 0 owns the bits of X0..X2, op 1 those of X3 */
    for (uint32_t j = op == 0 ? 0 : 2; j < 3; j++) {
        bv_err e = set_bits(w, row, BV_SHA_R2_BIT(op + j, 0), x[j], st);
        if (e != BV_OK)
            return e;
    }
    gl_t f = gl_from_u64(round_fn(VARIANT(g), x[2], x[1], x[0]));
    if (VARIANT(g) == BV_SHA_CH)
        f = gl_add(f, consts[op]);
    return bv_witness_set(w, bv_wire(row, BV_SHA_R2_OUT(op)), f, st);
}

/* In-circuit: s = 1 - 2b, booleanity, and the bit sum of one word. */
static bv_ext_target circ_word(bv_circuit *c, const bv_ext_target *bits, bv_ext_target s[32],
                               bv_ext_target *bool_out)
{
    bv_ext_target one = bv_gadget_ext_one(c), acc = bv_gadget_ext_zero(c);
    for (int i = 31; i >= 0; i--) {
        bv_ext_target b = bits[i];
        s[i] = bv_gadget_ext_arith(c, gl_neg(2), b, one, 1, one);
        bool_out[i] = bv_gadget_ext_arith(c, 1, b, b, gl_neg(1), b);
        acc = bv_gadget_ext_arith(c, 2, acc, one, 1, b);
    }
    return acc;
}

static bv_ext_target circ_xor_sum(bv_circuit *c, const bv_ext_target s[32], const uint32_t *r,
                                  int nr, uint32_t sh)
{
    bv_ext_target acc = bv_gadget_ext_zero(c);
    for (int i = 31; i >= 0; i--) {
        bv_ext_target f[4];
        int nf = 0;
        for (int j = 0; j < nr; j++)
            f[nf++] = s[(i + r[j]) & 31];
        if (sh && i + sh < 32)
            f[nf++] = s[i + sh];
        bv_ext_target p = f[0];
        for (int j = 1; j < nf - 1; j++)
            p = bv_gadget_ext_mul(c, p, f[j]);
        /* acc = 2 acc + p * f_last */
        acc = bv_gadget_ext_arith(c, 1, p, f[nf - 1], 2, acc);
    }
    return acc;
}

/* (2^32 - 1)/2 - p/2 + a */
static bv_ext_target circ_xor_from_prod(bv_circuit *c, bv_ext_target p, bv_ext_target a)
{
    bv_ext_target r = bv_gadget_ext_arith(c, gl_neg(BV_SHA_INV2), p, bv_gadget_ext_one(c), 1, a);
    return bv_gadget_ext_add(c, r, bv_gadget_ext_constant(c, gl_ext_from_base(BV_SHA_HALF_ONES)));
}

static void r2_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                            const bv_ext_target *k, const bv_hash_target *pi, bv_ext_target *out)
{
    (void)pi;
    bv_ext_target s[4][32], x[4], one = bv_gadget_ext_one(c);
    for (uint32_t j = 0; j < 4; j++) {
        x[j] = circ_word(c, w + BV_SHA_R2_BIT(j, 0), s[j], out + 4 + 32 * j);
        out[j] = bv_gadget_ext_sub(c, w[BV_SHA_R2_WORD(j)], x[j]);
    }
    static const uint32_t rot_maj[3] = {2, 13, 22}, rot_ch[3] = {6, 11, 25};
    for (uint32_t r = 0; r < 2; r++) {
        uint32_t a = 2 + r, b = 1 + r, cc = r;
        bv_ext_target f;
        if (VARIANT(g) == BV_SHA_MAJ) {
            bv_ext_target q = bv_gadget_ext_zero(c);
            for (int i = 31; i >= 0; i--) {
                bv_ext_target p = bv_gadget_ext_mul(c, s[a][i], s[b][i]);
                q = bv_gadget_ext_arith(c, 1, p, s[cc][i], 2, q);
            }
            /* (X + Y + Z)/2 - (2^32-1)/4 + Q/4 */
            bv_ext_target sum = bv_gadget_ext_add(c, bv_gadget_ext_add(c, x[a], x[b]), x[cc]);
            bv_ext_target maj = bv_gadget_ext_arith(c, BV_SHA_INV4, q, one, BV_SHA_INV2, sum);
            maj = bv_gadget_ext_sub(
                c, maj, bv_gadget_ext_constant(c, gl_ext_from_base(BV_SHA_QUARTER_ONES)));
            f = circ_xor_from_prod(c, circ_xor_sum(c, s[a], rot_maj, 3, 0), maj);
        } else {
            const bv_ext_target *ba = w + BV_SHA_R2_BIT(a, 0), *bb = w + BV_SHA_R2_BIT(b, 0),
                                *bc = w + BV_SHA_R2_BIT(cc, 0);
            bv_ext_target ch = bv_gadget_ext_zero(c);
            for (int i = 31; i >= 0; i--)
                ch = bv_gadget_ext_arith(c, 1, ba[i], bv_gadget_ext_sub(c, bb[i], bc[i]), 2, ch);
            bv_ext_target rest = bv_gadget_ext_add(c, bv_gadget_ext_add(c, x[cc], ch), k[r]);
            f = circ_xor_from_prod(c, circ_xor_sum(c, s[a], rot_ch, 3, 0), rest);
        }
        out[132 + r] = bv_gadget_ext_sub(c, w[BV_SHA_R2_OUT(r)], f);
    }
}

static const bv_gate_ops r2_ops = {
    .kind = "Sha256Round2",
    .id = r2_id,
    .num_wires = r2_wires,
    .num_constants = r2_constants,
    .degree = r2_three,
    .num_constraints = r2_wires, /* 4 sums + 128 bits + 2 outputs = 134 */
    .num_ops = bv_gate_one,
    .eval_base = r2_eval_base,
    .eval_ext = r2_eval_ext,
    .num_generators = r2_two,
    .gen_deps = r2_deps,
    .gen_run = r2_run,
    .num_extra_constant_wires = bv_gate_no_extra_constants,
    .extra_constant_wire = bv_gate_no_extra_constant_wire,
};

static bv_err r2_check(const bv_gate *g, bv_status *st)
{
    if (VARIANT(g) > BV_SHA_CH || g->params[1] || g->params[2] || g->params[3])
        return bv_fail(st, BV_ERR_FORMAT, "Sha256Round2 gate: bad variant %u", VARIANT(g));
    return bv_gate_check_no_data(g, st);
}

static size_t r2_examples(bv_gate *out, size_t cap)
{
    if (cap >= 2) {
        out[0] = bv_gate_sha256_round2(BV_SHA_MAJ);
        out[1] = bv_gate_sha256_round2(BV_SHA_CH);
    }
    return 2;
}

static gl_t sample_u32(const bv_gate *g, uint32_t wire, uint64_t r)
{
    (void)g;
    (void)wire;
    return r & 0xFFFFFFFFull;
}

const bv_gate_kind bv_gate_kind_sha256_round2 = {.ops = &r2_ops,
                                                 .check = r2_check,
                                                 .routed = r2_routed,
                                                 .eval_circuit = r2_eval_circuit,
                                                 .examples = r2_examples,
                                                 .sample_free = sample_u32};

bv_gate bv_gate_sha256_round2(uint32_t variant)
{
    return (bv_gate){.ops = &r2_ops, .params = {variant}};
}

/* ------------------------------------------------------------------------- */
/* Sha256Sched                                                               */
/* ------------------------------------------------------------------------- */

#define NWORDS(g) ((g)->params[0])

static void sc_id(const bv_gate *g, char *buf, size_t cap)
{
    snprintf(buf, cap, "Sha256Sched(%u)", NWORDS(g));
}
static uint32_t sc_wires(const bv_gate *g)
{
    return 35 * NWORDS(g);
}
static uint32_t sc_routed(const bv_gate *g)
{
    return 3 * NWORDS(g);
}
static uint32_t sc_ops(const bv_gate *g)
{
    return NWORDS(g);
}

static void sc_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    base_sched_eval(NWORDS(g), v->wires, out);
}
static void sc_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    ext_sched_eval(NWORDS(g), v->wires, out);
}

static size_t sc_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap)
{
    (void)g;
    size_t n = 0;
    deps_range(deps, cap, &n, row, bv_sha_sched_wire_word(op), 1);
    return n;
}

static bv_err sc_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *consts, bv_witness *w,
                     bv_status *st)
{
    (void)consts;
    uint32_t x = 0;
    bv_err e = read_u32(w, bv_wire(row, bv_sha_sched_wire_word(op)), "Sha256Sched", row, &x, st);
    if (e == BV_OK)
        e = set_bits(w, row, bv_sha_sched_wire_bit(NWORDS(g), op, 0), x, st);
    if (e == BV_OK)
        e = bv_witness_set(w, bv_wire(row, bv_sha_sched_wire_s0(op)), bv_sha256_ssig0(x), st);
    if (e == BV_OK)
        e = bv_witness_set(w, bv_wire(row, bv_sha_sched_wire_s1(op)), bv_sha256_ssig1(x), st);
    return e;
}

static void sc_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                            const bv_ext_target *k, const bv_hash_target *pi, bv_ext_target *out)
{
    (void)k;
    (void)pi;
    static const uint32_t rot0[2] = {7, 18}, rot1[2] = {17, 19};
    uint32_t n = NWORDS(g);
    bv_ext_target zero = bv_gadget_ext_zero(c);
    for (uint32_t j = 0; j < n; j++) {
        bv_ext_target s[32], *o = out + 35 * j;
        bv_ext_target x = circ_word(c, w + bv_sha_sched_wire_bit(n, j, 0), s, o + 1);
        o[0] = bv_gadget_ext_sub(c, w[bv_sha_sched_wire_word(j)], x);
        bv_ext_target s0 = circ_xor_from_prod(c, circ_xor_sum(c, s, rot0, 2, 3), zero);
        bv_ext_target s1 = circ_xor_from_prod(c, circ_xor_sum(c, s, rot1, 2, 10), zero);
        o[33] = bv_gadget_ext_sub(c, w[bv_sha_sched_wire_s0(j)], s0);
        o[34] = bv_gadget_ext_sub(c, w[bv_sha_sched_wire_s1(j)], s1);
    }
}

static const bv_gate_ops sc_ops_table = {
    .kind = "Sha256Sched",
    .id = sc_id,
    .num_wires = sc_wires,
    .num_constants = bv_gate_zero,
    .degree = r2_three,
    .num_constraints = sc_wires,
    .num_ops = sc_ops,
    .eval_base = sc_eval_base,
    .eval_ext = sc_eval_ext,
    .num_generators = sc_ops,
    .gen_deps = sc_deps,
    .gen_run = sc_run,
    .num_extra_constant_wires = bv_gate_no_extra_constants,
    .extra_constant_wire = bv_gate_no_extra_constant_wire,
};

static bv_err sc_check(const bv_gate *g, bv_status *st)
{
    if (NWORDS(g) < 1 || NWORDS(g) > 16 || g->params[1] || g->params[2] || g->params[3])
        return bv_fail(st, BV_ERR_FORMAT, "Sha256Sched gate: bad word count %u", NWORDS(g));
    return bv_gate_check_no_data(g, st);
}

static size_t sc_examples(bv_gate *out, size_t cap)
{
    static const uint32_t n[2] = {BV_STD_SHA_SCHED_WORDS, 1};
    for (size_t i = 0; i < 2 && i < cap; i++)
        out[i] = bv_gate_sha256_sched(n[i]);
    return 2;
}

const bv_gate_kind bv_gate_kind_sha256_sched = {.ops = &sc_ops_table,
                                                .check = sc_check,
                                                .routed = sc_routed,
                                                .eval_circuit = sc_eval_circuit,
                                                .examples = sc_examples,
                                                .sample_free = sample_u32};

bv_gate bv_gate_sha256_sched(uint32_t words)
{
    return (bv_gate){.ops = &sc_ops_table, .params = {words}};
}
