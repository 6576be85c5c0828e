/*
 * beacon_api.h - client for the standard Ethereum Beacon-Node HTTP API
 * (ethereum/beacon-APIs), the way balverify gets its input from a live chain.
 *
 * Invariants:
 *  - A client holds an ordered list of beacon-node base URLs. Every request
 *    tries them in order and moves to the next node only when the current one
 *    could not answer: connection refused / unresolvable host / timeout /
 *    broken or truncated transfer, or an HTTP 5xx status. Any other HTTP error
 *    (404 unknown state, 400 bad id, 406...) is the chain's answer and is
 *    reported at once, with the status code and the full URL.
 *  - Every JSON response is checked field by field against the API's shape:
 *    integers are decimal strings that fit in uint64, byte values are
 *    0x-prefixed hex of the exact length, booleans are JSON booleans. A wrong
 *    type, a missing field or a bad length fails with BV_ERR_FORMAT and a
 *    message naming the JSON path ("data.header.message.slot") and the URL.
 *  - Responses are bounded: JSON bodies by opts.max_json_bytes, SSZ states by
 *    opts.max_state_bytes. A larger body fails (BV_ERR_NET) instead of filling
 *    memory or disk. SSZ states are streamed to disk, never held in memory.
 *  - A state download writes PATH.part and renames it to PATH only once the
 *    whole body arrived; a failed download leaves no file at PATH.
 *  - Functions return BV_OK or an error code with a one-line message in *st;
 *    outputs are only meaningful on BV_OK.
 *  - libcurl's global state is initialised by the first bv_beacon_client_new()
 *    (curl_global_init is not thread-safe: create the first client before
 *    starting threads).
 */
#ifndef BALVERIFY_BEACON_API_H
#define BALVERIFY_BEACON_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "balverify/status.h"
#include "balverify/validator.h"

#define BV_BEACON_MAX_NODES 16

typedef struct {
    long connect_timeout_ms;  /* per connection attempt (default 10 s) */
    long json_timeout_ms;     /* whole JSON request (default 60 s) */
    long state_timeout_ms;    /* whole state download; 0 = no total limit (default 0) */
    long stall_timeout_s;     /* abort a download slower than 1 KiB/s for this long (default 60) */
    uint64_t max_json_bytes;  /* default 64 MiB */
    uint64_t max_state_bytes; /* default 4 GiB */
} bv_beacon_opts;

/* Defaults as documented above. */
void bv_beacon_opts_default(bv_beacon_opts *o);

typedef struct bv_beacon_client bv_beacon_client;

/* A client for the comma-separated list of base URLs ("http://a:5052,http://b:5052").
 * Each URL must start with http:// or https://; a trailing '/' is dropped.
 * opts may be NULL (defaults). */
bv_err bv_beacon_client_new(bv_beacon_client **out, const char *url_list,
                            const bv_beacon_opts *opts, bv_status *st);
void bv_beacon_client_free(bv_beacon_client *c);

/* Number of nodes and the i-th base URL. */
size_t bv_beacon_client_node_count(const bv_beacon_client *c);
const char *bv_beacon_client_node(const bv_beacon_client *c, size_t i);

/* Base URL of the node that answered the last successful request (or NULL). */
const char *bv_beacon_client_last_node(const bv_beacon_client *c);

/* HTTP status of the last response received (0 when no node answered): lets
 * callers tell "no such block" (404) from other failures. */
long bv_beacon_client_last_http_status(const bv_beacon_client *c);

/* ---------------------------------------------------------------- ids */

/* A state id: head, genesis, finalized, justified, a decimal slot, or a
 * 0x-prefixed 32-byte root. */
bv_err bv_beacon_check_state_id(const char *id, bv_status *st);
/* A block id: head, genesis, finalized, a decimal slot, or a 0x block root. */
bv_err bv_beacon_check_block_id(const char *id, bv_status *st);

/* ---------------------------------------------------------------- types */

/* GET /eth/v1/beacon/headers/{block_id} */
typedef struct {
    bool execution_optimistic; /* false when the node omits it */
    bool finalized;            /* false when the node omits it */
    uint8_t root[32];          /* block root = hash_tree_root(header.message) */
    bool canonical;
    uint64_t slot;
    uint64_t proposer_index;
    uint8_t parent_root[32];
    uint8_t state_root[32];
    uint8_t body_root[32];
    uint8_t signature[96];
} bv_beacon_header;

/* GET /eth/v1/beacon/genesis */
typedef struct {
    uint64_t genesis_time;
    uint8_t genesis_validators_root[32];
    uint8_t genesis_fork_version[4];
} bv_beacon_genesis;

typedef struct {
    uint64_t epoch;
    uint8_t root[32];
} bv_beacon_checkpoint;

/* GET /eth/v1/beacon/states/{state_id}/finality_checkpoints */
typedef struct {
    bool execution_optimistic;
    bool finalized;
    bv_beacon_checkpoint previous_justified;
    bv_beacon_checkpoint current_justified;
    bv_beacon_checkpoint finalized_cp;
} bv_beacon_finality;

/* One element of POST /eth/v1/beacon/states/{state_id}/validators */
typedef struct {
    uint64_t index;
    uint64_t balance; /* gwei */
    char status[24];  /* "active_ongoing", ... (checked against the known labels) */
    uint8_t pubkey[48];
    uint8_t withdrawal_credentials[32];
    uint64_t effective_balance;
    bool slashed;
    uint64_t activation_eligibility_epoch;
    uint64_t activation_epoch;
    uint64_t exit_epoch;
    uint64_t withdrawable_epoch;
} bv_beacon_validator;

/* The consensus record of a Beacon-API validator (for bv_validator_encode(),
 * the Poseidon commitment, ...). */
void bv_beacon_validator_record(const bv_beacon_validator *v, bv_validator *out);

/* What a state download produced. */
typedef struct {
    char fork[16];  /* Eth-Consensus-Version: phase0, altair, ... */
    uint64_t bytes; /* size of the SSZ file */
    double seconds; /* wall time of the successful transfer */
} bv_beacon_state_info;

/* ---------------------------------------------------------------- requests */

bv_err bv_beacon_get_header(bv_beacon_client *c, const char *block_id, bv_beacon_header *out,
                            bv_status *st);

bv_err bv_beacon_get_genesis(bv_beacon_client *c, bv_beacon_genesis *out, bv_status *st);

bv_err bv_beacon_get_finality(bv_beacon_client *c, const char *state_id, bv_beacon_finality *out,
                              bv_status *st);

/* GET /eth/v2/debug/beacon/states/{state_id} with Accept: application/octet-stream,
 * streamed to path (via path.part). The response must carry a known
 * Eth-Consensus-Version and must not be JSON. */
bv_err bv_beacon_get_state_ssz(bv_beacon_client *c, const char *state_id, const char *path,
                               bv_beacon_state_info *info, bv_status *st);

/* POST /eth/v1/beacon/states/{state_id}/validators with body
 * {"ids": [...], "statuses": [...]} (either list may be empty: no filter).
 * On success *out is a malloc'ed array of *n records (free() it), in the
 * order the node sent them. */
bv_err bv_beacon_post_validators(bv_beacon_client *c, const char *state_id, const char *const *ids,
                                 size_t n_ids, const char *const *statuses, size_t n_statuses,
                                 bv_beacon_validator **out, size_t *n, bv_status *st);

/* ---------------------------------------------------------------- JSON
 * The parsers behind the requests, usable on saved responses. `what` names
 * the source in error messages (a URL or a file name). */

bv_err bv_beacon_parse_header(const char *json, size_t len, const char *what, bv_beacon_header *out,
                              bv_status *st);
bv_err bv_beacon_parse_genesis(const char *json, size_t len, const char *what,
                               bv_beacon_genesis *out, bv_status *st);
bv_err bv_beacon_parse_finality(const char *json, size_t len, const char *what,
                                bv_beacon_finality *out, bv_status *st);
bv_err bv_beacon_parse_validators(const char *json, size_t len, const char *what,
                                  bv_beacon_validator **out, size_t *n, bv_status *st);

/* The header as the Beacon API serves it (the whole response object, with
 * "execution_optimistic", "finalized" and "data"). malloc'ed, NUL-terminated,
 * ends with a newline. NULL when out of memory. */
char *bv_beacon_header_to_json(const bv_beacon_header *h);

/* True for the consensus fork names the client accepts in Eth-Consensus-Version. */
bool bv_beacon_known_fork(const char *name);

#endif
