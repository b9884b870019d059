/*
 * The metadata index: files scanned by a pool of threads into one part each
 * (index_scan.c), parts kept in file order and merged into one set of
 * columns when the index is first read or exported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index/index_internal.h"

/* ------------------------------------------------------------------------ */
/* Life cycle                                                               */
/* ------------------------------------------------------------------------ */

int fst24_index_new(const fst24_index_options *opts, fst24_index **out) {
    if (!out) return fst_error(FST24_E_INVALID, "fst24_index_new: NULL output pointer");
    *out = NULL;
    fst24_index *ix = calloc(1, sizeof *ix);
    if (!ix) return fst_error(FST24_E_NOMEM, "index: out of memory");
    if (opts) ix->opts = *opts;
    if (ix->opts.threads < 0) {
        free(ix);
        return fst_error(FST24_E_INVALID, "index: threads must be >= 0, not %d", opts->threads);
    }
    uint64_t all = (FST24_INDEX_COLUMN(FST24_COL_COUNT - 1) << 1) - 1;
    if (ix->opts.columns & ~all) {
        free(ix);
        return fst_error(FST24_E_INVALID, "index: unknown column bits 0x%llx",
                         (unsigned long long)(opts->columns & ~all));
    }
    ix->mask = ix->opts.columns ? ix->opts.columns : FST24_INDEX_DEFAULT_COLUMNS;
    ix->refs = 1;
    pthread_mutex_init(&ix->freeze_lock, NULL);
    *out = ix;
    return FST24_OK;
}

static void index_destroy(fst24_index *ix) {
    for (int64_t i = 0; i < ix->nparts; i++) fst_ipart_free(ix->parts[i]);
    free(ix->parts);
    for (int64_t i = 0; i < ix->paths.n; i++) free(ix->paths.items[i]);
    free(ix->paths.items);
    free(ix->file_rows);
    for (int64_t i = 0; i < ix->nskipped; i++) {
        free(ix->skipped[i].path);
        free(ix->skipped[i].message);
    }
    free(ix->skipped);
    fst_ipart_free(ix->merged);
    free(ix->dict_offsets);
    free(ix->dict_chars);
    free(ix->file_code);
    pthread_mutex_destroy(&ix->freeze_lock);
    free(ix);
}

void fst_index_ref(fst24_index *ix) { __atomic_add_fetch(&ix->refs, 1, __ATOMIC_RELAXED); }

void fst_index_unref(fst24_index *ix) {
    if (ix && __atomic_sub_fetch(&ix->refs, 1, __ATOMIC_ACQ_REL) == 0) index_destroy(ix);
}

void fst24_index_free(fst24_index *ix) { fst_index_unref(ix); }

/* ------------------------------------------------------------------------ */
/* Adding files                                                             */
/* ------------------------------------------------------------------------ */

static int check_open(fst24_index *ix) {
    if (!ix) return fst_error(FST24_E_INVALID, "index: NULL index");
    if (ix->frozen)
        return fst_error(FST24_E_INVALID, "index: no file can be added once columns were read or exported");
    return FST24_OK;
}

static int append_part(fst24_index *ix, const char *path, fst_ipart *p) {
    if (ix->nparts == ix->cap_parts) {
        int64_t cap = ix->cap_parts ? 2 * ix->cap_parts : 16;
        fst_ipart **g1 = realloc(ix->parts, (size_t)cap * sizeof *g1);
        if (g1) ix->parts = g1;
        char **g2 = realloc(ix->paths.items, (size_t)cap * sizeof *g2);
        if (g2) ix->paths.items = g2;
        int64_t *g3 = realloc(ix->file_rows, (size_t)cap * sizeof *g3);
        if (g3) ix->file_rows = g3;
        if (!g1 || !g2 || !g3) return fst_error(FST24_E_NOMEM, "index: out of memory");
        ix->cap_parts = ix->paths.cap = cap;
    }
    char *copy = strdup(path);
    if (!copy) return fst_error(FST24_E_NOMEM, "index: out of memory");
    ix->file_rows[ix->paths.n] = p->rows;
    ix->parts[ix->nparts++] = p;
    ix->paths.items[ix->paths.n++] = copy;
    ix->rows += p->rows;
    return FST24_OK;
}

static int append_skipped(fst24_index *ix, const char *path, int status, const char *message) {
    if (ix->nskipped == ix->cap_skipped) {
        int64_t cap = ix->cap_skipped ? 2 * ix->cap_skipped : 8;
        fst_iskip *g = realloc(ix->skipped, (size_t)cap * sizeof *g);
        if (!g) return fst_error(FST24_E_NOMEM, "index: out of memory");
        ix->skipped = g;
        ix->cap_skipped = cap;
    }
    fst_iskip *s = &ix->skipped[ix->nskipped];
    s->path = strdup(path);
    s->message = strdup(message);
    s->status = status;
    if (!s->path || !s->message) {
        free(s->path);
        free(s->message);
        return fst_error(FST24_E_NOMEM, "index: out of memory");
    }
    ix->nskipped++;
    return FST24_OK;
}

int fst24_index_add_file(fst24_index *ix, fst24_file *file) {
    int st = check_open(ix);
    if (st) return st;
    if (!file) return fst_error(FST24_E_INVALID, "index: NULL file");
    fst_ipart *p = NULL;
    st = fst_index_scan_file(file, ix->mask, &p);
    if (st) return st;
    st = append_part(ix, file->path, p);
    if (st) fst_ipart_free(p);
    return st;
}

/* One file of a parallel scan: its part, or its failure. */
typedef struct scan_slot {
    fst_ipart *part;
    int status;
    int not_fst;
    char *message;
} scan_slot;

typedef struct scan_job {
    const char *const *paths;
    int64_t n;
    uint64_t mask;
    int flags;
    int stop_on_error;
    scan_slot *slots;
    int64_t next;     /* atomically claimed file number */
    int failed;       /* set when a failure stops the others (atomic) */
} scan_job;

static void scan_one(scan_job *job, int64_t i) {
    scan_slot *s = &job->slots[i];
    const char *path = job->paths[i];
    if (!path) {
        s->status = fst_error(FST24_E_INVALID, "index: path %lld is NULL", (long long)i);
    } else {
        fst24_file *f = NULL;
        s->status = fst24_open(path, FST24_MODE_READ, NULL, &f);
        if (s->status == FST24_OK) {
            s->status = fst_index_scan_file(f, job->mask, &s->part);
            int cst = fst24_close(f);
            if (s->status == FST24_OK && cst != FST24_OK) {
                s->status = cst;
                fst_ipart_free(s->part);
                s->part = NULL;
            }
        } else if (s->status == FST24_E_NOT_FST && (job->flags & FST24_INDEX_SKIP_NOT_FST)) {
            s->not_fst = 1;
            s->status = FST24_OK;
            fst24_clear_error();
        }
    }
    if (s->status != FST24_OK) {
        s->message = strdup(fst24_last_error());
        if (job->stop_on_error) __atomic_store_n(&job->failed, 1, __ATOMIC_RELAXED);
    }
}

static void *scan_worker(void *arg) {
    scan_job *job = arg;
    for (;;) {
        if (__atomic_load_n(&job->failed, __ATOMIC_RELAXED)) break;
        int64_t i = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED);
        if (i >= job->n) break;
        scan_one(job, i);
    }
    return NULL;
}

static int default_threads(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int fst24_index_add_paths(fst24_index *ix, const char *const *paths, int64_t n, int flags) {
    int st = check_open(ix);
    if (st) return st;
    if (n < 0 || (n > 0 && !paths)) return fst_error(FST24_E_INVALID, "index: bad path list");
    if (n == 0) return FST24_OK;
    scan_slot *slots = calloc((size_t)n, sizeof *slots);
    if (!slots) return fst_error(FST24_E_NOMEM, "index: out of memory for %lld files", (long long)n);
    scan_job job = {paths, n, ix->mask, flags, !ix->opts.skip_errors, slots, 0, 0};
    int threads = ix->opts.threads > 0 ? ix->opts.threads : default_threads();
    if (threads > 256) threads = 256;
    int64_t workers = threads < n ? threads : n;
    pthread_t tid[256];
    int started = 0;
    for (int64_t t = 1; t < workers; t++) {
        if (pthread_create(&tid[started], NULL, scan_worker, &job) != 0) break;
        started++;
    }
    scan_worker(&job); /* the calling thread scans too */
    for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);

    /* The first failure in file order (without skip_errors) fails the call. */
    st = FST24_OK;
    if (!ix->opts.skip_errors) {
        for (int64_t i = 0; i < n; i++)
            if (slots[i].status != FST24_OK) {
                st = fst_error(slots[i].status, "%s", slots[i].message ? slots[i].message : "index: file failed");
                break;
            }
    }
    int64_t first_new = ix->nparts;
    for (int64_t i = 0; i < n && st == FST24_OK; i++) {
        scan_slot *s = &slots[i];
        if (s->status != FST24_OK) st = append_skipped(ix, paths[i] ? paths[i] : "", s->status, s->message ? s->message : "");
        else if (s->part) {
            st = append_part(ix, paths[i], s->part);
            if (st == FST24_OK) s->part = NULL;
        }
    }
    if (st != FST24_OK) {
        /* nothing of this call stays */
        while (ix->nparts > first_new) {
            ix->nparts--;
            ix->rows -= ix->parts[ix->nparts]->rows;
            fst_ipart_free(ix->parts[ix->nparts]);
            free(ix->paths.items[--ix->paths.n]);
        }
    }
    for (int64_t i = 0; i < n; i++) {
        fst_ipart_free(slots[i].part);
        free(slots[i].message);
    }
    free(slots);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Merging and access                                                       */
/* ------------------------------------------------------------------------ */

static int merge_column(fst24_index *ix, int id, fst_icol *out) {
    const fst_icol_def *d = &fst_icol_defs[id];
    int64_t rows = ix->rows, chars = 0;
    if (d->type == FST24_CT_UTF8)
        for (int64_t k = 0; k < ix->nparts; k++) chars += ix->parts[k]->col[id].chars_len;
    if (chars > INT32_MAX) return fst_error(FST24_E_LIMIT, "index: more than 2 GiB of text in column %s", d->name);
    int st = fst_icol_init(out, id, rows, chars);
    if (st) return st;
    size_t width = fst_icol_width(d->type);
    int64_t r0 = 0;
    for (int64_t k = 0; k < ix->nparts; k++) {
        const fst_ipart *p = ix->parts[k];
        const fst_icol *c = &p->col[id];
        if (id == FST24_COL_PATH) {
            int32_t *codes = out->values;
            for (int64_t r = 0; r < p->rows; r++) codes[r0 + r] = ix->file_code[k];
        } else if (d->type == FST24_CT_UTF8) {
            int32_t base = (int32_t)out->chars_len;
            memcpy((char *)out->values + base, c->values, (size_t)c->chars_len);
            for (int64_t r = 1; r <= p->rows; r++) out->offsets[r0 + r] = base + c->offsets[r];
            out->chars_len += c->chars_len;
        } else if (d->type == FST24_CT_BOOL) {
            fst_bits_copy(out->values, r0, c->values, 0, p->rows);
        } else {
            memcpy((char *)out->values + (size_t)r0 * width, c->values, (size_t)p->rows * width);
        }
        if (out->validity) {
            if (c->validity) fst_bits_copy(out->validity, r0, c->validity, 0, p->rows);
            out->null_count += c->null_count;
        }
        r0 += p->rows;
    }
    return FST24_OK;
}

/* Text buffers are sized for the longest values while a file is scanned:
 * give the slack back (the copy is small next to the scan). */
static int shrink_text(fst_icol *c) {
    if (!c->offsets || c->chars_cap <= c->chars_len + 64) return FST24_OK;
    char *fit = fst_icol_alloc((size_t)c->chars_len);
    if (!fit) return FST24_OK; /* keep the larger buffer */
    memcpy(fit, c->values, (size_t)c->chars_len);
    free(c->values);
    c->values = fit;
    c->chars_cap = c->chars_len;
    return FST24_OK;
}

typedef struct path_pos {
    const char *path;
    int64_t file;
} path_pos;

static int cmp_path_pos(const void *a, const void *b) {
    const path_pos *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->file < y->file ? -1 : x->file > y->file);
}

/* The path dictionary: distinct paths in order of first appearance (Arrow
 * consumers such as pandas refuse a dictionary with repeated values), and
 * each file's code in it. */
static int build_dictionary(fst24_index *ix) {
    int64_t n = ix->paths.n;
    path_pos *sorted = malloc((size_t)(n ? n : 1) * sizeof *sorted);
    int64_t *first = malloc((size_t)(n ? n : 1) * sizeof *first); /* file -> first file of its path */
    ix->file_code = malloc((size_t)(n ? n : 1) * sizeof *ix->file_code);
    if (!sorted || !first || !ix->file_code) {
        free(sorted);
        free(first);
        return fst_error(FST24_E_NOMEM, "index: out of memory");
    }
    for (int64_t k = 0; k < n; k++) {
        sorted[k].path = ix->paths.items[k];
        sorted[k].file = k;
    }
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_path_pos);
    for (int64_t i = 0; i < n; i++)
        first[sorted[i].file] = i > 0 && !strcmp(sorted[i].path, sorted[i - 1].path) ? first[sorted[i - 1].file]
                                                                                       : sorted[i].file;
    free(sorted);
    int64_t chars = 0, distinct = 0;
    for (int64_t k = 0; k < n; k++)
        if (first[k] == k) {
            chars += (int64_t)strlen(ix->paths.items[k]);
            distinct++;
        }
    if (chars > INT32_MAX) {
        free(first);
        return fst_error(FST24_E_LIMIT, "index: more than 2 GiB of file paths");
    }
    ix->dict_offsets = fst_icol_alloc((size_t)(distinct + 1) * sizeof(int32_t));
    ix->dict_chars = fst_icol_alloc((size_t)(chars ? chars : 1));
    if (!ix->dict_offsets || !ix->dict_chars) {
        free(first);
        return fst_error(FST24_E_NOMEM, "index: out of memory");
    }
    int32_t pos = 0, code = 0;
    ix->dict_offsets[0] = 0;
    for (int64_t k = 0; k < n; k++) {
        if (first[k] != k) {
            ix->file_code[k] = ix->file_code[first[k]];
            continue;
        }
        size_t len = strlen(ix->paths.items[k]);
        memcpy(ix->dict_chars + pos, ix->paths.items[k], len);
        pos += (int32_t)len;
        ix->file_code[k] = code;
        ix->dict_offsets[++code] = pos;
    }
    ix->dict_length = distinct;
    free(first);
    return FST24_OK;
}

static int freeze_locked(fst24_index *ix);

int fst_index_freeze(fst24_index *ix) {
    if (!ix) return fst_error(FST24_E_INVALID, "index: NULL index");
    if (__atomic_load_n(&ix->frozen, __ATOMIC_ACQUIRE)) return FST24_OK;
    pthread_mutex_lock(&ix->freeze_lock);
    int st = ix->frozen ? FST24_OK : freeze_locked(ix);
    pthread_mutex_unlock(&ix->freeze_lock);
    return st;
}

static int freeze_locked(fst24_index *ix) {
    if (ix->nparts > INT32_MAX) return fst_error(FST24_E_LIMIT, "index: more than 2^31 files");
    fst_ipart *m = calloc(1, sizeof *m);
    if (!m) return fst_error(FST24_E_NOMEM, "index: out of memory");
    m->rows = ix->rows;
    int st = build_dictionary(ix);
    for (int id = 0; id < FST24_COL_COUNT && st == FST24_OK; id++) {
        if (!FST_ICOL_IN(ix->mask, id)) continue;
        if (ix->nparts == 1 && id != FST24_COL_PATH) {
            /* one file: its columns are the index's (no copy) */
            m->col[id] = ix->parts[0]->col[id];
            memset(&ix->parts[0]->col[id], 0, sizeof ix->parts[0]->col[id]);
            st = shrink_text(&m->col[id]);
        } else {
            st = merge_column(ix, id, &m->col[id]);
        }
    }
    if (st != FST24_OK) {
        fst_ipart_free(m);
        free(ix->dict_offsets);
        free(ix->dict_chars);
        free(ix->file_code);
        ix->dict_offsets = NULL;
        ix->dict_chars = NULL;
        ix->file_code = NULL;
        return st;
    }
    for (int64_t k = 0; k < ix->nparts; k++) fst_ipart_free(ix->parts[k]);
    ix->nparts = 0;
    ix->merged = m;
    __atomic_store_n(&ix->frozen, 1, __ATOMIC_RELEASE);
    return FST24_OK;
}

int64_t fst24_index_num_rows(const fst24_index *ix) {
    return ix ? ix->rows : fst_error(FST24_E_INVALID, "index: NULL index");
}

int64_t fst24_index_num_files(const fst24_index *ix) {
    return ix ? ix->paths.n : fst_error(FST24_E_INVALID, "index: NULL index");
}

const char *fst24_index_file_path(const fst24_index *ix, int64_t file) {
    return ix && file >= 0 && file < ix->paths.n ? ix->paths.items[file] : NULL;
}

int64_t fst24_index_file_rows(const fst24_index *ix, int64_t file) {
    if (!ix || file < 0 || file >= ix->paths.n)
        return fst_error(FST24_E_INVALID, "index: no file number %lld", (long long)file);
    return ix->file_rows[file];
}

int64_t fst24_index_num_skipped(const fst24_index *ix) {
    return ix ? ix->nskipped : fst_error(FST24_E_INVALID, "index: NULL index");
}

int fst24_index_skipped(const fst24_index *ix, int64_t i, const char **path, int *status,
                        const char **message) {
    if (!ix || i < 0 || i >= ix->nskipped)
        return fst_error(FST24_E_INVALID, "index: no skipped file number %lld", (long long)i);
    if (path) *path = ix->skipped[i].path;
    if (status) *status = ix->skipped[i].status;
    if (message) *message = ix->skipped[i].message;
    return FST24_OK;
}

int fst24_index_get_column(fst24_index *ix, fst24_index_column_id id, fst24_index_column *out) {
    if (!ix || !out) return fst_error(FST24_E_INVALID, "index_get_column: NULL argument");
    if ((int)id < 0 || id >= FST24_COL_COUNT)
        return fst_error(FST24_E_INVALID, "index: no column number %d", (int)id);
    if (!FST_ICOL_IN(ix->mask, id))
        return fst_error(FST24_E_INVALID, "index: column %s was not requested", fst_icol_defs[id].name);
    int st = fst_index_freeze(ix);
    if (st) return st;
    const fst_icol *c = &ix->merged->col[id];
    const fst_icol_def *d = &fst_icol_defs[id];
    memset(out, 0, sizeof *out);
    out->name = d->name;
    out->id = id;
    out->type = d->type;
    out->length = ix->rows;
    out->null_count = c->null_count;
    out->validity = c->null_count ? c->validity : NULL;
    out->values = c->values;
    out->offsets = c->offsets;
    if (d->type == FST24_CT_DICT_UTF8) {
        out->dict_length = ix->dict_length;
        out->dict_offsets = ix->dict_offsets;
        out->dict_chars = ix->dict_chars;
    }
    return FST24_OK;
}

int64_t fst24_index_memory(const fst24_index *ix) {
    if (!ix) return 0;
    int64_t total = fst_ipart_memory(ix->merged);
    for (int64_t k = 0; k < ix->nparts; k++) total += fst_ipart_memory(ix->parts[k]);
    if (ix->dict_offsets) total += (ix->dict_length + 1) * 4 + ix->dict_offsets[ix->dict_length] + ix->paths.n * 4;
    return total;
}

/* ------------------------------------------------------------------------ */
/* Records by key                                                           */
/* ------------------------------------------------------------------------ */

typedef struct key_pos {
    int64_t key, pos;
} key_pos;

static int cmp_key(const void *a, const void *b) {
    const key_pos *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key;
}

int fst24_get_records_by_key(fst24_file *f, const int64_t *keys, int64_t n, fst24_record *out) {
    if (!f || n < 0 || (n > 0 && (!keys || !out)))
        return fst_error(FST24_E_INVALID, "get_records_by_key: bad arguments");
    if (n == 0) return FST24_OK;
    key_pos *want = malloc((size_t)n * sizeof *want);
    if (!want) return fst_error(FST24_E_NOMEM, "%s: out of memory for %lld keys", f->path, (long long)n);
    for (int64_t i = 0; i < n; i++) {
        want[i].key = keys[i];
        want[i].pos = i;
    }
    qsort(want, (size_t)n, sizeof *want, cmp_key);
    /* Keys grow with the directory position in every backend, but do not rely
     * on it: a sorted copy of the directory's keys is searched. */
    int st = FST24_OK;
    pthread_rwlock_rdlock(&f->dir_lock);
    int64_t ne = f->num_entries;
    key_pos *have = malloc((size_t)(ne ? ne : 1) * sizeof *have);
    int64_t nh = 0;
    if (!have) st = fst_error(FST24_E_NOMEM, "%s: out of memory", f->path);
    for (int64_t i = 0; have && i < ne; i++) {
        if (f->entries[i].flags & FST_ENTRY_DELETED) continue;
        have[nh].key = f->entries[i].key;
        have[nh++].pos = i;
    }
    int sorted = 1;
    for (int64_t i = 1; i < nh; i++)
        if (have[i].key < have[i - 1].key) sorted = 0;
    if (have && !sorted) qsort(have, (size_t)nh, sizeof *have, cmp_key);
    int64_t j = 0;
    for (int64_t i = 0; st == FST24_OK && i < n; i++) {
        while (j < nh && have[j].key < want[i].key) j++;
        if (j == nh || have[j].key != want[i].key) {
            st = fst_error(FST24_E_NO_RECORD, "%s: no record with key %lld (deleted, or the file changed)",
                           f->path, (long long)want[i].key);
            break;
        }
        fst_entry_to_record(f, &f->entries[have[j].pos], have[j].pos, &out[want[i].pos]);
    }
    pthread_rwlock_unlock(&f->dir_lock);
    free(have);
    free(want);
    return st;
}
