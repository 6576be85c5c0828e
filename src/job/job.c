/* job.c - the native end-to-end MPI job; see include/balverify/job.h and
 * docs/JOB.md.
 *
 * Data flow: rank 0 loads and hashes the whole state (its root anchors the
 * checkpoint identity and the final checks); every other rank maps the same
 * file read-only and parses it, then touches only its own slice of the
 * validators and balances lists. Rank r owns a contiguous range of balance
 * leaves (8 validators each) and the validators inside them, which are the
 * mapper leaves. Each level of a tree is the previous one halved: rank r's
 * range at level L is [ceil(lo0 / 2^L), ceil(hi0 / 2^L)), so ownership is a
 * pure function of the level-0 split and needs no bookkeeping messages. A
 * pair that straddles two ranks is completed by the right-hand rank sending
 * its first (odd) node to the owner of its sibling; a missing right sibling
 * past the populated part is the level's zero node.
 */
#include "balverify/job.h"
#include "balverify/node_prover.h"
#include "balverify/serialize.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "balverify/checkpoint.h"
#include "balverify/commitment.h"
#include "balverify/sha256.h"
#include "balverify/ssz.h"
#include "balverify/util_bytes.h"
#include "balverify/util_clock.h"
#include "balverify/util_hex.h"
#include "balverify/validator.h"

void bv_job_config_init(bv_job_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->fork = BV_FORK_AUTO;
    cfg->stop_after_level = -1;
}

void bv_split_range(uint64_t count, int nranks, int r, uint64_t *lo, uint64_t *hi)
{
    uint64_t q = count / (uint64_t)nranks, rem = count % (uint64_t)nranks;
    uint64_t ur = (uint64_t)r;
    *lo = ur * q + (ur < rem ? ur : rem);
    *hi = *lo + q + (ur < rem ? 1 : 0);
}

bv_err bv_mpi_agree(MPI_Comm comm, bv_status *st)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    int mine = st->code != BV_OK ? rank : INT_MAX, first = INT_MAX;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
    if (first == INT_MAX)
        return BV_OK;
    bv_status tmp = *st;
    MPI_Bcast(&tmp, (int)sizeof tmp, MPI_BYTE, first, comm);
    if (first != 0)
        bv_fail_ctx(&tmp, "rank %d", first);
    *st = tmp;
    return st->code;
}

/* ---- trees and ranges -------------------------------------------------- */

typedef struct {
    bv_node_kind kind;
    uint32_t top;
    uint64_t count0; /* populated nodes at level 0 */
    uint64_t *lo0;   /* per-rank level-0 ranges */
    uint64_t *hi0;
    int nranks;
} tree_t;

static uint64_t ceil_shift(uint64_t x, uint32_t L)
{
    if (L >= 64)
        return x ? 1 : 0;
    return (x >> L) + ((x & ((1ULL << L) - 1)) ? 1 : 0);
}

static uint64_t tree_count(const tree_t *t, uint32_t L)
{
    return ceil_shift(t->count0, L);
}

static void tree_range(const tree_t *t, int r, uint32_t L, uint64_t *lo, uint64_t *hi)
{
    *lo = ceil_shift(t->lo0[r], L);
    *hi = ceil_shift(t->hi0[r], L);
}

static int tree_owner(const tree_t *t, uint32_t L, uint64_t x)
{
    for (int r = 0; r < t->nranks; r++) {
        uint64_t lo, hi;
        tree_range(t, r, L, &lo, &hi);
        if (x >= lo && x < hi)
            return r;
    }
    return -1;
}

typedef struct {
    uint64_t epoch;
    uint8_t cred[32];
    const uint8_t (*wc)[32]; /* the run's credentials (proving) */
} zero_ctx;

static void zero_node(const tree_t *t, const zero_ctx *z, uint32_t L, uint64_t index, bv_node *out)
{
    if (t->kind == BV_NODE_BALANCE)
        bv_balance_zero(L, z->epoch, z->cred, out);
    else
        bv_mapper_zero(L, out);
    out->index = index;
}

static void free_nodes(bv_node *nodes, size_t n)
{
    if (!nodes)
        return;
    for (size_t i = 0; i < n; i++)
        bv_node_free(&nodes[i]);
    free(nodes);
}

/* Level L -> L + 1 for one tree. `in` holds this rank's nodes of level L. */
static bv_err reduce_level(MPI_Comm comm, int rank, const tree_t *t, const zero_ctx *z, uint32_t L,
                           const bv_node *in, bv_node **out, size_t *nout, bv_node_prover *prover,
                           bv_status *st)
{
    *out = NULL;
    *nout = 0;
    uint64_t lo, hi, nlo, nhi, count = tree_count(t, L);
    tree_range(t, rank, L, &lo, &hi);
    tree_range(t, rank, L + 1, &nlo, &nhi);
    int tag = 1000 + (int)L * 4 + (int)t->kind;

    /* Send my first node when it is the right child of a pair owned by
     * another rank. */
    MPI_Request req = MPI_REQUEST_NULL;
    uint8_t *sendbuf = NULL;
    if (lo < hi && (lo & 1)) {
        int dest = tree_owner(t, L, lo - 1);
        size_t len = bv_node_encoded_size(&in[0]);
        sendbuf = malloc(len);
        if (!sendbuf || dest < 0)
            return bv_fail(st, dest < 0 ? BV_ERR_INTERNAL : BV_ERR_NOMEM,
                           "level %u: cannot send node %llu", L, (unsigned long long)lo);
        bv_node_encode(&in[0], sendbuf);
        MPI_Isend(sendbuf, (int)len, MPI_BYTE, dest, tag, comm, &req);
    }

    /* Receive the right child of my last pair when another rank holds it. */
    bv_err e = BV_OK;
    bv_node remote;
    memset(&remote, 0, sizeof remote);
    int have_remote = 0;
    if (nlo < nhi) {
        uint64_t rc = 2 * (nhi - 1) + 1;
        if (rc >= hi && rc < count) {
            int src = tree_owner(t, L, rc);
            MPI_Status ms;
            MPI_Probe(src, tag, comm, &ms);
            int len = 0;
            MPI_Get_count(&ms, MPI_BYTE, &len);
            uint8_t *buf = malloc(len > 0 ? (size_t)len : 1);
            if (!buf) {
                e = bv_fail(st, BV_ERR_NOMEM, "level %u: out of memory", L);
                MPI_Recv(NULL, 0, MPI_BYTE, src, tag, comm, MPI_STATUS_IGNORE);
            } else {
                MPI_Recv(buf, len, MPI_BYTE, src, tag, comm, MPI_STATUS_IGNORE);
                e = bv_node_decode(&remote, buf, (size_t)len, st);
                free(buf);
                if (!e && (remote.kind != t->kind || remote.level != L || remote.index != rc))
                    e = bv_fail(st, BV_ERR_MPI, "level %u: received node %llu, expected %llu", L,
                                (unsigned long long)remote.index, (unsigned long long)rc);
                have_remote = !e;
            }
        }
    }
    if (req != MPI_REQUEST_NULL)
        MPI_Wait(&req, MPI_STATUS_IGNORE);
    free(sendbuf);
    if (e) {
        bv_node_free(&remote);
        return e;
    }

    size_t n = (size_t)(nhi - nlo);
    bv_node *res = calloc(n ? n : 1, sizeof *res);
    if (!res) {
        bv_node_free(&remote);
        return bv_fail(st, BV_ERR_NOMEM, "level %u: out of memory for %zu nodes", L + 1, n);
    }
    int failed = 0;
    bv_status fst;
    bv_status_clear(&fst);
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < n; i++) {
        uint64_t p = nlo + i, lc = 2 * p, rc = lc + 1;
        const bv_node *l = &in[lc - lo];
        bv_node zr;
        const bv_node *r;
        if (rc < hi)
            r = &in[rc - lo];
        else if (rc >= count) {
            zero_node(t, z, L, rc, &zr);
            r = &zr;
        } else
            r = &remote;
        bv_status s1;
        if (bv_node_combine(l, r, &res[i], &s1) != BV_OK) {
#pragma omp critical
            {
                if (!failed) {
                    failed = 1;
                    fst = s1;
                }
            }
        }
    }
    /* Proving: one node at a time (each proof uses every thread). */
    for (size_t i = 0; prover && !failed && i < n; i++) {
        uint64_t p = nlo + i, lc = 2 * p, rc = lc + 1;
        const bv_node *l = &in[lc - lo];
        bv_node zr;
        memset(&zr, 0, sizeof zr);
        const bv_node *r = rc < hi ? &in[rc - lo] : rc >= count ? &zr : &remote;
        bv_err pe = BV_OK;
        if (r == &zr) {
            zero_node(t, z, L, rc, &zr);
            pe = bv_node_prover_zero(prover, z->epoch, (const uint8_t(*)[32])z->wc, &zr, &fst);
        }
        if (pe == BV_OK)
            pe = bv_node_prover_combine(prover, l, r, &res[i], &fst);
        bv_node_free(&zr);
        if (pe != BV_OK)
            failed = 1;
    }
    if (have_remote)
        bv_node_free(&remote);
    if (failed) {
        free_nodes(res, n);
        *st = fst;
        return st->code;
    }
    *out = res;
    *nout = n;
    (void)have_remote;
    return BV_OK;
}

/* ---- leaves ------------------------------------------------------------ */

typedef struct {
    const uint8_t *validators; /* whole registry, 121-byte records */
    const uint8_t *balances;   /* whole list, LE u64 */
    uint64_t n;
} registry_t;

static int cred_match(const uint8_t *wc, const uint8_t (*list)[32], size_t nl)
{
    for (size_t i = 0; i < nl; i++)
        if (memcmp(wc, list[i], 32) == 0)
            return 1;
    return 0;
}

/* Leaves of this rank: balance leaves [blo, bhi) and mapper leaves
 * [8 blo, min(8 bhi, n)). */
static bv_err prove_leaves(bv_node_prover *prover, const registry_t *reg, uint64_t blo,
                           uint64_t bhi, uint64_t epoch, const uint8_t (*wc)[32], size_t nwc,
                           bv_node *bal, bv_node *map, size_t nmap, bv_status *st);

static bv_err compute_leaves(const registry_t *reg, uint64_t blo, uint64_t bhi, uint64_t epoch,
                             const uint8_t cred[32], const uint8_t (*wc)[32], size_t nwc,
                             bv_node **bal_out, bv_node **map_out, size_t *nmap_out,
                             bv_node_prover *prover, bv_status *st)
{
    *bal_out = *map_out = NULL;
    *nmap_out = 0;
    uint64_t v0 = 8 * blo, v1 = 8 * bhi < reg->n ? 8 * bhi : reg->n;
    size_t nv = v0 < v1 ? (size_t)(v1 - v0) : 0, nb = (size_t)(bhi - blo);
    for (size_t i = 0; i < nv; i++) {
        uint8_t s = reg->validators[(v0 + i) * BV_VALIDATOR_SIZE + 88];
        if (s > 1)
            return bv_fail(st, BV_ERR_FORMAT,
                           "validator %llu: slashed byte 0x%02x is not an SSZ boolean",
                           (unsigned long long)(v0 + i), s);
    }
    uint8_t *sha = malloc((nv ? nv : 1) * 32);
    bv_hash *pos = malloc((nv ? nv : 1) * sizeof *pos);
    bv_node *map = calloc(nv ? nv : 1, sizeof *map);
    bv_node *bal = calloc(nb ? nb : 1, sizeof *bal);
    if (!sha || !pos || !map || !bal) {
        free(sha), free(pos), free(map), free(bal);
        return bv_fail(st, BV_ERR_NOMEM, "out of memory for %zu validator leaves", nv);
    }
    const uint8_t *recs = reg->validators + v0 * BV_VALIDATOR_SIZE;
    if (nv) {
        bv_ssz_validator_roots(sha, recs, nv);
        bv_commit_validators(pos, recs, nv);
    }
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < nv; i++) {
        map[i].kind = BV_NODE_MAPPER;
        map[i].level = 0;
        map[i].index = v0 + i;
        memcpy(map[i].pv.mapper.sha_root, sha + 32 * i, 32);
        map[i].pv.mapper.pos_root = pos[i];
    }
    int overflow = 0;
#pragma omp parallel for schedule(static)
    for (size_t j = 0; j < nb; j++) {
        uint64_t leaf = blo + j;
        bv_balance_pv *b = &bal[j].pv.balance;
        bal[j].kind = BV_NODE_BALANCE;
        bal[j].level = 0;
        bal[j].index = leaf;
        uint8_t chunks[64];
        memset(chunks, 0, sizeof chunks);
        bv_hash h[8];
        for (int k = 0; k < 8; k++) {
            uint64_t vi = 8 * leaf + (uint64_t)k;
            memset(&h[k], 0, sizeof h[k]);
            if (vi >= reg->n)
                continue; /* padding: zero leaf, zero balance, not counted */
            const uint8_t *rec = reg->validators + vi * BV_VALIDATOR_SIZE;
            memcpy(chunks + 8 * k, reg->balances + 8 * vi, 8);
            h[k] = pos[vi - v0];
            if (!cred_match(bv_rec_wc(rec), wc, nwc))
                continue;
            uint64_t balance = bv_le64(reg->balances + 8 * vi);
            switch (
                bv_validator_status3(bv_rec_activation_epoch(rec), bv_rec_exit_epoch(rec), epoch)) {
            case BV_VSTATUS_NOT_ACTIVATED:
                b->non_activated++;
                break;
            case BV_VSTATUS_ACTIVE:
                b->active++;
                if (balance > UINT64_MAX - b->sum) {
                    /* refused below, as the balance leaf circuit refuses it */
#pragma omp atomic write
                    overflow = 1;
                }
                b->sum += balance;
                break;
            case BV_VSTATUS_EXITED:
                b->exited++;
                break;
            }
            b->slashed += bv_rec_slashed(rec);
        }
        bv_sha256_pair(b->balances_root, chunks, chunks + 32);
        bv_hash a0 = bv_poseidon_two_to_one(h[0], h[1]), a1 = bv_poseidon_two_to_one(h[2], h[3]);
        bv_hash a2 = bv_poseidon_two_to_one(h[4], h[5]), a3 = bv_poseidon_two_to_one(h[6], h[7]);
        b->validators_commitment =
            bv_poseidon_two_to_one(bv_poseidon_two_to_one(a0, a1), bv_poseidon_two_to_one(a2, a3));
        b->current_epoch = epoch;
        memcpy(b->credentials, cred, 32);
    }
    free(sha);
    free(pos);
    if (overflow) {
        free(map);
        free(bal);
        return bv_fail(st, BV_ERR_VERIFY,
                       "balance leaves %llu..%llu: the sum of a leaf's balances overflows 64 bits",
                       (unsigned long long)blo, (unsigned long long)bhi);
    }
    if (prover) {
        bv_err e = prove_leaves(prover, reg, blo, bhi, epoch, wc, nwc, bal, map, nv, st);
        if (e != BV_OK) {
            free_nodes(map, nv);
            free_nodes(bal, nb);
            return e;
        }
    }
    *bal_out = bal;
    *map_out = map;
    *nmap_out = nv;
    return BV_OK;
}

/* The proofs of this rank's leaves (one at a time: each proof uses every
 * thread). */
static bv_err prove_leaves(bv_node_prover *prover, const registry_t *reg, uint64_t blo,
                           uint64_t bhi, uint64_t epoch, const uint8_t (*wc)[32], size_t nwc,
                           bv_node *bal, bv_node *map, size_t nmap, bv_status *st)
{
    for (size_t i = 0; i < nmap; i++) {
        bv_err e = bv_node_prover_mapper_leaf(
            prover, reg->validators + map[i].index * BV_VALIDATOR_SIZE, &map[i], st);
        if (e != BV_OK)
            return e;
    }
    if (nwc > BV_BAL_MAX_CREDENTIALS)
        return bv_fail(st, BV_ERR_ARG, "proving takes at most %d withdrawal credentials",
                       BV_BAL_MAX_CREDENTIALS);
    bv_bal_leaf_input in;
    for (uint64_t leaf = blo; leaf < bhi; leaf++) {
        memset(&in, 0, sizeof in);
        in.num_credentials = (uint32_t)nwc;
        memcpy(in.credentials, wc, 32 * nwc);
        in.epoch = epoch;
        for (int k = 0; k < 8; k++) {
            uint64_t vi = 8 * leaf + (uint64_t)k;
            if (vi >= reg->n)
                continue; /* padding: zero data, zero balance */
            bv_err e = bv_validator_decode(&in.validators[k],
                                           reg->validators + vi * BV_VALIDATOR_SIZE, vi, st);
            if (e != BV_OK)
                return e;
            in.is_real[k] = 1;
            memcpy(&in.balances[k / 4][8 * (k % 4)], reg->balances + 8 * vi, 8);
        }
        bv_err e = bv_node_prover_balance_leaf(prover, &in, &bal[leaf - blo], st);
        if (e != BV_OK)
            return e;
    }
    return BV_OK;
}

/* ---- state loading ----------------------------------------------------- */

typedef struct {
    int fork;
    int preset;
    uint64_t slot;
    uint64_t n;
    uint64_t slots_per_epoch;
    uint8_t state_root[32];
    uint8_t block_root[32];
    uint8_t header[BV_SSZ_HEADER_SIZE];
} state_meta;

typedef struct {
    bv_input in; /* rank 0 */
    int have_input;
    bv_beacon_state state; /* other ranks: parsed view of the mapping */
    void *map;
    size_t map_len;
    registry_t reg;
} loaded_state;

static bv_err map_and_parse(loaded_state *ls, const char *path, const state_meta *m, bv_status *st)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return bv_fail(st, BV_ERR_IO, "state file %s cannot be opened", path);
    struct stat sb;
    if (fstat(fd, &sb) != 0 || sb.st_size <= 0) {
        close(fd);
        return bv_fail(st, BV_ERR_FORMAT, "state file %s is empty or unreadable", path);
    }
    void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return bv_fail(st, BV_ERR_IO, "state file %s cannot be mapped", path);
    ls->map = p;
    ls->map_len = (size_t)sb.st_size;
    bv_err e =
        bv_state_parse(&ls->state, p, ls->map_len, (bv_fork)m->fork, (bv_preset)m->preset, st);
    if (e)
        return bv_fail_ctx(st, "state file %s", path);
    if (ls->state.validator_count != m->n || ls->state.slot != m->slot)
        return bv_fail(st, BV_ERR_IO, "state file %s differs between ranks (changed on disk?)",
                       path);
    ls->reg.validators = ls->state.validators;
    ls->reg.balances = ls->state.balances;
    ls->reg.n = ls->state.validator_count;
    return BV_OK;
}

static void loaded_free(loaded_state *ls)
{
    if (ls->have_input)
        bv_input_free(&ls->in);
    if (ls->map)
        munmap(ls->map, ls->map_len);
    memset(ls, 0, sizeof *ls);
}

/* ---- final checks (rank 0) --------------------------------------------- */

static void hex(char *out, const uint8_t *b)
{
    bv_hex_encode(out, b, 32);
}

static bv_err verify_field(const bv_state_roots *roots, unsigned field, const uint8_t leaf[32],
                           const char *what, bv_status *st)
{
    uint8_t branch[8 * 32];
    unsigned depth = 0;
    uint64_t gindex = 0;
    bv_err e = bv_state_field_branch(roots, field, branch, &depth, &gindex, st);
    if (e)
        return bv_fail_ctx(st, "branch of %s", what);
    if (!bv_ssz_verify_branch(leaf, branch, depth, gindex, roots->state_root)) {
        char a[67], b[67];
        hex(a, leaf);
        hex(b, roots->state_root);
        return bv_fail(st, BV_ERR_VERIFY,
                       "%s %s does not verify against state root %s (gindex %llu)", what, a, b,
                       (unsigned long long)gindex);
    }
    return BV_OK;
}

static bv_err final_step(const bv_input *in, const bv_job_config *cfg, const state_meta *m,
                         const bv_node *bal, const bv_node *map, bv_job_result *res, bv_status *st)
{
    const bv_state_roots *roots = &in->roots;
    uint64_t epoch = m->slot / m->slots_per_epoch;
    if (bal->kind != BV_NODE_BALANCE || bal->level != BV_BALANCE_TOP_LEVEL || bal->index != 0 ||
        map->kind != BV_NODE_MAPPER || map->level != BV_MAPPER_TOP_LEVEL || map->index != 0)
        return bv_fail(st, BV_ERR_INTERNAL, "final step: the tree roots are not at the top");
    uint8_t cred[32];
    bv_credentials_digest((const uint8_t(*)[32])cfg->wc, cfg->n_wc, cred);
    if (bal->pv.balance.current_epoch != epoch || memcmp(bal->pv.balance.credentials, cred, 32))
        return bv_fail(st, BV_ERR_VERIFY,
                       "balance root carries another epoch or other credentials than this run");
    if (!bv_hash_eq(map->pv.mapper.pos_root, bal->pv.balance.validators_commitment))
        return bv_fail(st, BV_ERR_VERIFY,
                       "commitment mapper Poseidon root differs from the "
                       "balance tree's validator commitment");
    uint8_t vroot[32], broot[32], slot_leaf[32];
    bv_ssz_mix_in_length(vroot, map->pv.mapper.sha_root, m->n);
    bv_ssz_mix_in_length(broot, bal->pv.balance.balances_root, m->n);
    bv_ssz_uint64_leaf(slot_leaf, m->slot);
    bv_err e = verify_field(roots, BV_FIELD_VALIDATORS, vroot, "validators root", st);
    if (!e)
        e = verify_field(roots, BV_FIELD_BALANCES, broot, "balances root", st);
    if (!e)
        e = verify_field(roots, BV_FIELD_SLOT, slot_leaf, "slot", st);
    if (e)
        return e;
    uint8_t hbranch[3][32];
    bv_header_branch(in->header, 3, hbranch);
    if (!bv_ssz_verify_branch(roots->state_root, &hbranch[0][0], 3, 11, in->block_root))
        return bv_fail(st, BV_ERR_VERIFY, "state root does not verify under the block root");

    int resumed = res->resumed_from_level;
    double t_circuits = res->t_circuits;
    memset(res, 0, sizeof *res);
    res->stopped_after_level = -1;
    res->resumed_from_level = resumed;
    res->t_circuits = t_circuits;
    res->slot = m->slot;
    res->epoch = epoch;
    snprintf(res->fork, sizeof res->fork, "%s", bv_fork_name((bv_fork)m->fork));
    memcpy(res->state_root, roots->state_root, 32);
    memcpy(res->block_root, in->block_root, 32);
    memcpy(res->validators_root, vroot, 32);
    memcpy(res->balances_root, broot, 32);
    res->validators_poseidon_root = map->pv.mapper.pos_root;
    res->validator_count = m->n;
    memcpy(res->wc, cfg->wc, sizeof res->wc);
    res->n_wc = cfg->n_wc;
    const bv_balance_pv *b = &bal->pv.balance;
    res->total_locked_gwei = b->sum;
    res->active_validators = b->active;
    res->exited_validators = b->exited;
    res->non_activated_validators = b->non_activated;
    res->slashed_validators = b->slashed;

    /* The statement a final proof would expose (SYSTEM.md 5.7). */
    bv_final_pv *f = &res->final_node.pv.final;
    res->final_node.kind = BV_NODE_FINAL;
    memcpy(f->block_root, in->block_root, 32);
    memcpy(f->state_root, roots->state_root, 32);
    memcpy(f->credentials, cred, 32);
    f->slot = m->slot;
    f->sum = b->sum;
    f->non_activated = b->non_activated;
    f->active = b->active;
    f->exited = b->exited;
    f->slashed = b->slashed;
    size_t mlen = 32 + 32 * cfg->n_wc + 40;
    uint8_t *msg = malloc(mlen);
    if (!msg)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    memcpy(msg, in->block_root, 32);
    memcpy(msg + 32, cfg->wc, 32 * cfg->n_wc);
    uint8_t *q = msg + 32 + 32 * cfg->n_wc;
    bv_put_be64(q, b->sum);
    bv_put_be64(q + 8, b->non_activated);
    bv_put_be64(q + 16, b->active);
    bv_put_be64(q + 24, b->exited);
    bv_put_be64(q + 32, b->slashed);
    bv_sha256(f->commitment, msg, mlen);
    f->commitment[0] &= 0x1F;
    free(msg);
    return BV_OK;
}

/* The final proof (rank 0): written to cfg->proof_out, the final circuit
 * file beside it. */
static bv_err prove_final(bv_node_prover *prover, const bv_input *in, const bv_job_config *cfg,
                          const state_meta *m, const bv_node *bal, const bv_node *map,
                          bv_job_result *res, bv_status *st)
{
    bv_final_input fi;
    memset(&fi, 0, sizeof fi);
    memcpy(fi.state_root, in->roots.state_root, 32);
    memcpy(fi.block_root, in->block_root, 32);
    bv_header_branch(in->header, 3, fi.state_root_branch);
    fi.slot = m->slot;
    fi.validator_count = m->n;
    const unsigned fields[3] = {BV_FIELD_SLOT, BV_FIELD_VALIDATORS, BV_FIELD_BALANCES};
    uint8_t(*dst[3])[32] = {fi.slot_branch, fi.validators_branch, fi.balances_branch};
    for (int k = 0; k < 3; k++) {
        uint8_t branch[16][32];
        unsigned depth = 0;
        uint64_t gindex = 0;
        bv_err e = bv_state_field_branch(&in->roots, fields[k], &branch[0][0], &depth, &gindex, st);
        if (e != BV_OK)
            return e;
        if (depth > BV_FINAL_MAX_DEPTH)
            return bv_fail(st, BV_ERR_UNSUPPORTED, "proving: state field depth %u", depth);
        memcpy(dst[k], branch, 32 * (size_t)depth);
    }
    uint8_t *proof = NULL;
    size_t len = 0;
    bv_final_statement fs;
    bv_err e = bv_node_prover_final(prover, bal, map, &fi, &proof, &len, &fs, st);
    if (e != BV_OK)
        return e;
    /* the proven statement must be the computed one */
    const bv_final_pv *f = &res->final_node.pv.final;
    if (memcmp(fs.state_root, f->state_root, 32) || memcmp(fs.block_root, f->block_root, 32) ||
        fs.slot != f->slot || fs.total != f->sum || fs.active != f->active ||
        fs.exited != f->exited || fs.non_activated != f->non_activated ||
        fs.slashed != f->slashed || memcmp(fs.commitment, f->commitment, 32) ||
        fs.num_credentials != cfg->n_wc || memcmp(fs.credentials, cfg->wc, 32 * cfg->n_wc)) {
        free(proof);
        return bv_fail(st, BV_ERR_VERIFY,
                       "the final proof's statement differs from the computed one");
    }
    const char *out = cfg->proof_out ? cfg->proof_out : "final.proof";
    e = bv_plonk_write_file(out, proof, len, st);
    free(proof);
    if (e != BV_OK)
        return bv_fail_ctx(st, "writing the final proof");
    snprintf(res->proof_path, sizeof res->proof_path, "%s", out);
    snprintf(res->final_circuit_path, sizeof res->final_circuit_path, "%s.circuit", out);
    return bv_node_prover_write_final_circuit(prover, res->final_circuit_path, st);
}

/* ---- the job ----------------------------------------------------------- */

static bv_err notify_level(const bv_job_observer *ob, const tree_t *t, int rank, uint32_t L,
                           const bv_node *nodes, size_t n, bv_status *st)
{
    if (!ob)
        return BV_OK;
    uint64_t lo, hi;
    tree_range(t, rank, L, &lo, &hi);
    if (ob->on_node)
        for (size_t i = 0; i < n; i++) {
            bv_err e = ob->on_node(ob->ctx, &nodes[i], st);
            if (e)
                return e;
        }
    if (ob->on_level_complete)
        return ob->on_level_complete(ob->ctx, t->kind, L, tree_count(t, L), lo, nodes, n, st);
    return BV_OK;
}

bv_err bv_job_run(MPI_Comm comm, const bv_job_config *cfg, bv_job_result *res, bv_status *st)
{
    int rank, nranks;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &nranks);
    memset(res, 0, sizeof *res);
    res->stopped_after_level = -1;
    res->resumed_from_level = -1;
    bv_status_clear(st);
    if (cfg->threads > 0) {
        omp_set_num_threads(cfg->threads);
    } else if (!getenv("OMP_NUM_THREADS")) {
        /* Share the node's cores among the ranks on it instead of letting
         * every rank start one thread per core. */
        MPI_Comm node;
        int local = 1;
        if (MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
            MPI_SUCCESS) {
            MPI_Comm_size(node, &local);
            MPI_Comm_free(&node);
        }
        int cores = omp_get_num_procs();
        omp_set_num_threads(cores / local > 1 ? cores / local : 1);
    }
    double t0 = bv_now_s();

    if (!cfg->state_path)
        bv_fail(st, BV_ERR_ARG, "no state file given (--state FILE)");
    else if (cfg->n_wc == 0 || cfg->n_wc > BV_MAX_CREDENTIALS)
        bv_fail(st, BV_ERR_ARG, "between 1 and %d withdrawal credentials are needed",
                BV_MAX_CREDENTIALS);
    if (bv_mpi_agree(comm, st))
        return st->code;

    /* 1. Load: rank 0 fully (hash every field), the others map and parse. */
    loaded_state ls;
    memset(&ls, 0, sizeof ls);
    state_meta m;
    memset(&m, 0, sizeof m);
    if (rank == 0) {
        if (bv_input_load(&ls.in, cfg->state_path, cfg->header_path, cfg->fork, BV_PRESET_AUTO,
                          st) == BV_OK) {
            ls.have_input = 1;
            m.fork = ls.in.state.fork;
            m.preset = ls.in.state.preset;
            m.slot = ls.in.state.slot;
            m.n = ls.in.state.validator_count;
            m.slots_per_epoch = bv_slots_per_epoch(ls.in.state.preset);
            memcpy(m.state_root, ls.in.roots.state_root, 32);
            memcpy(m.block_root, ls.in.block_root, 32);
            memcpy(m.header, ls.in.header, BV_SSZ_HEADER_SIZE);
            ls.reg.validators = ls.in.state.validators;
            ls.reg.balances = ls.in.state.balances;
            ls.reg.n = m.n;
            if (m.n == 0)
                bv_fail(st, BV_ERR_FORMAT, "state file %s has no validators", cfg->state_path);
            else if (m.slots_per_epoch == 0)
                bv_fail(st, BV_ERR_UNSUPPORTED, "unknown preset");
        }
    }
    if (bv_mpi_agree(comm, st)) {
        loaded_free(&ls);
        return st->code;
    }
    MPI_Bcast(&m, (int)sizeof m, MPI_BYTE, 0, comm);
    if (rank != 0)
        map_and_parse(&ls, cfg->state_path, &m, st);
    if (bv_mpi_agree(comm, st)) {
        loaded_free(&ls);
        return st->code;
    }
    double t_load = bv_now_s();
    if (cfg->verbose && rank == 0)
        fprintf(stderr, "balverify: loaded %s: %s, slot %llu, %llu validators (%.3f s)\n",
                cfg->state_path, bv_fork_name((bv_fork)m.fork), (unsigned long long)m.slot,
                (unsigned long long)m.n, t_load - t0);

    zero_ctx z;
    z.epoch = m.slot / m.slots_per_epoch;
    bv_credentials_digest((const uint8_t(*)[32])cfg->wc, cfg->n_wc, z.cred);
    z.wc = (const uint8_t(*)[32])cfg->wc;

    /* Proving: rank 0 writes any missing circuit files, then every rank
     * loads them. */
    bv_node_prover *prover = NULL;
    if (cfg->prove) {
        double tc = bv_now_s();
        bv_plonk_config pcfg;
        unsigned depth = 0;
        bv_state_field_gindex((bv_fork)m.fork, BV_FIELD_SLOT, &depth);
        const char *dir = cfg->circuits_dir ? cfg->circuits_dir : "circuits";
        if (bv_plonk_config_by_name(cfg->proof_config ? cfg->proof_config : "standard", &pcfg,
                                    st) == BV_OK &&
            cfg->n_wc > BV_BAL_MAX_CREDENTIALS)
            bv_fail(st, BV_ERR_ARG, "proving takes at most %d withdrawal credentials",
                    BV_BAL_MAX_CREDENTIALS);
        if (!st->code && depth != 5 && depth != 6)
            bv_fail(st, BV_ERR_UNSUPPORTED, "proving: the %s state layout has no final circuit",
                    bv_fork_name((bv_fork)m.fork));
        if (!st->code && rank == 0) {
            /* refuse an unwritable proof path before proving anything */
            const char *out = cfg->proof_out ? cfg->proof_out : "final.proof";
            int existed = access(out, F_OK) == 0;
            FILE *f = fopen(out, "ab");
            if (!f)
                bv_fail(st, BV_ERR_IO, "cannot write the final proof to %s: %s", out,
                        strerror(errno));
            else {
                fclose(f);
                if (!existed)
                    unlink(out);
            }
        }
        if (!st->code && rank == 0)
            bv_node_prover_open(dir, &pcfg, (uint32_t)cfg->n_wc, depth, 1, cfg->verbose, &prover,
                                st);
        if (bv_mpi_agree(comm, st) == BV_OK && rank != 0)
            bv_node_prover_open(dir, &pcfg, (uint32_t)cfg->n_wc, depth, 0, 0, &prover, st);
        if (bv_mpi_agree(comm, st)) {
            bv_node_prover_free(prover);
            loaded_free(&ls);
            return st->code;
        }
        res->t_circuits = bv_now_s() - tc;
        if (cfg->verbose && rank == 0)
            fprintf(stderr, "balverify: circuits of %s ready (%.1f s)\n", dir, res->t_circuits);
    }

    /* 2. Ranges. */
    uint64_t nb = (m.n + 7) / 8;
    uint64_t *ranges = calloc(4 * (size_t)nranks, sizeof *ranges);
    if (!ranges) {
        bv_fail(st, BV_ERR_NOMEM, "out of memory");
        bv_mpi_agree(comm, st);
        bv_node_prover_free(prover);
        loaded_free(&ls);
        return st->code;
    }
    tree_t bt = {BV_NODE_BALANCE, BV_BALANCE_TOP_LEVEL, nb, ranges, ranges + nranks, nranks};
    tree_t mt = {BV_NODE_MAPPER,      BV_MAPPER_TOP_LEVEL, m.n,
                 ranges + 2 * nranks, ranges + 3 * nranks, nranks};
    for (int r = 0; r < nranks; r++) {
        bv_split_range(nb, nranks, r, &bt.lo0[r], &bt.hi0[r]);
        mt.lo0[r] = 8 * bt.lo0[r] < m.n ? 8 * bt.lo0[r] : m.n;
        mt.hi0[r] = 8 * bt.hi0[r] < m.n ? 8 * bt.hi0[r] : m.n;
    }

    /* 3. Checkpoint. */
    bv_ckpt *ck = NULL;
    int last = -1;
    if (cfg->checkpoint_path) {
        bv_ckpt_meta cm;
        memset(&cm, 0, sizeof cm);
        memcpy(cm.state_root, m.state_root, 32);
        memcpy(cm.block_root, m.block_root, 32);
        cm.slot = m.slot;
        cm.validator_count = m.n;
        snprintf(cm.fork, sizeof cm.fork, "%s", bv_fork_name((bv_fork)m.fork));
        memcpy(cm.wc, cfg->wc, 32 * cfg->n_wc);
        cm.n_wc = (uint32_t)cfg->n_wc;
        int exists = 0;
        if (rank == 0)
            exists = access(cfg->checkpoint_path, F_OK) == 0;
        MPI_Bcast(&exists, 1, MPI_INT, 0, comm);
        if (cfg->resume && exists)
            bv_ckpt_open(comm, cfg->checkpoint_path, &cm, &ck, &last, st);
        else
            bv_ckpt_create(comm, cfg->checkpoint_path, &cm, &ck, st);
        if (bv_mpi_agree(comm, st)) {
            if (ck)
                bv_ckpt_close(ck, NULL);
            free(ranges);
            bv_node_prover_free(prover);
            loaded_free(&ls);
            return st->code;
        }
    }
    res->resumed_from_level = last;

    /* 4. Level 0 (or the last checkpointed level). */
    bv_node *bal = NULL, *map = NULL;
    size_t nbal = 0, nmap = 0;
    uint64_t lo, hi;
    if (last >= 0) {
        uint32_t bl = (uint32_t)last < BV_BALANCE_TOP_LEVEL ? (uint32_t)last : BV_BALANCE_TOP_LEVEL;
        tree_range(&bt, rank, bl, &lo, &hi);
        nbal = (size_t)(hi - lo);
        bv_ckpt_read_level(ck, bl, BV_NODE_BALANCE, tree_count(&bt, bl), lo, hi, &bal, st);
        if (bv_mpi_agree(comm, st) == BV_OK) {
            tree_range(&mt, rank, (uint32_t)last, &lo, &hi);
            nmap = (size_t)(hi - lo);
            bv_ckpt_read_level(ck, (uint32_t)last, BV_NODE_MAPPER, tree_count(&mt, (uint32_t)last),
                               lo, hi, &map, st);
            bv_mpi_agree(comm, st);
        }
        /* Resumed nodes must belong to this run. */
        for (size_t i = 0; !st->code && i < nbal; i++)
            if (bal[i].pv.balance.current_epoch != z.epoch ||
                memcmp(bal[i].pv.balance.credentials, z.cred, 32))
                bv_fail(st, BV_ERR_VERIFY,
                        "checkpoint %s: level %u holds nodes of another epoch or credentials",
                        cfg->checkpoint_path, bl);
        bv_mpi_agree(comm, st);
        if (cfg->verbose && rank == 0 && !st->code)
            fprintf(stderr, "balverify: resuming from level %d of %s\n", last,
                    cfg->checkpoint_path);
    } else {
        tree_range(&bt, rank, 0, &lo, &hi);
        nbal = (size_t)(hi - lo);
        compute_leaves(&ls.reg, lo, hi, z.epoch, z.cred, (const uint8_t(*)[32])cfg->wc, cfg->n_wc,
                       &bal, &map, &nmap, prover, st);
    }
    /* cur: the step whose nodes are held; fresh: not yet persisted. */
    int cur = last >= 0 ? last : 0, fresh = last < 0;
    /* Testing hook (docs/JOB.md): a pause after each persisted level lets
     * crash tests kill the job at a known point. */
    const char *delay_env = getenv("BV_TEST_LEVEL_DELAY_MS");
    long delay_ms = delay_env ? strtol(delay_env, NULL, 10) : 0;
    double t_level = bv_now_s();
    if (cfg->verbose && rank == 0)
        fprintf(stderr, "balverify: %s (%.3f s)\n",
                last >= 0 ? "checkpoint read" : "leaves computed", t_level - t_load);

    /* 5. Levels. Step s holds balance level min(s, 37) and mapper level s. */
    for (;;) {
        if (bv_mpi_agree(comm, st))
            break;
        if (fresh) {
            /* Step `cur` was just computed: persist, notify, maybe stop. */
            uint32_t s = (uint32_t)cur;
            if (ck) {
                bv_ckpt_begin_level(ck, s, st);
                if (!st->code && s <= BV_BALANCE_TOP_LEVEL) {
                    tree_range(&bt, rank, s, &lo, &hi);
                    bv_ckpt_write_level(ck, s, BV_NODE_BALANCE, tree_count(&bt, s), lo, bal, nbal,
                                        st);
                }
                if (!st->code) {
                    tree_range(&mt, rank, s, &lo, &hi);
                    bv_ckpt_write_level(ck, s, BV_NODE_MAPPER, tree_count(&mt, s), lo, map, nmap,
                                        st);
                }
                if (!st->code)
                    bv_ckpt_mark_complete(ck, s, st);
                if (bv_mpi_agree(comm, st))
                    break;
            }
            if (cfg->observer) {
                if (s <= BV_BALANCE_TOP_LEVEL)
                    notify_level(cfg->observer, &bt, rank, s, bal, nbal, st);
                if (!st->code)
                    notify_level(cfg->observer, &mt, rank, s, map, nmap, st);
                if (bv_mpi_agree(comm, st))
                    break;
            }
            if (cfg->verbose && rank == 0) {
                double t = bv_now_s();
                fprintf(stderr, "balverify: level %u done (%.3f s)\n", s, t - t_level);
                t_level = t;
            }
            if (delay_ms > 0)
                usleep((useconds_t)delay_ms * 1000);
            if (cfg->stop_after_level >= 0 && cur == cfg->stop_after_level) {
                res->stopped_after_level = cur;
                break;
            }
        }
        if (cur >= (int)BV_MAPPER_TOP_LEVEL)
            break;
        /* Reduce to cur + 1. */
        uint32_t L = (uint32_t)cur;
        bv_node *nb2 = NULL, *nm2 = NULL;
        size_t nnb = 0, nnm = 0;
        if (L < BV_BALANCE_TOP_LEVEL) {
            reduce_level(comm, rank, &bt, &z, L, bal, &nb2, &nnb, prover, st);
            if (!st->code) {
                free_nodes(bal, nbal);
                bal = nb2;
                nbal = nnb;
            }
        }
        if (!st->code) {
            reduce_level(comm, rank, &mt, &z, L, map, &nm2, &nnm, prover, st);
            if (!st->code) {
                free_nodes(map, nmap);
                map = nm2;
                nmap = nnm;
            }
        }
        cur++;
        fresh = 1;
    }

    bv_err e = st->code;
    if (!e && res->stopped_after_level < 0) {
        /* 6. Final step on rank 0: the top nodes of both trees are index 0,
         * which rank 0 always owns (it has the first leaves). */
        if (rank == 0) {
            if (nbal != 1 || nmap != 1)
                bv_fail(st, BV_ERR_INTERNAL, "rank 0 does not hold the tree roots");
            else
                final_step(&ls.in, cfg, &m, &bal[0], &map[0], res, st);
            if (!st->code && prover)
                prove_final(prover, &ls.in, cfg, &m, &bal[0], &map[0], res, st);
            if (!st->code && cfg->observer && cfg->observer->on_final)
                cfg->observer->on_final(cfg->observer->ctx, res, st);
        }
        if (!bv_mpi_agree(comm, st)) {
            int resumed = res->resumed_from_level;
            MPI_Bcast(res, (int)sizeof *res, MPI_BYTE, 0, comm);
            res->resumed_from_level = resumed;
            res->final_node.proof = NULL;
            res->final_node.proof_len = 0;
            if (ck) {
                bv_ckpt_write_final(ck, &res->final_node, st);
                bv_mpi_agree(comm, st);
            }
        }
        e = st->code;
    }
    if (ck) {
        bv_status cst;
        bv_status_clear(&cst);
        bv_ckpt_close(ck, &cst);
        if (!e && cst.code) {
            *st = cst;
            e = cst.code;
        }
        if (!e)
            e = bv_mpi_agree(comm, st);
    }
    if (prover && !e) {
        /* every rank's proving statistics, summed; times are rank 0's */
        const bv_node_prover_stats *ps = bv_node_prover_stats_of(prover);
        uint64_t mine[3] = {ps->proofs, ps->zero_proofs, ps->zero_cached}, sum[3];
        MPI_Allreduce(mine, sum, 3, MPI_UINT64_T, MPI_SUM, comm);
        res->proofs = sum[0];
        res->zero_proofs = sum[1];
        res->zero_cached = sum[2];
        res->t_leaves = ps->t_leaves;
        res->t_nodes = ps->t_nodes;
        res->t_zero = ps->t_zero;
        res->t_final = ps->t_final;
    }
    bv_node_prover_free(prover);
    res->t_total = bv_now_s() - t0;
    if (cfg->verbose && rank == 0 && !e)
        fprintf(stderr, "balverify: total %.3f s on %d rank(s)\n", bv_now_s() - t0, nranks);
    free_nodes(bal, nbal);
    free_nodes(map, nmap);
    free(ranges);
    loaded_free(&ls);
    if (e) {
        memset(res, 0, sizeof *res);
        res->stopped_after_level = -1;
        res->resumed_from_level = -1;
    }
    return e;
}

void bv_job_result_free(bv_job_result *res)
{
    bv_node_free(&res->final_node);
}

bv_err bv_job_result_json(const bv_job_result *r, char **json, bv_status *st)
{
    size_t cap = 4096 + 72 * r->n_wc + 2 * sizeof r->proof_path;
    char *s = malloc(cap);
    if (!s)
        return bv_fail(st, BV_ERR_NOMEM, "out of memory");
    char sr[67], br[67], vr[67], blr[67];
    hex(sr, r->state_root);
    hex(br, r->block_root);
    hex(vr, r->validators_root);
    hex(blr, r->balances_root);
    size_t o = 0;
    o += (size_t)snprintf(s + o, cap - o,
                          "{\n  \"slot\": %llu,\n  \"epoch\": %llu,\n  \"fork\": \"%s\",\n"
                          "  \"state_root\": \"%s\",\n  \"block_root\": \"%s\",\n"
                          "  \"validators_root\": \"%s\",\n  \"balances_root\": \"%s\",\n"
                          "  \"validators_poseidon_root\": [\"%llu\", \"%llu\", \"%llu\", "
                          "\"%llu\"],\n  \"validator_count\": %llu,\n"
                          "  \"withdrawal_credentials\": [",
                          (unsigned long long)r->slot, (unsigned long long)r->epoch, r->fork, sr,
                          br, vr, blr, (unsigned long long)r->validators_poseidon_root.e[0],
                          (unsigned long long)r->validators_poseidon_root.e[1],
                          (unsigned long long)r->validators_poseidon_root.e[2],
                          (unsigned long long)r->validators_poseidon_root.e[3],
                          (unsigned long long)r->validator_count);
    for (size_t i = 0; i < r->n_wc; i++) {
        char w[67];
        hex(w, r->wc[i]);
        o += (size_t)snprintf(s + o, cap - o, "%s\"%s\"", i ? ", " : "", w);
    }
    o += (size_t)snprintf(
        s + o, cap - o,
        "],\n  \"total_locked_gwei\": \"%llu\",\n  \"active_validators\": %llu,\n"
        "  \"exited_validators\": %llu,\n  \"non_activated_validators\": %llu,\n"
        "  \"slashed_validators\": %llu",
        (unsigned long long)r->total_locked_gwei, (unsigned long long)r->active_validators,
        (unsigned long long)r->exited_validators, (unsigned long long)r->non_activated_validators,
        (unsigned long long)r->slashed_validators);
    if (r->proof_path[0] && o < cap)
        o += (size_t)snprintf(
            s + o, cap - o,
            ",\n  \"proof\": \"%s\",\n  \"final_circuit\": \"%s\",\n"
            "  \"proving\": {\"proofs\": %llu, \"zero_subtree_proofs\": %llu, "
            "\"zero_subtree_proofs_cached\": %llu, \"circuits_s\": %.3f, \"leaves_s\": %.3f, "
            "\"nodes_s\": %.3f, \"zero_subtrees_s\": %.3f, \"final_s\": %.3f, \"total_s\": "
            "%.3f}",
            r->proof_path, r->final_circuit_path, (unsigned long long)r->proofs,
            (unsigned long long)r->zero_proofs, (unsigned long long)r->zero_cached, r->t_circuits,
            r->t_leaves, r->t_nodes, r->t_zero, r->t_final, r->t_total);
    if (o < cap)
        o += (size_t)snprintf(s + o, cap - o, "\n}\n");
    if (o >= cap) {
        free(s);
        return bv_fail(st, BV_ERR_INTERNAL, "result JSON does not fit");
    }
    *json = s;
    return BV_OK;
}
