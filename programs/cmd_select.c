/* fst24 select IN... -o OUT: copy the selected records of one or more files
 * into a new (or, with --append, an existing) file, optionally editing their
 * headers (editfst). Payloads are copied unchanged unless a zap changes the
 * encoding (datyp, nbits): then the data are decoded and written again. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

const char cli_help_select[] =
    "usage: fst24 select IN... -o OUT [--where SPEC]... [--exclude SPEC]... [--zap FIELD=VALUE]...\n"
    "                    [--backend xdf|rsf] [--append]\n"
    "Copy the selected records of the input files, in order, into OUT (editfst). The stored\n"
    "payloads are copied unchanged (no decoding) unless a zap changes the encoding; the output\n"
    "is written sequentially, so it is always a dense file (also from sparse parallel RSF\n"
    "inputs). A new OUT is written under a temporary name and renamed when complete, so a\n"
    "failure never leaves a half-written OUT. OUT may not be one of the inputs.\n"
    "\n"
    "options:\n"
    "  -o, --output OUT  the output file (created or replaced; see --append)\n"
    "  --append          add the records to OUT if it exists (its backend is kept)\n"
    "  --backend B       xdf or rsf for a new OUT (default: the backend of the first input)\n"
    "  --zap FIELD=VALUE[,FIELD=VALUE...]   edit the copied headers (repeatable):\n"
    "                      nomvar typvar etiket grtyp   names (upper-cased)\n"
    "                      ip1 ip2 ip3       a code, or a value with a unit (500mb, 0.995sg, 10m, 12h),\n"
    "                                        stored as the new-style code\n"
    "                      datev dateo       an ISO date (2024-01-15T12:00) or a CMC stamp; after a\n"
    "                                        datev zap dateo follows from datev, deet and npas\n"
    "                      deet npas ig1 ig2 ig3 ig4   integers (dateo is kept, datev follows)\n"
    "                      datyp nbits       a new encoding: the data are decoded and re-encoded\n"
    CLI_WHERE_HELP
    "\n"
    "examples:\n"
    "  fst24 select model.fst -o tt.fst --where nomvar=TT --where nomvar=GZ,ip1=500mb\n"
    "  fst24 select run*.rsf -o merged.fst --backend xdf --exclude typvar=X\n"
    "  fst24 select model.fst -o renamed.fst --where nomvar=TT --zap nomvar=TX,etiket=TEST\n"
    "\n"
    "exit status: 0 success, 1 a file could not be read or written (a new OUT is then not\n"
    "created) or an input is damaged (OUT holds what could be trusted), 2 usage error (also:\n"
    "OUT is one of the inputs)\n";

/* ---- zaps ------------------------------------------------------------------ */

typedef enum zap_kind { Z_STRING, Z_IP, Z_DATEV, Z_DATEO, Z_INT, Z_ENCODING } zap_kind;

typedef struct zap {
    char field[16];
    zap_kind kind;
    char text[16];  /* Z_STRING value */
    int32_t value;  /* the others */
} zap;

typedef struct zap_list {
    zap items[64];
    int n;
} zap_list;

static int32_t *zap_slot(fst24_record *r, const char *field) {
    if (!strcmp(field, "ip1")) return &r->ip1;
    if (!strcmp(field, "ip2")) return &r->ip2;
    if (!strcmp(field, "ip3")) return &r->ip3;
    if (!strcmp(field, "deet")) return &r->deet;
    if (!strcmp(field, "npas")) return &r->npas;
    if (!strcmp(field, "ig1")) return &r->ig1;
    if (!strcmp(field, "ig2")) return &r->ig2;
    if (!strcmp(field, "ig3")) return &r->ig3;
    if (!strcmp(field, "ig4")) return &r->ig4;
    if (!strcmp(field, "datyp") || !strcmp(field, "data_type")) return &r->data_type;
    if (!strcmp(field, "nbits") || !strcmp(field, "pack_bits")) return &r->pack_bits;
    return NULL;
}

static int parse_i32(const char *s, int32_t *v) {
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (end == s || *end || errno || x < INT32_MIN || x > INT32_MAX) return -1;
    *v = (int32_t)x;
    return 0;
}

static int parse_zap_item(const char *item, zap *z) {
    const char *eq = strchr(item, '=');
    if (!eq || eq == item) return cli_usage("select", "--zap: \"%s\" is not FIELD=VALUE", item);
    size_t flen = (size_t)(eq - item);
    if (flen >= sizeof z->field) return cli_usage("select", "--zap: unknown field in \"%s\"", item);
    memcpy(z->field, item, flen);
    z->field[flen] = '\0';
    const char *v = eq + 1, *f = z->field;
    fst24_record probe;
    fst24_record_init(&probe);
    if (!strcmp(f, "nomvar") || !strcmp(f, "typvar") || !strcmp(f, "etiket") || !strcmp(f, "grtyp")) {
        if (fst24_record_set_string(&probe, f, v) != FST24_OK)
            return cli_usage("select", "--zap %s: %s", item, fst24_last_error());
        z->kind = Z_STRING;
        snprintf(z->text, sizeof z->text, "%s", v);
        return 0;
    }
    if (!strcmp(f, "datev") || !strcmp(f, "dateo")) {
        z->kind = !strcmp(f, "datev") ? Z_DATEV : Z_DATEO;
        if (parse_i32(v, &z->value) == 0) return 0;
        if (fst24_iso_to_stamp(v, 0, &z->value) != FST24_OK)
            return cli_usage("select", "--zap %s: %s", item, fst24_last_error());
        return 0;
    }
    if (!zap_slot(&probe, f))
        return cli_usage("select",
                         "--zap: unknown field \"%s\" (nomvar typvar etiket grtyp ip1 ip2 ip3 datev dateo deet npas "
                         "ig1 ig2 ig3 ig4 datyp nbits)", f);
    if (f[0] == 'i' && f[1] == 'p') {
        z->kind = Z_IP;
        if (parse_i32(v, &z->value) == 0) {
            if (z->value < 0 || z->value > 0xFFFFFFF)
                return cli_usage("select", "--zap %s: an IP code is an integer 0..268435455", item);
            return 0;
        }
        float value;
        int kind, n;
        int32_t codes[3];
        if (fst24_ip_parse(v, &value, &kind) != FST24_OK ||
            fst24_ip_codes_of(value, kind, f[2] - '0', codes, &n) != FST24_OK)
            return cli_usage("select", "--zap %s: %s", item, fst24_last_error());
        z->value = codes[0];
        return 0;
    }
    z->kind = (!strcmp(f, "datyp") || !strcmp(f, "data_type") || !strcmp(f, "nbits") || !strcmp(f, "pack_bits"))
                  ? Z_ENCODING
                  : Z_INT;
    if (parse_i32(v, &z->value)) return cli_usage("select", "--zap %s: not an integer", item);
    return 0;
}

static int parse_zap(const char *spec, zap_list *zl) {
    char buf[1024];
    if (strlen(spec) >= sizeof buf) return cli_usage("select", "--zap: too long (%zu characters)", strlen(spec));
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (zl->n >= (int)(sizeof zl->items / sizeof zl->items[0])) return cli_usage("select", "too many --zap");
        if (parse_zap_item(tok, &zl->items[zl->n])) return 2;
        zl->n++;
    }
    return 0;
}

/* Apply the zaps to a copy of the header; 1 if the encoding changes. */
static int apply_zaps(const zap_list *zl, const fst24_record *src, fst24_record *r) {
    *r = *src;
    for (int k = 0; k < zl->n; k++) {
        const zap *z = &zl->items[k];
        switch (z->kind) {
        case Z_STRING: fst24_record_set_string(r, z->field, z->text); break;
        case Z_DATEV:
            r->datev = z->value;
            r->dateo = -1; /* derived from datev, deet and npas when written */
            break;
        case Z_DATEO: r->dateo = z->value; break;
        default: *zap_slot(r, z->field) = z->value;
        }
    }
    return r->data_type != src->data_type || r->pack_bits != src->pack_bits;
}

/* ---- copying ------------------------------------------------------------- */

/* Decode and write again with the zapped encoding, keeping extended metadata. */
static int reencode(fst24_file *out, const fst24_record *src, fst24_record *hdr, int *dropped) {
    cli_values v;
    int st = cli_values_read(src, &v);
    if (st) return st;
    size_t len = 0;
    char *meta = NULL;
    st = fst24_read_ext_meta(src, NULL, 0, &len);
    if (st == FST24_OK && len) {
        meta = malloc(len + 1);
        if (!meta) st = FST24_E_NOMEM;
        else st = fst24_read_ext_meta(src, meta, len + 1, &len);
    }
    if (meta && fst24_file_backend(out) != FST24_BACKEND_RSF) {
        free(meta);
        meta = NULL;
        *dropped = 1;
    }
    if (st == FST24_OK) {
        hdr->file = NULL;
        hdr->entry = -1;
        st = fst24_write(out, hdr, v.data, v.type, FST24_REWRITE_NO, meta);
    }
    free(meta);
    cli_values_free(&v);
    return st;
}

typedef struct select_job {
    const char *out_path;
    fst24_file *out;
    const cli_selection *sel;
    const zap_list *zaps;
    long long copied, dropped_meta;
    int damaged; /* inputs the library recovered only in part */
} select_job;

static int copy_from(select_job *job, const char *path) {
    fst24_file *in;
    int damaged;
    if (cli_open_input(path, &in, &damaged)) return 1;
    job->damaged += damaged;
    fst24_query *q;
    if (cli_selection_query(job->sel, in, &q) != FST24_OK) {
        fst24_close(in);
        return cli_fail_file(path);
    }
    fst24_record r, hdr;
    int st, rc = 0;
    while (!rc && (st = cli_selection_next(job->sel, q, &r)) == 1) {
        int dropped = 0;
        int reenc = apply_zaps(job->zaps, &r, &hdr);
        int w = reenc ? reencode(job->out, &r, &hdr, &dropped)
                      : fst24_copy_record(job->out, &r, &hdr, FST24_REWRITE_NO, NULL, &dropped);
        if (w != FST24_OK) {
            char d[256];
            cli_describe_record(&r, d, sizeof d);
            rc = cli_fail("select: %s: record %s -> %s: %s", path, d, job->out_path, fst24_last_error());
        }
        job->copied += w == FST24_OK;
        job->dropped_meta += dropped;
    }
    if (!rc && st < 0) rc = cli_fail_file(path);
    fst24_query_free(q);
    fst24_close(in);
    return rc;
}

static int same_file(const struct stat *a, const struct stat *b) { return a->st_dev == b->st_dev && a->st_ino == b->st_ino; }

int cmd_select(int argc, char **argv) {
    const char *out_path = NULL, *backend_text = NULL, *v;
    int append = 0, rc = 0, nin = 0;
    cli_selection sel = {0};
    static zap_list zaps;
    memset(&zaps, 0, sizeof zaps);
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    if (!inputs) return cli_fail("select: out of memory");
    for (int i = 1; i < argc && !rc; i++) {
        int r = cli_selection_option(&sel, "select", argc, argv, &i);
        if (r < 0) rc = 2;
        else if (r > 0) continue;
        else if ((r = cli_opt_value("select", argc, argv, &i, "--output", &out_path)) != 0 ||
                 (r = cli_opt_value("select", argc, argv, &i, "-o", &out_path)) != 0)
            rc = r < 0 ? 2 : 0;
        else if ((r = cli_opt_value("select", argc, argv, &i, "--backend", &backend_text)) != 0) rc = r < 0 ? 2 : 0;
        else if ((r = cli_opt_value("select", argc, argv, &i, "--zap", &v)) != 0) rc = r < 0 ? 2 : parse_zap(v, &zaps);
        else if (!strcmp(argv[i], "--append")) append = 1;
        else if (cli_is_option(argv[i])) rc = cli_usage("select", "unknown option %s", argv[i]);
        else inputs[nin++] = argv[i];
    }
    fst24_open_options oo = {0};
    if (!rc && backend_text) {
        if (!strcasecmp(backend_text, "xdf")) oo.backend = FST24_BACKEND_XDF;
        else if (!strcasecmp(backend_text, "rsf")) oo.backend = FST24_BACKEND_RSF;
        else rc = cli_usage("select", "--backend must be xdf or rsf, not \"%s\"", backend_text);
    }
    if (!rc && !nin) rc = cli_usage("select", "missing input FILE");
    if (!rc && !out_path) rc = cli_usage("select", "missing -o OUT");
    struct stat ost;
    int out_exists = !rc && stat(out_path, &ost) == 0;
    for (int k = 0; k < nin && !rc && out_exists; k++) {
        struct stat ist;
        if (stat(inputs[k], &ist) == 0 && same_file(&ist, &ost))
            rc = cli_usage("select", "the output %s is also an input (%s): write to another file", out_path,
                           inputs[k]);
    }
    if (rc) {
        free(inputs);
        cli_selection_free(&sel);
        return rc;
    }

    /* A new output is written under a temporary name, then renamed. */
    char *tmp = NULL;
    fst24_file *out = NULL;
    if (append && out_exists) {
        if (fst24_open(out_path, FST24_MODE_UPDATE, NULL, &out) != FST24_OK) rc = cli_fail_file(out_path);
        else if (oo.backend && fst24_file_backend(out) != oo.backend)
            rc = cli_fail("select: %s is an %s file: --append keeps its backend", out_path,
                          fst24_file_backend(out) == FST24_BACKEND_RSF ? "RSF" : "XDF");
    } else {
        if (!oo.backend) {
            fst24_file *first = NULL;
            if (fst24_open(inputs[0], FST24_MODE_READ, NULL, &first) != FST24_OK) rc = cli_fail_file(inputs[0]);
            else oo.backend = fst24_file_backend(first);
            fst24_close(first);
        }
        size_t n = strlen(out_path) + 48;
        tmp = malloc(n);
        if (!tmp) rc = cli_fail("select: out of memory");
        else snprintf(tmp, n, "%s.fst24-select-%ld.tmp", out_path, (long)getpid());
        if (!rc && fst24_open(tmp, FST24_MODE_CREATE, &oo, &out) != FST24_OK) {
            rc = cli_fail("select: cannot create %s: %s", out_path, fst24_last_error());
            unlink(tmp);
        }
    }
    const char *backend_name = out && fst24_file_backend(out) == FST24_BACKEND_RSF ? "RSF" : "XDF";
    select_job job = {out_path, out, &sel, &zaps, 0, 0, 0};
    for (int k = 0; k < nin && !rc; k++) rc = copy_from(&job, inputs[k]);
    if (out && fst24_close(out) != FST24_OK && !rc) rc = cli_fail_file(out_path);
    /* the rename replaces OUT: never under another writer */
    if (tmp && !rc && fst24_check_unlocked(out_path) != FST24_OK) rc = cli_fail_lib("select");
    if (tmp && !rc && rename(tmp, out_path) != 0)
        rc = cli_fail("select: cannot rename the finished output to %s: %s", out_path, strerror(errno));
    if (tmp && rc) unlink(tmp);
    if (!rc) {
        printf("%lld record%s %s %s (%s)\n", job.copied, job.copied == 1 ? "" : "s",
               append && out_exists ? "appended to" : "written to", out_path, backend_name);
    }
    if (job.dropped_meta)
        fprintf(stderr, "fst24: select: %lld records lost their extended metadata (%s is XDF, which cannot store it)\n",
                job.dropped_meta, out_path);
    free(tmp);
    free(inputs);
    cli_selection_free(&sel);
    return rc ? rc : job.damaged ? 1 : 0;
}
