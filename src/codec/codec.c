/*
 * Codec front end: native layout of a record, dispatch to the per-datyp
 * decoders/encoders, widening of the output and missing-value handling.
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
    int base = datyp & 0x3F;
    if (datyp & 128) return base == 1 || base == 2 || base == 5 || base == 6;
    return base <= 8;
}

/* Validate dimensions and nbits; *n receives ni*nj*nk. */
static int check_desc(const fst_codec_desc *d, size_t *n) {
    if (!d) return fst_error(FST24_E_INVALID, "codec: NULL descriptor");
    if (!valid_datyp(d->datyp))
        return fst_error(FST24_E_DECODE, "codec: unsupported datyp %d", d->datyp);
    if (d->nbits < 1 || d->nbits > 64)
        return fst_error(FST24_E_DECODE, "codec: nbits %d out of range 1..64 (datyp %d)", d->nbits, d->datyp);
    if (d->ni < 1 || d->nj < 1 || d->nk < 1)
        return fst_error(FST24_E_DECODE, "codec: bad dimensions %lld x %lld x %lld",
                         (long long)d->ni, (long long)d->nj, (long long)d->nk);
    /* Keep n (and 2n, n*64 bits) far from overflow. */
    const int64_t lim = (int64_t)1 << 40;
    if (d->ni >= lim || d->nj >= lim || d->nk >= lim || d->ni * d->nj >= lim || d->ni * d->nj * d->nk >= lim)
        return fst_error(FST24_E_DECODE, "codec: dimensions %lld x %lld x %lld too large",
                         (long long)d->ni, (long long)d->nj, (long long)d->nk);
    *n = (size_t)(d->ni * d->nj * d->nk);
    return FST24_OK;
}

/* ------------------------------------------------------------------ layout */

int fst_codec_layout(const fst_codec_desc *d, fst24_elem_type *type, size_t *count) {
    size_t n = 0;
    int st = check_desc(d, &n);
    if (st) return st;
    int base = d->datyp & 0x3F;
    int bits = effective_dasiz(d);
    fst24_elem_type t;
    size_t c = n;
    switch (base) {
    case 1: case 5: case 6:
        t = bits == 64 ? FST24_ELEM_F64 : FST24_ELEM_F32;
        break;
    case 8:
        t = bits == 64 ? FST24_ELEM_F64 : FST24_ELEM_F32;
        c = 2 * n;
        break;
    case 2: t = uint_of_bits(bits); break;
    case 4: t = sint_of_bits(bits); break;
    case 3: case 7: t = FST24_ELEM_U8; break;
    case 0:
        if (d->nbits == 8 || d->nbits == 16 || d->nbits == 32 || d->nbits == 64) {
            t = uint_of_bits(d->nbits);
        } else {
            t = FST24_ELEM_U8;
            c = (size_t)(((uint64_t)n * (uint64_t)d->nbits + 7u) / 8u);
        }
        break;
    default:
        return fst_error(FST24_E_DECODE, "codec: unsupported datyp %d", d->datyp);
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
    int st = check_desc(d, &n);
    if (st) return st;
    if (stored_bytes <= 0) return FST24_OK; /* unknown */
    int base = d->datyp & 0x3F;
    if (d->datyp & 128) {
        if ((uint64_t)n <= (uint64_t)stored_bytes * MAX_ELEMENTS_PER_BYTE + COMPRESSED_MARGIN) return FST24_OK;
        return fst_error(FST24_E_CORRUPT,
                         "header claims %lld x %lld x %lld values (compressed datyp %d), more than %d per byte of "
                         "the %lld bytes stored", (long long)d->ni, (long long)d->nj, (long long)d->nk, d->datyp,
                         MAX_ELEMENTS_PER_BYTE, (long long)stored_bytes);
    }
    /* bits of payload the decoder will need (n <= 2^40, so no overflow) */
    uint64_t bits;
    switch (base) {
    case 1: bits = (uint64_t)n * (uint64_t)d->nbits + 120; break;
    case 3: case 7: bits = (uint64_t)n * 8; break;
    case 6: bits = (uint64_t)n * 16 + 96; break;
    case 8: bits = 2 * (uint64_t)n * (uint64_t)d->nbits; break;
    default: bits = (uint64_t)n * (uint64_t)d->nbits; break;
    }
    uint64_t need = (bits + 7) / 8;
    if (need <= (uint64_t)stored_bytes) return FST24_OK;
    return fst_error(FST24_E_CORRUPT,
                     "header claims %lld x %lld x %lld values of %d bits (datyp %d): %llu bytes of payload needed, "
                     "%lld stored", (long long)d->ni, (long long)d->nj, (long long)d->nk, d->nbits, d->datyp,
                     (unsigned long long)need, (long long)stored_bytes);
}

/* ------------------------------------------------------------------ widening */

static int is_float(fst24_elem_type t) { return t == FST24_ELEM_F32 || t == FST24_ELEM_F64; }
static int is_signed_int(fst24_elem_type t) {
    return t == FST24_ELEM_I8 || t == FST24_ELEM_I16 || t == FST24_ELEM_I32 || t == FST24_ELEM_I64;
}

/* Whether every value of `from` is exactly representable in `to`. */
static int lossless_widening(fst24_elem_type from, fst24_elem_type to) {
    if (from == to) return 1;
    size_t a = fst24_elem_size(from), b = fst24_elem_size(to);
    if (a == 0 || b == 0 || b <= a) return 0;
    if (is_float(from) || is_float(to)) return from == FST24_ELEM_F32 && to == FST24_ELEM_F64;
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
    case FST24_ELEM_U8: case FST24_ELEM_I8: ((uint8_t *)p)[k] = (uint8_t)v; break;
    case FST24_ELEM_U16: case FST24_ELEM_I16: ((uint16_t *)p)[k] = (uint16_t)v; break;
    case FST24_ELEM_U32: case FST24_ELEM_I32: ((uint32_t *)p)[k] = (uint32_t)v; break;
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
 * uses its binary64 unpacker, as librmn does for a 64-bit read (ENCODING §1.2,
 * §5.4), rather than widening its binary32 results. */
static fst24_elem_type decode_type(const fst_codec_desc *d, fst24_elem_type native, fst24_elem_type out_type) {
    if ((d->datyp & 0x3F) == 1 && native == FST24_ELEM_F32 && out_type == FST24_ELEM_F64) return FST24_ELEM_F64;
    return native;
}

/* Decode native elements first..first+count-1 (count = all for compressed types). */
static int decode_native(const uint32_t *w, size_t nw, const fst_codec_desc *d, size_t first, void *out,
                         fst24_elem_type native, size_t count) {
    int base = d->datyp & 0x3F;
    size_t n = fst_desc_n(d);
    if (d->datyp & 128) {
        if (base == 5) {
            int rc = fst_ieeez_decode(w, nw, d, out);
            if (rc == FST24_OK && native == FST24_ELEM_F64) widen_in_place(out, FST24_ELEM_F32, FST24_ELEM_F64, n);
            return rc;
        }
        return fst_comp_decode(w, nw, d, out, native);
    }
    switch (base) {
    case 0:
        return fst_raw_decode(w, nw, d, first * fst24_elem_size(native), out, count * fst24_elem_size(native));
    case 1:
        return fst_quant_decode(w, nw, first, count, out, native);
    case 2:
    case 4:
        return fst_int_decode(w, nw, d, first, out, native, count);
    case 3:
    case 7:
        return fst_chars_decode(w, nw, d, first, out, count);
    case 5:
    case 8:
        if (d->nbits > 32 && d->nbits != 64)
            return fst_error(FST24_E_DECODE, "datyp %d: nbits %d not decodable", d->datyp, d->nbits);
        if (native == FST24_ELEM_F64) return fst_ieee_decode_f64(w, nw, d->nbits, first, out, count);
        return fst_ieee_decode_f32(w, nw, d->nbits, first, out, count);
    case 6:
        if (native == FST24_ELEM_F64) { /* binary32 packer: decode then widen in place */
            int rc = fst_fpack_decode(w, nw, n, first, count, out);
            if (rc) return rc;
            widen_in_place(out, FST24_ELEM_F32, FST24_ELEM_F64, count);
            return FST24_OK;
        }
        return fst_fpack_decode(w, nw, n, first, count, out);
    default:
        return fst_error(FST24_E_DECODE, "codec: datyp %d not supported", d->datyp);
    }
}

int fst_codec_range_supported(const fst_codec_desc *d) {
    return d && (d->datyp & 128) == 0 && valid_datyp(d->datyp);
}

int fst_codec_decode_range(const uint32_t *words, size_t nwords, const fst_codec_desc *d, size_t first,
                           size_t count, void *out, fst24_elem_type out_type) {
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

void fst_codec_decode_missing(void *data, fst24_elem_type type, size_t count) {
    fst_missing_decode(data, type, count);
}

int fst_codec_decode(const uint32_t *words, size_t nwords, const fst_codec_desc *d,
                     void *out, fst24_elem_type out_type, size_t out_count, int decode_missing) {
    fst24_elem_type native = FST24_ELEM_NONE;
    size_t count = 0;
    int st = fst_codec_layout(d, &native, &count);
    if (st) return st;
    if (!out && count) return fst_error(FST24_E_INVALID, "codec: NULL output buffer");
    if (!words && nwords) return fst_error(FST24_E_INVALID, "codec: NULL payload");
    if (out_type == FST24_ELEM_NONE) out_type = native;
    if (!lossless_widening(native, out_type))
        return fst_error(FST24_E_INVALID, "codec: cannot return %s data of datyp %d as %s",
                         fst24_elem_name(native), d->datyp, fst24_elem_name(out_type));
    if (out_count < count)
        return fst_error(FST24_E_INVALID, "codec: output holds %zu elements, record has %zu", out_count, count);
    native = decode_type(d, native, out_type);
    st = decode_native(words, nwords, d, 0, out, native, count);
    if (st) return st;
    widen_in_place(out, native, out_type, count);
    int base = d->datyp & 0x3F;
    if (decode_missing && (d->datyp & 64) && (base == 1 || base == 2 || base == 4 || base == 5 || base == 6))
        fst_missing_decode(out, out_type, count);
    return FST24_OK;
}

/* ------------------------------------------------------------------ encode */

/* Element size in bits of an input element type (0 if NONE/invalid). */
static int in_bits(fst24_elem_type t) { return (int)fst24_elem_size(t) * 8; }

/*
 * librmn's write-time type resolution (ENCODING.md §1.3): fst98 rules for XDF,
 * fst24 rules for RSF. Fills `st` (datyp without the missing flag decision,
 * which depends on the data: *want_missing tells whether to try it).
 */
static int resolve_type(const fst_codec_desc *req, fst24_elem_type in_type, int is_rsf,
                        fst_codec_desc *st, int *want_missing) {
    int ib = in_bits(in_type);
    if (ib == 0) return fst_error(FST24_E_INVALID, "encode: invalid input element type %d", (int)in_type);
    int t = req->datyp;
    int nbits = req->nbits;
    if (t == 801) { /* FST_TYPE_MAGIC: datyp 1 through the binary64 quantiser */
        if (in_type != FST24_ELEM_F64)
            return fst_error(FST24_E_INVALID, "encode: datyp 801 needs f64 data, got %s", fst24_elem_name(in_type));
        t = 1;
    }
    if (t < 0 || t > 255 || (t & 0x3F) > 8)
        return fst_error(FST24_E_INVALID, "encode: unsupported datyp %d", t);
    if (nbits < 1 || nbits > 64)
        return fst_error(FST24_E_INVALID, "encode: pack_bits %d out of range 1..64", nbits);
    int missing = t & 64;
    t &= ~64;
    int base = t & 0x3F;
    int is_real_in = is_float(in_type);
    if (base == 1 || base == 5 || base == 6 || base == 8) {
        if (!is_real_in) return fst_error(FST24_E_INVALID, "encode: datyp %d needs f32/f64 data, got %s",
                                          req->datyp, fst24_elem_name(in_type));
    } else if (base == 2 || base == 4) {
        if (is_real_in) return fst_error(FST24_E_INVALID, "encode: datyp %d needs integer data, got %s",
                                         req->datyp, fst24_elem_name(in_type));
    }
    if (base == 8) { t = 8; missing = 0; }
    if (base == 0 || base == 3 || base == 7) missing = 0;
    /* Binary and characters are the caller's bytes: anything but their own element
     * size would store part of the array, or bits it does not have. */
    if (base == 0 && nbits != ib)
        return fst_error(FST24_E_INVALID,
                         "encode: datyp %d (binary) stores the caller's %d-bit elements unchanged: pack_bits "
                         "must be %d, not %d (pre-packed bit streams go through fst24_write_payload)",
                         req->datyp, ib, ib, nbits);
    if ((base == 3 || base == 7) && ib != 8)
        return fst_error(FST24_E_INVALID, "encode: datyp %d (characters) needs 8-bit elements, got %s",
                         req->datyp, fst24_elem_name(in_type));
    /* Compression exists only for 1, 2, 5, 6 (librmn drops the flag otherwise). */
    if ((t & 128) && !(base == 1 || base == 2 || base == 5 || base == 6)) t &= ~128;
    if (is_rsf && nbits > ib && base != 0 && base != 3 && base != 7) nbits = ib; /* fst24 lowers to data_bits */
    if (base == 5 && nbits < 16)
        return fst_error(FST24_E_INVALID, "encode: IEEE (datyp 5) needs pack_bits >= 16, got %d", nbits);
    if (t == 133 && nbits > 32) t = 5;
    /* Compression works on single levels: clear it for nk > 1 (librmn's XDF writer
     * instead keeps only the flag and stores garbage, ENCODING.md §17.1). */
    if ((t & 128) && req->nk > 1) t &= ~128;
    base = t & 0x3F;
    if (is_rsf && (base == 2 || base == 4) && ib == 64) {
        t = base; nbits = 64;               /* raw 64-bit copy */
    }
    if (base == 1 && (nbits == 31 || nbits == 32)) { t = 5 | (t & 128); nbits = 32; }
    base = t & 0x3F;
    if ((base == 1 || base == 5 || base == 6) && nbits > 32) {
        t = 5; nbits = 64;
    }
    base = t & 0x3F;
    if (base == 6) {
        if (is_rsf && nbits > 16) t &= ~128;
        if (nbits > 24) { t = 5 | (t & 128); nbits = 32; }
        else if (nbits > 16) { t = 1; }
    }
    if (nbits > 16 && t != 133) t &= ~128;
    /* 129 keeps each nbits-bit token in a 16-bit slot, but every reader (librmn's and
     * ours, which must agree with it) reads nbits-bit tokens from the slot stream:
     * below 16 bits the values come back garbled. Store the plain quantiser instead
     * (what the writer also does when compression does not pay). */
    if (t == 129 && nbits < 16) t = 1;
    base = t & 0x3F;
    int dasiz = 0;
    switch (base) {
    case 1: case 5: case 6: case 8:
        dasiz = nbits == 64 ? 64 : 32;
        if (base == 8 && nbits != 32 && nbits != 64)
            return fst_error(FST24_E_INVALID, "encode: complex (datyp 8) needs pack_bits 32 or 64, got %d", nbits);
        break;
    case 2: case 4:
        dasiz = ib;
        if (ib == 64 && !is_rsf)
            return fst_error(FST24_E_UNSUPPORTED, "encode: 64-bit integers can only be stored in RSF files");
        if (ib == 16 && base == 2 && nbits > 16) nbits = 16;
        if (ib == 8 && base == 2 && nbits > 8) nbits = 8;
        if (ib != 64 && nbits > 32)
            return fst_error(FST24_E_INVALID, "encode: integer pack_bits %d > 32", nbits);
        break;
    case 3:
        nbits = 8;
        dasiz = is_rsf ? 8 : 0;
        break;
    case 7:
        nbits = 8; /* what every reader uses; librmn's writer keeps the caller's value */
        dasiz = is_rsf ? 8 : 0;
        break;
    default: /* 0 */
        dasiz = is_rsf ? ib : 0;
        break;
    }
    st->datyp = t;
    st->nbits = nbits;
    st->dasiz = dasiz;
    st->ni = req->ni; st->nj = req->nj; st->nk = req->nk;
    *want_missing = missing && (base == 1 || base == 2 || base == 4 || base == 5 || base == 6);
    return FST24_OK;
}

/* Pack `x` (n reals, f32 unless st->nbits == 64 or the binary64 quantiser is
 * used) according to the resolved descriptor; compression failures fall back
 * to the base type (st->datyp updated). */
static int pack_real(const float *xf, const double *xd, fst_codec_desc *st, uint32_t **words, size_t *nwords) {
    size_t n = fst_desc_n(st);
    int base = st->datyp & 0x3F, comp = st->datyp & 128, ok = 1, rc;
    switch (base) {
    case 1:
        if (comp) rc = fst_comp_encode_129(xf, xd, st, words, nwords, &ok);
        else rc = fst_quant_encode(xf, xd, st, words, nwords);
        break;
    case 6:
        if (comp) rc = fst_comp_encode_134(xf, st, words, nwords, &ok);
        else rc = fst_fpack_encode(xf, st, words, nwords);
        break;
    case 5: case 8: {
        size_t count = base == 8 ? 2 * n : n;
        if (comp) {
            rc = fst_ieeez_encode(xf, st, words, nwords);
            if (rc <= 0) return rc;
            ok = 0; /* gave up: plain IEEE */
        }
        size_t L = base == 8 ? 4 * (((uint64_t)n * (uint64_t)st->nbits + 63u) / 64u)
                             : fst_len_default(count, st->nbits);
        uint32_t *w = fst_payload_alloc(L);
        if (!w) return FST24_E_NOMEM;
        if (st->nbits == 64) fst_ieee_encode_f64(xd, count, w);
        else fst_ieee_encode_f32(xf, count, st->nbits, w);
        *words = w;
        *nwords = L;
        rc = FST24_OK;
        break;
    }
    default:
        return fst_error(FST24_E_INVALID, "encode: datyp %d is not a real type", st->datyp);
    }
    /* fallback to the plain type (the missing flag is handled by the caller) */
    if (rc == FST24_OK && !ok) st->datyp &= ~128;
    return rc;
}

/* Integers (datyp 2, 4, 130): every value must come back (write_checks.c);
 * missing values get a plug of the stored signedness. */
static int encode_ints(const void *data, fst24_elem_type in_type, size_t n, int want_missing,
                       fst_codec_desc *st, uint32_t **words, size_t *nwords) {
    fst_int_stats stats;
    int rc = fst_check_int_values(data, in_type, n, st, want_missing, &stats);
    if (rc) return rc;
    const void *work = data;
    void *subst = NULL;
    if (want_missing) {
        rc = fst_missing_substitute(data, in_type, n, st->nbits, (st->datyp & 0x3F) == 4, &subst);
        if (rc < 0) return rc;
        if (rc == 0) st->datyp &= ~64;
        else { st->datyp |= 64; work = subst; }
    }
    /* 130 read into 32/64-bit integers sign-extends 16-bit tokens (librmn, ENCODING §10.1):
     * at 16 bits, values from 2^15 up would come back wrong, so they are stored plain. */
    uint64_t top = stats.max + ((st->datyp & 64) ? 1u : 0u);
    if ((st->datyp & 128) && fst24_elem_size(in_type) >= 4 && st->nbits == 16 && top >= 0x8000u)
        st->datyp &= ~128;
    if (st->datyp & 128) {
        int ok = 1;
        rc = fst_comp_encode_130(work, in_type, st, words, nwords, &ok);
        if (rc == FST24_OK && !ok) st->datyp &= ~128;
    } else {
        rc = fst_int_encode(work, in_type, st, words, nwords);
    }
    free(subst);
    return rc;
}

/* Largest plug tried when missing values must be told apart from the data. */
#define PLUG_LIMIT 1.0e38

/* Reals (datyp 1, 5, 6, 8 and the compressed forms). The values to pack are
 * `x` (count elements of `xt`: f32, or f64 for 64-bit records and the binary64
 * quantiser). With missing values, the plug is librmn's first; if the packed
 * record does not give back exactly the missing points (the plug and the largest
 * value fell on the same code), the plug is moved further up and the record
 * packed again. */
static int encode_reals(const void *x, fst24_elem_type xt, size_t n, size_t count, int want_missing,
                        fst_codec_desc *st, uint32_t **words, size_t *nwords) {
    int base = st->datyp & 0x3F;
    int rc;
    if (base == 1 || base == 6) {
        rc = fst_check_finite(x, xt, count, st->datyp);
        if (rc) return rc;
    }
    void *subst = NULL;
    if (want_missing) {
        rc = fst_missing_substitute(x, xt, n, st->nbits, 0, &subst);
        if (rc < 0) return rc;
        if (rc == 1) st->datyp |= 64;
        else st->datyp &= ~64;
    }
    const int requested = st->datyp;
    double mn = 0, mx = 0, gap = 0;
    for (int attempt = 0;; attempt++) {
        const void *work = subst ? subst : x;
        st->datyp = requested;
        rc = xt == FST24_ELEM_F64 ? pack_real(NULL, work, st, words, nwords) : pack_real(work, NULL, st, words, nwords);
        if (rc || !subst) break;
        int same = fst_verify_missing(*words, *nwords, st, x, xt, n);
        if (same != 0) { rc = same < 0 ? same : FST24_OK; break; }
        free(*words);
        *words = NULL;
        *nwords = 0;
        if (attempt == 0) { /* start from librmn's plug: gap = plug - max */
            fst_missing_extremes(x, xt, n, &mn, &mx);
            fst24_missing_values mv;
            fst24_get_missing_values(&mv);
            double plug = mx;
            for (size_t k = 0; k < n; k++) {
                if (xt == FST24_ELEM_F32 ? ((const float *)x)[k] == mv.f32 : ((const double *)x)[k] == mv.f64) {
                    plug = xt == FST24_ELEM_F32 ? (double)((const float *)subst)[k] : ((const double *)subst)[k];
                    break;
                }
            }
            gap = plug - mx;
            if (!(gap > 0)) gap = mx != 0 ? fabs(mx) : 1.0;
        }
        gap *= 4;
        double plug = mx + gap;
        if (!(fabs(plug) <= PLUG_LIMIT) || attempt > 60) {
            rc = fst_error(FST24_E_INVALID,
                           "encode: datyp %d with pack_bits %d cannot tell missing values apart from the largest "
                           "value %g: use more pack_bits or datyp 5", requested, st->nbits, mx);
            break;
        }
        fst_missing_replace(x, xt, n, plug, subst);
    }
    free(subst);
    return rc;
}

int fst_codec_encode(const void *data, fst24_elem_type in_type, const fst_codec_desc *req,
                     int flags, fst_codec_desc *stored, uint32_t **words, size_t *nwords) {
    const int is_rsf = (flags & FST_CODEC_RSF) != 0;
    if (!req || !stored || !words || !nwords) return fst_error(FST24_E_INVALID, "encode: NULL argument");
    *words = NULL;
    *nwords = 0;
    fst_codec_desc st;
    int want_missing = 0;
    int rc = resolve_type(req, in_type, is_rsf, &st, &want_missing);
    if (rc) return rc;
    size_t n = 0;
    {
        fst_codec_desc chk = st;
        chk.datyp &= ~128; /* validity of dims/nbits only */
        if (check_desc(&chk, &n)) return fst_error(FST24_E_INVALID, "encode: bad dimensions or pack_bits");
    }
    if (!data) return fst_error(FST24_E_INVALID, "encode: NULL data");
    int base = st.datyp & 0x3F;
    void *owned = NULL; /* converted copy of the input */
    switch (base) {
    case 0:
        rc = fst_raw_encode(data, n * fst24_elem_size(in_type), &st, words, nwords);
        break;
    case 3: case 7:
        /* librmn sizes a datyp 3 payload with the caller's nbits (kept for identical files) */
        rc = fst_chars_encode(data, &st, base == 3 ? req->nbits : 8, words, nwords);
        break;
    case 2: case 4:
        rc = encode_ints(data, in_type, n, want_missing, &st, words, nwords);
        break;
    case 1: case 5: case 6: case 8: {
        size_t count = base == 8 ? 2 * n : n;
        int wide = st.nbits == 64;
        /* Binary64 data with missing values packed as datyp 1 keeps the binary64
         * quantiser (§5.4), as does the 801 request; everything else <= 32 bits is
         * rounded to binary32. */
        if (!wide && base == 1 && in_type == FST24_ELEM_F64 && (want_missing || req->datyp == 801)) {
            double mn, mx;
            if (req->datyp == 801 || fst_missing_extremes(data, FST24_ELEM_F64, n, &mn, &mx) > 0) {
                rc = encode_reals(data, FST24_ELEM_F64, n, count, want_missing, &st, words, nwords);
                break;
            }
        }
        fst24_elem_type wt = wide ? FST24_ELEM_F64 : FST24_ELEM_F32;
        const void *work = data;
        if (in_type != wt) {
            owned = fst_codec_malloc(count * fst24_elem_size(wt));
            if (!owned) { rc = FST24_E_NOMEM; break; }
            fst24_missing_values mv;
            fst24_get_missing_values(&mv);
            if (wide) { /* binary32 into binary64: a missing value stays missing */
                const float *f = data;
                double *o = owned;
                for (size_t k = 0; k < count; k++) o[k] = want_missing && f[k] == mv.f32 ? mv.f64 : (double)f[k];
            } else {
                const double *dd = data;
                float *o = owned;
                for (size_t k = 0; k < count; k++) o[k] = (float)dd[k];
            }
            work = owned;
        }
        rc = encode_reals(work, wt, n, count, want_missing && base != 8, &st, words, nwords);
        break;
    }
    default:
        rc = fst_error(FST24_E_INVALID, "encode: datyp %d not supported", st.datyp);
    }
    free(owned);
    if (rc == FST24_OK && is_rsf && (st.datyp & ~64) == 129) {
        /* librmn's RSF writer stores one word more than W[0] for 129
         * (CONTAINER.md §2.5): keep the same length. */
        uint32_t *w2 = realloc(*words, (*nwords + 1) * sizeof(uint32_t));
        if (!w2) rc = fst_error(FST24_E_NOMEM, "encode: out of memory");
        else { w2[*nwords] = 0; *words = w2; (*nwords)++; }
    }
    if (rc) {
        free(*words);
        *words = NULL;
        *nwords = 0;
        return rc;
    }
    *stored = st;
    return FST24_OK;
}
