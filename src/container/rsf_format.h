/*
 * Internal: the on-disk structures of the RSF container (docs/format/rsf.md)
 * and pure encode/decode helpers for them. Everything in RSF is little-endian;
 * 64-bit quantities are (hi, lo) pairs of little-endian 32-bit words.
 * No I/O here: the backend (rsf.c) and the validator (rsf_validate.c) share it.
 */
#ifndef FST24_RSF_FORMAT_H
#define FST24_RSF_FORMAT_H
#include <stdint.h>
#include <stddef.h>

enum {
    RSF_SOR_BYTES = 16,    /* start-of-record */
    RSF_EOR_BYTES = 12,    /* end-of-record */
    RSF_SOS_BYTES = 72,    /* start-of-segment record */
    RSF_EOS_LO_BYTES = 20, /* end-of-segment, low part */
    RSF_EOS_HI_BYTES = 48, /* end-of-segment, high part */
    RSF_EOS_BYTES = 68,
    RSF_DIR_HEAD_BYTES = 20, /* directory SOR + entry count */
    RSF_DIRENT_BYTES = 32,   /* directory entry without its metadata */
    RSF_FST_META_WORDS = 19, /* FST metadata words before the extended metadata */
    RSF_RECORD_OVERHEAD = RSF_SOR_BYTES + RSF_EOR_BYTES
};

/* Record types (SOR/EOR `rt`). */
enum {
    RSF_RT_NULL = 0,
    RSF_RT_DATA = 1,
    RSF_RT_XDAT = 2,
    RSF_RT_SOS = 3,
    RSF_RT_EOS = 4,
    RSF_RT_VDIR = 6,
    RSF_RT_FILE = 7,
    RSF_RT_DEL = 0x80
};

#define RSF_SOR_MARK 0xFEu
#define RSF_EOR_MARK 0xFFu
#define RSF_SOS_SIGN 0xDEADBEEFu
#define RSF_EOS_LO_SIGN 0xBEBEFADAu
#define RSF_EOS_HI_SIGN 0xCAFEFADEu
#define RSF_EXCLUSIVE_FLAG 0xFFFFu
#define RSF_SPARSE_ALIGN ((int64_t)1 << 20)
#define RSF_SIG_FST "RSF0STDF"
#define RSF_SIG_DUMMY "RSF0<-->"
#define RSF_META0_DATA 0x00010101u /* RSF version 1, class 1, type 1 */
#define RSF_FST24_WORD 0x01130000u /* FST version 1, 19 search words, E in low 16 bits */

typedef struct rsf_sor {
    unsigned rt, rlm, zr;
    uint64_t rl;
    unsigned rlmd, ubc, dul;
} rsf_sor;

typedef struct rsf_eor {
    uint64_t rl;
    unsigned rt, rlm, zr;
} rsf_eor;

/* The four sizes repeated in the SOS and the EOS high part. */
typedef struct rsf_seginfo {
    uint64_t seg, sseg, vdir, vdirs;
} rsf_seginfo;

typedef struct rsf_sos {
    rsf_sor sor;
    char sig[8];
    uint32_t sign;
    rsf_seginfo s;
    rsf_eor eor;
} rsf_sos;

typedef struct rsf_eos_lo {
    rsf_sor sor;
    uint32_t sign;
} rsf_eos_lo;

typedef struct rsf_eos_hi {
    uint32_t sign;
    rsf_seginfo s;
    rsf_eor eor;
} rsf_eos_hi;

typedef struct rsf_dirent {
    uint64_t wa, rl, entry_offset;
    uint32_t ml;
    unsigned dul;
} rsf_dirent;

/* 64-bit (hi, lo) little-endian pair. */
uint64_t fst_rsf_get_u64(const uint8_t *p);
void fst_rsf_put_u64(uint8_t *p, uint64_t v);

void fst_rsf_get_sor(const uint8_t *p, rsf_sor *s);
void fst_rsf_put_sor(uint8_t *p, const rsf_sor *s);
void fst_rsf_get_eor(const uint8_t *p, rsf_eor *e);
void fst_rsf_put_eor(uint8_t *p, const rsf_eor *e);
void fst_rsf_get_sos(const uint8_t *p, rsf_sos *s);
void fst_rsf_put_sos(uint8_t *p, const rsf_sos *s);
void fst_rsf_get_eos_lo(const uint8_t *p, rsf_eos_lo *e);
void fst_rsf_put_eos_lo(uint8_t *p, const rsf_eos_lo *e);
void fst_rsf_get_eos_hi(const uint8_t *p, rsf_eos_hi *e);
void fst_rsf_put_eos_hi(uint8_t *p, const rsf_eos_hi *e);
void fst_rsf_get_dirent(const uint8_t *p, rsf_dirent *d);
void fst_rsf_put_dirent(uint8_t *p, const rsf_dirent *d);

/* A start-of-segment record with the given write flag, directory metadata
 * length, signature (8 chars) and sizes. */
rsf_sos fst_rsf_make_sos(unsigned flag, unsigned rlmd, const char sig[8], rsf_seginfo s);
/* End-of-segment parts for a segment whose EOS record is `rl` bytes long. */
rsf_eos_lo fst_rsf_make_eos_lo(uint64_t rl, unsigned rlm);
rsf_eos_hi fst_rsf_make_eos_hi(uint64_t rl, unsigned rlm, rsf_seginfo s);

/* The SOS of a segment being written: "open" flag, sizes all 0 for a compact
 * segment, sseg = `reserved` bytes for a parallel writer's sparse one. */
rsf_sos fst_rsf_make_open_sos(const char sig[8], uint64_t reserved);

/* Does the SOS look like a start-of-segment record (type, marks, lengths)? */
int fst_rsf_sos_is_valid(const rsf_sos *s);
/* Does the EOS high part carry its signature, type and end-of-record mark? */
int fst_rsf_eos_hi_is_valid(const rsf_eos_hi *e);

/* Directory metadata length (W32) of an entry from its `ml` word. */
static inline unsigned rsf_dir_meta_words(uint32_t ml) { return (ml >> 16) ? (ml >> 16) : (ml & 0xFFFFu); }

/* What the FST metadata words of a record say (docs/format/rsf.md#rsf-data-records). */
typedef struct rsf_fst_meta {
    unsigned rsf_version; /* meta0 bits 23..16 */
    unsigned rclass;      /* meta0 bits 15..8 */
    unsigned rtype;       /* meta0 bits 7..0 (0x80 = deleted in a directory) */
    unsigned fst_version; /* fst24 word bits 31..24 */
    unsigned num_search_keys;
    unsigned ext_words; /* E */
} rsf_fst_meta;

/* Interpret `n` host-order metadata words. Returns 0 when they are FST
 * metadata this implementation understands, else a short static reason. */
const char *fst_rsf_parse_fst_meta(const uint32_t *meta, size_t n, rsf_fst_meta *out);

/* Sparse segment end for a reservation of at least `want` bytes at `start`:
 * the next 1 MiB boundary at or after start + want. */
int64_t fst_rsf_sparse_top(int64_t start, int64_t want);

#endif
