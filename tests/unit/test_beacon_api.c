/* test_beacon_api.c - Beacon-API client (include/balverify/beacon_api.h):
 * JSON shape checks field by field, id and URL validation, and the HTTP side
 * (fail-over, status codes, truncation, limits, timeouts, SSZ streaming)
 * against small HTTP servers running on threads inside this test. */
#include "cu_main.h"

#include "balverify/beacon_api.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "balverify/util_bytes.h"

/* ------------------------------------------------------------ sample JSON */

#define R32(c) "0x" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c
#define HDR_FMT                                                                                    \
    "{\"execution_optimistic\":false,\"finalized\":true,\"data\":{\"root\":%s,"                    \
    "\"canonical\":%s,\"header\":{\"message\":{\"slot\":%s,\"proposer_index\":%s,"                 \
    "\"parent_root\":%s,\"state_root\":%s,\"body_root\":%s},\"signature\":%s}}}"

static const char *SIG = "\"0x" /* 96 bytes */
                         "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
                         "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
                         "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
                         "\"";

/* A header response with one field replaced (NULL = the good value). */
static char *make_header(const char *root, const char *canonical, const char *slot,
                         const char *proposer, const char *parent, const char *state,
                         const char *body, const char *sig)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, HDR_FMT, root ? root : "\"" R32("11") "\"",
             canonical ? canonical : "true", slot ? slot : "\"8626176\"",
             proposer ? proposer : "\"12345\"", parent ? parent : "\"" R32("22") "\"",
             state ? state : "\"" R32("33") "\"", body ? body : "\"" R32("44") "\"",
             sig ? sig : SIG);
    return buf;
}

static const char *GOOD_GENESIS =
    "{\"data\":{\"genesis_time\":\"1606824023\",\"genesis_validators_root\":"
    "\"0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95\","
    "\"genesis_fork_version\":\"0x00000000\"}}";

static const char *GOOD_FINALITY =
    "{\"execution_optimistic\":false,\"finalized\":false,\"data\":{"
    "\"previous_justified\":{\"epoch\":\"10\",\"root\":\"" R32(
        "aa") "\"},"
              "\"current_justified\":{\"epoch\":\"11\",\"root\":\"" R32(
                  "bb") "\"},"
                        "\"finalized\":{\"epoch\":\"9\",\"root\":\"" R32("cc") "\"}}}";

#define VAL_FMT                                                                                    \
    "{\"index\":%s,\"balance\":\"32000000001\",\"status\":%s,\"validator\":{"                      \
    "\"pubkey\":\"0x%s\",\"withdrawal_credentials\":\"" R32(                                       \
        "01") "\","                                                                                \
              "\"effective_balance\":\"32000000000\",\"slashed\":%s,"                              \
              "\"activation_eligibility_epoch\":\"0\",\"activation_epoch\":\"0\","                 \
              "\"exit_epoch\":\"18446744073709551615\",\"withdrawable_epoch\":"                    \
              "\"18446744073709551615\"}}"

static const char *PUBKEY = "8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f"
                            "8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f8f";

static char *make_validators(const char *index2, const char *status2, const char *slashed2)
{
    static char buf[8192];
    char a[2048], b[2048];
    snprintf(a, sizeof a, VAL_FMT, "\"7\"", "\"active_ongoing\"", PUBKEY, "false");
    snprintf(b, sizeof b, VAL_FMT, index2 ? index2 : "\"8\"",
             status2 ? status2 : "\"exited_slashed\"", PUBKEY, slashed2 ? slashed2 : "true");
    snprintf(buf, sizeof buf,
             "{\"execution_optimistic\":false,\"finalized\":false,\"data\":[%s,%s]}", a, b);
    return buf;
}

/* ------------------------------------------------------------ JSON tests */

static void test_parse_header_good(void)
{
    bv_status st;
    bv_beacon_header h;
    const char *j = make_header(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(bv_beacon_parse_header(j, strlen(j), "t", &h, &st), BV_OK);
    CU_ASSERT_EQUAL(h.slot, 8626176);
    CU_ASSERT_EQUAL(h.proposer_index, 12345);
    CU_ASSERT(h.finalized && !h.execution_optimistic && h.canonical);
    CU_ASSERT_EQUAL(h.root[0], 0x11);
    CU_ASSERT_EQUAL(h.root[31], 0x11);
    CU_ASSERT_EQUAL(h.parent_root[5], 0x22);
    CU_ASSERT_EQUAL(h.state_root[31], 0x33);
    CU_ASSERT_EQUAL(h.body_root[0], 0x44);
    CU_ASSERT_EQUAL(h.signature[95], 0xa1);

    /* Round trip through the writer. */
    char *out = bv_beacon_header_to_json(&h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_EQUAL(out[strlen(out) - 1], '\n');
    bv_beacon_header h2;
    CU_ASSERT_EQUAL(bv_beacon_parse_header(out, strlen(out), "t2", &h2, &st), BV_OK);
    CU_ASSERT_EQUAL(memcmp(&h, &h2, sizeof h), 0);
    free(out);

    /* Optional flags may be absent; uppercase hex is accepted. */
    const char *bare = "{\"data\":{\"root\":\"0x"
                       "ABABABABABABABABABABABABABABABAB"
                       "ABABABABABABABABABABABABABABABAB\",\"canonical\":false,\"header\":{"
                       "\"message\":{\"slot\":\"0\",\"proposer_index\":\"18446744073709551615\","
                       "\"parent_root\":\"" R32("00") "\",\"state_root\":\"" R32(
                           "00") "\","
                                 "\"body_root\":\"" R32("00") "\"},\"signature\":%s}}}";
    char buf[2048];
    snprintf(buf, sizeof buf, bare, SIG);
    CU_ASSERT_EQUAL_FATAL(bv_beacon_parse_header(buf, strlen(buf), "t3", &h, &st), BV_OK);
    CU_ASSERT(!h.finalized && !h.canonical);
    CU_ASSERT_EQUAL(h.root[7], 0xab);
    CU_ASSERT_EQUAL(h.proposer_index, UINT64_MAX);
}

/* Parse j expecting BV_ERR_FORMAT with every fragment present in the message. */
static void expect_header_error(const char *j, const char *frag1, const char *frag2)
{
    bv_status st;
    bv_status_clear(&st);
    bv_beacon_header h;
    bv_err e = bv_beacon_parse_header(j, strlen(j), "http://n/h", &h, &st);
    CU_ASSERT_EQUAL(e, BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "http://n/h"));
    if (frag1 && !strstr(st.msg, frag1)) {
        printf("\n      message \"%s\" lacks \"%s\"", st.msg, frag1);
        CU_FAIL("message lacks the field");
    }
    if (frag2 && !strstr(st.msg, frag2)) {
        printf("\n      message \"%s\" lacks \"%s\"", st.msg, frag2);
        CU_FAIL("message lacks the reason");
    }
}

static void test_parse_header_errors(void)
{
    /* every field with a wrong type */
    expect_header_error(make_header(NULL, NULL, "8626176", NULL, NULL, NULL, NULL, NULL),
                        "data.header.message.slot", "expected a decimal string, got a number");
    expect_header_error(make_header(NULL, NULL, NULL, "null", NULL, NULL, NULL, NULL),
                        "data.header.message.proposer_index", "got null");
    expect_header_error(make_header("12", NULL, NULL, NULL, NULL, NULL, NULL, NULL), "data.root",
                        "expected a 0x hex string, got a number");
    expect_header_error(make_header(NULL, "\"true\"", NULL, NULL, NULL, NULL, NULL, NULL),
                        "data.canonical", "expected a boolean, got a string");
    expect_header_error(make_header(NULL, NULL, NULL, NULL, "[]", NULL, NULL, NULL),
                        "data.header.message.parent_root", "got an array");
    expect_header_error(make_header(NULL, NULL, NULL, NULL, NULL, "{}", NULL, NULL),
                        "data.header.message.state_root", "got an object");
    expect_header_error(make_header(NULL, NULL, NULL, NULL, NULL, NULL, "true", NULL),
                        "data.header.message.body_root", "got a boolean");
    expect_header_error(make_header(NULL, NULL, NULL, NULL, NULL, NULL, NULL, "\"0x00\""),
                        "data.header.signature", "expected 96 bytes");
    /* bad values */
    expect_header_error(
        make_header(NULL, NULL, "\"18446744073709551616\"", NULL, NULL, NULL, NULL, NULL),
        "data.header.message.slot", "not a decimal uint64");
    expect_header_error(make_header(NULL, NULL, "\"-1\"", NULL, NULL, NULL, NULL, NULL), "slot",
                        "not a decimal uint64");
    expect_header_error(make_header(NULL, NULL, "\"\"", NULL, NULL, NULL, NULL, NULL), "slot",
                        "not a decimal uint64");
    expect_header_error(make_header(NULL, NULL, "\"12a\"", NULL, NULL, NULL, NULL, NULL), "slot",
                        "not a decimal uint64");
    expect_header_error(
        make_header(NULL, NULL, NULL, NULL, NULL, "\"" R32("33") "33\"", NULL, NULL), "state_root",
        "expected 32 bytes (64 hex digits), got 66");
    expect_header_error(make_header(NULL, NULL, NULL, NULL, NULL,
                                    "\"0x"
                                    "3333333333333333333333333333333333333333333333333333"
                                    "33333333333g\"",
                                    NULL, NULL),
                        "state_root", "non-hex character at digit 63");
    expect_header_error(make_header("\""
                                    "11111111111111111111111111111111"
                                    "1111111111111111111111111111111111\"",
                                    NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                        "data.root", "no 0x prefix");
    /* missing fields and wrong shapes */
    expect_header_error("{\"data\":{\"canonical\":true}}", "data.root", "missing field");
    expect_header_error("{\"dta\":{}}", "data", "missing field");
    expect_header_error("{\"data\":[]}", "data", "expected an object, got an array");
    expect_header_error("{\"finalized\":1,\"data\":{}}", "finalized", "expected a boolean");
    expect_header_error("[1,2]", "top level", "got an array");
    expect_header_error("", "empty response body", NULL);
    expect_header_error("{\"data\":{\"root\":", "malformed JSON", NULL);
    expect_header_error("{\"data\":{}} x", "trailing data at byte 12", NULL);
    expect_header_error("not json", "malformed JSON near byte", NULL);
}

static void test_parse_genesis_finality(void)
{
    bv_status st;
    bv_beacon_genesis g;
    CU_ASSERT_EQUAL_FATAL(bv_beacon_parse_genesis(GOOD_GENESIS, strlen(GOOD_GENESIS), "g", &g, &st),
                          BV_OK);
    CU_ASSERT_EQUAL(g.genesis_time, 1606824023);
    CU_ASSERT_EQUAL(g.genesis_validators_root[0], 0x4b);
    CU_ASSERT_EQUAL(g.genesis_validators_root[31], 0x95);
    const char *bad = "{\"data\":{\"genesis_time\":\"1\",\"genesis_validators_root\":\"" R32(
        "00") "\",\"genesis_fork_version\":\"0x000000\"}}";
    CU_ASSERT_EQUAL(bv_beacon_parse_genesis(bad, strlen(bad), "g", &g, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "data.genesis_fork_version: expected 4 bytes"));

    bv_beacon_finality f;
    CU_ASSERT_EQUAL_FATAL(
        bv_beacon_parse_finality(GOOD_FINALITY, strlen(GOOD_FINALITY), "f", &f, &st), BV_OK);
    CU_ASSERT_EQUAL(f.previous_justified.epoch, 10);
    CU_ASSERT_EQUAL(f.current_justified.epoch, 11);
    CU_ASSERT_EQUAL(f.finalized_cp.epoch, 9);
    CU_ASSERT_EQUAL(f.finalized_cp.root[0], 0xcc);
    CU_ASSERT_EQUAL(f.current_justified.root[31], 0xbb);
    const char *badf = "{\"data\":{\"previous_justified\":{\"epoch\":\"1\",\"root\":\"" R32(
        "00") "\"},\"current_justified\":{\"epoch\":2,\"root\":\"" R32("00") "\"}}}";
    CU_ASSERT_EQUAL(bv_beacon_parse_finality(badf, strlen(badf), "f", &f, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "data.current_justified.epoch: expected a decimal"));
    const char *missing = "{\"data\":{\"previous_justified\":{\"epoch\":\"1\",\"root\":\"" R32(
        "00") "\"},\"current_justified\":{\"epoch\":\"2\",\"root\":\"" R32("00") "\"}}}";
    CU_ASSERT_EQUAL(bv_beacon_parse_finality(missing, strlen(missing), "f", &f, &st),
                    BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "data.finalized: missing field"));
}

static void expect_validators_error(const char *j, const char *frag)
{
    bv_status st;
    bv_beacon_validator *v = NULL;
    size_t n = 99;
    CU_ASSERT_EQUAL(bv_beacon_parse_validators(j, strlen(j), "v", &v, &n, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_EQUAL(n, 99);
    if (!strstr(st.msg, frag)) {
        printf("\n      message \"%s\" lacks \"%s\"", st.msg, frag);
        CU_FAIL("validators error message");
    }
}

static void test_parse_validators(void)
{
    bv_status st;
    bv_beacon_validator *v = NULL;
    size_t n = 0;
    const char *j = make_validators(NULL, NULL, NULL);
    CU_ASSERT_EQUAL_FATAL(bv_beacon_parse_validators(j, strlen(j), "v", &v, &n, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(v[0].index, 7);
    CU_ASSERT_EQUAL(v[1].index, 8);
    CU_ASSERT_EQUAL(v[0].balance, 32000000001ull);
    CU_ASSERT_STRING_EQUAL(v[0].status, "active_ongoing");
    CU_ASSERT_STRING_EQUAL(v[1].status, "exited_slashed");
    CU_ASSERT(!v[0].slashed && v[1].slashed);
    CU_ASSERT_EQUAL(v[0].pubkey[47], 0x8f);
    CU_ASSERT_EQUAL(v[0].withdrawal_credentials[0], 0x01);
    CU_ASSERT_EQUAL(v[0].effective_balance, 32000000000ull);
    CU_ASSERT_EQUAL(v[1].exit_epoch, UINT64_MAX);

    /* The consensus record, serialized, puts every field at its SSZ offset. */
    bv_validator rec;
    uint8_t ssz[BV_VALIDATOR_SIZE];
    bv_beacon_validator_record(&v[1], &rec);
    bv_validator_encode(ssz, &rec);
    CU_ASSERT_EQUAL(memcmp(ssz, v[1].pubkey, 48), 0);
    CU_ASSERT_EQUAL(memcmp(ssz + 48, v[1].withdrawal_credentials, 32), 0);
    CU_ASSERT_EQUAL(bv_le64(ssz + 80), 32000000000ull);
    CU_ASSERT_EQUAL(ssz[88], 1);
    CU_ASSERT_EQUAL(bv_le64(ssz + 97), 0);
    CU_ASSERT_EQUAL(bv_le64(ssz + 105), UINT64_MAX);
    bv_validator back;
    CU_ASSERT_EQUAL(bv_validator_decode(&back, ssz, 8, &st), BV_OK);
    uint8_t again[BV_VALIDATOR_SIZE];
    bv_validator_encode(again, &back);
    CU_ASSERT_EQUAL(memcmp(again, ssz, sizeof ssz), 0);
    free(v);

    const char *empty = "{\"data\":[]}";
    CU_ASSERT_EQUAL(bv_beacon_parse_validators(empty, strlen(empty), "v", &v, &n, &st), BV_OK);
    CU_ASSERT_EQUAL(n, 0);
    free(v);

    expect_validators_error(make_validators("8", NULL, NULL), "data[1].index: expected a decimal");
    expect_validators_error(make_validators(NULL, "\"active\"", NULL),
                            "data[1].status: unknown validator status \"active\"");
    expect_validators_error(make_validators(NULL, "3", NULL), "data[1].status: expected a string");
    expect_validators_error(make_validators(NULL, NULL, "\"false\""),
                            "data[1].validator.slashed: expected a boolean");
    expect_validators_error("{\"data\":{}}", "data: expected an array, got an object");
    expect_validators_error("{\"data\":[1]}", "data.[0]: expected an object, got a number");
}

static void test_ids(void)
{
    bv_status st;
    const char *good_state[] = {
        "head", "genesis", "finalized", "justified", "0", "18446744073709551615", R32("ab")};
    for (size_t i = 0; i < sizeof good_state / sizeof *good_state; i++)
        CU_ASSERT_EQUAL(bv_beacon_check_state_id(good_state[i], &st), BV_OK);
    const char *bad[] = {"",       "Head",    "-1",           "1.5", "18446744073709551616",
                         "0x1234", R32("zz"), "head/../../x", "12 ", "0x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CU_ASSERT_EQUAL(bv_beacon_check_state_id(bad[i], &st), BV_ERR_ARG);
        CU_ASSERT_EQUAL(bv_beacon_check_block_id(bad[i], &st), BV_ERR_ARG);
    }
    CU_ASSERT_EQUAL(bv_beacon_check_block_id("justified", &st), BV_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "bad block id \"justified\""));
    CU_ASSERT_EQUAL(bv_beacon_check_state_id(NULL, &st), BV_ERR_ARG);
    CU_ASSERT(bv_beacon_known_fork("deneb") && bv_beacon_known_fork("fulu"));
    CU_ASSERT(!bv_beacon_known_fork("Deneb") && !bv_beacon_known_fork(""));
}

static void test_client_urls(void)
{
    bv_status st;
    bv_beacon_client *c = NULL;
    CU_ASSERT_EQUAL_FATAL(
        bv_beacon_client_new(&c, " http://a:5052/ ,https://b.example/x//", NULL, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_beacon_client_node_count(c), 2);
    CU_ASSERT_STRING_EQUAL(bv_beacon_client_node(c, 0), "http://a:5052");
    CU_ASSERT_STRING_EQUAL(bv_beacon_client_node(c, 1), "https://b.example/x");
    CU_ASSERT_PTR_NULL(bv_beacon_client_node(c, 2));
    CU_ASSERT_PTR_NULL(bv_beacon_client_last_node(c));
    bv_beacon_client_free(c);
    const char *bad[] = {
        "", "ftp://a", "http://a,", ",http://a", "http://a,,http://b", "localhost:5052", "http://"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        c = (bv_beacon_client *)1;
        CU_ASSERT_EQUAL(bv_beacon_client_new(&c, bad[i], NULL, &st), BV_ERR_ARG);
        CU_ASSERT_PTR_NULL(c);
    }
    char many[2048] = "";
    for (int i = 0; i <= BV_BEACON_MAX_NODES; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "%shttp://n%d", i ? "," : "", i);
    CU_ASSERT_EQUAL(bv_beacon_client_new(&c, many, NULL, &st), BV_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "more than"));
}

/* ------------------------------------------------------------ test server */

typedef struct {
    const char *path; /* request path this answer is for */
    const char *head; /* status line + headers, without Content-Length */
    const char *body;
    size_t body_len;  /* bytes of body actually sent */
    size_t claim_len; /* Content-Length declared (>= body_len: truncation) */
    int delay_ms;
} canned;

typedef struct {
    int fd;
    int port;
    pthread_t th;
    canned answers[8];
    int n_answers;
    int requests;         /* requests served */
    char last_body[4096]; /* body of the last request */
    char last_accept[128];
} tserver;

static void *serve(void *arg)
{
    tserver *s = arg;
    for (;;) {
        int cfd = accept(s->fd, NULL, NULL);
        if (cfd < 0)
            return NULL; /* listening socket shut down: stop */
        char req[16384];
        size_t got = 0;
        char *end = NULL;
        while (got < sizeof req - 1) {
            ssize_t r = read(cfd, req + got, sizeof req - 1 - got);
            if (r <= 0)
                break;
            got += (size_t)r;
            req[got] = '\0';
            if ((end = strstr(req, "\r\n\r\n")) != NULL) {
                size_t clen = 0;
                const char *cl = strcasestr(req, "\r\nContent-Length:");
                if (cl)
                    clen = strtoul(cl + 17, NULL, 10);
                if ((size_t)(req + got - (end + 4)) >= clen)
                    break;
            }
        }
        if (!end) {
            close(cfd);
            continue;
        }
        char method[16], path[1024];
        if (sscanf(req, "%15s %1023s", method, path) != 2) {
            close(cfd);
            continue;
        }
        snprintf(s->last_body, sizeof s->last_body, "%s", end + 4);
        s->last_accept[0] = '\0';
        const char *acc = strcasestr(req, "\r\nAccept:");
        if (acc)
            sscanf(acc + 9, " %127[^\r]", s->last_accept);
        s->requests++;
        const canned *a = NULL;
        for (int i = 0; i < s->n_answers; i++)
            if (strcmp(s->answers[i].path, path) == 0)
                a = &s->answers[i];
        char hdr[1024];
        if (!a) {
            const char *nf = "{\"code\":404,\"message\":\"NOT_FOUND: test\"}";
            snprintf(hdr, sizeof hdr,
                     "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     strlen(nf), nf);
            (void)!send(cfd, hdr, strlen(hdr), MSG_NOSIGNAL);
            close(cfd);
            continue;
        }
        if (a->delay_ms) {
            struct timespec ts = {a->delay_ms / 1000, (long)(a->delay_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
        snprintf(hdr, sizeof hdr, "%sContent-Length: %zu\r\nConnection: close\r\n\r\n", a->head,
                 a->claim_len);
        (void)!send(cfd, hdr, strlen(hdr), MSG_NOSIGNAL);
        size_t off = 0;
        while (off < a->body_len) {
            ssize_t w = send(cfd, a->body + off, a->body_len - off, MSG_NOSIGNAL);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        close(cfd);
    }
}

static void server_start(tserver *s)
{
    memset(s, 0, sizeof *s);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    CU_ASSERT_FATAL(s->fd >= 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CU_ASSERT_FATAL(bind(s->fd, (struct sockaddr *)&sa, sizeof sa) == 0);
    CU_ASSERT_FATAL(listen(s->fd, 16) == 0);
    socklen_t len = sizeof sa;
    getsockname(s->fd, (struct sockaddr *)&sa, &len);
    s->port = ntohs(sa.sin_port);
    CU_ASSERT_FATAL(pthread_create(&s->th, NULL, serve, s) == 0);
}

static void server_stop(tserver *s)
{
    shutdown(s->fd, SHUT_RDWR);
    close(s->fd);
    pthread_join(s->th, NULL);
}

static void answer(tserver *s, const char *path, const char *head, const char *body,
                   size_t body_len, size_t claim_len, int delay_ms)
{
    canned *a = &s->answers[s->n_answers++];
    a->path = path;
    a->head = head;
    a->body = body;
    a->body_len = body_len;
    a->claim_len = claim_len;
    a->delay_ms = delay_ms;
}

static void answer_json(tserver *s, const char *path, const char *status_line, const char *body)
{
    static char heads[8][256];
    char *h = heads[s->n_answers];
    snprintf(h, 256, "%s\r\nContent-Type: application/json\r\n", status_line);
    answer(s, path, h, body, strlen(body), strlen(body), 0);
}

/* A port on which nothing listens: connection refused. */
static int dead_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&sa, sizeof sa);
    socklen_t len = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &len);
    close(fd);
    return ntohs(sa.sin_port);
}

static bv_beacon_client *client_for(const char *fmt, int p1, int p2, const bv_beacon_opts *o)
{
    char urls[256];
    snprintf(urls, sizeof urls, fmt, p1, p2);
    bv_status st;
    bv_beacon_client *c = NULL;
    CU_ASSERT_EQUAL(bv_beacon_client_new(&c, urls, o, &st), BV_OK);
    return c;
}

#define HDR_PATH "/eth/v1/beacon/headers/head"

static void test_http_header_and_errors(void)
{
    tserver a, b;
    server_start(&a);
    server_start(&b);
    char good[4096];
    snprintf(good, sizeof good, "%s", make_header(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    answer_json(&a, HDR_PATH, "HTTP/1.1 200 OK", good);
    answer_json(&b, HDR_PATH, "HTTP/1.1 200 OK", good);
    answer_json(&a, "/eth/v1/beacon/genesis", "HTTP/1.1 200 OK", GOOD_GENESIS);
    answer_json(&a, "/eth/v1/beacon/states/finalized/finality_checkpoints", "HTTP/1.1 200 OK",
                GOOD_FINALITY);
    answer_json(&a, "/eth/v1/beacon/headers/5", "HTTP/1.1 500 Internal Server Error",
                "{\"code\":500,\"message\":\"boom\"}");
    answer_json(&b, "/eth/v1/beacon/headers/5", "HTTP/1.1 200 OK", good);
    answer_json(&a, "/eth/v1/beacon/headers/6", "HTTP/1.1 400 Bad Request",
                "{\"code\":400,\"message\":\"Invalid block ID\"}");
    answer_json(&b, "/eth/v1/beacon/headers/6", "HTTP/1.1 200 OK", good);
    answer_json(&a, "/eth/v1/beacon/headers/7", "HTTP/1.1 200 OK", "{\"data\":{\"root\":1}}");

    bv_status st;
    bv_beacon_header h;
    bv_beacon_client *c =
        client_for("http://127.0.0.1:%d,http://127.0.0.1:%d", a.port, b.port, NULL);
    CU_ASSERT_EQUAL(bv_beacon_get_header(c, "head", &h, &st), BV_OK);
    CU_ASSERT_EQUAL(h.slot, 8626176);
    CU_ASSERT_STRING_EQUAL(a.last_accept, "application/json");
    CU_ASSERT_EQUAL(a.requests, 1);
    CU_ASSERT_EQUAL(b.requests, 0);
    CU_ASSERT_EQUAL(bv_beacon_client_last_http_status(c), 200);

    bv_beacon_genesis g;
    CU_ASSERT_EQUAL(bv_beacon_get_genesis(c, &g, &st), BV_OK);
    CU_ASSERT_EQUAL(g.genesis_time, 1606824023);
    bv_beacon_finality f;
    CU_ASSERT_EQUAL(bv_beacon_get_finality(c, "finalized", &f, &st), BV_OK);
    CU_ASSERT_EQUAL(f.finalized_cp.epoch, 9);

    /* 5xx: fail over to the second node. */
    a.requests = b.requests = 0;
    CU_ASSERT_EQUAL(bv_beacon_get_header(c, "5", &h, &st), BV_OK);
    CU_ASSERT_EQUAL(a.requests, 1);
    CU_ASSERT_EQUAL(b.requests, 1);
    char expect_b[64];
    snprintf(expect_b, sizeof expect_b, "http://127.0.0.1:%d", b.port);
    CU_ASSERT_STRING_EQUAL(bv_beacon_client_last_node(c), expect_b);

    /* 4xx is the chain's answer: no fail-over, status, URL and message reported. */
    a.requests = b.requests = 0;
    CU_ASSERT_EQUAL(bv_beacon_get_header(c, "6", &h, &st), BV_ERR_NET);
    CU_ASSERT_EQUAL(b.requests, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "HTTP 400: Invalid block ID"));
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "/eth/v1/beacon/headers/6"));
    CU_ASSERT_EQUAL(bv_beacon_client_last_http_status(c), 400);
    CU_ASSERT_EQUAL(bv_beacon_get_header(c, "99", &h, &st), BV_ERR_NET);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "HTTP 404: NOT_FOUND: test"));
    CU_ASSERT_EQUAL(bv_beacon_client_last_http_status(c), 404);

    /* A bad id never reaches the network. */
    a.requests = 0;
    CU_ASSERT_EQUAL(bv_beacon_get_header(c, "../x", &h, &st), BV_ERR_ARG);
    CU_ASSERT_EQUAL(a.requests, 0);

    /* Shape errors name the field and the URL. */
    CU_ASSERT_EQUAL(bv_beacon_get_header(c, "7", &h, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "/eth/v1/beacon/headers/7: data.root: expected a 0x"));
    bv_beacon_client_free(c);

    /* Connection refused on the first node: fail over. */
    int dead = dead_port();
    c = client_for("http://127.0.0.1:%d,http://127.0.0.1:%d", dead, b.port, NULL);
    b.requests = 0;
    CU_ASSERT_EQUAL(bv_beacon_get_header(c, "head", &h, &st), BV_OK);
    CU_ASSERT_EQUAL(b.requests, 1);
    bv_beacon_client_free(c);

    /* Every node down: one line naming each. */
    c = client_for("http://127.0.0.1:%d,http://127.0.0.1:%d/", dead, dead, NULL);
    CU_ASSERT_EQUAL(bv_beacon_get_header(c, "head", &h, &st), BV_ERR_NET);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "failed on all 2 beacon nodes"));
    CU_ASSERT_PTR_NULL(strchr(st.msg, '\n'));
    CU_ASSERT_EQUAL(bv_beacon_client_last_http_status(c), 0);
    bv_beacon_client_free(c);

    server_stop(&a);
    server_stop(&b);
}

static void test_http_truncation_limits_timeout(void)
{
    tserver a, b;
    server_start(&a);
    server_start(&b);
    char good[4096];
    snprintf(good, sizeof good, "%s", make_header(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
    const char *ok_json = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    /* a declares the full length but sends half, then closes */
    answer(&a, HDR_PATH, ok_json, good, strlen(good) / 2, strlen(good), 0);
    answer(&a, "/eth/v1/beacon/headers/1", ok_json, good, strlen(good), strlen(good), 1500);
    answer_json(&b, HDR_PATH, "HTTP/1.1 200 OK", good);

    bv_status st;
    bv_beacon_header h;
    bv_beacon_opts o;
    bv_beacon_opts_default(&o);
    o.json_timeout_ms = 300;
    bv_beacon_client *c = client_for("http://127.0.0.1:%d", a.port, 0, &o);
    CU_ASSERT_EQUAL(bv_beacon_get_header(c, "head", &h, &st), BV_ERR_NET);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "truncated response"));
    CU_ASSERT_EQUAL(bv_beacon_get_header(c, "1", &h, &st), BV_ERR_NET);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "imed out"));
    bv_beacon_client_free(c);

    /* truncation on the first node, good second node */
    c = client_for("http://127.0.0.1:%d,http://127.0.0.1:%d", a.port, b.port, &o);
    CU_ASSERT_EQUAL(bv_beacon_get_header(c, "head", &h, &st), BV_OK);
    bv_beacon_client_free(c);

    /* size limit: refused, and not retried elsewhere */
    o.max_json_bytes = 100;
    c = client_for("http://127.0.0.1:%d,http://127.0.0.1:%d", b.port, a.port, &o);
    a.requests = 0;
    CU_ASSERT_EQUAL(bv_beacon_get_header(c, "head", &h, &st), BV_ERR_NET);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "larger than the limit of 100 bytes"));
    CU_ASSERT_EQUAL(a.requests, 0);
    bv_beacon_client_free(c);
    server_stop(&a);
    server_stop(&b);
}

static bool file_exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

static void test_http_state_download(void)
{
    tserver a;
    server_start(&a);
    static char ssz[300000];
    for (size_t i = 0; i < sizeof ssz; i++)
        ssz[i] = (char)(i * 2654435761u >> 13);
    answer(&a, "/eth/v2/debug/beacon/states/100",
           "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
           "Eth-Consensus-Version: deneb\r\n",
           ssz, sizeof ssz, sizeof ssz, 0);
    answer(&a, "/eth/v2/debug/beacon/states/101",
           "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n", ssz, sizeof ssz,
           sizeof ssz, 0);
    answer(&a, "/eth/v2/debug/beacon/states/102",
           "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nEth-Consensus-Version: deneb\r\n",
           "{}", 2, 2, 0);
    answer(&a, "/eth/v2/debug/beacon/states/103",
           "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
           "eth-consensus-version: zulu\r\n",
           ssz, 10, 10, 0);
    answer(&a, "/eth/v2/debug/beacon/states/104",
           "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
           "Eth-Consensus-Version: electra\r\n",
           ssz, 1000, sizeof ssz, 0);

    char dir[] = "/tmp/bv_beacon_api_XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char path[256], part[256];
    snprintf(path, sizeof path, "%s/state.ssz", dir);
    snprintf(part, sizeof part, "%s/state.ssz.part", dir);

    bv_status st;
    bv_beacon_state_info info;
    bv_beacon_client *c = client_for("http://127.0.0.1:%d", a.port, 0, NULL);
    CU_ASSERT_EQUAL_FATAL(bv_beacon_get_state_ssz(c, "100", path, &info, &st), BV_OK);
    CU_ASSERT_STRING_EQUAL(info.fork, "deneb");
    CU_ASSERT_EQUAL(info.bytes, sizeof ssz);
    CU_ASSERT_STRING_EQUAL(a.last_accept, "application/octet-stream");
    FILE *f = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    static char back[sizeof ssz + 16];
    size_t n = fread(back, 1, sizeof back, f);
    fclose(f);
    CU_ASSERT_EQUAL(n, sizeof ssz);
    CU_ASSERT_EQUAL(memcmp(back, ssz, sizeof ssz), 0);
    CU_ASSERT(!file_exists(part));
    unlink(path);

    struct {
        const char *id;
        bv_err code;
        const char *frag;
    } bad[] = {
        {"101", BV_ERR_FORMAT, "no Eth-Consensus-Version header"},
        {"102", BV_ERR_FORMAT, "answered with JSON instead of SSZ"},
        {"103", BV_ERR_UNSUPPORTED, "unknown fork \"zulu\""},
        {"104", BV_ERR_NET, "truncated response"},
        {"105", BV_ERR_NET, "HTTP 404"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CU_ASSERT_EQUAL(bv_beacon_get_state_ssz(c, bad[i].id, path, &info, &st), bad[i].code);
        if (!strstr(st.msg, bad[i].frag)) {
            printf("\n      message \"%s\" lacks \"%s\"", st.msg, bad[i].frag);
            CU_FAIL("state download error message");
        }
        CU_ASSERT(!file_exists(path));
        CU_ASSERT(!file_exists(part));
    }
    bv_beacon_client_free(c);

    /* Over the state size limit: nothing left on disk. */
    bv_beacon_opts o;
    bv_beacon_opts_default(&o);
    o.max_state_bytes = 4096;
    c = client_for("http://127.0.0.1:%d", a.port, 0, &o);
    CU_ASSERT_EQUAL(bv_beacon_get_state_ssz(c, "100", path, &info, &st), BV_ERR_NET);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "larger than the limit of 4096 bytes"));
    CU_ASSERT(!file_exists(path) && !file_exists(part));
    bv_beacon_client_free(c);

    /* Unwritable destination. */
    c = client_for("http://127.0.0.1:%d", a.port, 0, NULL);
    CU_ASSERT_EQUAL(bv_beacon_get_state_ssz(c, "100", "/nonexistent/dir/s.ssz", &info, &st),
                    BV_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "/nonexistent/dir/s.ssz.part"));
    bv_beacon_client_free(c);
    rmdir(dir);
    server_stop(&a);
}

static void test_http_post_validators(void)
{
    tserver a;
    server_start(&a);
    char vals[8192];
    snprintf(vals, sizeof vals, "%s", make_validators(NULL, NULL, NULL));
    answer_json(&a, "/eth/v1/beacon/states/head/validators", "HTTP/1.1 200 OK", vals);
    bv_beacon_client *c = client_for("http://127.0.0.1:%d", a.port, 0, NULL);
    bv_status st;
    bv_beacon_validator *v = NULL;
    size_t n = 0;
    const char *ids[] = {"7", "0x"
                              "8f8f"};
    const char *statuses[] = {"active_ongoing"};
    CU_ASSERT_EQUAL_FATAL(bv_beacon_post_validators(c, "head", ids, 2, statuses, 1, &v, &n, &st),
                          BV_OK);
    CU_ASSERT_STRING_EQUAL(a.last_body,
                           "{\"ids\":[\"7\",\"0x8f8f\"],\"statuses\":[\"active_ongoing\"]}");
    CU_ASSERT_EQUAL(n, 2);
    free(v);
    CU_ASSERT_EQUAL(bv_beacon_post_validators(c, "head", NULL, 0, NULL, 0, &v, &n, &st), BV_OK);
    CU_ASSERT_STRING_EQUAL(a.last_body, "{\"ids\":[],\"statuses\":[]}");
    free(v);
    CU_ASSERT_EQUAL(bv_beacon_post_validators(c, "finalized", NULL, 0, NULL, 0, &v, &n, &st),
                    BV_ERR_NET);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "POST http://127.0.0.1:"));
    bv_beacon_client_free(c);
    server_stop(&a);
}

static void register_suites(void)
{
    bv_cu_add_suite("beacon_api json");
    bv_cu_add_test("header parses and round-trips", test_parse_header_good);
    bv_cu_add_test("header shape errors name the field", test_parse_header_errors);
    bv_cu_add_test("genesis and finality", test_parse_genesis_finality);
    bv_cu_add_test("validators", test_parse_validators);
    bv_cu_add_test("state and block ids", test_ids);
    bv_cu_add_test("node URL lists", test_client_urls);
    bv_cu_add_suite("beacon_api http");
    bv_cu_add_test("header, 4xx/5xx, fail-over", test_http_header_and_errors);
    bv_cu_add_test("truncation, limits, timeout", test_http_truncation_limits_timeout);
    bv_cu_add_test("SSZ state streaming", test_http_state_download);
    bv_cu_add_test("POST validators", test_http_post_validators);
}

BV_CU_MAIN(register_suites)
