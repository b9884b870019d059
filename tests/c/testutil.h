/* Small helpers shared by the core C tests (header only: each test is one program). */
#ifndef FST24_TESTUTIL_H
#define FST24_TESTUTIL_H
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fst24.h"

static int tu_passed, tu_failed;
static pthread_mutex_t tu_lock __attribute__((unused)) = PTHREAD_MUTEX_INITIALIZER;

/* Count a check; on failure print where, what, and the library's last error.
 * Thread-safe, so worker threads may CHECK too. */
#define CHECK(cond)                                                                          \
    do {                                                                                     \
        int ok_ = (cond) ? 1 : 0;                                                            \
        pthread_mutex_lock(&tu_lock);                                                        \
        if (ok_) tu_passed++;                                                                \
        else {                                                                               \
            tu_failed++;                                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s [last error: %s]\n", __FILE__, __LINE__, \
                    #cond, fst24_last_error());                                              \
        }                                                                                    \
        pthread_mutex_unlock(&tu_lock);                                                      \
    } while (0)
#define CHECK_OK(expr) CHECK((expr) == FST24_OK)

/* Print the closing "N passed, N failed" line and return the exit status. */
static inline int tu_finish(void) {
    printf("%d passed, %d failed\n", tu_passed, tu_failed);
    return tu_failed ? 1 : 0;
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
