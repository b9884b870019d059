/* fst24/filter.h - record filters written as text: lists, ranges, levels with
 * units and dates. Included by fst24.h.
 *
 * A filter is a set of conditions on header fields; a record matches when it
 * meets every condition, and it meets a condition when its field matches any
 * of the condition's items. Items, by field:
 *
 *   nomvar typvar etiket   a name (upper-cased, blank-padded, exact as in
 *                          librmn's searches) or a prefix ending in '*'
 *   grtyp                  one character (exact byte)
 *   ip1 ip2 ip3            an integer: that code exactly;
 *                          a value with a unit (500mb, 0.995sg, 10m, 12h; see
 *                          fst24_ip_parse): every code of fst24_ip_codes_of,
 *                          so old- and new-style files both match;
 *                          a range A..B of codes, or of values when a unit is
 *                          given (on either bound): the decoded value
 *                          (fst24_ip_value_of) of the same kind, within
 *                          [A, B] inclusive
 *   datev dateo            an ISO date (2024-01-15T12:00[:00][Z], 2024-01-15)
 *                          or an integer CMC stamp: the same instant, or
 *                          for a stamp the same stamp but for its last
 *                          decimal digit (as librmn's searches: old stamps'
 *                          run number, new stamps' 40 s bucket); a range
 *                          A..B of either: instants within [A, B] inclusive
 *   ni nj nk deet npas data_type (datyp) data_bits pack_bits (nbits)
 *   ig1 ig2 ig3 ig4        an integer or a range A..B
 *
 * Ranges may leave one end open ("..24", "500mb.."). Filters are immutable
 * once built and may be used from several threads at once.
 */
#ifndef FST24_FILTER_H
#define FST24_FILTER_H
/* Self-contained: the core declarations (status codes, FST24_API, records, files). */
#include "../fst24.h"
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

/* A filter (opaque): conditions added by fst24_filter_add() / fst24_filter_parse(). */
typedef struct fst24_filter fst24_filter;

/* A new, empty filter (matches every record). */
FST24_API int fst24_filter_new(fst24_filter **out);
/* Free a filter (NULL is accepted). */
FST24_API void fst24_filter_free(fst24_filter *filter);

/* Add the condition `field` = one of the comma-separated `items`
 * ("TT,HU", "500mb,850mb", "0..24", "2024-01-15T00:00..2024-01-16T00:00").
 * FST24_E_INVALID (message naming the field and the item) for an unknown
 * field or an item that does not parse; the filter is then unchanged. */
FST24_API int fst24_filter_add(fst24_filter *filter, const char *field, const char *items);

/* Add conditions written as "field=items[,field=items...]": a comma-separated
 * word without '=' continues the items of the field before it, so
 * "nomvar=TT,HU,ip1=500mb" is nomvar in {TT, HU} and ip1 = 500 mb. Blanks
 * around words are ignored. On error (FST24_E_INVALID) no condition is added. */
FST24_API int fst24_filter_parse(fst24_filter *filter, const char *spec);

/* 1 if `rec` meets every condition, 0 if not (also for NULL arguments). */
FST24_API int fst24_filter_match(const fst24_filter *filter, const fst24_record *rec);

/* Fill the fields of a search criteria record (from
 * fst24_record_init_criteria) that the filter pins to one exact value, so
 * that fst24_query_new() can pre-select: every record the filter matches is
 * found by such a query (the query may find more; apply fst24_filter_match
 * to what it returns). Fields already set in `criteria` are overwritten only
 * by the filter's own exact values. */
FST24_API int fst24_filter_criteria(const fst24_filter *filter, fst24_record *criteria);

/* Number of conditions (0 for an empty filter, <0 for NULL). */
FST24_API int fst24_filter_num_conditions(const fst24_filter *filter);

#ifdef __cplusplus
}
#endif
#endif
