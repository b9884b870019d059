/*
 * RSF backend (Random Segmented Files, CONTAINER.md §3): open, create, flush,
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

int rsf_lock(struct fst24_file *f, int on) {
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

/* Parallel segment size: explicit option, else FST_OPTIONS SEGMENT_SIZE_MB=, else 1000 MiB. */
static int64_t segment_hint(const struct fst24_file *f) {
    if (f->segment_size > 0) return f->segment_size;
    int64_t mb = RSF_DEFAULT_SEGMENT_MB;
    const char *env = getenv("FST_OPTIONS");
    const char *p = env ? strstr(env, "SEGMENT_SIZE_MB=") : NULL;
    if (p) {
        long v = strtol(p + 16, NULL, 10);
        if (v > 0) mb = v;
    }
    return mb << 20;
}

static int read_sos0(struct fst24_file *f, rsf_sos *sos) {
    uint8_t b[RSF_SOS_BYTES];
    int st = fst_pread_all(f, b, sizeof b, 0);
    if (st) return st;
    rsf_get_sos(b, sos);
    if (!rsf_sos_is_valid(sos))
        return fst_error(FST24_E_CORRUPT, "%s: RSF file does not start with a valid start-of-segment", f->path);
    if (memcmp(sos->sig + 4, "STDF", 4) != 0)
        return fst_error(FST24_E_NOT_FST, "%s: RSF application code is \"%.4s\", not STDF", f->path,
                         sos->sig + 4);
    return FST24_OK;
}

/* Write the 16-bit write flag (`rlm` of segment 0's SOS). */
static int put_flag(struct fst24_file *f, unsigned flag) {
    uint8_t b[2] = {(uint8_t)flag, (uint8_t)(flag >> 8)};
    return fst_pwrite_all(f, b, 2, 1);
}

/* Register this process as a writer (§3.8): exclusive = 0xFFFF, parallel = count. */
static int take_flag(struct fst24_file *f) {
    rsf_state *s = f->bk;
    int st = rsf_lock(f, 1);
    if (st) return st;
    rsf_sos sos;
    st = read_sos0(f, &sos);
    unsigned flag = st ? 0 : sos.sor.rlm, next = 0;
    if (!st) {
        if (s->parallel) {
            if (flag == RSF_EXCLUSIVE_FLAG && !f->force_write)
                st = fst_error(FST24_E_LOCKED, "%s: an exclusive writer holds the file (write flag set); "
                               "use force_write if it crashed", f->path);
            /* force_write means "the other writers are gone": restart the count. */
            next = (f->force_write || flag == RSF_EXCLUSIVE_FLAG) ? 1 : (flag < 0xFFFE ? flag + 1 : flag);
        } else {
            if (flag != 0 && !f->force_write)
                st = fst_error(FST24_E_LOCKED, "%s: another writer holds the file (write flag %u); use "
                               "force_write if it crashed", f->path, flag);
            next = RSF_EXCLUSIVE_FLAG;
        }
    }
    if (!st) st = put_flag(f, next);
    int ust = rsf_lock(f, 0);
    if (!st && !ust) s->flag_taken = 1;
    return st ? st : ust;
}

static int release_flag(struct fst24_file *f) {
    rsf_state *s = f->bk;
    if (!s->flag_taken) return FST24_OK;
    int st = rsf_lock(f, 1);
    if (st) return st;
    rsf_sos sos;
    st = read_sos0(f, &sos);
    if (!st) {
        unsigned flag = sos.sor.rlm, next = 0;
        if (s->parallel && flag != RSF_EXCLUSIVE_FLAG && flag > 0) next = flag - 1;
        st = put_flag(f, next);
    }
    int ust = rsf_lock(f, 0);
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

static int rsf_open_existing(struct fst24_file *f) {
    int st = f->bk ? FST24_OK : new_state(f);
    if (st) return st;
    rsf_state *s = f->bk;
    rsf_sos sos;
    if ((st = read_sos0(f, &sos))) return st;
    memcpy(s->sig, sos.sig, 8);
    if (f->writable && (st = take_flag(f))) return st;
    int64_t size = current_size(f), open_seg = -1, end = 0;
    if (size < 0) st = (int)size;
    if (!st) st = rsf_load_directory(f, size, &open_seg, &end);
    /* A writer owning the file deals with what a crashed writer left behind. */
    int owner = f->writable && (!s->parallel || f->force_write);
    if (!st && f->writable && open_seg >= 0) {
        if (owner) st = rsf_salvage_segment(f, open_seg, size);
        else st = fst_error(FST24_E_LOCKED, "%s: the file ends with an unfinished segment at byte %lld "
                            "(crashed writer); open it with force_write to recover", f->path,
                            (long long)open_seg);
    } else if (!st && owner && end < size) {
        if (ftruncate(f->fd, end) != 0)
            st = fst_error(FST24_E_IO, "%s: cannot drop %lld trailing bytes: %s", f->path,
                           (long long)(size - end), strerror(errno));
        else {
            f->recovered = 1;
            snprintf(f->warning, sizeof f->warning, "%lld trailing bytes after the last RSF segment dropped",
                     (long long)(size - end));
            size = end;
        }
    }
    if (st) {
        release_flag(f);
        return st;
    }
    if (f->file_size < size) f->file_size = size;
    return FST24_OK;
}

/* A new file: segment 0 is an empty compact segment carrying the write flag. */
static int rsf_create(struct fst24_file *f) {
    int st = new_state(f);
    if (st) return st;
    rsf_state *s = f->bk;
    if ((st = rsf_lock(f, 1))) return st;
    int64_t size = current_size(f);
    if (size != 0) {
        /* Another process created it first (parallel writers racing). */
        rsf_lock(f, 0);
        return size < 0 ? (int)size : rsf_open_existing(f);
    }
    uint8_t b[RSF_SOS_BYTES + RSF_EOS_BYTES];
    rsf_seginfo info = {RSF_SOS_BYTES, RSF_SOS_BYTES + RSF_EOS_BYTES, 0, 0};
    rsf_sos sos = rsf_make_sos(s->parallel ? 1 : RSF_EXCLUSIVE_FLAG, RSF_FST_META_WORDS, RSF_SIG_FST, info);
    rsf_put_sos(b, &sos);
    rsf_eos_lo lo = rsf_make_eos_lo(RSF_EOS_BYTES, 0);
    rsf_put_eos_lo(b + RSF_SOS_BYTES, &lo);
    rsf_eos_hi hi = rsf_make_eos_hi(RSF_EOS_BYTES, 0, info);
    rsf_put_eos_hi(b + RSF_SOS_BYTES + RSF_EOS_LO_BYTES, &hi);
    st = fst_pwrite_all(f, b, sizeof b, 0);
    int ust = rsf_lock(f, 0);
    if (st || ust) return st ? st : ust;
    memcpy(s->sig, RSF_SIG_FST, 8);
    s->flag_taken = 1;
    f->file_size = (int64_t)sizeof b;
    return FST24_OK;
}

static int rsf_flush(struct fst24_file *f) {
    if (!f->writable) return FST24_OK;
    return rsf_close_segment(f);
}

static void rsf_discard(struct fst24_file *f) {
    if (!f->bk) return;
    release_flag(f);
    free(f->bk);
    f->bk = NULL;
}

static int rsf_close(struct fst24_file *f) {
    if (!f->bk) return FST24_OK;
    int st = f->writable ? rsf_close_segment(f) : FST24_OK;
    int fst = release_flag(f);
    free(f->bk);
    f->bk = NULL;
    return st ? st : fst;
}

const fst_backend_ops fst_rsf_backend = {
    .name = "RSF",
    .open_existing = rsf_open_existing,
    .create = rsf_create,
    .append = rsf_append,
    .delete_entry = rsf_delete_entry,
    .rewrite_meta = rsf_rewrite_meta,
    .read_payload = rsf_read_payload,
    .flush = rsf_flush,
    .close = rsf_close,
    .discard = rsf_discard,
};
