/*
 * node_prover.h - the proving way of computing tree nodes: attaches to a
 * node (node.h), whose public values the native rules computed, the proof
 * of those values made with the circuits of a circuits directory
 * (commitment_mapper.h, balance.h, final_layer.h). Used by the MPI job
 * (`balverify --prove`); the native way is node.h's combine rules alone.
 *
 * Invariants:
 *  - A node's proof bytes are a proof file (serialize.h) of the circuit of
 *    its kind and level, exactly what `bv_verify --proof` reads.
 *  - Every proof made is checked to carry the node's native public values
 *    (a disagreement is BV_ERR_VERIFY: never a silent difference between
 *    the proven and the computed statement).
 *  - Zero-subtree proofs are made once: those of the mapper (they depend on
 *    the level only) are cached in the circuits directory as
 *    zero_commitment_mapper_{k}.proof, those of the balance tree (they also
 *    depend on the epoch and the credentials) as
 *    zero_balance_verification_{L}_{key}.proof; a cached proof is verified
 *    before it is used, and a bad one is proven again.
 *  - Missing circuit files are generated (with a progress line on stderr
 *    when verbose) only by bv_node_prover_open(..., generate = 1).
 *  - Not thread-safe: one prover per rank; the prover itself uses OpenMP.
 */
#ifndef BALVERIFY_NODE_PROVER_H
#define BALVERIFY_NODE_PROVER_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/balance.h"
#include "balverify/final_layer.h"
#include "balverify/node.h"
#include "balverify/plonk_config.h"
#include "balverify/status.h"

typedef struct bv_node_prover bv_node_prover;

typedef struct {
    uint64_t proofs;                                   /* proofs made (zero proofs included) */
    uint64_t zero_proofs;                              /* zero-subtree proofs made */
    uint64_t zero_cached;                              /* zero-subtree proofs read from the cache */
    double t_leaves, t_nodes, t_zero, t_final, t_load; /* seconds */
} bv_node_prover_stats;

/* Opens (and with generate = 1 first writes any missing) circuits of
 * configuration cfg for ncred credentials in dir: mapper levels 0..40,
 * balance levels 0..37 and the final layer of state depth `depth`. */
bv_err bv_node_prover_open(const char *dir, const bv_plonk_config *cfg, uint32_t ncred,
                           uint32_t depth, int generate, int verbose, bv_node_prover **out,
                           bv_status *st);
void bv_node_prover_free(bv_node_prover *p);
const bv_node_prover_stats *bv_node_prover_stats_of(const bv_node_prover *p);

/* Level-0 proofs. rec: a 121-byte record. */
bv_err bv_node_prover_mapper_leaf(bv_node_prover *p, const uint8_t *rec, bv_node *node,
                                  bv_status *st);
bv_err bv_node_prover_balance_leaf(bv_node_prover *p, const bv_bal_leaf_input *in, bv_node *node,
                                   bv_status *st);
/* parent: the native combination of l and r (same kind, level + 1). */
bv_err bv_node_prover_combine(bv_node_prover *p, const bv_node *l, const bv_node *r,
                              bv_node *parent, bv_status *st);
/* Attaches the zero-subtree proof of node->kind at node->level (a balance
 * zero node for this epoch and these credentials). */
bv_err bv_node_prover_zero(bv_node_prover *p, uint64_t epoch, const uint8_t (*wc)[32],
                           bv_node *node, bv_status *st);
/* The final proof from the two root nodes; *proof (malloc'ed) is a proof
 * file of the final circuit, verified before return; *stmt its statement. */
bv_err bv_node_prover_final(bv_node_prover *p, const bv_node *balance_root,
                            const bv_node *mapper_root, const bv_final_input *in, uint8_t **proof,
                            size_t *len, bv_final_statement *stmt, bv_status *st);
/* Writes the final circuit file to path. */
bv_err bv_node_prover_write_final_circuit(const bv_node_prover *p, const char *path, bv_status *st);

#endif
