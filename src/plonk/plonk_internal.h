/*
 * plonk_internal.h - layout of built circuit data shared by the builder,
 * witness generation, prover and serialisation (not a public API).
 */
#ifndef BV_PLONK_INTERNAL_H
#define BV_PLONK_INTERNAL_H

#include <stdint.h>

#include "balverify/circuit.h"

/* A registered witness generator: a gate op or an owned generator object. */
enum { BV_GEN_GATE_OP = 0, BV_GEN_OBJECT = 1, BV_GEN_RANDOM = 2 };
typedef struct {
    uint32_t kind;
    uint32_t row;      /* gate op: row; random: target row */
    uint32_t op;       /* gate op: op; random: target col */
    bv_generator *obj; /* BV_GEN_OBJECT */
} bv_gen_entry;

typedef struct {
    bv_target t;
    gl_t value;
} bv_const_binding;

#include "balverify/polybatch.h"

struct bv_circuit_data {
    bv_verifier_data vd;
    bv_common_data cd;

    /* prover-only */
    uint32_t nrows, num_wires, nvirt;
    uint32_t *rep;      /* node -> class representative node */
    uint16_t *row_gate; /* row -> index into cd.gates */
    gl_t *row_consts;   /* nrows * config.num_constants gate constants */
    bv_gen_entry *gens;
    size_t ngens;
    bv_const_binding *consts; /* virtual constant targets and their values */
    size_t nconsts;
    bv_target *public_inputs;
    /* preprocessed columns (natural row order): constants then sigmas,
     * (cd.num_constants + routed) columns of nrows values each */
    gl_t *const_sigma_values;
    bv_polybatch *const_sigma_batch; /* LDE + Merkle tree */
};

/* Fill const_sigma_values (selector columns, gate constants, sigmas) from
 * row_gate, row_consts and rep. */
bv_err bv_plonk_fill_preprocessed(struct bv_circuit_data *d, bv_status *st);
/* Commit to [constants ‖ sigmas] and derive the circuit digest. */
bv_err bv_plonk_commit_preprocessed(struct bv_circuit_data *d, bv_status *st);

/* Node index of a target in a built circuit, or UINT32_MAX if out of range. */
static inline uint32_t bv_cd_node(const struct bv_circuit_data *d, bv_target t)
{
    if (bv_target_is_virtual(t))
        return t.col < d->nvirt ? d->nrows * d->num_wires + t.col : UINT32_MAX;
    if (t.row >= d->nrows || t.col >= d->num_wires)
        return UINT32_MAX;
    return t.row * d->num_wires + t.col;
}

#include "balverify/fri.h"
#include "balverify/verifier.h"

/* The FRI instance of a PLONK proof (6.8): 4 oracles, batch 0 at zeta (all
 * polynomials, oracle order), batch 1 at omega*zeta (the Z polynomials). */
typedef struct {
    size_t widths[4];
    bv_fri_poly_ref *refs0, *refs1;
    bv_fri_batch batches[2];
    bv_fri_instance inst;
} bv_plonk_instance;

bv_err bv_plonk_instance_init(bv_plonk_instance *pi, const bv_common_data *cd, gl_ext zeta,
                              bv_status *st);
void bv_plonk_instance_free(bv_plonk_instance *pi);

/* Transcript steps 1-3 (FRI params, circuit digest, PI hash). */
void bv_plonk_observe_prelude(bv_challenger *ch, const bv_fri_params *fp,
                              const bv_hash *circuit_digest, const bv_hash *pi_hash);

#endif
