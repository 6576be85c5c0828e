/*
 * circuit_harness.h - a small test harness for circuits built with the
 * gadgets: virtual inputs with their values, build, witness generation with
 * the constraint check, value reads. Shared by the gadget and recursion
 * suites. Functions are static inline so a suite may use any subset.
 */
#ifndef BV_TEST_CIRCUIT_HARNESS_H
#define BV_TEST_CIRCUIT_HARNESS_H

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "balverify/circuit.h"
#include "balverify/gadgets.h"
#include "balverify/plonk_config.h"
#include "balverify/witness.h"

#define HARNESS_MAX_INPUTS 8192

typedef struct {
    bv_circuit *c;
    bv_circuit_data *d;
    bv_witness *w;
    size_t nin;
    bv_target in_t[HARNESS_MAX_INPUTS];
    gl_t in_v[HARNESS_MAX_INPUTS];
} harness;

static inline void h_new(harness *h)
{
    memset(h, 0, sizeof *h);
    bv_plonk_config cfg = bv_plonk_config_test();
    h->c = bv_circuit_new(&cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h->c);
}

/* A virtual input with a value for the partial witness. */
static inline bv_target h_input(harness *h, gl_t v)
{
    bv_target t = bv_circuit_add_virtual(h->c);
    CU_ASSERT_FATAL(h->nin < HARNESS_MAX_INPUTS);
    h->in_t[h->nin] = t;
    h->in_v[h->nin++] = v;
    return t;
}

static inline bv_ext_target h_input_ext(harness *h, gl_ext v)
{
    bv_ext_target t;
    t.c0 = h_input(h, v.c0);
    t.c1 = h_input(h, v.c1);
    return t;
}

static inline bv_hash_target h_input_hash(harness *h, bv_hash v)
{
    bv_hash_target t;
    for (int i = 0; i < 4; i++)
        t.e[i] = h_input(h, v.e[i]);
    return t;
}

/* Sets the inputs and generates the witness of the built circuit; returns 0
 * when generation succeeds and every row's constraints hold, otherwise -1
 * with the reason in st. */
static inline int h_generate(harness *h, bv_status *st)
{
    bv_witness_free(h->w);
    h->w = bv_witness_new(h->d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(h->w);
    if (bv_witness_set_many(h->w, h->in_t, h->in_v, h->nin, st) != BV_OK)
        return -1;
    if (bv_witness_generate(h->w, 7, st) != BV_OK)
        return -1;
    return bv_witness_check_constraints(h->w, st) == BV_OK ? 0 : -1;
}

static inline gl_t h_val(harness *h, bv_target t)
{
    gl_t v = 0;
    CU_ASSERT_TRUE(bv_witness_try_get(h->w, t, &v));
    return v;
}

static inline gl_ext h_val_ext(harness *h, bv_ext_target t)
{
    return gl_ext_make(h_val(h, t.c0), h_val(h, t.c1));
}

static inline void h_free(harness *h)
{
    bv_witness_free(h->w);
    if (h->d)
        bv_circuit_data_free(h->d);
    bv_circuit_free(h->c);
    memset(h, 0, sizeof *h);
}

#endif
