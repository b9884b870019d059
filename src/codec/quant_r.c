/* datyp 1 — linear quantiser "R" (docs/format/data-types.md#datyp-1), plus the style-2 header
 * variant used inside datyp 129 (docs/format/data-types.md#compressed-layouts). */
#include "codec/codec_internal.h"

#include <math.h>
#include <string.h>
#include "codec/bits.h"
#include "common/bytes.h"
#include "codec/quant_r.h"

#define CHUNK 2048

/* 1.0000000000001: the decoder's bias factor (binary64 0x3FF00000000001C2). */
#define QUANT_C_BITS 0x3FF00000000001C2ull

int fst_quant_parse(const uint32_t *h, fst_quant_params *p) {
    uint32_t marker = h[0] >> 20;
    if (marker != 0x7FF && marker != 0x7EF && marker != 0xFFF && marker != 0xFEF)
        return fst_error(FST24_E_DECODE, "datyp 1: bad header marker 0x%03X", marker);
    p->style2 = marker >= 0xFEF;
    p->tb = (int)((h[3] >> 8) & 0xFF);
    int re = (int)(h[1] >> 16) - 4096;
    p->scale = ldexp(1.0, re);
    uint32_t me = (h[1] >> 4) & 0xFFF;
    if (h[2] == 0 || me < 849) {
        p->min = 0.0f;
    } else {
        uint32_t b = (h[1] & 1u) << 31 | ((me - 849) & 0xFFu) << 23 | ((h[2] >> 8) & 0x7FFFFFu);
        p->min = fst_f32_of_bits(b);
    }
    return FST24_OK;
}

/* With a finite scale a zero token gives (0*scale)*C + min = min exactly, so
 * the select is only needed for hostile headers (infinite scale); without it
 * the loops vectorise. Tokens of at most 31 bits go through int32 so that the
 * conversion vectorises too. */
void fst_quant_tokens_f32(const fst_quant_params *p, const uint32_t *tok, float *out, size_t m) {
    const double scale = p->scale, c = fst_f64_of_bits(QUANT_C_BITS), mn = (double)p->min;
    const float mnf = p->min;
    if (p->tb <= 31 && isfinite(scale)) {
        const int32_t *t = (const int32_t *)(const void *)tok;
        for (size_t k = 0; k < m; k++) out[k] = (float)(((double)t[k] * scale) * c + mn);
        return;
    }
    for (size_t k = 0; k < m; k++) {
        double v = ((double)tok[k] * scale) * c + mn;
        out[k] = tok[k] ? (float)v : mnf;
    }
}

void fst_quant_tokens_f64(const fst_quant_params *p, const uint32_t *tok, double *out, size_t m) {
    const double scale = p->scale, c = fst_f64_of_bits(QUANT_C_BITS), mn = (double)p->min;
    if (p->tb <= 31 && isfinite(scale)) {
        const int32_t *t = (const int32_t *)(const void *)tok;
        for (size_t k = 0; k < m; k++) out[k] = ((double)t[k] * scale) * c + mn;
        return;
    }
    for (size_t k = 0; k < m; k++) {
        double v = ((double)tok[k] * scale) * c + mn;
        out[k] = tok[k] ? v : mn;
    }
}

int fst_quant_decode(const uint32_t *w, size_t nw, size_t first, size_t n, void *out, fst24_elem_type native) {
    if (nw < 4) return fst_error(FST24_E_DECODE, "datyp 1: payload of %zu words has no header", nw);
    fst_quant_params p;
    int st = fst_quant_parse(w, &p);
    if (st) return st;
    if (p.style2) return fst_error(FST24_E_DECODE, "datyp 1: style-2 header outside datyp 129");
    if (p.tb < 1 || p.tb > 32) return fst_error(FST24_E_DECODE, "datyp 1: token width %d out of range", p.tb);
    uint64_t need = (120u + (uint64_t)(first + n) * (uint64_t)p.tb + 31u) / 32u;
    if (need > nw)
        return fst_error(FST24_E_DECODE, "datyp 1: payload has %zu words, %llu needed for %zu x %d bits", nw,
                         (unsigned long long)need, n, p.tb);
    uint32_t tmp[CHUNK];
    for (size_t k0 = 0; k0 < n; k0 += CHUNK) {
        size_t m = n - k0 < CHUNK ? n - k0 : CHUNK;
        fst_bits_unpack(w, nw, 120u + (uint64_t)(first + k0) * (uint64_t)p.tb, p.tb, tmp, m);
        if (native == FST24_ELEM_F64)
            fst_quant_tokens_f64(&p, tmp, (double *)out + k0, m);
        else
            fst_quant_tokens_f32(&p, tmp, (float *)out + k0, m);
    }
    return FST24_OK;
}

/* ------------------------------------------------------------------ encoder */

int fst_quant_prepare(const float *xf, const double *xd, size_t n, int nbits, fst_quant_enc *q) {
    double mn, mx;
    if (n == 0) return fst_error(FST24_E_INVALID, "datyp 1: empty array");
    /* Independent min and max equal librmn's if/else-if scan for non-NaN data
     * and vectorise. */
    if (xf) {
        float a = xf[0], b = xf[0];
        for (size_t k = 1; k < n; k++) {
            a = xf[k] < a ? xf[k] : a;
            b = xf[k] > b ? xf[k] : b;
        }
        mn = a;
        mx = b;
    } else {
        mn = mx = xd[0];
        for (size_t k = 1; k < n; k++) {
            mn = xd[k] < mn ? xd[k] : mn;
            mx = xd[k] > mx ? xd[k] : mx;
        }
    }
    if (!(mx <= 1.0e38) || !(mn >= -1.0e38))
        return fst_error(FST24_E_INVALID, "datyp 1: values must lie within +-1e38 (min %g, max %g); use IEEE (datyp 5)",
                         mn, mx);
    double range = mx - mn;
    double r2 = range * 2;
    int e = r2 == 0 ? 0 : (int)((fst_f64_bits(r2) >> 52) & 0x7FF) - 1023;
    uint32_t re = (uint32_t)(e - nbits + 4096) & 0xFFFFu;
    uint32_t me, s = mn < 0 ? 1u : 0u, mm;
    if (mn == 0.0) {
        me = 0x111;
        mm = 0;
    } else {
        me = (uint32_t)((int)((fst_f64_bits(mn) >> 52) & 0x7FF) - 47);
        mm = 0x80000000u | (uint32_t)((fst_f64_bits(mn) & 0xFFFFFFFFFFFFFull) >> 29) << 8;
    }
    /* librmn ORs ME<<4 into the word without masking (matters only for binary64 subnormal minima). */
    q->w1 = re << 16 | (me << 4) | s;
    q->w2 = mm;
    q->min = mn;
    q->mult = ldexp(1.0, nbits - e);
    q->maxtok = nbits >= 32 ? 0xFFFFFFFFu : (1u << nbits) - 1u;
    return FST24_OK;
}

void fst_quant_quantize(const fst_quant_enc *q, const float *xf, const double *xd, size_t k0, size_t m, uint32_t *tok) {
    const double mn = q->min, mult = q->mult, top = (double)q->maxtok;
    /* Clamping never changes valid inputs (0 <= v < 2^nbits); it keeps NaN or
     * out-of-contract inputs away from undefined conversions. Tokens below 2^31
     * convert through int32, which vectorises. */
    if (q->maxtok <= 0x7FFFFFFFu) {
        int32_t *t = (int32_t *)(void *)tok;
        if (xf) {
            for (size_t k = 0; k < m; k++) {
                double v = ((double)xf[k0 + k] - mn) * mult;
                v = v >= 0 ? v : 0;
                v = v <= top ? v : top;
                t[k] = (int32_t)v;
            }
        } else {
            for (size_t k = 0; k < m; k++) {
                double v = (xd[k0 + k] - mn) * mult;
                v = v >= 0 ? v : 0;
                v = v <= top ? v : top;
                t[k] = (int32_t)v;
            }
        }
        return;
    }
    for (size_t k = 0; k < m; k++) {
        double v = ((xf ? (double)xf[k0 + k] : xd[k0 + k]) - mn) * mult;
        v = v >= 0 ? v : 0;
        v = v <= top ? v : top;
        tok[k] = (uint32_t)(int64_t)v;
    }
}

int fst_quant_encode(const float *xf, const double *xd, const fst_codec_desc *st, uint32_t **words, size_t *nwords) {
    size_t n = fst_desc_n(st);
    const int nbits = st->nbits;
    fst_quant_enc q;
    int rc = fst_quant_prepare(xf, xd, n, nbits, &q);
    if (rc) return rc;
    size_t L = fst_len_default(n, nbits);
    uint32_t *w = fst_payload_alloc(L);
    if (!w) return FST24_E_NOMEM;
    w[0] = 0x7FF00000u | (uint32_t)(n & 0xFFFFFu);
    w[1] = q.w1;
    w[2] = q.w2;
    w[3] = (uint32_t)nbits << 8;
    uint32_t tmp[CHUNK];
    for (size_t k0 = 0; k0 < n; k0 += CHUNK) {
        size_t m = n - k0 < CHUNK ? n - k0 : CHUNK;
        fst_quant_quantize(&q, xf, xd, k0, m, tmp);
        fst_bits_pack(w, 120u + (uint64_t)k0 * (uint64_t)nbits, nbits, tmp, m);
    }
    *words = w;
    *nwords = L;
    return FST24_OK;
}
