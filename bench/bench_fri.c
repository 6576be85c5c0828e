/* bench_fri.c - commit + FRI prove + verify for a PLONK-shaped instance
 * (oracles of 85, 135, 20 and 16 polynomials; openings at zeta for all and
 * at omega*zeta for 2), standard recursion config unless "test" is given.
 * Usage: bench_fri [degree_bits (12)] [standard|test]. Threads from OMP_NUM_THREADS. */
#include "balverify/fri.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "balverify/util_clock.h"

/* Process CPU time by default (wall time on a shared, busy machine mostly
 * measures the neighbours); BV_BENCH_WALL=1 switches to wall-clock time. */
static int use_wall(void)
{
    const char *w = getenv("BV_BENCH_WALL");
    return w && w[0] == '1';
}

static double now(void)
{
    return bv_clock_s(use_wall() ? CLOCK_MONOTONIC : CLOCK_PROCESS_CPUTIME_ID);
}

static int fail(const bv_status *st)
{
    fprintf(stderr, "bench_fri: error: %s\n", st->msg);
    return 1;
}

int main(int argc, char **argv)
{
    unsigned d = argc > 1 ? (unsigned)atoi(argv[1]) : 12;
    int test = argc > 2 && strcmp(argv[2], "test") == 0;
    if (d < 2 || d > 20) {
        fprintf(stderr, "bench_fri: error: degree_bits must be 2..20\n");
        return 2;
    }
    bv_fri_config cfg = test ? bv_fri_config_test() : bv_fri_config_standard();
    bv_fri_params params;
    bv_status st;
    if (bv_fri_params_init(&params, &cfg, d, &st))
        return fail(&st);
    enum { NO = 4 };
    size_t widths[NO] = {85, 135, 20, 16};
    size_t n = (size_t)1 << d;
    bv_polybatch pb[NO];
    bv_polybatch *orc[NO];
    uint64_t x = 99;
    double t0 = now();
    for (int o = 0; o < NO; o++) {
        gl_t *c = malloc(widths[o] * n * sizeof *c);
        for (size_t i = 0; i < widths[o] * n; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            c[i] = gl_from_u64(x);
        }
        if (bv_polybatch_from_coeffs(&pb[o], c, widths[o], d, cfg.rate_bits, cfg.cap_height, &st))
            return fail(&st);
        orc[o] = &pb[o];
        free(c);
    }
    double t1 = now();
    bv_fri_poly_ref refs0[256], refs1[2] = {{2, 0}, {2, 1}};
    size_t k = 0;
    for (uint32_t o = 0; o < NO; o++)
        for (uint32_t p = 0; p < widths[o]; p++)
            refs0[k++] = (bv_fri_poly_ref){o, p};
    gl_ext zeta = gl_ext_make(123456789, 987654321);
    bv_fri_batch batches[2] = {{zeta, k, refs0},
                               {gl_ext_scalar_mul(zeta, gl_root_of_unity(d)), 2, refs1}};
    bv_fri_instance inst = {NO, widths, 2, batches};
    size_t nopen = bv_fri_instance_n_openings(&inst);
    gl_ext *open = malloc(nopen * sizeof *open);
    bv_challenger ch, chv;
    bv_challenger_init(&ch);
    for (int o = 0; o < NO; o++)
        bv_challenger_observe_cap(&ch, bv_polybatch_cap(&pb[o]), (size_t)1 << cfg.cap_height);
    chv = ch;
    double t2 = now();
    if (bv_fri_compute_openings(orc, &inst, open, &st))
        return fail(&st);
    bv_challenger_observe_ext_many(&ch, open, nopen);
    bv_fri_proof proof;
    if (bv_fri_prove(&params, orc, &inst, &ch, &proof, &st))
        return fail(&st);
    double t3 = now();
    const bv_hash *caps[NO];
    for (int o = 0; o < NO; o++)
        caps[o] = bv_polybatch_cap(&pb[o]);
    bv_challenger_observe_ext_many(&chv, open, nopen);
    if (bv_fri_verify(&params, caps, &inst, open, &proof, &chv, &st))
        return fail(&st);
    double t4 = now();
    printf("threads %d (%s time), config %s (%u conjectured bits), degree 2^%u, LDE 2^%u\n",
           omp_get_max_threads(), use_wall() ? "wall" : "process CPU", test ? "TEST" : "standard",
           bv_fri_conjectured_security_bits(&cfg), d, d + cfg.rate_bits);
    printf("commit 4 oracles (256 polys): %.3f s\n", t1 - t0);
    printf("openings + FRI prove: %.3f s\n", t3 - t2);
    printf("FRI verify: %.2f ms\n", (t4 - t3) * 1e3);
    printf("FRI proof size: %zu bytes\n", bv_fri_proof_serialized_size(&proof));
    bv_fri_proof_free(&proof);
    for (int o = 0; o < NO; o++)
        bv_polybatch_free(&pb[o]);
    free(open);
    return 0;
}
