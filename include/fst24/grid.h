/* fst24/grid.h - horizontal grids. Included by fst24.h.
 *
 * A record's horizontal grid is (grtyp, ni, nj, ig1..ig4). Self-contained
 * grids (A, B, G, L, N, S, E, +) are defined by those values alone; Z, Y, #
 * and U grids also need the positional records (">>", "^^", "^>") of the
 * same file whose (ip1, ip2, ip3) equal the data record's (ig1, ig2, ig3).
 *
 * Conventions: arrays are ni*nj doubles, i fastest (Fortran order), row j = 0
 * is the first stored row. Latitudes in degrees north, longitudes in degrees
 * east in [0, 360) as librmn returns them. Every function returns FST24_OK or
 * a negative FST24_E_* status with a message (fst24_last_error()). Grid
 * objects are immutable once built: one grid may be used by many threads.
 */
#ifndef FST24_GRID_H
#define FST24_GRID_H
/* Self-contained: the core declarations (status codes, FST24_API, records, files). */
#include "../fst24.h"
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

/* ---- ig <-> xg (librmn cigaxg / cxgaig) -------------------------------- */

/* Decode `n` sets of four integer descriptors ig[4k..4k+3] of grid type
 * `grtyp` into real descriptors xg[4k..4k+3] (single precision, as librmn):
 *   A/B/G: domain (0 global, 1 north, 2 south), orientation (0 S->N, 1 N->S), 0, 0
 *   L: lat0, lon0, dlat, dlon           N/S: pi, pj, d60 (m), dgrw (deg)
 *   E: xlat1, xlon1, xlat2, xlon2       +: lat, lon, 0, 0
 *   C: lat0, lon0, dlat, dlon (legacy)  H: centred Lambert (legacy)
 * Other types have no real descriptors: FST24_E_UNSUPPORTED. */
FST24_API int fst24_ig_to_xg(char grtyp, size_t n, const int32_t *ig, float *xg);
/* Encode `n` sets of real descriptors into integer ones (inverse of the above;
 * the integers are what librmn's cxgaig would write). */
FST24_API int fst24_xg_to_ig(char grtyp, size_t n, const float *xg, int32_t *ig);

/* ---- Grid objects ------------------------------------------------------ */

/* A horizontal grid (opaque, immutable): built by the constructors below,
 * released by fst24_grid_free(). */
typedef struct fst24_grid fst24_grid;
struct fst24_file;
struct fst24_record;

/* Grid of a record read from `file`. For Z, Y, #, U grids the positional
 * records are looked up in `file` (and files linked to it) and read. X grids
 * (no geography), descriptor records and unsupported types give
 * FST24_E_UNSUPPORTED. *out must be released with fst24_grid_free(). */
FST24_API int fst24_grid_from_record(struct fst24_file *file, const struct fst24_record *rec, fst24_grid **out);
/* Self-contained grid from its header values (A, B, G, L, N, S, E, +). */
FST24_API int fst24_grid_new(char grtyp, int32_t ni, int32_t nj, int32_t ig1, int32_t ig2, int32_t ig3, int32_t ig4,
                             fst24_grid **out);
/* Z (separable: ax has ni values, ay nj) or Y (ax = longitudes, ay =
 * latitudes, ni*nj each) grid from positional axes held in memory, on the
 * reference grid (ref_grtyp, ref_ig[4]): E, L, N or S for Z; L for Y. */
FST24_API int fst24_grid_new_axes(char grtyp, int32_t ni, int32_t nj, char ref_grtyp, const int32_t ref_ig[4],
                                  const double *ax, const double *ay, fst24_grid **out);
/* Release a grid (NULL accepted). */
FST24_API void fst24_grid_free(fst24_grid *grid);

/* Latitude and longitude of every point (ni*nj each, i fastest). For a U
 * (yin-yang) grid the yin rows come first, then the yang rows. */
FST24_API int fst24_grid_latlon(const fst24_grid *grid, double *lat, double *lon);
/* As fst24_grid_latlon, rows shared out among up to `threads` threads (<= 0:
 * one per core; 1: the calling thread only). Every row is computed the same
 * way whatever the thread count, so the values are identical bit for bit. */
FST24_API int fst24_grid_latlon_threads(const fst24_grid *grid, double *lat, double *lon, int threads);
/* As fst24_grid_latlon_threads, in single precision: each value is the double
 * result rounded to float (half the memory; about 1e-5 degree, ~1 m). */
FST24_API int fst24_grid_latlon_float(const fst24_grid *grid, float *lat, float *lon, int threads);

/* Cell corners of every point: lat_b/lon_b hold 4*ni*nj values, point p's
 * corners at [4p .. 4p+3], counter-clockwise from (i-1/2, j-1/2) in index
 * space (CF bounds order). Corners are index-space midpoints mapped to
 * lat/lon (latitudes clamped to +-90). Y and + grids have no cells:
 * FST24_E_UNSUPPORTED. */
FST24_API int fst24_grid_bounds(const fst24_grid *grid, double *lat_b, double *lon_b);

/* 1-D projection axes of a separable grid (A, B, G, L, E, N, S, Z, #):
 * x has ni values, y has nj. Units: degrees (lat-lon: lon made monotonic,
 * e.g. B grids keep 360 at the end; rotated: RPN rotated lon/lat), metres for
 * polar stereographic (x_i = (X_i - 1) * d60 with X_i the index or ax value).
 * Y, U and + grids: FST24_E_UNSUPPORTED. */
FST24_API int fst24_grid_axes(const fst24_grid *grid, double *x, double *y);

/* CF grid-mapping kinds. */
typedef enum fst24_grid_mapping {
    FST24_MAPPING_NONE = 0,        /* Y, +, U: 2-D lat/lon only */
    FST24_MAPPING_LATLON = 1,      /* "latitude_longitude" */
    FST24_MAPPING_ROTATED = 2,     /* "rotated_latitude_longitude" */
    FST24_MAPPING_POLAR_STEREO = 3 /* "polar_stereographic" */
} fst24_grid_mapping;

/* Description of a grid, suitable for printing and for CF metadata. */
typedef struct fst24_grid_info {
    char grtyp;                   /* data grid type ('Z', 'L', ...) */
    char ref_grtyp;               /* reference type for Z/Y/# (E, L, N, S), 'F' for U, else 0 */
    int32_t ni, nj;               /* dimensions of the data record */
    int32_t ig[4];                /* ig1..ig4 of the data record */
    float xg[4];                  /* decoded ig of the grid (or of the reference for Z/Y/#) */
    int32_t ref_ig[4];            /* ig of the positional records (Z/Y/#) */
    int32_t tile_i0, tile_j0;     /* # tiles: 1-based position of the first point in the master */
    int32_t master_ni, master_nj; /* # tiles: size of the master Z grid */
    int nsubgrids;                /* U: 2 (yin, yang); else 1 */
    int identity_rotation;        /* E reference whose rotation is the identity */

    fst24_grid_mapping mapping;
    const char *mapping_name; /* CF grid_mapping_name or "" */
    double earth_radius;      /* m: 6371000 */
    /* rotated_latitude_longitude (first sub-grid for U). north_pole_grid_longitude
     * is the RPN value lambda_NP; rlon_shift = lambda_NP for CF convention (b),
     * i.e. rlon_CF = rlon_RPN - rlon_shift (+-360) with north_pole_grid_longitude 0. */
    double grid_north_pole_latitude, grid_north_pole_longitude, north_pole_grid_longitude;
    double rotation[3][3]; /* rotated_xyz = rotation . geographic_xyz */
    /* polar_stereographic: x/y axes from fst24_grid_axes() in metres */
    double latitude_of_projection_origin;         /* +90 (N) or -90 (S) */
    double straight_vertical_longitude_from_pole; /* -(dgrw+90) for N, dgrw-90 for S */
    double scale_factor_at_projection_origin;     /* (1 + sin 60)/2 */
    double resolution_at_standard_parallel;       /* d60 (m) */
    double false_easting, false_northing;         /* (pi-1)*d60, (pj-1)*d60 */
    double pole_i, pole_j, d60, dgrw;
    /* keys of the positional records the grid was read from: ">>" and "^^"
     * (Z, Y, #, X), "^>" in [0] (U); -1 when none (self-contained grids) */
    int64_t positional_key[2];
} fst24_grid_info;

/* Fill `info` for `grid`. */
FST24_API int fst24_grid_describe(const fst24_grid *grid, fst24_grid_info *info);

/* Gaussian latitudes (degrees, south to north) of a global grid with `nj` rows. */
FST24_API int fst24_gaussian_latitudes(int32_t nj, double *lat);

/* ---- Cache: one grid per distinct (file, grtyp, ni, nj, ig1..ig4) --------
 * Owned by the caller; safe to share between threads (internal lock). Grids
 * returned by the cache belong to it: do not free them; they stay valid until
 * fst24_grid_cache_forget() of their file or fst24_grid_cache_free(). Entries
 * are keyed by the file object: forget a file before closing it (a new file
 * may reuse the address). */
typedef struct fst24_grid_cache fst24_grid_cache;
FST24_API int fst24_grid_cache_new(fst24_grid_cache **out);
FST24_API void fst24_grid_cache_free(fst24_grid_cache *cache);
FST24_API int fst24_grid_cache_get(fst24_grid_cache *cache, struct fst24_file *file, const struct fst24_record *rec,
                                   const fst24_grid **grid);
/* Drop (and free) the cached grids of `file`. */
FST24_API int fst24_grid_cache_forget(fst24_grid_cache *cache, const struct fst24_file *file);

#ifdef __cplusplus
}
#endif
#endif
