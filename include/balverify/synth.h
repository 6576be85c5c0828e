/*
 * synth.h - reproducible synthetic BeaconStates (any fork phase0..gloas,
 * mainnet or minimal preset) for tests, benchmarks and the default input.
 *
 * Invariants:
 *  - Output is a valid serialized BeaconState of the requested fork and
 *    preset (every fixed field at its preset size, every list within its
 *    limit); bv_state_parse() accepts it and detects the same fork/preset.
 *  - The bytes depend only on the parameters: same params => same bytes on
 *    every machine (a counter-based generator seeded by `seed`; no libc rand).
 *  - Validator mix (fractions of the count, each decided per validator from
 *    the seed): ~30% use one of `shared_credentials` shared "protocol"
 *    credentials (0x01 prefix; from electra on, ~1/4 of those switched to
 *    0x02, keeping bytes 1..31), the rest unique 0x00 BLS or 0x01 credentials
 *    (0x02 also possible from electra); ~85% active, ~5% pending (queued or
 *    initialized), ~7% exited, ~3% slashed; balances around 32 ETH with
 *    rewards/penalties, exited-and-withdrawn ones at 0, compounding ones up
 *    to 2048 ETH.
 *  - The synthetic protocol credentials are bv_synth_credential(seed, j).
 *  - Default slot: 1000..1999 epochs after the fork's mainnet activation;
 *    Gloas, which has no mainnet epoch, is placed at epoch 450000.
 */
#ifndef BALVERIFY_SYNTH_H
#define BALVERIFY_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/beacon_state.h"
#include "balverify/status.h"

typedef struct {
    bv_fork fork;        /* phase0..gloas (default deneb) */
    bv_preset preset;    /* default mainnet */
    uint64_t validators; /* registry size */
    uint64_t seed;
    uint64_t slot;               /* 0 = choose a slot inside the fork's mainnet epoch range */
    unsigned shared_credentials; /* number of shared protocol credentials (default 3) */
} bv_synth_params;

void bv_synth_defaults(bv_synth_params *p);
/* Shared credential j (0 <= j < shared_credentials) for this seed. */
void bv_synth_credential(uint64_t seed, unsigned j, uint8_t wc[32]);
/* Generate; *out is malloc'd (free()), *size its length. */
bv_err bv_synth_state(const bv_synth_params *p, uint8_t **out, size_t *size, bv_status *st);

#endif
