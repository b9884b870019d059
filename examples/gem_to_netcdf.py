"""Convert GEM output (FST files) to one CF netCDF file through xarray.

    python examples/gem_to_netcdf.py IN... OUT.nc [--vars TT,HU,P0] [--forecast-axis] [--zlib]

The inputs (files, directories or globs) are opened lazily as one CF-described Dataset
(``fst24.to_xarray``: one variable per field, time/level/y/x dimensions, the vertical
coordinate and its formula terms from the ``!!`` record, rotated-pole grid mapping and
2-D latitudes/longitudes for rotated grids), written with ``Dataset.to_netcdf`` and read
back to check that every value arrived. The command line does the same with
``fst24 convert IN... OUT.nc``. Needs xarray and netCDF4 (or h5netcdf).
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

import numpy as np
import xarray as xr

import fst24


def convert(inputs: list[str], out: str, variables: Optional[list[str]] = None,
            forecast_axis: bool = False, zlib: bool = False) -> xr.Dataset:
    """Write the Dataset of ``inputs`` to ``out``; returns it (lazy)."""
    source = inputs[0] if len(inputs) == 1 else inputs
    ds = fst24.to_xarray(source, vars=variables, forecast_axis=forecast_axis)
    encoding = {name: {"zlib": True, "complevel": 4} for name in ds.data_vars} if zlib else None
    ds.to_netcdf(out, encoding=encoding)       # reads the records as it writes them
    return ds


def check(ds: xr.Dataset, out: str) -> None:
    """Every data variable of ``out`` equals the FST Dataset's (NaN where missing)."""
    with xr.open_dataset(out) as back:
        for name, var in ds.data_vars.items():
            a, b = var.values, back[name].values
            same = np.array_equal(a, b, equal_nan=True) if a.dtype.kind == "f" else np.array_equal(a, b)
            if not same:
                raise SystemExit(f"{out}: {name} differs from the FST data")


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+", help="FST files, directories or globs, then OUT.nc")
    ap.add_argument("--vars", help="comma-separated nomvars to keep (default: all)")
    ap.add_argument("--forecast-axis", action="store_true",
                    help="reference time and forecast period dimensions instead of validity time")
    ap.add_argument("--zlib", action="store_true", help="compress the variables (netCDF4)")
    args = ap.parse_args(argv)
    if len(args.inputs) < 2:
        ap.error("give at least one input and the output file")
    *inputs, out = args.inputs
    variables = args.vars.split(",") if args.vars else None
    ds = convert(inputs, out, variables, args.forecast_axis, args.zlib)
    check(ds, out)
    print(f"{out}: {len(ds.data_vars)} variables, {os.path.getsize(out)} bytes; dimensions "
          + ", ".join(f"{k}={v}" for k, v in ds.sizes.items()))
    for name, var in ds.data_vars.items():
        what = var.attrs.get("long_name") or var.attrs.get("standard_name") or ""
        units = var.attrs.get("units", "")
        print(f"  {name:12} {var.dims!s:45} {units:8} {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
