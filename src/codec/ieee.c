/* datyp 5 and 8 — IEEE bit patterns, possibly truncated (docs/format/data-types.md#datyp-5). */
#include "codec/codec_internal.h"

#include <string.h>
#include "codec/bits.h"
#include "common/bytes.h"

static int check_len(size_t nw, size_t count, int nbits) {
    uint64_t need = ((uint64_t)count * (uint64_t)nbits + 31u) / 32u; /* count includes `first` */
    if (need > nw)
        return fst_error(FST24_E_DECODE, "IEEE payload has %zu words, %llu needed for %zu x %d bits", nw,
                         (unsigned long long)need, count, nbits);
    return FST24_OK;
}

int fst_ieee_decode_f32(const uint32_t *w, size_t nw, int nbits, size_t first, float *out, size_t count) {
    if (nbits < 1 || (nbits > 32 && nbits != 64)) return fst_error(FST24_E_DECODE, "IEEE: unsupported nbits %d", nbits);
    int st = check_len(nw, first + count, nbits);
    if (st) return st;
    if (nbits == 64) { /* binary64 record read into binary32: ordinary rounding */
        const uint32_t *p = w + 2 * first;
        for (size_t k = 0; k < count; k++) out[k] = (float)fst_f64_of_bits((uint64_t)p[2 * k] << 32 | p[2 * k + 1]);
        return FST24_OK;
    }
    if (nbits == 32) {
        memcpy(out, w + first, count * 4);
        return FST24_OK;
    }
    /* Truncated: tokens are the top nbits of the pattern. Unpack in place into
     * the output (same element size), then shift. */
    uint32_t *u = (uint32_t *)(void *)out;
    fst_bits_unpack(w, nw, (uint64_t)first * (uint64_t)nbits, nbits, u, count);
    const unsigned sh = 32u - (unsigned)nbits;
    for (size_t k = 0; k < count; k++) u[k] <<= sh;
    return FST24_OK;
}

int fst_ieee_decode_f64(const uint32_t *w, size_t nw, int nbits, size_t first, double *out, size_t count) {
    if (nbits != 64) {
        /* A binary32 record (possibly truncated) read as binary64: widen. Decode
         * into the first half of out, then widen backwards in place. */
        float *f = (float *)(void *)out;
        int st = fst_ieee_decode_f32(w, nw, nbits, first, f, count);
        if (st) return st;
        for (size_t k = count; k-- > 0;) out[k] = (double)f[k];
        return FST24_OK;
    }
    int st = check_len(nw, first + count, 64);
    if (st) return st;
    const uint32_t *p = w + 2 * first;
    for (size_t k = 0; k < count; k++) out[k] = fst_f64_of_bits((uint64_t)p[2 * k] << 32 | p[2 * k + 1]);
    return FST24_OK;
}

void fst_ieee_encode_f32(const float *in, size_t count, int nbits, uint32_t *w) {
    if (nbits == 32) {
        memcpy(w, in, count * 4);
        return;
    }
    const unsigned sh = 32u - (unsigned)nbits;
    const uint32_t *b = (const uint32_t *)(const void *)in;
    /* Chunked so the shifted tokens stay in cache before packing. */
    uint32_t tmp[1024];
    uint64_t bit = 0;
    for (size_t k0 = 0; k0 < count; k0 += 1024) {
        size_t m = count - k0 < 1024 ? count - k0 : 1024;
        for (size_t k = 0; k < m; k++) tmp[k] = b[k0 + k] >> sh;
        fst_bits_pack(w, bit, nbits, tmp, m);
        bit += (uint64_t)m * (uint64_t)nbits;
    }
}

void fst_ieee_encode_f64(const double *in, size_t count, uint32_t *w) {
    for (size_t k = 0; k < count; k++) {
        uint64_t b;
        memcpy(&b, &in[k], 8);
        w[2 * k] = (uint32_t)(b >> 32);
        w[2 * k + 1] = (uint32_t)b;
    }
}
