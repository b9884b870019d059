/* Internal: byte order helpers. */
#ifndef FST24_COMMON_BYTES_H
#define FST24_COMMON_BYTES_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t fst_bswap32(uint32_t v) { return __builtin_bswap32(v); }
static inline uint64_t fst_bswap64(uint64_t v) { return __builtin_bswap64(v); }

static inline uint32_t fst_load_be32(const void *p) {
    uint32_t v;
    memcpy(&v, p, 4);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = fst_bswap32(v);
#endif
    return v;
}
static inline void fst_store_be32(void *p, uint32_t v) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = fst_bswap32(v);
#endif
    memcpy(p, &v, 4);
}
static inline uint32_t fst_load_le32(const void *p) {
    uint32_t v;
    memcpy(&v, p, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = fst_bswap32(v);
#endif
    return v;
}
static inline void fst_store_le32(void *p, uint32_t v) {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = fst_bswap32(v);
#endif
    memcpy(p, &v, 4);
}
/* XOR of n 32-bit words (XDF page checksums; the XOR of byte-swapped words is
 * the byte-swapped XOR, so it can be taken before or after a conversion). */
uint32_t fst_xor32(const uint32_t *w, size_t n);
/* Convert n 32-bit words in place between big-endian and host order. */
void fst_be32_to_host(uint32_t *w, size_t n);
/* Convert n 32-bit words in place between little-endian and host order. */
static inline void fst_le32_to_host(uint32_t *w, size_t n) {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    for (size_t i = 0; i < n; i++) w[i] = fst_bswap32(w[i]);
#else
    (void)w;
    (void)n;
#endif
}
#define fst_host_to_be32 fst_be32_to_host
#define fst_host_to_le32 fst_le32_to_host
/* Bit patterns of IEEE values and back (memcpy: no aliasing, compiled to a register move). */
static inline uint32_t fst_f32_bits(float v) {
    uint32_t b;
    memcpy(&b, &v, 4);
    return b;
}
static inline uint64_t fst_f64_bits(double v) {
    uint64_t b;
    memcpy(&b, &v, 8);
    return b;
}
static inline float fst_f32_of_bits(uint32_t b) {
    float v;
    memcpy(&v, &b, 4);
    return v;
}
static inline double fst_f64_of_bits(uint64_t b) {
    double v;
    memcpy(&v, &b, 8);
    return v;
}
#endif
