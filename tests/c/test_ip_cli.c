/* The `fst24 ip` and `fst24 date` commands: output lines, exit statuses and
 * one-line errors (CLI path from FST24_CLI). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "test_ip_util.h"

/* Run the CLI with `args`; stdout into out, stderr into err; exit status. */
static int run(const char *args, char *out, size_t outsz, char *err, size_t errsz) {
    const char *cli = getenv("FST24_CLI");
    char errpath[1024], cmd[4096];
    snprintf(errpath, sizeof errpath, "%s/test_ip_cli.err", tu_tmpdir());
    snprintf(cmd, sizeof cmd, "%s %s 2>%s", cli ? cli : "fst24", args, errpath);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t n = fread(out, 1, outsz - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    FILE *e = fopen(errpath, "r");
    n = e ? fread(err, 1, errsz - 1, e) : 0;
    err[n] = '\0';
    if (e) fclose(e);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int count_lines(const char *s) {
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

int main(void) {
    char out[4096], err[4096];
    if (!getenv("FST24_CLI")) {
        printf("FAIL FST24_CLI is not set\n");
        return 1;
    }
    int st = run("ip 41394464 500 93423364", out, sizeof out, err, sizeof err);
    CHECK(st == 0 && err[0] == '\0', "ip decode status %d, stderr '%s'", st, err);
    CHECK(strstr(out, "41394464  value=500 hPa  kind=2 (pressure)  style=new  text=\"500 mb\"  codes=41394464,500\n") ==
              out,
          "ip decode line 1: %s", out);
    CHECK(strstr(out, "\n500  value=500 hPa  kind=2 (pressure)  style=old") != NULL, "old-style line: %s", out);
    CHECK(strstr(out, "93423364  value=0 m  kind=21 (pressure_metres)") != NULL, "kind 21 line: %s", out);

    st = run("ip 850 --kind 2", out, sizeof out, err, sizeof err);
    CHECK(st == 0 && strncmp(out, "41744464 ", 9) == 0, "encode: %d %s", st, out);
    st = run("ip 0.1 --kind pressure --old", out, sizeof out, err, sizeof err);
    CHECK(st == 0 && strncmp(out, "1620 ", 5) == 0, "encode old: %d %s", st, out);
    st = run("ip -100 --kind 0", out, sizeof out, err, sizeof err);
    CHECK(st == 0 && strncmp(out, "7301456 ", 8) == 0, "negative value: %d %s", st, out);

    st = run("ip 138512032", out, sizeof out, err, sizeof err);
    CHECK(st == 1 && out[0] == '\0' && count_lines(err) == 1 && strncmp(err, "fst24: ", 7) == 0,
          "invalid code: %d '%s' '%s'", st, out, err);
    st = run("ip 1200 --kind 2", out, sizeof out, err, sizeof err);
    CHECK(st == 1 && count_lines(err) == 1, "unencodable: %d '%s'", st, err);
    st = run("ip 5 --kind bogus", out, sizeof out, err, sizeof err);
    CHECK(st == 2 && count_lines(err) == 1, "bad kind: %d '%s'", st, err);
    st = run("ip", out, sizeof out, err, sizeof err);
    CHECK(st == 2 && count_lines(err) == 1, "usage: %d '%s'", st, err);
    st = run("ip 500 xyz 12010", out, sizeof out, err, sizeof err);
    CHECK(st == 1 && count_lines(out) == 2 && count_lines(err) == 1, "partial: %d '%s' '%s'", st, out, err);

    st = run("ip --triplet 42043040 176320768 177809344", out, sizeof out, err, sizeof err);
    CHECK(st == 0 && strstr(out, "time=6..16 h") != NULL, "triplet: %d %s", st, out);

    st = run("date 469891377 -1274148482", out, sizeof out, err, sizeof err);
    CHECK(st == 0 && strcmp(out, "469891377  2023-12-11T12:38:35Z  20231211 12383500  new\n"
                                 "-1274148482  1899-12-31T12:00:00Z  18991231 12000000  extended\n") == 0,
          "date decode: %d '%s'", st, out);
    st = run("date 2024-01-15T12:00 1986-03-15T12:00:00Z", out, sizeof out, err, sizeof err);
    CHECK(st == 0 && strcmp(out, "470646800  2024-01-15T12:00:00Z  20240115 12000000  new\n"
                                 "31586120  1986-03-15T12:00:00Z  19860315 12000000  old\n") == 0,
          "date encode: %d '%s'", st, out);
    st = run("date 469891377 --add 323.35", out, sizeof out, err, sizeof err);
    CHECK(st == 0 && strncmp(out, "470182393 ", 10) == 0, "date --add: %d '%s'", st, out);
    st = run("date 2024-01-15T12:00 --extended", out, sizeof out, err, sizeof err);
    CHECK(st == 0 && strstr(out, "  extended\n") != NULL, "date --extended: %d '%s'", st, out);
    st = run("date 0", out, sizeof out, err, sizeof err);
    CHECK(st == 1 && out[0] == '\0' && count_lines(err) == 1, "date 0: %d '%s' '%s'", st, out, err);
    st = run("date 2023-02-29T00:00", out, sizeof out, err, sizeof err);
    CHECK(st == 1 && count_lines(err) == 1, "bad date: %d '%s'", st, err);
    st = run("date", out, sizeof out, err, sizeof err);
    CHECK(st == 2 && count_lines(err) == 1, "date usage: %d '%s'", st, err);
    return t_finish();
}
