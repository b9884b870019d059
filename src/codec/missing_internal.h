/* Internal: missing-value (+64) substitution and decoding (ENCODING.md §13). */
#ifndef FST24_CODEC_MISSING_INTERNAL_H
#define FST24_CODEC_MISSING_INTERNAL_H
#include <stddef.h>
#include "fst24.h"

/* Reader side (§13.3): replace every element equal to the largest value
 * (ignoring elements already equal to the sentinel) by the sentinel of `type`. */
void fst_missing_decode(void *data, fst24_elem_type type, size_t count);

#endif
