/* Internal to src/meta: the search for the records a grid or a vertical descriptor is made of. */
#ifndef FST24_META_LOOKUP_H
#define FST24_META_LOOKUP_H
#include <stdint.h>
#include "fst24.h"

/* A query over `file` for the records named `nomvar` with the given ip1, ip2, ip3 (-1: any). */
int fst_meta_query_named(fst24_file *file, const char *nomvar, int32_t ip1, int32_t ip2, int32_t ip3,
                         fst24_query **out);

#endif /* FST24_META_LOOKUP_H */
