/*
 * poseidon.c - Poseidon permutation (textbook and fast forms) and the plonky2
 * sponge modes. See include/balverify/poseidon.h.
 *
 * Arithmetic notes (why the code looks the way it does):
 *  - The MDS coefficients are below 2^6 and a row sums to 264 < 2^9, so we
 *    split each lane into 32-bit halves and accumulate the two halves in plain
 *    u64 (< 264 * 2^32 < 2^41): no 128-bit products at all, one reduction of a
 *    < 2^73 value per lane.
 *  - The fast partial rounds need 11 full 64x64 products per dot product; we
 *    accumulate them in 128 bits plus a small overflow counter and reduce once.
 */
#include "hash/poseidon_internal.h"

#include <string.h>

#define W BV_POSEIDON_WIDTH

static const uint64_t mds_circ[W] = BV_POSEIDON_MDS_CIRC;

static inline gl_t sbox(gl_t x)
{
    gl_t x2 = gl_sqr(x);
    gl_t x3 = gl_mul(x2, x);
    gl_t x4 = gl_sqr(x2);
    return gl_mul(x3, x4);
}

/* Reduce lo + 2^64 * hi with hi < 2^32. */
static inline gl_t reduce96(uint64_t lo, uint64_t hi)
{
    uint64_t t = hi * GL_EPSILON;
    uint64_t r;
    if (__builtin_add_overflow(lo, t, &r))
        r += GL_EPSILON; /* r < 2^64 - eps here, so this cannot overflow */
    return r >= GL_P ? r - GL_P : r;
}

static inline void mds_layer(gl_t s[W])
{
    uint64_t lo[W], hi[W];
    for (int i = 0; i < W; i++) {
        lo[i] = s[i] & 0xffffffffULL;
        hi[i] = s[i] >> 32;
    }
    for (int r = 0; r < W; r++) {
        uint64_t sl = 0, sh = 0;
        for (int i = 0; i < W; i++) {
            int j = i + r < W ? i + r : i + r - W;
            sl += mds_circ[i] * lo[j];
            sh += mds_circ[i] * hi[j];
        }
        if (r == 0) {
            sl += BV_POSEIDON_MDS_DIAG0 * lo[0];
            sh += BV_POSEIDON_MDS_DIAG0 * hi[0];
        }
        /* value = sl + sh * 2^32 < 2^41 + 2^73 */
        unsigned __int128 v = (unsigned __int128)sl + ((unsigned __int128)sh << 32);
        s[r] = reduce96((uint64_t)v, (uint64_t)(v >> 64));
    }
}

static inline void add_rc(gl_t s[W], const gl_t *rc)
{
    for (int i = 0; i < W; i++)
        s[i] = gl_add(s[i], rc[i]);
}

static inline void full_round(gl_t s[W], const gl_t *rc)
{
    add_rc(s, rc);
    for (int i = 0; i < W; i++)
        s[i] = sbox(s[i]);
    mds_layer(s);
}

void bv_poseidon_permute_ref(gl_t state[W])
{
    for (int r = 0; r < BV_POSEIDON_ROUNDS; r++) {
        add_rc(state, bv_poseidon_rc[r]);
        if (r < BV_POSEIDON_HALF_FULL_ROUNDS ||
            r >= BV_POSEIDON_HALF_FULL_ROUNDS + BV_POSEIDON_PARTIAL_ROUNDS) {
            for (int i = 0; i < W; i++)
                state[i] = sbox(state[i]);
        } else {
            state[0] = sbox(state[0]);
        }
        /* textbook matrix-vector product, independent of mds_layer()'s trick */
        gl_t out[W];
        for (int r2 = 0; r2 < W; r2++) {
            gl_t acc = 0;
            for (int j = 0; j < W; j++) {
                int c = (j - r2 + W) % W;
                gl_t m = mds_circ[c] + (j == r2 && r2 == 0 ? BV_POSEIDON_MDS_DIAG0 : 0);
                acc = gl_add(acc, gl_mul(m, state[j]));
            }
            out[r2] = acc;
        }
        memcpy(state, out, sizeof out);
    }
}

/* 2^128 mod p = eps^2 mod p = p - 2^32. */
#define GL_2_128 (GL_P - 0x100000000ULL)

/* sum_{i<11} a[i]*b[i] mod p for arbitrary canonical a, b. */
static inline gl_t dot11(const gl_t *a, const gl_t *b)
{
    unsigned __int128 acc = 0;
    uint64_t over = 0;
    for (int i = 0; i < W - 1; i++) {
        unsigned __int128 p = (unsigned __int128)a[i] * b[i];
        acc += p;
        over += acc < p; /* carry out of bit 128 */
    }
    gl_t r = gl_reduce128(acc);
    return gl_add(r, gl_mul(over, GL_2_128));
}

static inline void partial_rounds_fast(gl_t s[W])
{
    add_rc(s, bv_poseidon_fast_first_rc);
    /* s[1..] <- s[1..] * INITIAL: new[c] = sum_r old[r] * initial[r-1][c-1] */
    gl_t col[W - 1], old[W - 1];
    memcpy(old, s + 1, sizeof old);
    for (int c = 0; c < W - 1; c++) {
        for (int r = 0; r < W - 1; r++)
            col[r] = bv_poseidon_fast_initial[r][c];
        s[c + 1] = dot11(old, col);
    }
    for (int k = 0; k < BV_POSEIDON_PARTIAL_ROUNDS; k++) {
        gl_t s0 = gl_add(sbox(s[0]), bv_poseidon_fast_rc[k]);
        const gl_t *wh = bv_poseidon_fast_w_hats[k];
        const gl_t *vs = bv_poseidon_fast_vs[k];
        gl_t d = gl_add(dot11(s + 1, wh), gl_mul(s0, mds_circ[0] + BV_POSEIDON_MDS_DIAG0));
        for (int i = 1; i < W; i++)
            s[i] = gl_mul_add(s0, vs[i - 1], s[i]);
        s[0] = d;
    }
}

void bv_poseidon_permute_scalar(gl_t state[W])
{
    for (int r = 0; r < BV_POSEIDON_HALF_FULL_ROUNDS; r++)
        full_round(state, bv_poseidon_rc[r]);
    partial_rounds_fast(state);
    for (int r = BV_POSEIDON_HALF_FULL_ROUNDS + BV_POSEIDON_PARTIAL_ROUNDS; r < BV_POSEIDON_ROUNDS;
         r++)
        full_round(state, bv_poseidon_rc[r]);
}

void bv_poseidon_permute(gl_t state[W])
{
    bv_poseidon_permute_scalar(state);
}

void bv_poseidon_permute_many(gl_t *states, size_t count)
{
    for (size_t i = 0; i < count; i++)
        bv_poseidon_permute_scalar(states + i * W);
}

/* ---------------------------------------------------------------- sponges */

void bv_poseidon_hash_n_to_m(const gl_t *in, size_t n, gl_t *out, size_t m)
{
    /* Empty input: no absorption, no permutation; the squeeze reads zeros. */
    gl_t s[W] = {0};
    for (size_t off = 0; off < n; off += BV_POSEIDON_RATE) {
        size_t len = n - off < BV_POSEIDON_RATE ? n - off : BV_POSEIDON_RATE;
        memcpy(s, in + off, len * sizeof *s);
        bv_poseidon_permute(s);
    }
    for (size_t i = 0; i < m; i++) {
        if (i > 0 && i % BV_POSEIDON_RATE == 0)
            bv_poseidon_permute(s);
        out[i] = s[i % BV_POSEIDON_RATE];
    }
}

bv_hash bv_poseidon_hash_no_pad(const gl_t *in, size_t n)
{
    bv_hash h;
    bv_poseidon_hash_n_to_m(in, n, h.e, 4);
    return h;
}

bv_hash bv_poseidon_hash_or_noop(const gl_t *in, size_t n)
{
    if (n <= 4) {
        bv_hash h = {{0, 0, 0, 0}};
        for (size_t i = 0; i < n; i++)
            h.e[i] = in[i];
        return h;
    }
    return bv_poseidon_hash_no_pad(in, n);
}

bv_hash bv_poseidon_hash_pad(const gl_t *in, size_t n)
{
    /* Absorb the input, then the padding 1 0* 1, chunk by chunk, without
     * materialising the padded copy. Padded length L: smallest L >= n + 2
     * with L % 8 == 0. */
    size_t total = (n + 2 + BV_POSEIDON_RATE - 1) / BV_POSEIDON_RATE * BV_POSEIDON_RATE;
    gl_t s[W] = {0};
    for (size_t off = 0; off < total; off += BV_POSEIDON_RATE) {
        for (size_t j = 0; j < BV_POSEIDON_RATE; j++) {
            size_t k = off + j;
            s[j] = k < n ? in[k] : (k == n || k == total - 1) ? 1 : 0;
        }
        bv_poseidon_permute(s);
    }
    bv_hash h;
    memcpy(h.e, s, sizeof h.e);
    return h;
}

bv_hash bv_poseidon_two_to_one(bv_hash a, bv_hash b)
{
    gl_t s[W] = {a.e[0], a.e[1], a.e[2], a.e[3], b.e[0], b.e[1], b.e[2], b.e[3], 0, 0, 0, 0};
    bv_poseidon_permute(s);
    bv_hash h = {{s[0], s[1], s[2], s[3]}};
    return h;
}

void bv_hash_to_bytes(bv_hash h, uint8_t out[32])
{
    for (int i = 0; i < 4; i++)
        for (int b = 0; b < 8; b++)
            out[8 * i + b] = (uint8_t)(h.e[i] >> (8 * b));
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int b = 7; b >= 0; b--)
        v = (v << 8) | p[b];
    return v;
}

bv_hash bv_hash_from_bytes(const uint8_t in[32])
{
    bv_hash h;
    for (int i = 0; i < 4; i++)
        h.e[i] = gl_from_u64(le64(in + 8 * i));
    return h;
}

int bv_hash_from_bytes_checked(const uint8_t in[32], bv_hash *out)
{
    for (int i = 0; i < 4; i++) {
        uint64_t v = le64(in + 8 * i);
        if (v >= GL_P)
            return -1;
        out->e[i] = v;
    }
    return 0;
}

/* ------------------------------------------------------- PoseidonGate row */

void bv_poseidon_gate_witness(const gl_t in[W], int swap, gl_t wires[BV_POSEIDON_GATE_WIRES])
{
    memset(wires, 0, BV_POSEIDON_GATE_WIRES * sizeof *wires);
    memcpy(wires, in, W * sizeof *in);
    wires[24] = swap ? 1 : 0;
    gl_t s[W];
    memcpy(s, in, sizeof s);
    for (int i = 0; i < 4; i++) {
        gl_t delta = swap ? gl_sub(in[i + 4], in[i]) : 0;
        wires[25 + i] = delta;
        s[i] = gl_add(in[i], delta);
        s[i + 4] = gl_sub(in[i + 4], delta);
    }
    for (int r = 0; r < BV_POSEIDON_ROUNDS; r++) {
        add_rc(s, bv_poseidon_rc[r]);
        int full = r < BV_POSEIDON_HALF_FULL_ROUNDS ||
                   r >= BV_POSEIDON_HALF_FULL_ROUNDS + BV_POSEIDON_PARTIAL_ROUNDS;
        if (full) {
            if (r >= 1 && r < BV_POSEIDON_HALF_FULL_ROUNDS)
                memcpy(wires + 29 + 12 * (r - 1), s, sizeof s);
            else if (r >= BV_POSEIDON_HALF_FULL_ROUNDS + BV_POSEIDON_PARTIAL_ROUNDS)
                memcpy(wires + 87 + 12 * (r - 26), s, sizeof s);
            for (int i = 0; i < W; i++)
                s[i] = sbox(s[i]);
        } else {
            wires[65 + r - BV_POSEIDON_HALF_FULL_ROUNDS] = s[0];
            s[0] = sbox(s[0]);
        }
        mds_layer(s);
    }
    memcpy(wires + 12, s, sizeof s);
}
