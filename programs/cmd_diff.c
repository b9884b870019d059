/* fst24 diff A B: compare two files record by record (fstcomp). Records are
 * paired by identity (nomvar, typvar, etiket, ip1-3, datev, grid: grtyp and
 * ig1-4); for each pair the decoded values are compared point by point. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cli_help_diff[] =
    "usage: fst24 diff [OPTIONS] A B\n"
    "Compare the records of A and B (any backends: an XDF file and its RSF copy are equal).\n"
    "Records are paired by identity: nomvar, typvar, etiket, ip1, ip2, ip3, datev, grtyp and\n"
    "ig1-ig4 (records with the same identity pair in file order). For each pair: the number of\n"
    "points compared, how many differ, the maximum absolute error, the maximum relative error\n"
    "|b-a|/max(|a|,|b|), the mean absolute error, the bias (mean of b-a), the RMS error and the\n"
    "correlation. Missing points (+64 types) must be missing on both sides. A pair whose shape\n"
    "(ni, nj, nk), deet or npas differ, or (both RSF) whose extended metadata differ, is\n"
    "different; a change of data type or bits alone is only noted. Records present on one\n"
    "side only are listed.\n"
    "\n"
    "A pair is equal when every value is identical, close when every point is within the\n"
    "allowance |b-a| <= T + R*|a| + K*(err(A) + err(B)) given by the options below (err: the\n"
    "quantisation error bound of each record's stored encoding), different otherwise.\n"
    "\n"
    "options:\n"
    "  --tolerance T     absolute tolerance T (default 0)\n"
    "  --rtol R          relative tolerance R, relative to |a| (default 0)\n"
    "  --packerr[=K]     allow K times the packing (quantisation) error of the two records\n"
    "                    (default K 1) and report whether each pair is within it\n"
    "  --format FORMAT   text (default) or json (one object: pairs, only_a, only_b, summary)\n"
    "  -q, --quiet       text: list only the pairs that are not equal, and the summary\n"
    CLI_WHERE_HELP
    "\n"
    "examples:\n"
    "  fst24 diff model.fst model.rsf\n"
    "  fst24 diff --packerr --where nomvar=TT,UU,VV run1.fst run2.fst\n"
    "  fst24 diff --format json --rtol 1e-6 a.fst b.fst | jq '.pairs[] | select(.status != \"equal\")'\n"
    "\n"
    "exit status: 0 every pair equal or close and no record on one side only, 1 the files\n"
    "differ, 2 error (a file or record cannot be read, usage error)\n";

typedef struct diff_opts {
    double tol, rtol, packerr; /* packerr < 0: not used */
    cli_format format;
    int quiet;
    cli_selection sel;
} diff_opts;

typedef struct side {
    const char *path;
    fst24_file *file;
    fst24_record *recs;
    int64_t n;
    int64_t *order; /* indices sorted by identity */
    int damaged;    /* the library recovered only part of the file */
} side;

typedef enum { ST_EQUAL, ST_CLOSE, ST_DIFFERENT, ST_ERROR } pair_status;
static const char *const status_names[] = {"equal", "close", "different", "error"};

typedef struct pair_result {
    pair_status status;
    size_t count, ndiff, nexceed, missing_mismatch, nan_mismatch;
    double max_abs, max_rel, mean_abs, bias, rmse, corr;
    int packerr_ok; /* -1: not computed */
    char notes[256];
} pair_result;

/* ---- identity -------------------------------------------------------------- */

static int cmp_identity(const fst24_record *a, const fst24_record *b) {
    int c;
    if ((c = strcmp(a->nomvar, b->nomvar))) return c;
    if ((c = strcmp(a->typvar, b->typvar))) return c;
    if ((c = strcmp(a->etiket, b->etiket))) return c;
#define CMP(f) if (a->f != b->f) return a->f < b->f ? -1 : 1
    CMP(ip1);
    CMP(ip2);
    CMP(ip3);
    CMP(datev);
    if (a->grtyp[0] != b->grtyp[0]) return (unsigned char)a->grtyp[0] < (unsigned char)b->grtyp[0] ? -1 : 1;
    CMP(ig1);
    CMP(ig2);
    CMP(ig3);
    CMP(ig4);
#undef CMP
    return 0;
}

static int cmp_order(const void *x, const void *y, void *records) {
    const fst24_record *base = records;
    int64_t i = *(const int64_t *)x, j = *(const int64_t *)y;
    int c = cmp_identity(&base[i], &base[j]);
    if (c) return c;
    return i < j ? -1 : i > j;
}

static int load_side(side *s, const diff_opts *o) {
    if (cli_open_input(s->path, &s->file, &s->damaged)) return 1;
    fst24_query *q;
    if (cli_selection_query(&o->sel, s->file, &q) != FST24_OK) return cli_fail_file(s->path);
    int64_t cap = 64;
    s->recs = malloc((size_t)cap * sizeof *s->recs);
    int st = s->recs ? 1 : -1;
    while (st == 1) {
        if (s->n == cap) {
            fst24_record *g = realloc(s->recs, (size_t)(cap *= 2) * sizeof *g);
            if (!g) {
                st = -1;
                break;
            }
            s->recs = g;
        }
        st = cli_selection_next(&o->sel, q, &s->recs[s->n]);
        if (st == 1) s->n++;
    }
    fst24_query_free(q);
    if (st < 0) return s->recs ? cli_fail_file(s->path) : cli_fail("%s: out of memory", s->path);
    s->order = malloc((size_t)(s->n ? s->n : 1) * sizeof *s->order);
    if (!s->order) return cli_fail("%s: out of memory", s->path);
    for (int64_t i = 0; i < s->n; i++) s->order[i] = i;
    qsort_r(s->order, (size_t)s->n, sizeof *s->order, cmp_order, s->recs);
    return 0;
}

static void free_side(side *s) {
    fst24_close(s->file);
    free(s->recs);
    free(s->order);
}

/* ---- comparing one pair ------------------------------------------------------ */

static void note(pair_result *p, const char *fmt, long long a, long long b, const char *name) {
    size_t used = strlen(p->notes);
    snprintf(p->notes + used, sizeof p->notes - used, fmt, used ? "; " : "", name, a, b);
}

/* Header differences: 1 if they make the pair different. */
static int compare_headers(const fst24_record *a, const fst24_record *b, pair_result *p) {
    int different = 0;
    static const char *const fmt = "%s%s %lld != %lld";
#define FIELD(f, counts)                                              \
    if (a->f != b->f) {                                               \
        note(p, fmt, a->f, b->f, #f);                                 \
        different |= counts;                                          \
    }
    FIELD(ni, 1)
    FIELD(nj, 1)
    FIELD(nk, 1)
    FIELD(deet, 1)
    FIELD(npas, 1)
    FIELD(data_type, 0)
    FIELD(pack_bits, 0)
    FIELD(data_bits, 0)
#undef FIELD
    return different;
}

static int compare_ext_meta(const fst24_record *a, const fst24_record *b, pair_result *p) {
    size_t la = 0, lb = 0;
    if (fst24_read_ext_meta(a, NULL, 0, &la) || fst24_read_ext_meta(b, NULL, 0, &lb)) return -1;
    int differ = la != lb;
    if (!differ && la) {
        char *ma = malloc(la + 1), *mb = malloc(lb + 1);
        if (!ma || !mb) {
            free(ma);
            free(mb);
            return -1;
        }
        if (fst24_read_ext_meta(a, ma, la + 1, NULL) || fst24_read_ext_meta(b, mb, lb + 1, NULL)) differ = -1;
        else differ = strcmp(ma, mb) != 0;
        free(ma);
        free(mb);
    }
    if (differ > 0) {
        size_t used = strlen(p->notes);
        snprintf(p->notes + used, sizeof p->notes - used, "%sextended metadata differs", used ? "; " : "");
    }
    return differ;
}

typedef struct ksum { double s, c; } ksum;
static void ksum_add(ksum *k, double x) {
    double t = k->s + x;
    k->c += fabs(k->s) >= fabs(x) ? (k->s - t) + x : (x - t) + k->s;
    k->s = t;
}
static double ksum_get(const ksum *k) { return k->s + k->c; }

static int both_valid(const cli_values *va, const cli_values *vb, size_t i, double *a, double *b) {
    if (cli_value_missing(va, i) || cli_value_missing(vb, i)) return 0;
    *a = cli_value(va, i);
    *b = cli_value(vb, i);
    return !isnan(*a) && !isnan(*b);
}

static void compare_values(const cli_values *va, const cli_values *vb, const double err[2][2], const diff_opts *o,
                           pair_result *p) {
    size_t n = va->count;
    ksum sa = {0, 0}, sb = {0, 0}, sabs = {0, 0}, sd = {0, 0}, sd2 = {0, 0};
    for (size_t i = 0; i < n; i++) {
        int ma = cli_value_missing(va, i), mb = cli_value_missing(vb, i);
        if (ma || mb) {
            p->missing_mismatch += ma != mb;
            continue;
        }
        double a = cli_value(va, i), b = cli_value(vb, i);
        if (isnan(a) || isnan(b)) {
            p->nan_mismatch += isnan(a) != isnan(b);
            continue;
        }
        double d = b - a, ad = fabs(d);
        p->count++;
        if (d != 0 || (isinf(a) && a != b)) {
            p->ndiff++;
            if (!isfinite(ad)) ad = INFINITY;
            double allowed = o->tol + o->rtol * fabs(a);
            if (o->packerr > 0)
                allowed += o->packerr * (err[0][0] + err[0][1] * fabs(a) + err[1][0] + err[1][1] * fabs(b));
            if (ad > allowed) p->nexceed++;
        }
        if (ad > p->max_abs) p->max_abs = ad;
        double scale = fmax(fabs(a), fabs(b));
        if (scale > 0 && ad / scale > p->max_rel) p->max_rel = ad / scale;
        ksum_add(&sa, a);
        ksum_add(&sb, b);
        ksum_add(&sabs, ad);
        ksum_add(&sd, d);
        ksum_add(&sd2, d * d);
    }
    if (p->count == 0) {
        p->mean_abs = p->bias = p->rmse = p->corr = NAN;
        return;
    }
    double cnt = (double)p->count, mean_a = ksum_get(&sa) / cnt, mean_b = ksum_get(&sb) / cnt;
    p->mean_abs = ksum_get(&sabs) / cnt;
    p->bias = ksum_get(&sd) / cnt;
    p->rmse = sqrt(ksum_get(&sd2) / cnt);
    ksum saa = {0, 0}, sbb = {0, 0}, sab = {0, 0};
    for (size_t i = 0; i < n; i++) {
        double a, b;
        if (!both_valid(va, vb, i, &a, &b)) continue;
        ksum_add(&saa, (a - mean_a) * (a - mean_a));
        ksum_add(&sbb, (b - mean_b) * (b - mean_b));
        ksum_add(&sab, (a - mean_a) * (b - mean_b));
    }
    double vaa = ksum_get(&saa), vbb = ksum_get(&sbb);
    if (vaa > 0 && vbb > 0) p->corr = ksum_get(&sab) / sqrt(vaa * vbb);
    else p->corr = p->ndiff == 0 ? 1.0 : NAN; /* constant fields: correlated only if identical */
}

static void compare_pair(const fst24_record *a, const fst24_record *b, const side *sa, const side *sb,
                         const diff_opts *o, pair_result *p) {
    memset(p, 0, sizeof *p);
    p->packerr_ok = -1;
    p->max_abs = p->max_rel = 0;
    int different = compare_headers(a, b, p);
    if (fst24_file_backend(sa->file) == FST24_BACKEND_RSF && fst24_file_backend(sb->file) == FST24_BACKEND_RSF) {
        int m = compare_ext_meta(a, b, p);
        if (m < 0) goto read_error;
        different |= m;
    }
    if (a->ni != b->ni || a->nj != b->nj || a->nk != b->nk) {
        p->status = ST_DIFFERENT;
        p->mean_abs = p->bias = p->rmse = p->corr = p->max_abs = p->max_rel = NAN;
        return;
    }
    double err[2][2] = {{0, 0}, {0, 0}};
    if (o->packerr > 0 && (fst24_record_quant_error(a, &err[0][0], &err[0][1]) != FST24_OK ||
                           fst24_record_quant_error(b, &err[1][0], &err[1][1]) != FST24_OK))
        goto read_error;
    cli_values va, vb;
    if (cli_values_read(a, &va) != FST24_OK) goto read_error;
    if (cli_values_read(b, &vb) != FST24_OK) {
        cli_values_free(&va);
        goto read_error;
    }
    if (va.is_text || vb.is_text || va.count != vb.count) {
        /* characters (or a different element layout): byte for byte */
        size_t na = va.count * fst24_elem_size(va.type), nb = vb.count * fst24_elem_size(vb.type);
        p->count = va.count;
        p->ndiff = (na != nb || memcmp(va.data, vb.data, na)) ? 1 : 0;
        p->nexceed = p->ndiff;
        p->mean_abs = p->bias = p->rmse = p->corr = NAN;
        if (va.is_text != vb.is_text || va.count != vb.count) {
            size_t used = strlen(p->notes);
            snprintf(p->notes + used, sizeof p->notes - used, "%sdata are not comparable (%s x %zu vs %s x %zu)",
                     used ? "; " : "", fst24_elem_name(va.type), va.count, fst24_elem_name(vb.type), vb.count);
        }
    } else {
        compare_values(&va, &vb, err, o, p);
    }
    cli_values_free(&va);
    cli_values_free(&vb);
    size_t mismatches = p->missing_mismatch + p->nan_mismatch;
    if (o->packerr > 0) p->packerr_ok = p->nexceed == 0 && mismatches == 0;
    if (different || mismatches || p->nexceed) p->status = ST_DIFFERENT;
    else p->status = p->ndiff ? ST_CLOSE : ST_EQUAL;
    return;
read_error:
    p->status = ST_ERROR;
    snprintf(p->notes, sizeof p->notes, "%s", fst24_last_error());
}

/* ---- output ----------------------------------------------------------------- */

static void json_record(FILE *out, const fst24_record *r) {
    char level[32], date[32];
    cli_level_text(r, level);
    cli_iso_date(r->datev, date);
    char name[16];
    fputs("{\"nomvar\":", out);
    cli_trim_copy(name, r->nomvar, sizeof name);
    cli_json_str(out, name, 16);
    fputs(",\"typvar\":", out);
    cli_trim_copy(name, r->typvar, sizeof name);
    cli_json_str(out, name, 16);
    fputs(",\"etiket\":", out);
    cli_trim_copy(name, r->etiket, sizeof name);
    cli_json_str(out, name, 16);
    fprintf(out, ",\"ip1\":%d,\"level\":", r->ip1);
    cli_json_str(out, level, 32);
    fprintf(out, ",\"ip2\":%d,\"ip3\":%d,\"datev\":", r->ip2, r->ip3);
    if (*date) cli_json_str(out, date, 32);
    else fputs("null", out);
    fprintf(out, ",\"stampv\":%d,\"grtyp\":", r->datev);
    cli_json_str(out, r->grtyp, 1);
    fprintf(out, ",\"ig1\":%d,\"ig2\":%d,\"ig3\":%d,\"ig4\":%d,\"key\":%lld", r->ig1, r->ig2, r->ig3, r->ig4,
            (long long)r->key);
}

static void json_pair(FILE *out, const fst24_record *a, const fst24_record *b, const pair_result *p) {
    json_record(out, a);
    fprintf(out, ",\"key_b\":%lld,\"status\":\"%s\",\"count\":%zu,\"diff_count\":%zu,\"exceed_count\":%zu",
            (long long)b->key, status_names[p->status], p->count, p->ndiff, p->nexceed);
    fprintf(out, ",\"missing_mismatch\":%zu,\"nan_mismatch\":%zu", p->missing_mismatch, p->nan_mismatch);
    const char *names[] = {"max_abs", "max_rel", "mean_abs", "bias", "rmse", "corr"};
    const double vals[] = {p->max_abs, p->max_rel, p->mean_abs, p->bias, p->rmse, p->corr};
    for (int k = 0; k < 6; k++) {
        fprintf(out, ",\"%s\":", names[k]);
        cli_json_num(out, vals[k]);
    }
    fputs(",\"within_packerr\":", out);
    fputs(p->packerr_ok < 0 ? "null" : p->packerr_ok ? "true" : "false", out);
    fputs(",\"notes\":", out);
    cli_json_str(out, p->notes, sizeof p->notes);
    fputc('}', out);
}

static void text_num(double v) {
    if (isnan(v)) printf(" %10s", "-");
    else printf(" %10.4g", v);
}

static void text_header(const diff_opts *o) {
    printf("\n %-4s %-2s %-12s %15s %9s %9s %-20s %10s %10s %10s %10s %10s %10s %9s%s  %s\n\n", "NOMV", "TV",
           "ETIQUETTE", "LEVEL", "IP2", "IP3", "DATE-V", "MAX-ABS", "MAX-REL", "MEAN-ABS", "BIAS", "RMSE", "CORR",
           "NDIFF", o->packerr > 0 ? " PACKERR" : "", "STATUS");
}

static void text_pair(const fst24_record *a, const pair_result *p, const diff_opts *o) {
    char level[32], date[32];
    cli_level_text(a, level);
    cli_iso_date(a->datev, date);
    printf(" %-4s %-2s %-12s %15s %9d %9d %-20s", a->nomvar, a->typvar, a->etiket, level, a->ip2, a->ip3,
           *date ? date : "-");
    text_num(p->max_abs);
    text_num(p->max_rel);
    text_num(p->mean_abs);
    text_num(p->bias);
    text_num(p->rmse);
    if (isnan(p->corr)) printf(" %10s", "-");
    else printf(" %10.6f", p->corr);
    printf(" %9zu", p->ndiff + p->missing_mismatch + p->nan_mismatch);
    if (o->packerr > 0) printf(" %8s", p->packerr_ok < 0 ? "-" : p->packerr_ok ? "yes" : "no");
    printf("  %s", p->status == ST_DIFFERENT ? "DIFFERENT" : p->status == ST_ERROR ? "ERROR" : status_names[p->status]);
    if (*p->notes) printf("  (%s)", p->notes);
    putchar('\n');
}

/* ---- the command ---------------------------------------------------------- */

static int parse_double(const char *opt, const char *s, double *v) {
    char *end;
    *v = strtod(s, &end);
    if (end == s || *end || !isfinite(*v) || *v < 0) {
        cli_usage("diff", "%s needs a number >= 0, not \"%s\"", opt, s);
        return -1;
    }
    return 0;
}

static int parse_args(int argc, char **argv, diff_opts *o, const char **paths) {
    const char *v;
    int np = 0;
    for (int i = 1; i < argc; i++) {
        int r = cli_selection_option(&o->sel, "diff", argc, argv, &i);
        if (r < 0) return -1;
        if (r > 0) continue;
        if ((r = cli_opt_value("diff", argc, argv, &i, "--tolerance", &v)) != 0) {
            if (r < 0 || parse_double("--tolerance", v, &o->tol)) return -1;
        } else if ((r = cli_opt_value("diff", argc, argv, &i, "--rtol", &v)) != 0) {
            if (r < 0 || parse_double("--rtol", v, &o->rtol)) return -1;
        } else if ((r = cli_opt_value("diff", argc, argv, &i, "--format", &v)) != 0) {
            if (r < 0 || cli_parse_format("diff", v, 0, &o->format)) return -1;
        } else if (!strcmp(argv[i], "--packerr")) {
            o->packerr = 1;
        } else if (!strncmp(argv[i], "--packerr=", 10)) {
            if (parse_double("--packerr", argv[i] + 10, &o->packerr)) return -1;
        } else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
            o->quiet = 1;
        } else if (cli_is_option(argv[i])) {
            cli_usage("diff", "unknown option %s", argv[i]);
            return -1;
        } else if (np < 2) {
            paths[np++] = argv[i];
        } else {
            cli_usage("diff", "two files expected, got a third: %s", argv[i]);
            return -1;
        }
    }
    if (np < 2) {
        cli_usage("diff", "two files expected");
        return -1;
    }
    return 0;
}

typedef struct entry {
    int64_t a, b; /* indices into the sides' records, -1 when absent */
} entry;

static int cmp_entry(const void *x, const void *y) {
    const entry *p = x, *q = y;
    /* pairs and A-only records in A's order, then B-only records in B's order */
    int64_t kp = p->a >= 0 ? p->a : INT64_MAX / 2 + p->b, kq = q->a >= 0 ? q->a : INT64_MAX / 2 + q->b;
    return kp < kq ? -1 : kp > kq;
}

int cmd_diff(int argc, char **argv) {
    diff_opts o = {0};
    const char *paths[2] = {NULL, NULL};
    if (parse_args(argc, argv, &o, paths)) {
        cli_selection_free(&o.sel);
        return 2;
    }
    side s[2] = {{paths[0], NULL, NULL, 0, NULL, 0}, {paths[1], NULL, NULL, 0, NULL, 0}};
    int rc = 0;
    if (load_side(&s[0], &o) || load_side(&s[1], &o)) rc = 2;
    entry *e = rc ? NULL : malloc((size_t)(s[0].n + s[1].n + 1) * sizeof *e);
    if (!rc && !e) rc = cli_fail("diff: out of memory") + 1;
    if (rc) {
        free_side(&s[0]);
        free_side(&s[1]);
        cli_selection_free(&o.sel);
        return rc;
    }
    int64_t ne = 0, i = 0, j = 0;
    while (i < s[0].n || j < s[1].n) {
        int c = i >= s[0].n ? 1 : j >= s[1].n ? -1 : cmp_identity(&s[0].recs[s[0].order[i]], &s[1].recs[s[1].order[j]]);
        e[ne].a = c <= 0 ? s[0].order[i++] : -1;
        e[ne].b = c >= 0 ? s[1].order[j++] : -1;
        ne++;
    }
    qsort(e, (size_t)ne, sizeof *e, cmp_entry);

    size_t counts[4] = {0, 0, 0, 0}, only[2] = {0, 0}, printed = 0;
    FILE *out = stdout;
    if (o.format == CLI_JSON) {
        fputs("{\"a\":", out);
        cli_json_str(out, paths[0], 4096);
        fputs(",\"b\":", out);
        cli_json_str(out, paths[1], 4096);
        fputs(",\"pairs\":[", out);
    } else {
        printf("fst24 diff: A = %s (%s), B = %s (%s)\n", paths[0],
               fst24_file_backend(s[0].file) == FST24_BACKEND_RSF ? "RSF" : "XDF", paths[1],
               fst24_file_backend(s[1].file) == FST24_BACKEND_RSF ? "RSF" : "XDF");
    }
    for (int64_t k = 0; k < ne; k++) {
        if (e[k].a < 0 || e[k].b < 0) continue;
        const fst24_record *a = &s[0].recs[e[k].a], *b = &s[1].recs[e[k].b];
        pair_result p;
        compare_pair(a, b, &s[0], &s[1], &o, &p);
        counts[p.status]++;
        if (p.status == ST_ERROR) {
            char d[256];
            cli_describe_record(a, d, sizeof d);
            cli_fail("diff: %s: %s", d, p.notes);
        }
        if (o.format == CLI_JSON) {
            if (printed++) fputc(',', out);
            fputs("\n", out);
            json_pair(out, a, b, &p);
        } else if (!o.quiet || p.status != ST_EQUAL) {
            if (printed++ % 50 == 0) text_header(&o);
            text_pair(a, &p, &o);
        }
    }
    for (int side_ix = 0; side_ix < 2; side_ix++) {
        if (o.format == CLI_JSON) fprintf(out, "%s],\"only_%c\":[", printed ? "\n" : "", side_ix ? 'b' : 'a');
        printed = 0;
        for (int64_t k = 0; k < ne; k++) {
            int64_t idx = side_ix ? e[k].b : e[k].a, other = side_ix ? e[k].a : e[k].b;
            if (idx < 0 || other >= 0) continue;
            const fst24_record *r = &s[side_ix].recs[idx];
            only[side_ix]++;
            if (o.format == CLI_JSON) {
                fputs(printed++ ? ",\n" : "\n", out);
                json_record(out, r);
                fputc('}', out);
            } else {
                char d[256];
                cli_describe_record(r, d, sizeof d);
                if (printed++ == 0) putchar('\n');
                printf("only in %c: %s\n", side_ix ? 'B' : 'A', d);
            }
        }
    }
    int differ = counts[ST_DIFFERENT] || only[0] || only[1];
    /* a damaged input cannot be declared equal (or different) to anything */
    rc = counts[ST_ERROR] || s[0].damaged || s[1].damaged ? 2 : differ ? 1 : 0;
    if (o.format == CLI_JSON) {
        fprintf(out,
                "%s],\"summary\":{\"pairs\":%zu,\"equal\":%zu,\"close\":%zu,\"different\":%zu,\"errors\":%zu,"
                "\"only_a\":%zu,\"only_b\":%zu},\"same\":%s}\n",
                printed ? "\n" : "", counts[0] + counts[1] + counts[2] + counts[3], counts[0], counts[1], counts[2],
                counts[3], only[0], only[1], rc == 0 ? "true" : "false");
    } else {
        printf("\n%zu pairs: %zu equal, %zu close, %zu different%s; %zu only in A, %zu only in B: %s\n",
               counts[0] + counts[1] + counts[2] + counts[3], counts[0], counts[1], counts[2],
               counts[3] ? " (some could not be read)" : "", only[0], only[1],
               rc == 0 ? "SAME" : rc == 1 ? "DIFFERENT" : "ERROR");
    }
    free(e);
    free_side(&s[0]);
    free_side(&s[1]);
    cli_selection_free(&o.sel);
    return rc;
}
