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

bv_err bv_verify(const bv_verifier_data *vd, const bv_common_data *cd, const bv_proof *p,
                 bv_status *st);

#endif
