/* Every ref/NAME.rsf.fst lists exactly the records of librmn's dump (.jsonl):
 * header fields, key, file_index, file_offset, total_stored_bytes,
 * num_meta_bytes, fst_version, num_search_keys, extended_meta_size and the
 * JSON metadata of meta.rsf.fst; payload lengths agree with the record sizes. */
#include "test_rsf_util.h"

static void cmp_str(const char *line, const char *key, const char *got, const char *file, long long seq) {
    char want[64];
    if (!tu_jstr(line, key, want, sizeof want)) return;
    CHECK(!strcmp(want, got), "%s record %lld: %s \"%s\" != \"%s\"", file, seq, key, got, want);
}

static void cmp_int(const char *line, const char *key, long long got, const char *file, long long seq) {
    long long want = tu_jint(line, key, -123456789);
    CHECK(want != -123456789, "%s record %lld: field %s missing from the dump", file, seq, key);
    CHECK(want == got, "%s record %lld: %s %lld != %lld", file, seq, key, got, want);
}

static void check_file(const char *name) {
    char path[1024], jpath[1100];
    snprintf(path, sizeof path, "%s/ref/%s", tu_corpus(), name);
    snprintf(jpath, sizeof jpath, "%s.jsonl", path);
    FILE *jp = fopen(jpath, "r");
    CHECK(jp != NULL, "cannot open %s", jpath);
    if (!jp) return;
    fst24_file *f = NULL;
    int st = fst24_open(path, FST24_MODE_READ, NULL, &f);
    CHECK(st == FST24_OK, "open %s", path);
    if (st) { fclose(jp); return; }
    CHECK(fst24_file_backend(f) == FST24_BACKEND_RSF, "%s: backend", name);

    char *line = NULL, *meta = NULL;
    size_t lcap = 0, mcap = 0;
    long long seq = 0, announced = -1;
    while (getline(&line, &lcap, jp) > 0) {
        if (strstr(line, "\"kind\":\"file\"")) {
            announced = tu_jint(line, "num_records", -1);
            CHECK(fst24_num_records(f) == announced, "%s: %lld records, dump says %lld", name,
                  (long long)fst24_num_records(f), announced);
            continue;
        }
        fst24_record r;
        st = fst24_get_record(f, seq, &r);
        CHECK(st == FST24_OK, "%s: get record %lld", name, seq);
        if (st) break;
        cmp_str(line, "nomvar", r.nomvar, name, seq);
        cmp_str(line, "typvar", r.typvar, name, seq);
        cmp_str(line, "etiket", r.etiket, name, seq);
        cmp_str(line, "grtyp", r.grtyp, name, seq);
        cmp_int(line, "ip1", r.ip1, name, seq);
        cmp_int(line, "ip2", r.ip2, name, seq);
        cmp_int(line, "ip3", r.ip3, name, seq);
        cmp_int(line, "ni", r.ni, name, seq);
        cmp_int(line, "nj", r.nj, name, seq);
        cmp_int(line, "nk", r.nk, name, seq);
        cmp_int(line, "dateo", r.dateo, name, seq);
        cmp_int(line, "datev", r.datev, name, seq);
        cmp_int(line, "deet", r.deet, name, seq);
        cmp_int(line, "npas", r.npas, name, seq);
        cmp_int(line, "data_type", r.data_type, name, seq);
        cmp_int(line, "data_bits", r.data_bits, name, seq);
        cmp_int(line, "pack_bits", r.pack_bits, name, seq);
        cmp_int(line, "ig1", r.ig1, name, seq);
        cmp_int(line, "ig2", r.ig2, name, seq);
        cmp_int(line, "ig3", r.ig3, name, seq);
        cmp_int(line, "ig4", r.ig4, name, seq);
        cmp_int(line, "key", r.key, name, seq);
        cmp_int(line, "file_index", r.file_index, name, seq);
        cmp_int(line, "file_offset", r.file_offset, name, seq);
        cmp_int(line, "total_stored_bytes", r.total_stored_bytes, name, seq);
        cmp_int(line, "num_meta_bytes", r.num_meta_bytes, name, seq);
        cmp_int(line, "fst_version", r.fst_version, name, seq);
        cmp_int(line, "num_search_keys", r.num_search_keys, name, seq);
        cmp_int(line, "extended_meta_size", r.extended_meta_size, name, seq);

        size_t nw = 0, len = 0;
        st = fst24_read_payload(&r, NULL, &nw);
        CHECK(st == FST24_OK && (long long)(4 * nw) == r.total_stored_bytes - 28 - r.num_meta_bytes,
              "%s record %lld: payload %zu words for rl %lld", name, seq, nw, (long long)r.total_stored_bytes);
        uint32_t *w = malloc((nw ? nw : 1) * 4);
        CHECK(fst24_read_payload(&r, w, &nw) == FST24_OK, "%s record %lld: read payload", name, seq);
        free(w);

        st = fst24_read_ext_meta(&r, NULL, 0, &len);
        CHECK(st == FST24_OK, "%s record %lld: ext meta length", name, seq);
        if (len + 1 > mcap) meta = realloc(meta, mcap = len + 1);
        st = fst24_read_ext_meta(&r, meta, mcap, &len);
        size_t wlen = strlen(line) + 1;
        char *want = malloc(wlen);
        if (tu_jstr(line, "ext_meta", want, wlen)) {
            CHECK(st == FST24_OK && !strcmp(meta, want), "%s record %lld: ext_meta \"%s\" != \"%s\"", name, seq,
                  meta, want);
            CHECK((size_t)r.extended_meta_size == (strlen(want) + 4) / 4, "%s record %lld: E %d for %zu chars",
                  name, seq, r.extended_meta_size, strlen(want));
        } else {
            CHECK(len == 0 && r.extended_meta_size == 0, "%s record %lld: unexpected ext_meta", name, seq);
        }
        free(want);
        seq++;
    }
    CHECK(seq == announced, "%s: %lld record lines, header says %lld", name, seq, announced);
    fst24_record extra;
    CHECK(fst24_get_record(f, seq, &extra) != FST24_OK, "%s: record %lld beyond the dump exists", name, seq);

    /* A match-all query returns the same count in the same order. */
    fst24_query *q = NULL;
    CHECK(fst24_query_new(f, NULL, NULL, &q) == FST24_OK, "%s: query", name);
    if (q) {
        CHECK(fst24_query_count(q) == announced, "%s: query count", name);
        fst24_query_free(q);
    }
    free(line);
    free(meta);
    fclose(jp);
    fst24_close(f);
}

int main(void) {
    tu_require_corpus("test_rsf_corpus (librmn-written RSF files)");
    const char *names[] = {"append.rsf.fst", "grids.rsf.fst", "meta.rsf.fst", "model.rsf.fst", "types.rsf.fst"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) check_file(names[i]);

    /* types.rsf.fst holds one deleted entry (directory index 98). */
    char path[1024];
    snprintf(path, sizeof path, "%s/ref/types.rsf.fst", tu_corpus());
    fst24_file *f;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f) == FST24_OK) {
        fst24_file_info info;
        fst24_file_get_info(f, &info);
        CHECK(info.num_entries == 100 && info.num_deleted == 1 && info.num_records == 99,
              "types.rsf.fst: %lld entries, %lld deleted", (long long)info.num_entries, (long long)info.num_deleted);
        CHECK(info.num_pages == 1, "types.rsf.fst: %d segments with a directory", info.num_pages);
        fst24_close(f);
    }
    return t_finish();
}
