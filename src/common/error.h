/* Internal: thread-local error reporting. */
#ifndef FST24_COMMON_ERROR_H
#define FST24_COMMON_ERROR_H
#include "fst24.h"

/* Record a failure (printf-style message) and return `status`, so that
 * callers can write `return fst_error(FST24_E_INVALID, "...", ...)`. */
int fst_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prefix the current message with context ("file X: " + previous message). */
int fst_error_context(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
