/*
 * Internal: the columnar metadata index shared by its modules
 *   index.c        building (threads over files), merging, column access
 *   index_scan.c   one file's directory -> one part (raw and decoded columns)
 *   index_grid.c   grid_id and vcode of a part (grid descriptors, !! records)
 *   index_cols.c   the column table (names, types) and column buffers
 *   arrow.c        Arrow C data / stream export
 */
#ifndef FST24_INDEX_INTERNAL_H
#define FST24_INDEX_INTERNAL_H
#include <stdint.h>

#include "fst24/index.h"
#include "fst_internal.h"

/* Static description of a column. */
typedef struct fst_icol_def {
    const char *name;
    fst24_column_type type;
    int nullable;
    const char *arrow_format; /* for DICT_UTF8: the index format */
} fst_icol_def;

extern const fst_icol_def fst_icol_defs[FST24_COL_COUNT];

/* One column's storage, laid out as Arrow buffers. Every buffer is
 * allocated with fst_icol_alloc (64-byte aligned) and freed with free(). */
typedef struct fst_icol {
    int present;
    uint8_t *validity;    /* nullable columns: one bit per row (1 = valid) */
    int64_t null_count;
    void *values;         /* values / bits / utf8 characters / dictionary codes */
    int32_t *offsets;     /* UTF8: rows + 1 */
    int64_t chars_len;    /* UTF8: bytes used in values */
    int64_t chars_cap;    /* UTF8: bytes allocated in values */
} fst_icol;

/* The rows of one file (or, after merging, of the whole index). */
typedef struct fst_ipart {
    int64_t rows;
    fst_icol col[FST24_COL_COUNT];
} fst_ipart;

/* A growable list of owned strings (the files' paths, one per part). */
typedef struct fst_strlist {
    int64_t n, cap;
    char **items;
} fst_strlist;

typedef struct fst_iskip {
    char *path;
    int status;
    char *message;
} fst_iskip;

struct fst24_index {
    fst24_index_options opts;
    uint64_t mask;            /* columns present */
    /* building */
    fst_ipart **parts;        /* one per file, in order */
    int64_t nparts, cap_parts;
    int64_t rows;
    fst_strlist paths;        /* one per part */
    int64_t *file_rows;       /* rows of each file (kept after merging) */
    fst_iskip *skipped;
    int64_t nskipped, cap_skipped;
    /* frozen: merged columns and the path dictionary */
    pthread_mutex_t freeze_lock; /* two threads may export at once: one merges */
    int frozen;
    fst_ipart *merged;
    int32_t *file_code;       /* each file's code in the path dictionary */
    int64_t dict_length;      /* distinct paths (a file given twice is one entry) */
    int32_t *dict_offsets;
    char *dict_chars;
    int refs;                 /* owner + live Arrow exports (atomic) */
};

/* Is column `id` in a FST24_INDEX_COLUMN mask? */
#define FST_ICOL_IN(mask, id) ((int)(((mask) >> (id)) & 1))

/* ---- column buffers (index_cols.c) -------------------------------------- */

void *fst_icol_alloc(size_t bytes);                 /* 64-byte aligned, NULL on failure */
size_t fst_icol_width(fst24_column_type type);      /* bytes per value; 0 for BOOL/UTF8 */
/* Allocate the buffers of column `id` for `rows` rows (UTF8: chars_hint bytes). */
int fst_icol_init(fst_icol *c, int id, int64_t rows, int64_t chars_hint);
/* Append one UTF8 value (row `r` of a column being filled in order). */
int fst_icol_put_str(fst_icol *c, int64_t r, const char *s, size_t len);
/* Mark row r null / valid. */
static inline void fst_icol_set_null(fst_icol *c, int64_t r) {
    c->validity[r >> 3] &= (uint8_t)~(1u << (r & 7));
    c->null_count++;
}
static inline void fst_icol_set_bit(uint8_t *bits, int64_t r) { bits[r >> 3] |= (uint8_t)(1u << (r & 7)); }
void fst_icol_free(fst_icol *c);
void fst_ipart_free(fst_ipart *p);
int64_t fst_ipart_memory(const fst_ipart *p);
/* Copy `n` bits from src (starting at bit s0) to dst (starting at bit d0). */
void fst_bits_copy(uint8_t *dst, int64_t d0, const uint8_t *src, int64_t s0, int64_t n);

/* ---- scanning (index_scan.c, index_grid.c) ------------------------------- */

/* Scan the valid records of an open file (its directory lock is taken) into
 * a new part with the columns of `mask` (decoded columns imply the raw ones
 * they need; those are dropped again). */
int fst_index_scan_file(fst24_file *f, uint64_t mask, fst_ipart **out);

/* grid_id and vcode of a part scanned from `f` (present columns only).
 * `desc` / `desc_rows` are the records and row numbers of its `ndesc`
 * descriptor rows (positional payloads are read for content hashes);
 * `level_kinds` the decoded kind of every row's ip1 (needed for vcode). */
int fst_index_grid_ids(fst24_file *f, fst_ipart *p, const fst24_record *desc, const int64_t *desc_rows,
                       int64_t ndesc, const int *level_kinds);

/* ---- the index ------------------------------------------------------------ */

/* Merge the parts (once) and build the path dictionary. */
int fst_index_freeze(fst24_index *ix);
void fst_index_ref(fst24_index *ix);
void fst_index_unref(fst24_index *ix);

#endif
