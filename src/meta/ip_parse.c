/*
 * Levels and times written as text with a unit ("500mb", "0.995sg", "12h")
 * -> (value, kind), and the IP codes such a value stands for. The unit
 * table is the one place that says which spellings mean which kind; it
 * accepts librmn's two-letter tags, so the text fst24_ip_format prints parses
 * back.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "meta/ip_internal.h"

typedef struct unit_name {
    const char *text;
    int kind;
    int exact_case; /* 1: "m" and "M" differ only by case */
} unit_name;

static const unit_name units[] = {
    {"m", FST24_IP_KIND_ABOVE_SEA, 1},
    {"M", FST24_IP_KIND_ABOVE_GROUND, 1},
    {"sg", FST24_IP_KIND_SIGMA, 0},
    {"sigma", FST24_IP_KIND_SIGMA, 0},
    {"mb", FST24_IP_KIND_PRESSURE, 0},
    {"hPa", FST24_IP_KIND_PRESSURE, 0},
    {"arb", FST24_IP_KIND_ARBITRARY, 0},
    {"hy", FST24_IP_KIND_HYBRID, 0},
    {"hyb", FST24_IP_KIND_HYBRID, 0},
    {"th", FST24_IP_KIND_THETA, 0},
    {"K", FST24_IP_KIND_THETA, 0},
    {"m-", FST24_IP_KIND_BELOW_SEA, 0},
    {"H", FST24_IP_KIND_HOURS, 0}, /* also "h" */
    {"hr", FST24_IP_KIND_HOURS, 0},
    {"_0", FST24_IP_KIND_SAMPLES, 0},
    {"[]", FST24_IP_KIND_MATRIX_INDEX, 0},
    {"mp", FST24_IP_KIND_PRESSURE_METRES, 0},
    {"_1", 31, 0},
};

/* Kind of a unit (tag, alias or kind name), or -1. */
static int unit_kind(const char *u) {
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (units[i].exact_case ? !strcmp(u, units[i].text) : !strcasecmp(u, units[i].text))
            return units[i].kind;
    }
    static const int named[] = {0, 1, 2, 3, 4, 5, 6, 7, 10, 15, 17, 21};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (!strcasecmp(u, fst24_ip_kind_name(named[i]))) return named[i];
    return -1;
}

int fst24_ip_parse(const char *text, float *value, int *kind) {
    if (!text || !value || !kind) return fst_error(FST24_E_INVALID, "fst24_ip_parse: NULL argument");
    *value = FST24_IP_INVALID_VALUE;
    *kind = -1;
    const char *p = text;
    while (isspace((unsigned char)*p)) p++;
    char *end;
    errno = 0;
    double v = strtod(p, &end);
    if (end == p || errno == ERANGE || !isfinite(v) || fabs(v) > 3.4e38)
        return fst_error(FST24_E_INVALID, "level '%s': expected a number followed by a unit (500mb, 0.995sg, "
                                          "10m, 1.5M, 12h, 0.9hy, 300th)", text);
    while (isspace((unsigned char)*end)) end++;
    char unit[24];
    size_t n = strlen(end);
    while (n && isspace((unsigned char)end[n - 1])) n--;
    if (n == 0)
        return fst_error(FST24_E_INVALID, "level '%s' has no unit (write e.g. %smb, %ssg, %sm, %sh)", text, p, p,
                         p, p);
    if (n >= sizeof unit)
        return fst_error(FST24_E_INVALID, "level '%s': unknown unit '%s'", text, end);
    memcpy(unit, end, n);
    unit[n] = '\0';
    int k = unit_kind(unit);
    if (k < 0)
        return fst_error(FST24_E_INVALID,
                         "level '%s': unknown unit '%s' (m, sg, mb/hPa, arb, M, hy, th, m-, h, _0, [], mp)",
                         text, unit);
    *value = (float)v;
    *kind = k;
    return FST24_OK;
}

int fst24_ip_codes_of(float value, int kind, int ip_number, int32_t codes[3], int *count) {
    if (!codes || !count) return fst_error(FST24_E_INVALID, "fst24_ip_codes_of: NULL output");
    *count = 0;
    if (ip_number < 1 || ip_number > 3)
        return fst_error(FST24_E_INVALID, "fst24_ip_codes_of: ip_number %d is not 1, 2 or 3", ip_number);
    int32_t c = fst_ip_encode_raw(value, kind, FST24_IP_NEW);
    if (c < 0)
        return fst_error(FST24_E_INVALID, "value %g of kind %d (%s) cannot be encoded as an IP code", value,
                         kind, fst24_ip_kind_name(kind));
    codes[(*count)++] = c;
    if (kind >= 0 && kind < 4) {
        c = fst_ip_encode_raw(value, kind, FST24_IP_OLD);
        if (c >= 0 && c != codes[0]) codes[(*count)++] = c;
    }
    /* An old-style ip2 is a plain number of hours. */
    if (ip_number == 2 && kind == FST24_IP_KIND_HOURS && value >= 0 && value <= 32767 &&
        value == floorf(value))
        codes[(*count)++] = (int32_t)value;
    return FST24_OK;
}

int fst24_ip_value_of(int32_t ip, int ip_number, float *value, int *kind) {
    if (!value || !kind) return fst_error(FST24_E_INVALID, "fst24_ip_value_of: NULL output");
    if (ip_number == 2 && ip >= 0 && ip <= 32767) {
        *value = (float)ip;
        *kind = FST24_IP_KIND_HOURS;
        return FST24_OK;
    }
    return fst24_ip_decode(ip, value, kind);
}
