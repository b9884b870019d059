/* fst24/ip.h - IP1/IP2/IP3 level and time codes. Included by fst24.h.
 *
 * An IP code is a non-negative integer (at most 28 bits) standing for a pair
 * (value, kind): a level (ip1), a time in hours (ip2) or anything (ip3).
 * Codes 0..32767 are "old style" (fixed tables, kinds 0..3 only); larger codes
 * are "new style" (4-bit kind, 4-bit decimal exponent, 20-bit mantissa).
 * Every function here reproduces librmn's results bit for bit (ConvertIp,
 * EncodeIp, DecodeIp, ConvertPKtoIP, ConvertIPtoPK, ip_is_equal and the
 * formatted strings of CONVIP_plus), is pure, thread-safe and never prints.
 */
#ifndef FST24_IP_H
#define FST24_IP_H
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

/* Kinds (librmn KIND_* names). Other values in 0..31 are invalid; values
 * above 31 are valid only as 16*n+15 (sub-kinds of 15, none in use). */
enum {
    FST24_IP_KIND_ABOVE_SEA = 0,    /* height above mean sea level, m */
    FST24_IP_KIND_SIGMA = 1,        /* sigma (p/ps) */
    FST24_IP_KIND_PRESSURE = 2,     /* pressure, hPa (mb) */
    FST24_IP_KIND_ARBITRARY = 3,    /* arbitrary code */
    FST24_IP_KIND_ABOVE_GROUND = 4, /* height above ground, m */
    FST24_IP_KIND_HYBRID = 5,       /* hybrid (GEM eta-like) */
    FST24_IP_KIND_THETA = 6,        /* potential temperature, K */
    FST24_IP_KIND_BELOW_SEA = 7,    /* depth below sea surface, m */
    FST24_IP_KIND_HOURS = 10,       /* time, hours */
    FST24_IP_KIND_SAMPLES = 15,     /* plain integer 0..2000000 */
    FST24_IP_KIND_MATRIX_INDEX = 17,/* conversion matrix x index (shares code 1) */
    FST24_IP_KIND_PRESSURE_METRES = 21 /* Gal-Chen height, m (shares code 5) */
};

/* Value returned with kind -1 for a code that cannot be decoded. */
#define FST24_IP_INVALID_VALUE (-999999.0f)

/* Encoding styles (the values are librmn's ConvertIp modes). */
typedef enum fst24_ip_style {
    FST24_IP_NEW = 2, /* 28-bit style, every kind (what EncodeIp uses) */
    FST24_IP_OLD = 3  /* 15-bit style, kinds 0..3 only (legacy files) */
} fst24_ip_style;

/* ---- single codes ------------------------------------------------------ */

/* Decode one IP code to (value, kind) exactly as librmn's ConvertIp(mode -1).
 * An undecodable code gives value FST24_IP_INVALID_VALUE, kind -1 and returns
 * FST24_E_INVALID (message set). Like librmn, codes that are not new style
 * and outside the old-style tables (32001..32767, and negative numbers)
 * decode as kind 3 with value = the code itself, and return FST24_OK. */
FST24_API int fst24_ip_decode(int32_t ip, float *value, int *kind);

/* Encode (value, kind) as librmn's ConvertIp(mode 2 = FST24_IP_NEW or
 * 3 = FST24_IP_OLD), with its rounding (6 significant digits for positive
 * values in new style, fixed steps in old style, pressure 0 -> code 0 in both
 * styles). On failure *ip receives librmn's error value (-999999, or -1 when
 * the value cannot be represented / kind 15 out of range) and
 * FST24_E_INVALID is returned. Non-finite values are rejected (-999999). */
FST24_API int fst24_ip_encode(float value, int kind, fst24_ip_style style, int32_t *ip);

/* librmn's ConvertIp with its mode argument: -1 decode *ip into *value,*kind;
 * 1 or 3 encode old style; 2 encode new style (mode 0, librmn's global style
 * switch, is not supported: the library keeps no global state). Returns
 * FST24_OK or FST24_E_INVALID (outputs as above). */
FST24_API int fst24_ip_convert(int32_t *ip, float *value, int *kind, int mode);

/* ---- arrays (for Python / dataframes) ------------------------------------ */

/* Decode n codes: values[i], kinds[i] as fst24_ip_decode (invalid codes give
 * FST24_IP_INVALID_VALUE and kind -1; they are not an error here). Returns
 * FST24_OK, or FST24_E_INVALID for NULL arrays with n > 0. */
FST24_API int fst24_ip_decode_many(const int32_t *ips, size_t n, float *values, int *kinds);

/* Encode n (value, kind) pairs in one style: ips[i] as fst24_ip_encode
 * (failures give -999999 or -1 and are not an error here). */
FST24_API int fst24_ip_encode_many(const float *values, const int *kinds, size_t n,
                                   fst24_ip_style style, int32_t *ips);

/* ---- kinds and text ---------------------------------------------------- */

/* 1 if `kind` is a valid kind (0..7, 10, 15, 17, 21, 31 and 16n+15). */
FST24_API int fst24_ip_kind_is_valid(int kind);
/* 1 if `kind` is a vertical level kind (0..7, 21), as librmn's is_level. */
FST24_API int fst24_ip_kind_is_level(int kind);
/* librmn's two-letter tag: " m","sg","mb","  "," M","hy","th","m-"," H",
 * "_0","[]","mp","_1"; "??" for an invalid kind in 0..31, "In" for sub-kind
 * 16n+15 (n = 1..9), "!!" otherwise. Static string. */
FST24_API const char *fst24_ip_kind_tag(int kind);
/* Unit: "m" (0, 4, 7, 21), "hPa" (2), "K" (6), "h" (10), "" for
 * dimensionless kinds and invalid kinds. Static string. */
FST24_API const char *fst24_ip_kind_unit(int kind);
/* Name: "above_sea", "sigma", "pressure", "arbitrary", "above_ground",
 * "hybrid", "theta", "below_sea", "hours", "samples", "matrix_index",
 * "pressure_metres"; "invalid" otherwise. Static string. */
FST24_API const char *fst24_ip_kind_name(int kind);

/* librmn's text for a code (CONVIP_plus with a string of 15 characters),
 * with leading and trailing blanks removed, e.g. 41394464 -> "500 mb",
 * 94871840 -> "0.50 hy", 12010 -> "45 m", 1300 -> ".00500 mb", an invalid code
 * -> "Invalid", an undetermined old code (32001..32767, negative) -> "".
 * Writes at most `size` bytes including the NUL (truncating). Returns FST24_OK,
 * or FST24_E_INVALID if buf is NULL or size is 0. 24 bytes are always enough. */
FST24_API int fst24_ip_format(int32_t ip, char *buf, size_t size);

/* librmn's text for a (value, kind) pair as printed for new-style codes:
 * value formatted in at most 12 characters + ' ' + kind tag, blanks trimmed
 * ("1013.25 mb", "0.292771E-04 m-", "12 H"). Same buffer rules. */
FST24_API int fst24_ip_format_value(float value, int kind, char *buf, size_t size);

/* ---- equivalence ------------------------------------------------------- */

/* 1 if two codes stand for the same level as librmn's search tables judge it
 * (fst98 ip_is_equal): identical; or `a` in 0..9 (old millibars) and `b` its
 * legacy code 0,1820,1840,...,1980; or both new style with the same kind
 * field, same mantissa sign and mantissas within 1 once the exponents are
 * aligned. Otherwise 0. (Not symmetric for the 0..9 rule, as in librmn:
 * `a` is the record's code, `b` the requested one.) */
FST24_API int fst24_ip_equivalent(int32_t a, int32_t b);

/* The codes that librmn's fst24 query options ip1_all/ip2_all/ip3_all accept
 * for a criterion `ip`: the code is decoded, then re-encoded new style
 * (out[0]) and, for kinds 0..3 when the old style can represent it, old style
 * (out[1]). *count receives 1 or 2. If `ip` cannot be decoded, *count = 0 and
 * FST24_E_INVALID is returned (librmn's query then matches nothing). */
FST24_API int fst24_ip_all_codes(int32_t ip, int32_t out[2], int *count);

/* ---- text with units (search criteria, command line) --------------------- */

/* Parse a level, time or other IP quantity written as a number and its unit,
 * with or without a blank between them: "500mb", "500 hPa", "0.995sg", "10m",
 * "1.5M", "0.9hy", "300th", "12h". Units: m (height above sea, kind 0), sg or
 * sigma (1), mb or hPa (2), arb (3), M (height above ground, 4), hy or hyb
 * (5), th or K (6), m- (depth below sea, 7), H, h or hr (10), _0 (15), [] (17),
 * mp (21), _1 (31), and every name of fst24_ip_kind_name ("3 arbitrary").
 * Only "m" and "M" are case-sensitive. The text fst24_ip_format prints for a
 * level parses back. A number without unit is refused (FST24_E_INVALID, with
 * a message): it would be ambiguous with a raw IP code. */
FST24_API int fst24_ip_parse(const char *text, float *value, int *kind);

/* Every code that stands for (value, kind) in field ip1, ip2 or ip3
 * (`ip_number` 1..3), for searching files written in either style: the
 * new-style code (always first), the old-style code for kinds 0..3 when the
 * old style can hold the value (librmn's ipN_all rule), and for ip2 in hours
 * an integral value 0..32767 itself (old-style ip2 codes are plain hours).
 * *count receives 1..3. FST24_E_INVALID if the value cannot be encoded. */
FST24_API int fst24_ip_codes_of(float value, int kind, int ip_number, int32_t codes[3], int *count);

/* The (value, kind) a code stands for in field ip1, ip2 or ip3: as
 * fst24_ip_decode, except that an old-style ip2 (0..32767) is that many hours
 * (kind 10). The inverse of fst24_ip_codes_of, for comparing values. */
FST24_API int fst24_ip_value_of(int32_t ip, int ip_number, float *value, int *kind);

/* ---- the ip1/ip2/ip3 triplet -------------------------------------------- */

/* One decoded IP as a range (v1 == v2 for a single value). */
typedef struct fst24_ip_range { float v1, v2; int kind; } fst24_ip_range;

/* librmn's status flags for triplets (bit mask). */
enum {
    FST24_IP_CONVERT_OK = 0,
    FST24_IP_GOOD_GUESS = 2,     /* old-style ip1 or ip2 met */
    FST24_IP_BAD_GUESS = 4,
    FST24_IP_TERRIBLE_GUESS = 8, /* old-style ip3 taken as an arbitrary integer */
    FST24_IP_WARNING = 32,
    FST24_IP_ERROR = 64
};

/* Decode the ip1/ip2/ip3 triplet as librmn's DecodeIp: returns the same status
 * code (>= 0, bit flags) or a negative value on error (NULL pointer).
 * r1 = level (or level range, bottom first), r2 = time in hours (or range,
 * v1 < v2), r3 = ip3 alone (kind -1, zeros when it was used for a range).
 * The outputs are zeroed first; like librmn, decoding stops at the first
 * inconsistency (status has FST24_IP_ERROR) leaving the rest zero.
 * Faithful to the reference librmn's results, which depend on uninitialised
 * variables when ip2 or ip3 is old style (< 32768): an old-style ip2 sets the
 * ERROR flag, and an old-style ip3 behaves as kind 0 with value NaN, so with
 * an ip1 of kind 0 (metres) r1 becomes [v, NaN] and r3 kind -1. Decode codes
 * one by one with fst24_ip_decode for meaningful values. */
FST24_API int fst24_ip123_decode(int32_t ip1, int32_t ip2, int32_t ip3,
                                 fst24_ip_range *r1, fst24_ip_range *r2, fst24_ip_range *r3);

/* Encode a triplet as librmn's EncodeIp (always new style): r1 must be a level
 * kind, r2 kind 10 (hours); at most one of r1/r2 may be a range (v1 != v2);
 * without range r3->v1 is encoded into ip3 (r3 may be NULL only when r1 or r2
 * is a range). Level ranges are stored bottom level in ip1; time ranges with
 * the end in ip2 and the start in ip3. Returns FST24_OK, or FST24_E_INVALID
 * (message set; *ip1..*ip3 are -1, or librmn's per-value error codes when
 * one value could not be encoded). */
FST24_API int fst24_ip123_encode(const fst24_ip_range *r1, const fst24_ip_range *r2,
                                 const fst24_ip_range *r3, int32_t *ip1, int32_t *ip2, int32_t *ip3);

/* librmn's ConvertPKtoIP: three independent (value, kind) pairs -> codes
 * (new style). kind1 must be a level, kind2 hours (or a level: then the
 * WARNING flag is returned and the second level is moved to ip3). Returns the
 * librmn flags (0, 32) or FST24_IP_ERROR (64) with the codes -1. */
FST24_API int fst24_ip123_from_values(float v1, int kind1, float v2, int kind2, float v3, int kind3,
                                      int32_t *ip1, int32_t *ip2, int32_t *ip3);

/* librmn's ConvertIPtoPK: codes -> three (value, kind) pairs, ordering ranges
 * (ascending kinds increasing, descending kinds decreasing, times
 * decreasing). Returns librmn's flags (>= 0; 64 = error, outputs then
 * partially set) or a negative value for NULL pointers. */
FST24_API int fst24_ip123_to_values(int32_t ip1, int32_t ip2, int32_t ip3, float *v1, int *kind1,
                                    float *v2, int *kind2, float *v3, int *kind3);

#ifdef __cplusplus
}
#endif
#endif
