/*
 * balverify - the native end-to-end MPI job (docs/JOB.md).
 *
 *   mpirun -np N balverify --state FILE.ssz [--header FILE] [--fork NAME]
 *       (--withdrawal-credentials 0xHEX[,0xHEX...] | --withdrawal-credentials-file F)
 *       [--checkpoint FILE.h5]
 *       [--resume] [--output FILE.json] [--threads T] [--verbose]
 *       [--stop-after-level K]
 *       [--redis URI --protocol P [--redis-policy continue|stop] [--redis-spool FILE]]
 *       [--proof-store file:DIR|hdf5:FILE|redis://HOST:PORT]
 *       [--prove [--circuits DIR] [--proof-out FILE] [--proof-config standard|test]]
 *
 * --prove proves every node of both trees and the final layer with the
 * circuits of DIR (default circuits/; missing files are generated first),
 * verifies the final proof, writes it to --proof-out (default final.proof)
 * and the final circuit file beside it (FILE.circuit), and adds "proof",
 * "final_circuit" and "proving" (counts and seconds) to the JSON. The test
 * configuration exists for tests only.
 *
 * Prints the result JSON on stdout (or writes it to --output, atomically) from
 * rank 0. Errors: rank 0 prints one line "balverify: error: MESSAGE" on stderr
 * and every rank exits non-zero; no JSON is written. --stop-after-level K is a
 * testing aid: the job exits with status 75 right after level K is
 * checkpointed, as if it had been killed there. --redis attaches the Redis
 * mirror of docs/REDIS.md to the job's observer.
 */
#include <errno.h>
#include <getopt.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "balverify/beacon_state.h"
#include "balverify/job.h"
#include "balverify/mirror.h"

#define EXIT_STOPPED 75

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: balverify --state FILE.ssz [--header FILE] [--fork NAME]\n"
        "         (--withdrawal-credentials 0xHEX[,0xHEX...] | --withdrawal-credentials-file F)\n"
        "         [--checkpoint FILE.h5]\n"
        "         [--resume] [--output FILE.json] [--threads T] [--verbose]\n"
        "         [--stop-after-level K]\n"
        "         [--redis URI --protocol P [--redis-policy continue|stop] [--redis-spool "
        "FILE]]\n"
        "         [--proof-store file:DIR|hdf5:FILE|redis://HOST:PORT]\n"
        "         [--prove [--circuits DIR] [--proof-out FILE] [--proof-config standard|test]]\n");
}

static bv_err parse_int(const char *opt, const char *v, long min, long max, long *out,
                        bv_status *st)
{
    char *end = NULL;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || !end || *end || end == v || x < min || x > max)
        return bv_fail(st, BV_ERR_ARG, "%s: '%s' is not an integer in [%ld, %ld]", opt, v, min,
                       max);
    *out = x;
    return BV_OK;
}

static bv_err parse_args(int argc, char **argv, bv_job_config *cfg, bv_mirror_config *mc,
                         const char **output, const char **pstore, int *help, bv_status *st)
{
    enum {
        O_STATE = 1,
        O_HEADER,
        O_FORK,
        O_WC,
        O_CKPT,
        O_RESUME,
        O_OUT,
        O_THREADS,
        O_STOP,
        O_VERBOSE,
        O_HELP,
        O_WCFILE,
        O_REDIS,
        O_PROTO,
        O_RPOLICY,
        O_RSPOOL,
        O_PSTORE,
        O_PROVE,
        O_CIRCUITS,
        O_PROOF_OUT,
        O_PROOF_CONFIG
    };
    static const struct option opts[] = {
        {"state", required_argument, NULL, O_STATE},
        {"header", required_argument, NULL, O_HEADER},
        {"fork", required_argument, NULL, O_FORK},
        {"withdrawal-credentials", required_argument, NULL, O_WC},
        {"withdrawal-credentials-file", required_argument, NULL, O_WCFILE},
        {"checkpoint", required_argument, NULL, O_CKPT},
        {"resume", no_argument, NULL, O_RESUME},
        {"output", required_argument, NULL, O_OUT},
        {"threads", required_argument, NULL, O_THREADS},
        {"stop-after-level", required_argument, NULL, O_STOP},
        {"verbose", no_argument, NULL, O_VERBOSE},
        {"redis", required_argument, NULL, O_REDIS},
        {"protocol", required_argument, NULL, O_PROTO},
        {"redis-policy", required_argument, NULL, O_RPOLICY},
        {"redis-spool", required_argument, NULL, O_RSPOOL},
        {"proof-store", required_argument, NULL, O_PSTORE},
        {"prove", no_argument, NULL, O_PROVE},
        {"circuits", required_argument, NULL, O_CIRCUITS},
        {"proof-out", required_argument, NULL, O_PROOF_OUT},
        {"proof-config", required_argument, NULL, O_PROOF_CONFIG},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    int have_wc = 0;
    opterr = 0;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_STATE:
            cfg->state_path = optarg;
            break;
        case O_HEADER:
            cfg->header_path = optarg;
            break;
        case O_FORK:
            if (bv_fork_from_name(optarg, &cfg->fork, st))
                return bv_fail(st, BV_ERR_UNSUPPORTED, "--fork: unknown fork '%s'", optarg);
            break;
        case O_WC:
            if (bv_parse_withdrawal_credentials(optarg, cfg->wc, BV_MAX_CREDENTIALS, &cfg->n_wc,
                                                st))
                return bv_fail_ctx(st, "--withdrawal-credentials");
            have_wc = 1;
            break;
        case O_WCFILE:
            if (bv_load_withdrawal_credentials(optarg, cfg->wc, BV_MAX_CREDENTIALS, &cfg->n_wc, st))
                return bv_fail_ctx(st, "--withdrawal-credentials-file");
            have_wc = 1;
            break;
        case O_CKPT:
            cfg->checkpoint_path = optarg;
            break;
        case O_RESUME:
            cfg->resume = 1;
            break;
        case O_OUT:
            *output = optarg;
            break;
        case O_THREADS:
            if (parse_int("--threads", optarg, 1, 1024, &v, st))
                return st->code;
            cfg->threads = (int)v;
            break;
        case O_STOP:
            if (parse_int("--stop-after-level", optarg, 0, BV_MAPPER_TOP_LEVEL, &v, st))
                return st->code;
            cfg->stop_after_level = (int)v;
            break;
        case O_VERBOSE:
            cfg->verbose = 1;
            mc->verbose = 1;
            break;
        case O_REDIS:
            mc->uri = optarg;
            break;
        case O_PROTO:
            mc->protocol = optarg;
            break;
        case O_RPOLICY:
            if (strcmp(optarg, "continue") == 0)
                mc->policy = BV_MIRROR_CONTINUE;
            else if (strcmp(optarg, "stop") == 0)
                mc->policy = BV_MIRROR_STOP;
            else
                return bv_fail(st, BV_ERR_ARG, "--redis-policy: '%s' is not continue or stop",
                               optarg);
            break;
        case O_RSPOOL:
            mc->spool_path = optarg;
            break;
        case O_PSTORE:
            *pstore = optarg;
            break;
        case O_PROVE:
            cfg->prove = 1;
            break;
        case O_CIRCUITS:
            cfg->circuits_dir = optarg;
            break;
        case O_PROOF_OUT:
            cfg->proof_out = optarg;
            break;
        case O_PROOF_CONFIG:
            if (strcmp(optarg, "standard") != 0 && strcmp(optarg, "test") != 0)
                return bv_fail(st, BV_ERR_ARG, "--proof-config: '%s' is not standard or test",
                               optarg);
            cfg->proof_config = optarg;
            break;
        case O_HELP:
            *help = 1;
            return BV_OK;
        case ':':
            return bv_fail(st, BV_ERR_ARG, "option %s needs a value", argv[optind - 1]);
        default:
            return bv_fail(st, BV_ERR_ARG, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return bv_fail(st, BV_ERR_ARG, "unexpected argument '%s'", argv[optind]);
    if (!cfg->state_path)
        return bv_fail(st, BV_ERR_ARG, "--state FILE is required");
    if (!have_wc || cfg->n_wc == 0)
        return bv_fail(st, BV_ERR_ARG,
                       "--withdrawal-credentials 0xHEX[,0xHEX...] (or "
                       "--withdrawal-credentials-file FILE) is required");
    if (cfg->resume && !cfg->checkpoint_path)
        return bv_fail(st, BV_ERR_ARG, "--resume needs --checkpoint FILE");
    if (!cfg->prove && (cfg->circuits_dir || cfg->proof_out || cfg->proof_config))
        return bv_fail(st, BV_ERR_ARG, "--circuits / --proof-out / --proof-config need --prove");
    if (!mc->uri && (mc->protocol || mc->spool_path))
        return bv_fail(st, BV_ERR_ARG, "--protocol / --redis-spool need --redis URI");
    if (mc->uri && !mc->protocol)
        return bv_fail(st, BV_ERR_ARG, "--redis needs --protocol NAME (e.g. lido)");
    return BV_OK;
}

/* Write to path via a temporary file + rename so that a reader never sees a
 * partial result. */
static bv_err write_output(const char *path, const char *text, bv_status *st)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        bv_fail(st, BV_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
        free(tmp);
        return st->code;
    }
    int bad = fputs(text, f) < 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        bv_fail(st, BV_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return st->code;
    }
    free(tmp);
    return BV_OK;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    bv_status st;
    bv_status_clear(&st);
    bv_job_config cfg;
    bv_job_config_init(&cfg);
    bv_mirror_config mc;
    bv_mirror_config_init(&mc);
    mc.comm = MPI_COMM_WORLD;
    const char *output = NULL;
    int help = 0;
    const char *pstore_uri = NULL;
    parse_args(argc, argv, &cfg, &mc, &output, &pstore_uri, &help, &st);
    if (help) {
        if (rank == 0)
            usage(stdout);
        MPI_Finalize();
        return 0;
    }
    /* Every rank parses the same arguments, so they agree without talking. */
    bv_job_result res;
    memset(&res, 0, sizeof res);
    /* Optional Redis mirror (docs/REDIS.md): an observer of the job. */
    bv_mirror *mirror = NULL;
    bv_job_observer ob;
    if (!st.code && mc.uri) {
        if (bv_state_file_slot(cfg.state_path, &mc.slot, &st) == BV_OK &&
            bv_mirror_open(&mirror, &mc, &st) == BV_OK) {
            bv_mirror_observer(mirror, &ob);
            cfg.observer = &ob;
        }
        if (bv_mpi_agree(MPI_COMM_WORLD, &st) && mirror) {
            bv_mirror_free(mirror);
            mirror = NULL;
        }
    }
    /* Optional proof store: every node, encoded, under "kind:level:index". */
    bv_proof_store *pstore = NULL;
    bv_job_observer sob, chained;
    bv_observer_chain chain;
    if (!st.code && pstore_uri) {
        int nranks;
        MPI_Comm_size(MPI_COMM_WORLD, &nranks);
        if (nranks > 1 && strncmp(pstore_uri, "hdf5:", 5) == 0)
            bv_fail(&st, BV_ERR_ARG,
                    "--proof-store hdf5:FILE is single-process; use file:DIR or redis:// with "
                    "%d ranks",
                    nranks);
        else if (bv_proof_store_open(pstore_uri, 1, &pstore, &st) != BV_OK)
            bv_fail_ctx(&st, "--proof-store");
        if (bv_mpi_agree(MPI_COMM_WORLD, &st) == BV_OK) {
            bv_store_observer(pstore, &sob);
            if (cfg.observer) {
                bv_observer_chain_init(&chain, &sob, cfg.observer, &chained);
                cfg.observer = &chained;
            } else {
                cfg.observer = &sob;
            }
        }
    }
    if (!st.code)
        bv_job_run(MPI_COMM_WORLD, &cfg, &res, &st);
    bv_proof_store_close(pstore);
    if (mirror) {
        /* Collective; runs whether or not the job succeeded so that what was
         * computed reaches Redis (or the spool). Its failure does not undo a
         * verified result: the result is still printed, with a warning. */
        bv_status ms;
        bv_status_clear(&ms);
        bv_mirror_close(mirror, &ms);
        bv_mpi_agree(MPI_COMM_WORLD, &ms);
        if (ms.code && rank == 0)
            fprintf(stderr, "balverify: warning: redis mirror: %s\n", ms.msg);
    }
    int code = 0;
    if (!st.code && res.stopped_after_level >= 0) {
        if (rank == 0)
            fprintf(stderr,
                    "balverify: stopped after level %d as requested; checkpoint %s is ready for "
                    "--resume\n",
                    res.stopped_after_level, cfg.checkpoint_path ? cfg.checkpoint_path : "(none)");
        code = EXIT_STOPPED;
    } else if (!st.code && rank == 0) {
        char *json = NULL;
        if (bv_job_result_json(&res, &json, &st) == BV_OK) {
            if (output)
                write_output(output, json, &st);
            else if (fputs(json, stdout) < 0 || fflush(stdout) != 0)
                bv_fail(&st, BV_ERR_IO, "cannot write the result to stdout");
        }
        free(json);
    }
    if (st.code) {
        if (rank == 0)
            fprintf(stderr, "balverify: error: %s\n", st.msg);
        code = bv_exit_code(st.code);
    }
    bv_job_result_free(&res);
    MPI_Finalize();
    return code;
}
