/*
 * work_queue.h - the redis-work-queue protocol spoken by DendrETH's feeders
 * (npm @mevitae/redis-work-queue 0.1.5) and workers (crate 0.1.6).
 *
 * A queue is a key prefix P. Keys (Legacy profile, DendrETH's generation):
 *   P:queue                    LIST  ids waiting; producers LPUSH, workers pop the right end
 *   P:processing               LIST  ids popped by some worker
 *   P:item:{id}                STRING payload bytes (binary, no TTL)
 *   P:leased_by_session:{id}   STRING+TTL lease marker, value = worker session id
 *   P:cleaning                 LIST  journal of a cleaner between LREM and push
 * The V3 profile (library >= 0.3) uses P:lease:{id} and decides "item alive"
 * by the data key; it is offered for completeness and never mixed with L.
 *
 * Invariants and guarantees (Legacy profile):
 *  - Item ids are 36-char lower-case random UUID v4 strings.
 *  - add is atomic (MULTI SET + LPUSH EXEC): no client ever sees the id
 *    without its data.
 *  - lease pops with (B)RPOPLPUSH and sets the lease in the very next round
 *    trip (a Lua script doing GET + SETEX); the non-blocking lease is one Lua
 *    script (pop + GET + SETEX), so no cleaner can see it unleased.
 *  - missing data on lease: BV_WQ_ORPHAN_EMPTY returns the id with empty data
 *    and a lease, like every Legacy client; BV_WQ_ORPHAN_DROP removes the id
 *    from P:processing and tries the next one.
 *  - complete is one Lua script: LREM P:processing 0 id, and only if that
 *    removed something DEL the data and the lease. Exactly one of racing
 *    completers gets removed = 1.
 *  - light clean is one Lua script per id: skip if leased; LREM from
 *    P:processing; re-queue only if that removed something AND the data
 *    still exists (a data-less id is dropped, never re-queued). Then the
 *    P:cleaning journal left by a crashed cleaner is drained with the same
 *    checks plus "not already in queue/processing".
 *  - lease_secs must be >= 1 (checked before anything is popped).
 *  - Every failure fills the status with the key and operation; a Redis that
 *    went away is BV_ERR_NET.
 */
#ifndef BALVERIFY_WORK_QUEUE_H
#define BALVERIFY_WORK_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/redis_conn.h"
#include "balverify/status.h"

#define BV_WQ_PREFIX_MAX 200
#define BV_WQ_KEY_MAX 400
#define BV_WQ_ID_MAX 128

typedef enum { BV_WQ_LEGACY = 0, BV_WQ_V3 = 1 } bv_wq_profile;

typedef enum {
    BV_WQ_ORPHAN_EMPTY = 0, /* Legacy behaviour: hand out the id with empty data */
    BV_WQ_ORPHAN_DROP = 1,  /* remove the data-less id from processing, try the next */
} bv_wq_orphan_mode;

typedef enum {
    BV_WQ_REQUEUE_FRONT = 0, /* RPUSH: next to be leased (DendrETH's cleaner) */
    BV_WQ_REQUEUE_BACK = 1,  /* LPUSH: back of the line (library cleaner) */
} bv_wq_requeue;

typedef struct {
    char prefix[BV_WQ_PREFIX_MAX];
    char k_queue[BV_WQ_KEY_MAX];
    char k_processing[BV_WQ_KEY_MAX];
    char k_cleaning[BV_WQ_KEY_MAX];
    char session[37];
    bv_wq_profile profile;
    bv_wq_orphan_mode orphan;
    bv_wq_requeue requeue;
} bv_work_queue;

typedef struct {
    char id[BV_WQ_ID_MAX];
    uint8_t *data; /* malloc'd, may be NULL when len == 0 */
    size_t len;
    int had_data; /* 0 when P:item:{id} did not exist (orphan handed out) */
} bv_wq_item;

typedef struct {
    long long requeued;        /* ids pushed back to the queue */
    long long dropped;         /* expired ids without data, removed */
    long long journal_drained; /* P:cleaning entries handled */
    long long journal_requeued;
} bv_wq_clean_stats;

/* Prepare a queue handle for prefix (no trailing colon, as DendrETH). A new
 * session id is drawn. Defaults: Legacy, ORPHAN_EMPTY, REQUEUE_FRONT. */
bv_err bv_wq_init(bv_work_queue *q, const char *prefix, bv_status *st);

/* Key of the data / lease of one id (buffer of BV_WQ_KEY_MAX). */
void bv_wq_item_key(const bv_work_queue *q, const char *id, char *out);
void bv_wq_lease_key(const bv_work_queue *q, const char *id, char *out);

/* Add with a fresh UUID; id_out (>= 37 bytes) may be NULL. */
bv_err bv_wq_add(bv_redis *r, const bv_work_queue *q, const void *data, size_t len, char *id_out,
                 bv_status *st);
/* Add with a caller-chosen id (Legacy: a duplicate id is pushed again). */
bv_err bv_wq_add_id(bv_redis *r, const bv_work_queue *q, const char *id, const void *data,
                    size_t len, bv_status *st);

/* Add n items with fresh UUIDs in one transaction and one round trip
 * (MULTI, then SET+LPUSH per item in order, EXEC): the same end state as n
 * bv_wq_add calls, for feeders that enqueue thousands of tasks. Legacy
 * profile only. ids_out (n * 37 bytes) may be NULL. */
bv_err bv_wq_add_many(bv_redis *r, const bv_work_queue *q, size_t n, const uint8_t *const *data,
                      const size_t *lens, char (*ids_out)[37], bv_status *st);

/* Lease one item. block = 0: non-blocking; block = 1: wait up to
 * timeout_secs (0 = forever). *got = 0 when nothing was available. */
bv_err bv_wq_lease(bv_redis *r, const bv_work_queue *q, int lease_secs, int block, int timeout_secs,
                   bv_wq_item *item, int *got, bv_status *st);
void bv_wq_item_free(bv_wq_item *item);

/* Renew the lease of an id still in processing (EXPIRE only if it exists).
 * *renewed = 0 when the lease had already expired. */
bv_err bv_wq_renew(bv_redis *r, const bv_work_queue *q, const char *id, int lease_secs,
                   int *renewed, bv_status *st);

/* Complete; *removed (may be NULL) = 1 when this call was the completer. */
bv_err bv_wq_complete(bv_redis *r, const bv_work_queue *q, const char *id, int *removed,
                      bv_status *st);

/* One light-clean pass (stats may be NULL). */
bv_err bv_wq_light_clean(bv_redis *r, const bv_work_queue *q, bv_wq_clean_stats *stats,
                         bv_status *st);

/* Set aside an item that cannot be processed (bad payload, missing
 * input): atomically remove it from P:processing, delete its data and lease
 * (like complete) and RPUSH a JSON record {"id","reason","data"(hex)} to
 * P:failed, so nothing re-queues it and an operator can inspect it.
 * *removed as for complete. The P:failed list is invisible to the other
 * clients (they never read keys they do not know). */
bv_err bv_wq_set_aside(bv_redis *r, const bv_work_queue *q, const char *id, const char *reason,
                       const void *data, size_t len, int *removed, bv_status *st);

/* Return a leased item that cannot be processed yet (an input is still
 * pending) to the far end of P:queue, so the items already waiting go
 * first: one script removes the id from P:processing, deletes its lease and,
 * only if the id was removed and its data still exists, LPUSHes it (what a
 * producer's add does; to the other clients it looks like an expired lease
 * re-queued by a cleaner). *released (may be NULL) = 1 when it was pushed. */
bv_err bv_wq_release(bv_redis *r, const bv_work_queue *q, const char *id, int *released,
                     bv_status *st);

/* LLEN of P:queue and P:processing (either pointer may be NULL). */
bv_err bv_wq_lengths(bv_redis *r, const bv_work_queue *q, long long *queued, long long *processing,
                     bv_status *st);

#endif
