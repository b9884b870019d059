"""Datasets of FST files on a dask.distributed cluster: two worker processes (one cluster for the
module) reduce lazily opened data (the lazy arrays are pickled to the workers, which reopen the
files) and get the numpy result."""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

import fst24
from conftest import CORPUS

xr = pytest.importorskip("xarray")
distributed = pytest.importorskip("distributed")

import xarray_fixtures as X  # noqa: E402


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None, memory_limit="1GiB")
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def check_reductions(client: Any, path: Path) -> None:
    lazy = xr.open_dataset(path, engine="fst24", chunks={})
    eager = xr.open_dataset(path, engine="fst24").load()
    for name in lazy.data_vars:
        var = lazy[name]
        assert var.chunks is not None and all(c == 1 for c in var.chunks[0])   # one record per chunk
        mean = client.compute(var.astype(np.float64).mean()).result()
        np.testing.assert_allclose(float(mean), float(eager[name].values.astype(np.float64).mean()), rtol=1e-12,
                                   atol=1e-12 * float(np.abs(eager[name].values).max()))
        # a reduction over every dimension but one (per time) on the workers, as numpy does it
        other = [d for d in var.dims if d != var.dims[0]]
        per = client.compute(var.max(other)).result()
        np.testing.assert_array_equal(per.values, eager[name].values.max(axis=tuple(range(1, var.ndim))))
    workers = client.run(lambda: 1)
    assert len(workers) == 2


def test_cluster_reduction_on_fixture(client: Any, tmp_path: Path) -> None:
    path = tmp_path / "model.fst"
    X.write_model(path)
    check_reductions(client, path)


@pytest.mark.skipif(not (CORPUS / "ref" / "model.xdf.fst").exists(), reason=f"corpus not found at {CORPUS}")
def test_cluster_reduction_on_the_model_file(client: Any) -> None:
    check_reductions(client, CORPUS / "ref" / "model.xdf.fst")


def test_cluster_open_mfdataset(client: Any, tmp_path: Path) -> None:
    paths = X.write_times(tmp_path)
    ds = xr.open_mfdataset(paths, engine="fst24", combine="by_coords", parallel=True)
    total = client.compute(ds.TT.sum()).result()
    expect = sum(float(fst24.open(p).find_one(nomvar="TT", ip1=X.ip(lev, 2)).data.astype(np.float64).sum())
                 for p in paths for lev in (500.0, 850.0))
    np.testing.assert_allclose(float(total), expect, rtol=1e-6)
