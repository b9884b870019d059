/* Fuzz target: any byte string as an FST file. Opens it (XDF, RSF, 1989 or
 * not FST), lists every record, decodes every payload, reads the extended
 * metadata, runs a search with criteria and builds the metadata index. Every call must return a status;
 * memory errors are caught by the sanitizers.
 *
 * libFuzzer (clang):  see tests/fuzz/README.md
 * Without libFuzzer:  fst24_fuzz_replay FILE... runs the target on given inputs
 *                     (built by CMake and run by ctest on the corpus files). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fst24.h"
#include "fst24/index.h"

static void exercise(fst24_file *f) {
    fst24_query *q;
    fst24_record crit;
    fst24_record_init_criteria(&crit);
    crit.ip2 = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (fst24_query_new(f, pass ? &crit : NULL, NULL, &q) != FST24_OK) return;
        fst24_record r;
        int guard = 0;
        while (fst24_query_next(q, &r) == 1 && guard++ < 4096) {
            fst24_elem_type t;
            size_t count;
            if (fst24_record_data_layout(&r, &t, &count) != FST24_OK) continue;
            size_t bytes = count * fst24_elem_size(t);
            if (bytes > ((size_t)64 << 20)) continue; /* absurd header: skip the allocation */
            void *buf = malloc(bytes ? bytes : 1);
            if (buf) {
                fst24_read_data(&r, buf, bytes, NULL);
                free(buf);
            }
            size_t len = 0;
            fst24_read_ext_meta(&r, NULL, 0, &len);
        }
        fst24_query_free(q);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* The library reads files: give it one in memory. */
    int fd = memfd_create("fst24-fuzz", 0);
    if (fd < 0) return 0;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    fst24_file *f;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f) == FST24_OK) {
        exercise(f);
        /* the metadata index of the file (grid ids read descriptor payloads) */
        fst24_index_options o = {.threads = 1,
                                 .columns = FST24_INDEX_DEFAULT_COLUMNS | FST24_INDEX_COLUMN(FST24_COL_EXT_META)};
        fst24_index *ix = NULL;
        if (fst24_index_new(&o, &ix) == FST24_OK && fst24_index_add_file(ix, f) == FST24_OK) {
            struct ArrowArrayStream s;
            if (fst24_index_export_stream(ix, FST24_ARROW_STRING_VIEW, &s) == FST24_OK) {
                struct ArrowSchema schema;
                struct ArrowArray batch;
                if (s.get_schema(&s, &schema) == 0) schema.release(&schema);
                if (s.get_next(&s, &batch) == 0 && batch.release) batch.release(&batch);
                s.release(&s);
            }
        }
        fst24_index_free(ix);
        fst24_close(f);
    }
    close(fd);
    return 0;
}
