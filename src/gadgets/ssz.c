/*
 * ssz.c - SSZ merkleization gadgets (include/balverify/gadgets_ssz.h).
 */
#include "balverify/gadgets_ssz.h"

#include "balverify/gadgets_sha256.h"

static void zero_words(bv_circuit *c, bv_target *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = bv_circuit_zero(c);
}

void bv_gadget_ssz_leaf64(bv_circuit *c, bv_u64_target x, bv_target out[8])
{
    bv_gadget_u64_to_words(c, x, out);
    zero_words(c, out + 2, 6);
}

void bv_gadget_ssz_bool_chunk(bv_circuit *c, bv_target bit, bv_target out[8])
{
    bv_gadget_assert_bool(c, bit);
    out[0] = bv_gadget_mul_const(c, (gl_t)1 << 24, bit);
    zero_words(c, out + 1, 7);
}

void bv_gadget_ssz_u64x4_chunk(bv_circuit *c, const bv_u64_target x[4], bv_target out[8])
{
    for (int k = 0; k < 4; k++)
        bv_gadget_u64_to_words(c, x[k], out + 2 * k);
}

void bv_gadget_ssz_mix_in_length(bv_circuit *c, const bv_target root[8], bv_u64_target len,
                                 bv_target out[8])
{
    bv_target leaf[8];
    bv_gadget_ssz_leaf64(c, len, leaf);
    bv_gadget_sha256_pair(c, root, leaf, out);
}

void bv_gadget_ssz_bytes48_root(bv_circuit *c, const bv_target words[12], bv_target out[8])
{
    bv_target right[8];
    for (int i = 0; i < 4; i++)
        right[i] = words[8 + i];
    zero_words(c, right + 4, 4);
    bv_gadget_sha256_pair(c, words, right, out);
}

void bv_gadget_ssz_branch_root(bv_circuit *c, const bv_target leaf[8], const bv_target *branch,
                               unsigned depth, uint64_t gindex, bv_target out[8])
{
    unsigned d = 0;
    for (uint64_t g = gindex; g > 1; g >>= 1)
        d++;
    if (gindex == 0 || d != depth) {
        bv_circuit_fail(c, BV_ERR_ARG, "ssz branch: depth %u does not match gindex %llu", depth,
                        (unsigned long long)gindex);
        zero_words(c, out, 8);
        return;
    }
    bv_target node[8];
    for (int i = 0; i < 8; i++)
        node[i] = leaf[i];
    for (unsigned i = 0; i < depth; i++) {
        const bv_target *sib = branch + 8 * (size_t)i;
        if ((gindex >> i) & 1)
            bv_gadget_sha256_pair(c, sib, node, node);
        else
            bv_gadget_sha256_pair(c, node, sib, node);
    }
    for (int i = 0; i < 8; i++)
        out[i] = node[i];
}

void bv_gadget_ssz_verify_branch(bv_circuit *c, const bv_target leaf[8], const bv_target *branch,
                                 unsigned depth, uint64_t gindex, const bv_target root[8])
{
    bv_target got[8];
    bv_gadget_ssz_branch_root(c, leaf, branch, depth, gindex, got);
    bv_gadget_connect_words(c, got, root, 8);
}
