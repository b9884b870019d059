/*
 * Internal to the RSF backend: per-file state behind fst24_file.bk and the
 * functions shared by rsf.c (open/close/flag), rsf_dir.c (directory loading,
 * crash salvage) and rsf_write.c (segments, records, deletion).
 */
#ifndef FST24_RSF_INTERNAL_H
#define FST24_RSF_INTERNAL_H
#include <stdint.h>
#include "fst_internal.h"
#include "container/rsf_format.h"

typedef struct rsf_state {
    char sig[8];          /* segment 0 signature, copied into new segments */
    int flag_taken;       /* we set/incremented segment 0's write flag */
    int parallel;
    int64_t seg_hint;     /* parallel: bytes to reserve per sparse segment */
    /* The segment this process is writing (none until the first append). */
    int seg_open;
    int64_t seg_start;    /* offset of its SOS */
    int64_t seg_top;      /* sparse: end of the reservation; 0 for a compact segment */
    int64_t write_pos;    /* where the next record goes */
    int64_t seg_first;    /* first entries[] index belonging to it */
    int64_t dir_bytes;    /* size its directory record will have */
} rsf_state;

/* Advisory whole-file write lock (open-file-description lock where available). */
int rsf_lock(struct fst24_file *f, int on);

/* Where the walk over the segments stopped, and why. */
typedef struct rsf_walk {
    int64_t open_seg;  /* unfinished (or torn, or cut) segment ending the file, -1 if none */
    int64_t end;       /* offset after the last segment walked (> file size: one runs past it) */
    int64_t last_seg;  /* start of the last segment walked */
    int cut;           /* open_seg is a closed segment the end of the file cuts short */
} rsf_walk;

/* Read every closed segment's directory into f->entries; `w` says where the
 * walk stopped (an unfinished segment, the end of file, or past it). */
int rsf_load_directory(struct fst24_file *f, int64_t size, rsf_walk *w);

/* Turn the unfinished compact segment at `seg` (left by a crashed writer) into
 * this session's open segment: keep every complete record, drop the rest. */
int rsf_salvage_segment(struct fst24_file *f, int64_t seg, int64_t size);

/* Fill e's FST fields from host-order metadata words; `where` names the record
 * in messages. Returns 0, or 1 if the entry is not a readable FST record. */
int rsf_entry_from_meta(struct fst24_file *f, fst_entry *e, const uint32_t *meta, size_t n);

/* Close the open segment (directory + EOS, then the SOS as commit point). */
int rsf_close_segment(struct fst24_file *f);

/* Backend operations implemented in rsf_write.c */
int rsf_append(struct fst24_file *f, fst_entry *e, const uint32_t *payload, size_t nwords,
               const char *ext_meta);
int rsf_delete_entry(struct fst24_file *f, int64_t idx);
int rsf_rewrite_meta(struct fst24_file *f, int64_t idx);
int rsf_read_payload(struct fst24_file *f, const fst_entry *e, uint32_t *words, size_t nwords);

/* librmn's 64-bit RSF key for directory index `idx`. */
static inline int64_t rsf_key(const struct fst24_file *f, int64_t idx) {
    return ((int64_t)(f->slot + 1) << 32) | (idx + 1);
}

#endif
