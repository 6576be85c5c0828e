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
#include "hash/poseidon_mds_freq.h"

#include <string.h>

#include "balverify/util_bytes.h"

#define W BV_POSEIDON_WIDTH

static const uint64_t mds_circ[W] = BV_POSEIDON_MDS_CIRC;

/*
 * Inside the optimised permutation lanes may be NON-canonical (any u64,
 * meaning its value mod p); the textbook code and everything outside keep
 * canonical values. The "nc" helpers accept and return such values;
 * bv_poseidon_permute_scalar() canonicalises once at the end.
 */

/* any a, b < 2^64: a * b mod p, result < 2^64 (not necessarily < p) */
static inline uint64_t mul_nc(uint64_t a, uint64_t b)
{
    unsigned __int128 x = (unsigned __int128)a * b;
    uint64_t lo = (uint64_t)x, hi = (uint64_t)(x >> 64);
    uint64_t hh = hi >> 32, hl = hi & GL_EPSILON;
    uint64_t t0;
    uint64_t borrow = __builtin_sub_overflow(lo, hh, &t0);
    t0 -= gl_mask_(borrow) & GL_EPSILON;
    uint64_t r;
    uint64_t carry = __builtin_add_overflow(t0, hl * GL_EPSILON, &r);
    return r + (gl_mask_(carry) & GL_EPSILON);
}

/* any a, canonical c: a + c mod p, result < 2^64 (no second carry: s < p
 * whenever the first add carried) */
static inline uint64_t add_nc(uint64_t a, uint64_t c)
{
    uint64_t s;
    uint64_t carry = __builtin_add_overflow(a, c, &s);
    return s + (gl_mask_(carry) & GL_EPSILON);
}

static inline uint64_t sbox_nc(uint64_t x)
{
    uint64_t x2 = mul_nc(x, x);
    uint64_t x3 = mul_nc(x2, x);
    uint64_t x4 = mul_nc(x2, x2);
    return mul_nc(x3, x4);
}

static inline gl_t sbox(gl_t x)
{
    return gl_canon_(sbox_nc(x));
}

/* Reduce lo + 2^64 * hi with hi < 2^32 to a value < 2^64. */
static inline uint64_t reduce96_nc(uint64_t lo, uint64_t hi)
{
    uint64_t r;
    uint64_t carry = __builtin_add_overflow(lo, hi * GL_EPSILON, &r);
    return r + (gl_mask_(carry) & GL_EPSILON); /* r < 2^64 - eps on carry */
}

/* Any u64 lanes in, lanes < 2^64 out. The circulant part runs on the 32-bit
 * halves through the small-constant FFT form (poseidon_mds_freq.h); each
 * half's result is below 264 * 2^32 < 2^41 with the diagonal term. */
static inline void mds_layer_nc(uint64_t s[W])
{
    uint64_t xl[W], xh[W], sl[W], sh[W];
    for (int j = 0; j < W; j++) {
        xl[j] = s[j] & 0xffffffffULL;
        xh[j] = s[j] >> 32;
    }
    BV_MDS_FREQ(uint64_t, xl, sl);
    BV_MDS_FREQ(uint64_t, xh, sh);
    sl[0] += xl[0] * BV_POSEIDON_MDS_DIAG0;
    sh[0] += xh[0] * BV_POSEIDON_MDS_DIAG0;
    for (int r = 0; r < W; r++) {
        /* sl + sh * 2^32 < 2^74 as (lo, hi) */
        uint64_t lo = sl[r] + (sh[r] << 32);
        uint64_t hi = (sh[r] >> 32) + (lo < sl[r]);
        s[r] = reduce96_nc(lo, hi);
    }
}

/* canonical in, canonical out (used by the PoseidonGate witness) */
static inline void mds_layer(gl_t s[W])
{
    mds_layer_nc(s);
    for (int r = 0; r < W; r++)
        s[r] = gl_canon_(s[r]);
}

static inline void add_rc(gl_t s[W], const gl_t *rc)
{
    for (int i = 0; i < W; i++)
        s[i] = gl_add(s[i], rc[i]);
}

static inline void full_round_nc(uint64_t s[W], const gl_t *rc)
{
    for (int i = 0; i < W; i++)
        s[i] = sbox_nc(add_nc(s[i], rc[i]));
    mds_layer_nc(s);
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

/* a * c mod p for any a and c < 2^32, result < 2^64 */
static inline uint64_t mul_small_nc(uint64_t a, uint64_t c)
{
    unsigned __int128 x = (unsigned __int128)a * c;
    return reduce96_nc((uint64_t)x, (uint64_t)(x >> 64));
}


/* sum_{i<11} a[i]*b[i] mod p for any u64 a and canonical b; result < 2^64 */
static inline uint64_t dot11_nc(const uint64_t *a, const gl_t *b)
{
    unsigned __int128 acc = 0;
    uint64_t over = 0;
    for (int i = 0; i < W - 1; i++) {
        unsigned __int128 p = (unsigned __int128)a[i] * b[i];
        acc += p;
        over += acc < p; /* carry out of bit 128 */
    }
    /* acc + over * 2^128, over <= 10; 2^128 = -2^32 (mod p) */
    uint64_t r = mul_small_nc((uint64_t)(acc >> 64), GL_EPSILON);
    r = add_nc(r, gl_canon_((uint64_t)acc));
    return add_nc(r, gl_neg(over << 32));
}

/* Lanes 1..11 <- (s + fast_first_rc)[1..11] * INITIAL (lane 0 gets its
 * constant only): new[c] = sum_r old[r] * initial[r][c]. */
static inline void partial_rounds_prelude_nc(uint64_t s[W])
{
    for (int i = 0; i < W; i++)
        s[i] = add_nc(s[i], bv_poseidon_fast_first_rc[i]);
    uint64_t old[W - 1];
    memcpy(old, s + 1, sizeof old);
    for (int c = 0; c < W - 1; c++) {
        unsigned __int128 acc = 0;
        uint64_t over = 0;
        for (int r = 0; r < W - 1; r++) {
            unsigned __int128 p = (unsigned __int128)old[r] * bv_poseidon_fast_initial[r][c];
            acc += p;
            over += acc < p;
        }
        uint64_t v = mul_small_nc((uint64_t)(acc >> 64), GL_EPSILON);
        v = add_nc(v, gl_canon_((uint64_t)acc));
        s[c + 1] = add_nc(v, gl_neg(over << 32));
    }
}

#define MDS00 (BV_POSEIDON_MDS_DIAG0 + 17) /* M[0][0] = circ[0] + diag[0] */

static inline void partial_rounds_fast_nc(uint64_t s[W])
{
    partial_rounds_prelude_nc(s);
    for (int k = 0; k < BV_POSEIDON_PARTIAL_ROUNDS; k++) {
        uint64_t s0 = add_nc(sbox_nc(s[0]), bv_poseidon_fast_rc[k]);
        const gl_t *wh = bv_poseidon_fast_w_hats[k];
        const gl_t *vs = bv_poseidon_fast_vs[k];
        uint64_t d = add_nc(dot11_nc(s + 1, wh), gl_canon_(mul_nc(s0, MDS00)));
        for (int i = 1; i < W; i++)
            s[i] = add_nc(mul_nc(s0, vs[i - 1]), gl_canon_(s[i]));
        s[0] = d;
    }
}

#if defined(__x86_64__)
/* <fast_vs[k-1], fast_w_hats[k]> mod p, the same for every k in 1..21 (a
 * property of the tables; a wrong value would break every permutation, which
 * the unit tests compare with the textbook form). */
#define FAST_VW 5017


/* The same rounds with a shorter dependency chain, for one state in the
 * latency-bound chained use. Round k with lane 0 a_k and lanes 1..11 S_k:
 *   b_k = sbox(a_k) + rc_k,  a_{k+1} = 25 b_k + <S_k, w_k>,
 *   S_{k+1} = S_k + b_k v_k.
 * Since <S_k, w_k> = <S_{k-1}, w_k> + b_{k-1} <v_{k-1}, w_k>, the dot product
 * is taken one round early on S_{k-1} and b_{k-1} enters through the
 * constant FAST_VW; the S update runs on the vector unit
 * (bv_poseidon_partial_update_avx512) beside the scalar lane-0 chain. */
static void partial_rounds_fast_avx1(uint64_t s[W])
{
    partial_rounds_prelude_nc(s);
    uint64_t S[16] __attribute__((aligned(64))) = {0};
    memcpy(S, s + 1, (W - 1) * sizeof *S);
    uint64_t q = dot11_nc(S, bv_poseidon_fast_w_hats[0]); /* <S_0, w_0> */
    uint64_t a = s[0], bprev = 0;
    for (int k = 0; k < BV_POSEIDON_PARTIAL_ROUNDS; k++) {
        uint64_t b = add_nc(sbox_nc(a), bv_poseidon_fast_rc[k]);
        /* <S_k, w_k> = q (+ b_{k-1} c_k) */
        uint64_t dk = k == 0 ? q : add_nc(q, gl_canon_(mul_small_nc(bprev, FAST_VW)));
        if (k + 1 < BV_POSEIDON_PARTIAL_ROUNDS)
            q = dot11_nc(S, bv_poseidon_fast_w_hats[k + 1]); /* <S_k, w_{k+1}> */
        a = add_nc(dk, gl_canon_(mul_small_nc(b, MDS00)));
        bv_poseidon_partial_update_avx512(S, b, k); /* S_{k+1} */
        bprev = b;
    }
    s[0] = a;
    memcpy(s + 1, S, (W - 1) * sizeof *S);
}
#endif

void bv_poseidon_permute_scalar(gl_t state[W])
{
    uint64_t *s = state;
    for (int r = 0; r < BV_POSEIDON_HALF_FULL_ROUNDS; r++)
        full_round_nc(s, bv_poseidon_rc[r]);
    partial_rounds_fast_nc(s);
    for (int r = BV_POSEIDON_HALF_FULL_ROUNDS + BV_POSEIDON_PARTIAL_ROUNDS; r < BV_POSEIDON_ROUNDS;
         r++)
        full_round_nc(s, bv_poseidon_rc[r]);
    for (int i = 0; i < W; i++)
        state[i] = gl_canon_(state[i]);
}

/* One state, full rounds in AVX-512 registers (12 lanes in two vectors),
 * partial rounds scalar: the full rounds are 12-wide and vectorise, the
 * partial rounds are a serial chain through lane 0. */
#if defined(__x86_64__)
static void permute_one_avx512(gl_t state[W])
{
    uint64_t *s = state;
    bv_poseidon_full_rounds_avx512(s, 0, BV_POSEIDON_HALF_FULL_ROUNDS);
    partial_rounds_fast_avx1(s);
    bv_poseidon_full_rounds_avx512(s, BV_POSEIDON_HALF_FULL_ROUNDS + BV_POSEIDON_PARTIAL_ROUNDS,
                                   BV_POSEIDON_HALF_FULL_ROUNDS);
}
#endif

void bv_poseidon_permute(gl_t state[W])
{
#if defined(__x86_64__)
    if (bv_poseidon_have_avx512()) {
        permute_one_avx512(state);
        return;
    }
#endif
    bv_poseidon_permute_scalar(state);
}

void bv_poseidon_permute_many(gl_t *states, size_t count)
{
    size_t done = 0;
#if defined(__x86_64__)
    if (count >= 8 && bv_poseidon_have_avx512()) {
        done = count & ~(size_t)7;
        bv_poseidon_permute_many_avx512(states, done);
    }
#endif
    for (size_t i = done; i < count; i++)
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
        bv_put_le64(out + 8 * i, h.e[i]);
}

bv_hash bv_hash_from_bytes(const uint8_t in[32])
{
    bv_hash h;
    for (int i = 0; i < 4; i++)
        h.e[i] = gl_from_u64(bv_le64(in + 8 * i));
    return h;
}

int bv_hash_from_bytes_checked(const uint8_t in[32], bv_hash *out)
{
    for (int i = 0; i < 4; i++) {
        uint64_t v = bv_le64(in + 8 * i);
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
