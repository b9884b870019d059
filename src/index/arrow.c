/*
 * Arrow C data / stream interface export of a frozen index: the schema is a
 * struct with one field per column, the array a struct array whose children
 * point at the index's own buffers (zero copy), except the fixed-width text
 * columns and string views, built for the export. Every exported array node
 * holds a reference on the index, so each one (children included, which a
 * consumer may move out of their parent) can be released on its own, from
 * any thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/index_internal.h"

static int num_columns(const fst24_index *ix) {
    int n = 0;
    for (int id = 0; id < FST24_COL_COUNT; id++) n += FST_ICOL_IN(ix->mask, id);
    return n;
}

/* ---- schema ------------------------------------------------------------- */

static void release_schema(struct ArrowSchema *s) {
    if (!s || !s->release) return;
    for (int64_t i = 0; i < s->n_children; i++) {
        struct ArrowSchema *c = s->children[i];
        if (c->release) c->release(c);
        free(c);
    }
    free(s->children);
    if (s->dictionary) {
        if (s->dictionary->release) s->dictionary->release(s->dictionary);
        free(s->dictionary);
    }
    s->release = NULL;
}

/* Names and formats are static strings: no private data to free. */
static void init_schema(struct ArrowSchema *s, const char *format, const char *name, int64_t flags) {
    memset(s, 0, sizeof *s);
    s->format = format;
    s->name = name;
    s->flags = flags;
    s->release = release_schema;
}

/* Is column `id` exported as string views under `flags`? */
static int as_view(int id, int flags) {
    fst24_column_type t = fst_icol_defs[id].type;
    return (flags & FST24_ARROW_STRING_VIEW) && (t == FST24_CT_UTF8 || t == FST24_CT_FIXED_TEXT) &&
           id != FST24_COL_EXT_META;
}

static int export_schema(const fst24_index *ix, int flags, struct ArrowSchema *out) {
    int n = num_columns(ix);
    init_schema(out, "+s", "", 0);
    out->children = calloc((size_t)(n ? n : 1), sizeof *out->children);
    if (!out->children) goto nomem;
    for (int id = 0; id < FST24_COL_COUNT; id++) {
        if (!FST_ICOL_IN(ix->mask, id)) continue;
        const fst_icol_def *d = &fst_icol_defs[id];
        struct ArrowSchema *c = malloc(sizeof *c);
        if (!c) goto nomem;
        init_schema(c, as_view(id, flags) ? "vu" : d->arrow_format, d->name, ARROW_FLAG_NULLABLE);
        out->children[out->n_children++] = c;
        if (d->type == FST24_CT_DICT_UTF8) {
            c->dictionary = malloc(sizeof *c->dictionary);
            if (!c->dictionary) goto nomem;
            init_schema(c->dictionary, "u", "", ARROW_FLAG_NULLABLE);
        }
    }
    return FST24_OK;
nomem:
    release_schema(out);
    return fst_error(FST24_E_NOMEM, "index: out of memory for the Arrow schema");
}

/* ---- arrays --------------------------------------------------------------- */

/* The string views of every text column of one export, in one buffer (large ones then take
 * huge pages: thousands of page faults fewer), shared by their arrays: freed when the last
 * of them is released. */
typedef struct shared_buf {
    int refs; /* atomic */
    void *mem;
} shared_buf;

typedef struct array_priv {
    fst24_index *ix;
    const void *buffers[3];
    void *owned;        /* a buffer built for this export (utf8 of fixed text) */
    shared_buf *shared; /* or a part of the shared views */
} array_priv;

static void shared_unref(shared_buf *b) {
    if (b && __atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        free(b->mem);
        free(b);
    }
}

/* The (empty) list of variadic buffer sizes of a view array whose values are all inline. */
static const int64_t no_variadic_sizes[1] = {0};

static void release_array(struct ArrowArray *a) {
    if (!a || !a->release) return;
    for (int64_t i = 0; i < a->n_children; i++) {
        struct ArrowArray *c = a->children[i];
        if (c->release) c->release(c);
        free(c);
    }
    free(a->children);
    if (a->dictionary) {
        if (a->dictionary->release) a->dictionary->release(a->dictionary);
        free(a->dictionary);
    }
    array_priv *p = a->private_data;
    if (p) {
        fst_index_unref(p->ix);
        free(p->owned);
        shared_unref(p->shared);
        free(p);
    }
    a->release = NULL;
}

static int init_array(struct ArrowArray *a, fst24_index *ix, int64_t length, int64_t null_count, int n_buffers,
                      const void *b0, const void *b1, const void *b2) {
    memset(a, 0, sizeof *a);
    array_priv *p = malloc(sizeof *p);
    if (!p) return FST24_E_NOMEM;
    p->ix = ix;
    fst_index_ref(ix);
    p->buffers[0] = b0;
    p->buffers[1] = b1;
    p->buffers[2] = b2;
    p->owned = NULL;
    p->shared = NULL;
    a->length = length;
    a->null_count = null_count;
    a->n_buffers = n_buffers;
    a->buffers = p->buffers;
    a->private_data = p;
    a->release = release_array;
    return FST24_OK;
}

/* Row r of a fixed-text column as UTF-8 into out (2 * width bytes at most): its
 * bytes up to the first NUL, read as Latin-1. Returns the length. */
static int32_t fixed_utf8(const fst_icol *c, int width, int64_t r, char *out) {
    const unsigned char *s = (const unsigned char *)c->values + (size_t)r * (size_t)width;
    int32_t k = 0;
    for (int i = 0; i < width && s[i]; i++) {
        if (s[i] < 0x80) {
            out[k++] = (char)s[i];
        } else {
            out[k++] = (char)(0xC0 | (s[i] >> 6));
            out[k++] = (char)(0x80 | (s[i] & 0x3F));
        }
    }
    return k;
}

/* Arrow string views (rows * 16 bytes at v) of a column whose values are at most 12 bytes:
 * each view is the length (int32) and the bytes inline, zero padded. */
static void build_views(int id, const fst_icol *c, int64_t rows, uint8_t *v) {
    const int width = fst_icol_defs[id].width;
    const char *chars = c->values;
    for (int64_t r = 0; r < rows; r++) {
        uint8_t *view = v + 16 * r;
        char text[24];
        int32_t len;
        const char *src = text;
        if (fst_icol_defs[id].type == FST24_CT_FIXED_TEXT) {
            len = fixed_utf8(c, width, r, text);
        } else {
            len = c->offsets[r + 1] - c->offsets[r];
            src = chars + c->offsets[r];
        }
        memset(view, 0, 16);
        memcpy(view, &len, 4); /* native byte order, as every buffer of the C data interface */
        memcpy(view + 4, src, (size_t)(len <= 12 ? len : 12));
    }
}

/* A fixed-text column as Arrow utf8: offsets (rows + 1 int32) then the characters, in one
 * buffer whose start is returned (*chars set within it). */
static void *build_utf8(int id, const fst_icol *c, int64_t rows, char **chars) {
    const int width = fst_icol_defs[id].width;
    size_t off_bytes = ((size_t)(rows + 1) * sizeof(int32_t) + 63) & ~(size_t)63;
    uint8_t *b = fst_icol_alloc(off_bytes + (size_t)rows * 2 * (size_t)width + 1);
    if (!b) return NULL;
    int32_t *offsets = (int32_t *)(void *)b;
    char *text = (char *)b + off_bytes;
    int32_t at = 0;
    offsets[0] = 0;
    for (int64_t r = 0; r < rows; r++) {
        at += fixed_utf8(c, width, r, text + at);
        offsets[r + 1] = at;
    }
    *chars = text;
    return b;
}

/* `views`: the shared views buffer and this column's part of it (string-view columns). */
static int export_column(fst24_index *ix, int id, int flags, struct ArrowArray *a, shared_buf *views, uint8_t *part) {
    const fst_icol_def *d = &fst_icol_defs[id];
    const fst_icol *c = &ix->merged->col[id];
    const void *validity = c->null_count ? c->validity : NULL;
    int st;
    if (as_view(id, flags)) {
        build_views(id, c, ix->rows, part);
        st = init_array(a, ix, ix->rows, c->null_count, 3, validity, part, no_variadic_sizes);
        if (st == FST24_OK) {
            __atomic_add_fetch(&views->refs, 1, __ATOMIC_RELAXED);
            ((array_priv *)a->private_data)->shared = views;
        }
        return st;
    }
    switch (d->type) {
    case FST24_CT_UTF8: st = init_array(a, ix, ix->rows, c->null_count, 3, validity, c->offsets, c->values); break;
    case FST24_CT_FIXED_TEXT: {
        char *chars = NULL;
        void *utf8 = build_utf8(id, c, ix->rows, &chars);
        if (!utf8) return FST24_E_NOMEM;
        st = init_array(a, ix, ix->rows, c->null_count, 3, validity, utf8, chars);
        if (st)
            free(utf8);
        else
            ((array_priv *)a->private_data)->owned = utf8;
        break;
    }
    case FST24_CT_DICT_UTF8:
        st = init_array(a, ix, ix->rows, c->null_count, 2, validity, c->values, NULL);
        if (st == FST24_OK) {
            a->dictionary = malloc(sizeof *a->dictionary);
            if (!a->dictionary) return FST24_E_NOMEM;
            st = init_array(a->dictionary, ix, ix->dict_length, 0, 3, NULL, ix->dict_offsets, ix->dict_chars);
            if (st) {
                free(a->dictionary);
                a->dictionary = NULL;
            }
        }
        break;
    default: st = init_array(a, ix, ix->rows, c->null_count, 2, validity, c->values, NULL);
    }
    return st;
}

static int export_array(fst24_index *ix, int flags, struct ArrowArray *out) {
    int n = num_columns(ix), nviews = 0;
    const size_t view_bytes = ((size_t)ix->rows * 16 + 63) & ~(size_t)63;
    for (int id = 0; id < FST24_COL_COUNT; id++) nviews += FST_ICOL_IN(ix->mask, id) && as_view(id, flags);
    shared_buf *views = NULL;
    if (nviews) {
        views = calloc(1, sizeof *views);
        if (!views) return fst_error(FST24_E_NOMEM, "index: out of memory for the Arrow array");
        views->refs = 1; /* this function's, dropped at its end */
        views->mem = fst_icol_block_alloc(view_bytes * (size_t)nviews + 1);
        if (!views->mem) {
            free(views);
            return fst_error(FST24_E_NOMEM, "index: out of memory for the Arrow array");
        }
    }
    int st = init_array(out, ix, ix->rows, 0, 1, NULL, NULL, NULL);
    if (st) {
        shared_unref(views);
        return fst_error(FST24_E_NOMEM, "index: out of memory for the Arrow array");
    }
    out->children = calloc((size_t)(n ? n : 1), sizeof *out->children);
    if (!out->children) goto nomem;
    int k = 0;
    for (int id = 0; id < FST24_COL_COUNT; id++) {
        if (!FST_ICOL_IN(ix->mask, id)) continue;
        struct ArrowArray *c = malloc(sizeof *c);
        if (!c) goto nomem;
        memset(c, 0, sizeof *c);
        out->children[out->n_children++] = c; /* released with the parent even if half built */
        uint8_t *part = NULL;
        if (views && as_view(id, flags)) part = (uint8_t *)views->mem + view_bytes * (size_t)k++;
        if (export_column(ix, id, flags, c, views, part) != FST24_OK) goto nomem;
    }
    shared_unref(views);
    return FST24_OK;
nomem:
    release_array(out);
    shared_unref(views);
    return fst_error(FST24_E_NOMEM, "index: out of memory for the Arrow array");
}

int fst24_index_export(fst24_index *ix, int flags, struct ArrowSchema *schema, struct ArrowArray *array) {
    if (!ix || !schema || !array) return fst_error(FST24_E_INVALID, "index_export: NULL argument");
    if (flags & ~FST24_ARROW_STRING_VIEW) return fst_error(FST24_E_INVALID, "index_export: unknown flags %d", flags);
    int st = fst_index_freeze(ix);
    if (st) return st;
    st = export_schema(ix, flags, schema);
    if (st) return st;
    st = export_array(ix, flags, array);
    if (st) release_schema(schema);
    return st;
}

/* ---- stream --------------------------------------------------------------- */

typedef struct stream_priv {
    fst24_index *ix;
    int flags;
    int done;
    char error[512];
} stream_priv;

static int stream_get_schema(struct ArrowArrayStream *s, struct ArrowSchema *out) {
    stream_priv *p = s->private_data;
    if (export_schema(p->ix, p->flags, out) != FST24_OK) {
        snprintf(p->error, sizeof p->error, "%s", fst24_last_error());
        return ENOMEM;
    }
    return 0;
}

static int stream_get_next(struct ArrowArrayStream *s, struct ArrowArray *out) {
    stream_priv *p = s->private_data;
    if (p->done || p->ix->rows == 0) {
        memset(out, 0, sizeof *out); /* release == NULL: end of stream */
        return 0;
    }
    if (export_array(p->ix, p->flags, out) != FST24_OK) {
        snprintf(p->error, sizeof p->error, "%s", fst24_last_error());
        return ENOMEM;
    }
    p->done = 1;
    return 0;
}

static const char *stream_get_last_error(struct ArrowArrayStream *s) {
    stream_priv *p = s->private_data;
    return p->error[0] ? p->error : NULL;
}

static void stream_release(struct ArrowArrayStream *s) {
    if (!s || !s->release) return;
    stream_priv *p = s->private_data;
    fst_index_unref(p->ix);
    free(p);
    s->release = NULL;
}

int fst24_index_export_stream(fst24_index *ix, int flags, struct ArrowArrayStream *stream) {
    if (!ix || !stream) return fst_error(FST24_E_INVALID, "index_export_stream: NULL argument");
    if (flags & ~FST24_ARROW_STRING_VIEW)
        return fst_error(FST24_E_INVALID, "index_export_stream: unknown flags %d", flags);
    int st = fst_index_freeze(ix);
    if (st) return st;
    stream_priv *p = calloc(1, sizeof *p);
    if (!p) return fst_error(FST24_E_NOMEM, "index: out of memory for the Arrow stream");
    p->ix = ix;
    p->flags = flags;
    fst_index_ref(ix);
    memset(stream, 0, sizeof *stream);
    stream->get_schema = stream_get_schema;
    stream->get_next = stream_get_next;
    stream->get_last_error = stream_get_last_error;
    stream->release = stream_release;
    stream->private_data = p;
    return FST24_OK;
}
