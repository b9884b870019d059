/* Appending to a COPY of librmn's ref/append.rsf.fst (three sessions):
 * old records keep librmn's keys/offsets/values, new records follow in a new
 * segment; deleting and editing (FST_META) a record of an earlier librmn
 * segment; FST_YES / FST_SKIP rewrites; reading back in a fresh process view;
 * write-lock flag semantics; hostile variants of the file are refused cleanly. */
#include "test_rsf_util.h"
#include "container/validate.h"
#include "container/rsf_format.h"

typedef struct ref_line {
    long long key, offset, rl;
    int ip1, ip2;
    char nomvar[8];
} ref_line;

static int load_ref(const char *path, ref_line *out, int max) {
    FILE *fp = fopen(path, "r");
    if (!fp) return -1;
    char *line = NULL;
    size_t cap = 0;
    int n = 0;
    while (getline(&line, &cap, fp) > 0 && n < max) {
        if (!strstr(line, "\"kind\":\"record\"")) continue;
        out[n].key = tu_jint(line, "key", -1);
        out[n].offset = tu_jint(line, "file_offset", -1);
        out[n].rl = tu_jint(line, "total_stored_bytes", -1);
        out[n].ip1 = (int)tu_jint(line, "ip1", -1);
        out[n].ip2 = (int)tu_jint(line, "ip2", -1);
        tu_jstr(line, "nomvar", out[n].nomvar, sizeof out[n].nomvar);
        n++;
    }
    free(line);
    fclose(fp);
    return n;
}

/* Old records as librmn listed them (minus those at indices in `gone`). */
static void check_old(fst24_file *f, const ref_line *ref, int nref, int gone, const char *when) {
    int k = 0;
    for (int i = 0; i < nref; i++) {
        if (i == gone) continue;
        fst24_record r;
        int st = fst24_get_record(f, k++, &r);
        CHECK(st == 0 && r.key == ref[i].key && r.file_offset == ref[i].offset && r.total_stored_bytes == ref[i].rl &&
                  !strcmp(r.nomvar, ref[i].nomvar),
              "%s: old record %d (%s key %lld at %lld)", when, i, r.nomvar, (long long)r.key, (long long)r.file_offset);
    }
}

static void test_append(void) {
    char src[1024], jpath[1100];
    snprintf(src, sizeof src, "%s/ref/append.rsf.fst", tu_corpus());
    snprintf(jpath, sizeof jpath, "%s.jsonl", src);
    ref_line ref[64];
    int nref = load_ref(jpath, ref, 64);
    CHECK(nref == 30, "append.rsf.fst.jsonl has %d records", nref);
    const char *path = t_tmp("append.rsf");
    CHECK(tu_copy(src, path) == 0, "copy");
    size_t old_size;
    free(tu_slurp(src, &old_size));

    fst24_file *f;
    CHECK(fst24_open(path, FST24_MODE_UPDATE, NULL, &f) == FST24_OK, "open copy for append");
    if (!f) return;
    CHECK(fst24_file_backend(f) == FST24_BACKEND_RSF, "backend by content");
    check_old(f, ref, nref, -1, "after open");
    for (int i = 0; i < 5; i++) CHECK(t_write(f, "NEW", 9, i, 7, 3, i == 2 ? "{\"k\":2}" : NULL) == 0, "append %d", i);
    fst24_record nr;
    CHECK(fst24_get_record(f, 30, &nr) == 0 && nr.file_offset == (int64_t)old_size + 72 &&
              nr.key == ((1LL << 32) | 31) && nr.file_index == 30,
          "first new record at %lld (file was %zu bytes), key %lld", (long long)nr.file_offset, old_size, (long long)nr.key);
    /* Delete a record of librmn's second session and edit one of its first. */
    fst24_record d, e;
    CHECK(fst24_get_record(f, 12, &d) == 0 && fst24_delete(f, &d) == 0, "delete old record 12");
    CHECK(fst24_get_record(f, 3, &e) == 0, "get old record 3");
    e.ip3 = 5;
    e.deet = 60;
    CHECK(fst24_write_payload(f, &e, NULL, 0, FST24_REWRITE_META, NULL) == 0, "FST_META on old record 3");
    CHECK(fst24_close(f) == FST24_OK, "close");
    CHECK(fst_rsf_validate(path, stderr) == 0, "validator after append");

    CHECK(fst24_open(path, FST24_MODE_READ, NULL, &f) == FST24_OK, "reopen");
    if (!f) return;
    CHECK(fst24_num_records(f) == 34, "%lld records after append+delete", (long long)fst24_num_records(f));
    check_old(f, ref, nref, 12, "after reopen");
    fst24_record r;
    CHECK(fst24_get_record(f, 3, &r) == 0 && r.ip3 == 5 && r.deet == 60, "edited record 3: ip3 %d deet %d", r.ip3, r.deet);
    for (int i = 0; i < 5; i++) {
        CHECK(fst24_get_record(f, 29 + i, &r) == 0 && !strcmp(r.nomvar, "NEW ") && r.ip2 == i && t_verify(&r),
              "new record %d", i);
        char m[32];
        size_t len;
        CHECK(fst24_read_ext_meta(&r, m, sizeof m, &len) == 0 && (i == 2 ? !strcmp(m, "{\"k\":2}") : len == 0),
              "new record %d ext meta", i);
    }
    /* A search skips the deleted entry. */
    fst24_record crit;
    fst24_record_init_criteria(&crit);
    crit.ip1 = ref[12].ip1;
    fst24_record_set_string(&crit, "nomvar", ref[12].nomvar);
    fst24_query *q;
    CHECK(fst24_query_new(f, &crit, NULL, &q) == 0 && fst24_query_count(q) == 0, "deleted record not found");
    fst24_query_free(q);
    fst24_close(f);

    /* FST_YES replaces, FST_SKIP keeps. */
    CHECK(fst24_open(path, FST24_MODE_UPDATE, NULL, &f) == FST24_OK, "reopen for rewrite");
    fst24_record w;
    t_record(&w, "NEW", 9, 1, 7, 3);
    float v[21];
    t_fill(v, 21, 9, 1);
    CHECK(fst24_write(f, &w, v, FST24_ELEM_F32, FST24_REWRITE_YES, NULL) == 0, "FST_YES");
    CHECK(fst24_write(f, &w, v, FST24_ELEM_F32, FST24_REWRITE_SKIP, NULL) == 0, "FST_SKIP");
    CHECK(fst24_num_records(f) == 34, "%lld records after YES+SKIP", (long long)fst24_num_records(f));
    fst24_close(f);
    CHECK(fst_rsf_validate(path, stderr) == 0, "validator after rewrite");
    unlink(path);
}

static void test_lock_flag(void) {
    const char *path = t_tmp("lock.rsf");
    unlink(path);
    fst24_open_options o = {.backend = FST24_BACKEND_RSF};
    fst24_file *a, *b, *r;
    CHECK(fst24_open(path, FST24_MODE_CREATE, &o, &a) == FST24_OK, "create");
    CHECK(t_write(a, "LCK", 1, 1, 2, 2, NULL) == 0, "write");
    size_t n;
    unsigned char *bytes = tu_slurp(path, &n);
    CHECK(bytes && bytes[1] == 0xFF && bytes[2] == 0xFF, "exclusive flag 0xFFFF in segment 0 while writing");
    free(bytes);
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &b) == FST24_E_LOCKED, "second writer refused");
    CHECK(fst24_open(path, FST24_MODE_READ, NULL, &r) == FST24_OK, "reader allowed");
    if (r) {
        CHECK(fst24_num_records(r) == 0, "unflushed record invisible");
        fst24_close(r);
    }
    CHECK(fst24_close(a) == FST24_OK, "close");
    bytes = tu_slurp(path, &n);
    CHECK(bytes && bytes[1] == 0 && bytes[2] == 0, "flag cleared at close");
    free(bytes);
    o.parallel = 1;
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &a) == FST24_OK, "parallel writer 1");
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &b) == FST24_OK, "parallel writer 2");
    bytes = tu_slurp(path, &n);
    CHECK(bytes && bytes[1] == 2 && bytes[2] == 0, "parallel flag counts 2 writers");
    free(bytes);
    o.parallel = 0;
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &r) == FST24_E_LOCKED, "exclusive refused with parallel writers");
    fst24_close(a);
    fst24_close(b);
    bytes = tu_slurp(path, &n);
    CHECK(bytes && bytes[1] == 0 && bytes[2] == 0, "parallel flag back to 0");
    free(bytes);
    /* A stale flag (writer died before close) needs force_write. */
    unsigned char ff[2] = {0xFF, 0xFF};
    int fd = open(path, O_WRONLY);
    CHECK(fd >= 0 && pwrite(fd, ff, 2, 1) == 2, "simulate a stale flag");
    close(fd);
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &a) == FST24_E_LOCKED, "stale flag refuses");
    o.force_write = 1;
    CHECK(fst24_open(path, FST24_MODE_UPDATE, &o, &a) == FST24_OK, "force_write overrides");
    if (a) fst24_close(a);
    CHECK(fst_rsf_validate(path, stderr) == 0, "validator");
    unlink(path);
}

/* Damaged copies: errors, never crashes or wrong data (run under ASan too).
 * The XDF validator gets the same treatment. */
/* Byte ranges holding container structure (not payload): flips there must
 * almost always be noticed by the validator. */
typedef struct range { size_t a, b; } range;

static int structural_ranges(const unsigned char *b, size_t n, int xdf, range *r, int max) {
    int k = 0;
    if (xdf) {
        /* Header, first directory page header and its used entries. */
        size_t nent = n > 240 ? (size_t)(b[228] << 24 | b[229] << 16 | b[230] << 8 | b[231]) : 0;
        if (nent > 256) nent = 256;
        r[k++] = (range){0, 208 + 32 + 72 * nent};
        return k;
    }
    for (size_t off = 0; off + RSF_SOS_BYTES <= n && k + 3 < max;) {
        rsf_sos sos;
        rsf_get_sos(b + off, &sos);
        if (!sos.s.sseg || off + sos.s.sseg > n) break;
        r[k++] = (range){off, off + RSF_SOS_BYTES};
        r[k++] = (range){off + sos.s.seg, off + sos.s.sseg};
        if (sos.s.vdirs) r[k++] = (range){off + sos.s.vdir, off + sos.s.vdir + sos.s.vdirs};
        off += sos.s.sseg;
    }
    return k;
}

static void test_hostile(const char *name, int xdf) {
    char src[1024];
    snprintf(src, sizeof src, "%s/ref/%s", tu_corpus(), name);
    size_t n;
    unsigned char *orig = tu_slurp(src, &n);
    if (!orig) { CHECK(0, "read meta.rsf.fst"); return; }
    const char *path = t_tmp("hostile.fst");
    unsigned seed = 12345;
    int opened = 0, refused = 0, structural = 0, detected = 0;
    for (int iter = 0; iter < 300; iter++) {
        unsigned char *b = malloc(n);
        memcpy(b, orig, n);
        size_t len = n;
        seed = seed * 1103515245u + 12345u;
        range rg[64];
        int nrg = structural_ranges(orig, n, xdf, rg, 64);
        if (iter % 3 == 0) len = (seed >> 8) % n;                   /* truncation */
        else if (iter % 3 == 2 && nrg) {                            /* one flip in a structure */
            range x = rg[(seed >> 4) % (unsigned)nrg];
            seed = seed * 1103515245u + 12345u;
            b[x.a + (seed >> 8) % (x.b - x.a)] ^= (unsigned char)(1u << (seed % 8));
        }
        else for (int k = 0; k < 1 + iter % 5; k++) {              /* random byte flips */
            seed = seed * 1103515245u + 12345u;
            b[(seed >> 8) % n] ^= (unsigned char)(1 + (seed & 0x7F));
        }
        FILE *fp = fopen(path, "wb");
        fwrite(b, 1, len, fp);
        fclose(fp);
        fst24_file *f;
        if (fst24_open(path, FST24_MODE_READ, NULL, &f) == FST24_OK) {
            opened++;
            for (int64_t i = 0; i < fst24_num_records(f); i++) {
                fst24_record r;
                size_t nw = 0;
                if (fst24_get_record(f, i, &r) || fst24_read_payload(&r, NULL, &nw)) continue;
                uint32_t *w = malloc((nw ? nw : 1) * 4);
                fst24_read_payload(&r, w, &nw);
                free(w);
            }
            fst24_close(f);
        } else refused++;
        int problems = xdf ? fst_xdf_validate(path, NULL) : fst_rsf_validate(path, NULL);
        /* Flipped payload bytes are not structural; a truncation always is. */
        if (len != n) CHECK(problems != 0, "%s: truncated copy %d (%zu bytes) passes the validator", name, iter, len);
        if (iter % 3 == 2 && nrg) {
            structural++;
            detected += problems != 0;
        }
        free(b);
    }
    CHECK(opened + refused == 300 && refused > 0, "hostile files: %d opened, %d refused", opened, refused);
    /* A few structure bits are legitimately free (reserved bytes, ubc, entry_offset, garbage-tolerant fields). */
    CHECK(detected * 100 >= structural * (xdf ? 90 : 95), "%s: validator noticed %d of %d structural bit flips", name, detected, structural);
    printf("%s: validator noticed %d of %d structural bit flips\n", name, detected, structural);
    free(orig);
    unlink(path);
}

int main(void) {
    if (tu_corpus_part("appending to and mutating librmn-written files")) {
        test_append();
        test_hostile("meta.rsf.fst", 0);
        test_hostile("append.rsf.fst", 0);
        test_hostile("meta.xdf.fst", 1);
    }
    test_lock_flag();
    return t_finish();
}
