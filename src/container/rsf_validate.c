/*
 * Structural validation of an RSF file (docs/format/rsf.md#rsf-reading). Reads
 * with bounds checks only; every inconsistency is one reported problem.
 */
#include "container/validate.h"

#include <stdlib.h>
#include <string.h>
#include "common/bytes.h"
#include "common/error.h"
#include "container/rsf_checkutil.h"
#include "container/rsf_format.h"

/* One directory entry checked against the record it points to. */
static void check_entry(check_ctx *c, int64_t seg, const rsf_sos *sos, const uint8_t *p, size_t len, int64_t eoff,
                        check_set *refs) {
    rsf_dirent d;
    fst_rsf_get_dirent(p, &d);
    unsigned rec_meta = d.ml & 0xFFFFu, dir_meta = rsf_dir_meta_words(d.ml);
    (void)len;
    if (p[29] || p[30] || p[31] || d.dul != 0)
        fst_check_problem(c, "directory entry at %lld: data unit length %u or reserved bytes not zero", (long long)eoff,
                          d.dul);
    if (dir_meta > rec_meta)
        fst_check_problem(c, "directory entry at %lld: directory metadata (%u) longer than record metadata (%u)",
                          (long long)eoff, dir_meta, rec_meta);
    uint32_t meta0 = dir_meta ? fst_load_le32(p + RSF_DIRENT_BYTES) : 0;
    int deleted = (meta0 & 0xFF) == RSF_RT_DEL;
    uint64_t limit = sos->s.vdir; /* records lie between the SOS and the directory */
    int64_t rec;
    if (d.wa >= RSF_SOS_BYTES && d.wa < limit && d.rl <= limit - d.wa) {
        rec = seg + (int64_t)d.wa;
    } else if (deleted && d.wa >= (uint64_t)seg + RSF_SOS_BYTES && d.wa - (uint64_t)seg < limit &&
               d.rl <= limit - (d.wa - (uint64_t)seg)) {
        rec = (int64_t)d.wa; /* librmn's absolute offset after a deletion (docs/format/rsf.md#rsf-delete): tolerated */
    } else {
        fst_check_problem(c, "directory entry at %lld: record (wa %llu, rl %llu) outside its segment", (long long)eoff,
                          (unsigned long long)d.wa, (unsigned long long)d.rl);
        return;
    }
    fst_check_set_add(refs, rec);
    /* librmn leaves the entry's own offset there after a deletion (docs/format/rsf.md#rsf-delete). */
    if (!deleted && d.entry_offset != 0)
        fst_check_problem(c, "directory entry at %lld: entry_offset %llu, expected 0", (long long)eoff,
                          (unsigned long long)d.entry_offset);
    if (d.rl < RSF_RECORD_OVERHEAD + 4ull * rec_meta || (d.rl & 3)) {
        fst_check_problem(c, "record at %lld: length %llu too small for %u metadata words or not a multiple of 4",
                          (long long)rec, (unsigned long long)d.rl, rec_meta);
        return;
    }
    uint8_t h[RSF_SOR_BYTES], t[RSF_EOR_BYTES];
    if (fst_check_read(c, h, sizeof h, rec, "start-of-record") ||
        fst_check_read(c, t, sizeof t, rec + (int64_t)d.rl - RSF_EOR_BYTES, "end-of-record"))
        return;
    rsf_sor sor;
    rsf_eor eor;
    fst_rsf_get_sor(h, &sor);
    fst_rsf_get_eor(t, &eor);
    unsigned want_rt = deleted ? RSF_RT_DEL : (meta0 & 0xFF);
    if (sor.zr != RSF_SOR_MARK || sor.rt != want_rt || sor.rl != d.rl || sor.rlm != rec_meta || sor.rlmd != dir_meta)
        fst_check_problem(c,
                          "record at %lld: start-of-record (rt %u, zr 0x%X, rl %llu, rlm %u, rlmd %u) does not "
                          "match its directory entry (rt %u, rl %llu, rlm %u, rlmd %u)",
                          (long long)rec, sor.rt, sor.zr, (unsigned long long)sor.rl, sor.rlm, sor.rlmd, want_rt,
                          (unsigned long long)d.rl, rec_meta, dir_meta);
    /* The SOR ubc byte is not checked: librmn sometimes leaves garbage there. */
    if (sor.dul != 4)
        fst_check_problem(c, "record at %lld: data unit length %u, FST records use 4", (long long)rec, sor.dul);
    if (eor.zr != RSF_EOR_MARK || eor.rl != d.rl)
        fst_check_problem(c, "record at %lld: end-of-record (rl %llu, zr 0x%X) does not match (rl %llu)",
                          (long long)rec, (unsigned long long)eor.rl, eor.zr, (unsigned long long)d.rl);
    if (!dir_meta) return;
    uint8_t *m = malloc(4 * (size_t)dir_meta);
    if (!m) {
        fst_check_problem(c, "out of memory");
        return;
    }
    if (fst_check_read(c, m, 4 * (size_t)dir_meta, rec + RSF_SOR_BYTES, "record metadata") == 0) {
        const uint8_t *dm = p + RSF_DIRENT_BYTES;
        /* The directory may flag deletion in meta0's type; the record keeps 1. */
        if ((fst_load_le32(m) & ~0xFFu) != (meta0 & ~0xFFu) || memcmp(m + 4, dm + 4, 4 * (size_t)dir_meta - 4))
            fst_check_problem(c, "record at %lld: directory metadata differ from the record's", (long long)rec);
    }
    free(m);
    uint32_t w[RSF_FST_META_WORDS];
    size_t nw = dir_meta < RSF_FST_META_WORDS ? dir_meta : RSF_FST_META_WORDS;
    for (size_t i = 0; i < nw; i++) w[i] = fst_load_le32(p + RSF_DIRENT_BYTES + 4 * i);
    rsf_fst_meta fm;
    const char *why = fst_rsf_parse_fst_meta(w, nw, &fm);
    if (why) {
        fst_check_problem(c, "record at %lld: %s", (long long)rec, why);
        return;
    }
    if (fm.num_search_keys != RSF_FST_META_WORDS || RSF_FST_META_WORDS + fm.ext_words != rec_meta)
        fst_check_problem(c,
                          "record at %lld: fst24 word says %u search words and %u extended words, record has "
                          "%u metadata words",
                          (long long)rec, fm.num_search_keys, fm.ext_words, rec_meta);
    if (fm.ext_words && RSF_FST_META_WORDS + fm.ext_words <= dir_meta) {
        const uint8_t *x = p + RSF_DIRENT_BYTES + 4 * RSF_FST_META_WORDS;
        size_t nb = 4 * (size_t)fm.ext_words, k = 0;
        while (k < nb && x[k]) k++;
        if (k == nb)
            fst_check_problem(c, "record at %lld: extended metadata not NUL-terminated", (long long)rec);
        else
            for (size_t j = k; j < nb; j++)
                if (x[j]) {
                    fst_check_problem(c, "record at %lld: extended metadata padding not zero", (long long)rec);
                    break;
                }
    }
}

/* Directory record of a segment: header, entries, trailer. */
static void check_directory(check_ctx *c, int64_t seg, const rsf_sos *sos, check_set *refs) {
    int64_t doff = seg + (int64_t)sos->s.vdir;
    uint64_t size = sos->s.vdirs;
    if (sos->s.vdir < RSF_SOS_BYTES || sos->s.vdir + size != sos->s.seg) {
        fst_check_problem(c,
                          "segment at %lld: directory (at +%llu, %llu bytes) does not end where the "
                          "end-of-segment starts (+%llu)",
                          (long long)seg, (unsigned long long)sos->s.vdir, (unsigned long long)size,
                          (unsigned long long)sos->s.seg);
        if (sos->s.vdir < RSF_SOS_BYTES || sos->s.vdir > sos->s.sseg || size > sos->s.sseg - sos->s.vdir) return;
    }
    if (size < RSF_DIR_HEAD_BYTES + RSF_EOR_BYTES || size > (uint64_t)c->size) {
        fst_check_problem(c, "segment at %lld: impossible directory size %llu", (long long)seg,
                          (unsigned long long)size);
        return;
    }
    uint8_t *b = malloc(size);
    if (!b) {
        fst_check_problem(c, "out of memory for a directory of %llu bytes", (unsigned long long)size);
        return;
    }
    if (fst_check_read(c, b, size, doff, "directory record")) {
        free(b);
        return;
    }
    rsf_sor sor;
    rsf_eor eor;
    fst_rsf_get_sor(b, &sor);
    fst_rsf_get_eor(b + size - RSF_EOR_BYTES, &eor);
    if (sor.rt != RSF_RT_VDIR || sor.zr != RSF_SOR_MARK || sor.rl != size || sor.rlm != 1 || sor.rlmd || sor.ubc ||
        sor.dul)
        fst_check_problem(c, "directory at %lld: bad start-of-record (rt %u, zr 0x%X, rl %llu, rlm %u)",
                          (long long)doff, sor.rt, sor.zr, (unsigned long long)sor.rl, sor.rlm);
    if (eor.rt != RSF_RT_VDIR || eor.zr != RSF_EOR_MARK || eor.rl != size || eor.rlm != 1)
        fst_check_problem(c, "directory at %lld: bad end-of-record", (long long)doff);
    uint32_t count = fst_load_le32(b + RSF_SOR_BYTES);
    size_t pos = RSF_DIR_HEAD_BYTES, end = size - RSF_EOR_BYTES;
    for (uint32_t i = 0; i < count; i++) {
        if (end - pos < RSF_DIRENT_BYTES) {
            fst_check_problem(c, "directory at %lld: %u entries announced, only %u fit", (long long)doff, count, i);
            break;
        }
        size_t len = RSF_DIRENT_BYTES + 4 * (size_t)rsf_dir_meta_words(fst_load_le32(b + pos + 24));
        if (end - pos < len) {
            fst_check_problem(c, "directory at %lld: entry %u truncated", (long long)doff, i);
            break;
        }
        check_entry(c, seg, sos, b + pos, len, doff + (int64_t)pos, refs);
        pos += len;
    }
    if (pos != end && c->problems == 0)
        fst_check_problem(c, "directory at %lld: %zu unused bytes after %u entries", (long long)doff, end - pos, count);
    free(b);
}

/* Walk the records between the SOS and `stop` one by one. */
static void walk_records(check_ctx *c, int64_t seg, int64_t stop, const check_set *refs) {
    int64_t pos = seg + RSF_SOS_BYTES;
    while (pos < stop) {
        uint8_t h[RSF_SOR_BYTES], t[RSF_EOR_BYTES];
        rsf_sor sor;
        rsf_eor eor;
        if (stop - pos < RSF_RECORD_OVERHEAD || fst_check_read(c, h, sizeof h, pos, "start-of-record")) {
            fst_check_problem(c, "segment at %lld: truncated record at %lld", (long long)seg, (long long)pos);
            return;
        }
        fst_rsf_get_sor(h, &sor);
        if (sor.zr != RSF_SOR_MARK || sor.rl < RSF_RECORD_OVERHEAD || (sor.rl & 3) || sor.rl > (uint64_t)(stop - pos)) {
            fst_check_problem(c, "segment at %lld: no valid record at %lld (linear walk)", (long long)seg,
                              (long long)pos);
            return;
        }
        if (fst_check_read(c, t, sizeof t, pos + (int64_t)sor.rl - RSF_EOR_BYTES, "end-of-record")) return;
        fst_rsf_get_eor(t, &eor);
        if (eor.zr != RSF_EOR_MARK || eor.rl != sor.rl)
            fst_check_problem(c, "record at %lld: end-of-record does not match its start (linear walk)",
                              (long long)pos);
        if ((sor.rt == RSF_RT_DATA || sor.rt == RSF_RT_DEL) && !fst_check_set_has(refs, pos))
            fst_check_problem(c, "record at %lld is not listed in its segment directory", (long long)pos);
        pos += (int64_t)sor.rl;
    }
}

static void check_eos(check_ctx *c, int64_t seg, const rsf_sos *sos, int64_t lo_off, uint64_t rl) {
    uint8_t lb[RSF_EOS_LO_BYTES], hb[RSF_EOS_HI_BYTES];
    if (fst_check_read(c, lb, sizeof lb, lo_off, "end-of-segment") ||
        fst_check_read(c, hb, sizeof hb, seg + (int64_t)sos->s.sseg - RSF_EOS_HI_BYTES, "end-of-segment"))
        return;
    rsf_eos_lo lo;
    rsf_eos_hi hi;
    fst_rsf_get_eos_lo(lb, &lo);
    fst_rsf_get_eos_hi(hb, &hi);
    if (lo.sor.rt != RSF_RT_EOS || lo.sor.zr != RSF_SOR_MARK || lo.sor.rl != rl || lo.sign != RSF_EOS_LO_SIGN ||
        lo.sor.rlm != lo.sor.rlmd || lo.sor.ubc || lo.sor.dul)
        fst_check_problem(c, "segment at %lld: bad end-of-segment low part at %lld", (long long)seg, (long long)lo_off);
    if (!fst_rsf_eos_hi_is_valid(&hi) || hi.eor.rl != rl || hi.eor.rlm != lo.sor.rlm)
        fst_check_problem(c, "segment at %lld: bad end-of-segment high part", (long long)seg);
    else if (memcmp(&hi.s, &sos->s, sizeof hi.s) != 0)
        fst_check_problem(c, "segment at %lld: end-of-segment sizes differ from the start-of-segment", (long long)seg);
}

int fst_rsf_validate(const char *path, FILE *report) {
    check_ctx c;
    int st = fst_check_open(&c, path, report);
    if (st) return st;
    int64_t off = 0;
    for (int n = 0; off < c.size; n++) {
        uint8_t b[RSF_SOS_BYTES];
        if (c.size - off < RSF_SOS_BYTES) {
            fst_check_problem(&c, "%lld trailing bytes after the last segment", (long long)(c.size - off));
            break;
        }
        if (fst_check_read(&c, b, sizeof b, off, "start-of-segment")) break;
        rsf_sos sos;
        fst_rsf_get_sos(b, &sos);
        if (!fst_rsf_sos_is_valid(&sos) || sos.sign != RSF_SOS_SIGN) {
            fst_check_problem(&c, "no valid start-of-segment at byte %lld", (long long)off);
            break;
        }
        int dummy = !memcmp(sos.sig, RSF_SIG_DUMMY, 8);
        if (sos.sor.ubc || sos.sor.dul || sos.eor.rt != RSF_RT_SOS || sos.eor.rlm != 0 ||
            sos.sor.rlmd != (dummy ? 0u : (unsigned)RSF_FST_META_WORDS))
            fst_check_problem(&c,
                              "segment at %lld: unexpected start-of-segment fields (rlmd %u, ubc %u, dul %u, "
                              "end rt %u rlm %u)",
                              (long long)off, sos.sor.rlmd, sos.sor.ubc, sos.sor.dul, sos.eor.rt, sos.eor.rlm);
        if (n == 0 && memcmp(sos.sig, RSF_SIG_FST, 8))
            fst_check_problem(&c, "signature \"%.8s\" is not RSF0STDF", sos.sig);
        if (n == 0 && sos.sor.rlm)
            fst_check_problem(&c, "write flag %u set in segment 0 (file open for writing, or a writer crashed)",
                              sos.sor.rlm);
        if (!dummy && memcmp(sos.sig + 4, "STDF", 4) && memcmp(sos.sig, RSF_SIG_FST, 8))
            fst_check_problem(&c, "segment at %lld: application code \"%.4s\"", (long long)off, sos.sig + 4);
        if (sos.s.sseg == 0) {
            fst_check_problem(&c,
                              "unfinished segment at byte %lld (writer active or crashed): it and the "
                              "%lld bytes after it are invisible",
                              (long long)off, (long long)(c.size - off));
            break;
        }
        if (sos.s.sseg < RSF_SOS_BYTES + RSF_EOS_BYTES || sos.s.sseg > (uint64_t)(c.size - off)) {
            fst_check_problem(&c, "segment at %lld: size %llu impossible (file has %lld bytes left)", (long long)off,
                              (unsigned long long)sos.s.sseg, (long long)(c.size - off));
            break;
        }
        check_set refs = {0};
        if (dummy || (n > 0 && sos.s.seg == 0 && sos.s.vdir == 0)) {
            /* Sparse: a dummy (unused reservation) or a segment still being written. */
            if (!dummy || sos.sor.rlm)
                fst_check_problem(&c, "sparse segment at %lld still open (parallel writer active or crashed)",
                                  (long long)off);
            if (sos.s.seg || sos.s.vdir || sos.s.vdirs)
                fst_check_problem(&c, "dummy segment at %lld has a directory", (long long)off);
            check_eos(&c, off, &sos, off + RSF_SOS_BYTES, sos.s.sseg - RSF_SOS_BYTES);
        } else {
            if (n > 0 && sos.sor.rlm)
                fst_check_problem(&c, "segment at %lld: start-of-segment still flagged open (rlm %u)", (long long)off,
                                  sos.sor.rlm);
            if (sos.s.seg + RSF_EOS_BYTES != sos.s.sseg)
                fst_check_problem(&c, "segment at %lld: seg %llu + 68 != sseg %llu", (long long)off,
                                  (unsigned long long)sos.s.seg, (unsigned long long)sos.s.sseg);
            else {
                check_eos(&c, off, &sos, off + (int64_t)sos.s.seg, RSF_EOS_BYTES);
                int64_t stop = off + (int64_t)sos.s.seg;
                if (sos.s.vdir && sos.s.vdirs) {
                    check_directory(&c, off, &sos, &refs);
                    stop = off + (int64_t)sos.s.vdir;
                }
                fst_check_set_sort(&refs);
                if (stop >= off + RSF_SOS_BYTES && stop <= off + (int64_t)sos.s.seg) walk_records(&c, off, stop, &refs);
            }
        }
        fst_check_set_free(&refs);
        off += (int64_t)sos.s.sseg;
    }
    fst_check_close(&c);
    return c.problems;
}
