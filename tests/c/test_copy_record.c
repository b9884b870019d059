/* fst24_copy_record (payload copies across backends, header edits, what may
 * not change, extended metadata) and fst24_validate (the public structural
 * check). */
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

enum { NI = 40, NJ = 30, N = NI * NJ };

static char path_src[1024], path_xdf[1024], path_rsf[1024], path_bad[1024], path_txt[1024];

static void write_source(void) {
    fst24_open_options o = {.backend = FST24_BACKEND_RSF};
    fst24_file *f;
    CHECK_OK(fst24_open(path_src, FST24_MODE_CREATE, &o, &f));
    static float x[N];
    for (int i = 0; i < N; i++) x[i] = 250.0f + (float)(i % 97) * 0.37f - (float)(i / NI);
    static const int types[][2] = {{5, 32}, {1, 16}, {134, 12}, {129, 16}, {6, 16}, {133, 24}, {1 | 64, 16}};
    for (int k = 0; k < (int)(sizeof types / sizeof types[0]); k++) {
        fst24_record r;
        fst24_record_init(&r);
        fst24_record_set_string(&r, "nomvar", k % 2 ? "TT" : "UU");
        fst24_record_set_string(&r, "etiket", "COPYTEST");
        r.ni = NI;
        r.nj = NJ;
        r.ip1 = 1000 + k;
        r.ip2 = 6;
        r.deet = 300;
        r.npas = 72;
        CHECK_OK(fst24_iso_to_stamp("2024-03-15T12:00", 0, &r.dateo));
        r.data_type = types[k][0];
        r.pack_bits = types[k][1];
        CHECK_OK(fst24_write(f, &r, x, FST24_ELEM_F32, FST24_REWRITE_NO, k == 0 ? "{\"unit\":\"K\"}" : NULL));
    }
    CHECK_OK(fst24_close(f));
}

/* Same header (but position), same payload words (an XDF copy may differ by
 * its 64-bit padding), same decoded values. */
static void same_record(const fst24_record *a, const fst24_record *b) {
    CHECK(!strcmp(a->nomvar, b->nomvar) && !strcmp(a->etiket, b->etiket) && a->ip1 == b->ip1 && a->ip2 == b->ip2);
    CHECK(a->datev == b->datev && a->dateo == b->dateo && a->deet == b->deet && a->npas == b->npas);
    CHECK(a->data_type == b->data_type && a->pack_bits == b->pack_bits && a->data_bits == b->data_bits);
    size_t na = 0, nb = 0;
    CHECK_OK(fst24_read_payload(a, NULL, &na));
    CHECK_OK(fst24_read_payload(b, NULL, &nb));
    uint32_t *wa = calloc(na + 2, 4), *wb = calloc(nb + 2, 4);
    CHECK_OK(fst24_read_payload(a, wa, &na));
    CHECK_OK(fst24_read_payload(b, wb, &nb));
    size_t common = na < nb ? na : nb;
    CHECK(common + 1 >= (na > nb ? na : nb) && !memcmp(wa, wb, common * 4));
    free(wa);
    free(wb);
    static float va[N], vb[N];
    CHECK_OK(fst24_read_data(a, va, sizeof va, NULL));
    CHECK_OK(fst24_read_data(b, vb, sizeof vb, NULL));
    CHECK(!memcmp(va, vb, sizeof va));
}

static void copy_all(const char *to, fst24_backend backend) {
    fst24_file *in, *out;
    fst24_open_options o = {.backend = backend};
    CHECK_OK(fst24_open(path_src, FST24_MODE_READ, NULL, &in));
    CHECK_OK(fst24_open(to, FST24_MODE_CREATE, &o, &out));
    int dropped_total = 0;
    for (int64_t k = 0; k < fst24_num_records(in); k++) {
        fst24_record r, w;
        int dropped = -1;
        CHECK_OK(fst24_get_record(in, k, &r));
        CHECK_OK(fst24_copy_record(out, &r, NULL, FST24_REWRITE_NO, &w, &dropped));
        CHECK(w.file == out && w.key >= 0);
        dropped_total += dropped;
    }
    /* extended metadata: kept in RSF, reported dropped by XDF */
    CHECK(dropped_total == (backend == FST24_BACKEND_XDF ? 1 : 0));
    CHECK_OK(fst24_close(out));
    CHECK_OK(fst24_open(to, FST24_MODE_READ, NULL, &out));
    CHECK(fst24_num_records(out) == fst24_num_records(in));
    for (int64_t k = 0; k < fst24_num_records(in); k++) {
        fst24_record a, b;
        CHECK_OK(fst24_get_record(in, k, &a));
        CHECK_OK(fst24_get_record(out, k, &b));
        same_record(&a, &b);
        size_t len = 99;
        char meta[256];
        CHECK_OK(fst24_read_ext_meta(&b, meta, sizeof meta, &len));
        if (k == 0 && backend == FST24_BACKEND_RSF) CHECK(strstr(meta, "\"unit\":\"K\"") != NULL);
        else CHECK(len == 0);
    }
    fst24_close(out);
    fst24_close(in);
    CHECK(fst24_validate(to, NULL, NULL) == 0);
}

static void header_edits(void) {
    fst24_file *in, *out;
    CHECK_OK(fst24_open(path_src, FST24_MODE_READ, NULL, &in));
    CHECK_OK(fst24_open(path_xdf, FST24_MODE_CREATE, NULL, &out));
    fst24_record r, h, w;
    CHECK_OK(fst24_get_record(in, 1, &r));
    h = r;
    fst24_record_set_string(&h, "nomvar", "TX");
    fst24_record_set_string(&h, "etiket", "EDITED");
    h.ip1 = 41394464;
    h.ig1 = 7;
    CHECK_OK(fst24_iso_to_stamp("2025-01-01T00:00", 0, &h.datev));
    h.dateo = -1; /* derived from the new datev */
    CHECK_OK(fst24_copy_record(out, &r, &h, FST24_REWRITE_NO, &w, NULL));
    int32_t expect_o;
    CHECK_OK(fst24_stamp_add_hours(h.datev, -6.0, &expect_o)); /* deet 300 * npas 72 = 6 h */
    CHECK(!strcmp(w.nomvar, "TX  ") && !strcmp(w.etiket, "EDITED      ") && w.ip1 == 41394464 && w.ig1 == 7);
    CHECK(w.datev == h.datev && w.dateo == expect_o);
    /* the payload's shape and encoding cannot change in a copy */
    const char *fields[] = {"ni", "nj", "nk", "data_type", "pack_bits", "data_bits"};
    for (int k = 0; k < 6; k++) {
        h = r;
        int32_t *slot[] = {&h.ni, &h.nj, &h.nk, &h.data_type, &h.pack_bits, &h.data_bits};
        *slot[k] += 1;
        CHECK(fst24_copy_record(out, &r, &h, FST24_REWRITE_NO, NULL, NULL) == FST24_E_INVALID);
        CHECK(strstr(fst24_last_error(), fields[k]) != NULL && strstr(fst24_last_error(), path_xdf) != NULL);
    }
    CHECK(fst24_copy_record(out, &r, NULL, FST24_REWRITE_META, NULL, NULL) == FST24_E_INVALID);
    fst24_record unwritten;
    fst24_record_init(&unwritten);
    CHECK(fst24_copy_record(out, &unwritten, NULL, FST24_REWRITE_NO, NULL, NULL) == FST24_E_INVALID);
    CHECK(fst24_num_records(out) == 1);
    CHECK_OK(fst24_close(out));
    fst24_close(in);
    CHECK(fst24_validate(path_xdf, NULL, NULL) == 0);
}

/* librmn-written RSF (with its odd-length 129 payloads) copied into XDF. */
static void corpus_copy(void) {
    char src[1024];
    snprintf(src, sizeof src, "%s/ref/types.rsf.fst", tu_corpus());
    if (access(src, R_OK) != 0) {
        printf("corpus absent: librmn RSF copy skipped\n");
        return;
    }
    fst24_file *in, *out;
    CHECK_OK(fst24_open(src, FST24_MODE_READ, NULL, &in));
    CHECK_OK(fst24_open(path_xdf, FST24_MODE_CREATE, NULL, &out));
    for (int64_t k = 0; k < fst24_num_records(in); k++) {
        fst24_record r;
        CHECK_OK(fst24_get_record(in, k, &r));
        CHECK_OK(fst24_copy_record(out, &r, NULL, FST24_REWRITE_NO, NULL, NULL));
    }
    CHECK_OK(fst24_close(out));
    CHECK(fst24_validate(path_xdf, NULL, NULL) == 0);
    CHECK_OK(fst24_open(path_xdf, FST24_MODE_READ, NULL, &out));
    CHECK(fst24_num_records(out) == fst24_num_records(in));
    for (int64_t k = 0; k < fst24_num_records(in); k++) {
        fst24_record a, b;
        CHECK_OK(fst24_get_record(in, k, &a));
        CHECK_OK(fst24_get_record(out, k, &b));
        fst24_elem_type t;
        size_t n;
        CHECK_OK(fst24_record_data_layout(&a, &t, &n));
        size_t bytes = n * fst24_elem_size(t);
        void *da = malloc(bytes + 1), *db = malloc(bytes + 1);
        CHECK_OK(fst24_read_data(&a, da, bytes, NULL));
        CHECK_OK(fst24_read_data(&b, db, bytes, NULL));
        CHECK(!memcmp(da, db, bytes));
        free(da);
        free(db);
    }
    fst24_close(out);
    fst24_close(in);
}

typedef struct lines {
    int n;
    char first[512];
} lines;
static void collect(void *ctx, const char *message) {
    lines *l = ctx;
    if (l->n++ == 0) snprintf(l->first, sizeof l->first, "%s", message);
}

static void validate(void) {
    lines l = {0, ""};
    CHECK(fst24_validate(path_rsf, collect, &l) == 0 && l.n == 0);
    /* a truncated copy: problems, each reported with the file's name */
    size_t n;
    unsigned char *b = tu_slurp(path_rsf, &n);
    CHECK(b != NULL && n > 200);
    CHECK(tu_write_file(path_bad, b, n - 100) == 0);
    free(b);
    int st = fst24_validate(path_bad, collect, &l);
    CHECK(st > 0 && l.n >= 1 && strstr(l.first, path_bad) != NULL);
    CHECK(tu_write_file(path_txt, "hello, not a standard file\n", 27) == 0);
    CHECK(fst24_validate(path_txt, collect, NULL) == FST24_E_NOT_FST && strstr(fst24_last_error(), path_txt));
    CHECK(fst24_validate("/nonexistent/x.fst", NULL, NULL) == FST24_E_NOT_FOUND);
    CHECK(fst24_validate(NULL, NULL, NULL) == FST24_E_INVALID);
}

int main(void) {
    int pid = (int)getpid();
    snprintf(path_src, sizeof path_src, "%s/copy_src_%d.rsf", tu_tmpdir(), pid);
    snprintf(path_xdf, sizeof path_xdf, "%s/copy_out_%d.xdf", tu_tmpdir(), pid);
    snprintf(path_rsf, sizeof path_rsf, "%s/copy_out_%d.rsf", tu_tmpdir(), pid);
    snprintf(path_bad, sizeof path_bad, "%s/copy_bad_%d.rsf", tu_tmpdir(), pid);
    snprintf(path_txt, sizeof path_txt, "%s/copy_txt_%d.txt", tu_tmpdir(), pid);
    write_source();
    copy_all(path_xdf, FST24_BACKEND_XDF);
    copy_all(path_rsf, FST24_BACKEND_RSF);
    header_edits();
    corpus_copy();
    validate();
    unlink(path_src);
    unlink(path_xdf);
    unlink(path_rsf);
    unlink(path_bad);
    unlink(path_txt);
    return tu_finish();
}
