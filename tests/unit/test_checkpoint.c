/* test_checkpoint.c - the parallel HDF5 level checkpoint (checkpoint.h), on
 * one MPI process (multi-rank writes are covered by it_job_resume). */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "balverify/checkpoint.h"
#include "cu_main.h"

static char tmpdir[256];

/* Open MPI keeps allocations alive past MPI_Finalize (and unloads the
 * components that made them, so their frames have no module name); leaks
 * whose stack contains no balverify code are suppressed so that LeakSanitizer
 * still reports ours. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libmpi.so\nleak:libopen-pal.so\nleak:libopen-rte.so\nleak:libhwloc.so\n"
           "leak:libpmix.so\nleak:libevent\nleak:<unknown module>\nleak:libhdf5\n";
}

static void path_of(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", tmpdir, name);
}

static void meta_init(bv_ckpt_meta *m)
{
    memset(m, 0, sizeof *m);
    for (int i = 0; i < 32; i++) {
        m->state_root[i] = (uint8_t)(i + 1);
        m->block_root[i] = (uint8_t)(0xA0 + i);
        m->wc[0][i] = (uint8_t)(0x10 + i);
        m->wc[1][i] = (uint8_t)(0x40 + i);
    }
    m->slot = 9000001;
    m->validator_count = 20;
    snprintf(m->fork, sizeof m->fork, "deneb");
    m->n_wc = 2;
}

static void make_nodes(bv_node *nodes, size_t n, bv_node_kind kind, uint32_t level, int proofs)
{
    uint8_t cred[32] = {7};
    for (size_t i = 0; i < n; i++) {
        if (kind == BV_NODE_BALANCE) {
            bv_balance_zero(level, 281250, cred, &nodes[i]);
            nodes[i].pv.balance.sum = 32000000000ULL * (i + 1);
            nodes[i].pv.balance.active = i;
            nodes[i].pv.balance.balances_root[5] = (uint8_t)i;
        } else {
            bv_mapper_zero(level, &nodes[i]);
            nodes[i].pv.mapper.sha_root[0] = (uint8_t)(i + 3);
            nodes[i].pv.mapper.pos_root.e[1] = i * 1000003;
        }
        nodes[i].index = i;
        if (proofs && i % 3 != 1) {
            uint8_t p[40];
            for (size_t b = 0; b < sizeof p; b++)
                p[b] = (uint8_t)(i * 7 + b);
            bv_node_set_proof(&nodes[i], p, 1 + (i * 13) % sizeof p, NULL);
        }
    }
}

static void free_arr(bv_node *nodes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bv_node_free(&nodes[i]);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}

/* Writes steps 0 (complete), 1 (complete) and 2 (incomplete) to `path`. */
static void write_sample(const char *path, bv_node *bal, bv_node *map)
{
    bv_ckpt_meta m;
    meta_init(&m);
    bv_ckpt *c = NULL;
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_ckpt_create(MPI_COMM_WORLD, path, &m, &c, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_begin_level(c, 0, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_write_level(c, 0, BV_NODE_BALANCE, 3, 0, bal, 3, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_write_level(c, 0, BV_NODE_MAPPER, 20, 0, map, 20, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_mark_complete(c, 0, &st), BV_OK);
    bv_node b1[2], m1[10];
    make_nodes(b1, 2, BV_NODE_BALANCE, 1, 0);
    make_nodes(m1, 10, BV_NODE_MAPPER, 1, 0);
    CU_ASSERT_EQUAL(bv_ckpt_begin_level(c, 1, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_write_level(c, 1, BV_NODE_BALANCE, 2, 0, b1, 2, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_write_level(c, 1, BV_NODE_MAPPER, 10, 0, m1, 10, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_mark_complete(c, 1, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_begin_level(c, 2, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_write_level(c, 2, BV_NODE_BALANCE, 1, 0, b1, 1, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_close(c, &st), BV_OK);
}

static void test_roundtrip(void)
{
    char path[512];
    path_of(path, sizeof path, "rt.h5");
    bv_node bal[3], map[20];
    make_nodes(bal, 3, BV_NODE_BALANCE, 0, 1);
    make_nodes(map, 20, BV_NODE_MAPPER, 0, 1);
    write_sample(path, bal, map);

    bv_ckpt_meta m;
    meta_init(&m);
    bv_ckpt *c = NULL;
    bv_status st;
    int last = -5;
    CU_ASSERT_EQUAL_FATAL(bv_ckpt_open(MPI_COMM_WORLD, path, &m, &c, &last, &st), BV_OK);
    CU_ASSERT_EQUAL(last, 1); /* step 2 was never marked complete */
    /* Full and partial ranges read back exactly, proofs included. */
    bv_node *got = NULL;
    CU_ASSERT_EQUAL(bv_ckpt_read_level(c, 0, BV_NODE_MAPPER, 20, 0, 20, &got, &st), BV_OK);
    for (size_t i = 0; got && i < 20; i++)
        CU_ASSERT(bv_node_equal(&got[i], &map[i]));
    if (got) {
        free_arr(got, 20);
        free(got);
    }
    CU_ASSERT_EQUAL(bv_ckpt_read_level(c, 0, BV_NODE_MAPPER, 20, 7, 13, &got, &st), BV_OK);
    for (size_t i = 0; got && i < 6; i++)
        CU_ASSERT(bv_node_equal(&got[i], &map[7 + i]));
    if (got) {
        free_arr(got, 6);
        free(got);
    }
    CU_ASSERT_EQUAL(bv_ckpt_read_level(c, 0, BV_NODE_BALANCE, 3, 1, 3, &got, &st), BV_OK);
    for (size_t i = 0; got && i < 2; i++)
        CU_ASSERT(bv_node_equal(&got[i], &bal[1 + i]));
    if (got) {
        free_arr(got, 2);
        free(got);
    }
    /* An empty range is fine. */
    CU_ASSERT_EQUAL(bv_ckpt_read_level(c, 0, BV_NODE_BALANCE, 3, 3, 3, &got, &st), BV_OK);
    free(got);
    /* Wrong expected total, missing level. */
    CU_ASSERT_EQUAL(bv_ckpt_read_level(c, 0, BV_NODE_MAPPER, 21, 0, 1, &got, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NULL(got);
    CU_ASSERT_EQUAL(bv_ckpt_read_level(c, 9, BV_NODE_MAPPER, 1, 0, 1, &got, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "level_09"));

    /* The incomplete step is rewritten from scratch and then counts. */
    bv_node b2[1], m2[5];
    make_nodes(b2, 1, BV_NODE_BALANCE, 2, 1);
    make_nodes(m2, 5, BV_NODE_MAPPER, 2, 1);
    CU_ASSERT_EQUAL(bv_ckpt_begin_level(c, 2, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_write_level(c, 2, BV_NODE_BALANCE, 1, 0, b2, 1, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_write_level(c, 2, BV_NODE_MAPPER, 5, 0, m2, 5, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_mark_complete(c, 2, &st), BV_OK);
    bv_node fin;
    memset(&fin, 0, sizeof fin);
    fin.kind = BV_NODE_FINAL;
    fin.pv.final.sum = 12345;
    CU_ASSERT_EQUAL(bv_ckpt_write_final(c, &fin, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_close(c, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_open(MPI_COMM_WORLD, path, &m, &c, &last, &st), BV_OK);
    CU_ASSERT_EQUAL(last, 2);
    CU_ASSERT_EQUAL(bv_ckpt_read_level(c, 2, BV_NODE_MAPPER, 5, 0, 5, &got, &st), BV_OK);
    for (size_t i = 0; got && i < 5; i++)
        CU_ASSERT(bv_node_equal(&got[i], &m2[i]));
    if (got) {
        free_arr(got, 5);
        free(got);
    }
    bv_ckpt_close(c, &st);
    free_arr(bal, 3);
    free_arr(map, 20);
    free_arr(b2, 1);
    free_arr(m2, 5);
}

static void test_identity_refused(void)
{
    char path[512];
    path_of(path, sizeof path, "id.h5");
    bv_node bal[3], map[20];
    make_nodes(bal, 3, BV_NODE_BALANCE, 0, 0);
    make_nodes(map, 20, BV_NODE_MAPPER, 0, 0);
    write_sample(path, bal, map);
    size_t len0 = 0, len1 = 0;
    uint8_t *before = slurp(path, &len0);
    bv_ckpt_meta m;
    bv_ckpt *c = (bv_ckpt *)1;
    bv_status st;
    int last;
    struct {
        const char *what;
        const char *msg;
    } cases[] = {{"state root", "state root"},
                 {"block root", "block root"},
                 {"slot", "slot"},
                 {"count", "validators"},
                 {"fork", "deneb"},
                 {"wc content", "credentials"},
                 {"wc count", "credentials"}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        meta_init(&m);
        switch (k) {
        case 0:
            m.state_root[31] ^= 1;
            break;
        case 1:
            m.block_root[0] ^= 1;
            break;
        case 2:
            m.slot++;
            break;
        case 3:
            m.validator_count--;
            break;
        case 4:
            snprintf(m.fork, sizeof m.fork, "electra");
            break;
        case 5:
            m.wc[1][9] ^= 0x80;
            break;
        case 6:
            m.n_wc = 1;
            break;
        }
        c = (bv_ckpt *)1;
        CU_ASSERT_EQUAL(bv_ckpt_open(MPI_COMM_WORLD, path, &m, &c, &last, &st), BV_ERR_VERIFY);
        CU_ASSERT_PTR_NULL(c);
        if (!strstr(st.msg, cases[k].msg))
            fprintf(stderr, "\n    %s: message '%s'\n", cases[k].what, st.msg);
        CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, cases[k].msg));
    }
    uint8_t *after = slurp(path, &len1);
    CU_ASSERT_EQUAL(len0, len1);
    CU_ASSERT(before && after && memcmp(before, after, len0) == 0);
    free(before);
    free(after);
    /* create refuses an existing file. */
    meta_init(&m);
    CU_ASSERT_EQUAL(bv_ckpt_create(MPI_COMM_WORLD, path, &m, &c, &st), BV_ERR_ARG);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "already exists"));
    free_arr(bal, 3);
    free_arr(map, 20);
}

static void test_bad_files(void)
{
    char path[512];
    bv_ckpt_meta m;
    meta_init(&m);
    bv_ckpt *c = NULL;
    bv_status st;
    int last;
    path_of(path, sizeof path, "missing.h5");
    CU_ASSERT_EQUAL(bv_ckpt_open(MPI_COMM_WORLD, path, &m, &c, &last, &st), BV_ERR_IO);
    /* Garbage bytes. */
    path_of(path, sizeof path, "garbage.h5");
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 5000; i++)
        fputc((i * 7919) & 0xFF, f);
    fclose(f);
    CU_ASSERT_EQUAL(bv_ckpt_open(MPI_COMM_WORLD, path, &m, &c, &last, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NULL(c);
    /* A truncated real checkpoint. */
    char good[512];
    path_of(good, sizeof good, "trunc_src.h5");
    bv_node bal[3], map[20];
    make_nodes(bal, 3, BV_NODE_BALANCE, 0, 1);
    make_nodes(map, 20, BV_NODE_MAPPER, 0, 1);
    write_sample(good, bal, map);
    size_t len = 0;
    uint8_t *b = slurp(good, &len);
    path_of(path, sizeof path, "trunc.h5");
    for (size_t cut = 100; cut < len; cut += len / 7) {
        f = fopen(path, "wb");
        fwrite(b, 1, cut, f);
        fclose(f);
        c = NULL;
        bv_err e = bv_ckpt_open(MPI_COMM_WORLD, path, &m, &c, &last, &st);
        if (e == BV_OK) {
            /* Opening may succeed when only raw data is cut; reading the
             * levels must then fail cleanly. */
            bv_node *got = NULL;
            bv_err r = bv_ckpt_read_level(c, 0, BV_NODE_MAPPER, 20, 0, 20, &got, &st);
            if (r == BV_OK) {
                free_arr(got, 20);
                free(got);
            }
            bv_ckpt_close(c, NULL);
        } else {
            CU_ASSERT(st.msg[0] != '\0');
        }
    }
    free(b);
    /* Non-canonical public values written into a level are refused on read. */
    path_of(path, sizeof path, "noncanon.h5");
    CU_ASSERT_EQUAL_FATAL(bv_ckpt_create(MPI_COMM_WORLD, path, &m, &c, &st), BV_OK);
    map[4].pv.mapper.pos_root.e[2] = UINT64_MAX;
    CU_ASSERT_EQUAL(bv_ckpt_begin_level(c, 0, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_write_level(c, 0, BV_NODE_MAPPER, 20, 0, map, 20, &st), BV_OK);
    CU_ASSERT_EQUAL(bv_ckpt_mark_complete(c, 0, &st), BV_OK);
    bv_node *got = NULL;
    CU_ASSERT_EQUAL(bv_ckpt_read_level(c, 0, BV_NODE_MAPPER, 20, 0, 20, &got, &st), BV_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "node 4"));
    CU_ASSERT_EQUAL(bv_ckpt_read_level(c, 0, BV_NODE_MAPPER, 20, 0, 4, &got, &st), BV_OK);
    if (got) {
        free_arr(got, 4);
        free(got);
    }
    bv_ckpt_close(c, NULL);
    free_arr(bal, 3);
    free_arr(map, 20);
}

static void cleanup(void)
{
    char cmd[600];
    if (tmpdir[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "cleanup failed\n");
    }
    int fin = 0;
    MPI_Finalized(&fin);
    if (!fin)
        MPI_Finalize();
}

static void register_suites(void)
{
    MPI_Init(NULL, NULL);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/bv_test_ckpt.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        exit(2);
    }
    atexit(cleanup);
    bv_cu_add_suite("checkpoint");
    bv_cu_add_test("write, reopen, read back, rewrite incomplete", test_roundtrip);
    bv_cu_add_test("identity mismatches refused, file untouched", test_identity_refused);
    bv_cu_add_test("missing, garbage, truncated, non-canonical", test_bad_files);
}

BV_CU_MAIN(register_suites)
