/* Grid math without files: ig <-> xg vectors of docs/format/grids.md#igxg, projection
 * vectors of docs/format/grids.md#grid-a, the fast atan2 against libm, and every in-memory grid
 * of ref/latlon/synthetic.jsonl against librmn's gdll output (<= 1e-4 deg). */
#include "test_grid_util.h"
#include "meta/grid_internal.h"

static void check_xg(char t, int32_t i1, int32_t i2, int32_t i3, int32_t i4, double x1, double x2, double x3, double x4,
                     double tol) {
    const int32_t ig[4] = {i1, i2, i3, i4};
    float xg[4] = {0};
    int st = fst24_ig_to_xg(t, 1, ig, xg);
    CHECK(st == 0 && NEAR(xg[0], x1, tol) && NEAR(xg[1], x2, tol) && NEAR(xg[2], x3, tol) && NEAR(xg[3], x4, tol),
          "cigaxg %c %d %d %d %d -> %.7g %.7g %.7g %.7g (want %.7g %.7g %.7g %.7g) st %d", t, i1, i2, i3, i4, xg[0],
          xg[1], xg[2], xg[3], x1, x2, x3, x4, st);
}

static void check_ig(char t, double x1, double x2, double x3, double x4, int32_t i1, int32_t i2, int32_t i3,
                     int32_t i4) {
    const float xg[4] = {(float)x1, (float)x2, (float)x3, (float)x4};
    int32_t ig[4] = {0};
    int st = fst24_xg_to_ig(t, 1, xg, ig);
    CHECK(st == 0 && ig[0] == i1 && ig[1] == i2 && ig[2] == i3 && ig[3] == i4,
          "cxgaig %c %g %g %g %g -> %d %d %d %d (want %d %d %d %d) st %d", t, x1, x2, x3, x4, ig[0], ig[1], ig[2],
          ig[3], i1, i2, i3, i4, st);
}

static void test_igxg(void) {
    /* docs/format/grids.md#igxg vectors */
    check_ig('L', 10, -100.5, 0.25, 0.125, 25, 13, 10000, 25950);
    check_xg('L', 25, 13, 10000, 25950, 10, 259.5, 0.25, 0.13, 1e-5);
    check_ig('L', 0, 0, 1, 1, 100, 100, 9000, 0);
    check_ig('L', -90, 0, 1, 1, 100, 100, 0, 0);
    check_xg('L', 2000, 3000, 1000, 0, -80, 0, 20, 30, 1e-5);
    /* librmn's fused multiply-add: lat0 of ig3 9000 is -2.01165676e-06, not 0 */
    check_xg('L', 100, 100, 9000, 0, -2.01165676e-06, 0, 1, 1, 1e-12);
    check_xg('L', 50, 50, 10000, 25000, 9.99999809, 250, 0.5, 0.5, 1e-7);
    check_ig('N', 51, 73, 50000, 21, 730, 510, 2100, 500);
    check_ig('N', 26, 26, 381000, 350, 260, 260, 35000, 3810);
    check_ig('S', 26, 26, 381000, 350, 260, 260, 35000, 3810);
    check_xg('N', 0, 0, 500, 10, 0, 0, 1000, 5, 1e-5);
    check_ig('N', -500.5, 1200.25, 10000, 260, 100, 1000, 2976, 57809);
    check_xg('N', 100, 1000, 2976, 57809, -500.600739, 1200.332153, 10000, 260, 2e-3);
    check_ig('N', 200, 1000, 10000, -10, 100, 100, 24460, 56541);
    check_xg('N', 100, 100, 24460, 56541, 200.012741, 1000.026245, 10000, 350, 2e-3);
    check_xg('N', 150, 200, 24987, 36991, -139.990097, 310.034760, 15000, 20, 1e-4);
    check_ig('E', 57.5, 250, 57.5, 291, 1475, 575, 54400, 46560);
    check_ig('E', 37.5, 262, 37.5, 299, 1275, 375, 56320, 47840);
    check_ig('E', -10, 350, 20, 10, 800, 200, 4864, 1600);
    check_ig('E', 0, 0, 0, 90, 900, 0, 14400, 14400);
    check_ig('E', 0, 180, 0, 270, 900, 0, 43200, 43200);
    check_xg('E', 900, 0, 43200, 43200, 0, 180, 0, 270, 0);
    check_xg('E', 1475, 560, 54400, 46560, 57.5, 250, 56, 291, 0);
    check_xg('E', 800, 200, 4864, 1600, -10, 350, 20, 10, 0);
    check_xg('E', 325, 1485, 25600, 42582, -57.5, 70, -31.4750004, 266.125, 1e-5);
    check_ig('A', 0, 1, 0, 0, 0, 1, 0, 0);
    check_xg('G', 2, 1, 0, 0, 2, 1, 0, 0, 0);
    /* + grid: round trip within 1e-5 */
    {
        const float xg[4] = {45.12345f, -75.5f, 0, 0};
        int32_t ig[4];
        float back[4];
        int st = fst24_xg_to_ig('+', 1, xg, ig);
        st |= fst24_ig_to_xg('+', 1, ig, back);
        CHECK(st == 0 && NEAR(back[0], 45.12345, 1e-5) && NEAR(back[1], 284.5, 1e-5), "+ round trip %g %g", back[0],
              back[1]);
    }
    /* C and H round trips */
    check_ig('C', -90, 0, 1, 2, 180, 180, 0, 0);
    check_xg('C', 180, 180, 0, 0, -90, 0, 1, 2, 1e-6);
    check_ig('H', 5, 10, 100000, 30, 150, 200, 5, 10000);
    check_xg('H', 150, 200, 5, 10000, 5, 10, 100000, 30, 1e-5);
    /* vectorised: several sets at once, and round trips xg -> ig -> xg -> ig stable */
    {
        const int32_t ig[12] = {1475, 560, 54400, 46560, 900, 0, 43200, 43200, 1275, 375, 56320, 47840};
        float xg[12];
        int32_t back[12];
        int st = fst24_ig_to_xg('E', 3, ig, xg);
        st |= fst24_xg_to_ig('E', 3, xg, back);
        CHECK(st == 0 && !memcmp(ig, back, sizeof ig), "E ig round trip (3 sets)");
    }
    {
        /* every old-style N/S and L code in a sweep survives decode + encode */
        int bad = 0;
        for (int32_t a = 0; a <= 2047; a += 37)
            for (int32_t d = 1; d <= 32000; d += 1531) {
                const int32_t ig[4] = {a, 2047 - a, (a * 17) % 36000, d};
                float xg[4];
                int32_t back[4];
                if (fst24_ig_to_xg('N', 1, ig, xg) || fst24_xg_to_ig('N', 1, xg, back) || memcmp(ig, back, sizeof ig))
                    bad++;
                const int32_t il[4] = {d % 9000 + 1, d % 36000 + 1, (a * 8) % 18000, (a * 17) % 36000};
                if (fst24_ig_to_xg('L', 1, il, xg) || fst24_xg_to_ig('L', 1, xg, back) || memcmp(il, back, sizeof il))
                    bad++;
            }
        CHECK(bad == 0, "N/L ig round trips: %d failures", bad);
    }
    {
        float xg[4];
        const int32_t ig[4] = {1, 2, 3, 4};
        CHECK(fst24_ig_to_xg('Z', 1, ig, xg) == FST24_E_UNSUPPORTED, "Z has no xg");
        const float bad[4] = {NAN, 0, 1, 1};
        int32_t o[4];
        CHECK(fst24_xg_to_ig('L', 1, bad, o) == FST24_E_INVALID, "NaN xg rejected");
        const float ebad[4] = {120, 0, 0, 90};
        CHECK(fst24_xg_to_ig('E', 1, ebad, o) == FST24_E_INVALID, "E latitude 120 rejected");
    }
}

static void test_rotation(void) {
    /* docs/format/grids.md#grid-e table: pole, lambda_NP, rotated (10, 200) -> geographic */
    static const double v[][9] = {
        {0, 180, 0, 270, 90, 0, 0, 10, 200},
        {57.5, 250, 57.5, 291, 30.825626, 90.5, 190.845790, 67.502450, 294.670570},
        {37.5, 262, 37.5, 299, 51.022279, 100.5, 194.580187, 48.736550, 288.607910},
        {-10, 350, 20, 10, 32.683652, 266.495713, 281.906495, 12.149720, 352.314240},
        {0, 0, 0, 90, 90, 180, 180, 10, 20},
    };
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++) {
        double R[3][3];
        int id = fst_grid_rotation(v[k][0], v[k][1], v[k][2], v[k][3], R);
        CHECK(id == (k == 0), "identity flag of rotation %zu = %d", k, id);
        double lat, lon;
        fst_grid_rotated_point(R, 10, 200, &lat, &lon);
        CHECK(NEAR(lat, v[k][7], 1e-5) && lon_diff(lon, v[k][8]) < 1e-5, "rotation %zu: (10,200) -> %.6f %.6f", k, lat,
              lon);
        /* describe through a grid object built from the encoded ig */
        const float xg[4] = {(float)v[k][0], (float)v[k][1], (float)v[k][2], (float)v[k][3]};
        int32_t ig[4];
        fst24_xg_to_ig('E', 1, xg, ig);
        fst24_grid *g = NULL;
        int st = fst24_grid_new('E', 10, 10, ig[0], ig[1], ig[2], ig[3], &g);
        fst24_grid_info info;
        if (!st) st = fst24_grid_describe(g, &info);
        if (k == 0) {
            CHECK(st == 0 && info.mapping == FST24_MAPPING_LATLON && info.identity_rotation, "identity E is lat-lon");
        } else {
            CHECK(st == 0 && info.mapping == FST24_MAPPING_ROTATED &&
                      !strcmp(info.mapping_name, "rotated_latitude_longitude"),
                  "rotated mapping %zu", k);
            if (fabs(v[k][4]) <
                89.9) { /* docs/format/grids.md#grid-e values (the pole longitude is arbitrary at the pole) */
                CHECK(NEAR(info.grid_north_pole_latitude, v[k][4], 1e-5) &&
                          lon_diff(info.grid_north_pole_longitude, v[k][5]) < 1e-5 &&
                          lon_diff(info.north_pole_grid_longitude, v[k][6]) < 1e-5,
                      "rotated pole %zu: %.6f %.6f %.6f", k, info.grid_north_pole_latitude,
                      info.grid_north_pole_longitude, info.north_pole_grid_longitude);
            }
            /* CF consistency: rotated coordinates of the geographic image of rotated (10, 200),
             * computed from the CF pole alone, are (10, 200 - lambda_NP) */
            const double pl = info.grid_north_pole_latitude * GRID_RAD, pn = info.grid_north_pole_longitude * GRID_RAD;
            const double la = lat * GRID_RAD, lo = lon * GRID_RAD;
            double rlat, rlon;
            if (fabs(info.grid_north_pole_latitude) > 89.9999) {
                rlat = lat;
                rlon = lon - (info.grid_north_pole_longitude + 180.0);
            } else { /* rotated frame: z = pole, x towards the geographic north pole */
                const double N[3] = {cos(pl) * cos(pn), cos(pl) * sin(pn), sin(pl)};
                const double P[3] = {cos(la) * cos(lo), cos(la) * sin(lo), sin(la)};
                double X[3] = {-N[2] * N[0], -N[2] * N[1], 1.0 - N[2] * N[2]};
                const double xn = sqrt(X[0] * X[0] + X[1] * X[1] + X[2] * X[2]);
                for (int m = 0; m < 3; m++) X[m] /= xn;
                const double Y[3] = {N[1] * X[2] - N[2] * X[1], N[2] * X[0] - N[0] * X[2], N[0] * X[1] - N[1] * X[0]};
                rlat = asin(P[0] * N[0] + P[1] * N[1] + P[2] * N[2]) * GRID_DEG;
                rlon =
                    atan2(P[0] * Y[0] + P[1] * Y[1] + P[2] * Y[2], P[0] * X[0] + P[1] * X[1] + P[2] * X[2]) * GRID_DEG;
            }
            CHECK(NEAR(rlat, 10, 1e-9) && lon_diff(rlon, 200 - info.north_pole_grid_longitude) < 1e-9,
                  "CF rotated pole %zu reproduces rotated coords: %.9f %.9f", k, rlat, rlon);
        }
        fst24_grid_free(g);
    }
}

static void test_ps(void) {
    grid_proj p = {0};
    p.kind = PROJ_PS;
    p.d60 = 50000;
    p.dgrw = 21;
    p.re = GRID_ONE_PLUS_SIN60 * GRID_EARTH_RADIUS / p.d60;
    double lat, lon;
    fst_grid_ps_point(&p, 1 - 51.0, 1 - 73.0, &lat, &lon);
    CHECK(NEAR(lat, 49.525095, 2e-5) && lon_diff(lon, -145.777831) < 2e-5, "N (1,1) -> %.6f %.6f", lat, lon);
    fst_grid_ps_point(&p, 30 - 51.0, 30 - 73.0, &lat, &lon);
    CHECK(NEAR(lat, 67.241071, 2e-5) && lon_diff(lon, 222.970408) < 2e-5, "N (30,30) -> %.6f %.6f", lat, lon);
    fst_grid_ps_point(&p, 0, 0, &lat, &lon);
    CHECK(lat == 90 && lon == 0, "pole point -> %g %g", lat, lon);
    double x, y;
    fst_grid_ps_inverse(45, -100, 50000, 21, 0, &x, &y);
    CHECK(NEAR(x, 18.792226, 1e-4) && NEAR(y, -96.677620, 1e-4), "xyfll -> %.6f %.6f", x, y);
    p.d60 = 381000;
    p.dgrw = 350;
    p.south = 1;
    p.re = GRID_ONE_PLUS_SIN60 * GRID_EARTH_RADIUS / p.d60;
    fst_grid_ps_point(&p, -25, -25, &lat, &lon);
    CHECK(NEAR(lat, 7.139219, 2e-5) && lon_diff(lon, 125.0) < 1e-9, "S (1,1) -> %.6f %.6f", lat, lon);
    /* real LAM (N 30x30, ig 150 200 24987 36991) corners */
    fst24_grid *g = NULL;
    int st = fst24_grid_new('N', 30, 30, 150, 200, 24987, 36991, &g);
    double la[900], lo[900];
    if (!st) st = fst24_grid_latlon(g, la, lo);
    CHECK(st == 0 && NEAR(la[0], 43.601907, 1e-4) && lon_diff(lo[0], 274.523767) < 1e-4 &&
              NEAR(la[899], 45.086289, 1e-4) && lon_diff(lo[899], 281.259096) < 1e-4,
          "real N LAM corners %.6f %.6f / %.6f %.6f", la[0], lo[0], la[899], lo[899]);
    fst24_grid_info info;
    fst24_grid_describe(g, &info);
    CHECK(info.mapping == FST24_MAPPING_POLAR_STEREO && info.straight_vertical_longitude_from_pole == -110.0 &&
              NEAR(info.false_easting, (info.pole_i - 1) * 15000, 1e-6),
          "N mapping svlp %g", info.straight_vertical_longitude_from_pole);
    double xa[30], ya[30];
    st = fst24_grid_axes(g, xa, ya);
    CHECK(st == 0 && xa[0] == 0 && xa[29] == 29 * 15000.0 && ya[1] == 15000.0, "PS axes in metres");
    fst24_grid_free(g);
    /* S mapping: dgrw - 90 (docs/format/grids.md#grid-cf south-pole fix) */
    st = fst24_grid_new('S', 51, 51, 260, 260, 35000, 3810, &g);
    fst24_grid_describe(g, &info);
    CHECK(st == 0 && NEAR(info.straight_vertical_longitude_from_pole, -100.0, 1e-4) &&
              info.latitude_of_projection_origin == -90,
          "S svlp %g", info.straight_vertical_longitude_from_pole);
    /* point (1,1) of that grid: lon = svlp + atan2(x, y) with x = y = -25 (in degrees: 260 - 135 = -100 - 135 + 360) */
    double *a = malloc(51 * 51 * sizeof(double)), *b = malloc(51 * 51 * sizeof(double));
    fst24_grid_latlon(g, a, b);
    CHECK(lon_diff(b[0], 125.0) < 1e-4, "S (1,1) lon %.6f", b[0]);
    free(a);
    free(b);
    fst24_grid_free(g);
}

/* The CF polar_stereographic parameters reproduce the grid: projecting every
 * point's lat/lon with the CF (Snyder, spherical) formulas gives the x/y axes
 * of fst24_grid_axes(). Checks N and S (the S grid needs dgrw - 90). */
static void check_cf_ps(char t, int32_t ni, int32_t nj, const float xg[4]) {
    int32_t ig[4];
    fst24_xg_to_ig(t, 1, xg, ig);
    fst24_grid *g = NULL;
    int st = fst24_grid_new(t, ni, nj, ig[0], ig[1], ig[2], ig[3], &g);
    const size_t n = (size_t)ni * nj;
    double *lat = malloc(n * sizeof(double)), *lon = malloc(n * sizeof(double)), *x = malloc(ni * sizeof(double)),
           *y = malloc(nj * sizeof(double));
    fst24_grid_info in;
    if (!st) st = fst24_grid_latlon(g, lat, lon);
    if (!st) st = fst24_grid_axes(g, x, y);
    if (!st) st = fst24_grid_describe(g, &in);
    double err = 0;
    for (int32_t j = 0; !st && j < nj; j++)
        for (int32_t i = 0; i < ni; i++) {
            const size_t p = (size_t)j * ni + i;
            const double phi = lat[p] * GRID_RAD, dl = (lon[p] - in.straight_vertical_longitude_from_pole) * GRID_RAD;
            const double k2r = 2.0 * in.earth_radius * in.scale_factor_at_projection_origin;
            double px, py;
            if (in.latitude_of_projection_origin > 0) {
                const double rho = k2r * tan(GRID_PI / 4 - phi / 2);
                px = in.false_easting + rho * sin(dl);
                py = in.false_northing - rho * cos(dl);
            } else {
                const double rho = k2r * tan(GRID_PI / 4 + phi / 2);
                px = in.false_easting + rho * sin(dl);
                py = in.false_northing + rho * cos(dl);
            }
            err = fmax(err, fmax(fabs(px - x[i]), fabs(py - y[j])) / in.d60);
        }
    CHECK(st == 0 && err < 1e-3, "CF polar_stereographic %c (dgrw %g) reproduces the grid to %g grid lengths", t, xg[3],
          err);
    free(lat);
    free(lon);
    free(x);
    free(y);
    fst24_grid_free(g);
}

static void test_cf_ps(void) {
    const float a[4] = {26, 28, 381000, 350}, b[4] = {31, 31, 100000, 90}, c[4] = {-20.5f, -30, 50000, 260};
    check_cf_ps('N', 51, 55, a);
    check_cf_ps('S', 51, 55, a);
    check_cf_ps('S', 61, 61, b);
    check_cf_ps('N', 45, 45, c);
    check_cf_ps('S', 45, 45, c);
}

static void test_simple_grids(void) {
    double lat[64], lon[64];
    fst24_grid *g = NULL;
    int st = fst24_grid_new('A', 4, 2, 0, 0, 0, 0, &g);
    fst24_grid_latlon(g, lat, lon);
    CHECK(st == 0 && lat[0] == -45 && lat[4] == 45 && lon[0] == 0 && lon[1] == 90 && lon[3] == 270, "A 4x2");
    fst24_grid_free(g);
    st = fst24_grid_new('B', 5, 3, 0, 0, 0, 0, &g);
    fst24_grid_latlon(g, lat, lon);
    double xa[5], ya[3];
    fst24_grid_axes(g, xa, ya);
    CHECK(st == 0 && lat[0] == -90 && lat[5] == 0 && lat[10] == 90 && lon[4] == 0 && xa[4] == 360 && ya[2] == 90,
          "B 5x3");
    double lb[60], ob[60];
    st = fst24_grid_bounds(g, lb, ob);
    CHECK(st == 0 && lb[0] == -90 && lb[2] == -45 && NEAR(ob[0], 315, 1e-12) && ob[1] == 45, "B bounds %g %g %g %g",
          lb[0], lb[2], ob[0], ob[1]);
    fst24_grid_free(g);
    st = fst24_grid_new('A', 4, 2, 0, 1, 0, 0, &g);
    fst24_grid_latlon(g, lat, lon);
    CHECK(st == 0 && lat[0] == 45 && lat[4] == -45, "A ig2=1 north to south");
    fst24_grid_free(g);
    double gl[20];
    st = fst24_gaussian_latitudes(20, gl);
    CHECK(st == 0 && NEAR(gl[0], -83.2793811, 1e-7) && NEAR(gl[19], 83.2793811, 1e-7) && NEAR(gl[10], 4.3889376, 1e-7),
          "gauss 20 %.7f", gl[0]);
    st = fst24_gaussian_latitudes(3, gl);
    CHECK(st == 0 && NEAR(gl[0], -50.7684795, 1e-7) && gl[1] == 0 && NEAR(gl[2], 50.7684795, 1e-7), "gauss 3");
    st = fst24_grid_new('G', 8, 5, 1, 0, 0, 0, &g);
    fst24_grid_latlon(g, lat, lon);
    CHECK(st == 0 && NEAR(lat[0], 8.5616985, 1e-7) && NEAR(lat[32], 76.8824579, 1e-7), "G north 5 rows %.7f", lat[0]);
    fst24_grid_free(g);
    st = fst24_grid_new('+', 1, 1, 0, 0, 0, 0, &g);
    CHECK(st == FST24_E_INVALID && g == NULL, "+ grid at latitude -100 refused");
    st = fst24_grid_new('+', 1, 1, 1345, 1000, 14512, 28450, &g);
    st = st ? st : fst24_grid_latlon(g, lat, lon);
    CHECK(st == 0 && NEAR(lat[0], 45.12345, 1e-6) && NEAR(lon[0], 284.5, 1e-6), "+ grid point %.6f %.6f", lat[0],
          lon[0]);
    fst24_grid_free(g);
    /* hostile headers */
    CHECK(fst24_grid_new('A', 0, 5, 0, 0, 0, 0, &g) == FST24_E_INVALID, "ni 0 rejected");
    CHECK(fst24_grid_new('A', 5, 5, 7, 0, 0, 0, &g) == FST24_E_INVALID, "A ig1 7 rejected");
    CHECK(fst24_grid_new('N', 5, 5, 0, 0, 0, 0, &g) == FST24_E_INVALID, "N d60 0 rejected");
    CHECK(fst24_grid_new('Q', 5, 5, 0, 0, 0, 0, &g) == FST24_E_UNSUPPORTED, "Q unsupported");
    CHECK(fst24_grid_new('E', 5, 5, 900, 0, 14400, 14400 - 43200 + 43200, &g) == 0, "E grid ok");
    fst24_grid_free(g);
    CHECK(fst24_grid_new('B', 1, 5, 0, 0, 0, 0, &g) == FST24_E_INVALID, "B 1 column rejected");
}

static void test_atan2(void) {
    double maxerr = 0;
    unsigned s = 12345;
    for (int k = 0; k < 200000; k++) {
        s = s * 1103515245u + 12345u;
        double x = ((s >> 8) / 16777216.0 - 0.5) * pow(10.0, (k % 7) - 3);
        s = s * 1103515245u + 12345u;
        double y = ((s >> 8) / 16777216.0 - 0.5) * pow(10.0, (k % 5) - 2);
        maxerr = fmax(maxerr, fabs(grid_atan2(y, x) - atan2(y, x)));
    }
    CHECK(maxerr < 1e-15, "fast atan2 max error %g rad", maxerr);
    double serr = 0;
    for (int k = 0; k < 100000; k++) {
        const double x = pow(10.0, (k % 61) - 30) * (1.0 + k * 1e-5);
        serr = fmax(serr, fabs(grid_sqrt(x) - sqrt(x)) / sqrt(x));
    }
    CHECK(serr < 3e-16 && grid_sqrt(0) == 0 && grid_sqrt(1) == 1 && grid_sqrt(4) == 2,
          "fast sqrt max relative error %g", serr);
    CHECK(grid_atan2(0, 0) == 0 && grid_atan2(1, 0) == GRID_PI / 2 && grid_atan2(0, -1) == GRID_PI,
          "atan2 special values");
}

/* every grid of synthetic.jsonl built in memory */
static void test_synthetic(void) {
    char path[1024];
    snprintf(path, sizeof path, "%s/ref/latlon/synthetic.jsonl", tu_corpus());
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "open %s", path);
    if (!f) return;
    char *line;
    int ngrids = 0;
    while ((line = read_line(f))) {
        char name[128] = "", t[4] = "", rt[4] = "";
        double v, ni, nj, rc = 0;
        tu_jstr(line, "name", name, sizeof name);
        tu_jstr(line, "grtyp", t, sizeof t);
        jnum(line, "ni", &ni);
        jnum(line, "nj", &nj);
        jnum(line, "gdll_rc", &rc);
        int32_t ig[4] = {0}, rig[4] = {0};
        const char *ik[4] = {"ig1", "ig2", "ig3", "ig4"}, *rk[4] = {"ref_ig1", "ref_ig2", "ref_ig3", "ref_ig4"};
        for (int k = 0; k < 4; k++) {
            if (jnum(line, ik[k], &v)) ig[k] = (int32_t)v;
            if (jnum(line, rk[k], &v)) rig[k] = (int32_t)v;
        }
        tu_jstr(line, "ref_grtyp", rt, sizeof rt);
        fst24_grid *g = NULL;
        int st;
        const size_t n = (size_t)ni * (size_t)nj;
        if (t[0] == 'U') { /* needs a ^> record: covered by the file test */
            free(line);
            continue;
        }
        if (t[0] == 'Z' || t[0] == 'Y') {
            const size_t nx = t[0] == 'Y' ? n : (size_t)ni, ny = t[0] == 'Y' ? n : (size_t)nj;
            double *ax = malloc(nx * sizeof(double)), *ay = malloc(ny * sizeof(double));
            int gx = jarr(line, "ax", ax, (int)nx), gy = jarr(line, "ay", ay, (int)ny);
            CHECK((size_t)gx == nx && (size_t)gy == ny, "%s: axes in json", name);
            st = fst24_grid_new_axes(t[0], (int32_t)ni, (int32_t)nj, rt[0], rig, ax, ay, &g);
            free(ax);
            free(ay);
        } else {
            st = fst24_grid_new(t[0], (int32_t)ni, (int32_t)nj, ig[0], ig[1], ig[2], ig[3], &g);
            /* xg as librmn's cigaxg gives them */
            double x[4];
            const char *xk[4] = {"xg1", "xg2", "xg3", "xg4"};
            fst24_grid_info info;
            if (!st) {
                fst24_grid_describe(g, &info);
                int ok = 1;
                for (int k = 0; k < 4; k++)
                    if (jnum(line, xk[k], &x[k]) && !NEAR(info.xg[k], x[k], 1e-4 * fmax(1.0, fabs(x[k])))) ok = 0;
                CHECK(ok, "%s: xg %.8g %.8g %.8g %.8g", name, info.xg[0], info.xg[1], info.xg[2], info.xg[3]);
            }
        }
        CHECK(st == 0, "%s: build: %s", name, fst24_last_error());
        if (!st) {
            double *lat = malloc(n * sizeof(double)), *lon = malloc(n * sizeof(double));
            st = fst24_grid_latlon(g, lat, lon);
            if (rc != 0) {
                CHECK(st == FST24_E_UNSUPPORTED, "%s: librmn refuses (rc %g); we gave %d", name, rc, st);
            } else {
                double err = st ? 1e9 : compare_latlon(line, lat, lon, n);
                CHECK(st == 0 && err >= 0 && err <= 1e-4, "%s: max lat/lon error %g deg (st %d)", name, err, st);
                ngrids++;
            }
            /* bounds are finite and enclose the point's latitude for separable grids */
            if (rc == 0 && t[0] != 'Y') {
                double *lb = malloc(4 * n * sizeof(double)), *ob = malloc(4 * n * sizeof(double));
                st = fst24_grid_bounds(g, lb, ob);
                int ok = st == 0;
                for (size_t k = 0; ok && k < n; k++) {
                    double lo = fmin(fmin(lb[4 * k], lb[4 * k + 1]), fmin(lb[4 * k + 2], lb[4 * k + 3]));
                    double hi = fmax(fmax(lb[4 * k], lb[4 * k + 1]), fmax(lb[4 * k + 2], lb[4 * k + 3]));
                    if (!(lat[k] >= lo - 1e-9 && lat[k] <= hi + 1e-9) && fabs(lat[k]) < 75) ok = 0;
                }
                CHECK(ok, "%s: bounds enclose latitudes (st %d)", name, st);
                free(lb);
                free(ob);
            }
            free(lat);
            free(lon);
        }
        fst24_grid_free(g);
        free(line);
    }
    fclose(f);
    CHECK(ngrids >= 55, "synthetic grids compared: %d", ngrids);
}

/* fst24_grid_latlon_threads equals fst24_grid_latlon bit for bit at any thread count, and
 * fst24_grid_latlon_float is its result rounded to float, for every kind of projection
 * (rows split into several tasks: 37 rows); a Y grid on an unsupported reference fails. */
static void test_latlon_threads(void) {
    const int32_t ni = 23, nj = 37, n = ni * nj;
    double ax[23 * 37], ay[23 * 37];
    for (int32_t i = 0; i < n; i++) {
        ax[i] = 200.0 + 0.37 * (i % ni) + 0.01 * (i / ni);
        ay[i] = -30.0 + 1.1 * (i / ni) + 0.02 * (i % ni);
    }
    const int32_t e_ig[4] = {1350, 450, 56000, 48000}; /* E: (45, 260) and (45, 300) */
    const int32_t l_ig[4] = {0, 0, 0, 0};
    fst24_grid *grids[6] = {0};
    int st = fst24_grid_new('N', ni, nj, 200, 300, 4000, 1000, &grids[0]);
    st = st ? st : fst24_grid_new('L', ni, nj, 100, 200, 300, 400, &grids[1]);
    st = st ? st : fst24_grid_new('E', ni, nj, 1350, 450, 56000, 48000, &grids[2]);
    st = st ? st : fst24_grid_new_axes('Z', ni, nj, 'E', e_ig, ax, ay, &grids[3]);
    st = st ? st : fst24_grid_new_axes('Y', ni, nj, 'L', l_ig, ax, ay, &grids[4]);
    st = st ? st : fst24_grid_new('G', ni, nj, 0, 0, 0, 0, &grids[5]);
    CHECK(st == 0, "grids for the threaded lat/lon: %s", fst24_last_error());
    static double la1[23 * 37], lo1[23 * 37], la[23 * 37], lo[23 * 37];
    static float fa[23 * 37], fo[23 * 37];
    for (int k = 0; k < 6 && st == 0; k++) {
        int s1 = fst24_grid_latlon(grids[k], la1, lo1);
        for (int t = 0; t <= 4; t++) {
            int s2 = fst24_grid_latlon_threads(grids[k], la, lo, t);
            int s3 = fst24_grid_latlon_float(grids[k], fa, fo, t);
            int same = s1 == 0 && s2 == 0 && s3 == 0;
            for (int32_t i = 0; same && i < n; i++)
                same = la[i] == la1[i] && lo[i] == lo1[i] && fa[i] == (float)la1[i] && fo[i] == (float)lo1[i];
            CHECK(same, "grid %d, %d threads: same lat/lon as one thread (%d %d %d)", k, t, s1, s2, s3);
        }
    }
    for (int k = 0; k < 6; k++) fst24_grid_free(grids[k]);
    fst24_grid *y = NULL;
    st = fst24_grid_new_axes('Y', ni, nj, 'E', e_ig, ax, ay, &y);
    if (st == 0) {
        CHECK(fst24_grid_latlon_threads(y, la, lo, 2) == FST24_E_UNSUPPORTED &&
                  fst24_grid_latlon_float(y, fa, fo, 2) == FST24_E_UNSUPPORTED,
              "Y on E: no lat/lon, threaded or float");
        fst24_grid_free(y);
    }
    CHECK(fst24_grid_latlon_threads(NULL, la, lo, 1) == FST24_E_INVALID &&
              fst24_grid_latlon_float(NULL, fa, fo, 1) == FST24_E_INVALID,
          "NULL grid refused");
}

int main(void) {
    test_igxg();
    test_rotation();
    test_ps();
    test_simple_grids();
    test_cf_ps();
    test_atan2();
    test_latlon_threads();
    if (tu_corpus_part("librmn's synthetic grids (ref/latlon/synthetic.jsonl)")) test_synthetic();
    return finish();
}
