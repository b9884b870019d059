/*
 * Internal: the columnar metadata index shared by its modules
 *   index.c        building (threads over files), merging, column access
 *   index_scan.c   one file's directory -> one part (raw and decoded columns)
 *   index_grid.c   grid_id and vcode of a part (grid descriptors, !! records)
 *   index_cols.c   the column table (names, types) and column buffers
 *   index_store.c  the index's columns (the store) and one file's view of them
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
    int width;                /* FIXED_TEXT: bytes a row */
} fst_icol_def;

extern const fst_icol_def fst_icol_defs[FST24_COL_COUNT];

/* One column's storage, laid out as Arrow buffers. In the store every buffer
 * is allocated with fst_icol_alloc (64-byte aligned) and freed with free();
 * in a file's view (fst_iview) they belong to the view's arena or to the
 * store, except `values` when `borrowed` is 0 (a text that outgrew its
 * arena slice, ext_meta). */
typedef struct fst_icol {
    int present;
    int borrowed;      /* values not owned by this column (arena or store) */
    int in_block;      /* store: validity and offsets are in its block (values too, borrowed, but UTF8 text) */
    uint8_t *validity; /* nullable columns: one bit per row (1 = valid) */
    int64_t null_count;
    void *values;      /* values / bits / utf8 characters / dictionary codes / fixed text */
    int32_t *offsets;  /* UTF8: rows + 1 */
    int64_t chars_len; /* UTF8: bytes used in values */
    int64_t chars_cap; /* UTF8: bytes allocated in values */
} fst_icol;

/* Rows as columns: the index's store (rows used, cap allocated), or a file's
 * view of its rows (rows == cap). */
typedef struct fst_ipart {
    int64_t rows;
    int64_t cap;
    fst_icol col[FST24_COL_COUNT];
    void *block; /* store: one allocation for every column's fixed-size buffers (index_store.c) */
} fst_ipart;

/* One file's rows while it is scanned: fixed-width columns of the index
 * write straight into the store at row r0 (workers own disjoint row ranges);
 * bitmaps, text and the columns computed only as inputs live in one arena,
 * copied into the store in file order (fst_iview_commit). */
typedef struct fst_iview {
    fst_ipart part; /* rows = the file's rows; row 0 is store row r0 */
    uint64_t mask;  /* columns of the index */
    uint64_t need;  /* columns filled: the mask and the inputs of decoded columns */
    int64_t r0;
    void *arena;
    /* decoding scratch (in the arena when decoded columns are needed) */
    float *vals;
    int *kinds, *level_kinds;
    int64_t *secs;
    uint8_t *ok;
} fst_iview;

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
    uint64_t mask; /* columns present */
    int64_t rows;
    fst_strlist paths;  /* one per file, in order */
    int64_t *file_rows; /* rows of each file */
    fst_iskip *skipped;
    int64_t nskipped, cap_skipped;
    fst_ipart *merged; /* the columns (the store), rows in file order; path filled when frozen */
    /* frozen: the path dictionary, the store trimmed to its rows */
    pthread_mutex_t freeze_lock; /* two threads may export at once: one freezes */
    int frozen;
    int32_t *file_code;  /* each file's code in the path dictionary */
    int64_t dict_length; /* distinct paths (a file given twice is one entry) */
    int32_t *dict_offsets;
    char *dict_chars;
    int refs; /* owner + live Arrow exports (atomic) */
};

/* Is column `id` in a FST24_INDEX_COLUMN mask? */
#define FST_ICOL_IN(mask, id) ((int)(((mask) >> (id)) & 1))

/* ---- column buffers (index_cols.c) -------------------------------------- */

void *fst_icol_alloc(size_t bytes); /* 64-byte aligned, NULL on failure */
/* A large buffer (the store's block, the export's string views): 2 MiB aligned and advised
 * for transparent huge pages from 4 MiB on (a few page faults instead of thousands when it
 * is first written); fst_icol_alloc below. Freed with free(). */
void *fst_icol_block_alloc(size_t bytes);
size_t fst_icol_width(fst24_column_type type); /* bytes per value; 0 for BOOL/UTF8/FIXED_TEXT */
/* Bytes per row of column id's values buffer when that is fixed (numbers, FIXED_TEXT); 0 for
 * BOOL and UTF8. */
size_t fst_icol_row_bytes(int id);
/* Characters a short text column needs per row at most (0: unbounded, ext_meta). */
int64_t fst_icol_max_chars(int id);
/* Append one UTF8 value (row `r` of a column being filled in order). */
int fst_icol_put_str(fst_icol *c, int64_t r, const char *s, size_t len);
/* Mark row r null / valid. */
static inline void fst_icol_set_null(fst_icol *c, int64_t r) {
    c->validity[r >> 3] &= (uint8_t) ~(1u << (r & 7));
    c->null_count++;
}
static inline void fst_icol_set_bit(uint8_t *bits, int64_t r) { bits[r >> 3] |= (uint8_t)(1u << (r & 7)); }
void fst_icol_free(fst_icol *c);
void fst_ipart_free(fst_ipart *p);

/* ---- the store and the views (index_store.c) ------------------------------ */

/* A new empty store with the columns of `mask` (capacity 0). */
int fst_istore_new(uint64_t mask, fst_ipart **out);
/* Grow the store to at least `cap` rows, keeping its rows. */
int fst_istore_reserve(fst_ipart *s, int64_t cap);
/* Give back the capacity beyond the rows (when the index is frozen). */
void fst_istore_fit(fst_ipart *s);
/* Bytes allocated by the store. */
int64_t fst_istore_memory(const fst_ipart *s);
/* Columns a scan fills for `mask`: the header columns (the decoded ones and
 * the grid pass read them), the decoded ones asked for, is_descriptor when
 * grid ids or vcodes are. */
uint64_t fst_index_needed_columns(uint64_t mask);
/* A view of `n` rows of the store from row r0 (reserved), for one file. */
int fst_iview_init(fst_iview *v, fst_ipart *store, uint64_t mask, int64_t r0, int64_t n, const char *path);
/* Write the view's bitmaps into the store at its row r0 (thread-safe against
 * views of other rows). */
void fst_iview_publish_bits(const fst_iview *v, fst_ipart *store);
/* Append the view's rows to the store (single thread, in file order): its
 * rows move from r0 to the store's end if they differ (a file skipped
 * before it), its text and null counts are added. */
int fst_iview_commit(fst_iview *v, fst_ipart *store, const char *path);
void fst_iview_free(fst_iview *v);

/* ---- scanning (index_scan.c, index_grid.c) ------------------------------- */

/* Valid (not deleted) records of an open file (takes its directory lock). */
int64_t fst_index_count_rows(fst24_file *f);
/* Scan the valid records of an open file (its directory lock is taken) into
 * a view made for them. If the file's valid records are no longer the
 * view's row count (another thread wrote it meanwhile), nothing is filled
 * and *changed is set. */
int fst_index_scan_file(fst24_file *f, fst_iview *v, int *changed);

/* grid_id and vcode of a part scanned from `f` (present columns only).
 * `desc` / `desc_rows` are the records and row numbers of its `ndesc`
 * descriptor rows (positional payloads are read for content hashes);
 * `level_kinds` the decoded kind of every row's ip1 (needed for vcode). */
int fst_index_grid_ids(fst24_file *f, fst_ipart *p, const fst24_record *desc, const int64_t *desc_rows, int64_t ndesc,
                       const int *level_kinds);

/* ---- the index ------------------------------------------------------------ */

/* Merge the parts (once) and build the path dictionary. */
int fst_index_freeze(fst24_index *ix);
void fst_index_ref(fst24_index *ix);
void fst_index_unref(fst24_index *ix);

#endif
