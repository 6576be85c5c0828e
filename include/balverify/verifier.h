/*
 * verifier.h - native PLONK+FRI verification (PROOF_SYSTEM.md 6.9).
 *
 * Invariants:
 *  - Never crashes and never reads out of bounds, whatever the proof holds:
 *    the common data is validated, the proof's shape is checked against it
 *    before anything else, then the public-input hash, the transcript replay,
 *    the gate and permutation identities at zeta, the quotient identity and
 *    FRI are checked in that order.
 *  - Returns BV_OK only for a valid proof; otherwise BV_ERR_VERIFY (or
 *    BV_ERR_FORMAT for a malformed shape) with a one-line reason.
 */
#ifndef BALVERIFY_VERIFIER_H
#define BALVERIFY_VERIFIER_H

#include "balverify/circuit.h"
#include "balverify/proof.h"

#include "balverify/challenger.h"

/* Challenges of a PLONK proof (up to 8 repetitions), PROOF_SYSTEM.md 6.10. */
typedef struct {
    gl_t beta[8], gamma[8], alpha[8];
    gl_ext zeta;
} bv_plonk_challenges;

/* Replays the transcript of a proof (steps 1-7: FRI parameters, digest, PI
 * hash, caps, openings) and returns beta, gamma, alpha, zeta; *after (may be
 * NULL) receives the challenger state right after the openings were
 * observed, from which FRI draws its own challenges. The proof's shape must
 * have been checked (bv_proof_check_shape). For in-circuit verifiers to test
 * their transcript against. */
bv_err bv_plonk_get_challenges(const bv_verifier_data *vd, const bv_common_data *cd,
                               const bv_proof *p, bv_plonk_challenges *out, bv_challenger *after,
                               bv_status *st);

bv_err bv_verify(const bv_verifier_data *vd, const bv_common_data *cd, const bv_proof *p,
                 bv_status *st);

#endif
