/*
 * bv_synth_state - write a reproducible synthetic BeaconState (SSZ).
 *
 * usage: bv_synth_state [--fork F] [--preset P] [--validators N] [--seed S]
 *                       [--slot SLOT] [--shared K] [--wc-out FILE] -o STATE.ssz
 * Defaults: deneb, mainnet, 4096 validators, seed 1, 3 shared credentials.
 * --wc-out writes the shared protocol credentials, one per line, in the
 * withdrawal_credentials.txt syntax (docs/INPUT_FORMAT.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/ssz.h"
#include "balverify/synth.h"
#include "balverify/util_hex.h"

static const char *prog = "bv_synth_state";

static bv_err parse_u64(const char *s, const char *what, uint64_t *out, bv_status *st)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return bv_fail(st, BV_ERR_ARG, "%s: '%s' is not a non-negative integer", what, s);
    *out = v;
    return BV_OK;
}

static bv_err write_file(const char *path, const void *data, size_t n, bv_status *st)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return bv_fail(st, BV_ERR_IO, "cannot create %s: %s", path, strerror(errno));
    size_t w = fwrite(data, 1, n, f);
    int err = fclose(f);
    if (w != n || err)
        return bv_fail(st, BV_ERR_IO, "short write to %s", path);
    return BV_OK;
}

int main(int argc, char **argv)
{
    bv_status st;
    bv_status_clear(&st);
    bv_synth_params p;
    bv_synth_defaults(&p);
    const char *out = NULL, *wc_out = NULL;
    bv_err e = BV_OK;
    for (int i = 1; i < argc && e == BV_OK; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t x = 0;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            printf(
                "usage: %s [--fork F] [--preset mainnet|minimal] [--validators N] [--seed S] "
                "[--slot SLOT] [--shared K] [--wc-out FILE] -o STATE.ssz (forks phase0..gloas)\n",
                prog);
            return 0;
        }
        if (!v) {
            e = bv_fail(&st, BV_ERR_ARG, "option %s needs a value", a);
            break;
        }
        i++;
        if (!strcmp(a, "--fork"))
            e = bv_fork_from_name(v, &p.fork, &st);
        else if (!strcmp(a, "--preset"))
            e = bv_preset_from_name(v, &p.preset, &st);
        else if (!strcmp(a, "--validators"))
            e = parse_u64(v, "--validators", &p.validators, &st);
        else if (!strcmp(a, "--seed"))
            e = parse_u64(v, "--seed", &p.seed, &st);
        else if (!strcmp(a, "--slot"))
            e = parse_u64(v, "--slot", &p.slot, &st);
        else if (!strcmp(a, "--shared")) {
            e = parse_u64(v, "--shared", &x, &st);
            if (e == BV_OK && x > 1000)
                e = bv_fail(&st, BV_ERR_ARG, "--shared: at most 1000");
            p.shared_credentials = (unsigned)x;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--out"))
            out = v;
        else if (!strcmp(a, "--wc-out"))
            wc_out = v;
        else
            e = bv_fail(&st, BV_ERR_ARG, "unknown option '%s'", a);
    }
    if (e == BV_OK && !out)
        e = bv_fail(&st, BV_ERR_ARG, "no output file (-o STATE.ssz)");
    if (e == BV_OK && (p.fork == BV_FORK_AUTO || p.preset == BV_PRESET_AUTO))
        e = bv_fail(&st, BV_ERR_ARG, "fork and preset must be explicit");
    uint8_t *data = NULL;
    size_t size = 0;
    if (e == BV_OK)
        e = bv_synth_state(&p, &data, &size, &st);
    if (e == BV_OK)
        e = write_file(out, data, size, &st);
    free(data);
    if (e == BV_OK && wc_out) {
        FILE *f = fopen(wc_out, "w");
        if (!f) {
            e = bv_fail(&st, BV_ERR_IO, "cannot create %s: %s", wc_out, strerror(errno));
        } else {
            fprintf(f, "# shared credentials of bv_synth_state --seed %llu\n",
                    (unsigned long long)p.seed);
            for (unsigned j = 0; j < p.shared_credentials; j++) {
                uint8_t wc[32];
                char hex[67];
                bv_synth_credential(p.seed, j, wc);
                bv_hex_encode(hex, wc, 32);
                fprintf(f, "%s%s\n", hex, j + 1 < p.shared_credentials ? "," : "");
            }
            if (fclose(f))
                e = bv_fail(&st, BV_ERR_IO, "short write to %s", wc_out);
        }
    }
    if (e != BV_OK) {
        fprintf(stderr, "%s: error: %s\n", prog, st.msg);
        return bv_exit_code(e);
    }
    return 0;
}
