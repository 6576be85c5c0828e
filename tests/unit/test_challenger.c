/* test_challenger.c - Fiat-Shamir challenger (include/balverify/challenger.h)
 * against the spec vectors and the sponge rules it states. */
#include "cu_main.h"

#include "balverify/challenger.h"
#include "../data/poseidon_vectors.h"

#include <string.h>

static void test_vectors(void)
{
    for (size_t v = 0; v < TV_COUNT(tv_challenger); v++) {
        bv_challenger c;
        bv_challenger_init(&c);
        bv_challenger_observe_many(&c, tv_challenger[v].obs, tv_challenger[v].n_obs);
        for (size_t i = 0; i < tv_challenger[v].n_draw; i++)
            CU_ASSERT_EQUAL(bv_challenger_get(&c), tv_challenger[v].ch[i]);
    }
}

/* independent model: explicit sponge with the documented rules */
static void test_model(void)
{
    bv_challenger c;
    bv_challenger_init(&c);
    gl_t s[12] = {0};
    /* 3 inputs then 10 challenges: lanes 7..0 of perm(s with 3 lanes
     * overwritten), then lane 7, 6 of a bare permutation */
    gl_t in[3] = {11, 22, 33};
    bv_challenger_observe_many(&c, in, 3);
    memcpy(s, in, sizeof in);
    bv_poseidon_permute_ref(s);
    for (int i = 7; i >= 0; i--)
        CU_ASSERT_EQUAL(bv_challenger_get(&c), s[i]);
    bv_poseidon_permute_ref(s);
    CU_ASSERT_EQUAL(bv_challenger_get(&c), s[7]);
    CU_ASSERT_EQUAL(bv_challenger_get(&c), s[6]);
    /* an observe discards the remaining outputs */
    bv_challenger_observe(&c, 44);
    s[0] = 44;
    bv_poseidon_permute_ref(s);
    gl_ext e = bv_challenger_get_ext(&c);
    CU_ASSERT_EQUAL(e.c0, s[7]);
    CU_ASSERT_EQUAL(e.c1, s[6]);
    /* 8 observations absorb immediately; 9th starts a new buffer */
    for (gl_t i = 0; i < 9; i++)
        bv_challenger_observe(&c, 100 + i);
    for (int i = 0; i < 8; i++)
        s[i] = 100 + (gl_t)i;
    bv_poseidon_permute_ref(s);
    s[0] = 108;
    bv_poseidon_permute_ref(s);
    bv_hash h = bv_challenger_get_hash(&c);
    CU_ASSERT_EQUAL(h.e[0], s[7]);
    CU_ASSERT_EQUAL(h.e[3], s[4]);
}

static void test_state_with(void)
{
    for (unsigned pending = 0; pending < 8; pending++) {
        bv_challenger c;
        bv_challenger_init(&c);
        for (unsigned i = 0; i < 13 + pending; i++)
            bv_challenger_observe(&c, i * 7 + 1);
        gl_t st[12];
        unsigned lane;
        bv_challenger_state_with(&c, 12345, st, &lane);
        bv_poseidon_permute(st);
        bv_challenger_observe(&c, 12345);
        CU_ASSERT_EQUAL(bv_challenger_get(&c), st[7]);
        CU_ASSERT_EQUAL(lane, (13 + pending) % 8);
    }
}

static void test_ext_and_cap(void)
{
    bv_challenger a, b;
    bv_challenger_init(&a);
    bv_challenger_init(&b);
    bv_hash cap[2] = {{{1, 2, 3, 4}}, {{5, 6, 7, 8}}};
    bv_challenger_observe_cap(&a, cap, 2);
    bv_challenger_observe_ext(&a, gl_ext_make(9, 10));
    for (gl_t i = 1; i <= 10; i++)
        bv_challenger_observe(&b, i);
    CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof a), 0);
    gl_t x[5], y[5];
    bv_challenger_get_many(&a, x, 5);
    for (int i = 0; i < 5; i++)
        y[i] = bv_challenger_get(&b);
    CU_ASSERT_EQUAL(memcmp(x, y, sizeof x), 0);
}

static void register_suites(void)
{
    bv_cu_add_suite("challenger");
    bv_cu_add_test("spec vectors", test_vectors);
    bv_cu_add_test("duplex rules vs explicit sponge", test_model);
    bv_cu_add_test("state_with predicts the PoW response", test_state_with);
    bv_cu_add_test("ext, hash and cap observation", test_ext_and_cap);
}

BV_CU_MAIN(register_suites)
