/* Corpus agreement: every record of every dumped corpus file decodes to
 * exactly librmn's output (FNV-1a hash of the native bytes, element type and
 * count), with missing-value decoding on, through the codec contract. */
#include "test_codec_util.h"

#include <dirent.h>
#include <inttypes.h>

#include "codec/codec.h"
#include "fst24.h"
#include "testfiles.h"

typedef struct ref_rec {
    long long offset, count;
    int datyp, has_data;
    char hash[24], elem[8], nomvar[8];
} ref_rec;

static ref_rec *load_refs(const char *path, size_t *nrefs) {
    FILE *fp = fopen(path, "r");
    if (!fp) return NULL;
    size_t cap = 64, n = 0;
    ref_rec *r = malloc(cap * sizeof *r);
    char *line = NULL;
    size_t lcap = 0;
    while (getline(&line, &lcap, fp) > 0) {
        if (!strstr(line, "\"kind\":\"record\"")) continue;
        if (n == cap) r = realloc(r, (cap *= 2) * sizeof *r);
        ref_rec *x = &r[n++];
        memset(x, 0, sizeof *x);
        x->offset = tu_jint(line, "file_offset", -1);
        x->count = tu_jint(line, "count", -1);
        x->datyp = (int)tu_jint(line, "datyp", -1);
        x->has_data = tu_jstr(line, "hash", x->hash, sizeof x->hash);
        tu_jstr(line, "elem_type", x->elem, sizeof x->elem);
        tu_jstr(line, "nomvar", x->nomvar, sizeof x->nomvar);
    }
    free(line);
    fclose(fp);
    *nrefs = n;
    return r;
}

static int checked, mismatched;
static int per_datyp_ok[256], per_datyp_bad[256];

/* Whether librmn itself refused the file (its dump's first line has "error"). */
static int refused_by_librmn(const char *jsonl_path) {
    FILE *fp = fopen(jsonl_path, "r");
    char line[512] = "";
    if (fp) {
        if (!fgets(line, sizeof line, fp)) line[0] = 0;
        fclose(fp);
    }
    return strstr(line, "\"error\"") != NULL;
}

static void check_file(const char *data_path, const char *jsonl_path) {
    if (refused_by_librmn(jsonl_path)) {
        printf("skip %s: librmn refuses it too (real/DAMAGED.md)\n", data_path);
        return;
    }
    size_t nref = 0;
    ref_rec *refs = load_refs(jsonl_path, &nref);
    CHECK_MSG(refs != NULL, "cannot read %s", jsonl_path);
    fst24_file *f = NULL;
    int rc = fst24_open(data_path, FST24_MODE_READ, NULL, &f);
    CHECK_MSG(rc == FST24_OK, "%s: %s", data_path, fst24_last_error());
    fst24_query *q = NULL;
    CHECK(fst24_query_new(f, NULL, NULL, &q) == FST24_OK);
    fst24_record rec;
    size_t seq = 0;
    while (fst24_query_next(q, &rec) == 1) {
        const ref_rec *ref = NULL;
        for (size_t i = 0; i < nref; i++)
            if (refs[i].offset == rec.file_offset) { ref = &refs[i]; break; }
        if (!ref && seq < nref) ref = &refs[seq];
        seq++;
        if (!ref || !ref->has_data) continue;
        size_t nw = 0;
        CHECK(fst24_read_payload(&rec, NULL, &nw) == FST24_OK);
        uint32_t *w = malloc((nw ? nw : 1) * 4);
        CHECK(fst24_read_payload(&rec, w, &nw) == FST24_OK);
        fst_codec_desc d = {rec.data_type, rec.pack_bits, rec.data_bits, rec.ni, rec.nj, rec.nk};
        fst24_elem_type t;
        size_t count;
        rc = fst_codec_layout(&d, &t, &count);
        CHECK_MSG(rc == FST24_OK, "%s %s: layout: %s", data_path, rec.nomvar, fst24_last_error());
        size_t bytes = count * fst24_elem_size(t);
        void *out = malloc(bytes ? bytes : 1);
        rc = fst_codec_decode(w, nw, &d, out, t, count, 1);
        char hash[24] = "";
        if (rc == FST24_OK) snprintf(hash, sizeof hash, "%016" PRIx64, tc_fnv1a64(out, bytes));
        int ok = rc == FST24_OK && strcmp(hash, ref->hash) == 0 && (long long)count == ref->count &&
                 strcmp(fst24_elem_name(t), ref->elem) == 0;
        checked++;
        if (ok) {
            per_datyp_ok[rec.data_type & 255]++;
        } else {
            mismatched++;
            per_datyp_bad[rec.data_type & 255]++;
            if (mismatched <= 40)
                fprintf(stderr, "MISMATCH %s %s datyp %d nbits %d dasiz %d %dx%dx%d: rc %d (%s) %s/%zu vs %s/%lld %s\n",
                        data_path, rec.nomvar, rec.data_type, rec.pack_bits, rec.data_bits, rec.ni, rec.nj,
                        rec.nk, rc, rc ? fst24_last_error() : "", fst24_elem_name(t), count, ref->elem,
                        ref->count, hash);
        }
        free(out);
        free(w);
    }
    fst24_query_free(q);
    fst24_close(f);
    free(refs);
}

int main(void) {
    tu_require_corpus("test_codec_corpus (every record of the corpus dumps)");
    const char *corpus = tu_corpus();
    char dp[4096], jp[4200];
    const char *ref_files[] = {"types.xdf.fst", "types.rsf.fst", "model.xdf.fst", "model.rsf.fst",
                               "grids.xdf.fst", "grids.rsf.fst", "append.xdf.fst", "append.rsf.fst",
                               "meta.xdf.fst", "meta.rsf.fst"};
    for (size_t i = 0; i < sizeof ref_files / sizeof ref_files[0]; i++) {
        snprintf(dp, sizeof dp, "%s/ref/%s", corpus, ref_files[i]);
        snprintf(jp, sizeof jp, "%s.jsonl", dp);
        check_file(dp, jp);
    }
    snprintf(dp, sizeof dp, "%s/real", corpus);
    DIR *dir = opendir(dp);
    CHECK(dir != NULL);
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l < 7 || strcmp(de->d_name + l - 6, ".jsonl") != 0) continue;
        snprintf(jp, sizeof jp, "%s/real/%s", corpus, de->d_name);
        snprintf(dp, sizeof dp, "%s/real/%.*s", corpus, (int)(l - 6), de->d_name);
        check_file(dp, jp);
    }
    closedir(dir);
    for (int t = 0; t < 256; t++)
        if (per_datyp_ok[t] || per_datyp_bad[t])
            printf("datyp %3d: %d agree, %d differ\n", t, per_datyp_ok[t], per_datyp_bad[t]);
    printf("%d records checked, %d differ\n", checked, mismatched);
    CHECK(checked > 9000);
    CHECK(mismatched == 0);
    return tc_finish();
}
