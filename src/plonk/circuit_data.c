/* circuit_data.c - built circuit data: preprocessing commitment, circuit
 * digest, accessors and common-data checks (see include/balverify/circuit.h). */
#include <stdlib.h>
#include <string.h>

#include "balverify/gates.h"
#include "balverify/polybatch.h"
#include "plonk_internal.h"

/* Commit to [constants ‖ sigmas] and derive the circuit digest (6.5 steps 8-9). */
bv_err bv_plonk_commit_preprocessed(bv_circuit_data *d, bv_status *st)
{
    const bv_common_data *cd = &d->cd;
    size_t ncols = cd->num_constants + cd->config.num_routed_wires;
    bv_polybatch *pb = calloc(1, sizeof *pb);
    if (!pb)
        return bv_fail(st, BV_ERR_NOMEM, "commit constants/sigmas: out of memory");
    bv_err e = bv_polybatch_from_values(pb, d->const_sigma_values, ncols, cd->degree_bits,
                                        cd->config.fri.rate_bits, cd->config.fri.cap_height, st);
    if (e != BV_OK) {
        free(pb);
        return bv_fail_ctx(st, "commit constants/sigmas");
    }
    d->const_sigma_batch = pb;
    d->vd.cap_height = cd->config.fri.cap_height;
    size_t ncap = (size_t)1 << cd->config.fri.cap_height;
    memcpy(d->vd.cap, bv_polybatch_cap(pb), ncap * sizeof(bv_hash));
    return bv_plonk_circuit_digest(d->vd.cap, d->vd.cap_height, cd, &d->vd.circuit_digest, st);
}

bv_err bv_plonk_circuit_digest(const bv_hash *cap, uint32_t cap_height, const bv_common_data *cd,
                               bv_hash *out, bv_status *st)
{
    uint8_t *enc = NULL;
    size_t len = 0;
    bv_err e = bv_common_data_encode(cd, &enc, &len, st);
    if (e != BV_OK)
        return e;
    size_t nel = (len + 6) / 7;
    gl_t *sepin = malloc((nel ? nel : 1) * sizeof *sepin);
    if (!sepin) {
        free(enc);
        return bv_fail(st, BV_ERR_NOMEM, "circuit digest: out of memory");
    }
    for (size_t i = 0; i < nel; i++) {
        gl_t v = 0;
        for (size_t j = 0; j < 7 && 7 * i + j < len; j++)
            v |= (gl_t)enc[7 * i + j] << (8 * j);
        sepin[i] = v;
    }
    bv_hash sep = bv_poseidon_hash_pad(sepin, nel);
    free(sepin);
    free(enc);
    size_t ncap = (size_t)1 << cap_height;
    gl_t buf[4 * BV_MAX_CAP + 5];
    size_t k = 0;
    for (size_t i = 0; i < ncap; i++)
        for (int j = 0; j < 4; j++)
            buf[k++] = cap[i].e[j];
    for (int j = 0; j < 4; j++)
        buf[k++] = sep.e[j];
    buf[k++] = cd->degree_bits;
    *out = bv_poseidon_hash_no_pad(buf, k);
    return BV_OK;
}

bv_err bv_plonk_fill_preprocessed(bv_circuit_data *d, bv_status *st)
{
    const bv_common_data *cd = &d->cd;
    uint32_t n = d->nrows, W = d->num_wires, R = cd->config.num_routed_wires;
    size_t ncols = cd->num_constants + R, nnodes = (size_t)n * W + d->nvirt;
    free(d->const_sigma_values);
    d->const_sigma_values = malloc(ncols * (size_t)n * sizeof(gl_t));
    uint32_t *first = malloc(nnodes * sizeof *first);
    uint32_t *last = malloc(nnodes * sizeof *last);
    uint32_t *next = malloc((size_t)n * R * sizeof *next);
    gl_t *pw = malloc((size_t)n * sizeof *pw);
    bv_err e = BV_OK;
    if (!d->const_sigma_values || !first || !last || !next || !pw) {
        e = bv_fail(st, BV_ERR_NOMEM, "preprocessing: out of memory");
        goto done;
    }
    /* selector columns and gate constants (6.4) */
    for (uint32_t r = 0; r < n; r++) {
        uint32_t k = d->row_gate[r];
        for (uint32_t s = 0; s < cd->num_selectors; s++)
            d->const_sigma_values[(size_t)s * n + r] =
                s == cd->selector_index[k] ? k : BV_SELECTOR_UNUSED;
        for (uint32_t i = 0; i < cd->config.num_constants; i++)
            d->const_sigma_values[(size_t)(cd->num_selectors + i) * n + r] =
                d->row_consts[(size_t)r * cd->config.num_constants + i];
    }
    /* sigma (6.6): each class's routed wires in row-major order form a cycle */
    memset(first, 0xFF, nnodes * sizeof *first);
    for (uint32_t r = 0; r < n; r++)
        for (uint32_t i = 0; i < R; i++) {
            uint32_t pos = r * R + i;
            uint32_t rp = d->rep[(size_t)r * W + i];
            if (first[rp] == UINT32_MAX)
                first[rp] = pos;
            else
                next[last[rp]] = pos;
            last[rp] = pos;
        }
    for (uint32_t r = 0; r < n; r++)
        for (uint32_t i = 0; i < R; i++) {
            uint32_t rp = d->rep[(size_t)r * W + i];
            if (last[rp] == r * R + i)
                next[r * R + i] = first[rp];
        }
    gl_t omega = gl_root_of_unity(cd->degree_bits);
    pw[0] = 1;
    for (uint32_t r = 1; r < n; r++)
        pw[r] = gl_mul(pw[r - 1], omega);
    for (uint32_t r = 0; r < n; r++)
        for (uint32_t i = 0; i < R; i++) {
            uint32_t to = next[r * R + i];
            d->const_sigma_values[(size_t)(cd->num_constants + i) * n + r] =
                gl_mul(cd->k_is[to % R], pw[to / R]);
        }
done:
    free(first);
    free(last);
    free(next);
    free(pw);
    return e;
}

const bv_verifier_data *bv_circuit_data_verifier(const bv_circuit_data *d)
{
    return &d->vd;
}
const bv_common_data *bv_circuit_data_common(const bv_circuit_data *d)
{
    return &d->cd;
}

void bv_circuit_data_gate_row_counts(const bv_circuit_data *d, uint32_t counts[BV_MAX_GATES])
{
    for (uint32_t k = 0; k < BV_MAX_GATES; k++)
        counts[k] = 0;
    for (uint32_t r = 0; r < d->nrows; r++)
        if (d->row_gate[r] < d->cd.num_gates)
            counts[d->row_gate[r]]++;
}

void bv_circuit_data_free(bv_circuit_data *d)
{
    if (!d)
        return;
    bv_common_data_release(&d->cd);
    free(d->rep);
    free(d->row_gate);
    free(d->row_consts);
    for (size_t i = 0; i < d->ngens; i++)
        if (d->gens[i].kind == BV_GEN_OBJECT && d->gens[i].obj) {
            bv_generator *g = d->gens[i].obj;
            if (g->destroy)
                g->destroy(g);
            else
                free(g);
        }
    free(d->gens);
    free(d->consts);
    free(d->public_inputs);
    free(d->const_sigma_values);
    if (d->const_sigma_batch) {
        bv_polybatch_free(d->const_sigma_batch);
        free(d->const_sigma_batch);
    }
    free(d);
}

void bv_common_data_release(bv_common_data *cd)
{
    for (uint32_t i = 0; i < cd->num_gates && i < BV_MAX_GATES; i++)
        bv_gate_free(&cd->gates[i]);
    cd->num_gates = 0;
}

bv_err bv_common_data_copy(bv_common_data *dst, const bv_common_data *src, bv_status *st)
{
    *dst = *src;
    for (uint32_t i = 0; i < src->num_gates; i++) {
        dst->gates[i].data = NULL;
        dst->gates[i].ndata = 0;
    }
    for (uint32_t i = 0; i < src->num_gates; i++)
        if (bv_gate_clone(&src->gates[i], &dst->gates[i], st) != BV_OK) {
            dst->num_gates = i;
            bv_common_data_release(dst);
            return BV_ERR_NOMEM;
        }
    return BV_OK;
}

gl_t bv_common_filter_base(const bv_common_data *cd, uint32_t k, gl_t s)
{
    uint32_t g = cd->selector_index[k];
    gl_t f = 1;
    for (uint32_t j = cd->group_start[g]; j < cd->group_end[g]; j++)
        if (j != k)
            f = gl_mul(f, gl_sub(j, s));
    if (cd->num_selectors > 1)
        f = gl_mul(f, gl_sub(BV_SELECTOR_UNUSED, s));
    return f;
}

gl_ext bv_common_filter_ext(const bv_common_data *cd, uint32_t k, gl_ext s)
{
    uint32_t g = cd->selector_index[k];
    gl_ext f = gl_ext_one();
    for (uint32_t j = cd->group_start[g]; j < cd->group_end[g]; j++)
        if (j != k)
            f = gl_ext_mul(f, gl_ext_sub(gl_ext_from_base(j), s));
    if (cd->num_selectors > 1)
        f = gl_ext_mul(f, gl_ext_sub(gl_ext_from_base(BV_SELECTOR_UNUSED), s));
    return f;
}

bv_err bv_common_data_validate(const bv_common_data *cd, bv_status *st)
{
    bv_err e = bv_plonk_config_validate(&cd->config, st);
    if (e != BV_OK)
        return e;
    const bv_plonk_config *cfg = &cd->config;
    if (cd->degree_bits < 2 || cd->degree_bits > 28 ||
        cd->degree_bits + cfg->fri.rate_bits < cfg->fri.cap_height)
        return bv_fail(st, BV_ERR_FORMAT, "common data: degree_bits %u out of range",
                       cd->degree_bits);
    uint32_t ar[BV_PLONK_MAX_ARITIES];
    uint32_t na = bv_plonk_fri_arities(&cfg->fri, cd->degree_bits, ar);
    if (na != cd->num_fri_arities)
        return bv_fail(st, BV_ERR_FORMAT,
                       "common data: %u FRI reductions, config and degree imply %u",
                       cd->num_fri_arities, na);
    for (uint32_t i = 0; i < na; i++)
        if (ar[i] != cd->fri_arities[i])
            return bv_fail(st, BV_ERR_FORMAT, "common data: FRI arity %u is %u, expected %u", i,
                           cd->fri_arities[i], ar[i]);
    if (cd->num_gates == 0 || cd->num_gates > BV_MAX_GATES)
        return bv_fail(st, BV_ERR_FORMAT, "common data: %u gates (1..%u allowed)", cd->num_gates,
                       BV_MAX_GATES);
    uint32_t maxc = 0, maxdeg = 0;
    for (uint32_t i = 0; i < cd->num_gates; i++) {
        const bv_gate *g = &cd->gates[i];
        e = bv_gate_check(g, cfg->num_wires, cfg->num_routed_wires, cfg->num_constants, st);
        if (e != BV_OK)
            return bv_fail_ctx(st, "common data: gate %u", i);
        if (i > 0 && bv_gate_cmp(&cd->gates[i - 1], g) >= 0)
            return bv_fail(st, BV_ERR_FORMAT,
                           "common data: gate list not sorted by (degree, id) at %u", i);
        uint32_t nc = g->ops->num_constraints(g);
        if (nc > maxc)
            maxc = nc;
        if (g->ops->degree(g) > maxdeg)
            maxdeg = g->ops->degree(g);
    }
    if (maxc != cd->num_gate_constraints)
        return bv_fail(st, BV_ERR_FORMAT, "common data: num_gate_constraints %u, gates need %u",
                       cd->num_gate_constraints, maxc);
    if (cd->num_selectors == 0 || cd->num_selectors > cd->num_gates)
        return bv_fail(st, BV_ERR_FORMAT, "common data: %u selector groups for %u gates",
                       cd->num_selectors, cd->num_gates);
    uint32_t pos = 0;
    uint32_t max_degree = cfg->max_quotient_degree_factor + 1;
    for (uint32_t gi = 0; gi < cd->num_selectors; gi++) {
        if (cd->group_start[gi] != pos || cd->group_end[gi] <= pos ||
            cd->group_end[gi] > cd->num_gates)
            return bv_fail(st, BV_ERR_FORMAT, "common data: selector group %u is malformed", gi);
        uint32_t size = cd->group_end[gi] - cd->group_start[gi];
        for (uint32_t k = cd->group_start[gi]; k < cd->group_end[gi]; k++) {
            if (cd->selector_index[k] != gi)
                return bv_fail(st, BV_ERR_FORMAT, "common data: gate %u in wrong group", k);
            uint32_t fdeg =
                size - 1 + (cd->num_selectors > 1) + cd->gates[k].ops->degree(&cd->gates[k]);
            if (fdeg > max_degree)
                return bv_fail(st, BV_ERR_FORMAT,
                               "common data: filtered degree %u of gate %u exceeds %u", fdeg, k,
                               max_degree);
        }
        pos = cd->group_end[gi];
    }
    if (pos != cd->num_gates)
        return bv_fail(st, BV_ERR_FORMAT, "common data: selector groups do not cover the gates");
    if (cd->quotient_degree_factor != cfg->max_quotient_degree_factor)
        return bv_fail(st, BV_ERR_FORMAT, "common data: quotient degree factor %u != config %u",
                       cd->quotient_degree_factor, cfg->max_quotient_degree_factor);
    if (cd->num_constants != cd->num_selectors + cfg->num_constants)
        return bv_fail(st, BV_ERR_FORMAT, "common data: num_constants %u != %u selectors + %u",
                       cd->num_constants, cd->num_selectors, cfg->num_constants);
    if (cd->num_public_inputs > (1u << 24))
        return bv_fail(st, BV_ERR_FORMAT, "common data: %u public inputs is too many",
                       cd->num_public_inputs);
    if (cd->num_partial_products != bv_plonk_num_partial_products(cfg))
        return bv_fail(st, BV_ERR_FORMAT, "common data: num_partial_products %u, expected %u",
                       cd->num_partial_products, bv_plonk_num_partial_products(cfg));
    gl_t k = 1;
    for (uint32_t i = 0; i < cfg->num_routed_wires; i++) {
        if (cd->k_is[i] != k)
            return bv_fail(st, BV_ERR_FORMAT, "common data: k_%u is not g^%u", i, i);
        k = gl_mul(k, GL_MULTIPLICATIVE_GENERATOR);
    }
    return BV_OK;
}
