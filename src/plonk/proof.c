/* proof.c - proof shape: opening layout, oracle widths, FRI instance,
 * allocation and shape checks (see include/balverify/proof.h). */
#include <stdlib.h>
#include <string.h>

#include "balverify/proof.h"
#include "plonk_internal.h"

void bv_opening_layout_of(const bv_common_data *cd, bv_opening_layout *l)
{
    uint32_t nc = cd->config.num_challenges;
    l->n_constants = cd->num_constants;
    l->n_sigmas = cd->config.num_routed_wires;
    l->n_wires = cd->config.num_wires;
    l->n_zs = nc;
    l->n_partial_products = (size_t)nc * cd->num_partial_products;
    l->n_quotient = (size_t)nc * cd->quotient_degree_factor;
    l->constants = 0;
    l->sigmas = l->constants + l->n_constants;
    l->wires = l->sigmas + l->n_sigmas;
    l->zs = l->wires + l->n_wires;
    l->partial_products = l->zs + l->n_zs;
    l->quotient = l->partial_products + l->n_partial_products;
    l->zs_next = l->quotient + l->n_quotient;
    l->total = l->zs_next + l->n_zs;
}

void bv_plonk_oracle_widths(const bv_common_data *cd, size_t widths[4])
{
    uint32_t nc = cd->config.num_challenges;
    widths[0] = (size_t)cd->num_constants + cd->config.num_routed_wires;
    widths[1] = cd->config.num_wires;
    widths[2] = (size_t)nc * (1 + cd->num_partial_products);
    widths[3] = (size_t)nc * cd->quotient_degree_factor;
}

bv_err bv_plonk_fri_params(const bv_common_data *cd, bv_fri_params *p, bv_status *st)
{
    const bv_plonk_fri_config *f = &cd->config.fri;
    bv_fri_config fc = {.rate_bits = f->rate_bits,
                        .cap_height = f->cap_height,
                        .proof_of_work_bits = f->proof_of_work_bits,
                        .arity_bits = f->arity_bits,
                        .final_poly_bits = f->final_poly_bits,
                        .num_query_rounds = f->num_query_rounds};
    bv_err e = bv_fri_params_init(p, &fc, cd->degree_bits, st);
    if (e != BV_OK)
        return e;
    if (p->n_reductions != cd->num_fri_arities)
        return bv_fail(st, BV_ERR_FORMAT, "FRI: %u reductions, common data says %u",
                       p->n_reductions, cd->num_fri_arities);
    for (uint32_t i = 0; i < p->n_reductions; i++)
        if (p->reduction_arity_bits[i] != cd->fri_arities[i])
            return bv_fail(st, BV_ERR_FORMAT, "FRI: arity %u mismatch", i);
    return BV_OK;
}

bv_err bv_plonk_instance_init(bv_plonk_instance *pi, const bv_common_data *cd, gl_ext zeta,
                              bv_status *st)
{
    memset(pi, 0, sizeof *pi);
    bv_plonk_oracle_widths(cd, pi->widths);
    size_t n0 = pi->widths[0] + pi->widths[1] + pi->widths[2] + pi->widths[3];
    size_t n1 = cd->config.num_challenges;
    pi->refs0 = malloc(n0 * sizeof *pi->refs0);
    pi->refs1 = malloc(n1 * sizeof *pi->refs1);
    if (!pi->refs0 || !pi->refs1) {
        bv_plonk_instance_free(pi);
        return bv_fail(st, BV_ERR_NOMEM, "FRI instance: out of memory");
    }
    size_t k = 0;
    for (uint32_t o = 0; o < 4; o++)
        for (size_t j = 0; j < pi->widths[o]; j++)
            pi->refs0[k++] = (bv_fri_poly_ref){o, (uint32_t)j};
    for (size_t j = 0; j < n1; j++)
        pi->refs1[j] = (bv_fri_poly_ref){2, (uint32_t)j};
    gl_t omega = gl_root_of_unity(cd->degree_bits);
    pi->batches[0] = (bv_fri_batch){zeta, n0, pi->refs0};
    pi->batches[1] = (bv_fri_batch){gl_ext_scalar_mul(zeta, omega), n1, pi->refs1};
    pi->inst = (bv_fri_instance){4, pi->widths, 2, pi->batches};
    return BV_OK;
}

void bv_plonk_instance_free(bv_plonk_instance *pi)
{
    free(pi->refs0);
    free(pi->refs1);
    pi->refs0 = NULL;
    pi->refs1 = NULL;
}

bv_err bv_proof_alloc(bv_proof *p, const bv_common_data *cd, bv_status *st)
{
    memset(p, 0, sizeof *p);
    bv_opening_layout l;
    bv_opening_layout_of(cd, &l);
    bv_fri_params fp;
    bv_err e = bv_plonk_fri_params(cd, &fp, st);
    if (e != BV_OK)
        return e;
    size_t widths[4];
    bv_plonk_oracle_widths(cd, widths);
    p->cap_len = 1u << cd->config.fri.cap_height;
    p->n_openings = l.total;
    p->openings = calloc(l.total, sizeof *p->openings);
    p->num_public_inputs = cd->num_public_inputs;
    p->public_inputs = calloc(cd->num_public_inputs ? cd->num_public_inputs : 1, sizeof(gl_t));
    if (!p->openings || !p->public_inputs) {
        bv_proof_free(p);
        return bv_fail(st, BV_ERR_NOMEM, "proof: out of memory");
    }
    e = bv_fri_proof_alloc(&p->fri, &fp, widths, 4, st);
    if (e != BV_OK) {
        bv_proof_free(p);
        return e;
    }
    return BV_OK;
}

void bv_proof_free(bv_proof *p)
{
    if (!p)
        return;
    free(p->openings);
    free(p->public_inputs);
    bv_fri_proof_free(&p->fri);
    memset(p, 0, sizeof *p);
}

bv_err bv_proof_check_shape(const bv_proof *p, const bv_common_data *cd, bv_status *st)
{
    bv_opening_layout l;
    bv_opening_layout_of(cd, &l);
    if (p->cap_len != (1u << cd->config.fri.cap_height))
        return bv_fail(st, BV_ERR_FORMAT, "proof shape: cap of %u digests, expected %u", p->cap_len,
                       1u << cd->config.fri.cap_height);
    if (p->n_openings != l.total || !p->openings)
        return bv_fail(st, BV_ERR_FORMAT, "proof shape: %zu opened values, expected %zu",
                       p->n_openings, l.total);
    if (p->num_public_inputs != cd->num_public_inputs || !p->public_inputs)
        return bv_fail(st, BV_ERR_FORMAT, "proof shape: %u public inputs, circuit has %u",
                       p->num_public_inputs, cd->num_public_inputs);
    bv_fri_params fp;
    bv_err e = bv_plonk_fri_params(cd, &fp, st);
    if (e != BV_OK)
        return e;
    size_t widths[4];
    bv_plonk_oracle_widths(cd, widths);
    const bv_fri_proof *f = &p->fri;
    int same = f->n_oracles == 4 && f->n_queries == fp.config.num_query_rounds &&
               memcmp(&f->params.config, &fp.config, sizeof fp.config) == 0 &&
               f->params.degree_bits == fp.degree_bits && f->params.n_reductions == fp.n_reductions;
    for (uint32_t i = 0; same && i < fp.n_reductions; i++)
        same = f->params.reduction_arity_bits[i] == fp.reduction_arity_bits[i];
    if (!same)
        return bv_fail(st, BV_ERR_FORMAT, "proof shape: FRI parameters differ from the circuit's");
    for (int o = 0; o < 4; o++)
        if (f->oracle_widths[o] != widths[o])
            return bv_fail(st, BV_ERR_FORMAT,
                           "proof shape: FRI oracle %d has width %zu, expected %zu", o,
                           f->oracle_widths[o], widths[o]);
    if (!f->commit_caps && fp.n_reductions)
        return bv_fail(st, BV_ERR_FORMAT, "proof shape: FRI proof is empty");
    const bv_hash *caps[3] = {p->wires_cap, p->zs_pp_cap, p->quotient_cap};
    static const char *const cap_names[3] = {"wires", "Z/partial-products", "quotient"};
    for (int k = 0; k < 3; k++)
        for (uint32_t i = 0; i < p->cap_len; i++)
            for (int j = 0; j < 4; j++)
                if (caps[k][i].e[j] >= GL_P)
                    return bv_fail(st, BV_ERR_FORMAT, "proof: %s cap digest %u is not canonical",
                                   cap_names[k], i);
    for (size_t i = 0; i < l.total; i++)
        if (p->openings[i].c0 >= GL_P || p->openings[i].c1 >= GL_P)
            return bv_fail(st, BV_ERR_FORMAT, "proof: opening %zu is not canonical", i);
    e = bv_fri_proof_check_canonical(f, st);
    if (e != BV_OK)
        return e;
    for (uint32_t i = 0; i < p->num_public_inputs; i++)
        if (p->public_inputs[i] >= GL_P)
            return bv_fail(st, BV_ERR_FORMAT, "proof: public input %u is not canonical", i);
    return BV_OK;
}
