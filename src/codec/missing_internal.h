/* Internal: missing-value (+64) substitution and decoding (docs/format/data-types.md#missing). */
#ifndef FST24_CODEC_MISSING_INTERNAL_H
#define FST24_CODEC_MISSING_INTERNAL_H
#include <stddef.h>
#include "fst24.h"

/* Reader side (docs/format/data-types.md#missing-reader): replace every element equal to the largest value
 * (ignoring elements already equal to the sentinel) by the sentinel of `type`. */
void fst_missing_decode(void *data, fst24_elem_type type, size_t count);

/* Writer side (docs/format/data-types.md#missing-plug): if some element of `in` (n elements of `type`) equals
 * the sentinel, return 1 and a malloc'ed copy (*out) in which those elements
 * are replaced by the plug value computed for `nbits` stored bits; return 0
 * (and *out = NULL) if none is missing; <0 on allocation failure. */
int fst_missing_substitute(const void *in, fst24_elem_type type, size_t n, int nbits, void **out);

#endif
