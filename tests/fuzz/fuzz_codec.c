/* Fuzz target "codec": every payload decoder, and the encoders' promise.
 *
 * Input: a 12-byte descriptor, then the payload (32-bit little-endian words):
 *   byte 0      mode: bit 0 clear = decode the payload; set = encode the rest of
 *               the input as values, then decode the result
 *   byte 1      datyp (any 0..255: flags 64/128 included, invalid ones too)
 *   byte 2      nbits (0..255)
 *   byte 3      dasiz selector (0, 8, 16, 32, 64) / input element type (encode)
 *   bytes 4-9   ni, nj (16 bits each), nk (16 bits), each at least 1
 *   bytes 10-11 first, count of a range decode (scaled to the record)
 * Decoding: native type with and without missing-value decoding, a widened
 * output, and a block range when the type supports it. Encoding: whatever the
 * encoder accepts must decode (a record that does not read back is a bug:
 * the target aborts). */
#include <stdlib.h>

#include "codec/codec.h"
#include "fuzz_common.h"

/* Values per record here: the decoders' logic does not depend on size beyond this,
 * and smaller records mean many more executions. */
#undef FZ_MAX_VALUES
#define FZ_MAX_VALUES ((size_t)1 << 17)

static const int dasizes[5] = {0, 8, 16, 32, 64};
static const fst24_elem_type in_types[10] = {
    FST24_ELEM_F32, FST24_ELEM_F64, FST24_ELEM_U8, FST24_ELEM_U16, FST24_ELEM_U32,
    FST24_ELEM_U64, FST24_ELEM_I8, FST24_ELEM_I16, FST24_ELEM_I32, FST24_ELEM_I64};

static fst24_elem_type widened(fst24_elem_type t) {
    switch (t) {
    case FST24_ELEM_F32: return FST24_ELEM_F64;
    case FST24_ELEM_U8: return FST24_ELEM_U16;
    case FST24_ELEM_U16: return FST24_ELEM_U32;
    case FST24_ELEM_U32: return FST24_ELEM_U64;
    case FST24_ELEM_I8: return FST24_ELEM_I16;
    case FST24_ELEM_I16: return FST24_ELEM_I32;
    case FST24_ELEM_I32: return FST24_ELEM_I64;
    default: return t;
    }
}

/* Decode in every way; returns the status of the plain decode. */
static int decode_all(const uint32_t *w, size_t nw, const fst_codec_desc *d, unsigned first8, unsigned count8) {
    fst24_elem_type t;
    size_t count;
    if (fst_codec_layout(d, &t, &count) != FST24_OK || count > FZ_MAX_VALUES) return -1;
    fst24_elem_type wt = widened(t);
    size_t es = fst24_elem_size(wt);
    void *out = malloc(count * es + 8);
    if (!out) return -1;
    int st = fst_codec_decode(w, nw, d, out, t, count, 0);
    fst_codec_decode(w, nw, d, out, t, count, 1);
    fst_codec_decode(w, nw, d, out, wt, count, 1);
    fst_codec_decode(w, nw, d, out, t, count ? count - 1 : 0, 1); /* short output: refused */
    if (fst_codec_range_supported(d) && count) {
        size_t first = (size_t)first8 * count / 256, len = 1 + (size_t)count8 * (count - first) / 256;
        if (len > count - first) len = count - first;
        fst_codec_decode_range(w, nw, d, first, len, out, t);
        fst_codec_decode_range(w, nw, d, first, len, out, wt);
        fst_codec_decode_missing(out, wt, len);
    }
    free(out);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fz_in in = {data, size};
    int mode = fz_u8(&in);
    fst_codec_desc d;
    d.datyp = fz_u8(&in);
    d.nbits = fz_u8(&in);
    int sel = fz_u8(&in);
    d.dasiz = dasizes[sel % 5];
    d.ni = 1 + fz_u16(&in) % 2048;
    d.nj = 1 + fz_u16(&in) % 2048;
    /* (the cap below keeps ni*nj*nk <= FZ_MAX_VALUES) */
    d.nk = 1 + fz_u16(&in) % 16;
    unsigned first8 = fz_u8(&in), count8 = fz_u8(&in);
    if ((size_t)(d.ni * d.nj * d.nk) > FZ_MAX_VALUES) d.nj = 1, d.nk = 1;
    if (!(mode & 1)) {
        /* no payload holds more than ~40 values a byte: larger shapes only cost time */
        size_t limit = 64 * in.n + 4096;
        if ((size_t)(d.ni * d.nj * d.nk) > limit) {
            d.nk = 1;
            if ((size_t)(d.ni * d.nj) > limit) d.nj = 1 + (int64_t)(limit / (size_t)d.ni);
            if ((size_t)(d.ni * d.nj) > limit) d.ni = (int64_t)limit, d.nj = 1;
        }
        size_t nw = in.n / 4;
        uint32_t *w = malloc((nw ? nw : 1) * 4);
        if (!w) return 0;
        for (size_t k = 0; k < nw; k++) w[k] = fz_u32(&in);
        decode_all(w, nw, &d, first8, count8);
        free(w);
        return 0;
    }
    /* encode the remaining bytes as values of the chosen element type */
    fst24_elem_type t = in_types[sel % 10];
    size_t es = fst24_elem_size(t);
    size_t n = (size_t)(d.ni * d.nj * d.nk);
    size_t nval = (d.datyp & 0x3F) == 8 ? 2 * n : n;
    if (in.n < es) return 0;
    if (nval * es > 4 * in.n + 64) { /* keep the array about the input's size */
        d.ni = 1 + (int64_t)(in.n / es) / ((d.datyp & 0x3F) == 8 ? 2 : 1);
        d.nj = d.nk = 1;
        n = (size_t)d.ni;
        nval = (d.datyp & 0x3F) == 8 ? 2 * n : n;
    }
    uint8_t *vals = malloc(nval * es);
    if (!vals) return 0;
    for (size_t b = 0; b < nval * es; b++) vals[b] = in.p[b % in.n];
    fst_codec_desc req = d, st;
    req.dasiz = (int)es * 8;
    uint32_t *w = NULL;
    size_t nw = 0;
    int rc = fst_codec_encode(vals, t, &req, mode & 2 ? FST_CODEC_RSF : 0, &st, &w, &nw);
    if (rc == FST24_OK && decode_all(w, nw, &st, first8, count8) != FST24_OK) {
        fprintf(stderr, "encoded record does not decode: datyp %d nbits %d -> %d/%d: %s\n", req.datyp, req.nbits,
                st.datyp, st.nbits, fst24_last_error());
        abort();
    }
    free(w);
    free(vals);
    return 0;
}
