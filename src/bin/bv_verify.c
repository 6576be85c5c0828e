/* bv_verify - verify a proof against a circuit file.
 *
 *   bv_verify --circuit FILE --proof FILE [--config test] [--json]
 *
 * Exit 0 and print the public inputs (one decimal value per line) only for a
 * valid proof, and on stderr the circuit digest it was checked against;
 * otherwise a one-line reason on stderr (naming both digests when the proof
 * was made for another circuit) and a non-zero exit. A circuit file whose
 * configuration gives fewer than 100 conjectured bits of security is refused,
 * except the named test configuration when --config test asks for it.
 * With --json: a final-layer proof (36 + 8N public inputs that read as a
 * final statement whose DendrETH commitment matches) prints one JSON object
 * with the native balverify job's keys (slot, epoch, state_root,
 * block_root, withdrawal_credentials, total_locked_gwei, active_validators,
 * exited_validators, non_activated_validators, slashed_validators, in its
 * formatting); any other proof prints its public inputs as one JSON array. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balverify/balance_pipeline.h"
#include "balverify/final_layer.h"
#include "balverify/serialize.h"
#include "balverify/verifier.h"

#define MAX_FILE (256u << 20)

/* The digest as the 32 bytes the files store (4 little-endian u64), in hex. */
static void digest_hex(bv_hash h, char out[65])
{
    uint8_t b[32];
    bv_hash_to_bytes(h, b);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static bv_err wrong_digest(const bv_hash *file, const bv_hash *circuit, bv_status *st)
{
    char a[65], b[65];
    digest_hex(*file, a);
    digest_hex(*circuit, b);
    return bv_fail(st, BV_ERR_VERIFY,
                   "proof rejected: wrong circuit digest (the proof was made for circuit 0x%s, "
                   "the circuit file is 0x%s)",
                   a, b);
}

static int usage(void)
{
    fprintf(stderr, "usage: bv_verify --circuit FILE --proof FILE [--config test] [--json]\n");
    return bv_exit_code(BV_ERR_ARG);
}

/* The final statement when p is a final-layer proof: 36 + 8N inputs that
 * read as a statement whose commitment is DendrETH's of that statement. */
static int final_statement(const bv_proof *p, bv_final_statement *s)
{
    uint32_t n = p->num_public_inputs;
    if (n < bv_final_num_public_inputs(1) || (n - 36) % 8 || (n - 36) / 8 > BV_BAL_MAX_CREDENTIALS)
        return 0;
    bv_status st;
    if (bv_final_statement_of(p, (n - 36) / 8, s, &st) != BV_OK)
        return 0;
    uint8_t c[32];
    bv_final_commitment_native(s, c);
    return memcmp(c, s->commitment, 32) == 0;
}

static bv_err print_json(const bv_proof *p, bv_status *st)
{
    bv_final_statement s;
    if (final_statement(p, &s)) {
        char *js = NULL;
        bv_err e = bv_pipeline_final_json(&s, &js, st);
        if (e)
            return e;
        fputs(js, stdout);
        free(js);
        return BV_OK;
    }
    putchar('[');
    for (uint32_t i = 0; i < p->num_public_inputs; i++)
        printf(i ? ",%llu" : "%llu", (unsigned long long)p->public_inputs[i]);
    puts("]");
    return BV_OK;
}

int main(int argc, char **argv)
{
    const char *cpath = NULL, *ppath = NULL;
    uint32_t load_flags = 0;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage();
            return 0;
        }
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "bv_verify: error: %s needs a value\n", argv[i]);
            return usage();
        }
        if (strcmp(argv[i], "--circuit") == 0)
            cpath = argv[++i];
        else if (strcmp(argv[i], "--proof") == 0)
            ppath = argv[++i];
        else if (strcmp(argv[i], "--config") == 0) {
            const char *name = argv[++i];
            if (strcmp(name, "test") == 0)
                load_flags |= BV_LOAD_ALLOW_TEST_CONFIG;
            else if (strcmp(name, "standard") != 0) {
                fprintf(stderr, "bv_verify: error: unknown config '%s' (standard or test)\n", name);
                return usage();
            }
        } else {
            fprintf(stderr, "bv_verify: error: unknown argument '%s'\n", argv[i]);
            return usage();
        }
    }
    if (!cpath || !ppath)
        return usage();
    bv_status st;
    uint8_t *cbuf = NULL, *pbuf = NULL;
    size_t clen = 0, plen = 0;
    bv_verifier_data vd;
    bv_common_data cd;
    bv_proof proof;
    bv_hash digest;
    int have_cd = 0, have_proof = 0;
    bv_err e = bv_plonk_read_file(cpath, MAX_FILE, &cbuf, &clen, &st);
    if (e == BV_OK) {
        e = bv_circuit_file_deserialize(cbuf, clen, load_flags, &vd, &cd, &st);
        if (e == BV_OK)
            have_cd = 1;
        else
            bv_fail_ctx(&st, "%s", cpath);
    }
    if (e == BV_OK)
        e = bv_plonk_read_file(ppath, MAX_FILE, &pbuf, &plen, &st);
    if (e == BV_OK) {
        e = bv_proof_file_digest(pbuf, plen, &digest, &st);
        if (e == BV_OK && !bv_hash_eq(digest, vd.circuit_digest))
            e = wrong_digest(&digest, &vd.circuit_digest, &st);
        if (e != BV_OK)
            bv_fail_ctx(&st, "%s", ppath);
    }
    if (e == BV_OK) {
        e = bv_proof_deserialize(&cd, pbuf, plen, &proof, &digest, &st);
        if (e == BV_OK)
            have_proof = 1;
        else
            bv_fail_ctx(&st, "%s", ppath);
    }
    if (e == BV_OK && !bv_hash_eq(digest, vd.circuit_digest))
        e = wrong_digest(&digest, &vd.circuit_digest, &st);
    if (e == BV_OK)
        e = bv_verify(&vd, &cd, &proof, &st);
    if (e == BV_OK) {
        char hex[65];
        digest_hex(vd.circuit_digest, hex);
        fprintf(stderr,
                "bv_verify: valid proof of circuit digest 0x%s (%s config, %u conjectured "
                "bits)\n",
                hex, cd.config.name, bv_plonk_conjectured_security_bits(&cd.config));
    }
    if (e == BV_OK && json)
        e = print_json(&proof, &st);
    else if (e == BV_OK) {
        for (uint32_t i = 0; i < proof.num_public_inputs; i++)
            printf("%llu\n", (unsigned long long)proof.public_inputs[i]);
    }
    if (have_proof)
        bv_proof_free(&proof);
    if (have_cd)
        bv_common_data_release(&cd);
    free(cbuf);
    free(pbuf);
    if (e != BV_OK) {
        fprintf(stderr, "bv_verify: error: %s\n", st.msg);
        return bv_exit_code(e);
    }
    return 0;
}
