/* Codec throughput: decode and encode speed (MB/s of unpacked output) per
 * datyp/nbits on 2000 x 2000 fields, next to memcpy of the same output size in
 * the same run. One thread. Usage: bench_codecs [reps] [ni nj] */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec/codec.h"
#include "fst24.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rs = 0x243F6A8885A308D3ull;
static double unif(void) {
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (double)(rs >> 11) * (1.0 / 9007199254740992.0);
}

static volatile uint32_t sink;

/* Two-thread decode of one record through fst_codec_decode_range. */
typedef struct range_job {
    const uint32_t *w;
    size_t nw, first, count;
    const fst_codec_desc *d;
    void *out;
    fst24_elem_type t;
    int rc;
} range_job;

static void *range_worker(void *arg) {
    range_job *j = arg;
    j->rc = fst_codec_decode_range(j->w, j->nw, j->d, j->first, j->count, j->out, j->t);
    return NULL;
}

static double decode_threads(const uint32_t *w, size_t nw, const fst_codec_desc *d, void *out, fst24_elem_type t,
                             size_t count, int nthreads) {
    range_job jobs[8];
    pthread_t th[8];
    size_t es = fst24_elem_size(t), per = (count + (size_t)nthreads - 1) / (size_t)nthreads;
    double t0 = now();
    for (int k = 0; k < nthreads; k++) {
        size_t first = (size_t)k * per, c = first < count ? (count - first < per ? count - first : per) : 0;
        jobs[k] = (range_job){w, nw, first, c, d, (char *)out + first * es, t, 0};
        pthread_create(&th[k], NULL, range_worker, &jobs[k]);
    }
    for (int k = 0; k < nthreads; k++) pthread_join(th[k], NULL);
    double t1 = now();
    for (int k = 0; k < nthreads; k++)
        if (jobs[k].rc) return -1;
    return t1 - t0;
}

int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    int ni = argc > 3 ? atoi(argv[2]) : 2000, nj = argc > 3 ? atoi(argv[3]) : 2000;
    size_t n = (size_t)ni * nj;
    float *f = malloc(n * 4);
    double *d = malloc(n * 8);
    uint32_t *u = malloc(n * 4);
    for (int j = 0; j < nj; j++)
        for (int i = 0; i < ni; i++) {
            double x = 280.0 + 20.0 * sin(6.283 * 2 * i / ni) * cos(6.283 * j / nj) + 0.05 * (unif() - 0.5);
            f[(size_t)j * ni + i] = (float)x;
            d[(size_t)j * ni + i] = x;
            u[(size_t)j * ni + i] = (uint32_t)((i * 3 + j * 5) & 0xFFF);
        }
    struct {
        int datyp, nbits;
        fst24_elem_type t;
        const void *in;
        const char *what;
    } cases[] = {
        {1, 8, FST24_ELEM_F32, f, "R8"},     {1, 12, FST24_ELEM_F32, f, "R12"},   {1, 16, FST24_ELEM_F32, f, "R16"},
        {1, 24, FST24_ELEM_F32, f, "R24"},   {5, 32, FST24_ELEM_F32, f, "E32"},   {5, 24, FST24_ELEM_F32, f, "E24"},
        {5, 16, FST24_ELEM_F32, f, "E16"},   {5, 64, FST24_ELEM_F64, d, "E64"},   {6, 16, FST24_ELEM_F32, f, "F16"},
        {6, 12, FST24_ELEM_F32, f, "F12"},   {134, 16, FST24_ELEM_F32, f, "f16"}, {134, 12, FST24_ELEM_F32, f, "f12"},
        {129, 16, FST24_ELEM_F32, f, "r16"}, {133, 32, FST24_ELEM_F32, f, "e32"}, {133, 16, FST24_ELEM_F32, f, "e16"},
        {2, 12, FST24_ELEM_U32, u, "I12"},   {2, 16, FST24_ELEM_U32, u, "I16"},   {2, 32, FST24_ELEM_U32, u, "I32"},
        {4, 16, FST24_ELEM_U32, u, "S16"},   {130, 12, FST24_ELEM_U32, u, "i12"},
    };
    void *out = malloc(n * 8), *ref = malloc(n * 8);
    memset(ref, 1, n * 8);
    memset(out, 0, n * 8);
    printf("# %d x %d, best of %d; MB/s of unpacked output (1 MB = 1e6 bytes)\n", ni, nj, reps);
    printf("%-5s %5s %5s %10s %10s %10s %8s %8s\n", "type", "datyp", "nbits", "decode", "encode", "memcpy", "dec/cpy",
           "ratio");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        fst_codec_desc req = {cases[c].datyp, cases[c].nbits, cases[c].t == FST24_ELEM_F64 ? 64 : 32, ni, nj, 1}, st;
        uint32_t *w = NULL;
        size_t nw = 0;
        double best_enc = 1e30, best_dec = 1e30, best_cpy = 1e30;
        for (int r = 0; r < reps; r++) {
            free(w);
            double t0 = now();
            if (fst_codec_encode(cases[c].in, cases[c].t, &req, 0, &st, &w, &nw) != FST24_OK) {
                fprintf(stderr, "%s: %s\n", cases[c].what, fst24_last_error());
                return 1;
            }
            double t1 = now();
            best_enc = t1 - t0 < best_enc ? t1 - t0 : best_enc;
        }
        fst24_elem_type t;
        size_t count;
        fst_codec_layout(&st, &t, &count);
        size_t bytes = count * fst24_elem_size(t);
        for (int r = 0; r < reps; r++) {
            double t0 = now();
            if (fst_codec_decode(w, nw, &st, out, t, count, 0) != FST24_OK) {
                fprintf(stderr, "%s: %s\n", cases[c].what, fst24_last_error());
                return 1;
            }
            double t1 = now();
            memcpy(out, ref, bytes);
            sink += ((uint32_t *)out)[r];
            double t2 = now();
            best_dec = t1 - t0 < best_dec ? t1 - t0 : best_dec;
            best_cpy = t2 - t1 < best_cpy ? t2 - t1 : best_cpy;
        }
        printf("%-5s %5d %5d %10.0f %10.0f %10.0f %7.0f%% %8.2f\n", cases[c].what, st.datyp, st.nbits,
               bytes / best_dec / 1e6, bytes / best_enc / 1e6, bytes / best_cpy / 1e6, 100.0 * best_cpy / best_dec,
               (double)bytes / (4.0 * (double)nw));
        free(w);
    }
    /* One large record decoded by two threads (block ranges), uncompressed types. */
    printf("\n%-5s %5s %5s %10s %10s\n", "type", "datyp", "nbits", "1 thread", "2 threads");
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        fst_codec_desc req = {cases[c].datyp, cases[c].nbits, cases[c].t == FST24_ELEM_F64 ? 64 : 32, ni, nj, 1}, st;
        if (cases[c].datyp & 128) continue;
        uint32_t *w = NULL;
        size_t nw = 0;
        if (fst_codec_encode(cases[c].in, cases[c].t, &req, 0, &st, &w, &nw) != FST24_OK) return 1;
        fst24_elem_type t;
        size_t count;
        fst_codec_layout(&st, &t, &count);
        double b1 = 1e30, b2 = 1e30;
        for (int r = 0; r < reps; r++) {
            double t1 = decode_threads(w, nw, &st, out, t, count, 1);
            double t2 = decode_threads(w, nw, &st, out, t, count, 2);
            if (t1 < 0 || t2 < 0) return 1;
            b1 = t1 < b1 ? t1 : b1;
            b2 = t2 < b2 ? t2 : b2;
        }
        size_t bytes = count * fst24_elem_size(t);
        printf("%-5s %5d %5d %10.0f %10.0f\n", cases[c].what, st.datyp, st.nbits, bytes / b1 / 1e6, bytes / b2 / 1e6);
        free(w);
    }
    free(f);
    free(d);
    free(u);
    free(out);
    free(ref);
    return 0;
}
