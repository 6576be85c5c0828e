/* store.c - backend selection for proof_store.h */
#include "balverify/proof_store.h"

#include <stdlib.h>
#include <string.h>

bv_err bv_store_check_key(const char *key, bv_status *st)
{
    if (!key || !*key)
        return bv_fail(st, BV_ERR_ARG, "store: empty key");
    size_t n = strlen(key);
    if (n > BV_STORE_KEY_MAX)
        return bv_fail(st, BV_ERR_ARG, "store: key of %zu characters is longer than %d", n,
                       BV_STORE_KEY_MAX);
    if (key[0] == '.')
        return bv_fail(st, BV_ERR_ARG, "store: key '%.64s' starts with '.'", key);
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == ':' || c == '-';
        if (!ok)
            return bv_fail(st, BV_ERR_ARG, "store: key '%.64s' has a forbidden character at %zu",
                           key, i);
    }
    return BV_OK;
}

bv_err bv_proof_store_open_ops(const bv_proof_store_ops *ops, const char *location, int create,
                               bv_proof_store **out, bv_status *st)
{
    *out = NULL;
    bv_proof_store *s = calloc(1, sizeof *s);
    if (!s)
        return bv_fail(st, BV_ERR_NOMEM, "store: out of memory");
    s->ops = ops;
    bv_err e = ops->open(s, location, create, st);
    if (e) {
        free(s);
        return e;
    }
    *out = s;
    return BV_OK;
}

bv_err bv_proof_store_open(const char *uri, int create, bv_proof_store **out, bv_status *st)
{
    static const bv_proof_store_ops *const table[] = {&bv_store_file_ops, &bv_store_hdf5_ops,
                                                      &bv_store_redis_ops};
    *out = NULL;
    if (!uri)
        return bv_fail(st, BV_ERR_ARG, "store: no URI");
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        size_t n = strlen(table[i]->name);
        if (strncmp(uri, table[i]->name, n) == 0 && uri[n] == ':' && uri[n + 1])
            return bv_proof_store_open_ops(table[i], uri + n + 1, create, out, st);
    }
    return bv_fail(
        st, BV_ERR_ARG,
        "store: unknown store URI '%s' (expected file:DIR, hdf5:FILE or redis://HOST:PORT)", uri);
}

void bv_proof_store_close(bv_proof_store *s)
{
    if (!s)
        return;
    if (s->ops && s->ops->close)
        s->ops->close(s);
    free(s);
}
