/* serialize_prover.c - prover data files: everything a prover needs besides
 * the code of its witness generators (see include/balverify/serialize.h).
 *
 * Gate-op and random generators are stored by position; simple generators by
 * kind name, inputs, outputs and parameters, and the loader maps names back
 * to functions through a resolver. On load the preprocessed columns are
 * recomputed from the row tables and copy classes and committed again: the
 * resulting circuit digest must equal the stored one, so a prover data file
 * can only describe the circuit of its verifier data. */
#include <stdlib.h>
#include <string.h>

#include "balverify/serialize.h"
#include "balverify/util_buf.h"
#include "balverify/util_bytes.h"
#include "plonk_internal.h"

static void pw_target(bv_buf *w, bv_target t)
{
    bv_buf_put_le32(w, t.row);
    bv_buf_put_le32(w, t.col);
}

typedef struct {
    const uint8_t *p;
    size_t len, pos;
    bv_status *st;
    bv_err err;
} pr_buf;

static int pr_need(pr_buf *r, size_t n, const char *what)
{
    if (r->err != BV_OK)
        return 0;
    if (n > r->len - r->pos) {
        r->err =
            bv_fail(r->st, BV_ERR_FORMAT, "truncated prover data: %s needs %zu bytes at offset %zu",
                    what, n, r->pos);
        return 0;
    }
    return 1;
}

static uint32_t pr_u32(pr_buf *r, const char *what)
{
    if (!pr_need(r, 4, what))
        return 0;
    const uint8_t *b = r->p + r->pos;
    r->pos += 4;
    return bv_le32(b);
}

static uint64_t pr_u64(pr_buf *r, const char *what)
{
    uint64_t lo = pr_u32(r, what);
    return lo | (uint64_t)pr_u32(r, what) << 32;
}

static gl_t pr_gl(pr_buf *r, const char *what)
{
    uint64_t v = pr_u64(r, what);
    if (r->err == BV_OK && v >= GL_P)
        r->err = bv_fail(r->st, BV_ERR_FORMAT, "prover data: %s is not canonical", what);
    return v;
}

static bv_target pr_target(pr_buf *r, const bv_circuit_data *d, const char *what)
{
    bv_target t;
    t.row = pr_u32(r, what);
    t.col = pr_u32(r, what);
    if (r->err == BV_OK && bv_cd_node(d, t) == UINT32_MAX)
        r->err = bv_fail(r->st, BV_ERR_FORMAT, "prover data: %s (%u,%u) does not exist", what,
                         t.row, t.col);
    return t;
}

enum { PG_GATE = 0, PG_RANDOM = 1, PG_SIMPLE = 2 };

bv_err bv_prover_data_serialize(const bv_circuit_data *d, uint8_t **out, size_t *len, bv_status *st)
{
    uint8_t *cf = NULL;
    size_t cflen = 0;
    bv_err e = bv_circuit_file_serialize(&d->vd, &d->cd, &cf, &cflen, st);
    if (e != BV_OK)
        return e;
    bv_buf w = BV_BUF_INIT;
    bv_buf_put(&w, BV_PROVER_MAGIC, 8);
    bv_buf_put_le32(&w, BV_FORMAT_VERSION);
    bv_buf_put_le64(&w, cflen);
    bv_buf_put(&w, cf, cflen);
    free(cf);
    uint32_t n = d->nrows, nc = d->cd.config.num_constants;
    bv_buf_put_le32(&w, d->nvirt);
    for (uint32_t r = 0; r < n; r++)
        bv_buf_put_le32(&w, d->row_gate[r]);
    for (size_t i = 0; i < (size_t)n * nc; i++)
        bv_buf_put_le64(&w, d->row_consts[i]);
    size_t nnodes = (size_t)n * d->num_wires + d->nvirt, nontrivial = 0;
    for (size_t i = 0; i < nnodes; i++)
        nontrivial += d->rep[i] != i;
    bv_buf_put_le64(&w, nontrivial);
    for (size_t i = 0; i < nnodes; i++)
        if (d->rep[i] != i) {
            bv_buf_put_le32(&w, (uint32_t)i);
            bv_buf_put_le32(&w, d->rep[i]);
        }
    bv_buf_put_le64(&w, d->nconsts);
    for (size_t i = 0; i < d->nconsts; i++) {
        pw_target(&w, d->consts[i].t);
        bv_buf_put_le64(&w, d->consts[i].value);
    }
    for (uint32_t i = 0; i < d->cd.num_public_inputs; i++)
        pw_target(&w, d->public_inputs[i]);
    bv_buf_put_le64(&w, d->ngens);
    for (size_t i = 0; i < d->ngens && !w.oom; i++) {
        const bv_gen_entry *g = &d->gens[i];
        if (g->kind == BV_GEN_GATE_OP || g->kind == BV_GEN_RANDOM) {
            bv_buf_put_le32(&w, g->kind == BV_GEN_GATE_OP ? PG_GATE : PG_RANDOM);
            bv_buf_put_le32(&w, g->row);
            bv_buf_put_le32(&w, g->op);
            continue;
        }
        bv_simple_gen_fn fn;
        const bv_target *in, *o;
        const gl_t *params;
        size_t nin, nout, np;
        if (!bv_simple_generator_info(g->obj, &fn, &in, &nin, &o, &nout, &params, &np)) {
            free(w.data);
            return bv_fail(st, BV_ERR_UNSUPPORTED,
                           "prover data: generator '%s' is not a simple generator and cannot "
                           "be written",
                           g->obj->name ? g->obj->name : "?");
        }
        size_t nl = strlen(g->obj->name);
        bv_buf_put_le32(&w, PG_SIMPLE);
        bv_buf_put_le32(&w, (uint32_t)nl);
        bv_buf_put(&w, g->obj->name, nl);
        bv_buf_put_le32(&w, (uint32_t)nin);
        bv_buf_put_le32(&w, (uint32_t)nout);
        bv_buf_put_le32(&w, (uint32_t)np);
        for (size_t j = 0; j < nin; j++)
            pw_target(&w, in[j]);
        for (size_t j = 0; j < nout; j++)
            pw_target(&w, o[j]);
        for (size_t j = 0; j < np; j++)
            bv_buf_put_le64(&w, params[j]);
    }
    if (w.oom) {
        free(w.data);
        return bv_fail(st, BV_ERR_NOMEM, "prover data: out of memory");
    }
    *out = w.data;
    *len = w.len;
    return BV_OK;
}

bv_err bv_prover_data_deserialize(const uint8_t *in, size_t len, uint32_t flags,
                                  bv_generator_resolver resolve, bv_circuit_data **out,
                                  bv_status *st)
{
    *out = NULL;
    pr_buf r = {in, len, 0, st, BV_OK};
    if (!pr_need(&r, 8, "magic"))
        return r.err;
    if (memcmp(in, BV_PROVER_MAGIC, 8) != 0)
        return bv_fail(st, BV_ERR_FORMAT, "not a prover data file (bad magic)");
    r.pos = 8;
    uint32_t ver = pr_u32(&r, "version");
    if (r.err == BV_OK && ver != BV_FORMAT_VERSION)
        return bv_fail(st, BV_ERR_UNSUPPORTED, "prover data version %u is not supported", ver);
    uint64_t cflen = pr_u64(&r, "circuit length");
    if (r.err != BV_OK || !pr_need(&r, cflen, "circuit"))
        return r.err;
    bv_circuit_data *d = calloc(1, sizeof *d);
    if (!d)
        return bv_fail(st, BV_ERR_NOMEM, "prover data: out of memory");
    bv_err e = bv_circuit_file_deserialize(in + r.pos, (size_t)cflen, flags, &d->vd, &d->cd, st);
    if (e != BV_OK) {
        free(d);
        return bv_fail_ctx(st, "prover data");
    }
    r.pos += (size_t)cflen;
    const bv_common_data *cd = &d->cd;
    uint32_t n = 1u << cd->degree_bits, nc = cd->config.num_constants;
    d->nrows = n;
    d->num_wires = cd->config.num_wires;
    d->nvirt = pr_u32(&r, "virtual target count");
    size_t nnodes = (size_t)n * d->num_wires + d->nvirt;
    if (r.err == BV_OK && (nnodes >= UINT32_MAX || d->nvirt > (1u << 28))) {
        r.err = bv_fail(st, BV_ERR_FORMAT, "prover data: %u virtual targets", d->nvirt);
        goto fail;
    }
    if (!pr_need(&r, (size_t)n * 4 + (size_t)n * nc * 8, "row tables"))
        goto fail;
    d->row_gate = malloc((size_t)n * sizeof *d->row_gate);
    d->row_consts = malloc((size_t)n * (nc ? nc : 1) * sizeof(gl_t));
    d->rep = malloc(nnodes * sizeof *d->rep);
    if (!d->row_gate || !d->row_consts || !d->rep) {
        r.err = bv_fail(st, BV_ERR_NOMEM, "prover data: out of memory");
        goto fail;
    }
    for (uint32_t i = 0; i < n && r.err == BV_OK; i++) {
        uint32_t gi = pr_u32(&r, "row gate");
        if (r.err == BV_OK && gi >= cd->num_gates)
            r.err = bv_fail(st, BV_ERR_FORMAT, "prover data: row %u has gate %u of %u", i, gi,
                            cd->num_gates);
        d->row_gate[i] = (uint16_t)gi;
    }
    for (size_t i = 0; i < (size_t)n * nc && r.err == BV_OK; i++)
        d->row_consts[i] = pr_gl(&r, "row constant");
    for (size_t i = 0; i < nnodes; i++)
        d->rep[i] = (uint32_t)i;
    uint64_t nt = pr_u64(&r, "copy-class entry count");
    if (r.err == BV_OK && nt > (r.len - r.pos) / 8) {
        r.err = bv_fail(st, BV_ERR_FORMAT, "prover data: %llu copy-class entries",
                        (unsigned long long)nt);
        goto fail;
    }
    uint32_t prev = 0;
    for (uint64_t i = 0; i < nt && r.err == BV_OK; i++) {
        uint32_t node = pr_u32(&r, "copy node"), rp = pr_u32(&r, "copy representative");
        /* representatives are the smallest member: rep < node, listed in order */
        if (r.err == BV_OK && (node >= nnodes || rp >= node || (i && node <= prev)))
            r.err = bv_fail(st, BV_ERR_FORMAT, "prover data: bad copy-class entry %llu",
                            (unsigned long long)i);
        else
            d->rep[node] = rp;
        prev = node;
    }
    for (size_t i = 0; i < nnodes && r.err == BV_OK; i++)
        if (d->rep[d->rep[i]] != d->rep[i])
            r.err = bv_fail(st, BV_ERR_FORMAT, "prover data: copy classes are not flattened");
    if (r.err != BV_OK)
        goto fail;
    uint64_t ncst = pr_u64(&r, "constant count");
    if (r.err == BV_OK && ncst > (r.len - r.pos) / 16) {
        r.err = bv_fail(st, BV_ERR_FORMAT, "prover data: %llu constants", (unsigned long long)ncst);
        goto fail;
    }
    d->consts = malloc((ncst ? ncst : 1) * sizeof *d->consts);
    d->public_inputs =
        malloc((cd->num_public_inputs ? cd->num_public_inputs : 1) * sizeof *d->public_inputs);
    if (!d->consts || !d->public_inputs) {
        r.err = bv_fail(st, BV_ERR_NOMEM, "prover data: out of memory");
        goto fail;
    }
    d->nconsts = (size_t)ncst;
    for (size_t i = 0; i < d->nconsts && r.err == BV_OK; i++) {
        d->consts[i].t = pr_target(&r, d, "constant target");
        d->consts[i].value = pr_gl(&r, "constant value");
    }
    for (uint32_t i = 0; i < cd->num_public_inputs && r.err == BV_OK; i++)
        d->public_inputs[i] = pr_target(&r, d, "public input target");
    uint64_t ng = pr_u64(&r, "generator count");
    if (r.err == BV_OK && ng > (r.len - r.pos) / 12) {
        r.err = bv_fail(st, BV_ERR_FORMAT, "prover data: %llu generators", (unsigned long long)ng);
        goto fail;
    }
    if (r.err != BV_OK)
        goto fail;
    d->gens = calloc(ng ? ng : 1, sizeof *d->gens);
    if (!d->gens) {
        r.err = bv_fail(st, BV_ERR_NOMEM, "prover data: out of memory");
        goto fail;
    }
    for (uint64_t i = 0; i < ng && r.err == BV_OK; i++) {
        uint32_t kind = pr_u32(&r, "generator kind");
        bv_gen_entry *g = &d->gens[d->ngens];
        if (kind == PG_GATE || kind == PG_RANDOM) {
            g->kind = kind == PG_GATE ? BV_GEN_GATE_OP : BV_GEN_RANDOM;
            g->row = pr_u32(&r, "generator row");
            g->op = pr_u32(&r, "generator op");
            if (r.err != BV_OK)
                break;
            if (kind == PG_GATE) {
                const bv_gate *gate = g->row < n ? &cd->gates[d->row_gate[g->row]] : NULL;
                if (!gate || g->op >= gate->ops->num_generators(gate))
                    r.err = bv_fail(st, BV_ERR_FORMAT,
                                    "prover data: gate generator (row %u, op %u) does not exist",
                                    g->row, g->op);
            } else {
                bv_target t =
                    g->row == BV_TARGET_VIRTUAL ? bv_virtual(g->op) : bv_wire(g->row, g->op);
                if (bv_cd_node(d, t) == UINT32_MAX)
                    r.err = bv_fail(st, BV_ERR_FORMAT,
                                    "prover data: random generator target does not exist");
            }
            if (r.err == BV_OK)
                d->ngens++;
            continue;
        }
        if (kind != PG_SIMPLE) {
            r.err = bv_fail(st, BV_ERR_FORMAT, "prover data: unknown generator kind %u", kind);
            break;
        }
        char name[128];
        uint32_t nl = pr_u32(&r, "generator name length");
        if (r.err == BV_OK && (nl == 0 || nl >= sizeof name)) {
            r.err = bv_fail(st, BV_ERR_FORMAT, "prover data: generator name length %u", nl);
            break;
        }
        if (!pr_need(&r, nl, "generator name"))
            break;
        memcpy(name, r.p + r.pos, nl);
        name[nl] = 0;
        r.pos += nl;
        uint32_t nin = pr_u32(&r, "generator inputs"), nout = pr_u32(&r, "generator outputs"),
                 np = pr_u32(&r, "generator parameters");
        if (r.err != BV_OK)
            break;
        if ((uint64_t)nin * 8 + (uint64_t)nout * 8 + (uint64_t)np * 8 > r.len - r.pos) {
            r.err = bv_fail(st, BV_ERR_FORMAT, "truncated prover data: generator %s", name);
            break;
        }
        bv_simple_gen_fn fn = NULL;
        if (strcmp(name, "Copy") == 0)
            fn = bv_copy_generator_fn;
        else if (resolve)
            fn = resolve(name);
        if (!fn) {
            for (uint32_t j = 0; j < nl; j++)
                if (name[j] < 32 || name[j] > 126)
                    name[j] = '?';
            r.err =
                bv_fail(st, BV_ERR_UNSUPPORTED, "prover data: unknown generator kind '%s'", name);
            break;
        }
        bv_target *tg = malloc(((size_t)nin + nout + 1) * sizeof *tg);
        gl_t *pv = malloc(((size_t)np + 1) * sizeof *pv);
        if (!tg || !pv) {
            free(tg);
            free(pv);
            r.err = bv_fail(st, BV_ERR_NOMEM, "prover data: out of memory");
            break;
        }
        for (uint32_t j = 0; j < nin + nout && r.err == BV_OK; j++)
            tg[j] = pr_target(&r, d, "generator target");
        for (uint32_t j = 0; j < np && r.err == BV_OK; j++)
            pv[j] = pr_gl(&r, "generator parameter");
        if (r.err == BV_OK) {
            g->kind = BV_GEN_OBJECT;
            g->obj = bv_simple_generator_new(name, fn, tg, nin, tg + nin, nout, pv, np);
            if (!g->obj)
                r.err = bv_fail(st, BV_ERR_NOMEM, "prover data: out of memory");
            else
                d->ngens++;
        }
        free(tg);
        free(pv);
    }
    if (r.err != BV_OK)
        goto fail;
    if (r.pos != r.len) {
        r.err = bv_fail(st, BV_ERR_FORMAT, "prover data: %zu trailing bytes", r.len - r.pos);
        goto fail;
    }
    /* Recompute and recommit the preprocessed polynomials: they must give the
     * stored circuit digest. */
    bv_hash want = d->vd.circuit_digest;
    e = bv_plonk_fill_preprocessed(d, st);
    if (e == BV_OK)
        e = bv_plonk_commit_preprocessed(d, st);
    if (e != BV_OK) {
        r.err = e;
        goto fail;
    }
    if (!bv_hash_eq(want, d->vd.circuit_digest)) {
        r.err = bv_fail(st, BV_ERR_FORMAT,
                        "prover data: the row tables and copy classes do not match the circuit "
                        "digest");
        goto fail;
    }
    *out = d;
    return BV_OK;
fail:
    bv_circuit_data_free(d);
    return r.err;
}
