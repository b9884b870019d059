/* fst24 grid FILE [--where K=V,...] [--vertical]
 * One block per distinct horizontal grid of the (matching) data records:
 * type, dimensions, ig/xg, reference grid, CF grid mapping and a lat/lon
 * summary (corners, min/max). With --vertical, the vertical descriptor of the
 * first record on each grid is summarised too. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct grid_key {
    char grtyp;
    int32_t ni, nj, ig[4];
    fst24_record first; /* first record on this grid */
    int64_t count;
    char names[64];     /* distinct nomvars, truncated */
} grid_key;

static int same_grid(const grid_key *k, const fst24_record *r)
{
    return k->grtyp == r->grtyp[0] && k->ni == r->ni && k->nj == r->nj && k->ig[0] == r->ig1 && k->ig[1] == r->ig2 &&
           k->ig[2] == r->ig3 && k->ig[3] == r->ig4;
}

static void add_name(grid_key *k, const char *nomvar)
{
    char n[5];
    memcpy(n, nomvar, 4);
    n[4] = 0;
    for (int i = 3; i >= 0 && n[i] == ' '; i--) n[i] = 0;
    /* whole-word match in the comma list */
    const char *p = k->names;
    const size_t L = strlen(n);
    while ((p = strstr(p, n))) {
        if ((p == k->names || p[-1] == ',') && (p[L] == ',' || p[L] == 0)) return;
        p++;
    }
    const size_t used = strlen(k->names);
    if (used + L + 2 >= sizeof k->names) {
        if (used + 4 < sizeof k->names && !strstr(k->names, "...")) strcat(k->names, ",...");
        return;
    }
    if (used) strcat(k->names, ",");
    strcat(k->names, n);
}

static void print_point(const char *label, const double *lat, const double *lon, size_t idx)
{
    printf(" %s (%.6f, %.6f)", label, lat[idx], lon[idx]);
}

static void print_mapping(const fst24_grid_info *in)
{
    switch (in->mapping) {
    case FST24_MAPPING_LATLON:
        printf("  mapping: latitude_longitude%s\n", in->identity_rotation ? " (identity E rotation)" : "");
        break;
    case FST24_MAPPING_ROTATED:
        printf("  mapping: rotated_latitude_longitude grid_north_pole_latitude=%.6f grid_north_pole_longitude=%.6f\n"
               "           north_pole_grid_longitude(RPN)=%.6f (CF: rlon - %.6f, north_pole_grid_longitude=0)\n",
               in->grid_north_pole_latitude, in->grid_north_pole_longitude, in->north_pole_grid_longitude,
               in->north_pole_grid_longitude);
        break;
    case FST24_MAPPING_POLAR_STEREO:
        printf("  mapping: polar_stereographic latitude_of_projection_origin=%g straight_vertical_longitude_from_pole=%.6f\n"
               "           scale_factor_at_projection_origin=%.7f resolution_at_standard_parallel=%g m\n"
               "           false_easting=%.3f false_northing=%.3f (pole at i=%.6f j=%.6f, d60=%g m, dgrw=%g)\n",
               in->latitude_of_projection_origin, in->straight_vertical_longitude_from_pole,
               in->scale_factor_at_projection_origin, in->resolution_at_standard_parallel, in->false_easting,
               in->false_northing, in->pole_i, in->pole_j, in->d60, in->dgrw);
        break;
    default:
        if (in->grtyp == 'U')
            printf("  mapping: yin-yang (%d sub-grids; yin rotated pole %.6f, %.6f)\n", in->nsubgrids,
                   in->grid_north_pole_latitude, in->grid_north_pole_longitude);
        else
            printf("  mapping: none (2-D latitude/longitude)\n");
    }
}

static void print_vertical(fst24_file *f, const fst24_record *r)
{
    fst24_vgrid *vg = NULL;
    if (fst24_vgrid_find(f, r, &vg)) {
        printf("  vertical: none (%s)\n", fst24_last_error());
        fst24_clear_error();
        return;
    }
    fst24_vgrid_info in;
    fst24_vgrid_get_info(vg, &in);
    printf("  vertical: vcode %d (%s)%s, %d momentum / %d thermodynamic / %d vertical-velocity levels\n", in.vcode,
           in.description, in.legacy ? " [legacy, from HY/PT/levels]" : "", in.nl_m, in.nl_t, in.nl_w);
    if (!isnan(in.ptop) || !isnan(in.pref))
        printf("            ptop=%g Pa pref=%g Pa rcoef=%g,%g,%g,%g ref=%s%s%s\n", in.ptop, in.pref, in.rcoef[0],
               in.rcoef[1], in.rcoef[2], in.rcoef[3], in.ref_name, in.ref_name2[0] ? "," : "", in.ref_name2);
    if (in.dipm >= 0 || in.dipt >= 0)
        printf("            diagnostic levels: momentum ip1 %d (%g m), thermodynamic ip1 %d (%g m)\n", in.dipm, in.dhm,
               in.dipt, in.dht);
    fst24_vgrid_free(vg);
}

static int describe_grid(fst24_file *f, int index, const grid_key *k, int vertical)
{
    printf("grid %d: %c %d x %d  ig %d %d %d %d  (%lld records: %s)\n", index, k->grtyp, (int)k->ni, (int)k->nj,
           (int)k->ig[0], (int)k->ig[1], (int)k->ig[2], (int)k->ig[3], (long long)k->count, k->names);
    fst24_grid *g = NULL;
    int st = fst24_grid_from_record(f, &k->first, &g);
    if (st) {
        printf("  no coordinates: %s\n", fst24_last_error());
        fst24_clear_error();
        if (vertical) print_vertical(f, &k->first);
        /* X grids and unsupported types are not an error of the file */
        return st == FST24_E_UNSUPPORTED ? 0 : 1;
    }
    fst24_grid_info in;
    fst24_grid_describe(g, &in);
    if (in.ref_grtyp && in.ref_grtyp != 'F')
        printf("  reference: %c  ig %d %d %d %d  xg %.8g %.8g %.8g %.8g\n", in.ref_grtyp, (int)in.ref_ig[0],
               (int)in.ref_ig[1], (int)in.ref_ig[2], (int)in.ref_ig[3], in.xg[0], in.xg[1], in.xg[2], in.xg[3]);
    else if (in.ref_grtyp == 'F')
        printf("  super-grid: %d sub-grids (yin xg %.8g %.8g %.8g %.8g)\n", in.nsubgrids, in.xg[0], in.xg[1], in.xg[2], in.xg[3]);
    else
        printf("  xg %.8g %.8g %.8g %.8g\n", in.xg[0], in.xg[1], in.xg[2], in.xg[3]);
    if (in.grtyp == '#')
        printf("  tile: first point at (%d, %d) of the %d x %d master grid\n", (int)in.tile_i0, (int)in.tile_j0,
               (int)in.master_ni, (int)in.master_nj);
    print_mapping(&in);
    const size_t n = (size_t)k->ni * k->nj;
    double *lat = malloc(n * sizeof(double)), *lon = malloc(n * sizeof(double));
    int rc = 0;
    if (!lat || !lon) {
        rc = cli_fail("grid %d: out of memory for %zu points", index, n);
    } else if (fst24_grid_latlon(g, lat, lon)) {
        printf("  lat/lon: unavailable: %s\n", fst24_last_error());
        fst24_clear_error();
    } else {
        double la0 = INFINITY, la1 = -INFINITY, lo0 = INFINITY, lo1 = -INFINITY;
        for (size_t p = 0; p < n; p++) {
            la0 = fmin(la0, lat[p]);
            la1 = fmax(la1, lat[p]);
            lo0 = fmin(lo0, lon[p]);
            lo1 = fmax(lo1, lon[p]);
        }
        printf("  lat: min %.6f max %.6f   lon: min %.6f max %.6f\n", la0, la1, lo0, lo1);
        printf("  corners (lat, lon):");
        const size_t ni = (size_t)k->ni;
        print_point("(1,1)", lat, lon, 0);
        print_point("(ni,1)", lat, lon, ni - 1);
        printf("\n                     ");
        print_point("(1,nj)", lat, lon, n - ni);
        print_point("(ni,nj)", lat, lon, n - 1);
        printf("\n");
    }
    free(lat);
    free(lon);
    fst24_grid_free(g);
    if (vertical) print_vertical(f, &k->first);
    return rc;
}

/* A file with no data records (only positional / vertical descriptors): the
 * grids implied by each ">>" / "^^" pair with the same tags, as librmn's
 * reference dumps do. Appends to keys; returns <0 on a read error. */
static int implied_grids(fst24_file *f, grid_key **keys, size_t *nk, size_t *cap)
{
    fst24_record c, x, y;
    fst24_record_init_criteria(&c);
    fst24_record_set_string(&c, "nomvar", ">>");
    fst24_query *qx = NULL;
    if (fst24_query_new(f, &c, NULL, &qx)) return -1;
    int st;
    while ((st = fst24_query_next(qx, &x)) == 1) {
        fst24_record cy;
        fst24_record_init_criteria(&cy);
        fst24_record_set_string(&cy, "nomvar", "^^");
        cy.ip1 = x.ip1;
        cy.ip2 = x.ip2;
        cy.ip3 = x.ip3;
        fst24_query *qy = NULL;
        if (fst24_query_new(f, &cy, NULL, &qy)) {
            st = -1;
            break;
        }
        while (fst24_query_next(qy, &y) == 1) {
            fst24_record r;
            fst24_record_init(&r);
            fst24_record_set_string(&r, "nomvar", ">>^^");
            const int cloud = x.ni == y.ni && x.nj == y.nj && x.nj > 1;
            if (!cloud && !(x.nj == 1 && y.ni == 1)) continue;
            fst24_record_set_string(&r, "grtyp", cloud ? "Y" : "Z");
            r.ni = x.ni;
            r.nj = cloud ? x.nj : y.nj;
            r.ig1 = x.ip1;
            r.ig2 = x.ip2;
            r.ig3 = x.ip3;
            r.ig4 = 0;
            size_t k = 0;
            while (k < *nk && !same_grid(&(*keys)[k], &r)) k++;
            if (k < *nk) continue;
            if (*nk == *cap) {
                *cap = *cap ? 2 * *cap : 16;
                grid_key *n = realloc(*keys, *cap * sizeof **keys);
                if (!n) {
                    fst24_query_free(qy);
                    fst24_query_free(qx);
                    return -1;
                }
                *keys = n;
            }
            grid_key *g = &(*keys)[(*nk)++];
            memset(g, 0, sizeof *g);
            g->grtyp = r.grtyp[0];
            g->ni = r.ni;
            g->nj = r.nj;
            g->ig[0] = r.ig1;
            g->ig[1] = r.ig2;
            g->ig[2] = r.ig3;
            g->first = r;
            strcpy(g->names, "implied by >> and ^^");
        }
        fst24_query_free(qy);
    }
    fst24_query_free(qx);
    return st < 0 ? -1 : 0;
}

/* --vertical on a file without data records: every "!!" table. */
static void list_toctocs(fst24_file *f)
{
    fst24_record c, r;
    fst24_record_init_criteria(&c);
    fst24_record_set_string(&c, "nomvar", "!!");
    fst24_query *q = NULL;
    if (fst24_query_new(f, &c, NULL, &q)) return;
    while (fst24_query_next(q, &r) == 1) {
        fst24_vgrid *vg = NULL;
        printf("!! ip1 %d ip2 %d ip3 %d:", (int)r.ip1, (int)r.ip2, (int)r.ip3);
        if (fst24_vgrid_from_record(f, &r, &vg)) {
            printf(" unreadable: %s\n", fst24_last_error());
            fst24_clear_error();
            continue;
        }
        fst24_vgrid_info in;
        fst24_vgrid_get_info(vg, &in);
        printf(" vcode %d (%s), %d momentum / %d thermodynamic / %d vertical-velocity levels\n", in.vcode, in.description,
               in.nl_m, in.nl_t, in.nl_w);
        fst24_vgrid_free(vg);
    }
    fst24_query_free(q);
}

const char cli_help_grid[] =
    "usage: fst24 grid FILE [--where SPEC]... [--exclude SPEC]... [--vertical]\n"
    "One block per distinct horizontal grid of the (selected) data records: type, dimensions,\n"
    "ig/xg, reference grid, CF grid-mapping parameters, lat/lon range and corners. A file of\n"
    "descriptors only shows the grids they imply.\n"
    "\n"
    "options:\n"
    "  --vertical        also summarise the vertical descriptor (!! table) of each grid's records\n"
    CLI_WHERE_HELP
    "\n"
    "example:\n"
    "  fst24 grid --where nomvar=TT model.fst --vertical\n"
    "\n"
    "exit status: 0 success, 1 a file could not be read or no record matched, 2 usage error\n";

int cmd_grid(int argc, char **argv)
{
    const char *path = NULL;
    int vertical = 0;
    cli_selection sel = {0};
    for (int i = 1; i < argc; i++) {
        int r = cli_selection_option(&sel, "grid", argc, argv, &i);
        if (r > 0) continue;
        int bad = r < 0 ? 2 : 0;
        if (!bad && !strcmp(argv[i], "--vertical")) vertical = 1;
        else if (!bad && cli_is_option(argv[i])) bad = cli_usage("grid", "unknown option %s", argv[i]);
        else if (!bad && !path) path = argv[i];
        else if (!bad) bad = cli_usage("grid", "one FILE expected (got %s and %s)", path, argv[i]);
        if (bad) {
            cli_selection_free(&sel);
            return bad;
        }
    }
    if (!path) return cli_usage("grid", "missing FILE");
    int selective = sel.ninclude || sel.nexclude;
    fst24_record crit;
    fst24_record_init_criteria(&crit);
    if (sel.ninclude == 1) fst24_filter_criteria(sel.include[0], &crit);
    fst24_file *f = NULL;
    int damaged;
    if (cli_open_input(path, &f, &damaged)) {
        cli_selection_free(&sel);
        return 1;
    }
    fst24_query_options qo = {0};
    qo.skip_grid_descriptors = 1; /* >>, ^^, !!, HY ... describe grids, they are not on one */
    fst24_query *q = NULL;
    if (fst24_query_new(f, &crit, &qo, &q)) {
        int rc = cli_fail_file(path);
        fst24_close(f);
        cli_selection_free(&sel);
        return rc;
    }
    grid_key *keys = NULL;
    size_t nk = 0, cap = 0;
    fst24_record r;
    int st, rc = 0;
    while ((st = cli_selection_next(&sel, q, &r)) == 1) {
        size_t k = 0;
        while (k < nk && !same_grid(&keys[k], &r)) k++;
        if (k == nk) {
            if (nk == cap) {
                cap = cap ? 2 * cap : 16;
                grid_key *nkeys = realloc(keys, cap * sizeof *keys);
                if (!nkeys) {
                    rc = cli_fail("out of memory");
                    break;
                }
                keys = nkeys;
            }
            memset(&keys[nk], 0, sizeof keys[nk]);
            keys[nk].grtyp = r.grtyp[0];
            keys[nk].ni = r.ni;
            keys[nk].nj = r.nj;
            keys[nk].ig[0] = r.ig1;
            keys[nk].ig[1] = r.ig2;
            keys[nk].ig[2] = r.ig3;
            keys[nk].ig[3] = r.ig4;
            keys[nk].first = r;
            nk++;
        }
        keys[k].count++;
        add_name(&keys[k], r.nomvar);
    }
    if (st < 0) rc = cli_fail_file(path);
    fst24_query_free(q);
    int toc_only = 0;
    if (!rc && nk == 0 && !selective) { /* descriptors only */
        if (implied_grids(f, &keys, &nk, &cap)) rc = cli_fail_lib(path);
        if (vertical) {
            list_toctocs(f);
            toc_only = 1;
        }
    }
    if (!rc && nk == 0 && !toc_only) rc = cli_fail("%s: no %srecord", path, selective ? "matching " : "data ");
    for (size_t k = 0; k < nk && !(st < 0); k++) {
        if (k || toc_only) printf("\n");
        if (describe_grid(f, (int)k + 1, &keys[k], vertical && !toc_only)) rc = 1;
    }
    free(keys);
    fst24_close(f);
    cli_selection_free(&sel);
    return rc ? rc : damaged;
}
