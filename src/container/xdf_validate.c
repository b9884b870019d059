/*
 * Structural validation of an XDF file (docs/format/xdf.md#xdf-reading): header
 * and key descriptors, directory page chain and checksums, every directory
 * entry against the descriptor copy in front of its data, self-addressed
 * linear walk, record counters. Sequential files: header and linear walk.
 */
#include "container/validate.h"

#include <stdlib.h>
#include <string.h>
#include "common/bytes.h"
#include "common/error.h"
#include "container/rsf_checkutil.h"

enum {
    XH_WORDS = 52, /* FST header: 26 U64 */
    XP_LNG = 2308, /* directory page length in U64 */
    XP_BYTES = XP_LNG * 8,
    XP_ENTRIES = 256,
    XE_WORDS = 18, /* 72-byte entry */
    XR_HEAD = 80   /* descriptor copy + auxiliary keys */
};

/* Bits of descriptor W32 0..17 that a metadata edit (docs/format/xdf.md#xdf-delete) cannot change:
 * the entry and the copy in front of the data must agree on them. */
static const uint32_t stable_mask[XE_WORDS] = {
    0xFFFFFFFFu,
    0xFFFFFFFFu, /* idtyp/lng, addr */
    0x000000FFu,
    0xFFFFFF00u, /* nbits; ni (gtyp editable) */
    0xFFFFFFFFu,
    0xFFFFFFFFu, /* nj/datyp, nk/ubc */
    0x0000003Fu, /* pad7 (npas editable) */
    0,
    0,
    0,
    0,
    0, /* ig1-4, etiket */
    0x000000FFu,
    0x000000FFu, /* ni_b; dasiz */
    0x0000000Fu,
    0x0000000Fu,
    0x0000000Fu, /* levtyp, nj_b, nj_c */
    0            /* date */
};

static void load_words(uint32_t *w, const uint8_t *b, size_t n) {
    for (size_t i = 0; i < n; i++) w[i] = fst_load_be32(b + 4 * i);
}

static void check_header(check_ctx *c, const uint32_t *h, int sequential) {
    if ((h[0] >> 24) != 0) fst_check_problem(c, "header idtyp %u, expected 0", h[0] >> 24);
    if ((h[0] & 0xFFFFFF) != 26) fst_check_problem(c, "header length %u U64, expected 26", h[0] & 0xFFFFFF);
    if (h[1] != 0) fst_check_problem(c, "header address %u, expected 0", h[1]);
    if (h[10] != 0x00100009u) fst_check_problem(c, "nprm/lprm 0x%08X, expected 16 keys in 9 U64", h[10]);
    if (h[11] != 0x00020001u) fst_check_problem(c, "naux/laux 0x%08X, expected 2 keys in 1 U64", h[11]);
    if (h[14] != 0) fst_check_problem(c, "write flag (rwflg) %u set: file open for writing or a writer crashed", h[14]);
    if (h[15] != 0) fst_check_problem(c, "reserved header word is %u, expected 0", h[15]);
    if (!sequential && (int64_t)h[4] * 8 != c->size)
        fst_check_problem(c, "header file size %u U64 (%lld bytes) but the file has %lld bytes", h[4],
                          (long long)h[4] * 8, (long long)c->size);
    for (int k = 0; k < 18; k++) {
        char name[5];
        uint32_t want;
        if (k < 16) {
            snprintf(name, sizeof name, "SF%02d", k + 1);
            want = ((uint32_t)(32 * (k + 1) - 1) << 19) | (31u << 14);
        } else {
            snprintf(name, sizeof name, "AXI%d", k - 15);
            want = ((uint32_t)(32 * (k - 15) - 1) << 19) | (31u << 14);
        }
        uint8_t got[4];
        fst_store_be32(got, h[16 + 2 * k]);
        if (memcmp(got, name, 4) || h[17 + 2 * k] != want)
            fst_check_problem(c, "key descriptor %d is \"%.4s\" 0x%08X, expected \"%s\" 0x%08X", k, got, h[17 + 2 * k],
                              name, want);
    }
}

/* One directory entry against the record it addresses. */
static void check_entry(check_ctx *c, const uint32_t *e, int page, int slot, check_set *refs, int64_t *valid,
                        int64_t *deleted, uint32_t *max_lng) {
    unsigned idtyp = e[0] >> 24, lng = e[0] & 0xFFFFFF;
    uint32_t addr = e[1];
    if (idtyp == 255)
        (*deleted)++;
    else if (idtyp >= 1 && idtyp <= 126)
        (*valid)++;
    else {
        fst_check_problem(c, "page %d entry %d: idtyp %u is neither a record (1) nor deleted (255)", page, slot, idtyp);
        return;
    }
    if (lng > *max_lng) *max_lng = lng;
    int64_t off = ((int64_t)addr - 1) * 8;
    if (addr == 0 || lng < XR_HEAD / 8 || off + (int64_t)lng * 8 > c->size) {
        fst_check_problem(c, "page %d entry %d: record at address %u (%u U64) outside the file", page, slot, addr, lng);
        return;
    }
    fst_check_set_add(refs, off);
    uint8_t b[XR_HEAD];
    if (fst_check_read(c, b, sizeof b, off, "record header")) return;
    uint32_t r[XR_HEAD / 4];
    load_words(r, b, XR_HEAD / 4);
    for (int i = 0; i < XE_WORDS; i++)
        if ((r[i] ^ e[i]) & stable_mask[i]) {
            fst_check_problem(c,
                              "page %d entry %d: descriptor word %d is 0x%08X in the directory but 0x%08X in "
                              "front of the data (address %u)",
                              page, slot, i, e[i], r[i], addr);
            break;
        }
    if (r[18] && r[19]) fst_check_problem(c, "record at address %u: both auxiliary keys are non-zero", addr);
}

/* Directory pages: chain, checksums, entries, unused slots. */
static void check_pages(check_ctx *c, const uint32_t *h, check_set *refs, check_set *pages) {
    uint32_t nbd = h[7], plst = h[8], nbig = h[9], nrec = h[13];
    int64_t off = 26 * 8, valid = 0, deleted = 0;
    uint32_t max_lng = 0, last_addr = 0;
    uint8_t *b = malloc(XP_BYTES);
    uint32_t *w = malloc(XP_BYTES);
    if (!b || !w) {
        fst_check_problem(c, "out of memory");
        free(b);
        free(w);
        return;
    }
    for (uint32_t k = 0; k < nbd; k++) {
        if (fst_check_read(c, b, XP_BYTES, off, "directory page")) break;
        load_words(w, b, XP_BYTES / 4);
        fst_check_set_add(pages, off);
        uint32_t addr = (uint32_t)(off / 8 + 1);
        last_addr = addr;
        if (w[0] != (uint32_t)XP_LNG || w[1] != addr)
            fst_check_problem(c, "page %u at byte %lld: header 0x%08X addr %u, expected lng 2308 addr %u", k + 1,
                              (long long)off, w[0], w[1], addr);
        /* reserved3 (W32 7) may hold stale bytes in librmn files; 1 and 2 are zero. */
        if (w[2] || w[3]) fst_check_problem(c, "page %u: reserved words not zero", k + 1);
        uint32_t x = 0;
        for (int i = 4; i < XP_BYTES / 4; i++) x ^= w[i];
        if (x) fst_check_problem(c, "page %u: checksum mismatch (xor 0x%08X)", k + 1, x);
        uint32_t nent = w[5];
        if (nent > XP_ENTRIES) {
            fst_check_problem(c, "page %u: %u entries (max 256)", k + 1, nent);
            nent = XP_ENTRIES;
        }
        /* Unused slots are not checked: librmn leaves stale bytes there (ref/append.xdf.fst). */
        for (uint32_t j = 0; j < nent; j++)
            check_entry(c, w + 8 + XE_WORDS * j, (int)k + 1, (int)j, refs, &valid, &deleted, &max_lng);
        uint32_t nxt = w[4];
        if (k + 1 < nbd) {
            if (nxt == 0 || ((int64_t)nxt - 1) * 8 + XP_BYTES > c->size) {
                fst_check_problem(c, "page %u: next page address %u invalid (%u pages announced)", k + 1, nxt, nbd);
                break;
            }
            off = ((int64_t)nxt - 1) * 8;
        } else if (nxt != 0) {
            fst_check_problem(c, "last page %u links to address %u", k + 1, nxt);
        }
    }
    if (nbd && last_addr != plst) fst_check_problem(c, "last page address %u but header plst %u", last_addr, plst);
    if (valid != nrec)
        fst_check_problem(c, "header counts %u records, directory has %lld valid entries", nrec, (long long)valid);
    if (max_lng > nbig) fst_check_problem(c, "record of %u U64 larger than header nbig %u", max_lng, nbig);
    free(b);
    free(w);
}

/* Linear walk: every structure's address is its own position (docs/format/xdf.md#xdf-structure-header). */
static void walk_random(check_ctx *c, const uint32_t *h, const check_set *refs, const check_set *pages) {
    int64_t end = (int64_t)h[4] * 8, off = 26 * 8;
    if (end > c->size) end = c->size;
    int64_t records = 0;
    while (off < end) {
        uint8_t b[8];
        if (fst_check_read(c, b, 8, off, "structure header")) return;
        uint32_t w0 = fst_load_be32(b), addr = fst_load_be32(b + 4);
        uint32_t lng = w0 & 0xFFFFFF;
        if (addr != (uint32_t)(off / 8 + 1) || lng == 0) {
            fst_check_problem(c,
                              "linear walk: structure at byte %lld has address %u and length %u (expected "
                              "address %lld)",
                              (long long)off, addr, lng, (long long)(off / 8 + 1));
            return;
        }
        if ((w0 >> 24) == 0) {
            if (!fst_check_set_has(pages, off))
                fst_check_problem(c, "directory page at byte %lld is not in the page chain", (long long)off);
        } else {
            records++;
            if (!fst_check_set_has(refs, off))
                fst_check_problem(c, "record at byte %lld is not in the directory", (long long)off);
        }
        off += (int64_t)lng * 8;
    }
    if (off != end)
        fst_check_problem(c, "linear walk ends at byte %lld, file size says %lld", (long long)off, (long long)end);
    if ((size_t)records != refs->n)
        fst_check_problem(c, "linear walk found %lld records, directory has %zu entries", (long long)records, refs->n);
}

/* Sequential: records each followed by a 16-byte postfix, then an EOF marker. */
static void walk_sequential(check_ctx *c) {
    int64_t off = 26 * 8;
    for (;;) {
        uint8_t b[8];
        if (c->size - off < 8) {
            fst_check_problem(c, "sequential file ends without an end-of-file marker");
            return;
        }
        if (fst_check_read(c, b, 8, off, "record header")) return;
        uint32_t w0 = fst_load_be32(b), addr = fst_load_be32(b + 4);
        unsigned idtyp = w0 >> 24, lng = w0 & 0xFFFFFF;
        if (idtyp == 127) {
            if (off + 8 != c->size)
                fst_check_problem(c, "%lld bytes after the end-of-file marker", (long long)(c->size - off - 8));
            return;
        }
        if (lng == 0 || (idtyp != 255 && (idtyp == 0 || idtyp > 126)) || off + (int64_t)lng * 8 + 16 > c->size) {
            fst_check_problem(c, "sequential walk: bad record at byte %lld (idtyp %u, lng %u, addr %u)", (long long)off,
                              idtyp, lng, addr);
            return;
        }
        off += (int64_t)lng * 8;
        uint8_t p[16];
        if (fst_check_read(c, p, 16, off, "postfix")) return;
        if (fst_load_be32(p) != 0x00000002u || fst_load_be32(p + 4) != 0xFFFFFFFFu || fst_load_be32(p + 8) != w0 ||
            fst_load_be32(p + 12) != addr)
            fst_check_problem(c, "sequential walk: bad postfix at byte %lld", (long long)off);
        off += 16;
    }
}

int fst_xdf_validate(const char *path, FILE *report) {
    check_ctx c;
    int st = fst_check_open(&c, path, report);
    if (st) return st;
    uint8_t b[XH_WORDS * 4];
    if (fst_check_read(&c, b, sizeof b, 0, "file header")) {
        fst_check_close(&c);
        return c.problems;
    }
    uint32_t h[XH_WORDS];
    load_words(h, b, XH_WORDS);
    int version_ok = !memcmp(b + 8, "XDF0", 4) || !memcmp(b + 8, "xdf0", 4);
    int random = !memcmp(b + 12, "STDR", 4), sequential = !memcmp(b + 12, "STDS", 4);
    if (!version_ok) fst_check_problem(&c, "XDF version \"%.4s\", expected XDF0", b + 8);
    if (!random && !sequential) {
        fst_check_problem(&c, "signature \"%.4s\" is not STDR or STDS", b + 12);
        fst_check_close(&c);
        return c.problems;
    }
    if (random && h[7] == 0) {
        fst_check_problem(&c, "STDR file without directory pages (sequential layout labelled random)");
        sequential = 1;
    }
    check_header(&c, h, sequential);
    if (sequential) {
        walk_sequential(&c);
    } else {
        check_set refs = {0}, pages = {0};
        check_pages(&c, h, &refs, &pages);
        fst_check_set_sort(&refs);
        fst_check_set_sort(&pages);
        for (size_t i = 1; i < refs.n; i++)
            if (refs.v[i] == refs.v[i - 1])
                fst_check_problem(&c, "two directory entries address byte %lld", (long long)refs.v[i]);
        walk_random(&c, h, &refs, &pages);
        fst_check_set_free(&refs);
        fst_check_set_free(&pages);
    }
    fst_check_close(&c);
    return c.problems;
}
