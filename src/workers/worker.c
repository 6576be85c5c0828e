/*
 * worker.c - the lease loop and proof-store helpers shared by the proving
 * workers (include/balverify/worker.h).
 */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "balverify/serialize.h"
#include "balverify/verifier.h"
#include "balverify/worker.h"

static volatile sig_atomic_t g_stop;

/* Renews the lease of the item being processed every lease/3 seconds from
 * a thread with its own connection, so a proof longer than the lease is not
 * handed to another worker; a killed process stops renewing with it. */
typedef struct {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int running, quit, active;
    char id[BV_WQ_ID_MAX];
    bv_redis *r;
    const bv_work_queue *q;
    int lease_s;
} keepalive;

static void *ka_main(void *arg)
{
    keepalive *k = arg;
    long period_ms = k->lease_s * 1000L / 3;
    if (period_ms < 300)
        period_ms = 300;
    pthread_mutex_lock(&k->mu);
    while (!k->quit) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += period_ms / 1000;
        until.tv_nsec += (period_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&k->cv, &k->mu, &until);
        if (k->quit || !k->active)
            continue;
        char id[BV_WQ_ID_MAX];
        memcpy(id, k->id, sizeof id);
        pthread_mutex_unlock(&k->mu);
        bv_status ignored;
        int renewed;
        bv_wq_renew(k->r, k->q, id, k->lease_s, &renewed, &ignored);
        pthread_mutex_lock(&k->mu);
    }
    pthread_mutex_unlock(&k->mu);
    return NULL;
}

static void ka_start(keepalive *k, const char *uri, const bv_work_queue *q, int lease_s)
{
    memset(k, 0, sizeof *k);
    bv_status ignored;
    if (bv_redis_connect_uri(&k->r, uri, 10000, &ignored) != BV_OK)
        return; /* the first lease would fail too; the loop reports it */
    k->q = q;
    k->lease_s = lease_s;
    pthread_mutex_init(&k->mu, NULL);
    pthread_cond_init(&k->cv, NULL);
    if (pthread_create(&k->th, NULL, ka_main, k) != 0) {
        bv_redis_free(k->r);
        k->r = NULL;
        return;
    }
    k->running = 1;
}

static void ka_set(keepalive *k, const char *id)
{
    if (!k->running)
        return;
    pthread_mutex_lock(&k->mu);
    k->active = id != NULL;
    if (id)
        snprintf(k->id, sizeof k->id, "%s", id);
    pthread_mutex_unlock(&k->mu);
}

static void ka_stop(keepalive *k)
{
    if (!k->running)
        return;
    pthread_mutex_lock(&k->mu);
    k->quit = 1;
    pthread_cond_signal(&k->cv);
    pthread_mutex_unlock(&k->mu);
    pthread_join(k->th, NULL);
    pthread_mutex_destroy(&k->mu);
    pthread_cond_destroy(&k->cv);
    bv_redis_free(k->r);
}

struct bv_worker {
    const bv_worker_opts *o;
    bv_redis *r;
    bv_work_queue q;
    const bv_wq_item *item; /* the item being processed */
    double waited_ms;       /* pending waits of the current task */
};

void bv_worker_opts_default(bv_worker_opts *o)
{
    memset(o, 0, sizeof *o);
    o->name = "worker";
    o->redis_uri = "redis://127.0.0.1:6379/";
    o->stop_after_s = 20;
    o->lease_for_s = 30;
    o->run_for_min = 0;
    o->pending_wait_ms = 2000;
    o->pending_poll_ms = 250;
    o->pending_pause_ms = 1000;
    o->error_pause_ms = 10000;
}

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

void bv_worker_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

int bv_worker_stopping(void)
{
    return g_stop != 0;
}

void bv_worker_request_stop(void)
{
    g_stop = 1;
}

double bv_worker_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static void sleep_ms(double ms)
{
    /* in slices, so that a stop request is seen soon */
    double end = bv_worker_now_ms() + ms;
    for (;;) {
        double left = end - bv_worker_now_ms();
        if (left <= 0 || g_stop)
            return;
        if (left > 100)
            left = 100;
        struct timespec ts = {0, (long)(left * 1e6)};
        nanosleep(&ts, NULL);
    }
}

bv_redis *bv_worker_redis(bv_worker *w)
{
    return w->r;
}

const bv_worker_opts *bv_worker_options(const bv_worker *w)
{
    return w->o;
}

int bv_worker_wait_pending(bv_worker *w)
{
    if (g_stop || w->waited_ms >= w->o->pending_wait_ms)
        return 1;
    /* other items are waiting: give this one back at once and do them */
    long long queued = 0;
    bv_status ignored;
    if (bv_wq_lengths(w->r, &w->q, &queued, NULL, &ignored) == BV_OK && queued > 0)
        return 1;
    double t0 = bv_worker_now_ms();
    sleep_ms(w->o->pending_poll_ms);
    w->waited_ms += bv_worker_now_ms() - t0;
    if (w->item) {
        int renewed;
        bv_wq_renew(w->r, &w->q, w->item->id, w->o->lease_for_s, &renewed, &ignored);
    }
    return g_stop != 0;
}

static void logf_line(const bv_worker *w, FILE *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void logf_line(const bv_worker *w, FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(f, "%s: ", w->o->name);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
    fflush(f);
    va_end(ap);
}

/* Runs op until Redis answers (or a stop request): a restarted Redis is
 * waited for. Returns the last error when stopped before success. */
typedef bv_err (*redis_op)(bv_worker *w, const char *id, bv_status *st);

static bv_err op_complete(bv_worker *w, const char *id, bv_status *st)
{
    return bv_wq_complete(w->r, &w->q, id, NULL, st);
}

static bv_err op_release(bv_worker *w, const char *id, bv_status *st)
{
    return bv_wq_release(w->r, &w->q, id, NULL, st);
}

static bv_err retry_op(bv_worker *w, redis_op op, const char *id, const char *what, int patient)
{
    bv_status st;
    for (int attempt = 0;; attempt++) {
        bv_status_clear(&st);
        bv_err e = op(w, id, &st);
        if (e != BV_ERR_NET) {
            if (attempt > 0)
                logf_line(w, stderr, "Redis answers again (%s of item %s)", what, id);
            return e;
        }
        if (attempt == 0)
            logf_line(w, stderr, "%s of item %s: %s; retrying", what, id, st.msg);
        /* after a stop request keep trying a little (a completed result must
         * not wait for its lease to expire), then give up: the cleaner
         * re-queues the item and the re-run finds the saved result */
        if (g_stop && (!patient || attempt > 20))
            return e;
        struct timespec ts = {0, 500 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

bv_err bv_worker_run(const bv_worker_opts *o, bv_worker_task_fn fn, void *ctx,
                     bv_worker_stats *stats, bv_status *st)
{
    bv_worker_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    if (o->lease_for_s < 1)
        return bv_fail(st, BV_ERR_ARG, "--lease-for: %d s, must be at least 1", o->lease_for_s);
    if (o->stop_after_s < 0)
        return bv_fail(st, BV_ERR_ARG, "--stop-after: %d s, must not be negative", o->stop_after_s);
    bv_worker w;
    memset(&w, 0, sizeof w);
    w.o = o;
    bv_err e = bv_wq_init(&w.q, o->queue, st);
    if (e != BV_OK)
        return e;
    e = bv_redis_connect_uri(&w.r, o->redis_uri, 10000, st);
    if (e != BV_OK)
        return e;
    keepalive ka;
    ka_start(&ka, o->redis_uri, &w.q, o->lease_for_s);
    double start = bv_worker_now_ms();
    double waiting_since = -1;
    int net_down = 0, pending_run = 0;
    while (!g_stop) {
        if (o->run_for_min > 0 && bv_worker_now_ms() - start >= o->run_for_min * 60e3) {
            logf_line(&w, stdout, "--run-for %.3g min reached", o->run_for_min);
            break;
        }
        bv_wq_item it;
        int got = 0;
        bv_status lst;
        bv_status_clear(&lst);
        /* block at most 1 s at a time, so that signals and --run-for are seen */
        int slice = o->stop_after_s > 1 ? 1 : o->stop_after_s;
        e = bv_wq_lease(w.r, &w.q, o->lease_for_s, slice > 0, slice, &it, &got, &lst);
        if (e != BV_OK) {
            if (!net_down)
                logf_line(&w, stderr, "lease: %s; retrying", lst.msg);
            net_down = 1;
            sleep_ms(1000);
            continue;
        }
        if (net_down) {
            logf_line(&w, stderr, "Redis answers again");
            net_down = 0;
        }
        if (!got) {
            double now = bv_worker_now_ms();
            if (waiting_since < 0)
                waiting_since = now;
            if (slice == 0)
                sleep_ms(1000);
            if (now - waiting_since >= o->stop_after_s * 1e3 && !o->quiet) {
                logf_line(&w, stdout, "Waiting for task...");
                waiting_since = now;
            }
            continue;
        }
        waiting_since = -1;
        stats->leased++;
        w.item = &it;
        w.waited_ms = 0;
        bv_task_outcome out = BV_TASK_DONE;
        bv_status tst;
        bv_status_clear(&tst);
        ka_set(&ka, it.id);
        bv_err te = fn(&w, ctx, &it, &out, &tst);
        ka_set(&ka, NULL);
        w.item = NULL;
        if (te != BV_OK || out != BV_TASK_PENDING)
            pending_run = 0;
        if (te == BV_OK && out == BV_TASK_DONE) {
            if (retry_op(&w, op_complete, it.id, "complete", 1) == BV_OK)
                stats->done++;
        } else if (te == BV_OK && out == BV_TASK_PENDING) {
            stats->pending++;
            if (!o->quiet)
                logf_line(&w, stdout, "item %s returned to the queue: %s", it.id, tst.msg);
            retry_op(&w, op_release, it.id, "release", 0);
            /* the next item may well be ready: pause only when the items
             * keep coming back pending */
            if (++pending_run >= 2)
                sleep_ms(o->pending_pause_ms);
        } else if (te == BV_OK && out == BV_TASK_BAD) {
            stats->set_aside++;
            logf_line(&w, stderr, "item %s set aside: %s", it.id, tst.msg);
            bv_status ast;
            for (;;) {
                bv_status_clear(&ast);
                bv_err ae = bv_wq_set_aside(w.r, &w.q, it.id, tst.msg, it.data, it.len, NULL, &ast);
                if (ae != BV_ERR_NET || g_stop)
                    break;
                sleep_ms(500);
            }
        } else {
            stats->errors++;
            logf_line(&w, stderr, "item %s failed: %s", it.id, tst.msg);
            if (te != BV_ERR_NET)
                sleep_ms(o->error_pause_ms);
            retry_op(&w, op_release, it.id, "release", 0);
        }
        bv_wq_item_free(&it);
    }
    ka_stop(&ka);
    bv_redis_free(w.r);
    return BV_OK;
}

/* ---- proofs in a proof store ---- */

bv_err bv_worker_put_proof(bv_proof_store *s, const char *key, const bv_proof *p,
                           const bv_circuit_data *d, bv_status *st)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    bv_err e = bv_proof_serialize(p, &bv_circuit_data_verifier(d)->circuit_digest, &buf, &len, st);
    if (e == BV_OK)
        e = bv_store_put(s, key, buf, len, st);
    free(buf);
    return e;
}

bv_err bv_worker_get_proof(bv_proof_store *s, const char *key, const bv_verifier_data *vd,
                           const bv_common_data *cd, bv_proof *out, bv_status *st)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    bv_err e = bv_store_get(s, key, &buf, &len, st);
    if (e != BV_OK)
        return e;
    bv_hash digest;
    e = bv_proof_deserialize(cd, buf, len, out, &digest, st);
    free(buf);
    if (e != BV_OK)
        return bv_fail_ctx(st, "proof %s", key);
    if (memcmp(&digest, &vd->circuit_digest, sizeof digest) != 0)
        e = bv_fail(st, BV_ERR_VERIFY, "proof %s was made for another circuit", key);
    if (e == BV_OK && bv_verify(vd, cd, out, st) != BV_OK)
        e = bv_fail_ctx(st, "proof %s does not verify", key);
    if (e != BV_OK)
        bv_proof_free(out);
    return e;
}
