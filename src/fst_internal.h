/*
 * Internal: the in-memory model shared by the file layer and the container
 * backends (XDF, RSF). Not installed.
 */
#ifndef FST24_INTERNAL_H
#define FST24_INTERNAL_H
#include <pthread.h>
#include <stdint.h>
#include <stddef.h>
#include "fst24.h"
#include "common/error.h"

/* Number of descriptor words used for searching: W32 2..17 of the 72-byte
 * descriptor block (deet/nbits ... date_stamp), identical in XDF and RSF. */
#define FST_DESC_WORDS 16
/* Bytes of a file's start kept by a read-only open (struct fst24_file.head): an
 * XDF header (208) or RSF's first segment and the start of the next (212). */
#define FST_HEAD_BYTES 512

/* Field positions inside desc[] (index = descriptor W32 - 2). */
enum {
    D_DEET_NBITS = 0,
    D_NI_GTYP = 1,
    D_NJ_DATYP = 2,
    D_NK_UBC = 3,
    D_NPAS = 4,
    D_IG4_IG2A = 5,
    D_IG1_IG2B = 6,
    D_IG3_IG2C = 7,
    D_ETIK15 = 8,
    D_ETIK6A = 9,
    D_ETIKBC_TYPVAR = 10,
    D_NOMVAR_DASIZ = 11,
    D_IP1 = 12,
    D_IP2 = 13,
    D_IP3 = 14,
    D_DATE = 15
};

enum { FST_ENTRY_DELETED = 1, FST_ENTRY_DIRTY = 2 };

/* One directory entry (valid or deleted), in directory order. */
typedef struct fst_entry {
    uint32_t desc[FST_DESC_WORDS]; /* host-order descriptor words */
    int64_t record_offset;         /* byte offset of the record start */
    int64_t record_bytes;          /* total stored bytes of the record */
    int64_t payload_offset;        /* byte offset of the payload */
    int64_t payload_bytes;         /* payload length in bytes (multiple of 4) */
    int32_t file_index;            /* librmn file_index */
    int32_t flags;                 /* FST_ENTRY_* */
    int64_t key;                   /* librmn-compatible handle */
    /* RSF */
    int32_t meta_words;     /* rlm (19 + E) */
    int32_t ext_meta_words; /* E */
    int32_t fst_version;
    int32_t num_search_keys;
    char *ext_meta; /* owned JSON text or NULL */
    /* backend private */
    int64_t bk_a, bk_b; /* XDF: page, slot; RSF: segment offset, dir entry file offset */
} fst_entry;

struct fst24_file;
struct fst_salvage;

/* A container backend. Every function returns FST24_OK or a negative status
 * with a message set. The file layer holds file->lock while calling them. */
typedef struct fst_backend_ops {
    const char *name;
    /* Read an existing file's directory into file->entries. */
    int (*open_existing)(struct fst24_file *f);
    /* Initialise an empty new file (file->fd open, size 0). */
    int (*create)(struct fst24_file *f);
    /* Append a record: desc in e->desc (host order), payload in host order.
     * Fills e's offsets/sizes/key/file_index; e is then appended by the caller. */
    int (*append)(struct fst24_file *f, fst_entry *e, const uint32_t *payload, size_t nwords, const char *ext_meta);
    /* Mark entry `idx` deleted. */
    int (*delete_entry)(struct fst24_file *f, int64_t idx);
    /* Rewrite the descriptor of entry `idx` from f->entries[idx].desc. */
    int (*rewrite_meta)(struct fst24_file *f, int64_t idx);
    /* Read a payload and convert it to host-order words. */
    int (*read_payload)(struct fst24_file *f, const fst_entry *e, uint32_t *words, size_t nwords);
    /* Make everything durable (checkpoint). */
    int (*flush)(struct fst24_file *f);
    /* Final flush + release write flag; frees backend state. */
    int (*close)(struct fst24_file *f);
    /* Free backend state without writing (used on failed open). */
    void (*discard)(struct fst24_file *f);
    /* The write flag an earlier writer left in the file (XDF rwflg, RSF
     * segment-0 flag) into *flag, reading only the file's first bytes. */
    int (*write_flag)(struct fst24_file *f, unsigned *flag);
    /* Repair: find every recoverable record of a damaged file (NULL: the
     * ordinary open is used). Fills file->entries with records read from
     * their own headers where no directory can be trusted (src/repair.c). */
    int (*salvage)(struct fst24_file *f, struct fst_salvage *s);
} fst_backend_ops;

extern const fst_backend_ops fst_xdf_backend;
extern const fst_backend_ops fst_rsf_backend;
extern const fst_backend_ops fst_fst89_backend; /* 1989 random files, read only */

struct fst24_file {
    char *path;
    int fd;
    int writable;
    int parallel;
    int force_write;
    int64_t segment_size;
    int create;        /* opened with FST24_MODE_CREATE ("w") */
    int os_lock;       /* writer lock held: 0 none/unsupported, 1 shared, 2 exclusive */
    long lock_pid;     /* process that took it */
    int writer_active; /* read-only: a live writer holds the file */
    fst24_backend backend;
    fst24_file_kind kind; /* detected format */
    const fst_backend_ops *ops;
    void *bk; /* backend state */
    int slot; /* open-file table slot (for keys) */
    fst_entry *entries;
    int entries_own_text; /* some entry got an ext_meta text (RSF): free_file must walk them */
    /* Read-only files: descriptor words D_NOMVAR_DASIZ and D_IP1 of every entry,
     * side by side, made by the first search (src/query.c) and published with an
     * atomic store; searches on the name or level scan it (8 bytes per entry)
     * instead of the entries themselves (152 bytes each). */
    uint32_t *search_keys;
    int64_t num_entries, cap_entries;
    int64_t num_deleted;
    int64_t file_size;
    int num_pages;
    int checksum_errors;
    int recovered;
    char warning[256];
    /* Read-only opens: the file's first bytes, read once for detection and then
     * served to the backend's first small reads (header, first segment records)
     * by fst_pread_all, sparing a system call each. head_len is set to 0 before
     * any read that must see the file as it is now (a writer at work) and when
     * the open is done. */
    uint8_t head[FST_HEAD_BYTES];
    size_t head_len;
    struct fst24_file *next;   /* linked files */
    pthread_mutex_t lock;      /* serialises writers and directory growth */
    pthread_rwlock_t dir_lock; /* readers of entries[] vs. writers growing it */
};

/* Writer lock (src/lock.c). Take the inter-process lock every writer holds
 * while the file is open (shared: RSF parallel writers); FST24_E_LOCKED naming
 * the holder when another writer has it. */
int fst_lock_writer(struct fst24_file *f, int shared);
/* Release the writer lock (only in the process that took it: a forked child
 * closing its copy of the descriptor leaves the parent's lock alone). */
void fst_unlock_writer(struct fst24_file *f);
/* FST24_E_LOCKED (naming the holder) if a live writer holds f's file, without
 * taking the lock (f->fd may be read-only). */
int fst_probe_writer(struct fst24_file *f);
/* Does a process hold the writer lock of f's file? 1 yes (*pid, may be NULL,
 * set when known), 0 no, -1 cannot tell on this system. */
int fst_writer_alive(struct fst24_file *f, long *pid);
/* FST24_E_LOCKED for a write flag left on disk (`flag` describes it) that no
 * lock holder backs: a crashed writer, or one that does not take the lock. */
int fst_stale_flag_error(struct fst24_file *f, const char *flag);

/* File kinds (src/detect.c): the kind of an open descriptor's content, and the backend of each
 * kind (read_only: the library reads such files but never writes them). */
fst24_file_kind fst_detect_fd(int fd, int64_t size);
/* As fst_detect_fd, keeping the first FST_HEAD_BYTES of f's file in f->head. */
fst24_file_kind fst_detect_head(struct fst24_file *f);
typedef struct fst_kind_backend {
    fst24_file_kind kind;
    const fst_backend_ops *ops;
    fst24_backend backend;
    int read_only;
} fst_kind_backend;
/* The table entry of `kind`, or NULL for content no backend reads (BURP, 1989 sequential...). */
const fst_kind_backend *fst_kind_backend_of(fst24_file_kind kind);
/* The backend of a container this library also writes (XDF, RSF), else NULL. */
const fst_backend_ops *fst_backend_of_kind(fst24_file_kind kind);

/* Forget every loaded entry, the counts and the recovery state (before a
 * directory is read again). */
void fst_file_reset_entries(struct fst24_file *f);

/* Grow f->entries and return a pointer to a zeroed new slot (not yet counted). */
fst_entry *fst_file_new_entry(struct fst24_file *f);
/* Room for at least n entries in all (a backend that knows the size of a
 * directory reserves it before loading it: one allocation). */
int fst_file_reserve_entries(struct fst24_file *f, int64_t n);

/* pread/pwrite loops that report errors naming the file. */
int fst_pread_all(struct fst24_file *f, void *buf, size_t n, int64_t off);
int fst_pwrite_all(struct fst24_file *f, const void *buf, size_t n, int64_t off);

/* Descriptor <-> record conversions (src/container/header.c). */
void fst_desc_to_record(const uint32_t desc[FST_DESC_WORDS], fst24_record *rec);
int fst_record_to_desc(const fst24_record *rec, int is_rsf, uint32_t desc[FST_DESC_WORDS]);
void fst_entry_to_record(struct fst24_file *f, const fst_entry *e, int64_t idx, fst24_record *rec);
/* 1 if two descriptors have the same identity for the rewrite modes YES/SKIP. */
int fst_desc_same_identity(const uint32_t a[FST_DESC_WORDS], const uint32_t b[FST_DESC_WORDS]);
/* 6-bit string codec */
uint32_t fst_encode_chars6(const char *s, int nchars);
void fst_decode_chars6(uint32_t code, int nchars, char *out);
/* Date stamp <-> stored word */
uint32_t fst_stamp_to_stored(int32_t stamp);
int32_t fst_stored_to_stamp(uint32_t w);
/* The record model's date rules (src/meta/date.c): dateo from datev, deet, npas and back; the
 * dates of a record being written; stamp + hours without a message (incdatr: 0 ok, 1 error
 * with *out = 101010101, as librmn). */
int32_t fst_dateo_from_datev(int32_t datev, int32_t deet, int32_t npas);
int32_t fst_datev_from_dateo(int32_t dateo, int32_t deet, int32_t npas);
int fst_record_resolve_dates(fst24_record *r);
int fst_date_add(int32_t stamp, double hours, int whole_hours, int32_t *out);

/* Repair (src/repair.c): what salvaging a damaged file finds, and where the
 * backends report each thing they leave out. */
typedef struct fst_salvage {
    void (*on_skip)(void *ctx, const char *message);
    void *ctx;
    int64_t from_directory; /* records found through a readable directory */
    int64_t from_scan;      /* records found by walking the file */
    int64_t skipped;        /* records seen but not recoverable */
    int64_t deleted;        /* deleted records (not copied) */
    int64_t damaged_bytes;  /* bytes in no recognisable structure */
} fst_salvage;
/* Report one thing left out (printf-style, no trailing newline). */
void fst_salvage_note(fst_salvage *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The salvage operations of the XDF and RSF backends. */
int fst_xdf_salvage(struct fst24_file *f, fst_salvage *s);
int fst_rsf_salvage(struct fst24_file *f, fst_salvage *s);
/* Open `path` read-only for repair: every recoverable record in out->entries. */
int fst_open_salvage(const char *path, struct fst24_file **out, fst_salvage *s);

/* 1 if a blank-padded 4-character nomvar is one of librmn's descriptor names
 * (>>, ^^, ^>, !!, ##, #>>#, #^^#, ####, HY, PROJ, MTRX): the records that the
 * skip_grid_descriptors query option skips (src/query.c). */
int fst_is_descriptor_name(const char *nomvar);

/* Extended-metadata search (src/meta/json_match.c): 1 if the JSON object
 * `criteria` matches the record's JSON text `record` (docs/format/rsf.md#ext-meta-matching),
 * 0 if not (or `record` is NULL), negative on a malformed criteria text. */
int fst_meta_match(const char *criteria, const char *record);
/* 1 if `text` is one JSON object (what extended metadata must be), else 0. */
int fst_json_is_object(const char *text);

#endif
