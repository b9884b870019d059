/* Helpers shared by the grid tests: a check macro, a tiny reader for the flat
 * JSON lines of ref/latlon/, and the comparison of computed lat/lon with
 * librmn's reference (full float32 arrays when present, else the summary). */
#ifndef TEST_GRID_UTIL_H
#define TEST_GRID_UTIL_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fst24.h"
#include "testfiles.h"

#define TGU_UNUSED __attribute__((unused))
TGU_UNUSED static int g_pass, g_fail;
#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (cond)                                                                                                      \
            g_pass++;                                                                                                  \
        else {                                                                                                         \
            g_fail++;                                                                                                  \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                                                \
            printf(__VA_ARGS__);                                                                                       \
            printf("\n");                                                                                              \
        }                                                                                                              \
    } while (0)
#define NEAR(a, b, tol) (fabs((double)(a) - (double)(b)) <= (tol))

TGU_UNUSED static int finish(void) {
    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail ? 1 : 0;
}

/* Number (or "NaN" string); returns 0 if absent or null. */
TGU_UNUSED static int jnum(const char *s, const char *key, double *v) {
    const char *p = tu_jfield(s, key);
    if (!p || !strncmp(p, "null", 4)) return 0;
    if (!strncmp(p, "\"NaN\"", 5)) {
        *v = NAN;
        return 1;
    }
    char *e;
    *v = strtod(p, &e);
    return e != p;
}

/* Array of numbers; returns the count (<= max). */
TGU_UNUSED static int jarr(const char *s, const char *key, double *out, int max) {
    const char *p = tu_jfield(s, key);
    if (!p || *p != '[') return 0;
    p++;
    int n = 0;
    while (*p && *p != ']' && n < max) {
        while (*p == ' ' || *p == ',') p++;
        if (*p == ']') break;
        if (!strncmp(p, "\"NaN\"", 5)) {
            out[n++] = NAN;
            p += 5;
            continue;
        }
        char *e;
        double v = strtod(p, &e);
        if (e == p) break;
        out[n++] = v;
        p = e;
    }
    return n;
}

/* Copy of the object value of `key` (flat: up to the first '}'). */
TGU_UNUSED static char *jobj(const char *s, const char *key) {
    const char *p = tu_jfield(s, key);
    if (!p || *p != '{') return NULL;
    const char *e = strchr(p, '}');
    if (!e) return NULL;
    char *o = malloc((size_t)(e - p) + 2);
    memcpy(o, p, (size_t)(e - p) + 1);
    o[e - p + 1] = 0;
    return o;
}

TGU_UNUSED static char *read_line(FILE *f) {
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    int c;
    while ((c = fgetc(f)) != EOF && c != '\n') {
        if (n + 2 > cap) b = realloc(b, cap *= 2);
        b[n++] = (char)c;
    }
    if (c == EOF && n == 0) {
        free(b);
        return NULL;
    }
    b[n] = 0;
    return b;
}

TGU_UNUSED static float *read_f32(const char *path, size_t n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    float *v = malloc(n * sizeof(float));
    size_t got = fread(v, sizeof(float), n, f);
    fclose(f);
    if (got != n) {
        free(v);
        return NULL;
    }
    return v;
}

TGU_UNUSED static double lon_diff(double a, double b) {
    double d = fmod(fabs(a - b), 360.0);
    return d > 180.0 ? 360.0 - d : d;
}

/* Longitude error as a distance along the parallel (degrees of arc): near the
 * poles the longitude is ill-conditioned and librmn's single-precision values
 * drift by up to 5e-4 deg of longitude while the point moves by < 1e-6 deg. */
TGU_UNUSED static double lon_err(double a, double b, double lat) {
    return lon_diff(a, b) * cos(lat * 3.14159265358979323846 / 180.0);
}

/* Latitude error beyond the uncertainty of librmn's single-precision asin:
 * a few float ulps of sin(lat) move lat by ~1e-5/cos(lat) degrees (up to
 * 2.4e-4 deg at 89.5 deg, confirmed by a float32 re-computation). */
TGU_UNUSED static double lat_err(double a, double ref) {
    const double e = fabs(a - ref) - 1e-5 / fmax(cos(ref * 3.14159265358979323846 / 180.0), 1e-3);
    return e > 0 ? e : 0.0;
}

/* Compare lat/lon (ni*nj) with a reference JSON line. Returns the max error in
 * degrees (latitude beyond librmn's float uncertainty, and longitude modulo
 * 360 scaled by cos(lat)) or a negative value if the reference could not be read. */
TGU_UNUSED static double compare_latlon(const char *line, const double *lat, const double *lon, size_t n) {
    double err = 0.0;
    char fl[512], fo[512];
    if (tu_jstr(line, "lat_file", fl, sizeof fl) && tu_jstr(line, "lon_file", fo, sizeof fo)) {
        char p1[1024], p2[1024];
        snprintf(p1, sizeof p1, "%s/ref/latlon/arrays/%s", tu_corpus(), fl);
        snprintf(p2, sizeof p2, "%s/ref/latlon/arrays/%s", tu_corpus(), fo);
        float *rl = read_f32(p1, n), *ro = read_f32(p2, n);
        if (!rl || !ro) {
            free(rl);
            free(ro);
            return -1;
        }
        for (size_t k = 0; k < n; k++) {
            double e = lat_err(lat[k], rl[k]);
            if (!(e <= err)) err = e;
            if (fabs(rl[k]) < 89.9999) {
                e = lon_err(lon[k], ro[k], rl[k]);
                if (!(e <= err)) err = e;
            }
        }
        free(rl);
        free(ro);
        return err;
    }
    /* summary only: first8, last8, corners */
    char *ol = jobj(line, "lat"), *oo = jobj(line, "lon");
    if (!ol || !oo) {
        free(ol);
        free(oo);
        return -1;
    }
    double a[8], b[8];
    int na = jarr(ol, "first8", a, 8), nb = jarr(oo, "first8", b, 8);
    for (int k = 0; k < na && k < nb && (size_t)k < n; k++) {
        err = fmax(err, lat_err(lat[k], a[k]));
        if (fabs(a[k]) < 89.9999) err = fmax(err, lon_err(lon[k], b[k], a[k]));
    }
    na = jarr(ol, "last8", a, 8);
    nb = jarr(oo, "last8", b, 8);
    for (int k = 0; k < na && k < nb && (size_t)k < n; k++) {
        size_t idx = n - (size_t)na + (size_t)k;
        err = fmax(err, lat_err(lat[idx], a[k]));
        if (fabs(a[k]) < 89.9999) err = fmax(err, lon_err(lon[idx], b[k], a[k]));
    }
    free(ol);
    free(oo);
    return err;
}
#endif
