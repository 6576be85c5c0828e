/* light_cleaner - hand expired leases back to their queues, like DendrETH's
 * two TypeScript light cleaners together: the commitment-mapper queue
 * (validator_proof_queue) and, with --protocol, the balance queues of every
 * level 0..38 ({proto}:balance_verification_queue:{L}).
 *
 *   light_cleaner [--redis-host H] [--redis-port P] [--clean-duration MS]
 *                 [--protocol P] [--queue PREFIX]... [--run-once]
 *
 * --queue adds any other queue prefix (repeatable).
 *
 * Every --clean-duration milliseconds (default 5000) each queue gets one
 * light-clean pass (see work_queue.h: atomic per id, data-less ids dropped
 * instead of re-queued, crashed cleaners' P:cleaning journals drained).
 * A Redis that goes away is reported and retried on the next round; with
 * --run-once the first failure ends the program. SIGINT/SIGTERM stop it
 * after the current pass. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "balverify/keys.h"
#include "balverify/redis_conn.h"
#include "balverify/work_queue.h"

static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

typedef struct {
    const char *host;
    int port;
    long duration_ms;
    const char *protocol;
    int run_once;
    const char *extra[16];
    int nextra;
} opts;

static bv_err parse(int argc, char **argv, opts *o, bv_status *st)
{
    o->host = BV_REDIS_DEFAULT_HOST;
    o->port = BV_REDIS_DEFAULT_PORT;
    o->duration_ms = 5000;
    o->protocol = NULL;
    o->run_once = 0;
    o->nextra = 0;
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i];
        if (!strcmp(k, "--run-once")) {
            o->run_once = 1;
            continue;
        }
        if (!strcmp(k, "--help") || !strcmp(k, "-h")) {
            printf("usage: light_cleaner [--redis-host H] [--redis-port P] [--clean-duration MS] "
                   "[--protocol P] [--queue PREFIX]... [--run-once]\n");
            exit(0);
        }
        if (i + 1 >= argc)
            return bv_fail(st, BV_ERR_ARG, "%s needs a value", k);
        const char *v = argv[++i];
        char *end;
        if (!strcmp(k, "--redis-host")) {
            o->host = v;
        } else if (!strcmp(k, "--redis-port")) {
            long p = strtol(v, &end, 10);
            if (!*v || *end || p <= 0 || p > 65535)
                return bv_fail(st, BV_ERR_ARG, "--redis-port: '%s' is not a port", v);
            o->port = (int)p;
        } else if (!strcmp(k, "--clean-duration")) {
            long d = strtol(v, &end, 10);
            if (!*v || *end || d < 1 || d > 86400000)
                return bv_fail(st, BV_ERR_ARG, "--clean-duration: '%s' is not 1..86400000 ms", v);
            o->duration_ms = d;
        } else if (!strcmp(k, "--queue")) {
            if (o->nextra == 16)
                return bv_fail(st, BV_ERR_ARG, "--queue: at most 16 extra queues");
            if (!*v || strlen(v) >= BV_WQ_PREFIX_MAX)
                return bv_fail(st, BV_ERR_ARG, "--queue: bad prefix '%s'", v);
            o->extra[o->nextra++] = v;
        } else if (!strcmp(k, "--protocol")) {
            if (bv_key_check_protocol(v, st))
                return BV_ERR_ARG;
            o->protocol = v;
        } else {
            return bv_fail(st, BV_ERR_ARG, "unknown option %s", k);
        }
    }
    return BV_OK;
}

/* One pass over every queue; prints a line per queue that changed. */
static bv_err pass(bv_redis *r, bv_work_queue *qs, int nq, bv_status *st)
{
    for (int i = 0; i < nq; i++) {
        bv_wq_clean_stats cs;
        bv_err e = bv_wq_light_clean(r, &qs[i], &cs, st);
        if (e)
            return e;
        if (cs.requeued || cs.dropped || cs.journal_drained)
            printf("light_cleaner: %s: requeued %lld, dropped %lld data-less, journal %lld "
                   "(requeued %lld)\n",
                   qs[i].prefix, cs.requeued, cs.dropped, cs.journal_drained, cs.journal_requeued);
    }
    fflush(stdout);
    return BV_OK;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (!g_stop && nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

static bv_err run(const opts *o, bv_status *st)
{
    bv_work_queue qs[1 + BV_BALANCE_CLEAN_LEVELS + 16];
    int nq = 0;
    bv_err e = bv_wq_init(&qs[nq++], bv_queue_mapper().s, st);
    if (e)
        return e;
    if (o->protocol) {
        for (unsigned l = 0; l < BV_BALANCE_CLEAN_LEVELS; l++) {
            e = bv_wq_init(&qs[nq++], bv_queue_balance(o->protocol, l).s, st);
            if (e)
                return e;
        }
    }
    for (int i = 0; i < o->nextra; i++) {
        e = bv_wq_init(&qs[nq++], o->extra[i], st);
        if (e)
            return e;
    }
    bv_redis *r = NULL;
    e = bv_redis_connect(&r, o->host, o->port, 10000, st);
    if (e && o->run_once)
        return e;
    if (e)
        fprintf(stderr, "light_cleaner: %s; retrying\n", st->msg);
    while (!g_stop) {
        if (!r) {
            e = bv_redis_connect(&r, o->host, o->port, 10000, st);
            if (e) {
                r = NULL;
                sleep_ms(o->duration_ms);
                continue;
            }
            fprintf(stderr, "light_cleaner: connected to %s:%d\n", o->host, o->port);
        }
        e = pass(r, qs, nq, st);
        if (e && o->run_once)
            break;
        if (e)
            fprintf(stderr, "light_cleaner: %s; retrying\n", st->msg);
        if (o->run_once)
            break;
        sleep_ms(o->duration_ms);
    }
    bv_redis_free(r);
    return o->run_once ? e : BV_OK;
}

int main(int argc, char **argv)
{
    bv_status st;
    bv_status_clear(&st);
    opts o;
    bv_err e = parse(argc, argv, &o, &st);
    if (!e) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        e = run(&o, &st);
    }
    if (e) {
        fprintf(stderr, "light_cleaner: error: %s\n", st.msg);
        return bv_exit_code(e);
    }
    return 0;
}
