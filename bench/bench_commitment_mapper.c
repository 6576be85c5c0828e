/* bench_commitment_mapper.c - the commitment-mapper circuits' cost: rows of
 * the leaf and of a node (level 2, the shape of every level >= 2), prove
 * time (wall and process CPU) on 1 and 2 threads, proofs per second per
 * core, and the projected core-hours of
 *   (a) the full mainnet mapper from scratch: 2^21 validators, i.e. 2^21
 *       leaves + 1 zero leaf, 2^21 - 1 + 19 distinct ancestors, 40 zero
 *       subtrees;
 *   (b) one typical slot with 1,000 changed validators: their leaves and
 *       their distinct ancestors (1,000 indices drawn uniformly from 2^21
 *       with a fixed seed; the count is printed).
 * Core-hours use the 1-thread time (a proof per core is the efficient way
 * to run many workers). Bars (docs/PERFORMANCE.md): leaf <= 2^14 rows,
 * node <= 2^13 rows, (a) <= 5,000 core-hours.
 *
 *   bench_commitment_mapper [--config standard|test] [--reps R] [--rows-only 1]
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "balverify/commitment_mapper.h"
#include "balverify/recursion.h"

static void die(const char *what, const bv_status *st)
{
    fprintf(stderr, "bench_commitment_mapper: error: %s: %s\n", what, st->msg);
    exit(1);
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Distinct ancestors (depth 0..39) of n distinct random leaves among 2^21. */
static uint64_t ancestors_of_random(int n)
{
    uint64_t *g = malloc(sizeof *g * (size_t)n);
    for (int i = 0; i < n; i++) {
        for (;;) {
            uint64_t v = rnd() & ((1u << 21) - 1);
            int dup = 0;
            for (int j = 0; j < i && !dup; j++)
                dup = g[j] == v;
            if (!dup) {
                g[i] = v;
                break;
            }
        }
    }
    uint64_t total = 0;
    int m = n;
    for (int level = 1; level <= 40; level++) {
        for (int i = 0; i < m; i++)
            g[i] >>= 1;
        qsort(g, (size_t)m, sizeof *g, cmp_u64);
        int k = 0;
        for (int i = 0; i < m; i++)
            if (i == 0 || g[i] != g[i - 1])
                g[k++] = g[i];
        m = k;
        total += (uint64_t)m;
    }
    free(g);
    return total;
}

typedef struct {
    double wall, cpu;
} timing;

static timing time_leaf(const bv_cm_level *leaf, int reps)
{
    bv_validator v;
    memset(&v, 0, sizeof v);
    for (int i = 0; i < 48; i++)
        v.pubkey[i] = (uint8_t)rnd();
    v.withdrawal_credentials[0] = 1;
    v.effective_balance = 32000000000ull;
    v.activation_epoch = 1000;
    v.exit_epoch = v.withdrawable_epoch = UINT64_MAX;
    bv_status st;
    timing t = {0, 0};
    for (int r = 0; r < reps; r++) {
        bv_proof p;
        double w0 = wall(), c0 = cpu();
        if (bv_cm_prove_leaf(leaf, &v, &p, &st) != BV_OK)
            die("leaf proof", &st);
        t.wall += wall() - w0;
        t.cpu += cpu() - c0;
        bv_proof_free(&p);
    }
    t.wall /= reps;
    t.cpu /= reps;
    return t;
}

static timing time_node(const bv_cm_level *node, const bv_proof *l, const bv_proof *r, int reps)
{
    bv_status st;
    timing t = {0, 0};
    for (int k = 0; k < reps; k++) {
        bv_proof p;
        double w0 = wall(), c0 = cpu();
        if (bv_cm_prove_node(node, l, r, &p, &st) != BV_OK)
            die("node proof", &st);
        t.wall += wall() - w0;
        t.cpu += cpu() - c0;
        bv_proof_free(&p);
    }
    t.wall /= reps;
    t.cpu /= reps;
    return t;
}

int main(int argc, char **argv)
{
    const char *config = "standard";
    int reps = 3, rows_only = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--config"))
            config = argv[i + 1];
        else if (!strcmp(argv[i], "--reps"))
            reps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--rows-only"))
            rows_only = atoi(argv[i + 1]);
    }
    if (reps < 1)
        reps = 1;
    bv_status st;
    bv_plonk_config cfg;
    if (bv_plonk_config_by_name(config, &cfg, &st) != BV_OK)
        die("--config", &st);
    bv_cm_level *lv[3];
    double b0 = wall();
    for (uint32_t k = 0; k < 3; k++)
        if (bv_cm_level_build(&cfg, k, k ? lv[k - 1] : NULL, &lv[k], &st) != BV_OK)
            die("build", &st);
    printf("commitment mapper circuits, %s configuration (levels 0..2 built in %.1f s)\n", config,
           wall() - b0);
    const uint32_t rows_leaf = bv_cm_level_rows(lv[0]), rows_node = bv_cm_level_rows(lv[2]);
    const uint32_t deg_leaf = bv_circuit_data_common(bv_cm_level_data(lv[0]))->degree_bits;
    const uint32_t deg_node = bv_circuit_data_common(bv_cm_level_data(lv[2]))->degree_bits;
    printf("rows: leaf %u (2^%u, bar 2^14: %s), level 1 %u, node (levels >= 2) %u (2^%u, bar "
           "2^13: %s)\n",
           rows_leaf, deg_leaf, deg_leaf <= 14 ? "met" : "MISSED", bv_cm_level_rows(lv[1]),
           rows_node, deg_node, deg_node <= 13 ? "met" : "MISSED");

    char rep[1024];
    bv_rec_row_report(bv_cm_level_data(lv[2]), rep, sizeof rep);
    printf("node rows by gate: %s\n", rep);
    bv_rec_row_report(bv_cm_level_data(lv[0]), rep, sizeof rep);
    printf("leaf rows by gate: %s\n", rep);

    if (rows_only) {
        for (int k = 0; k < 3; k++)
            bv_cm_level_free(lv[k]);
        return 0;
    }
    /* children for the node timings: two leaves -> two level-1 proofs */
    bv_proof leaf, n1;
    if (bv_cm_prove_leaf(lv[0], NULL, &leaf, &st) != BV_OK)
        die("leaf", &st);
    if (bv_cm_prove_node(lv[1], &leaf, &leaf, &n1, &st) != BV_OK)
        die("level 1", &st);
    timing tl[3], tn[3];
    for (int th = 1; th <= 2; th++) {
        omp_set_num_threads(th);
        tl[th] = time_leaf(lv[0], reps);
        tn[th] = time_node(lv[2], &n1, &n1, reps);
        printf("%d thread%s: leaf %.3f s wall (%.3f s CPU), node %.3f s wall (%.3f s CPU)\n", th,
               th > 1 ? "s" : "", tl[th].wall, tl[th].cpu, tn[th].wall, tn[th].cpu);
    }
    printf("proofs per second per core (1 thread): leaf %.2f, node %.2f; on 2 threads per "
           "core: leaf %.2f, node %.2f\n",
           1 / tl[1].wall, 1 / tn[1].wall, 1 / (2 * tl[2].wall), 1 / (2 * tn[2].wall));

    /* (a) full mainnet mapper, 2^21 validators */
    const double n = 2097152.0;
    const double leaves_a = n + 1, nodes_a = (n - 1) + 19 + 40;
    const double ch_a = (leaves_a * tl[1].wall + nodes_a * tn[1].wall) / 3600.0;
    const double ch_a_cpu = (leaves_a * tl[1].cpu + nodes_a * tn[1].cpu) / 3600.0;
    printf("(a) full mainnet mapper, 2^21 validators: %.0f leaf + %.0f node proofs = %.0f "
           "core-hours (%.0f by CPU time; bar 5,000: %s)\n",
           leaves_a, nodes_a, ch_a, ch_a_cpu, ch_a <= 5000 ? "met" : "MISSED");
    /* (b) one slot with 1,000 changed validators */
    const uint64_t anc = ancestors_of_random(1000);
    const double ch_b = (1000 * tl[1].wall + (double)anc * tn[1].wall) / 3600.0;
    printf("(b) a slot with 1,000 changed validators: 1000 leaf + %llu node proofs = %.2f "
           "core-hours (%.1f core-minutes)\n",
           (unsigned long long)anc, ch_b, ch_b * 60);
    bv_proof_free(&leaf);
    bv_proof_free(&n1);
    for (int k = 0; k < 3; k++)
        bv_cm_level_free(lv[k]);
    return 0;
}
