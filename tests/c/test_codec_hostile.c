/* Hostile payloads and descriptors: every malformed input gives FST24_E_DECODE
 * or FST24_E_INVALID (never a crash or an out-of-bounds access; run under
 * -DFST24_SANITIZE=ON to check the latter). */
#include "test_codec_util.h"

#include <math.h>

#include "codec/codec.h"
#include "fst24.h"

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return rs;
}

static fst_codec_desc desc(int datyp, int nbits, int dasiz, int64_t ni, int64_t nj, int64_t nk) {
    fst_codec_desc d = {datyp, nbits, dasiz, ni, nj, nk};
    return d;
}

static int is_error(int rc) { return rc == FST24_E_DECODE || rc == FST24_E_INVALID; }

/* Decode into an exactly sized heap buffer (so ASan sees any overflow). */
static int try_decode(const uint32_t *w, size_t nw, fst_codec_desc d) {
    fst24_elem_type t;
    size_t count;
    int rc = fst_codec_layout(&d, &t, &count);
    if (rc) return rc;
    size_t bytes = count * fst24_elem_size(t);
    void *out = malloc(bytes ? bytes : 1);
    /* copy the payload to an exactly sized heap block too */
    uint32_t *copy = malloc(nw ? nw * 4 : 4);
    if (nw) memcpy(copy, w, nw * 4);
    rc = fst_codec_decode(nw ? copy : NULL, nw, &d, out, t, count, 1);
    free(copy);
    free(out);
    return rc;
}

static void test_descriptors(void) {
    uint32_t w[16] = {0};
    CHECK(is_error(try_decode(w, 16, desc(5, 0, 32, 2, 2, 1))));
    CHECK(is_error(try_decode(w, 16, desc(5, 65, 32, 2, 2, 1))));
    CHECK(is_error(try_decode(w, 16, desc(5, 40, 32, 2, 2, 1))));
    CHECK(is_error(try_decode(w, 16, desc(2, 40, 32, 2, 2, 1))));
    CHECK(is_error(try_decode(w, 16, desc(9, 32, 32, 2, 2, 1))));
    CHECK(is_error(try_decode(w, 16, desc(131, 8, 32, 2, 2, 1))));
    CHECK(is_error(try_decode(w, 16, desc(136, 32, 32, 2, 2, 1))));
    CHECK(is_error(try_decode(w, 16, desc(5, 32, 32, 0, 2, 1))));
    CHECK(is_error(try_decode(w, 16, desc(5, 32, 32, -1, 2, 1))));
    CHECK(is_error(try_decode(w, 16, desc(5, 32, 32, (int64_t)1 << 30, (int64_t)1 << 30, 1 << 20))));
    fst24_elem_type t;
    size_t c;
    fst_codec_desc d = desc(5, 32, 32, 2, 2, 1);
    CHECK(fst_codec_layout(&d, &t, &c) == FST24_OK);
    /* output buffer too small, narrowing */
    float o[4];
    CHECK(fst_codec_decode(w, 16, &d, o, FST24_ELEM_F32, 3, 0) == FST24_E_INVALID);
    CHECK(fst_codec_decode(w, 16, &d, o, FST24_ELEM_I32, 4, 0) == FST24_E_INVALID);
    CHECK(fst_codec_decode(w, 16, &d, NULL, FST24_ELEM_F32, 4, 0) == FST24_E_INVALID);
    /* encoder argument errors */
    fst_codec_desc req = desc(5, 8, 32, 2, 2, 1), st;
    uint32_t *pw = NULL;
    size_t nw = 0;
    CHECK(fst_codec_encode(o, FST24_ELEM_F32, &req, 0, &st, &pw, &nw) == FST24_E_INVALID); /* E < 16 bits */
    req = desc(1, 16, 32, 2, 2, 1);
    CHECK(fst_codec_encode(o, FST24_ELEM_I32, &req, 0, &st, &pw, &nw) == FST24_E_INVALID); /* ints as reals */
    req = desc(2, 0, 32, 2, 2, 1);
    CHECK(fst_codec_encode(o, FST24_ELEM_U32, &req, 0, &st, &pw, &nw) == FST24_E_INVALID);
    const float big[2] = {1.0f, 2.0e38f};
    req = desc(1, 16, 32, 2, 1, 1);
    CHECK(fst_codec_encode(big, FST24_ELEM_F32, &req, 0, &st, &pw, &nw) == FST24_E_INVALID); /* > 1e38 */
    uint64_t u64[4] = {1, 2, 3, 4};
    req = desc(2, 64, 64, 2, 2, 1);
    CHECK(fst_codec_encode(u64, FST24_ELEM_U64, &req, 0, &st, &pw, &nw) == FST24_E_UNSUPPORTED); /* XDF */
    CHECK(fst_codec_encode(u64, FST24_ELEM_U64, &req, 1, &st, &pw, &nw) == FST24_OK && st.nbits == 64);
    uint64_t back[4];
    CHECK(fst_codec_decode(pw, nw, &st, back, FST24_ELEM_U64, 4, 0) == FST24_OK && memcmp(back, u64, 32) == 0);
    free(pw);
}

/* Every valid payload of a few types, cut short at every length: error, never a crash. */
static void test_truncation(void) {
    const int ni = 20, nj = 18, n = ni * nj;
    float *x = malloc(n * 4);
    for (int k = 0; k < n; k++) x[k] = (float)(100.0 + (k % ni) * 0.5 + (k / ni) * 0.25 + (k % 7) * 0.01);
    const int types[] = {1, 5, 6, 129, 133, 134, 5, 8};
    const int nbs[] = {16, 32, 12, 16, 24, 12, 16, 32};
    for (int q = 0; q < 8; q++) {
        fst_codec_desc req = desc(types[q], nbs[q], 32, types[q] == 8 ? ni / 2 : ni, nj, 1), st;
        uint32_t *w = NULL;
        size_t nw = 0;
        CHECK(fst_codec_encode(x, FST24_ELEM_F32, &req, 0, &st, &w, &nw) == FST24_OK);
        CHECK(try_decode(w, nw, st) == FST24_OK);
        int errors = 0;
        for (size_t cut = 0; cut < nw; cut++) {
            int rc = try_decode(w, cut, st);
            CHECK_MSG(rc == FST24_OK || is_error(rc), "datyp %d cut %zu: rc %d", st.datyp, cut, rc);
            errors += rc != FST24_OK;
        }
        CHECK_MSG(errors > 0, "datyp %d: no truncation detected", st.datyp);
        free(w);
    }
    uint32_t iv[64];
    for (int k = 0; k < 64; k++) iv[k] = (uint32_t)k * 7;
    for (int dt = 2; dt <= 4; dt++) {
        fst_codec_desc req = desc(dt == 3 ? 7 : dt, dt == 3 ? 8 : dt == 4 ? 10 : 9, 32, 8, 8, 1), st;
        uint32_t *w = NULL;
        size_t nw = 0;
        CHECK(fst_codec_encode(iv, dt == 3 ? FST24_ELEM_U8 : FST24_ELEM_U32, &req, 0, &st, &w, &nw) == FST24_OK);
        for (size_t cut = 0; cut < nw; cut++) {
            int rc = try_decode(w, cut, st);
            CHECK(rc == FST24_OK || is_error(rc));
        }
        CHECK(is_error(try_decode(w, 0, st)));
        free(w);
    }
    free(x);
}

/* Random garbage behind valid-looking headers of the compressed types. */
static void test_garbage(void) {
    const uint32_t armn_headers[] = {0x0000B194, 0x0000B283, 0x0000C194, 0x0000B191, 0x00003194, 0xFFFFFFFF, 0};
    uint32_t w[400];
    int ok = 0, err = 0;
    for (int iter = 0; iter < 3000; iter++) {
        int64_t ni = 1 + (int64_t)(rnd() % 40), nj = 1 + (int64_t)(rnd() % 40);
        size_t nw = (size_t)(rnd() % 400);
        for (size_t k = 0; k < nw; k++) w[k] = (uint32_t)rnd();
        /* sparse garbage is more likely to get deep into the decoders */
        if (iter & 1)
            for (size_t k = 0; k < nw; k++) w[k] &= (uint32_t)rnd() & (uint32_t)rnd();
        int which = (int)(rnd() % 5);
        fst_codec_desc d;
        switch (which) {
        case 0: /* 134 */
            if (nw > 4) { w[1] = 0xEFF00000u | (w[1] & 0xFFFFF); w[3] = (uint32_t)(ni * nj); w[4] = armn_headers[rnd() % 7] ^ (uint32_t)(rnd() & 0x7C00); }
            d = desc(134 | (int)(rnd() & 64), 12, 32, ni, nj, 1);
            break;
        case 1: /* 129 */
            if (nw > 5) { w[1] = 0xFFF00000u | (w[1] & 0xFFFFF); w[5] = armn_headers[rnd() % 7]; }
            d = desc(129, 16, 32, ni, nj, 1);
            break;
        case 2: /* 130 */
            if (nw > 1) w[1] = armn_headers[rnd() % 7];
            d = desc(130 | (int)(rnd() & 64), 1 + (int)(rnd() % 16), (rnd() & 1) ? 16 : 32, ni, nj, 1);
            break;
        case 3: /* 133 */
            if (nw > 2) { w[1] = 0x0008DD95u ^ (uint32_t)(rnd() & 0x7C00); w[2] &= 0x00FF0F3F; }
            d = desc(133, 16 + (int)(rnd() % 17), 32, ni, nj, 1);
            break;
        default: /* 1 and 6 headers */
            if (nw > 3) w[0] = (rnd() & 1) ? (0x7FF00000u | (w[0] & 0xFFFFF)) : (0xEFF00000u | (w[0] & 0xFFFFF));
            if (nw > 3 && (w[0] >> 20) == 0xEFF) w[2] = (uint32_t)(ni * nj);
            d = desc((w[0] >> 20) == 0xEFF ? 6 : 1, 16, 32, ni, nj, 1);
            break;
        }
        int rc = try_decode(w, nw, d);
        CHECK_MSG(rc == FST24_OK || is_error(rc), "garbage case %d: rc %d", which, rc);
        if (rc == FST24_OK) ok++;
        else err++;
    }
    CHECK(err > 0);
    printf("garbage: %d decoded, %d rejected\n", ok, err);
}

/* NaN, infinities and huge values given to the encoders: an error or a
 * payload, never undefined behaviour (checked under the sanitizers). */
static void test_nonfinite_inputs(void) {
    const int ni = 20, nj = 20, n = ni * nj;
    float *x = malloc(n * 4);
    const float specials[] = {NAN, INFINITY, -INFINITY, 3.4e38f, -3.4e38f, 1e-45f, -0.0f};
    const int types[] = {1, 5, 6, 129, 133, 134, 65, 70, 197};
    const int nbs[] = {16, 24, 12, 16, 32, 16, 16, 12, 32};
    for (int sp = 0; sp < 7; sp++) {
        for (int k = 0; k < n; k++) x[k] = (float)(k % 17) * 0.25f;
        for (int k = 3; k < n; k += 31) x[k] = specials[sp];
        for (int q = 0; q < 9; q++) {
            fst_codec_desc req = desc(types[q], nbs[q], 32, ni, nj, 1), st;
            uint32_t *w = NULL;
            size_t nw = 0;
            int rc = fst_codec_encode(x, FST24_ELEM_F32, &req, 0, &st, &w, &nw);
            CHECK_MSG(rc == FST24_OK || rc == FST24_E_INVALID, "special %d datyp %d: rc %d", sp, types[q], rc);
            if (rc == FST24_OK) {
                rc = try_decode(w, nw, st);
                CHECK(rc == FST24_OK || is_error(rc));
            }
            free(w);
        }
    }
    free(x);
}

/* Valid compressed payloads of a realistic field with random bit flips. */
static void test_bitflips(void) {
    const int ni = 64, nj = 48, n = ni * nj;
    float *x = malloc(n * 4);
    int32_t *iv = malloc(n * 4);
    for (int j = 0; j < nj; j++)
        for (int i = 0; i < ni; i++) {
            x[j * ni + i] = (float)(250.0 + 20.0 * sin(0.1 * i) * cos(0.13 * j) + 0.01 * (double)(rnd() % 100));
            iv[j * ni + i] = (int32_t)((i * 7 + j * 3 + (int)(rnd() % 4)) & 0xFFF);
        }
    const int types[] = {134, 129, 133, 130, 134, 133};
    const int nbs[] = {16, 16, 24, 12, 8, 32};
    int decoded = 0, rejected = 0;
    for (int q = 0; q < 6; q++) {
        fst_codec_desc req = desc(types[q], nbs[q], 32, ni, nj, 1), st;
        uint32_t *w = NULL;
        size_t nw = 0;
        CHECK(fst_codec_encode(types[q] == 130 ? (const void *)iv : (const void *)x,
                               types[q] == 130 ? FST24_ELEM_I32 : FST24_ELEM_F32, &req, 0, &st, &w, &nw) == FST24_OK);
        CHECK_MSG(st.datyp == types[q], "datyp %d did not compress (stored %d)", types[q], st.datyp);
        uint32_t *m = malloc(nw * 4);
        for (int iter = 0; iter < 1500; iter++) {
            memcpy(m, w, nw * 4);
            int flips = 1 + (int)(rnd() % 8);
            for (int k = 0; k < flips; k++) {
                size_t bit = (size_t)(rnd() % (nw * 32));
                m[bit / 32] ^= 1u << (bit % 32);
            }
            int rc = try_decode(m, nw, st);
            CHECK_MSG(rc == FST24_OK || is_error(rc), "datyp %d flipped: rc %d", st.datyp, rc);
            if (rc == FST24_OK) decoded++;
            else rejected++;
        }
        free(m);
        free(w);
    }
    printf("bit flips: %d decoded, %d rejected\n", decoded, rejected);
    free(x);
    free(iv);
}

int main(void) {
    test_bitflips();
    test_nonfinite_inputs();
    test_descriptors();
    test_truncation();
    test_garbage();
    return tc_finish();
}
