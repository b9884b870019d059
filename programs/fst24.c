/*
 * fst24 - command-line tool over libfst24.
 *   fst24 ls [--decode] [--where K=V,...] FILE...   voir-like listing
 *   fst24 info FILE...                              backend, counts, size, validity
 *   fst24 dump [--jsonl] [--nodata] [--no-missing-decode] [--where ...] FILE
 *   fst24 ip / date / grid / check / convert         (see their own files)
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"


int cli_fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("fst24: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

int cli_fail_lib(const char *what) {
    if (what && *what) return cli_fail("%s: %s", what, fst24_last_error());
    return cli_fail("%s", fst24_last_error());
}

static int parse_int(const char *s, int32_t *out) {
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || v < INT32_MIN || v > UINT32_MAX) return -1;
    *out = (int32_t)v;
    return 0;
}

int cli_parse_where(const char *spec, fst24_record *crit) {
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) return cli_fail("--where: \"%s\" is not KEY=VALUE", tok) ? -1 : -1;
        *eq = '\0';
        const char *key = tok, *val = eq + 1;
        if (!strcmp(key, "nomvar") || !strcmp(key, "typvar") || !strcmp(key, "etiket") ||
            !strcmp(key, "grtyp")) {
            if (fst24_record_set_string(crit, key, val) != FST24_OK) {
                cli_fail_lib("--where");
                return -1;
            }
            continue;
        }
        struct { const char *name; int32_t *field; } ints[] = {
            {"ip1", &crit->ip1}, {"ip2", &crit->ip2}, {"ip3", &crit->ip3}, {"ni", &crit->ni},
            {"nj", &crit->nj}, {"nk", &crit->nk}, {"datev", &crit->datev}, {"deet", &crit->deet},
            {"npas", &crit->npas}, {"data_type", &crit->data_type}, {"datyp", &crit->data_type},
            {"data_bits", &crit->data_bits}, {"pack_bits", &crit->pack_bits},
            {"nbits", &crit->pack_bits}, {"ig1", &crit->ig1}, {"ig2", &crit->ig2},
            {"ig3", &crit->ig3}, {"ig4", &crit->ig4},
        };
        size_t i;
        for (i = 0; i < sizeof ints / sizeof ints[0]; i++) {
            if (!strcmp(key, ints[i].name)) {
                if (parse_int(val, ints[i].field)) {
                    cli_fail("--where: %s=%s is not an integer", key, val);
                    return -1;
                }
                break;
            }
        }
        if (i == sizeof ints / sizeof ints[0]) {
            cli_fail("--where: unknown field \"%s\"", key);
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* JSON output                                                              */
/* ------------------------------------------------------------------------ */

static void json_str(FILE *o, const char *s, size_t maxlen) {
    fputc('"', o);
    for (size_t i = 0; i < maxlen && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') { fputc('\\', o); fputc(c, o); }
        else if (c < 0x20 || c >= 0x7f) fprintf(o, "\\u%04x", c);
        else fputc(c, o);
    }
    fputc('"', o);
}

static void json_num(FILE *o, double v, int is_float) {
    if (isnan(v)) fputs("\"NaN\"", o);
    else if (isinf(v)) fputs(v > 0 ? "\"Infinity\"" : "\"-Infinity\"", o);
    else fprintf(o, is_float ? "%.9g" : "%.17g", v);
}

static double value_at(const void *data, fst24_elem_type t, size_t i) {
    switch (t) {
    case FST24_ELEM_F32: return ((const float *)data)[i];
    case FST24_ELEM_F64: return ((const double *)data)[i];
    case FST24_ELEM_U8: return ((const uint8_t *)data)[i];
    case FST24_ELEM_U16: return ((const uint16_t *)data)[i];
    case FST24_ELEM_U32: return ((const uint32_t *)data)[i];
    case FST24_ELEM_U64: return (double)((const uint64_t *)data)[i];
    case FST24_ELEM_I8: return ((const int8_t *)data)[i];
    case FST24_ELEM_I16: return ((const int16_t *)data)[i];
    case FST24_ELEM_I32: return ((const int32_t *)data)[i];
    case FST24_ELEM_I64: return (double)((const int64_t *)data)[i];
    default: return NAN;
    }
}

static int is_missing(const void *data, fst24_elem_type t, size_t i, const fst24_missing_values *m) {
    switch (t) {
    case FST24_ELEM_F32: return ((const float *)data)[i] == m->f32;
    case FST24_ELEM_F64: return ((const double *)data)[i] == m->f64;
    case FST24_ELEM_U8: return ((const uint8_t *)data)[i] == m->u8;
    case FST24_ELEM_U16: return ((const uint16_t *)data)[i] == m->u16;
    case FST24_ELEM_U32: return ((const uint32_t *)data)[i] == m->u32;
    case FST24_ELEM_I8: return ((const int8_t *)data)[i] == m->i8;
    case FST24_ELEM_I16: return ((const int16_t *)data)[i] == m->i16;
    case FST24_ELEM_I32: return ((const int32_t *)data)[i] == m->i32;
    default: return 0;
    }
}

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
static uint64_t fnv1a(uint64_t h, const void *buf, size_t n) {
    const unsigned char *p = buf;
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= FNV_PRIME; }
    return h;
}

static void dump_ip(FILE *o, const char *name, int32_t ip) {
    float v = 0;
    int kind = -1;
    fst24_ip_decode(ip, &v, &kind);
    fprintf(o, ",\"%s_dec\":{\"value\":", name);
    json_num(o, v, 1);
    fprintf(o, ",\"kind\":%d}", kind);
}

static void dump_date(FILE *o, const char *name, int32_t stamp) {
    int32_t d = 0, t = 0;
    int rc = fst24_stamp_to_printable(stamp, &d, &t);
    fprintf(o, ",\"%s_printable\":{\"rc\":%d,\"yyyymmdd\":%d,\"hhmmsshh\":%d}", name, rc, d, t);
}

/* Data statistics exactly as the reference dump computes them. */
static int dump_data(FILE *o, const fst24_record *r, int raw_missing) {
    fst24_elem_type t;
    size_t count;
    if (fst24_record_data_layout(r, &t, &count) != FST24_OK) return -1;
    size_t esize = fst24_elem_size(t), nbytes = count * esize;
    void *data = malloc(nbytes ? nbytes : 1);
    if (!data) return -1;
    fst24_read_options ro = {.raw_missing = raw_missing, .type = FST24_ELEM_NONE};
    if (fst24_read_data(r, data, nbytes, &ro) != FST24_OK) {
        free(data);
        return -1;
    }
    fst24_missing_values mv;
    fst24_get_missing_values(&mv);
    uint64_t h = fnv1a(FNV_OFFSET, data, nbytes), h64 = FNV_OFFSET;
    double mn = INFINITY, mx = -INFINITY, sum = 0;
    long long nnan = 0, nmiss = 0;
    int has_miss = (r->data_type & FST24_TYPE_MISSING_FLAG) != 0;
    for (size_t i = 0; i < count; i++) {
        double x = value_at(data, t, i);
        h64 = fnv1a(h64, &x, sizeof x);
        if (isnan(x)) { nnan++; continue; }
        if (x < mn) mn = x;
        if (x > mx) mx = x;
        sum += x;
        if (has_miss) nmiss += is_missing(data, t, i, &mv);
    }
    int isf = t == FST24_ELEM_F32;
    int base = r->data_type & 0x3F;
    int elem_bits = (base == 0 || base == 3 || base == 7) ? r->data_bits : (int)esize * 8;
    if (base == 8) elem_bits = r->data_bits;
    fprintf(o, ",\"elem_bits\":%d,\"elem_type\":\"%s\",\"count\":%zu", elem_bits,
            fst24_elem_name(t), count);
    fputs(",\"min\":", o); json_num(o, count ? mn : NAN, isf);
    fputs(",\"max\":", o); json_num(o, count ? mx : NAN, isf);
    fputs(",\"mean\":", o);
    json_num(o, (long long)count - nnan ? sum / (double)((long long)count - nnan) : NAN, 0);
    fprintf(o, ",\"nan_count\":%lld", nnan);
    if (has_miss) fprintf(o, ",\"missing_count\":%lld", nmiss);
    fprintf(o, ",\"hash\":\"%016llx\",\"hash_f64\":\"%016llx\"", (unsigned long long)h,
            (unsigned long long)h64);
    fputs(",\"first8\":[", o);
    for (size_t i = 0; i < count && i < 8; i++) {
        if (i) fputc(',', o);
        json_num(o, value_at(data, t, i), isf);
    }
    fputc(']', o);
    if (base == 3 || base == 7) {
        fputs(",\"text\":", o);
        json_str(o, data, count < 96 ? count : 96);
    }
    free(data);
    return 0;
}

static void dump_header(FILE *o, const fst24_record *r, int64_t seq) {
    fprintf(o, "{\"kind\":\"record\",\"seq\":%lld", (long long)seq);
    fputs(",\"nomvar\":", o); json_str(o, r->nomvar, 4);
    fputs(",\"typvar\":", o); json_str(o, r->typvar, 2);
    fputs(",\"etiket\":", o); json_str(o, r->etiket, 12);
    fputs(",\"grtyp\":", o); json_str(o, r->grtyp, 1);
    fprintf(o, ",\"ip1\":%d,\"ip2\":%d,\"ip3\":%d", r->ip1, r->ip2, r->ip3);
    fprintf(o, ",\"ni\":%d,\"nj\":%d,\"nk\":%d", r->ni, r->nj, r->nk);
    fprintf(o, ",\"dateo\":%d,\"datev\":%d,\"deet\":%d,\"npas\":%d", r->dateo, r->datev, r->deet, r->npas);
    fprintf(o, ",\"datyp\":%d,\"data_type\":%d,\"data_bits\":%d,\"pack_bits\":%d,\"nbits\":%d",
            r->data_type, r->data_type, r->data_bits, r->pack_bits, r->pack_bits);
    fprintf(o, ",\"ig1\":%d,\"ig2\":%d,\"ig3\":%d,\"ig4\":%d", r->ig1, r->ig2, r->ig3, r->ig4);
    fprintf(o, ",\"key\":%lld,\"file_index\":%d,\"file_offset\":%lld,\"total_stored_bytes\":%lld",
            (long long)r->key, r->file_index, (long long)r->file_offset, (long long)r->total_stored_bytes);
    fprintf(o, ",\"num_meta_bytes\":%d,\"fst_version\":%d,\"num_search_keys\":%d,\"extended_meta_size\":%d",
            r->num_meta_bytes, r->fst_version, r->num_search_keys, r->extended_meta_size);
    dump_ip(o, "ip1", r->ip1);
    dump_ip(o, "ip2", r->ip2);
    dump_ip(o, "ip3", r->ip3);
    fst24_ip_range p1 = {0, 0, 0}, p2 = {0, 0, 0}, p3 = {0, 0, 0};
    int st = fst24_ip123_decode(r->ip1, r->ip2, r->ip3, &p1, &p2, &p3);
    fprintf(o, ",\"decodeip\":{\"status\":%d,\"rp1\":[", st);
    json_num(o, p1.v1, 1); fputc(',', o); json_num(o, p1.v2, 1);
    fprintf(o, ",%d],\"rp2\":[", p1.kind);
    json_num(o, p2.v1, 1); fputc(',', o); json_num(o, p2.v2, 1);
    fprintf(o, ",%d],\"rp3\":[", p2.kind);
    json_num(o, p3.v1, 1); fputc(',', o); json_num(o, p3.v2, 1);
    fprintf(o, ",%d]}", p3.kind);
    dump_date(o, "dateo", r->dateo);
    dump_date(o, "datev", r->datev);
}

int cmd_dump(int argc, char **argv) {
    int nodata = 0, raw_missing = 0;
    const char *path = NULL, *where = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--jsonl")) continue;
        else if (!strcmp(argv[i], "--nodata")) nodata = 1;
        else if (!strcmp(argv[i], "--no-missing-decode")) raw_missing = 1;
        else if (!strcmp(argv[i], "--where") && i + 1 < argc) where = argv[++i];
        else if (!strncmp(argv[i], "--where=", 8)) where = argv[i] + 8;
        else if (argv[i][0] == '-' && argv[i][1]) return cli_fail("dump: unknown option %s", argv[i]) + 1;
        else if (!path) path = argv[i];
        else return cli_fail("dump: only one FILE") + 1;
    }
    if (!path) return cli_fail("usage: fst24 dump [--jsonl] [--nodata] [--no-missing-decode] [--where K=V,...] FILE") + 1;
    fst24_record crit;
    fst24_record_init_criteria(&crit);
    if (where && cli_parse_where(where, &crit)) return 2;
    fst24_file *f;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f) != FST24_OK) return cli_fail_lib(NULL);
    int damaged = cli_warn_damage(path, f);
    fst24_missing_values mv;
    fst24_get_missing_values(&mv);
    FILE *o = stdout;
    fprintf(o, "{\"kind\":\"file\",\"path\":");
    json_str(o, path, 4096);
    fprintf(o, ",\"backend\":\"%s\",\"num_records\":%lld,\"missing_decode\":%d",
            fst24_file_backend(f) == FST24_BACKEND_RSF ? "RSF" : "XDF",
            (long long)fst24_num_records(f), !raw_missing);
    fputs(",\"missing_values\":{\"f32\":", o); json_num(o, mv.f32, 1);
    fputs(",\"f64\":", o); json_num(o, mv.f64, 0);
    fprintf(o, ",\"i32\":%d,\"u32\":%u,\"i16\":%d,\"u16\":%u,\"i8\":%d,\"u8\":%u}", mv.i32, mv.u32,
            mv.i16, mv.u16, mv.i8, mv.u8);
    fputs(",\"hash\":\"fnv1a64\"}\n", o);
    fst24_query *q;
    if (fst24_query_new(f, &crit, NULL, &q) != FST24_OK) {
        fst24_close(f);
        return cli_fail_lib(path);
    }
    fst24_record r;
    int64_t seq = 0;
    int errors = 0, st;
    char *meta = NULL;
    while ((st = fst24_query_next(q, &r)) == 1) {
        dump_header(o, &r, seq++);
        if (!nodata) {
            if (dump_data(o, &r, raw_missing) != 0) {
                fprintf(o, ",\"read_error\":");
                json_str(o, fst24_last_error(), 1024);
                cli_fail("%s", fst24_last_error());
                errors++;
            }
        }
        {
            size_t len = 0;
            if (fst24_read_ext_meta(&r, NULL, 0, &len) == FST24_OK && len > 0) {
                char *m = realloc(meta, len + 1);
                if (m && fst24_read_ext_meta(&r, m, len + 1, NULL) == FST24_OK) {
                    meta = m;
                    fputs(",\"ext_meta\":", o);
                    json_str(o, meta, len);
                } else if (m) meta = m;
            }
        }
        fputs("}\n", o);
    }
    free(meta);
    if (st < 0) errors++, cli_fail_lib(path);
    fst24_query_free(q);
    if (fst24_close(f) != FST24_OK) errors++, cli_fail_lib(NULL);
    return errors || damaged ? 1 : 0;
}

/* ------------------------------------------------------------------------ */
/* ls                                                                       */
/* ------------------------------------------------------------------------ */

static void print_ls_header(int digits, int decode) {
    printf("\n %*s  NOMV TV ETIQUETTE           NI        NJ        NK ", digits, "");
    if (decode)
        printf("(DATE-O  h m s) (DATE-V  h m s)           LEVEL       IP2       IP3     DEET     NPAS DTYP SIZ G   IG1   IG2   IG3   IG4\n\n");
    else
        printf("   DATE-O       IP1       IP2       IP3 DTYP SIZ\n\n");
}

static void format_date(int32_t stamp, char *out, size_t n) {
    int32_t d = 0, t = 0;
    if (stamp == 0 || fst24_stamp_to_printable(stamp, &d, &t) != 0) snprintf(out, n, "%-16s", "        -");
    else snprintf(out, n, "%08d %06d ", d, t / 100);
}

static int ls_file(const char *path, const fst24_record *crit, int decode, int64_t *total_records,
                   int64_t *total_bytes) {
    fst24_file *f;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f) != FST24_OK) return cli_fail_lib(NULL);
    int damaged = cli_warn_damage(path, f);
    fst24_query *q;
    if (fst24_query_new(f, crit, NULL, &q) != FST24_OK) {
        fst24_close(f);
        return cli_fail_lib(path);
    }
    int64_t n = fst24_num_records(f), i = 0;
    int digits = 1;
    for (int64_t v = n; v >= 10; v /= 10) digits++;
    fst24_record r;
    int st;
    printf("%s (%s)\n", path, fst24_file_backend(f) == FST24_BACKEND_RSF ? "RSF" : "XDF");
    while ((st = fst24_query_next(q, &r)) == 1) {
        if (i % 70 == 0) print_ls_header(digits, decode);
        char letters[3];
        fst24_type_letters(r.data_type, letters);
        printf(" %*lld- %s %s %s %9d %9d %9d ", digits, (long long)i, r.nomvar, r.typvar, r.etiket,
               r.ni, r.nj, r.nk);
        if (decode) {
            char dateo[32], datev[32], level[64];
            format_date(r.dateo, dateo, sizeof dateo);
            format_date(r.datev, datev, sizeof datev);
            /* descriptor records carry grid codes, not levels, in their IPs (librmn's rule) */
            char text[32] = "---";
            if (r.nomvar[0] != '>' && r.nomvar[0] != '^' && r.nomvar[0] != '!' && r.nomvar[0] != '<')
                fst24_ip_format(r.ip1, text, sizeof text);
            snprintf(level, sizeof level, "%15s", text);
            printf("%s%s%s %9d %9d %8d %8d %-2s%2d %3d %s %5d %5d %5d %5d\n", dateo, datev, level,
                   r.ip2, r.ip3, r.deet, r.npas, letters, r.pack_bits, r.data_bits, r.grtyp, r.ig1,
                   r.ig2, r.ig3, r.ig4);
        } else {
            printf("%09d %9d %9d %9d %-2s%2d %3d\n", r.dateo, r.ip1, r.ip2, r.ip3, letters,
                   r.pack_bits, r.data_bits);
        }
        *total_bytes += r.total_stored_bytes;
        i++;
    }
    *total_records += i;
    fst24_query_free(q);
    fst24_close(f);
    if (st < 0) return cli_fail_lib(path);
    return damaged;
}

int cmd_ls(int argc, char **argv) {
    int decode = 0, rc = 0, nfiles = 0;
    const char *where = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--decode")) decode = 1;
        else if (!strcmp(argv[i], "--where") && i + 1 < argc) where = argv[++i];
        else if (!strncmp(argv[i], "--where=", 8)) where = argv[i] + 8;
        else if (argv[i][0] == '-' && argv[i][1]) return cli_fail("ls: unknown option %s", argv[i]) + 1;
    }
    fst24_record crit;
    fst24_record_init_criteria(&crit);
    if (where && cli_parse_where(where, &crit)) return 2;
    int64_t records = 0, bytes = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--where")) { i++; continue; }
        if (argv[i][0] == '-' && argv[i][1]) continue;
        nfiles++;
        if (ls_file(argv[i], &crit, decode, &records, &bytes)) rc = 1;
    }
    if (!nfiles) return cli_fail("usage: fst24 ls [--decode] [--where K=V,...] FILE...") + 1;
    printf("\n%lld records in RPN standard file(s). Total data size %lld bytes (%.1f MB).\n",
           (long long)records, (long long)bytes, (double)bytes / 1048576.0);
    return rc;
}

int cmd_info(int argc, char **argv) {
    int rc = 0, nfiles = 0;
    for (int i = 1; i < argc; i++) {
        nfiles++;
        fst24_file *f;
        fst24_file_kind kind = fst24_detect(argv[i]);
        if (fst24_open(argv[i], FST24_MODE_READ, NULL, &f) != FST24_OK) {
            printf("%s: kind %s, INVALID: %s\n", argv[i], fst24_kind_name(kind), fst24_last_error());
            rc = 1;
            continue;
        }
        fst24_file_info in;
        fst24_file_get_info(f, &in);
        printf("%s\n  backend: %s\n  format: %s\n  records: %lld\n  deleted: %lld\n  size: %lld bytes\n",
               argv[i], in.backend == FST24_BACKEND_RSF ? "RSF" : "XDF", fst24_kind_name(in.kind),
               (long long)in.num_records,
               (long long)in.num_deleted, (long long)in.file_size);
        if (in.kind == FST24_KIND_XDF || in.kind == FST24_KIND_RSF)
            printf("  %s: %d\n", in.backend == FST24_BACKEND_RSF ? "segments" : "directory pages",
                   in.num_pages);
        if (in.checksum_errors) printf("  checksum errors: %d\n", in.checksum_errors);
        if (in.writer_active)
            printf("  writer: another process has it open for writing (what it has not flushed is not shown)\n");
        if (in.recovered) printf("  valid: recovered (%s)\n", in.warning);
        else printf("  valid: %s\n", in.checksum_errors ? "readable, with directory checksum errors" : "yes");
        fst24_close(f);
    }
    if (!nfiles) return cli_fail("usage: fst24 info FILE...") + 1;
    return rc;
}

static void usage(FILE *o) {
    fprintf(o,
            "usage: fst24 COMMAND [ARGS]\n"
            "  ls [--decode] [--where K=V,...] FILE...   list records (voir-like)\n"
            "  info FILE...                              backend, record counts, size, validity\n"
            "  dump [--jsonl] [--nodata] [--no-missing-decode] [--where K=V,...] FILE\n"
            "                                            one JSON object per record\n"
            "  ip CODE... | ip VALUE --kind K [--old]    decode / encode IP level codes\n"
            "  date STAMP | date YYYY-MM-DDTHH:MM[:SS]   decode / encode CMC date stamps\n"
            "  grid FILE [--where K=V,...]               grid description and lat/lon summary\n"
            "  check FILE...                             structural validation (XDF and RSF)\n"
            "  convert --backend rsf|xdf IN OUT          copy every record to another backend\n"
            "  repair IN OUT                             copy what can be recovered of a damaged file\n"
            "  version                                   library version\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    static const struct { const char *name; int (*fn)(int, char **); } cmds[] = {
        {"ls", cmd_ls}, {"info", cmd_info}, {"dump", cmd_dump}, {"ip", cmd_ip},
        {"date", cmd_date}, {"grid", cmd_grid}, {"check", cmd_check}, {"convert", cmd_convert},
        {"repair", cmd_repair},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(cmd, cmds[i].name)) return cmds[i].fn(argc - 1, argv + 1);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("fst24 %s\n", fst24_version());
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return cli_fail("unknown command \"%s\"", cmd) + 1;
}
