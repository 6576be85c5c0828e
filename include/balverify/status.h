/*
 * status.h - error reporting shared by every layer.
 *
 * Invariants:
 *  - Library functions never exit() and never print on error; they return a
 *    bv_err code and, when given a non-NULL bv_status, fill it with a one-line
 *    human-readable message naming the problem (file, field, index...).
 *  - Only a program's main() turns a status into an exit code and prints it,
 *    as "PROGRAM: error: MESSAGE" on stderr.
 *  - A status that is BV_OK has an empty message.
 */
#ifndef BALVERIFY_STATUS_H
#define BALVERIFY_STATUS_H

#include <stdarg.h>

typedef enum {
    BV_OK = 0,
    BV_ERR_IO = 1,        /* file missing, unreadable, short read/write */
    BV_ERR_FORMAT = 2,    /* malformed SSZ / JSON / binary encoding, truncated data */
    BV_ERR_ARG = 3,       /* bad command-line argument or API parameter */
    BV_ERR_VERIFY = 4,    /* root mismatch, proof rejected, branch does not verify */
    BV_ERR_NOMEM = 5,     /* allocation failed */
    BV_ERR_NET = 6,       /* HTTP / Redis connection or protocol failure */
    BV_ERR_MPI = 7,       /* MPI failure or inconsistent ranks */
    BV_ERR_UNSUPPORTED = 8, /* unknown fork, unsupported version */
    BV_ERR_INTERNAL = 9,  /* invariant broken: a bug */
} bv_err;

#define BV_STATUS_MSG 512

typedef struct {
    bv_err code;
    char msg[BV_STATUS_MSG];
} bv_status;

/* Reset to BV_OK. st may be NULL. */
void bv_status_clear(bv_status *st);

/* Record an error (printf-style message) and return code. st may be NULL. */
bv_err bv_fail(bv_status *st, bv_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix an existing message with more context ("while X: old message"). */
bv_err bv_fail_ctx(bv_status *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Short name of an error code ("io", "format", ...). */
const char *bv_err_name(bv_err code);

/* Process exit code for an error: 0 for BV_OK, otherwise 1 + code (never 77,
 * which the test harness reserves for "skipped"). */
int bv_exit_code(bv_err code);

#endif
