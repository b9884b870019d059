/* datyp 3 (host-order words, i.e. little-endian byte groups) and datyp 7
 * (one MSB-first 8-bit token per byte) — docs/format/data-types.md#characters. */
#include "codec/codec_internal.h"

#include <string.h>
#include "common/bytes.h"

int fst_chars_decode(const uint32_t *w, size_t nw, const fst_codec_desc *d, size_t first, uint8_t *out, size_t count) {
    size_t n = fst_desc_n(d);
    size_t need = (n + 3) / 4;
    if (need > nw)
        return fst_error(FST24_E_DECODE, "datyp %d: payload has %zu words, %zu needed for %zu characters", d->datyp, nw,
                         need, n);
    if (first + count > n)
        return fst_error(FST24_E_INVALID, "datyp %d: characters %zu..%zu out of %zu", d->datyp, first, first + count,
                         n);
    /* datyp 3: little-endian byte groups (librmn on x86); datyp 7: MSB-first bytes. */
    const unsigned little = (d->datyp & 0x3F) == 3;
    for (size_t i = 0; i < count; i++) {
        size_t b = first + i;
        unsigned sh = little ? 8u * (unsigned)(b & 3) : 24u - 8u * (unsigned)(b & 3);
        out[i] = (uint8_t)(w[b / 4] >> sh);
    }
    return FST24_OK;
}

int fst_chars_encode(const uint8_t *in, const fst_codec_desc *st, int req_nbits, uint32_t **words, size_t *nwords) {
    const int little = (st->datyp & 0x3F) == 3;
    /* datyp 3: librmn's writer copies only ni*nj characters (nk ignored);
     * we store all n so the record reads back (documented deviation). */
    size_t n = fst_desc_n(st);
    /* The length uses the caller's nbits (before datyp 3 forces 8). */
    size_t L = fst_len_default(n, req_nbits);
    size_t need = (n + 3) / 4;
    if (L < need) L = need + (need & 1);
    uint32_t *w = fst_payload_alloc(L);
    if (!w) return FST24_E_NOMEM;
    size_t full = n / 4;
    for (size_t q = 0; q < full; q++) w[q] = little ? fst_load_le32(in + 4 * q) : fst_load_be32(in + 4 * q);
    if (n & 3) {
        unsigned char tmp[4] = {0, 0, 0, 0};
        memcpy(tmp, in + 4 * full, n & 3);
        w[full] = little ? fst_load_le32(tmp) : fst_load_be32(tmp);
    }
    *words = w;
    *nwords = L;
    return FST24_OK;
}
