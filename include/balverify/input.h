/*
 * input.h - offline job input: a BeaconState SSZ file, an optional block
 * header, and the withdrawal credentials to sum (docs/INPUT_FORMAT.md).
 *
 * Invariants:
 *  - After bv_input_load*() succeeds, roots.state_root is the hash_tree_root
 *    of the loaded state, header is a BeaconBlockHeader whose state_root
 *    equals it, and block_root = hash_tree_root(header).
 *  - Without a header file the header is the state's latest_block_header with
 *    a zero state_root replaced by the computed state root. With a header
 *    file, its state_root must equal the computed root, otherwise
 *    BV_ERR_VERIFY "state root mismatch: header says X, state hashes to Y".
 *  - Withdrawal credentials are exactly 32 bytes each, written "0x" + 64 hex
 *    digits; several are comma-separated (whitespace and newlines allowed,
 *    '#' starts a comment in files). Anything else is BV_ERR_ARG.
 *  - Directory convention: DIR/state.ssz, optional DIR/header.json or
 *    DIR/header.ssz, optional DIR/withdrawal_credentials.txt, DIR/README.md.
 */
#ifndef BALVERIFY_INPUT_H
#define BALVERIFY_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/beacon_state.h"
#include "balverify/status.h"

#define BV_MAX_CREDENTIALS 64

typedef struct {
    bv_beacon_state state;
    bv_state_roots roots;
    uint8_t header[BV_SSZ_HEADER_SIZE]; /* block header (state_root filled in) */
    uint8_t block_root[32];
    int header_given; /* 1 when a header file was supplied and matched */
    uint8_t wc[BV_MAX_CREDENTIALS][32];
    size_t n_wc;
} bv_input;

/* Load a state file (fork/preset may be AUTO) and an optional header file
 * (NULL: derive from the state). Resets *in (no credentials). */
bv_err bv_input_load(bv_input *in, const char *state_path, const char *header_path, bv_fork fork,
                     bv_preset preset, bv_status *st);
/* Load DIR following the directory convention, including
 * withdrawal_credentials.txt when present. */
bv_err bv_input_load_dir(bv_input *in, const char *dir, bv_fork fork, bv_preset preset,
                         bv_status *st);
void bv_input_free(bv_input *in);

/* Parse "0x..64hex[,0x..64hex...]" into wc (at most max entries). */
bv_err bv_parse_withdrawal_credentials(const char *text, uint8_t (*wc)[32], size_t max, size_t *n,
                                       bv_status *st);
/* Read a credentials file (same syntax, '#' comments). */
bv_err bv_load_withdrawal_credentials(const char *path, uint8_t (*wc)[32], size_t max, size_t *n,
                                      bv_status *st);

/* Block header from a file: 112 bytes of SSZ, or the Beacon API JSON of
 * /eth/v1/beacon/headers/{id} (also accepts a bare {"message":...} or a bare
 * message object). */
bv_err bv_header_load_file(uint8_t header[BV_SSZ_HEADER_SIZE], const char *path, bv_status *st);
bv_err bv_header_parse_json(uint8_t header[BV_SSZ_HEADER_SIZE], const char *json, bv_status *st);

/* Read a whole file into a malloc'd buffer (NUL-terminated one past size). */
bv_err bv_read_file(const char *path, uint8_t **data, size_t *size, bv_status *st);

#endif
