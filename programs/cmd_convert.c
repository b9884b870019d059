/* fst24 convert --backend rsf|xdf IN OUT: every record copied, payload
 * unchanged, into a new file of the chosen backend. */
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"

const char cli_help_convert[] =
    "usage: fst24 convert --backend rsf|xdf IN OUT\n"
    "       fst24 convert IN... OUT.nc|OUT.zarr [--vars A,B] [--forecast-axis] [--ensembles] ...\n"
    "Copy every record of IN, in order, into a new file OUT of the chosen backend. Payloads and\n"
    "headers are copied unchanged (no decoding); RSF extended metadata is kept when OUT is RSF\n"
    "and reported lost (on stderr) when OUT is XDF, which cannot store it. To copy a selection,\n"
    "or to edit headers, use fst24 select. OUT is written under the writer lock (refused while\n"
    "another process writes it) and may not be IN.\n"
    "With an OUT ending in .nc, .nc4 or .zarr (or --format netcdf|zarr), the records of every IN\n"
    "are converted to a CF netCDF file or Zarr store by the fst24 Python package (python -m\n"
    "fst24.convert --help for its options; FST24_PYTHON selects the interpreter).\n"
    "\n"
    "example:\n"
    "  fst24 convert --backend rsf model.fst model.rsf\n"
    "  fst24 convert run/2024011500_* run.nc --vars TT,HU,P0\n"
    "\n"
    "exit status: 0 success, 1 a file could not be read or written, 2 usage error\n";

int cmd_convert(int argc, char **argv) {
    if (cli_convert_wants_python(argc, argv)) return cli_convert_python(argc, argv);
    const char *in_path = NULL, *out_path = NULL, *bk = NULL;
    for (int i = 1; i < argc; i++) {
        int r = cli_opt_value("convert", argc, argv, &i, "--backend", &bk);
        if (r < 0) return 2;
        if (r > 0) continue;
        if (cli_is_option(argv[i])) return cli_usage("convert", "unknown option %s", argv[i]);
        if (!in_path) in_path = argv[i];
        else if (!out_path) out_path = argv[i];
        else return cli_usage("convert", "too many arguments");
    }
    fst24_backend backend;
    if (bk && !strcasecmp(bk, "rsf")) backend = FST24_BACKEND_RSF;
    else if (bk && !strcasecmp(bk, "xdf")) backend = FST24_BACKEND_XDF;
    else return cli_usage("convert", bk ? "--backend must be rsf or xdf" : "missing --backend");
    if (!in_path || !out_path) return cli_usage("convert", "IN and OUT expected");

    struct stat sin, sout;
    if (stat(in_path, &sin) == 0 && stat(out_path, &sout) == 0 && sin.st_dev == sout.st_dev &&
        sin.st_ino == sout.st_ino)
        return cli_fail("convert: %s: the output is the input file (it would be truncated); write to a new file",
                        out_path);
    fst24_file *in, *out;
    int damaged;
    if (cli_open_input(in_path, &in, &damaged)) return 1;
    fst24_open_options o = {.backend = backend};
    if (fst24_open(out_path, FST24_MODE_CREATE, &o, &out)) {
        fst24_close(in);
        return cli_fail_file(out_path);
    }
    int64_t n = fst24_num_records(in), lost = 0, i;
    int rc = 0;
    for (i = 0; i < n && !rc; i++) {
        fst24_record rec;
        int dropped = 0;
        if (fst24_get_record(in, i, &rec) || fst24_copy_record(out, &rec, NULL, FST24_REWRITE_NO, NULL, &dropped))
            rc = cli_fail("convert: record %lld of %s: %s", (long long)i, in_path, fst24_last_error());
        lost += dropped;
    }
    if (fst24_close(out) && !rc) rc = cli_fail_file(out_path);
    fst24_close(in);
    if (lost)
        fprintf(stderr, "fst24: convert: %lld records lost their extended metadata (XDF cannot store it)\n",
                (long long)lost);
    return rc ? rc : damaged;
}
