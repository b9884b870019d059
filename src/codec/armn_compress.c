/* armn_compress: MINIMUM, PARALLELOGRAM (Lorenzo) and legacy SAMPLE
 * predictors over 16-bit token grids (docs/format/data-types.md#armn-compress). */
#include "codec/armn_compress.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "codec/bits.h"
#include "common/error.h"

enum { PRED_SAMPLE = 1, PRED_MINIMUM = 3, PRED_PARALLELOGRAM = 4 };

typedef struct armn_header {
    int predictor, degree, step, nbits, levels, version;
} armn_header;

static void parse_header(uint32_t h, armn_header *a) {
    a->predictor = (int)(h & 0xF);
    a->degree = (int)((h >> 4) & 0x7);
    a->step = (int)((h >> 7) & 0x7);
    a->nbits = (int)((h >> 10) & 0x1F);
    a->levels = (int)((h >> 15) & 0x7);
    a->version = (int)((h >> 18) & 0x3F);
}

static uint32_t make_header(int predictor, int degree, int step, int nbits) {
    return (uint32_t)predictor | (uint32_t)degree << 4 | (uint32_t)step << 7 | (uint32_t)nbits << 10 | 1u << 15;
}

/* ------------------------------------------------------------------ MINIMUM */

static int decode_minimum(fst_bitreader *r, int64_t ni, int64_t nj, int step, int nbits, uint16_t *t) {
    for (int64_t j0 = 0; j0 < nj; j0 += step) {
        int64_t j1 = j0 + step < nj ? j0 + step : nj;
        for (int64_t i0 = 0; i0 < ni; i0 += step) {
            int64_t i1 = i0 + step < ni ? i0 + step : ni;
            uint32_t c = fst_br_get(r, 4);
            if (c == 0) {
                uint16_t lo = (uint16_t)fst_br_get(r, nbits);
                for (int64_t j = j0; j < j1; j++)
                    for (int64_t i = i0; i < i1; i++) t[j * ni + i] = lo;
            } else if (c >= 15) {
                for (int64_t j = j0; j < j1; j++)
                    for (int64_t i = i0; i < i1; i++) t[j * ni + i] = (uint16_t)fst_br_get(r, 16);
            } else {
                uint32_t lo = fst_br_get(r, nbits);
                for (int64_t j = j0; j < j1; j++)
                    for (int64_t i = i0; i < i1; i++) t[j * ni + i] = (uint16_t)(fst_br_get(r, (int)c) + lo);
            }
            if (fst_br_overrun(r)) return FST24_E_DECODE;
        }
    }
    return FST24_OK;
}

/* ------------------------------------------------------------------ PARALLELOGRAM */

/* Residuals are stored modulo 2^16 in t, then the Lorenzo prediction is undone
 * in raster order (all arithmetic modulo 2^16, as the reconstruction). */
static void lorenzo_undo16(uint16_t *t, int64_t ni, int64_t nj) {
    for (int64_t j = 1; j < nj; j++) {
        uint16_t *row = t + j * ni;
        const uint16_t *prev = row - ni;
        /* t(i,j) = r + t(i-1,j) + (t(i,j-1) - t(i-1,j-1)): a prefix sum of d(i). */
        for (int64_t i = 1; i < ni; i++) row[i] = (uint16_t)(row[i] + prev[i] - prev[i - 1]);
        uint16_t acc = row[0];
        for (int64_t i = 1; i < ni; i++) {
            acc = (uint16_t)(acc + row[i]);
            row[i] = acc;
        }
    }
}

static int decode_parallelogram(fst_bitreader *r, int64_t ni, int64_t nj, int step, int nbits, uint16_t *t) {
    int cw = (int)fst_br_get(r, 3);
    for (int64_t i = 0; i < ni; i++) t[i] = (uint16_t)fst_br_get(r, nbits);
    for (int64_t j = 1; j < nj; j++) t[j * ni] = (uint16_t)fst_br_get(r, nbits);
    if (fst_br_overrun(r)) return FST24_E_DECODE;
    for (int64_t j0 = 1; j0 < nj; j0 += step) {
        int64_t j1 = j0 + step < nj ? j0 + step : nj;
        for (int64_t i0 = 1; i0 < ni; i0 += step) {
            int64_t i1 = i0 + step < ni ? i0 + step : ni;
            uint32_t c = fst_br_get(r, cw);
            uint16_t *p0 = t + j0 * ni + i0;
            if (c == 0) {
                for (int64_t j = j0; j < j1; j++, p0 += ni)
                    for (int64_t i = 0; i < i1 - i0; i++) p0[i] = 0;
                continue;
            }
            int w = (c == 15 || c == 16) ? 17 : (int)c + 1;
            if (w > 32) return FST24_E_DECODE;
            fst_br_get_tile(r, w, p0, ni, j1 - j0, i1 - i0, 0);
        }
        if (fst_br_overrun(r)) return FST24_E_DECODE;
    }
    lorenzo_undo16(t, ni, nj);
    return FST24_OK;
}

/* ------------------------------------------------------------------ SAMPLE (legacy) */

static int64_t ajus(int64_t a, int step) { return (a - 1) % step; }
static int64_t coarse_n(int64_t a, int step) { return (a + step - 1) / step + (ajus(a, step) ? 1 : 0); }
/* Fine index (0-based) of coarse node c (0-based). */
static int64_t coarse_pos(int64_t c, int64_t nc, int64_t a, int step) { return c == nc - 1 ? a - 1 : c * step; }

/* Valid streams stay far inside +-2^30; clamping only keeps garbage streams
 * away from undefined conversions and overflow. */
#define SAMPLE_LIM 1073741824.0
static int32_t rnd_cubic(double z) {
    double r = z >= 0 ? trunc(z + 0.5001) : trunc(z - 0.5001);
    if (!(r > -SAMPLE_LIM)) r = -SAMPLE_LIM;
    if (r > SAMPLE_LIM) r = SAMPLE_LIM;
    return (int32_t)r;
}
static int32_t add_clamped(int32_t a, int32_t b) {
    int64_t v = (int64_t)a + b;
    return (int32_t)(v < -(int64_t)SAMPLE_LIM  ? -(int64_t)SAMPLE_LIM
                     : v > (int64_t)SAMPLE_LIM ? (int64_t)SAMPLE_LIM
                                               : v);
}

static double cubic(double z1, double z2, double z3, double z4, double u) {
    return z2 + (u * (6 * (u * (2 * (u * ((z4 - z1) + 3 * (z2 - z3))) + 18 * ((z1 + z3) - 2 * z2))) +
                      108 * (((6 * z3 - z4) - 3 * z2) - 2 * z1))) *
                    (1.0 / 1944);
}

/* Grid helpers with 1-based indices as in the description. */
#define G(i, j) g[((j)-1) * a + ((i)-1)]

static void fill(int32_t *g, int64_t a, int64_t b, const int32_t *gc, int64_t ac, int64_t bc, int step) {
    for (int64_t cj = 0; cj < bc; cj++)
        for (int64_t ci = 0; ci < ac; ci++)
            g[coarse_pos(cj, bc, b, step) * a + coarse_pos(ci, ac, a, step)] = gc[cj * ac + ci];
}

static void interp_row(int32_t *g, int64_t a, int64_t j, int64_t imax, int64_t ilim, int64_t ax) {
    for (int64_t i = 1; i <= imax; i += 3) {
        int64_t iref = i < 4 ? 4 : i;
        if (iref > ilim) iref = ilim;
        if (iref - 3 < 1) continue;
        int64_t i4 = iref + 6 < a ? iref + 6 : a;
        double z1 = G(iref - 3, j), z2 = G(iref, j), z3 = G(iref + 3, j), z4 = G(i4, j);
        if (i + 1 <= a) G(i + 1, j) = rnd_cubic(cubic(z1, z2, z3, z4, (double)(i + 1 - iref)));
        if (i + 2 <= a) G(i + 2, j) = rnd_cubic(cubic(z1, z2, z3, z4, (double)(i + 2 - iref)));
    }
    if (ax == 2 && a >= 3) G(a - 1, j) = rnd_cubic(0.5 * ((double)G(a, j) + G(a - 2, j)));
}

static void lims(int64_t a, int64_t ax, int64_t *mx, int64_t *lim) {
    if (ax == 0) {
        *mx = a - 3;
        *lim = *mx - 3;
    } else if (ax == 1) {
        *mx = *lim = a - 4;
    } else {
        *mx = *lim = a - 5;
    }
}

static void interp(int32_t *g, int64_t a, int64_t b, int step) {
    int64_t ax = ajus(a, step), ay = ajus(b, step), imax, ilim, jmax, jlim;
    lims(a, ax, &imax, &ilim);
    lims(b, ay, &jmax, &jlim);
    for (int64_t j = 1; j <= b - ay; j += 3) interp_row(g, a, j, imax, ilim, ax);
    for (int64_t j = b; j >= b - ay && j >= 1; j--) interp_row(g, a, j, imax, ilim, ax);
    for (int64_t j = 1; j <= jmax; j += 3) {
        int64_t jref = j < 4 ? 4 : j;
        if (jref > jlim) jref = jlim;
        if (jref - 3 < 1) continue;
        int64_t j4 = jref + 6 < b ? jref + 6 : b;
        for (int64_t i = 1; i <= a; i++) {
            double z1 = G(i, jref - 3), z2 = G(i, jref), z3 = G(i, jref + 3), z4 = G(i, j4);
            if (j + 1 <= b) G(i, j + 1) = rnd_cubic(cubic(z1, z2, z3, z4, (double)(j + 1 - jref)));
            if (j + 2 <= b) G(i, j + 2) = rnd_cubic(cubic(z1, z2, z3, z4, (double)(j + 2 - jref)));
        }
    }
    if (ay == 2 && b >= 3)
        for (int64_t i = 1; i <= a; i++) G(i, b - 1) = rnd_cubic(0.5 * ((double)G(i, b) + G(i, b - 2)));
}
#undef G

/* Difference block of an a x b grid: tile origins get 0. */
static int read_diffs(fst_bitreader *r, int32_t *d, int64_t a, int64_t b, int step) {
    int cw = (int)fst_br_get(r, 3);
    for (int64_t j0 = 0; j0 < b; j0 += step) {
        int64_t j1 = j0 + step < b ? j0 + step : b;
        for (int64_t i0 = 0; i0 < a; i0 += step) {
            int64_t i1 = i0 + step < a ? i0 + step : a;
            uint32_t c = fst_br_get(r, cw);
            int w = (c == 15 || c == 16) ? 17 : (int)c + 1;
            if (w > 32) return FST24_E_DECODE;
            for (int64_t j = j0; j < j1; j++)
                for (int64_t i = i0; i < i1; i++)
                    d[j * a + i] = (c == 0 || (i == i0 && j == j0)) ? 0 : fst_br_get_signed(r, w);
            if (fst_br_overrun(r)) return FST24_E_DECODE;
        }
    }
    return FST24_OK;
}

static int decode_sample(fst_bitreader *r, int64_t ni, int64_t nj, int step, int nbits, uint16_t *t) {
    if (step != 3 || ni < 2 || nj < 2) return FST24_E_DECODE;
    int64_t dims[4][2];
    dims[0][0] = ni;
    dims[0][1] = nj;
    for (int l = 1; l < 4; l++) {
        dims[l][0] = coarse_n(dims[l - 1][0], step);
        dims[l][1] = coarse_n(dims[l - 1][1], step);
        if (dims[l][0] < 2 || dims[l][1] < 2) return FST24_E_DECODE;
    }
    size_t total = (size_t)(ni * nj);
    int32_t *cur = malloc(total * sizeof(int32_t));
    int32_t *nxt = malloc(total * sizeof(int32_t));
    int32_t *dif = malloc(total * sizeof(int32_t));
    int rc = FST24_E_DECODE;
    if (!cur || !nxt || !dif) {
        rc = FST24_E_NOMEM;
        goto done;
    }
    /* Level 3 values. */
    int64_t a = dims[3][0], b = dims[3][1];
    for (int64_t k = 0; k < a * b; k++) cur[k] = (int32_t)fst_br_get(r, nbits);
    for (int l = 2; l >= 0; l--) {
        int64_t fa = dims[l][0], fb = dims[l][1];
        memset(nxt, 0, (size_t)(fa * fb) * sizeof(int32_t));
        fill(nxt, fa, fb, cur, a, b, step);
        interp(nxt, fa, fb, step);
        if (l > 0) fill(nxt, fa, fb, cur, a, b, step);
        if (read_diffs(r, dif, fa, fb, step)) goto done;
        for (int64_t k = 0; k < fa * fb; k++) nxt[k] = add_clamped(nxt[k], dif[k]);
        if (l == 0) {
            for (int64_t k = 0; k < fa * fb; k++) nxt[k] = nxt[k] < 0 ? 0 : nxt[k];
            fill(nxt, fa, fb, cur, a, b, step);
        }
        int32_t *sw = cur;
        cur = nxt;
        nxt = sw;
        a = fa;
        b = fb;
    }
    for (size_t k = 0; k < total; k++) t[k] = (uint16_t)cur[k];
    rc = fst_br_overrun(r) ? FST24_E_DECODE : FST24_OK;
done:
    free(cur);
    free(nxt);
    free(dif);
    return rc;
}

/* ------------------------------------------------------------------ entry points */

int fst_armn_decode(const uint32_t *z, size_t nz, int64_t ni, int64_t nj, uint16_t *tok) {
    return fst_armn_decode_ex(z, nz, ni, nj, tok, NULL);
}

int fst_armn_decode_ex(const uint32_t *z, size_t nz, int64_t ni, int64_t nj, uint16_t *tok, size_t *words) {
    if (nz < 1) return fst_error(FST24_E_DECODE, "compressed stream is empty");
    armn_header h;
    parse_header(z[0], &h);
    fst_bitreader r;
    fst_br_init(&r, z + 1, nz - 1, 0);
    if (h.nbits < 1 || h.nbits > 16 || h.step < 1)
        return fst_error(FST24_E_DECODE, "compressed stream header 0x%08X: nbits %d, step %d invalid", z[0], h.nbits,
                         h.step);
    int rc;
    switch (h.predictor) {
    case PRED_MINIMUM: rc = decode_minimum(&r, ni, nj, h.step, h.nbits, tok); break;
    case PRED_PARALLELOGRAM: rc = decode_parallelogram(&r, ni, nj, h.step, h.nbits, tok); break;
    case PRED_SAMPLE: rc = decode_sample(&r, ni, nj, h.step, h.nbits, tok); break;
    default:
        return fst_error(FST24_E_DECODE, "compressed stream header 0x%08X: unknown predictor %d", z[0], h.predictor);
    }
    if (rc == FST24_E_NOMEM) return fst_error(rc, "out of memory decoding a compressed stream");
    if (rc || fst_br_overrun(&r))
        return fst_error(FST24_E_DECODE,
                         "compressed stream (predictor %d, %lld x %lld, %zu words) is truncated or corrupt",
                         h.predictor, (long long)ni, (long long)nj, nz);
    if (words) *words = 1 + (size_t)((fst_br_pos(&r) + 31) / 32);
    return FST24_OK;
}

static void encode_minimum(fst_bitwriter *b, const uint16_t *t, int64_t ni, int64_t nj, int nbits) {
    const int step = 5;
    for (int64_t j0 = 0; j0 < nj && !b->err; j0 += step) {
        int64_t j1 = j0 + step < nj ? j0 + step : nj;
        for (int64_t i0 = 0; i0 < ni; i0 += step) {
            int64_t i1 = i0 + step < ni ? i0 + step : ni;
            uint32_t lo = 0xFFFF, hi = 0;
            for (int64_t j = j0; j < j1; j++)
                for (int64_t i = i0; i < i1; i++) {
                    uint32_t v = t[j * ni + i];
                    lo = v < lo ? v : lo;
                    hi = v > hi ? v : hi;
                }
            int c = fst_bitlen(hi - lo);
            if (c == 16) c = 15;
            fst_bw_put(b, (uint32_t)c, 4);
            if (c == 0) {
                fst_bw_put(b, lo, nbits);
            } else if (c == 15) {
                for (int64_t j = j0; j < j1; j++)
                    for (int64_t i = i0; i < i1; i++) fst_bw_put(b, t[j * ni + i], 16);
            } else {
                fst_bw_put(b, lo, nbits);
                for (int64_t j = j0; j < j1; j++)
                    for (int64_t i = i0; i < i1; i++) fst_bw_put(b, t[j * ni + i] - lo, c);
            }
        }
    }
}

/* Residuals of grid row j (1 <= j < nj) into r[1..ni-1]. */
static void lorenzo_row(const uint16_t *t, int64_t ni, int64_t j, int32_t *r) {
    const uint16_t *row = t + j * ni, *prev = row - ni;
    for (int64_t i = 1; i < ni; i++)
        r[i] = ((int32_t)row[i] - (int32_t)row[i - 1]) - ((int32_t)prev[i] - (int32_t)prev[i - 1]);
}

/* band: 3 rows of ni residuals (work space of the caller). */
static void encode_parallelogram(fst_bitwriter *b, const uint16_t *t, int64_t ni, int64_t nj, int nbits,
                                 int32_t *band) {
    const int step = 3;
    int cw = 4;
    if (nbits >= 15) {
        for (int64_t j = 1; j < nj && cw == 4; j++) {
            lorenzo_row(t, ni, j, band);
            for (int64_t i = 1; i < ni; i++)
                if (band[i] > 65535 || band[i] < -65535) {
                    cw = 5;
                    break;
                }
        }
    }
    fst_bw_put(b, (uint32_t)cw, 3);
    for (int64_t i = 0; i < ni; i++) fst_bw_put(b, t[i], nbits);
    for (int64_t j = 1; j < nj; j++) fst_bw_put(b, t[j * ni], nbits);
    for (int64_t j0 = 1; j0 < nj && !b->err; j0 += step) {
        int64_t j1 = j0 + step < nj ? j0 + step : nj;
        for (int64_t j = j0; j < j1; j++) lorenzo_row(t, ni, j, band + (j - j0) * ni);
        for (int64_t i0 = 1; i0 < ni; i0 += step) {
            int64_t i1 = i0 + step < ni ? i0 + step : ni;
            uint32_t mx = 0;
            for (int64_t j = j0; j < j1; j++)
                for (int64_t i = i0; i < i1; i++) {
                    int32_t r = band[(j - j0) * ni + i];
                    uint32_t a = (uint32_t)(r < 0 ? -r : r);
                    mx = a > mx ? a : mx;
                }
            int c = fst_bitlen(mx);
            if (c == 16) c = 15;
            fst_bw_put(b, (uint32_t)c, cw);
            if (c == 0) continue;
            int w = c == 15 ? 17 : c + 1;
            for (int64_t j = j0; j < j1; j++)
                for (int64_t i = i0; i < i1; i++) fst_bw_put(b, (uint32_t)band[(j - j0) * ni + i], w);
        }
    }
}

size_t fst_armn_encode(const uint16_t *tok, int64_t ni, int64_t nj, int nbits, int fast, uint32_t *z, size_t cap,
                       size_t *zlng) {
    if (nbits > 16 || nbits < 1 || ni <= 1 || nj <= 1 || cap < 2) return 0;
    int minimum = fast || ni < 16 || nj < 16 || nbits <= 4;
    /* Success requires zlng = 1 + 4*words < 1 + 2*ni*nj, i.e. words < ni*nj/2. */
    size_t limit = (size_t)((ni * nj + 1) / 2); /* words must stay below this */
    size_t wcap = limit < cap ? limit : cap;
    z[0] = minimum ? make_header(PRED_MINIMUM, 0, 5, nbits) : make_header(PRED_PARALLELOGRAM, 1, 3, nbits);
    fst_bitwriter b;
    fst_bw_init(&b, z + 1, wcap - 1);
    if (minimum) {
        encode_minimum(&b, tok, ni, nj, nbits);
    } else {
        int32_t *band = malloc((size_t)(3 * ni) * sizeof(int32_t));
        if (!band) return (size_t)-1;
        encode_parallelogram(&b, tok, ni, nj, nbits, band);
        free(band);
    }
    fst_bw_flush(&b);
    if (b.err) return 0;
    size_t words = 1 + (size_t)((b.pos + 31) / 32);
    size_t len = 1 + 4 * words;
    if (len >= (size_t)(1 + 2 * ni * nj)) return 0;
    *zlng = len;
    return words;
}
