"""The fixture files of tests/data, written by fst24 itself (tests/data/make_fixtures.py).

They make the suite meaningful from a clone alone (no shared corpus): every datyp in both
backends, the grid types, a ``!!`` vertical descriptor, RSF extended metadata, files written
over several sessions. Checked here:

* the set is complete and small (<= 5 MB);
* ``fst24 dump --jsonl`` of each file equals its checked-in dump, and the Python package
  reads the same headers and the same data (hash of the decoded bytes);
* the decoded values are the values the generator wrote (exactly for lossless types, within
  the quantisation step for packed reals, missing points as sentinels);
* regenerating the files gives the same bytes (the writer and the script did not change);
* grid coordinates follow the projection formulas, independently of the library;
* the CLI checks, converts and describes them.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import fst24
from conftest import DATA, fnv1a64, load_dump
from test_corpus import cli

sys.path.insert(0, str(DATA))
import make_fixtures as mf  # noqa: E402

FILES = mf.fixture_names()


def fixture(name: str) -> Path:
    return DATA / name


def dump_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in text.splitlines() if x.strip()]


def test_fixture_set_is_complete_and_small() -> None:
    sizes = sum(p.stat().st_size for p in DATA.iterdir() if p.is_file())
    assert sizes <= 5 * 1024 * 1024, f"tests/data holds {sizes} bytes"
    on_disk = sorted(p.name for p in DATA.glob("*.fst"))
    assert on_disk == sorted(FILES)
    for name in FILES:
        assert (DATA / (name + ".jsonl")).exists(), name
    types = set()
    for b in ("xdf", "rsf"):
        types |= {r["data_type"] for r in load_dump(fixture(f"types.{b}.fst"))[1]}
    wanted = {0, 1, 2, 3, 4, 5, 6, 7, 8, 129, 130, 133, 134, 65, 66, 68, 69, 70, 193, 194, 197, 198}
    assert wanted <= types, sorted(wanted - types)
    for b in ("xdf", "rsf"):
        recs = load_dump(fixture(f"grids.{b}.fst"))[1]
        assert {r["grtyp"] for r in recs if r["nomvar"].startswith("TT")} >= set("LNSABGEZY")
        assert {r["grtyp"] for r in recs if r["nomvar"] == ">>  "} == {"E", "L"}
        assert any(r["nomvar"] == "!!  " and r["ig1"] == 5005 for r in load_dump(fixture(f"model.{b}.fst"))[1])
    assert all("ext_meta" in r for r in load_dump(fixture("meta.rsf.fst"))[1][:3])


@pytest.mark.parametrize("name", FILES)
def test_cli_dump_is_the_expected_dump(name: str) -> None:
    proc = subprocess.run([cli(), "dump", "--jsonl", name], cwd=DATA, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    got = dump_lines(proc.stdout)
    expected = dump_lines((DATA / (name + ".jsonl")).read_text())
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g == e


@pytest.mark.parametrize("name", FILES)
def test_python_reads_what_the_dump_says(name: str) -> None:
    info, dump = load_dump(fixture(name))
    with fst24.open(fixture(name)) as f:
        assert len(f) == info["num_records"] == len(dump)
        for rec, exp in zip(f, dump):
            for field in ("nomvar", "typvar", "etiket", "grtyp", "ip1", "ip2", "ip3", "ni", "nj", "nk",
                          "dateo", "datev", "deet", "npas", "data_type", "data_bits", "pack_bits",
                          "ig1", "ig2", "ig3", "ig4", "key", "file_index", "file_offset",
                          "total_stored_bytes", "extended_meta_size"):
                want = exp[field].rstrip(" ") if isinstance(exp[field], str) else exp[field]
                assert getattr(rec, field) == want, (name, exp["seq"], field)
            assert fnv1a64(rec.data.tobytes(order="F")) == exp["hash"], (name, exp["seq"])
            if "ext_meta" in exp:
                assert rec.ext_meta == json.loads(exp["ext_meta"])


# ---- the values written by the generator ---------------------------------------------------

IDENTITY = ("nomvar", "typvar", "etiket", "grtyp", "ip1", "ip2", "ip3", "npas", "ig1", "ig2")


def _identity(fields: dict[str, Any]) -> tuple[Any, ...]:
    full = dict(typvar="", etiket="", grtyp="", ip1=0, ip2=0, ip3=0, npas=0, ig1=0, ig2=0)
    full.update(fields)
    return tuple(str(full[k]).rstrip() if isinstance(full[k], str) else full[k] for k in IDENTITY)


def expected_records(name: str) -> dict[tuple[Any, ...], tuple[dict[str, Any], np.ndarray]]:
    """What the file should hold after the generator's writes, deletions, edits, rewrites."""
    out: dict[tuple[Any, ...], tuple[dict[str, Any], np.ndarray]] = {}
    for step in mf.steps_for(name):
        if isinstance(step, mf.Put):
            key = _identity(step.fields)
            assert step.rewrite == "yes" or key not in out, f"{name}: {key} written twice"
            out[key] = (dict(step.fields), np.asarray(step.data))
        elif step.kind in ("delete", "edit"):
            hits = [k for k, (f, _) in out.items()
                    if all(f.get(a) == b for a, b in step.match.items())]
            assert len(hits) == 1, (name, step)
            fields, data = out.pop(hits[0])
            if step.kind == "edit":
                fields.update(step.changes)
                out[_identity(fields)] = (fields, data)
    return out


def _truncated(x: np.ndarray, nbits: int) -> np.ndarray:
    bits = x.astype(np.float32).view(np.uint32)
    return ((bits >> np.uint32(32 - nbits)) << np.uint32(32 - nbits)).view(np.float32)


def check_values(where: str, rec: fst24.Record, want: np.ndarray) -> None:
    got = rec.data
    base, flags, nbits = rec.data_type & 63, rec.data_type & 192, rec.pack_bits
    if base in (3, 7):
        assert got.tobytes(order="F") == np.asarray(want, "S1").reshape(-1, order="F").tobytes(), where
        return
    want = np.asarray(want).reshape(got.shape, order="F")
    if base in (0, 2, 4, 8):
        assert np.array_equal(got, want.astype(got.dtype)), where
        return
    mv = fst24.missing_values()["f64" if got.dtype == np.float64 else "f32"]
    missing = want == np.asarray(mv, want.dtype)
    valid = ~missing
    if flags & 64:
        assert np.all(got[missing] == np.asarray(mv, got.dtype)), f"{where}: missing points"
    elif missing.any():
        # A compressed +64 write that fell back to the plain type lost the flag (librmn's
        # behaviour, reproduced): the missing points hold the plug, above every valid value.
        assert got[missing].min() > got[valid].max(), f"{where}: plug values"
    g, w = got[valid].astype(np.float64), want[valid].astype(np.float64)
    if base == 5 and nbits < 32:
        assert np.array_equal(got[valid], _truncated(want[valid], nbits)), where
    elif base == 5:
        assert np.array_equal(g, w.astype(got.dtype).astype(np.float64)), where
    else:  # packed reals, 1/129 and 6/134: within the quantisation step
        span = float(w.max() - w.min())
        tol = 2.0 * span / 2.0 ** nbits + float(np.abs(w).max()) * 2.0 ** -21
        assert np.abs(g - w).max() <= tol, f"{where}: error {np.abs(g - w).max()} > {tol}"


@pytest.mark.parametrize("name", FILES)
def test_values_are_what_was_written(name: str) -> None:
    expected = expected_records(name)
    seen = set()
    with fst24.open(fixture(name)) as f:
        for rec in f:
            key = _identity({k: getattr(rec, k) for k in IDENTITY})
            assert key in expected and key not in seen, f"{name}: unexpected record {key}"
            seen.add(key)
            fields, data = expected[key]
            for k in ("deet", "typvar", "etiket"):
                if k in fields:
                    assert getattr(rec, k) == fields[k], (name, key, k)
            check_values(f"{name} {key}", rec, data)
    assert seen == set(expected), f"{name}: missing {set(expected) - seen}"


def test_ext_meta_is_what_was_written() -> None:
    puts = [s for s in mf.steps_for("meta.rsf.fst") if isinstance(s, mf.Put)]
    with fst24.open(fixture("meta.rsf.fst")) as f:
        for step in puts:
            rec = f.find_one(nomvar=step.fields["nomvar"])
            assert rec.ext_meta == (step.ext_meta or {})


def test_regenerated_fixtures_are_identical(tmp_path: Path) -> None:
    env = dict(os.environ, FST24_CLI=cli())
    proc = subprocess.run([sys.executable, str(DATA / "make_fixtures.py"), "--outdir", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for name in FILES:
        for f in (name, name + ".jsonl"):
            assert (tmp_path / f).read_bytes() == (DATA / f).read_bytes(), \
                f"{f} differs: run python tests/data/make_fixtures.py and review the change"


# ---- grids: coordinates from the projection formulas ------------------------------------

def _records(name: str, **criteria: Any) -> list[fst24.Record]:
    with fst24.open(fixture(name)) as f:
        return list(f.find(**criteria))


def _rotation(xg: tuple[float, ...]) -> np.ndarray:
    """Rows of the rotation taking geographic unit vectors to rotated ones, from the two
    points (xlat1, xlon1) -> rotated (0, 180) and (xlat2, xlon2) on the rotated equator."""
    def unit(lat: float, lon: float) -> np.ndarray:
        la, lo = math.radians(lat), math.radians(lon)
        return np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])
    p1, p2 = unit(xg[0], xg[1]), unit(xg[2], xg[3])
    c = np.cross(p1, p2)
    b = np.linalg.norm(c)
    return np.array([-p1, (np.dot(p1, p2) * p1 - p2) / b, c / b])


def _to_rotated(r: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    la, lo = np.radians(lat), np.radians(lon)
    xyz = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    rot = np.tensordot(r, xyz, axes=1)
    return np.degrees(np.arcsin(np.clip(rot[2], -1, 1))), np.degrees(np.arctan2(rot[1], rot[0])) % 360


def _lon_close(a: np.ndarray, b: np.ndarray, tol: float) -> bool:
    return bool(np.all(np.abs((a - b + 180) % 360 - 180) <= tol))


@pytest.mark.parametrize("backend", ["xdf", "rsf"])
def test_grid_coordinates_follow_the_projections(backend: str) -> None:
    name = f"grids.{backend}.fst"
    with fst24.open(fixture(name)) as f:
        def latlon(**crit: Any) -> tuple[np.ndarray, np.ndarray]:
            return fst24.grid_latlon(f.find_one(**crit))
        i, j = np.meshgrid(np.arange(40), np.arange(30), indexing="ij")
        lat, lon = latlon(nomvar="TT", grtyp="L")                   # lat0 20, lon0 250, 0.5 deg
        assert np.allclose(lat, 20 + 0.5 * j, atol=1e-5) and np.allclose(lon, 250 + 0.5 * i, atol=1e-5)
        lat, lon = latlon(nomvar="TT", grtyp="A")                   # 36 x 18, half-step offset
        assert np.allclose(lat[0], -90 + 10 * (np.arange(18) + 0.5)) and np.allclose(lon[:, 0], 10 * np.arange(36))
        lat, lon = latlon(nomvar="TT", grtyp="B")                   # 37 x 19, poles included
        assert np.allclose(lat[0], -90 + 10 * np.arange(19)) and _lon_close(lon[:, 0], 10 * np.arange(37), 1e-9)
        lat2, _ = latlon(nomvar="TTNS", grtyp="B")                  # ig2 = 1: rows north to south
        assert np.allclose(lat2[0], lat[0][::-1])
        lat, lon = latlon(nomvar="TT", grtyp="G")                   # Gaussian latitudes
        nodes = np.polynomial.legendre.leggauss(20)[0]
        assert np.allclose(lat[0], np.degrees(np.arcsin(np.sort(nodes))), atol=2e-5)
        for grtyp, (pi, pj, d60, dgrw) in (("N", (20.5, 60, 50000, 21)), ("S", (26, 26, 381000, 350))):
            lat, lon = latlon(nomvar="TT", grtyp=grtyp)             # polar stereographic, back to (i, j)
            s = 1 if grtyp == "N" else -1
            la, lo = np.radians(s * lat), np.radians(s * lon)
            re = 1.866025 * 6371000 / d60
            r = re * np.sqrt((1 - np.sin(la)) / (1 + np.sin(la)))
            x, y = pi + r * np.cos(lo + math.radians(dgrw)), pj + r * np.sin(lo + math.radians(dgrw))
            ni, nj = lat.shape
            ii, jj = np.meshgrid(np.arange(1, ni + 1), np.arange(1, nj + 1), indexing="ij")
            assert np.abs(x - ii).max() < 1e-3 and np.abs(y - jj).max() < 1e-3, grtyp
        rot = _rotation(fst24.ig_to_xg("E", mf.IG_E))
        lat, lon = latlon(nomvar="TT", grtyp="Z", ig1=1001)          # Z on rotated E: >> / ^^ rotated
        rlat, rlon = _to_rotated(rot, lat, lon)
        ax, ay = 170.0 + 0.5 * np.arange(40), -7.5 + 0.5 * np.arange(30)
        assert np.abs(rlat - ay[None, :]).max() < 1e-3 and _lon_close(rlon, ax[:, None] + 0 * rlon, 1e-3)
        lat, lon = latlon(nomvar="TT", grtyp="E")                   # native E: whole rotated sphere
        rlat, rlon = _to_rotated(rot, lat, lon)
        ni, nj = lat.shape
        assert np.abs(rlat - (-90 + (np.arange(nj) + 0.5) * 180 / nj)[None, :]).max() < 1e-3
        assert _lon_close(rlon, (np.arange(ni) * 360 / (ni - 1))[:, None] + 0 * rlon, 1e-3)
        lat, lon = latlon(nomvar="TTZL")                            # Z on L: degrees as stored
        assert np.allclose(lat[0], 40 + 0.25 * np.arange(16), atol=1e-5)
        assert np.allclose(lon[:, 0], 250 + 0.25 * np.arange(24), atol=1e-5)
        lat, lon = latlon(nomvar="TT", grtyp="Y")                   # Y: every point given
        i, j = np.meshgrid(np.arange(20), np.arange(10), indexing="ij")
        assert np.allclose(lat, 45 + 0.25 * j - 0.0625 * i, atol=1e-5)
        assert np.allclose(lon, 280 + 0.5 * i + 0.125 * j, atol=1e-5)


# ---- the CLI on the fixtures ---------------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([cli(), *args], cwd=DATA, capture_output=True, text=True, timeout=120)


def test_check_passes_and_info_counts() -> None:
    proc = run("check", *FILES)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run("info", "sessions.xdf.fst", "sessions.rsf.fst", "types.xdf.fst")
    assert proc.returncode == 0, proc.stderr
    # 300 + 1 records, one deleted and one replaced: 2 directory pages in XDF
    assert proc.stdout.count("records: 300") == 2, proc.stdout
    assert "pages: 2" in proc.stdout or "directory pages: 2" in proc.stdout, proc.stdout


@pytest.mark.parametrize("name,backend", [("types.xdf.fst", "rsf"), ("types.rsf.fst", "xdf"),
                                          ("meta.rsf.fst", "rsf")])
def test_convert_keeps_every_record(tmp_path: Path, name: str, backend: str) -> None:
    out = tmp_path / f"converted.{backend}.fst"
    proc = run("convert", "--backend", backend, name, str(out))
    assert proc.returncode == 0, proc.stderr
    _, src = load_dump(fixture(name))
    got = dump_lines(run("dump", "--jsonl", str(out)).stdout)[1:]
    assert len(got) == len(src)
    for g, e in zip(got, src):
        for k in ("nomvar", "ip1", "ip3", "data_type", "pack_bits", "hash", "ext_meta"):
            assert g.get(k) == e.get(k), (name, e["seq"], k)


def test_vertical_descriptor_is_described() -> None:
    proc = run("grid", "--vertical", "model.xdf.fst")
    assert proc.returncode == 0, proc.stderr
    assert "vcode 5005" in proc.stdout and "10 m" in proc.stdout and "2 m" in proc.stdout, proc.stdout
