/* test_keys.c - key catalogue, task payloads and the JSON encodings.
 * JSON vectors in tests/data/kv_json were produced the way the TypeScript
 * feeders produce them (tests/npm-queue/make_json_vectors.js). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/keys.h"
#include "balverify/kv_json.h"
#include "balverify/ssz.h"
#include "cu_main.h"

static char *slurp(const char *name, size_t *len)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/kv_json/%s.json", name);
    FILE *f = fopen(bv_source_path(rel), "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    fclose(f);
    s[got] = '\0';
    *len = got;
    return s;
}

#define LOAD(var, name)                                                                            \
    size_t var##_len;                                                                              \
    char *var = slurp(name, &var##_len);                                                           \
    CU_ASSERT_PTR_NOT_NULL_FATAL(var)

static void test_key_strings(void)
{
    CU_ASSERT_STRING_EQUAL(bv_key_validator(7, 6400).s, "validator:7:6400");
    CU_ASSERT_STRING_EQUAL(bv_key_validator(BV_REGISTRY_LIMIT, 1).s, "validator:1099511627776:1");
    CU_ASSERT_STRING_EQUAL(bv_key_validator_lookup(7).s, "validator:7:slot_lookup");
    CU_ASSERT_STRING_EQUAL(bv_key_validator_proof(1, 64).s, "validator_proof:1:64");
    CU_ASSERT_STRING_EQUAL(bv_key_validator_proof_lookup(2199023255551ULL).s,
                           "validator_proof:2199023255551:slot_lookup");
    CU_ASSERT_STRING_EQUAL(bv_key_validator_proof_zeroes(40).s, "validator_proof:zeroes:40");
    CU_ASSERT_STRING_EQUAL(bv_key_validator_proof_storage(3, 9).s, "validator_proof_storage:3:9");
    CU_ASSERT_STRING_EQUAL(bv_key_validator_proof_storage_zeroes(0).s,
                           "validator_proof_storage:zeroes:0");
    CU_ASSERT_STRING_EQUAL(bv_key_validators_length(5).s, "validators_length:5");
    CU_ASSERT_STRING_EQUAL(bv_key_validators_root(5).s, "validators_root:5");
    CU_ASSERT_STRING_EQUAL(bv_key_last_processed_slot().s, "last_processed_slot");
    CU_ASSERT_STRING_EQUAL(bv_key_last_verified_slot().s, "last_verified_slot");
    CU_ASSERT_STRING_EQUAL(bv_queue_mapper().s, "validator_proof_queue");
    CU_ASSERT_STRING_EQUAL(bv_key_balance_input("lido", 3).s, "lido:validator_balance_input:3");
    CU_ASSERT_STRING_EQUAL(bv_key_balance_proof("diva", 37, 0).s,
                           "diva:balance_verification_proof:37:0");
    CU_ASSERT_STRING_EQUAL(bv_key_balance_proof_storage("lido", 2, 1).s,
                           "lido:balance_verification_proof_storage:2:1");
    CU_ASSERT_STRING_EQUAL(bv_key_final_proof_input("lido").s, "lido:final_proof_input");
    CU_ASSERT_STRING_EQUAL(bv_key_final_layer_proof("lido").s, "lido:final_layer_proof");
    CU_ASSERT_STRING_EQUAL(bv_key_balance_wrapper_proof("lido").s,
                           "lido:balance_wrapper_proof_with_public_inputs");
    CU_ASSERT_STRING_EQUAL(bv_key_balance_wrapper_verifier_only().s,
                           "balance_wrapper_verifier_only");
    CU_ASSERT_STRING_EQUAL(bv_channel_gnark_proofs("lido").s, "lido:gnark_proofs_channel");
    for (unsigned l = 0; l < BV_BALANCE_CLEAN_LEVELS; l++) {
        char want[64];
        snprintf(want, sizeof want, "lido:balance_verification_queue:%u", l);
        CU_ASSERT_STRING_EQUAL(bv_queue_balance("lido", l).s, want);
    }
}

static void test_protocol_names(void)
{
    bv_status st;
    CU_ASSERT_EQUAL(bv_key_check_protocol("lido", &st), BV_OK);
    CU_ASSERT_EQUAL(bv_key_check_protocol("diva_2-x", &st), BV_OK);
    CU_ASSERT_EQUAL(bv_key_check_protocol("", &st), BV_ERR_ARG);
    CU_ASSERT_EQUAL(bv_key_check_protocol(NULL, &st), BV_ERR_ARG);
    CU_ASSERT_EQUAL(bv_key_check_protocol("li do", &st), BV_ERR_ARG);
    CU_ASSERT_EQUAL(bv_key_check_protocol("a:b", &st), BV_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "':'"));
    char longp[80];
    memset(longp, 'a', 65);
    longp[65] = 0;
    CU_ASSERT_EQUAL(bv_key_check_protocol(longp, &st), BV_ERR_ARG);
}

static void hexof(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
}

static void test_payloads(void)
{
    uint8_t b[32];
    char h[80];
    bv_mapper_task t = {BV_MAPPER_PROVE_ZERO_FOR_DEPTH, 39, 0}, d;
    size_t n = bv_mapper_task_encode(&t, b);
    hexof(b, n, h);
    CU_ASSERT_STRING_EQUAL(h, "010000000000000027");
    bv_status st;
    CU_ASSERT_EQUAL(bv_mapper_task_decode(b, n, &d, &st), BV_OK);
    CU_ASSERT_EQUAL(d.tag, BV_MAPPER_PROVE_ZERO_FOR_DEPTH);
    CU_ASSERT_EQUAL(d.a, 39);
    bv_mapper_task t2 = {BV_MAPPER_UPDATE_VALIDATOR_PROOF, 5, 1234};
    n = bv_mapper_task_encode(&t2, b);
    hexof(b, n, h);
    CU_ASSERT_STRING_EQUAL(h, "02000000000000000500000000000004d2");
    CU_ASSERT_EQUAL(bv_mapper_task_decode(b, n, &d, &st), BV_OK);
    CU_ASSERT(d.a == 5 && d.b == 1234 && d.tag == BV_MAPPER_UPDATE_VALIDATOR_PROOF);
    /* wrong length for the tag */
    CU_ASSERT_EQUAL(bv_mapper_task_decode(b, 16, &d, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "needs 17 bytes, got 16"));
    CU_ASSERT_EQUAL(bv_mapper_task_decode(b, 0, &d, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "empty"));
    b[0] = 9;
    CU_ASSERT_EQUAL(bv_mapper_task_decode(b, 17, &d, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "unknown tag 9"));
    /* zero depth out of range; inner gindex 0 */
    bv_mapper_task t3 = {BV_MAPPER_PROVE_ZERO_FOR_DEPTH, 40, 0};
    n = bv_mapper_task_encode(&t3, b);
    CU_ASSERT_EQUAL(bv_mapper_task_decode(b, n, &d, &st), BV_ERR_FORMAT);
    bv_mapper_task t4 = {BV_MAPPER_UPDATE_PROOF_NODE, 0, 1};
    n = bv_mapper_task_encode(&t4, b);
    CU_ASSERT_EQUAL(bv_mapper_task_decode(b, n, &d, &st), BV_ERR_FORMAT);

    uint64_t idx;
    n = bv_balance_task_encode(0, 3, b);
    hexof(b, n, h);
    CU_ASSERT_STRING_EQUAL(h, "0000000000000003");
    CU_ASSERT_EQUAL(bv_balance_task_decode(0, b, n, &idx, &st), BV_OK);
    CU_ASSERT_EQUAL(idx, 3);
    n = bv_balance_task_encode(0, BV_REGISTRY_LIMIT, b);
    hexof(b, n, h);
    CU_ASSERT_STRING_EQUAL(h, "0000010000000000");
    n = bv_balance_task_encode(4, BV_REGISTRY_LIMIT, b);
    CU_ASSERT_EQUAL(n, 24);
    hexof(b, n, h);
    CU_ASSERT_STRING_EQUAL(h, "000001000000000000000000000000000000000000000000");
    CU_ASSERT_EQUAL(bv_balance_task_decode(4, b, n, &idx, &st), BV_OK);
    CU_ASSERT_EQUAL(idx, BV_REGISTRY_LIMIT);
    CU_ASSERT_EQUAL(bv_balance_task_decode(0, b, n, &idx, &st), BV_ERR_FORMAT);
    b[20] = 1;
    CU_ASSERT_EQUAL(bv_balance_task_decode(4, b, n, &idx, &st), BV_ERR_FORMAT);
    CU_ASSERT_EQUAL(bv_balance_task_decode(1, b, 7, &idx, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "7 bytes"));
    CU_ASSERT_EQUAL(bv_balance_task_decode(1, b, 0, &idx, &st), BV_ERR_FORMAT);
    /* index beyond the level's width: level 37 has only index 0 */
    n = bv_balance_task_encode(37, 1, b);
    CU_ASSERT_EQUAL(bv_balance_task_decode(37, b, n, &idx, &st), BV_ERR_FORMAT);
    n = bv_balance_task_encode(37, 0, b);
    CU_ASSERT_EQUAL(bv_balance_task_decode(37, b, n, &idx, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_balance_task_decode(38, b, n, &idx, &st), BV_ERR_ARG);
}

static const uint8_t W[32] = {0x01, 0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
                              0,    0xb9, 0xd7, 0x93, 0x48, 0x78, 0xb5, 0xfb, 0x96, 0x10, 0xb3,
                              0xfe, 0x8a, 0x5e, 0x44, 0x1e, 0x8f, 0xad, 0x7e, 0x29, 0x3f};

static void root_of(int seed, uint8_t out[32])
{
    for (int i = 0; i < 32; i++)
        out[i] = (uint8_t)((i * seed + 5) & 255);
}

static void test_sha_input_vectors(void)
{
    bv_status st;
    LOAD(js, "validator_sha_input");
    bv_validator_sha_input v;
    CU_ASSERT_EQUAL_FATAL(bv_json_decode_validator_sha_input(js, js_len, &v, &st), BV_OK);
    bv_validator_rec rec;
    CU_ASSERT_EQUAL(bv_sha_input_to_rec(&v, &rec, &st), BV_OK);
    CU_ASSERT_EQUAL(rec.effective_balance, 32000000000ULL);
    CU_ASSERT_EQUAL(rec.slashed, 1);
    CU_ASSERT_EQUAL(rec.activation_epoch, 6);
    CU_ASSERT_EQUAL(rec.exit_epoch, BV_FAR_FUTURE_EPOCH);
    CU_ASSERT_EQUAL(memcmp(rec.withdrawal_credentials, W, 32), 0);
    CU_ASSERT_EQUAL(rec.pubkey[1], 48);
    bv_validator_sha_input back;
    bv_sha_input_from_rec(&rec, &back);
    char *enc = bv_json_encode_validator_sha_input(&back);
    CU_ASSERT_STRING_EQUAL(enc, js);
    free(enc);
    free(js);

    LOAD(z, "validator_sha_input_zero");
    bv_validator_rec zr;
    bv_zero_validator_rec(&zr);
    bv_sha_input_from_rec(&zr, &back);
    enc = bv_json_encode_validator_sha_input(&back);
    CU_ASSERT_STRING_EQUAL(enc, z);
    free(enc);
    free(z);
}

static void test_validator_proof_vectors(void)
{
    bv_status st;
    bv_validator_proof p;
    LOAD(ph, "validator_proof_placeholder");
    CU_ASSERT_EQUAL(bv_json_decode_validator_proof(ph, ph_len, &p, &st), BV_OK);
    CU_ASSERT(p.needs_change && !p.has_hashes && p.proof_key[0] == 0);
    bv_validator_proof_placeholder(&p, 0);
    char *enc = bv_json_encode_validator_proof(&p);
    CU_ASSERT_STRING_EQUAL(enc, ph);
    free(enc);
    free(ph);
    LOAD(zp, "validator_proof_zero_placeholder");
    bv_validator_proof_placeholder(&p, 1);
    enc = bv_json_encode_validator_proof(&p);
    CU_ASSERT_STRING_EQUAL(enc, zp);
    free(enc);
    free(zp);

    LOAD(js, "validator_proof");
    CU_ASSERT_EQUAL_FATAL(bv_json_decode_validator_proof(js, js_len, &p, &st), BV_OK);
    CU_ASSERT(!p.needs_change && p.has_hashes);
    CU_ASSERT_EQUAL(p.poseidon_hash[1], 18446744069414584320ULL);
    CU_ASSERT_EQUAL(p.poseidon_hash[2], 12345678901234567ULL);
    uint8_t r[32];
    root_of(7, r);
    CU_ASSERT_EQUAL(memcmp(p.sha256_hash, r, 32), 0);
    CU_ASSERT_STRING_EQUAL(p.proof_key, "validator_proof_storage:1099511627781:6400");
    enc = bv_json_encode_validator_proof(&p);
    CU_ASSERT_STRING_EQUAL(enc, js);
    free(enc);
    free(js);
}

static void test_balances_input_vectors(void)
{
    bv_status st;
    bv_balances_input in;
    LOAD(js, "balances_input");
    CU_ASSERT_EQUAL_FATAL(bv_json_decode_balances_input(js, js_len, &in, &st), BV_OK);
    CU_ASSERT_EQUAL(in.current_epoch, 200);
    CU_ASSERT_EQUAL(in.validators[1].slashed, 1);
    CU_ASSERT_EQUAL(in.validators[1].effective_balance, 31999999999ULL);
    CU_ASSERT_EQUAL(in.validators[0].exit_epoch, BV_FAR_FUTURE_EPOCH);
    CU_ASSERT_EQUAL(in.validators[2].exit_epoch, 900);
    CU_ASSERT_EQUAL(in.num_credentials, 1);
    CU_ASSERT_EQUAL(memcmp(in.withdrawal_credentials[0], W, 32), 0);
    uint8_t r[32];
    root_of(3, r);
    CU_ASSERT_EQUAL(memcmp(in.balances[0], r, 32), 0);
    CU_ASSERT(in.validator_is_zero[2] == 0 && in.validator_is_zero[3] == 1);
    char *enc = bv_json_encode_balances_input(&in);
    CU_ASSERT_STRING_EQUAL(enc, js);
    free(enc);
    free(js);

    LOAD(z, "balances_input_zero");
    bv_zero_balances_input(&W, 1, 200, &in);
    enc = bv_json_encode_balances_input(&in);
    CU_ASSERT_STRING_EQUAL(enc, z);
    free(enc);
    free(z);
}

static void test_balance_proof_vectors(void)
{
    bv_status st;
    bv_balance_proof p;
    LOAD(ph, "balance_proof_placeholder");
    CU_ASSERT_EQUAL(bv_json_decode_balance_proof(ph, ph_len, &p, &st), BV_OK);
    CU_ASSERT(p.needs_change && !p.has_data && !p.has_slashed);
    bv_balance_proof_placeholder(&p);
    char *enc = bv_json_encode_balance_proof(&p);
    CU_ASSERT_STRING_EQUAL(enc, ph);
    free(enc);
    free(ph);

    LOAD(js, "balance_proof");
    CU_ASSERT_EQUAL_FATAL(bv_json_decode_balance_proof(js, js_len, &p, &st), BV_OK);
    CU_ASSERT(!p.needs_change && p.has_data && p.has_slashed);
    CU_ASSERT_EQUAL(p.range_total_value, 95999999997ULL);
    CU_ASSERT_EQUAL(p.validators_commitment[3], 7);
    CU_ASSERT(p.active == 2 && p.exited == 1 && p.slashed == 1 && p.non_activated == 0);
    CU_ASSERT_STRING_EQUAL(p.proof_key, "lido:balance_verification_proof_storage:0:0");
    enc = bv_json_encode_balance_proof(&p);
    CU_ASSERT_STRING_EQUAL(enc, js);
    free(enc);
    free(js);
}

static void test_final_vectors(void)
{
    bv_status st;
    bv_final_circuit_input in;
    LOAD(js, "final_input");
    CU_ASSERT_EQUAL_FATAL(bv_json_decode_final_input(js, js_len, &in, &st), BV_OK);
    CU_ASSERT_EQUAL(in.slot, 6400);
    uint8_t r[32];
    root_of(55, r);
    CU_ASSERT_EQUAL(memcmp(in.validators_branch[4], r, 32), 0);
    CU_ASSERT_EQUAL(in.validators_size_bits[0], 3);
    char *enc = bv_json_encode_final_input(&in);
    CU_ASSERT_STRING_EQUAL(enc, js);
    free(enc);
    free(js);

    bv_final_proof fp;
    LOAD(pj, "final_proof");
    CU_ASSERT_EQUAL_FATAL(bv_json_decode_final_proof(pj, pj_len, &fp, &st), BV_OK);
    CU_ASSERT_EQUAL(fp.balance_sum, 1525163517ULL + 22ULL * 4294967296ULL);
    CU_ASSERT_EQUAL(fp.proof_len, 5);
    CU_ASSERT_EQUAL(fp.proof[3], 255);
    enc = bv_json_encode_final_proof(&fp);
    CU_ASSERT_STRING_EQUAL(enc, pj);
    free(enc);
    free((void *)fp.proof);
    free(pj);

    LOAD(zj, "final_proof_zero_sum");
    CU_ASSERT_EQUAL_FATAL(bv_json_decode_final_proof(zj, zj_len, &fp, &st), BV_OK);
    CU_ASSERT_EQUAL(fp.balance_sum, 0);
    CU_ASSERT_EQUAL(fp.proof_len, 0);
    enc = bv_json_encode_final_proof(&fp);
    CU_ASSERT_STRING_EQUAL(enc, zj);
    free(enc);
    free(zj);
}

/* balverify's extension: several credentials and 6-level field branches
 * round-trip, with the credentials a list of bit arrays in order. */
static void test_extension_vectors(void)
{
    bv_status st;
    uint8_t w2[2][32];
    memcpy(w2[0], W, 32);
    memset(w2[1], 0xa5, 32);
    bv_balances_input in;
    bv_zero_balances_input((const uint8_t(*)[32])w2, 2, 7, &in);
    char *enc = bv_json_encode_balances_input(&in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(enc);
    CU_ASSERT_PTR_NOT_NULL(strstr(enc, "\"withdrawalCredentials\":[[0,0,0,0,0,0,0,1,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(enc, "],[1,0,1,0,0,1,0,1,"));
    bv_balances_input back;
    CU_ASSERT_EQUAL_FATAL(bv_json_decode_balances_input(enc, strlen(enc), &back, &st), BV_OK);
    CU_ASSERT_EQUAL(back.num_credentials, 2);
    CU_ASSERT_EQUAL(memcmp(back.withdrawal_credentials, w2, 64), 0);
    free(enc);

    bv_balance_proof p;
    memset(&p, 0, sizeof p);
    p.has_data = 1;
    p.num_credentials = 2;
    memcpy(p.withdrawal_credentials, w2, 64);
    p.current_epoch = 9;
    snprintf(p.proof_key, sizeof p.proof_key, "k");
    enc = bv_json_encode_balance_proof(&p);
    bv_balance_proof pb;
    CU_ASSERT_EQUAL_FATAL(bv_json_decode_balance_proof(enc, strlen(enc), &pb, &st), BV_OK);
    CU_ASSERT_EQUAL(pb.num_credentials, 2);
    CU_ASSERT_EQUAL(memcmp(pb.withdrawal_credentials[1], w2[1], 32), 0);
    char *again = bv_json_encode_balance_proof(&pb);
    CU_ASSERT_STRING_EQUAL(again, enc);
    free(again);
    free(enc);

    bv_final_circuit_input fi;
    memset(&fi, 0, sizeof fi);
    fi.branch_depth = 6;
    fi.num_credentials = 2;
    memcpy(fi.withdrawal_credentials, w2, 64);
    for (int i = 0; i < 6; i++) {
        root_of(100 + i, fi.slot_branch[i]);
        root_of(200 + i, fi.balance_branch[i]);
        root_of(300 + i, fi.validators_branch[i]);
    }
    fi.slot = 12345;
    enc = bv_json_encode_final_input(&fi);
    bv_final_circuit_input fb;
    CU_ASSERT_EQUAL_FATAL(bv_json_decode_final_input(enc, strlen(enc), &fb, &st), BV_OK);
    CU_ASSERT_EQUAL(fb.branch_depth, 6);
    CU_ASSERT_EQUAL(fb.num_credentials, 2);
    CU_ASSERT_EQUAL(memcmp(fb.validators_branch[5], fi.validators_branch[5], 32), 0);
    CU_ASSERT_EQUAL(memcmp(fb.slot_branch, fi.slot_branch, sizeof fi.slot_branch), 0);
    again = bv_json_encode_final_input(&fb);
    CU_ASSERT_STRING_EQUAL(again, enc);
    free(again);
    /* the three branches must have one depth */
    char *bad = strdup(enc);
    char *vb = strstr(bad, "\"validatorsBranch\":[[");
    CU_ASSERT_PTR_NOT_NULL_FATAL(vb);
    char *end = strstr(vb, "],\"validatorsSizeBits\"");
    CU_ASSERT_PTR_NOT_NULL_FATAL(end);
    char *last = end;
    while (last > vb && last[-1] != '[')
        last--;
    /* cut the last branch element: "...],[bits]]," -> "...]]," */
    last -= 2; /* back over "," and "[" */
    memmove(last, end, strlen(end) + 1);
    CU_ASSERT_EQUAL(bv_json_decode_final_input(bad, strlen(bad), &fb, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "validatorsBranch: 5 entries, want 6"));
    free(bad);
    free(enc);

    bv_final_proof fp;
    memset(&fp, 0, sizeof fp);
    fp.num_credentials = 2;
    memcpy(fp.withdrawal_credentials, w2, 64);
    fp.balance_sum = 5;
    enc = bv_json_encode_final_proof(&fp);
    bv_final_proof fpb;
    CU_ASSERT_EQUAL_FATAL(bv_json_decode_final_proof(enc, strlen(enc), &fpb, &st), BV_OK);
    CU_ASSERT_EQUAL(fpb.num_credentials, 2);
    CU_ASSERT_EQUAL(memcmp(fpb.withdrawal_credentials, w2, 64), 0);
    free((void *)fpb.proof);
    free(enc);
}

/* Replace the first occurrence of 'from' in s by 'to' (new malloc'd string). */
static char *subst(const char *s, const char *from, const char *to)
{
    const char *p = strstr(s, from);
    if (!p)
        return NULL;
    size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
    char *o = malloc(n);
    size_t pre = (size_t)(p - s);
    memcpy(o, s, pre);
    strcpy(o + pre, to);
    strcat(o, p + strlen(from));
    return o;
}

typedef bv_err (*decode_fn)(const char *, size_t, void *, bv_status *);

static void expect_reject(const char *vector, decode_fn fn, size_t outsz, const char *from,
                          const char *to, const char *msg_part)
{
    size_t len;
    char *js = slurp(vector, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(js);
    char *bad = subst(js, from, to);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
    void *out = calloc(1, outsz);
    bv_status st;
    bv_status_clear(&st);
    bv_err e = fn(bad, strlen(bad), out, &st);
    CU_ASSERT_EQUAL(e, BV_ERR_FORMAT);
    if (!strstr(st.msg, msg_part)) {
        printf("\n    %s: '%s' -> '%s': message '%s' lacks '%s'\n", vector, from, to, st.msg,
               msg_part);
        CU_FAIL("error message does not name the problem");
    }
    /* Decoders must not leave allocations behind on failure. */
    if (fn == (decode_fn)bv_json_decode_final_proof)
        free((void *)((bv_final_proof *)out)->proof);
    free(out);
    free(bad);
    free(js);
}

static void test_strict_validation(void)
{
    decode_fn sha = (decode_fn)bv_json_decode_validator_sha_input;
    decode_fn vp = (decode_fn)bv_json_decode_validator_proof;
    decode_fn bi = (decode_fn)bv_json_decode_balances_input;
    decode_fn bp = (decode_fn)bv_json_decode_balance_proof;
    decode_fn fi = (decode_fn)bv_json_decode_final_input;
    decode_fn fp = (decode_fn)bv_json_decode_final_proof;
    size_t s_sha = sizeof(bv_validator_sha_input), s_vp = sizeof(bv_validator_proof),
           s_bi = sizeof(bv_balances_input), s_bp = sizeof(bv_balance_proof),
           s_fi = sizeof(bv_final_circuit_input), s_fp = sizeof(bv_final_proof);

    expect_reject("validator_sha_input", sha, s_sha, "\"pubkey\":\"", "\"pubkey\":\"0x",
                  "pubkey: want 96 hex");
    expect_reject("validator_sha_input", sha, s_sha, "\"slashed\"", "\"slashd\"",
                  "slashed: missing field");
    expect_reject("validator_sha_input", sha, s_sha, "\"exitEpoch\":\"ff", "\"exitEpoch\":\"zz",
                  "exitEpoch: not hex");
    expect_reject("validator_sha_input", sha, s_sha, "}", "}x", "invalid JSON");
    expect_reject("validator_sha_input", sha, s_sha, "}", "", "invalid JSON");

    expect_reject("validator_proof", vp, s_vp, "\"needsChange\":false", "\"needsChange\":0",
                  "needsChange: not a boolean");
    expect_reject("validator_proof", vp, s_vp, "\"1\",", "\"-1\",", "poseidonHash[0]");
    expect_reject("validator_proof", vp, s_vp, "\"18446744069414584320\"",
                  "\"18446744069414584321\"", "not a canonical field element");
    expect_reject("validator_proof", vp, s_vp, "\"sha256Hash\":[", "\"sha256Hash\":[1,",
                  "257 bits, want 256");
    expect_reject("validator_proof", vp, s_vp, "\"sha256Hash\":[0", "\"sha256Hash\":[2",
                  "sha256Hash[0]: not 0 or 1");
    expect_reject("validator_proof", vp, s_vp, "\"proofKey\":\"validator",
                  "\"proofKey\":7,\"x\":\"", "proofKey: not a string");
    expect_reject("validator_proof_placeholder", vp, s_vp, "true", "false", "poseidonHash");

    expect_reject("balances_input", bi, s_bi, "\"currentEpoch\":\"200\"", "\"currentEpoch\":200",
                  "currentEpoch: not a decimal u64 string");
    expect_reject("balances_input", bi, s_bi, "\"currentEpoch\":\"200\"",
                  "\"currentEpoch\":\"0200\"", "currentEpoch");
    expect_reject("balances_input", bi, s_bi, "\"currentEpoch\":\"200\"",
                  "\"currentEpoch\":\"18446744073709551616\"", "currentEpoch");
    expect_reject("balances_input", bi, s_bi, "\"validatorIsZero\":[0,", "\"validatorIsZero\":[",
                  "validatorIsZero: want 8");
    expect_reject("balances_input", bi, s_bi, "\"validatorIsZero\":[0,",
                  "\"validatorIsZero\":[0.5,", "validatorIsZero[0]: not 0 or 1");
    expect_reject("balances_input", bi, s_bi, "\"slashed\":0", "\"slashed\":\"0\"",
                  "slashed: not the number 0 or 1");
    expect_reject("balances_input", bi, s_bi, "\"activationEpoch\":\"1\"",
                  "\"activationEpochX\":\"1\"", "validators[0].activationEpoch: missing field");
    expect_reject("balances_input", bi, s_bi, "\"withdrawalCredentials\":[[",
                  "\"withdrawalCredentials\":[[0],[", "withdrawalCredentials[0]: 1 bits, want 256");
    expect_reject("balances_input", bi, s_bi, "\"withdrawalCredentials\":[[",
                  "\"withdrawalCredentials\":[],\"x\":[[",
                  "withdrawalCredentials: 0 entries, want 1..8");
    expect_reject("balances_input", bi, s_bi, "\"balances\":[[", "\"balances\":[[0,",
                  "balances[0]: 257 bits");

    expect_reject("balance_proof", bp, s_bp, ",\"numberOfSlashedValidators\":1", "",
                  "numberOfSlashedValidators: missing field");
    expect_reject("balance_proof", bp, s_bp, "\"numberOfActiveValidators\":2",
                  "\"numberOfActiveValidators\":-2", "numberOfActiveValidators");
    expect_reject("balance_proof", bp, s_bp, "\"rangeTotalValue\":\"95999999997\"",
                  "\"rangeTotalValue\":\"9599999999 7\"", "rangeTotalValue");
    expect_reject("balance_proof", bp, s_bp, "\"validatorsCommitment\":[\"4\",",
                  "\"validatorsCommitment\":[", "validatorsCommitment: 3 elements");

    expect_reject("final_input", fi, s_fi, "\"slot\":\"6400\"", "\"slot\":\"x\"", "slot");
    expect_reject("final_input", fi, s_fi, "\"slotBranch\":[[", "\"slotBranch\":[[0],[0],[",
                  "slotBranch: 7 entries, want 5 or 6");
    expect_reject("final_input", fi, s_fi, "\"slotBranch\":[[", "\"slotBranch\":[[0],[",
                  "slotBranch[0]: 1 bits, want 256");
    expect_reject("final_input", fi, s_fi, "\"stateRootBranch\"", "\"stateRootBranchX\"",
                  "stateRootBranch: missing field");

    expect_reject("final_proof", fp, s_fp, "\"balanceSum\":[", "\"balanceSum\":[1,",
                  "balanceSum: 3 limbs");
    expect_reject("final_proof", fp, s_fp, "\"proof\":[0,1,254,255", "\"proof\":[0,1,254,256",
                  "proof[3]: not a byte");
    expect_reject("final_proof", fp, s_fp, "\"balanceSum\":[1525163517",
                  "\"balanceSum\":[4294967296", "balanceSum[0]");
}

/* Every occurrence of 'from' in s replaced by 'to' (new malloc'd string). */
static char *subst_all(const char *s, const char *from, const char *to)
{
    char *o = strdup(s), *next;
    while ((next = subst(o, from, to))) {
        free(o);
        o = next;
    }
    return o;
}

#define INF_NOTE                                                                                   \
    "(\"Infinity\" stands for FAR_FUTURE_EPOCH only in the four validator epoch fields)"

/* DendrETH's feeder writes "Infinity" for a FAR_FUTURE activation epoch
 * (SYSTEM.md §11 Q9): the four epoch fields read it as FAR_FUTURE_EPOCH. */
static void test_balances_input_infinity(void)
{
    bv_status st;
    bv_balances_input in;
    LOAD(js, "balances_input_infinity");
    CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"activationEpoch\":\"Infinity\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(js, "\"activationEligibilityEpoch\":\"Infinity\""));
    CU_ASSERT_EQUAL_FATAL(bv_json_decode_balances_input(js, js_len, &in, &st), BV_OK);
    CU_ASSERT_EQUAL(in.validators[0].activation_eligibility_epoch, BV_FAR_FUTURE_EPOCH);
    CU_ASSERT_EQUAL(in.validators[0].activation_epoch, BV_FAR_FUTURE_EPOCH);
    CU_ASSERT_EQUAL(in.validators[0].exit_epoch, BV_FAR_FUTURE_EPOCH);
    CU_ASSERT_EQUAL(in.validators[1].activation_eligibility_epoch, 5);
    CU_ASSERT_EQUAL(in.validators[1].activation_epoch, BV_FAR_FUTURE_EPOCH);
    CU_ASSERT_EQUAL(in.validators[2].activation_epoch, 3);
    CU_ASSERT_EQUAL(in.validators[2].exit_epoch, 900);
    CU_ASSERT_EQUAL(in.validators[0].effective_balance, 32000000000ULL);
    /* re-encoded with the number, as balverify's feeder writes it */
    char *want = subst_all(js, "\"Infinity\"", "\"18446744073709551615\"");
    char *enc = bv_json_encode_balances_input(&in);
    CU_ASSERT_STRING_EQUAL(enc, want);
    bv_balances_input back;
    CU_ASSERT_EQUAL(bv_json_decode_balances_input(enc, strlen(enc), &back, &st), BV_OK);
    CU_ASSERT_EQUAL(memcmp(&back, &in, sizeof in), 0);
    free(enc);
    free(want);

    /* exit and withdrawable epochs too */
    char *ex =
        subst_all(js, "\"exitEpoch\":\"18446744073709551615\"", "\"exitEpoch\":\"Infinity\"");
    char *wd = subst_all(ex, "\"withdrawableEpoch\":\"18446744073709551615\"",
                         "\"withdrawableEpoch\":\"Infinity\"");
    CU_ASSERT_PTR_NULL(strstr(wd, "18446744073709551615"));
    CU_ASSERT_EQUAL_FATAL(bv_json_decode_balances_input(wd, strlen(wd), &back, &st), BV_OK);
    CU_ASSERT_EQUAL(memcmp(&back, &in, sizeof in), 0);
    free(ex);
    free(wd);
    free(js);

    /* only the exact string: */
    decode_fn bi = (decode_fn)bv_json_decode_balances_input;
    size_t s_bi = sizeof(bv_balances_input);
    expect_reject("balances_input_infinity", bi, s_bi, "\"activationEpoch\":\"Infinity\"",
                  "\"activationEpoch\":\"infinity\"",
                  "validators[0].activationEpoch: not a decimal u64 string");
    expect_reject("balances_input_infinity", bi, s_bi, "\"activationEpoch\":\"Infinity\"",
                  "\"activationEpoch\":\"-Infinity\"", "validators[0].activationEpoch");
    expect_reject("balances_input_infinity", bi, s_bi, "\"activationEpoch\":\"Infinity\"",
                  "\"activationEpoch\":null", "validators[0].activationEpoch");
}

/* "Infinity" anywhere but the four epoch fields: refused, naming the field. */
static void test_infinity_refused(void)
{
    decode_fn bi = (decode_fn)bv_json_decode_balances_input;
    decode_fn bp = (decode_fn)bv_json_decode_balance_proof;
    decode_fn fp = (decode_fn)bv_json_decode_final_proof;
    decode_fn vp = (decode_fn)bv_json_decode_validator_proof;
    size_t s_bi = sizeof(bv_balances_input), s_bp = sizeof(bv_balance_proof),
           s_fp = sizeof(bv_final_proof), s_vp = sizeof(bv_validator_proof);
    const char *v = "balances_input_infinity";
    /* effective balance */
    expect_reject(v, bi, s_bi, "\"effectiveBalance\":\"32000000000\"",
                  "\"effectiveBalance\":\"Infinity\"",
                  "validators[0].effectiveBalance: not a decimal u64 string " INF_NOTE);
    expect_reject(v, bi, s_bi, "\"effectiveBalance\":\"31999999998\"",
                  "\"effectiveBalance\":\"Infinity\"",
                  "validators[2].effectiveBalance: not a decimal u64 string " INF_NOTE);
    /* a balance */
    expect_reject(v, bi, s_bi, "\"balances\":[[0,", "\"balances\":[[\"Infinity\",",
                  "balances[0][0]: not 0 or 1 " INF_NOTE);
    expect_reject(v, bi, s_bi, "\"balances\":[", "\"balances\":\"Infinity\",\"x\":[",
                  "balances: not an array");
    /* the epoch of the input, the slashed flag and the padding flags */
    expect_reject(v, bi, s_bi, "\"currentEpoch\":\"200\"", "\"currentEpoch\":\"Infinity\"",
                  "currentEpoch: not a decimal u64 string " INF_NOTE);
    expect_reject(v, bi, s_bi, "\"slashed\":0", "\"slashed\":\"Infinity\"",
                  "validators[0].slashed: not the number 0 or 1 " INF_NOTE);
    expect_reject(v, bi, s_bi, "\"validatorIsZero\":[0,", "\"validatorIsZero\":[\"Infinity\",",
                  "validatorIsZero[0]: not 0 or 1 " INF_NOTE);
    /* totals */
    expect_reject("balance_proof", bp, s_bp, "\"rangeTotalValue\":\"95999999997\"",
                  "\"rangeTotalValue\":\"Infinity\"",
                  "BalanceProof.rangeTotalValue: not a decimal u64 string " INF_NOTE);
    expect_reject("final_proof", fp, s_fp, "\"balanceSum\":[1525163517",
                  "\"balanceSum\":[\"Infinity\"",
                  "FinalProof.balanceSum[0]: not a u32 limb " INF_NOTE);
    /* counters */
    expect_reject("balance_proof", bp, s_bp, "\"numberOfActiveValidators\":2",
                  "\"numberOfActiveValidators\":\"Infinity\"",
                  "BalanceProof.numberOfActiveValidators: not a non-negative integer " INF_NOTE);
    expect_reject("balance_proof", bp, s_bp, "\"numberOfSlashedValidators\":1",
                  "\"numberOfSlashedValidators\":\"Infinity\"",
                  "BalanceProof.numberOfSlashedValidators: not a non-negative integer " INF_NOTE);
    expect_reject("final_proof", fp, s_fp, "\"numberOfExitedValidators\":1",
                  "\"numberOfExitedValidators\":\"Infinity\"",
                  "FinalProof.numberOfExitedValidators: not a non-negative integer " INF_NOTE);
    /* the epoch of a proof, a commitment element */
    expect_reject("balance_proof", bp, s_bp, "\"currentEpoch\":\"200\"",
                  "\"currentEpoch\":\"Infinity\"",
                  "BalanceProof.currentEpoch: not a decimal u64 string " INF_NOTE);
    expect_reject("validator_proof", vp, s_vp, "\"1\",", "\"Infinity\",",
                  "ValidatorProof.poseidonHash[0]: not a decimal u64 string " INF_NOTE);
}

static void test_helpers(void)
{
    uint8_t out[32];
    bv_status st;
    bv_ssz_uint64_leaf(out, 32000000000ULL);
    CU_ASSERT(out[0] == 0x00 && out[1] == 0x40 && out[2] == 0x59 && out[3] == 0x73 &&
              out[4] == 0x07 && out[8] == 0);
    bv_validator_sha_input s;
    CU_ASSERT_EQUAL(bv_json_decode_validator_sha_input("[1,2]", 5, &s, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "not a JSON object"));
    CU_ASSERT_EQUAL(bv_json_decode_validator_sha_input("", 0, &s, &st), BV_ERR_FORMAT);
    memset(&s, 0, sizeof s);
    s.effective_balance[9] = 1;
    bv_validator_rec rec;
    CU_ASSERT_EQUAL(bv_sha_input_to_rec(&s, &rec, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "effectiveBalance"));
    memset(&s, 0, sizeof s);
    s.slashed[0] = 2;
    CU_ASSERT_EQUAL(bv_sha_input_to_rec(&s, &rec, &st), BV_ERR_FORMAT);
}

static void register_suites(void)
{
    bv_cu_add_suite("keys");
    bv_cu_add_test("key strings", test_key_strings);
    bv_cu_add_test("protocol names", test_protocol_names);
    bv_cu_add_test("task payloads", test_payloads);
    bv_cu_add_suite("kv_json");
    bv_cu_add_test("ValidatorShaInput vectors", test_sha_input_vectors);
    bv_cu_add_test("ValidatorProof vectors", test_validator_proof_vectors);
    bv_cu_add_test("ValidatorBalancesInput vectors", test_balances_input_vectors);
    bv_cu_add_test("BalanceProof vectors", test_balance_proof_vectors);
    bv_cu_add_test("FinalCircuitInput/FinalProof vectors", test_final_vectors);
    bv_cu_add_test("several credentials, 6-level branches", test_extension_vectors);
    bv_cu_add_test("strict validation", test_strict_validation);
    bv_cu_add_test("ValidatorBalancesInput: \"Infinity\" epochs", test_balances_input_infinity);
    bv_cu_add_test("\"Infinity\" refused outside the epoch fields", test_infinity_refused);
    bv_cu_add_test("helpers", test_helpers);
}

BV_CU_MAIN(register_suites)
