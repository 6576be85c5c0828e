/*
 * input.c - offline job input: state file, optional header, withdrawal
 * credentials (include/balverify/input.h, docs/INPUT_FORMAT.md).
 */
#include "balverify/input.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "balverify/util_bytes.h"
#include "balverify/util_hex.h"

bv_err bv_read_file(const char *path, uint8_t **data, size_t *size, bv_status *st)
{
    *data = NULL;
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return bv_fail(st, BV_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return bv_fail(st, BV_ERR_IO, "%s is not a regular file", path);
    }
    size_t n = (size_t)sb.st_size;
    uint8_t *buf = malloc(n + 1);
    if (!buf) {
        fclose(f);
        return bv_fail(st, BV_ERR_NOMEM, "no memory to read %s (%zu bytes)", path, n);
    }
    size_t got = n ? fread(buf, 1, n, f) : 0;
    int err = ferror(f);
    fclose(f);
    if (got != n || err) {
        free(buf);
        return bv_fail(st, BV_ERR_IO, "short read on %s (%zu of %zu bytes)", path, got, n);
    }
    buf[n] = 0;
    *data = buf;
    *size = n;
    return BV_OK;
}

/* ------------------------------------------------------------------ credentials */

bv_err bv_parse_withdrawal_credentials(const char *text, uint8_t (*wc)[32], size_t max, size_t *n,
                                       bv_status *st)
{
    *n = 0;
    const char *p = text;
    size_t item = 0;
    for (;;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (*p == '#') { /* comment to end of line */
            while (*p && *p != '\n')
                p++;
            continue;
        }
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != ',' && *p != '#' && !isspace((unsigned char)*p))
            p++;
        size_t len = (size_t)(p - start);
        item++;
        if (len == 0)
            return bv_fail(st, BV_ERR_ARG, "withdrawal credential %zu is empty", item);
        char tok[80];
        if (len != 66 || start[0] != '0' || (start[1] != 'x' && start[1] != 'X'))
            return bv_fail(st, BV_ERR_ARG,
                           "withdrawal credential %zu ('%.*s') must be 0x followed by 64 hex "
                           "digits",
                           item, (int)(len > 70 ? 70 : len), start);
        memcpy(tok, start, len);
        tok[len] = 0;
        if (*n >= max)
            return bv_fail(st, BV_ERR_ARG, "more than %zu withdrawal credentials", max);
        bv_status hs;
        if (bv_hex_decode(wc[*n], 32, tok, &hs) != BV_OK)
            return bv_fail(st, BV_ERR_ARG, "withdrawal credential %zu ('%s'): %s", item, tok,
                           hs.msg);
        (*n)++;
        while (*p && isspace((unsigned char)*p) && *p != '\n')
            p++;
        if (*p == ',') {
            p++;
            const char *q = p;
            while (*q && isspace((unsigned char)*q))
                q++;
            if (!*q)
                return bv_fail(st, BV_ERR_ARG, "trailing comma after withdrawal credential %zu",
                               item);
        }
    }
    if (*n == 0)
        return bv_fail(st, BV_ERR_ARG, "no withdrawal credential given");
    return BV_OK;
}

bv_err bv_load_withdrawal_credentials(const char *path, uint8_t (*wc)[32], size_t max, size_t *n,
                                      bv_status *st)
{
    uint8_t *data;
    size_t size;
    bv_err e = bv_read_file(path, &data, &size, st);
    if (e != BV_OK)
        return e;
    if (strlen((char *)data) != size) {
        free(data);
        return bv_fail(st, BV_ERR_ARG, "%s: contains a NUL byte", path);
    }
    e = bv_parse_withdrawal_credentials((char *)data, wc, max, n, st);
    free(data);
    if (e != BV_OK)
        return bv_fail_ctx(st, "%s", path);
    return BV_OK;
}

/* ------------------------------------------------------------------ header */

static bv_err json_u64(const cJSON *obj, const char *key, uint64_t *out, bv_status *st)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(v) || !v->valuestring[0])
        return bv_fail(st, BV_ERR_FORMAT, "header JSON: '%s' must be a decimal string", key);
    const char *s = v->valuestring;
    uint64_t x = 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9')
            return bv_fail(st, BV_ERR_FORMAT, "header JSON: '%s' = '%s' is not decimal", key, s);
        unsigned d = (unsigned)(*c - '0');
        if (x > (UINT64_MAX - d) / 10)
            return bv_fail(st, BV_ERR_FORMAT, "header JSON: '%s' = '%s' overflows uint64", key, s);
        x = x * 10 + d;
    }
    *out = x;
    return BV_OK;
}

static bv_err json_root(const cJSON *obj, const char *key, uint8_t out[32], bv_status *st)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsString(v))
        return bv_fail(st, BV_ERR_FORMAT, "header JSON: '%s' must be a 0x hex string", key);
    bv_status hs;
    if (bv_hex_decode(out, 32, v->valuestring, &hs) != BV_OK)
        return bv_fail(st, BV_ERR_FORMAT, "header JSON: '%s': %s", key, hs.msg);
    return BV_OK;
}

bv_err bv_header_parse_json(uint8_t header[BV_SSZ_HEADER_SIZE], const char *json, bv_status *st)
{
    cJSON *root = cJSON_Parse(json);
    if (!root)
        return bv_fail(st, BV_ERR_FORMAT, "header JSON: not valid JSON");
    /* {"data": {"header": {"message": {...}}}} or any suffix of that nesting */
    const cJSON *m = root, *x;
    if ((x = cJSON_GetObjectItemCaseSensitive(m, "data")))
        m = x;
    if (cJSON_IsArray(m))
        m = cJSON_GetArrayItem(m, 0);
    if (m && (x = cJSON_GetObjectItemCaseSensitive(m, "header")))
        m = x;
    if (m && (x = cJSON_GetObjectItemCaseSensitive(m, "message")))
        m = x;
    bv_err e = BV_OK;
    uint64_t slot = 0, proposer = 0;
    if (!cJSON_IsObject(m))
        e = bv_fail(st, BV_ERR_FORMAT, "header JSON: no header message object");
    if (e == BV_OK)
        e = json_u64(m, "slot", &slot, st);
    if (e == BV_OK)
        e = json_u64(m, "proposer_index", &proposer, st);
    if (e == BV_OK)
        e = json_root(m, "parent_root", header + 16, st);
    if (e == BV_OK)
        e = json_root(m, "state_root", header + 48, st);
    if (e == BV_OK)
        e = json_root(m, "body_root", header + 80, st);
    if (e == BV_OK) {
        bv_put_le64(header, slot);
        bv_put_le64(header + 8, proposer);
    }
    cJSON_Delete(root);
    return e;
}

bv_err bv_header_load_file(uint8_t header[BV_SSZ_HEADER_SIZE], const char *path, bv_status *st)
{
    uint8_t *data;
    size_t size;
    bv_err e = bv_read_file(path, &data, &size, st);
    if (e != BV_OK)
        return e;
    size_t i = 0;
    while (i < size && isspace(data[i]))
        i++;
    if (i < size && (data[i] == '{' || data[i] == '[')) {
        e = bv_header_parse_json(header, (const char *)data, st);
    } else if (size == BV_SSZ_HEADER_SIZE) {
        memcpy(header, data, BV_SSZ_HEADER_SIZE);
    } else {
        e = bv_fail(st, BV_ERR_FORMAT,
                    "neither JSON nor a %d-byte SSZ BeaconBlockHeader (%zu bytes)",
                    BV_SSZ_HEADER_SIZE, size);
    }
    free(data);
    if (e != BV_OK)
        return bv_fail_ctx(st, "%s", path);
    return BV_OK;
}

/* ------------------------------------------------------------------ input */

bv_err bv_input_load(bv_input *in, const char *state_path, const char *header_path, bv_fork fork,
                     bv_preset preset, bv_status *st)
{
    memset(in, 0, sizeof *in);

    uint8_t given[BV_SSZ_HEADER_SIZE];
    if (header_path) {
        bv_err e = bv_header_load_file(given, header_path, st);
        if (e != BV_OK)
            return e;
    }
    bv_err e = bv_state_load_file(&in->state, state_path, fork, preset, st);
    if (e != BV_OK)
        return e;
    e = bv_state_check_registry(&in->state, st);
    if (e == BV_OK)
        e = bv_state_hash(&in->state, &in->roots, st);
    if (e != BV_OK) {
        bv_state_free(&in->state);
        return bv_fail_ctx(st, "%s", state_path);
    }
    if (header_path) {
        if (memcmp(given + 48, in->roots.state_root, 32) != 0) {
            char a[67], b[67];
            bv_hex_encode(a, given + 48, 32);
            bv_hex_encode(b, in->roots.state_root, 32);
            bv_state_free(&in->state);
            return bv_fail(st, BV_ERR_VERIFY,
                           "state root mismatch: header says %s, state hashes to %s", a, b);
        }
        memcpy(in->header, given, BV_SSZ_HEADER_SIZE);
        in->header_given = 1;
    } else {
        bv_state_block_header(&in->state, &in->roots, in->header);
        if (memcmp(in->header + 48, in->roots.state_root, 32) != 0) {
            /* A stored latest_block_header carries a non-zero state_root only
             * after process_slot ran on it, i.e. it belongs to an earlier slot. */
            char a[67], b[67];
            bv_hex_encode(a, in->header + 48, 32);
            bv_hex_encode(b, in->roots.state_root, 32);
            bv_state_free(&in->state);
            return bv_fail(st, BV_ERR_VERIFY,
                           "state root mismatch: latest_block_header says %s, state hashes to "
                           "%s (give the block header explicitly)",
                           a, b);
        }
    }
    bv_ssz_header_root(in->block_root, in->header);
    return BV_OK;
}

static int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

bv_err bv_input_load_dir(bv_input *in, const char *dir, bv_fork fork, bv_preset preset,
                         bv_status *st)
{
    char state[4096], hjson[4096], hssz[4096], wcp[4096];
    snprintf(state, sizeof state, "%s/state.ssz", dir);
    snprintf(hjson, sizeof hjson, "%s/header.json", dir);
    snprintf(hssz, sizeof hssz, "%s/header.ssz", dir);
    snprintf(wcp, sizeof wcp, "%s/withdrawal_credentials.txt", dir);
    if (!file_exists(state))
        return bv_fail(st, BV_ERR_IO, "input directory %s has no state.ssz", dir);
    uint8_t wc[BV_MAX_CREDENTIALS][32];
    size_t n_wc = 0;
    if (file_exists(wcp)) {
        bv_err e = bv_load_withdrawal_credentials(wcp, wc, BV_MAX_CREDENTIALS, &n_wc, st);
        if (e != BV_OK)
            return e;
    }
    const char *header = file_exists(hjson) ? hjson : file_exists(hssz) ? hssz : NULL;
    bv_err e = bv_input_load(in, state, header, fork, preset, st);
    if (e != BV_OK)
        return e;
    memcpy(in->wc, wc, sizeof wc);
    in->n_wc = n_wc;
    return BV_OK;
}

void bv_input_free(bv_input *in)
{
    if (in) {
        bv_state_free(&in->state);
        memset(in, 0, sizeof *in);
    }
}
