/*
 * sha256.c - SHA-256 in a circuit (include/balverify/gadgets_sha256.h).
 *
 * Indexing follows FIPS 180-4 with the working variables written as two
 * sequences: a_t (a_0..a_-3 = state a, b, c, d) and e_t (e_0..e_-3 = e, f, g,
 * h); round t produces a_{t+1} and e_{t+1}, and uses b = a_{t-1}, c = a_{t-2},
 * d = a_{t-3} (likewise f, g, h). Rounds go in pairs: one Sha256Round2(MAJ)
 * row decomposes a_{t-2}..a_{t+1} and gives T2_t, T2_{t+1}; one
 * Sha256Round2(CH) row does the same for e with S_r = Sigma1 + Ch + K_r (+ W_r
 * when the block is constant). Then per round two U32Add ops:
 *   e_{t+1} = d + h + S_t + W_t     (mod 2^32)
 *   a_{t+1} = h + S_t + W_t + T2_t  (mod 2^32)
 * whose outputs are range checked by the next pair's decomposition. The last
 * a_64, e_64 (and the schedule words W_62, W_63) are never decomposed: they
 * only enter additions whose outputs are range checked, and every sum is an
 * identity of small integers in the field, so each output is the sum reduced
 * mod 2^32 whatever carry the prover chose for the intermediate value
 * (docs/GATES.md).
 */
#include <string.h>

#include "balverify/gadgets.h"
#include "balverify/gadgets_sha256.h"
#include "balverify/gates.h"
#include "balverify/sha256.h"

static bv_target add_op(bv_circuit *c, const bv_target *in, size_t n)
{
    bv_gate g =
        bv_gate_u32_add(BV_STD_U32_ADD_INPUTS, BV_STD_U32_ADD_CARRY_BITS, BV_STD_U32_ADD_OPS);
    uint32_t row, op;
    bv_circuit_find_slot(c, &g, NULL, &row, &op);
    bv_target zero = bv_circuit_zero(c);
    for (uint32_t j = 0; j < BV_STD_U32_ADD_INPUTS; j++)
        bv_circuit_connect(c, bv_wire(row, bv_u32_add_wire_in(BV_STD_U32_ADD_INPUTS, op, j)),
                           j < n ? in[j] : zero);
    return bv_wire(row, bv_u32_add_wire_out(BV_STD_U32_ADD_INPUTS, op));
}

/* Decomposes x (range check) and returns sigma0(x), sigma1(x). */
static void sched_op(bv_circuit *c, bv_target x, bv_target *s0, bv_target *s1)
{
    bv_gate g = bv_gate_sha256_sched(BV_STD_SHA_SCHED_WORDS);
    uint32_t row, op;
    bv_circuit_find_slot(c, &g, NULL, &row, &op);
    bv_circuit_connect(c, bv_wire(row, bv_sha_sched_wire_word(op)), x);
    if (s0)
        *s0 = bv_wire(row, bv_sha_sched_wire_s0(op));
    if (s1)
        *s1 = bv_wire(row, bv_sha_sched_wire_s1(op));
}

void bv_gadget_u32_range(bv_circuit *c, bv_target x)
{
    sched_op(c, x, NULL, NULL);
}

bv_target bv_gadget_u32_add_mod(bv_circuit *c, const bv_target *a, size_t n)
{
    if (n < 1 || n > BV_STD_U32_ADD_INPUTS) {
        bv_circuit_fail(c, BV_ERR_ARG, "u32_add_mod: %zu inputs (1..%u)", n, BV_STD_U32_ADD_INPUTS);
        return bv_circuit_zero(c);
    }
    bv_target out = add_op(c, a, n);
    bv_gadget_u32_range(c, out);
    return out;
}

void bv_gadget_sha256_iv(bv_circuit *c, bv_target out[8])
{
    for (int i = 0; i < 8; i++)
        out[i] = bv_circuit_constant(c, bv_sha256_iv[i]);
}

/* The rounds and the final addition. w[t] are the schedule words (targets)
 * when wconst is NULL, else the constant schedule. */
static void rounds(bv_circuit *c, const bv_target state_in[8], const bv_target *w,
                   const uint32_t *wconst, bv_target out[8])
{
    bv_target state[8], a[68], e[68];
    memcpy(state, state_in, sizeof state); /* out may alias state_in */
    for (int i = 0; i < 4; i++) {
        a[3 - i] = state[i];
        e[3 - i] = state[4 + i];
    }
    bv_target zero = bv_circuit_zero(c);
    bv_gate gmaj = bv_gate_sha256_round2(BV_SHA_MAJ), gch = bv_gate_sha256_round2(BV_SHA_CH);
    for (int t = 0; t < 64; t += 2) {
        gl_t k[2];
        for (int r = 0; r < 2; r++)
            k[r] = (gl_t)bv_sha256_k[t + r] + (wconst ? wconst[t + r] : 0);
        uint32_t rm = bv_circuit_add_gate(c, &gmaj, NULL);
        uint32_t rc = bv_circuit_add_gate(c, &gch, k);
        /* X0..X2 = x_{t-2}, x_{t-1}, x_t (index t + 3 holds x_t) */
        for (int j = 0; j < 3; j++) {
            bv_circuit_connect(c, bv_wire(rm, BV_SHA_R2_WORD(j)), a[t + 1 + j]);
            bv_circuit_connect(c, bv_wire(rc, BV_SHA_R2_WORD(j)), e[t + 1 + j]);
        }
        for (int r = 0; r < 2; r++) {
            int u = t + r; /* round */
            bv_target wt = wconst ? zero : w[u];
            bv_target s = bv_wire(rc, BV_SHA_R2_OUT(r)), t2 = bv_wire(rm, BV_SHA_R2_OUT(r));
            bv_target d = a[u], h = e[u]; /* a_{u-3}, e_{u-3} */
            bv_target in_e[4] = {d, h, s, wt}, in_a[4] = {h, s, wt, t2};
            e[u + 4] = add_op(c, in_e, 4);
            a[u + 4] = add_op(c, in_a, 4);
        }
        bv_circuit_connect(c, bv_wire(rm, BV_SHA_R2_WORD(3)), a[t + 4]);
        bv_circuit_connect(c, bv_wire(rc, BV_SHA_R2_WORD(3)), e[t + 4]);
    }
    for (int i = 0; i < 4; i++) {
        bv_target in_a[2] = {state[i], a[67 - i]}, in_e[2] = {state[4 + i], e[67 - i]};
        out[i] = bv_gadget_u32_add_mod(c, in_a, 2);
        out[4 + i] = bv_gadget_u32_add_mod(c, in_e, 2);
    }
}

void bv_gadget_sha256_compress(bv_circuit *c, const bv_target state[8], const bv_target block[16],
                               bv_target out[8])
{
    bv_target w[64], s0[64], s1[64];
    for (int j = 0; j < 16; j++) {
        w[j] = block[j];
        sched_op(c, w[j], &s0[j], &s1[j]); /* W_0 only for its range check */
    }
    for (int t = 16; t < 64; t++) {
        bv_target in[4] = {s1[t - 2], w[t - 7], s0[t - 15], w[t - 16]};
        w[t] = add_op(c, in, 4);
        if (t < 62) /* W_62, W_63 feed additions only */
            sched_op(c, w[t], &s0[t], &s1[t]);
    }
    rounds(c, state, w, NULL, out);
}

void bv_gadget_sha256_compress_const(bv_circuit *c, const bv_target state[8],
                                     const uint32_t block[16], bv_target out[8])
{
    bv_sha256_trace tr;
    uint32_t ignored[8];
    static const uint32_t zero_state[8];
    bv_sha256_compress_trace(zero_state, block, ignored, &tr); /* the schedule only */
    rounds(c, state, NULL, tr.w, out);
}

void bv_gadget_sha256_words(bv_circuit *c, const bv_target *words, size_t nwords, bv_target out[8])
{
    bv_target st[8];
    bv_gadget_sha256_iv(c, st);
    size_t nblocks = (nwords + 3 + 15) / 16;
    for (size_t b = 0; b < nblocks; b++) {
        bv_target blk[16];
        uint32_t cblk[16];
        int variable = 0;
        for (size_t i = 0; i < 16; i++) {
            size_t idx = 16 * b + i;
            if (idx < nwords) {
                blk[i] = words[idx];
                variable = 1;
            } else {
                cblk[i] = bv_sha256_padded_word(NULL, nwords, idx);
                blk[i] = bv_circuit_constant(c, cblk[i]);
            }
        }
        if (variable)
            bv_gadget_sha256_compress(c, st, blk, st);
        else
            bv_gadget_sha256_compress_const(c, st, cblk, st);
    }
    memcpy(out, st, sizeof st);
}

void bv_gadget_sha256_pair(bv_circuit *c, const bv_target left[8], const bv_target right[8],
                           bv_target out[8])
{
    bv_target words[16];
    memcpy(words, left, 8 * sizeof(bv_target));
    memcpy(words + 8, right, 8 * sizeof(bv_target));
    bv_gadget_sha256_words(c, words, 16, out);
}
