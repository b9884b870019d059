/* librmn's side of bench/run.py: the same line protocol as bench_worker.c
 * (INNER TASK ARGS... -> one JSON line), over librmn's classic C API loaded
 * at run time with dlopen, so that nothing from librmn is needed to build
 * fst24 or this file (bench/run.py compiles it with the system C compiler
 * only when a LIBRMN library path is given).
 *
 *   librmn_worker /path/to/librmn.so
 *
 * Tasks (equal work to bench_worker's tasks of the same name):
 *   open PATH          c_fnom + c_fstouv + c_fstnbr + c_fstfrm + c_fclos
 *   headers PATH       c_fstinl of every record + c_fstprm of each (every header field)
 *   search PATH        one c_fstinf on nomvar, ip1, ip2, ip3 of the middle record
 *   read1 PATH IDX     c_fstluk of one record into existing memory
 *   read1new PATH IDX  the same into freshly allocated memory
 *   readall PATH 1     c_fstluk of every record into existing memory (librmn reads on one thread)
 *   quit
 * Records are numbered in the order c_fstinl returns them (directory order). */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int (*fnom_fn)(int *, const char *, const char *, int);
typedef int (*fstouv_fn)(int, const char *);
typedef int (*int_int_fn)(int);
typedef int (*fstinl_fn)(int, int *, int *, int *, int, const char *, int, int, int, const char *, const char *,
                         int *, int *, int);
typedef int (*fstinf_fn)(int, int *, int *, int *, int, const char *, int, int, int, const char *, const char *);
typedef int (*fstprm_fn)(int, int *, int *, int *, int *, int *, int *, int *, int *, int *, int *, int *, char *,
                         char *, char *, char *, int *, int *, int *, int *, int *, int *, int *, int *, int *, int *,
                         int *);
typedef int (*fstluk_fn)(void *, int, int *, int *, int *);
typedef int (*fstopi_fn)(const char *, int, int);

static fnom_fn c_fnom;
static fstouv_fn c_fstouv;
static int_int_fn c_fstnbr, c_fstfrm, c_fclos;
static fstinl_fn c_fstinl;
static fstinf_fn c_fstinf;
static fstprm_fn c_fstprm;
static fstluk_fn c_fstluk;
static fstopi_fn c_fstopi;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of the whole process (every thread): on a shared machine, what the
 * work cost, less disturbed than the wall clock by other processes. */
static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct hdr {
    int ni, nj, nk, nbits, datyp, ip1, ip2, ip3;
    char nomvar[8], typvar[8], etiket[16];
} hdr;

typedef struct open_file {
    char *path;
    int iun;
    int *keys;
    hdr *h;
    int n;
    void **outs;
    size_t total;
} open_file;

#define MAX_FILES 64
static open_file files[MAX_FILES];
static int nfiles;
static char info[512];
static volatile uint64_t sink;

static int open_unit(const char *path, int *iun) {
    *iun = 0;
    if (c_fnom(iun, path, "RND+STD+R/O+OLD", 0) < 0) return -1;
    if (c_fstouv(*iun, "RND") < 0) {
        c_fclos(*iun);
        return -1;
    }
    return 0;
}

static int prm(int key, hdr *h) {
    int dateo, deet, npas, ig1, ig2, ig3, ig4, swa, lng, dltf, ubc, e1, e2, e3;
    char grtyp[2] = " ";
    /* librmn copies as many characters as the buffers hold (blank-filled, as rpnpy passes them) */
    memset(h, 0, sizeof *h);
    memcpy(h->nomvar, "    ", 4);
    memcpy(h->typvar, "  ", 2);
    memcpy(h->etiket, "            ", 12);
    return c_fstprm(key, &dateo, &deet, &npas, &h->ni, &h->nj, &h->nk, &h->nbits, &h->datyp, &h->ip1, &h->ip2,
                    &h->ip3, h->typvar, h->nomvar, h->etiket, grtyp, &ig1, &ig2, &ig3, &ig4, &swa, &lng, &dltf,
                    &ubc, &e1, &e2, &e3);
}

static open_file *get_file(const char *path) {
    for (int i = 0; i < nfiles; i++)
        if (!strcmp(files[i].path, path)) return &files[i];
    if (nfiles == MAX_FILES) return NULL;
    open_file *o = &files[nfiles];
    memset(o, 0, sizeof *o);
    if (open_unit(path, &o->iun)) return NULL;
    int n = c_fstnbr(o->iun);
    if (n < 0) return NULL;
    o->keys = malloc((size_t)(n + 1) * sizeof *o->keys);
    o->h = malloc((size_t)(n + 1) * sizeof *o->h);
    int ni, nj, nk, got = 0;
    if (c_fstinl(o->iun, &ni, &nj, &nk, -1, "", -1, -1, -1, "", "", o->keys, &got, n + 1) < 0) return NULL;
    o->n = got;
    for (int i = 0; i < got; i++)
        if (prm(o->keys[i], &o->h[i]) < 0) return NULL;
    o->path = strdup(path);
    nfiles++;
    return o;
}

/* Bytes c_fstluk may write for a record: every value as 8 bytes at most. */
static size_t luk_bytes(const hdr *h) {
    size_t n = (size_t)h->ni * (size_t)h->nj * (size_t)h->nk;
    return n * 8 + 64;
}

static void *buf;
static size_t buf_n;

static int run_once(int argc, char **argv, size_t *bytes) {
    const char *task = argv[0];
    *bytes = 0;
    if (!strcmp(task, "open") && argc == 2) {
        int iun;
        if (open_unit(argv[1], &iun)) return -1;
        int n = c_fstnbr(iun);
        c_fstfrm(iun);
        c_fclos(iun);
        snprintf(info, sizeof info, "%d records", n);
        return n < 0;
    }
    if (!strcmp(task, "headers") && argc == 2) {
        open_file *o = get_file(argv[1]);
        if (!o) return -1;
        int ni, nj, nk, got = 0;
        if (c_fstinl(o->iun, &ni, &nj, &nk, -1, "", -1, -1, -1, "", "", o->keys, &got, o->n + 1) < 0) return -1;
        for (int i = 0; i < got; i++)
            if (prm(o->keys[i], &o->h[i]) < 0) return -1;
        snprintf(info, sizeof info, "%d records", got);
        return 0;
    }
    if (!strcmp(task, "search") && argc == 2) {
        open_file *o = get_file(argv[1]);
        if (!o || o->n == 0) return -1;
        const hdr *m = &o->h[o->n / 2];
        int ni, nj, nk;
        int key = c_fstinf(o->iun, &ni, &nj, &nk, -1, "", m->ip1, m->ip2, m->ip3, "", m->nomvar);
        if (key < 0) return -1;
        snprintf(info, sizeof info, "%.4s ip1=%d ip2=%d ip3=%d", m->nomvar, m->ip1, m->ip2, m->ip3);
        return 0;
    }
    if ((!strcmp(task, "read1") || !strcmp(task, "read1new")) && argc == 3) {
        open_file *o = get_file(argv[1]);
        int i = atoi(argv[2]);
        if (!o || i < 0 || i >= o->n) return -1;
        const hdr *h = &o->h[i];
        size_t nb = luk_bytes(h);
        void *out;
        if (!strcmp(task, "read1")) {
            if (buf_n < nb) {
                free(buf);
                buf = malloc(nb);
                memset(buf, 1, nb);
                buf_n = nb;
            }
            out = buf;
        } else {
            out = malloc(nb);
        }
        int ni, nj, nk;
        int st = c_fstluk(out, o->keys[i], &ni, &nj, &nk);
        sink += ((unsigned char *)out)[nb / 2];
        if (out != buf) free(out);
        if (st < 0) return -1;
        *bytes = (size_t)ni * nj * nk * (h->nbits > 32 ? 8 : 4);
        snprintf(info, sizeof info, "%.4s ip1=%d ip2=%d %dx%dx%d datyp %d/%d", h->nomvar, h->ip1, h->ip2, h->ni,
                 h->nj, h->nk, h->datyp, h->nbits);
        return 0;
    }
    if (!strcmp(task, "readall") && argc == 3) {
        open_file *o = get_file(argv[1]);
        if (!o) return -1;
        if (!o->outs) {
            o->outs = malloc((size_t)(o->n + 1) * sizeof *o->outs);
            for (int i = 0; i < o->n; i++) {
                size_t nb = luk_bytes(&o->h[i]);
                o->outs[i] = malloc(nb);
                memset(o->outs[i], 1, nb);
                o->total += (size_t)o->h[i].ni * o->h[i].nj * o->h[i].nk * (o->h[i].nbits > 32 ? 8 : 4);
            }
        }
        for (int i = 0; i < o->n; i++) {
            int ni, nj, nk;
            if (c_fstluk(o->outs[i], o->keys[i], &ni, &nj, &nk) < 0) return -1;
        }
        *bytes = o->total;
        snprintf(info, sizeof info, "%d records, 1 thread", o->n);
        return 0;
    }
    snprintf(info, sizeof info, "unsupported task or arguments: %s", task);
    return -2;
}

#define LOAD(var, name)                                                          \
    do {                                                                         \
        *(void **)&var = dlsym(lib, name);                                       \
        if (!var) {                                                              \
            printf("{\"error\": \"%s: no symbol %s\"}\n", argv[1], name);        \
            return 1;                                                            \
        }                                                                        \
    } while (0)

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: librmn_worker LIBRMN.so\n");
        return 2;
    }
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
    if (!lib) {
        printf("{\"error\": \"cannot load %s\"}\n", argv[1]);
        return 1;
    }
    LOAD(c_fnom, "c_fnom");
    LOAD(c_fstouv, "c_fstouv");
    LOAD(c_fstnbr, "c_fstnbr");
    LOAD(c_fstfrm, "c_fstfrm");
    LOAD(c_fclos, "c_fclos");
    LOAD(c_fstinl, "c_fstinl");
    LOAD(c_fstinf, "c_fstinf");
    LOAD(c_fstprm, "c_fstprm");
    LOAD(c_fstluk, "c_fstluk");
    LOAD(c_fstopi, "c_fstopi");
    c_fstopi("MSGLVL", 10, 0); /* catastrophic messages only */
    /* the ready line: the library loaded and the API found; RSF files need librmn >= 20 */
    printf("{\"ready\": true, \"rsf\": %s}\n", dlsym(lib, "RSF_Open_file") ? "true" : "false");
    fflush(stdout);
    char line[65536];
    while (fgets(line, sizeof line, stdin)) {
        char *args[64];
        int n = 0;
        for (char *tok = strtok(line, " \t\r\n"); tok && n < 64; tok = strtok(NULL, " \t\r\n")) args[n++] = tok;
        if (n == 0) continue;
        if (!strcmp(args[0], "quit")) break;
        long inner = atol(args[0]);
        info[0] = '\0';
        size_t bytes = 0;
        int st = inner < 1 || n < 2 ? -2 : 0;
        double t0 = now(), c0 = cpu_now();
        for (long k = 0; k < inner && st == 0; k++) st = run_once(n - 1, args + 1, &bytes);
        double t = (now() - t0) / (double)(inner > 0 ? inner : 1), c = (cpu_now() - c0) / (double)(inner > 0 ? inner : 1);
        if (st) printf("{\"error\": \"librmn: %s failed %s\"}\n", n > 1 ? args[1] : "?", info);
        else printf("{\"s\": %.9g, \"cpu\": %.9g, \"n\": %ld, \"bytes\": %zu, \"info\": \"%s\"}\n", t, c, inner, bytes, info);
        fflush(stdout);
    }
    return 0;
}
