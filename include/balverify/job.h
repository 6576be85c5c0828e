/*
 * job.h - the native end-to-end MPI job (docs/JOB.md): from a BeaconState to
 * the locked balance of given withdrawal credentials, computed as the two
 * DendrETH trees (balance aggregation, commitment mapper) reduced level by
 * level across MPI ranks, and checked against the state and block roots.
 *
 * Invariants:
 *  - bv_job_run() is COLLECTIVE over comm. Every rank returns the same code;
 *    on failure every rank's status holds the same one-line message (the
 *    first failing rank's, prefixed "rank R:" when R != 0), and no result is
 *    filled in.
 *  - The result is identical for every rank count and thread count, and for
 *    a run resumed from its checkpoint at any complete level.
 *  - Counters and the sum cover validators whose credential matches one of
 *    cfg->wc; the sum adds the balances (not effective balances) of those
 *    active at epoch slot / SLOTS_PER_EPOCH (activation_epoch <= epoch <
 *    exit_epoch), modulo 2^64 as in the circuits.
 *  - A result is only produced after: the tree's validators and balances
 *    list roots verify through SSZ branches against the state root, the slot
 *    leaf verifies, the state root verifies under the block root, and the
 *    mapper Poseidon root equals the balance tree's validator commitment.
 *
 * Extension points: a bv_job_observer receives every completed level, every
 * node and the final node, e.g. to mirror task state to Redis. An observer
 * callback returning an error stops the job with that error.
 */
#ifndef BALVERIFY_JOB_H
#define BALVERIFY_JOB_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "balverify/beacon_state.h"
#include "balverify/input.h"
#include "balverify/node.h"
#include "balverify/proof_store.h"
#include "balverify/status.h"

typedef struct {
    uint64_t slot;
    uint64_t epoch;
    char fork[16];
    uint8_t state_root[32];
    uint8_t block_root[32];
    uint8_t validators_root[32];
    uint8_t balances_root[32];
    bv_hash validators_poseidon_root;
    uint64_t validator_count;
    uint8_t wc[BV_MAX_CREDENTIALS][32];
    size_t n_wc;
    uint64_t total_locked_gwei;
    uint64_t active_validators;
    uint64_t exited_validators;
    uint64_t non_activated_validators;
    uint64_t slashed_validators;
    /* >= 0 when the run stopped on purpose after that level (stop_after_level);
     * the other fields are then not filled in. -1 for a finished run. */
    int stopped_after_level;
    int resumed_from_level; /* -1 when the run started from scratch */
    bv_node final_node;     /* public values of the final statement (no proof yet) */
} bv_job_result;

typedef struct {
    void *ctx;
    /* Every rank, after a level is complete (and checkpointed): this rank's
     * nodes [lo, lo + n) of the `total` nodes of that level. */
    bv_err (*on_level_complete)(void *ctx, bv_node_kind kind, uint32_t level, uint64_t total,
                                uint64_t lo, const bv_node *nodes, size_t n, bv_status *st);
    /* Every rank, for each node it computed (leaves and inner nodes). */
    bv_err (*on_node)(void *ctx, const bv_node *node, bv_status *st);
    /* Rank 0 only, once the final checks passed. */
    bv_err (*on_final)(void *ctx, const bv_job_result *res, bv_status *st);
} bv_job_observer;

typedef struct {
    const char *state_path;
    const char *header_path; /* NULL: derive from latest_block_header */
    bv_fork fork;            /* BV_FORK_AUTO: detect from the file */
    uint8_t wc[BV_MAX_CREDENTIALS][32];
    size_t n_wc;
    const char *checkpoint_path; /* NULL: no checkpoint */
    int resume;                  /* continue checkpoint_path when it exists */
    int stop_after_level;        /* -1: run to the end */
    int threads;                 /* 0: OMP_NUM_THREADS, else cores / ranks on the node */
    int verbose;                 /* progress lines on rank 0's stderr */
    const bv_job_observer *observer;
} bv_job_config;

void bv_job_config_init(bv_job_config *cfg);

/* An observer that puts every node a rank computes, encoded (bv_node_encode),
 * into a proof store under bv_node_store_key(): "balance:L:I", "mapper:L:I",
 * and "final" (rank 0). */
void bv_store_observer(bv_proof_store *s, bv_job_observer *ob);
void bv_node_store_key(const bv_node *n, char *out, size_t cap);

/* Two observers called in order (the first error stops the chain). The
 * chain struct must outlive the job. */
typedef struct {
    bv_job_observer ob[2];
} bv_observer_chain;
void bv_observer_chain_init(bv_observer_chain *c, const bv_job_observer *first,
                            const bv_job_observer *second, bv_job_observer *out);

bv_err bv_job_run(MPI_Comm comm, const bv_job_config *cfg, bv_job_result *res, bv_status *st);
void bv_job_result_free(bv_job_result *res);

/* The result as JSON (the keys of docs/JOB.md, in that order); *json is
 * malloc'ed and ends with a newline. */
bv_err bv_job_result_json(const bv_job_result *res, char **json, bv_status *st);

/* Collective: every rank learns whether any rank failed; on failure all
 * statuses become the first failing rank's. Returns the agreed code. */
bv_err bv_mpi_agree(MPI_Comm comm, bv_status *st);

/* Contiguous split of `count` items over `nranks`: rank r gets [lo, hi), the
 * first count % nranks ranks one item more. */
void bv_split_range(uint64_t count, int nranks, int r, uint64_t *lo, uint64_t *hi);

#endif
