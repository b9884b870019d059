/*
 * grid_id and vcode columns of one file's part.
 *
 * grid_id (docs/index.md): a 63-bit hash of what defines a record's
 * horizontal grid, computed from content so that equal grids in different
 * files (or backends) get equal ids:
 *  - positional descriptors (>>, ^^, ^>, ##, #>>#, #^^#, ####, PROJ, MTRX)
 *    are grouped by their tags (ip1, ip2, ip3); the id of a group hashes the
 *    content of its members (name, grtyp, ni, nj, nk, ig1..ig4 and the values
 *    read as doubles, the positional records' definition in the grid module;
 *    the stored payload words of a record that cannot be decoded);
 *    every member of the group gets that id;
 *  - a record on a Z, Y, U, X, O, M or W grid whose (ig1, ig2, ig3) are the
 *    tags of a group gets the group's id (if none: the first group with
 *    (ig1, ig2) and any ip3, as GeoRef retries); a # tile gets the id of the
 *    group of its master grid ((ig1, ig2), any ip3);
 *  - any other record (self-describing grids A, B, G, L, N, S, E, +, ... and
 *    descriptor-linked grids whose descriptors are not in the file) hashes
 *    (grtyp, ni, nj, ig1, ig2, ig3, ig4);
 *  - vertical descriptors (!!, HY) have no horizontal grid: null.
 *
 * vcode: ig1 of a !! row; for other rows the vcode of the !! of the same file
 * whose (ip1, ip2) are the row's (ig1, ig2) and whose vcode fits the row's
 * level kind (fst_vgrid_kind_fits), else, when no !! carries those tags,
 * that of the file's !! records if they all share one vcode that fits; null
 * otherwise. Unlike fst24_vgrid_find, a tag-linked table whose kind does not
 * fit (pressure levels next to a hybrid table) is not reported, and no
 * legacy (HY) descriptor is inferred.
 */
#include <stdlib.h>
#include <string.h>

#include "index/index_internal.h"
#include "meta/grid_internal.h"
#include "meta/vgrid_internal.h"

/* ---- hashing ----------------------------------------------------------- */

/* Distinct seeds keep the three kinds of ids apart. */
static const uint64_t SEED_CONTENT = 0x6772696431ULL, SEED_GROUP = 0x67726f7570ULL, SEED_HEADER = 0x6865616472ULL;

static uint64_t h_add(uint64_t h, uint64_t v) {
    v *= 0x87c37b91114253d5ULL;
    v = (v << 31) | (v >> 33);
    h ^= v * 0x4cf5ad432745937fULL;
    h = (h << 27) | (h >> 37);
    return h * 5 + 0x52dce729;
}

static uint64_t h_final(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static int64_t to_id(uint64_t h) { return (int64_t)(h_final(h) >> 1); }

static uint64_t h_fields(uint64_t h, const int32_t *v, int n) {
    for (int i = 0; i < n; i++) h = h_add(h, (uint32_t)v[i]);
    return h;
}

/* The header fields of a positional record that shape the grid. */
static uint64_t header_hash(const fst24_record *r, uint64_t count) {
    uint64_t h = SEED_CONTENT;
    h = h_add(h, ((uint64_t)(unsigned char)r->nomvar[0] << 24) | ((uint64_t)(unsigned char)r->nomvar[1] << 16) |
                     ((uint64_t)(unsigned char)r->nomvar[2] << 8) | (unsigned char)r->nomvar[3]);
    const int32_t fields[] = {(unsigned char)r->grtyp[0], r->ni, r->nj, r->nk, r->ig1, r->ig2, r->ig3, r->ig4};
    h = h_fields(h, fields, 8);
    return h_add(h, count);
}

/* Can the record's values be decoded without trusting a damaged header with
 * a huge allocation? Uncompressed payloads must hold every value; compressed
 * ones get a generous 64:1 ratio; positional records are axes, not fields. */
static int plausible(const fst24_record *r, size_t count) {
    if (count > ((size_t)1 << 24)) return 0;
    double stored_bits = 8.0 * (double)r->total_stored_bytes;
    if (r->data_type & FST24_TYPE_COMPRESSED) return (double)count <= stored_bits * 8.0;
    int bits = r->pack_bits > 0 ? r->pack_bits : 1;
    return (double)count * bits <= stored_bits;
}

/* Content of a positional record: the header fields that shape the grid and
 * the values as the grid module reads them (doubles; raw datyp 0 words as
 * IEEE), or, for a record that cannot be decoded, its stored payload words. */
static int content_hash(const fst24_record *r, uint64_t *out) {
    fst24_elem_type type;
    size_t count = 0;
    double *v = NULL;
    if (fst24_record_data_layout(r, &type, &count) == FST24_OK && plausible(r, count) &&
        fst_grid_read_doubles(r, count, &v) == FST24_OK) {
        uint64_t h = header_hash(r, count);
        for (size_t i = 0; i < count; i++) {
            double d = v[i] == 0.0 ? 0.0 : v[i]; /* -0 and +0 are one coordinate */
            uint64_t bits;
            memcpy(&bits, &d, sizeof bits);
            h = h_add(h, bits);
        }
        free(v);
        *out = h;
        return FST24_OK;
    }
    fst24_clear_error();
    size_t nwords = 0;
    int st = fst24_read_payload(r, NULL, &nwords);
    if (st) return st;
    uint32_t *w = malloc((nwords ? nwords : 1) * sizeof *w);
    if (!w) return fst_error(FST24_E_NOMEM, "out of memory for %zu payload words", nwords);
    st = fst24_read_payload(r, w, &nwords);
    if (st == FST24_OK) {
        uint64_t h = h_add(header_hash(r, nwords), 0x7061796c6f6164ULL); /* "payload": another domain */
        for (size_t i = 0; i < nwords; i++) h = h_add(h, w[i]);
        *out = h;
    }
    free(w);
    return st;
}

/* ---- tag groups ---------------------------------------------------------- */

typedef struct tagged {
    int32_t t[3];
    uint64_t h;
} tagged;

static int cmp_tagged(const void *a, const void *b) {
    const tagged *x = a, *y = b;
    for (int i = 0; i < 3; i++)
        if (x->t[i] != y->t[i]) return x->t[i] < y->t[i] ? -1 : 1;
    return x->h < y->h ? -1 : x->h > y->h;
}

/* First index in sorted groups whose tags are >= (t1, t2, t3). */
static int64_t lower_bound(const tagged *g, int64_t n, int32_t t1, int32_t t2, int32_t t3) {
    int64_t lo = 0, hi = n;
    tagged key = {{t1, t2, t3}, 0};
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (cmp_tagged(&g[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Group id of tags (t1, t2, t3); any_ip3 also accepts the first group with
 * (t1, t2). 0 if none (ids are hashes: 0 stands for "none" here only). */
static int find_group(const tagged *g, int64_t n, int32_t t1, int32_t t2, int32_t t3, int any_ip3, uint64_t *h) {
    int64_t i = lower_bound(g, n, t1, t2, t3);
    if (i < n && g[i].t[0] == t1 && g[i].t[1] == t2 && g[i].t[2] == t3) {
        *h = g[i].h;
        return 1;
    }
    if (!any_ip3) return 0;
    i = lower_bound(g, n, t1, t2, INT32_MIN);
    if (i < n && g[i].t[0] == t1 && g[i].t[1] == t2) {
        *h = g[i].h;
        return 1;
    }
    return 0;
}

static int is_vertical(const char *nomvar) { return !memcmp(nomvar, "!!  ", 4) || !memcmp(nomvar, "HY  ", 4); }

/* The grid-type byte of row r (the column holds the raw byte, NUL for a blank one). */
static unsigned char grtyp_of(const fst_icol *c, int64_t r) {
    unsigned char b = ((const unsigned char *)c->values)[r];
    return b ? b : ' ';
}

static int grid_column(fst24_file *f, fst_ipart *p, const fst24_record *desc, const int64_t *desc_rows, int64_t ndesc) {
    tagged *members = malloc((size_t)(ndesc ? ndesc : 1) * sizeof *members);
    if (!members) return fst_error(FST24_E_NOMEM, "%s: index: out of memory", f->path);
    int64_t nm = 0;
    int st = FST24_OK;
    for (int64_t d = 0; d < ndesc && st == FST24_OK; d++) {
        const fst24_record *r = &desc[d];
        if (is_vertical(r->nomvar)) continue;
        members[nm].t[0] = r->ip1;
        members[nm].t[1] = r->ip2;
        members[nm].t[2] = r->ip3;
        st = content_hash(r, &members[nm].h);
        if (st)
            st = fst_error_context(st, "%s: index: grid of record %.4s (key %lld)", f->path, r->nomvar,
                                   (long long)r->key);
        nm++;
    }
    /* groups: sort members by tags then hash, fold each run into one id */
    int64_t ng = 0;
    if (st == FST24_OK && nm > 0) {
        qsort(members, (size_t)nm, sizeof *members, cmp_tagged);
        for (int64_t i = 0; i < nm;) {
            int64_t j = i;
            uint64_t h = SEED_GROUP, last = 0;
            for (; j < nm && !memcmp(members[j].t, members[i].t, sizeof members[i].t); j++) {
                if (j > i && members[j].h == last) continue; /* the same descriptor written twice */
                h = h_add(h, members[j].h);
                last = members[j].h;
            }
            members[ng].t[0] = members[i].t[0];
            members[ng].t[1] = members[i].t[1];
            members[ng].t[2] = members[i].t[2];
            members[ng].h = h;
            ng++;
            i = j;
        }
    }
    if (st == FST24_OK) {
        fst_icol *out = &p->col[FST24_COL_GRID_ID];
        int64_t *ids = out->values;
        const int32_t *ni = p->col[FST24_COL_NI].values, *nj = p->col[FST24_COL_NJ].values,
                      *ip1 = p->col[FST24_COL_IP1].values, *ip2 = p->col[FST24_COL_IP2].values,
                      *ip3 = p->col[FST24_COL_IP3].values, *ig1 = p->col[FST24_COL_IG1].values,
                      *ig2 = p->col[FST24_COL_IG2].values, *ig3 = p->col[FST24_COL_IG3].values,
                      *ig4 = p->col[FST24_COL_IG4].values;
        int64_t d = 0;
        for (int64_t r = 0; r < p->rows; r++) {
            uint64_t h = 0;
            int found = 0;
            if (d < ndesc && desc_rows[d] == r) {
                const fst24_record *dr = &desc[d++];
                if (is_vertical(dr->nomvar)) {
                    ids[r] = 0;
                    fst_icol_set_null(out, r);
                    continue;
                }
                found = find_group(members, ng, ip1[r], ip2[r], ip3[r], 0, &h);
            } else {
                unsigned char g = grtyp_of(&p->col[FST24_COL_GRTYP], r);
                if (g == '#')
                    found = find_group(members, ng, ig1[r], ig2[r], ig3[r], 1, &h);
                else if (strchr("ZYUXOMW", g) && g)
                    found = find_group(members, ng, ig1[r], ig2[r], ig3[r], g != 'X' && g != 'W', &h);
                if (!found) {
                    const int32_t fields[] = {g, ni[r], nj[r], ig1[r], ig2[r], ig3[r], ig4[r]};
                    h = h_fields(SEED_HEADER, fields, 7);
                }
            }
            ids[r] = to_id(h);
        }
    }
    free(members);
    return st;
}

/* ---- vcode ----------------------------------------------------------------- */

typedef struct toctoc {
    int32_t ip1, ip2, vcode;
    int64_t order;
} toctoc;

static int cmp_toctoc(const void *a, const void *b) {
    const toctoc *x = a, *y = b;
    if (x->ip1 != y->ip1) return x->ip1 < y->ip1 ? -1 : 1;
    if (x->ip2 != y->ip2) return x->ip2 < y->ip2 ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int vcode_column(fst24_file *f, fst_ipart *p, const fst24_record *desc, const int64_t *desc_rows, int64_t ndesc,
                        const int *level_kinds) {
    toctoc *t = malloc((size_t)(ndesc ? ndesc : 1) * sizeof *t);
    if (!t) return fst_error(FST24_E_NOMEM, "%s: index: out of memory", f->path);
    int64_t nt = 0;
    for (int64_t d = 0; d < ndesc; d++)
        if (!memcmp(desc[d].nomvar, "!!  ", 4)) {
            t[nt].ip1 = desc[d].ip1;
            t[nt].ip2 = desc[d].ip2;
            t[nt].vcode = desc[d].ig1;
            t[nt].order = nt;
            nt++;
        }
    int single = nt > 0;
    for (int64_t k = 1; k < nt; k++)
        if (t[k].vcode != t[0].vcode) single = 0;
    const int32_t single_vcode = nt > 0 ? t[0].vcode : 0;
    qsort(t, (size_t)nt, sizeof *t, cmp_toctoc);

    fst_icol *out = &p->col[FST24_COL_VCODE];
    int32_t *vc = out->values;
    const int32_t *ig1 = p->col[FST24_COL_IG1].values, *ig2 = p->col[FST24_COL_IG2].values;
    int64_t d = 0;
    for (int64_t r = 0; r < p->rows; r++) {
        int found = 0;
        int32_t v = 0;
        if (d < ndesc && desc_rows[d] == r) {
            const fst24_record *dr = &desc[d++];
            if (!memcmp(dr->nomvar, "!!  ", 4)) {
                v = dr->ig1;
                found = 1;
            }
        } else if (nt > 0 && level_kinds[r] >= 0) {
            int kind = level_kinds[r];
            /* the run of !! tagged (ig1, ig2), in file order */
            int64_t lo = 0, hi = nt;
            while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                if (t[mid].ip1 < ig1[r] || (t[mid].ip1 == ig1[r] && t[mid].ip2 < ig2[r]))
                    lo = mid + 1;
                else
                    hi = mid;
            }
            int tagged_run = lo < nt && t[lo].ip1 == ig1[r] && t[lo].ip2 == ig2[r];
            for (int64_t k = lo; k < nt && t[k].ip1 == ig1[r] && t[k].ip2 == ig2[r] && !found; k++)
                if (fst_vgrid_kind_fits(t[k].vcode, kind)) {
                    v = t[k].vcode;
                    found = 1;
                }
            if (!tagged_run && single && fst_vgrid_kind_fits(single_vcode, kind)) {
                v = single_vcode;
                found = 1;
            }
        }
        vc[r] = v;
        if (!found) fst_icol_set_null(out, r);
    }
    free(t);
    return FST24_OK;
}

int fst_index_grid_ids(fst24_file *f, fst_ipart *p, const fst24_record *desc, const int64_t *desc_rows, int64_t ndesc,
                       const int *level_kinds) {
    int st = FST24_OK;
    if (p->col[FST24_COL_GRID_ID].present) st = grid_column(f, p, desc, desc_rows, ndesc);
    if (st == FST24_OK && p->col[FST24_COL_VCODE].present) st = vcode_column(f, p, desc, desc_rows, ndesc, level_kinds);
    return st;
}
