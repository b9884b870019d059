/* fst24 repair IN OUT: copy every recoverable record of a damaged file (or
 * one a killed writer left) into a new, valid file, like ECCC's reflex, and
 * say what could not be recovered. The work is fst24_repair's. */
#include <string.h>

#include "cli.h"

const char cli_help_repair[] =
    "usage: fst24 repair [-q] IN OUT\n"
    "Copy every record that can be recovered from IN, an XDF or RSF file that is damaged\n"
    "(truncated, overwritten in places) or was left by a writer that was killed, into OUT, a new\n"
    "valid file of the same container (RSF output is dense: no sparse segments). Payloads are\n"
    "copied unchanged; deleted records are left out. Records no directory lists any more (or never\n"
    "listed: written after the writer's last flush) are found by walking the file. Each record or\n"
    "stretch of bytes that cannot be recovered is one line on stderr; a summary goes to stdout.\n"
    "OUT is replaced if it exists (under the writer lock); it may not be IN.\n"
    "\n"
    "  -q, --quiet       no summary\n"
    "\n"
    "example:\n"
    "  fst24 repair crashed_run.fst recovered.fst && fst24 check recovered.fst\n"
    "\n"
    "exit status: 0 OUT written and nothing found was lost, 3 OUT written but some records or\n"
    "bytes could not be recovered (listed on stderr), 1 error (no OUT), 2 usage error\n";

typedef struct skip_ctx {
    const char *in;
} skip_ctx;

static void on_skip(void *ctx, const char *message) {
    cli_fail("repair: %s: %s", ((skip_ctx *)ctx)->in, message);
}

int cmd_repair(int argc, char **argv) {
    const char *in = NULL, *out = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) quiet = 1;
        else if (cli_is_option(argv[i])) return cli_usage("repair", "unknown option %s", argv[i]);
        else if (!in) in = argv[i];
        else if (!out) out = argv[i];
        else return cli_usage("repair", "too many arguments");
    }
    if (!in || !out) return cli_usage("repair", "IN and OUT expected");
    skip_ctx ctx = {in};
    fst24_repair_options opts = {on_skip, &ctx};
    fst24_repair_report rep;
    if (fst24_repair(in, out, &opts, &rep) != FST24_OK) return cli_fail_lib(NULL);
    if (!quiet) printf("%s\n", rep.summary);
    return rep.skipped || rep.damaged_bytes ? 3 : 0;
}
