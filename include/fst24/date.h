/* fst24/date.h - CMC date-time stamps. Included by fst24.h. */
#ifndef FST24_DATE_H
#define FST24_DATE_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

/* Stamp -> (YYYYMMDD, HHMMSShh) as librmn's newdate mode -3. Returns librmn's
 * rc (0 on success, nonzero for an invalid stamp; the outputs are then 0). */
FST24_API int fst24_stamp_to_printable(int32_t stamp, int32_t *yyyymmdd, int32_t *hhmmsshh);

/* stamp + hours (incdatr semantics). Returns FST24_OK or a negative status. */
FST24_API int fst24_stamp_add_hours(int32_t stamp, double hours, int32_t *out);

#ifdef __cplusplus
}
#endif
#endif
