"""``python -m fst24.convert IN... OUT.nc|OUT.zarr``: FST files to netCDF or Zarr.

The ``fst24 convert`` command of the C CLI hands over to this module when
its output ends in ``.nc``/``.nc4``/``.zarr`` (``--backend`` copies between
FST backends stay in C). The inputs are read with :func:`fst24.to_xarray`
(records of all inputs merged, CF metadata) and written with xarray; with
dask installed, the data are streamed one record at a time under a progress
bar, so memory stays small whatever the size of the files.

Exit status: 0 success, 1 a file could not be read or written, 2 usage error.
"""
from __future__ import annotations

import argparse
import datetime
import os
import shlex
import sys
from typing import Any, Optional, Sequence

__all__ = ["main", "convert"]

_NETCDF = (".nc", ".nc4", ".netcdf")


def _format(out: str, explicit: Optional[str]) -> str:
    if explicit:
        return explicit
    low = out.rstrip("/").lower()
    if low.endswith(".zarr"):
        return "zarr"
    if low.endswith(_NETCDF):
        return "netcdf"
    raise ValueError(f"cannot tell the output format of {out!r}: use a .nc or .zarr name, or --format")


def convert(inputs: Sequence[str], out: str, *, fmt: Optional[str] = None, progress: Any = True,
            overwrite: bool = False, command: Optional[str] = None, **options: Any) -> None:
    """Convert FST files to one netCDF file or Zarr store (see the module doc).

    ``options`` go to :func:`fst24.to_xarray` (``vars``, ``forecast_axis``...).
    ``command``: the command line recorded in the output's ``history``
    attribute (default: ``fst24 convert IN... OUT``).
    """
    import fst24
    kind = _format(out, fmt)
    if os.path.exists(out) and not overwrite:
        raise FileExistsError(f"{out} exists (use --overwrite to replace it)")
    try:
        import dask  # noqa: F401
        have_dask = True
    except ImportError:
        have_dask = False
    ds = fst24.to_xarray(list(inputs), chunks={} if have_dask else None, **options)
    # CF history: newest line first, as netCDF tools write it
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    cmd = command or "fst24 convert " + " ".join(shlex.quote(str(p)) for p in [*inputs, out])
    ds.attrs["history"] = f"{when} {cmd}\n" + str(ds.attrs.get("history", ""))
    if kind == "netcdf":
        engine = _netcdf_engine()
        kwargs: dict[str, Any] = {"engine": engine}
        if engine == "netcdf4" and any(ds[v].dtype.kind == "c" for v in ds.variables):
            kwargs["auto_complex"] = True
        job = ds.to_netcdf(out, compute=not have_dask, **kwargs)
    else:
        import warnings
        with warnings.catch_warnings():   # zarr 3 notes that consolidated metadata is an extension
            warnings.filterwarnings("ignore", message=".*[Cc]onsolidated metadata.*")
            job = ds.to_zarr(out, mode="w", compute=not have_dask)
    if have_dask:
        if progress == "always" or (progress and sys.stderr.isatty()):
            from dask.diagnostics.progress import ProgressBar
            with ProgressBar(out=sys.stderr):  # type: ignore[no-untyped-call]
                job.compute()
        else:
            job.compute()


def _netcdf_engine() -> str:
    for name, module in (("netcdf4", "netCDF4"), ("h5netcdf", "h5netcdf")):
        try:
            __import__(module)
            return name
        except ImportError:
            continue
    raise ImportError("writing netCDF needs netCDF4 or h5netcdf (pip install netCDF4)")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Command-line entry point; returns the exit status."""
    p = argparse.ArgumentParser(
        prog="fst24 convert",
        description="Convert FST files (records merged, CF conventions) to a netCDF file or a Zarr store.")
    p.add_argument("paths", nargs="+", metavar="IN... OUT", help="input FST files, then the output")
    p.add_argument("--format", choices=("netcdf", "zarr"), help="output format (default: from OUT's suffix)")
    p.add_argument("--vars", help="comma-separated nomvars to keep")
    p.add_argument("--forecast-axis", action="store_true", help="reference time and forecast period dimensions")
    p.add_argument("--ensembles", action="store_true", help="etiket as an ensemble dimension")
    p.add_argument("--ignore-etiket", action="store_true", help="etiket does not separate variables")
    p.add_argument("--ignore-typvar", action="store_true", help="typvar does not separate variables")
    p.add_argument("--keep-missing", action="store_true", help="keep the sentinel values of missing points")
    p.add_argument("--unknown-grids", choices=("index", "skip", "raise"), default="index")
    p.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--progress", action="store_true", help="progress bar even when stderr is not a terminal")
    args = p.parse_args(argv)
    if len(args.paths) < 2:
        p.print_usage(sys.stderr)
        print("fst24 convert: error: IN and OUT expected", file=sys.stderr)
        return 2
    *inputs, out = args.paths
    try:
        _format(out, args.format)
    except ValueError as e:
        print(f"fst24 convert: {e}", file=sys.stderr)
        return 2
    options: dict[str, Any] = {"forecast_axis": args.forecast_axis, "ensembles": args.ensembles,
                               "ignore_etiket": args.ignore_etiket, "ignore_typvar": args.ignore_typvar,
                               "mask_missing": not args.keep_missing, "unknown_grids": args.unknown_grids}
    if args.vars:
        options["vars"] = [v for v in args.vars.split(",") if v]
    progress: Any = "always" if args.progress else not args.no_progress
    try:
        command = "fst24 convert " + " ".join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
        convert(inputs, out, fmt=args.format, progress=progress, overwrite=args.overwrite, command=command,
                **options)
    except Exception as e:  # one line on stderr naming the problem, as the C commands do
        print(f"fst24 convert: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
