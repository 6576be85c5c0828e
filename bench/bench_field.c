/* bench_field.c - Goldilocks and extension-field operation throughput on one
 * core (thread CPU time), plus batch inversion. Usage: bench_field [millions (default 20)] */
#include "balverify/gl_ext.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "balverify/util_clock.h"

static double now(void)
{
    return bv_clock_s(CLOCK_THREAD_CPUTIME_ID);
}

int main(int argc, char **argv)
{
    double m = argc > 1 ? atof(argv[1]) : 20;
    if (!(m > 0 && m < 10000)) {
        fprintf(stderr, "bench_field: error: bad count\n");
        return 2;
    }
    size_t n = (size_t)(m * 1e6);
    /* four independent chains so the figure is throughput, not latency */
    gl_t a[4] = {3, 5, 7, 11}, b = 0x123456789abcdefULL;
    double t0 = now();
    for (size_t i = 0; i < n; i += 4)
        for (int k = 0; k < 4; k++)
            a[k] = gl_mul(a[k], b);
    double t1 = now();
    for (size_t i = 0; i < n; i += 4)
        for (int k = 0; k < 4; k++)
            a[k] = gl_add(a[k], b);
    double t2 = now();
    gl_ext e[4] = {{1, 2}, {3, 4}, {5, 6}, {7, 8}}, f = {0x1234567, 0x89abcdef};
    for (size_t i = 0; i < n / 4; i += 4)
        for (int k = 0; k < 4; k++)
            e[k] = gl_ext_mul(e[k], f);
    double t3 = now();
    size_t nb = 1 << 20;
    gl_t *v = malloc(nb * sizeof *v);
    for (size_t i = 0; i < nb; i++)
        v[i] = i + 1;
    double t4 = now();
    gl_batch_inv(v, v, nb);
    double t5 = now();
    printf("gl_mul: %.1f M/s\n", n / (t1 - t0) / 1e6);
    printf("gl_add: %.1f M/s\n", n / (t2 - t1) / 1e6);
    printf("gl_ext_mul: %.1f M/s\n", (n / 4) / (t3 - t2) / 1e6);
    printf("gl_batch_inv 2^20: %.2f ms\n", (t5 - t4) * 1e3);
    printf("check %llx %llx %llx\n", (unsigned long long)(a[0] ^ a[3]),
           (unsigned long long)(e[0].c0 ^ e[3].c1), (unsigned long long)v[7]);
    free(v);
    return 0;
}
