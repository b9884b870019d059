/* Benchmark of the metadata index in C (no Python): open + directory read,
 * the index of one file with header columns only and with the decoded ones,
 * and the index of many files with 1 and 2 threads. Prints the best and the
 * median of several runs (warm page cache).
 * Usage: bench_index FILE [FILE...]   (one file: single-file timings; several:
 * also the multi-file timings over all of them) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fst24/index.h"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of the whole process: on a shared machine, less disturbed by the
 * other processes than the wall clock (equal to it for one busy thread). */
static double cpu_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#define RUNS 11

static int64_t build(const char *const *paths, int64_t n, int threads, uint64_t columns, int64_t *bytes) {
    fst24_index_options o = {.threads = threads, .columns = columns};
    fst24_index *ix = NULL;
    if (fst24_index_new(&o, &ix) || fst24_index_add_paths(ix, paths, n, 0)) {
        fprintf(stderr, "bench_index: %s\n", fst24_last_error());
        exit(1);
    }
    fst24_index_column c;
    fst24_index_get_column(ix, FST24_COL_KEY, &c); /* merge (multi-file) */
    int64_t rows = fst24_index_num_rows(ix);
    if (bytes) *bytes = fst24_index_memory(ix);
    fst24_index_free(ix);
    return rows;
}

static double cpu[RUNS];

static void report(const char *what, double *t, int64_t rows) {
    qsort(t, RUNS, sizeof *t, cmp_double);
    qsort(cpu, RUNS, sizeof *cpu, cmp_double);
    printf("%-42s wall %7.2f ms (median %7.2f)  cpu %7.2f ms  %6.1f ns/record\n", what, t[0], t[RUNS / 2], cpu[0],
           t[0] * 1e6 / (double)rows);
}

#define TIMED(r, stmt)                 \
    do {                               \
        double t0_ = now_ms(), c0_ = cpu_ms(); \
        stmt;                          \
        t[r] = now_ms() - t0_;         \
        cpu[r] = cpu_ms() - c0_;       \
    } while (0)

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench_index FILE [FILE...]\n");
        return 2;
    }
    const char *const *paths = (const char *const *)argv + 1;
    int64_t nfiles = argc - 1;
    double t[RUNS];
    int64_t rows = 0, bytes = 0;

    fst24_file *f = NULL;
    for (int r = 0; r < RUNS; r++) {
        TIMED(r, {
            if (fst24_open(paths[0], FST24_MODE_READ, NULL, &f)) {
                fprintf(stderr, "bench_index: %s\n", fst24_last_error());
                return 1;
            }
            rows = fst24_num_records(f);
            fst24_close(f);
        });
    }
    printf("%s: %lld records\n", paths[0], (long long)rows);
    report("open + directory + close", t, rows);
    for (int r = 0; r < RUNS; r++) TIMED(r, build(paths, 1, 1, FST24_INDEX_HEADER_COLUMNS, &bytes));
    report("index, header columns, 1 thread", t, rows);
    printf("%-44s %8.1f bytes/record\n", "  memory", (double)bytes / (double)rows);
    for (int r = 0; r < RUNS; r++) TIMED(r, build(paths, 1, 1, 0, &bytes));
    report("index, header + decoded columns, 1 thread", t, rows);
    printf("%-44s %8.1f bytes/record\n", "  memory", (double)bytes / (double)rows);
    if (nfiles > 1) {
        for (int threads = 1; threads <= 2; threads++) {
            for (int r = 0; r < RUNS; r++) TIMED(r, rows = build(paths, nfiles, threads, 0, NULL));
            char what[64];
            snprintf(what, sizeof what, "%lld files, decoded, %d thread%s", (long long)nfiles, threads,
                     threads > 1 ? "s" : "");
            report(what, t, rows);
        }
    }
    return 0;
}
