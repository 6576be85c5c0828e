/*
 * witness.h - partition witness and witness generation (PROOF_SYSTEM.md 7).
 *
 * A bv_witness belongs to one built circuit. It holds one optional value per
 * copy-constraint class; bv_witness_set() (gate.h) on any member of a class
 * sets the class, and setting a known class to a different value is an error
 * ("witness conflict"). The caller sets the free inputs, then
 * bv_witness_generate() runs every generator (gate ops, constants, copies,
 * randoms, non-deterministic hints) as soon as its dependencies are known.
 *
 * Invariants:
 *  - A generator runs at most once; it runs only when all of its declared
 *    dependencies are known.
 *  - bv_witness_generate() fails with "N generators weren't run" when some
 *    generator never became runnable (a missing input), naming the first one.
 *  - The full trace (bv_witness_trace) reads every cell's class value; cells
 *    that were never set are 0.
 */
#ifndef BALVERIFY_WITNESS_H
#define BALVERIFY_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/circuit.h"
#include "balverify/gate.h"
#include "balverify/status.h"

/* A fresh partial witness for circuit d (nothing known). NULL when out of memory. */
bv_witness *bv_witness_new(const bv_circuit_data *d);
void bv_witness_free(bv_witness *w);

/* Set several targets. */
bv_err bv_witness_set_many(bv_witness *w, const bv_target *t, const gl_t *v, size_t n,
                           bv_status *st);

/* Run all generators (the RandomValue ones draw from a deterministic stream
 * seeded by seed, so proofs are reproducible). */
bv_err bv_witness_generate(bv_witness *w, uint64_t seed, bv_status *st);

/* Trace column-major: cols[c][r] for c < num_wires, r < 2^degree_bits.
 * cols must point at num_wires arrays of 2^degree_bits elements. */
void bv_witness_trace(const bv_witness *w, gl_t *const *cols);

/* Public-input values in registration order (n = num_public_inputs). All
 * must be known. */
bv_err bv_witness_public_inputs(const bv_witness *w, gl_t *out, bv_status *st);

/* TEST-ONLY hook: after generation, force trace cell (row, col) to value in
 * the extracted trace, bypassing generators and copy constraints (used to
 * check that an unsatisfying witness cannot yield an accepted proof). */
bv_err bv_witness_force_cell(bv_witness *w, uint32_t row, uint32_t col, gl_t value, bv_status *st);

/* Check every row's gate constraints on the generated trace (debugging aid
 * for circuit authors; the prover does not need it). Names the first failing
 * row/gate/constraint. */
bv_err bv_witness_check_constraints(const bv_witness *w, bv_status *st);

#endif
