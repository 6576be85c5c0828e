/* bench_prove - prove and verify the demonstration circuit (standard config)
 * at 2^12, 2^14 and 2^16 rows on 1 and 2 threads; prints times, the phase
 * split, proof size and the peak resident memory during a proof (the process's
 * peak RSS, circuit data and witness included; bench_mem.h). Ratios to
 * plonky2 come from bench/side_by_side.sh, which runs both on one machine.
 *
 *   bench_prove [--log-rows K[,K...]] [--threads T[,T...]] [--config NAME] [--reps R]
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_mem.h"

#include "balverify/demo_circuit.h"
#include "balverify/prover.h"
#include "balverify/serialize.h"
#include "balverify/verifier.h"

static int parse_list(const char *s, int *out, int max)
{
    int n = 0;
    while (*s && n < max) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s)
            return -1;
        out[n++] = (int)v;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

int main(int argc, char **argv)
{
    int ks[8] = {12, 14, 16}, nk = 3, ts[8] = {1, 2}, nt = 2, reps = 1;
    const char *cfg_name = "standard";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--log-rows") == 0)
            nk = parse_list(argv[i + 1], ks, 8);
        else if (strcmp(argv[i], "--threads") == 0)
            nt = parse_list(argv[i + 1], ts, 8);
        else if (strcmp(argv[i], "--config") == 0)
            cfg_name = argv[i + 1];
        else if (strcmp(argv[i], "--reps") == 0)
            reps = atoi(argv[i + 1]);
    }
    if (nk <= 0 || nt <= 0 || reps <= 0) {
        fprintf(stderr, "bench_prove: error: bad arguments\n");
        return 1;
    }
    bv_status st;
    bv_plonk_config cfg;
    if (bv_plonk_config_by_name(cfg_name, &cfg, &st) != BV_OK) {
        fprintf(stderr, "bench_prove: error: %s\n", st.msg);
        return 1;
    }
    printf("config %s (%u conjectured bits)\n", cfg.name, bv_plonk_conjectured_security_bits(&cfg));
    printf("%-6s %-7s %9s %9s %9s %9s %9s %9s %9s %10s %11s %9s\n", "rows", "threads", "prove_s",
           "wires", "Z", "quot", "q_commit", "fri", "verify_ms", "proof_B", "peak_MiB", "med_s");
    for (int a = 0; a < nk; a++) {
        bv_demo demo;
        if (bv_demo_build(&cfg, (uint32_t)ks[a], &demo, &st) != BV_OK) {
            fprintf(stderr, "bench_prove: error: %s\n", st.msg);
            return 1;
        }
        bv_witness *w;
        if (bv_demo_witness(&demo, 12345, 1, &w, &st) != BV_OK) {
            fprintf(stderr, "bench_prove: error: %s\n", st.msg);
            return 1;
        }
        for (int b = 0; b < nt; b++) {
            omp_set_num_threads(ts[b]);
            double best = 1e30, vbest = 1e30;
            bv_prove_timings tb = {0};
            size_t plen = 0;
            double peak = 0;
            double *times = calloc((size_t)reps, sizeof *times);
            if (!times) {
                fprintf(stderr, "bench_prove: error: out of memory\n");
                return 1;
            }
            for (int r = 0; r < reps; r++) {
                bv_proof p;
                bv_prove_timings tm;
                bench_peak_reset();
                double t0 = omp_get_wtime();
                if (bv_prove(demo.data, w, &p, &tm, &st) != BV_OK) {
                    fprintf(stderr, "bench_prove: error: %s\n", st.msg);
                    return 1;
                }
                double t1 = omp_get_wtime();
                times[r] = t1 - t0;
                if (bench_peak_mib() > peak)
                    peak = bench_peak_mib();
                if (bv_verify(bv_circuit_data_verifier(demo.data),
                              bv_circuit_data_common(demo.data), &p, &st) != BV_OK) {
                    fprintf(stderr, "bench_prove: error: %s\n", st.msg);
                    return 1;
                }
                double t2 = omp_get_wtime();
                uint8_t *buf;
                if (bv_proof_serialize(&p, &bv_circuit_data_verifier(demo.data)->circuit_digest,
                                       &buf, &plen, &st) == BV_OK)
                    free(buf);
                bv_proof_free(&p);
                if (t1 - t0 < best) {
                    best = t1 - t0;
                    tb = tm;
                }
                if (t2 - t1 < vbest)
                    vbest = t2 - t1;
            }
            printf("2^%-4d %-7d %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %9.2f %10zu %11.0f %9.3f\n",
                   ks[a], ts[b], best, tb.wires_commit, tb.zs_commit, tb.quotient,
                   tb.quotient_commit, tb.fri, vbest * 1e3, plen, peak, bench_median(times, reps));
            free(times);
            fflush(stdout);
        }
        bv_witness_free(w);
        bv_demo_free(&demo);
    }
    printf("prove_s and the phases: the fastest of the runs; med_s: median prove time; "
           "peak_MiB: peak RSS of the process during a proof (%s); ratios to plonky2: "
           "bench/side_by_side.sh\n",
           bench_peak_is_per_call() ? "reset before each proof" : "since start: ru_maxrss");
    return 0;
}
