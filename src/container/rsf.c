/*
 * RSF backend (Random Segmented Files, docs/format/rsf.md): open, create, flush,
 * close and the write flag of segment 0. Directory loading is in rsf_dir.c,
 * writing in rsf_write.c, the byte layouts in rsf_format.c.
 */
#include "container/rsf_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RSF_DEFAULT_SEGMENT_MB 1000

int fst_rsf_lock(struct fst24_file *f, int on) {
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = on ? F_WRLCK : F_UNLCK;
    fl.l_whence = SEEK_SET;
    /* Open-file-description locks also exclude other opens in this process. */
#ifdef F_OFD_SETLKW
    int cmd = F_OFD_SETLKW;
#else
    int cmd = F_SETLKW;
#endif
    while (fcntl(f->fd, cmd, &fl) != 0) {
        if (errno == EINTR) continue;
        return fst_error(FST24_E_IO, "%s: cannot %s the file lock: %s", f->path, on ? "take" : "release",
                         strerror(errno));
    }
    return FST24_OK;
}

/* Parallel segment size: the open option, else FST_OPTIONS SEGMENT_SIZE_MB= (both in
 * f->segment_size, src/file.c), else 1000 MiB. */
static int64_t segment_hint(const struct fst24_file *f) {
    if (f->segment_size > 0) return f->segment_size;
    return (int64_t)RSF_DEFAULT_SEGMENT_MB << 20;
}

static int read_sos0(struct fst24_file *f, rsf_sos *sos) {
    uint8_t b[RSF_SOS_BYTES];
    int st = fst_pread_all(f, b, sizeof b, 0);
    if (st) return st;
    fst_rsf_get_sos(b, sos);
    if (!fst_rsf_sos_is_valid(sos))
        return fst_error(FST24_E_CORRUPT, "%s: RSF file does not start with a valid start-of-segment", f->path);
    if (memcmp(sos->sig + 4, "STDF", 4) != 0)
        return fst_error(FST24_E_NOT_FST, "%s: RSF application code is \"%.4s\", not STDF", f->path, sos->sig + 4);
    return FST24_OK;
}

/* Write the 16-bit write flag (`rlm` of segment 0's SOS). */
static int put_flag(struct fst24_file *f, unsigned flag) {
    uint8_t b[2] = {(uint8_t)flag, (uint8_t)(flag >> 8)};
    return fst_pwrite_all(f, b, 2, 1);
}

/* Register this process as a writer (docs/format/rsf.md#rsf-writing): exclusive = 0xFFFF, parallel = count. */
static int take_flag(struct fst24_file *f) {
    rsf_state *s = f->bk;
    int st = fst_rsf_lock(f, 1);
    if (st) return st;
    rsf_sos sos;
    st = read_sos0(f, &sos);
    unsigned flag = st ? 0 : sos.sor.rlm, next = 0;
    if (!st) {
        if (s->parallel) {
            if (flag == RSF_EXCLUSIVE_FLAG && !f->force_write) st = fst_stale_flag_error(f, "RSF exclusive write flag");
            /* force_write means "the other writers are gone": restart the count. */
            next = (f->force_write || flag == RSF_EXCLUSIVE_FLAG) ? 1 : (flag < 0xFFFE ? flag + 1 : flag);
        } else {
            if (flag != 0 && !f->force_write) {
                char what[48];
                snprintf(what, sizeof what, "RSF write flag %u", flag);
                st = fst_stale_flag_error(f, what);
            }
            next = RSF_EXCLUSIVE_FLAG;
        }
    }
    if (!st) st = put_flag(f, next);
    int ust = fst_rsf_lock(f, 0);
    if (!st && !ust) s->flag_taken = 1;
    return st ? st : ust;
}

static int release_flag(struct fst24_file *f) {
    rsf_state *s = f->bk;
    if (!s->flag_taken) return FST24_OK;
    int st = fst_rsf_lock(f, 1);
    if (st) return st;
    rsf_sos sos;
    st = read_sos0(f, &sos);
    if (!st) {
        unsigned flag = sos.sor.rlm, next = 0;
        if (s->parallel && flag != RSF_EXCLUSIVE_FLAG && flag > 0) next = flag - 1;
        st = put_flag(f, next);
    }
    int ust = fst_rsf_lock(f, 0);
    if (!st) s->flag_taken = 0;
    return st ? st : ust;
}

static int new_state(struct fst24_file *f) {
    rsf_state *s = calloc(1, sizeof *s);
    if (!s) return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
    s->parallel = f->writable && f->parallel;
    s->seg_hint = segment_hint(f);
    f->bk = s;
    return FST24_OK;
}

static int64_t current_size(struct fst24_file *f) {
    off_t end = lseek(f->fd, 0, SEEK_END);
    if (end < 0) return fst_error(FST24_E_IO, "%s: cannot find the end of file: %s", f->path, strerror(errno));
    return (int64_t)end;
}

/* Append to f->warning ("; " between parts). */
static void add_warning(struct fst24_file *f, const char *fmt, long long a, long long b) {
    size_t n = strlen(f->warning);
    if (n + 3 >= sizeof f->warning) return;
    if (n) {
        memcpy(f->warning + n, "; ", 3);
        n += 2;
    }
    snprintf(f->warning + n, sizeof f->warning - n, fmt, a, b);
}

/* Read-only: say what a crashed writer or damage keeps out of view. With the
 * write flag clear nobody writes the file, so any unfinished part is damage;
 * with it set, a writer holding the lock is simply at work. */
static void describe_read_state(struct fst24_file *f, unsigned flag, const rsf_walk *w, int64_t size) {
    int unfinished = w->open_seg >= 0 || w->end != size;
    f->writer_active = flag != 0 && fst_writer_alive(f, NULL) == 1;
    if (f->writer_active) return;
    if (!unfinished) {
        if (flag != 0 && !f->recovered && !f->warning[0])
            snprintf(f->warning, sizeof f->warning,
                     "marked open for writing (write flag %u) by a writer that holds no lock on this host "
                     "(it crashed right after a flush, or is librmn or on another host): nothing it "
                     "flushed is missing; writers need force_write",
                     flag);
        return;
    }
    f->recovered = 1;
    if (w->cut)
        add_warning(f,
                    "file is truncated: the segment at byte %lld runs past the end of the file "
                    "(%lld bytes); its records are not visible (fst24 repair salvages the complete "
                    "ones)",
                    (long long)w->open_seg, (long long)size);
    else if (w->open_seg >= 0 && !strstr(f->warning, "disagree"))
        add_warning(f,
                    flag == 0 ? "segment at byte %lld was never closed although no writer has the "
                                "file open (damaged file): its %lld bytes are not visible (fst24 "
                                "repair salvages its complete records)"
                              : "segment at byte %lld was not closed by its writer, which is gone: "
                                "its %lld bytes are not visible (force_write or fst24 repair salvages "
                                "its complete records)",
                    (long long)w->open_seg, (long long)(size - w->open_seg));
    else if (w->end > size)
        add_warning(f,
                    "file is truncated: the segment at byte %lld runs past the end of the file "
                    "(%lld bytes)",
                    (long long)w->last_seg, (long long)size);
    else if (w->end < size)
        add_warning(f,
                    "%lld bytes after the last segment (at byte %lld) belong to no segment: "
                    "a truncated or damaged file",
                    (long long)(size - w->end), (long long)w->end);
}

static int rsf_open_existing(struct fst24_file *f) {
    int st = f->bk ? FST24_OK : new_state(f);
    if (st) return st;
    rsf_state *s = f->bk;
    rsf_sos sos;
    if ((st = read_sos0(f, &sos))) return st;
    memcpy(s->sig, sos.sig, 8);
    if (f->file_size < RSF_SOS_BYTES + RSF_EOS_BYTES)
        return fst_error(FST24_E_CORRUPT,
                         "%s: RSF file is truncated: %lld bytes, its first segment alone "
                         "has %d",
                         f->path, (long long)f->file_size, RSF_SOS_BYTES + RSF_EOS_BYTES);
    unsigned flag = sos.sor.rlm;
    if (flag) f->head_len = 0; /* a writer may be at work: read the file as it is now */
    if (f->writable && (st = take_flag(f))) return st;
    /* read-only and no writer: the size the open took stands */
    int64_t size = f->writable || flag ? current_size(f) : f->file_size;
    rsf_walk w = {-1, 0, 0, 0};
    if (size < 0) st = (int)size;
    if (!st) st = fst_rsf_load_directory(f, size, &w);
    if (!st && !f->writable) {
        /* A writer at work may have been caught in the middle of a commit (the
         * segment's start and end records disagree for a moment): read again. */
        for (int attempt = 0; !st && f->recovered && flag != 0 && attempt < 200 && fst_writer_alive(f, NULL) == 1;
             attempt++) {
            fst_file_reset_entries(f);
            if (attempt > 3) usleep(500);
            size = current_size(f);
            st = size < 0 ? (int)size : fst_rsf_load_directory(f, size, &w);
        }
        if (st) return st;
        describe_read_state(f, flag, &w, size);
        if (f->file_size < size) f->file_size = size;
        return FST24_OK;
    }
    /* A writer owning the file deals with what a crashed writer left behind. */
    int owner = f->writable && (!s->parallel || f->force_write);
    if (!st && f->writable && w.open_seg >= 0) {
        if (owner)
            st = fst_rsf_salvage_segment(f, w.open_seg, size);
        else
            st = fst_error(FST24_E_LOCKED,
                           "%s: the file ends with an unfinished segment at byte %lld "
                           "(crashed writer); open it with force_write to recover",
                           f->path, (long long)w.open_seg);
    } else if (!st && owner && w.end != size) {
        /* Trailing bytes, or a last (sparse) segment the end of file cuts short. */
        int64_t keep = w.end < size ? w.end : w.last_seg;
        if (ftruncate(f->fd, keep) != 0)
            st = fst_error(FST24_E_IO, "%s: cannot drop %lld trailing bytes: %s", f->path, (long long)(size - keep),
                           strerror(errno));
        else {
            f->recovered = 1;
            snprintf(f->warning, sizeof f->warning, "%lld trailing bytes after the last RSF segment dropped",
                     (long long)(size - keep));
            size = keep;
        }
    }
    if (st) {
        release_flag(f);
        return st;
    }
    if (f->file_size < size) f->file_size = size;
    return FST24_OK;
}

/* A new file: segment 0 is an empty compact segment carrying the write flag.
 * Parallel writers opening with "w" race to create it: under the file lock,
 * the first one (re)creates it, the others join the writers it registered. */
static int rsf_create(struct fst24_file *f) {
    int st = new_state(f);
    if (st) return st;
    rsf_state *s = f->bk;
    if ((st = fst_rsf_lock(f, 1))) return st;
    int64_t size = current_size(f);
    if (size > 0 && f->create) {
        unsigned flag = 0;
        f->file_size = size;
        rsf_sos sos0;
        int is_rsf = size >= RSF_SOS_BYTES && read_sos0(f, &sos0) == FST24_OK;
        if (is_rsf)
            flag = sos0.sor.rlm;
        else
            fst_xdf_backend.write_flag(f, &flag);
        if (is_rsf && flag > 0 && flag < RSF_EXCLUSIVE_FLAG) {
            fst_rsf_lock(f, 0);
            return rsf_open_existing(f); /* parallel writers at work: join them */
        }
        if (flag && !f->force_write) {
            char what[40];
            snprintf(what, sizeof what, "write flag %u", flag);
            fst_rsf_lock(f, 0);
            return fst_error_context(fst_stale_flag_error(f, what), "%s: not truncated", f->path);
        }
        if (ftruncate(f->fd, 0) != 0) {
            fst_rsf_lock(f, 0);
            return fst_error(FST24_E_IO, "%s: cannot truncate: %s", f->path, strerror(errno));
        }
        size = 0;
    }
    if (size != 0) {
        /* Another process created it first (parallel writers racing). */
        fst_rsf_lock(f, 0);
        if (size < 0) return (int)size;
        f->file_size = size;
        return rsf_open_existing(f);
    }
    uint8_t b[RSF_SOS_BYTES + RSF_EOS_BYTES];
    rsf_seginfo info = {RSF_SOS_BYTES, RSF_SOS_BYTES + RSF_EOS_BYTES, 0, 0};
    rsf_sos sos = fst_rsf_make_sos(s->parallel ? 1 : RSF_EXCLUSIVE_FLAG, RSF_FST_META_WORDS, RSF_SIG_FST, info);
    fst_rsf_put_sos(b, &sos);
    rsf_eos_lo lo = fst_rsf_make_eos_lo(RSF_EOS_BYTES, 0);
    fst_rsf_put_eos_lo(b + RSF_SOS_BYTES, &lo);
    rsf_eos_hi hi = fst_rsf_make_eos_hi(RSF_EOS_BYTES, 0, info);
    fst_rsf_put_eos_hi(b + RSF_SOS_BYTES + RSF_EOS_LO_BYTES, &hi);
    st = fst_pwrite_all(f, b, sizeof b, 0);
    int ust = fst_rsf_lock(f, 0);
    if (st || ust) return st ? st : ust;
    memcpy(s->sig, RSF_SIG_FST, 8);
    s->flag_taken = 1;
    f->file_size = (int64_t)sizeof b;
    return FST24_OK;
}

static int rsf_flush(struct fst24_file *f) {
    if (!f->writable) return FST24_OK;
    return fst_rsf_close_segment(f);
}

static void rsf_discard(struct fst24_file *f) {
    if (!f->bk) return;
    release_flag(f);
    free(f->bk);
    f->bk = NULL;
}

static int rsf_close(struct fst24_file *f) {
    if (!f->bk) return FST24_OK;
    int st = f->writable ? fst_rsf_close_segment(f) : FST24_OK;
    int fst = release_flag(f);
    free(f->bk);
    f->bk = NULL;
    return st ? st : fst;
}

/* Segment-0 write flag of an existing RSF file (0 if it is not one). */
static int rsf_write_flag(struct fst24_file *f, unsigned *flag) {
    rsf_sos sos;
    *flag = 0;
    if (f->file_size >= RSF_SOS_BYTES && read_sos0(f, &sos) == FST24_OK) *flag = sos.sor.rlm;
    fst24_clear_error();
    return FST24_OK;
}

const fst_backend_ops fst_rsf_backend = {
    .name = "RSF",
    .open_existing = rsf_open_existing,
    .create = rsf_create,
    .append = fst_rsf_append,
    .delete_entry = fst_rsf_delete_entry,
    .rewrite_meta = fst_rsf_rewrite_meta,
    .read_payload = fst_rsf_read_payload,
    .flush = rsf_flush,
    .close = rsf_close,
    .discard = rsf_discard,
    .write_flag = rsf_write_flag,
    .salvage = fst_rsf_salvage,
};
