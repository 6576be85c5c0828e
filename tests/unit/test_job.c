/* test_job.c - the job as a library call on one MPI process (job.h): range
 * splitting, the JSON result, observers, stop/resume through the checkpoint,
 * and a direct recount of the statement. Multi-rank runs are covered by the
 * it_job_* integration scripts. */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "balverify/job.h"
#include "balverify/synth.h"
#include "balverify/validator.h"
#include "cu_main.h"

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}
/* Open MPI's own allocations outlive MPI_Finalize (see test_checkpoint.c). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libmpi.so\nleak:libopen-pal.so\nleak:libopen-rte.so\nleak:libhwloc.so\n"
           "leak:libpmix.so\nleak:libevent\nleak:<unknown module>\nleak:libhdf5\n";
}

static char tmpdir[256];
static char state_path[512];
static uint8_t wc0[32];
static uint8_t *state_bytes;
static size_t state_size;

static void test_split_range(void)
{
    for (uint64_t count = 0; count < 40; count++)
        for (int n = 1; n <= 9; n++) {
            uint64_t prev_hi = 0, maxc = 0, minc = UINT64_MAX;
            for (int r = 0; r < n; r++) {
                uint64_t lo, hi;
                bv_split_range(count, n, r, &lo, &hi);
                CU_ASSERT_EQUAL(lo, prev_hi); /* contiguous, in rank order */
                CU_ASSERT(hi >= lo);
                prev_hi = hi;
                maxc = hi - lo > maxc ? hi - lo : maxc;
                minc = hi - lo < minc ? hi - lo : minc;
                if (r == 0 && count > 0)
                    CU_ASSERT(hi > lo); /* rank 0 owns index 0 */
            }
            CU_ASSERT_EQUAL(prev_hi, count);
            CU_ASSERT(maxc - minc <= 1);
        }
    uint64_t lo, hi;
    bv_split_range(1ULL << 40, 3, 2, &lo, &hi);
    CU_ASSERT_EQUAL(hi, 1ULL << 40);
}

static void test_result_json(void)
{
    bv_job_result r;
    memset(&r, 0, sizeof r);
    r.slot = 123456789;
    r.epoch = 3858024;
    snprintf(r.fork, sizeof r.fork, "deneb");
    for (int i = 0; i < 32; i++) {
        r.state_root[i] = (uint8_t)(0xA0 + i);
        r.block_root[i] = (uint8_t)i;
        r.wc[0][i] = 0xFF;
        r.wc[1][i] = (uint8_t)(16 * i);
    }
    r.n_wc = 2;
    r.validators_poseidon_root.e[0] = 18446744069414584320ULL; /* p - 1 */
    r.validators_poseidon_root.e[3] = 7;
    r.validator_count = 21063;
    r.total_locked_gwei = UINT64_MAX;
    r.active_validators = 5;
    r.slashed_validators = 1;
    char *j = NULL;
    CU_ASSERT_EQUAL_FATAL(bv_job_result_json(&r, &j, NULL), BV_OK);
    static const char *keys[] = {"\"slot\": 123456789,",
                                 "\"epoch\": 3858024,",
                                 "\"fork\": \"deneb\",",
                                 "\"state_root\": \"0xa0a1a2",
                                 "\"block_root\": \"0x000102",
                                 "\"validators_root\": \"0x0000",
                                 "\"balances_root\": \"0x0000",
                                 "\"validators_poseidon_root\": [\"18446744069414584320\", \"0\", "
                                 "\"0\", \"7\"],",
                                 "\"validator_count\": 21063,",
                                 "\"withdrawal_credentials\": [\"0xffff",
                                 "\", \"0x00102030",
                                 "\"total_locked_gwei\": \"18446744073709551615\",",
                                 "\"active_validators\": 5,",
                                 "\"exited_validators\": 0,",
                                 "\"non_activated_validators\": 0,",
                                 "\"slashed_validators\": 1\n}\n"};
    const char *at = j;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        const char *f = strstr(at, keys[k]);
        if (!f)
            fprintf(stderr, "\n    missing or out of order: %s\n", keys[k]);
        CU_ASSERT_PTR_NOT_NULL(f);
        if (f)
            at = f + strlen(keys[k]);
    }
    free(j);
}

/* Observer that counts what it sees. */
typedef struct {
    uint64_t nodes[4];
    int levels_bal, levels_map, finals;
    uint64_t last_total_map;
    int fail_at_level; /* -1: never */
} counter;

static bv_err c_level(void *ctx, bv_node_kind kind, uint32_t level, uint64_t total, uint64_t lo,
                      const bv_node *nodes, size_t n, bv_status *st)
{
    counter *c = ctx;
    CU_ASSERT_EQUAL(lo, 0);
    CU_ASSERT_EQUAL(n, total);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(nodes[i].level, level);
        CU_ASSERT_EQUAL(nodes[i].index, lo + i);
        CU_ASSERT_EQUAL(nodes[i].kind, kind);
    }
    if (kind == BV_NODE_BALANCE)
        c->levels_bal++;
    else {
        c->levels_map++;
        c->last_total_map = total;
    }
    if (c->fail_at_level >= 0 && (int)level == c->fail_at_level)
        return bv_fail(st, BV_ERR_NET, "observer refuses level %u", level);
    return BV_OK;
}

static bv_err c_node(void *ctx, const bv_node *node, bv_status *st)
{
    (void)st;
    ((counter *)ctx)->nodes[node->kind]++;
    return BV_OK;
}

static bv_err c_final(void *ctx, const bv_job_result *res, bv_status *st)
{
    (void)st;
    CU_ASSERT_EQUAL(res->final_node.kind, BV_NODE_FINAL);
    ((counter *)ctx)->finals++;
    return BV_OK;
}

static uint64_t level_sum(uint64_t leaves, unsigned top)
{
    uint64_t s = 0;
    for (unsigned L = 0; L <= top; L++)
        s += (leaves + (1ULL << L) - 1) >> L;
    return s;
}

static void config(bv_job_config *cfg)
{
    bv_job_config_init(cfg);
    cfg->state_path = state_path;
    memcpy(cfg->wc[0], wc0, 32);
    cfg->n_wc = 1;
    cfg->threads = 2;
}

static void test_run_and_recount(void)
{
    bv_job_config cfg;
    config(&cfg);
    counter c;
    memset(&c, 0, sizeof c);
    c.fail_at_level = -1;
    bv_job_observer ob = {&c, c_level, c_node, c_final};
    cfg.observer = &ob;
    bv_job_result res;
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_job_run(MPI_COMM_WORLD, &cfg, &res, &st), BV_OK);
    CU_ASSERT_EQUAL(res.stopped_after_level, -1);
    CU_ASSERT_EQUAL(res.resumed_from_level, -1);
    /* Recount the statement straight from the parsed state. */
    bv_beacon_state s;
    CU_ASSERT_EQUAL_FATAL(
        bv_state_parse(&s, state_bytes, state_size, BV_FORK_AUTO, BV_PRESET_AUTO, &st), BV_OK);
    uint64_t epoch = s.slot / 32, sum = 0, act = 0, ex = 0, pend = 0, sl = 0;
    for (uint64_t i = 0; i < s.validator_count; i++) {
        const uint8_t *rec = bv_state_validator(&s, i);
        if (memcmp(bv_rec_wc(rec), wc0, 32) != 0)
            continue;
        sl += bv_rec_slashed(rec);
        uint64_t ae = bv_rec_activation_epoch(rec), ee = bv_rec_exit_epoch(rec);
        if (ae > epoch)
            pend++;
        else if (epoch < ee) {
            act++;
            sum += bv_state_balance(&s, i);
        } else
            ex++;
    }
    CU_ASSERT(act > 0 && ex > 0); /* the synthetic mix exercises every branch */
    CU_ASSERT_EQUAL(res.total_locked_gwei, sum);
    CU_ASSERT_EQUAL(res.active_validators, act);
    CU_ASSERT_EQUAL(res.exited_validators, ex);
    CU_ASSERT_EQUAL(res.non_activated_validators, pend);
    CU_ASSERT_EQUAL(res.slashed_validators, sl);
    CU_ASSERT_EQUAL(res.validator_count, s.validator_count);
    CU_ASSERT_EQUAL(res.epoch, epoch);
    /* The observer saw every node of both trees exactly once. */
    uint64_t n = s.validator_count;
    CU_ASSERT_EQUAL(c.nodes[BV_NODE_MAPPER], level_sum(n, 40));
    CU_ASSERT_EQUAL(c.nodes[BV_NODE_BALANCE], level_sum((n + 7) / 8, 37));
    CU_ASSERT_EQUAL(c.levels_bal, 38);
    CU_ASSERT_EQUAL(c.levels_map, 41);
    CU_ASSERT_EQUAL(c.last_total_map, 1);
    CU_ASSERT_EQUAL(c.finals, 1);
    bv_job_result_free(&res);

    /* Another credential list changes the statement, not the roots. */
    bv_job_result r2;
    memset(cfg.wc[0], 0xEE, 32);
    cfg.observer = NULL;
    CU_ASSERT_EQUAL(bv_job_run(MPI_COMM_WORLD, &cfg, &r2, &st), BV_OK);
    CU_ASSERT_EQUAL(r2.total_locked_gwei, 0);
    CU_ASSERT_EQUAL(r2.active_validators + r2.exited_validators + r2.non_activated_validators, 0);
    CU_ASSERT_EQUAL(memcmp(r2.validators_root, res.validators_root, 32), 0);
    CU_ASSERT(bv_hash_eq(r2.validators_poseidon_root, res.validators_poseidon_root));
    CU_ASSERT_NOT_EQUAL(
        memcmp(r2.final_node.pv.final.commitment, res.final_node.pv.final.commitment, 32), 0);
}

static void test_stop_resume_and_observer_error(void)
{
    char ck[600];
    snprintf(ck, sizeof ck, "%s/job.h5", tmpdir);
    bv_job_config cfg;
    config(&cfg);
    bv_job_result full, stopped, resumed;
    bv_status st;
    CU_ASSERT_EQUAL_FATAL(bv_job_run(MPI_COMM_WORLD, &cfg, &full, &st), BV_OK);
    cfg.checkpoint_path = ck;
    cfg.stop_after_level = 9;
    CU_ASSERT_EQUAL(bv_job_run(MPI_COMM_WORLD, &cfg, &stopped, &st), BV_OK);
    CU_ASSERT_EQUAL(stopped.stopped_after_level, 9);
    cfg.stop_after_level = -1;
    CU_ASSERT_EQUAL(bv_job_run(MPI_COMM_WORLD, &cfg, &resumed, &st), BV_ERR_ARG); /* exists */
    cfg.resume = 1;
    CU_ASSERT_EQUAL_FATAL(bv_job_run(MPI_COMM_WORLD, &cfg, &resumed, &st), BV_OK);
    CU_ASSERT_EQUAL(resumed.resumed_from_level, 9);
    char *a = NULL, *b = NULL;
    bv_job_result_json(&full, &a, NULL);
    bv_job_result_json(&resumed, &b, NULL);
    CU_ASSERT(a && b && strcmp(a, b) == 0);
    CU_ASSERT(bv_node_equal(&full.final_node, &resumed.final_node));
    free(a);
    free(b);
    /* An observer error stops the job with that error and no result. */
    counter c;
    memset(&c, 0, sizeof c);
    c.fail_at_level = 3;
    bv_job_observer ob = {&c, c_level, NULL, c_final};
    bv_job_config cfg2;
    config(&cfg2);
    cfg2.observer = &ob;
    bv_job_result r;
    CU_ASSERT_EQUAL(bv_job_run(MPI_COMM_WORLD, &cfg2, &r, &st), BV_ERR_NET);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "observer refuses level 3"));
    CU_ASSERT_EQUAL(c.finals, 0);
    CU_ASSERT_EQUAL(r.validator_count, 0);
}

static void test_bad_config(void)
{
    bv_job_config cfg;
    bv_job_result r;
    bv_status st;
    bv_job_config_init(&cfg);
    CU_ASSERT_EQUAL(bv_job_run(MPI_COMM_WORLD, &cfg, &r, &st), BV_ERR_ARG);
    config(&cfg);
    cfg.n_wc = 0;
    CU_ASSERT_EQUAL(bv_job_run(MPI_COMM_WORLD, &cfg, &r, &st), BV_ERR_ARG);
    config(&cfg);
    char missing[600];
    snprintf(missing, sizeof missing, "%s/none.ssz", tmpdir);
    cfg.state_path = missing;
    CU_ASSERT_NOT_EQUAL(bv_job_run(MPI_COMM_WORLD, &cfg, &r, &st), BV_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.msg, "none.ssz"));
    bv_status_clear(&st);
    CU_ASSERT_EQUAL(bv_mpi_agree(MPI_COMM_WORLD, &st), BV_OK);
    bv_fail(&st, BV_ERR_IO, "x");
    CU_ASSERT_EQUAL(bv_mpi_agree(MPI_COMM_WORLD, &st), BV_ERR_IO);
    CU_ASSERT_STRING_EQUAL(st.msg, "x");
}

static void cleanup(void)
{
    char cmd[600];
    if (tmpdir[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "cleanup failed\n");
    }
    free(state_bytes);
    int fin = 0;
    MPI_Finalized(&fin);
    if (!fin)
        MPI_Finalize();
}

static void register_suites(void)
{
    MPI_Init(NULL, NULL);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/bv_test_job.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        exit(2);
    }
    atexit(cleanup);
    bv_synth_params p;
    bv_synth_defaults(&p);
    p.validators = 1237;
    p.seed = 77;
    bv_status st;
    if (bv_synth_state(&p, &state_bytes, &state_size, &st) != BV_OK) {
        fprintf(stderr, "synthetic state: %s\n", st.msg);
        exit(2);
    }
    snprintf(state_path, sizeof state_path, "%s/state.ssz", tmpdir);
    FILE *f = fopen(state_path, "wb");
    if (!f || fwrite(state_bytes, 1, state_size, f) != state_size || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", state_path);
        exit(2);
    }
    bv_synth_credential(p.seed, 0, wc0);
    bv_cu_add_suite("job");
    bv_cu_add_test("contiguous balanced split", test_split_range);
    bv_cu_add_test("result JSON", test_result_json);
    bv_cu_add_test("run, recount, observers", test_run_and_recount);
    bv_cu_add_test("stop, resume, observer error", test_stop_resume_and_observer_error);
    bv_cu_add_test("bad configuration, agreement", test_bad_config);
}

BV_CU_MAIN(register_suites)
