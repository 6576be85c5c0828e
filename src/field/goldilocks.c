/* goldilocks.c - out-of-line Goldilocks helpers; see include/balverify/goldilocks.h */
#include "balverify/goldilocks.h"
#include "balverify/gl_ext.h"

#include <stdlib.h>

int gl_batch_inv_scratch(gl_t *out, const gl_t *in, size_t n, gl_t *scratch)
{
    if (n == 0)
        return 0;
    /* scratch[i] = in[0] * ... * in[i] */
    gl_t acc = 1;
    for (size_t i = 0; i < n; i++) {
        if (in[i] == 0)
            return -1;
        acc = gl_mul(acc, in[i]);
        scratch[i] = acc;
    }
    gl_t inv = gl_inv(acc);
    for (size_t i = n; i-- > 1;) {
        gl_t a = in[i]; /* read before out[i] may overwrite it (aliasing) */
        out[i] = gl_mul(inv, scratch[i - 1]);
        inv = gl_mul(inv, a);
    }
    out[0] = inv;
    return 0;
}

int gl_batch_inv(gl_t *out, const gl_t *in, size_t n)
{
    if (n == 0)
        return 0;
    gl_t *scratch = malloc(n * sizeof *scratch);
    if (!scratch)
        return -1;
    int rc = gl_batch_inv_scratch(out, in, n, scratch);
    free(scratch);
    return rc;
}

void gl_powers(gl_t *out, gl_t x, size_t n)
{
    gl_t cur = 1;
    for (size_t i = 0; i < n; i++) {
        out[i] = cur;
        cur = gl_mul(cur, x);
    }
}

int gl_ext_batch_inv(gl_ext *out, const gl_ext *in, size_t n)
{
    if (n == 0)
        return 0;
    gl_ext *scratch = malloc(n * sizeof *scratch);
    if (!scratch)
        return -1;
    gl_ext acc = gl_ext_one();
    for (size_t i = 0; i < n; i++) {
        if (gl_ext_is_zero(in[i])) {
            free(scratch);
            return -1;
        }
        acc = gl_ext_mul(acc, in[i]);
        scratch[i] = acc;
    }
    gl_ext inv = gl_ext_inv(acc);
    for (size_t i = n; i-- > 1;) {
        gl_ext a = in[i];
        out[i] = gl_ext_mul(inv, scratch[i - 1]);
        inv = gl_ext_mul(inv, a);
    }
    out[0] = inv;
    free(scratch);
    return 0;
}
