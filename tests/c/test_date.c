/* CMC date stamps: agreement with librmn on every row of
 * ref/vectors/date_vectors.tsv, with the dateo/datev fields of every corpus
 * dump (printable forms and the dateo <- datev derivation), and the spec's
 * checklist (METADATA.md §2, §7). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fst24.h"
#include "fst_internal.h"
#include "test_ip_util.h"

static void check_vectors(void) {
    FILE *f = t_open_vectors("date_vectors.tsv");
    if (!f) return;
    char line[512];
    int rows = 0;
    if (!fgets(line, sizeof line, f)) return;
    while (fgets(line, sizeof line, f)) {
        char *c[20];
        if (t_split_tsv(line, c, 20) < 16) continue;
        long v[16];
        for (int i = 0; i < 16; i++) v[i] = strtol(c[i], NULL, 10);
        int32_t date = (int32_t)v[0], time = (int32_t)v[1];
        rows++;

        /* mode 3 and back with mode -3 */
        int32_t stamp = -7;
        int rc = fst24_printable_to_stamp(date, time, &stamp);
        CHECK(rc == v[2] && stamp == v[3], "mode 3 (%s %s): rc %d stamp %d, librmn rc %ld stamp %ld", c[0], c[1],
              rc, stamp, v[2], v[3]);
        if (v[2] == 0) {
            int32_t d = -7, t = -7;
            rc = fst24_stamp_to_printable(stamp, &d, &t);
            CHECK(rc == v[4] && d == v[5] && t == v[6], "mode -3 %d: rc %d %d %d, librmn rc %ld %ld %ld", stamp, rc,
                  d, t, v[4], v[5], v[6]);
            /* incdatr: +6 h and -36.25 h */
            int32_t out;
            fst24_stamp_add_hours(stamp, 6.0, &out);
            CHECK(out == v[14], "incdatr(%d, +6) = %d, librmn %ld", stamp, out, v[14]);
            fst24_stamp_add_hours(stamp, -36.25, &out);
            CHECK(out == v[15], "incdatr(%d, -36.25) = %d, librmn %ld", stamp, out, v[15]);
            /* The generic newdate entry agrees. */
            int32_t s2 = 0, d2 = date, t2 = time;
            CHECK(fst24_newdate(&s2, &d2, &t2, 3) == 0 && s2 == stamp, "newdate(3)");
        }
        /* mode 5 and back with mode -5 */
        int32_t ext = -7;
        rc = fst24_printable_to_ext_stamp(date, time, &ext);
        CHECK(rc == v[7] && ext == v[8], "mode 5 (%s %s): rc %d stamp %d, librmn rc %ld stamp %ld", c[0], c[1], rc,
              ext, v[7], v[8]);
        if (v[7] == 0) {
            int32_t d = -7, t = -7;
            rc = fst24_ext_stamp_to_printable(ext, &d, &t);
            CHECK(rc == v[9] && d == v[10] && t == v[11], "mode -5 %d: rc %d %d %d, librmn rc %ld %ld %ld", ext, rc,
                  d, t, v[9], v[10], v[11]);
            /* mode -3 decodes extended stamps too */
            rc = fst24_stamp_to_printable(ext, &d, &t);
            CHECK(rc == 0 && d == v[10] && t == v[11], "mode -3 of extended %d", ext);
        }
        /* mode 2 (true date) */
        int32_t td = 0, d2 = date, t2 = time;
        rc = fst24_newdate(&td, &d2, &t2, 2);
        CHECK(rc == v[12] && td == v[13], "mode 2 (%s %s): rc %d td %d, librmn rc %ld td %ld", c[0], c[1], rc, td,
              v[12], v[13]);
    }
    fclose(f);
    CHECK(rows == 317, "date_vectors.tsv rows %d, expected 317", rows);
}

/* ---- corpus ------------------------------------------------------------- */

static void check_record(const char *path, const char *line, void *ctx) {
    long *count = ctx;
    static const char *names[2] = {"dateo", "datev"};
    long stamp[2], deet, npas;
    if (!t_json_long(line, "dateo", &stamp[0]) || !t_json_long(line, "datev", &stamp[1]) ||
        !t_json_long(line, "deet", &deet) || !t_json_long(line, "npas", &npas)) {
        CHECK(0, "%s: record without dateo/datev/deet/npas", path);
        return;
    }
    for (int i = 0; i < 2; i++) {
        char key[32];
        snprintf(key, sizeof key, "%s_printable", names[i]);
        double p[3];
        int n = t_json_numbers(tu_jfield(line, key), p, 3);
        CHECK(n == 3, "%s: %s unreadable", path, key);
        int32_t d = -7, t = -7;
        int rc = fst24_stamp_to_printable((int32_t)stamp[i], &d, &t);
        CHECK(rc == (int)p[0] && d == (int32_t)p[1] && t == (int32_t)p[2],
              "%s: %s %ld -> rc %d %d %d, librmn rc %d %d %d", path, names[i], stamp[i], rc, d, t, (int)p[0],
              (int)p[1], (int)p[2]);
    }
    /* librmn derived dateo from the stored datev, deet and npas. */
    int32_t o = fst_dateo_from_datev((int32_t)stamp[1], (int32_t)deet, (int32_t)npas);
    CHECK(o == (int32_t)stamp[0], "%s: dateo from datev %ld deet %ld npas %ld = %d, librmn %ld", path, stamp[1], deet,
          npas, o, stamp[0]);
    /* and the writer's direction recovers datev whenever librmn's round trip
     * is exact (it always is for new stamps with deet*npas >= 0) */
    if (stamp[0] >= 123200000 && deet * npas >= 0 && o != FST24_STAMP_ERROR) {
        int32_t v = fst_datev_from_dateo(o, (int32_t)deet, (int32_t)npas);
        CHECK(v == (int32_t)stamp[1], "%s: datev from dateo %d = %d, stored %ld", path, o, v, stamp[1]);
    }
    (*count)++;
}

static void check_corpus(void) {
    long count = 0;
    long n = t_for_each_record(check_record, &count);
    CHECK(n > 1000, "only %ld corpus records found", n);
    printf("corpus: %ld records checked\n", count);
}

/* ---- checklist ------------------------------------------------------------ */

static int32_t to_stamp(int32_t d, int32_t t) {
    int32_t s = 0;
    fst24_printable_to_stamp(d, t, &s);
    return s;
}

static int32_t add(int32_t s, double h) {
    int32_t o = 0;
    fst24_stamp_add_hours(s, h, &o);
    return o;
}

static void check_printable(int32_t stamp, int32_t d, int32_t t) {
    int32_t gd, gt;
    int rc = fst24_stamp_to_printable(stamp, &gd, &gt);
    CHECK(rc == 0 && gd == d && gt == t, "stamp %d -> rc %d %d %d, expected %d %d", stamp, rc, gd, gt, d, t);
}

static void check_checklist(void) {
    /* §2.9 table */
    struct { int32_t d, t, stamp, back_t; int64_t unix_s; int has_unix; } tab[] = {
        {19800101, 0, 10180000, 0, 315532800, 1},
        {19991231, 23000000, 123199230, 23000000, 946681200, 1},
        {20000101, 0, 280988000, 0, 946684800, 1},
        {20200229, 12000000, 440061200, 12000000, 0, 0},
        {20231211, 12383700, 469891377, 12383500, 1702298315, 1},
        {20231225, 0, 470182400, 0, 0, 0},
        {20240101, 300500, 470334051, 300500, 0, 0},
        {19750615, 6000000, 61575060, 6000000, 172044000, 1},
        {19860315, 12000000, 31586120, 12000000, 511272000, 1},
        {19860315, 12300000, 172135250, 12300000, 0, 0},
        {19000101, 0, 10100000, 0, 0, 0},
        {21001231, 18000000, 1077806600, 18000000, 0, 0},
        {22351231, 23000000, 2142842300, 23000000, 0, 0},
        {18991231, 12000000, -1274148482, 12000000, -2209032000LL, 1},
        {19010101, 1000000, -1274137515, 1000000, 0, 0},
        {10101, 0, -1294956316, 0, -62135596800LL, 1},
        {25000704, 6000000, -1267568560, 6000000, 0, 0},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        CHECK(to_stamp(tab[i].d, tab[i].t) == tab[i].stamp, "printable %d %d -> %d, expected %d", tab[i].d,
              tab[i].t, to_stamp(tab[i].d, tab[i].t), tab[i].stamp);
        check_printable(tab[i].stamp, tab[i].d, tab[i].back_t);
        if (tab[i].has_unix) {
            int64_t s = 0;
            CHECK(fst24_stamp_to_epoch(tab[i].stamp, &s) == FST24_OK && s == tab[i].unix_s,
                  "epoch of %d = %lld, expected %lld", tab[i].stamp, (long long)s, (long long)tab[i].unix_s);
        }
    }
    check_printable(338994800, 20070509, 12000000);
    check_printable(460548800, 20221005, 0);
    check_printable(101010101, 19101010, 10000000);
    check_printable(10101011, 19010101, 1000000);
    int32_t d, t;
    CHECK(fst24_stamp_to_printable(0, &d, &t) == 1 && d == 0 && t == 0, "stamp 0 invalid");
    CHECK(fst24_stamp_to_printable(-1, &d, &t) == 1, "stamp -1 invalid");
    CHECK(fst24_stamp_is_dummy(0) && fst24_stamp_is_dummy(10101011) && fst24_stamp_is_dummy(101010101) &&
              !fst24_stamp_is_dummy(280988000),
          "dummies");

    /* incdatr table */
    CHECK(add(469891377, 323.35) == 470182393, "incdatr 323.35");
    CHECK(add(469891377, 6) == 469896777, "incdatr 6");
    CHECK(add(440039600, 24) == 440061200, "leap day");
    CHECK(add(432155600, 24) == 432177200, "no leap day");
    CHECK(add(280988000, 0.5) == 280988450, "half hour");
    CHECK(add(280988000, 7.0 / 3600) == 280988001, "5 s rounding");
    CHECK(add(280988000, -1) == 123199230, "back to old format");
    CHECK(add(123179120, 12.4) == 10180000, "whole hours before 1980");
    CHECK(add(10150000, 1.6) == 10150020, "1950 + 1.6 h");
    CHECK(add(2142832400, 24) == -1270466822, "to extended");
    int32_t o;
    CHECK(fst24_stamp_add_hours(62585070, -148054.74875982828, &o) == FST24_E_INVALID && o == 101010101,
          "error stamp");
    CHECK(fst24_stamp_add_hours(0, 1, &o) == FST24_E_INVALID && o == 101010101, "incdatr of 0");
    CHECK(fst24_stamp_add_hours(280988000, NAN, &o) == FST24_E_INVALID && o == 101010101, "NaN hours");
    CHECK(fst24_stamp_add_hours(280988000, 1e300, &o) == FST24_E_INVALID, "huge hours");
    CHECK(fst24_stamp_add_hours_rounded(469891377, 1.4, &o) == FST24_OK && o == to_stamp(20231211, 14000000),
          "incdati: %d", o);

    /* datev from dateo */
    CHECK(fst_datev_from_dateo(354514400, 900, 1) == 354514624, "deet 900 npas 1");
    CHECK(fst_datev_from_dateo(354514400, 900, 2) == 354514850, "deet 900 npas 2");
    CHECK(fst_datev_from_dateo(354514400, 450, 3) == 354514736, "deet 450 npas 3");
    CHECK(fst_datev_from_dateo(354514400, 7, 1) == 354514401, "deet 7 npas 1");
    CHECK(fst_datev_from_dateo(354514400, 3600, 48) == 354557600, "deet 3600 npas 48");
    CHECK(fst_datev_from_dateo(354514400, 3600, -2) == 354514400, "negative lead: unchanged");
    CHECK(fst_datev_from_dateo(471942800, 300, 12) == 471943700, "CONTAINER example");
    CHECK(fst_dateo_from_datev(471943700, 300, 12) == 471942800, "CONTAINER example back");
    CHECK(fst_dateo_from_datev(0, 300, 12) == 101010101 && fst_dateo_from_datev(0, 0, 12) == 0, "datev 0");

    /* difdatr / difdati */
    double h = 0;
    CHECK(fst24_stamp_diff_hours(470182400, 469891377, &h) == FST24_OK && fabs(h - 323.35694444444) < 1e-9,
          "difdatr %.12g", h);
    CHECK(fst24_stamp_diff_hours_rounded(470182400, 469891377, &h) == FST24_OK && h == 323, "difdati %g", h);
    CHECK(fst24_stamp_diff_hours(-1270466822, 2142832400, &h) == FST24_OK && h == 24, "difdatr extended %g", h);
    CHECK(fst24_stamp_diff_hours(0, 2142832400, &h) == FST24_E_INVALID && h == 1073741824.0, "difdatr error");

    /* epoch */
    CHECK(fst24_stamp_to_epoch(0, &(int64_t){0}) == FST24_E_INVALID, "epoch of 0");
    int32_t st[6] = {469891377, -1274148482, 0, 31586120, 2147483647, -1294967296};
    int64_t sec[6];
    uint8_t ok[6];
    CHECK(fst24_stamps_to_epoch(st, 6, sec, ok) == FST24_OK, "stamps_to_epoch");
    CHECK(ok[0] && sec[0] == 1702298315 && ok[1] && sec[1] == -2209032000LL && !ok[2] && sec[2] == 0 && ok[3] &&
              sec[3] == 511272000 && !ok[4] && ok[5] && sec[5] == -62167219200LL,
          "stamps_to_epoch values");
    int32_t s = 0;
    CHECK(fst24_epoch_to_stamp(1702298315, 0, &s) == FST24_OK && s == 469891377, "epoch -> stamp");
    CHECK(fst24_epoch_to_stamp(511272000, 0, &s) == FST24_OK && s == 31586120, "epoch -> old stamp");
    CHECK(fst24_epoch_to_stamp(-2209032000LL, 0, &s) == FST24_OK && s == -1274148482, "epoch -> extended");
    CHECK(fst24_epoch_to_stamp(946684800, 1, &s) == FST24_OK && fst24_stamp_get_format(s) == FST24_STAMP_EXTENDED,
          "forced extended");
    CHECK(fst24_epoch_to_stamp(-62167219201LL, 0, &s) == FST24_E_INVALID && s == 0, "before year 0");
    CHECK(fst24_epoch_to_stamp(253402300800LL, 1, &s) == FST24_E_INVALID, "after 9999");
    /* Round trip of every 5 s step in a sample: epoch -> stamp -> epoch. */
    int bad = 0;
    for (int64_t x = 315532800; x < 8000000000LL; x += 86400 * 37 + 5 * 7919) {
        int64_t back;
        if (fst24_epoch_to_stamp(x, 0, &s) != FST24_OK || fst24_stamp_to_epoch(s, &back) != FST24_OK) {
            bad++;
            continue;
        }
        if (back != x) bad++;
    }
    CHECK(bad == 0, "epoch round trip: %d failures", bad);

    /* ISO text */
    char iso[32];
    CHECK(fst24_stamp_to_iso(469891377, iso, sizeof iso) == FST24_OK && strcmp(iso, "2023-12-11T12:38:35Z") == 0,
          "iso: %s", iso);
    CHECK(fst24_stamp_to_iso(-1294956316, iso, sizeof iso) == FST24_OK && strcmp(iso, "0001-01-01T00:00:00Z") == 0,
          "iso year 1: %s", iso);
    CHECK(fst24_iso_to_stamp("2024-01-15T12:00", 0, &s) == FST24_OK && s == to_stamp(20240115, 12000000),
          "parse iso");
    CHECK(fst24_iso_to_stamp("2023-12-11T12:38:37Z", 0, &s) == FST24_OK && s == 469891377, "parse iso seconds");
    CHECK(fst24_iso_to_stamp("20231211", 0, &s) == FST24_OK && s == to_stamp(20231211, 0), "parse compact");
    CHECK(fst24_iso_to_stamp("2023-02-29", 0, &s) == FST24_E_INVALID, "not a leap year");
    CHECK(fst24_iso_to_stamp("2023-1-1", 0, &s) == FST24_E_INVALID, "malformed");
    CHECK(fst24_iso_to_stamp("2023-01-01T25:00", 0, &s) == FST24_E_INVALID, "bad hour");
    CHECK(fst24_stamp_to_iso(0, iso, sizeof iso) == FST24_E_INVALID, "iso of 0");

    /* formats */
    CHECK(fst24_stamp_get_format(10180000) == FST24_STAMP_OLD && fst24_stamp_get_format(280988000) == FST24_STAMP_NEW &&
              fst24_stamp_get_format(-1274148482) == FST24_STAMP_EXTENDED && fst24_stamp_get_format(0) == FST24_STAMP_NONE,
          "formats");
}

/* Exhaustive-ish: every stamp decodable by mode -3 re-encodes (mode 3) to a
 * stamp with the same printable form, for a sweep over all int32 values. */
static void check_sweep(void) {
    long bad = 0, valid = 0;
    for (int64_t x = INT32_MIN; x <= INT32_MAX; x += 104729) {
        int32_t s = (int32_t)x, d, t, s2, d2, t2;
        if (fst24_stamp_to_printable(s, &d, &t) != 0) continue;
        valid++;
        if (fst24_printable_to_stamp(d, t, &s2) != 0 || fst24_stamp_to_printable(s2, &d2, &t2) != 0 || d2 != d ||
            t2 != t)
            bad++;
        int64_t e;
        if (fst24_stamp_to_epoch(s, &e) != FST24_OK) bad++;
    }
    CHECK(bad == 0 && valid > 1000, "sweep: %ld of %ld valid stamps fail to round trip", bad, valid);
}

/* Hostile input: every newdate mode and the arithmetic on random and extreme
 * values must return 0/1 (or a status) without crashing or overflowing (run
 * under the sanitizers in CI). */
static void check_hostile(void) {
    static const int modes[] = {1, -1, 2, -2, 3, -3, 5, -5, 6, -6, 7, -7, 0, 4, -4, 8};
    static const int32_t extremes[] = {INT32_MIN, INT32_MIN + 1, -2, -1, 0, 1, 123199999, 123200000, 99999999,
                                       INT32_MAX, INT32_MAX - 1, -1294967297, -1185394540, 1615714560};
    uint64_t r = 12345;
    long calls = 0, bad = 0;
    for (int i = 0; i < 200000; i++) {
        int32_t v[3];
        for (int j = 0; j < 3; j++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            v[j] = (i % 3 == 0) ? extremes[(r >> 33) % (sizeof extremes / sizeof extremes[0])] : (int32_t)(r >> 32);
        }
        int mode = modes[i % (int)(sizeof modes / sizeof modes[0])];
        int rc = fst24_newdate(&v[0], &v[1], &v[2], mode);
        if (rc != 0 && rc != 1) bad++;
        int32_t o;
        double h;
        fst24_stamp_add_hours(v[0], (double)v[1] / 1000.0, &o);
        fst24_stamp_add_hours_rounded(v[1], (double)v[2], &o);
        fst24_stamp_diff_hours(v[0], v[1], &h);
        fst24_stamp_diff_hours_rounded(v[1], v[2], &h);
        int64_t e;
        fst24_stamp_to_epoch(v[2], &e);
        fst24_epoch_to_stamp((int64_t)v[0] * 100, v[1] & 1, &o);
        calls++;
    }
    CHECK(bad == 0 && calls == 200000, "newdate returned other than 0/1 %ld times", bad);
    int32_t s;
    CHECK(fst24_iso_to_stamp("", 0, &s) == FST24_E_INVALID && fst24_iso_to_stamp("2024-01-15T12", 0, &s) != FST24_OK &&
              fst24_iso_to_stamp("2024-01-15T12:00:00+05", 0, &s) != FST24_OK,
          "malformed ISO text");
}

int main(void) {
    if (tu_corpus_part("librmn's date vectors and the corpus dumps")) {
        check_vectors();
        check_corpus();
    }
    check_checklist();
    check_sweep();
    check_hostile();
    return t_finish();
}
