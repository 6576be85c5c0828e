/* rec_internal.h - helpers shared by the recursion sources (not a public API). */
#ifndef BV_REC_INTERNAL_H
#define BV_REC_INTERNAL_H

#include "balverify/recursion.h"

/* Element a0 + a1*Y of the extension algebra, coefficients in K. */
typedef struct {
    bv_ext_target a0, a1;
} rec_alg;

rec_alg rec_alg_at(const bv_ext_target *w, uint32_t i);
rec_alg rec_alg_from_ext(bv_circuit *c, bv_ext_target a);
rec_alg rec_alg_add(bv_circuit *c, rec_alg a, rec_alg b);
rec_alg rec_alg_sub(bv_circuit *c, rec_alg a, rec_alg b);
rec_alg rec_alg_scalar(bv_circuit *c, rec_alg a, bv_ext_target k);
rec_alg rec_alg_mul(bv_circuit *c, rec_alg a, rec_alg b);

/* Poseidon MDS on 12 K values (one PoseidonMdsGate row). */
void rec_mds(bv_circuit *c, const bv_ext_target in[12], bv_ext_target out[12]);

#endif
