/*
 * kv_json.h - the JSON values DendrETH keeps in Redis (SYSTEM.md §2.3),
 * encoded byte-for-byte the way the TypeScript feeders and Rust workers
 * write them, and decoded strictly.
 *
 * Invariants:
 *  - Encoders emit compact JSON (JSON.stringify / serde_json style: no
 *    spaces) with the fields in the writer's order:
 *      ValidatorShaInput   pubkey, withdrawalCredentials, effectiveBalance,
 *                          slashed, activationEligibilityEpoch,
 *                          activationEpoch, exitEpoch, withdrawableEpoch
 *      ValidatorProof      needsChange, poseidonHash, sha256Hash, proofKey
 *                          (placeholder: needsChange, proofKey, poseidonHash,
 *                          sha256Hash, with empty arrays)
 *      ValidatorBalancesInput balances, validators, withdrawalCredentials,
 *                          currentEpoch, validatorIsZero
 *      BalanceProof        see bv_json_encode_balance_proof
 *      FinalCircuitInput   stateRoot, stateRootBranch, blockRoot, slot,
 *                          slotBranch, withdrawalCredentials, balanceBranch,
 *                          validatorsBranch, validatorsSizeBits
 *      FinalProof          needsChange, blockRoot, withdrawalCredentials,
 *                          balanceSum, 4 counters, proof
 *  - 32-byte roots travel as 256 numbers 0/1, MSB first within each byte,
 *    byte 0 first. Hex is lower case without 0x. u64 values in decimal
 *    strings; Poseidon elements are canonical (< p) decimal strings.
 *  - Decoders reject: invalid JSON, a missing field, a wrong type, a bit
 *    array of the wrong length or with an element other than the integers
 *    0/1, hex of the wrong length or with a 0x prefix or non-hex
 *    characters, decimal strings with signs/spaces/overflow. The message
 *    names the field (e.g. "validators[3].exitEpoch: not a decimal u64").
 *  - ValidatorBalancesInput: the four validator epoch fields
 *    (activationEligibilityEpoch, activationEpoch, exitEpoch,
 *    withdrawableEpoch) also accept the string "Infinity" as
 *    BV_FAR_FUTURE_EPOCH, what DendrETH's balance feeder writes for a
 *    FAR_FUTURE activation epoch (SYSTEM.md §11 Q9); encoders always write
 *    the decimal number. "Infinity" anywhere else (effective balance,
 *    balances, currentEpoch, totals, counters, limbs...) is refused with a
 *    message naming the field and saying where "Infinity" is accepted.
 *  - Unknown extra fields are ignored (the Rust deserializers do the same).
 *  - Encoders return a malloc'd NUL-terminated string (free() it).
 */
#ifndef BALVERIFY_KV_JSON_H
#define BALVERIFY_KV_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/status.h"

#define BV_FAR_FUTURE_EPOCH UINT64_MAX
#define BV_PROOF_KEY_MAX 192
/* Credentials in one balance input / proof (DendrETH: exactly 1). */
#define BV_KV_MAX_CREDENTIALS 8
/* Field-branch depth of a FinalCircuitInput: 5 (phase0..deneb), 6 (electra+). */
#define BV_KV_MAX_BRANCH_DEPTH 6

/* ValidatorShaInput: SSZ leaves as raw bytes (numbers as leaf64 chunks). */
typedef struct {
    uint8_t pubkey[48];
    uint8_t withdrawal_credentials[32];
    uint8_t effective_balance[32];
    uint8_t slashed[32];
    uint8_t activation_eligibility_epoch[32];
    uint8_t activation_epoch[32];
    uint8_t exit_epoch[32];
    uint8_t withdrawable_epoch[32];
} bv_validator_sha_input;

/* A validator record with plain numbers (also ValidatorPoseidonInput). */
typedef struct {
    uint8_t pubkey[48];
    uint8_t withdrawal_credentials[32];
    uint64_t effective_balance;
    int slashed; /* 0 or 1 */
    uint64_t activation_eligibility_epoch;
    uint64_t activation_epoch;
    uint64_t exit_epoch;
    uint64_t withdrawable_epoch;
} bv_validator_rec;

/* leaf64 chunks of a record; the zero validator is all zero bytes. */
void bv_sha_input_from_rec(const bv_validator_rec *v, bv_validator_sha_input *out);
/* Back to numbers (fails if a numeric chunk has non-zero high bytes). */
bv_err bv_sha_input_to_rec(const bv_validator_sha_input *in, bv_validator_rec *out, bv_status *st);

char *bv_json_encode_validator_sha_input(const bv_validator_sha_input *v);
bv_err bv_json_decode_validator_sha_input(const char *json, size_t len, bv_validator_sha_input *out,
                                          bv_status *st);

/* ValidatorProof. has_hashes = 0 for placeholders (empty arrays). */
typedef struct {
    int needs_change;
    int has_hashes;
    uint64_t poseidon_hash[4];
    uint8_t sha256_hash[32];
    char proof_key[BV_PROOF_KEY_MAX];
} bv_validator_proof;

/* Writes the Rust worker's form, or the TS placeholder form when
 * needs_change && !has_hashes. */
char *bv_json_encode_validator_proof(const bv_validator_proof *p);
bv_err bv_json_decode_validator_proof(const char *json, size_t len, bv_validator_proof *out,
                                      bv_status *st);

/* ValidatorBalancesInput (8 validators, num_credentials credentials:
 * DendrETH writes exactly 1). */
typedef struct {
    uint8_t balances[2][32];
    bv_validator_rec validators[8];
    uint32_t num_credentials; /* 1..BV_KV_MAX_CREDENTIALS */
    uint8_t withdrawal_credentials[BV_KV_MAX_CREDENTIALS][32];
    uint64_t current_epoch;
    uint8_t validator_is_zero[8];
} bv_balances_input;

char *bv_json_encode_balances_input(const bv_balances_input *in);
bv_err bv_json_decode_balances_input(const char *json, size_t len, bv_balances_input *out,
                                     bv_status *st);

/* BalanceProof. A placeholder (needs_change, !has_data) is written exactly
 * as the TS feeder does, without numberOfSlashedValidators. */
typedef struct {
    int needs_change;
    int has_data;
    uint64_t range_total_value;
    uint64_t validators_commitment[4];
    uint8_t balances_hash[32];
    uint32_t num_credentials; /* 1..BV_KV_MAX_CREDENTIALS (0 in a placeholder) */
    uint8_t withdrawal_credentials[BV_KV_MAX_CREDENTIALS][32];
    uint64_t current_epoch;
    uint64_t non_activated, active, exited, slashed;
    int has_slashed; /* decoded: numberOfSlashedValidators present */
    char proof_key[BV_PROOF_KEY_MAX];
} bv_balance_proof;

char *bv_json_encode_balance_proof(const bv_balance_proof *p);
bv_err bv_json_decode_balance_proof(const char *json, size_t len, bv_balance_proof *out,
                                    bv_status *st);

/* FinalCircuitInput. Branches bottom-up. DendrETH's layout has
 * branch_depth 5 (phase0..deneb) and 1 credential; electra and later states
 * have 6-level field branches (slotBranch, balanceBranch and
 * validatorsBranch then hold 6 elements each), and several credentials make
 * withdrawalCredentials longer. The decoder accepts depth 5 or 6 (the same
 * for the three branches) and 1..BV_KV_MAX_CREDENTIALS credentials. */
typedef struct {
    uint8_t state_root[32];
    uint8_t state_root_branch[3][32];
    uint8_t block_root[32];
    uint64_t slot;
    uint32_t branch_depth; /* 5 or 6 */
    uint8_t slot_branch[BV_KV_MAX_BRANCH_DEPTH][32];
    uint32_t num_credentials;
    uint8_t withdrawal_credentials[BV_KV_MAX_CREDENTIALS][32];
    uint8_t balance_branch[BV_KV_MAX_BRANCH_DEPTH][32];
    uint8_t validators_branch[BV_KV_MAX_BRANCH_DEPTH][32];
    uint8_t validators_size_bits[32];
} bv_final_circuit_input;

char *bv_json_encode_final_input(const bv_final_circuit_input *in);
bv_err bv_json_decode_final_input(const char *json, size_t len, bv_final_circuit_input *out,
                                  bv_status *st);

/* FinalProof. balanceSum as u32 limbs (LE, no trailing zeros). */
typedef struct {
    uint8_t block_root[32];
    uint32_t num_credentials; /* 1..BV_KV_MAX_CREDENTIALS */
    uint8_t withdrawal_credentials[BV_KV_MAX_CREDENTIALS][32];
    uint64_t balance_sum;
    uint64_t non_activated, active, exited, slashed;
    const uint8_t *proof; /* encode: borrowed; decode: malloc'd (free it) */
    size_t proof_len;
} bv_final_proof;

char *bv_json_encode_final_proof(const bv_final_proof *p);
bv_err bv_json_decode_final_proof(const char *json, size_t len, bv_final_proof *out, bv_status *st);

/* The padding / zero values the feeders write. */
void bv_zero_validator_rec(bv_validator_rec *v);
/* {proto}:validator_balance_input:{R}: all padding, validatorIsZero all 1,
 * the n credentials wc[0..n). */
void bv_zero_balances_input(const uint8_t (*wc)[32], uint32_t n, uint64_t current_epoch,
                            bv_balances_input *out);
/* TS placeholders. */
void bv_validator_proof_placeholder(bv_validator_proof *p, int zero /* proofKey "invalid" */);
void bv_balance_proof_placeholder(bv_balance_proof *p);

#endif
