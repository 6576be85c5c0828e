/*
 * worker.h - what every proving worker of the Redis pipeline shares
 * (docs/REDIS.md §3): the lease loop over one work queue, waiting for inputs
 * that are still pending, and proofs in a proof store.
 *
 * The loop (bv_worker_run), per item:
 *   lease (blocking pop of at most stop_after seconds, in 1 s slices so a
 *   signal is seen within a second; nothing -> "waiting for tasks" and lease
 *   again) -> the task function -> by its outcome:
 *     DONE     complete the item (results were saved before);
 *     PENDING  an input is still pending (the task waited for it while
 *              the queue was empty, at most pending_wait_ms; not at all
 *              when other items wait): the item is returned to the far end of the queue
 *              (bv_wq_release) and the next one leased; after two such
 *              items in a row the worker pauses pending_pause_ms. Never
 *              "done" with a substitute input;
 *     BAD      the item cannot be processed (bad payload, missing or
 *              malformed input, a stored proof that does not verify): set
 *              aside under P:failed with the reason, logged as
 *              "item ID set aside: REASON"; the worker goes on.
 *   A task that returns an error instead (Redis gone, proof store failing,
 *   out of memory) is logged; the item is released once Redis answers again
 *   (a Redis restart is survived: every command reconnects) and the worker
 *   pauses error_pause_ms.
 *
 * Invariants:
 *  - Results are saved by the task before DONE is returned, proof bytes
 *    before the JSON that names them, so nothing completed is unsaved and
 *    nothing saved is lost if the process dies before completing (the
 *    re-leased task finds its result, see bv_worker_opts).
 *  - SIGTERM/SIGINT (bv_worker_install_signals) let the current task finish
 *    and then stop the loop; a task waiting for a pending input gives up at
 *    once and its item is released. --run-for is checked before each lease.
 *  - While a task runs, a thread with its own connection renews the item's
 *    lease every lease_for/3 seconds, so a proof longer than the lease is
 *    not handed to a second worker; a process that dies stops renewing and
 *    its item is re-queued by the cleaner once the lease expires.
 *  - The loop holds one Redis connection; tasks use bv_worker_redis().
 */
#ifndef BALVERIFY_WORKER_H
#define BALVERIFY_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/circuit.h"
#include "balverify/proof.h"
#include "balverify/proof_store.h"
#include "balverify/redis_conn.h"
#include "balverify/status.h"
#include "balverify/work_queue.h"

typedef enum {
    BV_TASK_DONE = 0,
    BV_TASK_PENDING = 1,
    BV_TASK_BAD = 2,
} bv_task_outcome;

typedef struct {
    const char *name;      /* program name, prefix of every log line */
    const char *redis_uri; /* redis://HOST[:PORT][/DB] */
    const char *queue;     /* work-queue prefix */
    int stop_after_s;      /* blocking pop timeout (0: non-blocking, polled every second) */
    int lease_for_s;       /* lease TTL (>= 1) */
    double run_for_min;    /* wall-clock bound of the loop; <= 0: none */
    int pending_wait_ms;   /* how long one task waits for a pending input before release */
    int pending_poll_ms;   /* between two looks at a pending input */
    int pending_pause_ms;  /* after releasing an item whose input is pending */
    int error_pause_ms;    /* after a task failed with an error */
    int quiet;             /* no per-task lines on stdout */
} bv_worker_opts;

/* Defaults: 20 s, 30 s, no run-for limit, wait 2 s polling every 250 ms,
 * pause 1 s after a release and 10 s after an error (DendrETH's). */
void bv_worker_opts_default(bv_worker_opts *o);

typedef struct bv_worker bv_worker;

typedef struct {
    long long leased, done, pending, set_aside, errors;
} bv_worker_stats;

/* A task: fills *out (on BV_OK) and, for BAD, a reason in st. */
typedef bv_err (*bv_worker_task_fn)(bv_worker *w, void *ctx, const bv_wq_item *item,
                                    bv_task_outcome *out, bv_status *st);

/* SIGTERM and SIGINT request a stop (handlers without SA_RESTART issues:
 * the loop polls a flag). */
void bv_worker_install_signals(void);
/* 1 once a stop was requested (signal or bv_worker_request_stop). */
int bv_worker_stopping(void);
void bv_worker_request_stop(void);

/* Connects and runs the loop until a stop request or run_for; stats may be
 * NULL. Returns an error only when the loop could not start (bad options,
 * no Redis at start-up). */
bv_err bv_worker_run(const bv_worker_opts *o, bv_worker_task_fn fn, void *ctx,
                     bv_worker_stats *stats, bv_status *st);

bv_redis *bv_worker_redis(bv_worker *w);
const bv_worker_opts *bv_worker_options(const bv_worker *w);

/* For a task that found an input pending: sleeps one poll interval,
 * renewing the item's lease. Returns 1 when the task should give up (other
 * items are queued, it has waited pending_wait_ms in all, or a stop was
 * requested), 0 to look again. */
int bv_worker_wait_pending(bv_worker *w);

/* Milliseconds since an arbitrary start (monotonic). */
double bv_worker_now_ms(void);

/* ---- proofs in a proof store ---- */

/* Saves p (the proof file of bv_proof_serialize, made for circuit d: what
 * `bv_verify --proof` reads) under key. */
bv_err bv_worker_put_proof(bv_proof_store *s, const char *key, const bv_proof *p,
                           const bv_circuit_data *d, bv_status *st);
/* Reads the proof under key, which must be a proof file of the circuit
 * (vd, cd) and verify. A missing key is BV_ERR_IO; bytes of another circuit
 * or a proof that does not verify are BV_ERR_VERIFY / BV_ERR_FORMAT. */
bv_err bv_worker_get_proof(bv_proof_store *s, const char *key, const bv_verifier_data *vd,
                           const bv_common_data *cd, bv_proof *out, bv_status *st);

#endif
