/* Benchmark of record filters (fst24_filter_match) over N in-memory record
 * headers shaped like model output (variables x levels x lead times, mixed
 * old- and new-style level codes): the post-filter cost a `--where` adds to a
 * listing. Prints the best of several runs in ms and ns per record.
 * Usage: bench_filter [N] */
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

int main(int argc, char **argv) {
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 1000000;
    fst24_record *recs = malloc(n * sizeof *recs);
    if (!recs) return 1;
    static const char *names[] = {"TT", "UU", "VV", "GZ", "HU", "WW", "ES", "P0"};
    static const float levels[] = {1000, 925, 850, 700, 500, 400, 300, 250, 200, 100};
    int32_t base;
    fst24_iso_to_stamp("2024-01-15T00:00", 0, &base);
    for (size_t i = 0; i < n; i++) {
        fst24_record *r = &recs[i];
        fst24_record_init(r);
        fst24_record_set_string(r, "nomvar", names[i % 8]);
        fst24_record_set_string(r, "etiket", "R1_V710_N");
        fst24_ip_encode(levels[(i / 8) % 10], 2, (i / 80) % 2 ? FST24_IP_OLD : FST24_IP_NEW, &r->ip1);
        int hour = (int)((i / 160) % 49);
        r->ip2 = hour;
        r->deet = 300;
        r->npas = hour * 12;
        fst24_stamp_add_hours(base, hour, &r->datev);
        r->dateo = base;
    }
    const char *specs[] = {"nomvar=TT", "nomvar=TT,UU,VV,ip1=500mb", "ip1=850mb..250mb,ip2=0..24",
                           "ip2=6h..12h,etiket=R1*", "datev=2024-01-15T06:00..2024-01-16T00:00,nomvar=GZ"};
    printf("%zu records\n", n);
    for (size_t s = 0; s < sizeof specs / sizeof specs[0]; s++) {
        fst24_filter *f;
        if (fst24_filter_new(&f) || fst24_filter_parse(f, specs[s])) {
            printf("%s: %s\n", specs[s], fst24_last_error());
            return 1;
        }
        double best = 1e30;
        size_t hits = 0;
        for (int run = 0; run < 7; run++) {
            double t0 = now_ms();
            hits = 0;
            for (size_t i = 0; i < n; i++) hits += (size_t)fst24_filter_match(f, &recs[i]);
            double t = now_ms() - t0;
            if (t < best) best = t;
        }
        printf("%-52s %8zu hits %9.2f ms %7.1f ns/record\n", specs[s], hits, best, best * 1e6 / (double)n);
        fst24_filter_free(f);
    }
    free(recs);
    return 0;
}
