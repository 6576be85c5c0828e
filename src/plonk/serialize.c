/* serialize.c - proof and circuit files (see include/balverify/serialize.h
 * and docs/PROOF_FORMAT.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/gates.h"
#include "balverify/serialize.h"
#include "balverify/util_buf.h"
#include "balverify/util_bytes.h"
#include "plonk_internal.h"

/* ---------------------------------------------------------------- writer */

static void w_hash(bv_buf *w, const bv_hash *h)
{
    for (int i = 0; i < 4; i++)
        bv_buf_put_le64(w, h->e[i]);
}

/* ---------------------------------------------------------------- reader */

typedef struct {
    const uint8_t *p;
    size_t len, pos;
    bv_status *st;
    bv_err err;
} rbuf;

static int r_need(rbuf *r, size_t n, const char *what)
{
    if (r->err != BV_OK)
        return 0;
    if (n > r->len - r->pos) {
        r->err = bv_fail(r->st, BV_ERR_FORMAT,
                         "truncated file: %s needs %zu bytes at offset %zu, "
                         "%zu left",
                         what, n, r->pos, r->len - r->pos);
        return 0;
    }
    return 1;
}

static uint32_t r_u32(rbuf *r, const char *what)
{
    if (!r_need(r, 4, what))
        return 0;
    uint32_t v = bv_le32(r->p + r->pos);
    r->pos += 4;
    return v;
}

static uint64_t r_u64(rbuf *r, const char *what)
{
    if (!r_need(r, 8, what))
        return 0;
    uint64_t v = bv_le64(r->p + r->pos);
    r->pos += 8;
    return v;
}

static gl_t r_gl(rbuf *r, const char *what)
{
    uint64_t v = r_u64(r, what);
    if (r->err == BV_OK && v >= GL_P) {
        r->err = bv_fail(r->st, BV_ERR_FORMAT, "%s at offset %zu is not a canonical field element",
                         what, r->pos - 8);
        return 0;
    }
    return v;
}

static void r_hash(rbuf *r, bv_hash *h, const char *what)
{
    for (int i = 0; i < 4; i++)
        h->e[i] = r_gl(r, what);
}

static int r_magic(rbuf *r, const char *magic, const char *what)
{
    if (!r_need(r, 8, what))
        return 0;
    if (memcmp(r->p + r->pos, magic, 8) != 0) {
        r->err = bv_fail(r->st, BV_ERR_FORMAT, "not a %s (bad magic)", what);
        return 0;
    }
    r->pos += 8;
    uint32_t ver = r_u32(r, "version");
    if (r->err == BV_OK && ver != BV_FORMAT_VERSION) {
        r->err = bv_fail(r->st, BV_ERR_UNSUPPORTED, "%s version %u is not supported (expected %u)",
                         what, ver, BV_FORMAT_VERSION);
        return 0;
    }
    return r->err == BV_OK;
}

static bv_err finish_writer(bv_buf *w, uint8_t **out, size_t *len, bv_status *st)
{
    if (w->oom) {
        free(w->data);
        return bv_fail(st, BV_ERR_NOMEM, "serialize: out of memory");
    }
    *out = w->data;
    *len = w->len;
    return BV_OK;
}

/* ---------------------------------------------------------------- proofs */

bv_err bv_proof_serialize(const bv_proof *p, const bv_hash *circuit_digest, uint8_t **out,
                          size_t *len, bv_status *st)
{
    bv_buf w = BV_BUF_INIT;
    bv_buf_put(&w, BV_PROOF_MAGIC, 8);
    bv_buf_put_le32(&w, BV_FORMAT_VERSION);
    w_hash(&w, circuit_digest);
    bv_buf_put_le32(&w, p->num_public_inputs);
    for (uint32_t i = 0; i < p->num_public_inputs; i++)
        bv_buf_put_le64(&w, p->public_inputs[i]);
    bv_buf_put_le32(&w, p->cap_len);
    for (uint32_t i = 0; i < p->cap_len; i++)
        w_hash(&w, &p->wires_cap[i]);
    for (uint32_t i = 0; i < p->cap_len; i++)
        w_hash(&w, &p->zs_pp_cap[i]);
    for (uint32_t i = 0; i < p->cap_len; i++)
        w_hash(&w, &p->quotient_cap[i]);
    bv_buf_put_le32(&w, (uint32_t)p->n_openings);
    for (size_t i = 0; i < p->n_openings; i++) {
        bv_buf_put_le64(&w, p->openings[i].c0);
        bv_buf_put_le64(&w, p->openings[i].c1);
    }
    size_t fl = bv_fri_proof_serialized_size(&p->fri);
    bv_buf_put_le64(&w, fl);
    if (!w.oom) {
        uint8_t *tmp = malloc(fl ? fl : 1);
        if (!tmp) {
            w.oom = 1;
        } else {
            bv_fri_proof_serialize(&p->fri, tmp);
            bv_buf_put(&w, tmp, fl);
            free(tmp);
        }
    }
    return finish_writer(&w, out, len, st);
}

bv_err bv_proof_deserialize(const bv_common_data *cd, const uint8_t *in, size_t len, bv_proof *p,
                            bv_hash *digest, bv_status *st)
{
    memset(p, 0, sizeof *p);
    bv_err e = bv_common_data_validate(cd, st);
    if (e != BV_OK)
        return e;
    rbuf r = {in, len, 0, st, BV_OK};
    bv_hash dg;
    if (!r_magic(&r, BV_PROOF_MAGIC, "proof file"))
        return r.err;
    r_hash(&r, &dg, "circuit digest");
    if (digest)
        *digest = dg;
    uint32_t npi = r_u32(&r, "public input count");
    if (r.err != BV_OK)
        return r.err;
    if (npi != cd->num_public_inputs)
        return bv_fail(st, BV_ERR_FORMAT, "proof has %u public inputs, the circuit has %u", npi,
                       cd->num_public_inputs);
    e = bv_proof_alloc(p, cd, st);
    if (e != BV_OK)
        return e;
    for (uint32_t i = 0; i < npi; i++)
        p->public_inputs[i] = r_gl(&r, "public input");
    uint32_t cl = r_u32(&r, "cap length");
    if (r.err == BV_OK && cl != p->cap_len) {
        r.err = bv_fail(st, BV_ERR_FORMAT, "proof caps have %u digests, the circuit uses %u", cl,
                        p->cap_len);
    }
    for (uint32_t i = 0; i < p->cap_len && r.err == BV_OK; i++)
        r_hash(&r, &p->wires_cap[i], "wires cap");
    for (uint32_t i = 0; i < p->cap_len && r.err == BV_OK; i++)
        r_hash(&r, &p->zs_pp_cap[i], "Z/partial-products cap");
    for (uint32_t i = 0; i < p->cap_len && r.err == BV_OK; i++)
        r_hash(&r, &p->quotient_cap[i], "quotient cap");
    uint32_t no = r_u32(&r, "opening count");
    if (r.err == BV_OK && no != p->n_openings)
        r.err = bv_fail(st, BV_ERR_FORMAT, "proof has %u opened values, the circuit needs %zu", no,
                        p->n_openings);
    for (size_t i = 0; i < p->n_openings && r.err == BV_OK; i++) {
        p->openings[i].c0 = r_gl(&r, "opening");
        p->openings[i].c1 = r_gl(&r, "opening");
    }
    uint64_t fl = r_u64(&r, "FRI proof length");
    if (r.err == BV_OK && fl != r.len - r.pos)
        r.err = bv_fail(st, BV_ERR_FORMAT,
                        "FRI proof length %llu does not match the %zu bytes left in the file",
                        (unsigned long long)fl, r.len - r.pos);
    if (r.err != BV_OK) {
        bv_proof_free(p);
        return r.err;
    }
    bv_fri_params fp;
    size_t widths[4];
    bv_plonk_oracle_widths(cd, widths);
    e = bv_plonk_fri_params(cd, &fp, st);
    if (e == BV_OK) {
        bv_fri_proof_free(&p->fri);
        size_t used = 0;
        e = bv_fri_proof_deserialize(&p->fri, &fp, widths, 4, in + r.pos, (size_t)fl, &used, st);
        if (e == BV_OK && used != fl)
            e = bv_fail(st, BV_ERR_FORMAT, "FRI proof: %zu trailing bytes", (size_t)fl - used);
    }
    if (e != BV_OK) {
        bv_proof_free(p);
        return e;
    }
    return BV_OK;
}

bv_err bv_proof_file_digest(const uint8_t *in, size_t len, bv_hash *digest, bv_status *st)
{
    rbuf r = {in, len, 0, st, BV_OK};
    if (!r_magic(&r, BV_PROOF_MAGIC, "proof file"))
        return r.err;
    r_hash(&r, digest, "circuit digest");
    return r.err;
}

/* ---------------------------------------------------------- circuit files */

enum { CFG_CUSTOM = 0, CFG_STANDARD = 1, CFG_TEST = 2 };

bv_err bv_common_data_encode(const bv_common_data *cd, uint8_t **out, size_t *len, bv_status *st)
{
    bv_buf w = BV_BUF_INIT;
    /* config */
    const bv_plonk_config *c = &cd->config;
    uint32_t tag = CFG_CUSTOM;
    if (c->name && strcmp(c->name, "standard") == 0)
        tag = CFG_STANDARD;
    else if (c->name && strcmp(c->name, "test") == 0)
        tag = CFG_TEST;
    bv_buf_put_le32(&w, tag);
    uint32_t cf[] = {c->num_wires,
                     c->num_routed_wires,
                     c->num_constants,
                     c->security_bits,
                     c->num_challenges,
                     c->max_quotient_degree_factor,
                     c->use_base_arithmetic_gate,
                     c->zero_knowledge,
                     c->fri.rate_bits,
                     c->fri.cap_height,
                     c->fri.proof_of_work_bits,
                     c->fri.arity_bits,
                     c->fri.final_poly_bits,
                     c->fri.num_query_rounds};
    for (size_t i = 0; i < sizeof cf / sizeof cf[0]; i++)
        bv_buf_put_le32(&w, cf[i]);
    bv_buf_put_le32(&w, cd->degree_bits);
    bv_buf_put_le32(&w, cd->num_fri_arities);
    for (uint32_t i = 0; i < cd->num_fri_arities; i++)
        bv_buf_put_le32(&w, cd->fri_arities[i]);
    bv_buf_put_le32(&w, cd->num_gates);
    for (uint32_t i = 0; i < cd->num_gates; i++) {
        const bv_gate *g = &cd->gates[i];
        size_t kl = strlen(g->ops->kind);
        bv_buf_put_le32(&w, (uint32_t)kl);
        bv_buf_put(&w, g->ops->kind, kl);
        for (int j = 0; j < BV_GATE_MAX_PARAMS; j++)
            bv_buf_put_le32(&w, g->params[j]);
        bv_buf_put_le32(&w, g->ndata);
        for (uint32_t j = 0; j < g->ndata; j++)
            bv_buf_put_le64(&w, g->data[j]);
    }
    bv_buf_put_le32(&w, cd->num_selectors);
    for (uint32_t i = 0; i < cd->num_gates; i++)
        bv_buf_put_le32(&w, cd->selector_index[i]);
    for (uint32_t i = 0; i < cd->num_selectors; i++) {
        bv_buf_put_le32(&w, cd->group_start[i]);
        bv_buf_put_le32(&w, cd->group_end[i]);
    }
    bv_buf_put_le32(&w, cd->quotient_degree_factor);
    bv_buf_put_le32(&w, cd->num_gate_constraints);
    bv_buf_put_le32(&w, cd->num_constants);
    bv_buf_put_le32(&w, cd->num_public_inputs);
    bv_buf_put_le32(&w, cd->num_partial_products);
    bv_buf_put_le32(&w, c->num_routed_wires);
    for (uint32_t i = 0; i < c->num_routed_wires; i++)
        bv_buf_put_le64(&w, cd->k_is[i]);
    return finish_writer(&w, out, len, st);
}

bv_err bv_circuit_file_serialize(const bv_verifier_data *vd, const bv_common_data *cd,
                                 uint8_t **out, size_t *len, bv_status *st)
{
    bv_buf w = BV_BUF_INIT;
    bv_buf_put(&w, BV_CIRCUIT_MAGIC, 8);
    bv_buf_put_le32(&w, BV_FORMAT_VERSION);
    /* verifier data */
    bv_buf_put_le32(&w, vd->cap_height);
    for (size_t i = 0; i < ((size_t)1 << vd->cap_height); i++)
        w_hash(&w, &vd->cap[i]);
    w_hash(&w, &vd->circuit_digest);
    uint8_t *enc = NULL;
    size_t elen = 0;
    bv_err e = bv_common_data_encode(cd, &enc, &elen, st);
    if (e != BV_OK) {
        free(w.data);
        return e;
    }
    bv_buf_put(&w, enc, elen);
    free(enc);
    return finish_writer(&w, out, len, st);
}

bv_err bv_circuit_file_deserialize(const uint8_t *in, size_t len, uint32_t flags,
                                   bv_verifier_data *vd, bv_common_data *cd, bv_status *st)
{
    memset(vd, 0, sizeof *vd);
    memset(cd, 0, sizeof *cd);
    rbuf r = {in, len, 0, st, BV_OK};
    if (!r_magic(&r, BV_CIRCUIT_MAGIC, "circuit file"))
        return r.err;
    vd->cap_height = r_u32(&r, "cap height");
    if (r.err == BV_OK && vd->cap_height > 8)
        return bv_fail(st, BV_ERR_FORMAT, "circuit file: cap height %u > 8", vd->cap_height);
    for (size_t i = 0; i < ((size_t)1 << vd->cap_height) && r.err == BV_OK; i++)
        r_hash(&r, &vd->cap[i], "constants/sigmas cap");
    r_hash(&r, &vd->circuit_digest, "circuit digest");
    uint32_t tag = r_u32(&r, "config tag");
    bv_plonk_config *c = &cd->config;
    c->name = tag == CFG_STANDARD ? "standard" : tag == CFG_TEST ? "test" : "custom";
    if (r.err == BV_OK && tag > CFG_TEST)
        return bv_fail(st, BV_ERR_FORMAT, "circuit file: unknown config tag %u", tag);
    uint32_t *cf[] = {&c->num_wires,
                      &c->num_routed_wires,
                      &c->num_constants,
                      &c->security_bits,
                      &c->num_challenges,
                      &c->max_quotient_degree_factor,
                      &c->use_base_arithmetic_gate,
                      &c->zero_knowledge,
                      &c->fri.rate_bits,
                      &c->fri.cap_height,
                      &c->fri.proof_of_work_bits,
                      &c->fri.arity_bits,
                      &c->fri.final_poly_bits,
                      &c->fri.num_query_rounds};
    for (size_t i = 0; i < sizeof cf / sizeof cf[0]; i++)
        *cf[i] = r_u32(&r, "config");
    if (r.err != BV_OK)
        return r.err;
    bv_err e = bv_plonk_config_validate(c, st);
    if (e != BV_OK)
        return bv_fail_ctx(st, "circuit file");
    e = bv_plonk_config_check_security(c, (flags & BV_LOAD_ALLOW_TEST_CONFIG) != 0, st);
    if (e != BV_OK)
        return bv_fail_ctx(st, "circuit file");
    cd->degree_bits = r_u32(&r, "degree bits");
    cd->num_fri_arities = r_u32(&r, "FRI arity count");
    if (r.err == BV_OK && cd->num_fri_arities > BV_PLONK_MAX_ARITIES)
        return bv_fail(st, BV_ERR_FORMAT, "circuit file: %u FRI arities", cd->num_fri_arities);
    for (uint32_t i = 0; i < cd->num_fri_arities && r.err == BV_OK; i++)
        cd->fri_arities[i] = r_u32(&r, "FRI arity");
    uint32_t ng = r_u32(&r, "gate count");
    if (r.err != BV_OK)
        return r.err;
    if (ng == 0 || ng > BV_MAX_GATES)
        return bv_fail(st, BV_ERR_FORMAT, "circuit file: %u gates (1..%u allowed)", ng,
                       BV_MAX_GATES);
    for (uint32_t i = 0; i < ng && r.err == BV_OK; i++) {
        uint32_t kl = r_u32(&r, "gate kind length");
        char kind[64];
        if (r.err != BV_OK)
            break;
        if (kl == 0 || kl >= sizeof kind) {
            r.err = bv_fail(st, BV_ERR_FORMAT, "circuit file: gate %u kind length %u", i, kl);
            break;
        }
        if (!r_need(&r, kl, "gate kind"))
            break;
        memcpy(kind, r.p + r.pos, kl);
        kind[kl] = 0;
        r.pos += kl;
        const bv_gate_ops *ops = bv_gate_ops_by_kind(kind);
        if (!ops) {
            for (uint32_t j = 0; j < kl; j++)
                if (kind[j] < 32 || kind[j] > 126)
                    kind[j] = '?';
            r.err = bv_fail(st, BV_ERR_FORMAT, "circuit file: unknown gate kind '%s'", kind);
            break;
        }
        bv_gate *g = &cd->gates[i];
        g->ops = ops;
        for (int j = 0; j < BV_GATE_MAX_PARAMS; j++)
            g->params[j] = r_u32(&r, "gate parameter");
        uint32_t nd = r_u32(&r, "gate data length");
        if (r.err != BV_OK)
            break;
        if (nd > 4096 || (size_t)nd * 8 > r.len - r.pos) {
            r.err = bv_fail(st, BV_ERR_FORMAT, "circuit file: gate %u data length %u", i, nd);
            break;
        }
        cd->num_gates = i + 1; /* from here on gates[i] is released on error */
        if (nd) {
            g->data = malloc(nd * sizeof(gl_t));
            if (!g->data) {
                r.err = bv_fail(st, BV_ERR_NOMEM, "circuit file: out of memory");
                break;
            }
            g->ndata = nd;
            for (uint32_t j = 0; j < nd; j++)
                g->data[j] = r_gl(&r, "gate data");
        }
        if (r.err == BV_OK) {
            bv_status gst;
            if (bv_gate_check(g, c->num_wires, c->num_routed_wires, c->num_constants, &gst) !=
                BV_OK)
                r.err = bv_fail(st, BV_ERR_FORMAT, "circuit file: gate %u: %s", i, gst.msg);
        }
    }
    if (r.err != BV_OK)
        goto fail;
    cd->num_selectors = r_u32(&r, "selector group count");
    if (r.err == BV_OK && (cd->num_selectors == 0 || cd->num_selectors > ng)) {
        r.err = bv_fail(st, BV_ERR_FORMAT, "circuit file: %u selector groups", cd->num_selectors);
        goto fail;
    }
    for (uint32_t i = 0; i < ng; i++)
        cd->selector_index[i] = r_u32(&r, "selector index");
    for (uint32_t i = 0; i < cd->num_selectors && r.err == BV_OK; i++) {
        cd->group_start[i] = r_u32(&r, "selector group start");
        cd->group_end[i] = r_u32(&r, "selector group end");
    }
    cd->quotient_degree_factor = r_u32(&r, "quotient degree factor");
    cd->num_gate_constraints = r_u32(&r, "gate constraint count");
    cd->num_constants = r_u32(&r, "constant count");
    cd->num_public_inputs = r_u32(&r, "public input count");
    cd->num_partial_products = r_u32(&r, "partial product count");
    uint32_t nk = r_u32(&r, "k_i count");
    if (r.err == BV_OK && nk != c->num_routed_wires) {
        r.err = bv_fail(st, BV_ERR_FORMAT, "circuit file: %u k_i, expected %u", nk,
                        c->num_routed_wires);
        goto fail;
    }
    for (uint32_t i = 0; i < nk && r.err == BV_OK; i++)
        cd->k_is[i] = r_gl(&r, "k_i");
    if (r.err != BV_OK)
        goto fail;
    if (r.pos != r.len) {
        r.err = bv_fail(st, BV_ERR_FORMAT, "circuit file: %zu trailing bytes", r.len - r.pos);
        goto fail;
    }
    e = bv_common_data_validate(cd, st);
    if (e != BV_OK) {
        r.err = e;
        goto fail;
    }
    if (vd->cap_height != c->fri.cap_height) {
        r.err = bv_fail(st, BV_ERR_FORMAT, "circuit file: cap height %u, config says %u",
                        vd->cap_height, c->fri.cap_height);
        goto fail;
    }
    bv_hash dg;
    e = bv_plonk_circuit_digest(vd->cap, vd->cap_height, cd, &dg, st);
    if (e != BV_OK) {
        r.err = e;
        goto fail;
    }
    if (!bv_hash_eq(dg, vd->circuit_digest)) {
        r.err = bv_fail(
            st, BV_ERR_FORMAT,
            "circuit file: circuit digest does not match the constants/sigmas cap and common data");
        goto fail;
    }
    return BV_OK;
fail:
    bv_common_data_release(cd);
    return r.err;
}

/* ---------------------------------------------------------------- files */

bv_err bv_plonk_read_file(const char *path, size_t max, uint8_t **buf, size_t *len, bv_status *st)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return bv_fail(st, BV_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    uint8_t *b = malloc(cap);
    if (!b) {
        fclose(f);
        return bv_fail(st, BV_ERR_NOMEM, "reading %s: out of memory", path);
    }
    for (;;) {
        if (n == cap) {
            if (cap >= max + 1) {
                free(b);
                fclose(f);
                return bv_fail(st, BV_ERR_FORMAT, "%s is larger than %zu bytes", path, max);
            }
            size_t nc = cap * 2 > max + 1 ? max + 1 : cap * 2;
            uint8_t *nb = realloc(b, nc);
            if (!nb) {
                free(b);
                fclose(f);
                return bv_fail(st, BV_ERR_NOMEM, "reading %s: out of memory", path);
            }
            b = nb;
            cap = nc;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b);
        return bv_fail(st, BV_ERR_IO, "error reading %s", path);
    }
    if (n > max) {
        free(b);
        return bv_fail(st, BV_ERR_FORMAT, "%s is larger than %zu bytes", path, max);
    }
    *buf = b;
    *len = n;
    return BV_OK;
}

bv_err bv_plonk_write_file(const char *path, const uint8_t *buf, size_t len, bv_status *st)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return bv_fail(st, BV_ERR_IO, "cannot create %s: %s", path, strerror(errno));
    size_t put = fwrite(buf, 1, len, f);
    int bad = fclose(f) != 0;
    if (put != len || bad)
        return bv_fail(st, BV_ERR_IO, "error writing %s", path);
    return BV_OK;
}
