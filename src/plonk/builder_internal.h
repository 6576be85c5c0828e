/* builder_internal.h - the builder's state (shared by builder*.c only). */
#ifndef BV_BUILDER_INTERNAL_H
#define BV_BUILDER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/circuit.h"
#include "plonk_internal.h"

#define BV_GATE_ID_MAX 256
#define BV_MAX_GATE_CONSTS BV_PLONK_MAX_CONSTANTS

typedef struct {
    bv_gate gate; /* deep copy */
    char id[BV_GATE_ID_MAX];
} bv_gate_inst;

typedef struct {
    int32_t inst;
    gl_t consts[BV_MAX_GATE_CONSTS];
    uint32_t row;
    uint32_t next_op;
} bv_slot_state;

struct bv_circuit {
    bv_plonk_config cfg;
    bv_status err;
    uint32_t min_degree_bits;

    bv_gate_inst *inst;
    size_t ninst, cap_inst;

    uint32_t nrows;
    size_t cap_rows;
    uint16_t *row_inst;
    gl_t *row_consts; /* cap_rows * cfg.num_constants */

    uint32_t nvirt;

    bv_target (*conns)[2];
    size_t nconns, cap_conns;

    gl_t *memo_keys;
    uint32_t *memo_vals;
    size_t memo_cap, memo_n;
    uint8_t *const_of_virt_flag;
    gl_t *const_of_virt;
    size_t cap_cov;

    bv_target *pis;
    size_t npis, cap_pis;

    bv_gen_entry *gens;
    size_t ngens, cap_gens;

    bv_slot_state *slots;
    size_t nslots, cap_slots;

    int built;
};

uint32_t bv_builder_append_row(bv_circuit *c, int32_t inst, const gl_t *constants);
void bv_builder_add_gate_op_gen(bv_circuit *c, uint32_t row, uint32_t op);
int bv_builder_target_ok(const bv_circuit *c, bv_target t);

#endif
