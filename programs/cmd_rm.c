/* fst24 rm FILE... --where SPEC: delete the selected records in place. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cli_help_rm[] =
    "usage: fst24 rm FILE... --where SPEC [--where SPEC]... [--exclude SPEC]... [--dry-run] [-q]\n"
    "Delete the selected records of each file in place (the file is opened for update; other\n"
    "records are untouched). A --where is required, so that no file is emptied by accident.\n"
    "Deleted records are marked deleted: the file does not shrink (fst24 select -o NEW copies\n"
    "the remaining records into a compact file).\n"
    "\n"
    "options:\n"
    "  --dry-run         list what would be deleted, change nothing (files opened read-only)\n"
    "  -q, --quiet       only the summary line per file\n"
    CLI_WHERE_HELP
    "\n"
    "examples:\n"
    "  fst24 rm model.fst --where nomvar=TT,HU --dry-run\n"
    "  fst24 rm model.fst --where datev=..2024-01-15T00:00 --exclude typvar=X\n"
    "\n"
    "exit status: 0 success (also when nothing matched), 1 a file could not be read or\n"
    "updated, 2 usage error\n";

static int rm_file(const char *path, const cli_selection *sel, int dry_run, int quiet) {
    fst24_file *f;
    if (fst24_open(path, dry_run ? FST24_MODE_READ : FST24_MODE_UPDATE, NULL, &f) != FST24_OK)
        return cli_fail_file(path);
    fst24_query *q;
    if (cli_selection_query(sel, f, &q) != FST24_OK) {
        fst24_close(f);
        return cli_fail_file(path);
    }
    /* collect first: deleting while iterating the directory is not needed */
    fst24_record *recs = NULL;
    int64_t n = 0, cap = 0;
    int st, rc = 0;
    fst24_record r;
    while ((st = cli_selection_next(sel, q, &r)) == 1) {
        if (n == cap) {
            fst24_record *g = realloc(recs, (size_t)(cap = cap ? 2 * cap : 64) * sizeof *g);
            if (!g) {
                rc = cli_fail("rm: %s: out of memory", path);
                break;
            }
            recs = g;
        }
        recs[n++] = r;
    }
    fst24_query_free(q);
    if (!rc && st < 0) rc = cli_fail_file(path);
    int64_t deleted = 0;
    for (int64_t k = 0; k < n && !rc; k++) {
        char d[256];
        cli_describe_record(&recs[k], d, sizeof d);
        if (!dry_run && fst24_delete(f, &recs[k]) != FST24_OK) {
            rc = cli_fail("rm: %s: %s", path, fst24_last_error());
            break;
        }
        deleted++;
        if (!quiet) printf("%s: %s %s\n", path, dry_run ? "would delete" : "deleted", d);
    }
    int64_t remain = fst24_num_records(f);
    if (fst24_close(f) != FST24_OK && !rc) rc = cli_fail_file(path);
    free(recs);
    if (!rc || deleted)
        printf("%s: %lld record%s %s, %lld remain%s\n", path, (long long)deleted, deleted == 1 ? "" : "s",
               dry_run ? "would be deleted" : "deleted", (long long)(dry_run ? remain - deleted : remain),
               remain - (dry_run ? deleted : 0) == 1 ? "s" : "");
    return rc;
}

int cmd_rm(int argc, char **argv) {
    cli_selection sel = {0};
    int rc = 0, nfiles = 0, dry_run = 0, quiet = 0;
    for (int i = 1; i < argc && !rc; i++) {
        int r = cli_selection_option(&sel, "rm", argc, argv, &i);
        if (r < 0) rc = 2;
        else if (r > 0) continue;
        else if (!strcmp(argv[i], "--dry-run") || !strcmp(argv[i], "-n")) dry_run = 1;
        else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) quiet = 1;
        else if (cli_is_option(argv[i])) rc = cli_usage("rm", "unknown option %s", argv[i]);
        else nfiles++;
    }
    if (!rc && !nfiles) rc = cli_usage("rm", "missing FILE");
    if (!rc && !sel.ninclude) rc = cli_usage("rm", "--where is required (which records to delete?)");
    int failed = 0;
    for (int i = 1; i < argc && !rc; i++) {
        if (!strcmp(argv[i], "--where") || !strcmp(argv[i], "--exclude")) {
            i++;
            continue;
        }
        if (cli_is_option(argv[i])) continue;
        if (rm_file(argv[i], &sel, dry_run, quiet)) failed = 1;
    }
    cli_selection_free(&sel);
    return rc ? rc : failed;
}
