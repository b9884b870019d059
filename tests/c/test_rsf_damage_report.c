/* An RSF file that is truncated, or that a writer left unfinished, never
 * reads as a valid (possibly empty) file: cut inside segment 0 it is refused;
 * cut anywhere else, or ending with a segment nobody closed, it opens with the
 * segments before, recovered = 1 and a warning saying what is missing, and the
 * CLI says so (info never "valid: yes", ls exits 1 with the reason on stderr).
 * A segment a live writer is filling is not damage (writer_active). */
#include "test_rsf_util.h"

static void write_sessions(const char *path, int sessions, int per) {
    fst24_open_options o = {.backend = FST24_BACKEND_RSF};
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == FST24_OK, "create");
    for (int s = 0; s < sessions; s++) {
        for (int i = 0; i < per; i++) t_write(f, "TRNC", s, i, 20, 20, NULL);
        fst24_flush(f);
    }
    fst24_close(f);
}

/* Read-only open of `path`: status, records, recovered flag and warning. */
static int open_state(const char *path, int64_t *n, int *recovered, char *warning, int *active) {
    fst24_file *f;
    int st = fst24_open(path, FST24_MODE_READ, NULL, &f);
    *n = -1;
    *recovered = 0;
    *active = 0;
    warning[0] = 0;
    if (st) return st;
    fst24_file_info info;
    fst24_file_get_info(f, &info);
    *n = info.num_records;
    *recovered = info.recovered;
    *active = info.writer_active;
    snprintf(warning, 256, "%s", info.warning);
    for (int64_t i = 0; i < *n; i++) {
        fst24_record r;
        if (fst24_get_record(f, i, &r) || !t_verify(&r)) *n = -2;
    }
    fst24_close(f);
    return st;
}

static int cli_says(const char *cmd, const char *path, const char *what, int *status) {
    char out[1100];
    snprintf(out, sizeof out, "%s.out", path);
    *status = t_sh("%s %s %s >%s 2>&1", t_cli(), cmd, path, out);
    char *text = t_slurp_text(out);
    int found = text && strstr(text, what) != NULL;
    free(text);
    unlink(out);
    return found;
}

static void test_truncated(void) {
    const char *path = t_tmp("whole.rsf"), *cut = t_tmp("cut.rsf");
    write_sessions(path, 3, 10);
    size_t n;
    unsigned char *b = tu_slurp(path, &n);
    if (!b) { CHECK(0, "read"); return; }
    char warning[256];
    int64_t count;
    int rec, active, status;
    /* 100 bytes: not even segment 0 */
    tu_write_file(cut, b, 100);
    CHECK(open_state(cut, &count, &rec, warning, &active) == FST24_E_CORRUPT &&
          strstr(fst24_last_error(), "truncated"), "cut at 100: refused [%s]", fst24_last_error());
    CHECK(!cli_says("info", cut, "valid: yes", &status) && status == 1, "cut at 100: info says invalid");
    /* 200 bytes: segment 0 and 60 stray bytes */
    tu_write_file(cut, b, 200);
    CHECK(open_state(cut, &count, &rec, warning, &active) == FST24_OK && count == 0 && rec &&
          strstr(warning, "belong to no segment"), "cut at 200: %lld records, recovered %d, '%s'", (long long)count,
          rec, warning);
    CHECK(cli_says("info", cut, "valid: recovered", &status) && status == 0, "cut at 200: info says recovered");
    CHECK(cli_says("ls", cut, "damaged file", &status) && status == 1, "cut at 200: ls exits 1 and says why");
    CHECK(cli_says("dump --nodata", cut, "damaged file", &status) && status == 1, "cut at 200: dump exits 1");
    /* Half: the first session's segment (and more) is intact, the cut one is reported. */
    tu_write_file(cut, b, n / 2);
    CHECK(open_state(cut, &count, &rec, warning, &active) == FST24_OK && count >= 10 && count < 30 && rec &&
          strstr(warning, "truncated"), "cut at half: %lld records, recovered %d, '%s'", (long long)count, rec,
          warning);
    CHECK(!cli_says("info", cut, "valid: yes", &status), "cut at half: info does not say valid");
    CHECK(cli_says("ls", cut, "truncated", &status) && status == 1, "cut at half: ls exits 1, says truncated");
    /* Every cut point between 140 and the end: refused or flagged, never silent. */
    int silent = 0;
    for (size_t k = 141; k < n; k += 97) {
        tu_write_file(cut, b, k);
        int st = open_state(cut, &count, &rec, warning, &active);
        if (st == FST24_OK && (!rec || !warning[0])) silent++;
        if (st == FST24_OK && count < 0) silent++;
    }
    CHECK(silent == 0, "%d cut points read as a clean file or with bad records", silent);
    free(b);
    unlink(cut);
    unlink(path);
}

/* A segment left open: with the writer alive, gone, or no writer at all. */
static void test_unfinished(void) {
    const char *path = t_tmp("open.rsf"), *copy = t_tmp("open_copy.rsf");
    fst24_open_options o = {.backend = FST24_BACKEND_RSF};
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == FST24_OK, "create");
    for (int i = 0; i < 5; i++) t_write(f, "OPEN", 1, i, 4, 4, NULL);
    fst24_flush(f);
    for (int i = 5; i < 8; i++) t_write(f, "OPEN", 1, i, 4, 4, NULL); /* not flushed */
    char warning[256];
    int64_t count;
    int rec, active;
    /* the live writer (this process holds the lock): not damage */
    CHECK(open_state(path, &count, &rec, warning, &active) == FST24_OK && count == 5 && !rec && active,
          "live writer: %lld records, recovered %d, active %d", (long long)count, rec, active);
    CHECK(tu_copy(path, copy) == 0, "copy as a crash would leave it");
    fst24_close(f);
    /* the same bytes with nobody holding the lock: a crashed writer */
    CHECK(open_state(copy, &count, &rec, warning, &active) == FST24_OK && count == 5 && rec && !active &&
          strstr(warning, "not closed by its writer"), "crashed writer: %lld records, recovered %d, '%s'",
          (long long)count, rec, warning);
    /* with the write flag cleared: damage */
    unsigned char zero[2] = {0, 0};
    int fd = open(copy, O_WRONLY);
    CHECK(fd >= 0 && pwrite(fd, zero, 2, 1) == 2, "clear the flag");
    if (fd >= 0) close(fd);
    CHECK(open_state(copy, &count, &rec, warning, &active) == FST24_OK && count == 5 && rec &&
          strstr(warning, "never closed"), "no writer: %lld records, recovered %d, '%s'", (long long)count, rec,
          warning);
    unlink(copy);
    unlink(path);
}

/* Repair of a parallel file: a dense copy (no reserved holes), every record. */
static void test_repair_dense(void) {
    const char *path = t_tmp("par.rsf"), *fixed = t_tmp("par_fixed.rsf");
    unlink(path);
    fst24_open_options o = {.backend = FST24_BACKEND_RSF, .parallel = 1, .segment_size = 1 << 20};
    fst24_file *a, *b;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &a) == FST24_OK, "writer a");
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &b) == FST24_OK, "writer b");
    if (!a || !b) return;
    for (int i = 0; i < 6; i++) {
        t_write(a, "PARA", 1, i, 8, 8, NULL);
        fst24_flush(a);
        t_write(b, "PARB", 2, i, 8, 8, i % 2 ? "{\"w\":\"b\"}" : NULL);
        fst24_flush(b);
    }
    fst24_close(a);
    fst24_close(b);
    struct stat st;
    stat(path, &st);
    CHECK(st.st_size > 12 * (1 << 20), "the parallel file reserves a segment per flush (%lld bytes)", (long long)st.st_size);
    fst24_repair_report rep;
    CHECK(fst24_repair(path, fixed, NULL, &rep) == FST24_OK && rep.copied == 12 && !rep.damaged, "repair: %s",
          rep.summary);
    stat(fixed, &st);
    CHECK(st.st_size < 12 * 1024, "dense copy: %lld bytes", (long long)st.st_size);
    char warning[256];
    int64_t count;
    int rec, active;
    CHECK(open_state(fixed, &count, &rec, warning, &active) == FST24_OK && count == 12 && !rec, "12 intact records");
    fst24_file *f;
    if (fst24_open(fixed, FST24_MODE_READ, NULL, &f) == FST24_OK) {
        int meta = 0;
        for (int64_t i = 0; i < fst24_num_records(f); i++) {
            fst24_record r;
            char text[64];
            size_t len;
            if (!fst24_get_record(f, i, &r) && !fst24_read_ext_meta(&r, text, sizeof text, &len) && len)
                meta += !strcmp(text, "{\"w\":\"b\"}");
        }
        CHECK(meta == 3, "JSON metadata copied (%d)", meta);
        fst24_close(f);
    }
    unlink(fixed);
    unlink(path);
}

int main(void) {
    test_repair_dense();
    test_truncated();
    test_unfinished();
    return t_finish();
}
