/*
 * recursion.h - verifying PLONK+FRI proofs inside circuits (PROOF_SYSTEM.md
 * section 8): in-circuit gate-constraint evaluation, the in-circuit
 * challenger, the in-circuit FRI verifier, the verify_proof gadget and
 * 2-to-1 aggregation.
 *
 * Invariants:
 *  - The inner circuit's common data is compile-time: its gate list, selector
 *    groups, k_i, FRI parameters and degree are baked into the outer circuit.
 *  - The inner verifier data (constants/sigmas cap, circuit digest) is added
 *    as CONSTANTS of the outer circuit: an outer circuit accepts proofs of
 *    exactly one inner circuit. It is never a free witness.
 *  - Every check of the native verifier (bv_verify) has an in-circuit
 *    counterpart: an invalid inner proof leaves the outer witness
 *    unsatisfiable (witness generation reports a conflict, or proving fails).
 *  - The transcript is replayed with the challenger on targets of gadgets.h,
 *    which yields exactly the native challenges for the same observations
 *    (it absorbs pending inputs in chunks of 8 in overwrite mode; absorbing a
 *    full chunk as soon as it is complete gives the same sponge states as
 *    absorbing it at the next challenge).
 *  - Builder misuse is the builder's sticky error; functions returning bv_err
 *    fail only for unsupported inner data (an unknown gate kind, more than 8
 *    challenges) or memory exhaustion.
 */
#ifndef BALVERIFY_RECURSION_H
#define BALVERIFY_RECURSION_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/circuit.h"
#include "balverify/gadgets.h"
#include "balverify/proof.h"
#include "balverify/status.h"
#include "balverify/witness.h"

/* Gate constraints at zeta are evaluated with bv_gadget_eval_gate_constraints
 * and the transcript is replayed with bv_circuit_challenger (gadgets.h). */

/* ------------------------------------------------------------------------ */
/* Merkle proof to a cap, as the FRI verifier on targets checks it            */
/* ------------------------------------------------------------------------ */

/* hash_or_noop(leaf), one PoseidonGate row per sibling with swap = bits[i]
 * (bits[0] is the leaf level), then the node reached must equal the cap
 * entry selected by the next log2(cap_len) bits (RandomAccessGate; the index
 * is recomposed with ArithmeticGate ops, so the bits must already be
 * boolean, e.g. from bv_gadget_split_le). */
void bv_rec_merkle_to_cap(bv_circuit *c, const bv_target *leaf, size_t len, const bv_target *bits,
                          const bv_hash_target *sibs, size_t nsib, const bv_hash_target *cap,
                          size_t cap_len);

/* ------------------------------------------------------------------------ */
/* Proof targets and the verify_proof gadget                                 */
/* ------------------------------------------------------------------------ */

/* A proof of an inner circuit as virtual targets (shape from its common
 * data). Arrays are flat, in the layout of bv_proof / bv_fri_proof. */
typedef struct {
    uint32_t cap_len, n_oracles, n_queries, n_reductions, lde_bits;
    size_t oracle_widths[4];
    uint32_t arity_bits[BV_FRI_MAX_REDUCTIONS];
    size_t n_openings, final_len, sum_widths;
    bv_hash_target *wires_cap, *zs_pp_cap, *quotient_cap;
    bv_ext_target *openings;
    bv_hash_target *commit_caps; /* n_reductions * cap_len */
    bv_target *init_leaves;      /* query-major, then oracle */
    bv_hash_target *init_sibs;   /* query-major, then oracle, lde_bits - cap_height each */
    bv_ext_target *step_evals;   /* query-major, then step, 2^arity each */
    bv_hash_target *step_sibs;   /* query-major, then step */
    bv_ext_target *final_poly;
    bv_target pow_witness;
    uint32_t num_public_inputs;
    bv_target *public_inputs;
} bv_proof_target;

/* Adds virtual targets for a proof of a circuit with common data cd. */
bv_err bv_rec_add_proof_target(bv_circuit *c, const bv_common_data *cd, bv_proof_target *pt,
                               bv_status *st);
void bv_proof_target_free(bv_proof_target *pt);

/* Adds the constraints that pt is a valid proof for (vd, cd): the public
 * input hash, the transcript, the gate/permutation identities at zeta, the
 * quotient identity and FRI. vd becomes constants of c. */
bv_err bv_rec_verify_proof(bv_circuit *c, const bv_proof_target *pt, const bv_verifier_data *vd,
                           const bv_common_data *cd, bv_status *st);

/* Sets every target of pt from the native proof p (whose shape must match). */
bv_err bv_rec_set_proof_target(bv_witness *w, const bv_proof_target *pt, const bv_proof *p,
                               bv_status *st);

/* Rows per gate kind of a built circuit, padding rows (Noop) included, as
 * "kind=rows" words separated by spaces (for reports). */
void bv_rec_row_report(const bv_circuit_data *d, char *buf, size_t cap);

/* ------------------------------------------------------------------------ */
/* Aggregation                                                               */
/* ------------------------------------------------------------------------ */

/* Combines the public inputs of the two verified proofs (n each) and
 * registers the outer circuit's public inputs. */
typedef void (*bv_rec_combine_fn)(bv_circuit *c, const bv_target *left, const bv_target *right,
                                  uint32_t n, void *ctx);

/* A circuit verifying two proofs of the inner circuit (vd, cd). */
typedef struct {
    bv_circuit_data *data;
    bv_proof_target left, right;
    uint32_t rows_before_padding;
} bv_rec_aggregator;

bv_err bv_rec_aggregator_build(const bv_plonk_config *cfg, const bv_verifier_data *vd,
                               const bv_common_data *cd, bv_rec_combine_fn combine, void *ctx,
                               bv_rec_aggregator *out, bv_status *st);
/* Proves one node from two inner proofs. */
bv_err bv_rec_aggregator_prove(const bv_rec_aggregator *a, const bv_proof *left,
                               const bv_proof *right, bv_proof *out, bv_status *st);
void bv_rec_aggregator_free(bv_rec_aggregator *a);

/* A circuit verifying one proof of (vd, cd) and forwarding its public
 * inputs (one recursion step). */
typedef struct {
    bv_circuit_data *data;
    bv_proof_target inner;
    uint32_t rows_before_padding;
} bv_rec_wrapper;

bv_err bv_rec_wrapper_build(const bv_plonk_config *cfg, const bv_verifier_data *vd,
                            const bv_common_data *cd, bv_rec_wrapper *out, bv_status *st);
bv_err bv_rec_wrapper_prove(const bv_rec_wrapper *wr, const bv_proof *inner, bv_proof *out,
                            bv_status *st);
void bv_rec_wrapper_free(bv_rec_wrapper *wr);

/* Demo: 2^depth leaf proofs of a small circuit whose public inputs are
 * (value, 1), value_i = first_value + i; aggregated pairwise (sum the values,
 * sum the counts) up to one root proof. Writes DIR/circuit.bin and
 * DIR/proof.bin (root) when out_dir is not NULL; *sum / *count receive the
 * root's public inputs. */
bv_err bv_demo_aggregate(const bv_plonk_config *cfg, uint32_t depth, uint64_t first_value,
                         const char *out_dir, gl_t *sum, gl_t *count, bv_status *st);

#endif
