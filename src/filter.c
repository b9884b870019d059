/*
 * Record filters written as text (include/fst24/filter.h): each condition is
 * a field and a list of items; an item is an exact value, a prefix, a range of
 * integers / codes / decoded IP values / instants. Matching works on the
 * fst24_record a query returns, so a filter adds lists and ranges on top of
 * the descriptor-word searches of query.c (which it can pre-select with).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "fst24.h"

typedef enum field_type { F_STRING, F_GRTYP, F_INT, F_IP, F_DATE } field_type;

typedef enum field_id {
    FLD_NOMVAR, FLD_TYPVAR, FLD_ETIKET, FLD_GRTYP, FLD_IP1, FLD_IP2, FLD_IP3, FLD_NI, FLD_NJ, FLD_NK,
    FLD_DATEV, FLD_DATEO, FLD_DEET, FLD_NPAS, FLD_DATA_TYPE, FLD_DATA_BITS, FLD_PACK_BITS, FLD_IG1,
    FLD_IG2, FLD_IG3, FLD_IG4
} field_id;

typedef struct field_def {
    const char *name;
    field_id id;
    field_type type;
} field_def;

static const field_def fields[] = {
    {"nomvar", FLD_NOMVAR, F_STRING}, {"typvar", FLD_TYPVAR, F_STRING}, {"etiket", FLD_ETIKET, F_STRING},
    {"grtyp", FLD_GRTYP, F_GRTYP},    {"ip1", FLD_IP1, F_IP},           {"ip2", FLD_IP2, F_IP},
    {"ip3", FLD_IP3, F_IP},           {"ni", FLD_NI, F_INT},            {"nj", FLD_NJ, F_INT},
    {"nk", FLD_NK, F_INT},            {"datev", FLD_DATEV, F_DATE},     {"dateo", FLD_DATEO, F_DATE},
    {"deet", FLD_DEET, F_INT},        {"npas", FLD_NPAS, F_INT},        {"data_type", FLD_DATA_TYPE, F_INT},
    {"datyp", FLD_DATA_TYPE, F_INT},  {"data_bits", FLD_DATA_BITS, F_INT},
    {"pack_bits", FLD_PACK_BITS, F_INT}, {"nbits", FLD_PACK_BITS, F_INT},
    {"ig1", FLD_IG1, F_INT},          {"ig2", FLD_IG2, F_INT},          {"ig3", FLD_IG3, F_INT},
    {"ig4", FLD_IG4, F_INT},
};

typedef enum item_type {
    IT_STRING,     /* exact blank-padded name */
    IT_PREFIX,     /* name prefix (str, len) */
    IT_INT_RANGE,  /* lo <= value <= hi (exact: lo == hi) */
    IT_CODES,      /* ip equal to one of codes[] */
    IT_IP_RANGE,   /* decoded ip of `kind` with vlo <= value <= vhi */
    IT_STAMP,      /* same stamp, run digit aside, or same instant */
    IT_EPOCH_RANGE /* lo <= instant <= hi */
} item_type;

typedef struct item {
    item_type type;
    char str[13];
    int len;
    int64_t lo, hi;
    float vlo, vhi;
    int kind;
    int32_t codes[3];
    int ncodes;
} item;

typedef struct condition {
    const field_def *field;
    int nitems;
    item *items;
} condition;

struct fst24_filter {
    int ncond;
    condition *conds;
};

/* ------------------------------------------------------------------------ */

static const field_def *find_field(const char *name) {
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!strcmp(name, fields[i].name)) return &fields[i];
    return NULL;
}

static int64_t int_field(const fst24_record *r, field_id id) {
    switch (id) {
    case FLD_IP1: return r->ip1;
    case FLD_IP2: return r->ip2;
    case FLD_IP3: return r->ip3;
    case FLD_NI: return r->ni;
    case FLD_NJ: return r->nj;
    case FLD_NK: return r->nk;
    case FLD_DATEV: return r->datev;
    case FLD_DATEO: return r->dateo;
    case FLD_DEET: return r->deet;
    case FLD_NPAS: return r->npas;
    case FLD_DATA_TYPE: return r->data_type;
    case FLD_DATA_BITS: return r->data_bits;
    case FLD_PACK_BITS: return r->pack_bits;
    case FLD_IG1: return r->ig1;
    case FLD_IG2: return r->ig2;
    case FLD_IG3: return r->ig3;
    case FLD_IG4: return r->ig4;
    default: return 0;
    }
}

static int32_t *int_slot(fst24_record *r, field_id id) {
    switch (id) {
    case FLD_IP1: return &r->ip1;
    case FLD_IP2: return &r->ip2;
    case FLD_IP3: return &r->ip3;
    case FLD_NI: return &r->ni;
    case FLD_NJ: return &r->nj;
    case FLD_NK: return &r->nk;
    case FLD_DEET: return &r->deet;
    case FLD_NPAS: return &r->npas;
    case FLD_DATA_TYPE: return &r->data_type;
    case FLD_DATA_BITS: return &r->data_bits;
    case FLD_PACK_BITS: return &r->pack_bits;
    case FLD_IG1: return &r->ig1;
    case FLD_IG2: return &r->ig2;
    case FLD_IG3: return &r->ig3;
    case FLD_IG4: return &r->ig4;
    default: return NULL;
    }
}

static const char *string_field(const fst24_record *r, field_id id) {
    switch (id) {
    case FLD_NOMVAR: return r->nomvar;
    case FLD_TYPVAR: return r->typvar;
    case FLD_ETIKET: return r->etiket;
    default: return r->grtyp;
    }
}

/* Whole-text integer (no trailing characters). */
static int parse_int64(const char *s, int64_t *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || errno) return -1;
    *out = v;
    return 0;
}

/* Copy s without surrounding blanks into buf (size n). */
static void trimmed(const char *s, size_t len, char *buf, size_t n) {
    while (len && isspace((unsigned char)*s)) s++, len--;
    while (len && isspace((unsigned char)s[len - 1])) len--;
    if (len >= n) len = n - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
}

/* Split "A..B" (either side may be empty): 1 if it is a range, 0 if not,
 * -1 if a bound does not fit in n bytes. */
static int split_range(const char *text, char *a, char *b, size_t n) {
    const char *dots = strstr(text, "..");
    if (!dots) return 0;
    if ((size_t)(dots - text) >= n || strlen(dots + 2) >= n) return -1;
    trimmed(text, (size_t)(dots - text), a, n);
    trimmed(dots + 2, strlen(dots + 2), b, n);
    return 1;
}

static int bad_item(const field_def *f, const char *text, const char *why) {
    return fst_error(FST24_E_INVALID, "%s=%s: %s", f->name, text, why);
}

static int parse_string_item(const field_def *f, const char *text, item *it) {
    static const char *const names[] = {"nomvar", "typvar", "etiket", "grtyp"};
    fst24_record tmp;
    fst24_record_init_criteria(&tmp);
    size_t len = strlen(text);
    int prefix = f->type == F_STRING && len > 0 && text[len - 1] == '*';
    char value[64];
    trimmed(text, prefix ? len - 1 : len, value, sizeof value);
    if (!*value) return bad_item(f, text, prefix ? "empty prefix" : "empty name");
    if (fst24_record_set_string(&tmp, names[f->id], value) != FST24_OK) return fst_error_context(FST24_E_INVALID, "%s=%s", f->name, text);
    const char *norm = string_field(&tmp, f->id);
    memcpy(it->str, norm, strlen(norm) + 1);
    it->type = prefix ? IT_PREFIX : IT_STRING;
    it->len = prefix ? (int)strlen(value) : (int)strlen(norm);
    return FST24_OK;
}

static int parse_int_bound(const field_def *f, const char *whole, const char *s, int64_t *v, int64_t dflt) {
    if (!*s) {
        *v = dflt;
        return FST24_OK;
    }
    if (parse_int64(s, v)) return bad_item(f, whole, "not an integer or a range A..B of integers");
    return FST24_OK;
}

static int parse_int_item(const field_def *f, const char *text, item *it) {
    char a[64], b[64];
    it->type = IT_INT_RANGE;
    int range = split_range(text, a, b, sizeof a);
    if (range < 0) return bad_item(f, text, "a bound is too long");
    if (range) {
        if (!*a && !*b) return bad_item(f, text, "a range needs at least one bound");
        if (parse_int_bound(f, text, a, &it->lo, INT64_MIN) || parse_int_bound(f, text, b, &it->hi, INT64_MAX))
            return FST24_E_INVALID;
        if (it->lo > it->hi) return bad_item(f, text, "empty range (first bound above the second)");
        return FST24_OK;
    }
    if (parse_int64(text, &it->lo)) return bad_item(f, text, "not an integer or a range A..B of integers");
    it->hi = it->lo;
    return FST24_OK;
}

static int ip_number(const field_def *f) { return f->id == FLD_IP1 ? 1 : f->id == FLD_IP2 ? 2 : 3; }

static const char *const ip_help =
    "not an integer IP code, a value with a unit (500mb, 0.995sg, 10m, 1.5M, 12h, 0.9hy) or a range A..B";

/* One bound of an IP range: an integer code or a value with its unit (kind -1 for a code). */
static int parse_ip_bound(const field_def *f, const char *whole, const char *s, double *v, int *kind) {
    int64_t code;
    *kind = -1;
    if (!*s) return FST24_OK;
    if (parse_int64(s, &code) == 0) {
        *v = (double)code;
        return FST24_OK;
    }
    float value;
    if (fst24_ip_parse(s, &value, kind) != FST24_OK) {
        /* a bare number (not an integer) without unit: say what is missing */
        return bad_item(f, whole, ip_help);
    }
    *v = value;
    return FST24_OK;
}

static int parse_ip_item(const field_def *f, const char *text, item *it) {
    char a[64], b[64];
    int range = split_range(text, a, b, sizeof a);
    if (range < 0) return bad_item(f, text, "a bound is too long");
    if (range) {
        if (!*a && !*b) return bad_item(f, text, "a range needs at least one bound");
        double lo = 0, hi = 0;
        int ka, kb;
        if (parse_ip_bound(f, text, a, &lo, &ka) || parse_ip_bound(f, text, b, &hi, &kb)) return FST24_E_INVALID;
        if (ka < 0 && kb < 0) { /* codes */
            it->type = IT_INT_RANGE;
            it->lo = *a ? (int64_t)lo : INT64_MIN;
            it->hi = *b ? (int64_t)hi : INT64_MAX;
            if (it->lo > it->hi) return bad_item(f, text, "empty range (first bound above the second)");
            return FST24_OK;
        }
        if (ka >= 0 && kb >= 0 && ka != kb)
            return bad_item(f, text, "the two bounds have different units");
        /* a unit on one bound applies to a bare number on the other */
        it->type = IT_IP_RANGE;
        it->kind = ka >= 0 ? ka : kb;
        it->vlo = *a ? (float)lo : -3.4e38f;
        it->vhi = *b ? (float)hi : 3.4e38f;
        if (it->vlo > it->vhi) { /* descending kinds are naturally written top..bottom */
            float t = it->vlo;
            it->vlo = it->vhi;
            it->vhi = t;
        }
        return FST24_OK;
    }
    int64_t code;
    if (parse_int64(text, &code) == 0) {
        if (code < 0 || code > 0xFFFFFFF) return bad_item(f, text, "an IP code is an integer 0..268435455");
        it->type = IT_CODES;
        it->codes[0] = (int32_t)code;
        it->ncodes = 1;
        return FST24_OK;
    }
    float value;
    int kind;
    if (fst24_ip_parse(text, &value, &kind) != FST24_OK) return bad_item(f, text, ip_help);
    if (fst24_ip_codes_of(value, kind, ip_number(f), it->codes, &it->ncodes) != FST24_OK)
        return fst_error_context(FST24_E_INVALID, "%s=%s", f->name, text);
    it->type = IT_CODES;
    return FST24_OK;
}

/* One date: an integer stamp or ISO text -> instant; *stamp set for integers. */
static int parse_date_bound(const field_def *f, const char *whole, const char *s, int64_t *epoch, int *is_stamp,
                            int32_t *stamp) {
    int64_t v;
    *is_stamp = 0;
    if (parse_int64(s, &v) == 0) {
        if (v < INT32_MIN || v > INT32_MAX) return bad_item(f, whole, "a date stamp is a 32-bit integer");
        *stamp = (int32_t)v;
        *is_stamp = 1;
        if (fst24_stamp_to_epoch(*stamp, epoch) != FST24_OK) *epoch = INT64_MIN;
        return FST24_OK;
    }
    if (fst24_iso_to_epoch(s, epoch) != FST24_OK)
        return bad_item(f, whole, "not a date YYYY-MM-DD[THH:MM[:SS]][Z], a CMC stamp or a range A..B of them");
    return FST24_OK;
}

static int parse_date_item(const field_def *f, const char *text, item *it) {
    char a[64], b[64];
    int is_stamp;
    int32_t stamp;
    int range = split_range(text, a, b, sizeof a);
    if (range < 0) return bad_item(f, text, "a bound is too long");
    if (range) {
        if (!*a && !*b) return bad_item(f, text, "a range needs at least one bound");
        it->type = IT_EPOCH_RANGE;
        it->lo = INT64_MIN;
        it->hi = INT64_MAX;
        if (*a && parse_date_bound(f, text, a, &it->lo, &is_stamp, &stamp)) return FST24_E_INVALID;
        if (*a && it->lo == INT64_MIN) return bad_item(f, text, "the first bound is not a valid date stamp");
        if (*b && parse_date_bound(f, text, b, &it->hi, &is_stamp, &stamp)) return FST24_E_INVALID;
        if (*b && it->hi == INT64_MIN) return bad_item(f, text, "the second bound is not a valid date stamp");
        if (it->lo > it->hi) return bad_item(f, text, "empty range (first date after the second)");
        return FST24_OK;
    }
    int64_t epoch;
    if (parse_date_bound(f, text, text, &epoch, &is_stamp, &stamp)) return FST24_E_INVALID;
    if (is_stamp) {
        it->type = IT_STAMP;
        it->codes[0] = stamp;
        it->lo = epoch; /* INT64_MIN when the stamp does not decode */
    } else {
        it->type = IT_EPOCH_RANGE;
        it->lo = it->hi = epoch;
    }
    return FST24_OK;
}

static int parse_item(const field_def *f, const char *text, item *it) {
    memset(it, 0, sizeof *it);
    if (!*text) return bad_item(f, text, "empty value");
    switch (f->type) {
    case F_STRING:
    case F_GRTYP: return parse_string_item(f, text, it);
    case F_INT: return parse_int_item(f, text, it);
    case F_IP: return parse_ip_item(f, text, it);
    default: return parse_date_item(f, text, it);
    }
}

/* ------------------------------------------------------------------------ */

int fst24_filter_new(fst24_filter **out) {
    if (!out) return fst_error(FST24_E_INVALID, "fst24_filter_new: NULL output");
    *out = calloc(1, sizeof **out);
    if (!*out) return fst_error(FST24_E_NOMEM, "fst24_filter_new: out of memory");
    return FST24_OK;
}

void fst24_filter_free(fst24_filter *flt) {
    if (!flt) return;
    for (int i = 0; i < flt->ncond; i++) free(flt->conds[i].items);
    free(flt->conds);
    free(flt);
}

int fst24_filter_num_conditions(const fst24_filter *flt) { return flt ? flt->ncond : FST24_E_INVALID; }

int fst24_filter_add(fst24_filter *flt, const char *field, const char *items) {
    if (!flt || !field || !items) return fst_error(FST24_E_INVALID, "fst24_filter_add: NULL argument");
    char name[32];
    trimmed(field, strlen(field), name, sizeof name);
    for (char *p = name; *p; p++) *p = (char)tolower((unsigned char)*p);
    const field_def *f = find_field(name);
    if (!f)
        return fst_error(FST24_E_INVALID,
                         "unknown field \"%s\" (nomvar typvar etiket grtyp ip1 ip2 ip3 datev dateo ni nj nk deet "
                         "npas datyp data_bits nbits ig1 ig2 ig3 ig4)", field);
    int cap = 1;
    for (const char *p = items; *p; p++) cap += *p == ',';
    condition c = {f, 0, calloc((size_t)cap, sizeof(item))};
    if (!c.items) return fst_error(FST24_E_NOMEM, "fst24_filter_add: out of memory");
    const char *p = items;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char text[128];
        if (len >= sizeof text) {
            free(c.items);
            return fst_error(FST24_E_INVALID, "%s: value \"%.40s...\" is too long", f->name, p);
        }
        trimmed(p, len, text, sizeof text);
        if (parse_item(f, text, &c.items[c.nitems])) {
            free(c.items);
            return FST24_E_INVALID;
        }
        c.nitems++;
        if (!comma) break;
        p = comma + 1;
    }
    condition *grown = realloc(flt->conds, (size_t)(flt->ncond + 1) * sizeof *grown);
    if (!grown) {
        free(c.items);
        return fst_error(FST24_E_NOMEM, "fst24_filter_add: out of memory");
    }
    flt->conds = grown;
    flt->conds[flt->ncond++] = c;
    return FST24_OK;
}

int fst24_filter_parse(fst24_filter *flt, const char *spec) {
    if (!flt || !spec) return fst_error(FST24_E_INVALID, "fst24_filter_parse: NULL argument");
    int before = flt->ncond, st = FST24_OK;
    size_t n = strlen(spec);
    char *buf = malloc(n + 1), *items = malloc(n + 1);
    if (!buf || !items) {
        free(buf);
        free(items);
        return fst_error(FST24_E_NOMEM, "fst24_filter_parse: out of memory");
    }
    memcpy(buf, spec, n + 1);
    char field[64] = "";
    items[0] = '\0';
    char *p = buf;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma) *comma = '\0';
        char *eq = strchr(p, '=');
        if (eq) {
            if (*field && (st = fst24_filter_add(flt, field, items))) break;
            *eq = '\0';
            trimmed(p, strlen(p), field, sizeof field);
            if (!*field) {
                st = fst_error(FST24_E_INVALID, "\"=%s\": a field name is missing before '='", eq + 1);
                break;
            }
            strcpy(items, eq + 1);
        } else {
            char word[128];
            trimmed(p, strlen(p), word, sizeof word);
            if (!*field) {
                if (*word || comma) {
                    st = fst_error(FST24_E_INVALID, "\"%s\" is not FIELD=VALUE", word);
                    break;
                }
            } else {
                strcat(items, ",");
                strcat(items, p);
            }
        }
        if (!comma) {
            if (*field) st = fst24_filter_add(flt, field, items);
            break;
        }
        p = comma + 1;
    }
    free(buf);
    free(items);
    if (st) { /* all or nothing */
        for (int i = before; i < flt->ncond; i++) free(flt->conds[i].items);
        flt->ncond = before;
    }
    return st;
}

/* ------------------------------------------------------------------------ */

static int item_matches(const field_def *f, const item *it, const fst24_record *r) {
    switch (it->type) {
    case IT_STRING: return !strcmp(string_field(r, f->id), it->str);
    case IT_PREFIX: return !strncmp(string_field(r, f->id), it->str, (size_t)it->len);
    case IT_INT_RANGE: {
        int64_t v = int_field(r, f->id);
        return v >= it->lo && v <= it->hi;
    }
    case IT_CODES: {
        int32_t v = (int32_t)int_field(r, f->id);
        for (int i = 0; i < it->ncodes; i++)
            if (v == it->codes[i]) return 1;
        return 0;
    }
    case IT_IP_RANGE: {
        float v;
        int kind;
        if (fst24_ip_value_of((int32_t)int_field(r, f->id), ip_number(f), &v, &kind) != FST24_OK) {
            fst24_clear_error();
            return 0;
        }
        return kind == it->kind && v >= it->vlo && v <= it->vhi;
    }
    case IT_STAMP: {
        int32_t v = (int32_t)int_field(r, f->id);
        /* librmn's searches ignore a stamp's last decimal digit: the run
         * number of old stamps, a 40 s bucket of new ones */
        if (v == it->codes[0] || (v > 0 && it->codes[0] > 0 && v / 10 == it->codes[0] / 10)) return 1;
        int64_t e;
        if (it->lo == INT64_MIN || fst24_stamp_to_epoch(v, &e) != FST24_OK) {
            fst24_clear_error();
            return 0;
        }
        return e == it->lo;
    }
    case IT_EPOCH_RANGE: {
        int64_t e;
        if (fst24_stamp_to_epoch((int32_t)int_field(r, f->id), &e) != FST24_OK) {
            fst24_clear_error();
            return 0;
        }
        return e >= it->lo && e <= it->hi;
    }
    }
    return 0;
}

int fst24_filter_match(const fst24_filter *flt, const fst24_record *rec) {
    if (!flt || !rec) return 0;
    for (int i = 0; i < flt->ncond; i++) {
        const condition *c = &flt->conds[i];
        int hit = 0;
        for (int j = 0; j < c->nitems && !hit; j++) hit = item_matches(c->field, &c->items[j], rec);
        if (!hit) return 0;
    }
    return 1;
}

int fst24_filter_criteria(const fst24_filter *flt, fst24_record *crit) {
    if (!flt || !crit) return fst_error(FST24_E_INVALID, "fst24_filter_criteria: NULL argument");
    for (int i = 0; i < flt->ncond; i++) {
        const condition *c = &flt->conds[i];
        if (c->nitems != 1) continue;
        const item *it = &c->items[0];
        const field_def *f = c->field;
        if (it->type == IT_STRING) {
            char *dst = f->id == FLD_NOMVAR ? crit->nomvar
                        : f->id == FLD_TYPVAR ? crit->typvar
                        : f->id == FLD_ETIKET ? crit->etiket
                                              : crit->grtyp;
            memcpy(dst, it->str, strlen(it->str) + 1);
        } else if ((it->type == IT_INT_RANGE && it->lo == it->hi && it->lo >= 0 && it->lo <= INT32_MAX) ||
                   (it->type == IT_CODES && it->ncodes == 1)) {
            /* dates are not pre-selected: the same instant has several stamps */
            int32_t *slot = int_slot(crit, f->id);
            if (slot) *slot = it->type == IT_CODES ? it->codes[0] : (int32_t)it->lo;
        }
    }
    return FST24_OK;
}
