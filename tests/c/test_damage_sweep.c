/* Damage sweep in C (so that AddressSanitizer watches it): files written here
 * (XDF with two directory pages, RSF with three segments, JSON metadata, a
 * deleted record) and a few corpus files are truncated at 30 points and get a
 * byte flipped at 100 points. Each damaged copy is opened, listed and decoded;
 * every failure carries a message; a record the damage did not touch reads the
 * values of the undamaged file. Each copy is also repaired: the output always
 * passes the structural validator, opens without a recovery, and holds only
 * records of the undamaged file (for truncations: exactly those complete
 * before the cut). */
#include "test_rsf_util.h"
#include "container/validate.h"

enum { CUTS = 30, FLIPS = 100, MAXREC = 4096 };

typedef struct base_rec {
    int64_t offset, bytes;
    fst24_record hdr;
    uint64_t hash;
} base_rec;

static uint64_t fnv(const void *p, size_t n) {
    const unsigned char *b = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static int same_header(const fst24_record *a, const fst24_record *b) {
    return !strcmp(a->nomvar, b->nomvar) && !strcmp(a->typvar, b->typvar) && !strcmp(a->etiket, b->etiket) &&
           a->ip1 == b->ip1 && a->ip2 == b->ip2 && a->ip3 == b->ip3 && a->ni == b->ni && a->nj == b->nj &&
           a->nk == b->nk && a->datev == b->datev && a->data_type == b->data_type && a->pack_bits == b->pack_bits &&
           a->data_bits == b->data_bits && a->ig1 == b->ig1 && a->ig2 == b->ig2 && a->ig3 == b->ig3 &&
           a->ig4 == b->ig4 && a->total_stored_bytes == b->total_stored_bytes;
}

/* Decode a record; 1 + hash on success, 0 on a (reported) failure, -1 when a
 * damaged header claims an absurd size (not worth allocating here). */
static int decode(const fst24_record *r, uint64_t *hash) {
    fst24_elem_type t;
    size_t count;
    if (fst24_record_data_layout(r, &t, &count)) return 0;
    size_t bytes = count * fst24_elem_size(t);
    if (bytes > ((size_t)1 << 26)) return -1;
    void *buf = malloc(bytes ? bytes : 1);
    int ok = buf && fst24_read_data(r, buf, bytes, NULL) == FST24_OK;
    if (ok) *hash = fnv(buf, bytes);
    free(buf);
    return ok;
}

static int load_base(const char *path, base_rec *out) {
    fst24_file *f;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f)) return -1;
    int n = 0;
    for (int64_t i = 0; i < fst24_num_records(f) && n < MAXREC; i++) {
        fst24_record r;
        if (fst24_get_record(f, i, &r) || decode(&r, &out[n].hash) != 1) continue;
        out[n].offset = r.file_offset;
        out[n].bytes = r.total_stored_bytes;
        out[n].hdr = r;
        n++;
    }
    fst24_close(f);
    return n;
}

static const base_rec *find_base(const base_rec *b, int n, int64_t offset) {
    for (int i = 0; i < n; i++)
        if (b[i].offset == offset) return &b[i];
    return NULL;
}

typedef struct tally {
    int opened, refused, recovered, wrong, silent, repaired, repair_bad;
} tally;

/* Open, list, decode the damaged copy; then repair it. Damage covers [lo, hi). */
static void exercise(const char *path, const char *fixed, const base_rec *b, int nb, int64_t lo, int64_t hi,
                     int truncated, tally *t) {
    fst24_file *f;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f)) {
        t->refused++;
        if (!fst24_last_error()[0]) {
            t->silent++;
            fprintf(stderr, "%s: open failed without a message (damage %lld..%lld)\n", path, (long long)lo, (long long)hi);
        }
    } else {
        t->opened++;
        fst24_file_info info;
        fst24_file_get_info(f, &info);
        if (info.recovered) {
            t->recovered++;
            if (!info.warning[0]) {
                t->silent++;
                fprintf(stderr, "%s: recovered without a warning (damage %lld..%lld)\n", path, (long long)lo, (long long)hi);
            }
        }
        fst24_query *q;
        if (fst24_query_new(f, NULL, NULL, &q) == FST24_OK) {
            fst24_record r;
            while (fst24_query_next(q, &r) == 1) {
                uint64_t h;
                int d = decode(&r, &h);
                if (d < 0) continue;
                if (!d) {
                    if (!fst24_last_error()[0]) {
                        t->silent++;
                        fprintf(stderr, "%s: record %.4s at %lld (damage %lld..%lld): decoding failed without a message\n",
                                path, r.nomvar, (long long)r.file_offset, (long long)lo, (long long)hi);
                    }
                    continue;
                }
                const base_rec *o = find_base(b, nb, r.file_offset);
                int untouched = !(r.file_offset < hi && lo < r.file_offset + r.total_stored_bytes);
                if (o && untouched && same_header(&o->hdr, &r) && o->hash != h) t->wrong++;
            }
            fst24_query_free(q);
        }
        fst24_close(f);
    }
    /* Repair: a valid output holding only records of the undamaged file. */
    fst24_repair_report rep;
    unlink(fixed);
    if (fst24_repair(path, fixed, NULL, &rep) != FST24_OK) {
        if (!fst24_last_error()[0]) {
            t->silent++;
            fprintf(stderr, "%s: repair failed without a message (damage %lld..%lld)\n", path, (long long)lo,
                    (long long)hi);
        }
        return;
    }
    t->repaired++;
    fst24_file_kind k = fst24_detect(fixed);
    int valid = (k == FST24_KIND_XDF ? fst_xdf_validate(fixed, NULL) : k == FST24_KIND_RSF ? fst_rsf_validate(fixed, NULL) : 0) == 0;
    if (!valid || fst24_open(fixed, FST24_MODE_READ, NULL, &f)) {
        t->repair_bad++;
        return;
    }
    fst24_file_info info;
    fst24_file_get_info(f, &info);
    if (info.recovered || info.num_records != rep.copied) t->repair_bad++;
    if (truncated) {
        /* every copied record is one of the original's, intact */
        for (int64_t i = 0; i < fst24_num_records(f); i++) {
            fst24_record r;
            uint64_t h;
            if (fst24_get_record(f, i, &r) || decode(&r, &h) != 1) { t->repair_bad++; continue; }
            int found = 0;
            for (int j = 0; j < nb && !found; j++) found = same_header(&b[j].hdr, &r) && b[j].hash == h;
            if (!found) t->repair_bad++;
        }
    }
    fst24_close(f);
}

static void sweep(const char *src, const char *label) {
    size_t n;
    unsigned char *orig = tu_slurp(src, &n);
    if (!orig || n < 16) { free(orig); return; }
    static base_rec base[MAXREC];
    int nb = load_base(src, base);
    const char *work = t_tmp("sweep_work"), *fixed = t_tmp("sweep_fixed");
    uint64_t rng = fnv(label, strlen(label)) | 1;
    tally t = {0};
    for (int i = 0; i < CUTS; i++) {
        size_t cut = i == 0 ? n / 2 : i == 1 ? n - 1 : i == 2 ? 100 : i == 3 ? 200 : 1 + tu_xorshift(&rng) % (n - 1);
        if (cut >= n) cut = n - 1;
        tu_write_file(work, orig, cut);
        exercise(work, fixed, base, nb > 0 ? nb : 0, (int64_t)cut, (int64_t)n, 1, &t);
    }
    tu_write_file(work, orig, n);
    int fd = open(work, O_WRONLY);
    for (int i = 0; i < FLIPS && fd >= 0; i++) {
        size_t edge = n < 32768 ? n : 32768;
        size_t pos = i % 2 ? tu_xorshift(&rng) % n : i % 4 ? tu_xorshift(&rng) % edge : n - 1 - tu_xorshift(&rng) % edge;
        unsigned char c = orig[pos] ^ (unsigned char)(1u << (tu_xorshift(&rng) % 8));
        if (pwrite(fd, &c, 1, (off_t)pos) != 1) break;
        exercise(work, fixed, base, nb > 0 ? nb : 0, (int64_t)pos, (int64_t)pos + 1, 0, &t);
        if (pwrite(fd, orig + pos, 1, (off_t)pos) != 1) break;
    }
    if (fd >= 0) close(fd);
    printf("%s: %d opened (%d recovered), %d refused, %d repaired\n", label, t.opened, t.recovered, t.refused,
           t.repaired);
    CHECK(t.opened + t.refused == CUTS + FLIPS, "%s: every damaged copy exercised", label);
    CHECK(t.wrong == 0, "%s: %d untouched records read wrong values", label, t.wrong);
    CHECK(t.silent == 0, "%s: %d failures without a message", label, t.silent);
    CHECK(t.repair_bad == 0, "%s: %d repaired outputs invalid or wrong", label, t.repair_bad);
    unlink(work);
    unlink(fixed);
    free(orig);
}

static void write_sample(const char *path, fst24_backend backend) {
    unlink(path);
    for (int session = 0; session < 3; session++) {
        fst24_open_options o = {.backend = backend};
        fst24_file *f;
        if (fst24_open(path, session ? FST24_MODE_UPDATE : FST24_MODE_CREATE, &o, &f)) return;
        int count = backend == FST24_BACKEND_XDF ? 100 : 20;
        for (int i = 0; i < count; i++)
            t_write(f, i % 2 ? "TT" : "UU", session, i, 5, 4, backend == FST24_BACKEND_RSF && i % 5 == 0 ? "{\"k\":1}" : NULL);
        if (session == 1) {
            fst24_record r;
            if (fst24_get_record(f, 3, &r) == FST24_OK) fst24_delete(f, &r);
        }
        fst24_close(f);
    }
}

int main(void) {
    const char *x = t_tmp("sample.xdf"), *r = t_tmp("sample.rsf");
    write_sample(x, FST24_BACKEND_XDF);
    write_sample(r, FST24_BACKEND_RSF);
    sweep(x, "written xdf");
    sweep(r, "written rsf");
    unlink(x);
    unlink(r);
    const char *corpus[] = {"ref/types.xdf.fst", "ref/types.rsf.fst", "ref/append.rsf.fst", "ref/meta.rsf.fst",
                            "real/ECCC-ASTD-MRD_fst-tools__utils_zcrop_sous-grille.fst"};
    for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", tu_corpus(), corpus[i]);
        if (access(path, R_OK) != 0) {
            printf("%s: not in the corpus, skipped\n", corpus[i]);
            continue;
        }
        sweep(path, corpus[i]);
    }
    return t_finish();
}
