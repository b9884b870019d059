"""Side by side with fstd2nc, the Dataset layout users know: on the reference model file and several
real files, every fstd2nc variable has its counterpart (same field, times, horizontal coordinates,
level values and value range). fstd2nc needs numpy < 2, so it runs in its own interpreter:
$FST24_PEER_PYTHON (tests/run.sh creates one best-effort). Differences that are by design (axis
names, diagnostic levels kept apart...) are listed in docs/xarray.md."""
from __future__ import annotations

import json
import os
import subprocess
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import CORPUS

xr = pytest.importorskip("xarray")

PEER = os.environ.get("FST24_PEER_PYTHON", "")
pytestmark = [
    pytest.mark.skipif(not PEER or not Path(PEER).exists(),
                       reason="no fstd2nc interpreter (set FST24_PEER_PYTHON; tests/run.sh makes build/peers-venv)"),
    pytest.mark.skipif(not (CORPUS / "ref").is_dir(), reason=f"corpus not found at {CORPUS}"),
]

FILES = ["ref/model.xdf.fst", "ref/grids.xdf.fst",
         "real/ECCC-ASTD-MRD_vgrid__applications_data_glbhyb",
         "real/ECCC-ASTD-MRD_vgrid__tests_data_AIX_dm_5005_from_model_run__fa45b105",
         "real/ECCC-ASTD-MRD_vgrid__tests_data_Linux_2001_from_model_run",
         "real/ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_21002_from_model_run_SLEVE__5e8298e3",
         "real/ECCC-ASTD-MRD_vgrid__tests_data_AIX_dm_1002_from_model_run_plus_toc",
         "real/ECCC-ASTD-MRD_SPI__SPI_data_ModelDomain_rdwps_eri_2021102006_001.fstd",
         "real/guziy_RPNc__data_dp2002050100_00000045p"]

SUMMARY = r'''
import json, sys, warnings
import numpy as np
warnings.simplefilter("ignore")
import fstd2nc
out = {}
for path in sys.argv[1:]:
    ds = fstd2nc.Buffer(path).to_xarray()
    vs = {}
    for name in ds.data_vars:
        v = ds[name]
        if v.ndim < 2 or v.dtype.kind not in "fiu":
            continue
        a = v.values.astype(np.float64)
        coords = {}
        for d in v.dims:
            if d in ds.coords:
                c = ds[d].values
                coords[d] = [str(x)[:19] for x in c] if c.dtype.kind == "M" else np.asarray(c, np.float64).tolist()
        vs[name] = {"dims": list(v.dims), "shape": list(v.shape), "coords": coords,
                    "min": float(np.nanmin(a)), "max": float(np.nanmax(a)),
                    "std": {k: ds[d].attrs.get("standard_name", "") for k, d in enumerate(v.dims) if d in ds.coords}}
    out[path] = vs
json.dump(out, sys.stdout)
'''


@pytest.fixture(scope="module")
def peer() -> dict[str, Any]:
    paths = [str(CORPUS / f) for f in FILES]
    r = subprocess.run([PEER, "-c", SUMMARY, *paths], capture_output=True, text=True, timeout=600)
    if r.returncode != 0 and "ModuleNotFoundError" in r.stderr:
        pytest.skip(f"the peer interpreter {PEER} lacks a module fstd2nc needs: {r.stderr.strip().splitlines()[-1]}")
    if r.returncode != 0:
        pytest.fail(f"fstd2nc failed: {r.stderr[-2000:]}")
    return dict(json.loads(r.stdout))


def ours(path: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return xr.open_dataset(path, engine="fst24")


def counterpart(ds: Any, name: str, v: dict[str, Any]) -> list[str]:
    """Our variables holding fstd2nc's ``name``: same nomvar and horizontal shape (fstd2nc may merge
    diagnostic levels into the model column, which we keep as separate variables)."""
    nomvar = name.split("_")[0]
    hshape = v["shape"][-2:]
    return [n for n, var in ds.data_vars.items()
            if var.attrs.get("nomvar") == nomvar and list(var.shape[-2:]) == hshape and
            (len(ds.data_vars) == 1 or all(p in n for p in name.split("_")[1:]) or nomvar == n.split("_")[0])]


@pytest.mark.parametrize("rel", FILES)
def test_same_fields_times_levels_coordinates_and_ranges(peer: dict[str, Any], rel: str) -> None:
    path = str(CORPUS / rel)
    ds = ours(path)
    theirs = peer[path]
    assert theirs, "fstd2nc found no variable"
    nomvars_theirs = {n.split("_")[0] for n in theirs}
    nomvars_ours = {ds[n].attrs["nomvar"] for n in ds.data_vars}
    assert nomvars_theirs == nomvars_ours
    for name, v in theirs.items():
        mine = counterpart(ds, name, v)
        assert mine, f"no counterpart of fstd2nc's {name}"
        # validity times
        tdims = [d for d in v["dims"] if d.startswith("time")]
        for m in mine:
            var = ds[m]
            if tdims:
                ours_t = [str(t)[:19] for t in ds[var.dims[0]].values]
                assert ours_t == v["coords"][tdims[0]], (name, m)
        # horizontal coordinates (fstd2nc keeps them in float32; polar-stereographic axes differ by design)
        var = ds[mine[0]]
        for theirs_dim, our_dim in zip(v["dims"][-2:], var.dims[-2:]):
            base = theirs_dim.rstrip("0123456789")
            if base in ("lat", "lon", "rlat", "rlon") and theirs_dim in v["coords"]:
                np.testing.assert_allclose(ds[our_dim].values, v["coords"][theirs_dim], atol=2e-4)
                assert our_dim.rstrip("0123456789") == base
        # levels: ours (over all counterparts) are fstd2nc's, diagnostic levels apart
        ldims = [d for d in v["dims"][1:-2] if not d.startswith("time")]
        levels: set[float] = set()
        for m in mine:
            for d in ds[m].dims[1:-2]:
                if ds[d].attrs.get("axis") == "Z":
                    levels |= {float(np.float32(x)) for x in ds[d].values}
        if ldims:
            theirs_levels = {float(np.float32(x)) for x in v["coords"][ldims[0]]}
            model_levels = {x for m in mine for d in ds[m].dims[1:-2] if ds[d].attrs.get("axis") == "Z" and
                            ds[d].attrs.get("fst24_kind") != 4 for x in map(float, ds[d].values.astype(np.float32))}
            assert model_levels <= theirs_levels and len(theirs_levels - model_levels) <= 1, (name, mine)
        # value ranges: identical where the variable is the same set of records
        if len(mine) == 1:
            a = ds[mine[0]].values.astype(np.float64)
            np.testing.assert_allclose([np.nanmin(a), np.nanmax(a)], [v["min"], v["max"]], rtol=1e-6, atol=1e-12,
                                       err_msg=f"{name} vs {mine[0]}")
