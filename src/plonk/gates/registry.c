/*
 * registry.c - the table of gate types, lookup by kind, validation, ordering
 * and the generic gate helpers of gates.h.
 */
#include <stdlib.h>
#include <string.h>

#include "plonk/gates/gates_internal.h"

const bv_gate_kind *const bv_gate_kinds[] = {
    &bv_gate_kind_noop,
    &bv_gate_kind_constant,
    &bv_gate_kind_public_input,
    &bv_gate_kind_arithmetic,
    &bv_gate_kind_arithmetic_ext,
    &bv_gate_kind_mul_ext,
    &bv_gate_kind_base_sum,
    &bv_gate_kind_poseidon,
    &bv_gate_kind_poseidon_mds,
    &bv_gate_kind_random_access,
    &bv_gate_kind_coset_interpolation,
    &bv_gate_kind_reducing,
    &bv_gate_kind_reducing_ext,
    &bv_gate_kind_exponentiation,
    &bv_gate_kind_sha256_round2,
    &bv_gate_kind_sha256_sched,
    &bv_gate_kind_u32_add,
    NULL,
};

const bv_gate_ops *bv_gate_ops_by_kind(const char *kind)
{
    if (!kind)
        return NULL;
    for (size_t i = 0; bv_gate_kinds[i]; i++)
        if (strcmp(bv_gate_kinds[i]->ops->kind, kind) == 0)
            return bv_gate_kinds[i]->ops;
    return NULL;
}

const bv_gate_kind *bv_gate_kind_of(const bv_gate_ops *ops)
{
    for (size_t i = 0; ops && bv_gate_kinds[i]; i++)
        if (bv_gate_kinds[i]->ops == ops)
            return bv_gate_kinds[i];
    return NULL;
}

bv_gate_eval_circuit_fn bv_gate_eval_circuit_of(const bv_gate *g)
{
    const bv_gate_kind *k = g ? bv_gate_kind_of(g->ops) : NULL;
    if (!k || !k->eval_circuit)
        return NULL;
    /* only instances whose parameters the gate type accepts */
    if (g->ndata && !g->data)
        return NULL;
    bv_status st;
    if (k->check(g, &st) != BV_OK)
        return NULL;
    return k->eval_circuit;
}

/* ---- iteration over the gate types (tests) ---- */

size_t bv_gate_kind_count(void)
{
    size_t n = 0;
    while (bv_gate_kinds[n])
        n++;
    return n;
}

const char *bv_gate_kind_name(size_t i)
{
    return i < bv_gate_kind_count() ? bv_gate_kinds[i]->ops->kind : NULL;
}

size_t bv_gate_kind_examples(size_t i, bv_gate *out, size_t cap)
{
    if (i >= bv_gate_kind_count() || !bv_gate_kinds[i]->examples)
        return 0;
    return bv_gate_kinds[i]->examples(out, cap);
}

gl_t bv_gate_sample_free(const bv_gate *g, uint32_t wire, uint64_t r)
{
    const bv_gate_kind *k = g ? bv_gate_kind_of(g->ops) : NULL;
    if (k && k->sample_free)
        return k->sample_free(g, wire, r);
    return gl_from_u64(r);
}

int bv_gate_ignores_wire(const bv_gate *g, const gl_t *wires, uint32_t wire)
{
    const bv_gate_kind *k = g ? bv_gate_kind_of(g->ops) : NULL;
    return k && k->ignores_wire ? k->ignores_wire(g, wires, wire) : 0;
}

int bv_gate_public_input_wire(const bv_gate *g, uint32_t wire)
{
    const bv_gate_kind *k = g ? bv_gate_kind_of(g->ops) : NULL;
    return k && k->public_input_wire ? k->public_input_wire(g, wire) : -1;
}

uint32_t bv_gate_one(const bv_gate *g)
{
    (void)g;
    return 1;
}

uint32_t bv_gate_zero(const bv_gate *g)
{
    (void)g;
    return 0;
}

uint32_t bv_gate_no_extra_constants(const bv_gate *g)
{
    (void)g;
    return 0;
}

void bv_gate_no_extra_constant_wire(const bv_gate *g, uint32_t i, uint32_t *const_index,
                                    uint32_t *wire)
{
    (void)g;
    (void)i;
    *const_index = 0;
    *wire = 0;
}

bv_err bv_gate_check_no_data(const bv_gate *g, bv_status *st)
{
    if (g->ndata != 0 || g->data != NULL)
        return bv_fail(st, BV_ERR_FORMAT, "gate %s carries %u data elements, expected none",
                       g->ops->kind, g->ndata);
    return BV_OK;
}

size_t bv_gate_no_deps(const bv_gate *g, uint32_t row, uint32_t op, bv_target *deps, size_t cap)
{
    (void)g;
    (void)row;
    (void)op;
    (void)deps;
    (void)cap;
    return 0;
}

bv_err bv_gate_no_run(const bv_gate *g, uint32_t row, uint32_t op, const gl_t *constants,
                      bv_witness *w, bv_status *st)
{
    (void)constants;
    (void)w;
    return bv_fail(st, BV_ERR_INTERNAL, "gate %s (row %u) has no generator %u", g->ops->kind, row,
                   op);
}

void bv_gate_free(bv_gate *g)
{
    if (!g)
        return;
    free(g->data);
    g->data = NULL;
    g->ndata = 0;
}

bv_err bv_gate_clone(const bv_gate *g, bv_gate *out, bv_status *st)
{
    *out = *g;
    out->data = NULL;
    if (g->ndata) {
        out->data = malloc(sizeof(gl_t) * g->ndata);
        if (!out->data) {
            out->ndata = 0;
            return bv_fail(st, BV_ERR_NOMEM, "out of memory copying gate data (%u elements)",
                           g->ndata);
        }
        memcpy(out->data, g->data, sizeof(gl_t) * g->ndata);
    }
    return BV_OK;
}

bv_err bv_gate_check(const bv_gate *g, uint32_t num_wires, uint32_t num_routed,
                     uint32_t num_constants, bv_status *st)
{
    if (!g || !g->ops)
        return bv_fail(st, BV_ERR_FORMAT, "gate without a type");
    const bv_gate_kind *k = bv_gate_kind_of(g->ops);
    if (!k)
        return bv_fail(st, BV_ERR_FORMAT, "unknown gate type");
    if (g->ndata && !g->data)
        return bv_fail(st, BV_ERR_FORMAT, "gate %s: %u data elements announced but none given",
                       g->ops->kind, g->ndata);
    bv_err e = k->check(g, st);
    if (e != BV_OK)
        return e;
    char id[128];
    g->ops->id(g, id, sizeof id);
    uint32_t w = g->ops->num_wires(g);
    if (w > num_wires)
        return bv_fail(st, BV_ERR_ARG, "gate %s needs %u wires, the circuit has %u", id, w,
                       num_wires);
    uint32_t r = k->routed(g);
    if (r > num_routed)
        return bv_fail(st, BV_ERR_ARG, "gate %s needs %u routed wires, the circuit has %u", id, r,
                       num_routed);
    uint32_t c = g->ops->num_constants(g);
    if (c > num_constants)
        return bv_fail(st, BV_ERR_ARG, "gate %s needs %u constants, the circuit has %u", id, c,
                       num_constants);
    return BV_OK;
}

uint32_t bv_gate_num_routed_wires(const bv_gate *g)
{
    const bv_gate_kind *k = bv_gate_kind_of(g->ops);
    return k ? k->routed(g) : g->ops->num_wires(g);
}

int bv_gate_cmp(const bv_gate *a, const bv_gate *b)
{
    uint32_t da = a->ops->degree(a), db = b->ops->degree(b);
    if (da != db)
        return da < db ? -1 : 1;
    char ia[128], ib[128];
    a->ops->id(a, ia, sizeof ia);
    b->ops->id(b, ib, sizeof ib);
    /* strcmp compares as unsigned char: the byte-wise order of section 6.4 */
    int c = strcmp(ia, ib);
    return c < 0 ? -1 : c > 0;
}

int bv_gate_same(const bv_gate *a, const bv_gate *b)
{
    if (a->ops != b->ops || a->ndata != b->ndata)
        return 0;
    if (memcmp(a->params, b->params, sizeof a->params) != 0)
        return 0;
    return a->ndata == 0 || memcmp(a->data, b->data, sizeof(gl_t) * a->ndata) == 0;
}
