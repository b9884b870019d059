/* Known vectors of ENCODING.md §15-16, decoded and encoded bit-exactly. */
#include "test_codec_util.h"

#include "codec/codec.h"
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

int main(void) {
    test_ieee();
    test_raw();
    return tc_finish();
}
