/* checkpoint.c - see include/balverify/checkpoint.h and docs/CHECKPOINT_FORMAT.md
 *
 * All HDF5 calls that change metadata (create groups, datasets, attributes)
 * are made by every rank with identical arguments, as parallel HDF5 requires;
 * raw data goes through collective MPI-IO transfers where each rank selects
 * its own contiguous range (or nothing).
 */
#include "balverify/checkpoint.h"

#include "balverify/sha256.h"
#include "balverify/util_hex.h"

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "balverify/util_bytes.h"

struct bv_ckpt {
    MPI_Comm comm;
    hid_t file;
    hid_t dxpl;
    char path[1024];
};

static void quiet_hdf5(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

/* ---- attributes -------------------------------------------------------- */

static int attr_write(hid_t obj, const char *name, hid_t type, int rank, const hsize_t *dims,
                      const void *data)
{
    if (H5Aexists(obj, name) > 0 && H5Adelete(obj, name) < 0)
        return -1;
    hid_t space = rank ? H5Screate_simple(rank, dims, NULL) : H5Screate(H5S_SCALAR);
    if (space < 0)
        return -1;
    hid_t a = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Sclose(space);
    if (a < 0)
        return -1;
    herr_t w = H5Awrite(a, type, data);
    H5Aclose(a);
    return w < 0 ? -1 : 0;
}

static int attr_u64(hid_t obj, const char *name, uint64_t v)
{
    return attr_write(obj, name, H5T_NATIVE_UINT64, 0, NULL, &v);
}

static int attr_bytes(hid_t obj, const char *name, const uint8_t *b, hsize_t n)
{
    return attr_write(obj, name, H5T_NATIVE_UINT8, 1, &n, b);
}

static int attr_string(hid_t obj, const char *name, const char *s)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, strlen(s) + 1);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    int r = attr_write(obj, name, t, 0, NULL, s);
    H5Tclose(t);
    return r;
}

/* Number of elements of attribute `name` (scalar = 1), -1 when absent/bad. */
static long attr_nelem(hid_t obj, const char *name)
{
    if (H5Aexists(obj, name) <= 0)
        return -1;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0)
        return -1;
    hid_t space = H5Aget_space(a);
    hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
    if (space >= 0)
        H5Sclose(space);
    H5Aclose(a);
    return (long)n;
}

static int attr_read(hid_t obj, const char *name, hid_t memtype, long nelem, void *out)
{
    if (attr_nelem(obj, name) != nelem)
        return -1;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0)
        return -1;
    hid_t ft = H5Aget_type(a);
    int ok = ft >= 0 && H5Tget_class(ft) == H5Tget_class(memtype);
    if (ft >= 0)
        H5Tclose(ft);
    herr_t r = ok ? H5Aread(a, memtype, out) : -1;
    H5Aclose(a);
    return r < 0 ? -1 : 0;
}

static int attr_read_string(hid_t obj, const char *name, char *out, size_t cap)
{
    if (attr_nelem(obj, name) != 1)
        return -1;
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0)
        return -1;
    hid_t ft = H5Aget_type(a);
    int r = -1;
    if (ft >= 0 && H5Tget_class(ft) == H5T_STRING && !H5Tis_variable_str(ft)) {
        size_t sz = H5Tget_size(ft);
        if (sz < cap) {
            hid_t mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, sz);
            memset(out, 0, cap);
            r = H5Aread(a, mt, out) < 0 ? -1 : 0;
            H5Tclose(mt);
        }
    }
    if (ft >= 0)
        H5Tclose(ft);
    H5Aclose(a);
    return r;
}

/* ---- open / create ----------------------------------------------------- */

static hid_t make_fapl(MPI_Comm comm)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
    return fapl;
}

static bv_err finish_open(MPI_Comm comm, const char *path, hid_t file, bv_ckpt **out, bv_status *st)
{
    bv_ckpt *c = calloc(1, sizeof *c);
    if (!c) {
        H5Fclose(file);
        return bv_fail(st, BV_ERR_NOMEM, "checkpoint: out of memory");
    }
    c->comm = comm;
    c->file = file;
    c->dxpl = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(c->dxpl, H5FD_MPIO_COLLECTIVE);
    snprintf(c->path, sizeof c->path, "%s", path);
    *out = c;
    return BV_OK;
}

/* The file is open only while a step is being written or read: every
 * complete step ends with H5Fclose, which leaves a fully consistent file on
 * disk (metadata, superblock, end-of-file address). A kill between steps
 * therefore finds a closed file; only a kill inside a step's writes can leave
 * it damaged (docs/CHECKPOINT_FORMAT.md). */
static bv_err ck_reopen(bv_ckpt *c, bv_status *st)
{
    if (c->file >= 0)
        return BV_OK;
    hid_t fapl = make_fapl(c->comm);
    c->file = H5Fopen(c->path, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    if (c->file < 0)
        return bv_fail(st, BV_ERR_IO, "checkpoint %s cannot be reopened", c->path);
    return BV_OK;
}

static bv_err ck_shut(bv_ckpt *c, bv_status *st)
{
    if (c->file < 0)
        return BV_OK;
    herr_t r = H5Fclose(c->file);
    c->file = -1;
    if (r < 0)
        return bv_fail(st, BV_ERR_IO, "checkpoint %s: close failed", c->path);
    return BV_OK;
}

bv_err bv_ckpt_create(MPI_Comm comm, const char *path, const bv_ckpt_meta *meta, bv_ckpt **out,
                      bv_status *st)
{
    quiet_hdf5();
    *out = NULL;
    if (strlen(path) >= 1024)
        return bv_fail(st, BV_ERR_ARG, "checkpoint: path too long");
    if (access(path, F_OK) == 0)
        return bv_fail(st, BV_ERR_ARG,
                       "checkpoint %s already exists (pass --resume to continue it, or remove it)",
                       path);
    hid_t fapl = make_fapl(comm);
    hid_t f = H5Fcreate(path, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (f < 0)
        return bv_fail(st, BV_ERR_IO, "checkpoint: cannot create %s", path);
    hsize_t wdims[2] = {meta->n_wc, 32};
    int bad = attr_u64(f, "format_version", BV_CKPT_FORMAT_VERSION) ||
              attr_string(f, "creator", "balverify") ||
              attr_bytes(f, "state_root", meta->state_root, 32) ||
              attr_bytes(f, "block_root", meta->block_root, 32) ||
              attr_u64(f, "slot", meta->slot) ||
              attr_u64(f, "validator_count", meta->validator_count) ||
              attr_string(f, "fork", meta->fork) ||
              attr_write(f, "withdrawal_credentials", H5T_NATIVE_UINT8, 2, wdims, meta->wc) ||
              attr_u64(f, "balance_top_level", BV_BALANCE_TOP_LEVEL) ||
              attr_u64(f, "mapper_top_level", BV_MAPPER_TOP_LEVEL);
    if (bad) {
        H5Fclose(f);
        return bv_fail(st, BV_ERR_IO, "checkpoint: cannot write attributes of %s", path);
    }
    bv_err e = finish_open(comm, path, f, out, st);
    return e ? e : ck_shut(*out, st);
}

static int level_complete(hid_t f, unsigned level)
{
    char name[32];
    snprintf(name, sizeof name, "level_%02u", level);
    if (H5Lexists(f, name, H5P_DEFAULT) <= 0)
        return 0;
    hid_t g = H5Gopen2(f, name, H5P_DEFAULT);
    if (g < 0)
        return 0;
    uint64_t v = 0;
    int ok = attr_read(g, "complete", H5T_NATIVE_UINT64, 1, &v) == 0 && v == 1;
    H5Gclose(g);
    return ok;
}

bv_err bv_ckpt_open(MPI_Comm comm, const char *path, const bv_ckpt_meta *expect, bv_ckpt **out,
                    int *last_complete, bv_status *st)
{
    quiet_hdf5();
    *out = NULL;
    *last_complete = -1;
    if (strlen(path) >= 1024)
        return bv_fail(st, BV_ERR_ARG, "checkpoint: path too long");
    if (access(path, R_OK | W_OK) != 0)
        return bv_fail(st, BV_ERR_IO, "checkpoint %s is not readable and writable", path);
    hid_t fapl = make_fapl(comm);
#if H5_VERSION_GE(1, 12, 0)
    htri_t acc = H5Fis_accessible(path, fapl);
#else
    htri_t acc = H5Fis_hdf5(path);
#endif
    if (acc <= 0) {
        H5Pclose(fapl);
        return bv_fail(st, BV_ERR_FORMAT, "checkpoint %s is not a readable HDF5 file", path);
    }
    hid_t f = H5Fopen(path, H5F_ACC_RDWR, fapl);
    H5Pclose(fapl);
    if (f < 0)
        return bv_fail(st, BV_ERR_FORMAT, "checkpoint %s cannot be opened (corrupt HDF5 file?)",
                       path);
    uint64_t version = 0, slot = 0, count = 0, btop = 0, mtop = 0;
    uint8_t sroot[32], broot[32];
    char fork[64];
    bv_err e = BV_OK;
    if (attr_read(f, "format_version", H5T_NATIVE_UINT64, 1, &version) != 0) {
        e = bv_fail(st, BV_ERR_FORMAT, "checkpoint %s has no format_version (not a checkpoint)",
                    path);
    } else if (version != BV_CKPT_FORMAT_VERSION) {
        e = bv_fail(st, BV_ERR_UNSUPPORTED, "checkpoint %s has format version %llu, expected %d",
                    path, (unsigned long long)version, BV_CKPT_FORMAT_VERSION);
    } else if (attr_read(f, "state_root", H5T_NATIVE_UINT8, 32, sroot) ||
               attr_read(f, "block_root", H5T_NATIVE_UINT8, 32, broot) ||
               attr_read(f, "slot", H5T_NATIVE_UINT64, 1, &slot) ||
               attr_read(f, "validator_count", H5T_NATIVE_UINT64, 1, &count) ||
               attr_read(f, "balance_top_level", H5T_NATIVE_UINT64, 1, &btop) ||
               attr_read(f, "mapper_top_level", H5T_NATIVE_UINT64, 1, &mtop) ||
               attr_read_string(f, "fork", fork, sizeof fork)) {
        e = bv_fail(st, BV_ERR_FORMAT, "checkpoint %s: missing or malformed identity attributes",
                    path);
    } else if (memcmp(sroot, expect->state_root, 32) != 0) {
        char a[67], b[67];
        bv_hex_encode(a, sroot, 32);
        bv_hex_encode(b, expect->state_root, 32);
        e = bv_fail(st, BV_ERR_VERIFY,
                    "checkpoint %s belongs to state root %s, this run's state root is %s", path, a,
                    b);
    } else if (memcmp(broot, expect->block_root, 32) != 0) {
        e = bv_fail(st, BV_ERR_VERIFY, "checkpoint %s belongs to a different block root", path);
    } else if (slot != expect->slot || count != expect->validator_count ||
               strcmp(fork, expect->fork) != 0) {
        e = bv_fail(st, BV_ERR_VERIFY,
                    "checkpoint %s is for slot %llu / %llu validators / %s, this run is slot %llu "
                    "/ %llu validators / %s",
                    path, (unsigned long long)slot, (unsigned long long)count, fork,
                    (unsigned long long)expect->slot, (unsigned long long)expect->validator_count,
                    expect->fork);
    } else if (btop != BV_BALANCE_TOP_LEVEL || mtop != BV_MAPPER_TOP_LEVEL) {
        e = bv_fail(st, BV_ERR_UNSUPPORTED, "checkpoint %s has different tree depths", path);
    } else {
        long nw = attr_nelem(f, "withdrawal_credentials");
        uint8_t wc[BV_CKPT_MAX_WC][32];
        if (nw < 0 || nw % 32 != 0 || nw / 32 > BV_CKPT_MAX_WC ||
            attr_read(f, "withdrawal_credentials", H5T_NATIVE_UINT8, nw, wc) != 0) {
            e = bv_fail(st, BV_ERR_FORMAT, "checkpoint %s: malformed withdrawal_credentials", path);
        } else if ((uint32_t)(nw / 32) != expect->n_wc || memcmp(wc, expect->wc, (size_t)nw) != 0) {
            e = bv_fail(st, BV_ERR_VERIFY,
                        "checkpoint %s was made for other withdrawal credentials", path);
        }
    }
    if (e) {
        H5Fclose(f);
        return e;
    }
    int last = -1;
    for (unsigned s = 0; s <= BV_MAPPER_TOP_LEVEL; s++) {
        if (!level_complete(f, s))
            break;
        last = (int)s;
    }
    *last_complete = last;
    bv_err e2 = finish_open(comm, path, f, out, st);
    return e2 ? e2 : ck_shut(*out, st);
}

/* ---- levels ------------------------------------------------------------ */

static const char *kind_name(bv_node_kind k)
{
    return k == BV_NODE_BALANCE ? "balance" : k == BV_NODE_MAPPER ? "mapper" : "final";
}

bv_err bv_ckpt_begin_level(bv_ckpt *c, uint32_t level, bv_status *st)
{
    if (ck_reopen(c, st))
        return st->code;
    char name[32];
    snprintf(name, sizeof name, "level_%02u", level);
    if (H5Lexists(c->file, name, H5P_DEFAULT) > 0 && H5Ldelete(c->file, name, H5P_DEFAULT) < 0)
        return bv_fail(st, BV_ERR_IO, "checkpoint %s: cannot remove incomplete %s", c->path, name);
    hid_t g = H5Gcreate2(c->file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0)
        return bv_fail(st, BV_ERR_IO, "checkpoint %s: cannot create %s", c->path, name);
    int bad = attr_u64(g, "level", level) || attr_u64(g, "complete", 0);
    H5Gclose(g);
    if (bad)
        return bv_fail(st, BV_ERR_IO, "checkpoint %s: cannot write %s attributes", c->path, name);
    return BV_OK;
}

/* Create a 1-D or 2-D dataset and collectively write rows [lo, lo + n). */
static int write_rows(bv_ckpt *c, hid_t g, const char *name, hid_t type, hsize_t total,
                      hsize_t width, hsize_t lo, hsize_t n, const void *buf)
{
    int rank = width ? 2 : 1;
    hsize_t dims[2] = {total, width};
    hid_t space = H5Screate_simple(rank, dims, NULL);
    if (space < 0)
        return -1;
    hid_t ds = H5Dcreate2(g, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (ds < 0) {
        H5Sclose(space);
        return -1;
    }
    int r = 0;
    if (total > 0) {
        hsize_t start[2] = {lo, 0}, cnt[2] = {n, width};
        hid_t mem;
        if (n > 0) {
            H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, cnt, NULL);
            mem = H5Screate_simple(rank, cnt, NULL);
        } else {
            H5Sselect_none(space);
            hsize_t one[2] = {1, width ? width : 1};
            mem = H5Screate_simple(rank, one, NULL);
            H5Sselect_none(mem);
        }
        static const uint8_t dummy[1];
        r = H5Dwrite(ds, type, mem, space, c->dxpl, n ? buf : dummy) < 0 ? -1 : 0;
        H5Sclose(mem);
    }
    H5Sclose(space);
    H5Dclose(ds);
    return r;
}

/* Per-node integrity check: the first 8 bytes (little-endian) of
 * SHA-256(index as u64 LE || public values || proof bytes). It catches
 * damaged or edited node data that would otherwise decode as valid values
 * (a flipped bit in a sum is still a sum). */
static uint64_t node_checksum(uint64_t index, const uint8_t *pv, size_t pvlen, const uint8_t *proof,
                              size_t plen)
{
    size_t n = 8 + pvlen + plen;
    uint8_t stackbuf[256];
    uint8_t *buf = n <= sizeof stackbuf ? stackbuf : malloc(n);
    if (!buf)
        return 0; /* only on allocation failure; the mismatch is then reported */
    bv_put_le64(buf, index);
    memcpy(buf + 8, pv, pvlen);
    if (plen)
        memcpy(buf + 8 + pvlen, proof, plen);
    uint8_t h[32];
    bv_sha256(h, buf, n);
    if (buf != stackbuf)
        free(buf);
    return bv_le64(h);
}

bv_err bv_ckpt_write_level(bv_ckpt *c, uint32_t level, bv_node_kind kind, uint64_t total,
                           uint64_t lo, const bv_node *nodes, size_t n, bv_status *st)
{
    if (ck_reopen(c, st))
        return st->code;
    size_t pv = bv_node_pv_size(kind);
    uint64_t *idx = malloc((n ? n : 1) * sizeof *idx);
    uint64_t *plen = malloc((n ? n : 1) * sizeof *plen);
    uint64_t *poff = malloc((n ? n : 1) * sizeof *poff);
    uint64_t *csum = malloc((n ? n : 1) * sizeof *csum);
    uint8_t *pvb = malloc((n ? n : 1) * pv);
    uint64_t mybytes = 0;
    for (size_t i = 0; i < n; i++)
        mybytes += nodes[i].proof_len;
    uint8_t *proofs = malloc(mybytes ? mybytes : 1);
    int local_bad = !idx || !plen || !poff || !csum || !pvb || !proofs;
    int any_bad = 0;
    MPI_Allreduce(&local_bad, &any_bad, 1, MPI_INT, MPI_LOR, c->comm);
    if (any_bad) {
        free(idx), free(plen), free(poff), free(csum), free(pvb), free(proofs);
        return bv_fail(st, BV_ERR_NOMEM, "checkpoint: out of memory writing level %u", level);
    }
    uint64_t before = 0, all = 0;
    MPI_Exscan(&mybytes, &before, 1, MPI_UINT64_T, MPI_SUM, c->comm);
    int rank;
    MPI_Comm_rank(c->comm, &rank);
    if (rank == 0)
        before = 0; /* MPI_Exscan leaves rank 0's result undefined */
    MPI_Allreduce(&mybytes, &all, 1, MPI_UINT64_T, MPI_SUM, c->comm);
    uint64_t off = 0;
    for (size_t i = 0; i < n; i++) {
        idx[i] = nodes[i].index;
        plen[i] = nodes[i].proof_len;
        poff[i] = before + off;
        bv_node_pv_encode(&nodes[i], pvb + i * pv);
        if (nodes[i].proof_len)
            memcpy(proofs + off, nodes[i].proof, nodes[i].proof_len);
        csum[i] =
            node_checksum(nodes[i].index, pvb + i * pv, pv, nodes[i].proof, nodes[i].proof_len);
        off += nodes[i].proof_len;
    }
    char name[48];
    snprintf(name, sizeof name, "level_%02u/%s", level, kind_name(kind));
    bv_err e = BV_OK;
    hid_t g = H5Gcreate2(c->file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0) {
        e = bv_fail(st, BV_ERR_IO, "checkpoint %s: cannot create %s", c->path, name);
    } else {
        int bad =
            attr_u64(g, "count", total) || attr_u64(g, "kind", (uint64_t)kind) ||
            attr_u64(g, "public_values_size", pv) ||
            write_rows(c, g, "index", H5T_NATIVE_UINT64, total, 0, lo, n, idx) ||
            write_rows(c, g, "public_values", H5T_NATIVE_UINT8, total, pv, lo, n, pvb) ||
            write_rows(c, g, "proof_length", H5T_NATIVE_UINT64, total, 0, lo, n, plen) ||
            write_rows(c, g, "proof_offset", H5T_NATIVE_UINT64, total, 0, lo, n, poff) ||
            write_rows(c, g, "checksum", H5T_NATIVE_UINT64, total, 0, lo, n, csum) ||
            write_rows(c, g, "proof_bytes", H5T_NATIVE_UINT8, all, 0, before, mybytes, proofs);
        H5Gclose(g);
        if (bad)
            e = bv_fail(st, BV_ERR_IO, "checkpoint %s: writing %s failed", c->path, name);
    }
    free(idx), free(plen), free(poff), free(csum), free(pvb), free(proofs);
    return e;
}

bv_err bv_ckpt_mark_complete(bv_ckpt *c, uint32_t level, bv_status *st)
{
    /* Data first (closed: everything on disk), flag last in its own short
     * session: a crash in between leaves an incomplete level that resume
     * rewrites. */
    if (ck_shut(c, st) || ck_reopen(c, st))
        return st->code;
    char name[32];
    snprintf(name, sizeof name, "level_%02u", level);
    hid_t g = H5Gopen2(c->file, name, H5P_DEFAULT);
    if (g < 0)
        return bv_fail(st, BV_ERR_IO, "checkpoint %s: %s missing", c->path, name);
    int bad = attr_u64(g, "complete", 1);
    H5Gclose(g);
    bad = bad || attr_u64(c->file, "last_complete_level", level);
    if (bad) {
        ck_shut(c, NULL);
        return bv_fail(st, BV_ERR_IO, "checkpoint %s: cannot mark %s complete", c->path, name);
    }
    return ck_shut(c, st);
}

/* Collectively read rows [lo, hi) of a dataset with `width` columns (0: 1-D)
 * whose shape must be exactly (total[, width]). */
static int read_rows(bv_ckpt *c, hid_t g, const char *name, hid_t type, hsize_t total,
                     hsize_t width, hsize_t lo, hsize_t hi, void *buf)
{
    if (H5Lexists(g, name, H5P_DEFAULT) <= 0)
        return -1;
    hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
    if (ds < 0)
        return -1;
    hid_t space = H5Dget_space(ds);
    int rank = width ? 2 : 1;
    hsize_t dims[2] = {0, 0};
    int ok = space >= 0 && H5Sget_simple_extent_ndims(space) == rank;
    if (ok) {
        H5Sget_simple_extent_dims(space, dims, NULL);
        ok = dims[0] == total && (!width || dims[1] == width);
    }
    hid_t ft = H5Dget_type(ds);
    ok = ok && ft >= 0 && H5Tget_class(ft) == H5T_INTEGER && H5Tget_size(ft) == H5Tget_size(type);
    if (ft >= 0)
        H5Tclose(ft);
    /* Every rank must take part in the collective read even when its own
     * checks failed, so the result is agreed on afterwards. */
    int okall = 0;
    MPI_Allreduce(&ok, &okall, 1, MPI_INT, MPI_LAND, c->comm);
    int r = -1;
    if (okall && total > 0) {
        hsize_t n = hi - lo;
        hsize_t start[2] = {lo, 0}, cnt[2] = {n, width};
        hid_t mem;
        if (n > 0) {
            H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, cnt, NULL);
            mem = H5Screate_simple(rank, cnt, NULL);
        } else {
            H5Sselect_none(space);
            hsize_t one[2] = {1, width ? width : 1};
            mem = H5Screate_simple(rank, one, NULL);
            H5Sselect_none(mem);
        }
        uint8_t dummy[16];
        r = H5Dread(ds, type, mem, space, c->dxpl, n ? buf : dummy) < 0 ? -1 : 0;
        H5Sclose(mem);
    } else if (okall) {
        r = 0;
    }
    if (space >= 0)
        H5Sclose(space);
    H5Dclose(ds);
    return r;
}

bv_err bv_ckpt_read_level(bv_ckpt *c, uint32_t level, bv_node_kind kind, uint64_t total,
                          uint64_t lo, uint64_t hi, bv_node **out, bv_status *st)
{
    *out = NULL;
    if (ck_reopen(c, st))
        return st->code;
    size_t pv = bv_node_pv_size(kind);
    size_t n = (size_t)(hi - lo);
    char name[48];
    snprintf(name, sizeof name, "level_%02u/%s", level, kind_name(kind));
    char lname[32];
    snprintf(lname, sizeof lname, "level_%02u", level);
    if (H5Lexists(c->file, lname, H5P_DEFAULT) <= 0 || H5Lexists(c->file, name, H5P_DEFAULT) <= 0)
        return bv_fail(st, BV_ERR_FORMAT, "checkpoint %s: %s is missing", c->path, name);
    hid_t g = H5Gopen2(c->file, name, H5P_DEFAULT);
    if (g < 0)
        return bv_fail(st, BV_ERR_FORMAT, "checkpoint %s: cannot open %s", c->path, name);
    uint64_t *idx = malloc((n ? n : 1) * sizeof *idx);
    uint64_t *plen = malloc((n ? n : 1) * sizeof *plen);
    uint64_t *poff = malloc((n ? n : 1) * sizeof *poff);
    uint64_t *csum = malloc((n ? n : 1) * sizeof *csum);
    uint8_t *pvb = malloc((n ? n : 1) * pv);
    bv_node *nodes = calloc(n ? n : 1, sizeof *nodes);
    uint8_t *proofs = NULL;
    bv_err e = BV_OK;
    if (!idx || !plen || !poff || !csum || !pvb || !nodes) {
        e = bv_fail(st, BV_ERR_NOMEM, "checkpoint: out of memory reading %s", name);
        goto done; /* memory failure on one rank aborts the job anyway */
    }
    if (read_rows(c, g, "index", H5T_NATIVE_UINT64, total, 0, lo, hi, idx) ||
        read_rows(c, g, "public_values", H5T_NATIVE_UINT8, total, pv, lo, hi, pvb) ||
        read_rows(c, g, "proof_length", H5T_NATIVE_UINT64, total, 0, lo, hi, plen) ||
        read_rows(c, g, "proof_offset", H5T_NATIVE_UINT64, total, 0, lo, hi, poff) ||
        read_rows(c, g, "checksum", H5T_NATIVE_UINT64, total, 0, lo, hi, csum)) {
        e = bv_fail(st, BV_ERR_FORMAT,
                    "checkpoint %s: %s datasets are missing or have the wrong shape (expected "
                    "%llu nodes)",
                    c->path, name, (unsigned long long)total);
        goto done;
    }
    /* Proof bytes: the stored dataset length bounds every offset + length. */
    hsize_t pbytes = 0;
    {
        int ok = 0;
        hid_t ds = H5Lexists(g, "proof_bytes", H5P_DEFAULT) > 0
                       ? H5Dopen2(g, "proof_bytes", H5P_DEFAULT)
                       : -1;
        if (ds >= 0) {
            hid_t sp = H5Dget_space(ds);
            if (sp >= 0 && H5Sget_simple_extent_ndims(sp) == 1) {
                H5Sget_simple_extent_dims(sp, &pbytes, NULL);
                ok = 1;
            }
            if (sp >= 0)
                H5Sclose(sp);
            H5Dclose(ds);
        }
        int okall = 0;
        MPI_Allreduce(&ok, &okall, 1, MPI_INT, MPI_LAND, c->comm);
        if (!okall) {
            e = bv_fail(st, BV_ERR_FORMAT, "checkpoint %s: %s/proof_bytes is missing", c->path,
                        name);
            goto done;
        }
    }
    uint64_t first = n ? poff[0] : 0, mine = 0;
    int bad = 0;
    for (size_t i = 0; i < n && !bad; i++) {
        if (idx[i] != lo + i || plen[i] > BV_MAX_PROOF_BYTES || poff[i] != first + mine ||
            poff[i] + plen[i] > pbytes)
            bad = 1;
        mine += plen[i];
    }
    int anybad = 0;
    MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_LOR, c->comm);
    if (anybad) {
        e = bv_fail(st, BV_ERR_FORMAT,
                    "checkpoint %s: %s has inconsistent node indices or proof offsets", c->path,
                    name);
        goto done;
    }
    proofs = malloc(mine ? mine : 1);
    if (!proofs) {
        e = bv_fail(st, BV_ERR_NOMEM, "checkpoint: out of memory for proofs of %s", name);
        goto done;
    }
    if (pbytes > 0 &&
        read_rows(c, g, "proof_bytes", H5T_NATIVE_UINT8, pbytes, 0, first, first + mine, proofs)) {
        e = bv_fail(st, BV_ERR_FORMAT, "checkpoint %s: cannot read %s/proof_bytes", c->path, name);
        goto done;
    }
    for (size_t i = 0; i < n && !e; i++) {
        const uint8_t *pr = proofs + (poff[i] - first);
        if (node_checksum(lo + i, pvb + i * pv, pv, pr, plen[i]) != csum[i]) {
            e = bv_fail(st, BV_ERR_FORMAT,
                        "checkpoint %s: %s node %llu fails its checksum (damaged)", c->path, name,
                        (unsigned long long)(lo + i));
            break;
        }
        e = bv_node_pv_decode(&nodes[i], kind, pvb + i * pv, pv, st);
        if (e) {
            bv_fail_ctx(st, "checkpoint %s: %s node %llu", c->path, name,
                        (unsigned long long)(lo + i));
            break;
        }
        nodes[i].level = level;
        nodes[i].index = lo + i;
        e = bv_node_set_proof(&nodes[i], proofs + (poff[i] - first), plen[i], st);
    }
done:
    H5Gclose(g);
    ck_shut(c, NULL);
    free(idx), free(plen), free(poff), free(csum), free(pvb), free(proofs);
    if (e) {
        if (nodes)
            for (size_t i = 0; i < n; i++)
                bv_node_free(&nodes[i]);
        free(nodes);
        return e;
    }
    *out = nodes;
    return BV_OK;
}

bv_err bv_ckpt_write_final(bv_ckpt *c, const bv_node *final_node, bv_status *st)
{
    int rank;
    MPI_Comm_rank(c->comm, &rank);
    uint64_t size = bv_node_encoded_size(final_node);
    MPI_Bcast(&size, 1, MPI_UINT64_T, 0, c->comm);
    uint8_t *buf = malloc(size);
    if (!buf)
        return bv_fail(st, BV_ERR_NOMEM, "checkpoint: out of memory");
    if (ck_reopen(c, st)) {
        free(buf);
        return st->code;
    }
    if (rank == 0)
        bv_node_encode(final_node, buf);
    if (H5Lexists(c->file, "final", H5P_DEFAULT) > 0)
        H5Ldelete(c->file, "final", H5P_DEFAULT);
    int bad =
        write_rows(c, c->file, "final", H5T_NATIVE_UINT8, size, 0, 0, rank == 0 ? size : 0, buf);
    free(buf);
    if (bad) {
        ck_shut(c, NULL);
        return bv_fail(st, BV_ERR_IO, "checkpoint %s: cannot write the final node", c->path);
    }
    return ck_shut(c, st);
}

bv_err bv_ckpt_close(bv_ckpt *c, bv_status *st)
{
    if (!c)
        return BV_OK;
    bv_err e = ck_shut(c, st);
    H5Pclose(c->dxpl);
    free(c);
    return e;
}
