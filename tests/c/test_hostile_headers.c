/* Damaged headers must not drive allocations or loops: a record whose header
 * claims more values than its payload holds (the fuzzer's 20 x 184,549,391 N grid
 * and 268,435,476 x 10 G grid stored in a few hundred bytes) gives FST24_E_CORRUPT
 * from every function that would size something from it (data layout, reads,
 * grids, positional records, vertical descriptors) before anything is allocated;
 * a Gaussian grid beyond the supported number of rows is refused rather than
 * computed for minutes; a writer cannot store such a header. Both backends.
 *
 * The damaged files are made with the library's own directory writer: the test
 * edits an entry's descriptor in memory and has the backend rewrite it. */
#include "fst_internal.h"
#include "testutil.h"

static char path[512];

static void put(fst24_file *f, const char *nomvar, const char *grtyp, int32_t ni, int32_t nj, int datyp, int nbits,
                const int32_t ig[4], int32_t ip1) {
    fst24_record r;
    fst24_record_init(&r);
    fst24_record_set_string(&r, "nomvar", nomvar);
    fst24_record_set_string(&r, "grtyp", grtyp);
    r.ni = ni;
    r.nj = nj;
    r.ip1 = ip1;
    r.ig1 = ig[0];
    r.ig2 = ig[1];
    r.ig3 = ig[2];
    r.ig4 = ig[3];
    r.data_type = datyp;
    r.pack_bits = nbits;
    size_t n = (size_t)ni * nj;
    float *x = malloc(n * sizeof(float));
    for (size_t k = 0; k < n; k++) x[k] = (float)(k % 17) + 0.25f * (float)(k % 5);
    CHECK_OK(fst24_write(f, &r, x, FST24_ELEM_F32, FST24_REWRITE_NO, NULL));
    free(x);
}

/* Give entry `idx` of the file new dimensions, through the backend's own rewrite.
 * The descriptor bits are set directly: a writer refuses such values (XDF holds
 * ni, nj up to 2^24 - 1, but a reader decodes the high bits stored elsewhere). */
static void damage(int64_t idx, uint32_t ni, uint32_t nj) {
    fst24_file *f = NULL;
    CHECK_OK(fst24_open(path, FST24_MODE_UPDATE, NULL, &f));
    if (!f) return;
    uint32_t *d = f->entries[idx].desc;
    d[D_NI_GTYP] = (d[D_NI_GTYP] & 0xFFu) | (ni & 0xFFFFFFu) << 8;
    d[D_ETIKBC_TYPVAR] = (d[D_ETIKBC_TYPVAR] & ~0xFFu) | ni >> 24;
    d[D_NJ_DATYP] = (d[D_NJ_DATYP] & 0xFFu) | (nj & 0xFFFFFFu) << 8;
    d[D_IP2] = (d[D_IP2] & ~0xFu) | ((nj >> 24) & 0xFu);
    d[D_IP3] = (d[D_IP3] & ~0xFu) | ((nj >> 28) & 0xFu);
    CHECK_OK(f->ops->rewrite_meta(f, idx));
    CHECK_OK(fst24_close(f));
}

static fst24_record find(fst24_file *f, const char *nomvar) {
    fst24_record crit, r;
    fst24_record_init(&r);
    fst24_record_init_criteria(&crit);
    fst24_record_set_string(&crit, "nomvar", nomvar);
    fst24_query *q = NULL;
    CHECK_OK(fst24_query_new(f, &crit, NULL, &q));
    CHECK(fst24_query_next(q, &r) == 1);
    fst24_query_free(q);
    return r;
}

static void expect_corrupt(fst24_file *f, const char *nomvar, int32_t ni, int32_t nj) {
    fst24_record r = find(f, nomvar);
    CHECK(r.ni == ni && r.nj == nj);
    fst24_elem_type t;
    size_t count = 0;
    CHECK(fst24_record_data_layout(&r, &t, &count) == FST24_E_CORRUPT);
    CHECK(strstr(fst24_last_error(), nomvar) && strstr(fst24_last_error(), "stored"));
    fst24_grid *g = NULL;
    CHECK(fst24_grid_from_record(f, &r, &g) == FST24_E_CORRUPT && g == NULL);
    float small[16];
    CHECK(fst24_read_data(&r, small, sizeof small, NULL) < 0);
}

static void test_backend(fst24_backend backend) {
    snprintf(path, sizeof path, "%s/hostile_headers_%d.fst", tu_tmpdir(), (int)backend);
    remove(path);
    fst24_open_options o = {.backend = backend};
    fst24_file *f = NULL;
    CHECK_OK(fst24_open(path, FST24_MODE_CREATE, &o, &f));
    if (!f) return;
    int32_t ig_n[4], ig_g[4] = {0, 0, 0, 0}, ig_z[4] = {1, 2, 3, 0}, ig_l[4];
    const float xg_n[4] = {10.0f, 12.0f, 50000.0f, 20.0f}, xg_l[4] = {0.0f, 0.0f, 1.0f, 1.0f};
    CHECK_OK(fst24_xg_to_ig('N', 1, xg_n, ig_n));
    CHECK_OK(fst24_xg_to_ig('L', 1, xg_l, ig_l));
    put(f, "NN", "N", 4, 5, 5, 32, ig_n, 0);         /* 0 */
    put(f, "GG", "G", 4, 8, 5, 32, ig_g, 0);         /* 1 */
    put(f, "ZZ", "Z", 4, 3, 5, 32, ig_z, 0);         /* 2 */
    int32_t none[4] = {0, 0, 0, 0};
    fst24_record ax;
    put(f, ">>", "L", 4, 1, 5, 32, ig_l, 1);         /* 3 */
    ax = find(f, ">>");
    ax.ip2 = 2;
    ax.ip3 = 3;
    CHECK_OK(fst24_write_payload(f, &ax, NULL, 0, FST24_REWRITE_META, NULL));
    put(f, "^^", "L", 1, 3, 5, 32, ig_l, 1);         /* 4 */
    ax = find(f, "^^");
    ax.ip2 = 2;
    ax.ip3 = 3;
    CHECK_OK(fst24_write_payload(f, &ax, NULL, 0, FST24_REWRITE_META, NULL));
    put(f, "CF", "N", 64, 48, 134, 12, ig_n, 0);     /* 5: compressed */
    put(f, "GL", "G", 1, 52490, 5, 32, none, 0);     /* 6: a stored Gaussian column of 52 490 rows */
    CHECK_OK(fst24_close(f));

    /* the grids are fine before the damage */
    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    fst24_record r = find(f, "ZZ");
    fst24_grid *g = NULL;
    CHECK_OK(fst24_grid_from_record(f, &r, &g));
    fst24_grid_free(g);
    /* 52 490 Gaussian rows: O(rows^2) roots, refused with the supported limit */
    r = find(f, "GL");
    CHECK(fst24_grid_from_record(f, &r, &g) == FST24_E_INVALID && strstr(fst24_last_error(), "16384"));
    CHECK(fst24_grid_new('G', 1, 16385, 0, 0, 0, 0, &g) == FST24_E_INVALID);
    CHECK(fst24_grid_new('G', 1, 8193, 1, 0, 0, 0, &g) == FST24_E_INVALID); /* a hemisphere of 16386 */
    CHECK(fst24_grid_new('L', (int32_t)1 << 27, 2, ig_l[0], ig_l[1], ig_l[2], ig_l[3], &g) == FST24_E_INVALID);
    CHECK_OK(fst24_close(f));

    damage(0, 20, 184549391);
    damage(1, 268435476, 10);
    damage(3, 1 << 30, 1);
    damage(5, 64 * 4096, 48 * 4096);
    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    if (!f) return;
    expect_corrupt(f, "NN", 20, 184549391);
    expect_corrupt(f, "GG", 268435476, 10);
    expect_corrupt(f, "CF", 64 * 4096, 48 * 4096);
    /* the Z grid's positional record is the damaged one */
    r = find(f, "ZZ");
    CHECK(fst24_grid_from_record(f, &r, &g) < 0 && g == NULL);
    CHECK(fst24_last_status() == FST24_E_CORRUPT || fst24_last_status() == FST24_E_NO_RECORD);
    fst24_record x = find(f, ">>");
    CHECK(fst24_record_data_layout(&x, NULL, NULL) == FST24_E_CORRUPT);
    CHECK_OK(fst24_close(f));

    /* a writer cannot store a header that its payload does not hold */
    CHECK_OK(fst24_open(path, FST24_MODE_UPDATE, NULL, &f));
    fst24_record w;
    fst24_record_init(&w);
    fst24_record_set_string(&w, "nomvar", "BAD");
    w.ni = 20;
    w.nj = 8000000;
    w.data_type = 5;
    w.pack_bits = 32;
    uint32_t words[100] = {0};
    CHECK(fst24_write_payload(f, &w, words, 100, FST24_REWRITE_NO, NULL) == FST24_E_INVALID);
    CHECK(strstr(fst24_last_error(), "BAD") && strstr(fst24_last_error(), "stored"));
    w.ni = 10;
    w.nj = 10;
    CHECK_OK(fst24_write_payload(f, &w, words, 100, FST24_REWRITE_NO, NULL));
    CHECK_OK(fst24_close(f));
    remove(path);
}

int main(void) {
    test_backend(FST24_BACKEND_XDF);
    test_backend(FST24_BACKEND_RSF);
    return tu_finish();
}
