/* Torn commits: a process killed while rewriting a segment's start-of-segment
 * record can leave any prefix of that write on disk (the kernel stops a write
 * at a page boundary, and a 72-byte SOS may straddle one). Every such state,
 * and every state of fst24's own stepwise commit, must read as "segment not
 * committed" or "segment committed", never as an error or a half-visible
 * segment; force_write recovery must leave a valid file with every complete
 * record. Exclusive (compact) and parallel (sparse) segments are covered. */
#include "test_rsf_util.h"
#include "container/validate.h"

enum { SOS = 72, SIZES = 28, SIZES_END = 60, SSEG = 36, VDIR = 44, VDIRS = 52 };

static int64_t file_size(const char *path) {
    struct stat st;
    return stat(path, &st) ? -1 : (int64_t)st.st_size;
}

static void read_at(const char *path, int64_t off, uint8_t *b, size_t n) {
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0 && pread(fd, b, n, off) == (ssize_t)n, "read %zu bytes at %lld", n, (long long)off);
    if (fd >= 0) close(fd);
}

static void write_at(const char *path, int64_t off, const uint8_t *b, size_t n) {
    int fd = open(path, O_WRONLY);
    CHECK(fd >= 0 && pwrite(fd, b, n, off) == (ssize_t)n, "write %zu bytes at %lld", n, (long long)off);
    if (fd >= 0) close(fd);
}

/* The SOS states to try: every 4-byte prefix of one whole write from `old` to
 * `new`, then every state of the stepwise commit (all fields but the sizes,
 * then vdirs, vdir and sseg word by word), with the first write torn too. */
static int sos_states(const uint8_t *old, const uint8_t *new_, uint8_t states[][SOS]) {
    int n = 0;
    for (int k = 0; k <= SOS; k += 4) {
        memcpy(states[n], new_, (size_t)k);
        memcpy(states[n] + k, old + k, (size_t)(SOS - k));
        n++;
    }
    uint8_t staged[SOS];
    memcpy(staged, new_, SOS);
    memcpy(staged + SSEG, old + SSEG, SIZES_END - SSEG);
    for (int k = 0; k <= SOS; k += 4) {
        memcpy(states[n], staged, (size_t)k);
        memcpy(states[n] + k, old + k, (size_t)(SOS - k));
        n++;
    }
    uint8_t cur[SOS];
    memcpy(cur, staged, SOS);
    static const int order[] = {VDIRS, VDIRS + 4, VDIR, VDIR + 4, SSEG, SSEG + 4};
    for (int i = 0; i < 6; i++) {
        memcpy(cur + order[i], new_ + order[i], 4);
        memcpy(states[n++], cur, SOS);
    }
    return n;
}

/* Open read-only, count the records and check each one's values; `warned`
 * says whether the file reported a recovery. */
static int64_t count_verified(const char *path, int *bad, int *warned) {
    fst24_file *f;
    *bad = 0;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f)) return -1;
    fst24_file_info info;
    *warned = fst24_file_get_info(f, &info) == FST24_OK && info.recovered && info.warning[0];
    int64_t n = fst24_num_records(f);
    for (int64_t i = 0; i < n; i++) {
        fst24_record r;
        if (fst24_get_record(f, i, &r) || !t_verify(&r)) (*bad)++;
    }
    fst24_close(f);
    return n;
}

static void test_exclusive(void) {
    const char *path = t_tmp("torn.rsf"), *copy = t_tmp("torn_copy.rsf");
    fst24_open_options o = {.backend = FST24_BACKEND_RSF};
    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &f) == FST24_OK, "create");
    for (int i = 0; i < 3; i++) t_write(f, "TORN", 1, i, 8, 8, NULL);
    CHECK(fst24_flush(f) == FST24_OK, "first flush");
    int64_t seg = file_size(path);
    for (int i = 0; i < 4; i++) t_write(f, "TORN", 2, i, 8, 8, i == 1 ? "{\"note\":\"json\"}" : NULL);
    uint8_t old[SOS], new_[SOS];
    read_at(path, seg, old, SOS);
    CHECK(fst24_close(f) == FST24_OK, "close");
    read_at(path, seg, new_, SOS);
    CHECK(memcmp(old + SIZES, new_ + SIZES, SIZES_END - SIZES) != 0, "the commit changes the sizes");

    static uint8_t states[200][SOS];
    int ns = sos_states(old, new_, states);
    for (int s = 0; s < ns; s++) {
        CHECK(tu_copy(path, copy) == 0, "copy");
        write_at(copy, seg, states[s], SOS);
        int committed = memcmp(states[s] + SIZES, new_ + SIZES, SIZES_END - SIZES) == 0, bad, warned;
        int sseg_set = memcmp(states[s] + SSEG, old + SSEG, 8) != 0;
        int64_t n = count_verified(copy, &bad, &warned);
        CHECK(n == (committed ? 7 : 3) && bad == 0, "state %d: %lld records (%d bad), want %d", s,
              (long long)n, bad, committed ? 7 : 3);
        /* Every uncommitted state is reported: with the write flag clear no writer
         * has the file, so an unclosed segment is damage (an SOS its EOS
         * contradicts gets its own message). */
        CHECK(warned == !committed, "state %d: recovery reported %d (sseg set: %d)", s, warned, sseg_set);
        /* Recovery keeps the four complete records of the torn segment. */
        fst24_open_options w = {.backend = FST24_BACKEND_RSF, .force_write = 1};
        CHECK(fst24_open(copy, FST24_MODE_UPDATE, &w, &f) == FST24_OK, "state %d: force_write open", s);
        if (f) CHECK(fst24_close(f) == FST24_OK, "state %d: close after recovery", s);
        CHECK(fst_rsf_validate(copy, stderr) == 0, "state %d: valid after recovery", s);
        n = count_verified(copy, &bad, &warned);
        CHECK(n == 7 && bad == 0 && !warned, "state %d: %lld records after recovery (%d bad)", s, (long long)n, bad);
    }
    unlink(copy);
    unlink(path);
}

/* Writer A's sparse segment lies before writer B's; A's commit is torn. */
static void test_parallel(void) {
    const char *path = t_tmp("torn_par.rsf"), *copy = t_tmp("torn_par_copy.rsf");
    fst24_open_options o = {.backend = FST24_BACKEND_RSF, .parallel = 1, .segment_size = 1 << 20};
    fst24_file *a, *b;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &a) == FST24_OK, "create A");
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &b) == FST24_OK, "open B");
    if (!a || !b) return;
    int64_t seg = file_size(path);
    for (int i = 0; i < 3; i++) t_write(a, "PARA", 1, i, 8, 8, NULL);
    for (int i = 0; i < 2; i++) t_write(b, "PARB", 2, i, 8, 8, NULL);
    CHECK(fst24_close(b) == FST24_OK, "close B");
    uint8_t old[SOS], new_[SOS];
    read_at(path, seg, old, SOS);
    CHECK(fst24_close(a) == FST24_OK, "close A");
    read_at(path, seg, new_, SOS);
    CHECK(fst_rsf_validate(path, stderr) == 0, "the parallel file is valid");

    static uint8_t states[200][SOS];
    int ns = sos_states(old, new_, states);
    for (int s = 0; s < ns; s++) {
        CHECK(tu_copy(path, copy) == 0, "copy");
        write_at(copy, seg, states[s], SOS);
        /* seg, vdir and vdirs final = visible (sseg may still span the reservation). */
        int visible = memcmp(states[s] + SIZES, new_ + SIZES, 8) == 0 &&
                      memcmp(states[s] + VDIR, new_ + VDIR, SIZES_END - VDIR) == 0,
            bad, warned;
        int64_t n = count_verified(copy, &bad, &warned);
        /* Reported unless the SOS still reads as a plain reservation (sseg, vdir and
         * vdirs unchanged: seg alone does not matter without a directory). */
        int reservation = memcmp(states[s] + SSEG, old + SSEG, SIZES_END - SSEG) == 0;
        CHECK(warned == (!visible && !reservation), "state %d: recovery reported %d", s, warned);
        CHECK(n == (visible ? 5 : 2) && bad == 0, "state %d: %lld records (%d bad), want %d", s, (long long)n,
              bad, visible ? 5 : 2);
    }
    unlink(copy);
    unlink(path);
}

int main(void) {
    test_exclusive();
    test_parallel();
    return t_finish();
}
