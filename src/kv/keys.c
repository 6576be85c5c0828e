/* keys.c - see include/balverify/keys.h */
#include "balverify/keys.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "balverify/redis_conn.h"
#include "balverify/util_bytes.h"

static bv_key mk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bv_key mk(const char *fmt, ...)
{
    bv_key k;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(k.s, sizeof k.s, fmt, ap);
    va_end(ap);
    return k;
}

bv_err bv_key_check_protocol(const char *proto, bv_status *st)
{
    size_t n = proto ? strlen(proto) : 0;
    if (n == 0 || n > 64)
        return bv_fail(st, BV_ERR_ARG, "protocol name must be 1..64 characters");
    for (size_t i = 0; i < n; i++) {
        char c = proto[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return bv_fail(st, BV_ERR_ARG, "protocol name '%s': character '%c' not allowed", proto,
                           c);
    }
    return BV_OK;
}

/* Protocol strings are validated by callers; %.64s keeps the bound even if not. */
bv_key bv_key_validator(uint64_t i, uint64_t slot)
{
    return mk("validator:%" PRIu64 ":%" PRIu64, i, slot);
}
bv_key bv_key_validator_lookup(uint64_t i)
{
    return mk("validator:%" PRIu64 ":slot_lookup", i);
}
bv_key bv_key_validator_proof(uint64_t g, uint64_t slot)
{
    return mk("validator_proof:%" PRIu64 ":%" PRIu64, g, slot);
}
bv_key bv_key_validator_proof_lookup(uint64_t g)
{
    return mk("validator_proof:%" PRIu64 ":slot_lookup", g);
}
bv_key bv_key_validator_proof_zeroes(unsigned d)
{
    return mk("validator_proof:zeroes:%u", d);
}
bv_key bv_key_validator_proof_storage(uint64_t g, uint64_t slot)
{
    return mk("validator_proof_storage:%" PRIu64 ":%" PRIu64, g, slot);
}
bv_key bv_key_validator_proof_storage_zeroes(unsigned d)
{
    return mk("validator_proof_storage:zeroes:%u", d);
}
bv_key bv_key_validators_length(uint64_t slot)
{
    return mk("validators_length:%" PRIu64, slot);
}
bv_key bv_key_validators_root(uint64_t slot)
{
    return mk("validators_root:%" PRIu64, slot);
}
bv_key bv_key_last_processed_slot(void)
{
    return mk("last_processed_slot");
}
bv_key bv_key_last_verified_slot(void)
{
    return mk("last_verified_slot");
}
bv_key bv_queue_mapper(void)
{
    return mk("validator_proof_queue");
}
bv_key bv_key_balance_input(const char *p, uint64_t i)
{
    return mk("%.64s:validator_balance_input:%" PRIu64, p, i);
}
bv_key bv_key_balance_proof(const char *p, unsigned level, uint64_t i)
{
    return mk("%.64s:balance_verification_proof:%u:%" PRIu64, p, level, i);
}
bv_key bv_key_balance_proof_storage(const char *p, unsigned level, uint64_t i)
{
    return mk("%.64s:balance_verification_proof_storage:%u:%" PRIu64, p, level, i);
}
bv_key bv_key_final_proof_input(const char *p)
{
    return mk("%.64s:final_proof_input", p);
}
bv_key bv_key_final_layer_proof(const char *p)
{
    return mk("%.64s:final_layer_proof", p);
}
bv_key bv_key_balance_wrapper_proof(const char *p)
{
    return mk("%.64s:balance_wrapper_proof_with_public_inputs", p);
}
bv_key bv_key_balance_wrapper_verifier_only(void)
{
    return mk("balance_wrapper_verifier_only");
}
bv_key bv_channel_gnark_proofs(const char *p)
{
    return mk("%.64s:gnark_proofs_channel", p);
}
bv_key bv_queue_balance(const char *p, unsigned level)
{
    return mk("%.64s:balance_verification_queue:%u", p, level);
}

bv_err bv_lookup_latest(struct bv_redis *r, const char *zkey, uint64_t slot, int *found,
                        uint64_t *out, bv_status *st)
{
    *found = 0;
    *out = 0;
    char s[24];
    snprintf(s, sizeof s, "%" PRIu64, slot);
    char what[BV_KEY_MAX + 32];
    snprintf(what, sizeof what, "slot lookup %s", zkey);
    redisReply *rep = bv_redis_cmd(r, st, what, "ZREVRANGEBYSCORE %s %s 0 LIMIT 0 1", zkey, s);
    if (!rep)
        return st && st->code ? st->code : BV_ERR_NET;
    bv_err e = BV_OK;
    if (rep->type != REDIS_REPLY_ARRAY) {
        e = bv_fail(st, BV_ERR_NET, "%s: not a sorted set", what);
    } else if (rep->elements == 1) {
        const redisReply *m = rep->element[0];
        char buf[32];
        if (m->type != REDIS_REPLY_STRING || m->len == 0 || m->len >= sizeof buf) {
            e = bv_fail(st, BV_ERR_FORMAT, "%s: member is not a slot number", what);
        } else {
            memcpy(buf, m->str, m->len);
            buf[m->len] = '\0';
            uint64_t v = 0;
            for (size_t i = 0; i < m->len && !e; i++) {
                if (buf[i] < '0' || buf[i] > '9' || v > (UINT64_MAX - 9) / 10)
                    e = bv_fail(st, BV_ERR_FORMAT, "%s: member '%s' is not a slot number", what,
                                buf);
                else
                    v = v * 10 + (uint64_t)(buf[i] - '0');
            }
            if (!e) {
                *out = v;
                *found = 1;
            }
        }
    }
    freeReplyObject(rep);
    return e;
}

bv_err bv_lookup_add(struct bv_redis *r, const char *zkey, uint64_t slot, bv_status *st)
{
    char s[24];
    snprintf(s, sizeof s, "%" PRIu64, slot);
    char what[BV_KEY_MAX + 16];
    snprintf(what, sizeof what, "ZADD %s", zkey);
    redisReply *rep = bv_redis_cmd(r, st, what, "ZADD %s %s %s", zkey, s, s);
    if (!rep)
        return st && st->code ? st->code : BV_ERR_NET;
    freeReplyObject(rep);
    return BV_OK;
}

size_t bv_mapper_task_encode(const bv_mapper_task *t, uint8_t *out)
{
    out[0] = (uint8_t)t->tag;
    bv_put_be64(out + 1, t->a);
    if (t->tag == BV_MAPPER_PROVE_ZERO_FOR_DEPTH)
        return 9;
    bv_put_be64(out + 9, t->b);
    return 17;
}

bv_err bv_mapper_task_decode(const uint8_t *p, size_t len, bv_mapper_task *t, bv_status *st)
{
    memset(t, 0, sizeof *t);
    if (len == 0)
        return bv_fail(st, BV_ERR_FORMAT, "mapper task: empty payload (no item data)");
    if (p[0] > 3)
        return bv_fail(st, BV_ERR_FORMAT, "mapper task: unknown tag %u", p[0]);
    size_t want = p[0] == BV_MAPPER_PROVE_ZERO_FOR_DEPTH ? 9 : 17;
    if (len != want)
        return bv_fail(st, BV_ERR_FORMAT, "mapper task: tag %u needs %zu bytes, got %zu", p[0],
                       want, len);
    t->tag = (bv_mapper_tag)p[0];
    t->a = bv_be64(p + 1);
    if (want == 17)
        t->b = bv_be64(p + 9);
    if (t->tag == BV_MAPPER_PROVE_ZERO_FOR_DEPTH && t->a >= BV_MAPPER_DEPTH)
        return bv_fail(st, BV_ERR_FORMAT, "mapper task: zero depth %llu out of 0..39",
                       (unsigned long long)t->a);
    if (t->tag == BV_MAPPER_UPDATE_PROOF_NODE && (t->a == 0 || t->a >= (1ULL << BV_MAPPER_DEPTH)))
        return bv_fail(st, BV_ERR_FORMAT, "mapper task: gindex %llu is not an inner node",
                       (unsigned long long)t->a);
    if ((t->tag == BV_MAPPER_UPDATE_VALIDATOR_PROOF || t->tag == BV_MAPPER_ZERO_OUT_VALIDATOR) &&
        t->a > BV_REGISTRY_LIMIT)
        return bv_fail(st, BV_ERR_FORMAT, "mapper task: validator index %llu beyond the registry",
                       (unsigned long long)t->a);
    return BV_OK;
}

size_t bv_balance_task_encode(unsigned level, uint64_t index, uint8_t *out)
{
    bv_put_be64(out, index);
    if (level >= 1 && index == BV_REGISTRY_LIMIT) {
        memset(out + 8, 0, 16);
        return 24;
    }
    return 8;
}

bv_err bv_balance_task_decode(unsigned level, const uint8_t *p, size_t len, uint64_t *index,
                              bv_status *st)
{
    *index = 0;
    if (level >= BV_BALANCE_LEVELS)
        return bv_fail(st, BV_ERR_ARG, "balance task: level %u out of 0..37", level);
    if (len == 0)
        return bv_fail(st, BV_ERR_FORMAT, "balance task: empty payload (no item data)");
    if (len != 8 && len != 24)
        return bv_fail(st, BV_ERR_FORMAT, "balance task level %u: payload of %zu bytes, want 8%s",
                       level, len, level ? " or 24" : "");
    uint64_t v = bv_be64(p);
    if (len == 24) {
        if (level == 0 || v != BV_REGISTRY_LIMIT)
            return bv_fail(st, BV_ERR_FORMAT,
                           "balance task level %u: 24-byte payload is only for zero tasks", level);
        for (int i = 8; i < 24; i++)
            if (p[i])
                return bv_fail(st, BV_ERR_FORMAT,
                               "balance task level %u: zero task has non-zero padding", level);
    }
    if (v != BV_REGISTRY_LIMIT && v >= (BV_REGISTRY_LIMIT >> 3) >> level)
        return bv_fail(st, BV_ERR_FORMAT, "balance task level %u: index %llu out of range", level,
                       (unsigned long long)v);
    *index = v;
    return BV_OK;
}
