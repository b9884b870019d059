#include "cli.h"

int cmd_grid(int argc, char **argv) { (void)argc; (void)argv; return cli_fail("'grid' is not implemented yet"); }
