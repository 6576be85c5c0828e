/*
 * fri_serialize.c - byte encoding of FRI proofs; layout in include/balverify/fri.h.
 *
 * The shape (parameters, oracle widths) is not stored: the reader derives
 * the exact size from what it expects, refuses short input before reading,
 * and checks every field element and every Merkle-proof length byte.
 */
#include "balverify/fri.h"

#include <string.h>

#include "balverify/util_bytes.h"

static size_t query_bytes(const bv_fri_proof *pr)
{
    const bv_fri_params *p = &pr->params;
    unsigned isibs = bv_fri_lde_bits(p) - p->config.cap_height;
    size_t s = 0;
    for (size_t o = 0; o < pr->n_oracles; o++)
        s += pr->oracle_widths[o] * 8 + 1 + (size_t)isibs * 32;
    for (uint32_t i = 0; i < p->n_reductions; i++)
        s += ((size_t)16 << p->reduction_arity_bits[i]) + 1 +
             (size_t)bv_fri_proof_step_n_sibs(p, i) * 32;
    return s;
}

size_t bv_fri_proof_serialized_size(const bv_fri_proof *pr)
{
    const bv_fri_params *p = &pr->params;
    return (size_t)p->n_reductions * ((size_t)32 << p->config.cap_height) +
           pr->n_queries * query_bytes(pr) + bv_fri_final_poly_len(p) * 16 + 8;
}

static uint8_t *put64(uint8_t *o, uint64_t v)
{
    bv_put_le64(o, v);
    return o + 8;
}

static uint8_t *put_hashes(uint8_t *o, const bv_hash *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bv_hash_to_bytes(h[i], o);
        o += 32;
    }
    return o;
}

void bv_fri_proof_serialize(const bv_fri_proof *pr, uint8_t *out)
{
    const bv_fri_params *p = &pr->params;
    uint8_t *o = out;
    o = put_hashes(o, pr->commit_caps, (size_t)p->n_reductions << p->config.cap_height);
    unsigned isibs = bv_fri_lde_bits(p) - p->config.cap_height;
    for (size_t q = 0; q < pr->n_queries; q++) {
        for (size_t k = 0; k < pr->n_oracles; k++) {
            const gl_t *leaf = bv_fri_proof_leaf(pr, q, k);
            for (size_t j = 0; j < pr->oracle_widths[k]; j++)
                o = put64(o, leaf[j]);
            *o++ = (uint8_t)isibs;
            o = put_hashes(o, bv_fri_proof_leaf_sibs(pr, q, k), isibs);
        }
        for (uint32_t i = 0; i < p->n_reductions; i++) {
            const gl_ext *ev = bv_fri_proof_step_evals(pr, q, i);
            for (size_t j = 0; j < ((size_t)1 << p->reduction_arity_bits[i]); j++) {
                o = put64(o, ev[j].c0);
                o = put64(o, ev[j].c1);
            }
            unsigned ns = bv_fri_proof_step_n_sibs(p, i);
            *o++ = (uint8_t)ns;
            o = put_hashes(o, bv_fri_proof_step_sibs(pr, q, i), ns);
        }
    }
    for (size_t j = 0; j < bv_fri_final_poly_len(p); j++) {
        o = put64(o, pr->final_poly[j].c0);
        o = put64(o, pr->final_poly[j].c1);
    }
    put64(o, pr->pow_witness);
}

/* reader over a bounded buffer; the first failure sticks */
typedef struct {
    const uint8_t *p;
    size_t left, pos;
    bv_status *st;
    bv_err err;
} rd;

static gl_t get_fe(rd *r, const char *what)
{
    if (r->err)
        return 0;
    if (r->left < 8) {
        r->err =
            bv_fail(r->st, BV_ERR_FORMAT, "FRI proof truncated at byte %zu (%s)", r->pos, what);
        return 0;
    }
    uint64_t v = bv_le64(r->p);
    if (v >= GL_P) {
        r->err = bv_fail(r->st, BV_ERR_FORMAT,
                         "FRI proof: non-canonical field element at byte %zu (%s)", r->pos, what);
        return 0;
    }
    r->p += 8;
    r->left -= 8;
    r->pos += 8;
    return v;
}

static void get_hashes(rd *r, bv_hash *h, size_t n, const char *what)
{
    for (size_t i = 0; i < n && !r->err; i++)
        for (int k = 0; k < 4; k++)
            h[i].e[k] = get_fe(r, what);
}

static void get_len(rd *r, unsigned expect, const char *what)
{
    if (r->err)
        return;
    if (r->left < 1) {
        r->err =
            bv_fail(r->st, BV_ERR_FORMAT, "FRI proof truncated at byte %zu (%s)", r->pos, what);
        return;
    }
    if (r->p[0] != expect) {
        r->err = bv_fail(r->st, BV_ERR_FORMAT,
                         "FRI proof: Merkle proof length %u at byte %zu, expected %u (%s)", r->p[0],
                         r->pos, expect, what);
        return;
    }
    r->p++;
    r->left--;
    r->pos++;
}

bv_err bv_fri_proof_deserialize(bv_fri_proof *pr, const bv_fri_params *p,
                                const size_t *oracle_widths, size_t n_oracles, const uint8_t *in,
                                size_t avail, size_t *used, bv_status *st)
{
    bv_err e = bv_fri_proof_alloc(pr, p, oracle_widths, n_oracles, st);
    if (e)
        return e;
    size_t need = bv_fri_proof_serialized_size(pr);
    if (avail < need) {
        bv_fri_proof_free(pr);
        return bv_fail(st, BV_ERR_FORMAT, "FRI proof truncated: %zu bytes, %zu needed", avail,
                       need);
    }
    rd r = {in, need, 0, st, BV_OK};
    get_hashes(&r, pr->commit_caps, (size_t)p->n_reductions << p->config.cap_height,
               "commit-phase caps");
    unsigned isibs = bv_fri_lde_bits(p) - p->config.cap_height;
    for (size_t q = 0; q < pr->n_queries && !r.err; q++) {
        for (size_t k = 0; k < n_oracles; k++) {
            gl_t *leaf = bv_fri_proof_leaf(pr, q, k);
            for (size_t j = 0; j < oracle_widths[k]; j++)
                leaf[j] = get_fe(&r, "initial leaf");
            get_len(&r, isibs, "initial Merkle proof");
            get_hashes(&r, bv_fri_proof_leaf_sibs(pr, q, k), isibs, "initial Merkle proof");
        }
        for (uint32_t i = 0; i < p->n_reductions; i++) {
            gl_ext *ev = bv_fri_proof_step_evals(pr, q, i);
            for (size_t j = 0; j < ((size_t)1 << p->reduction_arity_bits[i]); j++) {
                ev[j].c0 = get_fe(&r, "layer values");
                ev[j].c1 = get_fe(&r, "layer values");
            }
            unsigned ns = bv_fri_proof_step_n_sibs(p, i);
            get_len(&r, ns, "layer Merkle proof");
            get_hashes(&r, bv_fri_proof_step_sibs(pr, q, i), ns, "layer Merkle proof");
        }
    }
    for (size_t j = 0; j < bv_fri_final_poly_len(p); j++) {
        pr->final_poly[j].c0 = get_fe(&r, "final polynomial");
        pr->final_poly[j].c1 = get_fe(&r, "final polynomial");
    }
    pr->pow_witness = get_fe(&r, "proof-of-work witness");
    if (r.err) {
        bv_fri_proof_free(pr);
        return r.err;
    }
    if (used)
        *used = need;
    return BV_OK;
}
