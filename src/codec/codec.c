/*
 * Codec front end, reading side: native layout of a record, the payload size a header needs,
 * dispatch to the per-datyp decoders, widening of the output and missing values. The writing
 * side (type resolution and encoders) is codec_encode.c.
 */
#include "codec/codec_internal.h"

#include <stdlib.h>
#include <string.h>
#include "codec/float_packer.h"
#include "codec/ieee_compress.h"
#include "codec/missing_internal.h"
#include "codec/quant_r.h"
#include "codec/write_checks.h"
#include <math.h>

/* ------------------------------------------------------------------ helpers */

uint32_t *fst_payload_alloc(size_t nwords) {
    uint32_t *w = calloc(nwords ? nwords : 1, sizeof(uint32_t));
    if (!w) fst_error(FST24_E_NOMEM, "cannot allocate a payload of %zu words", nwords);
    return w;
}

void *fst_codec_malloc(size_t bytes) {
    void *p = malloc(bytes ? bytes : 1);
    if (!p) fst_error(FST24_E_NOMEM, "cannot allocate %zu bytes for codec work space", bytes);
    return p;
}


static fst24_elem_type uint_of_bits(int bits) {
    switch (bits) {
    case 8: return FST24_ELEM_U8;
    case 16: return FST24_ELEM_U16;
    case 64: return FST24_ELEM_U64;
    default: return FST24_ELEM_U32;
    }
}

static fst24_elem_type sint_of_bits(int bits) {
    switch (bits) {
    case 8: return FST24_ELEM_I8;
    case 16: return FST24_ELEM_I16;
    case 64: return FST24_ELEM_I64;
    default: return FST24_ELEM_I32;
    }
}

/* data_bits as fst24 reports it: dasiz, or 64/32 by nbits for old records. */
static int effective_dasiz(const fst_codec_desc *d) {
    if (d->dasiz > 0) return d->dasiz;
    return d->nbits > 32 ? 64 : 32;
}

static int valid_datyp(int datyp) {
    if (datyp < 0 || datyp > 255) return 0;
    int base = datyp & FST24_TYPE_BASE_MASK;
    if (datyp & FST24_TYPE_COMPRESSED) return fst_type_compressible(base);
    return base <= FST24_TYPE_COMPLEX;
}

/* Validate dimensions and nbits; *n receives ni*nj*nk. */
int fst_codec_check_desc(const fst_codec_desc *d, size_t *n) {
    if (!d) return fst_error(FST24_E_INVALID, "codec: NULL descriptor");
    if (!valid_datyp(d->datyp)) return fst_error(FST24_E_DECODE, "codec: unsupported datyp %d", d->datyp);
    if (d->nbits < 1 || d->nbits > 64)
        return fst_error(FST24_E_DECODE, "codec: nbits %d out of range 1..64 (datyp %d)", d->nbits, d->datyp);
    if (d->ni < 1 || d->nj < 1 || d->nk < 1)
        return fst_error(FST24_E_DECODE, "codec: bad dimensions %lld x %lld x %lld", (long long)d->ni, (long long)d->nj,
                         (long long)d->nk);
    /* Keep n (and 2n, n*64 bits) far from overflow. */
    const int64_t lim = (int64_t)1 << 40;
    if (d->ni >= lim || d->nj >= lim || d->nk >= lim || d->ni * d->nj >= lim || d->ni * d->nj * d->nk >= lim)
        return fst_error(FST24_E_DECODE, "codec: dimensions %lld x %lld x %lld too large", (long long)d->ni,
                         (long long)d->nj, (long long)d->nk);
    *n = (size_t)(d->ni * d->nj * d->nk);
    return FST24_OK;
}

/* ------------------------------------------------------------------ layout */

int fst_codec_layout(const fst_codec_desc *d, fst24_elem_type *type, size_t *count) {
    size_t n = 0;
    int st = fst_codec_check_desc(d, &n);
    if (st) return st;
    int base = d->datyp & FST24_TYPE_BASE_MASK;
    int bits = effective_dasiz(d);
    fst24_elem_type t;
    size_t c = n;
    switch (base) {
    case FST24_TYPE_REAL_OLD_QUANT:
    case FST24_TYPE_REAL_IEEE:
    case FST24_TYPE_REAL: t = bits == 64 ? FST24_ELEM_F64 : FST24_ELEM_F32; break;
    case FST24_TYPE_COMPLEX:
        t = bits == 64 ? FST24_ELEM_F64 : FST24_ELEM_F32;
        c = 2 * n;
        break;
    case FST24_TYPE_UNSIGNED: t = uint_of_bits(bits); break;
    case FST24_TYPE_SIGNED: t = sint_of_bits(bits); break;
    case FST24_TYPE_CHAR:
    case FST24_TYPE_STRING: t = FST24_ELEM_U8; break;
    case FST24_TYPE_BINARY:
        if (d->nbits == 8 || d->nbits == 16 || d->nbits == 32 || d->nbits == 64) {
            t = uint_of_bits(d->nbits);
        } else {
            t = FST24_ELEM_U8;
            c = (size_t)(((uint64_t)n * (uint64_t)d->nbits + 7u) / 8u);
        }
        break;
    default: return fst_error(FST24_E_DECODE, "codec: unsupported datyp %d", d->datyp);
    }
    if (type) *type = t;
    if (count) *count = c;
    return FST24_OK;
}

/* A compressed payload holds at most this many elements per stored byte (armn_compress
 * reaches ~40 on a constant field, 133 ~14); a generous bound, like the margin. */
#define MAX_ELEMENTS_PER_BYTE 256
#define COMPRESSED_MARGIN 4096

int fst_codec_check_stored_size(const fst_codec_desc *d, int64_t stored_bytes) {
    size_t n = 0;
    int st = fst_codec_check_desc(d, &n);
    if (st) return st;
    if (stored_bytes <= 0) return FST24_OK; /* unknown */
    int base = d->datyp & FST24_TYPE_BASE_MASK;
    if (d->datyp & FST24_TYPE_COMPRESSED) {
        if ((uint64_t)n <= (uint64_t)stored_bytes * MAX_ELEMENTS_PER_BYTE + COMPRESSED_MARGIN) return FST24_OK;
        return fst_error(FST24_E_CORRUPT,
                         "header claims %lld x %lld x %lld values (compressed datyp %d), more than %d per byte of "
                         "the %lld bytes stored",
                         (long long)d->ni, (long long)d->nj, (long long)d->nk, d->datyp, MAX_ELEMENTS_PER_BYTE,
                         (long long)stored_bytes);
    }
    /* bits of payload the decoder will need (n <= 2^40, so no overflow) */
    uint64_t bits;
    switch (base) {
    case FST24_TYPE_REAL_OLD_QUANT: bits = (uint64_t)n * (uint64_t)d->nbits + 120; break;
    case FST24_TYPE_CHAR:
    case FST24_TYPE_STRING: bits = (uint64_t)n * 8; break;
    case FST24_TYPE_REAL: bits = (uint64_t)n * 16 + 96; break;
    case FST24_TYPE_COMPLEX: bits = 2 * (uint64_t)n * (uint64_t)d->nbits; break;
    default: bits = (uint64_t)n * (uint64_t)d->nbits; break;
    }
    uint64_t need = (bits + 7) / 8;
    if (need <= (uint64_t)stored_bytes) return FST24_OK;
    return fst_error(FST24_E_CORRUPT,
                     "header claims %lld x %lld x %lld values of %d bits (datyp %d): %llu bytes of payload needed, "
                     "%lld stored",
                     (long long)d->ni, (long long)d->nj, (long long)d->nk, d->nbits, d->datyp, (unsigned long long)need,
                     (long long)stored_bytes);
}

/* ------------------------------------------------------------------ widening */

static int is_signed_int(fst24_elem_type t) {
    return t == FST24_ELEM_I8 || t == FST24_ELEM_I16 || t == FST24_ELEM_I32 || t == FST24_ELEM_I64;
}

/* Whether every value of `from` is exactly representable in `to`. */
static int lossless_widening(fst24_elem_type from, fst24_elem_type to) {
    if (from == to) return 1;
    size_t a = fst24_elem_size(from), b = fst24_elem_size(to);
    if (a == 0 || b == 0 || b <= a) return 0;
    if (fst_elem_is_float(from) || fst_elem_is_float(to)) return from == FST24_ELEM_F32 && to == FST24_ELEM_F64;
    if (is_signed_int(from)) return is_signed_int(to);
    return 1; /* unsigned into any wider integer */
}

static int64_t load_int(const void *p, fst24_elem_type t, size_t k) {
    switch (t) {
    case FST24_ELEM_U8: return ((const uint8_t *)p)[k];
    case FST24_ELEM_U16: return ((const uint16_t *)p)[k];
    case FST24_ELEM_U32: return ((const uint32_t *)p)[k];
    case FST24_ELEM_I8: return ((const int8_t *)p)[k];
    case FST24_ELEM_I16: return ((const int16_t *)p)[k];
    case FST24_ELEM_I32: return ((const int32_t *)p)[k];
    default: return (int64_t)((const uint64_t *)p)[k];
    }
}

static void store_int(void *p, fst24_elem_type t, size_t k, int64_t v) {
    switch (t) {
    case FST24_ELEM_U8:
    case FST24_ELEM_I8: ((uint8_t *)p)[k] = (uint8_t)v; break;
    case FST24_ELEM_U16:
    case FST24_ELEM_I16: ((uint16_t *)p)[k] = (uint16_t)v; break;
    case FST24_ELEM_U32:
    case FST24_ELEM_I32: ((uint32_t *)p)[k] = (uint32_t)v; break;
    default: ((uint64_t *)p)[k] = (uint64_t)v; break;
    }
}

/* Widen count native elements at the start of buf into `to`, in place
 * (backwards, since the destination elements are larger). */
static void widen_in_place(void *buf, fst24_elem_type from, fst24_elem_type to, size_t count) {
    if (from == to) return;
    if (from == FST24_ELEM_F32) {
        float *f = buf;
        double *dd = buf;
        for (size_t k = count; k-- > 0;) dd[k] = (double)f[k];
        return;
    }
    for (size_t k = count; k-- > 0;) store_int(buf, to, k, load_int(buf, from, k));
}

/* ------------------------------------------------------------------ decode */

/* Type the decoder produces: the quantiser (datyp 1, 129) read into binary64
 * uses its binary64 unpacker, as librmn does for a 64-bit read (docs/format/data-types.md#read-element-types,
 * docs/format/data-types.md#datyp-1-binary64), rather than widening its binary32 results. */
static fst24_elem_type decode_type(const fst_codec_desc *d, fst24_elem_type native, fst24_elem_type out_type) {
    if ((d->datyp & FST24_TYPE_BASE_MASK) == FST24_TYPE_REAL_OLD_QUANT && native == FST24_ELEM_F32 &&
        out_type == FST24_ELEM_F64)
        return FST24_ELEM_F64;
    return native;
}

/* Decode native elements first..first+count-1 (count = all for compressed types). */
static int decode_native(const uint32_t *w, size_t nw, const fst_codec_desc *d, size_t first, void *out,
                         fst24_elem_type native, size_t count) {
    int base = d->datyp & FST24_TYPE_BASE_MASK;
    size_t n = fst_desc_n(d);
    if (d->datyp & FST24_TYPE_COMPRESSED) {
        if (base == FST24_TYPE_REAL_IEEE) {
            int rc = fst_ieeez_decode(w, nw, d, out);
            if (rc == FST24_OK && native == FST24_ELEM_F64) widen_in_place(out, FST24_ELEM_F32, FST24_ELEM_F64, n);
            return rc;
        }
        return fst_comp_decode(w, nw, d, out, native);
    }
    switch (base) {
    case FST24_TYPE_BINARY:
        return fst_raw_decode(w, nw, d, first * fst24_elem_size(native), out, count * fst24_elem_size(native));
    case FST24_TYPE_REAL_OLD_QUANT: return fst_quant_decode(w, nw, first, count, out, native);
    case FST24_TYPE_UNSIGNED:
    case FST24_TYPE_SIGNED: return fst_int_decode(w, nw, d, first, out, native, count);
    case FST24_TYPE_CHAR:
    case FST24_TYPE_STRING: return fst_chars_decode(w, nw, d, first, out, count);
    case FST24_TYPE_REAL_IEEE:
    case FST24_TYPE_COMPLEX:
        if (d->nbits > 32 && d->nbits != 64)
            return fst_error(FST24_E_DECODE, "datyp %d: nbits %d not decodable", d->datyp, d->nbits);
        if (native == FST24_ELEM_F64) return fst_ieee_decode_f64(w, nw, d->nbits, first, out, count);
        return fst_ieee_decode_f32(w, nw, d->nbits, first, out, count);
    case FST24_TYPE_REAL:
        if (native == FST24_ELEM_F64) { /* binary32 packer: decode then widen in place */
            int rc = fst_fpack_decode(w, nw, n, first, count, out);
            if (rc) return rc;
            widen_in_place(out, FST24_ELEM_F32, FST24_ELEM_F64, count);
            return FST24_OK;
        }
        return fst_fpack_decode(w, nw, n, first, count, out);
    default: return fst_error(FST24_E_DECODE, "codec: datyp %d not supported", d->datyp);
    }
}

int fst_codec_range_supported(const fst_codec_desc *d) {
    return d && (d->datyp & FST24_TYPE_COMPRESSED) == 0 && valid_datyp(d->datyp);
}

int fst_codec_decode_range(const uint32_t *words, size_t nwords, const fst_codec_desc *d, size_t first, size_t count,
                           void *out, fst24_elem_type out_type) {
    fst24_elem_type native = FST24_ELEM_NONE;
    size_t total = 0;
    int st = fst_codec_layout(d, &native, &total);
    if (st) return st;
    if (!fst_codec_range_supported(d))
        return fst_error(FST24_E_UNSUPPORTED, "codec: datyp %d cannot be decoded by ranges", d->datyp);
    if (out_type == FST24_ELEM_NONE) out_type = native;
    if (!lossless_widening(native, out_type))
        return fst_error(FST24_E_INVALID, "codec: cannot return %s data of datyp %d as %s", fst24_elem_name(native),
                         d->datyp, fst24_elem_name(out_type));
    if (first > total || count > total - first)
        return fst_error(FST24_E_INVALID, "codec: range %zu+%zu outside the %zu elements of datyp %d", first, count,
                         total, d->datyp);
    if (count == 0) return FST24_OK;
    if (!out || (!words && nwords)) return fst_error(FST24_E_INVALID, "codec: NULL buffer");
    native = decode_type(d, native, out_type);
    st = decode_native(words, nwords, d, first, out, native, count);
    if (st) return st;
    widen_in_place(out, native, out_type, count);
    return FST24_OK;
}

void fst_codec_decode_missing(void *data, fst24_elem_type type, size_t count) { fst_missing_decode(data, type, count); }

int fst_codec_decode(const uint32_t *words, size_t nwords, const fst_codec_desc *d, void *out, fst24_elem_type out_type,
                     size_t out_count, int decode_missing) {
    fst24_elem_type native = FST24_ELEM_NONE;
    size_t count = 0;
    int st = fst_codec_layout(d, &native, &count);
    if (st) return st;
    if (!out && count) return fst_error(FST24_E_INVALID, "codec: NULL output buffer");
    if (!words && nwords) return fst_error(FST24_E_INVALID, "codec: NULL payload");
    if (out_type == FST24_ELEM_NONE) out_type = native;
    if (!lossless_widening(native, out_type))
        return fst_error(FST24_E_INVALID, "codec: cannot return %s data of datyp %d as %s", fst24_elem_name(native),
                         d->datyp, fst24_elem_name(out_type));
    if (out_count < count)
        return fst_error(FST24_E_INVALID, "codec: output holds %zu elements, record has %zu", out_count, count);
    native = decode_type(d, native, out_type);
    st = decode_native(words, nwords, d, 0, out, native, count);
    if (st) return st;
    widen_in_place(out, native, out_type, count);
    int base = d->datyp & FST24_TYPE_BASE_MASK;
    if (decode_missing && (d->datyp & FST24_TYPE_MISSING_FLAG) && fst_type_takes_missing(base))
        fst_missing_decode(out, out_type, count);
    return FST24_OK;
}
