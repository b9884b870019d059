/* Damaged or inconsistent grid descriptors written to a scratch file must
 * give a clear error, never a crash: NaN axes, short or inconsistent "^>"
 * records, tiles beyond their master, unsupported references, 2-D axes,
 * damaged "!!" tables. Also: the grid cache used by several threads at once
 * returns one grid whose coordinates match a fresh computation. */
#include <pthread.h>
#include "test_grid_util.h"

static fst24_file *g_file;

static void put(fst24_file *f, const char *nomvar, const char *grtyp, int32_t ni, int32_t nj, const int32_t ip[3],
                const int32_t ig[4], const double *data) {
    fst24_record r;
    fst24_record_init(&r);
    fst24_record_set_string(&r, "nomvar", nomvar);
    fst24_record_set_string(&r, "typvar", "X");
    fst24_record_set_string(&r, "grtyp", grtyp);
    r.ni = ni;
    r.nj = nj;
    r.nk = 1;
    r.ip1 = ip[0];
    r.ip2 = ip[1];
    r.ip3 = ip[2];
    r.ig1 = ig[0];
    r.ig2 = ig[1];
    r.ig3 = ig[2];
    r.ig4 = ig[3];
    r.data_type = 5;
    r.data_bits = 64;
    r.pack_bits = 64;
    int st = fst24_write(f, &r, data, FST24_ELEM_F64, FST24_REWRITE_NO, NULL);
    CHECK(st == 0, "write %s: %s", nomvar, fst24_last_error());
}

static fst24_record data_rec(const char *grtyp, int32_t ni, int32_t nj, int32_t ig1, int32_t ig2, int32_t ig3,
                             int32_t ig4) {
    fst24_record r;
    fst24_record_init(&r);
    fst24_record_set_string(&r, "nomvar", "DATA");
    fst24_record_set_string(&r, "grtyp", grtyp);
    r.ni = ni;
    r.nj = nj;
    r.ig1 = ig1;
    r.ig2 = ig2;
    r.ig3 = ig3;
    r.ig4 = ig4;
    return r;
}

static int expect(fst24_file *f, fst24_record r, int want, const char *what) {
    fst24_grid *g = NULL;
    int st = fst24_grid_from_record(f, &r, &g);
    if (!st) {
        const size_t n = (size_t)r.ni * r.nj;
        double *lat = malloc(n * sizeof(double)), *lon = malloc(n * sizeof(double));
        st = fst24_grid_latlon(g, lat, lon);
        free(lat);
        free(lon);
        fst24_grid_free(g);
    }
    CHECK(st == want && (st == 0 || strlen(fst24_last_error()) > 10), "%s: status %d (want %d): %s", what, st, want,
          fst24_last_error());
    return st;
}

static void *worker(void *arg) {
    fst24_grid_cache *c = arg;
    fst24_record r = data_rec("Z", 40, 30, 100, 200, 0, 0);
    const fst24_grid *g = NULL;
    int bad = 0;
    for (int k = 0; k < 20; k++) {
        if (fst24_grid_cache_get(c, g_file, &r, &g)) bad++;
        double lat[1200], lon[1200];
        if (fst24_grid_latlon(g, lat, lon) || !(lat[0] > -90 && lat[0] < 90)) bad++;
    }
    return (void *)(intptr_t)bad;
}

/* Random headers for every self-contained type: either a clear error, or
 * every point has lat in [-90, 90] and lon in [0, 360). Random !! tables:
 * error or a usable descriptor. */
static void random_headers(void) {
    uint64_t x = 88172645463325252ull;
    int bad = 0, built = 0, refused = 0;
    const char *types = "ABGLNSE+CHQ";
    for (int k = 0; k < 6000; k++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const char t = types[x % 11];
        const int32_t ni = (int32_t)(1 + (x >> 8) % 9), nj = (int32_t)(1 + (x >> 16) % 9);
        int32_t ig[4];
        for (int m = 0; m < 4; m++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            const uint32_t r = (uint32_t)(x >> 20);
            ig[m] = (int32_t)(m == 3 && (r & 1) ? r % 65536 : r % (k % 3 ? 4096 : 16777216));
        }
        fst24_grid *g = NULL;
        int st = fst24_grid_new(t, ni, nj, ig[0], ig[1], ig[2], ig[3], &g);
        if (st) {
            if (!(st < 0 && strlen(fst24_last_error()) > 5)) bad++;
            refused++;
            continue;
        }
        double lat[81], lon[81];
        if (fst24_grid_latlon(g, lat, lon) == 0) {
            built++;
            for (int p = 0; p < ni * nj; p++)
                if (!(lat[p] >= -90 && lat[p] <= 90 && lon[p] >= 0 && lon[p] < 360)) {
                    if (bad < 3)
                        printf("  %c %d %d %d %d (%dx%d) point %d: %g %g\n", t, ig[0], ig[1], ig[2], ig[3], ni, nj, p,
                               lat[p], lon[p]);
                    bad++;
                    break;
                }
        }
        fst24_grid_free(g);
    }
    CHECK(bad == 0 && built > 1000 && refused > 100, "random headers: %d built, %d refused, %d bad", built, refused,
          bad);
    int vbad = 0;
    static const int32_t vc[] = {1,    1001, 1002, 1003, 2001, 4001,  5001, 5002,
                                 5003, 5004, 5005, 5100, 5999, 21001, 21002};
    for (int k = 0; k < 3000; k++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const int32_t v = vc[x % 15];
        const int32_t ni = (v == 5100 || v >= 21001) ? 4 : 3, nj = (int32_t)(1 + (x >> 8) % 12);
        double t[48];
        for (int m = 0; m < ni * nj; m++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            t[m] = (x >> 40) % 4 ? (double)((x >> 12) % 100000000) : ((double)(int64_t)x) * 1e-3;
        }
        t[0] = v / 1000;
        t[1] = v % 1000;
        t[2] = (v == 1 || v == 2001 || v == 4001) ? 1 : (v == 1001 || v == 1002 || v == 5999) ? 2 : 3;
        fst24_vgrid *vg = NULL;
        if (fst24_vgrid_from_table(v, ni, nj, t, &vg)) continue;
        fst24_vgrid_info in;
        fst24_vgrid_get_info(vg, &in);
        int32_t ip[16];
        int32_t n = 0;
        fst24_vgrid_levels(vg, FST24_VLEVEL_MOMENTUM, ip, NULL, NULL, NULL, 16, &n);
        double ps[2] = {100000, 90000}, out[32];
        if (n > 16) n = 16;
        if (n && in.nl_m != n) vbad++;
        if (in.height)
            fst24_vgrid_height(vg, (size_t)n, ip, 2, ps, ps, out);
        else
            fst24_vgrid_pressure(vg, (size_t)n, ip, 2, ps, ps, out);
        fst24_vgrid_free(vg);
    }
    CHECK(vbad == 0, "random !! tables: %d inconsistent", vbad);
}

/* One axis of a self-contained grid is allocated: at most 4 194 304 points (docs/grids.md). */
static void axis_limit(void) {
    const char *types = "ALNSE";
    for (const char *t = types; *t; t++) {
        int32_t ig[4] = {0, 0, 0, 0};
        if (*t == 'L') ig[2] = ig[3] = 100;
        if (*t == 'N' || *t == 'S') {
            ig[0] = 200;
            ig[1] = 200;
            ig[2] = 1000;
            ig[3] = 21000;
        }
        fst24_grid *g = NULL;
        int st = fst24_grid_new(*t, 4194304, 1, ig[0], ig[1], ig[2], ig[3], &g);
        CHECK(st == FST24_OK, "grid %c: 4194304 x 1 built: %s", *t, st ? fst24_last_error() : "");
        fst24_grid_free(g);
        g = NULL;
        st = fst24_grid_new(*t, 1, 4194305, ig[0], ig[1], ig[2], ig[3], &g);
        CHECK(st == FST24_E_INVALID && g == NULL && strstr(fst24_last_error(), "along one axis"),
              "grid %c: 1 x 4194305 refused naming the axis limit (%d: %s)", *t, st, fst24_last_error());
    }
}

int main(void) {
    random_headers();
    axis_limit();
    char path[1024];
    snprintf(path, sizeof path, "%s/grid_hostile.fst", tu_tmpdir());
    fst24_file *f = NULL;
    int st = fst24_open(path, FST24_MODE_CREATE, NULL, &f);
    CHECK(st == 0, "create %s: %s", path, fst24_last_error());
    if (st) return finish();
    const int32_t eig[4] = {1475, 560, 54400, 46560}, lig[4] = {100, 100, 9000, 0}, fig[4] = {1, 0, 0, 0};
    double ax[40], ay[30], big[400];
    for (int i = 0; i < 40; i++) ax[i] = 160 + 0.5 * i;
    for (int j = 0; j < 30; j++) ay[j] = -10 + 0.5 * j;
    /* a good Z grid (tags 100/200) for the thread test */
    put(f, ">>", "E", 40, 1, (int32_t[]){100, 200, 0}, eig, ax);
    put(f, "^^", "E", 1, 30, (int32_t[]){100, 200, 0}, eig, ay);
    /* NaN in an axis */
    double axn[40];
    memcpy(axn, ax, sizeof ax);
    axn[7] = NAN;
    put(f, ">>", "E", 40, 1, (int32_t[]){101, 200, 0}, eig, axn);
    put(f, "^^", "E", 1, 30, (int32_t[]){101, 200, 0}, eig, ay);
    /* unsupported reference type */
    put(f, ">>", "G", 40, 1, (int32_t[]){102, 200, 0}, (int32_t[]){0, 0, 0, 0}, ax);
    put(f, "^^", "G", 1, 30, (int32_t[]){102, 200, 0}, (int32_t[]){0, 0, 0, 0}, ay);
    /* 2-D ">>" with a 1-D "^^" */
    for (int k = 0; k < 400; k++) big[k] = k * 0.1;
    put(f, ">>", "L", 40, 10, (int32_t[]){103, 200, 0}, lig, big);
    put(f, "^^", "L", 1, 30, (int32_t[]){103, 200, 0}, lig, ay);
    /* "^>" records: too short, wrong family, sizes that do not fit the data */
    double s1[7] = {70, 1, 2, 1, 1, 94, 32};
    put(f, "^>", "F", 7, 1, (int32_t[]){104, 0, 0}, fig, s1);
    double s2[277];
    for (int k = 0; k < 277; k++) s2[k] = 0;
    s2[0] = 71, s2[1] = 1, s2[2] = 2;
    put(f, "^>", "F", 277, 1, (int32_t[]){105, 0, 0}, fig, s2);
    s2[0] = 70;
    s2[5] = 1e9; /* ni of the yin block */
    s2[6] = 32;
    put(f, "^>", "F", 277, 1, (int32_t[]){106, 0, 0}, fig, s2);
    /* a damaged !! (header says 5002, ig1 says 5005) and a too small one */
    double t[3 * 5] = {5, 2, 3, 650, 100000, 1, 1, 0, 0, 95525156, 6.9, 0.09, 93423264, 11.5, 1};
    put(f, "!!", "X", 3, 5, (int32_t[]){107, 0, 0}, (int32_t[]){5005, 0, 0, 0}, t);
    put(f, "!!", "X", 3, 1, (int32_t[]){108, 0, 0}, (int32_t[]){5005, 0, 0, 0}, t);
    /* positionals with ip3 5 used by a Z record whose ig3 is 0 (GeoRef's retry) */
    put(f, ">>", "L", 40, 1, (int32_t[]){109, 200, 5}, lig, ax);
    put(f, "^^", "L", 1, 30, (int32_t[]){109, 200, 5}, lig, ay);
    /* an ORCA-like O grid: 2-D lon/lat positionals whose own grtyp is X */
    double olon[12], olat[12];
    for (int k = 0; k < 12; k++) {
        olon[k] = -170 + 3 * k;
        olat[k] = 40 + 0.5 * k;
    }
    put(f, ">>", "X", 4, 3, (int32_t[]){110, 0, 0}, (int32_t[]){0, 0, 0, 0}, olon);
    put(f, "^^", "X", 4, 3, (int32_t[]){110, 0, 0}, (int32_t[]){0, 0, 0, 0}, olat);
    fst24_close(f);

    st = fst24_open(path, FST24_MODE_READ, NULL, &f);
    CHECK(st == 0, "reopen: %s", fst24_last_error());
    if (st) return finish();
    g_file = f;
    expect(f, data_rec("Z", 40, 30, 100, 200, 0, 0), 0, "good Z");
    expect(f, data_rec("Z", 40, 30, 101, 200, 0, 0), FST24_E_INVALID, "NaN in >>");
    expect(f, data_rec("Z", 40, 30, 102, 200, 0, 0), FST24_E_UNSUPPORTED, "G reference");
    expect(f, data_rec("Z", 40, 30, 103, 200, 0, 0), FST24_E_INVALID, "2-D >> with 1-D ^^");
    expect(f, data_rec("U", 94, 64, 104, 0, 0, 0), FST24_E_INVALID, "short ^>");
    expect(f, data_rec("U", 94, 64, 105, 0, 0, 0), FST24_E_UNSUPPORTED, "^> of family 71");
    expect(f, data_rec("U", 94, 64, 106, 0, 0, 0), FST24_E_INVALID, "^> sub-grid size beyond the record");
    expect(f, data_rec("#", 10, 8, 100, 200, 35, 1), FST24_E_NO_RECORD, "tile beyond its master");
    expect(f, data_rec("#", 10, 8, 100, 200, 0, 1), FST24_E_INVALID, "tile start 0");
    expect(f, data_rec("#", 10, 8, 100, 200, 31, 23), 0, "tile at the master's corner");
    expect(f, data_rec("Z", 40, 30, 999, 999, 0, 0), FST24_E_NO_RECORD, "no positionals");
    expect(f, data_rec("Z", 0, 30, 100, 200, 0, 0), FST24_E_NO_RECORD, "ni 0 (no positional that size)");
    expect(f, data_rec("A", 0, 30, 0, 0, 0, 0), FST24_E_INVALID, "A with ni 0");
    expect(f, data_rec("Z", 40, 30, 109, 200, 0, 0), 0, "positionals found with any ip3");
    {
        fst24_record o = data_rec("O", 4, 3, 110, 0, 0, 0);
        fst24_grid *g = NULL;
        double la[12], lo[12];
        st = fst24_grid_from_record(f, &o, &g);
        if (!st) st = fst24_grid_latlon(g, la, lo);
        CHECK(st == 0 && la[5] == 42.5 && lo[5] == 360 - 155, "O grid: positional degrees (st %d, %g %g)", st, la[5],
              lo[5]);
        fst24_grid_free(g);
    }
    fst24_record c, r;
    fst24_record_init_criteria(&c);
    fst24_record_set_string(&c, "nomvar", "!!");
    fst24_query *q = NULL;
    fst24_query_new(f, &c, NULL, &q);
    int n = 0;
    while (fst24_query_next(q, &r) == 1) {
        fst24_vgrid *vg = NULL;
        st = fst24_vgrid_from_record(f, &r, &vg);
        CHECK(st == FST24_E_INVALID, "damaged !! (ip1 %d) refused: %d %s", (int)r.ip1, st, fst24_last_error());
        fst24_vgrid_free(vg);
        n++;
    }
    fst24_query_free(q);
    CHECK(n == 2, "two damaged !! records");
    /* a data record whose descriptor is one of those: find reports the error */
    fst24_record d = data_rec("Z", 40, 30, 107, 0, 0, 0);
    d.ip1 = 95525156;
    fst24_vgrid *vg = NULL;
    CHECK(fst24_vgrid_find(f, &d, &vg) == FST24_E_INVALID, "find with a damaged linked !!");

    /* cache shared by 4 threads */
    fst24_grid_cache *cache = NULL;
    fst24_grid_cache_new(&cache);
    pthread_t th[4];
    for (int k = 0; k < 4; k++) pthread_create(&th[k], NULL, worker, cache);
    int bad = 0;
    for (int k = 0; k < 4; k++) {
        void *res;
        pthread_join(th[k], &res);
        bad += (int)(intptr_t)res;
    }
    const fst24_grid *g1 = NULL, *g2 = NULL;
    fst24_record z = data_rec("Z", 40, 30, 100, 200, 0, 0);
    fst24_grid_cache_get(cache, f, &z, &g1);
    z.nomvar[0] = 'Q'; /* another variable on the same grid */
    fst24_grid_cache_get(cache, f, &z, &g2);
    CHECK(bad == 0 && g1 == g2, "threads: %d failures, one cached grid", bad);
    fst24_grid_cache_forget(cache, f);
    const fst24_grid *g3 = NULL;
    CHECK(fst24_grid_cache_get(cache, f, &z, &g3) == 0 && g3 != NULL, "cache rebuilt after forget");
    fst24_grid_cache_free(cache);
    fst24_close(f);
    return finish();
}
