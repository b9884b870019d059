/* fst24_record_quant_error: for every lossy encoding the bound holds at every
 * point of a written-and-read-back field, and is tight (the largest error
 * reaches a good part of it); lossless encodings report 0; damaged headers
 * are refused. */
#include <math.h>
#include <unistd.h>

#include "codec/codec.h"
#include "testutil.h"

enum { NI = 64, NJ = 48, N = NI * NJ };

typedef struct kase {
    int datyp, nbits;
    int f64; /* binary64 input */
    int lossless;
} kase;

static const kase cases[] = {
    {1, 8, 0, 0},  {1, 12, 0, 0}, {1, 16, 0, 0},  {1, 24, 0, 0},  {6, 8, 0, 0},    {6, 12, 0, 0},
    {6, 16, 0, 0}, {134, 12, 0, 0}, {134, 16, 0, 0}, {129, 16, 0, 0}, {5, 16, 0, 0}, {5, 24, 0, 0},
    {133, 20, 0, 0}, {133, 24, 0, 0}, {5, 32, 0, 1}, {133, 32, 0, 1}, {5, 64, 1, 1},  {2, 16, 0, 1},
    {4, 12, 0, 1},
};

int main(void) {
    char path[1024];
    snprintf(path, sizeof path, "%s/test_quant_error_%d.fst", tu_tmpdir(), (int)getpid());
    static float xf[N];
    static double xd[N];
    static int32_t xi[N];
    uint64_t seed = 20240115;
    for (int i = 0; i < NI; i++)
        for (int j = 0; j < NJ; j++) {
            double noise = (double)(tu_xorshift(&seed) % 1000000) / 1e6;
            double v = 120 + 150 * sin(i / 7.0) * cos(j / 5.0) + 30 * noise;
            xd[i + NI * j] = v;
            xf[i + NI * j] = (float)v;
            xi[i + NI * j] = (int32_t)(v * 3) + 200; /* 0..2047: fits datyp 2 and 4 */
        }
    fst24_file *f;
    CHECK_OK(fst24_open(path, FST24_MODE_CREATE, NULL, &f));
    int n = (int)(sizeof cases / sizeof cases[0]);
    for (int k = 0; k < n; k++) {
        fst24_record r;
        fst24_record_init(&r);
        r.ni = NI;
        r.nj = NJ;
        r.ip1 = k;
        r.data_type = cases[k].datyp;
        r.pack_bits = cases[k].nbits;
        int base = cases[k].datyp & 0x3F;
        const void *data = base == 2 || base == 4 ? (const void *)xi : cases[k].f64 ? (const void *)xd : (const void *)xf;
        fst24_elem_type t = base == 2 || base == 4 ? FST24_ELEM_I32 : cases[k].f64 ? FST24_ELEM_F64 : FST24_ELEM_F32;
        if (base == 2) t = FST24_ELEM_I32;
        CHECK_OK(fst24_write(f, &r, data, t, FST24_REWRITE_NO, NULL));
    }
    CHECK_OK(fst24_close(f));

    CHECK_OK(fst24_open(path, FST24_MODE_READ, NULL, &f));
    for (int k = 0; k < n; k++) {
        fst24_record r;
        CHECK_OK(fst24_get_record(f, k, &r));
        double abs_err = -1, rel_err = -1;
        CHECK_OK(fst24_record_quant_error(&r, &abs_err, &rel_err));
        int base = cases[k].datyp & 0x3F;
        double worst_excess = -INFINITY, max_err = 0, max_bound = 0;
        if (base == 2 || base == 4) {
            int32_t got[N];
            CHECK_OK(fst24_read_data(&r, got, sizeof got, NULL));
            for (int i = 0; i < N; i++) max_err = fmax(max_err, fabs((double)got[i] - xi[i]));
            worst_excess = max_err;
        } else if (cases[k].f64) {
            static double got[N];
            CHECK_OK(fst24_read_data(&r, got, sizeof got, NULL));
            for (int i = 0; i < N; i++) {
                double e = fabs(got[i] - xd[i]), b = abs_err + rel_err * fabs(got[i]);
                worst_excess = fmax(worst_excess, e - b);
                max_err = fmax(max_err, e);
                max_bound = fmax(max_bound, b);
            }
        } else {
            static float got[N];
            CHECK_OK(fst24_read_data(&r, got, sizeof got, NULL));
            for (int i = 0; i < N; i++) {
                double e = fabs((double)got[i] - xf[i]), b = abs_err + rel_err * fabs((double)got[i]);
                worst_excess = fmax(worst_excess, e - b);
                max_err = fmax(max_err, e);
                max_bound = fmax(max_bound, b);
            }
        }
        int ok = worst_excess <= 0;
        CHECK(ok);
        if (cases[k].lossless) {
            CHECK(abs_err == 0 && rel_err == 0 && max_err == 0);
        } else {
            /* tight: the largest error is a good part of the bound */
            CHECK(max_err >= 0.25 * max_bound && max_bound > 0);
        }
        if (!ok || (!cases[k].lossless && max_err < 0.25 * max_bound))
            fprintf(stderr, "  datyp %d (stored %d) nbits %d: abs %g rel %g, max error %g, max bound %g\n",
                    cases[k].datyp, r.data_type, r.pack_bits, abs_err, rel_err, max_err, max_bound);
    }
    CHECK_OK(fst24_close(f));
    unlink(path);

    /* damaged headers are refused, never trusted */
    fst_codec_desc d = {1, 16, 32, 10, 10, 1};
    uint32_t w[8] = {0x12300000u, 0, 0, 0, 0, 0, 0, 0};
    double a, r;
    CHECK(fst_codec_quant_error(w, 8, &d, &a, &r) == FST24_E_DECODE);
    CHECK(fst_codec_quant_error(w, 2, &d, &a, &r) == FST24_E_DECODE);
    d.datyp = 6;
    CHECK(fst_codec_quant_error(w, 8, &d, &a, &r) == FST24_E_DECODE);
    d.datyp = 134;
    CHECK(fst_codec_quant_error(w, 3, &d, &a, &r) == FST24_E_DECODE);
    d.datyp = 37;
    CHECK(fst_codec_quant_error(w, 8, &d, &a, &r) == FST24_E_UNSUPPORTED);
    fst24_record none;
    fst24_record_init(&none);
    CHECK(fst24_record_quant_error(&none, &a, &r) != FST24_OK);
    CHECK(fst24_record_quant_error(NULL, &a, &r) == FST24_E_INVALID);
    return tu_finish();
}
