/*
 * random_access.c - RandomAccessGate(bits, copies, extra): each copy proves
 * claimed == list[index] for a list of 2^bits elements. The index is split
 * into boolean wires b_k (not routed) and the list is folded pairwise,
 * x + b_k*(y - x), least significant bit first; degree bits + 1. The leftover
 * routed wires after the copies are donated as constant slots (c_i - W = 0).
 *
 * Constraint order per copy: b_k(b_k - 1) for each bit, sum_k b_k 2^k - index,
 * folded - claimed; then the extra constants.
 */
#include <stdlib.h>

#include "plonk/gates/gates_internal.h"

#define BITS(g) ((g)->params[0])
#define COPIES(g) ((g)->params[1])
#define EXTRA(g) ((g)->params[2])
#define VEC(g) (1u << BITS(g))

static void ra_id(const bv_gate *g, char *buf, size_t cap)
{
    snprintf(buf, cap, "RandomAccess(%u,%u,%u)", BITS(g), COPIES(g), EXTRA(g));
}

static uint32_t ra_routed(const bv_gate *g)
{
    return (VEC(g) + 2) * COPIES(g) + EXTRA(g);
}
static uint32_t ra_wires(const bv_gate *g)
{
    return ra_routed(g) + COPIES(g) * BITS(g);
}
static uint32_t ra_constants(const bv_gate *g)
{
    return EXTRA(g);
}
static uint32_t ra_degree(const bv_gate *g)
{
    return BITS(g) + 1;
}
static uint32_t ra_constraints(const bv_gate *g)
{
    return COPIES(g) * (BITS(g) + 2) + EXTRA(g);
}
static uint32_t ra_copies(const bv_gate *g)
{
    return COPIES(g);
}

/* Folding works in place on a scratch copy of the list; 2^bits is at most
 * 2^BV_RA_MAX_BITS (checked by ra_check). */
#define BV_RA_MAX_BITS 10

static void ra_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    const gl_t *w = v->wires;
    uint32_t bits = BITS(g), copies = COPIES(g), extra = EXTRA(g), k = 0;
    gl_t list[1u << BV_RA_MAX_BITS];
    for (uint32_t c = 0; c < copies; c++) {
        gl_t index = w[bv_ra_wire_index(bits, c)];
        gl_t claimed = w[bv_ra_wire_claimed(bits, c)];
        gl_t recon = 0;
        for (uint32_t b = 0; b < bits; b++) {
            gl_t bit = w[bv_ra_wire_bit(bits, copies, extra, c, b)];
            out[k++] = gl_mul(bit, gl_sub(bit, 1));
        }
        for (uint32_t b = bits; b-- > 0;)
            recon = gl_add(gl_double(recon), w[bv_ra_wire_bit(bits, copies, extra, c, b)]);
        out[k++] = gl_sub(recon, index);
        uint32_t len = VEC(g);
        for (uint32_t i = 0; i < len; i++)
            list[i] = w[bv_ra_wire_list(bits, c, i)];
        for (uint32_t b = 0; b < bits; b++) {
            gl_t bit = w[bv_ra_wire_bit(bits, copies, extra, c, b)];
            len /= 2;
            for (uint32_t i = 0; i < len; i++)
                list[i] = gl_add(list[2 * i], gl_mul(bit, gl_sub(list[2 * i + 1], list[2 * i])));
        }
        out[k++] = gl_sub(list[0], claimed);
    }
    for (uint32_t i = 0; i < extra; i++)
        out[k++] = gl_sub(v->constants[i], w[bv_ra_wire_extra_constant(bits, copies, i)]);
}

static void ra_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    const gl_ext *w = v->wires;
    uint32_t bits = BITS(g), copies = COPIES(g), extra = EXTRA(g), k = 0;
    gl_ext list[1u << BV_RA_MAX_BITS];
    for (uint32_t c = 0; c < copies; c++) {
        gl_ext index = w[bv_ra_wire_index(bits, c)];
        gl_ext claimed = w[bv_ra_wire_claimed(bits, c)];
        gl_ext recon = gl_ext_zero();
        for (uint32_t b = 0; b < bits; b++) {
            gl_ext bit = w[bv_ra_wire_bit(bits, copies, extra, c, b)];
            out[k++] = gl_ext_mul(bit, gl_ext_add_base(bit, gl_neg(1)));
        }
        for (uint32_t b = bits; b-- > 0;)
            recon =
                gl_ext_add(gl_ext_add(recon, recon), w[bv_ra_wire_bit(bits, copies, extra, c, b)]);
        out[k++] = gl_ext_sub(recon, index);
        uint32_t len = VEC(g);
        for (uint32_t i = 0; i < len; i++)
            list[i] = w[bv_ra_wire_list(bits, c, i)];
        for (uint32_t b = 0; b < bits; b++) {
            gl_ext bit = w[bv_ra_wire_bit(bits, copies, extra, c, b)];
            len /= 2;
            for (uint32_t i = 0; i < len; i++)
                list[i] = gl_ext_add(list[2 * i],
                                     gl_ext_mul(bit, gl_ext_sub(list[2 * i + 1], list[2 * i])));
        }
        out[k++] = gl_ext_sub(list[0], claimed);
    }
    for (uint32_t i = 0; i < extra; i++)
        out[k++] = gl_ext_sub(v->constants[i], w[bv_ra_wire_extra_constant(bits, copies, i)]);
}

static size_t ra_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap)
{
    size_t n = 0;
    deps_range(deps, cap, &n, row, bv_ra_wire_index(BITS(g), op), 1);
    deps_range(deps, cap, &n, row, bv_ra_wire_list(BITS(g), op, 0), VEC(g));
    return n;
}

static bv_err ra_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *c, bv_witness *w,
                     bv_status *st)
{
    (void)c;
    uint32_t bits = BITS(g);
    gl_t index = bv_witness_get(w, bv_wire(row, bv_ra_wire_index(bits, op)));
    if (index >= VEC(g))
        return bv_fail(st, BV_ERR_VERIFY,
                       "RandomAccessGate row %u copy %u: index %llu out of range (list of %u)", row,
                       op, (unsigned long long)index, VEC(g));
    gl_t item = bv_witness_get(w, bv_wire(row, bv_ra_wire_list(bits, op, (uint32_t)index)));
    bv_err e = bv_witness_set(w, bv_wire(row, bv_ra_wire_claimed(bits, op)), item, st);
    for (uint32_t b = 0; b < bits && e == BV_OK; b++)
        e = bv_witness_set(w, bv_wire(row, bv_ra_wire_bit(bits, COPIES(g), EXTRA(g), op, b)),
                           (index >> b) & 1, st);
    return e;
}

static void ra_extra_wire(const bv_gate *g, uint32_t i, uint32_t *const_index, uint32_t *wire)
{
    *const_index = i;
    *wire = bv_ra_wire_extra_constant(BITS(g), COPIES(g), i);
}

static const bv_gate_ops ra_ops = {
    .kind = "RandomAccess",
    .id = ra_id,
    .num_wires = ra_wires,
    .num_constants = ra_constants,
    .degree = ra_degree,
    .num_constraints = ra_constraints,
    .num_ops = ra_copies,
    .eval_base = ra_eval_base,
    .eval_ext = ra_eval_ext,
    .num_generators = ra_copies,
    .gen_deps = ra_deps,
    .gen_run = ra_run,
    .num_extra_constant_wires = ra_constants,
    .extra_constant_wire = ra_extra_wire,
};

static bv_err ra_check(const bv_gate *g, bv_status *st)
{
    if (BITS(g) < 1 || BITS(g) > BV_RA_MAX_BITS || COPIES(g) < 1 || COPIES(g) > BV_GATE_MAX_WIRES ||
        EXTRA(g) > 64 || g->params[3] ||
        (uint64_t)((1u << BITS(g)) + 2 + BITS(g)) * COPIES(g) + EXTRA(g) > BV_GATE_MAX_WIRES)
        return bv_fail(st, BV_ERR_FORMAT,
                       "RandomAccess gate: bad parameters (bits %u, copies %u, extra %u)", BITS(g),
                       COPIES(g), EXTRA(g));
    return bv_gate_check_no_data(g, st);
}

static void ra_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                            const bv_ext_target *consts, const bv_hash_target *pi,
                            bv_ext_target *out)
{
    (void)pi;
    uint32_t bits = BITS(g), copies = COPIES(g), extra = EXTRA(g), k = 0;
    if (bits > BV_RA_MAX_BITS) {
        bv_circuit_fail(c, BV_ERR_ARG, "RandomAccess gate with %u index bits (at most %u)", bits,
                        BV_RA_MAX_BITS);
        return;
    }
    bv_ext_target list[1u << BV_RA_MAX_BITS];
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

static size_t ra_examples(bv_gate *out, size_t cap)
{
    size_t n = bv_gate_example(
        out, cap, 0,
        bv_gate_random_access(BV_STD_RA_BITS, BV_STD_RA_COPIES, BV_STD_RA_EXTRA_CONSTANTS));
    n = bv_gate_example(out, cap, n, bv_gate_random_access(2, 3, 1));
    n = bv_gate_example(out, cap, n, bv_gate_random_access(5, 2, 0));
    return bv_gate_example(out, cap, n, bv_gate_random_access(1, 1, 0));
}

/* The generator needs index < 2^bits. */
static gl_t ra_sample_free(const bv_gate *g, uint32_t wire, uint64_t r)
{
    for (uint32_t cp = 0; cp < COPIES(g); cp++)
        if (wire == bv_ra_wire_index(BITS(g), cp))
            return r % VEC(g);
    return gl_from_u64(r);
}

/* The list entries a copy does not select. */
static int ra_ignores_wire(const bv_gate *g, const gl_t *wires, uint32_t wire)
{
    uint32_t bits = BITS(g), copies = COPIES(g), extra = EXTRA(g);
    for (uint32_t cp = 0; cp < copies; cp++) {
        uint32_t first = bv_ra_wire_list(bits, cp, 0);
        if (wire < first || wire >= first + VEC(g))
            continue;
        uint32_t idx = 0;
        for (uint32_t k = 0; k < bits; k++)
            idx |= (uint32_t)(wires[bv_ra_wire_bit(bits, copies, extra, cp, k)] & 1) << k;
        return wire - first != idx;
    }
    return 0;
}

const bv_gate_kind bv_gate_kind_random_access = {.ops = &ra_ops,
                                                 .check = ra_check,
                                                 .routed = ra_routed,
                                                 .eval_circuit = ra_eval_circuit,
                                                 .examples = ra_examples,
                                                 .sample_free = ra_sample_free,
                                                 .ignores_wire = ra_ignores_wire};

bv_gate bv_gate_random_access(uint32_t bits, uint32_t num_copies, uint32_t num_extra_constants)
{
    return (bv_gate){.ops = &ra_ops, .params = {bits, num_copies, num_extra_constants}};
}

bv_gate bv_gate_random_access_for_config(uint32_t bits, uint32_t num_wires, uint32_t num_routed,
                                         uint32_t num_constants)
{
    uint32_t vec = 1u << bits;
    /* each copy needs 2 + 2^bits routed wires and bits more (unrouted) ones */
    uint32_t by_routed = num_routed / (2 + vec);
    uint32_t by_wires = num_wires / (2 + vec + bits);
    uint32_t copies = by_routed < by_wires ? by_routed : by_wires;
    uint32_t extra = num_routed - (2 + vec) * copies;
    if (extra > num_constants)
        extra = num_constants;
    /* the bit wires come after every routed wire the gate uses */
    uint32_t used = (2 + vec + bits) * copies;
    if (used + extra > num_wires)
        extra = num_wires > used ? num_wires - used : 0;
    return bv_gate_random_access(bits, copies, extra);
}
