/* fuzz_circuit.c - libFuzzer target: circuit-file reader (verifier data +
 * common data, gate list with parameters and data, selectors, k_i). */
#include <stdint.h>
#include <stdlib.h>

#include "balverify/serialize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bv_status st;
    bv_verifier_data vd;
    bv_common_data cd;
    if (bv_circuit_file_deserialize(data, size, BV_LOAD_ALLOW_TEST_CONFIG, &vd, &cd, &st) ==
        BV_OK) {
        uint8_t *out = NULL;
        size_t len = 0;
        /* what was accepted re-encodes to exactly the input */
        if (bv_circuit_file_serialize(&vd, &cd, &out, &len, &st) != BV_OK || len != size)
            abort();
        for (size_t i = 0; i < len; i++)
            if (out[i] != data[i])
                abort();
        free(out);
        bv_common_data_release(&cd);
    }
    return 0;
}
