/*
 * circuit.h - the PLONK circuit builder and the built circuit data.
 *
 * A bv_circuit is a builder: gadgets add gate rows, virtual targets, copy
 * constraints (connect), constants, public inputs and witness generators.
 * bv_circuit_build() turns it into bv_circuit_data: the preprocessed
 * polynomials (constants + sigmas) and their Merkle cap, the verifier data
 * (cap + circuit digest) and the common data (everything a verifier needs to
 * know about the circuit's shape), plus prover-only tables.
 *
 * Invariants:
 *  - Targets: bv_wire(row, col) for col < num_wires of a row that exists, or
 *    bv_virtual(i) for i returned by bv_circuit_add_virtual(). Only
 *    routed wires (col < num_routed_wires) and virtual targets may be
 *    connected; anything else is a build error.
 *  - Builder calls never fail loudly: the first misuse (bad target, out of
 *    memory, unroutable connect...) is recorded as a sticky error that
 *    bv_circuit_build() (and bv_circuit_error()) reports. After an error,
 *    further calls are harmless no-ops returning dummy values.
 *  - Row order is insertion order; the build appends (in this order) the
 *    public-input hashing rows, the PublicInputGate row, ConstantGate rows
 *    when donated constant slots run out, then NoopGate rows up to a power of
 *    two (at least 2^min_degree_bits).
 *  - Constants are memoised: bv_circuit_constant(c) returns the same virtual
 *    target for the same value. At build time the distinct constants, sorted
 *    by value, are bound to constant slots in slot-creation order.
 *  - Gate instances are deduplicated by id string; the sorted gate list
 *    (by degree, then id byte-wise) gives selector indices (PROOF_SYSTEM.md 6.4).
 *  - The build is deterministic: the same sequence of builder calls gives
 *    byte-identical circuit data.
 */
#ifndef BALVERIFY_CIRCUIT_H
#define BALVERIFY_CIRCUIT_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/gate.h"
#include "balverify/plonk_config.h"
#include "balverify/poseidon.h"
#include "balverify/status.h"

typedef struct bv_circuit bv_circuit;           /* builder */
typedef struct bv_circuit_data bv_circuit_data; /* built circuit (prover + verifier) */

/* ------------------------------------------------------------------------ */
/* Witness generators                                                        */
/* ------------------------------------------------------------------------ */

/* A generator computes some targets from others during witness generation.
 * Implementations embed bv_generator as the FIRST member of their own struct,
 * allocate it with malloc, and hand ownership to the builder. deps() lists the
 * targets that must be known before run(); run() sets outputs with
 * bv_witness_set(). destroy() frees the whole object (NULL: free()). */
typedef struct bv_generator bv_generator;
struct bv_generator {
    const char *name; /* stable kind name, used in error messages */
    size_t (*deps)(const bv_generator *g, bv_target *out, size_t cap);
    bv_err (*run)(const bv_generator *g, bv_witness *w, bv_status *st);
    void (*destroy)(bv_generator *g);
};

/* Function of a "simple generator": reads in[0..nin) (all known), writes
 * out[0..nout) with bv_witness_set(); params are fixed at build time. */
typedef bv_err (*bv_simple_gen_fn)(bv_witness *w, const bv_target *in, size_t nin,
                                   const bv_target *out, size_t nout, const gl_t *params,
                                   size_t nparams, bv_status *st);

/* A simple generator object (what bv_circuit_add_simple_generator adds);
 * name is copied. NULL when out of memory. */
bv_generator *bv_simple_generator_new(const char *name, bv_simple_gen_fn fn, const bv_target *in,
                                      size_t nin, const bv_target *out, size_t nout,
                                      const gl_t *params, size_t nparams);
/* 1 and the fields when g is a simple generator, else 0. */
int bv_simple_generator_info(const bv_generator *g, bv_simple_gen_fn *fn, const bv_target **in,
                             size_t *nin, const bv_target **out, size_t *nout, const gl_t **params,
                             size_t *nparams);
/* The function behind bv_circuit_add_copy_generator (kind name "Copy"). */
bv_err bv_copy_generator_fn(bv_witness *w, const bv_target *in, size_t nin, const bv_target *out,
                            size_t nout, const gl_t *params, size_t nparams, bv_status *st);

/* ------------------------------------------------------------------------ */
/* Builder                                                                   */
/* ------------------------------------------------------------------------ */

/* New builder for the given config (copied). NULL only when out of memory. */
bv_circuit *bv_circuit_new(const bv_plonk_config *cfg);
void bv_circuit_free(bv_circuit *c);

const bv_plonk_config *bv_circuit_config(const bv_circuit *c);

/* First recorded builder error (BV_OK if none), copied into st. */
bv_err bv_circuit_error(const bv_circuit *c, bv_status *st);

/* Records a builder error (printf-style one-line message) unless one is
 * already recorded: the error is sticky, the first one wins, and
 * bv_circuit_build() reports it. Gadgets call this on misuse (sizes, bit
 * counts, constant operands out of range) and return a placeholder target. */
void bv_circuit_fail(bv_circuit *c, bv_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Rows added so far (before padding). */
uint32_t bv_circuit_num_rows(const bv_circuit *c);

/* Pad to at least 2^bits rows at build (default 0 = just the next power of two). */
void bv_circuit_set_min_degree_bits(bv_circuit *c, uint32_t bits);

/* A fresh virtual target. */
bv_target bv_circuit_add_virtual(bv_circuit *c);
void bv_circuit_add_virtuals(bv_circuit *c, bv_target *out, size_t n);

/* Append one row holding gate g with its gate constants (g->ops->num_constants
 * values; constants may be NULL when that is 0). The gate (and its data) is
 * copied. Registers the gate's generators for ALL of its ops on that row.
 * Returns the row index. */
uint32_t bv_circuit_add_gate(bv_circuit *c, const bv_gate *g, const gl_t *constants);

/* Same, but registers no generator (the caller claims ops one by one with
 * bv_circuit_find_slot, or registers generators itself). */
uint32_t bv_circuit_add_gate_no_generators(bv_circuit *c, const bv_gate *g, const gl_t *constants);

/* Operation packing: returns a free op slot (row, op) of a row holding gate g
 * with exactly these gate constants, adding a new row when all such rows are
 * full. Registers the gate generator of that op only (unused ops of a row get
 * no generator and keep zero wires). */
void bv_circuit_find_slot(bv_circuit *c, const bv_gate *g, const gl_t *constants, uint32_t *row,
                          uint32_t *op);

/* Gate instance on a row (NULL if the row does not exist), and its constants. */
const bv_gate *bv_circuit_row_gate(const bv_circuit *c, uint32_t row);
const gl_t *bv_circuit_row_constants(const bv_circuit *c, uint32_t row);

/* Copy constraint a == b. */
void bv_circuit_connect(bv_circuit *c, bv_target a, bv_target b);

/* Memoised constant target. */
bv_target bv_circuit_constant(bv_circuit *c, gl_t value);
static inline bv_target bv_circuit_zero(bv_circuit *c)
{
    return bv_circuit_constant(c, 0);
}
static inline bv_target bv_circuit_one(bv_circuit *c)
{
    return bv_circuit_constant(c, 1);
}
/* 1 and *out = value when t was returned by bv_circuit_constant(). */
int bv_circuit_target_as_constant(const bv_circuit *c, bv_target t, gl_t *out);

/* Register a public input (order of registration = order in the proof). */
void bv_circuit_register_public_input(bv_circuit *c, bv_target t);
void bv_circuit_register_public_inputs(bv_circuit *c, const bv_target *t, size_t n);
uint32_t bv_circuit_num_public_inputs(const bv_circuit *c);

/* Generators. */
void bv_circuit_add_generator(bv_circuit *c, bv_generator *g); /* takes ownership */
void bv_circuit_add_simple_generator(bv_circuit *c, const char *name, bv_simple_gen_fn fn,
                                     const bv_target *in, size_t nin, const bv_target *out,
                                     size_t nout, const gl_t *params, size_t nparams);
/* dst := src (src and dst need not be connected). */
void bv_circuit_add_copy_generator(bv_circuit *c, bv_target src, bv_target dst);
/* t := uniformly random value at proving time. */
void bv_circuit_add_random_generator(bv_circuit *c, bv_target t);

/* Build. On success *out owns everything it needs (the builder may be freed).
 * The builder must not be used afterwards except for bv_circuit_free(). */
bv_err bv_circuit_build(bv_circuit *c, bv_circuit_data **out, bv_status *st);

/* ------------------------------------------------------------------------ */
/* Built circuit data                                                        */
/* ------------------------------------------------------------------------ */

#define BV_MAX_CAP (1u << 8)

/* Verifier-only data: Merkle cap of [constants ‖ sigmas] and circuit digest. */
typedef struct {
    uint32_t cap_height;
    bv_hash cap[BV_MAX_CAP]; /* 2^cap_height used */
    bv_hash circuit_digest;
} bv_verifier_data;

/* Selector groups (PROOF_SYSTEM.md 6.4). */
#define BV_MAX_GATES 64
#define BV_SELECTOR_UNUSED 0xFFFFFFFFull

typedef struct {
    bv_plonk_config config;
    uint32_t degree_bits;
    uint32_t num_fri_arities;
    uint32_t fri_arities[BV_PLONK_MAX_ARITIES];
    uint32_t num_gates;
    bv_gate gates[BV_MAX_GATES];           /* sorted by (degree, id); data owned */
    uint32_t selector_index[BV_MAX_GATES]; /* group of gate i */
    uint32_t num_selectors;                /* groups */
    uint32_t group_start[BV_MAX_GATES], group_end[BV_MAX_GATES];
    uint32_t quotient_degree_factor;
    uint32_t num_gate_constraints; /* max over gates */
    uint32_t num_constants;        /* num_selectors + config.num_constants */
    uint32_t num_public_inputs;
    gl_t k_is[BV_PLONK_MAX_WIRES]; /* num_routed_wires used */
    uint32_t num_partial_products;
} bv_common_data;

const bv_verifier_data *bv_circuit_data_verifier(const bv_circuit_data *d);
const bv_common_data *bv_circuit_data_common(const bv_circuit_data *d);
/* Rows of the built circuit per gate of the common data: counts[k] (k <
 * common data's num_gates, the caller's array has BV_MAX_GATES entries)
 * receives the number of rows holding gate k. */
void bv_circuit_data_gate_row_counts(const bv_circuit_data *d, uint32_t counts[BV_MAX_GATES]);
void bv_circuit_data_free(bv_circuit_data *d);

/* Common-data functions shared by prover, verifier and serialisation. */
/* Frees gates[i].data of a common data struct (not the struct). */
void bv_common_data_release(bv_common_data *cd);
/* Deep copy (gate data duplicated). */
bv_err bv_common_data_copy(bv_common_data *dst, const bv_common_data *src, bv_status *st);
/* Structural checks of a (possibly untrusted, deserialised) common data. */
bv_err bv_common_data_validate(const bv_common_data *cd, bv_status *st);
/* Selector filter value of gate index k at selector value s (6.4 step 3). */
gl_t bv_common_filter_base(const bv_common_data *cd, uint32_t k, gl_t s);
gl_ext bv_common_filter_ext(const bv_common_data *cd, uint32_t k, gl_ext s);

/* circuit_digest = hash_no_pad(flatten(cap) ‖ hash_pad(sep) ‖ [degree_bits])
 * (PROOF_SYSTEM.md 6.5 step 9) where the domain separator sep is the common
 * data's canonical encoding (bv_common_data_encode) packed 7 bytes per field
 * element: unlike plonky2's empty separator, the digest therefore binds the
 * gate list, selectors and config, not only the preprocessed polynomials. */
bv_err bv_plonk_circuit_digest(const bv_hash *cap, uint32_t cap_height, const bv_common_data *cd,
                               bv_hash *out, bv_status *st);
/* Canonical byte encoding of common data (the body of a circuit file after
 * the verifier data). *out is malloc'ed. */
bv_err bv_common_data_encode(const bv_common_data *cd, uint8_t **out, size_t *len, bv_status *st);

/* Rows of the padded trace, and the row a gate constraint row of gate k uses. */
static inline uint32_t bv_common_num_rows(const bv_common_data *cd)
{
    return 1u << cd->degree_bits;
}

#endif
