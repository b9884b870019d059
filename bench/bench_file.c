/* File-level benchmark: open + directory, search, read of every record with 1..N
 * threads, on a corpus file or a synthetic one written here.
 *
 *   bench_file [FILE] [--records N --ni NI --nj NJ --datyp D --bits B]
 *
 * Without FILE it writes /tmp/fst24_bench.fst (N records of NIxNJ, default
 * 500 x 1000x1000 R16) and measures that. Prints one line per measurement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fst24.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int die(const char *what) {
    fprintf(stderr, "bench_file: %s: %s\n", what, fst24_last_error());
    return 1;
}

int main(int argc, char **argv) {
    const char *path = NULL;
    int nrec = 500, ni = 1000, nj = 1000, datyp = 1, bits = 16;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--records") && i + 1 < argc)
            nrec = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--ni") && i + 1 < argc)
            ni = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--nj") && i + 1 < argc)
            nj = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--datyp") && i + 1 < argc)
            datyp = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--bits") && i + 1 < argc)
            bits = atoi(argv[++i]);
        else
            path = argv[i];
    }
    fst24_file *f;
    if (!path) {
        path = "/tmp/fst24_bench.fst";
        unlink(path);
        if (fst24_open(path, FST24_MODE_CREATE, NULL, &f)) return die(path);
        size_t n = (size_t)ni * nj;
        float *v = malloc(n * sizeof *v);
        for (size_t k = 0; k < n; k++) v[k] = 250.0f + 30.0f * (float)((k * 2654435761u) % 1000) / 1000.0f;
        double t0 = now();
        for (int r = 0; r < nrec; r++) {
            fst24_record rec;
            fst24_record_init(&rec);
            fst24_record_set_string(&rec, "nomvar", r % 2 ? "TT" : "UU");
            rec.ni = ni;
            rec.nj = nj;
            rec.ip1 = r;
            rec.data_type = datyp;
            rec.pack_bits = bits;
            if (fst24_write(f, &rec, v, FST24_ELEM_F32, FST24_REWRITE_NO, NULL)) return die("write");
        }
        if (fst24_close(f)) return die("close");
        double t = now() - t0;
        printf("write %d records %dx%d datyp %d/%d: %.3f s, %.0f MB/s of input\n", nrec, ni, nj, datyp, bits, t,
               (double)nrec * (double)n * 4 / t / 1e6);
        free(v);
    }
    double t0 = now();
    if (fst24_open(path, FST24_MODE_READ, NULL, &f)) return die(path);
    int64_t n = fst24_num_records(f);
    double t_open = now() - t0;
    fst24_record *recs = malloc((size_t)n * sizeof *recs);
    fst24_query *q;
    t0 = now();
    fst24_query_new(f, NULL, NULL, &q);
    fst24_query_all(q, recs, n);
    double t_list = now() - t0;
    fst24_query_free(q);
    fst24_record crit;
    fst24_record_init_criteria(&crit);
    crit.ip1 = (int32_t)(n / 2);
    t0 = now();
    int found = 0;
    for (int rep = 0; rep < 1000; rep++) {
        fst24_query_new(f, &crit, NULL, &q);
        fst24_record r;
        found += fst24_query_next(q, &r) == 1;
        fst24_query_free(q);
    }
    double t_search = (now() - t0) / 1000;
    printf("%s: %lld records; open %.3f ms, list %.3f ms, one search %.1f us (%d)\n", path, (long long)n, t_open * 1e3,
           t_list * 1e3, t_search * 1e6, found > 0);

    void **outs = malloc((size_t)n * sizeof *outs);
    size_t *sizes = malloc((size_t)n * sizeof *sizes);
    size_t total = 0;
    for (int64_t i = 0; i < n; i++) {
        fst24_elem_type t;
        size_t c;
        fst24_record_data_layout(&recs[i], &t, &c);
        sizes[i] = c * fst24_elem_size(t);
        outs[i] = malloc(sizes[i] ? sizes[i] : 1);
        total += sizes[i];
    }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    for (int threads = 1; threads <= ncpu; threads *= 2) {
        double best = 1e30;
        for (int rep = 0; rep < 3; rep++) {
            t0 = now();
            if (fst24_read_many(recs, outs, sizes, n, NULL, threads, NULL)) return die("read_many");
            double t = now() - t0;
            if (t < best) best = t;
        }
        printf("read all records, %d thread(s): %.3f s, %.0f MB/s of decoded output\n", threads, best,
               (double)total / best / 1e6);
    }
    for (int64_t i = 0; i < n; i++) free(outs[i]);
    free(outs);
    free(sizes);
    free(recs);
    fst24_close(f);
    return 0;
}
