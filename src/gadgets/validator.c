/*
 * validator.c - the Validator record in a circuit
 * (include/balverify/gadgets_validator.h).
 */
#include "balverify/gadgets_validator.h"

#include "balverify/gadgets_sha256.h"
#include "balverify/gadgets_ssz.h"
#include "balverify/util_bytes.h"
#include "balverify/witness.h"

/* SSZ record offsets of the five uint64 fields, in bv_validator_target order. */
static const size_t u64_off[5] = {80, 89, 97, 105, 113};

static bv_u64_target u64_field_c(const bv_validator_target *v, int k)
{
    switch (k) {
    case 0:
        return v->effective_balance;
    case 1:
        return v->activation_eligibility_epoch;
    case 2:
        return v->activation_epoch;
    case 3:
        return v->exit_epoch;
    default:
        return v->withdrawable_epoch;
    }
}

void bv_gadget_validator_from_fields(bv_circuit *c, bv_validator_target *v,
                                     const bv_target pubkey[12], const bv_target wc[8],
                                     bv_target eb_lo, bv_target eb_hi, bv_target slashed,
                                     const bv_target epochs_lo[4], const bv_target epochs_hi[4])
{
    for (int j = 0; j < 12; j++) {
        v->pubkey[j] = pubkey[j];
        bv_gadget_word_to_bits_be(c, pubkey[j], v->pubkey_bits + 32 * j);
    }
    for (int j = 0; j < 8; j++) {
        v->withdrawal_credentials[j] = wc[j];
        bv_gadget_word_to_bits_be(c, wc[j], v->wc_bits + 32 * j);
    }
    v->effective_balance = bv_gadget_u64_from_limbs(c, eb_lo, eb_hi);
    v->activation_eligibility_epoch = bv_gadget_u64_from_limbs(c, epochs_lo[0], epochs_hi[0]);
    v->activation_epoch = bv_gadget_u64_from_limbs(c, epochs_lo[1], epochs_hi[1]);
    v->exit_epoch = bv_gadget_u64_from_limbs(c, epochs_lo[2], epochs_hi[2]);
    v->withdrawable_epoch = bv_gadget_u64_from_limbs(c, epochs_lo[3], epochs_hi[3]);
    v->slashed = bv_gadget_bit(c, slashed);
}

void bv_gadget_validator_virtual(bv_circuit *c, bv_validator_target *v)
{
    bv_target pk[12], wc[8], lo[4], hi[4], eb[2], s;
    bv_circuit_add_virtuals(c, pk, 12);
    bv_circuit_add_virtuals(c, wc, 8);
    bv_circuit_add_virtuals(c, eb, 2);
    bv_circuit_add_virtuals(c, lo, 4);
    bv_circuit_add_virtuals(c, hi, 4);
    s = bv_circuit_add_virtual(c);
    bv_gadget_validator_from_fields(c, v, pk, wc, eb[0], eb[1], s, lo, hi);
}

size_t bv_validator_target_inputs(const bv_validator_target *v, const uint8_t rec[121],
                                  bv_target *t, gl_t *val)
{
    size_t n = 0;
    for (int j = 0; j < 12; j++) {
        t[n] = v->pubkey[j];
        val[n++] = bv_be32(rec + 4 * j);
    }
    for (int j = 0; j < 8; j++) {
        t[n] = v->withdrawal_credentials[j];
        val[n++] = bv_be32(rec + 48 + 4 * j);
    }
    for (int k = 0; k < 5; k++) {
        bv_u64_target_values(u64_field_c(v, k), bv_le64(rec + u64_off[k]), t + n, val + n);
        n += 2;
    }
    t[n] = v->slashed;
    val[n++] = rec[88];
    return n;
}

bv_err bv_validator_target_set(bv_witness *w, const bv_validator_target *v, const uint8_t rec[121],
                               bv_status *st)
{
    bv_target t[BV_VALIDATOR_TARGET_INPUTS];
    gl_t val[BV_VALIDATOR_TARGET_INPUTS];
    size_t n = bv_validator_target_inputs(v, rec, t, val);
    return bv_witness_set_many(w, t, val, n, st);
}

void bv_gadget_validator_ssz_leaves(bv_circuit *c, const bv_validator_target *v,
                                    bv_target leaves[8][8])
{
    bv_gadget_ssz_bytes48_root(c, v->pubkey, leaves[0]);
    for (int j = 0; j < 8; j++)
        leaves[1][j] = v->withdrawal_credentials[j];
    bv_gadget_ssz_leaf64(c, v->effective_balance, leaves[2]);
    bv_gadget_ssz_bool_chunk(c, v->slashed, leaves[3]);
    for (int k = 0; k < 4; k++)
        bv_gadget_ssz_leaf64(c, u64_field_c(v, 1 + k), leaves[4 + k]);
}

void bv_gadget_validator_ssz_root(bv_circuit *c, const bv_validator_target *v, bv_target out[8])
{
    bv_target n[8][8];
    bv_gadget_validator_ssz_leaves(c, v, n);
    for (int width = 8; width > 1; width /= 2)
        for (int i = 0; i < width / 2; i++)
            bv_gadget_sha256_pair(c, n[2 * i], n[2 * i + 1], n[i]);
    for (int j = 0; j < 8; j++)
        out[j] = n[0][j];
}

static bv_hash_target hash_u64(bv_circuit *c, bv_u64_target x)
{
    bv_target limbs[2] = {x.lo, x.hi};
    return bv_gadget_hash_n_to_hash_no_pad(c, limbs, 2);
}

bv_hash_target bv_gadget_validator_hpos(bv_circuit *c, const bv_validator_target *v)
{
    bv_hash_target l[8];
    l[0] = bv_gadget_hash_n_to_hash_no_pad(c, v->pubkey_bits, 384);
    l[1] = bv_gadget_hash_n_to_hash_no_pad(c, v->wc_bits, 256);
    l[2] = hash_u64(c, v->effective_balance);
    l[3] = bv_gadget_hash_n_to_hash_no_pad(c, &v->slashed, 1);
    for (int k = 0; k < 4; k++)
        l[4 + k] = hash_u64(c, u64_field_c(v, 1 + k));
    for (int width = 8; width > 1; width /= 2)
        for (int i = 0; i < width / 2; i++)
            l[i] = bv_gadget_two_to_one(c, l[2 * i], l[2 * i + 1]);
    return l[0];
}

void bv_gadget_validator_commit(bv_circuit *c, const bv_validator_target *v,
                                const bv_target *is_zero, bv_target ssz_root[8],
                                bv_hash_target *hpos)
{
    bv_target keep = bv_circuit_one(c);
    if (is_zero)
        keep = bv_gadget_not(c, bv_gadget_bit(c, *is_zero));
    if (ssz_root) {
        bv_gadget_validator_ssz_root(c, v, ssz_root);
        if (is_zero)
            for (int j = 0; j < 8; j++)
                ssz_root[j] = bv_gadget_mul(c, keep, ssz_root[j]);
    }
    if (hpos) {
        *hpos = bv_gadget_validator_hpos(c, v);
        if (is_zero)
            for (int j = 0; j < 4; j++)
                hpos->e[j] = bv_gadget_mul(c, keep, hpos->e[j]);
    }
}
