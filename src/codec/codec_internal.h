/*
 * Internal to src/codec: the per-codec entry points that codec.c dispatches to.
 *
 * Decoders write `count` elements of the record's NATIVE type (fst_codec_layout)
 * into `out`; codec.c handles widening and missing values. They validate the
 * payload against the descriptor and never access words[] beyond nwords.
 *
 * Encoders receive the already-resolved stored descriptor and an input array
 * in the element type they need (codec.c converts), and return a calloc'ed
 * payload of the length of docs/format/data-types.md#payload-length.
 */
#ifndef FST24_CODEC_INTERNAL_H
#define FST24_CODEC_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "codec/codec.h"
#include "common/error.h"

/* Number of elements n = ni*nj*nk (validated by codec.c). */
static inline size_t fst_desc_n(const fst_codec_desc *d) { return (size_t)d->ni * (size_t)d->nj * (size_t)d->nk; }

/* Default payload length (words) of the uncompressed layouts: 2*floor((n*nbits+183)/64). */
static inline size_t fst_len_default(size_t n, int nbits) { return 2 * (((uint64_t)n * (uint64_t)nbits + 183u) / 64u); }

/* Datyp 133: IEEE with the lossless compression stage. */
#define FST_TYPE_IEEE_COMPRESSED (FST24_TYPE_REAL_IEEE | FST24_TYPE_COMPRESSED)
/* A request only (never stored): datyp 1 packed from binary64 by the binary64 quantiser. */
#define FST_TYPE_QUANT_F64 801

/* Base types whose records may carry the missing-value flag (+64). */
static inline int fst_type_takes_missing(int base) {
    return base == FST24_TYPE_REAL_OLD_QUANT || base == FST24_TYPE_UNSIGNED || base == FST24_TYPE_SIGNED ||
           base == FST24_TYPE_REAL_IEEE || base == FST24_TYPE_REAL;
}

/* Base types with a lossless compression stage (+128). */
static inline int fst_type_compressible(int base) {
    return base == FST24_TYPE_REAL_OLD_QUANT || base == FST24_TYPE_UNSIGNED || base == FST24_TYPE_REAL_IEEE ||
           base == FST24_TYPE_REAL;
}

static inline int fst_elem_is_float(fst24_elem_type t) { return t == FST24_ELEM_F32 || t == FST24_ELEM_F64; }

/* Validate dimensions, datyp and nbits of a descriptor; *n receives ni*nj*nk. */
int fst_codec_check_desc(const fst_codec_desc *d, size_t *n);

/* calloc'ed payload of nwords words (or NULL with an FST24_E_NOMEM message). */
uint32_t *fst_payload_alloc(size_t nwords);

/* Allocation helpers that set an error message on failure. */
void *fst_codec_malloc(size_t bytes);

/* ---- datyp 0 (raw.c) */
int fst_raw_decode(const uint32_t *w, size_t nw, const fst_codec_desc *d, size_t first_byte, void *out,
                   size_t out_bytes);
int fst_raw_encode(const void *data, size_t data_bytes, const fst_codec_desc *st, uint32_t **words, size_t *nwords);

/* ---- datyp 5 and 8 (ieee.c). count = number of reals (2n for complex). */
int fst_ieee_decode_f32(const uint32_t *w, size_t nw, int nbits, size_t first, float *out, size_t count);
int fst_ieee_decode_f64(const uint32_t *w, size_t nw, int nbits, size_t first, double *out, size_t count);
/* f32 input, 16 <= nbits <= 32 (truncating); words must be zeroed and large enough. */
void fst_ieee_encode_f32(const float *in, size_t count, int nbits, uint32_t *w);
void fst_ieee_encode_f64(const double *in, size_t count, uint32_t *w);

/* ---- datyp 2 and 4 (integer.c): decode elements first..first+n-1 into the native type. */
int fst_int_decode(const uint32_t *w, size_t nw, const fst_codec_desc *d, size_t first, void *out,
                   fst24_elem_type native, size_t n);
int fst_int_encode(const void *data, fst24_elem_type in_type, const fst_codec_desc *st, uint32_t **words,
                   size_t *nwords);
/* datyp 130 tokens to the native integer type (librmn's masking, docs/format/data-types.md#compressed-layouts). */
void fst_int130_store(const uint16_t *tok, size_t n, int nbits, void *out, fst24_elem_type native);

/* ---- datyp 3 and 7 (chars.c) */
int fst_chars_decode(const uint32_t *w, size_t nw, const fst_codec_desc *d, size_t first, uint8_t *out, size_t count);
int fst_chars_encode(const uint8_t *in, const fst_codec_desc *st, int req_nbits, uint32_t **words, size_t *nwords);

/* ---- datyp 129, 130, 134 (compressed.c) */
int fst_comp_decode(const uint32_t *w, size_t nw, const fst_codec_desc *d, void *out, fst24_elem_type native);
/* Compressed encoders: *ok = 1 when compressed, 0 when the plain base type
 * was stored instead (payload then in the base layout). */
int fst_comp_encode_134(const float *x, const fst_codec_desc *st, uint32_t **words, size_t *nwords, int *ok);
int fst_comp_encode_129(const float *xf, const double *xd, const fst_codec_desc *st, uint32_t **words, size_t *nwords,
                        int *ok);
int fst_comp_encode_130(const void *data, fst24_elem_type in_type, const fst_codec_desc *st, uint32_t **words,
                        size_t *nwords, int *ok);

#endif /* FST24_CODEC_INTERNAL_H */
