/* Coordinates of a grid: latitude/longitude of every point, cell corners and
 * the 1-D projection axes of separable grids. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/error.h"
#include "common/pool.h"
#include "meta/grid_internal.h"

/* ---- rotated grids: single-precision kernel ----------------------------- */

/* The rotated grids (GEM's Z on E) are the large ones, so their lat/lon must
 * be fast. librmn computes them in single precision and the contract with its
 * output is 1e-4 degrees, so the rotation, square root and atan run in float
 * (16 lanes with AVX-512 against 8 in double: 15 -> 8 ms for 2000 x 2000, then
 * 6.3 ms with the hardware square root, see docs/performance.md). The octant
 * turns of atan2 are kept exact as a multiple of 30 degrees and added in
 * double, so only the reduced angle carries float rounding: within 8e-6
 * degrees of the double-precision result. Clones for
 * x86-64-v4 (AVX-512) and v3 (AVX2 + FMA); the default target has 4-wide SSE2
 * floats and no FMA. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GRID_KERNEL __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default"))) GRID_NOTRAP
#else
#define GRID_KERNEL GRID_NOTRAP
#endif

/* atan(mn / mx) for 0 <= mn <= mx as 30 *k degrees + atan(*num / *den)
 * radians (*k is 0 or 1, the ratio within +-tan(pi/12)): past tan(pi/12) the
 * ratio is reduced by pi/6 as in grid_atan2. The division and the polynomial
 * (atan_poly_f) are left to the caller so that its two arctangents per point
 * stay two independent chains. Branch-free so that loops vectorise; atan(0/0)
 * = 0. */
GRID_NOTRAP static inline void atan_reduce_f(float mn, float mx, float *num, float *den, float *k) {
    /* the reduction is arithmetic on kk rather than selects: with selects GCC
     * splits the division and the polynomial into both arms */
    const float kk = mn > 0.26794919f * mx ? 1.0f : 0.0f; /* tan(pi/12) */
    *num = mn + kk * (0.73205081f * mn - mx);             /* sqrt(3) mn - mx */
    *den = (mx > 0 ? mx : 1.0f) + kk * (0.73205081f * mx + mn);
    *k = kk;
}

/* atan(t) for |t| <= tan(pi/12): t + t^3 P(t^2), P a 3-term least-squares
 * fit of (atan(t)/t - 1)/t^2: within 2.3e-8 relative (float's ulp is 6e-8). */
GRID_NOTRAP static inline float atan_poly_f(float t) {
    const float s = t * t;
    float p = -0.12870606f;
    p = p * s + 0.19942775f;
    p = p * s - 0.33332668f;
    return (t * s) * p + t;
}

/* atan(ay / ax) for ay, ax >= 0 as *d degrees, an exact multiple of 30, +
 * the returned radians (within +-pi/12): the callers turn it to their
 * quadrant exactly in *d and add the two in double, so only the reduced
 * angle carries float rounding. atan(0/0) = 0. */
GRID_NOTRAP static inline float atan_quadrant_f(float ay, float ax, float *d) {
    float num, den, k;
    atan_reduce_f(ax < ay ? ax : ay, ax < ay ? ay : ax, &num, &den, &k);
    const float e = atan_poly_f(num / den), o = 30.0f * k;
    *d = ay > ax ? 90.0f - o : o; /* atan(a/b) = 90 - atan(b/a) */
    return ay > ax ? -e : e;
}

/* sqrt(q) for q >= 0 in float. This file is compiled with -fno-math-errno
 * (CMakeLists.txt), so the hardware square root (one instruction, correctly
 * rounded) vectorises. Without it the libm call's errno handling would stop
 * vectorisation, so the fallback is the exponent-halving bit trick for the
 * reciprocal square root, two Newton steps (relative error 3.4e-2 -> 1.8e-3
 * -> 4.6e-6), then one Newton step on the root itself (-> float rounding).
 * sqrt(0) = 0. */
GRID_NOTRAP static inline float sqrt_f(float q) {
#ifdef __NO_MATH_ERRNO__
    return __builtin_sqrtf(q);
#else
    uint32_t b;
    memcpy(&b, &q, sizeof b);
    b = 0x5f375a86u - (b >> 1);
    float r;
    memcpy(&r, &b, sizeof r);
    const float hq = 0.5f * q;
    r = r * (1.5f - hq * r * r);
    r = r * (1.5f - hq * r * r);
    const float h = q * r;
    return h + 0.5f * r * (q - h * h);
#endif
}

/* One row: geographic xyz = cphi * (u, v, w) + (cx, cy, cz), where (u, v, w)
 * are the per-column terms of the rotation; lat = atan2(z, |xy|), within
 * [-90, 90] since e <= 0 when d is 90; lon = atan2(y, x) turned to [0, 360).
 * Both reductions come before both divisions, which keeps the two chains
 * (square root -> division -> polynomial) apart for the scheduler: 8 % faster
 * than one whole arctangent after the other. Every select picks between
 * values computed unconditionally, so GCC makes them vector blends. */
/* The row kernel, for double (rotated_row_f) and float (rotated_row_f32) results: a float
 * result is the double one rounded, so both give the same values. A longitude of 360 - a
 * tiny angle rounds to 360 (in double, or in float from double): that is 0; for float
 * results the float test is enough, since l >= 360 rounds to a float >= 360. */
#define ROTATED_ROW_KERNEL(NAME, OUT)                                                                                  \
    GRID_KERNEL                                                                                                        \
    static void NAME(float cphi, float cx, float cy, float cz, const float *u, const float *v, const float *w,         \
                     int32_t n, OUT *lat, OUT *lon) {                                                                  \
        for (int32_t i = 0; i < n; i++) {                                                                              \
            const float gx = cphi * u[i] + cx, gy = cphi * v[i] + cy, gz = cphi * w[i] + cz;                           \
            const float az = fabsf(gz), h = sqrt_f(gx * gx + gy * gy), ax = fabsf(gx), ay = fabsf(gy);                 \
            float n1, d1, k1, n2, d2, k2;                                                                              \
            atan_reduce_f(az < h ? az : h, az < h ? h : az, &n1, &d1, &k1);                                            \
            atan_reduce_f(ax < ay ? ax : ay, ax < ay ? ay : ax, &n2, &d2, &k2);                                        \
            float e = atan_poly_f(n1 / d1), d = 30.0f * k1;                                                            \
            e = az > h ? -e : e; /* atan(a/b) = 90 - atan(b/a) */                                                      \
            d = az > h ? 90.0f - d : d;                                                                                \
            d = gz < 0 ? -d : d;                                                                                       \
            e = gz < 0 ? -e : e;                                                                                       \
            lat[i] = (OUT)((double)e * GRID_DEG + (double)d);                                                          \
            e = atan_poly_f(n2 / d2);                                                                                  \
            d = 30.0f * k2;                                                                                            \
            e = ay > ax ? -e : e;                                                                                      \
            d = ay > ax ? 90.0f - d : d;                                                                               \
            d = gx < 0 ? 180.0f - d : d;                                                                               \
            e = gx < 0 ? -e : e;                                                                                       \
            d = gy < 0 ? 360.0f - d : d; /* [0, 360) rather than (-180, 180] */                                        \
            e = gy < 0 ? -e : e;                                                                                       \
            const OUT o = (OUT)((double)e * GRID_DEG + (double)d);                                                     \
            lon[i] = o < (OUT)360 ? o : (OUT)0;                                                                        \
        }                                                                                                              \
    }
ROTATED_ROW_KERNEL(rotated_row_f, double)
ROTATED_ROW_KERNEL(rotated_row_f32, float)

/* Per-column terms of a rotated grid (u, v, w: 3*ni floats, freed by the caller):
 * computed in double (cos/sin of the rotated longitude) and rounded once. */
static int rotated_columns(const fst24_grid *g, float **out) {
    const int32_t ni = g->ni;
    double *uvw = malloc(3 * (size_t)ni * sizeof(double));
    float *uvwf = malloc(3 * (size_t)ni * sizeof(float));
    if (!uvw || !uvwf) {
        free(uvw);
        free(uvwf);
        return fst_error(FST24_E_NOMEM, "grid %c %dx%d: out of memory", g->grtyp, (int)ni, (int)g->nj);
    }
    fst_grid_rotated_prepare(g->proj.R, g->ax, ni, uvw, uvw + ni, uvw + 2 * (size_t)ni);
    for (size_t k = 0; k < 3 * (size_t)ni; k++) uvwf[k] = (float)uvw[k];
    free(uvw);
    *out = uvwf;
    return FST24_OK;
}

/* Rows j0 .. j0+nrows-1 of a rotated grid into lat/lon (row j0 first). */
static void rotated_rows(const fst24_grid *g, const float *uvwf, int32_t j0, int32_t nrows, double *lat, double *lon) {
    const int32_t ni = g->ni;
    const double(*R)[3] = g->proj.R;
    for (int32_t j = j0; j < j0 + nrows; j++) {
        const double phi = g->ay[j] * GRID_RAD, c = cos(phi), s = sin(phi);
        const size_t o = (size_t)(j - j0) * ni;
        rotated_row_f((float)c, (float)(R[2][0] * s), (float)(R[2][1] * s), (float)(R[2][2] * s), uvwf, uvwf + ni,
                      uvwf + 2 * (size_t)ni, ni, lat + o, lon + o);
    }
}

/* As rotated_rows, float results. */
static void rotated_rows_f32(const fst24_grid *g, const float *uvwf, int32_t j0, int32_t nrows, float *lat,
                             float *lon) {
    const int32_t ni = g->ni;
    const double(*R)[3] = g->proj.R;
    for (int32_t j = j0; j < j0 + nrows; j++) {
        const double phi = g->ay[j] * GRID_RAD, c = cos(phi), s = sin(phi);
        const size_t o = (size_t)j * ni;
        rotated_row_f32((float)c, (float)(R[2][0] * s), (float)(R[2][1] * s), (float)(R[2][2] * s), uvwf, uvwf + ni,
                        uvwf + 2 * (size_t)ni, ni, lat + o, lon + o);
    }
}

static int latlon_rotated(const fst24_grid *g, double *lat, double *lon) {
    float *uvwf;
    int st = rotated_columns(g, &uvwf);
    if (st) return st;
    rotated_rows(g, uvwf, 0, g->nj, lat, lon);
    free(uvwf);
    return FST24_OK;
}

/* ---- polar stereographic: single-precision kernel ---------------------- */

/* librmn llfxy with (x, y), the offsets from the pole, in units of the
 * projection's earth radius re (so that nothing overflows for any d60), and
 * rho^2 = x^2 + y^2: lat = atan2(1 - rho^2, 2 rho), lon = atan2(y, x) - dgrw;
 * an S grid mirrors both (sg -1). c = -sg dgrw reduced to [0, 360). Float
 * for the same reasons as the rotated kernel above. rho^2 is capped at 1e30
 * (far off the projection: lat -90) so that float never meets inf - inf. */
GRID_KERNEL
static void ps_row_f(float y, const float *x, int32_t n, float sg, double c, double *lat, double *lon) {
    for (int32_t i = 0; i < n; i++) {
        const float xi = x[i], r2 = xi * xi + y * y;
        const float q = r2 < 1e30f ? r2 : 1e30f, nq = 1.0f - q;
        float d;
        float e = atan_quadrant_f(fabsf(nq), 2.0f * sqrt_f(q), &d);
        d = nq < 0 ? -d : d;
        e = nq < 0 ? -e : e;
        lat[i] = (double)(sg * e) * GRID_DEG + (double)(sg * d);
        e = atan_quadrant_f(fabsf(y), fabsf(xi), &d);
        d = xi < 0 ? 180.0f - d : d;
        e = xi < 0 ? -e : e;
        d = y < 0 ? -d : d;
        e = y < 0 ? -e : e;
        /* within [-180, 540): one turn at most either way */
        const double l0 = (double)(sg * e) * GRID_DEG + (double)(sg * d) + c;
        const double l1 = l0 < 0 ? l0 + 360.0 : l0;
        const double l2 = l1 >= 360.0 ? l1 - 360.0 : l1;
        /* the pole itself: librmn returns lon 0; + 0.0 turns -0 into +0 */
        lon[i] = q > 0 ? l2 + 0.0 : 0.0;
    }
}

/* Offset from the pole in units of re, capped so that its float square is
 * at most inf (never NaN). */
static float ps_offset(double a, double pole, double re) {
    const double v = (a - pole) / re;
    return (float)(v > 1e30 ? 1e30 : v < -1e30 ? -1e30 : v);
}

static int latlon_ps(const fst24_grid *g, double *lat, double *lon) {
    const grid_proj *p = &g->proj;
    const int32_t ni = g->ni, nj = g->nj;
    float *x = malloc((size_t)ni * sizeof(float));
    if (!x) return fst_error(FST24_E_NOMEM, "grid %c %dx%d: out of memory", g->grtyp, (int)ni, (int)nj);
    for (int32_t i = 0; i < ni; i++) x[i] = ps_offset(g->ax[i], p->pi, p->re);
    const float sg = p->south ? -1.0f : 1.0f;
    const double c = p->south ? p->dgrw : (p->dgrw > 0 ? 360.0 - p->dgrw : 0.0); /* dgrw in [0, 360) */
    for (int32_t j = 0; j < nj; j++)
        ps_row_f(ps_offset(g->ay[j], p->pj, p->re), x, ni, sg, c, lat + (size_t)j * ni, lon + (size_t)j * ni);
    free(x);
    return FST24_OK;
}

/* ---- latitude / longitude ---------------------------------------------- */

static int latlon_one(const fst24_grid *g, double *lat, double *lon) {
    const grid_proj *p = &g->proj;
    const int32_t ni = g->ni, nj = g->nj;
    const size_t n = (size_t)ni * nj;
    switch (p->kind) {
    case PROJ_LATLON: {
        for (int32_t j = 0; j < nj; j++) {
            const double la = p->y0 + p->dy * g->ay[j];
            if (!(fabs(la) <= 90.0 + 1e-9))
                return fst_error(FST24_E_INVALID, "grid %c %dx%d: row %d is at latitude %g, beyond the poles", g->grtyp,
                                 (int)ni, (int)nj, (int)j + 1, la);
        }
        for (int32_t i = 0; i < ni; i++) {
            double a = g->ax[i];
            if (p->shift_negative_lon && a < 0) a += 360.0;
            lon[i] = grid_wrap360(p->x0 + p->dx * a);
        }
        for (int32_t j = 0; j < nj; j++) {
            const double la = fmax(-90.0, fmin(90.0, p->y0 + p->dy * g->ay[j]));
            double *lr = lat + (size_t)j * ni;
            for (int32_t i = 0; i < ni; i++) lr[i] = la;
            if (j) memcpy(lon + (size_t)j * ni, lon, (size_t)ni * sizeof(double));
        }
        return FST24_OK;
    }
    case PROJ_ROTATED: return latlon_rotated(g, lat, lon);
    case PROJ_PS: return latlon_ps(g, lat, lon);
    case PROJ_CLOUD:
        if (g->ref_grtyp != 'L')
            return fst_error(FST24_E_UNSUPPORTED,
                             "grid Y on a '%c' reference: only L (values in degrees) is supported, as in librmn",
                             g->ref_grtyp);
        for (size_t k = 0; k < n; k++) {
            lat[k] = g->ay[k];
            lon[k] = grid_wrap360(g->ax[k]);
        }
        return FST24_OK;
    case PROJ_POINT:
        for (size_t k = 0; k < n; k++) {
            lat[k] = p->lat0;
            lon[k] = p->lon0;
        }
        return FST24_OK;
    default: return fst_error(FST24_E_UNSUPPORTED, "grid %c: no latitude/longitude", g->grtyp);
    }
}

int fst24_grid_latlon(const fst24_grid *g, double *lat, double *lon) {
    if (!g || !lat || !lon) return fst_error(FST24_E_INVALID, "fst24_grid_latlon: NULL argument");
    if (g->proj.kind != PROJ_SUPER) return latlon_one(g, lat, lon);
    size_t off = 0;
    for (int k = 0; k < g->nsub; k++) {
        int st = latlon_one(g->sub[k], lat + off, lon + off);
        if (st) return st;
        off += (size_t)g->sub[k]->ni * g->sub[k]->nj;
    }
    return FST24_OK;
}

/* ---- latitude / longitude on several threads, double or float --------- */

/* Rows per task: enough to amortise a task, few enough to balance threads. */
#define LATLON_ROWS_PER_TASK 16

/* A longitude in [0, 360) rounded to float stays in [0, 360): one within half a float
 * step of 360 rounds to 360, which is 0 (other ranges are left as they are). */
static inline float fst_grid_lon_f32(double l) {
    const float o = (float)l;
    return o == 360.0f && l < 360.0 ? 0.0f : o;
}

typedef struct latlon_job {
    const fst24_grid *g;  /* not a super grid */
    const float *uvwf;    /* rotated grids: per-column terms; else NULL */
    double *lat, *lon;    /* double output, or */
    float *lat32, *lon32; /* float output */
    int32_t ntasks;
    int status; /* first failure (only out-of-memory can happen once checked) */
    char message[512];
    pthread_mutex_t lock;
} latlon_job;

/* Rows j0.. of grid g into lat/lon: the kernels of latlon_one on a view of those rows. */
static int latlon_rows(const latlon_job *job, int32_t j0, int32_t nrows, double *lat, double *lon) {
    const fst24_grid *g = job->g;
    if (job->uvwf) {
        rotated_rows(g, job->uvwf, j0, nrows, lat, lon);
        return FST24_OK;
    }
    fst24_grid view = *g; /* shallow: only its pointers move, nothing is freed */
    view.nj = nrows;
    if (g->proj.kind == PROJ_CLOUD) {
        view.ax = g->ax + (size_t)j0 * g->ni;
        view.ay = g->ay + (size_t)j0 * g->ni;
    } else if (g->ay) {
        view.ay = g->ay + j0;
    }
    return latlon_one(&view, lat, lon);
}

static void latlon_task(void *ctx, int64_t t) {
    latlon_job *job = ctx;
    if (__atomic_load_n(&job->status, __ATOMIC_RELAXED)) return;
    const int32_t ni = job->g->ni, nj = job->g->nj;
    const int32_t j0 = (int32_t)t * LATLON_ROWS_PER_TASK;
    const int32_t nrows = nj - j0 < LATLON_ROWS_PER_TASK ? nj - j0 : LATLON_ROWS_PER_TASK;
    int st = FST24_OK;
    if (job->lat) {
        st = latlon_rows(job, j0, nrows, job->lat + (size_t)j0 * ni, job->lon + (size_t)j0 * ni);
    } else if (job->uvwf) {
        rotated_rows_f32(job->g, job->uvwf, j0, nrows, job->lat32, job->lon32);
    } else {
        /* double results of one row at a time, rounded to float */
        double *row = malloc(2 * (size_t)ni * sizeof(double));
        if (!row) st = fst_error(FST24_E_NOMEM, "grid %c %dx%d: out of memory", job->g->grtyp, (int)ni, (int)nj);
        for (int32_t j = j0; !st && j < j0 + nrows; j++) {
            st = latlon_rows(job, j, 1, row, row + ni);
            float *la = job->lat32 + (size_t)j * ni, *lo = job->lon32 + (size_t)j * ni;
            for (int32_t i = 0; !st && i < ni; i++) {
                la[i] = (float)row[i];
                lo[i] = fst_grid_lon_f32(row[ni + i]);
            }
        }
        free(row);
    }
    if (st) {
        pthread_mutex_lock(&job->lock);
        if (!job->status) {
            snprintf(job->message, sizeof job->message, "%s", fst24_last_error());
            __atomic_store_n(&job->status, st, __ATOMIC_RELAXED);
        }
        pthread_mutex_unlock(&job->lock);
    }
}

/* One (non-super) grid: the row-independent checks first, in this thread, so that tasks can
 * only fail for memory; then the rows in tasks of LATLON_ROWS_PER_TASK. */
static int latlon_parallel(const fst24_grid *g, double *lat, double *lon, float *lat32, float *lon32, int threads) {
    const grid_proj *p = &g->proj;
    if (p->kind == PROJ_LATLON) {
        for (int32_t j = 0; j < g->nj; j++) {
            const double la = p->y0 + p->dy * g->ay[j];
            if (!(fabs(la) <= 90.0 + 1e-9))
                return fst_error(FST24_E_INVALID, "grid %c %dx%d: row %d is at latitude %g, beyond the poles", g->grtyp,
                                 (int)g->ni, (int)g->nj, (int)j + 1, la);
        }
    } else if (p->kind == PROJ_CLOUD && g->ref_grtyp != 'L') {
        return fst_error(FST24_E_UNSUPPORTED,
                         "grid Y on a '%c' reference: only L (values in degrees) is supported, as in librmn",
                         g->ref_grtyp);
    } else if (p->kind != PROJ_ROTATED && p->kind != PROJ_PS && p->kind != PROJ_CLOUD && p->kind != PROJ_POINT) {
        return fst_error(FST24_E_UNSUPPORTED, "grid %c: no latitude/longitude", g->grtyp);
    }
    latlon_job job = {.g = g, .lat = lat, .lon = lon, .lat32 = lat32, .lon32 = lon32};
    float *uvwf = NULL;
    if (p->kind == PROJ_ROTATED) {
        int st = rotated_columns(g, &uvwf);
        if (st) return st;
        job.uvwf = uvwf;
    }
    pthread_mutex_init(&job.lock, NULL);
    const int64_t ntasks = ((int64_t)g->nj + LATLON_ROWS_PER_TASK - 1) / LATLON_ROWS_PER_TASK;
    fst_pool_run(threads, ntasks, latlon_task, &job);
    pthread_mutex_destroy(&job.lock);
    free(uvwf);
    if (job.status) return fst_error(job.status, "%s", job.message);
    return FST24_OK;
}

static int latlon_threads(const fst24_grid *g, double *lat, double *lon, float *lat32, float *lon32, int threads,
                          const char *who) {
    if (!g || !(lat || lat32) || !(lon || lon32)) return fst_error(FST24_E_INVALID, "%s: NULL argument", who);
    if (g->proj.kind != PROJ_SUPER) return latlon_parallel(g, lat, lon, lat32, lon32, threads);
    size_t off = 0;
    for (int k = 0; k < g->nsub; k++) {
        int st = latlon_parallel(g->sub[k], lat ? lat + off : NULL, lon ? lon + off : NULL, lat32 ? lat32 + off : NULL,
                                 lon32 ? lon32 + off : NULL, threads);
        if (st) return st;
        off += (size_t)g->sub[k]->ni * g->sub[k]->nj;
    }
    return FST24_OK;
}

int fst24_grid_latlon_threads(const fst24_grid *g, double *lat, double *lon, int threads) {
    return latlon_threads(g, lat, lon, NULL, NULL, threads, "fst24_grid_latlon_threads");
}

int fst24_grid_latlon_float(const fst24_grid *g, float *lat, float *lon, int threads) {
    return latlon_threads(g, NULL, NULL, lat, lon, threads, "fst24_grid_latlon_float");
}

/* ---- cell bounds ------------------------------------------------------- */

/* Axis value at a fractional 0-based index, linear inside, extrapolated outside. */
static double axis_at(const double *a, int32_t n, double f) {
    if (n == 1) return a[0];
    int32_t k = (int32_t)floor(f);
    if (k < 0) k = 0;
    if (k > n - 2) k = n - 2;
    return a[k] + (f - k) * (a[k + 1] - a[k]);
}

static void point_at(const fst24_grid *g, double fi, double fj, double *lat, double *lon) {
    const grid_proj *p = &g->proj;
    const double x = axis_at(g->ax, g->ni, fi), y = axis_at(g->ay, g->nj, fj);
    switch (p->kind) {
    case PROJ_LATLON: {
        double a = x;
        if (p->shift_negative_lon && a < 0) a += 360.0;
        double la = p->y0 + p->dy * y;
        *lat = la > 90.0 ? 90.0 : la < -90.0 ? -90.0 : la;
        *lon = grid_wrap360(p->x0 + p->dx * a);
        return;
    }
    case PROJ_ROTATED: fst_grid_rotated_point(p->R, y > 90.0 ? 90.0 : y < -90.0 ? -90.0 : y, x, lat, lon); return;
    case PROJ_PS: fst_grid_ps_point(p, x - p->pi, y - p->pj, lat, lon); return;
    default: *lat = *lon = NAN;
    }
}

static int bounds_one(const fst24_grid *g, double *lat_b, double *lon_b) {
    const int32_t ni = g->ni, nj = g->nj;
    if (g->proj.kind != PROJ_LATLON && g->proj.kind != PROJ_ROTATED && g->proj.kind != PROJ_PS)
        return fst_error(FST24_E_UNSUPPORTED, "grid %c: points have no cells (no bounds)", g->grtyp);
    /* corner lattice (ni+1) x (nj+1), then scattered to the four corners of each cell */
    const size_t cn = (size_t)(ni + 1) * (nj + 1);
    double *cl = malloc(2 * cn * sizeof(double));
    if (!cl) return fst_error(FST24_E_NOMEM, "grid %c %dx%d: out of memory for bounds", g->grtyp, (int)ni, (int)nj);
    double *co = cl + cn;
    for (int32_t j = 0; j <= nj; j++)
        for (int32_t i = 0; i <= ni; i++) {
            const size_t c = (size_t)j * (ni + 1) + i;
            point_at(g, i - 0.5, j - 0.5, &cl[c], &co[c]);
        }
    for (int32_t j = 0; j < nj; j++)
        for (int32_t i = 0; i < ni; i++) {
            const size_t p = 4 * ((size_t)j * ni + i), c0 = (size_t)j * (ni + 1) + i, c1 = c0 + ni + 1;
            const size_t idx[4] = {c0, c0 + 1, c1 + 1, c1};
            for (int k = 0; k < 4; k++) {
                lat_b[p + k] = cl[idx[k]];
                lon_b[p + k] = co[idx[k]];
            }
        }
    free(cl);
    return FST24_OK;
}

int fst24_grid_bounds(const fst24_grid *g, double *lat_b, double *lon_b) {
    if (!g || !lat_b || !lon_b) return fst_error(FST24_E_INVALID, "fst24_grid_bounds: NULL argument");
    if (g->proj.kind != PROJ_SUPER) return bounds_one(g, lat_b, lon_b);
    size_t off = 0;
    for (int k = 0; k < g->nsub; k++) {
        int st = bounds_one(g->sub[k], lat_b + 4 * off, lon_b + 4 * off);
        if (st) return st;
        off += (size_t)g->sub[k]->ni * g->sub[k]->nj;
    }
    return FST24_OK;
}

/* ---- projection axes --------------------------------------------------- */

int fst24_grid_axes(const fst24_grid *g, double *x, double *y) {
    if (!g || !x || !y) return fst_error(FST24_E_INVALID, "fst24_grid_axes: NULL argument");
    const grid_proj *p = &g->proj;
    switch (p->kind) {
    case PROJ_LATLON:
        for (int32_t i = 0; i < g->ni; i++) {
            double a = g->ax[i];
            if (p->shift_negative_lon && a < 0) a += 360.0;
            x[i] = p->x0 + p->dx * a;
            /* keep the axis monotonic across Greenwich */
            if (i && x[i] < x[i - 1] - 180.0) x[i] += 360.0;
        }
        for (int32_t j = 0; j < g->nj; j++) y[j] = p->y0 + p->dy * g->ay[j];
        return FST24_OK;
    case PROJ_ROTATED:
        memcpy(x, g->ax, (size_t)g->ni * sizeof(double));
        memcpy(y, g->ay, (size_t)g->nj * sizeof(double));
        return FST24_OK;
    case PROJ_PS:
        for (int32_t i = 0; i < g->ni; i++) x[i] = (g->ax[i] - 1.0) * p->d60;
        for (int32_t j = 0; j < g->nj; j++) y[j] = (g->ay[j] - 1.0) * p->d60;
        return FST24_OK;
    default: return fst_error(FST24_E_UNSUPPORTED, "grid %c: not separable, no 1-D axes", g->grtyp);
    }
}
