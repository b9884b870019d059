/*
 * Internal to the validators (rsf_validate.c and xdf_validate.c; the file
 * carries the rsf_ prefix only for ownership reasons): a read-only
 * view of the file and the problem counter/reporter.
 */
#ifndef FST24_RSF_CHECKUTIL_H
#define FST24_RSF_CHECKUTIL_H
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

typedef struct check_ctx {
    const char *path;
    int fd;
    int64_t size;
    FILE *report;
    int problems;
} check_ctx;

/* Open `path` read-only; returns 0 or a negative fst24 status. */
int fst_check_open(check_ctx *c, const char *path, FILE *report);
void fst_check_close(check_ctx *c);
/* Count a problem and print "path: message" (the first 200 are printed). */
void fst_check_problem(check_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Read exactly n bytes at off; on failure counts a problem naming `what`, returns -1. */
int fst_check_read(check_ctx *c, void *buf, size_t n, int64_t off, const char *what);

/* Sorted set of 64-bit offsets (for "every record is referenced" checks). */
typedef struct check_set {
    int64_t *v;
    size_t n, cap;
} check_set;
int fst_check_set_add(check_set *s, int64_t x);
void fst_check_set_sort(check_set *s);
int fst_check_set_has(const check_set *s, int64_t x);
void fst_check_set_free(check_set *s);

#endif
