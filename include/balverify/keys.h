/*
 * keys.h - every Redis key and work-queue prefix DendrETH's balance
 * verification uses (May-2024 key catalogue), and the binary task payloads.
 *
 * Invariants:
 *  - Keys are built only here, so a typo cannot make C and TypeScript
 *    disagree. Numbers are decimal without padding; protocol-prefixed keys
 *    are "{proto}:..."; no key ever ends with ':'.
 *  - A bv_key always holds a NUL-terminated string; a protocol name is
 *    1..64 bytes of [A-Za-z0-9_-] (checked by bv_key_check_protocol), which
 *    keeps every key well under BV_KEY_MAX.
 *  - Task payload integers are unsigned 64-bit big-endian. Decoders check
 *    the exact length for the tag or level and say what is wrong.
 */
#ifndef BALVERIFY_KEYS_H
#define BALVERIFY_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/status.h"

/* VALIDATOR_REGISTRY_LIMIT: also the index meaning "zero/padding". */
#define BV_REGISTRY_LIMIT 1099511627776ULL
#define BV_BALANCE_LEVELS 38       /* levels 0..37 carry tasks */
#define BV_BALANCE_CLEAN_LEVELS 39 /* the TS cleaner walks 0..38 */
#define BV_MAPPER_DEPTH 40         /* leaf depth of the validator tree */
#define BV_KEY_MAX 192

typedef struct {
    char s[BV_KEY_MAX];
} bv_key;

bv_err bv_key_check_protocol(const char *proto, bv_status *st);

/* Commitment mapper (not protocol-prefixed). */
bv_key bv_key_validator(uint64_t index, uint64_t slot);        /* validator:{i}:{slot} */
bv_key bv_key_validator_lookup(uint64_t index);                /* validator:{i}:slot_lookup */
bv_key bv_key_validator_proof(uint64_t gindex, uint64_t slot); /* validator_proof:{g}:{slot} */
bv_key bv_key_validator_proof_lookup(uint64_t gindex);         /* validator_proof:{g}:slot_lookup */
bv_key bv_key_validator_proof_zeroes(unsigned depth);          /* validator_proof:zeroes:{d} */
bv_key bv_key_validator_proof_storage(uint64_t gindex, uint64_t slot);
bv_key bv_key_validator_proof_storage_zeroes(unsigned depth);
bv_key bv_key_validators_length(uint64_t slot); /* validators_length:{slot} */
bv_key bv_key_validators_root(uint64_t slot);   /* validators_root:{slot} */
bv_key bv_key_last_processed_slot(void);
bv_key bv_key_last_verified_slot(void);
bv_key bv_queue_mapper(void); /* validator_proof_queue */

/* Balance verification (protocol-prefixed). */
bv_key bv_key_balance_input(const char *proto, uint64_t index);
bv_key bv_key_balance_proof(const char *proto, unsigned level, uint64_t index);
bv_key bv_key_balance_proof_storage(const char *proto, unsigned level, uint64_t index);
bv_key bv_key_final_proof_input(const char *proto);
bv_key bv_key_final_layer_proof(const char *proto);
bv_key bv_key_balance_wrapper_proof(const char *proto);
bv_key bv_key_balance_wrapper_verifier_only(void); /* no prefix (sic) */
bv_key bv_channel_gnark_proofs(const char *proto);
bv_key bv_queue_balance(const char *proto,
                        unsigned level); /* {proto}:balance_verification_queue:{L} */

/* Latest slot <= S recorded in a slot-lookup ZSET
 * (ZREVRANGEBYSCORE key S 0 LIMIT 0 1); *found = 0 when none. */
struct bv_redis;
bv_err bv_lookup_latest(struct bv_redis *r, const char *zkey, uint64_t slot, int *found,
                        uint64_t *out, bv_status *st);
/* ZADD key slot "slot". */
bv_err bv_lookup_add(struct bv_redis *r, const char *zkey, uint64_t slot, bv_status *st);

/* ---- task payloads ---- */
typedef enum {
    BV_MAPPER_UPDATE_PROOF_NODE = 0,
    BV_MAPPER_PROVE_ZERO_FOR_DEPTH = 1,
    BV_MAPPER_UPDATE_VALIDATOR_PROOF = 2,
    BV_MAPPER_ZERO_OUT_VALIDATOR = 3,
} bv_mapper_tag;

typedef struct {
    bv_mapper_tag tag;
    uint64_t a; /* gindex, depth or validator index */
    uint64_t b; /* slot (0 for PROVE_ZERO_FOR_DEPTH) */
} bv_mapper_task;

/* Encode into out (>= 17 bytes); returns the length (9 or 17). */
size_t bv_mapper_task_encode(const bv_mapper_task *t, uint8_t *out);
/* Strict decode: unknown tag or wrong length -> BV_ERR_FORMAT. */
bv_err bv_mapper_task_decode(const uint8_t *p, size_t len, bv_mapper_task *t, bv_status *st);

/* Balance task: 8-byte BE index; level >= 1 zero task is R + 16 zero bytes. */
size_t bv_balance_task_encode(unsigned level, uint64_t index, uint8_t *out /* >= 24 */);
/* Strict decode: 8 bytes, or 24 bytes whose first 8 are R and the rest zero
 * at level >= 1. An empty payload is BV_ERR_FORMAT ("no data"). */
bv_err bv_balance_task_decode(unsigned level, const uint8_t *p, size_t len, uint64_t *index,
                              bv_status *st);

#endif
