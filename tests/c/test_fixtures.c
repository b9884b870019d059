/* The fixtures of tests/data (written by fst24 itself, tests/data/make_fixtures.py) read
 * through the public C API agree with their checked-in dumps: every header field, position,
 * element type, count and the FNV-1a hash of the decoded data, and the RSF extended metadata.
 * Then, on the model file: the "!!" descriptor (vcode 5005) gives the pressures of its
 * formula, and searches by level and date find what the dump lists. Needs no corpus. */
#include <dirent.h>
#include <inttypes.h>
#include <math.h>

#include "testutil.h"

static uint64_t fnv1a64(const void *p, size_t n) {
    const unsigned char *b = p;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

static char **read_lines(const char *path, size_t *n) {
    FILE *fp = fopen(path, "r");
    if (!fp) return NULL;
    size_t cap = 64;
    char **lines = malloc(cap * sizeof *lines), *line = NULL;
    size_t lcap = 0;
    *n = 0;
    while (getline(&line, &lcap, fp) > 0) {
        if (*n == cap) lines = realloc(lines, (cap *= 2) * sizeof *lines);
        lines[(*n)++] = strdup(line);
    }
    free(line);
    fclose(fp);
    return lines;
}

static int same_string(const char *line, const char *key, const char *value) {
    char want[4096];
    return tu_jstr(line, key, want, sizeof want) && strcmp(want, value) == 0;
}

/* One record against its dump line; returns the number of disagreements. */
static int check_record(const char *name, const fst24_record *r, const char *line) {
    int bad = 0;
#define INT_FIELD(field, key)                                                                       \
    if (tu_jint(line, key, -99) != (long long)r->field) {                                          \
        fprintf(stderr, "%s %s: %s is %lld, the dump says %lld\n", name, r->nomvar, key,          \
                (long long)r->field, tu_jint(line, key, -99));                                     \
        bad++;                                                                                     \
    }
    INT_FIELD(ip1, "ip1") INT_FIELD(ip2, "ip2") INT_FIELD(ip3, "ip3")
    INT_FIELD(ni, "ni") INT_FIELD(nj, "nj") INT_FIELD(nk, "nk")
    INT_FIELD(dateo, "dateo") INT_FIELD(datev, "datev") INT_FIELD(deet, "deet") INT_FIELD(npas, "npas")
    INT_FIELD(data_type, "data_type") INT_FIELD(data_bits, "data_bits") INT_FIELD(pack_bits, "pack_bits")
    INT_FIELD(ig1, "ig1") INT_FIELD(ig2, "ig2") INT_FIELD(ig3, "ig3") INT_FIELD(ig4, "ig4")
    INT_FIELD(key, "key") INT_FIELD(file_index, "file_index") INT_FIELD(file_offset, "file_offset")
    INT_FIELD(total_stored_bytes, "total_stored_bytes")
    INT_FIELD(extended_meta_size, "extended_meta_size")
#undef INT_FIELD
    if (!same_string(line, "nomvar", r->nomvar) || !same_string(line, "typvar", r->typvar) ||
        !same_string(line, "etiket", r->etiket) || !same_string(line, "grtyp", r->grtyp)) {
        fprintf(stderr, "%s %s: names differ from the dump\n", name, r->nomvar);
        bad++;
    }
    fst24_elem_type type;
    size_t count;
    if (fst24_record_data_layout(r, &type, &count) != FST24_OK) return bad + 1;
    size_t bytes = count * fst24_elem_size(type);
    void *data = malloc(bytes ? bytes : 1);
    char hash[24];
    int st = fst24_read_data(r, data, bytes, NULL);
    snprintf(hash, sizeof hash, "%016" PRIx64, fnv1a64(data, bytes));
    free(data);
    if (st != FST24_OK || !same_string(line, "hash", hash) || tu_jint(line, "count", -1) != (long long)count ||
        !same_string(line, "elem_type", fst24_elem_name(type))) {
        fprintf(stderr, "%s %s: data (status %d, %s, %zu %s) differ from the dump\n", name, r->nomvar, st,
                hash, count, fst24_elem_name(type));
        bad++;
    }
    char meta[4096], want[4096];
    size_t len = 0;
    if (fst24_read_ext_meta(r, meta, sizeof meta, &len) != FST24_OK) return bad + 1;
    if (!tu_jstr(line, "ext_meta", want, sizeof want)) want[0] = 0;
    if (strcmp(meta, want) != 0) {
        fprintf(stderr, "%s %s: extended metadata '%s', the dump says '%s'\n", name, r->nomvar, meta, want);
        bad++;
    }
    return bad;
}

static int check_file(const char *dir, const char *name) {
    char path[2048], dump[2100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(dump, sizeof dump, "%s.jsonl", path);
    size_t n = 0;
    char **lines = read_lines(dump, &n);
    CHECK(lines != NULL && n > 1);
    if (!lines) return 0;
    fst24_file *f = NULL;
    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    int records = 0;
    if (f) {
        CHECK(fst24_num_records(f) == tu_jint(lines[0], "num_records", -1));
        fst24_query *q = NULL;
        CHECK_OK(fst24_query_new(f, NULL, NULL, &q));
        fst24_record r;
        while (q && fst24_query_next(q, &r) == 1) {
            records++;
            CHECK((size_t)records < n && check_record(name, &r, lines[records]) == 0);
        }
        CHECK((size_t)records == n - 1);
        fst24_query_free(q);
        fst24_close(f);
    }
    for (size_t i = 0; i < n; i++) free(lines[i]);
    free(lines);
    return records;
}

/* The 5005 descriptor of the model file: every TT level is one of its thermodynamic levels and
 * the pressure is exp(A + B ln(P0/pref)) with the table's A, B (P0 given in Pa). */
static void check_model_vgrid(const char *dir) {
    char path[2048];
    snprintf(path, sizeof path, "%s/model.rsf.fst", dir);
    fst24_file *f = NULL;
    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    if (!f) return;
    fst24_record crit, tt;
    fst24_record_init_criteria(&crit);
    fst24_record_set_string(&crit, "nomvar", "TT");
    crit.ip2 = 24;
    fst24_query *q = NULL;
    CHECK_OK(fst24_query_new(f, &crit, NULL, &q));
    int levels = 0, diagnostic = 0;
    while (q && fst24_query_next(q, &tt) == 1) {
        fst24_vgrid *vg = NULL;
        CHECK_OK(fst24_vgrid_find(f, &tt, &vg));
        if (!vg) continue;
        fst24_vgrid_info info;
        CHECK_OK(fst24_vgrid_get_info(vg, &info));
        CHECK(info.vcode == 5005 && info.pref == 100000.0 && info.log_pressure && info.nl_t == 5);
        fst24_vlevel_family fam;
        double a, b;
        int diag = 0;
        CHECK_OK(fst24_vgrid_lookup(vg, tt.ip1, &fam, NULL, &a, &b, NULL, &diag));
        CHECK(fam == FST24_VLEVEL_THERMO);
        diagnostic += diag;
        const double ps[2] = {100000.0, 95000.0};
        double p[2];
        CHECK_OK(fst24_vgrid_pressure(vg, 1, &tt.ip1, 2, ps, NULL, p));
        for (int k = 0; k < 2; k++)
            CHECK(fabs(p[k] - exp(a + b * log(ps[k] / 100000.0))) <= 1e-9 * p[k] && p[k] > 0 && p[k] <= ps[k] * 1.01);
        fst24_vgrid_free(vg);
        levels++;
    }
    CHECK(levels == 4 && diagnostic == 1); /* 3 model levels and 2 m */
    fst24_query_free(q);
    /* ip1_all: the 850 hPa code is not there, P0's ip1 0 is found in both encodings */
    fst24_record_init_criteria(&crit);
    crit.ip1 = 0;
    fst24_query_options o = {0};
    o.ip1_all = 1;
    CHECK_OK(fst24_query_new(f, &crit, &o, &q));
    CHECK(fst24_query_count(q) == 3);
    fst24_query_free(q);
    fst24_close(f);
}

int main(void) {
    const char *dir = tu_testdata();
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d) {
        fprintf(stderr, "cannot list the fixtures in %s (FST24_TESTDATA)\n", dir);
        return tu_finish();
    }
    int files = 0, records = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".fst") != 0) continue;
        records += check_file(dir, e->d_name);
        files++;
    }
    closedir(d);
    printf("%d fixture files, %d records agree with their dumps\n", files, records);
    CHECK(files == 9 && records > 800);
    check_model_vgrid(dir);
    return tu_finish();
}
