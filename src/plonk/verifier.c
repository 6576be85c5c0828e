/* verifier.c - native PLONK+FRI verification (see include/balverify/verifier.h). */
#include <stdlib.h>
#include <string.h>

#include "balverify/challenger.h"
#include "balverify/verifier.h"
#include "plonk_internal.h"
#include "vanishing.h"

bv_err bv_plonk_get_challenges(const bv_verifier_data *vd, const bv_common_data *cd,
                               const bv_proof *p, bv_plonk_challenges *chl, bv_challenger *after,
                               bv_status *st)
{
    uint32_t nc = cd->config.num_challenges;
    if (nc > 8)
        return bv_fail(st, BV_ERR_UNSUPPORTED, "at most 8 challenges supported");
    bv_fri_params fp;
    bv_err e = bv_plonk_fri_params(cd, &fp, st);
    if (e != BV_OK)
        return e;
    bv_hash pih = bv_poseidon_hash_no_pad(p->public_inputs, p->num_public_inputs);
    bv_challenger ch;
    bv_challenger_init(&ch);
    bv_plonk_observe_prelude(&ch, &fp, &vd->circuit_digest, &pih);
    memset(chl, 0, sizeof *chl);
    bv_challenger_observe_cap(&ch, p->wires_cap, p->cap_len);
    bv_challenger_get_many(&ch, chl->beta, nc);
    bv_challenger_get_many(&ch, chl->gamma, nc);
    bv_challenger_observe_cap(&ch, p->zs_pp_cap, p->cap_len);
    bv_challenger_get_many(&ch, chl->alpha, nc);
    bv_challenger_observe_cap(&ch, p->quotient_cap, p->cap_len);
    chl->zeta = bv_challenger_get_ext(&ch);
    bv_challenger_observe_ext_many(&ch, p->openings, p->n_openings);
    if (after)
        *after = ch;
    return BV_OK;
}

bv_err bv_verify(const bv_verifier_data *vd, const bv_common_data *cd, const bv_proof *p,
                 bv_status *st)
{
    bv_err e = bv_common_data_validate(cd, st);
    if (e != BV_OK)
        return e;
    if (vd->cap_height != cd->config.fri.cap_height)
        return bv_fail(st, BV_ERR_FORMAT, "verifier data: cap height %u, circuit uses %u",
                       vd->cap_height, cd->config.fri.cap_height);
    /* The digest binds the cap and the common data: recomputing it makes sure
     * the common data used below is the one the verifier data stands for. */
    bv_hash dg;
    e = bv_plonk_circuit_digest(vd->cap, vd->cap_height, cd, &dg, st);
    if (e != BV_OK)
        return e;
    if (!bv_hash_eq(dg, vd->circuit_digest))
        return bv_fail(st, BV_ERR_VERIFY,
                       "verifier data and common data disagree (circuit digest mismatch)");
    e = bv_proof_check_shape(p, cd, st);
    if (e != BV_OK)
        return e;
    uint32_t nc = cd->config.num_challenges;
    if (nc > 8)
        return bv_fail(st, BV_ERR_UNSUPPORTED, "verifier: at most 8 challenges supported");
    bv_fri_params fp;
    e = bv_plonk_fri_params(cd, &fp, st);
    if (e != BV_OK)
        return e;

    bv_hash pih = bv_poseidon_hash_no_pad(p->public_inputs, p->num_public_inputs);
    bv_challenger ch;
    bv_plonk_challenges chl;
    e = bv_plonk_get_challenges(vd, cd, p, &chl, &ch, st);
    if (e != BV_OK)
        return e;

    gl_ext zeta = chl.zeta, zn = zeta;
    for (uint32_t i = 0; i < cd->degree_bits; i++)
        zn = gl_ext_sqr(zn);
    gl_ext zh = gl_ext_sub(zn, gl_ext_one());
    if (gl_ext_is_zero(zh))
        return bv_fail(st, BV_ERR_VERIFY, "proof rejected: zeta lies in the trace subgroup");
    gl_ext l0 = gl_ext_mul(
        zh, gl_ext_inv(gl_ext_scalar_mul(gl_ext_sub(zeta, gl_ext_one()), bv_common_num_rows(cd))));

    bv_opening_layout l;
    bv_opening_layout_of(cd, &l);
    const gl_ext *o = p->openings;
    gl_ext *scratch = malloc(bv_vanishing_scratch_len(cd) * sizeof *scratch);
    if (!scratch)
        return bv_fail(st, BV_ERR_NOMEM, "verifier: out of memory");
    gl_ext v[8];
    bv_vanishing_ext(cd, &chl, &pih, zeta, l0, o + l.wires, o + l.constants, o + l.zs,
                     o + l.zs_next, o + l.partial_products, scratch, v);
    free(scratch);
    uint32_t qf = cd->quotient_degree_factor;
    for (uint32_t c = 0; c < nc; c++) {
        gl_ext t = gl_ext_zero();
        for (uint32_t k = qf; k-- > 0;)
            t = gl_ext_add(gl_ext_mul(t, zn), o[l.quotient + (size_t)c * qf + k]);
        if (!gl_ext_eq(v[c], gl_ext_mul(zh, t)))
            return bv_fail(st, BV_ERR_VERIFY,
                           "proof rejected: constraint mismatch (vanishing identity fails at "
                           "zeta for challenge %u)",
                           c);
    }

    bv_plonk_instance inst;
    e = bv_plonk_instance_init(&inst, cd, zeta, st);
    if (e != BV_OK)
        return e;
    const bv_hash *caps[4] = {vd->cap, p->wires_cap, p->zs_pp_cap, p->quotient_cap};
    e = bv_fri_verify(&fp, caps, &inst.inst, p->openings, &p->fri, &ch, st);
    bv_plonk_instance_free(&inst);
    if (e != BV_OK)
        return bv_fail_ctx(st, "proof rejected");
    return BV_OK;
}
