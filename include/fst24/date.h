/* fst24/date.h - CMC date-time stamps. Included by fst24.h.
 *
 * A CMC stamp is an int32 in one of three formats (METADATA.md §2.2):
 *  - old      0 .. 123199999   decimal MMDDYYHHR (1900..1999, whole hours,
 *                              R = run digit)
 *  - new      >= 123200000     5-second steps since 1980-01-01 (to 2235)
 *  - extended < -1             whole hours since 0000-01-01 (years 0..9999)
 * 0 means "no date", -1 is the search wildcard.
 * A "printable" date is the pair (YYYYMMDD, HHMMSShh), hh = hundredths.
 * Results are those of librmn's newdate/incdatr/difdatr (Gregorian calendar;
 * librmn's optional 365/360-day calendars are not supported). All functions
 * are pure and thread-safe.
 *
 * Return conventions: the newdate-style conversions return librmn's rc,
 * 0 on success and 1 for invalid input (a message is set); the others return
 * FST24_OK or a negative FST24_E_* status.
 */
#ifndef FST24_DATE_H
#define FST24_DATE_H
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

/* Error stamp librmn's incdatr returns (1910-10-10 10Z run 1). */
#define FST24_STAMP_ERROR 101010101
/* Dummy stamp written by some producers (1901-01-01 01Z run 1). */
#define FST24_STAMP_DUMMY 10101011

/* ---- stamp <-> printable (newdate) -------------------------------------- */

/* Stamp -> (YYYYMMDD, HHMMSShh) as librmn's newdate mode -3 (any format).
 * Returns librmn's rc (0 on success, 1 for an invalid stamp; the outputs are
 * then 0). */
FST24_API int fst24_stamp_to_printable(int32_t stamp, int32_t *yyyymmdd, int32_t *hhmmsshh);

/* (YYYYMMDD, HHMMSShh) -> stamp as newdate mode +3: new stamp from 2000 on and
 * for 1980..1999 with minutes/seconds (seconds truncated to 5 s), old stamp
 * before 2000 on whole hours (before 1980: truncated to the hour), extended
 * stamp outside 1900..2235 and for 1901-01-01 01:00:00. Returns 0, or 1
 * (*stamp = 0) for an invalid date. */
FST24_API int fst24_printable_to_stamp(int32_t yyyymmdd, int32_t hhmmsshh, int32_t *stamp);

/* (YYYYMMDD, HHMMSShh) -> extended stamp (newdate +5, years 0..9999, minutes
 * dropped). Returns 0, or 1 (*stamp = 0). */
FST24_API int fst24_printable_to_ext_stamp(int32_t yyyymmdd, int32_t hhmmsshh, int32_t *stamp);

/* Extended stamp -> printable (newdate -5). Returns 0, or 1 (outputs 0). */
FST24_API int fst24_ext_stamp_to_printable(int32_t stamp, int32_t *yyyymmdd, int32_t *hhmmsshh);

/* librmn's newdate(dat1, dat2, dat3, mode) for modes ±1, ±2, ±3, ±5, ±6, ±7
 * (the historical 14-word array, ±4, is not supported):
 *   1: *dat2 stamp -> *dat1 true date (5 s since 1980), *dat3 run digit
 *  -1: *dat1 true date, *dat3 run -> *dat2 stamp
 *   2: *dat2, *dat3 printable -> *dat1 true date      -2: the reverse
 *   3: printable -> *dat1 stamp                        -3: the reverse
 *   5: printable -> *dat1 extended stamp               -5: the reverse
 *   6: *dat2 stamp -> *dat1 extended true date (hours since year 0)
 *  -6: *dat1 extended true date -> *dat2 stamp (extended only outside 1900..2235)
 *   7: printable -> *dat1 extended true date           -7: the reverse
 * Outputs are left as librmn leaves them on failure. Returns 0 or 1. */
FST24_API int fst24_newdate(int32_t *dat1, int32_t *dat2, int32_t *dat3, int mode);

/* ---- arithmetic (incdatr/incdati/difdatr/difdati) ------------------------ */

/* stamp + hours (incdatr semantics): to the nearest 5 s from 1980 on, whole
 * hours before 1980 and for extended stamps; leaving 1900..2235 gives an
 * extended stamp. On failure *out = FST24_STAMP_ERROR (101010101, as librmn)
 * and FST24_E_INVALID is returned. */
FST24_API int fst24_stamp_add_hours(int32_t stamp, double hours, int32_t *out);
/* Same with the stamp and the hours rounded to whole hours first (incdati). */
FST24_API int fst24_stamp_add_hours_rounded(int32_t stamp, double hours, int32_t *out);
/* *hours = a - b in hours (difdatr): exact to 5 s in the basic range, whole
 * hours when either stamp is extended. On failure *hours = 2^30 and
 * FST24_E_INVALID. */
FST24_API int fst24_stamp_diff_hours(int32_t a, int32_t b, double *hours);
/* Same with both stamps rounded to the hour, integral result (difdati). */
FST24_API int fst24_stamp_diff_hours_rounded(int32_t a, int32_t b, double *hours);

/* ---- classification ----------------------------------------------------- */

typedef enum fst24_stamp_format {
    FST24_STAMP_NONE = 0,     /* 0 or -1: no date / wildcard */
    FST24_STAMP_OLD = 1,
    FST24_STAMP_NEW = 2,
    FST24_STAMP_EXTENDED = 3
} fst24_stamp_format;

/* Format of a stamp by its range (says nothing about validity). */
FST24_API fst24_stamp_format fst24_stamp_get_format(int32_t stamp);
/* 1 if the stamp decodes to a date (newdate -3 succeeds), else 0. */
FST24_API int fst24_stamp_is_valid(int32_t stamp);
/* 1 for the stamps producers use as "no date": 0, -1, FST24_STAMP_DUMMY and
 * FST24_STAMP_ERROR (as fstd2nc treats them), else 0. */
FST24_API int fst24_stamp_is_dummy(int32_t stamp);

/* ---- Unix time ---------------------------------------------------------- */

/* Stamp -> seconds since 1970-01-01T00:00:00Z (proleptic Gregorian, years
 * 0..9999, negative before 1970). FST24_E_INVALID if the stamp does not
 * decode (0, -1, bad fields). */
FST24_API int fst24_stamp_to_epoch(int32_t stamp, int64_t *seconds);

/* Vectorised: seconds[i] and valid[i] (1 decoded / 0 not, seconds[i] = 0)
 * for n stamps. Dummy stamps that decode (10101011, 101010101) are valid
 * dates here; filter them with fst24_stamp_is_dummy if needed. Returns
 * FST24_OK, or FST24_E_INVALID for NULL arrays (valid may be NULL). */
FST24_API int fst24_stamps_to_epoch(const int32_t *stamps, size_t n, int64_t *seconds, uint8_t *valid);

/* Seconds since 1970 -> stamp through the printable form (so the stamp format
 * and the truncations are librmn's): extended = 0 chooses like newdate +3
 * (old/new stamps in 1900..2235, extended outside), extended != 0 always
 * gives an extended stamp (whole hours). FST24_E_INVALID (*stamp = 0)
 * outside years 0..9999. */
FST24_API int fst24_epoch_to_stamp(int64_t seconds, int extended, int32_t *stamp);

/* Vectorised epoch -> stamp; valid may be NULL. */
FST24_API int fst24_epochs_to_stamps(const int64_t *seconds, size_t n, int extended, int32_t *stamps,
                                     uint8_t *valid);

/* ---- ISO 8601 text ------------------------------------------------------ */

/* Stamp -> "YYYY-MM-DDTHH:MM:SSZ" (20 characters + NUL; size >= 21).
 * FST24_E_INVALID if the stamp does not decode or the buffer is too small. */
FST24_API int fst24_stamp_to_iso(int32_t stamp, char *buf, size_t size);

/* "YYYY-MM-DD[THH:MM[:SS]][Z]" (also "YYYYMMDD" and a blank instead of 'T')
 * -> stamp, as fst24_epoch_to_stamp (extended as there). FST24_E_INVALID for
 * text that is not such a date. */
FST24_API int fst24_iso_to_stamp(const char *text, int extended, int32_t *stamp);

/* The same text -> seconds since 1970 (exact: no truncation to the stamp's
 * resolution), for comparing dates. FST24_E_INVALID for text that is not
 * such a date. */
FST24_API int fst24_iso_to_epoch(const char *text, int64_t *seconds);

#ifdef __cplusplus
}
#endif
#endif
