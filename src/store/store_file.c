/* store_file.c - proof store backend "file:DIR": one file per key.
 *
 * put() writes DIR/.KEY.tmp.PID, fsyncs it and renames it over DIR/KEY: rename
 * is atomic within a file system, so a concurrent reader (another rank, a
 * restarted job) sees either the old or the new complete value. Keys starting
 * with '.' are refused by bv_store_check_key(), so temporaries never collide
 * with keys.
 */
#include "balverify/proof_store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    char dir[PATH_MAX];
} file_store;

static bv_err file_open(bv_proof_store *s, const char *location, int create, bv_status *st)
{
    if (strlen(location) >= PATH_MAX - BV_STORE_KEY_MAX - 32)
        return bv_fail(st, BV_ERR_ARG, "file store: folder path too long");
    struct stat sb;
    if (stat(location, &sb) != 0) {
        if (!create || errno != ENOENT)
            return bv_fail(st, BV_ERR_IO, "file store: %s: %s", location, strerror(errno));
        if (mkdir(location, 0777) != 0 && errno != EEXIST)
            return bv_fail(st, BV_ERR_IO, "file store: cannot create %s: %s", location,
                           strerror(errno));
    } else if (!S_ISDIR(sb.st_mode)) {
        return bv_fail(st, BV_ERR_IO, "file store: %s is not a folder", location);
    }
    file_store *f = calloc(1, sizeof *f);
    if (!f)
        return bv_fail(st, BV_ERR_NOMEM, "file store: out of memory");
    snprintf(f->dir, sizeof f->dir, "%s", location);
    s->impl = f;
    return BV_OK;
}

static void key_path(const file_store *f, const char *key, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", f->dir, key);
}

static bv_err file_put(bv_proof_store *s, const char *key, const uint8_t *data, size_t len,
                       bv_status *st)
{
    bv_err e = bv_store_check_key(key, st);
    if (e)
        return e;
    file_store *f = s->impl;
    char path[PATH_MAX + 300], tmp[PATH_MAX + 300];
    key_path(f, key, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp.%ld", f->dir, key, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0)
        return bv_fail(st, BV_ERR_IO, "file store: cannot create %s: %s", tmp, strerror(errno));
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int err = errno;
            close(fd);
            unlink(tmp);
            return bv_fail(st, BV_ERR_IO, "file store: writing %s: %s", tmp, strerror(err));
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        int err = errno;
        unlink(tmp);
        return bv_fail(st, BV_ERR_IO, "file store: flushing %s: %s", tmp, strerror(err));
    }
    if (rename(tmp, path) != 0) {
        int err = errno;
        unlink(tmp);
        return bv_fail(st, BV_ERR_IO, "file store: renaming to %s: %s", path, strerror(err));
    }
    return BV_OK;
}

static bv_err file_get(bv_proof_store *s, const char *key, uint8_t **data, size_t *len,
                       bv_status *st)
{
    *data = NULL;
    *len = 0;
    bv_err e = bv_store_check_key(key, st);
    if (e)
        return e;
    char path[PATH_MAX + 300];
    key_path(s->impl, key, path, sizeof path);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return bv_fail(st, BV_ERR_IO, "file store: key '%s': %s", key, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return bv_fail(st, BV_ERR_IO, "file store: key '%s' is not a regular file", key);
    }
    size_t n = (size_t)sb.st_size;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf) {
        close(fd);
        return bv_fail(st, BV_ERR_NOMEM, "file store: cannot allocate %zu bytes", n);
    }
    size_t off = 0;
    while (off < n) {
        ssize_t r = read(fd, buf + off, n - off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            close(fd);
            free(buf);
            return bv_fail(st, BV_ERR_IO, "file store: short read of key '%s'", key);
        }
        off += (size_t)r;
    }
    close(fd);
    *data = buf;
    *len = n;
    return BV_OK;
}

static bv_err file_exists(bv_proof_store *s, const char *key, int *found, bv_status *st)
{
    *found = 0;
    bv_err e = bv_store_check_key(key, st);
    if (e)
        return e;
    char path[PATH_MAX + 300];
    key_path(s->impl, key, path, sizeof path);
    struct stat sb;
    if (stat(path, &sb) == 0) {
        *found = S_ISREG(sb.st_mode);
        return BV_OK;
    }
    if (errno == ENOENT)
        return BV_OK;
    return bv_fail(st, BV_ERR_IO, "file store: key '%s': %s", key, strerror(errno));
}

static bv_err file_del(bv_proof_store *s, const char *key, bv_status *st)
{
    bv_err e = bv_store_check_key(key, st);
    if (e)
        return e;
    char path[PATH_MAX + 300];
    key_path(s->impl, key, path, sizeof path);
    if (unlink(path) != 0 && errno != ENOENT)
        return bv_fail(st, BV_ERR_IO, "file store: deleting key '%s': %s", key, strerror(errno));
    return BV_OK;
}

static void file_close(bv_proof_store *s)
{
    free(s->impl);
    s->impl = NULL;
}

const bv_proof_store_ops bv_store_file_ops = {
    .name = "file",
    .open = file_open,
    .put = file_put,
    .get = file_get,
    .exists = file_exists,
    .del = file_del,
    .close = file_close,
};
