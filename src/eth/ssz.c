/*
 * ssz.c - SSZ merkleization, zero hashes, branches and gindices
 * (include/balverify/ssz.h).
 *
 * Every tree is hashed one level at a time with the batch pair hash
 * (bv_sha256_pairs): a level of n nodes becomes n/2 parents written in place
 * over the front of the same buffer, and an odd last node is paired with the
 * zero hash of its height. Padding beyond the data is never materialized,
 * which is what makes 2^40-leaf lists cost O(n + depth).
 */
#include "balverify/ssz.h"

#include <stdlib.h>
#include <string.h>

#include "balverify/sha256.h"
#include "balverify/util_bytes.h"

/* ---------------------------------------------------------------- zero hashes */

static uint8_t zero_hashes[BV_SSZ_MAX_DEPTH + 1][32];

/* Built before main(): the table is then read-only and safe to share across
 * OpenMP threads and MPI ranks without locking. */
__attribute__((constructor)) static void init_zero_hashes(void)
{
    memset(zero_hashes[0], 0, 32);
    for (unsigned d = 0; d < BV_SSZ_MAX_DEPTH; d++)
        bv_sha256_pair(zero_hashes[d + 1], zero_hashes[d], zero_hashes[d]);
}

const uint8_t *bv_ssz_zero_hash(unsigned depth)
{
    return depth <= BV_SSZ_MAX_DEPTH ? zero_hashes[depth] : NULL;
}

unsigned bv_ssz_ceil_log2(uint64_t n)
{
    if (n <= 1)
        return 0;
    return 64 - (unsigned)__builtin_clzll(n - 1);
}

/* ---------------------------------------------------------------- leaves */

void bv_ssz_uint64_leaf(uint8_t out[32], uint64_t v)
{
    memset(out, 0, 32);
    bv_put_le64(out, v);
}

void bv_ssz_mix_in_length(uint8_t out[32], const uint8_t root[32], uint64_t len)
{
    uint8_t blk[64];
    memcpy(blk, root, 32);
    bv_ssz_uint64_leaf(blk + 32, len);
    bv_sha256_pairs(out, blk, 1);
}

void bv_ssz_bytes48_root(uint8_t out[32], const uint8_t pk[48])
{
    uint8_t blk[64];
    memcpy(blk, pk, 48);
    memset(blk + 48, 0, 16);
    bv_sha256_pairs(out, blk, 1);
}

/* ---------------------------------------------------------------- trees */

uint64_t bv_ssz_hash_level(uint8_t *dst, const uint8_t *src, uint64_t n, const uint8_t pad[32])
{
    uint64_t pairs = n / 2;
    /* dst[i] lies at or before src block i, so in-place works (sha256.h). */
    bv_sha256_pairs(dst, src, (size_t)pairs);
    if (n & 1) {
        uint8_t blk[64];
        memcpy(blk, src + 32 * (n - 1), 32);
        memcpy(blk + 32, pad, 32);
        bv_sha256_pairs(dst + 32 * pairs, blk, 1);
        return pairs + 1;
    }
    return pairs;
}

/* Hash buf (count nodes of height `height`) in place up to total_height. */
static void reduce_in_place(uint8_t out[32], uint8_t *buf, uint64_t count, unsigned height,
                            unsigned total_height)
{
    uint64_t n = count;
    for (unsigned h = height; h < total_height; h++)
        n = bv_ssz_hash_level(buf, buf, n, zero_hashes[h]);
    memcpy(out, buf, 32);
}

bv_err bv_ssz_merkleize_nodes(uint8_t out[32], const uint8_t *nodes, uint64_t count,
                              unsigned height, unsigned total_height, bv_status *st)
{
    if (total_height > BV_SSZ_MAX_DEPTH || height > total_height)
        return bv_fail(st, BV_ERR_ARG, "merkleize: bad heights %u..%u", height, total_height);
    unsigned span = total_height - height;
    if (span < 64 && count > (1ULL << span))
        return bv_fail(st, BV_ERR_ARG, "merkleize: %llu nodes do not fit in a tree of %u levels",
                       (unsigned long long)count, span);
    if (count == 0) {
        memcpy(out, zero_hashes[total_height], 32);
        return BV_OK;
    }
    if (span == 0) {
        memcpy(out, nodes, 32);
        return BV_OK;
    }
    uint8_t small[32 * 64];
    uint8_t *buf = small;
    if (count > 64) {
        buf = malloc((size_t)count * 32);
        if (!buf)
            return bv_fail(st, BV_ERR_NOMEM, "merkleize: no memory for %llu nodes",
                           (unsigned long long)count);
    }
    memcpy(buf, nodes, (size_t)count * 32);
    reduce_in_place(out, buf, count, height, total_height);
    if (buf != small)
        free(buf);
    return BV_OK;
}

bv_err bv_ssz_merkleize_depth(uint8_t out[32], const uint8_t *chunks, uint64_t count,
                              unsigned depth, bv_status *st)
{
    return bv_ssz_merkleize_nodes(out, chunks, count, 0, depth, st);
}

bv_err bv_ssz_merkleize(uint8_t out[32], const uint8_t *chunks, uint64_t count, uint64_t limit,
                        bv_status *st)
{
    if (limit == 0)
        limit = count;
    if (count > limit)
        return bv_fail(st, BV_ERR_ARG, "merkleize: %llu chunks exceed the limit %llu",
                       (unsigned long long)count, (unsigned long long)limit);
    return bv_ssz_merkleize_nodes(out, chunks, count, 0, bv_ssz_ceil_log2(limit), st);
}

bv_err bv_ssz_bytes_root(uint8_t out[32], const uint8_t *bytes, size_t len, bv_status *st)
{
    size_t nchunks = (len + 31) / 32;
    uint8_t small[32 * 64];
    uint8_t *buf = small;
    if (nchunks > 64) {
        buf = malloc(nchunks * 32);
        if (!buf)
            return bv_fail(st, BV_ERR_NOMEM, "bytes root: no memory for %zu bytes", len);
    }
    if (nchunks) {
        memset(buf + 32 * (nchunks - 1), 0, 32);
        memcpy(buf, bytes, len);
        reduce_in_place(out, buf, nchunks, 0, bv_ssz_ceil_log2(nchunks));
    } else {
        memset(out, 0, 32);
    }
    if (buf != small)
        free(buf);
    return BV_OK;
}

bv_err bv_ssz_container_root(uint8_t out[32], const uint8_t *field_roots, size_t nfields,
                             bv_status *st)
{
    if (nfields == 0)
        return bv_fail(st, BV_ERR_ARG, "container root: no fields");
    return bv_ssz_merkleize_nodes(out, field_roots, nfields, 0, bv_ssz_ceil_log2(nfields), st);
}

/* ---------------------------------------------------------------- records */

void bv_ssz_validator_leaves(uint8_t leaves[8][32], const uint8_t rec[BV_SSZ_VALIDATOR_SIZE])
{
    bv_ssz_bytes48_root(leaves[0], rec);
    memcpy(leaves[1], rec + 48, 32);
    memset(leaves[2], 0, 32 * 6);
    memcpy(leaves[2], rec + 80, 8);
    leaves[3][0] = rec[88];
    memcpy(leaves[4], rec + 89, 8);
    memcpy(leaves[5], rec + 97, 8);
    memcpy(leaves[6], rec + 105, 8);
    memcpy(leaves[7], rec + 113, 8);
}

void bv_ssz_validator_root(uint8_t out[32], const uint8_t rec[BV_SSZ_VALIDATOR_SIZE])
{
    uint8_t leaves[8][32];
    bv_ssz_validator_leaves(leaves, rec);
    bv_sha256_pairs(leaves[0], leaves[0], 4);
    bv_sha256_pairs(leaves[0], leaves[0], 2);
    bv_sha256_pairs(out, leaves[0], 1);
}

/* Validators per batch: large enough to amortize the calls, small enough
 * for the 256-byte-per-validator scratch to stay in L1/L2. */
#define VBATCH 64

void bv_ssz_validator_roots(uint8_t *out, const uint8_t *records, size_t n)
{
    uint8_t pk[VBATCH * 64];
    uint8_t leaves[VBATCH * 256];
    for (size_t base = 0; base < n; base += VBATCH) {
        size_t b = n - base < VBATCH ? n - base : VBATCH;
        const uint8_t *r = records + base * BV_SSZ_VALIDATOR_SIZE;
        for (size_t v = 0; v < b; v++) {
            const uint8_t *rec = r + v * BV_SSZ_VALIDATOR_SIZE;
            memcpy(pk + 64 * v, rec, 48);
            memset(pk + 64 * v + 48, 0, 16);
            uint8_t *l = leaves + 256 * v;
            memset(l + 64, 0, 192);
            memcpy(l + 32, rec + 48, 32);
            memcpy(l + 64, rec + 80, 8);
            l[96] = rec[88];
            memcpy(l + 128, rec + 89, 8);
            memcpy(l + 160, rec + 97, 8);
            memcpy(l + 192, rec + 105, 8);
            memcpy(l + 224, rec + 113, 8);
        }
        /* pubkey roots land in leaf 0 of each validator (stride 256) */
        uint8_t pkroots[VBATCH * 32];
        bv_sha256_pairs(pkroots, pk, b);
        for (size_t v = 0; v < b; v++)
            memcpy(leaves + 256 * v, pkroots + 32 * v, 32);
        /* 8 leaves -> 4 -> 2 -> 1 per validator; layouts stay contiguous */
        bv_sha256_pairs(leaves, leaves, 4 * b);
        bv_sha256_pairs(leaves, leaves, 2 * b);
        bv_sha256_pairs(out + 32 * base, leaves, b);
    }
}

void bv_ssz_header_leaves(uint8_t leaves[8][32], const uint8_t hdr[BV_SSZ_HEADER_SIZE])
{
    memset(leaves, 0, 8 * 32);
    memcpy(leaves[0], hdr, 8);
    memcpy(leaves[1], hdr + 8, 8);
    memcpy(leaves[2], hdr + 16, 32);
    memcpy(leaves[3], hdr + 48, 32);
    memcpy(leaves[4], hdr + 80, 32);
}

void bv_ssz_header_root(uint8_t out[32], const uint8_t hdr[BV_SSZ_HEADER_SIZE])
{
    uint8_t leaves[8][32];
    bv_ssz_header_leaves(leaves, hdr);
    bv_sha256_pairs(leaves[0], leaves[0], 4);
    bv_sha256_pairs(leaves[0], leaves[0], 2);
    bv_sha256_pairs(out, leaves[0], 1);
}

/* ---------------------------------------------------------------- registry lists */

bv_err bv_ssz_validators_subtree(uint8_t out[32], const uint8_t *records, uint64_t m, unsigned k,
                                 bv_status *st)
{
    if (k > BV_SSZ_MAX_DEPTH || (k < 64 && m > (1ULL << k)))
        return bv_fail(st, BV_ERR_ARG, "validators subtree: %llu validators exceed 2^%u leaves",
                       (unsigned long long)m, k);
    if (m == 0) {
        memcpy(out, zero_hashes[k], 32);
        return BV_OK;
    }
    uint8_t *buf = malloc((size_t)m * 32);
    if (!buf)
        return bv_fail(st, BV_ERR_NOMEM, "validators subtree: no memory for %llu roots",
                       (unsigned long long)m);
    bv_ssz_validator_roots(buf, records, (size_t)m);
    reduce_in_place(out, buf, m, 0, k);
    free(buf);
    return BV_OK;
}

bv_err bv_ssz_balances_subtree(uint8_t out[32], const uint8_t *balances_le, uint64_t m, unsigned k,
                               bv_status *st)
{
    if (k > BV_SSZ_MAX_DEPTH || (k < 62 && m > (4ULL << k)))
        return bv_fail(st, BV_ERR_ARG, "balances subtree: %llu balances exceed 2^%u chunks",
                       (unsigned long long)m, k);
    uint64_t nchunks = (m + 3) / 4;
    if (nchunks == 0) {
        memcpy(out, zero_hashes[k], 32);
        return BV_OK;
    }
    uint8_t *buf = malloc((size_t)nchunks * 32);
    if (!buf)
        return bv_fail(st, BV_ERR_NOMEM, "balances subtree: no memory for %llu chunks",
                       (unsigned long long)nchunks);
    memset(buf + 32 * (nchunks - 1), 0, 32);
    memcpy(buf, balances_le, (size_t)m * 8);
    reduce_in_place(out, buf, nchunks, 0, k);
    free(buf);
    return BV_OK;
}

/* Lists large enough to be worth threads are cut into 2^PAR_K-leaf subtrees
 * hashed independently (no shared buffers), then combined. */
#define PAR_MIN_LEAVES (1u << 14)

static unsigned par_subtree_height(uint64_t leaves)
{
    /* about 8 subtrees per thread, at least 2^12 leaves each */
    unsigned k = bv_ssz_ceil_log2(leaves);
    k = k > 6 ? k - 6 : 0;
    return k < 12 ? 12 : k;
}

bv_err bv_ssz_validators_root(uint8_t out[32], const uint8_t *records, uint64_t n, bv_status *st)
{
    uint8_t data_root[32] = {0};
    bv_err e = BV_OK;
    if (n < PAR_MIN_LEAVES) {
        e = bv_ssz_validators_subtree(data_root, records, n, BV_SSZ_REGISTRY_DEPTH, st);
    } else {
        unsigned k = par_subtree_height(n);
        uint64_t nsub = (n + (1ULL << k) - 1) >> k;
        uint8_t *roots = malloc((size_t)nsub * 32);
        if (!roots)
            return bv_fail(st, BV_ERR_NOMEM, "validators root: no memory");
        int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(| : failed)
        for (uint64_t j = 0; j < nsub; j++) {
            uint64_t first = j << k;
            uint64_t m = n - first < (1ULL << k) ? n - first : (1ULL << k);
            if (bv_ssz_validators_subtree(roots + 32 * j, records + first * BV_SSZ_VALIDATOR_SIZE,
                                          m, k, NULL) != BV_OK)
                failed = 1;
        }
        if (failed)
            e = bv_fail(st, BV_ERR_NOMEM, "validators root: no memory in a worker thread");
        else
            e = bv_ssz_merkleize_nodes(data_root, roots, nsub, k, BV_SSZ_REGISTRY_DEPTH, st);
        free(roots);
    }
    if (e != BV_OK)
        return e;
    bv_ssz_mix_in_length(out, data_root, n);
    return BV_OK;
}

bv_err bv_ssz_balances_root(uint8_t out[32], const uint8_t *balances_le, uint64_t n, bv_status *st)
{
    uint8_t data_root[32] = {0};
    bv_err e = bv_ssz_balances_subtree(data_root, balances_le, n, BV_SSZ_BALANCES_DEPTH, st);
    if (e != BV_OK)
        return e;
    bv_ssz_mix_in_length(out, data_root, n);
    return BV_OK;
}

/* ---------------------------------------------------------------- gindices, branches */

unsigned bv_gindex_depth(uint64_t gindex)
{
    return gindex ? 63 - (unsigned)__builtin_clzll(gindex) : 0;
}

uint64_t bv_gindex_concat(uint64_t a, uint64_t b)
{
    unsigned db = bv_gindex_depth(b);
    return (a << db) | (b - (1ULL << db));
}

bv_err bv_ssz_branch(uint8_t *branch, const uint8_t *chunks, uint64_t count, unsigned depth,
                     uint64_t index, bv_status *st)
{
    if (depth > BV_SSZ_MAX_DEPTH ||
        (depth < 64 && (count > (1ULL << depth) || index >= (1ULL << depth))))
        return bv_fail(st, BV_ERR_ARG, "branch: index %llu / %llu chunks outside depth %u",
                       (unsigned long long)index, (unsigned long long)count, depth);
    uint8_t *buf = NULL;
    if (count) {
        buf = malloc((size_t)count * 32);
        if (!buf)
            return bv_fail(st, BV_ERR_NOMEM, "branch: no memory for %llu chunks",
                           (unsigned long long)count);
        memcpy(buf, chunks, (size_t)count * 32);
    }
    uint64_t n = count, idx = index;
    for (unsigned h = 0; h < depth; h++) {
        uint64_t sib = idx ^ 1;
        memcpy(branch + 32 * h, sib < n ? buf + 32 * sib : zero_hashes[h], 32);
        if (n)
            n = bv_ssz_hash_level(buf, buf, n, zero_hashes[h]);
        idx >>= 1;
    }
    free(buf);
    return BV_OK;
}

void bv_ssz_branch_root(uint8_t out[32], const uint8_t leaf[32], const uint8_t *branch,
                        unsigned depth, uint64_t gindex)
{
    uint8_t blk[64], node[32];
    memcpy(node, leaf, 32);
    for (unsigned i = 0; i < depth; i++) {
        if ((gindex >> i) & 1) {
            memcpy(blk, branch + 32 * i, 32);
            memcpy(blk + 32, node, 32);
        } else {
            memcpy(blk, node, 32);
            memcpy(blk + 32, branch + 32 * i, 32);
        }
        bv_sha256_pairs(node, blk, 1);
    }
    memcpy(out, node, 32);
}

int bv_ssz_verify_branch(const uint8_t leaf[32], const uint8_t *branch, unsigned depth,
                         uint64_t gindex, const uint8_t root[32])
{
    if (gindex == 0 || bv_gindex_depth(gindex) != depth)
        return 0;
    uint8_t r[32];
    bv_ssz_branch_root(r, leaf, branch, depth, gindex);
    return memcmp(r, root, 32) == 0;
}

/* ---------------------------------------------------------------- progressive */

/* Number of progressive levels needed for count chunks: subtree j holds 4^j
 * chunks, starting at s_j = (4^j - 1) / 3. */
static unsigned progressive_levels(uint64_t count)
{
    unsigned k = 0;
    uint64_t covered = 0, w = 1;
    while (covered < count) {
        covered += w;
        w *= 4;
        k++;
    }
    return k;
}

static uint64_t prog_start(unsigned j)
{
    return ((1ULL << (2 * j)) - 1) / 3;
}

bv_err bv_ssz_merkleize_progressive(uint8_t out[32], const uint8_t *chunks, uint64_t count,
                                    bv_status *st)
{
    unsigned levels = progressive_levels(count);
    uint8_t right[32];
    memcpy(right, zero_hashes[0], 32);
    for (unsigned j = levels; j-- > 0;) {
        uint64_t s = prog_start(j), w = 1ULL << (2 * j);
        uint64_t m = count - s < w ? count - s : w;
        uint8_t blk[64];
        bv_err e = bv_ssz_merkleize_depth(blk, chunks + 32 * s, m, 2 * j, st);
        if (e != BV_OK)
            return e;
        memcpy(blk + 32, right, 32);
        bv_sha256_pairs(right, blk, 1);
    }
    memcpy(out, right, 32);
    return BV_OK;
}

uint64_t bv_ssz_progressive_gindex(uint64_t c, unsigned *depth)
{
    unsigned k = 0;
    while (c >= prog_start(k + 1))
        k++;
    if (depth)
        *depth = 2 + 3 * k;
    return ((3ULL << (k + 1)) - 2) * (1ULL << (2 * k)) + (c - prog_start(k));
}

bv_err bv_ssz_progressive_branch(uint8_t *branch, unsigned *nbranch, const uint8_t *chunks,
                                 uint64_t count, uint64_t c, bv_status *st)
{
    unsigned depth;
    (void)bv_ssz_progressive_gindex(c, &depth);
    unsigned k = (depth - 2) / 3;
    unsigned levels = progressive_levels(count);
    if (levels < k + 1)
        levels = k + 1;
    /* roots of the left subtrees and of the spine below each level */
    uint8_t left[33][32], spine[34][32];
    if (levels > 32)
        return bv_fail(st, BV_ERR_ARG, "progressive branch: too many chunks");
    memcpy(spine[levels], zero_hashes[0], 32);
    for (unsigned j = levels; j-- > 0;) {
        uint64_t s = prog_start(j), w = 1ULL << (2 * j);
        uint64_t m = s >= count ? 0 : (count - s < w ? count - s : w);
        bv_err e = bv_ssz_merkleize_depth(left[j], chunks + 32 * s, m, 2 * j, st);
        if (e != BV_OK)
            return e;
        bv_sha256_pair(spine[j], left[j], spine[j + 1]);
    }
    uint64_t s = prog_start(k), w = 1ULL << (2 * k);
    uint64_t m = s >= count ? 0 : (count - s < w ? count - s : w);
    bv_err e = bv_ssz_branch(branch, chunks + 32 * s, m, 2 * k, c - s, st);
    if (e != BV_OK)
        return e;
    unsigned nb = 2 * k;
    memcpy(branch + 32 * nb++, spine[k + 1], 32);
    for (unsigned j = k; j-- > 0;)
        memcpy(branch + 32 * nb++, left[j], 32);
    *nbranch = nb;
    return BV_OK;
}

bv_err bv_ssz_progressive_container_root(uint8_t out[32], const uint8_t *field_roots,
                                         size_t nfields, bv_status *st)
{
    if (nfields > 256)
        return bv_fail(st, BV_ERR_ARG, "progressive container: %zu fields", nfields);
    uint8_t blk[64];
    bv_err e = bv_ssz_merkleize_progressive(blk, field_roots, nfields, st);
    if (e != BV_OK)
        return e;
    memset(blk + 32, 0, 32);
    for (size_t i = 0; i < nfields; i++)
        blk[32 + i / 8] |= (uint8_t)(1u << (i % 8));
    bv_sha256_pairs(out, blk, 1);
    return BV_OK;
}
