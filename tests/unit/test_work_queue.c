/* test_work_queue.c - the work queue, the connection helper and slot
 * lookups against a real redis-server started on a free port. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "balverify/keys.h"
#include "balverify/mirror.h"
#include "balverify/proof_store.h"
#include "balverify/redis_conn.h"
#include "balverify/util_bytes.h"
#include "balverify/util_clock.h"
#include "balverify/work_queue.h"
#include "cu_main.h"

static pid_t g_server = -1;
static int g_port;
static bv_redis *g_r;
static char g_dir[] = "/tmp/bv_wq_test_XXXXXX";

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t l = sizeof a;
    if (bind(s, (struct sockaddr *)&a, sizeof a) || getsockname(s, (struct sockaddr *)&a, &l)) {
        close(s);
        return -1;
    }
    close(s);
    return ntohs(a.sin_port);
}

static int start_server(void)
{
    char port[16];
    snprintf(port, sizeof port, "%d", g_port);
    pid_t p = fork();
    if (p == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        execlp("redis-server", "redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", g_dir, (char *)NULL);
        _exit(127);
    }
    g_server = p;
    for (int i = 0; i < 100; i++) {
        bv_redis *r;
        bv_status st;
        if (bv_redis_connect(&r, "127.0.0.1", g_port, 1000, &st) == BV_OK) {
            redisReply *rep = bv_redis_cmd(r, &st, "ping", "PING");
            bv_redis_free(r);
            if (rep) {
                freeReplyObject(rep);
                return 0;
            }
        }
        usleep(50000);
    }
    return -1;
}

static void stop_server(void)
{
    if (g_server > 0) {
        kill(g_server, SIGKILL);
        waitpid(g_server, NULL, 0);
        g_server = -1;
    }
}

static void cleanup(void)
{
    stop_server();
    rmdir(g_dir);
}

static int have_server(void)
{
    return g_r != NULL;
}

#define NEED_SERVER()                                                                              \
    do {                                                                                           \
        if (!have_server())                                                                        \
            BV_SKIP("redis-server is not installed");                                              \
    } while (0)

static long long cmd_int(const char *fmt, const char *arg)
{
    bv_status st;
    redisReply *rep = bv_redis_cmd(g_r, &st, "test", fmt, arg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
    long long v = rep->type == REDIS_REPLY_INTEGER ? rep->integer : -999;
    freeReplyObject(rep);
    return v;
}

static void flush(void)
{
    bv_status st;
    redisReply *rep = bv_redis_cmd(g_r, &st, "flush", "FLUSHALL");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rep);
    freeReplyObject(rep);
}

/* LRANGE key 0 -1 joined with ',' */
static void lrange(const char *key, char *out, size_t n)
{
    bv_status st;
    redisReply *rep = bv_redis_cmd(g_r, &st, "lrange", "LRANGE %s 0 -1", key);
    out[0] = 0;
    if (!rep)
        return;
    for (size_t i = 0; i < rep->elements; i++) {
        if (i)
            strncat(out, ",", n - strlen(out) - 1);
        strncat(out, rep->element[i]->str, n - strlen(out) - 1);
    }
    freeReplyObject(rep);
}

static int is_uuid4(const char *s)
{
    if (strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (!strchr("0123456789abcdef", s[i])) {
            return 0;
        }
    }
    return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

static void test_roundtrip(void)
{
    NEED_SERVER();
    flush();
    bv_work_queue q;
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_wq_init(&q, "t", &st), BV_OK);
    CU_ASSERT(is_uuid4(q.session));
    const uint8_t data[] = {0, 255, 0, 10, 13, '"', '\\', 0};
    char id[37];
    CU_ASSERT_EQUAL_FATAL(bv_wq_add(g_r, &q, data, sizeof data, id, &st), BV_OK);
    CU_ASSERT(is_uuid4(id));
    long long nq, np;
    CU_ASSERT_EQUAL(bv_wq_lengths(g_r, &q, &nq, &np, &st), BV_OK);
    CU_ASSERT(nq == 1 && np == 0);
    bv_wq_item it;
    int got;
    CU_ASSERT_EQUAL_FATAL(bv_wq_lease(g_r, &q, 30, 1, 1, &it, &got, &st), BV_OK);
    CU_ASSERT_FATAL(got);
    CU_ASSERT_STRING_EQUAL(it.id, id);
    CU_ASSERT_EQUAL(it.len, sizeof data);
    CU_ASSERT_EQUAL(memcmp(it.data, data, sizeof data), 0);
    CU_ASSERT(it.had_data);
    char lk[BV_WQ_KEY_MAX];
    bv_wq_lease_key(&q, id, lk);
    CU_ASSERT_EQUAL(strncmp(lk, "t:leased_by_session:", 20), 0);
    long long ttl = cmd_int("TTL %s", lk);
    CU_ASSERT(ttl >= 29 && ttl <= 30);
    CU_ASSERT_EQUAL(bv_wq_lengths(g_r, &q, &nq, &np, &st), BV_OK);
    CU_ASSERT(nq == 0 && np == 1);
    int removed;
    CU_ASSERT_EQUAL(bv_wq_complete(g_r, &q, id, &removed, &st), BV_OK);
    CU_ASSERT_EQUAL(removed, 1);
    CU_ASSERT_EQUAL(bv_wq_complete(g_r, &q, id, &removed, &st), BV_OK);
    CU_ASSERT_EQUAL(removed, 0);
    CU_ASSERT_EQUAL(cmd_int("DBSIZE%s", ""), 0);
    bv_wq_item_free(&it);
}

static void test_fifo_and_empty(void)
{
    NEED_SERVER();
    flush();
    bv_work_queue q;
    bv_status st;
    bv_wq_init(&q, "t", &st);
    char ids[3][37];
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(bv_wq_add(g_r, &q, "x", 1, ids[i], &st), BV_OK);
    for (int i = 0; i < 3; i++) {
        bv_wq_item it;
        int got;
        CU_ASSERT_EQUAL(bv_wq_lease(g_r, &q, 30, 0, 0, &it, &got, &st), BV_OK);
        CU_ASSERT(got && strcmp(it.id, ids[i]) == 0);
        bv_wq_item_free(&it);
    }
    bv_wq_item it;
    int got = 1;
    CU_ASSERT_EQUAL(bv_wq_lease(g_r, &q, 30, 0, 0, &it, &got, &st), BV_OK);
    CU_ASSERT_EQUAL(got, 0);
    double t0 = bv_now_s();
    CU_ASSERT_EQUAL(bv_wq_lease(g_r, &q, 30, 1, 1, &it, &got, &st), BV_OK);
    double dt = bv_now_s() - t0;
    CU_ASSERT_EQUAL(got, 0);
    CU_ASSERT(dt > 0.7 && dt < 3.0);
    /* lease of 0 s: refused before any pop */
    CU_ASSERT_EQUAL(bv_wq_add(g_r, &q, "y", 1, NULL, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_wq_lease(g_r, &q, 0, 0, 0, &it, &got, &st), BV_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "t:queue"));
    long long nq;
    bv_wq_lengths(g_r, &q, &nq, NULL, &st);
    CU_ASSERT_EQUAL(nq, 1);
    CU_ASSERT_EQUAL(bv_wq_lease(g_r, &q, 5, 1, -1, &it, &got, &st), BV_ERR_ARG);
}

static void test_add_many(void)
{
    NEED_SERVER();
    flush();
    bv_work_queue q;
    bv_status st;
    bv_wq_init(&q, "t", &st);
    const uint8_t a[1] = {1}, b[3] = {0, 2, 0}, *data[3] = {a, b, NULL};
    const size_t lens[3] = {1, 3, 0};
    char ids[3][37];
    CU_ASSERT_EQUAL_FATAL(bv_wq_add_many(g_r, &q, 3, data, lens, ids, &st), BV_OK);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT(is_uuid4(ids[i]));
        bv_wq_item it;
        int got;
        CU_ASSERT_EQUAL(bv_wq_lease(g_r, &q, 30, 0, 0, &it, &got, &st), BV_OK);
        CU_ASSERT(got && strcmp(it.id, ids[i]) == 0 && it.len == lens[i] && it.had_data);
        if (got && lens[i])
            CU_ASSERT_EQUAL(memcmp(it.data, data[i], lens[i]), 0);
        bv_wq_item_free(&it);
    }
    CU_ASSERT_EQUAL(bv_wq_add_many(g_r, &q, 0, NULL, NULL, NULL, &st), BV_OK);
    q.profile = BV_WQ_V3;
    CU_ASSERT_EQUAL(bv_wq_add_many(g_r, &q, 1, data, lens, NULL, &st), BV_ERR_ARG);
}

static void test_orphans(void)
{
    NEED_SERVER();
    flush();
    bv_work_queue q;
    bv_status st;
    bv_wq_init(&q, "t", &st);
    cmd_int("LPUSH t:queue %s", "ghost");
    bv_wq_item it;
    int got;
    CU_ASSERT_EQUAL(bv_wq_lease(g_r, &q, 30, 1, 1, &it, &got, &st), BV_OK);
    CU_ASSERT(got && strcmp(it.id, "ghost") == 0 && it.len == 0 && !it.had_data);
    CU_ASSERT_EQUAL(cmd_int("EXISTS %s", "t:leased_by_session:ghost"), 1);
    int removed;
    bv_wq_complete(g_r, &q, "ghost", &removed, &st);
    CU_ASSERT_EQUAL(removed, 1);
    bv_wq_item_free(&it);

    q.orphan = BV_WQ_ORPHAN_DROP;
    for (int block = 0; block < 2; block++) {
        flush();
        cmd_int("LPUSH t:queue %s", "ghost");
        char id[37];
        bv_wq_add(g_r, &q, "real", 4, id, &st);
        cmd_int("LPUSH t:queue %s", "ghost2");
        CU_ASSERT_EQUAL(bv_wq_lease(g_r, &q, 30, block, 1, &it, &got, &st), BV_OK);
        CU_ASSERT(got && strcmp(it.id, id) == 0 && it.len == 4);
        char buf[256];
        lrange("t:processing", buf, sizeof buf);
        CU_ASSERT_STRING_EQUAL(buf, id);
        CU_ASSERT_EQUAL(cmd_int("EXISTS %s", "t:leased_by_session:ghost"), 0);
        bv_wq_item_free(&it);
        /* only an orphan left: nothing, and it is gone */
        CU_ASSERT_EQUAL(bv_wq_lease(g_r, &q, 30, block, 1, &it, &got, &st), BV_OK);
        CU_ASSERT_EQUAL(got, 0);
        lrange("t:queue", buf, sizeof buf);
        CU_ASSERT_STRING_EQUAL(buf, "");
    }
}

static void test_light_clean(void)
{
    NEED_SERVER();
    flush();
    bv_work_queue q;
    bv_status st;
    bv_wq_init(&q, "t", &st);
    char a[37], b[37], c[37];
    bv_wq_add(g_r, &q, "a", 1, a, &st);
    bv_wq_add(g_r, &q, "b", 1, b, &st);
    bv_wq_add(g_r, &q, "c", 1, c, &st);
    bv_wq_item it;
    int got;
    for (int i = 0; i < 3; i++) {
        bv_wq_lease(g_r, &q, 30, 0, 0, &it, &got, &st);
        bv_wq_item_free(&it);
    }
    char k[BV_WQ_KEY_MAX];
    bv_wq_lease_key(&q, a, k);
    cmd_int("DEL %s", k); /* a expired */
    bv_wq_lease_key(&q, b, k);
    cmd_int("DEL %s", k); /* b expired and its data gone: an orphan */
    bv_wq_item_key(&q, b, k);
    cmd_int("DEL %s", k);
    char d[37];
    bv_wq_add(g_r, &q, "d", 1, d, &st); /* waiting */
    bv_wq_clean_stats cs;
    CU_ASSERT_EQUAL(bv_wq_light_clean(g_r, &q, &cs, &st), BV_OK);
    CU_ASSERT(cs.requeued == 1 && cs.dropped == 1 && cs.journal_drained == 0);
    char buf[512], want[512];
    lrange("t:queue", buf, sizeof buf);
    snprintf(want, sizeof want, "%s,%s", d, a); /* a at the consumer end */
    CU_ASSERT_STRING_EQUAL(buf, want);
    lrange("t:processing", buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, c);
    /* back placement option */
    flush();
    q.requeue = BV_WQ_REQUEUE_BACK;
    bv_wq_add(g_r, &q, "a", 1, a, &st);
    bv_wq_lease(g_r, &q, 30, 0, 0, &it, &got, &st);
    bv_wq_item_free(&it);
    bv_wq_add(g_r, &q, "d", 1, d, &st);
    bv_wq_lease_key(&q, a, k);
    cmd_int("DEL %s", k);
    bv_wq_light_clean(g_r, &q, NULL, &st);
    lrange("t:queue", buf, sizeof buf);
    snprintf(want, sizeof want, "%s,%s", a, d);
    CU_ASSERT_STRING_EQUAL(buf, want);
    q.requeue = BV_WQ_REQUEUE_FRONT;

    /* journal: with data and in no list -> requeued; without data ->
     * dropped; already queued -> not duplicated; leased -> left alone. */
    flush();
    cmd_int("SET t:item:j1 %s", "x");
    cmd_int("SET t:item:j3 %s", "x");
    cmd_int("LPUSH t:queue %s", "j3");
    cmd_int("SET t:item:j4 %s", "x");
    cmd_int("LPUSH t:processing %s", "j4");
    redisReply *rep = bv_redis_cmd(g_r, &st, "setex", "SETEX t:leased_by_session:j4 30 s");
    freeReplyObject(rep);
    rep = bv_redis_cmd(g_r, &st, "lpush", "LPUSH t:cleaning j1 j2 j3 j4");
    freeReplyObject(rep);
    CU_ASSERT_EQUAL(bv_wq_light_clean(g_r, &q, &cs, &st), BV_OK);
    CU_ASSERT(cs.journal_drained == 4 && cs.journal_requeued == 1);
    lrange("t:queue", buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "j3,j1");
    CU_ASSERT_EQUAL(cmd_int("EXISTS %s", "t:cleaning"), 0);
    lrange("t:processing", buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "j4");
}

static void test_set_aside_and_renew(void)
{
    NEED_SERVER();
    flush();
    bv_work_queue q;
    bv_status st;
    bv_wq_init(&q, "t", &st);
    char id[37];
    const uint8_t bad[3] = {1, 2, 0xff};
    bv_wq_add(g_r, &q, bad, 3, id, &st);
    bv_wq_item it;
    int got, removed, renewed;
    bv_wq_lease(g_r, &q, 30, 0, 0, &it, &got, &st);
    CU_ASSERT_EQUAL(bv_wq_renew(g_r, &q, id, 100, &renewed, &st), BV_OK);
    CU_ASSERT_EQUAL(renewed, 1);
    char k[BV_WQ_KEY_MAX];
    bv_wq_lease_key(&q, id, k);
    CU_ASSERT(cmd_int("TTL %s", k) > 90);
    CU_ASSERT_EQUAL(
        bv_wq_set_aside(g_r, &q, id, "payload of 3 bytes", it.data, it.len, &removed, &st), BV_OK);
    CU_ASSERT_EQUAL(removed, 1);
    CU_ASSERT_EQUAL(cmd_int("EXISTS %s", k), 0);
    bv_wq_item_key(&q, id, k);
    CU_ASSERT_EQUAL(cmd_int("EXISTS %s", k), 0);
    char buf[512];
    lrange("t:failed", buf, sizeof buf);
    char want[256];
    snprintf(want, sizeof want,
             "{\"id\":\"%s\",\"reason\":\"payload of 3 bytes\",\"data\":\"0102ff\",\"length\":3}",
             id);
    CU_ASSERT_STRING_EQUAL(buf, want);
    lrange("t:processing", buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "");
    CU_ASSERT_EQUAL(bv_wq_renew(g_r, &q, id, 100, &renewed, &st), BV_OK);
    CU_ASSERT_EQUAL(renewed, 0);
    bv_wq_item_free(&it);
}

/* release: back to the far end of the queue, lease gone; a second release,
 * or one after the item was completed, pushes nothing. */
static void test_release(void)
{
    NEED_SERVER();
    flush();
    bv_work_queue q;
    bv_status st;
    bv_wq_init(&q, "t", &st);
    char a[37], b[37];
    bv_wq_add(g_r, &q, "a", 1, a, &st);
    bv_wq_add(g_r, &q, "b", 1, b, &st);
    bv_wq_item it;
    int got, released;
    bv_wq_lease(g_r, &q, 30, 0, 0, &it, &got, &st);
    CU_ASSERT_STRING_EQUAL(it.id, a);
    CU_ASSERT_EQUAL(bv_wq_release(g_r, &q, a, &released, &st), BV_OK);
    CU_ASSERT_EQUAL(released, 1);
    char k[BV_WQ_KEY_MAX], buf[256], want[256];
    bv_wq_lease_key(&q, a, k);
    CU_ASSERT_EQUAL(cmd_int("EXISTS %s", k), 0);
    lrange("t:processing", buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "");
    snprintf(want, sizeof want, "%s,%s", a, b); /* a behind b: b is leased next */
    lrange("t:queue", buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, want);
    CU_ASSERT_EQUAL(bv_wq_release(g_r, &q, a, &released, &st), BV_OK);
    CU_ASSERT_EQUAL(released, 0);
    bv_wq_item_free(&it);
    bv_wq_lease(g_r, &q, 30, 0, 0, &it, &got, &st);
    CU_ASSERT_STRING_EQUAL(it.id, b);
    bv_wq_complete(g_r, &q, b, NULL, &st);
    CU_ASSERT_EQUAL(bv_wq_release(g_r, &q, b, &released, &st), BV_OK);
    CU_ASSERT_EQUAL(released, 0);
    lrange("t:queue", buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, a);
    bv_wq_item_free(&it);
}

static void test_v3_profile(void)
{
    NEED_SERVER();
    flush();
    bv_work_queue q;
    bv_status st;
    bv_wq_init(&q, "t", &st);
    q.profile = BV_WQ_V3;
    CU_ASSERT_EQUAL(bv_wq_add_id(g_r, &q, "X", "d1", 2, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_wq_add_id(g_r, &q, "X", "d2", 2, &st), BV_OK); /* ignored */
    char buf[256];
    lrange("t:queue", buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "X");
    bv_wq_item it;
    int got, removed;
    bv_wq_lease(g_r, &q, 30, 1, 1, &it, &got, &st);
    CU_ASSERT(got && it.len == 2 && memcmp(it.data, "d1", 2) == 0);
    CU_ASSERT_EQUAL(cmd_int("EXISTS %s", "t:lease:X"), 1);
    CU_ASSERT_EQUAL(cmd_int("EXISTS %s", "t:leased_by_session:X"), 0);
    CU_ASSERT_EQUAL(bv_wq_complete(g_r, &q, "X", &removed, &st), BV_OK);
    CU_ASSERT_EQUAL(removed, 1);
    CU_ASSERT_EQUAL(cmd_int("DBSIZE%s", ""), 0);
    bv_wq_item_free(&it);
}

static void test_duplicates(void)
{
    NEED_SERVER();
    flush();
    bv_work_queue q;
    bv_status st;
    bv_wq_init(&q, "t", &st);
    bv_wq_add_id(g_r, &q, "X", "d1", 2, &st);
    bv_wq_add_id(g_r, &q, "X", "d2", 2, &st);
    bv_wq_item a, b;
    int got, removed;
    bv_wq_lease(g_r, &q, 30, 0, 0, &a, &got, &st);
    bv_wq_lease(g_r, &q, 30, 0, 0, &b, &got, &st);
    CU_ASSERT(memcmp(a.data, "d2", 2) == 0 && memcmp(b.data, "d2", 2) == 0);
    bv_wq_complete(g_r, &q, "X", &removed, &st);
    CU_ASSERT_EQUAL(removed, 1);
    bv_wq_complete(g_r, &q, "X", &removed, &st);
    CU_ASSERT_EQUAL(removed, 0);
    CU_ASSERT_EQUAL(cmd_int("DBSIZE%s", ""), 0);
    bv_wq_item_free(&a);
    bv_wq_item_free(&b);
}

static void test_bad_args_and_types(void)
{
    NEED_SERVER();
    flush();
    bv_work_queue q;
    bv_status st;
    CU_ASSERT_EQUAL(bv_wq_init(&q, "", &st), BV_ERR_ARG);
    char longp[300];
    memset(longp, 'p', sizeof longp - 1);
    longp[sizeof longp - 1] = 0;
    CU_ASSERT_EQUAL(bv_wq_init(&q, longp, &st), BV_ERR_ARG);
    bv_wq_init(&q, "t", &st);
    CU_ASSERT_EQUAL(bv_wq_complete(g_r, &q, "", NULL, &st), BV_ERR_ARG);
    /* a key of the wrong type is reported with the server's words */
    redisReply *rep = bv_redis_cmd(g_r, &st, "set", "SET t:queue notalist");
    freeReplyObject(rep);
    bv_wq_item it;
    int got;
    CU_ASSERT_EQUAL(bv_wq_lease(g_r, &q, 30, 0, 0, &it, &got, &st), BV_ERR_NET);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "WRONGTYPE"));
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "t:queue"));
    CU_ASSERT_EQUAL(bv_wq_add(g_r, &q, "x", 1, NULL, &st), BV_ERR_NET);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "WRONGTYPE"));
}

static void test_uri_and_lookup(void)
{
    NEED_SERVER();
    flush();
    bv_status st;
    bv_redis *r;
    char uri[128];
    snprintf(uri, sizeof uri, "redis://127.0.0.1:%d/2", g_port);
    CU_ASSERT_EQUAL_FATAL(bv_redis_connect_uri(&r, uri, 2000, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_redis_set(r, "k", "v", 1, &st), BV_OK);
    bv_redis_free(r);
    CU_ASSERT_EQUAL(cmd_int("EXISTS %s", "k"), 0); /* it went to db 2 */
    CU_ASSERT_EQUAL(bv_redis_connect_uri(&r, "http://x:1", 100, &st), BV_ERR_ARG);
    CU_ASSERT_EQUAL(bv_redis_connect_uri(&r, "redis://127.0.0.1:99999", 100, &st), BV_ERR_ARG);
    CU_ASSERT_EQUAL(bv_redis_connect_uri(&r, "redis://127.0.0.1:12/x", 100, &st), BV_ERR_ARG);

    bv_key z = bv_key_validator_lookup(7);
    int found;
    uint64_t v;
    CU_ASSERT_EQUAL(bv_lookup_latest(g_r, z.s, 100, &found, &v, &st), BV_OK);
    CU_ASSERT_EQUAL(found, 0);
    bv_lookup_add(g_r, z.s, 10, &st);
    bv_lookup_add(g_r, z.s, 30, &st);
    bv_lookup_add(g_r, z.s, 20, &st);
    CU_ASSERT_EQUAL(bv_lookup_latest(g_r, z.s, 25, &found, &v, &st), BV_OK);
    CU_ASSERT(found && v == 20);
    bv_lookup_latest(g_r, z.s, 30, &found, &v, &st);
    CU_ASSERT(found && v == 30);
    bv_lookup_latest(g_r, z.s, 9, &found, &v, &st);
    CU_ASSERT_EQUAL(found, 0);
    char *val;
    size_t len;
    CU_ASSERT_EQUAL(bv_redis_get(g_r, "validator:7:slot_lookup", &val, &len, &found, &st),
                    BV_ERR_NET); /* a ZSET read as a string */
}

static void test_proof_store(void)
{
    NEED_SERVER();
    flush();
    bv_status st;
    bv_proof_store *ps;
    char uri[128];
    snprintf(uri, sizeof uri, "redis://127.0.0.1:%d", g_port);
    CU_ASSERT_EQUAL_FATAL(bv_proof_store_open_ops(&bv_store_redis_ops, uri, 1, &ps, &st), BV_OK);
    const uint8_t proof[5] = {0, 1, 0xfe, 0, 7};
    const char *key = "lido:balance_verification_proof_storage:0:3";
    CU_ASSERT_EQUAL(bv_store_put(ps, key, proof, 5, &st), BV_OK);
    int found;
    CU_ASSERT_EQUAL(bv_store_exists(ps, key, &found, &st), BV_OK);
    CU_ASSERT_EQUAL(found, 1);
    uint8_t *d;
    size_t n;
    CU_ASSERT_EQUAL(bv_store_get(ps, key, &d, &n, &st), BV_OK);
    CU_ASSERT(n == 5 && memcmp(d, proof, 5) == 0);
    free(d);
    /* the raw bytes are what DendrETH's redis storage reads with GET */
    char *raw;
    size_t rl;
    bv_redis_get(g_r, key, &raw, &rl, &found, &st);
    CU_ASSERT(found && rl == 5 && memcmp(raw, proof, 5) == 0);
    free(raw);
    CU_ASSERT_EQUAL(bv_store_put(ps, "empty", NULL, 0, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_store_get(ps, "empty", &d, &n, &st), BV_OK);
    CU_ASSERT(d != NULL && n == 0);
    free(d);
    CU_ASSERT_EQUAL(bv_store_del(ps, key, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_store_del(ps, key, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_store_get(ps, key, &d, &n, &st), BV_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, key));
    CU_ASSERT_EQUAL(bv_store_put(ps, "../evil", proof, 1, &st), BV_ERR_ARG);
    bv_proof_store_close(ps);
    CU_ASSERT_EQUAL(
        bv_proof_store_open_ops(&bv_store_redis_ops, "redis://127.0.0.1:1", 1, &ps, &st),
        BV_ERR_NET);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "redis proof store"));
}

static void put32(FILE *f, uint32_t v)
{
    uint8_t b[4];
    bv_put_le32(b, v);
    fwrite(b, 1, 4, f);
}

static void test_spool_replay(void)
{
    NEED_SERVER();
    flush();
    char path[] = "/tmp/bv_spool_XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    fwrite("BVSPOOL1", 1, 8, f);
    const char *k1 = "lido:balance_verification_proof:0:1", *v1 = "{\"needsChange\":false}";
    fputc(0, f); /* SET */
    put32(f, (uint32_t)strlen(k1));
    fwrite(k1, 1, strlen(k1), f);
    put32(f, (uint32_t)strlen(v1));
    fwrite(v1, 1, strlen(v1), f);
    const char *k2 = "validator_proof:1:slot_lookup", *v2 = "6400";
    fputc(1, f); /* ZADD */
    put32(f, (uint32_t)strlen(k2));
    fwrite(k2, 1, strlen(k2), f);
    put32(f, 4);
    fwrite(v2, 1, 4, f);
    fclose(f);
    char uri[64];
    snprintf(uri, sizeof uri, "redis://127.0.0.1:%d", g_port);
    uint64_t n;
    bv_status st;
    CU_ASSERT_EQUAL(bv_mirror_replay_spool(uri, path, &n, &st), BV_OK);
    CU_ASSERT_EQUAL(n, 2);
    char *v;
    size_t len;
    int found;
    bv_redis_get(g_r, k1, &v, &len, &found, &st);
    CU_ASSERT(found && strcmp(v, v1) == 0);
    free(v);
    int fz;
    uint64_t at;
    bv_lookup_latest(g_r, k2, 7000, &fz, &at, &st);
    CU_ASSERT(fz && at == 6400);
    /* truncated: the last record is cut */
    f = fopen(path, "r+b");
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fclose(f);
    CU_ASSERT_EQUAL(truncate(path, sz - 2), 0);
    CU_ASSERT_EQUAL(bv_mirror_replay_spool(uri, path, &n, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "truncated record 1"));
    f = fopen(path, "wb");
    fwrite("NOTASPOOL", 1, 9, f);
    fclose(f);
    CU_ASSERT_EQUAL(bv_mirror_replay_spool(uri, path, &n, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "not a mirror spool file"));
    unlink(path);
    CU_ASSERT_EQUAL(bv_mirror_replay_spool(uri, path, &n, &st), BV_ERR_IO);
}

/* Runs last: the server goes away and comes back. */
static void test_server_gone(void)
{
    NEED_SERVER();
    flush();
    bv_work_queue q;
    bv_status st;
    bv_wq_init(&q, "t", &st);
    CU_ASSERT_EQUAL(bv_wq_add(g_r, &q, "a", 1, NULL, &st), BV_OK);
    stop_server();
    CU_ASSERT_EQUAL(bv_wq_add(g_r, &q, "b", 1, NULL, &st), BV_ERR_NET);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "t:queue"));
    bv_wq_item it;
    int got;
    CU_ASSERT_EQUAL(bv_wq_lease(g_r, &q, 30, 1, 1, &it, &got, &st), BV_ERR_NET);
    CU_ASSERT_EQUAL(bv_wq_light_clean(g_r, &q, NULL, &st), BV_ERR_NET);
    CU_ASSERT_FALSE(bv_redis_is_connected(g_r));
    bv_redis *r2;
    CU_ASSERT_EQUAL(bv_redis_connect(&r2, "127.0.0.1", g_port, 500, &st), BV_ERR_NET);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "cannot connect"));
    /* back again (empty: no persistence): the same handle reconnects */
    CU_ASSERT_EQUAL_FATAL(start_server(), 0);
    CU_ASSERT_EQUAL(bv_wq_add(g_r, &q, "c", 1, NULL, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_wq_lease(g_r, &q, 30, 1, 1, &it, &got, &st), BV_OK);
    CU_ASSERT(got && it.len == 1 && it.data[0] == 'c');
    bv_wq_item_free(&it);
}

static void register_suites(void)
{
    g_port = free_port();
    if (g_port > 0 && mkdtemp(g_dir) && start_server() == 0) {
        bv_status st;
        if (bv_redis_connect(&g_r, "127.0.0.1", g_port, 5000, &st) != BV_OK)
            g_r = NULL;
    } else {
        stop_server();
    }
    bv_cu_add_suite("work_queue");
    bv_cu_add_test("add/lease/complete round trip, binary data", test_roundtrip);
    bv_cu_add_test("FIFO, empty queue, lease 0 refused", test_fifo_and_empty);
    bv_cu_add_test("batch add", test_add_many);
    bv_cu_add_test("orphan ids: Legacy empty vs drop", test_orphans);
    bv_cu_add_test("light clean and journal drain", test_light_clean);
    bv_cu_add_test("set aside and renew", test_set_aside_and_renew);
    bv_cu_add_test("release a pending item", test_release);
    bv_cu_add_test("V3 profile", test_v3_profile);
    bv_cu_add_test("duplicate ids", test_duplicates);
    bv_cu_add_test("bad arguments and wrong key types", test_bad_args_and_types);
    bv_cu_add_test("URI, databases, slot lookups", test_uri_and_lookup);
    bv_cu_add_test("Redis proof store backend", test_proof_store);
    bv_cu_add_test("mirror spool replay", test_spool_replay);
    bv_cu_add_test("server gone and back", test_server_gone);
    atexit(cleanup);
}

BV_CU_MAIN(register_suites)
