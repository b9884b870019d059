/* Shared helpers of the structural validators. */
#include "container/rsf_checkutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "common/error.h"

#define CHECK_MAX_PRINTED 200

int fst_check_open(check_ctx *c, const char *path, FILE *report) {
    memset(c, 0, sizeof *c);
    c->path = path;
    c->report = report;
    c->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (c->fd < 0)
        return fst_error(errno == ENOENT ? FST24_E_NOT_FOUND : FST24_E_IO, "%s: cannot open: %s", path,
                         strerror(errno));
    struct stat st;
    if (fstat(c->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(c->fd);
        c->fd = -1;
        return fst_error(FST24_E_INVALID, "%s: not a regular file", path);
    }
    c->size = (int64_t)st.st_size;
    return 0;
}

void fst_check_close(check_ctx *c) {
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
}

void fst_check_problem(check_ctx *c, const char *fmt, ...) {
    c->problems++;
    if (!c->report || c->problems > CHECK_MAX_PRINTED) return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(c->report, "%s: ", c->path);
    vfprintf(c->report, fmt, ap);
    fputc('\n', c->report);
    va_end(ap);
}

int fst_check_read(check_ctx *c, void *buf, size_t n, int64_t off, const char *what) {
    if (off < 0 || off > c->size || (int64_t)n > c->size - off) {
        fst_check_problem(c, "%s at byte %lld (%zu bytes) lies beyond the end of file (%lld bytes)", what,
                          (long long)off, n, (long long)c->size);
        return -1;
    }
    char *p = buf;
    while (n > 0) {
        ssize_t got = pread(c->fd, p, n, (off_t)off);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            fst_check_problem(c, "cannot read %s at byte %lld: %s", what, (long long)off,
                              got < 0 ? strerror(errno) : "unexpected end of file");
            return -1;
        }
        p += got;
        n -= (size_t)got;
        off += got;
    }
    return 0;
}

int fst_check_set_add(check_set *s, int64_t x) {
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        int64_t *v = realloc(s->v, cap * sizeof *v);
        if (!v) return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
    return 0;
}

static int cmp64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void fst_check_set_sort(check_set *s) {
    if (s->n) qsort(s->v, s->n, sizeof *s->v, cmp64);
}

int fst_check_set_has(const check_set *s, int64_t x) {
    return s->n && bsearch(&x, s->v, s->n, sizeof *s->v, cmp64) != NULL;
}

void fst_check_set_free(check_set *s) {
    free(s->v);
    memset(s, 0, sizeof *s);
}
