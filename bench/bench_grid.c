/* Benchmark: latitude/longitude of a 2000 x 2000 Z grid on a rotated E
 * reference (GEM LAM-like axes), one thread. Output arrays are allocated and
 * touched once before timing so that page faults are not counted; a "cold"
 * run with fresh arrays is reported separately, and so is the float-result
 * path (fst24_grid_latlon_float, one thread). The rotated grid is computed
 * in single precision, so its distance from a double-precision libm
 * recomputation (from the rotation matrix of fst24_grid_describe) is printed
 * too. Also a polar-stereographic grid of the same size (single precision
 * too, checked the same way), a plain lat-lon one (only stores) and the grid
 * construction itself. Best of 11 runs: on a shared machine the minimum is
 * the steady figure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fst24.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* CPU time of this thread: on a machine shared with other jobs it is steadier
 * than wall time (the benchmark is single-threaded, so both measure one core). */
static double cpu(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

#define REPS 11

static double best_cpu;

static double best_of(const fst24_grid *g, double *lat, double *lon, int reps) {
    double best = 1e9;
    best_cpu = 1e9;
    for (int r = 0; r < reps; r++) {
        double t0 = now(), c0 = cpu();
        if (fst24_grid_latlon(g, lat, lon)) {
            fprintf(stderr, "latlon failed: %s\n", fst24_last_error());
            exit(1);
        }
        double t = now() - t0, c = cpu() - c0;
        if (t < best) best = t;
        if (c < best_cpu) best_cpu = c;
    }
    return best;
}

/* Distance of one point from its reference: latitude in degrees, longitude
 * as degrees of arc along the parallel (longitude itself is ill-conditioned
 * near the poles). */
static void worst(double la, double lo, double ref_la, double ref_lo, double *dlat, double *dlon) {
    double d = fmod(fabs(lo - ref_lo), 360.0);
    d = d > 180 ? 360 - d : d;
    *dlat = fmax(*dlat, fabs(la - ref_la));
    *dlon = fmax(*dlon, d * cos(ref_la * M_PI / 180));
}

/* Rotated grid: geographic = R^T . rotated_xyz in double with libm. */
static void deviation_rotated(const fst24_grid *g, const double *ax, const double *ay, int n, const double *lat,
                              const double *lon, double *dlat, double *dlon) {
    fst24_grid_info info;
    *dlat = *dlon = -1;
    if (fst24_grid_describe(g, &info)) return;
    const double(*R)[3] = info.rotation, rad = M_PI / 180;
    *dlat = *dlon = 0;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            const double r[3] = {cos(ay[j] * rad) * cos(ax[i] * rad), cos(ay[j] * rad) * sin(ax[i] * rad),
                                 sin(ay[j] * rad)};
            double x[3];
            for (int k = 0; k < 3; k++) x[k] = R[0][k] * r[0] + R[1][k] * r[1] + R[2][k] * r[2];
            const size_t p = (size_t)j * n + i;
            worst(lat[p], lon[p], atan2(x[2], hypot(x[0], x[1])) / rad, atan2(x[1], x[0]) / rad, dlat, dlon);
        }
}

/* N grid: stereographic radius r from the pole (1-based grid positions),
 * Re = (1 + sin 60) * 6371 km / d60 in grid units, lat = asin((Re^2 - r^2) /
 * (Re^2 + r^2)) written as atan2, lon = atan2(y, x) - dgrw. */
static void deviation_ps(const fst24_grid *g, int n, const double *lat, const double *lon, double *dlat, double *dlon) {
    fst24_grid_info info;
    *dlat = *dlon = -1;
    if (fst24_grid_describe(g, &info)) return;
    const double re = 1.866025 * 6371000.0 / info.d60, rad = M_PI / 180;
    *dlat = *dlon = 0;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            const double x = i + 1 - info.pole_i, y = j + 1 - info.pole_j, r = hypot(x, y);
            const size_t p = (size_t)j * n + i;
            worst(lat[p], lon[p], atan2(re * re - r * r, 2 * re * r) / rad, atan2(y, x) / rad - info.dgrw, dlat, dlon);
        }
}

int main(int argc, char **argv) {
    const int n = argc > 1 ? atoi(argv[1]) : 2000;
    const size_t np = (size_t)n * n;
    double *ax = malloc(n * sizeof(double)), *ay = malloc(n * sizeof(double));
    for (int i = 0; i < n; i++) ax[i] = 140.0 + 80.0 * i / (n - 1);
    for (int j = 0; j < n; j++) ay[j] = -40.0 + 80.0 * j / (n - 1);
    const float xg[4] = {57.5f, 250.0f, 56.0f, 291.0f};
    int32_t ig[4];
    fst24_xg_to_ig('E', 1, xg, ig);
    fst24_grid *g = NULL;
    double t0 = now();
    if (fst24_grid_new_axes('Z', n, n, 'E', ig, ax, ay, &g)) {
        fprintf(stderr, "%s\n", fst24_last_error());
        return 1;
    }
    const double tbuild = now() - t0;
    double *lat = malloc(np * sizeof(double)), *lon = malloc(np * sizeof(double));
    t0 = now();
    fst24_grid_latlon(g, lat, lon); /* cold: includes first-touch page faults */
    const double cold = now() - t0;
    const double warm = best_of(g, lat, lon, REPS);
    printf("Z on rotated E %dx%d: build %.3f ms, lat/lon cold %.2f ms, warm best-of-%d %.2f ms wall / %.2f ms cpu "
           "(%.2f ns/point)\n",
           n, n, tbuild * 1e3, cold * 1e3, REPS, warm * 1e3, best_cpu * 1e3, best_cpu * 1e9 / np);
    printf("  check: lat[0]=%.6f lon[0]=%.6f lat[last]=%.6f lon[last]=%.6f\n", lat[0], lon[0], lat[np - 1],
           lon[np - 1]);
    /* float results (the xarray default), one thread */
    float *lat32 = malloc(np * sizeof(float)), *lon32 = malloc(np * sizeof(float));
    fst24_grid_latlon_float(g, lat32, lon32, 1); /* first touch */
    double f32 = 1e9, f32_cpu = 1e9;
    for (int r = 0; r < REPS; r++) {
        const double w0 = now(), c0 = cpu();
        if (fst24_grid_latlon_float(g, lat32, lon32, 1)) {
            fprintf(stderr, "latlon_float failed: %s\n", fst24_last_error());
            return 1;
        }
        const double w = now() - w0, c = cpu() - c0;
        f32 = w < f32 ? w : f32;
        f32_cpu = c < f32_cpu ? c : f32_cpu;
    }
    printf("  float results, 1 thread: warm best-of-%d %.2f ms wall / %.2f ms cpu (%.2f ns/point)\n", REPS, f32 * 1e3,
           f32_cpu * 1e3, f32_cpu * 1e9 / np);
    free(lat32);
    free(lon32);
    double dlat, dlon;
    deviation_rotated(g, ax, ay, n, lat, lon, &dlat, &dlon);
    printf("  largest distance from a double-precision libm recomputation: lat %.2g deg, lon %.2g deg of arc\n", dlat,
           dlon);
    fst24_grid_free(g);

    /* polar stereographic of the same size */
    if (fst24_grid_new('N', n, n, 0, 0, 0, 0, &g) == 0) fst24_grid_free(g); /* d60 0: rejected, just exercising */
    const float xps[4] = {(float)n / 2, (float)n / 2, 10000.0f, 350.0f};
    fst24_xg_to_ig('N', 1, xps, ig);
    if (fst24_grid_new('N', n, n, ig[0], ig[1], ig[2], ig[3], &g)) {
        fprintf(stderr, "%s\n", fst24_last_error());
        return 1;
    }
    const double ps = best_of(g, lat, lon, REPS);
    printf("N polar stereographic %dx%d: lat/lon best-of-%d %.2f ms wall / %.2f ms cpu (%.2f ns/point)\n", n, n, REPS,
           ps * 1e3, best_cpu * 1e3, best_cpu * 1e9 / np);
    deviation_ps(g, n, lat, lon, &dlat, &dlon);
    printf("  largest distance from a double-precision libm recomputation: lat %.2g deg, lon %.2g deg of arc\n", dlat,
           dlon);
    fst24_grid_free(g);

    /* plain lat-lon (identity E reference) */
    const int32_t idg[4] = {900, 0, 43200, 43200};
    fst24_grid_new_axes('Z', n, n, 'E', idg, ax, ay, &g);
    const double ll = best_of(g, lat, lon, REPS);
    printf("Z on identity E %dx%d: lat/lon best-of-%d %.2f ms wall / %.2f ms cpu\n", n, n, REPS, ll * 1e3,
           best_cpu * 1e3);
    fst24_grid_free(g);
    free(lat);
    free(lon);
    free(ax);
    free(ay);
    return 0;
}
