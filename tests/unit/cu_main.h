/*
 * cu_main.h - shared scaffolding for the CUnit test programs.
 *
 * Each tests/unit/test_NAME.c defines its suites in a function
 *     static void register_suites(void);
 * that calls bv_cu_add_suite()/bv_cu_add_test() and ends with
 *     BV_CU_MAIN(register_suites)
 * The exit status comes from CU_get_number_of_failures(): CU_basic_run_tests()
 * reports success even when assertions fail. A test that cannot run (a
 * fixture, a server or a CPU feature is missing) calls BV_SKIP(msg) (or
 * bv_cu_skip() and carries on with what it can check): the program then exits
 * BV_CU_SKIP_EXIT (77) when no test failed, which ctest reports as "Not Run
 * (skipped)" (SKIP_RETURN_CODE in tests/CMakeLists.txt), never as a pass.
 *
 * Helpers for tests that read third-party fixtures: bv_fixture_path() finds
 * ../shared/fixtures relative to the source tree (or $BV_FIXTURES); when it is
 * absent the test skips with a clear "SKIP" line.
 */
#ifndef BV_CU_MAIN_H
#define BV_CU_MAIN_H

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static CU_pSuite bv_cu_current_suite;

static inline void bv_cu_add_suite(const char *name)
{
    bv_cu_current_suite = CU_add_suite(name, NULL, NULL);
    if (!bv_cu_current_suite) {
        fprintf(stderr, "CU_add_suite(%s) failed\n", name);
        exit(2);
    }
}

static inline void bv_cu_add_test(const char *name, CU_TestFunc fn)
{
    if (!CU_add_test(bv_cu_current_suite, name, fn)) {
        fprintf(stderr, "CU_add_test(%s) failed\n", name);
        exit(2);
    }
}

/* Path of a file or directory under the third-party fixtures, or NULL when
 * the fixtures are not present. The returned string is static. */
static inline const char *bv_fixture_path(const char *rel)
{
    static char buf[4096];
    const char *root = getenv("BV_FIXTURES");
    char rootbuf[4096];
    if (!root || !*root) {
        const char *src = getenv("BV_SOURCE_DIR");
#ifdef BV_SOURCE_DIR
        if (!src || !*src)
            src = BV_SOURCE_DIR;
#endif
        if (!src)
            return NULL;
        snprintf(rootbuf, sizeof rootbuf, "%s/../shared/fixtures", src);
        root = rootbuf;
    }
    snprintf(buf, sizeof buf, "%s/%s", root, rel);
    struct stat st;
    if (stat(buf, &st) != 0)
        return NULL;
    return buf;
}

/* Path of a file shipped with the project (spec vectors copied into tests/data,
 * inputs/, ...). */
static inline const char *bv_source_path(const char *rel)
{
    static char buf[4096];
    const char *src = getenv("BV_SOURCE_DIR");
#ifdef BV_SOURCE_DIR
    if (!src || !*src)
        src = BV_SOURCE_DIR;
#endif
    snprintf(buf, sizeof buf, "%s/%s", src ? src : ".", rel);
    return buf;
}

#define BV_CU_SKIP_EXIT 77

static unsigned bv_cu_skips;

/* Records that (part of) the current test could not run. */
static inline void bv_cu_skip(const char *msg)
{
    bv_cu_skips++;
    printf("\n    SKIP: %s\n", msg);
}

#define BV_SKIP(msg)                                                                               \
    do {                                                                                           \
        bv_cu_skip(msg);                                                                           \
        return;                                                                                    \
    } while (0)

#define BV_CU_MAIN(register_fn)                                                                    \
    int main(void)                                                                                 \
    {                                                                                              \
        if (CU_initialize_registry() != CUE_SUCCESS)                                               \
            return 2;                                                                              \
        register_fn();                                                                             \
        CU_basic_set_mode(CU_BRM_VERBOSE);                                                         \
        CU_basic_run_tests();                                                                      \
        unsigned fails = CU_get_number_of_failures();                                              \
        unsigned ran = CU_get_number_of_tests_run();                                               \
        CU_cleanup_registry();                                                                     \
        if (ran == 0 || fails)                                                                     \
            return 1;                                                                              \
        if (bv_cu_skips) {                                                                         \
            printf("%u skip(s): reported as skipped (exit %d), not passed\n", bv_cu_skips,         \
                   BV_CU_SKIP_EXIT);                                                               \
            return BV_CU_SKIP_EXIT;                                                                \
        }                                                                                          \
        return 0;                                                                                  \
    }

#endif
