/*
 * CMC date-time stamps: public newdate-style conversions, incdatr/difdatr
 * arithmetic and the dateo <-> datev derivation used by the file layer
 * (docs/format/dates.md, docs/format/descriptor.md#descriptor-date).
 */
#include <math.h>

#include "common/error.h"
#include "fst_internal.h"
#include "meta/date_internal.h"

static inline int32_t wrap32(int64_t x) { return (int32_t)(uint32_t)(uint64_t)x; }

/* Largest |hours| accepted: librmn converts hours with 32-bit NINT, and
 * anything beyond that is far outside years 0..9999 anyway. */
#define MAX_ABS_HOURS 2147483000.0

/* ------------------------------------------------------------------------ */
/* Arithmetic                                                               */
/* ------------------------------------------------------------------------ */

int fst_date_add(int32_t in, double hours, int whole_hours, int32_t *out) {
    int32_t td1, td2, run, date, time, stamp;
    int rc;
    if (!(fabs(hours) <= MAX_ABS_HOURS)) goto fail; /* also rejects NaN */
    if (in < -1) {
        /* Extended stamp: hour arithmetic on the extended true date. */
        if (fst_nd_stamp_to_ext_td(in, &td2, &run)) goto fail;
        td1 = wrap32((int64_t)td2 + lround(hours));
        if (fst_nd_ext_td_to_stamp(td1, &stamp)) goto fail;
        *out = stamp;
        return 0;
    }
    if (fst_nd_stamp_to_td(in, &td2, &run)) goto fail;
    int64_t add;
    if (whole_hours || td2 < 0) {
        /* Before 1980 (or incdati): round to the hour, add whole hours. */
        td2 = (td2 + (td2 < 0 ? -360 : 360)) / 720 * 720;
        add = 720 * (int64_t)llround(hours);
    } else {
        add = llround(720.0 * hours);
    }
    int go_extended = 1;
    if ((int64_t)FST_TD1900 - td2 <= add && (int64_t)FST_TD2235 - td2 >= add) {
        td1 = (int32_t)(td2 + add);
        go_extended = 0;
    }
    if (go_extended) {
        /* Leaving 1900..2235: redo in whole hours on the extended scale
         * (minutes of the start are dropped, as librmn does). */
        if (fst_nd_stamp_to_printable(in, &date, &time)) goto fail;
        if (fst_nd_printable_to_ext_td(date, time, &td2)) goto fail;
        td1 = wrap32((int64_t)td2 + lround(hours));
        rc = fst_nd_ext_td_to_stamp(td1, &stamp);
    } else {
        rc = fst_nd_td_to_stamp(td1, run, &stamp);
    }
    if (rc) goto fail;
    *out = stamp;
    return 0;
fail:
    *out = FST24_STAMP_ERROR;
    return 1;
}

/* Extended true date (hours) of a stamp, through the printable form when the
 * stamp is not itself extended (difdatr's mixed case). */
static int ext_hours_of(int32_t stamp, int32_t *xtd) {
    int32_t date, time, run;
    if (stamp > -1) {
        if (fst_nd_stamp_to_printable(stamp, &date, &time)) return 1;
        return fst_nd_printable_to_ext_td(date, time, xtd);
    }
    return fst_nd_stamp_to_ext_td(stamp, xtd, &run);
}

int fst_date_diff(int32_t a, int32_t b, int whole_hours, double *hours) {
    int32_t ta, tb, run;
    if (a < -1 || b < -1) {
        if (ext_hours_of(a, &ta) || ext_hours_of(b, &tb)) goto fail;
        *hours = (double)((int64_t)ta - tb);
        return 0;
    }
    if (fst_nd_stamp_to_td(a, &ta, &run) || fst_nd_stamp_to_td(b, &tb, &run)) goto fail;
    if (whole_hours) {
        ta = (ta + (ta < 0 ? -360 : 360)) / 720 * 720;
        tb = (tb + (tb < 0 ? -360 : 360)) / 720 * 720;
        /* librmn divides in single precision before rounding. */
        *hours = (double)lroundf((float)(ta - tb) / 720.0f);
    } else {
        *hours = (double)(ta - tb) / 720.0;
    }
    return 0;
fail:
    *hours = 1073741824.0; /* 2^30, librmn's error value */
    return 1;
}

int fst24_stamp_add_hours(int32_t stamp, double hours, int32_t *out) {
    if (!out) return fst_error(FST24_E_INVALID, "fst24_stamp_add_hours: NULL output");
    if (fst_date_add(stamp, hours, 0, out))
        return fst_error(FST24_E_INVALID, "date stamp %d + %.17g h: invalid stamp or result out of range", stamp,
                         hours);
    return FST24_OK;
}

int fst24_stamp_add_hours_rounded(int32_t stamp, double hours, int32_t *out) {
    if (!out) return fst_error(FST24_E_INVALID, "fst24_stamp_add_hours_rounded: NULL output");
    if (fst_date_add(stamp, hours, 1, out))
        return fst_error(FST24_E_INVALID, "date stamp %d + %.17g h: invalid stamp or result out of range", stamp,
                         hours);
    return FST24_OK;
}

int fst24_stamp_diff_hours(int32_t a, int32_t b, double *hours) {
    if (!hours) return fst_error(FST24_E_INVALID, "fst24_stamp_diff_hours: NULL output");
    if (fst_date_diff(a, b, 0, hours))
        return fst_error(FST24_E_INVALID, "cannot subtract date stamps %d - %d: invalid stamp", a, b);
    return FST24_OK;
}

int fst24_stamp_diff_hours_rounded(int32_t a, int32_t b, double *hours) {
    if (!hours) return fst_error(FST24_E_INVALID, "fst24_stamp_diff_hours_rounded: NULL output");
    if (fst_date_diff(a, b, 1, hours))
        return fst_error(FST24_E_INVALID, "cannot subtract date stamps %d - %d: invalid stamp", a, b);
    return FST24_OK;
}

/* ------------------------------------------------------------------------ */
/* dateo <-> datev (librmn get_origin_date32 / get_valid_date32)             */
/* ------------------------------------------------------------------------ */

int32_t fst_dateo_from_datev(int32_t datev, int32_t deet, int32_t npas) {
    double hours = -(((double)deet * (double)npas) / 3600.0);
    if (hours == 0.0) return datev;
    int32_t out;
    fst_date_add(datev, hours, 0, &out); /* error -> 101010101, as librmn */
    return out;
}

int32_t fst_datev_from_dateo(int32_t dateo, int32_t deet, int32_t npas) {
    int64_t seconds = (int64_t)deet * npas;
    if (seconds <= 0) return dateo; /* librmn only moves forward */
    int32_t out;
    fst_date_add(dateo, (double)seconds / 3600.0, 0, &out);
    return out;
}

/* The dates of a record being written: dateo wins over datev when both are given (librmn's
 * rule); datev is what is stored; negative deet/npas count as 0. */
int fst_record_resolve_dates(fst24_record *r) {
    if (r->deet < 0) r->deet = 0;
    if (r->npas < 0) r->npas = 0;
    if (r->dateo == -1 && r->datev != -1) r->dateo = fst_dateo_from_datev(r->datev, r->deet, r->npas);
    if (r->dateo == -1) r->dateo = 0;
    r->datev = fst_datev_from_dateo(r->dateo, r->deet, r->npas);
    return FST24_OK;
}

/* ------------------------------------------------------------------------ */
/* newdate-style public conversions                                         */
/* ------------------------------------------------------------------------ */

static int bad_stamp(int32_t stamp) {
    fst_error(FST24_E_INVALID, "date stamp %d is not a valid CMC date-time stamp", stamp);
    return 1;
}

static int bad_printable(int32_t date, int32_t time) {
    fst_error(FST24_E_INVALID, "date %08d time %08d is not a valid date", date, time);
    return 1;
}

int fst24_stamp_to_printable(int32_t stamp, int32_t *yyyymmdd, int32_t *hhmmsshh) {
    if (!yyyymmdd || !hhmmsshh) return fst_error(FST24_E_INVALID, "fst24_stamp_to_printable: NULL output");
    if (fst_nd_stamp_to_printable(stamp, yyyymmdd, hhmmsshh)) return bad_stamp(stamp);
    return 0;
}

int fst24_printable_to_stamp(int32_t yyyymmdd, int32_t hhmmsshh, int32_t *stamp) {
    if (!stamp) return fst_error(FST24_E_INVALID, "fst24_printable_to_stamp: NULL output");
    if (fst_nd_printable_to_stamp(yyyymmdd, hhmmsshh, stamp)) return bad_printable(yyyymmdd, hhmmsshh);
    return 0;
}

int fst24_printable_to_ext_stamp(int32_t yyyymmdd, int32_t hhmmsshh, int32_t *stamp) {
    if (!stamp) return fst_error(FST24_E_INVALID, "fst24_printable_to_ext_stamp: NULL output");
    if (fst_nd_printable_to_ext(yyyymmdd, hhmmsshh, stamp)) return bad_printable(yyyymmdd, hhmmsshh);
    return 0;
}

int fst24_ext_stamp_to_printable(int32_t stamp, int32_t *yyyymmdd, int32_t *hhmmsshh) {
    if (!yyyymmdd || !hhmmsshh) return fst_error(FST24_E_INVALID, "fst24_ext_stamp_to_printable: NULL output");
    if (fst_nd_ext_to_printable(stamp, yyyymmdd, hhmmsshh)) return bad_stamp(stamp);
    return 0;
}

int fst24_newdate(int32_t *dat1, int32_t *dat2, int32_t *dat3, int mode) {
    if (!dat1 || !dat2 || !dat3) {
        fst_error(FST24_E_INVALID, "fst24_newdate: NULL argument");
        return 1;
    }
    int rc;
    switch (mode) {
    case 1: rc = fst_nd_stamp_to_td(*dat2, dat1, dat3); break;
    case -1: rc = fst_nd_td_to_stamp(*dat1, *dat3, dat2); break;
    case 2: rc = fst_nd_printable_to_td(*dat2, *dat3, dat1); break;
    case -2: rc = fst_nd_td_to_printable(*dat1, dat2, dat3); break;
    case 3: rc = fst_nd_printable_to_stamp(*dat2, *dat3, dat1); break;
    case -3: rc = fst_nd_stamp_to_printable(*dat1, dat2, dat3); break;
    case 5: rc = fst_nd_printable_to_ext(*dat2, *dat3, dat1); break;
    case -5: rc = fst_nd_ext_to_printable(*dat1, dat2, dat3); break;
    case 6: rc = fst_nd_stamp_to_ext_td(*dat2, dat1, dat3); break;
    case -6: rc = fst_nd_ext_td_to_stamp(*dat1, dat2); break;
    case 7: rc = fst_nd_printable_to_ext_td(*dat2, *dat3, dat1); break;
    case -7: rc = fst_nd_ext_td_to_printable(*dat1, dat2, dat3); break;
    default: fst_error(FST24_E_INVALID, "fst24_newdate: unsupported mode %d", mode); return 1;
    }
    if (rc) fst_error(FST24_E_INVALID, "newdate mode %d failed for (%d, %d, %d)", mode, *dat1, *dat2, *dat3);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Classification                                                           */
/* ------------------------------------------------------------------------ */

fst24_stamp_format fst24_stamp_get_format(int32_t stamp) {
    if (stamp < -1) return FST24_STAMP_EXTENDED;
    if (stamp <= 0) return FST24_STAMP_NONE;
    return stamp >= FST_TDSTART ? FST24_STAMP_NEW : FST24_STAMP_OLD;
}

int fst24_stamp_is_valid(int32_t stamp) {
    int32_t d, t;
    return fst_nd_stamp_to_printable(stamp, &d, &t) == 0;
}

int fst24_stamp_is_dummy(int32_t stamp) {
    return stamp == 0 || stamp == -1 || stamp == FST24_STAMP_DUMMY || stamp == FST24_STAMP_ERROR;
}
