/*
 * The index's column table (names, types, nullability) and the Arrow-shaped
 * buffers each column is stored in.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "index/index_internal.h"

const fst_icol_def fst_icol_defs[FST24_COL_COUNT] = {
    [FST24_COL_PATH] = {"path", FST24_CT_DICT_UTF8, 0, "i"},
    [FST24_COL_KEY] = {"key", FST24_CT_INT64, 0, "l"},
    [FST24_COL_FILE_OFFSET] = {"file_offset", FST24_CT_INT64, 0, "l"},
    [FST24_COL_TOTAL_STORED_BYTES] = {"total_stored_bytes", FST24_CT_INT64, 0, "l"},
    /* The header's names at their stored widths: 19 bytes a row against 16 bytes of
     * offsets plus the characters as utf8 (docs/index.md, "Memory"); utf8 at export. */
    [FST24_COL_NOMVAR] = {"nomvar", FST24_CT_FIXED_TEXT, 0, "u", 4},
    [FST24_COL_TYPVAR] = {"typvar", FST24_CT_FIXED_TEXT, 0, "u", 2},
    [FST24_COL_ETIKET] = {"etiket", FST24_CT_FIXED_TEXT, 0, "u", 12},
    [FST24_COL_GRTYP] = {"grtyp", FST24_CT_FIXED_TEXT, 0, "u", 1},
    [FST24_COL_IP1] = {"ip1", FST24_CT_INT32, 0, "i"},
    [FST24_COL_IP2] = {"ip2", FST24_CT_INT32, 0, "i"},
    [FST24_COL_IP3] = {"ip3", FST24_CT_INT32, 0, "i"},
    [FST24_COL_NI] = {"ni", FST24_CT_INT32, 0, "i"},
    [FST24_COL_NJ] = {"nj", FST24_CT_INT32, 0, "i"},
    [FST24_COL_NK] = {"nk", FST24_CT_INT32, 0, "i"},
    [FST24_COL_DATEO] = {"dateo", FST24_CT_INT32, 0, "i"},
    [FST24_COL_DATEV] = {"datev", FST24_CT_INT32, 0, "i"},
    [FST24_COL_DEET] = {"deet", FST24_CT_INT32, 0, "i"},
    [FST24_COL_NPAS] = {"npas", FST24_CT_INT32, 0, "i"},
    [FST24_COL_DATA_TYPE] = {"data_type", FST24_CT_UINT8, 0, "C"},
    [FST24_COL_DATA_BITS] = {"data_bits", FST24_CT_UINT8, 0, "C"},
    [FST24_COL_PACK_BITS] = {"pack_bits", FST24_CT_UINT8, 0, "C"},
    [FST24_COL_IG1] = {"ig1", FST24_CT_INT32, 0, "i"},
    [FST24_COL_IG2] = {"ig2", FST24_CT_INT32, 0, "i"},
    [FST24_COL_IG3] = {"ig3", FST24_CT_INT32, 0, "i"},
    [FST24_COL_IG4] = {"ig4", FST24_CT_INT32, 0, "i"},
    [FST24_COL_LEVEL] = {"level", FST24_CT_FLOAT64, 1, "g"},
    [FST24_COL_LEVEL_KIND] = {"level_kind", FST24_CT_INT8, 0, "c"},
    [FST24_COL_LEVEL_UNIT] = {"level_unit", FST24_CT_UTF8, 1, "u"},
    [FST24_COL_IP2_VALUE] = {"ip2_value", FST24_CT_FLOAT64, 1, "g"},
    [FST24_COL_IP2_KIND] = {"ip2_kind", FST24_CT_INT8, 0, "c"},
    [FST24_COL_IP3_VALUE] = {"ip3_value", FST24_CT_FLOAT64, 1, "g"},
    [FST24_COL_IP3_KIND] = {"ip3_kind", FST24_CT_INT8, 0, "c"},
    [FST24_COL_DATEO_TIME] = {"dateo_time", FST24_CT_TIMESTAMP_US, 1, "tsu:UTC"},
    [FST24_COL_DATEV_TIME] = {"datev_time", FST24_CT_TIMESTAMP_US, 1, "tsu:UTC"},
    [FST24_COL_FORECAST_PERIOD] = {"forecast_period", FST24_CT_DURATION_US, 1, "tDu"},
    [FST24_COL_DATA_TYPE_NAME] = {"data_type_name", FST24_CT_UTF8, 0, "u"},
    [FST24_COL_COMPRESSED] = {"compressed", FST24_CT_BOOL, 0, "b"},
    [FST24_COL_HAS_MISSING] = {"has_missing", FST24_CT_BOOL, 0, "b"},
    [FST24_COL_GRID_ID] = {"grid_id", FST24_CT_INT64, 1, "l"},
    [FST24_COL_IS_DESCRIPTOR] = {"is_descriptor", FST24_CT_BOOL, 0, "b"},
    [FST24_COL_VCODE] = {"vcode", FST24_CT_INT32, 1, "i"},
    [FST24_COL_EXT_META] = {"ext_meta", FST24_CT_UTF8, 1, "u"},
};

const char *fst24_index_column_name(int id) { return id >= 0 && id < FST24_COL_COUNT ? fst_icol_defs[id].name : NULL; }

int fst24_index_column_id_of(const char *name) {
    if (!name) return -1;
    for (int i = 0; i < FST24_COL_COUNT; i++)
        if (!strcmp(fst_icol_defs[i].name, name)) return i;
    return -1;
}

void *fst_icol_alloc(size_t bytes) {
    void *p = NULL;
    /* Arrow recommends 64-byte aligned buffers; consumers copy unaligned ones. The
     * small buffers of one file's part (a hundred rows: tens of them per file) are
     * only copied into the merged columns: plain malloc (16-byte aligned, beyond
     * Arrow's required 8) spares the allocator's slower aligned path. */
    size_t rounded = (bytes + 63) & ~(size_t)63;
    if (rounded < 4096) return malloc(rounded ? rounded : 64);
    if (posix_memalign(&p, 64, rounded) != 0) return NULL;
    return p;
}

void *fst_icol_block_alloc(size_t bytes) {
    const size_t huge = (size_t)2 << 20;
    void *p = NULL;
    if (bytes >= 2 * huge) {
        /* only the whole 2 MiB pages inside the buffer: the tail stays in small pages, so
         * that no page beyond the buffer's bytes becomes resident */
        if (posix_memalign(&p, huge, bytes) != 0) return NULL;
#ifdef MADV_HUGEPAGE
        (void)madvise(p, bytes & ~(huge - 1), MADV_HUGEPAGE); /* a hint: without it, 4 KiB pages */
#endif
        return p;
    }
    return fst_icol_alloc(bytes);
}

size_t fst_icol_width(fst24_column_type type) {
    switch (type) {
    case FST24_CT_INT8:
    case FST24_CT_UINT8: return 1;
    case FST24_CT_INT32:
    case FST24_CT_DICT_UTF8: return 4;
    case FST24_CT_INT64:
    case FST24_CT_FLOAT64:
    case FST24_CT_TIMESTAMP_US:
    case FST24_CT_DURATION_US: return 8;
    case FST24_CT_BOOL:
    case FST24_CT_UTF8:
    case FST24_CT_FIXED_TEXT: return 0;
    }
    return 0;
}

size_t fst_icol_row_bytes(int id) {
    const fst_icol_def *d = &fst_icol_defs[id];
    return d->type == FST24_CT_FIXED_TEXT ? (size_t)d->width : fst_icol_width(d->type);
}

int64_t fst_icol_max_chars(int id) {
    switch (id) {
    case FST24_COL_LEVEL_UNIT: return 3;
    case FST24_COL_DATA_TYPE_NAME: return 6;
    default: return 0;
    }
}

int fst_icol_put_str(fst_icol *c, int64_t r, const char *s, size_t len) {
    int64_t end = c->chars_len + (int64_t)len;
    if (end > INT32_MAX) return fst_error(FST24_E_LIMIT, "index: more than 2 GiB of text in one column");
    if (end > c->chars_cap) {
        int64_t cap = c->chars_cap * 2 > end ? c->chars_cap * 2 : end;
        if (cap < 64) cap = 64;
        char *grown = fst_icol_alloc((size_t)cap);
        if (!grown) return fst_error(FST24_E_NOMEM, "index: out of memory for %lld bytes of text", (long long)cap);
        if (c->chars_len) memcpy(grown, c->values, (size_t)c->chars_len);
        if (!c->borrowed) free(c->values);
        c->values = grown;
        c->borrowed = 0;
        c->chars_cap = cap;
    }
    if (len) memcpy((char *)c->values + c->chars_len, s, len);
    c->chars_len = end;
    c->offsets[r + 1] = (int32_t)end;
    return FST24_OK;
}

void fst_icol_free(fst_icol *c) {
    if (!c->in_block) {
        free(c->validity);
        free(c->offsets);
    }
    if (!c->borrowed) free(c->values); /* values in the store's block are borrowed from it */
    memset(c, 0, sizeof *c);
}

void fst_ipart_free(fst_ipart *p) {
    if (!p) return;
    for (int i = 0; i < FST24_COL_COUNT; i++) fst_icol_free(&p->col[i]);
    free(p->block);
    free(p);
}
