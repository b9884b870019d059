/*
 * Records: header defaults and wildcards, string fields, the element layout of the decoded
 * data, the checks of a header before writing, and the record's link to its file (the private
 * fields of fst24_record behind two calls).
 */
#include <stdlib.h>
#include <string.h>

#include "fst_internal.h"
#include "record.h"

void fst24_type_letters(int data_type, char out[3]) {
    static const char letters[] = "XRICSEFAZ";
    int base = data_type & 0x3F;
    char c = base < 9 ? letters[base] : '?';
    if (data_type & FST24_TYPE_COMPRESSED) c = (char)(c - 'A' + 'a');
    out[0] = c;
    out[1] = (data_type & FST24_TYPE_MISSING_FLAG) ? 'm' : '\0';
    out[2] = '\0';
}

static void blank_fill(char *dst, int width) {
    memset(dst, ' ', (size_t)width);
    dst[width] = '\0';
}

void fst24_record_init_criteria(fst24_record *r) {
    memset(r, 0, sizeof *r);
    blank_fill(r->nomvar, 4);
    blank_fill(r->typvar, 2);
    blank_fill(r->etiket, 12);
    blank_fill(r->grtyp, 1);
    r->ip1 = r->ip2 = r->ip3 = -1;
    r->ni = r->nj = r->nk = -1;
    r->dateo = r->datev = r->deet = r->npas = -1;
    r->data_type = r->data_bits = r->pack_bits = -1;
    r->ig1 = r->ig2 = r->ig3 = r->ig4 = -1;
    r->key = -1;
    r->file_index = -1;
    r->file_offset = -1;
    r->entry = -1;
}

void fst24_record_init(fst24_record *r) {
    memset(r, 0, sizeof *r);
    blank_fill(r->nomvar, 4);
    blank_fill(r->typvar, 2);
    blank_fill(r->etiket, 12);
    r->grtyp[0] = 'X';
    r->grtyp[1] = '\0';
    r->ni = r->nj = r->nk = 1;
    r->datev = -1;
    r->data_type = FST24_TYPE_REAL_IEEE;
    r->data_bits = 32;
    r->pack_bits = 32;
    r->key = -1;
    r->file_index = -1;
    r->file_offset = -1;
    r->entry = -1;
}

int fst24_record_set_string(fst24_record *r, const char *field, const char *value) {
    char *dst;
    int width;
    if (!r || !field || !value) return fst_error(FST24_E_INVALID, "record_set_string: NULL argument");
    if (!strcmp(field, "nomvar"))
        dst = r->nomvar, width = 4;
    else if (!strcmp(field, "typvar"))
        dst = r->typvar, width = 2;
    else if (!strcmp(field, "etiket"))
        dst = r->etiket, width = 12;
    else if (!strcmp(field, "grtyp"))
        dst = r->grtyp, width = 1;
    else
        return fst_error(FST24_E_INVALID, "record_set_string: unknown field \"%s\"", field);
    size_t len = strlen(value);
    while (len > 0 && value[len - 1] == ' ') len--; /* trailing blanks are padding anyway */
    if ((int)len > width)
        return fst_error(FST24_E_INVALID, "record field %s = \"%s\" is longer than %d characters", field, value, width);
    for (size_t i = 0; i < len; i++) {
        unsigned c = (unsigned char)value[i];
        if (c < 32 || c > 126)
            return fst_error(FST24_E_INVALID,
                             "record field %s = \"%s\" has a character (code %u) outside "
                             "printable ASCII",
                             field, value, c);
    }
    for (int i = 0; i < width; i++) {
        unsigned char c = i < (int)len ? (unsigned char)value[i] : ' ';
        /* grtyp is a raw byte; the 6-bit fields are stored upper case. */
        dst[i] = (char)((width > 1 && c >= 'a' && c <= 'z') ? c - 32 : c);
    }
    dst[width] = '\0';
    return FST24_OK;
}

fst_codec_desc fst_record_codec_desc(const fst24_record *r) {
    fst_codec_desc d;
    d.datyp = r->data_type;
    d.nbits = r->pack_bits;
    d.dasiz = r->data_bits;
    d.ni = r->ni;
    d.nj = r->nj;
    d.nk = r->nk;
    return d;
}

int fst24_record_data_layout(const fst24_record *r, fst24_elem_type *type, size_t *count) {
    if (!r) return fst_error(FST24_E_INVALID, "record_data_layout: NULL record");
    fst_codec_desc d = fst_record_codec_desc(r);
    int st = fst_codec_layout(&d, type, count);
    /* A record of a file: its dimensions must be what its payload can hold, so that
     * callers sizing buffers from them (grids, readers, the CLI) are safe. The file
     * itself is not touched (it may be closed). */
    if (!st && r->file) st = fst_codec_check_stored_size(&d, r->total_stored_bytes);
    if (st) return fst_error_context(st, "record %.4s", r->nomvar);
    return FST24_OK;
}

struct fst24_file *fst24_record_file(const fst24_record *rec) {
    return rec ? rec->file : NULL;
}

void fst24_record_detach(fst24_record *rec) {
    if (!rec) return;
    rec->file = NULL;
    rec->entry = -1;
}

int fst24_record_check(const fst24_record *rec, fst24_backend backend) {
    if (!rec) return fst_error(FST24_E_INVALID, "record_check: NULL record");
    if (backend != FST24_BACKEND_XDF && backend != FST24_BACKEND_RSF)
        return fst_error(FST24_E_INVALID, "record_check: backend %d is not XDF or RSF", (int)backend);
    /* Strict: every field as it would be stored (fst24_write quietly stores a negative deet or
     * npas as 0). 801 is the request for datyp 1 through the binary64 quantiser. */
    fst24_record r = *rec;
    int datyp = r.data_type;
    if (datyp != 801 && (datyp < 0 || datyp > 255 || (datyp & FST24_TYPE_BASE_MASK) > FST24_TYPE_COMPLEX))
        return fst_error(FST24_E_INVALID, "record %.4s: data_type %d is unknown", r.nomvar, datyp);
    if (datyp == 801) r.data_type = FST24_TYPE_REAL_OLD_QUANT;
    uint32_t desc[FST_DESC_WORDS];
    int st = fst_record_to_desc(&r, backend == FST24_BACKEND_RSF, desc);
    if (st) return fst_error_context(st, "record %.4s", r.nomvar);
    return FST24_OK;
}
