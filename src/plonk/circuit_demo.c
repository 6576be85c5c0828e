/* circuit_demo.c - the demonstration circuit (see include/balverify/demo_circuit.h). */
#include <string.h>

#include "balverify/demo_circuit.h"
#include "balverify/gates.h"

typedef struct {
    bv_target c0, c1;
} ext_t;

static bv_target arith(bv_circuit *c, gl_t k0, gl_t k1, bv_target a, bv_target b, bv_target d)
{
    bv_gate g = bv_gate_arithmetic(bv_arith_max_ops(bv_circuit_config(c)->num_routed_wires));
    gl_t k[2] = {k0, k1};
    uint32_t row, op;
    bv_circuit_find_slot(c, &g, k, &row, &op);
    bv_circuit_connect(c, bv_wire(row, bv_arith_wire(op, 0)), a);
    bv_circuit_connect(c, bv_wire(row, bv_arith_wire(op, 1)), b);
    bv_circuit_connect(c, bv_wire(row, bv_arith_wire(op, 2)), d);
    return bv_wire(row, bv_arith_wire(op, 3));
}

static ext_t ext_of(uint32_t row, uint32_t w)
{
    return (ext_t){bv_wire(row, w), bv_wire(row, w + 1)};
}

static void connect_ext(bv_circuit *c, ext_t a, ext_t b)
{
    bv_circuit_connect(c, a.c0, b.c0);
    bv_circuit_connect(c, a.c1, b.c1);
}

/* out = k0*a*b + k1*d over K */
static ext_t arith_ext(bv_circuit *c, gl_t k0, gl_t k1, ext_t a, ext_t b, ext_t d)
{
    bv_gate g =
        bv_gate_arithmetic_ext(bv_arith_ext_max_ops(bv_circuit_config(c)->num_routed_wires));
    gl_t k[2] = {k0, k1};
    uint32_t row, op;
    bv_circuit_find_slot(c, &g, k, &row, &op);
    connect_ext(c, ext_of(row, bv_arith_ext_wire(op, 0)), a);
    connect_ext(c, ext_of(row, bv_arith_ext_wire(op, 1)), b);
    connect_ext(c, ext_of(row, bv_arith_ext_wire(op, 2)), d);
    return ext_of(row, bv_arith_ext_wire(op, 3));
}

static ext_t mul_ext(bv_circuit *c, ext_t a, ext_t b)
{
    bv_gate g = bv_gate_mul_ext(bv_mul_ext_max_ops(bv_circuit_config(c)->num_routed_wires));
    gl_t k[1] = {1};
    uint32_t row, op;
    bv_circuit_find_slot(c, &g, k, &row, &op);
    connect_ext(c, ext_of(row, bv_mul_ext_wire(op, 0)), a);
    connect_ext(c, ext_of(row, bv_mul_ext_wire(op, 1)), b);
    return ext_of(row, bv_mul_ext_wire(op, 2));
}

static void poseidon(bv_circuit *c, bv_target st[12], bv_target swap)
{
    bv_gate g = bv_gate_poseidon();
    uint32_t row = bv_circuit_add_gate(c, &g, NULL);
    for (uint32_t i = 0; i < 12; i++) {
        bv_circuit_connect(c, bv_wire(row, BV_POSEIDON_WIRE_IN + i), st[i]);
        st[i] = bv_wire(row, BV_POSEIDON_WIRE_OUT + i);
    }
    bv_circuit_connect(c, bv_wire(row, BV_POSEIDON_WIRE_SWAP), swap);
}

static void build_body(bv_circuit *c, uint32_t log_rows, bv_target x)
{
    const bv_plonk_config *cfg = bv_circuit_config(c);
    bv_target zero = bv_circuit_zero(c), one = bv_circuit_one(c);

    /* bits of x (BaseSum) */
    bv_gate bs = bv_gate_base_sum(bv_base_sum_max_limbs(cfg->num_routed_wires, 2), 2);
    uint32_t bs_row = bv_circuit_add_gate(c, &bs, NULL);
    bv_circuit_connect(c, bv_wire(bs_row, BV_BASE_SUM_WIRE_SUM), x);
    uint32_t nlimbs = bs.params[0];
    bv_target bit[64];
    for (uint32_t i = 0; i < 64; i++)
        bit[i] = i < nlimbs ? bv_wire(bs_row, bv_base_sum_wire_limb(i)) : zero;

    /* Poseidon state seeded with x; lane 8 tracks a counter */
    bv_target st[12];
    for (int i = 0; i < 12; i++)
        st[i] = zero;
    st[0] = x;
    st[8] = one;
    poseidon(c, st, zero);
    poseidon(c, st, bit[0]); /* swap driven by a bit of x */

    /* x^e with e = bits of x (Exponentiation) */
    bv_gate eg = bv_gate_exponentiation(bv_exp_max_bits(cfg->num_wires, cfg->num_routed_wires));
    uint32_t er = bv_circuit_add_gate(c, &eg, NULL);
    bv_circuit_connect(c, bv_wire(er, BV_EXP_WIRE_BASE), st[1]);
    for (uint32_t i = 0; i < eg.params[0]; i++)
        bv_circuit_connect(c, bv_wire(er, bv_exp_wire_bit(i)), i < 64 ? bit[i] : zero);
    bv_target pow_out = bv_wire(er, bv_exp_wire_out(eg.params[0]));

    /* RandomAccess: 4 copies, each picks list[index] with index = low 4 bits */
    bv_gate rg = bv_gate_random_access_for_config(4, cfg->num_wires, cfg->num_routed_wires,
                                                  cfg->num_constants);
    uint32_t rbits = rg.params[0], copies = rg.params[1];
    uint32_t rr = bv_circuit_add_gate(c, &rg, NULL);
    bv_target idx = arith(c, 2, 1, bit[1], one, bit[0]);
    idx = arith(c, 4, 1, bit[2], one, idx);
    idx = arith(c, 8, 1, bit[3], one, idx);
    bv_target picked[8];
    for (uint32_t cp = 0; cp < copies && cp < 8; cp++) {
        bv_circuit_connect(c, bv_wire(rr, bv_ra_wire_index(rbits, cp)), idx);
        for (uint32_t i = 0; i < (1u << rbits); i++)
            bv_circuit_connect(c, bv_wire(rr, bv_ra_wire_list(rbits, cp, i)), st[(i + cp) % 12]);
        picked[cp] = bv_wire(rr, bv_ra_wire_claimed(rbits, cp));
    }

    /* extension arithmetic */
    ext_t a = {st[2], st[3]}, b = {st[4], st[5]}, d = {st[6], st[7]};
    ext_t e1 = arith_ext(c, 3, 1, a, b, d);
    ext_t e2 = mul_ext(c, e1, a);
    ext_t e3 = arith_ext(c, 1, 1, e2, e2, b);

    /* PoseidonMds on 12 ext inputs */
    bv_gate mg = bv_gate_poseidon_mds();
    uint32_t mr = bv_circuit_add_gate(c, &mg, NULL);
    for (uint32_t i = 0; i < 12; i++) {
        ext_t in = i == 0 ? e3 : (ext_t){st[i], picked[i % copies]};
        connect_ext(c, ext_of(mr, bv_poseidon_mds_wire_in(i)), in);
    }
    ext_t mds0 = ext_of(mr, bv_poseidon_mds_wire_out(0));

    /* CosetInterpolation of 2^s values at a point */
    bv_gate cg = bv_gate_coset_interpolation(
        BV_STD_CI_SUBGROUP_BITS,
        bv_coset_interp_degree_for(BV_STD_CI_SUBGROUP_BITS, cfg->max_quotient_degree_factor));
    uint32_t cr = bv_circuit_add_gate(c, &cg, NULL);
    uint32_t sb = cg.params[0];
    bv_circuit_connect(c, bv_wire(cr, BV_CI_WIRE_SHIFT),
                       bv_circuit_constant(c, GL_MULTIPLICATIVE_GENERATOR));
    for (uint32_t i = 0; i < (1u << sb); i++)
        connect_ext(c, ext_of(cr, bv_ci_wire_value(i)), (ext_t){st[i % 12], st[(i + 5) % 12]});
    connect_ext(c, ext_of(cr, bv_ci_wire_point(sb)), mds0);
    bv_gate_free(&cg);
    ext_t interp = ext_of(cr, bv_ci_wire_eval(sb));

    /* Reducing (base coefficients) and ReducingExtension */
    bv_gate red = bv_gate_reducing(bv_reducing_max_coeffs(cfg->num_wires, cfg->num_routed_wires));
    uint32_t rdr = bv_circuit_add_gate(c, &red, NULL);
    connect_ext(c, ext_of(rdr, BV_RED_WIRE_ALPHA), interp);
    connect_ext(c, ext_of(rdr, BV_RED_WIRE_OLD_ACC), e1);
    for (uint32_t i = 0; i < red.params[0]; i++)
        bv_circuit_connect(c, bv_wire(rdr, bv_red_wire_coeff(i)), i < 64 ? bit[i] : st[i % 12]);
    ext_t red_out = ext_of(rdr, BV_RED_WIRE_OUT);
    bv_gate rex =
        bv_gate_reducing_ext(bv_reducing_ext_max_coeffs(cfg->num_wires, cfg->num_routed_wires));
    uint32_t rxr = bv_circuit_add_gate(c, &rex, NULL);
    connect_ext(c, ext_of(rxr, BV_RED_WIRE_ALPHA), red_out);
    connect_ext(c, ext_of(rxr, BV_RED_WIRE_OLD_ACC), e2);
    for (uint32_t i = 0; i < rex.params[0]; i++)
        connect_ext(c, ext_of(rxr, bv_red_ext_wire_coeff(i)),
                    (ext_t){st[i % 12], picked[i % copies]});
    ext_t rex_out = ext_of(rxr, BV_RED_WIRE_OUT);

    /* mix everything into one value */
    bv_target mix = arith(c, 1, 1, pow_out, one, rex_out.c0);
    mix = arith(c, 1, 1, mix, rex_out.c1, picked[0]);

    /* Bulk: Poseidon permutations and arithmetic chains until the trace
     * nearly fills 2^log_rows rows (the build adds PI-hash, constant and
     * padding rows). */
    bv_target acc = x;
    uint32_t target = (1u << log_rows) - 8;
    uint32_t iter = 0;
    while (bv_circuit_num_rows(c) + 2 <= target && bv_circuit_error(c, NULL) == BV_OK) {
        poseidon(c, st, zero);
        uint32_t nops = bv_arith_max_ops(cfg->num_routed_wires);
        for (uint32_t j = 0; j < nops; j++)
            acc = arith(c, 1, 1, acc, st[j % 8], st[(j + 1) % 8]); /* acc*s + s' */
        iter++;
    }
    (void)iter;
    bv_circuit_register_public_input(c, x);
    bv_circuit_register_public_input(c, acc);
    for (int i = 0; i < 4; i++)
        bv_circuit_register_public_input(c, st[i]);
    bv_circuit_register_public_input(c, mix);
}

bv_err bv_demo_build(const bv_plonk_config *cfg, uint32_t log_rows, bv_demo *out, bv_status *st)
{
    memset(out, 0, sizeof *out);
    if (log_rows < 6 || log_rows > 20)
        return bv_fail(st, BV_ERR_ARG, "demo circuit: log rows %u not in 6..20", log_rows);
    bv_circuit *c = bv_circuit_new(cfg);
    if (!c)
        return bv_fail(st, BV_ERR_NOMEM, "demo circuit: out of memory");
    out->x = bv_circuit_add_virtual(c);
    build_body(c, log_rows, out->x);
    bv_circuit_set_min_degree_bits(c, log_rows);
    bv_err e = bv_circuit_build(c, &out->data, st);
    bv_circuit_free(c);
    if (e != BV_OK)
        return bv_fail_ctx(st, "demo circuit");
    if (bv_circuit_data_common(out->data)->degree_bits != log_rows) {
        uint32_t db = bv_circuit_data_common(out->data)->degree_bits;
        bv_demo_free(out);
        return bv_fail(st, BV_ERR_INTERNAL, "demo circuit: built 2^%u rows instead of 2^%u", db,
                       log_rows);
    }
    return BV_OK;
}

bv_err bv_demo_witness(const bv_demo *demo, gl_t x, uint64_t seed, bv_witness **out, bv_status *st)
{
    *out = NULL;
    if (x >= (1ULL << 63))
        return bv_fail(st, BV_ERR_ARG, "demo circuit: input x must be below 2^63");
    bv_witness *w = bv_witness_new(demo->data);
    if (!w)
        return bv_fail(st, BV_ERR_NOMEM, "demo witness: out of memory");
    bv_err e = bv_witness_set(w, demo->x, x, st);
    if (e == BV_OK)
        e = bv_witness_generate(w, seed, st);
    if (e != BV_OK) {
        bv_witness_free(w);
        return bv_fail_ctx(st, "demo witness");
    }
    *out = w;
    return BV_OK;
}

void bv_demo_free(bv_demo *demo)
{
    bv_circuit_data_free(demo->data);
    demo->data = NULL;
}
