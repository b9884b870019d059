/* Pure projection math for horizontal grids: Gaussian latitudes, rotated
 * lat-lon (E), polar stereographic (N/S). No I/O, no state. */
#include <math.h>
#include <stdlib.h>
#include "common/error.h"

#include "meta/grid_internal.h"

/* Roots are refined GAUSS_LANES at a time: the three-term recurrence of one root is
 * a chain of dependent operations, several independent roots keep the FPU busy (and
 * vectorise). */
#define GAUSS_LANES 8

int grid_gaussian(int32_t n, double *lat)
{
    if (n <= 0 || n > GRID_MAX_GAUSSIAN)
        return fst_error(FST24_E_INVALID, "gaussian grid: %d latitudes (1..%d supported)", (int)n, GRID_MAX_GAUSSIAN);
    const int32_t nroots = n / 2;
    /* 1/k and 2k-1 per degree: a multiplication per step instead of a division */
    double *inv = malloc((size_t)(n + 1) * 2 * sizeof(double));
    if (!inv) return fst_error(FST24_E_NOMEM, "gaussian grid: %d latitudes: out of memory", (int)n);
    double *odd = inv + n + 1;
    for (int32_t k = 1; k <= n; k++) {
        inv[k] = 1.0 / k;
        odd[k] = 2.0 * k - 1.0;
    }
    for (int32_t k0 = 1; k0 <= nroots; k0 += GAUSS_LANES) {
        double mu[GAUSS_LANES], p0[GAUSS_LANES], p1[GAUSS_LANES];
        int done[GAUSS_LANES];
        for (int l = 0; l < GAUSS_LANES; l++) {
            const int32_t k = k0 + l <= nroots ? k0 + l : nroots; /* spare lanes repeat the last root */
            const double theta = (4.0 * k - 1.0) * GRID_PI / (4.0 * n + 2.0);
            mu[l] = cos(theta + 1.0 / (8.0 * (double)n * n * tan(theta)));
            done[l] = k0 + l > nroots;
        }
        /* Newton in double precision until the step stops shrinking. */
        for (int it = 0; it < 100; it++) {
            for (int l = 0; l < GAUSS_LANES; l++) {
                p0[l] = 1.0;
                p1[l] = mu[l];
            }
            for (int32_t k = 2; k <= n; k++) { /* P_k from P_{k-1}, P_{k-2} */
                const double a = odd[k], b = k - 1.0, c = inv[k];
                for (int l = 0; l < GAUSS_LANES; l++) {
                    const double p2 = (a * mu[l] * p1[l] - b * p0[l]) * c;
                    p0[l] = p1[l];
                    p1[l] = p2;
                }
            }
            int all = 1;
            for (int l = 0; l < GAUSS_LANES; l++) {
                if (done[l]) continue;
                const double pn = p1[l], pn1 = p0[l];
                const double dp = n * (mu[l] * pn - pn1) / (mu[l] * mu[l] - 1.0);
                const double step = pn / dp;
                mu[l] -= step;
                if (fabs(step) < 1e-16) done[l] = 1;
                else all = 0;
            }
            if (all) break;
        }
        for (int l = 0; l < GAUSS_LANES && k0 + l <= nroots; l++) {
            const int32_t k = k0 + l;
            const double v = asin(mu[l]) * GRID_DEG;
            lat[n - k] = v;  /* northern root */
            lat[k - 1] = -v; /* its southern mirror */
        }
    }
    free(inv);
    if (n % 2) lat[n / 2] = 0.0;
    return FST24_OK;
}

static void to_xyz(double lat, double lon, double p[3])
{
    const double cl = cos(lat * GRID_RAD);
    p[0] = cl * cos(lon * GRID_RAD);
    p[1] = cl * sin(lon * GRID_RAD);
    p[2] = sin(lat * GRID_RAD);
}

int grid_rotation(double xlat1, double xlon1, double xlat2, double xlon2, double R[3][3])
{
    double p1[3], p2[3], c[3];
    to_xyz(xlat1, xlon1, p1);
    to_xyz(xlat2, xlon2, p2);
    const double a = p1[0] * p2[0] + p1[1] * p2[1] + p1[2] * p2[2];
    c[0] = p1[1] * p2[2] - p1[2] * p2[1];
    c[1] = p1[2] * p2[0] - p1[0] * p2[2];
    c[2] = p1[0] * p2[1] - p1[1] * p2[0];
    const double b = sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
    if (!(b > 1e-12)) return -1; /* coincident or antipodal points: no rotation defined */
    for (int k = 0; k < 3; k++) {
        R[0][k] = -p1[k];
        R[1][k] = (a * p1[k] - p2[k]) / b;
        R[2][k] = c[k] / b;
    }
    int identity = 1;
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 3; k++)
            if (fabs(R[r][k] - (r == k ? 1.0 : 0.0)) > 1e-14) identity = 0;
    return identity;
}

void grid_rotated_point(const double R[3][3], double rlat, double rlon, double *lat, double *lon)
{
    double r[3];
    to_xyz(rlat, rlon, r);
    double g[3];
    for (int k = 0; k < 3; k++) g[k] = R[0][k] * r[0] + R[1][k] * r[1] + R[2][k] * r[2];
    *lat = grid_atan2(g[2], sqrt(g[0] * g[0] + g[1] * g[1])) * GRID_DEG;
    *lon = grid_wrap360(grid_atan2(g[1], g[0]) * GRID_DEG);
}

void grid_rotated_prepare(const double R[3][3], const double *rlon_deg, int32_t n, double *u,
                          double *v, double *w)
{
    for (int32_t i = 0; i < n; i++) {
        const double cl = cos(rlon_deg[i] * GRID_RAD), sl = sin(rlon_deg[i] * GRID_RAD);
        u[i] = R[0][0] * cl + R[1][0] * sl;
        v[i] = R[0][1] * cl + R[1][1] * sl;
        w[i] = R[0][2] * cl + R[1][2] * sl;
    }
}

/* librmn llfxy in double precision: distances from the pole in grid units;
 * lat from the stereographic radius, written as atan2 so that it vectorises
 * (asin((Re^2 - r^2)/(Re^2 + r^2)) == atan2(Re^2 - r^2, 2 Re r)). Serves
 * single points (cell bounds); whole grids use the single-precision kernel
 * of grid_coords.c, as do rotated grids. */
GRID_NOTRAP
void grid_ps_row(const grid_proj *p, double y, const double *x, int32_t n, double *lat,
                 double *lon)
{
    const double re = p->re, re2 = re * re, sgn = p->south ? -1.0 : 1.0;
    const double dgrw = p->dgrw;
    for (int32_t i = 0; i < n; i++) {
        const double xi = x[i];
        const double r2 = xi * xi + y * y;
        const double la = grid_atan2(re2 - r2, 2.0 * re * grid_sqrt(r2)) * GRID_DEG;
        const double l0 = grid_atan2(y, xi) * GRID_DEG - dgrw;
        /* the pole itself: librmn returns lat 90, lon 0 */
        const double l1 = sgn * (r2 > 0 ? l0 : 0.0);
        /* l1 is within (-540, 540): two conditional turns reach [0, 360) */
        const double l2 = l1 < 0 ? l1 + 360.0 : l1;
        const double l3 = l2 < 0 ? l2 + 360.0 : l2;
        const double l4 = l3 >= 360.0 ? l3 - 360.0 : l3;
        lat[i] = sgn * la;
        lon[i] = l4 + 0.0; /* -0 (pole of an S grid) becomes +0 */
    }
}

void grid_ps_point(const grid_proj *p, double x, double y, double *lat, double *lon)
{
    double xs[1] = {x};
    grid_ps_row(p, y, xs, 1, lat, lon);
}

void grid_ps_inverse(double lat, double lon, double d60, double dgrw, int south, double *x,
                     double *y)
{
    const double re = GRID_ONE_PLUS_SIN60 * GRID_EARTH_RADIUS / d60;
    if (south) { lat = -lat; lon = -lon; }
    const double sl = sin(lat * GRID_RAD);
    const double r = re * sqrt((1.0 - sl) / (1.0 + sl));
    const double a = (lon + dgrw) * GRID_RAD;
    *x = r * cos(a);
    *y = r * sin(a);
}
