/* beacon_api.c - HTTP side of the Beacon-API client: node fail-over, limits,
 * streaming of SSZ states to disk. See include/balverify/beacon_api.h. */
#include "balverify/beacon_api.h"

#include <curl/curl.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "balverify/util_buf.h"
#include "balverify/util_clock.h"

struct bv_beacon_client {
    char *urls[BV_BEACON_MAX_NODES];
    size_t n;
    bv_beacon_opts o;
    CURL *curl;
    int last;       /* index of the node that answered last, -1 if none */
    long last_http; /* status of the last HTTP response, 0 if none */
};

void bv_beacon_opts_default(bv_beacon_opts *o)
{
    o->connect_timeout_ms = 10000;
    o->json_timeout_ms = 60000;
    o->state_timeout_ms = 0;
    o->stall_timeout_s = 60;
    o->max_json_bytes = 64ull << 20;
    o->max_state_bytes = 4ull << 30;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;
static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

bv_err bv_beacon_client_new(bv_beacon_client **out, const char *url_list,
                            const bv_beacon_opts *opts, bv_status *st)
{
    *out = NULL;
    if (!url_list || !*url_list)
        return bv_fail(st, BV_ERR_ARG, "no beacon node URL given");
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK)
        return bv_fail(st, BV_ERR_NET, "libcurl initialisation failed: %s",
                       curl_easy_strerror(curl_init_rc));
    bv_beacon_client *c = calloc(1, sizeof *c);
    if (!c)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory creating the beacon client");
    c->last = -1;
    if (opts)
        c->o = *opts;
    else
        bv_beacon_opts_default(&c->o);
    bv_err e = BV_OK;
    const char *p = url_list;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        while (len && (p[0] == ' ' || p[0] == '\t')) {
            p++;
            len--;
        }
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        while (len > 1 && p[len - 1] == '/')
            len--;
        if (len == 0) {
            e = bv_fail(st, BV_ERR_ARG, "empty entry in beacon node list \"%.200s\"", url_list);
            goto fail;
        }
        if (!(len > 7 && strncmp(p, "http://", 7) == 0) &&
            !(len > 8 && strncmp(p, "https://", 8) == 0)) {
            e = bv_fail(st, BV_ERR_ARG,
                        "beacon node URL \"%.*s\" must start with http:// or https://",
                        (int)(len > 200 ? 200 : len), p);
            goto fail;
        }
        if (c->n == BV_BEACON_MAX_NODES) {
            e = bv_fail(st, BV_ERR_ARG, "more than %d beacon node URLs", BV_BEACON_MAX_NODES);
            goto fail;
        }
        c->urls[c->n] = strndup(p, len);
        if (!c->urls[c->n]) {
            e = bv_fail(st, BV_ERR_NOMEM, "out of memory creating the beacon client");
            goto fail;
        }
        c->n++;
        p += comma ? (size_t)(comma - p) + 1 : strlen(p);
        if (comma && !*p) {
            e = bv_fail(st, BV_ERR_ARG, "empty entry in beacon node list \"%.200s\"", url_list);
            goto fail;
        }
    }
    c->curl = curl_easy_init();
    if (!c->curl) {
        e = bv_fail(st, BV_ERR_NET, "curl_easy_init failed");
        goto fail;
    }
    *out = c;
    return BV_OK;
fail:
    bv_beacon_client_free(c);
    return e;
}

void bv_beacon_client_free(bv_beacon_client *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->urls[i]);
    if (c->curl)
        curl_easy_cleanup(c->curl);
    free(c);
}

size_t bv_beacon_client_node_count(const bv_beacon_client *c)
{
    return c->n;
}

const char *bv_beacon_client_node(const bv_beacon_client *c, size_t i)
{
    return i < c->n ? c->urls[i] : NULL;
}

const char *bv_beacon_client_last_node(const bv_beacon_client *c)
{
    return c->last >= 0 ? c->urls[c->last] : NULL;
}

long bv_beacon_client_last_http_status(const bv_beacon_client *c)
{
    return c->last_http;
}

/* ---------------------------------------------------------------- transfer */

typedef struct {
    /* memory sink (fp == NULL): the body, NUL-terminated */
    bv_buf body;
    /* file sink */
    FILE *fp;
    int file_errno;
    uint64_t limit, total;
    bool over_limit;
    /* response headers of interest */
    char version[32];
    char ctype[96];
} xfer;

static void xfer_reset(xfer *x)
{
    bv_buf_free(&x->body);
    x->total = 0;
    x->over_limit = false;
    x->file_errno = 0;
    x->version[0] = '\0';
    x->ctype[0] = '\0';
    if (x->fp) {
        rewind(x->fp);
        if (ftruncate(fileno(x->fp), 0) != 0)
            x->file_errno = errno;
    }
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    if (x->total + n > x->limit) {
        x->over_limit = true;
        return 0;
    }
    x->total += n;
    if (x->fp) {
        if (fwrite(ptr, 1, n, x->fp) != n) {
            x->file_errno = errno ? errno : EIO;
            return 0;
        }
        return n;
    }
    bv_buf_put(&x->body, ptr, n);
    return x->body.oom ? 0 : n;
}

/* Copy a header value (trimmed) when the line names it. */
static void header_value(const char *line, size_t n, const char *name, char *dst, size_t cap)
{
    size_t nl = strlen(name);
    if (n <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return;
    const char *v = line + nl + 1;
    const char *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    size_t len = (size_t)(end - v);
    if (len >= cap)
        len = cap - 1;
    memcpy(dst, v, len);
    dst[len] = '\0';
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *ud)
{
    xfer *x = ud;
    size_t n = size * nmemb;
    /* A new status line starts a new response (redirect, 100-continue). */
    if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        x->version[0] = '\0';
        x->ctype[0] = '\0';
    }
    header_value(line, n, "Eth-Consensus-Version", x->version, sizeof x->version);
    header_value(line, n, "Content-Type", x->ctype, sizeof x->ctype);
    return n;
}

/* The "message" of a Beacon-API error body ({"code":404,"message":"..."}), if any. */
static void error_message(const xfer *x, char *dst, size_t cap)
{
    dst[0] = '\0';
    if (x->fp || x->body.len == 0)
        return;
    cJSON *r = cJSON_ParseWithLength((const char *)x->body.data, x->body.len);
    const cJSON *m = r ? cJSON_GetObjectItemCaseSensitive(r, "message") : NULL;
    if (cJSON_IsString(m)) {
        snprintf(dst, cap, ": %.150s", m->valuestring);
        for (char *p = dst; *p; p++)
            if (*p == '\n' || *p == '\r')
                *p = ' ';
    }
    cJSON_Delete(r);
}

typedef struct {
    const char *method; /* "GET" or "POST" */
    const char *path;   /* starts with '/' */
    const char *accept;
    const char *body; /* POST body (JSON) or NULL */
    long timeout_ms;  /* 0 = none */
    bool stream;      /* apply the stall timeout (big downloads) */
} request;

/* Perform req on each node in turn until one answers 200. On success the
 * body is in x and url (cap bytes) holds the full URL that answered. */
static bv_err perform(bv_beacon_client *c, const request *req, xfer *x, char *url, size_t cap,
                      bv_status *st)
{
    char tried[BV_STATUS_MSG];
    size_t tlen = 0;
    c->last_http = 0;
    tried[0] = '\0';
    for (size_t i = 0; i < c->n; i++) {
        snprintf(url, cap, "%s%s", c->urls[i], req->path);
        xfer_reset(x);
        if (x->file_errno)
            return bv_fail(st, BV_ERR_IO, "cannot truncate the download file: %s",
                           strerror(x->file_errno));
        CURL *h = c->curl;
        curl_easy_reset(h);
        char errbuf[CURL_ERROR_SIZE];
        errbuf[0] = '\0';
        struct curl_slist *hdrs = NULL, *tmp;
        char accept[128];
        snprintf(accept, sizeof accept, "Accept: %s", req->accept);
        hdrs = curl_slist_append(hdrs, accept);
        if (hdrs && req->body) {
            tmp = curl_slist_append(hdrs, "Content-Type: application/json");
            if (!tmp) {
                curl_slist_free_all(hdrs);
                hdrs = NULL;
            } else {
                hdrs = tmp;
            }
        }
        if (!hdrs)
            return bv_fail(st, BV_ERR_NOMEM, "out of memory building request headers");
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_USERAGENT, "balverify/0.1");
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->o.connect_timeout_ms);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, req->timeout_ms);
        /* Fail early on a declared Content-Length over the limit. */
        curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->limit);
        if (req->stream && c->o.stall_timeout_s > 0) {
            curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
            curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->o.stall_timeout_s);
        }
        if (req->body) {
            curl_easy_setopt(h, CURLOPT_POST, 1L);
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(req->body));
        }
        CURLcode rc = curl_easy_perform(h);
        long code = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        curl_slist_free_all(hdrs);
        c->last_http = code;

        char why[256];
        if (rc != CURLE_OK) {
            /* Our own refusals are final: another node would send the same bytes. */
            if (x->over_limit || rc == CURLE_FILESIZE_EXCEEDED)
                return bv_fail(st, BV_ERR_NET, "%s: response larger than the limit of %llu bytes",
                               url, (unsigned long long)x->limit);
            if (x->file_errno)
                return bv_fail(st, BV_ERR_IO, "%s: cannot write the download: %s", url,
                               strerror(x->file_errno));
            if (rc == CURLE_WRITE_ERROR && !x->fp)
                return bv_fail(st, BV_ERR_NOMEM, "%s: out of memory reading the response", url);
            snprintf(why, sizeof why, "%.200s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
            if (rc == CURLE_PARTIAL_FILE)
                snprintf(why, sizeof why, "truncated response (%llu bytes received): %.160s",
                         (unsigned long long)x->total, errbuf[0] ? errbuf : "partial file");
        } else if (code >= 500) {
            char m[200];
            error_message(x, m, sizeof m);
            snprintf(why, sizeof why, "HTTP %ld%s", code, m);
        } else if (code != 200) {
            char m[200];
            error_message(x, m, sizeof m);
            return bv_fail(st, BV_ERR_NET, "%s %s: HTTP %ld%s", req->method, url, code, m);
        } else {
            c->last = (int)i;
            return BV_OK;
        }
        /* This node failed; remember why and try the next one. */
        int w = snprintf(tried + tlen, sizeof tried - tlen, "%s%s: %s", tlen ? "; " : "", url, why);
        if (w > 0)
            tlen = tlen + (size_t)w < sizeof tried ? tlen + (size_t)w : sizeof tried - 1;
    }
    if (c->n == 1)
        return bv_fail(st, BV_ERR_NET, "%s %s", req->method, tried);
    return bv_fail(st, BV_ERR_NET, "%s failed on all %zu beacon nodes: %s", req->method, c->n,
                   tried);
}

static bv_err get_json(bv_beacon_client *c, const char *path, xfer *x, char *url, size_t cap,
                       bv_status *st)
{
    request req = {"GET", path, "application/json", NULL, c->o.json_timeout_ms, false};
    x->limit = c->o.max_json_bytes;
    return perform(c, &req, x, url, cap, st);
}

bv_err bv_beacon_get_header(bv_beacon_client *c, const char *block_id, bv_beacon_header *out,
                            bv_status *st)
{
    bv_err e = bv_beacon_check_block_id(block_id, st);
    if (e)
        return e;
    char path[160], url[512];
    /* ids are checked first, so they are safe in a URL path */
    snprintf(path, sizeof path, "/eth/v1/beacon/headers/%s", block_id);
    xfer x = {0};
    e = get_json(c, path, &x, url, sizeof url, st);
    if (!e)
        e = bv_beacon_parse_header((const char *)x.body.data, x.body.len, url, out, st);
    bv_buf_free(&x.body);
    return e;
}

bv_err bv_beacon_get_genesis(bv_beacon_client *c, bv_beacon_genesis *out, bv_status *st)
{
    char url[512];
    xfer x = {0};
    bv_err e = get_json(c, "/eth/v1/beacon/genesis", &x, url, sizeof url, st);
    if (!e)
        e = bv_beacon_parse_genesis((const char *)x.body.data, x.body.len, url, out, st);
    bv_buf_free(&x.body);
    return e;
}

bv_err bv_beacon_get_finality(bv_beacon_client *c, const char *state_id, bv_beacon_finality *out,
                              bv_status *st)
{
    bv_err e = bv_beacon_check_state_id(state_id, st);
    if (e)
        return e;
    char path[160], url[512];
    /* ids are checked first, so they are safe in a URL path */
    snprintf(path, sizeof path, "/eth/v1/beacon/states/%s/finality_checkpoints", state_id);
    xfer x = {0};
    e = get_json(c, path, &x, url, sizeof url, st);
    if (!e)
        e = bv_beacon_parse_finality((const char *)x.body.data, x.body.len, url, out, st);
    bv_buf_free(&x.body);
    return e;
}

bv_err bv_beacon_get_state_ssz(bv_beacon_client *c, const char *state_id, const char *path,
                               bv_beacon_state_info *info, bv_status *st)
{
    bv_err e = bv_beacon_check_state_id(state_id, st);
    if (e)
        return e;
    size_t plen = strlen(path);
    char *part = malloc(plen + 6);
    if (!part)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    memcpy(part, path, plen);
    memcpy(part + plen, ".part", 6);
    xfer x = {0};
    x.fp = fopen(part, "wb");
    if (!x.fp) {
        e = bv_fail(st, BV_ERR_IO, "cannot create %s: %s", part, strerror(errno));
        free(part);
        return e;
    }
    x.limit = c->o.max_state_bytes;
    char upath[160], url[512];
    snprintf(upath, sizeof upath, "/eth/v2/debug/beacon/states/%s", state_id);
    request req = {"GET", upath, "application/octet-stream", NULL, c->o.state_timeout_ms, true};
    double t0 = bv_now_s();
    e = perform(c, &req, &x, url, sizeof url, st);
    double dt = bv_now_s() - t0;
    if (!e && (fflush(x.fp) != 0 || fsync(fileno(x.fp)) != 0))
        e = bv_fail(st, BV_ERR_IO, "cannot write %s: %s", part, strerror(errno));
    if (fclose(x.fp) != 0 && !e)
        e = bv_fail(st, BV_ERR_IO, "cannot write %s: %s", part, strerror(errno));
    if (!e && strncasecmp(x.ctype, "application/json", 16) == 0)
        e = bv_fail(st, BV_ERR_FORMAT,
                    "%s: node answered with JSON instead of SSZ (Content-Type %s): it ignores "
                    "Accept: application/octet-stream",
                    url, x.ctype);
    if (!e && x.version[0] == '\0')
        e = bv_fail(st, BV_ERR_FORMAT, "%s: response has no Eth-Consensus-Version header", url);
    if (!e && !bv_beacon_known_fork(x.version))
        e = bv_fail(st, BV_ERR_UNSUPPORTED, "%s: unknown fork \"%s\" in Eth-Consensus-Version", url,
                    x.version);
    if (!e && x.total == 0)
        e = bv_fail(st, BV_ERR_FORMAT, "%s: empty state body", url);
    if (!e && rename(part, path) != 0)
        e = bv_fail(st, BV_ERR_IO, "cannot rename %s to %s: %s", part, path, strerror(errno));
    if (e)
        unlink(part);
    else if (info) {
        snprintf(info->fork, sizeof info->fork, "%.15s", x.version);
        info->bytes = x.total;
        info->seconds = dt;
    }
    free(part);
    return e;
}

/* obj[key] = array of the n strings v; false when out of memory. */
static bool add_strings(cJSON *obj, const char *key, const char *const *v, size_t n)
{
    cJSON *arr = cJSON_AddArrayToObject(obj, key);
    if (!arr)
        return false;
    for (size_t i = 0; i < n; i++) {
        cJSON *s = cJSON_CreateString(v[i]);
        if (!s)
            return false;
        cJSON_AddItemToArray(arr, s);
    }
    return true;
}

bv_err bv_beacon_post_validators(bv_beacon_client *c, const char *state_id, const char *const *ids,
                                 size_t n_ids, const char *const *statuses, size_t n_statuses,
                                 bv_beacon_validator **out, size_t *n, bv_status *st)
{
    bv_err e = bv_beacon_check_state_id(state_id, st);
    if (e)
        return e;
    cJSON *body = cJSON_CreateObject();
    char *text = NULL;
    if (!body || !add_strings(body, "ids", ids, n_ids) ||
        !add_strings(body, "statuses", statuses, n_statuses) ||
        !(text = cJSON_PrintUnformatted(body))) {
        cJSON_Delete(body);
        return bv_fail(st, BV_ERR_NOMEM, "out of memory building the validators request");
    }
    cJSON_Delete(body);
    char path[160], url[512];
    /* ids are checked first, so they are safe in a URL path */
    snprintf(path, sizeof path, "/eth/v1/beacon/states/%s/validators", state_id);
    request req = {"POST", path, "application/json", text, c->o.json_timeout_ms, false};
    xfer x = {0};
    x.limit = c->o.max_json_bytes;
    e = perform(c, &req, &x, url, sizeof url, st);
    if (!e)
        e = bv_beacon_parse_validators((const char *)x.body.data, x.body.len, url, out, n, st);
    bv_buf_free(&x.body);
    free(text);
    return e;
}
