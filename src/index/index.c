/*
 * The metadata index: files opened and scanned by a pool of threads, batch
 * by batch, straight into the index's columns (index_store.c): the files of
 * a batch are opened (their directories give their row counts), each gets
 * its first row, each is scanned into its rows and closed, then their text
 * is appended in file order. Freezing (first read or export) fills the path
 * codes and gives back unused capacity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/pool.h"
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
    int st = fst_istore_new(ix->mask, &ix->merged);
    if (st) {
        free(ix);
        return st;
    }
    ix->refs = 1;
    pthread_mutex_init(&ix->freeze_lock, NULL);
    *out = ix;
    return FST24_OK;
}

static void index_destroy(fst24_index *ix) {
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

static int fst_check_open(fst24_index *ix) {
    if (!ix) return fst_error(FST24_E_INVALID, "index: NULL index");
    if (ix->frozen) return fst_error(FST24_E_INVALID, "index: no file can be added once columns were read or exported");
    return FST24_OK;
}

static int append_file(fst24_index *ix, const char *path, int64_t rows) {
    if (ix->paths.n == ix->paths.cap) {
        int64_t cap = ix->paths.cap ? 2 * ix->paths.cap : 16;
        char **g2 = realloc(ix->paths.items, (size_t)cap * sizeof *g2);
        if (g2) ix->paths.items = g2;
        int64_t *g3 = realloc(ix->file_rows, (size_t)cap * sizeof *g3);
        if (g3) ix->file_rows = g3;
        if (!g2 || !g3) return fst_error(FST24_E_NOMEM, "index: out of memory");
        ix->paths.cap = cap;
    }
    char *copy = strdup(path);
    if (!copy) return fst_error(FST24_E_NOMEM, "index: out of memory");
    ix->file_rows[ix->paths.n] = rows;
    ix->paths.items[ix->paths.n++] = copy;
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

/* Where a call started: what a failing call gives back. */
typedef struct index_mark {
    int64_t rows, files, skipped;
    int64_t chars[FST24_COL_COUNT], nulls[FST24_COL_COUNT];
} index_mark;

static void mark_take(const fst24_index *ix, index_mark *m) {
    m->rows = ix->rows;
    m->files = ix->paths.n;
    m->skipped = ix->nskipped;
    for (int id = 0; id < FST24_COL_COUNT; id++) {
        m->chars[id] = ix->merged->col[id].chars_len;
        m->nulls[id] = ix->merged->col[id].null_count;
    }
}

/* Undo what a failing call added (rows past the mark are left as garbage). */
static void mark_restore(fst24_index *ix, const index_mark *m) {
    ix->rows = ix->merged->rows = m->rows;
    while (ix->paths.n > m->files) free(ix->paths.items[--ix->paths.n]);
    while (ix->nskipped > m->skipped) {
        ix->nskipped--;
        free(ix->skipped[ix->nskipped].path);
        free(ix->skipped[ix->nskipped].message);
    }
    for (int id = 0; id < FST24_COL_COUNT; id++) {
        ix->merged->col[id].chars_len = m->chars[id];
        ix->merged->col[id].null_count = m->nulls[id];
    }
}

/* Room for `rows` rows, and for `expected` more that the rest of the call
 * will probably add (the files seen so far predict the others: one
 * allocation per column for a uniform archive); grown by half at least. */
static int reserve_rows(fst24_index *ix, int64_t rows, int64_t expected) {
    fst_ipart *s = ix->merged;
    if (rows <= s->cap) return FST24_OK;
    int64_t cap = rows + expected;
    if (cap < s->cap + s->cap / 2) cap = s->cap + s->cap / 2;
    return fst_istore_reserve(s, cap);
}

int fst24_index_add_file(fst24_index *ix, fst24_file *file) {
    int st = fst_check_open(ix);
    if (st) return st;
    if (!file) return fst_error(FST24_E_INVALID, "index: NULL file");
    index_mark m;
    mark_take(ix, &m);
    fst_iview v;
    for (int attempt = 0;; attempt++) {
        if (attempt == 8)
            return fst_error(FST24_E_IO, "%s: index: the directory kept changing while it was read", file->path);
        int64_t n = fst_index_count_rows(file);
        st = reserve_rows(ix, ix->rows + n, 0);
        if (st == FST24_OK) st = fst_iview_init(&v, ix->merged, ix->mask, ix->rows, n, file->path);
        if (st) return st;
        int changed = 0;
        st = fst_index_scan_file(file, &v, &changed);
        if (st == FST24_OK && !changed) break;
        fst_iview_free(&v);
        if (st) return st; /* the file was written meanwhile: count again */
    }
    fst_iview_publish_bits(&v, ix->merged);
    st = fst_iview_commit(&v, ix->merged, file->path);
    if (st == FST24_OK) st = append_file(ix, file->path, v.part.rows);
    fst_iview_free(&v);
    if (st)
        mark_restore(ix, &m);
    else
        ix->rows = ix->merged->rows;
    return st;
}

/* One file of a batch: open, then scanned into its rows, or its failure. */
typedef struct scan_slot {
    fst24_file *file; /* open between the two passes */
    int64_t rows, r0;
    fst_iview view;
    int status;
    int not_fst;
    char *message;
} scan_slot;

typedef struct scan_job {
    const char *const *paths; /* of the batch */
    int64_t first;            /* number of the batch's first path in the call */
    scan_slot *slots;
    fst24_index *ix;
    int flags;
    int stop_on_error;
    int64_t first_failed; /* the batch's first failed file so far (atomic); INT64_MAX: none */
} scan_job;

static void note_failure(scan_job *job, int64_t i) {
    job->slots[i].message = strdup(fst24_last_error());
    int64_t cur = __atomic_load_n(&job->first_failed, __ATOMIC_RELAXED);
    while (i < cur &&
           !__atomic_compare_exchange_n(&job->first_failed, &cur, i, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {}
}

/* Without skip_errors the first failure in file order fails the call: the
 * files after it need no work (those before it still do: one of them may
 * fail first). Tasks are handed out in file order. */
static int after_failure(scan_job *job, int64_t i) {
    return job->stop_on_error && __atomic_load_n(&job->first_failed, __ATOMIC_RELAXED) < i;
}

static void open_task(void *ctx, int64_t i) {
    scan_job *job = ctx;
    scan_slot *s = &job->slots[i];
    if (after_failure(job, i)) return;
    const char *path = job->paths[i];
    if (!path) {
        s->status = fst_error(FST24_E_INVALID, "index: path %lld is NULL", (long long)(job->first + i));
    } else {
        s->status = fst24_open(path, FST24_MODE_READ, NULL, &s->file);
        if (s->status == FST24_OK) {
            s->rows = fst_index_count_rows(s->file);
            return;
        }
        if (s->status == FST24_E_NOT_FST && (job->flags & FST24_INDEX_SKIP_NOT_FST)) {
            s->not_fst = 1;
            s->status = FST24_OK;
            fst24_clear_error();
            return;
        }
    }
    note_failure(job, i);
}

static void scan_task(void *ctx, int64_t i) {
    scan_job *job = ctx;
    scan_slot *s = &job->slots[i];
    if (!s->file || after_failure(job, i)) return;
    fst_ipart *store = job->ix->merged;
    s->status = fst_iview_init(&s->view, store, job->ix->mask, s->r0, s->rows, s->file->path);
    int changed = 0;
    if (s->status == FST24_OK) s->status = fst_index_scan_file(s->file, &s->view, &changed);
    if (s->status == FST24_OK && changed) /* opened privately: only a damaged directory could do this */
        s->status = fst_error(FST24_E_IO, "%s: index: the directory changed while it was read", s->file->path);
    if (s->status == FST24_OK) fst_iview_publish_bits(&s->view, store);
    int cst = fst24_close(s->file);
    s->file = NULL;
    if (s->status == FST24_OK && cst != FST24_OK) s->status = cst;
    if (s->status != FST24_OK) note_failure(job, i);
}

/* Files per batch: at most this many open at once (descriptors, directories);
 * with one thread fewer, so that the directories of a batch fit in memory the
 * allocator gives back to the next one (no fresh pages to fault in); with
 * several more, so that each start of the pool's threads serves many files ... */
#define BATCH_FILES 256
#define BATCH_FILES_ONE_THREAD 16
/* ... and about this many rows (directory entries held open). */
#define BATCH_ROWS (1 << 18)

/* Append the rows of a scanned batch in file order. */
static int commit_batch(fst24_index *ix, const char *const *paths, scan_slot *slots, int64_t nb) {
    for (int64_t i = 0; i < nb; i++) {
        scan_slot *s = &slots[i];
        int st;
        if (s->status != FST24_OK) {
            if (!ix->opts.skip_errors)
                return fst_error(s->status, "%s", s->message ? s->message : "index: file failed");
            st = append_skipped(ix, paths[i] ? paths[i] : "", s->status, s->message ? s->message : "");
        } else if (s->not_fst) {
            continue;
        } else {
            st = fst_iview_commit(&s->view, ix->merged, paths[i]);
            if (st == FST24_OK) st = append_file(ix, paths[i], s->view.part.rows);
            if (st == FST24_OK) ix->rows = ix->merged->rows;
        }
        if (st) return st;
    }
    return FST24_OK;
}

int fst24_index_add_paths(fst24_index *ix, const char *const *paths, int64_t n, int flags) {
    int st = fst_check_open(ix);
    if (st) return st;
    if (n < 0 || (n > 0 && !paths)) return fst_error(FST24_E_INVALID, "index: bad path list");
    if (n == 0) return FST24_OK;
    int threads = ix->opts.threads > 0 ? ix->opts.threads : fst_pool_cores();
    int64_t max_batch = threads > 1 ? BATCH_FILES : BATCH_FILES_ONE_THREAD;
    int64_t min_batch = 2 * (int64_t)threads < max_batch ? 2 * (int64_t)threads : max_batch;
    int64_t max_slots = n < max_batch ? n : max_batch;
    scan_slot *slots = calloc((size_t)max_slots, sizeof *slots);
    if (!slots) return fst_error(FST24_E_NOMEM, "index: out of memory for %lld files", (long long)n);
    index_mark m;
    mark_take(ix, &m);
    /* The first batch is small: its files tell the size of the others. */
    int64_t nb = min_batch, seen_files = 0, seen_rows = 0;
    for (int64_t first = 0; first < n && st == FST24_OK; first += nb) {
        if (seen_files > 0) {
            int64_t per_file = seen_rows / seen_files + 1;
            nb = BATCH_ROWS / per_file;
            nb = nb < min_batch ? min_batch : nb > max_batch ? max_batch : nb;
        }
        if (nb > n - first) nb = n - first;
        memset(slots, 0, (size_t)nb * sizeof *slots);
        scan_job job = {paths + first, first, slots, ix, flags, !ix->opts.skip_errors, INT64_MAX};
        fst_pool_run(ix->opts.threads, nb, open_task, &job);
        int64_t r = ix->rows, opened = 0;
        for (int64_t i = 0; i < nb; i++)
            if (slots[i].file) {
                slots[i].r0 = r;
                r += slots[i].rows;
                opened++;
            }
        seen_files += opened;
        seen_rows += r - ix->rows;
        int64_t rest = n - first - nb;
        st = reserve_rows(ix, r, seen_files ? (seen_rows + seen_files - 1) / seen_files * rest : 0);
        if (st == FST24_OK) fst_pool_run(ix->opts.threads, nb, scan_task, &job);
        if (st == FST24_OK) st = commit_batch(ix, paths + first, slots, nb);
        for (int64_t i = 0; i < nb; i++) {
            fst_iview_free(&slots[i].view);
            if (slots[i].file) fst24_close(slots[i].file);
            free(slots[i].message);
        }
    }
    free(slots);
    if (st) mark_restore(ix, &m);
    return st;
}

/* ------------------------------------------------------------------------ */
/* Merging and access                                                       */
/* ------------------------------------------------------------------------ */

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
        first[sorted[i].file] =
            i > 0 && !strcmp(sorted[i].path, sorted[i - 1].path) ? first[sorted[i - 1].file] : sorted[i].file;
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
    if (ix->paths.n > INT32_MAX) return fst_error(FST24_E_LIMIT, "index: more than 2^31 files");
    int st = build_dictionary(ix);
    if (st != FST24_OK) {
        free(ix->dict_offsets);
        free(ix->dict_chars);
        free(ix->file_code);
        ix->dict_offsets = NULL;
        ix->dict_chars = NULL;
        ix->file_code = NULL;
        return st;
    }
    fst_ipart *m = ix->merged;
    if (FST_ICOL_IN(ix->mask, FST24_COL_PATH)) {
        int32_t *codes = m->col[FST24_COL_PATH].values;
        int64_t r = 0;
        for (int64_t k = 0; k < ix->paths.n; k++)
            for (int64_t j = 0; j < ix->file_rows[k]; j++) codes[r++] = ix->file_code[k];
    }
    fst_istore_fit(m);
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

int fst24_index_skipped(const fst24_index *ix, int64_t i, const char **path, int *status, const char **message) {
    if (!ix || i < 0 || i >= ix->nskipped)
        return fst_error(FST24_E_INVALID, "index: no skipped file number %lld", (long long)i);
    if (path) *path = ix->skipped[i].path;
    if (status) *status = ix->skipped[i].status;
    if (message) *message = ix->skipped[i].message;
    return FST24_OK;
}

int fst24_index_get_column(fst24_index *ix, fst24_index_column_id id, fst24_index_column *out) {
    if (!ix || !out) return fst_error(FST24_E_INVALID, "index_get_column: NULL argument");
    if ((int)id < 0 || id >= FST24_COL_COUNT) return fst_error(FST24_E_INVALID, "index: no column number %d", (int)id);
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
    if (d->type == FST24_CT_FIXED_TEXT) out->width = d->width;
    if (d->type == FST24_CT_DICT_UTF8) {
        out->dict_length = ix->dict_length;
        out->dict_offsets = ix->dict_offsets;
        out->dict_chars = ix->dict_chars;
    }
    return FST24_OK;
}

int64_t fst24_index_memory(const fst24_index *ix) {
    if (!ix) return 0;
    int64_t total = fst_istore_memory(ix->merged);
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
            st = fst_error(FST24_E_NO_RECORD, "%s: no record with key %lld (deleted, or the file changed)", f->path,
                           (long long)want[i].key);
            break;
        }
        fst_entry_to_record(f, &f->entries[have[j].pos], have[j].pos, &out[want[i].pos]);
    }
    pthread_rwlock_unlock(&f->dir_lock);
    free(have);
    free(want);
    return st;
}
