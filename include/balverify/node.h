/*
 * node.h - the unit of work that travels between tree levels and MPI ranks.
 *
 * A node is one vertex of one of the two trees the job reduces:
 *   - the BALANCE tree (spec SYSTEM.md 5.5/5.6): level 0 covers 8 validators,
 *     level L covers 8 * 2^L, level 37 (index 0) covers the whole 2^40 registry;
 *   - the COMMITMENT-MAPPER tree (SYSTEM.md 5.3/5.4): level 0 is one validator,
 *     level 40 (index 0) is the root of the 2^40 registry;
 *   - a FINAL node joins both roots with the state/block roots (SYSTEM.md 5.7).
 * It holds the public values a proof of that vertex would expose, plus an
 * opaque proof payload (empty while the job computes natively), so proofs slot
 * in later without changing how nodes are moved, stored or checkpointed.
 *
 * Invariants:
 *  - Public values are plain data: (kind, level, index, public values) fully
 *    determine each other's meaning; the proof payload never influences them.
 *  - bv_balance_combine/bv_mapper_combine implement exactly the inner-level
 *    rules: sums and counters add as u64 and an overflow is refused
 *    (BV_ERR_VERIFY, as the circuits refuse it), SHA-256 roots pair-hash
 *    (left || right), Poseidon commitments two_to_one(left, right); balance
 *    children must agree on current_epoch and credentials, else BV_ERR_VERIFY.
 *  - Zero nodes (bv_balance_zero, bv_mapper_zero) are the values of an empty
 *    subtree at a level: zero sums and counters, SHA-256 Z[d], Poseidon Z_d
 *    (Z_0 = [0,0,0,0], Z_{k+1} = two_to_one(Z_k, Z_k)). Combining two zero nodes
 *    of level L gives the zero node of level L + 1.
 *  - The binary encoding is versioned, little-endian and length-checked:
 *    bv_node_decode() accepts exactly the bytes bv_node_encode() produces and
 *    returns BV_ERR_FORMAT (never crashes, never reads out of bounds) on
 *    anything else.
 *  - A bv_node owns its proof bytes; bv_node_free() releases them. Copying a
 *    bv_node struct by value aliases the proof: use bv_node_copy().
 *
 * Credentials: a balance node carries one 32-byte "credentials" value. For a
 * single withdrawal credential it is that credential (the DendrETH N = 1
 * layout); for several it is bv_credentials_digest() of the list. Counters
 * (and the sum) count only validators that are real (index < validator count)
 * and whose credential matches one of the list; the slashed counter likewise
 * counts matching validators only (the May-2024 circuits count all of them).
 */
#ifndef BALVERIFY_NODE_H
#define BALVERIFY_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/poseidon.h"
#include "balverify/status.h"

#define BV_NODE_FORMAT_VERSION 1
#define BV_BALANCE_TOP_LEVEL 37 /* balance level whose index 0 covers 2^40 validators */
#define BV_MAPPER_TOP_LEVEL 40  /* mapper level whose index 0 is the registry root */
#define BV_VALIDATORS_PER_BALANCE_LEAF 8
#define BV_MAX_PROOF_BYTES (64u << 20) /* decode refuses larger payloads */

typedef enum {
    BV_NODE_BALANCE = 1,
    BV_NODE_MAPPER = 2,
    BV_NODE_FINAL = 3,
} bv_node_kind;

typedef struct {
    uint64_t sum; /* balances of matching active validators (an overflow is refused) */
    uint64_t non_activated, active, exited, slashed;
    uint8_t balances_root[32];     /* SHA-256 root of the covered balance chunks */
    bv_hash validators_commitment; /* Poseidon root of the covered H_pos leaves */
    uint64_t current_epoch;
    uint8_t credentials[32]; /* see "Credentials" above */
} bv_balance_pv;

typedef struct {
    uint8_t sha_root[32]; /* SSZ root of the covered validators subtree */
    bv_hash pos_root;     /* Poseidon root of the same subtree */
} bv_mapper_pv;

typedef struct {
    uint8_t block_root[32];
    uint8_t state_root[32];
    uint8_t credentials[32];
    uint64_t slot;
    uint64_t sum, non_activated, active, exited, slashed;
    uint8_t commitment[32]; /* SHA-256 of the SYSTEM.md 5.7 message, top 3 bits cleared */
} bv_final_pv;

typedef struct {
    bv_node_kind kind;
    uint32_t level;
    uint64_t index;
    union {
        bv_balance_pv balance;
        bv_mapper_pv mapper;
        bv_final_pv final;
    } pv;
    uint8_t *proof; /* owned; NULL when proof_len == 0 */
    size_t proof_len;
} bv_node;

/* Fixed encoded size of the public values of a kind (0 for an invalid kind). */
size_t bv_node_pv_size(bv_node_kind kind);

/* Encode/decode only the public values (fixed size bv_node_pv_size(kind)). */
void bv_node_pv_encode(const bv_node *n, uint8_t *out);
bv_err bv_node_pv_decode(bv_node *n, bv_node_kind kind, const uint8_t *in, size_t len,
                         bv_status *st);

/* Size of the full encoding of n. */
size_t bv_node_encoded_size(const bv_node *n);
/* Full encoding; out must hold bv_node_encoded_size(n) bytes. Returns bytes written. */
size_t bv_node_encode(const bv_node *n, uint8_t *out);
/* Decode a full encoding; on success n owns a fresh copy of the proof bytes. */
bv_err bv_node_decode(bv_node *n, const uint8_t *in, size_t len, bv_status *st);

/* Replace n's proof with a copy of (bytes, len). */
bv_err bv_node_set_proof(bv_node *n, const uint8_t *bytes, size_t len, bv_status *st);
bv_err bv_node_copy(bv_node *dst, const bv_node *src, bv_status *st);
void bv_node_free(bv_node *n);
/* Equality of kind, level, index, public values and proof bytes. */
int bv_node_equal(const bv_node *a, const bv_node *b);

/* Parent of two balance nodes of level L (indices 2i, 2i+1) -> level L+1, index i. */
bv_err bv_balance_combine(const bv_node *left, const bv_node *right, bv_node *parent,
                          bv_status *st);
/* Parent of two mapper nodes of level k -> level k + 1. */
bv_err bv_mapper_combine(const bv_node *left, const bv_node *right, bv_node *parent, bv_status *st);
/* Either of the above, chosen by left->kind. */
bv_err bv_node_combine(const bv_node *left, const bv_node *right, bv_node *parent, bv_status *st);

/* Zero node of an empty subtree at a level (index left for the caller). For
 * balances the epoch and credentials are those of the run. */
void bv_balance_zero(uint32_t level, uint64_t current_epoch, const uint8_t credentials[32],
                     bv_node *out);
void bv_mapper_zero(uint32_t level, bv_node *out);

/* SHA-256 zero subtree root Z[d], d <= 64, and Poseidon zero subtree Z_d, d <= 64. */
const uint8_t *bv_sha_zero(unsigned depth);
bv_hash bv_poseidon_zero(unsigned depth);

/* The credentials value of a list of n >= 1 credentials: the credential itself
 * for n == 1, otherwise SHA-256 of their concatenation in the given order. */
void bv_credentials_digest(const uint8_t (*wc)[32], size_t n, uint8_t out[32]);

#endif
