/*
 * Internal to the XDF backend: layout constants (CONTAINER.md §2), the
 * per-file state behind fst24_file.bk, and the helpers that xdf.c (open,
 * write) shares with xdf_salvage.c (repair of damaged files).
 */
#ifndef FST24_XDF_INTERNAL_H
#define FST24_XDF_INTERNAL_H
#include <stdint.h>
#include "fst_internal.h"

#define XDF_HEADER_WORDS 52       /* 26 U64 = 208 bytes */
#define XDF_HEADER_LNG 26
#define XDF_PAGE_LNG 2308         /* U64 per directory page */
#define XDF_PAGE_BYTES (XDF_PAGE_LNG * 8)
#define XDF_PAGE_WORDS (XDF_PAGE_LNG * 2)
#define XDF_ENTRIES_PER_PAGE 256
#define XDF_MAX_PAGES 1024
#define XDF_ENTRY_WORDS 18        /* 72 bytes */
#define XDF_KEY_BYTES 80          /* descriptor copy + auxiliary keys */
#define XDF_MAX_LNG 0xFFFFFF      /* 24-bit record length in U64 */
#define XDF_MAX_FILE_BYTES (8LL << 30) /* librmn's practical limit */

/* Header word indices (CONTAINER.md §2.3). */
enum {
    H_IDTYP_LNG = 0, H_ADDR = 1, H_VRSN = 2, H_SIGN = 3, H_FSIZ = 4, H_NRWR = 5, H_NXTN = 6,
    H_NBD = 7, H_PLST = 8, H_NBIG = 9, H_PRM = 10, H_AUX = 11, H_NEFF = 12, H_NREC = 13,
    H_RWFLG = 14, H_RESERVED = 15
};

typedef struct xdf_page {
    int64_t offset;   /* byte offset of the page */
    int nent;         /* used entries */
    uint32_t nxt;     /* nxt_addr as stored */
    int dirty;
} xdf_page;

typedef struct xdf_state {
    uint32_t header[XDF_HEADER_WORDS]; /* host order */
    xdf_page *pages;
    int npages, cap_pages;
    int sequential;   /* no directory: read-only */
    int header_dirty;
} xdf_state;

static inline uint32_t fourcc(const char *s) {
    return ((uint32_t)(unsigned char)s[0] << 24) | ((uint32_t)(unsigned char)s[1] << 16) |
           ((uint32_t)(unsigned char)s[2] << 8) | (uint32_t)(unsigned char)s[3];
}

static inline int64_t addr_to_offset(uint32_t addr) { return ((int64_t)addr - 1) * 8; }

/* Fill e from the 18 host-order words of a directory entry (or of the
 * descriptor copy in front of a record) found at directory `page`, `slot`. */
void fst_xdf_entry_from_words(struct fst24_file *f, fst_entry *e, const uint32_t *w, int page, int slot);

/* Does the record an entry points to carry a descriptor copy agreeing with the
 * entry (address, length, shape)? 1 yes and identical, 2 yes but fields a
 * metadata edit may change differ, 0 no, < 0 read error. */
int fst_xdf_entry_matches_record(struct fst24_file *f, const uint32_t *entry_words);
/* The same check against a descriptor copy at byte `off` (not where the entry points). */
int fst_xdf_entry_matches_at(struct fst24_file *f, const uint32_t *entry_words, int64_t off);

/* Read a sequential file (records back to back, no directory) into f->entries. */
int fst_xdf_read_sequential(struct fst24_file *f);

#endif
