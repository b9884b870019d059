/* The inter-process writer lock, both containers. While a writer (another
 * process, or this one) has a file open in any writing mode, every other
 * writer - "w" included, force_write included - is refused with
 * FST24_E_LOCKED naming the file and the holder's pid, and the file is left
 * untouched; readers are never blocked. A writer that was killed leaves its
 * flag: writers are refused (no truncation by "w") until force_write. RSF
 * parallel writers share the file with each other but not with an exclusive
 * writer. CLI outputs take the same lock, and `fst24 convert A A` is refused. */
#include <signal.h>
#include "test_rsf_util.h"
#include "container/validate.h"

/* A child that opens `path` in `mode`, writes `n` records, flushes, says so
 * on `ready`, waits for a byte on `go`, writes one more record and closes. */
static pid_t hold(const char *path, fst24_backend backend, fst24_open_mode mode, int parallel, int n, int *ready_fd,
                  int *go_fd) {
    int ready[2], go[2];
    if (pipe(ready) || pipe(go)) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        close(go[1]);
        fst24_open_options o = {.backend = backend, .parallel = parallel};
        fst24_file *f;
        char ok = 1;
        if (fst24_open(path, mode, &o, &f)) {
            fprintf(stderr, "holder: %s\n", fst24_last_error());
            ok = 0;
            if (write(ready[1], &ok, 1) != 1) _exit(3);
            _exit(2);
        }
        for (int i = 0; i < n; i++)
            if (t_write(f, "HOLD", (int)getpid() % 1000, i, 3, 3, NULL)) _exit(4);
        if (fst24_flush(f)) _exit(5);
        if (write(ready[1], &ok, 1) != 1) _exit(6);
        char c;
        if (read(go[0], &c, 1) != 1) _exit(7);
        if (t_write(f, "HOLD", (int)getpid() % 1000, n, 3, 3, NULL)) _exit(8);
        _exit(fst24_close(f) ? 9 : 0);
    }
    close(ready[1]);
    close(go[0]);
    char ok = 0;
    if (read(ready[0], &ok, 1) != 1 || !ok) {
        close(ready[0]);
        close(go[1]);
        waitpid(pid, NULL, 0);
        return -1;
    }
    *ready_fd = ready[0];
    *go_fd = go[1];
    return pid;
}

static int release(pid_t pid, int ready_fd, int go_fd) {
    char c = 1;
    int st = write(go_fd, &c, 1) == 1 ? 0 : -1;
    close(go_fd);
    close(ready_fd);
    int status;
    waitpid(pid, &status, 0);
    return st || !WIFEXITED(status) ? -1 : WEXITSTATUS(status);
}

static int64_t count_records(const char *path) {
    fst24_file *f;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f)) return -1;
    int64_t n = fst24_num_records(f);
    for (int64_t i = 0; i < n; i++) {
        fst24_record r;
        if (fst24_get_record(f, i, &r) || !t_verify(&r)) n = -2;
    }
    fst24_close(f);
    return n;
}

static int validate(const char *path, fst24_backend b) {
    return b == FST24_BACKEND_XDF ? fst_xdf_validate(path, stderr) : fst_rsf_validate(path, stderr);
}

/* Every other writer is refused while a live writer holds the file. */
static void test_live_writer(fst24_backend backend, const char *name, fst24_open_mode holder_mode) {
    char file[48];
    snprintf(file, sizeof file, "lock_%d.%s", (int)holder_mode, name);
    const char *path = t_tmp(file);
    unlink(path);
    if (holder_mode == FST24_MODE_UPDATE) { /* an existing file, opened r+ by the holder */
        fst24_open_options o = {.backend = backend};
        fst24_file *f;
        CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == FST24_OK, "%s: create", name);
        t_write(f, "BASE", 1, 0, 3, 3, NULL);
        fst24_close(f);
    }
    int base = holder_mode == FST24_MODE_UPDATE ? 1 : 0;
    int ready, go;
    pid_t pid = hold(path, backend, holder_mode, 0, 5, &ready, &go);
    CHECK(pid > 0, "%s: holder started", name);
    if (pid <= 0) return;
    struct stat before;
    stat(path, &before);
    char want[64];
    snprintf(want, sizeof want, "process %d", (int)pid);
    fst24_open_mode modes[] = {FST24_MODE_CREATE, FST24_MODE_UPDATE, FST24_MODE_UPDATE, FST24_MODE_UPDATE};
    int force[] = {0, 0, 1, 0}, parallel[] = {0, 0, 0, 1};
    for (int k = 0; k < 4; k++) {
        fst24_open_options o = {.backend = backend, .force_write = force[k], .parallel = parallel[k]};
        fst24_file *f = NULL;
        int st = fst24_open(path, modes[k], &o, &f);
        CHECK(st == FST24_E_LOCKED, "%s: second writer (mode %d, force %d, parallel %d) refused: %s", name,
              (int)modes[k], force[k], parallel[k], fst24_status_name(st));
        CHECK(strstr(fst24_last_error(), path) && strstr(fst24_last_error(), want),
              "%s: message names the file and the holder: %s", name, fst24_last_error());
        if (f) fst24_close(f);
    }
    struct stat after;
    stat(path, &after);
    CHECK(after.st_size == before.st_size, "%s: the held file was not touched", name);
    /* Readers are not blocked and see what the holder flushed. */
    fst24_file *r;
    CHECK(fst24_open(path, FST24_MODE_READ, NULL, &r) == FST24_OK, "%s: reader opens", name);
    if (r) {
        fst24_file_info info;
        fst24_file_get_info(r, &info);
        CHECK(info.num_records == base + 5 && info.writer_active && !info.recovered,
              "%s: reader sees %lld records (writer active %d, recovered %d)", name,
              (long long)info.num_records, info.writer_active, info.recovered);
        fst24_close(r);
    }
    CHECK(release(pid, ready, go) == 0, "%s: holder finished normally", name);
    CHECK(count_records(path) == base + 6, "%s: every record of the holder intact", name);
    CHECK(validate(path, backend) == 0, "%s: valid file", name);
    unlink(path);
}

/* One process, two writers: the second is refused too. */
static void test_same_process(fst24_backend backend, const char *name) {
    const char *path = t_tmp("lock_self");
    unlink(path);
    fst24_open_options o = {.backend = backend};
    fst24_file *a, *b = NULL;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &a) == FST24_OK, "%s: first writer", name);
    t_write(a, "SELF", 1, 0, 3, 3, NULL);
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &b) == FST24_E_LOCKED, "%s: w in the same process refused", name);
    CHECK(strstr(fst24_last_error(), "this process") != NULL, "%s: message: %s", name, fst24_last_error());
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &b) == FST24_E_LOCKED, "%s: r+ in the same process refused", name);
    CHECK(fst24_close(a) == FST24_OK, "%s: close", name);
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &b) == FST24_OK, "%s: free again after close", name);
    if (b) fst24_close(b);
    CHECK(count_records(path) == 1, "%s: record intact", name);
    unlink(path);
}

/* A killed writer's flag: no lock holder, writers refused until force_write. */
static void test_crashed_writer(fst24_backend backend, const char *name) {
    const char *path = t_tmp("lock_crash");
    unlink(path);
    int ready, go;
    pid_t pid = hold(path, backend, FST24_MODE_CREATE, 0, 4, &ready, &go);
    CHECK(pid > 0, "%s: holder", name);
    if (pid <= 0) return;
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(ready);
    close(go);
    struct stat before;
    stat(path, &before);
    fst24_open_options o = {.backend = backend};
    fst24_file *f = NULL;
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &f) == FST24_E_LOCKED, "%s: stale flag refuses r+", name);
    CHECK(strstr(fst24_last_error(), "crashed") && strstr(fst24_last_error(), "force_write"), "%s: message: %s", name,
          fst24_last_error());
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == FST24_E_LOCKED, "%s: stale flag refuses w", name);
    struct stat after;
    stat(path, &after);
    CHECK(after.st_size == before.st_size && count_records(path) == 4, "%s: w did not truncate", name);
    o.force_write = 1;
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &f) == FST24_OK, "%s: force_write takes it over", name);
    if (f) {
        CHECK(fst24_num_records(f) == 4, "%s: the 4 flushed records", name);
        fst24_close(f);
    }
    CHECK(validate(path, backend) == 0 && count_records(path) == 4, "%s: valid after recovery", name);
    unlink(path);
}

/* A child forked while the file was open for writing shares its descriptor;
 * once the parent closes the file, the child must not keep it locked. */
static void test_fork_inherits_nothing(fst24_backend backend, const char *name) {
    const char *path = t_tmp("lock_fork");
    unlink(path);
    fst24_open_options o = {.backend = backend};
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == FST24_OK, "%s: writer", name);
    t_write(f, "FORK", 1, 0, 3, 3, NULL);
    int p[2];
    if (pipe(p)) { CHECK(0, "pipe"); return; }
    pid_t pid = fork();
    if (pid == 0) {
        close(p[1]);
        char c;
        if (read(p[0], &c, 1) < 0) _exit(1); /* holds the inherited descriptor until told */
        _exit(0);
    }
    close(p[0]);
    CHECK(fst24_close(f) == FST24_OK, "%s: parent closes", name);
    fst24_file *g = NULL;
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &g) == FST24_OK, "%s: free again while the forked child lives", name);
    if (g) fst24_close(g);
    close(p[1]);
    waitpid(pid, NULL, 0);
    CHECK(count_records(path) == 1, "%s: record intact", name);
    unlink(path);
}

/* RSF parallel writers share the file (two processes); an exclusive writer
 * or "w" is refused while they write. */
static void test_parallel(void) {
    const char *path = t_tmp("lock_par.rsf");
    unlink(path);
    int r1, g1, r2, g2;
    pid_t a = hold(path, FST24_BACKEND_RSF, FST24_MODE_CREATE, 1, 3, &r1, &g1);
    pid_t b = hold(path, FST24_BACKEND_RSF, FST24_MODE_CREATE, 1, 3, &r2, &g2); /* "w": joins, no truncation */
    CHECK(a > 0 && b > 0, "two parallel writers");
    fst24_open_options o = {.backend = FST24_BACKEND_RSF};
    fst24_file *f = NULL;
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &f) == FST24_E_LOCKED, "exclusive writer refused");
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == FST24_E_LOCKED, "w refused");
    if (a > 0) CHECK(release(a, r1, g1) == 0, "writer a");
    if (b > 0) CHECK(release(b, r2, g2) == 0, "writer b");
    CHECK(count_records(path) == 8, "both writers' records: %lld", (long long)count_records(path));
    CHECK(fst_rsf_validate(path, stderr) == 0, "valid");
    unlink(path);
}

/* CLI outputs: the same lock, and never the input as output. */
static void test_cli(void) {
    const char *in = t_tmp("cli_in.xdf"), *out = t_tmp("cli_out.rsf");
    unlink(in);
    unlink(out);
    fst24_open_options o = {.backend = FST24_BACKEND_XDF};
    fst24_file *f;
    CHECK(fst24_open(in, FST24_MODE_CREATE, &o, &f) == FST24_OK, "create input");
    for (int i = 0; i < 3; i++) t_write(f, "CLI", 1, i, 3, 3, NULL);
    fst24_close(f);
    CHECK(t_sh("%s convert --backend xdf %s %s 2>/dev/null", t_cli(), in, in) == 1, "convert A A refused");
    CHECK(count_records(in) == 3, "input intact after convert A A");
    CHECK(t_sh("%s repair %s %s 2>/dev/null >/dev/null", t_cli(), in, in) == 1, "repair A A refused");
    CHECK(count_records(in) == 3, "input intact after repair A A");
    int ready, go;
    pid_t pid = hold(out, FST24_BACKEND_RSF, FST24_MODE_CREATE, 0, 2, &ready, &go);
    CHECK(pid > 0, "holder of the output");
    if (pid > 0) {
        CHECK(t_sh("%s convert --backend rsf %s %s 2>%s.err", t_cli(), in, out, out) == 1, "convert to a held file refused");
        char err[1100];
        snprintf(err, sizeof err, "%s.err", out);
        char *text = t_slurp_text(err);
        CHECK(text && strstr(text, "another writer") && strstr(text, out), "convert says why: %s", text ? text : "");
        free(text);
        unlink(err);
        CHECK(release(pid, ready, go) == 0, "holder finished");
        CHECK(count_records(out) == 3, "held output intact");
    }
    unlink(in);
    unlink(out);
}

int main(void) {
    static const struct { fst24_backend b; const char *name; } bk[] = {{FST24_BACKEND_XDF, "xdf"},
                                                                      {FST24_BACKEND_RSF, "rsf"}};
    for (int i = 0; i < 2; i++) {
        test_live_writer(bk[i].b, bk[i].name, FST24_MODE_CREATE);
        test_live_writer(bk[i].b, bk[i].name, FST24_MODE_UPDATE);
        test_same_process(bk[i].b, bk[i].name);
        test_crashed_writer(bk[i].b, bk[i].name);
        test_fork_inherits_nothing(bk[i].b, bk[i].name);
    }
    test_parallel();
    test_cli();
    return t_finish();
}
