/* Grid objects: construction of self-contained grids (A, B, G, L, N, S, E, +)
 * and of grids on positional axes (Z, Y), latitude/longitude, cell bounds,
 * projection axes and the CF description. Reading positional records from a
 * file lives in grid_file.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/error.h"
#include "meta/grid_internal.h"

/* Largest grid we accept: keeps ni*nj*4 corner arrays addressable. */
#define GRID_MAX_POINTS ((int64_t)1 << 34)

int grid_alloc(char grtyp, int32_t ni, int32_t nj, fst24_grid **out)
{
    *out = NULL;
    if (ni < 1 || nj < 1 || (int64_t)ni * nj > GRID_MAX_POINTS)
        return fst_error(FST24_E_INVALID, "grid %c: bad dimensions %d x %d", grtyp ? grtyp : '?', (int)ni, (int)nj);
    fst24_grid *g = calloc(1, sizeof *g);
    if (!g) return fst_error(FST24_E_NOMEM, "grid %c %dx%d: out of memory", grtyp, (int)ni, (int)nj);
    g->grtyp = grtyp;
    g->ni = ni;
    g->nj = nj;
    g->nsub = 1;
    *out = g;
    return FST24_OK;
}

void fst24_grid_free(fst24_grid *g)
{
    if (!g) return;
    free(g->ax);
    free(g->ay);
    if (g->proj.kind == PROJ_SUPER)
        for (int k = 0; k < g->nsub; k++) fst24_grid_free(g->sub[k]);
    free(g);
}

static int alloc_axes(fst24_grid *g, size_t nx, size_t ny)
{
    g->ax = malloc(nx * sizeof(double));
    g->ay = malloc(ny * sizeof(double));
    if (!g->ax || !g->ay) return fst_error(FST24_E_NOMEM, "grid %c %dx%d: out of memory for axes", g->grtyp, (int)g->ni, (int)g->nj);
    return FST24_OK;
}

int grid_reference_proj(char ref, const int32_t ref_ig[4], fst24_grid *g)
{
    int st = grid_decode_xg(ref, ref_ig, g->xg);
    if (st) return st;
    g->ref_grtyp = ref;
    memcpy(g->ref_ig, ref_ig, sizeof g->ref_ig);
    grid_proj *p = &g->proj;
    switch (ref) {
    case 'L':
        p->kind = PROJ_LATLON;
        p->y0 = g->xg[0];
        p->x0 = g->xg[1];
        p->dy = g->xg[2];
        p->dx = g->xg[3];
        return FST24_OK;
    case 'E': {
        int id = grid_rotation(g->xg[0], g->xg[1], g->xg[2], g->xg[3], p->R);
        if (id < 0)
            return fst_error(FST24_E_INVALID, "grid E (ig %d %d %d %d): points (%g, %g) and (%g, %g) define no rotation",
                             (int)ref_ig[0], (int)ref_ig[1], (int)ref_ig[2], (int)ref_ig[3], g->xg[0], g->xg[1], g->xg[2], g->xg[3]);
        g->identity = id;
        if (id) { /* plain lat-lon: exact, and no trigonometry per point */
            p->kind = PROJ_LATLON;
            p->x0 = p->y0 = 0.0;
            p->dx = p->dy = 1.0;
        } else {
            p->kind = PROJ_ROTATED;
        }
        return FST24_OK;
    }
    case 'N': case 'S':
        if (!(g->xg[2] > 0)) return fst_error(FST24_E_INVALID, "grid %c: d60 %g must be positive", ref, g->xg[2]);
        p->kind = PROJ_PS;
        p->pi = g->xg[0];
        p->pj = g->xg[1];
        p->d60 = g->xg[2];
        /* only lon - dgrw matters: reduced so that the row kernel's wrap stays exact */
        p->dgrw = grid_wrap360(g->xg[3]);
        p->re = GRID_ONE_PLUS_SIN60 * GRID_EARTH_RADIUS / p->d60;
        p->south = ref == 'S';
        return FST24_OK;
    default:
        return fst_error(FST24_E_UNSUPPORTED, "reference grid type '%c' is not supported (E, L, N, S are)", ref);
    }
}

/* A, B, G: global or hemispheric lat-lon axes in degrees. */
static int build_abg(fst24_grid *g)
{
    const int dom = g->ig[0], flip = g->ig[1];
    if (dom < 0 || dom > 2 || flip < 0 || flip > 1)
        return fst_error(FST24_E_INVALID, "grid %c: ig1 %d (domain 0..2) / ig2 %d (orientation 0..1) invalid", g->grtyp, dom, flip);
    const int32_t ni = g->ni, nj = g->nj;
    if (g->grtyp == 'B' && (ni < 2 || nj < 2))
        return fst_error(FST24_E_INVALID, "grid B: needs ni, nj >= 2 (got %d x %d)", (int)ni, (int)nj);
    int st = alloc_axes(g, (size_t)ni, (size_t)nj);
    if (st) return st;
    const double dlon = g->grtyp == 'B' ? 360.0 / (ni - 1) : 360.0 / ni;
    for (int32_t i = 0; i < ni; i++) g->ax[i] = i * dlon;
    const double span = dom == 0 ? 180.0 : 90.0, base = dom == 1 ? 0.0 : -90.0;
    if (g->grtyp == 'A') {
        for (int32_t j = 0; j < nj; j++) g->ay[j] = base + (j + 0.5) * span / nj;
    } else if (g->grtyp == 'B') {
        for (int32_t j = 0; j < nj; j++) g->ay[j] = base + j * span / (nj - 1);
    } else if (dom == 0) {
        st = grid_gaussian(nj, g->ay);
    } else { /* a hemisphere of the 2*nj-row Gaussian set */
        double *all = malloc(2 * (size_t)nj * sizeof(double));
        if (!all) return fst_error(FST24_E_NOMEM, "grid G: out of memory");
        st = grid_gaussian(2 * nj, all);
        if (!st) memcpy(g->ay, all + (dom == 1 ? nj : 0), (size_t)nj * sizeof(double));
        free(all);
    }
    if (st) return st;
    if (flip)
        for (int32_t j = 0; j < nj / 2; j++) {
            double t = g->ay[j];
            g->ay[j] = g->ay[nj - 1 - j];
            g->ay[nj - 1 - j] = t;
        }
    g->proj.kind = PROJ_LATLON;
    g->proj.dx = g->proj.dy = 1.0;
    g->lat_clamp = 1;
    return FST24_OK;
}

int fst24_grid_new(char grtyp, int32_t ni, int32_t nj, int32_t ig1, int32_t ig2, int32_t ig3,
                   int32_t ig4, fst24_grid **out)
{
    if (!out) return fst_error(FST24_E_INVALID, "fst24_grid_new: NULL output");
    *out = NULL;
    fst24_grid *g;
    int st = grid_alloc(grtyp, ni, nj, &g);
    if (st) return st;
    const int32_t ig[4] = {ig1, ig2, ig3, ig4};
    memcpy(g->ig, ig, sizeof ig);
    switch (grtyp) {
    case 'A': case 'B': case 'G':
        st = grid_decode_xg(grtyp, ig, g->xg);
        if (!st) st = build_abg(g);
        break;
    case 'L':
        st = grid_reference_proj('L', ig, g);
        if (!st) st = alloc_axes(g, (size_t)ni, (size_t)nj);
        if (!st) {
            /* the axes hold degrees directly so that axes() and bounds need no special case */
            for (int32_t i = 0; i < ni; i++) g->ax[i] = g->proj.x0 + i * (double)g->proj.dx;
            for (int32_t j = 0; j < nj; j++) g->ay[j] = g->proj.y0 + j * (double)g->proj.dy;
            g->proj.x0 = g->proj.y0 = 0.0;
            g->proj.dx = g->proj.dy = 1.0;
            g->lat_clamp = 1;
        }
        break;
    case 'N': case 'S':
        st = grid_reference_proj(grtyp, ig, g);
        if (!st) st = alloc_axes(g, (size_t)ni, (size_t)nj);
        if (!st) {
            for (int32_t i = 0; i < ni; i++) g->ax[i] = i + 1.0;
            for (int32_t j = 0; j < nj; j++) g->ay[j] = j + 1.0;
        }
        break;
    case 'E':
        /* a native E grid covers the whole rotated sphere */
        st = grid_reference_proj('E', ig, g);
        if (!st) st = alloc_axes(g, (size_t)ni, (size_t)nj);
        if (!st) {
            for (int32_t i = 0; i < ni; i++) g->ax[i] = ni > 1 ? i * 360.0 / (ni - 1) : 0.0;
            for (int32_t j = 0; j < nj; j++) g->ay[j] = -90.0 + (j + 0.5) * 180.0 / nj;
        }
        break;
    case '+':
        st = grid_decode_xg('+', ig, g->xg);
        if (!st && !(fabsf(g->xg[0]) <= 90.0f))
            st = fst_error(FST24_E_INVALID, "grid +: ig %d %d %d %d give latitude %g", (int)ig1, (int)ig2, (int)ig3, (int)ig4, g->xg[0]);
        g->proj.kind = PROJ_POINT;
        /* in double from the ig (1e-5 deg resolution), not through the float xg */
        g->proj.lat0 = ig3 * 0.01 - 100.0 + (ig1 ? (ig1 - 1000) * 1e-5 : 0.0);
        g->proj.lon0 = grid_wrap360(ig4 * 0.01 + (ig2 ? (ig2 - 1000) * 1e-5 : 0.0));
        break;
    default:
        st = fst_error(FST24_E_UNSUPPORTED, "grid type '%c' cannot be built from its header alone", grtyp ? grtyp : '?');
    }
    g->ref_grtyp = 0; /* self-contained: no reference grid */
    if (st) {
        fst24_grid_free(g);
        return st;
    }
    *out = g;
    return FST24_OK;
}

static int check_axis(const fst24_grid *g, const double *a, size_t n, const char *name)
{
    for (size_t k = 0; k < n; k++)
        if (!isfinite(a[k]))
            return fst_error(FST24_E_INVALID, "grid %c %dx%d: positional %s value %zu is not finite", g->grtyp, (int)g->ni, (int)g->nj, name, k);
    return FST24_OK;
}

int fst24_grid_new_axes(char grtyp, int32_t ni, int32_t nj, char ref_grtyp, const int32_t ref_ig[4],
                        const double *ax, const double *ay, fst24_grid **out)
{
    if (!out || !ref_ig || !ax || !ay) {
        if (out) *out = NULL;
        return fst_error(FST24_E_INVALID, "fst24_grid_new_axes: NULL argument");
    }
    *out = NULL;
    if (grtyp != 'Z' && grtyp != 'Y')
        return fst_error(FST24_E_INVALID, "fst24_grid_new_axes: grid type '%c' (Z or Y expected)", grtyp ? grtyp : '?');
    fst24_grid *g;
    int st = grid_alloc(grtyp, ni, nj, &g);
    if (st) return st;
    const size_t nx = grtyp == 'Y' ? (size_t)ni * nj : (size_t)ni, ny = grtyp == 'Y' ? nx : (size_t)nj;
    st = grid_reference_proj(ref_grtyp, ref_ig, g);
    if (!st) st = check_axis(g, ax, nx, ">>");
    if (!st) st = check_axis(g, ay, ny, "^^");
    if (!st) st = alloc_axes(g, nx, ny);
    if (!st) {
        memcpy(g->ax, ax, nx * sizeof(double));
        memcpy(g->ay, ay, ny * sizeof(double));
        if (grtyp == 'Y') g->proj.kind = PROJ_CLOUD;
        else if (ref_grtyp == 'L') g->proj.shift_negative_lon = 1;
    }
    if (st) {
        fst24_grid_free(g);
        return st;
    }
    *out = g;
    return FST24_OK;
}

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

/* ---- description ------------------------------------------------------- */

static void describe_rotation(const double R[3][3], fst24_grid_info *info)
{
    memcpy(info->rotation, R, sizeof info->rotation);
    info->grid_north_pole_latitude = asin(fmax(-1.0, fmin(1.0, R[2][2]))) * GRID_DEG;
    if (fabs(R[2][2]) < 1.0 - 1e-12) {
        info->grid_north_pole_longitude = grid_wrap360(atan2(R[2][1], R[2][0]) * GRID_DEG);
        info->north_pole_grid_longitude = grid_wrap360(atan2(R[1][2], R[0][2]) * GRID_DEG);
    } else {
        /* pole on the geographic pole: a pure turn of delta = rotated lon of (0, 0);
         * CF then needs rlon = lon - (pole_lon + 180), i.e. pole_lon = -delta - 180 */
        const double delta = atan2(R[1][0], R[0][0]) * GRID_DEG;
        info->grid_north_pole_longitude = grid_wrap360(-delta - 180.0);
        info->north_pole_grid_longitude = 0.0;
    }
}

int fst24_grid_describe(const fst24_grid *g, fst24_grid_info *info)
{
    if (!g || !info) return fst_error(FST24_E_INVALID, "fst24_grid_describe: NULL argument");
    memset(info, 0, sizeof *info);
    info->grtyp = g->grtyp;
    info->ref_grtyp = g->ref_grtyp;
    info->ni = g->ni;
    info->nj = g->nj;
    memcpy(info->ig, g->ig, sizeof info->ig);
    memcpy(info->xg, g->xg, sizeof info->xg);
    memcpy(info->ref_ig, g->ref_ig, sizeof info->ref_ig);
    info->tile_i0 = g->tile_i0;
    info->tile_j0 = g->tile_j0;
    info->master_ni = g->master_ni;
    info->master_nj = g->master_nj;
    info->nsubgrids = g->nsub;
    info->identity_rotation = g->identity;
    info->earth_radius = GRID_EARTH_RADIUS;
    info->mapping_name = "";
    const grid_proj *p = &g->proj;
    switch (p->kind) {
    case PROJ_LATLON:
        info->mapping = FST24_MAPPING_LATLON;
        info->mapping_name = "latitude_longitude";
        break;
    case PROJ_ROTATED:
        info->mapping = FST24_MAPPING_ROTATED;
        info->mapping_name = "rotated_latitude_longitude";
        describe_rotation(p->R, info);
        break;
    case PROJ_PS:
        info->mapping = FST24_MAPPING_POLAR_STEREO;
        info->mapping_name = "polar_stereographic";
        info->latitude_of_projection_origin = p->south ? -90.0 : 90.0;
        /* N: -(dgrw + 90); S: dgrw - 90 (the S grid mirrors longitudes) */
        {
            double sv = p->south ? p->dgrw - 90.0 : -(p->dgrw + 90.0);
            sv = grid_wrap360(sv);
            info->straight_vertical_longitude_from_pole = sv >= 180.0 ? sv - 360.0 : sv; /* in [-180, 180) */
        }
        info->scale_factor_at_projection_origin = (1.0 + sin(60.0 * GRID_RAD)) / 2.0;
        info->resolution_at_standard_parallel = p->d60;
        info->false_easting = (p->pi - 1.0) * p->d60;
        info->false_northing = (p->pj - 1.0) * p->d60;
        info->pole_i = p->pi;
        info->pole_j = p->pj;
        info->d60 = p->d60;
        info->dgrw = p->dgrw;
        break;
    case PROJ_SUPER:
        /* the data has no single mapping; report the yin rotation */
        if (g->sub[0] && g->sub[0]->proj.kind == PROJ_ROTATED) describe_rotation(g->sub[0]->proj.R, info);
        memcpy(info->xg, g->sub[0]->xg, sizeof info->xg);
        break;
    default:
        break;
    }
    return FST24_OK;
}

int fst24_gaussian_latitudes(int32_t nj, double *lat)
{
    if (!lat) return fst_error(FST24_E_INVALID, "fst24_gaussian_latitudes: NULL output");
    return grid_gaussian(nj, lat);
}
