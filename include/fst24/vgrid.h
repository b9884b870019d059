/* fst24/vgrid.h - vertical coordinate descriptors ("!!" records, legacy HY/PT).
 * Included by fst24.h.
 *
 * A vertical descriptor is a table of levels: for each level its ip1 and the
 * coefficients A, B (and C) that give pressure or height from surface
 * fields (docs/format/vertical.md):
 *   1001, 1002, 1003, 5001, 5999     p = A + B*P0                 (Pa)
 *   2001                             p = A                        (Pa)
 *   5002, 5003, 5004, 5005           ln p = A + B*ln(P0/pref)     (Pa)
 *   5100 (SLEVE)                     ln p = A + B*ln(P0/pref) + C*ln(P0LS/pref)
 *   1, 4001                          z = A                        (m)
 *   21001, 21002 (Gal-Chen)          z = A + B*ME + C*MELS        (m)
 * Surface pressures are passed in Pa (P0 records hold hPa: multiply by 100).
 * Levels come in families: momentum, thermodynamic and (21002) vertical
 * velocity; diagnostic (near-surface, kind 4) levels are flagged.
 * Every function returns FST24_OK or a negative FST24_E_* status. vgrid
 * objects are immutable: one may be shared by threads.
 */
#ifndef FST24_VGRID_H
#define FST24_VGRID_H
/* Self-contained: the core declarations (status codes, FST24_API, records, files). */
#include "../fst24.h"
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

/* A vertical descriptor (opaque, immutable): built by the constructors below,
 * released by fst24_vgrid_free(). */
typedef struct fst24_vgrid fst24_vgrid;
struct fst24_file;
struct fst24_record;

typedef enum fst24_vlevel_family {
    FST24_VLEVEL_MOMENTUM = 1, /* also the only list of unstaggered vcodes */
    FST24_VLEVEL_THERMO = 2,
    FST24_VLEVEL_VVEL = 3 /* 21002 (and vcode 1) vertical-velocity levels */
} fst24_vlevel_family;

typedef struct fst24_vgrid_info {
    int32_t vcode; /* 1000*kind + version, e.g. 5005 */
    int kind, version;
    const char *description;    /* e.g. "hybrid staggered, top momentum, with diagnostic levels" */
    int ip1_kind;               /* kind of the model levels' ip1 (1, 2, 5, 21, ...) */
    int log_pressure;           /* 1: ln p = A + B ln(P0/pref) (+ C ln(P0LS/pref)) */
    int height;                 /* 1: coefficients give heights (m), not pressures */
    int legacy;                 /* built from HY / PT / the levels alone, not from a !! record */
    double ptop, pref;          /* Pa; NaN when not part of the vcode */
    double rcoef[4];            /* NaN when not part of the vcode */
    char ref_name[5];           /* surface field: "P0", "ME" ("" if none) */
    char ref_name2[5];          /* large-scale field: "P0LS", "MELS" ("" if none) */
    int32_t nl_m, nl_t, nl_w;   /* level counts per family (nl_t = 0 if unstaggered) */
    int32_t dipm, dipt, dipw;   /* ip1 of the diagnostic levels, -1 if none */
    double dhm, dht, dhw;       /* their heights above ground (m), NaN if none */
    int32_t table_ni, table_nj; /* shape of the !! table */
    /* CF description as fstd2nc writes it (docs/format/vertical.md#vertical-cf); "" when none */
    const char *cf_standard_name; /* e.g. "atmosphere_hybrid_sigma_ln_pressure_coordinate" */
    const char *cf_formula;       /* e.g. "p = exp(a+b*log(ps/pref)) / 100.0" */
    const char *cf_formula_terms; /* e.g. "a: a b: b ps: P0 pref: pref" */
    const char *cf_positive;      /* "up" or "down" */
    /* key of the record the descriptor was read from ("!!", or "HY" for a
     * legacy hybrid descriptor); -1 when built from values in memory */
    int64_t record_key;
} fst24_vgrid_info;

/* Parse a "!!" table (ni*nj doubles in file order) of vertical code `vcode`
 * (the record's ig1). */
FST24_API int fst24_vgrid_from_table(int32_t vcode, int32_t ni, int32_t nj, const double *table, fst24_vgrid **out);
/* Read and parse a "!!" record of `file`. */
FST24_API int fst24_vgrid_from_record(struct fst24_file *file, const struct fst24_record *toctoc, fst24_vgrid **out);
/* The descriptor of a data record: the "!!" whose (ip1, ip2) equal the
 * record's (ig1, ig2) (among several, the first whose vcode fits the kind of
 * the record's ip1); else the file's only distinct "!!" if its vcode fits
 * that kind; else a legacy
 * descriptor built from HY / PT and the record's level kind (1: eta with PT,
 * normalised hybrid with HY, sigma alone; 2: pressure; 5: hybrid with HY),
 * listing every distinct level of that kind found in the file.
 * FST24_E_NO_RECORD if nothing applies. */
FST24_API int fst24_vgrid_find(struct fst24_file *file, const struct fst24_record *data, fst24_vgrid **out);
/* Legacy descriptor from parameters: vcode 1001 (sigma), 1002 (eta, ptop),
 * 1003 (normalised hybrid, ptop/pref/rcoef), 2001 (pressure), 5001 (hybrid,
 * ptop/pref/rcoef) for the `nk` levels `ip1` (librmn hyb_to_pres formulas).
 * Unused parameters are ignored. Pressures in Pa. */
FST24_API int fst24_vgrid_legacy(int32_t vcode, double ptop, double pref, double rcoef, size_t nk, const int32_t *ip1,
                                 fst24_vgrid **out);
/* Release a descriptor (NULL accepted). */
FST24_API void fst24_vgrid_free(fst24_vgrid *vg);

/* Fill `info` with the descriptor's vcode, parameters, level counts and CF vocabulary. */
FST24_API int fst24_vgrid_get_info(const fst24_vgrid *vg, fst24_vgrid_info *info);

/* Levels of one family: up to `max` entries; *count receives the number of
 * levels of that family. Any output pointer may be NULL. */
FST24_API int fst24_vgrid_levels(const fst24_vgrid *vg, fst24_vlevel_family family, int32_t *ip1, double *a, double *b,
                                 double *c, int32_t max, int32_t *count);
/* Find a level by ip1 (exact integer; else same decoded value): momentum list
 * first, then thermodynamic, then vertical velocity. Outputs may be NULL;
 * *diagnostic = 1 for a near-surface diagnostic level. FST24_E_NO_RECORD if
 * the ip1 is not a level of this descriptor. */
FST24_API int fst24_vgrid_lookup(const fst24_vgrid *vg, int32_t ip1, fst24_vlevel_family *family, int32_t *index,
                                 double *a, double *b, double *c, int *diagnostic);

/* Pressure (Pa) at `nlev` levels (ip1) for `npts` surface points:
 * p[l*npts + k]. ps = P0 in Pa; ps_ls = P0LS in Pa (5100 only, else may be
 * NULL). FST24_E_UNSUPPORTED for height-based descriptors. */
FST24_API int fst24_vgrid_pressure(const fst24_vgrid *vg, size_t nlev, const int32_t *ip1, size_t npts,
                                   const double *ps, const double *ps_ls, double *p);
/* Height (m) at `nlev` levels for `npts` points: z[l*npts + k]. zs = ME,
 * zs_ls = MELS (may be NULL: ME is used) for 21001/21002; ignored (may be
 * NULL) for 1 and 4001. FST24_E_UNSUPPORTED for pressure-based descriptors. */
FST24_API int fst24_vgrid_height(const fst24_vgrid *vg, size_t nlev, const int32_t *ip1, size_t npts, const double *zs,
                                 const double *zs_ls, double *z);

#ifdef __cplusplus
}
#endif
#endif
