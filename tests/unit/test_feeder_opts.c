/* test_feeder_opts.c - the command-line options shared by the queue feeders
 * (feeder_opts.h). Storing JSON in Redis is exercised by it_redis_feeders
 * against a real redis-server. */
#include "cu_main.h"

#include "balverify/feeder_opts.h"
#include "balverify/validator.h"

static void test_parse_u64(void)
{
    bv_status st;
    uint64_t v = 7;
    CU_ASSERT_EQUAL(bv_feeder_parse_u64("--take", "0", &v, &st), BV_OK);
    CU_ASSERT_EQUAL(v, 0);
    CU_ASSERT_EQUAL(bv_feeder_parse_u64("--take", "18446744073709551615", &v, &st), BV_OK);
    CU_ASSERT_EQUAL(v, UINT64_MAX);
    const char *bad[] = {"", "-1", "12x", "x", "1 ", "-0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 5;
        CU_ASSERT_EQUAL(bv_feeder_parse_u64("--offset", bad[i], &v, &st), BV_ERR_ARG);
        CU_ASSERT_EQUAL(v, 5);
        CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "--offset"));
        CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "not an unsigned integer"));
    }
}

static void test_defaults_and_options(void)
{
    bv_feeder_opts o;
    bv_feeder_opts_init(&o);
    CU_ASSERT_STRING_EQUAL(o.host, BV_REDIS_DEFAULT_HOST);
    CU_ASSERT_EQUAL(o.port, BV_REDIS_DEFAULT_PORT);
    CU_ASSERT_PTR_NULL(o.beacon);
    CU_ASSERT_EQUAL(o.offset, 0);
    CU_ASSERT_FALSE(o.has_take);

    bv_status st;
    bv_err e = BV_ERR_IO;
    CU_ASSERT_TRUE(bv_feeder_opts_apply(&o, "--redis-host", "10.0.0.2", &e, &st));
    CU_ASSERT_EQUAL(e, BV_OK);
    CU_ASSERT_STRING_EQUAL(o.host, "10.0.0.2");
    CU_ASSERT_TRUE(bv_feeder_opts_apply(&o, "--redis-port", "6390", &e, &st));
    CU_ASSERT_EQUAL(e, BV_OK);
    CU_ASSERT_EQUAL(o.port, 6390);
    CU_ASSERT_TRUE(bv_feeder_opts_apply(&o, "--beacon-node", "http://b:5052", &e, &st));
    CU_ASSERT_STRING_EQUAL(o.beacon, "http://b:5052");
    CU_ASSERT_TRUE(bv_feeder_opts_apply(&o, "--offset", "100", &e, &st));
    CU_ASSERT_EQUAL(o.offset, 100);
    CU_ASSERT_TRUE(bv_feeder_opts_apply(&o, "--take", "0", &e, &st));
    CU_ASSERT_EQUAL(e, BV_OK);
    CU_ASSERT_TRUE(o.has_take);
    CU_ASSERT_EQUAL(o.take, 0);

    /* options of one feeder only are left to it */
    e = BV_ERR_IO;
    CU_ASSERT_FALSE(bv_feeder_opts_apply(&o, "--state", "s.ssz", &e, &st));
    CU_ASSERT_FALSE(bv_feeder_opts_apply(&o, "--redis", "x", &e, &st));
    CU_ASSERT_EQUAL(e, BV_ERR_IO);
}

static void test_bad_values(void)
{
    const char *ports[] = {"0", "65536", "-1", "80a", ""};
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        bv_feeder_opts o;
        bv_feeder_opts_init(&o);
        bv_status st;
        bv_err e = BV_OK;
        CU_ASSERT_TRUE(bv_feeder_opts_apply(&o, "--redis-port", ports[i], &e, &st));
        CU_ASSERT_EQUAL(e, BV_ERR_ARG);
        CU_ASSERT_EQUAL(o.port, BV_REDIS_DEFAULT_PORT);
        CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "is not a port"));
    }
    bv_feeder_opts o;
    bv_feeder_opts_init(&o);
    bv_status st;
    bv_err e = BV_OK;
    CU_ASSERT_TRUE(bv_feeder_opts_apply(&o, "--take", "ten", &e, &st));
    CU_ASSERT_EQUAL(e, BV_ERR_ARG);
    CU_ASSERT_FALSE(o.has_take);
}

/* A record written by the SSZ encoder reads back field by field. */
static void test_validator_rec(void)
{
    bv_validator v;
    for (int i = 0; i < 48; i++)
        v.pubkey[i] = (uint8_t)(3 * i + 1);
    for (int i = 0; i < 32; i++)
        v.withdrawal_credentials[i] = (uint8_t)(200 - i);
    v.effective_balance = 32000000000ull;
    v.slashed = 1;
    v.activation_eligibility_epoch = 0x0102030405060708ull;
    v.activation_epoch = 194048;
    v.exit_epoch = UINT64_MAX;
    v.withdrawable_epoch = 77;
    uint8_t rec[BV_VALIDATOR_SIZE];
    bv_validator_encode(rec, &v);
    bv_validator_rec r;
    bv_feeder_validator_rec(rec, &r);
    CU_ASSERT_EQUAL(memcmp(r.pubkey, v.pubkey, 48), 0);
    CU_ASSERT_EQUAL(memcmp(r.withdrawal_credentials, v.withdrawal_credentials, 32), 0);
    CU_ASSERT_EQUAL(r.effective_balance, v.effective_balance);
    CU_ASSERT_EQUAL(r.slashed, 1);
    CU_ASSERT_EQUAL(r.activation_eligibility_epoch, v.activation_eligibility_epoch);
    CU_ASSERT_EQUAL(r.activation_epoch, v.activation_epoch);
    CU_ASSERT_EQUAL(r.exit_epoch, v.exit_epoch);
    CU_ASSERT_EQUAL(r.withdrawable_epoch, v.withdrawable_epoch);
    rec[88] = 0;
    bv_feeder_validator_rec(rec, &r);
    CU_ASSERT_EQUAL(r.slashed, 0);
}

static void register_suites(void)
{
    bv_cu_add_suite("feeder options");
    bv_cu_add_test("unsigned integers", test_parse_u64);
    bv_cu_add_test("defaults and shared options", test_defaults_and_options);
    bv_cu_add_test("bad values are refused", test_bad_values);
    bv_cu_add_test("validator records from SSZ", test_validator_rec);
}

BV_CU_MAIN(register_suites)
