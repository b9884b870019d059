/* Record selection from --where / --exclude options: each option is one
 * fst24_filter (parsed by the library); a record is selected when it matches
 * any --where (every record when there is none) and no --exclude. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int add_filter(fst24_filter ***list, int *n, const char *cmd, const char *opt, const char *spec) {
    fst24_filter *f;
    if (fst24_filter_new(&f) != FST24_OK) {
        cli_fail_lib(cmd);
        return -1;
    }
    if (fst24_filter_parse(f, spec) != FST24_OK) {
        cli_fail("%s: %s: %s", cmd, opt, fst24_last_error());
        fst24_filter_free(f);
        return -1;
    }
    fst24_filter **grown = realloc(*list, (size_t)(*n + 1) * sizeof *grown);
    if (!grown) {
        fst24_filter_free(f);
        cli_fail("%s: out of memory", cmd);
        return -1;
    }
    grown[(*n)++] = f;
    *list = grown;
    return 1;
}

int cli_selection_option(cli_selection *s, const char *cmd, int argc, char **argv, int *i) {
    const char *spec;
    int r = cli_opt_value(cmd, argc, argv, i, "--where", &spec);
    if (r > 0) return add_filter(&s->include, &s->ninclude, cmd, "--where", spec) < 0 ? -1 : 1;
    if (r < 0) return -1;
    r = cli_opt_value(cmd, argc, argv, i, "--exclude", &spec);
    if (r > 0) return add_filter(&s->exclude, &s->nexclude, cmd, "--exclude", spec) < 0 ? -1 : 1;
    return r;
}

int cli_selection_matches(const cli_selection *s, const fst24_record *rec) {
    int ok = s->ninclude == 0;
    for (int i = 0; i < s->ninclude && !ok; i++) ok = fst24_filter_match(s->include[i], rec);
    for (int i = 0; i < s->nexclude && ok; i++) ok = !fst24_filter_match(s->exclude[i], rec);
    return ok;
}

int cli_selection_query(const cli_selection *s, fst24_file *f, fst24_query **q) {
    fst24_record crit;
    fst24_record_init_criteria(&crit);
    /* one --where: let the search pre-select on its exact values */
    if (s->ninclude == 1 && fst24_filter_criteria(s->include[0], &crit) != FST24_OK) return -1;
    return fst24_query_new(f, &crit, NULL, q);
}

int cli_selection_next(const cli_selection *s, fst24_query *q, fst24_record *rec) {
    int st;
    while ((st = fst24_query_next(q, rec)) == 1)
        if (cli_selection_matches(s, rec)) return 1;
    return st;
}

void cli_selection_free(cli_selection *s) {
    for (int i = 0; i < s->ninclude; i++) fst24_filter_free(s->include[i]);
    for (int i = 0; i < s->nexclude; i++) fst24_filter_free(s->exclude[i]);
    free(s->include);
    free(s->exclude);
    memset(s, 0, sizeof *s);
}
