/*
 * 1989 random standard files (read only).
 *
 * Layout (big-endian 32-bit words; see docs/format-notes.md, "1989 random files"):
 *   - a 120-byte header: W0 = W1 = 0x55555555, W2 = directory capacity in
 *     entries, W4 = number of directory entries in use;
 *   - the directory right after it: 60-byte entries (15 words) with 16-bit
 *     ni/nj/ip fields, 8-bit ASCII names and addresses/lengths in 16-bit units;
 *   - records: the packed payload only (no descriptor copy, no auxiliary keys).
 * Entries are converted to the 1998 descriptor the way librmn does when it
 * opens such a file, so that every header field, key and date agrees with it.
 */
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "fst_internal.h"
#include "meta/date_internal.h"

#define F89_SIGN 0x55555555u
#define F89_HEADER_BYTES 120
#define F89_ENTRY_WORDS 15
#define F89_ENTRY_BYTES (F89_ENTRY_WORDS * 4)
/* librmn spreads the converted entries over in-memory pages of 256; the record
 * handle has 12 bits of page number. */
#define F89_ENTRIES_PER_PAGE 256
#define F89_MAX_ENTRIES (4096 * F89_ENTRIES_PER_PAGE)

/* Header word indices. */
enum { H89_SIGN1 = 0, H89_SIGN2 = 1, H89_DIRSIZ = 2, H89_NUTIL = 4 };

/* One directory entry, unpacked from its 15 big-endian words. */
typedef struct f89_entry {
    uint32_t swa, lng;          /* start address and length, 16-bit units */
    uint32_t ni, nj, nk, npas, deet;
    uint32_t nbits, datyp, grtyp, typvar;
    uint32_t nomvar;            /* two ASCII bytes */
    uint32_t etiq14, etiq56, etiq78; /* eight ASCII bytes */
    uint32_t ip1, ip2, ip3;
    uint32_t ig1, ig2, ig3, ig4;
    uint32_t date;              /* stored stamp word */
    int deleted;
} f89_entry;

static f89_entry unpack_entry(const uint32_t w[F89_ENTRY_WORDS]) {
    f89_entry e;
    e.swa = w[0];
    e.npas = w[1] >> 16;               /* low 16 bits of npas */
    e.nk = (w[1] >> 4) & 0xFFF;
    e.ni = w[2] >> 16;
    e.nj = w[2] & 0xFFFF;
    e.nomvar = w[3] >> 16;
    e.typvar = (w[3] >> 8) & 0xFF;
    e.nbits = w[3] & 0xFF;
    e.ip1 = w[4] >> 16;
    e.ip2 = w[4] & 0xFFFF;
    e.ip3 = w[5] >> 16;
    e.deleted = (int)((w[5] >> 8) & 1);
    e.npas |= (w[5] & 0xFF) << 16;     /* high 8 bits of npas */
    e.etiq14 = w[6];
    e.etiq56 = w[7] >> 16;
    e.etiq78 = w[7] & 0xFFFF;
    e.ig2 = w[9] & 0xFFFF;
    e.ig3 = w[10] >> 16;
    e.ig4 = w[10] & 0xFFFF;
    e.grtyp = w[11] >> 24;
    e.datyp = (w[11] >> 16) & 0xFF;
    e.ig1 = w[11] & 0xFFFF;
    e.date = w[12];
    /* w[13] high half is an old "ubc" field librmn drops */
    e.deet = w[13] & 0xFFFF;
    e.lng = w[14];
    return e;
}

/* librmn's 8-bit to 6-bit character code: fold lower case, then offset by 32.
 * Bytes below 32 (e.g. NUL) wrap, as they do in librmn. */
static uint32_t six(uint32_t c) {
    c &= 0xFF;
    c &= ~((c & 64u) >> 1);
    return (c - 32u) & 0x3Fu;
}

static int32_t wrap32(int64_t v) { return (int32_t)(uint32_t)(uint64_t)v; }

/* The 1989 writer stored the valid date rounded to the hour; librmn moves it
 * back by the rounding when deet*npas is not a whole number of hours. The
 * arithmetic wraps at 32 bits as librmn's int arithmetic does. */
static uint32_t corrected_date(uint32_t stored, uint32_t deet, uint32_t npas) {
    int32_t secs = wrap32((int64_t)deet * (int64_t)npas);
    if (secs % 3600 == 0) return stored;
    int32_t stamp = fst_stored_to_stamp(stored);
    int32_t rounded = wrap32((int64_t)(wrap32((int64_t)secs + 1800) / 3600) * 3600);
    int32_t diff = wrap32((int64_t)secs - rounded);
    int32_t out;
    fst_date_add(stamp, diff / 3600.0, 0, &out); /* failures give librmn's error stamp */
    /* re-encode with signed division, as librmn does */
    return (uint32_t)wrap32(8 * (int64_t)(out / 10) + out % 10);
}

/* Build the 1998 descriptor words (host order) of a valid entry. */
static void entry_to_desc(const f89_entry *o, uint32_t d[FST_DESC_WORDS]) {
    memset(d, 0, FST_DESC_WORDS * sizeof *d);
    d[D_DEET_NBITS] = (o->deet << 8) | o->nbits;
    d[D_NI_GTYP] = (o->ni << 8) | o->grtyp;
    d[D_NJ_DATYP] = (o->nj << 8) | o->datyp;
    d[D_NK_UBC] = o->nk << 12;                  /* ubc dropped */
    d[D_NPAS] = o->npas << 6;
    d[D_IG4_IG2A] = o->ig4 << 8;                /* 16-bit ig2 goes to its low 16 bits */
    d[D_IG1_IG2B] = (o->ig1 << 8) | (o->ig2 >> 8);
    d[D_IG3_IG2C] = (o->ig3 << 8) | (o->ig2 & 0xFF);
    /* eight etiket characters: five in etik15, three in etik6a, the rest blank */
    uint32_t et[8] = {o->etiq14 >> 24, o->etiq14 >> 16, o->etiq14 >> 8, o->etiq14,
                      o->etiq56 >> 8,  o->etiq56,       o->etiq78 >> 8, o->etiq78};
    uint32_t e15 = 0, e6a = 0;
    for (int i = 0; i < 5; i++) e15 = (e15 << 6) | six(et[i]);
    for (int i = 5; i < 8; i++) e6a = (e6a << 6) | six(et[i]);
    e6a <<= 12;
    d[D_ETIK15] = e15 << 2;
    d[D_ETIK6A] = e6a << 2;
    d[D_ETIKBC_TYPVAR] = (six(o->typvar) << 6) << 8;
    d[D_NOMVAR_DASIZ] = ((six(o->nomvar >> 8) << 18) | (six(o->nomvar) << 12)) << 8;
    d[D_IP1] = o->ip1 << 4;
    d[D_IP2] = o->ip2 << 4;
    d[D_IP3] = o->ip3 << 4;
    d[D_DATE] = corrected_date(o->date, o->deet, o->npas);
}

/* Same handle layout as XDF files: open-file index (10 bits, 1 for the first
 * open file), slot in page (9 bits), page (12 bits). */
static int64_t f89_key(int file_slot, int64_t index) {
    int64_t page = index / F89_ENTRIES_PER_PAGE, slot = index % F89_ENTRIES_PER_PAGE;
    return (int64_t)((file_slot + 1) & 0x3FF) | (slot << 10) | (page << 19);
}

/* Fill e from directory entry number `index`; checks that a valid record lies
 * inside the file. */
static int convert_entry(struct fst24_file *f, const f89_entry *o, int64_t index, fst_entry *e) {
    memset(e, 0, sizeof *e);
    e->file_index = (int32_t)index;
    e->key = f89_key(f->slot, index);
    e->num_search_keys = 16;
    e->bk_a = index / F89_ENTRIES_PER_PAGE;
    e->bk_b = index % F89_ENTRIES_PER_PAGE;
    /* librmn: 64-bit address = swa/4 + 1, length in 64-bit units = ceil(lng/4),
     * kept in a 24-bit field */
    int64_t offset = (int64_t)(o->swa >> 2) * 8;
    int64_t bytes = (int64_t)(((o->lng + 3u) >> 2) & 0xFFFFFFu) * 8;
    int in_file = offset + bytes <= f->file_size;
    if (o->deleted) {
        e->flags = FST_ENTRY_DELETED;
        if (in_file) { /* informative only: never read */
            e->record_offset = offset;
            e->record_bytes = bytes;
        }
        return FST24_OK;
    }
    if (!in_file)
        return fst_error(FST24_E_CORRUPT,
                         "%s: 1989 directory entry %lld points past the end of the file "
                         "(record at byte %lld, %lld bytes; file has %lld)",
                         f->path, (long long)index, (long long)offset, (long long)bytes,
                         (long long)f->file_size);
    entry_to_desc(o, e->desc);
    e->record_offset = offset;
    e->record_bytes = bytes;
    e->payload_offset = offset; /* records hold the payload only */
    e->payload_bytes = bytes;
    return FST24_OK;
}

static int fst89_open(struct fst24_file *f) {
    if (f->file_size < F89_HEADER_BYTES)
        return fst_error(FST24_E_CORRUPT,
                         "%s: 1989 random file is truncated: %lld bytes, the header needs %d",
                         f->path, (long long)f->file_size, F89_HEADER_BYTES);
    uint32_t h[F89_HEADER_BYTES / 4];
    int st = fst_pread_all(f, h, sizeof h, 0);
    if (st) return st;
    fst_be32_to_host(h, F89_HEADER_BYTES / 4);
    if (h[H89_SIGN1] != F89_SIGN || h[H89_SIGN2] != F89_SIGN)
        return fst_error(FST24_E_NOT_FST, "%s: no 1989 random-file signature", f->path);
    int64_t n = h[H89_NUTIL];
    int64_t dir_bytes = n * F89_ENTRY_BYTES;
    if (n > F89_MAX_ENTRIES)
        return fst_error(FST24_E_CORRUPT,
                         "%s: 1989 header claims %lld directory entries (at most %d are addressable)",
                         f->path, (long long)n, F89_MAX_ENTRIES);
    if (F89_HEADER_BYTES + dir_bytes > f->file_size)
        return fst_error(FST24_E_CORRUPT,
                         "%s: 1989 random file is truncated: a directory of %lld entries needs %lld "
                         "bytes, file has %lld",
                         f->path, (long long)n, (long long)(F89_HEADER_BYTES + dir_bytes),
                         (long long)f->file_size);
    if (n == 0) return FST24_OK;
    uint32_t *dir = malloc((size_t)dir_bytes);
    if (!dir) return fst_error(FST24_E_NOMEM, "%s: out of memory for %lld directory entries",
                               f->path, (long long)n);
    st = fst_pread_all(f, dir, (size_t)dir_bytes, F89_HEADER_BYTES);
    if (st == FST24_OK) fst_be32_to_host(dir, (size_t)(dir_bytes / 4));
    for (int64_t i = 0; st == FST24_OK && i < n; i++) {
        fst_entry *e = fst_file_new_entry(f);
        if (!e) { st = FST24_E_NOMEM; break; }
        f89_entry o = unpack_entry(dir + i * F89_ENTRY_WORDS);
        st = convert_entry(f, &o, i, e);
        if (st) break;
        if (e->flags & FST_ENTRY_DELETED) f->num_deleted++;
        f->num_entries++;
    }
    free(dir);
    return st;
}

static int fst89_read_payload(struct fst24_file *f, const fst_entry *e, uint32_t *words,
                              size_t nwords) {
    if ((e->flags & FST_ENTRY_DELETED) || (int64_t)nwords * 4 > e->payload_bytes ||
        e->payload_offset + (int64_t)nwords * 4 > f->file_size)
        return fst_error(FST24_E_INVALID,
                         "%s: payload request of %zu words exceeds record %d (%lld bytes)", f->path,
                         nwords, e->file_index, (long long)e->payload_bytes);
    int st = fst_pread_all(f, words, nwords * 4, e->payload_offset);
    if (st) return st;
    fst_be32_to_host(words, nwords);
    return FST24_OK;
}

static int fst89_create(struct fst24_file *f) {
    return fst_error(FST24_E_UNSUPPORTED, "%s: 1989 standard files cannot be created", f->path);
}

static int fst89_append(struct fst24_file *f, fst_entry *e, const uint32_t *payload,
                        size_t nwords, const char *ext_meta) {
    (void)e; (void)payload; (void)nwords; (void)ext_meta;
    return fst_error(FST24_E_UNSUPPORTED, "%s: 1989 standard files are read-only", f->path);
}

static int fst89_modify(struct fst24_file *f, int64_t idx) {
    (void)idx;
    return fst_error(FST24_E_UNSUPPORTED, "%s: 1989 standard files are read-only", f->path);
}

/* Nothing is ever written and no backend state is kept. */
static int fst89_flush(struct fst24_file *f) { (void)f; return FST24_OK; }
static int fst89_close(struct fst24_file *f) { (void)f; return FST24_OK; }
static void fst89_discard(struct fst24_file *f) { (void)f; }

const fst_backend_ops fst_fst89_backend = {
    .name = "FST89",
    .open_existing = fst89_open,
    .create = fst89_create,
    .append = fst89_append,
    .delete_entry = fst89_modify,
    .rewrite_meta = fst89_modify,
    .read_payload = fst89_read_payload,
    .flush = fst89_flush,
    .close = fst89_close,
    .discard = fst89_discard,
};
