/*
 * ssz_types.c - the composite SSZ types of a BeaconState: validation of
 * their serialized form and their hash_tree_root (spec/CONSENSUS.md
 * sections 1 and 4).
 */
#include "eth/ssz_types.h"

#include <stdlib.h>
#include <string.h>

#include "balverify/sha256.h"
#include "balverify/ssz.h"

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

size_t bv_eph_fixed_size(bv_fork fork)
{
    if (fork <= BV_FORK_BELLATRIX)
        return 536;
    if (fork == BV_FORK_CAPELLA)
        return 568;
    return 584;
}

/* Gloas records (EIP-7732) */
#define BUILDER_SIZE 93    /* pubkey 48, version 1, execution_address 20, balance, 2 epochs */
#define BUILDER_PW_SIZE 36 /* fee_recipient 20, amount, builder_index */
#define BUILDER_PP_SIZE 52 /* weight, BuilderPendingWithdrawal, proposer_index */
#define WITHDRAWAL_SIZE 44 /* index, validator_index, address 20, amount */
#define BID_FIXED 224      /* ExecutionPayloadBid fixed part (one offset) */
#define BID_OFFSET_POS 188 /* position of the blob_kzg_commitments offset */

static int is_progressive(bv_kind k)
{
    return k >= K_PLIST_VALIDATOR && k <= K_PLIST_WITHDRAWAL;
}

/* Element size of lists of fixed-size composites (0 otherwise). */
static size_t elem_size(bv_kind k)
{
    switch (k) {
    case K_LIST_B32:
        return 32;
    case K_LIST_U64:
        return 8;
    case K_LIST_U8:
        return 1;
    case K_LIST_ETH1DATA:
        return 72;
    case K_LIST_VALIDATOR:
        return BV_SSZ_VALIDATOR_SIZE;
    case K_LIST_HIST_SUMMARY:
        return 64;
    case K_LIST_PENDING_DEP:
        return 192;
    case K_LIST_PENDING_PW:
        return 24;
    case K_LIST_PENDING_CONS:
        return 16;
    case K_PLIST_VALIDATOR:
        return BV_SSZ_VALIDATOR_SIZE;
    case K_PLIST_U64:
        return 8;
    case K_PLIST_U8:
        return 1;
    case K_PLIST_PENDING_DEP:
        return 192;
    case K_PLIST_PENDING_PW:
        return 24;
    case K_PLIST_PENDING_CONS:
        return 16;
    case K_PLIST_BUILDER:
        return BUILDER_SIZE;
    case K_PLIST_BUILDER_PW:
        return BUILDER_PW_SIZE;
    case K_PLIST_WITHDRAWAL:
        return WITHDRAWAL_SIZE;
    default:
        return 0;
    }
}

#define PA_FIXED 148 /* PendingAttestation: offset + AttestationData + 2 u64 */
#define PA_MAX_BITS 2048

static bv_err check_bitlist(const uint8_t *b, size_t len, uint64_t max_bits, bv_status *st)
{
    if (len == 0 || b[len - 1] == 0)
        return bv_fail(st, BV_ERR_FORMAT, "bitlist without its delimiter bit");
    uint64_t bits = 8 * (uint64_t)(len - 1) + (31 - (unsigned)__builtin_clz(b[len - 1]));
    if (bits > max_bits)
        return bv_fail(st, BV_ERR_FORMAT, "bitlist of %llu bits exceeds %llu",
                       (unsigned long long)bits, (unsigned long long)max_bits);
    return BV_OK;
}

static bv_err check_pending_attestations(const uint8_t *b, size_t len, uint64_t limit,
                                         bv_status *st)
{
    if (len == 0)
        return BV_OK;
    if (len < 4)
        return bv_fail(st, BV_ERR_FORMAT, "%zu bytes cannot hold an offset", len);
    size_t first = rd32(b);
    if (first % 4 || first < 4 || first > len)
        return bv_fail(st, BV_ERR_FORMAT, "bad first element offset %zu (length %zu)", first, len);
    size_t count = first / 4;
    if (count > limit)
        return bv_fail(st, BV_ERR_FORMAT, "%zu elements exceed the limit %llu", count,
                       (unsigned long long)limit);
    for (size_t i = 0; i < count; i++) {
        size_t off = rd32(b + 4 * i);
        size_t end = i + 1 < count ? rd32(b + 4 * (i + 1)) : len;
        if (off > end || end > len)
            return bv_fail(st, BV_ERR_FORMAT, "element %zu: offsets %zu..%zu out of order", i, off,
                           end);
        const uint8_t *e = b + off;
        size_t elen = end - off;
        if (elen < PA_FIXED + 1)
            return bv_fail(st, BV_ERR_FORMAT, "element %zu: %zu bytes, too short", i, elen);
        if (rd32(e) != PA_FIXED)
            return bv_fail(st, BV_ERR_FORMAT, "element %zu: aggregation_bits offset %u != %d", i,
                           rd32(e), PA_FIXED);
        bv_err r = check_bitlist(e + PA_FIXED, elen - PA_FIXED, PA_MAX_BITS, st);
        if (r != BV_OK)
            return bv_fail_ctx(st, "element %zu: aggregation_bits", i);
    }
    return BV_OK;
}

bv_err bv_ssz_check_field(bv_fork fork, bv_kind kind, uint64_t param, const uint8_t *bytes,
                          size_t len, bv_status *st)
{
    if (kind == K_LIST_PENDING_ATT)
        return check_pending_attestations(bytes, len, param, st);
    if (kind == K_EPH) {
        size_t fixed = bv_eph_fixed_size(fork);
        if (len < fixed)
            return bv_fail(st, BV_ERR_FORMAT, "execution payload header: %zu bytes, need %zu", len,
                           fixed);
        if (rd32(bytes + 436) != fixed)
            return bv_fail(st, BV_ERR_FORMAT,
                           "execution payload header: extra_data offset %u != %zu",
                           rd32(bytes + 436), fixed);
        if (len - fixed > 32)
            return bv_fail(st, BV_ERR_FORMAT,
                           "execution payload header: extra_data of %zu bytes exceeds 32",
                           len - fixed);
        return BV_OK;
    }
    if (kind == K_BID) {
        if (len < BID_FIXED)
            return bv_fail(st, BV_ERR_FORMAT, "execution payload bid: %zu bytes, need %d", len,
                           BID_FIXED);
        if (rd32(bytes + BID_OFFSET_POS) != BID_FIXED)
            return bv_fail(st, BV_ERR_FORMAT,
                           "execution payload bid: blob_kzg_commitments offset %u != %d",
                           rd32(bytes + BID_OFFSET_POS), BID_FIXED);
        if ((len - BID_FIXED) % 48)
            return bv_fail(st, BV_ERR_FORMAT,
                           "execution payload bid: blob_kzg_commitments length %zu is not a "
                           "multiple of 48",
                           len - BID_FIXED);
        return BV_OK;
    }
    size_t es = elem_size(kind);
    if (!es)
        return bv_fail(st, BV_ERR_INTERNAL, "no element size for kind %d", (int)kind);
    if (is_progressive(kind))
        param = UINT64_MAX; /* progressive lists have no limit */
    if (len % es)
        return bv_fail(st, BV_ERR_FORMAT, "length %zu is not a multiple of the element size %zu",
                       len, es);
    uint64_t count = len / es;
    if (count > param)
        return bv_fail(st, BV_ERR_FORMAT, "%llu elements exceed the limit %llu",
                       (unsigned long long)count, (unsigned long long)param);
    if (kind == K_LIST_VALIDATOR || kind == K_PLIST_VALIDATOR) {
        for (uint64_t i = 0; i < count; i++)
            if (bytes[i * es + 88] > 1)
                return bv_fail(st, BV_ERR_FORMAT,
                               "validator %llu: slashed byte 0x%02x is not a "
                               "boolean",
                               (unsigned long long)i, bytes[i * es + 88]);
    }
    return BV_OK;
}

/* ------------------------------------------------------------------ roots */

bv_err bv_ssz_packed_root(uint8_t out[32], const uint8_t *bytes, size_t len, unsigned depth,
                          bv_status *st)
{
    size_t nchunks = (len + 31) / 32;
    if (nchunks == 0)
        return bv_ssz_merkleize_depth(out, NULL, 0, depth, st);
    uint8_t *buf = malloc(nchunks * 32);
    if (!buf)
        return bv_fail(st, BV_ERR_NOMEM, "no memory for %zu chunks", nchunks);
    memset(buf + 32 * (nchunks - 1), 0, 32);
    memcpy(buf, bytes, len);
    bv_err e = bv_ssz_merkleize_depth(out, buf, nchunks, depth, st);
    free(buf);
    return e;
}

static void u64_leaf_at(uint8_t out[32], const uint8_t *p)
{
    memset(out, 0, 32);
    memcpy(out, p, 8);
}

static void root2(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    bv_sha256_pair(out, a, b);
}

/* Root of a container from up to 8 leaves (padded to 2/4/8). */
static void root_leaves(uint8_t out[32], uint8_t (*leaves)[32], unsigned n)
{
    unsigned width = 1u << bv_ssz_ceil_log2(n);
    for (unsigned i = n; i < width; i++)
        memset(leaves[i], 0, 32);
    while (width > 1) {
        bv_sha256_pairs(leaves[0], leaves[0], width / 2);
        width /= 2;
    }
    memcpy(out, leaves[0], 32);
}

static void fork_root(uint8_t out[32], const uint8_t *b)
{
    uint8_t l[4][32];
    memset(l, 0, sizeof l);
    memcpy(l[0], b, 4);
    memcpy(l[1], b + 4, 4);
    memcpy(l[2], b + 8, 8);
    root_leaves(out, l, 3);
}

static void checkpoint_root(uint8_t out[32], const uint8_t *b)
{
    uint8_t leaf[32];
    u64_leaf_at(leaf, b);
    root2(out, leaf, b + 8);
}

static void eth1data_root(uint8_t out[32], const uint8_t *b)
{
    uint8_t l[4][32];
    memcpy(l[0], b, 32);
    u64_leaf_at(l[1], b + 32);
    memcpy(l[2], b + 40, 32);
    root_leaves(out, l, 3);
}

static void pending_deposit_root(uint8_t out[32], const uint8_t *b)
{
    uint8_t l[8][32], sig[4][32];
    bv_ssz_bytes48_root(l[0], b);
    memcpy(l[1], b + 48, 32);
    u64_leaf_at(l[2], b + 80);
    memcpy(sig, b + 88, 96);
    root_leaves(l[3], sig, 3);
    u64_leaf_at(l[4], b + 184);
    root_leaves(out, l, 5);
}

static void pending_pw_root(uint8_t out[32], const uint8_t *b)
{
    uint8_t l[4][32];
    for (int i = 0; i < 3; i++)
        u64_leaf_at(l[i], b + 8 * i);
    root_leaves(out, l, 3);
}

static void pending_cons_root(uint8_t out[32], const uint8_t *b)
{
    uint8_t l[2][32];
    u64_leaf_at(l[0], b);
    u64_leaf_at(l[1], b + 8);
    root2(out, l[0], l[1]);
}

static void hist_summary_root(uint8_t out[32], const uint8_t *b)
{
    root2(out, b, b + 32);
}

static void attestation_data_root(uint8_t out[32], const uint8_t *b)
{
    uint8_t l[8][32];
    u64_leaf_at(l[0], b);
    u64_leaf_at(l[1], b + 8);
    memcpy(l[2], b + 16, 32);
    checkpoint_root(l[3], b + 48);
    checkpoint_root(l[4], b + 88);
    root_leaves(out, l, 5);
}

static bv_err bitlist_root(uint8_t out[32], const uint8_t *b, size_t len, uint64_t max_bits,
                           bv_status *st)
{
    uint64_t bits = 8 * (uint64_t)(len - 1) + (31 - (unsigned)__builtin_clz(b[len - 1]));
    uint8_t buf[PA_MAX_BITS / 8 + 32];
    memset(buf, 0, sizeof buf);
    memcpy(buf, b, len);
    buf[len - 1] &= (uint8_t) ~(1u << (bits % 8)); /* drop the delimiter */
    size_t nbytes = (size_t)(bits + 7) / 8;
    uint8_t data_root[32];
    bv_err e =
        bv_ssz_packed_root(data_root, buf, nbytes, bv_ssz_ceil_log2((max_bits + 255) / 256), st);
    if (e != BV_OK)
        return e;
    bv_ssz_mix_in_length(out, data_root, bits);
    return BV_OK;
}

static bv_err pending_attestations_root(uint8_t out[32], const uint8_t *b, size_t len,
                                        uint64_t limit, bv_status *st)
{
    size_t count = len ? rd32(b) / 4 : 0;
    uint8_t *roots = malloc(count ? count * 32 : 32);
    if (!roots)
        return bv_fail(st, BV_ERR_NOMEM, "no memory for %zu attestations", count);
    for (size_t i = 0; i < count; i++) {
        size_t off = rd32(b + 4 * i), end = i + 1 < count ? rd32(b + 4 * (i + 1)) : len;
        const uint8_t *e = b + off;
        uint8_t l[4][32];
        bv_err r = bitlist_root(l[0], e + PA_FIXED, end - off - PA_FIXED, PA_MAX_BITS, st);
        if (r != BV_OK) {
            free(roots);
            return r;
        }
        attestation_data_root(l[1], e + 4);
        u64_leaf_at(l[2], e + 132);
        u64_leaf_at(l[3], e + 140);
        root_leaves(roots + 32 * i, l, 4);
    }
    uint8_t data_root[32];
    bv_err r = bv_ssz_merkleize(data_root, roots, count, limit, st);
    free(roots);
    if (r != BV_OK)
        return r;
    bv_ssz_mix_in_length(out, data_root, count);
    return BV_OK;
}

static bv_err eph_root(uint8_t out[32], bv_fork fork, const uint8_t *b, size_t len, bv_status *st)
{
    uint8_t l[32][32];
    memset(l, 0, sizeof l);
    size_t fixed = bv_eph_fixed_size(fork);
    memcpy(l[0], b, 32);
    memcpy(l[1], b + 32, 20);
    memcpy(l[2], b + 52, 32);
    memcpy(l[3], b + 84, 32);
    bv_err e = bv_ssz_bytes_root(l[4], b + 116, 256, st);
    if (e != BV_OK)
        return e;
    memcpy(l[5], b + 372, 32);
    for (int i = 0; i < 4; i++)
        u64_leaf_at(l[6 + i], b + 404 + 8 * i);
    /* extra_data: ByteList[32] = one chunk, length mixed in */
    uint8_t chunk[32] = {0};
    memcpy(chunk, b + fixed, len - fixed);
    bv_ssz_mix_in_length(l[10], chunk, len - fixed);
    memcpy(l[11], b + 440, 32);
    memcpy(l[12], b + 472, 32);
    memcpy(l[13], b + 504, 32);
    unsigned n = 14;
    if (fork >= BV_FORK_CAPELLA) {
        memcpy(l[14], b + 536, 32);
        n = 15;
    }
    if (fork >= BV_FORK_DENEB) {
        u64_leaf_at(l[15], b + 568);
        u64_leaf_at(l[16], b + 576);
        n = 17;
    }
    return bv_ssz_container_root(out, l[0], n, st);
}

static bv_err sync_committee_root(uint8_t out[32], const uint8_t *b, uint64_t size, bv_status *st)
{
    uint8_t *blocks = malloc((size_t)size * 64);
    if (!blocks)
        return bv_fail(st, BV_ERR_NOMEM, "no memory for the sync committee");
    for (uint64_t i = 0; i < size; i++) {
        memcpy(blocks + 64 * i, b + 48 * i, 48);
        memset(blocks + 64 * i + 48, 0, 16);
    }
    bv_sha256_pairs(blocks, blocks, (size_t)size);
    uint8_t pair[2][32];
    bv_err e = bv_ssz_merkleize(pair[0], blocks, size, size, st);
    free(blocks);
    if (e != BV_OK)
        return e;
    bv_ssz_bytes48_root(pair[1], b + 48 * size);
    root2(out, pair[0], pair[1]);
    return BV_OK;
}

typedef void (*elem_root_fn)(uint8_t out[32], const uint8_t *b);

static void builder_root(uint8_t out[32], const uint8_t *b)
{
    uint8_t l[8][32];
    memset(l, 0, sizeof l);
    bv_ssz_bytes48_root(l[0], b);
    l[1][0] = b[48]; /* version: uint8 */
    memcpy(l[2], b + 49, 20);
    memcpy(l[3], b + 69, 8);
    memcpy(l[4], b + 77, 8);
    memcpy(l[5], b + 85, 8);
    root_leaves(out, l, 6);
}

static void builder_pw_root(uint8_t out[32], const uint8_t *b)
{
    uint8_t l[4][32];
    memset(l, 0, sizeof l);
    memcpy(l[0], b, 20);
    memcpy(l[1], b + 20, 8);
    memcpy(l[2], b + 28, 8);
    root_leaves(out, l, 3);
}

static void builder_pp_root(uint8_t out[32], const uint8_t *b)
{
    uint8_t l[4][32];
    memset(l, 0, sizeof l);
    memcpy(l[0], b, 8);
    builder_pw_root(l[1], b + 8);
    memcpy(l[2], b + 44, 8);
    root_leaves(out, l, 3);
}

static void withdrawal_root(uint8_t out[32], const uint8_t *b)
{
    uint8_t l[4][32];
    memset(l, 0, sizeof l);
    memcpy(l[0], b, 8);
    memcpy(l[1], b + 8, 8);
    memcpy(l[2], b + 16, 20);
    memcpy(l[3], b + 36, 8);
    root_leaves(out, l, 4);
}

static void bytes48_elem_root(uint8_t out[32], const uint8_t *b)
{
    bv_ssz_bytes48_root(out, b);
}

/* ProgressiveList of fixed-size composites: element roots, progressive
 * merkleization, length mixed in. */
static bv_err plist_composite_root(uint8_t out[32], const uint8_t *b, size_t len, size_t es,
                                   elem_root_fn fn, bv_status *st)
{
    size_t count = len / es;
    uint8_t *roots = malloc(count ? count * 32 : 32);
    if (!roots)
        return bv_fail(st, BV_ERR_NOMEM, "no memory for %zu element roots", count);
    if (fn)
        for (size_t i = 0; i < count; i++)
            fn(roots + 32 * i, b + es * i);
    else /* validators: the batched path */
        bv_ssz_validator_roots(roots, b, count);
    bv_err e = bv_ssz_merkleize_progressive(out, roots, count, st);
    free(roots);
    if (e == BV_OK)
        bv_ssz_mix_in_length(out, out, count);
    return e;
}

/* ProgressiveList of basic values: packed chunks, progressive merkleization. */
static bv_err plist_packed_root(uint8_t out[32], const uint8_t *b, size_t len, size_t es,
                                bv_status *st)
{
    size_t nchunks = (len + 31) / 32;
    uint8_t *buf = malloc(nchunks ? nchunks * 32 : 32);
    if (!buf)
        return bv_fail(st, BV_ERR_NOMEM, "no memory for %zu chunks", nchunks);
    if (nchunks) {
        memset(buf + 32 * (nchunks - 1), 0, 32);
        memcpy(buf, b, len);
    }
    bv_err e = bv_ssz_merkleize_progressive(out, buf, nchunks, st);
    free(buf);
    if (e == BV_OK)
        bv_ssz_mix_in_length(out, out, len / es);
    return e;
}

static bv_err bid_root(uint8_t out[32], const uint8_t *b, size_t len, bv_status *st)
{
    uint8_t l[12][32];
    memset(l, 0, sizeof l);
    memcpy(l[0], b, 32);        /* parent_block_hash */
    memcpy(l[1], b + 32, 32);   /* parent_block_root */
    memcpy(l[2], b + 64, 32);   /* block_hash */
    memcpy(l[3], b + 96, 32);   /* prev_randao */
    memcpy(l[4], b + 128, 20);  /* fee_recipient */
    for (int i = 0; i < 5; i++) /* gas_limit, builder_index, slot, value, execution_payment */
        memcpy(l[5 + i], b + 148 + 8 * i, 8);
    bv_err e =
        plist_composite_root(l[10], b + BID_FIXED, len - BID_FIXED, 48, bytes48_elem_root, st);
    if (e != BV_OK)
        return e;
    memcpy(l[11], b + 192, 32); /* execution_requests_root */
    return bv_ssz_progressive_container_root(out, l[0], 12, st);
}

static bv_err ptc_window_root(uint8_t out[32], const uint8_t *b, uint64_t param, bv_status *st)
{
    size_t w = (size_t)(param >> 32), ptc = (size_t)(param & 0xFFFFFFFFu);
    uint8_t *roots = malloc(w * 32);
    if (!roots)
        return bv_fail(st, BV_ERR_NOMEM, "no memory for the PTC window");
    bv_err e = BV_OK;
    unsigned depth = bv_ssz_ceil_log2((ptc * 8 + 31) / 32);
    for (size_t i = 0; i < w && e == BV_OK; i++)
        e = bv_ssz_packed_root(roots + 32 * i, b + 8 * ptc * i, 8 * ptc, depth, st);
    if (e == BV_OK)
        e = bv_ssz_merkleize(out, roots, w, w, st);
    free(roots);
    return e;
}

static bv_err composite_list_root(uint8_t out[32], const uint8_t *b, size_t len, size_t es,
                                  uint64_t limit, elem_root_fn fn, bv_status *st)
{
    size_t count = len / es;
    uint8_t *roots = malloc(count ? count * 32 : 32);
    if (!roots)
        return bv_fail(st, BV_ERR_NOMEM, "no memory for %zu element roots", count);
    for (size_t i = 0; i < count; i++)
        fn(roots + 32 * i, b + es * i);
    uint8_t data_root[32];
    bv_err e = bv_ssz_merkleize(data_root, roots, count, limit, st);
    free(roots);
    if (e != BV_OK)
        return e;
    bv_ssz_mix_in_length(out, data_root, count);
    return BV_OK;
}

static bv_err packed_list_root(uint8_t out[32], const uint8_t *b, size_t len, size_t es,
                               uint64_t limit, bv_status *st)
{
    uint8_t data_root[32];
    unsigned depth = bv_ssz_ceil_log2((limit * es + 31) / 32);
    bv_err e = bv_ssz_packed_root(data_root, b, len, depth, st);
    if (e != BV_OK)
        return e;
    bv_ssz_mix_in_length(out, data_root, len / es);
    return BV_OK;
}

bv_err bv_ssz_field_root(bv_fork fork, bv_kind kind, uint64_t param, const uint8_t *b, size_t len,
                         uint8_t out[32], bv_status *st)
{
    switch (kind) {
    case K_U64:
        u64_leaf_at(out, b);
        return BV_OK;
    case K_B32:
        memcpy(out, b, 32);
        return BV_OK;
    case K_FORK:
        fork_root(out, b);
        return BV_OK;
    case K_HEADER:
        bv_ssz_header_root(out, b);
        return BV_OK;
    case K_ETH1DATA:
        eth1data_root(out, b);
        return BV_OK;
    case K_CHECKPOINT:
        checkpoint_root(out, b);
        return BV_OK;
    case K_BITVECTOR4:
        memset(out, 0, 32);
        out[0] = b[0];
        return BV_OK;
    case K_VEC_B32:
        return bv_ssz_merkleize(out, b, param, param, st);
    case K_VEC_U64:
        return bv_ssz_packed_root(out, b, len, bv_ssz_ceil_log2((param + 3) / 4), st);
    case K_SYNC_COMMITTEE:
        return sync_committee_root(out, b, param, st);
    case K_LIST_B32: {
        uint8_t data_root[32];
        bv_err e = bv_ssz_merkleize(data_root, b, len / 32, param, st);
        if (e == BV_OK)
            bv_ssz_mix_in_length(out, data_root, len / 32);
        return e;
    }
    case K_LIST_U64:
        return packed_list_root(out, b, len, 8, param, st);
    case K_LIST_U8:
        return packed_list_root(out, b, len, 1, param, st);
    case K_LIST_ETH1DATA:
        return composite_list_root(out, b, len, 72, param, eth1data_root, st);
    case K_LIST_VALIDATOR:
        return bv_ssz_validators_root(out, b, len / BV_SSZ_VALIDATOR_SIZE, st);
    case K_LIST_HIST_SUMMARY:
        return composite_list_root(out, b, len, 64, param, hist_summary_root, st);
    case K_LIST_PENDING_DEP:
        return composite_list_root(out, b, len, 192, param, pending_deposit_root, st);
    case K_LIST_PENDING_PW:
        return composite_list_root(out, b, len, 24, param, pending_pw_root, st);
    case K_LIST_PENDING_CONS:
        return composite_list_root(out, b, len, 16, param, pending_cons_root, st);
    case K_LIST_PENDING_ATT:
        return pending_attestations_root(out, b, len, param, st);
    case K_EPH:
        return eph_root(out, fork, b, len, st);
    case K_BITVECTOR:
        return bv_ssz_packed_root(out, b, len, bv_ssz_ceil_log2((param + 255) / 256), st);
    case K_VEC_BUILDER_PP: {
        uint8_t *roots = malloc((size_t)param * 32);
        if (!roots)
            return bv_fail(st, BV_ERR_NOMEM, "no memory for builder payments");
        for (uint64_t i = 0; i < param; i++)
            builder_pp_root(roots + 32 * i, b + BUILDER_PP_SIZE * i);
        bv_err e = bv_ssz_merkleize(out, roots, param, param, st);
        free(roots);
        return e;
    }
    case K_PTC_WINDOW:
        return ptc_window_root(out, b, param, st);
    case K_PLIST_VALIDATOR:
        return plist_composite_root(out, b, len, BV_SSZ_VALIDATOR_SIZE, NULL, st);
    case K_PLIST_U64:
        return plist_packed_root(out, b, len, 8, st);
    case K_PLIST_U8:
        return plist_packed_root(out, b, len, 1, st);
    case K_PLIST_PENDING_DEP:
        return plist_composite_root(out, b, len, 192, pending_deposit_root, st);
    case K_PLIST_PENDING_PW:
        return plist_composite_root(out, b, len, 24, pending_pw_root, st);
    case K_PLIST_PENDING_CONS:
        return plist_composite_root(out, b, len, 16, pending_cons_root, st);
    case K_PLIST_BUILDER:
        return plist_composite_root(out, b, len, BUILDER_SIZE, builder_root, st);
    case K_PLIST_BUILDER_PW:
        return plist_composite_root(out, b, len, BUILDER_PW_SIZE, builder_pw_root, st);
    case K_PLIST_WITHDRAWAL:
        return plist_composite_root(out, b, len, WITHDRAWAL_SIZE, withdrawal_root, st);
    case K_BID:
        return bid_root(out, b, len, st);
    }
    return bv_fail(st, BV_ERR_INTERNAL, "unknown field kind %d", (int)kind);
}
