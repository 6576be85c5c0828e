/*
 * reducing.c - ReducingGate(n) and ReducingExtensionGate(n): n Horner steps
 * acc_i = acc_{i-1} * alpha + coeff_i starting from acc_{-1} = old_acc, with
 * alpha and the accumulators extension elements; the last accumulator is the
 * output E(0). ReducingGate takes base-field coefficients (one wire each),
 * ReducingExtensionGate extension ones (pairs). Degree 2, two constraints per
 * step. Used by the recursive verifier for the FRI alpha-reductions.
 */
#include "plonk/gates/gates_internal.h"

#define NCOEFFS(g) ((g)->params[0])

/* ---- shared ---- */

static uint32_t red_two(const bv_gate *g)
{
    (void)g;
    return 2;
}
static uint32_t red_constraints(const bv_gate *g)
{
    return 2 * NCOEFFS(g);
}

/* ext = 1 for ReducingExtensionGate */
static inline uint32_t coeff_wire(int ext, uint32_t i)
{
    return ext ? bv_red_ext_wire_coeff(i) : bv_red_wire_coeff(i);
}
static inline uint32_t acc_wire(int ext, uint32_t n, uint32_t i)
{
    return ext ? bv_red_ext_wire_acc(n, i) : bv_red_wire_acc(n, i);
}

static void red_eval_base_common(const bv_gate *g, int ext, const bv_eval_vars_base *v, gl_t *out)
{
    const gl_t *w = v->wires;
    uint32_t n = NCOEFFS(g);
    gl_ext alpha = pair_at(w, BV_RED_WIRE_ALPHA), acc = pair_at(w, BV_RED_WIRE_OLD_ACC);
    for (uint32_t i = 0; i < n; i++) {
        gl_ext coeff = ext ? pair_at(w, coeff_wire(1, i)) : gl_ext_from_base(w[coeff_wire(0, i)]);
        gl_ext next = pair_at(w, acc_wire(ext, n, i));
        pair_out(out + 2 * i, gl_ext_sub(next, gl_ext_add(gl_ext_mul(acc, alpha), coeff)));
        acc = next;
    }
}

static void red_eval_ext_common(const bv_gate *g, int ext, const bv_eval_vars_ext *v, gl_ext *out)
{
    const gl_ext *w = v->wires;
    uint32_t n = NCOEFFS(g);
    bv_alg alpha = alg_at(w, BV_RED_WIRE_ALPHA), acc = alg_at(w, BV_RED_WIRE_OLD_ACC);
    for (uint32_t i = 0; i < n; i++) {
        bv_alg coeff = ext ? alg_at(w, coeff_wire(1, i)) : alg_from_ext(w[coeff_wire(0, i)]);
        bv_alg next = alg_at(w, acc_wire(ext, n, i));
        alg_out(out + 2 * i, alg_sub(next, alg_add(alg_mul(acc, alpha), coeff)));
        acc = next;
    }
}

static size_t red_deps_common(const bv_gate *g, int ext, uint32_t row, bv_target *deps, size_t cap)
{
    size_t n = 0;
    /* alpha, old_acc and the coefficients are contiguous from wire 2 */
    deps_range(deps, cap, &n, row, BV_RED_WIRE_ALPHA, 4 + (ext ? 2 : 1) * NCOEFFS(g));
    return n;
}

static bv_err red_run_common(const bv_gate *g, int ext, uint32_t row, bv_witness *w, bv_status *st)
{
    uint32_t n = NCOEFFS(g);
    gl_ext alpha = wit_get_pair(w, row, BV_RED_WIRE_ALPHA);
    gl_ext acc = wit_get_pair(w, row, BV_RED_WIRE_OLD_ACC);
    for (uint32_t i = 0; i < n; i++) {
        gl_ext coeff = ext ? wit_get_pair(w, row, coeff_wire(1, i))
                           : gl_ext_from_base(bv_witness_get(w, bv_wire(row, coeff_wire(0, i))));
        acc = gl_ext_add(gl_ext_mul(acc, alpha), coeff);
        bv_err e = wit_set_pair(w, row, acc_wire(ext, n, i), acc, st);
        if (e != BV_OK)
            return e;
    }
    return BV_OK;
}

static void reducing_eval_circuit(bv_circuit *c, int ext, uint32_t n, const bv_ext_target *w,
                                  bv_ext_target *out)
{
    bv_ext_target zero = bv_gadget_ext_zero(c);
    bv_calg alpha = calg_at(w, BV_RED_WIRE_ALPHA), acc = calg_at(w, BV_RED_WIRE_OLD_ACC);
    for (uint32_t i = 0; i < n; i++) {
        bv_calg coeff = ext ? calg_at(w, coeff_wire(1, i)) : (bv_calg){w[coeff_wire(0, i)], zero};
        bv_calg next = calg_at(w, acc_wire(ext, n, i));
        calg_out(out + 2 * i, calg_sub(c, next, calg_add(c, calg_mul(c, acc, alpha), coeff)));
        acc = next;
    }
}

/* ---- ReducingGate ---- */

static void red_id(const bv_gate *g, char *buf, size_t cap)
{
    snprintf(buf, cap, "Reducing(%u)", NCOEFFS(g));
}
static uint32_t red_wires(const bv_gate *g)
{
    return 2 * BV_D + NCOEFFS(g) * (BV_D + 1);
}
static uint32_t red_routed(const bv_gate *g)
{
    return 6 + NCOEFFS(g);
}
static void red_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    red_eval_base_common(g, 0, v, out);
}
static void red_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    red_eval_ext_common(g, 0, v, out);
}
static size_t red_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap)
{
    (void)op;
    return red_deps_common(g, 0, row, deps, cap);
}
static bv_err red_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *c, bv_witness *w,
                      bv_status *st)
{
    (void)op;
    (void)c;
    return red_run_common(g, 0, row, w, st);
}

static const bv_gate_ops red_ops = {
    .kind = "Reducing",
    .id = red_id,
    .num_wires = red_wires,
    .num_constants = bv_gate_zero,
    .degree = red_two,
    .num_constraints = red_constraints,
    .num_ops = bv_gate_one,
    .eval_base = red_eval_base,
    .eval_ext = red_eval_ext,
    .num_generators = bv_gate_one,
    .gen_deps = red_deps,
    .gen_run = red_run,
    .num_extra_constant_wires = bv_gate_no_extra_constants,
    .extra_constant_wire = bv_gate_no_extra_constant_wire,
};

static bv_err red_check(const bv_gate *g, bv_status *st)
{
    if (NCOEFFS(g) < 1 || NCOEFFS(g) > BV_GATE_MAX_WIRES / 3 || g->params[1] || g->params[2] ||
        g->params[3])
        return bv_fail(st, BV_ERR_FORMAT, "Reducing gate: bad parameters (%u coefficients)",
                       NCOEFFS(g));
    return bv_gate_check_no_data(g, st);
}

static void red_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                             const bv_ext_target *consts, const bv_hash_target *pi,
                             bv_ext_target *out)
{
    (void)consts;
    (void)pi;
    reducing_eval_circuit(c, 0, NCOEFFS(g), w, out);
}

static size_t red_examples(bv_gate *out, size_t cap)
{
    size_t n = bv_gate_example(out, cap, 0, bv_gate_reducing(BV_STD_REDUCING_COEFFS));
    return bv_gate_example(out, cap, n, bv_gate_reducing(5));
}

const bv_gate_kind bv_gate_kind_reducing = {.ops = &red_ops,
                                            .check = red_check,
                                            .routed = red_routed,
                                            .eval_circuit = red_eval_circuit,
                                            .examples = red_examples};

bv_gate bv_gate_reducing(uint32_t num_coeffs)
{
    return (bv_gate){.ops = &red_ops, .params = {num_coeffs}};
}

uint32_t bv_reducing_max_coeffs(uint32_t num_wires, uint32_t num_routed)
{
    /* coefficients are routed (after output, alpha, old_acc); accumulators not */
    uint32_t by_routed = num_routed > 3 * BV_D ? num_routed - 3 * BV_D : 0;
    uint32_t by_wires = num_wires > 2 * BV_D ? (num_wires - 2 * BV_D) / (BV_D + 1) : 0;
    return by_routed < by_wires ? by_routed : by_wires;
}

/* ---- ReducingExtensionGate ---- */

static void rext_id(const bv_gate *g, char *buf, size_t cap)
{
    snprintf(buf, cap, "ReducingExtension(%u)", NCOEFFS(g));
}
static uint32_t rext_wires(const bv_gate *g)
{
    return 2 * BV_D + 2 * BV_D * NCOEFFS(g);
}
static uint32_t rext_routed(const bv_gate *g)
{
    return 6 + 2 * NCOEFFS(g);
}
static void rext_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    red_eval_base_common(g, 1, v, out);
}
static void rext_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    red_eval_ext_common(g, 1, v, out);
}
static size_t rext_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap)
{
    (void)op;
    return red_deps_common(g, 1, row, deps, cap);
}
static bv_err rext_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *c, bv_witness *w,
                       bv_status *st)
{
    (void)op;
    (void)c;
    return red_run_common(g, 1, row, w, st);
}

static const bv_gate_ops rext_ops = {
    .kind = "ReducingExtension",
    .id = rext_id,
    .num_wires = rext_wires,
    .num_constants = bv_gate_zero,
    .degree = red_two,
    .num_constraints = red_constraints,
    .num_ops = bv_gate_one,
    .eval_base = rext_eval_base,
    .eval_ext = rext_eval_ext,
    .num_generators = bv_gate_one,
    .gen_deps = rext_deps,
    .gen_run = rext_run,
    .num_extra_constant_wires = bv_gate_no_extra_constants,
    .extra_constant_wire = bv_gate_no_extra_constant_wire,
};

static bv_err rext_check(const bv_gate *g, bv_status *st)
{
    if (NCOEFFS(g) < 1 || NCOEFFS(g) > BV_GATE_MAX_WIRES / 4 || g->params[1] || g->params[2] ||
        g->params[3])
        return bv_fail(st, BV_ERR_FORMAT,
                       "ReducingExtension gate: bad parameters (%u coefficients)", NCOEFFS(g));
    return bv_gate_check_no_data(g, st);
}

static void rext_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                              const bv_ext_target *consts, const bv_hash_target *pi,
                              bv_ext_target *out)
{
    (void)consts;
    (void)pi;
    reducing_eval_circuit(c, 1, NCOEFFS(g), w, out);
}

static size_t rext_examples(bv_gate *out, size_t cap)
{
    size_t n = bv_gate_example(out, cap, 0, bv_gate_reducing_ext(BV_STD_REDUCING_EXT_COEFFS));
    return bv_gate_example(out, cap, n, bv_gate_reducing_ext(3));
}

const bv_gate_kind bv_gate_kind_reducing_ext = {.ops = &rext_ops,
                                                .check = rext_check,
                                                .routed = rext_routed,
                                                .eval_circuit = rext_eval_circuit,
                                                .examples = rext_examples};

bv_gate bv_gate_reducing_ext(uint32_t num_coeffs)
{
    return (bv_gate){.ops = &rext_ops, .params = {num_coeffs}};
}

uint32_t bv_reducing_ext_max_coeffs(uint32_t num_wires, uint32_t num_routed)
{
    uint32_t by_routed = num_routed > 3 * BV_D ? (num_routed - 3 * BV_D) / BV_D : 0;
    uint32_t by_wires = num_wires > 2 * BV_D ? (num_wires - 2 * BV_D) / (2 * BV_D) : 0;
    return by_routed < by_wires ? by_routed : by_wires;
}
