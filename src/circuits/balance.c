/*
 * balance.c - the balance-verification circuits (include/balverify/balance.h).
 *
 * Level 0 is built from the Validator gadget (gadgets_validator.h) for the
 * Poseidon commitments, the integer gadgets (gadgets_int.h) for the u64
 * balances, epochs, sums and counters, and one SSZ pair hash for the two
 * balance chunks. Levels 1..37 are 2-to-1 aggregators (recursion.h) whose
 * combine step adds, hashes and checks as balance.h says. A loaded circuit
 * recovers its input targets by replaying the builder calls on a scratch
 * builder (circuits_internal.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/balance.h"
#include "balverify/circuit_dir.h"
#include "balverify/commitment.h"
#include "balverify/gadgets.h"
#include "balverify/gadgets_int.h"
#include "balverify/gadgets_sha256.h"
#include "balverify/gadgets_validator.h"
#include "balverify/prover.h"
#include "balverify/sha256.h"
#include "balverify/util_bytes.h"
#include "balverify/witness.h"
#include "circuits/circuits_internal.h"

#define NV BV_BAL_LEAF_VALIDATORS

/* Offsets of the public inputs for N credentials. */
enum { PI_TOTAL = 0, PI_ROOT = 2, PI_CRED = 10 };
static uint32_t pi_commit(uint32_t n)
{
    return PI_CRED + 8 * n;
}
static uint32_t pi_epoch(uint32_t n)
{
    return pi_commit(n) + 4;
}
static uint32_t pi_counter(uint32_t n, uint32_t k) /* non_activated, active, exited, slashed */
{
    return pi_epoch(n) + 2 + 2 * k;
}

typedef struct {
    bv_validator_target v[NV];
    bv_target is_real[NV];
    bv_target chunks[2][8];
    bv_target cred[BV_BAL_MAX_CREDENTIALS][8];
    bv_u64_target epoch;
} leaf_targets;

struct bv_bal_level {
    uint32_t level, ncred, rows;
    bv_circuit_data *data; /* leaf */
    leaf_targets *leaf;    /* leaf */
    bv_rec_aggregator agg; /* node */
};

void bv_bal_circuit_name(uint32_t level, char *buf, size_t cap)
{
    snprintf(buf, cap, "balance_verification_%u", level);
}

uint32_t bv_bal_level_index(const bv_bal_level *l)
{
    return l->level;
}
uint32_t bv_bal_level_credentials(const bv_bal_level *l)
{
    return l->ncred;
}
const bv_circuit_data *bv_bal_level_data(const bv_bal_level *l)
{
    return l->level == 0 ? l->data : l->agg.data;
}
uint32_t bv_bal_level_rows(const bv_bal_level *l)
{
    return l->rows;
}

void bv_bal_level_free(bv_bal_level *l)
{
    if (!l)
        return;
    if (l->data)
        bv_circuit_data_free(l->data);
    free(l->leaf);
    bv_rec_aggregator_free(&l->agg);
    free(l);
}

static void register_u64(bv_circuit *c, bv_u64_target x)
{
    bv_circuit_register_public_input(c, x.lo);
    bv_circuit_register_public_input(c, x.hi);
}

/* A counter of at most 8 bits as a u64 (the sum of bits is below 2^32). */
static bv_u64_target count_bits(bv_circuit *c, const bv_target *bits, size_t n)
{
    bv_u64_target r = {bv_gadget_sum(c, bits, n), bv_circuit_zero(c)};
    return r;
}

/* ---- level 0 ---- */

static void leaf_define(bv_circuit *c, uint32_t ncred, leaf_targets *t)
{
    for (int j = 0; j < NV; j++) {
        bv_gadget_validator_virtual(c, &t->v[j]);
        t->is_real[j] = bv_gadget_bit(c, bv_circuit_add_virtual(c));
    }
    for (int k = 0; k < 2; k++)
        bv_circuit_add_virtuals(c, t->chunks[k], 8); /* range checked by the pair hash */
    for (uint32_t k = 0; k < ncred; k++)
        for (int i = 0; i < 8; i++)
            t->cred[k][i] = bv_gadget_u32_virtual(c);
    t->epoch = bv_gadget_u64_virtual(c);

    bv_target root[8];
    bv_gadget_sha256_pair(c, t->chunks[0], t->chunks[1], root);

    bv_hash_target zero_h;
    for (int i = 0; i < 4; i++)
        zero_h.e[i] = bv_circuit_zero(c);
    bv_hash_target leaf[NV];
    bv_u64_target total = bv_gadget_u64_constant(c, 0), zero64 = total;
    bv_target cnt[4][NV];
    for (int j = 0; j < NV; j++) {
        const bv_validator_target *v = &t->v[j];
        leaf[j] = bv_gadget_select_hash(c, t->is_real[j], bv_gadget_validator_hpos(c, v), zero_h);
        bv_target match = bv_circuit_zero(c);
        for (uint32_t k = 0; k < ncred; k++)
            match = bv_gadget_or(
                c, match, bv_gadget_words_equal(c, v->withdrawal_credentials, t->cred[k], 8));
        bv_target eff = bv_gadget_and(c, match, t->is_real[j]);
        bv_u64_target bal = bv_gadget_u64_from_words(c, &t->chunks[j / 4][2 * (j % 4)]);
        bv_target activated = bv_gadget_u64_le(c, v->activation_epoch, t->epoch);
        bv_target not_exited = bv_gadget_u64_lt(c, t->epoch, v->exit_epoch);
        bv_target active = bv_gadget_and(c, activated, not_exited);
        cnt[0][j] = bv_gadget_and(c, eff, bv_gadget_not(c, activated));
        cnt[1][j] = bv_gadget_and(c, eff, active);
        cnt[2][j] = bv_gadget_and(c, eff, bv_gadget_not(c, not_exited));
        cnt[3][j] = bv_gadget_and(c, eff, v->slashed);
        total = bv_gadget_u64_add(c, total, bv_gadget_u64_select(c, cnt[1][j], bal, zero64));
    }
    bv_hash_target commit =
        bv_gadget_two_to_one(c,
                             bv_gadget_two_to_one(c, bv_gadget_two_to_one(c, leaf[0], leaf[1]),
                                                  bv_gadget_two_to_one(c, leaf[2], leaf[3])),
                             bv_gadget_two_to_one(c, bv_gadget_two_to_one(c, leaf[4], leaf[5]),
                                                  bv_gadget_two_to_one(c, leaf[6], leaf[7])));

    register_u64(c, total);
    bv_circuit_register_public_inputs(c, root, 8);
    for (uint32_t k = 0; k < ncred; k++)
        bv_circuit_register_public_inputs(c, t->cred[k], 8);
    bv_circuit_register_public_inputs(c, commit.e, 4);
    register_u64(c, t->epoch);
    for (int k = 0; k < 4; k++)
        register_u64(c, count_bits(c, cnt[k], NV));
}

static bv_err leaf_targets_of(const bv_plonk_config *cfg, uint32_t ncred, leaf_targets **out,
                              bv_status *st)
{
    *out = calloc(1, sizeof **out);
    bv_circuit *c = bv_circuit_new(cfg);
    if (!*out || !c) {
        free(*out);
        *out = NULL;
        bv_circuit_free(c);
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    }
    leaf_define(c, ncred, *out);
    bv_circuit_free(c);
    return BV_OK;
}

/* ---- levels 1..37 ---- */

static void node_combine(bv_circuit *c, const bv_target *l, const bv_target *r, uint32_t n,
                         void *ctx)
{
    uint32_t ncred = *(const uint32_t *)ctx;
    if (n != bv_bal_num_public_inputs(ncred)) {
        bv_circuit_fail(c, BV_ERR_ARG, "balance node: child has %u public inputs, not %u", n,
                        bv_bal_num_public_inputs(ncred));
        return;
    }
    bv_u64_target lt = {l[PI_TOTAL], l[PI_TOTAL + 1]}, rt = {r[PI_TOTAL], r[PI_TOTAL + 1]};
    register_u64(c, bv_gadget_u64_add(c, lt, rt));
    bv_target root[8];
    bv_gadget_sha256_pair(c, l + PI_ROOT, r + PI_ROOT, root);
    bv_circuit_register_public_inputs(c, root, 8);
    for (uint32_t i = 0; i < 8 * ncred; i++)
        bv_circuit_connect(c, l[PI_CRED + i], r[PI_CRED + i]);
    bv_circuit_register_public_inputs(c, l + PI_CRED, 8 * ncred);
    bv_hash_target lc, rc;
    for (int i = 0; i < 4; i++) {
        lc.e[i] = l[pi_commit(ncred) + i];
        rc.e[i] = r[pi_commit(ncred) + i];
    }
    bv_circuit_register_public_inputs(c, bv_gadget_two_to_one(c, lc, rc).e, 4);
    for (int i = 0; i < 2; i++)
        bv_circuit_connect(c, l[pi_epoch(ncred) + i], r[pi_epoch(ncred) + i]);
    bv_circuit_register_public_inputs(c, l + pi_epoch(ncred), 2);
    for (uint32_t k = 0; k < 4; k++) {
        uint32_t o = pi_counter(ncred, k);
        bv_u64_target a = {l[o], l[o + 1]}, b = {r[o], r[o + 1]};
        register_u64(c, bv_gadget_u64_add(c, a, b));
    }
}

bv_err bv_bal_level_build(const bv_plonk_config *cfg, uint32_t ncred, uint32_t level,
                          const bv_bal_level *child, bv_bal_level **out, bv_status *st)
{
    *out = NULL;
    if (ncred < 1 || ncred > BV_BAL_MAX_CREDENTIALS)
        return bv_fail(st, BV_ERR_ARG, "balance circuits: %u credentials (1..%u)", ncred,
                       BV_BAL_MAX_CREDENTIALS);
    if (level > BV_BAL_TOP_LEVEL || (level == 0) != (child == NULL) ||
        (child && (child->level + 1 != level || child->ncred != ncred)))
        return bv_fail(st, BV_ERR_ARG, "balance circuits: cannot build level %u from %s", level,
                       child ? "that child level" : "no child");
    bv_bal_level *l = calloc(1, sizeof *l);
    if (!l)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    l->level = level;
    l->ncred = ncred;
    bv_err e;
    if (level == 0) {
        bv_circuit *c = bv_circuit_new(cfg);
        l->leaf = calloc(1, sizeof *l->leaf);
        if (!c || !l->leaf) {
            bv_circuit_free(c);
            bv_bal_level_free(l);
            return bv_fail(st, BV_ERR_NOMEM, "out of memory");
        }
        leaf_define(c, ncred, l->leaf);
        l->rows = bv_circuit_num_rows(c);
        e = bv_circuit_build(c, &l->data, st);
        bv_circuit_free(c);
    } else {
        const bv_circuit_data *cd = bv_bal_level_data(child);
        e = bv_rec_aggregator_build(cfg, bv_circuit_data_verifier(cd), bv_circuit_data_common(cd),
                                    node_combine, &l->ncred, &l->agg, st);
        l->rows = l->agg.rows_before_padding;
    }
    if (e != BV_OK) {
        bv_bal_level_free(l);
        return bv_fail_ctx(st, "building balance verification level %u", level);
    }
    *out = l;
    return BV_OK;
}

bv_err bv_bal_level_save(const bv_bal_level *l, const char *dir, bv_status *st)
{
    char name[64];
    bv_bal_circuit_name(l->level, name, sizeof name);
    return bv_circuit_dir_save(dir, name, bv_bal_level_data(l), st);
}

bv_err bv_bal_level_load(const char *dir, uint32_t ncred, uint32_t level,
                         const bv_plonk_config *cfg, bv_bal_level **out, bv_status *st)
{
    *out = NULL;
    if (level > BV_BAL_TOP_LEVEL || ncred < 1 || ncred > BV_BAL_MAX_CREDENTIALS)
        return bv_fail(st, BV_ERR_ARG,
                       "balance verification level %u / %u credentials out of range", level, ncred);
    bv_bal_level *l = calloc(1, sizeof *l);
    if (!l)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    l->level = level;
    l->ncred = ncred;
    char name[64];
    bv_bal_circuit_name(level, name, sizeof name);
    bv_err e;
    if (level == 0) {
        e = bv_circuit_dir_load(dir, name, cfg, &l->data, st);
    } else {
        char child[64];
        bv_bal_circuit_name(level - 1, child, sizeof child);
        e = bv_circuits_load_node(dir, name, child, cfg, &l->agg, st);
    }
    if (e == BV_OK) {
        uint32_t have = bv_circuit_data_common(bv_bal_level_data(l))->num_public_inputs;
        if (have != bv_bal_num_public_inputs(ncred))
            e = bv_fail(st, BV_ERR_ARG,
                        "%s/%s.circuit has %u public inputs: it is not a balance circuit for %u "
                        "credential%s (one circuits directory holds one credential count)",
                        dir, name, have, ncred, ncred == 1 ? "" : "s");
    }
    if (e == BV_OK && level == 0)
        e = leaf_targets_of(cfg, ncred, &l->leaf, st);
    if (e != BV_OK) {
        bv_bal_level_free(l);
        return e;
    }
    *out = l;
    return BV_OK;
}

/* ---- proving ---- */

static size_t set_words(bv_target *t, gl_t *v, const bv_target *tw, const uint8_t *bytes,
                        size_t nwords)
{
    for (size_t i = 0; i < nwords; i++) {
        t[i] = tw[i];
        v[i] = bv_be32(bytes + 4 * i);
    }
    return nwords;
}

bv_err bv_bal_prove_leaf(const bv_bal_level *leaf, const bv_bal_leaf_input *in, bv_proof *out,
                         bv_status *st)
{
    if (leaf->level != 0)
        return bv_fail(st, BV_ERR_ARG, "balance verification: level %u is not the leaf level",
                       leaf->level);
    if (in->num_credentials != leaf->ncred)
        return bv_fail(st, BV_ERR_ARG, "balance leaf: %u credentials given, the circuit takes %u",
                       in->num_credentials, leaf->ncred);
    const leaf_targets *lt = leaf->leaf;
    enum { MAXIN = NV * (BV_VALIDATOR_TARGET_INPUTS + 1) + 16 + 8 * BV_BAL_MAX_CREDENTIALS + 2 };
    bv_target t[MAXIN];
    gl_t v[MAXIN];
    size_t n = 0;
    for (int j = 0; j < NV; j++) {
        uint8_t rec[BV_VALIDATOR_SIZE];
        bv_validator_encode(rec, &in->validators[j]);
        n += bv_validator_target_inputs(&lt->v[j], rec, t + n, v + n);
        t[n] = lt->is_real[j];
        v[n++] = in->is_real[j] ? 1 : 0;
    }
    for (int k = 0; k < 2; k++)
        n += set_words(t + n, v + n, lt->chunks[k], in->balances[k], 8);
    for (uint32_t k = 0; k < leaf->ncred; k++)
        n += set_words(t + n, v + n, lt->cred[k], in->credentials[k], 8);
    bv_u64_target_values(lt->epoch, in->epoch, t + n, v + n);
    n += 2;
    bv_witness *w = bv_witness_new(leaf->data);
    if (!w)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    bv_err e = bv_witness_set_many(w, t, v, n, st);
    if (e == BV_OK)
        e = bv_witness_generate(w, 1, st);
    if (e == BV_OK)
        e = bv_prove(leaf->data, w, out, NULL, st);
    bv_witness_free(w);
    return e;
}

bv_err bv_bal_prove_node(const bv_bal_level *node, const bv_proof *left, const bv_proof *right,
                         bv_proof *out, bv_status *st)
{
    if (node->level == 0)
        return bv_fail(st, BV_ERR_ARG, "balance verification: level 0 is not a node level");
    return bv_rec_aggregator_prove(&node->agg, left, right, out, st);
}

bv_err bv_bal_statement_of(const bv_proof *p, uint32_t ncred, bv_bal_statement *out, bv_status *st)
{
    memset(out, 0, sizeof *out);
    if (ncred < 1 || ncred > BV_BAL_MAX_CREDENTIALS ||
        p->num_public_inputs != bv_bal_num_public_inputs(ncred))
        return bv_fail(st, BV_ERR_FORMAT,
                       "not a balance proof for %u credentials: %u public inputs", ncred,
                       p->num_public_inputs);
    const gl_t *pi = p->public_inputs;
    out->num_credentials = ncred;
    bv_err e = bv_circuits_u64_of(pi + PI_TOTAL, &out->total, "balance proof total", st);
    if (e == BV_OK)
        e = bv_circuits_words_to_bytes(pi + PI_ROOT, out->balances_root, "balances root", st);
    for (uint32_t k = 0; e == BV_OK && k < ncred; k++)
        e = bv_circuits_words_to_bytes(pi + PI_CRED + 8 * k, out->credentials[k], "credentials",
                                       st);
    for (int i = 0; i < 4; i++)
        out->commitment.e[i] = pi[pi_commit(ncred) + i];
    if (e == BV_OK)
        e = bv_circuits_u64_of(pi + pi_epoch(ncred), &out->epoch, "epoch", st);
    uint64_t *cnt[4] = {&out->non_activated, &out->active, &out->exited, &out->slashed};
    for (uint32_t k = 0; e == BV_OK && k < 4; k++)
        e = bv_circuits_u64_of(pi + pi_counter(ncred, k), cnt[k], "counter", st);
    return e;
}

/* ---- native references ---- */

bv_err bv_bal_leaf_native(const bv_bal_leaf_input *in, bv_bal_statement *out, bv_status *st)
{
    memset(out, 0, sizeof *out);
    out->num_credentials = in->num_credentials;
    memcpy(out->credentials, in->credentials, sizeof out->credentials);
    out->epoch = in->epoch;
    bv_sha256_pair(out->balances_root, in->balances[0], in->balances[1]);
    bv_hash h[NV];
    for (int j = 0; j < NV; j++) {
        const bv_validator *v = &in->validators[j];
        memset(&h[j], 0, sizeof h[j]);
        if (!in->is_real[j])
            continue;
        uint8_t rec[BV_VALIDATOR_SIZE];
        bv_validator_encode(rec, v);
        h[j] = bv_commit_validator(rec);
        int match = 0;
        for (uint32_t k = 0; k < in->num_credentials; k++)
            match |= memcmp(v->withdrawal_credentials, in->credentials[k], 32) == 0;
        if (!match)
            continue;
        uint64_t bal = bv_le64(in->balances[j / 4] + 8 * (j % 4));
        if (v->activation_epoch > in->epoch)
            out->non_activated++;
        else if (in->epoch < v->exit_epoch) {
            out->active++;
            if (bal > UINT64_MAX - out->total)
                return bv_fail(st, BV_ERR_VERIFY, "balance leaf: the sum overflows 64 bits");
            out->total += bal;
        } else
            out->exited++;
        out->slashed += v->slashed ? 1 : 0;
    }
    bv_hash a0 = bv_poseidon_two_to_one(h[0], h[1]), a1 = bv_poseidon_two_to_one(h[2], h[3]);
    bv_hash a2 = bv_poseidon_two_to_one(h[4], h[5]), a3 = bv_poseidon_two_to_one(h[6], h[7]);
    out->commitment =
        bv_poseidon_two_to_one(bv_poseidon_two_to_one(a0, a1), bv_poseidon_two_to_one(a2, a3));
    return BV_OK;
}

bv_err bv_bal_node_native(const bv_bal_statement *l, const bv_bal_statement *r,
                          bv_bal_statement *out, bv_status *st)
{
    if (l->num_credentials != r->num_credentials ||
        memcmp(l->credentials, r->credentials, sizeof l->credentials) != 0)
        return bv_fail(st, BV_ERR_VERIFY, "balance node: children disagree on credentials");
    if (l->epoch != r->epoch)
        return bv_fail(st, BV_ERR_VERIFY, "balance node: children disagree on the epoch");
    *out = *l;
    const uint64_t *a[5] = {&l->total, &l->non_activated, &l->active, &l->exited, &l->slashed};
    const uint64_t *b[5] = {&r->total, &r->non_activated, &r->active, &r->exited, &r->slashed};
    uint64_t *o[5] = {&out->total, &out->non_activated, &out->active, &out->exited, &out->slashed};
    for (int i = 0; i < 5; i++) {
        if (*a[i] > UINT64_MAX - *b[i])
            return bv_fail(st, BV_ERR_VERIFY, "balance node: %s overflows 64 bits",
                           i ? "a counter" : "the sum");
        *o[i] = *a[i] + *b[i];
    }
    bv_sha256_pair(out->balances_root, l->balances_root, r->balances_root);
    out->commitment = bv_poseidon_two_to_one(l->commitment, r->commitment);
    return BV_OK;
}
