/*
 * Internal: MSB-first bit streams over host-order 32-bit words (docs/format/data-types.md#bit-streams).
 * Readers are bounded: reading past the end sets an error flag and yields 0,
 * so hostile payloads can never cause an out-of-bounds access.
 */
#ifndef FST24_CODEC_BITS_H
#define FST24_CODEC_BITS_H
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ reader */
/* Buffered: up to 64 pending bits in `buf` (MSB first); one word is loaded
 * when a token needs more bits than are pending. Words past the end read as 0
 * and set err, so callers may check err once per tile or section. */
typedef struct fst_bitreader {
    const uint32_t *w;
    size_t nw;    /* number of words */
    size_t next;  /* next word to load */
    uint64_t buf; /* pending bits, left aligned */
    int avail;    /* number of pending bits */
    uint64_t end; /* number of readable bits */
    int err;      /* set when the start lies beyond the end */
} fst_bitreader;

static inline void fst_br_init(fst_bitreader *r, const uint32_t *w, size_t nwords, uint64_t startbit) {
    r->w = w;
    r->nw = nwords;
    r->end = (uint64_t)nwords * 32u;
    r->err = startbit > r->end;
    r->next = (size_t)(startbit >> 5);
    r->buf = 0;
    r->avail = 0;
    unsigned s = (unsigned)(startbit & 31);
    if (s && r->next < nwords) {
        r->buf = (uint64_t)w[r->next++] << (32 + s);
        r->avail = 32 - (int)s;
    }
}

/* Next bit position (from bit 31 of w[0]). */
static inline uint64_t fst_br_pos(const fst_bitreader *r) { return (uint64_t)r->next * 32u - (uint64_t)r->avail; }

/* Whether some read went past the end (those reads returned zero bits).
 * Decoders check this once per tile or section rather than per token. */
static inline int fst_br_overrun(const fst_bitreader *r) { return r->err || fst_br_pos(r) > r->end; }

/* Read `width` bits (0..32) as an unsigned token. */
static inline uint32_t fst_br_get(fst_bitreader *r, int width) {
    if (width == 0) return 0;
    if (r->avail < width) {
        uint64_t v = r->next < r->nw ? r->w[r->next] : 0;
        r->next++;
        r->buf |= v << (32 - r->avail);
        r->avail += 32;
    }
    uint32_t t = (uint32_t)(r->buf >> (64 - width));
    r->buf <<= width;
    r->avail -= width;
    return t;
}

/* Read `width` bits (1..32) as a two's-complement signed token. */
static inline int32_t fst_br_get_signed(fst_bitreader *r, int width) {
    uint32_t v = fst_br_get(r, width);
    unsigned sh = 32u - (unsigned)width;
    return (int32_t)(v << sh) >> sh;
}

/* One tile of the 3x3-tiled stages (datyp 129/130 and the 133 compressor): rows x cols values
 * of `w` bits (two's complement), stored row by row from `p` with a stride of `ni` elements, as
 * 16-bit (wide = 0) or 32-bit (wide = 1) words. Inlined with a constant `wide` at each call
 * site; full 3x3 tiles take straight-line reads. */
static inline void fst_br_get_tile(fst_bitreader *r, int w, void *p, int64_t ni, int64_t rows, int64_t cols, int wide) {
    if (rows == 3 && cols == 3) {
        int32_t v[9];
        for (int k = 0; k < 9; k++) v[k] = fst_br_get_signed(r, w);
        for (int j = 0; j < 3; j++)
            for (int i = 0; i < 3; i++) {
                if (wide)
                    ((uint32_t *)p)[j * ni + i] = (uint32_t)v[3 * j + i];
                else
                    ((uint16_t *)p)[j * ni + i] = (uint16_t)v[3 * j + i];
            }
        return;
    }
    for (int64_t j = 0; j < rows; j++)
        for (int64_t i = 0; i < cols; i++) {
            int32_t x = fst_br_get_signed(r, w);
            if (wide)
                ((uint32_t *)p)[j * ni + i] = (uint32_t)x;
            else
                ((uint16_t *)p)[j * ni + i] = (uint16_t)x;
        }
}

/* ------------------------------------------------------------------ writer */

/* Buffered: bits accumulate in a 64-bit register and whole words are stored
 * as they fill; call fst_bw_flush() once at the end to store the last partial
 * word (zero padded). Writing past `cap` words sets err (compressors use this
 * to give up when the output would not be smaller). */
typedef struct fst_bitwriter {
    uint32_t *w;
    size_t cap;
    size_t next;  /* next word to store */
    uint64_t buf; /* pending bits, left aligned */
    int used;     /* number of pending bits (< 32 between calls) */
    uint64_t pos; /* bits written so far */
    int err;
} fst_bitwriter;

static inline void fst_bw_init(fst_bitwriter *b, uint32_t *w, size_t cap) {
    b->w = w;
    b->cap = cap;
    b->next = 0;
    b->buf = 0;
    b->used = 0;
    b->pos = 0;
    b->err = 0;
}

/* Append the low `width` bits (0..32) of v. Bits above `width` are ignored. */
static inline void fst_bw_put(fst_bitwriter *b, uint32_t v, int width) {
    if (width == 0) return;
    if (width < 32) v &= (1u << width) - 1u;
    b->buf |= (uint64_t)v << (64 - b->used - width);
    b->used += width;
    b->pos += (uint64_t)width;
    if (b->used >= 32) {
        if (b->next < b->cap)
            b->w[b->next] = (uint32_t)(b->buf >> 32);
        else
            b->err = 1;
        b->next++;
        b->buf <<= 32;
        b->used -= 32;
    }
}

/* Store the pending partial word, if any. */
static inline void fst_bw_flush(fst_bitwriter *b) {
    if (b->used == 0) return;
    if (b->next < b->cap)
        b->w[b->next] = (uint32_t)(b->buf >> 32);
    else
        b->err = 1;
}

/* ------------------------------------------------------------------ bulk */
/* Unpack n tokens of `nbits` (1..32) bits starting at stream bit `startbit`
 * into out[]. The caller guarantees startbit + n*nbits <= nwords*32. */
void fst_bits_unpack(const uint32_t *w, size_t nwords, uint64_t startbit, int nbits, uint32_t *out, size_t n);
/* Pack n tokens (each masked to nbits, 1..32) at stream bit `startbit` into
 * the zero-initialised words w[] (large enough). */
void fst_bits_pack(uint32_t *w, uint64_t startbit, int nbits, const uint32_t *tok, size_t n);

/* Number of significant bits of v (bitlen(0) = 0). */
static inline int fst_bitlen(uint32_t v) { return v ? 32 - __builtin_clz(v) : 0; }

#endif
