"""Metadata index benchmark: fst24.index side by side with fstd2nc's header scan
(``fstd2nc.Buffer(files)``) and rpnpy's fstprm loop, on the same files, in one run.

    python bench/bench_index.py [--dir DIR] [--records 120000] [--files 1000] [--per-file 100]
                                [--repeat 11] [--peers-python /work/venv/peers/bin/python]

Data sets (written once by fst24 into DIR, XDF, readable by every peer):
  big    one file of --records records (8 names x 80 hybrid levels x hours, 8x8 R16 fields)
  many   --files files of --per-file records each

fst24 tasks (in this process; best and median wall time of --repeat runs, and the best CPU
time of the process, which a busy shared machine disturbs less):
  index(big, threads=1)        file -> polars DataFrame with the decoded columns, one core
  index_arrow(big, threads=1)  the same as an Arrow object (no polars conversion)
  index(many, threads=2|1)     1000 files -> DataFrame, warm page cache
  index(many, cache=...)       second call with a Parquet cache (a stat per file)
and the memory of the C index per record against the 72-byte directory entry each record has
on disk.

Peers run in a subprocess of --peers-python (a venv with fstd2nc and its bundled rpnpy;
fstd2nc needs numpy<2, hence its own venv) and are skipped with a note when it is absent:
  fstd2nc.Buffer(files)        fstd2nc's header scan (its whole table of records)
  rpnpy fstprm loop            fstopenall + fstinl + fstprm for every record (librmn 19.5)

``run(...)`` returns the results as a dict (for a benchmark runner); ``main()`` prints them.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

import fst24

DEFAULT_DIR = Path(tempfile.gettempdir()) / "fst24_bench_index"
DEFAULT_PEERS = Path("/work/venv/peers/bin/python")
NAMES = ["TT", "HU", "UU", "VV", "GZ", "WW", "QC", "ES"]


# ---- data ----------------------------------------------------------------------------

def write_file(path: Path, records: int) -> None:
    """`records` records of GEM-like metadata (names x 80 hybrid levels x hours), 8x8 R16."""
    if path.exists():
        with fst24.open(path) as f:
            if len(f) == records:
                return
    tmp = path.with_suffix(".tmp")
    levels = fst24.encode_ip(np.linspace(0.01, 1.0, 80).astype(np.float32), 5)
    data = np.random.default_rng(1).normal(size=(8, 8)).astype(np.float32)
    n = hour = 0
    with fst24.open(tmp, "w", backend="xdf") as f:
        while n < records:
            for name in NAMES:
                for lev in levels:
                    if n == records:
                        break
                    f.write(fst24.Record(data=data, nomvar=name, typvar="P", etiket="BENCH", ip1=int(lev),
                                         ip2=hour, dateo=471942800, deet=300, npas=hour * 12, data_type=1,
                                         pack_bits=16, grtyp="G", ig1=0, ig2=0, ig3=0, ig4=0))
                    n += 1
            hour += 1
    os.replace(tmp, path)


def make_data(root: Path, records: int, nfiles: int, per_file: int) -> tuple[Path, list[Path]]:
    root.mkdir(parents=True, exist_ok=True)
    big = root / f"big_{records}.fst"
    write_file(big, records)
    many_dir = root / f"many_{nfiles}x{per_file}"
    many_dir.mkdir(exist_ok=True)
    many = [many_dir / f"f{i:05d}.fst" for i in range(nfiles)]
    for p in many:
        write_file(p, per_file)
    return big, many


# ---- timing ----------------------------------------------------------------------------

def timed(fn: Callable[[], object], repeat: int) -> dict[str, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpus.append(time.process_time() - c)
        walls.append(time.perf_counter() - w)
    walls.sort()
    return {"best_ms": walls[0] * 1e3, "median_ms": walls[len(walls) // 2] * 1e3, "cpu_ms": min(cpus) * 1e3}


PEER_SCRIPT = r"""
import json, sys, time
files, repeat, want = sys.argv[1].split("\n"), int(sys.argv[2]), sys.argv[3]
out = {}
def timed(fn):
    walls = []
    for _ in range(repeat):
        t = time.perf_counter(); n = fn(); walls.append(time.perf_counter() - t)
    walls.sort()
    return {"best_ms": walls[0] * 1e3, "median_ms": walls[len(walls) // 2] * 1e3, "rows": n}
try:
    import fstd2nc
    def scan():
        b = fstd2nc.Buffer(files, quiet=True)
        return len(b._headers["nomvar"])
    out["fstd2nc"] = timed(scan) if "fstd2nc" in want else None
    h = fstd2nc.Buffer(files, quiet=True)._headers
    out["fstd2nc_bytes_per_record"] = sum(getattr(v, "nbytes", 0) for v in h.values()) / len(h["nomvar"])
except Exception as e:
    out["fstd2nc_error"] = f"{type(e).__name__}: {e}"
try:
    import fstd2nc  # puts the bundled rpnpy on sys.path
    import rpnpy.librmn.all as rmn
    rmn.fstopt(rmn.FSTOP_MSGLVL, rmn.FSTOPI_MSG_CATAST)
    def loop():
        n = 0
        for path in files:
            u = rmn.fstopenall(path, rmn.FST_RO)
            n += len([rmn.fstprm(k) for k in rmn.fstinl(u)])
            rmn.fstcloseall(u)
        return n
    out["rpnpy"] = timed(loop) if "rpnpy" in want else None
except Exception as e:
    out["rpnpy_error"] = f"{type(e).__name__}: {e}"
print(json.dumps(out))
"""


def run_peers(python: Path, files: list[Path], repeat: int) -> dict[str, Any]:
    """Peer timings from the peers' venv, or {"note": why not}."""
    if not python.exists():
        return {"note": f"peers skipped: {python} not found (a venv with fstd2nc and fstd2nc-deps)"}
    try:
        proc = subprocess.run([str(python), "-c", PEER_SCRIPT, "\n".join(map(str, files)), str(repeat),
                               "fstd2nc,rpnpy"], capture_output=True, text=True, timeout=3600)
    except subprocess.TimeoutExpired:
        return {"note": "peers skipped: timed out"}
    if proc.returncode != 0:
        return {"note": f"peers failed: {proc.stderr.strip()[-500:]}"}
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


# ---- the benchmark -------------------------------------------------------------------------

def run(root: Path = DEFAULT_DIR, records: int = 120000, nfiles: int = 1000, per_file: int = 100,
        repeat: int = 11, peers_python: Optional[Path] = DEFAULT_PEERS, peer_repeat: int = 3) -> dict[str, Any]:
    """Every measurement, as a dict (see the module documentation)."""
    import polars as pl
    big, many = make_data(root, records, nfiles, per_file)
    res: dict[str, Any] = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
                   f"load {os.getloadavg()[0]:.1f}",
        "python": platform.python_version(), "polars": pl.__version__, "fst24": fst24.__version__,
        "records": records, "files": nfiles, "per_file": per_file,
    }
    fst24.index(big, threads=1)  # warm the page cache
    fst24.index(many, threads=2, progress=False)
    res["fst24 index(big) -> DataFrame, 1 thread"] = timed(lambda: fst24.index(big, threads=1), repeat)
    res["fst24 index_arrow(big), 1 thread"] = timed(lambda: len(fst24.index_arrow(big, threads=1)), repeat)
    res["fst24 index(big, decode=False), 1 thread"] = timed(
        lambda: fst24.index(big, threads=1, decode=False), repeat)
    res[f"fst24 index({nfiles} files), 2 threads"] = timed(
        lambda: fst24.index(many, threads=2, progress=False), repeat)
    res[f"fst24 index({nfiles} files), 1 thread"] = timed(
        lambda: fst24.index(many, threads=1, progress=False), repeat)
    cache = Path(tempfile.mkdtemp(prefix="fst24_bench_cache_"))
    try:
        fst24.index(many, cache=cache, progress=False)
        res[f"fst24 index({nfiles} files, cache), second call"] = timed(
            lambda: fst24.index(many, cache=cache, progress=False), repeat)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    t = fst24.index_arrow(big, threads=1)
    df = t.to_polars()  # the export merges the columns and adds the path codes: measure after it
    header_only = fst24.index_arrow(big, decode=False)
    header_only.to_polars()
    res["memory"] = {
        "c_index_bytes_per_record": t.nbytes / len(t),
        "c_index_header_only_bytes_per_record": header_only.nbytes / len(t),
        "directory_entry_bytes_per_record": 72,
        "polars_frame_bytes_per_record": df.estimated_size() / len(t),
    }
    if peers_python is not None:
        res["peers big"] = run_peers(peers_python, [big], peer_repeat)
        res["peers many"] = run_peers(peers_python, many, peer_repeat)
    return res


def report(res: dict[str, Any]) -> str:
    lines = [f"# {res['machine']}; Python {res['python']}, polars {res['polars']}, fst24 {res['fst24']}",
             f"| task | best | median | CPU |", "|---|---:|---:|---:|"]
    for k, v in res.items():
        if k.startswith("fst24 "):
            lines.append(f"| {k} | {v['best_ms']:.1f} ms | {v['median_ms']:.1f} ms | {v['cpu_ms']:.1f} ms |")
    for which in ("big", "many"):
        p = res.get(f"peers {which}")
        if p is None:
            continue
        if "note" in p:
            lines.append(f"| peers ({which}) | {p['note']} | | |")
            continue
        for name, label in (("fstd2nc", "fstd2nc.Buffer(files)"), ("rpnpy", "rpnpy fstopenall+fstinl+fstprm loop")):
            if p.get(name):
                lines.append(f"| {label} ({which}: {p[name]['rows']} records) | {p[name]['best_ms']:.1f} ms | "
                             f"{p[name]['median_ms']:.1f} ms | |")
            elif p.get(f"{name}_error"):
                lines.append(f"| {label} ({which}) | {p[name + '_error']} | | |")
    m = res["memory"]
    lines.append("")
    peer_mem = (res.get("peers big") or {}).get("fstd2nc_bytes_per_record")
    lines.append(f"memory per record: C index {m['c_index_bytes_per_record']:.1f} B (header columns only "
                 f"{m['c_index_header_only_bytes_per_record']:.1f} B), polars frame "
                 f"{m['polars_frame_bytes_per_record']:.1f} B; directory entry on disk "
                 f"{m['directory_entry_bytes_per_record']} B"
                 + (f"; fstd2nc's header table {peer_mem:.1f} B" if peer_mem else ""))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--records", type=int, default=120000)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--per-file", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=11)
    ap.add_argument("--peer-repeat", type=int, default=3)
    ap.add_argument("--peers-python", type=Path, default=DEFAULT_PEERS)
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--json", action="store_true", help="print the raw results as JSON")
    args = ap.parse_args()
    res = run(args.dir, args.records, args.files, args.per_file, args.repeat,
              None if args.no_peers else args.peers_python, args.peer_repeat)
    print(json.dumps(res, indent=1) if args.json else report(res))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
