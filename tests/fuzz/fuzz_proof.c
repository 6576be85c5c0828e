/* fuzz_proof.c - libFuzzer target: proof-file reader and verifier. Any input
 * must be rejected cleanly (or, for a genuinely valid proof, accepted)
 * without crashes, leaks or out-of-bounds reads. The circuit is the 2^6-row
 * demonstration circuit under the TEST config, built once. */
#include <stdint.h>
#include <stdlib.h>

#include "balverify/demo_circuit.h"
#include "balverify/serialize.h"
#include "balverify/verifier.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bv_demo demo;
static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bv_status st;
    if (!ready) {
        bv_plonk_config cfg = bv_plonk_config_test();
        if (bv_demo_build(&cfg, 6, &demo, &st) != BV_OK)
            abort();
        ready = 1;
    }
    const bv_common_data *cd = bv_circuit_data_common(demo.data);
    bv_hash dg;
    if (bv_proof_file_digest(data, size, &dg, &st) != BV_OK)
        return 0;
    bv_proof p;
    if (bv_proof_deserialize(cd, data, size, &p, NULL, &st) != BV_OK)
        return 0;
    (void)bv_verify(bv_circuit_data_verifier(demo.data), cd, &p, &st);
    bv_proof_free(&p);
    return 0;
}
