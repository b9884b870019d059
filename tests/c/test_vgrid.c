/* Vertical descriptors: every "!!" of the reference and real GEM files is
 * parsed; its A/B tables reproduce the pressures of the vgrid generator
 * formulas of METADATA.md §5.4 (5001, 5002, 5003) and of the reference
 * generator (model file); spec vectors of §5.3; legacy HY / PT descriptors;
 * hostile tables. */
#include "test_grid_util.h"

static const char *real(const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s/real/ECCC-ASTD-MRD_vgrid__tests_data_%s", tu_corpus(), name);
    return buf;
}

/* First "!!" of a file (ip1 < 0: any) as a descriptor. */
static fst24_vgrid *toctoc(const char *path, int32_t vcode, fst24_file **fout)
{
    fst24_file *f = NULL;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f)) {
        CHECK(0, "open %s: %s", path, fst24_last_error());
        return NULL;
    }
    fst24_record c, r;
    fst24_record_init_criteria(&c);
    fst24_record_set_string(&c, "nomvar", "!!");
    if (vcode > 0) c.ig1 = vcode;
    fst24_query *q = NULL;
    fst24_vgrid *vg = NULL;
    if (!fst24_query_new(f, &c, NULL, &q) && fst24_query_next(q, &r) == 1) {
        int st = fst24_vgrid_from_record(f, &r, &vg);
        CHECK(st == 0, "%s: parse !!: %s", path, fst24_last_error());
    } else {
        CHECK(0, "%s: no !! record of vcode %d", path, (int)vcode);
    }
    fst24_query_free(q);
    if (fout) *fout = f;
    else fst24_close(f);
    return vg;
}

static double hyb_of(int32_t ip1)
{
    float v;
    int k;
    fst24_ip_decode(ip1, &v, &k);
    return v;
}

/* Max relative difference between p(table) and p = A + B*P0 or exp(A + B ln(P0/pref)). */
static double compare_pressures(const fst24_vgrid *vg, int32_t ip1, double a, double b, int logp, double pref)
{
    const double ps[2] = {100000.0, 95000.0};
    double p[2];
    if (fst24_vgrid_pressure(vg, 1, &ip1, 2, ps, NULL, p)) return 1e9;
    double err = 0;
    for (int k = 0; k < 2; k++) {
        const double want = logp ? exp(a + b * log(ps[k] / pref)) : a + b * ps[k];
        err = fmax(err, fabs(p[k] - want) / want);
    }
    return err;
}

/* 5001: B = ((hyb - hybtop)/(1 - hybtop))^rcoef, A = pref*(hyb - B); hybtop
 * through a kind-5 ip1 round trip; a level at the top gets A = ptop, B = 0. */
static void test_5001(const char *name)
{
    char path[1024];
    fst24_vgrid *vg = toctoc(real(name, path, sizeof path), 5001, NULL);
    if (!vg) return;
    fst24_vgrid_info in;
    fst24_vgrid_get_info(vg, &in);
    CHECK(in.vcode == 5001 && NEAR(in.ptop, 10, 1e-6) && in.pref == 80000 && NEAR(in.rcoef[0], 1.6, 1e-6) &&
          !strcmp(in.ref_name, "P0") && in.nl_t == 0, "%s: header %g %g %.9g '%s' %d", name, in.ptop, in.pref, in.rcoef[0],
          in.ref_name, (int)in.nl_t);
    int32_t ip1[200];
    double a[200], b[200];
    int32_t n = 0;
    fst24_vgrid_levels(vg, FST24_VLEVEL_MOMENTUM, ip1, a, b, NULL, 200, &n);
    int32_t itop;
    fst24_ip_encode((float)(in.ptop / in.pref), 5, FST24_IP_NEW, &itop);
    const double top = hyb_of(itop);
    double err = 0;
    for (int32_t k = 0; k < n; k++) {
        const double h = hyb_of(ip1[k]);
        double B = pow((h - top) / (1.0 - top), in.rcoef[0]), A = in.pref * (h - B);
        if (fabs(h * in.pref - in.ptop) < 1e-3) { A = in.ptop; B = 0; }
        err = fmax(err, compare_pressures(vg, ip1[k], A, B, 0, in.pref));
    }
    CHECK(n == 80 && err < 1e-6, "%s: %d levels, 5001 generator pressures agree to %g", name, (int)n, err);
    /* §5.3 vector: ip1 94505840 (0.134) -> 115.2138 hPa at P0 = 1000 hPa */
    const int32_t iv = 94505840;
    const double ps = 100000.0;
    double p;
    if (fst24_vgrid_pressure(vg, 1, &iv, 1, &ps, NULL, &p) == 0)
        CHECK(NEAR(p / 100, 115.2138, 1e-4), "%s: 5001 ip1 94505840 -> %.4f hPa", name, p / 100);
    /* the surface (1.0) is exactly P0 */
    const int32_t one = 93423264;
    const double ps2 = 98765.4321;
    CHECK(fst24_vgrid_pressure(vg, 1, &one, 1, &ps2, NULL, &p) == 0 && p == ps2, "%s: level 1.0 = P0", name);
    fst24_vgrid_free(vg);
}

/* 5002 / 5003: momentum A = zs + ln hyb, B = lambda^r; thermo = means of
 * adjacent momentum rows (top: mean with (zt, 0)); last row the surface;
 * 5003 replaces the half level above the surface by the lowest momentum level. */
static void test_5002(const char *name, int32_t vcode)
{
    char path[1024];
    fst24_vgrid *vg = toctoc(real(name, path, sizeof path), vcode, NULL);
    if (!vg) return;
    fst24_vgrid_info in;
    fst24_vgrid_get_info(vg, &in);
    CHECK(in.vcode == vcode && in.log_pressure && in.nl_t == in.nl_m + 1 && !strcmp(in.ref_name, "P0"), "%s: header", name);
    int32_t im[400], it[400], nm = 0, nt = 0;
    double am[400], bm[400], at[400], bt[400];
    fst24_vgrid_levels(vg, FST24_VLEVEL_MOMENTUM, im, am, bm, NULL, 400, &nm);
    fst24_vgrid_levels(vg, FST24_VLEVEL_THERMO, it, at, bt, NULL, 400, &nt);
    const double zs = log(in.pref), zt = log(in.ptop), r1 = in.rcoef[0], r2 = in.rcoef[1];
    double gam[400], gbm[400], err = 0;
    for (int32_t k = 0; k < nm; k++) {
        const double h = hyb_of(im[k]);
        const double zeta = zs + log(h), lam = (zeta - zt) / (zs - zt);
        const double r = r2 - (r2 - r1) * lam;
        gam[k] = zeta;
        gbm[k] = h == 1.0 ? 1.0 : pow(lam, r);
        err = fmax(err, compare_pressures(vg, im[k], gam[k], gbm[k], 1, in.pref));
    }
    for (int32_t k = 0; k < nt; k++) {
        double A, B;
        if (k == nt - 1) { A = zs; B = 1; }
        else if (vcode == 5003 && k == nt - 2) { A = gam[nm - 2]; B = gbm[nm - 2]; }
        else {
            const double a0 = k ? gam[k - 1] : zt, b0 = k ? gbm[k - 1] : 0.0;
            A = 0.5 * (a0 + gam[k]);
            B = 0.5 * (b0 + gbm[k]);
        }
        err = fmax(err, compare_pressures(vg, it[k], A, B, 1, in.pref));
    }
    CHECK(nm > 10 && err < 2e-5, "%s: %d+%d levels, %d generator pressures agree to %g", name, (int)nm, (int)nt, (int)vcode, err);
    fst24_vgrid_free(vg);
}

/* 5005 real table: §5.3 vectors and §5.6 diagnostic levels. */
static void test_5005(void)
{
    char path[1024];
    fst24_vgrid *vg = toctoc(real("AIX_dm_5005_from_model_run__fa45b105", path, sizeof path), 5005, NULL);
    if (!vg) return;
    fst24_vgrid_info in;
    fst24_vgrid_get_info(vg, &in);
    CHECK(!strcmp(in.cf_standard_name, "atmosphere_hybrid_sigma_ln_pressure_coordinate") &&
          !strcmp(in.cf_formula_terms, "a: a b: b ps: P0 pref: pref") && !strcmp(in.cf_positive, "down"), "5005 CF names");
    CHECK(in.nl_m == 21 && in.nl_t == 21 && in.dipm == 75597472 && in.dipt == 76746048 && in.dhm == 10 && in.dht == 2 &&
          in.pref == 100000 && in.ptop == -9999, "5005 header: nl %d/%d dip %d/%d", in.nl_m, in.nl_t, in.dipm, in.dipt);
    const int32_t ips[3] = {95347140, 97618238, 75597472};
    const double ps[2] = {100000, 95000};
    double p[6];
    int st = fst24_vgrid_pressure(vg, 3, ips, 2, ps, NULL, p);
    CHECK(st == 0 && NEAR(p[0] / 100, 975.3000, 1e-4) && NEAR(p[1] / 100, 926.6673, 1e-4) && NEAR(p[2] / 100, 0.1007, 1e-4) &&
          NEAR(p[4] / 100, 998.7501, 1e-4), "5005 pressures %.4f %.4f %.4f %.4f", p[0] / 100, p[1] / 100, p[2] / 100, p[4] / 100);
    double a;
    fst24_vlevel_family fam;
    int diag = 0;
    st = fst24_vgrid_lookup(vg, 76746048, &fam, NULL, &a, NULL, NULL, &diag);
    CHECK(st == 0 && fam == FST24_VLEVEL_THERMO && diag && NEAR(a, log(1e5) - 9.80616 * 2 / (287.05 * 273.15), 1e-9),
          "5005 2 m thermo diagnostic A %.9f", a);
    st = fst24_vgrid_lookup(vg, 95347140, &fam, NULL, NULL, NULL, NULL, &diag);
    CHECK(st == 0 && !diag, "model level is not diagnostic");
    CHECK(fst24_vgrid_lookup(vg, 12345, NULL, NULL, NULL, NULL, NULL, NULL) == FST24_E_NO_RECORD, "unknown ip1");
    double z;
    CHECK(fst24_vgrid_height(vg, 1, ips, 1, ps, NULL, &z) == FST24_E_UNSUPPORTED, "5005 has no heights");
    fst24_vgrid_free(vg);
}

/* model.{xdf,rsf}.fst: table written by the reference generator with
 * A = ln(1e5 h), B = h^1.5 for every level h; found from a TT record. */
static void test_model(const char *fname)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/ref/%s", tu_corpus(), fname);
    fst24_file *f = NULL;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f)) {
        CHECK(0, "open %s: %s", path, fst24_last_error());
        return;
    }
    fst24_record c, tt;
    fst24_record_init_criteria(&c);
    fst24_record_set_string(&c, "nomvar", "TT");
    fst24_query *q = NULL;
    int got = !fst24_query_new(f, &c, NULL, &q) && fst24_query_next(q, &tt) == 1;
    fst24_query_free(q);
    fst24_vgrid *vg = NULL;
    int st = got ? fst24_vgrid_find(f, &tt, &vg) : -1;
    CHECK(st == 0, "%s: descriptor of TT: %s", fname, fst24_last_error());
    if (!st) {
        fst24_vgrid_info in;
        fst24_vgrid_get_info(vg, &in);
        CHECK(in.vcode == 5005 && in.nl_m == 20 && in.nl_t == 20 && !in.legacy, "%s: 5005, 20+20 levels", fname);
        /* read from the file's third record, the "!!" (keys 1, 1025, 2049 in XDF) */
        CHECK(in.record_key == (strstr(fname, "rsf") ? (1LL << 32 | 3) : 2049), "%s: '!!' record key %lld", fname,
              (long long)in.record_key);
        double err = 0;
        for (int fam = 1; fam <= 2; fam++) {
            int32_t ip[20];
            int32_t n;
            fst24_vgrid_levels(vg, (fst24_vlevel_family)fam, ip, NULL, NULL, NULL, 20, &n);
            for (int k = 0; k < n; k++) {
                const double h = hyb_of(ip[k]);
                err = fmax(err, compare_pressures(vg, ip[k], log(1e5 * h), pow(h, 1.5), 1, 1e5));
            }
        }
        /* the decoded hybrid keeps 6 digits of the generator's float */
        CHECK(err < 2e-5, "%s: table reproduces the generator to %g", fname, err);
        fst24_vlevel_family fam;
        CHECK(fst24_vgrid_lookup(vg, tt.ip1, &fam, NULL, NULL, NULL, NULL, NULL) == 0 && fam == FST24_VLEVEL_THERMO,
              "%s: TT is on a thermodynamic level", fname);
        fst24_record uu;
        fst24_record_set_string(&c, "nomvar", "UU");
        got = !fst24_query_new(f, &c, NULL, &q) && fst24_query_next(q, &uu) == 1;
        fst24_query_free(q);
        CHECK(got && fst24_vgrid_lookup(vg, uu.ip1, &fam, NULL, NULL, NULL, NULL, NULL) == 0 && fam == FST24_VLEVEL_MOMENTUM,
              "%s: UU is on a momentum level", fname);
    }
    fst24_vgrid_free(vg);
    fst24_close(f);
}

/* Every !! record of every real and reference file parses (except the
 * pre-vgrid "vcode 6" table, refused clearly). */
static void test_all_toctocs(void)
{
    static const char *names[] = {
        "AIX_dm_1001_from_model_run_plus_toc", "AIX_dm_1002_from_model_run_plus_toc", "AIX_dm_5001_from_model_run_plus_toc",
        "AIX_dm_5002_from_model_run__ddbe0d91", "AIX_dm_5002_toc_dyn_toc_phy", "AIX_dm_5003_from_model_run",
        "AIX_dm_5004_from_model_run__0dc1a5a4", "AIX_dm_5005_from_model_run__fa45b105", "AIX_dm_all_sorts_of_toc",
        "AIX_gg_5001_from_model_run_plus_toc", "AIX_toc_toc_ip3.rpn", "Linux_dm_2001_from_editfst",
        "Linux_dm_21002_from_model_run_NON_SLEVE__09652563", "Linux_dm_21002_from_model_run_SLEVE__5e8298e3",
        "Linux_dm_4001_from_model_run", "Linux_dm_5005_from_model_run", "Linux_dm_5100_from_model_run__8043360e",
        "Linux_dm_5999_from_model_run", "Linux_dm_5004_from_model_run",
    };
    int total = 0, vcodes_seen[16] = {0};
    static const int32_t vlist[] = {1001, 1002, 2001, 4001, 5001, 5002, 5003, 5004, 5005, 5100, 5999, 21002};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        char path[1024];
        real(names[k], path, sizeof path);
        fst24_file *f = NULL;
        if (fst24_open(path, FST24_MODE_READ, NULL, &f)) {
            CHECK(0, "open %s: %s", names[k], fst24_last_error());
            continue;
        }
        fst24_record c, r;
        fst24_record_init_criteria(&c);
        fst24_record_set_string(&c, "nomvar", "!!");
        fst24_query *q = NULL;
        fst24_query_new(f, &c, NULL, &q);
        while (fst24_query_next(q, &r) == 1) {
            fst24_vgrid *vg = NULL;
            int st = fst24_vgrid_from_record(f, &r, &vg);
            CHECK(st == 0, "%s: !! (ig1 %d): %s", names[k], (int)r.ig1, fst24_last_error());
            if (st) continue;
            fst24_vgrid_info in;
            fst24_vgrid_get_info(vg, &in);
            const int rows = in.nl_m + in.nl_t + in.nl_w;
            int expect = r.nj - (in.vcode == 2001 || in.vcode == 4001 ? 1 : in.vcode == 1001 || in.vcode == 1002 || in.vcode == 5999 ? 2 : 3);
            if (in.vcode == 21002) expect += in.nl_t - 1; /* thermo = momentum with its last row replaced */
            CHECK(rows == expect, "%s: vcode %d: %d level rows for a %d-row table", names[k], in.vcode, rows, r.nj);
            for (size_t v = 0; v < sizeof vlist / sizeof vlist[0]; v++)
                if (vlist[v] == in.vcode) vcodes_seen[v] = 1;
            /* every level's pressure (or height) is finite and, for pressure, within (0, 1.1e5] */
            for (int fam = 1; fam <= 3; fam++) {
                int32_t ip[400];
                int32_t n;
                fst24_vgrid_levels(vg, (fst24_vlevel_family)fam, ip, NULL, NULL, NULL, 400, &n);
                double out[400], ps[1] = {100000}, ls[1] = {99000}, zs[1] = {500}, zl[1] = {300};
                if (n > 400) n = 400;
                if (in.height) st = fst24_vgrid_height(vg, (size_t)n, ip, 1, zs, zl, out);
                else st = fst24_vgrid_pressure(vg, (size_t)n, ip, 1, ps, ls, out);
                int ok = st == 0;
                for (int32_t m = 0; ok && m < n; m++)
                    if (!isfinite(out[m]) || (!in.height && !(out[m] > 0 && out[m] <= 110000))) ok = 0;
                CHECK(ok, "%s: vcode %d family %d values finite/plausible (st %d)", names[k], in.vcode, fam, st);
            }
            fst24_vgrid_free(vg);
            total++;
        }
        fst24_query_free(q);
        fst24_close(f);
    }
    int seen = 0;
    for (size_t v = 0; v < sizeof vlist / sizeof vlist[0]; v++) seen += vcodes_seen[v];
    CHECK(total >= 25 && seen == (int)(sizeof vlist / sizeof vlist[0]), "%d !! records parsed, %d of %zu vcodes seen", total, seen,
          sizeof vlist / sizeof vlist[0]);
    /* Gal-Chen: z = A + B*ME + C*MELS, level 0 (kind 21) = ME */
    char path[1024];
    fst24_vgrid *vg = toctoc(real("Linux_dm_21002_from_model_run_SLEVE__5e8298e3", path, sizeof path), 21002, NULL);
    if (vg) {
        fst24_vgrid_info in;
        fst24_vgrid_get_info(vg, &in);
        int32_t ip[200];
        double a[200], b[200], cc[200];
        int32_t n;
        fst24_vgrid_levels(vg, FST24_VLEVEL_MOMENTUM, ip, a, b, cc, 200, &n);
        const double me[2] = {500, 1500}, mels[2] = {300, 1000};
        double z[2];
        int st = fst24_vgrid_height(vg, 1, &ip[40], 2, me, mels, z);
        CHECK(st == 0 && NEAR(z[0], a[40] + b[40] * 500 + cc[40] * 300, 1e-9) && NEAR(z[1], a[40] + b[40] * 1500 + cc[40] * 1000, 1e-9),
              "21002 SLEVE height %g", z[0]);
        const int32_t ground = 93423364; /* kind 21, 0 */
        st = fst24_vgrid_height(vg, 1, &ground, 2, me, mels, z);
        CHECK(st == 0 && z[0] == 500 && z[1] == 1500 && !strcmp(in.ref_name, "ME") && !strcmp(in.ref_name2, "MELS") && in.nl_w == n,
              "21002 ground = ME");
        CHECK(!strcmp(in.cf_standard_name, "atmosphere_sleve_coordinate") && !strcmp(in.cf_positive, "up"), "21002 SLEVE CF name");
        fst24_vgrid_free(vg);
    }
    /* the pre-vgrid table of an old GEM run is refused with a message */
    fst24_file *f = NULL;
    snprintf(path, sizeof path, "%s/real/ECCC-ASTD-MRD_vgrid__applications_data_dm2007050912-00-00_001", tu_corpus());
    if (!fst24_open(path, FST24_MODE_READ, NULL, &f)) {
        fst24_record c, r;
        fst24_record_init_criteria(&c);
        fst24_record_set_string(&c, "nomvar", "!!");
        fst24_query *q = NULL;
        fst24_query_new(f, &c, NULL, &q);
        if (fst24_query_next(q, &r) == 1) {
            fst24_vgrid *o = NULL;
            CHECK(fst24_vgrid_from_record(f, &r, &o) == FST24_E_UNSUPPORTED && strstr(fst24_last_error(), "vcode 6"),
                  "old vcode 6 refused: %s", fst24_last_error());
        }
        fst24_query_free(q);
        fst24_close(f);
    }
}

/* Data records without (matching) !!: HY / PT / level-kind inference. */
static void test_legacy(void)
{
    static const struct { const char *name, *nomvar; int32_t vcode; } cases[] = {
        {"Linux_dm_1003_from_pgsm_lam_east_ops", "TT", 1003},
        {"AIX_dm_1002_from_model_run", "TT", 1002},
        {"dm_5001_from_model_run", "TT", 5001},
        {"AIX_2001_from_model_run", "TT", 2001},
        {"AIX_dm_1001_from_model_run", "TT", 1001},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char path[1024];
        real(cases[k].name, path, sizeof path);
        fst24_file *f = NULL;
        if (fst24_open(path, FST24_MODE_READ, NULL, &f)) {
            CHECK(0, "open %s: %s", cases[k].name, fst24_last_error());
            continue;
        }
        fst24_record c, r;
        fst24_record_init_criteria(&c);
        fst24_record_set_string(&c, "nomvar", cases[k].nomvar);
        fst24_query *q = NULL;
        int got = !fst24_query_new(f, &c, NULL, &q) && fst24_query_next(q, &r) == 1;
        fst24_query_free(q);
        fst24_vgrid *vg = NULL;
        int st = got ? fst24_vgrid_find(f, &r, &vg) : -1;
        fst24_vgrid_info in = {0};
        if (!st) fst24_vgrid_get_info(vg, &in);
        CHECK(st == 0 && in.vcode == cases[k].vcode && in.legacy && in.nl_m > 1, "%s: legacy vcode %d (got %d, st %d %s)",
              cases[k].name, cases[k].vcode, in.vcode, st, st ? fst24_last_error() : "");
        if (!st) {
            double p;
            const double ps = 100000;
            CHECK(fst24_vgrid_pressure(vg, 1, &r.ip1, 1, &ps, NULL, &p) == 0 && p > 0 && p <= ps + 1e-6, "%s: pressure %g", cases[k].name, p);
        }
        fst24_vgrid_free(vg);
        fst24_close(f);
    }
    /* legacy 5001 from HY equals the !! 5001 table of the same configuration */
    char p1[1024], p2[1024];
    fst24_vgrid *t = toctoc(real("Linux_dm_5001_from_model_run_plus_toc", p1, sizeof p1), 5001, NULL);
    real("dm_5001_from_model_run", p2, sizeof p2);
    if (t) {
        int32_t ip[100];
        double a[100], b[100];
        int32_t n;
        fst24_vgrid_levels(t, FST24_VLEVEL_MOMENTUM, ip, a, b, NULL, 100, &n);
        fst24_vgrid *l = NULL;
        int st = fst24_vgrid_legacy(5001, 10, 80000, 1.6, (size_t)n, ip, &l);
        double err = 0;
        for (int k = 0; !st && k < n; k++) {
            double la, lb;
            fst24_vgrid_lookup(l, ip[k], NULL, NULL, &la, &lb, NULL, NULL);
            err = fmax(err, compare_pressures(t, ip[k], la, lb, 0, 80000));
        }
        CHECK(st == 0 && err < 1e-5, "HY-style 5001 agrees with the !! table to %g", err);
        fst24_vgrid_free(l);
        fst24_vgrid_free(t);
    }
    /* §5.3: 1002 ptop 1000 Pa, ip1 2110 (eta 0.011): p = 989 + 0.011 P0; 1001: B = 0.011; 2001: A = 10 Pa */
    const int32_t e = 2110, pr = 44140192;
    fst24_vgrid *vg = NULL;
    double a, b, p;
    const double ps = 100000;
    int st = fst24_vgrid_legacy(1002, 1000, 0, 0, 1, &e, &vg);
    st |= fst24_vgrid_lookup(vg, e, NULL, NULL, &a, &b, NULL, NULL);
    st |= fst24_vgrid_pressure(vg, 1, &e, 1, &ps, NULL, &p);
    CHECK(st == 0 && NEAR(a, 989, 1e-3) && NEAR(b, 0.011, 1e-7) && NEAR(p, 989 + 1100, 1e-2), "1002 vector a %g b %g", a, b);
    fst24_vgrid_free(vg);
    st = fst24_vgrid_legacy(1001, 0, 0, 0, 1, &e, &vg);
    st |= fst24_vgrid_lookup(vg, e, NULL, NULL, &a, &b, NULL, NULL);
    CHECK(st == 0 && a == 0 && NEAR(b, 0.011, 1e-7), "1001 vector");
    fst24_vgrid_free(vg);
    st = fst24_vgrid_legacy(2001, 0, 0, 0, 1, &pr, &vg);
    st |= fst24_vgrid_pressure(vg, 1, &pr, 1, &ps, NULL, &p);
    CHECK(st == 0 && NEAR(p, 10, 1e-4), "2001 vector %g", p);
    fst24_vgrid_free(vg);
    CHECK(fst24_vgrid_legacy(5001, 10, 80000, 1.6, 1, &e, &vg) == FST24_E_INVALID, "kind-1 level refused for 5001");
}

/* PT + E1 (SEF eta) and PT alone, in a scratch file: B = (eta - etatop)/(1 - etatop), A = ptop (1 - B) */
static void write_rec(fst24_file *f, const char *nomvar, int32_t ip1, double value)
{
    fst24_record r;
    fst24_record_init(&r);
    fst24_record_set_string(&r, "nomvar", nomvar);
    fst24_record_set_string(&r, "grtyp", "A");
    r.ni = 4;
    r.nj = 2;
    r.ip1 = ip1;
    r.data_type = 5;
    r.data_bits = 64;
    r.pack_bits = 64;
    const double d[8] = {value, value, value, value, value, value, value, value};
    CHECK(fst24_write(f, &r, d, FST24_ELEM_F64, FST24_REWRITE_NO, NULL) == 0, "write %s: %s", nomvar, fst24_last_error());
}

static void test_etasef(void)
{
    for (int with_e1 = 0; with_e1 < 2; with_e1++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/vgrid_eta%d.fst", tu_tmpdir(), with_e1);
        fst24_file *f = NULL;
        if (fst24_open(path, FST24_MODE_CREATE, NULL, &f)) {
            CHECK(0, "create %s: %s", path, fst24_last_error());
            return;
        }
        int32_t ips[3];
        const float eta[3] = {0.2f, 0.5f, 0.9f};
        for (int k = 0; k < 3; k++) {
            fst24_ip_encode(eta[k], 1, FST24_IP_NEW, &ips[k]);
            write_rec(f, "TT", ips[k], 250);
        }
        write_rec(f, "PT", 0, 10.0); /* 10 hPa */
        if (with_e1) write_rec(f, "E1", 0, 0.01);
        fst24_close(f);
        fst24_open(path, FST24_MODE_READ, NULL, &f);
        fst24_record c, r;
        fst24_record_init_criteria(&c);
        fst24_record_set_string(&c, "nomvar", "TT");
        fst24_query *q = NULL;
        fst24_query_new(f, &c, NULL, &q);
        fst24_query_next(q, &r);
        fst24_query_free(q);
        fst24_vgrid *vg = NULL;
        int st = fst24_vgrid_find(f, &r, &vg);
        fst24_vgrid_info in = {0};
        if (!st) fst24_vgrid_get_info(vg, &in);
        double err = st ? 1 : 0;
        for (int k = 0; !st && k < 3; k++) {
            double a, b;
            fst24_vgrid_lookup(vg, ips[k], NULL, NULL, &a, &b, NULL, NULL);
            const double h = hyb_of(ips[k]);
            const double B = with_e1 ? (h - 0.01) / 0.99 : h;
            err = fmax(err, fmax(fabs(b - B), fabs(a - 1000.0 * (1.0 - B)) / 1000.0));
        }
        CHECK(in.record_key == -1, "eta from PT: built from PT, not from a descriptor record");
        CHECK(st == 0 && in.vcode == 1002 && in.nl_m == 3 && in.legacy && err < 1e-12, "eta from PT%s: vcode %d, error %g (%s)",
              with_e1 ? " + E1" : "", in.vcode, err, st ? fst24_last_error() : "");
        fst24_vgrid_free(vg);
        fst24_close(f);
    }
}

/* Several !! share the tags 2009/1000 in this file (1001, 5001, 1002): the
 * record's level kind chooses. */
static void test_find_by_kind(void)
{
    char path[1024];
    real("AIX_dm_all_sorts_of_toc", path, sizeof path);
    fst24_file *f = NULL;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f)) {
        CHECK(0, "open %s", path);
        return;
    }
    fst24_record r;
    fst24_record_init(&r);
    fst24_record_set_string(&r, "nomvar", "TT");
    r.ig1 = 2009;
    r.ig2 = 1000;
    static const struct { int32_t ip1; int32_t vcode; } c[] = {
        {94505840, 5001}, /* hybrid 0.134 */
        {2110, 1001},     /* old-style sigma 0.011: the first kind-1 table */
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        r.ip1 = c[k].ip1;
        fst24_vgrid *vg = NULL;
        int st = fst24_vgrid_find(f, &r, &vg);
        fst24_vgrid_info in = {0};
        if (!st) fst24_vgrid_get_info(vg, &in);
        CHECK(st == 0 && in.vcode == c[k].vcode, "ip1 %d with tags 2009/1000 -> vcode %d (want %d)", (int)c[k].ip1, in.vcode,
              (int)c[k].vcode);
        fst24_vgrid_free(vg);
    }
    /* tags of the 2001 table: pressure level */
    r.ig1 = 52341;
    r.ig2 = 87193;
    fst24_ip_encode(500.0f, 2, FST24_IP_NEW, &r.ip1);
    fst24_vgrid *vg = NULL;
    int st = fst24_vgrid_find(f, &r, &vg);
    fst24_vgrid_info in = {0};
    if (!st) fst24_vgrid_get_info(vg, &in);
    CHECK(st == 0 && in.vcode == 2001, "pressure level with the 2001/5002 tags -> %d", in.vcode);
    fst24_vgrid_free(vg);
    fst24_close(f);
}

static void test_hostile(void)
{
    double t[3 * 7] = {5, 2, 3, 650, 100000, 1, 1, 0, 0, 95525156, 6.9, 0.09, 93423264, 11.5, 1, 93423264, 11.5, 1,
                       93423264, 11.5, 1};
    fst24_vgrid *vg = NULL;
    CHECK(fst24_vgrid_from_table(5002, 3, 7, t, &vg) == FST24_E_INVALID, "5002 with 4 level rows refused (2n+1 needed)");
    CHECK(fst24_vgrid_from_table(5003, 3, 6, t, &vg) == FST24_E_INVALID, "kind/version mismatch refused");
    CHECK(fst24_vgrid_from_table(5002, 4, 4, t, &vg) == FST24_E_INVALID, "wrong column count refused");
    CHECK(fst24_vgrid_from_table(5002, 3, 2, t, &vg) == FST24_E_INVALID, "table shorter than its header refused");
    CHECK(fst24_vgrid_from_table(7777, 3, 6, t, &vg) == FST24_E_UNSUPPORTED, "unknown vcode refused");
    double u[3 * 5] = {5, 4, 3, 650, 100000, 1, 1, 0, 0, -5, 6.9, 0.09, 93423264, 11.5, 1};
    CHECK(fst24_vgrid_from_table(5004, 3, 5, u, &vg) == FST24_E_INVALID, "negative ip1 refused");
    u[9] = NAN;
    CHECK(fst24_vgrid_from_table(5004, 3, 5, u, &vg) == FST24_E_INVALID, "NaN refused");
    u[9] = 95525156;
    CHECK(fst24_vgrid_from_table(5004, 3, 5, u, &vg) == 0, "valid 5004 accepted");
    fst24_vgrid_free(vg);
}

int main(void)
{
    if (tu_corpus_part("the !! tables of real GEM files and of librmn's model file")) {
        test_5001("AIX_dm_5001_from_model_run_plus_toc");
        test_5001("Linux_dm_5001_from_model_run_plus_toc");
        test_5002("AIX_dm_5002_from_model_run__ddbe0d91", 5002);
        test_5002("AIX_dm_5002_toc_dyn_toc_phy", 5002);
        test_5002("Linux_dm_5002_from_model_run__28d27b20", 5002);
        test_5002("AIX_dm_5003_from_model_run", 5003);
        test_5005();
        test_model("model.xdf.fst");
        test_model("model.rsf.fst");
        test_all_toctocs();
        test_legacy();
        test_find_by_kind();
    }
    test_etasef();
    test_hostile();
    return finish();
}
