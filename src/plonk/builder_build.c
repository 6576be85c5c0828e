/* builder_build.c - turning a builder into circuit data (PROOF_SYSTEM.md 6.5):
 * public-input hashing, constant slots, padding, gate sorting and selectors,
 * constant columns, k_i, sigma, preprocessing commitment and digest. */
#include <stdlib.h>
#include <string.h>

#include "balverify/gates.h"
#include "builder_internal.h"
#include "plonk_internal.h"

/* Hash the public inputs in-circuit (hash_n_to_hash_no_pad with PoseidonGate
 * rows) and add the PublicInputGate row bound to the digest. */
static void add_public_input_rows(bv_circuit *c)
{
    bv_target zero = bv_circuit_zero(c);
    bv_target state[12];
    for (int i = 0; i < 12; i++)
        state[i] = zero;
    if (c->npis > 0) {
        bv_gate pg = bv_gate_poseidon();
        if (c->cfg.num_wires < BV_POSEIDON_GATE_NUM_WIRES ||
            c->cfg.num_routed_wires < BV_POSEIDON_GATE_ROUTED) {
            bv_circuit_fail(c, BV_ERR_ARG,
                            "public inputs need a PoseidonGate (135 wires, 25 routed); config "
                            "has %u/%u",
                            c->cfg.num_wires, c->cfg.num_routed_wires);
            return;
        }
        for (size_t off = 0; off < c->npis; off += 8) {
            for (size_t j = 0; j < 8 && off + j < c->npis; j++)
                state[j] = c->pis[off + j];
            uint32_t row = bv_circuit_add_gate(c, &pg, NULL);
            if (c->err.code != BV_OK)
                return;
            for (uint32_t i = 0; i < 12; i++) {
                bv_circuit_connect(c, bv_wire(row, BV_POSEIDON_WIRE_IN + i), state[i]);
                state[i] = bv_wire(row, BV_POSEIDON_WIRE_OUT + i);
            }
            bv_circuit_connect(c, bv_wire(row, BV_POSEIDON_WIRE_SWAP), zero);
        }
    }
    bv_gate pig = bv_gate_public_input();
    uint32_t row = bv_circuit_add_gate(c, &pig, NULL);
    if (c->err.code != BV_OK)
        return;
    for (uint32_t i = 0; i < 4; i++)
        bv_circuit_connect(c, bv_wire(row, i), state[i]);
    /* The row's other routed wires get random values so that no row is all
     * zero in the permutation argument (plonky2 does the same). */
    for (uint32_t i = 4; i < c->cfg.num_routed_wires; i++)
        bv_circuit_add_random_generator(c, bv_wire(row, i));
}

typedef struct {
    uint32_t row, const_index, wire;
} slot;

static int cmp_gl(const void *a, const void *b)
{
    gl_t x = ((const bv_const_binding *)a)->value, y = ((const bv_const_binding *)b)->value;
    return x < y ? -1 : x > y;
}

/* Bind every distinct constant to a donated constant slot (6.5 step 4). */
static bv_const_binding *bind_constants(bv_circuit *c, size_t *nconsts_out)
{
    size_t nconst = c->memo_n;
    bv_const_binding *cb = malloc((nconst ? nconst : 1) * sizeof *cb);
    if (!cb) {
        bv_circuit_fail(c, BV_ERR_NOMEM, "build: out of memory");
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < c->memo_cap; i++)
        if (c->memo_vals[i] != UINT32_MAX)
            cb[k++] = (bv_const_binding){bv_virtual(c->memo_vals[i]), c->memo_keys[i]};
    qsort(cb, nconst, sizeof *cb, cmp_gl);

    /* count existing slots */
    size_t nslots = 0;
    for (uint32_t r = 0; r < c->nrows; r++) {
        const bv_gate *g = &c->inst[c->row_inst[r]].gate;
        nslots += g->ops->num_extra_constant_wires(g);
    }
    if (nslots < nconst) {
        bv_gate cg = bv_gate_constant(c->cfg.num_constants);
        while (nslots < nconst && c->err.code == BV_OK) {
            uint32_t r = bv_circuit_add_gate(c, &cg, NULL);
            if (c->err.code != BV_OK)
                break;
            const bv_gate *g = &c->inst[c->row_inst[r]].gate;
            if (g->ops->num_extra_constant_wires(g) == 0) {
                bv_circuit_fail(c, BV_ERR_INTERNAL, "ConstantGate donates no constant slot");
                break;
            }
            nslots += g->ops->num_extra_constant_wires(g);
        }
    }
    if (c->err.code != BV_OK) {
        free(cb);
        return NULL;
    }
    size_t j = 0;
    for (uint32_t r = 0; r < c->nrows && j < nconst; r++) {
        const bv_gate *g = &c->inst[c->row_inst[r]].gate;
        uint32_t ns = g->ops->num_extra_constant_wires(g);
        for (uint32_t s = 0; s < ns && j < nconst; s++, j++) {
            uint32_t ci, wire;
            g->ops->extra_constant_wire(g, s, &ci, &wire);
            if (ci >= c->cfg.num_constants || wire >= c->cfg.num_routed_wires) {
                bv_circuit_fail(c, BV_ERR_INTERNAL, "gate donates an invalid constant slot");
                free(cb);
                return NULL;
            }
            c->row_consts[(size_t)r * c->cfg.num_constants + ci] = cb[j].value;
            bv_circuit_connect(c, bv_wire(r, wire), cb[j].t);
        }
    }
    *nconsts_out = nconst;
    return cb;
}

static uint32_t find(uint32_t *p, uint32_t x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}

static int cmp_inst_by_gate(const void *a, const void *b, const bv_gate_inst *ctx)
{
    const bv_gate_inst *inst = ctx;
    return bv_gate_cmp(&inst[*(const uint32_t *)a].gate, &inst[*(const uint32_t *)b].gate);
}

/* insertion sort with context (few gates) */
static void sort_gates(uint32_t *idx, uint32_t n, const bv_gate_inst *inst)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t v = idx[i];
        uint32_t j = i;
        while (j > 0 && cmp_inst_by_gate(&idx[j - 1], &v, inst) > 0) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
}

bv_err bv_circuit_build(bv_circuit *c, bv_circuit_data **out, bv_status *st)
{
    *out = NULL;
    if (c->built)
        return bv_fail(st, BV_ERR_ARG, "build: circuit already built");
    c->built = 1;
    if (c->err.code != BV_OK)
        return bv_fail(st, c->err.code, "build: %s", c->err.msg);

    add_public_input_rows(c);
    size_t nconsts = 0;
    bv_const_binding *consts = NULL;
    if (c->err.code == BV_OK)
        consts = bind_constants(c, &nconsts);
    if (c->err.code != BV_OK) {
        free(consts);
        return bv_fail(st, c->err.code, "build: %s", c->err.msg);
    }

    /* Pad with NoopGate rows to a power of two. The degree must leave room
     * for the Merkle cap of the LDE. */
    uint32_t bits = c->min_degree_bits;
    while ((1u << bits) < c->nrows)
        bits++;
    const bv_plonk_config *cfg = &c->cfg;
    while (bits + cfg->fri.rate_bits < cfg->fri.cap_height || bits < 2)
        bits++;
    if (bits > 28) {
        free(consts);
        return bv_fail(st, BV_ERR_ARG, "build: circuit of %u rows is too large", c->nrows);
    }
    bv_gate noop = bv_gate_noop();
    while (c->nrows < (1u << bits) && c->err.code == BV_OK)
        bv_circuit_add_gate(c, &noop, NULL);
    if (c->err.code != BV_OK) {
        free(consts);
        return bv_fail(st, c->err.code, "build: %s", c->err.msg);
    }

    bv_circuit_data *d = calloc(1, sizeof *d);
    if (!d) {
        free(consts);
        return bv_fail(st, BV_ERR_NOMEM, "build: out of memory");
    }
    bv_common_data *cd = &d->cd;
    cd->config = *cfg;
    cd->degree_bits = bits;
    cd->num_fri_arities = bv_plonk_fri_arities(&cfg->fri, bits, cd->fri_arities);
    uint32_t n = 1u << bits, W = cfg->num_wires, R = cfg->num_routed_wires;
    d->nrows = n;
    d->num_wires = W;
    d->nvirt = c->nvirt;
    d->consts = consts;
    d->nconsts = nconsts;
    bv_err e = BV_OK;

    /* Gate list sorted by (degree, id) restricted to the types in use. */
    uint32_t used_idx[BV_MAX_GATES], nused = 0;
    uint8_t used[BV_MAX_GATES] = {0};
    for (uint32_t r = 0; r < n; r++)
        used[c->row_inst[r]] = 1;
    for (uint32_t i = 0; i < c->ninst; i++)
        if (used[i])
            used_idx[nused++] = i;
    sort_gates(used_idx, nused, c->inst);
    uint16_t inst_to_sorted[BV_MAX_GATES];
    cd->num_gates = nused;
    uint32_t max_deg = 0;
    for (uint32_t k = 0; k < nused; k++) {
        inst_to_sorted[used_idx[k]] = (uint16_t)k;
        bv_status cst;
        if (bv_gate_clone(&c->inst[used_idx[k]].gate, &cd->gates[k], &cst) != BV_OK) {
            e = bv_fail(st, BV_ERR_NOMEM, "build: %s", cst.msg);
            goto fail;
        }
        const bv_gate *g = &cd->gates[k];
        uint32_t dg = g->ops->degree(g);
        if (dg > max_deg)
            max_deg = dg;
        uint32_t nc = g->ops->num_constraints(g);
        if (nc > cd->num_gate_constraints)
            cd->num_gate_constraints = nc;
    }

    /* Selector groups (6.4 step 2). */
    uint32_t max_degree = cfg->max_quotient_degree_factor + 1;
    if (max_deg + nused - 1 <= max_degree) {
        cd->num_selectors = 1;
        cd->group_start[0] = 0;
        cd->group_end[0] = nused;
        for (uint32_t k = 0; k < nused; k++)
            cd->selector_index[k] = 0;
    } else {
        uint32_t pos = 0, ng = 0;
        while (pos < nused) {
            uint32_t i = 0;
            while (pos + i < nused &&
                   i + cd->gates[pos + i].ops->degree(&cd->gates[pos + i]) + 1 <= max_degree)
                i++;
            if (i == 0) {
                e = bv_fail(st, BV_ERR_ARG, "build: gate degree too high for the selectors");
                goto fail;
            }
            cd->group_start[ng] = pos;
            cd->group_end[ng] = pos + i;
            for (uint32_t k = pos; k < pos + i; k++)
                cd->selector_index[k] = ng;
            ng++;
            pos += i;
        }
        cd->num_selectors = ng;
    }
    cd->quotient_degree_factor = cfg->max_quotient_degree_factor;
    cd->num_constants = cd->num_selectors + cfg->num_constants;
    cd->num_public_inputs = (uint32_t)c->npis;
    cd->num_partial_products = bv_plonk_num_partial_products(cfg);
    {
        gl_t k = 1;
        for (uint32_t i = 0; i < R; i++) {
            cd->k_is[i] = k;
            k = gl_mul(k, GL_MULTIPLICATIVE_GENERATOR);
        }
    }

    /* Per-row gate index and constants. */
    d->row_gate = malloc((size_t)n * sizeof *d->row_gate);
    d->row_consts =
        malloc((size_t)n * (cfg->num_constants ? cfg->num_constants : 1) * sizeof(gl_t));
    if (!d->row_gate || !d->row_consts) {
        e = bv_fail(st, BV_ERR_NOMEM, "build: out of memory");
        goto fail;
    }
    for (uint32_t r = 0; r < n; r++) {
        d->row_gate[r] = inst_to_sorted[c->row_inst[r]];
        for (uint32_t i = 0; i < cfg->num_constants; i++)
            d->row_consts[(size_t)r * cfg->num_constants + i] =
                c->row_consts[(size_t)r * cfg->num_constants + i];
    }

    /* Union-find over all nodes (the smaller node represents its class, so
     * the result does not depend on the order of the connections). */
    size_t nnodes = (size_t)n * W + c->nvirt;
    if (nnodes >= UINT32_MAX) {
        e = bv_fail(st, BV_ERR_ARG, "build: too many targets");
        goto fail;
    }
    d->rep = malloc(nnodes * sizeof *d->rep);
    if (!d->rep) {
        e = bv_fail(st, BV_ERR_NOMEM, "build: out of memory");
        goto fail;
    }
    for (size_t i = 0; i < nnodes; i++)
        d->rep[i] = (uint32_t)i;
    for (size_t i = 0; i < c->nconns; i++) {
        uint32_t a = bv_cd_node(d, c->conns[i][0]), b = bv_cd_node(d, c->conns[i][1]);
        if (a == UINT32_MAX || b == UINT32_MAX) {
            e = bv_fail(st, BV_ERR_INTERNAL, "build: connection to a missing target");
            goto fail;
        }
        a = find(d->rep, a);
        b = find(d->rep, b);
        if (a != b) {
            if (a < b)
                d->rep[b] = a;
            else
                d->rep[a] = b;
        }
    }
    for (size_t i = 0; i < nnodes; i++)
        d->rep[i] = find(d->rep, (uint32_t)i);
    e = bv_plonk_fill_preprocessed(d, st);
    if (e != BV_OK)
        goto fail;
    (void)R;

    /* Public inputs and generators move to the circuit data. */
    d->public_inputs = malloc((c->npis ? c->npis : 1) * sizeof *d->public_inputs);
    if (!d->public_inputs) {
        e = bv_fail(st, BV_ERR_NOMEM, "build: out of memory");
        goto fail;
    }
    if (c->npis)
        memcpy(d->public_inputs, c->pis, c->npis * sizeof *c->pis);
    d->gens = c->gens;
    d->ngens = c->ngens;
    c->gens = NULL;
    c->ngens = c->cap_gens = 0;

    e = bv_plonk_commit_preprocessed(d, st);
    if (e != BV_OK)
        goto fail;
    *out = d;
    return BV_OK;
fail:
    bv_circuit_data_free(d);
    return e;
}
