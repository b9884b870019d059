/* fst24 stat: per-record statistics of the decoded data (fststat): count,
 * missing points, NaNs, min, max, mean and standard deviation. */
#include <math.h>
#include <string.h>

#include "cli.h"

const char cli_help_stat[] =
    "usage: fst24 stat [--format text|json|csv] [--where SPEC]... FILE...\n"
    "Decode every selected record and print, per record: the element count, the number of\n"
    "missing points (records with missing values flagged, datyp +64), the number of NaNs, and\n"
    "the minimum, maximum, mean and standard deviation (population, ddof 0) of the other points.\n"
    "Character records have counts only.\n"
    "\n"
    "options:\n"
    "  --format FORMAT   text (default), json (an array of objects) or csv (header line + rows);\n"
    "                    json and csv give every number with 17 significant digits\n"
    CLI_WHERE_HELP
    "\n"
    "examples:\n"
    "  fst24 stat --where nomvar=TT model.fst\n"
    "  fst24 stat --format csv --where ip1=500mb,ip2=0..24 model.fst > stats.csv\n"
    "\n"
    "exit status: 0 success, 1 a file or record could not be read, 2 usage error\n";

static const char *const csv_names[] = {"file", "index", "nomvar", "typvar", "etiket", "ip1",  "ip2",
                                        "ip3",  "level", "datev",  "ni",     "nj",     "nk",   "datyp",
                                        "nbits", "count", "missing", "nan",  "min",    "max",  "mean", "std"};

static void text_header(void) {
    printf("\n %6s  %-4s %-2s %-12s %15s %9s %9s %-20s %7s %7s %5s %-4s %10s %8s %13s %13s %13s %13s\n\n", "", "NOMV",
           "TV", "ETIQUETTE", "LEVEL", "IP2", "IP3", "DATE-V", "NI", "NJ", "NK", "DTY", "COUNT", "MISSING", "MIN",
           "MAX", "MEAN", "STD");
}

static void text_num(double v) {
    if (isnan(v)) printf(" %13s", "-");
    else printf(" %13.7g", v);
}

static int stat_file(const char *path, const cli_selection *sel, cli_format format, cli_rows *rows) {
    fst24_file *f;
    int damaged;
    if (cli_open_input(path, &f, &damaged)) return 1;
    fst24_query *q;
    if (cli_selection_query(sel, f, &q) != FST24_OK) {
        fst24_close(f);
        return cli_fail_file(path);
    }
    if (format == CLI_TEXT) printf("%s (%s)\n", path, fst24_file_backend(f) == FST24_BACKEND_RSF ? "RSF" : "XDF");
    fst24_record r;
    int st, rc = 0;
    long long i = 0;
    while ((st = cli_selection_next(sel, q, &r)) == 1) {
        cli_values v;
        if (cli_values_read(&r, &v) != FST24_OK) {
            cli_fail("%s: record %lld (%.4s): %s", path, i, r.nomvar, fst24_last_error());
            rc = 1;
            i++;
            continue;
        }
        cli_stats s;
        cli_values_stats(&v, &s);
        cli_values_free(&v);
        char level[32], datev[32], dty[8], letters[3];
        cli_level_text(&r, level);
        cli_iso_date(r.datev, datev);
        fst24_type_letters(r.data_type, letters);
        snprintf(dty, sizeof dty, "%c%c%d", letters[0], letters[1] ? letters[1] : ' ', r.pack_bits);
        if (format == CLI_TEXT) {
            if (i % 70 == 0) text_header();
            printf(" %6lld- %-4s %-2s %-12s %15s %9d %9d %-20s %7d %7d %5d %-4s %10zu %8zu", i, r.nomvar, r.typvar,
                   r.etiket, level, r.ip2, r.ip3, *datev ? datev : "-", r.ni, r.nj, r.nk, dty, s.count, s.missing);
            text_num(s.min);
            text_num(s.max);
            text_num(s.mean);
            text_num(s.std);
            putchar('\n');
        } else {
            cli_rows_start(rows);
            cli_rows_str(rows, "file", path);
            cli_rows_int(rows, "index", i);
            cli_rows_str(rows, "nomvar", r.nomvar);
            cli_rows_str(rows, "typvar", r.typvar);
            cli_rows_str(rows, "etiket", r.etiket);
            cli_rows_int(rows, "ip1", r.ip1);
            cli_rows_int(rows, "ip2", r.ip2);
            cli_rows_int(rows, "ip3", r.ip3);
            cli_rows_str(rows, "level", level);
            if (*datev) cli_rows_str(rows, "datev", datev);
            else cli_rows_null(rows, "datev");
            cli_rows_int(rows, "ni", r.ni);
            cli_rows_int(rows, "nj", r.nj);
            cli_rows_int(rows, "nk", r.nk);
            cli_rows_int(rows, "datyp", r.data_type);
            cli_rows_int(rows, "nbits", r.pack_bits);
            cli_rows_int(rows, "count", (long long)s.count);
            cli_rows_int(rows, "missing", (long long)s.missing);
            cli_rows_int(rows, "nan", (long long)s.nan);
            cli_rows_num(rows, "min", s.min);
            cli_rows_num(rows, "max", s.max);
            cli_rows_num(rows, "mean", s.mean);
            cli_rows_num(rows, "std", s.std);
            cli_rows_end_row(rows);
        }
        i++;
    }
    if (st < 0) rc = cli_fail_file(path);
    fst24_query_free(q);
    fst24_close(f);
    if (format == CLI_TEXT) printf("\n%lld records\n\n", i);
    return rc ? rc : damaged;
}

int cmd_stat(int argc, char **argv) {
    const char *format_text = "text";
    cli_selection sel = {0};
    cli_format format = CLI_TEXT;
    int rc = 0, nfiles = 0;
    for (int i = 1; i < argc && !rc; i++) {
        int r = cli_selection_option(&sel, "stat", argc, argv, &i);
        if (r < 0) rc = 2;
        else if (r > 0) continue;
        else if ((r = cli_opt_value("stat", argc, argv, &i, "--format", &format_text)) != 0) rc = r < 0 ? 2 : 0;
        else if (cli_is_option(argv[i])) rc = cli_usage("stat", "unknown option %s", argv[i]);
        else nfiles++;
    }
    if (!rc && !nfiles) rc = cli_usage("stat", "missing FILE");
    if (!rc && cli_parse_format("stat", format_text, 1, &format)) rc = 2;
    if (rc) {
        cli_selection_free(&sel);
        return rc;
    }
    cli_rows rows;
    if (format != CLI_TEXT) {
        cli_rows_begin(&rows, format, stdout);
        cli_rows_header(&rows, csv_names, (int)(sizeof csv_names / sizeof csv_names[0]));
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--where") || !strcmp(argv[i], "--exclude") || !strcmp(argv[i], "--format")) {
            i++;
            continue;
        }
        if (cli_is_option(argv[i])) continue;
        if (stat_file(argv[i], &sel, format, &rows)) rc = 1;
    }
    if (format != CLI_TEXT) cli_rows_end(&rows);
    cli_selection_free(&sel);
    return rc;
}
