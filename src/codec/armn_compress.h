/* Internal: the 2-D lossless coder for 16-bit token grids ("armn_compress",
 * docs/format/data-types.md#armn-compress) used by datyp 129, 130 and 134. */
#ifndef FST24_CODEC_ARMN_COMPRESS_H
#define FST24_CODEC_ARMN_COMPRESS_H
#include <stddef.h>
#include <stdint.h>

/* Decode the stream z[0..nz-1] (header word first) into ni*nj tokens
 * (i fastest). Returns FST24_OK or FST24_E_DECODE. */
int fst_armn_decode(const uint32_t *z, size_t nz, int64_t ni, int64_t nj, uint16_t *tok);
/* Same; *words (may be NULL) receives the number of meaningful stream words,
 * header included (what the writer produced before its slack). */
int fst_armn_decode_ex(const uint32_t *z, size_t nz, int64_t ni, int64_t nj, uint16_t *tok, size_t *words);

/* Compress ni*nj tokens (< 2^nbits, nbits <= 16). On success returns the
 * number of words written to z (header included, last word zero-padded) and
 * *zlng the byte length librmn reports (1 + 4*words). Returns 0 when
 * compression is not possible or not worth it (the caller falls back),
 * (size_t)-1 on allocation failure. z must hold cap words; cap = ni*nj/2 + 2 always suffices
 * for a successful result. fast: MINIMUM predictor only (TURBOCOMP=FAST). */
size_t fst_armn_encode(const uint16_t *tok, int64_t ni, int64_t nj, int nbits, int fast, uint32_t *z, size_t cap,
                       size_t *zlng);

#endif
