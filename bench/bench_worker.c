/* The C side of bench/run.py: a worker that reads one command per line on
 * stdin, runs it `inner` times and answers one JSON line on stdout with the
 * mean time per run. Files, records, output buffers and encoded payloads are
 * kept between commands, so that a command measures only its own work
 * (existing output memory unless the task says "new").
 *
 *   bench_worker            then, per line:  INNER TASK ARGS...
 *
 * Tasks (PATH an FST file, IDX a record position, T a thread count):
 *   open PATH                 fst24_open + fst24_num_records + fst24_close
 *   headers PATH              every record header (one fst24_query_all)
 *   search PATH               one exact search (nomvar, ip1, ip2, ip3 of the middle record)
 *   read1 PATH IDX            fst24_read_data of one record into existing memory
 *   read1new PATH IDX         the same into freshly allocated memory (malloc + free)
 *   readall PATH T            fst24_read_many of every record into existing memory
 *   readallnew PATH T         the same into freshly allocated memory
 *   warmread PATH             pread of the whole file into existing memory (the I/O limit)
 *   memcpy BYTES              memcpy between two existing buffers (the memory limit)
 *   decode DATYP NBITS NI NJ T  codec decode of a smooth field (T > 1: block ranges on T threads)
 *   encode DATYP NBITS NI NJ  codec encode of the same field
 *   latlon PATH IDX           grid of a record (positional records read) + lat/lon of every point
 *   index T PATH...           the metadata index (header and decoded columns) of the files
 *   quit
 * Answer: {"s": seconds per run, "cpu": process CPU seconds per run, "n": runs,
 *          "bytes": output bytes per run, "info": "..."}
 * or {"error": "..."}. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "codec/codec.h"
#include "fst24.h"
#include "fst24/index.h"

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

/* ---- cached state ---------------------------------------------------------------- */

typedef struct open_file {
    char *path;
    fst24_file *f;
    fst24_record *recs;
    int64_t n;
    void **outs; /* existing output memory, one buffer per record (made on first use) */
    size_t *sizes;
    size_t total;
} open_file;

#define MAX_FILES 64
static open_file files[MAX_FILES];
static int nfiles;

static open_file *get_file(const char *path) {
    for (int i = 0; i < nfiles; i++)
        if (!strcmp(files[i].path, path)) return &files[i];
    if (nfiles == MAX_FILES) return NULL;
    open_file *o = &files[nfiles];
    memset(o, 0, sizeof *o);
    if (fst24_open(path, FST24_MODE_READ, NULL, &o->f)) return NULL;
    o->n = fst24_num_records(o->f);
    o->recs = malloc((size_t)(o->n ? o->n : 1) * sizeof *o->recs);
    fst24_query *q;
    if (fst24_query_new(o->f, NULL, NULL, &q) || fst24_query_all(q, o->recs, o->n) != o->n) return NULL;
    fst24_query_free(q);
    o->path = strdup(path);
    nfiles++;
    return o;
}

static size_t record_bytes(const fst24_record *r) {
    fst24_elem_type t;
    size_t c;
    if (fst24_record_data_layout(r, &t, &c)) return 0;
    return c * fst24_elem_size(t);
}

static int ensure_outputs(open_file *o) {
    if (o->outs) return 0;
    o->outs = calloc((size_t)(o->n ? o->n : 1), sizeof *o->outs);
    o->sizes = calloc((size_t)(o->n ? o->n : 1), sizeof *o->sizes);
    for (int64_t i = 0; i < o->n; i++) {
        o->sizes[i] = record_bytes(&o->recs[i]);
        o->outs[i] = malloc(o->sizes[i] ? o->sizes[i] : 1);
        if (!o->outs[i]) return -1;
        memset(o->outs[i], 0, o->sizes[i]); /* touched: existing memory */
        o->total += o->sizes[i];
    }
    return 0;
}

/* A buffer of at least n bytes, touched once, kept for the next commands. */
typedef struct buffer {
    void *p;
    size_t n;
} buffer;
static buffer buf_a, buf_b;

static void *get_buffer(buffer *b, size_t n) {
    if (b->n < n) {
        free(b->p);
        b->p = malloc(n ? n : 1);
        if (!b->p) {
            b->n = 0;
            return NULL;
        }
        memset(b->p, 1, n);
        b->n = n;
    }
    return b->p;
}

/* Encoded payloads of the smooth test field, per (datyp, nbits, ni, nj). */
typedef struct payload {
    int datyp, nbits, ni, nj;
    fst_codec_desc stored;
    uint32_t *w;
    size_t nw;
    fst24_elem_type type;
    size_t count;
} payload;
#define MAX_PAYLOADS 64
static payload payloads[MAX_PAYLOADS];
static int npayloads;
static void *field_in;
static size_t field_in_n;
static int field_ni, field_nj;
static fst24_elem_type field_type;

static fst24_elem_type input_type(int datyp, int nbits) {
    int base = datyp & FST24_TYPE_BASE_MASK;
    if (base == FST24_TYPE_UNSIGNED || base == FST24_TYPE_SIGNED) return FST24_ELEM_U32;
    return nbits == 64 ? FST24_ELEM_F64 : FST24_ELEM_F32;
}

/* A smooth field (plus a little noise) like a model's temperature; integers as a ramp. */
static void *make_field(int ni, int nj, fst24_elem_type t) {
    size_t n = (size_t)ni * nj;
    if (field_in && field_ni == ni && field_nj == nj && field_type == t)
        return field_in; /* kept: encode times the codec only */
    field_ni = ni;
    field_nj = nj;
    field_type = t;
    if (field_in_n < n * 8) {
        free(field_in);
        field_in = malloc(n * 8);
        field_in_n = n * 8;
    }
    uint64_t rs = 0x243F6A8885A308D3ull;
    for (int j = 0; j < nj; j++)
        for (int i = 0; i < ni; i++) {
            rs ^= rs << 13;
            rs ^= rs >> 7;
            rs ^= rs << 17;
            double noise = (double)(rs >> 11) * (1.0 / 9007199254740992.0) - 0.5;
            double x = 280.0 + 20.0 * sin(6.283 * 2 * i / ni) * cos(6.283 * j / nj) + 0.05 * noise;
            size_t k = (size_t)j * ni + i;
            if (t == FST24_ELEM_F64)
                ((double *)field_in)[k] = x;
            else if (t == FST24_ELEM_F32)
                ((float *)field_in)[k] = (float)x;
            else
                ((uint32_t *)field_in)[k] = (uint32_t)((i * 3 + j * 5) & 0xFFF);
        }
    return field_in;
}

static payload *get_payload(int datyp, int nbits, int ni, int nj) {
    for (int i = 0; i < npayloads; i++) {
        payload *p = &payloads[i];
        if (p->datyp == datyp && p->nbits == nbits && p->ni == ni && p->nj == nj) return p;
    }
    if (npayloads == MAX_PAYLOADS) return NULL;
    payload *p = &payloads[npayloads];
    fst24_elem_type t = input_type(datyp, nbits);
    fst_codec_desc req = {datyp, nbits, t == FST24_ELEM_F64 ? 64 : 32, ni, nj, 1};
    if (fst_codec_encode(make_field(ni, nj, t), t, &req, 0, &p->stored, &p->w, &p->nw)) return NULL;
    if (fst_codec_layout(&p->stored, &p->type, &p->count)) return NULL;
    p->datyp = datyp;
    p->nbits = nbits;
    p->ni = ni;
    p->nj = nj;
    npayloads++;
    return p;
}

/* ---- tasks ----------------------------------------------------------------------- */

typedef struct range_job {
    const payload *p;
    size_t first, count;
    void *out;
    int rc;
} range_job;

static void *range_worker(void *arg) {
    range_job *j = arg;
    j->rc = fst_codec_decode_range(j->p->w, j->p->nw, &j->p->stored, j->first, j->count, j->out, j->p->type);
    return NULL;
}

static int decode_threads(const payload *p, void *out, int threads) {
    if (threads <= 1 || !fst_codec_range_supported(&p->stored))
        return fst_codec_decode(p->w, p->nw, &p->stored, out, p->type, p->count, 1);
    range_job jobs[64];
    pthread_t th[64];
    if (threads > 64) threads = 64;
    size_t es = fst24_elem_size(p->type), per = (p->count + (size_t)threads - 1) / (size_t)threads;
    for (int k = 0; k < threads; k++) {
        size_t first = (size_t)k * per, c = first < p->count ? (p->count - first < per ? p->count - first : per) : 0;
        jobs[k] = (range_job){p, first, c, (char *)out + first * es, 0};
        if (k) pthread_create(&th[k], NULL, range_worker, &jobs[k]);
    }
    range_worker(&jobs[0]);
    for (int k = 1; k < threads; k++) pthread_join(th[k], NULL);
    for (int k = 0; k < threads; k++)
        if (jobs[k].rc) return jobs[k].rc;
    if (p->stored.datyp & FST24_TYPE_MISSING_FLAG) fst_codec_decode_missing(out, p->type, p->count);
    return 0;
}

static char info[512];
static volatile uint64_t sink;

#define NEED(cond)                                                                                                     \
    do {                                                                                                               \
        if (!(cond)) return fst24_last_error()[0] ? -1 : -2;                                                           \
    } while (0)

/* Run `task` once; *bytes receives the bytes it produced (0 if none). */
static int run_once(int argc, char **argv, size_t *bytes) {
    const char *task = argv[0];
    *bytes = 0;
    if (!strcmp(task, "open") && argc == 2) {
        fst24_file *f;
        NEED(fst24_open(argv[1], FST24_MODE_READ, NULL, &f) == 0);
        int64_t n = fst24_num_records(f);
        fst24_close(f);
        snprintf(info, sizeof info, "%lld records", (long long)n);
        return 0;
    }
    if (!strcmp(task, "headers") && argc == 2) {
        open_file *o = get_file(argv[1]);
        NEED(o);
        fst24_query *q;
        NEED(fst24_query_new(o->f, NULL, NULL, &q) == 0);
        int64_t got = fst24_query_all(q, o->recs, o->n);
        fst24_query_free(q);
        NEED(got == o->n);
        snprintf(info, sizeof info, "%lld records", (long long)got);
        return 0;
    }
    if (!strcmp(task, "search") && argc == 2) {
        open_file *o = get_file(argv[1]);
        NEED(o && o->n > 0);
        const fst24_record *m = &o->recs[o->n / 2];
        fst24_record crit;
        fst24_record_init_criteria(&crit);
        memcpy(crit.nomvar, m->nomvar, sizeof crit.nomvar);
        crit.ip1 = m->ip1;
        crit.ip2 = m->ip2;
        crit.ip3 = m->ip3;
        fst24_query *q;
        fst24_record r;
        NEED(fst24_query_new(o->f, &crit, NULL, &q) == 0);
        int found = fst24_query_next(q, &r);
        fst24_query_free(q);
        NEED(found == 1);
        snprintf(info, sizeof info, "%.4s ip1=%d ip2=%d ip3=%d", r.nomvar, r.ip1, r.ip2, r.ip3);
        return 0;
    }
    if ((!strcmp(task, "read1") || !strcmp(task, "read1new")) && argc == 3) {
        open_file *o = get_file(argv[1]);
        int64_t i = atoll(argv[2]);
        NEED(o && i >= 0 && i < o->n);
        const fst24_record *r = &o->recs[i];
        size_t nb = record_bytes(r);
        if (!strcmp(task, "read1")) {
            void *out = get_buffer(&buf_a, nb);
            NEED(out && fst24_read_data(r, out, nb, NULL) == 0);
        } else {
            void *out = malloc(nb ? nb : 1);
            NEED(out);
            int st = fst24_read_data(r, out, nb, NULL);
            sink += ((unsigned char *)out)[nb / 2];
            free(out);
            NEED(st == 0);
        }
        *bytes = nb;
        snprintf(info, sizeof info, "%.4s ip1=%d ip2=%d %dx%dx%d datyp %d/%d", r->nomvar, r->ip1, r->ip2, r->ni, r->nj,
                 r->nk, r->data_type, r->pack_bits);
        return 0;
    }
    if ((!strcmp(task, "readall") || !strcmp(task, "readallnew")) && argc == 3) {
        open_file *o = get_file(argv[1]);
        NEED(o && ensure_outputs(o) == 0);
        int threads = atoi(argv[2]);
        if (!strcmp(task, "readall")) {
            NEED(fst24_read_many(o->recs, o->outs, o->sizes, o->n, NULL, threads, NULL) == 0);
        } else {
            void **outs = malloc((size_t)(o->n ? o->n : 1) * sizeof *outs);
            for (int64_t i = 0; i < o->n; i++) outs[i] = malloc(o->sizes[i] ? o->sizes[i] : 1);
            int st = fst24_read_many(o->recs, outs, o->sizes, o->n, NULL, threads, NULL);
            for (int64_t i = 0; i < o->n; i++) free(outs[i]);
            free(outs);
            NEED(st == 0);
        }
        *bytes = o->total;
        snprintf(info, sizeof info, "%lld records, %d thread(s)", (long long)o->n, threads);
        return 0;
    }
    if (!strcmp(task, "warmread") && argc == 2) {
        int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
        NEED(fd >= 0);
        off_t size = lseek(fd, 0, SEEK_END);
        char *b = get_buffer(&buf_b, (size_t)size);
        size_t done = 0;
        while (b && done < (size_t)size) {
            ssize_t k = pread(fd, b + done, (size_t)size - done, (off_t)done);
            if (k <= 0) break;
            done += (size_t)k;
        }
        close(fd);
        NEED(done == (size_t)size);
        *bytes = done;
        return 0;
    }
    if (!strcmp(task, "memcpy") && argc == 2) {
        size_t n = (size_t)atoll(argv[1]);
        void *a = get_buffer(&buf_a, n), *b = get_buffer(&buf_b, n);
        NEED(a && b);
        memcpy(a, b, n);
        sink += ((unsigned char *)a)[n / 2];
        *bytes = n;
        return 0;
    }
    if (!strcmp(task, "decode") && argc == 6) {
        payload *p = get_payload(atoi(argv[1]), atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
        NEED(p);
        size_t nb = p->count * fst24_elem_size(p->type);
        void *out = get_buffer(&buf_a, nb);
        NEED(out && decode_threads(p, out, atoi(argv[5])) == 0);
        *bytes = nb;
        snprintf(info, sizeof info, "datyp %d nbits %d, %zu payload bytes", p->stored.datyp, p->stored.nbits,
                 p->nw * 4);
        return 0;
    }
    if (!strcmp(task, "encode") && argc == 5) {
        int datyp = atoi(argv[1]), nbits = atoi(argv[2]), ni = atoi(argv[3]), nj = atoi(argv[4]);
        payload *p = get_payload(datyp, nbits, ni, nj); /* also makes the input field */
        NEED(p);
        fst24_elem_type t = input_type(datyp, nbits);
        void *in = make_field(ni, nj, t);
        fst_codec_desc req = {datyp, nbits, t == FST24_ELEM_F64 ? 64 : 32, ni, nj, 1}, st;
        uint32_t *w = NULL;
        size_t nw = 0;
        NEED(fst_codec_encode(in, t, &req, 0, &st, &w, &nw) == 0);
        free(w);
        *bytes = (size_t)ni * nj * fst24_elem_size(t);
        return 0;
    }
    if (!strcmp(task, "latlon") && argc == 3) {
        open_file *o = get_file(argv[1]);
        int64_t i = atoll(argv[2]);
        NEED(o && i >= 0 && i < o->n);
        fst24_grid *g;
        NEED(fst24_grid_from_record(o->f, &o->recs[i], &g) == 0);
        size_t np = (size_t)o->recs[i].ni * (size_t)o->recs[i].nj;
        double *lat = get_buffer(&buf_a, np * 8), *lon = get_buffer(&buf_b, np * 8);
        int st = lat && lon ? fst24_grid_latlon(g, lat, lon) : -1;
        fst24_grid_free(g);
        NEED(st == 0);
        *bytes = 2 * np * 8;
        snprintf(info, sizeof info, "%dx%d grid %c, lat[0]=%.4f lon[0]=%.4f", o->recs[i].ni, o->recs[i].nj,
                 o->recs[i].grtyp[0], lat[0], lon[0]);
        return 0;
    }
    if ((!strcmp(task, "index") || !strcmp(task, "index_header")) && argc >= 3) {
        /* bytes: the memory the index holds (fst24_index_memory), for the memory target */
        fst24_index_options opt = {.threads = atoi(argv[1]),
                                   .columns = strcmp(task, "index") ? FST24_INDEX_HEADER_COLUMNS : 0};
        fst24_index *ix = NULL;
        NEED(fst24_index_new(&opt, &ix) == 0);
        int st = fst24_index_add_paths(ix, (const char *const *)argv + 2, argc - 2, 0);
        fst24_index_column c;
        if (!st) st = fst24_index_get_column(ix, FST24_COL_KEY, &c); /* freezes: capacity trimmed */
        int64_t rows = fst24_index_num_rows(ix);
        *bytes = (size_t)fst24_index_memory(ix);
        fst24_index_free(ix);
        NEED(st == 0);
        snprintf(info, sizeof info, "%lld rows", (long long)rows);
        return 0;
    }
    snprintf(info, sizeof info, "unknown task or arguments: %s (%d arguments)", task, argc - 1);
    return -2;
}

static void json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", *s);
        else
            putchar(*s);
    }
    putchar('"');
}

int main(void) {
    printf("{\"ready\": true}\n");
    fflush(stdout);
    char line[65536];
    while (fgets(line, sizeof line, stdin)) {
        char *argv[4096];
        int argc = 0;
        for (char *tok = strtok(line, " \t\r\n"); tok && argc < 4096; tok = strtok(NULL, " \t\r\n")) argv[argc++] = tok;
        if (argc == 0) continue;
        if (!strcmp(argv[0], "quit")) break;
        long inner = atol(argv[0]);
        if (inner < 1 || argc < 2) {
            printf("{\"error\": \"usage: INNER TASK ARGS...\"}\n");
            fflush(stdout);
            continue;
        }
        info[0] = '\0';
        fst24_clear_error();
        size_t bytes = 0;
        int st = 0;
        double t0 = now(), c0 = cpu_now();
        for (long k = 0; k < inner && st == 0; k++) st = run_once(argc - 1, argv + 1, &bytes);
        double t = (now() - t0) / (double)inner, c = (cpu_now() - c0) / (double)inner;
        if (st) {
            printf("{\"error\": ");
            json_string(st == -1 ? fst24_last_error() : info);
            printf("}\n");
        } else {
            printf("{\"s\": %.9g, \"cpu\": %.9g, \"n\": %ld, \"bytes\": %zu, \"info\": ", t, c, inner, bytes);
            json_string(info);
            printf("}\n");
        }
        fflush(stdout);
    }
    return 0;
}
