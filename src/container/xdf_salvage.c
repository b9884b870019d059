/*
 * XDF repair: find every recoverable record of a damaged random XDF file.
 *
 * Two sources are combined. The directory pages that can still be reached
 * give the authoritative metadata (a metadata edit or a deletion lives only
 * there) for every entry its own record confirms. A linear walk over the file
 * finds every self-addressed record (each record starts with a copy of its
 * descriptor whose address word is its own position, CONTAINER.md §2.1): the
 * records a directory page no longer lists, or never listed because the writer
 * died before its next flush. Unreadable stretches are skipped by scanning for
 * the next self-addressed structure. The result is the list of records, in
 * file order, in f->entries (read only: payloads are read by xdf.c's reader).
 */
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "container/xdf_internal.h"

/* A record candidate: its offset and the descriptor words to use. */
typedef struct candidate {
    int64_t offset;   /* where the record is (its entry may point elsewhere: shift) */
    int64_t shift;    /* offset minus where the words' address points */
    uint32_t words[XDF_ENTRY_WORDS];
    int from_directory;
    int deleted;      /* the entry, or the record's own header, says deleted */
    int lost;         /* a directory entry whose record was not found */
} candidate;

typedef struct cand_list {
    candidate *v;
    size_t n, cap;
} cand_list;

static candidate *cand_add(cand_list *l) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        candidate *g = realloc(l->v, cap * sizeof *g);
        if (!g) return NULL;
        l->v = g;
        l->cap = cap;
    }
    candidate *c = &l->v[l->n++];
    memset(c, 0, sizeof *c);
    return c;
}

static int cmp_cand(const void *a, const void *b) {
    const candidate *x = a, *y = b;
    if (x->offset != y->offset) return x->offset < y->offset ? -1 : 1;
    /* a confirmed directory entry first (it wins over the record's own copy),
     * then the record's copy, then an entry its record did not confirm */
    int rx = x->lost ? 2 : x->from_directory ? 0 : 1, ry = y->lost ? 2 : y->from_directory ? 0 : 1;
    return rx - ry;
}

static int is_record_idtyp(uint32_t idtyp) { return idtyp >= 1 && idtyp <= 126 && (idtyp & 0x7E) != 0x7E; }

/* Directory pass: every entry of every reachable page its record confirms. */
static int scan_directory(struct fst24_file *f, fst_salvage *s, const uint32_t *h, cand_list *out) {
    uint32_t nbd = h[H_NBD];
    if (nbd > XDF_MAX_PAGES) {
        fst_salvage_note(s, "header claims %u directory pages: directory ignored, records found by scanning", nbd);
        return FST24_OK;
    }
    uint32_t *page = malloc(XDF_PAGE_BYTES);
    if (!page) return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
    int64_t offset = XDF_HEADER_LNG * 8;
    int st = FST24_OK;
    for (uint32_t p = 0; p < nbd; p++) {
        if (offset < XDF_HEADER_LNG * 8 || offset + XDF_PAGE_BYTES > f->file_size) {
            fst_salvage_note(s, "directory page %u (byte %lld) lies outside the file: pages from it on are lost",
                             p + 1, (long long)offset);
            break;
        }
        if ((st = fst_pread_all(f, page, XDF_PAGE_BYTES, offset))) break;
        fst_be32_to_host(page, XDF_PAGE_WORDS);
        if (page[0] != XDF_PAGE_LNG || page[1] != (uint32_t)(offset / 8 + 1)) {
            fst_salvage_note(s, "directory page %u (byte %lld) is not a directory page: pages from it on are lost",
                             p + 1, (long long)offset);
            break;
        }
        uint32_t sum = 0;
        for (int i = 4; i < XDF_PAGE_WORDS; i++) sum ^= page[i];
        if (sum) fst_salvage_note(s, "directory page %u fails its checksum: each entry is checked against its record", p + 1);
        uint32_t nent = page[5];
        if (nent > XDF_ENTRIES_PER_PAGE) {
            fst_salvage_note(s, "directory page %u claims %u entries: only 256 read", p + 1, nent);
            nent = XDF_ENTRIES_PER_PAGE;
        }
        for (uint32_t j = 0; j < nent; j++) {
            const uint32_t *w = page + 8 + XDF_ENTRY_WORDS * j;
            uint32_t idtyp = w[0] >> 24, lng = w[0] & 0xFFFFFF;
            int64_t roff = addr_to_offset(w[1]);
            int deleted = !is_record_idtyp(idtyp);
            if (deleted) { /* marks the record at that address deleted, whatever its own header says */
                candidate *c = cand_add(out);
                if (!c) { st = fst_error(FST24_E_NOMEM, "%s: out of memory", f->path); break; }
                c->offset = roff;
                memcpy(c->words, w, sizeof c->words);
                c->from_directory = 1;
                c->deleted = 1;
                continue;
            }
            int fits = roff >= XDF_HEADER_LNG * 8 && lng >= XDF_KEY_BYTES / 8 && roff + (int64_t)lng * 8 <= f->file_size;
            int ok = fits ? fst_xdf_entry_matches_record(f, w) : 0;
            if (ok < 0) { st = ok; break; }
            int64_t shift = 0;
            /* Bytes lost or inserted before a record move it off the 8-byte
             * grid: look for its descriptor copy a few bytes away. */
            for (int d = 1; !ok && d < 8 && lng >= XDF_KEY_BYTES / 8; d++) {
                for (int sign = -1; sign <= 1 && !ok; sign += 2) {
                    int64_t at = roff + sign * d;
                    if (at < XDF_HEADER_LNG * 8 || at + (int64_t)lng * 8 > f->file_size) continue;
                    ok = fst_xdf_entry_matches_at(f, w, at);
                    if (ok < 0) { st = ok; break; }
                    if (ok) shift = sign * d;
                }
            }
            if (st) break;
            candidate *c = cand_add(out);
            if (!c) { st = fst_error(FST24_E_NOMEM, "%s: out of memory", f->path); break; }
            c->offset = roff + shift;
            c->shift = shift;
            memcpy(c->words, w, sizeof c->words);
            c->from_directory = 1;
            c->lost = !ok;
            if (!ok && !fits)
                fst_salvage_note(s, "directory page %u entry %u: its record (byte %lld, %u bytes) is not in the file",
                                 p + 1, j, (long long)roff, lng * 8);
            else if (!ok)
                fst_salvage_note(s, "directory page %u entry %u does not match the record at byte %lld "
                                 "(the record's own header is used if it is intact)", p + 1, j, (long long)roff);
            else if (shift)
                fst_salvage_note(s, "directory page %u entry %u: record found at byte %lld, %lld bytes from where "
                                 "the entry points (bytes lost or inserted before it)",
                                 p + 1, j, (long long)c->offset, (long long)shift);
        }
        if (st) break;
        if (p + 1 < nbd) {
            int64_t next = addr_to_offset(page[4]);
            if (page[4] == 0) {
                fst_salvage_note(s, "directory page %u has no successor although the header counts %u pages", p + 1, nbd);
                break;
            }
            offset = next;
        }
    }
    free(page);
    return st;
}

/* Is there a plausible self-addressed structure at `off`? Returns its length
 * in bytes (0 if none); *idtyp receives its type. */
static int64_t structure_at(const uint8_t *b, int64_t off, int64_t size, uint32_t *idtyp) {
    uint32_t w0 = fst_load_be32(b), addr = fst_load_be32(b + 4);
    uint32_t lng = w0 & 0xFFFFFF;
    *idtyp = w0 >> 24;
    if (addr != (uint32_t)(off / 8 + 1)) return 0;
    if (*idtyp == 0) return lng == XDF_PAGE_LNG && off + XDF_PAGE_BYTES <= size ? XDF_PAGE_BYTES : 0;
    if (lng < XDF_KEY_BYTES / 8) return 0;
    return (int64_t)lng * 8;
}

/* Payload bytes can look self-addressed by chance: after damage, a structure
 * only counts if another one (or the end of the file) follows it. */
static int followed_by_structure(struct fst24_file *f, int64_t at, int64_t size) {
    if (at == size) return 1;
    uint8_t b[8];
    uint32_t t;
    if (at > size || at + 8 > size || fst_pread_all(f, b, 8, at)) return 0;
    return structure_at(b, at, size, &t) > 0;
}

/* Stretches the walk could not read; reported once the records found through
 * the directory are known (a record a few bytes off the 8-byte grid, found
 * through its entry, covers part of such a stretch). */
typedef struct gap {
    int64_t from, to;   /* [from, to) */
    int64_t incomplete; /* the stretch starts with a record the file cuts short: its length, else 0 */
} gap;

typedef struct gap_list {
    gap *v;
    size_t n, cap;
} gap_list;

static int add_gap(gap_list *g, int64_t from, int64_t to, int64_t incomplete) {
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 16;
        gap *v = realloc(g->v, cap * sizeof *v);
        if (!v) return FST24_E_NOMEM;
        g->v = v;
        g->cap = cap;
    }
    g->v[g->n++] = (gap){from, to, incomplete};
    return FST24_OK;
}

/* Report what of each gap no recovered record covers (entries in file order). */
static void report_gaps(struct fst24_file *f, fst_salvage *s, const gap_list *g) {
    int64_t k = 0;
    for (size_t i = 0; i < g->n; i++) {
        int64_t pos = g->v[i].from, end = g->v[i].to, uncovered = 0;
        while (k < f->num_entries && f->entries[k].record_offset + f->entries[k].record_bytes <= pos) k++;
        for (int64_t j = k; pos < end; j++) {
            int64_t a = j < f->num_entries ? f->entries[j].record_offset : end;
            int64_t b = j < f->num_entries ? a + f->entries[j].record_bytes : end;
            if (a > end) a = end;
            if (a > pos) {
                if (g->v[i].incomplete && pos == g->v[i].from) {
                    fst_salvage_note(s, "record at byte %lld is incomplete: it needs %lld bytes, the file ends after %lld",
                                     (long long)pos, (long long)g->v[i].incomplete, (long long)(end - pos));
                    s->skipped++;
                } else {
                    fst_salvage_note(s, "bytes %lld..%lld hold no record structure (damaged): skipped",
                                     (long long)pos, (long long)a - 1);
                }
                uncovered += a - pos;
            }
            if (b > pos) pos = b;
        }
        s->damaged_bytes += uncovered;
    }
}

/* Linear pass: every self-addressed record, resynchronising after damage. */
static int scan_records(struct fst24_file *f, cand_list *out, gap_list *gaps) {
    enum { WINDOW = 1 << 16 };
    uint8_t *win = malloc(WINDOW);
    if (!win) return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
    int64_t off = XDF_HEADER_LNG * 8, size = f->file_size;
    int st = FST24_OK;
    while (off + 8 <= size) {
        uint8_t b[8];
        if ((st = fst_pread_all(f, b, 8, off))) break;
        uint32_t idtyp;
        int64_t len = structure_at(b, off, size, &idtyp);
        if (len > 0 && off + len <= size) {
            if (idtyp != 0) {
                candidate *c = cand_add(out);
                if (!c) { st = fst_error(FST24_E_NOMEM, "%s: out of memory", f->path); break; }
                c->offset = off;
                uint32_t w[XDF_ENTRY_WORDS];
                if ((st = fst_pread_all(f, w, sizeof w, off))) break;
                fst_be32_to_host(w, XDF_ENTRY_WORDS);
                memcpy(c->words, w, sizeof w);
                c->deleted = !is_record_idtyp(idtyp);
            }
            off += len;
            continue;
        }
        if (len > 0) {
            /* A record (or page) started but the file ends inside it. */
            if (add_gap(gaps, off, size, is_record_idtyp(idtyp) ? len : 0)) st = FST24_E_NOMEM;
            off = size;
            break;
        }
        /* Damage: look for the next self-addressed structure, 8 bytes at a time. */
        int64_t from = off, found = -1;
        for (int64_t pos = off + 8; pos + 8 <= size && found < 0;) {
            int64_t n = size - pos < WINDOW ? size - pos : WINDOW;
            if ((st = fst_pread_all(f, win, (size_t)n, pos))) break;
            for (int64_t k = 0; k + 8 <= n; k += 8) {
                uint32_t t;
                int64_t l = structure_at(win + k, pos + k, size, &t);
                if (l > 0 && followed_by_structure(f, pos + k + l, size)) { found = pos + k; break; }
            }
            pos += n & ~(int64_t)7;
        }
        if (st) break;
        int64_t to = found < 0 ? size : found;
        if (add_gap(gaps, from, to, 0)) { st = FST24_E_NOMEM; break; }
        off = to;
    }
    if (!st && off < size && add_gap(gaps, off, size, 0)) st = FST24_E_NOMEM;
    free(win);
    if (st == FST24_E_NOMEM) return fst_error(st, "%s: out of memory", f->path);
    return st;
}

int fst_xdf_salvage(struct fst24_file *f, fst_salvage *s) {
    xdf_state *xs = calloc(1, sizeof *xs);
    if (!xs) return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
    f->bk = xs;
    if (f->file_size < XDF_HEADER_WORDS * 4)
        return fst_error(FST24_E_CORRUPT, "%s: %lld bytes: too short for an XDF header, nothing to recover",
                         f->path, (long long)f->file_size);
    int st = fst_pread_all(f, xs->header, sizeof xs->header, 0);
    if (st) return st;
    fst_be32_to_host(xs->header, XDF_HEADER_WORDS);
    const uint32_t *h = xs->header;
    if (h[H_NBD] == 0) {
        /* Sequential layout: records with trailers, no directory; its reader is tolerant. */
        st = fst_xdf_read_sequential(f);
        s->from_directory = f->num_entries - f->num_deleted;
        s->deleted = f->num_deleted;
        return st;
    }
    cand_list cands = {0};
    if ((h[H_IDTYP_LNG] & 0xFFFFFF) == XDF_HEADER_LNG)
        st = scan_directory(f, s, h, &cands);
    else
        fst_salvage_note(s, "no usable directory in the header: records found by scanning");
    gap_list gaps = {0};
    if (!st) st = scan_records(f, &cands, &gaps);
    if (st) { free(cands.v); free(gaps.v); return st; }
    if (cands.n) qsort(cands.v, cands.n, sizeof *cands.v, cmp_cand);
    int64_t slot = 0, first_orphan = 0;
    for (size_t i = 0, next; i < cands.n && !st; i = next) {
        /* Every candidate at one offset: the first usable one (sort order) gives
         * the metadata; any of them saying deleted (the directory, or the
         * record's own header, which XDF marks at deletion) makes it deleted. */
        const candidate *c = NULL;
        int deleted = 0;
        for (next = i; next < cands.n && cands.v[next].offset == cands.v[i].offset; next++) {
            deleted |= cands.v[next].deleted;
            if (!c && !cands.v[next].lost && !cands.v[next].deleted) c = &cands.v[next];
        }
        if (deleted) { s->deleted++; continue; }
        if (!c) { s->skipped++; continue; } /* no intact record where its entry points */
        fst_entry *e = fst_file_new_entry(f);
        if (!e) { st = FST24_E_NOMEM; break; }
        fst_xdf_entry_from_words(f, e, c->words, (int)(slot / XDF_ENTRIES_PER_PAGE),
                                 (int)(slot % XDF_ENTRIES_PER_PAGE));
        e->record_offset += c->shift;
        e->payload_offset += c->shift;
        slot++;
        f->num_entries++;
        if (c->from_directory) s->from_directory++;
        else if (!s->from_scan++) first_orphan = c->offset;
    }
    if (s->from_scan)
        fst_salvage_note(s, "%lld record%s from byte %lld on %s in no directory (written after the last "
                         "flush, or left over): copied from %s own header%s",
                         (long long)s->from_scan, s->from_scan > 1 ? "s" : "", (long long)first_orphan,
                         s->from_scan > 1 ? "are" : "is", s->from_scan > 1 ? "their" : "its",
                         s->from_scan > 1 ? "s" : "");
    free(cands.v);
    /* Records that overlap: bytes were lost inside the first one (its payload
     * is copied as it is, but said to be suspect). */
    for (int64_t i = 0; !st && i + 1 < f->num_entries; i++) {
        const fst_entry *a = &f->entries[i], *b = &f->entries[i + 1];
        int64_t over = a->record_offset + a->record_bytes - b->record_offset;
        if (over > 0) {
            fst_salvage_note(s, "the record at byte %lld overlaps the next one by %lld bytes: bytes were lost "
                             "inside it, its values may be damaged", (long long)a->record_offset, (long long)over);
            s->damaged_bytes += over;
        }
    }
    if (!st) report_gaps(f, s, &gaps);
    free(gaps.v);
    f->num_pages = 0;
    return st;
}
