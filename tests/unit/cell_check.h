/*
 * cell_check.h - exhaustive single-cell mutation of a generated witness.
 *
 * For every wire of every non-Noop row of a harness circuit whose witness
 * was generated (h_generate succeeded), the cell is changed alone (+1) and
 * the change must be caught:
 *  - a gate constraint of its row becomes non-zero, or
 *  - the cell is routed and shares its copy class with another trace cell
 *    (the copy constraint breaks).
 * A cell caught by neither is accepted only when it is unread: no other
 * trace cell shares its copy class, so no other constraint sees its value
 * (spare op slots of Arithmetic rows; the inverse hint of is_zero when its
 * input is zero). Circuits under test register their outputs as public
 * inputs, so every result cell is read by the public-input hashing rows.
 * Functions are static inline so a suite may include it.
 */
#ifndef BV_TEST_CELL_CHECK_H
#define BV_TEST_CELL_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuit_harness.h"
#include "plonk/plonk_internal.h"

typedef struct {
    size_t checked, uncaught, idle;
} cell_check_result;

static inline cell_check_result cell_check_all(harness *h, const char *label)
{
    cell_check_result res = {0, 0, 0};
    const struct bv_circuit_data *d = h->d;
    const bv_common_data *cd = &d->cd;
    uint32_t n = d->nrows, W = d->num_wires;
    size_t nodes = (size_t)n * W + d->nvirt;
    gl_t *cells = malloc((size_t)n * W * sizeof *cells);
    gl_t **cols = malloc(W * sizeof *cols);
    uint32_t *trace_cnt = calloc(nodes, sizeof *trace_cnt);
    CU_ASSERT_FATAL(cells && cols && trace_cnt);
    for (uint32_t c = 0; c < W; c++)
        cols[c] = cells + (size_t)c * n;
    bv_witness_trace(h->w, cols);
    for (size_t node = 0; node < nodes; node++) {
        if (node < (size_t)n * W)
            trace_cnt[d->rep[node]]++;
    }
    gl_t wires[BV_PLONK_MAX_WIRES], out[1024];
    for (uint32_t r = 0; r < n; r++) {
        const bv_gate *g = &cd->gates[d->row_gate[r]];
        if (strcmp(g->ops->kind, "Noop") == 0)
            continue;
        uint32_t nw = g->ops->num_wires(g), nc = g->ops->num_constraints(g);
        bv_eval_vars_base v = {.wires = wires,
                               .constants = &d->row_consts[(size_t)r * cd->config.num_constants]};
        for (uint32_t c = 0; c < nw; c++) {
            for (uint32_t k = 0; k < W; k++)
                wires[k] = cols[k][r];
            wires[c] = gl_add(wires[c], 1);
            g->ops->eval_base(g, &v, out);
            int caught = 0;
            for (uint32_t k = 0; k < nc && !caught; k++)
                caught = out[k] != 0;
            size_t node = (size_t)r * W + c;
            uint32_t rep = d->rep[node];
            if (!caught && c < cd->config.num_routed_wires && trace_cnt[rep] >= 2)
                caught = 1;
            res.checked++;
            if (caught)
                continue;
            if (trace_cnt[rep] == 1) {
                res.idle++;
                continue;
            }
            if (res.uncaught++ < 5)
                printf("\n    %s: row %u (%s) wire %u: change not caught", label, r, g->ops->kind,
                       c);
        }
    }
    printf("\n    %s: %zu cells changed one at a time, %zu uncaught, %zu unread cells", label,
           res.checked, res.uncaught, res.idle);
    free(cells);
    free(cols);
    free(trace_cnt);
    return res;
}

#endif
