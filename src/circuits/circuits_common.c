/*
 * circuits_common.c - pieces shared by the statement circuits
 * (circuits_internal.h).
 */
#include <string.h>

#include "balverify/circuit_dir.h"
#include "circuits/circuits_internal.h"

bv_err bv_circuits_load_node(const char *dir, const char *name, const char *child,
                             const bv_plonk_config *cfg, bv_rec_aggregator *agg, bv_status *st)
{
    memset(agg, 0, sizeof *agg);
    bv_verifier_data cvd;
    bv_common_data ccd;
    bv_err e = bv_circuit_dir_load_verifier(dir, child, cfg, &cvd, &ccd, st);
    if (e != BV_OK)
        return e;
    e = bv_circuit_dir_load(dir, name, cfg, &agg->data, st);
    if (e == BV_OK) {
        bv_circuit *scratch = bv_circuit_new(cfg);
        if (!scratch)
            e = bv_fail(st, BV_ERR_NOMEM, "out of memory");
        if (e == BV_OK)
            e = bv_rec_add_proof_target(scratch, &ccd, &agg->left, st);
        if (e == BV_OK)
            e = bv_rec_add_proof_target(scratch, &ccd, &agg->right, st);
        bv_circuit_free(scratch);
    }
    bv_common_data_release(&ccd);
    if (e != BV_OK)
        bv_rec_aggregator_free(agg);
    return e;
}

bv_err bv_circuits_words_to_bytes(const gl_t *w, uint8_t out[32], const char *what, bv_status *st)
{
    for (int i = 0; i < 8; i++) {
        if (w[i] >> 32)
            return bv_fail(st, BV_ERR_FORMAT, "%s: word %d (%llu) is not a u32", what, i,
                           (unsigned long long)w[i]);
        out[4 * i] = (uint8_t)(w[i] >> 24);
        out[4 * i + 1] = (uint8_t)(w[i] >> 16);
        out[4 * i + 2] = (uint8_t)(w[i] >> 8);
        out[4 * i + 3] = (uint8_t)w[i];
    }
    return BV_OK;
}

bv_err bv_circuits_u64_of(const gl_t *w, uint64_t *out, const char *what, bv_status *st)
{
    if ((w[0] >> 32) || (w[1] >> 32))
        return bv_fail(st, BV_ERR_FORMAT, "%s: limbs (%llu, %llu) are not u32", what,
                       (unsigned long long)w[0], (unsigned long long)w[1]);
    *out = w[0] | (w[1] << 32);
    return BV_OK;
}
