/*
 * proof_store.h - where proofs (encoded nodes) are kept: a key -> bytes store
 * with interchangeable backends, chosen at run time (IOR-style table of
 * function pointers).
 *
 * Backends:
 *   "file:DIR"    one file DIR/KEY per key; writes go to a temporary file in
 *                 DIR that is fsync'ed and renamed over KEY, so a reader sees
 *                 either the old or the new value, never a partial one.
 *   "hdf5:FILE"   one 1-D uint8 dataset per key in an HDF5 file (serial
 *                 access from one process; the MPI checkpoint is checkpoint.h).
 *   "redis://HOST:PORT[/DB]"  SET/GET/EXISTS/DEL of the raw bytes
 *                 (src/store/store_redis.c, bv_store_redis_ops).
 *
 * Invariants:
 *  - Keys are 1..200 characters from [A-Za-z0-9_.:-] and never start with '.';
 *    every backend rejects other keys with BV_ERR_ARG (so a key can never
 *    escape the folder or create HDF5 sub-groups).
 *  - put() replaces any existing value; get() of a missing key is BV_ERR_IO
 *    with a message naming the key; del() of a missing key is not an error.
 *  - get() returns a malloc'ed buffer the caller frees (non-NULL even when the
 *    value is empty).
 *  - Functions never exit or print; errors come back in the bv_status.
 */
#ifndef BALVERIFY_PROOF_STORE_H
#define BALVERIFY_PROOF_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/status.h"

#define BV_STORE_KEY_MAX 200

typedef struct bv_proof_store bv_proof_store;

typedef struct {
    const char *name; /* "file", "hdf5", "redis" */
    /* Open the location (the part after "NAME:" or the whole redis URI); set
     * s->impl. create != 0 creates the folder/file when absent. */
    bv_err (*open)(bv_proof_store *s, const char *location, int create, bv_status *st);
    bv_err (*put)(bv_proof_store *s, const char *key, const uint8_t *data, size_t len,
                  bv_status *st);
    bv_err (*get)(bv_proof_store *s, const char *key, uint8_t **data, size_t *len, bv_status *st);
    bv_err (*exists)(bv_proof_store *s, const char *key, int *found, bv_status *st);
    bv_err (*del)(bv_proof_store *s, const char *key, bv_status *st);
    void (*close)(bv_proof_store *s); /* frees s->impl */
} bv_proof_store_ops;

struct bv_proof_store {
    const bv_proof_store_ops *ops;
    void *impl;
};

extern const bv_proof_store_ops bv_store_file_ops;
extern const bv_proof_store_ops bv_store_hdf5_ops;
extern const bv_proof_store_ops bv_store_redis_ops;

/* Open by URI ("file:DIR", "hdf5:FILE", "redis://HOST:PORT[/DB]"); *out is
 * malloc'ed. */
bv_err bv_proof_store_open(const char *uri, int create, bv_proof_store **out, bv_status *st);
/* Open with an explicit backend (e.g. &bv_store_redis_ops, location = URI). */
bv_err bv_proof_store_open_ops(const bv_proof_store_ops *ops, const char *location, int create,
                               bv_proof_store **out, bv_status *st);
/* Close and free; s may be NULL. */
void bv_proof_store_close(bv_proof_store *s);

static inline bv_err bv_store_put(bv_proof_store *s, const char *key, const uint8_t *data,
                                  size_t len, bv_status *st)
{
    return s->ops->put(s, key, data, len, st);
}
static inline bv_err bv_store_get(bv_proof_store *s, const char *key, uint8_t **data, size_t *len,
                                  bv_status *st)
{
    return s->ops->get(s, key, data, len, st);
}
static inline bv_err bv_store_exists(bv_proof_store *s, const char *key, int *found, bv_status *st)
{
    return s->ops->exists(s, key, found, st);
}
static inline bv_err bv_store_del(bv_proof_store *s, const char *key, bv_status *st)
{
    return s->ops->del(s, key, st);
}

/* BV_OK when key is acceptable (see invariants), else BV_ERR_ARG naming it. */
bv_err bv_store_check_key(const char *key, bv_status *st);

#endif
