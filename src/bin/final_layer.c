/*
 * final_layer - prove the final layer of the balance verification from
 * DendrETH's Redis values (spec/SYSTEM.md sections 2.3 and 5.7).
 *
 *   final_layer --protocol P [--redis URI] [--circuits DIR]
 *               [--config standard|test] [--proof-storage URI] [--out DIR]
 *
 * Reads {proto}:final_proof_input (FinalCircuitInput: its branch depth, 5 or
 * 6, selects final_layer_d5 or final_layer_d6; its credentials the count),
 * the level-37 balance proof {proto}:balance_verification_proof:37:0 and the
 * commitment-mapper root proof validator_proof:1:{s} of the latest slot s
 * at or before the input's slot (validator_proof:1:slot_lookup), both with
 * their proof objects from the proof storage (by default the Redis of
 * --redis), verified against the circuits of DIR. It proves the final
 * layer, checks the proof, and writes {proto}:final_layer_proof (FinalProof
 * JSON: block root, credentials, balanceSum limbs, the four counters with
 * the exited count in numberOfExitedValidators, unlike DendrETH's quirk Q3,
 * and the proof object's bytes). With --out DIR it also writes DIR/final.proof
 * and the circuit file DIR/final_layer_d{5,6}.circuit, which
 * `bv_verify --circuit ... --proof DIR/final.proof --json` checks.
 * Prints the statement as JSON (the native balverify job's keys).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "balverify/balance.h"
#include "balverify/balance_pipeline.h"
#include "balverify/circuit_dir.h"
#include "balverify/commitment_mapper.h"
#include "balverify/final_layer.h"
#include "balverify/keys.h"
#include "balverify/kv_json.h"
#include "balverify/proof_store.h"
#include "balverify/redis_conn.h"
#include "balverify/serialize.h"
#include "balverify/verifier.h"

static const char *prog = "final_layer";

typedef struct {
    const char *redis, *protocol, *circuits, *config, *storage, *out;
} opts;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s --protocol P [--redis URI] [--circuits DIR] [--config standard|test]\n"
            "       [--proof-storage URI] [--out DIR]\n"
            "  defaults: --redis redis://127.0.0.1:6379, --circuits circuits, --config standard,\n"
            "  --proof-storage: the Redis of --redis\n",
            prog);
}

static bv_err parse(int argc, char **argv, opts *o, bv_status *st)
{
    memset(o, 0, sizeof *o);
    o->redis = "redis://127.0.0.1:6379";
    o->circuits = "circuits";
    o->config = "standard";
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i];
        if (!strcmp(k, "-h") || !strcmp(k, "--help")) {
            usage(stdout);
            exit(0);
        }
        if (i + 1 >= argc)
            return bv_fail(st, BV_ERR_ARG, "%s needs a value (try --help)", k);
        const char *v = argv[++i];
        if (!strcmp(k, "--redis") || !strcmp(k, "-r"))
            o->redis = v;
        else if (!strcmp(k, "--protocol"))
            o->protocol = v;
        else if (!strcmp(k, "--circuits"))
            o->circuits = v;
        else if (!strcmp(k, "--config"))
            o->config = v;
        else if (!strcmp(k, "--proof-storage"))
            o->storage = v;
        else if (!strcmp(k, "--out"))
            o->out = v;
        else
            return bv_fail(st, BV_ERR_ARG, "unknown option %s (try --help)", k);
    }
    if (!o->protocol)
        return bv_fail(st, BV_ERR_ARG, "--protocol is required");
    if (!o->storage)
        o->storage = o->redis;
    if (o->out && !*o->out)
        return bv_fail(st, BV_ERR_ARG, "--out: empty directory name");
    return bv_key_check_protocol(o->protocol, st);
}

/* GET key; a missing key is an error naming it and what produces it. */
static bv_err get_json(bv_redis *r, const char *key, const char *producer, char **json, size_t *len,
                       bv_status *st)
{
    int found = 0;
    bv_err e = bv_redis_get(r, key, json, len, &found, st);
    if (e)
        return e;
    if (!found)
        return bv_fail(st, BV_ERR_IO, "%s is missing (%s)", key, producer);
    return BV_OK;
}

static bv_err write_out(const char *dir, const char *file, const uint8_t *buf, size_t len,
                        bv_status *st)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return bv_plonk_write_file(path, buf, len, st);
}

static bv_err copy_circuit(const char *from_dir, const char *name, const char *to_dir,
                           bv_status *st)
{
    char path[4096], file[128];
    snprintf(path, sizeof path, "%s/%s.circuit", from_dir, name);
    snprintf(file, sizeof file, "%s.circuit", name);
    uint8_t *buf = NULL;
    size_t len = 0;
    bv_err e = bv_plonk_read_file(path, 1u << 30, &buf, &len, st);
    if (e == BV_OK)
        e = write_out(to_dir, file, buf, len, st);
    free(buf);
    return e;
}

static bv_err run(const opts *o, bv_status *st)
{
    bv_plonk_config cfg;
    bv_err e = bv_plonk_config_by_name(o->config, &cfg, st);
    if (e)
        return bv_fail_ctx(st, "--config");
    uint32_t dir_ncred = 0;
    if ((e = bv_pipeline_dir_check(o->circuits, &cfg, 0, &dir_ncred, st)))
        return e;
    bv_redis *r = NULL;
    bv_proof_store *store = NULL;
    bv_final_circuit *fc = NULL;
    bv_verifier_data bvd, mvd;
    bv_common_data bcd, mcd;
    int have_bcd = 0, have_mcd = 0, have_bp = 0, have_mp = 0, have_fp = 0;
    bv_proof bp, mp, fp;
    char *json = NULL;
    size_t jl = 0;
    uint8_t *pbuf = NULL;
    size_t plen = 0;
    if ((e = bv_redis_connect_uri(&r, o->redis, 10000, st)))
        goto out;
    if ((e = bv_proof_store_open(o->storage, 1, &store, st))) {
        bv_fail_ctx(st, "--proof-storage %s", o->storage);
        goto out;
    }

    /* the input */
    bv_key ik = bv_key_final_proof_input(o->protocol);
    if ((e = get_json(r, ik.s, "written by get_balances_input", &json, &jl, st)))
        goto out;
    bv_final_circuit_input fin;
    e = bv_json_decode_final_input(json, jl, &fin, st);
    free(json);
    json = NULL;
    if (e) {
        bv_fail_ctx(st, "%s", ik.s);
        goto out;
    }
    uint32_t ncred = fin.num_credentials, depth = fin.branch_depth;
    if (dir_ncred && dir_ncred != ncred) {
        e = bv_fail(st, BV_ERR_ARG,
                    "%s has %u withdrawal credential(s); the circuits in %s are for %u", ik.s,
                    ncred, o->circuits, dir_ncred);
        goto out;
    }
    bv_final_input in;
    if ((e = bv_pipeline_final_input(&fin, &in, st))) {
        bv_fail_ctx(st, "%s", ik.s);
        goto out;
    }

    /* the circuits */
    char fname[64], bname[64], mname[64];
    bv_cm_circuit_name(BV_CM_TOP_LEVEL, mname, sizeof mname);
    bv_final_circuit_name(depth, fname, sizeof fname);
    bv_bal_circuit_name(BV_BAL_TOP_LEVEL, bname, sizeof bname);
    if (!bv_circuit_dir_has(o->circuits, fname)) {
        e = bv_fail(st, BV_ERR_IO,
                    "%s/%s.{circuit,prover} missing (the %u-level state layout): run "
                    "balance_verification_circuit_data_generation --level all --circuits %s",
                    o->circuits, fname, depth, o->circuits);
        goto out;
    }
    if ((e = bv_final_load(o->circuits, ncred, depth, &cfg, &fc, st)) ||
        (e = bv_circuit_dir_load_verifier(o->circuits, bname, &cfg, &bvd, &bcd, st)))
        goto out;
    have_bcd = 1;
    if ((e = bv_circuit_dir_load_verifier(o->circuits, mname, &cfg, &mvd, &mcd, st)))
        goto out;
    have_mcd = 1;

    /* the balance root proof */
    bv_key bk = bv_key_balance_proof(o->protocol, BV_BAL_TOP_LEVEL, 0);
    if ((e = get_json(r, bk.s, "the level-37 balance worker writes it", &json, &jl, st)))
        goto out;
    bv_balance_proof bj;
    e = bv_json_decode_balance_proof(json, jl, &bj, st);
    free(json);
    json = NULL;
    if (e) {
        bv_fail_ctx(st, "%s", bk.s);
        goto out;
    }
    if (bj.needs_change || !bj.has_data) {
        e = bv_fail(st, BV_ERR_IO, "%s is not proven yet (needsChange): run the balance workers",
                    bk.s);
        goto out;
    }
    if ((e = bv_pipeline_load_proof_vd(store, bj.proof_key, &bvd, &bcd, &bp, st)))
        goto out;
    have_bp = 1;

    /* the mapper root proof of the latest slot <= the input's slot */
    int found = 0;
    uint64_t mslot = 0;
    bv_key lk = bv_key_validator_proof_lookup(1);
    if ((e = bv_lookup_latest(r, lk.s, fin.slot, &found, &mslot, st)))
        goto out;
    if (!found) {
        e = bv_fail(st, BV_ERR_IO,
                    "no commitment-mapper root proof at or before slot %" PRIu64
                    " (%s is empty): run get_changed_validators and the mapper workers",
                    fin.slot, lk.s);
        goto out;
    }
    bv_key mk = bv_key_validator_proof(1, mslot);
    if ((e = get_json(r, mk.s, "the commitment-mapper workers write it", &json, &jl, st)))
        goto out;
    bv_validator_proof mj;
    e = bv_json_decode_validator_proof(json, jl, &mj, st);
    free(json);
    json = NULL;
    if (e) {
        bv_fail_ctx(st, "%s", mk.s);
        goto out;
    }
    if (mj.needs_change || !mj.has_hashes) {
        e = bv_fail(st, BV_ERR_IO, "%s is not proven yet (needsChange): run the mapper workers",
                    mk.s);
        goto out;
    }
    if ((e = bv_pipeline_load_proof_vd(store, mj.proof_key, &mvd, &mcd, &mp, st)))
        goto out;
    have_mp = 1;

    /* prove, check, save */
    if ((e = bv_final_prove(fc, &bp, &mp, &in, &fp, st))) {
        bv_fail_ctx(st,
                    "proving the final layer (slot %" PRIu64 ", mapper root of slot %" PRIu64 ")",
                    fin.slot, mslot);
        goto out;
    }
    have_fp = 1;
    const bv_circuit_data *fd = bv_final_data(fc);
    if ((e = bv_verify(bv_circuit_data_verifier(fd), bv_circuit_data_common(fd), &fp, st)))
        goto out;
    bv_final_statement s;
    if ((e = bv_final_statement_of(&fp, ncred, &s, st)))
        goto out;
    if ((e = bv_proof_serialize(&fp, &bv_circuit_data_verifier(fd)->circuit_digest, &pbuf, &plen,
                                st)))
        goto out;
    if (o->out) {
        if (mkdir(o->out, 0777) && errno != EEXIST) {
            e = bv_fail(st, BV_ERR_IO, "cannot create %s: %s", o->out, strerror(errno));
            goto out;
        }
        if ((e = write_out(o->out, "final.proof", pbuf, plen, st)) ||
            (e = copy_circuit(o->circuits, fname, o->out, st)))
            goto out;
    }
    bv_final_proof jp;
    memset(&jp, 0, sizeof jp);
    memcpy(jp.block_root, s.block_root, 32);
    jp.num_credentials = s.num_credentials;
    memcpy(jp.withdrawal_credentials, s.credentials, 32 * (size_t)s.num_credentials);
    jp.balance_sum = s.total;
    jp.non_activated = s.non_activated;
    jp.active = s.active;
    jp.exited = s.exited; /* the exited count (DendrETH's Q3 writes another) */
    jp.slashed = s.slashed;
    jp.proof = pbuf;
    jp.proof_len = plen;
    char *fj = bv_json_encode_final_proof(&jp);
    if (!fj) {
        e = bv_fail(st, BV_ERR_NOMEM, "FinalProof JSON: out of memory");
        goto out;
    }
    e = bv_redis_set(r, bv_key_final_layer_proof(o->protocol).s, fj, strlen(fj), st);
    free(fj);
    if (e)
        goto out;
    char *sj = NULL;
    if ((e = bv_pipeline_final_json(&s, &sj, st)))
        goto out;
    fputs(sj, stdout);
    free(sj);
    fprintf(stderr,
            "%s: %s written (%zu proof bytes, circuit %s, mapper root of slot %" PRIu64 ")\n", prog,
            bv_key_final_layer_proof(o->protocol).s, plen, fname, mslot);
out:
    free(pbuf);
    if (have_fp)
        bv_proof_free(&fp);
    if (have_mp)
        bv_proof_free(&mp);
    if (have_bp)
        bv_proof_free(&bp);
    if (have_bcd)
        bv_common_data_release(&bcd);
    if (have_mcd)
        bv_common_data_release(&mcd);
    bv_final_free(fc);
    bv_proof_store_close(store);
    bv_redis_free(r);
    return e;
}

int main(int argc, char **argv)
{
    bv_status st;
    bv_status_clear(&st);
    opts o;
    bv_err e = parse(argc, argv, &o, &st);
    if (!e)
        e = run(&o, &st);
    if (e) {
        fprintf(stderr, "%s: error: %s\n", prog, st.msg);
        return bv_exit_code(e);
    }
    return 0;
}
