/* IP codes: agreement with librmn on every row of ref/vectors/ip_vectors.tsv
 * and ip_decode_vectors.tsv, with the ip*_dec / decodeip fields of every
 * corpus dump, and the spec's checklist (METADATA.md §1, §7). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fst24.h"
#include "test_ip_util.h"

static int same_float(float a, float b) { return a == b || (isnan(a) && isnan(b)); }

static void check_ip_vectors(void) {
    FILE *f = t_open_vectors("ip_vectors.tsv");
    if (!f) return;
    char line[512];
    int rows = 0;
    if (!fgets(line, sizeof line, f)) return; /* header */
    while (fgets(line, sizeof line, f)) {
        char *c[12];
        if (t_split_tsv(line, c, 12) < 9) continue;
        int kind = atoi(c[0]);
        float value = strtof(c[1], NULL);
        int32_t ip_new = (int32_t)strtol(c[2], NULL, 10), ip_old = (int32_t)strtol(c[5], NULL, 10);
        float nv = strtof(c[3], NULL), ov = strtof(c[6], NULL);
        int nk = atoi(c[4]), ok = atoi(c[7]);
        rows++;

        int32_t ip = 0;
        int st = fst24_ip_encode(value, kind, FST24_IP_NEW, &ip);
        CHECK(ip == ip_new, "encode new (%s, %d) = %d, librmn %d", c[1], kind, ip, ip_new);
        CHECK((st == FST24_OK) == (ip_new >= 0), "encode new status %d for (%s, %d)", st, c[1], kind);
        st = fst24_ip_encode(value, kind, FST24_IP_OLD, &ip);
        CHECK(ip == ip_old, "encode old (%s, %d) = %d, librmn %d", c[1], kind, ip, ip_old);
        CHECK((st == FST24_OK) == (ip_old >= 0), "encode old status %d for (%s, %d)", st, c[1], kind);

        float v;
        int k;
        fst24_ip_decode(ip_new, &v, &k);
        CHECK(same_float(v, nv) && k == nk, "decode %d = (%.9g, %d), librmn (%.9g, %d)", ip_new, v, k, nv, nk);
        fst24_ip_decode(ip_old, &v, &k);
        CHECK(same_float(v, ov) && k == ok, "decode %d = (%.9g, %d), librmn (%.9g, %d)", ip_old, v, k, ov, ok);

        char s[64];
        fst24_ip_format(ip_new, s, sizeof s);
        CHECK(strcmp(s, c[8]) == 0, "format %d = '%s', librmn '%s'", ip_new, s, c[8]);
    }
    fclose(f);
    CHECK(rows == 616, "ip_vectors.tsv rows %d, expected 616", rows);
}

static void check_decode_vectors(void) {
    FILE *f = t_open_vectors("ip_decode_vectors.tsv");
    if (!f) return;
    char line[512];
    int rows = 0;
    if (!fgets(line, sizeof line, f)) return;
    int32_t ips[600];
    float want_v[600];
    int want_k[600];
    while (fgets(line, sizeof line, f)) {
        char *c[6];
        int n = t_split_tsv(line, c, 6);
        if (n < 3) continue;
        int32_t ip = (int32_t)strtol(c[0], NULL, 10);
        float wv = strtof(c[1], NULL);
        int wk = atoi(c[2]);
        const char *ws = n >= 4 ? c[3] : "";
        float v;
        int k;
        int st = fst24_ip_decode(ip, &v, &k);
        CHECK(same_float(v, wv) && k == wk, "decode %d = (%.9g, %d), librmn (%.9g, %d)", ip, v, k, wv, wk);
        CHECK((st == FST24_OK) == (wk != -1), "decode %d status %d", ip, st);
        char s[64];
        fst24_ip_format(ip, s, sizeof s);
        CHECK(strcmp(s, ws) == 0, "format %d = '%s', librmn '%s'", ip, s, ws);
        if (rows < 600) {
            ips[rows] = ip;
            want_v[rows] = wv;
            want_k[rows] = wk;
        }
        rows++;
    }
    fclose(f);
    CHECK(rows == 473, "ip_decode_vectors.tsv rows %d, expected 473", rows);
    /* The vectorised decoder gives the same answers. */
    float vals[600];
    int kinds[600];
    int m = rows < 600 ? rows : 600;
    CHECK(fst24_ip_decode_many(ips, (size_t)m, vals, kinds) == FST24_OK, "decode_many status");
    int bad = 0;
    for (int i = 0; i < m; i++)
        if (!same_float(vals[i], want_v[i]) || kinds[i] != want_k[i]) bad++;
    CHECK(bad == 0, "decode_many: %d mismatches", bad);
}

/* ---- corpus dumps --------------------------------------------------------- */

typedef struct {
    long records;
} corpus_ctx;

static void check_record(const char *path, const char *line, void *vctx) {
    corpus_ctx *ctx = vctx;
    static const char *names[3] = {"ip1", "ip2", "ip3"};
    long ipv[3];
    for (int i = 0; i < 3; i++) {
        char key[16];
        if (!t_json_long(line, names[i], &ipv[i])) {
            CHECK(0, "%s: record without %s", path, names[i]);
            return;
        }
        snprintf(key, sizeof key, "%s_dec", names[i]);
        double dec[2];
        int n = t_json_numbers(tu_jfield(line, key), dec, 2);
        CHECK(n == 2, "%s: %s unreadable", path, key);
        float v;
        int k;
        fst24_ip_decode((int32_t)ipv[i], &v, &k);
        CHECK(v == (float)dec[0] && k == (int)dec[1], "%s: %s %ld -> (%.9g, %d), librmn (%.9g, %d)", path, names[i],
              ipv[i], v, k, dec[0], (int)dec[1]);
    }
    /* decodeip: status then rp1, rp2, rp3 = [v1, v2, kind] */
    double d[10];
    int n = t_json_numbers(tu_jfield(line, "decodeip"), d, 10);
    CHECK(n == 10, "%s: decodeip unreadable (%d numbers)", path, n);
    fst24_ip_range r[3];
    int st = fst24_ip123_decode((int32_t)ipv[0], (int32_t)ipv[1], (int32_t)ipv[2], &r[0], &r[1], &r[2]);
    CHECK(st == (int)d[0], "%s: DecodeIp(%ld, %ld, %ld) status %d, librmn %d", path, ipv[0], ipv[1], ipv[2], st,
          (int)d[0]);
    for (int i = 0; i < 3; i++) {
        CHECK(same_float(r[i].v1, (float)d[1 + 3 * i]) && same_float(r[i].v2, (float)d[2 + 3 * i]) &&
                  r[i].kind == (int)d[3 + 3 * i],
              "%s: DecodeIp(%ld, %ld, %ld) rp%d = [%.9g, %.9g, %d], librmn [%.9g, %.9g, %d]", path, ipv[0], ipv[1],
              ipv[2], i + 1, r[i].v1, r[i].v2, r[i].kind, d[1 + 3 * i], d[2 + 3 * i], (int)d[3 + 3 * i]);
    }
    ctx->records++;
}

static void check_corpus(void) {
    corpus_ctx ctx = {0};
    long n = t_for_each_record(check_record, &ctx);
    CHECK(n > 1000, "only %ld corpus records found", n);
    printf("corpus: %ld records checked\n", ctx.records);
}

/* ---- checklist (METADATA.md §7, §1.9) -------------------------------------- */

static int32_t enc(float v, int k, fst24_ip_style s) {
    int32_t ip = 0;
    fst24_ip_encode(v, k, s, &ip);
    return ip;
}

static void check_decoded(int32_t ip, float v, int k) {
    float gv;
    int gk;
    fst24_ip_decode(ip, &gv, &gk);
    CHECK(gv == v && gk == k, "decode %d = (%.9g, %d), expected (%.9g, %d)", ip, gv, gk, v, k);
}

static void check_checklist(void) {
    CHECK(enc(1000, 2, FST24_IP_NEW) == 39945888, "1000 mb");
    check_decoded(39945888, 1000, 2);
    CHECK(enc(0, 2, FST24_IP_NEW) == 0 && enc(0, 2, FST24_IP_OLD) == 0, "0 mb");
    check_decoded(0, 0, 2);
    CHECK(enc(1, 5, FST24_IP_NEW) == 93423264 && enc(0, 5, FST24_IP_NEW) == 99614720, "hybrid");
    CHECK(enc(2, 4, FST24_IP_NEW) == 76746048 && enc(10, 4, FST24_IP_NEW) == 75597472, "AGL");
    CHECK(enc(0, 21, FST24_IP_NEW) == 93423364, "Gal-Chen 0");
    check_decoded(93423364, 0, 21);
    check_decoded(88180384, 10, 21);
    check_decoded(26175824, 1, 17);
    check_decoded(26314400, 1, 1);
    CHECK(enc(12, 10, FST24_IP_NEW) == 176280768 && enc(6, 10, FST24_IP_NEW) == 177809344, "hours");
    CHECK(enc(12345, 15, FST24_IP_NEW) == 251670585, "kind 15");
    check_decoded(253658241, FST24_IP_INVALID_VALUE, -1);
    for (int kf = 8; kf <= 14; kf++) {
        if (kf == 10) continue;
        check_decoded((kf << 24) | (4 << 20) | 500000, FST24_IP_INVALID_VALUE, -1);
    }
    CHECK(enc(500, 2, FST24_IP_OLD) == 500 && enc(0.1f, 2, FST24_IP_OLD) == 1620, "old mb");
    CHECK(enc(0.5f, 1, FST24_IP_OLD) == 7000 && enc(1500, 0, FST24_IP_OLD) == 12301, "old sg/m");
    CHECK(enc(7, 3, FST24_IP_OLD) == 1193 && enc(7, 4, FST24_IP_OLD) == -999999, "old arbitrary / kind 4");
    check_decoded(1150, 50, 3);
    check_decoded(1201, 5e-5f, 2);
    check_decoded(1999, 9.95f, 2);
    check_decoded(12010, 45, 0);
    check_decoded(32001, 32001, 3);
    CHECK(enc(0.01f, 3, FST24_IP_NEW) == 63914560, "0.01 normalisation");
    check_decoded(61965984, 0.01f, 3);
    CHECK(enc(12345.67f, 0, FST24_IP_NEW) == 5366337, "6 digits");
    CHECK(enc(1200, 2, FST24_IP_NEW) == -999999, "out of range is an error");
    CHECK(enc(NAN, 3, FST24_IP_NEW) == -999999 && enc(INFINITY, 0, FST24_IP_OLD) == -999999, "non-finite");

    /* Triplets (§1.9) */
    fst24_ip_range r1 = {10, 10, 2}, r2 = {6, 16, 10}, r3 = {0, 0, -1};
    int32_t a, b, c;
    CHECK(fst24_ip123_encode(&r1, &r2, &r3, &a, &b, &c) == FST24_OK && a == 42043040 && b == 176320768 &&
              c == 177809344,
          "EncodeIp time range: %d %d %d", a, b, c);
    fst24_ip_range o1, o2, o3;
    int st = fst24_ip123_decode(a, b, c, &o1, &o2, &o3);
    CHECK(st == 0 && o1.v1 == 10 && o1.v2 == 10 && o2.v1 == 6 && o2.v2 == 16 && o2.kind == 10 && o3.kind == -1,
          "DecodeIp time range: st %d [%g %g] [%g %g %d] %d", st, o1.v1, o1.v2, o2.v1, o2.v2, o2.kind, o3.kind);
    r1 = (fst24_ip_range){850, 1000, 2};
    r2 = (fst24_ip_range){12, 12, 10};
    CHECK(fst24_ip123_encode(&r1, &r2, NULL, &a, &b, &c) == FST24_OK && a == 39945888 && b == 176280768 &&
              c == 41744464,
          "EncodeIp level range: %d %d %d", a, b, c);
    st = fst24_ip123_decode(a, b, c, &o1, &o2, &o3);
    CHECK(st == 0 && o1.v1 == 1000 && o1.v2 == 850, "DecodeIp level range bottom first: %g %g", o1.v1, o1.v2);
    r1 = (fst24_ip_range){1500, 0, 0};
    r2 = (fst24_ip_range){3, 3, 10};
    CHECK(fst24_ip123_encode(&r1, &r2, NULL, &a, &b, &c) == FST24_OK && a == 15728640 && b == 177509344 &&
              c == 6441456,
          "EncodeIp height range: %d %d %d", a, b, c);
    r1 = (fst24_ip_range){0.5f, 0.5f, 5};
    r2 = (fst24_ip_range){24, 24, 10};
    r3 = (fst24_ip_range){7, 7, 3};
    CHECK(fst24_ip123_encode(&r1, &r2, &r3, &a, &b, &c) == FST24_OK && a == 94871840 && b == 176400768 &&
              c == 60468832,
          "EncodeIp 0.5 hy: %d %d %d", a, b, c);
    r1 = (fst24_ip_range){10, 10, 4};
    r2 = (fst24_ip_range){0, 6, 10};
    CHECK(fst24_ip123_encode(&r1, &r2, NULL, &a, &b, &c) == FST24_OK && a == 75597472 && b == 177809344 &&
              c == 183500800,
          "EncodeIp AGL: %d %d %d", a, b, c);
    r1 = (fst24_ip_range){850, 1000, 2};
    r2 = (fst24_ip_range){0, 6, 10};
    CHECK(fst24_ip123_encode(&r1, &r2, NULL, &a, &b, &c) == FST24_E_INVALID, "two ranges rejected");
    r1 = (fst24_ip_range){6, 6, 10};
    CHECK(fst24_ip123_encode(&r1, &r2, NULL, &a, &b, &c) == FST24_E_INVALID, "time in ip1 rejected");

    /* ConvertPKtoIP / ConvertIPtoPK */
    CHECK(fst24_ip123_from_values(1000, 2, 850, 2, 12, 10, &a, &b, &c) == FST24_IP_WARNING && a == 39945888 &&
              b == 176280768 && c == 41744464,
          "ConvertPKtoIP level/level/time: %d %d %d", a, b, c);
    float v1, v2, v3;
    int k1, k2, k3;
    st = fst24_ip123_to_values(39945888, 176280768, 41744464, &v1, &k1, &v2, &k2, &v3, &k3);
    CHECK(st == 0 && v1 == 1000 && k1 == 2 && v2 == 12 && k2 == 10 && v3 == 850 && k3 == 2,
          "ConvertIPtoPK: st %d %g %d %g %d %g %d", st, v1, k1, v2, k2, v3, k3);
    st = fst24_ip123_to_values(500, 12, 0, &v1, &k1, &v2, &k2, &v3, &k3);
    CHECK(st == (FST24_IP_GOOD_GUESS | FST24_IP_TERRIBLE_GUESS) && v1 == 500 && v2 == 12 && k3 == 3,
          "ConvertIPtoPK old style: st %d", st);

    /* Equivalence and ip_all codes */
    CHECK(fst24_ip_equivalent(61965984, 63914560) == 1, "0.01 aliases are equivalent");
    CHECK(fst24_ip_equivalent(5, 1900) == 1 && fst24_ip_equivalent(1900, 5) == 0, "old 0..9 mb rule");
    CHECK(fst24_ip_equivalent(41394464, 41394465) == 1 && fst24_ip_equivalent(41394464, 41394466) == 0,
          "mantissa within 1");
    CHECK(fst24_ip_equivalent(41394464, 500) == 0, "new vs old codes are not equal in ip_is_equal");
    CHECK(fst24_ip_equivalent(enc(-1, 3, FST24_IP_NEW), enc(1, 3, FST24_IP_NEW)) == 0, "opposite signs");
    int32_t codes[2];
    int count = 0;
    CHECK(fst24_ip_all_codes(500, codes, &count) == FST24_OK && count == 2 && codes[0] == 41394464 &&
              codes[1] == 500,
          "all codes of 500: %d %d %d", count, codes[0], codes[1]);
    CHECK(fst24_ip_all_codes(41394464, codes, &count) == FST24_OK && count == 2 && codes[1] == 500, "all of 500 mb");
    CHECK(fst24_ip_all_codes(94871840, codes, &count) == FST24_OK && count == 1 && codes[0] == 94871840,
          "hybrid: new only");
    CHECK(fst24_ip_all_codes(138512032, codes, &count) == FST24_E_INVALID && count == 0, "invalid code");
    CHECK(fst24_ip_all_codes(1100, codes, &count) == FST24_OK && count == 2 && codes[1] == 1100,
          "arbitrary 100: %d", codes[1]);

    /* Kinds and strings */
    CHECK(strcmp(fst24_ip_kind_unit(2), "hPa") == 0 && strcmp(fst24_ip_kind_name(2), "pressure") == 0, "kind 2");
    CHECK(strcmp(fst24_ip_kind_tag(10), " H") == 0 && strcmp(fst24_ip_kind_tag(8), "??") == 0 &&
              strcmp(fst24_ip_kind_tag(47), "I2") == 0 && strcmp(fst24_ip_kind_tag(-1), "!!") == 0,
          "tags");
    CHECK(fst24_ip_kind_is_level(21) && !fst24_ip_kind_is_level(10) && fst24_ip_kind_is_valid(31) &&
              !fst24_ip_kind_is_valid(8) && fst24_ip_kind_is_valid(47) && !fst24_ip_kind_is_valid(48),
          "kind predicates");
    char s[8];
    CHECK(fst24_ip_format(39947213, s, sizeof s) == FST24_OK && strcmp(s, "1013.25") == 0, "truncation: '%s'", s);
    char big[32];
    fst24_ip_format_value(2.92771e-5f, 7, big, sizeof big);
    CHECK(strcmp(big, "0.292771E-04 m-") == 0, "G format: '%s'", big);
    fst24_ip_format_value(-2.92771e-5f, 3, big, sizeof big);
    CHECK(strcmp(big, "-.292771E-04") == 0, "G format negative: '%s'", big);

    /* Array encode agrees with the single one; hostile values don't crash. */
    float vals[6] = {1000, 0.5f, -1, 1e30f, NAN, 12};
    int kinds[6] = {2, 5, 3, 0, 1, 10};
    int32_t out[6];
    CHECK(fst24_ip_encode_many(vals, kinds, 6, FST24_IP_NEW, out) == FST24_OK, "encode_many");
    for (int i = 0; i < 6; i++) CHECK(out[i] == enc(vals[i], kinds[i], FST24_IP_NEW), "encode_many[%d]", i);
    CHECK(fst24_ip_encode_many(vals, kinds, 6, (fst24_ip_style)7, out) == FST24_E_INVALID, "bad style");
    CHECK(fst24_ip_decode_many(NULL, 3, NULL, NULL) == FST24_E_INVALID, "NULL arrays");
}

/* Every code decodes, re-encodes and decodes to the same (value, kind)
 * (METADATA.md §7.13), over a sweep of the new-style space. */
static void check_round_trip(void) {
    long bad = 0, n = 0;
    for (int kf = 0; kf < 16; kf++) {
        for (int e = 0; e < 16; e++) {
            for (int32_t m = 0; m < 1048576; m += 997) {
                int32_t ip = (kf << 24) | (e << 20) | m;
                if (ip <= 32767) continue;
                float v, v2;
                int k, k2;
                if (fst24_ip_decode(ip, &v, &k) != FST24_OK) continue;
                int32_t again;
                if (fst24_ip_encode(v, k, FST24_IP_NEW, &again) != FST24_OK) {
                    bad++;
                    continue;
                }
                fst24_ip_decode(again, &v2, &k2);
                n++;
                /* librmn's encoder keeps 6 digits: equal within 2e-7
                 * relative (mantissas > 999999.5 cannot round trip exactly) */
                if (k2 != k || !(v2 == v || fabsf(v2 / v - 1.0f) < 2.1e-7f)) bad++;
            }
        }
    }
    CHECK(bad == 0 && n > 10000, "round trip: %ld of %ld codes differ", bad, n);
}

/* Hostile input: any int32 code, any float, any kind — no crash, bounded
 * text, consistent decode of the array and single forms. */
static void check_hostile(void) {
    long bad = 0;
    char buf[64];
    for (int64_t x = INT32_MIN; x <= INT32_MAX; x += 7919 * 13) {
        int32_t ip = (int32_t)x;
        float v;
        int k;
        fst24_ip_decode(ip, &v, &k);
        if (fst24_ip_format(ip, buf, sizeof buf) != FST24_OK || strlen(buf) > 23) bad++;
        if (k != -1 && !fst24_ip_kind_is_valid(k)) bad++;
    }
    static const float vals[] = {0.0f, -0.0f, 1e-45f, -1e-45f, 1e-38f, 3.4e38f, -3.4e38f, INFINITY, -INFINITY, NAN,
                                 2147483648.0f, -2147483648.0f, 999999.94f, 99999.99f, 1e12f, 9.99999e11f,
                                 0.99999994f, 1e-5f, -123456.7f};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        for (int k = -5; k < 100; k++) {
            int32_t ip;
            fst24_ip_encode(vals[i], k, FST24_IP_NEW, &ip);
            fst24_ip_encode(vals[i], k, FST24_IP_OLD, &ip);
            if (fst24_ip_format_value(vals[i], k, buf, sizeof buf) != FST24_OK || strlen(buf) > 23) bad++;
        }
    }
    char tiny[4];
    CHECK(fst24_ip_format(41394464, tiny, sizeof tiny) == FST24_OK && strcmp(tiny, "500") == 0, "truncated to 3");
    CHECK(fst24_ip_format(41394464, tiny, 0) == FST24_E_INVALID, "size 0");
    CHECK(bad == 0, "hostile input: %ld problems", bad);
}

int main(void) {
    if (tu_corpus_part("librmn's IP vectors and the corpus dumps")) {
        check_ip_vectors();
        check_decode_vectors();
        check_corpus();
    }
    check_checklist();
    check_round_trip();
    check_hostile();
    return t_finish();
}
