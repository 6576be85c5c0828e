/* store_hdf5.c - proof store backend "hdf5:FILE": one 1-D uint8 dataset per
 * key at the root of an HDF5 file.
 *
 * Keys never contain '/', so each is a single link name at the root group
 * (no accidental sub-groups). put() of an existing key unlinks the old dataset
 * first; the file is flushed after every put so a killed process loses at
 * most the value being written. HDF5's automatic error printing is switched
 * off: failures come back as one-line bv_status messages instead.
 */
#include "balverify/proof_store.h"

#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    hid_t file;
    char path[1024];
} h5_store;

static bv_err h5_open(bv_proof_store *s, const char *location, int create, bv_status *st)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (strlen(location) >= 1024)
        return bv_fail(st, BV_ERR_ARG, "hdf5 store: path too long");
    hid_t f;
    if (access(location, F_OK) == 0) {
#if H5_VERSION_GE(1, 12, 0)
        htri_t acc = H5Fis_accessible(location, H5P_DEFAULT);
#else
        htri_t acc = H5Fis_hdf5(location);
#endif
        if (acc <= 0)
            return bv_fail(st, BV_ERR_FORMAT, "hdf5 store: %s is not an HDF5 file", location);
        f = H5Fopen(location, H5F_ACC_RDWR, H5P_DEFAULT);
        if (f < 0)
            return bv_fail(st, BV_ERR_IO, "hdf5 store: cannot open %s", location);
    } else {
        if (!create)
            return bv_fail(st, BV_ERR_IO, "hdf5 store: %s does not exist", location);
        f = H5Fcreate(location, H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
        if (f < 0)
            return bv_fail(st, BV_ERR_IO, "hdf5 store: cannot create %s", location);
    }
    h5_store *h = calloc(1, sizeof *h);
    if (!h) {
        H5Fclose(f);
        return bv_fail(st, BV_ERR_NOMEM, "hdf5 store: out of memory");
    }
    h->file = f;
    snprintf(h->path, sizeof h->path, "%s", location);
    s->impl = h;
    return BV_OK;
}

static int link_exists(hid_t f, const char *key)
{
    return H5Lexists(f, key, H5P_DEFAULT) > 0;
}

static bv_err h5_put(bv_proof_store *s, const char *key, const uint8_t *data, size_t len,
                     bv_status *st)
{
    bv_err e = bv_store_check_key(key, st);
    if (e)
        return e;
    h5_store *h = s->impl;
    if (link_exists(h->file, key) && H5Ldelete(h->file, key, H5P_DEFAULT) < 0)
        return bv_fail(st, BV_ERR_IO, "hdf5 store: cannot replace key '%s' in %s", key, h->path);
    hsize_t dim = len;
    hid_t space = H5Screate_simple(1, &dim, NULL);
    if (space < 0)
        return bv_fail(st, BV_ERR_IO, "hdf5 store: dataspace for key '%s'", key);
    hid_t ds =
        H5Dcreate2(h->file, key, H5T_NATIVE_UINT8, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Sclose(space);
    if (ds < 0)
        return bv_fail(st, BV_ERR_IO, "hdf5 store: cannot create key '%s' in %s", key, h->path);
    herr_t w = len ? H5Dwrite(ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : 0;
    H5Dclose(ds);
    if (w < 0)
        return bv_fail(st, BV_ERR_IO, "hdf5 store: writing key '%s' in %s", key, h->path);
    if (H5Fflush(h->file, H5F_SCOPE_GLOBAL) < 0)
        return bv_fail(st, BV_ERR_IO, "hdf5 store: flushing %s", h->path);
    return BV_OK;
}

static bv_err h5_get(bv_proof_store *s, const char *key, uint8_t **data, size_t *len, bv_status *st)
{
    *data = NULL;
    *len = 0;
    bv_err e = bv_store_check_key(key, st);
    if (e)
        return e;
    h5_store *h = s->impl;
    if (!link_exists(h->file, key))
        return bv_fail(st, BV_ERR_IO, "hdf5 store: key '%s' not found in %s", key, h->path);
    hid_t ds = H5Dopen2(h->file, key, H5P_DEFAULT);
    if (ds < 0)
        return bv_fail(st, BV_ERR_FORMAT, "hdf5 store: key '%s' is not a dataset", key);
    hid_t space = H5Dget_space(ds);
    hid_t type = H5Dget_type(ds);
    int nd = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    hsize_t dim = 0;
    if (nd == 1)
        H5Sget_simple_extent_dims(space, &dim, NULL);
    int is_u8 = type >= 0 && H5Tget_class(type) == H5T_INTEGER && H5Tget_size(type) == 1;
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    if (nd != 1 || !is_u8) {
        H5Dclose(ds);
        return bv_fail(st, BV_ERR_FORMAT, "hdf5 store: key '%s' is not a 1-D byte dataset", key);
    }
    uint8_t *buf = malloc(dim ? (size_t)dim : 1);
    if (!buf) {
        H5Dclose(ds);
        return bv_fail(st, BV_ERR_NOMEM, "hdf5 store: cannot allocate %llu bytes",
                       (unsigned long long)dim);
    }
    herr_t r = dim ? H5Dread(ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : 0;
    H5Dclose(ds);
    if (r < 0) {
        free(buf);
        return bv_fail(st, BV_ERR_IO, "hdf5 store: reading key '%s' from %s", key, h->path);
    }
    *data = buf;
    *len = (size_t)dim;
    return BV_OK;
}

static bv_err h5_exists(bv_proof_store *s, const char *key, int *found, bv_status *st)
{
    *found = 0;
    bv_err e = bv_store_check_key(key, st);
    if (e)
        return e;
    *found = link_exists(((h5_store *)s->impl)->file, key);
    return BV_OK;
}

static bv_err h5_del(bv_proof_store *s, const char *key, bv_status *st)
{
    bv_err e = bv_store_check_key(key, st);
    if (e)
        return e;
    h5_store *h = s->impl;
    if (!link_exists(h->file, key))
        return BV_OK;
    if (H5Ldelete(h->file, key, H5P_DEFAULT) < 0)
        return bv_fail(st, BV_ERR_IO, "hdf5 store: cannot delete key '%s'", key);
    H5Fflush(h->file, H5F_SCOPE_GLOBAL);
    return BV_OK;
}

static void h5_close(bv_proof_store *s)
{
    h5_store *h = s->impl;
    if (h) {
        H5Fclose(h->file);
        free(h);
    }
    s->impl = NULL;
}

const bv_proof_store_ops bv_store_hdf5_ops = {
    .name = "hdf5",
    .open = h5_open,
    .put = h5_put,
    .get = h5_get,
    .exists = h5_exists,
    .del = h5_del,
    .close = h5_close,
};
