/*
 * mirror.h - mirror the MPI job's results to Redis under DendrETH's keys and
 * consume the tasks the feeders queued, through the job's observer hooks.
 *
 * What is written (SYSTEM.md §2), every rank for the nodes it computed:
 *   {proto}:balance_verification_proof_storage:{L}:{i}   node bytes (bv_node_encode)
 *   {proto}:balance_verification_proof:{L}:{i}           BalanceProof JSON, needsChange false
 *   validator_proof_storage:{g}:{slot}                   node bytes
 *   validator_proof:{g}:{slot} (+ its slot_lookup ZADD)  ValidatorProof JSON, needsChange false
 *     with g = 2^(40-k) + i for mapper level k, index i;
 * and on rank 0 at the end:
 *   validators_root:{slot}                               hex SSZ validators root
 *   {proto}:final_layer_proof                            FinalProof JSON (correct exited count)
 * The storage object is written before its JSON (readers never see a
 * needsChange:false value without its bytes).
 *
 * Tasks: after each balance level L is complete on every rank and no rank
 * has a write pending (MPI reduction; else deferred to bv_mirror_close),
 * rank 0 leases every item of {proto}:balance_verification_queue:{L} and
 * completes those whose result is now in Redis (index < level width, or the
 * zero task R, whose zero node it writes); items it cannot match are set
 * aside (PREFIX:failed) with the reason. After the last mapper level it does
 * the same with validator_proof_queue for tasks of the job's slot (zero
 * tasks get their zero-subtree proof at validator_proof:zeroes:{d}); tasks
 * of other slots are handed back to the queue untouched.
 *
 * Redis loss: a failed write is kept, in order, in memory and replayed as
 * soon as a reconnect succeeds (tried at most once a second, at each
 * callback). With BV_MIRROR_CONTINUE the job never fails because of Redis:
 * its HDF5 checkpoint stays the source of truth; bv_mirror_close() waits up
 * to resync_timeout_s for Redis and, if it is still away, writes the
 * missed writes to spool_path (replayable with bv_mirror_replay_spool) and
 * reports how many. With BV_MIRROR_STOP the observer returns BV_ERR_NET, so
 * the job stops cleanly after the level it just checkpointed; --resume
 * continues it later.
 *
 * Invariants: every callback reaches its barrier on every rank whatever
 * happened to Redis (no rank can hang another); values are byte-identical
 * to what the Rust workers write for the same public values.
 */
#ifndef BALVERIFY_MIRROR_H
#define BALVERIFY_MIRROR_H

#include <mpi.h>
#include <stdint.h>

#include "balverify/job.h"
#include "balverify/status.h"

typedef enum { BV_MIRROR_CONTINUE = 0, BV_MIRROR_STOP = 1 } bv_mirror_policy;

typedef struct {
    const char *uri;      /* redis://host:port[/db] */
    const char *protocol; /* "lido", "diva", ... */
    uint64_t slot;        /* slot of the job's state (bv_state_file_slot) */
    MPI_Comm comm;        /* the job's communicator */
    bv_mirror_policy policy;
    int consume_tasks;      /* lease/complete the feeders' queues */
    int resync_timeout_s;   /* bv_mirror_close wait for Redis (default 30, or
                               $BV_REDIS_RESYNC_S) */
    const char *spool_path; /* where missed writes go if Redis stays away (may be NULL) */
    int verbose;
} bv_mirror_config;

typedef struct bv_mirror bv_mirror;

void bv_mirror_config_init(bv_mirror_config *cfg);

/* Connect (collective: every rank opens its own connection). With
 * BV_MIRROR_CONTINUE an unreachable Redis is not an error: writes queue up. */
bv_err bv_mirror_open(bv_mirror **out, const bv_mirror_config *cfg, bv_status *st);

/* An observer for bv_job_config.observer that feeds this mirror. */
void bv_mirror_observer(bv_mirror *m, bv_job_observer *ob);

/* Writes still waiting for Redis on this rank. */
uint64_t bv_mirror_pending(const bv_mirror *m);

/* Replay pending writes now (reconnecting if needed). */
bv_err bv_mirror_flush(bv_mirror *m, bv_status *st);

/* COLLECTIVE over cfg->comm. Flush (waiting up to resync_timeout_s);
 * when every rank's writes are in, rank 0 completes the tasks whose
 * consumption was deferred while Redis was away; spool what is left; free.
 * The status says how many writes were spooled, if any (BV_ERR_NET then). */
bv_err bv_mirror_close(bv_mirror *m, bv_status *st);

/* Free without flushing (not collective): for a run that never started. */
void bv_mirror_free(bv_mirror *m);

/* Replay a spool file written by bv_mirror_close into Redis at uri. */
bv_err bv_mirror_replay_spool(const char *uri, const char *path, uint64_t *replayed, bv_status *st);

#endif
