/* Grid objects: construction of self-contained grids (A, B, G, L, N, S, E, +)
 * and of grids on positional axes (Z, Y). Coordinates are computed in
 * grid_coords.c, the CF description in grid_describe.c, positional records
 * are read in grid_file.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/error.h"
#include "meta/grid_internal.h"

int grid_alloc(char grtyp, int32_t ni, int32_t nj, fst24_grid **out)
{
    *out = NULL;
    if (ni < 1 || nj < 1 || (int64_t)ni * nj > GRID_MAX_POINTS)
        return fst_error(FST24_E_INVALID, "grid %c: bad dimensions %d x %d (at most %lld points)", grtyp ? grtyp : '?',
                         (int)ni, (int)nj, (long long)GRID_MAX_POINTS);
    fst24_grid *g = calloc(1, sizeof *g);
    if (!g) return fst_error(FST24_E_NOMEM, "grid %c %dx%d: out of memory", grtyp, (int)ni, (int)nj);
    g->grtyp = grtyp;
    g->ni = ni;
    g->nj = nj;
    g->nsub = 1;
    g->pos_key[0] = g->pos_key[1] = -1;
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
    /* Y grids (nx = ny = ni*nj) hold their positional records' values, already bounded by
     * what those records store; separable axes are bounded here. */
    if (g->grtyp != 'Y' && (nx > (size_t)GRID_MAX_AXIS || ny > (size_t)GRID_MAX_AXIS))
        return fst_error(FST24_E_INVALID, "grid %c %dx%d: more than %d points along one axis", g->grtyp, (int)g->ni,
                         (int)g->nj, (int)GRID_MAX_AXIS);
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
    if (g->grtyp == 'G' && (dom == 0 ? nj : 2 * (int64_t)nj) > GRID_MAX_GAUSSIAN)
        return fst_error(FST24_E_INVALID, "grid G: %lld Gaussian latitudes (%d x %d, domain %d); at most %d supported",
                         (long long)(dom == 0 ? nj : 2 * (int64_t)nj), (int)ni, (int)nj, dom, GRID_MAX_GAUSSIAN);
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
        g->proj.lat0 = ig3 * 0.01 - 100.0 + (ig1 ? ((double)ig1 - 1000) * 1e-5 : 0.0);
        g->proj.lon0 = grid_wrap360(ig4 * 0.01 + (ig2 ? ((double)ig2 - 1000) * 1e-5 : 0.0));
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
