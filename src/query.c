/*
 * Searches: a criteria record becomes (value, mask) over the 16 descriptor
 * words; an entry matches when ((entry ^ value) & mask) == 0 for every word,
 * then post-filters (ipN_all, grid descriptors, extended metadata) apply.
 */
#include <stdlib.h>
#include <string.h>

#include "fst_internal.h"


struct fst24_query {
    fst24_file *first;   /* head of the linked chain */
    fst24_file *current; /* file being searched */
    int64_t pos;         /* next entry to look at in `current` */
    uint32_t value[FST_DESC_WORDS];
    uint32_t mask[FST_DESC_WORDS];
    fst24_query_options opts;
    char *ext_meta;      /* owned copy of opts.ext_meta */
    int32_t ip_codes[3][2];
    int ip_ncodes[3];    /* 0: no ipN_all filter for that IP */
};

static int is_blank(const char *s, int n) {
    for (int i = 0; i < n && s[i]; i++)
        if (s[i] != ' ') return 0;
    return 1;
}

static void set_field(fst24_query *q, int word, uint32_t field_mask, uint32_t value) {
    q->mask[word] |= field_mask;
    q->value[word] = (q->value[word] & ~field_mask) | (value & field_mask);
}

static int build_criteria(fst24_query *q, const fst24_record *c, int is_rsf) {
    memset(q->value, 0, sizeof q->value);
    memset(q->mask, 0, sizeof q->mask);
    if (!c) return FST24_OK;
    /* Encode the criteria with the same descriptor code as records, field by
     * field, so that only non-wildcard fields get a mask. */
    fst24_record r;
    fst24_record_init(&r);
    r.ni = c->ni > 0 ? c->ni : 1;
    r.nj = c->nj > 0 ? c->nj : 1;
    r.nk = c->nk > 0 ? c->nk : 1;
    r.deet = c->deet > 0 ? c->deet : 0;
    r.npas = c->npas > 0 ? c->npas : 0;
    r.pack_bits = c->pack_bits > 0 ? (c->pack_bits > 64 ? 64 : c->pack_bits) : 1;
    r.data_type = c->data_type >= 0 ? (c->data_type & 0xFF) : 0;
    r.data_bits = c->data_bits > 0 ? c->data_bits : 0;
    r.ig1 = c->ig1 >= 0 ? (c->ig1 & 0xFFFFFF) : 0;
    r.ig2 = c->ig2 >= 0 ? (c->ig2 & 0xFFFFFF) : 0;
    r.ig3 = c->ig3 >= 0 ? (c->ig3 & 0xFFFFFF) : 0;
    r.ig4 = c->ig4 >= 0 ? (c->ig4 & 0xFFFFFF) : 0;
    r.ip1 = c->ip1 >= 0 ? (c->ip1 & 0xFFFFFFF) : 0;
    r.ip2 = c->ip2 >= 0 ? (c->ip2 & 0xFFFFFFF) : 0;
    r.ip3 = c->ip3 >= 0 ? (c->ip3 & 0xFFFFFFF) : 0;
    r.datev = c->datev != -1 ? c->datev : 0;
    memcpy(r.nomvar, c->nomvar, sizeof r.nomvar);
    memcpy(r.typvar, c->typvar, sizeof r.typvar);
    memcpy(r.etiket, c->etiket, sizeof r.etiket);
    r.nomvar[4] = r.typvar[2] = r.etiket[12] = '\0';
    r.grtyp[0] = c->grtyp[0] ? c->grtyp[0] : ' ';
    r.grtyp[1] = '\0';
    for (char *p = r.nomvar; *p; p++)
        if ((unsigned char)*p < 32 || (unsigned char)*p > 126) *p = ' ';
    for (char *p = r.typvar; *p; p++)
        if ((unsigned char)*p < 32 || (unsigned char)*p > 126) *p = ' ';
    for (char *p = r.etiket; *p; p++)
        if ((unsigned char)*p < 32 || (unsigned char)*p > 126) *p = ' ';
    uint32_t d[FST_DESC_WORDS];
    int st = fst_record_to_desc(&r, 1, d);
    if (st) return fst_error_context(st, "search criteria");

    if (c->deet != -1) set_field(q, D_DEET_NBITS, 0xFFFFFF00u, d[D_DEET_NBITS]);
    if (c->pack_bits != -1) set_field(q, D_DEET_NBITS, 0xFFu, d[D_DEET_NBITS]);
    if (c->ni != -1) {
        set_field(q, D_NI_GTYP, 0xFFFFFF00u, d[D_NI_GTYP]);
        set_field(q, D_ETIKBC_TYPVAR, 0xFFu, d[D_ETIKBC_TYPVAR]);
    }
    if (c->grtyp[0] && c->grtyp[0] != ' ') set_field(q, D_NI_GTYP, 0xFFu, d[D_NI_GTYP]);
    if (c->nj != -1) {
        set_field(q, D_NJ_DATYP, 0xFFFFFF00u, d[D_NJ_DATYP]);
        set_field(q, D_IP2, 0xFu, d[D_IP2]);
        set_field(q, D_IP3, 0xFu, d[D_IP3]);
    }
    if (c->data_type != -1) set_field(q, D_NJ_DATYP, 0xFFu, d[D_NJ_DATYP]);
    if (c->nk != -1) set_field(q, D_NK_UBC, 0xFFFFF000u, d[D_NK_UBC]);
    if (c->npas != -1) set_field(q, D_NPAS, 0xFFFFFFC0u, d[D_NPAS]);
    if (c->ig2 != -1) {
        set_field(q, D_IG4_IG2A, 0xFFu, d[D_IG4_IG2A]);
        set_field(q, D_IG1_IG2B, 0xFFu, d[D_IG1_IG2B]);
        set_field(q, D_IG3_IG2C, 0xFFu, d[D_IG3_IG2C]);
    }
    if (c->ig4 != -1) set_field(q, D_IG4_IG2A, 0xFFFFFF00u, d[D_IG4_IG2A]);
    if (c->ig1 != -1) set_field(q, D_IG1_IG2B, 0xFFFFFF00u, d[D_IG1_IG2B]);
    if (c->ig3 != -1) set_field(q, D_IG3_IG2C, 0xFFFFFF00u, d[D_IG3_IG2C]);
    /* etiket is a wildcard only when its first 10 characters are blank. */
    if (!is_blank(c->etiket, 10)) {
        set_field(q, D_ETIK15, 0xFFFFFFFCu, d[D_ETIK15]);
        set_field(q, D_ETIK6A, 0xFFFFFFFCu, d[D_ETIK6A]);
        set_field(q, D_ETIKBC_TYPVAR, 0xFFF00000u, d[D_ETIKBC_TYPVAR]);
    }
    if (!is_blank(c->typvar, 2)) set_field(q, D_ETIKBC_TYPVAR, 0x000FFF00u, d[D_ETIKBC_TYPVAR]);
    if (!is_blank(c->nomvar, 4)) set_field(q, D_NOMVAR_DASIZ, 0xFFFFFF00u, d[D_NOMVAR_DASIZ]);
    if (c->data_bits != -1) set_field(q, D_NOMVAR_DASIZ, 0xFFu, d[D_NOMVAR_DASIZ]);
    if (c->ip1 != -1 && !q->opts.ip1_all) set_field(q, D_IP1, 0xFFFFFFF0u, d[D_IP1]);
    if (c->ip2 != -1 && !q->opts.ip2_all) set_field(q, D_IP2, 0xFFFFFFF0u, d[D_IP2]);
    if (c->ip3 != -1 && !q->opts.ip3_all) set_field(q, D_IP3, 0xFFFFFFF0u, d[D_IP3]);
    /* The last decimal digit of the stamp (run number) is ignored unless asked. */
    if (c->datev != -1)
        set_field(q, D_DATE, q->opts.stamp_norun ? 0xFFFFFFFFu : 0xFFFFFFF8u, d[D_DATE]);

    const int32_t ips[3] = {c->ip1, c->ip2, c->ip3};
    const int all[3] = {q->opts.ip1_all, q->opts.ip2_all, q->opts.ip3_all};
    for (int k = 0; k < 3; k++) {
        q->ip_ncodes[k] = 0;
        if (ips[k] == -1 || !all[k]) continue;
        int n = 0;
        if (fst24_ip_all_codes(ips[k], q->ip_codes[k], &n) != FST24_OK || n < 1) {
            q->ip_codes[k][0] = ips[k];
            n = 1;
        }
        q->ip_ncodes[k] = n;
    }
    (void)is_rsf;
    return FST24_OK;
}

int fst24_query_new(fst24_file *file, const fst24_record *criteria, const fst24_query_options *opts,
                    fst24_query **out) {
    if (!out) return fst_error(FST24_E_INVALID, "query_new: NULL output pointer");
    *out = NULL;
    if (!file) return fst_error(FST24_E_INVALID, "query_new: NULL file");
    fst24_query *q = calloc(1, sizeof *q);
    if (!q) return fst_error(FST24_E_NOMEM, "query_new: out of memory");
    if (opts) q->opts = *opts;
    if (q->opts.ext_meta) {
        q->ext_meta = strdup(q->opts.ext_meta);
        if (!q->ext_meta) { free(q); return fst_error(FST24_E_NOMEM, "query_new: out of memory"); }
    }
    q->opts.ext_meta = q->ext_meta;
    /* invalid JSON criteria are an error, not "no match" */
    int st = q->ext_meta && *q->ext_meta && fst_meta_match(q->ext_meta, NULL) < 0 ? FST24_E_INVALID : FST24_OK;
    if (!st) st = build_criteria(q, criteria, file->backend == FST24_BACKEND_RSF);
    if (st) {
        free(q->ext_meta);
        free(q);
        return st;
    }
    q->first = q->current = file;
    *out = q;
    return FST24_OK;
}

int fst_is_descriptor_name(const char *nomvar) {
    static const char *const names[] = {">>  ", "^^  ", "^>  ", "!!  ", "##  ", "#>>#",
                                        "#^^#", "####", "HY  ", "PROJ", "MTRX"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!memcmp(nomvar, names[i], 4)) return 1;
    return 0;
}

static int is_grid_descriptor(const uint32_t *desc) {
    char name[5];
    fst_decode_chars6(desc[D_NOMVAR_DASIZ] >> 8, 4, name);
    return fst_is_descriptor_name(name);
}

static int ip_ok(const fst24_query *q, const uint32_t *desc) {
    static const int words[3] = {D_IP1, D_IP2, D_IP3};
    for (int k = 0; k < 3; k++) {
        if (!q->ip_ncodes[k]) continue;
        int32_t v = (int32_t)(desc[words[k]] >> 4);
        int hit = 0;
        for (int j = 0; j < q->ip_ncodes[k]; j++) hit |= (v == q->ip_codes[k][j]);
        if (!hit) return 0;
    }
    return 1;
}

/* The search keys of a read-only file (fst24_file.search_keys), made on first
 * use; NULL for a writable file (its entries change) or without memory. */
static const uint32_t *search_keys(fst24_file *f) {
    if (f->writable) return NULL;
    uint32_t *k = __atomic_load_n(&f->search_keys, __ATOMIC_ACQUIRE);
    if (k) return k;
    pthread_mutex_lock(&f->lock);
    k = f->search_keys;
    if (!k && (k = malloc((size_t)(f->num_entries ? f->num_entries : 1) * 2 * sizeof *k))) {
        for (int64_t i = 0; i < f->num_entries; i++) {
            k[2 * i] = f->entries[i].desc[D_NOMVAR_DASIZ];
            k[2 * i + 1] = f->entries[i].desc[D_IP1];
        }
        __atomic_store_n(&f->search_keys, k, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&f->lock);
    return k;
}

int fst24_query_next(fst24_query *q, fst24_record *rec) {
    if (!q || !rec) return fst_error(FST24_E_INVALID, "query_next: NULL argument");
    while (q->current) {
        fst24_file *f = q->current;
        int found = 0;
        const uint32_t m0 = q->mask[D_NOMVAR_DASIZ], m1 = q->mask[D_IP1];
        const uint32_t v0 = q->value[D_NOMVAR_DASIZ], v1 = q->value[D_IP1];
        const uint32_t *keys = (m0 | m1) ? search_keys(f) : NULL;
        pthread_rwlock_rdlock(&f->dir_lock);
        int64_t n = f->num_entries;
        for (; q->pos < n; q->pos++) {
            if (keys && (((keys[2 * q->pos] ^ v0) & m0) | ((keys[2 * q->pos + 1] ^ v1) & m1))) continue;
            const fst_entry *e = &f->entries[q->pos];
            /* All 16 words at once (vector code, no branch per word: a search
             * usually masks the name, levels and date, which come last); the
             * flags, further into the entry, only for the entries that match. */
            uint32_t differ = 0;
            for (int w = 0; w < FST_DESC_WORDS; w++) differ |= (e->desc[w] ^ q->value[w]) & q->mask[w];
            if (differ || (e->flags & FST_ENTRY_DELETED)) continue;
            if (q->opts.skip_grid_descriptors && is_grid_descriptor(e->desc)) continue;
            if (!ip_ok(q, e->desc)) continue;
            if (q->ext_meta && *q->ext_meta &&
                fst_meta_match(q->ext_meta, e->ext_meta) != 1) continue;
            fst_entry_to_record(f, e, q->pos, rec);
            q->pos++;
            found = 1;
            break;
        }
        pthread_rwlock_unlock(&f->dir_lock);
        if (found) return 1;
        q->current = f->next;
        q->pos = 0;
    }
    return 0;
}

int fst24_query_rewind(fst24_query *q) {
    if (!q) return fst_error(FST24_E_INVALID, "query_rewind: NULL query");
    q->current = q->first;
    q->pos = 0;
    return FST24_OK;
}

int64_t fst24_query_all(fst24_query *q, fst24_record *recs, int64_t max) {
    if (!q || (max > 0 && !recs)) return fst_error(FST24_E_INVALID, "query_all: bad arguments");
    fst24_query_rewind(q);
    int64_t n = 0;
    while (n < max) {
        int st = fst24_query_next(q, &recs[n]);
        if (st < 0) return st;
        if (st == 0) break;
        n++;
    }
    return n;
}

int64_t fst24_query_count(fst24_query *q) {
    if (!q) return fst_error(FST24_E_INVALID, "query_count: NULL query");
    fst24_query_rewind(q);
    fst24_record r;
    int64_t n = 0;
    int st;
    while ((st = fst24_query_next(q, &r)) == 1) n++;
    fst24_query_rewind(q);
    return st < 0 ? st : n;
}

void fst24_query_free(fst24_query *q) {
    if (!q) return;
    free(q->ext_meta);
    free(q);
}
