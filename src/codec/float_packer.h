/* Internal: datyp 6 shared-exponent packer pieces shared with datyp 134. */
#ifndef FST24_CODEC_FLOAT_PACKER_H
#define FST24_CODEC_FLOAT_PACKER_H
#include <stddef.h>
#include <stdint.h>
#include "codec/codec.h"

typedef struct fst_fpack_params {
    int32_t mmin; /* minimum aligned mantissa */
    int x;        /* largest biased exponent (0: all values are zero) */
    int s;        /* right shift */
    int nbits;
} fst_fpack_params;

/* Check and parse a 3-word header h[0..2] for n values. */
int fst_fpack_parse(const uint32_t *h, size_t n, fst_fpack_params *p);
/* Tokens (16-bit) to binary32 values. */
void fst_fpack_tokens_f32(const fst_fpack_params *p, const uint16_t *tok, float *out, size_t m);
/* Decode values first..first+count-1 of an uncompressed datyp 6 payload of n values. */
int fst_fpack_decode(const uint32_t *w, size_t nw, size_t n, size_t first, size_t count, float *out);
/* Header (3 words) and 16-bit tokens of n binary32 values. */
void fst_fpack_pack(const float *x, size_t n, int nbits, uint32_t hdr[3], uint16_t *tok);
/* Full datyp 6 payload. */
int fst_fpack_encode(const float *x, const fst_codec_desc *st, uint32_t **words, size_t *nwords);
/* Payload length of datyp 6 for n values. */
static inline size_t fst_fpack_len(size_t n) { return 2 * ((3 + (n + 1) / 2 + 1) / 2); }
#endif
