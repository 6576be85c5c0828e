/* bench_work_queue - throughput of the Redis work queue and the JSON codecs.
 *
 *   bench_work_queue [--redis-host H] [--redis-port P] [--items N]
 *
 * Uses prefix bench_wq (deleted before and after) on the given server. One
 * connection, one process: the figures are round-trip bound, so they say
 * what one worker or feeder can do against a local Redis. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "balverify/keys.h"
#include "balverify/kv_json.h"
#include "balverify/redis_conn.h"
#include "balverify/util_clock.h"
#include "balverify/work_queue.h"

static void wipe(bv_redis *r, const bv_work_queue *q)
{
    bv_status st;
    redisReply *rep = bv_redis_cmd(r, &st, "wipe", "EVAL %s 0 %s",
                                   "for _, k in ipairs(redis.call('KEYS', ARGV[1] .. '*')) do "
                                   "redis.call('DEL', k) end return 0",
                                   q->prefix);
    if (rep)
        freeReplyObject(rep);
}

int main(int argc, char **argv)
{
    const char *host = BV_REDIS_DEFAULT_HOST;
    int port = BV_REDIS_DEFAULT_PORT;
    long n = 10000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--redis-host"))
            host = argv[i + 1];
        else if (!strcmp(argv[i], "--redis-port"))
            port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--items"))
            n = atol(argv[i + 1]);
    }
    if (n < 1 || port <= 0) {
        fprintf(stderr, "bench_work_queue: error: bad --items or --redis-port\n");
        return 2;
    }
    bv_status st;
    bv_redis *r;
    bv_work_queue q;
    if (bv_wq_init(&q, "bench_wq", &st) || bv_redis_connect(&r, host, port, 5000, &st)) {
        fprintf(stderr, "bench_work_queue: error: %s\n", st.msg);
        return 1;
    }
    wipe(r, &q);
    uint8_t payload[17];
    bv_mapper_task t = {BV_MAPPER_UPDATE_VALIDATOR_PROOF, 0, 6400};

    double t0 = bv_now_s();
    for (long i = 0; i < n; i++) {
        t.a = (uint64_t)i;
        size_t len = bv_mapper_task_encode(&t, payload);
        if (bv_wq_add(r, &q, payload, len, NULL, &st))
            goto fail;
    }
    double t1 = bv_now_s();
    for (long i = 0; i < n; i++) {
        bv_wq_item it;
        int got;
        if (bv_wq_lease(r, &q, 30, 1, 1, &it, &got, &st) || !got)
            goto fail;
        if (i % 2 == 0) { /* half are completed, half left to expire */
            if (bv_wq_complete(r, &q, it.id, NULL, &st))
                goto fail;
        } else {
            char lk[BV_WQ_KEY_MAX];
            bv_wq_lease_key(&q, it.id, lk);
            bv_redis_del(r, lk, &st);
        }
        bv_wq_item_free(&it);
    }
    double t2 = bv_now_s();
    bv_wq_clean_stats cs;
    if (bv_wq_light_clean(r, &q, &cs, &st))
        goto fail;
    double t3 = bv_now_s();
    printf("work queue, %ld items, one connection to %s:%d\n", n, host, port);
    printf("  add (MULTI SET+LPUSH)        %9.0f items/s\n", n / (t1 - t0));
    printf("  lease + complete/expire      %9.0f items/s (blocking lease, Lua steps)\n",
           n / (t2 - t1));
    printf("  light clean of %ld expired   %9.0f ids/s (requeued %lld)\n", n / 2,
           (double)(n - n / 2) / (t3 - t2), cs.requeued);

    /* JSON codecs: the level-0 input (the largest value a worker reads). */
    bv_balances_input in;
    memset(&in, 0, sizeof in);
    in.num_credentials = 1;
    for (int v = 0; v < 8; v++)
        in.validators[v].effective_balance = 32000000000ULL + (uint64_t)v;
    long reps = 20000;
    double j0 = bv_now_s();
    size_t bytes = 0;
    for (long i = 0; i < reps; i++) {
        in.current_epoch = (uint64_t)i;
        char *js = bv_json_encode_balances_input(&in);
        bytes = strlen(js);
        free(js);
    }
    double j1 = bv_now_s();
    char *js = bv_json_encode_balances_input(&in);
    bv_balances_input back;
    for (long i = 0; i < reps; i++)
        if (bv_json_decode_balances_input(js, strlen(js), &back, &st))
            goto fail;
    double j2 = bv_now_s();
    free(js);
    printf("ValidatorBalancesInput JSON (%zu bytes)\n", bytes);
    printf("  encode                       %9.0f values/s\n", reps / (j1 - j0));
    printf("  decode (strict)              %9.0f values/s\n", reps / (j2 - j1));
    wipe(r, &q);
    bv_redis_free(r);
    return 0;
fail:
    fprintf(stderr, "bench_work_queue: error: %s\n", st.msg);
    wipe(r, &q);
    bv_redis_free(r);
    return 1;
}
