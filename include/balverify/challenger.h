/*
 * challenger.h - Fiat-Shamir challenger: plonky2's duplex Poseidon sponge
 * (spec/PROOF_SYSTEM.md section 3.5), bit-exact.
 *
 * Invariants:
 *  - Starts from the all-zero 12-lane state with empty buffers.
 *  - observe() clears the output buffer and buffers the element; a full input
 *    buffer (8) is absorbed at once (overwrite lanes 0..8, permute).
 *  - challenge(): absorbs pending input (overwrite lanes 0..len, permute) or,
 *    if nothing is pending and no output is left, permutes; the outputs are
 *    lanes 0..8 and are handed out from the END (lane 7 first).
 *  - Extension elements are observed / drawn as (c0, c1); a hash as its 4
 *    elements; a cap as its hashes in order.
 *  - A challenger is a plain value: copying the struct forks the transcript.
 */
#ifndef BALVERIFY_CHALLENGER_H
#define BALVERIFY_CHALLENGER_H

#include <stddef.h>

#include "balverify/gl_ext.h"
#include "balverify/poseidon.h"

typedef struct {
    gl_t state[BV_POSEIDON_WIDTH];
    gl_t in[BV_POSEIDON_RATE];
    gl_t out[BV_POSEIDON_RATE];
    unsigned n_in, n_out;
} bv_challenger;

void bv_challenger_init(bv_challenger *c);

void bv_challenger_observe(bv_challenger *c, gl_t x);
void bv_challenger_observe_many(bv_challenger *c, const gl_t *x, size_t n);
void bv_challenger_observe_ext(bv_challenger *c, gl_ext x);
void bv_challenger_observe_ext_many(bv_challenger *c, const gl_ext *x, size_t n);
void bv_challenger_observe_hash(bv_challenger *c, bv_hash h);
void bv_challenger_observe_cap(bv_challenger *c, const bv_hash *cap, size_t n);

gl_t bv_challenger_get(bv_challenger *c);
void bv_challenger_get_many(bv_challenger *c, gl_t *out, size_t n);
gl_ext bv_challenger_get_ext(bv_challenger *c);
/* Four consecutive challenges as a hash (plonky2 get_hash). */
bv_hash bv_challenger_get_hash(bv_challenger *c);

/* The sponge state a challenge() would permute next if `x` were observed
 * now: pending inputs and x overwrite lanes 0.., the rest is the current
 * state. Used by proof-of-work grinding; requires no more than 7 pending
 * inputs (always true: 8 are absorbed at once). */
void bv_challenger_state_with(const bv_challenger *c, gl_t x, gl_t state[BV_POSEIDON_WIDTH],
                              unsigned *lane_of_x);

#endif
