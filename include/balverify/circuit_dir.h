/*
 * circuit_dir.h - a circuits directory: the files the circuit data
 * generation tools write and every prover and worker reads.
 *
 * Per circuit NAME (e.g. "commitment_mapper_3"):
 *   DIR/NAME.circuit  verifier data + common data (serialize.h circuit file):
 *                     what `bv_verify --circuit` takes and what a parent
 *                     circuit embeds as constants;
 *   DIR/NAME.prover   the prover data (serialize.h), which holds the same
 *                     circuit file and is checked against it on load.
 *
 * Invariants:
 *  - Every circuit in one directory uses one proof configuration: saving or
 *    loading a circuit whose configuration differs from the one requested is
 *    refused with a one-line error naming the file and both configurations.
 *  - Files are written to a temporary name and renamed, so a reader sees a
 *    whole file or none; saving an identical file again is a no-op
 *    (generation is idempotent).
 *  - Loading checks that NAME.prover and NAME.circuit describe the same
 *    circuit (equal digests); a missing file is reported by name.
 */
#ifndef BALVERIFY_CIRCUIT_DIR_H
#define BALVERIFY_CIRCUIT_DIR_H

#include "balverify/circuit.h"
#include "balverify/plonk_config.h"
#include "balverify/status.h"

/* Creates DIR if needed. */
bv_err bv_circuit_dir_prepare(const char *dir, bv_status *st);
/* 1 when both files of NAME exist. */
int bv_circuit_dir_has(const char *dir, const char *name);
/* Writes NAME.circuit and NAME.prover of d (built with configuration cfg). */
bv_err bv_circuit_dir_save(const char *dir, const char *name, const bv_circuit_data *d,
                           bv_status *st);
/* Loads NAME.prover (checked against NAME.circuit and against cfg). */
bv_err bv_circuit_dir_load(const char *dir, const char *name, const bv_plonk_config *cfg,
                           bv_circuit_data **out, bv_status *st);
/* Loads only NAME.circuit (checked against cfg); cd owns gate data
 * (bv_common_data_release() it). */
bv_err bv_circuit_dir_load_verifier(const char *dir, const char *name, const bv_plonk_config *cfg,
                                    bv_verifier_data *vd, bv_common_data *cd, bv_status *st);
/* Every DIR/\*.circuit file was made with configuration cfg (a directory
 * that does not exist or holds no circuit passes); otherwise BV_ERR_ARG
 * naming the first file of another configuration. Unreadable or damaged
 * files are left to the loader (which names them). */
bv_err bv_circuit_dir_check_config(const char *dir, const bv_plonk_config *cfg, bv_status *st);
/* 1 when two configurations have the same parameters (names aside). */
int bv_plonk_config_same(const bv_plonk_config *a, const bv_plonk_config *b);

#endif
