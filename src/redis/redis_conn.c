/* redis_conn.c - see include/balverify/redis_conn.h */
#include "balverify/redis_conn.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/sha.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "balverify/util_hex.h"

struct bv_redis {
    redisContext *c;
    char host[256];
    int port;
    int timeout_ms;
    char password[256];
    int db;
};

/* A write to a socket the server has closed raises SIGPIPE, whose default
 * action kills the process: a Redis restart must be an error, not a crash.
 * Only the default disposition is replaced (a program's own handler stays). */
static void ignore_sigpipe(void)
{
    struct sigaction old;
    if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &sa, NULL);
    }
}

static bv_err open_ctx(bv_redis *r, bv_status *st)
{
    ignore_sigpipe();
    if (r->c) {
        redisFree(r->c);
        r->c = NULL;
    }
    redisContext *c;
    if (r->timeout_ms > 0) {
        struct timeval tv = {r->timeout_ms / 1000, (r->timeout_ms % 1000) * 1000};
        c = redisConnectWithTimeout(r->host, r->port, tv);
    } else {
        c = redisConnect(r->host, r->port);
    }
    if (!c)
        return bv_fail(st, BV_ERR_NOMEM, "redis %s:%d: cannot allocate a connection", r->host,
                       r->port);
    if (c->err) {
        bv_fail(st, BV_ERR_NET, "redis %s:%d: cannot connect: %s", r->host, r->port, c->errstr);
        redisFree(c);
        return BV_ERR_NET;
    }
    if (r->timeout_ms > 0) {
        struct timeval tv = {r->timeout_ms / 1000, (r->timeout_ms % 1000) * 1000};
        redisSetTimeout(c, tv);
    }
    /* Detect a server that died without closing the socket. */
    redisEnableKeepAlive(c);
    r->c = c;
    if (r->password[0]) {
        redisReply *rep = redisCommand(c, "AUTH %s", r->password);
        int ok = rep && rep->type != REDIS_REPLY_ERROR;
        if (rep)
            freeReplyObject(rep);
        if (!ok)
            return bv_fail(st, BV_ERR_NET, "redis %s:%d: AUTH refused", r->host, r->port);
    }
    if (r->db > 0) {
        redisReply *rep = redisCommand(c, "SELECT %d", r->db);
        int ok = rep && rep->type != REDIS_REPLY_ERROR;
        if (rep)
            freeReplyObject(rep);
        if (!ok)
            return bv_fail(st, BV_ERR_NET, "redis %s:%d: SELECT %d refused", r->host, r->port,
                           r->db);
    }
    return BV_OK;
}

bv_err bv_redis_connect(bv_redis **out, const char *host, int port, int timeout_ms, bv_status *st)
{
    *out = NULL;
    if (!host || !*host || strlen(host) >= 256)
        return bv_fail(st, BV_ERR_ARG, "redis: bad host name");
    if (port <= 0 || port > 65535)
        return bv_fail(st, BV_ERR_ARG, "redis: bad port %d", port);
    bv_redis *r = calloc(1, sizeof *r);
    if (!r)
        return bv_fail(st, BV_ERR_NOMEM, "redis: out of memory");
    snprintf(r->host, sizeof r->host, "%s", host);
    r->port = port;
    r->timeout_ms = timeout_ms;
    bv_err e = open_ctx(r, st);
    if (e) {
        bv_redis_free(r);
        return e;
    }
    *out = r;
    return BV_OK;
}

bv_err bv_redis_connect_uri(bv_redis **out, const char *uri, int timeout_ms, bv_status *st)
{
    *out = NULL;
    if (!uri)
        return bv_fail(st, BV_ERR_ARG, "redis: no URI");
    const char *p = uri;
    if (strncmp(p, "redis://", 8) == 0)
        p += 8;
    else if (strstr(p, "://"))
        return bv_fail(st, BV_ERR_ARG, "redis URI '%s': only redis:// is supported", uri);
    char buf[512];
    if (strlen(p) >= sizeof buf)
        return bv_fail(st, BV_ERR_ARG, "redis URI too long");
    snprintf(buf, sizeof buf, "%s", p);
    char password[256] = "";
    char *hostpart = buf;
    char *at = strrchr(buf, '@');
    if (at) {
        *at = '\0';
        char *colon = strchr(buf, ':');
        snprintf(password, sizeof password, "%.255s", colon ? colon + 1 : buf);
        hostpart = at + 1;
    }
    int db = 0;
    char *slash = strchr(hostpart, '/');
    if (slash) {
        *slash = '\0';
        if (slash[1]) {
            char *end;
            long v = strtol(slash + 1, &end, 10);
            if (*end || v < 0 || v > 1000)
                return bv_fail(st, BV_ERR_ARG, "redis URI '%s': bad database number", uri);
            db = (int)v;
        }
    }
    int port = BV_REDIS_DEFAULT_PORT;
    char *colon = strrchr(hostpart, ':');
    if (colon) {
        *colon = '\0';
        char *end;
        long v = strtol(colon + 1, &end, 10);
        if (*end || v <= 0 || v > 65535)
            return bv_fail(st, BV_ERR_ARG, "redis URI '%s': bad port", uri);
        port = (int)v;
    }
    const char *host = *hostpart ? hostpart : BV_REDIS_DEFAULT_HOST;
    bv_redis *r = calloc(1, sizeof *r);
    if (!r)
        return bv_fail(st, BV_ERR_NOMEM, "redis: out of memory");
    snprintf(r->host, sizeof r->host, "%.255s", host);
    snprintf(r->password, sizeof r->password, "%s", password);
    r->port = port;
    r->db = db;
    r->timeout_ms = timeout_ms;
    bv_err e = open_ctx(r, st);
    if (e) {
        bv_redis_free(r);
        return e;
    }
    *out = r;
    return BV_OK;
}

void bv_redis_free(bv_redis *r)
{
    if (!r)
        return;
    if (r->c)
        redisFree(r->c);
    free(r);
}

bv_err bv_redis_reconnect(bv_redis *r, bv_status *st)
{
    return open_ctx(r, st);
}

int bv_redis_is_connected(const bv_redis *r)
{
    return r && r->c && !r->c->err;
}

bv_err bv_redis_set_timeout(bv_redis *r, int timeout_ms, bv_status *st)
{
    r->timeout_ms = timeout_ms;
    if (!r->c || r->c->err)
        return BV_OK; /* applied on the next connect */
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    if (redisSetTimeout(r->c, tv) != REDIS_OK)
        return bv_fail(st, BV_ERR_NET, "redis %s:%d: cannot set the socket timeout", r->host,
                       r->port);
    return BV_OK;
}

int bv_redis_timeout(const bv_redis *r)
{
    return r->timeout_ms;
}

const char *bv_redis_host(const bv_redis *r)
{
    return r->host;
}

int bv_redis_port(const bv_redis *r)
{
    return r->port;
}

/* Make sure a usable context exists; a dead one is replaced. */
static bv_err ensure(bv_redis *r, bv_status *st, const char *what)
{
    if (r->c && !r->c->err)
        return BV_OK;
    bv_err e = open_ctx(r, st);
    if (e)
        return bv_fail_ctx(st, "%s", what);
    return BV_OK;
}

/* Turn a NULL reply or an error reply into a status; returns rep or NULL. */
static redisReply *check(bv_redis *r, bv_status *st, const char *what, redisReply *rep)
{
    if (!rep) {
        bv_fail(st, BV_ERR_NET, "%s: redis %s:%d: %s", what, r->host, r->port,
                r->c && r->c->err ? r->c->errstr : "no reply");
        /* The stream position is unknown now: drop the socket. */
        if (r->c) {
            redisFree(r->c);
            r->c = NULL;
        }
        return NULL;
    }
    if (rep->type == REDIS_REPLY_ERROR) {
        bv_fail(st, BV_ERR_NET, "%s: redis replied: %.*s", what, (int)rep->len, rep->str);
        /* A server that is not ready (still loading its data, busy with a
         * script, a replica without its master) counts as unreachable: the
         * connection is dropped so callers retry instead of treating the
         * command as refused for good. */
        static const char *const transient[] = {"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN"};
        for (size_t i = 0; i < sizeof transient / sizeof transient[0]; i++) {
            size_t n = strlen(transient[i]);
            if (rep->len >= n && strncmp(rep->str, transient[i], n) == 0 && r->c) {
                redisFree(r->c);
                r->c = NULL;
                break;
            }
        }
        freeReplyObject(rep);
        return NULL;
    }
    return rep;
}

redisReply *bv_redis_argv(bv_redis *r, bv_status *st, const char *what, int argc, const char **argv,
                          const size_t *lens)
{
    if (ensure(r, st, what))
        return NULL;
    redisReply *rep = redisCommandArgv(r->c, argc, argv, lens);
    return check(r, st, what, rep);
}

redisReply *bv_redis_cmd(bv_redis *r, bv_status *st, const char *what, const char *fmt, ...)
{
    if (ensure(r, st, what))
        return NULL;
    va_list ap;
    va_start(ap, fmt);
    redisReply *rep = redisvCommand(r->c, fmt, ap);
    va_end(ap);
    return check(r, st, what, rep);
}

bv_err bv_redis_pipeline(bv_redis *r, bv_status *st, const char *what, int n, const int *argcs,
                         const char *const *const *argvs, const size_t *const *lens,
                         redisReply **replies)
{
    for (int i = 0; i < n; i++)
        replies[i] = NULL;
    if (ensure(r, st, what))
        return st ? st->code : BV_ERR_NET;
    for (int i = 0; i < n; i++) {
        if (redisAppendCommandArgv(r->c, argcs[i], (const char **)argvs[i],
                                   lens ? lens[i] : NULL) != REDIS_OK)
            return bv_fail(st, BV_ERR_NOMEM, "%s: cannot queue command", what);
    }
    bv_err e = BV_OK;
    for (int i = 0; i < n; i++) {
        void *rep = NULL;
        if (redisGetReply(r->c, &rep) != REDIS_OK || !rep) {
            e = bv_fail(st, BV_ERR_NET, "%s: redis %s:%d: %s", what, r->host, r->port,
                        r->c->err ? r->c->errstr : "no reply");
            redisFree(r->c);
            r->c = NULL;
            break;
        }
        replies[i] = rep;
    }
    if (e) {
        for (int i = 0; i < n; i++) {
            if (replies[i])
                freeReplyObject(replies[i]);
            replies[i] = NULL;
        }
    }
    return e;
}

static void script_sha(bv_redis_script *s)
{
    if (s->sha[0])
        return;
    unsigned char d[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)s->source, strlen(s->source), d);
    bv_hex_write(s->sha, d, SHA_DIGEST_LENGTH);
}

redisReply *bv_redis_eval(bv_redis *r, bv_status *st, const char *what, bv_redis_script *s,
                          int nkeys, const char **keys, const size_t *keylens, int nargs,
                          const char **args, const size_t *arglens)
{
    script_sha(s);
    int argc = 3 + nkeys + nargs;
    const char *argv[32];
    size_t lens[32];
    if (argc > 32) {
        bv_fail(st, BV_ERR_INTERNAL, "%s: too many script arguments", what);
        return NULL;
    }
    char nk[16];
    snprintf(nk, sizeof nk, "%d", nkeys);
    argv[0] = "EVALSHA";
    argv[1] = s->sha;
    argv[2] = nk;
    for (int i = 0; i < nkeys; i++) {
        argv[3 + i] = keys[i];
        lens[3 + i] = keylens ? keylens[i] : strlen(keys[i]);
    }
    for (int i = 0; i < nargs; i++) {
        argv[3 + nkeys + i] = args[i];
        lens[3 + nkeys + i] = arglens ? arglens[i] : strlen(args[i]);
    }
    for (int i = 0; i < 3; i++)
        lens[i] = strlen(argv[i]);
    if (ensure(r, st, what))
        return NULL;
    redisReply *rep = redisCommandArgv(r->c, argc, argv, lens);
    if (rep && rep->type == REDIS_REPLY_ERROR && strncmp(rep->str, "NOSCRIPT", 8) == 0) {
        freeReplyObject(rep);
        argv[0] = "EVAL";
        argv[1] = s->source;
        lens[0] = 4;
        lens[1] = strlen(s->source);
        rep = redisCommandArgv(r->c, argc, argv, lens);
    }
    return check(r, st, what, rep);
}

bv_err bv_redis_set(bv_redis *r, const char *key, const void *val, size_t len, bv_status *st)
{
    const char *argv[3] = {"SET", key, val};
    size_t lens[3] = {3, strlen(key), len};
    char what[300];
    snprintf(what, sizeof what, "SET %.256s", key);
    redisReply *rep = bv_redis_argv(r, st, what, 3, argv, lens);
    if (!rep)
        return st ? st->code : BV_ERR_NET;
    freeReplyObject(rep);
    return BV_OK;
}

bv_err bv_redis_get(bv_redis *r, const char *key, char **val, size_t *len, int *found,
                    bv_status *st)
{
    *val = NULL;
    if (len)
        *len = 0;
    *found = 0;
    const char *argv[2] = {"GET", key};
    char what[300];
    snprintf(what, sizeof what, "GET %.256s", key);
    redisReply *rep = bv_redis_argv(r, st, what, 2, argv, NULL);
    if (!rep)
        return st ? st->code : BV_ERR_NET;
    if (rep->type == REDIS_REPLY_NIL) {
        freeReplyObject(rep);
        return BV_OK;
    }
    if (rep->type != REDIS_REPLY_STRING) {
        freeReplyObject(rep);
        return bv_fail(st, BV_ERR_NET, "%s: unexpected reply type", what);
    }
    char *v = malloc(rep->len + 1);
    if (!v) {
        freeReplyObject(rep);
        return bv_fail(st, BV_ERR_NOMEM, "%s: out of memory", what);
    }
    memcpy(v, rep->str, rep->len);
    v[rep->len] = '\0';
    if (len)
        *len = rep->len;
    *val = v;
    *found = 1;
    freeReplyObject(rep);
    return BV_OK;
}

bv_err bv_redis_del(bv_redis *r, const char *key, bv_status *st)
{
    const char *argv[2] = {"DEL", key};
    char what[300];
    snprintf(what, sizeof what, "DEL %.256s", key);
    redisReply *rep = bv_redis_argv(r, st, what, 2, argv, NULL);
    if (!rep)
        return st ? st->code : BV_ERR_NET;
    freeReplyObject(rep);
    return BV_OK;
}

bv_err bv_redis_exists(bv_redis *r, const char *key, int *exists, bv_status *st)
{
    const char *argv[2] = {"EXISTS", key};
    char what[300];
    snprintf(what, sizeof what, "EXISTS %.256s", key);
    redisReply *rep = bv_redis_argv(r, st, what, 2, argv, NULL);
    if (!rep)
        return st ? st->code : BV_ERR_NET;
    *exists = rep->type == REDIS_REPLY_INTEGER && rep->integer > 0;
    freeReplyObject(rep);
    return BV_OK;
}

bv_err bv_uuid_v4(char out[37], bv_status *st)
{
    unsigned char b[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return bv_fail(st, BV_ERR_IO, "/dev/urandom: %s", strerror(errno));
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t n = read(fd, b + got, sizeof b - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return bv_fail(st, BV_ERR_IO, "/dev/urandom: short read");
        }
        got += (size_t)n;
    }
    close(fd);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    /* 8-4-4-4-12 digits */
    static const int group[5] = {4, 2, 2, 2, 6};
    char *o = out;
    const unsigned char *in = b;
    for (int g = 0; g < 5; g++) {
        if (g)
            *o++ = '-';
        bv_hex_write(o, in, (size_t)group[g]);
        o += 2 * group[g];
        in += group[g];
    }
    return BV_OK;
}
