/* datyp 2 and 4 — bit-packed unsigned / offset-binary signed integers (docs/format/data-types.md#datyp-2-4),
 * and the token post-processing of datyp 130 (docs/format/data-types.md#compressed-layouts). */
#include "codec/codec_internal.h"

#include <stdlib.h>
#include <string.h>
#include "codec/bits.h"

#define CHUNK 2048

/* Store 32-bit results into the native element type (truncating or widening). */
static void store_u32(void *out, fst24_elem_type t, size_t k0, const uint32_t *v, size_t m) {
    switch (t) {
    case FST24_ELEM_U8:
    case FST24_ELEM_I8: {
        uint8_t *o = (uint8_t *)out + k0;
        for (size_t k = 0; k < m; k++) o[k] = (uint8_t)v[k];
        break;
    }
    case FST24_ELEM_U16:
    case FST24_ELEM_I16: {
        uint16_t *o = (uint16_t *)out + k0;
        for (size_t k = 0; k < m; k++) o[k] = (uint16_t)v[k];
        break;
    }
    case FST24_ELEM_U32:
    case FST24_ELEM_I32: memcpy((uint32_t *)out + k0, v, m * 4); break;
    case FST24_ELEM_U64: {
        uint64_t *o = (uint64_t *)out + k0;
        for (size_t k = 0; k < m; k++) o[k] = v[k];
        break;
    }
    case FST24_ELEM_I64: {
        int64_t *o = (int64_t *)out + k0;
        for (size_t k = 0; k < m; k++) o[k] = (int32_t)v[k];
        break;
    }
    default: break;
    }
}

int fst_int_decode(const uint32_t *w, size_t nw, const fst_codec_desc *d, size_t first, void *out,
                   fst24_elem_type native, size_t n) {
    const int nbits = d->nbits;
    const int is_signed = (d->datyp & 0x3F) == 4;
    if (nbits == 64) {
        /* RSF raw copy of 64-bit integers, written by a little-endian host: low word first. */
        if (native != FST24_ELEM_U64 && native != FST24_ELEM_I64)
            return fst_error(FST24_E_DECODE, "datyp %d: 64-bit integers with element size %d", d->datyp, d->dasiz);
        if (nw / 2 < first + n)
            return fst_error(FST24_E_DECODE, "datyp %d: payload has %zu words, %zu needed", d->datyp, nw,
                             2 * (first + n));
        uint64_t *o = out;
        const uint32_t *p = w + 2 * first;
        for (size_t k = 0; k < n; k++) o[k] = (uint64_t)p[2 * k + 1] << 32 | p[2 * k];
        return FST24_OK;
    }
    if (nbits > 32) return fst_error(FST24_E_DECODE, "datyp %d: nbits %d not supported for integers", d->datyp, nbits);
    uint64_t need = ((uint64_t)(first + n) * (uint64_t)nbits + 31u) / 32u;
    if (need > nw)
        return fst_error(FST24_E_DECODE, "datyp %d: payload has %zu words, %llu needed for %zu x %d bits", d->datyp, nw,
                         (unsigned long long)need, first + n, nbits);
    const uint32_t bias = nbits == 32 ? 0x80000000u : 1u << (nbits - 1);
    const uint64_t start = (uint64_t)first * (uint64_t)nbits;
    if (native == FST24_ELEM_U32 || native == FST24_ELEM_I32) {
        uint32_t *o = out;
        fst_bits_unpack(w, nw, start, nbits, o, n);
        if (is_signed)
            for (size_t k = 0; k < n; k++) o[k] -= bias;
        return FST24_OK;
    }
    uint32_t tmp[CHUNK];
    for (size_t k0 = 0; k0 < n; k0 += CHUNK) {
        size_t m = n - k0 < CHUNK ? n - k0 : CHUNK;
        fst_bits_unpack(w, nw, start + (uint64_t)k0 * (uint64_t)nbits, nbits, tmp, m);
        if (is_signed)
            for (size_t k = 0; k < m; k++) tmp[k] -= bias;
        store_u32(out, native, k0, tmp, m);
    }
    return FST24_OK;
}

void fst_int130_store(const uint16_t *tok, size_t n, int nbits, void *out, fst24_elem_type native) {
    /* librmn: sign_extend_16(t) & sign_extend_16(~(0xFFFF << nbits)) (docs/format/data-types.md#compressed-layouts). */
    const uint32_t mask = (uint32_t)(int32_t)(int16_t)(uint16_t) ~(0xFFFFu << nbits);
    switch (native) {
    case FST24_ELEM_U8:
    case FST24_ELEM_I8: {
        uint8_t *o = out;
        for (size_t k = 0; k < n; k++) o[k] = (uint8_t)tok[k];
        break;
    }
    case FST24_ELEM_U16:
    case FST24_ELEM_I16: memcpy(out, tok, n * 2); break;
    case FST24_ELEM_U64:
    case FST24_ELEM_I64: {
        uint64_t *o = out;
        for (size_t k = 0; k < n; k++) o[k] = (uint32_t)((uint32_t)(int32_t)(int16_t)tok[k] & mask);
        break;
    }
    default: {
        uint32_t *o = out;
        for (size_t k = 0; k < n; k++) o[k] = (uint32_t)(int32_t)(int16_t)tok[k] & mask;
        break;
    }
    }
}

/* Tokens for packing: v & mask (unsigned) or (v + 2^(nbits-1)) & mask (signed), from any integer type. */
static void load_tokens(const void *in, fst24_elem_type t, size_t k0, size_t m, uint32_t add, uint32_t *tok) {
    switch (t) {
    case FST24_ELEM_U8: {
        const uint8_t *a = (const uint8_t *)in + k0;
        for (size_t k = 0; k < m; k++) tok[k] = a[k] + add;
        break;
    }
    case FST24_ELEM_I8: {
        const int8_t *a = (const int8_t *)in + k0;
        for (size_t k = 0; k < m; k++) tok[k] = (uint32_t)(int32_t)a[k] + add;
        break;
    }
    case FST24_ELEM_U16: {
        const uint16_t *a = (const uint16_t *)in + k0;
        for (size_t k = 0; k < m; k++) tok[k] = a[k] + add;
        break;
    }
    case FST24_ELEM_I16: {
        const int16_t *a = (const int16_t *)in + k0;
        for (size_t k = 0; k < m; k++) tok[k] = (uint32_t)(int32_t)a[k] + add;
        break;
    }
    case FST24_ELEM_U32:
    case FST24_ELEM_I32: {
        const uint32_t *a = (const uint32_t *)in + k0;
        for (size_t k = 0; k < m; k++) tok[k] = a[k] + add;
        break;
    }
    default: {
        const uint64_t *a = (const uint64_t *)in + k0;
        for (size_t k = 0; k < m; k++) tok[k] = (uint32_t)a[k] + add;
        break;
    }
    }
}

int fst_int_encode(const void *data, fst24_elem_type in_type, const fst_codec_desc *st, uint32_t **words,
                   size_t *nwords) {
    size_t n = fst_desc_n(st);
    const int nbits = st->nbits;
    const int is_signed = (st->datyp & 0x3F) == 4;
    size_t L = fst_len_default(n, nbits);
    uint32_t *w = fst_payload_alloc(L);
    if (!w) return FST24_E_NOMEM;
    if (nbits == 64) { /* RSF raw 64-bit copy, low word first */
        const uint64_t *a = data;
        for (size_t k = 0; k < n; k++) {
            w[2 * k] = (uint32_t)a[k];
            w[2 * k + 1] = (uint32_t)(a[k] >> 32);
        }
    } else {
        const uint32_t add = is_signed ? (nbits == 32 ? 0x80000000u : 1u << (nbits - 1)) : 0;
        uint32_t tmp[CHUNK];
        for (size_t k0 = 0; k0 < n; k0 += CHUNK) {
            size_t m = n - k0 < CHUNK ? n - k0 : CHUNK;
            load_tokens(data, in_type, k0, m, add, tmp);
            fst_bits_pack(w, (uint64_t)k0 * (uint64_t)nbits, nbits, tmp, m); /* masks to nbits */
        }
    }
    *words = w;
    *nwords = L;
    return FST24_OK;
}
