/*
 * beacon_state_layout.c - BeaconState field tables per fork and the preset
 * constants (spec/CONSENSUS.md section 4; consensus-specs presets).
 * PTC_SIZE is 512 on mainnet and 16 on minimal; MIN_SEED_LOOKAHEAD is 1.
 */
#include "eth/beacon_state_layout.h"

#include <string.h>

#define F(n, k, p)                                                                                 \
    {                                                                                              \
        n, k, p                                                                                    \
    }

/* Fields shared by every fork, in order. */
#define COMMON_HEAD                                                                                \
    F("genesis_time", K_U64, P_NONE), F("genesis_validators_root", K_B32, P_NONE),                 \
        F("slot", K_U64, P_NONE), F("fork", K_FORK, P_NONE),                                       \
        F("latest_block_header", K_HEADER, P_NONE),                                                \
        F("block_roots", K_VEC_B32, P_SLOTS_PER_HISTORICAL_ROOT),                                  \
        F("state_roots", K_VEC_B32, P_SLOTS_PER_HISTORICAL_ROOT),                                  \
        F("historical_roots", K_LIST_B32, P_HISTORICAL_ROOTS_LIMIT),                               \
        F("eth1_data", K_ETH1DATA, P_NONE), F("eth1_data_votes", K_LIST_ETH1DATA, P_ETH1_VOTES),   \
        F("eth1_deposit_index", K_U64, P_NONE),                                                    \
        F("validators", K_LIST_VALIDATOR, P_REGISTRY_LIMIT),                                       \
        F("balances", K_LIST_U64, P_REGISTRY_LIMIT),                                               \
        F("randao_mixes", K_VEC_B32, P_EPOCHS_PER_HISTORICAL_VECTOR),                              \
        F("slashings", K_VEC_U64, P_EPOCHS_PER_SLASHINGS_VECTOR)

#define FINALITY                                                                                   \
    F("justification_bits", K_BITVECTOR4, P_NONE),                                                 \
        F("previous_justified_checkpoint", K_CHECKPOINT, P_NONE),                                  \
        F("current_justified_checkpoint", K_CHECKPOINT, P_NONE),                                   \
        F("finalized_checkpoint", K_CHECKPOINT, P_NONE)

#define ALTAIR_MID                                                                                 \
    F("previous_epoch_participation", K_LIST_U8, P_REGISTRY_LIMIT),                                \
        F("current_epoch_participation", K_LIST_U8, P_REGISTRY_LIMIT), FINALITY,                   \
        F("inactivity_scores", K_LIST_U64, P_REGISTRY_LIMIT),                                      \
        F("current_sync_committee", K_SYNC_COMMITTEE, P_SYNC_COMMITTEE_SIZE),                      \
        F("next_sync_committee", K_SYNC_COMMITTEE, P_SYNC_COMMITTEE_SIZE)

#define CAPELLA_TAIL                                                                               \
    F("next_withdrawal_index", K_U64, P_NONE),                                                     \
        F("next_withdrawal_validator_index", K_U64, P_NONE),                                       \
        F("historical_summaries", K_LIST_HIST_SUMMARY, P_HISTORICAL_ROOTS_LIMIT)

#define ELECTRA_TAIL                                                                               \
    F("deposit_requests_start_index", K_U64, P_NONE),                                              \
        F("deposit_balance_to_consume", K_U64, P_NONE),                                            \
        F("exit_balance_to_consume", K_U64, P_NONE), F("earliest_exit_epoch", K_U64, P_NONE),      \
        F("consolidation_balance_to_consume", K_U64, P_NONE),                                      \
        F("earliest_consolidation_epoch", K_U64, P_NONE),                                          \
        F("pending_deposits", K_LIST_PENDING_DEP, P_PENDING_DEPOSITS_LIMIT),                       \
        F("pending_partial_withdrawals", K_LIST_PENDING_PW, P_PENDING_PARTIAL_WITHDRAWALS_LIMIT),  \
        F("pending_consolidations", K_LIST_PENDING_CONS, P_PENDING_CONSOLIDATIONS_LIMIT)

#define EPH_FIELD F("latest_execution_payload_header", K_EPH, P_NONE)

static const bv_field_desc phase0[] = {
    COMMON_HEAD,
    F("previous_epoch_attestations", K_LIST_PENDING_ATT, P_PENDING_ATTESTATIONS),
    F("current_epoch_attestations", K_LIST_PENDING_ATT, P_PENDING_ATTESTATIONS),
    FINALITY,
};
static const bv_field_desc altair[] = {COMMON_HEAD, ALTAIR_MID};
static const bv_field_desc bellatrix[] = {COMMON_HEAD, ALTAIR_MID, EPH_FIELD};
static const bv_field_desc capella[] = {COMMON_HEAD, ALTAIR_MID, EPH_FIELD, CAPELLA_TAIL};
static const bv_field_desc electra[] = {COMMON_HEAD, ALTAIR_MID, EPH_FIELD, CAPELLA_TAIL,
                                        ELECTRA_TAIL};
static const bv_field_desc fulu[] = {
    COMMON_HEAD,  ALTAIR_MID,   EPH_FIELD,
    CAPELLA_TAIL, ELECTRA_TAIL, F("proposer_lookahead", K_VEC_U64, P_PROPOSER_LOOKAHEAD),
};
/* Gloas (EIP-7732 + EIP-7688): a ProgressiveContainer whose growing lists
 * became ProgressiveLists. Types as in consensus-specs v1.7.0-alpha
 * (Aug 2026) and @lodestar/types 1.50.0; Gloas is not scheduled on mainnet
 * and its types may still change. */
static const bv_field_desc gloas[] = {
    F("genesis_time", K_U64, P_NONE),
    F("genesis_validators_root", K_B32, P_NONE),
    F("slot", K_U64, P_NONE),
    F("fork", K_FORK, P_NONE),
    F("latest_block_header", K_HEADER, P_NONE),
    F("block_roots", K_VEC_B32, P_SLOTS_PER_HISTORICAL_ROOT),
    F("state_roots", K_VEC_B32, P_SLOTS_PER_HISTORICAL_ROOT),
    F("historical_roots", K_LIST_B32, P_HISTORICAL_ROOTS_LIMIT),
    F("eth1_data", K_ETH1DATA, P_NONE),
    F("eth1_data_votes", K_LIST_ETH1DATA, P_ETH1_VOTES),
    F("eth1_deposit_index", K_U64, P_NONE),
    F("validators", K_PLIST_VALIDATOR, P_NONE),
    F("balances", K_PLIST_U64, P_NONE),
    F("randao_mixes", K_VEC_B32, P_EPOCHS_PER_HISTORICAL_VECTOR),
    F("slashings", K_VEC_U64, P_EPOCHS_PER_SLASHINGS_VECTOR),
    F("previous_epoch_participation", K_PLIST_U8, P_NONE),
    F("current_epoch_participation", K_PLIST_U8, P_NONE),
    FINALITY,
    F("inactivity_scores", K_PLIST_U64, P_NONE),
    F("current_sync_committee", K_SYNC_COMMITTEE, P_SYNC_COMMITTEE_SIZE),
    F("next_sync_committee", K_SYNC_COMMITTEE, P_SYNC_COMMITTEE_SIZE),
    F("latest_block_hash", K_B32, P_NONE),
    CAPELLA_TAIL,
    F("deposit_requests_start_index", K_U64, P_NONE),
    F("deposit_balance_to_consume", K_U64, P_NONE),
    F("exit_balance_to_consume", K_U64, P_NONE),
    F("earliest_exit_epoch", K_U64, P_NONE),
    F("consolidation_balance_to_consume", K_U64, P_NONE),
    F("earliest_consolidation_epoch", K_U64, P_NONE),
    F("pending_deposits", K_PLIST_PENDING_DEP, P_NONE),
    F("pending_partial_withdrawals", K_PLIST_PENDING_PW, P_NONE),
    F("pending_consolidations", K_PLIST_PENDING_CONS, P_NONE),
    F("proposer_lookahead", K_VEC_U64, P_PROPOSER_LOOKAHEAD),
    F("builders", K_PLIST_BUILDER, P_NONE),
    F("next_withdrawal_builder_index", K_U64, P_NONE),
    F("execution_payload_availability", K_BITVECTOR, P_SLOTS_PER_HISTORICAL_ROOT),
    F("builder_pending_payments", K_VEC_BUILDER_PP, P_BUILDER_PENDING_PAYMENTS),
    F("builder_pending_withdrawals", K_PLIST_BUILDER_PW, P_NONE),
    F("latest_execution_payload_bid", K_BID, P_NONE),
    F("payload_expected_withdrawals", K_PLIST_WITHDRAWAL, P_NONE),
    F("ptc_window", K_PTC_WINDOW, P_PTC_WINDOW),
};

#define N(a) (unsigned)(sizeof(a) / sizeof((a)[0]))

const bv_field_desc *bv_layout_fields(bv_fork fork, unsigned *count)
{
    switch (fork) {
    case BV_FORK_PHASE0:
        *count = N(phase0);
        return phase0;
    case BV_FORK_ALTAIR:
        *count = N(altair);
        return altair;
    case BV_FORK_BELLATRIX:
        *count = N(bellatrix);
        return bellatrix;
    /* Deneb changes only the execution payload header, not the state fields. */
    case BV_FORK_CAPELLA:
    case BV_FORK_DENEB:
        *count = N(capella);
        return capella;
    case BV_FORK_ELECTRA:
        *count = N(electra);
        return electra;
    case BV_FORK_FULU:
        *count = N(fulu);
        return fulu;
    case BV_FORK_GLOAS:
        *count = N(gloas);
        return gloas;
    default:
        *count = 0;
        return NULL;
    }
}

uint64_t bv_layout_param(bv_preset preset, bv_param p)
{
    int min = preset == BV_PRESET_MINIMAL;
    switch (p) {
    case P_NONE:
        return 0;
    case P_SLOTS_PER_HISTORICAL_ROOT:
        return min ? 64 : 8192;
    case P_HISTORICAL_ROOTS_LIMIT:
        return 1ULL << 24;
    case P_ETH1_VOTES:
        return min ? 4 * 8 : 64 * 32;
    case P_EPOCHS_PER_HISTORICAL_VECTOR:
        return min ? 64 : 65536;
    case P_EPOCHS_PER_SLASHINGS_VECTOR:
        return min ? 64 : 8192;
    case P_PENDING_ATTESTATIONS:
        return min ? 128 * 8 : 128 * 32;
    case P_REGISTRY_LIMIT:
        return 1ULL << 40;
    case P_SYNC_COMMITTEE_SIZE:
        return min ? 32 : 512;
    case P_PENDING_DEPOSITS_LIMIT:
        return 1ULL << 27;
    case P_PENDING_PARTIAL_WITHDRAWALS_LIMIT:
        return min ? 64 : 1ULL << 27;
    case P_PENDING_CONSOLIDATIONS_LIMIT:
        return min ? 64 : 1ULL << 18;
    case P_PROPOSER_LOOKAHEAD:
        return min ? 2 * 8 : 2 * 32;
    case P_BUILDER_PENDING_PAYMENTS:
        return min ? 2 * 8 : 2 * 32;
    case P_PTC_WINDOW:
        return min ? (3ULL * 8) << 32 | 16 : (3ULL * 32) << 32 | 512;
    }
    return 0;
}

size_t bv_layout_fixed_size(bv_kind k, uint64_t param)
{
    switch (k) {
    case K_U64:
        return 8;
    case K_B32:
        return 32;
    case K_FORK:
        return 16;
    case K_HEADER:
        return 112;
    case K_ETH1DATA:
        return 72;
    case K_CHECKPOINT:
        return 40;
    case K_BITVECTOR4:
        return 1;
    case K_VEC_B32:
        return 32 * (size_t)param;
    case K_VEC_U64:
        return 8 * (size_t)param;
    case K_SYNC_COMMITTEE:
        return 48 * (size_t)param + 48;
    case K_BITVECTOR:
        return (size_t)param / 8;
    case K_VEC_BUILDER_PP:
        return 52 * (size_t)param;
    case K_PTC_WINDOW:
        return 8 * (size_t)(param >> 32) * (size_t)(param & 0xFFFFFFFFu);
    default:
        return 4;
    }
}
