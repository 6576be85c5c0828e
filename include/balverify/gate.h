/*
 * gate.h - the gate interface of the PLONK arithmetization.
 *
 * A gate type is a struct of function pointers (bv_gate_ops); a gate instance
 * (bv_gate) is an ops pointer plus the type's parameters. Every row of the
 * trace holds one gate instance; a row's wires are W[0..num_wires) of that row
 * and its gate constants are the row's constant columns after the selector
 * columns (PROOF_SYSTEM.md section 6.3/6.4).
 *
 * Invariants:
 *  - A gate's constraints are polynomials in (wires, constants) of degree
 *    <= degree(); eval_base() and eval_ext() compute the SAME polynomials, over
 *    F and over K respectively (for ext wires the "extension algebra" of
 *    PROOF_SYSTEM.md section 1.4 applies to gates that treat wire pairs as K
 *    elements: each such constraint yields 2 outputs, in order).
 *  - A satisfying assignment makes every constraint output zero. All-zero
 *    wires and constants satisfy every op slot of the multi-op gates
 *    (Arithmetic*, MulExtension, RandomAccess copies), so unused op slots of a
 *    row stay zero; single-op gates whose zero row is not a solution
 *    (Poseidon, CosetInterpolation, Exponentiation) are only added when used.
 *  - id() is a stable string that includes every parameter; gates are sorted
 *    by (degree, id) byte-wise to assign selector indices, and the id is what
 *    circuit files store (together with serialize()).
 *  - Generators: a gate contributes num_generators() witness generators per
 *    row (normally one per operation). gen_deps() lists the targets that must
 *    be known before gen_run() can fill the rest of that operation's wires.
 *    gen_run() only sets targets through bv_witness_set(), which refuses to
 *    overwrite a known target with a different value.
 */
#ifndef BALVERIFY_GATE_H
#define BALVERIFY_GATE_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/gl_ext.h"
#include "balverify/goldilocks.h"
#include "balverify/poseidon.h"
#include "balverify/status.h"

/* A target: a trace wire (row, col) or a virtual value holder (row ==
 * BV_TARGET_VIRTUAL, col = virtual index). */
#define BV_TARGET_VIRTUAL 0xFFFFFFFFu
typedef struct {
    uint32_t row;
    uint32_t col;
} bv_target;

static inline bv_target bv_wire(uint32_t row, uint32_t col) { return (bv_target){row, col}; }
static inline bv_target bv_virtual(uint32_t idx) { return (bv_target){BV_TARGET_VIRTUAL, idx}; }
static inline int bv_target_is_virtual(bv_target t) { return t.row == BV_TARGET_VIRTUAL; }
static inline int bv_target_eq(bv_target a, bv_target b) { return a.row == b.row && a.col == b.col; }

/* Partial witness (implemented with the circuit builder in src/plonk/witness.c). */
typedef struct bv_witness bv_witness;
/* Returns 1 and stores the value when the target is known, 0 otherwise. */
int bv_witness_try_get(const bv_witness *w, bv_target t, gl_t *out);
/* Value of a target that must be known (a generator's declared dependency). */
gl_t bv_witness_get(const bv_witness *w, bv_target t);
/* Set a target. Setting a known target to a different value is an error
 * (BV_ERR_VERIFY, "witness conflict at ..."); setting the same value is a no-op. */
bv_err bv_witness_set(bv_witness *w, bv_target t, gl_t v, bv_status *st);

/* Values seen by a constraint evaluation at one point. */
typedef struct {
    const gl_t *wires;     /* num_wires of the circuit config */
    const gl_t *constants; /* gate constants (after the selector columns) */
    bv_hash public_inputs_hash;
} bv_eval_vars_base;

typedef struct {
    const gl_ext *wires;
    const gl_ext *constants;
    bv_hash public_inputs_hash;
} bv_eval_vars_ext;

/* Values at 8 points at once, point-minor: wires[8 * j + l] is wire j at
 * point l, constants likewise. */
typedef struct {
    const gl_t *wires;
    const gl_t *constants;
    bv_hash public_inputs_hash;
} bv_eval_vars_base_x8;

typedef struct bv_gate bv_gate;

typedef struct bv_gate_ops {
    /* Short stable name of the gate type, e.g. "Arithmetic". Also the tag
     * used to look the type up when a circuit file is loaded. */
    const char *kind;
    /* Full id with parameters into buf (always NUL-terminated). */
    void (*id)(const bv_gate *g, char *buf, size_t cap);
    uint32_t (*num_wires)(const bv_gate *g);
    uint32_t (*num_constants)(const bv_gate *g);
    uint32_t (*degree)(const bv_gate *g);
    uint32_t (*num_constraints)(const bv_gate *g);
    /* Operations that fit in one row (ArithmeticGate: 20). 1 for most gates. */
    uint32_t (*num_ops)(const bv_gate *g);

    /* Constraint evaluation; out has num_constraints entries. */
    void (*eval_base)(const bv_gate *g, const bv_eval_vars_base *v, gl_t *out);
    void (*eval_ext)(const bv_gate *g, const bv_eval_vars_ext *v, gl_ext *out);
    /* Optional batch form of eval_base (NULL: the prover calls eval_base at
     * each point): the same values at 8 points, out[8 * k + l] = constraint k
     * at point l. */
    void (*eval_base_x8)(const bv_gate *g, const bv_eval_vars_base_x8 *v, gl_t *out);

    /* Witness generation for operation `op` of the instance at `row`. */
    uint32_t (*num_generators)(const bv_gate *g);
    /* Writes up to cap dependencies into deps, returns how many there are
     * (may exceed cap: call again with a bigger buffer). */
    size_t (*gen_deps)(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap);
    /* constants: the row's gate constants (num_constants entries, the values
     * given when the row was added): generators such as ArithmeticGate's
     * out = c0*m0*m1 + c1*a need them. */
    bv_err (*gen_run)(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *constants,
                      bv_witness *w, bv_status *st);

    /* Constant slots the gate donates: pairs (gate constant index, routed
     * wire) such that the gate forces wire == constant. */
    uint32_t (*num_extra_constant_wires)(const bv_gate *g);
    void (*extra_constant_wire)(const bv_gate *g, uint32_t i, uint32_t *const_index,
                                uint32_t *wire);

    /* Parameter (de)serialisation beyond `params`: the generic code stores
     * kind + params[] + data[]; gates with only small integer parameters use
     * params and need nothing else. */
} bv_gate_ops;

#define BV_GATE_MAX_PARAMS 4

struct bv_gate {
    const bv_gate_ops *ops;
    uint32_t params[BV_GATE_MAX_PARAMS]; /* meaning defined per gate type */
    gl_t *data;                          /* owned extra data (e.g. barycentric weights) */
    uint32_t ndata;
};

/* Registry of gate types, used when loading circuit files. */
const bv_gate_ops *bv_gate_ops_by_kind(const char *kind);

#endif
