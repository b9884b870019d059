/* The record calls around the header: fst24_record_check (per-backend limits, named fields),
 * fst24_record_set_string (validation), fst24_record_data_span (where plain IEEE values lie:
 * read back from the file at that span, byte for byte) and fst24_record_file/detach. */
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static void check_limits(void) {
    fst24_record r;
    fst24_record_init(&r);
    fst24_record_set_string(&r, "nomvar", "TT");
    CHECK_OK(fst24_record_check(&r, FST24_BACKEND_XDF));
    CHECK_OK(fst24_record_check(&r, FST24_BACKEND_RSF));
    r.ni = 1 << 24; /* XDF keeps 24 bits of ni, RSF 31 */
    CHECK(fst24_record_check(&r, FST24_BACKEND_XDF) == FST24_E_INVALID);
    CHECK(strstr(fst24_last_error(), "ni = 16777216 is outside 1..16777215") != NULL);
    CHECK_OK(fst24_record_check(&r, FST24_BACKEND_RSF));
    r.ni = 1;
    r.ip2 = 1 << 28;
    CHECK(fst24_record_check(&r, FST24_BACKEND_RSF) == FST24_E_INVALID);
    CHECK(strstr(fst24_last_error(), "ip2") != NULL);
    r.ip2 = 0;
    r.deet = -1; /* strict, although fst24_write stores it as 0 */
    CHECK(fst24_record_check(&r, FST24_BACKEND_XDF) == FST24_E_INVALID);
    r.deet = 0;
    r.data_type = 9;
    CHECK(fst24_record_check(&r, FST24_BACKEND_XDF) == FST24_E_INVALID);
    CHECK(strstr(fst24_last_error(), "data_type 9") != NULL);
    r.data_type = 801; /* the binary64 quantiser request */
    CHECK_OK(fst24_record_check(&r, FST24_BACKEND_XDF));
    r.data_type = FST24_TYPE_REAL_IEEE;
    CHECK(fst24_record_check(&r, FST24_BACKEND_DEFAULT) == FST24_E_INVALID);
    CHECK(fst24_record_check(NULL, FST24_BACKEND_XDF) == FST24_E_INVALID);
}

static void check_strings(void) {
    fst24_record r;
    fst24_record_init(&r);
    CHECK_OK(fst24_record_set_string(&r, "nomvar", "tt  "));
    CHECK(strcmp(r.nomvar, "TT  ") == 0);
    CHECK_OK(fst24_record_set_string(&r, "typvar", "P      ")); /* trailing blanks are padding */
    CHECK(strcmp(r.typvar, "P ") == 0);
    CHECK(fst24_record_set_string(&r, "nomvar", "TOOLONG") == FST24_E_INVALID);
    CHECK(strstr(fst24_last_error(), "longer than 4") != NULL);
    CHECK(fst24_record_set_string(&r, "etiket", "A\tB") == FST24_E_INVALID);
    CHECK(strstr(fst24_last_error(), "etiket") != NULL && strstr(fst24_last_error(), "code 9") != NULL);
    CHECK(strcmp(r.nomvar, "TT  ") == 0); /* a refused value leaves the field alone */
    CHECK_OK(fst24_record_set_string(&r, "grtyp", "x"));
    CHECK(strcmp(r.grtyp, "x") == 0); /* grtyp is a raw byte */
}

/* Every record of a file: its span holds exactly the values fst24_read_data gives (in the
 * span's byte order), or it has none (UNSUPPORTED) when its values are encoded. */
static void check_spans(fst24_backend backend, const char *path) {
    fst24_open_options o = {.backend = backend};
    fst24_file *f;
    CHECK_OK(fst24_open(path, FST24_MODE_CREATE, &o, &f));
    static const int types[][2] = {{5, 32}, {5, 64}, {8, 32}, {8, 64}, {1, 16}, {133, 32}, {5 | 64, 32}};
    enum { NT = sizeof types / sizeof types[0], N = 12 };
    double x[2 * N];
    for (int i = 0; i < 2 * N; i++) x[i] = 1.5 * i - 7.25;
    for (int k = 0; k < NT; k++) {
        fst24_record r;
        fst24_record_init(&r);
        fst24_record_set_string(&r, "nomvar", "SP");
        r.ni = 4;
        r.nj = 3;
        r.ip1 = k;
        r.data_type = types[k][0];
        r.pack_bits = types[k][1];
        r.data_bits = 64;
        CHECK_OK(fst24_write(f, &r, x, FST24_ELEM_F64, FST24_REWRITE_NO, NULL));
        CHECK(fst24_record_file(&r) == f);
    }
    CHECK_OK(fst24_flush(f));
    size_t size = 0;
    unsigned char *bytes = tu_slurp(path, &size);
    CHECK(bytes != NULL);
    int spans = 0;
    for (int k = 0; k < NT; k++) {
        fst24_record r;
        CHECK_OK(fst24_get_record(f, k, &r));
        fst24_data_span s;
        int st = fst24_record_data_span(&r, &s);
        int plain = (r.data_type == 5 || r.data_type == 8) && (r.pack_bits == 32 || backend == FST24_BACKEND_XDF);
        CHECK(st == (plain ? FST24_OK : FST24_E_UNSUPPORTED));
        if (st != FST24_OK) continue;
        spans++;
        size_t n = (size_t)r.ni * r.nj * (r.data_type == 8 ? 2 : 1);
        CHECK(s.count == (int64_t)n && s.complex_pairs == (r.data_type == 8));
        CHECK(s.big_endian == (backend == FST24_BACKEND_XDF));
        size_t es = fst24_elem_size(s.type);
        CHECK(es == (size_t)r.pack_bits / 8 && s.bytes == (int64_t)(n * es));
        CHECK(s.offset > r.file_offset && s.offset + s.bytes <= (int64_t)size);
        unsigned char want[2 * N * 8];
        CHECK_OK(fst24_read_data(&r, want, sizeof want, NULL));
        for (size_t i = 0; i < n && bytes; i++)
            for (size_t b = 0; b < es; b++) {
                size_t host = i * es + b; /* little-endian host */
                size_t disk = (size_t)s.offset + i * es + (s.big_endian ? es - 1 - b : b);
                if (bytes[disk] != want[host]) {
                    CHECK(!"span bytes equal the decoded values");
                    i = n;
                    break;
                }
            }
    }
    CHECK(spans >= (backend == FST24_BACKEND_XDF ? 4 : 2)); /* E32, Z32 (and E64, Z64 in XDF) at least */
    free(bytes);
    fst24_record d;
    CHECK_OK(fst24_get_record(f, 0, &d));
    fst24_record_detach(&d);
    fst24_data_span s;
    CHECK(fst24_record_file(&d) == NULL && fst24_record_data_span(&d, &s) == FST24_E_INVALID);
    CHECK_OK(fst24_close(f));
    unlink(path);
}

int main(void) {
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    puts("byte comparisons of check_spans assume a little-endian host");
    return 77;
#endif
    check_limits();
    check_strings();
    char path[1024];
    snprintf(path, sizeof path, "%s/record_api_%d.xdf", tu_tmpdir(), (int)getpid());
    check_spans(FST24_BACKEND_XDF, path);
    snprintf(path, sizeof path, "%s/record_api_%d.rsf", tu_tmpdir(), (int)getpid());
    check_spans(FST24_BACKEND_RSF, path);
    return tu_finish();
}
