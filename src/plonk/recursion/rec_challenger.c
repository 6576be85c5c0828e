/* rec_challenger.c - the Fiat-Shamir challenger on targets (PROOF_SYSTEM.md
 * 3.5). Observations are buffered; a complete chunk of 8 is absorbed at once
 * (overwrite lanes 0..8, one PoseidonGate row), and a challenge absorbs the
 * partial chunk left (overwrite lanes 0..len) or, with nothing pending and
 * the output buffer used up, permutes without input. Outputs are handed out
 * from lane 7 down, as natively. Absorbing a full chunk early yields the same
 * states as absorbing it at the next challenge, since nothing can be drawn
 * in between without absorbing it first. */
#include "balverify/recursion.h"

void bv_rec_challenger_init(bv_rec_challenger *rc, bv_circuit *c)
{
    rc->c = c;
    bv_target z = bv_gadget_zero(c);
    for (int i = 0; i < 12; i++)
        rc->state[i] = z;
    rc->n_in = rc->n_out = 0;
}

static void duplex(bv_rec_challenger *rc)
{
    for (unsigned i = 0; i < rc->n_in; i++)
        rc->state[i] = rc->in[i];
    rc->n_in = 0;
    bv_target out[12];
    bv_gadget_poseidon_permute(rc->c, rc->state, NULL, out);
    for (int i = 0; i < 12; i++)
        rc->state[i] = out[i];
    for (int i = 0; i < 8; i++)
        rc->out[i] = out[i];
    rc->n_out = 8;
}

void bv_rec_observe(bv_rec_challenger *rc, bv_target x)
{
    rc->n_out = 0;
    rc->in[rc->n_in++] = x;
    if (rc->n_in == 8)
        duplex(rc);
}

void bv_rec_observe_many(bv_rec_challenger *rc, const bv_target *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bv_rec_observe(rc, x[i]);
}

void bv_rec_observe_ext(bv_rec_challenger *rc, bv_ext_target x)
{
    bv_rec_observe(rc, x.c0);
    bv_rec_observe(rc, x.c1);
}

void bv_rec_observe_hash(bv_rec_challenger *rc, bv_hash_target h)
{
    bv_rec_observe_many(rc, h.e, 4);
}

void bv_rec_observe_cap(bv_rec_challenger *rc, const bv_hash_target *cap, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bv_rec_observe_hash(rc, cap[i]);
}

bv_target bv_rec_challenge(bv_rec_challenger *rc)
{
    if (rc->n_in > 0 || rc->n_out == 0)
        duplex(rc);
    return rc->out[--rc->n_out];
}

bv_ext_target bv_rec_challenge_ext(bv_rec_challenger *rc)
{
    bv_ext_target r;
    r.c0 = bv_rec_challenge(rc);
    r.c1 = bv_rec_challenge(rc);
    return r;
}
