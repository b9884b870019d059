"""Fast paths of the xarray backend. Computed 2-D latitudes and longitudes: the in-process cache (equal to
the uncached values, read-only, shared by Datasets on the same grid, keyed by the grid's content,
bounded, can be disabled), the float32 option (the float64 values rounded), the threaded C path
(bit for bit the single-threaded one); the direct Dataset assembly (identical to xarray's
public constructor); the index columns read from C (equal to the polars path). Files are written
by the tests (no corpus needed)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

import fst24
import fst24.dataset as model

xr = pytest.importorskip("xarray")

import xarray_fixtures as X  # noqa: E402


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return X.write_all(tmp_path_factory.mktemp("xr_latlon"))


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    limit = model.LATLON.limit
    model.LATLON.clear()
    yield
    model.LATLON.limit = limit
    model.LATLON.clear()


def open_ds(path: Path, **kw: Any) -> Any:
    return xr.open_dataset(path, engine="fst24", **kw)


def p0_record(path: Path) -> fst24.Record:
    return next(r for r in fst24.open(path).find().all() if r.nomvar.strip() == "P0")


def write_rotated(path: Path, x0: float, ni: int = 30, nj: int = 20) -> Path:
    """A field on a Z grid with a rotated E reference (axes starting at x0)."""
    ref = fst24.xg_to_ig("E", (45.0, 260.0, 45.0, 300.0))
    ax = (x0 + 0.5 * np.arange(ni, dtype=np.float32)).reshape(ni, 1)
    ay = (-5.0 + 0.5 * np.arange(nj, dtype=np.float32)).reshape(1, nj)
    pos = dict(typvar="X", etiket="ROT", ip1=5001, ip2=5002, ip3=0, grtyp="E", ig1=ref[0], ig2=ref[1],
               ig3=ref[2], ig4=ref[3])
    with fst24.open(path, "w") as f:
        f.write(fst24.Record(data=np.asfortranarray(ax), nomvar=">>", **pos))
        f.write(fst24.Record(data=np.asfortranarray(ay), nomvar="^^", **pos))
        f.write(fst24.Record(data=np.ones((ni, nj), np.float32, order="F"), nomvar="P0", typvar="P", ip1=0,
                             grtyp="Z", ig1=5001, ig2=5002, ig3=0, ig4=0, data_type=5, pack_bits=32))
    return path


def test_cache_equals_uncached_and_is_read_only(files: dict[str, Path]) -> None:
    lat_ref, lon_ref = fst24.grid_latlon(p0_record(files["model"]))
    model.LATLON.limit = 0
    a = open_ds(files["model"])
    lat0, lon0 = a.lat.values, a.lon.values
    assert lat0.flags.writeable and lon0.flags.writeable        # uncached: the Dataset's own arrays
    assert len(model.LATLON) == 0
    model.LATLON.limit = 4
    b, c = open_ds(files["model"]), open_ds(files["model"])
    lat1, lon1 = b.lat.values, b.lon.values
    assert len(model.LATLON) == 1
    np.testing.assert_array_equal(lat1, lat0)
    np.testing.assert_array_equal(lon1, lon0)
    np.testing.assert_array_equal(lat1, X.as_dataset_latlon(lat_ref.T))
    np.testing.assert_array_equal(lon1, X.as_dataset_latlon(lon_ref.T, lon=True))
    assert not lat1.flags.writeable and not lon1.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        lat1[0, 0] = 0.0
    # a second Dataset on the grid shares the arrays; a partial read is a writable copy
    assert np.shares_memory(c.lat.values, lat1)
    part = c.lon[2:5, 3].values
    np.testing.assert_array_equal(part, lon0[2:5, 3])
    assert part.flags.writeable
    # the RSF twin of the file has the same grid: the same cache entry
    d = open_ds(files["model_rsf"])
    assert np.shares_memory(d.lat.values, lat1) and len(model.LATLON) == 1


def test_cache_keyed_by_grid_content_and_bounded(tmp_path: Path) -> None:
    p1, p2 = write_rotated(tmp_path / "a.fst", 10.0), write_rotated(tmp_path / "b.fst", 11.0)
    # same headers (ip1/ip2 of the positional records), different >> values: different grids
    a, b = open_ds(p1), open_ds(p2)
    la, lb = a.lon.values, b.lon.values
    assert not np.array_equal(la, lb) and len(model.LATLON) == 2
    np.testing.assert_array_equal(lb, X.as_dataset_latlon(fst24.grid_latlon(p0_record(p2))[1].T, lon=True))
    model.LATLON.limit = 1
    open_ds(write_rotated(tmp_path / "c.fst", 12.0)).lat.values
    assert len(model.LATLON) == 1                                 # the oldest grids are dropped
    model.LATLON.max_bytes = 1000                                 # larger than this: not kept
    try:
        model.LATLON.clear()
        open_ds(p1).lat.values
        assert len(model.LATLON) == 0
    finally:
        model.LATLON.max_bytes = 512 << 20


def test_float32_default_is_float64_rounded(files: dict[str, Path]) -> None:
    d64, d32 = open_ds(files["model"], latlon_dtype="float64"), open_ds(files["model"])
    assert d32.lat.dtype == np.float32 and d32.lon.dtype == np.float32 and d64.lat.dtype == np.float64
    np.testing.assert_array_equal(d32.lat.values, X.as_dataset_latlon(d64.lat.values))
    np.testing.assert_array_equal(d32.lon.values, X.as_dataset_latlon(d64.lon.values, lon=True))
    # the float64 values are those of the grid API
    lat, lon = fst24.grid_latlon(p0_record(files["model"]))
    np.testing.assert_array_equal(d64.lat.values, lat.T)
    np.testing.assert_array_equal(d64.lon.values, lon.T)
    assert "latlon_dtype='float64'" in d64.attrs["history"] and "latlon_dtype" not in d32.attrs["history"]
    # a model option too, and only float64/float32 are accepted
    m = model.build(files["model"], latlon_dtype=np.float64)
    assert m.variables["lat"].data.dtype == np.float64
    with pytest.raises(fst24.Error, match="latlon_dtype"):
        open_ds(files["model"], latlon_dtype="int16")


def test_threads_bit_for_bit(files: dict[str, Path]) -> None:
    model.LATLON.limit = 0
    one = open_ds(files["model"], threads=1)
    for n in (2, 3, None):
        many = open_ds(files["model"], threads=n)
        np.testing.assert_array_equal(many.lat.values, one.lat.values)
        np.testing.assert_array_equal(many.lon.values, one.lon.values)
    # every kind of grid through the Grid API: threads and float32 against the one-call C path
    kinds = X.write_grids(files["grids"].with_name("grids_threads.fst"))
    assert kinds
    seen = set()
    for rec in fst24.open(files["grids"].with_name("grids_threads.fst")).find().all():
        try:
            grid = fst24.Grid.of(rec)
            lat, lon = fst24.grid_latlon(rec)
        except fst24.Error:
            continue
        seen.add(rec.grtyp)
        for n in (1, 2, 5, None):
            la, lo = grid.latlon(threads=n)
            np.testing.assert_array_equal(la, lat)
            np.testing.assert_array_equal(lo, lon)
        f32 = grid.latlon(np.float32, threads=3)
        assert f32[0].dtype == np.float32
        np.testing.assert_array_equal(f32[0], lat.astype(np.float32))
        np.testing.assert_array_equal(f32[1], lon.astype(np.float32))
    assert {"Z", "N"} <= seen
    with pytest.raises(fst24.Error, match="threads"):
        grid.latlon(threads=-1)


def test_direct_assembly_equals_public_constructor(files: dict[str, Path]) -> None:
    from fst24 import xarray_backend as xb
    for name in ("model", "grids", "missing", "ensemble"):
        m = model.build(files[name], ensembles=name == "ensemble")
        variables = {n: xb._xr_variable(v) for n, v in m.variables.items()}
        direct = xb._assemble_direct(m, variables)
        public = xb._assemble(m, variables)
        xr.testing.assert_identical(direct, public)
        assert list(direct.variables) == list(public.variables)
        assert set(direct.xindexes) == set(public.xindexes)


def test_index_columns_from_c_equal_polars(files: dict[str, Path]) -> None:
    from fst24.metadata import index, index_arrow
    for name in ("model", "model_rsf", "grids", "missing", "ensemble"):
        fast = model._columns_of_table(index_arrow([files[name]], progress=False))
        slow = model._columns(index([files[name]], progress=False))
        assert fast is not None and set(fast) == set(slow)
        for col, want in slow.items():
            got = fast[col]
            assert got.dtype == want.dtype, (name, col)
            np.testing.assert_array_equal(got, want, err_msg=f"{name}: {col}")
    # a column the C index does not have (not requested) is an error naming it
    table = index_arrow([files["model"]], columns=["nomvar"], progress=False)
    with pytest.raises(fst24.Error, match="ip1"):
        table._core.column("ip1")
    with pytest.raises(fst24.Error, match="no_such"):
        table._core.column("no_such")
