/*
 * fst24_record_quant_error: the error bound of a stored record's encoding,
 * read from its payload header (the bound itself is the codec's business:
 * src/codec/quant_error.c).
 */
#include <stdlib.h>

#include "codec/codec.h"
#include "common/error.h"
#include "fst24.h"

int fst24_record_quant_error(const fst24_record *rec, double *abs_err, double *rel_err) {
    if (!rec || !abs_err || !rel_err) return fst_error(FST24_E_INVALID, "record_quant_error: NULL argument");
    *abs_err = *rel_err = 0;
    size_t nw = 0;
    int st = fst24_read_payload(rec, NULL, &nw);
    if (st) return st;
    uint32_t *w = malloc((nw ? nw : 1) * sizeof *w);
    if (!w) return fst_error(FST24_E_NOMEM, "record %.4s: cannot allocate %zu payload words", rec->nomvar, nw);
    st = fst24_read_payload(rec, w, &nw);
    if (st == FST24_OK) {
        fst_codec_desc d = {rec->data_type, rec->pack_bits, rec->data_bits, rec->ni, rec->nj, rec->nk};
        st = fst_codec_quant_error(w, nw, &d, abs_err, rel_err);
        if (st) st = fst_error_context(st, "%s: record %.4s (key %lld)", fst24_file_path(rec->file), rec->nomvar,
                                       (long long)rec->key);
    }
    free(w);
    return st;
}
