/* A record's decoded values as numbers, whatever their element type, with
 * the missing points, and their summary statistics (stat, diff). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_values_read(const fst24_record *r, cli_values *v) {
    memset(v, 0, sizeof *v);
    int st = fst24_record_data_layout(r, &v->type, &v->count);
    if (st) return st;
    size_t nbytes = v->count * fst24_elem_size(v->type);
    v->data = malloc(nbytes ? nbytes : 1);
    if (!v->data) return FST24_E_NOMEM;
    fst24_read_options ro = {.raw_missing = 0, .type = FST24_ELEM_NONE, .threads = 0};
    st = fst24_read_data(r, v->data, nbytes, &ro);
    if (st) {
        cli_values_free(v);
        return st;
    }
    int base = r->data_type & FST24_TYPE_BASE_MASK;
    v->is_text = base == FST24_TYPE_CHAR || base == FST24_TYPE_STRING;
    v->has_missing = (r->data_type & FST24_TYPE_MISSING_FLAG) != 0;
    fst24_get_missing_values(&v->mv);
    return FST24_OK;
}

void cli_values_free(cli_values *v) {
    free(v->data);
    v->data = NULL;
}

double cli_value(const cli_values *v, size_t i) {
    const void *d = v->data;
    switch (v->type) {
    case FST24_ELEM_F32: return ((const float *)d)[i];
    case FST24_ELEM_F64: return ((const double *)d)[i];
    case FST24_ELEM_U8: return ((const uint8_t *)d)[i];
    case FST24_ELEM_U16: return ((const uint16_t *)d)[i];
    case FST24_ELEM_U32: return ((const uint32_t *)d)[i];
    case FST24_ELEM_U64: return (double)((const uint64_t *)d)[i];
    case FST24_ELEM_I8: return ((const int8_t *)d)[i];
    case FST24_ELEM_I16: return ((const int16_t *)d)[i];
    case FST24_ELEM_I32: return ((const int32_t *)d)[i];
    case FST24_ELEM_I64: return (double)((const int64_t *)d)[i];
    default: return NAN;
    }
}

int cli_value_missing(const cli_values *v, size_t i) {
    if (!v->has_missing) return 0;
    const void *d = v->data;
    const fst24_missing_values *m = &v->mv;
    switch (v->type) {
    case FST24_ELEM_F32: return ((const float *)d)[i] == m->f32;
    case FST24_ELEM_F64: return ((const double *)d)[i] == m->f64;
    case FST24_ELEM_U8: return ((const uint8_t *)d)[i] == m->u8;
    case FST24_ELEM_U16: return ((const uint16_t *)d)[i] == m->u16;
    case FST24_ELEM_U32: return ((const uint32_t *)d)[i] == m->u32;
    case FST24_ELEM_I8: return ((const int8_t *)d)[i] == m->i8;
    case FST24_ELEM_I16: return ((const int16_t *)d)[i] == m->i16;
    case FST24_ELEM_I32: return ((const int32_t *)d)[i] == m->i32;
    default: return 0;
    }
}

/* Compensated (Neumaier) sum, so that means and variances of large fields
 * keep full double precision. */
typedef struct ksum { double s, c; } ksum;
static void ksum_add(ksum *k, double x) {
    double t = k->s + x;
    k->c += fabs(k->s) >= fabs(x) ? (k->s - t) + x : (x - t) + k->s;
    k->s = t;
}

void cli_values_stats(const cli_values *v, cli_stats *s) {
    memset(s, 0, sizeof *s);
    s->count = v->count;
    s->min = s->max = s->mean = s->std = NAN;
    if (v->is_text) return;
    ksum sum = {0, 0};
    for (size_t i = 0; i < v->count; i++) {
        if (cli_value_missing(v, i)) {
            s->missing++;
            continue;
        }
        double x = cli_value(v, i);
        if (isnan(x)) {
            s->nan++;
            continue;
        }
        if (s->valid++ == 0) s->min = s->max = x;
        else if (x < s->min) s->min = x;
        else if (x > s->max) s->max = x;
        ksum_add(&sum, x);
    }
    if (!s->valid) return;
    s->mean = (sum.s + sum.c) / (double)s->valid;
    ksum sq = {0, 0};
    for (size_t i = 0; i < v->count; i++) {
        if (cli_value_missing(v, i)) continue;
        double x = cli_value(v, i);
        if (isnan(x)) continue;
        ksum_add(&sq, (x - s->mean) * (x - s->mean));
    }
    s->std = sqrt((sq.s + sq.c) / (double)s->valid);
}
