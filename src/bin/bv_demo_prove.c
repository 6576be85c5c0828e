/* bv_demo_prove - build the demonstration circuit of 2^K rows, prove it, and
 * write the circuit file and the proof.
 *
 *   bv_demo_prove --log-rows K [--threads T] [--config standard|test]
 *                 [--x VALUE] --out DIR
 *   bv_demo_prove --aggregate-depth D [--threads T] [--config standard|test]
 * --out DIR
 *
 * Writes DIR/circuit.bin (verifier data + common data) and DIR/proof.bin;
 * prints the build, witness, prove and verify times and the proof size.
 * With --aggregate-depth D it instead proves 2^D leaf proofs of a small
 * circuit with public inputs (value, 1), values 1..2^D, aggregates them
 * pairwise with 2-to-1 recursion (bv_demo_aggregate) and writes the root
 * circuit and proof, whose public inputs are (sum of the values, 2^D). */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "balverify/demo_circuit.h"
#include "balverify/prover.h"
#include "balverify/recursion.h"
#include "balverify/serialize.h"
#include "balverify/verifier.h"

static int usage(void)
{
    fprintf(stderr, "usage: bv_demo_prove --log-rows K [--threads T] [--config "
                    "standard|test] "
                    "[--x VALUE] --out DIR\n"
                    "       bv_demo_prove --aggregate-depth D [--threads T] "
                    "[--config standard|test] --out DIR\n");
    return bv_exit_code(BV_ERR_ARG);
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || !*s || *end || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

static int fail(bv_err e, const bv_status *st)
{
    fprintf(stderr, "bv_demo_prove: error: %s\n", st->msg);
    return bv_exit_code(e);
}

int main(int argc, char **argv)
{
    uint64_t log_rows = 0, threads = 0, x = 0x0123456789ABCDEFULL, agg_depth = UINT64_MAX;
    const char *out_dir = NULL, *cfg_name = "standard";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            return 0;
        }
        if (!v) {
            fprintf(stderr, "bv_demo_prove: error: %s needs a value\n", a);
            return usage();
        }
        if (strcmp(a, "--log-rows") == 0) {
            if (parse_u64(v, &log_rows) || log_rows < 6 || log_rows > 20) {
                fprintf(stderr, "bv_demo_prove: error: --log-rows must be in 6..20, got '%s'\n", v);
                return bv_exit_code(BV_ERR_ARG);
            }
        } else if (strcmp(a, "--aggregate-depth") == 0) {
            if (parse_u64(v, &agg_depth) || agg_depth > 16) {
                fprintf(stderr,
                        "bv_demo_prove: error: --aggregate-depth must be in 0..16, got "
                        "'%s'\n",
                        v);
                return bv_exit_code(BV_ERR_ARG);
            }
        } else if (strcmp(a, "--threads") == 0) {
            if (parse_u64(v, &threads) || threads == 0 || threads > 1024) {
                fprintf(stderr, "bv_demo_prove: error: --threads must be in 1..1024, got '%s'\n",
                        v);
                return bv_exit_code(BV_ERR_ARG);
            }
        } else if (strcmp(a, "--config") == 0) {
            cfg_name = v;
        } else if (strcmp(a, "--x") == 0) {
            if (parse_u64(v, &x) || x >= (1ULL << 63)) {
                fprintf(stderr, "bv_demo_prove: error: --x must be an integer below 2^63\n");
                return bv_exit_code(BV_ERR_ARG);
            }
        } else if (strcmp(a, "--out") == 0) {
            out_dir = v;
        } else {
            fprintf(stderr, "bv_demo_prove: error: unknown argument '%s'\n", a);
            return usage();
        }
        i++;
    }
    if ((!log_rows && agg_depth == UINT64_MAX) || !out_dir)
        return usage();
    if (threads)
        omp_set_num_threads((int)threads);
    bv_status st;
    bv_plonk_config cfg;
    bv_err e = bv_plonk_config_by_name(cfg_name, &cfg, &st);
    if (e != BV_OK)
        return fail(e, &st);
    if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "bv_demo_prove: error: cannot create %s: %s\n", out_dir, strerror(errno));
        return bv_exit_code(BV_ERR_IO);
    }

    if (agg_depth != UINT64_MAX) {
        double a0 = omp_get_wtime();
        gl_t sum = 0, count = 0;
        e = bv_demo_aggregate(&cfg, (uint32_t)agg_depth, 1, out_dir, &sum, &count, &st);
        if (e != BV_OK)
            return fail(e, &st);
        printf("config: %s (%u conjectured bits)\n", cfg.name,
               bv_plonk_conjectured_security_bits(&cfg));
        printf("aggregate depth %u: leaves 2^%u, sum %llu, count %llu\n", (unsigned)agg_depth,
               (unsigned)agg_depth, (unsigned long long)sum, (unsigned long long)count);
        printf("total time (leaves + aggregation): %.3f s\n", omp_get_wtime() - a0);
        printf("wrote %s/circuit.bin and %s/proof.bin\n", out_dir, out_dir);
        return 0;
    }

    double t0 = omp_get_wtime();
    bv_demo demo;
    e = bv_demo_build(&cfg, (uint32_t)log_rows, &demo, &st);
    if (e != BV_OK)
        return fail(e, &st);
    double t1 = omp_get_wtime();
    bv_witness *w = NULL;
    e = bv_demo_witness(&demo, x, 1, &w, &st);
    if (e != BV_OK) {
        bv_demo_free(&demo);
        return fail(e, &st);
    }
    double t2 = omp_get_wtime();
    bv_proof proof;
    bv_prove_timings tm;
    e = bv_prove(demo.data, w, &proof, &tm, &st);
    bv_witness_free(w);
    if (e != BV_OK) {
        bv_demo_free(&demo);
        return fail(e, &st);
    }
    double t3 = omp_get_wtime();
    const bv_verifier_data *vd = bv_circuit_data_verifier(demo.data);
    const bv_common_data *cd = bv_circuit_data_common(demo.data);
    e = bv_verify(vd, cd, &proof, &st);
    double t4 = omp_get_wtime();
    uint8_t *pbuf = NULL, *cbuf = NULL;
    size_t plen = 0, clen = 0;
    char path[4096];
    if (e == BV_OK)
        e = bv_proof_serialize(&proof, &vd->circuit_digest, &pbuf, &plen, &st);
    if (e == BV_OK)
        e = bv_circuit_file_serialize(vd, cd, &cbuf, &clen, &st);
    if (e == BV_OK) {
        snprintf(path, sizeof path, "%s/circuit.bin", out_dir);
        e = bv_plonk_write_file(path, cbuf, clen, &st);
    }
    if (e == BV_OK) {
        snprintf(path, sizeof path, "%s/proof.bin", out_dir);
        e = bv_plonk_write_file(path, pbuf, plen, &st);
    }
    if (e == BV_OK) {
        printf("config: %s (%u conjectured bits)\n", cfg.name,
               bv_plonk_conjectured_security_bits(&cfg));
        printf("rows: 2^%u, gates: %u, selector groups: %u, public inputs: %u\n", cd->degree_bits,
               cd->num_gates, cd->num_selectors, cd->num_public_inputs);
        printf("threads: %d\n", omp_get_max_threads());
        printf("build time: %.3f s\n", t1 - t0);
        printf("witness time: %.3f s\n", t2 - t1);
        printf("prove time: %.3f s (wires %.3f, Z %.3f, quotient %.3f, quotient "
               "commit %.3f, "
               "openings %.3f, FRI %.3f)\n",
               t3 - t2, tm.wires_commit, tm.zs_commit, tm.quotient, tm.quotient_commit, tm.openings,
               tm.fri);
        printf("verify time: %.4f s\n", t4 - t3);
        printf("proof size: %zu bytes\n", plen);
        printf("wrote %s/circuit.bin (%zu bytes) and %s/proof.bin\n", out_dir, clen, out_dir);
    }
    free(pbuf);
    free(cbuf);
    bv_proof_free(&proof);
    bv_demo_free(&demo);
    if (e != BV_OK)
        return fail(e, &st);
    return 0;
}
