/* Files we write are byte-identical to librmn's: copying every record of a
 * librmn-written XDF file (same headers, same payload words, same order) into a
 * new file must reproduce the original file exactly — header, counters,
 * directory pages, record copies and padding — except for the bytes librmn
 * leaves uninitialised in directory pages (word 7 "reserved3" and the unused
 * entry slots, hence also the checksum word), where we write zeros. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/bytes.h"
#include "fst24.h"
#include "testutil.h"

/* Zero, in both images, the page bytes librmn does not initialise. */
static void mask_pages(unsigned char *a, unsigned char *b, size_t n) {
    size_t off = 208;
    for (int guard = 0; guard < 1024 && off + 18464 <= n; guard++) {
        uint32_t nent = fst_load_be32(a + off + 20);
        size_t used = 32 + 72 * (size_t)nent;
        for (unsigned char *img = a; img; img = img == a ? b : NULL) {
            memset(img + off + 24, 0, 8);
            memset(img + off + used, 0, 18464 - used);
        }
        uint32_t nxt = fst_load_be32(a + off + 16);
        if (!nxt) break;
        off = ((size_t)nxt - 1) * 8;
    }
}

/* XOR of page words 4..end must be 0. */
static int pages_checksum_ok(const unsigned char *a, size_t n) {
    size_t off = 208;
    for (int guard = 0; guard < 1024 && off + 18464 <= n; guard++) {
        uint32_t x = 0;
        for (size_t w = 4; w < 4616; w++) x ^= fst_load_be32(a + off + 4 * w);
        if (x) return 0;
        uint32_t nxt = fst_load_be32(a + off + 16);
        if (!nxt) return 1;
        off = ((size_t)nxt - 1) * 8;
    }
    return 0;
}



static void copy_records(const char *src, const char *dst) {
    fst24_file *in, *out;
    unlink(dst);
    CHECK(fst24_open(src, FST24_MODE_READ, NULL, &in) == FST24_OK);
    CHECK(fst24_open(dst, FST24_MODE_CREATE, NULL, &out) == FST24_OK);
    fst24_query *q;
    CHECK(fst24_query_new(in, NULL, NULL, &q) == FST24_OK);
    fst24_record r;
    while (fst24_query_next(q, &r) == 1) {
        size_t n = 0;
        CHECK(fst24_read_payload(&r, NULL, &n) == FST24_OK);
        uint32_t *w = malloc(n * 4 + 4);
        CHECK(fst24_read_payload(&r, w, &n) == FST24_OK);
        fst24_record copy = r;
        CHECK(fst24_write_payload(out, &copy, w, n, FST24_REWRITE_NO, NULL) == FST24_OK);
        CHECK(copy.file_offset == r.file_offset && copy.key == r.key);
        free(w);
    }
    fst24_query_free(q);
    CHECK(fst24_close(out) == FST24_OK);
    CHECK(fst24_close(in) == FST24_OK);
}

int main(void) {
    tu_require_corpus("test_xdf_identity (byte identity with librmn-written files)");
    const char *corpus = tu_corpus(), *tmp = tu_tmpdir();
    /* Files without deletions or rewrites: the copy must be the same bytes. */
    const char *names[] = {"ref/grids.xdf.fst", "ref/model.xdf.fst", "ref/meta.xdf.fst"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char src[1024], dst[1024];
        snprintf(src, sizeof src, "%s/%s", corpus, names[i]);
        snprintf(dst, sizeof dst, "%s/identity_%zu.fst", tmp, i);
        copy_records(src, dst);
        size_t na, nb;
        unsigned char *a = tu_slurp(src, &na), *b = tu_slurp(dst, &nb);
        CHECK(a && b && na == nb);
        if (a && b && na == nb) {
            CHECK(pages_checksum_ok(b, nb));
            mask_pages(a, b, na);
            size_t first = na;
            for (size_t k = 0; k < na; k++)
                if (a[k] != b[k]) { first = k; break; }
            if (first != na) fprintf(stderr, "%s: first difference at byte %zu\n", names[i], first);
            CHECK(first == na);
        }
        free(a);
        free(b);
    }
    return tu_finish();
}
