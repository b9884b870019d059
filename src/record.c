/* The record's link to its file: the private fields of fst24_record behind two calls. */
#include "fst_internal.h"

struct fst24_file *fst24_record_file(const fst24_record *rec) { return rec ? rec->file : NULL; }

void fst24_record_detach(fst24_record *rec) {
    if (!rec) return;
    rec->file = NULL;
    rec->entry = -1;
}
