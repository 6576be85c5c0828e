/* bench_sha256_circuit.c - the cost of SHA-256 in a circuit: rows and trace
 * cells per compression, per SSZ pair hash and per branch level; proving
 * throughput of a 2^16-row circuit made of chained compressions on 1 and 2
 * threads; and the rows of a 2-to-1 recursion node over proofs of a
 * SHA-heavy circuit whose combine step is one SSZ pair hash (the shape of a
 * commitment-mapper node). Ratios to the anchors of docs/PERFORMANCE.md.
 *
 *   bench_sha256_circuit [--config standard|test] [--reps R] [--skip-node]
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "balverify/gadgets.h"
#include "balverify/gadgets_sha256.h"
#include "balverify/prover.h"
#include "balverify/recursion.h"
#include "balverify/verifier.h"
#include "balverify/witness.h"

static void die(const char *what, const bv_status *st)
{
    fprintf(stderr, "bench_sha256_circuit: error: %s: %s\n", what, st->msg);
    exit(1);
}

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint32_t rnd32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

/* Gate rows (before the build's public-input, constant and padding rows) of
 * a circuit with n chained compressions of variable blocks (kind 0), n pair
 * hashes (kind 1) or n constant-block compressions (kind 2). */
static uint32_t rows_of(const bv_plonk_config *cfg, int kind, int n, bv_circuit **keep,
                        bv_target **inputs, size_t *ninputs)
{
    bv_circuit *c = bv_circuit_new(cfg);
    bv_target st[8], *in = malloc(sizeof(bv_target) * (16 * (size_t)n + 8));
    size_t nin = 0;
    bv_gadget_sha256_iv(c, st);
    for (int k = 0; k < n; k++) {
        if (kind == 2) {
            uint32_t blk[16];
            for (int i = 0; i < 16; i++)
                blk[i] = (uint32_t)(k * 16 + i);
            bv_gadget_sha256_compress_const(c, st, blk, st);
            continue;
        }
        bv_target blk[16];
        for (int i = 0; i < 16; i++)
            blk[i] = in[nin++] = bv_circuit_add_virtual(c);
        if (kind == 0)
            bv_gadget_sha256_compress(c, st, blk, st);
        else {
            bv_target out[8];
            bv_gadget_sha256_pair(c, blk, blk + 8, out);
            for (int i = 0; i < 8; i++)
                st[i] = out[i];
        }
    }
    bv_circuit_register_public_inputs(c, st, 8);
    uint32_t rows = bv_circuit_num_rows(c);
    if (keep) {
        *keep = c;
        *inputs = in;
        *ninputs = nin;
    } else {
        bv_circuit_free(c);
        free(in);
    }
    return rows;
}

static long peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

/* The node's combine: SHA-256(left digest || right digest). */
static void pair_combine(bv_circuit *c, const bv_target *left, const bv_target *right, uint32_t n,
                         void *ctx)
{
    (void)n;
    (void)ctx;
    bv_target out[8];
    bv_gadget_sha256_pair(c, left, right, out);
    bv_circuit_register_public_inputs(c, out, 8);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    bv_plonk_config cfg = bv_plonk_config_standard();
    const char *cfg_name = "standard";
    int reps = 3, skip_node = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc) {
            cfg_name = argv[++i];
            if (!strcmp(cfg_name, "test"))
                cfg = bv_plonk_config_test();
            else if (strcmp(cfg_name, "standard")) {
                fprintf(stderr, "bench_sha256_circuit: --config standard|test\n");
                return 2;
            }
        } else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--skip-node"))
            skip_node = 1;
        else {
            fprintf(stderr, "usage: bench_sha256_circuit [--config standard|test] [--reps R] "
                            "[--skip-node]\n");
            return 2;
        }
    }
    if (reps < 1)
        reps = 1;
    const uint32_t W = cfg.num_wires;
    printf("config %s: %u wires (%u routed), %u constants\n", cfg_name, W, cfg.num_routed_wires,
           cfg.num_constants);

    /* Marginal rows: the difference between 32 and 16 units removes the
     * fixed cost (constants, the last partly filled packed rows). */
    double comp =
        (rows_of(&cfg, 0, 32, NULL, NULL, NULL) - rows_of(&cfg, 0, 16, NULL, NULL, NULL)) / 16.0;
    double pair =
        (rows_of(&cfg, 1, 32, NULL, NULL, NULL) - rows_of(&cfg, 1, 16, NULL, NULL, NULL)) / 16.0;
    double cst =
        (rows_of(&cfg, 2, 32, NULL, NULL, NULL) - rows_of(&cfg, 2, 16, NULL, NULL, NULL)) / 16.0;
    printf("rows per compression: %.1f\n", comp);
    printf("trace cells per compression: %.0f (rows x %u wires)\n", comp * W, W);
    printf("rows per constant-block compression: %.1f\n", cst);
    printf("rows per SSZ pair hash: %.1f (%.0f cells)\n", pair, pair * W);
    printf("rows per branch level (one pair hash, constant gindex): %.1f\n", pair);
    printf("rows per Validator root (8 pair hashes, before byte conversions): %.1f\n", 8 * pair);
    printf("anchors (rows/cells per compression): DendrETH/polymerdao 5,800 rows, 786,000 cells "
           "-> %.3f / %.4f; starky tables 85,000 cells -> %.3f; Plonky3 AIR ~8,000 cells -> "
           "%.2f\n",
           comp / 5800.0, comp * W / 786000.0, comp * W / 85000.0, comp * W / 8000.0);

    /* Throughput: as many chained compressions as fit in 2^16 rows. */
    int n = (int)((65536 - 600) / comp);
    while (rows_of(&cfg, 0, n, NULL, NULL, NULL) > 65536 - 600)
        n--;
    bv_circuit *c;
    bv_target *in;
    size_t nin;
    uint32_t rows = rows_of(&cfg, 0, n, &c, &in, &nin);
    bv_status st;
    bv_circuit_data *d;
    if (bv_circuit_build(c, &d, &st))
        die("build", &st);
    bv_circuit_free(c);
    gl_t *vals = malloc(nin * sizeof *vals);
    for (size_t i = 0; i < nin; i++)
        vals[i] = rnd32();
    printf("throughput circuit: %d compressions, %u gate rows, 2^%u rows\n", n, rows,
           bv_circuit_data_common(d)->degree_bits);
    for (int th = 1; th <= 2; th++) {
        omp_set_num_threads(th);
        double t[16];
        int rr = reps > 16 ? 16 : reps;
        for (int r = 0; r < rr; r++) {
            double t0 = omp_get_wtime();
            bv_witness *w = bv_witness_new(d);
            if (bv_witness_set_many(w, in, vals, nin, &st) || bv_witness_generate(w, 1, &st))
                die("witness", &st);
            bv_proof p;
            if (bv_prove(d, w, &p, NULL, &st))
                die("prove", &st);
            t[r] = omp_get_wtime() - t0;
            if (r == 0 &&
                bv_verify(bv_circuit_data_verifier(d), bv_circuit_data_common(d), &p, &st))
                die("verify", &st);
            bv_proof_free(&p);
            bv_witness_free(w);
        }
        qsort(t, (size_t)rr, sizeof t[0], cmp_d);
        double med = t[rr / 2];
        printf("%d thread%s: prove (witness + proof) min %.2f s, median %.2f s over %d; %.1f "
               "compressions/s, %.1f per second per core (polymerdao M1 2.7/s: x%.1f); peak RSS "
               "%ld MiB\n",
               th, th > 1 ? "s" : "", t[0], med, rr, n / t[0], n / t[0] / th, n / t[0] / th / 2.7,
               peak_rss_mib());
    }
    bv_circuit_data_free(d);
    free(vals);
    free(in);
    if (skip_node)
        return 0;

    /* A 2-to-1 node over two proofs of a pair-hash circuit whose combine is
     * one pair hash of the children's digests (a mapper node's shape). */
    bv_circuit *lc = bv_circuit_new(&cfg);
    bv_target lin[16], lout[8];
    for (int i = 0; i < 16; i++)
        lin[i] = bv_circuit_add_virtual(lc);
    bv_gadget_sha256_pair(lc, lin, lin + 8, lout);
    bv_circuit_register_public_inputs(lc, lout, 8);
    bv_circuit_data *ld;
    if (bv_circuit_build(lc, &ld, &st))
        die("leaf build", &st);
    bv_circuit_free(lc);
    bv_proof leaves[2];
    for (int k = 0; k < 2; k++) {
        gl_t v[16];
        for (int i = 0; i < 16; i++)
            v[i] = rnd32();
        bv_witness *w = bv_witness_new(ld);
        if (bv_witness_set_many(w, lin, v, 16, &st) || bv_witness_generate(w, 1, &st) ||
            bv_prove(ld, w, &leaves[k], NULL, &st))
            die("leaf proof", &st);
        bv_witness_free(w);
    }
    bv_rec_aggregator agg;
    if (bv_rec_aggregator_build(&cfg, bv_circuit_data_verifier(ld), bv_circuit_data_common(ld),
                                pair_combine, NULL, &agg, &st))
        die("node build", &st);
    char rep[2048];
    bv_rec_row_report(agg.data, rep, sizeof rep);
    printf("2-to-1 node over pair-hash proofs, combine = one pair hash: %u gate rows, 2^%u rows "
           "(%s)\n  per gate: %s\n",
           agg.rows_before_padding, bv_circuit_data_common(agg.data)->degree_bits,
           agg.rows_before_padding <= 8192 ? "fits 2^13" : "over 2^13", rep);
    for (int th = 1; th <= 2; th++) {
        omp_set_num_threads(th);
        double t[16];
        int rr = reps > 16 ? 16 : reps;
        for (int r = 0; r < rr; r++) {
            bv_proof p;
            double t0 = omp_get_wtime();
            if (bv_rec_aggregator_prove(&agg, &leaves[0], &leaves[1], &p, &st))
                die("node prove", &st);
            t[r] = omp_get_wtime() - t0;
            if (r == 0 && bv_verify(bv_circuit_data_verifier(agg.data),
                                    bv_circuit_data_common(agg.data), &p, &st))
                die("node verify", &st);
            bv_proof_free(&p);
        }
        qsort(t, (size_t)rr, sizeof t[0], cmp_d);
        printf("node prove, %d thread%s: min %.2f s, median %.2f s over %d; peak RSS %ld MiB\n", th,
               th > 1 ? "s" : "", t[0], t[rr / 2], rr, peak_rss_mib());
    }
    bv_rec_aggregator_free(&agg);
    bv_proof_free(&leaves[0]);
    bv_proof_free(&leaves[1]);
    bv_circuit_data_free(ld);
    return 0;
}
