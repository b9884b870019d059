"""fst24's Python tasks for bench/run.py (run by worker.py in the fst24 venv).

Each task returns (bytes produced, info). Equal work to the peers' tasks of the same
name (tasks_peers.py) is stated in the runner's task table (suite/plan.py).
"""
from __future__ import annotations

import shutil
import tempfile
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

import fst24

Result = Tuple[int, str]
_files: Dict[str, Any] = {}
_records: Dict[Tuple[str, int], Any] = {}


class Skip(Exception):
    """The task cannot run here (a missing optional component): reported as skipped."""


def _file(path: str) -> Any:
    f = _files.get(path)
    if f is None or f.closed:
        f = _files[path] = fst24.open(path)
    return f


def _mmap(threshold: Optional[int]) -> None:
    fst24.set_mmap_threshold(1 << 30 if threshold is None else int(threshold))


def open_(path: str) -> Result:
    with fst24.open(path) as f:
        n = len(f)
    return 0, f"{n} records"


def headers(path: str) -> Result:
    """Every record's full header as a dict (the work of rpnpy's fstinl + fstprm)."""
    f = _file(path)
    rows = [r.header() for r in f]
    return 0, f"{len(rows)} headers of {len(rows[0])} fields"


def search(path: str) -> Result:
    f = _file(path)
    key = ("search", id(f))
    crit = _records.get(key)
    if crit is None:
        m = f[len(f) // 2]
        crit = _records[key] = dict(nomvar=m.nomvar, ip1=m.ip1, ip2=m.ip2, ip3=m.ip3)
    r = f.find_one(**crit)
    return 0, f"{r.nomvar.strip()} ip1={r.ip1} ip2={r.ip2} ip3={r.ip3}"


def read1(path: str, idx: int, mmap_threshold: Optional[int] = None) -> Result:
    """First access of a record's data: a new Record (by position) and its .data."""
    _mmap(mmap_threshold)
    f = _file(path)
    r = f[idx]
    d = r.data
    return d.nbytes, f"{r.nomvar.strip()} ip1={r.ip1} ip2={r.ip2} {r.ni}x{r.nj}x{r.nk} datyp {r.data_type}/{r.pack_bits}"


def cached(path: str, idx: int) -> Result:
    key = (path, idx)
    r = _records.get(key)
    if r is None:
        r = _records[key] = _file(path)[idx]
    d = r.data
    return d.nbytes, "cached"


def readall(path: str, threads: int = 1, mmap_threshold: Optional[int] = None) -> Result:
    """Open, list and decode every record into new arrays (File.read), close."""
    _mmap(mmap_threshold)
    with fst24.open(path) as f:
        arrays = f.read(list(f), threads=threads)
    return sum(a.nbytes for a in arrays), f"{len(arrays)} records, {threads} thread(s)"


def readall_data(path: str, mmap_threshold: Optional[int] = None) -> Result:
    """Open and Record.data of every record, one by one (all kept)."""
    _mmap(mmap_threshold)
    with fst24.open(path) as f:
        arrays = [r.data for r in f]
    return sum(a.nbytes for a in arrays), f"{len(arrays)} records"


_cubes: Dict[Tuple[str, str], Any] = {}


def readout(path: str, nomvar: str, threads: int = 1) -> Result:
    """Every record of one variable into an existing (ni, nj, N) array (out=)."""
    f = _file(path)
    key = (path, nomvar)
    if key not in _cubes:
        recs = f.find(nomvar=nomvar).all()
        r0 = recs[0]
        cube = np.zeros((r0.ni, r0.nj, len(recs)), np.float32, order="F")
        _cubes[key] = (recs, cube)
    recs, cube = _cubes[key]
    f.read(recs, out=cube, threads=threads)
    return cube.nbytes, f"{len(recs)} records of {nomvar.strip()}, {threads} thread(s)"


def index(paths: List[str], threads: int = 1, decode: bool = True) -> Result:
    df = fst24.index(paths if len(paths) > 1 else paths[0], threads=threads, decode=decode, progress=False)
    return 0, f"{df.height} rows x {df.width} columns, {threads} thread(s)"


_cache_dirs: Dict[Tuple[str, ...], str] = {}


def index_cached(paths: List[str], threads: int = 1) -> Result:
    """Second call of fst24.index with a Parquet cache (a stat per file)."""
    key = tuple(paths)
    d = _cache_dirs.get(key)
    if d is None:
        d = _cache_dirs[key] = tempfile.mkdtemp(prefix="fst24_bench_cache_")
        fst24.index(paths, cache=d, threads=threads, progress=False)
    df = fst24.index(paths, cache=d, threads=threads, progress=False)
    return 0, f"{df.height} rows"


def latlon(path: str, idx: int) -> Result:
    f = _file(path)
    r = f[idx]
    lat, lon = fst24.grid_latlon(r)
    return lat.nbytes + lon.nbytes, f"{r.ni}x{r.nj} grid {r.grtyp}"


# ---- xarray (the fst24 engine) ----------------------------------------------------------

def _xr() -> Any:
    try:
        import xarray as xr
    except ImportError:
        raise Skip("xarray is not installed") from None
    try:
        import fst24.xarray_backend  # noqa: F401
    except ImportError:
        raise Skip("this fst24 has no xarray backend (fst24.xarray_backend)") from None
    return xr


def _open_ds(path: str) -> Any:
    return _xr().open_dataset(path, engine="fst24", threads=1)


def _nbytes(ds: Any) -> int:
    return int(sum(v.nbytes for v in ds.variables.values()))


def xr_open(path: str) -> Result:
    ds = _open_ds(path)
    n = len(ds.data_vars)
    ds.close()
    return 0, f"{n} variables"


def xr_coords(path: str) -> Result:
    ds = _open_ds(path)
    nb = 0
    for c in ds.coords.values():
        nb += np.asarray(c.values).nbytes
    ds.close()
    return nb, f"{len(ds.coords)} coordinates"


def xr_var(path: str, var: str) -> Result:
    ds = _open_ds(path)
    a = np.asarray(ds[var].values)
    ds.close()
    return a.nbytes, f"{var} {a.shape} {a.dtype}"


def xr_all(path: str) -> Result:
    ds = _open_ds(path).load()
    nb = _nbytes(ds)
    ds.close()
    return nb, f"{len(ds.data_vars)} variables loaded"


def xr_latlon(path: str, cache: bool = True, dtype: Optional[str] = None, threads: int = 1) -> Result:
    """Open + 2-D lat/lon; ``cache=False`` computes them at each open (fst24.dataset.LATLON cleared)."""
    xr = _xr()
    if not cache:
        import fst24.dataset
        if hasattr(fst24.dataset.LATLON, "clear"):
            fst24.dataset.LATLON.clear()
    kw = {} if dtype is None else {"latlon_dtype": dtype}  # None: the default (float32)
    ds = xr.open_dataset(path, engine="fst24", threads=threads, **kw)
    lat, lon = np.asarray(ds["lat"].values), np.asarray(ds["lon"].values)
    ds.close()
    return lat.nbytes + lon.nbytes, f"lat/lon {lat.shape} {lat.dtype}"


def _cleanup() -> None:
    for d in _cache_dirs.values():
        shutil.rmtree(d, ignore_errors=True)


import atexit  # noqa: E402

atexit.register(_cleanup)

def _setup_index(**_: Any) -> None:
    """Memory runs: the lazy imports of fst24.index (Polars) come before the baseline."""
    import polars  # noqa: F401

    import fst24.metadata  # noqa: F401


def _setup_xr(**_: Any) -> None:
    try:
        _xr()
    except Skip:
        pass


TASKS: Dict[str, Callable[..., Any]] = {
    "index.setup": _setup_index, "index_cached.setup": _setup_index, "xr_all.setup": _setup_xr,
    "open": open_, "headers": headers, "search": search, "read1": read1, "cached": cached,
    "readall": readall, "readall_data": readall_data, "readout": readout, "index": index,
    "index_cached": index_cached, "latlon": latlon, "xr_open": xr_open, "xr_coords": xr_coords,
    "xr_var": xr_var, "xr_all": xr_all, "xr_latlon": xr_latlon,
}
