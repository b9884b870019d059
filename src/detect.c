/*
 * File kinds: detection by content (the signatures of XDF random and sequential files, RSF,
 * 1989 files and BURP; docs/format/xdf.md, docs/format/rsf.md) and the table from a kind to
 * the backend that reads it.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bytes.h"
#include "fst_internal.h"

static fst24_file_kind detect_bytes(const unsigned char *b, size_t n, int64_t size) {
    if (size == 0) return FST24_KIND_EMPTY;
    if (n >= 8 && fst_load_be32(b) == 0x55555555u && fst_load_be32(b + 4) == 0x55555555u) return FST24_KIND_FST89;
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

/* Read the file's first `cap` bytes (fewer for a shorter file) into buf and tell its kind;
 * *got: the bytes read (0 when unreadable). */
static fst24_file_kind detect_start(int fd, int64_t size, unsigned char *buf, size_t cap, size_t *got) {
    ssize_t n;
    do n = pread(fd, buf, cap, 0);
    while (n < 0 && errno == EINTR);
    *got = n < 0 ? 0 : (size_t)n;
    return n < 0 ? FST24_KIND_UNREADABLE : detect_bytes(buf, (size_t)n, size);
}

fst24_file_kind fst_detect_fd(int fd, int64_t size) {
    unsigned char buf[128];
    size_t got;
    return detect_start(fd, size, buf, sizeof buf, &got);
}

fst24_file_kind fst_detect_head(struct fst24_file *f) {
    /* bytes past a shorter file's end are never served: its reads there fail as before */
    return detect_start(f->fd, f->file_size, f->head, sizeof f->head, &f->head_len);
}

fst24_file_kind fst24_detect(const char *path) {
    if (!path) return FST24_KIND_MISSING;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? FST24_KIND_MISSING : FST24_KIND_UNREADABLE;
    struct stat st;
    fst24_file_kind k = FST24_KIND_UNREADABLE;
    if (fstat(fd, &st) == 0) k = S_ISDIR(st.st_mode) ? FST24_KIND_UNREADABLE : fst_detect_fd(fd, st.st_size);
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

/* Which backend reads each kind of file; the rest (BURP, 1989 sequential, other content) is
 * not read. */
static const fst_kind_backend KIND_BACKENDS[] = {
    {FST24_KIND_XDF, &fst_xdf_backend, FST24_BACKEND_XDF, 0},
    {FST24_KIND_XDF_SEQ, &fst_xdf_backend, FST24_BACKEND_XDF, 0},
    {FST24_KIND_XDF_CORRUPT, &fst_xdf_backend, FST24_BACKEND_XDF, 0},
    {FST24_KIND_RSF, &fst_rsf_backend, FST24_BACKEND_RSF, 0},
    {FST24_KIND_FST89, &fst_fst89_backend, FST24_BACKEND_XDF, 1},
};

const fst_kind_backend *fst_kind_backend_of(fst24_file_kind kind) {
    for (size_t i = 0; i < sizeof KIND_BACKENDS / sizeof KIND_BACKENDS[0]; i++)
        if (KIND_BACKENDS[i].kind == kind) return &KIND_BACKENDS[i];
    return NULL;
}

const fst_backend_ops *fst_backend_of_kind(fst24_file_kind kind) {
    const fst_kind_backend *kb = fst_kind_backend_of(kind);
    return kb && !kb->read_only ? kb->ops : NULL;
}
