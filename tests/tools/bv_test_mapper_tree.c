/*
 * bv_test_mapper_tree - test driver: proves the whole commitment-mapper
 * tree of a state file with the library (leaves, inner levels, zero
 * subtrees) and stores its root the way the mapper workers do:
 * validator_proof_storage:1:{slot} (a proof file) in the proof storage,
 * validator_proof:1:{slot} (ValidatorProof JSON), its slot lookup and
 * validators_root:{slot}. Missing mapper circuits are built into DIR first.
 *
 *   bv_test_mapper_tree --state FILE --circuits DIR --config test|standard
 *                       --redis URI [--proof-storage URI]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/balance_pipeline.h"
#include "balverify/beacon_state.h"
#include "balverify/circuit_dir.h"
#include "balverify/commitment_mapper.h"
#include "balverify/keys.h"
#include "balverify/kv_json.h"
#include "balverify/proof_store.h"
#include "balverify/redis_conn.h"
#include "balverify/sha256.h"
#include "balverify/ssz.h"
#include "balverify/util_hex.h"

static const char *prog = "bv_test_mapper_tree";

static bv_err run(const char *state_path, const char *dir, const char *config, const char *uri,
                  const char *storage, bv_status *st)
{
    bv_plonk_config cfg;
    bv_err e = bv_plonk_config_by_name(config, &cfg, st);
    if (e)
        return e;
    bv_beacon_state s;
    if ((e = bv_state_load_file(&s, state_path, BV_FORK_AUTO, BV_PRESET_AUTO, st)))
        return e;
    bv_cm_level *lv[BV_CM_TOP_LEVEL + 1] = {0};
    bv_proof *cur = NULL;
    bv_proof zero, root;
    int have_zero = 0, have_root = 0;
    uint64_t n = s.validator_count;
    bv_redis *r = NULL;
    bv_proof_store *store = NULL;
    if ((e = bv_circuit_dir_prepare(dir, st)))
        goto out;
    for (uint32_t k = 0; k <= BV_CM_TOP_LEVEL && !e; k++) {
        char name[64];
        bv_cm_circuit_name(k, name, sizeof name);
        if (bv_circuit_dir_has(dir, name))
            e = bv_cm_level_load(dir, k, &cfg, &lv[k], st);
        else if (!(e = bv_cm_level_build(&cfg, k, k ? lv[k - 1] : NULL, &lv[k], st)))
            e = bv_cm_level_save(lv[k], dir, st);
    }
    if (e)
        goto out;
    cur = calloc(n ? n : 1, sizeof *cur);
    if (!cur) {
        e = bv_fail(st, BV_ERR_NOMEM, "out of memory");
        goto out;
    }
    uint64_t m = n;
    for (uint64_t i = 0; i < n && !e; i++) {
        bv_validator v;
        if (!(e = bv_validator_decode(&v, bv_state_validator(&s, i), i, st)))
            e = bv_cm_prove_leaf(lv[0], &v, &cur[i], st);
    }
    if (!e && !(e = bv_cm_prove_leaf(lv[0], NULL, &zero, st)))
        have_zero = 1;
    for (uint32_t k = 1; k <= BV_CM_TOP_LEVEL && !e; k++) {
        uint64_t half = (m + 1) / 2;
        for (uint64_t j = 0; j < half && !e; j++) {
            bv_proof out;
            const bv_proof *right = 2 * j + 1 < m ? &cur[2 * j + 1] : &zero;
            if ((e = bv_cm_prove_node(lv[k], &cur[2 * j], right, &out, st)))
                break;
            bv_proof_free(&cur[2 * j]);
            if (2 * j + 1 < m)
                bv_proof_free(&cur[2 * j + 1]);
            cur[j] = out;
        }
        if (e)
            break;
        m = half;
        bv_proof z;
        if ((e = bv_cm_prove_node(lv[k], &zero, &zero, &z, st)))
            break;
        bv_proof_free(&zero);
        zero = z;
        fprintf(stderr, "%s: level %u done (%" PRIu64 " nodes)\n", prog, k, m);
    }
    if (e)
        goto out;
    if (n) {
        root = cur[0];
        m = 0;
    } else {
        root = zero;
        have_zero = 0;
    }
    have_root = 1;
    bv_cm_root cr;
    if ((e = bv_cm_root_of(&root, &cr, st)))
        goto out;
    if ((e = bv_redis_connect_uri(&r, uri, 10000, st)) ||
        (e = bv_proof_store_open(storage, 1, &store, st)))
        goto out;
    bv_key sk = bv_key_validator_proof_storage(1, s.slot);
    if ((e = bv_pipeline_store_proof(store, sk.s, &root, bv_cm_level_data(lv[BV_CM_TOP_LEVEL]),
                                     st)))
        goto out;
    bv_validator_proof vp;
    memset(&vp, 0, sizeof vp);
    vp.has_hashes = 1;
    for (int i = 0; i < 4; i++)
        vp.poseidon_hash[i] = (uint64_t)cr.poseidon.e[i];
    memcpy(vp.sha256_hash, cr.sha, 32);
    snprintf(vp.proof_key, sizeof vp.proof_key, "%s", sk.s);
    char *js = bv_json_encode_validator_proof(&vp);
    if (!js) {
        e = bv_fail(st, BV_ERR_NOMEM, "out of memory");
        goto out;
    }
    e = bv_redis_set(r, bv_key_validator_proof(1, s.slot).s, js, strlen(js), st);
    free(js);
    if (!e)
        e = bv_lookup_add(r, bv_key_validator_proof_lookup(1).s, s.slot, st);
    if (!e) {
        uint8_t len[32], vr[32];
        bv_ssz_uint64_leaf(len, n);
        bv_sha256_pair(vr, cr.sha, len);
        char hex[67];
        bv_hex_encode(hex, vr, 32);
        e = bv_redis_set(r, bv_key_validators_root(s.slot).s, hex + 2, 64, st);
    }
    if (!e)
        fprintf(stderr, "%s: root of slot %" PRIu64 " (%" PRIu64 " validators) stored\n", prog,
                s.slot, n);
out:
    if (cur) {
        for (uint64_t i = 0; i < m; i++)
            bv_proof_free(&cur[i]);
        free(cur);
    }
    if (have_root)
        bv_proof_free(&root);
    if (have_zero)
        bv_proof_free(&zero);
    for (uint32_t k = 0; k <= BV_CM_TOP_LEVEL; k++)
        bv_cm_level_free(lv[k]);
    bv_proof_store_close(store);
    bv_redis_free(r);
    bv_state_free(&s);
    return e;
}

int main(int argc, char **argv)
{
    const char *state = NULL, *dir = NULL, *config = "test", *uri = NULL, *storage = NULL;
    bv_status st;
    bv_status_clear(&st);
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--state"))
            state = argv[i + 1];
        else if (!strcmp(argv[i], "--circuits"))
            dir = argv[i + 1];
        else if (!strcmp(argv[i], "--config"))
            config = argv[i + 1];
        else if (!strcmp(argv[i], "--redis"))
            uri = argv[i + 1];
        else if (!strcmp(argv[i], "--proof-storage"))
            storage = argv[i + 1];
        else {
            fprintf(stderr, "%s: error: unknown option %s\n", prog, argv[i]);
            return 2;
        }
    }
    if (!state || !dir || !uri) {
        fprintf(stderr,
                "usage: %s --state FILE --circuits DIR [--config C] --redis URI "
                "[--proof-storage URI]\n",
                prog);
        return 2;
    }
    bv_err e = run(state, dir, config, uri, storage ? storage : uri, &st);
    if (e) {
        fprintf(stderr, "%s: error: %s\n", prog, st.msg);
        return bv_exit_code(e);
    }
    return 0;
}
