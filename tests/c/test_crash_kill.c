/* Crash tolerance of both containers: a writer that flushes as it goes is
 * SIGKILLed at a random moment, ROUNDS times per backend on the same file (each
 * new writer opens with force_write, which recovers what the previous one left).
 * After every kill:
 *  - a plain read-only open succeeds and returns every record committed
 *    (flush returned) so far, intact and exactly once; if anything is hidden
 *    the file says so (recovered + warning);
 *  - every few rounds fst24_repair copies the file into a new one that passes
 *    the validator and holds every committed record exactly once too.
 * The records lost (committed but missing) are counted and must be 0.
 * FST24_CRASH_ROUNDS raises the number of kills for longer local runs. */
#include <signal.h>
#include <time.h>
#include "test_rsf_util.h"
#include "container/validate.h"

enum { MAXROUNDS = 400, MAXREC = 3000, NI = 16, NJ = 16 };

/* Writes records (round, i), flushing after every burst and then reporting
 * the number of committed records on `out`. */
static void child(const char *path, fst24_backend backend, int round, int out, unsigned seed) {
    fst24_open_options o = {.backend = backend, .force_write = round > 0};
    fst24_file *f;
    if (fst24_open(path, round == 0 ? FST24_MODE_CREATE : FST24_MODE_UPDATE, &o, &f)) {
        fprintf(stderr, "round %d: open: %s\n", round, fst24_last_error());
        _exit(2);
    }
    srand(seed);
    for (int i = 0; i < MAXREC;) {
        int burst = 1 + rand() % 6;
        for (int k = 0; k < burst && i < MAXREC; k++, i++)
            if (t_write(f, "CRSH", round, i, NI, NJ, NULL)) _exit(3);
        if (fst24_flush(f)) _exit(4);
        if (write(out, &i, sizeof i) != sizeof i) _exit(5);
    }
    fst24_close(f);
    _exit(0);
}

/* Count the records of `path` per (round, i); -1 if it cannot be opened.
 * *bad counts unreadable or wrong records; *recovered is 1 if the file says
 * it was recovered (2 if it says so without a warning). */
static int tally(const char *path, int rounds, unsigned char (*seen)[MAXREC], int *bad, int *recovered) {
    fst24_file *f;
    *bad = 0;
    *recovered = 0;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f)) return -1;
    fst24_file_info info;
    if (fst24_file_get_info(f, &info) == FST24_OK && info.recovered) *recovered = info.warning[0] ? 1 : 2;
    memset(seen, 0, (size_t)rounds * MAXREC);
    for (int64_t i = 0; i < fst24_num_records(f); i++) {
        fst24_record r;
        if (fst24_get_record(f, i, &r) || r.ip1 < 0 || r.ip1 >= rounds || r.ip2 < 0 || r.ip2 >= MAXREC ||
            !t_verify(&r)) {
            (*bad)++;
            continue;
        }
        if (seen[r.ip1][r.ip2] < 255) seen[r.ip1][r.ip2]++;
    }
    fst24_close(f);
    return 0;
}

static int count_lost(int rounds, const int *committed, unsigned char (*seen)[MAXREC], int *dup) {
    int lost = 0;
    *dup = 0;
    for (int k = 0; k < rounds; k++)
        for (int i = 0; i < MAXREC; i++) {
            if (i < committed[k] && seen[k][i] == 0) lost++;
            if (seen[k][i] > 1) (*dup)++;
        }
    return lost;
}

/* Size in the header of an XDF file against its real size: trailing bytes. */
static int64_t xdf_trailing(const char *path) {
    size_t n;
    unsigned char *b = tu_slurp(path, &n);
    if (!b || n < 20) { free(b); return -1; }
    int64_t declared = (int64_t)(((uint32_t)b[16] << 24) | ((uint32_t)b[17] << 16) | ((uint32_t)b[18] << 8) | b[19]) * 8;
    free(b);
    return (int64_t)n - declared;
}

static void run(fst24_backend backend, const char *name, int rounds) {
    char file[64], fixed[64];
    snprintf(file, sizeof file, "crash.%s", name);
    snprintf(fixed, sizeof fixed, "crash_repaired.%s", name);
    const char *path = t_tmp(file), *repaired = t_tmp(fixed);
    unlink(path);
    static int committed[MAXROUNDS];
    static unsigned char seen[MAXROUNDS][MAXREC];
    memset(committed, 0, sizeof committed);
    long total_lost = 0, total_lost_repair = 0, total_committed = 0;
    int kills = 0, repairs = 0, flagged = 0;
    for (int round = 0; round < rounds; round++) {
        int p[2];
        if (pipe(p)) { CHECK(0, "pipe"); break; }
        unsigned seed = (unsigned)rand();
        pid_t pid = fork();
        if (pid == 0) {
            close(p[0]);
            child(path, backend, round, p[1], seed);
        }
        close(p[1]);
        /* Let it commit a few batches, then kill it at a random moment
         * (often in the middle of a record or of a flush). */
        int reports = rand() % 6, got = 0, last = 0;
        while (got < reports && read(p[0], &last, sizeof last) == sizeof last) got++;
        usleep((useconds_t)(rand() % 2500));
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        CHECK(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0),
              "%s round %d: writer failed by itself (status 0x%x)", name, round, status);
        kills += WIFSIGNALED(status);
        int v;
        while (read(p[0], &v, sizeof v) == sizeof v) last = v; /* reports sent before the kill */
        close(p[0]);
        committed[round] = last;
        total_committed += last;

        int any = 0;
        for (int k = 0; k <= round; k++) any |= committed[k] > 0;
        int bad, recovered, dup;
        int st = tally(path, round + 1, seen, &bad, &recovered);
        if (st && !any) continue; /* killed before the file was complete */
        CHECK(st == 0, "%s round %d: plain open after the kill [%s]", name, round, fst24_last_error());
        if (st) continue;
        CHECK(recovered != 2, "%s round %d: recovered without a warning", name, round);
        if (backend == FST24_BACKEND_XDF && xdf_trailing(path) > 0)
            CHECK(recovered == 1, "%s round %d: unflushed tail not reported", name, round);
        flagged += recovered != 0;
        CHECK(bad == 0, "%s round %d: %d unreadable records", name, round, bad);
        int lost = count_lost(round + 1, committed, seen, &dup);
        total_lost += lost;
        CHECK(lost == 0 && dup == 0, "%s round %d: %d committed records missing, %d duplicated", name, round,
              lost, dup);

        if (round % 4 == 3 || round == rounds - 1) {
            fst24_repair_report rep;
            unlink(repaired);
            CHECK(fst24_repair(path, repaired, NULL, &rep) == FST24_OK, "%s round %d: repair", name, round);
            CHECK((backend == FST24_BACKEND_XDF ? fst_xdf_validate(repaired, stderr)
                                                 : fst_rsf_validate(repaired, stderr)) == 0,
                  "%s round %d: repaired file is valid", name, round);
            CHECK(tally(repaired, round + 1, seen, &bad, &recovered) == 0 && bad == 0 && !recovered,
                  "%s round %d: repaired file opens clean (%d bad)", name, round, bad);
            lost = count_lost(round + 1, committed, seen, &dup);
            total_lost_repair += lost;
            CHECK(lost == 0 && dup == 0, "%s round %d: repair lost %d committed records, %d duplicated", name,
                  round, lost, dup);
            CHECK(rep.copied >= total_committed - 0, "%s round %d: repair copied %lld of %ld", name, round,
                  (long long)rep.copied, total_committed);
            repairs++;
        }
    }
    /* force_write recovery leaves a valid file with every committed record. */
    fst24_open_options o = {.backend = backend, .force_write = 1};
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &f) == FST24_OK, "%s: force_write open", name);
    if (f) CHECK(fst24_close(f) == FST24_OK, "%s: close after recovery", name);
    CHECK((backend == FST24_BACKEND_XDF ? fst_xdf_validate(path, stderr) : fst_rsf_validate(path, stderr)) == 0,
          "%s: valid after force_write recovery", name);
    int bad, recovered, dup;
    CHECK(tally(path, rounds, seen, &bad, &recovered) == 0 && bad == 0 && !recovered, "%s: clean after recovery",
          name);
    int lost = count_lost(rounds, committed, seen, &dup);
    CHECK(lost == 0 && dup == 0, "%s: %d committed records missing after recovery", name, lost);
    printf("%s: %d kill -9 runs, %ld records committed, %d opens flagged recovered, records lost: %ld by "
           "plain open, %ld by repair (%d repairs), %d after force_write\n",
           name, kills, total_committed, flagged, total_lost, total_lost_repair, repairs, lost);
    unlink(repaired);
    unlink(path);
}

int main(void) {
    const char *env = getenv("FST24_CRASH_ROUNDS");
    int rounds = env ? atoi(env) : 24;
    if (rounds < 1) rounds = 1;
    if (rounds > MAXROUNDS) rounds = MAXROUNDS;
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    run(FST24_BACKEND_XDF, "xdf", rounds);
    run(FST24_BACKEND_RSF, "rsf", rounds);
    return t_finish();
}
