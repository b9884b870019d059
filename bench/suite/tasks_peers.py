"""The peers' Python tasks for bench/run.py: rpnpy (librmn's Python interface) and fstd2nc.

Run by worker.py in the peers' venv (numpy<2, fstd2nc and its bundled rpnpy/librmn);
imports nothing from fst24. Each task returns (bytes produced, info) and does the same
work as the fst24 task it is compared with (suite/plan.py states it). Every peer runs on
one thread: fstd2nc scans with serial=True and dask runs with the synchronous scheduler.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

import numpy as np

Result = Tuple[int, str]
_units: Dict[str, Any] = {}
_keys: Dict[str, Any] = {}


class Skip(Exception):
    """The task cannot run here: reported as skipped."""


def _rmn() -> Any:
    try:
        import fstd2nc  # noqa: F401  (puts the rpnpy bundled with fstd2nc on the path)
    except ImportError:
        pass
    try:
        import rpnpy.librmn.all as rmn
    except ImportError:
        raise Skip("rpnpy is not installed") from None
    if not getattr(_rmn, "quiet", False):
        rmn.fstopt(rmn.FSTOP_MSGLVL, rmn.FSTOPI_MSG_CATAST)
        _rmn.quiet = True  # type: ignore[attr-defined]
    return rmn


def _fstd2nc() -> Any:
    try:
        import fstd2nc
    except ImportError:
        raise Skip("fstd2nc is not installed") from None
    try:
        import dask
        dask.config.set(scheduler="synchronous")
    except ImportError:
        pass
    return fstd2nc


def _unit(path: str) -> Any:
    u = _units.get(path)
    if u is None:
        rmn = _rmn()
        u = _units[path] = rmn.fstopenall(path, rmn.FST_RO)
        _keys[path] = rmn.fstinl(u)
    return u


# ---- rpnpy -------------------------------------------------------------------------------

def rpnpy_open(path: str) -> Result:
    rmn = _rmn()
    u = rmn.fstopenall(path, rmn.FST_RO)
    n = rmn.fstnbr(u)
    rmn.fstcloseall(u)
    return 0, f"{n} records"


def rpnpy_headers(path: str) -> Result:
    rmn = _rmn()
    u = _unit(path)
    rows = [rmn.fstprm(k) for k in rmn.fstinl(u)]
    return 0, f"{len(rows)} headers of {len(rows[0])} fields"


def rpnpy_search(path: str) -> Result:
    rmn = _rmn()
    u = _unit(path)
    keys = _keys[path]
    m = rmn.fstprm(keys[len(keys) // 2])
    r = rmn.fstinf(u, nomvar=m["nomvar"], ip1=m["ip1"], ip2=m["ip2"], ip3=m["ip3"])
    return 0, f"{m['nomvar'].strip()} ip1={m['ip1']} ip2={m['ip2']} ip3={m['ip3']} found={r is not None}"


def rpnpy_read1(path: str, idx: int) -> Result:
    rmn = _rmn()
    _unit(path)
    r = rmn.fstluk(_keys[path][idx])
    d = r["d"]
    return d.nbytes, (f"{r['nomvar'].strip()} ip1={r['ip1']} ip2={r['ip2']} {r['ni']}x{r['nj']}x{r['nk']} "
                      f"datyp {r['datyp']}/{r['nbits']}")


def rpnpy_readall(path: str, threads: int = 1) -> Result:
    rmn = _rmn()
    u = rmn.fstopenall(path, rmn.FST_RO)
    try:
        arrays = [rmn.fstluk(k)["d"] for k in rmn.fstinl(u)]
    finally:
        rmn.fstcloseall(u)
    return sum(a.nbytes for a in arrays), f"{len(arrays)} records, 1 thread"


def rpnpy_index(paths: List[str], threads: int = 1, decode: bool = True) -> Result:
    """fstopenall + fstinl + fstprm of every record of every file (a dict per record)."""
    rmn = _rmn()
    n = 0
    for p in paths:
        u = rmn.fstopenall(p, rmn.FST_RO)
        n += len([rmn.fstprm(k) for k in rmn.fstinl(u)])
        rmn.fstcloseall(u)
    return 0, f"{n} headers"


def rpnpy_latlon(path: str, idx: int) -> Result:
    rmn = _rmn()
    u = _unit(path)
    r = rmn.fstprm(_keys[path][idx])
    gid = rmn.ezqkdef(r["ni"], r["nj"], r["grtyp"], r["ig1"], r["ig2"], r["ig3"], r["ig4"], u)
    ll = rmn.gdll(gid)
    rmn.gdrls(gid)
    return ll["lat"].nbytes + ll["lon"].nbytes, f"{r['ni']}x{r['nj']} grid {r['grtyp']}"


# ---- fstd2nc -----------------------------------------------------------------------------

def fstd2nc_index(paths: List[str], threads: int = 1, decode: bool = True) -> Result:
    """fstd2nc's header scan: the table of every record (Buffer), on one thread."""
    fstd2nc = _fstd2nc()
    b = fstd2nc.Buffer(paths if len(paths) > 1 else paths[0], quiet=True, serial=True)
    return 0, f"{len(b._headers['nomvar'])} records"


def _ds(path: str) -> Any:
    fstd2nc = _fstd2nc()
    return fstd2nc.Buffer(path, quiet=True, serial=True).to_xarray()


def fstd2nc_xr_open(path: str) -> Result:
    ds = _ds(path)
    return 0, f"{len(ds.data_vars)} variables"


def fstd2nc_xr_coords(path: str) -> Result:
    ds = _ds(path)
    nb = sum(np.asarray(c.values).nbytes for c in ds.coords.values())
    return nb, f"{len(ds.coords)} coordinates"


def fstd2nc_xr_var(path: str, var: str) -> Result:
    ds = _ds(path)
    a = np.asarray(ds[var].values)
    return a.nbytes, f"{var} {a.shape} {a.dtype}"


def fstd2nc_xr_all(path: str) -> Result:
    ds = _ds(path).load()
    nb = int(sum(v.nbytes for v in ds.variables.values()))
    return nb, f"{len(ds.data_vars)} variables loaded"


def fstd2nc_xr_latlon(path: str) -> Result:
    ds = _ds(path)
    lat, lon = np.asarray(ds["lat"].values), np.asarray(ds["lon"].values)
    return lat.nbytes + lon.nbytes, f"lat/lon {lat.shape} {lat.dtype}"


def fstd2nc_readall(path: str, threads: int = 1) -> Result:
    """Every variable's data through to_xarray (fstd2nc's way to read a whole file)."""
    return fstd2nc_xr_all(path)


def _setup_rpnpy(**_: Any) -> None:
    """Memory runs: rpnpy's import (librmn loaded) comes before the baseline."""
    try:
        _rmn()
    except Skip:
        pass


def _setup_fstd2nc(**_: Any) -> None:
    try:
        _fstd2nc()
        import xarray  # noqa: F401
        import dask.array  # noqa: F401
    except (Skip, ImportError):
        pass


TASKS: Dict[str, Callable[..., Any]] = {
    "rpnpy.readall.setup": _setup_rpnpy, "fstd2nc.xr_all.setup": _setup_fstd2nc,
    "rpnpy.open": rpnpy_open, "rpnpy.headers": rpnpy_headers, "rpnpy.search": rpnpy_search,
    "rpnpy.read1": rpnpy_read1, "rpnpy.readall": rpnpy_readall, "rpnpy.index": rpnpy_index,
    "rpnpy.latlon": rpnpy_latlon,
    "fstd2nc.index": fstd2nc_index, "fstd2nc.xr_open": fstd2nc_xr_open,
    "fstd2nc.xr_coords": fstd2nc_xr_coords, "fstd2nc.xr_var": fstd2nc_xr_var,
    "fstd2nc.xr_all": fstd2nc_xr_all, "fstd2nc.readall": fstd2nc_readall,
    "fstd2nc.xr_latlon": fstd2nc_xr_latlon,
}
