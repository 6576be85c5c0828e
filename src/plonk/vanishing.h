/* vanishing.h - combined constraint evaluation shared by prover and verifier. */
#ifndef BV_VANISHING_H
#define BV_VANISHING_H

#include "plonk_internal.h"

size_t bv_vanishing_num_terms(const bv_common_data *cd);
/* Scratch elements needed by one evaluation. */
size_t bv_vanishing_scratch_len(const bv_common_data *cd);

/* V_c at a base-field point x (all repetitions into out[0..nc)).
 * const_sig: constants then sigmas; pp: nc * num_partial_products values;
 * l0 = L_0(x). */
void bv_vanishing_base(const bv_common_data *cd, const bv_plonk_challenges *chl,
                       const bv_hash *pi_hash, gl_t x, gl_t l0, const gl_t *wires,
                       const gl_t *const_sig, const gl_t *zs, const gl_t *zs_next, const gl_t *pp,
                       gl_t *scratch, gl_t *out);

/* Whether bv_vanishing_base_x8 may be called (x86-64 with AVX-512). */
int bv_vanishing_have_x8(void);
/* Scratch elements needed by one bv_vanishing_base_x8 call. */
size_t bv_vanishing_scratch_len_x8(const bv_common_data *cd);
/* bv_vanishing_base at 8 points at once: x, l0 have 8 entries; wires,
 * const_sig, zs and zs_next are the 8 points' rows (zs holds the Z values then
 * the partial products, as pp follows zs in bv_vanishing_base); out[8 * c + l]
 * receives V_c at point l. Only when bv_vanishing_have_x8(). */
void bv_vanishing_base_x8(const bv_common_data *cd, const bv_plonk_challenges *chl,
                          const bv_hash *pi_hash, const gl_t *x, const gl_t *l0,
                          const gl_t *const *wires, const gl_t *const *const_sig,
                          const gl_t *const *zs, const gl_t *const *zs_next, gl_t *scratch,
                          gl_t *out);

/* The same at x in K with K-valued openings. */
void bv_vanishing_ext(const bv_common_data *cd, const bv_plonk_challenges *chl,
                      const bv_hash *pi_hash, gl_ext x, gl_ext l0, const gl_ext *wires,
                      const gl_ext *const_sig, const gl_ext *zs, const gl_ext *zs_next,
                      const gl_ext *pp, gl_ext *scratch, gl_ext *out);

#endif
