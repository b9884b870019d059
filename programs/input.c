/* Opening the files a command reads. A file the library could open only by
 * leaving something out (damaged, partly recovered) is announced on stderr,
 * and the command finishes its job but exits non-zero: output from such a
 * file must never pass for a clean result. (info and check report damage as
 * their job and open files themselves.) */
#include "cli.h"

int cli_open_input(const char *path, fst24_file **f, int *damaged) {
    *damaged = 0;
    if (fst24_open(path, FST24_MODE_READ, NULL, f) != FST24_OK) {
        *f = NULL;
        return cli_fail_file(path);
    }
    fst24_file_info info;
    if (fst24_file_get_info(*f, &info) != FST24_OK) return 0;
    if (info.recovered) {
        cli_fail("%s: damaged file, only what can be trusted is used: %s", path,
                 info.warning[0] ? info.warning : "(no details)");
        *damaged = 1;
    } else if (info.warning[0]) {
        cli_fail("%s: warning: %s", path, info.warning);
    }
    return 0;
}
