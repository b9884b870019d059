/* Concurrency: reader threads searching and decoding one file while a writer
 * thread appends, deletes and edits records of the same file (XDF and RSF),
 * and parallel batch decoding compared with serial decoding. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fst24.h"
#include "testutil.h"


enum { NI = 64, NJ = 32, INITIAL = 40, APPENDED = 150, READERS = 6 };

/* Values are a function of (ip1, ip2): any record read can be verified. */
static void fill(float *v, int ip1, int ip2) {
    for (int i = 0; i < NI * NJ; i++) v[i] = (float)ip1 * 100.0f + (float)ip2 + (float)i * 0.5f;
}

static int write_one(fst24_file *f, int ip1, int ip2, int packed) {
    fst24_record r;
    fst24_record_init(&r);
    fst24_record_set_string(&r, "nomvar", ip1 % 2 ? "TT" : "UU");
    r.ni = NI;
    r.nj = NJ;
    r.ip1 = ip1;
    r.ip2 = ip2;
    if (packed) {
        r.data_type = 5;
        r.pack_bits = 32;
    }
    float v[NI * NJ];
    fill(v, ip1, ip2);
    return fst24_write(f, &r, v, FST24_ELEM_F32, FST24_REWRITE_NO, NULL);
}

typedef struct shared {
    fst24_file *f;
    volatile int writer_done;
    unsigned seed;
} shared;

static void *reader(void *arg) {
    shared *s = arg;
    unsigned seed = __atomic_add_fetch(&s->seed, 7919, __ATOMIC_RELAXED);
    int reads = 0;
    while ((!s->writer_done || reads < 200) && reads < 20000) {
        fst24_record crit, r;
        fst24_record_init_criteria(&crit);
        seed = seed * 1103515245u + 12345u;
        crit.ip1 = (int)((seed >> 8) % (INITIAL + APPENDED));
        fst24_query *q;
        if (fst24_query_new(s->f, &crit, NULL, &q) != FST24_OK) {
            CHECK(0);
            break;
        }
        int st;
        while ((st = fst24_query_next(q, &r)) == 1) {
            float got[NI * NJ], want[NI * NJ];
            int rs = fst24_read_data(&r, got, sizeof got, NULL);
            /* the writer may delete the record between the search and the read */
            if (rs == FST24_E_NO_RECORD) continue;
            fill(want, r.ip1, r.ip2);
            CHECK(rs == FST24_OK && memcmp(got, want, sizeof got) == 0);
            reads++;
        }
        CHECK(st == 0);
        fst24_query_free(q);
    }
    return NULL;
}

static void *writer(void *arg) {
    shared *s = arg;
    for (int i = 0; i < APPENDED; i++) {
        CHECK(write_one(s->f, INITIAL + i, i % 5, i % 2) == FST24_OK);
        if (i % 10 == 5) {
            /* delete an earlier record and edit another */
            fst24_record crit, r;
            fst24_record_init_criteria(&crit);
            crit.ip1 = INITIAL + i - 3;
            fst24_query *q;
            fst24_query_new(s->f, &crit, NULL, &q);
            if (fst24_query_next(q, &r) == 1) CHECK(fst24_delete(s->f, &r) == FST24_OK);
            fst24_query_free(q);
        }
        if (i % 25 == 0) CHECK(fst24_flush(s->f) == FST24_OK);
    }
    s->writer_done = 1;
    return NULL;
}

static void run_backend(const char *tmp, fst24_backend backend) {
    char path[1024];
    snprintf(path, sizeof path, "%s/threads_%d.fst", tmp, (int)backend);
    unlink(path);
    fst24_open_options o = {0};
    o.backend = backend;
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == FST24_OK);
    for (int i = 0; i < INITIAL; i++) CHECK(write_one(f, i, i % 5, 1) == FST24_OK);
    CHECK(fst24_close(f) == FST24_OK);
    CHECK(fst24_open(path, FST24_MODE_UPDATE, NULL, &f) == FST24_OK);
    shared s = {f, 0, 1};
    pthread_t rt[READERS], wt;
    for (int i = 0; i < READERS; i++) pthread_create(&rt[i], NULL, reader, &s);
    pthread_create(&wt, NULL, writer, &s);
    pthread_join(wt, NULL);
    for (int i = 0; i < READERS; i++) pthread_join(rt[i], NULL);
    int64_t n = fst24_num_records(f);
    CHECK(n == INITIAL + APPENDED - APPENDED / 10);
    CHECK(fst24_close(f) == FST24_OK);

    /* parallel batch decode == serial decode */
    CHECK(fst24_open(path, FST24_MODE_READ, NULL, &f) == FST24_OK);
    n = fst24_num_records(f);
    fst24_record *recs = calloc((size_t)n, sizeof *recs);
    void **outs = calloc((size_t)n, sizeof *outs);
    size_t *sizes = calloc((size_t)n, sizeof *sizes);
    int *statuses = calloc((size_t)n, sizeof *statuses);
    fst24_query *q;
    fst24_query_new(f, NULL, NULL, &q);
    CHECK(fst24_query_all(q, recs, n) == n);
    fst24_query_free(q);
    for (int64_t i = 0; i < n; i++) {
        sizes[i] = NI * NJ * sizeof(float);
        outs[i] = malloc(sizes[i]);
    }
    CHECK(fst24_read_many(recs, outs, sizes, n, NULL, 4, statuses) == FST24_OK);
    int same = 1;
    for (int64_t i = 0; i < n; i++) {
        float want[NI * NJ];
        fill(want, recs[i].ip1, recs[i].ip2);
        same &= statuses[i] == FST24_OK && memcmp(outs[i], want, sizes[i]) == 0;
        free(outs[i]);
    }
    CHECK(same);
    /* a bad size in a batch is reported for that record only */
    sizes[0] = 4;
    outs[0] = malloc(4);
    for (int64_t i = 1; i < n; i++) outs[i] = malloc(sizes[i]);
    CHECK(fst24_read_many(recs, outs, sizes, n, NULL, 3, statuses) == FST24_E_INVALID);
    CHECK(statuses[0] == FST24_E_INVALID && statuses[n - 1] == FST24_OK);
    for (int64_t i = 0; i < n; i++) free(outs[i]);
    free(recs);
    free(outs);
    free(sizes);
    free(statuses);
    CHECK(fst24_close(f) == FST24_OK);
    unlink(path);
}

/* One large record decoded by several threads equals the one-thread decode,
 * for every splittable encoding, with and without missing values. */
static void test_split_decode(const char *tmp) {
    char path[1024];
    snprintf(path, sizeof path, "%s/threads_split.fst", tmp);
    unlink(path);
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_CREATE, NULL, &f) == FST24_OK);
    const int ni = 1500, nj = 1000;
    size_t n = (size_t)ni * nj;
    float *v = malloc(n * sizeof *v);
    int32_t *iv = malloc(n * sizeof *iv);
    for (size_t i = 0; i < n; i++) {
        v[i] = 200.0f + 100.0f * (float)((i * 2654435761u) % 10007) / 10007.0f;
        iv[i] = (int32_t)((i * 40503u) % 70000) - 35000;
    }
    v[12345] = -9.99999968e+37f; /* a missing point for the +64 record */
    struct {
        int datyp, bits;
        int ints;
    } kinds[] = {
        {1, 16, 0}, {1, 12, 0}, {5, 32, 0}, {5, 24, 0}, {5, 16, 0}, {6, 16, 0}, {4, 18, 1}, {2, 17, 1}, {65, 16, 0},
    };
    int nk = (int)(sizeof kinds / sizeof kinds[0]);
    for (int k = 0; k < nk; k++) {
        fst24_record r;
        fst24_record_init(&r);
        fst24_record_set_string(&r, "nomvar", "BIG");
        r.ni = ni;
        r.nj = nj;
        r.ip1 = k;
        r.data_type = kinds[k].datyp;
        r.pack_bits = kinds[k].bits;
        const void *data = kinds[k].ints ? (const void *)iv : (const void *)v;
        if (kinds[k].datyp == 2) {
            for (size_t i = 0; i < n; i++) iv[i] = iv[i] < 0 ? -iv[i] : iv[i];
        }
        CHECK(fst24_write(f, &r, data, kinds[k].ints ? FST24_ELEM_I32 : FST24_ELEM_F32, FST24_REWRITE_NO, NULL) ==
              FST24_OK);
    }
    CHECK(fst24_close(f) == FST24_OK);
    CHECK(fst24_open(path, FST24_MODE_READ, NULL, &f) == FST24_OK);
    void *a = malloc(n * 8), *b = malloc(n * 8);
    for (int k = 0; k < nk; k++) {
        fst24_record r;
        CHECK(fst24_get_record(f, k, &r) == FST24_OK);
        fst24_elem_type t;
        size_t c;
        CHECK(fst24_record_data_layout(&r, &t, &c) == FST24_OK && c == n);
        size_t bytes = c * fst24_elem_size(t);
        fst24_read_options one = {.threads = 1}, three = {.threads = 3};
        memset(b, 0x5A, n * 8);
        CHECK(fst24_read_data(&r, a, bytes, &one) == FST24_OK);
        CHECK(fst24_read_data(&r, b, bytes, &three) == FST24_OK);
        CHECK(memcmp(a, b, bytes) == 0);
        fst24_read_options wide = {.type = FST24_ELEM_F64, .threads = 3};
        /* (datyp 1 widens through its own binary64 unpacker, not by conversion) */
        if (t == FST24_ELEM_F32 && (r.data_type & 0x3F) != 1) {
            CHECK(fst24_read_data(&r, b, n * 8, &wide) == FST24_OK);
            int same = 1;
            for (size_t i = 0; i < n; i += 997) same &= ((double *)b)[i] == (double)((float *)a)[i];
            CHECK(same);
        }
        if (r.data_type & 64) CHECK(((float *)a)[12345] == -9.99999968e+37f);
    }
    free(a);
    free(b);
    free(v);
    free(iv);
    CHECK(fst24_close(f) == FST24_OK);
    unlink(path);
}

int main(void) {
    const char *tmp = tu_tmpdir();
    run_backend(tmp, FST24_BACKEND_XDF);
    run_backend(tmp, FST24_BACKEND_RSF);
    test_split_decode(tmp);
    return tu_finish();
}
