/*
 * The index's columns (the store) and one file's view of them.
 *
 * Files are scanned in parallel straight into the store: once the row counts
 * of a batch of files are known (their directories are read at open), each
 * file gets its first row r0 and its worker writes the fixed-width columns
 * there, so no per-file column is allocated, copied or freed. What cannot be
 * written in place lives in one arena per file: bitmaps (the bytes at the
 * edges of a file's rows are shared with its neighbours: they are published
 * with atomic operations), text (its position in the store is known only once
 * the files before it are done: copied in file order) and the columns
 * computed only as inputs of decoded ones.
 */
#include <stdlib.h>
#include <string.h>

#include "index/index_internal.h"

/* ---- the store -------------------------------------------------------------- */

static size_t nbits_bytes(int64_t rows) { return (size_t)(rows + 7) / 8; }

/* Replace *buf by a buffer of `bytes` holding its first `keep` bytes. */
static int regrow(void **buf, size_t bytes, size_t keep) {
    void *p = fst_icol_alloc(bytes);
    if (!p) return FST24_E_NOMEM;
    if (keep) memcpy(p, *buf, keep);
    free(*buf);
    *buf = p;
    return FST24_OK;
}

/* The store's fixed-size buffers (validity, booleans, UTF8 offsets, fixed-width values) of
 * every column live in one block, so that a large index takes transparent huge pages: 2 MiB
 * pages fault in 512 times less often than the 4 KiB pages of forty separate buffers, whose
 * faults were a fifth of the time of indexing 1,000 small files (docs/performance.md). UTF8
 * characters grow apart. */
#define BLOCK_ALIGN ((size_t)64)

static size_t block_round(size_t n) { return (n + BLOCK_ALIGN - 1) & ~(BLOCK_ALIGN - 1); }

/* Bytes of column c's validity (first) and values/offsets (second) buffers for `rows` rows. */
static void buffer_bytes(int id, int64_t rows, size_t *validity, size_t *values) {
    const fst_icol_def *d = &fst_icol_defs[id];
    *validity = d->nullable ? nbits_bytes(rows) : 0;
    if (d->type == FST24_CT_BOOL)
        *values = nbits_bytes(rows);
    else if (d->type == FST24_CT_UTF8)
        *values = (size_t)(rows + 1) * sizeof(int32_t); /* the offsets */
    else
        *values = (size_t)rows * fst_icol_row_bytes(id);
}

/* Move the store's fixed-size buffers to a new block of `cap` rows, keeping its rows. */
static int move_to_block(fst_ipart *s, int64_t cap) {
    size_t total = 0;
    for (int id = 0; id < FST24_COL_COUNT; id++) {
        if (!s->col[id].present) continue;
        size_t a, b;
        buffer_bytes(id, cap, &a, &b);
        total += block_round(a) + block_round(b);
    }
    char *block = fst_icol_block_alloc(total ? total : 1);
    if (!block) return FST24_E_NOMEM;
    size_t at = 0;
    for (int id = 0; id < FST24_COL_COUNT; id++) {
        fst_icol *c = &s->col[id];
        if (!c->present) continue;
        const int utf8 = fst_icol_defs[id].type == FST24_CT_UTF8;
        size_t a, b, keep_a, keep_b;
        buffer_bytes(id, cap, &a, &b);
        buffer_bytes(id, s->rows, &keep_a, &keep_b);
        uint8_t *validity = a ? (uint8_t *)block + at : NULL;
        at += block_round(a);
        char *values = block + at;
        at += block_round(b);
        if (validity && c->validity) memcpy(validity, c->validity, keep_a);
        void *old = utf8 ? (void *)c->offsets : c->values;
        if (old) memcpy(values, old, keep_b);
        if (!c->in_block) {
            free(c->validity);
            if (utf8)
                free(c->offsets);
            else if (!c->borrowed)
                free(c->values);
        }
        c->validity = validity;
        if (utf8) {
            c->offsets = (int32_t *)(void *)values;
        } else {
            c->values = values;
            c->borrowed = 1;
        }
        c->in_block = 1;
    }
    free(s->block);
    s->block = block;
    s->cap = cap;
    return FST24_OK;
}

int fst_istore_reserve(fst_ipart *s, int64_t cap) {
    if (cap <= s->cap) return FST24_OK;
    if (move_to_block(s, cap)) return fst_error(FST24_E_NOMEM, "index: out of memory for %lld rows", (long long)cap);
    return FST24_OK;
}

int fst_istore_new(uint64_t mask, fst_ipart **out) {
    *out = NULL;
    fst_ipart *s = calloc(1, sizeof *s);
    if (!s) return fst_error(FST24_E_NOMEM, "index: out of memory");
    for (int id = 0; id < FST24_COL_COUNT; id++) {
        if (!FST_ICOL_IN(mask, id)) continue;
        fst_icol *c = &s->col[id];
        c->present = 1;
        const fst_icol_def *d = &fst_icol_defs[id];
        c->values = fst_icol_alloc(0);
        if (d->nullable) c->validity = fst_icol_alloc(0);
        if (d->type == FST24_CT_UTF8) {
            c->offsets = fst_icol_alloc(sizeof(int32_t));
            if (c->offsets) c->offsets[0] = 0;
            c->chars_cap = 64;
        }
        if (!c->values || (d->nullable && !c->validity) || (d->type == FST24_CT_UTF8 && !c->offsets)) {
            fst_ipart_free(s);
            return fst_error(FST24_E_NOMEM, "index: out of memory");
        }
    }
    *out = s;
    return FST24_OK;
}

/* Shrink a buffer to `bytes` (realloc keeps at least malloc's 16-byte alignment). */
static void shrink(void **buf, size_t bytes) {
    void *p = realloc(*buf, bytes ? bytes : 1);
    if (p) *buf = p;
}

void fst_istore_fit(fst_ipart *s) {
    for (int id = 0; id < FST24_COL_COUNT; id++) {
        fst_icol *c = &s->col[id];
        if (c->present && fst_icol_defs[id].type == FST24_CT_UTF8 && c->chars_cap > c->chars_len) {
            shrink(&c->values, (size_t)c->chars_len);
            c->chars_cap = c->chars_len;
        }
    }
    /* Reservations follow the files seen so far, exact for a uniform archive: a block larger
     * than the rows is copied to an exact one (or kept when memory is short). */
    if (s->cap > s->rows && s->block) move_to_block(s, s->rows);
}

int64_t fst_istore_memory(const fst_ipart *s) {
    if (!s) return 0;
    int64_t total = 0, nbits = (int64_t)nbits_bytes(s->cap);
    for (int i = 0; i < FST24_COL_COUNT; i++) {
        const fst_icol *c = &s->col[i];
        if (!c->present) continue;
        const fst_icol_def *d = &fst_icol_defs[i];
        if (c->validity) total += nbits;
        if (d->type == FST24_CT_UTF8)
            total += (s->cap + 1) * 4 + c->chars_cap;
        else if (d->type == FST24_CT_BOOL)
            total += nbits;
        else
            total += s->cap * (int64_t)fst_icol_row_bytes(i);
    }
    return total;
}

/* ---- a file's view ------------------------------------------------------------ */

uint64_t fst_index_needed_columns(uint64_t mask) {
    uint64_t need = FST24_INDEX_HEADER_COLUMNS & ~FST24_INDEX_COLUMN(FST24_COL_PATH);
    need |= mask & ~FST24_INDEX_HEADER_COLUMNS;
    if (FST_ICOL_IN(mask, FST24_COL_GRID_ID) || FST_ICOL_IN(mask, FST24_COL_VCODE))
        need |= FST24_INDEX_COLUMN(FST24_COL_IS_DESCRIPTOR);
    return need;
}

/* The next `bytes` of the arena (16-byte aligned); with base NULL, only
 * counts (the first of the two passes of view_layout). */
static void *carve(char *base, size_t *off, size_t bytes) {
    size_t at = (*off + 15) & ~(size_t)15;
    *off = at + bytes;
    return base ? base + at : NULL;
}

static void view_layout(fst_iview *v, fst_ipart *store, char *base, size_t *off) {
    int64_t n = v->part.rows;
    size_t nb = nbits_bytes(n);
    for (int id = 0; id < FST24_COL_COUNT; id++) {
        if (!FST_ICOL_IN(v->need, id)) continue;
        const fst_icol_def *d = &fst_icol_defs[id];
        fst_icol *c = &v->part.col[id];
        c->present = 1;
        c->borrowed = 1;
        if (d->nullable) {
            c->validity = carve(base, off, nb);
            if (base) memset(c->validity, 0xFF, nb);
        }
        if (d->type == FST24_CT_BOOL) {
            c->values = carve(base, off, nb);
            if (base) memset(c->values, 0, nb);
        } else if (d->type == FST24_CT_UTF8) {
            c->offsets = carve(base, off, (size_t)(n + 1) * sizeof(int32_t));
            if (base) c->offsets[0] = 0;
            c->chars_cap = fst_icol_max_chars(id) * n;
            c->values = c->chars_cap ? carve(base, off, (size_t)c->chars_cap) : NULL; /* ext_meta: grows */
        } else {
            size_t w = fst_icol_row_bytes(id);
            if (FST_ICOL_IN(v->mask, id))
                c->values = base ? (char *)store->col[id].values + (size_t)v->r0 * w : NULL;
            else
                c->values = carve(base, off, (size_t)n * w);
        }
    }
    if (v->need & FST24_INDEX_DECODED_COLUMNS) {
        v->vals = carve(base, off, (size_t)n * sizeof *v->vals);
        v->kinds = carve(base, off, (size_t)n * sizeof *v->kinds);
        v->level_kinds = carve(base, off, (size_t)n * sizeof *v->level_kinds);
        v->secs = carve(base, off, (size_t)n * sizeof *v->secs);
        v->ok = carve(base, off, (size_t)n);
    }
}

int fst_iview_init(fst_iview *v, fst_ipart *store, uint64_t mask, int64_t r0, int64_t n, const char *path) {
    memset(v, 0, sizeof *v);
    v->mask = mask;
    v->need = fst_index_needed_columns(mask);
    v->r0 = r0;
    v->part.rows = v->part.cap = n;
    size_t bytes = 0;
    view_layout(v, store, NULL, &bytes);
    v->arena = malloc(bytes ? bytes : 1);
    if (!v->arena) {
        memset(&v->part, 0, sizeof v->part);
        return fst_error(FST24_E_NOMEM, "%s: index: out of memory for %lld rows", path, (long long)n);
    }
    size_t used = 0;
    view_layout(v, store, v->arena, &used);
    return FST24_OK;
}

void fst_iview_free(fst_iview *v) {
    for (int id = 0; id < FST24_COL_COUNT; id++)
        if (v->part.col[id].present && !v->part.col[id].borrowed) free(v->part.col[id].values);
    free(v->arena);
    memset(v, 0, sizeof *v);
}

/* Write bits 0..n-1 of src at bits d0.. of dst. The first and last bytes may
 * hold rows of other files that other threads write at the same time: they
 * are changed with atomic operations on this file's bits only. */
static void bits_put(uint8_t *dst, int64_t d0, const uint8_t *src, int64_t n) {
    if (n <= 0) return;
    int64_t end = d0 + n, b0 = d0 >> 3, nbytes = ((end - 1) >> 3) - b0 + 1, srcbytes = (n + 7) / 8;
    int shift = (int)(d0 & 7);
    for (int64_t j = 0; j < nbytes; j++) {
        unsigned lo = j > 0 ? (unsigned)src[j - 1] >> (8 - shift) : 0u; /* shift 0: nothing */
        unsigned hi = j < srcbytes ? (unsigned)src[j] << shift : 0u;
        uint8_t val = (uint8_t)(lo | hi), mask = 0xFF;
        if (j == 0) mask &= (uint8_t)(0xFFu << shift);
        if (j == nbytes - 1) mask &= (uint8_t)(0xFFu >> (7 - (int)((end - 1) & 7)));
        uint8_t *p = dst + b0 + j;
        if (mask == 0xFF) {
            *p = val;
        } else {
            __atomic_fetch_and(p, (uint8_t)(~mask | val), __ATOMIC_RELAXED);
            __atomic_fetch_or(p, (uint8_t)(val & mask), __ATOMIC_RELAXED);
        }
    }
}

static void publish_bits_at(const fst_iview *v, fst_ipart *store, int64_t r) {
    for (int id = 0; id < FST24_COL_COUNT; id++) {
        if (!FST_ICOL_IN(v->mask, id) || !v->part.col[id].present) continue;
        const fst_icol *c = &v->part.col[id];
        if (c->validity) bits_put(store->col[id].validity, r, c->validity, v->part.rows);
        if (fst_icol_defs[id].type == FST24_CT_BOOL) bits_put(store->col[id].values, r, c->values, v->part.rows);
    }
}

void fst_iview_publish_bits(const fst_iview *v, fst_ipart *store) { publish_bits_at(v, store, v->r0); }

int fst_iview_commit(fst_iview *v, fst_ipart *store, const char *path) {
    int64_t n = v->part.rows, at = store->rows;
    if (at + n > store->cap) return fst_error(FST24_E_INVALID, "%s: index: rows beyond the reserved ones", path);
    if (at != v->r0) {
        /* a file before this one was skipped after its rows were reserved: close the gap */
        for (int id = 0; id < FST24_COL_COUNT; id++) {
            size_t w = fst_icol_row_bytes(id);
            if (!FST_ICOL_IN(v->mask, id) || id == FST24_COL_PATH || !w) continue;
            memmove((char *)store->col[id].values + (size_t)at * w, (char *)store->col[id].values + (size_t)v->r0 * w,
                    (size_t)n * w);
        }
        publish_bits_at(v, store, at);
    }
    for (int id = 0; id < FST24_COL_COUNT; id++) {
        if (!FST_ICOL_IN(v->mask, id) || id == FST24_COL_PATH) continue;
        fst_icol *s = &store->col[id];
        const fst_icol *c = &v->part.col[id];
        s->null_count += c->null_count;
        if (fst_icol_defs[id].type != FST24_CT_UTF8) continue;
        int64_t base = s->chars_len, end = base + c->chars_len;
        if (end > INT32_MAX)
            return fst_error(FST24_E_LIMIT, "%s: index: more than 2 GiB of text in column %s", path,
                             fst_icol_defs[id].name);
        if (end > s->chars_cap) {
            int64_t cap = 2 * s->chars_cap > end ? 2 * s->chars_cap : end;
            if (regrow(&s->values, (size_t)cap, (size_t)base))
                return fst_error(FST24_E_NOMEM, "%s: index: out of memory for %lld bytes of text", path,
                                 (long long)cap);
            s->chars_cap = cap;
        }
        if (c->chars_len) memcpy((char *)s->values + base, c->values, (size_t)c->chars_len);
        for (int64_t r = 1; r <= n; r++) s->offsets[at + r] = (int32_t)base + c->offsets[r];
        s->chars_len = end;
    }
    store->rows = at + n;
    return FST24_OK;
}
