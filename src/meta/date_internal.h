/* Internal: librmn's newdate conversions one mode at a time (date_newdate.c),
 * without messages. Each returns 0 on success, 1 on failure, and leaves its
 * outputs exactly as librmn does in both cases. */
#ifndef FST24_META_DATE_INTERNAL_H
#define FST24_META_DATE_INTERNAL_H
#include <stdint.h>

#define FST_TD1900 (-504904320) /* true date of 1900-01-01 00Z */
#define FST_TD2235 1615714548   /* upper bound used by incdatr */
#define FST_TDSTART 123200000   /* first new-style stamp */
#define FST_JD1970 2440588
#define FST_JD1980 2444240
#define FST_JD1900 2415021
#define FST_JD0 1721060   /* 0000-01-01 */
#define FST_JD10K 5373485 /* 10000-01-01 */
#define FST_JD2236 2537742
/* First true date that new stamps cannot hold (2236-01-01). */
#define FST_TD_END ((int32_t)((FST_JD2236 - FST_JD1980) * 17280))

/* Fortran-style helpers (integer division truncates, as in C). */
int fst_julian_day(int year, int month, int day);
void fst_datec(int jd, int *year, int *month, int *day);

int fst_nd_stamp_to_printable(int32_t stamp, int32_t *date, int32_t *time); /* -3 */
int fst_nd_printable_to_stamp(int32_t date, int32_t time, int32_t *stamp);  /* +3 */
int fst_nd_printable_to_ext(int32_t date, int32_t time, int32_t *stamp);    /* +5 */
int fst_nd_ext_to_printable(int32_t stamp, int32_t *date, int32_t *time);   /* -5 */
int fst_nd_printable_to_td(int32_t date, int32_t time, int32_t *td);        /* +2 */
int fst_nd_td_to_printable(int32_t td, int32_t *date, int32_t *time);       /* -2 */
int fst_nd_stamp_to_td(int32_t stamp, int32_t *td, int32_t *run);           /* +1 */
int fst_nd_td_to_stamp(int32_t td, int32_t run, int32_t *stamp);            /* -1 */
int fst_nd_stamp_to_ext_td(int32_t stamp, int32_t *xtd, int32_t *run);      /* +6 */
int fst_nd_ext_td_to_stamp(int32_t xtd, int32_t *stamp);                    /* -6 */
int fst_nd_printable_to_ext_td(int32_t date, int32_t time, int32_t *xtd);   /* +7 */
int fst_nd_ext_td_to_printable(int32_t xtd, int32_t *date, int32_t *time);  /* -7 */

/* fst_date_add (incdatr / incdati) is declared with the record model's date rules in
 * fst_internal.h. */
/* difdatr / difdati: 0 ok, 1 error (*hours = 2^30). */
int fst_date_diff(int32_t a, int32_t b, int whole_hours, double *hours);

#endif
