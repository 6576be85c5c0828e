/*
 * poseidon_mds_freq.h - the circulant part of the Poseidon MDS matrix applied
 * through a 3 x 4 real FFT whose frequency-domain constants are all small
 * (internal; the decomposition plonky2 and winterfell use for this matrix).
 *
 * BV_MDS_FREQ(T, x, y) expands to a statement computing
 *   y[r] = sum_j circ[(j - r) mod 12] * x[j]      (circ = BV_POSEIDON_MDS_CIRC)
 * for a type T with wrapping +, -, unary - and << by a constant: uint64_t, or
 * a GCC vector of uint64_t lanes (one independent product per lane). The
 * diagonal term is not included. The computation is exact in Z / 2^64 (only
 * additions, subtractions and multiplications by small constants, written as
 * shifts), so whenever the true result lies in [0, 2^64) - e.g. inputs below
 * 2^32, results below 256 * 2^32 - y holds it exactly, even though some
 * intermediate values are negative.
 *
 * About 120 additions and shifts per 12 outputs instead of 144 products and
 * 144 additions for the plain matrix-vector product.
 */
#ifndef BALVERIFY_POSEIDON_MDS_FREQ_H
#define BALVERIFY_POSEIDON_MDS_FREQ_H

/* real 4-point FFT of (a, b, c, d): y0, (y1r, y1i), y2 */
#define BV_MDS_FFT4_(T, a, b, c, d, y0, y1r, y1i, y2)                                              \
    do {                                                                                           \
        T z0_ = (a) + (c), z2_ = (a) - (c), z1_ = (b) + (d), z3_ = (b) - (d);                      \
        y0 = z0_ + z1_;                                                                            \
        y1r = z2_;                                                                                 \
        y1i = -z3_;                                                                                \
        y2 = z0_ - z1_;                                                                            \
    } while (0)

/* inverse (unscaled: the constants carry the 1/4) of BV_MDS_FFT4_ */
#define BV_MDS_IFFT4_(T, y0, y1r, y1i, y2, o0, o1, o2, o3)                                         \
    do {                                                                                           \
        T z0_ = (y0) + (y2), z1_ = (y0) - (y2), z2_ = (y1r), z3_ = -(y1i);                         \
        o0 = z0_ + z2_;                                                                            \
        o2 = z0_ - z2_;                                                                            \
        o1 = z1_ + z3_;                                                                            \
        o3 = z1_ - z3_;                                                                            \
    } while (0)

#define BV_MDS_FREQ(T, x, y)                                                                       \
    do {                                                                                           \
        T u0, u1r, u1i, u2, u4, u5r, u5i, u6, u8, u9r, u9i, u10;                                   \
        BV_MDS_FFT4_(T, (x)[0], (x)[3], (x)[6], (x)[9], u0, u1r, u1i, u2);                         \
        BV_MDS_FFT4_(T, (x)[1], (x)[4], (x)[7], (x)[10], u4, u5r, u5i, u6);                        \
        BV_MDS_FFT4_(T, (x)[2], (x)[5], (x)[8], (x)[11], u8, u9r, u9i, u10);                       \
        /* block one, constants (16, 32, 16) */                                                    \
        T v0 = ((u0 + u4) << 4) + (u8 << 5);                                                       \
        T v4 = (u0 << 5) + ((u4 + u8) << 4);                                                       \
        T v8 = ((u0 + u8) << 4) + (u4 << 5);                                                       \
        /* block two: complex constants y0 = 2 - i, y1 = -4 + i, y2 = 16 + i;                      \
         * x*y0 = (2r + i_, 2i_ - r), x*y1 = (-4r - i_, r - 4i_), x*y2 = (16r - i_, r + 16i_) */   \
        T a0r = (u1r << 1) + u1i, a0i = (u1i << 1) - u1r;  /* x0 y0 */                             \
        T a1r = -(u1r << 2) - u1i, a1i = u1r - (u1i << 2); /* x0 y1 */                             \
        T a2r = (u1r << 4) - u1i, a2i = u1r + (u1i << 4);  /* x0 y2 */                             \
        T b0r = (u5r << 1) + u5i, b0i = (u5i << 1) - u5r;  /* x1 y0 */                             \
        T b1r = -(u5r << 2) - u5i, b1i = u5r - (u5i << 2); /* x1 y1 */                             \
        T b2r = (u5r << 4) - u5i, b2i = u5r + (u5i << 4);  /* x1 y2 */                             \
        T c0r = (u9r << 1) + u9i, c0i = (u9i << 1) - u9r;  /* x2 y0 */                             \
        T c1r = -(u9r << 2) - u9i, c1i = u9r - (u9i << 2); /* x2 y1 */                             \
        T c2r = (u9r << 4) - u9i, c2i = u9r + (u9i << 4);  /* x2 y2 */                             \
        /* z0 = x0 y0 - i x1 y2 - i x2 y1; z1 = x0 y1 + x1 y0 - i x2 y2;                           \
         * z2 = x0 y2 + x1 y1 + x2 y0 */                                                           \
        T v1r = a0r + b2i + c1i, v1i = a0i - b2r - c1r;                                            \
        T v5r = a1r + b0r + c2i, v5i = a1i + b0i - c2r;                                            \
        T v9r = a2r + b1r + c0r, v9i = a2i + b1i + c0i;                                            \
        /* block three, constants (-1, -8, 2) */                                                   \
        T v2 = (u10 << 3) - u2 - (u6 << 1);                                                        \
        T v6 = -(u2 << 3) - u6 - (u10 << 1);                                                       \
        T v10 = (u2 << 1) - (u6 << 3) - u10;                                                       \
        BV_MDS_IFFT4_(T, v0, v1r, v1i, v2, (y)[0], (y)[3], (y)[6], (y)[9]);                        \
        BV_MDS_IFFT4_(T, v4, v5r, v5i, v6, (y)[1], (y)[4], (y)[7], (y)[10]);                       \
        BV_MDS_IFFT4_(T, v8, v9r, v9i, v10, (y)[2], (y)[5], (y)[8], (y)[11]);                      \
    } while (0)

#endif
