/* Payload framing of the armn_compress types 129 (R), 130 (I) and 134 (F)
 * (docs/format/data-types.md#compressed): W[0] = payload length, then the base header, then the
 * compressed 16-bit token grid. */
#include "codec/codec_internal.h"

#include <stdlib.h>
#include <string.h>
#include "codec/armn_compress.h"
#include "codec/bits.h"
#include "codec/float_packer.h"
#include "codec/quant_r.h"

#define CHUNK 2048

static int check_2d(const fst_codec_desc *d) {
    if (d->nk != 1)
        return fst_error(FST24_E_DECODE, "datyp %d: compressed records have nk = 1, not %lld", d->datyp,
                         (long long)d->nk);
    return FST24_OK;
}

/* Decode the compressed grid starting at word `off` into a fresh token array. */
static int grid_tokens(const uint32_t *w, size_t nw, size_t off, const fst_codec_desc *d, uint16_t **tok) {
    size_t n = fst_desc_n(d);
    if (nw <= off) return fst_error(FST24_E_DECODE, "datyp %d: payload of %zu words is too short", d->datyp, nw);
    *tok = fst_codec_malloc(n * sizeof(uint16_t));
    if (!*tok) return FST24_E_NOMEM;
    int rc = fst_armn_decode(w + off, nw - off, d->ni, d->nj, *tok);
    if (rc) {
        free(*tok);
        *tok = NULL;
        return fst_error_context(rc, "datyp %d", d->datyp);
    }
    return FST24_OK;
}

int fst_comp_decode(const uint32_t *w, size_t nw, const fst_codec_desc *d, void *out, fst24_elem_type native) {
    int rc = check_2d(d);
    if (rc) return rc;
    size_t n = fst_desc_n(d);
    int base = d->datyp & 0x3F;
    uint16_t *tok = NULL;
    switch (base) {
    case 6: { /* 134 */
        if (nw < 5) return fst_error(FST24_E_DECODE, "datyp %d: payload of %zu words is too short", d->datyp, nw);
        fst_fpack_params p;
        if ((rc = fst_fpack_parse(w + 1, n, &p))) return rc;
        if ((rc = grid_tokens(w, nw, 4, d, &tok))) return rc;
        if (native == FST24_ELEM_F64) { /* decode to binary32 and widen in place */
            fst_fpack_tokens_f32(&p, tok, out, n);
            float *f = out;
            double *o = out;
            for (size_t k = n; k-- > 0;) o[k] = f[k];
        } else {
            fst_fpack_tokens_f32(&p, tok, out, n);
        }
        break;
    }
    case 1: { /* 129 */
        if (nw < 6) return fst_error(FST24_E_DECODE, "datyp %d: payload of %zu words is too short", d->datyp, nw);
        fst_quant_params p;
        if ((rc = fst_quant_parse(w + 1, &p))) return rc;
        if ((rc = grid_tokens(w, nw, 5, d, &tok))) return rc;
        /* The writer stores each token in a 16-bit slot. librmn's reader takes
         * the token width from the header (nbits) and reads that many bits per
         * token from the slot stream, which mis-decodes nbits < 16 (docs/format/data-types.md#quirk-129-narrow). We reproduce it so that our values equal librmn's. */
        if (p.tb < 1 || p.tb > 16) {
            free(tok);
            return fst_error(FST24_E_DECODE, "datyp %d: token width %d out of range", d->datyp, p.tb);
        }
        uint32_t tmp[CHUNK];
        uint32_t *slots = NULL;
        if (p.tb != 16) {
            size_t ns = (n + 1) / 2;
            slots = fst_codec_malloc(ns * sizeof(uint32_t));
            if (!slots) {
                free(tok);
                return FST24_E_NOMEM;
            }
            for (size_t q = 0; q < n / 2; q++) slots[q] = (uint32_t)tok[2 * q] << 16 | tok[2 * q + 1];
            if (n & 1) slots[ns - 1] = (uint32_t)tok[n - 1] << 16;
        }
        for (size_t k0 = 0; k0 < n; k0 += CHUNK) {
            size_t m = n - k0 < CHUNK ? n - k0 : CHUNK;
            if (slots)
                fst_bits_unpack(slots, (n + 1) / 2, (uint64_t)k0 * (uint64_t)p.tb, p.tb, tmp, m);
            else
                for (size_t k = 0; k < m; k++) tmp[k] = tok[k0 + k];
            if (native == FST24_ELEM_F64)
                fst_quant_tokens_f64(&p, tmp, (double *)out + k0, m);
            else
                fst_quant_tokens_f32(&p, tmp, (float *)out + k0, m);
        }
        free(slots);
        break;
    }
    case 2: { /* 130 */
        if (d->nbits > 16) return fst_error(FST24_E_DECODE, "datyp %d: nbits %d > 16", d->datyp, d->nbits);
        if ((rc = grid_tokens(w, nw, 1, d, &tok))) return rc;
        fst_int130_store(tok, n, d->nbits, out, native);
        break;
    }
    default: return fst_error(FST24_E_DECODE, "datyp %d: not an armn_compress type", d->datyp);
    }
    free(tok);
    return FST24_OK;
}

/* ------------------------------------------------------------------ encoders */

/* Scratch size for the compressed stream: success needs fewer than n/2 words. */
static size_t zcap(size_t n) { return n / 2 + 4; }

int fst_comp_encode_134(const float *x, const fst_codec_desc *st, uint32_t **words, size_t *nwords, int *ok) {
    size_t n = fst_desc_n(st);
    uint16_t *tok = fst_codec_malloc(n * sizeof(uint16_t));
    uint32_t *z = fst_codec_malloc(zcap(n) * sizeof(uint32_t));
    uint32_t hdr[3];
    int rc = FST24_OK;
    if (!tok || !z) {
        rc = FST24_E_NOMEM;
        goto done;
    }
    fst_fpack_pack(x, n, st->nbits, hdr, tok);
    size_t zlng = 0;
    size_t zw = fst_armn_encode(tok, st->ni, st->nj, st->nbits, 0, z, zcap(n), &zlng);
    if (zw == (size_t)-1) {
        rc = fst_error(FST24_E_NOMEM, "compression work space: out of memory");
        goto done;
    }
    uint32_t *w;
    size_t L;
    if (zw) {
        L = 2 * ((28 + zlng + 7) / 8);
        if (!(w = fst_payload_alloc(L))) {
            rc = FST24_E_NOMEM;
            goto done;
        }
        w[0] = (uint32_t)L;
        memcpy(w + 1, hdr, sizeof hdr);
        memcpy(w + 4, z, zw * sizeof(uint32_t));
        *ok = 1;
    } else { /* plain datyp 6 in the buffer size of the compressed request (docs/format/data-types.md#payload-length) */
        L = 2 * ((((3 + (n + 1) / 2) * 32) + 32 + 63) / 64);
        if (!(w = fst_payload_alloc(L))) {
            rc = FST24_E_NOMEM;
            goto done;
        }
        memcpy(w, hdr, sizeof hdr);
        for (size_t q = 0; q < n / 2; q++) w[3 + q] = (uint32_t)tok[2 * q] << 16 | tok[2 * q + 1];
        if (n & 1) w[3 + n / 2] = (uint32_t)tok[n - 1] << 16;
        *ok = 0;
    }
    *words = w;
    *nwords = L;
done:
    free(tok);
    free(z);
    return rc;
}

int fst_comp_encode_129(const float *xf, const double *xd, const fst_codec_desc *st, uint32_t **words, size_t *nwords,
                        int *ok) {
    size_t n = fst_desc_n(st);
    const int nbits = st->nbits;
    fst_quant_enc q;
    int rc = fst_quant_prepare(xf, xd, n, nbits, &q);
    if (rc) return rc;
    uint32_t *t32 = fst_codec_malloc(n * sizeof(uint32_t));
    uint16_t *tok = fst_codec_malloc(n * sizeof(uint16_t));
    uint32_t *z = fst_codec_malloc(zcap(n) * sizeof(uint32_t));
    if (!t32 || !tok || !z) {
        rc = FST24_E_NOMEM;
        goto done;
    }
    fst_quant_quantize(&q, xf, xd, 0, n, t32);
    for (size_t k = 0; k < n; k++) tok[k] = (uint16_t)t32[k];
    size_t zlng = 0;
    size_t zw = fst_armn_encode(tok, st->ni, st->nj, nbits, 0, z, zcap(n), &zlng);
    if (zw == (size_t)-1) {
        rc = fst_error(FST24_E_NOMEM, "compression work space: out of memory");
        goto done;
    }
    uint32_t *w;
    size_t L;
    if (zw) {
        L = 2 * ((16 + zlng + 7) / 8);
        if (!(w = fst_payload_alloc(L))) {
            rc = FST24_E_NOMEM;
            goto done;
        }
        w[0] = (uint32_t)L;
        w[1] = 0xFFF00000u | (uint32_t)(n & 0xFFFFFu);
        w[2] = q.w1;
        w[3] = q.w2;
        w[4] = (uint32_t)nbits << 8 | (uint32_t)((n >> 20) & 0xFFu);
        memcpy(w + 5, z, zw * sizeof(uint32_t));
        *ok = 1;
    } else { /* plain datyp 1 in the buffer size of the compressed request (docs/format/data-types.md#payload-length) */
        int b16 = nbits > 16 ? nbits : 16;
        L = 2 * (((uint64_t)n * (uint64_t)b16 + 128 + 32 + 63) / 64);
        if (!(w = fst_payload_alloc(L))) {
            rc = FST24_E_NOMEM;
            goto done;
        }
        w[0] = 0x7FF00000u | (uint32_t)(n & 0xFFFFFu);
        w[1] = q.w1;
        w[2] = q.w2;
        w[3] = (uint32_t)nbits << 8;
        fst_bits_pack(w, 120, nbits, t32, n);
        *ok = 0;
    }
    *words = w;
    *nwords = L;
done:
    free(t32);
    free(tok);
    free(z);
    return rc;
}

/* 130 tokens from the caller's integers (docs/format/data-types.md#compressed-layouts): 32-bit values masked to nbits,
 * 16-bit values as they are, 8-bit values sign-extended to 16 bits (librmn). */
static void tokens_130(const void *in, fst24_elem_type t, size_t n, int nbits, uint16_t *tok) {
    const uint32_t mask = (1u << nbits) - 1u;
    switch (t) {
    case FST24_ELEM_U8:
    case FST24_ELEM_I8: {
        const int8_t *a = in;
        for (size_t k = 0; k < n; k++) tok[k] = (uint16_t)(int16_t)a[k];
        break;
    }
    case FST24_ELEM_U16:
    case FST24_ELEM_I16: memcpy(tok, in, n * 2); break;
    default: {
        const uint32_t *a = in;
        for (size_t k = 0; k < n; k++) tok[k] = (uint16_t)(a[k] & mask);
        break;
    }
    }
}

int fst_comp_encode_130(const void *data, fst24_elem_type in_type, const fst_codec_desc *st, uint32_t **words,
                        size_t *nwords, int *ok) {
    size_t n = fst_desc_n(st);
    const int nbits = st->nbits;
    uint16_t *tok = fst_codec_malloc(n * sizeof(uint16_t));
    uint32_t *z = fst_codec_malloc(zcap(n) * sizeof(uint32_t));
    int rc = FST24_OK;
    if (!tok || !z) {
        rc = FST24_E_NOMEM;
        goto done;
    }
    tokens_130(data, in_type, n, nbits, tok);
    size_t zlng = 0;
    size_t zw = fst_armn_encode(tok, st->ni, st->nj, nbits, 0, z, zcap(n), &zlng);
    if (zw == (size_t)-1) {
        rc = fst_error(FST24_E_NOMEM, "compression work space: out of memory");
        goto done;
    }
    if (zw) {
        size_t L = 2 * ((4 + zlng + 7) / 8);
        uint32_t *w = fst_payload_alloc(L);
        if (!w) {
            rc = FST24_E_NOMEM;
            goto done;
        }
        w[0] = (uint32_t)L;
        memcpy(w + 1, z, zw * sizeof(uint32_t));
        *words = w;
        *nwords = L;
        *ok = 1;
    } else {
        /* Plain datyp 2 from W[0] (librmn writes it from W[1], which its own
         * reader then decodes shifted, docs/format/data-types.md#quirk-130-fallback), in the 130 buffer size. */
        fst_codec_desc plain = *st;
        plain.datyp = 2;
        rc = fst_int_encode(data, in_type, &plain, words, nwords);
        if (rc) goto done;
        int b16 = nbits > 16 ? nbits : 16;
        size_t L = 2 * (((uint64_t)n * (uint64_t)b16 + 32 + 63) / 64);
        uint32_t *w = fst_payload_alloc(L);
        if (!w) {
            free(*words);
            *words = NULL;
            rc = FST24_E_NOMEM;
            goto done;
        }
        memcpy(w, *words, (L < *nwords ? L : *nwords) * sizeof(uint32_t));
        free(*words);
        *words = w;
        *nwords = L;
        *ok = 0;
    }
done:
    free(tok);
    free(z);
    return rc;
}
