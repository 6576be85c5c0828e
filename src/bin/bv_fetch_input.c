/* bv_fetch_input - download the offline input of a balverify job from one or
 * more beacon nodes (docs/INPUT_FORMAT.md, docs/OPERATIONS.md).
 *
 *   bv_fetch_input --beacon-node URL[,URL...] --state-id ID --out DIR
 *                  [--withdrawal-credentials 0xHEX[,0xHEX...]]
 *                  [--timeout SECONDS] [--connect-timeout SECONDS]
 *                  [--max-state-mb N] [--no-verify]
 *
 * Writes DIR/state.ssz (the state as the debug endpoint serves it), DIR/fork.txt
 * (its Eth-Consensus-Version), DIR/header.json (the block header in the
 * Beacon-API response shape, when the state's slot has a block),
 * DIR/withdrawal_credentials.txt (when credentials are given) and
 * DIR/source.json (where and what was fetched).
 *
 * The snapshot is pinned: a named id (head, finalized, genesis) is resolved
 * to a header first and the state is then fetched by that header's slot, so a
 * head that moves between the two requests cannot mix two snapshots. After the
 * download the state is hashed and must match the header's state_root, its
 * genesis_validators_root must match the node's genesis, and the header's
 * block root must be the hash of its message. */
#include "balverify/beacon_api.h"
#include "balverify/beacon_state.h"
#include "balverify/input.h"
#include "balverify/ssz.h"
#include "balverify/status.h"
#include "balverify/util_hex.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "balverify/util_bytes.h"

static const char *prog = "bv_fetch_input";

static void usage(FILE *f)
{
    fprintf(f,
            "usage: %s --beacon-node URL[,URL...] --state-id ID --out DIR\n"
            "          [--withdrawal-credentials 0xHEX[,0xHEX...]] [--timeout SECONDS]\n"
            "          [--connect-timeout SECONDS] [--max-state-mb N] [--no-verify]\n"
            "  --beacon-node may be repeated; nodes are tried in order (fail-over on\n"
            "  connection errors, timeouts and HTTP 5xx).\n"
            "  ID: head, finalized, justified, genesis, a slot, or a 0x state root.\n",
            prog);
}

static int die(bv_err e, const char *msg)
{
    fprintf(stderr, "%s: error: %s\n", prog, msg);
    return bv_exit_code(e);
}

/* Write text to path atomically (path.tmp then rename). */
static bv_err write_file(const char *path, const char *text, bv_status *st)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return bv_fail(st, BV_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
    size_t n = strlen(text);
    int bad = fwrite(text, 1, n, f) != n;
    bad |= fclose(f) != 0;
    if (bad) {
        unlink(tmp);
        return bv_fail(st, BV_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
    }
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        return bv_fail(st, BV_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    }
    return BV_OK;
}

/* mkdir -p: the output directory and its missing parents. */
static int mkdir_p(const char *dir, char *msg, size_t cap)
{
    char p[4096];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p) {
        snprintf(msg, cap, "directory name too long: %.100s...", dir);
        return -1;
    }
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char keep = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                snprintf(msg, cap, "cannot create directory %.300s: %s", p, strerror(errno));
                return -1;
            }
            *s = keep;
            if (!keep)
                break;
        }
    }
    return 0;
}

static bool parse_positive(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0))
        return false;
    *out = v;
    return true;
}

static bool is_decimal(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

int main(int argc, char **argv)
{
    char nodes[4096] = "";
    const char *state_id = NULL, *out_dir = NULL, *wc_text = NULL;
    bool verify = true;
    bv_beacon_opts opts;
    bv_beacon_opts_default(&opts);
    char msg[BV_STATUS_MSG + 64];

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--no-verify") == 0) {
            verify = false;
            continue;
        }
        if (!v) {
            snprintf(msg, sizeof msg, "option %s needs a value (see --help)", a);
            return die(BV_ERR_ARG, msg);
        }
        i++;
        double d;
        if (strcmp(a, "--beacon-node") == 0) {
            size_t used = strlen(nodes);
            if (used + strlen(v) + 2 > sizeof nodes)
                return die(BV_ERR_ARG, "--beacon-node list too long");
            snprintf(nodes + used, sizeof nodes - used, "%s%s", used ? "," : "", v);
        } else if (strcmp(a, "--state-id") == 0) {
            state_id = v;
        } else if (strcmp(a, "--out") == 0) {
            out_dir = v;
        } else if (strcmp(a, "--withdrawal-credentials") == 0) {
            wc_text = v;
        } else if (strcmp(a, "--timeout") == 0) {
            if (!parse_positive(v, &d))
                return die(BV_ERR_ARG, "--timeout needs a positive number of seconds");
            opts.json_timeout_ms = (long)(d * 1000);
            opts.stall_timeout_s = d < 1 ? 1 : (long)d;
        } else if (strcmp(a, "--connect-timeout") == 0) {
            if (!parse_positive(v, &d))
                return die(BV_ERR_ARG, "--connect-timeout needs a positive number of seconds");
            opts.connect_timeout_ms = (long)(d * 1000);
        } else if (strcmp(a, "--max-state-mb") == 0) {
            if (!parse_positive(v, &d))
                return die(BV_ERR_ARG, "--max-state-mb needs a positive number");
            opts.max_state_bytes = (uint64_t)(d * 1048576.0);
        } else {
            snprintf(msg, sizeof msg, "unknown option %s (see --help)", a);
            return die(BV_ERR_ARG, msg);
        }
    }
    if (!nodes[0])
        return die(BV_ERR_ARG, "missing --beacon-node URL");
    if (!state_id)
        return die(BV_ERR_ARG, "missing --state-id ID");
    if (!out_dir)
        return die(BV_ERR_ARG, "missing --out DIR");

    bv_status st;
    bv_status_clear(&st);
    if (bv_beacon_check_state_id(state_id, &st))
        return die(st.code, st.msg);
    /* Credentials are checked before any download: a typo must not cost a
     * multi-hundred-megabyte transfer. */
    uint8_t wc[BV_MAX_CREDENTIALS][32];
    size_t n_wc = 0;
    if (wc_text && bv_parse_withdrawal_credentials(wc_text, wc, BV_MAX_CREDENTIALS, &n_wc, &st))
        return die(st.code, st.msg);
    if (mkdir_p(out_dir, msg, sizeof msg) != 0)
        return die(BV_ERR_IO, msg);
    struct stat sb;
    if (stat(out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        snprintf(msg, sizeof msg, "%s is not a directory", out_dir);
        return die(BV_ERR_IO, msg);
    }

    bv_beacon_client *c = NULL;
    if (bv_beacon_client_new(&c, nodes, &opts, &st))
        return die(st.code, st.msg);

    int rc = 0;
    bv_beacon_state state;
    memset(&state, 0, sizeof state);
    bool have_state = false;
    bool downloaded = false; /* state.ssz written by this run */
    bv_beacon_genesis genesis;
    bv_beacon_header hdr;
    bool have_header = false;
    char path[4200];

    if (bv_beacon_get_genesis(c, &genesis, &st)) {
        bv_fail_ctx(&st, "reading the genesis");
        goto fail;
    }

    /* 1. Resolve the id to a header where the id names a block. A state root
     *    or "justified" names no block: the header comes after the state. */
    char fetch_id[80];
    snprintf(fetch_id, sizeof fetch_id, "%s", state_id);
    bool id_is_block = strcmp(state_id, "justified") != 0 && strncmp(state_id, "0x", 2) != 0;
    if (id_is_block) {
        if (bv_beacon_get_header(c, state_id, &hdr, &st) == BV_OK) {
            have_header = true;
            snprintf(fetch_id, sizeof fetch_id, "%llu", (unsigned long long)hdr.slot);
        } else if (is_decimal(state_id) && bv_beacon_client_last_http_status(c) == 404) {
            /* An empty slot has a state but no block: continue without header. */
            fprintf(stderr,
                    "%s: note: slot %s has no block; the header will be derived from "
                    "the state\n",
                    prog, state_id);
        } else {
            bv_fail_ctx(&st, "reading the header of %s", state_id);
            goto fail;
        }
    }

    /* 2. The state itself. */
    snprintf(path, sizeof path, "%s/state.ssz", out_dir);
    bv_beacon_state_info info;
    if (bv_beacon_get_state_ssz(c, fetch_id, path, &info, &st)) {
        bv_fail_ctx(&st, "downloading state %s", fetch_id);
        goto fail;
    }
    downloaded = true;
    const char *node_used = bv_beacon_client_last_node(c);
    fprintf(stderr, "%s: downloaded state %s (%s, %llu bytes) from %s in %.2f s (%.1f MB/s)\n",
            prog, fetch_id, info.fork, (unsigned long long)info.bytes, node_used, info.seconds,
            info.seconds > 0 ? (double)info.bytes / 1e6 / info.seconds : 0.0);

    bv_fork fork;
    if (bv_fork_from_name(info.fork, &fork, &st)) {
        bv_fail_ctx(&st, "Eth-Consensus-Version");
        goto fail;
    }
    if (bv_state_load_file(&state, path, BV_FORK_AUTO, BV_PRESET_AUTO, &st)) {
        bv_fail_ctx(&st, "parsing the downloaded state %s", path);
        goto fail;
    }
    have_state = true;
    if (state.fork != fork) {
        bv_fail(&st, BV_ERR_FORMAT,
                "the node says the state is %s (Eth-Consensus-Version) but %s has the %s layout",
                info.fork, path, bv_fork_name(state.fork));
        goto fail;
    }
    const uint8_t *gvr = state.data + 8; /* genesis_time (8) then genesis_validators_root */
    if (memcmp(gvr, genesis.genesis_validators_root, 32) != 0) {
        char a[67], b[67];
        bv_hex_encode(a, gvr, 32);
        bv_hex_encode(b, genesis.genesis_validators_root, 32);
        bv_fail(&st, BV_ERR_VERIFY,
                "genesis_validators_root mismatch: state has %s, the node's genesis says %s "
                "(different chain?)",
                a, b);
        goto fail;
    }
    if (!have_header) {
        char slot_id[32];
        snprintf(slot_id, sizeof slot_id, "%llu", (unsigned long long)state.slot);
        if (bv_beacon_get_header(c, slot_id, &hdr, &st) == BV_OK)
            have_header = true;
        else if (bv_beacon_client_last_http_status(c) != 404) {
            bv_fail_ctx(&st, "reading the header of slot %s", slot_id);
            goto fail;
        }
    }
    if (have_header && hdr.slot != state.slot) {
        bv_fail(&st, BV_ERR_VERIFY,
                "the node served a header for slot %llu but a state at slot %llu",
                (unsigned long long)hdr.slot, (unsigned long long)state.slot);
        goto fail;
    }

    /* 3. Consistency: header root, state root. */
    bv_state_roots roots;
    uint8_t hdr_ssz[BV_SSZ_HEADER_SIZE], block_root[32];
    if (have_header) {
        /* BeaconBlockHeader: slot, proposer_index, parent_root, state_root, body_root */
        bv_put_le64(hdr_ssz, hdr.slot);
        bv_put_le64(hdr_ssz + 8, hdr.proposer_index);
        memcpy(hdr_ssz + 16, hdr.parent_root, 32);
        memcpy(hdr_ssz + 48, hdr.state_root, 32);
        memcpy(hdr_ssz + 80, hdr.body_root, 32);
        bv_ssz_header_root(block_root, hdr_ssz);
        if (memcmp(block_root, hdr.root, 32) != 0) {
            char a[67], b[67];
            bv_hex_encode(a, hdr.root, 32);
            bv_hex_encode(b, block_root, 32);
            bv_fail(&st, BV_ERR_VERIFY,
                    "header root mismatch: the node says %s, the header message hashes to %s", a,
                    b);
            goto fail;
        }
    }
    if (verify) {
        if (bv_state_hash(&state, &roots, &st)) {
            bv_fail_ctx(&st, "hashing %s", path);
            goto fail;
        }
        if (have_header && memcmp(roots.state_root, hdr.state_root, 32) != 0) {
            char a[67], b[67];
            bv_hex_encode(a, hdr.state_root, 32);
            bv_hex_encode(b, roots.state_root, 32);
            bv_fail(&st, BV_ERR_VERIFY,
                    "state root mismatch: header at slot %llu says %s, the downloaded state "
                    "hashes to %s",
                    (unsigned long long)hdr.slot, a, b);
            goto fail;
        }
        if (!have_header) {
            bv_state_block_header(&state, &roots, hdr_ssz);
            bv_ssz_header_root(block_root, hdr_ssz);
        }
    }

    /* 4. The rest of the input directory. */
    char fork_line[32];
    snprintf(fork_line, sizeof fork_line, "%s\n", info.fork);
    snprintf(path, sizeof path, "%s/fork.txt", out_dir);
    if (write_file(path, fork_line, &st))
        goto fail;
    snprintf(path, sizeof path, "%s/header.json", out_dir);
    if (have_header) {
        char *json = bv_beacon_header_to_json(&hdr);
        if (!json) {
            bv_fail(&st, BV_ERR_NOMEM, "out of memory");
            goto fail;
        }
        bv_err e = write_file(path, json, &st);
        free(json);
        if (e)
            goto fail;
    } else {
        unlink(path); /* a stale header from another fetch would not match */
    }
    snprintf(path, sizeof path, "%s/withdrawal_credentials.txt", out_dir);
    if (n_wc) {
        char *text = malloc(n_wc * 68 + 1);
        if (!text) {
            bv_fail(&st, BV_ERR_NOMEM, "out of memory");
            goto fail;
        }
        size_t off = 0;
        for (size_t i = 0; i < n_wc; i++) {
            bv_hex_encode(text + off, wc[i], 32);
            off += 66;
            text[off++] = i + 1 < n_wc ? ',' : '\n';
        }
        text[off] = '\0';
        bv_err e = write_file(path, text, &st);
        free(text);
        if (e)
            goto fail;
    }

    bv_beacon_finality fin;
    bool have_fin = bv_beacon_get_finality(c, fetch_id, &fin, &st) == BV_OK;
    if (!have_fin)
        fprintf(stderr, "%s: warning: no finality checkpoints: %s\n", prog, st.msg);
    bv_status_clear(&st);

    char sroot[67] = "", broot[67] = "";
    if (verify)
        bv_hex_encode(sroot, roots.state_root, 32);
    if (verify || have_header)
        bv_hex_encode(broot, block_root, 32);
    char slot_s[24], bytes_s[24], fin_s[24];
    snprintf(slot_s, sizeof slot_s, "%llu", (unsigned long long)state.slot);
    snprintf(bytes_s, sizeof bytes_s, "%llu", (unsigned long long)info.bytes);
    snprintf(fin_s, sizeof fin_s, "%llu",
             have_fin ? (unsigned long long)fin.finalized_cp.epoch : 0ull);
    cJSON *o = cJSON_CreateObject();
    char *src = NULL;
    if (o && cJSON_AddStringToObject(o, "beacon_node", node_used) &&
        cJSON_AddStringToObject(o, "state_id", state_id) &&
        cJSON_AddStringToObject(o, "slot", slot_s) &&
        cJSON_AddStringToObject(o, "fork", info.fork) &&
        cJSON_AddStringToObject(o, "state_bytes", bytes_s) &&
        cJSON_AddStringToObject(o, "state_root", sroot) &&
        cJSON_AddStringToObject(o, "block_root", broot) &&
        cJSON_AddBoolToObject(o, "header_from_node", have_header) &&
        (have_fin ? cJSON_AddStringToObject(o, "finalized_epoch", fin_s) != NULL
                  : cJSON_AddNullToObject(o, "finalized_epoch") != NULL))
        src = cJSON_Print(o);
    cJSON_Delete(o);
    if (!src) {
        bv_fail(&st, BV_ERR_NOMEM, "out of memory");
        goto fail;
    }
    snprintf(path, sizeof path, "%s/source.json", out_dir);
    bv_err we = write_file(path, src, &st);
    free(src);
    if (we)
        goto fail;

    printf("slot %llu fork %s state_root %s block_root %s -> %s\n", (unsigned long long)state.slot,
           info.fork, verify ? sroot : "(not verified)", broot[0] ? broot : "(not computed)",
           out_dir);
    goto done;
fail:
    rc = die(st.code, st.msg);
    /* Never leave a state that failed its checks where balverify would take
     * it for a good input: remove what this run wrote. */
    if (downloaded) {
        static const char *const names[] = {"state.ssz", "header.json", "fork.txt", "source.json",
                                            "withdrawal_credentials.txt"};
        for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
            if (i == 4 && !n_wc)
                continue;
            snprintf(path, sizeof path, "%s/%s", out_dir, names[i]);
            unlink(path);
        }
    }
done:
    if (have_state)
        bv_state_free(&state);
    bv_beacon_client_free(c);
    return rc;
}
