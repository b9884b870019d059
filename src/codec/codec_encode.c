/*
 * Codec front end, writing side: librmn's write-time type resolution, the conversion of the
 * caller's elements, missing-value plugs and the dispatch to the per-datyp encoders (with the
 * fallback of the compressors to the plain types).
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

/* ------------------------------------------------------------------ encode */

/* Element size in bits of an input element type (0 if NONE/invalid). */
static int in_bits(fst24_elem_type t) { return (int)fst24_elem_size(t) * 8; }

/*
 * librmn's write-time type resolution (docs/format/data-types.md#type-resolution): fst98 rules for XDF,
 * fst24 rules for RSF. Fills `st` (datyp without the missing flag decision,
 * which depends on the data: *want_missing tells whether to try it).
 */
static int resolve_type(const fst_codec_desc *req, fst24_elem_type in_type, int is_rsf, fst_codec_desc *st,
                        int *want_missing) {
    int ib = in_bits(in_type);
    if (ib == 0) return fst_error(FST24_E_INVALID, "encode: invalid input element type %d", (int)in_type);
    int t = req->datyp;
    int nbits = req->nbits;
    if (t == FST_TYPE_QUANT_F64) {
        if (in_type != FST24_ELEM_F64)
            return fst_error(FST24_E_INVALID, "encode: datyp 801 needs f64 data, got %s", fst24_elem_name(in_type));
        t = FST24_TYPE_REAL_OLD_QUANT;
    }
    if (t < 0 || t > 255 || (t & FST24_TYPE_BASE_MASK) > FST24_TYPE_COMPLEX)
        return fst_error(FST24_E_INVALID, "encode: unsupported datyp %d", t);
    if (nbits < 1 || nbits > 64) return fst_error(FST24_E_INVALID, "encode: pack_bits %d out of range 1..64", nbits);
    int missing = t & FST24_TYPE_MISSING_FLAG;
    t &= ~FST24_TYPE_MISSING_FLAG;
    int base = t & FST24_TYPE_BASE_MASK;
    int is_real_in = fst_elem_is_float(in_type);
    if (base == FST24_TYPE_REAL_OLD_QUANT || base == FST24_TYPE_REAL_IEEE || base == FST24_TYPE_REAL ||
        base == FST24_TYPE_COMPLEX) {
        if (!is_real_in)
            return fst_error(FST24_E_INVALID, "encode: datyp %d needs f32/f64 data, got %s", req->datyp,
                             fst24_elem_name(in_type));
    } else if (base == FST24_TYPE_UNSIGNED || base == FST24_TYPE_SIGNED) {
        if (is_real_in)
            return fst_error(FST24_E_INVALID, "encode: datyp %d needs integer data, got %s", req->datyp,
                             fst24_elem_name(in_type));
    }
    if (base == FST24_TYPE_COMPLEX) {
        t = FST24_TYPE_COMPLEX;
        missing = 0;
    }
    if (base == FST24_TYPE_BINARY || base == FST24_TYPE_CHAR || base == FST24_TYPE_STRING) missing = 0;
    /* Binary and characters are the caller's bytes: anything but their own element
     * size would store part of the array, or bits it does not have. */
    if (base == FST24_TYPE_BINARY && nbits != ib)
        return fst_error(FST24_E_INVALID,
                         "encode: datyp %d (binary) stores the caller's %d-bit elements unchanged: pack_bits "
                         "must be %d, not %d (pre-packed bit streams go through fst24_write_payload)",
                         req->datyp, ib, ib, nbits);
    if ((base == FST24_TYPE_CHAR || base == FST24_TYPE_STRING) && ib != 8)
        return fst_error(FST24_E_INVALID, "encode: datyp %d (characters) needs 8-bit elements, got %s", req->datyp,
                         fst24_elem_name(in_type));
    /* Compression exists only for 1, 2, 5, 6 (librmn drops the flag otherwise). */
    if ((t & FST24_TYPE_COMPRESSED) && !fst_type_compressible(base)) t &= ~FST24_TYPE_COMPRESSED;
    if (is_rsf && nbits > ib && base != FST24_TYPE_BINARY && base != FST24_TYPE_CHAR && base != FST24_TYPE_STRING)
        nbits = ib; /* fst24 lowers to data_bits */
    if (base == FST24_TYPE_REAL_IEEE && nbits < 16)
        return fst_error(FST24_E_INVALID, "encode: IEEE (datyp 5) needs pack_bits >= 16, got %d", nbits);
    if (t == FST_TYPE_IEEE_COMPRESSED && nbits > 32) t = FST24_TYPE_REAL_IEEE;
    /* Compression works on single levels: clear it for nk > 1 (librmn's XDF writer
     * instead keeps only the flag and stores garbage, docs/format/data-types.md#librmn-quirks). */
    if ((t & FST24_TYPE_COMPRESSED) && req->nk > 1) t &= ~FST24_TYPE_COMPRESSED;
    base = t & FST24_TYPE_BASE_MASK;
    if (is_rsf && (base == FST24_TYPE_UNSIGNED || base == FST24_TYPE_SIGNED) && ib == 64) {
        t = base;
        nbits = 64; /* raw 64-bit copy */
    }
    if (base == FST24_TYPE_REAL_OLD_QUANT && (nbits == 31 || nbits == 32)) {
        t = FST24_TYPE_REAL_IEEE | (t & FST24_TYPE_COMPRESSED);
        nbits = 32;
    }
    base = t & FST24_TYPE_BASE_MASK;
    if ((base == FST24_TYPE_REAL_OLD_QUANT || base == FST24_TYPE_REAL_IEEE || base == FST24_TYPE_REAL) && nbits > 32) {
        t = FST24_TYPE_REAL_IEEE;
        nbits = 64;
    }
    base = t & FST24_TYPE_BASE_MASK;
    if (base == FST24_TYPE_REAL) {
        if (is_rsf && nbits > 16) t &= ~FST24_TYPE_COMPRESSED;
        if (nbits > 24) {
            t = FST24_TYPE_REAL_IEEE | (t & FST24_TYPE_COMPRESSED);
            nbits = 32;
        } else if (nbits > 16) {
            t = FST24_TYPE_REAL_OLD_QUANT;
        }
    }
    if (nbits > 16 && t != FST_TYPE_IEEE_COMPRESSED) t &= ~FST24_TYPE_COMPRESSED;
    /* 129 keeps each nbits-bit token in a 16-bit slot, but every reader (librmn's and
     * ours, which must agree with it) reads nbits-bit tokens from the slot stream:
     * below 16 bits the values come back garbled. Store the plain quantiser instead
     * (what the writer also does when compression does not pay). */
    if (t == 129 && nbits < 16) t = FST24_TYPE_REAL_OLD_QUANT;
    base = t & FST24_TYPE_BASE_MASK;
    int dasiz = 0;
    switch (base) {
    case FST24_TYPE_REAL_OLD_QUANT:
    case FST24_TYPE_REAL_IEEE:
    case FST24_TYPE_REAL:
    case FST24_TYPE_COMPLEX:
        dasiz = nbits == 64 ? 64 : 32;
        if (base == FST24_TYPE_COMPLEX && nbits != 32 && nbits != 64)
            return fst_error(FST24_E_INVALID, "encode: complex (datyp 8) needs pack_bits 32 or 64, got %d", nbits);
        break;
    case FST24_TYPE_UNSIGNED:
    case FST24_TYPE_SIGNED:
        dasiz = ib;
        if (ib == 64 && !is_rsf)
            return fst_error(FST24_E_UNSUPPORTED, "encode: 64-bit integers can only be stored in RSF files");
        if (ib == 16 && base == FST24_TYPE_UNSIGNED && nbits > 16) nbits = 16;
        if (ib == 8 && base == FST24_TYPE_UNSIGNED && nbits > 8) nbits = 8;
        if (ib != 64 && nbits > 32) return fst_error(FST24_E_INVALID, "encode: integer pack_bits %d > 32", nbits);
        break;
    case FST24_TYPE_CHAR:
        nbits = 8;
        dasiz = is_rsf ? 8 : 0;
        break;
    case FST24_TYPE_STRING:
        nbits = 8; /* what every reader uses; librmn's writer keeps the caller's value */
        dasiz = is_rsf ? 8 : 0;
        break;
    default: /* 0 */ dasiz = is_rsf ? ib : 0; break;
    }
    st->datyp = t;
    st->nbits = nbits;
    st->dasiz = dasiz;
    st->ni = req->ni;
    st->nj = req->nj;
    st->nk = req->nk;
    *want_missing = missing && fst_type_takes_missing(base);
    return FST24_OK;
}

/* Pack `x` (n reals, f32 unless st->nbits == 64 or the binary64 quantiser is
 * used) according to the resolved descriptor; compression failures fall back
 * to the base type (st->datyp updated). */
static int pack_real(const float *xf, const double *xd, fst_codec_desc *st, uint32_t **words, size_t *nwords) {
    size_t n = fst_desc_n(st);
    int base = st->datyp & FST24_TYPE_BASE_MASK, comp = st->datyp & FST24_TYPE_COMPRESSED, ok = 1, rc;
    switch (base) {
    case FST24_TYPE_REAL_OLD_QUANT:
        if (comp)
            rc = fst_comp_encode_129(xf, xd, st, words, nwords, &ok);
        else
            rc = fst_quant_encode(xf, xd, st, words, nwords);
        break;
    case FST24_TYPE_REAL:
        if (comp)
            rc = fst_comp_encode_134(xf, st, words, nwords, &ok);
        else
            rc = fst_fpack_encode(xf, st, words, nwords);
        break;
    case FST24_TYPE_REAL_IEEE:
    case FST24_TYPE_COMPLEX: {
        size_t count = base == FST24_TYPE_COMPLEX ? 2 * n : n;
        if (comp) {
            rc = fst_ieeez_encode(xf, st, words, nwords);
            if (rc <= 0) return rc;
            ok = 0; /* gave up: plain IEEE */
        }
        size_t L = base == FST24_TYPE_COMPLEX ? 4 * (((uint64_t)n * (uint64_t)st->nbits + 63u) / 64u)
                                              : fst_len_default(count, st->nbits);
        uint32_t *w = fst_payload_alloc(L);
        if (!w) return FST24_E_NOMEM;
        if (st->nbits == 64)
            fst_ieee_encode_f64(xd, count, w);
        else
            fst_ieee_encode_f32(xf, count, st->nbits, w);
        *words = w;
        *nwords = L;
        rc = FST24_OK;
        break;
    }
    default: return fst_error(FST24_E_INVALID, "encode: datyp %d is not a real type", st->datyp);
    }
    /* fallback to the plain type (the missing flag is handled by the caller) */
    if (rc == FST24_OK && !ok) st->datyp &= ~FST24_TYPE_COMPRESSED;
    return rc;
}

/* Integers (datyp 2, 4, 130): every value must come back (write_checks.c);
 * missing values get a plug of the stored signedness. */
static int encode_ints(const void *data, fst24_elem_type in_type, size_t n, int want_missing, fst_codec_desc *st,
                       uint32_t **words, size_t *nwords) {
    fst_int_stats stats;
    int rc = fst_check_int_values(data, in_type, n, st, want_missing, &stats);
    if (rc) return rc;
    const void *work = data;
    void *subst = NULL;
    if (want_missing) {
        rc = fst_missing_substitute(data, in_type, n, st->nbits,
                                    (st->datyp & FST24_TYPE_BASE_MASK) == FST24_TYPE_SIGNED, &subst);
        if (rc < 0) return rc;
        if (rc == 0)
            st->datyp &= ~FST24_TYPE_MISSING_FLAG;
        else {
            st->datyp |= FST24_TYPE_MISSING_FLAG;
            work = subst;
        }
    }
    /* 130 read into 32/64-bit integers sign-extends 16-bit tokens (librmn, docs/format/data-types.md#compressed-layouts):
     * at 16 bits, values from 2^15 up would come back wrong, so they are stored plain. */
    uint64_t top = stats.max + ((st->datyp & FST24_TYPE_MISSING_FLAG) ? 1u : 0u);
    if ((st->datyp & FST24_TYPE_COMPRESSED) && fst24_elem_size(in_type) >= 4 && st->nbits == 16 && top >= 0x8000u)
        st->datyp &= ~FST24_TYPE_COMPRESSED;
    if (st->datyp & FST24_TYPE_COMPRESSED) {
        int ok = 1;
        rc = fst_comp_encode_130(work, in_type, st, words, nwords, &ok);
        if (rc == FST24_OK && !ok) st->datyp &= ~FST24_TYPE_COMPRESSED;
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
static int encode_reals(const void *x, fst24_elem_type xt, size_t n, size_t count, int want_missing, fst_codec_desc *st,
                        uint32_t **words, size_t *nwords) {
    int base = st->datyp & FST24_TYPE_BASE_MASK;
    int rc;
    if (base == FST24_TYPE_REAL_OLD_QUANT || base == FST24_TYPE_REAL) {
        rc = fst_check_finite(x, xt, count, st->datyp);
        if (rc) return rc;
    }
    void *subst = NULL;
    if (want_missing) {
        rc = fst_missing_substitute(x, xt, n, st->nbits, 0, &subst);
        if (rc < 0) return rc;
        if (rc == 1)
            st->datyp |= FST24_TYPE_MISSING_FLAG;
        else
            st->datyp &= ~FST24_TYPE_MISSING_FLAG;
    }
    const int requested = st->datyp;
    double mn = 0, mx = 0, gap = 0;
    for (int attempt = 0;; attempt++) {
        const void *work = subst ? subst : x;
        st->datyp = requested;
        rc = xt == FST24_ELEM_F64 ? pack_real(NULL, work, st, words, nwords) : pack_real(work, NULL, st, words, nwords);
        if (rc || !subst) break;
        int same = fst_verify_missing(*words, *nwords, st, x, xt, n);
        if (same != 0) {
            rc = same < 0 ? same : FST24_OK;
            break;
        }
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
                           "value %g: use more pack_bits or datyp 5",
                           requested, st->nbits, mx);
            break;
        }
        fst_missing_replace(x, xt, n, plug, subst);
    }
    free(subst);
    return rc;
}

int fst_codec_encode(const void *data, fst24_elem_type in_type, const fst_codec_desc *req, int flags,
                     fst_codec_desc *stored, uint32_t **words, size_t *nwords) {
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
        chk.datyp &= ~FST24_TYPE_COMPRESSED; /* validity of dims/nbits only */
        if (fst_codec_check_desc(&chk, &n)) return fst_error(FST24_E_INVALID, "encode: bad dimensions or pack_bits");
    }
    if (!data) return fst_error(FST24_E_INVALID, "encode: NULL data");
    int base = st.datyp & FST24_TYPE_BASE_MASK;
    void *owned = NULL; /* converted copy of the input */
    switch (base) {
    case FST24_TYPE_BINARY: rc = fst_raw_encode(data, n * fst24_elem_size(in_type), &st, words, nwords); break;
    case FST24_TYPE_CHAR:
    case FST24_TYPE_STRING:
        /* librmn sizes a datyp 3 payload with the caller's nbits (kept for identical files) */
        rc = fst_chars_encode(data, &st, base == FST24_TYPE_CHAR ? req->nbits : 8, words, nwords);
        break;
    case FST24_TYPE_UNSIGNED:
    case FST24_TYPE_SIGNED: rc = encode_ints(data, in_type, n, want_missing, &st, words, nwords); break;
    case FST24_TYPE_REAL_OLD_QUANT:
    case FST24_TYPE_REAL_IEEE:
    case FST24_TYPE_REAL:
    case FST24_TYPE_COMPLEX: {
        size_t count = base == FST24_TYPE_COMPLEX ? 2 * n : n;
        int wide = st.nbits == 64;
        /* Binary64 data with missing values packed as datyp 1 keeps the binary64
         * quantiser (docs/format/data-types.md#datyp-1-binary64), as does the 801 request; everything else <= 32 bits is
         * rounded to binary32. */
        if (!wide && base == FST24_TYPE_REAL_OLD_QUANT && in_type == FST24_ELEM_F64 &&
            (want_missing || req->datyp == FST_TYPE_QUANT_F64)) {
            double mn, mx;
            if (req->datyp == FST_TYPE_QUANT_F64 || fst_missing_extremes(data, FST24_ELEM_F64, n, &mn, &mx) > 0) {
                rc = encode_reals(data, FST24_ELEM_F64, n, count, want_missing, &st, words, nwords);
                break;
            }
        }
        fst24_elem_type wt = wide ? FST24_ELEM_F64 : FST24_ELEM_F32;
        const void *work = data;
        if (in_type != wt) {
            owned = fst_codec_malloc(count * fst24_elem_size(wt));
            if (!owned) {
                rc = FST24_E_NOMEM;
                break;
            }
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
        rc = encode_reals(work, wt, n, count, want_missing && base != FST24_TYPE_COMPLEX, &st, words, nwords);
        break;
    }
    default: rc = fst_error(FST24_E_INVALID, "encode: datyp %d not supported", st.datyp);
    }
    free(owned);
    if (rc == FST24_OK && is_rsf &&
        (st.datyp & ~FST24_TYPE_MISSING_FLAG) == (FST24_TYPE_REAL_OLD_QUANT | FST24_TYPE_COMPRESSED)) {
        /* librmn's RSF writer stores one word more than W[0] for 129
         * (docs/format/xdf.md#xdf-records): keep the same length. */
        uint32_t *w2 = realloc(*words, (*nwords + 1) * sizeof(uint32_t));
        if (!w2)
            rc = fst_error(FST24_E_NOMEM, "encode: out of memory");
        else {
            w2[*nwords] = 0;
            *words = w2;
            (*nwords)++;
        }
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
