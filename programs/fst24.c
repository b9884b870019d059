/*
 * fst24 - command-line tool over libfst24: dispatch, --help, and the error
 * and argument helpers every sub-command uses. The sub-commands are listed
 * once, in CLI_COMMANDS (cli.h); each lives in programs/cmd_NAME.c.
 */
#include <stdarg.h>
#include <string.h>

#include "cli.h"

int cli_fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("fst24: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

int cli_fail_lib(const char *what) {
    if (what && *what) return cli_fail("%s: %s", what, fst24_last_error());
    return cli_fail("%s", fst24_last_error());
}

int cli_fail_file(const char *path) {
    const char *msg = fst24_last_error();
    if (!path || strstr(msg, path)) return cli_fail("%s", msg);
    return cli_fail("%s: %s", path, msg);
}

/* The first line of a help text ("usage: fst24 ..."), without its newline. */
static void usage_line(const char *help, char *out, size_t n) {
    size_t len = strcspn(help, "\n");
    if (len >= n) len = n - 1;
    memcpy(out, help, len);
    out[len] = '\0';
}

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *help;
} cli_command;

#define CLI_ENTRY(name, summary) {#name, cmd_##name, summary, cli_help_##name},
static const cli_command commands[] = {CLI_COMMANDS(CLI_ENTRY)};
#undef CLI_ENTRY
enum { NUM_COMMANDS = sizeof commands / sizeof commands[0] };

static const cli_command *find_command(const char *name) {
    for (size_t i = 0; i < NUM_COMMANDS; i++)
        if (!strcmp(name, commands[i].name)) return &commands[i];
    return NULL;
}

int cli_usage(const char *cmd, const char *fmt, ...) {
    const cli_command *c = find_command(cmd);
    char line[256] = "";
    if (c) usage_line(c->help, line, sizeof line);
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fst24: %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (*line) fprintf(stderr, " (%s; see 'fst24 %s --help')", line, cmd);
    fputc('\n', stderr);
    return 2;
}

int cli_is_option(const char *arg) { return arg[0] == '-' && arg[1] != '\0'; }

int cli_opt_value(const char *cmd, int argc, char **argv, int *i, const char *name, const char **value) {
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n)) return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0') return 0;
    if (*i + 1 >= argc) {
        cli_usage(cmd, "option %s needs a value", name);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

const char cli_help_version[] =
    "usage: fst24 version\n"
    "Print the version of the fst24 library and tool.\n"
    "\n"
    "example:\n"
    "  fst24 version\n";

int cmd_version(int argc, char **argv) {
    if (argc > 1) return cli_usage("version", "unexpected argument %s", argv[1]);
    printf("fst24 %s\n", fst24_version());
    return 0;
}

static void usage(FILE *o) {
    fprintf(o,
            "usage: fst24 COMMAND [ARGS]   (fst24 COMMAND --help for its options and examples)\n"
            "RPN standard files (XDF and RSF) without librmn.\n\n"
            "commands:\n");
    for (size_t i = 0; i < NUM_COMMANDS; i++) fprintf(o, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(o,
            "\nexit status: 0 success, 1 failure (one line on stderr naming the file and the problem),\n"
            "2 usage error; diff: 0 same, 1 different, 2 error.\n");
}

/* --help / -h anywhere before a "--" */
static int wants_help(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) return 0;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h")) {
        const cli_command *c = argc > 2 ? find_command(argv[2]) : NULL;
        if (argc > 2 && !c) return cli_fail("help: unknown command \"%s\"", argv[2]) + 1;
        if (c) fputs(c->help, stdout);
        else usage(stdout);
        return 0;
    }
    if (!strcmp(name, "--version")) return cmd_version(1, argv + 1);
    const cli_command *c = find_command(name);
    if (!c) return cli_fail("unknown command \"%s\" (see 'fst24 --help')", name) + 1;
    if (wants_help(argc - 1, argv + 1)) {
        fputs(c->help, stdout);
        return 0;
    }
    return c->run(argc - 1, argv + 1);
}
