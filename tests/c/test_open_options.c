/* Open and write options that used to be accepted silently: parallel writing of an
 * XDF file (refused, before "w" truncates anything), the RSF parallel segment size
 * (fst24_open_options.segment_size and "SEGMENT_SIZE_MB=n" in the option string,
 * honoured: the file's apparent size follows it), and extended metadata (refused
 * for XDF files, must be a JSON object). */
#include <sys/stat.h>

#include "testutil.h"

static char path[512];

static int64_t apparent_size(const char *p) {
    struct stat sb;
    return stat(p, &sb) == 0 ? (int64_t)sb.st_size : -1;
}

static int put(fst24_file *f, const char *nomvar, int32_t ip1, const char *ext) {
    fst24_record r;
    fst24_record_init(&r);
    fst24_record_set_string(&r, "nomvar", nomvar);
    r.ni = 16;
    r.nj = 8;
    r.ip1 = ip1;
    float x[128];
    for (int k = 0; k < 128; k++) x[k] = (float)(k + ip1);
    return fst24_write(f, &r, x, FST24_ELEM_F32, FST24_REWRITE_NO, ext);
}

static void test_parallel_xdf(void) {
    snprintf(path, sizeof path, "%s/options_xdf.fst", tu_tmpdir());
    remove(path);
    fst24_open_options o = {.backend = FST24_BACKEND_XDF, .parallel = 1};
    fst24_file *f = NULL;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == FST24_E_INVALID && f == NULL);
    CHECK(strstr(fst24_last_error(), "parallel") && strstr(fst24_last_error(), "RSF"));
    /* an existing XDF file: refused for writing in either mode, nothing truncated */
    o.parallel = 0;
    CHECK_OK(fst24_open(path, FST24_MODE_CREATE, &o, &f));
    CHECK_OK(put(f, "TT", 1, NULL));
    /* extended metadata cannot go into XDF: refused, nothing written */
    CHECK(put(f, "XM", 2, "{\"a\":1}") == FST24_E_UNSUPPORTED && strstr(fst24_last_error(), "XM"));
    CHECK_OK(fst24_close(f));
    int64_t size = apparent_size(path);
    o.parallel = 1;
    o.backend = FST24_BACKEND_DEFAULT;
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &f) == FST24_E_INVALID);
    CHECK(fst24_open_str(path, "R/W+PARALLEL", &f) == FST24_E_INVALID);
    CHECK(apparent_size(path) == size);
    CHECK_OK(fst24_open(path, FST24_MODE_READ, &o, &f)); /* read only: nothing to coordinate */
    CHECK(fst24_num_records(f) == 1);
    CHECK_OK(fst24_close(f));
    remove(path);
}

/* Write `flushes` records with a flush after each in parallel mode; apparent size. */
static int64_t parallel_size(const char *options, int64_t segment_size, int flushes) {
    snprintf(path, sizeof path, "%s/options_rsf.fst", tu_tmpdir());
    remove(path);
    fst24_file *f = NULL;
    if (options) {
        CHECK_OK(fst24_open_str(path, options, &f));
    } else {
        fst24_open_options o = {.backend = FST24_BACKEND_RSF, .parallel = 1, .segment_size = segment_size};
        CHECK_OK(fst24_open(path, FST24_MODE_UPDATE, &o, &f));
    }
    if (!f) return -1;
    for (int k = 0; k < flushes; k++) {
        CHECK_OK(put(f, "PP", k, "{\"run\":\"test\"}"));
        CHECK_OK(fst24_flush(f));
    }
    CHECK_OK(fst24_close(f));
    int64_t size = apparent_size(path);
    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    CHECK(fst24_num_records(f) == flushes);
    CHECK_OK(fst24_close(f));
    return size;
}

static void test_segment_size(void) {
    const int64_t mib = 1 << 20;
    /* every flush of a parallel writer reserves a new segment */
    int64_t s2 = parallel_size(NULL, 2 * mib, 5);
    CHECK(s2 >= 5 * 2 * mib && s2 <= 7 * 2 * mib);
    printf("5 flushes, 2 MiB segments: apparent size %lld bytes\n", (long long)s2);
    int64_t s1 = parallel_size("RSF+R/W+PARALLEL+SEGMENT_SIZE_MB=1", 0, 5);
    CHECK(s1 >= 5 * mib && s1 <= 7 * mib);
    /* the default: 1000 MiB per reservation (holes: no disk space) */
    int64_t sd = parallel_size(NULL, 0, 2);
    CHECK(sd >= 2 * 1000 * mib && sd <= 3 * 1000 * mib);
    printf("2 flushes, default segments: apparent size %lld bytes\n", (long long)sd);
    remove(path);
    fst24_file *f = NULL;
    CHECK(fst24_open_str(path, "RSF+R/W+PARALLEL+SEGMENT_SIZE_MB=0", &f) == FST24_E_INVALID);
    CHECK(fst24_open_str(path, "RSF+R/W+SEGMENT_SIZE_MB=x", &f) == FST24_E_INVALID);
    fst24_open_options o = {.backend = FST24_BACKEND_RSF, .parallel = 1, .segment_size = -1};
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &f) == FST24_E_INVALID);
}

static void test_ext_meta_json(void) {
    snprintf(path, sizeof path, "%s/options_meta.fst", tu_tmpdir());
    fst24_open_options o = {.backend = FST24_BACKEND_RSF};
    fst24_file *f = NULL;
    CHECK_OK(fst24_open(path, FST24_MODE_CREATE, &o, &f));
    CHECK(put(f, "BAD", 1, "{\"a\":") == FST24_E_INVALID && strstr(fst24_last_error(), "JSON"));
    CHECK(put(f, "ARR", 1, "[1, 2]") == FST24_E_INVALID);
    CHECK_OK(put(f, "OK", 1, "{\"a\": [1, 2], \"b\": {\"c\": \"x\"}}"));
    fst24_query_options qo = {.ext_meta = "{\"a\""};
    fst24_query *q = NULL;
    CHECK(fst24_query_new(f, NULL, &qo, &q) == FST24_E_INVALID && q == NULL);
    qo.ext_meta = "{\"b\": {\"c\": \"x\"}}";
    CHECK_OK(fst24_query_new(f, NULL, &qo, &q));
    CHECK(fst24_query_count(q) == 1);
    fst24_query_free(q);
    CHECK_OK(fst24_close(f));
    remove(path);
}

int main(void) {
    test_parallel_xdf();
    test_segment_size();
    test_ext_meta_json();
    return tu_finish();
}
