/* Payload framing of the armn_compress types 129 (R), 130 (I) and 134 (F)
 * (ENCODING.md §10): W[0] = payload length, then the base header, then the
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
         * token from the slot stream, which mis-decodes nbits < 16 (ENCODING.md
         * §17.1 item 2). We reproduce it so that our values equal librmn's. */
        if (p.tb < 1 || p.tb > 16) {
            free(tok);
            return fst_error(FST24_E_DECODE, "datyp %d: token width %d out of range", d->datyp, p.tb);
        }
        uint32_t tmp[CHUNK];
        uint32_t *slots = NULL;
        if (p.tb != 16) {
            size_t ns = (n + 1) / 2;
            slots = fst_codec_malloc(ns * sizeof(uint32_t));
            if (!slots) { free(tok); return FST24_E_NOMEM; }
            for (size_t q = 0; q < n / 2; q++) slots[q] = (uint32_t)tok[2 * q] << 16 | tok[2 * q + 1];
            if (n & 1) slots[ns - 1] = (uint32_t)tok[n - 1] << 16;
        }
        for (size_t k0 = 0; k0 < n; k0 += CHUNK) {
            size_t m = n - k0 < CHUNK ? n - k0 : CHUNK;
            if (slots) fst_bits_unpack(slots, (n + 1) / 2, (uint64_t)k0 * (uint64_t)p.tb, p.tb, tmp, m);
            else for (size_t k = 0; k < m; k++) tmp[k] = tok[k0 + k];
            if (native == FST24_ELEM_F64) fst_quant_tokens_f64(&p, tmp, (double *)out + k0, m);
            else fst_quant_tokens_f32(&p, tmp, (float *)out + k0, m);
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
    default:
        return fst_error(FST24_E_DECODE, "datyp %d: not an armn_compress type", d->datyp);
    }
    free(tok);
    return FST24_OK;
}
