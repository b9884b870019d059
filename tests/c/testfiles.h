/* File helpers shared by the C tests (header only): corpus and scratch paths,
 * whole-file read/write/copy. */
#ifndef FST24_TESTFILES_H
#define FST24_TESTFILES_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Deterministic xorshift64 generator for reproducible random tests. */
static inline uint64_t tu_xorshift(uint64_t *state) {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static inline const char *tu_corpus(void) {
    const char *c = getenv("FST24_CORPUS");
    return c ? c : "../shared/corpus";
}

static inline const char *tu_tmpdir(void) {
    const char *t = getenv("FST24_TMP");
    return t ? t : "/tmp";
}

/* Whole file in memory (caller frees); NULL if it cannot be read. */
static inline unsigned char *tu_slurp(const char *path, size_t *n) {
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long sz = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char *b = malloc(sz > 0 ? (size_t)sz : 1);
    if (b && fread(b, 1, (size_t)sz, fp) != (size_t)sz) { free(b); b = NULL; }
    fclose(fp);
    *n = (size_t)sz;
    return b;
}

static inline int tu_write_file(const char *path, const void *data, size_t n) {
    FILE *fp = fopen(path, "wb");
    if (!fp) return -1;
    int rc = fwrite(data, 1, n, fp) == n ? 0 : -1;
    fclose(fp);
    return rc;
}

static inline int tu_copy(const char *from, const char *to) {
    size_t n;
    unsigned char *b = tu_slurp(from, &n);
    if (!b) return -1;
    int rc = tu_write_file(to, b, n);
    free(b);
    return rc;
}
#endif
