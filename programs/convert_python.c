/* fst24 convert IN... OUT.nc|OUT.zarr: handed over to the Python package
 * (python -m fst24.convert), which builds a CF Dataset with xarray. The CLI
 * itself stays C and fast; only these outputs need Python.
 *
 * Interpreter: $FST24_PYTHON, else the one the package was built for
 * (FST24_PYTHON_EXECUTABLE, baked in by python/CMakeLists.txt), else python3
 * on the PATH. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"

#ifndef FST24_PYTHON_EXECUTABLE
#define FST24_PYTHON_EXECUTABLE ""
#endif

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    while (n > 1 && s[n - 1] == '/') n--; /* "out.zarr/" */
    return n >= m && !strncasecmp(s + n - m, suffix, m);
}

int cli_convert_wants_python(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--format") || !strncmp(a, "--format=", 9)) return 1;
        if (a[0] != '-' && (ends_with(a, ".nc") || ends_with(a, ".nc4") || ends_with(a, ".netcdf") ||
                            ends_with(a, ".zarr")))
            return 1;
    }
    return 0;
}

int cli_convert_python(int argc, char **argv)
{
    const char *py = getenv("FST24_PYTHON");
    if (!py || !*py) py = FST24_PYTHON_EXECUTABLE;
    if (!*py) py = "python3";
    char **args = calloc((size_t)argc + 4, sizeof *args);
    if (!args) return cli_fail("convert: out of memory");
    args[0] = (char *)py;
    args[1] = "-m";
    args[2] = "fst24.convert";
    for (int i = 1; i < argc; i++) args[i + 2] = argv[i];
    fflush(stdout);
    fflush(stderr);
    if (strchr(py, '/')) execv(py, args);
    else execvp(py, args);
    int err = errno;
    free(args);
    return cli_fail("convert: netCDF/Zarr output needs the fst24 Python package, but %s cannot be run (%s); "
                    "install it (pip install fst24) or set FST24_PYTHON to its interpreter",
                    py, strerror(err));
}
