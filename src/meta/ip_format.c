/*
 * Text form of IP codes, identical to what librmn's CONVIP_plus writes into
 * a 15-character string (docs/format/levels.md): Fortran I/F/G edit descriptors are
 * emulated here, including their quirks (optional leading zero dropped when
 * the field is full, asterisks on overflow), and the trailing-zero trimming
 * of librmn's value_to_string.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "meta/ip_internal.h"

enum { FIELD_MAX = 40 };

/* Right-justify `s` in a field of width w (asterisks if it does not fit). */
static void fit_field(char *dst, int w, const char *s) {
    int len = (int)strlen(s);
    if (len > w) {
        memset(dst, '*', (size_t)w);
    } else {
        memset(dst, ' ', (size_t)(w - len));
        memcpy(dst + (w - len), s, (size_t)len);
    }
    dst[w] = '\0';
}

/* Fortran Iw. */
static void fort_i(char *dst, int w, long v) {
    char s[32];
    snprintf(s, sizeof s, "%ld", v);
    fit_field(dst, w, s);
}

/* Fortran Fw.d: the zero before the point is optional and dropped when the
 * field would otherwise overflow. */
static void fort_f(char *dst, int w, int d, double x) {
    char s[FIELD_MAX + 8], t[2 * FIELD_MAX + 8];
    int neg = x < 0;
    int n = snprintf(s, sizeof s, "%.*f", d, fabs(x));
    const char *body = s;
    if (n < 0 || n >= (int)sizeof s) {
        memset(dst, '*', (size_t)w);
        dst[w] = '\0';
        return;
    }
    if (d == 0) {
        s[n++] = '.'; /* Fortran always writes the decimal point */
        s[n] = '\0';
    }
    if (s[0] == '0' && s[1] == '.' && n + neg > w) body = s + 1;
    snprintf(t, sizeof t, "%s%s", neg ? "-" : "", body);
    fit_field(dst, w, t);
}

/* Fortran Ew.d (what Gw.d gives outside the F range): 0.ddddddE+xx. */
static void fort_e(char *dst, int w, int d, double x) {
    char s[FIELD_MAX + 8], digits[FIELD_MAX], t[2 * FIELD_MAX + 16];
    int neg = x < 0;
    int exp10 = 0;
    if (x != 0) {
        snprintf(s, sizeof s, "%.*e", d - 1, fabs(x)); /* D.DDDDDe+XX */
        int k = 0;
        for (const char *c = s; *c && *c != 'e' && k < FIELD_MAX - 1; c++)
            if (*c >= '0' && *c <= '9') digits[k++] = *c;
        digits[k] = '\0';
        const char *e = strchr(s, 'e');
        exp10 = (e ? (int)strtol(e + 1, NULL, 10) : 0) + 1;
    } else {
        memset(digits, '0', (size_t)d);
        digits[d] = '\0';
    }
    char expo[16];
    int ae = exp10 < 0 ? -exp10 : exp10;
    if (ae <= 99)
        snprintf(expo, sizeof expo, "E%c%02d", exp10 < 0 ? '-' : '+', ae);
    else
        snprintf(expo, sizeof expo, "%c%03d", exp10 < 0 ? '-' : '+', ae);
    int len = (int)strlen(digits) + 2 + (int)strlen(expo) + neg;
    snprintf(t, sizeof t, "%s%s.%s%s", neg ? "-" : "", len > w ? "" : "0", digits, expo);
    fit_field(dst, w, t);
}

/* Copy `s` without its leading and trailing blanks into buf (truncating). */
static void put_trimmed(const char *s, char *buf, size_t size) {
    while (*s == ' ') s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ') n--;
    if (n >= size) n = size - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
}

/* librmn's value_to_string with a 12-character limit: integral values as
 * integers, "civilised" values in F format with at most 6 significant
 * digits and trailing zeros removed, the rest in G12.6. */
static void value_text(float val, char *out /* >= FIELD_MAX */) {
    const int maxc = 12;
    float value = fabsf(val);
    int before, after;
    char field[FIELD_MAX];

    if (value != 0.0f && (value >= 1000000000000.0f || value < 0.0001f)) goto gformat;
    if (value < 2147483648.0f && value == truncf(value)) {
        /* Integer: width from the number of digits (bounded by 10^9). */
        int32_t iv = (int32_t)value;
        int32_t grosint = 1;
        int intdig = 2;
        for (int i = 1; i <= 9; i++) {
            if (iv > grosint) intdig++;
            grosint *= 10;
        }
        if (value < (float)grosint) {
            if (val > 0) intdig--;
            int w = intdig < maxc ? intdig : maxc;
            fort_i(field, w, (long)lroundf(val));
            strcpy(out, field);
            return;
        }
    }
    /* Count the digits with librmn's single-precision arithmetic. */
    if (value >= 1.0f) {
        before = 0;
        after = 0;
        while (value >= 1.0f) {
            before++;
            value = value * 0.1f;
        }
        if (before < 6) {
            after = 6 - before;
            if (maxc - before - 2 < after) after = maxc - before - 2;
        }
    } else {
        after = 5;
        before = 0;
        while (value < 1.0f) {
            value = value * 10.0f;
            after++;
        }
        if (after > maxc - 2) after = maxc - 2;
    }
    if (after > 9) after = 9;
    if (before + after + 2 > maxc) goto gformat;
    {
        int w = before + after + 2;
        fort_f(field, w, after, val);
        /* Drop trailing zeros, but never at positions 1..4 of the field. */
        int i = (int)strlen(field);
        while (i > 4 && field[i - 1] == '0') field[--i] = '\0';
        strcpy(out, field);
        return;
    }
gformat:
    fort_e(field, maxc, 6, val);
    strcpy(out, field);
}

int fst24_ip_format_value(float value, int kind, char *buf, size_t size) {
    if (!buf || size == 0) return fst_error(FST24_E_INVALID, "fst24_ip_format_value: no output buffer");
    char v[FIELD_MAX], s[2 * FIELD_MAX];
    value_text(value, v);
    /* Fortran: trim(value) // ' ' // tag */
    size_t n = strlen(v);
    while (n > 0 && v[n - 1] == ' ') n--;
    v[n] = '\0';
    snprintf(s, sizeof s, "%s %s", v, fst24_ip_kind_tag(kind));
    put_trimmed(s, buf, size);
    return FST24_OK;
}

int fst24_ip_format(int32_t ip, char *buf, size_t size) {
    if (!buf || size == 0) return fst_error(FST24_E_INVALID, "fst24_ip_format: no output buffer");
    float p;
    int kind;
    char f[FIELD_MAX], s[2 * FIELD_MAX];
    if (!fst_ip_decode_raw(ip, &p, &kind)) {
        put_trimmed("Invalid", buf, size);
        return FST24_OK;
    }
    if (ip > 32767) return fst24_ip_format_value(p, kind, buf, size);
    /* Old style: fixed Fortran formats per table. */
    if (ip > 12000 && ip <= 32000) {
        fort_i(f, 6, lroundf(p));
        snprintf(s, sizeof s, "%s m", f);
    } else if (ip >= 2000 && ip <= 12000) {
        fort_f(f, 6, 4, p);
        snprintf(s, sizeof s, "%s sg", f);
    } else if (ip >= 0 && ip < 1100) {
        fort_i(f, 6, ip);
        snprintf(s, sizeof s, "%s mb", f);
    } else if (ip > 1200 && ip < 2000) {
        int d = ip < 1400 ? 5 : ip < 1600 ? 4 : ip < 1800 ? 3 : 2;
        fort_f(f, 6, d, p);
        snprintf(s, sizeof s, "%s mb", f);
    } else if (ip >= 1100 && ip <= 1200) {
        fort_i(f, 6, lroundf(p));
        snprintf(s, sizeof s, "%s", f);
    } else {
        s[0] = '\0'; /* undetermined: librmn writes nothing */
    }
    put_trimmed(s, buf, size);
    return FST24_OK;
}
