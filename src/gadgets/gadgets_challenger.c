/*
 * gadgets_challenger.c - the Fiat-Shamir challenger on targets: the same
 * duplex sponge as bv_challenger (challenger.h), each permutation one
 * PoseidonGate row, so a circuit replaying a transcript draws exactly the
 * native challenges.
 */
#include <string.h>

#include "balverify/gadgets.h"

void bv_gadget_challenger_init(bv_circuit *c, bv_circuit_challenger *ch)
{
    memset(ch, 0, sizeof *ch);
    bv_target zero = bv_circuit_zero(c);
    for (int i = 0; i < BV_POSEIDON_WIDTH; i++)
        ch->state[i] = zero;
}

/* Overwrite lanes 0..n_in with the pending inputs, permute, refill outputs. */
static void duplex(bv_circuit *c, bv_circuit_challenger *ch)
{
    for (unsigned i = 0; i < ch->n_in; i++)
        ch->state[i] = ch->in[i];
    ch->n_in = 0;
    bv_gadget_poseidon_permute(c, ch->state, NULL, ch->state);
    memcpy(ch->out, ch->state, sizeof ch->out);
    ch->n_out = BV_POSEIDON_RATE;
}

void bv_gadget_challenger_observe(bv_circuit *c, bv_circuit_challenger *ch, bv_target x)
{
    ch->n_out = 0; /* buffered outputs would not reflect this input */
    ch->in[ch->n_in++] = x;
    if (ch->n_in == BV_POSEIDON_RATE)
        duplex(c, ch);
}

void bv_gadget_challenger_observe_many(bv_circuit *c, bv_circuit_challenger *ch, const bv_target *x,
                                       size_t n)
{
    for (size_t i = 0; i < n; i++)
        bv_gadget_challenger_observe(c, ch, x[i]);
}

void bv_gadget_challenger_observe_ext(bv_circuit *c, bv_circuit_challenger *ch, bv_ext_target x)
{
    bv_gadget_challenger_observe(c, ch, x.c0);
    bv_gadget_challenger_observe(c, ch, x.c1);
}

void bv_gadget_challenger_observe_hash(bv_circuit *c, bv_circuit_challenger *ch, bv_hash_target h)
{
    bv_gadget_challenger_observe_many(c, ch, h.e, 4);
}

void bv_gadget_challenger_observe_cap(bv_circuit *c, bv_circuit_challenger *ch,
                                      const bv_hash_target *cap, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bv_gadget_challenger_observe_hash(c, ch, cap[i]);
}

bv_target bv_gadget_challenger_get(bv_circuit *c, bv_circuit_challenger *ch)
{
    if (ch->n_in > 0 || ch->n_out == 0)
        duplex(c, ch);
    return ch->out[--ch->n_out];
}

void bv_gadget_challenger_get_many(bv_circuit *c, bv_circuit_challenger *ch, bv_target *out,
                                   size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = bv_gadget_challenger_get(c, ch);
}

bv_ext_target bv_gadget_challenger_get_ext(bv_circuit *c, bv_circuit_challenger *ch)
{
    bv_ext_target e;
    e.c0 = bv_gadget_challenger_get(c, ch);
    e.c1 = bv_gadget_challenger_get(c, ch);
    return e;
}

bv_hash_target bv_gadget_challenger_get_hash(bv_circuit *c, bv_circuit_challenger *ch)
{
    bv_hash_target h;
    bv_gadget_challenger_get_many(c, ch, h.e, 4);
    return h;
}
