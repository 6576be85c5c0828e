/*
 * feeder_opts.h - what the two queue feeders (get_balances_input and
 * get_changed_validators) share: their common command-line options,
 * storing a JSON document under a Redis key and reading validator records.
 *
 * Invariants:
 *  - Option values are borrowed from argv; nothing is allocated.
 *  - Errors name the option and the bad value in one line.
 */
#ifndef BALVERIFY_FEEDER_OPTS_H
#define BALVERIFY_FEEDER_OPTS_H

#include <stdint.h>

#include "balverify/kv_json.h"
#include "balverify/redis_conn.h"
#include "balverify/status.h"

typedef struct {
    const char *host;   /* --redis-host, default BV_REDIS_DEFAULT_HOST */
    int port;           /* --redis-port, default BV_REDIS_DEFAULT_PORT */
    const char *beacon; /* --beacon-node URL, or NULL */
    uint64_t offset;    /* --offset: first validator index */
    int has_take;       /* --take given */
    uint64_t take;      /* --take: number of validators */
} bv_feeder_opts;

/* Defaults: local Redis, no beacon node, offset 0, no --take. */
void bv_feeder_opts_init(bv_feeder_opts *o);

/* A decimal unsigned 64-bit integer (no sign, no trailing characters);
 * name is the option, for the error message. */
bv_err bv_feeder_parse_u64(const char *name, const char *s, uint64_t *out, bv_status *st);

/* If option k is one of the shared ones, applies its value v, stores the
 * outcome in *err and returns 1; returns 0 (leaving *err alone) otherwise. */
int bv_feeder_opts_apply(bv_feeder_opts *o, const char *k, const char *v, bv_err *err,
                         bv_status *st);

/* SET key to json and free json; json NULL (an encoder out of memory) is
 * reported as BV_ERR_NOMEM naming the key. */
bv_err bv_feeder_set_json(bv_redis *r, const char *key, char *json, bv_status *st);

/* The fields of a 121-byte SSZ Validator record (validator.h layout) whose
 * encoding the state parser has already checked; slashed is rec[88] != 0. */
void bv_feeder_validator_rec(const uint8_t *rec, bv_validator_rec *out);

#endif
