/*
 * RSF backend: writing (CONTAINER.md §3.8-§3.10). Records go into a segment
 * owned by this process: a compact segment at the end of the file (exclusive
 * mode) or a reserved sparse segment (parallel mode). Closing the segment
 * writes its directory and end-of-segment record and finally rewrites its
 * start-of-segment record, which is the commit point: a crash before that
 * leaves every earlier segment intact and this one invisible.
 */
#include "container/rsf_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include "common/bytes.h"

/* pwritev loop that reports failures naming the file. */
static int pwritev_all(struct fst24_file *f, struct iovec *iov, int n, int64_t off) {
    while (n > 0) {
        ssize_t put = pwritev(f->fd, iov, n, (off_t)off);
        if (put < 0) {
            if (errno == EINTR) continue;
            return fst_error(FST24_E_IO, "%s: write at offset %lld failed: %s", f->path,
                             (long long)off, strerror(errno));
        }
        off += put;
        while (n > 0 && (size_t)put >= iov->iov_len) {
            put -= (ssize_t)iov->iov_len;
            iov++;
            n--;
        }
        if (n > 0) {
            iov->iov_base = (char *)iov->iov_base + put;
            iov->iov_len -= (size_t)put;
        }
    }
    return FST24_OK;
}

static int64_t file_end(struct fst24_file *f) {
    off_t end = lseek(f->fd, 0, SEEK_END);
    if (end < 0) return fst_error(FST24_E_IO, "%s: cannot find the end of file: %s", f->path, strerror(errno));
    return (int64_t)end;
}

/* A new segment may only follow a closed one (or a reserved sparse one):
 * the file must end with an end-of-segment high part. */
static int check_tail(struct fst24_file *f, int64_t end) {
    uint8_t b[RSF_EOS_HI_BYTES];
    if (end < RSF_SOS_BYTES + RSF_EOS_BYTES)
        return fst_error(FST24_E_CORRUPT, "%s: RSF file too short (%lld bytes) to append to", f->path,
                         (long long)end);
    int st = fst_pread_all(f, b, sizeof b, end - RSF_EOS_HI_BYTES);
    if (st) return st;
    rsf_eos_hi hi;
    rsf_get_eos_hi(b, &hi);
    if (!rsf_eos_hi_is_valid(&hi))
        return fst_error(FST24_E_CORRUPT,
                         "%s: RSF file does not end with a closed segment (byte %lld); open it with "
                         "force_write to recover", f->path, (long long)end);
    return FST24_OK;
}

/* Start a segment able to hold at least `need` more bytes of records. */
static int open_segment(struct fst24_file *f, int64_t need) {
    rsf_state *s = f->bk;
    int st = rsf_lock(f, 1);
    if (st) return st;
    int64_t start = file_end(f);
    if (start < 0) { rsf_lock(f, 0); return (int)start; }
    if ((st = check_tail(f, start))) { rsf_lock(f, 0); return st; }
    int64_t top = 0;
    uint8_t b[RSF_SOS_BYTES + RSF_EOS_LO_BYTES];
    if (s->parallel) {
        /* Room for the records, the directory, the EOS and a dummy segment. */
        int64_t want = RSF_SOS_BYTES + need + RSF_EOS_BYTES + RSF_SOS_BYTES + RSF_EOS_BYTES;
        if (want < s->seg_hint) want = s->seg_hint;
        top = rsf_sparse_top(start, want);
        uint64_t size = (uint64_t)(top - start);
        rsf_sos sos = rsf_make_open_sos(s->sig, size);
        rsf_put_sos(b, &sos);
        rsf_eos_lo lo = rsf_make_eos_lo(size - RSF_SOS_BYTES, RSF_FST_META_WORDS);
        rsf_put_eos_lo(b + RSF_SOS_BYTES, &lo);
        uint8_t h[RSF_EOS_HI_BYTES];
        rsf_eos_hi hi = rsf_make_eos_hi(size - RSF_SOS_BYTES, RSF_FST_META_WORDS,
                                        (rsf_seginfo){0, size, 0, 0});
        rsf_put_eos_hi(h, &hi);
        /* SOS first: until the high part extends the file to `top`, readers
         * see a segment reaching past the end of file and stop there. */
        st = fst_pwrite_all(f, b, sizeof b, start);
        if (!st) st = fst_pwrite_all(f, h, sizeof h, top - RSF_EOS_HI_BYTES);
    } else {
        rsf_sos sos = rsf_make_open_sos(s->sig, 0);
        rsf_put_sos(b, &sos);
        st = fst_pwrite_all(f, b, RSF_SOS_BYTES, start);
    }
    int ust = rsf_lock(f, 0);
    if (st) return st;
    if (ust) return ust;
    s->seg_open = 1;
    s->seg_start = start;
    s->seg_top = top;
    s->write_pos = start + RSF_SOS_BYTES;
    s->seg_first = f->num_entries;
    s->dir_bytes = RSF_DIR_HEAD_BYTES + RSF_EOR_BYTES;
    if (f->file_size < (top ? top : s->write_pos)) f->file_size = top ? top : s->write_pos;
    return FST24_OK;
}

/* The metadata words of entry `e` as written by this implementation:
 * RSF version 1 meta0, empty datamap, fst24 word, descriptor, JSON text. */
static void put_meta(uint8_t *p, const fst_entry *e, int deleted) {
    fst_store_le32(p, deleted ? (RSF_META0_DATA & ~0xFFu) | RSF_RT_DEL : RSF_META0_DATA);
    fst_store_le32(p + 4, 0);
    uint32_t fv = e->fst_version ? (uint32_t)e->fst_version : 1;
    uint32_t nk = e->num_search_keys ? (uint32_t)e->num_search_keys : RSF_FST_META_WORDS;
    fst_store_le32(p + 8, (fv << 24) | ((nk & 0xFF) << 16) | ((uint32_t)e->ext_meta_words & 0xFFFF));
    for (int i = 0; i < FST_DESC_WORDS; i++) fst_store_le32(p + 12 + 4 * i, e->desc[i]);
    size_t nb = 4 * (size_t)e->ext_meta_words;
    uint8_t *x = p + 4 * RSF_FST_META_WORDS;
    memset(x, 0, nb);
    if (e->ext_meta && nb) {
        size_t len = strlen(e->ext_meta);
        memcpy(x, e->ext_meta, len < nb ? len : nb - 1);
    }
}

/* Rewrite a segment's SOS so that a kill at any moment leaves a state readers
 * take for "not committed". A killed pwrite can stop at a page boundary (the
 * SOS may straddle one), so the fields are changed in steps: everything but
 * the four sizes, then vdirs, vdir and finally sseg, one aligned 32-bit word
 * at a time (such a word never straddles a page). While sseg is 0 (compact
 * segment) or vdir is 0 (parallel reservation) the old meaning holds; the
 * reader checks a segment's sizes against its end-of-segment record, which
 * catches a half-written 64-bit size (rsf_dir.c). */
static int commit_sos(struct fst24_file *f, int64_t at, const uint8_t want[RSF_SOS_BYTES]) {
    enum { SSEG = 36, VDIR = 44, VDIRS = 52, SIZES_END = 60 };
    uint8_t cur[RSF_SOS_BYTES];
    int st = fst_pread_all(f, cur, sizeof cur, at);
    if (st) return st;
    uint8_t staged[RSF_SOS_BYTES];
    memcpy(staged, want, sizeof staged);
    memcpy(staged + SSEG, cur + SSEG, SIZES_END - SSEG);
    if (memcmp(staged, cur, sizeof cur) && (st = fst_pwrite_all(f, staged, sizeof staged, at))) return st;
    static const int order[] = {VDIRS, VDIRS + 4, VDIR, VDIR + 4, SSEG, SSEG + 4};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        int w = order[i];
        if (memcmp(cur + w, want + w, 4) && (st = fst_pwrite_all(f, want + w, 4, at + w))) return st;
    }
    return FST24_OK;
}

int rsf_close_segment(struct fst24_file *f) {
    rsf_state *s = f->bk;
    if (!s->seg_open) return FST24_OK;
    int64_t n = f->num_entries - s->seg_first;
    int64_t dir_off = s->write_pos, eos_off = dir_off + s->dir_bytes;
    size_t total = (size_t)s->dir_bytes + RSF_EOS_BYTES;
    uint8_t *buf = calloc(1, total);
    if (!buf) return fst_error(FST24_E_NOMEM, "%s: out of memory for a segment directory", f->path);

    rsf_sor sor = {.rt = RSF_RT_VDIR, .rlm = 1, .zr = RSF_SOR_MARK, .rl = (uint64_t)s->dir_bytes};
    rsf_put_sor(buf, &sor);
    fst_store_le32(buf + RSF_SOR_BYTES, (uint32_t)n);
    size_t pos = RSF_DIR_HEAD_BYTES;
    for (int64_t i = s->seg_first; i < f->num_entries; i++) {
        fst_entry *e = &f->entries[i];
        uint32_t rlm = (uint32_t)e->meta_words;
        rsf_dirent d = {.wa = (uint64_t)(e->record_offset - s->seg_start), .rl = (uint64_t)e->record_bytes,
                        .entry_offset = 0, .ml = (rlm << 16) | rlm, .dul = 0};
        rsf_put_dirent(buf + pos, &d);
        put_meta(buf + pos + RSF_DIRENT_BYTES, e, (e->flags & FST_ENTRY_DELETED) != 0);
        e->bk_b = dir_off + (int64_t)pos;
        pos += RSF_DIRENT_BYTES + 4 * (size_t)rlm;
    }
    rsf_eor eor = {.rl = (uint64_t)s->dir_bytes, .rt = RSF_RT_VDIR, .rlm = 1, .zr = RSF_EOR_MARK};
    rsf_put_eor(buf + pos, &eor);
    pos += RSF_EOR_BYTES;

    rsf_seginfo info = {.seg = (uint64_t)(eos_off - s->seg_start),
                        .sseg = (uint64_t)(eos_off - s->seg_start) + RSF_EOS_BYTES,
                        .vdir = (uint64_t)(dir_off - s->seg_start), .vdirs = (uint64_t)s->dir_bytes};
    rsf_eos_lo lo = rsf_make_eos_lo(RSF_EOS_BYTES, RSF_FST_META_WORDS);
    rsf_put_eos_lo(buf + pos, &lo);
    rsf_eos_hi hi = rsf_make_eos_hi(RSF_EOS_BYTES, RSF_FST_META_WORDS, info);
    rsf_put_eos_hi(buf + pos + RSF_EOS_LO_BYTES, &hi);

    int st = FST24_OK;
    int64_t seg_end = eos_off + RSF_EOS_BYTES;
    if (s->seg_top && s->seg_top > seg_end) {
        /* The unused rest of the reservation becomes a dummy sparse segment. */
        uint64_t rem = (uint64_t)(s->seg_top - seg_end);
        uint8_t dummy[RSF_SOS_BYTES + RSF_EOS_LO_BYTES], dh[RSF_EOS_HI_BYTES];
        rsf_sos ds = rsf_make_sos(0, 0, RSF_SIG_DUMMY, (rsf_seginfo){0, rem, 0, 0});
        rsf_put_sos(dummy, &ds);
        rsf_eos_lo dl = rsf_make_eos_lo(rem - RSF_SOS_BYTES, 0);
        rsf_put_eos_lo(dummy + RSF_SOS_BYTES, &dl);
        rsf_eos_hi dhi = rsf_make_eos_hi(rem - RSF_SOS_BYTES, 0, (rsf_seginfo){0, rem, 0, 0});
        rsf_put_eos_hi(dh, &dhi);
        st = fst_pwrite_all(f, dummy, sizeof dummy, seg_end);
        if (!st) st = fst_pwrite_all(f, dh, sizeof dh, s->seg_top - RSF_EOS_HI_BYTES);
    }
    if (!st) st = fst_pwrite_all(f, buf, total, dir_off);
    free(buf);
    if (st) return st;
    /* Commit point: the rewritten SOS makes the segment visible. */
    uint8_t b[RSF_SOS_BYTES];
    rsf_sos sos = rsf_make_sos(0, RSF_FST_META_WORDS, s->sig, info);
    rsf_put_sos(b, &sos);
    if ((st = commit_sos(f, s->seg_start, b))) return st;
    s->seg_open = 0;
    if (f->file_size < seg_end) f->file_size = seg_end;
    f->num_pages++;
    return FST24_OK;
}

int rsf_append(struct fst24_file *f, fst_entry *e, const uint32_t *payload, size_t nwords,
               const char *ext_meta) {
    rsf_state *s = f->bk;
    if (!f->writable) return fst_error(FST24_E_READONLY, "%s: file is open read-only", f->path);
    size_t elen = ext_meta ? strlen(ext_meta) : 0;
    uint64_t ext_words = elen ? (elen + 1 + 3) / 4 : 0;
    if (RSF_FST_META_WORDS + ext_words > 0xFFFF)
        return fst_error(FST24_E_LIMIT, "%s: extended metadata of %zu bytes exceeds the RSF limit of "
                         "%d bytes", f->path, elen, 4 * (0xFFFF - RSF_FST_META_WORDS) - 1);
    if (nwords > ((uint64_t)1 << 46))
        return fst_error(FST24_E_LIMIT, "%s: payload of %zu words too large", f->path, nwords);
    uint32_t rlm = RSF_FST_META_WORDS + (uint32_t)ext_words;
    int64_t rl = RSF_RECORD_OVERHEAD + 4 * (int64_t)rlm + 4 * (int64_t)nwords;
    int64_t entry_bytes = RSF_DIRENT_BYTES + 4 * (int64_t)rlm;
    int st;
    if (s->seg_open && s->seg_top &&
        s->write_pos + rl + s->dir_bytes + entry_bytes + RSF_EOS_BYTES + RSF_SOS_BYTES + RSF_EOS_BYTES >
            s->seg_top) {
        if ((st = rsf_close_segment(f))) return st;
    }
    if (!s->seg_open && (st = open_segment(f, rl + RSF_DIR_HEAD_BYTES + RSF_EOR_BYTES + entry_bytes)))
        return st;

    e->ext_meta_words = (int32_t)ext_words;
    e->fst_version = 1;
    e->num_search_keys = RSF_FST_META_WORDS;
    e->meta_words = (int32_t)rlm;
    if (elen && !e->ext_meta) {
        e->ext_meta = strdup(ext_meta);
        f->entries_own_text = 1;
        if (!e->ext_meta) return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
    }
    size_t hbytes = RSF_SOR_BYTES + 4 * (size_t)rlm;
    uint8_t *head = malloc(hbytes);
    if (!head) return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
    rsf_sor sor = {.rt = RSF_RT_DATA, .rlm = rlm, .zr = RSF_SOR_MARK, .rl = (uint64_t)rl, .rlmd = rlm,
                   .ubc = 0, .dul = 4};
    rsf_put_sor(head, &sor);
    put_meta(head + RSF_SOR_BYTES, e, 0);
    uint8_t tail[RSF_EOR_BYTES];
    rsf_eor eor = {.rl = (uint64_t)rl, .rt = RSF_RT_DATA, .rlm = rlm, .zr = RSF_EOR_MARK};
    rsf_put_eor(tail, &eor);

    const void *body = payload;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    uint32_t *swapped = malloc(nwords ? 4 * nwords : 1);
    if (!swapped) { free(head); return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path); }
    for (size_t i = 0; i < nwords; i++) fst_store_le32(swapped + i, payload[i]);
    body = swapped;
#endif
    struct iovec iov[3] = {{head, hbytes}, {(void *)body, 4 * nwords}, {tail, sizeof tail}};
    st = pwritev_all(f, iov, 3, s->write_pos);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    free(swapped);
#endif
    free(head);
    if (st) return st;

    int64_t idx = f->num_entries;
    e->record_offset = s->write_pos;
    e->record_bytes = rl;
    e->payload_offset = s->write_pos + (int64_t)hbytes;
    e->payload_bytes = 4 * (int64_t)nwords;
    e->file_index = (int32_t)idx;
    e->key = rsf_key(f, idx);
    e->bk_a = s->seg_start;
    e->bk_b = -1; /* directory entry not on disk until the segment closes */
    s->write_pos += rl;
    s->dir_bytes += entry_bytes;
    if (f->file_size < s->write_pos) f->file_size = s->write_pos;
    return FST24_OK;
}

/* Check that a record's SOR is where the entry says and return its bytes. */
static int read_sor(struct fst24_file *f, const fst_entry *e, uint8_t b[RSF_SOR_BYTES], rsf_sor *sor) {
    int st = fst_pread_all(f, b, RSF_SOR_BYTES, e->record_offset);
    if (st) return st;
    rsf_get_sor(b, sor);
    if (sor->zr != RSF_SOR_MARK || sor->rl != (uint64_t)e->record_bytes || sor->rlm != (unsigned)e->meta_words)
        return fst_error(FST24_E_CORRUPT,
                         "%s: record %d (offset %lld): start-of-record does not match the directory "
                         "(rl %llu vs %lld, rlm %u vs %d)", f->path, e->file_index,
                         (long long)e->record_offset, (unsigned long long)sor->rl,
                         (long long)e->record_bytes, sor->rlm, e->meta_words);
    return FST24_OK;
}

int rsf_delete_entry(struct fst24_file *f, int64_t idx) {
    if (!f->writable) return fst_error(FST24_E_READONLY, "%s: file is open read-only", f->path);
    if (idx < 0 || idx >= f->num_entries)
        return fst_error(FST24_E_NO_RECORD, "%s: no directory entry %lld", f->path, (long long)idx);
    fst_entry *e = &f->entries[idx];
    if (e->flags & FST_ENTRY_DELETED) return FST24_OK;
    uint8_t b[RSF_SOR_BYTES];
    rsf_sor sor;
    int st = read_sor(f, e, b, &sor);
    if (st) return st;
    /* Record type byte 0x80 in the SOR; the EOR keeps its type (as librmn). */
    uint8_t del = RSF_RT_DEL;
    if ((st = fst_pwrite_all(f, &del, 1, e->record_offset))) return st;
    /* An entry of a closed segment: flag meta0 in the directory on disk. Its
     * `wa` stays segment-relative (librmn writes an absolute offset here). An
     * entry of the open segment gets the flag when the directory is written. */
    if (e->bk_b >= 0) st = fst_pwrite_all(f, &del, 1, e->bk_b + RSF_DIRENT_BYTES);
    return st;
}

int rsf_rewrite_meta(struct fst24_file *f, int64_t idx) {
    if (!f->writable) return fst_error(FST24_E_READONLY, "%s: file is open read-only", f->path);
    if (idx < 0 || idx >= f->num_entries)
        return fst_error(FST24_E_NO_RECORD, "%s: no directory entry %lld", f->path, (long long)idx);
    fst_entry *e = &f->entries[idx];
    uint8_t b[RSF_SOR_BYTES];
    rsf_sor sor;
    int st = read_sor(f, e, b, &sor);
    if (st) return st;
    uint8_t desc[4 * FST_DESC_WORDS];
    for (int i = 0; i < FST_DESC_WORDS; i++) fst_store_le32(desc + 4 * i, e->desc[i]);
    /* Descriptor = metadata W32 3..18, in the record and in its directory entry. */
    if ((st = fst_pwrite_all(f, desc, sizeof desc, e->record_offset + RSF_SOR_BYTES + 12))) return st;
    if (e->bk_b >= 0) st = fst_pwrite_all(f, desc, sizeof desc, e->bk_b + RSF_DIRENT_BYTES + 12);
    return st;
}

int rsf_read_payload(struct fst24_file *f, const fst_entry *e, uint32_t *words, size_t nwords) {
    if (e->payload_bytes < 0 || nwords > (uint64_t)e->payload_bytes / 4)
        return fst_error(FST24_E_INVALID, "%s: record %d: %zu payload words requested, %lld stored",
                         f->path, e->file_index, nwords, (long long)(e->payload_bytes / 4));
    uint8_t b[RSF_SOR_BYTES];
    rsf_sor sor;
    int st = read_sor(f, e, b, &sor);
    if (st) return st;
    /* A record deleted by a writer of this file after the caller found it. */
    if (sor.rt == RSF_RT_DEL)
        return fst_error(FST24_E_NO_RECORD, "%s: record %d (offset %lld) has been deleted",
                         f->path, e->file_index, (long long)e->record_offset);
    if (sor.rt != RSF_RT_DATA)
        return fst_error(FST24_E_CORRUPT, "%s: record %d (offset %lld) has record type %u, not data",
                         f->path, e->file_index, (long long)e->record_offset, sor.rt);
    if ((st = fst_pread_all(f, words, 4 * nwords, e->payload_offset))) return st;
    fst_le32_to_host(words, nwords);
    return FST24_OK;
}
