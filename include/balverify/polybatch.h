/*
 * polybatch.h - a committed batch of polynomials (plonky2's
 * PolynomialBatch): coefficients, their low-degree extension stored in
 * bit-reversed row order, and the Merkle tree (with cap) over those rows.
 *
 * Invariants:
 *  - All polynomials of a batch have n = 2^log_n coefficients (degree < n).
 *  - The LDE has N = n << rate_bits rows; row r holds, for every polynomial
 *    in batch order, its value at g * omega_N^rev(r) (g the multiplicative
 *    generator, rev over log2 N bits). Merkle leaf r is exactly row r, so
 *    the cap commits to the batch (no salt: no zero-knowledge blinding).
 *  - Coefficients are stored poly-major: coeffs[p * n + j] is coefficient j
 *    of polynomial p.
 *  - A batch owns all its memory (coefficients, the LDE matrix of
 *    n_polys * N elements, the tree: about 8 * n_polys * N + 64 N bytes);
 *    bv_polybatch_free() releases it and leaves a zeroed struct (freeing
 *    twice is harmless).
 */
#ifndef BALVERIFY_POLYBATCH_H
#define BALVERIFY_POLYBATCH_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/gl_ext.h"
#include "balverify/merkle.h"
#include "balverify/status.h"

typedef struct bv_polybatch {
    size_t n_polys;
    unsigned log_n;     /* coefficients per polynomial: 2^log_n */
    unsigned rate_bits; /* LDE blow-up */
    unsigned cap_height;
    gl_t *coeffs; /* n_polys * 2^log_n, poly-major */
    gl_t *lde;    /* 2^(log_n + rate_bits) rows * n_polys, row-major, bit-reversed rows */
    bv_merkle_tree tree;
} bv_polybatch;

/* Commit to n_polys polynomials given by coefficients (poly-major, n_polys *
 * 2^log_n elements; copied). Requires cap_height <= log_n + rate_bits. */
bv_err bv_polybatch_from_coeffs(bv_polybatch *pb, const gl_t *coeffs, size_t n_polys,
                                unsigned log_n, unsigned rate_bits, unsigned cap_height,
                                bv_status *st);

/* Commit to polynomials given by their values on the subgroup H =
 * <omega_n>, natural order, poly-major (values[p * n + i] = P_p(omega_n^i)). */
bv_err bv_polybatch_from_values(bv_polybatch *pb, const gl_t *values, size_t n_polys,
                                unsigned log_n, unsigned rate_bits, unsigned cap_height,
                                bv_status *st);

void bv_polybatch_free(bv_polybatch *pb);

static inline size_t bv_polybatch_lde_size(const bv_polybatch *pb)
{
    return (size_t)1 << (pb->log_n + pb->rate_bits);
}
static inline const bv_hash *bv_polybatch_cap(const bv_polybatch *pb)
{
    return bv_merkle_cap(&pb->tree);
}

/* Merkle leaf / LDE row r (bit-reversed position): n_polys values. */
static inline const gl_t *bv_polybatch_leaf(const bv_polybatch *pb, size_t r)
{
    return pb->lde + r * pb->n_polys;
}

/* Row of values at the NATURAL LDE index i, i.e. at g * omega_N^i
 * (= leaf rev(i)). What a quotient computation walking the coset uses. */
const gl_t *bv_polybatch_lde_row(const bv_polybatch *pb, size_t i);

/* Merkle proof (bv_merkle_proof_len(&pb->tree) siblings) for leaf r. */
static inline void bv_polybatch_prove(const bv_polybatch *pb, size_t r, bv_hash *siblings)
{
    bv_merkle_prove(&pb->tree, r, siblings);
}

/* Evaluate polynomial p at z in K (Horner). */
gl_ext bv_polybatch_eval(const bv_polybatch *pb, size_t p, gl_ext z);
/* Evaluate every polynomial at z: out[0 .. n_polys). Uses the powers of z
 * once for the whole batch (BV_ERR_NOMEM if they cannot be allocated). */
bv_err bv_polybatch_eval_all(const bv_polybatch *pb, gl_ext z, gl_ext *out, bv_status *st);

/* Evaluate polynomial p given zpow[j] = z^j for j < 2^log_n: two base-field
 * dot products with one reduction each (much cheaper than Horner over K when
 * many polynomials are opened at the same point). */
gl_ext bv_polybatch_eval_powers(const bv_polybatch *pb, size_t p, const gl_ext *zpow);

#endif
