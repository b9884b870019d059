/* 1989 random standard files: the real corpus file against librmn's dump
 * (header fields, keys, positions, data hashes), synthetic files for the
 * conversions the corpus file does not exercise (deleted entries, date
 * correction, 16-bit fields, case folding, >256 entries), and truncated or
 * corrupted files (FST24_E_CORRUPT naming the file, never a crash). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/bytes.h"
#include "fst24.h"
#include "testfiles.h"

static int passed, failed;
#define CHECK(cond)                                                                         \
    do {                                                                                    \
        if (cond) passed++;                                                                 \
        else {                                                                              \
            failed++;                                                                       \
            fprintf(stderr, "%s:%d: CHECK failed: %s [last error: %s]\n", __FILE__, __LINE__, \
                    #cond, fst24_last_error());                                             \
        }                                                                                   \
    } while (0)
#define CHECK_OK(expr) CHECK((expr) == FST24_OK)

static char tmpdir[512];
static char climato[1024];

static const char *tmp_path(const char *name) {
    static char buf[4][1024];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/fst89_%s", tmpdir, name);
    return buf[k];
}


static void spill(const char *path, const void *b, size_t n) {
    FILE *fp = fopen(path, "wb");
    if (!fp) { fprintf(stderr, "cannot write %s\n", path); exit(2); }
    fwrite(b, 1, n, fp);
    fclose(fp);
}

static uint64_t fnv1a64(const void *p, size_t n) {
    const unsigned char *b = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) { h ^= b[i]; h *= 0x100000001b3ull; }
    return h;
}

/* ---------------------------------------------------------------------- */
/* The real file                                                          */
/* ---------------------------------------------------------------------- */

/* Values copied from ECCC-ASTD-MRD_SPI__eer_SPI_Data_climato.fstd.jsonl (librmn 20.1). */
typedef struct expected {
    int seq;
    const char *nomvar, *typvar, *etiket, *grtyp;
    int ip1, ni, nj, nbits, ig1, ig2, ig3, ig4;
    long long key, offset, bytes;
    size_t count;
    uint64_t hash;
} expected;

static const expected EXPECTED[] = {
    {0, "MN  ", "C ", "NCAR        ", "A", 0, 144, 72, 15, 0, 1, 0, 0, 1, 9120, 19560, 10368,
     0xfaa8e2808abe5682ull},
    {1, "ST  ", "C ", "RPN         ", "N", 0, 34, 40, 15, 410, 170, 1000, 1905, 1025, 28680, 2640,
     1360, 0x05b935862c144b59ull},
    {2, "AL  ", "C ", "RPN         ", "A", 1, 144, 72, 6, 0, 1, 0, 0, 2049, 31320, 7800, 10368,
     0x52bf44322603a7d9ull},
    {14, "NE  ", "C ", "RPN         ", "A", 1, 144, 72, 2, 0, 1, 0, 0, 14337, 124920, 2640, 10368,
     0x52075dfe527e8ca5ull},
    {38, "MG  ", "C ", "ECMWF       ", "B", 0, 193, 97, 2, 0, 1, 0, 0, 38913, 188280, 4800, 18721,
     0xc3d4e6a030418f4bull},
    {40, "ME  ", "C ", "ECMWF       ", "B", 0, 193, 97, 15, 0, 1, 0, 0, 40961, 216600, 35160,
     18721, 0x7d0a8b0d47385f1bull},
    {65, "TM  ", "C ", "SCRIPPS     ", "B", 1, 145, 73, 12, 0, 0, 0, 0, 66561, 816240, 15960,
     10585, 0x3b918b9dbccba099ull},
    {77, "MQ  ", "C ", "RPN         ", "N", 0, 40, 48, 2, 285, 205, 35000, 1905, 78849, 1007760,
     600, 1920, 0xa5e991f9c971bce2ull},
    {91, "EM  ", "C ", "ENV MTNS    ", "G", 0, 128, 64, 12, 0, 0, 0, 0, 93185, 1302960, 12360,
     8192, 0xe3625f122cecaa0dull},
};

static void check_expected(fst24_file *f, const expected *x) {
    fst24_record r;
    CHECK_OK(fst24_get_record(f, x->seq, &r));
    CHECK(!strcmp(r.nomvar, x->nomvar));
    CHECK(!strcmp(r.typvar, x->typvar));
    CHECK(!strcmp(r.etiket, x->etiket));
    CHECK(!strcmp(r.grtyp, x->grtyp));
    CHECK(r.ip1 == x->ip1 && r.ip2 == 0 && r.ip3 == 0);
    CHECK(r.ni == x->ni && r.nj == x->nj && r.nk == 1);
    CHECK(r.dateo == 0 && r.datev == 0 && r.deet == 0 && r.npas == 0);
    CHECK(r.data_type == 1 && r.pack_bits == x->nbits && r.data_bits == 32);
    CHECK(r.ig1 == x->ig1 && r.ig2 == x->ig2 && r.ig3 == x->ig3 && r.ig4 == x->ig4);
    CHECK(r.key == x->key && r.file_index == x->seq);
    CHECK(r.file_offset == x->offset && r.total_stored_bytes == x->bytes);
    CHECK(r.num_meta_bytes == 0 && r.fst_version == 0 && r.num_search_keys == 16);
    fst24_elem_type t;
    size_t count;
    CHECK_OK(fst24_record_data_layout(&r, &t, &count));
    CHECK(t == FST24_ELEM_F32 && count == x->count);
    float *v = malloc(count * sizeof *v);
    CHECK_OK(fst24_read_data(&r, v, count * sizeof *v, NULL));
    uint64_t h = fnv1a64(v, count * sizeof *v);
    if (h != x->hash)
        fprintf(stderr, "record %d %s: hash %016llx, librmn %016llx\n", x->seq, x->nomvar,
                (unsigned long long)h, (unsigned long long)x->hash);
    CHECK(h == x->hash);
    free(v);
    /* the payload is the whole stored record (no descriptor copy in 1989 records) */
    size_t nwords = 0;
    CHECK_OK(fst24_read_payload(&r, NULL, &nwords));
    CHECK((long long)nwords * 4 == x->bytes);
}

static void test_real_file(void) {
    fst24_file *f;
    CHECK(fst24_detect(climato) == FST24_KIND_FST89);
    if (fst24_open(climato, FST24_MODE_READ, NULL, &f) != FST24_OK) {
        CHECK(!"climato opens");
        return;
    }
    fst24_file_info info;
    CHECK_OK(fst24_file_get_info(f, &info));
    /* librmn reads 92 records (its header count says 0) */
    CHECK(info.num_records == 92 && info.num_entries == 92 && info.num_deleted == 0);
    CHECK(!info.writable && !info.recovered);
    CHECK(fst24_num_records(f) == 92);
    for (size_t i = 0; i < sizeof EXPECTED / sizeof EXPECTED[0]; i++) check_expected(f, &EXPECTED[i]);
    /* search by name and level through the converted descriptors */
    fst24_record crit;
    fst24_record_init_criteria(&crit);
    fst24_record_set_string(&crit, "nomvar", "TP");
    crit.ip1 = 7;
    fst24_query *q;
    CHECK_OK(fst24_query_new(f, &crit, NULL, &q));
    fst24_record r;
    CHECK(fst24_query_next(q, &r) == 1);
    CHECK(r.file_index == 59 && !strcmp(r.etiket, "ECMWF       "));
    CHECK(fst24_query_next(q, &r) == 0);
    fst24_query_free(q);
    fst24_record_init_criteria(&crit);
    fst24_record_set_string(&crit, "nomvar", "GL");
    CHECK_OK(fst24_query_new(f, &crit, NULL, &q));
    CHECK(fst24_query_count(q) == 12);
    fst24_query_free(q);
    /* by key */
    CHECK_OK(fst24_get_record_by_key(f, 78849, &r));
    CHECK(!strcmp(r.nomvar, "MQ  ") && r.ig3 == 35000);
    /* read-only format: writing is refused */
    fst24_record w;
    fst24_record_init(&w);
    fst24_record_set_string(&w, "nomvar", "XX");
    w.ni = w.nj = w.nk = 1;
    float one = 1.0f;
    CHECK(fst24_write(f, &w, &one, FST24_ELEM_F32, FST24_REWRITE_NO, NULL) != FST24_OK);
    CHECK(fst24_delete(f, &r) != FST24_OK);
    CHECK_OK(fst24_close(f));
}

static void test_write_open_refused(void) {
    size_t n;
    unsigned char *b = tu_slurp(climato, &n);
    if (!b) { CHECK(!"corpus file readable"); return; }
    const char *p = tmp_path("rw.fst");
    spill(p, b, n);
    fst24_file *f = NULL;
    CHECK(fst24_open(p, FST24_MODE_UPDATE, NULL, &f) == FST24_E_UNSUPPORTED);
    CHECK(f == NULL && strstr(fst24_last_error(), p));
    size_t m;
    unsigned char *after = tu_slurp(p, &m);
    CHECK(after && m == n && !memcmp(after, b, n)); /* untouched */
    free(after);
    free(b);
    unlink(p);
}

/* ---------------------------------------------------------------------- */
/* Synthetic files                                                        */
/* ---------------------------------------------------------------------- */

typedef struct syn {
    const char *nomvar;  /* up to 2 chars */
    char typvar;
    const char *etiket;  /* up to 8 bytes; shorter is NUL padded */
    int ni, nj, nk, nbits, datyp;
    char grtyp;
    uint32_t ip1, ip2, ip3, ig1, ig2, ig3, ig4;
    uint32_t date, deet, npas;
    int deleted;
    uint32_t swa, lng;   /* 0: computed */
} syn;

static void put(unsigned char *p, uint32_t v) { fst_store_be32(p, v); }

/* Header, directory of `cap` slots, then one record of ni*nj*nk IEEE floats
 * (value = 100*entry + i) per entry. Returns the buffer and its size. */
static unsigned char *build89(const syn *s, int n, int cap, size_t *size) {
    size_t off = (120 + (size_t)cap * 60 + 7) / 8 * 8; /* records start on 64-bit words */
    size_t total = off;
    for (int i = 0; i < n; i++) total += ((size_t)s[i].ni * s[i].nj * s[i].nk * 4 + 7) / 8 * 8;
    unsigned char *b = calloc(1, total);
    put(b, 0x55555555u);
    put(b + 4, 0x55555555u);
    put(b + 8, (uint32_t)cap);
    put(b + 16, (uint32_t)n);
    put(b + 24, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        const syn *e = &s[i];
        size_t cnt = (size_t)e->ni * e->nj * e->nk;
        unsigned char *d = b + 120 + 60 * (size_t)i;
        char nom[2] = {0, 0}, et[8] = {0};
        memcpy(nom, e->nomvar, strnlen(e->nomvar, 2));
        memcpy(et, e->etiket, strnlen(e->etiket, 8));
        put(d, e->swa ? e->swa : (uint32_t)(off / 2));
        put(d + 4, ((e->npas & 0xFFFF) << 16) | ((uint32_t)e->nk << 4));
        put(d + 8, ((uint32_t)e->ni << 16) | (uint32_t)e->nj);
        put(d + 12, ((uint32_t)(unsigned char)nom[0] << 24) | ((uint32_t)(unsigned char)nom[1] << 16) |
                        ((uint32_t)(unsigned char)e->typvar << 8) | (uint32_t)e->nbits);
        put(d + 16, (e->ip1 << 16) | e->ip2);
        put(d + 20, (e->ip3 << 16) | ((uint32_t)e->deleted << 8) | (e->npas >> 16));
        memcpy(d + 24, et, 8);
        put(d + 36, e->ig2);
        put(d + 40, (e->ig3 << 16) | e->ig4);
        put(d + 44, ((uint32_t)(unsigned char)e->grtyp << 24) | ((uint32_t)e->datyp << 16) | e->ig1);
        put(d + 48, e->date);
        put(d + 52, (0x123u << 16) | e->deet); /* an old ubc value librmn drops */
        put(d + 56, e->lng ? e->lng : (uint32_t)(cnt * 4 / 2));
        for (size_t k = 0; k < cnt; k++) {
            float v = (float)(100 * i) + (float)k;
            uint32_t u;
            memcpy(&u, &v, 4);
            put(b + off + 4 * k, u);
        }
        off += (cnt * 4 + 7) / 8 * 8;
    }
    *size = total;
    return b;
}

static uint32_t stored_stamp(int32_t stamp) { return 8u * ((uint32_t)stamp / 10u) + (uint32_t)stamp % 10u; }

static void test_synthetic(void) {
    int32_t noon;
    CHECK(fst24_printable_to_stamp(20240315, 12000000, &noon) == 0);
    syn s[3] = {
        /* 300 s x 7 steps = 35 min: the 1989 writer rounded the valid date to
         * 12:00, librmn moves it back to 11:35 */
        {"tt", 'p', "abcdefgh", 3, 2, 1, 32, 5, 'z', 65535, 12, 3, 1, 0xABCD, 3, 4,
         stored_stamp(noon), 300, 7, 0, 0, 0},
        {"DL", 'P', "GONE", 2, 2, 1, 32, 5, 'X', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xFFFFFFF0u, 7},
        /* whole hours: no correction; 24-bit npas split across the two fields;
         * NUL bytes in the label become '@' as in librmn */
        {"GZ", 'P', "AB", 4, 1, 2, 32, 5, 'Y', 500, 0, 0, 7, 8, 9, 10, stored_stamp(noon), 3600,
         0x12345, 0, 0, 0},
    };
    size_t n;
    unsigned char *b = build89(s, 3, 5, &n);
    const char *p = tmp_path("syn.fst");
    spill(p, b, n);
    fst24_file *f;
    if (fst24_open(p, FST24_MODE_READ, NULL, &f) != FST24_OK) {
        CHECK(!"synthetic file opens");
        free(b);
        return;
    }
    fst24_file_info info;
    CHECK_OK(fst24_file_get_info(f, &info));
    CHECK(info.num_entries == 3 && info.num_deleted == 1 && info.num_records == 2);
    fst24_record r;
    CHECK_OK(fst24_get_record(f, 0, &r));
    CHECK(!strcmp(r.nomvar, "TT  ") && !strcmp(r.typvar, "P ") && !strcmp(r.etiket, "ABCDEFGH    "));
    CHECK(!strcmp(r.grtyp, "z")); /* the grid type byte is kept as is */
    CHECK(r.ip1 == 65535 && r.ip2 == 12 && r.ip3 == 3);
    CHECK(r.ig1 == 1 && r.ig2 == 0xABCD && r.ig3 == 3 && r.ig4 == 4);
    CHECK(r.deet == 300 && r.npas == 7 && r.ubc == 0);
    int32_t ymd, hms;
    CHECK(fst24_stamp_to_printable(r.datev, &ymd, &hms) == 0);
    CHECK(ymd == 20240315 && hms == 11350000);
    CHECK(fst24_stamp_to_printable(r.dateo, &ymd, &hms) == 0);
    CHECK(ymd == 20240315 && hms == 11000000);
    CHECK(r.key == 1 && r.file_index == 0 && r.file_offset == 424);
    float v[8];
    CHECK_OK(fst24_read_data(&r, v, 6 * sizeof *v, NULL));
    CHECK(v[0] == 0.0f && v[5] == 5.0f);

    CHECK_OK(fst24_get_record(f, 1, &r));
    CHECK(!strcmp(r.nomvar, "GZ  ") && !strcmp(r.etiket, "AB@@@@@@    "));
    CHECK(r.file_index == 2 && r.key == (1 | (2 << 10))); /* the deleted entry keeps its slot */
    CHECK(r.npas == 0x12345 && r.deet == 3600 && r.datev == noon && r.nk == 2);
    CHECK(r.ip1 == 500 && r.ig2 == 8);
    CHECK_OK(fst24_read_data(&r, v, 8 * sizeof *v, NULL));
    CHECK(v[0] == 200.0f && v[7] == 207.0f);
    CHECK(fst24_get_record_by_key(f, 1 | (1 << 10), &r) != FST24_OK); /* deleted */
    CHECK(fst24_get_record(f, 2, &r) != FST24_OK);
    CHECK_OK(fst24_close(f));
    free(b);

    /* more than 256 entries: keys continue on librmn's next in-memory page */
    enum { MANY = 300 };
    syn *m = calloc(MANY, sizeof *m);
    for (int i = 0; i < MANY; i++)
        m[i] = (syn){"PN", 'P', "MANY", 1, 1, 1, 32, 5, 'X', (uint32_t)i, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    b = build89(m, MANY, MANY, &n);
    spill(p, b, n);
    if (fst24_open(p, FST24_MODE_READ, NULL, &f) == FST24_OK) {
        CHECK(fst24_num_records(f) == MANY);
        CHECK_OK(fst24_get_record(f, 256, &r));
        CHECK(r.ip1 == 256 && r.file_index == 256 && r.key == (1 | (1 << 19)));
        CHECK_OK(fst24_get_record(f, 299, &r));
        CHECK(r.key == (1 | (43 << 10) | (1 << 19)));
        CHECK_OK(fst24_read_data(&r, v, sizeof *v, NULL));
        CHECK(v[0] == 29900.0f);
        CHECK_OK(fst24_close(f));
    } else {
        CHECK(!"300-entry file opens");
    }
    free(b);
    free(m);

    /* an empty directory is a valid, empty file */
    b = build89(NULL, 0, 4, &n);
    spill(p, b, n);
    if (fst24_open(p, FST24_MODE_READ, NULL, &f) == FST24_OK) {
        CHECK(fst24_num_records(f) == 0);
        CHECK_OK(fst24_close(f));
    } else {
        CHECK(!"empty 1989 file opens");
    }
    free(b);
    unlink(p);
}

/* ---------------------------------------------------------------------- */
/* Damaged files                                                          */
/* ---------------------------------------------------------------------- */

/* Opening must fail with FST24_E_CORRUPT and a message naming the file. */
static void expect_corrupt(const unsigned char *b, size_t n, const char *what) {
    const char *p = tmp_path("bad.fst");
    spill(p, b, n);
    fst24_file *f = NULL;
    int st = fst24_open(p, FST24_MODE_READ, NULL, &f);
    if (st != FST24_E_CORRUPT || !strstr(fst24_last_error(), p))
        fprintf(stderr, "%s: status %d, message \"%s\"\n", what, st, fst24_last_error());
    CHECK(st == FST24_E_CORRUPT && f == NULL && strstr(fst24_last_error(), p));
    if (f) fst24_close(f);
    unlink(p);
}

static void test_truncated(void) {
    size_t n;
    unsigned char *b = tu_slurp(climato, &n);
    if (!b) { CHECK(!"corpus file readable"); return; }
    /* the file ends with 3592 bytes of block fill after the last record (1302960 + 12360) */
    const size_t cuts[] = {8, 64, 119, 120, 120 + 60 * 92 - 1, 9120, 9120 + 19560 - 1, 1315320 - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "truncated to %zu bytes", cuts[i]);
        expect_corrupt(b, cuts[i], what);
    }
    free(b);
}

static void test_corrupt_directory(void) {
    size_t n;
    unsigned char *orig = tu_slurp(climato, &n);
    if (!orig) { CHECK(!"corpus file readable"); return; }
    unsigned char *b = malloc(n);
    struct { size_t at; uint32_t value; const char *what; } cases[] = {
        {16, 0xFFFFFFFFu, "entry count 2^32-1"},
        {16, 1u << 20 | 1u, "entry count beyond the handle range"},
        {16, 22000, "directory larger than the file"},
        {120 + 60 * 5, 0x7FFFFFFFu, "record address past the end"},
        {120 + 60 * 91 + 56, 0xFFFFFF00u, "record length past the end"},
        {120 + 60 * 91, (uint32_t)(n / 2) - 4, "last record straddles the end"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(b, orig, n);
        put(b + cases[i].at, cases[i].value);
        expect_corrupt(b, n, cases[i].what);
    }

    /* a deleted entry's address is never used: garbage there is harmless */
    memcpy(b, orig, n);
    b[120 + 60 * 3 + 22] |= 1; /* deletion flag of entry 3 */
    put(b + 120 + 60 * 3, 0xFFFFFFF0u);
    const char *p = tmp_path("del.fst");
    spill(p, b, n);
    fst24_file *f;
    if (fst24_open(p, FST24_MODE_READ, NULL, &f) == FST24_OK) {
        fst24_record r;
        CHECK(fst24_num_records(f) == 91);
        CHECK_OK(fst24_get_record(f, 3, &r));
        CHECK(r.file_index == 4 && r.key == (1 | (4 << 10)) && r.ip1 == 3);
        CHECK_OK(fst24_close(f));
    } else {
        CHECK(!"file with a deleted entry opens");
    }

    /* a header that promises more data than the record holds: open works,
     * decoding fails with a message */
    memcpy(b, orig, n);
    put(b + 120 + 8, (2000u << 16) | 2000u); /* ni = nj = 2000 for MN */
    spill(p, b, n);
    if (fst24_open(p, FST24_MODE_READ, NULL, &f) == FST24_OK) {
        fst24_record r;
        CHECK_OK(fst24_get_record(f, 0, &r));
        CHECK(r.ni == 2000 && r.nj == 2000);
        size_t bytes = (size_t)2000 * 2000 * 4;
        float *v = malloc(bytes);
        if (v) {
            fst24_clear_error();
            CHECK(fst24_read_data(&r, v, bytes, NULL) != FST24_OK && *fst24_last_error());
            free(v);
        }
        CHECK_OK(fst24_close(f));
    } else {
        CHECK(!"file with an oversized header opens");
    }
    unlink(p);
    free(b);
    free(orig);
}

/* Random flips in the header and directory, and random truncations: open,
 * list and decode everything; a failure must always carry a message. */
static uint64_t rng = 0x89C0FFEE1989ull;
static uint64_t rnd(void) { return tu_xorshift(&rng); }

static void exercise(const char *p, int *silent) {
    fst24_file *f;
    fst24_clear_error();
    if (fst24_open(p, FST24_MODE_READ, NULL, &f) != FST24_OK) {
        if (!strstr(fst24_last_error(), p)) (*silent)++;
        return;
    }
    fst24_query *q;
    if (fst24_query_new(f, NULL, NULL, &q) == FST24_OK) {
        fst24_record r;
        while (fst24_query_next(q, &r) == 1) {
            fst24_elem_type t;
            size_t count;
            if (fst24_record_data_layout(&r, &t, &count) != FST24_OK) continue;
            size_t bytes = count * fst24_elem_size(t);
            if (bytes > ((size_t)1 << 26)) continue;
            void *v = malloc(bytes ? bytes : 1);
            fst24_clear_error();
            if (fst24_read_data(&r, v, bytes, NULL) != FST24_OK && !*fst24_last_error()) (*silent)++;
            free(v);
        }
        fst24_query_free(q);
    }
    fst24_close(f);
}

static void test_fuzz(void) {
    size_t n;
    unsigned char *orig = tu_slurp(climato, &n);
    if (!orig) { CHECK(!"corpus file readable"); return; }
    unsigned char *b = malloc(n);
    const char *p = tmp_path("fuzz.fst");
    int silent = 0;
    int iterations = getenv("FST24_HOSTILE_ITER") ? atoi(getenv("FST24_HOSTILE_ITER")) : 120;
    for (int it = 0; it < iterations; it++) {
        memcpy(b, orig, n);
        size_t len = n;
        if (it % 4 == 0) {
            len = (size_t)(rnd() % n);
        } else {
            int flips = 1 + (int)(rnd() % 8);
            for (int j = 0; j < flips; j++) {
                size_t pos = 8 + (size_t)(rnd() % (120 + 60 * 92 - 8)); /* keep the signature */
                b[pos] = it % 4 == 3 ? (unsigned char)rnd() : (unsigned char)(b[pos] ^ (1u << (rnd() % 8)));
            }
        }
        spill(p, b, len);
        exercise(p, &silent);
    }
    CHECK(silent == 0);
    unlink(p);
    free(b);
    free(orig);
}

int main(void) {
    snprintf(climato, sizeof climato, "%s/real/ECCC-ASTD-MRD_SPI__eer_SPI_Data_climato.fstd",
             tu_corpus());
    snprintf(tmpdir, sizeof tmpdir, "%s", tu_tmpdir());
    if (tu_corpus_part("the real 1989 file (climato): reading, refusal to write, damage, mutations")) {
        test_real_file();
        test_write_open_refused();
    }
    test_synthetic();
    if (tu_have_corpus()) {
        test_truncated();
        test_corrupt_directory();
        test_fuzz();
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
