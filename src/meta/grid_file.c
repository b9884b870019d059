/* Grids of records found in a file: the positional records (">>", "^^",
 * "^>") are located through the public query API by (ip1, ip2, ip3) = the data
 * record's (ig1, ig2, ig3) and read with fst24_read_data. Also the grid cache. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "common/error.h"
#include "meta/grid_internal.h"

int grid_read_doubles(const fst24_record *r, size_t expect, double **out)
{
    *out = NULL;
    fst24_elem_type t;
    size_t count;
    int st = fst24_record_data_layout(r, &t, &count);
    if (st) return st;
    if (count != expect)
        return fst_error(FST24_E_INVALID, "positional record '%.4s' (ip1 %d ip2 %d ip3 %d): %zu values, %zu expected",
                         r->nomvar, (int)r->ip1, (int)r->ip2, (int)r->ip3, count, expect);
    const size_t es = fst24_elem_size(t);
    if (es == 0) return fst_error(FST24_E_INVALID, "positional record '%.4s': no numeric data", r->nomvar);
    void *raw = malloc(count * es + 8);
    double *d = malloc((count ? count : 1) * sizeof(double));
    if (!raw || !d) {
        free(raw);
        free(d);
        return fst_error(FST24_E_NOMEM, "positional record '%.4s': out of memory (%zu values)", r->nomvar, count);
    }
    st = fst24_read_data(r, raw, count * es, NULL);
    /* Some writers (SPI) store positional reals as datyp 0 (raw bits): 32/64-bit
     * raw words are then IEEE values, not integers. */
    if ((r->data_type & 63) == FST24_TYPE_BINARY) {
        if (t == FST24_ELEM_U32 || t == FST24_ELEM_I32) t = FST24_ELEM_F32;
        else if (t == FST24_ELEM_U64 || t == FST24_ELEM_I64) t = FST24_ELEM_F64;
    }
    if (!st) {
        for (size_t k = 0; k < count; k++) {
            switch (t) {
            case FST24_ELEM_F32: d[k] = ((const float *)raw)[k]; break;
            case FST24_ELEM_F64: d[k] = ((const double *)raw)[k]; break;
            case FST24_ELEM_I8: d[k] = ((const int8_t *)raw)[k]; break;
            case FST24_ELEM_U8: d[k] = ((const uint8_t *)raw)[k]; break;
            case FST24_ELEM_I16: d[k] = ((const int16_t *)raw)[k]; break;
            case FST24_ELEM_U16: d[k] = ((const uint16_t *)raw)[k]; break;
            case FST24_ELEM_I32: d[k] = ((const int32_t *)raw)[k]; break;
            case FST24_ELEM_U32: d[k] = ((const uint32_t *)raw)[k]; break;
            case FST24_ELEM_I64: d[k] = (double)((const int64_t *)raw)[k]; break;
            case FST24_ELEM_U64: d[k] = (double)((const uint64_t *)raw)[k]; break;
            default: d[k] = NAN;
            }
        }
    }
    free(raw);
    if (st) {
        free(d);
        return fst_error_context(st, "positional record '%.4s' (ip1 %d ip2 %d ip3 %d): ", r->nomvar, (int)r->ip1, (int)r->ip2, (int)r->ip3);
    }
    *out = d;
    return FST24_OK;
}

/* Predicate on a candidate positional record. */
typedef int (*pos_accept)(const fst24_record *cand, const void *arg);

/* First record named `nomvar` with (ip1, ip2, ip3) = tags (ip3 < 0: any) that `ok` accepts.
 * Returns 1 found, 0 none, <0 error. */
static int find_positional(fst24_file *file, const char *nomvar, int32_t ip1, int32_t ip2, int32_t ip3,
                           pos_accept ok, const void *arg, fst24_record *found)
{
    fst24_record crit;
    fst24_record_init_criteria(&crit);
    int st = fst24_record_set_string(&crit, "nomvar", nomvar);
    if (st) return st;
    crit.ip1 = ip1;
    crit.ip2 = ip2;
    crit.ip3 = ip3;
    fst24_query *q = NULL;
    st = fst24_query_new(file, &crit, NULL, &q);
    if (st) return st;
    fst24_record r;
    int res = 0;
    while ((st = fst24_query_next(q, &r)) == 1)
        if (!ok || ok(&r, arg)) {
            *found = r;
            res = 1;
            break;
        }
    fst24_query_free(q);
    if (st < 0) return st;
    return res;
}

typedef struct shape_req { int32_t ni, nj; int min; } shape_req;

/* exact shape (min == 0) or at least that shape (min == 1, for # masters) */
static int accept_shape(const fst24_record *c, const void *arg)
{
    const shape_req *s = arg;
    if (s->min) return (s->ni < 0 || c->ni >= s->ni) && (s->nj < 0 || c->nj >= s->nj);
    return (s->ni < 0 || c->ni == s->ni) && (s->nj < 0 || c->nj == s->nj);
}

static int missing(const fst24_record *rec, const char *what)
{
    return fst_error(FST24_E_NO_RECORD, "record '%.4s' grid %c %dx%d (ig %d %d %d %d): no %s positional record with ip1 %d ip2 %d ip3 %d",
                     rec->nomvar, rec->grtyp[0], (int)rec->ni, (int)rec->nj, (int)rec->ig1, (int)rec->ig2,
                     (int)rec->ig3, (int)rec->ig4, what, (int)rec->ig1, (int)rec->ig2, (int)rec->ig3);
}

/* Z (and # tiles, Y, O, M): the >> / ^^ pair. */
static int grid_from_positionals(fst24_file *file, const fst24_record *rec, fst24_grid **out)
{
    const char t = rec->grtyp[0];
    const int tile = t == '#', cloud = t == 'Y' || t == 'O' || t == 'M';
    fst24_record rx, ry;
    shape_req sx, sy;
    if (tile) { /* master axes at least as long as the tile's end */
        if (rec->ig3 < 1 || rec->ig4 < 1)
            return fst_error(FST24_E_INVALID, "record '%.4s' grid #: tile start ig3 %d / ig4 %d must be >= 1", rec->nomvar, (int)rec->ig3, (int)rec->ig4);
        sx = (shape_req){(int32_t)(rec->ig3 - 1 + (int64_t)rec->ni), -1, 1};
        sy = (shape_req){-1, (int32_t)(rec->ig4 - 1 + (int64_t)rec->nj), 1};
    } else if (cloud) {
        sx = sy = (shape_req){rec->ni, rec->nj, 0};
    } else {
        sx = (shape_req){rec->ni, -1, 0};
        sy = (shape_req){-1, rec->nj, 0};
    }
    int32_t ip3 = tile ? -1 : rec->ig3;
    int st = find_positional(file, ">>", rec->ig1, rec->ig2, ip3, accept_shape, &sx, &rx);
    if (st == 0 && ip3 >= 0) { /* as GeoRef: retry with any ip3 */
        ip3 = -1;
        st = find_positional(file, ">>", rec->ig1, rec->ig2, ip3, accept_shape, &sx, &rx);
    }
    if (st <= 0) return st < 0 ? st : missing(rec, ">>");
    st = find_positional(file, "^^", rec->ig1, rec->ig2, ip3, accept_shape, &sy, &ry);
    if (st <= 0) return st < 0 ? st : missing(rec, "^^");
    const int64_t nx = (int64_t)rx.ni * rx.nj, ny = (int64_t)ry.ni * ry.nj;
    /* a Z whose positionals both have the data's 2-D shape is really a Y grid */
    const int as_cloud = cloud || (!tile && rec->nj > 1 && rx.ni == rec->ni && rx.nj == rec->nj &&
                                   ry.ni == rec->ni && ry.nj == rec->nj);
    if (!as_cloud && ((rx.nj != 1 && rx.ni != 1) || (ry.ni != 1 && ry.nj != 1)))
        return fst_error(FST24_E_INVALID, "record '%.4s' grid %c: positional records are %dx%d and %dx%d, not 1-D axes",
                         rec->nomvar, t, (int)rx.ni, (int)rx.nj, (int)ry.ni, (int)ry.nj);
    double *ax = NULL, *ay = NULL;
    st = grid_read_doubles(&rx, (size_t)nx, &ax);
    if (!st) st = grid_read_doubles(&ry, (size_t)ny, &ay);
    int32_t ref_ig[4] = {rx.ig1, rx.ig2, rx.ig3, rx.ig4};
    char ref = rx.grtyp[0];
    if ((t == 'O' || t == 'M' || (t == 'X' && as_cloud)) && ref != 'L') {
        /* ORCA / mesh / X-cloud positionals hold degrees whatever their own grtyp */
        ref = 'L';
        ref_ig[0] = ref_ig[1] = 100;
        ref_ig[2] = 9000;
        ref_ig[3] = 0;
    }
    fst24_grid *g = NULL;
    if (!st) {
        const int32_t i0 = tile ? rec->ig3 - 1 : 0, j0 = tile ? rec->ig4 - 1 : 0;
        st = fst24_grid_new_axes(as_cloud ? 'Y' : 'Z', rec->ni, rec->nj, ref, ref_ig, ax + i0, ay + j0, &g);
        if (st) fst_error_context(st, "record '%.4s' grid %c: ", rec->nomvar, t);
    }
    if (!st) {
        g->grtyp = t;
        g->ig[0] = rec->ig1;
        g->ig[1] = rec->ig2;
        g->ig[2] = rec->ig3;
        g->ig[3] = rec->ig4;
        g->pos_key[0] = rx.key;
        g->pos_key[1] = ry.key;
        if (tile) {
            g->tile_i0 = rec->ig3;
            g->tile_j0 = rec->ig4;
            g->master_ni = (int32_t)nx;
            g->master_nj = (int32_t)ny;
        }
    }
    free(ax);
    free(ay);
    if (st) return st;
    *out = g;
    return FST24_OK;
}

/* U (yin-yang): one "^>" record holds both sub-grids' axes and rotations. */
static int grid_from_super(fst24_file *file, const fst24_record *rec, fst24_grid **out)
{
    fst24_record rs;
    int st = find_positional(file, "^>", rec->ig1, rec->ig2, rec->ig3, NULL, NULL, &rs);
    if (st <= 0) return st < 0 ? st : missing(rec, "^>");
    const size_t n = (size_t)rs.ni * rs.nj;
    if (n < 5 || n > 100000000)
        return fst_error(FST24_E_INVALID, "record '^>' (ip1 %d): %zu values, too short for a yin-yang layout", (int)rs.ip1, n);
    double *t = NULL;
    st = grid_read_doubles(&rs, n, &t);
    if (st) return st;
    fst24_grid *g = NULL;
    if (t[0] != 70.0 || t[1] != 1.0 || t[2] != 2.0) { /* compared as doubles: NaN must not reach an int cast */
        st = fst_error(FST24_E_UNSUPPORTED, "record '^>' (ip1 %d): family %g version %g with %g sub-grids (F, 1, 2 supported)",
                       (int)rs.ip1, t[0], t[1], t[2]);
        goto done;
    }
    st = grid_alloc('U', rec->ni, rec->nj, &g);
    if (st) goto done;
    g->ref_grtyp = 'F';
    g->pos_key[0] = rs.key;
    g->ig[0] = rec->ig1;
    g->ig[1] = rec->ig2;
    g->ig[2] = rec->ig3;
    g->ig[3] = rec->ig4;
    g->proj.kind = PROJ_SUPER;
    g->nsub = 0;
    size_t s = 5;
    size_t yin_ax = 0, yin_ay = 0;
    int32_t yin_ni = 0, yin_nj = 0;
    for (int k = 0; k < 2; k++) {
        if (s + 10 > n) { st = fst_error(FST24_E_INVALID, "record '^>': sub-grid %d header beyond the %zu values", k + 1, n); goto done; }
        const double dni = t[s], dnj = t[s + 1];
        if (!(dni >= 1 && dnj >= 1 && dni <= 1e7 && dnj <= 1e7) || dni != floor(dni) || dnj != floor(dnj)) {
            st = fst_error(FST24_E_INVALID, "record '^>': sub-grid %d size %g x %g invalid", k + 1, dni, dnj);
            goto done;
        }
        const int32_t ni = (int32_t)dni, nj = (int32_t)dnj;
        if (s + 10 + (size_t)ni + nj > n || ni != rec->ni || (int64_t)nj * 2 != rec->nj) {
            st = fst_error(FST24_E_INVALID, "record '^>': sub-grid %d %dx%d does not fit the record (%zu values) or the data grid %dx%d",
                           k + 1, (int)ni, (int)nj, n, (int)rec->ni, (int)rec->nj);
            goto done;
        }
        /* librmn re-encodes the rotation with cxgaig before use: same 0.025 deg quantisation */
        const float xg[4] = {(float)t[s + 6], (float)t[s + 7], (float)t[s + 8], (float)t[s + 9]};
        int32_t ig[4];
        st = fst24_xg_to_ig('E', 1, xg, ig);
        if (st) goto done;
        if (k == 0) {
            yin_ax = s + 10;
            yin_ay = s + 10 + (size_t)ni;
            yin_ni = ni;
            yin_nj = nj;
        }
        /* both sub-grids on the yin axes, the yang block only supplying its rotation (as librmn) */
        st = fst24_grid_new_axes('Z', yin_ni, yin_nj, 'E', ig, t + yin_ax, t + yin_ay, &g->sub[k]);
        if (st) goto done;
        g->nsub = k + 1;
        s += 10 + (size_t)ni + nj;
    }
    memcpy(g->xg, g->sub[0]->xg, sizeof g->xg);
done:
    free(t);
    if (st) {
        fst24_grid_free(g);
        return st;
    }
    *out = g;
    return FST24_OK;
}

int fst24_grid_from_record(fst24_file *file, const fst24_record *rec, fst24_grid **out)
{
    if (!rec || !out) return fst_error(FST24_E_INVALID, "fst24_grid_from_record: NULL argument");
    *out = NULL;
    /* The caller sizes ni*nj arrays from this record: a header its payload cannot hold
     * (a damaged file) is refused here. Other layout problems do not concern the grid. */
    if (rec->file && fst24_record_data_layout(rec, NULL, NULL) == FST24_E_CORRUPT)
        return fst_error_context(FST24_E_CORRUPT, "grid of record '%.4s'", rec->nomvar);
    fst24_clear_error();
    const char t = rec->grtyp[0];
    switch (t) {
    case 'A': case 'B': case 'G': case 'L': case 'N': case 'S': case 'E': case '+': {
        int st = fst24_grid_new(t, rec->ni, rec->nj, rec->ig1, rec->ig2, rec->ig3, rec->ig4, out);
        return st ? fst_error_context(st, "record '%.4s': ", rec->nomvar) : st;
    }
    case 'Z': case '#': case 'Y': case 'O': case 'M':
        if (!file) return fst_error(FST24_E_INVALID, "record '%.4s' grid %c: a file is needed to find the positional records", rec->nomvar, t);
        return grid_from_positionals(file, rec, out);
    case 'U':
        if (!file) return fst_error(FST24_E_INVALID, "record '%.4s' grid U: a file is needed to find the '^>' record", rec->nomvar);
        return grid_from_super(file, rec, out);
    case 'X':
        /* no geography of its own, but GeoRef/fstd2nc use linked >> / ^^ when present */
        if (file && (rec->ig1 || rec->ig2 || rec->ig3)) {
            int st = grid_from_positionals(file, rec, out);
            if (st != FST24_E_NO_RECORD) return st;
            fst24_clear_error();
        }
        return fst_error(FST24_E_UNSUPPORTED, "record '%.4s': grid type 'X' has no geographic coordinates (no linked positional records)", rec->nomvar);
    default:
        return fst_error(FST24_E_UNSUPPORTED, "record '%.4s': grid type '%c' has no geographic coordinates here", rec->nomvar, t ? t : ' ');
    }
}

/* ---- cache ------------------------------------------------------------- */

typedef struct cache_entry {
    const fst24_file *file;
    char grtyp;
    int32_t ni, nj, ig[4];
    fst24_grid *grid;
} cache_entry;

struct fst24_grid_cache {
    pthread_mutex_t lock;
    cache_entry *e;
    size_t n, cap;
};

int fst24_grid_cache_new(fst24_grid_cache **out)
{
    if (!out) return fst_error(FST24_E_INVALID, "fst24_grid_cache_new: NULL output");
    fst24_grid_cache *c = calloc(1, sizeof *c);
    if (!c) return fst_error(FST24_E_NOMEM, "grid cache: out of memory");
    if (pthread_mutex_init(&c->lock, NULL)) {
        free(c);
        return fst_error(FST24_E_NOMEM, "grid cache: cannot create its lock");
    }
    *out = c;
    return FST24_OK;
}

void fst24_grid_cache_free(fst24_grid_cache *c)
{
    if (!c) return;
    for (size_t k = 0; k < c->n; k++) fst24_grid_free(c->e[k].grid);
    free(c->e);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static fst24_grid *cache_find(const fst24_grid_cache *c, const cache_entry *key)
{
    for (size_t k = 0; k < c->n; k++) {
        const cache_entry *e = &c->e[k];
        if (e->file == key->file && e->grtyp == key->grtyp && e->ni == key->ni && e->nj == key->nj &&
            !memcmp(e->ig, key->ig, sizeof e->ig))
            return e->grid;
    }
    return NULL;
}

int fst24_grid_cache_get(fst24_grid_cache *c, fst24_file *file, const fst24_record *rec,
                         const fst24_grid **grid)
{
    if (!c || !rec || !grid) return fst_error(FST24_E_INVALID, "fst24_grid_cache_get: NULL argument");
    cache_entry key = {file, rec->grtyp[0], rec->ni, rec->nj, {rec->ig1, rec->ig2, rec->ig3, rec->ig4}, NULL};
    pthread_mutex_lock(&c->lock);
    fst24_grid *g = cache_find(c, &key);
    pthread_mutex_unlock(&c->lock);
    if (g) {
        *grid = g;
        return FST24_OK;
    }
    /* built outside the lock: reading positionals may be slow; a racing
     * thread's identical grid is discarded below */
    fst24_grid *fresh = NULL;
    int st = fst24_grid_from_record(file, rec, &fresh);
    if (st) return st;
    pthread_mutex_lock(&c->lock);
    g = cache_find(c, &key);
    if (!g) {
        if (c->n == c->cap) {
            size_t nc = c->cap ? 2 * c->cap : 8;
            cache_entry *ne = realloc(c->e, nc * sizeof *ne);
            if (!ne) {
                pthread_mutex_unlock(&c->lock);
                fst24_grid_free(fresh);
                return fst_error(FST24_E_NOMEM, "grid cache: out of memory");
            }
            c->e = ne;
            c->cap = nc;
        }
        key.grid = fresh;
        c->e[c->n++] = key;
        g = fresh;
        fresh = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    fst24_grid_free(fresh);
    *grid = g;
    return FST24_OK;
}

int fst24_grid_cache_forget(fst24_grid_cache *c, const fst24_file *file)
{
    if (!c) return fst_error(FST24_E_INVALID, "fst24_grid_cache_forget: NULL cache");
    pthread_mutex_lock(&c->lock);
    size_t kept = 0;
    for (size_t k = 0; k < c->n; k++) {
        if (c->e[k].file == file) fst24_grid_free(c->e[k].grid);
        else c->e[kept++] = c->e[k];
    }
    c->n = kept;
    pthread_mutex_unlock(&c->lock);
    return FST24_OK;
}
