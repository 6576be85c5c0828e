/*
 * balance_verification - the balance-verification worker of one level: it
 * works the queue {proto}:balance_verification_queue:{N} the way DendrETH's
 * Rust worker does (spec/SYSTEM.md sections 3.2 and 5.5-5.6) and proves
 * each task with the circuits of the circuits directory.
 *
 *   balance_verification --level N --protocol P [--redis URI] [--run-for MIN]
 *       [--stop-after S] [--lease-for S] [--child-wait S] [--circuits DIR]
 *       [--config standard|test] [--proof-storage URI]
 *       [--preserve-intermediary-proofs]
 *
 * Level 0: the task's index i selects {proto}:validator_balance_input:{i}
 * (i = 2^40: the zero input). Level N >= 1: the children are (N-1, 2i) and
 * (N-1, 2i+1), or twice (N-1, 2^40) for the zero task. A child whose key
 * does not exist lies past the validators and is the level's zero proof; a
 * child that is still a placeholder (needsChange) is waited for, the lease
 * renewed, for --child-wait seconds, and then the task goes back to the
 * queue: it is never proven with the zero proof in its place (DendrETH's
 * quirk Q1).
 *
 * Each result is saved as the proof object first (exactly a file that
 * `bv_verify --proof` reads, under {proto}:balance_verification_proof_storage:{N}:{i}
 * in the proof storage, by default the same Redis), then the BalanceProof
 * JSON {proto}:balance_verification_proof:{N}:{i}, then the task is
 * completed. Children are never deleted (--preserve-intermediary-proofs is
 * accepted for DendrETH's scripts and is always in effect).
 *
 * A task that cannot be proven (bad payload, missing or malformed input, a
 * statement the circuit rejects such as a sum overflow or children of
 * different credentials) is set aside under {queue}:failed with its reason.
 * With --stop-after 0 the lease does not block and the worker exits when
 * the queue is empty; otherwise it waits S seconds per lease and exits
 * only at --run-for minutes, SIGINT or SIGTERM (after the current task).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "balverify/balance.h"
#include "balverify/balance_pipeline.h"
#include "balverify/circuit_dir.h"
#include "balverify/keys.h"
#include "balverify/kv_json.h"
#include "balverify/proof_store.h"
#include "balverify/redis_conn.h"
#include "balverify/work_queue.h"

static const char *prog = "balance_verification";
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct {
    int level;
    const char *redis;
    const char *protocol;
    double run_for_min; /* < 0: unlimited */
    int stop_after;
    int lease_for;
    int child_wait;
    const char *circuits;
    const char *config;
    const char *storage;
} opts;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s --level N --protocol P [--redis URI] [--run-for MIN] [--stop-after S]\n"
            "       [--lease-for S] [--child-wait S] [--circuits DIR] [--config standard|test]\n"
            "       [--proof-storage URI] [--preserve-intermediary-proofs]\n"
            "  N in 0..%d; defaults: --redis redis://127.0.0.1:6379, --run-for unlimited,\n"
            "  --stop-after 20, --lease-for 30, --child-wait 60, --circuits circuits,\n"
            "  --config standard, --proof-storage: the Redis of --redis\n",
            prog, BV_BAL_TOP_LEVEL);
}

static bv_err parse_int(const char *name, const char *v, long lo, long hi, int *out, bv_status *st)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || !*v || *end || x < lo || x > hi)
        return bv_fail(st, BV_ERR_ARG, "%s: '%s' is not an integer in %ld..%ld", name, v, lo, hi);
    *out = (int)x;
    return BV_OK;
}

static bv_err parse(int argc, char **argv, opts *o, bv_status *st)
{
    memset(o, 0, sizeof *o);
    o->level = -1;
    o->redis = "redis://127.0.0.1:6379";
    o->run_for_min = -1;
    o->stop_after = 20;
    o->lease_for = 30;
    o->child_wait = 60;
    o->circuits = "circuits";
    o->config = "standard";
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i];
        if (!strcmp(k, "-h") || !strcmp(k, "--help")) {
            usage(stdout);
            exit(0);
        }
        if (!strcmp(k, "--preserve-intermediary-proofs"))
            continue;
        if (i + 1 >= argc)
            return bv_fail(st, BV_ERR_ARG, "%s needs a value (try --help)", k);
        const char *v = argv[++i];
        bv_err e = BV_OK;
        if (!strcmp(k, "--level") || !strcmp(k, "-l"))
            e = parse_int(k, v, 0, BV_BAL_TOP_LEVEL, &o->level, st);
        else if (!strcmp(k, "--redis") || !strcmp(k, "-r"))
            o->redis = v;
        else if (!strcmp(k, "--protocol"))
            o->protocol = v;
        else if (!strcmp(k, "--run-for")) {
            if (!strcmp(v, "infinity")) {
                o->run_for_min = -1;
            } else {
                char *end;
                errno = 0;
                double m = strtod(v, &end);
                if (errno || !*v || *end || !(m >= 0) || !isfinite(m))
                    return bv_fail(st, BV_ERR_ARG,
                                   "--run-for: '%s' is not a number of minutes or 'infinity'", v);
                o->run_for_min = m;
            }
        } else if (!strcmp(k, "--stop-after"))
            e = parse_int(k, v, 0, 86400, &o->stop_after, st);
        else if (!strcmp(k, "--lease-for"))
            e = parse_int(k, v, 1, 86400, &o->lease_for, st);
        else if (!strcmp(k, "--child-wait"))
            e = parse_int(k, v, 0, 86400, &o->child_wait, st);
        else if (!strcmp(k, "--circuits"))
            o->circuits = v;
        else if (!strcmp(k, "--config"))
            o->config = v;
        else if (!strcmp(k, "--proof-storage"))
            o->storage = v;
        else
            return bv_fail(st, BV_ERR_ARG, "unknown option %s (try --help)", k);
        if (e)
            return e;
    }
    if (o->level < 0)
        return bv_fail(st, BV_ERR_ARG, "--level is required");
    if (!o->protocol)
        return bv_fail(st, BV_ERR_ARG, "--protocol is required");
    if (!o->storage)
        o->storage = o->redis;
    return bv_key_check_protocol(o->protocol, st);
}

typedef struct {
    const opts *o;
    bv_plonk_config cfg;
    uint32_t ncred;
    bv_bal_level *circ;   /* level N */
    bv_verifier_data cvd; /* level N-1 (N >= 1) */
    bv_common_data ccd;
    int have_child;
    bv_redis *r;
    bv_proof_store *store;
    bv_work_queue q;
    const char *cur_id; /* the task being worked */
    unsigned long proven, set_aside, requeued;
} worker;

/* Outcome of one task besides a hard error (Redis gone, out of memory). */
typedef enum { T_DONE, T_ASIDE, T_PENDING } outcome;

static bv_err save_result(worker *w, uint64_t index, const bv_proof *p, bv_status *st)
{
    unsigned L = (unsigned)w->o->level;
    bv_key sk = bv_key_balance_proof_storage(w->o->protocol, L, index);
    bv_err e = bv_pipeline_store_proof(w->store, sk.s, p, bv_bal_level_data(w->circ), st);
    if (e)
        return e;
    bv_bal_statement s;
    if ((e = bv_bal_statement_of(p, w->ncred, &s, st)))
        return e;
    bv_balance_proof j;
    bv_pipeline_balance_json(&s, sk.s, &j);
    char *json = bv_json_encode_balance_proof(&j);
    if (!json)
        return bv_fail(st, BV_ERR_NOMEM, "BalanceProof JSON: out of memory");
    bv_key jk = bv_key_balance_proof(w->o->protocol, L, index);
    e = bv_redis_set(w->r, jk.s, json, strlen(json), st);
    free(json);
    return e;
}

/* Errors of the circuit or of the data (not of Redis or memory) make the
 * task impossible: it is set aside rather than retried. */
static int is_data_error(bv_err e)
{
    return e == BV_ERR_FORMAT || e == BV_ERR_VERIFY || e == BV_ERR_ARG || e == BV_ERR_IO;
}

static bv_err task_leaf(worker *w, uint64_t index, bv_proof *out, outcome *oc, bv_status *st)
{
    bv_key k = bv_key_balance_input(w->o->protocol, index);
    char *json = NULL;
    size_t jl = 0;
    int found = 0;
    bv_err e = bv_redis_get(w->r, k.s, &json, &jl, &found, st);
    if (e)
        return e;
    if (!found) {
        *oc = T_ASIDE;
        return bv_fail(st, BV_ERR_FORMAT, "input %s is missing", k.s);
    }
    bv_balances_input in;
    e = bv_json_decode_balances_input(json, jl, &in, st);
    free(json);
    if (e) {
        *oc = T_ASIDE;
        return bv_fail_ctx(st, "%s", k.s);
    }
    if (in.num_credentials != w->ncred) {
        *oc = T_ASIDE;
        return bv_fail(st, BV_ERR_FORMAT,
                       "%s has %u withdrawal credential(s); the circuits in %s are for %u", k.s,
                       in.num_credentials, w->o->circuits, w->ncred);
    }
    bv_bal_leaf_input li;
    bv_pipeline_leaf_input(&in, &li);
    e = bv_bal_prove_leaf(w->circ, &li, out, st);
    if (e && is_data_error(e)) {
        *oc = T_ASIDE;
        bv_fail_ctx(st, "proving %s", k.s);
    }
    return e;
}

/* One child: *pending = 1 when it is still a placeholder (or the zero
 * proof it stands for is). */
static bv_err fetch_child(worker *w, uint64_t child, bv_proof *p, int *pending, outcome *oc,
                          bv_status *st)
{
    unsigned L = (unsigned)w->o->level - 1;
    *pending = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        bv_key k = bv_key_balance_proof(w->o->protocol, L, child);
        char *json = NULL;
        size_t jl = 0;
        int found = 0;
        bv_err e = bv_redis_get(w->r, k.s, &json, &jl, &found, st);
        if (e)
            return e;
        if (!found) {
            if (child != BV_REGISTRY_LIMIT) { /* past the validators: the zero proof */
                child = BV_REGISTRY_LIMIT;
                continue;
            }
            *pending = 1; /* the zero proof of the level below is not even scheduled yet */
            return BV_OK;
        }
        bv_balance_proof bp;
        e = bv_json_decode_balance_proof(json, jl, &bp, st);
        free(json);
        if (e) {
            *oc = T_ASIDE;
            return bv_fail_ctx(st, "child %s", k.s);
        }
        if (bp.needs_change || !bp.has_data) {
            *pending = 1;
            return BV_OK;
        }
        e = bv_pipeline_load_proof_vd(w->store, bp.proof_key, &w->cvd, &w->ccd, p, st);
        if (e && e != BV_ERR_NET && e != BV_ERR_NOMEM) {
            *oc = T_ASIDE;
            bv_fail_ctx(st, "child %s", k.s);
        }
        return e;
    }
    return bv_fail(st, BV_ERR_INTERNAL, "child lookup did not settle");
}

static bv_err task_node(worker *w, uint64_t index, bv_proof *out, outcome *oc, bv_status *st)
{
    uint64_t c[2] = {BV_REGISTRY_LIMIT, BV_REGISTRY_LIMIT};
    if (index != BV_REGISTRY_LIMIT) {
        c[0] = 2 * index;
        c[1] = 2 * index + 1;
    }
    bv_proof kids[2];
    int have[2] = {0, 0};
    bv_err e = BV_OK;
    double t0 = now_s();
    int announced = 0;
    for (;;) {
        int pending = 0;
        for (int i = 0; i < 2 && !e && !pending; i++) {
            if (have[i])
                continue;
            int pend = 0;
            e = fetch_child(w, c[i], &kids[i], &pend, oc, st);
            if (!e && !pend)
                have[i] = 1;
            pending |= pend;
        }
        if (e || !pending)
            break;
        if (now_s() - t0 >= w->o->child_wait || stop_requested) {
            *oc = T_PENDING;
            break;
        }
        if (!announced) {
            printf("level %d index %" PRIu64 ": waiting for a child of level %d\n", w->o->level,
                   index, w->o->level - 1);
            fflush(stdout);
            announced = 1;
        }
        sleep(1);
        int renewed;
        if ((e = bv_wq_renew(w->r, &w->q, w->cur_id, w->o->lease_for, &renewed, st)))
            break;
    }
    if (!e && *oc != T_PENDING) {
        e = bv_bal_prove_node(w->circ, &kids[0], &kids[1], out, st);
        if (e && is_data_error(e)) {
            *oc = T_ASIDE;
            bv_fail_ctx(st, "proving level %d index %" PRIu64, w->o->level, index);
        }
    }
    for (int i = 0; i < 2; i++)
        if (have[i])
            bv_proof_free(&kids[i]);
    return e;
}

static bv_err run_item(worker *w, bv_wq_item *it, bv_status *st)
{
    uint64_t index = 0;
    outcome oc = T_DONE;
    bv_err e = bv_balance_task_decode((unsigned)w->o->level, it->data, it->len, &index, st);
    if (e)
        oc = T_ASIDE;
    bv_proof p;
    int have = 0;
    double t0 = now_s();
    w->cur_id = it->id;
    if (!e) {
        e = w->o->level == 0 ? task_leaf(w, index, &p, &oc, st) : task_node(w, index, &p, &oc, st);
        have = !e && oc == T_DONE;
    }
    if (have) {
        e = save_result(w, index, &p, st);
        bv_proof_free(&p);
        if (!e)
            e = bv_wq_complete(w->r, &w->q, it->id, NULL, st);
        if (!e) {
            w->proven++;
            printf("level %d index %" PRIu64 ": proven and saved (%.2f s)\n", w->o->level, index,
                   now_s() - t0);
            fflush(stdout);
        }
        return e;
    }
    if (oc == T_ASIDE) {
        char reason[sizeof st->msg];
        snprintf(reason, sizeof reason, "%s", st->msg);
        fprintf(stderr, "%s: item %s set aside: %s\n", prog, it->id, reason);
        w->set_aside++;
        return bv_wq_set_aside(w->r, &w->q, it->id, reason, it->data, it->len, NULL, st);
    }
    if (e)
        return e;
    /* T_PENDING: hand the task back (a new item with the same payload) */
    if ((e = bv_wq_add(w->r, &w->q, it->data, it->len, NULL, st)) ||
        (e = bv_wq_complete(w->r, &w->q, it->id, NULL, st)))
        return e;
    w->requeued++;
    printf("level %d index %" PRIu64 ": a child is still pending after %d s: task re-queued\n",
           w->o->level, index, w->o->child_wait);
    fflush(stdout);
    return BV_OK;
}

static bv_err setup(worker *w, bv_status *st)
{
    const opts *o = w->o;
    bv_err e = bv_plonk_config_by_name(o->config, &w->cfg, st);
    if (e)
        return e;
    if ((e = bv_pipeline_dir_check(o->circuits, &w->cfg, 0, &w->ncred, st)))
        return e;
    char name[64];
    bv_bal_circuit_name((uint32_t)o->level, name, sizeof name);
    if (!bv_circuit_dir_has(o->circuits, name))
        return bv_fail(st, BV_ERR_IO,
                       "%s/%s.{circuit,prover} missing: run "
                       "balance_verification_circuit_data_generation --circuits %s first",
                       o->circuits, name, o->circuits);
    if ((e = bv_pipeline_circuit_credentials(o->circuits, name, &w->cfg, &w->ncred, st)))
        return e;
    if ((e = bv_bal_level_load(o->circuits, w->ncred, (uint32_t)o->level, &w->cfg, &w->circ, st)))
        return e;
    if (o->level > 0) {
        bv_bal_circuit_name((uint32_t)o->level - 1, name, sizeof name);
        if ((e = bv_circuit_dir_load_verifier(o->circuits, name, &w->cfg, &w->cvd, &w->ccd, st)))
            return e;
        w->have_child = 1;
    }
    if ((e = bv_redis_connect_uri(&w->r, o->redis, 10000, st)))
        return e;
    if ((e = bv_proof_store_open(o->storage, 1, &w->store, st)))
        return bv_fail_ctx(st, "--proof-storage %s", o->storage);
    return bv_wq_init(&w->q, bv_queue_balance(o->protocol, (unsigned)o->level).s, st);
}

static bv_err work(worker *w, bv_status *st)
{
    const opts *o = w->o;
    double t_end = o->run_for_min < 0 ? INFINITY : now_s() + 60.0 * o->run_for_min;
    printf("%s: level %d, %u credential(s), queue %s\n", prog, o->level, w->ncred, w->q.prefix);
    fflush(stdout);
    while (!stop_requested && now_s() < t_end) {
        bv_wq_item it;
        int got = 0;
        bv_err e =
            bv_wq_lease(w->r, &w->q, o->lease_for, o->stop_after > 0, o->stop_after, &it, &got, st);
        if (e)
            return e;
        if (!got) {
            if (o->stop_after == 0)
                break;
            printf("waiting for tasks\n");
            fflush(stdout);
            continue;
        }
        e = run_item(w, &it, st);
        bv_wq_item_free(&it);
        if (e)
            return e;
    }
    printf("%s: level %d: %lu proven, %lu set aside, %lu re-queued\n", prog, o->level, w->proven,
           w->set_aside, w->requeued);
    return BV_OK;
}

int main(int argc, char **argv)
{
    bv_status st;
    bv_status_clear(&st);
    opts o;
    bv_err e = parse(argc, argv, &o, &st);
    worker w;
    memset(&w, 0, sizeof w);
    w.o = &o;
    if (!e) {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        e = setup(&w, &st);
    }
    if (!e)
        e = work(&w, &st);
    bv_bal_level_free(w.circ);
    if (w.have_child)
        bv_common_data_release(&w.ccd);
    bv_proof_store_close(w.store);
    bv_redis_free(w.r);
    if (e) {
        fprintf(stderr, "%s: error: %s\n", prog, st.msg);
        return bv_exit_code(e);
    }
    return 0;
}
