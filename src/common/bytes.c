#include "common/bytes.h"

/* XDF payloads are big-endian: every word of every record read passes here, so
 * the loop must run at memory speed. With baseline x86-64 (SSE2) GCC builds the
 * byte swap from shifts and masks, at about a quarter of memcpy's speed; with
 * SSSE3 (x86-64-v2) or AVX2 (v3) it is one byte shuffle per vector. Clones pick
 * the best at load time. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SWAP_KERNEL __attribute__((target_clones("arch=x86-64-v3", "arch=x86-64-v2", "default")))
#else
#define SWAP_KERNEL
#endif

SWAP_KERNEL void fst_be32_to_host(uint32_t *w, size_t n) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    for (size_t i = 0; i < n; i++) w[i] = __builtin_bswap32(w[i]);
#else
    (void)w; (void)n;
#endif
}

uint32_t fst_xor32(const uint32_t *w, size_t n) {
    /* Four independent accumulators: the reduction vectorises (a single running
     * XOR compiled to a scalar loop at 1 word per cycle). */
    uint32_t a = 0, b = 0, c = 0, d = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a ^= w[i];
        b ^= w[i + 1];
        c ^= w[i + 2];
        d ^= w[i + 3];
    }
    for (; i < n; i++) a ^= w[i];
    return a ^ b ^ c ^ d;
}
