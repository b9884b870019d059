/* Readers of a file another process is appending to (with flushes): every
 * read-only open succeeds, is not reported as damaged, sees at least every
 * record flushed before it started, and every record it sees is intact and in
 * order. Both containers; the writer is a separate process. */
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include "test_rsf_util.h"

enum { MAXREC = 1200, NI = 8, NJ = 8 };

static void writer(const char *path, fst24_backend backend, int ready, int out) {
    fst24_open_options o = {.backend = backend};
    fst24_file *f;
    if (fst24_open(path, FST24_MODE_CREATE, &o, &f)) _exit(2);
    if (fst24_flush(f)) _exit(3);
    char c = 1;
    if (write(ready, &c, 1) != 1) _exit(4);
    srand((unsigned)getpid());
    for (int i = 0; i < MAXREC;) {
        int burst = 1 + rand() % 8;
        for (int k = 0; k < burst && i < MAXREC; k++, i++)
            if (t_write(f, "LIVE", 7, i, NI, NJ, NULL)) _exit(5);
        if (fst24_flush(f)) _exit(6);
        if (write(out, &i, sizeof i) != sizeof i) _exit(7);
        usleep(1500);
    }
    if (fst24_close(f)) _exit(8);
    _exit(0);
}

static void run(fst24_backend backend, const char *name) {
    char file[32];
    snprintf(file, sizeof file, "live.%s", name);
    const char *path = t_tmp(file);
    unlink(path);
    int ready[2], counts[2];
    if (pipe(ready) || pipe(counts)) {
        CHECK(0, "pipe");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        close(counts[0]);
        writer(path, backend, ready[1], counts[1]);
    }
    close(ready[1]);
    close(counts[1]);
    char c;
    CHECK(read(ready[0], &c, 1) == 1, "%s: writer ready", name);
    fcntl(counts[0], F_SETFL, O_NONBLOCK);
    int committed = 0, opens = 0, failures = 0, flagged = 0, short_reads = 0, bad = 0, active = 0, done = 0;
    while (!done) {
        int v;
        while (read(counts[0], &v, sizeof v) == sizeof v) committed = v;
        int before = committed;
        int status;
        done = waitpid(pid, &status, WNOHANG) == pid;
        if (done) {
            CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: writer status 0x%x", name, status);
            while (read(counts[0], &v, sizeof v) == sizeof v) committed = v;
        }
        fst24_file *f;
        int st = fst24_open(path, FST24_MODE_READ, NULL, &f);
        opens++;
        if (st) {
            if (failures++ < 3) fprintf(stderr, "%s: open %d failed: %s\n", name, opens, fst24_last_error());
            continue;
        }
        fst24_file_info info;
        fst24_file_get_info(f, &info);
        flagged += info.recovered;
        active += info.writer_active;
        if (info.recovered && flagged < 3) fprintf(stderr, "%s: flagged: %s\n", name, info.warning);
        int64_t n = fst24_num_records(f);
        if (n < before) short_reads++;
        for (int64_t i = 0; i < n; i++) {
            fst24_record r;
            /* metadata of every record, data of the newest few */
            if (fst24_get_record(f, i, &r) || r.ip2 != i || (i + 4 >= n && !t_verify(&r))) {
                bad++;
                break;
            }
        }
        fst24_close(f);
    }
    close(ready[0]);
    close(counts[0]);
    printf("%s: %d read-only opens during the writes (%d saw the writer at work): %d failed, %d flagged, "
           "%d missed flushed records, %d bad\n",
           name, opens, active, failures, flagged, short_reads, bad);
    CHECK(opens >= 20, "%s: only %d opens", name, opens); /* few under sanitizers on a loaded machine */
    CHECK(failures == 0 && flagged == 0 && short_reads == 0 && bad == 0,
          "%s: %d failed, %d flagged, %d short, %d bad opens", name, failures, flagged, short_reads, bad);
    CHECK(active > 0, "%s: no open saw the writer at work", name);
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_READ, NULL, &f) == FST24_OK && fst24_num_records(f) == MAXREC,
          "%s: all records after close", name);
    fst24_close(f);
    unlink(path);
}

int main(void) {
    run(FST24_BACKEND_XDF, "xdf");
    run(FST24_BACKEND_RSF, "rsf");
    return t_finish();
}
