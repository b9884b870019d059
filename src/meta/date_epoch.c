/*
 * Stamps <-> seconds since 1970-01-01T00:00:00Z and ISO 8601 text
 * (METADATA.md §2.5). Decoding has a fast path for new-style stamps (the
 * common case in files); everything else goes through the printable form so
 * that validity and the choice of stamp format are librmn's.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "meta/date_internal.h"

#define EPOCH_1980 315532800LL
/* Seconds of 0000-01-01T00:00:00 and 9999-12-31T23:59:59. */
#define EPOCH_MIN ((int64_t)(FST_JD0 - FST_JD1970) * 86400)
#define EPOCH_MAX ((int64_t)(FST_JD10K - FST_JD1970) * 86400 - 1)

static int64_t printable_to_epoch(int32_t date, int32_t time) {
    int y = date / 10000, m = (date / 100) % 100, d = date % 100;
    int h = time / 1000000, mi = (time / 10000) % 100, s = (time / 100) % 100;
    return (int64_t)(fst_julian_day(y, m, d) - FST_JD1970) * 86400 + h * 3600 + mi * 60 + s;
}

/* 1 and *sec if the stamp decodes, else 0. */
static inline int stamp_epoch(int32_t stamp, int64_t *sec) {
    if (stamp >= FST_TDSTART) {
        int32_t x = stamp - FST_TDSTART;
        int32_t td = x / 10 * 8 + x % 10;
        if (td >= FST_TD_END) return 0; /* beyond 2235 */
        *sec = EPOCH_1980 + 5 * (int64_t)td;
        return 1;
    }
    int32_t date, time;
    if (fst_nd_stamp_to_printable(stamp, &date, &time)) return 0;
    *sec = printable_to_epoch(date, time);
    return 1;
}

int fst24_stamp_to_epoch(int32_t stamp, int64_t *seconds) {
    if (!seconds) return fst_error(FST24_E_INVALID, "fst24_stamp_to_epoch: NULL output");
    if (!stamp_epoch(stamp, seconds)) {
        *seconds = 0;
        return fst_error(FST24_E_INVALID, "date stamp %d is not a valid CMC date-time stamp", stamp);
    }
    return FST24_OK;
}

int fst24_stamps_to_epoch(const int32_t *stamps, size_t n, int64_t *seconds, uint8_t *valid) {
    if (n == 0) return FST24_OK;
    if (!stamps || !seconds) return fst_error(FST24_E_INVALID, "fst24_stamps_to_epoch: NULL array");
    for (size_t i = 0; i < n; i++) {
        int64_t s = 0;
        int ok = stamp_epoch(stamps[i], &s);
        seconds[i] = ok ? s : 0;
        if (valid) valid[i] = (uint8_t)ok;
    }
    return FST24_OK;
}

/* 0 and *stamp, or 1 outside years 0..9999 / invalid. */
static int epoch_stamp(int64_t sec, int extended, int32_t *stamp) {
    *stamp = 0;
    if (sec < EPOCH_MIN || sec > EPOCH_MAX) return 1;
    int64_t days = sec / 86400, rem = sec % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int y, m, d;
    fst_datec((int)(FST_JD1970 + days), &y, &m, &d);
    int h = (int)(rem / 3600), mi = (int)(rem % 3600 / 60), s = (int)(rem % 60);
    int32_t date = y * 10000 + m * 100 + d, time = h * 1000000 + mi * 10000 + s * 100;
    return extended ? fst_nd_printable_to_ext(date, time, stamp) : fst_nd_printable_to_stamp(date, time, stamp);
}

int fst24_epoch_to_stamp(int64_t seconds, int extended, int32_t *stamp) {
    if (!stamp) return fst_error(FST24_E_INVALID, "fst24_epoch_to_stamp: NULL output");
    if (epoch_stamp(seconds, extended, stamp))
        return fst_error(FST24_E_INVALID, "time %lld s since 1970 is outside years 0..9999", (long long)seconds);
    return FST24_OK;
}

int fst24_epochs_to_stamps(const int64_t *seconds, size_t n, int extended, int32_t *stamps, uint8_t *valid) {
    if (n == 0) return FST24_OK;
    if (!seconds || !stamps) return fst_error(FST24_E_INVALID, "fst24_epochs_to_stamps: NULL array");
    for (size_t i = 0; i < n; i++) {
        int bad = epoch_stamp(seconds[i], extended, &stamps[i]);
        if (valid) valid[i] = (uint8_t)!bad;
    }
    return FST24_OK;
}

int fst24_stamp_to_iso(int32_t stamp, char *buf, size_t size) {
    if (!buf || size < 21) return fst_error(FST24_E_INVALID, "fst24_stamp_to_iso: buffer smaller than 21 bytes");
    int32_t date, time;
    buf[0] = '\0';
    if (fst_nd_stamp_to_printable(stamp, &date, &time))
        return fst_error(FST24_E_INVALID, "date stamp %d is not a valid CMC date-time stamp", stamp);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", date / 10000, (date / 100) % 100, date % 100,
             time / 1000000, (time / 10000) % 100, (time / 100) % 100);
    return FST24_OK;
}

/* Read exactly n digits. */
static int digits(const char **p, int n, int *out) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) return 0;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 1;
}

/* Parse the ISO text into seconds since 1970; 0 on success, 1 if it is not such a date. */
static int iso_epoch(const char *text, int64_t *seconds) {
    const char *p = text;
    int y, m, d, h = 0, mi = 0, s = 0;
    if (!digits(&p, 4, &y)) return 1;
    if (*p == '-') {
        p++;
        if (!digits(&p, 2, &m) || *p++ != '-' || !digits(&p, 2, &d)) return 1;
    } else if (!digits(&p, 2, &m) || !digits(&p, 2, &d)) {
        return 1;
    }
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi)) return 1;
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &s)) return 1;
        }
    }
    if (*p == 'Z' || *p == 'z') p++;
    if (*p != '\0') return 1;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap) || h > 23 || mi > 59 ||
        s > 59)
        return 1;
    *seconds = (int64_t)(fst_julian_day(y, m, d) - FST_JD1970) * 86400 + h * 3600 + mi * 60 + s;
    return 0;
}

#define ISO_FORM "YYYY-MM-DD[THH:MM[:SS]][Z] in years 0..9999"

int fst24_iso_to_epoch(const char *text, int64_t *seconds) {
    if (!text || !seconds) return fst_error(FST24_E_INVALID, "fst24_iso_to_epoch: NULL argument");
    *seconds = 0;
    if (iso_epoch(text, seconds)) return fst_error(FST24_E_INVALID, "'%s' is not a date of the form " ISO_FORM, text);
    return FST24_OK;
}

int fst24_iso_to_stamp(const char *text, int extended, int32_t *stamp) {
    if (!text || !stamp) return fst_error(FST24_E_INVALID, "fst24_iso_to_stamp: NULL argument");
    *stamp = 0;
    int64_t sec;
    if (iso_epoch(text, &sec) || epoch_stamp(sec, extended, stamp))
        return fst_error(FST24_E_INVALID, "'%s' is not a date of the form " ISO_FORM, text);
    return FST24_OK;
}
