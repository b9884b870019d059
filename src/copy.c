/*
 * fst24_copy_record: a record's stored payload copied unchanged into another
 * file (any backend), under the same or an edited header. The payload words
 * are the same in both backends except for the length rule of XDF (whole
 * 64-bit units), handled here.
 */
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "fst24.h"

/* The header fields a payload depends on. */
static const char *encoding_change(const fst24_record *a, const fst24_record *b) {
    if (a->ni != b->ni) return "ni";
    if (a->nj != b->nj) return "nj";
    if (a->nk != b->nk) return "nk";
    if (a->data_type != b->data_type) return "data_type";
    if (a->pack_bits != b->pack_bits) return "pack_bits";
    if (a->data_bits != b->data_bits) return "data_bits";
    return NULL;
}

int fst24_copy_record(fst24_file *out, const fst24_record *src, const fst24_record *header, fst24_rewrite mode,
                      fst24_record *written, int *ext_meta_dropped) {
    if (ext_meta_dropped) *ext_meta_dropped = 0;
    if (!out || !src) return fst_error(FST24_E_INVALID, "copy_record: NULL argument");
    if (!src->file) return fst_error(FST24_E_INVALID, "copy_record: record %.4s was not read from a file", src->nomvar);
    if (mode == FST24_REWRITE_META)
        return fst_error(FST24_E_INVALID, "copy_record: a copy cannot be a metadata rewrite");
    const char *changed = header ? encoding_change(src, header) : NULL;
    if (changed)
        return fst_error(FST24_E_INVALID,
                         "%s: record %.4s: a payload copy cannot change %s (re-encode the data with fst24_write)",
                         fst24_file_path(out), src->nomvar, changed);
    size_t nw = 0, len = 0;
    int st = fst24_read_payload(src, NULL, &nw);
    if (st == FST24_OK) st = fst24_read_ext_meta(src, NULL, 0, &len);
    if (st) return st;
    uint32_t *w = malloc((nw + 1) * sizeof *w);
    char *meta = malloc(len + 1);
    if (!w || !meta) {
        free(w);
        free(meta);
        return fst_error(FST24_E_NOMEM, "copy_record: record %.4s: out of memory", src->nomvar);
    }
    st = fst24_read_payload(src, w, &nw);
    if (st == FST24_OK) st = fst24_read_ext_meta(src, meta, len + 1, &len);
    if (st == FST24_OK) {
        const char *ext = len ? meta : NULL;
        if (ext && fst24_file_backend(out) != FST24_BACKEND_RSF) {
            ext = NULL;
            if (ext_meta_dropped) *ext_meta_dropped = 1;
        }
        if (fst24_file_backend(out) == FST24_BACKEND_XDF && nw % 2) {
            /* XDF stores whole 64-bit units. librmn's RSF payload of a compressed
             * datyp 1 (129) carries one word beyond the m words its first word
             * announces; XDF stores exactly m. Anything else odd gets a zero pad. */
            if ((src->data_type & ~FST24_TYPE_MISSING_FLAG) == 129 && nw > 1 && w[0] == nw - 1) nw--;
            else w[nw++] = 0;
        }
        fst24_record r = header ? *header : *src;
        r.file = NULL;
        r.entry = -1;
        st = fst24_write_payload(out, &r, w, nw, mode, ext);
        if (st == FST24_OK && written) *written = r;
    }
    free(w);
    free(meta);
    return st;
}
