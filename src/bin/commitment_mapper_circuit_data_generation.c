/*
 * commitment_mapper_circuit_data_generation - write the commitment-mapper
 * circuits (levels 0..40) to a circuits directory.
 *
 *   commitment_mapper_circuit_data_generation [--level all|N] [--circuits DIR]
 *                                             [--config standard|test]
 *
 * --level N (0..40) builds level N from level N-1's files (which must be
 * there) and writes DIR/commitment_mapper_N.{circuit,prover}; identical files
 * are left untouched. --level all (the default) goes through 0..40 in order,
 * keeps every level whose files are present and load, and builds the others.
 * DIR defaults to circuits/ and is created when absent. A directory holding
 * circuits of another configuration is refused before anything is built.
 * One progress line per level: rows, degree and time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "balverify/circuit_dir.h"
#include "balverify/commitment_mapper.h"

static const char *prog = "commitment_mapper_circuit_data_generation";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s [--level all|N] [--circuits DIR] [--config standard|test]\n"
            "  N in 0..%u; DIR defaults to circuits/; the configuration to standard\n",
            prog, BV_CM_TOP_LEVEL);
}

static void report(const bv_cm_level *l, const char *what, double secs)
{
    const bv_common_data *cd = bv_circuit_data_common(bv_cm_level_data(l));
    if (bv_cm_level_rows(l))
        printf("level %2u: %s, %u rows (2^%u), %.2f s\n", bv_cm_level_index(l), what,
               bv_cm_level_rows(l), cd->degree_bits, secs);
    else
        printf("level %2u: %s, 2^%u rows, %.2f s\n", bv_cm_level_index(l), what, cd->degree_bits,
               secs);
    fflush(stdout);
}

/* Build level k from child (NULL for k = 0), save it, report. */
static bv_err build_save(const bv_plonk_config *cfg, const char *dir, uint32_t k,
                         const bv_cm_level *child, bv_cm_level **out, bv_status *st)
{
    double t0 = now_s();
    bv_err e = bv_cm_level_build(cfg, k, child, out, st);
    if (e == BV_OK) {
        e = bv_cm_level_save(*out, dir, st);
        if (e != BV_OK) {
            bv_cm_level_free(*out);
            *out = NULL;
        }
    }
    if (e == BV_OK)
        report(*out, "built and saved", now_s() - t0);
    return e;
}

static bv_err run_all(const bv_plonk_config *cfg, const char *dir, bv_status *st)
{
    bv_cm_level *prev = NULL;
    bv_err e = BV_OK;
    for (uint32_t k = 0; k <= BV_CM_TOP_LEVEL && e == BV_OK; k++) {
        char name[64];
        bv_cm_circuit_name(k, name, sizeof name);
        bv_cm_level *cur = NULL;
        if (bv_circuit_dir_has(dir, name)) {
            double t0 = now_s();
            bv_status lst;
            bv_status_clear(&lst);
            bv_err le = bv_cm_level_load(dir, k, cfg, &cur, &lst);
            if (le == BV_OK) {
                report(cur, "present", now_s() - t0);
            } else if (le == BV_ERR_ARG) { /* another configuration */
                e = bv_fail(st, le, "%s", lst.msg);
            } else {
                printf("level %2u: present but not loadable (%s): rebuilding\n", k, lst.msg);
                fflush(stdout);
            }
        }
        if (e == BV_OK && !cur)
            e = build_save(cfg, dir, k, prev, &cur, st);
        bv_cm_level_free(prev);
        prev = cur;
    }
    bv_cm_level_free(prev);
    return e;
}

static bv_err run_one(const bv_plonk_config *cfg, const char *dir, uint32_t n, bv_status *st)
{
    bv_cm_level *child = NULL, *cur = NULL;
    if (n > 0) {
        char name[64];
        bv_cm_circuit_name(n - 1, name, sizeof name);
        if (!bv_circuit_dir_has(dir, name))
            return bv_fail(st, BV_ERR_IO,
                           "level %u needs level %u's files %s/%s.{circuit,prover}: generate "
                           "level %u first (or --level all)",
                           n, n - 1, dir, name, n - 1);
        bv_err e = bv_cm_level_load(dir, n - 1, cfg, &child, st);
        if (e != BV_OK)
            return e;
    }
    bv_err e = build_save(cfg, dir, n, child, &cur, st);
    bv_cm_level_free(child);
    bv_cm_level_free(cur);
    return e;
}

int main(int argc, char **argv)
{
    bv_status st;
    bv_status_clear(&st);
    const char *level = "all", *dir = "circuits", *config = "standard";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc || (strcmp(a, "--level") && strcmp(a, "-l") && strcmp(a, "--circuits") &&
                              strcmp(a, "--config"))) {
            fprintf(stderr, "%s: error: %s %s\n", prog, a,
                    i + 1 >= argc && (!strcmp(a, "--level") || !strcmp(a, "-l") ||
                                      !strcmp(a, "--circuits") || !strcmp(a, "--config"))
                        ? "needs a value"
                        : "is not an option (try --help)");
            return bv_exit_code(BV_ERR_ARG);
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--level") || !strcmp(a, "-l"))
            level = v;
        else if (!strcmp(a, "--circuits"))
            dir = v;
        else
            config = v;
    }
    bv_plonk_config cfg;
    bv_err e = bv_plonk_config_by_name(config, &cfg, &st);
    int all = !strcmp(level, "all");
    unsigned long n = 0;
    if (e == BV_OK && !all) {
        char *end;
        errno = 0;
        n = strtoul(level, &end, 10);
        if (errno || !*level || *end || level[0] == '-' || n > BV_CM_TOP_LEVEL)
            e = bv_fail(&st, BV_ERR_ARG, "--level: '%s' is not 'all' or a level 0..%u", level,
                        BV_CM_TOP_LEVEL);
    }
    if (e == BV_OK && !*dir)
        e = bv_fail(&st, BV_ERR_ARG, "--circuits: empty directory name");
    if (e == BV_OK)
        e = bv_circuit_dir_check_config(dir, &cfg, &st);
    if (e == BV_OK)
        e = bv_circuit_dir_prepare(dir, &st);
    if (e == BV_OK) {
        double t0 = now_s();
        e = all ? run_all(&cfg, dir, &st) : run_one(&cfg, dir, (uint32_t)n, &st);
        if (e == BV_OK)
            printf("commitment mapper circuits (%s configuration) in %s: %.1f s\n", config, dir,
                   now_s() - t0);
    }
    if (e != BV_OK) {
        fprintf(stderr, "%s: error: %s\n", prog, st.msg);
        return bv_exit_code(e);
    }
    return 0;
}
