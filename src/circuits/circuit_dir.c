/*
 * circuit_dir.c - circuit files in a circuits directory
 * (include/balverify/circuit_dir.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "balverify/circuit_dir.h"
#include "balverify/gadgets.h"
#include "balverify/serialize.h"

#define MAX_FILE ((size_t)1 << 31)

int bv_plonk_config_same(const bv_plonk_config *a, const bv_plonk_config *b)
{
    return a->num_wires == b->num_wires && a->num_routed_wires == b->num_routed_wires &&
           a->num_constants == b->num_constants && a->security_bits == b->security_bits &&
           a->num_challenges == b->num_challenges &&
           a->max_quotient_degree_factor == b->max_quotient_degree_factor &&
           a->use_base_arithmetic_gate == b->use_base_arithmetic_gate &&
           a->zero_knowledge == b->zero_knowledge && memcmp(&a->fri, &b->fri, sizeof a->fri) == 0;
}

/* The test configuration loads only when it is the one requested. */
static uint32_t load_flags(const bv_plonk_config *cfg)
{
    bv_plonk_config test = bv_plonk_config_test();
    return cfg && bv_plonk_config_same(cfg, &test) ? BV_LOAD_ALLOW_TEST_CONFIG : 0;
}

static void path_of(char *buf, size_t cap, const char *dir, const char *name, const char *ext)
{
    snprintf(buf, cap, "%s/%s.%s", dir, name, ext);
}

static const char *cfg_label(const bv_plonk_config *c)
{
    return c->name ? c->name : "unnamed";
}

static bv_err check_cfg(const char *path, const bv_common_data *cd, const bv_plonk_config *cfg,
                        bv_status *st)
{
    if (cfg && !bv_plonk_config_same(&cd->config, cfg))
        return bv_fail(st, BV_ERR_ARG,
                       "%s was made with the '%s' configuration (%u queries), not the requested "
                       "'%s' (%u queries): one circuits directory holds one configuration",
                       path, cfg_label(&cd->config), cd->config.fri.num_query_rounds,
                       cfg_label(cfg), cfg->fri.num_query_rounds);
    return BV_OK;
}

bv_err bv_circuit_dir_prepare(const char *dir, bv_status *st)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return bv_fail(st, BV_ERR_IO, "cannot create circuits directory %s: %s", dir,
                       strerror(errno));
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return bv_fail(st, BV_ERR_IO, "circuits directory %s is not a directory", dir);
    return BV_OK;
}

int bv_circuit_dir_has(const char *dir, const char *name)
{
    char p[4096];
    path_of(p, sizeof p, dir, name, "circuit");
    if (access(p, R_OK) != 0)
        return 0;
    path_of(p, sizeof p, dir, name, "prover");
    return access(p, R_OK) == 0;
}

/* Writes buf to path through a temporary file + rename, unless path already
 * holds exactly these bytes. */
static bv_err write_atomic(const char *path, const uint8_t *buf, size_t len, bv_status *st)
{
    uint8_t *old = NULL;
    size_t olen = 0;
    bv_status ignored;
    if (bv_plonk_read_file(path, MAX_FILE, &old, &olen, &ignored) == BV_OK) {
        int same = olen == len && memcmp(old, buf, len) == 0;
        free(old);
        if (same)
            return BV_OK;
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    bv_err e = bv_plonk_write_file(tmp, buf, len, st);
    if (e == BV_OK && rename(tmp, path) != 0) {
        e = bv_fail(st, BV_ERR_IO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
    }
    return e;
}

bv_err bv_circuit_dir_save(const char *dir, const char *name, const bv_circuit_data *d,
                           bv_status *st)
{
    const bv_common_data *cd = bv_circuit_data_common(d);
    char p[4096];
    path_of(p, sizeof p, dir, name, "circuit");
    /* refuse to mix configurations: look at an existing file of this name */
    uint8_t *buf = NULL;
    size_t len = 0;
    bv_status ignored;
    if (bv_plonk_read_file(p, MAX_FILE, &buf, &len, &ignored) == BV_OK) {
        bv_verifier_data ovd;
        bv_common_data ocd;
        bv_err e = BV_OK;
        if (bv_circuit_file_deserialize(buf, len, BV_LOAD_ALLOW_TEST_CONFIG, &ovd, &ocd,
                                        &ignored) == BV_OK) {
            e = check_cfg(p, &ocd, &cd->config, st);
            bv_common_data_release(&ocd);
        }
        free(buf);
        if (e != BV_OK)
            return e;
    }
    uint8_t *cbuf = NULL, *pbuf = NULL;
    size_t clen = 0, plen = 0;
    bv_err e = bv_circuit_file_serialize(bv_circuit_data_verifier(d), cd, &cbuf, &clen, st);
    if (e == BV_OK)
        e = bv_prover_data_serialize(d, &pbuf, &plen, st);
    if (e == BV_OK) {
        path_of(p, sizeof p, dir, name, "prover");
        e = write_atomic(p, pbuf, plen, st);
    }
    if (e == BV_OK) {
        path_of(p, sizeof p, dir, name, "circuit");
        e = write_atomic(p, cbuf, clen, st);
    }
    free(cbuf);
    free(pbuf);
    return e;
}

bv_err bv_circuit_dir_load_verifier(const char *dir, const char *name, const bv_plonk_config *cfg,
                                    bv_verifier_data *vd, bv_common_data *cd, bv_status *st)
{
    char p[4096];
    path_of(p, sizeof p, dir, name, "circuit");
    uint8_t *buf = NULL;
    size_t len = 0;
    bv_err e = bv_plonk_read_file(p, MAX_FILE, &buf, &len, st);
    if (e != BV_OK)
        return e;
    e = bv_circuit_file_deserialize(buf, len, load_flags(cfg), vd, cd, st);
    free(buf);
    if (e != BV_OK)
        return bv_fail_ctx(st, "%s", p);
    e = check_cfg(p, cd, cfg, st);
    if (e != BV_OK)
        bv_common_data_release(cd);
    return e;
}

bv_err bv_circuit_dir_load(const char *dir, const char *name, const bv_plonk_config *cfg,
                           bv_circuit_data **out, bv_status *st)
{
    bv_verifier_data vd;
    bv_common_data cd;
    bv_err e = bv_circuit_dir_load_verifier(dir, name, cfg, &vd, &cd, st);
    if (e != BV_OK)
        return e;
    bv_common_data_release(&cd);
    char p[4096];
    path_of(p, sizeof p, dir, name, "prover");
    uint8_t *buf = NULL;
    size_t len = 0;
    e = bv_plonk_read_file(p, MAX_FILE, &buf, &len, st);
    if (e != BV_OK)
        return e;
    e = bv_prover_data_deserialize(buf, len, load_flags(cfg), bv_gadget_generator_by_name, out, st);
    free(buf);
    if (e != BV_OK)
        return bv_fail_ctx(st, "%s", p);
    if (memcmp(&bv_circuit_data_verifier(*out)->circuit_digest, &vd.circuit_digest,
               sizeof vd.circuit_digest) != 0) {
        bv_circuit_data_free(*out);
        *out = NULL;
        return bv_fail(st, BV_ERR_FORMAT,
                       "%s does not belong to %s/%s.circuit (circuit digests differ)", p, dir,
                       name);
    }
    return BV_OK;
}

bv_err bv_circuit_dir_check_config(const char *dir, const bv_plonk_config *cfg, bv_status *st)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? BV_OK
                               : bv_fail(st, BV_ERR_IO, "cannot read circuits directory %s: %s",
                                         dir, strerror(errno));
    bv_err e = BV_OK;
    struct dirent *de;
    while (e == BV_OK && (de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n <= 8 || de->d_name[0] == '.' || strcmp(de->d_name + n - 8, ".circuit") != 0)
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(n - 8), de->d_name);
        bv_verifier_data vd;
        bv_common_data cd;
        bv_status lst;
        bv_status_clear(&lst);
        bv_err le = bv_circuit_dir_load_verifier(dir, name, cfg, &vd, &cd, &lst);
        if (le == BV_OK)
            bv_common_data_release(&cd);
        else if (le == BV_ERR_ARG) /* another configuration; unreadable files are the loader's */
            e = bv_fail(st, le, "%s", lst.msg);
    }
    closedir(d);
    return e;
}
