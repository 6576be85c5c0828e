/*
 * demo_circuit.h - a demonstration circuit of about 2^K rows that uses every
 * gate type (Arithmetic, ArithmeticExtension, MulExtension, BaseSum,
 * Poseidon, PoseidonMds, RandomAccess, CosetInterpolation, Reducing,
 * ReducingExtension, Exponentiation, plus Constant/PublicInput/Noop added by
 * the build). Used by bv_demo_prove, the tests and the benchmarks.
 *
 * Invariants:
 *  - The only free input is x (must be < 2^63: it is split into bits).
 *  - Public inputs, in order: x, an arithmetic-chain accumulator, the first
 *    4 lanes of the final Poseidon state, and a value that mixes the outputs
 *    of every other gate (so none of them is dead code).
 *  - The circuit pads to exactly 2^log_rows rows for 6 <= log_rows <= 20.
 */
#ifndef BALVERIFY_DEMO_CIRCUIT_H
#define BALVERIFY_DEMO_CIRCUIT_H

#include "balverify/circuit.h"
#include "balverify/witness.h"

#define BV_DEMO_NUM_PUBLIC_INPUTS 7

typedef struct {
    bv_circuit_data *data;
    bv_target x;
} bv_demo;

bv_err bv_demo_build(const bv_plonk_config *cfg, uint32_t log_rows, bv_demo *out, bv_status *st);

/* Witness for input x, generated (random wires from seed). */
bv_err bv_demo_witness(const bv_demo *demo, gl_t x, uint64_t seed, bv_witness **out, bv_status *st);

void bv_demo_free(bv_demo *demo);

#endif
