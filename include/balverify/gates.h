/*
 * gates.h - the gate types of the PLONK arithmetization and their wire layouts.
 *
 * Every constructor returns a bv_gate (gate.h) for one gate type with its
 * parameters; docs/GATES.md describes each layout, constraint and generator.
 * The layout helpers below are what gadgets and the recursive verifier use to
 * address a gate's wires.
 *
 * Invariants:
 *  - Gate ids are "Kind" or "Kind(p1,p2,...)" with every parameter in
 *    decimal; they are stable and are what circuit files store.
 *  - D = 2: an "ext pair" E(i) is the two wires (i, i+1), coefficient 0 first.
 *  - Only bv_gate_coset_interpolation() allocates (its barycentric weights go
 *    to g->data); bv_gate_free() releases any gate and may be called on every
 *    gate. bv_gate_clone() deep-copies.
 *  - Donated constant wires (ConstantGate, RandomAccessGate's extra constants)
 *    are never set by the gate's generators: the circuit builder binds them to
 *    constants.
 *  - bv_gate_check() accepts exactly the gates this library can evaluate:
 *    loaders of untrusted circuit files must call it before using a gate.
 */
#ifndef BALVERIFY_GATES_H
#define BALVERIFY_GATES_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/gate.h"

#define BV_D 2 /* extension degree */

/* Parameters the standard recursion config produces (135 wires, 80 routed,
 * 2 constants). */
#define BV_STD_NUM_WIRES 135
#define BV_STD_NUM_ROUTED 80
#define BV_STD_NUM_CONSTANTS 2
#define BV_STD_ARITH_OPS 20
#define BV_STD_ARITH_EXT_OPS 10
#define BV_STD_MUL_EXT_OPS 13
#define BV_STD_BASE_SUM_LIMBS 63
#define BV_STD_RA_BITS 4
#define BV_STD_RA_COPIES 4
#define BV_STD_RA_EXTRA_CONSTANTS 2
#define BV_STD_CI_SUBGROUP_BITS 4
#define BV_STD_CI_DEGREE 6
#define BV_STD_REDUCING_COEFFS 43
#define BV_STD_REDUCING_EXT_COEFFS 32
#define BV_STD_EXP_BITS 66

/* SHA-256 gates in the standard configuration (docs/GATES.md). */
#define BV_STD_SHA_SCHED_WORDS 3
#define BV_STD_U32_ADD_INPUTS 4
#define BV_STD_U32_ADD_CARRY_BITS 3
#define BV_STD_U32_ADD_OPS 16

/* Upper bound on any gate's num_wires accepted by bv_gate_check(). */
#define BV_GATE_MAX_WIRES 4096

/* ------------------------------------------------------------------------- */
/* Constructors                                                              */
/* ------------------------------------------------------------------------- */

bv_gate bv_gate_noop(void);
/* c_i - W[i] = 0 for i < num_consts; donates (i, i). */
bv_gate bv_gate_constant(uint32_t num_consts);
/* W[i] - PIhash[i] = 0, i < 4. */
bv_gate bv_gate_public_input(void);
/* per op: out - (c0*m0*m1 + c1*a) = 0, base field. */
bv_gate bv_gate_arithmetic(uint32_t num_ops);
/* the same on ext pairs, in the extension algebra. */
bv_gate bv_gate_arithmetic_ext(uint32_t num_ops);
/* per op: out - c0*m0*m1 = 0 on ext pairs. */
bv_gate bv_gate_mul_ext(uint32_t num_ops);
/* W[0] = sum_i W[1+i] * base^i, every limb in [0, base). */
bv_gate bv_gate_base_sum(uint32_t num_limbs, uint32_t base);
/* One Poseidon permutation with an optional swap of lanes 0..4 / 4..8. */
bv_gate bv_gate_poseidon(void);
/* The Poseidon MDS layer on 12 ext pairs. */
bv_gate bv_gate_poseidon_mds(void);
/* num_copies lookups of list[index] in lists of 2^bits elements, plus
 * num_extra_constants donated constant wires. */
bv_gate bv_gate_random_access(uint32_t bits, uint32_t num_copies, uint32_t num_extra_constants);
/* Evaluate at a point the polynomial interpolating values on a coset
 * shift*<root(subgroup_bits)>. Allocates the barycentric weights; returns a
 * gate with ops == NULL if the allocation fails or the parameters are out of
 * range (2 <= degree, 1 <= subgroup_bits <= 8). */
bv_gate bv_gate_coset_interpolation(uint32_t subgroup_bits, uint32_t degree);
/* Horner step over num_coeffs base coefficients: acc = acc*alpha + coeff. */
bv_gate bv_gate_reducing(uint32_t num_coeffs);
/* The same with ext coefficients. */
bv_gate bv_gate_reducing_ext(uint32_t num_coeffs);
/* out = base^(sum_i bit_i 2^i) for num_power_bits bits. */
bv_gate bv_gate_exponentiation(uint32_t num_power_bits);

/* Releases g->data and clears it. Safe on any gate and on zeroed structs. */
void bv_gate_free(bv_gate *g);
/* Deep copy (the data array is duplicated). BV_ERR_NOMEM on failure. */
bv_err bv_gate_clone(const bv_gate *g, bv_gate *out, bv_status *st);

/* Largest parameters that fit a config (num_wires, num_routed, num_constants),
 * computed like plonky2's new_from_config. For the standard config they give
 * the BV_STD_* values above. */
uint32_t bv_arith_max_ops(uint32_t num_routed);
uint32_t bv_arith_ext_max_ops(uint32_t num_routed);
uint32_t bv_mul_ext_max_ops(uint32_t num_routed);
uint32_t bv_base_sum_max_limbs(uint32_t num_routed, uint32_t base);
bv_gate bv_gate_random_access_for_config(uint32_t bits, uint32_t num_wires, uint32_t num_routed,
                                         uint32_t num_constants);
/* Smallest degree whose number of intermediate checkpoints is the one the
 * degree bound max_degree allows (plonky2's with_max_degree). */
uint32_t bv_coset_interp_degree_for(uint32_t subgroup_bits, uint32_t max_degree);
uint32_t bv_reducing_max_coeffs(uint32_t num_wires, uint32_t num_routed);
uint32_t bv_reducing_ext_max_coeffs(uint32_t num_wires, uint32_t num_routed);
uint32_t bv_exp_max_bits(uint32_t num_wires, uint32_t num_routed);

/* ------------------------------------------------------------------------- */
/* Queries                                                                   */
/* ------------------------------------------------------------------------- */

/* Validates a gate (known ops, parameters in range, data consistent with the
 * parameters) and that it fits a circuit config: num_wires, routed wires it
 * needs for copy constraints, constants. */
bv_err bv_gate_check(const bv_gate *g, uint32_t num_wires, uint32_t num_routed,
                     uint32_t num_constants, bv_status *st);
/* Number of leading wires of the gate that take part in copy constraints. */
uint32_t bv_gate_num_routed_wires(const bv_gate *g);
/* Byte-wise order by (degree, id): the selector order of PROOF_SYSTEM.md
 * section 6.4. */
int bv_gate_cmp(const bv_gate *a, const bv_gate *b);
/* Same gate type with the same parameters and data. */
int bv_gate_same(const bv_gate *a, const bv_gate *b);

/* ------------------------------------------------------------------------- */
/* The gate types (registry order), for generic tests and tools              */
/* ------------------------------------------------------------------------- */

/* Number of gate types; bv_gate_kind_name(i) is type i's kind string (NULL
 * for i out of range). */
size_t bv_gate_kind_count(void);
const char *bv_gate_kind_name(size_t i);
/* Example instances of type i: the standard-config parameters first, then
 * other parameters and corner cases. Writes up to cap of them (the caller
 * frees each written one with bv_gate_free) and returns how many there are. */
size_t bv_gate_kind_examples(size_t i, bv_gate *out, size_t cap);
/* A value for free input wire `wire` of g (one a generator reads and no
 * generator writes) in the domain the generators accept (booleans, indices
 * below the list length, sums that fit their limbs...), derived from the
 * random word r. */
gl_t bv_gate_sample_free(const bv_gate *g, uint32_t wire, uint64_t r);
/* 1 when, at the satisfying assignment `wires`, no constraint of g depends
 * on wire `wire` (the list entries a RandomAccess copy does not select, the
 * base of a power with exponent 0); 0 otherwise. */
int bv_gate_ignores_wire(const bv_gate *g, const gl_t *wires, uint32_t wire);
/* k < 4 when wire `wire` of g must equal element k of the public-input hash
 * (PublicInputGate), else -1. */
int bv_gate_public_input_wire(const bv_gate *g, uint32_t wire);

/* ------------------------------------------------------------------------- */
/* Wire layouts                                                              */
/* ------------------------------------------------------------------------- */

/* ArithmeticGate op j: m0, m1, a, out. */
static inline uint32_t bv_arith_wire(uint32_t op, uint32_t k)
{
    return 4 * op + k;
}
/* ArithmeticExtensionGate op j: first wire of E(m0), E(m1), E(a), E(out) for k = 0..3. */
static inline uint32_t bv_arith_ext_wire(uint32_t op, uint32_t k)
{
    return 8 * op + 2 * k;
}
/* MulExtensionGate op j: first wire of E(m0), E(m1), E(out) for k = 0..2. */
static inline uint32_t bv_mul_ext_wire(uint32_t op, uint32_t k)
{
    return 6 * op + 2 * k;
}

/* BaseSumGate: sum at 0, limb i at 1 + i (least significant first). */
#define BV_BASE_SUM_WIRE_SUM 0
static inline uint32_t bv_base_sum_wire_limb(uint32_t i)
{
    return 1 + i;
}

/* PoseidonGate. */
#define BV_POSEIDON_WIRE_IN 0
#define BV_POSEIDON_WIRE_OUT 12
#define BV_POSEIDON_WIRE_SWAP 24
#define BV_POSEIDON_WIRE_DELTA 25
#define BV_POSEIDON_WIRE_FULL0 29   /* rounds 1..3, 12 each */
#define BV_POSEIDON_WIRE_PARTIAL 65 /* 22 partial rounds, lane 0 */
#define BV_POSEIDON_WIRE_FULL1 87   /* rounds 26..29, 12 each */
#define BV_POSEIDON_GATE_NUM_WIRES 135
#define BV_POSEIDON_GATE_NUM_CONSTRAINTS 123
#define BV_POSEIDON_GATE_ROUTED 25

/* PoseidonMdsGate: E(2i) inputs, E(24 + 2i) outputs. */
static inline uint32_t bv_poseidon_mds_wire_in(uint32_t i)
{
    return 2 * i;
}
static inline uint32_t bv_poseidon_mds_wire_out(uint32_t i)
{
    return 24 + 2 * i;
}

/* RandomAccessGate(bits, copies, extra): copy c at (2 + 2^bits)*c: index,
 * claimed element, list[0..2^bits); extra constants after the copies; bit k of
 * copy c at routed + c*bits + k (routed = (2 + 2^bits)*copies + extra). */
static inline uint32_t bv_ra_wire_index(uint32_t bits, uint32_t copy)
{
    return ((1u << bits) + 2) * copy;
}
static inline uint32_t bv_ra_wire_claimed(uint32_t bits, uint32_t copy)
{
    return ((1u << bits) + 2) * copy + 1;
}
static inline uint32_t bv_ra_wire_list(uint32_t bits, uint32_t copy, uint32_t i)
{
    return ((1u << bits) + 2) * copy + 2 + i;
}
static inline uint32_t bv_ra_wire_extra_constant(uint32_t bits, uint32_t copies, uint32_t i)
{
    return ((1u << bits) + 2) * copies + i;
}
static inline uint32_t bv_ra_wire_bit(uint32_t bits, uint32_t copies, uint32_t extra, uint32_t copy,
                                      uint32_t k)
{
    return ((1u << bits) + 2) * copies + extra + copy * bits + k;
}

/* CosetInterpolationGate(subgroup_bits, degree): shift W[0]; value i at
 * E(1 + 2i); evaluation point, evaluation value after them; then the
 * intermediate evals, intermediate products and the shifted point (not
 * routed). */
static inline uint32_t bv_ci_num_points(uint32_t subgroup_bits)
{
    return 1u << subgroup_bits;
}
static inline uint32_t bv_ci_num_intermediates(uint32_t subgroup_bits, uint32_t degree)
{
    return (bv_ci_num_points(subgroup_bits) - 2) / (degree - 1);
}
#define BV_CI_WIRE_SHIFT 0
static inline uint32_t bv_ci_wire_value(uint32_t i)
{
    return 1 + 2 * i;
}
static inline uint32_t bv_ci_wire_point(uint32_t subgroup_bits)
{
    return 1 + 2 * bv_ci_num_points(subgroup_bits);
}
static inline uint32_t bv_ci_wire_eval(uint32_t subgroup_bits)
{
    return 3 + 2 * bv_ci_num_points(subgroup_bits);
}
static inline uint32_t bv_ci_wire_int_eval(uint32_t subgroup_bits, uint32_t k)
{
    return 5 + 2 * bv_ci_num_points(subgroup_bits) + 2 * k;
}
static inline uint32_t bv_ci_wire_int_prod(uint32_t subgroup_bits, uint32_t degree, uint32_t k)
{
    return 5 + 2 * bv_ci_num_points(subgroup_bits) +
           2 * (bv_ci_num_intermediates(subgroup_bits, degree) + k);
}
static inline uint32_t bv_ci_wire_shifted_point(uint32_t subgroup_bits, uint32_t degree)
{
    return 5 + 2 * bv_ci_num_points(subgroup_bits) +
           4 * bv_ci_num_intermediates(subgroup_bits, degree);
}

/* ReducingGate(n): E(0) output (= last accumulator), E(2) alpha, E(4) old
 * accumulator, coefficient i at 6 + i, accumulator i < n-1 at E(6 + n + 2i). */
#define BV_RED_WIRE_OUT 0
#define BV_RED_WIRE_ALPHA 2
#define BV_RED_WIRE_OLD_ACC 4
static inline uint32_t bv_red_wire_coeff(uint32_t i)
{
    return 6 + i;
}
static inline uint32_t bv_red_wire_acc(uint32_t n, uint32_t i)
{
    return i == n - 1 ? BV_RED_WIRE_OUT : 6 + n + 2 * i;
}
/* ReducingExtensionGate(n): the same with coefficient i at E(6 + 2i) and
 * accumulator i < n-1 at E(6 + 2n + 2i). */
static inline uint32_t bv_red_ext_wire_coeff(uint32_t i)
{
    return 6 + 2 * i;
}
static inline uint32_t bv_red_ext_wire_acc(uint32_t n, uint32_t i)
{
    return i == n - 1 ? BV_RED_WIRE_OUT : 6 + 2 * n + 2 * i;
}

/* ExponentiationGate(b): base W[0], bit i (LE) at 1 + i, output at 1 + b,
 * intermediate i at 2 + b + i. */
#define BV_EXP_WIRE_BASE 0
static inline uint32_t bv_exp_wire_bit(uint32_t i)
{
    return 1 + i;
}
static inline uint32_t bv_exp_wire_out(uint32_t nbits)
{
    return 1 + nbits;
}
static inline uint32_t bv_exp_wire_int(uint32_t nbits, uint32_t i)
{
    return 2 + nbits + i;
}

/* Poseidon MDS matrix entry M[r][c] (small integer). */
uint64_t bv_poseidon_mds_entry(uint32_t r, uint32_t c);

/* ------------------------------------------------------------------------- */
/* SHA-256 and 32-bit addition (docs/GATES.md)                               */
/* ------------------------------------------------------------------------- */

/* Sha256Round2(v): two consecutive rounds' bit functions on one row.
 * Words X0..X3 = x_{t-2}, x_{t-1}, x_t, x_{t+1} of the working variable a
 * (v = BV_SHA_MAJ) or e (v = BV_SHA_CH), each decomposed into 32 bits;
 * outputs F_r for r = 0 (round t, on X2, X1, X0) and r = 1 (round t + 1, on
 * X3, X2, X1):
 *   MAJ: F = Sigma0(x) + Maj(x, y, z)            (< 2^33)
 *   CH:  F = Sigma1(x) + Ch(x, y, z) + k_r       (gate constants k_0, k_1)
 * as integers (no reduction mod 2^32). 134 wires, the first 6 routed;
 * degree 3; 134 constraints; two generators (op 0: round t, op 1: round t+1). */
#define BV_SHA_MAJ 0u
#define BV_SHA_CH 1u
#define BV_SHA_R2_WIRES 134u
#define BV_SHA_R2_ROUTED 6u
#define BV_SHA_R2_WORD(j) (j)
#define BV_SHA_R2_OUT(r) (4u + (r))
#define BV_SHA_R2_BIT(j, i) (6u + 32u * (j) + (i))
bv_gate bv_gate_sha256_round2(uint32_t variant);

/* Sha256Sched(n): n words per row, each decomposed into 32 bits (so range
 * checked) with outputs sigma0(x) and sigma1(x) of the message schedule.
 * Wires: word k at 3k, sigma0 at 3k+1, sigma1 at 3k+2 (routed), bits after
 * the 3n routed wires. 35 constraints per word, degree 3. */
static inline uint32_t bv_sha_sched_wire_word(uint32_t k)
{
    return 3 * k;
}
static inline uint32_t bv_sha_sched_wire_s0(uint32_t k)
{
    return 3 * k + 1;
}
static inline uint32_t bv_sha_sched_wire_s1(uint32_t k)
{
    return 3 * k + 2;
}
static inline uint32_t bv_sha_sched_wire_bit(uint32_t n, uint32_t k, uint32_t i)
{
    return 3 * n + 32 * k + i;
}
bv_gate bv_gate_sha256_sched(uint32_t words);

/* U32Add(m, c, ops): per op, out = in_0 + ... + in_{m-1} - 2^32 * carry with
 * carry given by c boolean wires. out is NOT range checked by the gate: the
 * caller decomposes it (a Sha256Sched word or another range check) or uses it
 * only where a later range check fixes it (see docs/GATES.md). Op k's inputs
 * and output are routed wires k(m+1) .. k(m+1)+m; carry bits follow all
 * routed wires. Degree 2. */
static inline uint32_t bv_u32_add_wire_in(uint32_t m, uint32_t k, uint32_t j)
{
    return k * (m + 1) + j;
}
static inline uint32_t bv_u32_add_wire_out(uint32_t m, uint32_t k)
{
    return k * (m + 1) + m;
}
static inline uint32_t bv_u32_add_wire_carry(uint32_t m, uint32_t c, uint32_t ops, uint32_t k,
                                             uint32_t j)
{
    return ops * (m + 1) + k * c + j;
}
bv_gate bv_gate_u32_add(uint32_t inputs, uint32_t carry_bits, uint32_t ops);

#endif
