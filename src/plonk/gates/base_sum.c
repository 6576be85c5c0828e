/*
 * base_sum.c - BaseSumGate(n, B): W[0] = sum_{i<n} W[1+i] * B^i with every
 * limb in [0, B) (the product (limb - 0)(limb - 1)...(limb - (B-1)) vanishes).
 * All n + 1 wires are routed so limbs can be used as bits elsewhere. The
 * generator splits the canonical value of W[0] into base-B digits.
 */
#include "plonk/gates/gates_internal.h"

#define NLIMBS(g) ((g)->params[0])
#define BASE(g) ((g)->params[1])

static void bsum_id(const bv_gate *g, char *buf, size_t cap)
{
    snprintf(buf, cap, "BaseSum(%u,%u)", NLIMBS(g), BASE(g));
}

static uint32_t bsum_wires(const bv_gate *g)
{
    return 1 + NLIMBS(g);
}
static uint32_t bsum_degree(const bv_gate *g)
{
    return BASE(g);
}

static void bsum_eval_base(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out)
{
    const gl_t *w = v->wires;
    uint32_t n = NLIMBS(g), base = BASE(g);
    /* Horner from the most significant limb */
    gl_t acc = 0;
    if (base == 2)
        for (uint32_t i = n; i-- > 0;)
            acc = gl_add(gl_double(acc), w[1 + i]);
    else
        for (uint32_t i = n; i-- > 0;)
            acc = gl_add(gl_mul(acc, base), w[1 + i]);
    out[0] = gl_sub(acc, w[0]);
    for (uint32_t i = 0; i < n; i++) {
        gl_t limb = w[1 + i], prod = limb;
        for (uint32_t k = 1; k < base; k++)
            prod = gl_mul(prod, gl_sub(limb, k));
        out[1 + i] = prod;
    }
}

static void bsum_eval_ext(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out)
{
    const gl_ext *w = v->wires;
    uint32_t n = NLIMBS(g), base = BASE(g);
    gl_ext acc = gl_ext_zero();
    for (uint32_t i = n; i-- > 0;)
        acc = gl_ext_add(gl_ext_scalar_mul(acc, base), w[1 + i]);
    out[0] = gl_ext_sub(acc, w[0]);
    for (uint32_t i = 0; i < n; i++) {
        gl_ext limb = w[1 + i], prod = limb;
        for (uint32_t k = 1; k < base; k++)
            prod = gl_ext_mul(prod, gl_ext_add_base(limb, gl_neg(k)));
        out[1 + i] = prod;
    }
}

static size_t bsum_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap)
{
    (void)g;
    (void)op;
    size_t n = 0;
    deps_range(deps, cap, &n, row, BV_BASE_SUM_WIRE_SUM, 1);
    return n;
}

static bv_err bsum_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *c, bv_witness *w,
                       bv_status *st)
{
    (void)op;
    (void)c;
    uint64_t x = bv_witness_get(w, bv_wire(row, BV_BASE_SUM_WIRE_SUM));
    uint64_t orig = x;
    uint32_t base = BASE(g);
    for (uint32_t i = 0; i < NLIMBS(g); i++) {
        bv_err e = bv_witness_set(w, bv_wire(row, bv_base_sum_wire_limb(i)), x % base, st);
        if (e != BV_OK)
            return e;
        x /= base;
    }
    if (x != 0)
        return bv_fail(st, BV_ERR_VERIFY,
                       "BaseSumGate row %u: value %llu does not fit in %u base-%u limbs", row,
                       (unsigned long long)orig, NLIMBS(g), base);
    return BV_OK;
}

static const bv_gate_ops bsum_ops = {
    .kind = "BaseSum",
    .id = bsum_id,
    .num_wires = bsum_wires,
    .num_constants = bv_gate_zero,
    .degree = bsum_degree,
    .num_constraints = bsum_wires,
    .num_ops = bv_gate_one,
    .eval_base = bsum_eval_base,
    .eval_ext = bsum_eval_ext,
    .num_generators = bv_gate_one,
    .gen_deps = bsum_deps,
    .gen_run = bsum_run,
    .num_extra_constant_wires = bv_gate_no_extra_constants,
    .extra_constant_wire = bv_gate_no_extra_constant_wire,
};

static bv_err bsum_check(const bv_gate *g, bv_status *st)
{
    if (NLIMBS(g) < 1 || NLIMBS(g) >= BV_GATE_MAX_WIRES || BASE(g) < 2 || BASE(g) > 16 ||
        g->params[2] || g->params[3])
        return bv_fail(st, BV_ERR_FORMAT, "BaseSum gate: bad parameters (%u limbs, base %u)",
                       NLIMBS(g), BASE(g));
    return bv_gate_check_no_data(g, st);
}

static void bsum_eval_circuit(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                              const bv_ext_target *consts, const bv_hash_target *pi,
                              bv_ext_target *out)
{
    (void)consts;
    (void)pi;
    uint32_t n = NLIMBS(g), base = BASE(g);
    bv_ext_target acc = bv_gadget_ext_zero(c);
    for (uint32_t i = n; i-- > 0;)
        acc = bv_gadget_ext_arith(c, base, acc, bv_gadget_ext_one(c), 1, w[1 + i]);
    out[0] = bv_gadget_ext_sub(c, acc, w[0]);
    for (uint32_t i = 0; i < n; i++) {
        bv_ext_target limb = w[1 + i], prod = limb;
        /* prod * (limb - k) = prod*limb - k*prod */
        for (uint32_t k = 1; k < base; k++)
            prod = bv_gadget_ext_arith(c, 1, prod, limb, gl_neg(k), prod);
        out[1 + i] = prod;
    }
}

static size_t bsum_examples(bv_gate *out, size_t cap)
{
    size_t n = bv_gate_example(out, cap, 0, bv_gate_base_sum(BV_STD_BASE_SUM_LIMBS, 2));
    n = bv_gate_example(out, cap, n, bv_gate_base_sum(32, 2));
    n = bv_gate_example(out, cap, n, bv_gate_base_sum(16, 4));
    return bv_gate_example(out, cap, n, bv_gate_base_sum(5, 3));
}

/* The sum must fit the limbs: below min(base^limbs, p). */
static gl_t bsum_sample_free(const bv_gate *g, uint32_t wire, uint64_t r)
{
    if (wire != 0)
        return gl_from_u64(r);
    unsigned __int128 lim = 1;
    for (uint32_t i = 0; i < NLIMBS(g) && lim < GL_P; i++)
        lim *= BASE(g);
    if (lim > GL_P)
        lim = GL_P;
    return (gl_t)(r % (uint64_t)lim);
}

const bv_gate_kind bv_gate_kind_base_sum = {.ops = &bsum_ops,
                                            .check = bsum_check,
                                            .routed = bsum_wires,
                                            .eval_circuit = bsum_eval_circuit,
                                            .examples = bsum_examples,
                                            .sample_free = bsum_sample_free};

bv_gate bv_gate_base_sum(uint32_t num_limbs, uint32_t base)
{
    return (bv_gate){.ops = &bsum_ops, .params = {num_limbs, base}};
}

uint32_t bv_base_sum_max_limbs(uint32_t num_routed, uint32_t base)
{
    /* floor(log_base(p - 1)): the largest n with base^n <= p - 1, so every
     * limb combination (at most base^n - 1) is below p and the decomposition
     * is unique */
    uint32_t n = 0;
    unsigned __int128 pw = 1;
    while (pw * base <= (unsigned __int128)(GL_P - 1)) {
        pw *= base;
        n++;
    }
    if (num_routed < 1)
        return 0;
    return n < num_routed - 1 ? n : num_routed - 1;
}
