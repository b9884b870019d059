/* The record's link to its file: the private fields of fst24_record behind two calls. */
#include "fst_internal.h"

struct fst24_file *fst24_record_file(const fst24_record *rec) { return rec ? rec->file : NULL; }

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
