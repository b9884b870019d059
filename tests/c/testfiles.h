/* File helpers shared by the C tests (header only): corpus and scratch paths,
 * whole-file read/write/copy, and field lookup in the flat corpus .jsonl lines. */
#ifndef FST24_TESTFILES_H
#define FST24_TESTFILES_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Deterministic xorshift64 generator for reproducible random tests. */
static inline uint64_t tu_xorshift(uint64_t *state) {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* ---- the shared corpus is optional ----------------------------------------------------------
 * Its place: $FST24_CORPUS at run time, else the one CMake found at configure time
 * ($FST24_CORPUS_DEFAULT, set by ctest), else ../shared/corpus. Tests that need it call
 * tu_require_corpus() (the whole test is skipped: exit code TU_SKIP, ctest's SKIP_RETURN_CODE)
 * or tu_corpus_part() (one part is skipped, the rest runs), which print why. */
#define TU_SKIP 77

static inline const char *tu_corpus(void) {
    const char *c = getenv("FST24_CORPUS");
    if (c && *c) return c;
    c = getenv("FST24_CORPUS_DEFAULT");
    return c && *c ? c : "../shared/corpus";
}

static inline int tu_have_corpus(void) {
    char ref[4096];
    snprintf(ref, sizeof ref, "%s/ref", tu_corpus());
    return access(ref, R_OK | X_OK) == 0;
}

/* Exit with TU_SKIP, saying why, when the corpus is absent. */
static inline void tu_require_corpus(const char *test) {
    if (tu_have_corpus()) return;
    printf("SKIP %s: shared corpus not found at %s (set FST24_CORPUS to run it)\n", test, tu_corpus());
    fflush(stdout);
    exit(TU_SKIP);
}

/* 1 if the corpus is present; else print that `part` is skipped and return 0. */
static inline int tu_corpus_part(const char *part) {
    if (tu_have_corpus()) return 1;
    printf("skipped (no corpus at %s): %s\n", tu_corpus(), part);
    return 0;
}

/* The fixture files of tests/data (written by fst24: tests/data/make_fixtures.py). */
static inline const char *tu_testdata(void) {
    const char *c = getenv("FST24_TESTDATA");
    return c && *c ? c : "../tests/data";
}
/* ---------------------------------------------------------------------------------------------- */

static inline const char *tu_tmpdir(void) {
    const char *t = getenv("FST24_TMP");
    return t && *t ? t : "/tmp";
}

/* Whole file in memory (caller frees); NULL if it cannot be read. */
static inline unsigned char *tu_slurp(const char *path, size_t *n) {
    *n = 0;
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
