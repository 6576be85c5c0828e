/* node.c - see include/balverify/node.h */
#include "balverify/node.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/sha256.h"
#include "balverify/util_bytes.h"

/* ---- zero subtrees ----------------------------------------------------- */

#define ZERO_DEPTHS 65
static uint8_t sha_zero[ZERO_DEPTHS][32];
static bv_hash pos_zero[ZERO_DEPTHS];
static pthread_once_t zero_once = PTHREAD_ONCE_INIT;

static void zero_init(void)
{
    memset(sha_zero[0], 0, 32);
    memset(&pos_zero[0], 0, sizeof pos_zero[0]);
    for (int d = 1; d < ZERO_DEPTHS; d++) {
        bv_sha256_pair(sha_zero[d], sha_zero[d - 1], sha_zero[d - 1]);
        pos_zero[d] = bv_poseidon_two_to_one(pos_zero[d - 1], pos_zero[d - 1]);
    }
}

const uint8_t *bv_sha_zero(unsigned depth)
{
    pthread_once(&zero_once, zero_init);
    return sha_zero[depth < ZERO_DEPTHS ? depth : ZERO_DEPTHS - 1];
}

bv_hash bv_poseidon_zero(unsigned depth)
{
    pthread_once(&zero_once, zero_init);
    return pos_zero[depth < ZERO_DEPTHS ? depth : ZERO_DEPTHS - 1];
}

void bv_balance_zero(uint32_t level, uint64_t current_epoch, const uint8_t credentials[32],
                     bv_node *out)
{
    memset(out, 0, sizeof *out);
    out->kind = BV_NODE_BALANCE;
    out->level = level;
    /* A level-L node covers 2 * 2^L balance chunks and 8 * 2^L validator leaves. */
    memcpy(out->pv.balance.balances_root, bv_sha_zero(level + 1), 32);
    out->pv.balance.validators_commitment = bv_poseidon_zero(level + 3);
    out->pv.balance.current_epoch = current_epoch;
    memcpy(out->pv.balance.credentials, credentials, 32);
}

void bv_mapper_zero(uint32_t level, bv_node *out)
{
    memset(out, 0, sizeof *out);
    out->kind = BV_NODE_MAPPER;
    out->level = level;
    memcpy(out->pv.mapper.sha_root, bv_sha_zero(level), 32);
    out->pv.mapper.pos_root = bv_poseidon_zero(level);
}

void bv_credentials_digest(const uint8_t (*wc)[32], size_t n, uint8_t out[32])
{
    if (n == 1)
        memcpy(out, wc[0], 32);
    else
        bv_sha256(out, wc, 32 * n);
}

/* ---- public values encoding -------------------------------------------- */

#define BALANCE_PV_SIZE (8 * 5 + 32 + 32 + 8 + 32)
#define MAPPER_PV_SIZE (32 + 32)
#define FINAL_PV_SIZE (32 * 3 + 8 * 6 + 32)

size_t bv_node_pv_size(bv_node_kind kind)
{
    switch (kind) {
    case BV_NODE_BALANCE:
        return BALANCE_PV_SIZE;
    case BV_NODE_MAPPER:
        return MAPPER_PV_SIZE;
    case BV_NODE_FINAL:
        return FINAL_PV_SIZE;
    }
    return 0;
}

static void put_hash(uint8_t *p, bv_hash h)
{
    for (int i = 0; i < 4; i++)
        bv_put_le64(p + 8 * i, h.e[i]);
}

/* Poseidon digests must be canonical field elements: a decoder that accepted
 * 2^64 - 1 would let two encodings denote the same value. */
static int get_hash(const uint8_t *p, bv_hash *h)
{
    for (int i = 0; i < 4; i++) {
        uint64_t v = bv_le64(p + 8 * i);
        if (v >= GL_P)
            return -1;
        h->e[i] = v;
    }
    return 0;
}

void bv_node_pv_encode(const bv_node *n, uint8_t *out)
{
    uint8_t *p = out;
    switch (n->kind) {
    case BV_NODE_BALANCE: {
        const bv_balance_pv *b = &n->pv.balance;
        bv_put_le64(p, b->sum);
        bv_put_le64(p + 8, b->non_activated);
        bv_put_le64(p + 16, b->active);
        bv_put_le64(p + 24, b->exited);
        bv_put_le64(p + 32, b->slashed);
        memcpy(p + 40, b->balances_root, 32);
        put_hash(p + 72, b->validators_commitment);
        bv_put_le64(p + 104, b->current_epoch);
        memcpy(p + 112, b->credentials, 32);
        break;
    }
    case BV_NODE_MAPPER:
        memcpy(p, n->pv.mapper.sha_root, 32);
        put_hash(p + 32, n->pv.mapper.pos_root);
        break;
    case BV_NODE_FINAL: {
        const bv_final_pv *f = &n->pv.final;
        memcpy(p, f->block_root, 32);
        memcpy(p + 32, f->state_root, 32);
        memcpy(p + 64, f->credentials, 32);
        bv_put_le64(p + 96, f->slot);
        bv_put_le64(p + 104, f->sum);
        bv_put_le64(p + 112, f->non_activated);
        bv_put_le64(p + 120, f->active);
        bv_put_le64(p + 128, f->exited);
        bv_put_le64(p + 136, f->slashed);
        memcpy(p + 144, f->commitment, 32);
        break;
    }
    }
}

bv_err bv_node_pv_decode(bv_node *n, bv_node_kind kind, const uint8_t *p, size_t len, bv_status *st)
{
    size_t want = bv_node_pv_size(kind);
    if (want == 0)
        return bv_fail(st, BV_ERR_FORMAT, "node: unknown kind %d", (int)kind);
    if (len != want)
        return bv_fail(st, BV_ERR_FORMAT, "node: public values are %zu bytes, expected %zu", len,
                       want);
    n->kind = kind;
    switch (kind) {
    case BV_NODE_BALANCE: {
        bv_balance_pv *b = &n->pv.balance;
        b->sum = bv_le64(p);
        b->non_activated = bv_le64(p + 8);
        b->active = bv_le64(p + 16);
        b->exited = bv_le64(p + 24);
        b->slashed = bv_le64(p + 32);
        memcpy(b->balances_root, p + 40, 32);
        if (get_hash(p + 72, &b->validators_commitment))
            return bv_fail(st, BV_ERR_FORMAT, "node: non-canonical Poseidon commitment");
        b->current_epoch = bv_le64(p + 104);
        memcpy(b->credentials, p + 112, 32);
        break;
    }
    case BV_NODE_MAPPER:
        memcpy(n->pv.mapper.sha_root, p, 32);
        if (get_hash(p + 32, &n->pv.mapper.pos_root))
            return bv_fail(st, BV_ERR_FORMAT, "node: non-canonical Poseidon root");
        break;
    case BV_NODE_FINAL: {
        bv_final_pv *f = &n->pv.final;
        memcpy(f->block_root, p, 32);
        memcpy(f->state_root, p + 32, 32);
        memcpy(f->credentials, p + 64, 32);
        f->slot = bv_le64(p + 96);
        f->sum = bv_le64(p + 104);
        f->non_activated = bv_le64(p + 112);
        f->active = bv_le64(p + 120);
        f->exited = bv_le64(p + 128);
        f->slashed = bv_le64(p + 136);
        memcpy(f->commitment, p + 144, 32);
        break;
    }
    }
    return BV_OK;
}

/* ---- full encoding ------------------------------------------------------
 * offset size
 *   0     4   magic "BVND"
 *   4     2   format version (1)
 *   6     1   kind
 *   7     1   reserved, 0
 *   8     4   level
 *  12     8   index
 *  20     4   public values length (must equal bv_node_pv_size(kind))
 *  24     P   public values
 *  24+P   4   proof length
 *  28+P   N   proof bytes
 * Total must equal 28 + P + N exactly.
 */
#define NODE_HEADER 24

size_t bv_node_encoded_size(const bv_node *n)
{
    return NODE_HEADER + bv_node_pv_size(n->kind) + 4 + n->proof_len;
}

size_t bv_node_encode(const bv_node *n, uint8_t *out)
{
    size_t pv = bv_node_pv_size(n->kind);
    memcpy(out, "BVND", 4);
    bv_put_le16(out + 4, BV_NODE_FORMAT_VERSION);
    out[6] = (uint8_t)n->kind;
    out[7] = 0;
    bv_put_le32(out + 8, n->level);
    bv_put_le64(out + 12, n->index);
    bv_put_le32(out + 20, (uint32_t)pv);
    bv_node_pv_encode(n, out + NODE_HEADER);
    bv_put_le32(out + NODE_HEADER + pv, (uint32_t)n->proof_len);
    if (n->proof_len)
        memcpy(out + NODE_HEADER + pv + 4, n->proof, n->proof_len);
    return NODE_HEADER + pv + 4 + n->proof_len;
}

bv_err bv_node_decode(bv_node *n, const uint8_t *in, size_t len, bv_status *st)
{
    memset(n, 0, sizeof *n);
    if (!in || len < NODE_HEADER + 4)
        return bv_fail(st, BV_ERR_FORMAT, "node: truncated encoding (%zu bytes)", len);
    if (memcmp(in, "BVND", 4) != 0)
        return bv_fail(st, BV_ERR_FORMAT, "node: bad magic (not a node encoding)");
    uint16_t ver = bv_le16(in + 4);
    if (ver != BV_NODE_FORMAT_VERSION)
        return bv_fail(st, BV_ERR_UNSUPPORTED, "node: format version %u, expected %u", ver,
                       BV_NODE_FORMAT_VERSION);
    bv_node_kind kind = (bv_node_kind)in[6];
    size_t pv = bv_node_pv_size(kind);
    if (pv == 0)
        return bv_fail(st, BV_ERR_FORMAT, "node: unknown kind %u", in[6]);
    if (in[7] != 0)
        return bv_fail(st, BV_ERR_FORMAT, "node: reserved byte is not zero");
    uint32_t level = bv_le32(in + 8);
    if ((kind == BV_NODE_BALANCE && level > BV_BALANCE_TOP_LEVEL) ||
        (kind == BV_NODE_MAPPER && level > BV_MAPPER_TOP_LEVEL))
        return bv_fail(st, BV_ERR_FORMAT, "node: level %u out of range", level);
    if (bv_le32(in + 20) != pv)
        return bv_fail(st, BV_ERR_FORMAT, "node: public values length %u, expected %zu",
                       bv_le32(in + 20), pv);
    if (len < NODE_HEADER + pv + 4)
        return bv_fail(st, BV_ERR_FORMAT, "node: truncated public values");
    uint32_t plen = bv_le32(in + NODE_HEADER + pv);
    if (plen > BV_MAX_PROOF_BYTES)
        return bv_fail(st, BV_ERR_FORMAT, "node: proof length %u exceeds the limit", plen);
    if (len != NODE_HEADER + pv + 4 + (size_t)plen)
        return bv_fail(st, BV_ERR_FORMAT, "node: encoding is %zu bytes, header says %zu", len,
                       NODE_HEADER + pv + 4 + (size_t)plen);
    bv_err e = bv_node_pv_decode(n, kind, in + NODE_HEADER, pv, st);
    if (e)
        return e;
    n->level = level;
    n->index = bv_le64(in + 12);
    return bv_node_set_proof(n, in + NODE_HEADER + pv + 4, plen, st);
}

bv_err bv_node_set_proof(bv_node *n, const uint8_t *bytes, size_t len, bv_status *st)
{
    uint8_t *copy = NULL;
    if (len) {
        copy = malloc(len);
        if (!copy)
            return bv_fail(st, BV_ERR_NOMEM, "node: cannot allocate %zu proof bytes", len);
        memcpy(copy, bytes, len);
    }
    free(n->proof);
    n->proof = copy;
    n->proof_len = len;
    return BV_OK;
}

bv_err bv_node_copy(bv_node *dst, const bv_node *src, bv_status *st)
{
    if (dst == src)
        return BV_OK;
    *dst = *src;
    dst->proof = NULL;
    dst->proof_len = 0;
    return bv_node_set_proof(dst, src->proof, src->proof_len, st);
}

void bv_node_free(bv_node *n)
{
    if (!n)
        return;
    free(n->proof);
    n->proof = NULL;
    n->proof_len = 0;
}

int bv_node_equal(const bv_node *a, const bv_node *b)
{
    if (a->kind != b->kind || a->level != b->level || a->index != b->index ||
        a->proof_len != b->proof_len)
        return 0;
    size_t pv = bv_node_pv_size(a->kind);
    if (pv == 0)
        return 0;
    uint8_t ea[FINAL_PV_SIZE > BALANCE_PV_SIZE ? FINAL_PV_SIZE : BALANCE_PV_SIZE];
    uint8_t eb[sizeof ea];
    bv_node_pv_encode(a, ea);
    bv_node_pv_encode(b, eb);
    if (memcmp(ea, eb, pv) != 0)
        return 0;
    return a->proof_len == 0 || memcmp(a->proof, b->proof, a->proof_len) == 0;
}

/* ---- combination ------------------------------------------------------- */

static bv_err check_siblings(const bv_node *l, const bv_node *r, bv_node_kind kind, uint32_t top,
                             bv_status *st)
{
    if (l->kind != kind || r->kind != kind)
        return bv_fail(st, BV_ERR_INTERNAL, "node: combining nodes of different kinds");
    if (l->level != r->level)
        return bv_fail(st, BV_ERR_INTERNAL, "node: combining levels %u and %u", l->level, r->level);
    if (l->level >= top)
        return bv_fail(st, BV_ERR_INTERNAL, "node: level %u has no parent", l->level);
    if ((l->index & 1) != 0 || r->index != l->index + 1)
        return bv_fail(st, BV_ERR_INTERNAL, "node: %llu and %llu are not siblings",
                       (unsigned long long)l->index, (unsigned long long)r->index);
    return BV_OK;
}

bv_err bv_balance_combine(const bv_node *left, const bv_node *right, bv_node *parent, bv_status *st)
{
    bv_err e = check_siblings(left, right, BV_NODE_BALANCE, BV_BALANCE_TOP_LEVEL, st);
    if (e)
        return e;
    const bv_balance_pv *l = &left->pv.balance, *r = &right->pv.balance;
    if (l->current_epoch != r->current_epoch)
        return bv_fail(
            st, BV_ERR_VERIFY, "balance level %u: children %llu/%llu disagree on current epoch",
            left->level, (unsigned long long)left->index, (unsigned long long)right->index);
    if (memcmp(l->credentials, r->credentials, 32) != 0)
        return bv_fail(st, BV_ERR_VERIFY,
                       "balance level %u: children %llu/%llu disagree on credentials", left->level,
                       (unsigned long long)left->index, (unsigned long long)right->index);
    bv_node p;
    memset(&p, 0, sizeof p);
    p.kind = BV_NODE_BALANCE;
    p.level = left->level + 1;
    p.index = left->index / 2;
    bv_balance_pv *o = &p.pv.balance;
    /* Sums and counters are u64 whose overflow is refused, exactly as the
     * balance circuits refuse it (never a wrap mod 2^64). */
    const struct {
        const char *name;
        uint64_t a, b, *out;
    } adds[5] = {{"sum", l->sum, r->sum, &o->sum},
                 {"non-activated counter", l->non_activated, r->non_activated, &o->non_activated},
                 {"active counter", l->active, r->active, &o->active},
                 {"exited counter", l->exited, r->exited, &o->exited},
                 {"slashed counter", l->slashed, r->slashed, &o->slashed}};
    for (int i = 0; i < 5; i++) {
        if (adds[i].a > UINT64_MAX - adds[i].b)
            return bv_fail(st, BV_ERR_VERIFY,
                           "balance level %u: children %llu/%llu: %s overflows 64 bits",
                           left->level, (unsigned long long)left->index,
                           (unsigned long long)right->index, adds[i].name);
        *adds[i].out = adds[i].a + adds[i].b;
    }
    bv_sha256_pair(o->balances_root, l->balances_root, r->balances_root);
    o->validators_commitment =
        bv_poseidon_two_to_one(l->validators_commitment, r->validators_commitment);
    o->current_epoch = l->current_epoch;
    memcpy(o->credentials, l->credentials, 32);
    *parent = p;
    return BV_OK;
}

bv_err bv_mapper_combine(const bv_node *left, const bv_node *right, bv_node *parent, bv_status *st)
{
    bv_err e = check_siblings(left, right, BV_NODE_MAPPER, BV_MAPPER_TOP_LEVEL, st);
    if (e)
        return e;
    bv_node p;
    memset(&p, 0, sizeof p);
    p.kind = BV_NODE_MAPPER;
    p.level = left->level + 1;
    p.index = left->index / 2;
    bv_sha256_pair(p.pv.mapper.sha_root, left->pv.mapper.sha_root, right->pv.mapper.sha_root);
    p.pv.mapper.pos_root =
        bv_poseidon_two_to_one(left->pv.mapper.pos_root, right->pv.mapper.pos_root);
    *parent = p;
    return BV_OK;
}

bv_err bv_node_combine(const bv_node *left, const bv_node *right, bv_node *parent, bv_status *st)
{
    switch (left->kind) {
    case BV_NODE_BALANCE:
        return bv_balance_combine(left, right, parent, st);
    case BV_NODE_MAPPER:
        return bv_mapper_combine(left, right, parent, st);
    default:
        return bv_fail(st, BV_ERR_INTERNAL, "node: kind %d has no combination rule",
                       (int)left->kind);
    }
}
