/*
 * redis_conn.h - one hiredis connection with error reporting and reconnects.
 *
 * Invariants:
 *  - A bv_redis owns exactly one synchronous redisContext (RESP2). It is not
 *    thread-safe: one connection per thread or per MPI rank.
 *  - Every command helper returns a reply or NULL; on NULL the status holds a
 *    one-line message naming the operation and the key. A lost connection or
 *    an unreachable server is BV_ERR_NET; an error reply from the server
 *    (WRONGTYPE, NOSCRIPT, ...) is BV_ERR_NET too, with the server's text.
 *  - An error reply saying the server is not ready (LOADING, BUSY,
 *    MASTERDOWN, TRYAGAIN) is treated like a lost connection.
 *  - After a connection-level failure the context is dropped; the next
 *    command (or bv_redis_reconnect) opens a new one to the same endpoint, so
 *    a caller that wants to survive a Redis restart just retries.
 *  - Payloads are passed with explicit lengths: binary safe.
 *  - Connecting sets SIGPIPE to ignored when it still has its default
 *    action, so a server that goes away yields an error (EPIPE), never a
 *    killed process.
 *  - Lua scripts are sent with EVALSHA and fall back to EVAL when the server
 *    does not know the script yet (after a restart or SCRIPT FLUSH).
 */
#ifndef BALVERIFY_REDIS_CONN_H
#define BALVERIFY_REDIS_CONN_H

#include <hiredis/hiredis.h>
#include <stddef.h>

#include "balverify/status.h"

typedef struct bv_redis bv_redis;

/* Default endpoint of DendrETH's common_config.json. */
#define BV_REDIS_DEFAULT_HOST "127.0.0.1"
#define BV_REDIS_DEFAULT_PORT 6379

/* Connect to host:port (TCP). timeout_ms bounds connect and each reply
 * (0 = no read timeout, needed for long blocking pops). */
bv_err bv_redis_connect(bv_redis **out, const char *host, int port, int timeout_ms, bv_status *st);

/* Parse "redis://[user:pass@]host[:port][/db]" or "host:port" and connect.
 * A password is sent with AUTH and the db with SELECT. */
bv_err bv_redis_connect_uri(bv_redis **out, const char *uri, int timeout_ms, bv_status *st);

void bv_redis_free(bv_redis *r);

/* Drop the current socket and open a new one to the same endpoint. */
bv_err bv_redis_reconnect(bv_redis *r, bv_status *st);

/* 1 when the last command found the server reachable. */
int bv_redis_is_connected(const bv_redis *r);

/* Change the per-reply read timeout (0 = wait forever). Blocking pops use
 * this so the socket never times out before the server answers. */
bv_err bv_redis_set_timeout(bv_redis *r, int timeout_ms, bv_status *st);
/* The current per-reply timeout in ms (0 = none). */
int bv_redis_timeout(const bv_redis *r);

const char *bv_redis_host(const bv_redis *r);
int bv_redis_port(const bv_redis *r);

/* Run one command given as argv/lens (lens may be NULL for C strings).
 * 'what' names the operation for messages ("lease: GET Q:item:x").
 * Returns the reply (freeReplyObject it) or NULL with st filled. */
redisReply *bv_redis_argv(bv_redis *r, bv_status *st, const char *what, int argc, const char **argv,
                          const size_t *lens);

/* printf-style convenience (hiredis format: %s, %b with pointer+len, %lld). */
redisReply *bv_redis_cmd(bv_redis *r, bv_status *st, const char *what, const char *fmt, ...);

/* Run several commands back-to-back on the socket (one round trip) and
 * collect every reply into replies[0..n-1]. On failure every reply already
 * read is freed and the array is zeroed. */
bv_err bv_redis_pipeline(bv_redis *r, bv_status *st, const char *what, int n, const int *argcs,
                         const char *const *const *argvs, const size_t *const *lens,
                         redisReply **replies);

/* A Lua script known by its text; the SHA-1 is computed on first use. */
typedef struct {
    const char *source;
    char sha[41];
} bv_redis_script;

#define BV_REDIS_SCRIPT(src)                                                                       \
    {                                                                                              \
        (src),                                                                                     \
        {                                                                                          \
            0                                                                                      \
        }                                                                                          \
    }

/* EVALSHA (falling back to EVAL) with nkeys keys and nargs args. */
redisReply *bv_redis_eval(bv_redis *r, bv_status *st, const char *what, bv_redis_script *s,
                          int nkeys, const char **keys, const size_t *keylens, int nargs,
                          const char **args, const size_t *arglens);

/* Simple typed helpers. */
bv_err bv_redis_set(bv_redis *r, const char *key, const void *val, size_t len, bv_status *st);
/* *val is malloc'd (NUL-terminated for convenience, *len excludes it); *found
 * is 0 with *val NULL when the key does not exist. */
bv_err bv_redis_get(bv_redis *r, const char *key, char **val, size_t *len, int *found,
                    bv_status *st);
bv_err bv_redis_del(bv_redis *r, const char *key, bv_status *st);
bv_err bv_redis_exists(bv_redis *r, const char *key, int *exists, bv_status *st);

/* 36-char lower-case random UUID v4 (+NUL) from /dev/urandom. */
bv_err bv_uuid_v4(char out[37], bv_status *st);

#endif
