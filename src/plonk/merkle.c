/*
 * merkle.c - Poseidon Merkle trees with caps; see include/balverify/merkle.h.
 *
 * Digests are stored level by level (leaf digests first), so a proof is one
 * lookup per level. Both leaf hashing and inner levels go through
 * bv_poseidon_permute_many in batches: with AVX-512 eight independent
 * permutations run side by side, which is where the time goes.
 */
#include "balverify/merkle.h"
#include "hash/poseidon_internal.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* permutations per batch: enough for the SIMD kernel, small enough for L1 */
#define BATCH 32
#define W BV_POSEIDON_WIDTH
/* below this many hashes a level is done by one thread */
#define PAR_MIN 512

void bv_merkle_hash_leaves(bv_hash *out, const gl_t *rows, size_t n_rows, size_t leaf_len,
                           size_t stride)
{
    if (leaf_len <= 4) {
        for (size_t i = 0; i < n_rows; i++)
            out[i] = bv_poseidon_hash_or_noop(rows + i * stride, leaf_len);
        return;
    }
    size_t base0 = 0;
    if (n_rows >= 8 && bv_poseidon_have_avx512()) {
        /* eight leaves per call, sponge states kept in registers */
        base0 = n_rows & ~(size_t)7;
        for (size_t base = 0; base < base0; base += 8)
            bv_poseidon_hash8_avx512(rows + base * stride, stride, leaf_len, out[base].e);
    }
    gl_t st[BATCH * W];
    for (size_t base = base0; base < n_rows; base += BATCH) {
        size_t cnt = n_rows - base < BATCH ? n_rows - base : BATCH;
        memset(st, 0, cnt * W * sizeof *st);
        for (size_t off = 0; off < leaf_len; off += BV_POSEIDON_RATE) {
            size_t len = leaf_len - off < BV_POSEIDON_RATE ? leaf_len - off : BV_POSEIDON_RATE;
            for (size_t i = 0; i < cnt; i++)
                memcpy(st + i * W, rows + (base + i) * stride + off, len * sizeof *st);
            bv_poseidon_permute_many(st, cnt);
        }
        for (size_t i = 0; i < cnt; i++)
            memcpy(out[base + i].e, st + i * W, sizeof out[0].e);
    }
}

/* out[j] = two_to_one(in[2j], in[2j+1]) for j < n */
static void hash_pairs(bv_hash *out, const bv_hash *in, size_t n)
{
    size_t base0 = 0;
    if (n >= 8 && bv_poseidon_have_avx512()) {
        /* two_to_one(a, b) is the sponge over the 8 elements a || b */
        base0 = n & ~(size_t)7;
        for (size_t base = 0; base < base0; base += 8)
            bv_poseidon_hash8_avx512(in[2 * base].e, 8, 8, out[base].e);
    }
    gl_t st[BATCH * W];
    for (size_t base = base0; base < n; base += BATCH) {
        size_t cnt = n - base < BATCH ? n - base : BATCH;
        for (size_t i = 0; i < cnt; i++) {
            gl_t *s = st + i * W;
            memcpy(s, in[2 * (base + i)].e, 4 * sizeof *s);
            memcpy(s + 4, in[2 * (base + i) + 1].e, 4 * sizeof *s);
            memset(s + 8, 0, 4 * sizeof *s);
        }
        bv_poseidon_permute_many(st, cnt);
        for (size_t i = 0; i < cnt; i++)
            memcpy(out[base + i].e, st + i * W, sizeof out[0].e);
    }
}

bv_err bv_merkle_build_strided(bv_merkle_tree *t, const gl_t *leaves, unsigned log_leaves,
                               size_t leaf_len, size_t stride, unsigned cap_height, bv_status *st)
{
    memset(t, 0, sizeof *t);
    if (log_leaves > BV_MERKLE_MAX_LOG_LEAVES)
        return bv_fail(st, BV_ERR_ARG, "Merkle tree of 2^%u leaves is too large", log_leaves);
    if (cap_height > log_leaves)
        return bv_fail(st, BV_ERR_ARG, "Merkle cap height %u exceeds tree height %u", cap_height,
                       log_leaves);
    if (stride < leaf_len)
        return bv_fail(st, BV_ERR_ARG, "Merkle leaf stride %zu below leaf length %zu", stride,
                       leaf_len);
    unsigned depth = log_leaves - cap_height;
    size_t total = 0;
    for (unsigned k = 0; k <= depth; k++) {
        t->level_off[k] = total;
        total += (size_t)1 << (log_leaves - k);
    }
    t->nodes = malloc(total * sizeof *t->nodes);
    if (!t->nodes)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory for a Merkle tree of 2^%u leaves",
                       log_leaves);
    t->log_leaves = log_leaves;
    t->cap_height = cap_height;
    t->leaf_len = leaf_len;

    size_t n = (size_t)1 << log_leaves;
    /* leaves: chunks of whole batches per thread */
    size_t chunk = 4 * BATCH;
    size_t nchunks = (n + chunk - 1) / chunk;
#pragma omp parallel for schedule(dynamic, 4) if (n >= PAR_MIN)
    for (size_t c = 0; c < nchunks; c++) {
        size_t lo = c * chunk, cnt = n - lo < chunk ? n - lo : chunk;
        bv_merkle_hash_leaves(t->nodes + lo, leaves + lo * stride, cnt, leaf_len, stride);
    }
    for (unsigned k = 1; k <= depth; k++) {
        size_t m = (size_t)1 << (log_leaves - k);
        bv_hash *out = t->nodes + t->level_off[k];
        const bv_hash *in = t->nodes + t->level_off[k - 1];
        size_t nc = (m + chunk - 1) / chunk;
#pragma omp parallel for schedule(static) if (m >= PAR_MIN)
        for (size_t c = 0; c < nc; c++) {
            size_t lo = c * chunk, cnt = m - lo < chunk ? m - lo : chunk;
            hash_pairs(out + lo, in + 2 * lo, cnt);
        }
    }
    return BV_OK;
}

bv_err bv_merkle_build(bv_merkle_tree *t, const gl_t *leaves, unsigned log_leaves, size_t leaf_len,
                       unsigned cap_height, bv_status *st)
{
    return bv_merkle_build_strided(t, leaves, log_leaves, leaf_len, leaf_len, cap_height, st);
}

void bv_merkle_free(bv_merkle_tree *t)
{
    free(t->nodes);
    memset(t, 0, sizeof *t);
}

void bv_merkle_prove(const bv_merkle_tree *t, size_t index, bv_hash *siblings)
{
    unsigned depth = t->log_leaves - t->cap_height;
    for (unsigned k = 0; k < depth; k++)
        siblings[k] = t->nodes[t->level_off[k] + ((index >> k) ^ 1)];
}

bv_err bv_merkle_verify(const gl_t *leaf, size_t leaf_len, size_t index, const bv_hash *cap,
                        unsigned cap_height, const bv_hash *siblings, unsigned n_siblings,
                        bv_status *st)
{
    if ((size_t)n_siblings + cap_height > BV_MERKLE_MAX_LOG_LEAVES)
        return bv_fail(st, BV_ERR_VERIFY, "Merkle proof too long (%u siblings, cap height %u)",
                       n_siblings, cap_height);
    if (index >> (n_siblings + cap_height))
        return bv_fail(st, BV_ERR_VERIFY, "Merkle leaf index %zu out of range for 2^%u leaves",
                       index, n_siblings + cap_height);
    bv_hash cur = bv_poseidon_hash_or_noop(leaf, leaf_len);
    size_t i = index;
    for (unsigned k = 0; k < n_siblings; k++) {
        cur = (i & 1) ? bv_poseidon_two_to_one(siblings[k], cur)
                      : bv_poseidon_two_to_one(cur, siblings[k]);
        i >>= 1;
    }
    if (!bv_hash_eq(cur, cap[i]))
        return bv_fail(st, BV_ERR_VERIFY, "Merkle path of leaf %zu does not match cap entry %zu",
                       index, i);
    return BV_OK;
}

bv_err bv_merkle_verify_many(const gl_t *leaves, size_t leaf_len, size_t leaf_stride,
                             const size_t *indices, size_t count, const bv_hash *cap,
                             unsigned cap_height, const bv_hash *siblings, size_t sib_stride,
                             unsigned n_siblings, size_t *bad, bv_status *st)
{
    if ((size_t)n_siblings + cap_height > BV_MERKLE_MAX_LOG_LEAVES)
        return bv_fail(st, BV_ERR_VERIFY, "Merkle proof too long (%u siblings, cap height %u)",
                       n_siblings, cap_height);
    for (size_t k = 0; k < count; k++)
        if (indices[k] >> (n_siblings + cap_height)) {
            if (bad)
                *bad = k;
            return bv_fail(st, BV_ERR_VERIFY, "Merkle leaf index %zu out of range for 2^%u leaves",
                           indices[k], n_siblings + cap_height);
        }
    bv_hash *cur = malloc((count + 1) * sizeof *cur);
    gl_t *states = malloc((count + 1) * W * sizeof *states);
    if (!cur || !states) {
        free(cur);
        free(states);
        return bv_fail(st, BV_ERR_NOMEM, "out of memory verifying %zu Merkle paths", count);
    }
    bv_merkle_hash_leaves(cur, leaves, count, leaf_len, leaf_stride);
    for (unsigned lvl = 0; lvl < n_siblings; lvl++) {
        for (size_t k = 0; k < count; k++) {
            const bv_hash *sib = siblings + k * sib_stride + lvl;
            gl_t *s = states + k * W;
            int right = (indices[k] >> lvl) & 1; /* we are the right child */
            memcpy(s, right ? sib->e : cur[k].e, 4 * sizeof *s);
            memcpy(s + 4, right ? cur[k].e : sib->e, 4 * sizeof *s);
            memset(s + 8, 0, 4 * sizeof *s);
        }
        bv_poseidon_permute_many(states, count);
        for (size_t k = 0; k < count; k++)
            memcpy(cur[k].e, states + k * W, sizeof cur[k].e);
    }
    bv_err e = BV_OK;
    for (size_t k = 0; k < count; k++)
        if (!bv_hash_eq(cur[k], cap[indices[k] >> n_siblings])) {
            if (bad)
                *bad = k;
            e = bv_fail(st, BV_ERR_VERIFY, "Merkle path of leaf %zu does not match cap entry %zu",
                        indices[k], indices[k] >> n_siblings);
            break;
        }
    free(cur);
    free(states);
    return e;
}
