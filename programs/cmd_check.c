/* fst24 check FILE...: structural validation (fst24_validate) and a read of
 * every record's payload and metadata through the library. Problems go to
 * stderr, one line each; the verdict of a sound file to stdout. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cli_help_check[] =
    "usage: fst24 check FILE...\n"
    "Check the structure of each file (XDF: header, directory page chain and checksums, linear\n"
    "walk, descriptor copies in front of the data; RSF: every segment, directory and record\n"
    "mark) and read every record's payload and extended metadata. Each problem is one line on\n"
    "stderr naming the file and the place; a sound file prints \"FILE: OK (format, N records)\".\n"
    "1989 files are read but have no structural check.\n"
    "\n"
    "example:\n"
    "  fst24 check model.fst analysis.rsf\n"
    "\n"
    "exit status: 0 every file passes, 1 a problem was found, 2 usage error\n";

static void report_problem(void *ctx, const char *message) {
    (*(int *)ctx)++;
    cli_fail("%s", message);
}

/* Read every record's payload and metadata through the library. Returns the
 * number of problems (each reported). */
static int read_all(const char *path, int64_t *count) {
    fst24_file *f;
    *count = 0;
    if (fst24_open(path, FST24_MODE_READ, NULL, &f) != FST24_OK) {
        cli_fail_file(path);
        return 1;
    }
    int problems = 0;
    fst24_file_info info;
    if (fst24_file_get_info(f, &info) == FST24_OK && info.recovered) {
        /* the library could open it only by leaving something out */
        cli_fail("%s: damaged: %s", path, info.warning);
        problems++;
    }
    int64_t n = fst24_num_records(f);
    uint32_t *words = NULL;
    size_t cap = 0;
    for (int64_t i = 0; i < n; i++) {
        fst24_record rec;
        size_t nw = 0, len = 0;
        if (fst24_get_record(f, i, &rec) || fst24_read_payload(&rec, NULL, &nw) ||
            fst24_read_ext_meta(&rec, NULL, 0, &len)) {
            cli_fail("%s: record %lld: %s", path, (long long)i, fst24_last_error());
            problems++;
            continue;
        }
        if (nw > cap) {
            free(words);
            cap = nw;
            words = malloc(cap * sizeof *words);
            if (!words) {
                cap = 0;
                cli_fail("%s: out of memory", path);
                problems++;
                break;
            }
        }
        if (fst24_read_payload(&rec, words, &nw)) {
            cli_fail("%s: record %lld (%.4s): %s", path, (long long)i, rec.nomvar, fst24_last_error());
            problems++;
        }
    }
    free(words);
    *count = n;
    fst24_close(f);
    return problems;
}

static int check_one(const char *path) {
    fst24_file_kind kind = fst24_detect(path);
    int reported = 0;
    int problems = fst24_validate(path, report_problem, &reported);
    if (problems < 0) {
        cli_fail_file(path);
        return 1;
    }
    if (problems > reported) reported = problems; /* a problem without its own line */
    int64_t n = 0;
    problems = reported + read_all(path, &n);
    if (problems) cli_fail("%s: %d problem%s", path, problems, problems > 1 ? "s" : "");
    else printf("%s: OK (%s, %lld records%s)\n", path, fst24_kind_name(kind), (long long)n,
                kind == FST24_KIND_FST89 ? "; structure not validated" : "");
    return problems ? 1 : 0;
}

int cmd_check(int argc, char **argv) {
    if (argc < 2) return cli_usage("check", "missing FILE");
    for (int i = 1; i < argc; i++)
        if (cli_is_option(argv[i])) return cli_usage("check", "unknown option %s", argv[i]);
    int rc = 0;
    for (int i = 1; i < argc; i++)
        if (check_one(argv[i])) rc = 1;
    return rc;
}
