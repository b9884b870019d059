/* RSF format helpers and metadata-version rules:
 *  - encode/decode round trips of every structure, exact byte positions;
 *  - metadata version 0 (fst24 word in W32 1) is read like version 1;
 *    versions above 1 and non-data entries are hidden, counted, and reported;
 *  - sparse segment boundaries (1 MiB) and a record larger than the
 *    parallel segment size. */
#include "test_rsf_util.h"
#include "common/bytes.h"
#include "container/rsf_format.h"
#include "container/validate.h"

static void test_structs(void) {
    uint8_t b[RSF_SOS_BYTES];
    rsf_sos s = fst_rsf_make_sos(0xFFFF, 19, RSF_SIG_FST, (rsf_seginfo){0x123456789ull, 140, 7, 9});
    fst_rsf_put_sos(b, &s);
    CHECK(b[0] == 3 && b[1] == 0xFF && b[2] == 0xFF && b[3] == 0xFE, "SOS head bytes");
    CHECK(!memcmp(b + 16, "RSF0STDF", 8) && b[24] == 0xEF && b[27] == 0xDE, "SOS signature bytes");
    CHECK(b[28] == 1 && b[32] == 0x89 && b[35] == 0x23, "seg as (hi, lo) little-endian words");
    CHECK(b[71] == 0xFF && b[68] == 3 && b[64] == 72, "SOS end-of-record");
    rsf_sos t;
    fst_rsf_get_sos(b, &t);
    CHECK(t.s.seg == 0x123456789ull && t.s.sseg == 140 && t.s.vdir == 7 && t.s.vdirs == 9 && t.sor.rlm == 0xFFFF &&
              t.sor.rlmd == 19 && fst_rsf_sos_is_valid(&t),
          "SOS round trip");
    uint8_t d[RSF_DIRENT_BYTES];
    rsf_dirent de = {.wa = 72, .rl = 128, .entry_offset = 0, .ml = 0x00130013, .dul = 0}, dg;
    fst_rsf_put_dirent(d, &de);
    fst_rsf_get_dirent(d, &dg);
    CHECK(dg.wa == 72 && dg.rl == 128 && dg.ml == 0x00130013 && d[4] == 72 && d[12] == 128, "directory entry");
    CHECK(rsf_dir_meta_words(0x00130013) == 19 && rsf_dir_meta_words(0x00000015) == 21 &&
              rsf_dir_meta_words(0x00140015) == 20,
          "directory metadata length from ml");
    CHECK(fst_rsf_sparse_top(140, 1 << 20) == 2 << 20 && fst_rsf_sparse_top(2 << 20, 1 << 20) == 3 << 20 &&
              fst_rsf_sparse_top(0, 5) == 1 << 20,
          "sparse segment ends on 1 MiB boundaries");
}

static void test_meta_rules(void) {
    uint32_t m[RSF_FST_META_WORDS + 2] = {0};
    rsf_fst_meta fm;
    m[0] = 0x00010101;
    m[2] = 0x01130002;
    CHECK(!fst_rsf_parse_fst_meta(m, 21, &fm) && fm.rsf_version == 1 && fm.ext_words == 2 && fm.num_search_keys == 19,
          "version 1");
    m[0] = 0x00000101;
    m[1] = 0x01130000;
    m[2] = 0xDEADBEEF;
    CHECK(!fst_rsf_parse_fst_meta(m, 19, &fm) && fm.rsf_version == 0 && fm.fst_version == 1 && fm.ext_words == 0,
          "version 0 takes the fst24 word from W32 1");
    m[0] = 0x00020101;
    CHECK(fst_rsf_parse_fst_meta(m, 19, &fm) != NULL, "version 2 rejected");
    m[0] = 0x00010101;
    m[2] = 0x02130000;
    CHECK(fst_rsf_parse_fst_meta(m, 19, &fm) != NULL, "FST version 2 rejected");
    m[0] = 0x00008007;
    CHECK(fst_rsf_parse_fst_meta(m, 19, &fm) != NULL, "embedded-file record is not FST data");
    m[0] = 0x00010180;
    m[2] = 0x01130000;
    CHECK(!fst_rsf_parse_fst_meta(m, 19, &fm) && fm.rtype == 0x80, "deleted type parses");
    CHECK(fst_rsf_parse_fst_meta(m, 10, &fm) != NULL, "too short");
}

/* Rewrite record `idx`'s metadata words 0-2 (record and directory copy). */
static void patch_meta(const char *path, int64_t rec_off, int64_t dirent_off, uint32_t w0, uint32_t w1, uint32_t w2) {
    int fd = open(path, O_RDWR);
    unsigned char b[12];
    fst_store_le32(b, w0);
    fst_store_le32(b + 4, w1);
    fst_store_le32(b + 8, w2);
    if (pwrite(fd, b, 12, rec_off + 16) != 12 || pwrite(fd, b, 12, dirent_off + 32) != 12) t_fail++;
    close(fd);
}

static void test_versions_on_disk(void) {
    const char *path = t_tmp("versions.rsf");
    unlink(path);
    fst24_open_options o = {.backend = FST24_BACKEND_RSF};
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == 0, "create");
    for (int i = 0; i < 3; i++) t_write(f, "VER", 1, i, 3, 3, NULL);
    fst24_record r[3];
    for (int i = 0; i < 3; i++) fst24_get_record(f, i, &r[i]);
    fst24_close(f);
    /* One segment at 140; its directory entries follow the records. */
    size_t n;
    unsigned char *b = tu_slurp(path, &n);
    int64_t dir = 140 + (int64_t)(b[140 + 48] | b[140 + 49] << 8 | b[140 + 50] << 16);
    free(b);
    int64_t e0 = dir + 20, esz = 32 + 76;
    patch_meta(path, r[0].file_offset, e0, 0x00000101, 0x01130000, 0);           /* version 0 */
    patch_meta(path, r[2].file_offset, e0 + 2 * esz, 0x00020101, 0, 0x01130000); /* version 2 */
    CHECK(fst24_open(path, FST24_MODE_READ, NULL, &f) == 0, "open patched file");
    if (!f) return;
    fst24_file_info info;
    fst24_file_get_info(f, &info);
    CHECK(info.num_records == 2 && info.num_entries == 3, "%lld visible of %lld", (long long)info.num_records,
          (long long)info.num_entries);
    CHECK(strstr(info.warning, "unsupported") != NULL, "warning names the skipped record: '%s'", info.warning);
    fst24_record a;
    CHECK(fst24_get_record(f, 0, &a) == 0 && a.ip2 == 0 && a.fst_version == 1 && a.num_search_keys == 19 &&
              t_verify(&a),
          "version-0 record reads");
    CHECK(fst24_get_record(f, 1, &a) == 0 && a.ip2 == 1 && t_verify(&a), "version-1 record reads");
    fst24_close(f);
    CHECK(fst_rsf_validate(path, NULL) == 1, "validator flags exactly the version-2 record");
    unlink(path);
}

static void test_big_parallel_record(void) {
    const char *path = t_tmp("bigpar.rsf");
    unlink(path);
    fst24_open_options o = {.backend = FST24_BACKEND_RSF, .parallel = 1, .segment_size = 1 << 20};
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == 0, "create parallel");
    CHECK(t_write(f, "SMAL", 1, 0, 4, 4, NULL) == 0, "small record");
    CHECK(t_write(f, "BIG", 1, 1, 1024, 700, NULL) == 0, "2.8 MB record in 1 MiB segments");
    CHECK(t_write(f, "SMAL", 1, 2, 4, 4, NULL) == 0, "small record after");
    CHECK(fst24_close(f) == 0, "close");
    CHECK(fst_rsf_validate(path, stderr) == 0, "validator");
    CHECK(fst24_open(path, FST24_MODE_READ, NULL, &f) == 0, "reopen");
    if (f) {
        CHECK(fst24_num_records(f) == 3, "3 records");
        for (int i = 0; i < 3; i++) {
            fst24_record r;
            CHECK(fst24_get_record(f, i, &r) == 0 && r.ip2 == i && t_verify(&r), "record %d", i);
        }
        fst24_close(f);
    }
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size % (1 << 20) == 0, "parallel file ends on a 1 MiB boundary (%lld)",
          (long long)st.st_size);
    unlink(path);
}

int main(void) {
    test_structs();
    test_meta_rules();
    test_versions_on_disk();
    test_big_parallel_record();
    return t_finish();
}
