/* Internal: datyp 133, compressed IEEE binary32 (docs/format/data-types.md#datyp-133). */
#ifndef FST24_CODEC_IEEE_COMPRESS_H
#define FST24_CODEC_IEEE_COMPRESS_H
#include <stddef.h>
#include <stdint.h>
#include "codec/codec.h"

/* Decode a whole 133 payload (W[0] = length, W[1..] stream) into n binary32 values. */
int fst_ieeez_decode(const uint32_t *w, size_t nw, const fst_codec_desc *d, float *out);
/* Where the meaningful words of a 133 payload end, and the section terminator
 * words (zero in XDF files; the RSF writer leaves buffer residue there). */
typedef struct fst_ieeez_layout {
    size_t meaningful; /* payload words carrying information */
    size_t filler[3];  /* payload indices of the section terminator words */
    int nfiller;
} fst_ieeez_layout;
int fst_ieeez_decode_ex(const uint32_t *w, size_t nw, const fst_codec_desc *d, float *out, fst_ieeez_layout *lay);
/* Try to compress n = ni*nj binary32 values with nbits (16..32). On success
 * returns FST24_OK with *words and *nwords set; returns 1 when the compressor
 * gives up (caller stores plain datyp 5); <0 on error. */
int fst_ieeez_encode(const float *x, const fst_codec_desc *st, uint32_t **words, size_t *nwords);
/* Sign-plane run-length code (docs/format/data-types.md#datyp-133-signs), exposed for tests: encode n sign bits
 * into w (zeroed, cap words), returning the number of data bits (0 if it did
 * not fit); decode n signs from nw words. */
uint64_t fst_sign_rle_encode(const uint8_t *s, size_t n, uint32_t *w, size_t cap);
int fst_sign_rle_decode(const uint32_t *w, size_t nw, uint8_t *s, size_t n);
#endif
