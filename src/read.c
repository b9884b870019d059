/*
 * Reading: payload words, extended metadata, where plain values lie (data spans), decoding into
 * the caller's array (straight into it for plain IEEE records, by slices on several threads for
 * one large record) and batch reads of many records on a pool of threads (common/pool.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "common/pool.h"
#include "common/scratch.h"
#include "fst_internal.h"
#include "record.h"

/* Copy the entry behind `rec`, checking that it still is that record. */
static int entry_of(const fst24_record *rec, fst_entry *copy) {
    if (!rec) return fst_error(FST24_E_INVALID, "NULL record");
    fst24_file *f = rec->file;
    if (!f) return fst_error(FST24_E_INVALID, "record %.4s was not read from a file", rec->nomvar);
    int st = FST24_OK;
    pthread_rwlock_rdlock(&f->dir_lock);
    if (rec->entry < 0 || rec->entry >= f->num_entries || f->entries[rec->entry].key != rec->key) {
        st = fst_error(FST24_E_NO_RECORD, "%s: record %.4s (key %lld) does not belong to this file", f->path,
                       rec->nomvar, (long long)rec->key);
    } else if (f->entries[rec->entry].flags & FST_ENTRY_DELETED) {
        st = fst_error(FST24_E_NO_RECORD, "%s: record %.4s (key %lld) has been deleted", f->path, rec->nomvar,
                       (long long)rec->key);
    } else {
        *copy = f->entries[rec->entry];
    }
    pthread_rwlock_unlock(&f->dir_lock);
    return st;
}

int fst24_read_payload(const fst24_record *rec, uint32_t *words, size_t *nwords) {
    if (!nwords) return fst_error(FST24_E_INVALID, "read_payload: NULL size pointer");
    fst_entry e;
    int st = entry_of(rec, &e);
    if (st) return st;
    size_t n = (size_t)(e.payload_bytes / 4);
    if (!words) {
        *nwords = n;
        return FST24_OK;
    }
    if (*nwords < n)
        return fst_error(FST24_E_INVALID, "%s: record %.4s: payload buffer holds %zu words, need %zu", rec->file->path,
                         rec->nomvar, *nwords, n);
    *nwords = n;
    return rec->file->ops->read_payload(rec->file, &e, words, n);
}

int fst24_record_data_span(const fst24_record *rec, fst24_data_span *span) {
    if (!span) return fst_error(FST24_E_INVALID, "record_data_span: NULL span");
    fst_entry e = {0}; /* set by entry_of on success; zeroed for the compiler's flow analysis */
    int st = entry_of(rec, &e);
    if (st) return st;
    const fst24_file *f = rec->file;
    /* XDF and 1989 files store big-endian words; RSF little-endian words, a 64-bit value as its
     * high word first (docs/format/data-types.md). */
    int big_endian = f->ops != &fst_rsf_backend;
    int datyp = rec->data_type, bits = rec->pack_bits;
    if ((datyp != FST24_TYPE_REAL_IEEE && datyp != FST24_TYPE_COMPLEX) || (bits != 32 && bits != 64) ||
        (bits == 64 && !big_endian))
        return fst_error(FST24_E_UNSUPPORTED,
                         "%s: record %.4s (key %lld, data_type %d, %d bits, %s) is not stored as plain IEEE values",
                         f->path, rec->nomvar, (long long)rec->key, datyp, bits, big_endian ? "XDF" : "RSF");
    int64_t n = (int64_t)rec->ni * rec->nj * rec->nk * (datyp == FST24_TYPE_COMPLEX ? 2 : 1);
    int64_t bytes = n * (bits / 8);
    if (rec->ni < 1 || rec->nj < 1 || rec->nk < 1 || bytes > e.payload_bytes)
        return fst_error(FST24_E_CORRUPT,
                         "%s: record %.4s (key %lld): %lld values of %d bits do not fit in its %lld "
                         "payload bytes",
                         f->path, rec->nomvar, (long long)rec->key, (long long)n, bits, (long long)e.payload_bytes);
    memset(span, 0, sizeof *span);
    span->offset = e.payload_offset;
    span->bytes = bytes;
    span->count = n;
    span->type = bits == 64 ? FST24_ELEM_F64 : FST24_ELEM_F32;
    span->big_endian = big_endian;
    span->complex_pairs = datyp == FST24_TYPE_COMPLEX;
    return FST24_OK;
}

int fst24_read_ext_meta(const fst24_record *rec, char *buf, size_t bufsize, size_t *len) {
    fst_entry e;
    int st = entry_of(rec, &e);
    if (st) return st;
    size_t n = 0;
    pthread_rwlock_rdlock(&rec->file->dir_lock);
    const char *src = rec->file->entries[rec->entry].ext_meta;
    if (src) n = strlen(src);
    if (len) *len = n;
    if (buf && bufsize) {
        if (n + 1 > bufsize) {
            st = fst_error(FST24_E_INVALID, "%s: record %.4s: metadata needs %zu bytes, buffer has %zu",
                           rec->file->path, rec->nomvar, n + 1, bufsize);
        } else {
            if (n) memcpy(buf, src, n);
            buf[n] = '\0';
        }
    }
    pthread_rwlock_unlock(&rec->file->dir_lock);
    return st;
}

/* One large uncompressed record decoded by several threads, each a slice. */
#define SPLIT_MIN_ELEMENTS ((size_t)1 << 20)
#define SPLIT_MAX_THREADS 64

typedef struct split_part {
    const uint32_t *words;
    size_t nwords;
    const fst_codec_desc *d;
    size_t first, count;
    void *out;
    fst24_elem_type type;
    int status;
    char message[512];
} split_part;

static void split_task(void *ctx, int64_t i) {
    split_part *p = (split_part *)ctx + i;
    p->status = fst_codec_decode_range(p->words, p->nwords, p->d, p->first, p->count, p->out, p->type);
    if (p->status) snprintf(p->message, sizeof p->message, "%s", fst24_last_error());
}

static int decode_split(const uint32_t *words, size_t nwords, const fst_codec_desc *d, void *out, fst24_elem_type type,
                        size_t count, int threads) {
    if (threads > SPLIT_MAX_THREADS) threads = SPLIT_MAX_THREADS;
    split_part parts[SPLIT_MAX_THREADS];
    size_t esize = fst24_elem_size(type);
    /* slices of whole 64-element blocks keep every slice on word boundaries */
    size_t per = ((count / (size_t)threads) + 63) & ~(size_t)63;
    int n = 0;
    for (size_t first = 0; first < count && n < threads; first += per, n++) {
        split_part *p = &parts[n];
        p->words = words;
        p->nwords = nwords;
        p->d = d;
        p->first = first;
        p->count = first + per > count ? count - first : per;
        p->out = (char *)out + first * esize;
        p->type = type;
        p->status = 0;
    }
    fst_pool_run(n, n, split_task, parts);
    for (int i = 0; i < n; i++)
        if (parts[i].status) return fst_error(parts[i].status, "%s", parts[i].message);
    return FST24_OK;
}

static int decode_entry(fst24_file *f, const fst24_record *rec, const fst_entry *e, void *out, size_t out_bytes,
                        const fst24_read_options *opts) {
    fst_codec_desc d = fst_record_codec_desc(rec);
    fst24_elem_type native;
    size_t count;
    int st = fst_codec_layout(&d, &native, &count);
    if (!st) st = fst_codec_check_stored_size(&d, e->record_bytes);
    if (st) return fst_error_context(st, "%s: record %.4s (key %lld)", f->path, rec->nomvar, (long long)rec->key);
    fst24_elem_type want = (opts && opts->type != FST24_ELEM_NONE) ? opts->type : native;
    size_t need = count * fst24_elem_size(want);
    if (!out || out_bytes < need)
        return fst_error(FST24_E_INVALID, "%s: record %.4s: output buffer holds %zu bytes, need %zu", f->path,
                         rec->nomvar, out_bytes, need);
    /* Plain IEEE records are the bulk of model output: read straight into the
     * caller's array and fix the byte order in place (one pass, no copy). */
    if ((d.datyp == FST24_TYPE_REAL_IEEE && want == native &&
         ((d.nbits == 32 && want == FST24_ELEM_F32) || (d.nbits == 64 && want == FST24_ELEM_F64))) &&
        (int64_t)need <= e->payload_bytes) {
        st = f->ops->read_payload(f, e, out, need / 4);
        if (st == FST24_OK && d.nbits == 64) {
            /* host-order words arrive as (hi, lo) pairs: swap them on little-endian hosts */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            uint64_t *v = out;
            for (size_t i = 0; i < count; i++) v[i] = (v[i] << 32) | (v[i] >> 32);
#endif
        }
        return st;
    }
    size_t nwords = (size_t)(e->payload_bytes / 4);
    uint32_t *words = fst_scratch_acquire(nwords * 4); /* the thread's reused buffer: no page faults */
    if (!words)
        return fst_error(FST24_E_NOMEM, "%s: record %.4s: out of memory for %zu bytes", f->path, rec->nomvar,
                         nwords * 4);
    st = f->ops->read_payload(f, e, words, nwords);
    int threads = opts ? opts->threads : 0;
    if (st == FST24_OK && threads > 1 && count >= SPLIT_MIN_ELEMENTS && fst_codec_range_supported(&d)) {
        st = decode_split(words, nwords, &d, out, want, count, threads);
        if (st == FST24_OK && (d.datyp & FST24_TYPE_MISSING_FLAG) && !(opts && opts->raw_missing))
            fst_codec_decode_missing(out, want, count);
        if (st)
            fst_error_context(st, "%s: record %.4s (key %lld, datyp %d, nbits %d)", f->path, rec->nomvar,
                              (long long)rec->key, d.datyp, d.nbits);
    } else if (st == FST24_OK) {
        st = fst_codec_decode(words, nwords, &d, out, want, count, !(opts && opts->raw_missing));
        if (st)
            fst_error_context(st, "%s: record %.4s (key %lld, datyp %d, nbits %d)", f->path, rec->nomvar,
                              (long long)rec->key, d.datyp, d.nbits);
    }
    fst_scratch_release(words);
    return st;
}

int fst24_read_data(const fst24_record *rec, void *out, size_t out_bytes, const fst24_read_options *opts) {
    fst_entry e;
    int st = entry_of(rec, &e);
    if (st) return st;
    return decode_entry(rec->file, rec, &e, out, out_bytes, opts);
}

typedef struct read_job {
    const fst24_record *recs;
    void *const *outs;
    const size_t *out_bytes;
    const fst24_read_options *opts;
    int *statuses;
    int first_error;
    int64_t first_error_index;
    char first_message[1024];
    pthread_mutex_t lock;
} read_job;

static void read_task(void *ctx, int64_t i) {
    read_job *job = ctx;
    int st = fst24_read_data(&job->recs[i], job->outs[i], job->out_bytes[i], job->opts);
    if (job->statuses) job->statuses[i] = st;
    if (st) {
        pthread_mutex_lock(&job->lock);
        if (job->first_error == 0 || i < job->first_error_index) {
            job->first_error = st;
            job->first_error_index = i;
            snprintf(job->first_message, sizeof job->first_message, "%s", fst24_last_error());
        }
        pthread_mutex_unlock(&job->lock);
    }
}

int fst24_read_many(const fst24_record *recs, void *const *outs, const size_t *out_bytes, int64_t count,
                    const fst24_read_options *opts, int threads, int *statuses) {
    if (count < 0 || (count > 0 && (!recs || !outs || !out_bytes)))
        return fst_error(FST24_E_INVALID, "read_many: bad arguments");
    if (count == 0) return FST24_OK;
    if (threads <= 0) threads = fst_pool_cores();
    if (threads > FST_POOL_MAX_THREADS) threads = FST_POOL_MAX_THREADS;
    /* Fewer records than threads: the spare threads split large records. */
    fst24_read_options per_record = {.type = FST24_ELEM_NONE, .threads = 1};
    if (opts) per_record = *opts;
    if (per_record.threads <= 1 && count < threads) per_record.threads = threads / (int)count;
    read_job job = {recs, outs, out_bytes, &per_record, statuses, 0, 0, {0}, PTHREAD_MUTEX_INITIALIZER};
    fst_pool_run(threads, count, read_task, &job);
    pthread_mutex_destroy(&job.lock);
    if (job.first_error) return fst_error(job.first_error, "%s", job.first_message);
    return FST24_OK;
}
