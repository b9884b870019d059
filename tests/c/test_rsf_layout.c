/* librmn's byte layout for files we write:
 *  - the worked example of CONTAINER.md §3.14, byte for byte;
 *  - copies of ref/{grids,meta,model,append}.rsf.fst written record by record
 *    (append: flushing where librmn's sessions ended) equal the originals except
 *    for the SOR `ubc` byte, which librmn sometimes leaves uninitialised;
 *  - deletion (current and earlier segment) and FST_META rewrite on disk;
 *  - the validator accepts all of them. */
#include "test_rsf_util.h"
#include "container/validate.h"

/* §3.14, every byte (548). */
static const char *example_hex =
    /* segment 0: SOS + EOS */
    "030000fe000000004800000013000000" "5253463053544446efbeadde00000000"
    "48000000000000008c00000000000000" "00000000000000000000000000000000" "48000000030000ff"
    "040000fe000000004400000000000000" "dafabebe"
    "defafeca" "0000000048000000" "000000008c000000" "0000000000000000" "0000000000000000"
    "0000000044000000040000ff"
    /* segment 1 SOS: seg 340, sseg 408, vdir 200, vdirs 140 */
    "030000fe000000004800000013000000" "5253463053544446efbeadde00000000"
    "54010000000000009801000000000000" "c8000000000000008c00000000000000" "48000000030000ff"
    /* data record */
    "011300fe000000008000000013000004" "010101000000000000001301"
    "202c0100580200000501000000100000" "0003000000040000" "03010000e8030000"
    "c06d8897000050b200000c00200040d3" "00ee0200100000000000000010088116"
    "0000803f000000c00000000000000000" "0000000000000000"
    "0000000080000000011300ff"
    /* directory */
    "060100fe000000008c00000000000000" "01000000"
    "00000000480000000000000080000000" "00000000000000001300130000000000"
    "010101000000000000001301"
    "202c0100580200000501000000100000" "0003000000040000" "03010000e8030000"
    "c06d8897000050b200000c00200040d3" "00ee0200100000000000000010088116"
    "000000008c000000060100ff"
    /* EOS of segment 1 */
    "041300fe000000004400000013000000" "dafabebe"
    "defafeca" "0000000054010000" "0000000098010000" "00000000c8000000" "000000008c000000"
    "0000000044000000041300ff";

static size_t unhex(const char *h, unsigned char *out, size_t cap) {
    size_t n = 0;
    for (; h[0] && h[1] && n < cap; h += 2) {
        unsigned v;
        sscanf(h, "%2x", &v);
        out[n++] = (unsigned char)v;
    }
    return n;
}

static void test_example(void) {
    unsigned char want[600];
    size_t nwant = unhex(example_hex, want, sizeof want);
    CHECK(nwant == 548, "example has %zu bytes", nwant);
    const char *path = t_tmp("example.rsf");
    unlink(path);
    fst24_open_options o = {.backend = FST24_BACKEND_RSF};
    fst24_file *f;
    int st = fst24_open(path, FST24_MODE_CREATE, &o, &f);
    CHECK(st == FST24_OK, "create %s", path);
    if (st) return;
    fst24_record r;
    fst24_record_init(&r);
    fst24_record_set_string(&r, "nomvar", "TT");
    fst24_record_set_string(&r, "typvar", "P");
    fst24_record_set_string(&r, "etiket", "EXAMPLE");
    fst24_record_set_string(&r, "grtyp", "X");
    r.ni = 2; r.nj = 1; r.nk = 1;
    r.dateo = 471942800; r.deet = 300; r.npas = 12;
    r.ip1 = 12000; r.ip2 = 1; r.ip3 = 0;
    r.ig1 = 1; r.ig2 = 1000; r.ig3 = 3; r.ig4 = 4;
    r.data_type = 5; r.pack_bits = 32; r.data_bits = 32;
    float v[2] = {1.0f, -2.0f};
    st = fst24_write(f, &r, v, FST24_ELEM_F32, FST24_REWRITE_NO, NULL);
    CHECK(st == FST24_OK, "write example record");
    CHECK(r.file_offset == 212 && r.total_stored_bytes == 128 && r.key == ((1LL << 32) | 1),
          "example record at %lld, %lld bytes, key %lld", (long long)r.file_offset,
          (long long)r.total_stored_bytes, (long long)r.key);
    CHECK(fst24_close(f) == FST24_OK, "close example");
    size_t n;
    unsigned char *got = tu_slurp(path, &n);
    CHECK(got && n == 548, "example file has %zu bytes", n);
    if (got && n == 548) {
        size_t first = 0;
        while (first < n && got[first] == want[first]) first++;
        CHECK(first == n, "example differs first at byte %zu (0x%02x, expected 0x%02x)", first,
              first < n ? got[first] : 0, first < n ? want[first] : 0);
    }
    free(got);
    CHECK(fst_rsf_validate(path, stderr) == 0, "validator on the example");
}

/* Copy `name` record by record, flushing after the records listed in `flush_after`. */
static void testu_copy(const char *name, const int *flush_after, int nflush) {
    char src[1024];
    snprintf(src, sizeof src, "%s/ref/%s", tu_corpus(), name);
    const char *dst = t_tmp(name);
    unlink(dst);
    fst24_file *in, *out;
    fst24_open_options o = {.backend = FST24_BACKEND_RSF};
    if (fst24_open(src, FST24_MODE_READ, NULL, &in) || fst24_open(dst, FST24_MODE_CREATE, &o, &out)) {
        CHECK(0, "open %s / %s", src, dst);
        return;
    }
    int64_t n = fst24_num_records(in);
    int64_t *offsets = calloc((size_t)n + 1, sizeof *offsets);
    int k = 0;
    for (int64_t i = 0; i < n; i++) {
        fst24_record r;
        size_t nw = 0, len = 0;
        int st = fst24_get_record(in, i, &r);
        if (!st) st = fst24_read_payload(&r, NULL, &nw);
        uint32_t *w = malloc((nw ? nw : 1) * 4);
        if (!st) st = fst24_read_payload(&r, w, &nw);
        if (!st) st = fst24_read_ext_meta(&r, NULL, 0, &len);
        char *meta = malloc(len + 1);
        if (!st) st = fst24_read_ext_meta(&r, meta, len + 1, &len);
        offsets[i] = r.file_offset;
        fst24_record c = r;
        c.file = NULL;
        c.entry = -1;
        if (!st) st = fst24_write_payload(out, &c, w, nw, FST24_REWRITE_NO, len ? meta : NULL);
        CHECK(st == FST24_OK, "%s: copy record %lld", name, (long long)i);
        CHECK(c.file_offset == r.file_offset && c.key == r.key && c.total_stored_bytes == r.total_stored_bytes,
              "%s record %lld: written at %lld (key %lld), librmn wrote it at %lld (key %lld)", name, (long long)i,
              (long long)c.file_offset, (long long)c.key, (long long)r.file_offset, (long long)r.key);
        free(w);
        free(meta);
        if (k < nflush && flush_after[k] == i) {
            CHECK(fst24_flush(out) == FST24_OK, "flush");
            k++;
        }
    }
    CHECK(fst24_close(out) == FST24_OK, "close copy of %s", name);
    fst24_close(in);
    size_t na, nb;
    unsigned char *a = tu_slurp(src, &na), *b = tu_slurp(dst, &nb);
    CHECK(a && b && na == nb, "%s: copy has %zu bytes, original %zu", name, nb, na);
    if (a && b && na == nb) {
        size_t bad = 0, ubc = 0;
        for (size_t p = 0; p < na; p++) {
            if (a[p] == b[p]) continue;
            int is_ubc = 0;
            for (int64_t i = 0; i < n && !is_ubc; i++) is_ubc = (size_t)offsets[i] + 14 == p;
            if (is_ubc && b[p] == 0) ubc++;
            else if (bad++ < 3) fprintf(stderr, "%s: byte %zu is 0x%02x, librmn 0x%02x\n", name, p, b[p], a[p]);
        }
        CHECK(bad == 0, "%s: %zu bytes differ (besides %zu uninitialised ubc bytes)", name, bad, ubc);
    }
    free(a);
    free(b);
    CHECK(fst_rsf_validate(dst, stderr) == 0, "validator on the copy of %s", name);
    free(offsets);
    unlink(dst);
}

static uint32_t le32(const unsigned char *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

static void test_delete_and_meta(void) {
    const char *path = t_tmp("delete.rsf");
    unlink(path);
    fst24_open_options o = {.backend = FST24_BACKEND_RSF};
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == FST24_OK, "create");
    for (int i = 0; i < 3; i++) CHECK(t_write(f, "AA", 1, i, 4, 3, NULL) == FST24_OK, "write %d", i);
    CHECK(fst24_flush(f) == FST24_OK, "flush");
    CHECK(t_write(f, "BB", 2, 0, 4, 3, "{\"unit\":\"K\"}") == FST24_OK, "write BB");
    fst24_record r1, r3, r0;
    CHECK(fst24_get_record(f, 1, &r1) == FST24_OK && fst24_get_record(f, 3, &r3) == FST24_OK, "get");
    CHECK(fst24_delete(f, &r1) == FST24_OK, "delete record of a closed segment");
    CHECK(fst24_delete(f, &r3) == FST24_OK, "delete record of the open segment");
    CHECK(fst24_get_record(f, 0, &r0) == FST24_OK, "get 0");
    r0.ip3 = 77;
    fst24_record_set_string(&r0, "etiket", "EDITED");
    CHECK(fst24_write_payload(f, &r0, NULL, 0, FST24_REWRITE_META, NULL) == FST24_OK, "FST_META rewrite");
    CHECK(fst24_close(f) == FST24_OK, "close");

    size_t n;
    unsigned char *b = tu_slurp(path, &n);
    if (!b) { CHECK(0, "read back"); return; }
    /* Segment 1 (at 140) holds records 0-2; its directory follows them. */
    uint64_t vdir = le32(b + 140 + 48);
    const unsigned char *dir = b + 140 + vdir;
    size_t esz = 32 + 4 * 19;
    const unsigned char *e0 = dir + 20, *e1 = e0 + esz;
    CHECK(b[r1.file_offset] == 0x80, "deleted record SOR rt 0x%02x", b[r1.file_offset]);
    CHECK(b[r1.file_offset + r1.total_stored_bytes - 4] == 1, "deleted record EOR keeps rt 1");
    CHECK(le32(e1 + 32) == 0x00010180u, "directory meta0 0x%08x after deletion", le32(e1 + 32));
    CHECK(le32(e1 + 4) == (uint32_t)(r1.file_offset - 140) && le32(e1) == 0, "deleted entry keeps a relative wa");
    CHECK(le32(b + r1.file_offset + 16) == 0x00010101u, "record meta0 keeps type 1");
    CHECK(le32(b + r3.file_offset) != 0 && b[r3.file_offset] == 0x80, "current-session deletion reaches the SOR");
    /* FST_META: ip3 (descriptor word 14 = meta W32 17) in record and directory. */
    CHECK((le32(b + r0.file_offset + 16 + 4 * 17) >> 4) == 77, "ip3 rewritten in the record");
    CHECK((le32(e0 + 32 + 4 * 17) >> 4) == 77, "ip3 rewritten in the directory");
    free(b);
    CHECK(fst_rsf_validate(path, stderr) == 0, "validator after delete/rewrite");

    CHECK(fst24_open(path, FST24_MODE_READ, NULL, &f) == FST24_OK, "reopen");
    fst24_file_info info;
    fst24_file_get_info(f, &info);
    CHECK(info.num_records == 2 && info.num_deleted == 2 && info.num_entries == 4, "%lld records, %lld deleted",
          (long long)info.num_records, (long long)info.num_deleted);
    fst24_record a, c;
    CHECK(fst24_get_record(f, 0, &a) == FST24_OK && a.ip3 == 77 && !strcmp(a.etiket, "EDITED      ") && t_verify(&a),
          "edited record reads back (ip3 %d, etiket '%s')", a.ip3, a.etiket);
    CHECK(fst24_get_record(f, 1, &c) == FST24_OK && c.ip2 == 2 && c.file_index == 2 && t_verify(&c),
          "second valid record is directory index 2");
    fst24_close(f);
    unlink(path);
}

int main(void) {
    test_example();
    if (tu_corpus_part("byte identity of copies of librmn-written RSF files")) {
        testu_copy("grids.rsf.fst", NULL, 0);
        testu_copy("meta.rsf.fst", NULL, 0);
        testu_copy("model.rsf.fst", NULL, 0);
        const int sessions[] = {9, 19};
        testu_copy("append.rsf.fst", sessions, 2);
    }
    test_delete_and_meta();
    return t_finish();
}
