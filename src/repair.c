/*
 * fst24_repair: copy every recoverable record of a damaged file into a new,
 * valid one. The backends find the records (fst_xdf_salvage, fst_rsf_salvage);
 * this file copies them through the ordinary payload path (fst24_read_payload
 * + fst24_write_payload: payloads unchanged) and writes the report.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fst_internal.h"

void fst_salvage_note(fst_salvage *s, const char *fmt, ...) {
    if (!s->on_skip) return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s->on_skip(s->ctx, msg);
}

/* Is `out_path` the file `in_path` (same inode)? */
static int same_file(const char *in_path, const char *out_path) {
    struct stat a, b;
    if (stat(in_path, &a) != 0 || stat(out_path, &b) != 0) return 0;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Would the ordinary read-only open show exactly these records, unflagged? */
static int opens_clean(const char *path, int64_t salvaged) {
    fst24_file *f;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f) != FST24_OK) return 0;
    fst24_file_info info;
    int clean = fst24_file_get_info(f, &info) == FST24_OK && !info.recovered && !info.writer_active &&
                info.num_records == salvaged;
    fst24_close(f);
    return clean;
}

/* Can the record's payload and JSON metadata be read? (Damage in the input
 * is a reason to skip the record; a failure to write the output is not.) */
static int readable(const fst24_record *rec, uint32_t **words, size_t *cap) {
    size_t nw = 0, len = 0;
    int st = fst24_read_payload(rec, NULL, &nw);
    if (!st) st = fst24_read_ext_meta(rec, NULL, 0, &len);
    if (st) return st;
    if (nw > *cap) {
        uint32_t *w = realloc(*words, nw * sizeof *w);
        if (!w) return fst_error(FST24_E_NOMEM, "out of memory for %zu payload words", nw);
        *words = w;
        *cap = nw;
    }
    return fst24_read_payload(rec, *words, &nw);
}

/* Copy one record of the salvaged input through fst24_copy_record (payload
 * and JSON metadata unchanged). *out_failed is set when the output could not
 * be written (disk, memory, a format limit); other failures are the input
 * record's, which is then skipped. */
static int copy_record(fst24_file *in, int64_t idx, fst24_file *out, uint32_t **words, size_t *cap,
                       int *out_failed) {
    fst24_record rec;
    *out_failed = 0;
    int st = fst24_get_record(in, idx, &rec);
    if (!st) st = readable(&rec, words, cap);
    if (st) {
        *out_failed = st == FST24_E_NOMEM;
        return st;
    }
    st = fst24_copy_record(out, &rec, NULL, FST24_REWRITE_NO, NULL, NULL);
    /* A header the writer refuses is the damaged record's problem. */
    if (st && st != FST24_E_INVALID && st != FST24_E_UNSUPPORTED) *out_failed = 1;
    else if (st) st = fst_error_context(st, "%s: record %.4s at byte %lld cannot be stored", in->path,
                                        rec.nomvar, (long long)rec.file_offset);
    return st;
}

int fst24_repair(const char *in_path, const char *out_path, const fst24_repair_options *opts,
                 fst24_repair_report *report) {
    fst24_repair_report local;
    fst24_repair_report *rep = report ? report : &local;
    memset(rep, 0, sizeof *rep);
    if (!in_path || !*in_path || !out_path || !*out_path)
        return fst_error(FST24_E_INVALID, "fst24_repair: empty file name");
    if (!strcmp(in_path, out_path) || same_file(in_path, out_path))
        return fst_error(FST24_E_INVALID, "%s: repair: the output is the input file; write to a new file",
                         out_path);
    fst_salvage s = {0};
    if (opts) {
        s.on_skip = opts->on_skip;
        s.ctx = opts->ctx;
    }
    fst24_file *in = NULL;
    int st = fst_open_salvage(in_path, &in, &s);
    if (st) return fst_error_context(st, "repair");
    rep->kind = in->kind;
    fst24_open_options o = {.backend = in->backend};
    fst24_file *out = NULL;
    if ((st = fst24_open(out_path, FST24_MODE_CREATE, &o, &out))) {
        fst24_close(in);
        return fst_error_context(st, "repair");
    }
    uint32_t *words = NULL;
    size_t cap = 0;
    int64_t found = in->num_entries - in->num_deleted;
    for (int64_t i = 0; i < found && !st; i++) {
        int out_failed;
        int cst = copy_record(in, i, out, &words, &cap, &out_failed);
        if (cst == FST24_OK) {
            rep->copied++;
        } else if (out_failed) {
            st = cst; /* the output cannot be written: stop */
        } else {
            s.skipped++;
            fst_salvage_note(&s, "%s: skipped", fst24_last_error());
        }
    }
    free(words);
    int cst = fst24_close(out);
    if (!st) st = cst;
    fst24_close(in);
    if (st) return fst_error_context(st, "repair of %s into %s", in_path, out_path);
    rep->from_directory = s.from_directory;
    rep->from_scan = s.from_scan;
    rep->skipped = s.skipped;
    rep->deleted = s.deleted;
    rep->damaged_bytes = s.damaged_bytes;
    rep->damaged = s.skipped || s.damaged_bytes || !opens_clean(in_path, found);
    snprintf(rep->summary, sizeof rep->summary,
             "%s (%s): %lld records copied to %s (%lld through a directory, %lld found by scanning the "
             "file), %lld skipped, %lld deleted left out, %lld damaged bytes%s",
             in_path, fst24_kind_name(rep->kind), (long long)rep->copied, out_path,
             (long long)rep->from_directory, (long long)rep->from_scan, (long long)rep->skipped,
             (long long)rep->deleted, (long long)rep->damaged_bytes,
             rep->damaged ? "" : "; the input was intact");
    fst24_clear_error();
    return FST24_OK;
}
