/* store_observer.c - job observers that keep nodes in a proof store, and a
 * way to chain two observers (e.g. a proof store and the Redis mirror). */
#include <stdio.h>
#include <stdlib.h>

#include "balverify/job.h"

static const char *kind_key(bv_node_kind k)
{
    return k == BV_NODE_BALANCE ? "balance" : k == BV_NODE_MAPPER ? "mapper" : "final";
}

void bv_node_store_key(const bv_node *n, char *out, size_t cap)
{
    if (n->kind == BV_NODE_FINAL)
        snprintf(out, cap, "final");
    else
        snprintf(out, cap, "%s:%u:%llu", kind_key(n->kind), n->level, (unsigned long long)n->index);
}

static bv_err put_node(bv_proof_store *s, const bv_node *n, bv_status *st)
{
    char key[64];
    bv_node_store_key(n, key, sizeof key);
    size_t len = bv_node_encoded_size(n);
    uint8_t *buf = malloc(len);
    if (!buf)
        return bv_fail(st, BV_ERR_NOMEM, "proof store: out of memory");
    bv_node_encode(n, buf);
    bv_err e = bv_store_put(s, key, buf, len, st);
    free(buf);
    return e ? bv_fail_ctx(st, "proof store") : BV_OK;
}

static bv_err store_on_node(void *ctx, const bv_node *node, bv_status *st)
{
    return put_node(ctx, node, st);
}

static bv_err store_on_final(void *ctx, const bv_job_result *res, bv_status *st)
{
    return put_node(ctx, &res->final_node, st);
}

void bv_store_observer(bv_proof_store *s, bv_job_observer *ob)
{
    ob->ctx = s;
    ob->on_level_complete = NULL;
    ob->on_node = store_on_node;
    ob->on_final = store_on_final;
}

/* ---- chaining ---------------------------------------------------------- */

static bv_err chain_level(void *ctx, bv_node_kind kind, uint32_t level, uint64_t total, uint64_t lo,
                          const bv_node *nodes, size_t n, bv_status *st)
{
    bv_observer_chain *c = ctx;
    for (int i = 0; i < 2; i++)
        if (c->ob[i].on_level_complete) {
            bv_err e =
                c->ob[i].on_level_complete(c->ob[i].ctx, kind, level, total, lo, nodes, n, st);
            if (e)
                return e;
        }
    return BV_OK;
}

static bv_err chain_node(void *ctx, const bv_node *node, bv_status *st)
{
    bv_observer_chain *c = ctx;
    for (int i = 0; i < 2; i++)
        if (c->ob[i].on_node) {
            bv_err e = c->ob[i].on_node(c->ob[i].ctx, node, st);
            if (e)
                return e;
        }
    return BV_OK;
}

static bv_err chain_final(void *ctx, const bv_job_result *res, bv_status *st)
{
    bv_observer_chain *c = ctx;
    for (int i = 0; i < 2; i++)
        if (c->ob[i].on_final) {
            bv_err e = c->ob[i].on_final(c->ob[i].ctx, res, st);
            if (e)
                return e;
        }
    return BV_OK;
}

void bv_observer_chain_init(bv_observer_chain *c, const bv_job_observer *first,
                            const bv_job_observer *second, bv_job_observer *out)
{
    c->ob[0] = *first;
    c->ob[1] = *second;
    out->ctx = c;
    out->on_level_complete = chain_level;
    out->on_node = chain_node;
    out->on_final = chain_final;
}
