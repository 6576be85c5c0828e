/* witness.c - partition witness and the generator scheduler (see
 * include/balverify/witness.h, PROOF_SYSTEM.md section 7).
 *
 * Values live at the union-find representative of each target's class. The
 * scheduler counts, per generator, the distinct unknown dependency classes;
 * whenever a class becomes known, the generators watching it count down and
 * run when they reach zero. Every generator therefore runs exactly once, as
 * soon as possible, and the cost is linear in the total number of deps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/witness.h"
#include "plonk_internal.h"

struct bv_witness {
    const bv_circuit_data *d;
    size_t nnodes;
    gl_t *val;
    uint8_t *known;
    /* classes that became known since the scheduler last looked */
    uint32_t *fresh;
    size_t nfresh, cap_fresh;
    int tracking;
    /* test hook: forced trace cells */
    uint32_t *forced_cell;
    gl_t *forced_val;
    size_t nforced;
};

bv_witness *bv_witness_new(const bv_circuit_data *d)
{
    bv_witness *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->d = d;
    w->nnodes = (size_t)d->nrows * d->num_wires + d->nvirt;
    w->val = calloc(w->nnodes ? w->nnodes : 1, sizeof *w->val);
    w->known = calloc(w->nnodes ? w->nnodes : 1, 1);
    if (!w->val || !w->known) {
        bv_witness_free(w);
        return NULL;
    }
    return w;
}

void bv_witness_free(bv_witness *w)
{
    if (!w)
        return;
    free(w->val);
    free(w->known);
    free(w->fresh);
    free(w->forced_cell);
    free(w->forced_val);
    free(w);
}

int bv_witness_try_get(const bv_witness *w, bv_target t, gl_t *out)
{
    uint32_t node = bv_cd_node(w->d, t);
    if (node == UINT32_MAX)
        return 0;
    uint32_t r = w->d->rep[node];
    if (!w->known[r])
        return 0;
    if (out)
        *out = w->val[r];
    return 1;
}

gl_t bv_witness_get(const bv_witness *w, bv_target t)
{
    gl_t v = 0;
    (void)bv_witness_try_get(w, t, &v);
    return v;
}

static void fmt_target(char *buf, size_t cap, bv_target t)
{
    if (bv_target_is_virtual(t))
        snprintf(buf, cap, "virtual %u", t.col);
    else
        snprintf(buf, cap, "wire (row %u, col %u)", t.row, t.col);
}

bv_err bv_witness_set(bv_witness *w, bv_target t, gl_t v, bv_status *st)
{
    char tb[64];
    uint32_t node = bv_cd_node(w->d, t);
    if (node == UINT32_MAX) {
        fmt_target(tb, sizeof tb, t);
        return bv_fail(st, BV_ERR_ARG, "witness: %s does not exist", tb);
    }
    v = gl_from_u64(v);
    uint32_t r = w->d->rep[node];
    if (w->known[r]) {
        if (w->val[r] == v)
            return BV_OK;
        fmt_target(tb, sizeof tb, t);
        return bv_fail(st, BV_ERR_VERIFY, "witness conflict at %s: already %llu, now set to %llu",
                       tb, (unsigned long long)w->val[r], (unsigned long long)v);
    }
    w->val[r] = v;
    w->known[r] = 1;
    if (w->tracking) {
        if (w->nfresh == w->cap_fresh) {
            size_t nc = w->cap_fresh ? w->cap_fresh * 2 : 1024;
            uint32_t *nf = realloc(w->fresh, nc * sizeof *nf);
            if (!nf)
                return bv_fail(st, BV_ERR_NOMEM, "witness: out of memory");
            w->fresh = nf;
            w->cap_fresh = nc;
        }
        w->fresh[w->nfresh++] = r;
    }
    return BV_OK;
}

bv_err bv_witness_set_many(bv_witness *w, const bv_target *t, const gl_t *v, size_t n,
                           bv_status *st)
{
    for (size_t i = 0; i < n; i++) {
        bv_err e = bv_witness_set(w, t[i], v[i], st);
        if (e != BV_OK)
            return e;
    }
    return BV_OK;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static gl_t random_gl(uint64_t *s)
{
    for (;;) {
        uint64_t x = splitmix(s);
        if (x < GL_P)
            return x;
    }
}

/* Dependencies of generator i (targets), into *buf (grown as needed). */
static bv_err gen_deps(const bv_circuit_data *d, const bv_gen_entry *g, bv_target **buf,
                       size_t *cap, size_t *n, bv_status *st)
{
    for (;;) {
        size_t k = 0;
        if (g->kind == BV_GEN_GATE_OP) {
            const bv_gate *gate = &d->cd.gates[d->row_gate[g->row]];
            k = gate->ops->gen_deps(gate, g->row, g->op, *buf, *cap);
        } else if (g->kind == BV_GEN_OBJECT) {
            k = g->obj->deps(g->obj, *buf, *cap);
        }
        if (k <= *cap) {
            *n = k;
            return BV_OK;
        }
        bv_target *nb = realloc(*buf, k * sizeof *nb);
        if (!nb)
            return bv_fail(st, BV_ERR_NOMEM, "witness: out of memory");
        *buf = nb;
        *cap = k;
    }
}

static void gen_name(const bv_circuit_data *d, const bv_gen_entry *g, char *buf, size_t cap)
{
    if (g->kind == BV_GEN_GATE_OP) {
        const bv_gate *gate = &d->cd.gates[d->row_gate[g->row]];
        snprintf(buf, cap, "%s generator (row %u, op %u)", gate->ops->kind, g->row, g->op);
    } else if (g->kind == BV_GEN_OBJECT) {
        snprintf(buf, cap, "%s generator", g->obj->name ? g->obj->name : "custom");
    } else {
        snprintf(buf, cap, "random-value generator");
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

bv_err bv_witness_generate(bv_witness *w, uint64_t seed, bv_status *st)
{
    const bv_circuit_data *d = w->d;
    bv_err e;
    uint64_t rng = seed ^ 0x6A09E667F3BCC909ULL;
    for (size_t i = 0; i < d->nconsts; i++) {
        e = bv_witness_set(w, d->consts[i].t, d->consts[i].value, st);
        if (e != BV_OK)
            return bv_fail_ctx(st, "constant %llu", (unsigned long long)d->consts[i].value);
    }
    size_t ng = d->ngens;
    uint32_t *pending = calloc(ng ? ng : 1, sizeof *pending);
    size_t *dep_off = malloc((ng + 1) * sizeof *dep_off);
    uint32_t *dep_rep = NULL;
    size_t cap_rep = 0, nrep = 0;
    bv_target *buf = NULL;
    size_t cap_buf = 0;
    uint32_t *watch_off = NULL, *watch = NULL, *queue = NULL;
    e = BV_OK;
    if (!pending || !dep_off) {
        e = bv_fail(st, BV_ERR_NOMEM, "witness: out of memory");
        goto out;
    }
    /* 1. distinct unknown dependency classes of every generator */
    for (size_t i = 0; i < ng; i++) {
        size_t nd = 0;
        dep_off[i] = nrep;
        e = gen_deps(d, &d->gens[i], &buf, &cap_buf, &nd, st);
        if (e != BV_OK)
            goto out;
        if (nrep + nd > cap_rep) {
            size_t nc = cap_rep ? cap_rep : 4096;
            while (nc < nrep + nd)
                nc *= 2;
            uint32_t *nr = realloc(dep_rep, nc * sizeof *nr);
            if (!nr) {
                e = bv_fail(st, BV_ERR_NOMEM, "witness: out of memory");
                goto out;
            }
            dep_rep = nr;
            cap_rep = nc;
        }
        size_t k0 = nrep;
        for (size_t j = 0; j < nd; j++) {
            uint32_t node = bv_cd_node(d, buf[j]);
            if (node == UINT32_MAX) {
                char nb[128], tb[64];
                gen_name(d, &d->gens[i], nb, sizeof nb);
                fmt_target(tb, sizeof tb, buf[j]);
                e = bv_fail(st, BV_ERR_ARG, "witness: %s depends on %s, which does not exist", nb,
                            tb);
                goto out;
            }
            uint32_t r = d->rep[node];
            if (!w->known[r])
                dep_rep[nrep++] = r;
        }
        if (nrep > k0) /* dep_rep may still be NULL when nothing is pending */
            qsort(dep_rep + k0, nrep - k0, sizeof *dep_rep, cmp_u32);
        size_t u = k0;
        for (size_t j = k0; j < nrep; j++)
            if (j == k0 || dep_rep[j] != dep_rep[u - 1])
                dep_rep[u++] = dep_rep[j];
        nrep = u;
        pending[i] = (uint32_t)(nrep - k0);
    }
    dep_off[ng] = nrep;
    /* 2. watch lists (CSR by class) */
    watch_off = calloc(w->nnodes + 1, sizeof *watch_off);
    watch = malloc((nrep ? nrep : 1) * sizeof *watch);
    queue = malloc((ng ? ng : 1) * sizeof *queue);
    if (!watch_off || !watch || !queue) {
        e = bv_fail(st, BV_ERR_NOMEM, "witness: out of memory");
        goto out;
    }
    for (size_t j = 0; j < nrep; j++)
        watch_off[dep_rep[j] + 1]++;
    for (size_t i = 0; i < w->nnodes; i++)
        watch_off[i + 1] += watch_off[i];
    {
        uint32_t *fill = malloc((w->nnodes + 1) * sizeof *fill);
        if (!fill) {
            e = bv_fail(st, BV_ERR_NOMEM, "witness: out of memory");
            goto out;
        }
        memcpy(fill, watch_off, (w->nnodes + 1) * sizeof *fill);
        for (size_t i = 0; i < ng; i++)
            for (size_t j = dep_off[i]; j < dep_off[i + 1]; j++)
                watch[fill[dep_rep[j]]++] = (uint32_t)i;
        free(fill);
    }
    /* 3. run */
    size_t qh = 0, qt = 0, nrun = 0;
    for (size_t i = 0; i < ng; i++)
        if (pending[i] == 0)
            queue[qt++] = (uint32_t)i;
    w->tracking = 1;
    w->nfresh = 0;
    while (qh < qt) {
        const bv_gen_entry *g = &d->gens[queue[qh++]];
        nrun++;
        if (g->kind == BV_GEN_GATE_OP) {
            const bv_gate *gate = &d->cd.gates[d->row_gate[g->row]];
            const gl_t *consts = &d->row_consts[(size_t)g->row * d->cd.config.num_constants];
            e = gate->ops->gen_run(gate, g->row, g->op, consts, w, st);
        } else if (g->kind == BV_GEN_OBJECT) {
            e = g->obj->run(g->obj, w, st);
        } else {
            bv_target t = g->row == BV_TARGET_VIRTUAL ? bv_virtual(g->op) : bv_wire(g->row, g->op);
            gl_t r = random_gl(&rng);
            if (!bv_witness_try_get(w, t, NULL))
                e = bv_witness_set(w, t, r, st);
        }
        if (e != BV_OK) {
            char nb[128];
            gen_name(d, g, nb, sizeof nb);
            bv_fail_ctx(st, "%s", nb);
            goto out;
        }
        for (size_t f = 0; f < w->nfresh; f++) {
            uint32_t r = w->fresh[f];
            for (uint32_t j = watch_off[r]; j < watch_off[r + 1]; j++) {
                uint32_t gi = watch[j];
                if (--pending[gi] == 0)
                    queue[qt++] = gi;
            }
        }
        w->nfresh = 0;
    }
    if (nrun < ng) {
        size_t first = 0;
        while (first < ng && pending[first] == 0)
            first++;
        char nb[128] = "?";
        if (first < ng)
            gen_name(d, &d->gens[first], nb, sizeof nb);
        e = bv_fail(st, BV_ERR_VERIFY,
                    "witness generation: %zu generators weren't run (first: %s, waiting on %u "
                    "unknown inputs)",
                    ng - nrun, nb, first < ng ? pending[first] : 0);
    }
out:
    w->tracking = 0;
    free(pending);
    free(dep_off);
    free(dep_rep);
    free(buf);
    free(watch_off);
    free(watch);
    free(queue);
    return e;
}

void bv_witness_trace(const bv_witness *w, gl_t *const *cols)
{
    const bv_circuit_data *d = w->d;
    uint32_t n = d->nrows, W = d->num_wires;
    for (uint32_t r = 0; r < n; r++)
        for (uint32_t c = 0; c < W; c++) {
            uint32_t rp = d->rep[(size_t)r * W + c];
            cols[c][r] = w->known[rp] ? w->val[rp] : 0;
        }
    for (size_t i = 0; i < w->nforced; i++) {
        uint32_t cell = w->forced_cell[i];
        cols[cell % W][cell / W] = w->forced_val[i];
    }
}

bv_err bv_witness_public_inputs(const bv_witness *w, gl_t *out, bv_status *st)
{
    const bv_circuit_data *d = w->d;
    for (uint32_t i = 0; i < d->cd.num_public_inputs; i++)
        if (!bv_witness_try_get(w, d->public_inputs[i], &out[i]))
            return bv_fail(st, BV_ERR_VERIFY, "public input %u is not set in the witness", i);
    return BV_OK;
}

bv_err bv_witness_force_cell(bv_witness *w, uint32_t row, uint32_t col, gl_t value, bv_status *st)
{
    if (row >= w->d->nrows || col >= w->d->num_wires)
        return bv_fail(st, BV_ERR_ARG, "force_cell: (row %u, col %u) out of range", row, col);
    uint32_t *nc = realloc(w->forced_cell, (w->nforced + 1) * sizeof *nc);
    if (!nc)
        return bv_fail(st, BV_ERR_NOMEM, "force_cell: out of memory");
    w->forced_cell = nc;
    gl_t *nv = realloc(w->forced_val, (w->nforced + 1) * sizeof *nv);
    if (!nv)
        return bv_fail(st, BV_ERR_NOMEM, "force_cell: out of memory");
    w->forced_val = nv;
    w->forced_cell[w->nforced] = row * w->d->num_wires + col;
    w->forced_val[w->nforced] = gl_from_u64(value);
    w->nforced++;
    return BV_OK;
}

bv_err bv_witness_check_constraints(const bv_witness *w, bv_status *st)
{
    const bv_circuit_data *d = w->d;
    const bv_common_data *cd = &d->cd;
    uint32_t n = d->nrows, W = d->num_wires;
    gl_t *pis = malloc((cd->num_public_inputs ? cd->num_public_inputs : 1) * sizeof *pis);
    gl_t *cells = malloc((size_t)n * W * sizeof *cells);
    gl_t **cols = malloc(W * sizeof *cols);
    gl_t *out = malloc((cd->num_gate_constraints ? cd->num_gate_constraints : 1) * sizeof *out);
    gl_t wires[BV_PLONK_MAX_WIRES];
    bv_err e = BV_OK;
    if (!pis || !cells || !cols || !out) {
        e = bv_fail(st, BV_ERR_NOMEM, "check_constraints: out of memory");
        goto done;
    }
    e = bv_witness_public_inputs(w, pis, st);
    if (e != BV_OK)
        goto done;
    bv_eval_vars_base v;
    v.public_inputs_hash = bv_poseidon_hash_no_pad(pis, cd->num_public_inputs);
    for (uint32_t c = 0; c < W; c++)
        cols[c] = cells + (size_t)c * n;
    bv_witness_trace(w, cols);
    for (uint32_t r = 0; r < n; r++) {
        const bv_gate *g = &cd->gates[d->row_gate[r]];
        for (uint32_t c = 0; c < W; c++)
            wires[c] = cols[c][r];
        v.wires = wires;
        v.constants = &d->row_consts[(size_t)r * cd->config.num_constants];
        uint32_t nc = g->ops->num_constraints(g);
        g->ops->eval_base(g, &v, out);
        for (uint32_t k = 0; k < nc; k++)
            if (out[k] != 0) {
                char id[256];
                g->ops->id(g, id, sizeof id);
                e = bv_fail(st, BV_ERR_VERIFY, "constraint %u of gate %s fails on row %u", k, id,
                            r);
                goto done;
            }
    }
done:
    free(pis);
    free(cells);
    free(cols);
    free(out);
    return e;
}
