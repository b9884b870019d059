/* XDF files a writer left behind, state by state (no timing involved):
 *  - killed between flushes: records after the last flush sit past the size in
 *    the header, the write flag is set;
 *  - killed during a flush: a directory page written only up to a page-cache
 *    boundary (any 4 KiB prefix of the new page, the rest old), header old;
 *  - a page whose checksum fails for another reason (damage).
 * Read-only opens return exactly the records of the last complete flush (or
 * every record whose own header confirms its entry), flagged recovered with a
 * warning; writers are refused (stale flag) unless force_write, which drops
 * the unfinished tail and leaves a valid file; repair keeps every complete
 * record. */
#include "test_rsf_util.h"
#include "container/validate.h"

static int64_t fsize(const char *path) {
    struct stat st;
    return stat(path, &st) ? -1 : (int64_t)st.st_size;
}

/* Read-only open: number of records (all verified), flags. -1 if it fails. */
static int64_t open_count(const char *path, fst24_file_info *info, int *bad) {
    fst24_file *f;
    *bad = 0;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f)) return -1;
    fst24_file_get_info(f, info);
    int64_t n = fst24_num_records(f);
    for (int64_t i = 0; i < n; i++) {
        fst24_record r;
        if (fst24_get_record(f, i, &r) || !t_verify(&r)) (*bad)++;
    }
    fst24_close(f);
    return n;
}

static void write_records(fst24_file *f, int from, int to) {
    for (int i = from; i < to; i++) CHECK(t_write(f, "XREC", 1, i, 4, 4, NULL) == 0, "write %d", i);
}

/* Killed between two flushes: the file as it is on disk at that moment. */
static void test_unflushed_tail(void) {
    const char *path = t_tmp("tail.xdf"), *copy = t_tmp("tail_copy.xdf");
    fst24_open_options o = {.backend = FST24_BACKEND_XDF};
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == FST24_OK, "create");
    write_records(f, 0, 10);
    CHECK(fst24_flush(f) == FST24_OK, "flush");
    write_records(f, 10, 15);
    CHECK(tu_copy(path, copy) == 0, "snapshot with an unflushed tail");
    fst24_close(f);

    fst24_file_info info;
    int bad;
    int64_t n = open_count(copy, &info, &bad);
    CHECK(n == 10 && bad == 0, "read-only open shows the 10 flushed records (got %lld, %d bad)", (long long)n, bad);
    CHECK(info.recovered == 1 && strstr(info.warning, "not visible") && !info.writer_active,
          "recovered with a warning: %s", info.warning);
    /* Writers: the flag is stale (no lock holder), refused without force_write;
     * "w" must not truncate the file. */
    int64_t size = fsize(copy);
    CHECK(fst24_open(copy, FST24_MODE_UPDATE, &o, &f) == FST24_E_LOCKED, "stale flag refuses r+");
    CHECK(strstr(fst24_last_error(), "no writer on this host holds its lock") != NULL, "message: %s",
          fst24_last_error());
    CHECK(fst24_open(copy, FST24_MODE_CREATE, &o, &f) == FST24_E_LOCKED, "stale flag refuses w");
    CHECK(fsize(copy) == size, "w refused without truncating");

    /* Repair keeps the 5 complete records written after the flush too. */
    const char *fixed = t_tmp("tail_fixed.xdf");
    fst24_repair_report rep;
    CHECK(fst24_repair(copy, fixed, NULL, &rep) == FST24_OK, "repair");
    CHECK(rep.copied == 15 && rep.from_directory == 10 && rep.from_scan == 5 && rep.skipped == 0 && rep.damaged,
          "repair: %s", rep.summary);
    CHECK(fst_xdf_validate(fixed, stderr) == 0, "repaired file valid");
    n = open_count(fixed, &info, &bad);
    CHECK(n == 15 && bad == 0 && !info.recovered, "repaired file: %lld records", (long long)n);
    unlink(fixed);

    /* force_write: the tail goes, the file is valid and writable again. */
    o.force_write = 1;
    CHECK(fst24_open(copy, FST24_MODE_UPDATE, &o, &f) == FST24_OK, "force_write open");
    if (f) {
        CHECK(fst24_file_get_info(f, &info) == FST24_OK && info.recovered && info.num_records == 10,
              "force_write: recovered, 10 records");
        write_records(f, 100, 101);
        CHECK(fst24_close(f) == FST24_OK, "close");
    }
    CHECK(fst_xdf_validate(copy, stderr) == 0, "valid after force_write");
    n = open_count(copy, &info, &bad);
    CHECK(n == 11 && bad == 0 && !info.recovered && !info.warning[0], "11 clean records after recovery");
    unlink(copy);
    unlink(path);
}

/* A flush torn inside a directory page: the header is still the old one. */
static void test_torn_flush(void) {
    const char *path = t_tmp("torn.xdf"), *copy = t_tmp("torn_copy.xdf");
    fst24_open_options o = {.backend = FST24_BACKEND_XDF};
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == FST24_OK, "create");
    write_records(f, 0, 10);
    CHECK(fst24_flush(f) == FST24_OK, "flush 1");
    size_t n1;
    unsigned char *old = tu_slurp(path, &n1);
    write_records(f, 10, 300); /* fills page 1, starts page 2 */
    CHECK(fst24_flush(f) == FST24_OK, "flush 2");
    size_t n2;
    unsigned char *cur = tu_slurp(path, &n2);
    fst24_close(f);
    if (!old || !cur) { CHECK(0, "snapshots"); return; }
    const size_t page = 208, page_bytes = 2308 * 8;
    int states = 0;
    for (size_t cut = 4096 - page % 4096; cut <= page_bytes + 4096; cut += 4096) {
        size_t k = cut > page_bytes ? page_bytes : cut;
        unsigned char *b = malloc(n2);
        memcpy(b, cur, n2);
        memcpy(b, old, 208);                                  /* header: previous flush */
        memcpy(b + page + k, old + page + k, page_bytes - k); /* page 1: new prefix, old rest */
        /* page 2 (after the first 256 records) as it was before the flush: empty */
        size_t p2 = 0;
        for (size_t off = page + page_bytes; off + 8 <= n2;) {
            uint32_t w0 = ((uint32_t)b[off] << 24) | ((uint32_t)b[off + 1] << 16) | ((uint32_t)b[off + 2] << 8) | b[off + 3];
            if ((w0 >> 24) == 0) { p2 = off; break; }
            off += (size_t)(w0 & 0xFFFFFF) * 8;
        }
        CHECK(p2 > 0, "page 2 found");
        if (p2) memset(b + p2 + 8, 0, page_bytes - 8);
        tu_write_file(copy, b, n2);
        free(b);
        fst24_file_info info;
        int bad;
        int64_t n = open_count(copy, &info, &bad);
        CHECK(n == 10 && bad == 0, "torn at %zu: %lld records (%d bad), want the 10 of the last flush", k,
              (long long)n, bad);
        CHECK(info.recovered == 1 && info.warning[0], "torn at %zu: flagged", k);
        o.force_write = 1;
        CHECK(fst24_open(copy, FST24_MODE_UPDATE, &o, &f) == FST24_OK, "torn at %zu: force_write", k);
        if (f) fst24_close(f);
        CHECK(fst_xdf_validate(copy, stderr) == 0, "torn at %zu: valid after force_write", k);
        n = open_count(copy, &info, &bad);
        CHECK(n == 10 && bad == 0 && !info.recovered, "torn at %zu: %lld clean records after recovery", k,
              (long long)n);
        states++;
    }
    CHECK(states >= 5, "%d torn states tried", states);
    free(old);
    free(cur);
    unlink(copy);
    unlink(path);
}

/* A page failing its checksum (damage): flagged, entries checked. */
static void test_bad_checksum(void) {
    const char *path = t_tmp("sum.xdf"), *copy = t_tmp("sum_copy.xdf");
    fst24_open_options o = {.backend = FST24_BACKEND_XDF};
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == FST24_OK, "create");
    write_records(f, 0, 20);
    fst24_close(f);
    size_t n;
    unsigned char *b = tu_slurp(path, &n);
    if (!b) { CHECK(0, "read"); return; }
    fst24_file_info info;
    int bad;
    /* 1. a byte of an unused slot: every entry still matches its record */
    b[208 + 32 + 72 * 100 + 5] ^= 0x10;
    tu_write_file(copy, b, n);
    int64_t got = open_count(copy, &info, &bad);
    CHECK(got == 20 && bad == 0 && info.recovered && info.checksum_errors == 1 && strstr(info.warning, "checksum"),
          "unused slot damaged: %lld records, warning '%s'", (long long)got, info.warning);
    b[208 + 32 + 72 * 100 + 5] ^= 0x10;
    /* 2. the length of entry 3: it no longer matches its record, it is hidden */
    b[208 + 32 + 72 * 3 + 3] ^= 0x01;
    tu_write_file(copy, b, n);
    got = open_count(copy, &info, &bad);
    CHECK(got == 19 && bad == 0 && info.recovered && strstr(info.warning, "1 hidden"),
          "entry damaged: %lld records, warning '%s'", (long long)got, info.warning);
    b[208 + 32 + 72 * 3 + 3] ^= 0x01;
    /* 3. ip1 of entry 4 (a field a metadata edit may change): kept, said so */
    b[208 + 32 + 72 * 4 + 4 * 14] ^= 0x02;
    tu_write_file(copy, b, n);
    got = open_count(copy, &info, &bad);
    CHECK(got == 20 && info.recovered && strstr(info.warning, "1 kept with metadata that differs"),
          "editable field damaged: %lld records, warning '%s'", (long long)got, info.warning);
    /* CLI: ls says so on stderr and exits non-zero; check reports it. */
    CHECK(t_sh("%s ls %s >/dev/null 2>%s.err", t_cli(), copy, copy) == 1, "ls exits 1 on a damaged file");
    char *err = t_slurp_text(t_tmp("sum_copy.xdf.err"));
    CHECK(err && strstr(err, "checksum"), "ls stderr names the checksum failure");
    free(err);
    unlink(t_tmp("sum_copy.xdf.err"));
    CHECK(t_sh("%s check %s >/dev/null", t_cli(), copy) == 1, "check reports the damaged page");
    free(b);
    unlink(copy);
    unlink(path);
}

/* A byte lost inside record 5 (as in a real corpus file): the records after
 * it sit one byte before where the directory points. Repair finds them there,
 * copies them intact, and says record 5 may be damaged. */
typedef struct notes { int shifted, overlap, other; } notes;
static void count_note(void *ctx, const char *msg) {
    notes *n = ctx;
    if (strstr(msg, "from where the entry points")) n->shifted++;
    else if (strstr(msg, "overlaps the next one")) n->overlap++;
    else n->other++;
}

static void test_lost_byte(void) {
    const char *path = t_tmp("lost.xdf"), *copy = t_tmp("lost_copy.xdf"), *fixed = t_tmp("lost_fixed.xdf");
    fst24_open_options o = {.backend = FST24_BACKEND_XDF};
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == FST24_OK, "create");
    write_records(f, 0, 12);
    fst24_record r5;
    CHECK(fst24_get_record(f, 5, &r5) == FST24_OK, "record 5");
    fst24_close(f);
    size_t n;
    unsigned char *b = tu_slurp(path, &n);
    if (!b) { CHECK(0, "read"); return; }
    size_t cut = (size_t)r5.file_offset + 100; /* inside record 5's payload */
    memmove(b + cut, b + cut + 1, n - cut - 1);
    tu_write_file(copy, b, n - 1);
    free(b);
    fst24_file_info info;
    int bad;
    CHECK(open_count(copy, &info, &bad) < 0, "the ordinary open refuses it (truncated by one byte)");
    notes nt = {0, 0, 0};
    fst24_repair_options ro = {count_note, &nt};
    fst24_repair_report rep;
    CHECK(fst24_repair(copy, fixed, &ro, &rep) == FST24_OK, "repair");
    CHECK(rep.copied == 12 && rep.skipped == 0 && rep.damaged_bytes == 1 && nt.shifted == 6 && nt.overlap == 1 &&
          nt.other == 0, "repair: %s (%d shifted, %d overlap, %d other notes)", rep.summary, nt.shifted, nt.overlap,
          nt.other);
    CHECK(fst_xdf_validate(fixed, stderr) == 0, "repaired file valid");
    CHECK(fst24_open(fixed, FST24_MODE_READ, NULL, &f) == FST24_OK, "open repaired");
    if (f) {
        int intact = 0;
        for (int64_t i = 0; i < fst24_num_records(f); i++) {
            fst24_record r;
            intact += fst24_get_record(f, i, &r) == FST24_OK && r.ip2 != 5 && t_verify(&r);
        }
        CHECK(intact == 11, "the 11 records the lost byte did not touch are intact (%d)", intact);
        fst24_close(f);
    }
    unlink(fixed);
    unlink(copy);
    unlink(path);
}

int main(void) {
    test_lost_byte();
    test_unflushed_tail();
    test_torn_flush();
    test_bad_checksum();
    return t_finish();
}
