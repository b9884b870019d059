/*
 * IP1/IP2/IP3 codes: single-code encode/decode, kinds, equivalence and the
 * ip1_all code set. Bit-compatible with librmn's CONVIP_plus (METADATA.md
 * §1); the text forms are in ip_format.c, the triplets in ip123.c.
 *
 * Precision matters here: librmn mixes single and double precision in a
 * specific way and the codes written in files depend on it, so every
 * intermediate below keeps the precision librmn uses (noted where it is not
 * obvious).
 */
#include "meta/ip_internal.h"

#include <math.h>
#include <string.h>

#include "common/error.h"

enum { MAX_KIND = 31 };

/* Per-kind tables (index = kind 0..31), from METADATA.md §1.1. */
static const unsigned char kind_valid[MAX_KIND + 1] = {
    1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1,
    0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const float low_val[MAX_KIND + 1] = {
    -20000.f, 0.f, 0.f, -4.8e8f, -20000.f, 0.f, 1.f, 0.f, -4.8e8f, -4.8e8f, 0.f,
    -4.8e8f, -4.8e8f, -4.8e8f, -4.8e8f, -4.8e8f, -4.8e8f, 1.f, -4.8e8f, -4.8e8f,
    -4.8e8f, 0.f, -4.8e8f, -4.8e8f, -4.8e8f, -4.8e8f, -4.8e8f, -4.8e8f, -4.8e8f,
    -4.8e8f, -4.8e8f, -4.8e8f};
static const float hi_val[MAX_KIND + 1] = {
    100000.f, 1.f, 1100.f, 1.0e10f, 100000.f, 1.f, 200000.f, 20000.f, 1.0e10f,
    1.0e10f, 1.0e10f, 1.0e10f, 1.0e10f, 1.0e10f, 1.0e10f, 1.0e10f, 1.0e10f,
    1.0e10f, 1.0e10f, 1.0e10f, 1.0e10f, 1000000.f, 1.0e10f, 1.0e10f, 1.0e10f,
    1.0e10f, 1.0e10f, 1.0e10f, 1.0e10f, 1.0e10f, 1.0e10f, 1.0e10f};
/* Magnitudes below zero_val are replaced by it when encoding. */
static const float zero_val[MAX_KIND + 1] = {
    0, 0, 0, 0, 0, 0, 1.f, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 1.f, 0, 0, 0, 1.001e-4f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
/* ... and decoded magnitudes below 1.001*zero_val become zero_val2. */
static const float zero_val2[MAX_KIND + 1] = {
    0, 0, 0, 0, 0, 0, 1.f, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 1.f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
static const float fact_val[MAX_KIND + 1] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, -1.f, 1, 1, 1, 1.0e4f, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
/* 10^(e-4). librmn fills this double table partly with single-precision
 * literals: only 1e11 is affected (it is not exact in single precision), and
 * that changes decoded values with exponent 15, so keep it. */
static const double exptab[16] = {
    0.0001, 0.001, 0.01, 0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0, 100000.0,
    1000000.0, 10000000.0, 100000000.0, 1000000000.0, 10000000000.0,
    (double)1.0e11f};
/* Vertical order: 1 ascending (larger = higher), -1 descending, 0 none. */
static const signed char kind_order[MAX_KIND + 1] = {
    1, -1, -1, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
static const unsigned char kind_level[MAX_KIND + 1] = {
    1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

int fst_ip_kind_order(int kind) {
    return (kind >= 0 && kind <= MAX_KIND) ? kind_order[kind] : 0;
}

int fst24_ip_kind_is_level(int kind) {
    return kind >= 0 && kind <= MAX_KIND && kind_level[kind];
}

/* librmn's is_invalid_kind: only the sign and the 16n+15 rule are checked
 * (kinds 8, 9, ... pass it and are caught elsewhere, or not at all). */
int fst_ip_kind_rejected(int kind) {
    return kind < 0 || (kind > MAX_KIND && (kind & 15) != 15);
}

int fst24_ip_kind_is_valid(int kind) {
    if (kind < 0) return 0;
    if (kind <= MAX_KIND) return kind_valid[kind];
    return (kind & 15) == 15;
}

/* Fortran NINT: round half away from zero (callers keep |x| < 2^31). */
static inline int32_t nint_f(float x) { return (int32_t)lroundf(x); }
static inline int32_t nint_d(double x) { return (int32_t)lround(x); }

/* ------------------------------------------------------------------------ */
/* Decoding                                                                 */
/* ------------------------------------------------------------------------ */

static int decode_invalid(float *p, int *kind) {
    *p = FST24_IP_INVALID_VALUE;
    *kind = -1;
    return 0;
}

/* New style, kind field != 15. */
static int decode_new(int32_t ip, float *out_p, int *out_kind) {
    int kind = (ip >> 24) & 15;
    if (!kind_valid[kind]) return decode_invalid(out_p, out_kind);
    int e = (ip >> 20) & 15;
    int32_t m = ip & 0xFFFFF;
    if (m > 1000000) m = -(m - 1000000);
    float p;
    for (;;) {
        p = (float)((double)m / exptab[e]); /* double division, stored single */
        if (fact_val[kind] != 1.0f) p = p / fact_val[kind]; /* single division (/1 is exact: skipped) */
        if (!(p < low_val[kind] || p > hi_val[kind])) break;
        /* Out of range: kinds 1 and 5 share their code with 17 and 21. */
        if (kind + 16 <= MAX_KIND && kind_valid[kind + 16]) {
            kind += 16;
            continue;
        }
        return decode_invalid(out_p, out_kind);
    }
    if (fabsf(p) < 1.001f * zero_val[kind]) p = zero_val2[kind];
    *out_p = p;
    *out_kind = kind;
    return 1;
}

int fst_ip_decode_raw(int32_t ip, float *p, int *kind) {
    if (ip > 32767) {
        if (((ip >> 24) & 15) == 15) {
            /* Plain integers: the whole top byte must be exactly 15. */
            if ((ip >> 24) != 15) return decode_invalid(p, kind);
            int32_t v = ip & 0xFFFFFF;
            if (v > 2000000) return decode_invalid(p, kind);
            *p = (float)v;
            *kind = 15;
            return 1;
        }
        return decode_new(ip, p, kind);
    }
    if (ip > 12000 && ip <= 32000) {
        *kind = 0;
        *p = (float)(5 * (ip - 12001));
    } else if (ip >= 2000 && ip <= 12000) {
        *kind = 1;
        *p = (float)(ip - 2000) / 10000.f;
    } else if ((ip >= 0 && ip < 1100) || (ip > 1200 && ip < 2000)) {
        *kind = 2;
        if (ip < 1100) *p = (float)ip;
        else if (ip < 1400) *p = (float)((double)(ip - 1200) / 20000.0);
        else if (ip < 1600) *p = (float)((double)(ip - 1400) / 2000.0);
        else if (ip < 1800) *p = (float)((double)(ip - 1600) / 200.0);
        else *p = (float)((double)(ip - 1800) / 20.0);
    } else if (ip >= 1100 && ip <= 1200) {
        *kind = 3;
        *p = 1200.f - (float)ip;
    } else {
        /* 32001..32767 and negative numbers: "undetermined", kept as is. */
        *kind = 3;
        *p = (float)ip;
    }
    return 1;
}

int fst24_ip_decode(int32_t ip, float *value, int *kind) {
    float p;
    int k;
    if (!value || !kind) return fst_error(FST24_E_INVALID, "fst24_ip_decode: NULL output");
    int ok = fst_ip_decode_raw(ip, &p, &k);
    *value = p;
    *kind = k;
    if (!ok) return fst_error(FST24_E_INVALID, "IP code %d cannot be decoded (invalid kind or value out of range)", ip);
    return FST24_OK;
}

int fst24_ip_decode_many(const int32_t *ips, size_t n, float *values, int *kinds) {
    if (n == 0) return FST24_OK;
    if (!ips || !values || !kinds) return fst_error(FST24_E_INVALID, "fst24_ip_decode_many: NULL array");
    for (size_t i = 0; i < n; i++) fst_ip_decode_raw(ips[i], &values[i], &kinds[i]);
    return FST24_OK;
}

/* ------------------------------------------------------------------------ */
/* Encoding                                                                 */
/* ------------------------------------------------------------------------ */

enum { IP_ERR = -999999 };

static int32_t encode_kind15(float p, int kind) {
    /* Sub-kind 16n+15: only n = 0 is active (0..2000000); the table entry of
     * n = 1 (kind 31) is deliberately empty in librmn. */
    if ((kind >> 4) != 0) return -1;
    if (!(p > -2.0e9f && p < 2.0e9f)) return -1;
    int32_t v = nint_f(p);
    if (v < 0 || v > 2000000) return -1;
    return v | (15 << 24);
}

static int32_t encode_new(float p, int kind) {
    if ((kind & 15) == 15) return encode_kind15(p, kind);
    if (p < low_val[kind] || p > hi_val[kind]) return IP_ERR;
    double t = p;
    if (fabs(t) < (double)zero_val[kind]) t = zero_val[kind];
    t = t * (double)fact_val[kind];
    double limit1, limit2;
    int32_t offset;
    if (t >= 0) {
        limit1 = 1000000;
        limit2 = 100000;
        offset = 0;
    } else {
        t = -t;
        limit1 = 48000;
        limit2 = 4800;
        offset = 1000000;
    }
    int e = 4;
    while (e > 0 && e < 15) {
        if (t >= limit1) {
            t = t / 10.0;
            e--;
        } else if (t < limit2) {
            t = t * 10.0;
            e++;
        } else {
            break;
        }
    }
    if (t > limit1) return -1; /* cannot be represented (OR-ing keeps -1) */
    int32_t ip = offset + nint_d(t);
    return ip | (e << 20) | ((kind & 15) << 24);
}

static int32_t encode_old(float p, int kind) {
    switch (kind) {
    case 0: {
        float t = p / 5.0f + 12001.f;
        if (t >= 32000.f) return 32000;
        if (t <= 12001.f) return 12001;
        return nint_f(t);
    }
    case 1:
        if (!(0.0f <= p && p <= 1.0f)) return IP_ERR;
        return nint_f(p * 10000.f) + 2000;
    case 2:
        if (!(0.0f <= p && p < 1100.f)) return IP_ERR;
        if (p >= 0.999999e+1f) return nint_f(p);
        if (p >= 0.999999e0f) return 1800 + nint_f(20.f * p);
        if (p >= 0.999999e-1f) return 1600 + nint_f(200.f * p);
        if (p >= 0.999999e-2f) return 1400 + nint_f(2000.f * p);
        if (p >= 0.999999e-3f) return 1200 + nint_f(20000.f * p);
        return 0;
    case 3: {
        if (!(p > -1.0e9f && p < 1.0e9f)) return IP_ERR;
        int32_t v = nint_f(p);
        if (v < 0 || v > 100) return IP_ERR;
        return 1200 - v;
    }
    default:
        return IP_ERR;
    }
}

int32_t fst_ip_encode_raw(float p, int kind, int style) {
    if (fst_ip_kind_rejected(kind)) return IP_ERR;
    if (kind == 2 && p == 0.0f) return 0;
    if (!isfinite(p)) return IP_ERR; /* librmn would produce garbage */
    if (style == FST24_IP_NEW) return encode_new(p, kind);
    return encode_old(p, kind);
}

int fst24_ip_encode(float value, int kind, fst24_ip_style style, int32_t *ip) {
    if (!ip) return fst_error(FST24_E_INVALID, "fst24_ip_encode: NULL output");
    if (style != FST24_IP_NEW && style != FST24_IP_OLD) {
        *ip = IP_ERR;
        return fst_error(FST24_E_INVALID, "fst24_ip_encode: style %d is not FST24_IP_NEW (2) or FST24_IP_OLD (3)",
                         (int)style);
    }
    *ip = fst_ip_encode_raw(value, kind, style);
    if (*ip < 0) {
        return fst_error(FST24_E_INVALID, "cannot encode value %.9g of kind %d in the %s IP style%s", value, kind,
                         style == FST24_IP_NEW ? "new" : "old",
                         !fst24_ip_kind_is_valid(kind) ? " (invalid kind)"
                         : (style == FST24_IP_OLD && kind > 3) ? " (old style has kinds 0..3 only)"
                                                               : " (value out of range)");
    }
    return FST24_OK;
}

int fst24_ip_encode_many(const float *values, const int *kinds, size_t n, fst24_ip_style style, int32_t *ips) {
    if (n == 0) return FST24_OK;
    if (!values || !kinds || !ips) return fst_error(FST24_E_INVALID, "fst24_ip_encode_many: NULL array");
    if (style != FST24_IP_NEW && style != FST24_IP_OLD)
        return fst_error(FST24_E_INVALID, "fst24_ip_encode_many: style %d is not FST24_IP_NEW (2) or FST24_IP_OLD (3)",
                         (int)style);
    for (size_t i = 0; i < n; i++) ips[i] = fst_ip_encode_raw(values[i], kinds[i], style);
    return FST24_OK;
}

int fst24_ip_convert(int32_t *ip, float *value, int *kind, int mode) {
    if (!ip || !value || !kind) return fst_error(FST24_E_INVALID, "fst24_ip_convert: NULL argument");
    switch (mode) {
    case -1: return fst24_ip_decode(*ip, value, kind);
    case 1:
    case 3: return fst24_ip_encode(*value, *kind, FST24_IP_OLD, ip);
    case 2: return fst24_ip_encode(*value, *kind, FST24_IP_NEW, ip);
    default:
        return fst_error(FST24_E_INVALID, "fst24_ip_convert: unsupported mode %d (use -1, 1, 2 or 3)", mode);
    }
}

/* ------------------------------------------------------------------------ */
/* Kinds                                                                    */
/* ------------------------------------------------------------------------ */

const char *fst24_ip_kind_tag(int kind) {
    static const char *const tags[MAX_KIND + 1] = {
        " m", "sg", "mb", "  ", " M", "hy", "th", "m-", "??", "??", " H", "??", "??", "??", "??", "_0",
        "??", "[]", "??", "??", "??", "mp", "??", "??", "??", "??", "??", "??", "??", "??", "??", "_1"};
    static const char *const sub[10] = {"I0", "I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8", "I9"};
    if (kind < 0) return "!!";
    if (kind <= MAX_KIND) return tags[kind];
    if ((kind & 15) != 15 || kind / 16 > 9) return "!!";
    return sub[kind / 16];
}

const char *fst24_ip_kind_unit(int kind) {
    switch (kind) {
    case 0: case 4: case 7: case 21: return "m";
    case 2: return "hPa";
    case 6: return "K";
    case 10: return "h";
    default: return "";
    }
}

const char *fst24_ip_kind_name(int kind) {
    switch (kind) {
    case 0: return "above_sea";
    case 1: return "sigma";
    case 2: return "pressure";
    case 3: return "arbitrary";
    case 4: return "above_ground";
    case 5: return "hybrid";
    case 6: return "theta";
    case 7: return "below_sea";
    case 10: return "hours";
    case 15: return "samples";
    case 17: return "matrix_index";
    case 21: return "pressure_metres";
    default: return "invalid";
    }
}

/* ------------------------------------------------------------------------ */
/* Equivalence                                                              */
/* ------------------------------------------------------------------------ */

int fst24_ip_equivalent(int32_t a, int32_t b) {
    static const int32_t old_0_9[10] = {0, 1820, 1840, 1860, 1880, 1900, 1920, 1940, 1960, 1980};
    if (a == b) return 1;
    if (a >= 0 && a < 10 && old_0_9[a] == b) return 1;
    if (a <= 32767 || b <= 32767) return 0;
    if (((a >> 24) & 15) != ((b >> 24) & 15)) return 0;
    int ea = (a >> 20) & 15, eb = (b >> 20) & 15;
    int64_t ma = a & 0xFFFFF, mb = b & 0xFFFFF;
    if (ma > 1000000) ma = -(ma - 1000000);
    if (mb > 1000000) mb = -(mb - 1000000);
    if ((ma ^ mb) < 0) return 0; /* opposite signs (zero counts as positive) */
    /* Align the exponents; a mantissa (< 2^20) scaled past 10^13 can no longer be
     * within 1 of the other one (and up to 15 steps would overflow int64). */
    const int64_t far = 10000000000000;
    for (; ea > eb; eb++)
        if ((mb *= 10) > far || mb < -far) return 0;
    for (; eb > ea; ea++)
        if ((ma *= 10) > far || ma < -far) return 0;
    int64_t d = ma - mb;
    return d >= -1 && d <= 1;
}

int fst24_ip_all_codes(int32_t ip, int32_t out[2], int *count) {
    if (!out || !count) return fst_error(FST24_E_INVALID, "fst24_ip_all_codes: NULL output");
    float p;
    int kind;
    *count = 0;
    if (!fst_ip_decode_raw(ip, &p, &kind))
        return fst_error(FST24_E_INVALID, "IP code %d cannot be decoded, no equivalent codes", ip);
    int32_t c = fst_ip_encode_raw(p, kind, FST24_IP_NEW);
    if (c >= 0) out[(*count)++] = c;
    if (kind < 4) {
        c = fst_ip_encode_raw(p, kind, FST24_IP_OLD);
        if (c >= 0 && !(*count == 1 && out[0] == c)) out[(*count)++] = c;
    }
    if (*count == 0) return fst_error(FST24_E_INVALID, "IP code %d has no encodable equivalent", ip);
    return FST24_OK;
}
