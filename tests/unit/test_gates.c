/*
 * test_gates.c - every gate type against its own generators and constraints.
 *
 * The gates are exercised on one row through a small dense witness defined
 * here (the gate interface only needs bv_witness_get/set), so these tests do
 * not depend on the circuit builder. The generic tests iterate the gate-type
 * registry (bv_gate_kind_count / bv_gate_kind_examples): a gate type added
 * to the registry with examples is covered without editing this file. For
 * every example instance of every type:
 *  - a random satisfying witness made by the gate's generators from random
 *    free inputs (bv_gate_sample_free) zeroes every constraint, in eval_base
 *    and eval_ext;
 *  - eval_ext on embedded base values equals eval_base embedded;
 *  - changing any single wire the constraints depend on breaks a constraint,
 *    in F and in K;
 *  - constraints restricted to a random line have the declared degree
 *    (finite differences);
 *  - random parameters and data are rejected by bv_gate_check() or safe.
 * Plus, for the built-in types: random K-valued satisfying assignments (the
 * wires each constraint defines solved in order), PoseidonGate against the
 * spec's full wire assignments, coset interpolation against direct
 * polynomial evaluation, generator errors, standard shapes and validation.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"

#include "balverify/circuit_arith.h"
#include "balverify/gates.h"
#include "balverify/poseidon.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-const-variable"
#pragma GCC diagnostic ignored "-Wunused-variable"
#include "../data/poseidon_vectors.h"
#pragma GCC diagnostic pop

#define ROW 5u
#define MAXW 512
#define MAXC 512

/* ------------------------------------------------------------------------- */
/* A dense one-row witness                                                   */
/* ------------------------------------------------------------------------- */

struct bv_witness {
    gl_t v[MAXW];
    uint8_t known[MAXW];
    int bad_access; /* a read of an unknown target, or a target off the row */
};

static int target_ok(bv_witness *w, bv_target t)
{
    if (t.row != ROW || t.col >= MAXW) {
        w->bad_access = 1;
        return 0;
    }
    return 1;
}

int bv_witness_try_get(const bv_witness *w, bv_target t, gl_t *out)
{
    if (t.row != ROW || t.col >= MAXW || !w->known[t.col])
        return 0;
    *out = w->v[t.col];
    return 1;
}

gl_t bv_witness_get(const bv_witness *w, bv_target t)
{
    bv_witness *mw = (bv_witness *)w;
    if (!target_ok(mw, t) || !w->known[t.col]) {
        mw->bad_access = 1;
        return 0;
    }
    return w->v[t.col];
}

bv_err bv_witness_set(bv_witness *w, bv_target t, gl_t v, bv_status *st)
{
    if (!target_ok(w, t))
        return bv_fail(st, BV_ERR_INTERNAL, "target off the test row");
    if (w->known[t.col] && w->v[t.col] != v)
        return bv_fail(st, BV_ERR_VERIFY, "witness conflict at wire %u", t.col);
    w->v[t.col] = v;
    w->known[t.col] = 1;
    return BV_OK;
}

/* ------------------------------------------------------------------------- */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}
static gl_t rnd_gl(void)
{
    return gl_from_u64(rnd());
}
static gl_t rnd_nonzero(void)
{
    gl_t x;
    do
        x = rnd_gl();
    while (x == 0);
    return x;
}
static gl_ext rnd_ext(void)
{
    return gl_ext_make(rnd_gl(), rnd_gl());
}

static int failures;
static void fail_msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("\n    FAIL: ");
    vprintf(fmt, ap);
    va_end(ap);
    failures++;
}

static const char *gid(const bv_gate *g)
{
    static char buf[4][128];
    static int k;
    k = (k + 1) % 4;
    g->ops->id(g, buf[k], sizeof buf[k]);
    return buf[k];
}

static int is_kind(const bv_gate *g, const char *kind)
{
    return strcmp(g->ops->kind, kind) == 0;
}

/* The gate instances under test: every example of every registered gate
 * type (the standard-config parameters first, then others). */
#define MAX_GATES 128
static bv_gate gates[MAX_GATES];
static int ngates;

static void setup_gates(void)
{
    if (ngates)
        return;
    size_t nk = bv_gate_kind_count();
    CU_ASSERT_FATAL(nk > 0);
    for (size_t k = 0; k < nk; k++) {
        size_t n = bv_gate_kind_examples(k, gates + ngates, MAX_GATES - (size_t)ngates);
        CU_ASSERT_FATAL(n >= 1 && n <= MAX_GATES - (size_t)ngates);
        for (size_t i = 0; i < n; i++) {
            const bv_gate *g = &gates[ngates + (int)i];
            CU_ASSERT_PTR_NOT_NULL_FATAL(g->ops);
            CU_ASSERT_FATAL(g->ops->num_wires(g) <= MAXW);
            CU_ASSERT_FATAL(g->ops->num_constraints(g) <= MAXC);
            CU_ASSERT_FATAL(g->ops->num_constants(g) <= BV_PLONK_MAX_CONSTANTS);
        }
        ngates += (int)n;
    }
}

/* Random satisfying base witness from the gate's generators. Returns 0 on
 * success. */
static int make_witness(const bv_gate *g, bv_witness *w, gl_t *consts, bv_hash *pi)
{
    memset(w, 0, sizeof *w);
    uint32_t nc = g->ops->num_constants(g), nw = g->ops->num_wires(g);
    for (uint32_t i = 0; i < nc; i++)
        consts[i] = rnd_nonzero();
    for (int i = 0; i < 4; i++)
        pi->e[i] = rnd_gl();
    bv_status st;
    bv_target deps[MAXW];
    for (uint32_t op = 0; op < g->ops->num_generators(g); op++) {
        size_t nd = g->ops->gen_deps(g, ROW, op, NULL, 0);
        if (nd > MAXW) {
            fail_msg("%s: %zu deps", gid(g), nd);
            return -1;
        }
        if (g->ops->gen_deps(g, ROW, op, deps, MAXW) != nd) {
            fail_msg("%s: gen_deps count differs between calls", gid(g));
            return -1;
        }
        for (size_t i = 0; i < nd; i++) {
            if (deps[i].row != ROW || deps[i].col >= nw) {
                fail_msg("%s: dependency (%u,%u) outside the gate", gid(g), deps[i].row,
                         deps[i].col);
                return -1;
            }
            if (!w->known[deps[i].col])
                bv_witness_set(w, deps[i], bv_gate_sample_free(g, deps[i].col, rnd()), NULL);
        }
    }
    for (uint32_t i = 0; i < g->ops->num_extra_constant_wires(g); i++) {
        uint32_t ci, wire;
        g->ops->extra_constant_wire(g, i, &ci, &wire);
        if (ci >= nc || wire >= nw) {
            fail_msg("%s: extra constant wire %u out of range", gid(g), i);
            return -1;
        }
        bv_witness_set(w, bv_wire(ROW, wire), consts[ci], NULL);
    }
    for (uint32_t i = 0; i < nw; i++) {
        int k = bv_gate_public_input_wire(g, i);
        if (k >= 0)
            bv_witness_set(w, bv_wire(ROW, i), pi->e[k], NULL);
    }
    for (uint32_t op = 0; op < g->ops->num_generators(g); op++) {
        bv_status_clear(&st);
        if (g->ops->gen_run(g, ROW, op, consts, w, &st) != BV_OK) {
            fail_msg("%s: generator %u failed: %s", gid(g), op, st.msg);
            return -1;
        }
    }
    if (w->bad_access) {
        fail_msg("%s: a generator read an unknown wire or left the row", gid(g));
        return -1;
    }
    for (uint32_t i = 0; i < nw; i++)
        if (!w->known[i]) {
            fail_msg("%s: wire %u left unset by the generators", gid(g), i);
            return -1;
        }
    return 0;
}

static void eval_base(const bv_gate *g, const gl_t *wires, const gl_t *consts, bv_hash pi,
                      gl_t *out)
{
    bv_eval_vars_base v = {wires, consts, pi};
    g->ops->eval_base(g, &v, out);
}

static void eval_ext(const bv_gate *g, const gl_ext *wires, const gl_ext *consts, bv_hash pi,
                     gl_ext *out)
{
    bv_eval_vars_ext v = {wires, consts, pi};
    g->ops->eval_ext(g, &v, out);
}

static int all_zero_base(const gl_t *x, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (x[i])
            return 0;
    return 1;
}

static int all_zero_ext(const gl_ext *x, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!gl_ext_is_zero(x[i]))
            return 0;
    return 1;
}

/* Wires whose value the constraints ignore at this assignment (values in F;
 * for a K-valued assignment its coefficients 0). */
static int dont_care(const bv_gate *g, uint32_t wire, const gl_t *base, const gl_ext *ext)
{
    static gl_t c0[MAXW];
    if (!base) {
        for (uint32_t i = 0; i < g->ops->num_wires(g); i++)
            c0[i] = ext[i].c0;
        base = c0;
    }
    return bv_gate_ignores_wire(g, base, wire);
}

/* ------------------------------------------------------------------------- */
/* K-valued satisfying assignments                                           */
/* ------------------------------------------------------------------------- */

typedef struct {
    uint32_t constraint, wire;
    int sign; /* constraint = sign * wire + terms in earlier wires */
} def_t;

static size_t push_def(def_t *d, size_t n, uint32_t c, uint32_t w, int s)
{
    d[n].constraint = c;
    d[n].wire = w;
    d[n].sign = s;
    return n + 1;
}

/* Which wire each constraint defines, in solving order. */
static size_t defs_for(const bv_gate *g, def_t *d)
{
    size_t n = 0;
    uint32_t p0 = g->params[0];
    if (is_kind(g, "Constant"))
        for (uint32_t i = 0; i < p0; i++)
            n = push_def(d, n, i, i, -1);
    else if (is_kind(g, "PublicInput"))
        for (uint32_t i = 0; i < 4; i++)
            n = push_def(d, n, i, i, 1);
    else if (is_kind(g, "Arithmetic"))
        for (uint32_t j = 0; j < p0; j++)
            n = push_def(d, n, j, bv_arith_wire(j, 3), 1);
    else if (is_kind(g, "ArithmeticExtension"))
        for (uint32_t j = 0; j < p0; j++)
            for (uint32_t k = 0; k < 2; k++)
                n = push_def(d, n, 2 * j + k, bv_arith_ext_wire(j, 3) + k, 1);
    else if (is_kind(g, "MulExtension"))
        for (uint32_t j = 0; j < p0; j++)
            for (uint32_t k = 0; k < 2; k++)
                n = push_def(d, n, 2 * j + k, bv_mul_ext_wire(j, 2) + k, 1);
    else if (is_kind(g, "BaseSum"))
        n = push_def(d, n, 0, 0, -1);
    else if (is_kind(g, "Poseidon")) {
        for (uint32_t i = 0; i < 4; i++)
            n = push_def(d, n, 1 + i, BV_POSEIDON_WIRE_DELTA + i, -1);
        for (uint32_t k = 0; k < 106; k++)
            n = push_def(d, n, 5 + k, BV_POSEIDON_WIRE_FULL0 + k, -1);
        for (uint32_t i = 0; i < 12; i++)
            n = push_def(d, n, 111 + i, BV_POSEIDON_WIRE_OUT + i, -1);
    } else if (is_kind(g, "PoseidonMds"))
        for (uint32_t k = 0; k < 24; k++)
            n = push_def(d, n, k, 24 + k, 1);
    else if (is_kind(g, "RandomAccess")) {
        uint32_t bits = p0, copies = g->params[1], extra = g->params[2], c = 0;
        for (uint32_t cp = 0; cp < copies; cp++) {
            c += bits;
            n = push_def(d, n, c++, bv_ra_wire_index(bits, cp), -1);
            n = push_def(d, n, c++, bv_ra_wire_claimed(bits, cp), -1);
        }
        for (uint32_t i = 0; i < extra; i++)
            n = push_def(d, n, c++, bv_ra_wire_extra_constant(bits, copies, i), -1);
    } else if (is_kind(g, "CosetInterpolation")) {
        uint32_t s = p0, deg = g->params[1], c = 0;
        for (uint32_t k = 0; k < 2; k++)
            n = push_def(d, n, c++, bv_ci_wire_point(s) + k, 1);
        for (uint32_t i = 0; i < bv_ci_num_intermediates(s, deg); i++) {
            for (uint32_t k = 0; k < 2; k++)
                n = push_def(d, n, c++, bv_ci_wire_int_eval(s, i) + k, 1);
            for (uint32_t k = 0; k < 2; k++)
                n = push_def(d, n, c++, bv_ci_wire_int_prod(s, deg, i) + k, 1);
        }
        for (uint32_t k = 0; k < 2; k++)
            n = push_def(d, n, c++, bv_ci_wire_eval(s) + k, 1);
    } else if (is_kind(g, "Reducing") || is_kind(g, "ReducingExtension")) {
        int ext = is_kind(g, "ReducingExtension");
        for (uint32_t i = 0; i < p0; i++)
            for (uint32_t k = 0; k < 2; k++)
                n = push_def(d, n, 2 * i + k,
                             (ext ? bv_red_ext_wire_acc(p0, i) : bv_red_wire_acc(p0, i)) + k, 1);
    } else if (is_kind(g, "Exponentiation")) {
        for (uint32_t i = 0; i < p0; i++)
            n = push_def(d, n, i, bv_exp_wire_int(p0, i), -1);
        n = push_def(d, n, p0, bv_exp_wire_out(p0), 1);
    }
    return n;
}

/* Free wires of the K-valued assignment that must stay in a small base
 * domain (booleans, limbs); 0 when the wire may take any K value. */
static int free_ext(const bv_gate *g, uint32_t wire, gl_ext *out)
{
    if (is_kind(g, "BaseSum") && wire >= 1) {
        *out = gl_ext_from_base(rnd() % g->params[1]);
        return 1;
    }
    if (is_kind(g, "Poseidon") && wire == BV_POSEIDON_WIRE_SWAP) {
        *out = gl_ext_from_base(rnd() & 1);
        return 1;
    }
    if (is_kind(g, "RandomAccess") &&
        wire >= bv_ra_wire_bit(g->params[0], g->params[1], g->params[2], 0, 0)) {
        *out = gl_ext_from_base(rnd() & 1);
        return 1;
    }
    if (is_kind(g, "Exponentiation") && wire >= 1 && wire <= g->params[0]) {
        *out = gl_ext_from_base(rnd() & 1);
        return 1;
    }
    *out = rnd_ext();
    return 1;
}

static int make_witness_ext(const bv_gate *g, gl_ext *w, gl_ext *consts, bv_hash *pi)
{
    static def_t defs[MAXC];
    uint32_t nw = g->ops->num_wires(g), nc = g->ops->num_constants(g);
    uint32_t ncons = g->ops->num_constraints(g);
    size_t nd = defs_for(g, defs);
    for (uint32_t i = 0; i < nc; i++)
        consts[i] = rnd_ext();
    for (int i = 0; i < 4; i++)
        pi->e[i] = rnd_gl();
    for (uint32_t i = 0; i < nw; i++)
        free_ext(g, i, &w[i]);
    static gl_ext out[MAXC];
    for (size_t k = 0; k < nd; k++) {
        eval_ext(g, w, consts, *pi, out);
        gl_ext v = out[defs[k].constraint];
        w[defs[k].wire] =
            defs[k].sign > 0 ? gl_ext_sub(w[defs[k].wire], v) : gl_ext_add(w[defs[k].wire], v);
    }
    eval_ext(g, w, consts, *pi, out);
    for (uint32_t i = 0; i < ncons; i++)
        if (!gl_ext_is_zero(out[i])) {
            fail_msg("%s: K-valued assignment leaves constraint %u non-zero", gid(g), i);
            return -1;
        }
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Tests over every gate                                                     */
/* ------------------------------------------------------------------------- */

static bv_witness wit;
static gl_t outb[MAXC];
static gl_ext outk[MAXC], wk[MAXW], ck[BV_PLONK_MAX_CONSTANTS];

static void test_generators_satisfy(void)
{
    setup_gates();
    failures = 0;
    for (int gi = 0; gi < ngates; gi++) {
        const bv_gate *g = &gates[gi];
        uint32_t ncons = g->ops->num_constraints(g), nw = g->ops->num_wires(g);
        for (int rep = 0; rep < 4; rep++) {
            gl_t consts[BV_PLONK_MAX_CONSTANTS];
            bv_hash pi;
            if (make_witness(g, &wit, consts, &pi) != 0)
                break;
            eval_base(g, wit.v, consts, pi, outb);
            for (uint32_t i = 0; i < ncons; i++)
                if (outb[i])
                    fail_msg("%s: base constraint %u non-zero on generated witness", gid(g), i);
            for (uint32_t i = 0; i < nw; i++)
                wk[i] = gl_ext_from_base(wit.v[i]);
            for (uint32_t i = 0; i < g->ops->num_constants(g); i++)
                ck[i] = gl_ext_from_base(consts[i]);
            eval_ext(g, wk, ck, pi, outk);
            if (!all_zero_ext(outk, ncons))
                fail_msg("%s: ext constraints non-zero on embedded generated witness", gid(g));
        }
    }
    CU_ASSERT_EQUAL(failures, 0);
}

/* The built-in gate types whose constraints defs_for() knows how to solve:
 * random K-valued satisfying assignments zero eval_ext, and changing any
 * single wire of one breaks a constraint. */
static void test_ext_satisfying(void)
{
    setup_gates();
    failures = 0;
    static def_t defs[MAXC];
    int covered = 0;
    for (int gi = 0; gi < ngates; gi++) {
        const bv_gate *g = &gates[gi];
        uint32_t ncons = g->ops->num_constraints(g), nw = g->ops->num_wires(g);
        if (ncons > 0 && defs_for(g, defs) == 0) {
            printf("\n    %s: no K-valued solver here (generic tests only)", gid(g));
            continue;
        }
        covered++;
        bv_hash pi;
        for (int rep = 0; rep < 3; rep++)
            if (make_witness_ext(g, wk, ck, &pi) != 0)
                break;
        if (make_witness_ext(g, wk, ck, &pi) != 0)
            continue;
        for (uint32_t i = 0; i < nw; i++) {
            if (dont_care(g, i, NULL, wk))
                continue;
            gl_ext saved = wk[i];
            wk[i] = gl_ext_add(saved, gl_ext_make(rnd_gl(), rnd_nonzero()));
            eval_ext(g, wk, ck, pi, outk);
            if (all_zero_ext(outk, ncons))
                fail_msg("%s: changing wire %u keeps every ext constraint zero", gid(g), i);
            wk[i] = saved;
        }
    }
    CU_ASSERT(covered >= 14);
    CU_ASSERT_EQUAL(failures, 0);
}

static void test_ext_matches_base(void)
{
    setup_gates();
    failures = 0;
    for (int gi = 0; gi < ngates; gi++) {
        const bv_gate *g = &gates[gi];
        uint32_t ncons = g->ops->num_constraints(g), nw = g->ops->num_wires(g);
        uint32_t nc = g->ops->num_constants(g);
        for (int rep = 0; rep < 5; rep++) {
            gl_t w[MAXW], consts[BV_PLONK_MAX_CONSTANTS];
            bv_hash pi;
            for (uint32_t i = 0; i < nw; i++)
                w[i] = rep == 0 ? 0 : rnd_gl();
            for (uint32_t i = 0; i < nc; i++)
                consts[i] = rep == 0 ? 0 : rnd_gl();
            for (int i = 0; i < 4; i++)
                pi.e[i] = rep == 0 ? 0 : rnd_gl();
            eval_base(g, w, consts, pi, outb);
            for (uint32_t i = 0; i < nw; i++)
                wk[i] = gl_ext_from_base(w[i]);
            for (uint32_t i = 0; i < nc; i++)
                ck[i] = gl_ext_from_base(consts[i]);
            eval_ext(g, wk, ck, pi, outk);
            for (uint32_t i = 0; i < ncons; i++)
                if (!gl_ext_eq(outk[i], gl_ext_from_base(outb[i]))) {
                    fail_msg("%s: eval_ext differs from eval_base at constraint %u", gid(g), i);
                    break;
                }
            /* unused op slots of multi-op gates keep zero wires: all-zero
             * wires and constants must satisfy them */
            if (rep == 0 && g->ops->num_ops(g) > 1 && !all_zero_base(outb, ncons))
                fail_msg("%s: all-zero row does not satisfy the gate", gid(g));
        }
    }
    CU_ASSERT_EQUAL(failures, 0);
}

/* Gates with a batch evaluator: eight random points (lane 0 all zero) give
 * the values of eval_base at each point. */
static void test_x8_matches_base(void)
{
    setup_gates();
    failures = 0;
    int batched = 0;
    for (int gi = 0; gi < ngates; gi++) {
        const bv_gate *g = &gates[gi];
        if (!g->ops->eval_base_x8)
            continue;
        batched++;
        uint32_t ncons = g->ops->num_constraints(g), nw = g->ops->num_wires(g);
        uint32_t nc = g->ops->num_constants(g);
        for (int rep = 0; rep < 4; rep++) {
            static gl_t w8[8 * MAXW], c8[8 * 8], o8[8 * MAXW];
            gl_t w[MAXW], consts[8];
            bv_hash pi;
            for (int i = 0; i < 4; i++)
                pi.e[i] = rnd_gl();
            for (uint32_t i = 0; i < nw; i++)
                for (int l = 0; l < 8; l++)
                    w8[8 * i + l] = rep == 0 && l == 0 ? 0 : rnd_gl();
            for (uint32_t i = 0; i < nc; i++)
                for (int l = 0; l < 8; l++)
                    c8[8 * i + l] = rep == 0 && l == 0 ? 0 : rnd_gl();
            bv_eval_vars_base_x8 v8 = {w8, c8, pi};
            g->ops->eval_base_x8(g, &v8, o8);
            for (int l = 0; l < 8; l++) {
                for (uint32_t i = 0; i < nw; i++)
                    w[i] = w8[8 * i + l];
                for (uint32_t i = 0; i < nc; i++)
                    consts[i] = c8[8 * i + l];
                eval_base(g, w, consts, pi, outb);
                for (uint32_t i = 0; i < ncons; i++)
                    if (o8[8 * i + l] != outb[i]) {
                        fail_msg("%s: eval_base_x8 differs from eval_base at constraint %u, "
                                 "point %d",
                                 gid(g), i, l);
                        break;
                    }
            }
        }
    }
    CU_ASSERT(batched > 0);
    CU_ASSERT_EQUAL(failures, 0);
}

static void test_single_wire_changes(void)
{
    setup_gates();
    failures = 0;
    for (int gi = 0; gi < ngates; gi++) {
        const bv_gate *g = &gates[gi];
        uint32_t ncons = g->ops->num_constraints(g), nw = g->ops->num_wires(g);
        uint32_t nc = g->ops->num_constants(g);
        gl_t consts[BV_PLONK_MAX_CONSTANTS];
        bv_hash pi;
        if (make_witness(g, &wit, consts, &pi) != 0)
            continue;
        gl_t w[MAXW];
        memcpy(w, wit.v, sizeof(gl_t) * nw);
        for (uint32_t i = 0; i < nw; i++) {
            if (dont_care(g, i, w, NULL))
                continue;
            gl_t saved = w[i];
            w[i] = gl_add(saved, rnd_nonzero());
            eval_base(g, w, consts, pi, outb);
            if (all_zero_base(outb, ncons))
                fail_msg("%s: changing wire %u keeps every base constraint zero", gid(g), i);
            /* a 0 <-> 1 flip keeps boolean constraints happy: the others
             * must notice */
            if (saved <= 1) {
                w[i] = 1 - saved;
                eval_base(g, w, consts, pi, outb);
                if (all_zero_base(outb, ncons))
                    fail_msg("%s: flipping wire %u keeps every base constraint zero", gid(g), i);
            }
            w[i] = saved;
        }
        /* the same in K: the generated witness embedded, one wire moved off
         * the base field */
        for (uint32_t i = 0; i < nw; i++)
            wk[i] = gl_ext_from_base(w[i]);
        for (uint32_t i = 0; i < nc; i++)
            ck[i] = gl_ext_from_base(consts[i]);
        for (uint32_t i = 0; i < nw; i++) {
            if (dont_care(g, i, w, NULL))
                continue;
            gl_ext saved = wk[i];
            wk[i] = gl_ext_add(saved, gl_ext_make(rnd_gl(), rnd_nonzero()));
            eval_ext(g, wk, ck, pi, outk);
            if (all_zero_ext(outk, ncons))
                fail_msg("%s: changing wire %u keeps every ext constraint zero", gid(g), i);
            wk[i] = saved;
        }
    }
    CU_ASSERT_EQUAL(failures, 0);
}

/* Along a random line x(t) = a + t*b (wires and constants), each constraint
 * is a univariate polynomial of degree <= the gate's degree: its (deg+1)-th
 * finite difference vanishes; some constraint reaches the degree exactly. */
static void test_degree(void)
{
    setup_gates();
    failures = 0;
    for (int gi = 0; gi < ngates; gi++) {
        const bv_gate *g = &gates[gi];
        uint32_t ncons = g->ops->num_constraints(g), nw = g->ops->num_wires(g);
        uint32_t nc = g->ops->num_constants(g), deg = g->ops->degree(g);
        if (ncons == 0)
            continue;
        static gl_t vals[24][MAXC];
        gl_t a[MAXW], b[MAXW], ca[BV_PLONK_MAX_CONSTANTS], cb[BV_PLONK_MAX_CONSTANTS], w[MAXW],
            consts[BV_PLONK_MAX_CONSTANTS];
        bv_hash pi;
        for (int i = 0; i < 4; i++)
            pi.e[i] = rnd_gl();
        for (uint32_t i = 0; i < nw; i++) {
            a[i] = rnd_gl();
            b[i] = rnd_gl();
        }
        for (uint32_t i = 0; i < nc; i++) {
            ca[i] = rnd_gl();
            cb[i] = rnd_gl();
        }
        CU_ASSERT_FATAL(deg + 2 <= 24);
        for (uint32_t t = 0; t < deg + 2; t++) {
            for (uint32_t i = 0; i < nw; i++)
                w[i] = gl_add(a[i], gl_mul(t, b[i]));
            for (uint32_t i = 0; i < nc; i++)
                consts[i] = gl_add(ca[i], gl_mul(t, cb[i]));
            eval_base(g, w, consts, pi, vals[t]);
        }
        int reached = 0;
        for (uint32_t k = 0; k < ncons; k++) {
            gl_t d[24];
            for (uint32_t t = 0; t < deg + 2; t++)
                d[t] = vals[t][k];
            /* after deg rounds d[0] is the deg-th difference; one more
             * round must give zero */
            for (uint32_t r = 1; r <= deg + 1; r++) {
                for (uint32_t t = 0; t + r < deg + 2; t++)
                    d[t] = gl_sub(d[t + 1], d[t]);
                if (r == deg && d[0] != 0)
                    reached = 1;
                if (r == deg + 1 && d[0] != 0)
                    fail_msg("%s: constraint %u has degree above %u", gid(g), k, deg);
            }
        }
        if (!reached)
            fail_msg("%s: no constraint reaches the declared degree %u", gid(g), deg);
    }
    CU_ASSERT_EQUAL(failures, 0);
}

/* ------------------------------------------------------------------------- */
/* Gate-specific tests                                                       */
/* ------------------------------------------------------------------------- */

static void test_poseidon_vectors(void)
{
    bv_gate g = bv_gate_poseidon();
    size_t ncase = sizeof tv_gate / sizeof tv_gate[0];
    CU_ASSERT(ncase >= 2);
    for (size_t c = 0; c < ncase; c++) {
        memset(&wit, 0, sizeof wit);
        for (uint32_t i = 0; i < 12; i++)
            bv_witness_set(&wit, bv_wire(ROW, i), tv_gate[c].in[i], NULL);
        bv_witness_set(&wit, bv_wire(ROW, BV_POSEIDON_WIRE_SWAP), (gl_t)tv_gate[c].swap, NULL);
        bv_status st;
        CU_ASSERT_EQUAL(g.ops->gen_run(&g, ROW, 0, NULL, &wit, &st), BV_OK);
        for (uint32_t i = 0; i < 135; i++) {
            CU_ASSERT_TRUE(wit.known[i]);
            if (wit.v[i] != tv_gate[c].wires[i]) {
                printf("\n    case %zu wire %u: got %016llx want %016llx", c, i,
                       (unsigned long long)wit.v[i], (unsigned long long)tv_gate[c].wires[i]);
                CU_FAIL("PoseidonGate wire differs from the spec vector");
            }
        }
        gl_t w[135];
        memcpy(w, tv_gate[c].wires, sizeof w);
        bv_hash pi = {{0}};
        eval_base(&g, w, NULL, pi, outb);
        CU_ASSERT_TRUE(all_zero_base(outb, 123));
        /* the output is the permutation of the (swapped) input */
        gl_t s[12];
        for (int i = 0; i < 12; i++)
            s[i] = tv_gate[c].in[i];
        if (tv_gate[c].swap)
            for (int i = 0; i < 4; i++) {
                gl_t t = s[i];
                s[i] = s[i + 4];
                s[i + 4] = t;
            }
        bv_poseidon_permute(s);
        for (int i = 0; i < 12; i++)
            CU_ASSERT_EQUAL(s[i], tv_gate[c].wires[12 + i]);
    }
}

static void test_poseidon_random_vs_permutation(void)
{
    bv_gate g = bv_gate_poseidon();
    for (int rep = 0; rep < 20; rep++) {
        gl_t consts[1];
        bv_hash pi;
        CU_ASSERT_EQUAL_FATAL(make_witness(&g, &wit, consts, &pi), 0);
        gl_t s[12];
        for (int i = 0; i < 12; i++)
            s[i] = wit.v[i];
        if (wit.v[BV_POSEIDON_WIRE_SWAP])
            for (int i = 0; i < 4; i++) {
                gl_t t = s[i];
                s[i] = s[i + 4];
                s[i + 4] = t;
            }
        bv_poseidon_permute(s);
        for (int i = 0; i < 12; i++)
            CU_ASSERT_EQUAL(s[i], wit.v[BV_POSEIDON_WIRE_OUT + i]);
    }
}

static void test_poseidon_mds_matches_matrix(void)
{
    /* MDS entries: circulant plus diagonal [8, 0, ...] */
    CU_ASSERT_EQUAL(bv_poseidon_mds_entry(0, 0), 25);
    CU_ASSERT_EQUAL(bv_poseidon_mds_entry(1, 1), 17);
    CU_ASSERT_EQUAL(bv_poseidon_mds_entry(0, 1), 15);
    CU_ASSERT_EQUAL(bv_poseidon_mds_entry(1, 0), 20);
    bv_gate g = bv_gate_poseidon_mds();
    gl_t consts[1];
    bv_hash pi;
    CU_ASSERT_EQUAL_FATAL(make_witness(&g, &wit, consts, &pi), 0);
    for (uint32_t r = 0; r < 12; r++)
        for (uint32_t k = 0; k < 2; k++) {
            gl_t acc = 0;
            for (uint32_t i = 0; i < 12; i++)
                acc = gl_add(acc, gl_mul(bv_poseidon_mds_entry(r, i),
                                         wit.v[bv_poseidon_mds_wire_in(i) + k]));
            CU_ASSERT_EQUAL(acc, wit.v[bv_poseidon_mds_wire_out(r) + k]);
        }
}

/* The generated evaluation value equals the interpolating polynomial
 * evaluated directly (coefficients in K, points shift*h_i). */
static void test_coset_interpolation_value(void)
{
    uint32_t cases[][2] = {{4, 6}, {3, 4}, {2, 2}, {4, 16}, {1, 2}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uint32_t s = cases[c][0], n = 1u << s;
        bv_gate g = bv_gate_coset_interpolation(s, cases[c][1]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(g.ops);
        for (int rep = 0; rep < 5; rep++) {
            gl_ext coeffs[16];
            for (uint32_t i = 0; i < n; i++)
                coeffs[i] = rnd_ext();
            gl_t shift = rnd_nonzero();
            gl_ext z = rnd_ext();
            memset(&wit, 0, sizeof wit);
            bv_witness_set(&wit, bv_wire(ROW, BV_CI_WIRE_SHIFT), shift, NULL);
            gl_t h = gl_root_of_unity(s), x = shift;
            for (uint32_t i = 0; i < n; i++, x = gl_mul(x, h)) {
                gl_ext val = gl_ext_zero();
                for (uint32_t j = n; j-- > 0;)
                    val = gl_ext_add(gl_ext_scalar_mul(val, x), coeffs[j]);
                bv_witness_set(&wit, bv_wire(ROW, bv_ci_wire_value(i)), val.c0, NULL);
                bv_witness_set(&wit, bv_wire(ROW, bv_ci_wire_value(i) + 1), val.c1, NULL);
            }
            bv_witness_set(&wit, bv_wire(ROW, bv_ci_wire_point(s)), z.c0, NULL);
            bv_witness_set(&wit, bv_wire(ROW, bv_ci_wire_point(s) + 1), z.c1, NULL);
            bv_status st;
            CU_ASSERT_EQUAL(g.ops->gen_run(&g, ROW, 0, NULL, &wit, &st), BV_OK);
            gl_ext expect = gl_ext_zero();
            for (uint32_t j = n; j-- > 0;)
                expect = gl_ext_add(gl_ext_mul(expect, z), coeffs[j]);
            gl_ext got = gl_ext_make(wit.v[bv_ci_wire_eval(s)], wit.v[bv_ci_wire_eval(s) + 1]);
            CU_ASSERT_TRUE(gl_ext_eq(got, expect));
        }
        bv_gate_free(&g);
        CU_ASSERT_PTR_NULL(g.data);
    }
}

static void test_reducing_values(void)
{
    for (int ext = 0; ext < 2; ext++) {
        uint32_t n = ext ? 32 : 43;
        bv_gate g = ext ? bv_gate_reducing_ext(n) : bv_gate_reducing(n);
        gl_t consts[1];
        bv_hash pi;
        CU_ASSERT_EQUAL_FATAL(make_witness(&g, &wit, consts, &pi), 0);
        gl_ext alpha = gl_ext_make(wit.v[BV_RED_WIRE_ALPHA], wit.v[BV_RED_WIRE_ALPHA + 1]);
        gl_ext acc = gl_ext_make(wit.v[BV_RED_WIRE_OLD_ACC], wit.v[BV_RED_WIRE_OLD_ACC + 1]);
        for (uint32_t i = 0; i < n; i++) {
            gl_ext c = ext ? gl_ext_make(wit.v[bv_red_ext_wire_coeff(i)],
                                         wit.v[bv_red_ext_wire_coeff(i) + 1])
                           : gl_ext_from_base(wit.v[bv_red_wire_coeff(i)]);
            acc = gl_ext_add(gl_ext_mul(acc, alpha), c);
        }
        CU_ASSERT_TRUE(gl_ext_eq(acc, gl_ext_make(wit.v[0], wit.v[1])));
    }
}

static void test_exponentiation_value(void)
{
    bv_gate g = bv_gate_exponentiation(66);
    for (int rep = 0; rep < 5; rep++) {
        gl_t consts[1];
        bv_hash pi;
        CU_ASSERT_EQUAL_FATAL(make_witness(&g, &wit, consts, &pi), 0);
        /* 66 bits exceed 64: compute base^e as base^lo * (base^(2^64))^hi */
        uint64_t lo = 0, hi = 0;
        for (uint32_t i = 0; i < 64; i++)
            lo |= (uint64_t)wit.v[bv_exp_wire_bit(i)] << i;
        for (uint32_t i = 64; i < 66; i++)
            hi |= (uint64_t)wit.v[bv_exp_wire_bit(i)] << (i - 64);
        gl_t base = wit.v[BV_EXP_WIRE_BASE];
        gl_t expect = gl_mul(gl_pow(base, lo), gl_pow(gl_exp_power_of_2(base, 64), hi));
        CU_ASSERT_EQUAL(wit.v[bv_exp_wire_out(66)], expect);
    }
}

static void test_base_sum_and_random_access_values(void)
{
    bv_gate g = bv_gate_base_sum(63, 2);
    memset(&wit, 0, sizeof wit);
    gl_t x = 0x5a5a5a5a12345678ULL & ((1ULL << 63) - 1);
    bv_witness_set(&wit, bv_wire(ROW, 0), x, NULL);
    CU_ASSERT_EQUAL(g.ops->gen_run(&g, ROW, 0, NULL, &wit, NULL), BV_OK);
    for (uint32_t i = 0; i < 63; i++)
        CU_ASSERT_EQUAL(wit.v[bv_base_sum_wire_limb(i)], (x >> i) & 1);
    g = bv_gate_base_sum(5, 3);
    memset(&wit, 0, sizeof wit);
    bv_witness_set(&wit, bv_wire(ROW, 0), 200, NULL); /* 200 = 2*81 + 1*27 + 1*9 + 0*3 + 2 */
    CU_ASSERT_EQUAL(g.ops->gen_run(&g, ROW, 0, NULL, &wit, NULL), BV_OK);
    gl_t expect[5] = {2, 0, 1, 1, 2};
    for (uint32_t i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(wit.v[1 + i], expect[i]);

    bv_gate ra = bv_gate_random_access(4, 4, 2);
    gl_t consts[2];
    bv_hash pi;
    CU_ASSERT_EQUAL_FATAL(make_witness(&ra, &wit, consts, &pi), 0);
    for (uint32_t c = 0; c < 4; c++) {
        gl_t idx = wit.v[bv_ra_wire_index(4, c)];
        CU_ASSERT_EQUAL(wit.v[bv_ra_wire_claimed(4, c)], wit.v[bv_ra_wire_list(4, c, idx)]);
    }
}

static void test_generator_errors(void)
{
    bv_status st;
    /* a value too wide for the limbs */
    bv_gate g = bv_gate_base_sum(8, 2);
    memset(&wit, 0, sizeof wit);
    bv_witness_set(&wit, bv_wire(ROW, 0), 256, NULL);
    CU_ASSERT_EQUAL(g.ops->gen_run(&g, ROW, 0, NULL, &wit, &st), BV_ERR_VERIFY);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "does not fit"));
    /* out-of-range random-access index */
    g = bv_gate_random_access(2, 1, 0);
    memset(&wit, 0, sizeof wit);
    for (uint32_t i = 0; i < 6; i++)
        bv_witness_set(&wit, bv_wire(ROW, i), 4, NULL);
    CU_ASSERT_EQUAL(g.ops->gen_run(&g, ROW, 0, NULL, &wit, &st), BV_ERR_VERIFY);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "out of range"));
    /* non-boolean swap */
    g = bv_gate_poseidon();
    memset(&wit, 0, sizeof wit);
    for (uint32_t i = 0; i < 12; i++)
        bv_witness_set(&wit, bv_wire(ROW, i), i, NULL);
    bv_witness_set(&wit, bv_wire(ROW, BV_POSEIDON_WIRE_SWAP), 2, NULL);
    CU_ASSERT_EQUAL(g.ops->gen_run(&g, ROW, 0, NULL, &wit, &st), BV_ERR_VERIFY);
    /* non-boolean exponent bit */
    g = bv_gate_exponentiation(3);
    memset(&wit, 0, sizeof wit);
    for (uint32_t i = 0; i < 4; i++)
        bv_witness_set(&wit, bv_wire(ROW, i), i == 2 ? 5 : 1, NULL);
    CU_ASSERT_EQUAL(g.ops->gen_run(&g, ROW, 0, NULL, &wit, &st), BV_ERR_VERIFY);
    /* zero coset shift */
    g = bv_gate_coset_interpolation(2, 2);
    memset(&wit, 0, sizeof wit);
    for (uint32_t i = 0; i < bv_ci_wire_point(2) + 2; i++)
        bv_witness_set(&wit, bv_wire(ROW, i), i == 0 ? 0 : 3, NULL);
    CU_ASSERT_EQUAL(g.ops->gen_run(&g, ROW, 0, NULL, &wit, &st), BV_ERR_VERIFY);
    bv_gate_free(&g);
    /* a generator may not overwrite a known output with another value */
    g = bv_gate_arithmetic(1);
    memset(&wit, 0, sizeof wit);
    gl_t consts[2] = {1, 1};
    bv_witness_set(&wit, bv_wire(ROW, 0), 2, NULL);
    bv_witness_set(&wit, bv_wire(ROW, 1), 3, NULL);
    bv_witness_set(&wit, bv_wire(ROW, 2), 4, NULL);
    bv_witness_set(&wit, bv_wire(ROW, 3), 11, NULL);
    CU_ASSERT_EQUAL(g.ops->gen_run(&g, ROW, 0, consts, &wit, &st), BV_ERR_VERIFY);
    memset(&wit, 0, sizeof wit);
    bv_witness_set(&wit, bv_wire(ROW, 0), 2, NULL);
    bv_witness_set(&wit, bv_wire(ROW, 1), 3, NULL);
    bv_witness_set(&wit, bv_wire(ROW, 2), 4, NULL);
    CU_ASSERT_EQUAL(g.ops->gen_run(&g, ROW, 0, consts, &wit, &st), BV_OK);
    CU_ASSERT_EQUAL(wit.v[3], 10);
}

/* ------------------------------------------------------------------------- */
/* Shapes, ids, registry, validation                                         */
/* ------------------------------------------------------------------------- */

static void test_standard_shapes(void)
{
    struct {
        bv_gate g;
        const char *id;
        uint32_t wires, consts, degree, constraints, ops;
    } t[] = {
        {bv_gate_noop(), "Noop", 0, 0, 0, 0, 1},
        {bv_gate_constant(2), "Constant(2)", 2, 2, 1, 2, 1},
        {bv_gate_poseidon_mds(), "PoseidonMds", 48, 0, 1, 24, 1},
        {bv_gate_public_input(), "PublicInput", 4, 0, 1, 4, 1},
        {bv_gate_base_sum(63, 2), "BaseSum(63,2)", 64, 0, 2, 64, 1},
        {bv_gate_reducing(43), "Reducing(43)", 133, 0, 2, 86, 1},
        {bv_gate_reducing_ext(32), "ReducingExtension(32)", 132, 0, 2, 64, 1},
        {bv_gate_arithmetic(20), "Arithmetic(20)", 80, 2, 3, 20, 20},
        {bv_gate_arithmetic_ext(10), "ArithmeticExtension(10)", 80, 2, 3, 20, 10},
        {bv_gate_mul_ext(13), "MulExtension(13)", 78, 1, 3, 26, 13},
        {bv_gate_exponentiation(66), "Exponentiation(66)", 134, 0, 4, 67, 1},
        {bv_gate_random_access(4, 4, 2), "RandomAccess(4,4,2)", 90, 2, 5, 26, 4},
        {bv_gate_coset_interpolation(4, 6), "CosetInterpolation(4,6)", 47, 0, 6, 12, 1},
        {bv_gate_poseidon(), "Poseidon", 135, 0, 7, 123, 1},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        const bv_gate *g = &t[i].g;
        char id[128];
        g->ops->id(g, id, sizeof id);
        CU_ASSERT_STRING_EQUAL(id, t[i].id);
        CU_ASSERT_EQUAL(g->ops->num_wires(g), t[i].wires);
        CU_ASSERT_EQUAL(g->ops->num_constants(g), t[i].consts);
        CU_ASSERT_EQUAL(g->ops->degree(g), t[i].degree);
        CU_ASSERT_EQUAL(g->ops->num_constraints(g), t[i].constraints);
        CU_ASSERT_EQUAL(g->ops->num_ops(g), t[i].ops);
        CU_ASSERT_EQUAL(
            bv_gate_check(g, BV_STD_NUM_WIRES, BV_STD_NUM_ROUTED, BV_STD_NUM_CONSTANTS, NULL),
            BV_OK);
        CU_ASSERT_PTR_EQUAL(bv_gate_ops_by_kind(g->ops->kind), g->ops);
        /* sorting is a strict order on distinct gates */
        if (i > 0) {
            CU_ASSERT(bv_gate_cmp(&t[i - 1].g, g) < 0);
            CU_ASSERT(bv_gate_cmp(g, &t[i - 1].g) > 0);
        }
        CU_ASSERT_EQUAL(bv_gate_cmp(g, g), 0);
        bv_gate_free(&t[i].g);
    }
    CU_ASSERT_PTR_NULL(bv_gate_ops_by_kind("NoSuchGate"));
    CU_ASSERT_PTR_NULL(bv_gate_ops_by_kind(NULL));

    /* routed-wire needs: copy constraints reach exactly these wires */
    bv_gate g = bv_gate_random_access(4, 4, 2);
    CU_ASSERT_EQUAL(bv_gate_num_routed_wires(&g), 74);
    g = bv_gate_poseidon();
    CU_ASSERT_EQUAL(bv_gate_num_routed_wires(&g), 25);
    g = bv_gate_coset_interpolation(4, 6);
    CU_ASSERT_EQUAL(bv_gate_num_routed_wires(&g), 37);
    bv_gate_free(&g);
    g = bv_gate_reducing(43);
    CU_ASSERT_EQUAL(bv_gate_num_routed_wires(&g), 49);
}

static void test_config_parameters(void)
{
    CU_ASSERT_EQUAL(bv_arith_max_ops(80), BV_STD_ARITH_OPS);
    CU_ASSERT_EQUAL(bv_arith_ext_max_ops(80), BV_STD_ARITH_EXT_OPS);
    CU_ASSERT_EQUAL(bv_mul_ext_max_ops(80), BV_STD_MUL_EXT_OPS);
    CU_ASSERT_EQUAL(bv_base_sum_max_limbs(80, 2), BV_STD_BASE_SUM_LIMBS);
    CU_ASSERT_EQUAL(bv_base_sum_max_limbs(80, 4), 31);
    CU_ASSERT_EQUAL(bv_base_sum_max_limbs(40, 2), 39);
    CU_ASSERT_EQUAL(bv_coset_interp_degree_for(4, 8), BV_STD_CI_DEGREE);
    CU_ASSERT_EQUAL(bv_reducing_max_coeffs(135, 80), BV_STD_REDUCING_COEFFS);
    CU_ASSERT_EQUAL(bv_reducing_ext_max_coeffs(135, 80), BV_STD_REDUCING_EXT_COEFFS);
    CU_ASSERT_EQUAL(bv_exp_max_bits(135, 80), BV_STD_EXP_BITS);
    bv_gate ra = bv_gate_random_access_for_config(4, 135, 80, 2);
    CU_ASSERT_EQUAL(ra.params[0], BV_STD_RA_BITS);
    CU_ASSERT_EQUAL(ra.params[1], BV_STD_RA_COPIES);
    CU_ASSERT_EQUAL(ra.params[2], BV_STD_RA_EXTRA_CONSTANTS);
    ra = bv_gate_random_access_for_config(2, 135, 80, 2);
    CU_ASSERT_EQUAL(ra.params[1], 13); /* 80 / 6 */
    CU_ASSERT_EQUAL(bv_gate_check(&ra, 135, 80, 2, NULL), BV_OK);
    ra = bv_gate_random_access_for_config(5, 135, 80, 2);
    CU_ASSERT_EQUAL(ra.params[1], 2);
    CU_ASSERT_EQUAL(bv_gate_check(&ra, 135, 80, 2, NULL), BV_OK);
}

static void test_validation(void)
{
    bv_status st;
    bv_gate g = bv_gate_arithmetic(0);
    CU_ASSERT_EQUAL(bv_gate_check(&g, 135, 80, 2, &st), BV_ERR_FORMAT);
    g = bv_gate_arithmetic(21); /* 84 routed wires > 80 */
    CU_ASSERT_EQUAL(bv_gate_check(&g, 135, 80, 2, &st), BV_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "routed"));
    g = bv_gate_arithmetic(1u << 30);
    CU_ASSERT_EQUAL(bv_gate_check(&g, 135, 80, 2, &st), BV_ERR_FORMAT);
    g = bv_gate_constant(3);
    CU_ASSERT_EQUAL(bv_gate_check(&g, 135, 80, 2, &st), BV_ERR_ARG);
    g = bv_gate_base_sum(63, 1);
    CU_ASSERT_EQUAL(bv_gate_check(&g, 135, 80, 2, &st), BV_ERR_FORMAT);
    g = bv_gate_random_access(0, 4, 2);
    CU_ASSERT_EQUAL(bv_gate_check(&g, 135, 80, 2, &st), BV_ERR_FORMAT);
    g = bv_gate_random_access(31, 4, 2);
    CU_ASSERT_EQUAL(bv_gate_check(&g, 135, 80, 2, &st), BV_ERR_FORMAT);
    g = bv_gate_random_access(4, 5, 0); /* 90 routed */
    CU_ASSERT_EQUAL(bv_gate_check(&g, 135, 80, 2, &st), BV_ERR_ARG);
    g = bv_gate_poseidon();
    CU_ASSERT_EQUAL(bv_gate_check(&g, 134, 80, 2, &st), BV_ERR_ARG);
    g.params[1] = 1;
    CU_ASSERT_EQUAL(bv_gate_check(&g, 135, 80, 2, &st), BV_ERR_FORMAT);
    g = bv_gate_exponentiation(0);
    CU_ASSERT_EQUAL(bv_gate_check(&g, 135, 80, 2, &st), BV_ERR_FORMAT);
    g = (bv_gate){0};
    CU_ASSERT_EQUAL(bv_gate_check(&g, 135, 80, 2, &st), BV_ERR_FORMAT);
    bv_gate_ops fake = *bv_gate_ops_by_kind("Noop");
    g.ops = &fake;
    CU_ASSERT_EQUAL(bv_gate_check(&g, 135, 80, 2, &st), BV_ERR_FORMAT);

    /* coset interpolation: weights must match the parameters */
    CU_ASSERT_PTR_NULL(bv_gate_coset_interpolation(4, 1).ops);
    CU_ASSERT_PTR_NULL(bv_gate_coset_interpolation(4, 17).ops);
    CU_ASSERT_PTR_NULL(bv_gate_coset_interpolation(0, 2).ops);
    CU_ASSERT_PTR_NULL(bv_gate_coset_interpolation(9, 2).ops);
    g = bv_gate_coset_interpolation(4, 6);
    CU_ASSERT_EQUAL(bv_gate_check(&g, 135, 80, 2, &st), BV_OK);
    /* the spec's table of current weights */
    static const gl_t spec_w[16] = {17293822565076172801ULL,
                                    256ULL,
                                    1048576ULL,
                                    4294967296ULL,
                                    17592186044416ULL,
                                    72057594037927936ULL,
                                    68719476720ULL,
                                    281474976645120ULL,
                                    1152921504338411520ULL,
                                    18446744069414584065ULL,
                                    18446744069413535745ULL,
                                    18446744065119617025ULL,
                                    18446726477228539905ULL,
                                    18374686475376656385ULL,
                                    18446744000695107601ULL,
                                    18446462594437939201ULL};
    CU_ASSERT_EQUAL(g.ndata, 16);
    CU_ASSERT_EQUAL(memcmp(g.data, spec_w, sizeof spec_w), 0);
    bv_gate h;
    CU_ASSERT_EQUAL(bv_gate_clone(&g, &h, &st), BV_OK);
    CU_ASSERT_TRUE(bv_gate_same(&g, &h));
    CU_ASSERT_PTR_NOT_EQUAL(g.data, h.data);
    h.data[3] ^= 1;
    CU_ASSERT_FALSE(bv_gate_same(&g, &h));
    CU_ASSERT_EQUAL(bv_gate_check(&h, 135, 80, 2, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "weight"));
    h.ndata = 15;
    CU_ASSERT_EQUAL(bv_gate_check(&h, 135, 80, 2, &st), BV_ERR_FORMAT);
    h.ndata = 16;
    bv_gate_free(&h);
    CU_ASSERT_EQUAL(bv_gate_check(&h, 135, 80, 2, &st), BV_ERR_FORMAT);
    g.params[1] = 5; /* the weights do not say which degree */
    CU_ASSERT_EQUAL(bv_gate_check(&g, 135, 80, 2, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_gate_check(&g, 30, 80, 2, &st), BV_ERR_ARG);
    bv_gate_free(&g);
    bv_gate_free(&g);
    bv_gate a = bv_gate_arithmetic(20), b = bv_gate_arithmetic(20), c = bv_gate_arithmetic(19);
    CU_ASSERT_TRUE(bv_gate_same(&a, &b));
    CU_ASSERT_FALSE(bv_gate_same(&a, &c));
    /* a data array on a gate type that has none */
    gl_t junk[2] = {1, 2};
    a.data = junk;
    a.ndata = 2;
    CU_ASSERT_EQUAL(bv_gate_check(&a, 135, 80, 2, &st), BV_ERR_FORMAT);
}

/* Every registered gate type: a unique kind name found by
 * bv_gate_ops_by_kind, examples of that kind with distinct ids that pass
 * bv_gate_check, and an in-circuit evaluator for each example. */
static void test_registry(void)
{
    size_t nk = bv_gate_kind_count();
    CU_ASSERT(nk >= 14);
    CU_ASSERT_PTR_NULL(bv_gate_kind_name(nk));
    CU_ASSERT_EQUAL(bv_gate_kind_examples(nk, NULL, 0), 0);
    failures = 0;
    for (size_t k = 0; k < nk; k++) {
        const char *name = bv_gate_kind_name(k);
        CU_ASSERT_PTR_NOT_NULL_FATAL(name);
        for (size_t j = 0; j < k; j++)
            if (strcmp(bv_gate_kind_name(j), name) == 0)
                fail_msg("gate kind %s registered twice", name);
        const bv_gate_ops *ops = bv_gate_ops_by_kind(name);
        CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
        CU_ASSERT_STRING_EQUAL(ops->kind, name);
        size_t n = bv_gate_kind_examples(k, NULL, 0);
        if (n == 0) {
            fail_msg("gate kind %s has no examples", name);
            continue;
        }
        bv_gate ex[16];
        CU_ASSERT_FATAL(n <= 16);
        CU_ASSERT_EQUAL(bv_gate_kind_examples(k, ex, 16), n);
        for (size_t i = 0; i < n; i++) {
            bv_status st;
            if (ex[i].ops != ops)
                fail_msg("%s: example %zu is of another kind", name, i);
            else if (bv_gate_check(&ex[i], BV_GATE_MAX_WIRES, BV_GATE_MAX_WIRES,
                                   BV_PLONK_MAX_CONSTANTS, &st) != BV_OK)
                fail_msg("%s: example %zu rejected: %s", name, i, st.msg);
            else if (!bv_gate_eval_circuit_of(&ex[i]))
                fail_msg("%s: no in-circuit evaluator", gid(&ex[i]));
            for (size_t j = 0; j < i; j++)
                if (strcmp(gid(&ex[i]), gid(&ex[j])) == 0)
                    fail_msg("%s: example listed twice", gid(&ex[i]));
        }
        for (size_t i = 0; i < n; i++)
            bv_gate_free(&ex[i]);
    }
    CU_ASSERT_EQUAL(failures, 0);
}

static void test_deps_and_generator_counts(void)
{
    setup_gates();
    failures = 0;
    for (int gi = 0; gi < ngates; gi++) {
        const bv_gate *g = &gates[gi];
        uint32_t ng = g->ops->num_generators(g), nops = g->ops->num_ops(g);
        /* Multi-op gates are packed op by op (bv_circuit_find_slot registers
         * generator `op` for slot `op`), so they need one generator per op; a
         * single-op row may split its witness into several generators
         * (Sha256Round2: one per round). */
        if (ng != 0 && (nops > 1 ? ng != nops : ng < 1))
            fail_msg("%s: %u generators for %u ops", gid(g), ng, nops);
        /* with a small buffer the count is still the full one */
        for (uint32_t op = 0; op < ng; op++) {
            bv_target one[1];
            size_t full = g->ops->gen_deps(g, ROW, op, NULL, 0);
            if (full && g->ops->gen_deps(g, ROW, op, one, 1) != full)
                fail_msg("%s: gen_deps count depends on the buffer", gid(g));
        }
        /* the standard-config gates must fit the standard config */
    }
    CU_ASSERT_EQUAL(failures, 0);
}

/* Gates that pass bv_gate_check() are safe to evaluate: random parameters
 * and data (as a corrupted circuit file could hold) are either rejected or
 * evaluate within buffers of exactly the announced sizes (ASan checks the
 * bounds in the Asan build). */
static void test_random_parameters_are_safe(void)
{
    int accepted = 0, rejected = 0;
    for (size_t k = 0; k < bv_gate_kind_count(); k++) {
        const bv_gate_ops *ops = bv_gate_ops_by_kind(bv_gate_kind_name(k));
        CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
        bv_gate ex[16];
        size_t nex = bv_gate_kind_examples(k, ex, 16);
        if (nex > 16)
            nex = 16;
        CU_ASSERT_FATAL(nex >= 1);
        for (int trial = 0; trial < 300; trial++) {
            bv_gate g = {.ops = ops};
            for (int i = 0; i < BV_GATE_MAX_PARAMS; i++) {
                uint64_t r = rnd();
                /* mostly small values, sometimes huge ones */
                g.params[i] = (r & 7) == 0 ? (uint32_t)(r >> 32) : (uint32_t)((r >> 8) % 24);
                if (trial % 3 == 0 && i > 0)
                    g.params[i] = 0;
            }
            gl_t *data = NULL;
            if (trial % 4 == 0) {
                g.ndata = (uint32_t)(rnd() % 40);
                data = calloc(g.ndata ? g.ndata : 1, sizeof(gl_t));
                for (uint32_t i = 0; i < g.ndata; i++)
                    data[i] = rnd_gl();
                g.data = data;
            } else if (trial % 4 == 1) {
                /* an example's parameters and data with one parameter
                 * changed, so the deep checks of gates with data run */
                const bv_gate *e = &ex[(size_t)trial % nex];
                uint32_t p = (uint32_t)(rnd() % BV_GATE_MAX_PARAMS);
                memcpy(g.params, e->params, sizeof g.params);
                g.params[p] = (uint32_t)(rnd() % 24);
                if (e->ndata) {
                    data = malloc(sizeof(gl_t) * e->ndata);
                    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
                    memcpy(data, e->data, sizeof(gl_t) * e->ndata);
                    g.ndata = e->ndata;
                    g.data = data;
                }
            }
            bv_status st;
            if (bv_gate_check(&g, BV_STD_NUM_WIRES, BV_STD_NUM_ROUTED, BV_STD_NUM_CONSTANTS, &st) !=
                BV_OK) {
                CU_ASSERT(st.msg[0] != 0);
                rejected++;
                free(data);
                continue;
            }
            accepted++;
            uint32_t nw = g.ops->num_wires(&g), nc = g.ops->num_constants(&g);
            uint32_t ncons = g.ops->num_constraints(&g);
            CU_ASSERT(nw <= BV_STD_NUM_WIRES && nc <= BV_STD_NUM_CONSTANTS);
            CU_ASSERT(g.ops->degree(&g) <= 256);
            gl_t *w = malloc(sizeof(gl_t) * (nw ? nw : 1));
            gl_t *cs = malloc(sizeof(gl_t) * (nc ? nc : 1));
            gl_t *o = malloc(sizeof(gl_t) * (ncons ? ncons : 1));
            gl_ext *wk2 = malloc(sizeof(gl_ext) * (nw ? nw : 1));
            gl_ext *ck2 = malloc(sizeof(gl_ext) * (nc ? nc : 1));
            gl_ext *ok2 = malloc(sizeof(gl_ext) * (ncons ? ncons : 1));
            for (uint32_t i = 0; i < nw; i++) {
                w[i] = rnd_gl();
                wk2[i] = rnd_ext();
            }
            for (uint32_t i = 0; i < nc; i++) {
                cs[i] = rnd_gl();
                ck2[i] = rnd_ext();
            }
            bv_hash pi = {{1, 2, 3, 4}};
            eval_base(&g, w, cs, pi, o);
            eval_ext(&g, wk2, ck2, pi, ok2);
            char id[128];
            g.ops->id(&g, id, sizeof id);
            CU_ASSERT(strlen(id) > 0);
            for (uint32_t op = 0; op < g.ops->num_generators(&g); op++) {
                size_t nd = g.ops->gen_deps(&g, ROW, op, NULL, 0);
                CU_ASSERT(nd <= nw);
            }
            for (uint32_t i = 0; i < g.ops->num_extra_constant_wires(&g); i++) {
                uint32_t ci, wire;
                g.ops->extra_constant_wire(&g, i, &ci, &wire);
                CU_ASSERT(ci < nc && wire < bv_gate_num_routed_wires(&g));
            }
            free(w);
            free(cs);
            free(o);
            free(wk2);
            free(ck2);
            free(ok2);
            free(data);
        }
        for (size_t i = 0; i < nex; i++)
            bv_gate_free(&ex[i]);
    }
    CU_ASSERT(accepted > 100);
    CU_ASSERT(rejected > 100);
}

static void register_suites(void)
{
    bv_cu_add_suite("gates");
    bv_cu_add_test("generated witnesses satisfy every gate (base and ext)",
                   test_generators_satisfy);
    bv_cu_add_test("eval_ext on embedded values equals eval_base", test_ext_matches_base);
    bv_cu_add_test("eval_base_x8 equals eval_base at each point", test_x8_matches_base);
    bv_cu_add_test("changing any single wire breaks a constraint", test_single_wire_changes);
    bv_cu_add_test("constraint degrees along random lines", test_degree);
    bv_cu_add_test("generator counts and dependency lists", test_deps_and_generator_counts);
    bv_cu_add_suite("gate specifics");
    bv_cu_add_test("K-valued satisfying assignments of the built-in types", test_ext_satisfying);
    bv_cu_add_test("PoseidonGate wires equal the spec vectors", test_poseidon_vectors);
    bv_cu_add_test("PoseidonGate output equals the permutation",
                   test_poseidon_random_vs_permutation);
    bv_cu_add_test("PoseidonMdsGate equals the MDS matrix", test_poseidon_mds_matches_matrix);
    bv_cu_add_test("CosetInterpolationGate evaluates the interpolant",
                   test_coset_interpolation_value);
    bv_cu_add_test("Reducing gates compute Horner", test_reducing_values);
    bv_cu_add_test("ExponentiationGate computes the power", test_exponentiation_value);
    bv_cu_add_test("BaseSum limbs and RandomAccess selection",
                   test_base_sum_and_random_access_values);
    bv_cu_add_test("generator input errors", test_generator_errors);
    bv_cu_add_suite("gate shapes and registry");
    bv_cu_add_test("every registered type has examples and an in-circuit evaluator", test_registry);
    bv_cu_add_test("standard shapes, ids and order", test_standard_shapes);
    bv_cu_add_test("parameters for a config", test_config_parameters);
    bv_cu_add_test("validation of gate parameters and data", test_validation);
    bv_cu_add_test("random parameters are rejected or safe", test_random_parameters_are_safe);
}

BV_CU_MAIN(register_suites)
