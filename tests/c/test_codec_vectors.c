/* Known vectors of ENCODING.md §15-16, decoded and encoded bit-exactly. */
#include "test_codec_util.h"

#include <math.h>

#include "codec/codec.h"
#include "codec/ieee_compress.h"
#include "fst24.h"

static fst_codec_desc desc(int datyp, int nbits, int dasiz, int ni, int nj, int nk) {
    fst_codec_desc d = {datyp, nbits, dasiz, ni, nj, nk};
    return d;
}

/* Encode and compare the payload words with `expect` (all L words). */
static void check_encode(const void *data, fst24_elem_type t, fst_codec_desc req, int is_rsf,
                         const uint32_t *expect, size_t nexpect, int exp_datyp, int exp_nbits) {
    fst_codec_desc st;
    uint32_t *w = NULL;
    size_t nw = 0;
    int rc = fst_codec_encode(data, t, &req, is_rsf, &st, &w, &nw);
    CHECK_MSG(rc == FST24_OK, "encode datyp %d nbits %d: %s", req.datyp, req.nbits, fst24_last_error());
    CHECK_MSG(nw == nexpect, "datyp %d: %zu words, expected %zu", req.datyp, nw, nexpect);
    for (size_t i = 0; i < nw; i++)
        CHECK_MSG(w[i] == expect[i], "datyp %d word %zu: %08X expected %08X", req.datyp, i, w[i], expect[i]);
    CHECK(st.datyp == exp_datyp);
    CHECK(st.nbits == exp_nbits);
    free(w);
}

static void test_ieee(void) {
    const float e[4] = {1.0f, -2.5f, 3.14159265358979f, 0.001f};
    /* E1 */
    const uint32_t e1[8] = {0x3F800000, 0xC0200000, 0x40490FDB, 0x3A83126F, 0, 0, 0, 0};
    check_encode(e, FST24_ELEM_F32, desc(5, 32, 32, 4, 1, 1), 0, e1, 8, 5, 32);
    /* E2: 24 bits */
    const uint32_t e2[8] = {0x3F8000C0, 0x20004049, 0x0F3A8312, 0, 0, 0, 0, 0};
    check_encode(e, FST24_ELEM_F32, desc(5, 24, 32, 4, 1, 1), 0, e2, 8, 5, 24);
    fst_codec_desc d = desc(5, 24, 32, 4, 1, 1);
    float out[4];
    CHECK(fst_codec_decode(e2, 8, &d, out, FST24_ELEM_F32, 4, 0) == FST24_OK);
    CHECK(out[0] == 1.0f && out[1] == -2.5f && out[2] == 3.14154052734375f &&
          out[3] == 0.0009999871253967285f);
    /* E3: 16 bits */
    const uint32_t e3[6] = {0x3F80C020, 0x40493A83, 0, 0, 0, 0};
    check_encode(e, FST24_ELEM_F32, desc(5, 16, 32, 4, 1, 1), 0, e3, 6, 5, 16);
    d = desc(5, 16, 32, 4, 1, 1);
    CHECK(fst_codec_decode(e3, 6, &d, out, FST24_ELEM_F32, 4, 0) == FST24_OK);
    CHECK(out[2] == 3.140625f && out[3] == 0.00099945068359375f);
    /* E4: binary64 */
    const double e4in[3] = {1.0, -2.5, 3.141592653589793};
    const uint32_t e4[10] = {0x3FF00000, 0, 0xC0040000, 0, 0x400921FB, 0x54442D18, 0, 0, 0, 0};
    check_encode(e4in, FST24_ELEM_F64, desc(5, 64, 64, 3, 1, 1), 0, e4, 10, 5, 64);
    d = desc(5, 64, 64, 3, 1, 1);
    double o64[3];
    fst24_elem_type t;
    size_t c;
    CHECK(fst_codec_layout(&d, &t, &c) == FST24_OK && t == FST24_ELEM_F64 && c == 3);
    CHECK(fst_codec_decode(e4, 10, &d, o64, FST24_ELEM_F64, 3, 0) == FST24_OK);
    CHECK(memcmp(o64, e4in, sizeof o64) == 0);
    /* Z1: complex */
    const float z[4] = {1.0f, 2.0f, -0.5f, 3.0f};
    const uint32_t z1[4] = {0x3F800000, 0x40000000, 0xBF000000, 0x40400000};
    check_encode(z, FST24_ELEM_F32, desc(8, 32, 32, 2, 1, 1), 0, z1, 4, 8, 32);
    d = desc(8, 32, 32, 2, 1, 1);
    CHECK(fst_codec_layout(&d, &t, &c) == FST24_OK && t == FST24_ELEM_F32 && c == 4);
    CHECK(fst_codec_decode(z1, 4, &d, out, FST24_ELEM_F32, 4, 0) == FST24_OK);
    CHECK(memcmp(out, z, sizeof z) == 0);
    /* §15.3 record "!!" */
    const uint32_t vv[16] = {0x40000000, 0, 0x3FF00000, 0, 0x3FF00000, 0, 0x41830C35, 0,
                             0x40F86A00, 0, 0, 0, 0, 0, 0, 0};
    d = desc(5, 64, 0, 3, 2, 1);
    double v6[6];
    CHECK(fst_codec_decode(vv, 16, &d, v6, FST24_ELEM_NONE, 6, 0) == FST24_OK);
    CHECK(v6[0] == 2.0 && v6[1] == 1.0 && v6[2] == 1.0 && v6[3] == 39945888.0 && v6[4] == 100000.0 && v6[5] == 0.0);
    /* §15.4 XX E16 */
    const uint32_t xx[2] = {0xBB92BE20, 0xBEB2BEDC};
    d = desc(5, 16, 0, 4, 1, 1);
    CHECK(fst_codec_decode(xx, 2, &d, out, FST24_ELEM_F32, 4, 0) == FST24_OK);
    CHECK(out[0] == -0.00445556640625f && out[1] == -0.15625f);
    /* widening f32 -> f64 */
    d = desc(5, 32, 32, 4, 1, 1);
    double w4[4];
    CHECK(fst_codec_decode(e1, 8, &d, w4, FST24_ELEM_F64, 4, 0) == FST24_OK);
    CHECK(w4[0] == 1.0 && w4[1] == -2.5 && w4[2] == (double)3.14159265358979f);
    /* binary32 data with 64 bits requested: E64 (widened) in XDF, E32 in RSF (pack_bits lowered) */
    fst_codec_desc rq = desc(5, 64, 32, 4, 1, 1), stq;
    uint32_t *pw = NULL;
    size_t pnw = 0;
    CHECK(fst_codec_encode(e, FST24_ELEM_F32, &rq, 0, &stq, &pw, &pnw) == FST24_OK);
    CHECK(stq.datyp == 5 && stq.nbits == 64 && stq.dasiz == 64 && pw[0] == 0x3FF00000 && pw[1] == 0);
    free(pw);
    CHECK(fst_codec_encode(e, FST24_ELEM_F32, &rq, 1, &stq, &pw, &pnw) == FST24_OK);
    CHECK(stq.datyp == 5 && stq.nbits == 32 && stq.dasiz == 32 && pw[0] == 0x3F800000);
    free(pw);
    /* narrowing refused */
    d = desc(5, 64, 64, 3, 1, 1);
    CHECK(fst_codec_decode(e4, 10, &d, out, FST24_ELEM_F32, 3, 0) == FST24_E_INVALID);
}

static void test_raw(void) {
    const uint32_t in[3] = {0xC4015A07, 0x2FB4A1A0, 0x9C10DBC4};
    uint32_t exp[8] = {0xC4015A07, 0x2FB4A1A0, 0x9C10DBC4, 0, 0, 0, 0, 0};
    check_encode(in, FST24_ELEM_U32, desc(0, 32, 32, 3, 1, 1), 0, exp, 8, 0, 32);
    fst_codec_desc d = desc(0, 32, 0, 3, 1, 1);
    uint32_t out[3];
    CHECK(fst_codec_decode(exp, 8, &d, out, FST24_ELEM_U32, 3, 0) == FST24_OK);
    CHECK(memcmp(in, out, sizeof in) == 0);
    /* odd nbits: bytes */
    d = desc(0, 12, 0, 5, 1, 1);
    fst24_elem_type t;
    size_t c;
    CHECK(fst_codec_layout(&d, &t, &c) == FST24_OK && t == FST24_ELEM_U8 && c == 8);
    uint8_t b[8];
    CHECK(fst_codec_decode(exp, 2, &d, b, FST24_ELEM_U8, 8, 0) == FST24_OK);
    CHECK(b[0] == 0x07 && b[1] == 0x5A && b[4] == 0xA0);
    /* too short */
    CHECK(fst_codec_decode(exp, 1, &d, b, FST24_ELEM_U8, 8, 0) == FST24_E_DECODE);
}

/* Decode helper: native type, returns the status. */
static int dec(const uint32_t *w, size_t nw, fst_codec_desc d, void *out, size_t count, int missing) {
    return fst_codec_decode(w, nw, &d, out, FST24_ELEM_NONE, count, missing);
}

static void test_quant(void) {
    const float r1[6] = {1.0f, 2.0f, 3.5f, -0.25f, 10.0f, 7.75f};
    const uint32_t r1w[6] = {0x7FF00006, 0x0FFC3CE1, 0x80000000, 0x00000814, 0x243C00A4, 0x80000000};
    check_encode(r1, FST24_ELEM_F32, desc(1, 8, 32, 6, 1, 1), 0, r1w, 6, 1, 8);
    float o[8];
    CHECK(dec(r1w, 6, desc(1, 8, 32, 6, 1, 1), o, 6, 0) == FST24_OK);
    CHECK(memcmp(o, r1, sizeof r1) == 0);
    double o64[6];
    CHECK(dec(r1w, 6, desc(1, 8, 64, 6, 1, 1), o64, 6, 0) == FST24_OK);
    CHECK(o64[0] == 1.0000000000001248 && o64[1] == 2.0000000000002247 && o64[2] == 3.500000000000375 &&
          o64[3] == -0.25 && o64[4] == 10.000000000001025 && o64[5] == 7.750000000000799);
    /* a binary32 record read into f64 gives the same binary64 unpacker values */
    fst_codec_desc d32 = desc(1, 8, 32, 6, 1, 1);
    double w64[6];
    CHECK(fst_codec_decode(r1w, 6, &d32, w64, FST24_ELEM_F64, 6, 0) == FST24_OK);
    CHECK(memcmp(w64, o64, sizeof w64) == 0);
    const float r2[5] = {0.0f, 0.5f, 1.0f, 0.25f, 0.7f};
    const uint32_t r2w[6] = {0x7FF00005, 0x0FFD1110, 0x00000000, 0x00000404, 0x82500000, 0};
    check_encode(r2, FST24_ELEM_F32, desc(1, 4, 32, 5, 1, 1), 0, r2w, 6, 1, 4);
    CHECK(dec(r2w, 6, desc(1, 4, 32, 5, 1, 1), o, 5, 0) == FST24_OK);
    CHECK(o[0] == 0.0f && o[1] == 0.5f && o[2] == 1.0f && o[3] == 0.25f && o[4] == 0.625f);
    const float r3[4] = {5.0f, 5.0f, 5.0f, 5.0f};
    const uint32_t r3w[6] = {0x7FF00004, 0x0FF43D20, 0xA0000000, 0x00000C00, 0, 0};
    check_encode(r3, FST24_ELEM_F32, desc(1, 12, 32, 4, 1, 1), 0, r3w, 6, 1, 12);
    const float r4[5] = {1013.25f, 1000.0f, 987.5f, 850.0f, 1040.75f};
    const double r5[5] = {1013.25, 1000.0, 987.5, 850.0, 1040.75};
    const uint32_t r4w[8] = {0x7FF00005, 0x0FF83D90, 0xD4800000, 0x000010A3, 0x40960089, 0x800000BE, 0xC0000000, 0};
    check_encode(r4, FST24_ELEM_F32, desc(1, 16, 32, 5, 1, 1), 0, r4w, 8, 1, 16);
    CHECK(dec(r4w, 8, desc(1, 16, 32, 5, 1, 1), o, 5, 0) == FST24_OK);
    CHECK(memcmp(o, r4, sizeof r4) == 0);
    /* R5: binary64 input (rounded to binary32 first) gives the same payload */
    check_encode(r5, FST24_ELEM_F64, desc(1, 16, 64, 5, 1, 1), 0, r4w, 8, 1, 16);
    /* ... and so does the binary64 quantiser itself (datyp 801, FST_TYPE_MAGIC) */
    check_encode(r5, FST24_ELEM_F64, desc(801, 16, 64, 5, 1, 1), 0, r4w, 8, 1, 16);
    /* 15.1 PN and UU */
    const uint32_t pn[8] = {0x7FF13880, 0x0FF83D90, 0xE9F84700, 0x00001059, 0xCF59DF59, 0xEE5A005A, 0x0F5A1A5A, 0x345A3E5A};
    fst_codec_desc d = desc(1, 16, 0, 6, 1, 1);
    CHECK(dec(pn, 8, d, o, 6, 0) == FST24_OK);
    CHECK(o[0] == 1025.68798828125f && o[1] == 1025.75048828125f && o[2] == 1025.80908203125f &&
          o[3] == 1025.87939453125f && o[4] == 1025.93798828125f && o[5] == 1025.98095703125f);
    const uint32_t uu[5] = {0x7FF00519, 0x0FF73D51, 0xB0CE4F00, 0x00001050, 0x6B53BF56};
    CHECK(dec(uu, 5, desc(1, 16, 0, 1, 1, 1), o, 1, 0) == FST24_OK);
    CHECK(fabsf(o[0] - -3.99248886f) < 1e-6f);
}

static void test_fpack(void) {
    const float f1[6] = {1.0f, 2.0f, 3.5f, -0.25f, 10.0f, 7.75f};
    const uint32_t f1w[6] = {0xEFF78210, 0xFFFC0000, 0x00000006, 0x00140024, 0x003C0000, 0x00A40080};
    check_encode(f1, FST24_ELEM_F32, desc(6, 8, 32, 6, 1, 1), 0, f1w, 6, 6, 8);
    float o[6];
    CHECK(dec(f1w, 6, desc(6, 8, 32, 6, 1, 1), o, 6, 0) == FST24_OK);
    CHECK(memcmp(o, f1, sizeof f1) == 0);
    const float f2[5] = {1013.25f, 1000.0f, 987.5f, 850.0f, 1040.75f};
    const uint32_t f2w[6] = {0xEFFF8905, 0x006A4000, 0x00000005, 0xA3409600, 0x89800000, 0xBEC00000};
    check_encode(f2, FST24_ELEM_F32, desc(6, 16, 32, 5, 1, 1), 0, f2w, 6, 6, 16);
    CHECK(dec(f2w, 6, desc(6, 16, 32, 5, 1, 1), o, 5, 0) == FST24_OK);
    CHECK(memcmp(o, f2, sizeof f2) == 0);
    /* header count must match the record */
    CHECK(dec(f2w, 6, desc(6, 16, 32, 4, 1, 1), o, 4, 0) == FST24_E_DECODE);
}

static void test_int(void) {
    const uint32_t i1[9] = {0, 1, 2, 3, 4, 5, 6, 7, 5};
    const uint32_t i1w[6] = {0x053977A0, 0, 0, 0, 0, 0};
    check_encode(i1, FST24_ELEM_U32, desc(2, 3, 32, 9, 1, 1), 0, i1w, 6, 2, 3);
    uint32_t o[10];
    CHECK(dec(i1w, 6, desc(2, 3, 32, 9, 1, 1), o, 9, 0) == FST24_OK);
    CHECK(memcmp(o, i1, sizeof i1) == 0);
    const uint32_t i2[3] = {4095, 0, 1234};
    const uint32_t i2w[6] = {0xFFF0004D, 0x20000000, 0, 0, 0, 0};
    check_encode(i2, FST24_ELEM_U32, desc(2, 12, 32, 3, 1, 1), 0, i2w, 6, 2, 12);
    const uint32_t i3[2] = {0xDEADBEEF, 1};
    const uint32_t i3w[6] = {0xDEADBEEF, 1, 0, 0, 0, 0};
    check_encode(i3, FST24_ELEM_U32, desc(2, 32, 32, 2, 1, 1), 0, i3w, 6, 2, 32);
    const uint8_t i4[10] = {1, 0, 1, 1, 0, 0, 0, 1, 1, 1};
    const uint32_t i4w[6] = {0xB1C00000, 0, 0, 0, 0, 0};
    check_encode(i4, FST24_ELEM_U8, desc(2, 1, 8, 10, 1, 1), 0, i4w, 6, 2, 1);
    uint8_t o8[10];
    CHECK(dec(i4w, 6, desc(2, 1, 8, 10, 1, 1), o8, 10, 0) == FST24_OK);
    CHECK(memcmp(o8, i4, sizeof i4) == 0);
    const int8_t s1[5] = {-128, -1, 0, 1, 127};
    const uint32_t s1w[6] = {0x007F8081, 0xFF000000, 0, 0, 0, 0};
    check_encode(s1, FST24_ELEM_I8, desc(4, 8, 8, 5, 1, 1), 0, s1w, 6, 4, 8);
    int8_t os1[5];
    CHECK(dec(s1w, 6, desc(4, 8, 8, 5, 1, 1), os1, 5, 0) == FST24_OK);
    CHECK(memcmp(os1, s1, sizeof s1) == 0);
    const int32_t s2[4] = {-16, 15, -3, 7};
    const uint32_t s2w[6] = {0x07DB7000, 0, 0, 0, 0, 0};
    check_encode(s2, FST24_ELEM_I32, desc(4, 5, 32, 4, 1, 1), 0, s2w, 6, 4, 5);
    int32_t os2[4];
    CHECK(dec(s2w, 6, desc(4, 5, 32, 4, 1, 1), os2, 4, 0) == FST24_OK);
    CHECK(memcmp(os2, s2, sizeof s2) == 0);
    const int32_t s3[4] = {-1, 0, 2147483647, INT32_MIN};
    const uint32_t s3w[8] = {0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x00000000, 0, 0, 0, 0};
    check_encode(s3, FST24_ELEM_I32, desc(4, 32, 32, 4, 1, 1), 0, s3w, 8, 4, 32);
    /* widening: signed 32-bit record read into int64 */
    int64_t o64[4];
    fst_codec_desc d = desc(4, 32, 32, 4, 1, 1);
    CHECK(fst_codec_decode(s3w, 8, &d, o64, FST24_ELEM_I64, 4, 0) == FST24_OK);
    CHECK(o64[0] == -1 && o64[2] == 2147483647 && o64[3] == INT32_MIN);
    /* 16-bit unsigned elements store min(16, nbits) */
    const uint16_t u16[2] = {1, 2};
    const uint32_t u16w[6] = {0x00010002, 0, 0, 0, 0, 0};
    check_encode(u16, FST24_ELEM_U16, desc(2, 32, 16, 2, 1, 1), 0, u16w, 6, 2, 16);
}

static void test_chars(void) {
    const char *a1 = "HELLO, FST!";
    const uint32_t a1w[8] = {0x48454C4C, 0x4F2C2046, 0x53542100, 0, 0, 0, 0, 0};
    check_encode(a1, FST24_ELEM_U8, desc(7, 8, 8, 11, 1, 1), 0, a1w, 8, 7, 8);
    char o[12] = {0};
    CHECK(dec(a1w, 8, desc(7, 8, 0, 11, 1, 1), o, 11, 0) == FST24_OK);
    CHECK(memcmp(o, a1, 11) == 0);
    const uint32_t c1w[6] = {0x44434241, 0x00474645, 0, 0, 0, 0};
    check_encode("ABCDEFG", FST24_ELEM_U8, desc(3, 8, 8, 7, 1, 1), 0, c1w, 6, 3, 8);
    CHECK(dec(c1w, 6, desc(3, 8, 0, 7, 1, 1), o, 7, 0) == FST24_OK);
    CHECK(memcmp(o, "ABCDEFG", 7) == 0);
}

static void test_missing(void) {
    const float m1[4] = {1.0f, 2.0f, -1.0e38f, 4.0f};
    const uint32_t m1w[6] = {0x7FF00004, 0x0FF23D00, 0x80000000, 0x00001000, 0x004000C1, 0xEBC00000};
    check_encode(m1, FST24_ELEM_F32, desc(65, 16, 32, 4, 1, 1), 0, m1w, 6, 65, 16);
    float o[4];
    CHECK(dec(m1w, 6, desc(65, 16, 32, 4, 1, 1), o, 4, 0) == FST24_OK);
    CHECK(o[0] == 1.0f && o[1] == 2.0f && o[2] == 4.02996826171875f && o[3] == 4.0f);
    CHECK(dec(m1w, 6, desc(65, 16, 32, 4, 1, 1), o, 4, 1) == FST24_OK);
    CHECK(o[0] == 1.0f && o[1] == 2.0f && o[2] == -1.0e38f && o[3] == 4.0f);
    /* M2: plug 4 + 3*0.28 with nbits 4: check through the decoded maximum */
    fst_codec_desc req = desc(65, 4, 32, 4, 1, 1), st;
    uint32_t *w = NULL;
    size_t nw = 0;
    CHECK(fst_codec_encode(m1, FST24_ELEM_F32, &req, 0, &st, &w, &nw) == FST24_OK && st.datyp == 65);
    CHECK(dec(w, nw, st, o, 4, 1) == FST24_OK && o[2] == -1.0e38f);
    free(w);
    /* M3, M4: signed plugs */
    const int32_t m3[4] = {5, INT32_MIN, 7, 3};
    const uint32_t m3w[6] = {0x80058008, 0x80078003, 0, 0, 0, 0};
    check_encode(m3, FST24_ELEM_I32, desc(68, 16, 32, 4, 1, 1), 0, m3w, 6, 68, 16);
    int32_t oi[4];
    CHECK(dec(m3w, 6, desc(68, 16, 32, 4, 1, 1), oi, 4, 1) == FST24_OK);
    CHECK(oi[0] == 5 && oi[1] == INT32_MIN && oi[2] == 7 && oi[3] == 3);
    /* M4: librmn's plug stays at the top code 32767, so the genuine 32767 decodes as
     * missing too. We read librmn's words that way, and refuse to write such a record
     * (docs/codecs.md, "Write validation"). */
    const int32_t m4[4] = {5, INT32_MIN, 32767, 3};
    const uint32_t m4w[6] = {0x8005FFFF, 0xFFFF8003, 0, 0, 0, 0};
    CHECK(dec(m4w, 6, desc(68, 16, 32, 4, 1, 1), oi, 4, 1) == FST24_OK);
    CHECK(oi[1] == INT32_MIN && oi[2] == INT32_MIN);
    req = desc(68, 16, 32, 4, 1, 1);
    CHECK(fst_codec_encode(m4, FST24_ELEM_I32, &req, 0, &st, &w, &nw) == FST24_E_INVALID);
    CHECK(strstr(fst24_last_error(), "use pack_bits >= 17") != NULL);
    /* no missing point: flag dropped */
    const float nm[2] = {1.0f, 2.0f};
    req = desc(65, 16, 32, 2, 1, 1);
    CHECK(fst_codec_encode(nm, FST24_ELEM_F32, &req, 0, &st, &w, &nw) == FST24_OK && st.datyp == 1);
    free(w);
}

/* Grid vectors of §16.6 and §16.7: encode, compare all words, decode back. */
static void check_grid(const void *in, fst24_elem_type t, int datyp, int nbits, int ni, int nj, const uint32_t *expect,
                       size_t nexp, int exact) {
    check_encode(in, t, desc(datyp, nbits, 32, ni, nj, 1), 0, expect, nexp, datyp, nbits);
    size_t n = (size_t)ni * nj;
    uint32_t *o = malloc(n * 4);
    CHECK(dec(expect, nexp, desc(datyp, nbits, 32, ni, nj, 1), o, n, 0) == FST24_OK);
    if (exact) CHECK(memcmp(o, in, n * 4) == 0);
    free(o);
}

static void test_compressed(void) {
    float k1[256];
    for (int j = 0; j < 16; j++)
        for (int i = 0; i < 16; i++)
            k1[j * 16 + i] = 200.0f + 0.5f * i + 0.25f * j + ((i >= 6 && i <= 8 && j >= 6 && j <= 7) ? 3.0f : 0.0f);
    const uint32_t k1w[38] = {
        0x00000026, 0xEFFB8608, 0x00C80000, 0x00000100, 0x0000B194, 0x80001002, 0x00300400, 0x50060070,
        0x0800900A, 0x00B00C00, 0xD00E00F0, 0x00801001, 0x80200280, 0x30038040, 0x04805005, 0x80600680,
        0x70078000, 0x00014000, 0x00000000, 0x00000000, 0x000C0280, 0x00000000, 0x00000000, 0x00002800,
        0x00500000, 0x00000000, 0x0A000000, 0x0000A000, 0x00000000, 0x000C0000, 0, 0, 0, 0, 0, 0, 0, 0};
    check_grid(k1, FST24_ELEM_F32, 134, 12, 16, 16, k1w, 38, 1);
    float k2[24];
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < 6; i++) k2[j * 6 + i] = (float)((10.0 + 0.1 * i) - 0.2 * j);
    const uint32_t k2w[20] = {0x00000014, 0xEFFB8209, 0x00966666, 0x00000018, 0x0000B283, 0xC0004CD5, 0x9A666733,
                              0x80033340, 0x04CD59A6, 0x6619A266, 0x3334004C, 0xD0000CD1, 0x9A266333, 0xB40099AC,
                              0xCCCD0000, 0, 0, 0, 0, 0};
    check_grid(k2, FST24_ELEM_F32, 134, 12, 6, 4, k2w, 20, 0);
    float o2[24];
    CHECK(dec(k2w, 20, desc(134, 12, 32, 6, 4, 1), o2, 24, 0) == FST24_OK);
    CHECK(o2[0] == 10.000097274780273f && o2[1] == 10.100194931030273f && o2[2] == 10.199804306030273f);
    int32_t k3[256];
    for (int j = 0; j < 16; j++)
        for (int i = 0; i < 16; i++) k3[j * 16 + i] = 100 + 3 * i + 5 * j + (((i == 5 && j == 5) || (i == 10 && j == 12)) ? 40 : 0);
    const uint32_t k3w[24] = {0x00000018, 0x0000B194, 0x80C80CE0, 0xD40DA0E0, 0x0E60EC0F, 0x20F80FE1, 0x0410A110,
                              0x11611C12, 0x20D20DC0, 0xE60F00FA, 0x10410E11, 0x812212C1, 0x3614014A, 0x15415E00,
                              0x0000C000, 0x0000A2C0, 0x0B0A0000, 0x00000001, 0x80000000, 0x00051600, 0x00003585,
                              0x00000000, 0x00000000, 0x00000000};
    check_grid(k3, FST24_ELEM_I32, 130, 12, 16, 16, k3w, 24, 1);
    float q1[256];
    for (int j = 0; j < 16; j++)
        for (int i = 0; i < 16; i++) q1[j * 16 + i] = 1.0f + (float)(i + 2 * j) / 1024.0f;
    const uint32_t q1w[36] = {
        0x00000024, 0x0008DD95, 0x007F0000, 0x00000000, 0xA0000000, 0x10000040, 0x0000C000, 0x02000005,
        0x00000C00, 0x001C0000, 0x40000090, 0x00014000, 0x02C00006, 0x00000D00, 0x001C0000, 0x3C000010,
        0x00004000, 0x00C00002, 0x00000500, 0x000C0000, 0x1C000040, 0x00009000, 0x01400002, 0xC0000600,
        0x000D0000, 0x1C00003C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    check_grid(q1, FST24_ELEM_F32, 133, 32, 16, 16, q1w, 36, 1);
    float q2[256];
    for (int j = 0; j < 16; j++)
        for (int i = 0; i < 16; i++)
            q2[j * 16 + i] = (1.5f + 0.0625f * (float)(i % 4)) * (i < 3 ? -1.0f : 1.0f) * (j >= 8 ? 2.0f : 1.0f);
    const uint32_t q2w[44] = {
        0x0000002C, 0x0008BD95, 0x007F0128, 0x00000024, 0x70897089, 0x70897089, 0x70897089, 0x70897089,
        0x70897089, 0x70897089, 0x70897089, 0x70897089, 0x00000000, 0x00000018, 0x8000003F, 0xC0000000,
        0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000024, 0xB0002400, 0x5000B001, 0x00024005,
        0x000B0010, 0x00240050, 0x00B00100, 0x02400500, 0x0B001000, 0x20004000, 0x80010002, 0x00040008,
        0x00100020, 0x00400080, 0x01000200, 0x04000000, 0, 0, 0, 0, 0, 0, 0, 0};
    check_grid(q2, FST24_ELEM_F32, 133, 24, 16, 16, q2w, 44, 1);
    /* §15.2 companion record PX: constant 1000 over 101 x 50, all-zero stream */
    uint32_t *px = calloc(138, 4);
    px[0] = 0x8A; px[1] = 0xEFFB8800; px[2] = 0x00FA0000; px[3] = 0x13BA; px[4] = 0xB194; px[5] = 0x80000000;
    float *o = malloc(5050 * 4);
    CHECK(dec(px, 138, desc(134, 12, 0, 101, 50, 1), o, 5050, 0) == FST24_OK);
    int all = 1;
    for (int k = 0; k < 5050; k++) all &= o[k] == 1000.0f;
    CHECK(all);
    free(o);
    free(px);
}

/* §16.8 sign run-length streams (data words only). */
static void check_rle(const uint8_t *s, size_t n, const uint32_t *expect, size_t nexp) {
    uint32_t w[8] = {0};
    uint64_t bits = fst_sign_rle_encode(s, n, w, 8);
    CHECK(bits > 0 && (bits + 31) / 32 == nexp);
    CHECK(memcmp(w, expect, nexp * 4) == 0);
    uint8_t back[700];
    CHECK(fst_sign_rle_decode(w, nexp, back, n) == FST24_OK);
    CHECK(memcmp(back, s, n) == 0);
}

static void test_sign_rle(void) {
    uint8_t s[700];
    size_t n = 0;
    for (int k = 0; k < 10; k++) s[n++] = 0;
    for (int k = 0; k < 3; k++) s[n++] = 1;
    for (int k = 0; k < 300; k++) s[n++] = 0;
    for (int k = 0; k < 5; k++) s[n++] = 1;
    const uint32_t e1[2] = {0x8A70BEBE, 0xBEBEB07C};
    check_rle(s, n, e1, 2);
    const uint8_t s2[9] = {1, 0, 1, 1, 0, 0, 1, 0, 1};
    const uint32_t e2[1] = {0x59200000};
    check_rle(s2, 9, e2, 1);
    n = 0;
    for (int k = 0; k < 70; k++) s[n++] = 0;
    s[n++] = 1;
    s[n++] = 1;
    const uint32_t e3[1] = {0xBE886000};
    check_rle(s, n, e3, 1);
    n = 0;
    for (int k = 0; k < 600; k++) s[n++] = 1;
    for (int k = 0; k < 3; k++) s[n++] = 0;
    const uint32_t e4[2] = {0xFEFFFFDC, 0x00000000};
    check_rle(s, n, e4, 2);
}

int main(void) {
    test_sign_rle();
    test_ieee();
    test_raw();
    test_quant();
    test_fpack();
    test_int();
    test_chars();
    test_missing();
    test_compressed();
    return tc_finish();
}
