/*
 * checkpoint.h - the job's level-by-level checkpoint in one parallel HDF5 file
 * (layout: docs/CHECKPOINT_FORMAT.md).
 *
 * Every function here is COLLECTIVE over the communicator given at
 * create/open time: all ranks call it, in the same order, with the same
 * level/kind/total arguments (each rank passes its own node range).
 *
 * Invariants:
 *  - A level ("step" s: balance level s when s <= 37 and mapper level s) is
 *    written with collective MPI-IO writes and the file is closed; only then
 *    is the level's `complete` attribute set to 1 in a second short session.
 *    The file stays closed between steps. A level without complete == 1 is
 *    ignored on resume and rewritten.
 *  - The root attributes identify the run (format version, state root, block
 *    root, slot, fork, validator count, credentials). bv_ckpt_open() refuses a
 *    file whose identity differs from the expected one (BV_ERR_VERIFY, naming
 *    the attribute) and a file that is not a readable checkpoint
 *    (BV_ERR_FORMAT / BV_ERR_IO); it never modifies the file in those cases.
 *  - Node data read back is validated (sizes, indices, canonical field
 *    elements, proof lengths); corruption is BV_ERR_FORMAT, never a crash.
 *  - A node's proof bytes are stored as written (empty while proofs are not
 *    produced).
 */
#ifndef BALVERIFY_CHECKPOINT_H
#define BALVERIFY_CHECKPOINT_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>

#include "balverify/node.h"
#include "balverify/status.h"

#define BV_CKPT_FORMAT_VERSION 1
#define BV_CKPT_MAX_WC 64

typedef struct {
    uint8_t state_root[32];
    uint8_t block_root[32];
    uint64_t slot;
    uint64_t validator_count;
    char fork[16];
    uint8_t wc[BV_CKPT_MAX_WC][32];
    uint32_t n_wc;
} bv_ckpt_meta;

typedef struct bv_ckpt bv_ckpt;

/* Create a new checkpoint file (fails if path exists). */
bv_err bv_ckpt_create(MPI_Comm comm, const char *path, const bv_ckpt_meta *meta, bv_ckpt **out,
                      bv_status *st);
/* Open an existing checkpoint for resuming. Checks the identity against
 * *expect; *last_complete receives the highest step s such that every step
 * 0..s is complete, or -1 when none is. */
bv_err bv_ckpt_open(MPI_Comm comm, const char *path, const bv_ckpt_meta *expect, bv_ckpt **out,
                    int *last_complete, bv_status *st);

/* Start step `level`: removes any previous (incomplete) copy of it. */
bv_err bv_ckpt_begin_level(bv_ckpt *c, uint32_t level, bv_status *st);
/* Write this rank's nodes [lo, lo + n) of a level that has `total` nodes
 * (after bv_ckpt_begin_level for that step). */
bv_err bv_ckpt_write_level(bv_ckpt *c, uint32_t level, bv_node_kind kind, uint64_t total,
                           uint64_t lo, const bv_node *nodes, size_t n, bv_status *st);
/* Mark step `level` complete (after its kinds are written). */
bv_err bv_ckpt_mark_complete(bv_ckpt *c, uint32_t level, bv_status *st);
/* Read nodes [lo, hi) of a stored level; *nodes is malloc'ed (hi - lo nodes,
 * free each with bv_node_free, then free the array). Checks the stored total
 * equals `total`. */
bv_err bv_ckpt_read_level(bv_ckpt *c, uint32_t level, bv_node_kind kind, uint64_t total,
                          uint64_t lo, uint64_t hi, bv_node **nodes, bv_status *st);
/* Record the final node (rank 0's value is written) and close. */
bv_err bv_ckpt_write_final(bv_ckpt *c, const bv_node *final_node, bv_status *st);
bv_err bv_ckpt_close(bv_ckpt *c, bv_status *st);

#endif
