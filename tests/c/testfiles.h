/* File helpers shared by the C tests (header only): corpus and scratch paths,
 * whole-file read/write/copy, and field lookup in the flat corpus .jsonl lines. */
#ifndef FST24_TESTFILES_H
#define FST24_TESTFILES_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deterministic xorshift64 generator for reproducible random tests. */
static inline uint64_t tu_xorshift(uint64_t *state) {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static inline const char *tu_corpus(void) {
    const char *c = getenv("FST24_CORPUS");
    return c && *c ? c : "../shared/corpus";
}

static inline const char *tu_tmpdir(void) {
    const char *t = getenv("FST24_TMP");
    return t && *t ? t : "/tmp";
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

/* Position of the value of "key" in a flat JSON line (spaces after the colon
 * skipped), or NULL. */
static inline const char *tu_jfield(const char *line, const char *key) {
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(line, pat);
    if (!p) return NULL;
    p += strlen(pat);
    while (*p == ' ') p++;
    return p;
}

static inline long long tu_jint(const char *line, const char *key, long long dflt) {
    const char *p = tu_jfield(line, key);
    return p ? strtoll(p, NULL, 10) : dflt;
}

/* String value with the escapes \" and \\ resolved; 0 if absent or not a string. */
static inline int tu_jstr(const char *line, const char *key, char *out, size_t n) {
    const char *p = tu_jfield(line, key);
    if (!p || *p != '"') return 0;
    p++;
    size_t k = 0;
    while (*p && *p != '"' && k + 1 < n) {
        if (*p == '\\' && p[1]) p++;
        out[k++] = *p++;
    }
    out[k] = 0;
    return 1;
}
#endif
