/* The metadata index (include/fst24/index.h): columns of files written here
 * (XDF and RSF), grid ids and vcodes, threads, errors, the Arrow export
 * (children moved and released on their own, the index freed first), records
 * by key, and the reference model file against librmn's dump. */
#include <math.h>

#include "fst24/index.h"
#include "testutil.h"

/* ---- fixtures ------------------------------------------------------------ */

static void put(fst24_file *f, const char *nomvar, char grtyp, int ni, int nj, int32_t ip1, int32_t ip2, int32_t ip3,
                const int32_t ig[4], int data_type, int pack_bits, int32_t dateo, int32_t npas, const void *data,
                fst24_elem_type et) {
    fst24_record r;
    fst24_record_init(&r);
    fst24_record_set_string(&r, "nomvar", nomvar);
    fst24_record_set_string(&r, "typvar", nomvar[0] == '>' || nomvar[0] == '^' || nomvar[0] == '!' ? "X" : "P");
    r.grtyp[0] = grtyp;
    r.ni = ni;
    r.nj = nj;
    r.ip1 = ip1;
    r.ip2 = ip2;
    r.ip3 = ip3;
    r.ig1 = ig[0];
    r.ig2 = ig[1];
    r.ig3 = ig[2];
    r.ig4 = ig[3];
    r.data_type = data_type;
    r.pack_bits = pack_bits;
    r.dateo = dateo;
    r.deet = 300;
    r.npas = npas;
    CHECK_OK(fst24_write(f, &r, data, et, FST24_REWRITE_NO, NULL));
}

enum { NI = 6, NJ = 4 };

/* Z grid (>> ^^ tagged 1001/1002/0 on an E reference), a !! (5005), TT on 3
 * hybrid levels, UU on 2 pressure levels, ME on an L grid, one deleted record. */
static void write_model(const char *path, fst24_backend backend, float shift) {
    fst24_open_options o = {0};
    o.backend = backend;
    fst24_file *f = NULL;
    CHECK_OK(fst24_open(path, FST24_MODE_CREATE, &o, &f));
    if (!f) return;
    float ax[NI], ay[NJ], field[NI * NJ];
    for (int i = 0; i < NI; i++) ax[i] = 10.0f + 2.0f * (float)i + shift;
    for (int j = 0; j < NJ; j++) ay[j] = (float)j - 2.0f;
    for (int k = 0; k < NI * NJ; k++) field[k] = 270.0f + (float)k;
    int32_t e_ig[4], l_ig[4], z_ig[4] = {1001, 1002, 0, 0}, none[4] = {5005, 0, 0, 0};
    float e_xg[4] = {45, 260, 45, 300}, l_xg[4] = {40, 250, 0.5f, 0.5f};
    CHECK_OK(fst24_xg_to_ig('E', 1, e_xg, e_ig));
    CHECK_OK(fst24_xg_to_ig('L', 1, l_xg, l_ig));
    int32_t dateo = 0;
    CHECK_OK(fst24_iso_to_stamp("2024-01-15T12:00:00Z", 0, &dateo));
    put(f, ">>", 'E', NI, 1, 1001, 1002, 0, e_ig, 5, 32, dateo, 0, ax, FST24_ELEM_F32);
    put(f, "^^", 'E', 1, NJ, 1001, 1002, 0, e_ig, 5, 32, dateo, 0, ay, FST24_ELEM_F32);
    double table[15];
    for (int k = 0; k < 15; k++) table[k] = k;
    put(f, "!!", 'X', 3, 5, 1001, 1002, 0, none, 5, 64, 0, 0, table, FST24_ELEM_F64);
    const float hyb[3] = {0.5f, 0.9f, 1.0f}, pres[2] = {500, 850};
    for (int l = 0; l < 3; l++) {
        int32_t ip1;
        CHECK_OK(fst24_ip_encode(hyb[l], 5, FST24_IP_NEW, &ip1));
        put(f, "TT", 'Z', NI, NJ, ip1, 6, 0, z_ig, 1, 16, dateo, 72, field, FST24_ELEM_F32);
    }
    for (int l = 0; l < 2; l++) {
        int32_t ip1;
        CHECK_OK(fst24_ip_encode(pres[l], 2, FST24_IP_NEW, &ip1));
        put(f, "UU", 'Z', NI, NJ, ip1, 6, 0, z_ig, 5, 32, dateo, 72, field, FST24_ELEM_F32);
    }
    put(f, "ME", 'L', NI, NJ, 0, 0, 0, l_ig, 5, 32, dateo, 0, field, FST24_ELEM_F32);
    /* a deleted record leaves no row */
    fst24_record gone;
    put(f, "XX", 'L', NI, NJ, 0, 0, 0, l_ig, 5, 32, dateo, 0, field, FST24_ELEM_F32);
    fst24_record crit;
    fst24_record_init_criteria(&crit);
    fst24_record_set_string(&crit, "nomvar", "XX");
    fst24_query *q = NULL;
    CHECK_OK(fst24_query_new(f, &crit, NULL, &q));
    CHECK(fst24_query_next(q, &gone) == 1);
    fst24_query_free(q);
    CHECK_OK(fst24_delete(f, &gone));
    CHECK_OK(fst24_close(f));
}

enum { ROWS = 9 }; /* >> ^^ !! TT*3 UU*2 ME */

/* ---- helpers ----------------------------------------------------------------- */

static fst24_index_column col(fst24_index *ix, fst24_index_column_id id) {
    fst24_index_column c;
    memset(&c, 0, sizeof c);
    CHECK_OK(fst24_index_get_column(ix, id, &c));
    return c;
}

static int str_eq(const fst24_index_column *c, int64_t r, const char *s) {
    if (c->type == FST24_CT_FIXED_TEXT) { /* width bytes, NUL-padded */
        const char *v = (const char *)c->values + (size_t)r * (size_t)c->width;
        size_t n = strlen(s);
        return n <= (size_t)c->width && !memcmp(v, s, n) && (n == (size_t)c->width || v[n] == '\0');
    }
    int32_t a = c->offsets[r], b = c->offsets[r + 1];
    return (size_t)(b - a) == strlen(s) && !memcmp((const char *)c->values + a, s, (size_t)(b - a));
}

static int is_null(const fst24_index_column *c, int64_t r) { return c->validity && !fst24_index_bit(c->validity, r); }

/* ---- tests ---------------------------------------------------------------------- */

static void test_columns_of_one_file(const char *path) {
    fst24_index *ix = NULL;
    CHECK_OK(fst24_index_new(NULL, &ix));
    CHECK_OK(fst24_index_add_paths(ix, &path, 1, 0));
    CHECK(fst24_index_num_rows(ix) == ROWS);
    CHECK(fst24_index_num_files(ix) == 1 && !strcmp(fst24_index_file_path(ix, 0), path));
    CHECK(fst24_index_file_rows(ix, 0) == ROWS && fst24_index_file_rows(ix, 1) < 0);
    fst24_index_column nomvar = col(ix, FST24_COL_NOMVAR), grid = col(ix, FST24_COL_GRID_ID),
                       vcode = col(ix, FST24_COL_VCODE), level = col(ix, FST24_COL_LEVEL),
                       kind = col(ix, FST24_COL_LEVEL_KIND), unit = col(ix, FST24_COL_LEVEL_UNIT),
                       desc = col(ix, FST24_COL_IS_DESCRIPTOR), name = col(ix, FST24_COL_DATA_TYPE_NAME),
                       vt = col(ix, FST24_COL_DATEV_TIME), fp = col(ix, FST24_COL_FORECAST_PERIOD),
                       key = col(ix, FST24_COL_KEY), pathc = col(ix, FST24_COL_PATH);
    CHECK(nomvar.type == FST24_CT_FIXED_TEXT && nomvar.width == 4 && grid.type == FST24_CT_INT64 &&
          desc.type == FST24_CT_BOOL);
    fst24_index_column etiket = col(ix, FST24_COL_ETIKET), typvar = col(ix, FST24_COL_TYPVAR),
                       grtyp = col(ix, FST24_COL_GRTYP);
    CHECK(etiket.width == 12 && typvar.width == 2 && grtyp.width == 1 && unit.type == FST24_CT_UTF8 && unit.width == 0);
    /* every fixed-text value is NUL-padded: no blank before the padding */
    for (int64_t r = 0; r < ROWS; r++) {
        const char *e = (const char *)etiket.values + 12 * r;
        size_t n = strnlen(e, 12);
        CHECK(n == 0 || e[n - 1] != ' ');
        for (size_t i = n; i < 12; i++) CHECK(e[i] == '\0');
    }
    CHECK(str_eq(&nomvar, 0, ">>") && str_eq(&nomvar, 2, "!!") && str_eq(&nomvar, 3, "TT") && str_eq(&nomvar, 8, "ME"));
    const int64_t *g = grid.values;
    CHECK(g[0] == g[1] && g[0] == g[3] && g[0] == g[7] && g[0] >= 0);
    CHECK(is_null(&grid, 2) && grid.null_count == 1);
    CHECK(!is_null(&grid, 8) && g[8] != g[0]);
    const int32_t *v = vcode.values;
    CHECK(v[2] == 5005 && v[3] == 5005 && v[5] == 5005);
    CHECK(is_null(&vcode, 6) && is_null(&vcode, 7) && is_null(&vcode, 0) && is_null(&vcode, 8));
    const double *lv = level.values;
    const int8_t *kd = kind.values;
    CHECK(lv[3] == 0.5 && lv[4] == (double)0.9f && kd[3] == 5 && lv[6] == 500.0 && kd[6] == 2);
    CHECK(str_eq(&unit, 6, "hPa") && str_eq(&unit, 3, ""));
    /* descriptor tags decode as whatever code they are (1001: old-style 1001 mb) */
    CHECK(kd[0] == 2 && lv[0] == 1001.0 && level.null_count == 0 && level.validity == NULL);
    CHECK(fst24_index_bit(desc.values, 0) && fst24_index_bit(desc.values, 2) && !fst24_index_bit(desc.values, 3));
    CHECK(str_eq(&name, 3, "R16") && str_eq(&name, 2, "E64") && str_eq(&name, 8, "E32"));
    /* TT at 2024-01-15 12Z + 72 steps of 300 s = 18Z */
    int32_t stamp;
    int64_t secs;
    CHECK_OK(fst24_iso_to_stamp("2024-01-15T18:00:00Z", 0, &stamp));
    CHECK_OK(fst24_stamp_to_epoch(stamp, &secs));
    CHECK(((const int64_t *)vt.values)[3] == secs * 1000000);
    CHECK(is_null(&vt, 2)); /* the !! has no date */
    CHECK(((const int64_t *)fp.values)[3] == 72LL * 300 * 1000000);
    CHECK(pathc.type == FST24_CT_DICT_UTF8 && pathc.dict_length == 1 && ((const int32_t *)pathc.values)[8] == 0);
    /* keys are those of the records */
    fst24_file *f = NULL;
    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    for (int64_t r = 0; f && r < ROWS; r++) {
        fst24_record rec;
        CHECK_OK(fst24_get_record(f, r, &rec));
        CHECK(rec.key == ((const int64_t *)key.values)[r]);
    }
    fst24_close(f);
    /* frozen: nothing more can be added */
    CHECK(fst24_index_add_paths(ix, &path, 1, 0) == FST24_E_INVALID);
    CHECK(fst24_index_memory(ix) > 0);
    fst24_index_free(ix);
}

/* The same columns whatever the number of threads; ids equal across backends. */
static void test_many_files(char paths[][512], int n) {
    const char *list[16];
    for (int i = 0; i < 3 * n; i++) list[i] = paths[i % n];
    fst24_index *a = NULL, *b = NULL;
    fst24_index_options o1 = {.threads = 1}, o2 = {.threads = 2};
    CHECK_OK(fst24_index_new(&o1, &a));
    CHECK_OK(fst24_index_new(&o2, &b));
    CHECK_OK(fst24_index_add_paths(a, list, 3 * n, 0));
    CHECK_OK(fst24_index_add_paths(b, list, 2 * n, 0));
    CHECK_OK(fst24_index_add_paths(b, list + 2 * n, n, 0)); /* in two calls */
    CHECK(fst24_index_num_rows(a) == 3 * n * ROWS && fst24_index_num_rows(b) == 3 * n * ROWS);
    for (int id = 0; id < FST24_COL_EXT_META; id++) {
        fst24_index_column x = col(a, (fst24_index_column_id)id), y = col(b, (fst24_index_column_id)id);
        CHECK(x.null_count == y.null_count);
        int64_t rows = x.length;
        if (x.type == FST24_CT_FIXED_TEXT) {
            CHECK(x.width == y.width && x.width > 0);
            CHECK(!memcmp(x.values, y.values, (size_t)rows * (size_t)x.width));
        } else if (x.type == FST24_CT_UTF8) {
            CHECK(!memcmp(x.offsets, y.offsets, (size_t)(rows + 1) * 4));
            CHECK(!memcmp(x.values, y.values, (size_t)x.offsets[rows]));
        } else if (x.type == FST24_CT_BOOL) {
            for (int64_t r = 0; r < rows; r++) CHECK(fst24_index_bit(x.values, r) == fst24_index_bit(y.values, r));
        } else {
            size_t w = x.type == FST24_CT_INT8 || x.type == FST24_CT_UINT8        ? 1
                       : x.type == FST24_CT_INT32 || x.type == FST24_CT_DICT_UTF8 ? 4
                                                                                  : 8;
            CHECK(!memcmp(x.values, y.values, (size_t)rows * w));
        }
        if (x.validity)
            for (int64_t r = 0; r < rows; r++) CHECK(fst24_index_bit(x.validity, r) == fst24_index_bit(y.validity, r));
    }
    /* paths[0] (XDF) and paths[1] (RSF) hold the same grids; paths[2] shifted axes */
    fst24_index_column g = col(a, FST24_COL_GRID_ID), p = col(a, FST24_COL_PATH);
    const int64_t *ids = g.values;
    CHECK(ids[3] == ids[ROWS + 3] && ids[8] == ids[ROWS + 8]);
    CHECK(ids[3] != ids[2 * ROWS + 3] && ids[8] == ids[2 * ROWS + 8]);
    /* each file is listed three times: the dictionary holds its path once */
    const int32_t *codes = p.values;
    CHECK(p.dict_length == n && codes[ROWS] == 1 && codes[n * ROWS] == 0 && codes[(n + 1) * ROWS] == 1);
    CHECK(fst24_index_num_files(a) == 3 * n && !strcmp(fst24_index_file_path(a, n), paths[0]));
    fst24_index_free(a);
    fst24_index_free(b);
}

static void test_errors(const char *good, const char *tmp) {
    char missing[512], text[512];
    snprintf(missing, sizeof missing, "%s/index_missing.fst", tmp);
    snprintf(text, sizeof text, "%s/index_notes.txt", tmp);
    CHECK(tu_write_file(text, "not an FST file", 15) == 0);
    fst24_index *ix = NULL;
    CHECK_OK(fst24_index_new(NULL, &ix));
    const char *list[3] = {good, missing, good};
    CHECK(fst24_index_add_paths(ix, list, 3, 0) == FST24_E_NOT_FOUND);
    CHECK(strstr(fst24_last_error(), "index_missing.fst") != NULL);
    CHECK(fst24_index_num_rows(ix) == 0); /* nothing of a failed call stays */
    const char *list2[2] = {good, text};
    CHECK(fst24_index_add_paths(ix, list2, 2, 0) == FST24_E_NOT_FST);
    CHECK_OK(fst24_index_add_paths(ix, list2, 2, FST24_INDEX_SKIP_NOT_FST));
    CHECK(fst24_index_num_rows(ix) == ROWS && fst24_index_num_files(ix) == 1 && fst24_index_num_skipped(ix) == 0);
    fst24_index_free(ix);

    fst24_index_options o = {.skip_errors = 1};
    CHECK_OK(fst24_index_new(&o, &ix));
    CHECK_OK(fst24_index_add_paths(ix, list, 3, 0));
    CHECK(fst24_index_num_rows(ix) == 2 * ROWS && fst24_index_num_skipped(ix) == 1);
    const char *sp = NULL, *msg = NULL;
    int st = 0;
    CHECK_OK(fst24_index_skipped(ix, 0, &sp, &st, &msg));
    CHECK(sp && !strcmp(sp, missing) && st == FST24_E_NOT_FOUND && msg && strstr(msg, "index_missing.fst"));
    fst24_index_column c;
    CHECK(fst24_index_get_column(ix, FST24_COL_EXT_META, &c) == FST24_E_INVALID); /* not requested */
    fst24_index_free(ix);

    fst24_index_options bad = {.columns = (uint64_t)1 << 60};
    CHECK(fst24_index_new(&bad, &ix) == FST24_E_INVALID && ix == NULL);
    CHECK(fst24_index_column_id_of("grid_id") == FST24_COL_GRID_ID && fst24_index_column_id_of("nope") == -1);
    CHECK(!strcmp(fst24_index_column_name(FST24_COL_DATEV_TIME), "datev_time") && !fst24_index_column_name(99));
}

static void test_column_subset(const char *path) {
    fst24_index_options o = {.columns = FST24_INDEX_COLUMN(FST24_COL_NOMVAR) | FST24_INDEX_COLUMN(FST24_COL_VCODE) |
                                        FST24_INDEX_COLUMN(FST24_COL_EXT_META)};
    fst24_index *ix = NULL;
    CHECK_OK(fst24_index_new(&o, &ix));
    fst24_file *f = NULL;
    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    CHECK_OK(fst24_index_add_file(ix, f)); /* an open file */
    fst24_close(f);
    fst24_index_column c;
    CHECK(fst24_index_get_column(ix, FST24_COL_IP1, &c) == FST24_E_INVALID);
    fst24_index_column v = col(ix, FST24_COL_VCODE), m = col(ix, FST24_COL_EXT_META);
    CHECK(((const int32_t *)v.values)[3] == 5005 && m.null_count == ROWS);
    struct ArrowSchema s;
    struct ArrowArray a;
    CHECK_OK(fst24_index_export(ix, 0, &s, &a));
    CHECK(s.n_children == 3 && !strcmp(s.children[0]->name, "nomvar") && !strcmp(s.children[2]->name, "ext_meta"));
    CHECK(a.n_children == 3 && a.children[2]->null_count == ROWS);
    s.release(&s);
    a.release(&a);
    fst24_index_free(ix);
}

static void test_arrow_export(const char *path) {
    fst24_index *ix = NULL;
    CHECK_OK(fst24_index_new(NULL, &ix));
    CHECK_OK(fst24_index_add_paths(ix, &path, 1, 0));
    struct ArrowSchema s;
    struct ArrowArray a;
    CHECK_OK(fst24_index_export(ix, 0, &s, &a));
    fst24_index_free(ix); /* the export keeps the data */
    CHECK(!strcmp(s.format, "+s") && s.n_children == FST24_COL_EXT_META && a.n_children == s.n_children);
    CHECK(a.length == ROWS && a.n_buffers == 1 && a.buffers[0] == NULL);
    const struct {
        int id;
        const char *format;
    } formats[] = {{FST24_COL_PATH, "i"},
                   {FST24_COL_KEY, "l"},
                   {FST24_COL_NOMVAR, "u"},
                   {FST24_COL_DATA_TYPE, "C"},
                   {FST24_COL_LEVEL, "g"},
                   {FST24_COL_LEVEL_KIND, "c"},
                   {FST24_COL_DATEV_TIME, "tsu:UTC"},
                   {FST24_COL_FORECAST_PERIOD, "tDu"},
                   {FST24_COL_COMPRESSED, "b"},
                   {FST24_COL_VCODE, "i"}};
    for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++) {
        struct ArrowSchema *c = s.children[formats[k].id];
        CHECK(!strcmp(c->format, formats[k].format) && !strcmp(c->name, fst24_index_column_name(formats[k].id)));
        CHECK(c->flags & ARROW_FLAG_NULLABLE);
    }
    CHECK(s.children[FST24_COL_PATH]->dictionary && !strcmp(s.children[FST24_COL_PATH]->dictionary->format, "u"));
    struct ArrowArray *pathc = a.children[FST24_COL_PATH];
    CHECK(pathc->dictionary && pathc->dictionary->length == 1 && pathc->dictionary->n_buffers == 3);
    const int32_t *doff = pathc->dictionary->buffers[1];
    CHECK((size_t)doff[1] == strlen(path) && !memcmp(pathc->dictionary->buffers[2], path, strlen(path)));
    struct ArrowArray *nom = a.children[FST24_COL_NOMVAR];
    CHECK(nom->n_buffers == 3 && nom->buffers[0] == NULL && nom->length == ROWS);
    /* fixed-text columns are exported as utf8 built for the export */
    const int32_t *noff = nom->buffers[1];
    const char *nch = nom->buffers[2];
    CHECK(noff[0] == 0 && noff[1] == 2 && !memcmp(nch, ">>", 2));
    CHECK(noff[4] - noff[3] == 2 && !memcmp(nch + noff[3], "TT", 2));
    struct ArrowArray *vt = a.children[FST24_COL_DATEV_TIME];
    CHECK(vt->null_count == 1 && vt->buffers[0] != NULL); /* the !! has no date */
    /* A consumer may move a child out and release the parent first. */
    struct ArrowArray moved = *a.children[FST24_COL_GRID_ID];
    a.children[FST24_COL_GRID_ID]->release = NULL;
    struct ArrowSchema moved_schema = *s.children[FST24_COL_GRID_ID];
    s.children[FST24_COL_GRID_ID]->release = NULL;
    a.release(&a);
    s.release(&s);
    CHECK(a.release == NULL && s.release == NULL);
    CHECK(moved.length == ROWS && ((const int64_t *)moved.buffers[1])[0] == ((const int64_t *)moved.buffers[1])[3]);
    moved.release(&moved);
    moved_schema.release(&moved_schema);

    /* String views: the short text columns as "vu", values inline. */
    CHECK_OK(fst24_index_new(NULL, &ix));
    CHECK_OK(fst24_index_add_paths(ix, &path, 1, 0));
    CHECK(fst24_index_export(ix, 7, &s, &a) == FST24_E_INVALID);
    CHECK_OK(fst24_index_export(ix, FST24_ARROW_STRING_VIEW, &s, &a));
    fst24_index_free(ix);
    CHECK(!strcmp(s.children[FST24_COL_ETIKET]->format, "vu") && !strcmp(s.children[FST24_COL_PATH]->format, "i"));
    struct ArrowArray *ev = a.children[FST24_COL_NOMVAR];
    CHECK(ev->n_buffers == 3 && ev->buffers[2] != NULL);
    const uint8_t *view = (const uint8_t *)ev->buffers[1] + 16 * 3; /* row 3: TT */
    int32_t vlen;
    memcpy(&vlen, view, 4);
    CHECK(vlen == 2 && !memcmp(view + 4, "TT\0\0", 4));
    s.release(&s);
    a.release(&a);

    /* The stream: a schema, one batch, then the end. */
    CHECK_OK(fst24_index_new(NULL, &ix));
    CHECK_OK(fst24_index_add_paths(ix, &path, 1, 0));
    struct ArrowArrayStream st;
    CHECK_OK(fst24_index_export_stream(ix, 0, &st));
    fst24_index_free(ix);
    struct ArrowSchema ss;
    struct ArrowArray batch, end;
    CHECK(st.get_schema(&st, &ss) == 0 && ss.n_children == FST24_COL_EXT_META);
    CHECK(st.get_next(&st, &batch) == 0 && batch.release && batch.length == ROWS);
    CHECK(st.get_next(&st, &end) == 0 && end.release == NULL);
    CHECK(st.get_last_error(&st) == NULL);
    st.release(&st);
    batch.release(&batch); /* after the stream: still valid */
    ss.release(&ss);

    /* An empty index streams no batch. */
    CHECK_OK(fst24_index_new(NULL, &ix));
    CHECK_OK(fst24_index_export_stream(ix, 0, &st));
    CHECK(st.get_next(&st, &end) == 0 && end.release == NULL);
    st.release(&st);
    fst24_index_free(ix);
}

/* Two threads export a fresh index at once: one merges, both get every row. */
static void *export_worker(void *arg) {
    fst24_index *ix = arg;
    struct ArrowArrayStream st;
    struct ArrowArray batch;
    if (fst24_index_export_stream(ix, FST24_ARROW_STRING_VIEW, &st) != FST24_OK) return (void *)1;
    int bad = st.get_next(&st, &batch) != 0 || !batch.release || batch.length != ROWS * 3;
    if (batch.release) batch.release(&batch);
    st.release(&st);
    return bad ? (void *)1 : NULL;
}

static void test_concurrent_exports(char paths[][512]) {
    const char *list[3] = {paths[0], paths[1], paths[2]};
    for (int round = 0; round < 20; round++) {
        fst24_index *ix = NULL;
        CHECK_OK(fst24_index_new(NULL, &ix));
        CHECK_OK(fst24_index_add_paths(ix, list, 3, 0));
        pthread_t t[2];
        void *res[2] = {NULL, NULL};
        for (int k = 0; k < 2; k++) pthread_create(&t[k], NULL, export_worker, ix);
        for (int k = 0; k < 2; k++) pthread_join(t[k], &res[k]);
        CHECK(res[0] == NULL && res[1] == NULL);
        fst24_index_free(ix);
    }
}

static void test_records_by_key(const char *path) {
    fst24_file *f = NULL;
    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    if (!f) return;
    fst24_record all[ROWS], got[ROWS];
    int64_t keys[ROWS];
    for (int i = 0; i < ROWS; i++) CHECK_OK(fst24_get_record(f, i, &all[i]));
    for (int i = 0; i < ROWS; i++) keys[i] = all[(i * 5) % ROWS].key; /* shuffled */
    CHECK_OK(fst24_get_records_by_key(f, keys, ROWS, got));
    for (int i = 0; i < ROWS; i++) {
        const fst24_record *w = &all[(i * 5) % ROWS];
        CHECK(got[i].key == w->key && got[i].file_offset == w->file_offset && !strcmp(got[i].nomvar, w->nomvar));
    }
    keys[4] = 987654321;
    CHECK(fst24_get_records_by_key(f, keys, ROWS, got) == FST24_E_NO_RECORD);
    CHECK(strstr(fst24_last_error(), "987654321") != NULL);
    CHECK(fst24_get_records_by_key(f, keys, 0, got) == FST24_OK);
    fst24_close(f);
}

/* Every row of the reference model file against librmn's dump. */
static void test_corpus_model(void) {
    char path[512], dump[600];
    snprintf(path, sizeof path, "%s/ref/model.xdf.fst", tu_corpus());
    snprintf(dump, sizeof dump, "%s.jsonl", path);
    size_t n = 0;
    char *text = (char *)tu_slurp(dump, &n);
    if (!text) {
        printf("skipped: corpus not found (%s)\n", dump);
        return;
    }
    text = realloc(text, n + 1);
    text[n] = 0;
    const char *p = path;
    fst24_index *ix = NULL;
    CHECK_OK(fst24_index_new(NULL, &ix));
    CHECK_OK(fst24_index_add_paths(ix, &p, 1, 0));
    fst24_index_column key = col(ix, FST24_COL_KEY), ip1 = col(ix, FST24_COL_IP1), lev = col(ix, FST24_COL_LEVEL),
                       kind = col(ix, FST24_COL_LEVEL_KIND), datev = col(ix, FST24_COL_DATEV);
    int64_t row = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strstr(line, "\"kind\":\"record\"")) continue;
        CHECK(row < key.length);
        if (row >= key.length) break;
        CHECK(((const int64_t *)key.values)[row] == tu_jint(line, "key", -1));
        CHECK(((const int32_t *)ip1.values)[row] == tu_jint(line, "ip1", -1));
        CHECK(((const int32_t *)datev.values)[row] == tu_jint(line, "datev", -1));
        const char *dec = strstr(line, "\"ip1_dec\":{\"value\":");
        CHECK(dec != NULL);
        if (dec) {
            double value = strtod(dec + strlen("\"ip1_dec\":{\"value\":"), NULL);
            long k = tu_jint(dec, "kind", -99);
            CHECK(((const int8_t *)kind.values)[row] == k);
            if (k >= 0 && fst24_ip_kind_is_level((int)k))
                CHECK(!is_null(&lev, row) && (float)((const double *)lev.values)[row] == (float)value);
            else
                CHECK(is_null(&lev, row));
        }
        row++;
    }
    CHECK(row == key.length && row == 508);
    free(text);
    fst24_index_free(ix);
}

int main(void) {
    char paths[3][512];
    snprintf(paths[0], sizeof paths[0], "%s/index_model.xdf.fst", tu_tmpdir());
    snprintf(paths[1], sizeof paths[1], "%s/index_model.rsf.fst", tu_tmpdir());
    snprintf(paths[2], sizeof paths[2], "%s/index_shifted.fst", tu_tmpdir());
    write_model(paths[0], FST24_BACKEND_XDF, 0.0f);
    write_model(paths[1], FST24_BACKEND_RSF, 0.0f);
    write_model(paths[2], FST24_BACKEND_XDF, 0.5f);
    test_columns_of_one_file(paths[0]);
    test_columns_of_one_file(paths[1]);
    test_many_files(paths, 3);
    test_errors(paths[0], tu_tmpdir());
    test_column_subset(paths[1]);
    test_arrow_export(paths[0]);
    test_concurrent_exports(paths);
    test_records_by_key(paths[0]);
    test_records_by_key(paths[1]);
    test_corpus_model();
    return tu_finish();
}
