/*
 * mapper_worker.h - the commitment-mapper worker's tasks: what
 * `commitment_mapper` does with each `validator_proof_queue` item
 * (spec/SYSTEM.md §3.1, §5.3-5.4; docs/REDIS.md §3).
 *
 * Tasks (payload tag, big-endian u64s):
 *   2 UPDATE_VALIDATOR_PROOF(i, S): the leaf of `validator:{i}` at the latest
 *     slot <= S of `validator:{i}:slot_lookup`, saved at gindex 2^40 + i, S;
 *     i = 2^40 proves the zero validator and saves `zeroes:40`.
 *   3 ZERO_OUT_VALIDATOR(i, S): the zero validator's leaf, saved at gindex
 *     2^40 + i, S.
 *   0 UPDATE_PROOF_NODE(g, S), 1 <= g < 2^40, depth d = floor(log2 g): the
 *     level 40-d circuit over the children c = 2g, 2g+1, each read from
 *     `validator_proof:{c}:{S'}` with S' the latest slot <= S of
 *     `validator_proof:{c}:slot_lookup`, or `validator_proof:zeroes:{d+1}`
 *     when there is no such entry or JSON. Saved at g, S; for g = 1 also
 *     `validators_root:{S}` = hex SHA(root || leaf64(validators_length:{S})).
 *   1 PROVE_ZERO_FOR_DEPTH(d), d <= 39: the level 40-d circuit over
 *     `zeroes:{d+1}` twice, saved as `zeroes:{d}`.
 *
 * Saving: the proof file (bv_proof_serialize with the level's circuit
 * digest, what `bv_verify --proof` reads against commitment_mapper_{k}.circuit)
 * goes to the proof store under `validator_proof_storage:{g}:{S}` or
 * `validator_proof_storage:zeroes:{d}` first, then the ValidatorProof JSON
 * (needsChange false, the proof's Poseidon and SHA roots, proofKey = that
 * storage key).
 *
 * Inputs:
 *  - a child whose JSON says needsChange is pending: the task waits
 *    (bv_worker_wait_pending) and, if it is still pending, is returned to
 *    the queue (BV_TASK_PENDING); a pending child is never replaced by a
 *    zero proof;
 *  - a child proof is read from the store by its proofKey, must be a proof
 *    of the child level's circuit, verify, and carry the roots its JSON
 *    states; otherwise, like a malformed payload, a missing or malformed
 *    validator record, a numeric chunk with non-zero high bytes or a missing
 *    `validators_length:{S}` for g = 1, the item is BV_TASK_BAD;
 *  - a task whose result is already saved (JSON with needsChange false
 *    naming this task's storage key, and the bytes present) is completed
 *    without proving again (a re-queued task of a worker that died after
 *    saving).
 *
 * Circuits come from one circuits directory written by
 * commitment_mapper_circuit_data_generation with the configuration the
 * worker is given (a directory of another configuration, or missing levels,
 * are refused at start); each level is loaded on first use and kept (at
 * most max_loaded levels, least recently used dropped first; all 41 by
 * default: about 50 MB per level in the test configuration).
 */
#ifndef BALVERIFY_MAPPER_WORKER_H
#define BALVERIFY_MAPPER_WORKER_H

#include "balverify/commitment_mapper.h"
#include "balverify/plonk_config.h"
#include "balverify/proof_store.h"
#include "balverify/worker.h"

typedef struct {
    long long leaves;  /* leaf proofs made (tags 2 and 3, zeroes:40 included) */
    long long nodes;   /* node proofs made (tag 0) */
    long long zeroes;  /* zero-subtree node proofs made (tag 1) */
    long long skipped; /* tasks found already done */
    long long per_level[BV_CM_TOP_LEVEL + 1];
    double prove_ms; /* time in the prover */
    long long loads; /* level prover data loaded */
} bv_mapper_stats;

typedef struct bv_mapper_worker bv_mapper_worker;

/* Checks the directory (configuration, all 41 levels present) and opens the
 * proof store (URI as proof_store.h; "redis://..." is DendrETH's redis
 * storage type). */
bv_err bv_mapper_worker_new(const char *circuits_dir, const bv_plonk_config *cfg,
                            const char *store_uri, bv_mapper_worker **out, bv_status *st);
void bv_mapper_worker_free(bv_mapper_worker *m);
/* Keep at most n (1..41) levels' prover data in memory. */
void bv_mapper_worker_set_max_loaded(bv_mapper_worker *m, int n);

/* The task function for bv_worker_run (ctx = the bv_mapper_worker). */
bv_err bv_mapper_worker_task(bv_worker *w, void *ctx, const bv_wq_item *item, bv_task_outcome *out,
                             bv_status *st);

const bv_mapper_stats *bv_mapper_worker_stats(const bv_mapper_worker *m);

#endif
