/* Helpers shared by the level and date tests (header only): a counting check
 * macro, a TSV reader for the corpus vectors and a small scanner for the
 * flat fields of the corpus .jsonl dumps. */
#ifndef TEST_IP_UTIL_H
#define TEST_IP_UTIL_H
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testfiles.h"

static int t_pass, t_fail;

#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (cond) {                                                                                                    \
            t_pass++;                                                                                                  \
        } else {                                                                                                       \
            if (t_fail < 50) {                                                                                         \
                printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                                                 \
                printf(__VA_ARGS__);                                                                                   \
                printf("\n");                                                                                          \
            }                                                                                                          \
            t_fail++;                                                                                                  \
        }                                                                                                              \
    } while (0)

static inline int t_finish(void) {
    printf("%d passed, %d failed\n", t_pass, t_fail);
    return t_fail != 0;
}

/* Split a TSV line in place; returns the number of fields (<= max). */
static inline int t_split_tsv(char *line, char **fields, int max) {
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab) break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

/* Open a vector file of the corpus; exits the test if missing (a core
 * input: its absence is a failure, not a skip). */
static inline FILE *t_open_vectors(const char *name) {
    char path[1024];
    snprintf(path, sizeof path, "%s/ref/vectors/%s", tu_corpus(), name);
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("FAIL cannot open %s\n", path);
        t_fail++;
    }
    return f;
}

static inline int t_json_long(const char *line, const char *key, long *out) {
    const char *p = tu_jfield(line, key);
    if (!p) return 0;
    char *end;
    *out = strtol(p, &end, 10);
    return end != p;
}

/* Read `n` numbers of an object/array starting at p ("{"a":1,"b":2}" or
 * "[1,2,3]"), in order, skipping keys. Returns how many were read. */
static inline int t_json_numbers(const char *p, double *out, int n) {
    int k = 0;
    if (!p) return 0;
    char open = *p, close = open == '{' ? '}' : ']';
    p++;
    while (*p && *p != close && k < n) {
        if (*p == '"') { /* a key, or a string value ("NaN", "Infinity") */
            const char *q = strchr(p + 1, '"');
            if (!q) return k;
            if (q[1] == ':') {
                p = q + 2;
                continue;
            }
            if (strncmp(p, "\"NaN\"", 5) == 0)
                out[k++] = NAN;
            else if (strncmp(p, "\"Infinity\"", 10) == 0)
                out[k++] = INFINITY;
            else if (strncmp(p, "\"-Infinity\"", 11) == 0)
                out[k++] = -INFINITY;
            else
                return k;
            p = q + 1;
            continue;
        }
        if (*p == ',' || *p == ' ' || *p == '[' || *p == ']') {
            p++;
            continue;
        }
        char *end;
        double v = strtod(p, &end);
        if (end == p) return k;
        out[k++] = v;
        p = end;
    }
    return k;
}

/* Calls fn(path, line, ctx) for every record line of every .jsonl file in
 * ref/ and real/ of the corpus. Returns the number of record lines. */
typedef void (*t_record_fn)(const char *path, const char *line, void *ctx);

static inline long t_for_each_record(t_record_fn fn, void *ctx) {
    static const char *dirs[] = {"ref", "real"};
    long count = 0;
    size_t cap = 1 << 16;
    char *line = malloc(cap);
    for (int d = 0; d < 2; d++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", tu_corpus(), dirs[d]);
        DIR *dh = opendir(dir);
        if (!dh) {
            printf("FAIL cannot open %s\n", dir);
            t_fail++;
            continue;
        }
        struct dirent *de;
        while ((de = readdir(dh))) {
            size_t L = strlen(de->d_name);
            if (L < 6 || strcmp(de->d_name + L - 6, ".jsonl") != 0) continue;
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            FILE *f = fopen(path, "r");
            if (!f) continue;
            /* getline-like read of arbitrarily long lines */
            for (;;) {
                size_t len = 0;
                int c;
                while ((c = fgetc(f)) != EOF && c != '\n') {
                    if (len + 1 >= cap) {
                        cap *= 2;
                        line = realloc(line, cap);
                    }
                    line[len++] = (char)c;
                }
                line[len] = '\0';
                if (len > 0 && strstr(line, "\"kind\":\"record\"")) {
                    fn(path, line, ctx);
                    count++;
                }
                if (c == EOF) break;
            }
            fclose(f);
        }
        closedir(dh);
    }
    free(line);
    return count;
}

#endif
