/* Internal: missing-value (+64) substitution and decoding (ENCODING.md §13). */
#ifndef FST24_CODEC_MISSING_INTERNAL_H
#define FST24_CODEC_MISSING_INTERNAL_H
#include <stddef.h>
#include "fst24.h"

/* Reader side (§13.3): replace every element equal to the largest value
 * (ignoring elements already equal to the sentinel) by the sentinel of `type`. */
void fst_missing_decode(void *data, fst24_elem_type type, size_t count);

/* Writer side (§13.2): if some element of `in` (n elements of `type`) equals
 * the sentinel, return 1 and a malloc'ed copy (*out) in which those elements
 * are replaced by the plug value computed for `nbits` stored bits; return 0
 * (and *out = NULL) if none is missing; <0 on allocation failure.
 * `stored_signed`: integer plugs follow the signedness of the stored type
 * (datyp 4: 1, datyp 2: 0), whatever the signedness of the caller's elements. */
int fst_missing_substitute(const void *in, fst24_elem_type type, size_t n, int nbits, int stored_signed,
                           void **out);

/* Reals (f32/f64): smallest and largest non-missing values (0, 0 if none);
 * returns the number of missing elements. */
size_t fst_missing_extremes(const void *in, fst24_elem_type type, size_t n, double *mn, double *mx);

/* Reals: copy `in` into `out` (same type and size) with every missing element
 * replaced by `plug` (rounded to f32 for f32 arrays). */
int fst_missing_replace(const void *in, fst24_elem_type type, size_t n, double plug, void *out);

#endif
