/* fst24 info: backend, record counts, size and validity of each file. */
#include <string.h>

#include "cli.h"

const char cli_help_info[] =
    "usage: fst24 info FILE...\n"
    "For each file: backend (XDF/RSF), format, valid and deleted record counts, size, directory\n"
    "pages (XDF) or segments (RSF), whether another process is writing it, and validity: \"yes\",\n"
    "or \"recovered (what is not shown)\" for a damaged file (or one a crashed writer left) that\n"
    "could still be read.\n"
    "A file that cannot be opened is reported on stderr (its detected kind and the reason).\n"
    "\n"
    "example:\n"
    "  fst24 info model.fst analysis.rsf\n"
    "\n"
    "exit status: 0 every file could be opened, 1 otherwise, 2 usage error\n";

int cmd_info(int argc, char **argv) {
    int rc = 0, nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_is_option(argv[i])) return cli_usage("info", "unknown option %s", argv[i]);
    }
    for (int i = 1; i < argc; i++) {
        nfiles++;
        fst24_file *f;
        fst24_file_kind kind = fst24_detect(argv[i]);
        if (fst24_open(argv[i], FST24_MODE_READ, NULL, &f) != FST24_OK) {
            /* the detected kind says something only for files that look like FST */
            const char *msg = fst24_last_error();
            if (kind <= FST24_KIND_OTHER) cli_fail_file(argv[i]);
            else if (strstr(msg, argv[i])) cli_fail("%s (detected: %s)", msg, fst24_kind_name(kind));
            else cli_fail("%s: %s (detected: %s)", argv[i], msg, fst24_kind_name(kind));
            rc = 1;
            continue;
        }
        fst24_file_info in;
        fst24_file_get_info(f, &in);
        printf("%s\n  backend: %s\n  format: %s\n  records: %lld\n  deleted: %lld\n  size: %lld bytes\n", argv[i],
               in.backend == FST24_BACKEND_RSF ? "RSF" : "XDF", fst24_kind_name(in.kind), (long long)in.num_records,
               (long long)in.num_deleted, (long long)in.file_size);
        if (in.kind == FST24_KIND_XDF || in.kind == FST24_KIND_RSF)
            printf("  %s: %d\n", in.backend == FST24_BACKEND_RSF ? "segments" : "directory pages", in.num_pages);
        if (in.checksum_errors) printf("  checksum errors: %d\n", in.checksum_errors);
        if (in.writer_active)
            printf("  writer: another process has it open for writing (what it has not flushed is not shown)\n");
        if (in.recovered) printf("  valid: recovered (%s)\n", in.warning);
        else printf("  valid: yes\n");
        if (!in.recovered && in.warning[0]) printf("  note: %s\n", in.warning);
        fst24_close(f);
    }
    if (!nfiles) return cli_usage("info", "missing FILE");
    return rc;
}
