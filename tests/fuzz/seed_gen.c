/* seed_gen.c - writes DIR/circuit.bin and DIR/proof.bin for the 2^6-row
 * demonstration circuit (TEST config): the fuzzers' seed inputs. */
#include <stdio.h>
#include <stdlib.h>

#include "balverify/demo_circuit.h"
#include "balverify/prover.h"
#include "balverify/serialize.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: seed_gen DIR\n");
        return 2;
    }
    bv_plonk_config cfg = bv_plonk_config_test();
    bv_status st;
    bv_demo demo;
    bv_witness *w;
    bv_proof p;
    uint8_t *pb, *cb;
    size_t pl, cl;
    char path[4096];
    bv_err e = bv_demo_build(&cfg, 6, &demo, &st);
    if (e == BV_OK)
        e = bv_demo_witness(&demo, 7, 1, &w, &st);
    if (e == BV_OK)
        e = bv_prove(demo.data, w, &p, NULL, &st);
    const bv_verifier_data *vd = e == BV_OK ? bv_circuit_data_verifier(demo.data) : NULL;
    if (e == BV_OK)
        e = bv_proof_serialize(&p, &vd->circuit_digest, &pb, &pl, &st);
    if (e == BV_OK)
        e = bv_circuit_file_serialize(vd, bv_circuit_data_common(demo.data), &cb, &cl, &st);
    if (e == BV_OK) {
        snprintf(path, sizeof path, "%s/proof.bin", argv[1]);
        e = bv_plonk_write_file(path, pb, pl, &st);
    }
    if (e == BV_OK) {
        snprintf(path, sizeof path, "%s/circuit.bin", argv[1]);
        e = bv_plonk_write_file(path, cb, cl, &st);
    }
    if (e != BV_OK) {
        fprintf(stderr, "seed_gen: error: %s\n", st.msg);
        return 1;
    }
    free(pb);
    free(cb);
    bv_proof_free(&p);
    bv_witness_free(w);
    bv_demo_free(&demo);
    return 0;
}
