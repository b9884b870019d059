#include "cli.h"

int cmd_ip(int argc, char **argv) { (void)argc; (void)argv; return cli_fail("'ip' is not implemented yet"); }
int cmd_date(int argc, char **argv) { (void)argc; (void)argv; return cli_fail("'date' is not implemented yet"); }
