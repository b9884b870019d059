/* Several processes writing one RSF file (parallel mode, sparse segments of
 * 1 MiB so that every writer switches segments many times): every record is
 * present exactly once with its data; readers opening the file meanwhile see
 * only complete segments. Also: a file being written by another process shows
 * only its flushed records; `cat a b > c` lists the records of a then b. */
#include "test_rsf_util.h"
#include "container/validate.h"

enum { NPROC = 4, NREC = 1000, NI = 32, NJ = 32 };

static int child_write(const char *path, int proc) {
    fst24_open_options o = {.backend = FST24_BACKEND_RSF, .parallel = 1, .segment_size = 1 << 20};
    fst24_file *f;
    if (fst24_open(path, FST24_MODE_UPDATE, &o, &f)) {
        fprintf(stderr, "writer %d: %s\n", proc, fst24_last_error());
        return 1;
    }
    for (int i = 0; i < NREC; i++) {
        if (t_write(f, "PAR", proc, i, NI, NJ, NULL)) {
            fprintf(stderr, "writer %d record %d: %s\n", proc, i, fst24_last_error());
            return 1;
        }
        if (i == NREC / 2 && fst24_flush(f)) return 1;
    }
    if (fst24_close(f)) {
        fprintf(stderr, "writer %d close: %s\n", proc, fst24_last_error());
        return 1;
    }
    return 0;
}

/* Open read-only and check every visible record; returns the count or -1. */
static int64_t read_visible(const char *path, unsigned char *seen, int final) {
    fst24_file *f;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f)) return -1;
    int64_t n = fst24_num_records(f), bad = 0;
    for (int64_t i = 0; i < n; i++) {
        fst24_record r;
        if (fst24_get_record(f, i, &r) || r.ip1 < 0 || r.ip1 >= NPROC || r.ip2 < 0 || r.ip2 >= NREC || !t_verify(&r)) {
            bad++;
            continue;
        }
        if (final) seen[r.ip1 * NREC + r.ip2]++;
    }
    fst24_close(f);
    return bad ? -1 : n;
}

static void test_parallel(void) {
    const char *path = t_tmp("parallel.rsf");
    unlink(path);
    pid_t pids[NPROC];
    for (int p = 0; p < NPROC; p++) {
        pids[p] = fork();
        if (pids[p] == 0) _exit(child_write(path, p));
    }
    /* Concurrent readers: every open succeeds once the file exists, and what
     * they see is complete and intact. */
    int reads = 0, read_errors = 0, running = NPROC;
    int status[NPROC] = {0}, done[NPROC] = {0};
    while (running > 0) {
        for (int p = 0; p < NPROC; p++) {
            if (done[p]) continue;
            if (waitpid(pids[p], &status[p], WNOHANG) == pids[p]) {
                done[p] = 1;
                running--;
            }
        }
        struct stat st;
        if (stat(path, &st) == 0 && st.st_size >= 140) {
            if (read_visible(path, NULL, 0) < 0) read_errors++;
            reads++;
        }
        usleep(2000);
    }
    for (int p = 0; p < NPROC; p++)
        CHECK(WIFEXITED(status[p]) && WEXITSTATUS(status[p]) == 0, "writer %d exit status %d", p, status[p]);
    CHECK(read_errors == 0, "%d of %d concurrent reads failed", read_errors, reads);

    unsigned char *seen = calloc(NPROC * NREC, 1);
    int64_t n = read_visible(path, seen, 1);
    CHECK(n == NPROC * NREC, "%lld records after parallel write", (long long)n);
    int missing = 0, dup = 0;
    for (int i = 0; i < NPROC * NREC; i++) {
        if (seen[i] == 0) missing++;
        if (seen[i] > 1) dup++;
    }
    CHECK(missing == 0 && dup == 0, "%d records missing, %d duplicated", missing, dup);
    free(seen);
    CHECK(fst_rsf_validate(path, stderr) == 0, "validator on the parallel file");
    /* Each writer's records keep their order. */
    fst24_file *f;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f) == FST24_OK) {
        int last[NPROC], order_ok = 1;
        for (int p = 0; p < NPROC; p++) last[p] = -1;
        for (int64_t i = 0; i < fst24_num_records(f); i++) {
            fst24_record r;
            if (fst24_get_record(f, i, &r)) {
                order_ok = 0;
                break;
            }
            if (r.ip2 <= last[r.ip1]) order_ok = 0;
            last[r.ip1] = r.ip2;
        }
        CHECK(order_ok, "records of each writer in write order");
        fst24_file_info info;
        fst24_file_get_info(f, &info);
        CHECK(info.num_pages > 2 * NPROC, "%d closed segments (writers switched segments)", info.num_pages);
        fst24_close(f);
    }
    /* An exclusive writer can take over once all parallel writers are gone. */
    fst24_open_options o = {.backend = FST24_BACKEND_RSF};
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &f) == FST24_OK, "exclusive open after parallel writers");
    if (f) {
        CHECK(t_write(f, "EXC", 0, 0, 2, 2, NULL) == FST24_OK, "exclusive append");
        CHECK(fst24_close(f) == FST24_OK, "close");
    }
    CHECK(fst_rsf_validate(path, stderr) == 0, "validator after exclusive append");
    unlink(path);
}

/* A writer in another process: flushed records are visible, the rest not. */
static void test_visibility(void) {
    const char *path = t_tmp("visible.rsf");
    unlink(path);
    int to_parent[2], to_child[2];
    if (pipe(to_parent) || pipe(to_child)) {
        CHECK(0, "pipe");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        fst24_open_options o = {.backend = FST24_BACKEND_RSF};
        fst24_file *f;
        char c = 'x';
        if (fst24_open(path, FST24_MODE_CREATE, &o, &f)) _exit(1);
        for (int i = 0; i < 10; i++)
            if (t_write(f, "VIS", 1, i, 5, 5, NULL)) _exit(1);
        if (fst24_flush(f)) _exit(1);
        for (int i = 10; i < 15; i++)
            if (t_write(f, "VIS", 1, i, 5, 5, NULL)) _exit(1);
        if (write(to_parent[1], &c, 1) != 1 || read(to_child[0], &c, 1) != 1) _exit(1);
        _exit(fst24_close(f) ? 1 : 0);
    }
    char c;
    CHECK(read(to_parent[0], &c, 1) == 1, "child ready");
    CHECK(read_visible(path, NULL, 0) == 10, "reader sees the 10 flushed records of a live writer");
    fst24_file *f;
    fst24_open_options o = {.backend = FST24_BACKEND_RSF};
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &f) == FST24_E_LOCKED, "second exclusive writer refused");
    o.parallel = 1;
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &f) == FST24_E_LOCKED, "parallel writer refused while exclusive");
    CHECK(write(to_child[1], &c, 1) == 1, "release child");
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status");
    CHECK(read_visible(path, NULL, 0) == 15, "all 15 records after close");
    CHECK(fst_rsf_validate(path, stderr) == 0, "validator");
    close(to_parent[0]);
    close(to_parent[1]);
    close(to_child[0]);
    close(to_child[1]);
    unlink(path);
}

static void test_concat(void) {
    const char *a = t_tmp("cat_a.rsf"), *b = t_tmp("cat_b.rsf"), *c = t_tmp("cat_c.rsf");
    fst24_open_options o = {.backend = FST24_BACKEND_RSF};
    fst24_file *f;
    unlink(a);
    unlink(b);
    CHECK(fst24_open(a, FST24_MODE_CREATE, &o, &f) == FST24_OK, "create a");
    for (int i = 0; i < 3; i++) t_write(f, "CATA", 1, i, 3, 2, NULL);
    fst24_close(f);
    o.parallel = 1;
    o.segment_size = 1 << 20;
    CHECK(fst24_open(b, FST24_MODE_CREATE, &o, &f) == FST24_OK, "create b (parallel: sparse segments)");
    for (int i = 0; i < 4; i++) {
        t_write(f, "CATB", 2, i, 3, 2, "{\"src\":\"b\"}");
        if (i == 1) fst24_flush(f);
    }
    fst24_close(f);
    CHECK(t_sh("cat '%s' '%s' > '%s'", a, b, c) == 0, "cat");
    CHECK(fst_rsf_validate(c, stderr) == 0, "validator on the concatenation");
    if (fst24_open(c, FST24_MODE_READ, NULL, &f) == FST24_OK) {
        CHECK(fst24_num_records(f) == 7, "concatenation has %lld records", (long long)fst24_num_records(f));
        for (int64_t i = 0; i < 7; i++) {
            fst24_record r;
            int st = fst24_get_record(f, i, &r);
            int want1 = i < 3 ? 1 : 2, want2 = i < 3 ? (int)i : (int)i - 3;
            CHECK(st == 0 && r.ip1 == want1 && r.ip2 == want2 && t_verify(&r), "record %lld of the concatenation",
                  (long long)i);
            char m[64];
            size_t len;
            CHECK(fst24_read_ext_meta(&r, m, sizeof m, &len) == 0 && (i < 3 ? len == 0 : !strcmp(m, "{\"src\":\"b\"}")),
                  "ext meta of record %lld", (long long)i);
        }
        fst24_close(f);
    } else
        CHECK(0, "open concatenation");
    unlink(a);
    unlink(b);
    unlink(c);
}

int main(void) {
    test_parallel();
    test_visibility();
    test_concat();
    return t_finish();
}
