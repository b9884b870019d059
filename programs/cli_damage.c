/*
 * Damage reporting shared by the CLI commands that read files: a file the
 * library opened but flagged as damaged (or left by a crashed writer) is
 * announced on stderr, and the command exits non-zero, unless reporting
 * damage is the command's job (info, check, repair).
 */
#include "cli.h"

int cli_warn_damage(const char *path, fst24_file *f) {
    fst24_file_info info;
    if (fst24_file_get_info(f, &info) != FST24_OK) return 0;
    if (info.recovered) {
        fprintf(stderr, "fst24: %s: damaged file, only what can be trusted is shown: %s\n", path,
                info.warning[0] ? info.warning : "(no details)");
        return 1;
    }
    if (info.warning[0]) fprintf(stderr, "fst24: %s: warning: %s\n", path, info.warning);
    return 0;
}
