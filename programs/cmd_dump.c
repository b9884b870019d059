/* fst24 dump: one JSON object per record with the keys and meanings of the
 * corpus dumps made with librmn (header, decoded levels and dates, data
 * statistics and hashes), so that outputs can be compared line by line. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cli_help_dump[] =
    "usage: fst24 dump [--jsonl] [--nodata] [--no-missing-decode] [--where SPEC]... FILE\n"
    "One JSON object per line: first {\"kind\":\"file\",...} (backend, record count, missing-value\n"
    "sentinels), then one {\"kind\":\"record\",...} per record in search order with every header\n"
    "field, key, offset, decoded IPs and dates and, unless --nodata, data statistics (count, min,\n"
    "max, mean, nan_count, missing_count, first8, FNV-1a hashes) and RSF extended metadata.\n"
    "\n"
    "options:\n"
    "  --jsonl              JSON lines (the only format; accepted for compatibility)\n"
    "  --nodata             headers only (no decoding)\n"
    "  --no-missing-decode  keep the stored values of missing points instead of the sentinels\n"
    CLI_WHERE_HELP
    "\n"
    "example:\n"
    "  fst24 dump --where nomvar=TT,ip1=500mb model.fst | jq .max\n"
    "\n"
    "exit status: 0 success, 1 a file or record could not be read, 2 usage error\n";

/* The reference dumps write non-finite numbers as strings. */
static void dump_num(FILE *o, double v, int is_float) {
    if (isnan(v)) fputs("\"NaN\"", o);
    else if (isinf(v)) fputs(v > 0 ? "\"Infinity\"" : "\"-Infinity\"", o);
    else fprintf(o, is_float ? "%.9g" : "%.17g", v);
}

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
static uint64_t fnv1a(uint64_t h, const void *buf, size_t n) {
    const unsigned char *p = buf;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= FNV_PRIME;
    }
    return h;
}

static void dump_ip(FILE *o, const char *name, int32_t ip) {
    float v = 0;
    int kind = -1;
    fst24_ip_decode(ip, &v, &kind);
    fprintf(o, ",\"%s_dec\":{\"value\":", name);
    dump_num(o, v, 1);
    fprintf(o, ",\"kind\":%d}", kind);
}

static void dump_date(FILE *o, const char *name, int32_t stamp) {
    int32_t d = 0, t = 0;
    int rc = fst24_stamp_to_printable(stamp, &d, &t);
    fprintf(o, ",\"%s_printable\":{\"rc\":%d,\"yyyymmdd\":%d,\"hhmmsshh\":%d}", name, rc, d, t);
}

/* Data statistics exactly as the reference dump computes them. */
static int dump_data(FILE *o, const fst24_record *r, int raw_missing) {
    cli_values v;
    memset(&v, 0, sizeof v);
    if (fst24_record_data_layout(r, &v.type, &v.count) != FST24_OK) return -1;
    size_t esize = fst24_elem_size(v.type), nbytes = v.count * esize;
    v.data = malloc(nbytes ? nbytes : 1);
    if (!v.data) return -1;
    fst24_read_options ro = {.raw_missing = raw_missing, .type = FST24_ELEM_NONE, .threads = 0};
    if (fst24_read_data(r, v.data, nbytes, &ro) != FST24_OK) {
        cli_values_free(&v);
        return -1;
    }
    fst24_get_missing_values(&v.mv);
    v.has_missing = (r->data_type & FST24_TYPE_MISSING_FLAG) != 0;
    uint64_t h = fnv1a(FNV_OFFSET, v.data, nbytes), h64 = FNV_OFFSET;
    double mn = INFINITY, mx = -INFINITY, sum = 0;
    long long nnan = 0, nmiss = 0;
    for (size_t i = 0; i < v.count; i++) {
        double x = cli_value(&v, i);
        h64 = fnv1a(h64, &x, sizeof x);
        if (isnan(x)) {
            nnan++;
            continue;
        }
        if (x < mn) mn = x;
        if (x > mx) mx = x;
        sum += x;
        nmiss += cli_value_missing(&v, i);
    }
    int isf = v.type == FST24_ELEM_F32;
    /* the reference dumps' element width: the stored bits for bit/char data */
    int base = r->data_type & FST24_TYPE_BASE_MASK;
    int elem_bits = (base == FST24_TYPE_BINARY || base == FST24_TYPE_CHAR || base == FST24_TYPE_STRING ||
                     base == FST24_TYPE_COMPLEX)
                        ? r->data_bits
                        : (int)esize * 8;
    fprintf(o, ",\"elem_bits\":%d,\"elem_type\":\"%s\",\"count\":%zu", elem_bits, fst24_elem_name(v.type), v.count);
    fputs(",\"min\":", o);
    dump_num(o, v.count ? mn : NAN, isf);
    fputs(",\"max\":", o);
    dump_num(o, v.count ? mx : NAN, isf);
    fputs(",\"mean\":", o);
    dump_num(o, (long long)v.count - nnan ? sum / (double)((long long)v.count - nnan) : NAN, 0);
    fprintf(o, ",\"nan_count\":%lld", nnan);
    if (v.has_missing) fprintf(o, ",\"missing_count\":%lld", nmiss);
    fprintf(o, ",\"hash\":\"%016llx\",\"hash_f64\":\"%016llx\"", (unsigned long long)h, (unsigned long long)h64);
    fputs(",\"first8\":[", o);
    for (size_t i = 0; i < v.count && i < 8; i++) {
        if (i) fputc(',', o);
        dump_num(o, cli_value(&v, i), isf);
    }
    fputc(']', o);
    if (base == FST24_TYPE_CHAR || base == FST24_TYPE_STRING) {
        fputs(",\"text\":", o);
        cli_json_str(o, v.data, v.count < 96 ? v.count : 96);
    }
    cli_values_free(&v);
    return 0;
}

static void dump_header(FILE *o, const fst24_record *r, int64_t seq) {
    fprintf(o, "{\"kind\":\"record\",\"seq\":%lld", (long long)seq);
    fputs(",\"nomvar\":", o);
    cli_json_str(o, r->nomvar, 4);
    fputs(",\"typvar\":", o);
    cli_json_str(o, r->typvar, 2);
    fputs(",\"etiket\":", o);
    cli_json_str(o, r->etiket, 12);
    fputs(",\"grtyp\":", o);
    cli_json_str(o, r->grtyp, 1);
    fprintf(o, ",\"ip1\":%d,\"ip2\":%d,\"ip3\":%d", r->ip1, r->ip2, r->ip3);
    fprintf(o, ",\"ni\":%d,\"nj\":%d,\"nk\":%d", r->ni, r->nj, r->nk);
    fprintf(o, ",\"dateo\":%d,\"datev\":%d,\"deet\":%d,\"npas\":%d", r->dateo, r->datev, r->deet, r->npas);
    fprintf(o, ",\"datyp\":%d,\"data_type\":%d,\"data_bits\":%d,\"pack_bits\":%d,\"nbits\":%d", r->data_type,
            r->data_type, r->data_bits, r->pack_bits, r->pack_bits);
    fprintf(o, ",\"ig1\":%d,\"ig2\":%d,\"ig3\":%d,\"ig4\":%d", r->ig1, r->ig2, r->ig3, r->ig4);
    fprintf(o, ",\"key\":%lld,\"file_index\":%d,\"file_offset\":%lld,\"total_stored_bytes\":%lld", (long long)r->key,
            r->file_index, (long long)r->file_offset, (long long)r->total_stored_bytes);
    fprintf(o, ",\"num_meta_bytes\":%d,\"fst_version\":%d,\"num_search_keys\":%d,\"extended_meta_size\":%d",
            r->num_meta_bytes, r->fst_version, r->num_search_keys, r->extended_meta_size);
    dump_ip(o, "ip1", r->ip1);
    dump_ip(o, "ip2", r->ip2);
    dump_ip(o, "ip3", r->ip3);
    fst24_ip_range p1 = {0, 0, 0}, p2 = {0, 0, 0}, p3 = {0, 0, 0};
    int st = fst24_ip123_decode(r->ip1, r->ip2, r->ip3, &p1, &p2, &p3);
    fprintf(o, ",\"decodeip\":{\"status\":%d,\"rp1\":[", st);
    dump_num(o, p1.v1, 1);
    fputc(',', o);
    dump_num(o, p1.v2, 1);
    fprintf(o, ",%d],\"rp2\":[", p1.kind);
    dump_num(o, p2.v1, 1);
    fputc(',', o);
    dump_num(o, p2.v2, 1);
    fprintf(o, ",%d],\"rp3\":[", p2.kind);
    dump_num(o, p3.v1, 1);
    fputc(',', o);
    dump_num(o, p3.v2, 1);
    fprintf(o, ",%d]}", p3.kind);
    dump_date(o, "dateo", r->dateo);
    dump_date(o, "datev", r->datev);
}

static void dump_ext_meta(FILE *o, const fst24_record *r, char **meta) {
    size_t len = 0;
    if (fst24_read_ext_meta(r, NULL, 0, &len) != FST24_OK || len == 0) return;
    char *m = realloc(*meta, len + 1);
    if (!m) return;
    *meta = m;
    if (fst24_read_ext_meta(r, m, len + 1, NULL) != FST24_OK) return;
    fputs(",\"ext_meta\":", o);
    cli_json_str(o, m, len);
}

int cmd_dump(int argc, char **argv) {
    int nodata = 0, raw_missing = 0, rc = 0;
    const char *path = NULL;
    cli_selection sel = {0};
    for (int i = 1; i < argc; i++) {
        int r = cli_selection_option(&sel, "dump", argc, argv, &i);
        if (r < 0) {
            cli_selection_free(&sel);
            return 2;
        }
        if (r > 0) continue;
        if (!strcmp(argv[i], "--jsonl")) continue;
        if (!strcmp(argv[i], "--nodata")) nodata = 1;
        else if (!strcmp(argv[i], "--no-missing-decode")) raw_missing = 1;
        else if (cli_is_option(argv[i])) rc = cli_usage("dump", "unknown option %s", argv[i]);
        else if (!path) path = argv[i];
        else rc = cli_usage("dump", "only one FILE (got %s and %s)", path, argv[i]);
        if (rc) break;
    }
    if (!rc && !path) rc = cli_usage("dump", "missing FILE");
    if (rc) {
        cli_selection_free(&sel);
        return rc;
    }
    fst24_file *f;
    int damaged;
    if (cli_open_input(path, &f, &damaged)) {
        cli_selection_free(&sel);
        return 1;
    }
    fst24_missing_values mv;
    fst24_get_missing_values(&mv);
    FILE *o = stdout;
    fprintf(o, "{\"kind\":\"file\",\"path\":");
    cli_json_str(o, path, 4096);
    fprintf(o, ",\"backend\":\"%s\",\"num_records\":%lld,\"missing_decode\":%d",
            fst24_file_backend(f) == FST24_BACKEND_RSF ? "RSF" : "XDF", (long long)fst24_num_records(f), !raw_missing);
    fputs(",\"missing_values\":{\"f32\":", o);
    dump_num(o, mv.f32, 1);
    fputs(",\"f64\":", o);
    dump_num(o, mv.f64, 0);
    fprintf(o, ",\"i32\":%d,\"u32\":%u,\"i16\":%d,\"u16\":%u,\"i8\":%d,\"u8\":%u}", mv.i32, mv.u32, mv.i16, mv.u16,
            mv.i8, mv.u8);
    fputs(",\"hash\":\"fnv1a64\"}\n", o);
    fst24_query *q;
    if (cli_selection_query(&sel, f, &q) != FST24_OK) {
        fst24_close(f);
        cli_selection_free(&sel);
        return cli_fail_file(path);
    }
    fst24_record r;
    int64_t seq = 0;
    int errors = 0, st;
    char *meta = NULL;
    while ((st = cli_selection_next(&sel, q, &r)) == 1) {
        dump_header(o, &r, seq++);
        if (!nodata && dump_data(o, &r, raw_missing) != 0) {
            fprintf(o, ",\"read_error\":");
            cli_json_str(o, fst24_last_error(), 1024);
            cli_fail_file(path);
            errors++;
        }
        dump_ext_meta(o, &r, &meta);
        fputs("}\n", o);
    }
    free(meta);
    if (st < 0) errors++, cli_fail_file(path);
    fst24_query_free(q);
    if (fst24_close(f) != FST24_OK) errors++, cli_fail_file(path);
    cli_selection_free(&sel);
    return errors || damaged ? 1 : 0;
}
