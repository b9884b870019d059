/*
 * Writing: appending records (encoded by the codecs, or payloads copied as they are), the
 * rewrite modes (the identity rule is container/header.c's, the date rule meta/date.c's),
 * metadata-only rewrites and deletions, under the file's writer mutex.
 */
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "fst_internal.h"
#include "record.h"

static int check_writable(fst24_file *f) {
    if (!f) return fst_error(FST24_E_INVALID, "write: NULL file");
    if (!f->writable) return fst_error(FST24_E_READONLY, "%s: file is open read-only", f->path);
    return FST24_OK;
}

static int64_t find_identity(fst24_file *f, const uint32_t desc[FST_DESC_WORDS]) {
    for (int64_t i = 0; i < f->num_entries; i++) {
        const fst_entry *e = &f->entries[i];
        if (!(e->flags & FST_ENTRY_DELETED) && fst_desc_same_identity(e->desc, desc)) return i;
    }
    return -1;
}

static int delete_locked(fst24_file *f, int64_t idx) {
    int st = f->ops->delete_entry(f, idx);
    if (st == FST24_OK) {
        /* readers in other threads look at flags under the directory lock */
        pthread_rwlock_wrlock(&f->dir_lock);
        f->entries[idx].flags |= FST_ENTRY_DELETED;
        f->num_deleted++;
        pthread_rwlock_unlock(&f->dir_lock);
    }
    return st;
}

static int append_locked(fst24_file *f, fst24_record *rec, const uint32_t desc[FST_DESC_WORDS], const uint32_t *words,
                         size_t nwords, fst24_rewrite mode, const char *ext_meta) {
    int st;
    if (mode == FST24_REWRITE_YES || mode == FST24_REWRITE_SKIP) {
        int64_t old = find_identity(f, desc);
        if (old >= 0) {
            if (mode == FST24_REWRITE_SKIP) {
                fst_entry_to_record(f, &f->entries[old], old, rec);
                return FST24_OK;
            }
            if ((st = delete_locked(f, old))) return st;
        }
    }
    fst_entry *e = fst_file_new_entry(f);
    if (!e) return FST24_E_NOMEM;
    memcpy(e->desc, desc, sizeof e->desc);
    st = f->ops->append(f, e, words, nwords, ext_meta);
    if (st) {
        free(e->ext_meta);
        e->ext_meta = NULL;
        return st;
    }
    pthread_rwlock_wrlock(&f->dir_lock);
    f->num_entries++;
    pthread_rwlock_unlock(&f->dir_lock);
    fst_entry_to_record(f, e, f->num_entries - 1, rec);
    return FST24_OK;
}

static int rewrite_meta_locked(fst24_file *f, fst24_record *rec) {
    if (rec->file != f || rec->entry < 0 || rec->entry >= f->num_entries || f->entries[rec->entry].key != rec->key)
        return fst_error(FST24_E_INVALID, "%s: metadata rewrite needs a record read from this file (record %.4s)",
                         f->path, rec->nomvar);
    fst_entry *e = &f->entries[rec->entry];
    if (e->flags & FST_ENTRY_DELETED)
        return fst_error(FST24_E_NO_RECORD, "%s: record %.4s has been deleted", f->path, rec->nomvar);
    fst24_record stored;
    fst_desc_to_record(e->desc, &stored);
    /* The payload cannot change: its shape and encoding stay as stored. */
    if (rec->ni != stored.ni || rec->nj != stored.nj || rec->nk != stored.nk || rec->data_type != stored.data_type ||
        rec->pack_bits != stored.pack_bits)
        return fst_error(FST24_E_INVALID,
                         "%s: record %.4s: a metadata rewrite cannot change ni, nj, nk, data_type "
                         "or pack_bits",
                         f->path, rec->nomvar);
    fst24_record r = *rec;
    r.data_bits = (int32_t)(e->desc[D_NOMVAR_DASIZ] & 0xFF);
    /* dateo is recomputed from datev when only the latter changed. */
    if (r.datev != stored.datev && r.dateo == stored.dateo) r.dateo = -1;
    fst_record_resolve_dates(&r);
    uint32_t desc[FST_DESC_WORDS];
    int st = fst_record_to_desc(&r, f->backend == FST24_BACKEND_RSF, desc);
    if (st) return fst_error_context(st, "%s", f->path);
    desc[D_NOMVAR_DASIZ] = (desc[D_NOMVAR_DASIZ] & ~0xFFu) | (e->desc[D_NOMVAR_DASIZ] & 0xFF);
    uint32_t saved[FST_DESC_WORDS];
    memcpy(saved, e->desc, sizeof saved);
    pthread_rwlock_wrlock(&f->dir_lock);
    memcpy(e->desc, desc, sizeof desc);
    pthread_rwlock_unlock(&f->dir_lock);
    st = f->ops->rewrite_meta(f, rec->entry);
    if (st) {
        pthread_rwlock_wrlock(&f->dir_lock);
        memcpy(e->desc, saved, sizeof saved);
        pthread_rwlock_unlock(&f->dir_lock);
        return st;
    }
    fst_entry_to_record(f, e, rec->entry, rec);
    return FST24_OK;
}

int fst24_write_payload(fst24_file *f, fst24_record *rec, const uint32_t *words, size_t nwords, fst24_rewrite mode,
                        const char *ext_meta) {
    int st = check_writable(f);
    if (st) return st;
    if (!rec || (!words && nwords)) return fst_error(FST24_E_INVALID, "%s: write_payload: NULL argument", f->path);
    if (mode == FST24_REWRITE_META) {
        pthread_mutex_lock(&f->lock);
        st = rewrite_meta_locked(f, rec);
        pthread_mutex_unlock(&f->lock);
        return st;
    }
    if (ext_meta && *ext_meta && f->backend != FST24_BACKEND_RSF)
        return fst_error(FST24_E_UNSUPPORTED, "%s: record %.4s: extended metadata can only be stored in RSF files",
                         f->path, rec->nomvar);
    if (ext_meta && *ext_meta && !fst_json_is_object(ext_meta))
        return fst_error(FST24_E_INVALID, "%s: record %.4s: extended metadata is not a JSON object: %.80s", f->path,
                         rec->nomvar, ext_meta);
    fst24_record r = *rec;
    fst_record_resolve_dates(&r);
    uint32_t desc[FST_DESC_WORDS];
    if ((st = fst_record_to_desc(&r, f->backend == FST24_BACKEND_RSF, desc)))
        return fst_error_context(st, "%s: record %.4s", f->path, r.nomvar);
    /* Never store a header that its payload cannot hold (it would not read back). */
    fst_codec_desc cd = fst_record_codec_desc(&r);
    if ((st = fst_codec_check_stored_size(&cd, (int64_t)nwords * 4)))
        return fst_error_context(st == FST24_E_CORRUPT ? FST24_E_INVALID : st, "%s: record %.4s: payload of %zu words",
                                 f->path, r.nomvar, nwords);
    pthread_mutex_lock(&f->lock);
    st = append_locked(f, &r, desc, words, nwords, mode, ext_meta);
    pthread_mutex_unlock(&f->lock);
    if (st == FST24_OK) *rec = r;
    return st;
}

int fst24_write(fst24_file *f, fst24_record *rec, const void *data, fst24_elem_type data_type, fst24_rewrite mode,
                const char *ext_meta) {
    int st = check_writable(f);
    if (st) return st;
    if (!rec) return fst_error(FST24_E_INVALID, "%s: write: NULL record", f->path);
    if (mode == FST24_REWRITE_META) return fst24_write_payload(f, rec, NULL, 0, mode, NULL);
    if (mode != FST24_REWRITE_NO && mode != FST24_REWRITE_YES && mode != FST24_REWRITE_SKIP)
        return fst_error(FST24_E_INVALID, "%s: invalid rewrite mode %d", f->path, (int)mode);
    if (!data) return fst_error(FST24_E_INVALID, "%s: record %.4s: NULL data", f->path, rec->nomvar);
    int is_rsf = f->backend == FST24_BACKEND_RSF;
    if (ext_meta && *ext_meta && !is_rsf)
        return fst_error(FST24_E_UNSUPPORTED, "%s: record %.4s: extended metadata can only be stored in RSF files",
                         f->path, rec->nomvar);
    if (ext_meta && *ext_meta && !fst_json_is_object(ext_meta))
        return fst_error(FST24_E_INVALID, "%s: record %.4s: extended metadata is not a JSON object: %.80s", f->path,
                         rec->nomvar, ext_meta);
    size_t esize = fst24_elem_size(data_type);
    if (!esize)
        return fst_error(FST24_E_INVALID, "%s: record %.4s: invalid element type %d", f->path, rec->nomvar,
                         (int)data_type);
    int base = rec->data_type & FST24_TYPE_BASE_MASK;
    if (!is_rsf && esize == 8 && (base == FST24_TYPE_UNSIGNED || base == FST24_TYPE_SIGNED))
        return fst_error(FST24_E_UNSUPPORTED, "%s: record %.4s: 64-bit integers can only be stored in RSF files",
                         f->path, rec->nomvar);
    fst24_record r = *rec;
    r.data_bits = (int32_t)(esize * 8);
    /* Validate the header before the (possibly long) encoding. */
    uint32_t desc[FST_DESC_WORDS];
    fst_record_resolve_dates(&r);
    if ((st = fst_record_to_desc(&r, is_rsf, desc))) return fst_error_context(st, "%s: record %.4s", f->path, r.nomvar);
    fst_codec_desc req = fst_record_codec_desc(&r), stored;
    uint32_t *words = NULL;
    size_t nwords = 0;
    int codec_flags = is_rsf ? FST_CODEC_RSF : 0;
    st = fst_codec_encode(data, data_type, &req, codec_flags, &stored, &words, &nwords);
    if (st) return fst_error_context(st, "%s: record %.4s", f->path, r.nomvar);
    r.data_type = stored.datyp;
    r.pack_bits = stored.nbits;
    r.data_bits = stored.dasiz;
    if ((st = fst_record_to_desc(&r, is_rsf, desc))) {
        free(words);
        return fst_error_context(st, "%s: record %.4s", f->path, r.nomvar);
    }
    pthread_mutex_lock(&f->lock);
    st = append_locked(f, &r, desc, words, nwords, mode, ext_meta);
    pthread_mutex_unlock(&f->lock);
    free(words);
    if (st == FST24_OK) *rec = r;
    return st;
}

int fst24_delete(fst24_file *f, const fst24_record *rec) {
    int st = check_writable(f);
    if (st) return st;
    if (!rec || rec->file != f)
        return fst_error(FST24_E_INVALID, "%s: delete: the record was not read from this file", f->path);
    pthread_mutex_lock(&f->lock);
    if (rec->entry < 0 || rec->entry >= f->num_entries || f->entries[rec->entry].key != rec->key)
        st = fst_error(FST24_E_NO_RECORD, "%s: delete: no record with key %lld", f->path, (long long)rec->key);
    else if (f->entries[rec->entry].flags & FST_ENTRY_DELETED)
        st = fst_error(FST24_E_NO_RECORD, "%s: delete: record %.4s is already deleted", f->path, rec->nomvar);
    else
        st = delete_locked(f, rec->entry);
    pthread_mutex_unlock(&f->lock);
    return st;
}
