/*
 * prover.h - PLONK+FRI proving (PROOF_SYSTEM.md 6.6-6.10).
 *
 * Invariants:
 *  - The witness must belong to the same circuit data and have been through
 *    bv_witness_generate(); every trace cell it does not know is 0.
 *  - The transcript follows 6.10 exactly: FRI parameters, circuit digest,
 *    public-input hash, wires cap -> beta, gamma; Z/partial-products cap ->
 *    alpha; quotient cap -> zeta; openings -> FRI.
 *  - A witness that does not satisfy the circuit makes proving fail (the
 *    quotient is not a polynomial of the expected degree, or a copy
 *    constraint breaks the permutation product) or, if the prover is forced
 *    past that, yields a proof the verifier rejects.
 *  - Quotient evaluation is OpenMP-parallel; the thread count follows
 *    OMP_NUM_THREADS (or omp_set_num_threads() by the caller).
 */
#ifndef BALVERIFY_PROVER_H
#define BALVERIFY_PROVER_H

#include "balverify/circuit.h"
#include "balverify/proof.h"
#include "balverify/witness.h"

/* Wall-clock seconds spent in the main phases of the last bv_prove() call
 * of this thread (for benchmarks). */
typedef struct {
    double wires_commit, zs_commit, quotient, quotient_commit, openings, fri, total;
} bv_prove_timings;

/* Prove. *out is allocated by the call (bv_proof_free() it). */
bv_err bv_prove(const bv_circuit_data *d, const bv_witness *w, bv_proof *out,
                bv_prove_timings *timings, bv_status *st);

#endif
