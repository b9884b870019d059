"""What is in an archive of FST files: variables, levels, valid times and grids,
from the metadata index (one Polars DataFrame of every record), then the data
of one variable's levels at the first valid time, read in parallel.

    python examples/index_archive.py SOURCE [NOMVAR] [--cache DIR]

SOURCE is a file, a directory or a glob ("run/*.fst").
"""
from __future__ import annotations

import argparse

import numpy as np
import polars as pl

import fst24


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source")
    ap.add_argument("nomvar", nargs="?", default="TT")
    ap.add_argument("--cache", help="directory of the Parquet cache (indexing again costs a stat per file)")
    args = ap.parse_args()

    df = fst24.index(args.source, cache=args.cache, errors="warn")
    print(f"{df.height} records in {df['path'].n_unique()} files")
    data = df.filter(~pl.col("is_descriptor"))
    summary = (data.group_by("nomvar", "level_kind", "grid_id")
               .agg(pl.len().alias("records"), pl.col("level").n_unique().alias("levels"),
                    pl.col("datev_time").min().alias("first"), pl.col("datev_time").max().alias("last"))
               .sort("nomvar", "level_kind"))
    with pl.Config(tbl_rows=40, tbl_cols=8):
        print(summary)

    var = data.filter(pl.col("nomvar") == args.nomvar)
    if var.height == 0:
        print(f"no {args.nomvar} records")
        return
    first = var.filter(pl.col("datev_time") == var["datev_time"].min())
    first = first.filter(pl.col("grid_id") == first["grid_id"][0], pl.col("level_kind") == first["level_kind"][0])
    first = first.sort("level").unique("ip1", keep="first", maintain_order=True)
    cube = fst24.read(first, stack=True)  # (ni, nj, nlev), decoded in parallel with the GIL released
    print(f"{args.nomvar}: {cube.shape[-1]} levels of {cube.shape[0]}x{cube.shape[1]} at {first['datev_time'][0]}")
    for level, unit, layer in zip(first["level"], first["level_unit"], np.moveaxis(cube, -1, 0)):
        print(f"  {level:>12.6g} {unit or '':3} mean {float(layer.mean()):10.4f}")


if __name__ == "__main__":
    main()
