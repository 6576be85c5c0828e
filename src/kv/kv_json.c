/* kv_json.c - see include/balverify/kv_json.h
 *
 * Encoding is done on a bv_buf (util_buf.h) rather than with cJSON's printer
 * so the output is exactly JSON.stringify's (field order, no spaces, no
 * floating-point formatting of integers). Decoding uses cJSON and checks
 * every field by hand. */
#include "balverify/kv_json.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/ssz.h"
#include "balverify/util_buf.h"
#include "balverify/util_bytes.h"
#include "balverify/util_hex.h"

#define GL_P 0xffffffff00000001ULL

/* ---------------- JSON writing on a bv_buf ---------------- */
/* "name": (with a leading comma unless first) */
static void sb_key(bv_buf *b, const char *name, int first)
{
    bv_buf_put(b, first ? "\"" : ",\"", first ? 1 : 2);
    bv_buf_puts(b, name);
    bv_buf_put(b, "\":", 2);
}

static void sb_bits(bv_buf *b, const uint8_t r[32])
{
    char buf[2 + 256 + 255]; /* brackets, digits, commas */
    size_t o = 0;
    buf[o++] = '[';
    for (int i = 0; i < 256; i++) {
        if (i)
            buf[o++] = ',';
        buf[o++] = (char)('0' + ((r[i / 8] >> (7 - i % 8)) & 1));
    }
    buf[o++] = ']';
    bv_buf_put(b, buf, o);
}

static void sb_bits_list(bv_buf *b, const uint8_t (*r)[32], int n)
{
    bv_buf_put(b, "[", 1);
    for (int i = 0; i < n; i++) {
        if (i)
            bv_buf_put(b, ",", 1);
        sb_bits(b, r[i]);
    }
    bv_buf_put(b, "]", 1);
}

static void sb_hex(bv_buf *b, const uint8_t *p, size_t n)
{
    bv_buf_put(b, "\"", 1);
    char *at = (char *)bv_buf_extend(b, 2 * n);
    if (at) {
        bv_hex_write(at, p, n); /* its NUL lands where the buffer keeps one */
        bv_buf_put(b, "\"", 1);
    }
}

static void sb_dec(bv_buf *b, uint64_t v)
{
    char d[24];
    int n = snprintf(d, sizeof d, "\"%" PRIu64 "\"", v);
    bv_buf_put(b, d, (size_t)n);
}

/* Proof keys are produced by keys.c (no quotes or backslashes); escape
 * anyway so a foreign string never breaks the JSON. */
static void sb_jstr(bv_buf *b, const char *s)
{
    bv_buf_put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            bv_buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            bv_buf_printf(b, "\\u%04x", c);
        else
            bv_buf_put(b, (const char *)&c, 1);
    }
    bv_buf_put(b, "\"", 1);
}

/* ---------------- decoding helpers ---------------- */
static bv_err parse_root(const char *json, size_t len, const char *what, cJSON **out, bv_status *st)
{
    *out = NULL;
    if (!json)
        return bv_fail(st, BV_ERR_FORMAT, "%s: no JSON", what);
    /* Trailing bytes after the value are an error too (a truncated or
     * concatenated value must not pass). */
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    if (!j)
        return bv_fail(st, BV_ERR_FORMAT, "%s: invalid JSON", what);
    for (; end && end < json + len; end++) {
        if (*end != ' ' && *end != '\n' && *end != '\r' && *end != '\t' && *end != '\0') {
            cJSON_Delete(j);
            return bv_fail(st, BV_ERR_FORMAT, "%s: invalid JSON (trailing bytes)", what);
        }
    }
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return bv_fail(st, BV_ERR_FORMAT, "%s: not a JSON object", what);
    }
    *out = j;
    return BV_OK;
}

static const cJSON *field(const cJSON *o, const char *name, const char *ctx, bv_status *st)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!f)
        bv_fail(st, BV_ERR_FORMAT, "%s%s: missing field", ctx, name);
    return f;
}

static bv_err get_bool(const cJSON *o, const char *name, const char *ctx, int *out, bv_status *st)
{
    const cJSON *f = field(o, name, ctx, st);
    if (!f)
        return BV_ERR_FORMAT;
    if (!cJSON_IsBool(f))
        return bv_fail(st, BV_ERR_FORMAT, "%s%s: not a boolean", ctx, name);
    *out = cJSON_IsTrue(f);
    return BV_OK;
}

static bv_err dec_u64(const char *s, uint64_t *out)
{
    if (!s || !*s)
        return BV_ERR_FORMAT;
    if (s[0] == '0' && s[1])
        return BV_ERR_FORMAT; /* no leading zeros: JS toString never writes them */
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return BV_ERR_FORMAT;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return BV_ERR_FORMAT;
        v = v * 10 + d;
    }
    *out = v;
    return BV_OK;
}

/* DendrETH's balance feeder writes FAR_FUTURE_EPOCH as the string
 * "Infinity" in activationEligibilityEpoch and activationEpoch (lodestar
 * reads 2^64 - 1 as Infinity; quirk Q9). The four validator epoch fields
 * take it as FAR_FUTURE_EPOCH (get_epoch); every other numeric field refuses
 * it, and the message says why. */
static int is_infinity(const cJSON *f)
{
    return cJSON_IsString(f) && !strcmp(f->valuestring, "Infinity");
}

static const char *infinity_note(const cJSON *f)
{
    return is_infinity(f) ? " (\"Infinity\" stands for FAR_FUTURE_EPOCH only in the four "
                            "validator epoch fields)"
                          : "";
}

static bv_err get_decstr_item(const cJSON *f, const char *ctx, const char *name, uint64_t *out,
                              bv_status *st)
{
    if (!cJSON_IsString(f) || dec_u64(f->valuestring, out))
        return bv_fail(st, BV_ERR_FORMAT, "%s%s: not a decimal u64 string%s", ctx, name,
                       infinity_note(f));
    return BV_OK;
}

static bv_err get_decstr(const cJSON *o, const char *name, const char *ctx, uint64_t *out,
                         bv_status *st)
{
    const cJSON *f = field(o, name, ctx, st);
    if (!f)
        return BV_ERR_FORMAT;
    return get_decstr_item(f, ctx, name, out, st);
}

/* A validator epoch: a decimal u64 string, or "Infinity" = FAR_FUTURE_EPOCH. */
static bv_err get_epoch(const cJSON *o, const char *name, const char *ctx, uint64_t *out,
                        bv_status *st)
{
    const cJSON *f = field(o, name, ctx, st);
    if (!f)
        return BV_ERR_FORMAT;
    if (is_infinity(f)) {
        *out = BV_FAR_FUTURE_EPOCH;
        return BV_OK;
    }
    return get_decstr_item(f, ctx, name, out, st);
}

/* A JSON number that is an exact non-negative integer <= max. */
static bv_err num_u64(const cJSON *f, uint64_t max, uint64_t *out)
{
    if (!cJSON_IsNumber(f))
        return BV_ERR_FORMAT;
    double d = f->valuedouble;
    if (!(d >= 0) || d > 9007199254740991.0 || d != (double)(uint64_t)d || (uint64_t)d > max)
        return BV_ERR_FORMAT;
    *out = (uint64_t)d;
    return BV_OK;
}

static bv_err get_num(const cJSON *o, const char *name, const char *ctx, uint64_t *out,
                      bv_status *st)
{
    const cJSON *f = field(o, name, ctx, st);
    if (!f)
        return BV_ERR_FORMAT;
    if (num_u64(f, UINT64_MAX, out))
        return bv_fail(st, BV_ERR_FORMAT, "%s%s: not a non-negative integer%s", ctx, name,
                       infinity_note(f));
    return BV_OK;
}

static bv_err get_hex(const cJSON *o, const char *name, const char *ctx, uint8_t *out, size_t n,
                      bv_status *st)
{
    const cJSON *f = field(o, name, ctx, st);
    if (!f)
        return BV_ERR_FORMAT;
    if (!cJSON_IsString(f))
        return bv_fail(st, BV_ERR_FORMAT, "%s%s: not a string", ctx, name);
    const char *s = f->valuestring;
    if (strlen(s) != 2 * n)
        return bv_fail(st, BV_ERR_FORMAT, "%s%s: want %zu hex characters without 0x, got %zu", ctx,
                       name, 2 * n, strlen(s));
    if (bv_hex_read(out, s, n, NULL))
        return bv_fail(st, BV_ERR_FORMAT, "%s%s: not hex", ctx, name);
    return BV_OK;
}

static bv_err bits_item(const cJSON *a, const char *ctx, const char *name, uint8_t out[32],
                        bv_status *st)
{
    if (!cJSON_IsArray(a))
        return bv_fail(st, BV_ERR_FORMAT, "%s%s: not an array of bits", ctx, name);
    int n = cJSON_GetArraySize(a);
    if (n != 256)
        return bv_fail(st, BV_ERR_FORMAT, "%s%s: %d bits, want 256", ctx, name, n);
    memset(out, 0, 32);
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, a)
    {
        uint64_t v;
        if (num_u64(e, 1, &v))
            return bv_fail(st, BV_ERR_FORMAT, "%s%s[%d]: not 0 or 1%s", ctx, name, i,
                           infinity_note(e));
        if (v)
            out[i / 8] |= (uint8_t)(0x80 >> (i % 8));
        i++;
    }
    return BV_OK;
}

static bv_err get_bits(const cJSON *o, const char *name, const char *ctx, uint8_t out[32],
                       bv_status *st)
{
    const cJSON *f = field(o, name, ctx, st);
    if (!f)
        return BV_ERR_FORMAT;
    return bits_item(f, ctx, name, out, st);
}

static bv_err get_bits_list(const cJSON *o, const char *name, const char *ctx, uint8_t (*out)[32],
                            int want, bv_status *st)
{
    const cJSON *f = field(o, name, ctx, st);
    if (!f)
        return BV_ERR_FORMAT;
    if (!cJSON_IsArray(f))
        return bv_fail(st, BV_ERR_FORMAT, "%s%s: not an array", ctx, name);
    int n = cJSON_GetArraySize(f);
    if (n != want)
        return bv_fail(st, BV_ERR_FORMAT, "%s%s: %d entries, want %d", ctx, name, n, want);
    for (int i = 0; i < n; i++) {
        char nm[96];
        snprintf(nm, sizeof nm, "%s[%d]", name, i);
        bv_err e = bits_item(cJSON_GetArrayItem(f, i), ctx, nm, out[i], st);
        if (e)
            return e;
    }
    return BV_OK;
}

/* A list of 1..max bit arrays (withdrawal credentials); *n receives the
 * count. */
static bv_err get_bits_list_var(const cJSON *o, const char *name, const char *ctx,
                                uint8_t (*out)[32], int max, uint32_t *n, bv_status *st)
{
    const cJSON *f = field(o, name, ctx, st);
    if (!f)
        return BV_ERR_FORMAT;
    if (!cJSON_IsArray(f))
        return bv_fail(st, BV_ERR_FORMAT, "%s%s: not an array", ctx, name);
    int k = cJSON_GetArraySize(f);
    if (k < 1 || k > max)
        return bv_fail(st, BV_ERR_FORMAT, "%s%s: %d entries, want 1..%d", ctx, name, k, max);
    *n = (uint32_t)k;
    return get_bits_list(o, name, ctx, out, k, st);
}

/* An array that must be empty (placeholders) or have exactly want items. */
static int array_size(const cJSON *o, const char *name, const char *ctx, bv_status *st)
{
    const cJSON *f = field(o, name, ctx, st);
    if (!f)
        return -1;
    if (!cJSON_IsArray(f)) {
        bv_fail(st, BV_ERR_FORMAT, "%s%s: not an array", ctx, name);
        return -1;
    }
    return cJSON_GetArraySize(f);
}

static bv_err get_string(const cJSON *o, const char *name, const char *ctx, char *out, size_t n,
                         bv_status *st)
{
    const cJSON *f = field(o, name, ctx, st);
    if (!f)
        return BV_ERR_FORMAT;
    if (!cJSON_IsString(f))
        return bv_fail(st, BV_ERR_FORMAT, "%s%s: not a string", ctx, name);
    if (strlen(f->valuestring) >= n)
        return bv_fail(st, BV_ERR_FORMAT, "%s%s: longer than %zu characters", ctx, name, n - 1);
    memcpy(out, f->valuestring, strlen(f->valuestring) + 1);
    return BV_OK;
}

static bv_err get_poseidon4(const cJSON *o, const char *name, const char *ctx, uint64_t out[4],
                            bv_status *st)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, name);
    for (int i = 0; i < 4; i++) {
        char nm[64];
        snprintf(nm, sizeof nm, "%s[%d]", name, i);
        if (get_decstr_item(cJSON_GetArrayItem(f, i), ctx, nm, &out[i], st))
            return BV_ERR_FORMAT;
        if (out[i] >= GL_P)
            return bv_fail(st, BV_ERR_FORMAT, "%s%s: not a canonical field element", ctx, nm);
    }
    return BV_OK;
}

/* ---------------- shared helpers ---------------- */
static bv_err leaf64_value(const uint8_t c[32], const char *name, uint64_t *v, bv_status *st)
{
    for (int i = 8; i < 32; i++)
        if (c[i])
            return bv_fail(st, BV_ERR_FORMAT, "%s: chunk has non-zero high bytes", name);
    *v = bv_le64(c);
    return BV_OK;
}

void bv_sha_input_from_rec(const bv_validator_rec *v, bv_validator_sha_input *o)
{
    memcpy(o->pubkey, v->pubkey, 48);
    memcpy(o->withdrawal_credentials, v->withdrawal_credentials, 32);
    bv_ssz_uint64_leaf(o->effective_balance, v->effective_balance);
    memset(o->slashed, 0, 32);
    o->slashed[0] = v->slashed ? 1 : 0;
    bv_ssz_uint64_leaf(o->activation_eligibility_epoch, v->activation_eligibility_epoch);
    bv_ssz_uint64_leaf(o->activation_epoch, v->activation_epoch);
    bv_ssz_uint64_leaf(o->exit_epoch, v->exit_epoch);
    bv_ssz_uint64_leaf(o->withdrawable_epoch, v->withdrawable_epoch);
}

bv_err bv_sha_input_to_rec(const bv_validator_sha_input *in, bv_validator_rec *o, bv_status *st)
{
    memcpy(o->pubkey, in->pubkey, 48);
    memcpy(o->withdrawal_credentials, in->withdrawal_credentials, 32);
    uint64_t s = 0;
    if (leaf64_value(in->effective_balance, "effectiveBalance", &o->effective_balance, st) ||
        leaf64_value(in->slashed, "slashed", &s, st) ||
        leaf64_value(in->activation_eligibility_epoch, "activationEligibilityEpoch",
                     &o->activation_eligibility_epoch, st) ||
        leaf64_value(in->activation_epoch, "activationEpoch", &o->activation_epoch, st) ||
        leaf64_value(in->exit_epoch, "exitEpoch", &o->exit_epoch, st) ||
        leaf64_value(in->withdrawable_epoch, "withdrawableEpoch", &o->withdrawable_epoch, st))
        return BV_ERR_FORMAT;
    if (s > 1)
        return bv_fail(st, BV_ERR_FORMAT, "slashed: chunk is not an SSZ boolean");
    o->slashed = (int)s;
    return BV_OK;
}

/* ---------------- ValidatorShaInput ---------------- */
static const char *const sha_names[8] = {
    "pubkey",    "withdrawalCredentials",      "effectiveBalance",
    "slashed",   "activationEligibilityEpoch", "activationEpoch",
    "exitEpoch", "withdrawableEpoch"};

char *bv_json_encode_validator_sha_input(const bv_validator_sha_input *v)
{
    const uint8_t *f[8] = {v->pubkey,
                           v->withdrawal_credentials,
                           v->effective_balance,
                           v->slashed,
                           v->activation_eligibility_epoch,
                           v->activation_epoch,
                           v->exit_epoch,
                           v->withdrawable_epoch};
    bv_buf b = BV_BUF_INIT;
    bv_buf_put(&b, "{", 1);
    for (int i = 0; i < 8; i++) {
        sb_key(&b, sha_names[i], i == 0);
        sb_hex(&b, f[i], i == 0 ? 48 : 32);
    }
    bv_buf_put(&b, "}", 1);
    return (char *)bv_buf_take(&b);
}

bv_err bv_json_decode_validator_sha_input(const char *json, size_t len, bv_validator_sha_input *v,
                                          bv_status *st)
{
    cJSON *j;
    bv_err e = parse_root(json, len, "ValidatorShaInput", &j, st);
    if (e)
        return e;
    uint8_t *f[8] = {v->pubkey,
                     v->withdrawal_credentials,
                     v->effective_balance,
                     v->slashed,
                     v->activation_eligibility_epoch,
                     v->activation_epoch,
                     v->exit_epoch,
                     v->withdrawable_epoch};
    for (int i = 0; i < 8 && !e; i++)
        e = get_hex(j, sha_names[i], "ValidatorShaInput.", f[i], i == 0 ? 48 : 32, st);
    cJSON_Delete(j);
    return e;
}

/* ---------------- ValidatorProof ---------------- */
char *bv_json_encode_validator_proof(const bv_validator_proof *p)
{
    bv_buf b = BV_BUF_INIT;
    if (p->needs_change && !p->has_hashes) {
        bv_buf_puts(&b, "{\"needsChange\":true,\"proofKey\":");
        sb_jstr(&b, p->proof_key);
        bv_buf_puts(&b, ",\"poseidonHash\":[],\"sha256Hash\":[]}");
        return (char *)bv_buf_take(&b);
    }
    bv_buf_puts(&b, p->needs_change ? "{\"needsChange\":true" : "{\"needsChange\":false");
    sb_key(&b, "poseidonHash", 0);
    bv_buf_put(&b, "[", 1);
    for (int i = 0; i < 4; i++) {
        if (i)
            bv_buf_put(&b, ",", 1);
        sb_dec(&b, p->poseidon_hash[i]);
    }
    bv_buf_put(&b, "]", 1);
    sb_key(&b, "sha256Hash", 0);
    sb_bits(&b, p->sha256_hash);
    sb_key(&b, "proofKey", 0);
    sb_jstr(&b, p->proof_key);
    bv_buf_put(&b, "}", 1);
    return (char *)bv_buf_take(&b);
}

bv_err bv_json_decode_validator_proof(const char *json, size_t len, bv_validator_proof *p,
                                      bv_status *st)
{
    memset(p, 0, sizeof *p);
    cJSON *j;
    const char *c = "ValidatorProof.";
    bv_err e = parse_root(json, len, "ValidatorProof", &j, st);
    if (e)
        return e;
    e = get_bool(j, "needsChange", c, &p->needs_change, st);
    if (!e)
        e = get_string(j, "proofKey", c, p->proof_key, sizeof p->proof_key, st);
    int np = e ? -1 : array_size(j, "poseidonHash", c, st);
    int ns = np < 0 ? -1 : array_size(j, "sha256Hash", c, st);
    if (!e && (np < 0 || ns < 0))
        e = BV_ERR_FORMAT;
    if (!e) {
        if (np == 0 && ns == 0 && p->needs_change) {
            p->has_hashes = 0; /* placeholder */
        } else if (np != 4) {
            e = bv_fail(st, BV_ERR_FORMAT, "%sposeidonHash: %d elements, want 4", c, np);
        } else {
            e = get_poseidon4(j, "poseidonHash", c, p->poseidon_hash, st);
            if (!e)
                e = get_bits(j, "sha256Hash", c, p->sha256_hash, st);
            p->has_hashes = 1;
        }
    }
    cJSON_Delete(j);
    return e;
}

/* ---------------- ValidatorBalancesInput ---------------- */
static void sb_poseidon_validator(bv_buf *b, const bv_validator_rec *v)
{
    bv_buf_puts(b, "{\"pubkey\":");
    sb_hex(b, v->pubkey, 48);
    bv_buf_puts(b, ",\"withdrawalCredentials\":");
    sb_hex(b, v->withdrawal_credentials, 32);
    bv_buf_puts(b, ",\"effectiveBalance\":");
    sb_dec(b, v->effective_balance);
    bv_buf_printf(b, ",\"slashed\":%d", v->slashed ? 1 : 0);
    bv_buf_puts(b, ",\"activationEligibilityEpoch\":");
    sb_dec(b, v->activation_eligibility_epoch);
    bv_buf_puts(b, ",\"activationEpoch\":");
    sb_dec(b, v->activation_epoch);
    bv_buf_puts(b, ",\"exitEpoch\":");
    sb_dec(b, v->exit_epoch);
    bv_buf_puts(b, ",\"withdrawableEpoch\":");
    sb_dec(b, v->withdrawable_epoch);
    bv_buf_put(b, "}", 1);
}

char *bv_json_encode_balances_input(const bv_balances_input *in)
{
    bv_buf b = BV_BUF_INIT;
    bv_buf_puts(&b, "{\"balances\":");
    sb_bits_list(&b, in->balances, 2);
    bv_buf_puts(&b, ",\"validators\":[");
    for (int i = 0; i < 8; i++) {
        if (i)
            bv_buf_put(&b, ",", 1);
        sb_poseidon_validator(&b, &in->validators[i]);
    }
    bv_buf_puts(&b, "],\"withdrawalCredentials\":");
    sb_bits_list(&b, in->withdrawal_credentials, (int)in->num_credentials);
    bv_buf_puts(&b, ",\"currentEpoch\":");
    sb_dec(&b, in->current_epoch);
    bv_buf_puts(&b, ",\"validatorIsZero\":[");
    for (int i = 0; i < 8; i++)
        bv_buf_printf(&b, i ? ",%d" : "%d", in->validator_is_zero[i] ? 1 : 0);
    bv_buf_puts(&b, "]}");
    return (char *)bv_buf_take(&b);
}

static bv_err decode_poseidon_validator(const cJSON *o, int idx, bv_validator_rec *v, bv_status *st)
{
    char c[48];
    snprintf(c, sizeof c, "validators[%d].", idx);
    if (!cJSON_IsObject(o))
        return bv_fail(st, BV_ERR_FORMAT, "validators[%d]: not an object", idx);
    uint64_t sl;
    bv_err e = get_hex(o, "pubkey", c, v->pubkey, 48, st);
    if (!e)
        e = get_hex(o, "withdrawalCredentials", c, v->withdrawal_credentials, 32, st);
    if (!e)
        e = get_decstr(o, "effectiveBalance", c, &v->effective_balance, st);
    if (!e) {
        const cJSON *f = field(o, "slashed", c, st);
        if (!f || num_u64(f, 1, &sl))
            e = f ? bv_fail(st, BV_ERR_FORMAT, "%sslashed: not the number 0 or 1%s", c,
                            infinity_note(f))
                  : BV_ERR_FORMAT;
        else
            v->slashed = (int)sl;
    }
    if (!e)
        e = get_epoch(o, "activationEligibilityEpoch", c, &v->activation_eligibility_epoch, st);
    if (!e)
        e = get_epoch(o, "activationEpoch", c, &v->activation_epoch, st);
    if (!e)
        e = get_epoch(o, "exitEpoch", c, &v->exit_epoch, st);
    if (!e)
        e = get_epoch(o, "withdrawableEpoch", c, &v->withdrawable_epoch, st);
    return e;
}

bv_err bv_json_decode_balances_input(const char *json, size_t len, bv_balances_input *in,
                                     bv_status *st)
{
    memset(in, 0, sizeof *in);
    cJSON *j;
    const char *c = "ValidatorBalancesInput.";
    bv_err e = parse_root(json, len, "ValidatorBalancesInput", &j, st);
    if (e)
        return e;
    e = get_bits_list(j, "balances", c, in->balances, 2, st);
    if (!e) {
        const cJSON *vs = field(j, "validators", c, st);
        if (!vs)
            e = BV_ERR_FORMAT;
        else if (!cJSON_IsArray(vs) || cJSON_GetArraySize(vs) != 8)
            e = bv_fail(st, BV_ERR_FORMAT, "%svalidators: want an array of 8 validators", c);
        for (int i = 0; i < 8 && !e; i++)
            e = decode_poseidon_validator(cJSON_GetArrayItem(vs, i), i, &in->validators[i], st);
    }
    if (!e)
        e = get_bits_list_var(j, "withdrawalCredentials", c, in->withdrawal_credentials,
                              BV_KV_MAX_CREDENTIALS, &in->num_credentials, st);
    if (!e)
        e = get_decstr(j, "currentEpoch", c, &in->current_epoch, st);
    if (!e) {
        const cJSON *z = field(j, "validatorIsZero", c, st);
        if (!z)
            e = BV_ERR_FORMAT;
        else if (!cJSON_IsArray(z) || cJSON_GetArraySize(z) != 8)
            e = bv_fail(st, BV_ERR_FORMAT, "%svalidatorIsZero: want 8 numbers 0/1", c);
        for (int i = 0; i < 8 && !e; i++) {
            uint64_t v;
            const cJSON *zi = cJSON_GetArrayItem(z, i);
            if (num_u64(zi, 1, &v))
                e = bv_fail(st, BV_ERR_FORMAT, "%svalidatorIsZero[%d]: not 0 or 1%s", c, i,
                            infinity_note(zi));
            else
                in->validator_is_zero[i] = (uint8_t)v;
        }
    }
    cJSON_Delete(j);
    return e;
}

/* ---------------- BalanceProof ---------------- */
char *bv_json_encode_balance_proof(const bv_balance_proof *p)
{
    bv_buf b = BV_BUF_INIT;
    if (p->needs_change && !p->has_data) {
        bv_buf_puts(&b,
                    "{\"needsChange\":true,\"rangeTotalValue\":\"0\",\"validatorsCommitment\":[],"
                    "\"proofKey\":");
        sb_jstr(&b, p->proof_key);
        bv_buf_puts(&b, ",\"balancesHash\":[],\"withdrawalCredentials\":[],\"currentEpoch\":\"0\","
                        "\"numberOfNonActivatedValidators\":0,\"numberOfActiveValidators\":0,"
                        "\"numberOfExitedValidators\":0}");
        return (char *)bv_buf_take(&b);
    }
    bv_buf_puts(&b, p->needs_change ? "{\"needsChange\":true" : "{\"needsChange\":false");
    bv_buf_puts(&b, ",\"rangeTotalValue\":");
    sb_dec(&b, p->range_total_value);
    bv_buf_puts(&b, ",\"validatorsCommitment\":[");
    for (int i = 0; i < 4; i++) {
        if (i)
            bv_buf_put(&b, ",", 1);
        sb_dec(&b, p->validators_commitment[i]);
    }
    bv_buf_puts(&b, "],\"balancesHash\":");
    sb_bits(&b, p->balances_hash);
    bv_buf_puts(&b, ",\"withdrawalCredentials\":");
    sb_bits_list(&b, p->withdrawal_credentials, (int)p->num_credentials);
    bv_buf_puts(&b, ",\"currentEpoch\":");
    sb_dec(&b, p->current_epoch);
    bv_buf_printf(&b,
                  ",\"numberOfNonActivatedValidators\":%" PRIu64
                  ",\"numberOfActiveValidators\":%" PRIu64 ",\"numberOfExitedValidators\":%" PRIu64
                  ",\"numberOfSlashedValidators\":%" PRIu64,
                  p->non_activated, p->active, p->exited, p->slashed);
    bv_buf_puts(&b, ",\"proofKey\":");
    sb_jstr(&b, p->proof_key);
    bv_buf_put(&b, "}", 1);
    return (char *)bv_buf_take(&b);
}

bv_err bv_json_decode_balance_proof(const char *json, size_t len, bv_balance_proof *p,
                                    bv_status *st)
{
    memset(p, 0, sizeof *p);
    cJSON *j;
    const char *c = "BalanceProof.";
    bv_err e = parse_root(json, len, "BalanceProof", &j, st);
    if (e)
        return e;
    e = get_bool(j, "needsChange", c, &p->needs_change, st);
    if (!e)
        e = get_string(j, "proofKey", c, p->proof_key, sizeof p->proof_key, st);
    if (!e)
        e = get_decstr(j, "rangeTotalValue", c, &p->range_total_value, st);
    if (!e)
        e = get_decstr(j, "currentEpoch", c, &p->current_epoch, st);
    if (!e)
        e = get_num(j, "numberOfNonActivatedValidators", c, &p->non_activated, st);
    if (!e)
        e = get_num(j, "numberOfActiveValidators", c, &p->active, st);
    if (!e)
        e = get_num(j, "numberOfExitedValidators", c, &p->exited, st);
    if (!e) {
        /* Absent only in the TS placeholder (quirk Q1). */
        if (cJSON_GetObjectItemCaseSensitive(j, "numberOfSlashedValidators")) {
            e = get_num(j, "numberOfSlashedValidators", c, &p->slashed, st);
            p->has_slashed = 1;
        }
    }
    int nc = e ? -1 : array_size(j, "validatorsCommitment", c, st);
    int nb = nc < 0 ? -1 : array_size(j, "balancesHash", c, st);
    int nw = nb < 0 ? -1 : array_size(j, "withdrawalCredentials", c, st);
    if (!e && (nc < 0 || nb < 0 || nw < 0))
        e = BV_ERR_FORMAT;
    if (!e) {
        if (nc == 0 && nb == 0 && nw == 0 && p->needs_change) {
            p->has_data = 0;
        } else {
            if (!p->has_slashed)
                e = bv_fail(st, BV_ERR_FORMAT, "%snumberOfSlashedValidators: missing field", c);
            if (!e && nc != 4)
                e = bv_fail(st, BV_ERR_FORMAT, "%svalidatorsCommitment: %d elements, want 4", c,
                            nc);
            if (!e)
                e = get_poseidon4(j, "validatorsCommitment", c, p->validators_commitment, st);
            if (!e)
                e = get_bits(j, "balancesHash", c, p->balances_hash, st);
            if (!e)
                e = get_bits_list_var(j, "withdrawalCredentials", c, p->withdrawal_credentials,
                                      BV_KV_MAX_CREDENTIALS, &p->num_credentials, st);
            p->has_data = 1;
        }
    }
    cJSON_Delete(j);
    return e;
}

/* ---------------- FinalCircuitInput ---------------- */
char *bv_json_encode_final_input(const bv_final_circuit_input *in)
{
    int d = (int)in->branch_depth;
    bv_buf b = BV_BUF_INIT;
    bv_buf_puts(&b, "{\"stateRoot\":");
    sb_bits(&b, in->state_root);
    bv_buf_puts(&b, ",\"stateRootBranch\":");
    sb_bits_list(&b, in->state_root_branch, 3);
    bv_buf_puts(&b, ",\"blockRoot\":");
    sb_bits(&b, in->block_root);
    bv_buf_puts(&b, ",\"slot\":");
    sb_dec(&b, in->slot);
    bv_buf_puts(&b, ",\"slotBranch\":");
    sb_bits_list(&b, in->slot_branch, d);
    bv_buf_puts(&b, ",\"withdrawalCredentials\":");
    sb_bits_list(&b, in->withdrawal_credentials, (int)in->num_credentials);
    bv_buf_puts(&b, ",\"balanceBranch\":");
    sb_bits_list(&b, in->balance_branch, d);
    bv_buf_puts(&b, ",\"validatorsBranch\":");
    sb_bits_list(&b, in->validators_branch, d);
    bv_buf_puts(&b, ",\"validatorsSizeBits\":");
    sb_bits(&b, in->validators_size_bits);
    bv_buf_put(&b, "}", 1);
    return (char *)bv_buf_take(&b);
}

bv_err bv_json_decode_final_input(const char *json, size_t len, bv_final_circuit_input *in,
                                  bv_status *st)
{
    memset(in, 0, sizeof *in);
    cJSON *j;
    const char *c = "FinalCircuitInput.";
    bv_err e = parse_root(json, len, "FinalCircuitInput", &j, st);
    if (e)
        return e;
    if (!e)
        e = get_bits(j, "stateRoot", c, in->state_root, st);
    if (!e)
        e = get_bits_list(j, "stateRootBranch", c, in->state_root_branch, 3, st);
    if (!e)
        e = get_bits(j, "blockRoot", c, in->block_root, st);
    if (!e)
        e = get_decstr(j, "slot", c, &in->slot, st);
    if (!e) {
        int d = array_size(j, "slotBranch", c, st);
        if (d < 0)
            e = BV_ERR_FORMAT;
        else if (d != 5 && d != 6)
            e = bv_fail(st, BV_ERR_FORMAT, "%sslotBranch: %d entries, want 5 or 6", c, d);
        else
            in->branch_depth = (uint32_t)d;
    }
    if (!e)
        e = get_bits_list(j, "slotBranch", c, in->slot_branch, (int)in->branch_depth, st);
    if (!e)
        e = get_bits_list_var(j, "withdrawalCredentials", c, in->withdrawal_credentials,
                              BV_KV_MAX_CREDENTIALS, &in->num_credentials, st);
    if (!e)
        e = get_bits_list(j, "balanceBranch", c, in->balance_branch, (int)in->branch_depth, st);
    if (!e)
        e = get_bits_list(j, "validatorsBranch", c, in->validators_branch, (int)in->branch_depth,
                          st);
    if (!e)
        e = get_bits(j, "validatorsSizeBits", c, in->validators_size_bits, st);
    cJSON_Delete(j);
    return e;
}

/* ---------------- FinalProof ---------------- */
char *bv_json_encode_final_proof(const bv_final_proof *p)
{
    bv_buf b = BV_BUF_INIT;
    bv_buf_puts(&b, "{\"needsChange\":false,\"blockRoot\":");
    sb_bits(&b, p->block_root);
    bv_buf_puts(&b, ",\"withdrawalCredentials\":");
    sb_bits_list(&b, p->withdrawal_credentials, (int)p->num_credentials);
    bv_buf_puts(&b, ",\"balanceSum\":[");
    uint32_t lo = (uint32_t)p->balance_sum, hi = (uint32_t)(p->balance_sum >> 32);
    if (hi)
        bv_buf_printf(&b, "%u,%u", lo, hi);
    else if (lo)
        bv_buf_printf(&b, "%u", lo);
    bv_buf_printf(&b,
                  "],\"numberOfNonActivatedValidators\":%" PRIu64
                  ",\"numberOfActiveValidators\":%" PRIu64 ",\"numberOfExitedValidators\":%" PRIu64
                  ",\"numberOfSlashedValidators\":%" PRIu64 ",\"proof\":[",
                  p->non_activated, p->active, p->exited, p->slashed);
    for (size_t i = 0; i < p->proof_len; i++)
        bv_buf_printf(&b, i ? ",%u" : "%u", p->proof[i]);
    bv_buf_puts(&b, "]}");
    return (char *)bv_buf_take(&b);
}

bv_err bv_json_decode_final_proof(const char *json, size_t len, bv_final_proof *p, bv_status *st)
{
    memset(p, 0, sizeof *p);
    cJSON *j;
    const char *c = "FinalProof.";
    bv_err e = parse_root(json, len, "FinalProof", &j, st);
    if (e)
        return e;
    int nc;
    e = get_bool(j, "needsChange", c, &nc, st);
    if (!e)
        e = get_bits(j, "blockRoot", c, p->block_root, st);
    if (!e)
        e = get_bits_list_var(j, "withdrawalCredentials", c, p->withdrawal_credentials,
                              BV_KV_MAX_CREDENTIALS, &p->num_credentials, st);
    if (!e) {
        int n = array_size(j, "balanceSum", c, st);
        if (n < 0)
            e = BV_ERR_FORMAT;
        else if (n > 2)
            e = bv_fail(st, BV_ERR_FORMAT, "%sbalanceSum: %d limbs, at most 2", c, n);
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "balanceSum");
        for (int i = 0; i < n && !e; i++) {
            uint64_t v;
            const cJSON *li = cJSON_GetArrayItem(a, i);
            if (num_u64(li, 0xffffffffULL, &v))
                e = bv_fail(st, BV_ERR_FORMAT, "%sbalanceSum[%d]: not a u32 limb%s", c, i,
                            infinity_note(li));
            else
                p->balance_sum |= v << (32 * i);
        }
    }
    if (!e)
        e = get_num(j, "numberOfNonActivatedValidators", c, &p->non_activated, st);
    if (!e)
        e = get_num(j, "numberOfActiveValidators", c, &p->active, st);
    if (!e)
        e = get_num(j, "numberOfExitedValidators", c, &p->exited, st);
    if (!e)
        e = get_num(j, "numberOfSlashedValidators", c, &p->slashed, st);
    if (!e) {
        int n = array_size(j, "proof", c, st);
        if (n < 0)
            e = BV_ERR_FORMAT;
        uint8_t *buf = NULL;
        if (!e && n > 0) {
            buf = malloc((size_t)n);
            if (!buf)
                e = bv_fail(st, BV_ERR_NOMEM, "%sproof: out of memory", c);
        }
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "proof");
        int i = 0;
        const cJSON *it;
        if (!e) {
            cJSON_ArrayForEach(it, a)
            {
                uint64_t v;
                if (num_u64(it, 255, &v)) {
                    e = bv_fail(st, BV_ERR_FORMAT, "%sproof[%d]: not a byte", c, i);
                    break;
                }
                buf[i++] = (uint8_t)v;
            }
        }
        if (e) {
            free(buf);
        } else {
            p->proof = buf;
            p->proof_len = (size_t)n;
        }
    }
    cJSON_Delete(j);
    return e;
}

/* ---------------- zero values and placeholders ---------------- */
void bv_zero_validator_rec(bv_validator_rec *v)
{
    memset(v, 0, sizeof *v);
}

void bv_zero_balances_input(const uint8_t (*wc)[32], uint32_t n, uint64_t current_epoch,
                            bv_balances_input *out)
{
    memset(out, 0, sizeof *out);
    out->num_credentials = n;
    memcpy(out->withdrawal_credentials, wc, 32 * (size_t)n);
    out->current_epoch = current_epoch;
    for (int i = 0; i < 8; i++)
        out->validator_is_zero[i] = 1;
}

void bv_validator_proof_placeholder(bv_validator_proof *p, int zero)
{
    memset(p, 0, sizeof *p);
    p->needs_change = 1;
    if (zero)
        snprintf(p->proof_key, sizeof p->proof_key, "invalid");
}

void bv_balance_proof_placeholder(bv_balance_proof *p)
{
    memset(p, 0, sizeof *p);
    p->needs_change = 1;
}
