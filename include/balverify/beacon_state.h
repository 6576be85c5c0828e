/*
 * beacon_state.h - serialized BeaconState per fork and preset: parsing with
 * full offset validation, hash_tree_root of every field, the state root,
 * state-root branches (spec/CONSENSUS.md sections 3-6).
 *
 * Invariants:
 *  - A parsed state BORROWS the serialized bytes (bv_state_parse) or owns a
 *    copy (bv_state_load_file); every pointer in bv_beacon_state points into
 *    them. Parsing validates the whole layout (fixed part size, every offset
 *    in range and non-decreasing, list lengths multiple of the element size
 *    and within their limits, nested variable containers) and rejects any
 *    inconsistency with BV_ERR_FORMAT naming the field.
 *  - Field i of a fork is leaf i of the state tree; the field order never
 *    changes between forks (forks append or replace in place).
 *  - Forks phase0..fulu use classic containers (depth 5 up to deneb, 6 for
 *    electra/fulu). Gloas uses a ProgressiveContainer (46 fields) whose
 *    registry, participation, inactivity and pending lists are
 *    ProgressiveLists; its field gindices come from bv_ssz_progressive_gindex
 *    (validators 358, balances 359). The Gloas types follow consensus-specs
 *    v1.7.0-alpha (Aug 2026) as implemented by @lodestar/types 1.50.0; Gloas
 *    has no mainnet epoch yet and its types may still change.
 *  - Fork and preset detection uses the serialized layout (fixed-part size,
 *    execution payload header size), which is unambiguous for phase0..gloas;
 *    fork.current_version is reported but not trusted (test vectors carry
 *    random versions).
 */
#ifndef BALVERIFY_BEACON_STATE_H
#define BALVERIFY_BEACON_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/ssz.h"
#include "balverify/status.h"
#include "balverify/util_bytes.h"

typedef enum {
    BV_FORK_AUTO = -1,
    BV_FORK_PHASE0 = 0,
    BV_FORK_ALTAIR,
    BV_FORK_BELLATRIX,
    BV_FORK_CAPELLA,
    BV_FORK_DENEB,
    BV_FORK_ELECTRA,
    BV_FORK_FULU,
    BV_FORK_GLOAS,
    BV_FORK_COUNT
} bv_fork;

typedef enum { BV_PRESET_AUTO = -1, BV_PRESET_MAINNET = 0, BV_PRESET_MINIMAL = 1 } bv_preset;

#define BV_STATE_MAX_FIELDS 46

const char *bv_fork_name(bv_fork fork); /* "phase0", ..., "gloas" */
bv_err bv_fork_from_name(const char *name, bv_fork *fork, bv_status *st);
const char *bv_preset_name(bv_preset preset); /* "mainnet" / "minimal" */
bv_err bv_preset_from_name(const char *name, bv_preset *preset, bv_status *st);
/* Fork whose mainnet version is `version` (4 bytes), or BV_FORK_AUTO. */
bv_fork bv_fork_from_version(const uint8_t version[4]);
unsigned bv_slots_per_epoch(bv_preset preset);

/* Number of BeaconState fields, field name, field index by name (-1). */
unsigned bv_state_field_count(bv_fork fork);
const char *bv_state_field_name(bv_fork fork, unsigned field);
int bv_state_field_index(bv_fork fork, const char *name);
/* gindex of field `field` relative to the state root; *depth gets its depth. */
uint64_t bv_state_field_gindex(bv_fork fork, unsigned field, unsigned *depth);

/* Well-known field indices (identical in every fork). */
enum {
    BV_FIELD_GENESIS_TIME = 0,
    BV_FIELD_GENESIS_VALIDATORS_ROOT = 1,
    BV_FIELD_SLOT = 2,
    BV_FIELD_FORK = 3,
    BV_FIELD_LATEST_BLOCK_HEADER = 4,
    BV_FIELD_VALIDATORS = 11,
    BV_FIELD_BALANCES = 12,
};

typedef struct {
    bv_fork fork;
    bv_preset preset;
    const uint8_t *data; /* serialized state */
    size_t size;
    uint8_t *owned; /* non-NULL when the state owns data */
    unsigned nfields;
    size_t field_off[BV_STATE_MAX_FIELDS]; /* byte range of each field's value */
    size_t field_len[BV_STATE_MAX_FIELDS];
    /* Decoded conveniences. */
    uint64_t genesis_time;
    uint64_t slot;
    uint8_t fork_previous_version[4];
    uint8_t fork_current_version[4];
    uint64_t fork_epoch;
    uint8_t latest_block_header[BV_SSZ_HEADER_SIZE]; /* as stored (state_root may be 0) */
    const uint8_t *validators;                       /* validator_count records of 121 bytes */
    uint64_t validator_count;
    const uint8_t *balances; /* balance_count little-endian u64 */
    uint64_t balance_count;  /* equals validator_count in any real state */
} bv_beacon_state;

/* Parse `size` bytes (borrowed; must outlive s). fork/preset may be AUTO. */
bv_err bv_state_parse(bv_beacon_state *s, const uint8_t *data, size_t size, bv_fork fork,
                      bv_preset preset, bv_status *st);
/* Read a whole file and parse it; s owns the bytes. */
bv_err bv_state_load_file(bv_beacon_state *s, const char *path, bv_fork fork, bv_preset preset,
                          bv_status *st);
void bv_state_free(bv_beacon_state *s);
/* The slot of a serialized BeaconState without parsing the rest: the
 * little-endian u64 at byte BV_STATE_SLOT_OFFSET, after genesis_time and
 * genesis_validators_root, in every fork. Fails (BV_ERR_FORMAT) only when
 * there are fewer than BV_STATE_SLOT_OFFSET + 8 bytes (or, for a file,
 * BV_ERR_IO when it cannot be read): the bytes are not otherwise checked;
 * parse the state for that. */
#define BV_STATE_SLOT_OFFSET 40
bv_err bv_state_slot_of(const uint8_t *data, size_t size, uint64_t *slot, bv_status *st);
bv_err bv_state_file_slot(const char *path, uint64_t *slot, bv_status *st);
/* BV_ERR_FORMAT unless validators and balances have the same length (the
 * parser accepts SSZ-valid states where they differ, as spec tests have). */
bv_err bv_state_check_registry(const bv_beacon_state *s, bv_status *st);

/* Balance i (LE u64 from the serialized list). */
static inline uint64_t bv_state_balance(const bv_beacon_state *s, uint64_t i)
{
    return bv_le64(s->balances + 8 * i);
}
static inline const uint8_t *bv_state_validator(const bv_beacon_state *s, uint64_t i)
{
    return s->validators + (size_t)121 * i;
}

/* All field roots and the state root. */
typedef struct {
    bv_fork fork;
    unsigned nfields;
    uint8_t field[BV_STATE_MAX_FIELDS][32];
    uint8_t state_root[32];
} bv_state_roots;

/* Hash every field (validators/balances with the fast batched path). */
bv_err bv_state_hash(const bv_beacon_state *s, bv_state_roots *roots, bv_status *st);
/* hash_tree_root of one field. */
bv_err bv_state_field_root(const bv_beacon_state *s, unsigned field, uint8_t out[32],
                           bv_status *st);

/* Branch from field `field` up to the state root (bottom-up). branch must
 * hold 16 chunks; *depth and *gindex receive the branch length and gindex. */
bv_err bv_state_field_branch(const bv_state_roots *roots, unsigned field, uint8_t *branch,
                             unsigned *depth, uint64_t *gindex, bv_status *st);

/* The block header of this state: latest_block_header with state_root filled
 * in by roots->state_root when it is zero (what process_slot does). */
void bv_state_block_header(const bv_beacon_state *s, const bv_state_roots *roots,
                           uint8_t header[BV_SSZ_HEADER_SIZE]);
/* Branch (3 chunks, bottom-up) of header field `field` (0..4) under the
 * header root; state_root is field 3, gindex 11. */
void bv_header_branch(const uint8_t header[BV_SSZ_HEADER_SIZE], unsigned field,
                      uint8_t branch[3][32]);

/* Branch from field `field` of the state up to the BLOCK root: the state
 * branch followed by the header branch of state_root (gindex
 * concat(11, field gindex), e.g. 363 for validators in phase0..deneb).
 * branch must hold 16 chunks. */
bv_err bv_state_block_branch(const bv_state_roots *roots, const uint8_t header[BV_SSZ_HEADER_SIZE],
                             unsigned field, uint8_t *branch, unsigned *depth, uint64_t *gindex,
                             bv_status *st);

/* Fixed-part size of the serialized state (0 for unsupported combinations). */
size_t bv_state_fixed_size(bv_fork fork, bv_preset preset);

#endif
