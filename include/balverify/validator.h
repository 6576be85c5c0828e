/*
 * validator.h - the phase0..gloas Validator record (spec/CONSENSUS.md section 2).
 *
 * Invariants:
 *  - The SSZ record is exactly 121 bytes, all fields fixed and little-endian:
 *    pubkey 0..48, withdrawal_credentials 48..80, effective_balance 80..88,
 *    slashed 88, activation_eligibility_epoch 89..97, activation_epoch 97..105,
 *    exit_epoch 105..113, withdrawable_epoch 113..121.
 *  - bv_validator_decode() rejects a slashed byte other than 0/1 (SSZ boolean);
 *    encode(decode(x)) == x for every valid record.
 *  - Status follows spec/CONSENSUS.md section 7 (active iff
 *    activation_epoch <= epoch < exit_epoch) and the DendrETH circuit's
 *    three-way split used by the balance proofs (spec/SYSTEM.md section 5.5):
 *    not activated (activation_epoch > epoch), active, exited (exit_epoch <= epoch).
 */
#ifndef BALVERIFY_VALIDATOR_H
#define BALVERIFY_VALIDATOR_H

#include <stdint.h>

#include "balverify/status.h"
#include "balverify/util_bytes.h"

#define BV_VALIDATOR_SIZE 121
#define BV_FAR_FUTURE_EPOCH UINT64_MAX

typedef struct {
    uint8_t pubkey[48];
    uint8_t withdrawal_credentials[32];
    uint64_t effective_balance;
    uint8_t slashed; /* 0 or 1 */
    uint64_t activation_eligibility_epoch;
    uint64_t activation_epoch;
    uint64_t exit_epoch;
    uint64_t withdrawable_epoch;
} bv_validator;

/* Decode record `index` (the index only appears in the error message). */
bv_err bv_validator_decode(bv_validator *v, const uint8_t rec[BV_VALIDATOR_SIZE], uint64_t index,
                           bv_status *st);
void bv_validator_encode(uint8_t rec[BV_VALIDATOR_SIZE], const bv_validator *v);

/* Field accessors straight from a record (no validation). */
static inline const uint8_t *bv_rec_wc(const uint8_t *rec)
{
    return rec + 48;
}
static inline uint64_t bv_rec_effective_balance(const uint8_t *rec)
{
    return bv_le64(rec + 80);
}
static inline uint8_t bv_rec_slashed(const uint8_t *rec)
{
    return rec[88];
}
static inline uint64_t bv_rec_activation_epoch(const uint8_t *rec)
{
    return bv_le64(rec + 97);
}
static inline uint64_t bv_rec_exit_epoch(const uint8_t *rec)
{
    return bv_le64(rec + 105);
}

typedef enum {
    BV_VSTATUS_NOT_ACTIVATED = 0, /* activation_epoch > epoch */
    BV_VSTATUS_ACTIVE = 1,        /* activation_epoch <= epoch < exit_epoch */
    BV_VSTATUS_EXITED = 2,        /* exit_epoch <= epoch */
} bv_vstatus;

static inline bv_vstatus bv_validator_status3(uint64_t activation_epoch, uint64_t exit_epoch,
                                              uint64_t epoch)
{
    if (activation_epoch > epoch)
        return BV_VSTATUS_NOT_ACTIVATED;
    return epoch < exit_epoch ? BV_VSTATUS_ACTIVE : BV_VSTATUS_EXITED;
}

/* Beacon-API status label ("pending_initialized", "active_ongoing", ...). */
const char *bv_validator_api_status(const bv_validator *v, uint64_t epoch, uint64_t balance);

#endif
