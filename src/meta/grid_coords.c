/* Coordinates of a grid: latitude/longitude of every point, cell corners and
 * the 1-D projection axes of separable grids. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/error.h"
#include "meta/grid_internal.h"

/* ---- latitude / longitude ---------------------------------------------- */

static int latlon_one(const fst24_grid *g, double *lat, double *lon)
{
    const grid_proj *p = &g->proj;
    const int32_t ni = g->ni, nj = g->nj;
    const size_t n = (size_t)ni * nj;
    switch (p->kind) {
    case PROJ_LATLON: {
        for (int32_t j = 0; j < nj; j++) {
            const double la = p->y0 + p->dy * g->ay[j];
            if (!(fabs(la) <= 90.0 + 1e-9))
                return fst_error(FST24_E_INVALID, "grid %c %dx%d: row %d is at latitude %g, beyond the poles",
                                 g->grtyp, (int)ni, (int)nj, (int)j + 1, la);
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
    case PROJ_ROTATED: {
        double *uvw = malloc(3 * (size_t)ni * sizeof(double));
        if (!uvw) return fst_error(FST24_E_NOMEM, "grid %c %dx%d: out of memory", g->grtyp, (int)ni, (int)nj);
        grid_rotated_prepare(p->R, g->ax, ni, uvw, uvw + ni, uvw + 2 * (size_t)ni);
        for (int32_t j = 0; j < nj; j++) {
            const double phi = g->ay[j] * GRID_RAD;
            grid_rotated_row(p->R, cos(phi), sin(phi), uvw, uvw + ni, uvw + 2 * (size_t)ni, ni,
                             lat + (size_t)j * ni, lon + (size_t)j * ni);
        }
        free(uvw);
        return FST24_OK;
    }
    case PROJ_PS: {
        double *x = malloc((size_t)ni * sizeof(double));
        if (!x) return fst_error(FST24_E_NOMEM, "grid %c %dx%d: out of memory", g->grtyp, (int)ni, (int)nj);
        for (int32_t i = 0; i < ni; i++) x[i] = g->ax[i] - p->pi;
        for (int32_t j = 0; j < nj; j++)
            grid_ps_row(p, g->ay[j] - p->pj, x, ni, lat + (size_t)j * ni, lon + (size_t)j * ni);
        free(x);
        return FST24_OK;
    }
    case PROJ_CLOUD:
        if (g->ref_grtyp != 'L')
            return fst_error(FST24_E_UNSUPPORTED, "grid Y on a '%c' reference: only L (values in degrees) is supported, as in librmn", g->ref_grtyp);
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
    default:
        return fst_error(FST24_E_UNSUPPORTED, "grid %c: no latitude/longitude", g->grtyp);
    }
}

int fst24_grid_latlon(const fst24_grid *g, double *lat, double *lon)
{
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

/* ---- cell bounds ------------------------------------------------------- */

/* Axis value at a fractional 0-based index, linear inside, extrapolated outside. */
static double axis_at(const double *a, int32_t n, double f)
{
    if (n == 1) return a[0];
    int32_t k = (int32_t)floor(f);
    if (k < 0) k = 0;
    if (k > n - 2) k = n - 2;
    return a[k] + (f - k) * (a[k + 1] - a[k]);
}

static void point_at(const fst24_grid *g, double fi, double fj, double *lat, double *lon)
{
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
    case PROJ_ROTATED:
        grid_rotated_point(p->R, y > 90.0 ? 90.0 : y < -90.0 ? -90.0 : y, x, lat, lon);
        return;
    case PROJ_PS:
        grid_ps_point(p, x - p->pi, y - p->pj, lat, lon);
        return;
    default:
        *lat = *lon = NAN;
    }
}

static int bounds_one(const fst24_grid *g, double *lat_b, double *lon_b)
{
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

int fst24_grid_bounds(const fst24_grid *g, double *lat_b, double *lon_b)
{
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

int fst24_grid_axes(const fst24_grid *g, double *x, double *y)
{
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
    default:
        return fst_error(FST24_E_UNSUPPORTED, "grid %c: not separable, no 1-D axes", g->grtyp);
    }
}
