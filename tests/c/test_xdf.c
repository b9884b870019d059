/* XDF container and file API: round trips, structure, append, delete, rewrite
 * modes, searches, errors. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bytes.h"
#include "fst24.h"
#include "testutil.h"


static char tmpdir[512];
static const char *corpus;

static const char *tmp_path(const char *name) {
    static char buf[8][1024];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}


static fst24_record make_record(const char *nomvar, int ni, int nj, int nk) {
    fst24_record r;
    fst24_record_init(&r);
    fst24_record_set_string(&r, "nomvar", nomvar);
    fst24_record_set_string(&r, "typvar", "P");
    fst24_record_set_string(&r, "etiket", "TEST");
    fst24_record_set_string(&r, "grtyp", "X");
    r.ni = ni;
    r.nj = nj;
    r.nk = nk;
    r.dateo = 471942800; /* 2024-03-15 12:00 */
    r.deet = 300;
    r.npas = 12;
    r.ip1 = 12000;
    r.ip2 = 1;
    return r;
}

static float *ramp(size_t n, float scale) {
    float *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = scale * (float)i - 17.25f;
    return v;
}

/* Structural checks of CONTAINER.md §6.2 on a closed file we wrote. */
/* edited: a metadata rewrite leaves the record copy stale (librmn does the same),
 * so only the words it cannot change (nbits, ni, nj, datyp, nk) are compared. */
static void check_structure(const char *path, int expect_records, int edited) {
    size_t n;
    unsigned char *b = tu_slurp(path, &n);
    CHECK(b != NULL);
    if (!b) return;
    CHECK(fst_load_be32(b) == 26);
    CHECK(!memcmp(b + 8, "XDF0STDR", 8));
    CHECK((size_t)fst_load_be32(b + 16) * 8 == n);
    CHECK(fst_load_be32(b + 40) == ((16u << 16) | 9u));
    CHECK(fst_load_be32(b + 44) == ((2u << 16) | 1u));
    CHECK(fst_load_be32(b + 52) == (uint32_t)expect_records);
    CHECK(fst_load_be32(b + 56) == 0); /* rwflg after close */
    CHECK(!memcmp(b + 64, "SF01", 4) && fst_load_be32(b + 68) == 0x00FFC000u);
    CHECK(!memcmp(b + 192, "AXI1", 4) && fst_load_be32(b + 204) == 0x01FFC000u);
    uint32_t nbd = fst_load_be32(b + 28), plst = fst_load_be32(b + 32);
    /* pages: chain, checksum, entries equal the record copies */
    size_t off = 208;
    uint32_t pages = 0, entries = 0;
    for (;;) {
        pages++;
        uint32_t x = 0;
        for (size_t w = 4; w < 2308 * 2; w++) x ^= fst_load_be32(b + off + 4 * w);
        CHECK(x == 0);
        CHECK(fst_load_be32(b + off) == 2308);
        CHECK(fst_load_be32(b + off + 4) == off / 8 + 1);
        uint32_t nent = fst_load_be32(b + off + 20);
        for (uint32_t j = 0; j < nent; j++) {
            const unsigned char *e = b + off + 32 + 72 * j;
            size_t roff = ((size_t)fst_load_be32(e + 4) - 1) * 8;
            CHECK(roff + (fst_load_be32(e) & 0xFFFFFF) * 8 <= n);
            CHECK(!memcmp(e + 8, b + roff + 8, edited ? 16 : 64));
            CHECK((fst_load_be32(e) & 0xFFFFFF) == (fst_load_be32(b + roff) & 0xFFFFFF));
            CHECK(fst_load_be32(b + roff + 72) == 0 && fst_load_be32(b + roff + 76) == 0);
            entries++;
        }
        uint32_t nxt = fst_load_be32(b + off + 16);
        if (!nxt) {
            CHECK(off / 8 + 1 == plst);
            break;
        }
        off = ((size_t)nxt - 1) * 8;
    }
    CHECK(pages == nbd);
    /* linear walk: every structure carries its own address */
    size_t o = 208;
    int walk_ok = 1;
    while (o < n) {
        uint32_t w0 = fst_load_be32(b + o), addr = fst_load_be32(b + o + 4);
        if (addr != o / 8 + 1 || (w0 & 0xFFFFFF) == 0) { walk_ok = 0; break; }
        o += (size_t)(w0 & 0xFFFFFF) * 8;
    }
    CHECK(walk_ok && o == n);
    (void)entries;
    free(b);
}

static void test_roundtrip_fields(void) {
    const char *path = tmp_path("fields.fst");
    unlink(path);
    fst24_file *f;
    CHECK_OK(fst24_open(path, FST24_MODE_CREATE, NULL, &f));
    struct { const char *nomvar, *typvar, *etiket, *grtyp; int ip1, ip2, ip3, ig1, ig2, ig3, ig4, ni, nj, nk, deet, npas; } cases[] = {
        {"A", "", "", "X", 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0},
        {"TT", "P", "MY LABEL", "Z", 0xFFFFFFF, 123, 7, 0xFFFFFF, 0xFFFFFF, 0xFFFFFF, 0xFFFFFF, 3, 2, 1, 0xFFFFFF, 1},
        {"UU", "PX", "ABCDEFGHIJKL", "E", 95579925, 0, 0, 1000, 0x123456, 3, 4, 1000, 1, 1, 900, 0xFFFFF},
        {">>", "X", "  LEADING", "#", 1, 2, 3, 900, 1000, 43200, 43200, 1, 1, 1000, 60, 2},
        {"!!", "X", "low-case", "L", 5, 6, 7, 1, 2, 3, 4, 1, 1000, 1, 1, 1},
    };
    int nc = (int)(sizeof cases / sizeof cases[0]);
    for (int i = 0; i < nc; i++) {
        fst24_record r = make_record(cases[i].nomvar, cases[i].ni, cases[i].nj, cases[i].nk);
        CHECK_OK(fst24_record_set_string(&r, "typvar", cases[i].typvar));
        CHECK_OK(fst24_record_set_string(&r, "etiket", cases[i].etiket));
        CHECK_OK(fst24_record_set_string(&r, "grtyp", cases[i].grtyp));
        r.ip1 = cases[i].ip1; r.ip2 = cases[i].ip2; r.ip3 = cases[i].ip3;
        r.ig1 = cases[i].ig1; r.ig2 = cases[i].ig2; r.ig3 = cases[i].ig3; r.ig4 = cases[i].ig4;
        r.deet = cases[i].deet; r.npas = cases[i].npas;
        size_t n = (size_t)r.ni * r.nj * r.nk;
        float *v = ramp(n, 0.5f * (float)(i + 1));
        CHECK_OK(fst24_write(f, &r, v, FST24_ELEM_F32, FST24_REWRITE_NO, NULL));
        CHECK(r.data_type == 5 && r.pack_bits == 32 && r.data_bits == 32);
        free(v);
    }
    /* a 64-bit IEEE record and a raw binary record */
    fst24_record r64 = make_record("D64", 5, 1, 1);
    r64.pack_bits = 64;
    double d[5] = {1.0, -2.5, 3.25, 1e300, -0.0};
    CHECK_OK(fst24_write(f, &r64, d, FST24_ELEM_F64, FST24_REWRITE_NO, NULL));
    CHECK(r64.data_type == 5 && r64.pack_bits == 64 && r64.data_bits == 64);
    fst24_record rb = make_record("BIN", 4, 1, 1);
    rb.data_type = 0;
    uint32_t raw[4] = {0xDEADBEEF, 1, 2, 0xFFFFFFFF};
    CHECK_OK(fst24_write(f, &rb, raw, FST24_ELEM_U32, FST24_REWRITE_NO, NULL));
    CHECK_OK(fst24_close(f));
    check_structure(path, nc + 2, 0);

    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    CHECK(fst24_num_records(f) == nc + 2);
    for (int i = 0; i < nc; i++) {
        fst24_record r;
        CHECK_OK(fst24_get_record(f, i, &r));
        char want[16];
        snprintf(want, sizeof want, "%-4s", cases[i].nomvar);
        CHECK(!strcmp(r.nomvar, want));
        snprintf(want, sizeof want, "%-2s", cases[i].typvar);
        CHECK(!strcmp(r.typvar, want));
        char et[13];
        snprintf(et, sizeof et, "%-12s", cases[i].etiket);
        for (char *p = et; *p; p++) if (*p >= 'a' && *p <= 'z') *p -= 32;
        CHECK(!strcmp(r.etiket, et));
        CHECK(r.grtyp[0] == cases[i].grtyp[0]);
        CHECK(r.ip1 == cases[i].ip1 && r.ip2 == cases[i].ip2 && r.ip3 == cases[i].ip3);
        CHECK(r.ig1 == cases[i].ig1 && r.ig2 == cases[i].ig2 && r.ig3 == cases[i].ig3 && r.ig4 == cases[i].ig4);
        CHECK(r.ni == cases[i].ni && r.nj == cases[i].nj && r.nk == cases[i].nk);
        CHECK(r.deet == cases[i].deet && r.npas == cases[i].npas);
        CHECK(r.dateo == 471942800);
        CHECK(r.file_index == i);
        CHECK(r.key == (1 | (i << 10)));
        size_t n = (size_t)r.ni * r.nj * r.nk;
        float *want_v = ramp(n, 0.5f * (float)(i + 1)), *got = malloc(n * 4);
        CHECK_OK(fst24_read_data(&r, got, n * 4, NULL));
        CHECK(!memcmp(want_v, got, n * 4));
        free(want_v);
        free(got);
    }
    fst24_record r;
    CHECK_OK(fst24_get_record(f, nc, &r));
    double dg[5];
    CHECK_OK(fst24_read_data(&r, dg, sizeof dg, NULL));
    CHECK(!memcmp(d, dg, sizeof d));
    /* 64-bit items are big-endian as a whole on disk */
    uint32_t pw[16];
    size_t npw = 16;
    CHECK_OK(fst24_read_payload(&r, pw, &npw));
    CHECK(pw[0] == 0x3FF00000u && pw[1] == 0);
    CHECK_OK(fst24_get_record(f, nc + 1, &r));
    uint32_t rg[4];
    CHECK_OK(fst24_read_data(&r, rg, sizeof rg, NULL));
    CHECK(!memcmp(raw, rg, sizeof raw));
    /* a buffer too small is an error, not an overflow */
    CHECK(fst24_read_data(&r, rg, 8, NULL) == FST24_E_INVALID);
    CHECK_OK(fst24_close(f));
}

static void test_invalid_and_readonly(void) {
    const char *path = tmp_path("guard.fst");
    unlink(path);
    fst24_file *f;
    CHECK_OK(fst24_open(path, FST24_MODE_CREATE, NULL, &f));
    fst24_record r = make_record("OK", 2, 1, 1);
    float v[2] = {1, 2};
    CHECK_OK(fst24_write(f, &r, v, FST24_ELEM_F32, FST24_REWRITE_NO, NULL));
    fst24_record bad = make_record("X", 0, 1, 1);
    CHECK(fst24_write(f, &bad, v, FST24_ELEM_F32, FST24_REWRITE_NO, NULL) == FST24_E_INVALID);
    CHECK(strstr(fst24_last_error(), "ni") != NULL);
    bad = make_record("X", 2, 1, 1);
    bad.ip1 = 0x10000000;
    CHECK(fst24_write(f, &bad, v, FST24_ELEM_F32, FST24_REWRITE_NO, NULL) == FST24_E_INVALID);
    CHECK(strstr(fst24_last_error(), "ip1") != NULL);
    CHECK(fst24_record_set_string(&bad, "nomvar", "TOOLONG") == FST24_E_INVALID);
    bad = make_record("X", 2, 1, 1);
    bad.ig2 = -5;
    CHECK(fst24_write(f, &bad, v, FST24_ELEM_F32, FST24_REWRITE_NO, NULL) == FST24_E_INVALID);
    CHECK(fst24_num_records(f) == 1);
    CHECK_OK(fst24_close(f));
    size_t n1, n2;
    unsigned char *before = tu_slurp(path, &n1);
    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    r = make_record("NO", 2, 1, 1);
    CHECK(fst24_write(f, &r, v, FST24_ELEM_F32, FST24_REWRITE_NO, NULL) == FST24_E_READONLY);
    CHECK(strstr(fst24_last_error(), path) != NULL);
    fst24_record got;
    CHECK_OK(fst24_get_record(f, 0, &got));
    CHECK(fst24_delete(f, &got) == FST24_E_READONLY);
    CHECK_OK(fst24_close(f));
    unsigned char *after = tu_slurp(path, &n2);
    CHECK(n1 == n2 && !memcmp(before, after, n1));
    free(before);
    free(after);
}

static void test_many_pages_and_search(void) {
    const char *path = tmp_path("pages.fst");
    unlink(path);
    fst24_file *f;
    CHECK_OK(fst24_open(path, FST24_MODE_CREATE, NULL, &f));
    const int N = 600;
    for (int i = 0; i < N; i++) {
        fst24_record r = make_record(i % 2 ? "TT" : "UU", 3, 1, 1);
        r.ip1 = i;
        r.ip2 = i % 7;
        if (i % 3 == 0) fst24_record_set_string(&r, "etiket", "EDITED");
        else if (i % 3 == 1) fst24_record_set_string(&r, "etiket", "EDIT");
        float v[3] = {(float)i, (float)-i, 0.5f};
        CHECK_OK(fst24_write(f, &r, v, FST24_ELEM_F32, FST24_REWRITE_NO, NULL));
    }
    CHECK_OK(fst24_close(f));
    check_structure(path, N, 0);
    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    fst24_file_info info;
    CHECK_OK(fst24_file_get_info(f, &info));
    CHECK(info.num_pages == 3 && info.num_records == N && info.checksum_errors == 0);
    fst24_record crit, r;
    fst24_query *q;
    fst24_record_init_criteria(&crit);
    fst24_record_set_string(&crit, "nomvar", "tt"); /* case-insensitive */
    CHECK_OK(fst24_query_new(f, &crit, NULL, &q));
    CHECK(fst24_query_count(q) == N / 2);
    int64_t prev = -1, order_ok = 1;
    while (fst24_query_next(q, &r) == 1) {
        if (r.file_index <= prev) order_ok = 0;
        prev = r.file_index;
    }
    CHECK(order_ok);
    fst24_query_free(q);
    /* etiket: no prefix matching */
    fst24_record_init_criteria(&crit);
    fst24_record_set_string(&crit, "etiket", "EDIT");
    CHECK_OK(fst24_query_new(f, &crit, NULL, &q));
    CHECK(fst24_query_count(q) == N / 3);
    fst24_query_free(q);
    /* two independent queries */
    fst24_record c2;
    fst24_record_init_criteria(&crit);
    crit.ip2 = 3;
    fst24_record_init_criteria(&c2);
    c2.ip1 = 599;
    fst24_query *q2;
    CHECK_OK(fst24_query_new(f, &crit, NULL, &q));
    CHECK_OK(fst24_query_new(f, &c2, NULL, &q2));
    CHECK(fst24_query_next(q, &r) == 1 && r.ip1 == 3);
    CHECK(fst24_query_next(q2, &r) == 1 && r.ip1 == 599 && r.file_index == 599 && r.key == (1 | (87 << 10) | (2 << 19)));
    CHECK(fst24_query_next(q, &r) == 1 && r.ip1 == 10);
    CHECK(fst24_query_next(q2, &r) == 0);
    fst24_query_free(q);
    fst24_query_free(q2);
    /* datev ignores the last digit of the stamp unless stamp_norun */
    fst24_record_init_criteria(&crit);
    crit.datev = 471943700 + 3;
    CHECK_OK(fst24_query_new(f, &crit, NULL, &q));
    CHECK(fst24_query_count(q) == N);
    fst24_query_free(q);
    fst24_query_options qo = {0};
    qo.stamp_norun = 1;
    CHECK_OK(fst24_query_new(f, &crit, &qo, &q));
    CHECK(fst24_query_count(q) == 0);
    fst24_query_free(q);
    crit.datev = 471942800; /* the origin date is not searchable */
    CHECK_OK(fst24_query_new(f, &crit, NULL, &q));
    CHECK(fst24_query_count(q) == 0);
    fst24_query_free(q);
    /* linked files: a query continues from one into the next */
    fst24_file *g;
    const char *path2 = tmp_path("fields.fst");
    CHECK_OK(fst24_open(path2, FST24_MODE_READ, NULL, &g));
    fst24_file *chain[2] = {f, g};
    CHECK_OK(fst24_link(chain, 2));
    CHECK(fst24_num_records(f) == N + fst24_num_records(g));
    CHECK_OK(fst24_query_new(f, NULL, NULL, &q));
    CHECK(fst24_query_count(q) == fst24_num_records(f));
    fst24_query_free(q);
    fst24_unlink(f);
    CHECK_OK(fst24_close(g));
    CHECK_OK(fst24_close(f));
}

static void test_delete_and_rewrite(void) {
    const char *path = tmp_path("rewrite.fst");
    unlink(path);
    fst24_file *f;
    CHECK_OK(fst24_open(path, FST24_MODE_CREATE, NULL, &f));
    float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};
    for (int i = 0; i < 3; i++) {
        fst24_record r = make_record("TT", 4, 1, 1);
        r.ip1 = i;
        CHECK_OK(fst24_write(f, &r, a, FST24_ELEM_F32, FST24_REWRITE_NO, NULL));
    }
    /* YES replaces the record of same identity */
    fst24_record r = make_record("TT", 4, 1, 1);
    r.ip1 = 1;
    CHECK_OK(fst24_write(f, &r, b, FST24_ELEM_F32, FST24_REWRITE_YES, NULL));
    CHECK(fst24_num_records(f) == 3);
    /* SKIP writes nothing when it exists */
    r = make_record("TT", 4, 1, 1);
    r.ip1 = 2;
    CHECK_OK(fst24_write(f, &r, b, FST24_ELEM_F32, FST24_REWRITE_SKIP, NULL));
    CHECK(fst24_num_records(f) == 3);
    /* ... and appends when it does not */
    r.ip1 = 9;
    CHECK_OK(fst24_write(f, &r, b, FST24_ELEM_F32, FST24_REWRITE_SKIP, NULL));
    CHECK(fst24_num_records(f) == 4);
    /* NO appends a duplicate */
    r.ip1 = 0;
    CHECK_OK(fst24_write(f, &r, b, FST24_ELEM_F32, FST24_REWRITE_NO, NULL));
    CHECK(fst24_num_records(f) == 5);
    /* delete */
    fst24_record crit, got;
    fst24_record_init_criteria(&crit);
    crit.ip1 = 9;
    fst24_query *q;
    CHECK_OK(fst24_query_new(f, &crit, NULL, &q));
    CHECK(fst24_query_next(q, &got) == 1);
    CHECK_OK(fst24_delete(f, &got));
    CHECK(fst24_delete(f, &got) == FST24_E_NO_RECORD);
    CHECK(fst24_query_count(q) == 0);
    fst24_query_free(q);
    CHECK(fst24_num_records(f) == 4);
    /* META edits the header of a record read from this file */
    crit.ip1 = 2;
    CHECK_OK(fst24_query_new(f, &crit, NULL, &q));
    CHECK(fst24_query_next(q, &got) == 1);
    fst24_query_free(q);
    got.ip2 = 77;
    fst24_record_set_string(&got, "etiket", "EDITED");
    CHECK_OK(fst24_write(f, &got, NULL, FST24_ELEM_NONE, FST24_REWRITE_META, NULL));
    got.ni = 2;
    CHECK(fst24_write(f, &got, NULL, FST24_ELEM_NONE, FST24_REWRITE_META, NULL) == FST24_E_INVALID);
    CHECK_OK(fst24_close(f));
    check_structure(path, 4, 1);

    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    fst24_file_info info;
    fst24_file_get_info(f, &info);
    CHECK(info.num_records == 4 && info.num_deleted == 2 && info.num_entries == 6);
    float v[4];
    fst24_record_init_criteria(&crit);
    crit.ip1 = 1;
    CHECK_OK(fst24_query_new(f, &crit, NULL, &q));
    CHECK(fst24_query_count(q) == 1);
    CHECK(fst24_query_next(q, &got) == 1);
    CHECK_OK(fst24_read_data(&got, v, sizeof v, NULL));
    CHECK(!memcmp(v, b, sizeof b));
    fst24_query_free(q);
    crit.ip1 = 2;
    CHECK_OK(fst24_query_new(f, &crit, NULL, &q));
    CHECK(fst24_query_next(q, &got) == 1);
    CHECK(got.ip2 == 77 && !strcmp(got.etiket, "EDITED      "));
    CHECK_OK(fst24_read_data(&got, v, sizeof v, NULL));
    CHECK(!memcmp(v, a, sizeof a));
    fst24_query_free(q);
    CHECK_OK(fst24_close(f));
    /* deleted records are flagged 255 in the directory and in the record */
    size_t n;
    unsigned char *bytes = tu_slurp(path, &n);
    const unsigned char *e = bytes + 208 + 32 + 72 * 1;
    CHECK(e[0] == 255);
    CHECK(bytes[(fst_load_be32(e + 4) - 1) * 8] == 255);
    CHECK(fst_load_be32(bytes + 48) == 2); /* neff */
    free(bytes);
}

static void test_append_to_librmn_file(void) {
    char src[1024];
    snprintf(src, sizeof src, "%s/ref/append.xdf.fst", corpus);
    const char *path = tmp_path("append_copy.fst");
    CHECK(tu_copy(src, path) == 0);
    fst24_file *f;
    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    int64_t n0 = fst24_num_records(f);
    fst24_record *before = calloc((size_t)n0, sizeof *before);
    fst24_query *q;
    CHECK_OK(fst24_query_new(f, NULL, NULL, &q));
    CHECK(fst24_query_all(q, before, n0) == n0);
    fst24_query_free(q);
    CHECK_OK(fst24_close(f));

    CHECK_OK(fst24_open(path, FST24_MODE_UPDATE, NULL, &f));
    /* a second writer is refused while we hold the file */
    fst24_file *g;
    CHECK(fst24_open(path, FST24_MODE_UPDATE, NULL, &g) == FST24_E_LOCKED);
    fst24_record r = make_record("NEW", 3, 1, 1);
    float v[3] = {9, 8, 7};
    CHECK_OK(fst24_write(f, &r, v, FST24_ELEM_F32, FST24_REWRITE_NO, NULL));
    CHECK_OK(fst24_close(f));
    check_structure(path, (int)n0 + 1, 0);

    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    CHECK(fst24_num_records(f) == n0 + 1);
    for (int64_t i = 0; i < n0; i++) {
        fst24_record x;
        CHECK_OK(fst24_get_record(f, i, &x));
        CHECK(x.key == before[i].key && x.file_offset == before[i].file_offset &&
              !strcmp(x.nomvar, before[i].nomvar) && x.ip1 == before[i].ip1 && x.datev == before[i].datev);
    }
    fst24_record x;
    CHECK_OK(fst24_get_record(f, n0, &x));
    float w[3];
    CHECK(!strcmp(x.nomvar, "NEW ") && fst24_read_data(&x, w, sizeof w, NULL) == FST24_OK && !memcmp(v, w, sizeof v));
    CHECK_OK(fst24_close(f));
    free(before);
}

static void test_open_errors(void) {
    fst24_file *f = NULL;
    CHECK(fst24_open(tmp_path("does-not-exist.fst"), FST24_MODE_READ, NULL, &f) == FST24_E_NOT_FOUND);
    CHECK(strstr(fst24_last_error(), "does-not-exist.fst") != NULL);
    CHECK(f == NULL);
    const char *empty = tmp_path("empty.fst");
    FILE *fp = fopen(empty, "wb");
    fclose(fp);
    CHECK(fst24_open(empty, FST24_MODE_READ, NULL, &f) == FST24_E_NOT_FST);
    CHECK(fst24_detect(empty) == FST24_KIND_EMPTY);
    const char *text = tmp_path("text.fst");
    fp = fopen(text, "wb");
    fputs("this is not a standard file, just some text that is long enough\n", fp);
    fclose(fp);
    CHECK(fst24_open(text, FST24_MODE_READ, NULL, &f) == FST24_E_NOT_FST);
    CHECK(fst24_detect(text) == FST24_KIND_OTHER);
    CHECK(fst24_open(tmpdir, FST24_MODE_READ, NULL, &f) == FST24_E_INVALID);
    /* truncated copies of a real file, at many cut points */
    char src[1024];
    snprintf(src, sizeof src, "%s/ref/model.xdf.fst", corpus);
    size_t n;
    unsigned char *b = tu_slurp(src, &n);
    const char *cut = tmp_path("cut.fst");
    size_t cuts[] = {1, 10, 100, 207, 208, 300, 18671, 18672, 20000, n / 2, n - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        fp = fopen(cut, "wb");
        fwrite(b, 1, cuts[i], fp);
        fclose(fp);
        int st = fst24_open(cut, FST24_MODE_READ, NULL, &f);
        CHECK(st == FST24_E_CORRUPT || st == FST24_E_NOT_FST);
        CHECK(strstr(fst24_last_error(), "cut.fst") != NULL);
    }
    /* a corrupted record address in a directory page: the page fails its
     * checksum, so each entry is checked against its record and the bad one
     * is hidden; the file says it was recovered */
    CHECK_OK(fst24_open(src, FST24_MODE_READ, NULL, &f));
    int64_t intact = fst24_num_records(f);
    fst24_close(f);
    memcpy(b + 208 + 32 + 4, "\x7f\xff\xff\xff", 4);
    fp = fopen(cut, "wb");
    fwrite(b, 1, n, fp);
    fclose(fp);
    CHECK_OK(fst24_open(cut, FST24_MODE_READ, NULL, &f));
    if (f) {
        fst24_file_info info;
        CHECK_OK(fst24_file_get_info(f, &info));
        CHECK(info.recovered == 1 && info.checksum_errors == 1 && strstr(info.warning, "checksum"));
        CHECK(fst24_num_records(f) == intact - 1);
        fst24_close(f);
    }
    /* a corrupted page link */
    memcpy(b + 208 + 16, "\x7f\xff\xff\xff", 4);
    fp = fopen(cut, "wb");
    fwrite(b, 1, n, fp);
    fclose(fp);
    CHECK(fst24_open(cut, FST24_MODE_READ, NULL, &f) == FST24_E_CORRUPT);
    free(b);
    CHECK(fst24_open(NULL, FST24_MODE_READ, NULL, &f) == FST24_E_INVALID);
    CHECK(fst24_close(NULL) == FST24_OK);
}

static void test_corpus_keys(void) {
    char src[1024];
    snprintf(src, sizeof src, "%s/ref/types.xdf.fst", corpus);
    fst24_file *f;
    CHECK_OK(fst24_open(src, FST24_MODE_READ, NULL, &f));
    fst24_record r;
    CHECK_OK(fst24_get_record(f, 1, &r));
    CHECK(r.key == 1025 && r.file_offset == 30832 && r.total_stored_bytes == 18200);
    CHECK(!strcmp(r.nomvar, "R12 ") && r.pack_bits == 12 && r.data_type == 1);
    fst24_record by_key;
    CHECK_OK(fst24_get_record_by_key(f, 1025, &by_key));
    CHECK(by_key.file_offset == r.file_offset);
    CHECK(fst24_get_record_by_key(f, 77, &by_key) == FST24_E_NO_RECORD);
    CHECK_OK(fst24_close(f));
}

/* Offsets beyond 4 GiB: a sparse file whose directory points at a record
 * 4.5 GiB into the file, then an append at the 5 GiB end. */
static void test_large_offsets(void) {
    const char *path = tmp_path("large.fst");
    unlink(path);
    fst24_file *f;
    CHECK_OK(fst24_open(path, FST24_MODE_CREATE, NULL, &f));
    fst24_record r = make_record("BIG", 4, 1, 1);
    float v[4] = {1.5f, 2.5f, -3.5f, 4.5f};
    CHECK_OK(fst24_write(f, &r, v, FST24_ELEM_F32, FST24_REWRITE_NO, NULL));
    CHECK_OK(fst24_close(f));
    size_t n;
    unsigned char *b = tu_slurp(path, &n);
    const int64_t rec_off = 9LL << 29;     /* 4.5 GiB */
    const int64_t size = 5LL << 30;        /* 5 GiB */
    size_t rec_bytes = n - 18672;
    /* move the record: directory entry and copy get the new address */
    uint32_t addr = (uint32_t)(rec_off / 8 + 1);
    fst_store_be32(b + 208 + 32 + 4, addr);
    fst_store_be32(b + 18672 + 4, addr);
    fst_store_be32(b + 16, (uint32_t)(size / 8));
    uint32_t x = 0;
    fst_store_be32(b + 208 + 24, 0);
    for (size_t w = 4; w < 4616; w++) x ^= fst_load_be32(b + 208 + 4 * w);
    fst_store_be32(b + 208 + 24, x);
    int fd = open(path, O_RDWR | O_TRUNC);
    CHECK(fd >= 0);
    CHECK(pwrite(fd, b, 18672, 0) == 18672);
    CHECK(pwrite(fd, b + 18672, rec_bytes, rec_off) == (ssize_t)rec_bytes);
    CHECK(ftruncate(fd, size) == 0);
    close(fd);
    free(b);
    CHECK_OK(fst24_open(path, FST24_MODE_UPDATE, NULL, &f));
    fst24_record got;
    float w[4];
    CHECK_OK(fst24_get_record(f, 0, &got));
    CHECK(got.file_offset == rec_off);
    CHECK_OK(fst24_read_data(&got, w, sizeof w, NULL));
    CHECK(!memcmp(v, w, sizeof v));
    r = make_record("END", 4, 1, 1);
    CHECK_OK(fst24_write(f, &r, v, FST24_ELEM_F32, FST24_REWRITE_NO, NULL));
    CHECK(r.file_offset == size);
    CHECK_OK(fst24_close(f));
    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    CHECK(fst24_num_records(f) == 2);
    CHECK_OK(fst24_get_record(f, 1, &got));
    CHECK(got.file_offset == size && fst24_read_data(&got, w, sizeof w, NULL) == FST24_OK);
    CHECK(!memcmp(v, w, sizeof v));
    CHECK_OK(fst24_close(f));
    unlink(path);
}

/* Sequential files: a real one relabelled STDS (its proper signature) reads without a
 * recovery warning; zero padding between records is skipped; 1989 sequential files get
 * a clear refusal. */
static void test_sequential_variants(void) {
    char src[1024];
    snprintf(src, sizeof src, "%s/real/ECCC-ASTD-MRD_fst-tools__anal_temp", corpus);
    size_t n;
    unsigned char *b = tu_slurp(src, &n);
    CHECK(b != NULL);
    if (!b) return;
    memcpy(b + 12, "STDS", 4);
    const char *seq = tmp_path("seq.fst");
    CHECK(tu_write_file(seq, b, n) == 0);
    CHECK(fst24_detect(seq) == FST24_KIND_XDF_SEQ);
    fst24_file *f;
    CHECK_OK(fst24_open(seq, FST24_MODE_READ, NULL, &f));
    fst24_file_info info;
    CHECK_OK(fst24_file_get_info(f, &info));
    CHECK(info.num_records == 8 && info.recovered == 0 && info.kind == FST24_KIND_XDF_SEQ);
    fst24_record r;
    CHECK_OK(fst24_get_record(f, 7, &r));
    float *v = malloc((size_t)r.ni * r.nj * r.nk * sizeof *v);
    CHECK_OK(fst24_read_data(&r, v, (size_t)r.ni * r.nj * r.nk * sizeof *v, NULL));
    float last = v[r.ni * r.nj - 1];
    CHECK_OK(fst24_close(f));
    CHECK(fst24_open(seq, FST24_MODE_UPDATE, NULL, &f) == FST24_E_UNSUPPORTED);
    /* 16 bytes of zero padding after the first record's postfix */
    uint32_t lng = fst_load_be32(b + 208) & 0xFFFFFF;
    size_t cut = 208 + (size_t)lng * 8 + 16;
    unsigned char *p = malloc(n + 16);
    memcpy(p, b, cut);
    memset(p + cut, 0, 16);
    memcpy(p + cut + 16, b + cut, n - cut);
    /* records after the padding carry their own (shifted) address */
    for (size_t o = cut + 16; o + 8 <= n + 16;) {
        uint32_t w0 = fst_load_be32(p + o);
        uint32_t l = w0 & 0xFFFFFF;
        if ((w0 >> 24) == 127) { fst_store_be32(p + o + 4, (uint32_t)(o / 8 + 1)); break; }
        if (w0 == 2 && fst_load_be32(p + o + 4) == 0xFFFFFFFFu) { o += 16; continue; }
        if (l == 0) break;
        fst_store_be32(p + o + 4, (uint32_t)(o / 8 + 1));
        o += (size_t)l * 8;
    }
    CHECK(tu_write_file(seq, p, n + 16) == 0);
    CHECK_OK(fst24_open(seq, FST24_MODE_READ, NULL, &f));
    CHECK(fst24_num_records(f) == 8);
    CHECK_OK(fst24_get_record(f, 7, &r));
    CHECK_OK(fst24_read_data(&r, v, (size_t)r.ni * r.nj * r.nk * sizeof *v, NULL));
    CHECK(v[r.ni * r.nj - 1] == last);
    CHECK_OK(fst24_close(f));
    free(v);
    free(p);
    free(b);
    /* 1989 sequential signature */
    unsigned char old[4096] = {0};
    memset(old + 112, 0xAA, 8);
    CHECK(tu_write_file(seq, old, sizeof old) == 0);
    CHECK(fst24_detect(seq) == FST24_KIND_FST89_SEQ);
    CHECK(fst24_open(seq, FST24_MODE_READ, NULL, &f) == FST24_E_UNSUPPORTED);
    CHECK(strstr(fst24_last_error(), "1989 sequential") != NULL);
}

/* ipN_all: a level written with its old-style code is found from its new-style
 * code (and the reverse) when the option is on, only by its own code otherwise. */
static void test_ip_all(void) {
    const char *path = tmp_path("ipall.fst");
    unlink(path);
    int32_t old850, new850, new500;
    CHECK_OK(fst24_ip_encode(850.0f, 2, FST24_IP_OLD, &old850));
    CHECK_OK(fst24_ip_encode(850.0f, 2, FST24_IP_NEW, &new850));
    CHECK_OK(fst24_ip_encode(500.0f, 2, FST24_IP_NEW, &new500));
    CHECK(old850 != new850 && old850 < 32768);
    fst24_file *f;
    CHECK_OK(fst24_open(path, FST24_MODE_CREATE, NULL, &f));
    const int32_t codes[3] = {old850, new850, new500};
    for (int i = 0; i < 3; i++) {
        fst24_record r = make_record("TT", 2, 1, 1);
        r.ip1 = codes[i];
        float v[2] = {(float)i, 0};
        CHECK_OK(fst24_write(f, &r, v, FST24_ELEM_F32, FST24_REWRITE_NO, NULL));
    }
    fst24_record crit;
    fst24_query *q;
    fst24_query_options all = {0};
    all.ip1_all = 1;
    for (int from_old = 0; from_old < 2; from_old++) {
        fst24_record_init_criteria(&crit);
        crit.ip1 = from_old ? old850 : new850;
        CHECK_OK(fst24_query_new(f, &crit, NULL, &q));
        CHECK(fst24_query_count(q) == 1);
        fst24_query_free(q);
        CHECK_OK(fst24_query_new(f, &crit, &all, &q));
        CHECK(fst24_query_count(q) == 2);
        fst24_query_free(q);
    }
    CHECK_OK(fst24_close(f));
}

int main(void) {
    corpus = tu_corpus();
    snprintf(tmpdir, sizeof tmpdir, "%s", tu_tmpdir());
    test_roundtrip_fields();
    test_invalid_and_readonly();
    test_many_pages_and_search();
    test_delete_and_rewrite();
    if (tu_corpus_part("appending to, keys and sequential variants of librmn-written files")) {
        test_append_to_librmn_file();
        test_open_errors();
        test_corpus_keys();
    }
    test_large_offsets();
    if (tu_have_corpus()) test_sequential_variants();
    test_ip_all();
    return tu_finish();
}
