/* fst24 ls: one line per record in the style of voir, with the columns
 * chosen by --style, as text, JSON or CSV. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cli_help_ls[] =
    "usage: fst24 ls [--style STYLE] [--format text|json|csv] [--where SPEC]... FILE...\n"
    "List the records of each file, one line per record, in directory order. The default\n"
    "columns are those of voir: NOMV TV ETIQUETTE NI NJ NK (DATE-O h m s) IP1 IP2 IP3 DEET NPAS\n"
    "DTY G IG1 IG2 IG3 IG4 (DTY: type letter, lower case when compressed, 'm' when missing values\n"
    "are flagged, then the stored bits).\n"
    "\n"
    "options:\n"
    "  --style STYLE     a preset or a comma list of columns (NAME or NAME:WIDTH):\n"
    "                      voir     the default above\n"
    "                      levels   voir -style: valid date and decoded level instead of DATE-O\n"
    "                      summary  librmn's fst24 summary: NOMV TV ETIQUETTE NI NJ NK DATE-O(stamp)\n"
    "                               IP1 IP2 IP3 DTYP SIZ\n"
    "                      decode   summary with printable dates, level, DEET, NPAS and grid\n"
    "                      all      every column\n"
    "                    columns: nomvar typvar etiket ni nj nk dateo datev stampo stampv level\n"
    "                    ip1 ip2 ip3 deet npas dty datyp nbits dasiz dtyp grtyp ig1 ig2 ig3 ig4\n"
    "                    grid (= grtyp,ig1..ig4) key bytes\n"
    "  --decode          same as --style decode\n"
    "  --format FORMAT   text (default), json (an array of objects, one per record, with a \"file\"\n"
    "                    key; dates as ISO 8601 text) or csv (a header line, then one line per record)\n"
    CLI_WHERE_HELP
    "\n"
    "examples:\n"
    "  fst24 ls model.fst\n"
    "  fst24 ls --style levels --where nomvar=TT,ip1=850mb..500mb model.fst\n"
    "  fst24 ls --style nomvar,ip1,level,datev --format csv model.fst\n"
    "\n"
    "exit status: 0 success, 1 a file could not be read, 2 usage error\n";

typedef enum { V_INT, V_STR, V_NULL } value_kind;
typedef struct cell {
    value_kind kind;
    long long i;
    char s[48];
} cell;

typedef struct column {
    const char *name, *header;
    int width;
    int left;     /* strings: left aligned */
    int zero_pad; /* integers: zero padded (stamps) */
    void (*get)(const fst24_record *r, int text, cell *c);
} column;

static void set_int(cell *c, long long v) {
    c->kind = V_INT;
    c->i = v;
}
static void set_str(cell *c, const char *s) {
    c->kind = V_STR;
    snprintf(c->s, sizeof c->s, "%s", s);
}

static void g_nomvar(const fst24_record *r, int t, cell *c) { (void)t, set_str(c, r->nomvar); }
static void g_typvar(const fst24_record *r, int t, cell *c) { (void)t, set_str(c, r->typvar); }
static void g_etiket(const fst24_record *r, int t, cell *c) { (void)t, set_str(c, r->etiket); }
static void g_grtyp(const fst24_record *r, int t, cell *c) { (void)t, set_str(c, r->grtyp); }
#define INT_GETTER(field)                                                                           \
    static void g_##field(const fst24_record *r, int t, cell *c) { (void)t, set_int(c, r->field); }
INT_GETTER(ni)
INT_GETTER(nj)
INT_GETTER(nk)
INT_GETTER(ip1)
INT_GETTER(ip2)
INT_GETTER(ip3)
INT_GETTER(deet)
INT_GETTER(npas)
INT_GETTER(data_type)
INT_GETTER(pack_bits)
INT_GETTER(data_bits)
INT_GETTER(ig1)
INT_GETTER(ig2)
INT_GETTER(ig3)
INT_GETTER(ig4)
INT_GETTER(dateo)
INT_GETTER(datev)
INT_GETTER(key)
INT_GETTER(total_stored_bytes)

/* Text: "YYYYMMDD hhmmss" as voir prints it; JSON/CSV: ISO 8601. */
static void date_cell(int32_t stamp, int text, cell *c) {
    int32_t d = 0, t = 0;
    if (stamp == 0 || fst24_stamp_to_printable(stamp, &d, &t) != 0) {
        fst24_clear_error();
        if (text) set_str(c, "-");
        else c->kind = V_NULL;
        return;
    }
    if (text) {
        c->kind = V_STR;
        snprintf(c->s, sizeof c->s, "%08d %06d", d, t / 100);
    } else {
        cli_iso_date(stamp, c->s);
        c->kind = V_STR;
    }
}
static void g_dateo_print(const fst24_record *r, int t, cell *c) { date_cell(r->dateo, t, c); }
static void g_datev_print(const fst24_record *r, int t, cell *c) { date_cell(r->datev, t, c); }

static void g_level(const fst24_record *r, int t, cell *c) {
    (void)t;
    c->kind = V_STR;
    cli_level_text(r, c->s);
}

/* "E 32": type letter(s) and stored bits (voir's DTY) */
static void g_dty(const fst24_record *r, int t, cell *c) {
    (void)t;
    char letters[3];
    fst24_type_letters(r->data_type, letters);
    c->kind = V_STR;
    snprintf(c->s, sizeof c->s, "%c%c%2d", letters[0], letters[1] ? letters[1] : ' ', r->pack_bits);
}

/* "E 32  32": letters, stored bits, element bits (librmn's summary DTYP SIZ) */
static void g_dtyp(const fst24_record *r, int t, cell *c) {
    (void)t;
    char letters[3];
    fst24_type_letters(r->data_type, letters);
    c->kind = V_STR;
    snprintf(c->s, sizeof c->s, "%-2s%2d %3d", letters, r->pack_bits, r->data_bits);
}

static const column columns[] = {
    {"nomvar", "NOMV", 4, 1, 0, g_nomvar},
    {"typvar", "TV", 2, 1, 0, g_typvar},
    {"etiket", "ETIQUETTE", 12, 1, 0, g_etiket},
    {"ni", "NI", 7, 0, 0, g_ni},
    {"nj", "NJ", 7, 0, 0, g_nj},
    {"nk", "NK", 5, 0, 0, g_nk},
    {"dateo", "(DATE-O  h m s)", 15, 1, 0, g_dateo_print},
    {"datev", "(DATE-V  h m s)", 15, 1, 0, g_datev_print},
    {"stampo", "STAMP-O", 9, 0, 1, g_dateo},
    {"stampv", "STAMP-V", 9, 0, 1, g_datev},
    {"level", "LEVEL", 15, 0, 0, g_level},
    {"ip1", "IP1", 9, 0, 0, g_ip1},
    {"ip2", "IP2", 9, 0, 0, g_ip2},
    {"ip3", "IP3", 9, 0, 0, g_ip3},
    {"deet", "DEET", 8, 0, 0, g_deet},
    {"npas", "NPAS", 8, 0, 0, g_npas},
    {"dty", "DTY", 4, 1, 0, g_dty},
    {"datyp", "DATYP", 5, 0, 0, g_data_type},
    {"nbits", "NBITS", 5, 0, 0, g_pack_bits},
    {"dasiz", "SIZ", 3, 0, 0, g_data_bits},
    {"dtyp", "DTYP SIZ", 8, 1, 0, g_dtyp},
    {"grtyp", "G", 1, 1, 0, g_grtyp},
    {"ig1", "IG1", 5, 0, 0, g_ig1},
    {"ig2", "IG2", 5, 0, 0, g_ig2},
    {"ig3", "IG3", 5, 0, 0, g_ig3},
    {"ig4", "IG4", 5, 0, 0, g_ig4},
    {"key", "KEY", 12, 0, 0, g_key},
    {"bytes", "BYTES", 10, 0, 0, g_total_stored_bytes},
};
enum { NUM_COLUMNS = sizeof columns / sizeof columns[0], MAX_SHOWN = 64 };

typedef struct shown {
    const column *col;
    int width;
    const char *header;
} shown;

typedef struct preset {
    const char *name, *spec;
} preset;

/* NAME[:WIDTH][:HEADER] lists; the header override is for the presets only. */
static const preset presets[] = {
    {"voir", "nomvar,typvar,etiket,ni,nj,nk,dateo,ip1,ip2,ip3,deet,npas,dty,grid"},
    {"levels", "nomvar,typvar,etiket,ni,nj,nk,datev,level,ip1,ip2,ip3,deet,npas,dty,grid"},
    {"summary", "nomvar,typvar,etiket,ni:9,nj:9,nk:9,stampo:9:DATE-O,ip1,ip2,ip3,dtyp"},
    {"decode", "nomvar,typvar,etiket,ni:9,nj:9,nk:9,dateo,datev,level,ip2,ip3,deet,npas,dtyp,grid"},
    {"all", "nomvar,typvar,etiket,ni,nj,nk,dateo,datev,stampo,stampv,level,ip1,ip2,ip3,deet,npas,dty,datyp,"
            "nbits,dasiz,grid,key,bytes"},
};

static int add_shown(shown *out, int *n, const char *name, int width, const char *header) {
    if (!strcmp(name, "grid")) {
        static const char *const g[] = {"grtyp", "ig1", "ig2", "ig3", "ig4"};
        for (int k = 0; k < 5; k++)
            if (add_shown(out, n, g[k], 0, NULL)) return -1;
        return 0;
    }
    for (size_t c = 0; c < NUM_COLUMNS; c++) {
        if (strcmp(name, columns[c].name)) continue;
        if (*n >= MAX_SHOWN) return -1;
        out[*n].col = &columns[c];
        out[*n].width = width > 0 ? width : columns[c].width;
        out[*n].header = header ? header : columns[c].header;
        (*n)++;
        return 0;
    }
    return -1;
}

/* Parse a style into columns; -1 with a usage error printed. Header
 * overrides point into `keep` (which must outlive the columns). */
static int parse_style(const char *style, shown *out, int *n, char *keep, size_t keepsz) {
    for (size_t p = 0; p < sizeof presets / sizeof presets[0]; p++)
        if (!strcmp(style, presets[p].name)) style = presets[p].spec;
    if (strlen(style) >= keepsz) return cli_usage("ls", "--style: too long"), -1;
    snprintf(keep, keepsz, "%s", style);
    *n = 0;
    for (char *save = NULL, *tok = strtok_r(keep, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int width = 0;
        const char *header = NULL;
        char *colon = strchr(tok, ':');
        if (colon) {
            *colon = '\0';
            char *end, *colon2 = strchr(colon + 1, ':');
            if (colon2) {
                *colon2 = '\0';
                header = colon2 + 1;
            }
            width = (int)strtol(colon + 1, &end, 10);
            if (end == colon + 1 || *end || width < 1 || width > 40)
                return cli_usage("ls", "--style: width of column %s must be 1..40", tok), -1;
        }
        if (add_shown(out, n, tok, width, header))
            return cli_usage("ls", "--style: unknown column \"%s\" (or too many columns)", tok), -1;
    }
    if (*n == 0) return cli_usage("ls", "--style: no column"), -1;
    return 0;
}

static void text_cell(const shown *s, const cell *c) {
    if (c->kind == V_INT) printf(s->col->zero_pad ? " %0*lld" : " %*lld", s->width, c->i);
    else if (c->kind == V_STR) printf(s->col->left ? " %-*s" : " %*s", s->width, c->s);
    else printf(" %*s", s->width, "");
}

static void text_header(const shown *cols, int n, int digits) {
    printf("\n %*s ", digits, "");
    for (int k = 0; k < n; k++) {
        const char *h = cols[k].header;
        /* headers of right-aligned columns are right-aligned too */
        printf(cols[k].col->left ? " %-*s" : " %*s", cols[k].width, h);
    }
    printf("\n\n");
}

typedef struct ls_options {
    shown cols[MAX_SHOWN];
    int ncols;
    cli_format format;
    cli_rows rows;
    int64_t records, bytes;
} ls_options;

static int ls_file(const char *path, const cli_selection *sel, ls_options *o) {
    fst24_file *f;
    int damaged;
    if (cli_open_input(path, &f, &damaged)) return 1;
    fst24_query *q;
    if (cli_selection_query(sel, f, &q) != FST24_OK) {
        fst24_close(f);
        return cli_fail_file(path);
    }
    int64_t n = fst24_num_records(f), i = 0;
    int digits = 1;
    for (int64_t v = n; v >= 10; v /= 10) digits++;
    fst24_record r;
    int st;
    if (o->format == CLI_TEXT) printf("%s (%s)\n", path, fst24_file_backend(f) == FST24_BACKEND_RSF ? "RSF" : "XDF");
    while ((st = cli_selection_next(sel, q, &r)) == 1) {
        cell c;
        if (o->format == CLI_TEXT) {
            if (i % 70 == 0) text_header(o->cols, o->ncols, digits);
            printf(" %*lld-", digits, (long long)i);
            for (int k = 0; k < o->ncols; k++) {
                o->cols[k].col->get(&r, 1, &c);
                text_cell(&o->cols[k], &c);
            }
            putchar('\n');
        } else {
            cli_rows_start(&o->rows);
            cli_rows_str(&o->rows, "file", path);
            for (int k = 0; k < o->ncols; k++) {
                const char *name = o->cols[k].col->name;
                o->cols[k].col->get(&r, 0, &c);
                if (c.kind == V_INT) cli_rows_int(&o->rows, name, c.i);
                else if (c.kind == V_STR) cli_rows_str(&o->rows, name, c.s);
                else cli_rows_null(&o->rows, name);
            }
            cli_rows_end_row(&o->rows);
        }
        o->bytes += r.total_stored_bytes;
        i++;
    }
    o->records += i;
    fst24_query_free(q);
    fst24_close(f);
    if (st < 0) return cli_fail_file(path);
    return damaged;
}

int cmd_ls(int argc, char **argv) {
    static ls_options o; /* large; one per process */
    static char keep[1024];
    memset(&o, 0, sizeof o);
    const char *style = "voir", *format = "text";
    cli_selection sel = {0};
    int rc = 0, nfiles = 0;
    for (int i = 1; i < argc && !rc; i++) {
        int r = cli_selection_option(&sel, "ls", argc, argv, &i);
        if (r < 0) rc = 2;
        else if (r > 0) continue;
        else if ((r = cli_opt_value("ls", argc, argv, &i, "--style", &style)) != 0) rc = r < 0 ? 2 : 0;
        else if ((r = cli_opt_value("ls", argc, argv, &i, "--format", &format)) != 0) rc = r < 0 ? 2 : 0;
        else if (!strcmp(argv[i], "--decode")) style = "decode";
        else if (cli_is_option(argv[i])) rc = cli_usage("ls", "unknown option %s", argv[i]);
        else nfiles++;
    }
    if (!rc && !nfiles) rc = cli_usage("ls", "missing FILE");
    if (!rc && parse_style(style, o.cols, &o.ncols, keep, sizeof keep)) rc = 2;
    if (!rc && cli_parse_format("ls", format, 1, &o.format)) rc = 2;
    if (rc) {
        cli_selection_free(&sel);
        return rc;
    }
    if (o.format != CLI_TEXT) {
        const char *names[MAX_SHOWN + 1] = {"file"};
        for (int k = 0; k < o.ncols; k++) names[k + 1] = o.cols[k].col->name;
        cli_rows_begin(&o.rows, o.format, stdout);
        cli_rows_header(&o.rows, names, o.ncols + 1);
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--where") || !strcmp(argv[i], "--exclude") || !strcmp(argv[i], "--style") ||
            !strcmp(argv[i], "--format")) {
            i++;
            continue;
        }
        if (cli_is_option(argv[i])) continue;
        if (ls_file(argv[i], &sel, &o)) rc = 1;
    }
    if (o.format == CLI_TEXT)
        printf("\n%lld records in RPN standard file(s). Total data size %lld bytes (%.1f MB).\n", (long long)o.records,
               (long long)o.bytes, (double)o.bytes / 1048576.0);
    else cli_rows_end(&o.rows);
    cli_selection_free(&sel);
    return rc;
}
