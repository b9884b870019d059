#include "common/bytes.h"

void fst_be32_to_host(uint32_t *w, size_t n) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* Plain loop: compilers turn it into vector byte shuffles. */
    for (size_t i = 0; i < n; i++) w[i] = __builtin_bswap32(w[i]);
#else
    (void)w;
    (void)n;
#endif
}
