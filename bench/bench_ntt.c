/* bench_ntt.c - NTT and LDE timings (threads from OMP_NUM_THREADS).
 * Usage: bench_ntt [log_n (default 20)] [rate_bits (default 3)] [reps (default 5)] */
#include "balverify/ntt.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "balverify/util_clock.h"

/* Process CPU time by default: on a shared, busy machine wall time mostly
 * measures the neighbours. BV_BENCH_WALL=1 switches to wall-clock time
 * (what matters on a dedicated node, and the only way to see thread scaling). */
static double now(void)
{
    static int wall = -1;
    if (wall < 0) {
        const char *w = getenv("BV_BENCH_WALL");
        wall = w && w[0] == '1';
    }
    return bv_clock_s(wall ? CLOCK_MONOTONIC : CLOCK_PROCESS_CPUTIME_ID);
}

int main(int argc, char **argv)
{
    unsigned log_n = argc > 1 ? (unsigned)atoi(argv[1]) : 20;
    unsigned rate = argc > 2 ? (unsigned)atoi(argv[2]) : 3;
    int reps = argc > 3 ? atoi(argv[3]) : 5;
    if (log_n < 1 || log_n + rate > 28 || reps < 1) {
        fprintf(stderr, "bench_ntt: error: bad arguments\n");
        return 2;
    }
    size_t n = (size_t)1 << log_n;
    gl_t *a = malloc(n * sizeof *a), *c = malloc(n * sizeof *c);
    gl_t *out = malloc((n << rate) * sizeof *out);
    if (!a || !c || !out) {
        fprintf(stderr, "bench_ntt: error: out of memory\n");
        return 1;
    }
    uint64_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        c[i] = gl_from_u64(x);
    }
    bv_status st;
    /* warm-up builds the twiddle tables */
    if (bv_lde_rev(out, c, log_n, rate, &st) || bv_fft(a, log_n, &st)) {
        fprintf(stderr, "bench_ntt: error: %s\n", st.msg);
        return 1;
    }
    double best_fft = 1e9, best_lde = 1e9, best_lde_rev = 1e9;
    for (int r = 0; r < reps; r++) {
        for (size_t i = 0; i < n; i++)
            a[i] = c[i];
        double t0 = now();
        bv_fft(a, log_n, NULL);
        double t1 = now();
        bv_lde(out, c, log_n, rate, NULL);
        double t2 = now();
        bv_lde_rev(out, c, log_n, rate, NULL);
        double t3 = now();
        if (t1 - t0 < best_fft)
            best_fft = t1 - t0;
        if (t2 - t1 < best_lde)
            best_lde = t2 - t1;
        if (t3 - t2 < best_lde_rev)
            best_lde_rev = t3 - t2;
    }
    printf("threads %d, %s time\n", omp_get_max_threads(),
           getenv("BV_BENCH_WALL") && getenv("BV_BENCH_WALL")[0] == '1' ? "wall" : "process CPU");
    printf("fft 2^%u (natural order): %.2f ms (best of %d)\n", log_n, best_fft * 1e3, reps);
    printf("lde 2^%u -> 2^%u natural order: %.2f ms\n", log_n, log_n + rate, best_lde * 1e3);
    printf("lde 2^%u -> 2^%u bit-reversed (commitment order): %.2f ms\n", log_n, log_n + rate,
           best_lde_rev * 1e3);
    free(a);
    free(c);
    free(out);
    return 0;
}
