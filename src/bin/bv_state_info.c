/*
 * bv_state_info - print the key figures of a serialized BeaconState as JSON:
 * fork, preset, slot, validator count, state root, validators root, balances
 * root, latest block header root and the derived block root.
 *
 * usage: bv_state_info [--fork F] [--preset P] [--wc 0x..[,0x..]] STATE.ssz
 * With --wc, also the count and balance sums of the validators with those
 * credentials (all, and active at the state's epoch).
 * --branches adds the Merkle branches (bottom-up) of slot, latest_block_header,
 * validators and balances, to the state root and to the block root.
 * --progressive adds the Gloas (ProgressiveList) roots of the same registry
 * and the progressive branch of validator / balance chunk INDEX (default 0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/beacon_state.h"
#include "balverify/input.h"
#include "balverify/ssz.h"
#include "balverify/util_hex.h"
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

static void put_chunks(const uint8_t *c, unsigned n)
{
    printf("[");
    for (unsigned i = 0; i < n; i++) {
        char hex[67];
        bv_hex_encode(hex, c + 32 * i, 32);
        printf("%s\"%s\"", i ? ", " : "", hex);
    }
    printf("]");
}

static bv_err print_branches(const bv_beacon_state *s, const bv_state_roots *r,
                             const uint8_t hdr[BV_SSZ_HEADER_SIZE], bv_status *st)
{
    static const unsigned fields[] = {BV_FIELD_SLOT, BV_FIELD_LATEST_BLOCK_HEADER,
                                      BV_FIELD_VALIDATORS, BV_FIELD_BALANCES};
    for (unsigned k = 0; k < 4; k++) {
        uint8_t br[16 * 32];
        unsigned depth;
        uint64_t g;
        bv_err e = bv_state_field_branch(r, fields[k], br, &depth, &g, st);
        if (e != BV_OK)
            return e;
        printf("  \"state_branch_%s\": {\"gindex\": %llu, \"branch\": ",
               bv_state_field_name(s->fork, fields[k]), (unsigned long long)g);
        put_chunks(br, depth);
        printf("},\n");
        e = bv_state_block_branch(r, hdr, fields[k], br, &depth, &g, st);
        if (e != BV_OK)
            return e;
        printf("  \"block_branch_%s\": {\"gindex\": %llu, \"branch\": ",
               bv_state_field_name(s->fork, fields[k]), (unsigned long long)g);
        put_chunks(br, depth);
        printf("},\n");
    }
    return BV_OK;
}

/* Gloas hashing of this registry: validators and balances as ProgressiveLists. */
static bv_err print_progressive(const bv_beacon_state *s, uint64_t index, bv_status *st)
{
    uint64_t n = s->validator_count, nb = s->balance_count;
    uint64_t nchunks = (nb + 3) / 4;
    uint8_t *vroots = malloc((n ? n : 1) * 32), *bchunks = calloc(nchunks ? nchunks : 1, 32);
    bv_err e = BV_OK;
    if (!vroots || !bchunks)
        e = bv_fail(st, BV_ERR_NOMEM, "no memory");
    uint8_t vroot[32], broot[32], br[40 * 32];
    unsigned nbr = 0;
    if (e == BV_OK) {
        bv_ssz_validator_roots(vroots, s->validators, n);
        memcpy(bchunks, s->balances, nb * 8);
        e = bv_ssz_merkleize_progressive(vroot, vroots, n, st);
    }
    if (e == BV_OK) {
        bv_ssz_mix_in_length(vroot, vroot, n);
        e = bv_ssz_merkleize_progressive(broot, bchunks, nchunks, st);
    }
    if (e == BV_OK) {
        bv_ssz_mix_in_length(broot, broot, nb);
        put_root("progressive_validators_root", vroot, 0);
        put_root("progressive_balances_root", broot, 0);
        if (index < n)
            e = bv_ssz_progressive_branch(br, &nbr, vroots, n, index, st);
    }
    if (e == BV_OK && index < n) {
        bv_ssz_uint64_leaf(br + 32 * nbr, n);
        printf("  \"progressive_validator_branch\": {\"index\": %llu, \"gindex\": %llu, "
               "\"branch\": ",
               (unsigned long long)index,
               (unsigned long long)bv_ssz_progressive_gindex(index, NULL));
        put_chunks(br, nbr + 1);
        printf("},\n");
    }
    if (e == BV_OK && index / 4 < nchunks) {
        e = bv_ssz_progressive_branch(br, &nbr, bchunks, nchunks, index / 4, st);
        if (e == BV_OK) {
            bv_ssz_uint64_leaf(br + 32 * nbr, nb);
            printf("  \"progressive_balance_branch\": {\"index\": %llu, \"gindex\": %llu, "
                   "\"branch\": ",
                   (unsigned long long)(index / 4),
                   (unsigned long long)bv_ssz_progressive_gindex(index / 4, NULL));
            put_chunks(br, nbr + 1);
            printf("},\n");
        }
    }
    if (e == BV_OK) {
        printf("  \"gloas_field_gindex\": {");
        for (unsigned f = 0; f < bv_state_field_count(BV_FORK_GLOAS); f++)
            printf("%s\"%s\": %llu", f ? ", " : "", bv_state_field_name(BV_FORK_GLOAS, f),
                   (unsigned long long)bv_state_field_gindex(BV_FORK_GLOAS, f, NULL));
        printf("},\n");
    }
    free(vroots);
    free(bchunks);
    return e;
}

int main(int argc, char **argv)
{
    bv_status st;
    bv_status_clear(&st);
    bv_fork fork = BV_FORK_AUTO;
    bv_preset preset = BV_PRESET_AUTO;
    const char *path = NULL, *wcs = NULL;
    int branches = 0, progressive = 0;
    uint64_t pindex = 0;
    bv_err e = BV_OK;
    for (int i = 1; i < argc && e == BV_OK; i++) {
        if (!strcmp(argv[i], "--fork") && i + 1 < argc)
            e = bv_fork_from_name(argv[++i], &fork, &st);
        else if (!strcmp(argv[i], "--preset") && i + 1 < argc)
            e = bv_preset_from_name(argv[++i], &preset, &st);
        else if (!strcmp(argv[i], "--wc") && i + 1 < argc)
            wcs = argv[++i];
        else if (!strcmp(argv[i], "--branches"))
            branches = 1;
        else if (!strcmp(argv[i], "--progressive") && i + 1 < argc) {
            progressive = 1;
            pindex = strtoull(argv[++i], NULL, 10);
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
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
    if (branches && e == BV_OK)
        e = print_branches(&s, &r, hdr, &st);
    if (progressive && e == BV_OK)
        e = print_progressive(&s, pindex, &st);
    if (e != BV_OK) {
        fprintf(stderr, "%s: error: %s\n", prog, st.msg);
        bv_state_free(&s);
        return bv_exit_code(e);
    }
    put_root("block_root", block_root, 1);
    printf("}\n");
    bv_state_free(&s);
    return 0;
}
