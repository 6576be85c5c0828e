/*
 * beacon_state_hash.c - hash_tree_root of a parsed BeaconState, its fields,
 * and the Merkle branches from a field to the state root and to the block
 * root (include/balverify/beacon_state.h).
 */
#include "balverify/beacon_state.h"

#include <string.h>

#include "eth/beacon_state_layout.h"
#include "eth/ssz_types.h"

bv_err bv_state_field_root(const bv_beacon_state *s, unsigned field, uint8_t out[32], bv_status *st)
{
    unsigned n;
    const bv_field_desc *d = bv_layout_fields(s->fork, &n);
    if (!d || field >= n || field >= s->nfields)
        return bv_fail(st, BV_ERR_ARG, "BeaconState (%s): no field %u", bv_fork_name(s->fork),
                       field);
    bv_err e = bv_ssz_field_root(s->fork, d[field].kind, bv_layout_param(s->preset, d[field].param),
                                 s->data + s->field_off[field], s->field_len[field], out, st);
    if (e != BV_OK)
        return bv_fail_ctx(st, "hashing field '%s'", d[field].name);
    return BV_OK;
}

bv_err bv_state_hash(const bv_beacon_state *s, bv_state_roots *roots, bv_status *st)
{
    memset(roots, 0, sizeof *roots);
    roots->fork = s->fork;
    roots->nfields = s->nfields;
    for (unsigned f = 0; f < s->nfields; f++) {
        bv_err e = bv_state_field_root(s, f, roots->field[f], st);
        if (e != BV_OK)
            return e;
    }
    if (s->fork == BV_FORK_GLOAS)
        return bv_ssz_progressive_container_root(roots->state_root, roots->field[0], s->nfields,
                                                 st);
    return bv_ssz_container_root(roots->state_root, roots->field[0], s->nfields, st);
}

bv_err bv_state_field_branch(const bv_state_roots *roots, unsigned field, uint8_t *branch,
                             unsigned *depth, uint64_t *gindex, bv_status *st)
{
    if (field >= roots->nfields)
        return bv_fail(st, BV_ERR_ARG, "state branch: no field %u in %s (%u fields)", field,
                       bv_fork_name(roots->fork), roots->nfields);
    *gindex = bv_state_field_gindex(roots->fork, field, depth);
    if (roots->fork == BV_FORK_GLOAS) {
        unsigned nb;
        bv_err e =
            bv_ssz_progressive_branch(branch, &nb, roots->field[0], roots->nfields, field, st);
        if (e != BV_OK)
            return e;
        /* the active_fields chunk is the last sibling (gindex 3) */
        memset(branch + 32 * nb, 0, 32);
        for (unsigned i = 0; i < roots->nfields; i++)
            branch[32 * nb + i / 8] |= (uint8_t)(1u << (i % 8));
        if (nb + 1 != *depth)
            return bv_fail(st, BV_ERR_INTERNAL, "progressive branch length %u != depth %u", nb + 1,
                           *depth);
        return BV_OK;
    }
    return bv_ssz_branch(branch, roots->field[0], roots->nfields, *depth, field, st);
}

void bv_state_block_header(const bv_beacon_state *s, const bv_state_roots *roots,
                           uint8_t header[BV_SSZ_HEADER_SIZE])
{
    static const uint8_t zero[32];
    memcpy(header, s->latest_block_header, BV_SSZ_HEADER_SIZE);
    if (memcmp(header + 48, zero, 32) == 0)
        memcpy(header + 48, roots->state_root, 32);
}

void bv_header_branch(const uint8_t header[BV_SSZ_HEADER_SIZE], unsigned field,
                      uint8_t branch[3][32])
{
    uint8_t leaves[8][32];
    bv_ssz_header_leaves(leaves, header);
    /* three levels: sibling leaf, sibling pair, sibling half */
    bv_status st;
    (void)bv_ssz_branch(branch[0], leaves[0], 8, 3, field & 7, &st);
}

bv_err bv_state_block_branch(const bv_state_roots *roots, const uint8_t header[BV_SSZ_HEADER_SIZE],
                             unsigned field, uint8_t *branch, unsigned *depth, uint64_t *gindex,
                             bv_status *st)
{
    unsigned d = 0;
    uint64_t g = 0;
    bv_err e = bv_state_field_branch(roots, field, branch, &d, &g, st);
    if (e != BV_OK)
        return e;
    uint8_t hb[3][32];
    bv_header_branch(header, 3, hb);
    memcpy(branch + 32 * d, hb, sizeof hb);
    *depth = d + 3;
    *gindex = bv_gindex_concat(11, g);
    return BV_OK;
}
