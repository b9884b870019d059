/* Levels with units (fst24_ip_parse, fst24_ip_codes_of, fst24_ip_value_of),
 * ISO dates to seconds, and text filters (fst24_filter_*): parsing, matching
 * of every item kind, errors, and pre-selection criteria that never lose a
 * match (checked against a brute-force scan of a file written here). */
#include <math.h>
#include <unistd.h>

#include "testutil.h"

static int32_t enc(float v, int kind, fst24_ip_style style) {
    int32_t ip = -1;
    fst24_ip_encode(v, kind, style, &ip);
    return ip;
}

static void test_ip_parse(void) {
    struct { const char *text; float value; int kind; } ok[] = {
        {"500mb", 500, 2},    {"500 mb", 500, 2},     {" 850 hPa ", 850, 2}, {"0.995sg", 0.995f, 1},
        {"0.995 sigma", 0.995f, 1}, {"10m", 10, 0},   {"10 M", 10, 4},       {"1.5M", 1.5f, 4},
        {"12h", 12, 10},      {"12 H", 12, 10},       {"6hr", 6, 10},        {"0.9hy", 0.9f, 5},
        {"0.9 HY", 0.9f, 5},  {"300th", 300, 6},      {"300K", 300, 6},      {"5m-", 5, 7},
        {"3 arbitrary", 3, 3}, {"3arb", 3, 3},        {"7 _0", 7, 15},       {"-100 m", -100, 0},
        {"2.5e-5 m-", 2.5e-5f, 7}, {"1 pressure", 1, 2}, {"45 mp", 45, 21},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        float v = 0;
        int k = -1;
        int st = fst24_ip_parse(ok[i].text, &v, &k);
        CHECK(st == FST24_OK && v == ok[i].value && k == ok[i].kind);
        if (st != FST24_OK || v != ok[i].value || k != ok[i].kind)
            fprintf(stderr, "  parse '%s' -> %g kind %d\n", ok[i].text, v, k);
    }
    const char *bad[] = {"500", "", "mb", "500 xx", "500 mbar", "abc", "1e99 mb", "nan mb", "500mb junk"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        float v = 1;
        int k = 1;
        CHECK(fst24_ip_parse(bad[i], &v, &k) == FST24_E_INVALID && k == -1 && strlen(fst24_last_error()) > 0);
    }
    CHECK(fst24_ip_parse(NULL, NULL, NULL) == FST24_E_INVALID);
    float v;
    int k;
    fst24_ip_parse("500", &v, &k);
    CHECK(strstr(fst24_last_error(), "no unit") != NULL);

    /* what fst24_ip_format prints parses back to the same level */
    const int32_t codes[] = {41394464, 500, 95579925, 12010, 1300, enc(0.995f, 1, FST24_IP_NEW), enc(10, 4, FST24_IP_NEW),
                             enc(300, 6, FST24_IP_NEW), enc(1500, 0, FST24_IP_NEW), enc(7, 7, FST24_IP_NEW),
                             enc(850, 2, FST24_IP_OLD), enc(0.5f, 5, FST24_IP_NEW)};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char text[32];
        float dv, pv;
        int dk, pk;
        CHECK_OK(fst24_ip_format(codes[i], text, sizeof text));
        CHECK_OK(fst24_ip_decode(codes[i], &dv, &dk));
        int st = fst24_ip_parse(text, &pv, &pk);
        CHECK(st == FST24_OK && pk == dk && fabsf(pv - dv) <= 1e-5f * fabsf(dv) + 1e-9f);
        int32_t all[3];
        int n = 0;
        CHECK_OK(fst24_ip_codes_of(pv, pk, 1, all, &n));
        int found = 0;
        for (int j = 0; j < n; j++) found |= all[j] == codes[i];
        CHECK(found);
        if (!found) fprintf(stderr, "  code %d -> '%s' -> %g kind %d: not among its codes\n", codes[i], text, pv, pk);
    }
}

static void test_ip_codes(void) {
    int32_t c[3];
    int n = 0;
    CHECK_OK(fst24_ip_codes_of(500, 2, 1, c, &n));
    CHECK(n == 2 && c[0] == 41394464 && c[1] == 500);
    CHECK_OK(fst24_ip_codes_of(0.995f, 1, 1, c, &n));
    CHECK(n == 2 && c[0] == enc(0.995f, 1, FST24_IP_NEW) && c[1] == enc(0.995f, 1, FST24_IP_OLD));
    CHECK_OK(fst24_ip_codes_of(12, 10, 2, c, &n)); /* old-style ip2: plain hours */
    CHECK(n == 2 && c[0] == enc(12, 10, FST24_IP_NEW) && c[1] == 12);
    CHECK_OK(fst24_ip_codes_of(12, 10, 3, c, &n)); /* not for ip3 */
    CHECK(n == 1 && c[0] == enc(12, 10, FST24_IP_NEW));
    CHECK_OK(fst24_ip_codes_of(1.5f, 10, 2, c, &n)); /* not whole hours */
    CHECK(n == 1);
    CHECK_OK(fst24_ip_codes_of(0.5f, 5, 1, c, &n)); /* hybrid: new style only */
    CHECK(n == 1 && c[0] == enc(0.5f, 5, FST24_IP_NEW));
    CHECK(fst24_ip_codes_of(1200, 2, 1, c, &n) == FST24_E_INVALID && n == 0); /* > 1100 mb not encodable */
    CHECK(fst24_ip_codes_of(5, 2, 4, c, &n) == FST24_E_INVALID);

    float v;
    int k;
    CHECK(fst24_ip_value_of(12, 2, &v, &k) == FST24_OK && v == 12 && k == 10);
    CHECK(fst24_ip_value_of(500, 1, &v, &k) == FST24_OK && v == 500 && k == 2);
    CHECK(fst24_ip_value_of(enc(6, 10, FST24_IP_NEW), 2, &v, &k) == FST24_OK && v == 6 && k == 10);
}

static void test_iso_epoch(void) {
    int64_t s = -1;
    CHECK(fst24_iso_to_epoch("1970-01-01", &s) == FST24_OK && s == 0);
    CHECK(fst24_iso_to_epoch("2024-01-15T12:00", &s) == FST24_OK && s == 1705320000);
    CHECK(fst24_iso_to_epoch("2024-01-15T12:00:07Z", &s) == FST24_OK && s == 1705320007); /* no 5 s truncation */
    CHECK(fst24_iso_to_epoch("20240115", &s) == FST24_OK && s == 1705276800);
    CHECK(fst24_iso_to_epoch("1899-12-31T12:00", &s) == FST24_OK && s == -2209032000LL);
    CHECK(fst24_iso_to_epoch("2023-02-29", &s) == FST24_E_INVALID && s == 0);
    CHECK(fst24_iso_to_epoch("2024-01-15T25:00", &s) == FST24_E_INVALID);
    int32_t stamp;
    CHECK(fst24_iso_to_stamp("2024-01-15T12:00", 0, &stamp) == FST24_OK && stamp == 470646800);
}

/* A record to match against. */
static fst24_record rec(const char *nomvar, int32_t ip1, int32_t ip2, int32_t datev) {
    fst24_record r;
    fst24_record_init(&r);
    fst24_record_set_string(&r, "nomvar", nomvar);
    fst24_record_set_string(&r, "typvar", "P");
    fst24_record_set_string(&r, "etiket", "R1_V710_N");
    fst24_record_set_string(&r, "grtyp", "Z");
    r.ip1 = ip1;
    r.ip2 = ip2;
    r.datev = datev;
    r.dateo = datev;
    r.ni = 160;
    r.nj = 120;
    r.deet = 300;
    r.npas = 12;
    return r;
}

/* 1 if spec parses and matches r. */
static int m(const char *spec, const fst24_record *r) {
    fst24_filter *f;
    if (fst24_filter_new(&f) != FST24_OK) return -1;
    int st = fst24_filter_parse(f, spec);
    int hit = st == FST24_OK ? fst24_filter_match(f, r) : -1;
    fst24_filter_free(f);
    if (hit < 0) fprintf(stderr, "  '%s' does not parse: %s\n", spec, fst24_last_error());
    return hit;
}

static void test_match(void) {
    int32_t d = 470646800; /* 2024-01-15T12:00 */
    fst24_record tt = rec("TT", 41394464, 12, d), tt_old = rec("TT", 500, enc(12, 10, FST24_IP_NEW), d),
                 gz = rec("GZ", enc(850, 2, FST24_IP_NEW), 0, d);
    /* names */
    CHECK(m("nomvar=TT", &tt) == 1 && m("nomvar=tt", &tt) == 1 && m("nomvar=GZ", &tt) == 0);
    CHECK(m("nomvar=TT,HU", &tt) == 1 && m("nomvar=HU,GZ", &tt) == 0 && m("nomvar=HU, GZ ", &gz) == 1);
    CHECK(m("etiket=R1*", &tt) == 1 && m("etiket=R2*", &tt) == 0 && m("etiket=R1_V710_N", &tt) == 1);
    CHECK(m("etiket=R1", &tt) == 0); /* no prefix matching without '*' */
    CHECK(m("typvar=P,grtyp=Z", &tt) == 1 && m("grtyp=z", &tt) == 0);
    /* levels: codes, units (both styles), ranges */
    CHECK(m("ip1=41394464", &tt) == 1 && m("ip1=500", &tt) == 0 && m("ip1=500", &tt_old) == 1);
    CHECK(m("ip1=500mb", &tt) == 1 && m("ip1=500mb", &tt_old) == 1 && m("ip1=500 hPa", &tt_old) == 1);
    CHECK(m("ip1=850mb", &tt) == 0 && m("ip1=850mb,500mb", &tt) == 1);
    CHECK(m("ip1=100mb..500mb", &tt) == 1 && m("ip1=100..500mb", &tt_old) == 1 && m("ip1=500mb..100", &tt) == 1);
    CHECK(m("ip1=600mb..1000mb", &tt) == 0 && m("ip1=..500mb", &tt) == 1 && m("ip1=501mb..", &tt) == 0);
    CHECK(m("ip1=100sg..500sg", &tt) == 0); /* another kind */
    CHECK(m("ip1=0..1000", &tt_old) == 1 && m("ip1=0..1000", &tt) == 0); /* code ranges */
    /* times: old-style ip2 are hours */
    CHECK(m("ip2=12", &tt) == 1 && m("ip2=12h", &tt) == 1 && m("ip2=12h", &tt_old) == 1 && m("ip2=12", &tt_old) == 0);
    CHECK(m("ip2=0..24", &tt) == 1 && m("ip2=6h..12h", &tt) == 1 && m("ip2=6h..12h", &tt_old) == 1);
    CHECK(m("ip2=13h..", &tt) == 0 && m("ip2=13h..", &tt_old) == 0 && m("ip2=..6h", &tt) == 0);
    /* dates */
    CHECK(m("datev=2024-01-15T12:00", &tt) == 1 && m("datev=2024-01-15T12:00:00Z", &tt) == 1);
    CHECK(m("datev=2024-01-15T12:05", &tt) == 0 && m("datev=470646800", &tt) == 1);
    CHECK(m("datev=470646801", &tt) == 1); /* the run digit of a stamp is ignored */
    CHECK(m("datev=2024-01-15..2024-01-16", &tt) == 1 && m("datev=2024-01-15T12:00:01..", &tt) == 0);
    CHECK(m("datev=..2024-01-15T12:00", &tt) == 1 && m("dateo=2024-01-14..2024-01-15T11:00", &tt) == 0);
    CHECK(m("datev=470646800..2024-01-16", &tt) == 1);
    int32_t old_stamp;
    CHECK_OK(fst24_iso_to_stamp("1986-03-15T12:00", 0, &old_stamp));
    fst24_record old = rec("TT", 500, 0, old_stamp);
    CHECK(m("datev=1986-03-15T12:00", &old) == 1 && m("datev=1986-03-15", &old) == 0);
    /* integers */
    CHECK(m("deet=300,npas=..12", &tt) == 1 && m("npas=13..", &tt) == 0 && m("ni=100..,nj=120", &tt) == 1);
    CHECK(m("datyp=5,nbits=32,data_bits=32", &tt) == 1 && m("data_type=1", &tt) == 0);
    CHECK(m("ig1=0,ig2=0..0,ig3=-5..5,ig4=0", &tt) == 1);
    /* continuation words and several conditions */
    CHECK(m("nomvar=TT,HU,ip1=500mb,850mb,ip2=12", &tt) == 1);
    CHECK(m("nomvar=TT,HU,ip1=850mb,1000mb", &tt) == 0);
    CHECK(m("", &tt) == 1 && m(" ", &tt) == 1);
}

static void test_errors(void) {
    fst24_filter *f;
    CHECK_OK(fst24_filter_new(&f));
    CHECK_OK(fst24_filter_parse(f, "nomvar=TT"));
    CHECK(fst24_filter_num_conditions(f) == 1);
    struct { const char *spec, *needle; } bad[] = {
        {"bogus=1", "unknown field \"bogus\""},
        {"ip1=abc", "not an integer"},
        {"ip1=500 xx", "ip1=500 xx"},
        {"ip2=5..1", "empty range"},
        {"ip1=500mb..0.5sg", "different units"},
        {"nomvar=TOOLONG", "longer than 4"},
        {"datev=2024-13-01", "not a date"},
        {"deet=x", "not an integer"},
        {"ni=..", "at least one bound"},
        {"nomvar=TT,ip1=5,npas=x", "npas=x"},
        {"TT", "not FIELD=VALUE"},
        {"=TT", "field name is missing"},
        {"ip1=-5", "0..268435455"},
        {"nomvar=TT,", "empty"},
        {"ip1=10000000000000000000000000000000000000000000000000000000000000000000mb..5mb", "too long"},
        {"datev=2024-01-15T00:00:00Z..2024-01-16T00:00:00Z2024-01-16T00:00:00Z2024-01-16T00:00:00Z2024", "too long"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int st = fst24_filter_parse(f, bad[i].spec);
        CHECK(st == FST24_E_INVALID && strstr(fst24_last_error(), bad[i].needle) != NULL);
        if (st != FST24_E_INVALID || !strstr(fst24_last_error(), bad[i].needle))
            fprintf(stderr, "  '%s': %d '%s'\n", bad[i].spec, st, fst24_last_error());
        CHECK(fst24_filter_num_conditions(f) == 1); /* all or nothing */
    }
    CHECK(fst24_filter_add(f, "ip1", "500mb,850mb") == FST24_OK && fst24_filter_num_conditions(f) == 2);
    CHECK(fst24_filter_add(f, "nope", "1") == FST24_E_INVALID && fst24_filter_num_conditions(f) == 2);
    CHECK(fst24_filter_match(NULL, NULL) == 0 && fst24_filter_num_conditions(NULL) < 0);
    fst24_filter_free(f);
    fst24_filter_free(NULL);
}

static void test_criteria(void) {
    fst24_filter *f;
    fst24_record c;
    CHECK_OK(fst24_filter_new(&f));
    CHECK_OK(fst24_filter_parse(f, "nomvar=tt,etiket=R1*,ip1=500,ip2=12h,ni=160,npas=0..5,datev=2024-01-15"));
    fst24_record_init_criteria(&c);
    CHECK_OK(fst24_filter_criteria(f, &c));
    CHECK(!strcmp(c.nomvar, "TT  ") && !strcmp(c.etiket, "            ")); /* a prefix is not pre-selected */
    CHECK(c.ip1 == 500 && c.ip2 == -1 && c.ni == 160 && c.npas == -1 && c.datev == -1);
    fst24_filter_free(f);
    CHECK_OK(fst24_filter_new(&f));
    CHECK_OK(fst24_filter_parse(f, "nomvar=TT,HU"));
    fst24_record_init_criteria(&c);
    CHECK_OK(fst24_filter_criteria(f, &c));
    CHECK(!strcmp(c.nomvar, "    "));
    fst24_filter_free(f);
}

/* Criteria + match finds exactly what a scan with match finds. */
static void test_against_file(void) {
    char path[1024];
    snprintf(path, sizeof path, "%s/test_filter_%d.fst", tu_tmpdir(), (int)getpid());
    fst24_file *f;
    CHECK_OK(fst24_open(path, FST24_MODE_CREATE, NULL, &f));
    static const char *names[] = {"TT", "HU", "GZ", "UU"};
    float data[4] = {1, 2, 3, 4};
    int32_t base;
    CHECK_OK(fst24_iso_to_stamp("2024-01-15T00:00", 0, &base));
    int written = 0;
    for (int v = 0; v < 4; v++)
        for (int l = 0; l < 5; l++)
            for (int t = 0; t < 4; t++) {
                fst24_record r;
                fst24_record_init(&r);
                fst24_record_set_string(&r, "nomvar", names[v]);
                fst24_record_set_string(&r, "etiket", t % 2 ? "RUN_A" : "RUN_B");
                static const float levels[] = {1000, 850, 700, 500, 250};
                /* alternate old- and new-style level codes */
                r.ip1 = enc(levels[l], 2, (l + t) % 2 ? FST24_IP_OLD : FST24_IP_NEW);
                r.ip2 = t % 2 ? 6 * t : enc((float)(6 * t), 10, FST24_IP_NEW);
                r.ni = 2;
                r.nj = 2;
                r.deet = 3600;
                r.npas = 6 * t;
                r.dateo = base;
                if (fst24_write(f, &r, data, FST24_ELEM_F32, FST24_REWRITE_NO, NULL) == FST24_OK) written++;
            }
    CHECK(written == 80);
    const char *specs[] = {"nomvar=TT", "nomvar=TT,HU,ip1=500mb", "ip1=850mb..500mb", "ip2=6h..12h",
                           "ip2=6..12", "etiket=RUN_A,ip2=18h", "datev=2024-01-15T06:00..2024-01-15T12:00",
                           "datev=2024-01-15T18:00,ip1=1000mb,nomvar=UU", "etiket=RUN*,npas=18", "nomvar=XX",
                           "ip1=41394464", "ip1=500"};
    const int expected[] = {20, 8, 48, 40, 20, 20, 40, 1, 20, 0, 8, 8};
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        fst24_filter *flt;
        CHECK_OK(fst24_filter_new(&flt));
        CHECK_OK(fst24_filter_parse(flt, specs[i]));
        fst24_record c, r;
        fst24_record_init_criteria(&c);
        CHECK_OK(fst24_filter_criteria(flt, &c));
        fst24_query *q;
        CHECK_OK(fst24_query_new(f, &c, NULL, &q));
        int via_query = 0, scan = 0;
        while (fst24_query_next(q, &r) == 1) via_query += fst24_filter_match(flt, &r);
        fst24_query_free(q);
        for (int64_t k = 0; k < fst24_num_records(f); k++) {
            CHECK_OK(fst24_get_record(f, k, &r));
            scan += fst24_filter_match(flt, &r);
        }
        CHECK(via_query == scan && scan == expected[i]);
        if (via_query != scan || scan != expected[i])
            fprintf(stderr, "  '%s': query %d, scan %d, expected %d\n", specs[i], via_query, scan, expected[i]);
        fst24_filter_free(flt);
    }
    CHECK_OK(fst24_close(f));
    unlink(path);
}

int main(void) {
    test_ip_parse();
    test_ip_codes();
    test_iso_epoch();
    test_match();
    test_errors();
    test_criteria();
    test_against_file();
    return tu_finish();
}
