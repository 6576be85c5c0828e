/* bench_recursion.c - rows, prove time and proof size of one recursion step
 * and of one 2-to-1 aggregation step (standard config unless --config test),
 * on 1 and 2 threads.
 *
 *   bench_recursion [--config standard|test] [--inner-log-rows K] [--reps R]
 *
 * Chain measured: a demo circuit of 2^K rows -> wrapper (one recursion step)
 * -> wrapper of the wrapper (the fixed point) -> 2-to-1 node over two
 * fixed-point proofs. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_mem.h"

#include "balverify/demo_circuit.h"
#include "balverify/prover.h"
#include "balverify/recursion.h"
#include "balverify/serialize.h"
#include "balverify/verifier.h"

static void die(const char *what, const bv_status *st)
{
    fprintf(stderr, "bench_recursion: error: %s: %s\n", what, st->msg);
    exit(1);
}

static size_t proof_bytes(const bv_circuit_data *d, const bv_proof *p)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    bv_status st;
    if (bv_proof_serialize(p, &bv_circuit_data_verifier(d)->circuit_digest, &buf, &len, &st))
        die("serialize", &st);
    free(buf);
    return len;
}

/* Fastest single verification over at least 0.2 s of repeats (the same
 * statistic as plonky2_bench's min); *mean_ms receives the mean. */
static double verify_ms(const bv_circuit_data *d, const bv_proof *p, double *mean_ms, int *runs)
{
    bv_status st;
    double t0 = omp_get_wtime(), best = 1e30;
    int n = 0;
    do {
        double a = omp_get_wtime();
        if (bv_verify(bv_circuit_data_verifier(d), bv_circuit_data_common(d), p, &st))
            die("verify", &st);
        double b = omp_get_wtime();
        if (b - a < best)
            best = b - a;
        n++;
    } while (omp_get_wtime() - t0 < 0.2);
    *mean_ms = (omp_get_wtime() - t0) * 1e3 / n;
    *runs = n;
    return best * 1e3;
}

static void describe(const char *name, const bv_circuit_data *d, uint32_t rows)
{
    char rep[2048];
    bv_rec_row_report(d, rep, sizeof rep);
    printf("%s: 2^%u rows (%u gate rows before the build's PI/constant/padding rows), process "
           "RSS after its build %.0f MiB\n  per gate: %s\n",
           name, bv_circuit_data_common(d)->degree_bits, rows, bench_rss_mib(), rep);
}

/* Witness generation and proving timed separately, best of reps, on 1 and 2
 * threads, with the peak RSS during witness generation and proof (largest
 * over the reps; bench_mem.h); *keep receives the last proof. */
static void time_prove(const char *name, const bv_circuit_data *d,
                       const bv_proof_target *const *pts, const bv_proof *const *inner, size_t n,
                       int reps, bv_proof *keep)
{
    for (int th = 1; th <= 2; th++) {
        omp_set_num_threads(th);
        double bw = 1e30, bp = 1e30, peak = 0, before = 0;
        double *times = calloc((size_t)reps, sizeof *times);
        if (!times) {
            fprintf(stderr, "bench_recursion: error: out of memory\n");
            exit(1);
        }
        for (int r = 0; r < reps; r++) {
            bv_status st;
            bv_proof p;
            bench_peak_reset();
            double rss0 = bench_rss_mib();
            double t0 = omp_get_wtime();
            bv_witness *w = bv_witness_new(d);
            if (!w)
                die(name, &st);
            for (size_t i = 0; i < n; i++)
                if (bv_rec_set_proof_target(w, pts[i], inner[i], &st))
                    die(name, &st);
            if (bv_witness_generate(w, 1, &st))
                die(name, &st);
            double t1 = omp_get_wtime();
            bv_prove_timings tm;
            if (bv_prove(d, w, &p, &tm, &st))
                die(name, &st);
            if (r == reps - 1)
                printf("  %s, %d thread%s, prover phases: wires commit %.3f, Z commit %.3f, "
                       "quotient %.3f, quotient commit %.3f, openings %.3f, FRI %.3f s\n",
                       name, th, th > 1 ? "s" : "", tm.wires_commit, tm.zs_commit, tm.quotient,
                       tm.quotient_commit, tm.openings, tm.fri);
            double t2 = omp_get_wtime();
            times[r] = t2 - t0;
            if (bench_peak_mib() > peak) {
                peak = bench_peak_mib();
                before = rss0;
            }
            bv_witness_free(w);
            if (t1 - t0 < bw)
                bw = t1 - t0;
            if (t2 - t1 < bp)
                bp = t2 - t1;
            if (th == 2 && r == reps - 1)
                *keep = p;
            else
                bv_proof_free(&p);
        }
        printf("  %s, %d thread%s: witness %.3f s + prove %.3f s = %.3f s\n", name, th,
               th > 1 ? "s" : "", bw, bp, bw + bp);
        printf("  %s, %d thread%s: median %.3f s (witness + prove, %d runs); peak RSS %.0f MiB%s "
               "(%.0f MiB held before the witness)\n",
               name, th, th > 1 ? "s" : "", bench_median(times, reps), reps, peak,
               bench_peak_is_per_call() ? "" : " (process)", before);
        free(times);
    }
    double vmean;
    int vruns;
    double vmin = verify_ms(d, keep, &vmean, &vruns);
    printf("  %s proof: %zu bytes, verify %.2f ms\n", name, proof_bytes(d, keep), vmin);
    printf("  %s verify: fastest %.2f ms, mean %.2f ms over %d runs\n", name, vmin, vmean, vruns);
}

static void time_base(const bv_demo *demo, int reps)
{
    for (int th = 1; th <= 2; th++) {
        omp_set_num_threads(th);
        double best = 1e30, peak = 0;
        for (int r = 0; r < reps; r++) {
            bv_status st;
            bv_witness *w;
            bv_proof p;
            if (bv_demo_witness(demo, 12345, 1, &w, &st))
                die("demo witness", &st);
            bench_peak_reset();
            double t0 = omp_get_wtime();
            if (bv_prove(demo->data, w, &p, NULL, &st))
                die("demo prove", &st);
            double t = omp_get_wtime() - t0;
            if (bench_peak_mib() > peak)
                peak = bench_peak_mib();
            if (t < best)
                best = t;
            bv_proof_free(&p);
            bv_witness_free(w);
        }
        printf("  base demo proof (same conditions, for reference), %d thread%s: prove %.3f s, "
               "peak RSS %.0f MiB\n",
               th, th > 1 ? "s" : "", best, peak);
    }
}

/* Forwards the sum of the two proofs' public inputs, element-wise. */
static void bench_sum_combine(bv_circuit *c, const bv_target *l, const bv_target *r, uint32_t n,
                              void *ctx)
{
    (void)ctx;
    for (uint32_t i = 0; i < n; i++)
        bv_circuit_register_public_input(c, bv_gadget_add(c, l[i], r[i]));
}

int main(int argc, char **argv)
{
    const char *cname = "standard";
    uint32_t k = 12;
    int reps = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--config"))
            cname = argv[i + 1];
        else if (!strcmp(argv[i], "--inner-log-rows"))
            k = (uint32_t)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--reps"))
            reps = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "bench_recursion: error: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    bv_status st;
    bv_plonk_config cfg;
    if (bv_plonk_config_by_name(cname, &cfg, &st))
        die("config", &st);
    printf("config %s, inner demo circuit 2^%u rows\n", cfg.name, k);
    bv_demo demo;
    if (bv_demo_build(&cfg, k, &demo, &st))
        die("demo build", &st);
    bv_witness *w;
    if (bv_demo_witness(&demo, 12345, 1, &w, &st))
        die("demo witness", &st);
    bv_proof p0;
    if (bv_prove(demo.data, w, &p0, NULL, &st))
        die("demo prove", &st);
    bv_witness_free(w);

    double t0 = omp_get_wtime();
    bv_rec_wrapper w1;
    if (bv_rec_wrapper_build(&cfg, bv_circuit_data_verifier(demo.data),
                             bv_circuit_data_common(demo.data), &w1, &st))
        die("wrapper build", &st);
    printf("recursion circuit build: %.2f s\n", omp_get_wtime() - t0);
    describe("recursion step over the demo proof", w1.data, w1.rows_before_padding);
    time_base(&demo, reps);
    bv_proof p1;
    const bv_proof_target *t1[1] = {&w1.inner};
    const bv_proof *i1[1] = {&p0};
    time_prove("step 1", w1.data, t1, i1, 1, reps, &p1);

    bv_rec_wrapper w2;
    if (bv_rec_wrapper_build(&cfg, bv_circuit_data_verifier(w1.data),
                             bv_circuit_data_common(w1.data), &w2, &st))
        die("wrapper 2 build", &st);
    describe("recursion step over a recursive proof", w2.data, w2.rows_before_padding);
    bv_proof p2;
    const bv_proof_target *t2[1] = {&w2.inner};
    const bv_proof *i2[1] = {&p1};
    time_prove("step 2", w2.data, t2, i2, 1, reps, &p2);

    bv_rec_aggregator ag;
    if (bv_rec_aggregator_build(&cfg, bv_circuit_data_verifier(w2.data),
                                bv_circuit_data_common(w2.data), bench_sum_combine, NULL, &ag, &st))
        die("aggregator build", &st);
    describe("2-to-1 node over two recursive proofs", ag.data, ag.rows_before_padding);
    bv_proof p3;
    const bv_proof_target *t3[2] = {&ag.left, &ag.right};
    const bv_proof *i3[2] = {&p2, &p2};
    time_prove("2-to-1", ag.data, t3, i3, 2, reps, &p3);

    bv_rec_aggregator ag2;
    if (bv_rec_aggregator_build(&cfg, bv_circuit_data_verifier(ag.data),
                                bv_circuit_data_common(ag.data), bench_sum_combine, NULL, &ag2,
                                &st))
        die("aggregator 2 build", &st);
    describe("2-to-1 node over two 2-to-1 proofs (next tree level)", ag2.data,
             ag2.rows_before_padding);
    bv_proof p4;
    const bv_proof_target *t4[2] = {&ag2.left, &ag2.right};
    const bv_proof *i4[2] = {&p3, &p3};
    time_prove("2-to-1 level 2", ag2.data, t4, i4, 2, reps, &p4);
    bv_proof_free(&p4);
    bv_rec_aggregator_free(&ag2);
    printf("(timings on a shared machine; other work may have been running)\n");

    bv_proof_free(&p3);
    bv_rec_aggregator_free(&ag);
    bv_proof_free(&p2);
    bv_rec_wrapper_free(&w2);
    bv_proof_free(&p1);
    bv_rec_wrapper_free(&w1);
    bv_proof_free(&p0);
    bv_demo_free(&demo);
    return 0;
}
