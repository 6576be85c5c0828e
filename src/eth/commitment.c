/*
 * commitment.c - Poseidon validator commitment and its depth-40 tree
 * (include/balverify/commitment.h, spec/SYSTEM.md section 5.2).
 *
 * How the definition is followed, field by field:
 *  - pubkey / withdrawal_credentials: bits(x) of spec/SYSTEM.md section 0,
 *    i.e. byte 0 first and the most significant bit of each byte first, one
 *    field element (0 or 1) per bit, hashed with hash_no_pad (384 bits = 48
 *    absorptions of 8, 256 bits = 32).
 *  - uint64 fields: [lo32, hi32] as two elements (the circuit's 2-limb
 *    BigUint), hashed with hash_no_pad (one absorption).
 *  - slashed: one element, the low bit of the SSZ boolean byte (the mapper
 *    circuit reads bit 7 of the bits(chunk) order, which is that bit).
 *  - the eight digests are paired L0..L7 with two_to_one in a 3-level tree.
 * Zero leaves are the digest [0,0,0,0], and zero subtrees Z_{k+1} =
 * two_to_one(Z_k, Z_k).
 */
#include "balverify/commitment.h"

#include <stdlib.h>
#include <string.h>

#include "balverify/util_bytes.h"
#include "balverify/validator.h"

static bv_hash hash_bits(const uint8_t *bytes, size_t nbytes)
{
    gl_t bits[384];
    for (size_t i = 0; i < nbytes; i++)
        for (int b = 0; b < 8; b++)
            bits[8 * i + (size_t)b] = (bytes[i] >> (7 - b)) & 1;
    return bv_poseidon_hash_no_pad(bits, 8 * nbytes);
}

static bv_hash hash_u64(uint64_t v)
{
    gl_t limbs[2] = {v & 0xFFFFFFFFu, v >> 32};
    return bv_poseidon_hash_no_pad(limbs, 2);
}

void bv_commit_validator_leaves(bv_hash leaves[8], const uint8_t rec[121])
{
    leaves[0] = hash_bits(rec, 48);
    leaves[1] = hash_bits(rec + 48, 32);
    leaves[2] = hash_u64(bv_le64(rec + 80));
    gl_t slashed = rec[88] & 1;
    leaves[3] = bv_poseidon_hash_no_pad(&slashed, 1);
    leaves[4] = hash_u64(bv_le64(rec + 89));
    leaves[5] = hash_u64(bv_le64(rec + 97));
    leaves[6] = hash_u64(bv_le64(rec + 105));
    leaves[7] = hash_u64(bv_le64(rec + 113));
}

bv_hash bv_commit_validator(const uint8_t rec[121])
{
    bv_hash l[8];
    bv_commit_validator_leaves(l, rec);
    bv_hash a = bv_poseidon_two_to_one(bv_poseidon_two_to_one(l[0], l[1]),
                                       bv_poseidon_two_to_one(l[2], l[3]));
    bv_hash b = bv_poseidon_two_to_one(bv_poseidon_two_to_one(l[4], l[5]),
                                       bv_poseidon_two_to_one(l[6], l[7]));
    return bv_poseidon_two_to_one(a, b);
}

/* Validators per batch: every sponge of the batch advances together, so each
 * absorption step is one bv_poseidon_permute_many() call (SIMD where the
 * Poseidon engine has it). */
#define CBATCH 32

static void set_bits(gl_t *st, const uint8_t *bytes)
{
    /* one rate-8 chunk = one byte, MSB first */
    for (int b = 0; b < 8; b++)
        st[b] = (bytes[0] >> (7 - b)) & 1;
}

static void pp_many(gl_t *st, bv_hash *dst, const bv_hash *src, size_t pairs)
{
    for (size_t i = 0; i < pairs; i++) {
        gl_t *s = st + 12 * i;
        memcpy(s, src[2 * i].e, 4 * sizeof(gl_t));
        memcpy(s + 4, src[2 * i + 1].e, 4 * sizeof(gl_t));
        memset(s + 8, 0, 4 * sizeof(gl_t));
    }
    bv_poseidon_permute_many(st, pairs);
    for (size_t i = 0; i < pairs; i++)
        memcpy(dst[i].e, st + 12 * i, 4 * sizeof(gl_t));
}

static void commit_batch(bv_hash *out, const uint8_t *records, size_t b)
{
    /* sponges: [0,b) pubkey, [b,2b) credentials, [2b,8b) the six small fields */
    static __thread gl_t st[8 * CBATCH * 12];
    bv_hash leaves[8 * CBATCH];
    memset(st, 0, sizeof(gl_t) * 12 * 8 * b);
    for (size_t v = 0; v < b; v++) {
        const uint8_t *r = records + 121 * v;
        set_bits(st + 12 * v, r);
        set_bits(st + 12 * (b + v), r + 48);
        static const int off[6] = {80, -1, 89, 97, 105, 113};
        for (int k = 0; k < 6; k++) {
            gl_t *s = st + 12 * (2 * b + 6 * v + (size_t)k);
            if (off[k] < 0) {
                s[0] = r[88] & 1; /* slashed: one element */
            } else {
                uint64_t x = bv_le64(r + off[k]);
                s[0] = x & 0xFFFFFFFFu;
                s[1] = x >> 32;
            }
        }
    }
    bv_poseidon_permute_many(st, 8 * b);
    /* 31 more absorptions for pubkey and credentials, then 16 for pubkey */
    for (int j = 1; j < 48; j++) {
        size_t active = j < 32 ? 2 * b : b;
        for (size_t v = 0; v < b; v++) {
            set_bits(st + 12 * v, records + 121 * v + j);
            if (j < 32)
                set_bits(st + 12 * (b + v), records + 121 * v + 48 + j);
        }
        bv_poseidon_permute_many(st, active);
    }
    for (size_t v = 0; v < b; v++) {
        memcpy(leaves[8 * v + 0].e, st + 12 * v, 4 * sizeof(gl_t));
        memcpy(leaves[8 * v + 1].e, st + 12 * (b + v), 4 * sizeof(gl_t));
        for (int k = 0; k < 6; k++)
            memcpy(leaves[8 * v + 2 + (size_t)k].e, st + 12 * (2 * b + 6 * v + (size_t)k),
                   4 * sizeof(gl_t));
    }
    /* 8 leaves -> 4 -> 2 -> 1 per validator; layout stays contiguous */
    pp_many(st, leaves, leaves, 4 * b);
    pp_many(st, leaves, leaves, 2 * b);
    pp_many(st, out, leaves, b);
}

void bv_commit_validators(bv_hash *out, const uint8_t *records, size_t n)
{
    size_t nb = (n + CBATCH - 1) / CBATCH;
#pragma omp parallel for schedule(dynamic, 4) if (n >= 1024)
    for (size_t j = 0; j < nb; j++) {
        size_t first = j * CBATCH, b = n - first < CBATCH ? n - first : CBATCH;
        commit_batch(out + first, records + 121 * first, b);
    }
}

static bv_hash zero_table[65];
static int zero_ready;

__attribute__((constructor)) static void init_zero_table(void)
{
    memset(&zero_table[0], 0, sizeof zero_table[0]);
    for (unsigned k = 0; k < 64; k++)
        zero_table[k + 1] = bv_poseidon_two_to_one(zero_table[k], zero_table[k]);
    zero_ready = 1;
}

bv_hash bv_commit_zero(unsigned k)
{
    if (!zero_ready)
        init_zero_table();
    bv_hash z;
    memset(&z, 0, sizeof z);
    return k <= 64 ? zero_table[k] : z;
}

/* nodes[0..count) of height `height`, reduced in place to total_height. */
static bv_hash reduce(bv_hash *nodes, uint64_t count, unsigned height, unsigned total_height)
{
    uint64_t n = count;
    for (unsigned h = height; h < total_height; h++) {
        uint64_t pairs = n / 2;
        for (uint64_t i = 0; i < pairs; i++)
            nodes[i] = bv_poseidon_two_to_one(nodes[2 * i], nodes[2 * i + 1]);
        if (n & 1) {
            nodes[pairs] = bv_poseidon_two_to_one(nodes[n - 1], bv_commit_zero(h));
            pairs++;
        }
        n = pairs;
    }
    return nodes[0];
}

bv_err bv_commit_combine(bv_hash *out, const bv_hash *nodes, uint64_t count, unsigned height,
                         unsigned total_height, bv_status *st)
{
    if (total_height > 64 || height > total_height)
        return bv_fail(st, BV_ERR_ARG, "commitment combine: bad heights %u..%u", height,
                       total_height);
    unsigned span = total_height - height;
    if (span < 64 && count > (1ULL << span))
        return bv_fail(st, BV_ERR_ARG, "commitment combine: %llu nodes exceed 2^%u",
                       (unsigned long long)count, span);
    if (count == 0) {
        *out = bv_commit_zero(total_height);
        return BV_OK;
    }
    bv_hash *buf = malloc((size_t)count * sizeof *buf);
    if (!buf)
        return bv_fail(st, BV_ERR_NOMEM, "commitment combine: no memory");
    memcpy(buf, nodes, (size_t)count * sizeof *buf);
    *out = reduce(buf, count, height, total_height);
    free(buf);
    return BV_OK;
}

bv_err bv_commit_subtree(bv_hash *out, const uint8_t *records, uint64_t m, unsigned k,
                         bv_status *st)
{
    if (k > 64 || (k < 64 && m > (1ULL << k)))
        return bv_fail(st, BV_ERR_ARG, "commitment subtree: %llu validators exceed 2^%u leaves",
                       (unsigned long long)m, k);
    if (m == 0) {
        *out = bv_commit_zero(k);
        return BV_OK;
    }
    bv_hash *buf = malloc((size_t)m * sizeof *buf);
    if (!buf)
        return bv_fail(st, BV_ERR_NOMEM, "commitment subtree: no memory for %llu leaves",
                       (unsigned long long)m);
    bv_commit_validators(buf, records, (size_t)m);
    *out = reduce(buf, m, 0, k);
    free(buf);
    return BV_OK;
}

bv_err bv_commit_root(bv_hash *out, const uint8_t *records, uint64_t n, bv_status *st)
{
    return bv_commit_subtree(out, records, n, BV_COMMIT_DEPTH, st);
}
