/* Builds the seed directories of the fuzz targets:
 *
 *   fst24_fuzz_seeds OUTDIR FILE|DIR...
 *
 * OUTDIR/file, OUTDIR/grid, OUTDIR/levels, OUTDIR/codec, OUTDIR/extmeta receive
 * inputs in each target's format, taken from the FST files given (a corpus, files
 * the tests wrote) and from small files this program writes with the library
 * (every data type, grids with positional records, extended metadata, both
 * backends). Files larger than 256 KiB are cut to their first 256 KiB (the
 * fuzzers' -max_len). Run by tests/fuzz/run.sh and by ctest (fuzz_replay_seeds). */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fst24.h"

#define MAX_SEED ((size_t)256 << 10)

static const char *out_dir;
static int nseeds;

static void put_seed(const char *target, const char *name, const void *a, size_t na, const void *b, size_t nb) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/%s", out_dir, target, name);
    FILE *fp = fopen(path, "wb");
    if (!fp) return;
    if (na) fwrite(a, 1, na, fp);
    if (nb) fwrite(b, 1, nb, fp);
    fclose(fp);
    nseeds++;
}

static void le32(uint8_t *p, uint32_t v) {
    for (int k = 0; k < 4; k++) p[k] = (uint8_t)(v >> (8 * k));
}

/* Seeds from the records of one file (at most 24 records a file for each target). */
static void from_records(const char *path, const char *tag) {
    fst24_file *f = NULL;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f) != FST24_OK) {
        fst24_clear_error();
        return;
    }
    int64_t n = fst24_num_records(f);
    int codec = 0, toc = 0, meta = 0, grid = 0;
    int seen[256][2] = {{0}};
    for (int64_t i = 0; i < n; i++) {
        fst24_record r;
        if (fst24_get_record(f, i, &r) != FST24_OK) continue;
        char name[256];
        /* codec: descriptor + payload, one per (datyp, nbits > 16) of the file */
        size_t nw = 0;
        int dt = r.data_type & 0xFF, wide = r.pack_bits > 16;
        if (codec < 24 && !seen[dt][wide] && fst24_read_payload(&r, NULL, &nw) == FST24_OK && nw * 4 <= MAX_SEED &&
            r.ni < 65536 && r.nj < 65536 && r.nk < 65536) {
            uint32_t *w = malloc((nw ? nw : 1) * 4);
            uint8_t *bytes = malloc(nw * 4 + 12);
            if (w && bytes && fst24_read_payload(&r, w, &nw) == FST24_OK) {
                static const int dasizes[5] = {0, 8, 16, 32, 64};
                int sel = 0;
                for (int k = 0; k < 5; k++)
                    if (dasizes[k] == r.data_bits) sel = k;
                uint8_t h[12] = {0,
                                 (uint8_t)dt,
                                 (uint8_t)r.pack_bits,
                                 (uint8_t)sel,
                                 (uint8_t)((r.ni - 1) & 0xFF),
                                 (uint8_t)((r.ni - 1) >> 8),
                                 (uint8_t)((r.nj - 1) & 0xFF),
                                 (uint8_t)((r.nj - 1) >> 8),
                                 (uint8_t)((r.nk - 1) & 0xFF),
                                 (uint8_t)((r.nk - 1) >> 8),
                                 64,
                                 128};
                for (size_t k = 0; k < nw; k++) le32(bytes + 4 * k, w[k]);
                snprintf(name, sizeof name, "%s_%lld_d%d_n%d", tag, (long long)i, dt, r.pack_bits);
                put_seed("codec", name, h, sizeof h, bytes, nw * 4);
                seen[dt][wide] = 1;
                codec++;
            }
            free(w);
            free(bytes);
        }
        /* grid: the header values (mode 0) */
        if (grid < 24 && r.grtyp[0] != 'X') {
            uint8_t g[29] = {0, 0};
            const char *types = "ABGLNSE+ZYX#UOMC";
            const char *at = strchr(types, r.grtyp[0]);
            g[1] = (uint8_t)(at ? at - types : 0);
            le32(g + 2, (uint32_t)r.ni);
            le32(g + 6, (uint32_t)r.nj);
            g[10] = 0;
            le32(g + 11, (uint32_t)r.ig1);
            le32(g + 15, (uint32_t)r.ig2);
            le32(g + 19, (uint32_t)r.ig3);
            le32(g + 23, (uint32_t)r.ig4);
            snprintf(name, sizeof name, "%s_%lld_%c", tag, (long long)i, r.grtyp[0] ? r.grtyp[0] : '_');
            put_seed("grid", name, g, 27, NULL, 0);
            grid++;
        }
        /* levels: "!!" tables (mode 0), codes and dates of the record (modes 1, 2) */
        if (!strncmp(r.nomvar, "!!", 2) && toc < 8 && r.ni <= 16 && r.nj <= 256) {
            size_t cnt = (size_t)r.ni * r.nj;
            double *t = malloc(cnt * sizeof(double));
            fst24_read_options o = {.type = FST24_ELEM_F64};
            if (t && fst24_read_data(&r, t, cnt * sizeof(double), &o) == FST24_OK) {
                uint8_t h[7] = {0};
                le32(h + 1, (uint32_t)r.ig1);
                h[5] = (uint8_t)(r.ni - 1);
                h[6] = (uint8_t)(r.nj - 1);
                snprintf(name, sizeof name, "%s_%lld_toctoc", tag, (long long)i);
                put_seed("levels", name, h, sizeof h, t, cnt * sizeof(double));
                toc++;
            }
            free(t);
        }
        if (i < 4) {
            uint8_t c[1 + 12 + 4] = {1};
            le32(c + 1, (uint32_t)r.ip1);
            le32(c + 5, (uint32_t)r.ip2);
            le32(c + 9, (uint32_t)r.ip3);
            snprintf(name, sizeof name, "%s_%lld_ip", tag, (long long)i);
            put_seed("levels", name, c, sizeof c, NULL, 0);
            uint8_t d[1 + 4] = {2};
            le32(d + 1, (uint32_t)r.datev);
            snprintf(name, sizeof name, "%s_%lld_date", tag, (long long)i);
            put_seed("levels", name, d, sizeof d, "2024-01-15T12:00:00", 19);
        }
        /* extmeta: the record's JSON as record and as criteria */
        size_t len = 0;
        if (meta < 8 && fst24_read_ext_meta(&r, NULL, 0, &len) == FST24_OK && len > 0 && len < MAX_SEED) {
            char *m = malloc(len + 1);
            if (m && fst24_read_ext_meta(&r, m, len + 1, &len) == FST24_OK) {
                char *both = malloc(2 * len + 1);
                if (both) {
                    memcpy(both, m, len);
                    both[len] = '\0';
                    memcpy(both + len + 1, m, len);
                    snprintf(name, sizeof name, "%s_%lld_meta", tag, (long long)i);
                    put_seed("extmeta", name, both, 2 * len + 1, NULL, 0);
                    free(both);
                }
                meta++;
            }
            free(m);
        }
    }
    fst24_close(f);
}

/* A whole file (cut to MAX_SEED) as a seed of the targets that read files. */
static void from_file(const char *path, const char *tag) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return;
    uint8_t *b = malloc(MAX_SEED + 1);
    size_t n = b ? fread(b, 1, MAX_SEED, fp) : 0;
    fclose(fp);
    if (n) {
        char name[256];
        snprintf(name, sizeof name, "%s", tag);
        put_seed("file", name, b, n, NULL, 0);
        uint8_t mode = 3;
        put_seed("grid", name, &mode, 1, b, n);
        put_seed("levels", name, &mode, 1, b, n);
    }
    free(b);
    from_records(path, tag);
}

static void put_rec(fst24_file *f, const char *nomvar, const char *grtyp, int32_t ni, int32_t nj, int datyp, int nbits,
                    int32_t ip1, int32_t ip2, int32_t ip3, const int32_t ig[4], const char *meta) {
    fst24_record r;
    fst24_record_init(&r);
    fst24_record_set_string(&r, "nomvar", nomvar);
    fst24_record_set_string(&r, "typvar", "P");
    fst24_record_set_string(&r, "etiket", "FUZZSEED");
    fst24_record_set_string(&r, "grtyp", grtyp);
    r.ni = ni;
    r.nj = nj;
    r.ip1 = ip1;
    r.ip2 = ip2;
    r.ip3 = ip3;
    r.ig1 = ig[0];
    r.ig2 = ig[1];
    r.ig3 = ig[2];
    r.ig4 = ig[3];
    r.data_type = datyp;
    r.pack_bits = nbits;
    r.dateo = 471942800;
    r.deet = 300;
    r.npas = 12;
    size_t n = (size_t)ni * nj;
    int base = datyp & 0x3F;
    int st;
    if (base == 2 || base == 4) {
        int32_t *v = malloc(n * 4);
        for (size_t k = 0; k < n; k++) v[k] = (int32_t)(k % 1000);
        if (datyp & 64) v[n / 2] = INT32_MIN;
        st = fst24_write(f, &r, v, FST24_ELEM_I32, FST24_REWRITE_NO, meta);
        free(v);
    } else if (base == 3 || base == 7) {
        char *c = malloc(n);
        for (size_t k = 0; k < n; k++) c[k] = (char)('A' + k % 26);
        st = fst24_write(f, &r, c, FST24_ELEM_U8, FST24_REWRITE_NO, meta);
        free(c);
    } else {
        size_t m = base == 8 ? 2 * n : n;
        float *x = malloc(m * 4);
        for (size_t k = 0; k < m; k++) x[k] = 250.0f + (float)((k % ni) * 0.5 + (k / ni) * 0.25);
        if (datyp & 64) x[m / 3] = -1.0e38f;
        st = fst24_write(f, &r, x, FST24_ELEM_F32, FST24_REWRITE_NO, meta);
        free(x);
    }
    if (st) fst24_clear_error();
}

/* Small files written here: every data type, self-contained and positional grids. */
static void generated(const char *tmp) {
    for (int be = 1; be <= 2; be++) {
        char path[4096];
        if (snprintf(path, sizeof path, "%s/generated_%s.fst", tmp, be == 1 ? "xdf" : "rsf") >= (int)sizeof path)
            continue; /* a scratch folder name too long to use */
        remove(path);
        fst24_open_options o = {.backend = (fst24_backend)be};
        fst24_file *f = NULL;
        if (fst24_open(path, FST24_MODE_CREATE, &o, &f) != FST24_OK) {
            fst24_clear_error();
            continue;
        }
        const float xg_n[4] = {10.0f, 12.0f, 50000.0f, 20.0f}, xg_l[4] = {-10.0f, 5.0f, 0.5f, 0.5f};
        const float xg_e[4] = {45.0f, 250.0f, 0.0f, 180.0f};
        int32_t ig_n[4], ig_l[4], ig_e[4], ig_g[4] = {0, 0, 0, 0}, ig_z[4] = {7, 8, 9, 0};
        fst24_xg_to_ig('N', 1, xg_n, ig_n);
        fst24_xg_to_ig('L', 1, xg_l, ig_l);
        fst24_xg_to_ig('E', 1, xg_e, ig_e);
        const char *meta = be == 2 ? "{\"unit\":\"K\",\"levels\":[1,2,3],\"src\":{\"model\":\"gem\"}}" : NULL;
        static const int types[][2] = {{1, 16},   {5, 32},  {5, 64},   {6, 12}, {134, 12}, {129, 16},
                                       {133, 24}, {65, 16}, {198, 16}, {2, 12}, {4, 16},   {130, 12},
                                       {68, 16},  {7, 8},   {3, 8},    {8, 32}};
        for (size_t k = 0; k < sizeof types / sizeof types[0]; k++) {
            char name[8];
            snprintf(name, sizeof name, "T%zu", k);
            put_rec(f, name,
                    k % 3 == 0   ? "N"
                    : k % 3 == 1 ? "L"
                                 : "G",
                    24, 16, types[k][0], types[k][1], (int32_t)k, 6, 0,
                    k % 3 == 0   ? ig_n
                    : k % 3 == 1 ? ig_l
                                 : ig_g,
                    meta);
        }
        put_rec(f, "ZZ", "Z", 6, 4, 5, 32, 12000, 0, 0, ig_z, NULL);
        put_rec(f, ">>", "E", 6, 1, 5, 32, 7, 8, 9, ig_e, NULL);
        put_rec(f, "^^", "E", 1, 4, 5, 32, 7, 8, 9, ig_e, NULL);
        put_rec(f, "YY", "Y", 3, 2, 5, 32, 0, 0, 0, ig_z, NULL);
        fst24_close(f);
        from_file(path, be == 1 ? "generated_xdf" : "generated_rsf");
    }
}

static void walk(const char *path, int depth) {
    struct stat sb;
    if (stat(path, &sb) != 0) return;
    if (S_ISDIR(sb.st_mode)) {
        if (depth > 3) return;
        DIR *d = opendir(path);
        if (!d) return;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            size_t l = strlen(e->d_name);
            if ((l > 6 && !strcmp(e->d_name + l - 6, ".jsonl")) || (l > 3 && !strcmp(e->d_name + l - 3, ".md")) ||
                (l > 4 && (!strcmp(e->d_name + l - 4, ".tsv") || !strcmp(e->d_name + l - 4, ".txt"))))
                continue;
            char child[4096];
            snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            walk(child, depth + 1);
        }
        closedir(d);
        return;
    }
    if (!S_ISREG(sb.st_mode) || fst24_detect(path) <= 0) return;
    char tag[256];
    const char *base = strrchr(path, '/');
    snprintf(tag, sizeof tag, "%.200s", base ? base + 1 : path);
    for (char *c = tag; *c; c++)
        if (*c == '/' || *c == ' ') *c = '_';
    from_file(path, tag);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s OUTDIR [FILE|DIR...]\n", argv[0]);
        return 2;
    }
    out_dir = argv[1];
    mkdir(out_dir, 0777);
    const char *targets[] = {"file", "grid", "levels", "codec", "extmeta"};
    for (int k = 0; k < 5; k++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", out_dir, targets[k]);
        if (mkdir(p, 0777) && errno != EEXIST) {
            perror(p);
            return 1;
        }
    }
    static const char criteria[] = "{\"levels\":[2],\"src\":{\"model\":\"GEM\"},\"x\":-1}\0"
                                   "{\"unit\":\"K\",\"levels\":[1,2,3],\"src\":{\"model\":\"gem\"},\"x\":4.5e3}";
    put_seed("extmeta", "criteria", criteria, sizeof criteria - 1, NULL, 0);
    char p[4096];
    snprintf(p, sizeof p, "%s/_work", out_dir);
    mkdir(p, 0777);
    generated(p);
    for (int i = 2; i < argc; i++) walk(argv[i], 0);
    printf("%d seeds in %s\n", nseeds, out_dir);
    return 0;
}
