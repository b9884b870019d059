/*
 * Files: open/close, detection, backend choice, record access, reading and
 * writing data. Containers (XDF, RSF) sit behind fst_backend_ops; payloads
 * go through the codecs (src/codec/codec.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec/codec.h"
#include "common/scratch.h"
#include "common/bytes.h"
#include "fst_internal.h"

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */
/* ------------------------------------------------------------------------ */

void fst24_type_letters(int data_type, char out[3]) {
    static const char letters[] = "XRICSEFAZ";
    int base = data_type & 0x3F;
    char c = base < 9 ? letters[base] : '?';
    if (data_type & FST24_TYPE_COMPRESSED) c = (char)(c - 'A' + 'a');
    out[0] = c;
    out[1] = (data_type & FST24_TYPE_MISSING_FLAG) ? 'm' : '\0';
    out[2] = '\0';
}

static void blank_fill(char *dst, int width) {
    memset(dst, ' ', (size_t)width);
    dst[width] = '\0';
}

void fst24_record_init_criteria(fst24_record *r) {
    memset(r, 0, sizeof *r);
    blank_fill(r->nomvar, 4);
    blank_fill(r->typvar, 2);
    blank_fill(r->etiket, 12);
    blank_fill(r->grtyp, 1);
    r->ip1 = r->ip2 = r->ip3 = -1;
    r->ni = r->nj = r->nk = -1;
    r->dateo = r->datev = r->deet = r->npas = -1;
    r->data_type = r->data_bits = r->pack_bits = -1;
    r->ig1 = r->ig2 = r->ig3 = r->ig4 = -1;
    r->key = -1;
    r->file_index = -1;
    r->file_offset = -1;
    r->entry = -1;
}

void fst24_record_init(fst24_record *r) {
    memset(r, 0, sizeof *r);
    blank_fill(r->nomvar, 4);
    blank_fill(r->typvar, 2);
    blank_fill(r->etiket, 12);
    r->grtyp[0] = 'X';
    r->grtyp[1] = '\0';
    r->ni = r->nj = r->nk = 1;
    r->datev = -1;
    r->data_type = FST24_TYPE_REAL_IEEE;
    r->data_bits = 32;
    r->pack_bits = 32;
    r->key = -1;
    r->file_index = -1;
    r->file_offset = -1;
    r->entry = -1;
}

int fst24_record_set_string(fst24_record *r, const char *field, const char *value) {
    char *dst;
    int width;
    if (!r || !field || !value) return fst_error(FST24_E_INVALID, "record_set_string: NULL argument");
    if (!strcmp(field, "nomvar")) dst = r->nomvar, width = 4;
    else if (!strcmp(field, "typvar")) dst = r->typvar, width = 2;
    else if (!strcmp(field, "etiket")) dst = r->etiket, width = 12;
    else if (!strcmp(field, "grtyp")) dst = r->grtyp, width = 1;
    else return fst_error(FST24_E_INVALID, "record_set_string: unknown field \"%s\"", field);
    size_t len = strlen(value);
    if ((int)len > width)
        return fst_error(FST24_E_INVALID, "record field %s = \"%s\" is longer than %d characters",
                         field, value, width);
    for (int i = 0; i < width; i++) {
        unsigned char c = i < (int)len ? (unsigned char)value[i] : ' ';
        /* grtyp is a raw byte; the 6-bit fields are stored upper case. */
        dst[i] = (char)((width > 1 && c >= 'a' && c <= 'z') ? c - 32 : c);
    }
    dst[width] = '\0';
    return FST24_OK;
}

static fst_codec_desc codec_desc_of(const fst24_record *r) {
    fst_codec_desc d;
    d.datyp = r->data_type;
    d.nbits = r->pack_bits;
    d.dasiz = r->data_bits;
    d.ni = r->ni;
    d.nj = r->nj;
    d.nk = r->nk;
    return d;
}

int fst24_record_data_layout(const fst24_record *r, fst24_elem_type *type, size_t *count) {
    if (!r) return fst_error(FST24_E_INVALID, "record_data_layout: NULL record");
    fst_codec_desc d = codec_desc_of(r);
    int st = fst_codec_layout(&d, type, count);
    /* A record of a file: its dimensions must be what its payload can hold, so that
     * callers sizing buffers from them (grids, readers, the CLI) are safe. The file
     * itself is not touched (it may be closed). */
    if (!st && r->file) st = fst_codec_check_stored_size(&d, r->total_stored_bytes);
    if (st) return fst_error_context(st, "record %.4s", r->nomvar);
    return FST24_OK;
}

/* ------------------------------------------------------------------------ */
/* I/O                                                                      */
/* ------------------------------------------------------------------------ */

int fst_pread_all(struct fst24_file *f, void *buf, size_t n, int64_t off) {
    char *p = buf;
    while (n > 0) {
        ssize_t got = pread(f->fd, p, n, (off_t)off);
        if (got < 0) {
            if (errno == EINTR) continue;
            return fst_error(FST24_E_IO, "%s: read of %zu bytes at offset %lld failed: %s", f->path,
                             n, (long long)off, strerror(errno));
        }
        if (got == 0)
            return fst_error(FST24_E_CORRUPT,
                             "%s: file is truncated: %zu bytes missing at offset %lld", f->path, n,
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
            return fst_error(FST24_E_IO, "%s: write of %zu bytes at offset %lld failed: %s",
                             f->path, n, (long long)off, strerror(errno));
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
    if (!grown)
        return fst_error(FST24_E_NOMEM, "%s: out of memory for %lld directory entries", f->path, (long long)n);
    return FST24_OK;
}

int fst_file_reserve_entries(struct fst24_file *f, int64_t n) {
    if (n < 0 || n > ((int64_t)1 << 40)) return fst_error(FST24_E_CORRUPT, "%s: %lld directory entries", f->path, (long long)n);
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

/* ------------------------------------------------------------------------ */
/* Detection                                                                */
/* ------------------------------------------------------------------------ */

static fst24_file_kind detect_bytes(const unsigned char *b, size_t n, int64_t size) {
    if (size == 0) return FST24_KIND_EMPTY;
    if (n >= 8 && fst_load_be32(b) == 0x55555555u && fst_load_be32(b + 4) == 0x55555555u)
        return FST24_KIND_FST89;
    if (n >= 124 && ((fst_load_be32(b + 112) == 0xAAAAAAAAu && fst_load_be32(b + 116) == 0xAAAAAAAAu) ||
                     (fst_load_be32(b + 116) == 0xAAAAAAAAu && fst_load_be32(b + 120) == 0xAAAAAAAAu)))
        return FST24_KIND_FST89_SEQ;
    if (n >= 16 && !memcmp(b + 12, "STDR", 4)) {
        uint32_t w0 = fst_load_be32(b);
        uint32_t fsiz = fst_load_be32(b + 16);
        if ((w0 >> 24) != 0 || (int64_t)fsiz * 8 != size) return FST24_KIND_XDF_CORRUPT;
        return FST24_KIND_XDF;
    }
    if (n >= 24 && !memcmp(b + 16, "RSF0", 4) && !memcmp(b + 20, "STDF", 4)) return FST24_KIND_RSF;
    if (n >= 16 && !memcmp(b + 12, "STDS", 4)) return FST24_KIND_XDF_SEQ;
    if (n >= 16 && (!memcmp(b + 12, "BRP0", 4) || !memcmp(b + 12, "bRp0", 4))) return FST24_KIND_BURP;
    return FST24_KIND_OTHER;
}

static fst24_file_kind detect_fd(int fd, int64_t size) {
    unsigned char buf[128];
    ssize_t got = pread(fd, buf, sizeof buf, 0);
    if (got < 0) return FST24_KIND_UNREADABLE;
    return detect_bytes(buf, (size_t)got, size);
}

fst24_file_kind fst24_detect(const char *path) {
    if (!path) return FST24_KIND_MISSING;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? FST24_KIND_MISSING : FST24_KIND_UNREADABLE;
    struct stat st;
    fst24_file_kind k = FST24_KIND_UNREADABLE;
    if (fstat(fd, &st) == 0) k = S_ISDIR(st.st_mode) ? FST24_KIND_UNREADABLE : detect_fd(fd, st.st_size);
    close(fd);
    return k;
}

const char *fst24_kind_name(fst24_file_kind k) {
    switch (k) {
    case FST24_KIND_MISSING: return "missing";
    case FST24_KIND_EMPTY: return "empty";
    case FST24_KIND_UNREADABLE: return "unreadable";
    case FST24_KIND_OTHER: return "not FST";
    case FST24_KIND_XDF: return "XDF";
    case FST24_KIND_XDF_SEQ: return "XDF sequential";
    case FST24_KIND_RSF: return "RSF";
    case FST24_KIND_FST89: return "FST 1989";
    case FST24_KIND_FST89_SEQ: return "FST 1989 sequential";
    case FST24_KIND_XDF_CORRUPT: return "XDF (damaged)";
    case FST24_KIND_BURP: return "BURP";
    }
    return "unknown";
}

/* ------------------------------------------------------------------------ */
/* Open / close                                                             */
/* ------------------------------------------------------------------------ */

/* Backend for new files: explicit choice, else FST_OPTIONS "BACKEND=RSF|XDF", else XDF. */
static fst24_backend default_backend(fst24_backend requested) {
    if (requested != FST24_BACKEND_DEFAULT) return requested;
    const char *env = getenv("FST_OPTIONS");
    if (env) {
        const char *p = strstr(env, "BACKEND=");
        if (p) {
            p += 8;
            if (!strncasecmp(p, "RSF", 3)) return FST24_BACKEND_RSF;
            if (!strncasecmp(p, "XDF", 3)) return FST24_BACKEND_XDF;
        }
    }
    return FST24_BACKEND_XDF;
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

/* Backend of a detected kind (NULL: not a container this library writes or reads). */
static const fst_backend_ops *backend_of_kind(fst24_file_kind k) {
    switch (k) {
    case FST24_KIND_XDF:
    case FST24_KIND_XDF_SEQ:
    case FST24_KIND_XDF_CORRUPT: return &fst_xdf_backend;
    case FST24_KIND_RSF: return &fst_rsf_backend;
    default: return NULL;
    }
}

/* "w" on an existing file, under the exclusive writer lock: truncate it,
 * unless its write flag says another writer (one that does not take the lock,
 * or a crashed one) has it open. The flag is checked before anything is lost. */
static int truncate_for_create(fst24_file *f) {
    fst24_file_kind k = detect_fd(f->fd, f->file_size);
    const fst_backend_ops *ops = backend_of_kind(k);
    unsigned flag = 0;
    if (ops && ops->write_flag && ops->write_flag(f, &flag) == FST24_OK && flag && !f->force_write) {
        char what[64];
        snprintf(what, sizeof what, "%s write flag %u", ops->name, flag);
        return fst_error_context(fst_stale_flag_error(f, what), "%s: not truncated", f->path);
    }
    if (ftruncate(f->fd, 0) != 0)
        return fst_error(FST24_E_IO, "%s: cannot truncate: %s", f->path, strerror(errno));
    f->file_size = 0;
    return FST24_OK;
}

/* Take the writer lock before anything is written or truncated. RSF parallel
 * writers share it; every other writer (XDF included) has it alone. "w" with
 * parallel RSF writers creates the file in the backend, under its own lock. */
static int lock_for_writing(fst24_file *f, fst24_open_mode mode, fst24_backend requested,
                            int *create_in_backend) {
    int target_rsf;
    if (mode == FST24_MODE_CREATE || f->file_size == 0)
        target_rsf = default_backend(requested) == FST24_BACKEND_RSF;
    else
        target_rsf = detect_fd(f->fd, f->file_size) == FST24_KIND_RSF;
    int shared = f->parallel && target_rsf;
    *create_in_backend = mode == FST24_MODE_CREATE && shared;
    int st = fst_lock_writer(f, shared);
    if (st) return st;
    if (mode == FST24_MODE_CREATE && !shared && f->file_size > 0) return truncate_for_create(f);
    return FST24_OK;
}

int fst24_open(const char *path, fst24_open_mode mode, const fst24_open_options *opts,
               fst24_file **out) {
    if (!out) return fst_error(FST24_E_INVALID, "fst24_open: NULL output pointer");
    *out = NULL;
    if (!path || !*path) return fst_error(FST24_E_INVALID, "fst24_open: empty file name");
    if (mode != FST24_MODE_READ && mode != FST24_MODE_UPDATE && mode != FST24_MODE_CREATE)
        return fst_error(FST24_E_INVALID, "%s: invalid open mode %d", path, (int)mode);
    fst24_open_options o = {0};
    if (opts) o = *opts;
    if (o.segment_size < 0)
        return fst_error(FST24_E_INVALID, "%s: segment_size %lld must be >= 0 (0: the default)", path,
                         (long long)o.segment_size);
    /* Parallel writers exist in RSF only; checked before "w" truncates anything. */
    if (o.parallel && mode == FST24_MODE_CREATE && default_backend(o.backend) == FST24_BACKEND_XDF)
        return fst_error(FST24_E_INVALID, "%s: parallel writing needs the RSF backend, not XDF", path);

    fst24_file *f = calloc(1, sizeof *f);
    if (!f) return fst_error(FST24_E_NOMEM, "%s: out of memory", path);
    f->fd = -1;
    pthread_mutex_init(&f->lock, NULL);
    pthread_rwlock_init(&f->dir_lock, NULL);
    f->path = strdup(path);
    if (!f->path) { free_file(f); return fst_error(FST24_E_NOMEM, "%s: out of memory", path); }
    f->writable = mode != FST24_MODE_READ;
    f->create = mode == FST24_MODE_CREATE;
    f->parallel = o.parallel;
    f->force_write = o.force_write;
    f->segment_size = o.segment_size;

    /* Never O_TRUNC: "w" truncates only once it holds the writer lock. */
    int flags = O_CLOEXEC | (mode == FST24_MODE_READ ? O_RDONLY : O_RDWR | O_CREAT);
    f->fd = open(path, flags, 0666);
    if (f->fd < 0) {
        int err = errno;
        int st = err == ENOENT ? FST24_E_NOT_FOUND
                 : (err == EACCES || err == EPERM || err == EROFS) ? FST24_E_PERMISSION
                 : err == EISDIR ? FST24_E_INVALID : FST24_E_IO;
        free_file(f);
        return fst_error(st, "%s: cannot open%s: %s", path,
                         mode == FST24_MODE_READ ? "" : " for writing", strerror(err));
    }
    struct stat sb;
    if (fstat(f->fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        int st = fst_error(FST24_E_INVALID, "%s: not a regular file", path);
        free_file(f);
        return st;
    }
    f->file_size = sb.st_size;

    int st, create_in_backend = 0;
    if (f->writable && (st = lock_for_writing(f, mode, o.backend, &create_in_backend))) {
        free_file(f);
        return st;
    }
    if (f->file_size == 0 || create_in_backend) {
        if (!f->writable) {
            free_file(f);
            return fst_error(FST24_E_NOT_FST, "%s: file is empty, not an FST file", path);
        }
        f->backend = default_backend(o.backend);
        if (o.parallel && f->backend == FST24_BACKEND_XDF) {
            free_file(f);
            return fst_error(FST24_E_INVALID, "%s: parallel writing needs the RSF backend, not XDF", path);
        }
        f->kind = f->backend == FST24_BACKEND_RSF ? FST24_KIND_RSF : FST24_KIND_XDF;
        f->ops = f->backend == FST24_BACKEND_RSF ? &fst_rsf_backend : &fst_xdf_backend;
        st = f->ops->create(f);
    } else {
        fst24_file_kind k = detect_fd(f->fd, f->file_size);
        f->kind = k;
        f->ops = backend_of_kind(k);
        if (f->ops) {
            f->backend = f->ops == &fst_rsf_backend ? FST24_BACKEND_RSF : FST24_BACKEND_XDF;
        } else switch (k) {
        case FST24_KIND_FST89:
            if (f->writable) {
                free_file(f);
                return fst_error(FST24_E_UNSUPPORTED, "%s: 1989 standard files are read-only", path);
            }
            f->backend = FST24_BACKEND_XDF;
            f->ops = &fst_fst89_backend;
            break;
        case FST24_KIND_FST89_SEQ:
            free_file(f);
            return fst_error(FST24_E_UNSUPPORTED,
                             "%s: 1989 sequential standard file format is not supported", path);
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
    }
    if (st != FST24_OK) {
        if (f->ops && f->ops->discard) f->ops->discard(f);
        free_file(f);
        return st;
    }
    *out = f;
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
        const fst_backend_ops *ops = st ? NULL : backend_of_kind(detect_fd(f.fd, f.file_size));
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
    if (!f->path) { free_file(f); return fst_error(FST24_E_NOMEM, "%s: out of memory", path); }
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0) {
        int err = errno;
        free_file(f);
        return fst_error(err == ENOENT ? FST24_E_NOT_FOUND : err == EACCES ? FST24_E_PERMISSION : FST24_E_IO,
                         "%s: cannot open: %s", path, strerror(err));
    }
    struct stat sb;
    if (fstat(f->fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        free_file(f);
        return fst_error(FST24_E_INVALID, "%s: not a regular file", path);
    }
    f->file_size = sb.st_size;
    f->kind = detect_fd(f->fd, f->file_size);
    f->ops = backend_of_kind(f->kind);
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
    fst24_open_options o = {0};
    fst24_open_mode mode = FST24_MODE_READ;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", options ? options : "");
    for (char *save = NULL, *tok = strtok_r(buf, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
        if (!strcasecmp(tok, "R/W")) mode = FST24_MODE_UPDATE;
        else if (!strcasecmp(tok, "R/O")) mode = FST24_MODE_READ;
        else if (!strcasecmp(tok, "RSF")) o.backend = FST24_BACKEND_RSF;
        else if (!strcasecmp(tok, "XDF")) o.backend = FST24_BACKEND_XDF;
        else if (!strcasecmp(tok, "PARALLEL")) o.parallel = 1;
        else if (!strncasecmp(tok, "SEGMENT_SIZE_MB=", 16)) {
            char *end = NULL;
            long long mb = strtoll(tok + 16, &end, 10);
            if (!end || *end || mb <= 0 || mb > ((long long)1 << 40))
                return fst_error(FST24_E_INVALID, "%s: bad open option \"%s\" (SEGMENT_SIZE_MB=n, n >= 1)",
                                 path ? path : "", tok);
            o.segment_size = (int64_t)mb << 20;
        }
        else if (!strcasecmp(tok, "FORCE-WRITE")) o.force_write = 1;
        else if (!strcasecmp(tok, "KEEP-MISSING-FLAG")) continue; /* always on now (fst24.h) */
        else if (!strcasecmp(tok, "RND") || !strcasecmp(tok, "STD") || !strcasecmp(tok, "OLD") ||
                 !strcasecmp(tok, "NEW")) continue;
        else return fst_error(FST24_E_INVALID, "%s: unknown open option \"%s\"", path ? path : "", tok);
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
            if (files[j] == files[i])
                return fst_error(FST24_E_INVALID, "fst24_link: %s appears twice", files[i]->path);
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

/* ------------------------------------------------------------------------ */
/* Record access                                                            */
/* ------------------------------------------------------------------------ */

int fst24_get_record(fst24_file *f, int64_t index, fst24_record *rec) {
    if (!f || !rec) return fst_error(FST24_E_INVALID, "get_record: NULL argument");
    pthread_rwlock_rdlock(&f->dir_lock);
    int64_t seen = 0;
    int st = fst_error(FST24_E_NO_RECORD, "%s: no record number %lld (file has %lld)", f->path,
                       (long long)index, (long long)(f->num_entries - f->num_deleted));
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

/* Copy the entry behind `rec`, checking that it still is that record. */
static int entry_of(const fst24_record *rec, fst_entry *copy) {
    if (!rec) return fst_error(FST24_E_INVALID, "NULL record");
    fst24_file *f = rec->file;
    if (!f) return fst_error(FST24_E_INVALID, "record %.4s was not read from a file", rec->nomvar);
    int st = FST24_OK;
    pthread_rwlock_rdlock(&f->dir_lock);
    if (rec->entry < 0 || rec->entry >= f->num_entries || f->entries[rec->entry].key != rec->key) {
        st = fst_error(FST24_E_NO_RECORD, "%s: record %.4s (key %lld) does not belong to this file",
                       f->path, rec->nomvar, (long long)rec->key);
    } else if (f->entries[rec->entry].flags & FST_ENTRY_DELETED) {
        st = fst_error(FST24_E_NO_RECORD, "%s: record %.4s (key %lld) has been deleted", f->path,
                       rec->nomvar, (long long)rec->key);
    } else {
        *copy = f->entries[rec->entry];
    }
    pthread_rwlock_unlock(&f->dir_lock);
    return st;
}

int fst24_read_payload(const fst24_record *rec, uint32_t *words, size_t *nwords) {
    if (!nwords) return fst_error(FST24_E_INVALID, "read_payload: NULL size pointer");
    fst_entry e;
    int st = entry_of(rec, &e);
    if (st) return st;
    size_t n = (size_t)(e.payload_bytes / 4);
    if (!words) {
        *nwords = n;
        return FST24_OK;
    }
    if (*nwords < n)
        return fst_error(FST24_E_INVALID, "%s: record %.4s: payload buffer holds %zu words, need %zu",
                         rec->file->path, rec->nomvar, *nwords, n);
    *nwords = n;
    return rec->file->ops->read_payload(rec->file, &e, words, n);
}

int fst24_read_ext_meta(const fst24_record *rec, char *buf, size_t bufsize, size_t *len) {
    fst_entry e;
    int st = entry_of(rec, &e);
    if (st) return st;
    size_t n = 0;
    pthread_rwlock_rdlock(&rec->file->dir_lock);
    const char *src = rec->file->entries[rec->entry].ext_meta;
    if (src) n = strlen(src);
    if (len) *len = n;
    if (buf && bufsize) {
        if (n + 1 > bufsize) {
            st = fst_error(FST24_E_INVALID, "%s: record %.4s: metadata needs %zu bytes, buffer has %zu",
                           rec->file->path, rec->nomvar, n + 1, bufsize);
        } else {
            if (n) memcpy(buf, src, n);
            buf[n] = '\0';
        }
    }
    pthread_rwlock_unlock(&rec->file->dir_lock);
    return st;
}

/* One large uncompressed record decoded by several threads, each a slice. */
#define SPLIT_MIN_ELEMENTS ((size_t)1 << 20)
#define SPLIT_MAX_THREADS 64

typedef struct split_part {
    const uint32_t *words;
    size_t nwords;
    const fst_codec_desc *d;
    size_t first, count;
    void *out;
    fst24_elem_type type;
    int status;
    char message[512];
} split_part;

static void *split_worker(void *arg) {
    split_part *p = arg;
    p->status = fst_codec_decode_range(p->words, p->nwords, p->d, p->first, p->count, p->out, p->type);
    if (p->status) snprintf(p->message, sizeof p->message, "%s", fst24_last_error());
    return NULL;
}

static int decode_split(const uint32_t *words, size_t nwords, const fst_codec_desc *d, void *out,
                        fst24_elem_type type, size_t count, int threads) {
    if (threads > SPLIT_MAX_THREADS) threads = SPLIT_MAX_THREADS;
    split_part parts[SPLIT_MAX_THREADS];
    pthread_t tid[SPLIT_MAX_THREADS];
    int started[SPLIT_MAX_THREADS] = {0};
    size_t esize = fst24_elem_size(type);
    /* slices of whole 64-element blocks keep every slice on word boundaries */
    size_t per = ((count / (size_t)threads) + 63) & ~(size_t)63;
    int n = 0;
    for (size_t first = 0; first < count && n < threads; first += per, n++) {
        split_part *p = &parts[n];
        p->words = words;
        p->nwords = nwords;
        p->d = d;
        p->first = first;
        p->count = first + per > count ? count - first : per;
        p->out = (char *)out + first * esize;
        p->type = type;
        p->status = 0;
        if (n > 0) started[n] = pthread_create(&tid[n], NULL, split_worker, p) == 0;
        if (n > 0 && !started[n]) split_worker(p);
    }
    split_worker(&parts[0]);
    for (int i = 1; i < n; i++)
        if (started[i]) pthread_join(tid[i], NULL);
    for (int i = 0; i < n; i++)
        if (parts[i].status) return fst_error(parts[i].status, "%s", parts[i].message);
    return FST24_OK;
}

static int decode_entry(fst24_file *f, const fst24_record *rec, const fst_entry *e, void *out,
                        size_t out_bytes, const fst24_read_options *opts) {
    fst_codec_desc d = codec_desc_of(rec);
    fst24_elem_type native;
    size_t count;
    int st = fst_codec_layout(&d, &native, &count);
    if (!st) st = fst_codec_check_stored_size(&d, e->record_bytes);
    if (st) return fst_error_context(st, "%s: record %.4s (key %lld)", f->path, rec->nomvar,
                                     (long long)rec->key);
    fst24_elem_type want = (opts && opts->type != FST24_ELEM_NONE) ? opts->type : native;
    size_t need = count * fst24_elem_size(want);
    if (!out || out_bytes < need)
        return fst_error(FST24_E_INVALID, "%s: record %.4s: output buffer holds %zu bytes, need %zu",
                         f->path, rec->nomvar, out_bytes, need);
    /* Plain IEEE records are the bulk of model output: read straight into the
     * caller's array and fix the byte order in place (one pass, no copy). */
    if ((d.datyp == FST24_TYPE_REAL_IEEE && want == native &&
         ((d.nbits == 32 && want == FST24_ELEM_F32) || (d.nbits == 64 && want == FST24_ELEM_F64))) &&
        (int64_t)need <= e->payload_bytes) {
        st = f->ops->read_payload(f, e, out, need / 4);
        if (st == FST24_OK && d.nbits == 64) {
            /* host-order words arrive as (hi, lo) pairs: swap them on little-endian hosts */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            uint64_t *v = out;
            for (size_t i = 0; i < count; i++) v[i] = (v[i] << 32) | (v[i] >> 32);
#endif
        }
        return st;
    }
    size_t nwords = (size_t)(e->payload_bytes / 4);
    uint32_t *words = fst_scratch_acquire(nwords * 4); /* the thread's reused buffer: no page faults */
    if (!words) return fst_error(FST24_E_NOMEM, "%s: record %.4s: out of memory for %zu bytes",
                                 f->path, rec->nomvar, nwords * 4);
    st = f->ops->read_payload(f, e, words, nwords);
    int threads = opts ? opts->threads : 0;
    if (st == FST24_OK && threads > 1 && count >= SPLIT_MIN_ELEMENTS && fst_codec_range_supported(&d)) {
        st = decode_split(words, nwords, &d, out, want, count, threads);
        if (st == FST24_OK && (d.datyp & FST24_TYPE_MISSING_FLAG) && !(opts && opts->raw_missing))
            fst_codec_decode_missing(out, want, count);
        if (st) fst_error_context(st, "%s: record %.4s (key %lld, datyp %d, nbits %d)", f->path,
                                  rec->nomvar, (long long)rec->key, d.datyp, d.nbits);
    } else if (st == FST24_OK) {
        st = fst_codec_decode(words, nwords, &d, out, want, count, !(opts && opts->raw_missing));
        if (st) fst_error_context(st, "%s: record %.4s (key %lld, datyp %d, nbits %d)", f->path,
                                  rec->nomvar, (long long)rec->key, d.datyp, d.nbits);
    }
    fst_scratch_release(words);
    return st;
}

int fst24_read_data(const fst24_record *rec, void *out, size_t out_bytes,
                    const fst24_read_options *opts) {
    fst_entry e;
    int st = entry_of(rec, &e);
    if (st) return st;
    return decode_entry(rec->file, rec, &e, out, out_bytes, opts);
}

typedef struct read_job {
    const fst24_record *recs;
    void *const *outs;
    const size_t *out_bytes;
    int64_t count;
    const fst24_read_options *opts;
    int *statuses;
    int64_t next; /* atomically incremented work counter */
    int first_error;
    int64_t first_error_index;
    char first_message[1024];
    pthread_mutex_t lock;
} read_job;

static void *read_worker(void *arg) {
    read_job *job = arg;
    for (;;) {
        int64_t i = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED);
        if (i >= job->count) break;
        int st = fst24_read_data(&job->recs[i], job->outs[i], job->out_bytes[i], job->opts);
        if (job->statuses) job->statuses[i] = st;
        if (st) {
            pthread_mutex_lock(&job->lock);
            if (job->first_error == 0 || i < job->first_error_index) {
                job->first_error = st;
                job->first_error_index = i;
                snprintf(job->first_message, sizeof job->first_message, "%s", fst24_last_error());
            }
            pthread_mutex_unlock(&job->lock);
        }
    }
    return NULL;
}

int fst24_read_many(const fst24_record *recs, void *const *outs, const size_t *out_bytes,
                    int64_t count, const fst24_read_options *opts, int threads, int *statuses) {
    if (count < 0 || (count > 0 && (!recs || !outs || !out_bytes)))
        return fst_error(FST24_E_INVALID, "read_many: bad arguments");
    if (count == 0) return FST24_OK;
    if (threads <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (int)n : 1;
    }
    if (threads > 256) threads = 256;
    /* Fewer records than threads: the spare threads split large records. */
    fst24_read_options per_record = {0, FST24_ELEM_NONE, 1};
    if (opts) per_record = *opts;
    if (per_record.threads <= 1 && count < threads) per_record.threads = threads / (int)count;
    read_job job = {recs, outs, out_bytes, count, &per_record, statuses, 0, 0, 0, {0}, PTHREAD_MUTEX_INITIALIZER};
    pthread_t tid[256];
    int started = 0;
    int workers = threads > count ? (int)count : threads;
    for (int t = 1; t < workers; t++) {
        if (pthread_create(&tid[started], NULL, read_worker, &job) != 0) break;
        started++;
    }
    read_worker(&job); /* the calling thread works too */
    for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&job.lock);
    if (job.first_error) return fst_error(job.first_error, "%s", job.first_message);
    return FST24_OK;
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */
/* ------------------------------------------------------------------------ */

static int check_writable(fst24_file *f) {
    if (!f) return fst_error(FST24_E_INVALID, "write: NULL file");
    if (!f->writable)
        return fst_error(FST24_E_READONLY, "%s: file is open read-only", f->path);
    return FST24_OK;
}

/* The identity used by REWRITE_YES/SKIP: grid, names, levels, time and size. */
static int same_identity(const uint32_t a[FST_DESC_WORDS], const uint32_t b[FST_DESC_WORDS]) {
    static const uint32_t mask[FST_DESC_WORDS] = {
        0xFFFFFF00u, /* deet (not nbits) */
        0xFFFFFFFFu, /* ni, grtyp */
        0xFFFFFF00u, /* nj (not datyp) */
        0xFFFFF000u, /* nk */
        0xFFFFFFC0u, /* npas */
        0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, /* ig1-4 */
        0xFFFFFFFCu, 0xFFFFFFFCu, /* etiket */
        0xFFFFFFFFu, /* etiket, typvar, ni_b */
        0xFFFFFF00u, /* nomvar (not dasiz) */
        0xFFFFFFF0u, 0xFFFFFFFFu, 0xFFFFFFFFu, /* ip1, ip2+nj_b, ip3+nj_c */
        0xFFFFFFFFu /* datev */
    };
    for (int i = 0; i < FST_DESC_WORDS; i++)
        if ((a[i] ^ b[i]) & mask[i]) return 0;
    return 1;
}

static int64_t find_identity(fst24_file *f, const uint32_t desc[FST_DESC_WORDS]) {
    for (int64_t i = 0; i < f->num_entries; i++) {
        const fst_entry *e = &f->entries[i];
        if (!(e->flags & FST_ENTRY_DELETED) && same_identity(e->desc, desc)) return i;
    }
    return -1;
}

static int delete_locked(fst24_file *f, int64_t idx) {
    int st = f->ops->delete_entry(f, idx);
    if (st == FST24_OK) {
        /* readers in other threads look at flags under the directory lock */
        pthread_rwlock_wrlock(&f->dir_lock);
        f->entries[idx].flags |= FST_ENTRY_DELETED;
        f->num_deleted++;
        pthread_rwlock_unlock(&f->dir_lock);
    }
    return st;
}

/* Dates: dateo wins over datev when both are given (librmn); datev is what is stored. */
static int resolve_dates(fst24_record *r) {
    if (r->deet < 0) r->deet = 0;
    if (r->npas < 0) r->npas = 0;
    if (r->dateo == -1 && r->datev != -1)
        r->dateo = fst_dateo_from_datev(r->datev, r->deet, r->npas);
    if (r->dateo == -1) r->dateo = 0;
    r->datev = fst_datev_from_dateo(r->dateo, r->deet, r->npas);
    return FST24_OK;
}

static int append_locked(fst24_file *f, fst24_record *rec, const uint32_t desc[FST_DESC_WORDS],
                         const uint32_t *words, size_t nwords, fst24_rewrite mode,
                         const char *ext_meta) {
    int st;
    if (mode == FST24_REWRITE_YES || mode == FST24_REWRITE_SKIP) {
        int64_t old = find_identity(f, desc);
        if (old >= 0) {
            if (mode == FST24_REWRITE_SKIP) {
                fst_entry_to_record(f, &f->entries[old], old, rec);
                return FST24_OK;
            }
            if ((st = delete_locked(f, old))) return st;
        }
    }
    fst_entry *e = fst_file_new_entry(f);
    if (!e) return FST24_E_NOMEM;
    memcpy(e->desc, desc, sizeof e->desc);
    st = f->ops->append(f, e, words, nwords, ext_meta);
    if (st) {
        free(e->ext_meta);
        e->ext_meta = NULL;
        return st;
    }
    pthread_rwlock_wrlock(&f->dir_lock);
    f->num_entries++;
    pthread_rwlock_unlock(&f->dir_lock);
    fst_entry_to_record(f, e, f->num_entries - 1, rec);
    return FST24_OK;
}

static int rewrite_meta_locked(fst24_file *f, fst24_record *rec) {
    if (rec->file != f || rec->entry < 0 || rec->entry >= f->num_entries ||
        f->entries[rec->entry].key != rec->key)
        return fst_error(FST24_E_INVALID,
                         "%s: metadata rewrite needs a record read from this file (record %.4s)",
                         f->path, rec->nomvar);
    fst_entry *e = &f->entries[rec->entry];
    if (e->flags & FST_ENTRY_DELETED)
        return fst_error(FST24_E_NO_RECORD, "%s: record %.4s has been deleted", f->path, rec->nomvar);
    fst24_record stored;
    fst_desc_to_record(e->desc, &stored);
    /* The payload cannot change: its shape and encoding stay as stored. */
    if (rec->ni != stored.ni || rec->nj != stored.nj || rec->nk != stored.nk ||
        rec->data_type != stored.data_type || rec->pack_bits != stored.pack_bits)
        return fst_error(FST24_E_INVALID,
                         "%s: record %.4s: a metadata rewrite cannot change ni, nj, nk, data_type "
                         "or pack_bits", f->path, rec->nomvar);
    fst24_record r = *rec;
    r.data_bits = (int32_t)(e->desc[D_NOMVAR_DASIZ] & 0xFF);
    /* dateo is recomputed from datev when only the latter changed. */
    if (r.datev != stored.datev && r.dateo == stored.dateo) r.dateo = -1;
    resolve_dates(&r);
    uint32_t desc[FST_DESC_WORDS];
    int st = fst_record_to_desc(&r, f->backend == FST24_BACKEND_RSF, desc);
    if (st) return fst_error_context(st, "%s", f->path);
    desc[D_NOMVAR_DASIZ] = (desc[D_NOMVAR_DASIZ] & ~0xFFu) | (e->desc[D_NOMVAR_DASIZ] & 0xFF);
    uint32_t saved[FST_DESC_WORDS];
    memcpy(saved, e->desc, sizeof saved);
    pthread_rwlock_wrlock(&f->dir_lock);
    memcpy(e->desc, desc, sizeof desc);
    pthread_rwlock_unlock(&f->dir_lock);
    st = f->ops->rewrite_meta(f, rec->entry);
    if (st) {
        pthread_rwlock_wrlock(&f->dir_lock);
        memcpy(e->desc, saved, sizeof saved);
        pthread_rwlock_unlock(&f->dir_lock);
        return st;
    }
    fst_entry_to_record(f, e, rec->entry, rec);
    return FST24_OK;
}

int fst24_write_payload(fst24_file *f, fst24_record *rec, const uint32_t *words, size_t nwords,
                        fst24_rewrite mode, const char *ext_meta) {
    int st = check_writable(f);
    if (st) return st;
    if (!rec || (!words && nwords))
        return fst_error(FST24_E_INVALID, "%s: write_payload: NULL argument", f->path);
    if (mode == FST24_REWRITE_META) {
        pthread_mutex_lock(&f->lock);
        st = rewrite_meta_locked(f, rec);
        pthread_mutex_unlock(&f->lock);
        return st;
    }
    if (ext_meta && *ext_meta && f->backend != FST24_BACKEND_RSF)
        return fst_error(FST24_E_UNSUPPORTED,
                         "%s: record %.4s: extended metadata can only be stored in RSF files",
                         f->path, rec->nomvar);
    if (ext_meta && *ext_meta && !fst_json_is_object(ext_meta))
        return fst_error(FST24_E_INVALID, "%s: record %.4s: extended metadata is not a JSON object: %.80s",
                         f->path, rec->nomvar, ext_meta);
    fst24_record r = *rec;
    resolve_dates(&r);
    uint32_t desc[FST_DESC_WORDS];
    if ((st = fst_record_to_desc(&r, f->backend == FST24_BACKEND_RSF, desc)))
        return fst_error_context(st, "%s: record %.4s", f->path, r.nomvar);
    /* Never store a header that its payload cannot hold (it would not read back). */
    fst_codec_desc cd = codec_desc_of(&r);
    if ((st = fst_codec_check_stored_size(&cd, (int64_t)nwords * 4)))
        return fst_error_context(st == FST24_E_CORRUPT ? FST24_E_INVALID : st, "%s: record %.4s: payload of %zu words",
                                 f->path, r.nomvar, nwords);
    pthread_mutex_lock(&f->lock);
    st = append_locked(f, &r, desc, words, nwords, mode, ext_meta);
    pthread_mutex_unlock(&f->lock);
    if (st == FST24_OK) *rec = r;
    return st;
}

int fst24_write(fst24_file *f, fst24_record *rec, const void *data, fst24_elem_type data_type,
                fst24_rewrite mode, const char *ext_meta) {
    int st = check_writable(f);
    if (st) return st;
    if (!rec) return fst_error(FST24_E_INVALID, "%s: write: NULL record", f->path);
    if (mode == FST24_REWRITE_META) return fst24_write_payload(f, rec, NULL, 0, mode, NULL);
    if (mode != FST24_REWRITE_NO && mode != FST24_REWRITE_YES && mode != FST24_REWRITE_SKIP)
        return fst_error(FST24_E_INVALID, "%s: invalid rewrite mode %d", f->path, (int)mode);
    if (!data) return fst_error(FST24_E_INVALID, "%s: record %.4s: NULL data", f->path, rec->nomvar);
    int is_rsf = f->backend == FST24_BACKEND_RSF;
    if (ext_meta && *ext_meta && !is_rsf)
        return fst_error(FST24_E_UNSUPPORTED,
                         "%s: record %.4s: extended metadata can only be stored in RSF files",
                         f->path, rec->nomvar);
    if (ext_meta && *ext_meta && !fst_json_is_object(ext_meta))
        return fst_error(FST24_E_INVALID, "%s: record %.4s: extended metadata is not a JSON object: %.80s",
                         f->path, rec->nomvar, ext_meta);
    size_t esize = fst24_elem_size(data_type);
    if (!esize) return fst_error(FST24_E_INVALID, "%s: record %.4s: invalid element type %d", f->path,
                                 rec->nomvar, (int)data_type);
    int base = rec->data_type & 0x3F;
    if (!is_rsf && esize == 8 && (base == FST24_TYPE_UNSIGNED || base == FST24_TYPE_SIGNED))
        return fst_error(FST24_E_UNSUPPORTED,
                         "%s: record %.4s: 64-bit integers can only be stored in RSF files", f->path,
                         rec->nomvar);
    fst24_record r = *rec;
    r.data_bits = (int32_t)(esize * 8);
    /* Validate the header before the (possibly long) encoding. */
    uint32_t desc[FST_DESC_WORDS];
    resolve_dates(&r);
    if ((st = fst_record_to_desc(&r, is_rsf, desc)))
        return fst_error_context(st, "%s: record %.4s", f->path, r.nomvar);
    fst_codec_desc req = codec_desc_of(&r), stored;
    uint32_t *words = NULL;
    size_t nwords = 0;
    int codec_flags = is_rsf ? FST_CODEC_RSF : 0;
    st = fst_codec_encode(data, data_type, &req, codec_flags, &stored, &words, &nwords);
    if (st) return fst_error_context(st, "%s: record %.4s", f->path, r.nomvar);
    r.data_type = stored.datyp;
    r.pack_bits = stored.nbits;
    r.data_bits = stored.dasiz;
    if ((st = fst_record_to_desc(&r, is_rsf, desc))) {
        free(words);
        return fst_error_context(st, "%s: record %.4s", f->path, r.nomvar);
    }
    pthread_mutex_lock(&f->lock);
    st = append_locked(f, &r, desc, words, nwords, mode, ext_meta);
    pthread_mutex_unlock(&f->lock);
    free(words);
    if (st == FST24_OK) *rec = r;
    return st;
}

int fst24_delete(fst24_file *f, const fst24_record *rec) {
    int st = check_writable(f);
    if (st) return st;
    if (!rec || rec->file != f)
        return fst_error(FST24_E_INVALID, "%s: delete: the record was not read from this file",
                         f->path);
    pthread_mutex_lock(&f->lock);
    if (rec->entry < 0 || rec->entry >= f->num_entries || f->entries[rec->entry].key != rec->key)
        st = fst_error(FST24_E_NO_RECORD, "%s: delete: no record with key %lld", f->path,
                       (long long)rec->key);
    else if (f->entries[rec->entry].flags & FST_ENTRY_DELETED)
        st = fst_error(FST24_E_NO_RECORD, "%s: delete: record %.4s is already deleted", f->path,
                       rec->nomvar);
    else
        st = delete_locked(f, rec->entry);
    pthread_mutex_unlock(&f->lock);
    return st;
}
