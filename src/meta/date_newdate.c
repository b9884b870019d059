/*
 * librmn's newdate conversions (docs/format/dates.md), one function per mode.
 * Integer arithmetic follows librmn's 32-bit Fortran code: where librmn
 * would wrap around on absurd input, the wrap is reproduced explicitly
 * (through 64-bit arithmetic) instead of relying on C signed overflow.
 */
#include "meta/date_internal.h"

#define EXT_BASE 3000000000LL    /* extended stamps: unsigned 3e9 + packed hours */
#define EXT_MAX_OFFSET 109572750 /* packed hours of 10000-01-01 */
#define EXT_EXCEPTION 16663825   /* extended true date of 1901-01-01 01Z */
#define TD2000 126230400         /* true date of 2000-01-01 00Z */

static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

static inline int32_t wrap32(int64_t x) { return (int32_t)(uint32_t)(uint64_t)x; }

int fst_julian_day(int y, int m, int d) {
    return d - 32075 + 1461 * (y + 4800 + (m - 14) / 12) / 4 + 367 * (m - 2 - (m - 14) / 12 * 12) / 12 -
           3 * ((y + 4900 + (m - 14) / 12) / 100) / 4;
}

void fst_datec(int jd, int *year, int *month, int *day) {
    int l = jd + 68569;
    int n = 4 * l / 146097;
    l = l - (146097 * n + 3) / 4;
    int i = 4000 * (l + 1) / 1461001;
    l = l - 1461 * i / 4 + 31;
    int j = 80 * l / 2447;
    *day = l - 2447 * j / 80;
    l = j / 11;
    *month = j + 2 - 12 * l;
    *year = 100 * (n - 49) + i + l;
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Day of month valid for the month, February 29 only in leap years. */
static int day_ok(int y, int m, int d) {
    if (d > mdays[m - 1]) return 0;
    return !(m == 2 && d == 29 && !leap(y));
}

static int valid_tm(int y, int m, int d, int h) {
    if (!(y >= 1900 && y < 2236 && m <= 12 && h <= 23 && m > 0 && d > 0 && h >= 0)) return 0;
    return day_ok(y, m, d);
}

static int valid_tme(int y, int m, int d, int h) {
    if (!(y >= 0 && y < 10000 && m > 0 && m <= 12 && d > 0 && h >= 0 && h <= 23)) return 0;
    return day_ok(y, m, d);
}

/* Negative true dates (before 1980) must fall on a whole hour. */
static int valid_td(int32_t td) { return td >= 0 || (td >= FST_TD1900 && (td - FST_TD1900) % 720 == 0); }

static inline int32_t new_stamp_td(int32_t stamp) {
    int32_t x = stamp - FST_TDSTART;
    return x / 10 * 8 + x % 10;
}

/* Old stamp fields MMDDYYHHR. */
static void old_fields(int32_t s, int *y, int *m, int *d, int *h) {
    *h = (s / 10) % 100;
    *y = (s / 1000) % 100 + 1900;
    *d = (s / 100000) % 100;
    *m = (s / 10000000) % 100;
}

int fst_nd_ext_to_printable(int32_t stamp, int32_t *date, int32_t *time) {
    *date = 0;
    *time = 0;
    int64_t u = (int64_t)(uint32_t)stamp;
    if (u < EXT_BASE || u >= EXT_BASE + EXT_MAX_OFFSET) return 1;
    int32_t s = (int32_t)(u - EXT_BASE);
    int32_t td = s / 10 * 8 + s % 10;
    int y, m, d;
    fst_datec(FST_JD0 + td / 24, &y, &m, &d);
    int h = td % 24;
    if (!valid_tme(y, m, d, h)) return 1;
    *date = y * 10000 + m * 100 + d;
    *time = h * 1000000;
    return 0;
}

int fst_nd_stamp_to_printable(int32_t stamp, int32_t *date, int32_t *time) {
    if (stamp < -1) return fst_nd_ext_to_printable(stamp, date, time);
    *date = 0;
    *time = 0;
    int y, m, d, h;
    int32_t dtpr, tmpr;
    if (stamp >= FST_TDSTART) {
        int32_t q = new_stamp_td(stamp) - FST_TD1900; /* < 2^31 for any stamp */
        fst_datec(FST_JD1900 + q / 17280, &y, &m, &d);
        h = (q % 17280) / 720;
        int32_t sec = ((q % 17280) - h * 720) * 5;
        dtpr = y * 10000 + m * 100 + d;
        tmpr = h * 1000000 + (sec / 60) * 10000 + (sec % 60) * 100;
    } else {
        old_fields(stamp, &y, &m, &d, &h);
        dtpr = y * 10000 + m * 100 + d;
        tmpr = h * 1000000;
    }
    if (!valid_tm(y, m, d, h)) return 1;
    *date = dtpr;
    *time = tmpr;
    return 0;
}

int fst_nd_printable_to_ext(int32_t date, int32_t time, int32_t *stamp) {
    *stamp = 0;
    int y = (date / 10000) % 10000, m = (date / 100) % 100, d = date % 100;
    int h = (time / 1000000) % 100, minute = (time / 10000) % 100;
    if (!valid_tme(y, m, d, h)) return 1;
    int jd = fst_julian_day(y, m, d);
    if (jd < FST_JD0 || jd >= FST_JD10K) return 1;
    int32_t td = (jd - FST_JD0) * 24 + h + minute / 60;
    int32_t s = (td / 8) * 10 + td % 8;
    *stamp = wrap32((int64_t)s + EXT_BASE);
    return 0;
}

int fst_nd_printable_to_stamp(int32_t date, int32_t time, int32_t *stamp) {
    *stamp = 0;
    int y = (date / 10000) % 10000;
    /* 1901-01-01 01Z as an old stamp is incdatr's error value: go extended. */
    if (date == 19010101 && time == 1000000) return fst_nd_printable_to_ext(date, time, stamp);
    if (y < 1900 || y > 2235) return fst_nd_printable_to_ext(date, time, stamp);
    int m = (date / 100) % 100, d = date % 100;
    int h = (time / 1000000) % 100;
    int sec = ((time / 10000) % 100) * 60 + (time / 100) % 100;
    if (!valid_tm(y, m, d, h)) return 1;
    int32_t td = (fst_julian_day(y, m, d) - FST_JD1980) * 17280 + h * 720 + sec / 5;
    if (y >= 2000 || (y >= 1980 && sec != 0)) {
        *stamp = FST_TDSTART + (td / 8) * 10 + td % 8;
    } else {
        td = (td - FST_TD1900) / 720 * 720 + FST_TD1900;
        fst_datec(FST_JD1900 + (td - FST_TD1900) / 17280, &y, &m, &d);
        h = ((td - FST_TD1900) % 17280) / 720;
        *stamp = m * 10000000 + d * 100000 + (y - 1900) * 1000 + h * 10;
    }
    return 0;
}

int fst_nd_printable_to_ext_td(int32_t date, int32_t time, int32_t *xtd) {
    int y = (date / 10000) % 10000;
    if (y < 0 || y >= 10000) return 1;
    int m = (date / 100) % 100, d = date % 100;
    int h = (time / 1000000) % 100;
    if (!valid_tme(y, m, d, h)) return 1;
    *xtd = (fst_julian_day(y, m, d) - FST_JD0) * 24 + h;
    return 0;
}

int fst_nd_printable_to_td(int32_t date, int32_t time, int32_t *td) {
    if (date == 19010101 && time == 1000000) return fst_nd_printable_to_ext_td(date, time, td);
    int y = (date / 10000) % 10000, m = (date / 100) % 100, d = date % 100;
    int h = (time / 1000000) % 100;
    int sec = ((time / 10000) % 100) * 60 + (time / 100) % 100;
    if (!valid_tm(y, m, d, h)) return 1;
    *td = (fst_julian_day(y, m, d) - FST_JD1980) * 17280 + h * 720 + sec / 5;
    return 0;
}

int fst_nd_td_to_printable(int32_t td, int32_t *date, int32_t *time) {
    if (!valid_td(td)) return 1;
    int32_t q = wrap32((int64_t)td - FST_TD1900);
    int y, m, d;
    fst_datec(FST_JD1900 + q / 17280, &y, &m, &d);
    int h = (q % 17280) / 720;
    int sec = ((q % 17280) - h * 720) * 5;
    *date = y * 10000 + m * 100 + d;
    *time = h * 1000000 + sec / 60 * 10000 + (sec % 60) * 100;
    return 0;
}

int fst_nd_td_to_stamp(int32_t td, int32_t run, int32_t *stamp) {
    if (run > 9 || !valid_td(td)) return 1;
    if (td >= TD2000 || td % 720 != 0) {
        *stamp = wrap32((int64_t)FST_TDSTART + (int64_t)(td / 8) * 10 + td % 8);
    } else {
        int y, m, d;
        fst_datec(FST_JD1900 + (td - FST_TD1900) / 17280, &y, &m, &d);
        int32_t t = (td - FST_TD1900) / 720 * 720 + FST_TD1900;
        int h = ((t - FST_TD1900) % 17280) / 720;
        *stamp = m * 10000000 + d * 100000 + (y - 1900) * 1000 + h * 10 + run;
    }
    return 0;
}

int fst_nd_stamp_to_td(int32_t stamp, int32_t *td_out, int32_t *run_out) {
    int32_t td, run;
    if (stamp >= FST_TDSTART) {
        td = new_stamp_td(stamp);
        run = 0;
    } else if (stamp < -1) {
        return 1;
    } else {
        int y, m, d, h;
        run = stamp % 10;
        old_fields(stamp, &y, &m, &d, &h);
        td = (fst_julian_day(y, m, d) - FST_JD1980) * 17280 + h * 720;
    }
    if (!valid_td(td)) return 1;
    *td_out = td;
    *run_out = run;
    return 0;
}

int fst_nd_ext_td_to_stamp(int32_t xtd, int32_t *stamp) {
    int64_t day = (int64_t)(xtd / 24) + FST_JD0;
    if (xtd == EXT_EXCEPTION || day < FST_JD1900 || day >= FST_JD2236) {
        int32_t s = wrap32((int64_t)(xtd / 8) * 10 + xtd % 8);
        *stamp = wrap32((int64_t)s + EXT_BASE);
        return 0;
    }
    int h = xtd % 24;
    int32_t td = (int32_t)((day - FST_JD1980) * 17280 + h * 720);
    return fst_nd_td_to_stamp(td, 0, stamp);
}

int fst_nd_stamp_to_ext_td(int32_t stamp, int32_t *xtd, int32_t *run_out) {
    if (stamp < -1) {
        *xtd = 0;
        *run_out = 0;
        int64_t u = (int64_t)(uint32_t)stamp;
        if (u < EXT_BASE || u > EXT_BASE + EXT_MAX_OFFSET) return 1;
        int32_t s = (int32_t)(u - EXT_BASE);
        *xtd = s / 10 * 8 + s % 10;
        return 0;
    }
    int y, m, d, h;
    int32_t td, run;
    if (stamp >= FST_TDSTART) {
        int32_t q = new_stamp_td(stamp) - FST_TD1900;
        fst_datec(FST_JD1900 + q / 17280, &y, &m, &d);
        h = (q % 17280) / 720;
        run = 0;
    } else {
        run = stamp % 10;
        old_fields(stamp, &y, &m, &d, &h);
    }
    td = (fst_julian_day(y, m, d) - FST_JD0) * 24 + h;
    if (!valid_td(td)) return 1;
    *xtd = td;
    *run_out = run;
    return 0;
}

int fst_nd_ext_td_to_printable(int32_t xtd, int32_t *date, int32_t *time) {
    if (!valid_td(xtd)) return 1;
    int y, m, d;
    fst_datec(FST_JD0 + xtd / 24, &y, &m, &d);
    int h = xtd % 24;
    if (!valid_tme(y, m, d, h)) return 1;
    *date = y * 10000 + m * 100 + d;
    *time = h * 1000000;
    return 0;
}
