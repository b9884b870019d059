/* fst24/index.h - the metadata index: every record of one or many FST files
 * as columns (a struct of arrays), with decoded levels, dates, data types,
 * grid identifiers and vertical-coordinate codes, exported through the Arrow
 * C data and stream interfaces.
 *
 * This header is not pulled in by fst24.h: include it on its own (it
 * includes fst24.h). It declares the Arrow C ABI structs (ArrowSchema,
 * ArrowArray, ArrowArrayStream) behind the standard guard macros, so it can
 * be combined with Arrow's own abi.h or nanoarrow in any order.
 *
 *   fst24_index *ix;
 *   fst24_index_new(NULL, &ix);                      // default columns, all cores
 *   fst24_index_add_paths(ix, paths, n, 0);          // files scanned in parallel
 *   fst24_index_column c;
 *   fst24_index_get_column(ix, FST24_COL_LEVEL, &c); // c.values: double[c.length]
 *   struct ArrowArrayStream s;
 *   fst24_index_export_stream(ix, 0, &s);            // hand it to any Arrow consumer
 *   fst24_index_free(ix);                            // exports keep their data alive
 *
 * Rows are the valid (not deleted) records of each file in directory order,
 * files in the order they were added. Column values equal what fst24_record
 * and the IP/date functions give for the same record. The column schema
 * (names, types, meaning) is documented in docs/index.md.
 *
 * Thread safety: an index is built by one thread at a time (the library
 * runs its own worker threads inside fst24_index_add_paths). Once built
 * (after the first fst24_index_get_column or export) it is immutable and may
 * be read by any number of threads; exports may be released from any thread.
 */
#ifndef FST24_INDEX_H
#define FST24_INDEX_H
#include <stddef.h>
#include <stdint.h>

#include "../fst24.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Arrow C data / stream interface ABI (as specified by Apache Arrow)       */
/* ------------------------------------------------------------------------ */

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
    const char *format;
    const char *name;
    const char *metadata;
    int64_t flags;
    int64_t n_children;
    struct ArrowSchema **children;
    struct ArrowSchema *dictionary;
    void (*release)(struct ArrowSchema *);
    void *private_data;
};

struct ArrowArray {
    int64_t length;
    int64_t null_count;
    int64_t offset;
    int64_t n_buffers;
    int64_t n_children;
    const void **buffers;
    struct ArrowArray **children;
    struct ArrowArray *dictionary;
    void (*release)(struct ArrowArray *);
    void *private_data;
};

#endif /* ARROW_C_DATA_INTERFACE */

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
    int (*get_schema)(struct ArrowArrayStream *, struct ArrowSchema *out);
    int (*get_next)(struct ArrowArrayStream *, struct ArrowArray *out);
    const char *(*get_last_error)(struct ArrowArrayStream *);
    void (*release)(struct ArrowArrayStream *);
    void *private_data;
};

#endif /* ARROW_C_STREAM_INTERFACE */

/* ------------------------------------------------------------------------ */
/* Columns                                                                  */
/* ------------------------------------------------------------------------ */

/* Column identifiers, in the order the columns appear in the index. The
 * first group (up to FST24_COL_IG4) holds the stored header fields; the
 * second the decoded values; FST24_COL_EXT_META is only there on request. */
typedef enum fst24_index_column_id {
    FST24_COL_PATH = 0,           /* dictionary of the distinct paths (as given)   */
    FST24_COL_KEY,                /* int64: fst24_record.key                       */
    FST24_COL_FILE_OFFSET,        /* int64: byte offset of the record              */
    FST24_COL_TOTAL_STORED_BYTES, /* int64: record size on disk                    */
    FST24_COL_NOMVAR,             /* fixed text (4 bytes), trailing blanks removed */
    FST24_COL_TYPVAR,             /* fixed text (2)                                */
    FST24_COL_ETIKET,             /* fixed text (12)                               */
    FST24_COL_GRTYP,              /* fixed text (1): the raw byte (Latin-1)        */
    FST24_COL_IP1,                /* int32 ...                                     */
    FST24_COL_IP2,
    FST24_COL_IP3,
    FST24_COL_NI,
    FST24_COL_NJ,
    FST24_COL_NK,
    FST24_COL_DATEO, /* int32 CMC stamps                              */
    FST24_COL_DATEV,
    FST24_COL_DEET,
    FST24_COL_NPAS,
    FST24_COL_DATA_TYPE, /* uint8: datyp with flags 64/128                */
    FST24_COL_DATA_BITS, /* uint8                                         */
    FST24_COL_PACK_BITS, /* uint8                                         */
    FST24_COL_IG1,       /* int32                                         */
    FST24_COL_IG2,
    FST24_COL_IG3,
    FST24_COL_IG4,
    FST24_COL_LEVEL,      /* float64, null where ip1 is not a level kind   */
    FST24_COL_LEVEL_KIND, /* int8: ip1 kind, -1 undecodable                */
    FST24_COL_LEVEL_UNIT, /* utf8 (null with level)                        */
    FST24_COL_IP2_VALUE,  /* float64, null where ip2 is undecodable        */
    FST24_COL_IP2_KIND,   /* int8                                          */
    FST24_COL_IP3_VALUE,
    FST24_COL_IP3_KIND,
    FST24_COL_DATEO_TIME, /* timestamp[us, UTC], null if not a date        */
    FST24_COL_DATEV_TIME,
    FST24_COL_FORECAST_PERIOD, /* duration[us]: deet*npas s (null on overflow)  */
    FST24_COL_DATA_TYPE_NAME,  /* utf8: type letters + pack_bits ("E32", "f16") */
    FST24_COL_COMPRESSED,      /* bool: data_type & 128                         */
    FST24_COL_HAS_MISSING,     /* bool: data_type & 64                          */
    FST24_COL_GRID_ID,         /* int64 (>= 0), null for vertical descriptors   */
    FST24_COL_IS_DESCRIPTOR,   /* bool: >> ^^ ^> !! ## #>>#  #^^# #### HY PROJ MTRX */
    FST24_COL_VCODE,           /* int32, null unless a !! record gives it       */
    FST24_COL_EXT_META,        /* utf8: RSF extended metadata, null if none     */
    FST24_COL_COUNT
} fst24_index_column_id;

/* Column masks for fst24_index_options.columns. */
#define FST24_INDEX_COLUMN(id) ((uint64_t)1 << (id))
#define FST24_INDEX_HEADER_COLUMNS ((FST24_INDEX_COLUMN(FST24_COL_IG4) << 1) - 1)
#define FST24_INDEX_DECODED_COLUMNS (((FST24_INDEX_COLUMN(FST24_COL_VCODE) << 1) - 1) & ~FST24_INDEX_HEADER_COLUMNS)
#define FST24_INDEX_DEFAULT_COLUMNS (FST24_INDEX_HEADER_COLUMNS | FST24_INDEX_DECODED_COLUMNS)

/* Physical types of the columns (Arrow format in brackets). */
typedef enum fst24_column_type {
    FST24_CT_BOOL = 1,     /* bit-packed, LSB first ("b")                        */
    FST24_CT_INT8,         /* "c" */
    FST24_CT_UINT8,        /* "C" */
    FST24_CT_INT32,        /* "i" */
    FST24_CT_INT64,        /* "l" */
    FST24_CT_FLOAT64,      /* "g" */
    FST24_CT_UTF8,         /* int32 offsets + characters ("u")                   */
    FST24_CT_TIMESTAMP_US, /* int64 microseconds since 1970-01-01 UTC ("tsu:UTC") */
    FST24_CT_DURATION_US,  /* int64 microseconds ("tDu")                         */
    FST24_CT_DICT_UTF8,    /* int32 codes into a utf8 dictionary                 */
    FST24_CT_FIXED_TEXT    /* `width` bytes a row, NUL-padded (a value of `width`
                              bytes has no NUL); exported to Arrow as utf8 ("u",
                              or "vu"), the bytes read as Latin-1 (the header's
                              names are ASCII; grtyp is one raw byte)            */
} fst24_column_type;

/* A read-only view of one column. Pointers stay valid until the index is
 * freed. Row r of a column is null when validity is non-NULL and bit r of
 * validity is 0 (test with fst24_index_bit). */
typedef struct fst24_index_column {
    const char *name; /* "nomvar", "level", ... */
    fst24_index_column_id id;
    fst24_column_type type;
    int64_t length; /* rows */
    int64_t null_count;
    const uint8_t *validity; /* NULL: no nulls */
    const void *values;      /* BOOL: bits; fixed width: values; UTF8: characters;
                                  DICT_UTF8: int32 codes; FIXED_TEXT: width bytes a row */
    const int32_t *offsets;  /* UTF8: length+1 offsets into values */
    /* DICT_UTF8: the dictionary (dict_length strings) */
    int64_t dict_length;
    const int32_t *dict_offsets;
    const char *dict_chars;
    int32_t width; /* FIXED_TEXT: bytes a row */
} fst24_index_column;

/* Bit r of an Arrow bitmap (validity or BOOL values). */
static inline int fst24_index_bit(const uint8_t *bits, int64_t r) { return (bits[r >> 3] >> (r & 7)) & 1; }

/* Name of a column id ("path", "key", ...), NULL if out of range. */
FST24_API const char *fst24_index_column_name(int id);
/* Column id of a name, or -1. */
FST24_API int fst24_index_column_id_of(const char *name);

/* ------------------------------------------------------------------------ */
/* Building an index                                                        */
/* ------------------------------------------------------------------------ */

/* A metadata index (opaque): fst24_index_new() makes one, fst24_index_free() frees it. */
typedef struct fst24_index fst24_index;

typedef struct fst24_index_options {
    int threads;         /* files scanned in parallel: 0 = one thread per core */
    uint64_t columns;    /* FST24_INDEX_COLUMN(id) bits; 0 = FST24_INDEX_DEFAULT_COLUMNS */
    int skip_errors;     /* 1: a file that cannot be read is skipped and listed
                           (fst24_index_skipped); 0: the whole call fails */
    int64_t reserved[4]; /* room for future options: leave at 0 */
} fst24_index_options;
/* Every option at its default (one thread per core, default columns, errors fail the call). */
#define FST24_INDEX_OPTIONS_INIT                                                                                       \
    {                                                                                                                  \
        0, 0, 0, { 0, 0, 0, 0 }                                                                                        \
    }

/* Flags of fst24_index_add_paths. */
enum {
    /* Files that are not FST files at all (other content, empty, BURP) are
     * skipped silently: for directory listings and glob results. */
    FST24_INDEX_SKIP_NOT_FST = 1
};

/* New empty index. `opts` may be NULL (default columns, one thread per core,
 * errors fail the call). */
FST24_API int fst24_index_new(const fst24_index_options *opts, fst24_index **out);

/* Open, scan and close `n` files, appending their rows in the given order.
 * Files are opened in batches (at most 256 open at once) and scanned by
 * parallel threads straight into the index's columns. On failure (without
 * skip_errors) nothing of this call is added and the message names the first
 * failing file in file order. */
FST24_API int fst24_index_add_paths(fst24_index *index, const char *const *paths, int64_t n, int flags);

/* Append the rows of an open file (not of the files linked to it). The file
 * stays open; it may be written by other threads meanwhile (the rows are
 * those present when its directory is read). */
FST24_API int fst24_index_add_file(fst24_index *index, fst24_file *file);

/* Rows so far. */
FST24_API int64_t fst24_index_num_rows(const fst24_index *index);
/* Files that contributed (possibly zero) rows, in order, and their paths. */
FST24_API int64_t fst24_index_num_files(const fst24_index *index);
FST24_API const char *fst24_index_file_path(const fst24_index *index, int64_t file);
/* Rows of one file (its rows follow those of the files before it); <0 if
 * `file` is out of range. */
FST24_API int64_t fst24_index_file_rows(const fst24_index *index, int64_t file);
/* Files skipped because of errors (skip_errors): count, and for each its
 * path, status and message (valid until the index is freed). */
FST24_API int64_t fst24_index_num_skipped(const fst24_index *index);
FST24_API int fst24_index_skipped(const fst24_index *index, int64_t i, const char **path, int *status,
                                  const char **message);

/* A view of one column (FST24_E_INVALID if the column is not in the index).
 * The first call freezes the index: later additions fail. */
FST24_API int fst24_index_get_column(fst24_index *index, fst24_index_column_id id, fst24_index_column *out);

/* Bytes of memory held by the index's columns. */
FST24_API int64_t fst24_index_memory(const fst24_index *index);

/* Free an index (NULL accepted). Arrow exports keep the data alive until
 * they are released. */
FST24_API void fst24_index_free(fst24_index *index);

/* ------------------------------------------------------------------------ */
/* Arrow export                                                             */
/* ------------------------------------------------------------------------ */

/* Flags of the exports. */
enum {
    /* Short text columns (all but ext_meta: at most 12 bytes a value) as
     * Arrow string views ("vu", values inline) instead of offsets + characters
     * ("u"): what Polars stores, so it takes them without conversion. Built at
     * export (16 bytes a row and column), owned by the exported arrays. */
    FST24_ARROW_STRING_VIEW = 1
};

/* The index as one Arrow record batch: a struct schema (one field per
 * column, in column order) and a struct array. The buffers are the index's
 * own (zero copy, except string views); the exported structs hold a
 * reference on the index until they are released. `flags`: FST24_ARROW_*.
 * Freezes the index. */
FST24_API int fst24_index_export(fst24_index *index, int flags, struct ArrowSchema *schema, struct ArrowArray *array);

/* The index as an Arrow stream of one record batch (none when the index has
 * no rows). Freezes the index. */
FST24_API int fst24_index_export_stream(fst24_index *index, int flags, struct ArrowArrayStream *stream);

/* ------------------------------------------------------------------------ */
/* From index rows back to records                                          */
/* ------------------------------------------------------------------------ */

/* Look up `n` records of an open file by key (fst24_record.key, the index's
 * key column) in one pass: out[i] receives the record of keys[i]. A key that
 * is not (or no longer) a valid record of the file gives FST24_E_NO_RECORD
 * naming the file and the key. */
FST24_API int fst24_get_records_by_key(fst24_file *file, const int64_t *keys, int64_t n, fst24_record *out);

#ifdef __cplusplus
}
#endif
#endif /* FST24_INDEX_H */
