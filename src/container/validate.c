/*
 * fst24_validate: the public face of the structural validators. They write
 * one line per problem to a stream; the lines are handed to the caller's
 * callback (the library itself never prints).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "container/validate.h"
#include "fst24.h"

int fst24_validate(const char *path, fst24_report_fn report, void *ctx) {
    if (!path) return fst_error(FST24_E_INVALID, "validate: NULL path");
    fst24_file_kind kind = fst24_detect(path);
    int (*validator)(const char *, FILE *) = NULL;
    switch (kind) {
    case FST24_KIND_RSF: validator = fst_rsf_validate; break;
    case FST24_KIND_XDF:
    case FST24_KIND_XDF_SEQ:
    case FST24_KIND_XDF_CORRUPT: validator = fst_xdf_validate; break;
    case FST24_KIND_FST89: return 0;
    case FST24_KIND_MISSING: return fst_error(FST24_E_NOT_FOUND, "%s: no such file", path);
    case FST24_KIND_UNREADABLE: return fst_error(FST24_E_PERMISSION, "%s: cannot be read", path);
    default:
        return fst_error(FST24_E_NOT_FST, "%s: %s file: not an FST file that can be checked", path,
                         fst24_kind_name(kind));
    }
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    if (!mem) return fst_error(FST24_E_NOMEM, "%s: validate: out of memory", path);
    int problems = validator(path, mem);
    fclose(mem);
    if (report && text) {
        for (char *line = text, *nl; *line; line = nl + 1) {
            nl = strchr(line, '\n');
            if (nl) *nl = '\0';
            if (*line) report(ctx, line);
            if (!nl) break;
        }
    }
    free(text);
    return problems;
}
