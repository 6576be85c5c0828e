/*
 * fri.h - FRI batch polynomial-commitment opening (spec/PROOF_SYSTEM.md
 * section 5): configuration, prover, verifier with full shape validation,
 * and the byte serialisation of FRI proofs.
 *
 * How a caller (the PLONK prover/verifier) uses it:
 *   1. commit oracles with bv_polybatch_*; observe their caps;
 *   2. describe what is opened: a bv_fri_instance = oracles' widths + batches
 *      (a point z in K and a list of (oracle, polynomial) references);
 *   3. prover: bv_fri_compute_openings() -> claimed values (batch order),
 *      observe them (bv_challenger_observe_ext_many), then bv_fri_prove();
 *   4. verifier: observe the same openings, then bv_fri_verify().
 * The FRI challenges (alpha, betas, PoW, query indices) are drawn inside
 * bv_fri_prove/bv_fri_verify from the challenger passed in, in the order of
 * section 6.10 steps 7-11.
 *
 * Invariants:
 *  - All oracles of an instance have the same degree_bits and the config's
 *    rate_bits and cap_height.
 *  - Combination (5.3): batch b with polys f_{b,j} contributes
 *    alpha^(polys in later batches) * (sum_j alpha^j f_{b,j} - y_b) / (X - z_b).
 *  - Folding by arity 2^a per reduction (ConstantArityBits), final polynomial
 *    of 2^(degree_bits - sum a) coefficients, PoW = leading zeros of the
 *    challenge drawn after observing the witness.
 *  - A bv_fri_proof records its own shape (params + oracle widths); the
 *    verifier compares it with what it expects before reading anything.
 *  - Deserialisation never reads past the given length, rejects
 *    non-canonical field elements and wrong Merkle-proof lengths.
 */
#ifndef BALVERIFY_FRI_H
#define BALVERIFY_FRI_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/challenger.h"
#include "balverify/gl_ext.h"
#include "balverify/polybatch.h"
#include "balverify/status.h"

#define BV_FRI_MAX_REDUCTIONS 16
#define BV_FRI_MAX_ORACLES 8

typedef struct {
    uint32_t rate_bits;  /* LDE blow-up 2^rate_bits */
    uint32_t cap_height; /* Merkle caps of 2^cap_height digests */
    uint32_t proof_of_work_bits;
    uint32_t arity_bits; /* ConstantArityBits(arity_bits, final_poly_bits) */
    uint32_t final_poly_bits;
    uint32_t num_query_rounds;
} bv_fri_config;

/* plonky2 standard recursion config: rate 3, cap 4, PoW 16, arity 16
 * (4 bits), final polynomial <= 2^5, 28 queries: 100 conjectured bits. */
bv_fri_config bv_fri_config_standard(void);
/* TEST ONLY (low security: 8 queries, 8 PoW bits -> 32 conjectured bits);
 * otherwise identical to standard. Never a default. */
bv_fri_config bv_fri_config_test(void);

/* min(128, num_query_rounds * rate_bits + proof_of_work_bits). */
uint32_t bv_fri_conjectured_security_bits(const bv_fri_config *c);

typedef struct {
    bv_fri_config config;
    uint32_t degree_bits; /* committed polynomials have 2^degree_bits coeffs */
    uint32_t n_reductions;
    uint32_t reduction_arity_bits[BV_FRI_MAX_REDUCTIONS];
} bv_fri_params;

/* ConstantArityBits: append arity_bits while d > final_poly_bits and
 * d + rate_bits - arity_bits >= cap_height. Checks the config (rate_bits
 * 1..8, cap_height <= degree_bits + rate_bits, pow bits <= 63, arity 1..8,
 * at least one query, degree_bits + rate_bits <= 32). */
bv_err bv_fri_params_init(bv_fri_params *p, const bv_fri_config *c, uint32_t degree_bits,
                          bv_status *st);

/* Validates params that did not come from bv_fri_params_init (e.g. read
 * from a file): config ranges, arities 1..8, sum of arities <= degree_bits
 * and leaving at least cap_height bits. Called by prove, verify, alloc and
 * deserialize. */
bv_err bv_fri_params_check(const bv_fri_params *p, bv_status *st);

static inline uint32_t bv_fri_lde_bits(const bv_fri_params *p)
{
    return p->degree_bits + p->config.rate_bits;
}
static inline size_t bv_fri_final_poly_len(const bv_fri_params *p)
{
    uint32_t s = 0;
    for (uint32_t i = 0; i < p->n_reductions; i++)
        s += p->reduction_arity_bits[i];
    return (size_t)1 << (p->degree_bits - s);
}

/* Transcript prelude (section 6.10 step 1): observes rate_bits, cap_height,
 * proof_of_work_bits, [1, arity_bits, final_poly_bits], num_query_rounds,
 * hiding (0), degree_bits, the reduction arity bits. */
void bv_fri_observe_params(bv_challenger *ch, const bv_fri_params *p);

/* ------------------------------------------------------------- instance */

typedef struct {
    uint32_t oracle; /* index into the oracle list */
    uint32_t poly;   /* polynomial index inside that oracle */
} bv_fri_poly_ref;

typedef struct {
    gl_ext point; /* z_b */
    size_t n_polys;
    const bv_fri_poly_ref *polys;
} bv_fri_batch;

typedef struct {
    size_t n_oracles;
    const size_t *oracle_widths; /* polynomials per oracle (Merkle leaf length) */
    size_t n_batches;
    const bv_fri_batch *batches;
} bv_fri_instance;

/* Total number of opened values (sum of n_polys over batches). */
size_t bv_fri_instance_n_openings(const bv_fri_instance *inst);

/* Checks references and sizes against the oracles' widths. */
bv_err bv_fri_instance_check(const bv_fri_instance *inst, bv_status *st);

/* The claimed values: for each batch in order, each referenced polynomial
 * evaluated at the batch point. out has bv_fri_instance_n_openings() slots. */
bv_err bv_fri_compute_openings(bv_polybatch *const *oracles, const bv_fri_instance *inst,
                               gl_ext *out, bv_status *st);

/* ---------------------------------------------------------------- proof */

typedef struct {
    bv_fri_params params;
    size_t n_oracles;
    size_t oracle_widths[BV_FRI_MAX_ORACLES];
    size_t n_queries; /* = params.config.num_query_rounds */

    /* commit phase: n_reductions caps of 2^cap_height digests */
    bv_hash *commit_caps;
    /* per query q, per oracle o: leaf values and Merkle siblings
     * (lde_bits - cap_height of them) */
    gl_t *init_leaves;  /* q-major, then oracle, widths[o] values each */
    bv_hash *init_sibs; /* q-major, then oracle */
    /* per query q, per reduction i: 2^a_i ext values (leaf order) and
     * lde_bits - (a_0 + .. + a_i) - cap_height siblings */
    gl_ext *step_evals;
    bv_hash *step_sibs;
    gl_ext *final_poly; /* bv_fri_final_poly_len() coefficients */
    gl_t pow_witness;
} bv_fri_proof;

/* Allocate an empty proof of the given shape (all zeros). */
bv_err bv_fri_proof_alloc(bv_fri_proof *pr, const bv_fri_params *p, const size_t *oracle_widths,
                          size_t n_oracles, bv_status *st);
void bv_fri_proof_free(bv_fri_proof *pr);
/* Every field element of the proof (caps, leaves, siblings, folding values,
 * final polynomial, proof-of-work witness) is canonical (< p): BV_ERR_FORMAT
 * naming the first one that is not. The deserializer only produces canonical
 * values; this checks proofs built or changed in memory. */
bv_err bv_fri_proof_check_canonical(const bv_fri_proof *pr, bv_status *st);

/* Accessors into the flat arrays. */
gl_t *bv_fri_proof_leaf(const bv_fri_proof *pr, size_t q, size_t oracle);
bv_hash *bv_fri_proof_leaf_sibs(const bv_fri_proof *pr, size_t q, size_t oracle);
gl_ext *bv_fri_proof_step_evals(const bv_fri_proof *pr, size_t q, size_t step);
bv_hash *bv_fri_proof_step_sibs(const bv_fri_proof *pr, size_t q, size_t step);
unsigned bv_fri_proof_step_n_sibs(const bv_fri_params *p, size_t step);

/* Prove. The challenger must already have observed everything before the
 * FRI part (oracle caps, openings). The oracles must match params
 * (degree_bits, rate_bits, cap_height) and the instance's widths. */
bv_err bv_fri_prove(const bv_fri_params *params, bv_polybatch *const *oracles,
                    const bv_fri_instance *inst, bv_challenger *ch, bv_fri_proof *out,
                    bv_status *st);

/* Verify. caps[o] is oracle o's cap (2^cap_height digests); openings are the
 * claimed values in instance order (already observed by the caller).
 * BV_ERR_VERIFY with a one-line reason (shape, PoW, Merkle path at query q,
 * folding mismatch, final polynomial) when the proof is rejected. */
bv_err bv_fri_verify(const bv_fri_params *params, const bv_hash *const *caps,
                     const bv_fri_instance *inst, const gl_ext *openings, const bv_fri_proof *proof,
                     bv_challenger *ch, bv_status *st);

/* ------------------------------------------------------- serialisation */

/* Layout (all integers little-endian; field elements canonical u64):
 *   commit caps (n_reductions * 2^cap_height hashes of 4 u64)
 *   per query: per oracle: leaf (width u64), u8 n_sibs, n_sibs hashes;
 *              per reduction: 2^a ext (2 u64 each), u8 n_sibs, n_sibs hashes
 *   final polynomial (ext), pow witness (u64).
 * The shape comes from params + oracle widths (not stored). */
size_t bv_fri_proof_serialized_size(const bv_fri_proof *pr);
void bv_fri_proof_serialize(const bv_fri_proof *pr, uint8_t *out);
/* Reads a proof of the given shape from in[0..avail); *used = bytes read.
 * BV_ERR_FORMAT on truncation, bad lengths or non-canonical elements. */
bv_err bv_fri_proof_deserialize(bv_fri_proof *pr, const bv_fri_params *p,
                                const size_t *oracle_widths, size_t n_oracles, const uint8_t *in,
                                size_t avail, size_t *used, bv_status *st);

#endif
