/* beacon_api_json.c - shape-checked parsing of Beacon-API JSON responses.
 * See include/balverify/beacon_api.h.
 *
 * Every accessor takes the JSON path of the parent object so that an error
 * names the exact field ("data[3].validator.exit_epoch"): an operator facing
 * a misbehaving node must see which value was wrong, not "bad JSON". */
#include "balverify/beacon_api.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/util_hex.h"

typedef struct {
    const char *what; /* URL or file name, for messages */
    bv_status *st;
} jctx;

static const char *jtype(const cJSON *v)
{
    if (!v)
        return "nothing";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "an invalid value";
}

static bv_err jfail(jctx *c, const char *path, const char *key, const char *problem)
{
    return bv_fail(c->st, BV_ERR_FORMAT, "%s: %s%s%s: %s", c->what, path, *path ? "." : "", key,
                   problem);
}

static bv_err jwrong(jctx *c, const char *path, const char *key, const char *want, const cJSON *got)
{
    char msg[128];
    snprintf(msg, sizeof msg, "expected %s, got %s", want, jtype(got));
    return jfail(c, path, key, msg);
}

/* The member `key` of object `obj`; NULL (and an error) when absent. */
static const cJSON *jget(jctx *c, const cJSON *obj, const char *path, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v)
        jfail(c, path, key, "missing field");
    return v;
}

static bv_err jobj(jctx *c, const cJSON *obj, const char *path, const char *key, const cJSON **out)
{
    const cJSON *v = jget(c, obj, path, key);
    if (!v)
        return BV_ERR_FORMAT;
    if (!cJSON_IsObject(v))
        return jwrong(c, path, key, "an object", v);
    *out = v;
    return BV_OK;
}

/* Decimal string that fits in uint64: the API's encoding of every integer. */
static bv_err parse_u64_text(const char *s, uint64_t *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > 20)
        return BV_ERR_FORMAT;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return BV_ERR_FORMAT;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return BV_ERR_FORMAT;
        v = v * 10 + d;
    }
    *out = v;
    return BV_OK;
}

static bv_err ju64(jctx *c, const cJSON *obj, const char *path, const char *key, uint64_t *out)
{
    const cJSON *v = jget(c, obj, path, key);
    if (!v)
        return BV_ERR_FORMAT;
    if (!cJSON_IsString(v))
        return jwrong(c, path, key, "a decimal string", v);
    if (parse_u64_text(v->valuestring, out) != BV_OK) {
        char msg[96];
        snprintf(msg, sizeof msg, "\"%.40s\" is not a decimal uint64", v->valuestring);
        return jfail(c, path, key, msg);
    }
    return BV_OK;
}

static bv_err jhex(jctx *c, const cJSON *obj, const char *path, const char *key, uint8_t *out,
                   size_t n)
{
    const cJSON *v = jget(c, obj, path, key);
    if (!v)
        return BV_ERR_FORMAT;
    if (!cJSON_IsString(v))
        return jwrong(c, path, key, "a 0x hex string", v);
    const char *s = v->valuestring;
    char msg[128];
    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) {
        snprintf(msg, sizeof msg, "\"%.20s\" has no 0x prefix", s);
        return jfail(c, path, key, msg);
    }
    s += 2;
    size_t len = strlen(s);
    if (len != 2 * n) {
        snprintf(msg, sizeof msg, "expected %zu bytes (%zu hex digits), got %zu hex digits", n,
                 2 * n, len);
        return jfail(c, path, key, msg);
    }
    size_t bad;
    if (bv_hex_read(out, s, n, &bad)) {
        snprintf(msg, sizeof msg, "non-hex character at digit %zu", bad);
        return jfail(c, path, key, msg);
    }
    return BV_OK;
}

static bv_err jbool(jctx *c, const cJSON *obj, const char *path, const char *key, bool *out)
{
    const cJSON *v = jget(c, obj, path, key);
    if (!v)
        return BV_ERR_FORMAT;
    if (!cJSON_IsBool(v))
        return jwrong(c, path, key, "a boolean", v);
    *out = cJSON_IsTrue(v);
    return BV_OK;
}

/* Optional boolean: absent means false (older nodes omit these flags), but a
 * value of the wrong type is still an error. */
static bv_err jbool_opt(jctx *c, const cJSON *obj, const char *path, const char *key, bool *out)
{
    *out = false;
    if (!cJSON_GetObjectItemCaseSensitive(obj, key))
        return BV_OK;
    return jbool(c, obj, path, key, out);
}

/* Parse the document; the top level must be an object. */
static bv_err jparse(jctx *c, const char *json, size_t len, cJSON **root)
{
    if (len == 0)
        return bv_fail(c->st, BV_ERR_FORMAT, "%s: empty response body", c->what);
    const char *end = NULL;
    cJSON *r = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    if (!r) {
        size_t at = (end && end >= json && end <= json + len) ? (size_t)(end - json) : 0;
        return bv_fail(c->st, BV_ERR_FORMAT, "%s: malformed JSON near byte %zu of %zu", c->what, at,
                       len);
    }
    /* Trailing garbage after the value is malformed too. */
    if (end) {
        while (end < json + len && (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
            end++;
        if (end < json + len && *end != '\0') {
            size_t at = (size_t)(end - json);
            cJSON_Delete(r);
            return bv_fail(c->st, BV_ERR_FORMAT,
                           "%s: malformed JSON: trailing data at byte %zu of %zu", c->what, at,
                           len);
        }
    }
    if (!cJSON_IsObject(r)) {
        bv_fail(c->st, BV_ERR_FORMAT, "%s: expected a JSON object at the top level, got %s",
                c->what, jtype(r));
        cJSON_Delete(r);
        return BV_ERR_FORMAT;
    }
    *root = r;
    return BV_OK;
}

bv_err bv_beacon_parse_header(const char *json, size_t len, const char *what, bv_beacon_header *out,
                              bv_status *st)
{
    jctx c = {what ? what : "header response", st};
    cJSON *root = NULL;
    bv_err e = jparse(&c, json, len, &root);
    if (e)
        return e;
    bv_beacon_header h;
    memset(&h, 0, sizeof h);
    const cJSON *data = NULL, *header = NULL, *msg = NULL;
    if ((e = jbool_opt(&c, root, "", "execution_optimistic", &h.execution_optimistic)) ||
        (e = jbool_opt(&c, root, "", "finalized", &h.finalized)) ||
        (e = jobj(&c, root, "", "data", &data)) || (e = jhex(&c, data, "data", "root", h.root, 32)))
        goto out;
    /* "canonical" is required by the API; every client sends it. */
    if ((e = jbool(&c, data, "data", "canonical", &h.canonical)) ||
        (e = jobj(&c, data, "data", "header", &header)) ||
        (e = jobj(&c, header, "data.header", "message", &msg)) ||
        (e = jhex(&c, header, "data.header", "signature", h.signature, 96)) ||
        (e = ju64(&c, msg, "data.header.message", "slot", &h.slot)) ||
        (e = ju64(&c, msg, "data.header.message", "proposer_index", &h.proposer_index)) ||
        (e = jhex(&c, msg, "data.header.message", "parent_root", h.parent_root, 32)) ||
        (e = jhex(&c, msg, "data.header.message", "state_root", h.state_root, 32)) ||
        (e = jhex(&c, msg, "data.header.message", "body_root", h.body_root, 32)))
        goto out;
    *out = h;
out:
    cJSON_Delete(root);
    return e;
}

bv_err bv_beacon_parse_genesis(const char *json, size_t len, const char *what,
                               bv_beacon_genesis *out, bv_status *st)
{
    jctx c = {what ? what : "genesis response", st};
    cJSON *root = NULL;
    bv_err e = jparse(&c, json, len, &root);
    if (e)
        return e;
    bv_beacon_genesis g;
    memset(&g, 0, sizeof g);
    const cJSON *data = NULL;
    if ((e = jobj(&c, root, "", "data", &data)) ||
        (e = ju64(&c, data, "data", "genesis_time", &g.genesis_time)) ||
        (e = jhex(&c, data, "data", "genesis_validators_root", g.genesis_validators_root, 32)) ||
        (e = jhex(&c, data, "data", "genesis_fork_version", g.genesis_fork_version, 4)))
        goto out;
    *out = g;
out:
    cJSON_Delete(root);
    return e;
}

static bv_err jcheckpoint(jctx *c, const cJSON *data, const char *key, bv_beacon_checkpoint *cp)
{
    const cJSON *o = NULL;
    char path[64];
    snprintf(path, sizeof path, "data.%s", key);
    bv_err e;
    if ((e = jobj(c, data, "data", key, &o)) || (e = ju64(c, o, path, "epoch", &cp->epoch)) ||
        (e = jhex(c, o, path, "root", cp->root, 32)))
        return e;
    return BV_OK;
}

bv_err bv_beacon_parse_finality(const char *json, size_t len, const char *what,
                                bv_beacon_finality *out, bv_status *st)
{
    jctx c = {what ? what : "finality_checkpoints response", st};
    cJSON *root = NULL;
    bv_err e = jparse(&c, json, len, &root);
    if (e)
        return e;
    bv_beacon_finality f;
    memset(&f, 0, sizeof f);
    const cJSON *data = NULL;
    if ((e = jbool_opt(&c, root, "", "execution_optimistic", &f.execution_optimistic)) ||
        (e = jbool_opt(&c, root, "", "finalized", &f.finalized)) ||
        (e = jobj(&c, root, "", "data", &data)) ||
        (e = jcheckpoint(&c, data, "previous_justified", &f.previous_justified)) ||
        (e = jcheckpoint(&c, data, "current_justified", &f.current_justified)) ||
        (e = jcheckpoint(&c, data, "finalized", &f.finalized_cp)))
        goto out;
    *out = f;
out:
    cJSON_Delete(root);
    return e;
}

static const char *const bv_validator_statuses[] = {
    "pending_initialized", "pending_queued",      "active_ongoing",
    "active_exiting",      "active_slashed",      "exited_unslashed",
    "exited_slashed",      "withdrawal_possible", "withdrawal_done",
};

bv_err bv_beacon_parse_validators(const char *json, size_t len, const char *what,
                                  bv_beacon_validator **out, size_t *n, bv_status *st)
{
    jctx c = {what ? what : "validators response", st};
    cJSON *root = NULL;
    bv_err e = jparse(&c, json, len, &root);
    if (e)
        return e;
    bv_beacon_validator *vs = NULL;
    const cJSON *data = jget(&c, root, "", "data");
    if (!data) {
        e = BV_ERR_FORMAT;
        goto out;
    }
    if (!cJSON_IsArray(data)) {
        e = jwrong(&c, "", "data", "an array", data);
        goto out;
    }
    size_t count = (size_t)cJSON_GetArraySize(data);
    vs = calloc(count ? count : 1, sizeof *vs);
    if (!vs) {
        e = bv_fail(st, BV_ERR_NOMEM, "%s: cannot allocate %zu validator records", c.what, count);
        goto out;
    }
    size_t i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, data)
    {
        char path[48], vpath[64], key[32];
        snprintf(path, sizeof path, "data[%zu]", i);
        snprintf(vpath, sizeof vpath, "data[%zu].validator", i);
        snprintf(key, sizeof key, "[%zu]", i);
        bv_beacon_validator *v = &vs[i];
        if (!cJSON_IsObject(item)) {
            e = jwrong(&c, "data", key, "an object", item);
            goto out;
        }
        const cJSON *val = NULL, *stt;
        if ((e = ju64(&c, item, path, "index", &v->index)) ||
            (e = ju64(&c, item, path, "balance", &v->balance)))
            goto out;
        stt = jget(&c, item, path, "status");
        if (!stt) {
            e = BV_ERR_FORMAT;
            goto out;
        }
        if (!cJSON_IsString(stt)) {
            e = jwrong(&c, path, "status", "a string", stt);
            goto out;
        }
        bool known = false;
        for (size_t k = 0; k < sizeof bv_validator_statuses / sizeof *bv_validator_statuses; k++)
            if (strcmp(stt->valuestring, bv_validator_statuses[k]) == 0)
                known = true;
        if (!known) {
            char msg[96];
            snprintf(msg, sizeof msg, "unknown validator status \"%.40s\"", stt->valuestring);
            e = jfail(&c, path, "status", msg);
            goto out;
        }
        snprintf(v->status, sizeof v->status, "%s", stt->valuestring);
        if ((e = jobj(&c, item, path, "validator", &val)) ||
            (e = jhex(&c, val, vpath, "pubkey", v->pubkey, 48)) ||
            (e = jhex(&c, val, vpath, "withdrawal_credentials", v->withdrawal_credentials, 32)) ||
            (e = ju64(&c, val, vpath, "effective_balance", &v->effective_balance)) ||
            (e = jbool(&c, val, vpath, "slashed", &v->slashed)) ||
            (e = ju64(&c, val, vpath, "activation_eligibility_epoch",
                      &v->activation_eligibility_epoch)) ||
            (e = ju64(&c, val, vpath, "activation_epoch", &v->activation_epoch)) ||
            (e = ju64(&c, val, vpath, "exit_epoch", &v->exit_epoch)) ||
            (e = ju64(&c, val, vpath, "withdrawable_epoch", &v->withdrawable_epoch)))
            goto out;
        i++;
    }
    *out = vs;
    *n = count;
    vs = NULL;
out:
    free(vs);
    cJSON_Delete(root);
    return e;
}

void bv_beacon_validator_record(const bv_beacon_validator *v, bv_validator *out)
{
    memcpy(out->pubkey, v->pubkey, 48);
    memcpy(out->withdrawal_credentials, v->withdrawal_credentials, 32);
    out->effective_balance = v->effective_balance;
    out->slashed = v->slashed ? 1 : 0;
    out->activation_eligibility_epoch = v->activation_eligibility_epoch;
    out->activation_epoch = v->activation_epoch;
    out->exit_epoch = v->exit_epoch;
    out->withdrawable_epoch = v->withdrawable_epoch;
}

char *bv_beacon_header_to_json(const bv_beacon_header *h)
{
    char root[67], parent[67], state[67], body[67], sig[195];
    bv_hex_encode(root, h->root, 32);
    bv_hex_encode(parent, h->parent_root, 32);
    bv_hex_encode(state, h->state_root, 32);
    bv_hex_encode(body, h->body_root, 32);
    bv_hex_encode(sig, h->signature, 96);
    const char *fmt = "{\"execution_optimistic\":%s,\"finalized\":%s,\"data\":{\"root\":\"%s\","
                      "\"canonical\":%s,\"header\":{\"message\":{\"slot\":\"%llu\","
                      "\"proposer_index\":\"%llu\",\"parent_root\":\"%s\",\"state_root\":\"%s\","
                      "\"body_root\":\"%s\"},\"signature\":\"%s\"}}}\n";
    const char *eo = h->execution_optimistic ? "true" : "false";
    const char *fin = h->finalized ? "true" : "false";
    const char *can = h->canonical ? "true" : "false";
    int n = snprintf(NULL, 0, fmt, eo, fin, root, can, (unsigned long long)h->slot,
                     (unsigned long long)h->proposer_index, parent, state, body, sig);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    snprintf(s, (size_t)n + 1, fmt, eo, fin, root, can, (unsigned long long)h->slot,
             (unsigned long long)h->proposer_index, parent, state, body, sig);
    return s;
}

bool bv_beacon_known_fork(const char *name)
{
    static const char *const forks[] = {"phase0", "altair",  "bellatrix", "capella",
                                        "deneb",  "electra", "fulu",      "gloas"};
    for (size_t i = 0; i < sizeof forks / sizeof *forks; i++)
        if (strcmp(name, forks[i]) == 0)
            return true;
    return false;
}

static bool is_root_id(const char *id)
{
    if (id[0] != '0' || id[1] != 'x' || strlen(id) != 66)
        return false;
    for (size_t i = 2; i < 66; i++)
        if (bv_hex_digit((unsigned char)id[i]) < 0)
            return false;
    return true;
}

static bv_err check_id(const char *id, const char *kind, const char *const *names, size_t nn,
                       bv_status *st)
{
    if (!id || !*id)
        return bv_fail(st, BV_ERR_ARG, "empty %s id", kind);
    for (size_t i = 0; i < nn; i++)
        if (strcmp(id, names[i]) == 0)
            return BV_OK;
    uint64_t slot;
    if (parse_u64_text(id, &slot) == BV_OK || is_root_id(id))
        return BV_OK;
    return bv_fail(
        st, BV_ERR_ARG, "bad %s id \"%.80s\": expected %s, a decimal slot or a 0x 32-byte root",
        kind, id, nn == 4 ? "head, genesis, finalized, justified" : "head, genesis, finalized");
}

bv_err bv_beacon_check_state_id(const char *id, bv_status *st)
{
    static const char *const names[] = {"head", "genesis", "finalized", "justified"};
    return check_id(id, "state", names, 4, st);
}

bv_err bv_beacon_check_block_id(const char *id, bv_status *st)
{
    static const char *const names[] = {"head", "genesis", "finalized"};
    return check_id(id, "block", names, 3, st);
}
