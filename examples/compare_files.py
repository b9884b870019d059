"""Compare two FST files record by record, in Python: what ``fst24 diff A B`` does.

    python examples/compare_files.py A B [--tolerance T]

Records are paired by identity (nomvar, typvar, etiket, ip1, ip2, ip3, datev and the grid:
grtyp, ig1..ig4) with a join of the two metadata indexes, whatever the order of the
records and the backends of the files. Each pair's data are read (in parallel, in C) and
compared: largest absolute difference, number of points that differ by more than T.
Records found in one file only are listed. Exit status 0 when the files hold the same
records with values within T, 1 otherwise (as ``fst24 diff``).
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional

import numpy as np
import polars as pl

import fst24

IDENTITY = ["nomvar", "typvar", "etiket", "ip1", "ip2", "ip3", "datev", "grtyp", "ig1", "ig2", "ig3", "ig4"]


def index(path: str) -> pl.DataFrame:
    """The records of one file, numbered within their identity (duplicates pair in file order)."""
    df = fst24.index(path, columns=["path", "key", *IDENTITY])
    return df.with_columns(pl.int_range(pl.len()).over(IDENTITY).alias("nth"))


def compare(a: str, b: str, tolerance: float = 0.0) -> bool:
    """Print the comparison of files ``a`` and ``b``; True when they are the same."""
    ia, ib = index(a), index(b)
    keys = IDENTITY + ["nth"]
    pairs = ia.join(ib, on=keys, how="inner", suffix="_b")
    only_a = ia.join(ib, on=keys, how="anti")
    only_b = ib.join(ia, on=keys, how="anti")
    # Decode both sides of every pair, in parallel with the GIL released.
    data_a = fst24.read(pairs.select("path", "key"))
    data_b = fst24.read(pairs.select(pl.col("path_b").alias("path"), pl.col("key_b").alias("key")))
    different = 0
    for row, x, y in zip(pairs.iter_rows(named=True), data_a, data_b):
        if x.shape != y.shape:
            status, worst, count = f"shape {x.shape} vs {y.shape}", float("nan"), x.size
        elif x.dtype.kind in "fc" or y.dtype.kind in "fc":
            diff = np.abs(x.astype(np.float64) - y.astype(np.float64))
            worst, count = float(np.nanmax(diff)) if diff.size else 0.0, int(np.count_nonzero(diff > tolerance))
            status = "equal" if worst == 0 else ("close" if count == 0 else "DIFFERENT")
        else:  # integers, characters, raw bits: exact comparison
            count = int(np.count_nonzero(x != y))
            worst, status = float(count), "equal" if count == 0 else "DIFFERENT"
        if status not in ("equal", "close"):
            different += 1
        if status != "equal":
            print(f"{row['nomvar']:4} {fst24.format_ip(row['ip1']):>12} ip2={row['ip2']:<4} max |a-b| {worst:<10.4g} "
                  f"{count:>6} points differ  {status}")
    for label, rows in (("only in A", only_a), ("only in B", only_b)):
        for row in rows.iter_rows(named=True):
            print(f"{label}: {row['nomvar']} ip1={row['ip1']} ip2={row['ip2']} ip3={row['ip3']} "
                  f"etiket={row['etiket']}")
    same = different == 0 and only_a.height == 0 and only_b.height == 0
    print(f"{pairs.height} pairs, {different} different; {only_a.height} only in A, "
          f"{only_b.height} only in B: {'SAME' if same else 'DIFFERENT'}")
    return same


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--tolerance", type=float, default=0.0, help="largest allowed |a - b| (default 0)")
    args = ap.parse_args(argv)
    return 0 if compare(args.a, args.b, args.tolerance) else 1


if __name__ == "__main__":
    sys.exit(main())
