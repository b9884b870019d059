/*
 * fst24 repair IN OUT   copy every recoverable record of a damaged file into a
 * new, valid file (like ECCC's reflex), and say what could not be recovered.
 */
#include <string.h>

#include "cli.h"

static const char repair_help[] =
    "usage: fst24 repair [-q] IN OUT\n"
    "\n"
    "Copy every record that can be recovered from IN, an XDF or RSF file that is\n"
    "damaged (truncated, overwritten in places) or was left by a writer that was\n"
    "killed, into OUT, a new valid file of the same container (RSF output is dense).\n"
    "Payloads are copied unchanged; deleted records are left out. Records the\n"
    "directory no longer lists (or never listed: written after the writer's last\n"
    "flush) are found by walking the file. Each record or stretch of bytes that\n"
    "cannot be recovered is listed on stderr; a summary goes to stdout (-q: no\n"
    "summary). OUT is replaced if it exists; it may not be IN.\n"
    "\n"
    "Exit status: 0 OUT written, nothing found was lost; 3 OUT written, but some\n"
    "records or bytes could not be recovered (listed on stderr); 1 error (no OUT);\n"
    "2 usage.\n"
    "\n"
    "Example:\n"
    "  fst24 repair crashed_run.fst recovered.fst && fst24 check recovered.fst\n";

typedef struct skip_ctx {
    const char *in;
    long count;
} skip_ctx;

static void on_skip(void *ctx, const char *message) {
    skip_ctx *c = ctx;
    c->count++;
    fprintf(stderr, "fst24: repair: %s: %s\n", c->in, message);
}

int cmd_repair(int argc, char **argv) {
    const char *in = NULL, *out = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(repair_help, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) quiet = 1;
        else if (argv[i][0] == '-' && argv[i][1]) return cli_fail("repair: unknown option %s", argv[i]) + 1;
        else if (!in) in = argv[i];
        else if (!out) out = argv[i];
        else return cli_fail("repair: too many arguments (usage: fst24 repair [-q] IN OUT)") + 1;
    }
    if (!in || !out) return cli_fail("usage: fst24 repair [-q] IN OUT (fst24 repair --help)") + 1;
    skip_ctx ctx = {in, 0};
    fst24_repair_options opts = {on_skip, &ctx};
    fst24_repair_report rep;
    if (fst24_repair(in, out, &opts, &rep) != FST24_OK) return cli_fail_lib(NULL);
    if (!quiet) printf("%s\n", rep.summary);
    return rep.skipped || rep.damaged_bytes ? 3 : 0;
}
