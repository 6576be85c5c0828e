/* test_serialize.c - proof and circuit files: round trips, and that every
 * corruption (random byte flips, truncation at every length, extension,
 * garbage) is rejected with an error, never accepted and never a crash. */
#include <stdlib.h>
#include <string.h>

#include "balverify/demo_circuit.h"
#include "balverify/prover.h"
#include "balverify/serialize.h"
#include "balverify/verifier.h"
#include "cu_main.h"
#include "plonk_test_util.h"

static bv_demo demo;
static uint8_t *proof_bytes, *circuit_bytes;
static size_t proof_len, circuit_len;

static int setup(void)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_status st;
    if (bv_demo_build(&cfg, 7, &demo, &st) != BV_OK) {
        fprintf(stderr, "setup: %s\n", st.msg);
        return 1;
    }
    bv_witness *w;
    if (bv_demo_witness(&demo, 42, 1, &w, &st) != BV_OK)
        return 1;
    bv_proof p;
    if (bv_prove(demo.data, w, &p, NULL, &st) != BV_OK) {
        fprintf(stderr, "setup: %s\n", st.msg);
        return 1;
    }
    bv_witness_free(w);
    const bv_verifier_data *vd = bv_circuit_data_verifier(demo.data);
    if (bv_proof_serialize(&p, &vd->circuit_digest, &proof_bytes, &proof_len, &st) != BV_OK)
        return 1;
    if (bv_circuit_file_serialize(vd, bv_circuit_data_common(demo.data), &circuit_bytes,
                                  &circuit_len, &st) != BV_OK)
        return 1;
    bv_proof_free(&p);
    return 0;
}

static int teardown(void)
{
    free(proof_bytes);
    free(circuit_bytes);
    bv_demo_free(&demo);
    return 0;
}

/* Load circuit + proof bytes and verify: BV_OK only for a valid pair. */
static bv_err load_and_verify(const uint8_t *cb, size_t cl, const uint8_t *pb, size_t pl,
                              bv_status *st)
{
    bv_verifier_data vd;
    bv_common_data cd;
    bv_err e = bv_circuit_file_deserialize(cb, cl, BV_LOAD_ALLOW_TEST_CONFIG, &vd, &cd, st);
    if (e != BV_OK)
        return e;
    bv_hash dg;
    e = bv_proof_file_digest(pb, pl, &dg, st);
    if (e == BV_OK && !bv_hash_eq(dg, vd.circuit_digest))
        e = bv_fail(st, BV_ERR_VERIFY, "wrong circuit digest");
    bv_proof p;
    if (e == BV_OK) {
        e = bv_proof_deserialize(&cd, pb, pl, &p, NULL, st);
        if (e == BV_OK) {
            e = bv_verify(&vd, &cd, &p, st);
            bv_proof_free(&p);
        }
    }
    bv_common_data_release(&cd);
    return e;
}

static void test_round_trip(void)
{
    bv_status st;
    CU_ASSERT_EQUAL(load_and_verify(circuit_bytes, circuit_len, proof_bytes, proof_len, &st),
                    BV_OK);
    /* re-serialising what was read gives the same bytes */
    bv_verifier_data vd;
    bv_common_data cd;
    CU_ASSERT_EQUAL_FATAL(bv_circuit_file_deserialize(circuit_bytes, circuit_len,
                                                      BV_LOAD_ALLOW_TEST_CONFIG, &vd, &cd, &st),
                          BV_OK);
    uint8_t *again;
    size_t alen;
    CU_ASSERT_EQUAL(bv_circuit_file_serialize(&vd, &cd, &again, &alen, &st), BV_OK);
    CU_ASSERT_EQUAL(alen, circuit_len);
    CU_ASSERT(memcmp(again, circuit_bytes, alen) == 0);
    free(again);
    bv_proof p;
    bv_hash dg;
    CU_ASSERT_EQUAL_FATAL(bv_proof_deserialize(&cd, proof_bytes, proof_len, &p, &dg, &st), BV_OK);
    CU_ASSERT(bv_hash_eq(dg, vd.circuit_digest));
    CU_ASSERT_EQUAL(p.public_inputs[0], 42);
    CU_ASSERT_EQUAL(bv_proof_serialize(&p, &dg, &again, &alen, &st), BV_OK);
    CU_ASSERT_EQUAL(alen, proof_len);
    CU_ASSERT(memcmp(again, proof_bytes, alen) == 0);
    free(again);
    bv_proof_free(&p);
    bv_common_data_release(&cd);
}

static void test_proof_byte_flips(void)
{
    uint8_t *buf = malloc(proof_len);
    uint64_t seed = 2024;
    int accepted = 0, trials = 400;
    bv_status st;
    for (int t = 0; t < trials; t++) {
        memcpy(buf, proof_bytes, proof_len);
        size_t pos = (size_t)(tu_rand(&seed) % proof_len);
        uint8_t x = (uint8_t)(1 + tu_rand(&seed) % 255);
        buf[pos] ^= x;
        if (load_and_verify(circuit_bytes, circuit_len, buf, proof_len, &st) == BV_OK) {
            accepted++;
            fprintf(stderr, "flip at %zu accepted\n", pos);
        }
    }
    CU_ASSERT_EQUAL(accepted, 0);
    free(buf);
}

static void test_proof_truncated_extended_garbage(void)
{
    bv_status st;
    /* every truncation in the header and tail, and a stride in between */
    for (size_t l = 0; l < proof_len; l += (l < 2048 || l + 2048 > proof_len) ? 1 : 61) {
        bv_err e = load_and_verify(circuit_bytes, circuit_len, proof_bytes, l, &st);
        CU_ASSERT_NOT_EQUAL(e, BV_OK);
        if (e == BV_OK)
            break;
    }
    CU_ASSERT_EQUAL(load_and_verify(circuit_bytes, circuit_len, proof_bytes, 100, &st),
                    BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "truncated"));
    uint8_t *ext = malloc(proof_len + 8);
    memcpy(ext, proof_bytes, proof_len);
    memset(ext + proof_len, 0, 8);
    CU_ASSERT_EQUAL(load_and_verify(circuit_bytes, circuit_len, ext, proof_len + 1, &st),
                    BV_ERR_FORMAT);
    CU_ASSERT_EQUAL(load_and_verify(circuit_bytes, circuit_len, ext, proof_len + 8, &st),
                    BV_ERR_FORMAT);
    free(ext);
    uint8_t *g = malloc(proof_len);
    uint64_t seed = 9;
    for (size_t i = 0; i < proof_len; i++)
        g[i] = (uint8_t)tu_rand(&seed);
    CU_ASSERT_EQUAL(load_and_verify(circuit_bytes, circuit_len, g, proof_len, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "magic"));
    memcpy(g, proof_bytes, 44); /* right header, garbage body */
    CU_ASSERT_NOT_EQUAL(load_and_verify(circuit_bytes, circuit_len, g, proof_len, &st), BV_OK);
    free(g);
    /* version */
    uint8_t *v = malloc(proof_len);
    memcpy(v, proof_bytes, proof_len);
    v[8] = 2;
    CU_ASSERT_EQUAL(load_and_verify(circuit_bytes, circuit_len, v, proof_len, &st),
                    BV_ERR_UNSUPPORTED);
    free(v);
}

static void test_circuit_file_corruption(void)
{
    bv_status st;
    uint8_t *buf = malloc(circuit_len + 16);
    for (size_t l = 0; l < circuit_len; l++) {
        bv_err e = load_and_verify(circuit_bytes, l, proof_bytes, proof_len, &st);
        CU_ASSERT_NOT_EQUAL(e, BV_OK);
        if (e == BV_OK)
            break;
    }
    memcpy(buf, circuit_bytes, circuit_len);
    memset(buf + circuit_len, 0, 16);
    CU_ASSERT_EQUAL(load_and_verify(buf, circuit_len + 4, proof_bytes, proof_len, &st),
                    BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "trailing"));
    /* every single-byte change of the circuit file is rejected */
    int accepted = 0;
    uint64_t seed = 3;
    for (size_t pos = 0; pos < circuit_len; pos++) {
        memcpy(buf, circuit_bytes, circuit_len);
        buf[pos] ^= (uint8_t)(1 + tu_rand(&seed) % 255);
        if (load_and_verify(buf, circuit_len, proof_bytes, proof_len, &st) == BV_OK) {
            accepted++;
            fprintf(stderr, "circuit byte %zu change accepted\n", pos);
        }
    }
    CU_ASSERT_EQUAL(accepted, 0);
    free(buf);
}

static bv_err div_fn(bv_witness *w, const bv_target *in, size_t nin, const bv_target *out,
                     size_t nout, const gl_t *params, size_t nparams, bv_status *st)
{
    (void)nin;
    (void)nout;
    (void)nparams;
    gl_t x = bv_witness_get(w, in[0]);
    if (x == 0)
        return bv_fail(st, BV_ERR_VERIFY, "division by zero");
    return bv_witness_set(w, out[0], gl_mul(params[0], gl_inv(x)), st);
}

static bv_simple_gen_fn resolve(const char *name)
{
    return strcmp(name, "Div") == 0 ? div_fn : NULL;
}

/* Prover data: written once, loaded by a prover that proves with it; the
 * proof verifies under the original verifier data. */
static void test_prover_data(void)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_circuit *c = bv_circuit_new(&cfg);
    bv_target x = bv_circuit_add_virtual(c), q = bv_circuit_add_virtual(c);
    gl_t k = 1000;
    bv_circuit_add_simple_generator(c, "Div", div_fn, &x, 1, &q, 1, &k, 1);
    bv_circuit_connect(c, tu_mul(c, q, x), bv_circuit_constant(c, k));
    bv_target cp = bv_circuit_add_virtual(c);
    bv_circuit_add_copy_generator(c, q, cp);
    bv_circuit_register_public_input(c, x);
    bv_circuit_register_public_input(c, tu_add(c, cp, x));
    bv_circuit_data *d;
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_circuit_build(c, &d, &st), BV_OK);
    bv_circuit_free(c);
    uint8_t *buf;
    size_t len;
    CU_ASSERT_EQUAL_FATAL(bv_prover_data_serialize(d, &buf, &len, &st), BV_OK);
    bv_circuit_data *l = NULL;
    CU_ASSERT_EQUAL(bv_prover_data_deserialize(buf, len, BV_LOAD_ALLOW_TEST_CONFIG, NULL, &l, &st),
                    BV_ERR_UNSUPPORTED);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "Div"));
    CU_ASSERT_EQUAL_FATAL(
        bv_prover_data_deserialize(buf, len, BV_LOAD_ALLOW_TEST_CONFIG, resolve, &l, &st), BV_OK);
    CU_ASSERT(bv_hash_eq(bv_circuit_data_verifier(l)->circuit_digest,
                         bv_circuit_data_verifier(d)->circuit_digest));
    bv_witness *w = bv_witness_new(l);
    CU_ASSERT_EQUAL(bv_witness_set(w, x, 8, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(bv_witness_generate(w, 1, &st), BV_OK);
    bv_proof p;
    CU_ASSERT_EQUAL_FATAL(bv_prove(l, w, &p, NULL, &st), BV_OK);
    CU_ASSERT_EQUAL(p.public_inputs[1], 133);
    CU_ASSERT_EQUAL(bv_verify(bv_circuit_data_verifier(d), bv_circuit_data_common(d), &p, &st),
                    BV_OK);
    bv_proof_free(&p);
    bv_witness_free(w);
    bv_circuit_data_free(l);
    /* every truncation and a sample of byte flips fail to load (or, for a
     * flip that keeps the file loadable, still describe the same circuit) */
    for (size_t t = 0; t < len; t += (t < 4096 ? 1 : 97)) {
        bv_circuit_data *x2 = NULL;
        bv_err e = bv_prover_data_deserialize(buf, t, BV_LOAD_ALLOW_TEST_CONFIG, resolve, &x2, &st);
        CU_ASSERT_NOT_EQUAL(e, BV_OK);
        if (e == BV_OK)
            bv_circuit_data_free(x2);
    }
    uint8_t *f = malloc(len);
    uint64_t seed = 11;
    for (int i = 0; i < 200; i++) {
        memcpy(f, buf, len);
        size_t pos = (size_t)(tu_rand(&seed) % len);
        f[pos] ^= (uint8_t)(1 + tu_rand(&seed) % 255);
        bv_circuit_data *x2 = NULL;
        if (bv_prover_data_deserialize(f, len, BV_LOAD_ALLOW_TEST_CONFIG, resolve, &x2, &st) ==
            BV_OK) {
            CU_ASSERT(bv_hash_eq(bv_circuit_data_verifier(x2)->circuit_digest,
                                 bv_circuit_data_verifier(d)->circuit_digest));
            bv_circuit_data_free(x2);
        }
    }
    free(f);
    free(buf);
    bv_circuit_data_free(d);
}

/* Circuit-file bytes of the demo circuit under cfg (2^7 rows). */
static int circuit_file_for(const bv_plonk_config *cfg, uint8_t **out, size_t *len)
{
    bv_demo d;
    bv_status st;
    if (bv_demo_build(cfg, 7, &d, &st) != BV_OK) {
        fprintf(stderr, "demo build: %s\n", st.msg);
        return -1;
    }
    bv_err e = bv_circuit_file_serialize(bv_circuit_data_verifier(d.data),
                                         bv_circuit_data_common(d.data), out, len, &st);
    bv_demo_free(&d);
    return e == BV_OK ? 0 : -1;
}

static bv_err load_circuit(const uint8_t *b, size_t len, uint32_t flags, bv_status *st)
{
    bv_verifier_data vd;
    bv_common_data cd;
    bv_err e = bv_circuit_file_deserialize(b, len, flags, &vd, &cd, st);
    if (e == BV_OK)
        bv_common_data_release(&cd);
    return e;
}

/* Loaders refuse a configuration below 100 conjectured bits, whatever its
 * label, except the test configuration when the caller allows it. */
static void test_weak_configs_refused(void)
{
    bv_status st;
    uint8_t *b;
    size_t len;
    /* the standard configuration loads without any flag */
    bv_plonk_config std = bv_plonk_config_standard();
    CU_ASSERT_EQUAL_FATAL(circuit_file_for(&std, &b, &len), 0);
    CU_ASSERT_EQUAL(load_circuit(b, len, 0, &st), BV_OK);
    free(b);

    /* labelled "standard", 1 query and no proof of work: 3 bits */
    bv_plonk_config weak = bv_plonk_config_standard();
    weak.fri.num_query_rounds = 1;
    weak.fri.proof_of_work_bits = 0;
    CU_ASSERT_EQUAL_FATAL(circuit_file_for(&weak, &b, &len), 0);
    CU_ASSERT_EQUAL(load_circuit(b, len, 0, &st), BV_ERR_UNSUPPORTED);
    printf("\n    %s", st.msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "\"standard\" gives 3 conjectured bits"));
    CU_ASSERT_PTR_NULL(strchr(st.msg, '\n'));
    CU_ASSERT_EQUAL(load_circuit(b, len, BV_LOAD_ALLOW_TEST_CONFIG, &st), BV_ERR_UNSUPPORTED);
    free(b);

    /* labelled "test" but not the test configuration's parameters */
    bv_plonk_config fake = bv_plonk_config_test();
    fake.fri.num_query_rounds = 7;
    CU_ASSERT_EQUAL_FATAL(circuit_file_for(&fake, &b, &len), 0);
    CU_ASSERT_EQUAL(load_circuit(b, len, BV_LOAD_ALLOW_TEST_CONFIG, &st), BV_ERR_UNSUPPORTED);
    free(b);

    /* the test configuration: only when requested */
    CU_ASSERT_EQUAL(load_circuit(circuit_bytes, circuit_len, 0, &st), BV_ERR_UNSUPPORTED);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "--config test"));
    CU_ASSERT_EQUAL(load_circuit(circuit_bytes, circuit_len, BV_LOAD_ALLOW_TEST_CONFIG, &st),
                    BV_OK);

    /* the same through the prover-data loader */
    uint8_t *pd;
    size_t pdlen;
    CU_ASSERT_EQUAL_FATAL(bv_prover_data_serialize(demo.data, &pd, &pdlen, &st), BV_OK);
    bv_circuit_data *d = NULL;
    CU_ASSERT_EQUAL(bv_prover_data_deserialize(pd, pdlen, 0, NULL, &d, &st), BV_ERR_UNSUPPORTED);
    CU_ASSERT_PTR_NULL(d);
    CU_ASSERT_EQUAL(bv_prover_data_deserialize(pd, pdlen, BV_LOAD_ALLOW_TEST_CONFIG, NULL, &d, &st),
                    BV_OK);
    bv_circuit_data_free(d);
    free(pd);

    /* the rule itself */
    CU_ASSERT_EQUAL(bv_plonk_config_check_security(&std, 0, &st), BV_OK);
    bv_plonk_config test = bv_plonk_config_test();
    CU_ASSERT_EQUAL(bv_plonk_config_check_security(&test, 0, &st), BV_ERR_UNSUPPORTED);
    CU_ASSERT_EQUAL(bv_plonk_config_check_security(&test, 1, &st), BV_OK);
    bv_plonk_config edge = bv_plonk_config_standard();
    edge.fri.proof_of_work_bits = 15; /* 99 bits */
    CU_ASSERT_EQUAL(bv_plonk_config_check_security(&edge, 1, &st), BV_ERR_UNSUPPORTED);
}

/* A value >= p written into an in-memory proof (which the deserializer
 * would have refused) is rejected by the verifier's shape check, in every
 * part of the proof. */
static void test_noncanonical_in_memory(void)
{
    bv_status st;
    bv_verifier_data vd;
    bv_common_data cd;
    CU_ASSERT_EQUAL_FATAL(bv_circuit_file_deserialize(circuit_bytes, circuit_len,
                                                      BV_LOAD_ALLOW_TEST_CONFIG, &vd, &cd, &st),
                          BV_OK);
    bv_proof p;
    CU_ASSERT_EQUAL_FATAL(bv_proof_deserialize(&cd, proof_bytes, proof_len, &p, NULL, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(bv_verify(&vd, &cd, &p, &st), BV_OK);
    bv_fri_proof *f = &p.fri;
    struct {
        const char *what;
        uint64_t *slot;
    } spots[] = {
        {"wires cap", &p.wires_cap[0].e[1]},
        {"Z cap", &p.zs_pp_cap[1].e[0]},
        {"quotient cap", &p.quotient_cap[2].e[3]},
        {"opening", &p.openings[3].c1},
        {"public input", &p.public_inputs[0]},
        {"commit-phase cap", &f->commit_caps[0].e[2]},
        {"initial leaf", &bv_fri_proof_leaf(f, 1, 2)[3]},
        {"initial sibling", &bv_fri_proof_leaf_sibs(f, 2, 1)[0].e[1]},
        {"folding value", &bv_fri_proof_step_evals(f, 3, 0)[1].c0},
        {"folding sibling", &bv_fri_proof_step_sibs(f, 0, 0)[0].e[3]},
        {"final polynomial", &f->final_poly[0].c1},
        {"proof-of-work witness", &f->pow_witness},
    };
    for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++) {
        uint64_t saved = *spots[i].slot;
        /* the same residue when it fits (v + p), else some value >= p */
        *spots[i].slot = saved < (uint64_t)0 - GL_P ? saved + GL_P : GL_P + (saved & 0xff);
        bv_status_clear(&st);
        bv_err e = bv_proof_check_shape(&p, &cd, &st);
        if (e != BV_ERR_FORMAT || !strstr(st.msg, "not canonical"))
            printf("\n    %s: shape check gave %d (%s)", spots[i].what, e, st.msg);
        CU_ASSERT_EQUAL(e, BV_ERR_FORMAT);
        CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "not canonical"));
        CU_ASSERT_EQUAL(bv_verify(&vd, &cd, &p, &st), BV_ERR_FORMAT);
        CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "not canonical"));
        *spots[i].slot = saved;
    }
    /* FRI on its own: the FRI verifier's shape check */
    uint64_t saved = f->pow_witness;
    f->pow_witness = GL_P;
    CU_ASSERT_EQUAL(bv_fri_proof_check_canonical(f, &st), BV_ERR_FORMAT);
    f->pow_witness = saved;
    CU_ASSERT_EQUAL(bv_fri_proof_check_canonical(f, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_verify(&vd, &cd, &p, &st), BV_OK);
    bv_proof_free(&p);
    bv_common_data_release(&cd);
}

static void register_suites(void)
{
    CU_pSuite s = CU_add_suite("proof and circuit files", setup, teardown);
    CU_add_test(s, "round trip", test_round_trip);
    CU_add_test(s, "400 random byte flips of a proof are rejected", test_proof_byte_flips);
    CU_add_test(s, "truncated, extended, garbage proofs", test_proof_truncated_extended_garbage);
    CU_add_test(s, "truncated, extended, flipped circuit files", test_circuit_file_corruption);
    CU_add_test(s, "prover data: write, load, prove, verify; corruption", test_prover_data);
    CU_add_test(s, "configurations below 100 bits are refused by the loaders",
                test_weak_configs_refused);
    CU_add_test(s, "non-canonical values in an in-memory proof are rejected",
                test_noncanonical_in_memory);
}

BV_CU_MAIN(register_suites)
