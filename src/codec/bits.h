/*
 * Internal: MSB-first bit streams over host-order 32-bit words (ENCODING.md §0, §3).
 * Readers are bounded: reading past the end sets an error flag and yields 0,
 * so hostile payloads can never cause an out-of-bounds access.
 */
#ifndef FST24_CODEC_BITS_H
#define FST24_CODEC_BITS_H
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ reader */
typedef struct fst_bitreader {
    const uint32_t *w;
    uint64_t pos;   /* next bit position (from bit 31 of w[0]) */
    uint64_t end;   /* number of readable bits */
    int err;        /* set once a read ran past `end` */
} fst_bitreader;

static inline void fst_br_init(fst_bitreader *r, const uint32_t *w, size_t nwords, uint64_t startbit) {
    r->w = w;
    r->end = (uint64_t)nwords * 32u;
    r->pos = startbit;
    r->err = startbit > r->end;
}

/* Read `width` bits (0..32) as an unsigned token. */
static inline uint32_t fst_br_get(fst_bitreader *r, int width) {
    if (width == 0) return 0;
    if (r->pos + (uint64_t)width > r->end) {
        r->err = 1;
        r->pos = r->end;
        return 0;
    }
    uint64_t p = r->pos;
    size_t q = (size_t)(p >> 5);
    unsigned s = (unsigned)(p & 31);
    uint64_t win = (uint64_t)r->w[q] << 32;
    if (s + (unsigned)width > 32) win |= r->w[q + 1];
    r->pos = p + (uint64_t)width;
    return (uint32_t)((win << s) >> (64 - width));
}

/* Read `width` bits (1..32) as a two's-complement signed token. */
static inline int32_t fst_br_get_signed(fst_bitreader *r, int width) {
    uint32_t v = fst_br_get(r, width);
    if (width < 32 && (v >> (width - 1)) & 1u) v |= ~0u << width;
    return (int32_t)v;
}

/* ------------------------------------------------------------------ writer */
/* Writes into a zero-initialised buffer of `cap` words; overflowing sets err
 * (used by compressors to give up when the output would not be smaller). */
typedef struct fst_bitwriter {
    uint32_t *w;
    size_t cap;
    uint64_t pos;
    int err;
} fst_bitwriter;

static inline void fst_bw_init(fst_bitwriter *b, uint32_t *w, size_t cap, uint64_t startbit) {
    b->w = w;
    b->cap = cap;
    b->pos = startbit;
    b->err = 0;
}

/* Append the low `width` bits (0..32) of v. Bits above `width` are ignored. */
static inline void fst_bw_put(fst_bitwriter *b, uint32_t v, int width) {
    if (width == 0) return;
    if (b->pos + (uint64_t)width > (uint64_t)b->cap * 32u) {
        b->err = 1;
        return;
    }
    if (width < 32) v &= (1u << width) - 1u;
    uint64_t p = b->pos;
    size_t q = (size_t)(p >> 5);
    unsigned s = (unsigned)(p & 31);
    uint64_t win = ((uint64_t)v << (64 - width)) >> s;
    b->w[q] |= (uint32_t)(win >> 32);
    if (s + (unsigned)width > 32) b->w[q + 1] |= (uint32_t)win;
    b->pos = p + (uint64_t)width;
}

/* ------------------------------------------------------------------ bulk */
/* Unpack n tokens of `nbits` (1..32) bits starting at stream bit `startbit`
 * into out[]. The caller guarantees startbit + n*nbits <= nwords*32. */
void fst_bits_unpack(const uint32_t *w, size_t nwords, uint64_t startbit, int nbits,
                     uint32_t *out, size_t n);
/* Pack n tokens (each masked to nbits, 1..32) at stream bit `startbit` into
 * the zero-initialised words w[] (large enough). */
void fst_bits_pack(uint32_t *w, uint64_t startbit, int nbits, const uint32_t *tok, size_t n);

/* Number of significant bits of v (bitlen(0) = 0). */
static inline int fst_bitlen(uint32_t v) { return v ? 32 - __builtin_clz(v) : 0; }

#endif
