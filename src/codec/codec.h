/*
 * Internal: payload codecs. Pure functions over 32-bit words in host order
 * (the container layer converts to/from the on-disk byte order).
 * Contract used by the file layer (src/file.c); codec internals are free.
 */
#ifndef FST24_CODEC_H
#define FST24_CODEC_H
#include <stddef.h>
#include <stdint.h>
#include "fst24.h"

/* What a record's header says about its payload. */
typedef struct fst_codec_desc {
    int datyp;  /* stored data type, flags 64/128 included */
    int nbits;  /* stored bits per element (pack_bits) */
    int dasiz;  /* element size of the unpacked data: 8/16/32/64 (0 = unknown/old file) */
    int64_t ni, nj, nk;
} fst_codec_desc;

/* Native element type and number of elements fst_codec_decode() produces
 * (the rules of the reference dump: reals f32/f64 by data_bits, 2*n for
 * complex, integers by data_bits, chars as n u8, binary by nbits). */
int fst_codec_layout(const fst_codec_desc *d, fst24_elem_type *type, size_t *count);

/* FST24_E_CORRUPT if a record of `stored_bytes` bytes on disk (headers included;
 * <= 0: unknown, accepted) cannot hold the values its header claims: uncompressed
 * types need their n*nbits bits, compressed ones are allowed 256 values per byte.
 * Keeps a damaged header from driving allocations sized by its dimensions. */
int fst_codec_check_stored_size(const fst_codec_desc *d, int64_t stored_bytes);

/* Decode `nwords` payload words into `out` (`out_count` elements of `out_type`,
 * which is the native type of fst_codec_layout or a lossless widening of it;
 * datyp 1/129 read as f64 use the binary64 unpacker, like librmn's 64-bit read,
 * other widenings are exact conversions of the native values).
 * decode_missing: replace points flagged missing (+64) by the sentinels of
 * fst24_get_missing_values(). Returns FST24_OK or FST24_E_DECODE/E_INVALID
 * with a message. Never reads or writes out of bounds, whatever the input. */
int fst_codec_decode(const uint32_t *words, size_t nwords, const fst_codec_desc *d,
                     void *out, fst24_elem_type out_type, size_t out_count, int decode_missing);

/* Flags of fst_codec_encode. */
enum {
    FST_CODEC_RSF = 1 /* fst24/RSF write rules instead of the fst98/XDF ones */
};

/* Encode `data` (ni*nj*nk elements of `in_type`; 2*n for complex) as requested by
 * `req` (datyp/nbits requested, dasiz = bits of in_type), applying librmn's
 * write-time conversions (`flags`: FST_CODEC_*). On success *stored holds what
 * is stored and *words a malloc'ed payload of *nwords host-order words (even
 * count, librmn's length). A request that would store something that does not
 * read back within its quantisation error is refused (FST24_E_INVALID /
 * FST24_E_UNSUPPORTED) or stored in the nearest form that does (docs/codecs.md,
 * "Write validation"): the stored descriptor says which. */
int fst_codec_encode(const void *data, fst24_elem_type in_type, const fst_codec_desc *req,
                     int flags, fst_codec_desc *stored, uint32_t **words, size_t *nwords);

/*
 * Block-range decoding, so that one large record can be decoded by several
 * threads: each thread decodes elements [first, first+count) of the native
 * array (element indices as fst_codec_layout counts them: reals for complex,
 * bytes for characters and odd binary) into `out`, which receives `count`
 * elements of `out_type` (native or a lossless widening). Ranges may have any
 * boundaries; the result equals the corresponding slice of fst_codec_decode().
 * Missing values (+64) are NOT replaced: when all ranges are done, call
 * fst_codec_decode_missing() once on the whole array (it needs the global
 * maximum). Only the uncompressed types can be split (the compressed streams
 * are sequential): fst_codec_range_supported() tells.
 */
int fst_codec_range_supported(const fst_codec_desc *d);
int fst_codec_decode_range(const uint32_t *words, size_t nwords, const fst_codec_desc *d, size_t first,
                           size_t count, void *out, fst24_elem_type out_type);
/* Replace the points of a fully decoded +64 record by the missing-value
 * sentinels of `type` (what fst_codec_decode() does with decode_missing). */
void fst_codec_decode_missing(void *data, fst24_elem_type type, size_t count);

/* Bounds of the change the stored encoding made to the written values, from
 * the payload header: |written - decoded| <= abs_err + rel_err*|decoded| for
 * every point (0, 0 for exact encodings). FST24_E_DECODE for a payload
 * without a valid header, FST24_E_UNSUPPORTED for an unknown datyp. */
int fst_codec_quant_error(const uint32_t *words, size_t nwords, const fst_codec_desc *d, double *abs_err,
                          double *rel_err);

#endif
