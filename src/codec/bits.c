/* Bulk MSB-first token packing/unpacking (docs/format/data-types.md#bit-streams). */
#include "codec/bits.h"

#include <string.h>

/* Tokens of width 16 whose first bit sits on a 16-bit boundary: two per word. */
static void unpack16_aligned(const uint32_t *w, uint64_t startbit, uint32_t *out, size_t n) {
    const uint32_t *p = w + (startbit >> 5);
    size_t k = 0;
    if (startbit & 31) { /* first token is the low half of the first word */
        if (n == 0) return;
        out[k++] = *p++ & 0xFFFFu;
    }
    size_t pairs = (n - k) / 2;
    for (size_t q = 0; q < pairs; q++) {
        uint32_t v = p[q];
        out[k + 2 * q] = v >> 16;
        out[k + 2 * q + 1] = v & 0xFFFFu;
    }
    k += 2 * pairs;
    if (k < n) out[k] = p[pairs] >> 16;
}

/* Tokens of width 8 on a byte boundary. */
static void unpack8_aligned(const uint32_t *w, uint64_t startbit, uint32_t *out, size_t n) {
    size_t k = 0;
    uint64_t pos = startbit;
    while (k < n && (pos & 31)) {
        out[k++] = (w[pos >> 5] >> (24 - (pos & 31))) & 0xFFu;
        pos += 8;
    }
    const uint32_t *p = w + (pos >> 5);
    size_t quads = (n - k) / 4;
    for (size_t q = 0; q < quads; q++) {
        uint32_t v = p[q];
        out[k + 4 * q] = v >> 24;
        out[k + 4 * q + 1] = (v >> 16) & 0xFFu;
        out[k + 4 * q + 2] = (v >> 8) & 0xFFu;
        out[k + 4 * q + 3] = v & 0xFFu;
    }
    k += 4 * quads;
    pos += (uint64_t)quads * 32;
    for (; k < n; k++, pos += 8) out[k] = (w[pos >> 5] >> (24 - (pos & 31))) & 0xFFu;
}

/* 16-bit tokens whose first bit is at bit 8 of a 16-bit half (datyp 1 puts its
 * stream at bit 120): each token straddles a word boundary or sits in the
 * middle of a word, alternately. */
static void unpack16_off8(const uint32_t *w, uint64_t startbit, uint32_t *out, size_t n) {
    const uint32_t *p = w + (startbit >> 5);
    size_t k = 0;
    if ((startbit & 31) == 8) out[k++] = (p[0] >> 8) & 0xFFFFu; /* then continue at bit 24 of p[0] */
    size_t pairs = (n - k) / 2;
    for (size_t m = 0; m < pairs; m++) {
        uint32_t a = p[m], b = p[m + 1];
        out[k + 2 * m] = ((a << 8) | (b >> 24)) & 0xFFFFu;
        out[k + 2 * m + 1] = (b >> 8) & 0xFFFFu;
    }
    k += 2 * pairs;
    if (k < n) out[k] = ((p[pairs] << 8) | (p[pairs + 1] >> 24)) & 0xFFFFu;
}

/* Tokens of 12 or 24 bits from a word boundary: fixed patterns over 3 words. */
static size_t unpack12_aligned(const uint32_t *p, uint32_t *out, size_t n) {
    size_t groups = n / 8;
    for (size_t g = 0; g < groups; g++) {
        uint32_t a = p[3 * g], b = p[3 * g + 1], c = p[3 * g + 2];
        uint32_t *o = out + 8 * g;
        o[0] = a >> 20;
        o[1] = (a >> 8) & 0xFFFu;
        o[2] = ((a << 4) | (b >> 28)) & 0xFFFu;
        o[3] = (b >> 16) & 0xFFFu;
        o[4] = (b >> 4) & 0xFFFu;
        o[5] = ((b << 8) | (c >> 24)) & 0xFFFu;
        o[6] = (c >> 12) & 0xFFFu;
        o[7] = c & 0xFFFu;
    }
    return groups * 8;
}

static size_t unpack24_aligned(const uint32_t *p, uint32_t *out, size_t n) {
    size_t groups = n / 4;
    for (size_t g = 0; g < groups; g++) {
        uint32_t a = p[3 * g], b = p[3 * g + 1], c = p[3 * g + 2];
        uint32_t *o = out + 4 * g;
        o[0] = a >> 8;
        o[1] = ((a << 16) | (b >> 16)) & 0xFFFFFFu;
        o[2] = ((b << 8) | (c >> 24)) & 0xFFFFFFu;
        o[3] = c & 0xFFFFFFu;
    }
    return groups * 4;
}

void fst_bits_unpack(const uint32_t *w, size_t nwords, uint64_t startbit, int nbits, uint32_t *out, size_t n) {
    if (n == 0) return;
    if (nbits == 32 && (startbit & 31) == 0) {
        memcpy(out, w + (startbit >> 5), n * sizeof(uint32_t));
        return;
    }
    if (nbits == 16 && (startbit & 15) == 0) {
        unpack16_aligned(w, startbit, out, n);
        return;
    }
    if (nbits == 8 && (startbit & 7) == 0) {
        unpack8_aligned(w, startbit, out, n);
        return;
    }
    if (nbits == 16 && (startbit & 15) == 8) {
        unpack16_off8(w, startbit, out, n);
        return;
    }
    if ((nbits == 12 && (startbit & 3) == 0) || (nbits == 24 && (startbit & 7) == 0)) {
        /* single tokens up to a word boundary, then whole groups, then the tail */
        fst_bitreader r;
        fst_br_init(&r, w, nwords, startbit);
        size_t k = 0;
        uint64_t pos = startbit;
        while (k < n && (pos & 31)) {
            out[k++] = fst_br_get(&r, nbits);
            pos += (uint64_t)nbits;
        }
        const uint32_t *p = w + (pos >> 5);
        size_t done = nbits == 12 ? unpack12_aligned(p, out + k, n - k) : unpack24_aligned(p, out + k, n - k);
        k += done;
        fst_br_init(&r, w, nwords, pos + (uint64_t)done * (uint64_t)nbits);
        for (; k < n; k++) out[k] = fst_br_get(&r, nbits);
        return;
    }
    /* General case: a 64-bit window over two words. The body stops while the
     * second word is still inside the buffer; the tail uses the bounded reader. */
    const unsigned sh = 64u - (unsigned)nbits;
    size_t k = 0;
    if (nwords >= 2) {
        uint64_t lastpos = (uint64_t)(nwords - 1) * 32u; /* tokens starting before this are safe */
        size_t body = 0;
        if (lastpos > startbit) {
            body = (size_t)((lastpos - startbit) / (uint64_t)nbits);
            if (body > n) body = n;
        }
        for (; k < body; k++) {
            uint64_t p = startbit + (uint64_t)k * (uint64_t)nbits;
            size_t q = (size_t)(p >> 5);
            uint64_t win = ((uint64_t)w[q] << 32) | w[q + 1];
            out[k] = (uint32_t)((win << (p & 31)) >> sh);
        }
    }
    fst_bitreader r;
    fst_br_init(&r, w, nwords, startbit + (uint64_t)k * (uint64_t)nbits);
    for (; k < n; k++) out[k] = fst_br_get(&r, nbits);
}

void fst_bits_pack(uint32_t *w, uint64_t startbit, int nbits, const uint32_t *tok, size_t n) {
    if (n == 0) return;
    if (nbits == 32 && (startbit & 31) == 0) {
        memcpy(w + (startbit >> 5), tok, n * sizeof(uint32_t));
        return;
    }
    const uint32_t mask = nbits == 32 ? 0xFFFFFFFFu : (1u << nbits) - 1u;
    if (nbits == 16 && (startbit & 31) == 0) {
        uint32_t *p = w + (startbit >> 5);
        size_t pairs = n / 2;
        for (size_t q = 0; q < pairs; q++) p[q] = (tok[2 * q] & mask) << 16 | (tok[2 * q + 1] & mask);
        if (n & 1) p[pairs] |= (tok[n - 1] & mask) << 16;
        return;
    }
    if (nbits == 16 && (startbit & 31) == 24) { /* datyp 1 stream: halves straddle words */
        uint32_t *p = w + (startbit >> 5);
        size_t pairs = n / 2;
        for (size_t m = 0; m < pairs; m++) {
            uint32_t t0 = tok[2 * m] & mask, t1 = tok[2 * m + 1] & mask;
            p[m] |= t0 >> 8;
            p[m + 1] = t0 << 24 | t1 << 8;
        }
        if (n & 1) {
            uint32_t t0 = tok[n - 1] & mask;
            p[pairs] |= t0 >> 8;
            p[pairs + 1] |= t0 << 24;
        }
        return;
    }
    /* Accumulate into a 64-bit register and flush whole words. */
    uint32_t *p = w + (startbit >> 5);
    unsigned used = (unsigned)(startbit & 31); /* bits already occupied in *p */
    uint64_t acc = (uint64_t)(*p) << 32;       /* keep existing leading bits */
    acc &= used ? ~0ull << (64 - used) : 0;
    for (size_t k = 0; k < n; k++) {
        acc |= ((uint64_t)(tok[k] & mask)) << (64 - used - (unsigned)nbits);
        used += (unsigned)nbits;
        if (used >= 32) {
            *p++ = (uint32_t)(acc >> 32);
            acc <<= 32;
            used -= 32;
        }
    }
    if (used) *p = (uint32_t)(acc >> 32);
}
