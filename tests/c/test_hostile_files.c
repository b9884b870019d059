/* Damaged files never crash the library: corpus files with random bytes
 * flipped (header, directory, descriptors, payloads) or cut short are opened,
 * searched and fully decoded; every call must return a status (run under
 * AddressSanitizer in CI to catch out-of-bounds accesses). Deterministic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fst24.h"
#include "testutil.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) { return tu_xorshift(&rng_state); }


/* Open, list, decode everything; returns how many records decoded. */
static int exercise(const char *path, int *errors) {
    fst24_file *f;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f) != FST24_OK) {
        if (!*fst24_last_error()) (*errors)++; /* a failure must say why */
        return 0;
    }
    fst24_query *q;
    int decoded = 0;
    if (fst24_query_new(f, NULL, NULL, &q) == FST24_OK) {
        fst24_record r;
        while (fst24_query_next(q, &r) == 1) {
            fst24_elem_type t;
            size_t count;
            if (fst24_record_data_layout(&r, &t, &count) != FST24_OK) continue;
            size_t bytes = count * fst24_elem_size(t);
            if (bytes > ((size_t)1 << 28)) continue; /* absurd header: not worth allocating */
            void *buf = malloc(bytes ? bytes : 1);
            int st = fst24_read_data(&r, buf, bytes, NULL);
            if (st == FST24_OK) decoded++;
            else if (!*fst24_last_error()) (*errors)++;
            free(buf);
            size_t len = 0;
            fst24_read_ext_meta(&r, NULL, 0, &len);
        }
        fst24_query_free(q);
    }
    fst24_close(f);
    return decoded;
}

int main(void) {
    const char *tmp = tu_tmpdir();
    const char *corpus_files[] = {"ref/types.xdf.fst", "ref/types.rsf.fst", "ref/meta.rsf.fst",
                                  "ref/append.rsf.fst", "ref/grids.xdf.fst",
                                  "real/ECCC-ASTD-MRD_fst-tools__utils_zcrop_sous-grille.fst", NULL};
    /* Without the corpus, the same mutations of the fixtures fst24 wrote itself (tests/data). */
    const char *fixture_files[] = {"types.xdf.fst", "types.rsf.fst", "meta.rsf.fst", "sessions.rsf.fst",
                                   "grids.xdf.fst", "model.xdf.fst", NULL};
    int with_corpus = tu_corpus_part("mutations of librmn-written and real files (fixtures used instead)");
    const char *corpus = with_corpus ? tu_corpus() : tu_testdata();
    const char **files = with_corpus ? corpus_files : fixture_files;
    int errors = 0;
    /* FST24_HOSTILE_ITER raises the count for longer local runs */
    int iterations = getenv("FST24_HOSTILE_ITER") ? atoi(getenv("FST24_HOSTILE_ITER")) : 150;
    char out[1024];
    snprintf(out, sizeof out, "%s/hostile.fst", tmp);
    for (size_t k = 0; files[k]; k++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", corpus, files[k]);
        size_t n;
        unsigned char *orig = tu_slurp(path, &n);
        if (!orig) { fprintf(stderr, "missing source file %s\n", path); tu_failed++; continue; }
        int baseline_errors = 0;
        int baseline = exercise(path, &baseline_errors);
        if (baseline > 0) tu_passed++; else { tu_failed++; fprintf(stderr, "%s: nothing decoded\n", path); }
        unsigned char *buf = malloc(n);
        for (int iter = 0; iter < iterations; iter++) {
            memcpy(buf, orig, n);
            size_t len = n;
            int kind = (int)(rnd() % 4);
            if (kind == 0) {
                len = (size_t)(rnd() % n); /* truncation */
            } else {
                /* flips concentrated in the first 40 KiB (headers, directory, descriptors) or anywhere */
                int nflip = 1 + (int)(rnd() % 8);
                for (int j = 0; j < nflip; j++) {
                    size_t span = kind == 1 && n > 40960 ? 40960 : n;
                    size_t pos = (size_t)(rnd() % span);
                    buf[pos] = kind == 3 ? (unsigned char)rnd() : (unsigned char)(buf[pos] ^ (1u << (rnd() % 8)));
                }
            }
            tu_write_file(out, buf, len);
            exercise(out, &errors);
            tu_passed++;
        }
        free(buf);
        free(orig);
    }
    if (errors) {
        fprintf(stderr, "%d failures returned without a message\n", errors);
        tu_failed++;
    }
    unlink(out);
    return tu_finish();
}
