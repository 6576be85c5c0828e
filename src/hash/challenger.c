/* challenger.c - plonky2's duplex Fiat-Shamir sponge; see include/balverify/challenger.h */
#include "balverify/challenger.h"

#include <string.h>

void bv_challenger_init(bv_challenger *c)
{
    memset(c, 0, sizeof *c);
}

/* Absorb the pending inputs (overwrite mode), permute, refill the outputs. */
static void duplex(bv_challenger *c)
{
    memcpy(c->state, c->in, c->n_in * sizeof *c->in);
    c->n_in = 0;
    bv_poseidon_permute(c->state);
    memcpy(c->out, c->state, sizeof c->out);
    c->n_out = BV_POSEIDON_RATE;
}

void bv_challenger_observe(bv_challenger *c, gl_t x)
{
    /* buffered outputs would not reflect this input */
    c->n_out = 0;
    c->in[c->n_in++] = x;
    if (c->n_in == BV_POSEIDON_RATE)
        duplex(c);
}

void bv_challenger_observe_many(bv_challenger *c, const gl_t *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bv_challenger_observe(c, x[i]);
}

void bv_challenger_observe_ext(bv_challenger *c, gl_ext x)
{
    bv_challenger_observe(c, x.c0);
    bv_challenger_observe(c, x.c1);
}

void bv_challenger_observe_ext_many(bv_challenger *c, const gl_ext *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bv_challenger_observe_ext(c, x[i]);
}

void bv_challenger_observe_hash(bv_challenger *c, bv_hash h)
{
    bv_challenger_observe_many(c, h.e, 4);
}

void bv_challenger_observe_cap(bv_challenger *c, const bv_hash *cap, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bv_challenger_observe_hash(c, cap[i]);
}

gl_t bv_challenger_get(bv_challenger *c)
{
    if (c->n_in > 0 || c->n_out == 0)
        duplex(c);
    return c->out[--c->n_out];
}

void bv_challenger_get_many(bv_challenger *c, gl_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = bv_challenger_get(c);
}

gl_ext bv_challenger_get_ext(bv_challenger *c)
{
    gl_t c0 = bv_challenger_get(c);
    gl_t c1 = bv_challenger_get(c);
    return gl_ext_make(c0, c1);
}

bv_hash bv_challenger_get_hash(bv_challenger *c)
{
    bv_hash h;
    for (int i = 0; i < 4; i++)
        h.e[i] = bv_challenger_get(c);
    return h;
}

void bv_challenger_state_with(const bv_challenger *c, gl_t x, gl_t state[BV_POSEIDON_WIDTH],
                              unsigned *lane_of_x)
{
    memcpy(state, c->state, sizeof c->state);
    memcpy(state, c->in, c->n_in * sizeof *c->in);
    state[c->n_in] = x;
    *lane_of_x = c->n_in;
}
