/* Property tests on random arrays: integers and IEEE round-trip exactly,
 * packed reals stay within their quantisation step, compressed types decode to
 * exactly what the uncompressed packer gives, missing points come back missing. */
#include "test_codec_util.h"

#include <math.h>

#include "codec/bits.h"
#include "codec/codec.h"
#include "fst24.h"

static uint64_t rs = 0x1234567887654321ull;
static uint64_t rnd(void) {
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}
static double unif(void) { return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0); }

static fst_codec_desc desc(int datyp, int nbits, int dasiz, int ni, int nj, int nk) {
    fst_codec_desc d = {datyp, nbits, dasiz, ni, nj, nk};
    return d;
}

/* Encoder flags of roundtrip() (FST_CODEC_*). */
static int encode_flags;

/* Encode then decode (native type); returns the stored descriptor. */
static fst_codec_desc roundtrip(const void *in, fst24_elem_type t, fst_codec_desc req, void *out, size_t count,
                                int missing) {
    fst_codec_desc st;
    uint32_t *w = NULL;
    size_t nw = 0;
    int rc = fst_codec_encode(in, t, &req, encode_flags, &st, &w, &nw);
    CHECK_MSG(rc == FST24_OK, "encode datyp %d nbits %d: %s", req.datyp, req.nbits, fst24_last_error());
    CHECK(nw % 2 == 0);
    rc = fst_codec_decode(w, nw, &st, out, FST24_ELEM_NONE, count, missing);
    CHECK_MSG(rc == FST24_OK, "decode datyp %d nbits %d: %s", st.datyp, st.nbits, fst24_last_error());
    free(w);
    return st;
}

static void test_integers(void) {
    const size_t n = 1000;
    uint32_t *u = malloc(n * 4), *o = malloc(n * 4);
    for (int nbits = 1; nbits <= 32; nbits++) {
        uint32_t mask = nbits == 32 ? 0xFFFFFFFFu : (1u << nbits) - 1u;
        for (size_t k = 0; k < n; k++) u[k] = (uint32_t)rnd() & mask;
        roundtrip(u, FST24_ELEM_U32, desc(2, nbits, 32, 40, 25, 1), o, n, 0);
        CHECK_MSG(memcmp(u, o, n * 4) == 0, "unsigned nbits %d", nbits);
        int32_t *s = (int32_t *)u, *so = (int32_t *)o;
        for (size_t k = 0; k < n; k++) {
            int64_t lo = nbits == 32 ? INT32_MIN : -((int64_t)1 << (nbits - 1));
            int64_t span = (int64_t)1 << nbits;
            s[k] = (int32_t)(lo + (int64_t)(rnd() % (uint64_t)span));
        }
        roundtrip(s, FST24_ELEM_I32, desc(4, nbits, 32, 40, 25, 1), so, n, 0);
        CHECK_MSG(memcmp(s, so, n * 4) == 0, "signed nbits %d", nbits);
        if (nbits <= 16) {
            int16_t s16[300], o16[300];
            for (int k = 0; k < 300; k++) s16[k] = (int16_t)(((int32_t)(rnd() & mask)) - (int32_t)(mask >> 1) - 1);
            if (nbits == 16) for (int k = 0; k < 300; k++) s16[k] = (int16_t)rnd();
            roundtrip(s16, FST24_ELEM_I16, desc(4, nbits, 16, 300, 1, 1), o16, 300, 0);
            CHECK_MSG(memcmp(s16, o16, sizeof s16) == 0, "int16 nbits %d", nbits);
            uint16_t u16[300], ou16[300];
            for (int k = 0; k < 300; k++) u16[k] = (uint16_t)(rnd() & mask);
            roundtrip(u16, FST24_ELEM_U16, desc(2, nbits, 16, 300, 1, 1), ou16, 300, 0);
            CHECK_MSG(memcmp(u16, ou16, sizeof u16) == 0, "uint16 nbits %d", nbits);
            /* 130 decodes to what 2 gives (nbits < 16: no librmn sign quirk) */
            if (nbits < 16) {
                uint32_t g[64 * 40], a[64 * 40], b[64 * 40];
                for (int k = 0; k < 64 * 40; k++) g[k] = (uint32_t)((k % 64) * 3 + (k / 64) * 2 + (rnd() & 3)) & mask;
                fst_codec_desc st = roundtrip(g, FST24_ELEM_U32, desc(130, nbits, 32, 64, 40, 1), a, 64 * 40, 0);
                roundtrip(g, FST24_ELEM_U32, desc(2, nbits, 32, 64, 40, 1), b, 64 * 40, 0);
                CHECK_MSG(memcmp(a, b, sizeof a) == 0 && memcmp(a, g, sizeof a) == 0, "130 nbits %d (stored %d)", nbits,
                          st.datyp);
            }
        }
    }
    free(u);
    free(o);
}

static void test_ieee(void) {
    const size_t n = 2000;
    float *x = malloc(n * 4), *o = malloc(n * 4);
    double *xd = malloc(n * 8), *od = malloc(n * 8);
    for (size_t k = 0; k < n; k++) {
        uint32_t b;
        do { b = (uint32_t)rnd(); } while (((b >> 23) & 0xFF) == 0xFF); /* no NaN/Inf */
        memcpy(&x[k], &b, 4);
        uint64_t b64;
        do { b64 = rnd(); } while (((b64 >> 52) & 0x7FF) == 0x7FF);
        memcpy(&xd[k], &b64, 8);
    }
    roundtrip(x, FST24_ELEM_F32, desc(5, 32, 32, 50, 40, 1), o, n, 0);
    CHECK(memcmp(x, o, n * 4) == 0);
    roundtrip(xd, FST24_ELEM_F64, desc(5, 64, 64, 50, 40, 1), od, n, 0);
    CHECK(memcmp(xd, od, n * 8) == 0);
    for (int nbits = 16; nbits < 32; nbits++) {
        roundtrip(x, FST24_ELEM_F32, desc(5, nbits, 32, 50, 40, 1), o, n, 0);
        int ok = 1;
        for (size_t k = 0; k < n; k++) {
            uint32_t a, b;
            memcpy(&a, &x[k], 4);
            memcpy(&b, &o[k], 4);
            ok &= b == (a & ~(0xFFFFFFFFu >> nbits));
        }
        CHECK_MSG(ok, "E%d truncation", nbits);
        /* 133 on a 50x40 grid decodes to the same truncation */
        float *o2 = malloc(n * 4);
        roundtrip(x, FST24_ELEM_F32, desc(133, nbits, 32, 50, 40, 1), o2, n, 0);
        CHECK_MSG(memcmp(o, o2, n * 4) == 0, "133 nbits %d", nbits);
        free(o2);
    }
    /* smooth field: 133 really compresses and is still exact */
    for (size_t k = 0; k < n; k++) x[k] = (float)(280.0 + 10.0 * sin(k * 0.01) + 0.001 * unif());
    fst_codec_desc st = roundtrip(x, FST24_ELEM_F32, desc(133, 32, 32, 50, 40, 1), o, n, 0);
    CHECK(st.datyp == 133);
    CHECK(memcmp(x, o, n * 4) == 0);
    free(x); free(o); free(xd); free(od);
}

/* Smooth-ish random field on an ni x nj grid. */
static void field(float *x, int ni, int nj, double base, double amp, double noise) {
    double p1 = unif() * 6, p2 = unif() * 6;
    for (int j = 0; j < nj; j++)
        for (int i = 0; i < ni; i++)
            x[j * ni + i] = (float)(base + amp * sin(0.1 * i + p1) * cos(0.07 * j + p2) + noise * (unif() - 0.5));
}

static void test_packed_reals(void) {
    const int ni = 73, nj = 41, n = ni * nj;
    float *x = malloc(n * 4), *a = malloc(n * 4), *b = malloc(n * 4);
    for (int trial = 0; trial < 12; trial++) {
        double base = (trial % 3 == 0) ? 0.0 : (trial % 3 == 1 ? 1.0e5 : -300.0);
        double amp = trial < 6 ? 30.0 : 1.0e-3;
        field(x, ni, nj, base, amp, trial & 1 ? amp * 0.5 : 0.0);
        for (int nbits = 2; nbits <= 30; nbits += (nbits < 16 ? 1 : 4)) {
            /* datyp 1: error below the quantisation step plus the binary32 minimum */
            roundtrip(x, FST24_ELEM_F32, desc(1, nbits, 32, ni, nj, 1), a, n, 0);
            double mn = x[0], mx = x[0];
            for (int k = 0; k < n; k++) { mn = x[k] < mn ? x[k] : mn; mx = x[k] > mx ? x[k] : mx; }
            double step = (mx - mn) * 2 / ldexp(1.0, nbits) + fabs(mn) * ldexp(1.0, -23) + fabs(mx) * ldexp(1.0, -23);
            int ok = 1;
            for (int k = 0; k < n; k++) ok &= fabs((double)a[k] - x[k]) <= step;
            CHECK_MSG(ok, "datyp 1 nbits %d trial %d", nbits, trial);
            if (nbits <= 16) {
                /* datyp 6 within one step of 2^(X-150+s) ~ range / 2^nbits */
                roundtrip(x, FST24_ELEM_F32, desc(6, nbits, 32, ni, nj, 1), b, n, 0);
                double amax = fabs(mn) > fabs(mx) ? fabs(mn) : fabs(mx);
                double step6 = 2 * (mx - mn + amax * ldexp(1.0, -22)) / ldexp(1.0, nbits) + amax * ldexp(1.0, -23);
                ok = 1;
                for (int k = 0; k < n; k++) ok &= fabs((double)b[k] - x[k]) <= step6;
                CHECK_MSG(ok, "datyp 6 nbits %d trial %d", nbits, trial);
                /* 134 gives exactly datyp 6 */
                roundtrip(x, FST24_ELEM_F32, desc(134, nbits, 32, ni, nj, 1), a, n, 0);
                CHECK_MSG(memcmp(a, b, n * 4) == 0, "134 nbits %d trial %d", nbits, trial);
            }
        }
        /* 129 (16-bit) gives exactly datyp 1 */
        roundtrip(x, FST24_ELEM_F32, desc(1, 16, 32, ni, nj, 1), a, n, 0);
        roundtrip(x, FST24_ELEM_F32, desc(129, 16, 32, ni, nj, 1), b, n, 0);
        CHECK(memcmp(a, b, n * 4) == 0);
    }
    free(x); free(a); free(b);
}

static void test_missing(void) {
    const int ni = 60, nj = 30, n = ni * nj;
    float *x = malloc(n * 4), *o = malloc(n * 4);
    const int types[] = {65, 69, 70, 193, 197, 198};
    const int nbs[] = {16, 32, 12, 16, 24, 16};
    /* Missing points survive every path, compression fallbacks included (the flag
     * is kept on fallback; librmn drops it: checked below). */
    for (int q = 0; q < 6; q++) {
        field(x, ni, nj, 10.0, 5.0, 0.0);
        for (int k = 0; k < n; k += 1 + (int)(rnd() % 13)) x[k] = -1.0e38f;
        for (int j = 5; j < 12; j++) for (int i = 10; i < 20; i++) x[j * ni + i] = -1.0e38f;
        fst_codec_desc st = roundtrip(x, FST24_ELEM_F32, desc(types[q], nbs[q], 32, ni, nj, 1), o, n, 1);
        CHECK(st.datyp & 64);
        int ok = 1;
        for (int k = 0; k < n; k++) ok &= (x[k] == -1.0e38f) == (o[k] == -1.0e38f);
        CHECK_MSG(ok, "missing datyp %d (stored %d)", types[q], st.datyp);
    }
    /* White noise does not compress: 198 falls back to 6 and keeps the missing flag
     * (librmn stores a bare 6, whose readers then return the plug values). */
    for (int k = 0; k < n; k++) x[k] = (float)(rnd() % 100000) * 0.01f;
    x[7] = -1.0e38f;
    fst_codec_desc kept = roundtrip(x, FST24_ELEM_F32, desc(198, 16, 32, ni, nj, 1), o, n, 1);
    CHECK_MSG(kept.datyp == 70 && o[7] == -1.0e38f, "198 fallback with the flag kept: %d", kept.datyp);
    /* integers */
    int32_t *iv = malloc(n * 4), *io = malloc(n * 4);
    for (int k = 0; k < n; k++) iv[k] = (k % 5 == 0) ? INT32_MIN : (int32_t)(rnd() % 2000) - 1000;
    roundtrip(iv, FST24_ELEM_I32, desc(68, 16, 32, ni, nj, 1), io, n, 1);
    CHECK(memcmp(iv, io, n * 4) == 0);
    uint16_t *uv = malloc(n * 2), *uo = malloc(n * 2);
    for (int k = 0; k < n; k++) uv[k] = (k % 7 == 0) ? 65535 : (uint16_t)(rnd() % 5000);
    roundtrip(uv, FST24_ELEM_U16, desc(66, 16, 16, ni, nj, 1), uo, n, 1);
    CHECK(memcmp(uv, uo, n * 2) == 0);
    /* binary64 */
    double *dv = malloc(n * 8), *dout = malloc(n * 8);
    for (int k = 0; k < n; k++) dv[k] = (k % 9 == 0) ? -1.0e38 : unif() * 100;
    roundtrip(dv, FST24_ELEM_F64, desc(69, 64, 64, ni, nj, 1), dout, n, 1);
    CHECK(memcmp(dv, dout, n * 8) == 0);
    /* binary64 data as datyp 65: binary64 quantiser, read back widened to f64 */
    fst_codec_desc req = desc(65, 16, 64, ni, nj, 1), st;
    uint32_t *w = NULL;
    size_t nw = 0;
    CHECK(fst_codec_encode(dv, FST24_ELEM_F64, &req, 0, &st, &w, &nw) == FST24_OK);
    CHECK(st.datyp == 65 && st.dasiz == 32);
    CHECK(fst_codec_decode(w, nw, &st, dout, FST24_ELEM_F64, n, 1) == FST24_OK);
    free(w);
    int ok = 1;
    for (int k = 0; k < n; k++) ok &= (dv[k] == -1.0e38) == (dout[k] == -1.0e38);
    CHECK(ok);
    free(x); free(o); free(iv); free(io); free(uv); free(uo); free(dv); free(dout);
}

/* Block-range decoding gives exactly the slices of the whole-record decode. */
static void test_ranges(void) {
    const int ni = 37, nj = 29, n = ni * nj;
    float *x = malloc(n * 8);
    field(x, ni, nj, 50.0, 20.0, 1.0);
    for (int k = 0; k < n; k += 11) x[k] = -1.0e38f;
    uint32_t *u = malloc(n * 4);
    uint32_t *u7 = malloc(n * 4);
    for (int k = 0; k < n; k++) u[k] = (uint32_t)rnd();
    for (int k = 0; k < n; k++) u7[k] = u[k] & 127;
    /* decode_nbits: the binary payload read with another item width (odd widths give bytes) */
    struct { const void *in; fst24_elem_type t; int datyp, nbits, ni, decode_nbits; } cases[] = {
        {x, FST24_ELEM_F32, 1, 16, ni, 0}, {x, FST24_ELEM_F32, 1, 11, ni, 0}, {x, FST24_ELEM_F32, 65, 13, ni, 0},
        {x, FST24_ELEM_F32, 5, 32, ni, 0}, {x, FST24_ELEM_F32, 5, 19, ni, 0}, {x, FST24_ELEM_F32, 6, 12, ni, 0},
        {x, FST24_ELEM_F32, 8, 32, ni / 2, 0}, {u7, FST24_ELEM_U32, 2, 7, ni, 0}, {u, FST24_ELEM_I32, 4, 32, ni, 0},
        {u, FST24_ELEM_U8, 3, 8, ni, 0}, {u, FST24_ELEM_U8, 7, 8, ni, 0}, {u, FST24_ELEM_U32, 0, 32, ni, 0},
        {u, FST24_ELEM_U32, 0, 32, ni, 5}, {u, FST24_ELEM_U16, 2, 16, ni, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        fst_codec_desc req = desc(cases[c].datyp, cases[c].nbits, cases[c].t == FST24_ELEM_U16 ? 16 : 32,
                                  cases[c].ni, nj, 1), st;
        uint32_t *w = NULL;
        size_t nw = 0;
        CHECK(fst_codec_encode(cases[c].in, cases[c].t, &req, 0, &st, &w, &nw) == FST24_OK);
        if (cases[c].decode_nbits) st.nbits = cases[c].decode_nbits;
        CHECK(fst_codec_range_supported(&st));
        fst24_elem_type t;
        size_t count;
        CHECK(fst_codec_layout(&st, &t, &count) == FST24_OK);
        size_t es = fst24_elem_size(t);
        unsigned char *full = malloc(count * es + 8), *part = malloc(count * es + 8);
        CHECK(fst_codec_decode(w, nw, &st, full, t, count, 0) == FST24_OK);
        size_t pos = 0;
        while (pos < count) {
            size_t len = 1 + (size_t)(rnd() % 97);
            if (len > count - pos) len = count - pos;
            CHECK(fst_codec_decode_range(w, nw, &st, pos, len, part + pos * es, t) == FST24_OK);
            pos += len;
        }
        CHECK_MSG(memcmp(full, part, count * es) == 0, "range decode datyp %d nbits %d", st.datyp, st.nbits);
        if (st.datyp & 64) { /* missing values are replaced after the ranges */
            CHECK(fst_codec_decode(w, nw, &st, full, t, count, 1) == FST24_OK);
            fst_codec_decode_missing(part, t, count);
            CHECK(memcmp(full, part, count * es) == 0);
        }
        CHECK(fst_codec_decode_range(w, nw, &st, count, 1, part, t) == FST24_E_INVALID);
        free(full);
        free(part);
        free(w);
    }
    /* widening by ranges, and compressed types refuse */
    fst_codec_desc req = desc(134, 12, 32, ni, nj, 1), st;
    uint32_t *w = NULL;
    size_t nw = 0;
    CHECK(fst_codec_encode(x, FST24_ELEM_F32, &req, 0, &st, &w, &nw) == FST24_OK);
    CHECK(!fst_codec_range_supported(&st));
    double d8[8];
    CHECK(fst_codec_decode_range(w, nw, &st, 0, 8, d8, FST24_ELEM_F64) == FST24_E_UNSUPPORTED);
    free(w);
    req = desc(1, 16, 32, ni, nj, 1);
    CHECK(fst_codec_encode(x + 1, FST24_ELEM_F32, &req, 0, &st, &w, &nw) == FST24_OK);
    float f8[8];
    CHECK(fst_codec_decode_range(w, nw, &st, 100, 8, f8, FST24_ELEM_F32) == FST24_OK);
    CHECK(fst_codec_decode_range(w, nw, &st, 100, 8, d8, FST24_ELEM_F64) == FST24_OK);
    /* datyp 1 read as f64 uses the binary64 unpacker (librmn): rounding it gives the f32 read */
    for (int k = 0; k < 8; k++) CHECK((float)d8[k] == f8[k]);
    free(w);
    /* other types widen exactly */
    req = desc(6, 12, 32, ni, nj, 1);
    CHECK(fst_codec_encode(x + 1, FST24_ELEM_F32, &req, 0, &st, &w, &nw) == FST24_OK);
    CHECK(fst_codec_decode_range(w, nw, &st, 100, 8, f8, FST24_ELEM_F32) == FST24_OK);
    CHECK(fst_codec_decode_range(w, nw, &st, 100, 8, d8, FST24_ELEM_F64) == FST24_OK);
    for (int k = 0; k < 8; k++) CHECK(d8[k] == (double)f8[k]);
    free(w);
    free(x);
    free(u);
    free(u7);
}

/* Bulk pack/unpack (with its fixed-pattern fast paths) against a bit-by-bit
 * reference, for every width and start offset. */
static void test_bitstreams(void) {
    uint32_t w[200], w2[200], tok[200], back[200];
    for (int nbits = 1; nbits <= 32; nbits++) {
        uint32_t mask = nbits == 32 ? 0xFFFFFFFFu : (1u << nbits) - 1u;
        for (int off = 0; off < 64; off++) {
            size_t n = (size_t)(rnd() % 150);
            if ((uint64_t)off + (uint64_t)n * nbits > 200 * 32 - 64) n = (200 * 32 - 64 - (size_t)off) / (size_t)nbits;
            for (size_t k = 0; k < n; k++) tok[k] = (uint32_t)rnd();
            /* reference packing, bit by bit, over a random prefix */
            memset(w, 0, sizeof w);
            for (int b = 0; b < off; b++)
                if (rnd() & 1) w[b / 32] |= 1u << (31 - b % 32);
            memcpy(w2, w, sizeof w);
            uint64_t pos = (uint64_t)off;
            for (size_t k = 0; k < n; k++)
                for (int b = nbits - 1; b >= 0; b--, pos++)
                    if ((tok[k] >> b) & 1) w[pos / 32] |= 1u << (31 - pos % 32);
            fst_bits_pack(w2, (uint64_t)off, nbits, tok, n);
            CHECK_MSG(memcmp(w, w2, sizeof w) == 0, "pack nbits %d offset %d n %zu", nbits, off, n);
            size_t nw = (size_t)((pos + 31) / 32);
            uint32_t *exact = malloc((nw ? nw : 1) * 4); /* exactly sized: sanitizers see overreads */
            memcpy(exact, w, nw * 4);
            fst_bits_unpack(exact, nw, (uint64_t)off, nbits, back, n);
            free(exact);
            int ok = 1;
            for (size_t k = 0; k < n; k++) ok &= back[k] == (tok[k] & mask);
            CHECK_MSG(ok, "unpack nbits %d offset %d n %zu", nbits, off, n);
        }
    }
}

int main(void) {
    test_bitstreams();
    test_ranges();
    test_integers();
    test_ieee();
    test_packed_reals();
    test_missing();
    return tc_finish();
}
