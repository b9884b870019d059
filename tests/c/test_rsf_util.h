/* Helpers shared by the RSF tests (header only; each test is one program). */
#ifndef TEST_RSF_UTIL_H
#define TEST_RSF_UTIL_H
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fst24.h"
#include "fst_internal.h"
#include "testfiles.h"

static int t_pass __attribute__((unused)), t_fail __attribute__((unused));

#define CHECK(cond, ...)                                                           \
    do {                                                                           \
        if (cond) t_pass++;                                                        \
        else {                                                                     \
            t_fail++;                                                              \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                   \
            fprintf(stderr, __VA_ARGS__);                                          \
            fprintf(stderr, " [%s]\n", fst24_last_error());                        \
        }                                                                          \
    } while (0)

static inline int t_finish(void) {
    /* Pull the RSF backend into static links even if a weak stub exists. */
    if (!fst_rsf_backend.name) t_fail++;
    printf("%d passed, %d failed\n", t_pass, t_fail);
    return t_fail ? 1 : 0;
}

/* A scratch path "<FST24_TMP>/rsf_<pid>_<name>". */
static inline char *t_tmp(const char *name) {
    static char buf[8][1024];
    static int k;
    const char *d = tu_tmpdir();
    mkdir(d, 0777);
    char *b = buf[k++ & 7];
    snprintf(b, sizeof buf[0], "%s/rsf_%d_%s", d, (int)getpid(), name);
    return b;
}

/* A simple test record: ni x nj float32, values from (seed, i). */
static inline void t_record(fst24_record *r, const char *nomvar, int ip1, int ip2, int ni, int nj) {
    fst24_record_init(r);
    fst24_record_set_string(r, "nomvar", nomvar);
    fst24_record_set_string(r, "typvar", "P");
    fst24_record_set_string(r, "etiket", "RSFTEST");
    fst24_record_set_string(r, "grtyp", "X");
    r->ip1 = ip1;
    r->ip2 = ip2;
    r->ni = ni;
    r->nj = nj;
    r->nk = 1;
    r->dateo = 471942800;
    r->data_type = 5;
    r->pack_bits = 32;
    r->data_bits = 32;
}
static inline void t_fill(float *v, size_t n, int a, int b) {
    for (size_t i = 0; i < n; i++) v[i] = (float)a * 1000.0f + (float)b + (float)i * 0.25f;
}

/* Write one float32 record with values t_fill(a, b). */
static inline int t_write(fst24_file *f, const char *nomvar, int a, int b, int ni, int nj, const char *meta) {
    fst24_record r;
    t_record(&r, nomvar, a, b, ni, nj);
    size_t n = (size_t)ni * nj;
    float *v = malloc(n * sizeof *v);
    t_fill(v, n, a, b);
    int st = fst24_write(f, &r, v, FST24_ELEM_F32, FST24_REWRITE_NO, meta);
    free(v);
    return st;
}

/* Does the record hold exactly t_fill(ip1, ip2)? */
static inline int t_verify(const fst24_record *r) {
    size_t n = (size_t)r->ni * r->nj * r->nk;
    float *v = malloc(n * sizeof *v), *w = malloc(n * sizeof *w);
    int ok = fst24_read_data(r, v, n * sizeof *v, NULL) == FST24_OK;
    t_fill(w, n, r->ip1, r->ip2);
    if (ok) ok = memcmp(v, w, n * sizeof *v) == 0;
    free(v);
    free(w);
    return ok;
}

/* A whole text file as a NUL-terminated string (caller frees); NULL if unreadable. */
static inline char *t_slurp_text(const char *path) {
    size_t n;
    unsigned char *b = tu_slurp(path, &n);
    if (!b) return NULL;
    char *s = realloc(b, n + 1);
    if (!s) { free(b); return NULL; }
    s[n] = '\0';
    return s;
}

/* Run a shell command line, return its exit status. */
static inline int t_sh(const char *fmt, ...) {
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static inline const char *t_cli(void) {
    const char *c = getenv("FST24_CLI");
    return c ? c : "./fst24";
}

#endif
