/* Internal to the fst24 command-line tool: one function per sub-command. Each
 * returns the process exit status and prints errors as one line on stderr. */
#ifndef FST24_CLI_H
#define FST24_CLI_H
#include <stdio.h>
#include "fst24.h"

int cmd_ls(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_ip(int argc, char **argv);      /* cmd_levels.c */
int cmd_date(int argc, char **argv);    /* cmd_levels.c */
int cmd_grid(int argc, char **argv);    /* cmd_grid.c */
int cmd_check(int argc, char **argv);   /* cmd_check.c */
int cmd_convert(int argc, char **argv); /* cmd_check.c */
int cmd_repair(int argc, char **argv);  /* cmd_repair.c */

/* Print "fst24: <message>" on stderr; returns 1 (or 2 for usage errors). */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, with fst24_last_error() appended. */
int cli_fail_lib(const char *what);
/* After a successful open: if the library flagged the file as damaged (or
 * left by a crashed writer), print it on stderr and return 1 (the command
 * then exits non-zero); print any other warning and return 0 (cli_damage.c). */
int cli_warn_damage(const char *path, fst24_file *f);
/* Parse "nomvar=TT,ip2=24,..." into search criteria (fields of fst24_record). */
int cli_parse_where(const char *spec, fst24_record *crit);
#endif
