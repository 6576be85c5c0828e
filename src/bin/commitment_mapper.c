/*
 * commitment_mapper - the commitment-mapper worker: proves the tasks of
 * validator_proof_queue (leaves, inner nodes, zero subtrees) with the
 * circuits of a circuits directory (docs/REDIS.md §3, mapper_worker.h).
 *
 *   commitment_mapper [--redis URI] [--stop-after S] [--lease-for S] [LEASE_FOR]
 *                     [--run-for MIN] [--circuits DIR] [--proof-storage URI]
 *                     [--config standard|test] [--max-loaded-levels N]
 *
 * Defaults: redis://127.0.0.1:6379/, --stop-after 20 (blocking pop timeout),
 * --lease-for 30 (lease TTL; a bare trailing number is accepted too, as
 * DendrETH's positional lease_for), no --run-for limit (minutes), circuits/,
 * the proof storage in the same Redis (DendrETH's redis storage type;
 * `file:DIR` keeps one file per key), the standard configuration (the
 * circuits directory must hold that configuration), every level kept in
 * memory once loaded (--max-loaded-levels N keeps the N most recently used).
 * Runs until SIGTERM/SIGINT (the current task is finished or, when it waits
 * for a pending input, returned to the queue) or --run-for; an empty queue
 * prints "Waiting for task..." every --stop-after seconds. One line per
 * proof on stdout, a summary at exit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/keys.h"
#include "balverify/mapper_worker.h"

static const char *prog = "commitment_mapper";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s [--redis URI] [--stop-after S] [--lease-for S] [--run-for MIN]\n"
            "          [--circuits DIR] [--proof-storage URI] [--config standard|test]\n"
            "          [--max-loaded-levels N]\n",
            prog);
}

static bv_err parse_int(const char *s, const char *name, long max, int *out, bv_status *st)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || !*s || *end || v < 0 || v > max)
        return bv_fail(st, BV_ERR_ARG, "%s: '%s' is not an integer in 0..%ld", name, s, max);
    *out = (int)v;
    return BV_OK;
}

int main(int argc, char **argv)
{
    bv_status st;
    bv_status_clear(&st);
    bv_worker_opts o;
    bv_worker_opts_default(&o);
    o.name = prog;
    o.queue = bv_queue_mapper().s;
    const char *dir = "circuits", *store = NULL, *config = "standard";
    bv_err e = BV_OK;
    int have_lease = 0, max_loaded = BV_CM_TOP_LEVEL + 1;
    for (int i = 1; i < argc && e == BV_OK; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        }
        if (a[0] != '-' && !have_lease) { /* DendrETH's positional lease_for */
            e = parse_int(a, "lease_for", 86400, &o.lease_for_s, &st);
            have_lease = 1;
            continue;
        }
        int known = !strcmp(a, "--redis") || !strcmp(a, "-r") || !strcmp(a, "--stop-after") ||
                    !strcmp(a, "--lease-for") || !strcmp(a, "--run-for") ||
                    !strcmp(a, "--circuits") || !strcmp(a, "--proof-storage") ||
                    !strcmp(a, "--config") || !strcmp(a, "--max-loaded-levels");
        if (!known) {
            e = bv_fail(&st, BV_ERR_ARG, "%s is not an option (try --help)", a);
            break;
        }
        if (i + 1 >= argc) {
            e = bv_fail(&st, BV_ERR_ARG, "%s needs a value", a);
            break;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--redis") || !strcmp(a, "-r")) {
            o.redis_uri = v;
        } else if (!strcmp(a, "--stop-after")) {
            e = parse_int(v, a, 86400, &o.stop_after_s, &st);
        } else if (!strcmp(a, "--lease-for")) {
            e = parse_int(v, a, 86400, &o.lease_for_s, &st);
            have_lease = 1;
            if (e == BV_OK && o.lease_for_s < 1)
                e = bv_fail(&st, BV_ERR_ARG, "--lease-for: must be at least 1 s");
        } else if (!strcmp(a, "--run-for")) {
            char *end;
            errno = 0;
            o.run_for_min = strtod(v, &end);
            if (errno || !*v || *end || !(o.run_for_min > 0))
                e = bv_fail(&st, BV_ERR_ARG, "--run-for: '%s' is not a positive number of minutes",
                            v);
        } else if (!strcmp(a, "--max-loaded-levels")) {
            e = parse_int(v, a, BV_CM_TOP_LEVEL + 1, &max_loaded, &st);
            if (e == BV_OK && max_loaded < 1)
                e = bv_fail(&st, BV_ERR_ARG, "--max-loaded-levels: must be 1..%d",
                            BV_CM_TOP_LEVEL + 1);
        } else if (!strcmp(a, "--circuits")) {
            dir = v;
        } else if (!strcmp(a, "--proof-storage")) {
            store = v;
        } else {
            config = v;
        }
    }
    if (e == BV_OK && o.lease_for_s < 1)
        e = bv_fail(&st, BV_ERR_ARG, "lease_for: must be at least 1 s");
    bv_plonk_config cfg;
    if (e == BV_OK)
        e = bv_plonk_config_by_name(config, &cfg, &st);
    if (e == BV_OK && !store)
        store = o.redis_uri;
    if (e == BV_OK && strncmp(o.redis_uri, "redis://", 8) != 0)
        e = bv_fail(&st, BV_ERR_ARG, "--redis: '%s' is not a redis:// URI", o.redis_uri);
    bv_mapper_worker *m = NULL;
    if (e == BV_OK)
        e = bv_mapper_worker_new(dir, &cfg, store, &m, &st);
    if (m)
        bv_mapper_worker_set_max_loaded(m, max_loaded);
    bv_worker_stats ws;
    memset(&ws, 0, sizeof ws);
    if (e == BV_OK) {
        bv_worker_install_signals();
        printf("%s: queue %s on %s, circuits %s (%s), proof storage %s, lease %d s\n", prog,
               o.queue, o.redis_uri, dir, config, store, o.lease_for_s);
        fflush(stdout);
        e = bv_worker_run(&o, bv_mapper_worker_task, m, &ws, &st);
    }
    if (m) {
        const bv_mapper_stats *s = bv_mapper_worker_stats(m);
        printf("%s: %lld proofs made (%lld leaves, %lld nodes, %lld zero subtrees) in %.1f s of "
               "proving; %lld already proven; %lld returned pending; %lld set aside; %lld "
               "failed; %lld level loads\n",
               prog, s->leaves + s->nodes + s->zeroes, s->leaves, s->nodes, s->zeroes,
               s->prove_ms / 1e3, s->skipped, ws.pending, ws.set_aside, ws.errors, s->loads);
        bv_mapper_worker_free(m);
    }
    if (e != BV_OK) {
        fprintf(stderr, "%s: error: %s\n", prog, st.msg);
        return bv_exit_code(e);
    }
    return 0;
}
