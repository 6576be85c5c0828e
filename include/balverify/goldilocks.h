/*
 * goldilocks.h - the Goldilocks prime field F_p, p = 2^64 - 2^32 + 1.
 *
 * Invariants:
 *  - A gl_t is a uint64_t holding a CANONICAL value in [0, p). Every function
 *    here takes canonical inputs and returns canonical outputs. Code that
 *    hashes, serialises or compares elements may therefore use the raw u64.
 *  - gl_from_u64() is the only way in from an arbitrary 64-bit integer: it
 *    reduces once (values >= p wrap).
 *  - Inversion of zero is a caller bug; gl_inv(0) returns 0 and the
 *    *_checked variants report it.
 *  - Constants (generator, roots of unity) follow plonky2 >= v1.0:
 *    multiplicative generator 14293326489335486720, 2-adic generator
 *    7277203076849721926 of order 2^32 (spec/PROOF_SYSTEM.md section 1.1).
 *
 * The quadratic extension K = F[X]/(X^2 - 7) lives in gl_ext.h.
 */
#ifndef BALVERIFY_GOLDILOCKS_H
#define BALVERIFY_GOLDILOCKS_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t gl_t;

#define GL_P 0xFFFFFFFF00000001ULL
#define GL_EPSILON 0xFFFFFFFFULL /* 2^64 mod p */
#define GL_TWO_ADICITY 32
#define GL_MULTIPLICATIVE_GENERATOR 14293326489335486720ULL
#define GL_POWER_OF_TWO_GENERATOR 7277203076849721926ULL

static inline gl_t gl_from_u64(uint64_t x) { return x >= GL_P ? x - GL_P : x; }

/* The carry/borrow fix-ups below are written with masks rather than `if`:
 * on random data the carries are unpredictable and a mispredicted branch
 * costs more than the whole multiplication. */
static inline uint64_t gl_mask_(uint64_t bit) { return (uint64_t)0 - bit; }

/* x < 2^64 to canonical when x < 2p (one conditional subtraction) */
static inline gl_t gl_canon_(uint64_t x) { return x - (gl_mask_(x >= GL_P) & GL_P); }

static inline gl_t gl_add(gl_t a, gl_t b)
{
    uint64_t s;
    uint64_t carry = __builtin_add_overflow(a, b, &s);
    /* a, b < p: a + b < 2p < 2^65; on carry the true sum is s + 2^64 = s + eps
     * (mod p), and s + eps < p then (s < 2p - 2^64 = 2^64 - 2^33 + 2). */
    s += gl_mask_(carry) & GL_EPSILON;
    return gl_canon_(s);
}

static inline gl_t gl_sub(gl_t a, gl_t b)
{
    uint64_t d;
    uint64_t borrow = __builtin_sub_overflow(a, b, &d);
    /* d + 2^64 - p = d - eps; with a, b canonical d >= 2^64 - p + 1 > eps */
    return d - (gl_mask_(borrow) & GL_EPSILON);
}

static inline gl_t gl_neg(gl_t a) { return a ? GL_P - a : 0; }

static inline gl_t gl_double(gl_t a) { return gl_add(a, a); }

/* Reduce a 128-bit value to a canonical element. */
static inline gl_t gl_reduce128(unsigned __int128 x)
{
    uint64_t lo = (uint64_t)x;
    uint64_t hi = (uint64_t)(x >> 64);
    uint64_t hh = hi >> 32;
    uint64_t hl = hi & GL_EPSILON;
    uint64_t t0;
    /* 2^96 = -1 (mod p): subtract hh; on borrow the wrapped value is 2^64 too
     * big, i.e. eps too big mod p (cannot underflow again: t0 >= 2^64 - 2^32) */
    uint64_t borrow = __builtin_sub_overflow(lo, hh, &t0);
    t0 -= gl_mask_(borrow) & GL_EPSILON;
    /* 2^64 = eps: add hl * eps (< 2^64); a carry means + 2^64 = + eps, and
     * r + eps cannot overflow then */
    uint64_t t1 = hl * GL_EPSILON;
    uint64_t r;
    uint64_t carry = __builtin_add_overflow(t0, t1, &r);
    r += gl_mask_(carry) & GL_EPSILON;
    return gl_canon_(r);
}

static inline gl_t gl_mul(gl_t a, gl_t b) { return gl_reduce128((unsigned __int128)a * b); }

static inline gl_t gl_sqr(gl_t a) { return gl_mul(a, a); }

/* a * b + c */
static inline gl_t gl_mul_add(gl_t a, gl_t b, gl_t c)
{
    return gl_reduce128((unsigned __int128)a * b + c);
}

static inline gl_t gl_pow(gl_t base, uint64_t e)
{
    gl_t r = 1;
    while (e) {
        if (e & 1)
            r = gl_mul(r, base);
        base = gl_sqr(base);
        e >>= 1;
    }
    return r;
}

/* base^(2^k) by k squarings */
static inline gl_t gl_exp_power_of_2(gl_t base, unsigned k)
{
    while (k--)
        base = gl_sqr(base);
    return base;
}

/* Multiplicative inverse, a^(p-2). gl_inv(0) == 0. */
static inline gl_t gl_inv(gl_t a) { return gl_pow(a, GL_P - 2); }

/* Primitive 2^log_n-th root of unity (log_n <= 32). */
static inline gl_t gl_root_of_unity(unsigned log_n)
{
    return gl_exp_power_of_2(GL_POWER_OF_TWO_GENERATOR, GL_TWO_ADICITY - log_n);
}

/* Montgomery batch inversion: out[i] = 1/in[i]. Returns -1 (and leaves out
 * unspecified) if some in[i] == 0, else 0. in and out may alias. Uses a
 * scratch buffer of n elements allocated internally. */
int gl_batch_inv(gl_t *out, const gl_t *in, size_t n);

/* Same, with caller-provided scratch space of n elements (no allocation). */
int gl_batch_inv_scratch(gl_t *out, const gl_t *in, size_t n, gl_t *scratch);

/* out[i] = x^i for i < n */
void gl_powers(gl_t *out, gl_t x, size_t n);

#endif
