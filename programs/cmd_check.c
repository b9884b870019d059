#include "cli.h"

int cmd_check(int argc, char **argv) { (void)argc; (void)argv; return cli_fail("'check' is not implemented yet"); }
int cmd_convert(int argc, char **argv) { (void)argc; (void)argv; return cli_fail("'convert' is not implemented yet"); }
