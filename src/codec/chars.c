/* datyp 3 (host-order words, i.e. little-endian byte groups) and datyp 7
 * (one MSB-first 8-bit token per byte) — ENCODING.md §9. */
#include "codec/codec_internal.h"

#include <string.h>
#include "common/bytes.h"

int fst_chars_decode(const uint32_t *w, size_t nw, const fst_codec_desc *d, uint8_t *out, size_t n) {
    size_t need = (n + 3) / 4;
    if (need > nw)
        return fst_error(FST24_E_DECODE, "datyp %d: payload has %zu words, %zu needed for %zu characters",
                         d->datyp, nw, need, n);
    const int little = (d->datyp & 0x3F) == 3;
    size_t full = n / 4;
    for (size_t q = 0; q < full; q++) {
        if (little) fst_store_le32(out + 4 * q, w[q]);
        else fst_store_be32(out + 4 * q, w[q]);
    }
    if (n & 3) {
        unsigned char tmp[4];
        if (little) fst_store_le32(tmp, w[full]);
        else fst_store_be32(tmp, w[full]);
        memcpy(out + 4 * full, tmp, n & 3);
    }
    return FST24_OK;
}

int fst_chars_encode(const uint8_t *in, const fst_codec_desc *st, int req_nbits,
                     uint32_t **words, size_t *nwords) {
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
