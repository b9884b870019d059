/* Grids of records in real and reference files: every data (and implied)
 * grid listed in ref/latlon/<file>.jsonl is rebuilt from its header through
 * fst24_grid_from_record (positional records read from the file) and its
 * lat/lon compared with librmn's gdll output (<= 1e-4 deg). RSF twins of the
 * reference files are checked against the same XDF references. Also the
 * grid cache and the CF description of the model grid. */
#include <dirent.h>
#include "test_grid_util.h"

static int file_path(const char *name, char *out, size_t n)
{
    if (!strncmp(name, "ECCC", 4)) snprintf(out, n, "%s/real/%s", tu_corpus(), name);
    else if (!strncmp(name, "synth_", 6)) snprintf(out, n, "%s/ref/latlon/%s", tu_corpus(), name);
    else snprintf(out, n, "%s/ref/%s", tu_corpus(), name);
    return 0;
}

static int compared, refused, unreferenced;

/* Values of the positional `nomvar` with tags (ig1, ig2, ig3) and `n` values
 * along its long side, as doubles (NULL if absent). */
static double *positional(fst24_file *f, const char *nomvar, const fst24_record *d, int32_t n)
{
    fst24_record c, r;
    fst24_record_init_criteria(&c);
    fst24_record_set_string(&c, "nomvar", nomvar);
    c.ip1 = d->ig1;
    c.ip2 = d->ig2;
    c.ip3 = d->ig3;
    fst24_query *q = NULL;
    double *v = NULL;
    if (fst24_query_new(f, &c, NULL, &q)) return NULL;
    while (!v && fst24_query_next(q, &r) == 1) {
        if (r.ni * r.nj != n) continue;
        v = malloc((size_t)n * sizeof(double));
        fst24_read_options o = {0};
        o.type = FST24_ELEM_F64;
        if (fst24_read_data(&r, v, (size_t)n * sizeof(double), &o)) {
            free(v);
            v = NULL;
        }
    }
    fst24_query_free(q);
    return v;
}

static void check_line(const char *line, const char *fname, fst24_file *f)
{
    char role[32] = "", t[4] = "";
    double v, rc = 0;
    tu_jstr(line, "role", role, sizeof role);
    tu_jstr(line, "grtyp", t, sizeof t);
    if (strcmp(role, "data") && strcmp(role, "implied")) return;
    fst24_record r;
    fst24_record_init(&r);
    fst24_record_set_string(&r, "nomvar", "TEST");
    fst24_record_set_string(&r, "grtyp", t);
    jnum(line, "ni", &v); r.ni = (int32_t)v;
    jnum(line, "nj", &v); r.nj = (int32_t)v;
    jnum(line, "ig1", &v); r.ig1 = (int32_t)v;
    jnum(line, "ig2", &v); r.ig2 = (int32_t)v;
    jnum(line, "ig3", &v); r.ig3 = (int32_t)v;
    jnum(line, "ig4", &v); r.ig4 = (int32_t)v;
    const int has_rc = jnum(line, "gdll_rc", &rc);
    double gi = -1;
    jnum(line, "grid_index", &gi);
    fst24_grid *g = NULL;
    int st = fst24_grid_from_record(f, &r, &g);
    const size_t n = (size_t)r.ni * r.nj;
    double *lat = malloc(n * sizeof(double)), *lon = malloc(n * sizeof(double));
    if (!st) st = fst24_grid_latlon(g, lat, lon);
    if (!has_rc) {
        /* librmn crashed on this grid (see latlon/README.md): we must still build it */
        CHECK(st == 0, "%s grid %g (%c %dx%d, no librmn reference): %s", fname, gi, t[0], (int)r.ni, (int)r.nj, fst24_last_error());
        /* Z on L (lat0 = lon0 = 0, steps 1): lat = ^^ of nj values, lon = >> of ni values */
        double *ax = positional(f, ">>", &r, r.ni), *ay = positional(f, "^^", &r, r.nj);
        double err = (ax && ay && !st) ? 0 : 1e9;
        for (int32_t j = 0; ax && ay && !st && j < r.nj; j++)
            for (int32_t i = 0; i < r.ni; i++) {
                err = fmax(err, fabs(lat[(size_t)j * r.ni + i] - ay[j]));
                err = fmax(err, lon_diff(lon[(size_t)j * r.ni + i], ax[i]));
            }
        CHECK(err < 1e-5, "%s grid %g: coordinates are the >> / ^^ of its own size (error %g)", fname, gi, err);
        free(ax);
        free(ay);
        unreferenced++;
    } else if (rc != 0) {
        CHECK(st == FST24_E_UNSUPPORTED, "%s grid %g: librmn refuses (rc %g), we gave %d", fname, gi, rc, st);
        refused++;
    } else {
        double err = st ? 1e9 : compare_latlon(line, lat, lon, n);
        CHECK(st == 0 && err >= 0 && err <= 1e-4, "%s grid %g (%c %dx%d ig %d %d %d %d): max error %g deg, st %d %s",
              fname, gi, t[0], (int)r.ni, (int)r.nj, (int)r.ig1, (int)r.ig2, (int)r.ig3, (int)r.ig4, err, st,
              st ? fst24_last_error() : "");
        compared++;
    }
    free(lat);
    free(lon);
    fst24_grid_free(g);
}

static void check_file(const char *jsonl, const char *fname)
{
    char path[1024];
    file_path(fname, path, sizeof path);
    FILE *jf = fopen(jsonl, "r");
    if (!jf) return;
    char *line = read_line(jf);
    if (line && tu_jfield(line, "error") && !tu_jfield(line, "grid_index")) { /* librmn could not open it */
        free(line);
        fclose(jf);
        return;
    }
    fst24_file *f = NULL;
    int st = fst24_open(path, FST24_MODE_READ, NULL, &f);
    CHECK(st == 0, "open %s: %s", path, fst24_last_error());
    if (st) {
        free(line);
        fclose(jf);
        return;
    }
    while (line) {
        check_line(line, fname, f);
        free(line);
        line = read_line(jf);
    }
    fclose(jf);
    fst24_close(f);
}

static void test_all_references(void)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/ref/latlon", tu_corpus());
    DIR *d = opendir(dir);
    CHECK(d != NULL, "open %s", dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        const size_t L = strlen(e->d_name);
        if (L < 7 || strcmp(e->d_name + L - 6, ".jsonl") || !strcmp(e->d_name, "synthetic.jsonl")) continue;
        char jsonl[1400], fname[300];
        snprintf(jsonl, sizeof jsonl, "%s/%s", dir, e->d_name);
        snprintf(fname, sizeof fname, "%.*s", (int)(L - 6), e->d_name);
        check_file(jsonl, fname);
        /* the RSF twin of a reference file holds the same records */
        char *x = strstr(fname, ".xdf.fst");
        if (x) {
            memcpy(x, ".rsf", 4);
            check_file(jsonl, fname);
        }
    }
    closedir(d);
    CHECK(compared >= 55, "grids compared with librmn: %d", compared);
    CHECK(refused >= 1, "grids librmn refuses that we refuse too: %d", refused);
    CHECK(unreferenced >= 1, "grid librmn crashes on, built here: %d", unreferenced);
    printf("compared %d grids, %d refused like librmn, %d without reference\n", compared, refused, unreferenced);
}

/* The model grid: rotated Z on E; cache returns one object per grid; CF. */
static void test_model_grid(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/ref/model.xdf.fst", tu_corpus());
    fst24_file *f = NULL;
    int st = fst24_open(path, FST24_MODE_READ, NULL, &f);
    CHECK(st == 0, "open model: %s", fst24_last_error());
    if (st) return;
    fst24_record crit, a, b;
    fst24_record_init_criteria(&crit);
    fst24_record_set_string(&crit, "nomvar", "TT");
    fst24_query *q = NULL;
    st = fst24_query_new(f, &crit, NULL, &q);
    int got = st == 0 && fst24_query_next(q, &a) == 1 && fst24_query_next(q, &b) == 1;
    CHECK(got, "two TT records");
    fst24_query_free(q);
    if (got) {
        fst24_grid_cache *c = NULL;
        const fst24_grid *g1 = NULL, *g2 = NULL;
        st = fst24_grid_cache_new(&c);
        st |= fst24_grid_cache_get(c, f, &a, &g1);
        st |= fst24_grid_cache_get(c, f, &b, &g2);
        CHECK(st == 0 && g1 && g1 == g2, "cache returns the same grid for records on one grid");
        fst24_grid_info info;
        st = fst24_grid_describe(g1, &info);
        /* E reference 57, 250, 56, 291 */
        CHECK(st == 0 && info.grtyp == 'Z' && info.ref_grtyp == 'E' && info.mapping == FST24_MAPPING_ROTATED &&
              info.ni == 160 && info.nj == 120 && info.xg[0] == 57.0f && info.xg[1] == 250.0f,
              "model grid description");
        /* the >> and ^^ it was read from: the first two records of the file (keys 1 and 1025) */
        CHECK(info.positional_key[0] == 1 && info.positional_key[1] == 1025, "positional keys %lld %lld",
              (long long)info.positional_key[0], (long long)info.positional_key[1]);
        double x[160], y[120];
        st = fst24_grid_axes(g1, x, y);
        CHECK(st == 0 && x[0] == 160.0 && x[159] == 160.0 + 0.25 * 159 && y[0] == -15.0, "rotated axes are the >> / ^^ values");
        double *lb = malloc(4 * 160 * 120 * sizeof(double)), *ob = malloc(4 * 160 * 120 * sizeof(double));
        st = fst24_grid_bounds(g1, lb, ob);
        CHECK(st == 0 && isfinite(lb[0]) && isfinite(ob[4 * 160 * 120 - 1]), "model grid bounds");
        free(lb);
        free(ob);
        fst24_grid_cache_free(c);
    }
    /* a Z record whose positionals are missing: clear error naming the tags */
    fst24_record z;
    fst24_record_init(&z);
    fst24_record_set_string(&z, "nomvar", "XX");
    fst24_record_set_string(&z, "grtyp", "Z");
    z.ni = 160;
    z.nj = 120;
    z.ig1 = 12345;
    z.ig2 = 678;
    fst24_grid *g = NULL;
    st = fst24_grid_from_record(f, &z, &g);
    CHECK(st == FST24_E_NO_RECORD && strstr(fst24_last_error(), "12345"), "missing positional: %d %s", st, fst24_last_error());
    /* wrong size: a Z 161 wide has no matching >> */
    z.ni = 161;
    z.ig1 = 37000;
    z.ig2 = 48000;
    st = fst24_grid_from_record(f, &z, &g);
    CHECK(st == FST24_E_NO_RECORD, "positional of another size is not used: %d", st);
    fst24_record x;
    fst24_record_init(&x);
    fst24_record_set_string(&x, "grtyp", "X");
    CHECK(fst24_grid_from_record(f, &x, &g) == FST24_E_UNSUPPORTED, "X grid has no coordinates");
    fst24_close(f);
}

/* A real G grid stored with its LA / LO fields (guziy/pylibrmn test data):
 * the computed Gaussian grid must match them. */
static void test_lola(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/real/guziy_pylibrmn__src_rpn_tests_data_G_grid_LOLA.rpn", tu_corpus());
    fst24_file *f = NULL;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f)) {
        CHECK(0, "open %s: %s", path, fst24_last_error());
        return;
    }
    fst24_record c, la, lo;
    fst24_record_init_criteria(&c);
    fst24_record_set_string(&c, "nomvar", "LA");
    fst24_query *q = NULL;
    int got = !fst24_query_new(f, &c, NULL, &q) && fst24_query_next(q, &la) == 1;
    fst24_query_free(q);
    fst24_record_set_string(&c, "nomvar", "LO");
    got = got && !fst24_query_new(f, &c, NULL, &q) && fst24_query_next(q, &lo) == 1;
    fst24_query_free(q);
    CHECK(got, "LA and LO records");
    if (got) {
        const size_t n = (size_t)la.ni * la.nj;
        double *rla = malloc(n * sizeof(double)), *rlo = malloc(n * sizeof(double));
        double *lat = malloc(n * sizeof(double)), *lon = malloc(n * sizeof(double));
        fst24_read_options o = {0};
        o.type = FST24_ELEM_F64;
        int st = fst24_read_data(&la, rla, n * sizeof(double), &o);
        st |= fst24_read_data(&lo, rlo, n * sizeof(double), &o);
        fst24_grid *g = NULL;
        if (!st) st = fst24_grid_from_record(f, &la, &g);
        if (!st) st = fst24_grid_latlon(g, lat, lon);
        double err = st ? 1e9 : 0;
        for (size_t k = 0; !st && k < n; k++) err = fmax(err, fmax(fabs(lat[k] - rla[k]), lon_diff(lon[k], rlo[k])));
        printf("G %dx%d vs LA/LO: max error %g deg\n", (int)la.ni, (int)la.nj, err);
        CHECK(err < 1e-4, "G %dx%d against its LA/LO fields: max error %g deg", (int)la.ni, (int)la.nj, err);
        free(rla);
        free(rlo);
        free(lat);
        free(lon);
        fst24_grid_free(g);
    }
    fst24_close(f);
}

int main(void)
{
    tu_require_corpus("test_grid_files (librmn's lat/lon arrays of the corpus grids)");
    test_lola();
    test_all_references();
    test_model_grid();
    return finish();
}
