/* Internal to the fst24 command-line tool. The tool uses only the public C
 * API (fst24.h): format knowledge lives in the library.
 *
 * Every sub-command is one line of CLI_COMMANDS below plus a file
 * programs/cmd_NAME.c that defines
 *     int cmd_NAME(int argc, char **argv);   argv[0] is NAME; returns the exit status
 *     const char cli_help_NAME[];            `fst24 NAME --help` (usage, options, an example)
 * The dispatcher (fst24.c) answers --help / -h for every command, so the
 * commands never see those options. Errors are one line on stderr
 * ("fst24: FILE: problem"); exit status 0 success, 1 failure, 2 usage error
 * (diff: 0 same, 1 different, 2 error). */
#ifndef FST24_CLI_H
#define FST24_CLI_H
#include <stdio.h>
#include "fst24.h"

/* X(name, one-line summary), in the order `fst24 --help` lists them. */
#define CLI_COMMANDS(X)                                                                 \
    X(ls, "list records: voir-like columns, --style, --format text|json|csv")           \
    X(info, "backend, record counts, size and validity of files")                      \
    X(dump, "one JSON object per record with header, decoded levels/dates, data stats") \
    X(stat, "per-record min, max, mean, std, count and missing count (fststat)")        \
    X(diff, "compare two files record by record (fstcomp); exit 0 same, 1 different")   \
    X(select, "copy selected records into a new or existing file, editing headers")    \
    X(rm, "delete the selected records of files in place")                             \
    X(convert, "copy every record into a file of the other backend, or to netCDF/Zarr")\
    X(repair, "copy what can be recovered of a damaged or crashed file into a new one") \
    X(check, "structural validation of XDF and RSF files, reading every record")        \
    X(grid, "grid description and lat/lon summary of the grids in a file")              \
    X(ip, "decode / encode IP level and time codes")                                   \
    X(date, "decode / encode CMC date-time stamps")                                     \
    X(version, "print the library version")

#define CLI_DECLARE(name, summary)        \
    int cmd_##name(int argc, char **argv); \
    extern const char cli_help_##name[];
CLI_COMMANDS(CLI_DECLARE)
#undef CLI_DECLARE

/* ---- errors (fst24.c) ----------------------------------------------------- */

/* Print "fst24: <message>" on stderr; returns 1. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* convert_python.c: outputs .nc / .zarr are converted by `python -m fst24.convert` */
int cli_convert_wants_python(int argc, char **argv);
int cli_convert_python(int argc, char **argv);
/* "fst24: [what: ]<fst24_last_error()>"; returns 1. */
int cli_fail_lib(const char *what);
/* The library's message, prefixed with `path` unless it already names it; returns 1. */
int cli_fail_file(const char *path);
/* A usage error of command `cmd`: one line ending with the usage line of its
 * help text; returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- inputs (input.c) ------------------------------------------------------ */

/* Open a file to read: 0, or 1 with the error printed. *damaged is set (and
 * the damage printed on stderr) when the library recovered only part of it;
 * the command then does its job and exits non-zero. */
int cli_open_input(const char *path, fst24_file **f, int *damaged);

/* ---- arguments (fst24.c) -------------------------------------------------- */

/* 1 if `arg` looks like an option ("-x", "--xx"; not "-" alone). */
int cli_is_option(const char *arg);
/* If argv[*i] is option `name` given as "NAME VALUE" or "NAME=VALUE": *value is set, *i moves past it, and 1
 * is returned; 0 if argv[*i] is another argument; -1 (usage error printed) when the value is missing. */
int cli_opt_value(const char *cmd, int argc, char **argv, int *i, const char *name, const char **value);

/* ---- output formats (output.c) -------------------------------------------- */

typedef enum cli_format { CLI_TEXT = 0, CLI_JSON, CLI_CSV } cli_format;
/* "text", "json" or "csv" (csv only if allow_csv); -1 with a usage error printed otherwise. */
int cli_parse_format(const char *cmd, const char *text, int allow_csv, cli_format *out);

/* JSON pieces: a string (at most maxlen bytes, escaped), a number (%.17g;
 * null for NaN and infinities, which JSON cannot hold). */
void cli_json_str(FILE *o, const char *s, size_t maxlen);
void cli_json_num(FILE *o, double v);

/* Rows of named cells as a JSON array of objects or as CSV with a header
 * line. Text output is each command's own. */
typedef struct cli_rows {
    cli_format format;
    FILE *out;
    long rows;  /* rows started */
    int cells;  /* cells in the current row */
    int header; /* CSV: header line written */
} cli_rows;
void cli_rows_begin(cli_rows *w, cli_format format, FILE *out);
/* CSV header (ignored for JSON); call before the first row. */
void cli_rows_header(cli_rows *w, const char *const *names, int n);
void cli_rows_start(cli_rows *w);
void cli_rows_str(cli_rows *w, const char *name, const char *value); /* trailing blanks removed */
void cli_rows_int(cli_rows *w, const char *name, long long value);
void cli_rows_num(cli_rows *w, const char *name, double value);      /* NaN/inf: null / empty */
void cli_rows_null(cli_rows *w, const char *name);
void cli_rows_bool(cli_rows *w, const char *name, int value);
void cli_rows_end_row(cli_rows *w);
void cli_rows_end(cli_rows *w);

/* Header text helpers shared by listings. */
void cli_trim_copy(char *dst, const char *src, size_t n); /* copy without trailing blanks */
/* "YYYY-MM-DDTHH:MM:SSZ", or "" when the stamp is no date. */
void cli_iso_date(int32_t stamp, char out[32]);
/* Decoded ip1 text ("500 mb"), or "-----" for descriptor records (names
 * starting with > ^ ! <, whose IPs are grid codes). */
void cli_level_text(const fst24_record *r, char out[32]);
/* One-line identity of a record for messages: "TT typvar=P etiket=R1 ip1=... (500 mb) ip2=6 ..." */
void cli_describe_record(const fst24_record *r, char *out, size_t n);

/* ---- record selection: --where / --exclude (where.c) ---------------------- */

typedef struct cli_selection {
    fst24_filter **include; /* a record is selected if it matches any of these (all if none) */
    int ninclude;
    fst24_filter **exclude; /* ... and none of these */
    int nexclude;
} cli_selection;

/* Consume --where SPEC / --exclude SPEC at argv[*i]: 1 consumed, 0 not one of
 * them, -1 invalid (usage error printed). */
int cli_selection_option(cli_selection *s, const char *cmd, int argc, char **argv, int *i);
int cli_selection_matches(const cli_selection *s, const fst24_record *rec);
/* A query over `f` that pre-selects what it can; then use cli_selection_next. */
int cli_selection_query(const cli_selection *s, fst24_file *f, fst24_query **q);
/* Next selected record: 1, 0 at the end, <0 on error. */
int cli_selection_next(const cli_selection *s, fst24_query *q, fst24_record *rec);
void cli_selection_free(cli_selection *s);
/* The option help shared by every command that selects records. */
#define CLI_WHERE_HELP                                                                             \
    "  --where SPEC      select records matching SPEC (repeat: records matching any); SPEC is\n"   \
    "                    FIELD=ITEMS[,FIELD=ITEMS...], ITEMS a comma list of values or ranges:\n"  \
    "                      nomvar=TT,HU  etiket=R1*  ip1=500mb  ip1=0.995sg  ip1=10m  ip2=0..24\n" \
    "                      ip2=6h..12h  datev=2024-01-15T12:00  datev=2024-01-15..2024-01-16\n"    \
    "                      ni=100..  datyp=134  (fields: nomvar typvar etiket grtyp ip1 ip2 ip3\n" \
    "                      datev dateo ni nj nk deet npas datyp data_bits nbits ig1 ig2 ig3 ig4)\n" \
    "  --exclude SPEC    drop records matching SPEC (repeatable)\n"

/* ---- decoded data (values.c) ---------------------------------------------- */

typedef struct cli_values {
    void *data;
    fst24_elem_type type;
    size_t count;
    int is_text;     /* character data: not numbers */
    int has_missing; /* the record flags missing points (+64) */
    fst24_missing_values mv;
} cli_values;

/* Decode a record (native element type, missing points as the sentinels). */
int cli_values_read(const fst24_record *rec, cli_values *v);
void cli_values_free(cli_values *v);
double cli_value(const cli_values *v, size_t i);
int cli_value_missing(const cli_values *v, size_t i);

typedef struct cli_stats {
    size_t count;   /* elements */
    size_t missing; /* points flagged missing */
    size_t nan;     /* NaN values (not missing) */
    size_t valid;   /* the others: what min..std describe */
    double min, max, mean, std; /* NaN when valid == 0; std is the population std (ddof 0) */
} cli_stats;
void cli_values_stats(const cli_values *v, cli_stats *s);

#endif
