/* Fuzz target "grid": horizontal grids from header values, from positional axes
 * and from the records of a file; coordinates, cell bounds, axes, descriptions,
 * ig <-> xg conversions.
 *
 * Input: byte 0 selects the mode.
 *   0: grtyp (byte), ni, nj (16 bits, capped), ig1..ig4 (32 bits) -> fst24_grid_new
 *   1: Z/Y grid on a reference: grtyp, ref grtyp, ni, nj, ref ig1..4, then the
 *      axis values as doubles -> fst24_grid_new_axes
 *   2: ig <-> xg: grtyp, 4 ints and 4 floats
 *   3: the rest is an FST file: the grid of every record (grid cache too)
 * Large grids are built (the library bounds them) but coordinates are only
 * computed for at most 2^16 points. */
#include <stdlib.h>

#include "fuzz_common.h"

static const char grtyps[] = "ABGLNSE+ZYX#UOMC";

static void use(const fst24_grid *g) {
    fst24_grid_info info;
    fst24_grid_describe(g, &info);
    size_t n = (size_t)info.ni * (size_t)info.nj;
    if (n == 0 || n > ((size_t)1 << 16)) return;
    if (info.grtyp == 'U') n *= 2; /* yin then yang */
    double *lat = malloc(n * sizeof(double)), *lon = malloc(n * sizeof(double));
    double *lb = malloc(4 * n * sizeof(double)), *ob = malloc(4 * n * sizeof(double));
    double *x = malloc((size_t)(info.ni + 1) * sizeof(double)), *y = malloc((size_t)(info.nj + 1) * sizeof(double));
    if (lat && lon && lb && ob && x && y) {
        fst24_grid_latlon(g, lat, lon);
        fst24_grid_bounds(g, lb, ob);
        fst24_grid_axes(g, x, y);
    }
    free(lat);
    free(lon);
    free(lb);
    free(ob);
    free(x);
    free(y);
}

static void from_file(const uint8_t *data, size_t size) {
    int fd = -1;
    fst24_file *f = fz_open_bytes(data, size, &fd);
    fst24_grid_cache *cache = NULL;
    if (f && fst24_grid_cache_new(&cache) == FST24_OK) {
        int64_t n = fst24_num_records(f);
        for (int64_t i = 0; i < n && i < 256; i++) {
            fst24_record r;
            if (fst24_get_record(f, i, &r) != FST24_OK) continue;
            fst24_grid *g = NULL;
            if (fst24_grid_from_record(f, &r, &g) == FST24_OK) use(g);
            fst24_grid_free(g);
            const fst24_grid *cg = NULL;
            fst24_grid_cache_get(cache, f, &r, &cg);
        }
        fst24_grid_cache_forget(cache, f);
        fst24_grid_cache_free(cache);
    }
    fz_close(f, fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size};
    int mode = fz_u8(&in) % 4;
    if (mode == 3) {
        from_file(in.p, in.n);
        return 0;
    }
    char grtyp = grtyps[fz_u8(&in) % (sizeof grtyps - 1)];
    if (mode == 2) {
        int32_t ig[4], ig2[4];
        float xg[4];
        for (int k = 0; k < 4; k++) ig[k] = (int32_t)fz_u32(&in);
        for (int k = 0; k < 4; k++) xg[k] = fz_f32(&in);
        fst24_ig_to_xg(grtyp, 1, ig, xg);
        fst24_xg_to_ig(grtyp, 1, xg, ig2);
        return 0;
    }
    char ref = mode == 1 ? grtyps[fz_u8(&in) % (sizeof grtyps - 1)] : 0;
    int32_t ni = (int32_t)(fz_u32(&in) & 0x7FFFFFFF), nj = (int32_t)(fz_u32(&in) & 0x7FFFFFFF);
    if (fz_u8(&in) & 1) { /* mostly small grids, sometimes any size */
        ni = 1 + ni % 300;
        nj = 1 + nj % 300;
    }
    int32_t ig[4];
    for (int k = 0; k < 4; k++) ig[k] = (int32_t)fz_u32(&in);
    fst24_grid *g = NULL;
    if (mode == 0) {
        if (fst24_grid_new(grtyp, ni, nj, ig[0], ig[1], ig[2], ig[3], &g) == FST24_OK) use(g);
    } else {
        int cloud = grtyp == 'Y';
        ni = 1 + ni % 256;
        nj = 1 + nj % 256;
        size_t nx = cloud ? (size_t)ni * nj : (size_t)ni, ny = cloud ? nx : (size_t)nj;
        double *ax = malloc(nx * sizeof(double)), *ay = malloc(ny * sizeof(double));
        if (ax && ay) {
            for (size_t k = 0; k < nx; k++) ax[k] = in.n >= 8 ? fz_f64(&in) : (double)k;
            for (size_t k = 0; k < ny; k++) ay[k] = in.n >= 8 ? fz_f64(&in) : (double)k;
            if (fst24_grid_new_axes(cloud ? 'Y' : 'Z', ni, nj, ref, ig, ax, ay, &g) == FST24_OK) use(g);
        }
        free(ax);
        free(ay);
    }
    fst24_grid_free(g);
    return 0;
}
