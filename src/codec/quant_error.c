/*
 * How much a stored encoding may have changed the values that were written:
 * an absolute and a relative bound, read from the payload header (the
 * quantiser step of datyp 1/129 and 6/134, the kept fraction bits of
 * truncated IEEE 5/133). Used to compare files "within packing error".
 */
#include <math.h>

#include "codec/codec_internal.h"
#include "codec/float_packer.h"
#include "codec/quant_r.h"

/* Binary32 rounding of a decoded value (and of the writer's input). */
#define F32_REL 0x1p-23

int fst_codec_quant_error(const uint32_t *w, size_t nw, const fst_codec_desc *d, double *abs_err, double *rel_err) {
    *abs_err = 0;
    *rel_err = 0;
    int base = d->datyp & 0x3F, compressed = (d->datyp & 128) != 0;
    size_t n = (size_t)(d->ni * d->nj * d->nk);
    switch (base) {
    case FST24_TYPE_REAL_OLD_QUANT: {
        /* tokens are floor((x - min) / step): error below one step, plus the
         * minimum kept with 23 fraction bits and the binary32 rounding */
        size_t h = compressed ? 1 : 0;
        if (nw < h + 4) return fst_error(FST24_E_DECODE, "datyp %d: payload of %zu words has no header", d->datyp, nw);
        fst_quant_params p;
        int st = fst_quant_parse(w + h, &p);
        if (st) return st;
        *abs_err = p.scale + fabs((double)p.min) * F32_REL;
        *rel_err = F32_REL;
        return FST24_OK;
    }
    case FST24_TYPE_REAL: {
        /* fixed point step 2^(X-150+s) relative to the minimum, rounded (half a
         * step), clipped at the top code and mantissas truncated when aligned */
        size_t h = compressed ? 1 : 0;
        if (nw < h + 3) return fst_error(FST24_E_DECODE, "datyp %d: payload of %zu words has no header", d->datyp, nw);
        fst_fpack_params p;
        int st = fst_fpack_parse(w + h, n, &p);
        if (st) return st;
        *abs_err = p.x == 0 ? 0x1p-126 : ldexp(1.0, p.x - 150 + p.s);
        return FST24_OK;
    }
    case FST24_TYPE_REAL_IEEE:
        /* nbits < 32: sign, exponent and nbits-9 fraction bits kept (truncated) */
        if (d->nbits < 32 && d->nbits > 9) *rel_err = ldexp(1.0, -(d->nbits - 9));
        else if (d->nbits <= 9) *rel_err = 1.0;
        return FST24_OK;
    case FST24_TYPE_BINARY:
    case FST24_TYPE_UNSIGNED:
    case FST24_TYPE_CHAR:
    case FST24_TYPE_SIGNED:
    case FST24_TYPE_STRING:
    case FST24_TYPE_COMPLEX:
        return FST24_OK; /* stored exactly */
    default:
        return fst_error(FST24_E_UNSUPPORTED, "datyp %d: unknown data type", d->datyp);
    }
}
