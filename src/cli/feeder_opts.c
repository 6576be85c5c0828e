/* feeder_opts.c - command-line options and Redis writes shared by the two
 * queue feeders (feeder_opts.h). */
#include <stdlib.h>
#include <string.h>

#include "balverify/feeder_opts.h"
#include "balverify/util_bytes.h"
#include "balverify/validator.h"

void bv_feeder_opts_init(bv_feeder_opts *o)
{
    memset(o, 0, sizeof *o);
    o->host = BV_REDIS_DEFAULT_HOST;
    o->port = BV_REDIS_DEFAULT_PORT;
}

bv_err bv_feeder_parse_u64(const char *name, const char *s, uint64_t *out, bv_status *st)
{
    char *end;
    /* strtoull would accept a sign and wrap a negative number around */
    if (!*s || *s == '-')
        return bv_fail(st, BV_ERR_ARG, "%s: '%s' is not an unsigned integer", name, s);
    unsigned long long v = strtoull(s, &end, 10);
    if (*end)
        return bv_fail(st, BV_ERR_ARG, "%s: '%s' is not an unsigned integer", name, s);
    *out = v;
    return BV_OK;
}

int bv_feeder_opts_apply(bv_feeder_opts *o, const char *k, const char *v, bv_err *err,
                         bv_status *st)
{
    uint64_t x = 0;
    bv_err e = BV_OK;
    if (!strcmp(k, "--redis-host"))
        o->host = v;
    else if (!strcmp(k, "--redis-port")) {
        if (bv_feeder_parse_u64(k, v, &x, st) || x == 0 || x > 65535)
            e = bv_fail(st, BV_ERR_ARG, "--redis-port: '%s' is not a port", v);
        else
            o->port = (int)x;
    } else if (!strcmp(k, "--beacon-node"))
        o->beacon = v;
    else if (!strcmp(k, "--offset"))
        e = bv_feeder_parse_u64(k, v, &o->offset, st);
    else if (!strcmp(k, "--take")) {
        e = bv_feeder_parse_u64(k, v, &o->take, st);
        o->has_take = e == BV_OK;
    } else
        return 0;
    *err = e;
    return 1;
}

bv_err bv_feeder_set_json(bv_redis *r, const char *key, char *json, bv_status *st)
{
    if (!json)
        return bv_fail(st, BV_ERR_NOMEM, "%s: out of memory", key);
    bv_err e = bv_redis_set(r, key, json, strlen(json), st);
    free(json);
    return e;
}

void bv_feeder_validator_rec(const uint8_t *rec, bv_validator_rec *out)
{
    memset(out, 0, sizeof *out);
    memcpy(out->pubkey, rec, 48);
    memcpy(out->withdrawal_credentials, rec + 48, 32);
    out->effective_balance = bv_le64(rec + 80);
    out->slashed = rec[88] != 0;
    out->activation_eligibility_epoch = bv_le64(rec + 89);
    out->activation_epoch = bv_le64(rec + 97);
    out->exit_epoch = bv_le64(rec + 105);
    out->withdrawable_epoch = bv_le64(rec + 113);
}
