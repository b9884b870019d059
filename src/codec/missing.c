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
