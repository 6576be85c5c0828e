/*
 * beacon_state.c - BeaconState parsing, fork/preset detection and field
 * access (include/balverify/beacon_state.h). Hashing is in
 * beacon_state_hash.c.
 */
#include "balverify/beacon_state.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/input.h"
#include "balverify/util_bytes.h"
#include "eth/beacon_state_layout.h"
#include "eth/ssz_types.h"

static const char *fork_names[BV_FORK_COUNT] = {"phase0", "altair",  "bellatrix", "capella",
                                                "deneb",  "electra", "fulu",      "gloas"};

const char *bv_fork_name(bv_fork fork)
{
    return fork >= 0 && fork < BV_FORK_COUNT ? fork_names[fork] : "unknown";
}

bv_err bv_fork_from_name(const char *name, bv_fork *fork, bv_status *st)
{
    for (int f = 0; f < BV_FORK_COUNT; f++)
        if (strcmp(name, fork_names[f]) == 0) {
            *fork = (bv_fork)f;
            return BV_OK;
        }
    if (strcmp(name, "auto") == 0) {
        *fork = BV_FORK_AUTO;
        return BV_OK;
    }
    return bv_fail(st, BV_ERR_ARG,
                   "unknown fork '%s' (expected phase0, altair, bellatrix, capella, deneb, "
                   "electra, fulu, gloas or auto)",
                   name);
}

const char *bv_preset_name(bv_preset preset)
{
    return preset == BV_PRESET_MAINNET   ? "mainnet"
           : preset == BV_PRESET_MINIMAL ? "minimal"
                                         : "auto";
}

bv_err bv_preset_from_name(const char *name, bv_preset *preset, bv_status *st)
{
    if (strcmp(name, "mainnet") == 0)
        *preset = BV_PRESET_MAINNET;
    else if (strcmp(name, "minimal") == 0)
        *preset = BV_PRESET_MINIMAL;
    else if (strcmp(name, "auto") == 0)
        *preset = BV_PRESET_AUTO;
    else
        return bv_fail(st, BV_ERR_ARG, "unknown preset '%s' (expected mainnet, minimal or auto)",
                       name);
    return BV_OK;
}

bv_fork bv_fork_from_version(const uint8_t version[4])
{
    if (version[1] == 0 && version[2] == 0 && version[3] == 0 && version[0] < BV_FORK_COUNT)
        return (bv_fork)version[0];
    return BV_FORK_AUTO;
}

unsigned bv_slots_per_epoch(bv_preset preset)
{
    return preset == BV_PRESET_MINIMAL ? 8 : 32;
}

unsigned bv_state_field_count(bv_fork fork)
{
    unsigned n;
    bv_layout_fields(fork, &n);
    return n;
}

const char *bv_state_field_name(bv_fork fork, unsigned field)
{
    unsigned n;
    const bv_field_desc *d = bv_layout_fields(fork, &n);
    return d && field < n ? d[field].name : NULL;
}

int bv_state_field_index(bv_fork fork, const char *name)
{
    unsigned n;
    const bv_field_desc *d = bv_layout_fields(fork, &n);
    for (unsigned i = 0; d && i < n; i++)
        if (strcmp(d[i].name, name) == 0)
            return (int)i;
    return -1;
}

uint64_t bv_state_field_gindex(bv_fork fork, unsigned field, unsigned *depth)
{
    if (fork == BV_FORK_GLOAS)
        return bv_ssz_progressive_gindex(field, depth);
    unsigned d = bv_ssz_ceil_log2(bv_state_field_count(fork));
    if (depth)
        *depth = d;
    return (1ULL << d) + field;
}

size_t bv_state_fixed_size(bv_fork fork, bv_preset preset)
{
    if (fork < BV_FORK_PHASE0 || fork > BV_FORK_GLOAS ||
        (preset != BV_PRESET_MAINNET && preset != BV_PRESET_MINIMAL))
        return 0;
    unsigned n;
    const bv_field_desc *d = bv_layout_fields(fork, &n);
    size_t total = 0;
    for (unsigned i = 0; i < n; i++)
        total += bv_layout_fixed_size(d[i].kind, bv_layout_param(preset, d[i].param));
    return total;
}

/* ------------------------------------------------------------------ detection */

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Offset of the first variable field (historical_roots), which equals the
 * fixed-part size: a fingerprint of fork and preset. */
static size_t historical_roots_pos(bv_preset preset)
{
    uint64_t s = bv_layout_param(preset, P_SLOTS_PER_HISTORICAL_ROOT);
    return 8 + 32 + 8 + 16 + 112 + 64 * (size_t)s;
}

/* Byte position of field f's fixed slot. */
static size_t fixed_pos(bv_fork fork, bv_preset preset, unsigned f)
{
    unsigned n;
    const bv_field_desc *d = bv_layout_fields(fork, &n);
    size_t pos = 0;
    for (unsigned i = 0; i < f && i < n; i++)
        pos += bv_layout_fixed_size(d[i].kind, bv_layout_param(preset, d[i].param));
    return pos;
}

/* Capella and Deneb states have the same fixed part; their execution
 * payload headers differ (extra_data offset 568 vs 584). */
static bv_fork capella_or_deneb(const uint8_t *data, size_t size, bv_preset preset)
{
    unsigned eph = 24;
    size_t pos = fixed_pos(BV_FORK_CAPELLA, preset, eph);
    if (pos + 4 > size)
        return BV_FORK_AUTO;
    size_t off = rd32(data + pos);
    if (off + 440 > size)
        return BV_FORK_AUTO;
    uint32_t extra = rd32(data + off + 436);
    if (extra == bv_eph_fixed_size(BV_FORK_CAPELLA))
        return BV_FORK_CAPELLA;
    if (extra == bv_eph_fixed_size(BV_FORK_DENEB))
        return BV_FORK_DENEB;
    return BV_FORK_AUTO;
}

static bv_err detect(const uint8_t *data, size_t size, bv_fork *fork, bv_preset *preset,
                     bv_status *st)
{
    for (int p = BV_PRESET_MAINNET; p <= BV_PRESET_MINIMAL; p++) {
        if (*preset != BV_PRESET_AUTO && *preset != (bv_preset)p)
            continue;
        size_t pos = historical_roots_pos((bv_preset)p);
        if (pos + 4 > size)
            continue;
        uint32_t first = rd32(data + pos);
        for (int f = BV_FORK_PHASE0; f <= BV_FORK_GLOAS; f++) {
            if (*fork != BV_FORK_AUTO && *fork != (bv_fork)f)
                continue;
            if (bv_state_fixed_size((bv_fork)f, (bv_preset)p) != first)
                continue;
            bv_fork found = (bv_fork)f;
            if (found == BV_FORK_CAPELLA || found == BV_FORK_DENEB) {
                bv_fork cd = capella_or_deneb(data, size, (bv_preset)p);
                if (*fork == BV_FORK_AUTO) {
                    if (cd == BV_FORK_AUTO)
                        continue;
                    found = cd;
                } else if (cd != found) {
                    continue;
                }
            }
            *fork = found;
            *preset = (bv_preset)p;
            return BV_OK;
        }
    }
    size_t smallest = bv_state_fixed_size(BV_FORK_PHASE0, BV_PRESET_MINIMAL);
    if (size < smallest)
        return bv_fail(st, BV_ERR_FORMAT,
                       "BeaconState: truncated: %zu bytes, less than the smallest fixed part "
                       "(%zu bytes, phase0/minimal)",
                       size, smallest);
    return bv_fail(st, BV_ERR_FORMAT,
                   "BeaconState: %zu bytes match no %s layout of fork %s (first offset does not "
                   "equal any fixed-part size)",
                   size, *preset == BV_PRESET_AUTO ? "known" : bv_preset_name(*preset),
                   *fork == BV_FORK_AUTO ? "phase0..gloas" : bv_fork_name(*fork));
}

/* ------------------------------------------------------------------ parsing */

bv_err bv_state_parse(bv_beacon_state *s, const uint8_t *data, size_t size, bv_fork fork,
                      bv_preset preset, bv_status *st)
{
    memset(s, 0, sizeof *s);
    if (fork >= BV_FORK_COUNT || fork < BV_FORK_AUTO)
        return bv_fail(st, BV_ERR_ARG, "BeaconState: bad fork value %d", (int)fork);
    bv_err e = detect(data, size, &fork, &preset, st);
    if (e != BV_OK)
        return e;
    unsigned n;
    const bv_field_desc *d = bv_layout_fields(fork, &n);
    const char *fn = bv_fork_name(fork), *pn = bv_preset_name(preset);
    size_t fixed = bv_state_fixed_size(fork, preset);
    if (size < fixed)
        return bv_fail(st, BV_ERR_FORMAT,
                       "BeaconState (%s/%s): truncated: %zu bytes, fixed part alone is %zu", fn, pn,
                       size, fixed);
    /* First pass: fixed slots and offsets. */
    size_t pos = 0, prev_off = 0;
    int prev_var = -1;
    for (unsigned i = 0; i < n; i++) {
        uint64_t param = bv_layout_param(preset, d[i].param);
        if (bv_kind_is_variable(d[i].kind)) {
            size_t off = rd32(data + pos);
            if (prev_var < 0 && off != fixed)
                return bv_fail(st, BV_ERR_FORMAT,
                               "BeaconState (%s/%s): field '%s': first offset %zu != fixed "
                               "part size %zu",
                               fn, pn, d[i].name, off, fixed);
            if (off > size)
                return bv_fail(st, BV_ERR_FORMAT,
                               "BeaconState (%s/%s): field '%s': offset %zu beyond end of data "
                               "(%zu bytes; truncated?)",
                               fn, pn, d[i].name, off, size);
            if (prev_var >= 0) {
                if (off < prev_off)
                    return bv_fail(st, BV_ERR_FORMAT,
                                   "BeaconState (%s/%s): field '%s': offset %zu is before the "
                                   "previous offset %zu",
                                   fn, pn, d[i].name, off, prev_off);
                s->field_len[prev_var] = off - prev_off;
            }
            s->field_off[i] = off;
            prev_off = off;
            prev_var = (int)i;
        } else {
            s->field_off[i] = pos;
            s->field_len[i] = bv_layout_fixed_size(d[i].kind, param);
        }
        pos += bv_layout_fixed_size(d[i].kind, param);
    }
    if (prev_var >= 0)
        s->field_len[prev_var] = size - prev_off;
    /* Second pass: every variable field's contents. */
    for (unsigned i = 0; i < n; i++) {
        if (!bv_kind_is_variable(d[i].kind))
            continue;
        e = bv_ssz_check_field(fork, d[i].kind, bv_layout_param(preset, d[i].param),
                               data + s->field_off[i], s->field_len[i], st);
        if (e != BV_OK)
            return bv_fail_ctx(st, "BeaconState (%s/%s): field '%s'", fn, pn, d[i].name);
    }
    s->fork = fork;
    s->preset = preset;
    s->data = data;
    s->size = size;
    s->nfields = n;
    s->genesis_time = bv_le64(data + s->field_off[BV_FIELD_GENESIS_TIME]);
    s->slot = bv_le64(data + s->field_off[BV_FIELD_SLOT]);
    const uint8_t *fk = data + s->field_off[BV_FIELD_FORK];
    memcpy(s->fork_previous_version, fk, 4);
    memcpy(s->fork_current_version, fk + 4, 4);
    s->fork_epoch = bv_le64(fk + 8);
    memcpy(s->latest_block_header, data + s->field_off[BV_FIELD_LATEST_BLOCK_HEADER],
           BV_SSZ_HEADER_SIZE);
    s->validators = data + s->field_off[BV_FIELD_VALIDATORS];
    s->validator_count = s->field_len[BV_FIELD_VALIDATORS] / BV_SSZ_VALIDATOR_SIZE;
    s->balances = data + s->field_off[BV_FIELD_BALANCES];
    s->balance_count = s->field_len[BV_FIELD_BALANCES] / 8;
    return BV_OK;
}

bv_err bv_state_check_registry(const bv_beacon_state *s, bv_status *st)
{
    if (s->balance_count != s->validator_count)
        return bv_fail(st, BV_ERR_FORMAT, "BeaconState (%s/%s): %llu validators but %llu balances",
                       bv_fork_name(s->fork), bv_preset_name(s->preset),
                       (unsigned long long)s->validator_count,
                       (unsigned long long)s->balance_count);
    return BV_OK;
}

bv_err bv_state_load_file(bv_beacon_state *s, const char *path, bv_fork fork, bv_preset preset,
                          bv_status *st)
{
    uint8_t *data;
    size_t size;
    memset(s, 0, sizeof *s);
    bv_err e = bv_read_file(path, &data, &size, st);
    if (e != BV_OK)
        return e;
    e = bv_state_parse(s, data, size, fork, preset, st);
    if (e != BV_OK) {
        free(data);
        memset(s, 0, sizeof *s);
        return bv_fail_ctx(st, "%s", path);
    }
    s->owned = data;
    return BV_OK;
}

bv_err bv_state_slot_of(const uint8_t *data, size_t size, uint64_t *slot, bv_status *st)
{
    if (size < BV_STATE_SLOT_OFFSET + 8)
        return bv_fail(st, BV_ERR_FORMAT, "%zu bytes: too short for a BeaconState", size);
    *slot = bv_le64(data + BV_STATE_SLOT_OFFSET);
    return BV_OK;
}

bv_err bv_state_file_slot(const char *path, uint64_t *slot, bv_status *st)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return bv_fail(st, BV_ERR_IO, "%s: %s", path, strerror(errno));
    uint8_t b[BV_STATE_SLOT_OFFSET + 8];
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    bv_err e = bv_state_slot_of(b, n, slot, st);
    if (e && st)
        bv_fail_ctx(st, "%s", path);
    return e;
}

void bv_state_free(bv_beacon_state *s)
{
    if (s) {
        free(s->owned);
        memset(s, 0, sizeof *s);
    }
}
