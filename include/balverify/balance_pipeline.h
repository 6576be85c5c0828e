/*
 * balance_pipeline.h - what the balance-verification programs share
 * (balance_verification_circuit_data_generation, balance_verification,
 * final_layer, bv_verify --json): the circuits directory's credential
 * count and configuration, proofs kept in a proof store, and the
 * conversions between DendrETH's Redis values and the circuits' inputs and
 * statements (docs/REDIS.md section 3).
 *
 * Invariants:
 *  - A stored proof object is exactly a proof file (serialize.h) that
 *    `bv_verify --proof` reads: the circuit digest, the public inputs and
 *    the proof.
 *  - Loading a stored proof checks its circuit digest against the expected
 *    circuit and verifies it; a proof of another circuit, a damaged object
 *    or a missing key is an error naming the key.
 *  - A circuits directory holds one proof configuration and one credential
 *    count: bv_pipeline_dir_check refuses a directory in which any circuit
 *    file disagrees, naming the file.
 */
#ifndef BALVERIFY_BALANCE_PIPELINE_H
#define BALVERIFY_BALANCE_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/balance.h"
#include "balverify/circuit.h"
#include "balverify/final_layer.h"
#include "balverify/kv_json.h"
#include "balverify/plonk_config.h"
#include "balverify/proof.h"
#include "balverify/proof_store.h"
#include "balverify/status.h"

/* Checks every DIR/\*.circuit: made with cfg, and the balance
 * ("balance_verification_*") and final ("final_layer_d*") circuits all for
 * one credential count. *ncred (may be NULL) receives that count, 0 when
 * DIR holds no balance or final circuit. want_ncred != 0 also requires that
 * count. A missing directory passes (nothing in it). */
bv_err bv_pipeline_dir_check(const char *dir, const bv_plonk_config *cfg, uint32_t want_ncred,
                             uint32_t *ncred, bv_status *st);

/* The credential count of DIR/NAME.circuit from its public-input count
 * (balance: 24 + 8N; final: 36 + 8N). */
bv_err bv_pipeline_circuit_credentials(const char *dir, const char *name,
                                       const bv_plonk_config *cfg, uint32_t *ncred, bv_status *st);

/* Serialize p (made for the circuit whose verifier data is vd) and put it
 * under key. */
bv_err bv_pipeline_store_proof(bv_proof_store *s, const char *key, const bv_proof *p,
                               const bv_circuit_data *d, bv_status *st);
/* Get key, check it was made for circuit d, deserialize and verify it. */
bv_err bv_pipeline_load_proof(bv_proof_store *s, const char *key, const bv_circuit_data *d,
                              bv_proof *out, bv_status *st);
/* The same from verifier and common data only. */
bv_err bv_pipeline_load_proof_vd(bv_proof_store *s, const char *key, const bv_verifier_data *vd,
                                 const bv_common_data *cd, bv_proof *out, bv_status *st);

/* ValidatorBalancesInput -> the leaf circuit's input (validatorIsZero = 1
 * is padding). */
void bv_pipeline_leaf_input(const bv_balances_input *in, bv_bal_leaf_input *out);

/* The BalanceProof JSON value of a proven statement (needsChange false,
 * every credential, the given proofKey). */
void bv_pipeline_balance_json(const bv_bal_statement *s, const char *proof_key,
                              bv_balance_proof *out);

/* FinalCircuitInput -> the final circuit's input; the validator count is
 * read from validatorsSizeBits (a leaf64 whose high bytes must be zero). */
bv_err bv_pipeline_final_input(const bv_final_circuit_input *in, bv_final_input *out,
                               bv_status *st);

/* The statement as the native balverify job prints it (keys slot, epoch,
 * state_root, block_root, withdrawal_credentials, total_locked_gwei,
 * active_validators, exited_validators, non_activated_validators,
 * slashed_validators; the same formatting). *json is malloc'd. */
bv_err bv_pipeline_final_json(const bv_final_statement *s, char **json, bv_status *st);

#endif
