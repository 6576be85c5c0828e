/* bench_merkle.c - Merkle tree (cap height 4) over 2^k leaves of L elements,
 * threads from OMP_NUM_THREADS. Usage: bench_merkle [log_leaves (16)] [leaf_len (135)] [reps (3)]
 * Prints wall time (best of reps) and process CPU time per build. */
#include "balverify/merkle.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "balverify/util_clock.h"

int main(int argc, char **argv)
{
    unsigned log_n = argc > 1 ? (unsigned)atoi(argv[1]) : 16;
    size_t len = argc > 2 ? (size_t)atol(argv[2]) : 135;
    int reps = argc > 3 ? atoi(argv[3]) : 3;
    if (log_n < 4 || log_n > 24 || len < 1 || len > 4096 || reps < 1) {
        fprintf(stderr, "bench_merkle: error: bad arguments\n");
        return 2;
    }
    size_t n = (size_t)1 << log_n;
    gl_t *leaves = malloc(n * len * sizeof *leaves);
    if (!leaves) {
        fprintf(stderr, "bench_merkle: error: out of memory\n");
        return 1;
    }
    uint64_t x = 7;
    for (size_t i = 0; i < n * len; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        leaves[i] = gl_from_u64(x);
    }
    double best = 1e9, cpu = 0;
    bv_hash root = {{0}};
    for (int r = 0; r < reps; r++) {
        bv_merkle_tree t;
        bv_status st;
        double w0 = bv_clock_s(CLOCK_MONOTONIC), c0 = bv_clock_s(CLOCK_PROCESS_CPUTIME_ID);
        if (bv_merkle_build(&t, leaves, log_n, len, 4, &st)) {
            fprintf(stderr, "bench_merkle: error: %s\n", st.msg);
            return 1;
        }
        double w1 = bv_clock_s(CLOCK_MONOTONIC), c1 = bv_clock_s(CLOCK_PROCESS_CPUTIME_ID);
        if (w1 - w0 < best)
            best = w1 - w0;
        cpu += c1 - c0;
        root = bv_merkle_cap(&t)[0];
        bv_merkle_free(&t);
    }
    size_t perms = n * ((len + 7) / 8) + n; /* leaf sponges + inner nodes */
    printf("threads %d\n", omp_get_max_threads());
    printf("merkle 2^%u leaves x %zu elements, cap 4: %.3f s wall (best of %d), %.3f s CPU per "
           "build, %.2f M permutations/s wall\n",
           log_n, len, best, reps, cpu / reps, perms / best / 1e6);
    printf("cap[0] %016llx\n", (unsigned long long)root.e[0]);
    free(leaves);
    return 0;
}
