/*
 * circuit_arith.h - arithmetic on targets (src/plonk): base-field operations
 * through ArithmeticGate op slots, extension-field operations through
 * ArithmeticExtensionGate / MulExtensionGate slots, Horner reductions, the
 * Poseidon MDS layer on extension targets, and the type of a gate's
 * in-circuit evaluator. The gates' in-circuit evaluators (src/plonk/gates)
 * are written with these functions; gadgets.h builds on them.
 *
 * Invariants:
 *  - Every function adds rows, copy constraints and generators to a builder
 *    (circuit.h) and returns the target(s) holding its result; the result is
 *    CONSTRAINED by the added gates, never just computed.
 *  - Base-field arithmetic goes through ArithmeticGate op slots
 *    (out = c0*m0*m1 + c1*a): an op reuses a free slot of an existing row with
 *    the same (c0, c1), else it starts a new row (bv_circuit_find_slot).
 *    Operations whose operands are all constants are folded into a constant
 *    and cost nothing; identities (x*1, x+0) cost nothing.
 *  - Extension arithmetic uses ArithmeticExtensionGate slots (MulExtensionGate
 *    slots for plain products), packed the same way.
 *  - Misuse becomes the builder's sticky error (bv_circuit_fail), reported by
 *    bv_circuit_build().
 */
#ifndef BALVERIFY_CIRCUIT_ARITH_H
#define BALVERIFY_CIRCUIT_ARITH_H

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

/* The Poseidon MDS layer on 12 extension targets: one PoseidonMdsGate row
 * (ArithmeticExtension ops when the config has fewer than 48 routed wires).
 * in and out may be the same array. */
void bv_gadget_poseidon_mds_ext(bv_circuit *c, const bv_ext_target in[12], bv_ext_target out[12]);

/* ------------------------------------------------------------------------- */
/* In-circuit gate evaluation                                                */
/* ------------------------------------------------------------------------- */

/* The in-circuit evaluator a gate type's table entry carries (NULL when it
 * has none). */
typedef void (*bv_gate_eval_circuit_fn)(bv_circuit *c, const bv_gate *g, const bv_ext_target *w,
                                        const bv_ext_target *consts, const bv_hash_target *pi,
                                        bv_ext_target *out);
bv_gate_eval_circuit_fn bv_gate_eval_circuit_of(const bv_gate *g);

/* The named witness generators of the target arithmetic ("Copy",
 * "Inverse", "ExtInverse"), for loading stored prover data; NULL for other
 * names (gadgets.h: bv_gadget_generator_by_name covers every name). */
bv_simple_gen_fn bv_circuit_arith_generator(const char *name);
bv_simple_gen_fn bv_circuit_arith_ext_generator(const char *name);

#endif
