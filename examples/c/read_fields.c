/* List the records of one variable in an FST file: level, valid time, shape and value range.
 *
 *   cc read_fields.c $(pkg-config --cflags --libs fst24) -o read_fields     # cmake --install
 *   cc read_fields.c $(python -m fst24 --cflags --libs) -o read_fields      # pip install
 *   ./read_fields model.fst TT
 */
#include <fst24.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "model.fst";
    const char *name = argc > 2 ? argv[2] : "TT";
    fst24_file *f;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f) != FST24_OK) {
        fprintf(stderr, "%s\n", fst24_last_error()); /* names the file and the problem */
        return 1;
    }
    fst24_record crit, rec;
    fst24_record_init_criteria(&crit); /* every field a wildcard ... */
    fst24_record_set_string(&crit, "nomvar", name); /* ... but the name */
    fst24_query *q = NULL;
    int status = fst24_query_new(f, &crit, NULL, &q);
    while (status == FST24_OK && fst24_query_next(q, &rec) == 1) {
        fst24_elem_type type;
        size_t n;
        fst24_record_data_layout(&rec, &type, &n);
        if (type != FST24_ELEM_F32 && type != FST24_ELEM_F64) continue; /* real fields only */
        double *v = malloc(n * sizeof *v);
        fst24_read_options opts = {.type = FST24_ELEM_F64}; /* decode any real type to double */
        status = v ? fst24_read_data(&rec, v, n * sizeof *v, &opts) : FST24_E_NOMEM;
        if (status == FST24_OK) {
            double lo = v[0], hi = v[0];
            for (size_t i = 1; i < n; i++) {
                if (v[i] < lo) lo = v[i];
                if (v[i] > hi) hi = v[i];
            }
            char level[32], valid[32];
            fst24_ip_format(rec.ip1, level, sizeof level);     /* "500 mb", "0.85 hy" */
            if (fst24_stamp_to_iso(rec.datev, valid, sizeof valid) != FST24_OK) /* "2024-01-15T06:00:00Z" */
                snprintf(valid, sizeof valid, "stamp %d", (int)rec.datev); /* no date (0) */
            printf("%s %-10s %s %dx%dx%d min %.9g max %.9g\n", rec.nomvar, level, valid, rec.ni,
                   rec.nj, rec.nk, lo, hi);
        }
        free(v);
    }
    if (status != FST24_OK) fprintf(stderr, "%s\n", fst24_last_error());
    fst24_query_free(q);
    fst24_close(f);
    return status == FST24_OK ? 0 : 1;
}
