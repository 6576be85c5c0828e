/*
 * test_sha256_circuit.c - SHA-256 in a circuit (gadgets_sha256.h) against
 * native SHA-256, and the soundness of its rows.
 *
 *  - the portable reference (sha256_ref.c) equals the production SHA-256 on
 *    messages of every block count;
 *  - the SSZ pair hash circuit, built once, gives SHA-256(a || b) on 10,000
 *    random 64-byte messages and on 32-bit edge words (0, 2^32 - 1, words
 *    that make every addition carry), with every row's constraints holding;
 *  - the compression circuit equals the reference on random and edge states
 *    and blocks; multi-block messages of 1..40 words;
 *  - a proof of one pair hash in the standard configuration verifies;
 *  - exhaustively over every wire of every row of a pair-hash circuit:
 *    changing that one cell breaks a gate constraint of its row or a copy
 *    constraint (the cell shares a copy class with another trace cell);
 *  - a non-u32 message word cannot be given to the circuit (its witness
 *    generation fails), nor can a wrong digest be claimed.
 */
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"

#include "balverify/gadgets_sha256.h"
#include "balverify/gates.h"
#include "balverify/prover.h"
#include "balverify/sha256.h"
#include "balverify/verifier.h"
#include "circuit_harness.h"
#include "plonk/plonk_internal.h"

/* Sanitizer builds run about ten times slower: fewer random cases there
 * (the full counts run in Release). */
#ifdef __SANITIZE_ADDRESS__
#define N_PAIR 500
#define N_COMPRESS 200
#else
#define N_PAIR 10000
#define N_COMPRESS 2000
#endif

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* An edge word: 0, all ones, high bit only, or random. */
static uint32_t edge_word(int kind)
{
    switch (kind & 3) {
    case 0:
        return 0;
    case 1:
        return 0xFFFFFFFFu;
    case 2:
        return 0x80000000u | (uint32_t)(rnd() & 1);
    default:
        return (uint32_t)rnd();
    }
}

static void test_reference_matches_native(void)
{
    uint8_t msg[200];
    for (size_t nwords = 0; nwords <= 40; nwords++) {
        uint32_t words[50];
        for (size_t i = 0; i < nwords; i++) {
            words[i] = (uint32_t)rnd();
            msg[4 * i] = words[i] >> 24;
            msg[4 * i + 1] = words[i] >> 16;
            msg[4 * i + 2] = words[i] >> 8;
            msg[4 * i + 3] = words[i];
        }
        uint8_t want[32];
        uint32_t got[8];
        bv_sha256(want, msg, 4 * nwords);
        bv_sha256_words_ref(got, words, nwords);
        for (int i = 0; i < 8; i++)
            CU_ASSERT_EQUAL(got[i], be32(want + 4 * i));
    }
}

/* A circuit with one pair hash of 16 input words; digest registered as
 * public inputs after the message words (the layout bv_prove_sha256 uses). */
typedef struct {
    harness h;
    bv_target in[16], out[8];
} pair_circuit;

static void pair_build(pair_circuit *p, const bv_plonk_config *cfg)
{
    memset(&p->h, 0, sizeof p->h);
    p->h.c = bv_circuit_new(cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p->h.c);
    for (int i = 0; i < 16; i++)
        p->in[i] = h_input(&p->h, 0);
    bv_gadget_sha256_pair(p->h.c, p->in, p->in + 8, p->out);
    bv_circuit_register_public_inputs(p->h.c, p->in, 16);
    bv_circuit_register_public_inputs(p->h.c, p->out, 8);
    bv_status st;
    bv_err e = bv_circuit_build(p->h.c, &p->h.d, &st);
    if (e != BV_OK)
        printf("\n    build: %s\n", st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
}

/* Runs the circuit on message words m; returns 0 when the digest equals
 * native SHA-256 and every constraint holds. */
static int pair_run(pair_circuit *p, const uint32_t m[16])
{
    for (int i = 0; i < 16; i++)
        p->h.in_v[i] = m[i];
    bv_status st;
    if (h_generate(&p->h, &st) != 0) {
        printf("\n    generate: %s\n", st.msg);
        return -1;
    }
    uint8_t bytes[64], want[32];
    for (int i = 0; i < 16; i++) {
        bytes[4 * i] = m[i] >> 24;
        bytes[4 * i + 1] = m[i] >> 16;
        bytes[4 * i + 2] = m[i] >> 8;
        bytes[4 * i + 3] = m[i];
    }
    bv_sha256_pair(want, bytes, bytes + 32);
    for (int i = 0; i < 8; i++)
        if (h_val(&p->h, p->out[i]) != be32(want + 4 * i))
            return -1;
    return 0;
}

static void test_pair_random_and_edges(void)
{
    pair_circuit p;
    bv_plonk_config cfg = bv_plonk_config_test();
    pair_build(&p, &cfg);
    printf("\n    pair hash: %u rows before padding, 2^%u after\n",
           bv_circuit_data_common(p.h.d)->degree_bits ? p.h.d->nrows : 0,
           bv_circuit_data_common(p.h.d)->degree_bits);
    int bad = 0;
    uint32_t m[16];
    for (int n = 0; n < N_PAIR; n++) {
        for (int i = 0; i < 16; i++)
            m[i] = (uint32_t)rnd();
        bad += pair_run(&p, m) != 0;
    }
    for (int n = 0; n < 512; n++) {
        for (int i = 0; i < 16; i++)
            m[i] = edge_word((int)(rnd() % 4));
        bad += pair_run(&p, m) != 0;
    }
    for (int v = 0; v < 4; v++) { /* uniform messages */
        for (int i = 0; i < 16; i++)
            m[i] = edge_word(v);
        bad += pair_run(&p, m) != 0;
    }
    CU_ASSERT_EQUAL(bad, 0);
    h_free(&p.h);
}

static void test_compress_random_and_edges(void)
{
    harness h;
    h_new(&h);
    bv_target st_t[8], blk[16], out[8];
    for (int i = 0; i < 8; i++) {
        st_t[i] = h_input(&h, 0);
        bv_gadget_u32_range(h.c, st_t[i]);
    }
    for (int i = 0; i < 16; i++)
        blk[i] = h_input(&h, 0);
    bv_gadget_sha256_compress(h.c, st_t, blk, out);
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_circuit_build(h.c, &h.d, &st), BV_OK);
    int bad = 0;
    for (int n = 0; n < N_COMPRESS; n++) {
        uint32_t s[8], b[16], want[8];
        int kind = n < N_COMPRESS / 2 ? 3 : (int)(rnd() % 4);
        for (int i = 0; i < 8; i++)
            h.in_v[i] = s[i] = edge_word(kind == 3 ? 3 : (int)(rnd() % 4));
        for (int i = 0; i < 16; i++)
            h.in_v[8 + i] = b[i] = edge_word(kind == 3 ? 3 : (int)(rnd() % 4));
        memcpy(want, s, sizeof want);
        bv_sha256_compress_ref(want, b);
        if (h_generate(&h, &st) != 0) {
            printf("\n    %s\n", st.msg);
            bad++;
            continue;
        }
        for (int i = 0; i < 8; i++)
            bad += h_val(&h, out[i]) != want[i];
    }
    CU_ASSERT_EQUAL(bad, 0);
    h_free(&h);
}

static void test_messages_of_many_lengths(void)
{
    for (size_t nwords = 1; nwords <= 40; nwords += (nwords < 18 ? 1 : 7)) {
        harness h;
        h_new(&h);
        bv_target w[40], out[8];
        uint32_t v[40], want[8];
        for (size_t i = 0; i < nwords; i++) {
            v[i] = (uint32_t)rnd();
            w[i] = h_input(&h, v[i]);
        }
        bv_gadget_sha256_words(h.c, w, nwords, out);
        bv_status st;
        CU_ASSERT_EQUAL_FATAL(bv_circuit_build(h.c, &h.d, &st), BV_OK);
        CU_ASSERT_EQUAL_FATAL(h_generate(&h, &st), 0);
        bv_sha256_words_ref(want, v, nwords);
        for (int i = 0; i < 8; i++)
            CU_ASSERT_EQUAL(h_val(&h, out[i]), want[i]);
        h_free(&h);
    }
}

/* Every wire of every gate row of a pair-hash circuit, changed alone, breaks
 * the row's gate constraints or a copy constraint. */
static void test_every_cell_is_constrained(void)
{
    pair_circuit p;
    bv_plonk_config cfg = bv_plonk_config_test();
    pair_build(&p, &cfg);
    uint32_t m[16];
    for (int i = 0; i < 16; i++)
        m[i] = (uint32_t)rnd();
    CU_ASSERT_EQUAL_FATAL(pair_run(&p, m), 0);
    const struct bv_circuit_data *d = p.h.d;
    const bv_common_data *cd = &d->cd;
    uint32_t n = d->nrows, W = d->num_wires;
    gl_t *cells = malloc((size_t)n * W * sizeof *cells);
    gl_t **cols = malloc(W * sizeof *cols);
    uint32_t *cls = calloc((size_t)n * W + d->nvirt, sizeof *cls);
    CU_ASSERT_FATAL(cells && cols && cls);
    for (uint32_t c = 0; c < W; c++)
        cols[c] = cells + (size_t)c * n;
    bv_witness_trace(p.h.w, cols);
    /* trace cells per copy class */
    for (size_t node = 0; node < (size_t)n * W; node++)
        cls[d->rep[node]]++;
    gl_t wires[BV_PLONK_MAX_WIRES], out[1024];
    size_t checked = 0, uncaught = 0;
    for (uint32_t r = 0; r < n; r++) {
        const bv_gate *g = &cd->gates[d->row_gate[r]];
        if (strcmp(g->ops->kind, "Noop") == 0)
            continue;
        uint32_t nw = g->ops->num_wires(g), nc = g->ops->num_constraints(g);
        bv_eval_vars_base v = {.wires = wires,
                               .constants = &d->row_consts[(size_t)r * cd->config.num_constants]};
        for (uint32_t c = 0; c < nw; c++) {
            for (uint32_t k = 0; k < W; k++)
                wires[k] = cols[k][r];
            wires[c] = gl_add(wires[c], 1);
            g->ops->eval_base(g, &v, out);
            int caught = 0;
            for (uint32_t k = 0; k < nc && !caught; k++)
                caught = out[k] != 0;
            size_t node = (size_t)r * W + c;
            if (!caught && c < cd->config.num_routed_wires && cls[d->rep[node]] >= 2)
                caught = 1;
            checked++;
            if (!caught && uncaught++ < 5)
                printf("\n    row %u (%s) wire %u: change not caught", r, g->ops->kind, c);
        }
    }
    printf("\n    %zu cells changed one at a time, %zu uncaught\n", checked, uncaught);
    CU_ASSERT(checked > 20000);
    CU_ASSERT_EQUAL(uncaught, 0);
    free(cells);
    free(cols);
    free(cls);
    h_free(&p.h);
}

static void test_non_u32_word_refused(void)
{
    pair_circuit p;
    bv_plonk_config cfg = bv_plonk_config_test();
    pair_build(&p, &cfg);
    uint32_t m[16] = {0};
    CU_ASSERT_EQUAL(pair_run(&p, m), 0);
    for (int i = 0; i < 16; i++) {
        for (int j = 0; j < 16; j++)
            p.h.in_v[j] = 0;
        p.h.in_v[i] = (gl_t)1 << 32; /* 2^32: congruent to 0 mod 2^32 */
        bv_status st;
        CU_ASSERT_NOT_EQUAL(h_generate(&p.h, &st), 0);
    }
    h_free(&p.h);
}

/* A standard-configuration proof of one pair hash verifies; a wrong digest
 * in the public inputs does not. */
static void test_prove_standard(void)
{
    pair_circuit p;
    bv_plonk_config cfg = bv_plonk_config_standard();
    pair_build(&p, &cfg);
    uint32_t m[16];
    for (int i = 0; i < 16; i++)
        m[i] = (uint32_t)rnd();
    for (int i = 0; i < 16; i++)
        p.h.in_v[i] = m[i];
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(h_generate(&p.h, &st), 0);
    bv_proof proof;
    bv_err e = bv_prove(p.h.d, p.h.w, &proof, NULL, &st);
    if (e != BV_OK)
        printf("\n    prove: %s\n", st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
    const bv_verifier_data *vd = bv_circuit_data_verifier(p.h.d);
    const bv_common_data *cd = bv_circuit_data_common(p.h.d);
    CU_ASSERT_EQUAL(bv_verify(vd, cd, &proof, &st), BV_OK);
    proof.public_inputs[16] = gl_add(proof.public_inputs[16], 1);
    CU_ASSERT_NOT_EQUAL(bv_verify(vd, cd, &proof, &st), BV_OK);
    bv_proof_free(&proof);
    h_free(&p.h);
}

static void register_tests(void)
{
    CU_pSuite s = CU_add_suite("sha256_circuit", NULL, NULL);
    CU_add_test(s, "reference matches native", test_reference_matches_native);
    CU_add_test(s, "pair hash: 10,000 random + edge messages", test_pair_random_and_edges);
    CU_add_test(s, "compression: random and edge states", test_compress_random_and_edges);
    CU_add_test(s, "messages of 1..40 words", test_messages_of_many_lengths);
    CU_add_test(s, "every cell constrained", test_every_cell_is_constrained);
    CU_add_test(s, "non-u32 words refused", test_non_u32_word_refused);
    CU_add_test(s, "standard-config proof", test_prove_standard);
}

BV_CU_MAIN(register_tests)
