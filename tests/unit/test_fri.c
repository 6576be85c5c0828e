/* test_fri.c - polynomial batch commitments (polybatch.h) and FRI (fri.h):
 * completeness at several sizes, soundness checks (wrong openings,
 * high-degree oracles, byte flips, truncation, PoW), serialisation. */
#include "cu_main.h"

#include "balverify/fri.h"
#include "balverify/ntt.h"

#include <omp.h>
#include <string.h>

static uint64_t rng_state = 0x452821e638d01377ULL;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static gl_t rnd_gl(void)
{
    return rnd() % GL_P;
}

static gl_t *rnd_coeffs(size_t n)
{
    gl_t *c = malloc(n * sizeof *c);
    for (size_t i = 0; i < n; i++)
        c[i] = rnd_gl();
    return c;
}

static gl_t horner(const gl_t *c, size_t n, gl_t x)
{
    gl_t acc = 0;
    for (size_t j = n; j-- > 0;)
        acc = gl_add(gl_mul(acc, x), c[j]);
    return acc;
}

/* ------------------------------------------------------------ polybatch */

static void test_polybatch_layout(void)
{
    unsigned log_n = 5, rate = 2, h = 3;
    size_t n = 32, np = 7, big = n << rate;
    gl_t *c = rnd_coeffs(np * n);
    bv_polybatch pb;
    CU_ASSERT_EQUAL_FATAL(bv_polybatch_from_coeffs(&pb, c, np, log_n, rate, h, NULL), BV_OK);
    CU_ASSERT_EQUAL(bv_polybatch_lde_size(&pb), big);
    gl_t w = gl_root_of_unity(log_n + rate);
    for (size_t r = 0; r < big; r++) {
        gl_t x = gl_mul(GL_MULTIPLICATIVE_GENERATOR, gl_pow(w, bv_rev_bits(r, log_n + rate)));
        for (size_t p = 0; p < np; p++)
            CU_ASSERT_EQUAL(bv_polybatch_leaf(&pb, r)[p], horner(c + p * n, n, x));
        /* natural-order row access */
        gl_t xn = gl_mul(GL_MULTIPLICATIVE_GENERATOR, gl_pow(w, r));
        CU_ASSERT_EQUAL(bv_polybatch_lde_row(&pb, r)[3], horner(c + 3 * n, n, xn));
    }
    /* the cap commits to the rows */
    bv_merkle_tree t;
    CU_ASSERT_EQUAL_FATAL(bv_merkle_build(&t, pb.lde, log_n + rate, np, h, NULL), BV_OK);
    CU_ASSERT_EQUAL(memcmp(bv_merkle_cap(&t), bv_polybatch_cap(&pb), 8 * sizeof(bv_hash)), 0);
    bv_hash sib[4];
    bv_polybatch_prove(&pb, 77, sib);
    CU_ASSERT_EQUAL(bv_merkle_verify(bv_polybatch_leaf(&pb, 77), np, 77, bv_polybatch_cap(&pb), h,
                                     sib, 4, NULL),
                    BV_OK);
    bv_merkle_free(&t);
    /* evaluation over K */
    gl_ext z = gl_ext_make(rnd_gl(), rnd_gl()), out[7];
    CU_ASSERT_EQUAL(bv_polybatch_eval_all(&pb, z, out, NULL), BV_OK);
    for (size_t p = 0; p < np; p++) {
        gl_ext acc = gl_ext_zero();
        for (size_t j = n; j-- > 0;)
            acc = gl_ext_add(gl_ext_mul(acc, z), gl_ext_from_base(c[p * n + j]));
        CU_ASSERT(gl_ext_eq(out[p], acc));
        CU_ASSERT(gl_ext_eq(bv_polybatch_eval(&pb, p, z), acc));
    }
    /* coefficients and powers at p - 1 stress the 128-bit accumulation */
    gl_t *maxc = malloc(np * n * sizeof *maxc);
    for (size_t i = 0; i < np * n; i++)
        maxc[i] = GL_P - 1;
    bv_polybatch pm;
    CU_ASSERT_EQUAL_FATAL(bv_polybatch_from_coeffs(&pm, maxc, np, log_n, rate, h, NULL), BV_OK);
    gl_ext zm = gl_ext_make(GL_P - 1, GL_P - 1);
    CU_ASSERT_EQUAL(bv_polybatch_eval_all(&pm, zm, out, NULL), BV_OK);
    for (size_t p = 0; p < np; p++)
        CU_ASSERT(gl_ext_eq(out[p], bv_polybatch_eval(&pm, p, zm)));
    bv_polybatch_free(&pm);
    free(maxc);
    /* from values on H gives the same commitment */
    gl_t *vals = malloc(np * n * sizeof *vals);
    memcpy(vals, c, np * n * sizeof *vals);
    for (size_t p = 0; p < np; p++)
        bv_fft(vals + p * n, log_n, NULL);
    bv_polybatch pv;
    CU_ASSERT_EQUAL_FATAL(bv_polybatch_from_values(&pv, vals, np, log_n, rate, h, NULL), BV_OK);
    CU_ASSERT_EQUAL(memcmp(pv.coeffs, c, np * n * sizeof *c), 0);
    CU_ASSERT_EQUAL(memcmp(bv_polybatch_cap(&pv), bv_polybatch_cap(&pb), 8 * sizeof(bv_hash)), 0);
    bv_polybatch_free(&pv);
    bv_polybatch_free(&pv); /* twice is harmless */
    bv_polybatch_free(&pb);
    free(vals);
    free(c);
    bv_status st;
    CU_ASSERT_EQUAL(bv_polybatch_from_coeffs(&pb, NULL, 0, 3, 1, 0, &st), BV_ERR_ARG);
    gl_t one[2] = {1, 2};
    CU_ASSERT_EQUAL(bv_polybatch_from_coeffs(&pb, one, 1, 1, 1, 3, &st), BV_ERR_ARG);
}

/* batches larger than the internal LDE group size (16), 1 and 2 threads */
static void test_polybatch_groups(void)
{
    unsigned log_n = 6, rate = 3;
    size_t n = 64, np = 37, big = n << rate;
    gl_t *c = rnd_coeffs(np * n);
    bv_polybatch a, b;
    omp_set_num_threads(1);
    CU_ASSERT_EQUAL_FATAL(bv_polybatch_from_coeffs(&a, c, np, log_n, rate, 4, NULL), BV_OK);
    omp_set_num_threads(2);
    CU_ASSERT_EQUAL_FATAL(bv_polybatch_from_coeffs(&b, c, np, log_n, rate, 4, NULL), BV_OK);
    CU_ASSERT_EQUAL(memcmp(a.lde, b.lde, np * big * sizeof(gl_t)), 0);
    CU_ASSERT_EQUAL(memcmp(bv_polybatch_cap(&a), bv_polybatch_cap(&b), 16 * sizeof(bv_hash)), 0);
    gl_t w = gl_root_of_unity(log_n + rate);
    for (int t = 0; t < 50; t++) {
        size_t r = rnd() % big, p = rnd() % np;
        gl_t x = gl_mul(GL_MULTIPLICATIVE_GENERATOR, gl_pow(w, bv_rev_bits(r, log_n + rate)));
        CU_ASSERT_EQUAL(bv_polybatch_leaf(&a, r)[p], horner(c + p * n, n, x));
    }
    bv_polybatch_free(&a);
    bv_polybatch_free(&b);
    free(c);
}

/* -------------------------------------------------------------- params */

static void test_params(void)
{
    bv_fri_config c = bv_fri_config_standard();
    CU_ASSERT_EQUAL(bv_fri_conjectured_security_bits(&c), 100);
    bv_fri_config t = bv_fri_config_test();
    CU_ASSERT_EQUAL(bv_fri_conjectured_security_bits(&t), 32);
    struct {
        uint32_t d, n, final;
    } ex[] = {{12, 2, 16}, {13, 2, 32}, {14, 3, 4}, {16, 3, 16}, {20, 4, 16}};
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        bv_fri_params p;
        CU_ASSERT_EQUAL_FATAL(bv_fri_params_init(&p, &c, ex[i].d, NULL), BV_OK);
        CU_ASSERT_EQUAL(p.n_reductions, ex[i].n);
        for (uint32_t k = 0; k < p.n_reductions; k++)
            CU_ASSERT_EQUAL(p.reduction_arity_bits[k], 4);
        CU_ASSERT_EQUAL(bv_fri_final_poly_len(&p), ex[i].final);
    }
    /* transcript prelude for degree 12 (spec section 6.10) */
    bv_fri_params p;
    bv_fri_params_init(&p, &c, 12, NULL);
    bv_challenger a, b;
    bv_challenger_init(&a);
    bv_challenger_init(&b);
    bv_fri_observe_params(&a, &p);
    gl_t expect[] = {3, 4, 16, 1, 4, 5, 28, 0, 12, 4, 4};
    bv_challenger_observe_many(&b, expect, 11);
    CU_ASSERT_EQUAL(bv_challenger_get(&a), bv_challenger_get(&b));
    bv_status st;
    bv_fri_config bad = c;
    bad.rate_bits = 0;
    CU_ASSERT_EQUAL(bv_fri_params_init(&p, &bad, 12, &st), BV_ERR_ARG);
    bad = c;
    bad.num_query_rounds = 0;
    CU_ASSERT_EQUAL(bv_fri_params_init(&p, &bad, 12, &st), BV_ERR_ARG);
    CU_ASSERT_EQUAL(bv_fri_params_init(&p, &c, 30, &st), BV_ERR_ARG);
    /* hand-made params are validated */
    bv_fri_params_init(&p, &c, 12, NULL);
    CU_ASSERT_EQUAL(bv_fri_params_check(&p, NULL), BV_OK);
    bv_fri_params q = p;
    q.reduction_arity_bits[1] = 9;
    CU_ASSERT_EQUAL(bv_fri_params_check(&q, &st), BV_ERR_ARG);
    q = p;
    q.n_reductions = 17;
    CU_ASSERT_EQUAL(bv_fri_params_check(&q, &st), BV_ERR_ARG);
    q = p;
    q.n_reductions = 4; /* 16 bits of folding for degree 12 */
    q.reduction_arity_bits[2] = q.reduction_arity_bits[3] = 4;
    CU_ASSERT_EQUAL(bv_fri_params_check(&q, &st), BV_ERR_ARG);
    CU_ASSERT(strstr(st.msg, "do not fit") != NULL);
    bv_fri_proof pr;
    size_t w[1] = {0};
    CU_ASSERT_EQUAL(bv_fri_proof_alloc(&pr, &p, w, 1, &st), BV_ERR_ARG);
    CU_ASSERT_EQUAL(bv_fri_proof_deserialize(&pr, &q, w, 1, NULL, 0, NULL, &st), BV_ERR_ARG);
}

/* ------------------------------------------------------------ fixture */

typedef struct {
    bv_fri_params params;
    bv_polybatch pb[2];
    bv_polybatch *orc[2];
    size_t widths[2];
    bv_fri_poly_ref refs0[8], refs1[2];
    bv_fri_batch batches[2];
    bv_fri_instance inst;
    gl_ext *openings;
    size_t n_open;
    bv_fri_proof proof;
} fx;

static void transcript_start(bv_challenger *ch, const fx *f)
{
    bv_challenger_init(ch);
    bv_fri_observe_params(ch, &f->params);
    for (int o = 0; o < 2; o++)
        bv_challenger_observe_cap(ch, bv_polybatch_cap(&f->pb[o]),
                                  (size_t)1 << f->params.config.cap_height);
}

/* two oracles (3 and 5 polynomials), batch 0 at zeta: all 8; batch 1 at
 * omega*zeta: oracle 1 polys 0 and 2 (the PLONK shape in miniature) */
static void fx_setup(fx *f, const bv_fri_config *cfg, unsigned d)
{
    memset(f, 0, sizeof *f);
    CU_ASSERT_EQUAL_FATAL(bv_fri_params_init(&f->params, cfg, d, NULL), BV_OK);
    f->widths[0] = 3;
    f->widths[1] = 5;
    size_t n = (size_t)1 << d;
    for (int o = 0; o < 2; o++) {
        gl_t *c = rnd_coeffs(f->widths[o] * n);
        CU_ASSERT_EQUAL_FATAL(bv_polybatch_from_coeffs(&f->pb[o], c, f->widths[o], d,
                                                       cfg->rate_bits, cfg->cap_height, NULL),
                              BV_OK);
        f->orc[o] = &f->pb[o];
        free(c);
    }
    size_t k = 0;
    for (uint32_t o = 0; o < 2; o++)
        for (uint32_t p = 0; p < f->widths[o]; p++)
            f->refs0[k++] = (bv_fri_poly_ref){o, p};
    f->refs1[0] = (bv_fri_poly_ref){1, 0};
    f->refs1[1] = (bv_fri_poly_ref){1, 2};
    gl_ext zeta = gl_ext_make(rnd_gl(), rnd_gl());
    f->batches[0] = (bv_fri_batch){zeta, 8, f->refs0};
    f->batches[1] = (bv_fri_batch){gl_ext_scalar_mul(zeta, gl_root_of_unity(d)), 2, f->refs1};
    f->inst = (bv_fri_instance){2, f->widths, 2, f->batches};
    f->n_open = bv_fri_instance_n_openings(&f->inst);
    CU_ASSERT_EQUAL(f->n_open, 10);
    f->openings = malloc(f->n_open * sizeof *f->openings);
    CU_ASSERT_EQUAL_FATAL(bv_fri_compute_openings(f->orc, &f->inst, f->openings, NULL), BV_OK);
    bv_challenger ch;
    transcript_start(&ch, f);
    bv_challenger_observe_ext_many(&ch, f->openings, f->n_open);
    bv_status st;
    bv_err e = bv_fri_prove(&f->params, f->orc, &f->inst, &ch, &f->proof, &st);
    if (e)
        printf("prove: %s\n", st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
}

static bv_err fx_verify(const fx *f, const bv_fri_proof *pr, const gl_ext *openings, bv_status *st)
{
    bv_challenger ch;
    transcript_start(&ch, f);
    bv_challenger_observe_ext_many(&ch, openings, f->n_open);
    const bv_hash *caps[2] = {bv_polybatch_cap(&f->pb[0]), bv_polybatch_cap(&f->pb[1])};
    return bv_fri_verify(&f->params, caps, &f->inst, openings, pr, &ch, st);
}

static void fx_free(fx *f)
{
    bv_fri_proof_free(&f->proof);
    bv_polybatch_free(&f->pb[0]);
    bv_polybatch_free(&f->pb[1]);
    free(f->openings);
}

/* ---------------------------------------------------------------- tests */

static void test_prove_verify_sizes(void)
{
    bv_fri_config cfg = bv_fri_config_test();
    for (unsigned d = 1; d <= 12; d++) {
        fx f;
        fx_setup(&f, &cfg, d);
        bv_status st;
        bv_err e = fx_verify(&f, &f.proof, f.openings, &st);
        if (e)
            printf("d=%u: %s\n", d, st.msg);
        CU_ASSERT_EQUAL(e, BV_OK);
        fx_free(&f);
    }
    /* other arities and rates */
    bv_fri_config c2 = cfg;
    c2.arity_bits = 1;
    c2.rate_bits = 1;
    c2.cap_height = 0;
    c2.final_poly_bits = 0;
    bv_fri_config c3 = cfg;
    c3.arity_bits = 3;
    c3.rate_bits = 2;
    c3.cap_height = 2;
    c3.final_poly_bits = 2;
    const bv_fri_config *cs[] = {&c2, &c3};
    for (int i = 0; i < 2; i++)
        for (unsigned d = 3; d <= 9; d += 3) {
            fx f;
            fx_setup(&f, cs[i], d);
            CU_ASSERT_EQUAL(fx_verify(&f, &f.proof, f.openings, NULL), BV_OK);
            fx_free(&f);
        }
}

static void test_standard_config(void)
{
    bv_fri_config cfg = bv_fri_config_standard();
    fx f;
    fx_setup(&f, &cfg, 8);
    bv_status st;
    CU_ASSERT_EQUAL(fx_verify(&f, &f.proof, f.openings, &st), BV_OK);
    /* a different PoW witness fails the 16-bit check */
    bv_fri_proof pr = f.proof;
    pr.pow_witness = gl_add(f.proof.pow_witness, 1);
    CU_ASSERT_EQUAL(fx_verify(&f, &pr, f.openings, &st), BV_ERR_VERIFY);
    CU_ASSERT(strstr(st.msg, "proof-of-work") != NULL);
    fx_free(&f);
}

static void test_wrong_openings(void)
{
    bv_fri_config cfg = bv_fri_config_test();
    fx f;
    fx_setup(&f, &cfg, 7);
    gl_ext *bad = malloc(f.n_open * sizeof *bad);
    for (size_t i = 0; i < f.n_open; i++) {
        memcpy(bad, f.openings, f.n_open * sizeof *bad);
        if (i & 1)
            bad[i].c1 = gl_add(bad[i].c1, 1);
        else
            bad[i].c0 = gl_sub(bad[i].c0, 1 + rnd() % 100);
        bv_status st;
        CU_ASSERT_EQUAL(fx_verify(&f, &f.proof, bad, &st), BV_ERR_VERIFY);
    }
    free(bad);
    fx_free(&f);
}

/* An oracle whose committed rows are the LDE of a polynomial of twice the
 * claimed degree: the committed function is far from the code, the proof
 * must be rejected. */
static void test_high_degree_rejected(void)
{
    bv_fri_config cfg = bv_fri_config_test();
    unsigned d = 7;
    size_t n = (size_t)1 << d;
    fx f;
    fx_setup(&f, &cfg, d);
    fx_free(&f);
    memset(&f, 0, sizeof f);
    bv_fri_params_init(&f.params, &cfg, d, NULL);
    f.widths[0] = 3;
    f.widths[1] = 5;
    for (int o = 0; o < 2; o++) {
        gl_t *c = rnd_coeffs(f.widths[o] * 2 * n);
        /* degree 2n polynomials at rate_bits - 1: the same LDE size */
        CU_ASSERT_EQUAL_FATAL(bv_polybatch_from_coeffs(&f.pb[o], c, f.widths[o], d + 1,
                                                       cfg.rate_bits - 1, cfg.cap_height, NULL),
                              BV_OK);
        /* relabel as degree < n: keep the low half of the coefficients
         * (what an honest evaluation of the claim would use) */
        gl_t *lo = malloc(f.widths[o] * n * sizeof *lo);
        for (size_t p = 0; p < f.widths[o]; p++)
            memcpy(lo + p * n, c + p * 2 * n, n * sizeof *lo);
        free(f.pb[o].coeffs);
        f.pb[o].coeffs = lo;
        f.pb[o].log_n = d;
        f.pb[o].rate_bits = cfg.rate_bits;
        f.orc[o] = &f.pb[o];
        free(c);
    }
    size_t k = 0;
    for (uint32_t o = 0; o < 2; o++)
        for (uint32_t p = 0; p < f.widths[o]; p++)
            f.refs0[k++] = (bv_fri_poly_ref){o, p};
    f.batches[0] = (bv_fri_batch){gl_ext_make(rnd_gl(), rnd_gl()), 8, f.refs0};
    f.inst = (bv_fri_instance){2, f.widths, 1, f.batches};
    f.n_open = 8;
    f.openings = malloc(8 * sizeof *f.openings);
    bv_fri_compute_openings(f.orc, &f.inst, f.openings, NULL);
    bv_challenger ch;
    transcript_start(&ch, &f);
    bv_challenger_observe_ext_many(&ch, f.openings, f.n_open);
    CU_ASSERT_EQUAL_FATAL(bv_fri_prove(&f.params, f.orc, &f.inst, &ch, &f.proof, NULL), BV_OK);
    bv_status st;
    CU_ASSERT_EQUAL(fx_verify(&f, &f.proof, f.openings, &st), BV_ERR_VERIFY);
    fx_free(&f);
}

static void test_serialize_and_flips(void)
{
    bv_fri_config cfg = bv_fri_config_test();
    fx f;
    fx_setup(&f, &cfg, 6);
    size_t len = bv_fri_proof_serialized_size(&f.proof);
    uint8_t *buf = malloc(len + 16);
    bv_fri_proof_serialize(&f.proof, buf);
    /* round trip */
    bv_fri_proof back;
    size_t used = 0;
    bv_status st;
    memset(buf + len, 0xAB, 16); /* trailing bytes are left to the caller */
    CU_ASSERT_EQUAL_FATAL(
        bv_fri_proof_deserialize(&back, &f.params, f.widths, 2, buf, len + 16, &used, &st), BV_OK);
    CU_ASSERT_EQUAL(used, len);
    CU_ASSERT_EQUAL(fx_verify(&f, &back, f.openings, NULL), BV_OK);
    uint8_t *buf2 = malloc(len);
    bv_fri_proof_serialize(&back, buf2);
    CU_ASSERT_EQUAL(memcmp(buf, buf2, len), 0);
    bv_fri_proof_free(&back);
    /* every single-bit flip at random positions is rejected */
    int rejected = 0, trials = 400;
    for (int t = 0; t < trials; t++) {
        size_t pos = rnd() % len;
        uint8_t bit = (uint8_t)(1u << (rnd() % 8));
        buf[pos] ^= bit;
        bv_err e = bv_fri_proof_deserialize(&back, &f.params, f.widths, 2, buf, len, NULL, &st);
        if (e == BV_ERR_FORMAT)
            rejected++;
        else if (e == BV_OK) {
            if (fx_verify(&f, &back, f.openings, &st) == BV_ERR_VERIFY)
                rejected++;
            else
                printf("flip at %zu accepted\n", pos);
            bv_fri_proof_free(&back);
        }
        buf[pos] ^= bit;
    }
    CU_ASSERT_EQUAL(rejected, trials);
    /* truncation at every length is a clean format error */
    for (size_t cut = 0; cut < len; cut += 1 + cut / 8) {
        CU_ASSERT_EQUAL(
            bv_fri_proof_deserialize(&back, &f.params, f.widths, 2, buf, cut, NULL, &st),
            BV_ERR_FORMAT);
    }
    CU_ASSERT(strstr(st.msg, "truncated") != NULL);
    /* garbage of the right length */
    for (int t = 0; t < 20; t++) {
        for (size_t i = 0; i < len; i++)
            buf2[i] = (uint8_t)rnd();
        bv_err e = bv_fri_proof_deserialize(&back, &f.params, f.widths, 2, buf2, len, NULL, &st);
        if (e == BV_OK) {
            CU_ASSERT_EQUAL(fx_verify(&f, &back, f.openings, NULL), BV_ERR_VERIFY);
            bv_fri_proof_free(&back);
        } else {
            CU_ASSERT_EQUAL(e, BV_ERR_FORMAT);
        }
    }
    /* a wrong Merkle-proof length byte is named */
    bv_fri_proof_serialize(&f.proof, buf);
    size_t first_len = (size_t)f.params.n_reductions * 32 * 16 + 3 * 8;
    buf[first_len] ^= 1;
    CU_ASSERT_EQUAL(bv_fri_proof_deserialize(&back, &f.params, f.widths, 2, buf, len, NULL, &st),
                    BV_ERR_FORMAT);
    CU_ASSERT(strstr(st.msg, "Merkle proof length") != NULL);
    free(buf);
    free(buf2);
    fx_free(&f);
}

static void test_shape_mismatch(void)
{
    bv_fri_config cfg = bv_fri_config_test();
    fx f;
    fx_setup(&f, &cfg, 6);
    bv_status st;
    bv_fri_proof pr = f.proof;
    pr.n_queries = 7;
    CU_ASSERT_EQUAL(fx_verify(&f, &pr, f.openings, &st), BV_ERR_VERIFY);
    CU_ASSERT(strstr(st.msg, "shape") != NULL);
    pr = f.proof;
    pr.oracle_widths[1] = 4;
    CU_ASSERT_EQUAL(fx_verify(&f, &pr, f.openings, &st), BV_ERR_VERIFY);
    pr = f.proof;
    pr.params.degree_bits = 5;
    CU_ASSERT_EQUAL(fx_verify(&f, &pr, f.openings, &st), BV_ERR_VERIFY);
    /* in-memory tampering of each section */
    pr = f.proof;
    pr.final_poly[0].c0 = gl_add(pr.final_poly[0].c0, 1);
    CU_ASSERT_EQUAL(fx_verify(&f, &pr, f.openings, &st), BV_ERR_VERIFY);
    pr.final_poly[0].c0 = gl_sub(pr.final_poly[0].c0, 1);
    bv_fri_proof_step_evals(&pr, 3, 0)[5].c1 ^= 1;
    CU_ASSERT_EQUAL(fx_verify(&f, &pr, f.openings, &st), BV_ERR_VERIFY);
    bv_fri_proof_step_evals(&pr, 3, 0)[5].c1 ^= 1;
    bv_fri_proof_leaf(&pr, 2, 1)[4] ^= 1;
    CU_ASSERT_EQUAL(fx_verify(&f, &pr, f.openings, &st), BV_ERR_VERIFY);
    bv_fri_proof_leaf(&pr, 2, 1)[4] ^= 1;
    CU_ASSERT_EQUAL(fx_verify(&f, &pr, f.openings, &st), BV_OK);
    /* prover refuses oracles that do not match the parameters */
    bv_fri_params p2 = f.params;
    p2.degree_bits = 5;
    bv_challenger ch;
    bv_challenger_init(&ch);
    bv_fri_proof out;
    CU_ASSERT_EQUAL(bv_fri_prove(&p2, f.orc, &f.inst, &ch, &out, &st), BV_ERR_ARG);
    fx_free(&f);
}

static void test_threads_deterministic(void)
{
    bv_fri_config cfg = bv_fri_config_test();
    uint64_t seed = rng_state;
    fx a, b;
    omp_set_num_threads(1);
    fx_setup(&a, &cfg, 10);
    rng_state = seed;
    omp_set_num_threads(2);
    fx_setup(&b, &cfg, 10);
    size_t la = bv_fri_proof_serialized_size(&a.proof);
    uint8_t *ba = malloc(la), *bb = malloc(la);
    bv_fri_proof_serialize(&a.proof, ba);
    bv_fri_proof_serialize(&b.proof, bb);
    CU_ASSERT_EQUAL(memcmp(ba, bb, la), 0);
    free(ba);
    free(bb);
    fx_free(&a);
    fx_free(&b);
}

static void register_suites(void)
{
    bv_cu_add_suite("polybatch");
    bv_cu_add_test("LDE rows, cap, evaluation, from values", test_polybatch_layout);
    bv_cu_add_test("37 polynomials (LDE groups), 1 vs 2 threads", test_polybatch_groups);
    bv_cu_add_suite("fri");
    bv_cu_add_test("params, arities, security, transcript prelude", test_params);
    bv_cu_add_test("prove/verify at degrees 2^1..2^12 and other arities", test_prove_verify_sizes);
    bv_cu_add_test("standard config and PoW", test_standard_config);
    bv_cu_add_test("wrong claimed openings rejected", test_wrong_openings);
    bv_cu_add_test("too-high degree oracle rejected", test_high_degree_rejected);
    bv_cu_add_test("serialisation, byte flips, truncation, garbage", test_serialize_and_flips);
    bv_cu_add_test("shape validation and in-memory tampering", test_shape_mismatch);
    bv_cu_add_test("1 and 2 threads give identical proofs", test_threads_deterministic);
}

BV_CU_MAIN(register_suites)
