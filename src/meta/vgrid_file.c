/* Vertical descriptors found in a file: "!!" records linked to data records
 * by (ip1, ip2) = (ig1, ig2), a file's single "!!", or a legacy descriptor
 * inferred from HY / PT and the levels present (METADATA.md §5.5, §5.7). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/error.h"
#include "meta/grid_internal.h"
#include "meta/vgrid_internal.h"

int fst24_vgrid_from_record(fst24_file *file, const fst24_record *r, fst24_vgrid **out)
{
    (void)file;
    if (!r || !out) return fst_error(FST24_E_INVALID, "fst24_vgrid_from_record: NULL argument");
    *out = NULL;
    if (strncmp(r->nomvar, "!!", 2))
        return fst_error(FST24_E_INVALID, "record '%.4s' is not a vertical descriptor ('!!')", r->nomvar);
    if (r->ni < 1 || r->nj < 1 || r->nk != 1 || (int64_t)r->ni * r->nj > 400000)
        return fst_error(FST24_E_INVALID, "record '!!' (ip1 %d ip2 %d): shape %dx%dx%d is not a descriptor table",
                         (int)r->ip1, (int)r->ip2, (int)r->ni, (int)r->nj, (int)r->nk);
    double *t = NULL;
    int st = grid_read_doubles(r, (size_t)r->ni * r->nj, &t);
    if (st) return st;
    st = fst24_vgrid_from_table(r->ig1, r->ni, r->nj, t, out);
    free(t);
    if (st) return fst_error_context(st, "record '!!' (ip1 %d ip2 %d ip3 %d): ", (int)r->ip1, (int)r->ip2, (int)r->ip3);
    (*out)->info.record_key = r->key;
    return FST24_OK;
}

/* All records named `nomvar` (up to max); returns the count or <0. */
static int64_t find_named(fst24_file *file, const char *nomvar, int32_t ip1, int32_t ip2, fst24_record *recs,
                          int64_t max)
{
    fst24_record crit;
    fst24_record_init_criteria(&crit);
    int st = fst24_record_set_string(&crit, "nomvar", nomvar);
    if (st) return st;
    crit.ip1 = ip1;
    crit.ip2 = ip2;
    fst24_query *q = NULL;
    st = fst24_query_new(file, &crit, NULL, &q);
    if (st) return st;
    const int64_t n = fst24_query_all(q, recs, max);
    fst24_query_free(q);
    return n;
}

static int same_table(const fst24_vgrid *a, const fst24_vgrid *b)
{
    if (a->info.vcode != b->info.vcode) return 0;
    for (int f = 0; f < 3; f++) {
        if (a->n[f] != b->n[f]) return 0;
        for (int32_t k = 0; k < a->n[f]; k++) {
            const vlevel *x = &a->lev[f][k], *y = &b->lev[f][k];
            if (x->ip1 != y->ip1 || x->a != y->a || x->b != y->b || x->c != y->c) return 0;
        }
    }
    return 1;
}

/* The file's only distinct "!!" table (identical duplicates count once). */
static int only_toctoc(fst24_file *file, fst24_vgrid **out)
{
    enum { MAXT = 64 };
    fst24_record recs[MAXT];
    const int64_t n = find_named(file, "!!", -1, -1, recs, MAXT);
    if (n <= 0) return n < 0 ? (int)n : 0;
    fst24_vgrid *first = NULL;
    int st = fst24_vgrid_from_record(file, &recs[0], &first);
    if (st) return st;
    for (int64_t k = 1; k < n; k++) {
        fst24_vgrid *o = NULL;
        st = fst24_vgrid_from_record(file, &recs[k], &o);
        const int same = !st && same_table(first, o);
        fst24_vgrid_free(o);
        if (st) fst24_clear_error();
        if (!same) {
            fst24_vgrid_free(first);
            return 0;
        }
    }
    *out = first;
    return 1;
}

static int is_descriptor_name(const char *n)
{
    static const char *const skip[] = {">>  ", "^^  ", "^>  ", "!!  ", "HY  ", "P0  ", "PT  ", "##  ", "E1  ", "!!SF"};
    for (size_t k = 0; k < sizeof skip / sizeof skip[0]; k++)
        if (!strncmp(n, skip[k], 4)) return 1;
    return 0;
}

/* Distinct ip1 of `kind` among the file's data records, ascending by value. */
static int collect_levels(fst24_file *file, int kind, int32_t **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    const int64_t n = fst24_num_records(file);
    if (n < 0) return (int)n;
    size_t cap = 64, m = 0;
    int32_t *ip = malloc(cap * sizeof *ip);
    float *val = malloc(cap * sizeof *val);
    if (!ip || !val) {
        free(ip);
        free(val);
        return fst_error(FST24_E_NOMEM, "vertical levels: out of memory");
    }
    fst24_query *q = NULL;
    int st = fst24_query_new(file, NULL, NULL, &q);
    fst24_record r;
    while (!st && (st = fst24_query_next(q, &r)) == 1) {
        st = 0;
        if (is_descriptor_name(r.nomvar) || r.ip1 == 0) continue;
        float v;
        int k;
        if (fst24_ip_decode(r.ip1, &v, &k) || k != kind) {
            fst24_clear_error();
            continue;
        }
        size_t j = 0;
        while (j < m && val[j] != v) j++;
        if (j < m) continue;
        if (m == cap) {
            cap *= 2;
            int32_t *ni = realloc(ip, cap * sizeof *ip);
            if (ni) ip = ni;
            float *nv = realloc(val, cap * sizeof *val);
            if (nv) val = nv;
            if (!ni || !nv) {
                st = fst_error(FST24_E_NOMEM, "vertical levels: out of memory");
                break;
            }
        }
        ip[m] = r.ip1;
        val[m++] = v;
    }
    fst24_query_free(q);
    free(val);
    if (st < 0) {
        free(ip);
        return st;
    }
    *out = ip;
    *count = m;
    return FST24_OK;
}

static int legacy_descriptor(fst24_file *file, const fst24_record *data, fst24_vgrid **out)
{
    float v;
    int kind;
    if (fst24_ip_decode(data->ip1, &v, &kind))
        return fst_error(FST24_E_NO_RECORD, "record '%.4s': ip1 %d is not a level", data->nomvar, (int)data->ip1);
    fst24_record hy, pt, e1;
    const int64_t nhy = find_named(file, "HY", -1, -1, &hy, 1);
    const int64_t npt = find_named(file, "PT", -1, -1, &pt, 1);
    const int64_t ne1 = find_named(file, "E1", -1, -1, &e1, 1);
    if (nhy < 0) return (int)nhy;
    if (npt < 0) return (int)npt;
    if (ne1 < 0) return (int)ne1;
    double ptop = NAN, pref = NAN, rcoef = NAN;
    if (nhy == 1) { /* HY: ip1 = ptop (mb), ig1 = pref (mb), ig2 = 1000 * rcoef */
        float p;
        int pk;
        if (fst24_ip_decode(hy.ip1, &p, &pk) || pk != 2)
            return fst_error(FST24_E_INVALID, "record 'HY': ip1 %d is not a pressure (kind 2)", (int)hy.ip1);
        ptop = 100.0 * p;
        pref = 100.0 * hy.ig1;
        rcoef = hy.ig2 / 1000.0;
    }
    int32_t vcode;
    if (kind == 5 && nhy == 1) vcode = 5001;
    else if (kind == 1 && npt == 1) {
        vcode = 1002;
        const size_t n = (size_t)pt.ni * pt.nj * pt.nk;
        double *d = NULL;
        int st = grid_read_doubles(&pt, n, &d);
        if (st) return st;
        ptop = 100.0 * d[0]; /* PT is normally constant over the grid */
        free(d);
    } else if (kind == 1 && nhy == 1) vcode = 1003;
    else if (kind == 1) vcode = 1001;
    else if (kind == 2) vcode = 2001;
    else
        return fst_error(FST24_E_NO_RECORD, "record '%.4s' (ip1 %d, kind %d): no '!!' record and no legacy descriptor applies",
                         data->nomvar, (int)data->ip1, kind);
    double etatop = NAN;
    if (vcode == 1002 && ne1 == 1) { /* SEF eta: E1 holds eta at the model top */
        double *d = NULL;
        int st = grid_read_doubles(&e1, (size_t)e1.ni * e1.nj * e1.nk, &d);
        if (st) return st;
        etatop = d[0];
        free(d);
        if (!(etatop >= 0 && etatop < 1)) return fst_error(FST24_E_INVALID, "record 'E1': eta at the top %g is not in [0, 1)", etatop);
    }
    int32_t *ip = NULL;
    size_t n = 0;
    int st = collect_levels(file, kind, &ip, &n);
    if (!st) st = fst24_vgrid_legacy(vcode, ptop, pref, rcoef, n, ip, out);
    free(ip);
    if (!st && nhy == 1 && (vcode == 5001 || vcode == 1003)) (*out)->info.record_key = hy.key;
    if (!st && !isnan(etatop)) { /* librmn etasef_to_pres: B = (eta - etatop)/(1 - etatop), A = ptop (1 - B) */
        fst24_vgrid *vg = *out;
        for (int32_t k = 0; k < vg->n[0]; k++) {
            vlevel *l = &vg->lev[0][k];
            l->b = (l->value - etatop) / (1.0 - etatop);
            l->a = ptop * (1.0 - l->b);
        }
        vg->info.description = "eta (SEF: PT and E1)";
    }
    return st;
}

/* Does a descriptor of `vcode` describe levels of `kind`? (vgrid_internal.h) */
int fst_vgrid_kind_fits(int32_t vcode, int kind)
{
    if (kind == 4 && (vcode == 5005 || vcode == 5100 || vcode == 21001 || vcode == 21002 || vcode == 4001)) return 1;
    return vcode / 1000 == kind;
}

int fst24_vgrid_find(fst24_file *file, const fst24_record *data, fst24_vgrid **out)
{
    if (!file || !data || !out) return fst_error(FST24_E_INVALID, "fst24_vgrid_find: NULL argument");
    *out = NULL;
    float v;
    int kind = -1;
    if (fst24_ip_decode(data->ip1, &v, &kind)) {
        fst24_clear_error();
        kind = -1;
    }
    /* linked by tags; among several, the first whose vcode fits the record's level kind */
    enum { MAXT = 64 };
    fst24_record tt[MAXT];
    int64_t n = find_named(file, "!!", data->ig1, data->ig2, tt, MAXT);
    if (n < 0) return (int)n;
    if (n > 0) {
        int64_t pick = 0;
        for (int64_t k = 0; k < n; k++)
            if (fst_vgrid_kind_fits(tt[k].ig1, kind)) {
                pick = k;
                break;
            }
        return fst24_vgrid_from_record(file, &tt[pick], out);
    }
    /* fstd2nc: the file's only table, accepted if its vcode fits the level kind */
    int st = only_toctoc(file, out);
    if (st < 0) return st;
    if (st == 1) {
        if (kind < 0 || fst_vgrid_kind_fits((*out)->info.vcode, kind)) return FST24_OK;
        fst24_vgrid_free(*out);
        *out = NULL;
    }
    return legacy_descriptor(file, data, out);
}
