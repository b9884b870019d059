"""Side-by-side timings of fst24 and its peers, in one run, on the same files.

    python bench/compare_peers.py [--records N] [--repeat R] [FILE ...]

Peers are used only when installed (`pip install fstd2nc fstd2nc-deps` brings fstd2nc and a
bundled rpnpy/librmn 19.5, XDF only); fst24 never depends on them. Without FILE it measures
../shared/corpus/ref/model.xdf.fst and a synthetic file written by fst24 (N records of
1000x1000 R16 fields, XDF, readable by every peer). Each task is timed R times and the best is
kept (the files are in the page cache after the first run: this measures the libraries, not
the disk).

Tasks:
  list   open the file and get every record's metadata (nomvar, ip1..3, dates, shape ...)
  read   read and decode every record's data into numpy arrays
  read1  read one field (the first TT, or the first record)
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

import fst24

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("FST24_CORPUS", ROOT.parent / "shared" / "corpus"))


def best_of(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


# -- fst24 -------------------------------------------------------------------------------
def fst24_list(path: str) -> int:
    with fst24.open(path) as f:
        return len([(r.nomvar, r.ip1, r.ip2, r.ip3, r.datev, r.ni, r.nj) for r in f])


def fst24_read(path: str) -> float:
    with fst24.open(path) as f:
        arrays = f.read(list(f))
        return float(sum(a.size for a in arrays))


def fst24_read1(path: str) -> float:
    with fst24.open(path) as f:
        rec = f.find(nomvar="TT").first() or f[0]
        return float(rec.data.size)


# -- rpnpy (librmn) ----------------------------------------------------------------------
def have_rpnpy() -> bool:
    try:
        import fstd2nc  # noqa: F401  (puts the bundled rpnpy on the path)
        import rpnpy.librmn.all  # noqa: F401
        return True
    except Exception:
        return False


def rpnpy_list(path: str) -> int:
    import rpnpy.librmn.all as rmn
    u = rmn.fstopenall(path, rmn.FST_RO)
    try:
        return len([rmn.fstprm(k) for k in rmn.fstinl(u)])
    finally:
        rmn.fstcloseall(u)


def rpnpy_read(path: str) -> float:
    import rpnpy.librmn.all as rmn
    u = rmn.fstopenall(path, rmn.FST_RO)
    try:
        return float(sum(rmn.fstluk(k)["d"].size for k in rmn.fstinl(u)))
    finally:
        rmn.fstcloseall(u)


def rpnpy_read1(path: str) -> float:
    import rpnpy.librmn.all as rmn
    u = rmn.fstopenall(path, rmn.FST_RO)
    try:
        k = rmn.fstinf(u, nomvar="TT") or {"key": rmn.fstinl(u)[0]}
        return float(rmn.fstluk(k["key"])["d"].size)
    finally:
        rmn.fstcloseall(u)


# -- fstd2nc -----------------------------------------------------------------------------
def have_fstd2nc() -> bool:
    try:
        import fstd2nc  # noqa: F401
        return True
    except Exception:
        return False


def fstd2nc_list(path: str) -> int:
    import fstd2nc
    b = fstd2nc.Buffer(path, quiet=True)
    return len(b._headers["nomvar"])


def fstd2nc_read(path: str) -> float:
    import fstd2nc
    ds = fstd2nc.Buffer(path, quiet=True).to_xarray()
    return float(sum(np.asarray(v.values).size for v in ds.data_vars.values()))


def make_synthetic(path: Path, records: int) -> None:
    rng = np.random.default_rng(1)
    base = (250 + 30 * rng.random((1000, 1000), dtype=np.float32)).astype(np.float32)
    with fst24.open(path, "w") as f:
        for i in range(records):
            rec = fst24.Record(data=np.asfortranarray(base + i), nomvar="TT" if i % 2 else "UU",
                               ip1=i + 1, grtyp="X", data_type=1, pack_bits=16)
            f.write(rec)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*")
    ap.add_argument("--records", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    files = [Path(p) for p in args.files]
    if not files:
        synth = Path("/tmp/fst24_peers.fst")
        make_synthetic(synth, args.records)
        files = [CORPUS / "ref" / "model.xdf.fst", synth]
    peers: list[tuple[str, dict[str, Callable[[str], object]]]] = [
        ("fst24", {"list": fst24_list, "read": fst24_read, "read1": fst24_read1}),
    ]
    if have_rpnpy():
        peers.append(("rpnpy/librmn", {"list": rpnpy_list, "read": rpnpy_read, "read1": rpnpy_read1}))
    else:
        print("rpnpy not installed: skipped")
    if have_fstd2nc():
        peers.append(("fstd2nc", {"list": fstd2nc_list, "read": fstd2nc_read}))
    else:
        print("fstd2nc not installed: skipped")
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, numpy {np.__version__}")
    print(f"{'file':28} {'task':6} " + " ".join(f"{name:>14}" for name, _ in peers))
    for path in files:
        size = path.stat().st_size
        for task in ("list", "read", "read1"):
            cells = []
            for _, tasks in peers:
                fn = tasks.get(task)
                if fn is None:
                    cells.append(f"{'-':>14}")
                    continue
                try:
                    t = best_of(lambda: fn(str(path)), args.repeat)
                    cells.append(f"{t * 1e3:11.2f} ms")
                except Exception as e:  # a peer failing is reported, not fatal
                    cells.append(f"{'error':>14}")
                    print(f"  {task} failed: {type(e).__name__}: {e}", file=sys.stderr)
            print(f"{path.name[:28]:28} {task:6} " + " ".join(cells) + f"   ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
