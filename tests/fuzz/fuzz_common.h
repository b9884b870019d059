/* Helpers shared by the libFuzzer targets (header only): reading typed values
 * from the fuzzer's bytes, and a file made of bytes (memfd). */
#ifndef FST24_FUZZ_COMMON_H
#define FST24_FUZZ_COMMON_H
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fst24.h"

/* A cursor over the input; reading past the end gives zeros. */
typedef struct fz_in {
    const uint8_t *p;
    size_t n;
} fz_in;

static inline uint8_t fz_u8(fz_in *in) {
    if (!in->n) return 0;
    uint8_t v = *in->p;
    in->p++;
    in->n--;
    return v;
}
static inline uint16_t fz_u16(fz_in *in) { uint16_t a = fz_u8(in); return (uint16_t)(a | fz_u8(in) << 8); }
static inline uint32_t fz_u32(fz_in *in) { uint32_t a = fz_u16(in); return a | (uint32_t)fz_u16(in) << 16; }
static inline uint64_t fz_u64(fz_in *in) { uint64_t a = fz_u32(in); return a | (uint64_t)fz_u32(in) << 32; }
static inline float fz_f32(fz_in *in) { uint32_t b = fz_u32(in); float f; memcpy(&f, &b, 4); return f; }
static inline double fz_f64(fz_in *in) { uint64_t b = fz_u64(in); double d; memcpy(&d, &b, 8); return d; }

/* Open `n` bytes as a read-only FST file (memfd; the library reads a path).
 * Returns the file or NULL; *fd must be closed by the caller (fz_close). */
static inline fst24_file *fz_open_bytes(const uint8_t *data, size_t n, int *fd) {
    *fd = memfd_create("fst24-fuzz", 0);
    if (*fd < 0) return NULL;
    if (n && write(*fd, data, n) != (ssize_t)n) return NULL;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", *fd);
    fst24_file *f = NULL;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f) != FST24_OK) return NULL;
    return f;
}

static inline void fz_close(fst24_file *f, int fd) {
    fst24_close(f);
    if (fd >= 0) close(fd);
}

/* Largest element count a target decodes or computes (keeps the harness's own
 * allocations and loops small; the library bounds the rest itself). */
#define FZ_MAX_VALUES ((size_t)1 << 20)
#endif
