/* `fst24 check` and `fst24 convert` over the whole corpus (FST24_CLI):
 *  - check passes on every ref/ and real/ file except the damaged ones listed in
 *    real/DAMAGED.md, which it must flag;
 *  - IN -> RSF -> XDF conversion keeps every record: `fst24 dump --jsonl` of IN,
 *    of the RSF copy and of the XDF copy agree on every field except the
 *    container-dependent ones (key, file_index, file_offset, total_stored_bytes,
 *    num_meta_bytes, fst_version, num_search_keys; plus the JSON metadata, which
 *    XDF cannot hold); check passes on both copies. */
#include <dirent.h>
#include "test_rsf_util.h"

static const char *damaged[] = {
    "ECCC-ASTD-MRD_fst-tools__zzzz", "ECCC-ASTD-MRD_fst-tools__anal_temp",
    "ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_1001_just_p0",
    "ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_5002_from_model_run__2271cc02",
};
/* 1989 format: read-only legacy; checked and converted only if the library reads it. */
static const char *legacy89 = "ECCC-ASTD-MRD_SPI__eer_SPI_Data_climato.fstd";

static int is_damaged(const char *name) {
    for (size_t i = 0; i < sizeof damaged / sizeof damaged[0]; i++)
        if (!strcmp(name, damaged[i])) return 1;
    return 0;
}

/* Remove "key":value (value up to the next top-level ',' or '}') for each key. */
static void drop_fields(char *line, const char *const *keys, int nkeys) {
    for (int k = 0; k < nkeys; k++) {
        char pat[64];
        snprintf(pat, sizeof pat, ",\"%s\":", keys[k]);
        char *p = strstr(line, pat);
        if (!p) continue;
        char *q = p + strlen(pat);
        int depth = 0, in_str = 0;
        for (; *q; q++) {
            if (in_str) {
                if (*q == '\\' && q[1]) q++;
                else if (*q == '"') in_str = 0;
            } else if (*q == '"') in_str = 1;
            else if (*q == '{' || *q == '[') depth++;
            else if ((*q == '}' || *q == ']') && depth > 0) depth--;
            else if ((*q == ',' || *q == '}') && depth == 0) break;
        }
        memmove(p, q, strlen(q) + 1);
    }
}

static char **load_dump(const char *path, int *n, int drop_meta) {
    static const char *const keys[] = {"key", "file_index", "file_offset", "total_stored_bytes", "num_meta_bytes",
                                       "fst_version", "num_search_keys", "extended_meta_size", "ext_meta"};
    FILE *fp = fopen(path, "r");
    *n = 0;
    if (!fp) return NULL;
    char **lines = NULL, *line = NULL;
    size_t cap = 0;
    int lcap = 0;
    while (getline(&line, &cap, fp) > 0) {
        if (!strstr(line, "\"kind\":\"record\"")) continue;
        drop_fields(line, keys, drop_meta ? 9 : 7);
        if (*n == lcap) lines = realloc(lines, (size_t)(lcap = lcap ? 2 * lcap : 64) * sizeof *lines);
        lines[(*n)++] = strdup(line);
    }
    free(line);
    fclose(fp);
    return lines;
}

static void free_dump(char **l, int n) {
    for (int i = 0; i < n; i++) free(l[i]);
    free(l);
}

static void compare_dumps(const char *name, const char *what, char **a, int na, char **b, int nb) {
    CHECK(na == nb, "%s: %s has %d records, original %d", name, what, nb, na);
    int diffs = 0;
    for (int i = 0; i < na && i < nb; i++)
        if (strcmp(a[i], b[i]) && diffs++ < 2)
            fprintf(stderr, "%s (%s) record %d:\n  orig %s  copy %s", name, what, i, a[i], b[i]);
    CHECK(diffs == 0, "%s: %d records differ in the %s", name, diffs, what);
}

static void one_file(const char *dir, const char *name, int *converted) {
    char in[2048];
    snprintf(in, sizeof in, "%s/%s", dir, name);
    const char *cli = t_cli();
    int rc = t_sh("'%s' check '%s' > /dev/null", cli, in);
    if (is_damaged(name)) {
        CHECK(rc != 0, "check must flag the damaged file %s", name);
        return;
    }
    if (!strcmp(name, legacy89) && rc != 0) return;
    CHECK(rc == 0, "check %s", in);
    const char *rsf = t_tmp("conv.rsf"), *xdf = t_tmp("conv.xdf");
    const char *d0 = t_tmp("d0.jsonl"), *d1 = t_tmp("d1.jsonl"), *d2 = t_tmp("d2.jsonl");
    CHECK(t_sh("'%s' convert --backend rsf '%s' '%s'", cli, in, rsf) == 0, "convert %s to RSF", name);
    CHECK(t_sh("'%s' convert --backend xdf '%s' '%s' 2>/dev/null", cli, rsf, xdf) == 0, "convert %s to XDF", name);
    CHECK(t_sh("'%s' check '%s' '%s' > /dev/null", cli, rsf, xdf) == 0, "check the copies of %s", name);
    CHECK(t_sh("'%s' dump --jsonl '%s' > '%s' && '%s' dump --jsonl '%s' > '%s' && '%s' dump --jsonl '%s' > '%s'",
               cli, in, d0, cli, rsf, d1, cli, xdf, d2) == 0, "dumps of %s", name);
    int n0, n1, n0m, n2;
    char **l0 = load_dump(d0, &n0, 0), **l1 = load_dump(d1, &n1, 0);
    char **l0m = load_dump(d0, &n0m, 1), **l2 = load_dump(d2, &n2, 1);
    compare_dumps(name, "RSF copy", l0, n0, l1, n1);
    compare_dumps(name, "XDF copy of the RSF copy", l0m, n0m, l2, n2);
    free_dump(l0, n0); free_dump(l1, n1); free_dump(l0m, n0m); free_dump(l2, n2);
    unlink(rsf); unlink(xdf); unlink(d0); unlink(d1); unlink(d2);
    (*converted)++;
}

static int is_fst_name(const char *n) {
    size_t l = strlen(n);
    if (n[0] == '.') return 0;
    const char *skip[] = {".jsonl", ".md", ".tsv", ".txt", ".h", ".py"};
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++) {
        size_t s = strlen(skip[i]);
        if (l >= s && !strcmp(n + l - s, skip[i])) return 0;
    }
    return 1;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void one_dir(const char *dir, int *converted) {
    DIR *d = opendir(dir);
    CHECK(d != NULL, "open %s", dir);
    if (!d) return;
    char *names[512];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 512) {
        char p[2048];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (is_fst_name(e->d_name) && stat(p, &st) == 0 && S_ISREG(st.st_mode)) names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_names);
    for (int i = 0; i < n; i++) {
        one_file(dir, names[i], converted);
        free(names[i]);
    }
}

int main(void) {
    int converted = 0;
    char dir[1024];
    if (tu_corpus_part("the corpus files (the fixtures of tests/data are converted instead)")) {
        snprintf(dir, sizeof dir, "%s/ref", tu_corpus());
        one_dir(dir, &converted);
        snprintf(dir, sizeof dir, "%s/real", tu_corpus());
        one_dir(dir, &converted);
        printf("%d corpus files converted and compared\n", converted);
        CHECK(converted >= 70, "only %d files converted", converted);
    } else {
        one_dir(tu_testdata(), &converted);
        printf("%d fixture files converted and compared\n", converted);
        CHECK(converted == 9, "%d fixture files converted, expected 9", converted);
    }
    return t_finish();
}
