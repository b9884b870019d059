/* The search for the records a grid or a vertical descriptor is made of (grid_file.c,
 * vgrid_file.c): by name and tags, through the public query API. */
#include "meta/lookup.h"

int fst_meta_query_named(fst24_file *file, const char *nomvar, int32_t ip1, int32_t ip2, int32_t ip3,
                         fst24_query **out) {
    *out = NULL;
    fst24_record crit;
    fst24_record_init_criteria(&crit);
    int st = fst24_record_set_string(&crit, "nomvar", nomvar);
    if (st) return st;
    crit.ip1 = ip1;
    crit.ip2 = ip2;
    crit.ip3 = ip3;
    return fst24_query_new(file, &crit, NULL, out);
}
