/*
 * gates_internal.h - helpers shared by the gate implementations (not a public
 * API): the extension algebra A = K[Y]/(Y^2 - 7) used by the ext-form and
 * in-circuit evaluation of gates that pair wires, dependency-list writers,
 * and the table of gate types the registry, bv_gate_check(), the in-circuit
 * evaluator and the gate tests walk.
 */
#ifndef BALVERIFY_GATES_INTERNAL_H
#define BALVERIFY_GATES_INTERNAL_H

#include <stdio.h>

#include "balverify/circuit_arith.h"
#include "balverify/gates.h"

/* ---- extension algebra (PROOF_SYSTEM.md section 1.4) ---- */

/* a0 + a1*Y with a0, a1 in K and Y^2 = 7. Prover-side pairs are plain K
 * elements (gl_ext); at the out-of-domain point each wire is itself in K and a
 * pair becomes an element of A. */
typedef struct {
    gl_ext a0, a1;
} bv_alg;

static inline bv_alg alg_at(const gl_ext *w, uint32_t i)
{
    return (bv_alg){w[i], w[i + 1]};
}
static inline bv_alg alg_from_ext(gl_ext a)
{
    return (bv_alg){a, gl_ext_zero()};
}
static inline bv_alg alg_zero(void)
{
    return (bv_alg){gl_ext_zero(), gl_ext_zero()};
}
static inline bv_alg alg_one(void)
{
    return (bv_alg){gl_ext_one(), gl_ext_zero()};
}
static inline bv_alg alg_add(bv_alg a, bv_alg b)
{
    return (bv_alg){gl_ext_add(a.a0, b.a0), gl_ext_add(a.a1, b.a1)};
}
static inline bv_alg alg_sub(bv_alg a, bv_alg b)
{
    return (bv_alg){gl_ext_sub(a.a0, b.a0), gl_ext_sub(a.a1, b.a1)};
}
static inline bv_alg alg_scalar(bv_alg a, gl_ext k)
{
    return (bv_alg){gl_ext_mul(a.a0, k), gl_ext_mul(a.a1, k)};
}
static inline bv_alg alg_mul(bv_alg a, bv_alg b)
{
    gl_ext t = gl_ext_mul(a.a1, b.a1);
    gl_ext c0 = gl_ext_add(gl_ext_mul(a.a0, b.a0), gl_ext_scalar_mul(t, GL_EXT_W));
    gl_ext c1 = gl_ext_add(gl_ext_mul(a.a0, b.a1), gl_ext_mul(a.a1, b.a0));
    return (bv_alg){c0, c1};
}
/* An algebra constraint yields its two K-coefficients, in order. */
static inline void alg_out(gl_ext *out, bv_alg a)
{
    out[0] = a.a0;
    out[1] = a.a1;
}

/* Prover-side pair (W[i], W[i+1]) as an element of K. */
static inline gl_ext pair_at(const gl_t *w, uint32_t i)
{
    return gl_ext_make(w[i], w[i + 1]);
}
static inline void pair_out(gl_t *out, gl_ext a)
{
    out[0] = a.c0;
    out[1] = a.c1;
}

/* ---- the extension algebra on extension targets (in-circuit evaluation) ---- */

/* An element of A held by two extension targets; a product costs four
 * extension products. */
typedef struct {
    bv_ext_target a0, a1;
} bv_calg;

static inline bv_calg calg_at(const bv_ext_target *w, uint32_t i)
{
    return (bv_calg){w[i], w[i + 1]};
}
static inline bv_calg calg_add(bv_circuit *c, bv_calg x, bv_calg y)
{
    return (bv_calg){bv_gadget_ext_add(c, x.a0, y.a0), bv_gadget_ext_add(c, x.a1, y.a1)};
}
static inline bv_calg calg_sub(bv_circuit *c, bv_calg x, bv_calg y)
{
    return (bv_calg){bv_gadget_ext_sub(c, x.a0, y.a0), bv_gadget_ext_sub(c, x.a1, y.a1)};
}
/* (x0 y0 + 7 x1 y1, x0 y1 + x1 y0) */
static inline bv_calg calg_mul(bv_circuit *c, bv_calg x, bv_calg y)
{
    bv_ext_target a0 = bv_gadget_ext_arith(c, 7, x.a1, y.a1, 1, bv_gadget_ext_mul(c, x.a0, y.a0));
    bv_ext_target a1 = bv_gadget_ext_mul_add(c, x.a0, y.a1, bv_gadget_ext_mul(c, x.a1, y.a0));
    return (bv_calg){a0, a1};
}
/* k * x for k in K */
static inline bv_calg calg_scalar(bv_circuit *c, bv_calg x, bv_ext_target k)
{
    return (bv_calg){bv_gadget_ext_mul(c, x.a0, k), bv_gadget_ext_mul(c, x.a1, k)};
}
static inline void calg_out(bv_ext_target *out, bv_calg x)
{
    out[0] = x.a0;
    out[1] = x.a1;
}
/* x + k for k in F only touches coefficient 0: one base op */
static inline bv_ext_target cext_add_const(bv_circuit *c, bv_ext_target x, gl_t k)
{
    return (bv_ext_target){bv_gadget_add_const(c, x.c0, k), x.c1};
}

/* ---- generator helpers ---- */

/* Appends wires row:[start, start+len) to deps (writing only below cap). */
static inline void deps_range(bv_target *deps, size_t cap, size_t *n, uint32_t row, uint32_t start,
                              uint32_t len)
{
    for (uint32_t i = 0; i < len; i++, (*n)++)
        if (*n < cap)
            deps[*n] = bv_wire(row, start + i);
}

static inline gl_ext wit_get_pair(const bv_witness *w, uint32_t row, uint32_t col)
{
    return gl_ext_make(bv_witness_get(w, bv_wire(row, col)),
                       bv_witness_get(w, bv_wire(row, col + 1)));
}

static inline bv_err wit_set_pair(bv_witness *w, uint32_t row, uint32_t col, gl_ext v,
                                  bv_status *st)
{
    bv_err e = bv_witness_set(w, bv_wire(row, col), v.c0, st);
    if (e == BV_OK)
        e = bv_witness_set(w, bv_wire(row, col + 1), v.c1, st);
    return e;
}

/* ---- gate-type table ---- */

/* One entry per gate type: everything the proof system, the recursive
 * verifier and the gate tests need to know about it. Adding a gate type is
 * one file defining its ops and its bv_gate_kind, plus one line in the
 * registry list (registry.c); docs/GATES.md. */
typedef struct {
    const bv_gate_ops *ops;
    /* Parameter / data validation (ranges that keep every size small). */
    bv_err (*check)(const bv_gate *g, bv_status *st);
    /* Leading wires that take part in copy constraints. */
    uint32_t (*routed)(const bv_gate *g);
    /* In-circuit evaluation of the constraints (the recursive verifier):
     * the same polynomials as eval_ext, built with extension-target
     * arithmetic (circuit_arith.h); out has num_constraints entries. NULL:
     * the gate cannot be verified recursively. */
    bv_gate_eval_circuit_fn eval_circuit;
    /* Test support: writes up to cap example instances (the parameters a
     * standard circuit uses first, then other parameters and small corner
     * cases) and returns how many there are; the caller frees the written
     * ones with bv_gate_free(). Every gate test runs on every example. */
    size_t (*examples)(bv_gate *out, size_t cap);
    /* Test support: a random value for free input wire `wire` inside the
     * domain the generators accept, from the random word r (NULL: any field
     * element). */
    gl_t (*sample_free)(const bv_gate *g, uint32_t wire, uint64_t r);
    /* Test support: 1 when, at the satisfying assignment `wires` (values in
     * F), no constraint depends on wire `wire` (the list entries a
     * RandomAccess copy does not select). NULL: every wire matters. */
    int (*ignores_wire)(const bv_gate *g, const gl_t *wires, uint32_t wire);
    /* Wires bound to the public-input hash: the index k < 4 of the hash
     * element wire `wire` must equal, or -1 (NULL: none). */
    int (*public_input_wire)(const bv_gate *g, uint32_t wire);
} bv_gate_kind;

/* Appends example instance g at position n of out (when n < cap, else frees
 * it); returns n + 1. For the examples hooks. */
static inline size_t bv_gate_example(bv_gate *out, size_t cap, size_t n, bv_gate g)
{
    if (n < cap)
        out[n] = g;
    else
        bv_gate_free(&g);
    return n + 1;
}

extern const bv_gate_kind bv_gate_kind_noop, bv_gate_kind_constant, bv_gate_kind_public_input,
    bv_gate_kind_arithmetic, bv_gate_kind_arithmetic_ext, bv_gate_kind_mul_ext,
    bv_gate_kind_base_sum, bv_gate_kind_poseidon, bv_gate_kind_poseidon_mds,
    bv_gate_kind_random_access, bv_gate_kind_coset_interpolation, bv_gate_kind_reducing,
    bv_gate_kind_reducing_ext, bv_gate_kind_exponentiation, bv_gate_kind_sha256_round2,
    bv_gate_kind_sha256_sched, bv_gate_kind_u32_add;

/* NULL-terminated list of every gate type. */
extern const bv_gate_kind *const bv_gate_kinds[];

const bv_gate_kind *bv_gate_kind_of(const bv_gate_ops *ops);

/* Common trivial vtable entries. */
uint32_t bv_gate_one(const bv_gate *g);
uint32_t bv_gate_zero(const bv_gate *g);
uint32_t bv_gate_no_extra_constants(const bv_gate *g);
void bv_gate_no_extra_constant_wire(const bv_gate *g, uint32_t i, uint32_t *const_index,
                                    uint32_t *wire);
bv_err bv_gate_check_no_data(const bv_gate *g, bv_status *st);
/* For gates without generators. */
size_t bv_gate_no_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap);
bv_err bv_gate_no_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *constants,
                      bv_witness *w, bv_status *st);

/* Poseidon helpers shared by PoseidonGate and PoseidonMdsGate. */
extern const uint64_t bv_gate_mds_circ[12];
void bv_gate_mds_base(const gl_t in[12], gl_t out[12]);
void bv_gate_mds_ext(const gl_ext in[12], gl_ext out[12]);

#endif
