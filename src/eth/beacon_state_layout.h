/*
 * beacon_state_layout.h - per-fork BeaconState field tables (internal).
 *
 * One entry per field in tree order (spec/CONSENSUS.md section 4). A field's
 * kind says how it serializes and hashes; `param` is its length or limit,
 * resolved against the preset by bv_layout_param().
 */
#ifndef BV_ETH_BEACON_STATE_LAYOUT_H
#define BV_ETH_BEACON_STATE_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/beacon_state.h"

typedef enum {
    K_U64,            /* uint64 */
    K_B32,            /* Bytes32 */
    K_FORK,           /* Fork (16 bytes) */
    K_HEADER,         /* BeaconBlockHeader (112) */
    K_ETH1DATA,       /* Eth1Data (72) */
    K_CHECKPOINT,     /* Checkpoint (40) */
    K_BITVECTOR4,     /* justification_bits (1 byte) */
    K_VEC_B32,        /* Vector[Bytes32, P] */
    K_VEC_U64,        /* Vector[uint64, P] */
    K_SYNC_COMMITTEE, /* SyncCommittee with P pubkeys */
    K_BITVECTOR,      /* Bitvector[P] (P a multiple of 8) */
    K_VEC_BUILDER_PP, /* Vector[BuilderPendingPayment, P] (gloas) */
    K_PTC_WINDOW,     /* Vector[Vector[uint64, PTC], W], P = W << 32 | PTC (gloas) */
    /* variable-size kinds from here on */
    K_LIST_B32,          /* List[Bytes32, P] */
    K_LIST_U64,          /* List[uint64, P] */
    K_LIST_U8,           /* List[uint8, P] */
    K_LIST_ETH1DATA,     /* List[Eth1Data, P] */
    K_LIST_VALIDATOR,    /* List[Validator, P] */
    K_LIST_HIST_SUMMARY, /* List[HistoricalSummary, P] */
    K_LIST_PENDING_DEP,  /* List[PendingDeposit, P] */
    K_LIST_PENDING_PW,   /* List[PendingPartialWithdrawal, P] */
    K_LIST_PENDING_CONS, /* List[PendingConsolidation, P] */
    K_LIST_PENDING_ATT,  /* List[PendingAttestation, P] (phase0) */
    K_EPH,               /* ExecutionPayloadHeader (variant by fork) */
    /* gloas: progressive lists (no limit) and the execution payload bid */
    K_PLIST_VALIDATOR,
    K_PLIST_U64,
    K_PLIST_U8,
    K_PLIST_PENDING_DEP,
    K_PLIST_PENDING_PW,
    K_PLIST_PENDING_CONS,
    K_PLIST_BUILDER,    /* ProgressiveList[Builder] */
    K_PLIST_BUILDER_PW, /* ProgressiveList[BuilderPendingWithdrawal] */
    K_PLIST_WITHDRAWAL, /* ProgressiveList[Withdrawal] */
    K_BID,              /* ExecutionPayloadBid (ProgressiveContainer, 12 fields) */
} bv_kind;

/* Preset-dependent sizes. */
typedef enum {
    P_NONE = 0,
    P_SLOTS_PER_HISTORICAL_ROOT,
    P_HISTORICAL_ROOTS_LIMIT,
    P_ETH1_VOTES,
    P_EPOCHS_PER_HISTORICAL_VECTOR,
    P_EPOCHS_PER_SLASHINGS_VECTOR,
    P_PENDING_ATTESTATIONS,
    P_REGISTRY_LIMIT,
    P_SYNC_COMMITTEE_SIZE,
    P_PENDING_DEPOSITS_LIMIT,
    P_PENDING_PARTIAL_WITHDRAWALS_LIMIT,
    P_PENDING_CONSOLIDATIONS_LIMIT,
    P_PROPOSER_LOOKAHEAD,
    P_BUILDER_PENDING_PAYMENTS, /* 2 * SLOTS_PER_EPOCH */
    P_PTC_WINDOW,               /* (2 + MIN_SEED_LOOKAHEAD) * SLOTS_PER_EPOCH << 32 | PTC_SIZE */
} bv_param;

typedef struct {
    const char *name;
    bv_kind kind;
    bv_param param;
} bv_field_desc;

/* Fields of a fork (phase0..fulu have kinds; gloas names only). */
const bv_field_desc *bv_layout_fields(bv_fork fork, unsigned *count);
uint64_t bv_layout_param(bv_preset preset, bv_param p);
/* Serialized size of a fixed-size kind (4 = offset for variable kinds). */
size_t bv_layout_fixed_size(bv_kind k, uint64_t param);
static inline int bv_kind_is_variable(bv_kind k)
{
    return k >= K_LIST_B32;
}

#endif
