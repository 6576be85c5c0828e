/* builder.c - circuit builder: rows, targets, copy constraints, constants,
 * public inputs, generators (see include/balverify/circuit.h). The build
 * step itself lives in builder_build.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builder_internal.h"

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t nc = *cap ? *cap : 16;
    while (nc < need)
        nc *= 2;
    void *q = realloc(p, nc * elem);
    if (!q)
        return NULL;
    *cap = nc;
    return q;
}

void bv_circuit_fail(bv_circuit *c, bv_err code, const char *fmt, ...)
{
    if (c->err.code != BV_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err.msg, sizeof c->err.msg, fmt, ap);
    va_end(ap);
    c->err.code = code;
}

bv_circuit *bv_circuit_new(const bv_plonk_config *cfg)
{
    bv_circuit *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cfg = *cfg;
    bv_status_clear(&c->err);
    bv_status st;
    if (bv_plonk_config_validate(cfg, &st) != BV_OK)
        bv_circuit_fail(c, st.code, "%s", st.msg);
    return c;
}

void bv_circuit_free(bv_circuit *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ninst; i++)
        free(c->inst[i].gate.data);
    free(c->inst);
    free(c->row_inst);
    free(c->row_consts);
    free(c->conns);
    free(c->memo_keys);
    free(c->memo_vals);
    free(c->const_of_virt_flag);
    free(c->const_of_virt);
    free(c->pis);
    for (size_t i = 0; i < c->ngens; i++)
        if (c->gens[i].kind == BV_GEN_OBJECT && c->gens[i].obj) {
            bv_generator *g = c->gens[i].obj;
            if (g->destroy)
                g->destroy(g);
            else
                free(g);
        }
    free(c->gens);
    free(c->slots);
    free(c);
}

const bv_plonk_config *bv_circuit_config(const bv_circuit *c)
{
    return &c->cfg;
}

bv_err bv_circuit_error(const bv_circuit *c, bv_status *st)
{
    if (c->err.code == BV_OK) {
        bv_status_clear(st);
        return BV_OK;
    }
    return bv_fail(st, c->err.code, "%s", c->err.msg);
}

uint32_t bv_circuit_num_rows(const bv_circuit *c)
{
    return c->nrows;
}

void bv_circuit_set_min_degree_bits(bv_circuit *c, uint32_t bits)
{
    if (bits > 28) {
        bv_circuit_fail(c, BV_ERR_ARG, "min degree bits %u > 28", bits);
        return;
    }
    c->min_degree_bits = bits;
}

bv_target bv_circuit_add_virtual(bv_circuit *c)
{
    if (c->nvirt >= 0x7FFFFFFFu) {
        bv_circuit_fail(c, BV_ERR_NOMEM, "too many virtual targets");
        return bv_virtual(0);
    }
    return bv_virtual(c->nvirt++);
}

void bv_circuit_add_virtuals(bv_circuit *c, bv_target *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = bv_circuit_add_virtual(c);
}

/* Index of the gate instance with g's id, adding a deep copy if new. */
static int32_t intern_gate(bv_circuit *c, const bv_gate *g)
{
    if (!g || !g->ops) {
        bv_circuit_fail(c, BV_ERR_ARG, "add_gate: gate without ops");
        return -1;
    }
    char id[BV_GATE_ID_MAX];
    g->ops->id(g, id, sizeof id);
    for (size_t i = 0; i < c->ninst; i++)
        if (strcmp(c->inst[i].id, id) == 0)
            return (int32_t)i;
    if (c->ninst >= BV_MAX_GATES) {
        bv_circuit_fail(c, BV_ERR_ARG, "add_gate: more than %u distinct gate types", BV_MAX_GATES);
        return -1;
    }
    if (g->ops->num_wires(g) > c->cfg.num_wires) {
        bv_circuit_fail(c, BV_ERR_ARG, "add_gate: gate %s needs %u wires, config has %u", id,
                        g->ops->num_wires(g), c->cfg.num_wires);
        return -1;
    }
    if (g->ops->num_constants(g) > c->cfg.num_constants) {
        bv_circuit_fail(c, BV_ERR_ARG, "add_gate: gate %s needs %u constants, config has %u", id,
                        g->ops->num_constants(g), c->cfg.num_constants);
        return -1;
    }
    if (g->ops->degree(g) > c->cfg.max_quotient_degree_factor) {
        bv_circuit_fail(c, BV_ERR_ARG, "add_gate: gate %s has degree %u > quotient factor %u", id,
                        g->ops->degree(g), c->cfg.max_quotient_degree_factor);
        return -1;
    }
    bv_gate_inst *ni = grow(c->inst, &c->cap_inst, c->ninst + 1, sizeof *c->inst);
    if (!ni) {
        bv_circuit_fail(c, BV_ERR_NOMEM, "add_gate: out of memory");
        return -1;
    }
    c->inst = ni;
    bv_gate_inst *in = &c->inst[c->ninst];
    memset(in, 0, sizeof *in);
    in->gate = *g;
    in->gate.data = NULL;
    if (g->ndata) {
        in->gate.data = malloc(g->ndata * sizeof(gl_t));
        if (!in->gate.data) {
            bv_circuit_fail(c, BV_ERR_NOMEM, "add_gate: out of memory");
            return -1;
        }
        memcpy(in->gate.data, g->data, g->ndata * sizeof(gl_t));
    }
    snprintf(in->id, sizeof in->id, "%s", id);
    return (int32_t)c->ninst++;
}

/* Appends a row of instance inst with constants; returns row or UINT32_MAX. */
uint32_t bv_builder_append_row(bv_circuit *c, int32_t inst, const gl_t *constants)
{
    if (inst < 0 || c->err.code != BV_OK)
        return UINT32_MAX;
    if (c->nrows >= (1u << 28)) {
        bv_circuit_fail(c, BV_ERR_ARG, "circuit exceeds 2^28 rows");
        return UINT32_MAX;
    }
    size_t need = (size_t)c->nrows + 1;
    size_t cap_before = c->cap_rows;
    uint16_t *ri = grow(c->row_inst, &c->cap_rows, need, sizeof *c->row_inst);
    if (!ri) {
        bv_circuit_fail(c, BV_ERR_NOMEM, "add_gate: out of memory");
        return UINT32_MAX;
    }
    c->row_inst = ri;
    if (c->cap_rows != cap_before || !c->row_consts) {
        uint32_t nc = c->cfg.num_constants ? c->cfg.num_constants : 1;
        gl_t *rc = realloc(c->row_consts, c->cap_rows * nc * sizeof(gl_t));
        if (!rc) {
            bv_circuit_fail(c, BV_ERR_NOMEM, "add_gate: out of memory");
            return UINT32_MAX;
        }
        c->row_consts = rc;
    }
    uint32_t row = c->nrows++;
    c->row_inst[row] = (uint16_t)inst;
    const bv_gate *g = &c->inst[inst].gate;
    uint32_t ngc = g->ops->num_constants(g);
    for (uint32_t i = 0; i < c->cfg.num_constants; i++)
        c->row_consts[(size_t)row * c->cfg.num_constants + i] =
            (constants && i < ngc) ? gl_from_u64(constants[i]) : 0;
    return row;
}

static void add_gen_entry(bv_circuit *c, bv_gen_entry e)
{
    bv_gen_entry *ng = grow(c->gens, &c->cap_gens, c->ngens + 1, sizeof *c->gens);
    if (!ng) {
        bv_circuit_fail(c, BV_ERR_NOMEM, "generators: out of memory");
        if (e.kind == BV_GEN_OBJECT && e.obj) {
            if (e.obj->destroy)
                e.obj->destroy(e.obj);
            else
                free(e.obj);
        }
        return;
    }
    c->gens = ng;
    c->gens[c->ngens++] = e;
}

void bv_builder_add_gate_op_gen(bv_circuit *c, uint32_t row, uint32_t op)
{
    add_gen_entry(c, (bv_gen_entry){BV_GEN_GATE_OP, row, op, NULL});
}

uint32_t bv_circuit_add_gate(bv_circuit *c, const bv_gate *g, const gl_t *constants)
{
    uint32_t row = bv_circuit_add_gate_no_generators(c, g, constants);
    if (row == UINT32_MAX)
        return 0;
    const bv_gate *gi = &c->inst[c->row_inst[row]].gate;
    uint32_t ng = gi->ops->num_generators(gi);
    for (uint32_t op = 0; op < ng; op++)
        bv_builder_add_gate_op_gen(c, row, op);
    return row;
}

uint32_t bv_circuit_add_gate_no_generators(bv_circuit *c, const bv_gate *g, const gl_t *constants)
{
    int32_t inst = intern_gate(c, g);
    uint32_t row = bv_builder_append_row(c, inst, constants);
    return row;
}

void bv_circuit_find_slot(bv_circuit *c, const bv_gate *g, const gl_t *constants, uint32_t *row,
                          uint32_t *op)
{
    *row = 0;
    *op = 0;
    int32_t inst = intern_gate(c, g);
    if (inst < 0)
        return;
    const bv_gate *gi = &c->inst[inst].gate;
    uint32_t ngc = gi->ops->num_constants(gi);
    uint32_t nops = gi->ops->num_ops(gi);
    gl_t key[BV_MAX_GATE_CONSTS] = {0};
    for (uint32_t i = 0; i < ngc && i < BV_MAX_GATE_CONSTS; i++)
        key[i] = constants ? gl_from_u64(constants[i]) : 0;
    for (size_t s = 0; s < c->nslots; s++) {
        bv_slot_state *ss = &c->slots[s];
        if (ss->inst == inst && memcmp(ss->consts, key, sizeof key) == 0) {
            *row = ss->row;
            *op = ss->next_op++;
            bv_builder_add_gate_op_gen(c, *row, *op);
            if (ss->next_op >= nops)
                c->slots[s] = c->slots[--c->nslots];
            return;
        }
    }
    uint32_t r = bv_builder_append_row(c, inst, key);
    if (r == UINT32_MAX)
        return;
    *row = r;
    *op = 0;
    bv_builder_add_gate_op_gen(c, r, 0);
    if (nops > 1) {
        bv_slot_state *ns = grow(c->slots, &c->cap_slots, c->nslots + 1, sizeof *c->slots);
        if (!ns) {
            bv_circuit_fail(c, BV_ERR_NOMEM, "find_slot: out of memory");
            return;
        }
        c->slots = ns;
        bv_slot_state *ss = &c->slots[c->nslots++];
        ss->inst = inst;
        memcpy(ss->consts, key, sizeof key);
        ss->row = r;
        ss->next_op = 1;
    }
}

const bv_gate *bv_circuit_row_gate(const bv_circuit *c, uint32_t row)
{
    if (row >= c->nrows)
        return NULL;
    return &c->inst[c->row_inst[row]].gate;
}

const gl_t *bv_circuit_row_constants(const bv_circuit *c, uint32_t row)
{
    if (row >= c->nrows)
        return NULL;
    return &c->row_consts[(size_t)row * c->cfg.num_constants];
}

/* 1 when t names an existing target. */
int bv_builder_target_ok(const bv_circuit *c, bv_target t)
{
    if (bv_target_is_virtual(t))
        return t.col < c->nvirt;
    return t.row < c->nrows && t.col < c->cfg.num_wires;
}

static int routable(const bv_circuit *c, bv_target t)
{
    return bv_target_is_virtual(t) || t.col < c->cfg.num_routed_wires;
}

void bv_circuit_connect(bv_circuit *c, bv_target a, bv_target b)
{
    if (c->err.code != BV_OK)
        return;
    if (!bv_builder_target_ok(c, a) || !bv_builder_target_ok(c, b)) {
        bv_target bad = bv_builder_target_ok(c, a) ? b : a;
        bv_circuit_fail(c, BV_ERR_ARG, "connect: target (%u,%u) does not exist", bad.row, bad.col);
        return;
    }
    if (!routable(c, a) || !routable(c, b)) {
        bv_target bad = routable(c, a) ? b : a;
        bv_circuit_fail(c, BV_ERR_ARG, "connect: wire (row %u, col %u) is not routed (%u routed)",
                        bad.row, bad.col, c->cfg.num_routed_wires);
        return;
    }
    if (bv_target_eq(a, b))
        return;
    bv_target(*nc)[2] = grow(c->conns, &c->cap_conns, c->nconns + 1, sizeof *c->conns);
    if (!nc) {
        bv_circuit_fail(c, BV_ERR_NOMEM, "connect: out of memory");
        return;
    }
    c->conns = nc;
    c->conns[c->nconns][0] = a;
    c->conns[c->nconns][1] = b;
    c->nconns++;
}

/* Open-addressing memo value -> virtual index. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static int memo_rehash(bv_circuit *c, size_t ncap)
{
    gl_t *keys = malloc(ncap * sizeof *keys);
    uint32_t *vals = malloc(ncap * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return -1;
    }
    for (size_t i = 0; i < ncap; i++)
        vals[i] = UINT32_MAX;
    for (size_t i = 0; i < c->memo_cap; i++) {
        if (c->memo_vals[i] == UINT32_MAX)
            continue;
        size_t h = mix64(c->memo_keys[i]) & (ncap - 1);
        while (vals[h] != UINT32_MAX)
            h = (h + 1) & (ncap - 1);
        keys[h] = c->memo_keys[i];
        vals[h] = c->memo_vals[i];
    }
    free(c->memo_keys);
    free(c->memo_vals);
    c->memo_keys = keys;
    c->memo_vals = vals;
    c->memo_cap = ncap;
    return 0;
}

bv_target bv_circuit_constant(bv_circuit *c, gl_t value)
{
    value = gl_from_u64(value);
    if (c->err.code != BV_OK)
        return bv_virtual(0);
    if ((c->memo_n + 1) * 2 > c->memo_cap &&
        memo_rehash(c, c->memo_cap ? c->memo_cap * 2 : 64) != 0) {
        bv_circuit_fail(c, BV_ERR_NOMEM, "constant: out of memory");
        return bv_virtual(0);
    }
    size_t h = mix64(value) & (c->memo_cap - 1);
    while (c->memo_vals[h] != UINT32_MAX) {
        if (c->memo_keys[h] == value)
            return bv_virtual(c->memo_vals[h]);
        h = (h + 1) & (c->memo_cap - 1);
    }
    bv_target t = bv_circuit_add_virtual(c);
    if (c->err.code != BV_OK)
        return t;
    c->memo_keys[h] = value;
    c->memo_vals[h] = t.col;
    c->memo_n++;
    /* reverse map for target_as_constant */
    if (t.col >= c->cap_cov) {
        size_t nc = c->cap_cov ? c->cap_cov : 64;
        while (nc <= t.col)
            nc *= 2;
        uint8_t *f = realloc(c->const_of_virt_flag, nc);
        if (!f) {
            bv_circuit_fail(c, BV_ERR_NOMEM, "constant: out of memory");
            return t;
        }
        c->const_of_virt_flag = f;
        gl_t *v = realloc(c->const_of_virt, nc * sizeof(gl_t));
        if (!v) {
            bv_circuit_fail(c, BV_ERR_NOMEM, "constant: out of memory");
            return t;
        }
        c->const_of_virt = v;
        memset(c->const_of_virt_flag + c->cap_cov, 0, nc - c->cap_cov);
        c->cap_cov = nc;
    }
    c->const_of_virt_flag[t.col] = 1;
    c->const_of_virt[t.col] = value;
    return t;
}

int bv_circuit_target_as_constant(const bv_circuit *c, bv_target t, gl_t *out)
{
    if (!bv_target_is_virtual(t) || t.col >= c->cap_cov || !c->const_of_virt_flag[t.col])
        return 0;
    if (out)
        *out = c->const_of_virt[t.col];
    return 1;
}

void bv_circuit_register_public_input(bv_circuit *c, bv_target t)
{
    if (c->err.code != BV_OK)
        return;
    if (!bv_builder_target_ok(c, t)) {
        bv_circuit_fail(c, BV_ERR_ARG, "public input: target (%u,%u) does not exist", t.row, t.col);
        return;
    }
    if (!routable(c, t)) {
        bv_circuit_fail(c, BV_ERR_ARG, "public input: wire (row %u, col %u) is not routed", t.row,
                        t.col);
        return;
    }
    bv_target *np = grow(c->pis, &c->cap_pis, c->npis + 1, sizeof *c->pis);
    if (!np) {
        bv_circuit_fail(c, BV_ERR_NOMEM, "public input: out of memory");
        return;
    }
    c->pis = np;
    c->pis[c->npis++] = t;
}

void bv_circuit_register_public_inputs(bv_circuit *c, const bv_target *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bv_circuit_register_public_input(c, t[i]);
}

uint32_t bv_circuit_num_public_inputs(const bv_circuit *c)
{
    return (uint32_t)c->npis;
}

void bv_circuit_add_generator(bv_circuit *c, bv_generator *g)
{
    if (!g) {
        bv_circuit_fail(c, BV_ERR_NOMEM, "add_generator: NULL generator (out of memory?)");
        return;
    }
    if (c->err.code != BV_OK) {
        if (g->destroy)
            g->destroy(g);
        else
            free(g);
        return;
    }
    add_gen_entry(c, (bv_gen_entry){BV_GEN_OBJECT, 0, 0, g});
}

/* Simple generator: one allocation with its name, target and parameter arrays. */
typedef struct {
    bv_generator base;
    bv_simple_gen_fn fn;
    size_t nin, nout, nparams;
    bv_target *in, *out;
    gl_t *params;
} simple_gen;

static size_t simple_deps(const bv_generator *g, bv_target *out, size_t cap)
{
    const simple_gen *s = (const simple_gen *)g;
    for (size_t i = 0; i < s->nin && i < cap; i++)
        out[i] = s->in[i];
    return s->nin;
}

static bv_err simple_run(const bv_generator *g, bv_witness *w, bv_status *st)
{
    const simple_gen *s = (const simple_gen *)g;
    return s->fn(w, s->in, s->nin, s->out, s->nout, s->params, s->nparams, st);
}

bv_generator *bv_simple_generator_new(const char *name, bv_simple_gen_fn fn, const bv_target *in,
                                      size_t nin, const bv_target *out, size_t nout,
                                      const gl_t *params, size_t nparams)
{
    size_t nl = strlen(name) + 1;
    size_t sz = sizeof(simple_gen) + (nin + nout) * sizeof(bv_target) + nparams * sizeof(gl_t) + nl;
    simple_gen *s = calloc(1, sz);
    if (!s)
        return NULL;
    s->base.deps = simple_deps;
    s->base.run = simple_run;
    s->base.destroy = NULL;
    s->fn = fn;
    s->nin = nin;
    s->nout = nout;
    s->nparams = nparams;
    s->in = (bv_target *)(s + 1);
    s->out = s->in + nin;
    s->params = (gl_t *)(s->out + nout);
    char *nm = (char *)(s->params + nparams);
    memcpy(nm, name, nl);
    s->base.name = nm;
    if (nin)
        memcpy(s->in, in, nin * sizeof *in);
    if (nout)
        memcpy(s->out, out, nout * sizeof *out);
    if (nparams)
        memcpy(s->params, params, nparams * sizeof *params);
    return &s->base;
}

int bv_simple_generator_info(const bv_generator *g, bv_simple_gen_fn *fn, const bv_target **in,
                             size_t *nin, const bv_target **out, size_t *nout, const gl_t **params,
                             size_t *nparams)
{
    if (!g || g->run != simple_run)
        return 0;
    const simple_gen *s = (const simple_gen *)g;
    *fn = s->fn;
    *in = s->in;
    *nin = s->nin;
    *out = s->out;
    *nout = s->nout;
    *params = s->params;
    *nparams = s->nparams;
    return 1;
}

void bv_circuit_add_simple_generator(bv_circuit *c, const char *name, bv_simple_gen_fn fn,
                                     const bv_target *in, size_t nin, const bv_target *out,
                                     size_t nout, const gl_t *params, size_t nparams)
{
    if (c->err.code != BV_OK)
        return;
    for (size_t i = 0; i < nin; i++)
        if (!bv_builder_target_ok(c, in[i])) {
            bv_circuit_fail(c, BV_ERR_ARG, "generator %s: input target (%u,%u) does not exist",
                            name, in[i].row, in[i].col);
            return;
        }
    for (size_t i = 0; i < nout; i++)
        if (!bv_builder_target_ok(c, out[i])) {
            bv_circuit_fail(c, BV_ERR_ARG, "generator %s: output target (%u,%u) does not exist",
                            name, out[i].row, out[i].col);
            return;
        }
    bv_generator *g = bv_simple_generator_new(name, fn, in, nin, out, nout, params, nparams);
    if (!g) {
        bv_circuit_fail(c, BV_ERR_NOMEM, "generator %s: out of memory", name);
        return;
    }
    add_gen_entry(c, (bv_gen_entry){BV_GEN_OBJECT, 0, 0, g});
}

bv_err bv_copy_generator_fn(bv_witness *w, const bv_target *in, size_t nin, const bv_target *out,
                            size_t nout, const gl_t *params, size_t nparams, bv_status *st)
{
    (void)nin;
    (void)nout;
    (void)params;
    (void)nparams;
    return bv_witness_set(w, out[0], bv_witness_get(w, in[0]), st);
}

void bv_circuit_add_copy_generator(bv_circuit *c, bv_target src, bv_target dst)
{
    bv_circuit_add_simple_generator(c, "Copy", bv_copy_generator_fn, &src, 1, &dst, 1, NULL, 0);
}

void bv_circuit_add_random_generator(bv_circuit *c, bv_target t)
{
    if (c->err.code != BV_OK)
        return;
    if (!bv_builder_target_ok(c, t)) {
        bv_circuit_fail(c, BV_ERR_ARG, "random generator: target (%u,%u) does not exist", t.row,
                        t.col);
        return;
    }
    add_gen_entry(c, (bv_gen_entry){BV_GEN_RANDOM, t.row, t.col, NULL});
}
