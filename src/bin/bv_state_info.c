/*
 * bv_state_info - print the key figures of a serialized BeaconState as JSON:
 * fork, preset, slot, validator count, state root, validators root, balances
 * root, latest block header root and the derived block root.
 *
 * usage: bv_state_info [--fork F] [--preset P] [--wc 0x..[,0x..]] STATE.ssz
 * With --wc, also the count and balance sums of the validators with those
 * credentials (all, and active at the state's epoch).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/beacon_state.h"
#include "balverify/input.h"
#include "balverify/ssz.h"
#include "balverify/validator.h"

static const char *prog = "bv_state_info";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s [--fork phase0|...|fulu|auto] [--preset mainnet|minimal|auto] "
            "[--wc 0x<64 hex>[,...]] STATE.ssz\n",
            prog);
}

static void put_root(const char *key, const uint8_t r[32], int last)
{
    char hex[67];
    bv_hex_encode(hex, r, 32);
    printf("  \"%s\": \"%s\"%s\n", key, hex, last ? "" : ",");
}

int main(int argc, char **argv)
{
    bv_status st;
    bv_status_clear(&st);
    bv_fork fork = BV_FORK_AUTO;
    bv_preset preset = BV_PRESET_AUTO;
    const char *path = NULL, *wcs = NULL;
    bv_err e = BV_OK;
    for (int i = 1; i < argc && e == BV_OK; i++) {
        if (!strcmp(argv[i], "--fork") && i + 1 < argc)
            e = bv_fork_from_name(argv[++i], &fork, &st);
        else if (!strcmp(argv[i], "--preset") && i + 1 < argc)
            e = bv_preset_from_name(argv[++i], &preset, &st);
        else if (!strcmp(argv[i], "--wc") && i + 1 < argc)
            wcs = argv[++i];
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (argv[i][0] == '-' || path)
            e = bv_fail(&st, BV_ERR_ARG, "unexpected argument '%s'", argv[i]);
        else
            path = argv[i];
    }
    if (e == BV_OK && !path)
        e = bv_fail(&st, BV_ERR_ARG, "no state file given");
    uint8_t wc[BV_MAX_CREDENTIALS][32];
    size_t nwc = 0;
    if (e == BV_OK && wcs)
        e = bv_parse_withdrawal_credentials(wcs, wc, BV_MAX_CREDENTIALS, &nwc, &st);
    if (e != BV_OK) {
        fprintf(stderr, "%s: error: %s\n", prog, st.msg);
        if (e == BV_ERR_ARG)
            usage(stderr);
        return bv_exit_code(e);
    }
    bv_beacon_state s;
    bv_state_roots r;
    e = bv_state_load_file(&s, path, fork, preset, &st);
    if (e == BV_OK)
        e = bv_state_hash(&s, &r, &st);
    if (e != BV_OK) {
        fprintf(stderr, "%s: error: %s\n", prog, st.msg);
        return bv_exit_code(e);
    }
    uint8_t hdr[BV_SSZ_HEADER_SIZE], lbh_root[32], block_root[32];
    bv_ssz_header_root(lbh_root, s.latest_block_header);
    bv_state_block_header(&s, &r, hdr);
    bv_ssz_header_root(block_root, hdr);
    uint64_t epoch = s.slot / bv_slots_per_epoch(s.preset);
    unsigned __int128 total = 0;
    for (uint64_t i = 0; i < s.balance_count; i++)
        total += bv_state_balance(&s, i);

    printf("{\n");
    printf("  \"fork\": \"%s\",\n", bv_fork_name(s.fork));
    printf("  \"preset\": \"%s\",\n", bv_preset_name(s.preset));
    printf("  \"slot\": %llu,\n", (unsigned long long)s.slot);
    printf("  \"epoch\": %llu,\n", (unsigned long long)epoch);
    printf("  \"validator_count\": %llu,\n", (unsigned long long)s.validator_count);
    printf("  \"balances_sum_gwei\": \"%llu\",\n", (unsigned long long)(uint64_t)total);
    put_root("state_root", r.state_root, 0);
    put_root("validators_root", r.field[BV_FIELD_VALIDATORS], 0);
    put_root("balances_root", r.field[BV_FIELD_BALANCES], 0);
    put_root("latest_block_header_root", lbh_root, 0);
    printf("  \"balance_count\": %llu,\n", (unsigned long long)s.balance_count);
    if (nwc && s.balance_count == s.validator_count) {
        uint64_t count = 0, active = 0;
        unsigned __int128 sum = 0, asum = 0;
        for (uint64_t i = 0; i < s.validator_count; i++) {
            const uint8_t *rec = bv_state_validator(&s, i);
            int match = 0;
            for (size_t k = 0; k < nwc && !match; k++)
                match = memcmp(bv_rec_wc(rec), wc[k], 32) == 0;
            if (!match)
                continue;
            uint64_t b = bv_state_balance(&s, i);
            count++;
            sum += b;
            if (bv_validator_status3(bv_rec_activation_epoch(rec), bv_rec_exit_epoch(rec), epoch) ==
                BV_VSTATUS_ACTIVE) {
                active++;
                asum += b;
            }
        }
        printf("  \"wc_count\": %llu,\n", (unsigned long long)count);
        printf("  \"wc_balances_sum_gwei\": \"%llu\",\n", (unsigned long long)(uint64_t)sum);
        printf("  \"wc_active_count\": %llu,\n", (unsigned long long)active);
        printf("  \"wc_active_balances_sum_gwei\": \"%llu\",\n",
               (unsigned long long)(uint64_t)asum);
    }
    put_root("block_root", block_root, 1);
    printf("}\n");
    bv_state_free(&s);
    return 0;
}
