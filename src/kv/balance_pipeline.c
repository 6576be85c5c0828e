/* balance_pipeline.c - see include/balverify/balance_pipeline.h */
#include "balverify/balance_pipeline.h"
#include "balverify/util_hex.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/circuit_dir.h"
#include "balverify/serialize.h"
#include "balverify/ssz.h"
#include "balverify/verifier.h"

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

bv_err bv_pipeline_circuit_credentials(const char *dir, const char *name,
                                       const bv_plonk_config *cfg, uint32_t *ncred, bv_status *st)
{
    bv_verifier_data vd;
    bv_common_data cd;
    bv_err e = bv_circuit_dir_load_verifier(dir, name, cfg, &vd, &cd, st);
    if (e)
        return e;
    uint32_t n = cd.num_public_inputs;
    bv_common_data_release(&cd);
    uint32_t base = has_prefix(name, "final_layer_d") ? 36 : 24;
    if (n < base + 8 || (n - base) % 8 || (n - base) / 8 > BV_BAL_MAX_CREDENTIALS)
        return bv_fail(st, BV_ERR_FORMAT,
                       "%s/%s.circuit: %u public inputs fit no credential count 1..%d", dir, name,
                       n, BV_BAL_MAX_CREDENTIALS);
    *ncred = (n - base) / 8;
    return BV_OK;
}

bv_err bv_pipeline_dir_check(const char *dir, const bv_plonk_config *cfg, uint32_t want_ncred,
                             uint32_t *ncred, bv_status *st)
{
    if (ncred)
        *ncred = 0;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? BV_OK
                               : bv_fail(st, BV_ERR_IO, "cannot read circuits directory %s: %s",
                                         dir, strerror(errno));
    bv_err e = BV_OK;
    uint32_t found = 0;
    char first[256] = "";
    struct dirent *de;
    while (e == BV_OK && (de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n <= 8 || n >= 200 || de->d_name[0] == '.' ||
            strcmp(de->d_name + n - 8, ".circuit") != 0)
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(n - 8), de->d_name);
        bv_verifier_data vd;
        bv_common_data cd;
        bv_status lst;
        bv_status_clear(&lst);
        bv_err le = bv_circuit_dir_load_verifier(dir, name, cfg, &vd, &cd, &lst);
        if (le == BV_ERR_ARG) { /* another configuration */
            e = bv_fail(st, le, "%s", lst.msg);
            break;
        }
        if (le != BV_OK) /* unreadable or damaged: the loader names it when it is needed */
            continue;
        bv_common_data_release(&cd);
        if (!has_prefix(name, "balance_verification_") && !has_prefix(name, "final_layer_d"))
            continue;
        uint32_t k;
        if ((e = bv_pipeline_circuit_credentials(dir, name, cfg, &k, st)))
            break;
        if (want_ncred && k != want_ncred)
            e = bv_fail(st, BV_ERR_ARG,
                        "%s/%s.circuit is for %u credential(s), not %u: one circuits directory "
                        "holds one credential count",
                        dir, name, k, want_ncred);
        else if (found && k != found)
            e = bv_fail(st, BV_ERR_ARG,
                        "%s/%s.circuit is for %u credential(s) but %s/%s.circuit for %u: one "
                        "circuits directory holds one credential count",
                        dir, name, k, dir, first, found);
        if (!found) {
            found = k;
            snprintf(first, sizeof first, "%s", name);
        }
    }
    closedir(d);
    if (e == BV_OK && ncred)
        *ncred = found;
    return e;
}

bv_err bv_pipeline_store_proof(bv_proof_store *s, const char *key, const bv_proof *p,
                               const bv_circuit_data *d, bv_status *st)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    bv_err e = bv_proof_serialize(p, &bv_circuit_data_verifier(d)->circuit_digest, &buf, &len, st);
    if (e == BV_OK)
        e = bv_store_put(s, key, buf, len, st);
    free(buf);
    if (e)
        bv_fail_ctx(st, "saving proof %s", key);
    return e;
}

bv_err bv_pipeline_load_proof_vd(bv_proof_store *s, const char *key, const bv_verifier_data *vd,
                                 const bv_common_data *cd, bv_proof *out, bv_status *st)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    bv_err e = bv_store_get(s, key, &buf, &len, st);
    if (e)
        return e;
    bv_hash digest;
    e = bv_proof_file_digest(buf, len, &digest, st);
    if (e == BV_OK && !bv_hash_eq(digest, vd->circuit_digest))
        e = bv_fail(st, BV_ERR_VERIFY, "proof %s was made for another circuit", key);
    if (e == BV_OK) {
        e = bv_proof_deserialize(cd, buf, len, out, &digest, st);
        if (e)
            bv_fail_ctx(st, "proof %s", key);
    }
    free(buf);
    if (e)
        return e;
    e = bv_verify(vd, cd, out, st);
    if (e) {
        bv_proof_free(out);
        return bv_fail_ctx(st, "proof %s rejected", key);
    }
    return BV_OK;
}

bv_err bv_pipeline_load_proof(bv_proof_store *s, const char *key, const bv_circuit_data *d,
                              bv_proof *out, bv_status *st)
{
    return bv_pipeline_load_proof_vd(s, key, bv_circuit_data_verifier(d), bv_circuit_data_common(d),
                                     out, st);
}

void bv_pipeline_leaf_input(const bv_balances_input *in, bv_bal_leaf_input *out)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < BV_BAL_LEAF_VALIDATORS; i++) {
        const bv_validator_rec *r = &in->validators[i];
        bv_validator *v = &out->validators[i];
        memcpy(v->pubkey, r->pubkey, 48);
        memcpy(v->withdrawal_credentials, r->withdrawal_credentials, 32);
        v->effective_balance = r->effective_balance;
        v->slashed = r->slashed ? 1 : 0;
        v->activation_eligibility_epoch = r->activation_eligibility_epoch;
        v->activation_epoch = r->activation_epoch;
        v->exit_epoch = r->exit_epoch;
        v->withdrawable_epoch = r->withdrawable_epoch;
        out->is_real[i] = in->validator_is_zero[i] ? 0 : 1;
    }
    memcpy(out->balances, in->balances, sizeof out->balances);
    out->num_credentials = in->num_credentials;
    memcpy(out->credentials, in->withdrawal_credentials, 32 * (size_t)in->num_credentials);
    out->epoch = in->current_epoch;
}

void bv_pipeline_balance_json(const bv_bal_statement *s, const char *proof_key,
                              bv_balance_proof *out)
{
    memset(out, 0, sizeof *out);
    out->has_data = 1;
    out->has_slashed = 1;
    out->range_total_value = s->total;
    for (int i = 0; i < 4; i++)
        out->validators_commitment[i] = (uint64_t)s->commitment.e[i];
    memcpy(out->balances_hash, s->balances_root, 32);
    out->num_credentials = s->num_credentials;
    memcpy(out->withdrawal_credentials, s->credentials, 32 * (size_t)s->num_credentials);
    out->current_epoch = s->epoch;
    out->non_activated = s->non_activated;
    out->active = s->active;
    out->exited = s->exited;
    out->slashed = s->slashed;
    snprintf(out->proof_key, sizeof out->proof_key, "%s", proof_key);
}

bv_err bv_pipeline_final_input(const bv_final_circuit_input *in, bv_final_input *out, bv_status *st)
{
    memset(out, 0, sizeof *out);
    if (in->branch_depth != 5 && in->branch_depth != 6)
        return bv_fail(st, BV_ERR_FORMAT, "FinalCircuitInput: branches of %u levels, want 5 or 6",
                       in->branch_depth);
    for (int i = 8; i < 32; i++)
        if (in->validators_size_bits[i])
            return bv_fail(st, BV_ERR_FORMAT,
                           "FinalCircuitInput.validatorsSizeBits: not a 64-bit length");
    memcpy(out->state_root, in->state_root, 32);
    memcpy(out->block_root, in->block_root, 32);
    memcpy(out->state_root_branch, in->state_root_branch, sizeof out->state_root_branch);
    out->slot = in->slot;
    out->validator_count = bv_le64(in->validators_size_bits);
    size_t b = 32 * (size_t)in->branch_depth;
    memcpy(out->slot_branch, in->slot_branch, b);
    memcpy(out->validators_branch, in->validators_branch, b);
    memcpy(out->balances_branch, in->balance_branch, b);
    return BV_OK;
}

bv_err bv_pipeline_final_json(const bv_final_statement *s, char **json, bv_status *st)
{
    size_t cap = 1024 + 72 * (size_t)s->num_credentials;
    char *out = malloc(cap);
    if (!out)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    char sr[67], br[67];
    bv_hex_encode(sr, s->state_root, 32);
    bv_hex_encode(br, s->block_root, 32);
    size_t o = 0;
    o += (size_t)snprintf(out + o, cap - o,
                          "{\n  \"slot\": %llu,\n  \"epoch\": %llu,\n  \"state_root\": \"%s\",\n"
                          "  \"block_root\": \"%s\",\n  \"withdrawal_credentials\": [",
                          (unsigned long long)s->slot, (unsigned long long)s->epoch, sr, br);
    for (uint32_t i = 0; i < s->num_credentials; i++) {
        char w[67];
        bv_hex_encode(w, s->credentials[i], 32);
        o += (size_t)snprintf(out + o, cap - o, "%s\"%s\"", i ? ", " : "", w);
    }
    o += (size_t)snprintf(out + o, cap - o,
                          "],\n  \"total_locked_gwei\": \"%llu\",\n  \"active_validators\": %llu,\n"
                          "  \"exited_validators\": %llu,\n  \"non_activated_validators\": %llu,\n"
                          "  \"slashed_validators\": %llu\n}\n",
                          (unsigned long long)s->total, (unsigned long long)s->active,
                          (unsigned long long)s->exited, (unsigned long long)s->non_activated,
                          (unsigned long long)s->slashed);
    if (o >= cap) {
        free(out);
        return bv_fail(st, BV_ERR_INTERNAL, "statement JSON does not fit");
    }
    *json = out;
    return BV_OK;
}
