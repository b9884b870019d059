/*
 * Files: open (writer lock first), create, close, flush, chains of linked files, file
 * information and record access by position or key; the positioned I/O and directory entry
 * helpers the backends share. Detection is in detect.c, reading in read.c, writing in write.c;
 * the containers (XDF, RSF) sit behind fst_backend_ops.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fst_internal.h"

int fst_pread_all(struct fst24_file *f, void *buf, size_t n, int64_t off) {
    if (off >= 0 && (uint64_t)off + n <= f->head_len) {
        memcpy(buf, f->head + off, n);
        return FST24_OK;
    }
    char *p = buf;
    while (n > 0) {
        ssize_t got = pread(f->fd, p, n, (off_t)off);
        if (got < 0) {
            if (errno == EINTR) continue;
            return fst_error(FST24_E_IO, "%s: read of %zu bytes at offset %lld failed: %s", f->path, n, (long long)off,
                             strerror(errno));
        }
        if (got == 0)
            return fst_error(FST24_E_CORRUPT, "%s: file is truncated: %zu bytes missing at offset %lld", f->path, n,
                             (long long)off);
        p += got;
        n -= (size_t)got;
        off += got;
    }
    return FST24_OK;
}

int fst_pwrite_all(struct fst24_file *f, const void *buf, size_t n, int64_t off) {
    const char *p = buf;
    while (n > 0) {
        ssize_t put = pwrite(f->fd, p, n, (off_t)off);
        if (put < 0) {
            if (errno == EINTR) continue;
            return fst_error(FST24_E_IO, "%s: write of %zu bytes at offset %lld failed: %s", f->path, n, (long long)off,
                             strerror(errno));
        }
        p += put;
        n -= (size_t)put;
        off += put;
    }
    return FST24_OK;
}

/* Capacity for at least n entries. Only the slot after the last counted entry
 * is cleared (free_file looks at it: it may hold a half-built entry); the rest
 * is written when handed out. Zeroing a whole new capacity, which doubles at
 * each growth, cost more than reading the directory of a large file. */
static int grow_entries(struct fst24_file *f, int64_t n) {
    if (n <= f->cap_entries) return FST24_OK;
    pthread_rwlock_wrlock(&f->dir_lock);
    fst_entry *grown = realloc(f->entries, (size_t)n * sizeof *grown);
    if (grown) {
        if (f->num_entries >= f->cap_entries) grown[f->num_entries].ext_meta = NULL; /* a new slot */
        f->entries = grown;
        f->cap_entries = n;
    }
    pthread_rwlock_unlock(&f->dir_lock);
    if (!grown) return fst_error(FST24_E_NOMEM, "%s: out of memory for %lld directory entries", f->path, (long long)n);
    return FST24_OK;
}

int fst_file_reserve_entries(struct fst24_file *f, int64_t n) {
    if (n < 0 || n > ((int64_t)1 << 40))
        return fst_error(FST24_E_CORRUPT, "%s: %lld directory entries", f->path, (long long)n);
    return grow_entries(f, n);
}

fst_entry *fst_file_new_entry(struct fst24_file *f) {
    int64_t k = f->num_entries;
    if (k == f->cap_entries && grow_entries(f, f->cap_entries ? 2 * f->cap_entries : 256)) return NULL;
    fst_entry *e = &f->entries[k];
    /* a copy of a constant compiles to a few vector stores; memset of 152 bytes
     * became "rep stos", whose start-up cost dominated the loading of small entries */
    static const fst_entry blank;
    memcpy(e, &blank, sizeof *e);
    /* the next slot may be looked at by free_file before it is handed out */
    if (k + 1 < f->cap_entries) f->entries[k + 1].ext_meta = NULL;
    return e;
}

void fst_file_reset_entries(struct fst24_file *f) {
    pthread_rwlock_wrlock(&f->dir_lock);
    int64_t used = f->num_entries < f->cap_entries ? f->num_entries + 1 : f->num_entries;
    for (int64_t i = 0; i < used; i++) {
        free(f->entries[i].ext_meta);
        f->entries[i].ext_meta = NULL;
    }
    f->num_entries = 0;
    f->num_deleted = 0;
    f->num_pages = 0;
    f->checksum_errors = 0;
    f->recovered = 0;
    f->warning[0] = '\0';
    pthread_rwlock_unlock(&f->dir_lock);
}

/* FST_OPTIONS, the environment variable of librmn's file options, read once per open (it may
 * change between opens): "BACKEND=RSF|XDF", the backend of new files (XDF without it), and
 * "SEGMENT_SIZE_MB=n", the segment size of RSF parallel writers (0: the backend's default). */
typedef struct env_options {
    fst24_backend backend;
    int64_t segment_size;
} env_options;

static env_options env_options_now(void) {
    env_options o = {FST24_BACKEND_XDF, 0};
    const char *env = getenv("FST_OPTIONS");
    if (!env) return o;
    const char *p = strstr(env, "BACKEND=");
    if (p) {
        p += 8;
        if (!strncasecmp(p, "RSF", 3))
            o.backend = FST24_BACKEND_RSF;
        else if (!strncasecmp(p, "XDF", 3))
            o.backend = FST24_BACKEND_XDF;
    }
    p = strstr(env, "SEGMENT_SIZE_MB=");
    if (p) {
        long mb = strtol(p + 16, NULL, 10);
        if (mb > 0) o.segment_size = (int64_t)mb << 20;
    }
    return o;
}

static void free_file(fst24_file *f) {
    if (!f) return;
    /* the slot after the last counted entry may hold a half-built one */
    int64_t used = f->num_entries < f->cap_entries ? f->num_entries + 1 : f->num_entries;
    /* Only entries with extended metadata own a text: files without any skip
     * the walk over every entry (a cache miss each on a large directory). */
    if (f->entries_own_text)
        for (int64_t i = 0; i < used; i++) free(f->entries[i].ext_meta);
    free(f->entries);
    free(f->search_keys);
    fst_unlock_writer(f);
    if (f->fd >= 0) close(f->fd);
    pthread_mutex_destroy(&f->lock);
    pthread_rwlock_destroy(&f->dir_lock);
    free(f->path);
    free(f);
}

/* "w" on an existing file, under the exclusive writer lock: truncate it,
 * unless its write flag says another writer (one that does not take the lock,
 * or a crashed one) has it open. The flag is checked before anything is lost. */
static int truncate_for_create(fst24_file *f) {
    fst24_file_kind k = fst_detect_fd(f->fd, f->file_size);
    const fst_backend_ops *ops = fst_backend_of_kind(k);
    unsigned flag = 0;
    if (ops && ops->write_flag && ops->write_flag(f, &flag) == FST24_OK && flag && !f->force_write) {
        char what[64];
        snprintf(what, sizeof what, "%s write flag %u", ops->name, flag);
        return fst_error_context(fst_stale_flag_error(f, what), "%s: not truncated", f->path);
    }
    if (ftruncate(f->fd, 0) != 0) return fst_error(FST24_E_IO, "%s: cannot truncate: %s", f->path, strerror(errno));
    f->file_size = 0;
    return FST24_OK;
}

/* Take the writer lock before anything is written or truncated. RSF parallel
 * writers share it; every other writer (XDF included) has it alone. "w" with
 * parallel RSF writers creates the file in the backend, under its own lock. */
static int lock_for_writing(fst24_file *f, fst24_open_mode mode, fst24_backend new_backend, int *create_in_backend) {
    int target_rsf;
    if (mode == FST24_MODE_CREATE || f->file_size == 0)
        target_rsf = new_backend == FST24_BACKEND_RSF;
    else
        target_rsf = fst_detect_fd(f->fd, f->file_size) == FST24_KIND_RSF;
    int shared = f->parallel && target_rsf;
    *create_in_backend = mode == FST24_MODE_CREATE && shared;
    int st = fst_lock_writer(f, shared);
    if (st) return st;
    if (mode == FST24_MODE_CREATE && !shared && f->file_size > 0) return truncate_for_create(f);
    return FST24_OK;
}

static int open_once(const char *path, fst24_open_mode mode, const fst24_open_options *opts, fst24_file **out) {
    if (!out) return fst_error(FST24_E_INVALID, "fst24_open: NULL output pointer");
    *out = NULL;
    if (!path || !*path) return fst_error(FST24_E_INVALID, "fst24_open: empty file name");
    if (mode != FST24_MODE_READ && mode != FST24_MODE_UPDATE && mode != FST24_MODE_CREATE)
        return fst_error(FST24_E_INVALID, "%s: invalid open mode %d", path, (int)mode);
    fst24_open_options o = FST24_OPEN_OPTIONS_INIT;
    if (opts) o = *opts;
    if (o.segment_size < 0)
        return fst_error(FST24_E_INVALID, "%s: segment_size %lld must be >= 0 (0: the default)", path,
                         (long long)o.segment_size);
    /* Explicit options win over FST_OPTIONS. */
    env_options env = env_options_now();
    fst24_backend new_backend = o.backend != FST24_BACKEND_DEFAULT ? o.backend : env.backend;
    /* Parallel writers exist in RSF only; checked before "w" truncates anything. */
    if (o.parallel && mode == FST24_MODE_CREATE && new_backend == FST24_BACKEND_XDF)
        return fst_error(FST24_E_INVALID, "%s: parallel writing needs the RSF backend, not XDF", path);

    fst24_file *f = calloc(1, sizeof *f);
    if (!f) return fst_error(FST24_E_NOMEM, "%s: out of memory", path);
    f->fd = -1;
    pthread_mutex_init(&f->lock, NULL);
    pthread_rwlock_init(&f->dir_lock, NULL);
    f->path = strdup(path);
    if (!f->path) {
        free_file(f);
        return fst_error(FST24_E_NOMEM, "%s: out of memory", path);
    }
    f->writable = mode != FST24_MODE_READ;
    f->create = mode == FST24_MODE_CREATE;
    f->parallel = o.parallel;
    f->force_write = o.force_write;
    f->segment_size = o.segment_size > 0 ? o.segment_size : env.segment_size;

    /* Never O_TRUNC: "w" truncates only once it holds the writer lock. */
    int flags = O_CLOEXEC | (mode == FST24_MODE_READ ? O_RDONLY : O_RDWR | O_CREAT);
    f->fd = open(path, flags, 0666);
    if (f->fd < 0) {
        int err = errno;
        int st = err == ENOENT                                     ? FST24_E_NOT_FOUND
                 : (err == EACCES || err == EPERM || err == EROFS) ? FST24_E_PERMISSION
                 : err == EISDIR                                   ? FST24_E_INVALID
                                                                   : FST24_E_IO;
        free_file(f);
        return fst_error(st, "%s: cannot open%s: %s", path, mode == FST24_MODE_READ ? "" : " for writing",
                         strerror(err));
    }
    struct stat sb;
    if (fstat(f->fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        int st = fst_error(FST24_E_INVALID, "%s: not a regular file", path);
        free_file(f);
        return st;
    }
    f->file_size = sb.st_size;

    int st, create_in_backend = 0;
    if (f->writable && (st = lock_for_writing(f, mode, new_backend, &create_in_backend))) {
        free_file(f);
        return st;
    }
    if (f->file_size == 0 || create_in_backend) {
        if (!f->writable) {
            free_file(f);
            return fst_error(FST24_E_NOT_FST, "%s: file is empty, not an FST file", path);
        }
        f->backend = new_backend;
        if (o.parallel && f->backend == FST24_BACKEND_XDF) {
            free_file(f);
            return fst_error(FST24_E_INVALID, "%s: parallel writing needs the RSF backend, not XDF", path);
        }
        f->kind = f->backend == FST24_BACKEND_RSF ? FST24_KIND_RSF : FST24_KIND_XDF;
        f->ops = f->backend == FST24_BACKEND_RSF ? &fst_rsf_backend : &fst_xdf_backend;
        st = f->ops->create(f);
    } else {
        fst24_file_kind k = fst_detect_head(f);
        if (f->writable) f->head_len = 0; /* a writer's reads must see its own writes */
        f->kind = k;
        const fst_kind_backend *kb = fst_kind_backend_of(k);
        if (kb && kb->read_only && f->writable) {
            free_file(f);
            return fst_error(FST24_E_UNSUPPORTED, "%s: 1989 standard files are read-only", path);
        }
        if (kb) {
            f->ops = kb->ops;
            f->backend = kb->backend;
        } else
            switch (k) {
            case FST24_KIND_FST89_SEQ:
                free_file(f);
                return fst_error(FST24_E_UNSUPPORTED, "%s: 1989 sequential standard file format is not supported",
                                 path);
            case FST24_KIND_BURP:
                free_file(f);
                return fst_error(FST24_E_NOT_FST, "%s: BURP file, not an FST file", path);
            case FST24_KIND_UNREADABLE:
                free_file(f);
                return fst_error(FST24_E_IO, "%s: cannot read the file header", path);
            default:
                free_file(f);
                return fst_error(FST24_E_NOT_FST, "%s: not an FST file (no XDF or RSF signature)", path);
            }
        if (o.parallel && f->writable && f->backend == FST24_BACKEND_XDF) {
            free_file(f);
            return fst_error(FST24_E_INVALID, "%s: parallel writing needs an RSF file; this one is XDF", path);
        }
        st = f->ops->open_existing(f);
        f->head_len = 0;
    }
    if (st != FST24_OK) {
        if (f->ops && f->ops->discard) f->ops->discard(f);
        free_file(f);
        return st;
    }
    *out = f;
    return FST24_OK;
}

int fst24_open(const char *path, fst24_open_mode mode, const fst24_open_options *opts, fst24_file **out) {
    int st = open_once(path, mode, opts, out);
    if (st != FST24_OK || mode != FST24_MODE_READ || !(*out)->recovered) return st;
    /* A read-only open that finds damage reads the file once more: a writer that closed while
     * it read (between the header and the test of the writer's lock) leaves a view that looks
     * like a crashed writer's, whereas real damage looks the same the second time. */
    fst24_file *again = NULL;
    if (open_once(path, mode, opts, &again) != FST24_OK) {
        fst24_clear_error();
        return FST24_OK;
    }
    fst24_file *keep = again->recovered ? *out : again;
    fst24_close(keep == again ? *out : again);
    *out = keep;
    return FST24_OK;
}

int fst24_check_unlocked(const char *path) {
    if (!path || !*path) return fst_error(FST24_E_INVALID, "fst24_check_unlocked: empty file name");
    fst24_file f;
    memset(&f, 0, sizeof f);
    f.path = (char *)path;
    f.os_lock = 2; /* we ask as a writer would: a flag without a live lock is a gone writer's */
    f.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f.fd < 0) {
        if (errno == ENOENT) return FST24_OK;
        return fst_error(errno == EACCES ? FST24_E_PERMISSION : FST24_E_IO, "%s: cannot open: %s", path,
                         strerror(errno));
    }
    struct stat sb;
    int st = FST24_OK;
    if (fstat(f.fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
        f.file_size = sb.st_size;
        st = fst_probe_writer(&f);
        const fst_backend_ops *ops = st ? NULL : fst_backend_of_kind(fst_detect_fd(f.fd, f.file_size));
        unsigned flag = 0;
        if (ops && ops->write_flag && ops->write_flag(&f, &flag) == FST24_OK && flag) {
            char what[64];
            snprintf(what, sizeof what, "%s write flag %u", ops->name, flag);
            st = fst_stale_flag_error(&f, what);
        }
    }
    close(f.fd);
    if (st == FST24_OK) fst24_clear_error();
    return st;
}

int fst_open_salvage(const char *path, fst24_file **out, fst_salvage *s) {
    *out = NULL;
    fst24_file *f = calloc(1, sizeof *f);
    if (!f) return fst_error(FST24_E_NOMEM, "%s: out of memory", path);
    f->fd = -1;
    pthread_mutex_init(&f->lock, NULL);
    pthread_rwlock_init(&f->dir_lock, NULL);
    f->path = strdup(path);
    if (!f->path) {
        free_file(f);
        return fst_error(FST24_E_NOMEM, "%s: out of memory", path);
    }
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0) {
        int err = errno;
        free_file(f);
        return fst_error(err == ENOENT   ? FST24_E_NOT_FOUND
                         : err == EACCES ? FST24_E_PERMISSION
                                         : FST24_E_IO,
                         "%s: cannot open: %s", path, strerror(err));
    }
    struct stat sb;
    if (fstat(f->fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        free_file(f);
        return fst_error(FST24_E_INVALID, "%s: not a regular file", path);
    }
    f->file_size = sb.st_size;
    f->kind = fst_detect_fd(f->fd, f->file_size);
    f->ops = fst_backend_of_kind(f->kind);
    int st;
    if (f->kind == FST24_KIND_FST89) {
        f->ops = &fst_fst89_backend;
        f->backend = FST24_BACKEND_XDF;
        st = f->ops->open_existing(f);
        s->from_directory = f->num_entries - f->num_deleted;
        s->deleted = f->num_deleted;
    } else if (!f->ops) {
        st = fst_error(FST24_E_NOT_FST, "%s: %s file: no XDF or RSF structure to recover", path,
                       fst24_kind_name(f->kind));
    } else {
        f->backend = f->ops == &fst_rsf_backend ? FST24_BACKEND_RSF : FST24_BACKEND_XDF;
        st = f->ops->salvage(f, s);
    }
    if (st != FST24_OK) {
        if (f->ops && f->ops->discard) f->ops->discard(f);
        free_file(f);
        return st;
    }
    *out = f;
    return FST24_OK;
}

int fst24_open_str(const char *path, const char *options, fst24_file **out) {
    fst24_open_options o = FST24_OPEN_OPTIONS_INIT;
    fst24_open_mode mode = FST24_MODE_READ;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", options ? options : "");
    for (char *save = NULL, *tok = strtok_r(buf, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
        if (!strcasecmp(tok, "R/W"))
            mode = FST24_MODE_UPDATE;
        else if (!strcasecmp(tok, "R/O"))
            mode = FST24_MODE_READ;
        else if (!strcasecmp(tok, "RSF"))
            o.backend = FST24_BACKEND_RSF;
        else if (!strcasecmp(tok, "XDF"))
            o.backend = FST24_BACKEND_XDF;
        else if (!strcasecmp(tok, "PARALLEL"))
            o.parallel = 1;
        else if (!strncasecmp(tok, "SEGMENT_SIZE_MB=", 16)) {
            char *end = NULL;
            long long mb = strtoll(tok + 16, &end, 10);
            if (!end || *end || mb <= 0 || mb > ((long long)1 << 40))
                return fst_error(FST24_E_INVALID, "%s: bad open option \"%s\" (SEGMENT_SIZE_MB=n, n >= 1)",
                                 path ? path : "", tok);
            o.segment_size = (int64_t)mb << 20;
        } else if (!strcasecmp(tok, "FORCE-WRITE"))
            o.force_write = 1;
        else if (!strcasecmp(tok, "KEEP-MISSING-FLAG"))
            continue; /* always on now (fst24.h) */
        else if (!strcasecmp(tok, "RND") || !strcasecmp(tok, "STD") || !strcasecmp(tok, "OLD") ||
                 !strcasecmp(tok, "NEW"))
            continue;
        else
            return fst_error(FST24_E_INVALID, "%s: unknown open option \"%s\"", path ? path : "", tok);
    }
    return fst24_open(path, mode, &o, out);
}

int fst24_flush(fst24_file *f) {
    if (!f) return fst_error(FST24_E_INVALID, "fst24_flush: NULL file");
    if (!f->writable) return FST24_OK;
    pthread_mutex_lock(&f->lock);
    int st = f->ops->flush(f);
    pthread_mutex_unlock(&f->lock);
    return st;
}

int fst24_close(fst24_file *f) {
    if (!f) return FST24_OK;
    pthread_mutex_lock(&f->lock);
    int st = f->ops->close(f);
    pthread_mutex_unlock(&f->lock);
    fst_unlock_writer(f);
    if (st == FST24_OK && f->fd >= 0 && close(f->fd) != 0)
        st = fst_error(FST24_E_IO, "%s: close failed: %s", f->path, strerror(errno));
    else if (st != FST24_OK && f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    free_file(f);
    return st;
}

int fst24_file_get_info(fst24_file *f, fst24_file_info *info) {
    if (!f || !info) return fst_error(FST24_E_INVALID, "file_get_info: NULL argument");
    memset(info, 0, sizeof *info);
    pthread_mutex_lock(&f->lock);
    info->path = f->path;
    info->backend = f->backend;
    info->kind = f->kind;
    info->writable = f->writable;
    info->num_entries = f->num_entries;
    info->num_deleted = f->num_deleted;
    info->num_records = f->num_entries - f->num_deleted;
    info->file_size = f->file_size;
    info->num_pages = f->num_pages;
    info->checksum_errors = f->checksum_errors;
    info->recovered = f->recovered;
    memcpy(info->warning, f->warning, sizeof info->warning);
    info->writer_active = f->writer_active;
    pthread_mutex_unlock(&f->lock);
    return FST24_OK;
}

int64_t fst24_num_records(fst24_file *f) {
    if (!f) return fst_error(FST24_E_INVALID, "num_records: NULL file");
    int64_t n = 0;
    for (fst24_file *p = f; p; p = p->next) {
        pthread_mutex_lock(&p->lock);
        n += p->num_entries - p->num_deleted;
        pthread_mutex_unlock(&p->lock);
    }
    return n;
}

const char *fst24_file_path(const fst24_file *f) { return f ? f->path : NULL; }

fst24_backend fst24_file_backend(const fst24_file *f) { return f ? f->backend : FST24_BACKEND_DEFAULT; }

int fst24_link(fst24_file **files, int count) {
    if (!files || count < 1) return fst_error(FST24_E_INVALID, "fst24_link: no files");
    for (int i = 0; i < count; i++)
        if (!files[i]) return fst_error(FST24_E_INVALID, "fst24_link: file %d is NULL", i);
    for (int i = 0; i < count; i++) {
        /* A cycle would make queries loop forever. */
        for (int j = 0; j < i; j++)
            if (files[j] == files[i]) return fst_error(FST24_E_INVALID, "fst24_link: %s appears twice", files[i]->path);
    }
    for (int i = 0; i + 1 < count; i++) files[i]->next = files[i + 1];
    files[count - 1]->next = NULL;
    return FST24_OK;
}

int fst24_unlink(fst24_file *first) {
    while (first) {
        fst24_file *n = first->next;
        first->next = NULL;
        first = n;
    }
    return FST24_OK;
}

int fst24_get_record(fst24_file *f, int64_t index, fst24_record *rec) {
    if (!f || !rec) return fst_error(FST24_E_INVALID, "get_record: NULL argument");
    pthread_rwlock_rdlock(&f->dir_lock);
    int64_t seen = 0;
    int st = fst_error(FST24_E_NO_RECORD, "%s: no record number %lld (file has %lld)", f->path, (long long)index,
                       (long long)(f->num_entries - f->num_deleted));
    /* Fast path: no deletions means index == entry number. */
    if (index >= 0 && f->num_deleted == 0 && index < f->num_entries) {
        fst_entry_to_record(f, &f->entries[index], index, rec);
        st = FST24_OK;
    } else if (index >= 0) {
        for (int64_t i = 0; i < f->num_entries; i++) {
            if (f->entries[i].flags & FST_ENTRY_DELETED) continue;
            if (seen++ == index) {
                fst_entry_to_record(f, &f->entries[i], i, rec);
                st = FST24_OK;
                break;
            }
        }
    }
    pthread_rwlock_unlock(&f->dir_lock);
    if (st == FST24_OK) fst24_clear_error();
    return st;
}

int fst24_get_record_by_key(fst24_file *f, int64_t key, fst24_record *rec) {
    if (!f || !rec) return fst_error(FST24_E_INVALID, "get_record_by_key: NULL argument");
    int st = FST24_E_NO_RECORD;
    pthread_rwlock_rdlock(&f->dir_lock);
    for (int64_t i = 0; i < f->num_entries; i++) {
        const fst_entry *e = &f->entries[i];
        if (e->key == key && !(e->flags & FST_ENTRY_DELETED)) {
            fst_entry_to_record(f, e, i, rec);
            st = FST24_OK;
            break;
        }
    }
    pthread_rwlock_unlock(&f->dir_lock);
    if (st != FST24_OK) return fst_error(st, "%s: no record with key %lld", f->path, (long long)key);
    return st;
}
