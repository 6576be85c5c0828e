/* test_store.c - proof-storage backends (include/balverify/proof_store.h):
 * the same behaviour suite runs against the file and the HDF5 backend. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "balverify/node.h"
#include "balverify/proof_store.h"
#include "cu_main.h"

static char tmpdir[256];

static void make_tmpdir(void)
{
    if (tmpdir[0])
        return;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/bv_test_store.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        exit(2);
    }
}

static void rm_rf(const char *path)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup of %s failed\n", path);
}

/* The behaviour every backend must have. `uri` names a fresh location. */
static void behaviour(const char *uri)
{
    bv_proof_store *s = NULL;
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_proof_store_open(uri, 1, &s, &st), BV_OK);
    uint8_t *data = NULL;
    size_t len = 0;
    int found = -1;

    /* Missing key. */
    CU_ASSERT_EQUAL(bv_store_exists(s, "balance:3:17", &found, &st), BV_OK);
    CU_ASSERT_EQUAL(found, 0);
    CU_ASSERT_EQUAL(bv_store_get(s, "balance:3:17", &data, &len, &st), BV_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "balance:3:17"));
    CU_ASSERT_PTR_NULL(data);
    CU_ASSERT_EQUAL(bv_store_del(s, "balance:3:17", &st), BV_OK);

    /* Put / get / overwrite with a shorter value / empty value. */
    uint8_t big[70000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 131 + 7);
    CU_ASSERT_EQUAL(bv_store_put(s, "balance:3:17", big, sizeof big, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_store_exists(s, "balance:3:17", &found, &st), BV_OK);
    CU_ASSERT_EQUAL(found, 1);
    CU_ASSERT_EQUAL(bv_store_get(s, "balance:3:17", &data, &len, &st), BV_OK);
    CU_ASSERT_EQUAL(len, sizeof big);
    CU_ASSERT(data && memcmp(data, big, sizeof big) == 0);
    free(data);
    CU_ASSERT_EQUAL(bv_store_put(s, "balance:3:17", (const uint8_t *)"xyz", 3, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_store_get(s, "balance:3:17", &data, &len, &st), BV_OK);
    CU_ASSERT_EQUAL(len, 3);
    CU_ASSERT(data && memcmp(data, "xyz", 3) == 0);
    free(data);
    CU_ASSERT_EQUAL(bv_store_put(s, "empty", NULL, 0, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_store_get(s, "empty", &data, &len, &st), BV_OK);
    CU_ASSERT_EQUAL(len, 0);
    CU_ASSERT_PTR_NOT_NULL(data);
    free(data);

    /* An encoded node survives the store. */
    bv_node n, back;
    bv_mapper_zero(12, &n);
    n.index = 99;
    uint8_t proof[5] = {1, 2, 3, 4, 5};
    bv_node_set_proof(&n, proof, 5, NULL);
    uint8_t enc[256];
    size_t elen = bv_node_encode(&n, enc);
    CU_ASSERT_EQUAL(bv_store_put(s, "validator_proof:99", enc, elen, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_store_get(s, "validator_proof:99", &data, &len, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_node_decode(&back, data, len, &st), BV_OK);
    CU_ASSERT(bv_node_equal(&n, &back));
    bv_node_free(&n);
    bv_node_free(&back);
    free(data);

    /* Delete. */
    CU_ASSERT_EQUAL(bv_store_del(s, "balance:3:17", &st), BV_OK);
    CU_ASSERT_EQUAL(bv_store_exists(s, "balance:3:17", &found, &st), BV_OK);
    CU_ASSERT_EQUAL(found, 0);

    /* Keys that could escape the location or are malformed. */
    static const char *badkeys[] = {"",          "../x",  "a/b",    ".hidden", "sp ace",
                                    "new\nline", "tab\t", "quote'", "slash/"};
    for (size_t i = 0; i < sizeof badkeys / sizeof badkeys[0]; i++) {
        CU_ASSERT_EQUAL(bv_store_put(s, badkeys[i], big, 1, &st), BV_ERR_ARG);
        CU_ASSERT_EQUAL(bv_store_get(s, badkeys[i], &data, &len, &st), BV_ERR_ARG);
        CU_ASSERT_EQUAL(bv_store_exists(s, badkeys[i], &found, &st), BV_ERR_ARG);
        CU_ASSERT_EQUAL(bv_store_del(s, badkeys[i], &st), BV_ERR_ARG);
    }
    char longkey[BV_STORE_KEY_MAX + 2];
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = 0;
    CU_ASSERT_EQUAL(bv_store_put(s, longkey, big, 1, &st), BV_ERR_ARG);
    longkey[BV_STORE_KEY_MAX] = 0;
    CU_ASSERT_EQUAL(bv_store_put(s, longkey, big, 1, &st), BV_OK);
    bv_proof_store_close(s);

    /* Values persist across close/reopen; open without create still works. */
    CU_ASSERT_EQUAL_FATAL(bv_proof_store_open(uri, 0, &s, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_store_get(s, "empty", &data, &len, &st), BV_OK);
    free(data);
    CU_ASSERT_EQUAL(bv_store_exists(s, "validator_proof:99", &found, &st), BV_OK);
    CU_ASSERT_EQUAL(found, 1);
    CU_ASSERT_EQUAL(bv_store_exists(s, longkey, &found, &st), BV_OK);
    CU_ASSERT_EQUAL(found, 1);
    bv_proof_store_close(s);
}

static void test_file_backend(void)
{
    make_tmpdir();
    char dir[512], uri[600];
    snprintf(dir, sizeof dir, "%s/files", tmpdir);
    snprintf(uri, sizeof uri, "file:%s", dir);
    behaviour(uri);
    /* No temporary files are left behind, only the keys. */
    DIR *d = opendir(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        CU_ASSERT(e->d_name[0] != '.');
        n++;
    }
    closedir(d);
    CU_ASSERT_EQUAL(n, 3); /* empty, validator_proof:99, the long key */
}

static void test_hdf5_backend(void)
{
    make_tmpdir();
    char uri[600];
    snprintf(uri, sizeof uri, "hdf5:%s/proofs.h5", tmpdir);
    behaviour(uri);
}

static void test_open_errors(void)
{
    make_tmpdir();
    bv_proof_store *s = (bv_proof_store *)1;
    bv_status st;
    char uri[600], path[512];
    CU_ASSERT_EQUAL(bv_proof_store_open("ftp:/x", 1, &s, &st), BV_ERR_ARG);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_EQUAL(bv_proof_store_open("file:", 1, &s, &st), BV_ERR_ARG);
    CU_ASSERT_EQUAL(bv_proof_store_open(NULL, 1, &s, &st), BV_ERR_ARG);
    /* file: a missing folder without create, a regular file as folder. */
    snprintf(uri, sizeof uri, "file:%s/missing", tmpdir);
    CU_ASSERT_EQUAL(bv_proof_store_open(uri, 0, &s, &st), BV_ERR_IO);
    snprintf(path, sizeof path, "%s/plain", tmpdir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("not an HDF5 file, not a folder\n", f);
    fclose(f);
    snprintf(uri, sizeof uri, "file:%s", path);
    CU_ASSERT_EQUAL(bv_proof_store_open(uri, 1, &s, &st), BV_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "not a folder"));
    /* hdf5: a non-HDF5 file is refused and left alone; missing without create. */
    snprintf(uri, sizeof uri, "hdf5:%s", path);
    CU_ASSERT_EQUAL(bv_proof_store_open(uri, 1, &s, &st), BV_ERR_FORMAT);
    struct stat sb;
    CU_ASSERT_EQUAL(stat(path, &sb), 0);
    CU_ASSERT_EQUAL(sb.st_size, 31);
    snprintf(uri, sizeof uri, "hdf5:%s/missing.h5", tmpdir);
    CU_ASSERT_EQUAL(bv_proof_store_open(uri, 0, &s, &st), BV_ERR_IO);
    /* redis:// is dispatched to the Redis backend (port 1: nothing listens). */
    CU_ASSERT_NOT_EQUAL(bv_proof_store_open("redis://127.0.0.1:1", 1, &s, &st), BV_OK);
    CU_ASSERT_PTR_NULL(strstr(st.msg, "unknown store URI"));
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "redis"));
    bv_proof_store_close(NULL);
}

static void test_key_rules(void)
{
    CU_ASSERT_EQUAL(bv_store_check_key("lido:balance_verification_proof:37:0", NULL), BV_OK);
    CU_ASSERT_EQUAL(bv_store_check_key("validator_proof:1099511627776:123", NULL), BV_OK);
    CU_ASSERT_EQUAL(bv_store_check_key("a-b_c.d", NULL), BV_OK);
    CU_ASSERT_EQUAL(bv_store_check_key(NULL, NULL), BV_ERR_ARG);
    CU_ASSERT_EQUAL(bv_store_check_key("..", NULL), BV_ERR_ARG);
    CU_ASSERT_EQUAL(bv_store_check_key("a\\b", NULL), BV_ERR_ARG);
    CU_ASSERT_EQUAL(bv_store_check_key("\xc3\xa9", NULL), BV_ERR_ARG);
}

static void cleanup(void)
{
    if (tmpdir[0])
        rm_rf(tmpdir);
}

static void register_suites(void)
{
    atexit(cleanup);
    bv_cu_add_suite("proof_store");
    bv_cu_add_test("key rules", test_key_rules);
    bv_cu_add_test("file backend", test_file_backend);
    bv_cu_add_test("hdf5 backend", test_hdf5_backend);
    bv_cu_add_test("open errors", test_open_errors);
}

BV_CU_MAIN(register_suites)
