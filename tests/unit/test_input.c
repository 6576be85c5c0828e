/* test_input.c - offline input (include/balverify/input.h): withdrawal
 * credentials, block headers (SSZ and Beacon-API JSON), state/header
 * loading and the state-root check, the input directory convention. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include "cu_main.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <unistd.h>

#include "balverify/input.h"
#include "balverify/ssz.h"
#include "balverify/synth.h"
#include "balverify/util_bytes.h"
#include "balverify/util_hex.h"
#include "balverify/validator.h"

static void test_credentials(void)
{
    uint8_t wc[4][32];
    size_t n;
    bv_status st;
    const char *a = "0x010000000000000000000000b9d7934878b5fb9610b3fe8a5e441e8fad7e293f";
    CU_ASSERT_EQUAL(bv_parse_withdrawal_credentials(a, wc, 4, &n, &st), BV_OK);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(wc[0][0], 0x01);
    CU_ASSERT_EQUAL(wc[0][31], 0x3f);
    CU_ASSERT_EQUAL(bv_parse_withdrawal_credentials(
                        " 0x010000000000000000000000b9d7934878b5fb9610b3fe8a5e441e8fad7e293f ,\n"
                        "# a comment\n"
                        "0X02000000000000000000000000000000000000000000000000000000000000AB",
                        wc, 4, &n, &st),
                    BV_OK);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(wc[1][0], 0x02);
    CU_ASSERT_EQUAL(wc[1][31], 0xab);
    static const struct {
        const char *text, *needle;
    } bad[] = {
        {"", "no withdrawal credential"},
        {"010000000000000000000000b9d7934878b5fb9610b3fe8a5e441e8fad7e293f", "0x followed by"},
        {"0x0100", "0x followed by"},
        {"0x010000000000000000000000b9d7934878b5fb9610b3fe8a5e441e8fad7e293fff", "0x followed by"},
        {"0x010000000000000000000000b9d7934878b5fb9610b3fe8a5e441e8fad7e293g", "bad hex"},
        {"0x010000000000000000000000b9d7934878b5fb9610b3fe8a5e441e8fad7e293f,", "trailing comma"},
        {"0x010000000000000000000000b9d7934878b5fb9610b3fe8a5e441e8fad7e293f,,", "empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bv_status_clear(&st);
        CU_ASSERT_EQUAL(bv_parse_withdrawal_credentials(bad[i].text, wc, 4, &n, &st), BV_ERR_ARG);
        if (!strstr(st.msg, bad[i].needle))
            printf("\n    '%s' -> '%s'\n", bad[i].text, st.msg);
        CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, bad[i].needle));
    }
    /* capacity */
    CU_ASSERT_EQUAL(bv_parse_withdrawal_credentials(
                        "0x010000000000000000000000b9d7934878b5fb9610b3fe8a5e441e8fad7e293f,"
                        "0x010000000000000000000000b9d7934878b5fb9610b3fe8a5e441e8fad7e293f",
                        wc, 1, &n, &st),
                    BV_ERR_ARG);
}

static const char *api_json =
    "{\"execution_optimistic\":false,\"finalized\":true,\"data\":{\"root\":"
    "\"0x4d611d5b93fdab69013a7f0a2f961caca0c853f87cfe9595fe50038163079360\",\"canonical\":true,"
    "\"header\":{\"message\":{\"slot\":\"123456\",\"proposer_index\":\"42\","
    "\"parent_root\":\"0x1111111111111111111111111111111111111111111111111111111111111111\","
    "\"state_root\":\"0x2222222222222222222222222222222222222222222222222222222222222222\","
    "\"body_root\":\"0x3333333333333333333333333333333333333333333333333333333333333333\"},"
    "\"signature\":\"0x00\"}}}";

static void test_header_json(void)
{
    uint8_t h[112];
    bv_status st;
    CU_ASSERT_EQUAL(bv_header_parse_json(h, api_json, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_le64(h), 123456);
    CU_ASSERT_EQUAL(bv_le64(h + 8), 42);
    CU_ASSERT_EQUAL(h[16], 0x11);
    CU_ASSERT_EQUAL(h[48], 0x22);
    CU_ASSERT_EQUAL(h[111], 0x33);
    /* bare message form */
    uint8_t h2[112];
    const char *bare = strstr(api_json, "{\"slot\"");
    char buf[1024];
    snprintf(buf, sizeof buf, "%.*s", (int)(strstr(bare, "}") - bare + 1), bare);
    CU_ASSERT_EQUAL(bv_header_parse_json(h2, buf, &st), BV_OK);
    CU_ASSERT_EQUAL(memcmp(h, h2, 112), 0);
    /* errors name the field */
    CU_ASSERT_EQUAL(bv_header_parse_json(h2, "{\"slot\":12}", &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "slot"));
    CU_ASSERT_EQUAL(bv_header_parse_json(h2, "{\"slot\":\"1x\"}", &st), BV_ERR_FORMAT);
    CU_ASSERT_EQUAL(bv_header_parse_json(h2,
                                         "{\"slot\":\"1\",\"proposer_index\":\"2\","
                                         "\"parent_root\":\"0x11\"}",
                                         &st),
                    BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "parent_root"));
    CU_ASSERT_EQUAL(bv_header_parse_json(h2, "{not json", &st), BV_ERR_FORMAT);
    CU_ASSERT_EQUAL(bv_header_parse_json(h2, "{\"slot\":\"99999999999999999999\"}", &st),
                    BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "overflow"));
}

static char tmpdir[256];

static void write_file(const char *name, const void *data, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_EQUAL(fwrite(data, 1, n, f), n);
    fclose(f);
}

static void rm_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    unlink(path);
}

static void test_input_dir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/bv_test_input_XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(tmpdir) != NULL);
    bv_synth_params p;
    bv_synth_defaults(&p);
    p.fork = BV_FORK_CAPELLA;
    p.preset = BV_PRESET_MINIMAL;
    p.validators = 64;
    p.seed = 5;
    uint8_t *data;
    size_t n;
    CU_ASSERT_FATAL(bv_synth_state(&p, &data, &n, NULL) == BV_OK);
    write_file("state.ssz", data, n);

    bv_input in;
    bv_status st;
    /* no header: latest_block_header with state_root filled in */
    CU_ASSERT_FATAL(bv_input_load_dir(&in, tmpdir, BV_FORK_AUTO, BV_PRESET_AUTO, &st) == BV_OK);
    CU_ASSERT_EQUAL(in.state.fork, BV_FORK_CAPELLA);
    CU_ASSERT_EQUAL(in.header_given, 0);
    CU_ASSERT_EQUAL(in.n_wc, 0);
    CU_ASSERT_EQUAL(memcmp(in.header + 48, in.roots.state_root, 32), 0);
    CU_ASSERT_EQUAL(memcmp(in.header, in.state.latest_block_header, 48), 0);
    uint8_t br[3][32];
    bv_header_branch(in.header, 3, br);
    CU_ASSERT_TRUE(bv_ssz_verify_branch(in.roots.state_root, br[0], 3, 11, in.block_root));
    uint8_t header[112];
    memcpy(header, in.header, 112);
    uint8_t block_root[32];
    memcpy(block_root, in.block_root, 32);
    bv_input_free(&in);

    /* header.ssz that matches, plus credentials */
    write_file("header.ssz", header, 112);
    char wcs[200];
    uint8_t wc[32];
    bv_synth_credential(5, 1, wc);
    bv_hex_encode(wcs, wc, 32);
    strcat(wcs, "\n");
    write_file("withdrawal_credentials.txt", wcs, strlen(wcs));
    CU_ASSERT_FATAL(bv_input_load_dir(&in, tmpdir, BV_FORK_AUTO, BV_PRESET_AUTO, &st) == BV_OK);
    CU_ASSERT_EQUAL(in.header_given, 1);
    CU_ASSERT_EQUAL(in.n_wc, 1);
    CU_ASSERT_EQUAL(memcmp(in.wc[0], wc, 32), 0);
    CU_ASSERT_EQUAL(memcmp(in.block_root, block_root, 32), 0);
    bv_input_free(&in);

    /* header whose state_root disagrees */
    header[60] ^= 0xff;
    write_file("header.ssz", header, 112);
    bv_status_clear(&st);
    CU_ASSERT_EQUAL(bv_input_load_dir(&in, tmpdir, BV_FORK_AUTO, BV_PRESET_AUTO, &st),
                    BV_ERR_VERIFY);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "state root mismatch: header says 0x"));
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "state hashes to 0x"));
    /* header of the wrong size */
    write_file("header.ssz", header, 100);
    CU_ASSERT_EQUAL(bv_input_load_dir(&in, tmpdir, BV_FORK_AUTO, BV_PRESET_AUTO, &st),
                    BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "header.ssz"));
    rm_file("header.ssz");

    /* header.json in Beacon-API form, matching */
    char js[1024], sr[67], pr[67], bo[67];
    header[60] ^= 0xff; /* restore the real state root */
    bv_hex_encode(sr, header + 48, 32);
    bv_hex_encode(pr, header + 16, 32);
    bv_hex_encode(bo, header + 80, 32);
    snprintf(js, sizeof js,
             "{\"data\":{\"header\":{\"message\":{\"slot\":\"%llu\",\"proposer_index\":\"%llu\","
             "\"parent_root\":\"%s\",\"state_root\":\"%s\",\"body_root\":\"%s\"}}}}",
             (unsigned long long)bv_le64(header), (unsigned long long)bv_le64(header + 8), pr, sr,
             bo);
    write_file("header.json", js, strlen(js));
    CU_ASSERT_EQUAL(bv_input_load_dir(&in, tmpdir, BV_FORK_AUTO, BV_PRESET_AUTO, &st), BV_OK);
    CU_ASSERT_EQUAL(memcmp(in.block_root, block_root, 32), 0);
    bv_input_free(&in);
    rm_file("header.json");

    /* a forced wrong fork fails with a format error */
    CU_ASSERT_EQUAL(bv_input_load_dir(&in, tmpdir, BV_FORK_ALTAIR, BV_PRESET_AUTO, &st),
                    BV_ERR_FORMAT);
    /* malformed credentials file */
    write_file("withdrawal_credentials.txt", "0x1234\n", 7);
    CU_ASSERT_EQUAL(bv_input_load_dir(&in, tmpdir, BV_FORK_AUTO, BV_PRESET_AUTO, &st), BV_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "withdrawal_credentials.txt"));
    rm_file("withdrawal_credentials.txt");
    /* missing state */
    rm_file("state.ssz");
    CU_ASSERT_EQUAL(bv_input_load_dir(&in, tmpdir, BV_FORK_AUTO, BV_PRESET_AUTO, &st), BV_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "state.ssz"));
    rmdir(tmpdir);
    free(data);
}

static void test_default_input(void)
{
    const char *dir = bv_source_path("inputs/default");
    char d[4096];
    snprintf(d, sizeof d, "%s", dir);
    bv_input in;
    bv_status st;
    char path[4200];
    snprintf(path, sizeof path, "%s/state.ssz", d);
    if (access(path, R_OK) != 0)
        BV_SKIP("inputs/default/state.ssz not present");
    CU_ASSERT_FATAL(bv_input_load_dir(&in, d, BV_FORK_AUTO, BV_PRESET_AUTO, &st) == BV_OK);
    CU_ASSERT_FATAL(in.n_wc >= 1);
    CU_ASSERT(in.state.validator_count >= 4096);
    /* compare with expected.json, written by the independent Python script */
    snprintf(path, sizeof path, "%s/expected.json", d);
    uint8_t *js;
    size_t jn;
    CU_ASSERT_FATAL(bv_read_file(path, &js, &jn, NULL) == BV_OK);
    cJSON *e = cJSON_Parse((char *)js);
    CU_ASSERT_FATAL(e != NULL);
    uint8_t want[32];
    CU_ASSERT_EQUAL(
        bv_hex_decode(want, 32, cJSON_GetObjectItem(e, "validators_root")->valuestring, NULL),
        BV_OK);
    CU_ASSERT_EQUAL(memcmp(want, in.roots.field[BV_FIELD_VALIDATORS], 32), 0);
    CU_ASSERT_EQUAL(
        bv_hex_decode(want, 32, cJSON_GetObjectItem(e, "balances_root")->valuestring, NULL), BV_OK);
    CU_ASSERT_EQUAL(memcmp(want, in.roots.field[BV_FIELD_BALANCES], 32), 0);
    CU_ASSERT_EQUAL((uint64_t)cJSON_GetObjectItem(e, "validator_count")->valuedouble,
                    in.state.validator_count);
    CU_ASSERT_EQUAL((uint64_t)cJSON_GetObjectItem(e, "slot")->valuedouble, in.state.slot);
    const cJSON *all = cJSON_GetObjectItem(e, "all_credentials");
    uint64_t epoch = in.state.slot / 32, count = 0, active = 0, sum = 0;
    for (uint64_t i = 0; i < in.state.validator_count; i++) {
        const uint8_t *rec = bv_state_validator(&in.state, i);
        int match = 0;
        for (size_t k = 0; k < in.n_wc; k++)
            match |= memcmp(bv_rec_wc(rec), in.wc[k], 32) == 0;
        if (!match)
            continue;
        count++;
        if (bv_validator_status3(bv_rec_activation_epoch(rec), bv_rec_exit_epoch(rec), epoch) ==
            BV_VSTATUS_ACTIVE) {
            active++;
            sum += bv_state_balance(&in.state, i);
        }
    }
    CU_ASSERT_EQUAL((uint64_t)cJSON_GetObjectItem(all, "count")->valuedouble, count);
    CU_ASSERT_EQUAL((uint64_t)cJSON_GetObjectItem(all, "active_count")->valuedouble, active);
    CU_ASSERT_EQUAL(
        strtoull(cJSON_GetObjectItem(all, "active_balance_sum_gwei")->valuestring, NULL, 10), sum);
    CU_ASSERT(count > 100 && active > 100);
    cJSON_Delete(e);
    free(js);
    bv_input_free(&in);
}

static void test_mainnet_genesis_input(void)
{
    const char *p0 = bv_fixture_path("lighthouse-mainnet-genesis/genesis.ssz");
    if (!p0)
        BV_SKIP("fixtures/lighthouse-mainnet-genesis absent");
    char path[4096];
    snprintf(path, sizeof path, "%s", p0);
    bv_input in;
    bv_status st;
    CU_ASSERT_FATAL(bv_input_load(&in, path, NULL, BV_FORK_AUTO, BV_PRESET_AUTO, &st) == BV_OK);
    uint8_t want[32];
    CU_ASSERT_FATAL(
        bv_hex_decode(want, 32,
                      "0x7e76880eb67bbdc86250aa578958e9d0675e64e714337855204fb5abaaf82c2b",
                      NULL) == BV_OK);
    CU_ASSERT_EQUAL(memcmp(in.roots.state_root, want, 32), 0);
    CU_ASSERT_EQUAL(memcmp(in.header + 48, want, 32), 0);
    /* The mainnet genesis block root (published as the genesis block's root). */
    CU_ASSERT_FATAL(
        bv_hex_decode(want, 32,
                      "0x4d611d5b93fdab69013a7f0a2f961caca0c853f87cfe9595fe50038163079360",
                      NULL) == BV_OK);
    CU_ASSERT_EQUAL(memcmp(in.block_root, want, 32), 0);
    bv_input_free(&in);
}

static void register_suites(void)
{
    bv_cu_add_suite("input");
    bv_cu_add_test("withdrawal credentials", test_credentials);
    bv_cu_add_test("header JSON", test_header_json);
    bv_cu_add_test("input directory, header checks", test_input_dir);
    bv_cu_add_test("embedded default input", test_default_input);
    bv_cu_add_test("mainnet genesis input", test_mainnet_genesis_input);
}

BV_CU_MAIN(register_suites)
