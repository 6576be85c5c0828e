/* test_beacon_state.c - BeaconState layouts, parsing, hashing and branches
 * (include/balverify/beacon_state.h): published mainnet genesis roots,
 * pectra devnet genesis, every chainsafe phase0 spec-test case, the
 * Electra-layout spec-test case, malformed input, synthetic states. */
/* Paths are built in fixed buffers from fixture directories; truncation
 * would only make a file "missing", which the tests report. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include "cu_main.h"

#include <dirent.h>
#include <stdint.h>
#include <unistd.h>

#include "balverify/beacon_state.h"
#include "balverify/input.h"
#include "balverify/ssz.h"
#include "balverify/synth.h"
#include "balverify/util_bytes.h"
#include "balverify/util_hex.h"
#include "balverify/validator.h"

static void hex32(uint8_t out[32], const char *hex)
{
    CU_ASSERT_FATAL(bv_hex_decode(out, 32, hex, NULL) == BV_OK);
}

static void test_layout_constants(void)
{
    /* spec/CONSENSUS.md section 4: fixed-part sizes */
    CU_ASSERT_EQUAL(bv_state_fixed_size(BV_FORK_PHASE0, BV_PRESET_MAINNET), 2687377);
    CU_ASSERT_EQUAL(bv_state_fixed_size(BV_FORK_ALTAIR, BV_PRESET_MAINNET), 2736629);
    CU_ASSERT_EQUAL(bv_state_fixed_size(BV_FORK_BELLATRIX, BV_PRESET_MAINNET), 2736633);
    CU_ASSERT_EQUAL(bv_state_fixed_size(BV_FORK_CAPELLA, BV_PRESET_MAINNET), 2736653);
    CU_ASSERT_EQUAL(bv_state_fixed_size(BV_FORK_DENEB, BV_PRESET_MAINNET), 2736653);
    CU_ASSERT_EQUAL(bv_state_fixed_size(BV_FORK_ELECTRA, BV_PRESET_MAINNET), 2736713);
    CU_ASSERT_EQUAL(bv_state_fixed_size(BV_FORK_FULU, BV_PRESET_MAINNET), 2737225);
    CU_ASSERT_EQUAL(bv_state_fixed_size(BV_FORK_PHASE0, BV_PRESET_MINIMAL), 7057);
    CU_ASSERT_EQUAL(bv_state_fixed_size(BV_FORK_ELECTRA, BV_PRESET_MINIMAL), 10313);
    CU_ASSERT_EQUAL(bv_state_fixed_size(BV_FORK_FULU, BV_PRESET_MINIMAL), 10441);
    /* Gloas (types of consensus-specs v1.7.0-alpha / @lodestar/types 1.50.0) */
    CU_ASSERT_EQUAL(bv_state_fixed_size(BV_FORK_GLOAS, BV_PRESET_MAINNET), 3134845);
    CU_ASSERT_EQUAL(bv_state_fixed_size(BV_FORK_GLOAS, BV_PRESET_MINIMAL), 14405);
    /* field counts and gindices */
    static const unsigned nf[] = {21, 24, 25, 28, 28, 37, 38, 46};
    for (int f = 0; f < BV_FORK_COUNT; f++)
        CU_ASSERT_EQUAL(bv_state_field_count((bv_fork)f), nf[f]);
    unsigned d;
    CU_ASSERT_EQUAL(bv_state_field_gindex(BV_FORK_DENEB, BV_FIELD_VALIDATORS, &d), 43);
    CU_ASSERT_EQUAL(d, 5);
    CU_ASSERT_EQUAL(bv_state_field_gindex(BV_FORK_DENEB, BV_FIELD_BALANCES, NULL), 44);
    CU_ASSERT_EQUAL(bv_state_field_gindex(BV_FORK_PHASE0, BV_FIELD_SLOT, NULL), 34);
    CU_ASSERT_EQUAL(bv_state_field_gindex(BV_FORK_ELECTRA, BV_FIELD_VALIDATORS, &d), 75);
    CU_ASSERT_EQUAL(d, 6);
    CU_ASSERT_EQUAL(bv_state_field_gindex(BV_FORK_FULU, BV_FIELD_BALANCES, NULL), 76);
    CU_ASSERT_EQUAL(bv_state_field_gindex(BV_FORK_FULU, BV_FIELD_LATEST_BLOCK_HEADER, NULL), 68);
    CU_ASSERT_EQUAL(bv_state_field_gindex(BV_FORK_GLOAS, BV_FIELD_SLOT, NULL), 41);
    CU_ASSERT_EQUAL(bv_state_field_gindex(BV_FORK_GLOAS, BV_FIELD_LATEST_BLOCK_HEADER, NULL), 43);
    CU_ASSERT_EQUAL(bv_state_field_gindex(BV_FORK_GLOAS, BV_FIELD_VALIDATORS, NULL), 358);
    CU_ASSERT_EQUAL(bv_state_field_gindex(BV_FORK_GLOAS, BV_FIELD_BALANCES, NULL), 359);
    int fin = bv_state_field_index(BV_FORK_GLOAS, "finalized_checkpoint");
    CU_ASSERT_EQUAL(fin, 20);
    CU_ASSERT_EQUAL(bv_state_field_gindex(BV_FORK_GLOAS, (unsigned)fin, NULL), 367);
    int pl = bv_state_field_index(BV_FORK_GLOAS, "proposer_lookahead");
    CU_ASSERT_EQUAL(bv_state_field_gindex(BV_FORK_GLOAS, (unsigned)pl, NULL), 2960);
    CU_ASSERT_EQUAL(bv_state_field_index(BV_FORK_PHASE0, "inactivity_scores"), -1);
    CU_ASSERT_EQUAL(bv_state_field_index(BV_FORK_ALTAIR, "inactivity_scores"), 21);
    CU_ASSERT_STRING_EQUAL(bv_state_field_name(BV_FORK_FULU, 37), "proposer_lookahead");
    bv_fork f;
    CU_ASSERT_EQUAL(bv_fork_from_name("electra", &f, NULL), BV_OK);
    CU_ASSERT_EQUAL(f, BV_FORK_ELECTRA);
    bv_status st;
    CU_ASSERT_EQUAL(bv_fork_from_name("pectra", &f, &st), BV_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "pectra"));
}

/* Check a whole-state fixture against its expected.txt ("key value provenance"). */
static void check_expected(const char *dir, bv_fork want_fork)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/genesis.ssz", dir);
    bv_beacon_state s;
    bv_status st;
    CU_ASSERT_FATAL(bv_state_load_file(&s, path, BV_FORK_AUTO, BV_PRESET_AUTO, &st) == BV_OK);
    CU_ASSERT_EQUAL(s.fork, want_fork);
    CU_ASSERT_EQUAL(s.preset, BV_PRESET_MAINNET);
    CU_ASSERT_EQUAL(bv_state_check_registry(&s, &st), BV_OK);
    bv_state_roots r;
    CU_ASSERT_FATAL(bv_state_hash(&s, &r, &st) == BV_OK);

    snprintf(path, sizeof path, "%s/expected.txt", dir);
    FILE *f = fopen(path, "r");
    CU_ASSERT_FATAL(f != NULL);
    char line[1024];
    int checked = 0;
    uint64_t epoch = s.slot / 32;
    while (fgets(line, sizeof line, f)) {
        char key[512], val[256];
        if (line[0] == '#' || sscanf(line, "%511s %255s", key, val) != 2)
            continue;
        uint8_t want[32], got[32];
        if (!strcmp(key, "state_root") || !strcmp(key, "validators_root") ||
            !strcmp(key, "balances_root") || !strcmp(key, "latest_block_header_root") ||
            !strcmp(key, "validator0_root")) {
            hex32(want, val);
            if (!strcmp(key, "state_root"))
                memcpy(got, r.state_root, 32);
            else if (!strcmp(key, "validators_root"))
                memcpy(got, r.field[BV_FIELD_VALIDATORS], 32);
            else if (!strcmp(key, "balances_root"))
                memcpy(got, r.field[BV_FIELD_BALANCES], 32);
            else if (!strcmp(key, "latest_block_header_root"))
                bv_ssz_header_root(got, s.latest_block_header);
            else
                bv_ssz_validator_root(got, bv_state_validator(&s, 0));
            if (memcmp(want, got, 32) != 0)
                printf("\n    mismatch: %s\n", key);
            CU_ASSERT_EQUAL(memcmp(want, got, 32), 0);
            checked++;
            continue;
        }
        uint64_t wantn = strtoull(val, NULL, 10), gotn = 0;
        uint64_t count = 0, active = 0, sum = 0, asum = 0, aeff = 0;
        const char *wc_hex = NULL;
        uint8_t wc[32];
        if (!strncmp(key, "wc_0x", 5)) {
            key[5 + 64] = 0;
            wc_hex = key + 3;
            hex32(wc, wc_hex);
        }
        for (uint64_t i = 0; i < s.validator_count; i++) {
            const uint8_t *rec = bv_state_validator(&s, i);
            if (wc_hex && memcmp(bv_rec_wc(rec), wc, 32) != 0)
                continue;
            uint64_t b = bv_state_balance(&s, i);
            count++;
            sum += b;
            if (bv_validator_status3(bv_rec_activation_epoch(rec), bv_rec_exit_epoch(rec), epoch) ==
                BV_VSTATUS_ACTIVE) {
                active++;
                asum += b;
                aeff += bv_rec_effective_balance(rec);
            }
        }
        const char *tail = wc_hex ? key + 5 + 64 + 1 : key;
        if (!strcmp(key, "slot"))
            gotn = s.slot;
        else if (!strcmp(key, "epoch"))
            gotn = epoch;
        else if (!strcmp(key, "file_bytes"))
            gotn = s.size;
        else if (!strcmp(tail, "count") || !strcmp(key, "validator_count"))
            gotn = count;
        else if (!strcmp(key, "active_validator_count"))
            gotn = active;
        else if (!strcmp(key, "balances_sum_gwei"))
            gotn = sum;
        else if (!strcmp(tail, "active_balances_sum_gwei"))
            gotn = asum;
        else if (!strcmp(key, "active_effective_balance_sum_gwei"))
            gotn = aeff;
        else
            continue; /* fork, preset: checked above */
        if (wantn != gotn)
            printf("\n    mismatch: %s want %llu got %llu\n", key, (unsigned long long)wantn,
                   (unsigned long long)gotn);
        CU_ASSERT_EQUAL(wantn, gotn);
        checked++;
    }
    fclose(f);
    CU_ASSERT(checked >= 14);

    /* Branches: every field to the state root, key fields to the block root. */
    for (unsigned fi = 0; fi < r.nfields; fi++) {
        uint8_t br[16 * 32];
        unsigned depth;
        uint64_t g;
        CU_ASSERT_EQUAL(bv_state_field_branch(&r, fi, br, &depth, &g, &st), BV_OK);
        CU_ASSERT_TRUE(bv_ssz_verify_branch(r.field[fi], br, depth, g, r.state_root));
    }
    uint8_t hdr[112], block_root[32];
    bv_state_block_header(&s, &r, hdr);
    CU_ASSERT_EQUAL(memcmp(hdr + 48, r.state_root, 32), 0);
    bv_ssz_header_root(block_root, hdr);
    uint8_t hb[3][32];
    bv_header_branch(hdr, 3, hb);
    CU_ASSERT_TRUE(bv_ssz_verify_branch(r.state_root, hb[0], 3, 11, block_root));
    uint8_t br[16 * 32];
    unsigned depth;
    uint64_t g;
    CU_ASSERT_EQUAL(bv_state_block_branch(&r, hdr, BV_FIELD_VALIDATORS, br, &depth, &g, &st),
                    BV_OK);
    CU_ASSERT_EQUAL(g, 363);
    CU_ASSERT_TRUE(bv_ssz_verify_branch(r.field[BV_FIELD_VALIDATORS], br, depth, g, block_root));
    CU_ASSERT_EQUAL(bv_state_block_branch(&r, hdr, BV_FIELD_BALANCES, br, &depth, &g, &st), BV_OK);
    CU_ASSERT_EQUAL(g, 364);
    CU_ASSERT_TRUE(bv_ssz_verify_branch(r.field[BV_FIELD_BALANCES], br, depth, g, block_root));

    /* Sub-range hashing (what MPI ranks do) recombines to the field roots. */
    for (unsigned k = 8; k <= 14; k += 3) {
        uint64_t n = s.validator_count, span = 1ULL << k, nsub = (n + span - 1) / span;
        uint8_t *roots = malloc(32 * nsub);
        for (uint64_t j = 0; j < nsub; j++) {
            uint64_t m = n - j * span < span ? n - j * span : span;
            CU_ASSERT_EQUAL(bv_ssz_validators_subtree(roots + 32 * j,
                                                      bv_state_validator(&s, j * span), m, k, NULL),
                            BV_OK);
        }
        uint8_t comb[32];
        bv_ssz_merkleize_nodes(comb, roots, nsub, k, 40, NULL);
        bv_ssz_mix_in_length(comb, comb, n);
        CU_ASSERT_EQUAL(memcmp(comb, r.field[BV_FIELD_VALIDATORS], 32), 0);
        free(roots);
    }
    bv_state_free(&s);
}

static void test_mainnet_genesis(void)
{
    const char *dir = bv_fixture_path("lighthouse-mainnet-genesis");
    if (!dir)
        BV_SKIP("fixtures/lighthouse-mainnet-genesis absent");
    char d[4096];
    snprintf(d, sizeof d, "%s", dir);
    check_expected(d, BV_FORK_PHASE0);
}

static void test_pectra_devnet_genesis(void)
{
    const char *dir = bv_fixture_path("ethpandaops-pectra-devnet-0-genesis");
    if (!dir)
        BV_SKIP("fixtures/ethpandaops-pectra-devnet-0-genesis absent");
    char d[4096];
    snprintf(d, sizeof d, "%s", dir);
    check_expected(d, BV_FORK_DENEB);
    /* the upstream-published file */
    char path[4096];
    snprintf(path, sizeof path, "%s/genesis_validators_root.txt", d);
    uint8_t *txt;
    size_t n;
    CU_ASSERT_FATAL(bv_read_file(path, &txt, &n, NULL) == BV_OK);
    while (n && (txt[n - 1] == '\n' || txt[n - 1] == '\r' || txt[n - 1] == ' '))
        txt[--n] = 0;
    uint8_t want[32], got[32];
    hex32(want, (char *)txt);
    free(txt);
    bv_beacon_state s;
    snprintf(path, sizeof path, "%s/genesis.ssz", d);
    CU_ASSERT_FATAL(bv_state_load_file(&s, path, BV_FORK_DENEB, BV_PRESET_MAINNET, NULL) == BV_OK);
    CU_ASSERT_EQUAL(bv_state_field_root(&s, BV_FIELD_VALIDATORS, got, NULL), BV_OK);
    CU_ASSERT_EQUAL(memcmp(want, got, 32), 0);
    /* genesis_validators_root field of the state itself */
    CU_ASSERT_EQUAL(memcmp(want, s.data + s.field_off[BV_FIELD_GENESIS_VALIDATORS_ROOT], 32), 0);
    bv_state_free(&s);
}

/* Run fn on every case directory under fixtures/chainsafe.../TYPE. */
static int for_each_case(const char *type, void (*fn)(const char *dir, int *ok))
{
    char rel[256];
    snprintf(rel, sizeof rel, "chainsafe-eth2-spec-tests-0.12.3/%s", type);
    const char *base0 = bv_fixture_path(rel);
    if (!base0)
        return -1;
    char base[4096];
    snprintf(base, sizeof base, "%s", base0);
    int cases = 0, ok = 0;
    DIR *modes = opendir(base);
    struct dirent *m;
    while (modes && (m = readdir(modes))) {
        if (m->d_name[0] == '.')
            continue;
        char mdir[4352];
        snprintf(mdir, sizeof mdir, "%s/%s", base, m->d_name);
        DIR *cs = opendir(mdir);
        struct dirent *c;
        while (cs && (c = readdir(cs))) {
            if (strncmp(c->d_name, "case_", 5) != 0)
                continue;
            char cdir[4608];
            snprintf(cdir, sizeof cdir, "%s/%s", mdir, c->d_name);
            cases++;
            fn(cdir, &ok);
        }
        if (cs)
            closedir(cs);
    }
    if (modes)
        closedir(modes);
    CU_ASSERT_EQUAL(ok, cases);
    return cases;
}

static int read_case(const char *dir, uint8_t **data, size_t *n, uint8_t root[32])
{
    char path[4700];
    snprintf(path, sizeof path, "%s/serialized.ssz", dir);
    if (bv_read_file(path, data, n, NULL) != BV_OK)
        return 0;
    snprintf(path, sizeof path, "%s/roots.yaml", dir);
    uint8_t *y;
    size_t yn;
    if (bv_read_file(path, &y, &yn, NULL) != BV_OK)
        return 0;
    const char *h = strstr((char *)y, "0x");
    char hex[67];
    int good = h && strlen(h) >= 66;
    if (good) {
        memcpy(hex, h, 66);
        hex[66] = 0;
        good = bv_hex_decode(root, 32, hex, NULL) == BV_OK;
    }
    free(y);
    return good;
}

static void state_case(const char *dir, int *ok)
{
    uint8_t *data, want[32];
    size_t n;
    CU_ASSERT_FATAL(read_case(dir, &data, &n, want));
    bv_beacon_state s;
    bv_state_roots r;
    bv_status st;
    bv_err e = bv_state_parse(&s, data, n, BV_FORK_AUTO, BV_PRESET_AUTO, &st);
    if (e == BV_OK) {
        CU_ASSERT_EQUAL(s.fork, BV_FORK_PHASE0);
        CU_ASSERT_EQUAL(s.preset, BV_PRESET_MINIMAL);
        e = bv_state_hash(&s, &r, &st);
    }
    if (e == BV_OK && memcmp(r.state_root, want, 32) == 0)
        (*ok)++;
    else
        printf("\n    %s: %s\n", dir, e == BV_OK ? "root mismatch" : st.msg);
    free(data);
}

static void validator_case(const char *dir, int *ok)
{
    uint8_t *data, want[32], got[32];
    size_t n;
    CU_ASSERT_FATAL(read_case(dir, &data, &n, want));
    CU_ASSERT_EQUAL(n, 121);
    bv_ssz_validator_root(got, data);
    if (n == 121 && memcmp(got, want, 32) == 0)
        (*ok)++;
    free(data);
}

static void header_case(const char *dir, int *ok)
{
    uint8_t *data, want[32], got[32];
    size_t n;
    CU_ASSERT_FATAL(read_case(dir, &data, &n, want));
    CU_ASSERT_EQUAL(n, 112);
    bv_ssz_header_root(got, data);
    if (n == 112 && memcmp(got, want, 32) == 0)
        (*ok)++;
    free(data);
}

static void test_spec_cases(void)
{
    int a = for_each_case("BeaconState", state_case);
    if (a < 0)
        BV_SKIP("fixtures/chainsafe-eth2-spec-tests-0.12.3 absent");
    int b = for_each_case("Validator", validator_case);
    int c = for_each_case("BeaconBlockHeader", header_case);
    CU_ASSERT_EQUAL(a, 123);
    CU_ASSERT_EQUAL(b, 123);
    CU_ASSERT_EQUAL(c, 123);
}

static void test_electra_layout_case(void)
{
    const char *d0 = bv_fixture_path("consensus-spec-tests-minimal-electra-layout/"
                                     "fulu_BeaconState_ssz_one_case_3");
    if (!d0)
        BV_SKIP("fixtures/consensus-spec-tests-minimal-electra-layout absent");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", d0);
    uint8_t *data, want[32];
    size_t n;
    CU_ASSERT_FATAL(read_case(dir, &data, &n, want));
    bv_beacon_state s;
    bv_state_roots r;
    CU_ASSERT_FATAL(bv_state_parse(&s, data, n, BV_FORK_AUTO, BV_PRESET_AUTO, NULL) == BV_OK);
    CU_ASSERT_EQUAL(s.fork, BV_FORK_ELECTRA);
    CU_ASSERT_EQUAL(s.preset, BV_PRESET_MINIMAL);
    CU_ASSERT_EQUAL(s.validator_count, 1);
    CU_ASSERT_EQUAL(bv_state_hash(&s, &r, NULL), BV_OK);
    CU_ASSERT_EQUAL(memcmp(r.state_root, want, 32), 0);
    /* electra gindices: validators 75, balances 76 */
    uint8_t br[16 * 32];
    unsigned depth;
    uint64_t g;
    CU_ASSERT_EQUAL(bv_state_field_branch(&r, BV_FIELD_VALIDATORS, br, &depth, &g, NULL), BV_OK);
    CU_ASSERT_EQUAL(g, 75);
    CU_ASSERT_EQUAL(depth, 6);
    CU_ASSERT_TRUE(bv_ssz_verify_branch(r.field[BV_FIELD_VALIDATORS], br, depth, g, r.state_root));
    /* forcing another fork is rejected */
    bv_status st;
    CU_ASSERT_EQUAL(bv_state_parse(&s, data, n, BV_FORK_DENEB, BV_PRESET_AUTO, &st), BV_ERR_FORMAT);
    free(data);
}

static void expect_format_error(const uint8_t *data, size_t n, const char *needle)
{
    bv_beacon_state s;
    bv_status st;
    bv_status_clear(&st);
    bv_err e = bv_state_parse(&s, data, n, BV_FORK_AUTO, BV_PRESET_AUTO, &st);
    CU_ASSERT_EQUAL(e, BV_ERR_FORMAT);
    if (needle && !strstr(st.msg, needle))
        printf("\n    message '%s' lacks '%s'\n", st.msg, needle);
    CU_ASSERT(needle == NULL || strstr(st.msg, needle) != NULL);
}

static void test_malformed(void)
{
    bv_synth_params p;
    bv_synth_defaults(&p);
    p.fork = BV_FORK_ELECTRA;
    p.preset = BV_PRESET_MINIMAL;
    p.validators = 50;
    uint8_t *data;
    size_t n;
    CU_ASSERT_FATAL(bv_synth_state(&p, &data, &n, NULL) == BV_OK);
    uint8_t *m = malloc(n);
    bv_beacon_state s;
    CU_ASSERT_FATAL(bv_state_parse(&s, data, n, BV_FORK_AUTO, BV_PRESET_AUTO, NULL) == BV_OK);

    /* truncations: inside the fixed part, inside validators, by one byte */
    expect_format_error(data, 100, NULL);
    expect_format_error(data, s.field_off[BV_FIELD_VALIDATORS] - 10, "truncated");
    expect_format_error(data, n - 1, NULL);
    size_t vend = s.field_off[BV_FIELD_VALIDATORS] + 121 * 50;
    expect_format_error(data, vend - 7, "truncated");

    /* an offset out of order / beyond the end: find the balances offset slot
     * in the fixed part by its value */
    size_t pos_bal = 0;
    for (size_t i = 0; i + 4 <= 10313; i++) {
        uint32_t v = (uint32_t)data[i] | (uint32_t)data[i + 1] << 8 | (uint32_t)data[i + 2] << 16 |
                     (uint32_t)data[i + 3] << 24;
        if (v == s.field_off[BV_FIELD_BALANCES]) {
            pos_bal = i;
            break;
        }
    }
    memcpy(m, data, n);
    bv_put_le32(m + pos_bal, (uint32_t)s.field_off[BV_FIELD_VALIDATORS] - 8);
    expect_format_error(m, n, "'balances'");
    memcpy(m, data, n);
    bv_put_le32(m + pos_bal, (uint32_t)n + 100);
    expect_format_error(m, n, "'balances'");
    /* validators length not a multiple of 121 */
    memcpy(m, data, n);
    bv_put_le32(m + pos_bal, (uint32_t)s.field_off[BV_FIELD_BALANCES] - 1);
    expect_format_error(m, n, "'validators'");
    /* slashed byte that is not a boolean */
    memcpy(m, data, n);
    m[s.field_off[BV_FIELD_VALIDATORS] + 121 * 7 + 88] = 2;
    expect_format_error(m, n, "validator 7");
    /* first offset wrong: no layout matches */
    memcpy(m, data, n);
    bv_put_le32(m + 8 + 32 + 8 + 16 + 112 + 64 * 64, 1234);
    expect_format_error(m, n, "layout");
    /* garbage */
    memset(m, 0xAB, n);
    expect_format_error(m, n, NULL);
    expect_format_error(m, 0, NULL);
    /* forcing the gloas layout on an electra state */
    bv_status st;
    CU_ASSERT_EQUAL(bv_state_parse(&s, data, n, BV_FORK_GLOAS, BV_PRESET_AUTO, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "gloas"));
    /* validators/balances length mismatch is SSZ-valid but fails the registry check */
    CU_ASSERT_EQUAL(bv_state_parse(&s, data, n, BV_FORK_AUTO, BV_PRESET_AUTO, NULL), BV_OK);
    s.balance_count--;
    CU_ASSERT_EQUAL(bv_state_check_registry(&s, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "balances"));
    /* missing file */
    CU_ASSERT_EQUAL(
        bv_state_load_file(&s, "/nonexistent/state.ssz", BV_FORK_AUTO, BV_PRESET_AUTO, &st),
        BV_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "/nonexistent/state.ssz"));
    free(m);
    free(data);
}

static void test_synthetic_states(void)
{
    for (int f = BV_FORK_PHASE0; f <= BV_FORK_GLOAS; f++) {
        for (int pr = 0; pr < 2; pr++) {
            bv_synth_params p;
            bv_synth_defaults(&p);
            p.fork = (bv_fork)f;
            p.preset = (bv_preset)pr;
            p.validators = 200;
            p.seed = 42;
            uint8_t *a, *b;
            size_t na, nb;
            CU_ASSERT_FATAL(bv_synth_state(&p, &a, &na, NULL) == BV_OK);
            CU_ASSERT_FATAL(bv_synth_state(&p, &b, &nb, NULL) == BV_OK);
            CU_ASSERT(na == nb && memcmp(a, b, na) == 0); /* reproducible */
            free(b);
            p.seed = 43;
            CU_ASSERT_FATAL(bv_synth_state(&p, &b, &nb, NULL) == BV_OK);
            CU_ASSERT(na != nb || memcmp(a, b, na) != 0);
            free(b);
            bv_beacon_state s;
            bv_state_roots r;
            bv_status st;
            CU_ASSERT_FATAL(bv_state_parse(&s, a, na, BV_FORK_AUTO, BV_PRESET_AUTO, &st) == BV_OK);
            CU_ASSERT_EQUAL(s.fork, (bv_fork)f);
            CU_ASSERT_EQUAL(s.preset, (bv_preset)pr);
            CU_ASSERT_EQUAL(s.validator_count, 200);
            CU_ASSERT_EQUAL(bv_state_check_registry(&s, NULL), BV_OK);
            CU_ASSERT_EQUAL(bv_state_hash(&s, &r, NULL), BV_OK);
            /* every field's branch verifies (progressive gindices for gloas) */
            for (unsigned fi = 0; fi < r.nfields; fi++) {
                uint8_t br[16 * 32];
                unsigned depth;
                uint64_t g;
                CU_ASSERT_EQUAL(bv_state_field_branch(&r, fi, br, &depth, &g, NULL), BV_OK);
                CU_ASSERT_TRUE(bv_ssz_verify_branch(r.field[fi], br, depth, g, r.state_root));
            }
            /* the mix: shared credentials present, several statuses */
            uint8_t wc[32];
            bv_synth_credential(42, 0, wc);
            int shared = 0, status[3] = {0, 0, 0}, slashed = 0;
            uint64_t epoch = s.slot / bv_slots_per_epoch(s.preset);
            for (uint64_t i = 0; i < s.validator_count; i++) {
                const uint8_t *rec = bv_state_validator(&s, i);
                shared += memcmp(rec + 49, wc + 1, 31) == 0;
                status[bv_validator_status3(bv_rec_activation_epoch(rec), bv_rec_exit_epoch(rec),
                                            epoch)]++;
                slashed += bv_rec_slashed(rec);
            }
            CU_ASSERT(shared > 5);
            CU_ASSERT(status[0] > 0 && status[1] > 100 && status[2] > 0);
            CU_ASSERT(slashed > 0);
            free(a);
        }
    }
    bv_synth_params p;
    bv_synth_defaults(&p);
    p.fork = BV_FORK_COUNT;
    uint8_t *x;
    size_t nx;
    CU_ASSERT_EQUAL(bv_synth_state(&p, &x, &nx, NULL), BV_ERR_UNSUPPORTED);
}

/* bv_state_slot_of / bv_state_file_slot: the slot the parser finds, in every
 * fork, from the first 48 bytes only. */
static void test_slot_without_parsing(void)
{
    char path[] = "/tmp/bv_test_state_slot_XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    for (int f = BV_FORK_PHASE0; f < BV_FORK_COUNT; f++) {
        bv_synth_params p;
        bv_synth_defaults(&p);
        p.fork = (bv_fork)f;
        p.validators = 16;
        p.slot = 32 * (400 + (uint64_t)f) + 7 + (uint64_t)f;
        if (f == BV_FORK_GLOAS)
            p.slot = 0x0123456789abcdefULL; /* all eight bytes matter */
        uint8_t *data;
        size_t n;
        bv_status st;
        CU_ASSERT_FATAL(bv_synth_state(&p, &data, &n, &st) == BV_OK);
        bv_beacon_state s;
        CU_ASSERT_FATAL(bv_state_parse(&s, data, n, BV_FORK_AUTO, BV_PRESET_AUTO, &st) == BV_OK);
        CU_ASSERT_EQUAL(s.slot, p.slot);
        uint64_t slot = 0;
        CU_ASSERT_EQUAL(bv_state_slot_of(data, n, &slot, &st), BV_OK);
        CU_ASSERT_EQUAL(slot, s.slot);
        CU_ASSERT_EQUAL(bv_state_slot_of(data, BV_STATE_SLOT_OFFSET + 8, &slot, &st), BV_OK);
        CU_ASSERT_EQUAL(slot, s.slot);
        FILE *out = fopen(path, "wb");
        CU_ASSERT_FATAL(out != NULL);
        CU_ASSERT_EQUAL(fwrite(data, 1, n, out), n);
        fclose(out);
        slot = 0;
        CU_ASSERT_EQUAL(bv_state_file_slot(path, &slot, &st), BV_OK);
        CU_ASSERT_EQUAL(slot, p.slot);
        free(data);
    }
    uint8_t small[BV_STATE_SLOT_OFFSET + 7] = {0};
    uint64_t slot = 5;
    bv_status st;
    bv_status_clear(&st);
    CU_ASSERT_EQUAL(bv_state_slot_of(small, sizeof small, &slot, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "47 bytes: too short for a BeaconState"));
    CU_ASSERT_EQUAL(slot, 5);
    FILE *out = fopen(path, "wb");
    CU_ASSERT_FATAL(out != NULL);
    CU_ASSERT_EQUAL(fwrite(small, 1, sizeof small, out), sizeof small);
    fclose(out);
    bv_status_clear(&st);
    CU_ASSERT_EQUAL(bv_state_file_slot(path, &slot, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, path));
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "too short"));
    unlink(path);
    bv_status_clear(&st);
    CU_ASSERT_EQUAL(bv_state_file_slot(path, &slot, &st), BV_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, path));
}

/* Random damage anywhere (offsets included) never crashes the parser or the
 * hasher: either parsing fails with a format error or the state hashes. */
static void test_random_corruption(void)
{
    uint64_t rs = 99;
    for (int f = BV_FORK_PHASE0; f <= BV_FORK_GLOAS; f++) {
        bv_synth_params p;
        bv_synth_defaults(&p);
        p.fork = (bv_fork)f;
        p.preset = BV_PRESET_MINIMAL;
        p.validators = 9;
        uint8_t *data;
        size_t n;
        CU_ASSERT_FATAL(bv_synth_state(&p, &data, &n, NULL) == BV_OK);
        bv_beacon_state s0;
        CU_ASSERT_FATAL(bv_state_parse(&s0, data, n, BV_FORK_AUTO, BV_PRESET_AUTO, NULL) == BV_OK);
        /* the offsets of the variable fields live in the fixed part */
        size_t fixed = bv_state_fixed_size(s0.fork, s0.preset);
        uint8_t *m = malloc(n);
        int parsed = 0, rejected = 0;
        for (int it = 0; it < 300; it++) {
            memcpy(m, data, n);
            for (int k = 0; k < 1 + it % 4; k++) {
                rs = rs * 6364136223846793005ULL + 1442695040888963407ULL;
                size_t pos =
                    (it & 1) ? (size_t)(rs >> 33) % n : fixed - 1 - (size_t)(rs >> 33) % 400;
                m[pos] = (uint8_t)(rs >> 20);
            }
            size_t len = (it % 7 == 0) ? n - (size_t)(rs >> 40) % 64 : n;
            bv_beacon_state s;
            bv_state_roots r;
            bv_status st;
            bv_err e = bv_state_parse(&s, m, len, BV_FORK_AUTO, BV_PRESET_AUTO, &st);
            if (e == BV_OK) {
                parsed++;
                CU_ASSERT_EQUAL(bv_state_hash(&s, &r, &st), BV_OK);
            } else {
                rejected++;
                CU_ASSERT(e == BV_ERR_FORMAT && st.msg[0] != 0);
            }
        }
        CU_ASSERT(parsed > 0 && rejected > 0);
        free(m);
        free(data);
    }
}

static void register_suites(void)
{
    bv_cu_add_suite("beacon_state");
    bv_cu_add_test("layout constants and gindices", test_layout_constants);
    bv_cu_add_test("mainnet genesis (published roots)", test_mainnet_genesis);
    bv_cu_add_test("pectra devnet-0 genesis (deneb)", test_pectra_devnet_genesis);
    bv_cu_add_test("chainsafe spec tests (369 cases)", test_spec_cases);
    bv_cu_add_test("electra-layout spec test", test_electra_layout_case);
    bv_cu_add_test("malformed states", test_malformed);
    bv_cu_add_test("synthetic states, every fork and preset", test_synthetic_states);
    bv_cu_add_test("the slot without parsing (every fork, short input)", test_slot_without_parsing);
    bv_cu_add_test("random corruption is rejected or hashed, never crashes",
                   test_random_corruption);
}

BV_CU_MAIN(register_suites)
