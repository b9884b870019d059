/* datyp 133: binary32 values truncated to nbits, split into sign, exponent and
 * mantissa planes, each coded losslessly (docs/format/data-types.md#datyp-133). */
#include "codec/ieee_compress.h"

#include <stdlib.h>
#include <string.h>
#include "codec/bits.h"
#include "codec/codec_internal.h"

enum { SIGN_ZERO = 0x00, SIGN_ONE = 0x10, SIGN_RLE = 0x20, SIGN_BITMAP = 0x30, EXP_CODED = 0x08 };

/* ------------------------------------------------------------------ decoding */

/* 1-bit run-length plane (docs/format/data-types.md#datyp-133-signs). */
static int sign_rle_decode(fst_bitreader *r, uint8_t *s, size_t n) {
    size_t pos = 0;
    int last = 0;
    while (pos < n) {
        if (fst_br_get(r, 1) == 0) {
            size_t m = n - pos < 7 ? n - pos : 7;
            for (size_t k = 0; k < m; k++) s[pos++] = (uint8_t)fst_br_get(r, 1);
        } else {
            int v = (int)fst_br_get(r, 1);
            uint32_t c = fst_br_get(r, 6);
            size_t m;
            if (c == 63) {
                m = 255;
                v = last;
            } else {
                m = c;
                last = v;
            }
            if (m > n - pos) return FST24_E_DECODE;
            memset(s + pos, v, m);
            pos += m;
        }
        if (fst_br_overrun(r)) return FST24_E_DECODE;
    }
    return FST24_OK;
}

/* Lorenzo-coded plane of `width`-bit values (exponents: width eb, codes 4 bits;
 * mantissas: width p, codes 5 bits); residuals always use c+1 bits. Values are
 * reconstructed modulo 2^32 into v (the caller masks). */
static int lorenzo_plane_decode(fst_bitreader *r, int64_t ni, int64_t nj, int width, uint32_t *v) {
    int cw = (int)fst_br_get(r, 3);
    for (int64_t i = 0; i < ni; i++) v[i] = fst_br_get(r, width);
    for (int64_t j = 1; j < nj; j++) v[j * ni] = fst_br_get(r, width);
    if (fst_br_overrun(r)) return FST24_E_DECODE;
    for (int64_t j0 = 1; j0 < nj; j0 += 3) {
        int64_t j1 = j0 + 3 < nj ? j0 + 3 : nj;
        for (int64_t i0 = 1; i0 < ni; i0 += 3) {
            int64_t i1 = i0 + 3 < ni ? i0 + 3 : ni;
            uint32_t c = fst_br_get(r, cw);
            if (c >= 32) return FST24_E_DECODE;
            uint32_t *p0 = v + j0 * ni + i0;
            if (c == 0) {
                for (int64_t j = j0; j < j1; j++, p0 += ni)
                    for (int64_t i = 0; i < i1 - i0; i++) p0[i] = 0;
                continue;
            }
            const int w = (int)c + 1;
            fst_br_get_tile(r, w, p0, ni, j1 - j0, i1 - i0, 1);
        }
        if (fst_br_overrun(r)) return FST24_E_DECODE;
    }
    for (int64_t j = 1; j < nj; j++) {
        uint32_t *row = v + j * ni;
        const uint32_t *prev = row - ni;
        for (int64_t i = 1; i < ni; i++) row[i] += prev[i] - prev[i - 1];
        for (int64_t i = 1; i < ni; i++) row[i] += row[i - 1];
    }
    return FST24_OK;
}

/* Read a section header (byte length) and return its word span. */
static int section(const uint32_t *z, size_t nz, size_t *pos, size_t *start, size_t *words) {
    if (*pos >= nz) return FST24_E_DECODE;
    uint32_t len = z[(*pos)++];
    if (len % 4 || len / 4 > nz - *pos) return FST24_E_DECODE;
    *start = *pos;
    *words = len / 4;
    *pos += len / 4;
    return FST24_OK;
}

int fst_ieeez_decode(const uint32_t *w, size_t nw, const fst_codec_desc *d, float *out) {
    return fst_ieeez_decode_ex(w, nw, d, out, NULL);
}

int fst_ieeez_decode_ex(const uint32_t *w, size_t nw, const fst_codec_desc *d, float *out, fst_ieeez_layout *lay) {
    if (d->nk != 1)
        return fst_error(FST24_E_DECODE, "datyp 133: nk = %lld, compressed records have one level", (long long)d->nk);
    if (nw < 4) return fst_error(FST24_E_DECODE, "datyp 133: payload of %zu words is too short", nw);
    const uint32_t *z = w + 1;
    size_t nz = nw - 1;
    int64_t ni = d->ni, nj = d->nj;
    size_t n = (size_t)(ni * nj);
    uint32_t h = z[0];
    int p = (int)((h >> 10) & 0x1F);
    if (lay) lay->nfiller = 0;
    if ((h & 0xF) != 5 || p > 23) return fst_error(FST24_E_DECODE, "datyp 133: bad stream header 0x%08X", h);
    uint32_t info = z[1];
    uint32_t exp_base = (info >> 16) & 0xFF;
    int eb = (int)((info >> 8) & 0xFF);
    uint32_t scode = info & 0x30, ecode = info & 0x0C, mcode = info & 0x3;
    if (scode == SIGN_BITMAP || mcode != 0 || (ecode != 0 && ecode != EXP_CODED) || eb > 8)
        return fst_error(FST24_E_DECODE, "datyp 133: unsupported plane codes 0x%02X (eb %d)", info & 0xFF, eb);
    size_t pos = 2, st, nwd;
    uint32_t *v = fst_codec_malloc(n * sizeof(uint32_t));
    uint8_t *sg = fst_codec_malloc(n);
    int rc = FST24_OK;
    if (!v || !sg) {
        rc = FST24_E_NOMEM;
        goto done;
    }
    fst_bitreader r;
    /* signs */
    if (scode == SIGN_RLE) {
        if (section(z, nz, &pos, &st, &nwd)) goto bad;
        fst_br_init(&r, z + st, nwd, 0);
        if (sign_rle_decode(&r, sg, n)) goto bad;
        if (lay && nwd) lay->filler[lay->nfiller++] = 1 + st + nwd - 1;
    } else {
        memset(sg, scode == SIGN_ONE, n);
    }
    /* exponents, kept as the high bits of out's patterns for now */
    uint32_t *o = (uint32_t *)(void *)out;
    if (ecode == EXP_CODED) {
        if (section(z, nz, &pos, &st, &nwd)) goto bad;
        fst_br_init(&r, z + st, nwd, 0);
        if (lorenzo_plane_decode(&r, ni, nj, eb, v)) goto bad;
        if (lay && nwd) lay->filler[lay->nfiller++] = 1 + st + nwd - 1;
        for (size_t k = 0; k < n; k++) o[k] = (uint32_t)sg[k] << 31 | ((v[k] + exp_base) & 0xFFu) << 23;
    } else {
        for (size_t k = 0; k < n; k++) o[k] = (uint32_t)sg[k] << 31 | exp_base << 23;
    }
    /* mantissas: one unused length word, then the stream up to the end */
    if (pos >= nz) goto bad;
    pos++;
    fst_br_init(&r, z + pos, nz - pos, 0);
    if (lorenzo_plane_decode(&r, ni, nj, p, v)) goto bad;
    if (lay) { /* stream words, then the terminator word */
        size_t f = (size_t)((fst_br_pos(&r) + 31) / 32);
        lay->filler[lay->nfiller++] = 1 + pos + f;
        lay->meaningful = 1 + pos + f + 1;
    }
    {
        const uint32_t mask = p ? (1u << p) - 1u : 0;
        const unsigned sh = (unsigned)(23 - p);
        for (size_t k = 0; k < n; k++) o[k] |= (v[k] & mask) << sh;
    }
    goto done;
bad:
    rc = fst_error(FST24_E_DECODE, "datyp 133: stream of %zu words (%lld x %lld) is truncated or corrupt", nw,
                   (long long)ni, (long long)nj);
done:
    free(v);
    free(sg);
    if (rc == FST24_E_NOMEM) return fst_error(rc, "datyp 133: out of memory");
    return rc;
}

int fst_sign_rle_decode(const uint32_t *w, size_t nw, uint8_t *s, size_t n) {
    fst_bitreader r;
    fst_br_init(&r, w, nw, 0);
    return sign_rle_decode(&r, s, n);
}

/* ------------------------------------------------------------------ encoding */

/* Append the section terminator (docs/format/data-types.md#bit-streams): F data words, then one zero word. */
static size_t section_words(uint64_t bits) { return (size_t)((bits + 31) / 32) + 1; }

static void sign_rle_encode(fst_bitwriter *b, const uint8_t *s, size_t n) {
    size_t last = 0, idx = 1;
    while (idx <= n && last < n) {
        while (idx < n && s[idx] == s[last]) idx++;
        size_t count = idx - last;
        if (count < 8) {
            size_t m = n - last < 7 ? n - last : 7;
            fst_bw_put(b, 0, 1);
            for (size_t k = 0; k < m; k++) fst_bw_put(b, s[last + k], 1);
            last += 7;
            idx = last + 1;
            continue;
        }
        size_t i = 0;
        int repeat = 0;
        while (i < count) {
            size_t c = count - i >= 63 ? 62 : count - i;
            if (c < 8) {
                size_t m = n - last < 7 ? n - last : 7;
                fst_bw_put(b, 0, 1);
                for (size_t k = 0; k < m; k++) fst_bw_put(b, s[last + k], 1);
                last += 7;
                idx = last + 1;
            } else if (c == 62 && count - i > 256 && repeat) {
                fst_bw_put(b, 0xFF, 8);
                c = 255;
                last += 255;
                idx = last + 1;
            } else {
                fst_bw_put(b, 1, 1);
                fst_bw_put(b, s[last], 1);
                fst_bw_put(b, (uint32_t)c, 6);
                last += c;
                idx = last + 1;
                if (c == 62) repeat = 1;
            }
            i += c;
        }
    }
}

uint64_t fst_sign_rle_encode(const uint8_t *s, size_t n, uint32_t *w, size_t cap) {
    fst_bitwriter b;
    fst_bw_init(&b, w, cap);
    sign_rle_encode(&b, s, n);
    fst_bw_flush(&b);
    return b.err ? 0 : b.pos;
}

static inline int32_t lor(const uint32_t *v, int64_t ni, int64_t i, int64_t j) {
    return (int32_t)v[j * ni + i] -
           ((int32_t)v[(j - 1) * ni + i] + (int32_t)v[j * ni + i - 1] - (int32_t)v[(j - 1) * ni + i - 1]);
}

static int fexp_code(uint32_t mx) { /* biased exponent of binary32(mx) - 126; mx < 2^24 so exact */
    return mx ? fst_bitlen(mx) : 0;
}

/* Largest |Lorenzo residual| of the tile [i0,i1) x [j0,j1). */
static uint32_t tile_max_residual(const uint32_t *v, int64_t ni, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
    uint32_t mx = 0;
    for (int64_t j = j0; j < j1; j++)
        for (int64_t i = i0; i < i1; i++) {
            int32_t r = lor(v, ni, i, j);
            uint32_t a = (uint32_t)(r < 0 ? -r : r);
            mx = a > mx ? a : mx;
        }
    return mx;
}

/* The tile's residuals as `width`-bit tokens. */
static void put_tile_residuals(fst_bitwriter *b, const uint32_t *v, int64_t ni, int64_t i0, int64_t i1, int64_t j0,
                               int64_t j1, int width) {
    for (int64_t j = j0; j < j1; j++)
        for (int64_t i = i0; i < i1; i++) fst_bw_put(b, (uint32_t)lor(v, ni, i, j), width);
}

/* Exponent plane (docs/format/data-types.md#datyp-133-exponents). */
static void exp_encode(fst_bitwriter *b, const uint32_t *v, int64_t ni, int64_t nj, int eb) {
    fst_bw_put(b, 4, 3);
    for (int64_t i = 0; i < ni; i++) fst_bw_put(b, v[i], eb);
    for (int64_t j = 1; j < nj; j++) fst_bw_put(b, v[j * ni], eb);
    for (int64_t j0 = 1; j0 < nj; j0 += 3) {
        int64_t j1 = j0 + 3 < nj ? j0 + 3 : nj;
        for (int64_t i0 = 1; i0 < ni; i0 += 3) {
            int64_t i1 = i0 + 3 < ni ? i0 + 3 : ni;
            uint32_t mx = tile_max_residual(v, ni, i0, i1, j0, j1);
            int c = fst_bitlen(mx);
            fst_bw_put(b, (uint32_t)c, 4);
            if (c) put_tile_residuals(b, v, ni, i0, i1, j0, j1, c + 1);
        }
    }
}

/* Mantissa plane (docs/format/data-types.md#datyp-133-mantissas) with librmn's budget rule; returns 0 on success, 1 to give up. */
static int mant_encode(fst_bitwriter *b, const uint32_t *v, int64_t ni, int64_t nj, int p, int64_t budget) {
    fst_bw_put(b, 5, 3);
    for (int64_t i = 0; i < ni; i++) fst_bw_put(b, v[i], p);
    for (int64_t j = 1; j < nj; j++) fst_bw_put(b, v[j * ni], p);
    uint64_t start = b->pos - 3 - (uint64_t)(ni + nj - 1) * (uint64_t)p;
    for (int64_t j0 = 1; j0 < nj; j0 += 3) {
        int64_t j1 = j0 + 3 < nj ? j0 + 3 : nj;
        for (int64_t i0 = 1; i0 < ni; i0 += 3) {
            int64_t i1 = i0 + 3 < ni ? i0 + 3 : ni;
            uint32_t mx = tile_max_residual(v, ni, i0, i1, j0, j1);
            int c = fexp_code(mx);
            fst_bw_put(b, (uint32_t)c, 5);
            if (!c) continue;
            put_tile_residuals(b, v, ni, i0, i1, j0, j1, c + 1);
            uint64_t P = b->pos - start;
            int64_t used = (int64_t)((P + 31) / 32) - 1 + 1 + ((c + 9 * p) >> 5);
            if (budget < used) return 1;
        }
    }
    return b->err ? 1 : 0;
}

int fst_ieeez_encode(const float *x, const fst_codec_desc *st, uint32_t **words, size_t *nwords) {
    int64_t ni = st->ni, nj = st->nj;
    if (ni < 16 || nj < 16 || st->nk != 1 || st->nbits < 16 || st->nbits > 32) return 1;
    const int nbits = st->nbits, p = nbits - 9;
    size_t n = (size_t)(ni * nj);
    const uint32_t *bits = (const uint32_t *)(const void *)x;
    uint32_t *v = fst_codec_malloc(n * sizeof(uint32_t));
    uint8_t *sg = fst_codec_malloc(n);
    /* Generous scratch: the budget rule keeps the stream below n*nbits bits. */
    size_t cap = (size_t)(((uint64_t)n * (uint64_t)nbits) / 32u) + 64;
    uint32_t *z = calloc(cap, sizeof(uint32_t));
    int rc = 1;
    if (!v || !sg || !z) {
        rc = fst_error(FST24_E_NOMEM, "datyp 133: out of memory");
        goto done;
    }
    uint32_t emin = 255, emax = 0;
    int nneg = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t e = (bits[k] >> 23) & 0xFF;
        emin = e < emin ? e : emin;
        emax = e > emax ? e : emax;
        sg[k] = (uint8_t)(bits[k] >> 31);
        nneg += sg[k];
    }
    int eb = fst_bitlen(emax - emin);
    uint32_t scode = nneg == 0 ? SIGN_ZERO : (size_t)nneg == n ? SIGN_ONE : SIGN_RLE;
    uint32_t ecode = eb ? EXP_CODED : 0;
    z[0] = 5u | 1u << 4 | 3u << 7 | (uint32_t)p << 10 | 1u << 15 | 2u << 18;
    z[1] = emin << 16 | (uint32_t)eb << 8 | scode | ecode;
    size_t pos = 2;
    fst_bitwriter b;
    uint32_t ls = 0;
    if (scode == SIGN_RLE) {
        fst_bw_init(&b, z + pos + 1, cap - pos - 1);
        sign_rle_encode(&b, sg, n);
        fst_bw_flush(&b);
        if (b.err) goto done;
        size_t sw = section_words(b.pos);
        ls = (uint32_t)(4 * sw);
        z[pos] = ls;
        pos += 1 + sw;
    }
    if (ecode) {
        for (size_t k = 0; k < n; k++) v[k] = ((bits[k] >> 23) & 0xFF) - emin;
        if (pos + 1 >= cap) goto done;
        fst_bw_init(&b, z + pos + 1, cap - pos - 1);
        exp_encode(&b, v, ni, nj, eb);
        fst_bw_flush(&b);
        if (b.err) goto done;
        size_t f = (size_t)((b.pos + 31) / 32);
        if (1 + 4 * f > n) goto done; /* exponent plane too long: give up */
        z[pos] = (uint32_t)(4 * (f + 1));
        pos += 2 + f;
    }
    if (pos + 1 >= cap) goto done;
    z[pos++] = ls; /* librmn stores the sign length here; never read */
    for (size_t k = 0; k < n; k++) v[k] = (bits[k] & 0x7FFFFFu) >> (23 - p);
    int64_t budget = (int64_t)(((uint64_t)n * (uint64_t)nbits) / 32u) - (int64_t)pos;
    fst_bw_init(&b, z + pos, cap - pos);
    if (mant_encode(&b, v, ni, nj, p, budget)) goto done;
    fst_bw_flush(&b);
    if (b.err) goto done;
    pos += section_words(b.pos);
    if (pos > cap) goto done;
    size_t zlng = 4 * pos;
    size_t L = 2 * ((16 + zlng + 7) / 8);
    uint32_t *w = fst_payload_alloc(L);
    if (!w) {
        rc = FST24_E_NOMEM;
        goto done;
    }
    w[0] = (uint32_t)L;
    memcpy(w + 1, z, pos * sizeof(uint32_t));
    *words = w;
    *nwords = L;
    rc = FST24_OK;
done:
    free(v);
    free(sg);
    free(z);
    return rc;
}
