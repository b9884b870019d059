/* datyp 0 — binary: the caller's memory copied as native 32-bit words (docs/format/data-types.md#datyp-0).
 * Files are written by little-endian hosts, so element bytes are the
 * little-endian image of the words; this is reproduced on any host. */
#include "codec/codec_internal.h"

#include <string.h>
#include "common/bytes.h"

int fst_raw_decode(const uint32_t *w, size_t nw, const fst_codec_desc *d, size_t first_byte, void *out,
                   size_t out_bytes) {
    size_t n = fst_desc_n(d);
    uint64_t need = ((uint64_t)n * (uint64_t)d->nbits + 31u) / 32u;
    if (need > nw)
        return fst_error(FST24_E_DECODE, "datyp 0: payload has %zu words, %llu needed for %zu x %d bits", nw,
                         (unsigned long long)need, n, d->nbits);
    if (first_byte + out_bytes > need * 4u)
        return fst_error(FST24_E_DECODE, "datyp 0: %zu output bytes exceed the %llu stored words",
                         first_byte + out_bytes, (unsigned long long)need);
    unsigned char *o = out;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(o, (const unsigned char *)w + first_byte, out_bytes);
#else
    for (size_t i = 0; i < out_bytes; i++) {
        size_t b = first_byte + i;
        o[i] = (unsigned char)(w[b / 4] >> (8 * (b % 4)));
    }
#endif
    return FST24_OK;
}

int fst_raw_encode(const void *data, size_t data_bytes, const fst_codec_desc *st, uint32_t **words, size_t *nwords) {
    size_t n = fst_desc_n(st);
    size_t L = fst_len_default(n, st->nbits);
    uint64_t need = ((uint64_t)n * (uint64_t)st->nbits + 31u) / 32u;
    uint32_t *w = fst_payload_alloc(L);
    if (!w) return FST24_E_NOMEM;
    /* Never read beyond the caller's array even if nbits exceeds its element size. */
    size_t bytes = need * 4u < data_bytes ? (size_t)need * 4u : data_bytes;
    const unsigned char *in = data;
    size_t full = bytes / 4;
    for (size_t i = 0; i < full; i++) w[i] = fst_load_le32(in + 4 * i);
    if (bytes & 3) {
        unsigned char tmp[4] = {0, 0, 0, 0};
        memcpy(tmp, in + 4 * full, bytes & 3);
        w[full] = fst_load_le32(tmp);
    }
    *words = w;
    *nwords = L;
    return FST24_OK;
}
