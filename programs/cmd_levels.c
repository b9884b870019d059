/* fst24 ip / fst24 date: decode and encode IP level codes and CMC date
 * stamps from the command line. One output line per argument; errors are one
 * line on stderr and make the exit status 1 (2 for usage errors). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ---- helpers -------------------------------------------------------------- */

static int parse_i32(const char *s, int32_t *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || errno || v < INT32_MIN || v > INT32_MAX) return -1;
    *out = (int32_t)v;
    return 0;
}

/* An argument that starts like a number (so "-100" is a value, not an option). */
static int looks_numeric(const char *s) {
    if (*s == '-' || *s == '+') s++;
    if (*s == '.') s++;
    return *s >= '0' && *s <= '9';
}

/* Kind as a number or a name ("pressure", "hours", ...). */
static int parse_kind(const char *s, int *kind) {
    int32_t k;
    if (parse_i32(s, &k) == 0) {
        *kind = k;
        return 0;
    }
    static const int known[] = {0, 1, 2, 3, 4, 5, 6, 7, 10, 15, 17, 21};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (!strcmp(s, fst24_ip_kind_name(known[i]))) {
            *kind = known[i];
            return 0;
        }
    }
    return -1;
}

/* ---- fst24 ip ------------------------------------------------------------- */

const char cli_help_ip[] =
    "usage: fst24 ip CODE... | fst24 ip VALUE... --kind K [--old] | fst24 ip --triplet IP1 IP2 IP3\n"
    "Decode IP codes (one line each: value, unit, kind, style, librmn's text and the equivalent\n"
    "codes of the other style), encode values of a kind, or decode an ip1/ip2/ip3 triplet.\n"
    "\n"
    "options:\n"
    "  --kind K          encode: K is a number or a name (above_sea sigma pressure arbitrary\n"
    "                    above_ground hybrid theta below_sea hours samples matrix_index\n"
    "                    pressure_metres)\n"
    "  --old             encode in the old (15-bit) style (kinds 0..3)\n"
    "  --triplet         decode IP1 IP2 IP3 together (levels and time ranges)\n"
    "\n"
    "examples:\n"
    "  fst24 ip 41394464 95579925\n"
    "  fst24 ip 850 --kind pressure\n"
    "  fst24 ip --triplet 42043040 176320768 177809344\n"
    "\n"
    "exit status: 0 success, 1 a code or value could not be converted, 2 usage error\n";

static void print_code(int32_t ip) {
    float v;
    int k;
    char text[32];
    fst24_ip_decode(ip, &v, &k);
    fst24_ip_format(ip, text, sizeof text);
    const char *unit = fst24_ip_kind_unit(k);
    printf("%d  value=%.9g%s%s  kind=%d (%s)  style=%s  text=\"%s\"", ip, v, *unit ? " " : "", unit, k,
           fst24_ip_kind_name(k), ip > 32767 ? "new" : "old", text);
    int32_t codes[2];
    int n = 0;
    if (fst24_ip_all_codes(ip, codes, &n) == FST24_OK) {
        printf("  codes=%d", codes[0]);
        if (n > 1) printf(",%d", codes[1]);
    }
    printf("\n");
}

static int ip_decode_codes(int n, char **codes) {
    int rc = 0;
    for (int i = 0; i < n; i++) {
        int32_t ip;
        float v;
        int k;
        if (parse_i32(codes[i], &ip) != 0 || ip < 0) {
            rc = cli_fail("ip: '%s' is not an IP code (an integer 0..268435455)", codes[i]);
            continue;
        }
        if (fst24_ip_decode(ip, &v, &k) != FST24_OK) {
            rc = cli_fail_lib("ip");
            continue;
        }
        print_code(ip);
    }
    return rc;
}

static int ip_triplet(int n, char **codes) {
    int32_t ip[3];
    if (n != 3) return cli_usage("ip", "--triplet needs IP1 IP2 IP3");
    for (int i = 0; i < 3; i++)
        if (parse_i32(codes[i], &ip[i]) != 0) return cli_fail("ip: '%s' is not an IP code", codes[i]);
    fst24_ip_range r[3];
    int st = fst24_ip123_decode(ip[0], ip[1], ip[2], &r[0], &r[1], &r[2]);
    static const char *names[3] = {"level", "time", "ip3"};
    printf("status=%d%s\n", st, (st & FST24_IP_ERROR) ? " (error)" : "");
    for (int i = 0; i < 3; i++) {
        const char *unit = fst24_ip_kind_unit(r[i].kind);
        printf("%s=%.9g", names[i], r[i].v1);
        if (r[i].v2 != r[i].v1) printf("..%.9g", r[i].v2);
        printf("%s%s  kind=%d (%s)\n", *unit ? " " : "", unit, r[i].kind, fst24_ip_kind_name(r[i].kind));
    }
    return (st & FST24_IP_ERROR) ? 1 : 0;
}

int cmd_ip(int argc, char **argv) {
    const char *kind_arg = NULL;
    int old = 0, triplet = 0, n = 0;
    char **args = calloc((size_t)argc + 1, sizeof *args);
    if (!args) return cli_fail("ip: out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--kind") && i + 1 < argc) kind_arg = argv[++i];
        else if (!strncmp(a, "--kind=", 7)) kind_arg = a + 7;
        else if (!strcmp(a, "--old")) old = 1;
        else if (!strcmp(a, "--triplet")) triplet = 1;
        else if (a[0] == '-' && a[1] && !looks_numeric(a)) {
            free(args);
            return cli_usage("ip", "unknown option %s", a);
        } else args[n++] = argv[i];
    }
    int rc;
    if (n == 0) {
        rc = cli_usage("ip", "missing CODE or VALUE");
    } else if (triplet) {
        rc = ip_triplet(n, args);
    } else if (!kind_arg) {
        if (old) rc = cli_usage("ip", "--old needs --kind (encoding)");
        else rc = ip_decode_codes(n, args);
    } else {
        int kind;
        rc = 0;
        if (parse_kind(kind_arg, &kind) != 0) {
            rc = cli_usage("ip", "unknown kind '%s' (a number or a name such as pressure, hybrid, hours)", kind_arg);
        } else {
            for (int i = 0; i < n; i++) {
                char *end;
                float v = strtof(args[i], &end);
                int32_t ip;
                if (end == args[i] || *end) {
                    rc = cli_fail("ip: '%s' is not a number", args[i]);
                    continue;
                }
                if (fst24_ip_encode(v, kind, old ? FST24_IP_OLD : FST24_IP_NEW, &ip) != FST24_OK) {
                    rc = cli_fail_lib("ip");
                    continue;
                }
                print_code(ip);
            }
        }
    }
    free(args);
    return rc;
}

/* ---- fst24 date ----------------------------------------------------------- */

const char cli_help_date[] =
    "usage: fst24 date STAMP... | fst24 date YYYY-MM-DD[THH:MM[:SS]]... [--extended] [--add HOURS]\n"
    "Decode CMC date-time stamps, or encode dates (ISO 8601) as stamps; one line each: the\n"
    "stamp, the ISO date, the printable YYYYMMDD HHMMSShh and the stamp format (old, new,\n"
    "extended).\n"
    "\n"
    "options:\n"
    "  --extended        encode as an extended stamp (whole hours, years 0..9999)\n"
    "  --add HOURS       add HOURS (may be negative or fractional) to each date first\n"
    "\n"
    "examples:\n"
    "  fst24 date 471942800\n"
    "  fst24 date 2024-03-15T12:00 --add 6\n"
    "\n"
    "exit status: 0 success, 1 a stamp or date is invalid, 2 usage error\n";

static const char *format_name(int32_t stamp) {
    switch (fst24_stamp_get_format(stamp)) {
    case FST24_STAMP_OLD: return "old";
    case FST24_STAMP_NEW: return "new";
    case FST24_STAMP_EXTENDED: return "extended";
    default: return "none";
    }
}

static int print_stamp(int32_t stamp) {
    int32_t d, t;
    char iso[32];
    if (fst24_stamp_to_printable(stamp, &d, &t) != 0 || fst24_stamp_to_iso(stamp, iso, sizeof iso) != FST24_OK)
        return cli_fail_lib("date");
    printf("%d  %s  %08d %08d  %s%s\n", stamp, iso, d, t, format_name(stamp),
           fst24_stamp_is_dummy(stamp) ? " (dummy)" : "");
    return 0;
}

int cmd_date(int argc, char **argv) {
    int extended = 0, n = 0, have_add = 0;
    double hours = 0;
    char **args = calloc((size_t)argc + 1, sizeof *args);
    if (!args) return cli_fail("date: out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--extended")) extended = 1;
        else if (!strcmp(a, "--add") && i + 1 < argc) {
            char *end;
            hours = strtod(argv[++i], &end);
            if (end == argv[i] || *end) {
                free(args);
                return cli_usage("date", "--add needs a number of hours, not '%s'", argv[i]);
            }
            have_add = 1;
        } else if (a[0] == '-' && a[1] && !looks_numeric(a)) {
            free(args);
            return cli_usage("date", "unknown option %s", a);
        } else args[n++] = argv[i];
    }
    if (n == 0) {
        free(args);
        return cli_usage("date", "missing STAMP or date");
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        int32_t stamp;
        if (parse_i32(args[i], &stamp) != 0) {
            /* Not an integer: a date in ISO 8601 form. */
            if (fst24_iso_to_stamp(args[i], extended, &stamp) != FST24_OK) {
                rc = cli_fail_lib("date");
                continue;
            }
        }
        if (have_add) {
            int32_t out;
            if (fst24_stamp_add_hours(stamp, hours, &out) != FST24_OK) {
                rc = cli_fail_lib("date");
                continue;
            }
            stamp = out;
        }
        if (print_stamp(stamp)) rc = 1;
    }
    free(args);
    return rc;
}
