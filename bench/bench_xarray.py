"""xarray backend benchmark: opening, coordinates and loading, side by side with fstd2nc.

    python bench/bench_xarray.py [--corpus ../shared/corpus] [--repeat 11]
                                 [--peers-python /work/venv/peers/bin/python]

Tasks (best and median wall time of --repeat runs, warm page cache, imports done):
  open model.xdf.fst           xr.open_dataset(ref/model.xdf.fst, engine="fst24"): 508 records,
                               lazy (headers, coordinates, the "!!" table; no data record)
  fstd2nc open                 fstd2nc.Buffer(path).to_xarray() on the same file, in a subprocess
                               of --peers-python (fstd2nc needs numpy<2), same repeat count
  open 2000x2000 rotated       open of a one-record file on a 2000x2000 Z grid on a rotated E
                               reference (positional records read, 1-D axes computed)
  open+lat/lon 2000x2000 ...    open + ds.lat.values + ds.lon.values of that grid: computed (cache
                               cleared; float64 or float32, 1 or 2 threads) or from the in-process
                               cache of a previous open; fstd2nc (float32, one thread): its first
                               open in the process, then its repeated opens (it keeps grids)
  first open, fresh process    the first open_dataset in a new process (imports, and xarray's own
                               one-time imports, done before the clock starts), fst24 and fstd2nc
  load everything              ds.load() of model.xdf.fst in a fresh process: peak RSS (VmHWM, reset
                               after the open) above the opened state, against the decoded size of
                               the data and coordinates (Linux)

``run(...)`` returns the results as a dict; ``main()`` prints them.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np

import fst24

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = Path(os.environ.get("FST24_CORPUS", HERE.parent.parent / "shared" / "corpus"))
DEFAULT_PEERS = Path("/work/venv/peers/bin/python")


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """(best, median) wall time in seconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def big_rotated(path: Path, n: int = 2000) -> Path:
    if path.exists():
        return path
    ref = fst24.xg_to_ig("E", (45.0, 260.0, 45.0, 300.0))
    ax = (140.0 + 0.02 * np.arange(n, dtype=np.float32)).reshape(n, 1)
    ay = (-20.0 + 0.02 * np.arange(n, dtype=np.float32)).reshape(1, n)
    pos = dict(typvar="X", etiket="BIG", ip1=7001, ip2=7002, ip3=0, grtyp="E", ig1=ref[0], ig2=ref[1],
               ig3=ref[2], ig4=ref[3], dateo=fst24.datetime_to_stamp(np.datetime64("2024-01-15T12")))
    with fst24.open(path, "w") as f:
        f.write(fst24.Record(data=np.asfortranarray(ax), nomvar=">>", **pos))
        f.write(fst24.Record(data=np.asfortranarray(ay), nomvar="^^", **pos))
        f.write(fst24.Record(data=np.zeros((n, n), np.float32, order="F"), nomvar="P0", typvar="P", ip1=0,
                             grtyp="Z", ig1=7001, ig2=7002, ig3=0, ig4=0, data_type=1, pack_bits=16,
                             dateo=pos["dateo"]))
    return path


PEER_OPEN = r'''
import json, sys, time, statistics, warnings
warnings.simplefilter("ignore")
import fstd2nc
path, repeat = sys.argv[1], int(sys.argv[2])
fstd2nc.Buffer(path, serial=True, quiet=True).to_xarray()
times = []
for _ in range(repeat):
    t = time.perf_counter(); fstd2nc.Buffer(path, serial=True, quiet=True).to_xarray(); times.append(time.perf_counter() - t)
print(json.dumps([min(times), statistics.median(times)]))
'''

PEER_LATLON = r'''
import json, sys, time, statistics, warnings
warnings.simplefilter("ignore")
import numpy as np, fstd2nc
path, repeat = sys.argv[1], int(sys.argv[2])


def once():
    t = time.perf_counter()
    ds = fstd2nc.Buffer(path, serial=True, quiet=True).to_xarray()
    lat, lon = np.asarray(ds["lat"].values), np.asarray(ds["lon"].values)
    return time.perf_counter() - t, str(lat.dtype)


first, dtype = once()        # fstd2nc computes the grid here, then keeps it for the process
times = [once()[0] for _ in range(repeat)]
print(json.dumps({"first": first, "best": min(times), "median": statistics.median(times), "dtype": dtype}))
'''

LOAD = r'''
import json, sys, warnings
warnings.simplefilter("ignore")
import numpy as np, xarray as xr
import fst24


def rss_kib(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])
    return 0


ds = xr.open_dataset(sys.argv[1], engine="fst24")
before = rss_kib("VmRSS")
with open("/proc/self/clear_refs", "w") as f:   # restart the peak (VmHWM) here
    f.write("5")
ds.load()
peak = rss_kib("VmHWM")
size = sum(v.nbytes for v in ds.variables.values())
print(json.dumps({"rss_kib_before": before, "rss_kib_peak": peak, "decoded_bytes": size}))
'''

FIRST_OURS = r'''
import sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np, xarray as xr, polars, fst24, fst24.xarray_backend, fst24.dataset
xr.Variable(("x",), np.zeros(1))   # xarray's one-time imports (dask.array, backends) before the clock
xr.backends.list_engines()
t = time.perf_counter()
xr.open_dataset(sys.argv[1], engine="fst24")
print(time.perf_counter() - t)
'''

FIRST_PEER = r'''
import sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np, fstd2nc, xarray as xr
xr.Variable(("x",), np.zeros(1))   # xarray's one-time imports (dask.array, backends) before the clock
xr.backends.list_engines()
t = time.perf_counter()
fstd2nc.Buffer(sys.argv[1], serial=True, quiet=True).to_xarray()
print(time.perf_counter() - t)
'''


def first_open(python: str, code: str, path: Path, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        r = subprocess.run([python, "-c", code, str(path)], capture_output=True, text=True)
        times.append(float(r.stdout.strip().splitlines()[-1]))
    return min(times), statistics.median(times)


def run(corpus: Path, repeat: int = 11, peers: Path = DEFAULT_PEERS) -> dict[str, Any]:
    import xarray as xr
    out: dict[str, Any] = {"machine": f"{platform.machine()} {os.cpu_count()} cores, {platform.python_version()}, "
                                      f"xarray {xr.__version__}, numpy {np.__version__}"}
    model = corpus / "ref" / "model.xdf.fst"

    def open_model() -> Any:
        return xr.open_dataset(model, engine="fst24")

    open_model()
    out["open model.xdf.fst"] = timed(open_model, repeat)
    if peers.exists():
        r = subprocess.run([str(peers), "-c", PEER_OPEN, str(model), str(repeat)], capture_output=True, text=True)
        out["fstd2nc open"] = tuple(json.loads(r.stdout)) if r.returncode == 0 else f"failed: {r.stderr[-300:]}"
    else:
        out["fstd2nc open"] = f"skipped: no {peers}"
    n = max(3, repeat // 3)
    out["first open, fresh process"] = first_open(sys.executable, FIRST_OURS, model, n)
    if peers.exists():
        out["fstd2nc first open, fresh"] = first_open(str(peers), FIRST_PEER, model, n)
    big = big_rotated(Path(tempfile.gettempdir()) / "fst24_bench_rotated_2000.fst")
    xr.open_dataset(big, engine="fst24")
    out["open 2000x2000 rotated"] = timed(lambda: xr.open_dataset(big, engine="fst24"), repeat)

    # open + 2-D lat/lon, variants interleaved repetition after repetition
    variants = {
        "open+lat/lon 2000x2000 f64 1 thread, computed": dict(threads=1, cached=False, latlon_dtype="float64"),
        "open+lat/lon 2000x2000 f64 2 threads, computed": dict(threads=2, cached=False, latlon_dtype="float64"),
        "open+lat/lon 2000x2000 f32 1 thread, computed": dict(threads=1, cached=False, latlon_dtype="float32"),
        "open+lat/lon 2000x2000 f64, cached": dict(threads=1, cached=True, latlon_dtype="float64"),
        "open+lat/lon 2000x2000 f32, cached": dict(threads=1, cached=True, latlon_dtype="float32"),
    }
    elapsed: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(repeat):
        for name, v in variants.items():
            if not v["cached"]:
                fst24.dataset.LATLON.clear()          # compute again each time
            else:                                     # a previous open of the same grid (not timed)
                pre = xr.open_dataset(big, engine="fst24", threads=1, latlon_dtype=v["latlon_dtype"])
                pre.lat.values
            ds = None                                 # the previous arrays are freed outside the clock
            t = time.perf_counter()
            ds = xr.open_dataset(big, engine="fst24", threads=v["threads"], latlon_dtype=v["latlon_dtype"])
            ds.lat.values
            ds.lon.values
            elapsed[name].append(time.perf_counter() - t)
    for name, el in elapsed.items():
        out[name] = (min(el), statistics.median(el))
    if peers.exists():
        r = subprocess.run([str(peers), "-c", PEER_LATLON, str(big), str(repeat)], capture_output=True, text=True)
        if r.returncode == 0:
            pl = json.loads(r.stdout)
            out[f"fstd2nc open+lat/lon ({pl['dtype']}), first"] = (pl["first"], pl["first"])
            out[f"fstd2nc open+lat/lon ({pl['dtype']}), cached"] = (pl["best"], pl["median"])
        else:
            out["fstd2nc open+lat/lon"] = f"failed: {r.stderr[-300:]}"
    r = subprocess.run([sys.executable, "-c", LOAD, str(model)], capture_output=True, text=True)
    load = json.loads(r.stdout)
    load["peak_over_decoded"] = (load["rss_kib_peak"] - load["rss_kib_before"]) * 1024 / load["decoded_bytes"]
    out["load everything"] = load
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--repeat", type=int, default=11)
    p.add_argument("--peers-python", type=Path, default=DEFAULT_PEERS)
    a = p.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = run(a.corpus, a.repeat, a.peers_python)
    print(res.pop("machine"))
    for k, v in res.items():
        if isinstance(v, tuple):
            print(f"{k:28s} best {v[0] * 1e3:8.2f} ms   median {v[1] * 1e3:8.2f} ms")
        else:
            print(f"{k:28s} {v}")
    o, f = res["open model.xdf.fst"], res["fstd2nc open"]
    if isinstance(f, tuple):
        print(f"{'fstd2nc / fst24, repeated':28s} {f[0] / o[0]:.1f}x (best)")
    o, f = res["first open, fresh process"], res.get("fstd2nc first open, fresh")
    if isinstance(f, tuple):
        print(f"{'fstd2nc / fst24, first open':28s} {f[0] / o[0]:.1f}x (best)")


if __name__ == "__main__":
    main()
