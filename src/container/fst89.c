/* 1989 random standard files (read only). Not implemented yet: refused with a
 * clear message. */
#include "fst_internal.h"

static int fst89_open(struct fst24_file *f) {
    return fst_error(FST24_E_UNSUPPORTED,
                     "%s: 1989 random standard file format is not supported (convert it with a "
                     "librmn-based tool such as editfst)", f->path);
}

static int fst89_readonly(struct fst24_file *f) {
    return fst_error(FST24_E_UNSUPPORTED, "%s: 1989 standard files are read-only", f->path);
}

const fst_backend_ops fst_fst89_backend = {
    "FST89", fst89_open, fst89_readonly, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};
