/*
 * ssz_types.h - validation and hash_tree_root of the SSZ types that make up
 * a BeaconState (internal to src/eth).
 */
#ifndef BV_ETH_SSZ_TYPES_H
#define BV_ETH_SSZ_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/beacon_state.h"
#include "eth/beacon_state_layout.h"

/* Fixed part of the ExecutionPayloadHeader of `fork` (536/568/584). */
size_t bv_eph_fixed_size(bv_fork fork);

/* Validate the serialized value of a variable-size field. */
bv_err bv_ssz_check_field(bv_fork fork, bv_kind kind, uint64_t param, const uint8_t *bytes,
                          size_t len, bv_status *st);
/* hash_tree_root of a field value (already validated). */
bv_err bv_ssz_field_root(bv_fork fork, bv_kind kind, uint64_t param, const uint8_t *bytes,
                         size_t len, uint8_t out[32], bv_status *st);

/* Root of packed basic values (len bytes, zero padded) in a tree of `depth`. */
bv_err bv_ssz_packed_root(uint8_t out[32], const uint8_t *bytes, size_t len, unsigned depth,
                          bv_status *st);

#endif
