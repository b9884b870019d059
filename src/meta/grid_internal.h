/* Internal to the grid modules (src/meta/grid*.c): the grid object and the
 * projection math shared by them. Not installed. */
#ifndef FST24_META_GRID_INTERNAL_H
#define FST24_META_GRID_INTERNAL_H
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "fst24.h"

#define GRID_PI 3.14159265358979323846
#define GRID_DEG (180.0 / GRID_PI)
#define GRID_RAD (GRID_PI / 180.0)
/* Earth radius of librmn's polar-stereographic formulas (m). */
#define GRID_EARTH_RADIUS 6371000.0
/* librmn's literal for 1 + sin(60 deg): kept so that our points agree with
 * librmn's to well under 1e-5 degrees. */
#define GRID_ONE_PLUS_SIN60 1.866025

/* Sane limits, so that a damaged header cannot drive the grid code into huge
 * allocations or loops (docs/grids.md, "Limits"): points of one grid, points
 * along one axis of a self-contained grid (its axes are allocated: 2^22 is a 10 m
 * global grid; 2^26 let a header make 1 GB of axes and a second of work), and rows of
 * a Gaussian grid (their roots cost O(rows^2): 0.2 s for 16 384 rows; regular
 * Gaussian grids in use have at most a few thousand). */
#define GRID_MAX_POINTS ((int64_t)1 << 34)
#define GRID_MAX_AXIS ((int32_t)1 << 22)
#define GRID_MAX_GAUSSIAN 16384

/* GCC only turns the selects of the inline helpers below into vector blends
 * without FP-trap semantics; helpers and the loops that inline them must
 * carry the same attribute or GCC stops vectorising (nothing here reads FP
 * exception flags). Contraction to fused multiply-add is allowed here (the
 * project default is off for the codecs' bit-exactness): coordinates only
 * change in the last bit, and FMA targets gain ~15 %. */
#if defined(__GNUC__) && !defined(__clang__)
#define GRID_NOTRAP __attribute__((optimize("no-trapping-math", "fp-contract=fast")))
#else
#define GRID_NOTRAP
#endif

typedef enum grid_proj_kind {
    PROJ_LATLON = 1, /* lat = y0 + dy*ay_j, lon = x0 + dx*ax_i */
    PROJ_ROTATED,    /* (ay_j, ax_i) are rotated lat/lon, R maps geographic to rotated */
    PROJ_PS,         /* (ax_i, ay_j) are index-space positions on a polar-stereographic grid */
    PROJ_CLOUD,      /* Y: ax = lon, ay = lat for every point */
    PROJ_POINT,      /* +: one geographic point (lat0, lon0) */
    PROJ_SUPER       /* U: stack of sub-grids */
} grid_proj_kind;

typedef struct grid_proj {
    grid_proj_kind kind;
    double x0, dx, y0, dy;        /* LATLON */
    int shift_negative_lon;       /* LATLON from Z-on-L: ax < 0 gets +360 first */
    double R[3][3];               /* ROTATED */
    double pi, pj, d60, dgrw, re; /* PS: pole position (1-based index space), Re in grid units */
    int south;                    /* PS: S grid */
    double lat0, lon0;            /* POINT */
} grid_proj;

struct fst24_grid {
    char grtyp;     /* data grid type */
    char ref_grtyp; /* reference type (Z/Y/#), 'F' for U, 0 otherwise */
    int32_t ni, nj;
    int32_t ig[4];
    int32_t ref_ig[4];
    float xg[4];  /* xg of the grid or of the reference */
    int identity; /* rotated reference that is the identity */
    grid_proj proj;
    double *ax, *ay; /* separable: ni and nj values; CLOUD: ni*nj each */
    int lat_clamp;   /* A/B/G: latitude bounds clamp at the poles */
    int32_t tile_i0, tile_j0, master_ni, master_nj;
    int nsub;
    struct fst24_grid *sub[2];
    int64_t pos_key[2]; /* keys of the >> and ^^ (or ^>) records read; -1 if none */
};

/* ---- grid_math.c ---- */

/* Gaussian latitudes (degrees, ascending) of n rows. */
int fst_grid_gaussian(int32_t n, double *lat);
/* Rotation matrix of an E grid from its four real descriptors. Returns 1 if
 * the rotation is (numerically) the identity. */
int fst_grid_rotation(double xlat1, double xlon1, double xlat2, double xlon2, double R[3][3]);
/* One polar-stereographic point: index-space offsets from the pole -> lat/lon. */
void fst_grid_ps_point(const grid_proj *p, double x, double y, double *lat, double *lon);
/* Inverse: geographic -> offsets from the pole in grid units (librmn xyfll). */
void fst_grid_ps_inverse(double lat, double lon, double d60, double dgrw, int south, double *x, double *y);
/* One rotated point (rlat, rlon in degrees) to geographic. */
void fst_grid_rotated_point(const double R[3][3], double rlat, double rlon, double *lat, double *lon);
/* Reduce a longitude to [0, 360). */
static inline double grid_wrap360(double lon) {
    lon = fmod(lon, 360.0);
    if (lon < 0) lon += 360.0;
    if (lon >= 360.0) lon -= 360.0;
    return lon;
}

/* Per-column terms of the rotation (the whole-grid kernels are in grid_coords.c). */
void fst_grid_rotated_prepare(const double R[3][3], const double *rlon_deg, int32_t n, double *u, double *v, double *w);
/* Polar-stereographic lat/lon of n points of one row (double precision). */
void fst_grid_ps_row(const grid_proj *p, double y, const double *x, int32_t n, double *lat, double *lon);

/* atan2 to ~1 ulp without library calls or branches, so that loops using it
 * vectorise. With mn = min(|x|,|y|), mx = max: t = mn/mx, or past
 * tan(pi/12) the reduced (sqrt3*mn - mx)/(sqrt3*mx + mn) = tan(atan(t) - pi/6),
 * so |t| <= tan(pi/12); then an odd polynomial (least-squares fit of
 * atan(t)/t in t^2, max error 6e-17 on that range). */
GRID_NOTRAP static inline double grid_atan2(double y, double x) {
    /* every operand is computed unconditionally and the ternaries only pick
     * values: the compiler can then turn them into vector blends */
    const double ax = fabs(x), ay = fabs(y);
    const double mx = ax > ay ? ax : ay, mn = ax > ay ? ay : ax;
    const double r3 = 1.7320508075688772;
    const int big = mn > 0.2679491924311227 * mx; /* tan(pi/12) */
    const double num = big ? r3 * mn - mx : mn;
    const double dbig = r3 * mx + mn;
    const double den = big ? dbig : (mx > 0 ? mx : 1.0);
    const double t = num / den;
    const double s = t * t;
    double p = 0.0443867179644359;
    p = p * s - 0.0648311311878696;
    p = p * s + 0.07679359305498427;
    p = p * s - 0.09090370571330197;
    p = p * s + 0.11111097878831366;
    p = p * s - 0.14285714102473918;
    p = p * s + 0.19999999998726287;
    p = p * s - 0.3333333333332992;
    p = p * s + 1.0;
    const double off = big ? 0.52359877559829882 : 0.0; /* pi/6 */
    double a = t * p + off;
    const double a1 = 1.5707963267948966 - a;
    a = ay > ax ? a1 : a;
    const double a2 = 3.1415926535897931 - a;
    a = x < 0 ? a2 : a;
    const double a3 = -a;
    return y < 0 ? a3 : a;
}

/* sqrt for x >= 0 without the libm call (whose errno handling stops loop
 * vectorisation): reciprocal square root by the exponent-halving bit trick
 * and three Newton steps, then one correction; within 1 ulp. sqrt(0) = 0. */
GRID_NOTRAP static inline double grid_sqrt(double x) {
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    b = 0x5fe6eb50c7b537a9ull - (b >> 1);
    double r;
    memcpy(&r, &b, sizeof r);
    const double hx = 0.5 * x;
    r = r * (1.5 - hx * r * r); /* relative error 3.4e-3 -> 1.7e-5 */
    r = r * (1.5 - hx * r * r); /* -> 4.5e-10 */
    r = r * (1.5 - hx * r * r); /* -> below 1 ulp */
    const double h = x * r;
    return h + 0.5 * r * (x - h * h);
}

/* ---- grid_igxg.c ---- */
int fst_grid_decode_xg(char grtyp, const int32_t ig[4], float xg[4]);
int fst_grid_encode_ig(char grtyp, const float xg[4], int32_t ig[4]);

/* ---- grid_file.c ---- */
/* Decode a record's data (any numeric native type) to `expect` doubles
 * (malloc'ed into *out); error if the record holds another count. */
int fst_grid_read_doubles(const fst24_record *r, size_t expect, double **out);

/* ---- grid.c ---- */
/* Allocate an empty grid of the given type and size (axes not allocated). */
int fst_grid_alloc(char grtyp, int32_t ni, int32_t nj, struct fst24_grid **out);
/* Build the projection of a reference type (E, L, N, S) from its ig. */
int fst_grid_reference_proj(char ref_grtyp, const int32_t ref_ig[4], struct fst24_grid *g);
#endif
