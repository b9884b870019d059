/* Internal: datyp 1 quantiser pieces shared with datyp 129. */
#ifndef FST24_CODEC_QUANT_R_H
#define FST24_CODEC_QUANT_R_H
#include <stddef.h>
#include <stdint.h>
#include "codec/codec.h"

typedef struct fst_quant_params {
    double scale; /* 2^(E - nbits) */
    float min;    /* minimum rebuilt as binary32 */
    int tb;       /* token width of the header */
    int style2;   /* marker 0xFFF/0xFEF (datyp 129) */
} fst_quant_params;

/* Parse a 4-word header (style 1 at W[0], style 2 at W[1] of a 129 payload). */
int fst_quant_parse(const uint32_t *h, fst_quant_params *p);
/* Tokens to values: binary32 / binary64 output (docs/format/data-types.md#datyp-1-decoder, docs/format/data-types.md#datyp-1-binary64). */
void fst_quant_tokens_f32(const fst_quant_params *p, const uint32_t *tok, float *out, size_t m);
void fst_quant_tokens_f64(const fst_quant_params *p, const uint32_t *tok, double *out, size_t m);
/* Decode values first..first+n-1 of a style-1 datyp 1 payload. */
int fst_quant_decode(const uint32_t *w, size_t nw, size_t first, size_t n, void *out, fst24_elem_type native);

typedef struct fst_quant_enc {
    uint32_t w1, w2;  /* header words RE|ME|S and MM */
    double min, mult; /* token = trunc((x - min) * mult) */
    uint32_t maxtok;
} fst_quant_enc;

/* Encoder parameters from the data (exactly one of xf/xd non-NULL). */
int fst_quant_prepare(const float *xf, const double *xd, size_t n, int nbits, fst_quant_enc *q);
/* Tokens of elements k0..k0+m-1. */
void fst_quant_quantize(const fst_quant_enc *q, const float *xf, const double *xd, size_t k0, size_t m, uint32_t *tok);
/* Full datyp 1 payload. */
int fst_quant_encode(const float *xf, const double *xd, const fst_codec_desc *st, uint32_t **words, size_t *nwords);
#endif
