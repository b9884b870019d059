/* Write validation: every write request is either refused with a clear error or
 * stores a record that reads back within its quantisation error.
 *
 * Every datyp (0..8, with +64, +128 and +192) x every pack_bits 1..64 x every
 * input element type the base accepts x both write rules (XDF fst98, RSF fst24)
 * is encoded on smooth (compressible), noisy and edge-case data, with missing
 * points for +64 requests, then decoded the way librmn reads it (our decoder
 * reproduces librmn's reading, including its 129 quirk) and compared:
 * integers, characters and binary exactly; reals within the step of the stored
 * quantiser; missing points exactly where they were written.
 *
 * Data-dependent refusals are checked too: integers that do not fit the stored
 * width or signedness, missing values that would collide with genuine maxima,
 * NaN/Inf for the quantisers.
 *
 * FST24_PRINT_TABLE=1 prints the stored (datyp, pack_bits) of every request
 * (the decision table of docs/codecs.md). */
#include "test_codec_util.h"

#include <math.h>

#include "codec/codec.h"
#include "fst24.h"

#define NI 40
#define NJ 24
#define N (NI * NJ)

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}
static double unif(void) { return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0); }

enum { SMOOTH, NOISY, EDGE, SPECIAL, NDATA };
static const char *data_name[NDATA] = {"smooth", "noisy", "edge", "nan-inf"};

static fst24_missing_values MV;

static int is_real_type(fst24_elem_type t) { return t == FST24_ELEM_F32 || t == FST24_ELEM_F64; }
static int is_signed(fst24_elem_type t) {
    return t == FST24_ELEM_I8 || t == FST24_ELEM_I16 || t == FST24_ELEM_I32 || t == FST24_ELEM_I64;
}
static int width(fst24_elem_type t) { return (int)fst24_elem_size(t) * 8; }

/* ---------------------------------------------------------------- inputs */

static int missing_at(size_t k) { return k % 37 == 5 || k == N - 1; }

/* Reals (n values; complex gives 2n): as double, then stored in `buf` as `t`. */
static void make_reals(int kind, int missing, fst24_elem_type t, size_t n, void *buf, double *ref) {
    for (size_t k = 0; k < n; k++) {
        size_t i = k % NI, j = (k / NI) % NJ;
        double v;
        switch (kind) {
        case SMOOTH: v = 250.0 + 40.0 * sin(i / 7.0) * cos(j / 5.0) + 0.01 * unif(); break;
        case NOISY: v = (unif() - 0.5) * 2000.0; break;
        case EDGE: {
            static const double edge[] = {0.0, -0.0, 1e-30, -1e-30, 1e-40, 1e30, -1e30, 1.0, -1.0,
                                          3.5, 3.5, 3.5, 123456.789, -7.25e-3, 1e-3};
            v = edge[k % (sizeof edge / sizeof edge[0])];
            break;
        }
        default: /* values only IEEE records can hold */
            v = k % 11 == 3 ? NAN : k % 11 == 7 ? INFINITY : k % 11 == 9 ? -INFINITY : 10.0 + (double)(k % 5);
        }
        if (t == FST24_ELEM_F32) v = (float)v;
        if (missing && missing_at(k)) v = t == FST24_ELEM_F32 ? (double)MV.f32 : MV.f64;
        ref[k] = v;
        if (t == FST24_ELEM_F32) ((float *)buf)[k] = (float)v;
        else ((double *)buf)[k] = v;
    }
}

static int64_t sentinel_of(fst24_elem_type t) {
    switch (t) {
    case FST24_ELEM_I8: return MV.i8;
    case FST24_ELEM_I16: return MV.i16;
    case FST24_ELEM_I32: return MV.i32;
    case FST24_ELEM_I64: return INT64_MIN;
    case FST24_ELEM_U8: return MV.u8;
    case FST24_ELEM_U16: return MV.u16;
    case FST24_ELEM_U32: return (int64_t)MV.u32;
    default: return -1; /* UINT64_MAX */
    }
}

static void store_int(void *buf, fst24_elem_type t, size_t k, int64_t v) {
    switch (t) {
    case FST24_ELEM_U8: case FST24_ELEM_I8: ((uint8_t *)buf)[k] = (uint8_t)v; break;
    case FST24_ELEM_U16: case FST24_ELEM_I16: ((uint16_t *)buf)[k] = (uint16_t)v; break;
    case FST24_ELEM_U32: case FST24_ELEM_I32: ((uint32_t *)buf)[k] = (uint32_t)v; break;
    default: ((uint64_t *)buf)[k] = (uint64_t)v; break;
    }
}

static int64_t load_int(const void *buf, fst24_elem_type t, size_t k) {
    switch (t) {
    case FST24_ELEM_U8: return ((const uint8_t *)buf)[k];
    case FST24_ELEM_I8: return ((const int8_t *)buf)[k];
    case FST24_ELEM_U16: return ((const uint16_t *)buf)[k];
    case FST24_ELEM_I16: return ((const int16_t *)buf)[k];
    case FST24_ELEM_U32: return ((const uint32_t *)buf)[k];
    case FST24_ELEM_I32: return ((const int32_t *)buf)[k];
    default: return (int64_t)((const uint64_t *)buf)[k];
    }
}

/* The values a request of base 2 (unsigned) or 4 (signed) with `nbits` can hold for
 * elements of type t, as the writer promises to read them back: [lo, hi]. With missing
 * values the top code is kept for the plug (and, for unsigned elements, the plug must
 * not be the element type's own missing sentinel). 64-bit ranges are clipped to int64. */
static void int_range(int base, int nbits, fst24_elem_type t, int rsf, int missing, int64_t *lo, int64_t *hi) {
    int w = width(t);
    int q = nbits < w ? nbits : w;
    if (w == 64 && rsf) q = 64; /* raw 64-bit copy */
    if (base == 2) {
        *lo = 0;
        *hi = q >= 63 ? INT64_MAX : ((int64_t)1 << q) - 1;
    } else {
        *lo = q >= 64 ? INT64_MIN : -((int64_t)1 << (q - 1));
        *hi = q >= 64 ? INT64_MAX : ((int64_t)1 << (q - 1)) - 1;
    }
    /* the element type itself */
    int64_t tlo = is_signed(t) ? (w == 64 ? INT64_MIN : -((int64_t)1 << (w - 1))) : 0;
    int64_t thi = is_signed(t) ? (w == 64 ? INT64_MAX : ((int64_t)1 << (w - 1)) - 1)
                               : (w >= 63 ? INT64_MAX : ((int64_t)1 << w) - 1);
    if (*lo < tlo) *lo = tlo;
    if (*hi > thi) *hi = thi;
    if (missing && w < 64) {
        *hi -= 1;                                   /* the plug */
        if (!is_signed(t) && *hi >= thi - 1) *hi = thi - 2; /* plug != input sentinel */
        if (base == 2 && q == w && *hi >= thi - 1) *hi = thi - 2;
        if (is_signed(t) && *lo == tlo) *lo = tlo + 1; /* the input sentinel is missing */
    }
}

static void make_ints(int kind, int missing, fst24_elem_type t, int64_t lo, int64_t hi, void *buf) {
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    for (size_t k = 0; k < N; k++) {
        size_t i = k % NI, j = k / NI;
        int64_t v;
        switch (kind) {
        case SMOOTH: {
            double f = 0.5 + 0.45 * sin(i / 7.0) * cos(j / 5.0);
            v = (int64_t)((uint64_t)lo + (uint64_t)((double)span * f)); /* wraps into [lo, hi] */
            if (v < lo || v > hi) v = lo;
            break;
        }
        case NOISY: v = span == UINT64_MAX ? (int64_t)rnd() : (int64_t)((uint64_t)lo + rnd() % (span + 1)); break;
        default: {
            int64_t e[] = {lo, hi, 0, 1, lo + 1, hi - 1, hi / 2};
            v = e[k % 7];
            if (v < lo || v > hi) v = lo;
        }
        }
        store_int(buf, t, k, v);
        if (missing && missing_at(k) && width(t) < 64) store_int(buf, t, k, sentinel_of(t));
    }
}

/* ---------------------------------------------------------------- checks */

static int failures, fail_print = 40;
#define FAIL(...)                                                                            \
    do {                                                                                     \
        if (failures++ < fail_print) {                                                             \
            fprintf(stderr, "FAIL " __VA_ARGS__);                                            \
            fprintf(stderr, "\n");                                                           \
        }                                                                                    \
    } while (0)

typedef struct req_t {
    int rsf, datyp, nbits, kind;
    fst24_elem_type in;
} req_t;

static const char *rname(const req_t *r) {
    static char b[128];
    snprintf(b, sizeof b, "%s datyp %d nbits %d in %s data %s", r->rsf ? "RSF" : "XDF", r->datyp, r->nbits,
             fst24_elem_name(r->in), data_name[r->kind]);
    return b;
}

/* Largest error a stored real record may have at element value v. */
static double real_tolerance(const fst_codec_desc *st, const uint32_t *w, double lo, double hi, double v) {
    int base = st->datyp & 0x3F;
    double mag = fabs(lo) > fabs(hi) ? fabs(lo) : fabs(hi);
    if (base == 5 || base == 8) {
        if (st->nbits == 64) return 0;
        /* f64 input rounded to f32 (subnormals: to a multiple of 2^-149), then for
         * nbits < 32 the mantissa truncated to nbits - 9 bits */
        double mag_v = fabs(v) > 0x1p-126 ? fabs(v) : 0x1p-126;
        if (st->nbits == 32) return mag_v * 0x1p-24;
        return mag_v * ldexp(1.0, -(st->nbits - 9));
    }
    if (base == 6) {
        const uint32_t *h = (st->datyp & 128) ? w + 1 : w;
        int x = (int)((h[0] >> 8) & 0xFF), s = (int)(h[0] & 0xFF);
        return 1.5 * ldexp(1.0, x - 150 + s) + fabs(v) * 0x1p-23;
    }
    /* datyp 1: truncation to a step of 2^(E - nbits) <= 2 * range / 2^nbits, minimum kept as f32 */
    double range = hi - lo;
    return 2.0 * range * ldexp(1.0, -st->nbits) + mag * 0x1p-22 + 1e-37;
}

static void check_reals(const req_t *r, const fst_codec_desc *st, const uint32_t *w, const double *ref,
                        size_t count, const void *out, fst24_elem_type ot) {
    int missing = (st->datyp & 64) != 0;
    double lo = INFINITY, hi = -INFINITY;
    double sent_in = r->in == FST24_ELEM_F32 ? (double)MV.f32 : MV.f64;
    for (size_t k = 0; k < count; k++) {
        if ((r->datyp & 64) && ref[k] == sent_in) continue;
        if (!isfinite(ref[k])) continue;
        if (ref[k] < lo) lo = ref[k];
        if (ref[k] > hi) hi = ref[k];
    }
    if (missing) { /* the plug widens the quantised range: max + (max - min) * factor, factor <= 2 */
        double d = hi - lo;
        hi = d > 0 ? hi + 2.0 * d : (hi == 0 ? 1.0 : fabs(hi) * 2.0 + fabs(hi));
    }
    double sent_out = ot == FST24_ELEM_F32 ? (double)MV.f32 : MV.f64;
    for (size_t k = 0; k < count; k++) {
        double y = ot == FST24_ELEM_F32 ? (double)((const float *)out)[k] : ((const double *)out)[k];
        int was_missing = (r->datyp & 64) && (r->datyp & 0x3F) != 8 && ref[k] == sent_in;
        if (was_missing) {
            if (!missing && y == ref[k]) continue; /* flag dropped (no other point equal): value kept */
            if (y != sent_out) {
                FAIL("%s -> %d/%d: element %zu was missing, reads %.9g", rname(r), st->datyp, st->nbits, k, y);
                return;
            }
            continue;
        }
        if (missing && y == sent_out) {
            FAIL("%s -> %d/%d: element %zu (%.9g) reads back as missing", rname(r), st->datyp, st->nbits, k,
                 ref[k]);
            return;
        }
        if (!isfinite(ref[k])) {
            if (isnan(ref[k]) ? !isnan(y) : y != ref[k]) {
                FAIL("%s -> %d/%d: element %zu = %g reads %g", rname(r), st->datyp, st->nbits, k, ref[k], y);
                return;
            }
            continue;
        }
        double tol = real_tolerance(st, w, lo, hi, ref[k]);
        if (!(fabs(y - ref[k]) <= tol)) {
            FAIL("%s -> %d/%d: element %zu = %.9g reads %.9g (tolerance %.3g)", rname(r), st->datyp, st->nbits,
                 k, ref[k], y, tol);
            return;
        }
    }
}

static void check_ints(const req_t *r, const fst_codec_desc *st, const void *in, const void *out,
                       fst24_elem_type ot) {
    int missing = (st->datyp & 64) != 0;
    int64_t sin_ = sentinel_of(r->in), sout = sentinel_of(ot);
    for (size_t k = 0; k < N; k++) {
        int64_t x = load_int(in, r->in, k), y = load_int(out, ot, k);
        if ((r->datyp & 64) && x == sin_ && width(r->in) < 64) {
            if (missing ? y == sout : y == x) continue;
            FAIL("%s -> %d/%d: element %zu was missing, reads %lld", rname(r), st->datyp, st->nbits, k,
                 (long long)y);
            return;
        }
        int64_t yv = y;
        if (!is_signed(ot) && width(ot) == 64 && y < 0 && x >= 0) yv = y; /* u64 above INT64_MAX */
        if (yv != x || (is_signed(ot) != is_signed(r->in) && (x < 0) != (y < 0) && width(ot) == 64)) {
            FAIL("%s -> %d/%d (%s): element %zu = %lld reads %lld", rname(r), st->datyp, st->nbits,
                 fst24_elem_name(ot), k, (long long)x, (long long)y);
            return;
        }
    }
}

/* ---------------------------------------------------------------- the sweep */

static int print_table;
static int accepted, refused;

/* Encode one request and check what comes back; returns the encode status. */
static int run(const req_t *r, fst_codec_desc *stored_out) {
    int base = r->datyp & 0x3F;
    int missing = (r->datyp & 64) != 0;
    static double ref[2 * N];
    static uint64_t in[2 * N], out[2 * N];
    size_t nin = base == 8 ? 2 * N : N;
    int64_t lo = 0, hi = 0;
    if (is_real_type(r->in) && base != 0) {
        make_reals(r->kind, missing && base != 8, r->in, nin, in, ref);
    } else if (base == 2 || base == 4) {
        int_range(base, r->nbits, r->in, r->rsf, missing, &lo, &hi);
        if (lo > hi) return 1; /* no value is representable: nothing to test */
        make_ints(r->kind, missing, r->in, lo, hi, in);
    } else {
        unsigned char *b = (unsigned char *)in;
        for (size_t k = 0; k < N * fst24_elem_size(r->in); k++) b[k] = (unsigned char)(32 + rnd() % 95);
    }
    fst_codec_desc req = {r->datyp, r->nbits, width(r->in), NI, NJ, 1};
    fst_codec_desc st;
    uint32_t *w = NULL;
    size_t nw = 0;
    fst24_clear_error();
    int rc = fst_codec_encode(in, r->in, &req, r->rsf ? FST_CODEC_RSF : 0, &st, &w, &nw);
    if (rc != FST24_OK) {
        if (rc != FST24_E_INVALID && rc != FST24_E_UNSUPPORTED && rc != FST24_E_LIMIT)
            FAIL("%s: refused with status %d: %s", rname(r), rc, fst24_last_error());
        if (!fst24_last_error()[0]) FAIL("%s: refused without a message", rname(r));
        refused++;
        return rc;
    }
    accepted++;
    *stored_out = st;
    fst24_elem_type ot;
    size_t count;
    if (fst_codec_layout(&st, &ot, &count) != FST24_OK) {
        FAIL("%s -> %d/%d: no layout: %s", rname(r), st.datyp, st.nbits, fst24_last_error());
        free(w);
        return rc;
    }
    if (count * fst24_elem_size(ot) > sizeof out) {
        FAIL("%s -> %d/%d: layout of %zu %s", rname(r), st.datyp, st.nbits, count, fst24_elem_name(ot));
        free(w);
        return rc;
    }
    if (fst_codec_decode(w, nw, &st, out, FST24_ELEM_NONE, count, 1) != FST24_OK) {
        FAIL("%s -> %d/%d: stored record does not decode: %s", rname(r), st.datyp, st.nbits, fst24_last_error());
        free(w);
        return rc;
    }
    int sbase = st.datyp & 0x3F;
    if (sbase == 1 || sbase == 5 || sbase == 6 || sbase == 8) {
        if (count != nin || !is_real_type(ot)) FAIL("%s -> %d/%d: %zu %s", rname(r), st.datyp, st.nbits, count,
                                                    fst24_elem_name(ot));
        else check_reals(r, &st, w, ref, count, out, ot);
    } else if (sbase == 2 || sbase == 4) {
        if (count != N) FAIL("%s -> %d/%d: %zu elements", rname(r), st.datyp, st.nbits, count);
        else check_ints(r, &st, in, out, ot);
    } else { /* characters, binary: the caller's bytes */
        size_t bytes = N * fst24_elem_size(r->in);
        if (sbase == 0 && count * fst24_elem_size(ot) != bytes)
            FAIL("%s -> %d/%d: %zu bytes back for %zu", rname(r), st.datyp, st.nbits,
                 count * fst24_elem_size(ot), bytes);
        else if (memcmp(in, out, sbase == 0 ? bytes : N) != 0)
            FAIL("%s -> %d/%d: bytes differ", rname(r), st.datyp, st.nbits);
    }
    free(w);
    return rc;
}

static int inputs_for(int base, fst24_elem_type *types) {
    static const fst24_elem_type reals[] = {FST24_ELEM_F32, FST24_ELEM_F64};
    static const fst24_elem_type ints[] = {FST24_ELEM_U8, FST24_ELEM_U16, FST24_ELEM_U32, FST24_ELEM_U64,
                                           FST24_ELEM_I8, FST24_ELEM_I16, FST24_ELEM_I32, FST24_ELEM_I64};
    static const fst24_elem_type any[] = {FST24_ELEM_U8, FST24_ELEM_U16, FST24_ELEM_U32, FST24_ELEM_U64,
                                          FST24_ELEM_F32, FST24_ELEM_F64};
    const fst24_elem_type *src;
    int n;
    if (base == 1 || base == 5 || base == 6 || base == 8) { src = reals; n = 2; }
    else if (base == 2 || base == 4) { src = ints; n = 8; }
    else if (base == 3 || base == 7) { src = ints; n = 1; }
    else { src = any; n = 6; }
    memcpy(types, src, (size_t)n * sizeof *types);
    return n;
}

static void test_sweep(void) {
    for (int rsf = 0; rsf <= 1; rsf++)
        for (int flags = 0; flags < 256; flags += 64)
            for (int base = 0; base <= 8; base++) {
                fst24_elem_type types[8];
                int nt = inputs_for(base, types);
                for (int nbits = 1; nbits <= 64; nbits++)
                    for (int ti = 0; ti < nt; ti++) {
                        fst_codec_desc st = {0};
                        int first = 1, srow = -1, brow = -1, rc0 = 0;
                        for (int kind = 0; kind < NDATA; kind++) {
                            if (kind == SPECIAL && !is_real_type(types[ti])) continue;
                            req_t r = {rsf, base | flags, nbits, kind, types[ti]};
                            int rc = run(&r, &st);
                            if (rc == 1) break;
                            /* integers were drawn from the values the request can hold */
                            if (rc != FST24_OK && (base == 2 || base == 4) &&
                                (strstr(fst24_last_error(), "fit") || strstr(fst24_last_error(), "negative")))
                                FAIL("%s: refused in-range data: %s", rname(&r), fst24_last_error());
                            if (kind == SPECIAL) continue; /* NaN/Inf: stored only by the IEEE types */
                            if (first) { rc0 = rc; srow = st.datyp; brow = st.nbits; first = 0; }
                            else if ((rc != FST24_OK) != (rc0 != FST24_OK))
                                FAIL("%s: accepted for one data set, refused for another", rname(&r));
                        }
                        if (print_table && !first) {
                            if (rc0) printf("%s\t%d\t%d\t%s\trefused\n", rsf ? "rsf" : "xdf", base | flags,
                                            nbits, fst24_elem_name(types[ti]));
                            else printf("%s\t%d\t%d\t%s\t%d\t%d\n", rsf ? "rsf" : "xdf", base | flags, nbits,
                                        fst24_elem_name(types[ti]), srow, brow);
                        }
                    }
            }
    printf("sweep: %d requests stored and read back, %d refused\n", accepted, refused);
    CHECK_MSG(failures == 0, "%d write requests stored records that do not read back", failures);
}

/* Encode `data` as requested; returns the status, fills *st and the decoded copy. */
static int encode1(const void *data, fst24_elem_type t, int datyp, int nbits, int rsf, fst_codec_desc *st,
                   void *out) {
    fst_codec_desc req = {datyp, nbits, width(t), NI, NJ, 1};
    uint32_t *w = NULL;
    size_t nw = 0;
    fst24_clear_error();
    int rc = fst_codec_encode(data, t, &req, rsf ? FST_CODEC_RSF : 0, st, &w, &nw);
    if (rc == FST24_OK && out) {
        fst24_elem_type ot;
        size_t count;
        CHECK(fst_codec_layout(st, &ot, &count) == FST24_OK);
        CHECK(fst_codec_decode(w, nw, st, out, FST24_ELEM_NONE, count, 1) == FST24_OK);
    }
    free(w);
    return rc;
}

#define REFUSED_WITH(rc, text)                                                                     \
    CHECK_MSG((rc) == FST24_E_INVALID && strstr(fst24_last_error(), text), "status %d, message: %s", \
              (rc), fst24_last_error())

/* The decisions of docs/codecs.md ("Write validation"), one by one. */
static void test_decisions(void) {
    static float x[N], fo[N];
    static double xd[N];
    static uint32_t u[N], uo[N];
    static uint8_t b[N], bo[N];
    fst_codec_desc st;
    for (size_t k = 0; k < N; k++) x[k] = (float)(250.0 + 40.0 * sin(k % NI / 7.0) * cos(k / NI / 5.0));
    for (int rsf = 0; rsf <= 1; rsf++) {
        /* 129 below 16 bits is stored as the plain quantiser at the requested width */
        CHECK(encode1(x, FST24_ELEM_F32, 129, 12, rsf, &st, fo) == FST24_OK && st.datyp == 1 && st.nbits == 12);
        CHECK(fabs(fo[7] - x[7]) <= 80.0 / 4096 * 2);
        CHECK(encode1(x, FST24_ELEM_F32, 129, 16, rsf, &st, fo) == FST24_OK && st.datyp == 129 && st.nbits == 16);
        x[5] = MV.f32;
        CHECK(encode1(x, FST24_ELEM_F32, 193, 8, rsf, &st, fo) == FST24_OK && st.datyp == 65 && st.nbits == 8);
        CHECK(fo[5] == MV.f32 && fo[6] != MV.f32);
        /* datyp 6 with missing values at 1 bit: the plug is moved until it packs apart */
        CHECK(encode1(x, FST24_ELEM_F32, 70, 1, rsf, &st, fo) == FST24_OK && st.datyp == 70);
        int same = 1;
        for (size_t k = 0; k < N; k++) same &= (x[k] == MV.f32) == (fo[k] == MV.f32);
        CHECK(same);
        /* binary32 missing values widened to E64 (XDF) stay missing */
        static double wide[N];
        CHECK(encode1(x, FST24_ELEM_F32, 69, 64, 0, &st, wide) == FST24_OK && st.datyp == 69 && st.nbits == 64);
        CHECK(wide[5] == MV.f64 && wide[6] == (double)x[6]);
        x[5] = x[4];
        /* NaN/Inf: refused by the quantisers, kept by IEEE */
        x[9] = NAN;
        REFUSED_WITH(encode1(x, FST24_ELEM_F32, 1, 16, rsf, &st, NULL), "finite");
        REFUSED_WITH(encode1(x, FST24_ELEM_F32, 134, 16, rsf, &st, NULL), "finite");
        CHECK(encode1(x, FST24_ELEM_F32, 5, 32, rsf, &st, fo) == FST24_OK && isnan(fo[9]));
        x[9] = INFINITY;
        REFUSED_WITH(encode1(x, FST24_ELEM_F32, 6, 12, rsf, &st, NULL), "finite");
        x[9] = x[8];
        for (size_t k = 0; k < N; k++) xd[k] = x[k];
        xd[3] = 2e38;
        REFUSED_WITH(encode1(xd, FST24_ELEM_F64, 1, 16, rsf, &st, NULL), "1e38");

        /* binary: pack_bits is the element size */
        REFUSED_WITH(encode1(u, FST24_ELEM_U32, 0, 8, rsf, &st, NULL), "pack_bits must be 32");
        CHECK(encode1(u, FST24_ELEM_U32, 0, 32, rsf, &st, uo) == FST24_OK && memcmp(u, uo, sizeof u) == 0);
        REFUSED_WITH(encode1(u, FST24_ELEM_U32, 3, 8, rsf, &st, NULL), "8-bit elements");

        /* integers must fit */
        for (size_t k = 0; k < N; k++) u[k] = (uint32_t)(k % 300);
        REFUSED_WITH(encode1(u, FST24_ELEM_U32, 2, 8, rsf, &st, NULL), "use pack_bits >= 9");
        CHECK(encode1(u, FST24_ELEM_U32, 2, 9, rsf, &st, uo) == FST24_OK && memcmp(u, uo, sizeof u) == 0);
        REFUSED_WITH(encode1(u, FST24_ELEM_U32, 4, 9, rsf, &st, NULL), "use pack_bits >= 10");
        u[3] = (uint32_t)-5;
        REFUSED_WITH(encode1(u, FST24_ELEM_I32, 2, 16, rsf, &st, NULL), "negative");
        CHECK(encode1(u, FST24_ELEM_I32, 4, 16, rsf, &st, uo) == FST24_OK && memcmp(u, uo, sizeof u) == 0);
        /* ... and leave a code for the missing-value plug */
        for (size_t k = 0; k < N; k++) u[k] = k % 10 == 0 ? MV.u32 : (uint32_t)(k % 256);
        REFUSED_WITH(encode1(u, FST24_ELEM_U32, 66, 8, rsf, &st, NULL), "use pack_bits >= 9");
        CHECK(encode1(u, FST24_ELEM_U32, 66, 9, rsf, &st, uo) == FST24_OK && memcmp(u, uo, sizeof u) == 0);
        static uint16_t h[N], ho[N];
        for (size_t k = 0; k < N; k++) h[k] = k % 10 == 0 ? MV.u16 : (uint16_t)(65534 - k % 3);
        REFUSED_WITH(encode1(h, FST24_ELEM_U16, 66, 16, rsf, &st, NULL), "missing values");
        for (size_t k = 0; k < N; k++) h[k] = k % 10 == 0 ? MV.u16 : (uint16_t)(65533 - k % 3);
        CHECK(encode1(h, FST24_ELEM_U16, 66, 16, rsf, &st, ho) == FST24_OK && memcmp(h, ho, sizeof h) == 0);
        /* signed elements as datyp 2 with missing values: the plug is an unsigned code */
        static int16_t sh[N], sho[N];
        for (size_t k = 0; k < N; k++) sh[k] = k % 10 == 0 ? MV.i16 : (int16_t)(k % 15);
        CHECK(encode1(sh, FST24_ELEM_I16, 66, 4, rsf, &st, sho) == FST24_OK && st.datyp == 66);
        same = 1;
        for (size_t k = 0; k < N; k++) same &= sh[k] == MV.i16 ? (uint16_t)sho[k] == MV.u16 : sho[k] == sh[k];
        CHECK(same);

        /* 130 at 16 bits: 32-bit values from 2^15 up are stored plain, below that compressed */
        for (size_t k = 0; k < N; k++) u[k] = (uint32_t)(30000 + 20000 * sin(k % NI / 7.0) * cos(k / NI / 5.0));
        CHECK(encode1(u, FST24_ELEM_U32, 130, 16, rsf, &st, uo) == FST24_OK && st.datyp == 2);
        CHECK(memcmp(u, uo, sizeof u) == 0);
        for (size_t k = 0; k < N; k++) u[k] /= 2;
        CHECK(encode1(u, FST24_ELEM_U32, 130, 16, rsf, &st, uo) == FST24_OK && st.datyp == 130);
        CHECK(memcmp(u, uo, sizeof u) == 0);
        /* 8-bit values from 128 up survive 130 (their tokens are sign-extended to 16 bits, as librmn writes them) */
        for (size_t k = 0; k < N; k++) b[k] = (uint8_t)(130 + 100 * sin(k % NI / 7.0) * cos(k / NI / 5.0));
        CHECK(encode1(b, FST24_ELEM_U8, 130, 8, rsf, &st, bo) == FST24_OK && st.datyp == 130);
        CHECK(memcmp(b, bo, sizeof b) == 0);
    }
}

int main(void) {
    fst24_get_missing_values(&MV);
    print_table = getenv("FST24_PRINT_TABLE") != NULL;
    if (getenv("FST24_PRINT_ALL")) fail_print = 1 << 30;
    test_decisions();
    test_sweep();
    return tc_finish();
}
