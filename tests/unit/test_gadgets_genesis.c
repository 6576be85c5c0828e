/*
 * test_gadgets_genesis.c - the SSZ and validator gadgets on real data: the
 * mainnet genesis state (../shared/fixtures/lighthouse-mainnet-genesis).
 * Exits 77 (ctest: skipped) when the fixture is absent.
 *
 *  - hash_tree_root and H_pos of validators 0..99, computed in a circuit,
 *    equal bv_ssz_validator_root and bv_commit_validator (validator 0's
 *    root also equals the fixture's expected value);
 *  - the balance chunks of balances 0..99 (4 per chunk) equal the state's
 *    serialized chunks;
 *  - from the registry's data root and its length, the length mix-in gives
 *    the upstream validators root, and its branch (gindex 43) reaches the
 *    upstream state root, all in one circuit; a wrong sibling word, a wrong
 *    length and a circuit built with any gindex bit flipped fail.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* GCC's -Wformat-truncation flags bv_fixture_path's snprintf of a 4 KiB
 * root once it is inlined into this file's single caller. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include "cu_main.h"
#pragma GCC diagnostic pop

#include "balverify/beacon_state.h"
#include "balverify/commitment.h"
#include "balverify/gadgets_ssz.h"
#include "balverify/gadgets_validator.h"
#include "balverify/ssz.h"
#include "balverify/util_hex.h"
#include "circuit_harness.h"

#define FIXTURE "lighthouse-mainnet-genesis"
#define NVAL 100

static char fixture_dir[4096];
static bv_beacon_state state;
static bv_state_roots roots;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void build(harness *h)
{
    bv_status st;
    bv_err e = bv_circuit_build(h->c, &h->d, &st);
    if (e != BV_OK)
        printf("\n    build: %s\n", st.msg);
    CU_ASSERT_EQUAL_FATAL(e, BV_OK);
}

static int gen(harness *h)
{
    bv_status st;
    int r = h_generate(h, &st);
    return r;
}

static int words_are(harness *h, const bv_target w[8], const uint8_t chunk[32])
{
    for (int i = 0; i < 8; i++)
        if (h_val(h, w[i]) != be32(chunk + 4 * i))
            return 0;
    return 1;
}

/* The upstream value of `key` in the fixture's expected.txt (32 bytes). */
static int expected_root(const char *key, uint8_t out[32])
{
    char path[4200];
    snprintf(path, sizeof path, "%s/expected.txt", fixture_dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[512], k[256], v[256];
    int found = 0;
    while (!found && fgets(line, sizeof line, f))
        if (sscanf(line, "%255s %255s", k, v) == 2 && strcmp(k, key) == 0)
            found = bv_hex_decode(out, 32, v, NULL) == BV_OK;
    fclose(f);
    return found;
}

static void test_validator_roots(void)
{
    harness h;
    h_new(&h);
    bv_validator_target v;
    bv_gadget_validator_virtual(h.c, &v);
    uint8_t zero[121] = {0};
    h.nin = bv_validator_target_inputs(&v, zero, h.in_t, h.in_v);
    bv_target root[8];
    bv_hash_target hpos;
    bv_gadget_validator_commit(h.c, &v, NULL, root, &hpos);
    build(&h);
    CU_ASSERT_FATAL(state.validator_count >= NVAL);
    size_t roots_ok = 0, hpos_ok = 0;
    for (uint64_t i = 0; i < NVAL; i++) {
        const uint8_t *rec = bv_state_validator(&state, i);
        bv_validator_target_inputs(&v, rec, h.in_t, h.in_v);
        CU_ASSERT_EQUAL_FATAL(gen(&h), 0);
        uint8_t want[32];
        bv_ssz_validator_root(want, rec);
        roots_ok += (size_t)words_are(&h, root, want);
        bv_hash hp = bv_commit_validator(rec);
        int same = 1;
        for (int k = 0; k < 4; k++)
            same &= h_val(&h, hpos.e[k]) == hp.e[k];
        hpos_ok += (size_t)same;
        if (i == 0) {
            uint8_t v0[32];
            CU_ASSERT_FATAL(expected_root("validator0_root", v0));
            CU_ASSERT(words_are(&h, root, v0));
        }
    }
    printf("\n    %d genesis validators: %zu SSZ roots and %zu H_pos equal native", NVAL, roots_ok,
           hpos_ok);
    CU_ASSERT_EQUAL(roots_ok, NVAL);
    CU_ASSERT_EQUAL(hpos_ok, NVAL);
    h_free(&h);
}

static void test_balance_chunks(void)
{
    harness h;
    h_new(&h);
    bv_u64_target b[4];
    for (int k = 0; k < 4; k++) {
        bv_target lo = h_input(&h, 0), hi = h_input(&h, 0);
        b[k] = bv_gadget_u64_from_limbs(h.c, lo, hi);
    }
    bv_target chunk[8];
    bv_gadget_ssz_u64x4_chunk(h.c, b, chunk);
    build(&h);
    size_t ok = 0;
    for (uint64_t j = 0; j < NVAL / 4; j++) {
        for (int k = 0; k < 4; k++) {
            uint64_t bal = bv_state_balance(&state, 4 * j + (uint64_t)k);
            h.in_v[2 * k] = bal & 0xFFFFFFFFu;
            h.in_v[2 * k + 1] = bal >> 32;
        }
        CU_ASSERT_EQUAL_FATAL(gen(&h), 0);
        ok += (size_t)words_are(&h, chunk, state.balances + 32 * j);
    }
    printf("\n    %d balance chunks equal the state's", NVAL / 4);
    CU_ASSERT_EQUAL(ok, NVAL / 4);
    h_free(&h);
}

/* data root + length -> validators root -> state root, gindex g. Inputs:
 * 0..7 data root, 8..9 length, then 8 words per sibling, then the state
 * root. */
typedef struct {
    harness h;
    bv_target vroot[8];
    size_t nbranch_words;
} chain;

static void chain_build(chain *ch, const uint8_t data_root[32], uint64_t len, const uint8_t *branch,
                        unsigned depth, uint64_t gindex, const uint8_t state_root[32])
{
    harness *h = &ch->h;
    h_new(h);
    bv_target dr[8], br[8 * 16], sr[8];
    for (int i = 0; i < 8; i++)
        dr[i] = h_input(h, be32(data_root + 4 * i));
    bv_target lo = h_input(h, len & 0xFFFFFFFFu), hi = h_input(h, len >> 32);
    for (unsigned i = 0; i < 8 * depth; i++)
        br[i] = h_input(h, be32(branch + 4 * i));
    for (int i = 0; i < 8; i++)
        sr[i] = h_input(h, be32(state_root + 4 * i));
    ch->nbranch_words = 8 * depth;
    bv_gadget_ssz_mix_in_length(h->c, dr, bv_gadget_u64_from_limbs(h->c, lo, hi), ch->vroot);
    bv_gadget_ssz_verify_branch(h->c, ch->vroot, br, depth, gindex, sr);
    build(h);
}

static void test_registry_root_and_branch(void)
{
    uint8_t data_root[32], vroot_up[32], sroot_up[32], branch[16 * 32];
    CU_ASSERT_FATAL(expected_root("validators_root", vroot_up));
    CU_ASSERT_FATAL(expected_root("state_root", sroot_up));
    CU_ASSERT_EQUAL_FATAL(bv_ssz_validators_subtree(data_root, state.validators,
                                                    state.validator_count, BV_SSZ_REGISTRY_DEPTH,
                                                    NULL),
                          BV_OK);
    unsigned depth;
    uint64_t gindex;
    CU_ASSERT_EQUAL_FATAL(
        bv_state_field_branch(&roots, BV_FIELD_VALIDATORS, branch, &depth, &gindex, NULL), BV_OK);
    CU_ASSERT_EQUAL(gindex, 43);
    CU_ASSERT_EQUAL(memcmp(roots.state_root, sroot_up, 32), 0);
    chain ch;
    chain_build(&ch, data_root, state.validator_count, branch, depth, gindex, sroot_up);
    CU_ASSERT_EQUAL_FATAL(gen(&ch.h), 0);
    CU_ASSERT(words_are(&ch.h, ch.vroot, vroot_up));
    /* wrong length, wrong data root, wrong sibling words: no witness */
    size_t rejected = 0;
    for (size_t k = 0; k < 10 + ch.nbranch_words; k++) {
        if (k >= 10 && (k - 10) % 3 != 0)
            continue;
        gl_t keep = ch.h.in_v[k];
        ch.h.in_v[k] = k == 8 ? keep + 1 : (k == 9 ? 1 : keep ^ (1u << (k % 32)));
        CU_ASSERT_NOT_EQUAL(gen(&ch.h), 0);
        rejected++;
        ch.h.in_v[k] = keep;
    }
    CU_ASSERT_EQUAL(gen(&ch.h), 0);
    h_free(&ch.h);
    /* each gindex bit flipped: the circuit rejects the real branch */
    for (unsigned b = 0; b < depth; b++) {
        chain_build(&ch, data_root, state.validator_count, branch, depth, gindex ^ (1ull << b),
                    sroot_up);
        CU_ASSERT_NOT_EQUAL(gen(&ch.h), 0);
        rejected++;
        h_free(&ch.h);
    }
    printf("\n    validators root (mix-in of %llu) and its depth-%u branch to the state root "
           "verify in-circuit; %zu wrong inputs / gindices rejected",
           (unsigned long long)state.validator_count, depth, rejected);
}

/* Loads and hashes the state; exits 77 (skipped) when the fixture is absent. */
static void load_fixture(void)
{
    const char *dir = bv_fixture_path(FIXTURE);
    if (!dir) {
        printf("SKIP: fixtures/%s absent\n", FIXTURE);
        exit(77);
    }
    snprintf(fixture_dir, sizeof fixture_dir, "%s", dir);
    char path[4200];
    snprintf(path, sizeof path, "%s/genesis.ssz", fixture_dir);
    if (access(path, R_OK) != 0) {
        printf("SKIP: %s absent\n", path);
        exit(77);
    }
    bv_status st;
    if (bv_state_load_file(&state, path, BV_FORK_PHASE0, BV_PRESET_MAINNET, &st) != BV_OK ||
        bv_state_hash(&state, &roots, &st) != BV_OK) {
        fprintf(stderr, "genesis state: %s\n", st.msg);
        exit(1);
    }
}

static void register_suites(void)
{
    load_fixture();
    bv_cu_add_suite("gadgets_genesis");
    bv_cu_add_test("100 validators: SSZ roots and H_pos", test_validator_roots);
    bv_cu_add_test("25 balance chunks", test_balance_chunks);
    bv_cu_add_test("registry mix-in and branch to the state root", test_registry_root_and_branch);
}

BV_CU_MAIN(register_suites)
