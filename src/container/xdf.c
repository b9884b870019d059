/*
 * XDF container (the classic FST backend): big-endian 32-bit words, a 208-byte
 * file header, chained directory pages of 256 entries of 72 bytes, records
 * made of a copy of their descriptor, 8 bytes of auxiliary keys and the payload.
 * See docs/format/xdf.md. Random files are read and written; sequential files
 * (no directory pages) are read only.
 *
 * Longer than our ~600-line guide on purpose: every backend operation below works on the page
 * table of xdf_state through a dozen static helpers (entry words, page slots, dirty pages);
 * splitting the loader from the writer would make them all internal API. The damaged-file
 * repair walk is apart, in xdf_salvage.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bytes.h"
#include "container/xdf_internal.h"


/* librmn's 32-bit record handle: open-file index (10 bits, 1 for the first
 * open file), slot in page (9 bits), page (12 bits). */
static int64_t xdf_key(int file_slot, int page, int slot) {
    return (int64_t)((file_slot + 1) & 0x3FF) | ((int64_t)slot << 10) | ((int64_t)page << 19);
}

static void default_header(uint32_t h[XDF_HEADER_WORDS]) {
    memset(h, 0, XDF_HEADER_WORDS * 4);
    h[H_IDTYP_LNG] = XDF_HEADER_LNG;
    h[H_VRSN] = fourcc("XDF0");
    h[H_SIGN] = fourcc("STDR");
    h[H_PRM] = (16u << 16) | 9u;
    h[H_AUX] = (2u << 16) | 1u;
    for (uint32_t k = 1; k <= 16; k++) {
        char name[5];
        snprintf(name, sizeof name, "SF%02u", k);
        h[16 + 2 * (k - 1)] = fourcc(name);
        h[17 + 2 * (k - 1)] = ((32 * k - 1) << 19) | (31u << 14);
    }
    h[48] = fourcc("AXI1");
    h[49] = 0x00FFC000u;
    h[50] = fourcc("AXI2");
    h[51] = 0x01FFC000u;
}

static xdf_state *state(struct fst24_file *f) { return (xdf_state *)f->bk; }

static int write_header(struct fst24_file *f, uint32_t rwflg) {
    xdf_state *s = state(f);
    uint32_t buf[XDF_HEADER_WORDS];
    s->header[H_RWFLG] = rwflg;
    memcpy(buf, s->header, sizeof buf);
    fst_host_to_be32(buf, XDF_HEADER_WORDS);
    int st = fst_pwrite_all(f, buf, sizeof buf, 0);
    if (st == FST24_OK) s->header_dirty = 0;
    return st;
}

static int add_page_slot(xdf_state *s, int64_t offset, int nent, uint32_t nxt) {
    if (s->npages == s->cap_pages) {
        int cap = s->cap_pages ? 2 * s->cap_pages : 8;
        xdf_page *p = realloc(s->pages, (size_t)cap * sizeof *p);
        if (!p) return fst_error(FST24_E_NOMEM, "out of memory for directory pages");
        s->pages = p;
        s->cap_pages = cap;
    }
    xdf_page *p = &s->pages[s->npages++];
    p->offset = offset;
    p->nent = nent;
    p->nxt = nxt;
    p->dirty = 0;
    return FST24_OK;
}

void fst_xdf_entry_from_words(struct fst24_file *f, fst_entry *e, const uint32_t *w, int page, int slot) {
    uint32_t idtyp = w[0] >> 24;
    uint32_t lng = w[0] & 0xFFFFFF;
    memcpy(e->desc, w + 2, sizeof e->desc);
    e->record_offset = addr_to_offset(w[1]);
    e->record_bytes = (int64_t)lng * 8;
    e->payload_offset = e->record_offset + XDF_KEY_BYTES;
    e->payload_bytes = lng >= 10 ? ((int64_t)lng - 10) * 8 : 0;
    e->file_index = page * XDF_ENTRIES_PER_PAGE + slot;
    e->key = xdf_key(f->slot, page, slot);
    e->num_search_keys = 16;
    /* deleted (255), in-memory deleted (254) or end markers: never data */
    if (idtyp == 0 || idtyp >= 127 || (idtyp & 0x7E) == 0x7E) e->flags |= FST_ENTRY_DELETED;
    e->bk_a = page;
    e->bk_b = slot;
}

/* Build the on-disk words of an entry (host order). */
static void entry_to_words(const fst_entry *e, uint32_t *w) {
    uint32_t idtyp = (e->flags & FST_ENTRY_DELETED) ? 255u : 1u;
    w[0] = (idtyp << 24) | (uint32_t)(e->record_bytes / 8);
    w[1] = (uint32_t)(e->record_offset / 8 + 1);
    memcpy(w + 2, e->desc, sizeof e->desc);
}

/* Bits of descriptor W32 0..17 that a metadata edit (rewrite "meta") cannot
 * change: a directory entry and the descriptor copy in front of its record
 * agree on them (docs/format/xdf.md#xdf-delete). */
static const uint32_t stable_desc_mask[XDF_ENTRY_WORDS] = {0x00FFFFFFu, 0xFFFFFFFFu, /* lng (idtyp: deletion), addr */
                                                           0x000000FFu, 0xFFFFFF00u, /* nbits; ni */
                                                           0xFFFFFFFFu, 0xFFFFFFFFu, /* nj/datyp, nk/ubc */
                                                           0x0000003Fu, 0,           0,           0, 0,
                                                           0,           0x000000FFu, 0x000000FFu, /* ni_b; dasiz */
                                                           0x0000000Fu, 0x0000000Fu, 0x0000000Fu, 0};

/* Does the record an entry points to carry a descriptor copy that agrees with
 * the entry (same address, length and shape)? 1 yes, 0 no, < 0 read error. */
int fst_xdf_entry_matches_record(struct fst24_file *f, const uint32_t *entry_words) {
    return fst_xdf_entry_matches_at(f, entry_words, addr_to_offset(entry_words[1]));
}

int fst_xdf_entry_matches_at(struct fst24_file *f, const uint32_t *entry_words, int64_t off) {
    uint32_t copy[XDF_ENTRY_WORDS];
    if (off < 0 || off + (int64_t)sizeof copy > f->file_size) return 0;
    int st = fst_pread_all(f, copy, sizeof copy, off);
    if (st) return st;
    fst_be32_to_host(copy, XDF_ENTRY_WORDS);
    int same = 1;
    for (int i = 0; i < XDF_ENTRY_WORDS; i++) {
        if ((copy[i] ^ entry_words[i]) & stable_desc_mask[i]) return 0;
        if (i > 0 && copy[i] != entry_words[i]) same = 0;
    }
    return same ? 1 : 2;
}

/* What loading the directory found besides the records. */
typedef struct xdf_load {
    int64_t limit;      /* logical end of the file: the size in the header */
    int tolerant;       /* hide entries that cannot be trusted instead of failing */
    int bad_pages;      /* pages whose checksum fails */
    int first_bad;      /* first such page (1-based) */
    int64_t beyond;     /* entries hidden: their record lies past `limit` */
    int64_t unverified; /* entries of bad pages hidden: they disagree with their record */
    int64_t differing;  /* entries of bad pages kept whose editable fields differ from their record */
} xdf_load;

/* Forget a partly loaded directory (before loading it again). */
static void reset_directory(struct fst24_file *f) {
    xdf_state *s = state(f);
    s->npages = 0;
    f->num_entries = 0;
    f->num_deleted = 0;
    f->num_pages = 0;
    f->checksum_errors = 0;
}

/* Hide an entry that cannot be shown (it stays in its slot, deleted). */
static void hide_entry(struct fst24_file *f, fst_entry *e) {
    e->flags |= FST_ENTRY_DELETED;
    (void)f;
}

static int read_random(struct fst24_file *f, xdf_load *ld) {
    xdf_state *s = state(f);
    uint32_t nbd = s->header[H_NBD];
    if (nbd > XDF_MAX_PAGES)
        return fst_error(FST24_E_CORRUPT, "%s: header claims %u directory pages (maximum %d)", f->path, nbd,
                         XDF_MAX_PAGES);
    /* one allocation for the whole directory (the last page may be partly used) */
    int st = fst_file_reserve_entries(f, f->num_entries + (int64_t)nbd * XDF_ENTRIES_PER_PAGE);
    if (st) return st;
    uint32_t *page = malloc(XDF_PAGE_BYTES);
    if (!page) return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
    int64_t offset = (int64_t)(s->header[H_IDTYP_LNG] & 0xFFFFFF) * 8;
    for (uint32_t p = 0; p < nbd; p++) {
        if (offset + XDF_PAGE_BYTES > ld->limit) {
            st = fst_error(FST24_E_CORRUPT, "%s: directory page %u at offset %lld lies past the end of the file",
                           f->path, p + 1, (long long)offset);
            break;
        }
        if ((st = fst_pread_all(f, page, XDF_PAGE_BYTES, offset))) break;
        fst_be32_to_host(page, XDF_PAGE_WORDS);
        int bad = fst_xor32(page + 4, XDF_PAGE_WORDS - 4) != 0; /* checksum: the XOR of words 4.. is 0 */
        if (bad) {
            f->checksum_errors++;
            if (!ld->bad_pages++) ld->first_bad = (int)p + 1;
        }
        uint32_t nxt = page[4];
        int nent = (int)page[5];
        if (nent < 0 || nent > XDF_ENTRIES_PER_PAGE) {
            st = fst_error(FST24_E_CORRUPT, "%s: directory page %u claims %d entries (maximum 256)", f->path, p + 1,
                           nent);
            break;
        }
        if ((st = add_page_slot(s, offset, nent, nxt))) break;
        for (int j = 0; j < nent; j++) {
            fst_entry *e = fst_file_new_entry(f);
            if (!e) {
                st = FST24_E_NOMEM;
                break;
            }
            const uint32_t *w = page + 8 + XDF_ENTRY_WORDS * j;
            fst_xdf_entry_from_words(f, e, w, (int)p, j);
            if (!(e->flags & FST_ENTRY_DELETED)) {
                int outside = e->record_offset < XDF_HEADER_LNG * 8 || e->record_bytes < XDF_KEY_BYTES ||
                              e->record_offset + e->record_bytes > ld->limit;
                if (outside && (ld->tolerant || bad)) {
                    hide_entry(f, e);
                    if (e->record_offset >= ld->limit)
                        ld->beyond++;
                    else
                        ld->unverified++;
                } else if (outside) {
                    st = fst_error(FST24_E_CORRUPT,
                                   "%s: directory page %u entry %d points outside the file (offset "
                                   "%lld, %lld bytes, file has %lld bytes)",
                                   f->path, p + 1, j, (long long)e->record_offset, (long long)e->record_bytes,
                                   (long long)ld->limit);
                    break;
                } else if (bad) {
                    /* A page that fails its checksum (torn by a crash, or damaged):
                     * keep only entries their own record confirms. */
                    int ok = fst_xdf_entry_matches_record(f, w);
                    if (ok < 0) {
                        st = ok;
                        break;
                    }
                    if (!ok) {
                        hide_entry(f, e);
                        ld->unverified++;
                    }
                    if (ok == 2) ld->differing++;
                }
            }
            if (e->flags & FST_ENTRY_DELETED) f->num_deleted++;
            f->num_entries++;
        }
        if (st) break;
        if (p + 1 < nbd) {
            if (nxt == 0) {
                st = fst_error(FST24_E_CORRUPT, "%s: directory page %u has no successor but the header counts %u pages",
                               f->path, p + 1, nbd);
                break;
            }
            offset = addr_to_offset(nxt);
            if (offset < 0 || offset + XDF_PAGE_BYTES > ld->limit) {
                st = fst_error(FST24_E_CORRUPT, "%s: directory page %u points to a page past the end of the file",
                               f->path, p + 1);
                break;
            }
        }
    }
    free(page);
    f->num_pages = s->npages;
    return st;
}

/* Sequential files: records back to back, each followed by a 16-byte postfix,
 * closed by an end-of-file marker (idtyp 127). */
int fst_xdf_read_sequential(struct fst24_file *f) {
    xdf_state *s = state(f);
    s->sequential = 1;
    int64_t offset = (int64_t)(s->header[H_IDTYP_LNG] & 0xFFFFFF) * 8;
    int slot = 0;
    while (offset + 8 <= f->file_size) {
        uint32_t w[XDF_ENTRY_WORDS];
        if (offset + (int64_t)sizeof w > f->file_size) break;
        int st = fst_pread_all(f, w, sizeof w, offset);
        if (st) return st;
        fst_be32_to_host(w, XDF_ENTRY_WORDS);
        uint32_t idtyp = w[0] >> 24, lng = w[0] & 0xFFFFFF;
        if (idtyp == 127 || (idtyp >= 112 && idtyp < 127)) {
            if (idtyp == 127) break; /* physical end of file */
            offset += 8;             /* logical end-of-file marker */
            continue;
        }
        if (idtyp == 0 && lng == 2) {
            offset += 16;
            continue;
        } /* stray postfix */
        if (w[0] == 0 && w[1] == 0) {
            offset += 8;
            continue;
        } /* cluster padding of big files */
        if (lng < 10 || offset + (int64_t)lng * 8 > f->file_size)
            return fst_error(FST24_E_CORRUPT, "%s: sequential record at offset %lld has an invalid length (%u)",
                             f->path, (long long)offset, lng);
        if ((uint32_t)(offset / 8 + 1) != w[1])
            return fst_error(FST24_E_CORRUPT, "%s: sequential record at offset %lld does not carry its own address",
                             f->path, (long long)offset);
        fst_entry *e = fst_file_new_entry(f);
        if (!e) return FST24_E_NOMEM;
        fst_xdf_entry_from_words(f, e, w, slot / XDF_ENTRIES_PER_PAGE, slot % XDF_ENTRIES_PER_PAGE);
        if (e->flags & FST_ENTRY_DELETED) f->num_deleted++;
        f->num_entries++;
        slot++;
        offset += (int64_t)lng * 8;
        /* Postfix: idtyp 0, lng 2, addr 0xFFFFFFFF. */
        if (offset + 16 <= f->file_size) {
            uint32_t pf[2];
            if ((st = fst_pread_all(f, pf, 8, offset))) return st;
            fst_be32_to_host(pf, 2);
            if (pf[0] == 2 && pf[1] == 0xFFFFFFFFu) offset += 16;
        }
    }
    return FST24_OK;
}

/* Read and check the 208-byte header into s->header. */
static int read_header(struct fst24_file *f) {
    xdf_state *s = state(f);
    if (f->file_size < XDF_HEADER_WORDS * 4)
        return fst_error(FST24_E_CORRUPT, "%s: file is truncated: %lld bytes, an XDF header needs 208", f->path,
                         (long long)f->file_size);
    int st = fst_pread_all(f, s->header, sizeof s->header, 0);
    if (st) return st;
    fst_be32_to_host(s->header, XDF_HEADER_WORDS);
    uint32_t *h = s->header;
    if (h[H_VRSN] != fourcc("XDF0") && h[H_VRSN] != fourcc("xdf0"))
        return fst_error(FST24_E_NOT_FST, "%s: unknown XDF version tag", f->path);
    if (h[H_SIGN] != fourcc("STDR") && h[H_SIGN] != fourcc("STDS"))
        return fst_error(FST24_E_NOT_FST, "%s: XDF file of another application (not STDR/STDS)", f->path);
    if ((h[H_IDTYP_LNG] >> 24) != 0 || (h[H_IDTYP_LNG] & 0xFFFFFF) != XDF_HEADER_LNG ||
        h[H_PRM] != ((16u << 16) | 9u) || (h[H_AUX] & 0xFFFF) != 1u)
        return fst_error(FST24_E_CORRUPT, "%s: XDF header is not the standard-file layout (lng %u, keys %08x/%08x)",
                         f->path, h[H_IDTYP_LNG] & 0xFFFFFF, h[H_PRM], h[H_AUX]);
    return FST24_OK;
}

static int64_t current_size(struct fst24_file *f) {
    struct stat sb;
    if (fstat(f->fd, &sb) != 0) return fst_error(FST24_E_IO, "%s: cannot stat: %s", f->path, strerror(errno));
    return (int64_t)sb.st_size;
}

/* Read-only view of a random file: header, then the pages it counts. A file
 * being written (rwflg set) is read again until the header has not changed
 * while the pages were read and every page passes its checksum, so that a
 * reader sees the state of one flush and never a page half rewritten. */
static int load_snapshot(struct fst24_file *f, xdf_load *ld) {
    xdf_state *s = state(f);
    enum { ATTEMPTS = 400 };
    int st = FST24_OK;
    /* Only a writer still at work can change the file under us. */
    int live = !f->writable && s->header[H_RWFLG] != 0 && fst_writer_alive(f, NULL) != 0;
    if (live) f->head_len = 0; /* every later read must see the file as the writer leaves it */
    for (int attempt = 0;; attempt++) {
        if (attempt) {
            reset_directory(f);
            if ((st = read_header(f))) return st;
            if (attempt > 3) usleep(attempt < 50 ? 100 : 1000);
        }
        /* nobody else changes the file: the size the open took stands */
        int64_t size = live || f->writable || attempt ? current_size(f) : f->file_size;
        if (size < 0) return (int)size;
        f->file_size = size;
        uint32_t before[XDF_HEADER_WORDS];
        memcpy(before, s->header, sizeof before);
        int64_t declared = (int64_t)before[H_FSIZ] * 8;
        int busy = live && before[H_RWFLG] != 0;
        if (declared > size) {
            /* A writer's flush may have grown the header after our fstat. */
            if (busy && attempt + 1 < ATTEMPTS) continue;
            return fst_error(FST24_E_CORRUPT,
                             "%s: file is truncated: header says %lld bytes, file has %lld (fst24 "
                             "repair can copy its complete records to a new file)",
                             f->path, (long long)declared, (long long)size);
        }
        memset(ld, 0, sizeof *ld);
        ld->limit = declared;
        ld->tolerant = f->writable ? f->force_write : (before[H_RWFLG] != 0 || declared < size);
        st = read_random(f, ld);
        if (!busy || attempt + 1 == ATTEMPTS) return st;
        uint32_t after[XDF_HEADER_WORDS];
        int rst = fst_pread_all(f, after, sizeof after, 0);
        if (rst) return rst;
        fst_be32_to_host(after, XDF_HEADER_WORDS);
        if (st == FST24_OK && ld->bad_pages == 0 && !memcmp(before, after, sizeof after)) return st;
    }
}

static int write_dirty_pages(struct fst24_file *f);

/* force_write on a file whose writer died: drop what followed its last
 * flush (records, a page not yet counted), repair the pages, mark ours. */
static int recover_for_writing(struct fst24_file *f, const xdf_load *ld) {
    xdf_state *s = state(f);
    int64_t dropped = f->file_size - ld->limit;
    xdf_page *last = &s->pages[s->npages - 1];
    if (last->nxt != 0) {
        last->nxt = 0;
        last->dirty = 1;
    }
    if (ld->bad_pages)
        for (int p = 0; p < s->npages; p++) s->pages[p].dirty = 1; /* fresh checksums */
    uint32_t valid = 0;
    for (int64_t i = 0; i < f->num_entries; i++) valid += !(f->entries[i].flags & FST_ENTRY_DELETED);
    s->header[H_NREC] = valid;
    s->header_dirty = 1;
    if (dropped > 0 && ftruncate(f->fd, ld->limit) != 0)
        return fst_error(FST24_E_IO, "%s: cannot drop the %lld bytes after the last flush: %s", f->path,
                         (long long)dropped, strerror(errno));
    f->file_size = ld->limit;
    if (dropped > 0 || ld->bad_pages || ld->unverified || ld->beyond) {
        f->recovered = 1;
        snprintf(f->warning, sizeof f->warning,
                 "recovered for writing: %lld bytes written after the last flush dropped%s%s",
                 (long long)(dropped > 0 ? dropped : 0),
                 ld->bad_pages ? ", directory pages that failed their checksum rewritten" : "",
                 ld->unverified ? ", entries their record does not confirm hidden" : "");
    } else {
        snprintf(f->warning, sizeof f->warning,
                 "write flag (rwflg %u) of a writer that is gone cleared; nothing was lost", s->header[H_RWFLG]);
    }
    return write_dirty_pages(f);
}

/* The warning of a read-only open: what is not shown, and why. */
static void describe_read_state(struct fst24_file *f, const xdf_load *ld) {
    xdf_state *s = state(f);
    int64_t trailing = f->file_size - ld->limit;
    size_t n = strlen(f->warning);
    int alive = s->header[H_RWFLG] ? fst_writer_alive(f, NULL) : 0;
    f->writer_active = alive == 1;
    if (trailing > 0 || ld->beyond) {
        /* With a writer at work, its unflushed records are simply not visible yet. */
        if (alive != 1) {
            f->recovered = 1;
            n += (size_t)snprintf(f->warning + n, sizeof f->warning - n,
                                  "%s%lld bytes after the end recorded in the header are not visible "
                                  "(%s); fst24 repair copies their complete records",
                                  n ? "; " : "", (long long)trailing,
                                  s->header[H_RWFLG] ? "written after the last flush of a writer that "
                                                       "crashed or is not on this host"
                                                     : "trailing data: damaged file");
        }
    }
    if (ld->bad_pages && n < sizeof f->warning) {
        f->recovered = 1;
        n += (size_t)snprintf(f->warning + n, sizeof f->warning - n,
                              "%s%d directory page%s fail%s the checksum (first: page %d, file_index "
                              "%d..%d); each entry was checked against its record: %lld hidden, %lld "
                              "kept with metadata that differs from their record's own copy (edited, "
                              "or damaged)",
                              n ? "; " : "", ld->bad_pages, ld->bad_pages > 1 ? "s" : "", ld->bad_pages > 1 ? "" : "s",
                              ld->first_bad, (ld->first_bad - 1) * XDF_ENTRIES_PER_PAGE,
                              ld->first_bad * XDF_ENTRIES_PER_PAGE - 1, (long long)ld->unverified,
                              (long long)ld->differing);
    }
    if (s->header[H_RWFLG] && alive != 1 && !f->recovered && n == 0)
        snprintf(f->warning, sizeof f->warning,
                 "marked open for writing (rwflg %u) by a writer that holds no lock on this host (it "
                 "crashed right after a flush, or is librmn or on another host): nothing it flushed is "
                 "missing; writers need force_write",
                 s->header[H_RWFLG]);
}

/* Entries a crashed writer's unfinished flush left at the end of the last
 * page (records past the header's end, or slots only partly written) are not
 * entries of the file: drop them, so that the page ends where the last flush
 * ended. Returns how many were dropped. */
static int64_t trim_unfinished_tail(struct fst24_file *f, const xdf_load *ld) {
    xdf_state *s = state(f);
    int64_t dropped = 0;
    for (int p = s->npages - 1; p >= 0; p--) {
        xdf_page *pg = &s->pages[p];
        while (pg->nent > 0) {
            fst_entry *e = &f->entries[f->num_entries - 1];
            if (e->record_offset < ld->limit && e->record_offset >= XDF_HEADER_LNG * 8 &&
                e->record_bytes >= XDF_KEY_BYTES)
                break;
            if (e->flags & FST_ENTRY_DELETED) f->num_deleted--;
            f->num_entries--;
            pg->nent--;
            pg->dirty = 1;
            dropped++;
        }
        if (pg->nent > 0) break;
    }
    return dropped;
}

static int xdf_open_existing(struct fst24_file *f) {
    xdf_state *s = calloc(1, sizeof *s);
    if (!s) return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
    f->bk = s;
    int st = read_header(f);
    if (st) return st;
    uint32_t *h = s->header;
    int64_t declared = (int64_t)h[H_FSIZ] * 8;
    if (h[H_NBD] == 0) {
        /* Sequential layout (also found mislabelled STDR): readable, not writable. */
        if (f->writable) return fst_error(FST24_E_UNSUPPORTED, "%s: sequential XDF files can only be read", f->path);
        st = fst_xdf_read_sequential(f);
        /* A sequential header's size excludes the record postfixes: only a file
         * labelled random (STDR) but laid out sequentially is a recovery. */
        if (st == FST24_OK && h[H_SIGN] == fourcc("STDR")) {
            f->recovered = 1;
            snprintf(f->warning, sizeof f->warning,
                     "sequential XDF layout read although the header says STDR random file of "
                     "%lld bytes (file has %lld)",
                     (long long)declared, (long long)f->file_size);
        }
        return st;
    }
    f->kind = FST24_KIND_XDF;
    if (f->writable) {
        /* We hold the writer lock: a flag on disk is a writer that is gone. */
        if (h[H_RWFLG] != 0 && !f->force_write) {
            char what[32];
            snprintf(what, sizeof what, "XDF rwflg %u", h[H_RWFLG]);
            return fst_stale_flag_error(f, what);
        }
        if (declared < f->file_size && !f->force_write)
            return fst_error(FST24_E_CORRUPT,
                             "%s: %lld bytes after the end recorded in the header (damaged file); "
                             "open it with force_write to drop them, or copy its records with "
                             "fst24 repair",
                             f->path, (long long)(f->file_size - declared));
    }
    xdf_load ld;
    if ((st = load_snapshot(f, &ld))) return st;
    if (ld.tolerant) trim_unfinished_tail(f, &ld);
    if (!f->writable) {
        describe_read_state(f, &ld);
        return FST24_OK;
    }
    if (f->file_size > ld.limit || ld.bad_pages || ld.beyond || ld.unverified || h[H_RWFLG])
        if ((st = recover_for_writing(f, &ld))) return st;
    /* Mark the file as being written so other writers stay away. */
    return write_header(f, 3);
}

static int write_empty_page(struct fst24_file *f, int64_t offset) {
    uint32_t *page = calloc(1, XDF_PAGE_BYTES);
    if (!page) return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
    page[0] = XDF_PAGE_LNG;
    page[1] = (uint32_t)(offset / 8 + 1);
    fst_host_to_be32(page, 2);
    int st = fst_pwrite_all(f, page, XDF_PAGE_BYTES, offset);
    free(page);
    return st;
}

static int xdf_create(struct fst24_file *f) {
    xdf_state *s = calloc(1, sizeof *s);
    if (!s) return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
    f->bk = s;
    default_header(s->header);
    int64_t page_offset = XDF_HEADER_LNG * 8;
    s->header[H_FSIZ] = XDF_HEADER_LNG + XDF_PAGE_LNG;
    s->header[H_NBD] = 1;
    s->header[H_PLST] = XDF_HEADER_LNG + 1;
    int st = add_page_slot(s, page_offset, 0, 0);
    if (st) return st;
    if ((st = write_header(f, 2))) return st;
    if ((st = write_empty_page(f, page_offset))) return st;
    f->file_size = (int64_t)s->header[H_FSIZ] * 8;
    f->num_pages = 1;
    return FST24_OK;
}

static int xdf_append(struct fst24_file *f, fst_entry *e, const uint32_t *payload, size_t nwords,
                      const char *ext_meta) {
    (void)ext_meta;
    xdf_state *s = state(f);
    if (s->sequential) return fst_error(FST24_E_UNSUPPORTED, "%s: sequential file is read-only", f->path);
    if (nwords % 2)
        return fst_error(FST24_E_INVALID, "%s: payload of %zu words is not a whole number of 8-byte units", f->path,
                         nwords);
    uint64_t lng = XDF_KEY_BYTES / 8 + nwords / 2;
    char name[5];
    fst_decode_chars6(e->desc[D_NOMVAR_DASIZ] >> 8, 4, name);
    if (lng > XDF_MAX_LNG)
        return fst_error(FST24_E_LIMIT, "%s: record %s of %llu bytes exceeds the XDF record limit (128 MiB); use RSF",
                         f->path, name, (unsigned long long)lng * 8);
    xdf_page *last = &s->pages[s->npages - 1];
    int need_page = last->nent == XDF_ENTRIES_PER_PAGE;
    if (need_page && s->npages >= XDF_MAX_PAGES)
        return fst_error(FST24_E_LIMIT, "%s: XDF directory is full (262144 entries); use RSF", f->path);
    int64_t fsiz = s->header[H_FSIZ];
    if ((fsiz + (int64_t)lng + (need_page ? XDF_PAGE_LNG : 0)) * 8 > XDF_MAX_FILE_BYTES)
        return fst_error(FST24_E_LIMIT,
                         "%s: record %s would grow the file past 8 GiB, the XDF "
                         "limit of librmn; use RSF",
                         f->path, name);
    int st;
    if (need_page) {
        int64_t off = fsiz * 8;
        if ((st = write_empty_page(f, off))) return st;
        last->nxt = (uint32_t)(fsiz + 1);
        last->dirty = 1;
        if ((st = add_page_slot(s, off, 0, 0))) return st;
        s->header[H_NBD]++;
        s->header[H_PLST] = (uint32_t)(fsiz + 1);
        fsiz += XDF_PAGE_LNG;
        s->header[H_FSIZ] = (uint32_t)fsiz;
        last = &s->pages[s->npages - 1];
        f->num_pages = s->npages;
    }
    int page = s->npages - 1, slot = last->nent;
    e->record_offset = fsiz * 8;
    e->record_bytes = (int64_t)lng * 8;
    e->payload_offset = e->record_offset + XDF_KEY_BYTES;
    e->payload_bytes = (int64_t)nwords * 4;
    e->file_index = page * XDF_ENTRIES_PER_PAGE + slot;
    e->key = xdf_key(f->slot, page, slot);
    e->num_search_keys = 16;
    e->bk_a = page;
    e->bk_b = slot;

    size_t bytes = (size_t)lng * 8;
    uint32_t *buf = malloc(bytes);
    if (!buf) return fst_error(FST24_E_NOMEM, "%s: out of memory for a %zu-byte record", f->path, bytes);
    entry_to_words(e, buf);
    buf[18] = buf[19] = 0; /* auxiliary keys */
    if (nwords) memcpy(buf + 20, payload, nwords * 4);
    fst_host_to_be32(buf, bytes / 4);
    st = fst_pwrite_all(f, buf, bytes, e->record_offset);
    free(buf);
    if (st) return st;
    last->nent++;
    last->dirty = 1;
    s->header[H_FSIZ] = (uint32_t)(fsiz + (int64_t)lng);
    s->header[H_NREC]++;
    s->header[H_NXTN]++;
    if (lng > s->header[H_NBIG]) s->header[H_NBIG] = (uint32_t)lng;
    s->header_dirty = 1;
    f->file_size = (int64_t)s->header[H_FSIZ] * 8;
    return FST24_OK;
}

static int xdf_delete(struct fst24_file *f, int64_t idx) {
    xdf_state *s = state(f);
    if (s->sequential) return fst_error(FST24_E_UNSUPPORTED, "%s: sequential file is read-only", f->path);
    fst_entry *e = &f->entries[idx];
    /* The record's own generic header is marked deleted as well (librmn does
     * it at close; doing it now keeps a crashed writer's file consistent). */
    uint32_t w[2] = {(255u << 24) | (uint32_t)(e->record_bytes / 8), (uint32_t)(e->record_offset / 8 + 1)};
    fst_host_to_be32(w, 2);
    int st = fst_pwrite_all(f, w, sizeof w, e->record_offset);
    if (st) return st;
    s->pages[e->bk_a].dirty = 1;
    s->header[H_NEFF]++;
    if (s->header[H_NREC] > 0) s->header[H_NREC]--;
    s->header_dirty = 1;
    return FST24_OK;
}

static int xdf_rewrite_meta(struct fst24_file *f, int64_t idx) {
    xdf_state *s = state(f);
    if (s->sequential) return fst_error(FST24_E_UNSUPPORTED, "%s: sequential file is read-only", f->path);
    s->pages[f->entries[idx].bk_a].dirty = 1;
    return FST24_OK;
}

static int xdf_read_payload(struct fst24_file *f, const fst_entry *e, uint32_t *words, size_t nwords) {
    uint32_t aux[2];
    int st = fst_pread_all(f, aux, sizeof aux, e->record_offset + 72);
    if (st) return st;
    if (aux[0] != 0 && aux[1] != 0) {
        char name[5];
        fst_decode_chars6(e->desc[D_NOMVAR_DASIZ] >> 8, 4, name);
        return fst_error(FST24_E_UNSUPPORTED, "%s: record %s at offset %lld has auxiliary keys of an unknown version",
                         f->path, name, (long long)e->record_offset);
    }
    if ((int64_t)nwords * 4 > e->payload_bytes)
        return fst_error(FST24_E_INVALID, "%s: payload request of %zu words exceeds the record", f->path, nwords);
    st = fst_pread_all(f, words, nwords * 4, e->payload_offset);
    if (st) return st;
    fst_be32_to_host(words, nwords);
    return FST24_OK;
}

/* Rewrite every modified page from the entries, with a fresh checksum. */
static int write_dirty_pages(struct fst24_file *f) {
    xdf_state *s = state(f);
    uint32_t *page = NULL;
    int64_t first = 0;
    int st = FST24_OK;
    for (int p = 0; p < s->npages; p++) {
        xdf_page *pg = &s->pages[p];
        if (pg->dirty) {
            if (!page && !(page = malloc(XDF_PAGE_BYTES)))
                return fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
            memset(page, 0, XDF_PAGE_BYTES);
            page[0] = XDF_PAGE_LNG;
            page[1] = (uint32_t)(pg->offset / 8 + 1);
            page[4] = pg->nxt;
            page[5] = (uint32_t)pg->nent;
            for (int j = 0; j < pg->nent; j++) entry_to_words(&f->entries[first + j], page + 8 + XDF_ENTRY_WORDS * j);
            uint32_t sum = 0;
            for (int i = 4; i < XDF_PAGE_WORDS; i++) sum ^= page[i];
            page[6] = sum;
            fst_host_to_be32(page, XDF_PAGE_WORDS);
            if ((st = fst_pwrite_all(f, page, XDF_PAGE_BYTES, pg->offset))) break;
            pg->dirty = 0;
        }
        first += pg->nent;
    }
    free(page);
    return st;
}

static int xdf_flush(struct fst24_file *f) {
    xdf_state *s = state(f);
    if (!f->writable || s->sequential) return FST24_OK;
    int st = write_dirty_pages(f);
    if (!st) st = write_header(f, s->header[H_RWFLG] ? s->header[H_RWFLG] : 3);
    return st;
}

static void xdf_discard(struct fst24_file *f) {
    xdf_state *s = state(f);
    if (s) free(s->pages);
    free(s);
    f->bk = NULL;
}

static int xdf_close(struct fst24_file *f) {
    xdf_state *s = state(f);
    int st = FST24_OK;
    if (s && f->writable && !s->sequential) {
        st = xdf_flush(f);
        if (!st) st = write_header(f, 0);
    }
    xdf_discard(f);
    return st;
}

/* rwflg of an existing XDF file, from its header alone. */
static int xdf_write_flag(struct fst24_file *f, unsigned *flag) {
    uint8_t b[XDF_HEADER_WORDS * 4];
    *flag = 0;
    if (f->file_size < (int64_t)sizeof b) return FST24_OK;
    int st = fst_pread_all(f, b, sizeof b, 0);
    if (st) return st;
    if (memcmp(b + 12, "STDR", 4) && memcmp(b + 12, "STDS", 4)) return FST24_OK;
    *flag = fst_load_be32(b + 4 * H_RWFLG);
    return FST24_OK;
}

const fst_backend_ops fst_xdf_backend = {
    .name = "XDF",
    .open_existing = xdf_open_existing,
    .create = xdf_create,
    .append = xdf_append,
    .delete_entry = xdf_delete,
    .rewrite_meta = xdf_rewrite_meta,
    .read_payload = xdf_read_payload,
    .flush = xdf_flush,
    .close = xdf_close,
    .discard = xdf_discard,
    .write_flag = xdf_write_flag,
    .salvage = fst_xdf_salvage,
};
