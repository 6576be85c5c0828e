/*
 * bench_gates.c - cost of evaluating each standard gate's constraints: the
 * prover calls eval_base once per gate type at every point of the quotient
 * coset (8n points for n rows), the verifier eval_ext once per gate type.
 *
 * Times are thread CPU time.
 *
 * Usage: bench_gates [iterations]   (default 20000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "balverify/gates.h"
#include "balverify/util_clock.h"

static double now(void)
{
    return bv_clock_s(CLOCK_THREAD_CPUTIME_ID);
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 20000;
    if (iters <= 0) {
        fprintf(stderr, "bench_gates: error: iterations must be positive\n");
        return 1;
    }
    bv_gate gates[] = {
        bv_gate_constant(2),
        bv_gate_poseidon_mds(),
        bv_gate_public_input(),
        bv_gate_base_sum(63, 2),
        bv_gate_reducing(43),
        bv_gate_reducing_ext(32),
        bv_gate_arithmetic(20),
        bv_gate_arithmetic_ext(10),
        bv_gate_mul_ext(13),
        bv_gate_exponentiation(66),
        bv_gate_random_access(4, 4, 2),
        bv_gate_coset_interpolation(4, 6),
        bv_gate_poseidon(),
    };
    size_t ng = sizeof gates / sizeof gates[0];
    static gl_t wires[BV_STD_NUM_WIRES], out[256];
    static gl_ext wk[BV_STD_NUM_WIRES], outk[256];
    gl_t consts[2] = {12345, 67890};
    gl_ext ck[2] = {{12345, 1}, {67890, 2}};
    uint64_t s = 88172645463325252ULL;
    for (int i = 0; i < BV_STD_NUM_WIRES; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        wires[i] = gl_from_u64(s);
        wk[i] = gl_ext_make(wires[i], gl_from_u64(s * 3));
    }
    bv_hash pi = {{1, 2, 3, 4}};
    bv_eval_vars_base vb = {wires, consts, pi};
    bv_eval_vars_ext ve = {wk, ck, pi};
    printf("%-26s %14s %14s\n", "gate", "eval_base ns", "eval_ext ns");
    gl_t sink = 0;
    for (size_t k = 0; k < ng; k++) {
        const bv_gate *g = &gates[k];
        char id[64];
        g->ops->id(g, id, sizeof id);
        double t0 = now();
        for (long i = 0; i < iters; i++) {
            wires[0] += (gl_t)(i & 1); /* defeat hoisting */
            g->ops->eval_base(g, &vb, out);
            sink ^= out[0];
        }
        double t1 = now();
        for (long i = 0; i < iters / 4 + 1; i++) {
            g->ops->eval_ext(g, &ve, outk);
            sink ^= outk[0].c0;
        }
        double t2 = now();
        printf("%-26s %14.1f %14.1f\n", id, (t1 - t0) / iters * 1e9,
               (t2 - t1) / (iters / 4 + 1) * 1e9);
        bv_gate_free(&gates[k]);
    }
    printf("(checksum %llu)\n", (unsigned long long)sink);
    return 0;
}
