/* test_recursion.c - in-circuit gate evaluation, challenger and verifier
 * against their native counterparts; recursion chains; 2-to-1 aggregation;
 * soundness of the verify_proof gadget (tampered inner proofs, another
 * circuit's proof) and of outer proofs under bv_verify. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "balverify/challenger.h"
#include "balverify/gadgets.h"
#include "balverify/merkle.h"
#include "balverify/prover.h"
#include "balverify/recursion.h"
#include "balverify/serialize.h"
#include "balverify/verifier.h"
#include "circuit_harness.h"
#include "cu_main.h"
#include "plonk_test_util.h"

/* Registers one public input (so every circuit here has the usual shape),
 * builds, then generates and checks the witness. */
static int h_run(harness *h, bv_status *st)
{
    bv_circuit_register_public_input(h->c, h_input(h, 1));
    if (bv_circuit_build(h->c, &h->d, st) != BV_OK)
        return -1;
    return h_generate(h, st);
}

static gl_ext rand_ext(uint64_t *s)
{
    return gl_ext_make(tu_rand_gl(s), tu_rand_gl(s));
}

/* ------------------------------------------------------------ gate eval */

static void check_gate_eval(const bv_gate *gp, uint64_t seed)
{
    bv_gate g = *gp;
    enum { MAXW = 1024, MAXC = 1024 };
    CU_ASSERT_PTR_NOT_NULL_FATAL(g.ops);
    /* random values for every wire and constant the standard config has,
     * and for more when the gate is wider */
    uint32_t nw = g.ops->num_wires(&g), nk = g.ops->num_constants(&g);
    uint32_t ncon = g.ops->num_constraints(&g);
    if (nw < BV_STD_NUM_WIRES)
        nw = BV_STD_NUM_WIRES;
    if (nk < BV_STD_NUM_CONSTANTS)
        nk = BV_STD_NUM_CONSTANTS;
    CU_ASSERT_FATAL(nw <= MAXW && ncon <= MAXC && nk <= BV_PLONK_MAX_CONSTANTS);
    harness h;
    h_new(&h);
    static gl_ext wv[MAXW], native[MAXC];
    static bv_ext_target wt[MAXW], out[MAXC];
    gl_ext kv[BV_PLONK_MAX_CONSTANTS];
    bv_ext_target kt[BV_PLONK_MAX_CONSTANTS];
    bv_hash pih;
    bv_hash_target piht;
    for (uint32_t i = 0; i < nw; i++) {
        wv[i] = rand_ext(&seed);
        wt[i] = h_input_ext(&h, wv[i]);
    }
    for (uint32_t i = 0; i < nk; i++) {
        kv[i] = rand_ext(&seed);
        kt[i] = h_input_ext(&h, kv[i]);
    }
    for (int i = 0; i < 4; i++) {
        pih.e[i] = tu_rand_gl(&seed);
        piht.e[i] = h_input(&h, pih.e[i]);
    }
    bv_status st;
    CU_ASSERT_TRUE_FATAL(bv_gadget_gate_eval_supported(&g));
    bv_gadget_eval_gate_constraints(h.c, &g, wt, kt, &piht, out);
    int ok = h_run(&h, &st);
    if (ok != 0)
        printf("\n    %s: %s", g.ops->kind, st.msg);
    CU_ASSERT_EQUAL_FATAL(ok, 0);
    bv_eval_vars_ext v = {wv, kv, pih};
    g.ops->eval_ext(&g, &v, native);
    int bad = 0;
    for (uint32_t j = 0; j < ncon; j++) {
        gl_ext got = gl_ext_make(h_val(&h, out[j].c0), h_val(&h, out[j].c1));
        if (!gl_ext_eq(got, native[j]))
            bad++;
    }
    if (bad)
        printf("\n    %s: %d of %u constraints differ", g.ops->kind, bad, ncon);
    CU_ASSERT_EQUAL(bad, 0);
    h_free(&h);
}

/* The first example of every registered gate type: its standard-config
 * parameters. */
static void test_gate_eval_all(void)
{
    uint64_t s = 11;
    size_t nk = bv_gate_kind_count();
    CU_ASSERT_FATAL(nk > 0);
    for (size_t k = 0; k < nk; k++) {
        bv_gate g;
        CU_ASSERT_FATAL(bv_gate_kind_examples(k, &g, 1) >= 1);
        check_gate_eval(&g, s++);
        bv_gate_free(&g);
    }
}

/* ------------------------------------------------------------ challenger */

static void test_challenger_matches_native(void)
{
    uint64_t seed = 99;
    for (int round = 0; round < 4; round++) {
        harness h;
        h_new(&h);
        bv_challenger nat;
        bv_challenger_init(&nat);
        bv_circuit_challenger rc;
        bv_gadget_challenger_init(h.c, &rc);
        gl_t expect[200];
        bv_target got[200];
        size_t ng = 0;
        /* random interleaving of observations and challenges, with runs of
         * 0..20 observations and 1..10 challenges (crossing chunks of 8) */
        for (int step = 0; step < 12; step++) {
            uint32_t no = (uint32_t)(tu_rand(&seed) % 21);
            for (uint32_t i = 0; i < no; i++) {
                gl_t v = tu_rand_gl(&seed);
                bv_challenger_observe(&nat, v);
                bv_gadget_challenger_observe(h.c, &rc, h_input(&h, v));
            }
            uint32_t nd = 1 + (uint32_t)(tu_rand(&seed) % 10);
            for (uint32_t i = 0; i < nd && ng < 200; i++) {
                expect[ng] = bv_challenger_get(&nat);
                got[ng++] = bv_gadget_challenger_get(h.c, &rc);
            }
        }
        bv_status st;
        int ok = h_run(&h, &st);
        if (ok)
            printf("\n    %s", st.msg);
        CU_ASSERT_EQUAL_FATAL(ok, 0);
        for (size_t i = 0; i < ng; i++)
            CU_ASSERT_EQUAL(h_val(&h, got[i]), expect[i]);
        h_free(&h);
    }
}

/* ------------------------------------------------------------ Merkle */

/* The in-circuit Merkle check accepts exactly the native proofs: every
 * index of a native tree verifies; a wrong leaf, sibling, cap entry or index
 * does not. */
static int merkle_case(const gl_t *leaf, size_t len, uint64_t index, unsigned nbits,
                       const bv_hash *sibs, unsigned nsib, const bv_hash *cap, size_t cap_len)
{
    harness h;
    h_new(&h);
    bv_target lt[16], bits[64];
    bv_hash_target st_[32], ct[64];
    for (size_t i = 0; i < len; i++)
        lt[i] = h_input(&h, leaf[i]);
    for (unsigned i = 0; i < nsib; i++)
        for (int j = 0; j < 4; j++)
            st_[i].e[j] = h_input(&h, sibs[i].e[j]);
    for (size_t i = 0; i < cap_len; i++)
        for (int j = 0; j < 4; j++)
            ct[i].e[j] = h_input(&h, cap[i].e[j]);
    bv_target it = h_input(&h, index);
    bv_gadget_split_le(h.c, it, nbits, bits);
    bv_rec_merkle_to_cap(h.c, lt, len, bits, st_, nsib, ct, cap_len);
    bv_status st;
    int ok = h_run(&h, &st) == 0;
    h_free(&h);
    return ok;
}

static void test_merkle_matches_native(void)
{
    uint64_t seed = 3;
    const unsigned logs[3] = {5, 6, 4}, caps[3] = {2, 0, 4};
    const size_t lens[3] = {7, 3, 12};
    for (int t = 0; t < 3; t++) {
        unsigned lg = logs[t], ch = caps[t];
        size_t len = lens[t], n = (size_t)1 << lg;
        gl_t *leaves = malloc(n * len * sizeof *leaves);
        for (size_t i = 0; i < n * len; i++)
            leaves[i] = tu_rand_gl(&seed);
        bv_merkle_tree tree;
        bv_status st;
        CU_ASSERT_EQUAL_FATAL(bv_merkle_build(&tree, leaves, lg, len, ch, &st), BV_OK);
        const bv_hash *cap = bv_merkle_cap(&tree);
        size_t cap_len = bv_merkle_cap_len(&tree);
        unsigned ns = bv_merkle_proof_len(&tree);
        bv_hash sibs[64];
        for (int k = 0; k < 3; k++) {
            size_t idx = (size_t)(tu_rand(&seed) % n);
            bv_merkle_prove(&tree, idx, sibs);
            const gl_t *leaf = leaves + idx * len;
            CU_ASSERT_EQUAL(bv_merkle_verify(leaf, len, idx, cap, ch, sibs, ns, &st), BV_OK);
            CU_ASSERT_TRUE(merkle_case(leaf, len, idx, lg, sibs, ns, cap, cap_len));
            /* wrong index, leaf, sibling, cap entry */
            CU_ASSERT_FALSE(merkle_case(leaf, len, idx ^ 1, lg, sibs, ns, cap, cap_len));
            gl_t bad[16];
            memcpy(bad, leaf, len * sizeof *bad);
            bad[len - 1] = gl_add(bad[len - 1], 1);
            CU_ASSERT_FALSE(merkle_case(bad, len, idx, lg, sibs, ns, cap, cap_len));
            if (ns > 0) {
                bv_hash keep = sibs[ns - 1];
                sibs[ns - 1].e[2] = gl_add(sibs[ns - 1].e[2], 1);
                CU_ASSERT_FALSE(merkle_case(leaf, len, idx, lg, sibs, ns, cap, cap_len));
                sibs[ns - 1] = keep;
            }
            bv_hash capc[64];
            memcpy(capc, cap, cap_len * sizeof *capc);
            capc[(idx >> ns) & (cap_len - 1)].e[0] ^= 1;
            CU_ASSERT_FALSE(merkle_case(leaf, len, idx, lg, sibs, ns, capc, cap_len));
        }
        bv_merkle_free(&tree);
        free(leaves);
    }
}

/* ------------------------------------------------------------ inner proofs */

/* A small inner circuit: public inputs (x, x^3 + 5x, poseidon(x)[0]). */
typedef struct {
    bv_circuit_data *d;
    bv_target x;
} inner_circ;

static void inner_build(inner_circ *ic, uint32_t min_bits, gl_t salt)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_circuit *c = bv_circuit_new(&cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    ic->x = bv_circuit_add_virtual(c);
    bv_target x3 = bv_gadget_mul(c, bv_gadget_square(c, ic->x), ic->x);
    bv_target y = bv_gadget_mul_const_add(c, 5, ic->x, x3);
    y = bv_gadget_add_const(c, y, salt);
    bv_hash_target hh = bv_gadget_hash_n_to_hash_no_pad(c, &ic->x, 1);
    bv_target pis[3] = {ic->x, y, hh.e[0]};
    bv_circuit_register_public_inputs(c, pis, 3);
    bv_circuit_set_min_degree_bits(c, min_bits);
    bv_status st;
    bv_err e = bv_circuit_build(c, &ic->d, &st);
    if (e)
        printf("\n    inner build: %s", st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
    bv_circuit_free(c);
}

static void inner_prove(const inner_circ *ic, gl_t x, bv_proof *p)
{
    bv_witness *w = bv_witness_new(ic->d);
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_witness_set(w, ic->x, x, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(bv_witness_generate(w, 3, &st), BV_OK);
    bv_err e = bv_prove(ic->d, w, p, NULL, &st);
    if (e)
        printf("\n    inner prove: %s", st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
    bv_witness_free(w);
}

static bv_err verify_d(const bv_circuit_data *d, const bv_proof *p, bv_status *st)
{
    return bv_verify(bv_circuit_data_verifier(d), bv_circuit_data_common(d), p, st);
}

/* Inner proof verified in an outer circuit: witness satisfies the outer
 * constraints and the outer proof verifies natively; the forwarded public
 * inputs are the inner ones. */
static void test_wrapper_verifies_inner(void)
{
    inner_circ ic;
    inner_build(&ic, 0, 0);
    bv_proof p;
    inner_prove(&ic, 1234567, &p);
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(verify_d(ic.d, &p, &st), BV_OK);

    bv_plonk_config cfg = bv_plonk_config_test();
    bv_rec_wrapper wr;
    bv_err e = bv_rec_wrapper_build(&cfg, bv_circuit_data_verifier(ic.d),
                                    bv_circuit_data_common(ic.d), &wr, &st);
    if (e)
        printf("\n    wrapper build: %s", st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
    char rep[1024];
    bv_rec_row_report(wr.data, rep, sizeof rep);
    printf("\n    inner 2^%u (test config) -> outer 2^%u (%u rows before padding): %s",
           bv_circuit_data_common(ic.d)->degree_bits, bv_circuit_data_common(wr.data)->degree_bits,
           wr.rows_before_padding, rep);

    /* the outer witness satisfies every row's constraints */
    bv_witness *w = bv_witness_new(wr.data);
    CU_ASSERT_EQUAL_FATAL(bv_rec_set_proof_target(w, &wr.inner, &p, &st), BV_OK);
    e = bv_witness_generate(w, 1, &st);
    if (e)
        printf("\n    outer witness: %s", st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
    e = bv_witness_check_constraints(w, &st);
    if (e)
        printf("\n    outer constraints: %s", st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
    bv_witness_free(w);

    bv_proof outer;
    e = bv_rec_wrapper_prove(&wr, &p, &outer, &st);
    if (e)
        printf("\n    outer prove: %s", st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
    CU_ASSERT_EQUAL(verify_d(wr.data, &outer, &st), BV_OK);
    CU_ASSERT_EQUAL_FATAL(outer.num_public_inputs, 3);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(outer.public_inputs[i], p.public_inputs[i]);

    /* tampered outer proofs are rejected natively */
    uint8_t *buf = NULL;
    size_t len = 0;
    const bv_verifier_data *vd = bv_circuit_data_verifier(wr.data);
    CU_ASSERT_EQUAL_FATAL(bv_proof_serialize(&outer, &vd->circuit_digest, &buf, &len, &st), BV_OK);
    uint64_t seed = 5;
    for (int t = 0; t < 40; t++) {
        size_t pos = (size_t)(tu_rand(&seed) % len);
        uint8_t bit = (uint8_t)(1u << (tu_rand(&seed) % 8));
        buf[pos] ^= bit;
        bv_proof q;
        bv_hash dg;
        bv_err de = bv_proof_deserialize(bv_circuit_data_common(wr.data), buf, len, &q, &dg, &st);
        if (de == BV_OK) {
            int same = memcmp(&dg, &vd->circuit_digest, sizeof dg) == 0;
            CU_ASSERT_FALSE(same && verify_d(wr.data, &q, &st) == BV_OK);
            bv_proof_free(&q);
        }
        buf[pos] ^= bit;
    }
    free(buf);
    bv_proof_free(&outer);
    bv_rec_wrapper_free(&wr);
    bv_proof_free(&p);
    bv_circuit_data_free(ic.d);
}

/* Outer witness generation or proving must fail. */
static int outer_accepts(const bv_rec_wrapper *wr, const bv_proof *p)
{
    bv_status st;
    bv_proof out;
    if (bv_rec_wrapper_prove(wr, p, &out, &st) != BV_OK)
        return 0;
    int ok = verify_d(wr->data, &out, &st) == BV_OK;
    bv_proof_free(&out);
    return ok;
}

static void test_soundness_tampered_inner(void)
{
    inner_circ ic, other;
    inner_build(&ic, 0, 0);
    inner_build(&other, 0, 17); /* same shape, different circuit */
    bv_proof p, po;
    inner_prove(&ic, 777, &p);
    inner_prove(&other, 777, &po);
    bv_status st;
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_rec_wrapper wr;
    CU_ASSERT_EQUAL_FATAL(bv_rec_wrapper_build(&cfg, bv_circuit_data_verifier(ic.d),
                                               bv_circuit_data_common(ic.d), &wr, &st),
                          BV_OK);
    CU_ASSERT_TRUE(outer_accepts(&wr, &p));
    /* a proof of another circuit with the same common data */
    CU_ASSERT_EQUAL(verify_d(ic.d, &po, &st) == BV_OK, 0);
    CU_ASSERT_FALSE(outer_accepts(&wr, &po));
    /* tampered public input */
    p.public_inputs[1] = gl_add(p.public_inputs[1], 1);
    CU_ASSERT_FALSE(outer_accepts(&wr, &p));
    p.public_inputs[1] = gl_sub(p.public_inputs[1], 1);
    /* tampered opening, cap, FRI leaf, final polynomial, PoW witness */
    p.openings[3].c1 = gl_add(p.openings[3].c1, 1);
    CU_ASSERT_FALSE(outer_accepts(&wr, &p));
    p.openings[3].c1 = gl_sub(p.openings[3].c1, 1);
    p.wires_cap[2].e[1] ^= 1;
    CU_ASSERT_FALSE(outer_accepts(&wr, &p));
    p.wires_cap[2].e[1] ^= 1;
    gl_t *leaf = bv_fri_proof_leaf(&p.fri, 2, 1);
    leaf[5] = gl_add(leaf[5], 1);
    CU_ASSERT_FALSE(outer_accepts(&wr, &p));
    leaf[5] = gl_sub(leaf[5], 1);
    p.fri.final_poly[0].c0 = gl_add(p.fri.final_poly[0].c0, 1);
    CU_ASSERT_FALSE(outer_accepts(&wr, &p));
    p.fri.final_poly[0].c0 = gl_sub(p.fri.final_poly[0].c0, 1);
    p.fri.pow_witness = gl_add(p.fri.pow_witness, 1);
    CU_ASSERT_FALSE(outer_accepts(&wr, &p));
    p.fri.pow_witness = gl_sub(p.fri.pow_witness, 1);
    /* restored: accepted again */
    CU_ASSERT_TRUE(outer_accepts(&wr, &p));
    /* a proof of another shape (2^8 rows) cannot even be loaded as the
     * inner proof: a clear error, no crash */
    {
        inner_circ big;
        inner_build(&big, 8, 0);
        bv_proof pb;
        inner_prove(&big, 777, &pb);
        bv_witness *w = bv_witness_new(wr.data);
        CU_ASSERT_EQUAL(bv_rec_set_proof_target(w, &wr.inner, &pb, &st), BV_ERR_FORMAT);
        CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "shape"));
        bv_witness_free(w);
        bv_proof_free(&pb);
        bv_circuit_data_free(big.d);
    }
    bv_rec_wrapper_free(&wr);
    bv_proof_free(&p);
    bv_proof_free(&po);
    bv_circuit_data_free(ic.d);
    bv_circuit_data_free(other.d);
}

static void agg_combine(bv_circuit *c, const bv_target *l, const bv_target *r, uint32_t n,
                        void *ctx)
{
    (void)ctx;
    for (uint32_t i = 0; i < n; i++)
        bv_circuit_register_public_input(c, bv_gadget_add(c, l[i], r[i]));
}

static int agg_accepts(const bv_rec_aggregator *a, const bv_proof *l, const bv_proof *r,
                       bv_proof *keep)
{
    bv_status st;
    bv_proof out;
    if (bv_rec_aggregator_prove(a, l, r, &out, &st) != BV_OK)
        return 0;
    int ok = verify_d(a->data, &out, &st) == BV_OK;
    if (keep && ok)
        *keep = out;
    else
        bv_proof_free(&out);
    return ok;
}

/* 2-to-1: both children are checked; the combined public inputs are the
 * rule's; either child tampered, or a child of another circuit, fails. */
static void test_two_to_one_soundness(void)
{
    inner_circ ic, other;
    inner_build(&ic, 8, 0); /* 2^8 rows: one FRI folding step */
    inner_build(&other, 8, 9);
    bv_proof a, b, o;
    inner_prove(&ic, 10, &a);
    inner_prove(&ic, 20, &b);
    inner_prove(&other, 20, &o);
    bv_status st;
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_rec_aggregator ag;
    bv_err e = bv_rec_aggregator_build(&cfg, bv_circuit_data_verifier(ic.d),
                                       bv_circuit_data_common(ic.d), agg_combine, NULL, &ag, &st);
    if (e)
        printf("\n    aggregator build: %s", st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
    bv_proof root;
    CU_ASSERT_TRUE_FATAL(agg_accepts(&ag, &a, &b, &root));
    CU_ASSERT_EQUAL(root.public_inputs[0], 30);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(root.public_inputs[i], gl_add(a.public_inputs[i], b.public_inputs[i]));
    bv_proof_free(&root);
    CU_ASSERT_FALSE(agg_accepts(&ag, &a, &o, NULL));
    CU_ASSERT_FALSE(agg_accepts(&ag, &o, &b, NULL));
    b.public_inputs[0] = 21;
    CU_ASSERT_FALSE(agg_accepts(&ag, &a, &b, NULL));
    b.public_inputs[0] = 20;
    CU_ASSERT_EQUAL_FATAL(a.fri.params.n_reductions, 1);
    bv_fri_proof_step_evals(&a.fri, 1, 0)[3].c0 ^= 1;
    CU_ASSERT_NOT_EQUAL(verify_d(ic.d, &a, &st), BV_OK);
    CU_ASSERT_FALSE(agg_accepts(&ag, &a, &b, NULL));
    bv_fri_proof_step_evals(&a.fri, 1, 0)[3].c0 ^= 1;
    CU_ASSERT_TRUE(agg_accepts(&ag, &a, &b, NULL));
    bv_rec_aggregator_free(&ag);
    bv_proof_free(&a);
    bv_proof_free(&b);
    bv_proof_free(&o);
    bv_circuit_data_free(ic.d);
    bv_circuit_data_free(other.d);
}

/* hash rule: the node's public inputs are hash_no_pad(left ‖ right) */
static void hash_combine(bv_circuit *c, const bv_target *l, const bv_target *r, uint32_t n,
                         void *ctx)
{
    (void)ctx;
    bv_target all[64];
    for (uint32_t i = 0; i < n; i++) {
        all[i] = l[i];
        all[n + i] = r[i];
    }
    bv_hash_target h = bv_gadget_hash_n_to_hash_no_pad(c, all, 2 * n);
    bv_circuit_register_public_inputs(c, h.e, 4);
}

static void test_two_to_one_hash_rule(void)
{
    inner_circ ic;
    inner_build(&ic, 0, 0);
    bv_proof a, b;
    inner_prove(&ic, 5, &a);
    inner_prove(&ic, 6, &b);
    bv_status st;
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_rec_aggregator ag;
    CU_ASSERT_EQUAL_FATAL(bv_rec_aggregator_build(&cfg, bv_circuit_data_verifier(ic.d),
                                                  bv_circuit_data_common(ic.d), hash_combine, NULL,
                                                  &ag, &st),
                          BV_OK);
    bv_proof root;
    CU_ASSERT_TRUE_FATAL(agg_accepts(&ag, &a, &b, &root));
    gl_t all[6];
    for (int i = 0; i < 3; i++) {
        all[i] = a.public_inputs[i];
        all[3 + i] = b.public_inputs[i];
    }
    bv_hash h = bv_poseidon_hash_no_pad(all, 6);
    CU_ASSERT_EQUAL_FATAL(root.num_public_inputs, 4);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(root.public_inputs[i], h.e[i]);
    bv_proof_free(&root);
    bv_rec_aggregator_free(&ag);
    bv_proof_free(&a);
    bv_proof_free(&b);
    bv_circuit_data_free(ic.d);
}

/* Recursion chain: verify, then verify the verifier, until the degree stops
 * shrinking (the fixed point); every proof verifies natively. */
static void test_recursion_chain_fixed_point(void)
{
    inner_circ ic;
    inner_build(&ic, 12, 0);
    bv_proof p;
    inner_prove(&ic, 42, &p);
    bv_status st;
    bv_plonk_config cfg = bv_plonk_config_test();
    const bv_circuit_data *cur = ic.d;
    bv_rec_wrapper wr[6];
    int nw = 0;
    uint32_t prev_bits = bv_circuit_data_common(cur)->degree_bits;
    printf("\n    chain: 2^%u", prev_bits);
    for (; nw < 6; nw++) {
        bv_err e = bv_rec_wrapper_build(&cfg, bv_circuit_data_verifier(cur),
                                        bv_circuit_data_common(cur), &wr[nw], &st);
        if (e)
            printf("\n    chain build: %s", st.msg);
        CU_ASSERT_EQUAL_FATAL(e, BV_OK);
        bv_proof q;
        e = bv_rec_wrapper_prove(&wr[nw], &p, &q, &st);
        if (e)
            printf("\n    chain prove: %s", st.msg);
        CU_ASSERT_EQUAL_FATAL(e, BV_OK);
        CU_ASSERT_EQUAL(verify_d(wr[nw].data, &q, &st), BV_OK);
        CU_ASSERT_EQUAL(q.public_inputs[0], 42);
        bv_proof_free(&p);
        p = q;
        cur = wr[nw].data;
        uint32_t b = bv_circuit_data_common(cur)->degree_bits;
        printf(" -> 2^%u (%u rows)", b, wr[nw].rows_before_padding);
        if (b >= prev_bits && nw > 0) {
            nw++;
            break;
        }
        prev_bits = b;
    }
    CU_ASSERT_TRUE(nw < 6);
    for (int i = 0; i < nw; i++)
        bv_rec_wrapper_free(&wr[i]);
    bv_proof_free(&p);
    bv_circuit_data_free(ic.d);
}

/* 3-level aggregation tree of 8 leaves: the root's public inputs are the sum
 * and the count; the written files pass bv_verify's loader and verifier. */
static void test_aggregation_tree_8(void)
{
    bv_plonk_config cfg = bv_plonk_config_test();
    char dir[] = "/tmp/bv_rec_aggXXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    gl_t sum = 0, count = 0;
    bv_status st;
    bv_err e = bv_demo_aggregate(&cfg, 3, 1000, dir, &sum, &count, &st);
    if (e)
        printf("\n    aggregate: %s", st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
    CU_ASSERT_EQUAL(count, 8);
    CU_ASSERT_EQUAL(sum, 8 * 1000 + 28);
    char path[256];
    uint8_t *cb = NULL, *pb = NULL;
    size_t cl = 0, pl = 0;
    snprintf(path, sizeof path, "%s/circuit.bin", dir);
    CU_ASSERT_EQUAL_FATAL(bv_plonk_read_file(path, 1u << 30, &cb, &cl, &st), BV_OK);
    unlink(path);
    snprintf(path, sizeof path, "%s/proof.bin", dir);
    CU_ASSERT_EQUAL_FATAL(bv_plonk_read_file(path, 1u << 30, &pb, &pl, &st), BV_OK);
    unlink(path);
    rmdir(dir);
    bv_verifier_data vd;
    bv_common_data cd;
    CU_ASSERT_EQUAL_FATAL(
        bv_circuit_file_deserialize(cb, cl, BV_LOAD_ALLOW_TEST_CONFIG, &vd, &cd, &st), BV_OK);
    bv_proof p;
    bv_hash dg;
    CU_ASSERT_EQUAL_FATAL(bv_proof_deserialize(&cd, pb, pl, &p, &dg, &st), BV_OK);
    CU_ASSERT_EQUAL(memcmp(&dg, &vd.circuit_digest, sizeof dg), 0);
    CU_ASSERT_EQUAL(bv_verify(&vd, &cd, &p, &st), BV_OK);
    CU_ASSERT_EQUAL(p.public_inputs[0], 8028);
    CU_ASSERT_EQUAL(p.public_inputs[1], 8);
    p.public_inputs[0] = 8029;
    CU_ASSERT_NOT_EQUAL(bv_verify(&vd, &cd, &p, &st), BV_OK);
    bv_proof_free(&p);
    bv_common_data_release(&cd);
    free(cb);
    free(pb);
}

static void register_suites(void)
{
    bv_cu_add_suite("recursion");
    bv_cu_add_test("gate evaluation on targets equals eval_ext", test_gate_eval_all);
    bv_cu_add_test("in-circuit challenger equals native", test_challenger_matches_native);
    bv_cu_add_test("in-circuit Merkle check equals native", test_merkle_matches_native);
    bv_cu_add_test("wrapper verifies an inner proof", test_wrapper_verifies_inner);
    bv_cu_add_test("soundness: tampered inner proofs", test_soundness_tampered_inner);
    bv_cu_add_test("2-to-1 soundness and combination rule", test_two_to_one_soundness);
    bv_cu_add_test("2-to-1 with a hashing rule", test_two_to_one_hash_rule);
    bv_cu_add_test("recursion chain reaches a fixed point", test_recursion_chain_fixed_point);
    bv_cu_add_test("aggregation tree of 8 leaves", test_aggregation_tree_8);
}

BV_CU_MAIN(register_suites)
