/*
 * RSF backend: reading the segment directories of a file (docs/format/rsf.md#rsf-segments,
 * docs/format/rsf.md#rsf-directory) and salvaging the unfinished segment a crashed writer left behind.
 */
#include "container/rsf_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/bytes.h"

/* Copy the NUL-terminated JSON text of `words` W32 (little-endian bytes). */
static char *ext_text(const uint8_t *bytes, size_t words) {
    size_t max = 4 * words, len = 0;
    while (len < max && bytes[len]) len++;
    if (len == 0) return NULL;
    char *s = malloc(len + 1);
    if (!s) return NULL;
    memcpy(s, bytes, len);
    s[len] = '\0';
    return s;
}

int fst_rsf_entry_from_meta(struct fst24_file *f, fst_entry *e, const uint32_t *meta, size_t n) {
    rsf_fst_meta m;
    if (fst_rsf_parse_fst_meta(meta, n, &m)) return 1;
    memcpy(e->desc, meta + 3, sizeof e->desc);
    e->fst_version = (int32_t)m.fst_version;
    e->num_search_keys = (int32_t)m.num_search_keys;
    e->ext_meta_words = (int32_t)m.ext_words;
    if (m.ext_words && RSF_FST_META_WORDS + (size_t)m.ext_words <= n) {
        /* The words are host order here; the text is bytes in file order. */
        size_t nb = 4 * (size_t)m.ext_words;
        uint8_t *tmp = malloc(nb);
        if (!tmp) return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
        for (size_t i = 0; i < m.ext_words; i++) fst_store_le32(tmp + 4 * i, meta[RSF_FST_META_WORDS + i]);
        e->ext_meta = ext_text(tmp, m.ext_words);
        f->entries_own_text = 1;
        free(tmp);
    }
    return 0;
}

static int corrupt(struct fst24_file *f, const char *what, int64_t off) {
    return fst_error(FST24_E_CORRUPT, "%s: RSF %s at byte offset %lld", f->path, what, (long long)off);
}

/* Append one directory entry (already bounds-checked) to f->entries. */
static int add_dir_entry(struct fst24_file *f, int64_t seg, const rsf_sos *sos, const uint8_t *p, int64_t entry_off,
                         int *unsupported) {
    rsf_dirent d;
    fst_rsf_get_dirent(p, &d);
    unsigned dir_meta = rsf_dir_meta_words(d.ml), rec_meta = d.ml & 0xFFFFu;
    uint32_t small[64]; /* FST metadata (19 words) and short JSON texts: no allocation per entry */
    const uint32_t *meta;
    uint32_t *copy = NULL;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* The words are little-endian, as the host's: read in place (the window is malloc'd and
     * entries are whole words, so aligned), not copied: a 50,000-record open reads 5 MB. */
    typedef uint32_t __attribute__((may_alias)) word_alias;
    if ((((uintptr_t)p) & 3) == 0)
        meta = (const word_alias *)(const void *)(p + RSF_DIRENT_BYTES);
    else
#endif
    {
        copy = dir_meta <= 64 ? small : malloc((size_t)dir_meta * 4);
        if (!copy) return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
        for (unsigned i = 0; i < dir_meta; i++) copy[i] = fst_load_le32(p + RSF_DIRENT_BYTES + 4 * i);
        meta = copy;
    }

    fst_entry *e = fst_file_new_entry(f);
    if (!e) {
        if (copy != small) free(copy);
        return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
    }
    int64_t idx = f->num_entries;
    e->file_index = (int32_t)idx;
    e->key = rsf_key(f, idx);
    e->record_bytes = (int64_t)d.rl;
    e->meta_words = (int32_t)rec_meta;
    e->bk_a = seg;
    e->bk_b = entry_off;
    /* A deleted entry's wa may hold an absolute offset (librmn quirk, docs/format/rsf.md#rsf-delete):
     * never dereference it; keep the most plausible offset for information. */
    if (d.wa < sos->s.sseg)
        e->record_offset = seg + (int64_t)d.wa;
    else
        e->record_offset = d.wa <= (uint64_t)INT64_MAX ? (int64_t)d.wa : -1;
    int deleted = dir_meta == 0 || (meta[0] & 0xFF) == RSF_RT_DEL;
    int bad = fst_rsf_entry_from_meta(f, e, meta, dir_meta);
    if (copy != small) free(copy);
    if (bad < 0) return bad;
    if (!deleted && !bad) {
        if (d.wa < RSF_SOS_BYTES || d.rl < (uint64_t)RSF_RECORD_OVERHEAD + 4u * rec_meta || d.wa > sos->s.sseg ||
            d.rl > sos->s.sseg - d.wa || rec_meta < RSF_FST_META_WORDS || (d.rl & 3)) {
            free(e->ext_meta); /* the slot is not counted: nobody else frees it */
            e->ext_meta = NULL;
            return corrupt(f, "directory entry pointing outside its segment", entry_off);
        }
        e->payload_offset = e->record_offset + RSF_SOR_BYTES + 4 * (int64_t)rec_meta;
        e->payload_bytes = (int64_t)d.rl - RSF_RECORD_OVERHEAD - 4 * (int64_t)rec_meta;
        /* A directory copy shorter than the record's metadata (never written by
         * FST, allowed by RSF): take the JSON text from the record itself. */
        size_t ew = (size_t)e->ext_meta_words;
        if (ew && !e->ext_meta && RSF_FST_META_WORDS + ew <= rec_meta) {
            uint8_t *x = malloc(4 * ew);
            if (!x) return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
            int st = fst_pread_all(f, x, 4 * ew, e->record_offset + RSF_SOR_BYTES + 4 * RSF_FST_META_WORDS);
            if (!st) e->ext_meta = ext_text(x, ew);
            f->entries_own_text = 1;
            free(x);
            if (st) return st; /* e->ext_meta is still NULL here */
        }
    }
    if (bad && !deleted) (*unsupported)++;
    if (deleted || bad) {
        e->flags |= FST_ENTRY_DELETED;
        f->num_deleted++;
    }
    f->num_entries++;
    return FST24_OK;
}

/* The directory of a segment is read through a window of at most DIR_WINDOW
 * bytes, not as one allocation of its whole size (5 MB for 50,000 records:
 * fresh pages to fault in at every open). */
#define DIR_WINDOW ((size_t)256 << 10)

typedef struct dir_window {
    uint8_t *buf;
    size_t cap;    /* bytes allocated */
    uint64_t base; /* directory offset of buf[0] */
    size_t filled; /* bytes of the directory in buf */
} dir_window;

/* Make directory bytes [pos, pos + len) available in w (pos + len <= size). */
static int window_at(struct fst24_file *f, dir_window *w, int64_t doff, uint64_t size, uint64_t pos, size_t len) {
    if (pos >= w->base && pos + len <= w->base + w->filled) return FST24_OK;
    if (len > w->cap) {
        uint8_t *b = realloc(w->buf, len);
        if (!b) return fst_error(FST24_E_NOMEM, "%s: cannot allocate %zu bytes for a directory entry", f->path, len);
        w->buf = b;
        w->cap = len;
    }
    size_t n = size - pos < w->cap ? (size_t)(size - pos) : w->cap;
    int st = fst_pread_all(f, w->buf, n, doff + (int64_t)pos);
    if (st) return st;
    w->base = pos;
    w->filled = n;
    return FST24_OK;
}

/* Read the directory record of one closed segment and append its entries. */
static int load_segment_dir(struct fst24_file *f, int64_t seg, const rsf_sos *sos, int *unsupported) {
    int64_t doff = seg + (int64_t)sos->s.vdir;
    uint64_t size = sos->s.vdirs;
    if (sos->s.vdir > sos->s.sseg || size > sos->s.sseg - sos->s.vdir || size < RSF_DIR_HEAD_BYTES + RSF_EOR_BYTES)
        return corrupt(f, "segment directory outside its segment", seg);
    dir_window w = {NULL, size < DIR_WINDOW ? (size_t)size : DIR_WINDOW, 0, 0};
    w.buf = malloc(w.cap);
    if (!w.buf) return fst_error(FST24_E_NOMEM, "%s: cannot allocate %zu bytes for a directory", f->path, w.cap);
    int st = fst_pread_all(f, w.buf, w.cap, doff);
    if (st) {
        free(w.buf);
        return st;
    }
    w.filled = w.cap;
    rsf_sor sor;
    fst_rsf_get_sor(w.buf, &sor);
    if (sor.rt != RSF_RT_VDIR || sor.zr != RSF_SOR_MARK || sor.rl != size) {
        free(w.buf);
        return corrupt(f, "bad directory record header", doff);
    }
    uint32_t count = fst_load_le32(w.buf + RSF_SOR_BYTES);
    uint64_t pos = RSF_DIR_HEAD_BYTES, end = size - RSF_EOR_BYTES;
    /* every entry takes at least RSF_DIRENT_BYTES: a damaged count reserves no more than fits */
    uint64_t fits = (end - pos) / RSF_DIRENT_BYTES;
    st = fst_file_reserve_entries(f, f->num_entries + (int64_t)(count < fits ? count : fits));
    for (uint32_t i = 0; i < count && st == FST24_OK; i++) {
        if (end - pos < RSF_DIRENT_BYTES) {
            st = corrupt(f, "truncated directory entry", doff + (int64_t)pos);
            break;
        }
        if ((st = window_at(f, &w, doff, size, pos, RSF_DIRENT_BYTES))) break;
        uint32_t ml = fst_load_le32(w.buf + (pos - w.base) + 24);
        size_t len = RSF_DIRENT_BYTES + 4 * (size_t)rsf_dir_meta_words(ml);
        if (end - pos < len) {
            st = corrupt(f, "truncated directory entry", doff + (int64_t)pos);
            break;
        }
        if ((st = window_at(f, &w, doff, size, pos, len))) break;
        st = add_dir_entry(f, seg, sos, w.buf + (pos - w.base), doff + (int64_t)pos, unsupported);
        pos += len;
    }
    free(w.buf);
    if (st == FST24_OK) f->num_pages++;
    return st;
}

/* Is a segment's SOS consistent with its end-of-segment record? 1 yes, 0 no
 * (a commit torn by a kill: a write can stop at a page boundary inside the
 * SOS), < 0 I/O error. With a directory, the EOS after it must carry the same
 * sizes; a parallel segment whose sseg still spans its whole reservation is
 * the state between the last two commit steps (rsf_write.c) and is accepted.
 * Without one, the EOS at the segment's end must not announce a directory. */
static int sizes_committed(struct fst24_file *f, int64_t off, int64_t size, const rsf_sos *sos) {
    uint64_t left = (uint64_t)(size - off);
    int has_dir = sos->s.vdir > 0 && sos->s.vdirs > 0;
    if (!has_dir && (sos->s.vdir > 0 || sos->s.vdirs > 0)) return 0; /* half of the pair written */
    uint64_t at; /* where the EOS high part is, from the segment start */
    if (has_dir) {
        if (sos->s.seg < RSF_SOS_BYTES || sos->s.seg > left || left - sos->s.seg < RSF_EOS_BYTES) return 0;
        at = sos->s.seg + RSF_EOS_LO_BYTES;
    } else {
        if (sos->s.sseg < RSF_SOS_BYTES + RSF_EOS_BYTES || sos->s.sseg > left)
            return 1; /* a reservation still being made, or damage reported later */
        at = sos->s.sseg - RSF_EOS_HI_BYTES;
    }
    uint8_t b[RSF_EOS_HI_BYTES];
    int st = fst_pread_all(f, b, sizeof b, off + (int64_t)at);
    if (st) return st;
    rsf_eos_hi hi;
    fst_rsf_get_eos_hi(b, &hi);
    int valid = fst_rsf_eos_hi_is_valid(&hi);
    if (!has_dir) return !(valid && hi.s.vdir > 0 && hi.s.vdirs > 0);
    if (!valid || hi.s.seg != sos->s.seg || hi.s.vdir != sos->s.vdir || hi.s.vdirs != sos->s.vdirs) return 0;
    return hi.s.sseg == sos->s.sseg || (sos->s.sseg > hi.s.sseg && sos->s.sseg <= left);
}

/* Does a valid start-of-segment follow at off + sseg? */
static int segment_follows(struct fst24_file *f, int64_t off, int64_t size, const rsf_sos *sos) {
    uint64_t left = (uint64_t)(size - off);
    if (sos->s.sseg < RSF_SOS_BYTES || sos->s.sseg > left || left - sos->s.sseg < RSF_SOS_BYTES) return 0;
    uint8_t b[RSF_SOS_BYTES];
    if (fst_pread_all(f, b, sizeof b, off + (int64_t)sos->s.sseg)) return 0;
    rsf_sos next;
    fst_rsf_get_sos(b, &next);
    return fst_rsf_sos_is_valid(&next);
}

int fst_rsf_load_directory(struct fst24_file *f, int64_t size, rsf_walk *w) {
    int64_t off = 0;
    int unsupported = 0;
    w->open_seg = -1;
    w->last_seg = 0;
    w->cut = 0;
    while (size - off >= RSF_SOS_BYTES) {
        uint8_t b[RSF_SOS_BYTES];
        int st = fst_pread_all(f, b, sizeof b, off);
        if (st) return st;
        rsf_sos sos;
        fst_rsf_get_sos(b, &sos);
        if (sos.sor.rt != RSF_RT_SOS || sos.sor.zr != RSF_SOR_MARK) return corrupt(f, "start-of-segment expected", off);
        w->last_seg = off;
        if (sos.s.sseg == 0) {
            w->open_seg = off;
            break;
        } /* unfinished: it and what follows is invisible */
        if (sos.s.sseg < RSF_SOS_BYTES) return corrupt(f, "segment shorter than its header", off);
        if (sos.s.vdir > 0 && sos.s.vdirs > 0 && sos.s.sseg > (uint64_t)(size - off)) {
            /* A closed segment the end of the file cuts short: its directory is lost. */
            w->open_seg = off;
            w->cut = 1;
            break;
        }
        int ok = sizes_committed(f, off, size, &sos);
        if (ok < 0) return ok;
        if (!ok) {
            /* A commit cut short by a kill: the records were never committed. At
             * the end of the file it is the unfinished segment; between the
             * segments of parallel writers it is skipped. */
            int last = !segment_follows(f, off, size, &sos);
            f->recovered = 1;
            snprintf(f->warning, sizeof f->warning,
                     "segment at byte %lld: its start and end records disagree (a writer was killed "
                     "while closing it, or the file is damaged); its records are not visible%s",
                     (long long)off, last ? " (force_write or fst24 repair salvages them)" : "");
            if (last) {
                w->open_seg = off;
                break;
            }
            off += (int64_t)sos.s.sseg;
            continue;
        }
        if (sos.s.vdir > 0 && sos.s.vdirs > 0) {
            st = load_segment_dir(f, off, &sos, &unsupported);
            if (st) return st;
        }
        if (sos.s.sseg > (uint64_t)INT64_MAX - (uint64_t)off) return corrupt(f, "segment size overflow", off);
        off += (int64_t)sos.s.sseg;
    }
    w->end = off;
    if (unsupported)
        snprintf(f->warning, sizeof f->warning,
                 "%d RSF records with an unsupported metadata version or type were skipped", unsupported);
    return FST24_OK;
}

/* Is there a complete, well-formed FST data record at `pos`? Fills sor/meta. */
static int salvage_record_ok(struct fst24_file *f, int64_t pos, int64_t size, rsf_sor *sor, uint32_t **meta) {
    uint8_t b[RSF_SOR_BYTES];
    *meta = NULL;
    if (size - pos < RSF_SOR_BYTES || fst_pread_all(f, b, sizeof b, pos)) return 0;
    fst_rsf_get_sor(b, sor);
    if ((sor->rt != RSF_RT_DATA && sor->rt != RSF_RT_DEL) || sor->zr != RSF_SOR_MARK || sor->rlm < RSF_FST_META_WORDS ||
        (sor->rl & 3) || sor->rl < (uint64_t)RSF_RECORD_OVERHEAD + 4u * sor->rlm || sor->rl > (uint64_t)(size - pos))
        return 0;
    uint8_t eb[RSF_EOR_BYTES];
    rsf_eor eor;
    if (fst_pread_all(f, eb, sizeof eb, pos + (int64_t)sor->rl - RSF_EOR_BYTES)) return 0;
    fst_rsf_get_eor(eb, &eor);
    if (eor.zr != RSF_EOR_MARK || eor.rl != sor->rl) return 0;
    uint32_t *m = malloc(4 * (size_t)sor->rlm);
    if (!m) return 0;
    if (fst_pread_all(f, m, 4 * (size_t)sor->rlm, pos + RSF_SOR_BYTES)) {
        free(m);
        return 0;
    }
    fst_le32_to_host(m, sor->rlm);
    rsf_fst_meta fm;
    if (fst_rsf_parse_fst_meta(m, sor->rlm, &fm) || RSF_FST_META_WORDS + fm.ext_words != sor->rlm) {
        free(m);
        return 0;
    }
    *meta = m;
    return 1;
}

int fst_rsf_salvage_segment(struct fst24_file *f, int64_t seg, int64_t size) {
    rsf_state *s = f->bk;
    int64_t pos = seg + RSF_SOS_BYTES, kept = 0;
    if (size - seg < RSF_SOS_BYTES) pos = seg; /* torn SOS: drop it too */
    s->seg_first = f->num_entries;
    s->dir_bytes = RSF_DIR_HEAD_BYTES + RSF_EOR_BYTES;
    if (pos > seg) {
        /* A torn commit left sizes in the SOS: back to "open" before writing again. */
        uint8_t b[RSF_SOS_BYTES];
        int st = fst_pread_all(f, b, sizeof b, seg);
        if (st) return st;
        rsf_sos cur;
        fst_rsf_get_sos(b, &cur);
        if (cur.s.sseg || cur.s.vdir || cur.s.vdirs || cur.s.seg) {
            rsf_sos open = fst_rsf_make_open_sos(cur.sig, 0);
            fst_rsf_put_sos(b, &open);
            if ((st = fst_pwrite_all(f, b, sizeof b, seg))) return st;
        }
        rsf_sor sor;
        uint32_t *meta;
        while (salvage_record_ok(f, pos, size, &sor, &meta)) {
            fst_entry *e = fst_file_new_entry(f);
            if (!e) {
                free(meta);
                return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
            }
            int64_t idx = f->num_entries;
            e->file_index = (int32_t)idx;
            e->key = rsf_key(f, idx);
            e->record_offset = pos;
            e->record_bytes = (int64_t)sor.rl;
            e->meta_words = (int32_t)sor.rlm;
            e->payload_offset = pos + RSF_SOR_BYTES + 4 * (int64_t)sor.rlm;
            e->payload_bytes = (int64_t)sor.rl - RSF_RECORD_OVERHEAD - 4 * (int64_t)sor.rlm;
            e->bk_a = seg;
            e->bk_b = -1;
            int st = fst_rsf_entry_from_meta(f, e, meta, sor.rlm);
            free(meta);
            if (st < 0) return st;
            if (sor.rt == RSF_RT_DEL) {
                e->flags |= FST_ENTRY_DELETED;
                f->num_deleted++;
            }
            f->num_entries++;
            s->dir_bytes += RSF_DIRENT_BYTES + 4 * (int64_t)sor.rlm;
            pos += (int64_t)sor.rl;
            kept++;
        }
    }
    if (ftruncate(f->fd, pos) != 0)
        return fst_error(FST24_E_IO, "%s: cannot truncate the unfinished segment at %lld", f->path, (long long)pos);
    f->file_size = pos;
    f->recovered = 1;
    snprintf(f->warning, sizeof f->warning,
             "unfinished RSF segment at byte %lld (crashed writer): %lld complete records kept, "
             "%lld trailing bytes dropped",
             (long long)seg, (long long)kept, (long long)(size - pos));
    if (pos > seg) {
        s->seg_open = 1;
        s->seg_start = seg;
        s->seg_top = 0;
        s->write_pos = pos;
    }
    return FST24_OK;
}
