/*
 * ssz.h - SSZ merkleization primitives (SHA-256 based), generalized indices
 * and Merkle branches (spec/CONSENSUS.md sections 1-3 and 6).
 *
 * Invariants:
 *  - A chunk / root / node is 32 bytes. Arrays of chunks are contiguous
 *    (chunk i at bytes 32 i .. 32 i + 32).
 *  - bv_ssz_zero_hash(d) is Z[d]: Z[0] = 32 zero bytes, Z[d+1] = H(Z[d], Z[d]),
 *    defined for 0 <= d <= BV_SSZ_MAX_DEPTH.
 *  - Merkleization never materializes padding: a tree of depth d whose first
 *    `count` leaves are given and whose other leaves are zero subtrees costs
 *    about `count` hashes plus d, whatever d is (2^40-leaf lists are cheap).
 *  - "Height" of a node is its distance to the leaves of the full tree, so a
 *    node of height h that covers only zero leaves equals Z[h]. Functions that
 *    take `height` combine nodes that are themselves roots of subtrees of that
 *    height (e.g. per-rank subtree roots) and pad with Z[height + level].
 *  - Branches are ordered bottom-up (sibling of the leaf first) and verified
 *    with the DendrETH convention (spec/SYSTEM.md section 5.1): bit i of the
 *    gindex (LSB first) set means node = H(branch[i], node), clear means
 *    node = H(node, branch[i]).
 *  - gindex: root = 1, children of g are 2g and 2g + 1; a node at depth d and
 *    position p is 2^d + p. All gindices used by this project fit in 64 bits.
 *  - Functions returning bv_err fail only on bad arguments (count above the
 *    tree capacity, depth out of range) or allocation failure.
 */
#ifndef BALVERIFY_SSZ_H
#define BALVERIFY_SSZ_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/status.h"

#define BV_SSZ_MAX_DEPTH 64
#define BV_SSZ_VALIDATOR_SIZE 121 /* serialized Validator */
#define BV_SSZ_HEADER_SIZE 112    /* serialized BeaconBlockHeader */
#define BV_SSZ_REGISTRY_DEPTH 40  /* log2(VALIDATOR_REGISTRY_LIMIT) */
#define BV_SSZ_BALANCES_DEPTH 38  /* log2(2^40 * 8 / 32) */

/* Z[d], 0 <= d <= BV_SSZ_MAX_DEPTH (NULL above). Thread-safe (static table). */
const uint8_t *bv_ssz_zero_hash(unsigned depth);

/* ceil(log2(n)), with 0 and 1 giving 0. */
unsigned bv_ssz_ceil_log2(uint64_t n);

/* Leaves of basic values. */
void bv_ssz_uint64_leaf(uint8_t out[32], uint64_t v);
/* H(root, uint256_le(len)). out may alias root. */
void bv_ssz_mix_in_length(uint8_t out[32], const uint8_t root[32], uint64_t len);
/* Root of a Bytes48 (BLS pubkey): H(pk[0:32], pk[32:48] || 16 zero bytes). */
void bv_ssz_bytes48_root(uint8_t out[32], const uint8_t pk[48]);
/* Root of an arbitrary fixed byte vector (chunked, zero padded, merkleized
 * to the next power of two). Allocation-free up to 64 chunks; larger inputs
 * may return BV_ERR_NOMEM. */
bv_err bv_ssz_bytes_root(uint8_t out[32], const uint8_t *bytes, size_t len, bv_status *st);

/* Root of a depth-`depth` tree whose first `count` leaves are `chunks` and
 * whose other leaves are zero. count <= 2^depth, depth <= 64. */
bv_err bv_ssz_merkleize_depth(uint8_t out[32], const uint8_t *chunks, uint64_t count,
                              unsigned depth, bv_status *st);
/* SSZ merkleize(chunks, limit): depth = ceil(log2(limit)); limit 0 means
 * "no limit" (next power of two of count). count <= limit. */
bv_err bv_ssz_merkleize(uint8_t out[32], const uint8_t *chunks, uint64_t count, uint64_t limit,
                        bv_status *st);
/* Combine `count` consecutive nodes of height `height` (node j covers leaves
 * j 2^height ..) into the root of a tree of height `total_height`, padding
 * with Z[height + level]. count <= 2^(total_height - height). */
bv_err bv_ssz_merkleize_nodes(uint8_t out[32], const uint8_t *nodes, uint64_t count,
                              unsigned height, unsigned total_height, bv_status *st);
/* In-place helper: hash one level (n nodes -> ceil(n/2) parents, an odd last
 * node is paired with pad). dst may equal src. Returns the parent count. */
uint64_t bv_ssz_hash_level(uint8_t *dst, const uint8_t *src, uint64_t n, const uint8_t pad[32]);

/* Containers and common records. */
/* Root of a classic Container from its field roots (nfields >= 1). */
bv_err bv_ssz_container_root(uint8_t out[32], const uint8_t *field_roots, size_t nfields,
                             bv_status *st);
/* hash_tree_root(Validator) from its 121-byte SSZ record. */
void bv_ssz_validator_root(uint8_t out[32], const uint8_t rec[BV_SSZ_VALIDATOR_SIZE]);
/* The 8 field leaves of a Validator (pubkey root, wc, eb, slashed, 4 epochs). */
void bv_ssz_validator_leaves(uint8_t leaves[8][32], const uint8_t rec[BV_SSZ_VALIDATOR_SIZE]);
/* Batch: out[i] = hash_tree_root(records[i]) for n consecutive records
 * (the fast path: pair hashes are batched level by level). */
void bv_ssz_validator_roots(uint8_t *out, const uint8_t *records, size_t n);
/* hash_tree_root(BeaconBlockHeader) from its 112-byte SSZ record. */
void bv_ssz_header_root(uint8_t out[32], const uint8_t hdr[BV_SSZ_HEADER_SIZE]);
/* The 8 leaves of the header tree (5 fields + 3 zero leaves). */
void bv_ssz_header_leaves(uint8_t leaves[8][32], const uint8_t hdr[BV_SSZ_HEADER_SIZE]);

/* Registry lists (List[Validator, 2^40] and List[Gwei, 2^40]). */
/* hash_tree_root(validators) of n consecutive 121-byte records. Uses OpenMP
 * threads when the list is large. */
bv_err bv_ssz_validators_root(uint8_t out[32], const uint8_t *records, uint64_t n, bv_status *st);
/* hash_tree_root(balances): balances_le holds n little-endian u64 (8 n bytes,
 * as serialized). The length mixed in is n. */
bv_err bv_ssz_balances_root(uint8_t out[32], const uint8_t *balances_le, uint64_t n, bv_status *st);
/* Root of the subtree of height k whose first m leaves are the validator
 * roots of `records` (m <= 2^k) and whose other leaves are zero. For the
 * subtree of 2^k leaves starting at registry index i 2^k, pass
 * records + i 2^k 121 and m = min(2^k, n - i 2^k). */
bv_err bv_ssz_validators_subtree(uint8_t out[32], const uint8_t *records, uint64_t m, unsigned k,
                                 bv_status *st);
/* Same for balances: subtree of height k over balance CHUNKS (4 balances per
 * chunk). balances_le points at the first balance of chunk i 2^k (a multiple
 * of 4 balances), m = number of balances available from there (the last chunk
 * is zero-padded); m <= 4 * 2^k. */
bv_err bv_ssz_balances_subtree(uint8_t out[32], const uint8_t *balances_le, uint64_t m, unsigned k,
                               bv_status *st);

/* Generalized indices. */
unsigned bv_gindex_depth(uint64_t gindex); /* floor(log2(gindex)) */
/* concat(a, b) = a 2^depth(b) + (b - 2^depth(b)): b is relative to node a. */
uint64_t bv_gindex_concat(uint64_t a, uint64_t b);

/* Branches. */
/* Bottom-up branch (depth siblings) of leaf `index` in the depth-`depth` tree
 * over `count` chunks (zero padded). */
bv_err bv_ssz_branch(uint8_t *branch, const uint8_t *chunks, uint64_t count, unsigned depth,
                     uint64_t index, bv_status *st);
/* Root obtained by folding leaf with branch[0..depth) along gindex. */
void bv_ssz_branch_root(uint8_t out[32], const uint8_t leaf[32], const uint8_t *branch,
                        unsigned depth, uint64_t gindex);
/* 1 when the branch proves leaf at gindex under root, 0 otherwise (also 0
 * when depth != bv_gindex_depth(gindex)). */
int bv_ssz_verify_branch(const uint8_t leaf[32], const uint8_t *branch, unsigned depth,
                         uint64_t gindex, const uint8_t root[32]);

/* Progressive merkleization (Gloas, EIP-7916/7495; spec/CONSENSUS.md section 6). */
/* merkleize_progressive(chunks): subtrees of 1, 4, 16, ... leaves on the left
 * of a right-hand spine; no chunks gives Z[0]. */
bv_err bv_ssz_merkleize_progressive(uint8_t out[32], const uint8_t *chunks, uint64_t count,
                                    bv_status *st);
/* gindex (relative to a ProgressiveList / ProgressiveContainer root, data
 * root = node 2) of item c; *depth receives its depth when depth != NULL. */
uint64_t bv_ssz_progressive_gindex(uint64_t c, unsigned *depth);
/* Bottom-up branch of item c relative to the progressive data root (node 2
 * excluded): depth(gindex) - 1 siblings; the caller appends the length /
 * active_fields chunk to reach the list or container root. */
bv_err bv_ssz_progressive_branch(uint8_t *branch, unsigned *nbranch, const uint8_t *chunks,
                                 uint64_t count, uint64_t c, bv_status *st);
/* ProgressiveContainer root: H(merkleize_progressive(field roots),
 * active_fields bitvector chunk) with all `nfields` fields active. */
bv_err bv_ssz_progressive_container_root(uint8_t out[32], const uint8_t *field_roots,
                                         size_t nfields, bv_status *st);

#endif
