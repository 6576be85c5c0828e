/* status.c - see include/balverify/status.h */
#include "balverify/status.h"

#include <stdio.h>
#include <string.h>

void bv_status_clear(bv_status *st)
{
    if (st) {
        st->code = BV_OK;
        st->msg[0] = '\0';
    }
}

bv_err bv_fail(bv_status *st, bv_err code, const char *fmt, ...)
{
    if (st) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(st->msg, sizeof st->msg, fmt, ap);
        va_end(ap);
        st->code = code;
    }
    return code;
}

bv_err bv_fail_ctx(bv_status *st, const char *fmt, ...)
{
    if (!st)
        return BV_ERR_INTERNAL;
    char prefix[BV_STATUS_MSG];
    char old[BV_STATUS_MSG];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, st->msg, sizeof old);
    /* Truncation is acceptable: the message is for humans and stays bounded. */
    size_t plen = strlen(prefix);
    if (plen > sizeof st->msg - 3)
        plen = sizeof st->msg - 3;
    memcpy(st->msg, prefix, plen);
    memcpy(st->msg + plen, ": ", 2);
    size_t room = sizeof st->msg - plen - 2 - 1;
    size_t olen = strnlen(old, room);
    memcpy(st->msg + plen + 2, old, olen);
    st->msg[plen + 2 + olen] = '\0';
    if (st->code == BV_OK)
        st->code = BV_ERR_INTERNAL;
    return st->code;
}

const char *bv_err_name(bv_err code)
{
    switch (code) {
    case BV_OK: return "ok";
    case BV_ERR_IO: return "io";
    case BV_ERR_FORMAT: return "format";
    case BV_ERR_ARG: return "argument";
    case BV_ERR_VERIFY: return "verification";
    case BV_ERR_NOMEM: return "out of memory";
    case BV_ERR_NET: return "network";
    case BV_ERR_MPI: return "mpi";
    case BV_ERR_UNSUPPORTED: return "unsupported";
    case BV_ERR_INTERNAL: return "internal";
    }
    return "unknown";
}

int bv_exit_code(bv_err code)
{
    return code == BV_OK ? 0 : 1 + (int)code;
}
