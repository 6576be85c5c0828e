/*
 * balance_verification_circuit_data_generation - write the balance
 * verification circuits (levels 0..37) and the final-layer circuits to a
 * circuits directory.
 *
 *   balance_verification_circuit_data_generation [--level all|N] [--credentials N]
 *       [--circuits DIR] [--config standard|test]
 *
 * --level N (0..37) builds level N from level N-1's files (which must be
 * there) and writes DIR/balance_verification_N.{circuit,prover}; identical
 * files are left untouched. --level all (the default) goes through 0..37,
 * keeps every level whose files are present and load, builds the others,
 * and then builds final_layer_d5 and final_layer_d6 (the state layouts of
 * phase0..deneb and electra/fulu) when DIR holds commitment_mapper_40
 * (made by commitment_mapper_circuit_data_generation); without it, it says
 * so and stops after level 37. --credentials (1..8, default 1) is the
 * number of withdrawal credentials of the circuit family. DIR defaults to
 * circuits/ and is created when absent. A directory holding circuits of
 * another configuration or another credential count is refused before
 * anything is built. One progress line per circuit: rows, degree and time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "balverify/balance.h"
#include "balverify/balance_pipeline.h"
#include "balverify/circuit_dir.h"
#include "balverify/commitment_mapper.h"
#include "balverify/final_layer.h"

static const char *prog = "balance_verification_circuit_data_generation";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s [--level all|N] [--credentials N] [--circuits DIR] [--config "
            "standard|test]\n"
            "  level N in 0..%d; credentials 1..%d (default 1); DIR defaults to circuits/;\n"
            "  the configuration to standard. --level all also builds final_layer_d5 and\n"
            "  final_layer_d6 when DIR holds commitment_mapper_%d.\n",
            prog, BV_BAL_TOP_LEVEL, BV_BAL_MAX_CREDENTIALS, BV_CM_TOP_LEVEL);
}

static void report(const char *name, const bv_circuit_data *d, uint32_t rows, const char *what,
                   double secs)
{
    const bv_common_data *cd = bv_circuit_data_common(d);
    if (rows)
        printf("%s: %s, %u rows (2^%u), %.2f s\n", name, what, rows, cd->degree_bits, secs);
    else
        printf("%s: %s, 2^%u rows, %.2f s\n", name, what, cd->degree_bits, secs);
    fflush(stdout);
}

static bv_err build_save(const bv_plonk_config *cfg, const char *dir, uint32_t ncred, uint32_t l,
                         const bv_bal_level *child, bv_bal_level **out, bv_status *st)
{
    double t0 = now_s();
    bv_err e = bv_bal_level_build(cfg, ncred, l, child, out, st);
    if (e == BV_OK) {
        e = bv_bal_level_save(*out, dir, st);
        if (e != BV_OK) {
            bv_bal_level_free(*out);
            *out = NULL;
        }
    }
    if (e == BV_OK) {
        char name[64];
        bv_bal_circuit_name(l, name, sizeof name);
        report(name, bv_bal_level_data(*out), bv_bal_level_rows(*out), "built and saved",
               now_s() - t0);
    }
    return e;
}

/* Level l: loaded when present (another configuration or credential count
 * is an error), built from prev otherwise. */
static bv_err get_level(const bv_plonk_config *cfg, const char *dir, uint32_t ncred, uint32_t l,
                        const bv_bal_level *prev, bv_bal_level **out, bv_status *st)
{
    char name[64];
    bv_bal_circuit_name(l, name, sizeof name);
    *out = NULL;
    if (bv_circuit_dir_has(dir, name)) {
        double t0 = now_s();
        bv_status lst;
        bv_status_clear(&lst);
        bv_err le = bv_bal_level_load(dir, ncred, l, cfg, out, &lst);
        if (le == BV_OK) {
            report(name, bv_bal_level_data(*out), bv_bal_level_rows(*out), "present", now_s() - t0);
            return BV_OK;
        }
        if (le == BV_ERR_ARG) {
            *st = lst;
            return le;
        }
        printf("%s: present but not loadable (%s): rebuilding\n", name, lst.msg);
        fflush(stdout);
    }
    return build_save(cfg, dir, ncred, l, prev, out, st);
}

static bv_err final_layers(const bv_plonk_config *cfg, const char *dir, uint32_t ncred,
                           const bv_bal_level *top, bv_status *st)
{
    char cm[64];
    bv_cm_circuit_name(BV_CM_TOP_LEVEL, cm, sizeof cm);
    if (!bv_circuit_dir_has(dir, cm)) {
        printf("final layer: not built: %s/%s.{circuit,prover} is missing (run "
               "commitment_mapper_circuit_data_generation --circuits %s, then this again)\n",
               dir, cm, dir);
        fflush(stdout);
        return BV_OK;
    }
    bv_cm_level *mapper = NULL;
    bv_err e = bv_cm_level_load(dir, BV_CM_TOP_LEVEL, cfg, &mapper, st);
    for (uint32_t depth = 5; depth <= 6 && e == BV_OK; depth++) {
        char name[64];
        bv_final_circuit_name(depth, name, sizeof name);
        bv_final_circuit *f = NULL;
        double t0 = now_s();
        if (bv_circuit_dir_has(dir, name)) {
            bv_status lst;
            bv_status_clear(&lst);
            bv_err le = bv_final_load(dir, ncred, depth, cfg, &f, &lst);
            if (le == BV_OK) {
                report(name, bv_final_data(f), bv_final_rows(f), "present", now_s() - t0);
                bv_final_free(f);
                continue;
            }
            if (le == BV_ERR_ARG) {
                *st = lst;
                e = le;
                break;
            }
            printf("%s: present but not loadable (%s): rebuilding\n", name, lst.msg);
            fflush(stdout);
        }
        e = bv_final_build(cfg, depth, top, mapper, &f, st);
        if (e == BV_OK)
            e = bv_final_save(f, dir, st);
        if (e == BV_OK)
            report(name, bv_final_data(f), bv_final_rows(f), "built and saved", now_s() - t0);
        bv_final_free(f);
    }
    bv_cm_level_free(mapper);
    return e;
}

static bv_err run_all(const bv_plonk_config *cfg, const char *dir, uint32_t ncred, bv_status *st)
{
    bv_bal_level *prev = NULL;
    bv_err e = BV_OK;
    for (uint32_t l = 0; l <= BV_BAL_TOP_LEVEL && e == BV_OK; l++) {
        bv_bal_level *cur = NULL;
        e = get_level(cfg, dir, ncred, l, prev, &cur, st);
        bv_bal_level_free(prev);
        prev = cur;
    }
    if (e == BV_OK)
        e = final_layers(cfg, dir, ncred, prev, st);
    bv_bal_level_free(prev);
    return e;
}

static bv_err run_one(const bv_plonk_config *cfg, const char *dir, uint32_t ncred, uint32_t n,
                      bv_status *st)
{
    bv_bal_level *child = NULL, *cur = NULL;
    if (n > 0) {
        char name[64];
        bv_bal_circuit_name(n - 1, name, sizeof name);
        if (!bv_circuit_dir_has(dir, name))
            return bv_fail(st, BV_ERR_IO,
                           "level %u needs level %u's files %s/%s.{circuit,prover}: generate "
                           "level %u first (or --level all)",
                           n, n - 1, dir, name, n - 1);
        bv_err e = bv_bal_level_load(dir, ncred, n - 1, cfg, &child, st);
        if (e != BV_OK)
            return e;
    }
    bv_err e = build_save(cfg, dir, ncred, n, child, &cur, st);
    bv_bal_level_free(child);
    bv_bal_level_free(cur);
    return e;
}

static bv_err parse_ul(const char *opt, const char *v, unsigned long lo, unsigned long hi,
                       unsigned long *out, bv_status *st)
{
    char *end;
    errno = 0;
    unsigned long x = strtoul(v, &end, 10);
    if (errno || !*v || *end || v[0] == '-' || x < lo || x > hi)
        return bv_fail(st, BV_ERR_ARG, "%s: '%s' is not an integer in %lu..%lu", opt, v, lo, hi);
    *out = x;
    return BV_OK;
}

int main(int argc, char **argv)
{
    bv_status st;
    bv_status_clear(&st);
    const char *level = "all", *dir = "circuits", *config = "standard", *creds = "1";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        int known = !strcmp(a, "--level") || !strcmp(a, "-l") || !strcmp(a, "--circuits") ||
                    !strcmp(a, "--config") || !strcmp(a, "--credentials");
        if (!known || i + 1 >= argc) {
            fprintf(stderr, "%s: error: %s %s\n", prog, a,
                    known ? "needs a value" : "is not an option (try --help)");
            return bv_exit_code(BV_ERR_ARG);
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--level") || !strcmp(a, "-l"))
            level = v;
        else if (!strcmp(a, "--circuits"))
            dir = v;
        else if (!strcmp(a, "--credentials"))
            creds = v;
        else
            config = v;
    }
    bv_plonk_config cfg;
    bv_err e = bv_plonk_config_by_name(config, &cfg, &st);
    if (e)
        bv_fail_ctx(&st, "--config");
    int all = !strcmp(level, "all");
    unsigned long n = 0, ncred = 0;
    if (e == BV_OK && !all && parse_ul("--level", level, 0, BV_BAL_TOP_LEVEL, &n, &st))
        e = bv_fail(&st, BV_ERR_ARG, "--level: '%s' is not 'all' or a level 0..%d", level,
                    BV_BAL_TOP_LEVEL);
    if (e == BV_OK)
        e = parse_ul("--credentials", creds, 1, BV_BAL_MAX_CREDENTIALS, &ncred, &st);
    if (e == BV_OK && !*dir)
        e = bv_fail(&st, BV_ERR_ARG, "--circuits: empty directory name");
    if (e == BV_OK)
        e = bv_pipeline_dir_check(dir, &cfg, (uint32_t)ncred, NULL, &st);
    if (e == BV_OK)
        e = bv_circuit_dir_prepare(dir, &st);
    if (e == BV_OK) {
        double t0 = now_s();
        e = all ? run_all(&cfg, dir, (uint32_t)ncred, &st)
                : run_one(&cfg, dir, (uint32_t)ncred, (uint32_t)n, &st);
        if (e == BV_OK)
            printf("balance verification circuits (%lu credential(s), %s configuration) in %s: "
                   "%.1f s\n",
                   ncred, config, dir, now_s() - t0);
    }
    if (e != BV_OK) {
        fprintf(stderr, "%s: error: %s\n", prog, st.msg);
        return bv_exit_code(e);
    }
    return 0;
}
