/*
 * synth.c - reproducible synthetic BeaconStates (include/balverify/synth.h).
 *
 * The state is assembled from the same per-fork field table the parser uses
 * (beacon_state_layout.c), so a generated state has, by construction, every
 * field the fork has, in order, at its preset size. Each field's value comes
 * from one sequential splitmix64 stream seeded by `seed`; fields are
 * generated in table order, so the output depends only on the parameters.
 */
#include "balverify/synth.h"

#include <stdlib.h>
#include <string.h>

#include "balverify/util_buf.h"
#include "balverify/util_bytes.h"
#include "balverify/validator.h"
#include "eth/beacon_state_layout.h"

#define GWEI_PER_ETH 1000000000ULL
#define MAINNET_GENESIS_TIME 1606824023ULL

/* ------------------------------------------------------------------ randomness */

typedef struct {
    uint64_t s;
} rng;

static uint64_t next(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t below(rng *r, uint64_t n)
{
    return n ? next(r) % n : 0;
}

static void fill(rng *r, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = next(r);
        for (size_t k = 0; k < 8 && i + k < n; k++)
            p[i + k] = (uint8_t)(v >> (8 * k));
    }
}

/* ------------------------------------------------------------------ buffers */

static void put_rand(bv_buf *b, rng *r, size_t n)
{
    uint8_t *p = bv_buf_extend(b, n);
    if (p)
        fill(r, p, n);
}
static void put_zero(bv_buf *b, size_t n)
{
    uint8_t *p = bv_buf_extend(b, n);
    if (p)
        memset(p, 0, n);
}

/* ------------------------------------------------------------------ parameters */

void bv_synth_defaults(bv_synth_params *p)
{
    memset(p, 0, sizeof *p);
    p->fork = BV_FORK_DENEB;
    p->preset = BV_PRESET_MAINNET;
    p->validators = 4096;
    p->seed = 1;
    p->slot = 0;
    p->shared_credentials = 3;
}

void bv_synth_credential(uint64_t seed, unsigned j, uint8_t wc[32])
{
    rng r = {seed ^ (0xC0FFEE00ULL + j) * 0x9E3779B97F4A7C15ULL};
    memset(wc, 0, 32);
    wc[0] = 0x01;
    fill(&r, wc + 12, 20);
}

/* First epoch of each fork on mainnet (spec/CONSENSUS.md section 8). Gloas
 * has no mainnet epoch yet; synthetic Gloas states pretend it starts at
 * epoch 450000. */
static const uint64_t fork_epoch[] = {0, 74240, 144896, 194048, 269568, 364032, 411392, 450000};

/* ------------------------------------------------------------------ validators */

typedef struct {
    bv_fork fork;
    uint64_t epoch;
    uint64_t seed;
    unsigned shared;
} vctx;

static void gen_validator(rng *r, const vctx *c, uint8_t rec[BV_VALIDATOR_SIZE], uint64_t *bal)
{
    bv_validator v;
    memset(&v, 0, sizeof v);
    fill(r, v.pubkey, 48);
    const uint64_t E = c->epoch, FAR = BV_FAR_FUTURE_EPOCH;
    int electra = c->fork >= BV_FORK_ELECTRA;
    uint64_t max_eb = 32 * GWEI_PER_ETH;

    /* credentials */
    uint64_t kind = below(r, 100);
    if (kind < 30 && c->shared) {
        bv_synth_credential(c->seed, (unsigned)below(r, c->shared), v.withdrawal_credentials);
        if (electra && below(r, 4) == 0)
            v.withdrawal_credentials[0] = 0x02; /* switch_to_compounding keeps bytes 1..31 */
    } else {
        uint64_t t = below(r, 100);
        if (t < 40) {
            v.withdrawal_credentials[0] = 0x00;
            fill(r, v.withdrawal_credentials + 1, 31);
        } else {
            v.withdrawal_credentials[0] = (electra && t >= 90) ? 0x02 : 0x01;
            fill(r, v.withdrawal_credentials + 12, 20);
        }
    }
    if (v.withdrawal_credentials[0] == 0x02)
        max_eb = 2048 * GWEI_PER_ETH;

    /* balance around the maximum for its credential type */
    uint64_t balance;
    if (max_eb > 32 * GWEI_PER_ETH)
        balance = 32 * GWEI_PER_ETH + below(r, 2016 * GWEI_PER_ETH);
    else
        balance = 32 * GWEI_PER_ETH - 500000000ULL + below(r, 700000000ULL);

    /* status */
    uint64_t s = below(r, 100);
    if (s < 5) { /* pending */
        v.activation_epoch = FAR;
        if (below(r, 2)) {
            v.activation_eligibility_epoch = FAR; /* pending_initialized */
            balance = GWEI_PER_ETH * (1 + below(r, 32));
        } else {
            v.activation_eligibility_epoch = E - below(r, 64);
            if (below(r, 2))
                v.activation_epoch = E + 1 + below(r, 8); /* queued with a set epoch */
        }
        v.exit_epoch = v.withdrawable_epoch = FAR;
    } else if (s < 90) { /* active */
        v.activation_epoch = below(r, E);
        v.activation_eligibility_epoch = v.activation_epoch - below(r, v.activation_epoch + 1);
        v.exit_epoch = v.withdrawable_epoch = FAR;
        if (below(r, 20) == 0) { /* active_exiting */
            v.exit_epoch = E + 1 + below(r, 256);
            v.withdrawable_epoch = v.exit_epoch + 256;
        }
    } else if (s < 97) { /* exited */
        v.activation_epoch = below(r, E / 2);
        v.activation_eligibility_epoch = v.activation_epoch;
        v.exit_epoch = v.activation_epoch + 1 + below(r, E - v.activation_epoch);
        v.withdrawable_epoch = v.exit_epoch + 256;
        if (v.withdrawable_epoch <= E && below(r, 5) != 0)
            balance = 0; /* withdrawal_done */
    } else {             /* slashed: active_slashed or exited_slashed */
        v.slashed = 1;
        v.activation_epoch = below(r, E / 2);
        v.activation_eligibility_epoch = v.activation_epoch;
        v.exit_epoch = E - 64 + below(r, 128);
        v.withdrawable_epoch = v.exit_epoch + 8192;
        balance = balance > GWEI_PER_ETH ? balance - GWEI_PER_ETH - below(r, GWEI_PER_ETH) : 0;
    }
    uint64_t eb = balance / GWEI_PER_ETH * GWEI_PER_ETH;
    v.effective_balance = eb > max_eb ? max_eb : eb;
    bv_validator_encode(rec, &v);
    *bal = balance;
}

/* ------------------------------------------------------------------ fields */

typedef struct {
    const bv_synth_params *p;
    rng r;
    uint64_t slot, epoch, n;
    uint8_t *validators; /* n records */
    uint64_t *balances;
} gen;

static void gen_eph(gen *g, bv_buf *b)
{
    bv_fork f = g->p->fork;
    size_t fixed = f <= BV_FORK_BELLATRIX ? 536 : f == BV_FORK_CAPELLA ? 568 : 584;
    size_t extra = (size_t)below(&g->r, 33);
    put_rand(b, &g->r, 32);                     /* parent_hash */
    put_rand(b, &g->r, 20);                     /* fee_recipient */
    put_rand(b, &g->r, 32 + 32);                /* state_root, receipts_root */
    put_rand(b, &g->r, 256);                    /* logs_bloom */
    put_rand(b, &g->r, 32);                     /* prev_randao */
    bv_buf_put_le64(b, 18000000 + g->slot / 2); /* block_number */
    bv_buf_put_le64(b, 30000000);               /* gas_limit */
    bv_buf_put_le64(b, below(&g->r, 30000000)); /* gas_used */
    bv_buf_put_le64(b, MAINNET_GENESIS_TIME + 12 * g->slot);
    bv_buf_put_le32(b, (uint32_t)fixed); /* extra_data offset */
    uint8_t fee[32] = {0};
    bv_put_le64(fee, 1000000000ULL + below(&g->r, 50000000000ULL)); /* uint256 LE */
    bv_buf_put(b, fee, 32);
    put_rand(b, &g->r, 32 + 32); /* block_hash, transactions_root */
    if (f >= BV_FORK_CAPELLA)
        put_rand(b, &g->r, 32); /* withdrawals_root */
    if (f >= BV_FORK_DENEB) {
        bv_buf_put_le64(b, 131072 * below(&g->r, 7)); /* blob_gas_used */
        bv_buf_put_le64(b, below(&g->r, 1 << 24));    /* excess_blob_gas */
    }
    put_rand(b, &g->r, extra);
}

static void gen_pending_attestations(gen *g, bv_buf *b, uint64_t limit)
{
    size_t count = (size_t)below(&g->r, limit < 8 ? limit + 1 : 9);
    bv_buf body = BV_BUF_INIT;
    size_t table = 4 * count, pos = table;
    for (size_t i = 0; i < count; i++) {
        size_t nbits = 1 + (size_t)below(&g->r, 128);
        size_t nbytes = nbits / 8 + 1;
        bv_buf_put_le32(b, (uint32_t)pos);
        bv_buf_put_le32(&body, 148);
        bv_buf_put_le64(&body, g->slot - 1 - below(&g->r, 32)); /* data.slot */
        bv_buf_put_le64(&body, below(&g->r, 64));               /* data.index */
        put_rand(&body, &g->r, 32);                             /* beacon_block_root */
        bv_buf_put_le64(&body, g->epoch - 1);                   /* source */
        put_rand(&body, &g->r, 32);
        bv_buf_put_le64(&body, g->epoch); /* target */
        put_rand(&body, &g->r, 32);
        bv_buf_put_le64(&body, 1 + below(&g->r, 32)); /* inclusion_delay */
        bv_buf_put_le64(&body, below(&g->r, g->n));   /* proposer_index */
        uint8_t *bits = bv_buf_extend(&body, nbytes);
        if (bits) {
            fill(&g->r, bits, nbytes);
            bits[nbytes - 1] &= (uint8_t)((1u << (nbits % 8)) - 1);
            bits[nbytes - 1] |= (uint8_t)(1u << (nbits % 8)); /* delimiter */
        }
        pos = table + body.len;
    }
    bv_buf_put(b, body.data, body.len);
    b->oom |= body.oom;
    free(body.data);
}

/* Gloas records: the layouts of ssz_types.c. */
static void gen_gloas(gen *g, bv_kind kind, uint64_t param, bv_buf *b)
{
    switch (kind) {
    case K_BITVECTOR:
        put_rand(b, &g->r, (size_t)param / 8);
        break;
    case K_VEC_BUILDER_PP:
        for (uint64_t i = 0; i < param; i++) {
            bv_buf_put_le64(b, below(&g->r, 1000) * GWEI_PER_ETH); /* weight */
            put_rand(b, &g->r, 20);                                /* fee_recipient */
            bv_buf_put_le64(b, below(&g->r, 10 * GWEI_PER_ETH));   /* amount */
            bv_buf_put_le64(b, below(&g->r, 8));                   /* builder_index */
            bv_buf_put_le64(b, below(&g->r, g->n));                /* proposer_index */
        }
        break;
    case K_PTC_WINDOW: {
        uint64_t total = (param >> 32) * (param & 0xFFFFFFFFu);
        for (uint64_t i = 0; i < total; i++)
            bv_buf_put_le64(b, below(&g->r, g->n));
        break;
    }
    case K_PLIST_BUILDER: {
        uint64_t cnt = below(&g->r, 6);
        for (uint64_t i = 0; i < cnt; i++) {
            put_rand(b, &g->r, 48); /* pubkey */
            uint8_t version = 0x03;
            bv_buf_put(b, &version, 1);                                  /* version */
            put_rand(b, &g->r, 20);                                      /* execution_address */
            bv_buf_put_le64(b, GWEI_PER_ETH * (1 + below(&g->r, 5000))); /* balance */
            bv_buf_put_le64(b, g->epoch - below(&g->r, 1000));           /* deposit_epoch */
            bv_buf_put_le64(b,
                            below(&g->r, 4) ? BV_FAR_FUTURE_EPOCH : g->epoch + below(&g->r, 300));
        }
        break;
    }
    case K_PLIST_BUILDER_PW: {
        uint64_t cnt = below(&g->r, 4);
        for (uint64_t i = 0; i < cnt; i++) {
            put_rand(b, &g->r, 20);
            bv_buf_put_le64(b, below(&g->r, 10 * GWEI_PER_ETH));
            bv_buf_put_le64(b, below(&g->r, 8));
        }
        break;
    }
    case K_PLIST_WITHDRAWAL: {
        uint64_t cnt = below(&g->r, 5);
        for (uint64_t i = 0; i < cnt; i++) {
            bv_buf_put_le64(b, 100000000 + i);
            bv_buf_put_le64(b, below(&g->r, g->n));
            put_rand(b, &g->r, 20);
            bv_buf_put_le64(b, below(&g->r, 2 * GWEI_PER_ETH));
        }
        break;
    }
    case K_BID: {
        put_rand(b, &g->r, 128); /* parent hash/root, block hash, prev_randao */
        put_rand(b, &g->r, 20);  /* fee_recipient */
        bv_buf_put_le64(b, 30000000 + below(&g->r, 30000000)); /* gas_limit */
        bv_buf_put_le64(b, below(&g->r, 8));                   /* builder_index */
        bv_buf_put_le64(b, g->slot);                           /* slot */
        bv_buf_put_le64(b, below(&g->r, GWEI_PER_ETH));        /* value */
        bv_buf_put_le64(b, below(&g->r, GWEI_PER_ETH));        /* execution_payment */
        bv_buf_put_le32(b, 224);                               /* blob_kzg_commitments offset */
        put_rand(b, &g->r, 32);                                /* execution_requests_root */
        put_rand(b, &g->r, 48 * (size_t)below(&g->r, 7));
        break;
    }
    default:
        break;
    }
}

/* A ProgressiveList is generated like the classic list of the same element. */
static bv_kind classic_kind(bv_kind k)
{
    switch (k) {
    case K_PLIST_VALIDATOR:
        return K_LIST_VALIDATOR;
    case K_PLIST_U64:
        return K_LIST_U64;
    case K_PLIST_U8:
        return K_LIST_U8;
    case K_PLIST_PENDING_DEP:
        return K_LIST_PENDING_DEP;
    case K_PLIST_PENDING_PW:
        return K_LIST_PENDING_PW;
    case K_PLIST_PENDING_CONS:
        return K_LIST_PENDING_CONS;
    default:
        return k;
    }
}

static void gen_field(gen *g, const bv_field_desc *d, bv_buf *b)
{
    const bv_synth_params *p = g->p;
    uint64_t param = bv_layout_param(p->preset, d->param);
    const char *name = d->name;
    bv_kind kind = classic_kind(d->kind);
    switch (kind) {
    case K_U64:
        if (!strcmp(name, "genesis_time"))
            bv_buf_put_le64(b, MAINNET_GENESIS_TIME);
        else if (!strcmp(name, "slot"))
            bv_buf_put_le64(b, g->slot);
        else if (!strcmp(name, "eth1_deposit_index"))
            bv_buf_put_le64(b, g->n);
        else if (!strcmp(name, "next_withdrawal_builder_index"))
            bv_buf_put_le64(b, below(&g->r, 6));
        else if (!strcmp(name, "next_withdrawal_validator_index"))
            bv_buf_put_le64(b, below(&g->r, g->n));
        else if (!strcmp(name, "earliest_exit_epoch") ||
                 !strcmp(name, "earliest_consolidation_epoch"))
            bv_buf_put_le64(b, g->epoch + 5 + below(&g->r, 100));
        else if (!strcmp(name, "deposit_requests_start_index"))
            bv_buf_put_le64(b, 1000000 + below(&g->r, 1000));
        else
            bv_buf_put_le64(b, below(&g->r, 1ULL << 40));
        break;
    case K_B32:
        put_rand(b, &g->r, 32);
        break;
    case K_FORK: {
        uint8_t prev[4] = {(uint8_t)(p->fork ? p->fork - 1 : 0), 0, 0, 0};
        uint8_t cur[4] = {(uint8_t)p->fork, 0, 0, 0};
        bv_buf_put(b, prev, 4);
        bv_buf_put(b, cur, 4);
        bv_buf_put_le64(b, fork_epoch[p->fork]);
        break;
    }
    case K_HEADER:
        /* The stored header of a state whose last block is at this slot:
         * state_root still zero (process_slot fills it later). */
        bv_buf_put_le64(b, g->slot);
        bv_buf_put_le64(b, below(&g->r, g->n));
        put_rand(b, &g->r, 32);
        put_zero(b, 32);
        put_rand(b, &g->r, 32);
        break;
    case K_ETH1DATA:
        put_rand(b, &g->r, 32);
        bv_buf_put_le64(b, g->n);
        put_rand(b, &g->r, 32);
        break;
    case K_CHECKPOINT: {
        uint64_t back = !strcmp(name, "finalized_checkpoint") ? 2 : 1;
        bv_buf_put_le64(b, g->epoch > back ? g->epoch - back : 0);
        put_rand(b, &g->r, 32);
        break;
    }
    case K_BITVECTOR4: {
        uint8_t x = (uint8_t)below(&g->r, 16);
        bv_buf_put(b, &x, 1);
        break;
    }
    case K_VEC_B32:
        put_rand(b, &g->r, 32 * (size_t)param);
        break;
    case K_VEC_U64:
        for (uint64_t i = 0; i < param; i++)
            bv_buf_put_le64(b, !strcmp(name, "proposer_lookahead") ? below(&g->r, g->n)
                               : below(&g->r, 8) == 0              ? below(&g->r, 64) * GWEI_PER_ETH
                                                                   : 0);
        break;
    case K_SYNC_COMMITTEE:
        for (uint64_t i = 0; i < param; i++)
            bv_buf_put(b, g->validators + BV_VALIDATOR_SIZE * below(&g->r, g->n), 48);
        put_rand(b, &g->r, 48);
        break;
    case K_LIST_B32:
        put_rand(b, &g->r, 32 * (size_t)below(&g->r, 6));
        break;
    case K_LIST_U64:
        if (!strcmp(name, "balances")) {
            for (uint64_t i = 0; i < g->n; i++)
                bv_buf_put_le64(b, g->balances[i]);
        } else { /* inactivity_scores: mostly zero */
            for (uint64_t i = 0; i < g->n; i++)
                bv_buf_put_le64(b, below(&g->r, 10) == 0 ? below(&g->r, 200) : 0);
        }
        break;
    case K_LIST_U8: /* participation flags: 3 bits */
        for (uint64_t i = 0; i < g->n; i++) {
            uint8_t x = (uint8_t)below(&g->r, 8);
            bv_buf_put(b, &x, 1);
        }
        break;
    case K_LIST_ETH1DATA: {
        uint64_t cnt = below(&g->r, param < 5 ? param + 1 : 5);
        for (uint64_t i = 0; i < cnt; i++) {
            put_rand(b, &g->r, 32);
            bv_buf_put_le64(b, g->n + i);
            put_rand(b, &g->r, 32);
        }
        break;
    }
    case K_LIST_VALIDATOR:
        bv_buf_put(b, g->validators, (size_t)g->n * BV_VALIDATOR_SIZE);
        break;
    case K_LIST_HIST_SUMMARY:
        put_rand(b, &g->r, 64 * (size_t)below(&g->r, 5));
        break;
    case K_LIST_PENDING_DEP: {
        uint64_t cnt = below(&g->r, 4);
        for (uint64_t i = 0; i < cnt; i++) {
            put_rand(b, &g->r, 48);
            uint8_t wc[32] = {0x01};
            fill(&g->r, wc + 12, 20);
            bv_buf_put(b, wc, 32);
            bv_buf_put_le64(b, 32 * GWEI_PER_ETH);
            put_rand(b, &g->r, 96);
            bv_buf_put_le64(b, g->slot - below(&g->r, 64));
        }
        break;
    }
    case K_LIST_PENDING_PW: {
        uint64_t cnt = below(&g->r, 4);
        for (uint64_t i = 0; i < cnt; i++) {
            bv_buf_put_le64(b, below(&g->r, g->n));
            bv_buf_put_le64(b, below(&g->r, 100 * GWEI_PER_ETH));
            bv_buf_put_le64(b, g->epoch + below(&g->r, 256));
        }
        break;
    }
    case K_LIST_PENDING_CONS: {
        uint64_t cnt = below(&g->r, 3);
        for (uint64_t i = 0; i < cnt; i++) {
            bv_buf_put_le64(b, below(&g->r, g->n));
            bv_buf_put_le64(b, below(&g->r, g->n));
        }
        break;
    }
    case K_LIST_PENDING_ATT:
        gen_pending_attestations(g, b, param);
        break;
    case K_EPH:
        gen_eph(g, b);
        break;
    default:
        gen_gloas(g, kind, param, b);
        break;
    }
}

bv_err bv_synth_state(const bv_synth_params *p, uint8_t **out, size_t *size, bv_status *st)
{
    *out = NULL;
    *size = 0;
    if (p->fork < BV_FORK_PHASE0 || p->fork > BV_FORK_GLOAS)
        return bv_fail(st, BV_ERR_UNSUPPORTED, "synthetic states: fork %s is not supported",
                       bv_fork_name(p->fork));
    if (p->preset != BV_PRESET_MAINNET && p->preset != BV_PRESET_MINIMAL)
        return bv_fail(st, BV_ERR_ARG, "synthetic states: preset must be mainnet or minimal");
    if (p->validators == 0 || p->validators > (1ULL << 24))
        return bv_fail(st, BV_ERR_ARG, "synthetic states: validator count %llu not in 1..2^24",
                       (unsigned long long)p->validators);
    gen g;
    memset(&g, 0, sizeof g);
    g.p = p;
    g.r.s = p->seed * 0xD1B54A32D192ED03ULL + 0x8BB84B93962EACC9ULL;
    g.n = p->validators;
    unsigned spe = bv_slots_per_epoch(p->preset);
    /* Default slot: 1000..1999 epochs into the fork (mainnet schedule), at
     * least 1000 epochs after genesis so every status can occur. */
    g.slot = p->slot ? p->slot
                     : (fork_epoch[p->fork] + 1000 + below(&g.r, 1000)) * spe + below(&g.r, spe);
    g.epoch = g.slot / spe;
    if (g.epoch < 300)
        return bv_fail(st, BV_ERR_ARG, "synthetic states: slot %llu is before epoch 300",
                       (unsigned long long)g.slot);
    g.validators = malloc((size_t)g.n * BV_VALIDATOR_SIZE);
    g.balances = malloc((size_t)g.n * sizeof *g.balances);
    if (!g.validators || !g.balances) {
        free(g.validators);
        free(g.balances);
        return bv_fail(st, BV_ERR_NOMEM, "synthetic states: no memory for %llu validators",
                       (unsigned long long)g.n);
    }
    vctx vc = {p->fork, g.epoch, p->seed, p->shared_credentials};
    for (uint64_t i = 0; i < g.n; i++)
        gen_validator(&g.r, &vc, g.validators + BV_VALIDATOR_SIZE * i, &g.balances[i]);

    unsigned nf;
    const bv_field_desc *d = bv_layout_fields(p->fork, &nf);
    bv_buf fixed = BV_BUF_INIT, var = BV_BUF_INIT;
    size_t fixed_size = bv_state_fixed_size(p->fork, p->preset);
    size_t offset_pos[BV_STATE_MAX_FIELDS], var_start[BV_STATE_MAX_FIELDS];
    for (unsigned i = 0; i < nf; i++) {
        if (bv_kind_is_variable(d[i].kind)) {
            offset_pos[i] = fixed.len;
            bv_buf_put_le32(&fixed, 0);
            var_start[i] = var.len;
            gen_field(&g, &d[i], &var);
        } else {
            gen_field(&g, &d[i], &fixed);
        }
    }
    free(g.validators);
    free(g.balances);
    bv_err e = BV_OK;
    if (fixed.oom || var.oom)
        e = bv_fail(st, BV_ERR_NOMEM, "synthetic states: no memory for the state");
    else if (fixed.len != fixed_size)
        e = bv_fail(st, BV_ERR_INTERNAL, "synthetic states: fixed part %zu != %zu", fixed.len,
                    fixed_size);
    if (e == BV_OK) {
        for (unsigned i = 0; i < nf; i++)
            if (bv_kind_is_variable(d[i].kind)) {
                uint32_t off = (uint32_t)(fixed_size + var_start[i]);
                bv_put_le32(fixed.data + offset_pos[i], off);
            }
        bv_buf_put(&fixed, var.data, var.len);
        if (fixed.oom)
            e = bv_fail(st, BV_ERR_NOMEM, "synthetic states: no memory for the state");
    }
    free(var.data);
    if (e != BV_OK) {
        free(fixed.data);
        return e;
    }
    *out = fixed.data;
    *size = fixed.len;
    return BV_OK;
}
