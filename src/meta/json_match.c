/*
 * Matching of RSF extended metadata (JSON) against a JSON criteria object:
 * every criteria key must exist in the record and match (numbers/booleans
 * equal, -1 a wildcard; strings equal, case-insensitive; objects recursively;
 * arrays: each criteria element present in the record array, string elements
 * as prefixes, "" or -1 wildcards; null ignored). CONTAINER.md §5.4.
 * A tiny recursive parser: values are compared directly on the texts.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fst_internal.h"

typedef enum { J_BAD, J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jval {
    jtype type;
    const char *start; /* first character of the value */
    const char *end;   /* one past the last */
} jval;

static const char *ws(const char *p) {
    while (*p && isspace((unsigned char)*p)) p++;
    return p;
}

/* Parse one value at p; returns the end or NULL on error. Depth-limited. */
static const char *parse(const char *p, jval *v, int depth) {
    p = ws(p);
    v->start = p;
    v->type = J_BAD;
    if (depth > 64) return NULL;
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++)
            if (*p == '\\' && p[1]) p++;
        if (*p != '"') return NULL;
        v->type = J_STR;
        v->end = p + 1;
        return v->end;
    }
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        int obj = *p == '{';
        p = ws(p + 1);
        if (*p == close) {
            v->type = obj ? J_OBJ : J_ARR;
            v->end = p + 1;
            return v->end;
        }
        for (;;) {
            jval k, x;
            if (obj) {
                p = parse(p, &k, depth + 1);
                if (!p || k.type != J_STR) return NULL;
                p = ws(p);
                if (*p != ':') return NULL;
                p++;
            }
            p = parse(p, &x, depth + 1);
            if (!p) return NULL;
            p = ws(p);
            if (*p == ',') { p++; continue; }
            if (*p != close) return NULL;
            v->type = obj ? J_OBJ : J_ARR;
            v->end = p + 1;
            return v->end;
        }
    }
    if (!strncmp(p, "null", 4)) { v->type = J_NULL; v->end = p + 4; return v->end; }
    if (!strncmp(p, "true", 4)) { v->type = J_BOOL; v->end = p + 4; return v->end; }
    if (!strncmp(p, "false", 5)) { v->type = J_BOOL; v->end = p + 5; return v->end; }
    char *e;
    strtod(p, &e);
    if (e == p) return NULL;
    v->type = J_NUM;
    v->end = e;
    return e;
}

static size_t str_len(const jval *v) { return (size_t)(v->end - v->start) - 2; }

static int str_eq(const jval *a, const jval *b, int prefix) {
    size_t la = str_len(a), lb = str_len(b);
    if (prefix ? la > lb : la != lb) return 0;
    return strncasecmp(a->start + 1, b->start + 1, la) == 0;
}

static int match(const jval *c, const jval *r, int in_array);

/* Find key `k` (a J_STR) in object `o`; fills `out`. */
static int find_key(const jval *o, const jval *k, jval *out) {
    const char *p = ws(o->start + 1);
    if (*p == '}') return 0;
    for (;;) {
        jval kk;
        p = parse(p, &kk, 1);
        p = ws(p);
        p++; /* ':' */
        p = parse(p, out, 1);
        if (str_eq(&kk, k, 0)) return 1;
        p = ws(p);
        if (*p != ',') return 0;
        p++;
    }
}

static int is_wild(const jval *c) {
    if (c->type == J_NUM) {
        double d = strtod(c->start, NULL);
        return d == -1.0 || isnan(d);
    }
    return c->type == J_STR && str_len(c) == 0;
}

static int match(const jval *c, const jval *r, int in_array) {
    if (c->type == J_NULL) return 1;
    if (is_wild(c) && (c->type == J_NUM || in_array)) return 1;
    switch (c->type) {
    case J_NUM:
        return r->type == J_NUM && strtod(c->start, NULL) == strtod(r->start, NULL);
    case J_BOOL:
        return r->type == J_BOOL && *c->start == *r->start;
    case J_STR:
        return r->type == J_STR && str_eq(c, r, in_array);
    case J_OBJ: {
        if (r->type != J_OBJ) return 0;
        const char *p = ws(c->start + 1);
        if (*p == '}') return 1;
        for (;;) {
            jval k, x, rx;
            p = parse(p, &k, 1);
            p = ws(p) + 1;
            p = parse(p, &x, 1);
            if (x.type != J_NULL) {
                if (!find_key(r, &k, &rx) || !match(&x, &rx, 0)) return 0;
            }
            p = ws(p);
            if (*p != ',') return 1;
            p++;
        }
    }
    case J_ARR: {
        if (r->type != J_ARR) return 0;
        const char *p = ws(c->start + 1);
        if (*p == ']') return 1;
        for (;;) {
            jval x;
            p = parse(p, &x, 1);
            int found = 0;
            const char *q = ws(r->start + 1);
            if (*q != ']') {
                for (;;) {
                    jval y;
                    q = parse(q, &y, 1);
                    if (match(&x, &y, 1)) { found = 1; break; }
                    q = ws(q);
                    if (*q != ',') break;
                    q++;
                }
            }
            if (!found) return 0;
            p = ws(p);
            if (*p != ',') return 1;
            p++;
        }
    }
    default:
        return 0;
    }
}

int fst_json_is_object(const char *text) {
    jval v;
    const char *end = text ? parse(text, &v, 0) : NULL;
    return end && !*ws(end) && v.type == J_OBJ;
}

int fst_meta_match(const char *criteria, const char *record) {
    jval c, r;
    const char *end = parse(criteria, &c, 0);
    if (!end || *ws(end) || c.type != J_OBJ)
        return fst_error(FST24_E_INVALID, "extended metadata criteria is not a JSON object: %.80s",
                         criteria);
    if (!record) return 0;
    end = parse(record, &r, 0);
    if (!end || r.type != J_OBJ) return 0;
    return match(&c, &r, 0);
}
