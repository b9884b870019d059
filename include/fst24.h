/*
 * fst24.h - the public C API of libfst24, a standalone reader/writer of RPN
 * Standard Files (FST), XDF and RSF backends.
 *
 * This is the one header applications include. The topic headers under
 * fst24/ (levels, dates, grids, vertical descriptors, filters) are pulled in
 * here; each also compiles on its own (it includes this header). The metadata
 * index and its Arrow export (fst24/index.h) is included separately, when
 * wanted.
 *
 * Conventions
 *  - Every function returns an int status: FST24_OK (0) or a negative
 *    FST24_E_* code. Functions that answer a yes/no question (find_next)
 *    return 1 / 0 for found / not found and a negative code on error.
 *  - After a failure, fst24_last_error() gives a thread-local message naming
 *    the file, the record and the field involved.
 *  - The library never prints anything.
 *  - Thread safety: different files may be used from different threads
 *    freely. One file may be read (queries, reads) from many threads at once;
 *    writes to one file are serialised internally. A query object must not be
 *    shared by threads without external locking.
 */
#ifndef FST24_H
#define FST24_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of fst24: the one place it is written. CMake (project VERSION), the Python
 * package (its metadata and fst24.__version__) and fst24_version() all read these three
 * lines; keep them together and in this form. */
#define FST24_VERSION_MAJOR 0
#define FST24_VERSION_MINOR 1
#define FST24_VERSION_PATCH 0
/* One integer that grows with the version, for #if tests: 10000*major + 100*minor + patch. */
#define FST24_VERSION_NUMBER (FST24_VERSION_MAJOR * 10000 + FST24_VERSION_MINOR * 100 + FST24_VERSION_PATCH)
#define FST24_VERSION_STR_(x) #x
#define FST24_VERSION_STR(x) FST24_VERSION_STR_(x)
/* "MAJOR.MINOR.PATCH" */
#define FST24_VERSION_STRING                                                                                           \
    FST24_VERSION_STR(FST24_VERSION_MAJOR)                                                                             \
    "." FST24_VERSION_STR(FST24_VERSION_MINOR) "." FST24_VERSION_STR(FST24_VERSION_PATCH)

#if defined(_WIN32)
#define FST24_API
#else
#define FST24_API __attribute__((visibility("default")))
#endif

/* ------------------------------------------------------------------------ */
/* Status codes and errors                                                  */
/* ------------------------------------------------------------------------ */

typedef enum fst24_status {
    FST24_OK = 0,
    FST24_E_IO = -1,            /* read/write/seek failed */
    FST24_E_NOT_FOUND = -2,     /* file does not exist */
    FST24_E_PERMISSION = -3,    /* access denied */
    FST24_E_NOT_FST = -4,       /* not an FST file (or empty) */
    FST24_E_CORRUPT = -5,       /* structure damaged / truncated */
    FST24_E_UNSUPPORTED = -6,   /* valid but not supported by this version */
    FST24_E_INVALID = -7,       /* bad argument or record field */
    FST24_E_NO_RECORD = -8,     /* no record matches / bad key */
    FST24_E_DECODE = -9,        /* payload cannot be decoded */
    FST24_E_NOMEM = -10,        /* allocation failed */
    FST24_E_READONLY = -11,     /* write to a file opened read-only */
    FST24_E_CLOSED = -12,       /* use of a closed file */
    FST24_E_MEMORY_LIMIT = -13, /* allocation would exceed the memory limit */
    FST24_E_LOCKED = -14,       /* another writer holds the file */
    FST24_E_LIMIT = -15         /* a format limit would be exceeded */
} fst24_status;

/* Message describing the last failure in the calling thread ("" if none). */
FST24_API const char *fst24_last_error(void);
/* Status code of the last failure in the calling thread (FST24_OK if none). */
FST24_API int fst24_last_status(void);
/* Short constant name of a status code, e.g. "FST24_E_CORRUPT". */
FST24_API const char *fst24_status_name(int status);
/* Forget the last error of the calling thread. */
FST24_API void fst24_clear_error(void);
/* Library version string. */
FST24_API const char *fst24_version(void);

/* ------------------------------------------------------------------------ */
/* Data types                                                               */
/* ------------------------------------------------------------------------ */

/* Stored data type codes (datyp). Flags may be or-ed onto a base type. */
enum {
    FST24_TYPE_BINARY = 0,         /* X: raw bits */
    FST24_TYPE_REAL_OLD_QUANT = 1, /* R: linear quantiser */
    FST24_TYPE_UNSIGNED = 2,       /* I */
    FST24_TYPE_CHAR = 3,           /* C */
    FST24_TYPE_SIGNED = 4,         /* S */
    FST24_TYPE_REAL_IEEE = 5,      /* E */
    FST24_TYPE_REAL = 6,           /* F: shared-exponent packer */
    FST24_TYPE_STRING = 7,         /* A */
    FST24_TYPE_COMPLEX = 8,        /* Z */
    FST24_TYPE_MISSING_FLAG = 64,  /* some points are missing values */
    FST24_TYPE_COMPRESSED = 128,   /* lossless compression stage */
    FST24_TYPE_BASE_MASK = 63      /* data_type & FST24_TYPE_BASE_MASK: the base type, flags removed */
};

/* Element type of an unpacked array in memory. */
typedef enum fst24_elem_type {
    FST24_ELEM_NONE = 0,
    FST24_ELEM_F32,
    FST24_ELEM_F64,
    FST24_ELEM_U8,
    FST24_ELEM_U16,
    FST24_ELEM_U32,
    FST24_ELEM_U64,
    FST24_ELEM_I8,
    FST24_ELEM_I16,
    FST24_ELEM_I32,
    FST24_ELEM_I64
} fst24_elem_type;

/* Size in bytes of one element (0 for NONE). */
FST24_API size_t fst24_elem_size(fst24_elem_type type);
/* Short name: "f32", "f64", "u8", ... "i64" ("none"). */
FST24_API const char *fst24_elem_name(fst24_elem_type type);

/* ------------------------------------------------------------------------ */
/* Records                                                                  */
/* ------------------------------------------------------------------------ */

/*
 * The header of one record. Field names follow librmn's fst24 API.
 * Strings are NUL terminated and blank padded to their full width, exactly
 * as stored ("TT  ", "P ", "K4H9ST1A    ").
 *
 * As a search criterion (fst24_record_init_criteria) -1 integers and blank
 * strings are wildcards.
 */
typedef struct fst24_record {
    char nomvar[5];  /* variable name, 4 chars */
    char typvar[3];  /* field type, 2 chars */
    char etiket[13]; /* label, 12 chars */
    char grtyp[2];   /* grid type, 1 char (raw byte) */
    int32_t ip1, ip2, ip3;
    int32_t ni, nj, nk;
    int32_t dateo;     /* origin date stamp (derived from datev, deet, npas) */
    int32_t datev;     /* valid date stamp (stored) */
    int32_t deet;      /* time step length, seconds */
    int32_t npas;      /* time step number */
    int32_t data_type; /* datyp incl. flags 64/128 */
    int32_t data_bits; /* element size of the unpacked data (8/16/32/64) */
    int32_t pack_bits; /* stored bits per element (nbits) */
    int32_t ig1, ig2, ig3, ig4;

    /* Position and container information (read only; set by the library). */
    int64_t key;                /* librmn-compatible handle (unique while file open) */
    int32_t file_index;         /* XDF: page*256+slot; RSF: directory index */
    int32_t num_meta_bytes;     /* RSF: 4*metadata words; XDF: 0 */
    int64_t file_offset;        /* byte offset of the record in its file */
    int64_t total_stored_bytes; /* record size on disk, headers included */
    int32_t fst_version;        /* RSF: FST metadata version; XDF: 0 */
    int32_t num_search_keys;    /* RSF: 19; XDF: 16 */
    int32_t extended_meta_size; /* RSF: extended metadata size in 32-bit words */
    int32_t ubc;                /* unused bit count field (normally 0) */

    /* Private to the library: where the record came from. Not part of the API: do not read or
     * write them (use fst24_record_file() and fst24_record_detach()); they are here only so
     * that a record can live on the caller's stack. */
    struct fst24_file *file;
    int64_t entry;
} fst24_record;

/* A record with every field set to its wildcard (-1 / blanks). */
FST24_API void fst24_record_init_criteria(fst24_record *rec);
/* A record with sensible defaults for writing: blank strings, ip/ig 0,
 * ni=nj=nk=1, dates 0, data_type E (5), 32 bits. */
FST24_API void fst24_record_init(fst24_record *rec);
/* The file a record was read from or written to (NULL for a record not yet written or
 * detached). Valid while that file is open. */
FST24_API struct fst24_file *fst24_record_file(const fst24_record *rec);
/* Forget the file a record came from, keeping every header field: the record can then be
 * written as a new one (to any file) and is no longer accepted by reads or fst24_delete. */
FST24_API void fst24_record_detach(fst24_record *rec);
/* Set a string field from a C string (upper-cased except grtyp, blank padded to the field
 * width). `field` is "nomvar", "typvar", "etiket" or "grtyp". FST24_E_INVALID, naming the
 * field, for a value longer than the field (trailing blanks do not count) or with a character
 * outside printable ASCII (which the 6-bit code cannot store). */
FST24_API int fst24_record_set_string(fst24_record *rec, const char *field, const char *value);

/* Element type and element count of the array fst24_read_data() returns for a
 * record (missing values decoded). Counts every element (2*n for complex,
 * n bytes for characters, ceil(n*pack_bits/8) bytes for odd binary). */
FST24_API int fst24_record_data_layout(const fst24_record *rec, fst24_elem_type *type, size_t *count);

/* Type letter(s) as printed by librmn listings ("E", "R", "f", "Rm", ...). */
FST24_API void fst24_type_letters(int data_type, char out[3]);

/* ------------------------------------------------------------------------ */
/* Files                                                                    */
/* ------------------------------------------------------------------------ */

/* An open file (opaque): fst24_open() makes one, fst24_close() frees it. */
typedef struct fst24_file fst24_file;

typedef enum fst24_backend {
    FST24_BACKEND_DEFAULT = 0, /* existing file: by content; new file: FST_OPTIONS or XDF */
    FST24_BACKEND_XDF = 1,
    FST24_BACKEND_RSF = 2
} fst24_backend;

/* Check every header field of `rec` against what a file of `backend` can store (XDF or RSF:
 * their limits differ, e.g. ni < 2^24 in XDF, < 2^31 in RSF), as fst24_write does before
 * writing (which, unlike this check, stores a negative deet or npas as 0). FST24_OK, or
 * FST24_E_INVALID with a message naming the field and its allowed range. */
FST24_API int fst24_record_check(const fst24_record *rec, fst24_backend backend);

typedef enum fst24_open_mode {
    FST24_MODE_READ = 0,   /* read only; file must exist */
    FST24_MODE_UPDATE = 1, /* read/write; created if missing ("r+"/"a") */
    FST24_MODE_CREATE = 2  /* read/write; an existing file is truncated ("w") */
} fst24_open_mode;

typedef struct fst24_open_options {
    fst24_backend backend; /* for new files */
    int parallel;          /* RSF: open for parallel writing by several processes (an XDF file
                              opened for writing with it: FST24_E_INVALID; ignored read-only) */
    int force_write;       /* ignore a stale write flag left by a crashed writer */
    int64_t segment_size;  /* RSF parallel: bytes each writer reserves per segment, rounded up so
                              that the segment ends on a 1 MiB boundary (0 = FST_OPTIONS
                              SEGMENT_SIZE_MB=n, else 1000 MiB). Every flush of every writer
                              reserves a new segment: the file's apparent size grows by this much
                              (holes take no disk space; docs/rsf.md) */
    int keep_missing_flag; /* Ignored (kept for source compatibility): a compressed write that falls
                              back to the plain type always keeps the +64 missing flag, so that the
                              missing points read back as missing (librmn drops the flag). */
    int64_t reserved[4];   /* room for future options: leave at 0 */
} fst24_open_options;
/* Every option at its default: `fst24_open_options o = FST24_OPEN_OPTIONS_INIT;` (or a
 * designated initialiser, which zeroes the fields it does not name). */
#define FST24_OPEN_OPTIONS_INIT                                                                                        \
    {                                                                                                                  \
        FST24_BACKEND_DEFAULT, 0, 0, 0, 0, { 0, 0, 0, 0 }                                                              \
    }

/* Open (or create) a file. `opts` may be NULL. */
FST24_API int fst24_open(const char *path, fst24_open_mode mode, const fst24_open_options *opts, fst24_file **out);
/* Open with a librmn-style option string: "R/O", "R/W", "RSF", "XDF",
 * "PARALLEL", "FORCE-WRITE", "SEGMENT_SIZE_MB=n" joined with '+'. */
FST24_API int fst24_open_str(const char *path, const char *options, fst24_file **out);
/* Flush, release the write flag, free everything. NULL is accepted. */
FST24_API int fst24_close(fst24_file *file);
/* Make every record written so far durable and visible to new readers. */
FST24_API int fst24_flush(fst24_file *file);

/* Detect the kind of file by content. */
typedef enum fst24_file_kind {
    FST24_KIND_MISSING = -3,
    FST24_KIND_EMPTY = -2,
    FST24_KIND_UNREADABLE = -1,
    FST24_KIND_OTHER = 0,       /* not an FST file */
    FST24_KIND_XDF = 1,         /* XDF random standard file */
    FST24_KIND_XDF_SEQ = 2,     /* XDF sequential standard file */
    FST24_KIND_RSF = 3,         /* RSF standard file */
    FST24_KIND_FST89 = 4,       /* 1989 random standard file */
    FST24_KIND_XDF_CORRUPT = 5, /* STDR signature but header/size inconsistent */
    FST24_KIND_BURP = 6,        /* BURP (XDF container, not FST) */
    FST24_KIND_FST89_SEQ = 7    /* 1989 sequential standard file (not supported) */
} fst24_file_kind;
FST24_API fst24_file_kind fst24_detect(const char *path);
FST24_API const char *fst24_kind_name(fst24_file_kind kind);

/* What an open file is: fst24_file_get_info() fills an fst24_file_info;
 * fst24_num_records() counts its valid records (linked files included),
 * fst24_file_path() and fst24_file_backend() give its path and backend. */
typedef struct fst24_file_info {
    const char *path;      /* valid while the file is open */
    fst24_backend backend; /* XDF or RSF */
    fst24_file_kind kind;  /* detected format (XDF, XDF sequential, RSF, FST 1989) */
    int writable;
    int64_t num_records; /* valid (non-deleted) records */
    int64_t num_deleted; /* deleted directory entries */
    int64_t num_entries; /* all directory entries */
    int64_t file_size;   /* bytes */
    int num_pages;       /* XDF directory pages / RSF segments with a directory */
    int checksum_errors; /* XDF pages whose checksum is wrong */
    int recovered;       /* 1 if the file is damaged (or its writer crashed): what can be
                               trusted is shown, `warning` says what is not */
    char warning[256];   /* description of what was recovered or left out, or "" */
    int writer_active;   /* read-only: a live writer has the file open; records it wrote
                               after its last flush are not visible yet (not damage) */
} fst24_file_info;
FST24_API int fst24_file_get_info(fst24_file *file, fst24_file_info *info);
FST24_API int64_t fst24_num_records(fst24_file *file); /* includes linked files; <0 on error */
FST24_API const char *fst24_file_path(const fst24_file *file);
FST24_API fst24_backend fst24_file_backend(const fst24_file *file);

/* Structural check of a file without opening it as an fst24_file (the
 * validators of `fst24 check`): XDF header, directory pages and checksums,
 * linear walk, descriptor copies; RSF segments, directories and record
 * marks. `report` (may be NULL) is called once per problem with a one-line
 * message naming the file and the place. Returns the number of problems
 * (0: the structure is sound; 1989 files have no structural check and give
 * 0), or a negative status when the file cannot be read or is not an FST
 * file (message in fst24_last_error). Never modifies the file. */
typedef void (*fst24_report_fn)(void *ctx, const char *message);
FST24_API int fst24_validate(const char *path, fst24_report_fn report, void *ctx);

/* Could a new writer have `path` now? FST24_OK if it does not exist or no
 * writer has it; FST24_E_LOCKED (with the message a writer's open would give)
 * while a live writer holds it or a crashed writer's write flag is set. Takes
 * no lock and changes nothing: for tools that replace a file by renaming a new
 * one onto it (the check and the rename are not atomic). */
FST24_API int fst24_check_unlocked(const char *path);

/* Chain files so that queries continue from one into the next.
 * files[i]'s successor becomes files[i+1]. */
FST24_API int fst24_link(fst24_file **files, int count);
FST24_API int fst24_unlink(fst24_file *first);

/* ------------------------------------------------------------------------ */
/* Queries                                                                  */
/* ------------------------------------------------------------------------ */

/* A search in a file (opaque): fst24_query_new() makes one, fst24_query_free() frees it. */
typedef struct fst24_query fst24_query;

typedef struct fst24_query_options {
    int ip1_all, ip2_all, ip3_all; /* match old- and new-style encodings of the IP */
    int stamp_norun;               /* compare all bits of the date stamp */
    int skip_grid_descriptors;     /* skip >>, ^^, ^>, !!, ##, HY, PROJ ... */
    const char *ext_meta;          /* RSF: JSON object the extended metadata must match */
    int64_t reserved[4];           /* room for future options: leave at 0 */
} fst24_query_options;
/* Every option at its default (exact IP codes, the date's run digit ignored, descriptors kept). */
#define FST24_QUERY_OPTIONS_INIT                                                                                       \
    {                                                                                                                  \
        0, 0, 0, 0, 0, NULL, { 0, 0, 0, 0 }                                                                            \
    }

/* New query. `criteria` and `opts` may be NULL (match everything). The query
 * copies what it needs; queries are independent of each other. */
FST24_API int fst24_query_new(fst24_file *file, const fst24_record *criteria, const fst24_query_options *opts,
                              fst24_query **out);
/* Next match in directory order (continuing into linked files):
 * 1 found (*rec filled), 0 no more, <0 error. */
FST24_API int fst24_query_next(fst24_query *query, fst24_record *rec);
/* Collect up to `max` matches from the start; returns the count (<0 error). */
FST24_API int64_t fst24_query_all(fst24_query *query, fst24_record *recs, int64_t max);
/* Count all matches (rewinds). */
FST24_API int64_t fst24_query_count(fst24_query *query);
/* Start the query again from the first record. */
FST24_API int fst24_query_rewind(fst24_query *query);
/* Free a query (NULL is accepted). */
FST24_API void fst24_query_free(fst24_query *query);

/* Valid records of one file by position (0..num_records-1, directory order). */
FST24_API int fst24_get_record(fst24_file *file, int64_t index, fst24_record *rec);
/* Record by key (as returned in fst24_record.key). */
FST24_API int fst24_get_record_by_key(fst24_file *file, int64_t key, fst24_record *rec);

/* ------------------------------------------------------------------------ */
/* Reading data                                                             */
/* ------------------------------------------------------------------------ */

typedef struct fst24_read_options {
    int raw_missing;      /* 1: do not replace missing points by the sentinel */
    fst24_elem_type type; /* NONE: the record's native type; otherwise a wider one */
    int threads;          /* >1: decode one large uncompressed record with this many threads */
    int64_t reserved[4];  /* room for future options: leave at 0 */
} fst24_read_options;
/* Every option at its default (missing values replaced, native type, one thread). */
#define FST24_READ_OPTIONS_INIT                                                                                        \
    {                                                                                                                  \
        0, FST24_ELEM_NONE, 0, { 0, 0, 0, 0 }                                                                          \
    }

/* Decode a record's data into `out` (out_bytes large). `opts` may be NULL.
 * Use fst24_record_data_layout() for the size. */
FST24_API int fst24_read_data(const fst24_record *rec, void *out, size_t out_bytes, const fst24_read_options *opts);
/* The stored payload as 32-bit words in host order (what the codecs see).
 * *nwords receives the payload length; pass words=NULL to query it. */
FST24_API int fst24_read_payload(const fst24_record *rec, uint32_t *words, size_t *nwords);
/* Where a record's values lie in its file, for callers that map the file and view the values in
 * place (no copy, no decoding). Only records stored as a plain array of IEEE values have one:
 * datyp 5 (E) and 8 (complex) without compression or missing flag, with 32 bits in both
 * backends and with 64 bits in XDF files (RSF stores a 64-bit value as two little-endian
 * 32-bit words, the most significant first: no machine's byte order). */
typedef struct fst24_data_span {
    int64_t offset;       /* byte offset of the first value in the file */
    int64_t bytes;        /* bytes of values: count * element size */
    int64_t count;        /* elements: ni*nj*nk reals, two per value for complex records */
    fst24_elem_type type; /* FST24_ELEM_F32 or FST24_ELEM_F64 */
    int big_endian;       /* 1: each element is stored most significant byte first; 0: least */
    int complex_pairs;    /* 1: the elements are (real, imaginary) pairs (datyp 8) */
    int64_t reserved[2];
} fst24_data_span;
/* FST24_OK with *span filled when the record has such a span; FST24_E_UNSUPPORTED (the message
 * names the record and why) when its data must be decoded with fst24_read_data; FST24_E_CORRUPT
 * when the stored payload is shorter than the values. */
FST24_API int fst24_record_data_span(const fst24_record *rec, fst24_data_span *span);
/* Extended (JSON) metadata text of an RSF record, copied into `buf`
 * (NUL terminated). *len receives the length without NUL; "" if none. */
FST24_API int fst24_read_ext_meta(const fst24_record *rec, char *buf, size_t bufsize, size_t *len);

/* Decode many records in parallel with `threads` threads (0: all cores).
 * outs[i] receives record recs[i] (sizes from fst24_record_data_layout). On
 * error the first failing record's status is returned; statuses[i] (may be
 * NULL) receives each record's status. */
FST24_API int fst24_read_many(const fst24_record *recs, void *const *outs, const size_t *out_bytes, int64_t count,
                              const fst24_read_options *opts, int threads, int *statuses);

/* Bound of the change the record's stored encoding made to the values that
 * were written: every decoded value v is within abs_err + rel_err*|v| of the
 * value given to the writer (after the writer's conversion of binary64 input
 * to binary32 where it does that). Lossless encodings (integers, characters,
 * 32/64-bit IEEE, complex) give 0, 0; datyp 1/129 and 6/134 an absolute step
 * read from the payload header; truncated IEEE (5/133, nbits < 32) a relative
 * bound 2^-(nbits-9). Reads the payload. FST24_E_DECODE for a payload whose
 * header is damaged. */
FST24_API int fst24_record_quant_error(const fst24_record *rec, double *abs_err, double *rel_err);

/* Missing-value sentinels used when decoding (+64) records. */
typedef struct fst24_missing_values {
    float f32;
    double f64;
    int32_t i32;
    uint32_t u32;
    int16_t i16;
    uint16_t u16;
    int8_t i8;
    uint8_t u8;
} fst24_missing_values;
FST24_API void fst24_get_missing_values(fst24_missing_values *mv);

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */
/* ------------------------------------------------------------------------ */

typedef enum fst24_rewrite {
    FST24_REWRITE_NO = 0,   /* append */
    FST24_REWRITE_YES = 1,  /* delete a record with the same identity, then append */
    FST24_REWRITE_SKIP = 2, /* write nothing if such a record exists */
    FST24_REWRITE_META = 4  /* rewrite the header of a record read from this file */
} fst24_rewrite;

/*
 * Write `rec` with `data` (ni*nj*nk elements of `data_type`, C/Fortran i-fastest
 * order). rec->data_type/pack_bits are the requested encoding; rec->data_bits the
 * element size of `data` (32/64 for reals). On success the record is updated
 * with what was stored (data_type, pack_bits, data_bits, key, offset...).
 * `ext_meta` (may be NULL) is a JSON text stored with the record; RSF only: an
 * XDF file cannot store it (FST24_E_UNSUPPORTED, nothing written).
 */
FST24_API int fst24_write(fst24_file *file, fst24_record *rec, const void *data, fst24_elem_type data_type,
                          fst24_rewrite mode, const char *ext_meta);
/* Write an already-encoded payload (host-order words) unchanged: used to copy
 * records between files and backends. rec must describe the stored encoding. */
FST24_API int fst24_write_payload(fst24_file *file, fst24_record *rec, const uint32_t *words, size_t nwords,
                                  fst24_rewrite mode, const char *ext_meta);
/* Copy a record read from another file into `file` with its stored payload
 * unchanged (no decoding, no re-encoding), across backends too. `header`
 * (NULL: src's own) is the header to store: names, levels, dates, deet/npas
 * and grid tags (grtyp, ig1..ig4) may differ from src's, the payload's shape
 * and encoding (ni, nj, nk, data_type, pack_bits, data_bits) may not
 * (FST24_E_INVALID: re-encode with fst24_write instead). Dates follow
 * fst24_write's rule (dateo wins unless it is -1). src's extended metadata
 * goes with it into an RSF file; an XDF file cannot store it, and
 * *ext_meta_dropped (may be NULL) is then set to 1. `written` (may be NULL)
 * receives the stored record. `mode` as for fst24_write (not META). */
FST24_API int fst24_copy_record(fst24_file *file, const fst24_record *src, const fst24_record *header,
                                fst24_rewrite mode, fst24_record *written, int *ext_meta_dropped);

/* Delete a record (found in `file`). */
FST24_API int fst24_delete(fst24_file *file, const fst24_record *rec);

/* ------------------------------------------------------------------------ */
/* Repair                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct fst24_repair_options {
    /* Called once for each record or stretch of the input that could not be
     * recovered (or was recovered with a doubt), with a one-line description.
     * May be NULL. */
    fst24_report_fn on_skip;
    void *ctx;
    int64_t reserved[4]; /* room for future options: leave at 0 */
} fst24_repair_options;
/* No callback. */
#define FST24_REPAIR_OPTIONS_INIT                                                                                      \
    {                                                                                                                  \
        NULL, NULL, { 0, 0, 0, 0 }                                                                                     \
    }

typedef struct fst24_repair_report {
    fst24_file_kind kind;   /* detected format of the input */
    int64_t copied;         /* records written to the output */
    int64_t from_directory; /* ... found through a directory that could be read */
    int64_t from_scan;      /* ... found by walking the file (XDF: records no readable
                                directory lists, e.g. written after the last flush;
                                RSF: every record) */
    int64_t skipped;        /* records found but not recoverable (incomplete,
                                inconsistent, unreadable payload): see on_skip */
    int64_t deleted;        /* deleted records (not copied) */
    int64_t damaged_bytes;  /* input bytes in no recognisable structure */
    int damaged;            /* 1 if the input is not a clean file (the ordinary open
                                fails, reports a recovery, or shows other records) */
    char summary[512];      /* one line: what was copied and what was left out */
} fst24_repair_report;

/*
 * Copy every recoverable record of a damaged (or crashed writer's) XDF or RSF
 * file `in_path` into a new, valid file `out_path` of the same container (RSF
 * output is dense: compact segments only). Payloads are copied unchanged.
 * XDF: the directory pages that can be read give each record's metadata where
 * its own header confirms the entry; a walk over the file adds every complete
 * record no readable page lists. RSF: a walk over the file takes every complete
 * data record (the record carries its metadata). Deleted records are left out.
 * Records are copied with fst24_copy_record.
 * `out_path` is created (or replaced) under the writer lock; it may not be the
 * input file. `opts` and `report` may be NULL. FST24_OK once the output is
 * written and closed, even if records were skipped (see `report`).
 */
FST24_API int fst24_repair(const char *in_path, const char *out_path, const fst24_repair_options *opts,
                           fst24_repair_report *report);

#ifdef __cplusplus
}
#endif

/* Topic headers: levels (IP codes), date stamps, grids, vertical descriptors,
 * record filters. */
#include "fst24/ip.h"
#include "fst24/date.h"
#include "fst24/grid.h"
#include "fst24/vgrid.h"
#include "fst24/filter.h"

#endif /* FST24_H */
