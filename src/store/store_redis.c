/* store_redis.c - proof storage in Redis: the key is the Redis key, the
 * value the raw proof bytes (SET/GET/EXISTS/DEL), exactly what DendrETH's
 * `--proof-storage-type redis` does. See include/balverify/proof_store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/proof_store.h"
#include "balverify/redis_conn.h"

static bv_err r_open(bv_proof_store *s, const char *location, int create, bv_status *st)
{
    (void)create; /* a Redis database always exists */
    /* Accept the part after "redis:" of a generic "NAME:LOCATION" URI too. */
    char uri[600];
    if (location && strncmp(location, "//", 2) == 0) {
        snprintf(uri, sizeof uri, "redis:%.590s", location);
        location = uri;
    }
    bv_redis *r;
    bv_err e = bv_redis_connect_uri(&r, location, 10000, st);
    if (e)
        return bv_fail_ctx(st, "redis proof store");
    s->impl = r;
    return BV_OK;
}

static bv_err r_put(bv_proof_store *s, const char *key, const uint8_t *data, size_t len,
                    bv_status *st)
{
    bv_err e = bv_store_check_key(key, st);
    if (e)
        return e;
    return bv_redis_set(s->impl, key, len ? (const void *)data : "", len, st);
}

static bv_err r_get(bv_proof_store *s, const char *key, uint8_t **data, size_t *len, bv_status *st)
{
    *data = NULL;
    *len = 0;
    bv_err e = bv_store_check_key(key, st);
    if (e)
        return e;
    char *v;
    size_t n;
    int found;
    e = bv_redis_get(s->impl, key, &v, &n, &found, st);
    if (e)
        return e;
    if (!found)
        return bv_fail(st, BV_ERR_IO, "redis proof store: no proof under key %s", key);
    *data = (uint8_t *)v; /* malloc'd by bv_redis_get, never NULL when found */
    *len = n;
    return BV_OK;
}

static bv_err r_exists(bv_proof_store *s, const char *key, int *found, bv_status *st)
{
    *found = 0;
    bv_err e = bv_store_check_key(key, st);
    if (e)
        return e;
    return bv_redis_exists(s->impl, key, found, st);
}

static bv_err r_del(bv_proof_store *s, const char *key, bv_status *st)
{
    bv_err e = bv_store_check_key(key, st);
    if (e)
        return e;
    return bv_redis_del(s->impl, key, st);
}

static void r_close(bv_proof_store *s)
{
    bv_redis_free(s->impl);
    s->impl = NULL;
}

const bv_proof_store_ops bv_store_redis_ops = {"redis",  r_open, r_put,  r_get,
                                               r_exists, r_del,  r_close};
