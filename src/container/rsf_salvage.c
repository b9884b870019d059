/*
 * RSF repair: find every recoverable record of a damaged RSF file.
 *
 * Every RSF structure is a record framed by a start-of-record (type, marker
 * 0xFE, length) and an end-of-record (same length, marker 0xFF), and a data
 * record carries its full metadata; deletion and metadata edits change the
 * record itself (CONTAINER.md §3.9). So a linear walk over the file finds every
 * complete data record, whether a directory lists it or not (segments cut
 * short, never closed, or with a damaged directory): start-of-segment,
 * directory and end-of-segment records are stepped over, the holes of sparse
 * segments skipped, and damaged stretches passed by scanning for the next
 * well-framed structure. Records go to f->entries in file order.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/bytes.h"
#include "container/rsf_internal.h"

enum { RSF_EOS_LO_SIGN_AT = RSF_SOR_BYTES };

/* Kinds of structure the walk recognises at a position. */
typedef enum { S_NONE, S_SOS, S_DATA, S_SKIP, S_EOS_HI } structure;

/* Is a framed record of `rl` bytes at `pos` closed by a matching end-of-record? */
static int framed(struct fst24_file *f, int64_t pos, uint64_t rl, unsigned rt, int64_t size) {
    if (rl < RSF_RECORD_OVERHEAD || (rl & 3) || rl > (uint64_t)(size - pos)) return 0;
    uint8_t b[RSF_EOR_BYTES];
    if (fst_pread_all(f, b, sizeof b, pos + (int64_t)rl - RSF_EOR_BYTES)) return 0;
    rsf_eor eor;
    rsf_get_eor(b, &eor);
    /* A deleted record keeps data type in its end-of-record. */
    return eor.zr == RSF_EOR_MARK && eor.rl == rl && (eor.rt == rt || (rt == RSF_RT_DEL && eor.rt == RSF_RT_DATA));
}

/* What starts at `pos` (`b` holds up to 72 bytes from there), and its length. */
static structure structure_at(struct fst24_file *f, const uint8_t *b, size_t have, int64_t pos, int64_t size,
                              int64_t *len) {
    *len = 0;
    if (have >= RSF_EOS_HI_BYTES && fst_load_le32(b) == RSF_EOS_HI_SIGN) {
        rsf_eos_hi hi;
        rsf_get_eos_hi(b, &hi);
        if (rsf_eos_hi_is_valid(&hi)) { *len = RSF_EOS_HI_BYTES; return S_EOS_HI; }
    }
    if (have < RSF_SOR_BYTES) return S_NONE;
    rsf_sor sor;
    rsf_get_sor(b, &sor);
    if (sor.zr != RSF_SOR_MARK) return S_NONE;
    if (sor.rt == RSF_RT_SOS) {
        if (have < RSF_SOS_BYTES) return S_NONE;
        rsf_sos sos;
        rsf_get_sos(b, &sos);
        if (!rsf_sos_is_valid(&sos)) return S_NONE;
        *len = RSF_SOS_BYTES;
        return S_SOS;
    }
    if (sor.rt == RSF_RT_DATA || sor.rt == RSF_RT_DEL) {
        if (!framed(f, pos, sor.rl, sor.rt, size)) return S_NONE;
        *len = (int64_t)sor.rl;
        return S_DATA;
    }
    if (sor.rt == RSF_RT_EOS) {
        /* Low part: its length reaches the end of the segment (high part included). */
        if (have < RSF_EOS_LO_BYTES || fst_load_le32(b + RSF_EOS_LO_SIGN_AT) != RSF_EOS_LO_SIGN) return S_NONE;
        if (sor.rl < RSF_EOS_BYTES || sor.rl > (uint64_t)(size - pos)) return S_NONE;
        *len = (int64_t)sor.rl;
        return S_SKIP;
    }
    if (sor.rt == RSF_RT_VDIR || sor.rt == RSF_RT_XDAT || sor.rt == RSF_RT_FILE || sor.rt == RSF_RT_NULL) {
        if (!framed(f, pos, sor.rl, sor.rt, size)) return S_NONE;
        *len = (int64_t)sor.rl;
        return S_SKIP;
    }
    return S_NONE;
}

/* Take the data record at `pos` (framing already checked). */
static int take_record(struct fst24_file *f, fst_salvage *s, int64_t pos, const uint8_t *b) {
    rsf_sor sor;
    rsf_get_sor(b, &sor);
    if (sor.rt == RSF_RT_DEL) { s->deleted++; return FST24_OK; }
    if (sor.rlm < RSF_FST_META_WORDS || sor.rl < (uint64_t)RSF_RECORD_OVERHEAD + 4u * sor.rlm) {
        fst_salvage_note(s, "record at byte %lld: %u metadata words do not fit an FST record: skipped",
                         (long long)pos, sor.rlm);
        s->skipped++;
        return FST24_OK;
    }
    uint32_t *meta = malloc(4 * (size_t)sor.rlm);
    if (!meta) return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
    int st = fst_pread_all(f, meta, 4 * (size_t)sor.rlm, pos + RSF_SOR_BYTES);
    if (st) { free(meta); return st; }
    fst_le32_to_host(meta, sor.rlm);
    rsf_fst_meta fm;
    const char *why = rsf_parse_fst_meta(meta, sor.rlm, &fm);
    if (!why && RSF_FST_META_WORDS + fm.ext_words != sor.rlm) why = "metadata length disagrees with its JSON length";
    if (why) {
        free(meta);
        fst_salvage_note(s, "record at byte %lld: %s: skipped", (long long)pos, why);
        s->skipped++;
        return FST24_OK;
    }
    fst_entry *e = fst_file_new_entry(f);
    if (!e) { free(meta); return FST24_E_NOMEM; }
    int64_t idx = f->num_entries;
    e->file_index = (int32_t)idx;
    e->key = rsf_key(f, idx);
    e->record_offset = pos;
    e->record_bytes = (int64_t)sor.rl;
    e->meta_words = (int32_t)sor.rlm;
    e->payload_offset = pos + RSF_SOR_BYTES + 4 * (int64_t)sor.rlm;
    e->payload_bytes = (int64_t)sor.rl - RSF_RECORD_OVERHEAD - 4 * (int64_t)sor.rlm;
    e->bk_a = -1;
    e->bk_b = -1;
    st = rsf_entry_from_meta(f, e, meta, sor.rlm);
    free(meta);
    if (st < 0) return st;
    f->num_entries++;
    s->from_scan++;
    return FST24_OK;
}

static int all_zero(const uint8_t *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (b[i]) return 0;
    return 1;
}

/* After `pos`: the next position (4-byte steps) where a structure starts, or
 * `size`. Holes are skipped with SEEK_DATA; *nonzero counts the bytes passed
 * that were not zero (zeros are holes or padding, not damage). */
static int64_t resync(struct fst24_file *f, int64_t pos, int64_t size, int64_t *nonzero, int *st) {
    enum { WINDOW = 1 << 16 };
    uint8_t *win = malloc(WINDOW + RSF_SOS_BYTES);
    *nonzero = 0;
    if (!win) { *st = fst_error(FST24_E_NOMEM, "%s: out of memory", f->path); return size; }
    int64_t at = pos + 4;
    while (at + RSF_SOR_BYTES <= size) {
        off_t data = lseek(f->fd, (off_t)at, SEEK_DATA);
        if (data < 0) break; /* no data until the end of file */
        if (data > at) at = ((int64_t)data + 3) & ~(int64_t)3;
        int64_t n = size - at < WINDOW + RSF_SOS_BYTES ? size - at : WINDOW + RSF_SOS_BYTES;
        if ((*st = fst_pread_all(f, win, (size_t)n, at))) break;
        int64_t scan = n > WINDOW ? WINDOW : n;
        for (int64_t k = 0; k < scan; k += 4) {
            int64_t len;
            if ((win[k + 3] == RSF_SOR_MARK || fst_load_le32(win + k) == RSF_EOS_HI_SIGN) &&
                structure_at(f, win + k, (size_t)(n - k), at + k, size, &len) != S_NONE) {
                *nonzero += !all_zero(win, (size_t)k) ? k : 0;
                free(win);
                return at + k;
            }
        }
        if (!all_zero(win, (size_t)scan)) *nonzero += scan;
        at += scan;
    }
    free(win);
    return size;
}

int fst_rsf_salvage(struct fst24_file *f, fst_salvage *s) {
    int64_t size = f->file_size, pos = 0;
    int st = FST24_OK;
    while (pos + RSF_SOR_BYTES <= size && !st) {
        uint8_t b[RSF_SOS_BYTES];
        size_t have = (size_t)(size - pos < RSF_SOS_BYTES ? size - pos : RSF_SOS_BYTES);
        if ((st = fst_pread_all(f, b, have, pos))) break;
        int64_t len;
        structure k = structure_at(f, b, have, pos, size, &len);
        if (k == S_DATA) st = take_record(f, s, pos, b);
        if (k != S_NONE) { pos += len; continue; }
        /* Nothing framed here: a partial record cut by the end of the file, the
         * hole of a sparse segment, or damage. */
        rsf_sor sor;
        rsf_get_sor(b, &sor);
        if ((sor.rt == RSF_RT_DATA || sor.rt == RSF_RT_DEL) && sor.zr == RSF_SOR_MARK &&
            sor.rl > (uint64_t)(size - pos) && sor.rl < ((uint64_t)1 << 48)) {
            fst_salvage_note(s, "record at byte %lld is incomplete: it needs %llu bytes, the file ends after %lld",
                             (long long)pos, (unsigned long long)sor.rl, (long long)(size - pos));
            s->skipped++;
            s->damaged_bytes += size - pos;
            break;
        }
        int64_t nonzero = 0, next = resync(f, pos, size, &nonzero, &st);
        if (st) break;
        if (nonzero) {
            fst_salvage_note(s, "bytes %lld..%lld hold no RSF structure (damaged or cut short): skipped",
                             (long long)pos, (long long)next - 1);
            s->damaged_bytes += next - pos;
        }
        pos = next;
    }
    if (!st && pos < size && size - pos < RSF_SOR_BYTES) {
        fst_salvage_note(s, "the last %lld bytes are an incomplete structure: skipped", (long long)(size - pos));
        s->damaged_bytes += size - pos;
    }
    f->num_pages = 0;
    return st;
}
