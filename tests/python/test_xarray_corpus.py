"""The xarray backend on the shared corpus: every data record of the files librmn dumped sits in
one Dataset variable, at the time and level librmn decodes for it, with librmn's data (FNV hashes);
latitudes and longitudes agree with librmn's gdll (ref/latlon) and equal fst24.grid_latlon; vertical
coordinates of real GEM files (5005 diagnostic levels, 5100 SLEVE, 21002 hybrid height, 1002 eta,
legacy HY) carry their CF formulas; FST -> xarray -> FST (also through netCDF) gives the same
records. Skipped with a reason when the corpus is absent."""
from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import fst24
from conftest import CORPUS, fnv1a64, load_dump

xr = pytest.importorskip("xarray")
import xarray_fixtures as X  # noqa: E402
from fst24 import dataset as model  # noqa: E402
from test_xarray import assert_same_records  # noqa: E402

pytestmark = pytest.mark.skipif(not (CORPUS / "ref").is_dir(), reason=f"corpus not found at {CORPUS}")

REAL = CORPUS / "real"
REF_FILES = ["model.xdf.fst", "model.rsf.fst", "grids.xdf.fst", "grids.rsf.fst", "types.xdf.fst",
             "types.rsf.fst", "append.rsf.fst", "meta.rsf.fst"]
REAL_FILES = [
    "ECCC-ASTD-MRD_vgrid__tests_data_AIX_dm_5005_from_model_run__fa45b105",
    "ECCC-ASTD-MRD_vgrid__tests_data_AIX_dm_5002_from_model_run__ddbe0d91",
    "ECCC-ASTD-MRD_vgrid__tests_data_AIX_dm_1002_from_model_run_plus_toc",
    "ECCC-ASTD-MRD_vgrid__tests_data_AIX_gg_5001_from_model_run_plus_toc",
    "ECCC-ASTD-MRD_vgrid__applications_data_glbhyb",
    "ECCC-ASTD-MRD_vgrid__applications_data_regeta",
    "ECCC-ASTD-MRD_SPI__SPI_data_ModelDomain_rdwps_eri_2021102006_001.fstd",
    "ECCC-ASTD-MRD_SPI__SPI_data_ModelDomain_canso500.fst",
    "ECCC-ASTD-MRD_SPI__eer_SPI_Data_climato.fstd",
    "ECCC-ASTD-MRD_georef__test_GRIDS_L_sinus",
    "ECCC-ASTD-MRD_fst-tools__utils_zcrop_sous-grille.fst",
]
DESCRIPTORS = {">>", "^^", "^>", "!!", "!!SF", "##", "HY"}


def path_of(name: str) -> Path:
    p = CORPUS / "ref" / name
    return p if p.exists() else REAL / name


def quiet_open(path: Path, **kw: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return xr.open_dataset(path, engine="fst24", **kw)


def dump_time(printable: dict[str, int]) -> Any:
    if printable["rc"] != 0 or printable["yyyymmdd"] <= 0:
        return None
    d, t = printable["yyyymmdd"], printable["hhmmsshh"]
    return np.datetime64(dt.datetime(d // 10000, d // 100 % 100, d % 100, t // 1000000, t // 10000 % 100,
                                     t // 100 % 100))


@pytest.mark.parametrize("name", REF_FILES + REAL_FILES)
def test_every_record_in_its_variable(name: str) -> None:
    """Each data record of librmn's dump is found once, at its time and level, with its data."""
    path = path_of(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = model.build(path, mask_missing=False, apply_masks=False)
        ds = quiet_open(path, mask_missing=False, apply_masks=False)
    _, dump = load_dump(path)
    by_key = {r["key"]: r for r in dump}
    seen: set[int] = set()
    for vname in m.data_vars:
        arr = m.variables[vname].data
        var = ds[vname]
        outer = var.dims[:len(arr.outer_shape)]
        for slot in np.ndindex(*arr.outer_shape):
            key = int(arr.keys[slot])
            if key < 0:
                continue
            assert key not in seen, (vname, key)
            seen.add(key)
            rec = by_key[key]
            assert rec["nomvar"].strip() == var.attrs["nomvar"]
            sel = dict(zip(outer, slot))
            if "time" in outer:
                assert ds["time"].values[slot[outer.index("time")]] == dump_time(rec["datev_printable"])
            for d in outer:
                if ds[d].attrs.get("axis") == "Z":
                    assert np.float32(ds[d].values[sel[d]]) == np.float32(rec["ip1_dec"]["value"]), (vname, d)
            data = np.ascontiguousarray(var.isel(sel).values)
            if data.dtype.kind == "S":
                continue
            assert fnv1a64(data) == rec["hash"], (vname, key)
    # every record that is not a descriptor or a mask is a data point, except hidden duplicates
    wanted = {r["key"] for r in dump if r["nomvar"].strip() not in DESCRIPTORS and r["typvar"].strip() != "@@"}
    missing = wanted - seen
    if missing:   # only when an identical-coordinate duplicate hides it (the later record wins)
        with pytest.warns(UserWarning, match="later one is used"):
            model.build(path)
        assert len(missing) <= 4


@pytest.mark.parametrize("name", ["model.xdf.fst", "grids.xdf.fst"] + [p.name[:-6] for p in sorted(
    (CORPUS / "ref" / "latlon").glob("ECCC-ASTD-MRD_vgrid__tests_data_AIX_dm_50*.jsonl"))][:3])
def test_latlon_agree_with_librmn(name: str) -> None:
    path = path_of(name)
    ds = quiet_open(path)
    checked = 0
    for line in (CORPUS / "ref" / "latlon" / (name + ".jsonl")).read_text().splitlines():
        g = json.loads(line)
        if g["role"] != "data" or not g.get("lat_file"):
            continue
        lat_ref = np.fromfile(CORPUS / "ref" / "latlon" / "arrays" / g["lat_file"], "<f4").reshape(
            (g["ni"], g["nj"]), order="F").T
        lon_ref = np.fromfile(CORPUS / "ref" / "latlon" / "arrays" / g["lon_file"], "<f4").reshape(
            (g["ni"], g["nj"]), order="F").T
        for _vname, var in ds.data_vars.items():
            a = var.attrs
            if (a.get("grtyp"), a.get("ig1"), a.get("ig2"), a.get("ig3"), a.get("ig4")) != \
                    (g["grtyp"], g["ig1"], g["ig2"], g["ig3"], g["ig4"]) or var.shape[-2:] != lat_ref.shape:
                continue
            la = next(c for c in var.coords if var[c].attrs.get("standard_name") == "latitude")
            lo = next(c for c in var.coords if var[c].attrs.get("standard_name") == "longitude")
            lat, lon = xr.broadcast(ds[la], ds[lo])
            lat = lat.transpose(*var.dims[-2:]).values
            lon = lon.transpose(*var.dims[-2:]).values % 360.0
            # librmn's single-precision asin drifts near the poles (docs/grids.md)
            tol = 1e-4 + 1e-5 / np.cos(np.radians(np.minimum(np.abs(lat_ref), 89.999)))
            assert np.all(np.abs(lat - lat_ref) <= tol), np.abs(lat - lat_ref).max()
            dlon = (lon - lon_ref + 180.0) % 360.0 - 180.0
            assert np.abs(dlon * np.cos(np.radians(lat_ref))).max() < 2e-4
            # and exactly the grid API's values
            rec = fst24.open(path).find(nomvar=a["nomvar"], typvar=a["typvar"], etiket=a["etiket"]).first()
            glat, glon = fst24.grid_latlon(rec)
            np.testing.assert_array_equal(lat, X.like_dataset(glat.T, lat.dtype))
            np.testing.assert_array_equal(lon, X.like_dataset(glon.T % 360.0, lon.dtype, True) % lon.dtype.type(360))
            checked += 1
    assert checked >= 1


def test_model_file_layout_matches_the_generator() -> None:
    ds = quiet_open(CORPUS / "ref" / "model.xdf.fst")
    assert sorted(ds.data_vars) == ["GZ", "HU", "P0", "TT", "UU", "VV"]
    assert ds.sizes == {"time": 5, "rlat": 120, "rlon": 160, "level_t": 20, "level_m": 20}
    np.testing.assert_array_equal(ds.forecast_period.values, np.array([0, 6, 12, 24, 48], "timedelta64[h]"))
    assert ds.TT.dims == ("time", "level_t", "rlat", "rlon") and ds.GZ.dims == ("time", "level_m", "rlat", "rlon")
    assert ds.level_t.attrs["fst24_vcode"] == 5005
    assert ds.level_m.attrs["fst24_formula_terms"] == "a: level_m_a b: level_m_b ps: P0 pref: pref"
    # pressure from the CF formula equals the C library's descriptor
    rec = fst24.open(CORPUS / "ref" / "model.xdf.fst").find(nomvar="TT").first()
    vg = fst24.VerticalDescriptor.of(rec)
    table = vg.levels(2)
    order = np.argsort(table["ip1"])
    codes = np.asarray(ds.level_t.attrs["fst24_ip1"])
    idx = order[np.searchsorted(table["ip1"][order], codes)]
    np.testing.assert_array_equal(ds.level_t_a.values, table["a"][idx])
    np.testing.assert_array_equal(ds.level_t_b.values, table["b"][idx])
    p0 = ds.P0.isel(time=0).values.astype(np.float64)
    p = np.exp(ds.level_t_a.values[:, None, None] + ds.level_t_b.values[:, None, None] *
               np.log(p0[None] / float(ds.pref))) / 100.0
    assert np.all(np.diff(p, axis=0)[:-1] > 0)       # pressure increases downwards
    np.testing.assert_allclose(p[-1], p0, rtol=1e-6)  # hybrid 1.0 is the surface


def test_real_vertical_coordinates() -> None:
    d = quiet_open(REAL / "ECCC-ASTD-MRD_vgrid__tests_data_AIX_dm_5005_from_model_run__fa45b105")
    assert {"TT_level_t", "TT_height", "UU_level_m", "UU_height2"} <= set(d.data_vars)
    np.testing.assert_array_equal(d[d.TT_height.dims[1]].values, [2.0])
    assert d[d.TT_height.dims[1]].attrs["standard_name"] == "height"
    d = quiet_open(REAL / "ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_5100_from_model_run__b7b27e9d")
    ft = d.level_t.attrs["fst24_formula_terms"]
    assert ft == "a: level_t_a b: level_t_b c: level_t_c ps: P0 psl: P0LS pref: pref" and "P0LS" in d
    d = quiet_open(REAL / "ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_21002_from_model_run_SLEVE__5e8298e3")
    lev = d[d.TT.dims[1]]
    assert lev.attrs["standard_name"] == "atmosphere_sleve_coordinate" and lev.attrs["positive"] == "up"
    terms = dict(zip(lev.attrs["formula_terms"].split()[0::2], lev.attrs["formula_terms"].split()[1::2]))
    assert terms == {"a:": f"{lev.name}_a", "b1:": f"{lev.name}_b1", "b2:": f"{lev.name}_b2", "ztop:": "ztop",
                     "zsurf1:": "MELS", "zsurf2:": "ME"}
    assert lev.attrs["computed_standard_name"] == "altitude" and d.ztop.attrs["units"] == "m"
    # CF's z = a*ztop + b1*zsurf1 + b2*zsurf2 gives the descriptor's heights: a*ztop is its "az"
    vg = fst24.VerticalDescriptor.of(fst24.open(REAL / "ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_21002_from_model_"
                                                       "run_SLEVE__5e8298e3").find(nomvar="TT").first())
    az = {ip: a for ip, a in zip(vg.levels(1)["ip1"].tolist(), vg.levels(1)["a"].tolist())}
    np.testing.assert_allclose(d[terms["a:"]].values * float(d.ztop),
                               [az[ip] for ip in lev.attrs["fst24_ip1"].tolist()], rtol=1e-15, atol=1e-9)
    assert float(d.ztop) == max(vg.levels(f)["a"].max() for f in (1, 2, 3))
    d = quiet_open(REAL / "ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_21002_from_model_run_NON_SLEVE__09652563")
    lev = d[d.TT.dims[1]]
    assert lev.attrs["standard_name"] == "atmosphere_hybrid_height_coordinate"
    assert lev.attrs["formula_terms"].endswith("orog: ME")
    d = quiet_open(REAL / "ECCC-ASTD-MRD_vgrid__tests_data_AIX_dm_1002_from_model_run_plus_toc")
    assert d.level.attrs["standard_name"] == "atmosphere_sigma_coordinate"
    assert d.level.attrs["formula_terms"] == "sigma: level ps: P0 ptop: PT"
    assert d.level.attrs["computed_standard_name"] == "air_pressure"
    d = quiet_open(REAL / "ECCC-ASTD-MRD_vgrid__tests_data_AIX_dm_1001_from_model_run")   # pure sigma
    assert d.level.attrs["formula_terms"] == "sigma: level ps: P0 ptop: ptop" and float(d.ptop) == 0.0
    d = quiet_open(REAL / "ECCC-ASTD-MRD_vgrid__tests_data_AIX_2001_5001_from_editfst")   # no P0 in the file
    assert "formula_terms" not in d.level.attrs and "standard_name" not in d.level.attrs
    assert d.level.attrs["fst24_formula_terms"] == "ap: level_ap b: level_b ps: P0"
    assert "atmosphere hybrid sigma pressure coordinate" in d.level.attrs["long_name"]
    d = quiet_open(REAL / "ECCC-ASTD-MRD_vgrid__applications_data_glbhyb")      # legacy HY, no "!!"
    assert d.level.attrs["standard_name"] == "atmosphere_hybrid_sigma_pressure_coordinate"
    assert d.level.attrs["formula_terms"] == "ap: level_ap b: level_b ps: P0"
    assert d.level_ap.attrs["units"] == "hPa" and json.loads(d.level.attrs["fst24_record"])["nomvar"] == "HY"
    assert d.polar_stereo.attrs["grid_mapping_name"] == "polar_stereographic"
    d = quiet_open(REAL / "ECCC-ASTD-MRD_vgrid__tests_data_Linux_2001_from_model_run")
    assert d.TT.dims[1] == "pres" and d.pres.attrs["units"] == "hPa"


def test_real_masked_field() -> None:
    path = REAL / "ECCC-ASTD-MRD_SPI__SPI_data_ModelDomain_rdwps_eri_2021102006_001.fstd"
    ds = quiet_open(path)
    gl = ds.GL.isel(time=0).values
    mask = fst24.open(path).find_one(nomvar="GL", typvar="@@").data[:, :, 0].T
    np.testing.assert_array_equal(np.isnan(gl), mask == 0)
    assert "GL" in ds.data_vars and len(ds.data_vars) == 1


ROUND_TRIPS = ["model.xdf.fst", "model.rsf.fst", "grids.xdf.fst", "types.xdf.fst", "types.rsf.fst",
               "ECCC-ASTD-MRD_vgrid__tests_data_AIX_dm_5005_from_model_run__fa45b105",
               "ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_5100_from_model_run__b7b27e9d",
               "ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_21002_from_model_run_SLEVE__5e8298e3",
               "ECCC-ASTD-MRD_vgrid__tests_data_AIX_dm_1002_from_model_run_plus_toc",
               "ECCC-ASTD-MRD_vgrid__applications_data_glbhyb",
               "ECCC-ASTD-MRD_vgrid__tests_data_AIX_dm_5002_toc_dyn_toc_phy",
               "ECCC-ASTD-MRD_SPI__SPI_data_ModelDomain_rdwps_eri_2021102006_001.fstd",
               "ECCC-ASTD-MRD_SPI__eer_SPI_Data_climato.fstd",
               "guziy_RPNc__data_dp2002050100_00000045p"]


@pytest.mark.parametrize("name", ROUND_TRIPS)
def test_corpus_round_trip(name: str, tmp_path: Path) -> None:
    src = path_of(name)
    out = tmp_path / "copy.fst"
    quiet_open(src).fst24.to_fst(out, backend="rsf" if fst24.detect(src) == "rsf" else "xdf")
    assert_same_records(src, out)


@pytest.mark.parametrize("name", ["model.xdf.fst", "grids.rsf.fst",
                                  "ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_5100_from_model_run__b7b27e9d"])
def test_corpus_round_trip_through_netcdf(name: str, tmp_path: Path) -> None:
    pytest.importorskip("netCDF4")
    src = path_of(name)
    nc = tmp_path / "x.nc"
    quiet_open(src).to_netcdf(nc)
    out = tmp_path / "copy.fst"
    with xr.open_dataset(nc) as back:
        fst24.from_xarray(back, out, backend="rsf" if fst24.detect(src) == "rsf" else "xdf")
    assert_same_records(src, out)


CF_CHECKED = [
    ("model.xdf.fst", {}),                                                       # "!!" 5005 staggered hybrid
    ("grids.xdf.fst", {"several_grids": {"projection_x_coordinate", "projection_y_coordinate"},   # N and S
                       "unidentified_dims": {"HU"}}),                            # Y cloud: (j, i) and 2-D lat/lon
    ("ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_21002_from_model_run_SLEVE__5e8298e3", {}),   # SLEVE heights
    ("ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_21002_from_model_run_NON_SLEVE__09652563", {}),  # unsigned VV
    ("ECCC-ASTD-MRD_vgrid__tests_data_AIX_dm_1001_from_model_run", {}),          # pure sigma (ptop 0)
    ("ECCC-ASTD-MRD_vgrid__applications_data_glbhyb", {}),                       # legacy HY, polar stereographic
    ("ECCC-ASTD-MRD_vgrid__tests_data_AIX_2001_5001_from_editfst", {}),          # hybrid levels without P0
]


@pytest.mark.parametrize("name, expected", CF_CHECKED)
def test_cf_checker_accepts_the_netcdf_export(name: str, expected: dict[str, set[str]], tmp_path: Path) -> None:
    """CF compliance of the netCDF export by the IOOS compliance-checker (offline), at the CF version
    the Dataset declares: no error, only the documented warnings (tests/python/cf_compliance.py)."""
    pytest.importorskip("netCDF4")
    pytest.importorskip("compliance_checker")
    import cf_compliance
    nc = tmp_path / "export.nc"
    quiet_open(path_of(name)).to_netcdf(nc)
    assert cf_compliance.check(nc) == expected


@pytest.mark.parametrize("name", ["model.xdf.fst", "grids.xdf.fst"])
def test_cfchecker_accepts_the_netcdf_export(name: str, tmp_path: Path) -> None:
    """Second opinion: the CF community's cfchecker finds no error and no warning."""
    pytest.importorskip("netCDF4")
    import cf_compliance
    nc = tmp_path / "export.nc"
    quiet_open(path_of(name)).to_netcdf(nc)
    assert cf_compliance.cfchecks(nc, tmp_path) == []


def test_yin_yang_tiles_and_clouds() -> None:
    """synth_irregular.fst: a U (yin-yang) grid, # tiles on E and L, Z on N/S, Y on L and on E."""
    path = CORPUS / "ref" / "latlon" / "synth_irregular.fst"
    with pytest.warns(UserWarning, match="grid Y"):          # Y on a rotated reference: no lat/lon
        ds = xr.open_dataset(path, engine="fst24")
    f = fst24.open(path)
    kinds = set()
    for _name, var in ds.data_vars.items():
        rec = f.find(nomvar=var.attrs["nomvar"]).first()
        assert rec is not None
        kinds.add(var.attrs["grtyp"])
        np.testing.assert_array_equal(var.values.reshape(-1, rec.ni), rec.data[:, :, 0].T)
        coords = {var[c].attrs.get("standard_name"): c for c in var.coords}
        if "latitude" not in coords:
            assert var.attrs["grtyp"] == "Y" and var.dims[-2].startswith("j")   # index dimensions only
            continue
        lat, lon = xr.broadcast(ds[coords["latitude"]], ds[coords["longitude"]])
        hdims = [d for d in var.dims if d in lat.dims]
        glat, glon = fst24.grid_latlon(rec)
        np.testing.assert_array_equal(lat.transpose(*hdims).values.reshape(-1, rec.ni),
                                      X.like_dataset(glat.T, lat.dtype))
        np.testing.assert_array_equal(lon.transpose(*hdims).values.reshape(-1, rec.ni) % lon.dtype.type(360),
                                      X.like_dataset(glon.T, lon.dtype, True))
        if var.attrs["grtyp"] == "U":
            assert var.dims == ("subgrid", "j", "i")
            np.testing.assert_array_equal(ds.subgrid.values, ["yin", "yang"])
    assert kinds >= {"U", "#", "Z", "Y"}
