/* bench_poseidon.c - Poseidon permutations per second: scalar (one state at
 * a time) and batched (bv_poseidon_permute_many, SIMD when available), on
 * the calling thread only. Usage: bench_poseidon [millions of perms (default 1)] */
#include "balverify/poseidon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "balverify/util_clock.h"

/* CPU time of this thread: on a shared, busy machine wall time mostly
 * measures the neighbours. */
static double now(void)
{
    return bv_clock_s(CLOCK_THREAD_CPUTIME_ID);
}

int main(int argc, char **argv)
{
    double millions = argc > 1 ? atof(argv[1]) : 1.0;
    if (!(millions > 0 && millions < 1000)) {
        fprintf(stderr, "bench_poseidon: error: bad count\n");
        return 2;
    }
    size_t total = (size_t)(millions * 1e6);
    gl_t s[12];
    for (int i = 0; i < 12; i++)
        s[i] = (gl_t)i;
    /* scalar: a dependent chain, like a sponge */
    double best = 1e9;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        for (size_t i = 0; i < total / 3; i++)
            bv_poseidon_permute(s);
        double dt = now() - t0;
        if (dt < best)
            best = dt;
    }
    double scalar = (double)(total / 3) / best;
    /* batched: independent states, as when hashing Merkle leaves */
    enum { BATCH = 64 };
    gl_t *st = malloc(BATCH * 12 * sizeof *st);
    for (int i = 0; i < BATCH * 12; i++)
        st[i] = (gl_t)i * 0x9e3779b97f4a7c15ULL % GL_P;
    best = 1e9;
    size_t rounds = total / 3 / BATCH;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        for (size_t r = 0; r < rounds; r++)
            bv_poseidon_permute_many(st, BATCH);
        double dt = now() - t0;
        if (dt < best)
            best = dt;
    }
    double batched = (double)(rounds * BATCH) / best;
    printf("poseidon scalar : %.3f M permutations/s (one core, thread CPU time)\n", scalar / 1e6);
    printf("poseidon batched: %.3f M permutations/s (one core, batches of %d, thread CPU time)\n",
           batched / 1e6, BATCH);
    printf("check %016llx %016llx\n", (unsigned long long)s[0], (unsigned long long)st[0]);
    free(st);
    return 0;
}
