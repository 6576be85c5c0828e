/*
 * u32_add.c - U32Add(m, c, ops): per op, in_0 + ... + in_{m-1} = out + 2^32 *
 * carry with the carry given by c boolean wires (include/balverify/gates.h).
 * The gate does not range-check out: an identity of small integers in the
 * field (every value far below p) says out = sum - 2^32 carry, and the one
 * carry that puts out in [0, 2^32) is fixed by the range check the caller
 * places on out (docs/GATES.md).
 */
#include "plonk/gates/gates_internal.h"

#define NIN(g) ((g)->params[0])
#define CBITS(g) ((g)->params[1])
#define NOPS(g) ((g)->params[2])

static void ua_id(const bv_gate *g, char *buf, size_t cap)
{
    snprintf(buf, cap, "U32Add(%u,%u,%u)", NIN(g), CBITS(g), NOPS(g));
}
static uint32_t ua_routed(const bv_gate *g)
{
    return NOPS(g) * (NIN(g) + 1);
}
static uint32_t ua_wires(const bv_gate *g)
{
    return NOPS(g) * (NIN(g) + 1 + CBITS(g));
}
static uint32_t ua_constraints(const bv_gate *g)
{
    return NOPS(g) * (1 + CBITS(g));
}
static uint32_t ua_ops(const bv_gate *g)
{
    return NOPS(g);
}
static uint32_t ua_two(const bv_gate *g)
{
    (void)g;
    return 2;
}

static void ua_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    const gl_t *w = v->wires;
    uint32_t m = NIN(g), cb = CBITS(g), ops = NOPS(g);
    for (uint32_t k = 0; k < ops; k++) {
        gl_t *o = out + k * (1 + cb), sum = 0, carry = 0;
        for (uint32_t j = 0; j < m; j++)
            sum = gl_add(sum, w[bv_u32_add_wire_in(m, k, j)]);
        for (uint32_t j = cb; j-- > 0;) {
            gl_t b = w[bv_u32_add_wire_carry(m, cb, ops, k, j)];
            carry = gl_add(gl_double(carry), b);
            o[1 + j] = gl_sub(gl_mul(b, b), b);
        }
        o[0] = gl_sub(gl_sub(sum, w[bv_u32_add_wire_out(m, k)]), gl_mul(carry, (gl_t)1 << 32));
    }
}

static void ua_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    const gl_ext *w = v->wires;
    uint32_t m = NIN(g), cb = CBITS(g), ops = NOPS(g);
    for (uint32_t k = 0; k < ops; k++) {
        gl_ext *o = out + k * (1 + cb), sum = gl_ext_zero(), carry = gl_ext_zero();
        for (uint32_t j = 0; j < m; j++)
            sum = gl_ext_add(sum, w[bv_u32_add_wire_in(m, k, j)]);
        for (uint32_t j = cb; j-- > 0;) {
            gl_ext b = w[bv_u32_add_wire_carry(m, cb, ops, k, j)];
            carry = gl_ext_add(gl_ext_add(carry, carry), b);
            o[1 + j] = gl_ext_sub(gl_ext_mul(b, b), b);
        }
        o[0] = gl_ext_sub(gl_ext_sub(sum, w[bv_u32_add_wire_out(m, k)]),
                          gl_ext_scalar_mul(carry, (gl_t)1 << 32));
    }
}

static void ua_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                            const bv_ext_target *consts, const bv_hash_target *pi,
                            bv_ext_target *out)
{
    (void)consts;
    (void)pi;
    uint32_t m = NIN(g), cb = CBITS(g), ops = NOPS(g);
    bv_ext_target one = bv_gadget_ext_one(c);
    for (uint32_t k = 0; k < ops; k++) {
        bv_ext_target *o = out + k * (1 + cb);
        bv_ext_target carry = bv_gadget_ext_zero(c);
        for (uint32_t j = cb; j-- > 0;) {
            bv_ext_target b = w[bv_u32_add_wire_carry(m, cb, ops, k, j)];
            carry = bv_gadget_ext_arith(c, 2, carry, one, 1, b);
            o[1 + j] = bv_gadget_ext_arith(c, 1, b, b, gl_neg(1), b);
        }
        /* sum - out - 2^32 carry */
        bv_ext_target acc = bv_gadget_ext_arith(c, gl_neg((gl_t)1 << 32), carry, one, gl_neg(1),
                                                w[bv_u32_add_wire_out(m, k)]);
        for (uint32_t j = 0; j < m; j++)
            acc = bv_gadget_ext_add(c, acc, w[bv_u32_add_wire_in(m, k, j)]);
        o[0] = acc;
    }
}

static size_t ua_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap)
{
    size_t n = 0;
    deps_range(deps, cap, &n, row, bv_u32_add_wire_in(NIN(g), op, 0), NIN(g));
    return n;
}

static bv_err ua_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *consts, bv_witness *w,
                     bv_status *st)
{
    (void)consts;
    uint32_t m = NIN(g), cb = CBITS(g), ops = NOPS(g);
    unsigned __int128 sum = 0;
    for (uint32_t j = 0; j < m; j++) {
        gl_t v = bv_witness_get(w, bv_wire(row, bv_u32_add_wire_in(m, op, j)));
        if (v >> 40)
            return bv_fail(st, BV_ERR_VERIFY,
                           "U32Add row %u op %u: input %u is %llu, not a small integer", row, op, j,
                           (unsigned long long)v);
        sum += v;
    }
    uint64_t carry = (uint64_t)(sum >> 32);
    if (carry >> cb)
        return bv_fail(st, BV_ERR_VERIFY, "U32Add row %u op %u: carry %llu does not fit in %u bits",
                       row, op, (unsigned long long)carry, cb);
    bv_err e =
        bv_witness_set(w, bv_wire(row, bv_u32_add_wire_out(m, op)), (gl_t)(sum & 0xFFFFFFFFu), st);
    for (uint32_t j = 0; j < cb && e == BV_OK; j++)
        e = bv_witness_set(w, bv_wire(row, bv_u32_add_wire_carry(m, cb, ops, op, j)),
                           (carry >> j) & 1, st);
    return e;
}

static const bv_gate_ops ua_ops_table = {
    .kind = "U32Add",
    .id = ua_id,
    .num_wires = ua_wires,
    .num_constants = bv_gate_zero,
    .degree = ua_two,
    .num_constraints = ua_constraints,
    .num_ops = ua_ops,
    .eval_base = ua_eval_base,
    .eval_ext = ua_eval_ext,
    .num_generators = ua_ops,
    .gen_deps = ua_deps,
    .gen_run = ua_run,
    .num_extra_constant_wires = bv_gate_no_extra_constants,
    .extra_constant_wire = bv_gate_no_extra_constant_wire,
};

static bv_err ua_check(const bv_gate *g, bv_status *st)
{
    if (NIN(g) < 1 || NIN(g) > 16 || CBITS(g) < 1 || CBITS(g) > 8 || NOPS(g) < 1 || NOPS(g) > 64 ||
        g->params[3])
        return bv_fail(st, BV_ERR_FORMAT,
                       "U32Add gate: bad parameters (%u inputs, %u carry bits, %u ops)", NIN(g),
                       CBITS(g), NOPS(g));
    return bv_gate_check_no_data(g, st);
}

static size_t ua_examples(bv_gate *out, size_t cap)
{
    static const uint32_t p[3][3] = {
        {BV_STD_U32_ADD_INPUTS, BV_STD_U32_ADD_CARRY_BITS, BV_STD_U32_ADD_OPS},
        {2, 1, 3},
        {3, 2, 1}};
    for (size_t i = 0; i < 3 && i < cap; i++)
        out[i] = bv_gate_u32_add(p[i][0], p[i][1], p[i][2]);
    return 3;
}

/* Inputs below 2^32 / m keep every honest sum's carry in range. */
static gl_t ua_sample(const bv_gate *g, uint32_t wire, uint64_t r)
{
    (void)wire;
    uint64_t lim = ((uint64_t)1 << (32 + CBITS(g))) / NIN(g);
    return r % lim;
}

const bv_gate_kind bv_gate_kind_u32_add = {.ops = &ua_ops_table,
                                           .check = ua_check,
                                           .routed = ua_routed,
                                           .eval_circuit = ua_eval_circuit,
                                           .examples = ua_examples,
                                           .sample_free = ua_sample};

bv_gate bv_gate_u32_add(uint32_t inputs, uint32_t carry_bits, uint32_t ops)
{
    return (bv_gate){.ops = &ua_ops_table, .params = {inputs, carry_bits, ops}};
}
