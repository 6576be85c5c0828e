/*
 * validator.c - Validator record codec and status labels
 * (include/balverify/validator.h).
 */
#include "balverify/validator.h"

#include <string.h>

#include "balverify/util_bytes.h"

bv_err bv_validator_decode(bv_validator *v, const uint8_t rec[BV_VALIDATOR_SIZE], uint64_t index,
                           bv_status *st)
{
    if (rec[88] > 1)
        return bv_fail(st, BV_ERR_FORMAT, "validator %llu: slashed byte 0x%02x is not a boolean",
                       (unsigned long long)index, rec[88]);
    memcpy(v->pubkey, rec, 48);
    memcpy(v->withdrawal_credentials, rec + 48, 32);
    v->effective_balance = bv_le64(rec + 80);
    v->slashed = rec[88];
    v->activation_eligibility_epoch = bv_le64(rec + 89);
    v->activation_epoch = bv_le64(rec + 97);
    v->exit_epoch = bv_le64(rec + 105);
    v->withdrawable_epoch = bv_le64(rec + 113);
    return BV_OK;
}

void bv_validator_encode(uint8_t rec[BV_VALIDATOR_SIZE], const bv_validator *v)
{
    memcpy(rec, v->pubkey, 48);
    memcpy(rec + 48, v->withdrawal_credentials, 32);
    bv_put_le64(rec + 80, v->effective_balance);
    rec[88] = v->slashed ? 1 : 0;
    bv_put_le64(rec + 89, v->activation_eligibility_epoch);
    bv_put_le64(rec + 97, v->activation_epoch);
    bv_put_le64(rec + 105, v->exit_epoch);
    bv_put_le64(rec + 113, v->withdrawable_epoch);
}

const char *bv_validator_api_status(const bv_validator *v, uint64_t epoch, uint64_t balance)
{
    if (v->activation_epoch > epoch)
        return v->activation_eligibility_epoch == BV_FAR_FUTURE_EPOCH ? "pending_initialized"
                                                                      : "pending_queued";
    if (epoch < v->exit_epoch) {
        if (v->slashed)
            return "active_slashed";
        return v->exit_epoch == BV_FAR_FUTURE_EPOCH ? "active_ongoing" : "active_exiting";
    }
    if (epoch < v->withdrawable_epoch)
        return v->slashed ? "exited_slashed" : "exited_unslashed";
    return balance == 0 ? "withdrawal_done" : "withdrawal_possible";
}
