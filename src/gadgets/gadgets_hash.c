/*
 * gadgets_hash.c - Poseidon on targets (one PoseidonGate row per
 * permutation), the sponge modes of PROOF_SYSTEM.md section 3.4, Merkle
 * proofs against a cap, and coset interpolation.
 */
#include "balverify/gadgets.h"

void bv_gadget_poseidon_permute(bv_circuit *c, const bv_target in[12], const bv_target *swap,
                                bv_target out[12])
{
    bv_gate g = bv_gate_poseidon();
    uint32_t row = bv_circuit_add_gate(c, &g, NULL);
    for (uint32_t i = 0; i < 12; i++) {
        bv_circuit_connect(c, bv_wire(row, BV_POSEIDON_WIRE_IN + i), in[i]);
        out[i] = bv_wire(row, BV_POSEIDON_WIRE_OUT + i);
    }
    bv_circuit_connect(c, bv_wire(row, BV_POSEIDON_WIRE_SWAP), swap ? *swap : bv_circuit_zero(c));
}

void bv_gadget_hash_n_to_m_no_pad(bv_circuit *c, const bv_target *in, size_t n, bv_target *out,
                                  size_t m)
{
    bv_target s[12];
    bv_target zero = bv_circuit_zero(c);
    for (int i = 0; i < 12; i++)
        s[i] = zero;
    /* overwrite mode: a chunk replaces its lanes, the others keep their values */
    for (size_t off = 0; off < n; off += BV_POSEIDON_RATE) {
        for (size_t j = 0; j < BV_POSEIDON_RATE && off + j < n; j++)
            s[j] = in[off + j];
        bv_gadget_poseidon_permute(c, s, NULL, s);
    }
    for (size_t i = 0; i < m; i++) {
        if (i > 0 && i % BV_POSEIDON_RATE == 0)
            bv_gadget_poseidon_permute(c, s, NULL, s);
        out[i] = s[i % BV_POSEIDON_RATE];
    }
}

bv_hash_target bv_gadget_hash_n_to_hash_no_pad(bv_circuit *c, const bv_target *in, size_t n)
{
    bv_hash_target h;
    bv_gadget_hash_n_to_m_no_pad(c, in, n, h.e, 4);
    return h;
}

bv_hash_target bv_gadget_hash_or_noop(bv_circuit *c, const bv_target *in, size_t n)
{
    if (n > 4)
        return bv_gadget_hash_n_to_hash_no_pad(c, in, n);
    bv_hash_target h;
    for (size_t i = 0; i < 4; i++)
        h.e[i] = i < n ? in[i] : bv_circuit_zero(c);
    return h;
}

bv_hash_target bv_gadget_two_to_one(bv_circuit *c, bv_hash_target a, bv_hash_target b)
{
    bv_target s[12], out[12];
    bv_target zero = bv_circuit_zero(c);
    for (int i = 0; i < 4; i++) {
        s[i] = a.e[i];
        s[4 + i] = b.e[i];
        s[8 + i] = zero;
    }
    bv_gadget_poseidon_permute(c, s, NULL, out);
    bv_hash_target h;
    for (int i = 0; i < 4; i++)
        h.e[i] = out[i];
    return h;
}

bv_hash_target bv_gadget_hash_constant(bv_circuit *c, bv_hash v)
{
    bv_hash_target h;
    for (int i = 0; i < 4; i++)
        h.e[i] = bv_circuit_constant(c, v.e[i]);
    return h;
}

bv_hash_target bv_gadget_add_virtual_hash(bv_circuit *c)
{
    bv_hash_target h;
    bv_circuit_add_virtuals(c, h.e, 4);
    return h;
}

bv_hash_target bv_gadget_select_hash(bv_circuit *c, bv_target b, bv_hash_target x, bv_hash_target y)
{
    bv_hash_target r;
    for (int i = 0; i < 4; i++)
        r.e[i] = bv_gadget_select(c, b, x.e[i], y.e[i]);
    return r;
}

void bv_gadget_connect_hash(bv_circuit *c, bv_hash_target a, bv_hash_target b)
{
    for (int i = 0; i < 4; i++)
        bv_circuit_connect(c, a.e[i], b.e[i]);
}

bv_hash_target bv_gadget_merkle_path(bv_circuit *c, const bv_target *leaf, size_t leaf_len,
                                     const bv_target *bits, const bv_hash_target *siblings,
                                     size_t nsiblings)
{
    bv_hash_target node = bv_gadget_hash_or_noop(c, leaf, leaf_len);
    bv_target zero = bv_circuit_zero(c);
    for (size_t k = 0; k < nsiblings; k++) {
        /* bit 1: the node is a right child, so the gate's swap puts the
         * sibling first: two_to_one(sibling, node) */
        bv_target s[12], out[12];
        for (int i = 0; i < 4; i++) {
            s[i] = node.e[i];
            s[4 + i] = siblings[k].e[i];
            s[8 + i] = zero;
        }
        bv_gadget_poseidon_permute(c, s, &bits[k], out);
        for (int i = 0; i < 4; i++)
            node.e[i] = out[i];
    }
    return node;
}

void bv_gadget_verify_merkle_proof_to_cap(bv_circuit *c, const bv_target *leaf, size_t leaf_len,
                                          const bv_target *index_bits,
                                          const bv_hash_target *siblings, size_t nsiblings,
                                          const bv_hash_target *cap, size_t cap_len)
{
    uint32_t cap_bits = 0;
    while ((1ul << cap_bits) < cap_len)
        cap_bits++;
    if (cap_len == 0 || (1ul << cap_bits) != cap_len) {
        bv_circuit_fail(c, BV_ERR_ARG, "merkle proof: cap of %zu digests (a power of two)",
                        cap_len);
        return;
    }
    bv_hash_target node = bv_gadget_merkle_path(c, leaf, leaf_len, index_bits, siblings, nsiblings);
    bv_target cap_index = bv_gadget_le_sum(c, index_bits + nsiblings, cap_bits);
    bv_gadget_connect_hash(c, bv_gadget_random_access_hash(c, cap_index, cap, cap_len), node);
}

bv_ext_target bv_gadget_interpolate_coset(bv_circuit *c, uint32_t subgroup_bits, bv_target shift,
                                          const bv_ext_target *values, bv_ext_target point)
{
    const bv_plonk_config *cfg = bv_circuit_config(c);
    uint32_t degree = bv_coset_interp_degree_for(subgroup_bits, cfg->max_quotient_degree_factor);
    bv_gate g = bv_gate_coset_interpolation(subgroup_bits, degree);
    if (!g.ops) {
        bv_circuit_fail(c, BV_ERR_ARG, "interpolate_coset: bad subgroup bits %u / degree %u",
                        subgroup_bits, degree);
        return (bv_ext_target){bv_circuit_zero(c), bv_circuit_zero(c)};
    }
    uint32_t row = bv_circuit_add_gate(c, &g, NULL); /* copies the gate's data */
    bv_gate_free(&g);
    bv_circuit_connect(c, bv_wire(row, BV_CI_WIRE_SHIFT), shift);
    for (uint32_t i = 0; i < (1u << subgroup_bits); i++) {
        bv_circuit_connect(c, bv_wire(row, bv_ci_wire_value(i)), values[i].c0);
        bv_circuit_connect(c, bv_wire(row, bv_ci_wire_value(i) + 1), values[i].c1);
    }
    uint32_t pt = bv_ci_wire_point(subgroup_bits), ev = bv_ci_wire_eval(subgroup_bits);
    bv_circuit_connect(c, bv_wire(row, pt), point.c0);
    bv_circuit_connect(c, bv_wire(row, pt + 1), point.c1);
    return (bv_ext_target){bv_wire(row, ev), bv_wire(row, ev + 1)};
}
