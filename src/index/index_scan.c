/*
 * One file's directory -> one part of the index: the header columns of every
 * valid record, then the decoded columns computed from them with the
 * library's own conversions (fst24_ip_decode_many, fst24_stamps_to_epoch,
 * fst24_type_letters, fst24_ip_kind_unit), then grid ids and vcodes
 * (index_grid.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/index_internal.h"

/* Trimmed length of a blank-padded field (stops at a NUL, as Record does). */
static size_t trimmed(const char *s, size_t width) {
    size_t n = strnlen(s, width);
    while (n > 0 && s[n - 1] == ' ') n--;
    return n;
}

/* grtyp is a raw byte: Latin-1 to UTF-8, as Python's Record shows it. */
static int put_latin1(fst_icol *c, int64_t r, const char *s, size_t width) {
    char buf[32];
    size_t n = trimmed(s, width), k = 0;
    for (size_t i = 0; i < n && k + 2 <= sizeof buf; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80)
            buf[k++] = (char)b;
        else {
            buf[k++] = (char)(0xC0 | (b >> 6));
            buf[k++] = (char)(0x80 | (b & 0x3F));
        }
    }
    return fst_icol_put_str(c, r, buf, k);
}

/* Decode an IP column into (value, kind, [unit]) columns. level_only: the
 * value is null unless the kind is a vertical level (ip1). */
static void decode_ip_column(const int32_t *ips, int64_t n, float *vals, int *kinds, fst_icol *value, fst_icol *kind,
                             fst_icol *unit, int level_only, int *st) {
    fst24_ip_decode_many(ips, (size_t)n, vals, kinds);
    for (int64_t r = 0; r < n && *st == FST24_OK; r++) {
        int k = kinds[r];
        int valid = k >= 0 && (!level_only || fst24_ip_kind_is_level(k));
        if (kind) ((int8_t *)kind->values)[r] = (int8_t)(k < -128 ? -1 : k > 127 ? 127 : k);
        if (value) {
            ((double *)value->values)[r] = valid ? (double)vals[r] : 0.0;
            if (!valid) fst_icol_set_null(value, r);
        }
        if (unit) {
            const char *u = valid ? fst24_ip_kind_unit(k) : "";
            *st = fst_icol_put_str(unit, r, u, strlen(u));
            if (!valid) fst_icol_set_null(unit, r);
        }
    }
}

static void stamp_column(const int32_t *stamps, int64_t n, int64_t *secs, uint8_t *ok, fst_icol *out) {
    fst24_stamps_to_epoch(stamps, (size_t)n, secs, ok);
    int64_t *us = out->values;
    for (int64_t r = 0; r < n; r++) {
        /* years 0..9999 always fit in int64 microseconds */
        us[r] = ok[r] ? secs[r] * 1000000 : 0;
        if (!ok[r]) fst_icol_set_null(out, r);
    }
}

/* The backends count deleted entries as they load or delete them (as fst24_file_get_info
 * does): no pass over the entries. */
int64_t fst_index_count_rows(fst24_file *f) {
    pthread_rwlock_rdlock(&f->dir_lock);
    int64_t n = f->num_entries - f->num_deleted;
    pthread_rwlock_unlock(&f->dir_lock);
    return n;
}

int fst_index_scan_file(fst24_file *f, fst_iview *v, int *changed) {
    *changed = 0;
    const uint64_t need = v->need;
    fst_ipart *p = &v->part;
    const int64_t n = p->rows;
    int st = FST24_OK;
    fst24_record *desc_recs = NULL; /* records of the descriptor rows, for the grid pass */
    int64_t *desc_rows = NULL, ndesc = 0;

    pthread_rwlock_rdlock(&f->dir_lock);
    if (f->num_entries - f->num_deleted != n) {
        pthread_rwlock_unlock(&f->dir_lock);
        *changed = 1;
        return FST24_OK;
    }

    if (st == FST24_OK) {
        int64_t *key = p->col[FST24_COL_KEY].values, *off = p->col[FST24_COL_FILE_OFFSET].values,
                *tsb = p->col[FST24_COL_TOTAL_STORED_BYTES].values;
        int32_t *ip1 = p->col[FST24_COL_IP1].values, *ip2 = p->col[FST24_COL_IP2].values,
                *ip3 = p->col[FST24_COL_IP3].values, *ni = p->col[FST24_COL_NI].values,
                *nj = p->col[FST24_COL_NJ].values, *nk = p->col[FST24_COL_NK].values,
                *dateo = p->col[FST24_COL_DATEO].values, *datev = p->col[FST24_COL_DATEV].values,
                *deet = p->col[FST24_COL_DEET].values, *npas = p->col[FST24_COL_NPAS].values,
                *ig1 = p->col[FST24_COL_IG1].values, *ig2 = p->col[FST24_COL_IG2].values,
                *ig3 = p->col[FST24_COL_IG3].values, *ig4 = p->col[FST24_COL_IG4].values;
        uint8_t *dt = p->col[FST24_COL_DATA_TYPE].values, *db = p->col[FST24_COL_DATA_BITS].values,
                *pb = p->col[FST24_COL_PACK_BITS].values;
        uint8_t *isdesc = p->col[FST24_COL_IS_DESCRIPTOR].values;
        fst24_record rec;
        int64_t r = 0;
        for (int64_t i = 0; i < f->num_entries && st == FST24_OK; i++) {
            const fst_entry *e = &f->entries[i];
            if (e->flags & FST_ENTRY_DELETED) continue;
            if (r == n) { /* more valid entries than counted: never write past the part */
                *changed = 1;
                break;
            }
            /* the header fields only (fst_entry_to_record would also clear the rest) */
            fst_desc_to_record(e->desc, &rec);
            key[r] = e->key;
            off[r] = e->record_offset;
            tsb[r] = e->record_bytes;
            ip1[r] = rec.ip1;
            ip2[r] = rec.ip2;
            ip3[r] = rec.ip3;
            ni[r] = rec.ni;
            nj[r] = rec.nj;
            nk[r] = rec.nk;
            dateo[r] = rec.dateo;
            datev[r] = rec.datev;
            deet[r] = rec.deet;
            npas[r] = rec.npas;
            dt[r] = (uint8_t)rec.data_type;
            db[r] = (uint8_t)rec.data_bits;
            pb[r] = (uint8_t)rec.pack_bits;
            ig1[r] = rec.ig1;
            ig2[r] = rec.ig2;
            ig3[r] = rec.ig3;
            ig4[r] = rec.ig4;
            st = fst_icol_put_str(&p->col[FST24_COL_NOMVAR], r, rec.nomvar, trimmed(rec.nomvar, 4));
            if (!st) st = fst_icol_put_str(&p->col[FST24_COL_TYPVAR], r, rec.typvar, trimmed(rec.typvar, 2));
            if (!st) st = fst_icol_put_str(&p->col[FST24_COL_ETIKET], r, rec.etiket, trimmed(rec.etiket, 12));
            if (!st) st = put_latin1(&p->col[FST24_COL_GRTYP], r, rec.grtyp, 1);
            if (isdesc && fst_is_descriptor_name(rec.nomvar)) {
                fst_icol_set_bit(isdesc, r);
                if (ndesc % 64 == 0) {
                    fst24_record *g1 = realloc(desc_recs, (size_t)(ndesc + 64) * sizeof *g1);
                    int64_t *g2 = realloc(desc_rows, (size_t)(ndesc + 64) * sizeof *g2);
                    if (g1) desc_recs = g1;
                    if (g2) desc_rows = g2;
                    if (!g1 || !g2) st = fst_error(FST24_E_NOMEM, "%s: index: out of memory", f->path);
                }
                if (!st) {
                    fst_entry_to_record(f, e, i, &desc_recs[ndesc]);
                    desc_rows[ndesc++] = r;
                }
            }
            if (FST_ICOL_IN(need, FST24_COL_EXT_META)) {
                const char *m = e->ext_meta;
                if (!st) st = fst_icol_put_str(&p->col[FST24_COL_EXT_META], r, m ? m : "", m ? strlen(m) : 0);
                if (!m) fst_icol_set_null(&p->col[FST24_COL_EXT_META], r);
            }
            r++;
        }
    }
    pthread_rwlock_unlock(&f->dir_lock);

    /* Decoded columns (scratch in the view's arena). */
    float *vals = v->vals;
    int *kinds = v->kinds, *level_kinds = v->level_kinds;
    int64_t *secs = v->secs;
    uint8_t *ok = v->ok;
    if (st == FST24_OK && (need & FST24_INDEX_DECODED_COLUMNS)) {
        fst_icol *c = p->col;
#define COL(id) (FST_ICOL_IN(need, id) ? &c[id] : NULL)
        if (FST_ICOL_IN(need, FST24_COL_LEVEL) || FST_ICOL_IN(need, FST24_COL_LEVEL_KIND) ||
            FST_ICOL_IN(need, FST24_COL_LEVEL_UNIT) || FST_ICOL_IN(need, FST24_COL_VCODE)) {
            decode_ip_column(c[FST24_COL_IP1].values, n, vals, level_kinds, COL(FST24_COL_LEVEL),
                             COL(FST24_COL_LEVEL_KIND), COL(FST24_COL_LEVEL_UNIT), 1, &st);
        }
        if (st == FST24_OK && (FST_ICOL_IN(need, FST24_COL_IP2_VALUE) || FST_ICOL_IN(need, FST24_COL_IP2_KIND)))
            decode_ip_column(c[FST24_COL_IP2].values, n, vals, kinds, COL(FST24_COL_IP2_VALUE), COL(FST24_COL_IP2_KIND),
                             NULL, 0, &st);
        if (st == FST24_OK && (FST_ICOL_IN(need, FST24_COL_IP3_VALUE) || FST_ICOL_IN(need, FST24_COL_IP3_KIND)))
            decode_ip_column(c[FST24_COL_IP3].values, n, vals, kinds, COL(FST24_COL_IP3_VALUE), COL(FST24_COL_IP3_KIND),
                             NULL, 0, &st);
        if (FST_ICOL_IN(need, FST24_COL_DATEO_TIME))
            stamp_column(c[FST24_COL_DATEO].values, n, secs, ok, &c[FST24_COL_DATEO_TIME]);
        if (FST_ICOL_IN(need, FST24_COL_DATEV_TIME))
            stamp_column(c[FST24_COL_DATEV].values, n, secs, ok, &c[FST24_COL_DATEV_TIME]);
        const int32_t *deet = c[FST24_COL_DEET].values, *npas = c[FST24_COL_NPAS].values;
        const uint8_t *dt = c[FST24_COL_DATA_TYPE].values, *pb = c[FST24_COL_PACK_BITS].values;
        if (FST_ICOL_IN(need, FST24_COL_FORECAST_PERIOD)) {
            int64_t *us = c[FST24_COL_FORECAST_PERIOD].values;
            for (int64_t r = 0; r < n; r++) {
                int64_t seconds = (int64_t)deet[r] * npas[r]; /* both < 2^26: no overflow */
                if (seconds > INT64_MAX / 1000000) {
                    us[r] = 0;
                    fst_icol_set_null(&c[FST24_COL_FORECAST_PERIOD], r);
                } else {
                    us[r] = seconds * 1000000;
                }
            }
        }
        if (FST_ICOL_IN(need, FST24_COL_DATA_TYPE_NAME)) {
            /* runs of one (data_type, pack_bits) are the rule: format once per run */
            char name[12];
            int len = 0, last = -1;
            for (int64_t r = 0; r < n && st == FST24_OK; r++) {
                int code = dt[r] << 8 | pb[r];
                if (code != last) {
                    char letters[3];
                    fst24_type_letters(dt[r], letters);
                    len = snprintf(name, sizeof name, "%s%d", letters, pb[r]);
                    last = code;
                }
                st = fst_icol_put_str(&c[FST24_COL_DATA_TYPE_NAME], r, name, (size_t)len);
            }
        }
        for (int64_t r = 0; r < n; r++) {
            if (FST_ICOL_IN(need, FST24_COL_COMPRESSED) && (dt[r] & FST24_TYPE_COMPRESSED))
                fst_icol_set_bit(c[FST24_COL_COMPRESSED].values, r);
            if (FST_ICOL_IN(need, FST24_COL_HAS_MISSING) && (dt[r] & FST24_TYPE_MISSING_FLAG))
                fst_icol_set_bit(c[FST24_COL_HAS_MISSING].values, r);
        }
#undef COL
        if (st == FST24_OK && (FST_ICOL_IN(need, FST24_COL_GRID_ID) || FST_ICOL_IN(need, FST24_COL_VCODE)))
            st = fst_index_grid_ids(f, p, desc_recs, desc_rows, ndesc, level_kinds);
    }
    free(desc_recs);
    free(desc_rows);
    return st;
}
