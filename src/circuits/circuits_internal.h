/*
 * circuits_internal.h - pieces shared by the statement circuits (not a
 * public API).
 */
#ifndef BALVERIFY_CIRCUITS_INTERNAL_H
#define BALVERIFY_CIRCUITS_INTERNAL_H

#include <stdint.h>

#include "balverify/plonk_config.h"
#include "balverify/recursion.h"
#include "balverify/status.h"

/* Loads a 2-to-1 node circuit NAME from dir into agg: its prover data, and
 * the targets of the two child proofs, rebuilt on a scratch builder from the
 * child's circuit file CHILD (they take the same virtual indices as when the
 * node was built, since bv_rec_aggregator_build allocates them first). */
bv_err bv_circuits_load_node(const char *dir, const char *name, const char *child,
                             const bv_plonk_config *cfg, bv_rec_aggregator *agg, bv_status *st);

/* Reads 8 public-input words into 32 bytes; BV_ERR_FORMAT when a word is not
 * a u32. */
bv_err bv_circuits_words_to_bytes(const gl_t *w, uint8_t out[32], const char *what, bv_status *st);
/* Reads a (lo, hi) public-input pair as a u64; BV_ERR_FORMAT when a limb is
 * not a u32. */
bv_err bv_circuits_u64_of(const gl_t *w, uint64_t *out, const char *what, bv_status *st);

#endif
