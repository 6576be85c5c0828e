/*
 * exponentiation.c - ExponentiationGate(b): out = base^e for the b-bit
 * exponent e = sum_i bit_i 2^i given as wires. Square-and-multiply from the
 * most significant bit, one intermediate wire per step:
 *     t_i = t_{i-1}^2 * (bit * base + 1 - bit),  t_{-1} = 1,
 * processing bit b-1-i at step i; then out = t_{b-1}. Degree 4 (2 for b = 1). The bits are
 * not checked to be boolean here: callers connect them to bits that are (the
 * output of a BaseSumGate split, for instance).
 */
#include "plonk/gates/gates_internal.h"

#define NBITS(g) ((g)->params[0])

static void exp_id(const bv_gate *g, char *buf, size_t cap)
{
    snprintf(buf, cap, "Exponentiation(%u)", NBITS(g));
}

static uint32_t exp_wires(const bv_gate *g)
{
    return 2 + 2 * NBITS(g);
}
static uint32_t exp_routed(const bv_gate *g)
{
    return 2 + NBITS(g);
}
/* t_{i-1}^2 * (bit*base + 1 - bit) has degree 4 once t_{i-1} is a wire;
 * with a single bit t_{-1} is the constant 1 and the degree is 2. */
static uint32_t exp_degree(const bv_gate *g)
{
    return NBITS(g) == 1 ? 2 : 4;
}
static uint32_t exp_constraints(const bv_gate *g)
{
    return NBITS(g) + 1;
}

static void exp_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    const gl_t *w = v->wires;
    uint32_t b = NBITS(g);
    gl_t base = w[BV_EXP_WIRE_BASE], prev = 1;
    for (uint32_t i = 0; i < b; i++) {
        gl_t bit = w[bv_exp_wire_bit(b - 1 - i)];
        gl_t factor = gl_add(gl_mul(bit, base), gl_sub(1, bit));
        gl_t t = w[bv_exp_wire_int(b, i)];
        out[i] = gl_sub(gl_mul(gl_sqr(prev), factor), t);
        prev = t;
    }
    out[b] = gl_sub(w[bv_exp_wire_out(b)], prev);
}

static void exp_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    const gl_ext *w = v->wires;
    uint32_t b = NBITS(g);
    gl_ext base = w[BV_EXP_WIRE_BASE], prev = gl_ext_one();
    for (uint32_t i = 0; i < b; i++) {
        gl_ext bit = w[bv_exp_wire_bit(b - 1 - i)];
        gl_ext factor = gl_ext_add(gl_ext_mul(bit, base), gl_ext_sub(gl_ext_one(), bit));
        gl_ext t = w[bv_exp_wire_int(b, i)];
        out[i] = gl_ext_sub(gl_ext_mul(gl_ext_sqr(prev), factor), t);
        prev = t;
    }
    out[b] = gl_ext_sub(w[bv_exp_wire_out(b)], prev);
}

static size_t exp_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap)
{
    (void)op;
    size_t n = 0;
    deps_range(deps, cap, &n, row, 0, 1 + NBITS(g)); /* base and bits */
    return n;
}

static bv_err exp_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *c, bv_witness *w,
                      bv_status *st)
{
    (void)op;
    (void)c;
    uint32_t b = NBITS(g);
    gl_t base = bv_witness_get(w, bv_wire(row, BV_EXP_WIRE_BASE)), t = 1;
    for (uint32_t i = 0; i < b; i++) {
        gl_t bit = bv_witness_get(w, bv_wire(row, bv_exp_wire_bit(b - 1 - i)));
        if (bit > 1)
            return bv_fail(st, BV_ERR_VERIFY,
                           "ExponentiationGate row %u: bit %u is %llu, not 0 or 1", row, b - 1 - i,
                           (unsigned long long)bit);
        t = gl_sqr(t);
        if (bit)
            t = gl_mul(t, base);
        bv_err e = bv_witness_set(w, bv_wire(row, bv_exp_wire_int(b, i)), t, st);
        if (e != BV_OK)
            return e;
    }
    return bv_witness_set(w, bv_wire(row, bv_exp_wire_out(b)), t, st);
}

static const bv_gate_ops exp_ops = {
    .kind = "Exponentiation",
    .id = exp_id,
    .num_wires = exp_wires,
    .num_constants = bv_gate_zero,
    .degree = exp_degree,
    .num_constraints = exp_constraints,
    .num_ops = bv_gate_one,
    .eval_base = exp_eval_base,
    .eval_ext = exp_eval_ext,
    .num_generators = bv_gate_one,
    .gen_deps = exp_deps,
    .gen_run = exp_run,
    .num_extra_constant_wires = bv_gate_no_extra_constants,
    .extra_constant_wire = bv_gate_no_extra_constant_wire,
};

static bv_err exp_check(const bv_gate *g, bv_status *st)
{
    if (NBITS(g) < 1 || NBITS(g) > BV_GATE_MAX_WIRES / 2 - 1 || g->params[1] || g->params[2] ||
        g->params[3])
        return bv_fail(st, BV_ERR_FORMAT, "Exponentiation gate: bad parameters (%u bits)",
                       NBITS(g));
    return bv_gate_check_no_data(g, st);
}

static void exp_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                             const bv_ext_target *consts, const bv_hash_target *pi,
                             bv_ext_target *out)
{
    (void)consts;
    (void)pi;
    uint32_t nb = NBITS(g);
    bv_ext_target base = w[BV_EXP_WIRE_BASE], one = bv_gadget_ext_one(c);
    bv_ext_target bm1 = bv_gadget_ext_sub(c, base, one), prev = one;
    for (uint32_t i = 0; i < nb; i++) {
        /* bit*base + 1 - bit = bit*(base - 1) + 1 */
        bv_ext_target f = bv_gadget_ext_mul_add(c, w[bv_exp_wire_bit(nb - 1 - i)], bm1, one);
        bv_ext_target t = w[bv_exp_wire_int(nb, i)];
        out[i] = i == 0 ? bv_gadget_ext_sub(c, f, t)
                        : bv_gadget_ext_mul_sub(c, bv_gadget_ext_square(c, prev), f, t);
        prev = t;
    }
    out[nb] = bv_gadget_ext_sub(c, w[bv_exp_wire_out(nb)], prev);
}

static size_t exp_examples(bv_gate *out, size_t cap)
{
    size_t n = bv_gate_example(out, cap, 0, bv_gate_exponentiation(BV_STD_EXP_BITS));
    n = bv_gate_example(out, cap, n, bv_gate_exponentiation(5));
    return bv_gate_example(out, cap, n, bv_gate_exponentiation(1));
}

/* The generator needs boolean exponent bits. */
static gl_t exp_sample_free(const bv_gate *g, uint32_t wire, uint64_t r)
{
    if (wire >= 1 && wire <= NBITS(g))
        return r & 1;
    return gl_from_u64(r);
}

/* x^0 = 1 whatever x is. */
static int exp_ignores_wire(const bv_gate *g, const gl_t *wires, uint32_t wire)
{
    if (wire != BV_EXP_WIRE_BASE)
        return 0;
    for (uint32_t i = 0; i < NBITS(g); i++)
        if (wires[bv_exp_wire_bit(i)] != 0)
            return 0;
    return 1;
}

const bv_gate_kind bv_gate_kind_exponentiation = {.ops = &exp_ops,
                                                  .check = exp_check,
                                                  .routed = exp_routed,
                                                  .eval_circuit = exp_eval_circuit,
                                                  .examples = exp_examples,
                                                  .sample_free = exp_sample_free,
                                                  .ignores_wire = exp_ignores_wire};

bv_gate bv_gate_exponentiation(uint32_t num_power_bits)
{
    return (bv_gate){.ops = &exp_ops, .params = {num_power_bits}};
}

uint32_t bv_exp_max_bits(uint32_t num_wires, uint32_t num_routed)
{
    /* base and output are routed besides the bits; intermediates are not */
    uint32_t by_routed = num_routed > 2 ? num_routed - 2 : 0;
    uint32_t by_wires = num_wires > 2 ? (num_wires - 2) / 2 : 0;
    return by_routed < by_wires ? by_routed : by_wires;
}
