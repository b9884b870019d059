/*
 * Write validation (docs/codecs.md, "Write validation"): the data-dependent
 * checks that keep the encoder from storing a record that would not read back
 * within its quantisation error. The per-(datyp, pack_bits) decisions are in
 * codec.c (resolve_type); these look at the values.
 */
#include "codec/write_checks.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "codec/codec_internal.h"
#include "codec/missing_internal.h"

static int is_signed_elem(fst24_elem_type t) {
    return t == FST24_ELEM_I8 || t == FST24_ELEM_I16 || t == FST24_ELEM_I32 || t == FST24_ELEM_I64;
}

static int64_t load_signed(const void *p, fst24_elem_type t, size_t k) {
    switch (t) {
    case FST24_ELEM_I8: return ((const int8_t *)p)[k];
    case FST24_ELEM_I16: return ((const int16_t *)p)[k];
    case FST24_ELEM_I32: return ((const int32_t *)p)[k];
    default: return ((const int64_t *)p)[k];
    }
}

static uint64_t load_unsigned(const void *p, fst24_elem_type t, size_t k) {
    switch (t) {
    case FST24_ELEM_U8: return ((const uint8_t *)p)[k];
    case FST24_ELEM_U16: return ((const uint16_t *)p)[k];
    case FST24_ELEM_U32: return ((const uint32_t *)p)[k];
    default: return ((const uint64_t *)p)[k];
    }
}

/* Missing-value sentinel of an integer element type, as the bits of a uint64
 * (sign-extended for signed types). 64-bit integers have no missing values. */
static uint64_t int_sentinel(fst24_elem_type t) {
    fst24_missing_values mv;
    fst24_get_missing_values(&mv);
    switch (t) {
    case FST24_ELEM_I8: return (uint64_t)(int64_t)mv.i8;
    case FST24_ELEM_I16: return (uint64_t)(int64_t)mv.i16;
    case FST24_ELEM_I32: return (uint64_t)(int64_t)mv.i32;
    case FST24_ELEM_U8: return mv.u8;
    case FST24_ELEM_U16: return mv.u16;
    case FST24_ELEM_U32: return mv.u32;
    default: return 0;
    }
}

/* Fewest unsigned bits that hold v. */
static int bit_length(uint64_t v) {
    int b = 0;
    while (v) { b++; v >>= 1; }
    return b;
}

int fst_check_int_values(const void *data, fst24_elem_type in_type, size_t n, const fst_codec_desc *st,
                         int skip_missing, fst_int_stats *out) {
    const int width = (int)fst24_elem_size(in_type) * 8;
    const int stored_signed = (st->datyp & 0x3F) == 4;
    const int in_signed = is_signed_elem(in_type);
    const int q = st->nbits < width ? st->nbits : width; /* bits a value keeps on the way back */
    const int missing = skip_missing && width < 64;
    const uint64_t sentinel = int_sentinel(in_type);

    /* Extremes of the non-missing values: as int64 for signed elements, as uint64 for unsigned. */
    int64_t smin = 0, smax = 0;
    uint64_t umax = 0;
    size_t nmiss = 0, count = 0;
    for (size_t k = 0; k < n; k++) {
        if (in_signed) {
            int64_t v = load_signed(data, in_type, k);
            if (missing && (uint64_t)v == sentinel) { nmiss++; continue; }
            if (!count++) smin = smax = v;
            else if (v < smin) smin = v;
            else if (v > smax) smax = v;
        } else {
            uint64_t v = load_unsigned(data, in_type, k);
            if (missing && v == sentinel) { nmiss++; continue; }
            if (!count++ || v > umax) umax = v;
        }
    }
    /* The values the stored record gives back: [lo, hi] (hi as uint64 to cover u64). */
    int64_t lo = stored_signed ? (q == 64 ? INT64_MIN : -((int64_t)1 << (q - 1))) : 0;
    uint64_t hi = stored_signed ? (q == 64 ? (uint64_t)INT64_MAX : ((uint64_t)1 << (q - 1)) - 1)
                                : (q == 64 ? UINT64_MAX : ((uint64_t)1 << q) - 1);
    /* With missing values the largest value needs a code above it for the plug, and for
     * unsigned elements read back at full width that plug must not be the element's own
     * missing sentinel (2^w - 1), which the reader ignores. */
    uint64_t hi_ok = hi;
    if (missing && nmiss) hi_ok = (!stored_signed && q == width) ? hi - 2 : hi - 1;

    int bad = 0;
    if (count) {
        if (in_signed) bad = smin < lo || (smax >= 0 && (uint64_t)smax > hi_ok);
        else bad = umax > hi_ok;
    }
    if (out) {
        out->count = count;
        out->nmiss = nmiss;
        out->max = in_signed ? (smax < 0 ? 0 : (uint64_t)smax) : umax;
    }
    if (!bad) return FST24_OK;

    /* Name the first offending element and what would work. */
    size_t at = 0;
    for (size_t k = 0; k < n; k++) {
        if (in_signed) {
            int64_t v = load_signed(data, in_type, k);
            if (missing && (uint64_t)v == sentinel) continue;
            if (v < lo || (v >= 0 && (uint64_t)v > hi_ok)) { at = k; break; }
        } else {
            uint64_t v = load_unsigned(data, in_type, k);
            if (missing && v == sentinel) continue;
            if (v > hi_ok) { at = k; break; }
        }
    }
    char value[32];
    if (in_signed) snprintf(value, sizeof value, "%lld", (long long)load_signed(data, in_type, at));
    else snprintf(value, sizeof value, "%llu", (unsigned long long)load_unsigned(data, in_type, at));
    const char *kind = stored_signed ? "signed" : "unsigned";
    if (!stored_signed && in_signed && smin < 0)
        return fst_error(FST24_E_INVALID,
                         "encode: value %s (element %zu) is negative: datyp %d stores unsigned integers "
                         "(use datyp 4 for signed values)", value, at, st->datyp);
    /* Bits needed: the largest magnitude (+1 code for a plug), +1 sign bit for signed. */
    uint64_t need_max = in_signed ? (smax < 0 ? 0 : (uint64_t)smax) : umax;
    if (missing && nmiss) need_max += (!stored_signed && q == width) ? 2 : 1;
    int need = bit_length(need_max);
    if (stored_signed) {
        int need_neg = in_signed && smin < 0 ? bit_length((uint64_t)(-(smin + 1))) : 0;
        need = (need > need_neg ? need : need_neg) + 1;
    }
    const char *why = missing && nmiss ? " with a code left above it for missing values" : "";
    if (need > width || need > 64)
        return fst_error(FST24_E_INVALID,
                         "encode: value %s (element %zu) does not fit datyp %d%s: %d-bit elements read back as "
                         "%s %d-bit values (%lld..%llu)", value, at, st->datyp, why, width, kind, q,
                         (long long)lo, (unsigned long long)hi_ok);
    return fst_error(FST24_E_INVALID,
                     "encode: value %s (element %zu) does not fit datyp %d with pack_bits %d%s (%s range "
                     "%lld..%llu): use pack_bits >= %d", value, at, st->datyp, st->nbits, why, kind,
                     (long long)lo, (unsigned long long)hi_ok, need);
}

int fst_check_finite(const void *data, fst24_elem_type type, size_t count, int datyp) {
    for (size_t k = 0; k < count; k++) {
        double v = type == FST24_ELEM_F32 ? (double)((const float *)data)[k] : ((const double *)data)[k];
        if (!isfinite(v))
            return fst_error(FST24_E_INVALID,
                             "encode: value %g (element %zu) cannot be packed as datyp %d, which stores finite "
                             "numbers only: use datyp 5 (IEEE)", v, k, datyp);
    }
    return FST24_OK;
}

/* Sentinel test for element k of a decoded or input array. */
static int is_sentinel(const void *a, fst24_elem_type t, size_t k, const fst24_missing_values *mv) {
    switch (t) {
    case FST24_ELEM_F32: return ((const float *)a)[k] == mv->f32;
    case FST24_ELEM_F64: return ((const double *)a)[k] == mv->f64;
    case FST24_ELEM_I8: return ((const int8_t *)a)[k] == mv->i8;
    case FST24_ELEM_U8: return ((const uint8_t *)a)[k] == mv->u8;
    case FST24_ELEM_I16: return ((const int16_t *)a)[k] == mv->i16;
    case FST24_ELEM_U16: return ((const uint16_t *)a)[k] == mv->u16;
    case FST24_ELEM_I32: return ((const int32_t *)a)[k] == mv->i32;
    case FST24_ELEM_U32: return ((const uint32_t *)a)[k] == mv->u32;
    case FST24_ELEM_I64: return ((const int64_t *)a)[k] == INT64_MIN;
    case FST24_ELEM_U64: return ((const uint64_t *)a)[k] == UINT64_MAX;
    default: return 0;
    }
}

int fst_verify_missing(const uint32_t *words, size_t nwords, const fst_codec_desc *st, const void *in,
                       fst24_elem_type in_type, size_t n) {
    fst24_elem_type native;
    size_t count;
    int rc = fst_codec_layout(st, &native, &count);
    if (rc) return rc;
    if (count != n) return 1; /* complex and friends carry no missing values */
    void *out = fst_codec_malloc(count * fst24_elem_size(native));
    if (!out) return FST24_E_NOMEM;
    rc = fst_codec_decode(words, nwords, st, out, native, count, 1);
    if (rc) {
        free(out);
        return fst_error_context(rc, "encode: verifying the missing values of datyp %d", st->datyp);
    }
    fst24_missing_values mv;
    fst24_get_missing_values(&mv);
    int same = 1;
    for (size_t k = 0; k < n && same; k++) same = is_sentinel(in, in_type, k, &mv) == is_sentinel(out, native, k, &mv);
    free(out);
    return same;
}
