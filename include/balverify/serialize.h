/*
 * serialize.h - versioned binary formats of proofs and circuit files
 * (docs/PROOF_FORMAT.md describes every byte).
 *
 * Invariants:
 *  - Little-endian throughout; field elements are canonical u64 (a
 *    non-canonical value is a format error); every file starts with an
 *    8-byte magic and a u32 version.
 *  - Readers never read past the given length and reject truncated input,
 *    trailing bytes, unknown versions, unknown gate kinds and shapes that
 *    disagree with the circuit, with BV_ERR_FORMAT / BV_ERR_UNSUPPORTED and
 *    a message naming the field.
 *  - A circuit file holds the verifier data (constants/sigmas cap + circuit
 *    digest) and the common data; loading it validates the common data,
 *    checks that the digest matches the cap and degree, and refuses a
 *    configuration below BV_PLONK_MIN_SECURITY_BITS conjectured bits unless
 *    the caller allows the test configuration (BV_LOAD_ALLOW_TEST_CONFIG).
 *  - A proof file holds the digest of the circuit it was made for, the
 *    public inputs and the proof; its shape is read against the common data.
 */
#ifndef BALVERIFY_SERIALIZE_H
#define BALVERIFY_SERIALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "balverify/circuit.h"
#include "balverify/proof.h"

#define BV_PROOF_MAGIC "BVPROOF1"
#define BV_CIRCUIT_MAGIC "BVCIRC01"
#define BV_FORMAT_VERSION 1u

/* Proof (with public inputs). *out is malloc'ed. */
bv_err bv_proof_serialize(const bv_proof *p, const bv_hash *circuit_digest, uint8_t **out,
                          size_t *len, bv_status *st);
/* Reads a proof of circuit cd. digest (may be NULL) receives the circuit
 * digest stored in the file; the caller compares it with its verifier data. */
bv_err bv_proof_deserialize(const bv_common_data *cd, const uint8_t *in, size_t len, bv_proof *p,
                            bv_hash *digest, bv_status *st);

/* Only the header: the digest of the circuit a proof file was made for. */
bv_err bv_proof_file_digest(const uint8_t *in, size_t len, bv_hash *digest, bv_status *st);

/* Flags of the circuit-file loaders. Without BV_LOAD_ALLOW_TEST_CONFIG a
 * file whose configuration gives fewer than BV_PLONK_MIN_SECURITY_BITS
 * conjectured bits is refused (BV_ERR_UNSUPPORTED,
 * bv_plonk_config_check_security); with it the named test configuration
 * (and only it) is accepted as well. Production tools pass 0 unless the user
 * asked for the test configuration; tests pass the flag. */
#define BV_LOAD_ALLOW_TEST_CONFIG 1u

/* Circuit file = verifier data + common data. */
bv_err bv_circuit_file_serialize(const bv_verifier_data *vd, const bv_common_data *cd,
                                 uint8_t **out, size_t *len, bv_status *st);
/* On success cd owns gate data (bv_common_data_release() it). flags:
 * BV_LOAD_* above. */
bv_err bv_circuit_file_deserialize(const uint8_t *in, size_t len, uint32_t flags,
                                   bv_verifier_data *vd, bv_common_data *cd, bv_status *st);

/* Prover data = circuit file + row gates/constants, copy classes, constant
 * bindings, public-input targets and witness generators. Gate-op, random,
 * copy and simple generators can be written (others: BV_ERR_UNSUPPORTED);
 * simple generators are stored by kind name and mapped back to functions by
 * resolve(name) on load (NULL: only "Copy" is known). Loading recomputes the
 * preprocessed commitment and requires the stored circuit digest. */
#define BV_PROVER_MAGIC "BVPROVD1"
typedef bv_simple_gen_fn (*bv_generator_resolver)(const char *name);
bv_err bv_prover_data_serialize(const bv_circuit_data *d, uint8_t **out, size_t *len,
                                bv_status *st);
/* flags: BV_LOAD_* (the embedded circuit file is loaded with them). */
bv_err bv_prover_data_deserialize(const uint8_t *in, size_t len, uint32_t flags,
                                  bv_generator_resolver resolve, bv_circuit_data **out,
                                  bv_status *st);

/* Whole-file reading and writing (max: refuse files larger than this). */
bv_err bv_plonk_read_file(const char *path, size_t max, uint8_t **buf, size_t *len, bv_status *st);
bv_err bv_plonk_write_file(const char *path, const uint8_t *buf, size_t len, bv_status *st);

#endif
