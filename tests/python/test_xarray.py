"""The xarray backend on files the tests write themselves (no corpus needed): Dataset layout,
CF attributes, coordinates of every grid type from the grid API, "!!" hybrid levels, missing values
and masks, laziness (only the touched records are read), dask, options, errors, write-back and
netCDF / Zarr round trips, the `fst24 convert` hand-over to Python."""
from __future__ import annotations

import importlib.util
import json
import os
import pickle
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

import fst24
from fst24 import _core

xr = pytest.importorskip("xarray")

import cf_compliance  # noqa: E402
import xarray_fixtures as X  # noqa: E402

HEADER = ("nomvar", "typvar", "etiket", "grtyp", "ip1", "ip2", "ip3", "ni", "nj", "nk", "dateo", "datev", "deet",
          "npas", "data_type", "pack_bits", "ig1", "ig2", "ig3", "ig4")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return X.write_all(tmp_path_factory.mktemp("xr_fixtures"))


def open_ds(path: Path, **kw: Any) -> Any:
    return xr.open_dataset(path, engine="fst24", **kw)


def records(path: Path) -> list[fst24.Record]:
    """Every record of a file (the records keep the file open)."""
    return fst24.open(path).find().all()


def headers(path: Path) -> dict[tuple[Any, ...], fst24.Record]:
    return {tuple(getattr(r, k) for k in HEADER): r for r in records(path)}


@pytest.fixture
def count_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Number of records each batch read decodes."""
    calls: list[int] = []
    real = _core.read_many

    def counting(recs: Any, bufs: Any, threads: int, raw: bool) -> Any:
        calls.append(len(recs))
        return real(recs, bufs, threads, raw)

    monkeypatch.setattr(_core, "read_many", counting)
    yield calls


# ---- layout of a GEM-like file ------------------------------------------------------------------------

def test_model_dataset_layout(files: dict[str, Path]) -> None:
    ds = open_ds(files["model"])
    assert list(ds.data_vars) == ["P0", "TT", "UU"]
    assert ds.TT.dims == ("time", "level_t", "rlat", "rlon")
    assert ds.UU.dims == ("time", "level_m", "rlat", "rlon")
    assert ds.P0.dims == ("time", "rlat", "rlon")          # ip1 = 0: no vertical dimension
    assert ds.sizes["time"] == 3 and ds.sizes["rlat"] == 30 and ds.sizes["rlon"] == 40
    # times: validity, reference, period
    expect = np.array([np.datetime64(X.T0) + np.timedelta64(h, "h") for h in X.HOURS], "datetime64[ns]")
    np.testing.assert_array_equal(ds.time.values, expect)
    np.testing.assert_array_equal(ds.forecast_reference_time.values, np.repeat(np.datetime64(X.T0, "ns"), 3))
    np.testing.assert_array_equal(ds.forecast_period.values, np.array(X.HOURS, "timedelta64[h]"))
    assert ds.time.attrs["standard_name"] == "time" and ds.time.attrs["axis"] == "T"
    assert ds.forecast_period.attrs["standard_name"] == "forecast_period"
    assert ds.forecast_reference_time.attrs["standard_name"] == "forecast_reference_time"
    # levels: separate momentum and thermodynamic axes with their a/b coefficients from the table
    np.testing.assert_array_equal(ds.level_t.values, np.array(X.THERMO, np.float32))
    np.testing.assert_array_equal(ds.level_m.values, np.array(X.MOMENTUM, np.float32))
    np.testing.assert_allclose(ds.level_t_a.values, np.log(X.PREF * np.array(X.THERMO)), rtol=1e-12)
    np.testing.assert_allclose(ds.level_m_b.values, np.array(X.MOMENTUM) ** 2.0, rtol=1e-12)
    lt = ds.level_t.attrs
    # ln-pressure hybrids have no CF standard name, so no CF formula_terms: the recipe is kept
    assert "formula_terms" not in lt and "standard_name" not in lt and lt["units"] == "1"
    assert lt["fst24_formula_terms"] == "a: level_t_a b: level_t_b ps: P0 pref: pref"
    assert lt["formula"] == "p = exp(a+b*log(ps/pref)) / 100.0"
    assert lt["positive"] == "down" and lt["axis"] == "Z" and lt["fst24_vcode"] == 5004
    assert float(ds.pref) == X.PREF / 100 and ds.pref.attrs["units"] == "hPa"
    np.testing.assert_array_equal(lt["fst24_ip1"], [X.ip(v, 5) for v in X.THERMO])
    # source header kept in attributes
    tt = ds.TT.attrs
    assert (tt["nomvar"], tt["typvar"], tt["etiket"], tt["grtyp"], tt["datyp"], tt["nbits"], tt["deet"]) == \
        ("TT", "P", "FIXTURE", "Z", 1, 16, X.DEET)
    assert (tt["ig1"], tt["ig2"]) == (4001, 4002)
    assert tt["units"] == "degC" and tt["standard_name"] == "air_temperature"
    assert ds.UU.attrs["datyp"] == 134 and ds.P0.attrs["ip1"] == 0
    assert ds.attrs["Conventions"].startswith("CF-")


def test_values_equal_records(files: dict[str, Path]) -> None:
    ds = open_ds(files["model"])
    for rec in records(files["model"]):
        if rec.nomvar.strip() not in ("TT", "UU", "P0"):
            continue
        var = ds[rec.nomvar.strip()]
        sel: dict[str, Any] = {"time": np.datetime64(rec.datev_datetime)}
        level_dims = [d for d in var.dims if d.startswith("level")]
        if level_dims:
            sel[level_dims[0]] = np.float32(rec.level[0])
        np.testing.assert_array_equal(var.sel(sel).values, rec.data[:, :, 0].T)


def test_rsf_file_gives_the_same_dataset(files: dict[str, Path]) -> None:
    a, b = open_ds(files["model"]), open_ds(files["model_rsf"])
    xr.testing.assert_identical(a.drop_attrs(), b.drop_attrs())


def test_rotated_grid_coordinates(files: dict[str, Path]) -> None:
    ds = open_ds(files["model"])
    rec = next(r for r in records(files["model"]) if r.nomvar.strip() == "P0")
    grid = fst24.Grid.of(rec)
    x, y = grid.axes()
    info = grid.info
    np.testing.assert_array_equal(ds.rlat.values, y)
    np.testing.assert_allclose(ds.rlon.values, x - info["north_pole_grid_longitude"], atol=1e-9)
    lat, lon = fst24.grid_latlon(rec)
    np.testing.assert_array_equal(ds.lat.values, X.as_dataset_latlon(lat.T))
    np.testing.assert_array_equal(ds.lon.values, X.as_dataset_latlon(lon.T, lon=True))
    rp = ds.rotated_pole.attrs
    assert rp["grid_mapping_name"] == "rotated_latitude_longitude"
    assert rp["north_pole_grid_longitude"] == 0.0
    assert rp["grid_north_pole_latitude"] == pytest.approx(info["grid_north_pole_latitude"], abs=1e-12)
    assert rp["grid_north_pole_longitude"] == pytest.approx(info["grid_north_pole_longitude"], abs=1e-12)
    assert ds.TT.attrs["grid_mapping"] == "rotated_pole"
    assert ds.rlat.attrs["standard_name"] == "grid_latitude" and ds.rlon.attrs["standard_name"] == "grid_longitude"
    # the CF pole alone gives back the geographic coordinates of (rlat, rlon):
    # geographic = Rz(pole_lon + 180) . Ry(pole_lat - 90) . rotated
    plat, plon = np.radians(rp["grid_north_pole_latitude"]), np.radians(rp["grid_north_pole_longitude"])
    rl, rn = np.meshgrid(np.radians(ds.rlat.values), np.radians(ds.rlon.values), indexing="ij")
    v = np.stack([np.cos(rl) * np.cos(rn), np.cos(rl) * np.sin(rn), np.sin(rl)])
    t = plat - np.pi / 2
    ry = np.array([[np.cos(t), 0, np.sin(t)], [0, 1, 0], [-np.sin(t), 0, np.cos(t)]])
    a = plon + np.pi
    rz = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    g = np.einsum("ij,jkl->ikl", rz @ ry, v)
    lat_g = np.degrees(np.arcsin(np.clip(g[2], -1, 1)))
    lon_g = np.degrees(np.arctan2(g[1], g[0]))
    np.testing.assert_allclose(lat_g, ds.lat.values, atol=1e-4)
    dlon = (lon_g - ds.lon.values + 180.0) % 360.0 - 180.0
    assert np.abs(dlon * np.cos(np.radians(lat_g))).max() < 1e-4


def test_every_grid_type(files: dict[str, Path]) -> None:
    kinds = X.write_grids(files["grids"].with_name("grids_again.fst"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # X grids have no geography: index dims, no warning
        ds = open_ds(files["grids"])
    recs = {r.nomvar.strip(): r for r in records(files["grids"]) if r.nomvar.strip() not in (">>", "^^")}
    dims = {n: ds[n].dims[2:] for n in ds.data_vars}
    assert dims["LL"] == ("lat", "lon") and dims["NN"] == ("yc", "xc") and dims["EE"] == ("rlat", "rlon")
    assert dims["YY"] == ("j", "i") and dims["ST"] == ("station",) and dims["XX"] == ("j1", "i1")
    assert set(ds.data_vars) >= {"TT_L36x18", "TT_G32x16"}     # one nomvar on two grids
    for name, var in ds.data_vars.items():
        rec = recs[var.attrs["nomvar"]] if name in recs else \
            next(r for r in records(files["grids"]) if r.nomvar.strip() == "TT" and r.grtyp == var.attrs["grtyp"])
        g = kinds[var.attrs["nomvar"]] if var.attrs["nomvar"] != "TT" else var.attrs["grtyp"]
        assert var.attrs["grtyp"] == g
        np.testing.assert_array_equal(var.isel(time=0, pres=0).values.reshape(-1),
                                      rec.data[:, :, 0].T.reshape(-1))
        if g == "X":
            assert "lat" not in var.coords and "lon" not in var.coords
            continue
        lat, lon = fst24.grid_latlon(rec)
        ydim, xdim = var.dims[-2:] if var.ndim == 4 else (None, var.dims[-1])
        lat_name = next(c for c in var.coords if var[c].attrs.get("standard_name") == "latitude")
        lon_name = next(c for c in var.coords if var[c].attrs.get("standard_name") == "longitude")
        la, lo = ds[lat_name], ds[lon_name]
        if la.ndim == 1 and la.dims == (ydim,):                  # separable lat-lon: 1-D axes
            np.testing.assert_allclose(la.values, lat[0, :], atol=1e-9)
            np.testing.assert_allclose(lo.values % 360.0, lon[:, 0], atol=1e-9)
            assert ds[ydim].attrs["axis"] == "Y" and ds[xdim].attrs["axis"] == "X"
        else:                                                   # 2-D (or station) auxiliary coordinates
            if la.ndim == 2:                                    # computed: float32 by default
                assert la.dtype == lo.dtype == np.float32
            np.testing.assert_array_equal(la.values.reshape(-1), X.like_dataset(lat.T.reshape(-1), la.dtype))
            np.testing.assert_array_equal(lo.values.reshape(-1), X.like_dataset(lon.T.reshape(-1), lo.dtype, True))
        if g in "NS" or name == "ZN":
            gm = ds[var.attrs["grid_mapping"]].attrs
            info = fst24.Grid.of(rec).info
            assert gm["grid_mapping_name"] == "polar_stereographic"
            assert gm["latitude_of_projection_origin"] == (90.0 if (info["ref_grtyp"] or g) == "N" else -90.0)
            assert gm["straight_vertical_longitude_from_pole"] == info["straight_vertical_longitude_from_pole"]
            assert gm["standard_parallel"] == (60.0 if (info["ref_grtyp"] or g) == "N" else -60.0)
            assert (gm["false_easting"], gm["false_northing"]) == (info["false_easting"], info["false_northing"])
            x, y = fst24.Grid.of(rec).axes()
            np.testing.assert_array_equal(ds[xdim].values, x)
            np.testing.assert_array_equal(ds[ydim].values, y)
            assert ds[xdim].attrs["units"] == "m"
            # the projection parameters give back the 2-D latitudes (spherical polar stereographic)
            north = gm["latitude_of_projection_origin"] > 0
            k0 = (1 + np.sin(np.radians(60.0))) / 2
            xx, yy = np.meshgrid(ds[xdim].values - gm["false_easting"], ds[ydim].values - gm["false_northing"])
            rho = np.hypot(xx, yy)
            colat = 2 * np.degrees(np.arctan(rho / (2 * gm["earth_radius"] * k0)))
            np.testing.assert_allclose(90 - colat if north else colat - 90, la.values, atol=1e-3)


def test_unknown_grid_options(files: dict[str, Path]) -> None:
    with pytest.warns(UserWarning, match="skipping"):
        ds = open_ds(files["grids"], unknown_grids="skip")
    assert "XX" not in ds.data_vars and "LL" in ds.data_vars
    with pytest.raises(fst24.UnsupportedError, match="'X'"):
        open_ds(files["grids"], unknown_grids="raise")
    with pytest.raises(fst24.InvalidArgumentError, match="unknown_grids"):
        open_ds(files["grids"], unknown_grids="maybe")


# ---- missing values and masks ----------------------------------------------------------------------------

def test_missing_values_and_masks(files: dict[str, Path]) -> None:
    ds = open_ds(files["missing"])
    mf = ds.MF.isel(time=0, pres=0).values
    assert ds.MF.dtype == np.float32 and np.isnan(mf[3, 2:5]).all() and np.isnan(mf).sum() == 3
    mi = ds.MI.isel(time=0, pres=0).values
    assert ds.MI.dtype == np.float32 and np.isnan(mi[1:4, 7]).all() and np.isnan(mi).sum() == 3
    raw = next(r for r in records(files["missing"]) if r.nomvar.strip() == "MI").data[:, :, 0].T
    ok = ~np.isnan(mi)
    np.testing.assert_array_equal(mi[ok], raw[ok].astype(np.float32))
    mk = ds.MK.isel(time=0, pres=0).values
    assert np.isnan(mk[6:, 10:]).all() and np.isnan(mk).sum() == 6 * 6
    assert "@@" not in {ds[v].attrs.get("typvar") for v in ds.data_vars}
    # switches: sentinel values and raw data stay
    raw_ds = open_ds(files["missing"], mask_missing=False, apply_masks=False)
    assert (raw_ds.MF.isel(time=0, pres=0).values[3, 2:5] == fst24.missing_values()["f32"]).all()
    assert raw_ds.MI.dtype == np.uint16
    assert not np.isnan(raw_ds.MK.values).any()


# ---- laziness ----------------------------------------------------------------------------------------------

def test_opening_reads_no_data_record(files: dict[str, Path], count_reads: list[int]) -> None:
    ds = open_ds(files["model"])
    assert count_reads == []
    _ = ds.lat.values            # 2-D coordinates are computed on access (positional records only)
    assert count_reads == []


def test_indexing_reads_only_touched_records(files: dict[str, Path], count_reads: list[int]) -> None:
    ds = open_ds(files["model"])
    ds.TT.isel(time=1, level_t=2).values
    assert count_reads == [1]
    count_reads.clear()
    ds.TT.isel(rlat=slice(3, 9), rlon=5).values          # every record, one point column each
    assert sum(count_reads) == 3 * 4
    count_reads.clear()
    v = ds.UU.isel(time=[0, 2], level_m=[1, 3]).values
    assert sum(count_reads) == 4 and v.shape == (2, 2, 30, 40)
    count_reads.clear()
    full = ds.TT.values
    assert sum(count_reads) == 12
    np.testing.assert_array_equal(full[:, 3:5, 10:20:3, ::7], ds.TT[:, 3:5, 10:20:3, ::7].values)


def test_dask_chunks_one_record_each_and_pickling(files: dict[str, Path]) -> None:
    pytest.importorskip("dask")
    ds = open_ds(files["model"], chunks={})
    assert ds.TT.chunks == ((1, 1, 1), (1, 1, 1, 1), (30,), (40,))
    loaded = open_ds(files["model"]).TT.values
    np.testing.assert_array_equal(ds.TT.values, loaded)
    graph = pickle.loads(pickle.dumps(ds.TT.data))
    np.testing.assert_array_equal(np.asarray(graph.compute()), loaded)
    same = fst24.to_xarray(files["model"], chunks={})
    assert same.UU.chunks == ds.UU.chunks


def test_open_mfdataset_along_time(files: dict[str, Path]) -> None:
    pytest.importorskip("dask")
    paths = [files["time0"], files["time1"], files["time2"]]
    ds = xr.open_mfdataset(paths, engine="fst24", combine="by_coords")
    assert ds.TT.dims == ("time", "pres", "lat", "lon") and ds.sizes["time"] == 3
    np.testing.assert_array_equal(ds.time.values, [np.datetime64(X.T0, "ns") + np.timedelta64(6 * n, "h")
                                                   for n in range(3)])
    np.testing.assert_array_equal(ds.pres.values, [500.0, 850.0])
    for n, p in enumerate(paths):
        single = open_ds(p)
        np.testing.assert_array_equal(ds.TT.isel(time=n).values, single.TT.isel(time=0).values)
    # several files merged by fst24 itself give the same
    merged = fst24.to_xarray(paths)
    np.testing.assert_array_equal(merged.TT.values, ds.TT.values)


# ---- options -------------------------------------------------------------------------------------------------

def test_vars_and_drop_variables(files: dict[str, Path]) -> None:
    assert list(open_ds(files["model"], vars=["TT"]).data_vars) == ["TT"]
    assert list(open_ds(files["model"], drop_variables=["UU"]).data_vars) == ["P0", "TT"]
    assert list(fst24.to_xarray(files["model"], vars="uu").data_vars) == ["UU"]


def test_forecast_axis_and_ensembles(files: dict[str, Path]) -> None:
    ds = open_ds(files["ensemble"], forecast_axis=True, ensembles=True)
    pn = ds.PN
    assert pn.dims == ("forecast_reference_time", "forecast_period", "ensemble", "lat", "lon")
    np.testing.assert_array_equal(ds.ensemble.values, ["MEMB00", "MEMB01", "MEMB02"])
    np.testing.assert_array_equal(ds.forecast_period.values, np.array([0, 6], "timedelta64[h]"))
    np.testing.assert_array_equal(ds.forecast_reference_time.values,
                                  [np.datetime64(X.T0, "ns"), np.datetime64(X.T0, "ns") + np.timedelta64(12, "h")])
    np.testing.assert_array_equal(ds.time.values, ds.forecast_reference_time.values[:, None] +
                                  ds.forecast_period.values[None, :])
    for m in range(3):
        for r in range(2):
            for h, hi in ((0, 0), (6, 1)):
                np.testing.assert_array_equal(pn.isel(forecast_reference_time=r, forecast_period=hi, ensemble=m).values,
                                              X.field(16, 12, 100 * m + 10 * r + h).T)
    by_etiket = open_ds(files["ensemble"])
    assert sorted(by_etiket.data_vars) == ["PN_MEMB00", "PN_MEMB01", "PN_MEMB02"]
    with pytest.warns(UserWarning, match="later one is used"):
        merged = open_ds(files["ensemble"], ignore_etiket=True)
    assert list(merged.data_vars) == ["PN"]


# ---- errors ----------------------------------------------------------------------------------------------------

def test_errors_name_the_problem(tmp_path: Path, files: dict[str, Path]) -> None:
    with pytest.raises(fst24.FileNotFoundError):
        fst24.to_xarray(tmp_path / "nothing.fst")
    with pytest.raises(fst24.FileNotFoundError, match="no file matches"):
        fst24.to_xarray(str(tmp_path / "nothing*.fst"))
    text = tmp_path / "text.fst"
    text.write_text("not an FST file\n" * 10)
    with pytest.raises(fst24.NotFSTError):
        fst24.to_xarray(text)
    cut = tmp_path / "cut.fst"
    data = files["model"].read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(fst24.Error, match="cut.fst"):
        fst24.to_xarray(cut).TT.values
    with pytest.raises(fst24.InvalidArgumentError):
        fst24.to_xarray(42)


def test_file_rewritten_after_open_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "changing.fst"
    X.write_model(path)
    ds = open_ds(path)
    X.write_grids(path)                       # other records under the same XDF keys (the first TT's
                                              # key now holds another record, elsewhere)
    with pytest.raises(fst24.RecordNotFoundError, match="changed since it was opened"):
        ds.TT.isel(time=0, level_t=0).values
    with pytest.raises(fst24.RecordNotFoundError, match="changed"):   # moved or gone
        ds.TT.values
    X.write_model(path, backend="rsf")        # RSF keys: the XDF ones are gone
    with pytest.raises(fst24.RecordNotFoundError):
        ds.UU.values


def test_guess_can_open_by_content(tmp_path: Path, files: dict[str, Path]) -> None:
    from fst24.xarray_backend import FstBackendEntrypoint
    entry = FstBackendEntrypoint()
    plain = tmp_path / "2024011512_006"          # FST files often have no extension
    plain.write_bytes(files["model"].read_bytes())
    assert entry.guess_can_open(plain) and entry.guess_can_open(str(files["model_rsf"]))
    other = tmp_path / "x.nc"
    other.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)
    assert not entry.guess_can_open(other) and not entry.guess_can_open(tmp_path / "missing")
    ds = xr.open_dataset(plain)                   # no engine: found by content
    assert list(ds.data_vars) == ["P0", "TT", "UU"]
    assert "fst24" in xr.backends.list_engines()


def test_file_to_xarray(files: dict[str, Path], tmp_path: Path) -> None:
    with fst24.open(files["model"]) as f:
        assert list(f.to_xarray().data_vars) == ["P0", "TT", "UU"]
    with fst24.open_many([files["time0"], files["time1"]]) as fs:
        assert fs.to_xarray().sizes["time"] == 2
    out = tmp_path / "new.fst"
    with fst24.open(out, "w") as f:                # records written through the object are seen
        f.write(fst24.Record(data=X.field(5, 4, 1), nomvar="AB", grtyp="X"))
        assert list(f.to_xarray().data_vars) == ["AB"]


def test_import_fst24_stays_light() -> None:
    code = ("import sys, fst24; heavy = [m for m in ('xarray', 'polars', 'dask', 'pyarrow') if m in sys.modules];"
            " print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# ---- write-back and round trips ------------------------------------------------------------------------------

def packing_tolerance(rec: fst24.Record, data: np.ndarray) -> float:
    """Two quantisation steps of a packed record (values within packing error)."""
    if rec.data_type & 63 not in (1, 6) or data.dtype.kind != "f":
        return 0.0
    ok = data[np.isfinite(data) & (np.abs(data) < 1e37)]
    span = float(ok.max() - ok.min()) if ok.size else 0.0
    return 2.0 * 2.0 ** np.ceil(np.log2(max(span, 1e-30) / (2.0 ** rec.pack_bits - 1)))


def as_written(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """A header as fst24 writes it again: 129 below 16 bits is stored as datyp 1 (librmn's
    form does not read back; docs/codecs.md, "Write validation")."""
    fields = dict(zip(HEADER, key))
    if fields.get("data_type", 0) & 0xBF == 129 and fields.get("pack_bits", 16) < 16:
        fields["data_type"] = 1 | (fields["data_type"] & 64)
    return tuple(fields[k] for k in HEADER)


def assert_same_records(src: Path, copy: Path, skip: tuple[str, ...] = ()) -> None:
    a, b = headers(src), headers(copy)
    a = {as_written(k): v for k, v in a.items() if k[0].strip() not in skip}
    assert sorted(a) == sorted(b)
    for key, ra in a.items():
        da, db = ra.data, b[key].data
        if ra.typvar.endswith("@") and ra.typvar != "@@":
            continue                              # values under a mask are not kept
        if ra.data_type & 0xBF == 129 and ra.pack_bits < 16:
            continue                              # librmn (and fst24 with it) mis-decodes these: no round trip
        if da.dtype.kind in "fc":
            np.testing.assert_allclose(db, da, rtol=0, atol=packing_tolerance(ra, da), equal_nan=True,
                                       err_msg=str(key))
        else:
            np.testing.assert_array_equal(db, da, err_msg=str(key))


@pytest.mark.parametrize("name", ["model", "model_rsf", "grids", "missing", "ensemble", "time1"])
def test_fst_xarray_fst_same_records(files: dict[str, Path], tmp_path: Path, name: str) -> None:
    src = files[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = open_ds(src)
    out = tmp_path / "copy.fst"
    n = ds.fst24.to_fst(out, backend="rsf" if fst24.detect(src) == "rsf" else "xdf")
    assert n == len(records(src))
    assert_same_records(src, out)


@pytest.mark.parametrize("engine", ["netcdf4", "h5netcdf"])
def test_round_trip_through_netcdf(files: dict[str, Path], tmp_path: Path, engine: str) -> None:
    pytest.importorskip({"netcdf4": "netCDF4", "h5netcdf": "h5py"}[engine])
    for name in ("model", "grids", "missing"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = open_ds(files[name])
        nc = tmp_path / f"{name}.nc"
        ds.to_netcdf(nc, engine=engine)
        back = xr.open_dataset(nc, engine=engine)
        for v in ds.data_vars:
            np.testing.assert_array_equal(back[v].values, ds[v].values)
        out = tmp_path / f"{name}.fst"
        fst24.from_xarray(back, out)
        assert_same_records(files[name], out)
        back.close()


def test_round_trip_through_zarr(files: dict[str, Path], tmp_path: Path) -> None:
    pytest.importorskip("zarr")
    ds = open_ds(files["model"])
    store = tmp_path / "model.zarr"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds.to_zarr(store, consolidated=False)
        back = xr.open_zarr(store, consolidated=False)
    xr.testing.assert_equal(back.TT, ds.TT)
    out = tmp_path / "model.fst"
    back.fst24.to_fst(out)
    assert_same_records(files["model"], out)


def test_netcdf_export_is_cf(files: dict[str, Path], tmp_path: Path) -> None:
    netCDF4 = pytest.importorskip("netCDF4")
    paths = {}
    for name in ("model", "grids"):
        paths[name] = tmp_path / f"{name}.nc"
        open_ds(files[name]).to_netcdf(paths[name])
    for path in paths.values():
        with netCDF4.Dataset(path) as d:
            assert d.Conventions.startswith("CF-")
            for name, var in d.variables.items():
                assert var.dtype is not str, name           # no variable-length (object) strings
                if name in d.dimensions:                     # coordinate variables: no fill value
                    assert "_FillValue" not in var.ncattrs(), name
                for attr in ("formula_terms", "fst24_formula_terms"):
                    for term in getattr(var, attr, "").split()[1::2]:
                        assert term in d.variables, (name, term)   # terms name existing variables
                if "grid_mapping" in var.ncattrs():
                    assert "grid_mapping_name" in d[var.grid_mapping].ncattrs()
                if "coordinates" in var.ncattrs():
                    for c in var.coordinates.split():
                        assert c in d.variables and set(d[c].dimensions) <= set(var.dimensions), (name, c)
                if getattr(var, "standard_name", "") in ("latitude", "grid_latitude"):
                    assert var.units in ("degrees_north", "degrees")
    with netCDF4.Dataset(paths["model"]) as d:
        tt = d["TT"]
        assert tt.grid_mapping == "rotated_pole"
        assert set(tt.coordinates.split()) >= {"lat", "lon", "forecast_period", "forecast_reference_time"}
        assert "rotated_pole" not in tt.coordinates.split() and "pref" not in tt.coordinates.split()
        assert d["rotated_pole"].grid_mapping_name == "rotated_latitude_longitude"
        assert d["lat"].units == "degrees_north" and d["lon"].units == "degrees_east"
        assert d["time"].units.startswith("hours since") and d["time"].standard_name == "time"
        assert d["forecast_period"].units == "seconds"
        assert d["level_t_a"].dimensions == ("level_t",)
        assert d["level_t"].positive == "down" and d["level_t"].axis == "Z"
    with netCDF4.Dataset(paths["grids"]) as d:
        assert d["pres"].units == "hPa" and d["pres"].positive == "down"
        assert d["pres"].standard_name == "air_pressure"
        assert d["xc"].standard_name == "projection_x_coordinate" and d["xc"].units == "m"
        assert d["polar_stereo"].grid_mapping_name == "polar_stereographic"
        assert d["lat"].standard_name == "latitude" and d["lat"].axis == "Y"


GRIDS_REPORT = {"several_grids": {"projection_x_coordinate", "projection_y_coordinate"},  # N, S, Z on N
                "unidentified_dims": {"YY", "ST", "XX"}}                                    # Y cloud, stations, X


@pytest.mark.parametrize("name, options, expected", [
    ("model", {}, {}),
    ("model", {"vars": ["TT"]}, {}),                  # P0 left out: no formula_terms can name it
    ("grids", {}, GRIDS_REPORT),
    ("grids", {"vars": ["NN"]}, {}),                  # one polar-stereographic grid alone: nothing to report
    ("missing", {}, {}),
    ("ensemble", {}, {}),
    ("ensemble", {"forecast_axis": True}, {"unidentified_dims": {"PN_MEMB00", "PN_MEMB01", "PN_MEMB02", "time"}}),
    ("times", {}, {}),
])
def test_netcdf_export_passes_the_cf_checker(files: dict[str, Path], tmp_path: Path, name: str,
                                             options: dict[str, Any], expected: dict[str, set[str]]) -> None:
    """The netCDF export of each fixture passes the CF checker at the version the Dataset declares:
    no error, and only the documented warnings (cf_compliance.ACCEPTED, docs/xarray.md)."""
    pytest.importorskip("netCDF4")
    pytest.importorskip("compliance_checker")
    src = [files["time0"], files["time1"], files["time2"]] if name == "times" else files[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = fst24.to_xarray(src, **options)
    assert ds.attrs["Conventions"] == cf_compliance.CONVENTIONS
    nc = tmp_path / f"{name}.nc"
    ds.to_netcdf(nc)
    assert cf_compliance.check(nc) == expected


@pytest.mark.parametrize("name", ["model", "grids"])
def test_netcdf_export_passes_cfchecker(files: dict[str, Path], tmp_path: Path, name: str) -> None:
    """Second opinion: the CF community's cfchecker finds no error and no warning."""
    pytest.importorskip("netCDF4")
    nc = tmp_path / f"{name}.nc"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        open_ds(files[name]).to_netcdf(nc)
    assert cf_compliance.cfchecks(nc, tmp_path) == []


def test_netcdf_time_types_are_cf_1_8(files: dict[str, Path], tmp_path: Path) -> None:
    """CF-1.8 has no 64-bit integers: times are int32 counts in the coarsest exact unit, and decode
    back to the same values."""
    netCDF4 = pytest.importorskip("netCDF4")
    ds = open_ds(files["ensemble"], forecast_axis=True)       # 2-D time coordinate too
    nc = tmp_path / "t.nc"
    ds.to_netcdf(nc)
    with netCDF4.Dataset(nc) as d:
        for name in ("time", "forecast_reference_time", "forecast_period"):
            assert d[name].dtype == np.int32, name
        assert d["forecast_reference_time"].units.startswith("hours since 2024-01-15")
        assert d["forecast_period"].units == "seconds"
        np.testing.assert_array_equal(d["forecast_reference_time"][:], [0, 12])
        np.testing.assert_array_equal(d["forecast_period"][:], [0, 6 * 3600])
    with xr.open_dataset(nc) as back:
        for name in ("time", "forecast_reference_time", "forecast_period"):
            np.testing.assert_array_equal(back[name].values, ds[name].values)
    # the unit is the coarsest that is exact; values that do not fit int32, or missing ones, give float64
    from fst24.dataset import _time_encoding
    t0 = np.datetime64("2024-01-15T12:00:00", "ns")
    hours = t0 + np.array([0, 6, 12], "timedelta64[h]")
    assert _time_encoding(hours) == {"units": "hours since 2024-01-15 12:00:00", "dtype": "int32"}
    assert _time_encoding(t0 + np.array([0, 90], "timedelta64[m]"))["units"].startswith("minutes since")
    assert _time_encoding(t0 + np.array([0, 1], "timedelta64[s]"))["units"].startswith("seconds since")
    far = np.array(["1900-01-01T00:00:01", "2200-01-01T00:00:00"], "datetime64[s]")   # > 2**31 s apart
    assert _time_encoding(far) == {"units": "seconds since 1900-01-01 00:00:01", "dtype": "float64"}
    assert _time_encoding(np.array([t0, np.datetime64("NaT", "ns")]))["dtype"] == "float64"
    assert _time_encoding(np.array([0, 3600], "timedelta64[s]").astype("timedelta64[ns]")) == \
        {"units": "seconds", "dtype": "int32"}
    assert _time_encoding(np.array([0, 2 ** 40], "timedelta64[s]"))["dtype"] == "float64"


def test_unsigned_fields_keep_their_values_in_cf_1_8(tmp_path: Path) -> None:
    """CF-1.8 has no unsigned types: unsigned fields are written as signed integers of the same
    size with _Unsigned = "true", and come back unchanged (also to FST)."""
    netCDF4 = pytest.importorskip("netCDF4")
    path = tmp_path / "u.fst"
    values = np.asfortranarray(np.array([[0, 1, 2 ** 31, 2 ** 32 - 1]] * 3, np.uint32).T)   # (ni=4, nj=3)
    ref = fst24.xg_to_ig("L", (40.0, 260.0, 1.0, 1.0))
    with fst24.open(path, "w") as f:
        f.write(fst24.Record(data=values, nomvar="CNT", typvar="P", etiket="U32", ip1=0, dateo=X.stamp(X.T0),
                             grtyp="L", ig1=ref[0], ig2=ref[1], ig3=ref[2], ig4=ref[3], data_type=2, pack_bits=32))
    ds = open_ds(path)
    assert ds.CNT.dtype == np.uint32 and ds.CNT.attrs["long_name"] == "CNT"
    nc = tmp_path / "u.nc"
    ds.to_netcdf(nc)
    with netCDF4.Dataset(nc) as d:
        assert d["CNT"].dtype == np.int32 and d["CNT"]._Unsigned == "true"
    assert cf_compliance.check(nc) == {}
    with xr.open_dataset(nc) as back:
        assert back.CNT.dtype == np.uint32
        np.testing.assert_array_equal(back.CNT.values, values.T[None])   # (time, lat, lon)
        fst24.from_xarray(back, tmp_path / "back.fst")
    assert_same_records(path, tmp_path / "back.fst")


# ---- writing Datasets that did not come from FST -----------------------------------------------------------

def test_from_xarray_generic_dataset(tmp_path: Path) -> None:
    lat = np.arange(40.0, 46.0, 0.5)
    lon = np.arange(260.0, 270.0, 0.5)
    lon_irr = np.array([0.0, 1.0, 3.0, 7.0, 15.0])
    times = np.array(["2024-03-01T00", "2024-03-01T06"], "datetime64[ns]")
    data = np.random.default_rng(3).normal(280, 5, (2, 3, len(lat), len(lon))).astype(np.float32)
    ds = xr.Dataset(
        {"TT": (("time", "pres", "lat", "lon"), data, {"units": "K"}),
         "WIND": (("lat", "lon2"), np.ones((len(lat), 5), np.float32), {"nomvar": "UV"})},
        coords={"time": times, "pres": ("pres", [500.0, 700.0, 850.0], {"units": "hPa", "axis": "Z",
                                                                     "standard_name": "air_pressure"}),
                "lat": ("lat", lat, {"standard_name": "latitude"}), "lon": ("lon", lon, {"standard_name": "longitude"}),
                "lon2": ("lon2", lon_irr, {"standard_name": "longitude"})})
    out = tmp_path / "generic.fst"
    assert ds.fst24.to_fst(out) == 2 * 3 + 2 + 1        # 6 TT, >> and ^^ of the irregular grid, UV
    with fst24.open(out) as f:
        tt = f.find(nomvar="TT").all()
        assert {r.grtyp for r in tt} == {"L"} and {r.level[0] for r in tt} == {500.0, 700.0, 850.0}
        assert {r.datev_datetime.hour for r in tt} == {0, 6} and {r.data_type for r in tt} == {5}
        uv = f.find_one(nomvar="UV")
        assert uv.grtyp == "Z"
        _lat2, lon2 = fst24.grid_latlon(uv)
        np.testing.assert_allclose(lon2[:, 0], lon_irr % 360, atol=1e-4)
    back = open_ds(out)
    np.testing.assert_allclose(back.TT.values, data)
    np.testing.assert_allclose(back.lat.values, lat, atol=1e-4)
    with pytest.raises(fst24.InvalidArgumentError, match="nomvar"):
        xr.Dataset({"LONGNAME": (("lat", "lon"), np.ones((12, 20)))},
                   coords={"lat": lat, "lon": lon}).fst24.to_fst(tmp_path / "bad.fst")


# ---- command line -------------------------------------------------------------------------------------------

def cli() -> str:
    exe = os.environ.get("FST24_CLI") or str(Path(sys.executable).parent / "fst24")
    if not Path(exe).exists():
        pytest.skip("fst24 CLI not installed next to this Python (set FST24_CLI)")
    return exe


def test_convert_to_netcdf_and_zarr(files: dict[str, Path], tmp_path: Path) -> None:
    pytest.importorskip("netCDF4")
    nc = tmp_path / "out.nc"
    r = subprocess.run([cli(), "convert", str(files["model"]), str(nc), "--progress"], capture_output=True,
                       text=True, env=dict(os.environ, FST24_PYTHON=sys.executable))
    assert r.returncode == 0, r.stderr
    assert "100%" in r.stderr                                   # the progress bar
    back = xr.open_dataset(nc)
    # CF history: the conversion first, then the reading of the FST files
    line1, line2 = back.attrs["history"].splitlines()
    assert line1.endswith(f"fst24 convert {files['model']} {nc} --progress") and line1[:4].isdigit()
    assert "read FST file(s) model.fst" in line2
    if importlib.util.find_spec("compliance_checker"):
        assert cf_compliance.check(nc) == {}
    np.testing.assert_array_equal(back.TT.values, open_ds(files["model"]).TT.values)
    back.close()
    zs = tmp_path / "out.zarr"
    r = subprocess.run([cli(), "convert", str(files["time0"]), str(files["time1"]), str(zs), "--vars", "TT"],
                       capture_output=True, text=True, env=dict(os.environ, FST24_PYTHON=sys.executable))
    assert r.returncode == 0, r.stderr
    assert xr.open_zarr(zs).sizes["time"] == 2
    r = subprocess.run([cli(), "convert", str(files["model"]), str(nc)], capture_output=True, text=True,
                       env=dict(os.environ, FST24_PYTHON=sys.executable))
    assert r.returncode == 1 and "exists" in r.stderr
    r = subprocess.run([cli(), "convert", str(files["model"]), str(tmp_path / "x.nc")], capture_output=True,
                       text=True, env=dict(os.environ, FST24_PYTHON=str(tmp_path / "no-python")))
    assert r.returncode == 1 and "Python package" in r.stderr and "FST24_PYTHON" in r.stderr
    # the C copy between backends is unchanged
    r = subprocess.run([cli(), "convert", "--backend", "rsf", str(files["model"]), str(tmp_path / "m.rsf")],
                       capture_output=True, text=True)
    assert r.returncode == 0 and fst24.detect(tmp_path / "m.rsf") == "rsf"


def test_model_round_trip_json_of_descriptors(files: dict[str, Path]) -> None:
    """The descriptor records behind coordinates are described in attributes (for write-back)."""
    ds = open_ds(files["model"])
    rlon = json.loads(ds.rlon.attrs["fst24_record"])
    assert (rlon["nomvar"], rlon["ip1"], rlon["ip2"], rlon["grtyp"]) == (">>", 4001, 4002, "E")
    tt = json.loads(ds.level_t.attrs["fst24_record"])
    assert (tt["nomvar"], tt["ig1"], tt["nbits"]) == ("!!", 5004, 64)
    np.testing.assert_array_equal(np.asarray(ds.level_t.attrs["fst24_table"]).reshape(-1),
                                  X.toctoc_5004().reshape(-1, order="F"))
