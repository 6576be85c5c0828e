/* plonk_test_util.h - small circuit helpers shared by the PLONK unit tests
 * (arithmetic on targets through ArithmeticGate op slots). */
#ifndef BV_PLONK_TEST_UTIL_H
#define BV_PLONK_TEST_UTIL_H

#include "balverify/circuit.h"
#include "balverify/gates.h"
#include "balverify/witness.h"

/* out = c0*a*b + c1*d */
static inline bv_target tu_arith(bv_circuit *c, gl_t c0, gl_t c1, bv_target a, bv_target b,
                                 bv_target d)
{
    bv_gate g = bv_gate_arithmetic(bv_arith_max_ops(bv_circuit_config(c)->num_routed_wires));
    gl_t k[2] = {c0, c1};
    uint32_t row, op;
    bv_circuit_find_slot(c, &g, k, &row, &op);
    bv_circuit_connect(c, bv_wire(row, bv_arith_wire(op, 0)), a);
    bv_circuit_connect(c, bv_wire(row, bv_arith_wire(op, 1)), b);
    bv_circuit_connect(c, bv_wire(row, bv_arith_wire(op, 2)), d);
    return bv_wire(row, bv_arith_wire(op, 3));
}

static inline bv_target tu_mul(bv_circuit *c, bv_target a, bv_target b)
{
    return tu_arith(c, 1, 0, a, b, bv_circuit_zero(c));
}

static inline bv_target tu_add(bv_circuit *c, bv_target a, bv_target b)
{
    bv_target one = bv_circuit_one(c);
    return tu_arith(c, 1, 1, a, one, b);
}

/* One Poseidon permutation on 12 targets (swap = 0); out receives 12 targets. */
static inline void tu_poseidon(bv_circuit *c, const bv_target in[12], bv_target out[12])
{
    bv_gate g = bv_gate_poseidon();
    uint32_t row = bv_circuit_add_gate(c, &g, NULL);
    for (uint32_t i = 0; i < 12; i++) {
        bv_circuit_connect(c, bv_wire(row, BV_POSEIDON_WIRE_IN + i), in[i]);
        out[i] = bv_wire(row, BV_POSEIDON_WIRE_OUT + i);
    }
    bv_circuit_connect(c, bv_wire(row, BV_POSEIDON_WIRE_SWAP), bv_circuit_zero(c));
}

static inline uint64_t tu_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static inline gl_t tu_rand_gl(uint64_t *s)
{
    return gl_from_u64(tu_rand(s));
}

#endif
