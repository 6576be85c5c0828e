/*
 * merkle.h - Poseidon Merkle trees with caps (spec/PROOF_SYSTEM.md section 4),
 * bit-exact with plonky2's MerkleTree.
 *
 * Invariants:
 *  - A tree has 2^log_leaves leaves; each leaf is a row of leaf_len field
 *    elements. Leaf digest = hash_or_noop(row); inner node =
 *    two_to_one(left, right).
 *  - The cap of height h (h <= log_leaves) is the 2^h nodes at depth h, left
 *    to right; h = 0 is the root, h = log_leaves the leaf digests.
 *  - A proof for leaf i lists the log_leaves - h sibling digests from the leaf
 *    level upward; the index bits give the directions (bit 1: sibling left).
 *  - The tree owns its digests but not the leaves; it keeps no pointer to them.
 *  - Building hashes leaves with bv_poseidon_permute_many (SIMD) and splits
 *    the work over OpenMP threads; the result does not depend on either.
 */
#ifndef BALVERIFY_MERKLE_H
#define BALVERIFY_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/poseidon.h"
#include "balverify/status.h"

#define BV_MERKLE_MAX_LOG_LEAVES 40

typedef struct {
    unsigned log_leaves; /* tree has 2^log_leaves leaves */
    unsigned cap_height;
    size_t leaf_len;
    /* level k (k = 0 leaves ... log_leaves - cap_height = cap) has
     * 2^(log_leaves - k) digests at nodes + level_off[k] */
    bv_hash *nodes;
    size_t level_off[BV_MERKLE_MAX_LOG_LEAVES + 1];
} bv_merkle_tree;

/* Build from n_leaves = 2^log_leaves rows, row i at leaves[i * leaf_len].
 * Rows may also be given with a stride >= leaf_len (elements between rows)
 * via bv_merkle_build_strided. */
bv_err bv_merkle_build(bv_merkle_tree *t, const gl_t *leaves, unsigned log_leaves, size_t leaf_len,
                       unsigned cap_height, bv_status *st);
bv_err bv_merkle_build_strided(bv_merkle_tree *t, const gl_t *leaves, unsigned log_leaves,
                               size_t leaf_len, size_t stride, unsigned cap_height, bv_status *st);
void bv_merkle_free(bv_merkle_tree *t);

/* The 2^cap_height cap digests. */
static inline const bv_hash *bv_merkle_cap(const bv_merkle_tree *t)
{
    return t->nodes + t->level_off[t->log_leaves - t->cap_height];
}
static inline size_t bv_merkle_cap_len(const bv_merkle_tree *t)
{
    return (size_t)1 << t->cap_height;
}
/* Number of siblings in a proof: log_leaves - cap_height. */
static inline unsigned bv_merkle_proof_len(const bv_merkle_tree *t)
{
    return t->log_leaves - t->cap_height;
}

/* Siblings for leaf `index` (index < 2^log_leaves) into
 * siblings[0 .. bv_merkle_proof_len). */
void bv_merkle_prove(const bv_merkle_tree *t, size_t index, bv_hash *siblings);

/* Verify that `leaf` (leaf_len elements) is leaf `index` of a tree with the
 * given cap (2^cap_height digests) and n_siblings siblings. The tree then has
 * 2^(n_siblings + cap_height) leaves and index must be below that.
 * BV_ERR_VERIFY (message names the index) when it does not verify. */
bv_err bv_merkle_verify(const gl_t *leaf, size_t leaf_len, size_t index, const bv_hash *cap,
                        unsigned cap_height, const bv_hash *siblings, unsigned n_siblings,
                        bv_status *st);

/* Verify `count` leaves of the same tree at once (batched hashing; same
 * result as count calls of bv_merkle_verify). Leaf k is at leaves + k *
 * leaf_stride (leaf_len elements), has index indices[k] and its siblings at
 * siblings + k * sib_stride. On failure returns BV_ERR_VERIFY, names the
 * first failing leaf and stores its position k in *bad (if bad != NULL). */
bv_err bv_merkle_verify_many(const gl_t *leaves, size_t leaf_len, size_t leaf_stride,
                             const size_t *indices, size_t count, const bv_hash *cap,
                             unsigned cap_height, const bv_hash *siblings, size_t sib_stride,
                             unsigned n_siblings, size_t *bad, bv_status *st);

/* hash_or_noop of many rows at once: out[i] = hash_or_noop(rows[i*stride ..
 * +leaf_len]), using batched permutations (single-threaded; callers split). */
void bv_merkle_hash_leaves(bv_hash *out, const gl_t *rows, size_t n_rows, size_t leaf_len,
                           size_t stride);

#endif
