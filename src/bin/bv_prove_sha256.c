/* bv_prove_sha256 - prove the SHA-256 of one 64-byte message (the SSZ pair
 * hash) with the in-circuit SHA-256, and write the circuit file and the
 * proof.
 *
 *   bv_prove_sha256 --message HEX [--config standard|test] [--threads T] --out DIR
 *
 * HEX is 128 hex digits (an optional 0x prefix is allowed). Public inputs, in
 * this order: the 16 message words, then the 8 digest words, each a u32
 * (SHA-256's big-endian words). Writes DIR/circuit.bin and DIR/proof.bin;
 * `bv_verify --circuit DIR/circuit.bin --proof DIR/proof.bin` checks them and
 * prints the 24 public inputs. The proof is verified before it is written. */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "balverify/gadgets_sha256.h"
#include "balverify/prover.h"
#include "balverify/serialize.h"
#include "balverify/sha256.h"
#include "balverify/verifier.h"
#include "balverify/witness.h"

static int usage(void)
{
    fprintf(stderr, "usage: bv_prove_sha256 --message HEX [--config standard|test] [--threads T] "
                    "--out DIR\n");
    return bv_exit_code(BV_ERR_ARG);
}

static int fail(bv_err e, const bv_status *st)
{
    fprintf(stderr, "bv_prove_sha256: error: %s\n", st->msg);
    return bv_exit_code(e);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int main(int argc, char **argv)
{
    const char *hex = NULL, *out_dir = NULL, *cfg_name = "standard";
    long threads = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        }
        if (!v) {
            fprintf(stderr, "bv_prove_sha256: error: %s needs a value\n", a);
            return usage();
        }
        if (!strcmp(a, "--message"))
            hex = v;
        else if (!strcmp(a, "--out"))
            out_dir = v;
        else if (!strcmp(a, "--config"))
            cfg_name = v;
        else if (!strcmp(a, "--threads")) {
            char *end;
            threads = strtol(v, &end, 10);
            if (*end || threads < 1 || threads > 1024) {
                fprintf(stderr, "bv_prove_sha256: error: --threads must be in 1..1024\n");
                return bv_exit_code(BV_ERR_ARG);
            }
        } else {
            fprintf(stderr, "bv_prove_sha256: error: unknown argument '%s'\n", a);
            return usage();
        }
        i++;
    }
    if (!hex || !out_dir)
        return usage();
    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
        hex += 2;
    uint8_t msg[64];
    if (strlen(hex) != 128) {
        fprintf(stderr,
                "bv_prove_sha256: error: --message must be 64 bytes (128 hex digits), "
                "got %zu digits\n",
                strlen(hex));
        return bv_exit_code(BV_ERR_ARG);
    }
    for (int i = 0; i < 64; i++) {
        int h = hexval(hex[2 * i]), l = hexval(hex[2 * i + 1]);
        if (h < 0 || l < 0) {
            fprintf(stderr, "bv_prove_sha256: error: --message: '%c%c' at byte %d is not hex\n",
                    hex[2 * i], hex[2 * i + 1], i);
            return bv_exit_code(BV_ERR_ARG);
        }
        msg[i] = (uint8_t)(h << 4 | l);
    }
    if (threads)
        omp_set_num_threads((int)threads);
    bv_status st;
    bv_plonk_config cfg;
    bv_err e = bv_plonk_config_by_name(cfg_name, &cfg, &st);
    if (e != BV_OK)
        return fail(e, &st);
    if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "bv_prove_sha256: error: cannot create %s: %s\n", out_dir, strerror(errno));
        return bv_exit_code(BV_ERR_IO);
    }

    double t0 = omp_get_wtime();
    bv_circuit *c = bv_circuit_new(&cfg);
    if (!c) {
        bv_fail(&st, BV_ERR_NOMEM, "out of memory");
        return fail(BV_ERR_NOMEM, &st);
    }
    bv_target in[16], out[8];
    gl_t vals[16];
    for (int i = 0; i < 16; i++) {
        in[i] = bv_circuit_add_virtual(c);
        vals[i] = (uint32_t)msg[4 * i] << 24 | (uint32_t)msg[4 * i + 1] << 16 |
                  (uint32_t)msg[4 * i + 2] << 8 | msg[4 * i + 3];
    }
    bv_gadget_sha256_pair(c, in, in + 8, out);
    bv_circuit_register_public_inputs(c, in, 16);
    bv_circuit_register_public_inputs(c, out, 8);
    bv_circuit_data *d = NULL;
    e = bv_circuit_build(c, &d, &st);
    bv_circuit_free(c);
    if (e != BV_OK)
        return fail(e, &st);
    double t1 = omp_get_wtime();
    bv_witness *w = bv_witness_new(d);
    bv_proof proof;
    int have_proof = 0;
    if (!w)
        e = bv_fail(&st, BV_ERR_NOMEM, "out of memory");
    if (e == BV_OK)
        e = bv_witness_set_many(w, in, vals, 16, &st);
    if (e == BV_OK)
        e = bv_witness_generate(w, 1, &st);
    if (e == BV_OK && (e = bv_prove(d, w, &proof, NULL, &st)) == BV_OK)
        have_proof = 1;
    bv_witness_free(w);
    double t2 = omp_get_wtime();
    const bv_verifier_data *vd = bv_circuit_data_verifier(d);
    const bv_common_data *cd = bv_circuit_data_common(d);
    if (e == BV_OK)
        e = bv_verify(vd, cd, &proof, &st);
    /* the statement must be the native digest */
    uint8_t want[32];
    bv_sha256_pair(want, msg, msg + 32);
    for (int i = 0; e == BV_OK && i < 8; i++) {
        uint32_t wv = (uint32_t)want[4 * i] << 24 | (uint32_t)want[4 * i + 1] << 16 |
                      (uint32_t)want[4 * i + 2] << 8 | want[4 * i + 3];
        if (proof.public_inputs[16 + i] != wv)
            e = bv_fail(&st, BV_ERR_INTERNAL, "digest word %d differs from native SHA-256", i);
    }
    uint8_t *pbuf = NULL, *cbuf = NULL;
    size_t plen = 0, clen = 0;
    char path[4096];
    if (e == BV_OK)
        e = bv_proof_serialize(&proof, &vd->circuit_digest, &pbuf, &plen, &st);
    if (e == BV_OK)
        e = bv_circuit_file_serialize(vd, cd, &cbuf, &clen, &st);
    if (e == BV_OK) {
        snprintf(path, sizeof path, "%s/circuit.bin", out_dir);
        e = bv_plonk_write_file(path, cbuf, clen, &st);
    }
    if (e == BV_OK) {
        snprintf(path, sizeof path, "%s/proof.bin", out_dir);
        e = bv_plonk_write_file(path, pbuf, plen, &st);
    }
    if (e == BV_OK) {
        printf("config: %s (%u conjectured bits)\n", cfg.name,
               bv_plonk_conjectured_security_bits(&cfg));
        printf("rows: 2^%u\n", cd->degree_bits);
        printf("sha256: ");
        for (int i = 0; i < 32; i++)
            printf("%02x", want[i]);
        printf("\nbuild time: %.3f s, witness + prove time: %.3f s\n", t1 - t0, t2 - t1);
        printf("proof size: %zu bytes\n", plen);
        printf("wrote %s/circuit.bin and %s/proof.bin\n", out_dir, out_dir);
    }
    free(pbuf);
    free(cbuf);
    if (have_proof)
        bv_proof_free(&proof);
    bv_circuit_data_free(d);
    return e == BV_OK ? 0 : fail(e, &st);
}
