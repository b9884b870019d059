/* Output formats shared by the listings: JSON and CSV rows, and the text of
 * header fields (dates, levels). */
#include <math.h>
#include <string.h>

#include "cli.h"

int cli_parse_format(const char *cmd, const char *text, int allow_csv, cli_format *out) {
    if (!strcmp(text, "text")) *out = CLI_TEXT;
    else if (!strcmp(text, "json")) *out = CLI_JSON;
    else if (allow_csv && !strcmp(text, "csv")) *out = CLI_CSV;
    else {
        cli_usage(cmd, "unknown format \"%s\" (text, json%s)", text, allow_csv ? ", csv" : "");
        return -1;
    }
    return 0;
}

void cli_json_str(FILE *o, const char *s, size_t maxlen) {
    fputc('"', o);
    for (size_t i = 0; i < maxlen && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            fputc('\\', o);
            fputc(c, o);
        } else if (c < 0x20 || c >= 0x7f) {
            fprintf(o, "\\u%04x", c);
        } else {
            fputc(c, o);
        }
    }
    fputc('"', o);
}

void cli_json_num(FILE *o, double v) {
    if (!isfinite(v)) fputs("null", o);
    else fprintf(o, "%.17g", v);
}

/* ---- rows --------------------------------------------------------------- */

void cli_rows_begin(cli_rows *w, cli_format format, FILE *out) {
    memset(w, 0, sizeof *w);
    w->format = format;
    w->out = out;
    if (format == CLI_JSON) fputc('[', out);
}

void cli_rows_header(cli_rows *w, const char *const *names, int n) {
    if (w->format != CLI_CSV || w->header) return;
    for (int i = 0; i < n; i++) fprintf(w->out, "%s%s", i ? "," : "", names[i]);
    fputc('\n', w->out);
    w->header = 1;
}

void cli_rows_start(cli_rows *w) {
    if (w->format == CLI_JSON) fputs(w->rows ? ",\n{" : "\n{", w->out);
    w->rows++;
    w->cells = 0;
}

/* Separator and (JSON) key before a cell. */
static void cell(cli_rows *w, const char *name) {
    if (w->cells++) fputc(',', w->out);
    if (w->format == CLI_JSON) {
        cli_json_str(w->out, name, 64);
        fputc(':', w->out);
    }
}

static void csv_str(FILE *o, const char *s, size_t n) {
    int quote = strcspn(s, ",\"\n\r") < n;
    if (!quote) {
        fwrite(s, 1, n, o);
        return;
    }
    fputc('"', o);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') fputc('"', o);
        fputc(s[i], o);
    }
    fputc('"', o);
}

void cli_rows_str(cli_rows *w, const char *name, const char *value) {
    size_t n = strlen(value);
    while (n && value[n - 1] == ' ') n--;
    cell(w, name);
    if (w->format == CLI_JSON) cli_json_str(w->out, value, n);
    else csv_str(w->out, value, n);
}

void cli_rows_int(cli_rows *w, const char *name, long long value) {
    cell(w, name);
    fprintf(w->out, "%lld", value);
}

void cli_rows_num(cli_rows *w, const char *name, double value) {
    cell(w, name);
    if (w->format == CLI_JSON) cli_json_num(w->out, value);
    else if (isfinite(value)) fprintf(w->out, "%.17g", value);
}

void cli_rows_null(cli_rows *w, const char *name) {
    cell(w, name);
    if (w->format == CLI_JSON) fputs("null", w->out);
}

void cli_rows_bool(cli_rows *w, const char *name, int value) {
    cell(w, name);
    fputs(value ? "true" : "false", w->out);
}

void cli_rows_end_row(cli_rows *w) { fputc(w->format == CLI_JSON ? '}' : '\n', w->out); }

void cli_rows_end(cli_rows *w) {
    if (w->format == CLI_JSON) fputs(w->rows ? "\n]\n" : "]\n", w->out);
}

/* ---- header fields as text ------------------------------------------------ */

void cli_trim_copy(char *dst, const char *src, size_t n) {
    size_t len = strnlen(src, n - 1);
    while (len && src[len - 1] == ' ') len--;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

void cli_iso_date(int32_t stamp, char out[32]) {
    out[0] = '\0';
    if (stamp == 0 || fst24_stamp_to_iso(stamp, out, 32) != FST24_OK) {
        out[0] = '\0';
        fst24_clear_error();
    }
}

void cli_level_text(const fst24_record *r, char out[32]) {
    /* descriptor records carry grid codes, not levels, in their IPs (librmn's rule) */
    char c = r->nomvar[0];
    if (c == '>' || c == '^' || c == '!' || c == '<') {
        strcpy(out, "-----");
        return;
    }
    if (fst24_ip_format(r->ip1, out, 32) != FST24_OK) {
        strcpy(out, "?");
        fst24_clear_error();
    }
}

void cli_describe_record(const fst24_record *r, char *out, size_t n) {
    char level[32], date[32], nomvar[8], typvar[4], etiket[16];
    cli_level_text(r, level);
    cli_iso_date(r->datev, date);
    cli_trim_copy(nomvar, r->nomvar, sizeof nomvar);
    cli_trim_copy(typvar, r->typvar, sizeof typvar);
    cli_trim_copy(etiket, r->etiket, sizeof etiket);
    snprintf(out, n, "%s typvar=%s etiket=%s ip1=%d (%s) ip2=%d ip3=%d datev=%s grid=%s:%d,%d,%d,%d", nomvar, typvar,
             etiket, r->ip1, level, r->ip2, r->ip3, *date ? date : "-", r->grtyp, r->ig1, r->ig2, r->ig3, r->ig4);
}
