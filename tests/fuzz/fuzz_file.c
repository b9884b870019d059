/* Fuzz target "file": any byte string as an FST file. Opens it (XDF random or
 * sequential, RSF, 1989, or not FST), reads its information, walks every record
 * (by position, by key, with searches), decodes every payload (native and
 * widened), reads the raw payload and the extended metadata, and builds the
 * metadata index of the file (Arrow export). Every call must
 * return a status; memory errors, leaks and undefined behaviour are caught by
 * the sanitizers, huge allocations by -rss_limit_mb.
 *
 * libFuzzer (clang): tests/fuzz/run.sh file [SECONDS]   (tests/fuzz/README.md)
 * Without libFuzzer:  fst24_fuzz_replay_file FILE|DIR... (ctest) */
#include <stdlib.h>

#include "fst24/index.h"
#include "fuzz_common.h"

static void decode(const fst24_record *r) {
    fst24_elem_type t;
    size_t count;
    if (fst24_record_data_layout(r, &t, &count) != FST24_OK) return;
    if (count > FZ_MAX_VALUES) return; /* a consistent but large record: the harness's buffer */
    size_t bytes = count * fst24_elem_size(t);
    void *buf = malloc(bytes ? bytes : 1);
    if (!buf) return;
    fst24_read_options o = {0};
    fst24_read_data(r, buf, bytes, &o);
    o.raw_missing = 1;
    o.threads = 2;
    fst24_read_data(r, buf, bytes, &o);
    free(buf);
    if (t == FST24_ELEM_F32 || t == FST24_ELEM_I32 || t == FST24_ELEM_U16) {
        o.raw_missing = 0;
        o.threads = 0;
        o.type = t == FST24_ELEM_F32 ? FST24_ELEM_F64 : FST24_ELEM_I64;
        if (t == FST24_ELEM_U16) o.type = FST24_ELEM_U32;
        size_t wide = count * fst24_elem_size(o.type);
        void *w = malloc(wide ? wide : 1);
        if (w) fst24_read_data(r, w, wide, &o);
        free(w);
    }
    size_t nw = 0;
    if (fst24_read_payload(r, NULL, &nw) == FST24_OK && nw <= FZ_MAX_VALUES) {
        uint32_t *p = malloc((nw ? nw : 1) * 4);
        if (p) fst24_read_payload(r, p, &nw);
        free(p);
    }
    size_t len = 0;
    if (fst24_read_ext_meta(r, NULL, 0, &len) == FST24_OK && len < FZ_MAX_VALUES) {
        char *m = malloc(len + 1);
        if (m) fst24_read_ext_meta(r, m, len + 1, &len);
        free(m);
    }
}

static void walk(fst24_file *f) {
    fst24_file_info info;
    fst24_file_get_info(f, &info);
    int64_t n = fst24_num_records(f);
    for (int64_t i = 0; i < n && i < 2048; i++) {
        fst24_record r, again;
        if (fst24_get_record(f, i, &r) != FST24_OK) continue;
        fst24_get_record_by_key(f, r.key, &again);
        decode(&r);
        char letters[3];
        fst24_type_letters(r.data_type, letters);
    }
    fst24_record crit;
    fst24_record_init_criteria(&crit);
    crit.ip2 = 0;
    fst24_query_options qo = {.ip1_all = 1, .skip_grid_descriptors = 1, .ext_meta = "{\"a\":-1}"};
    for (int pass = 0; pass < 3; pass++) {
        fst24_query *q = NULL;
        if (fst24_query_new(f, pass ? &crit : NULL, pass == 2 ? &qo : NULL, &q) != FST24_OK) continue;
        fst24_record r;
        int guard = 0;
        while (fst24_query_next(q, &r) == 1 && guard++ < 2048) {
        }
        fst24_query_count(q);
        fst24_query_free(q);
    }
}

/* The metadata index of the file (grid ids read descriptor payloads). */
static void index_file(fst24_file *f) {
    fst24_index_options o = {.threads = 1,
                             .columns = FST24_INDEX_DEFAULT_COLUMNS | FST24_INDEX_COLUMN(FST24_COL_EXT_META)};
    fst24_index *ix = NULL;
    if (fst24_index_new(&o, &ix) == FST24_OK && fst24_index_add_file(ix, f) == FST24_OK) {
        struct ArrowArrayStream s;
        if (fst24_index_export_stream(ix, FST24_ARROW_STRING_VIEW, &s) == FST24_OK) {
            struct ArrowSchema schema;
            struct ArrowArray batch;
            if (s.get_schema(&s, &schema) == 0) schema.release(&schema);
            if (s.get_next(&s, &batch) == 0 && batch.release) batch.release(&batch);
            s.release(&s);
        }
    }
    fst24_index_free(ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int fd = -1;
    fst24_file *f = fz_open_bytes(data, size, &fd);
    if (f) {
        walk(f);
        index_file(f);
    }
    fz_close(f, fd);
    return 0;
}
