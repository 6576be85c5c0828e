/* config.c - see include/balverify/plonk_config.h */
#include "balverify/plonk_config.h"

#include <string.h>

bv_plonk_config bv_plonk_config_standard(void)
{
    bv_plonk_config c = {
        .name = "standard",
        .num_wires = 135,
        .num_routed_wires = 80,
        .num_constants = 2,
        .security_bits = 100,
        .num_challenges = 2,
        .max_quotient_degree_factor = 8,
        .use_base_arithmetic_gate = 1,
        .zero_knowledge = 0,
        .fri = {.rate_bits = 3,
                .cap_height = 4,
                .proof_of_work_bits = 16,
                .arity_bits = 4,
                .final_poly_bits = 5,
                .num_query_rounds = 28},
    };
    return c;
}

bv_plonk_config bv_plonk_config_test(void)
{
    bv_plonk_config c = bv_plonk_config_standard();
    c.name = "test";
    /* Cheaper FRI for the test suite only: 8*3 + 8 = 32 conjectured bits. */
    c.fri.num_query_rounds = 8;
    c.fri.proof_of_work_bits = 8;
    c.security_bits = 32;
    return c;
}

bv_err bv_plonk_config_by_name(const char *name, bv_plonk_config *out, bv_status *st)
{
    if (name && strcmp(name, "standard") == 0) {
        *out = bv_plonk_config_standard();
        return BV_OK;
    }
    if (name && strcmp(name, "test") == 0) {
        *out = bv_plonk_config_test();
        return BV_OK;
    }
    return bv_fail(st, BV_ERR_ARG, "unknown circuit config '%s' (expected standard or test)",
                   name ? name : "(null)");
}

static int is_pow2(uint32_t x)
{
    return x && !(x & (x - 1));
}

static uint32_t log2u(uint32_t x)
{
    uint32_t r = 0;
    while ((1u << r) < x)
        r++;
    return r;
}

bv_err bv_plonk_config_validate(const bv_plonk_config *c, bv_status *st)
{
    if (c->num_wires == 0 || c->num_wires > BV_PLONK_MAX_WIRES)
        return bv_fail(st, BV_ERR_FORMAT, "config: num_wires %u out of range 1..%u", c->num_wires,
                       BV_PLONK_MAX_WIRES);
    if (c->num_routed_wires == 0 || c->num_routed_wires > c->num_wires)
        return bv_fail(st, BV_ERR_FORMAT, "config: num_routed_wires %u not in 1..num_wires",
                       c->num_routed_wires);
    if (c->num_constants > BV_PLONK_MAX_CONSTANTS)
        return bv_fail(st, BV_ERR_FORMAT, "config: num_constants %u too large", c->num_constants);
    if (c->num_challenges == 0 || c->num_challenges > 8)
        return bv_fail(st, BV_ERR_FORMAT, "config: num_challenges %u out of range 1..8",
                       c->num_challenges);
    if (!is_pow2(c->max_quotient_degree_factor) || c->max_quotient_degree_factor < 2 ||
        c->max_quotient_degree_factor > 64)
        return bv_fail(st, BV_ERR_FORMAT,
                       "config: max_quotient_degree_factor %u is not a power of two in 2..64",
                       c->max_quotient_degree_factor);
    if (c->num_routed_wires % c->max_quotient_degree_factor)
        return bv_fail(st, BV_ERR_FORMAT,
                       "config: num_routed_wires %u is not a multiple of the quotient factor %u",
                       c->num_routed_wires, c->max_quotient_degree_factor);
    if (c->zero_knowledge)
        return bv_fail(st, BV_ERR_UNSUPPORTED, "config: zero-knowledge blinding is not supported");
    const bv_plonk_fri_config *f = &c->fri;
    if (f->rate_bits == 0 || f->rate_bits > 8 ||
        log2u(c->max_quotient_degree_factor) > f->rate_bits)
        return bv_fail(st, BV_ERR_FORMAT,
                       "config: rate_bits %u must be in 1..8 and >= log2(quotient factor)",
                       f->rate_bits);
    if (f->cap_height > 8)
        return bv_fail(st, BV_ERR_FORMAT, "config: cap_height %u > 8", f->cap_height);
    if (f->proof_of_work_bits > 32)
        return bv_fail(st, BV_ERR_FORMAT, "config: proof_of_work_bits %u > 32",
                       f->proof_of_work_bits);
    if (f->arity_bits == 0 || f->arity_bits > 6)
        return bv_fail(st, BV_ERR_FORMAT, "config: arity_bits %u not in 1..6", f->arity_bits);
    if (f->final_poly_bits > 16)
        return bv_fail(st, BV_ERR_FORMAT, "config: final_poly_bits %u > 16", f->final_poly_bits);
    if (f->num_query_rounds == 0 || f->num_query_rounds > 256)
        return bv_fail(st, BV_ERR_FORMAT, "config: num_query_rounds %u not in 1..256",
                       f->num_query_rounds);
    return BV_OK;
}

uint32_t bv_plonk_fri_arities(const bv_plonk_fri_config *f, uint32_t degree_bits,
                              uint32_t out[BV_PLONK_MAX_ARITIES])
{
    uint32_t n = 0, d = degree_bits;
    while (n < BV_PLONK_MAX_ARITIES && d > f->final_poly_bits && d >= f->arity_bits &&
           d + f->rate_bits >= f->cap_height + f->arity_bits) {
        out[n++] = f->arity_bits;
        d -= f->arity_bits;
    }
    return n;
}

uint32_t bv_plonk_conjectured_security_bits(const bv_plonk_config *c)
{
    uint64_t b = (uint64_t)c->fri.num_query_rounds * c->fri.rate_bits + c->fri.proof_of_work_bits;
    return b < 128 ? (uint32_t)b : 128;
}

uint32_t bv_plonk_num_partial_products(const bv_plonk_config *c)
{
    uint32_t q = c->max_quotient_degree_factor;
    return (c->num_routed_wires + q - 1) / q - 1;
}

static int same_config(const bv_plonk_config *a, const bv_plonk_config *b)
{
    return a->name && b->name && strcmp(a->name, b->name) == 0 && a->num_wires == b->num_wires &&
           a->num_routed_wires == b->num_routed_wires && a->num_constants == b->num_constants &&
           a->security_bits == b->security_bits && a->num_challenges == b->num_challenges &&
           a->max_quotient_degree_factor == b->max_quotient_degree_factor &&
           a->use_base_arithmetic_gate == b->use_base_arithmetic_gate &&
           a->zero_knowledge == b->zero_knowledge && a->fri.rate_bits == b->fri.rate_bits &&
           a->fri.cap_height == b->fri.cap_height &&
           a->fri.proof_of_work_bits == b->fri.proof_of_work_bits &&
           a->fri.arity_bits == b->fri.arity_bits &&
           a->fri.final_poly_bits == b->fri.final_poly_bits &&
           a->fri.num_query_rounds == b->fri.num_query_rounds;
}

bv_err bv_plonk_config_check_security(const bv_plonk_config *c, int allow_test_config,
                                      bv_status *st)
{
    uint32_t bits = bv_plonk_conjectured_security_bits(c);
    if (bits >= BV_PLONK_MIN_SECURITY_BITS)
        return BV_OK;
    bv_plonk_config test = bv_plonk_config_test();
    int is_test = same_config(c, &test);
    if (is_test && allow_test_config)
        return BV_OK;
    const char *name = c->name ? c->name : "custom";
    if (is_test)
        return bv_fail(st, BV_ERR_UNSUPPORTED,
                       "the test configuration (%u conjectured bits) is refused unless "
                       "requested explicitly (--config test)",
                       bits);
    return bv_fail(st, BV_ERR_UNSUPPORTED,
                   "configuration \"%s\" gives %u conjectured bits of security (%u queries, "
                   "rate %u, %u proof-of-work bits), below the %u required",
                   name, bits, c->fri.num_query_rounds, c->fri.rate_bits, c->fri.proof_of_work_bits,
                   BV_PLONK_MIN_SECURITY_BITS);
}
