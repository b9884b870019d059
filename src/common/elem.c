/* Element types of unpacked arrays: sizes and names (public helpers). */
#include "fst24.h"

size_t fst24_elem_size(fst24_elem_type t) {
    switch (t) {
    case FST24_ELEM_U8:
    case FST24_ELEM_I8: return 1;
    case FST24_ELEM_U16:
    case FST24_ELEM_I16: return 2;
    case FST24_ELEM_F32:
    case FST24_ELEM_U32:
    case FST24_ELEM_I32: return 4;
    case FST24_ELEM_F64:
    case FST24_ELEM_U64:
    case FST24_ELEM_I64: return 8;
    default: return 0;
    }
}

const char *fst24_elem_name(fst24_elem_type t) {
    static const char *const names[] = {"none", "f32", "f64", "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64"};
    return (t >= 0 && t <= FST24_ELEM_I64) ? names[t] : "none";
}
