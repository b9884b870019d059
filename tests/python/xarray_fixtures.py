"""FST files written by the xarray tests themselves, so that the core tests need no corpus:
a GEM-like model file (Z grid on a rotated E reference, a 5004 "!!" staggered hybrid table,
three forecast hours), one variable on every grid type, missing values and masks, several files
along time, ensemble members and several forecast runs.

The record layouts follow the format notes (positional records linked by ip1/ip2/ip3 = ig1/ig2/ig3,
the "!!" table layout); values are smooth analytic fields so that tests can recompute them.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

import fst24

T0 = dt.datetime(2024, 1, 15, 12)
HOURS = (0, 6, 12)
DEET = 300


def as_dataset_latlon(values: np.ndarray, lon: bool = False) -> np.ndarray:
    """The float64 lat or lon of the grid API as a Dataset holds them by default:
    rounded to float32, a longitude that rounds up to 360 being 0."""
    out = np.asarray(values).astype(np.float32)
    if lon:
        out[(out == np.float32(360.0)) & (np.asarray(values) < 360.0)] = 0.0
    return out


def like_dataset(values: np.ndarray, dtype: Any, lon: bool = False) -> np.ndarray:
    """as_dataset_latlon for float32 coordinates (computed 2-D), the values as
    they are for float64 ones (1-D axes, station positions)."""
    return as_dataset_latlon(values, lon) if np.dtype(dtype) == np.float32 else np.asarray(values)


def stamp(t: dt.datetime) -> int:
    return int(fst24.datetime_to_stamp(t))


def field(ni: int, nj: int, seed: float) -> np.ndarray:
    """A smooth (ni, nj) float32 field, Fortran order."""
    i, j = np.meshgrid(np.arange(ni), np.arange(nj), indexing="ij")
    return np.asfortranarray((seed + 10 * np.sin(i / 5.0 + seed) * np.cos(j / 4.0)).astype(np.float32))


def ip(value: float, kind: int) -> int:
    return int(fst24.encode_ip(value, kind))


def packed_name(name: str) -> float:
    """A 4-character name packed in a double as "!!" tables store reference fields."""
    return float(np.frombuffer(name.ljust(4).encode() + b"\0\0\0\0", "<f8")[0])


# 5004: momentum levels (top first, surface last) and thermodynamic levels
MOMENTUM = (0.1, 0.5, 0.9, 1.0)
THERMO = (0.3, 0.7, 0.95, 1.0)
PREF = 100000.0


def toctoc_5004() -> np.ndarray:
    """A (3, nj) "!!" table of vcode 5004 (ptop 10 Pa, rcoef 1 and 10)."""
    rows = [(5.0, 4.0, 3.0), (10.0, PREF, 1.0), (10.0, packed_name("P0"), 0.0)]
    for h in MOMENTUM + THERMO:
        rows.append((float(ip(h, 5)), float(np.log(PREF * h)), h ** 2))
    return np.asfortranarray(np.array(rows, np.float64).T)   # (ni=3, nj)


def write_model(path: Path, backend: str = "xdf") -> None:
    ni, nj = 40, 30
    grid_tags = dict(ig1=4001, ig2=4002, ig3=0, ig4=0)
    ref = fst24.xg_to_ig("E", (57.5, 250.0, 57.5, 291.0))
    ax = np.asfortranarray((170.0 + 0.5 * np.arange(ni, dtype=np.float32)).reshape(ni, 1))
    ay = np.asfortranarray((-7.5 + 0.5 * np.arange(nj, dtype=np.float32)).reshape(1, nj))
    base0 = dict(typvar="X", etiket="GRID", ip1=4001, ip2=4002, ip3=0, dateo=stamp(T0), grtyp="E",
                 ig1=ref[0], ig2=ref[1], ig3=ref[2], ig4=ref[3])
    with fst24.open(path, "w", backend=backend) as f:
        f.write(fst24.Record(data=ax, nomvar=">>", **base0))
        f.write(fst24.Record(data=ay, nomvar="^^", **base0))
        f.write(fst24.Record(data=toctoc_5004(), nomvar="!!", typvar="X", etiket="STG_CP_GEMV4", ip1=4001,
                             ip2=4002, grtyp="X", ig1=5004, ig2=100, ig3=100, ig4=1000, data_type=5,
                             pack_bits=64))
        for h in HOURS:
            common = dict(typvar="P", etiket="FIXTURE", dateo=stamp(T0), deet=DEET, npas=h * 3600 // DEET,
                          ip2=h, grtyp="Z", **grid_tags)
            f.write(fst24.Record(data=field(ni, nj, 1000 + h), nomvar="P0", ip1=0, data_type=1, pack_bits=16,
                                 **common))
            for k, lev in enumerate(THERMO):
                f.write(fst24.Record(data=field(ni, nj, -20 + 5 * k + h), nomvar="TT", ip1=ip(lev, 5),
                                     data_type=1, pack_bits=16, **common))
            for k, lev in enumerate(MOMENTUM):
                f.write(fst24.Record(data=field(ni, nj, 10 * k + h), nomvar="UU", ip1=ip(lev, 5),
                                     data_type=134, pack_bits=16, **common))


def write_grids(path: Path) -> dict[str, str]:
    """One field per grid type; returns {nomvar: grid type}."""
    kinds: dict[str, str] = {}
    p500 = ip(500.0, 2)
    with fst24.open(path, "w") as f:
        def put(nomvar: str, data: np.ndarray, grtyp: str, ig: Any, **kw: Any) -> None:
            f.write(fst24.Record(data=data, nomvar=nomvar, typvar="P", etiket="GRIDS", ip1=kw.pop("ip1", p500),
                                 dateo=stamp(T0), grtyp=grtyp, ig1=ig[0], ig2=ig[1], ig3=ig[2], ig4=ig[3],
                                 data_type=5, pack_bits=32, **kw))
            kinds[nomvar] = grtyp
        put("LL", field(36, 18, 1), "L", fst24.xg_to_ig("L", (-85.0, 0.0, 10.0, 10.0)))
        put("AA", field(36, 18, 2), "A", (0, 0, 0, 0))
        put("BB", field(37, 19, 3), "B", (0, 0, 0, 0))
        put("GG", field(32, 16, 4), "G", (0, 0, 0, 0))
        put("NN", field(31, 31, 5), "N", fst24.xg_to_ig("N", (16.0, 16.0, 300000.0, 350.0)))
        put("SS", field(21, 21, 6), "S", fst24.xg_to_ig("S", (11.0, 11.0, 400000.0, 350.0)))
        put("EE", field(24, 12, 7), "E", fst24.xg_to_ig("E", (57.5, 250.0, 57.5, 291.0)))
        # Z on L (degrees), with positional records
        ref_l = fst24.xg_to_ig("L", (0.0, 0.0, 1.0, 1.0))
        pos = dict(typvar="X", etiket="POS", dateo=stamp(T0), grtyp="L", ig1=ref_l[0], ig2=ref_l[1],
                   ig3=ref_l[2], ig4=ref_l[3])
        zx = (260.0 + 0.3 * np.arange(20) ** 1.2).astype(np.float32).reshape(20, 1)
        zy = (40.0 + 0.25 * np.arange(15)).astype(np.float32).reshape(1, 15)
        f.write(fst24.Record(data=zx, nomvar=">>", ip1=5001, ip2=5002, ip3=0, **pos))
        f.write(fst24.Record(data=zy, nomvar="^^", ip1=5001, ip2=5002, ip3=0, **pos))
        put("ZL", field(20, 15, 8), "Z", (5001, 5002, 0, 0))
        # Z on N (positions in the reference grid's index space)
        ref_n = fst24.xg_to_ig("N", (26.0, 26.0, 150000.0, 10.0))
        posn = dict(pos, grtyp="N", ig1=ref_n[0], ig2=ref_n[1], ig3=ref_n[2], ig4=ref_n[3])
        f.write(fst24.Record(data=(1.0 + 1.5 * np.arange(18)).astype(np.float32).reshape(18, 1), nomvar=">>",
                             ip1=5003, ip2=5004, ip3=0, **posn))
        f.write(fst24.Record(data=(2.0 + 1.5 * np.arange(14)).astype(np.float32).reshape(1, 14), nomvar="^^",
                             ip1=5003, ip2=5004, ip3=0, **posn))
        put("ZN", field(18, 14, 9), "Z", (5003, 5004, 0, 0))
        # Y: a cloud of 12 x 8 points (2-D lat/lon), and a station list (ni x 1)
        lon2, lat2 = np.meshgrid(np.linspace(280, 300, 12), np.linspace(40, 50, 8), indexing="ij")
        lat2 = lat2 + 0.1 * np.sin(lon2)
        f.write(fst24.Record(data=np.asfortranarray(lon2.astype(np.float32)), nomvar=">>", ip1=5005, ip2=5006,
                             ip3=0, **pos))
        f.write(fst24.Record(data=np.asfortranarray(lat2.astype(np.float32)), nomvar="^^", ip1=5005, ip2=5006,
                             ip3=0, **pos))
        put("YY", field(12, 8, 10), "Y", (5005, 5006, 0, 0))
        slon = np.asfortranarray(np.linspace(250, 300, 9, dtype=np.float32).reshape(9, 1))
        slat = np.asfortranarray(np.linspace(42, 58, 9, dtype=np.float32).reshape(9, 1))
        f.write(fst24.Record(data=slon, nomvar=">>", ip1=5007, ip2=5008, ip3=0, **pos))
        f.write(fst24.Record(data=slat, nomvar="^^", ip1=5007, ip2=5008, ip3=0, **pos))
        put("ST", field(9, 1, 11), "Y", (5007, 5008, 0, 0))
        # X: no geography
        put("XX", field(7, 5, 12), "X", (0, 0, 0, 0))
        # one nomvar on two grids: names get the grid as suffix
        put("TT", field(36, 18, 13), "L", fst24.xg_to_ig("L", (-85.0, 0.0, 10.0, 10.0)))
        put("TT", field(32, 16, 14), "G", (0, 0, 0, 0))
    return kinds


def write_missing(path: Path) -> None:
    """+64 records (float and integer) and a masked field with its "@@" mask."""
    mv = fst24.missing_values()
    ref = fst24.xg_to_ig("L", (40.0, 260.0, 1.0, 1.0))
    common = dict(typvar="P", etiket="MISS", ip1=ip(850.0, 2), dateo=stamp(T0), grtyp="L", ig1=ref[0], ig2=ref[1],
                  ig3=ref[2], ig4=ref[3])
    a = field(16, 12, 3)
    a[2:5, 3] = mv["f32"]
    b = np.asfortranarray((np.arange(16 * 12).reshape(16, 12) % 1000).astype(np.uint16))
    b[7, 1:4] = mv["u16"]
    m = field(16, 12, 5)
    mask = np.ones((16, 12), np.uint32)
    mask[10:, 6:] = 0
    with fst24.open(path, "w") as f:
        f.write(fst24.Record(data=a, nomvar="MF", data_type=65, pack_bits=16, **common))
        f.write(fst24.Record(data=b, nomvar="MI", data_type=66, pack_bits=16, **common))
        f.write(fst24.Record(data=m, nomvar="MK", data_type=5, pack_bits=32, **dict(common, typvar="P@")))
        f.write(fst24.Record(data=np.asfortranarray(mask), nomvar="MK", data_type=2, pack_bits=1,
                             **dict(common, typvar="@@")))


def write_times(directory: Path) -> list[Path]:
    """Three files, one validity time each (runs 6 h apart, 0 h forecasts), on one L grid."""
    paths = []
    ref = fst24.xg_to_ig("L", (40.0, 260.0, 1.0, 1.0))
    for n in range(3):
        p = directory / f"run_{n}.fst"
        t = T0 + dt.timedelta(hours=6 * n)
        with fst24.open(p, "w") as f:
            for lev in (500.0, 850.0):
                f.write(fst24.Record(data=field(16, 12, n + lev / 100), nomvar="TT", typvar="A", etiket="RUN",
                                     ip1=ip(lev, 2), dateo=stamp(t), grtyp="L", ig1=ref[0], ig2=ref[1], ig3=ref[2],
                                     ig4=ref[3], data_type=5, pack_bits=32))
        paths.append(p)
    return paths


def write_ensemble(path: Path) -> None:
    """Three members (etiket) x two forecast runs (dateo) x two lead times."""
    ref = fst24.xg_to_ig("L", (40.0, 260.0, 1.0, 1.0))
    with fst24.open(path, "w") as f:
        for m in range(3):
            for r in range(2):
                for h in (0, 6):
                    f.write(fst24.Record(data=field(16, 12, 100 * m + 10 * r + h), nomvar="PN", typvar="P",
                                         etiket=f"MEMB{m:02d}", ip1=0, ip2=h,
                                         dateo=stamp(T0 + dt.timedelta(hours=12 * r)), deet=3600, npas=h,
                                         grtyp="L", ig1=ref[0], ig2=ref[1], ig3=ref[2], ig4=ref[3], data_type=5,
                                         pack_bits=32))


def write_all(directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    out = {"model": directory / "model.fst", "model_rsf": directory / "model_rsf.fst",
           "grids": directory / "grids.fst", "missing": directory / "missing.fst",
           "ensemble": directory / "ensemble.fst"}
    write_model(out["model"])
    write_model(out["model_rsf"], backend="rsf")
    write_grids(out["grids"])
    write_missing(out["missing"])
    write_ensemble(out["ensemble"])
    tdir = directory / "times"
    tdir.mkdir(exist_ok=True)
    for i, p in enumerate(write_times(tdir)):
        out[f"time{i}"] = p
    return out
