/* Benchmark of the level and date conversions on arrays of 1 M values (one
 * core): IP decode/encode/format, stamps <-> Unix seconds. Prints the best
 * of several runs in ms and ns per value.
 * Usage: bench_levels [N] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fst24.h"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next_u32(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static void report(const char *what, double best_ms, size_t n) {
    printf("%-34s %9.2f ms  %7.2f ns/value\n", what, best_ms, best_ms * 1e6 / (double)n);
}

#define RUNS 7
#define TIME(what, n, stmt)                                                                                            \
    do {                                                                                                               \
        double best = 1e30;                                                                                            \
        for (int r_ = 0; r_ < RUNS; r_++) {                                                                            \
            double t0_ = now_ms();                                                                                     \
            stmt;                                                                                                      \
            double t_ = now_ms() - t0_;                                                                                \
            if (t_ < best) best = t_;                                                                                  \
        }                                                                                                              \
        report(what, best, n);                                                                                         \
    } while (0)

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 1000000;
    int32_t *ips = malloc(n * sizeof *ips), *ips2 = malloc(n * sizeof *ips2);
    float *vals = malloc(n * sizeof *vals);
    int *kinds = malloc(n * sizeof *kinds);
    int32_t *stamps = malloc(n * sizeof *stamps), *stamps2 = malloc(n * sizeof *stamps2);
    int64_t *secs = malloc(n * sizeof *secs);
    uint8_t *valid = malloc(n);
    if (!ips || !ips2 || !vals || !kinds || !stamps || !stamps2 || !secs || !valid) return 1;

    /* ip1 values as in model output: mostly new-style hybrid / Gal-Chen /
     * pressure / height levels, some old-style codes. */
    static const int level_kinds[4] = {5, 21, 2, 4};
    for (size_t i = 0; i < n; i++) {
        uint32_t r = next_u32();
        if (r % 10 < 8) {
            int k = level_kinds[r % 4];
            float v = k == 5    ? (float)(next_u32() % 1000000) / 1e6f
                      : k == 21 ? (float)(next_u32() % 3000000) / 100.f
                      : k == 2  ? (float)(next_u32() % 100000) / 100.f
                                : (float)(next_u32() % 10000) / 10.f;
            fst24_ip_encode(v, k, FST24_IP_NEW, &ips[i]);
        } else {
            ips[i] = (int32_t)(next_u32() % 32768);
        }
    }
    /* Stamps: 90 % new (2000..2030), 5 % old, 5 % extended. */
    for (size_t i = 0; i < n; i++) {
        uint32_t r = next_u32() % 20;
        int64_t sec = r < 18   ? 946684800LL + (int64_t)(next_u32() % 946684800u)
                      : r < 19 ? 315532800LL + 3600LL * (next_u32() % 170000)
                               : -2208988800LL - 3600LL * (next_u32() % 1000000);
        fst24_epoch_to_stamp(sec, 0, &stamps[i]);
    }

    printf("levels and dates, %zu values, best of %d runs\n", n, RUNS);
    TIME("ip decode_many", n, fst24_ip_decode_many(ips, n, vals, kinds));
    TIME("ip encode_many (new style)", n, fst24_ip_encode_many(vals, kinds, n, FST24_IP_NEW, ips2));
    {
        size_t m = n / 10;
        char buf[32];
        TIME("ip format (1/10 of the values)", m,
             for (size_t i = 0; i < m; i++) fst24_ip_format(ips[i], buf, sizeof buf));
    }
    TIME("stamps_to_epoch", n, fst24_stamps_to_epoch(stamps, n, secs, valid));
    TIME("epochs_to_stamps", n, fst24_epochs_to_stamps(secs, n, 0, stamps2, valid));
    {
        int32_t d, t;
        TIME("stamp_to_printable", n, for (size_t i = 0; i < n; i++) fst24_stamp_to_printable(stamps[i], &d, &t));
    }
    {
        int32_t o;
        TIME("stamp_add_hours (incdatr)", n, for (size_t i = 0; i < n; i++) fst24_stamp_add_hours(stamps[i], 6.0, &o));
    }

    /* Consistency, so the work cannot be optimised away. */
    size_t same = 0;
    for (size_t i = 0; i < n; i++) same += stamps2[i] == stamps[i];
    printf("check: %zu of %zu stamps round-tripped\n", same, n);
    free(ips);
    free(ips2);
    free(vals);
    free(kinds);
    free(stamps);
    free(stamps2);
    free(secs);
    free(valid);
    return 0;
}
