/*
 * util_bytes.h - fixed-width integers to and from byte strings.
 *
 * Invariants:
 *  - bv_leN reads / bv_put_leN writes N bits little-endian (SSZ, the
 *    balverify file formats); bv_be64 / bv_put_be64 big-endian (DendrETH's
 *    task payloads, SHA-256 lengths).
 *  - No alignment is required and the host's byte order does not matter.
 */
#ifndef BALVERIFY_UTIL_BYTES_H
#define BALVERIFY_UTIL_BYTES_H

#include <stdint.h>

static inline uint16_t bv_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static inline uint32_t bv_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t bv_le64(const uint8_t *p)
{
    return (uint64_t)bv_le32(p) | (uint64_t)bv_le32(p + 4) << 32;
}

static inline uint32_t bv_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t bv_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static inline void bv_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void bv_put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void bv_put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void bv_put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

#endif
