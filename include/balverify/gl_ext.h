/*
 * gl_ext.h - the quadratic extension K = F_p[X]/(X^2 - 7) of Goldilocks.
 *
 * Invariants:
 *  - A gl_ext is (c0, c1) meaning c0 + c1*X, both coefficients canonical.
 *  - Serialisation and transcript order is c0 then c1.
 *  - Base elements embed as (a, 0).
 *  - Frobenius is conjugation (c0, -c1).
 */
#ifndef BALVERIFY_GL_EXT_H
#define BALVERIFY_GL_EXT_H

#include "balverify/goldilocks.h"

#define GL_EXT_W 7ULL

typedef struct {
    gl_t c0, c1;
} gl_ext;

static inline gl_ext gl_ext_make(gl_t c0, gl_t c1) { return (gl_ext){c0, c1}; }
static inline gl_ext gl_ext_from_base(gl_t a) { return (gl_ext){a, 0}; }
static inline gl_ext gl_ext_zero(void) { return (gl_ext){0, 0}; }
static inline gl_ext gl_ext_one(void) { return (gl_ext){1, 0}; }
static inline int gl_ext_eq(gl_ext a, gl_ext b) { return a.c0 == b.c0 && a.c1 == b.c1; }
static inline int gl_ext_is_zero(gl_ext a) { return a.c0 == 0 && a.c1 == 0; }

static inline gl_ext gl_ext_add(gl_ext a, gl_ext b)
{
    return (gl_ext){gl_add(a.c0, b.c0), gl_add(a.c1, b.c1)};
}
static inline gl_ext gl_ext_sub(gl_ext a, gl_ext b)
{
    return (gl_ext){gl_sub(a.c0, b.c0), gl_sub(a.c1, b.c1)};
}
static inline gl_ext gl_ext_neg(gl_ext a) { return (gl_ext){gl_neg(a.c0), gl_neg(a.c1)}; }

static inline gl_ext gl_ext_mul(gl_ext a, gl_ext b)
{
    /* (a0 b0 + 7 a1 b1, a0 b1 + a1 b0); accumulate in 128 bits then reduce once */
    unsigned __int128 a1b1 = (unsigned __int128)a.c1 * b.c1;
    gl_t t = gl_reduce128(a1b1);
    gl_t c0 = gl_reduce128((unsigned __int128)a.c0 * b.c0 + (unsigned __int128)t * GL_EXT_W);
    gl_t c1 = gl_add(gl_mul(a.c0, b.c1), gl_mul(a.c1, b.c0));
    return (gl_ext){c0, c1};
}

static inline gl_ext gl_ext_sqr(gl_ext a) { return gl_ext_mul(a, a); }

static inline gl_ext gl_ext_scalar_mul(gl_ext a, gl_t k)
{
    return (gl_ext){gl_mul(a.c0, k), gl_mul(a.c1, k)};
}

static inline gl_ext gl_ext_add_base(gl_ext a, gl_t b) { return (gl_ext){gl_add(a.c0, b), a.c1}; }

static inline gl_ext gl_ext_frobenius(gl_ext a) { return (gl_ext){a.c0, gl_neg(a.c1)}; }

/* Inverse; gl_ext_inv(0) == 0. */
static inline gl_ext gl_ext_inv(gl_ext a)
{
    /* a * frob(a) = a0^2 - 7 a1^2 in F */
    gl_t norm = gl_sub(gl_sqr(a.c0), gl_mul(GL_EXT_W, gl_sqr(a.c1)));
    gl_t ni = gl_inv(norm);
    return gl_ext_scalar_mul(gl_ext_frobenius(a), ni);
}

static inline gl_ext gl_ext_pow(gl_ext base, uint64_t e)
{
    gl_ext r = gl_ext_one();
    while (e) {
        if (e & 1)
            r = gl_ext_mul(r, base);
        base = gl_ext_sqr(base);
        e >>= 1;
    }
    return r;
}

/* Montgomery batch inversion over K. Returns -1 if some input is zero. */
int gl_ext_batch_inv(gl_ext *out, const gl_ext *in, size_t n);

#endif
