/* bench_mem.h - peak resident memory (RSS) of one stretch of a bench run.
 *
 * On Linux, writing "5" to /proc/self/clear_refs resets the process's peak
 * RSS (VmHWM in /proc/self/status) to its current RSS, so VmHWM read after
 * a proof is the peak during that proof (including what the process already
 * held: circuit data, earlier proofs). Where that is not available the
 * figure is getrusage's ru_maxrss, the peak since the process started, and
 * bench_peak_is_per_call() says 0. Also the median of a run's timings. */
#ifndef BALVERIFY_BENCH_MEM_H
#define BALVERIFY_BENCH_MEM_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static int bench_peak_reset_ok = 0;

/* kB value of "Key:" in /proc/self/status, or -1 */
static inline long bench_status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long v = -1;
    size_t kl = strlen(key);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
            if (sscanf(line + kl + 1, "%ld", &v) != 1)
                v = -1;
            break;
        }
    fclose(f);
    return v;
}

/* Start a stretch: reset the peak where the kernel allows it. */
static inline void bench_peak_reset(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    bench_peak_reset_ok = 0;
    if (f) {
        bench_peak_reset_ok = fputs("5", f) >= 0;
        if (fclose(f) != 0)
            bench_peak_reset_ok = 0;
    }
}

static inline int bench_peak_is_per_call(void)
{
    return bench_peak_reset_ok && bench_status_kb("VmHWM") >= 0;
}

/* Peak RSS in MiB since the last bench_peak_reset() (see above). */
static inline double bench_peak_mib(void)
{
    long kb = bench_peak_reset_ok ? bench_status_kb("VmHWM") : -1;
    if (kb < 0) {
        struct rusage ru;
        kb = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
    }
    return kb / 1024.0;
}

/* Median of v[0..n) (sorts v). */
static inline int bench_cmp_double_(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
static inline double bench_median(double *v, int n)
{
    if (n <= 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double_);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Current RSS in MiB (0 where unknown). */
static inline double bench_rss_mib(void)
{
    long kb = bench_status_kb("VmRSS");
    return kb < 0 ? 0 : kb / 1024.0;
}

#endif
