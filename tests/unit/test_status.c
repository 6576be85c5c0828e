/* test_status.c - error reporting conventions (include/balverify/status.h). */
#include "cu_main.h"

#include "balverify/status.h"

static void test_fail_sets_message(void)
{
    bv_status st;
    bv_status_clear(&st);
    CU_ASSERT_EQUAL(st.code, BV_OK);
    CU_ASSERT_STRING_EQUAL(st.msg, "");
    bv_err e = bv_fail(&st, BV_ERR_FORMAT, "bad byte at %d", 7);
    CU_ASSERT_EQUAL(e, BV_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(st.msg, "bad byte at 7");
    bv_fail_ctx(&st, "reading %s", "x.ssz");
    CU_ASSERT_STRING_EQUAL(st.msg, "reading x.ssz: bad byte at 7");
    CU_ASSERT_EQUAL(st.code, BV_ERR_FORMAT);
}

static void test_exit_codes(void)
{
    CU_ASSERT_EQUAL(bv_exit_code(BV_OK), 0);
    for (int c = 1; c <= BV_ERR_INTERNAL; c++) {
        int x = bv_exit_code((bv_err)c);
        CU_ASSERT(x != 0 && x != 77 && x < 126);
    }
    CU_ASSERT_EQUAL(bv_fail(NULL, BV_ERR_IO, "x"), BV_ERR_IO);
}

static void register_suites(void)
{
    bv_cu_add_suite("status");
    bv_cu_add_test("fail sets message", test_fail_sets_message);
    bv_cu_add_test("exit codes", test_exit_codes);
}

BV_CU_MAIN(register_suites)
