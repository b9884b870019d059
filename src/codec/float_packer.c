/* datyp 6 — shared-exponent packer "F" (docs/format/data-types.md#datyp-6). */
#include "codec/codec_internal.h"
#include "common/bytes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "codec/float_packer.h"

#define CHUNK 2048

int fst_fpack_parse(const uint32_t *h, size_t n, fst_fpack_params *p) {
    if (h[0] >> 20 != 0xEFF) return fst_error(FST24_E_DECODE, "datyp 6: bad header marker 0x%03X", h[0] >> 20);
    if (h[2] != (uint32_t)n)
        return fst_error(FST24_E_DECODE, "datyp 6: header holds %u values, record has %zu", h[2], n);
    p->mmin = (int32_t)h[1];
    p->x = (int)((h[0] >> 8) & 0xFF);
    p->s = (int)(h[0] & 0xFF);
    p->nbits = (int)((h[0] >> 16) & 0xF) + 1;
    if (p->s > 31 && p->x != 0) return fst_error(FST24_E_DECODE, "datyp 6: shift %d out of range", p->s);
    return FST24_OK;
}

void fst_fpack_tokens_f32(const fst_fpack_params *p, const uint16_t *tok, float *out, size_t m) {
    if (p->x == 0) {
        memset(out, 0, m * sizeof(float));
        return;
    }
    /* 2^(X-150) is a binary32 (X >= 1) and |a| < 2^24, so the product is exact in binary32. */
    const float scale = (float)ldexp(1.0, p->x - 150);
    const unsigned s = (unsigned)p->s;
    const uint32_t mm = (uint32_t)p->mmin;
    for (size_t k = 0; k < m; k++) {                         /* branch-free so that it vectorises */
        int32_t a = (int32_t)(((uint32_t)tok[k] << s) + mm); /* 32-bit wrap as in librmn */
        int32_t sg = a >> 31;                                /* 0 or -1 */
        uint32_t mag = ((uint32_t)a ^ (uint32_t)sg) - (uint32_t)sg;
        mag = mag < 0xFFFFFFu ? mag : 0xFFFFFFu;
        out[k] = (float)(int32_t)mag * scale * (float)(sg | 1);
    }
}

int fst_fpack_decode(const uint32_t *w, size_t nw, size_t n, size_t first, size_t count, float *out) {
    if (nw < 3) return fst_error(FST24_E_DECODE, "datyp 6: payload of %zu words has no header", nw);
    fst_fpack_params p;
    int st = fst_fpack_parse(w, n, &p);
    if (st) return st;
    size_t need = 3 + (n + 1) / 2;
    if (need > nw) return fst_error(FST24_E_DECODE, "datyp 6: payload has %zu words, %zu needed", nw, need);
    uint16_t tmp[CHUNK];
    const uint32_t *tw = w + 3;
    for (size_t k0 = 0; k0 < count; k0 += CHUNK) {
        size_t m = count - k0 < CHUNK ? count - k0 : CHUNK;
        size_t e = first + k0; /* element index of tmp[0] */
        size_t k = 0;
        if (e & 1) tmp[k++] = (uint16_t)tw[e / 2]; /* odd start: low half */
        const uint32_t *q = tw + (e + k) / 2;
        size_t pairs = (m - k) / 2;
        for (size_t i = 0; i < pairs; i++) {
            tmp[k + 2 * i] = (uint16_t)(q[i] >> 16);
            tmp[k + 2 * i + 1] = (uint16_t)q[i];
        }
        k += 2 * pairs;
        if (k < m) tmp[k] = (uint16_t)(q[pairs] >> 16);
        fst_fpack_tokens_f32(&p, tmp, out + k0, m);
    }
    return FST24_OK;
}

/* Aligned mantissa of pattern b relative to exponent X (docs/format/data-types.md#datyp-6 align()). */
static inline int32_t align_m(uint32_t b, int x, int extreme) {
    int e = (int)((b >> 23) & 0xFF);
    uint32_t a = (extreme || e > 0) ? (0x800000u | (b & 0x7FFFFFu)) : (b & 0x7FFFFFu) << 1;
    int sh = x - e; /* negative only for NaN inputs, which are outside the contract */
    a >>= sh < 0 ? 0 : sh < 31 ? sh : 31;
    return (b >> 31) ? -(int32_t)a : (int32_t)a;
}

void fst_fpack_pack(const float *x, size_t n, int nbits, uint32_t hdr[3], uint16_t *tok) {
    float fmin = x[0], fmax = x[0];
    for (size_t k = 1; k < n; k++) {
        fmin = x[k] < fmin ? x[k] : fmin;
        fmax = x[k] > fmax ? x[k] : fmax;
    }
    uint32_t bmax = fst_f32_bits(fmax), bmin = fst_f32_bits(fmin);
    int emax = (int)((bmax >> 23) & 0xFF), emin = (int)((bmin >> 23) & 0xFF);
    int X = emax > emin ? emax : emin;
    int32_t mmax = emax == 0 ? 0 : align_m(bmax, X, 1);
    int32_t mmin = emin == 0 ? 0 : align_m(bmin, X, 1);
    uint32_t span = (uint32_t)(mmax - mmin);
    const uint32_t top = (1u << nbits) - 1u;
    int s = 0;
    int32_t r = 1;
    while (span > top) {
        span >>= 1;
        r <<= 1;
        s++;
    }
    r >>= 1;
    hdr[0] = 0xEFF00000u | (uint32_t)(nbits - 1) << 16 | (uint32_t)X << 8 | (uint32_t)s;
    hdr[1] = (uint32_t)mmin;
    hdr[2] = (uint32_t)n;
    /* align(b, false) = floor(|x| * 2^(150 - X)) with the sign of x, for normal and
     * subnormal x alike (the product is exact in binary64); in this form the loop
     * vectorises. Values >= 2^24 (only NaN/Inf, outside the contract) give 0. */
    const double scale = ldexp(1.0, 150 - X);
    for (size_t k = 0; k < n; k++) {
        double v = fabs((double)x[k]) * scale;
        v = v < 16777216.0 ? v : 0.0;
        int32_t a = (int32_t)v;
        int32_t sg = x[k] < 0 ? -1 : 0;
        a = (a ^ sg) - sg;
        int32_t t = (a - mmin + r) >> s;
        t = t > (int32_t)top ? (int32_t)top : t;
        tok[k] = (uint16_t)t; /* a negative token (subnormal minimum quirk) keeps its low 16 bits */
    }
}

int fst_fpack_encode(const float *x, const fst_codec_desc *st, uint32_t **words, size_t *nwords) {
    size_t n = fst_desc_n(st);
    size_t L = fst_fpack_len(n);
    uint32_t *w = fst_payload_alloc(L);
    if (!w) return FST24_E_NOMEM;
    uint16_t *tok = fst_codec_malloc((n + 1) * sizeof(uint16_t));
    if (!tok) {
        free(w);
        return FST24_E_NOMEM;
    }
    fst_fpack_pack(x, n, st->nbits, w, tok);
    tok[n] = 0;
    for (size_t q = 0; q < (n + 1) / 2; q++) w[3 + q] = (uint32_t)tok[2 * q] << 16 | tok[2 * q + 1];
    free(tok);
    *words = w;
    *nwords = L;
    return FST24_OK;
}
