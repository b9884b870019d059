/* Crash tolerance: a writer is SIGKILLed at random points 20 times in a row
 * on the same file. After every kill the file opens, every record the writer
 * had committed (flush returned) reads back intact, and no record appears
 * twice. The write flag left behind refuses normal writers; force_write
 * recovers (keeping the complete records of the unfinished segment). */
#include <signal.h>
#include <time.h>
#include "test_rsf_util.h"
#include "container/validate.h"

enum { ROUNDS = 20, MAXREC = 4000, NI = 16, NJ = 16 };

/* The writer of each round: bursts of 1..5 records (t_crash_writer). */
static void child(const char *path, int round, int out, unsigned seed) {
    t_crash_writer(path, FST24_BACKEND_RSF, round, out, seed, MAXREC, 5, NI, NJ);
}

int main(void) {
    const char *path = t_tmp("crash.rsf");
    unlink(path);
    static int committed[ROUNDS];
    static unsigned char seen[ROUNDS][MAXREC];
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    for (int round = 0; round < ROUNDS; round++) {
        int p[2];
        if (pipe(p)) {
            CHECK(0, "pipe");
            break;
        }
        unsigned seed = (unsigned)rand();
        pid_t pid = fork();
        if (pid == 0) {
            close(p[0]);
            child(path, round, p[1], seed);
        }
        close(p[1]);
        /* Let it commit a random number of batches, then kill it at a random moment. */
        int reports = rand() % 8, got = 0, last = 0;
        while (got < reports && read(p[0], &last, sizeof last) == sizeof last) got++;
        usleep((useconds_t)(rand() % 3000));
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        CHECK(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0),
              "round %d: writer failed by itself (status 0x%x)", round, status);
        int v;
        while (read(p[0], &v, sizeof v) == sizeof v) last = v; /* reports sent before the kill */
        close(p[0]);
        committed[round] = last;

        fst24_file *f;
        int st = fst24_open(path, FST24_MODE_READ, NULL, &f);
        int any = 0;
        for (int k = 0; k <= round; k++) any |= committed[k] > 0;
        if (st && !any) continue; /* killed before the file got its first segment */
        CHECK(st == FST24_OK, "round %d: open after kill", round);
        if (st) continue;
        memset(seen, 0, sizeof seen);
        int bad = 0;
        for (int64_t i = 0; i < fst24_num_records(f); i++) {
            fst24_record r;
            if (fst24_get_record(f, i, &r) || r.ip1 < 0 || r.ip1 > round || r.ip2 < 0 || r.ip2 >= MAXREC ||
                !t_verify(&r)) {
                bad++;
                continue;
            }
            seen[r.ip1][r.ip2]++;
        }
        fst24_close(f);
        CHECK(bad == 0, "round %d: %d unreadable records", round, bad);
        int lost = 0, dup = 0;
        for (int k = 0; k <= round; k++)
            for (int i = 0; i < MAXREC; i++) {
                if (i < committed[k] && seen[k][i] != 1) lost++;
                if (seen[k][i] > 1) dup++;
            }
        CHECK(lost == 0 && dup == 0, "round %d: %d committed records missing, %d duplicated", round, lost, dup);
        if (WIFSIGNALED(status) && round == ROUNDS - 1) {
            /* The flag of the killed writer refuses a normal writer. */
            fst24_open_options o = {.backend = FST24_BACKEND_RSF};
            CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &f) == FST24_E_LOCKED, "stale flag refuses writers");
        }
    }
    /* Recovery: force_write, then the file is clean again. */
    fst24_open_options o = {.backend = FST24_BACKEND_RSF, .force_write = 1};
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &f) == FST24_OK, "force_write open");
    if (f) {
        int64_t n = fst24_num_records(f);
        CHECK(fst24_close(f) == FST24_OK, "close after recovery");
        CHECK(fst_rsf_validate(path, stderr) == 0, "validator after recovery");
        CHECK(fst24_open(path, FST24_MODE_READ, NULL, &f) == FST24_OK && fst24_num_records(f) == n,
              "recovered records persist");
        fst24_close(f);
        long total = 0;
        for (int k = 0; k < ROUNDS; k++) total += committed[k];
        CHECK(n >= total, "%lld records after recovery, %ld committed", (long long)n, total);
        printf("%ld committed records over %d kills, %lld present after recovery\n", total, ROUNDS, (long long)n);
    }
    unlink(path);
    return t_finish();
}
