/* Internal: data-dependent write validation (write_checks.c). */
#ifndef FST24_CODEC_WRITE_CHECKS_H
#define FST24_CODEC_WRITE_CHECKS_H
#include <stddef.h>
#include <stdint.h>
#include "codec/codec.h"

typedef struct fst_int_stats {
    size_t count;  /* non-missing values */
    size_t nmiss;  /* missing values (when they are looked for) */
    uint64_t max;  /* largest non-missing value (0 if it is negative or there is none) */
} fst_int_stats;

/* Integers (datyp 2/4 and 130, resolved descriptor `st`): every value must come back
 * as it was, i.e. fit the stored signedness and min(pack_bits, element width) bits;
 * with missing values (skip_missing), the largest value must leave a code for the plug
 * that is not the element type's own sentinel. FST24_E_INVALID naming the first value
 * that does not fit and the pack_bits that would; fills *out (may be NULL). */
int fst_check_int_values(const void *data, fst24_elem_type in_type, size_t n, const fst_codec_desc *st,
                         int skip_missing, fst_int_stats *out);

/* Quantised reals (datyp 1, 6 and their compressed forms): every value must be finite. */
int fst_check_finite(const void *data, fst24_elem_type type, size_t count, int datyp);

/* Decode an encoded +64 payload and compare its missing points with the input's:
 * 1 same, 0 different, <0 error. */
int fst_verify_missing(const uint32_t *words, size_t nwords, const fst_codec_desc *st, const void *in,
                       fst24_elem_type in_type, size_t n);
#endif
