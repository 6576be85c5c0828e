/*
 * gadgets.h - circuit gadgets: arithmetic, bits, selection, extension-field
 * arithmetic, Poseidon hashing, Merkle proofs, the Fiat-Shamir challenger and
 * gate constraints, all on targets (the pieces a recursive verifier is built
 * from).
 *
 * Every gadget adds rows, copy constraints and generators to a builder
 * (circuit.h) and returns the target(s) holding its result; the value of each
 * result is computed during witness generation and CONSTRAINED by the added
 * gates, never just computed. docs/GATES.md lists the row cost of each one.
 *
 * Invariants:
 *  - Base-field arithmetic goes through ArithmeticGate op slots
 *    (out = c0*m0*m1 + c1*a): an op reuses a free slot of an existing row with
 *    the same (c0, c1), else it starts a new row (bv_circuit_find_slot).
 *    Operations whose operands are all constants are folded into a constant
 *    and cost nothing.
 *  - Extension arithmetic uses ArithmeticExtensionGate slots (MulExtensionGate
 *    slots for plain products), packed the same way.
 *  - Bool targets are only produced by gadgets that constrain them to {0, 1}
 *    (bv_gadget_assert_bool, split_le limbs, is_equal...); functions taking a
 *    "bit" assume that.
 *  - Misuse (list sizes, bit counts out of range) becomes the builder's
 *    sticky error, reported by bv_circuit_build().
 *  - Poseidon gadgets give exactly the native bv_poseidon_* results.
 */
#ifndef BALVERIFY_GADGETS_H
#define BALVERIFY_GADGETS_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/circuit.h"
#include "balverify/gates.h"

/* An extension element (c0 + c1*X) held by two targets. */
typedef struct {
    bv_target c0, c1;
} bv_ext_target;

/* A Poseidon digest held by four targets. */
typedef struct {
    bv_target e[4];
} bv_hash_target;

/* ------------------------------------------------------------------------- */
/* Base-field arithmetic                                                     */
/* ------------------------------------------------------------------------- */

/* c0*m0*m1 + c1*a: one ArithmeticGate op. */
bv_target bv_gadget_arith(bv_circuit *c, gl_t c0, bv_target m0, bv_target m1, gl_t c1, bv_target a);
bv_target bv_gadget_add(bv_circuit *c, bv_target a, bv_target b);
bv_target bv_gadget_sub(bv_circuit *c, bv_target a, bv_target b);
bv_target bv_gadget_mul(bv_circuit *c, bv_target a, bv_target b);
/* a*b + d */
bv_target bv_gadget_mul_add(bv_circuit *c, bv_target a, bv_target b, bv_target d);
/* a*b - d */
bv_target bv_gadget_mul_sub(bv_circuit *c, bv_target a, bv_target b, bv_target d);
/* k*a */
bv_target bv_gadget_mul_const(bv_circuit *c, gl_t k, bv_target a);
/* a + k */
bv_target bv_gadget_add_const(bv_circuit *c, bv_target a, gl_t k);
/* k*a + b */
bv_target bv_gadget_mul_const_add(bv_circuit *c, gl_t k, bv_target a, bv_target b);
bv_target bv_gadget_neg(bv_circuit *c, bv_target a);
bv_target bv_gadget_square(bv_circuit *c, bv_target a);
/* Sum / product of n targets (n = 0 gives 0 / 1). */
bv_target bv_gadget_sum(bv_circuit *c, const bv_target *t, size_t n);
bv_target bv_gadget_product(bv_circuit *c, const bv_target *t, size_t n);

bv_target bv_gadget_constant(bv_circuit *c, gl_t v);
bv_target bv_gadget_zero(bv_circuit *c);
bv_target bv_gadget_one(bv_circuit *c);

/* 1/x (a witness checked by x * inv = 1; proving fails when x = 0). */
bv_target bv_gadget_inverse(bv_circuit *c, bv_target x);
/* a/b = a * inverse(b). */
bv_target bv_gadget_div(bv_circuit *c, bv_target a, bv_target b);

/* x^e for a constant e (square-and-multiply with ArithmeticGate ops). */
bv_target bv_gadget_exp_u64(bv_circuit *c, bv_target base, uint64_t e);
/* x^(2^k) by k squarings. */
bv_target bv_gadget_exp_power_of_2(bv_circuit *c, bv_target x, uint32_t k);
/* base^(sum_i bits[i] 2^i) for a constant base: per bit a multiplicand
 * 1 + bit*(base^(2^i) - 1) and a product (2 ops and one constant per bit);
 * bits must be bool targets. */
bv_target bv_gadget_exp_const_base_bits(bv_circuit *c, gl_t base, const bv_target *bits, size_t n);
/* base^(sum_i bits[i] 2^i) with one ExponentiationGate row per 66 bits (the
 * config's maximum); bits must be bool targets. */
bv_target bv_gadget_exp_bits(bv_circuit *c, bv_target base, const bv_target *bits, size_t n);

/* ------------------------------------------------------------------------- */
/* Assertions, booleans, selection                                           */
/* ------------------------------------------------------------------------- */

void bv_gadget_connect(bv_circuit *c, bv_target a, bv_target b);
void bv_gadget_assert_equal(bv_circuit *c, bv_target a, bv_target b);
void bv_gadget_assert_zero(bv_circuit *c, bv_target a);
void bv_gadget_assert_one(bv_circuit *c, bv_target a);
/* b*b - b = 0: one ArithmeticGate op. */
void bv_gadget_assert_bool(bv_circuit *c, bv_target b);
/* A new virtual target constrained to be a bit (its value comes from the
 * caller's partial witness). */
bv_target bv_gadget_add_virtual_bool(bv_circuit *c);

bv_target bv_gadget_not(bv_circuit *c, bv_target b);
bv_target bv_gadget_and(bv_circuit *c, bv_target a, bv_target b);
bv_target bv_gadget_or(bv_circuit *c, bv_target a, bv_target b);
/* b ? x : y (2 ops). */
bv_target bv_gadget_select(bv_circuit *c, bv_target b, bv_target x, bv_target y);
/* b ? (y, x) : (x, y) (3 ops). */
void bv_gadget_cond_swap(bv_circuit *c, bv_target b, bv_target x, bv_target y, bv_target *x_out,
                         bv_target *y_out);
/* Bool target: x == y (3 ops and a witness inverse). */
bv_target bv_gadget_is_equal(bv_circuit *c, bv_target x, bv_target y);
bv_target bv_gadget_is_zero(bv_circuit *c, bv_target x);

/* ------------------------------------------------------------------------- */
/* Bits                                                                      */
/* ------------------------------------------------------------------------- */

/* Little-endian bits of x (n <= 64): BaseSum(L,2) rows, L = the config's limb
 * count (63 with 80 routed wires). n = 64 accepts the non-canonical
 * decomposition x + p as well (the sum wraps modulo p). */
void bv_gadget_split_le(bv_circuit *c, bv_target x, size_t n, bv_target *bits);
/* x < 2^n (n <= 63). */
void bv_gadget_range_check(bv_circuit *c, bv_target x, size_t n);
/* sum_i bits[i] 2^i (n <= 64); also constrains every bit to be boolean. */
bv_target bv_gadget_le_sum(bv_circuit *c, const bv_target *bits, size_t n);
/* Splits x into (low, high) with x = low + 2^n_low * high, low < 2^n_low,
 * high < 2^n_high (n_low + n_high <= 63 enforced by the callers' choice). */
void bv_gadget_split_low_high(bv_circuit *c, bv_target x, size_t n_low, size_t n_high,
                              bv_target *low, bv_target *high);

/* list[index] for a list of 2^k targets (1 <= k <= 10): one RandomAccessGate
 * copy (bits = k, as many copies per row as the config allows). The gate
 * enforces index < 2^k. */
bv_target bv_gadget_random_access(bv_circuit *c, bv_target index, const bv_target *list, size_t n);
bv_ext_target bv_gadget_random_access_ext(bv_circuit *c, bv_target index, const bv_ext_target *list,
                                          size_t n);
bv_hash_target bv_gadget_random_access_hash(bv_circuit *c, bv_target index,
                                            const bv_hash_target *list, size_t n);

/* ------------------------------------------------------------------------- */
/* Extension field K = F[X]/(X^2 - 7)                                        */
/* ------------------------------------------------------------------------- */

bv_ext_target bv_gadget_ext_constant(bv_circuit *c, gl_ext v);
bv_ext_target bv_gadget_ext_zero(bv_circuit *c);
bv_ext_target bv_gadget_ext_one(bv_circuit *c);
/* (b, 0) */
bv_ext_target bv_gadget_ext_from_base(bv_circuit *c, bv_target b);
bv_ext_target bv_gadget_add_virtual_ext(bv_circuit *c);
void bv_gadget_connect_ext(bv_circuit *c, bv_ext_target a, bv_ext_target b);

/* c0*m0*m1 + c1*a: one ArithmeticExtensionGate op. */
bv_ext_target bv_gadget_ext_arith(bv_circuit *c, gl_t c0, bv_ext_target m0, bv_ext_target m1,
                                  gl_t c1, bv_ext_target a);
bv_ext_target bv_gadget_ext_add(bv_circuit *c, bv_ext_target a, bv_ext_target b);
bv_ext_target bv_gadget_ext_sub(bv_circuit *c, bv_ext_target a, bv_ext_target b);
/* One MulExtensionGate op. */
bv_ext_target bv_gadget_ext_mul(bv_circuit *c, bv_ext_target a, bv_ext_target b);
bv_ext_target bv_gadget_ext_mul_add(bv_circuit *c, bv_ext_target a, bv_ext_target b,
                                    bv_ext_target d);
bv_ext_target bv_gadget_ext_mul_sub(bv_circuit *c, bv_ext_target a, bv_ext_target b,
                                    bv_ext_target d);
bv_ext_target bv_gadget_ext_square(bv_circuit *c, bv_ext_target a);
/* k*a for a constant k in F. */
bv_ext_target bv_gadget_ext_mul_const(bv_circuit *c, gl_t k, bv_ext_target a);
/* s*a for a base target s (two ArithmeticGate ops). */
bv_ext_target bv_gadget_ext_scalar_mul(bv_circuit *c, bv_target s, bv_ext_target a);
bv_ext_target bv_gadget_ext_inverse(bv_circuit *c, bv_ext_target x);
bv_ext_target bv_gadget_ext_div(bv_circuit *c, bv_ext_target a, bv_ext_target b);
/* b ? x : y for a bool base target b. */
bv_ext_target bv_gadget_ext_select(bv_circuit *c, bv_target b, bv_ext_target x, bv_ext_target y);
/* x^(2^k) by k squarings. */
bv_ext_target bv_gadget_ext_exp_power_of_2(bv_circuit *c, bv_ext_target x, uint32_t k);
/* sum_i coeffs[i] * alpha^i by Horner with ArithmeticExtension ops (one per
 * coefficient): cheaper than a reducing row for a handful of terms. */
bv_ext_target bv_gadget_ext_horner(bv_circuit *c, bv_ext_target alpha, const bv_ext_target *coeffs,
                                   size_t n);
/* sum_i coeffs[i] * alpha^i: ReducingGate rows (base coefficients) /
 * ReducingExtensionGate rows (ext coefficients). */
bv_ext_target bv_gadget_reduce_base(bv_circuit *c, bv_ext_target alpha, const bv_target *coeffs,
                                    size_t n);
bv_ext_target bv_gadget_reduce_ext(bv_circuit *c, bv_ext_target alpha, const bv_ext_target *coeffs,
                                   size_t n);

/* ------------------------------------------------------------------------- */
/* Poseidon and Merkle proofs                                                */
/* ------------------------------------------------------------------------- */

/* One permutation (one PoseidonGate row). swap: a bool target exchanging
 * lanes 0..4 and 4..8 before permuting, or NULL for none. */
void bv_gadget_poseidon_permute(bv_circuit *c, const bv_target in[12], const bv_target *swap,
                                bv_target out[12]);
/* hash_n_to_m_no_pad (overwrite-mode sponge from the zero state). */
void bv_gadget_hash_n_to_m_no_pad(bv_circuit *c, const bv_target *in, size_t n, bv_target *out,
                                  size_t m);
bv_hash_target bv_gadget_hash_n_to_hash_no_pad(bv_circuit *c, const bv_target *in, size_t n);
/* n <= 4: the inputs zero-padded, no hashing. */
bv_hash_target bv_gadget_hash_or_noop(bv_circuit *c, const bv_target *in, size_t n);
bv_hash_target bv_gadget_two_to_one(bv_circuit *c, bv_hash_target a, bv_hash_target b);
bv_hash_target bv_gadget_hash_constant(bv_circuit *c, bv_hash h);
bv_hash_target bv_gadget_add_virtual_hash(bv_circuit *c);
/* b ? x : y element-wise for a bool target b (8 ops). */
bv_hash_target bv_gadget_select_hash(bv_circuit *c, bv_target b, bv_hash_target x,
                                     bv_hash_target y);
void bv_gadget_connect_hash(bv_circuit *c, bv_hash_target a, bv_hash_target b);

/* The Merkle node reached from hash_or_noop(leaf) through nsiblings levels:
 * one PoseidonGate row per sibling with swap = bits[k] (bits[0] is the leaf
 * level; the gate constrains each swap bit to be boolean). */
bv_hash_target bv_gadget_merkle_path(bv_circuit *c, const bv_target *leaf, size_t leaf_len,
                                     const bv_target *bits, const bv_hash_target *siblings,
                                     size_t nsiblings);

/* Merkle proof against a cap (PROOF_SYSTEM.md section 4): leaf digest
 * hash_or_noop(leaf), then for each sibling a PoseidonGate row with
 * swap = index bit (bits[0] is the leaf level), and the node reached must
 * equal cap[cap index], the cap index being the remaining
 * log2(cap_len) bits (RandomAccessGate). index_bits: nsiblings +
 * log2(cap_len) bool targets. */
void bv_gadget_verify_merkle_proof_to_cap(bv_circuit *c, const bv_target *leaf, size_t leaf_len,
                                          const bv_target *index_bits,
                                          const bv_hash_target *siblings, size_t nsiblings,
                                          const bv_hash_target *cap, size_t cap_len);

/* ------------------------------------------------------------------------- */
/* Fiat-Shamir challenger on targets                                         */
/* ------------------------------------------------------------------------- */

/* The duplex sponge of challenger.h on targets (one PoseidonGate row per
 * permutation): the same observe/get sequence draws exactly the native
 * challenges. A plain value: copying it forks the transcript. */
typedef struct {
    bv_target state[BV_POSEIDON_WIDTH];
    bv_target in[BV_POSEIDON_RATE];
    bv_target out[BV_POSEIDON_RATE];
    unsigned n_in, n_out;
} bv_circuit_challenger;

void bv_gadget_challenger_init(bv_circuit *c, bv_circuit_challenger *ch);
void bv_gadget_challenger_observe(bv_circuit *c, bv_circuit_challenger *ch, bv_target x);
void bv_gadget_challenger_observe_many(bv_circuit *c, bv_circuit_challenger *ch, const bv_target *x,
                                       size_t n);
void bv_gadget_challenger_observe_ext(bv_circuit *c, bv_circuit_challenger *ch, bv_ext_target x);
void bv_gadget_challenger_observe_hash(bv_circuit *c, bv_circuit_challenger *ch, bv_hash_target h);
void bv_gadget_challenger_observe_cap(bv_circuit *c, bv_circuit_challenger *ch,
                                      const bv_hash_target *cap, size_t n);
bv_target bv_gadget_challenger_get(bv_circuit *c, bv_circuit_challenger *ch);
void bv_gadget_challenger_get_many(bv_circuit *c, bv_circuit_challenger *ch, bv_target *out,
                                   size_t n);
bv_ext_target bv_gadget_challenger_get_ext(bv_circuit *c, bv_circuit_challenger *ch);
bv_hash_target bv_gadget_challenger_get_hash(bv_circuit *c, bv_circuit_challenger *ch);

/* ------------------------------------------------------------------------- */
/* Interpolation                                                             */
/* ------------------------------------------------------------------------- */

/* Value at `point` of the polynomial taking values[i] at shift*root(s)^i,
 * i < 2^s: one CosetInterpolationGate row (degree from the config's quotient
 * degree factor). The shift must be non-zero: with shift = 0 the gate cannot
 * pin the interpolation point (FRI coset shifts are never zero). */
bv_ext_target bv_gadget_interpolate_coset(bv_circuit *c, uint32_t subgroup_bits, bv_target shift,
                                          const bv_ext_target *values, bv_ext_target point);

/* ------------------------------------------------------------------------- */
/* Gate constraints in-circuit (recursive verification)                      */
/* ------------------------------------------------------------------------- */

/* The Poseidon MDS layer on 12 extension targets: one PoseidonMdsGate row
 * (ArithmeticExtension ops when the config has fewer than 48 routed wires).
 * in and out may be the same array. */
void bv_gadget_poseidon_mds_ext(bv_circuit *c, const bv_ext_target in[12], bv_ext_target out[12]);

/* The in-circuit form of g->ops->eval_ext: out[k] (num_constraints of them)
 * receives constraint k of gate g evaluated on the extension targets
 * wires[0..num_wires) and constants[0..num_constants); pi is the public-input
 * hash (PublicInputGate only, may be NULL otherwise). The same polynomials as
 * eval_ext, built from extension gadgets. */
void bv_gadget_eval_gate_constraints(bv_circuit *c, const bv_gate *g, const bv_ext_target *wires,
                                     const bv_ext_target *constants, const bv_hash_target *pi,
                                     bv_ext_target *out);

/* Whether bv_gadget_eval_gate_constraints can evaluate g: a known gate kind,
 * and RandomAccess lists of at most 2^10 entries. For any other gate the
 * evaluator sets the builder's sticky error instead. */
int bv_gadget_gate_eval_supported(const bv_gate *g);

/* The in-circuit evaluator a gate type's table entry carries (NULL when it
 * has none). */
typedef void (*bv_gate_eval_circuit_fn)(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                                        const bv_ext_target *consts, const bv_hash_target *pi,
                                        bv_ext_target *out);
bv_gate_eval_circuit_fn bv_gate_eval_circuit_of(const bv_gate *g);

/* ------------------------------------------------------------------------- */
/* Generators by name                                                        */
/* ------------------------------------------------------------------------- */

/* The simple witness generators the gadgets register, by kind name: what
 * bv_prover_data_deserialize() needs to load a stored circuit (NULL for an
 * unknown name). */
bv_simple_gen_fn bv_gadget_generator_by_name(const char *name);
/* Per-file parts of it (base-field and extension gadgets). */
bv_simple_gen_fn bv_gadget_base_generator(const char *name);
bv_simple_gen_fn bv_gadget_ext_generator(const char *name);
bv_simple_gen_fn bv_gadget_int_generator(const char *name); /* gadgets_int.h */

#endif
