/* Missing-value sentinels (ENCODING.md §13.1 defaults, as in the corpus dumps). */
#include "fst24.h"

#include <stdint.h>

void fst24_get_missing_values(fst24_missing_values *mv) {
    if (!mv) return;
    mv->f32 = -1.0e38f;            /* bits 0xFE967699 = -9.99999968e+37 */
    mv->f64 = -1.0e38;             /* bits 0xC7D2CED32A16A1B1 */
    mv->i32 = INT32_MIN;
    mv->u32 = UINT32_MAX;
    mv->i16 = INT16_MIN;
    mv->u16 = UINT16_MAX;
    mv->i8 = INT8_MIN;
    mv->u8 = UINT8_MAX;
}

/* ------------------------------------------------------------------ reader side */
#include "codec/missing_internal.h"

/* One loop per type: find the max of the non-sentinel values, then replace. */
#define MISSING_DECODE(T, SENT, SKIPNAN)                                                   \
    do {                                                                            \
        T *a = data;                                                                \
        const T s = (SENT);                                                         \
        int any = 0;                                                                \
        T mx = s;                                                                   \
        for (size_t k = 0; k < count; k++) {                                        \
            T v = a[k];                                                             \
            if (v == s || (SKIPNAN && v != v)) continue;                            \
            if (!any || v > mx) { mx = v; any = 1; }                                \
        }                                                                           \
        if (!any) return;                                                           \
        for (size_t k = 0; k < count; k++) a[k] = a[k] == mx ? s : a[k];            \
    } while (0)

void fst_missing_decode(void *data, fst24_elem_type type, size_t count) {
    fst24_missing_values mv;
    fst24_get_missing_values(&mv);
    switch (type) {
    case FST24_ELEM_F32: MISSING_DECODE(float, mv.f32, 1); break;
    case FST24_ELEM_F64: MISSING_DECODE(double, mv.f64, 1); break;
    case FST24_ELEM_I32: MISSING_DECODE(int32_t, mv.i32, 0); break;
    case FST24_ELEM_U32: MISSING_DECODE(uint32_t, mv.u32, 0); break;
    case FST24_ELEM_I16: MISSING_DECODE(int16_t, mv.i16, 0); break;
    case FST24_ELEM_U16: MISSING_DECODE(uint16_t, mv.u16, 0); break;
    case FST24_ELEM_I8: MISSING_DECODE(int8_t, mv.i8, 0); break;
    case FST24_ELEM_U8: MISSING_DECODE(uint8_t, mv.u8, 0); break;
    case FST24_ELEM_I64: MISSING_DECODE(int64_t, (int64_t)INT64_MIN, 0); break;
    case FST24_ELEM_U64: MISSING_DECODE(uint64_t, (uint64_t)UINT64_MAX, 0); break;
    default: break;
    }
}

/* ------------------------------------------------------------------ writer side */
#include <stdlib.h>
#include <string.h>
#include "common/error.h"

/* factor[nbits] for nbits <= 8 (binary32 constants, §13.2). */
static const float plug_factor[9] = {2.0f, 1.1f, 0.55f, 0.28f, 0.14f, 0.07f, 0.035f, 0.017f, 0.01f};

static float plug_f32(float mx, float mn, int nbits) {
    float d = mx - mn;
    float plug;
    if (nbits > 8) plug = (float)((double)mx + (double)d * 0.01);
    else plug = mx + d * plug_factor[nbits < 0 ? 0 : nbits];
    if (plug == mx) plug = mx == 0 ? 1.0f : mx * 2;
    return plug;
}

static double plug_f64(double mx, double mn, int nbits) {
    double d = mx - mn;
    double plug;
    if (nbits > 8) plug = mx + d * 0.01;
    else plug = mx + d * (double)plug_factor[nbits < 0 ? 0 : nbits];
    if (plug == mx) plug = mx == 0 ? 1.0 : mx * 2;
    return plug;
}

/* Integer plug: max + 1 below the top code, else the top code (librmn then
 * decodes genuine maxima as missing too, §17.1 item 13; fst24's writer refuses
 * such data before it gets here, write_checks.c). `is_signed` is the
 * signedness of the STORED type (datyp 4), not of the caller's elements. */
static int64_t plug_int(int64_t mx, int nbits, int width, int is_signed) {
    int b = nbits < width ? nbits : width;
    int64_t top = is_signed ? ((int64_t)1 << (b - 1)) - 1 : ((int64_t)1 << b) - 1;
    return top > mx ? mx + 1 : top;
}

#define SUBST_FLOAT(T, SENT, PLUGF)                                                   \
    do {                                                                              \
        const T *a = in;                                                              \
        const T s = (SENT);                                                           \
        size_t nmiss = 0;                                                             \
        T mx = 0, mn = 0;                                                             \
        int any = 0;                                                                  \
        for (size_t k = 0; k < n; k++) {                                              \
            if (a[k] == s) { nmiss++; continue; }                                     \
            if (!any) { mx = mn = a[k]; any = 1; }                                    \
            else if (a[k] < mn) mn = a[k];                                            \
            else if (a[k] > mx) mx = a[k];                                            \
        }                                                                             \
        if (!nmiss) return 0;                                                         \
        T plug = PLUGF(mx, mn, nbits);                                                \
        T *o = malloc(n * sizeof(T));                                                 \
        if (!o) return fst_error(FST24_E_NOMEM, "missing values: out of memory");     \
        for (size_t k = 0; k < n; k++) o[k] = a[k] == s ? plug : a[k];                \
        *out = o;                                                                     \
        return 1;                                                                     \
    } while (0)

#define SUBST_INT(T, SENT, WIDTH)                                                    \
    do {                                                                              \
        const T *a = in;                                                              \
        const T s = (SENT);                                                           \
        size_t nmiss = 0;                                                             \
        int64_t mx = 0;                                                               \
        int any = 0;                                                                  \
        for (size_t k = 0; k < n; k++) {                                              \
            if (a[k] == s) { nmiss++; continue; }                                     \
            if (!any || (int64_t)a[k] > mx) { mx = (int64_t)a[k]; any = 1; }          \
        }                                                                             \
        if (!nmiss) return 0;                                                         \
        T plug = (T)plug_int(mx, nbits, WIDTH, stored_signed);                        \
        T *o = malloc(n * sizeof(T));                                                 \
        if (!o) return fst_error(FST24_E_NOMEM, "missing values: out of memory");     \
        for (size_t k = 0; k < n; k++) o[k] = a[k] == s ? plug : a[k];                \
        *out = o;                                                                     \
        return 1;                                                                     \
    } while (0)

int fst_missing_substitute(const void *in, fst24_elem_type type, size_t n, int nbits, int stored_signed,
                           void **out) {
    fst24_missing_values mv;
    fst24_get_missing_values(&mv);
    *out = NULL;
    if (nbits < 1) nbits = 1;
    switch (type) {
    case FST24_ELEM_F32: SUBST_FLOAT(float, mv.f32, plug_f32);
    case FST24_ELEM_F64: SUBST_FLOAT(double, mv.f64, plug_f64);
    case FST24_ELEM_I32: SUBST_INT(int32_t, mv.i32, 32);
    case FST24_ELEM_U32: SUBST_INT(uint32_t, mv.u32, 32);
    case FST24_ELEM_I16: SUBST_INT(int16_t, mv.i16, 16);
    case FST24_ELEM_U16: SUBST_INT(uint16_t, mv.u16, 16);
    case FST24_ELEM_I8: SUBST_INT(int8_t, mv.i8, 8);
    case FST24_ELEM_U8: SUBST_INT(uint8_t, mv.u8, 8);
    default: return 0; /* 64-bit integers: no missing-value support */
    }
}

/* Reals: max and min over the non-missing elements and the count of missing ones. */
size_t fst_missing_extremes(const void *in, fst24_elem_type type, size_t n, double *mn, double *mx) {
    fst24_missing_values mv;
    fst24_get_missing_values(&mv);
    size_t nmiss = 0;
    int any = 0;
    *mn = *mx = 0;
    for (size_t k = 0; k < n; k++) {
        double v;
        if (type == FST24_ELEM_F32) {
            float f = ((const float *)in)[k];
            if (f == mv.f32) { nmiss++; continue; }
            v = f;
        } else {
            v = ((const double *)in)[k];
            if (v == mv.f64) { nmiss++; continue; }
        }
        if (!any) { *mn = *mx = v; any = 1; }
        else if (v < *mn) *mn = v;
        else if (v > *mx) *mx = v;
    }
    return nmiss;
}

int fst_missing_replace(const void *in, fst24_elem_type type, size_t n, double plug, void *out) {
    fst24_missing_values mv;
    fst24_get_missing_values(&mv);
    if (type == FST24_ELEM_F32) {
        const float *a = in;
        float *o = out, p = (float)plug;
        for (size_t k = 0; k < n; k++) o[k] = a[k] == mv.f32 ? p : a[k];
    } else if (type == FST24_ELEM_F64) {
        const double *a = in;
        double *o = out;
        for (size_t k = 0; k < n; k++) o[k] = a[k] == mv.f64 ? plug : a[k];
    } else {
        return fst_error(FST24_E_INVALID, "missing values: %s is not a real type", fst24_elem_name(type));
    }
    return FST24_OK;
}
