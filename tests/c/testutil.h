/* Small helpers shared by the core C tests (header only: each test is one program). */
#ifndef FST24_TESTUTIL_H
#define FST24_TESTUTIL_H
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fst24.h"
#include "testfiles.h"

static int tu_passed, tu_failed;
static pthread_mutex_t tu_lock __attribute__((unused)) = PTHREAD_MUTEX_INITIALIZER;

/* Count a check; on failure print where, what, and the library's last error.
 * Thread-safe, so worker threads may CHECK too. */
#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        int ok_ = (cond) ? 1 : 0;                                                                                      \
        pthread_mutex_lock(&tu_lock);                                                                                  \
        if (ok_)                                                                                                       \
            tu_passed++;                                                                                               \
        else {                                                                                                         \
            tu_failed++;                                                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s [last error: %s]\n", __FILE__, __LINE__, #cond,                   \
                    fst24_last_error());                                                                               \
        }                                                                                                              \
        pthread_mutex_unlock(&tu_lock);                                                                                \
    } while (0)
#define CHECK_OK(expr) CHECK((expr) == FST24_OK)

/* Print the closing "N passed, N failed" line and return the exit status. */
static inline int tu_finish(void) {
    printf("%d passed, %d failed\n", tu_passed, tu_failed);
    return tu_failed ? 1 : 0;
}

#endif
