/* Vertical descriptors: parsing of "!!" tables for every vcode of
 * METADATA.md §5.2, legacy descriptors (HY / PT / sigma / pressure), level
 * lookup and the pressure / height formulas of §5.3. Pure functions; reading
 * records is in vgrid_file.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "common/error.h"
#include "meta/vgrid_internal.h"

typedef struct vcode_def {
    int32_t vcode;
    int ni, skip;
    const char *description;
} vcode_def;

static const vcode_def VCODES[] = {
    {1, 3, 1, "height above sea level (ocean)"},
    {1001, 3, 2, "sigma"},
    {1002, 3, 2, "eta"},
    {1003, 3, 3, "normalised hybrid (GEM 3)"},
    {2001, 3, 1, "pressure"},
    {4001, 3, 1, "height above ground"},
    {5001, 3, 3, "hybrid, unstaggered (GEM 3)"},
    {5002, 3, 3, "hybrid staggered, top level thermodynamic (GEM 4)"},
    {5003, 3, 3, "hybrid staggered, top level thermodynamic, unstaggered last level"},
    {5004, 3, 3, "hybrid staggered, top level momentum"},
    {5005, 3, 3, "hybrid staggered, top level momentum, with diagnostic levels"},
    {5100, 4, 3, "hybrid staggered SLEVE, with diagnostic levels"},
    {5999, 3, 2, "hybrid unstaggered of unknown origin"},
    {21001, 4, 3, "Gal-Chen hybrid height, Charney-Phillips staggering"},
    {21002, 4, 3, "Gal-Chen hybrid height, Lorenz staggering"},
};

static const vcode_def *find_def(int32_t vcode)
{
    for (size_t k = 0; k < sizeof VCODES / sizeof VCODES[0]; k++)
        if (VCODES[k].vcode == vcode) return &VCODES[k];
    return NULL;
}

void fst24_vgrid_free(fst24_vgrid *vg)
{
    if (!vg) return;
    for (int f = 0; f < 3; f++) free(vg->lev[f]);
    free(vg);
}

/* Name packed in the low 4 bytes of a double, first character lowest. */
static void ref_name(double v, char out[5])
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int n = 0;
    for (int k = 0; k < 4; k++) {
        const unsigned char c = (unsigned char)(bits >> (8 * k));
        out[n++] = (c >= 32 && c < 127) ? (char)c : ' ';
    }
    out[4] = 0;
    while (n > 0 && out[n - 1] == ' ') out[--n] = 0;
}

static int is_vgrid_log(int32_t v) { return v >= 5002 && v <= 5005; }

/* fstd2nc's CF vocabulary for a descriptor (called once its reference names are known). */
static void set_cf(fst24_vgrid_info *in)
{
    const char *sn = "", *f = "", *ft = "", *pos = "down";
    switch (in->vcode) {
    case 1: sn = "height"; pos = "up"; break;
    case 1001: sn = "atmosphere_sigma_coordinate"; f = "p = sigma * ps"; ft = "sigma: level ps: P0"; break;
    case 1002:
        sn = "atmosphere_sigma_coordinate";
        f = "p = sigma * (ps-ptop) + ptop";
        ft = "sigma: level ps: P0 ptop: PT";
        break;
    case 2001: sn = "air_pressure"; break;
    case 4001: sn = "height"; pos = "up"; break;
    case 5001: case 5999:
        sn = "atmosphere_hybrid_sigma_pressure_coordinate";
        f = "p = ap + b*ps";
        ft = "ap: ap b: b ps: P0";
        break;
    case 5002: case 5003: case 5004: case 5005:
        sn = "atmosphere_hybrid_sigma_ln_pressure_coordinate";
        f = "p = exp(a+b*log(ps/pref)) / 100.0";
        ft = "a: a b: b ps: P0 pref: pref";
        break;
    case 5100:
        sn = "atmosphere_hybrid_sigma_ln_pressure_coordinate";
        f = "p = exp(a+b*log(ps/pref)+c*log(psl/pref)) / 100.0";
        ft = "a: a b: b c: c ps: P0 psl: P0LS pref: pref";
        break;
    case 21001: case 21002:
        pos = "up";
        if (in->ref_name2[0]) {
            sn = "atmosphere_sleve_coordinate";
            f = "z = az + b1*zsurf1 + b2*zsurf2";
            ft = "az: az b1: b1 zsurf1: MELS b2: b2 zsurf2: ME";
        } else {
            sn = "atmosphere_hybrid_height_coordinate";
            f = "z = a + b*orog";
            ft = "a: a b: b orog: ME";
        }
        break;
    default: break; /* 1003: fstd2nc has no mapping */
    }
    in->cf_standard_name = sn;
    in->cf_formula = f;
    in->cf_formula_terms = ft;
    in->cf_positive = pos;
}

static int new_vgrid(int32_t vcode, fst24_vgrid **out)
{
    fst24_vgrid *vg = calloc(1, sizeof *vg);
    if (!vg) return fst_error(FST24_E_NOMEM, "vertical descriptor %d: out of memory", (int)vcode);
    fst24_vgrid_info *in = &vg->info;
    in->vcode = vcode;
    in->kind = vcode / 1000;
    in->version = vcode % 1000;
    const vcode_def *d = find_def(vcode);
    in->description = d ? d->description : "";
    in->log_pressure = is_vgrid_log(vcode) || vcode == 5100;
    in->height = vcode == 1 || vcode == 4001 || vcode == 21001 || vcode == 21002;
    in->ptop = in->pref = NAN;
    for (int k = 0; k < 4; k++) in->rcoef[k] = NAN;
    in->dipm = in->dipt = in->dipw = -1;
    in->dhm = in->dht = in->dhw = NAN;
    in->record_key = -1;
    *out = vg;
    return FST24_OK;
}

/* Fill one family from `n` consecutive table rows starting at row `r0`. */
static int take_rows(fst24_vgrid *vg, int fam, const double *t, int ni, int32_t r0, int32_t n)
{
    vlevel *l = calloc(n ? (size_t)n : 1, sizeof *l);
    if (!l) return fst_error(FST24_E_NOMEM, "vertical descriptor %d: out of memory", (int)vg->info.vcode);
    for (int32_t k = 0; k < n; k++) {
        const double *row = t + (size_t)(r0 + k) * ni;
        if (!(row[0] >= 0 && row[0] <= 2147483647.0) || row[0] != floor(row[0])) {
            free(l);
            return fst_error(FST24_E_INVALID, "vertical descriptor %d: row %d has ip1 %g (not a valid integer code)",
                             (int)vg->info.vcode, (int)(r0 + k), row[0]);
        }
        l[k].ip1 = (int32_t)row[0];
        l[k].a = row[1];
        l[k].b = row[2];
        l[k].c = ni > 3 ? row[3] : 0.0;
        if (fst24_ip_decode(l[k].ip1, &l[k].value, &l[k].kind)) {
            l[k].kind = -1;
            l[k].value = NAN;
            fst24_clear_error();
        }
        /* near-surface diagnostic rows exist only in these vcodes (4001's levels are all kind 4) */
        const int32_t v = vg->info.vcode;
        l[k].diag = l[k].kind == 4 && (v == 5005 || v == 5100 || v == 21001 || v == 21002);
    }
    free(vg->lev[fam - 1]);
    vg->lev[fam - 1] = l;
    vg->n[fam - 1] = n;
    return FST24_OK;
}

/* Diagnostic (kind 4) last rows of the families. */
static void note_diagnostics(fst24_vgrid *vg)
{
    fst24_vgrid_info *in = &vg->info;
    int32_t *dip[3] = {&in->dipm, &in->dipt, &in->dipw};
    double *dh[3] = {&in->dhm, &in->dht, &in->dhw};
    for (int f = 0; f < 3; f++) {
        if (vg->n[f] == 0) continue;
        const vlevel *last = &vg->lev[f][vg->n[f] - 1];
        if (last->diag) {
            *dip[f] = last->ip1;
            *dh[f] = last->value;
        }
    }
}

int fst24_vgrid_from_table(int32_t vcode, int32_t ni, int32_t nj, const double *t, fst24_vgrid **out)
{
    if (!t || !out) return fst_error(FST24_E_INVALID, "fst24_vgrid_from_table: NULL argument");
    *out = NULL;
    const vcode_def *d = find_def(vcode);
    if (!d) return fst_error(FST24_E_UNSUPPORTED, "vertical descriptor: vcode %d is not supported", (int)vcode);
    if (ni != d->ni)
        return fst_error(FST24_E_INVALID, "vertical descriptor %d: table has %d columns, %d expected", (int)vcode, (int)ni, d->ni);
    if (nj < d->skip + 1 || nj > 100000)
        return fst_error(FST24_E_INVALID, "vertical descriptor %d: table has %d rows, too few for its %d header rows", (int)vcode, (int)nj, d->skip);
    const int kind = vcode / 1000, version = vcode % 1000;
    if (t[0] != kind || t[1] != version)
        return fst_error(FST24_E_INVALID, "vertical descriptor %d: table says kind %g version %g", (int)vcode, t[0], t[1]);
    if (t[2] != d->skip)
        return fst_error(FST24_E_INVALID, "vertical descriptor %d: table says %g header rows, %d expected", (int)vcode, t[2], d->skip);
    for (size_t k = 0; k < (size_t)ni * nj; k++)
        if (!isfinite(t[k]) && k >= (size_t)ni * d->skip)
            return fst_error(FST24_E_INVALID, "vertical descriptor %d: value %zu is not finite", (int)vcode, k);

    fst24_vgrid *vg;
    int st = new_vgrid(vcode, &vg);
    if (st) return st;
    fst24_vgrid_info *in = &vg->info;
    in->table_ni = ni;
    in->table_nj = nj;
    const int32_t rows = nj - d->skip;
    switch (vcode) {
    case 1:
        if (rows % 2) goto bad_rows;
        st = take_rows(vg, FST24_VLEVEL_MOMENTUM, t, ni, 1, rows / 2);
        if (!st) st = take_rows(vg, FST24_VLEVEL_VVEL, t, ni, 1 + rows / 2, rows / 2);
        break;
    case 1001: case 5999:
        ref_name(t[3], in->ref_name);
        st = take_rows(vg, FST24_VLEVEL_MOMENTUM, t, ni, 2, rows);
        break;
    case 1002:
        in->ptop = t[3];
        ref_name(t[4], in->ref_name);
        st = take_rows(vg, FST24_VLEVEL_MOMENTUM, t, ni, 2, rows);
        break;
    case 1003: case 5001:
        in->ptop = t[3];
        in->pref = t[4];
        in->rcoef[0] = t[5];
        ref_name(t[6], in->ref_name);
        st = take_rows(vg, FST24_VLEVEL_MOMENTUM, t, ni, 3, rows);
        break;
    case 2001: case 4001:
        st = take_rows(vg, FST24_VLEVEL_MOMENTUM, t, ni, 1, rows);
        break;
    case 5002: case 5003: case 5004: case 5005: {
        in->ptop = t[3];
        in->pref = t[4];
        in->rcoef[0] = t[5];
        in->rcoef[1] = t[6];
        ref_name(t[7], in->ref_name);
        /* 5002/5003 have one thermodynamic level more than momentum levels */
        const int extra = vcode <= 5003;
        if ((rows - extra) % 2) goto bad_rows;
        const int32_t nm = (rows - extra) / 2;
        st = take_rows(vg, FST24_VLEVEL_MOMENTUM, t, ni, 3, nm);
        if (!st) st = take_rows(vg, FST24_VLEVEL_THERMO, t, ni, 3 + nm, nm + extra);
        break;
    }
    case 5100:
        in->ptop = t[3];
        in->pref = t[4];
        for (int k = 0; k < 4; k++) in->rcoef[k] = t[5 + k];
        ref_name(t[9], in->ref_name);
        ref_name(t[10], in->ref_name2);
        if (rows % 2) goto bad_rows;
        st = take_rows(vg, FST24_VLEVEL_MOMENTUM, t, ni, 3, rows / 2);
        if (!st) st = take_rows(vg, FST24_VLEVEL_THERMO, t, ni, 3 + rows / 2, rows / 2);
        break;
    case 21001:
    case 21002:
        for (int k = 0; k < 4; k++) in->rcoef[k] = t[3 + k];
        ref_name(t[7], in->ref_name);
        ref_name(t[8], in->ref_name2);
        if (vcode == 21001) {
            if (rows % 2) goto bad_rows;
            st = take_rows(vg, FST24_VLEVEL_MOMENTUM, t, ni, 3, rows / 2);
            if (!st) st = take_rows(vg, FST24_VLEVEL_THERMO, t, ni, 3 + rows / 2, rows / 2);
        } else {
            /* momentum rows, vertical-velocity rows, then the thermodynamic
             * diagnostic row; thermo levels = momentum with the last replaced */
            if ((rows - 1) % 2 || rows < 3) goto bad_rows;
            const int32_t nm = (rows - 1) / 2;
            st = take_rows(vg, FST24_VLEVEL_MOMENTUM, t, ni, 3, nm);
            if (!st) st = take_rows(vg, FST24_VLEVEL_VVEL, t, ni, 3 + nm, nm);
            if (!st) st = take_rows(vg, FST24_VLEVEL_THERMO, t, ni, 3, nm);
            if (!st) {
                vlevel last;
                fst24_vgrid *tmp;
                st = new_vgrid(vcode, &tmp);
                if (!st) st = take_rows(tmp, FST24_VLEVEL_THERMO, t, ni, 3 + 2 * nm, 1);
                if (!st) {
                    last = tmp->lev[1][0];
                    vg->lev[1][nm - 1] = last;
                }
                fst24_vgrid_free(tmp);
            }
        }
        break;
    }
    if (st) {
        fst24_vgrid_free(vg);
        return st;
    }
    in->nl_m = vg->n[0];
    in->nl_t = vg->n[1];
    in->nl_w = vg->n[2];
    in->ip1_kind = vg->n[0] ? vg->lev[0][0].kind : -1;
    note_diagnostics(vg);
    set_cf(in);
    *out = vg;
    return FST24_OK;
bad_rows:
    fst24_vgrid_free(vg);
    return fst_error(FST24_E_INVALID, "vertical descriptor %d: %d level rows do not split into its level families", (int)vcode, (int)rows);
}

static int cmp_level(const void *pa, const void *pb)
{
    const vlevel *a = pa, *b = pb;
    return (a->value > b->value) - (a->value < b->value);
}

int fst24_vgrid_legacy(int32_t vcode, double ptop, double pref, double rcoef, size_t nk, const int32_t *ip1,
                       fst24_vgrid **out)
{
    if (!out || (nk && !ip1)) return fst_error(FST24_E_INVALID, "fst24_vgrid_legacy: NULL argument");
    *out = NULL;
    if (vcode != 1001 && vcode != 1002 && vcode != 1003 && vcode != 2001 && vcode != 5001)
        return fst_error(FST24_E_UNSUPPORTED, "legacy vertical descriptor: vcode %d (1001, 1002, 1003, 2001, 5001 supported)", (int)vcode);
    if (nk == 0 || nk > 100000) return fst_error(FST24_E_INVALID, "legacy vertical descriptor %d: %zu levels", (int)vcode, nk);
    const int hyb = vcode == 1003 || vcode == 5001;
    if (hyb && !(pref > 0 && ptop >= 0 && ptop < pref && rcoef > 0))
        return fst_error(FST24_E_INVALID, "legacy vertical descriptor %d: ptop %g, pref %g, rcoef %g invalid", (int)vcode, ptop, pref, rcoef);
    if (vcode == 1002 && !(ptop >= 0)) return fst_error(FST24_E_INVALID, "legacy eta descriptor: ptop %g invalid", ptop);
    fst24_vgrid *vg;
    int st = new_vgrid(vcode, &vg);
    if (st) return st;
    vg->info.legacy = 1;
    vlevel *l = calloc(nk, sizeof *l);
    if (!l) {
        fst24_vgrid_free(vg);
        return fst_error(FST24_E_NOMEM, "legacy vertical descriptor: out of memory");
    }
    const int want_kind = vcode == 2001 ? 2 : vcode == 5001 ? 5 : 1;
    for (size_t k = 0; k < nk; k++) {
        l[k].ip1 = ip1[k];
        if (fst24_ip_decode(ip1[k], &l[k].value, &l[k].kind) || l[k].kind != want_kind) {
            free(l);
            fst24_vgrid_free(vg);
            return fst_error(FST24_E_INVALID, "legacy vertical descriptor %d: ip1 %d is not a kind-%d level", (int)vcode, (int)ip1[k], want_kind);
        }
        const double h = l[k].value;
        switch (vcode) {
        case 1001: l[k].a = 0.0; l[k].b = h; break;
        case 1002: l[k].a = ptop * (1.0 - h); l[k].b = h; break;
        case 2001: l[k].a = 100.0 * h; l[k].b = 0.0; break;
        default: { /* librmn hyb_to_pres: kind 1 levels are first de-normalised */
            const double top = ptop / pref;
            const double hm = vcode == 1003 ? h + (1.0 - h) * top : h;
            const double x = (hm - top) / (1.0 - top);
            l[k].b = pow(x > 0 ? x : 0.0, rcoef);
            l[k].a = pref * (hm - l[k].b);
        }
        }
    }
    qsort(l, nk, sizeof *l, cmp_level);
    vg->lev[0] = l;
    vg->n[0] = (int32_t)nk;
    fst24_vgrid_info *in = &vg->info;
    in->nl_m = (int32_t)nk;
    in->ip1_kind = want_kind;
    if (vcode != 2001 && vcode != 1001) in->ptop = ptop;
    if (hyb) {
        in->pref = pref;
        in->rcoef[0] = rcoef;
    }
    if (vcode != 2001) strcpy(in->ref_name, "P0");
    set_cf(in);
    if (vcode == 5001) { /* fstd2nc's HY-only case: same formula, with ptop/rcoef/pref attributes */
        in->cf_formula_terms = "ap: ap b: b ps: P0";
    }
    *out = vg;
    return FST24_OK;
}

int fst24_vgrid_get_info(const fst24_vgrid *vg, fst24_vgrid_info *info)
{
    if (!vg || !info) return fst_error(FST24_E_INVALID, "fst24_vgrid_get_info: NULL argument");
    *info = vg->info;
    return FST24_OK;
}

int fst24_vgrid_levels(const fst24_vgrid *vg, fst24_vlevel_family fam, int32_t *ip1, double *a, double *b,
                       double *c, int32_t max, int32_t *count)
{
    if (!vg) return fst_error(FST24_E_INVALID, "fst24_vgrid_levels: NULL descriptor");
    if (fam < FST24_VLEVEL_MOMENTUM || fam > FST24_VLEVEL_VVEL)
        return fst_error(FST24_E_INVALID, "fst24_vgrid_levels: bad level family %d", (int)fam);
    const int32_t n = vg->n[fam - 1];
    if (count) *count = n;
    for (int32_t k = 0; k < n && k < max; k++) {
        const vlevel *l = &vg->lev[fam - 1][k];
        if (ip1) ip1[k] = l->ip1;
        if (a) a[k] = l->a;
        if (b) b[k] = l->b;
        if (c) c[k] = l->c;
    }
    return FST24_OK;
}

const vlevel *vgrid_find_level(const fst24_vgrid *vg, int32_t ip1, int *fam, int32_t *index)
{
    for (int pass = 0; pass < 2; pass++) {
        float v = 0;
        int kind = -1;
        if (pass == 1 && fst24_ip_decode(ip1, &v, &kind)) {
            fst24_clear_error();
            return NULL;
        }
        for (int f = 0; f < 3; f++)
            for (int32_t k = 0; k < vg->n[f]; k++) {
                const vlevel *l = &vg->lev[f][k];
                /* exact code first; then the same decoded level (old/new style aliases) */
                if (pass == 0 ? l->ip1 == ip1 : (l->kind == kind && l->value == v)) {
                    if (fam) *fam = f + 1;
                    if (index) *index = k;
                    return l;
                }
            }
    }
    return NULL;
}

int fst24_vgrid_lookup(const fst24_vgrid *vg, int32_t ip1, fst24_vlevel_family *family, int32_t *index,
                       double *a, double *b, double *c, int *diagnostic)
{
    if (!vg) return fst_error(FST24_E_INVALID, "fst24_vgrid_lookup: NULL descriptor");
    int f = 0;
    int32_t idx = -1;
    const vlevel *l = vgrid_find_level(vg, ip1, &f, &idx);
    if (!l) return fst_error(FST24_E_NO_RECORD, "vertical descriptor %d: ip1 %d is not one of its levels", (int)vg->info.vcode, (int)ip1);
    if (family) *family = (fst24_vlevel_family)f;
    if (index) *index = idx;
    if (a) *a = l->a;
    if (b) *b = l->b;
    if (c) *c = l->c;
    if (diagnostic) *diagnostic = l->diag;
    return FST24_OK;
}

int fst24_vgrid_pressure(const fst24_vgrid *vg, size_t nlev, const int32_t *ip1, size_t npts, const double *ps,
                         const double *ps_ls, double *p)
{
    if (!vg || (nlev && (!ip1 || !p)) || (npts && nlev && !ps))
        return fst_error(FST24_E_INVALID, "fst24_vgrid_pressure: NULL argument");
    const fst24_vgrid_info *in = &vg->info;
    if (in->height) return fst_error(FST24_E_UNSUPPORTED, "vertical descriptor %d gives heights, not pressures", (int)in->vcode);
    if (in->vcode == 5100 && npts && nlev && !ps_ls)
        return fst_error(FST24_E_INVALID, "vertical descriptor 5100 (SLEVE) needs the large-scale surface pressure P0LS");
    const int logp = in->log_pressure;
    if (logp && !(in->pref > 0)) return fst_error(FST24_E_INVALID, "vertical descriptor %d: pref %g invalid", (int)in->vcode, in->pref);
    for (size_t l = 0; l < nlev; l++) {
        const vlevel *lev = vgrid_find_level(vg, ip1[l], NULL, NULL);
        if (!lev) return fst_error(FST24_E_NO_RECORD, "vertical descriptor %d: ip1 %d is not one of its levels", (int)in->vcode, (int)ip1[l]);
        /* the hybrid level 1.0 is the surface: exactly P0 */
        const int surface = lev->value == 1.0f &&
                            ((logp && lev->kind == 5) || ((in->vcode == 1003 || in->vcode == 5001) && (lev->kind == 1 || lev->kind == 5)));
        double *out = p + l * npts;
        if (in->vcode == 2001) {
            for (size_t k = 0; k < npts; k++) out[k] = lev->a;
        } else if (surface) {
            memcpy(out, ps, npts * sizeof(double));
        } else if (!logp) {
            for (size_t k = 0; k < npts; k++) out[k] = lev->a + lev->b * ps[k];
        } else if (in->vcode == 5100) {
            for (size_t k = 0; k < npts; k++)
                out[k] = exp(lev->a + lev->b * log(ps[k] / in->pref) + lev->c * log(ps_ls[k] / in->pref));
        } else {
            for (size_t k = 0; k < npts; k++) out[k] = exp(lev->a + lev->b * log(ps[k] / in->pref));
        }
    }
    return FST24_OK;
}

int fst24_vgrid_height(const fst24_vgrid *vg, size_t nlev, const int32_t *ip1, size_t npts, const double *zs,
                       const double *zs_ls, double *z)
{
    if (!vg || (nlev && (!ip1 || !z))) return fst_error(FST24_E_INVALID, "fst24_vgrid_height: NULL argument");
    const fst24_vgrid_info *in = &vg->info;
    if (!in->height) return fst_error(FST24_E_UNSUPPORTED, "vertical descriptor %d gives pressures, not heights", (int)in->vcode);
    const int galchen = in->vcode == 21001 || in->vcode == 21002;
    if (galchen && npts && nlev && !zs)
        return fst_error(FST24_E_INVALID, "vertical descriptor %d needs the surface height ME", (int)in->vcode);
    /* a blank large-scale name means the large-scale height is the height itself */
    const double *ls = (in->ref_name2[0] && zs_ls) ? zs_ls : zs;
    for (size_t l = 0; l < nlev; l++) {
        const vlevel *lev = vgrid_find_level(vg, ip1[l], NULL, NULL);
        if (!lev) return fst_error(FST24_E_NO_RECORD, "vertical descriptor %d: ip1 %d is not one of its levels", (int)in->vcode, (int)ip1[l]);
        double *out = z + l * npts;
        if (!galchen) {
            for (size_t k = 0; k < npts; k++) out[k] = lev->a;
        } else if (lev->kind == 21 && lev->value == 0.0f) {
            memcpy(out, zs, npts * sizeof(double));
        } else {
            for (size_t k = 0; k < npts; k++) out[k] = lev->a + lev->b * zs[k] + lev->c * ls[k];
        }
    }
    return FST24_OK;
}
