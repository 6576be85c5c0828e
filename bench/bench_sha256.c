/*
 * bench_sha256 - SHA-256 pair-hash throughput of both back ends, and the
 * figure `openssl speed -evp sha256 -bytes 64` reports on this machine.
 *
 * usage: bench_sha256 [SECONDS_PER_MEASUREMENT]   (default 1)
 * Prints one line per measurement and, last, which back end is faster for
 * the batch pair hash (the SSZ hot path) -- the one bv_sha256_select("auto")
 * should pick.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "balverify/sha256.h"
#include "balverify/util_clock.h"

enum { BATCH = 4096 };

/* pair hashes per second with the batch form (in place, as tree levels are hashed) */
static double measure_batch(double secs)
{
    uint8_t *buf = malloc(64 * BATCH);
    for (size_t i = 0; i < 64 * BATCH; i++)
        buf[i] = (uint8_t)(i * 131 + 7);
    double t0 = bv_now_s(), t;
    size_t n = 0;
    do {
        for (int r = 0; r < 16; r++) {
            bv_sha256_pairs(buf, buf, BATCH);
            n += BATCH;
        }
        t = bv_now_s();
    } while (t - t0 < secs);
    volatile uint8_t sink = buf[0];
    (void)sink;
    free(buf);
    return (double)n / (t - t0);
}

/* pair hashes per second, one call per pair (bv_sha256_pair) */
static double measure_single(double secs)
{
    uint8_t a[32], b[32];
    memset(a, 1, 32);
    memset(b, 2, 32);
    double t0 = bv_now_s(), t;
    size_t n = 0;
    do {
        for (int r = 0; r < 65536; r++)
            bv_sha256_pair(a, a, b);
        n += 65536;
        t = bv_now_s();
    } while (t - t0 < secs);
    volatile uint8_t sink = a[0];
    (void)sink;
    return (double)n / (t - t0);
}

/* `openssl speed -evp sha256 -bytes 64 -seconds S`: 64-byte hashes per second
 * (its table gives kB/s, 1000 bytes per kB). Returns 0 when unavailable. */
static double openssl_speed(int secs)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "openssl speed -evp sha256 -bytes 64 -seconds %d 2>/dev/null", secs);
    FILE *p = popen(cmd, "r");
    if (!p)
        return 0;
    char line[512];
    double kbs = 0;
    while (fgets(line, sizeof line, p)) {
        /* "sha256    12345.67k" (data row of the results table) */
        char name[64], val[64];
        if (sscanf(line, "%63s %63s", name, val) == 2 && strcmp(name, "sha256") == 0 &&
            val[strlen(val) - 1] == 'k')
            kbs = atof(val);
    }
    pclose(p);
    return kbs * 1000.0 / 64.0;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 1.0;
    if (secs <= 0)
        secs = 1.0;
    const char *impls[] = {"openssl", "sha-ni"};
    double batch[2] = {0, 0};
    printf("bench_sha256: %.1f s per measurement, one thread\n", secs);
    for (int k = 0; k < 2; k++) {
        if (bv_sha256_select(impls[k]) != 0) {
            printf("%-8s  not available on this CPU\n", impls[k]);
            continue;
        }
        double s = measure_single(secs);
        batch[k] = measure_batch(secs);
        printf("%-8s  pair (1 call/pair): %7.2f M/s   batch pairs: %7.2f M/s   (%.1f ns/pair)\n",
               impls[k], s / 1e6, batch[k] / 1e6, 1e9 / batch[k]);
    }
    bv_sha256_select("auto");
    int isecs = secs < 1 ? 1 : (int)(secs + 0.5);
    double os = openssl_speed(isecs);
    if (os > 0)
        printf("openssl speed -evp sha256 -bytes 64: %7.2f M hashes/s of 64 bytes\n", os / 1e6);
    else
        printf("openssl speed: not available\n");
    int fast = batch[1] > batch[0] ? 1 : 0;
    printf("faster batch pair hash: %s (%.2fx the other); auto selects: %s\n", impls[fast],
           batch[fast] / (batch[!fast] > 0 ? batch[!fast] : 1), bv_sha256_impl());
    if (os > 0)
        printf("sha-ni batch / openssl speed: %.2f\n", batch[1] / os);
    return 0;
}
