/*
 * bench_ssz - native hash_tree_root of the validators list: validators/s on
 * one core (and on all threads), compared with this machine's SHA-256 limit.
 *
 * usage: bench_ssz [VALIDATORS] [OPENSSL_SECONDS]   (defaults 1048576 and 3)
 *
 * The limit: `openssl speed -evp sha256 -bytes 64 -seconds S` gives X hashes
 * of 64-byte messages per second, i.e. 2X compression blocks per second (the
 * message block plus the padding block). One validator costs
 *   8 pair hashes for its own root (1 pubkey + 7 inner nodes)  = 16 blocks
 *   ~1 pair hash in the list tree (n - 1 inner nodes for n leaves) = 2 blocks
 * so 18 blocks, and the limit is 2X / 18 = X / 9 validators per second.
 * `openssl speed` measures the EVP one-shot path, which pays a per-call
 * overhead, so the bench also reports the tighter limit given by this
 * library's own batch pair-hash rate (pairs/s / 9).
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "balverify/sha256.h"
#include "balverify/ssz.h"
#include "balverify/synth.h"
#include "balverify/util_clock.h"

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
        char name[64], val[64];
        if (sscanf(line, "%63s %63s", name, val) == 2 && strcmp(name, "sha256") == 0 &&
            val[strlen(val) - 1] == 'k')
            kbs = atof(val);
    }
    pclose(p);
    return kbs * 1000.0 / 64.0;
}

/* This process's own batch pair-hash rate (pairs/s): the tighter limit. */
static double pair_rate(void)
{
    enum { B = 4096 };
    uint8_t *buf = malloc(64 * B);
    for (size_t i = 0; i < 64 * B; i++)
        buf[i] = (uint8_t)(i * 29 + 1);
    double best = 0;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = bv_now_s();
        for (int r = 0; r < 32; r++)
            bv_sha256_pairs(buf, buf, B);
        double rate = 32.0 * B / (bv_now_s() - t0);
        if (rate > best)
            best = rate;
    }
    free(buf);
    return best;
}

static double time_root(const uint8_t *recs, uint64_t n, int reps, uint8_t root[32])
{
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = bv_now_s();
        if (bv_ssz_validators_root(root, recs, n, NULL) != BV_OK) {
            fprintf(stderr, "bench_ssz: error: hashing failed\n");
            exit(1);
        }
        double t = bv_now_s() - t0;
        if (t < best)
            best = t;
    }
    return best;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : (1u << 20);
    int osecs = argc > 2 ? atoi(argv[2]) : 3;
    if (n == 0)
        n = 1;
    /* realistic records from the synthetic generator's validator mix */
    bv_synth_params p;
    bv_synth_defaults(&p);
    p.preset = BV_PRESET_MINIMAL; /* small fixed part; only the registry matters */
    p.validators = n;
    uint8_t *state;
    size_t size;
    bv_status st;
    if (bv_synth_state(&p, &state, &size, &st) != BV_OK) {
        fprintf(stderr, "bench_ssz: error: %s\n", st.msg);
        return bv_exit_code(st.code);
    }
    /* validators payload: find it through the parser-independent offset */
    uint32_t voff = (uint32_t)state[4360] | (uint32_t)state[4361] << 8 |
                    (uint32_t)state[4362] << 16 | (uint32_t)state[4363] << 24;
    const uint8_t *recs = state + voff;

    int threads = omp_get_max_threads();
    uint8_t r1[32], rn[32];
    printf("bench_ssz: validators list hash_tree_root, %llu validators, sha256=%s\n",
           (unsigned long long)n, bv_sha256_impl());
    omp_set_num_threads(1);
    double t1 = time_root(recs, n, 3, r1);
    printf("1 thread : %.3f s  %10.0f validators/s\n", t1, (double)n / t1);
    double tn = t1;
    if (threads > 1) {
        omp_set_num_threads(threads);
        tn = time_root(recs, n, 3, rn);
        printf("%d threads: %.3f s  %10.0f validators/s  (same root: %s)\n", threads, tn,
               (double)n / tn, memcmp(r1, rn, 32) ? "NO" : "yes");
    }
    double os = openssl_speed(osecs);
    if (os > 0) {
        double limit = os / 9.0;
        printf("openssl speed -evp sha256 -bytes 64: %.2f M hashes/s -> %.2f M blocks/s\n",
               os / 1e6, 2 * os / 1e6);
        printf("limit at 18 blocks per validator: %10.0f validators/s (one core)\n", limit);
        printf("achieved / limit (one core): %.1f %%\n", 100.0 * ((double)n / t1) / limit);
    } else {
        printf("openssl speed: not available, no limit computed\n");
    }
    double pr = pair_rate();
    printf("own batch pair hash: %.2f M/s -> limit %10.0f validators/s at 9 pair hashes each\n",
           pr / 1e6, pr / 9.0);
    printf("achieved / own-hash limit (one core): %.1f %%\n",
           100.0 * ((double)n / t1) / (pr / 9.0));
    free(state);
    return 0;
}
