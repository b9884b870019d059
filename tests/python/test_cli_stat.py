"""`fst24 stat`: per-record count, missing, NaN, min, max, mean and std equal numpy's on the
arrays the package decodes; json and csv agree; text lists every record."""
from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import fst24
from cli_util import make_fixture, run
from test_corpus import CORPUS


def numpy_stats(rec: fst24.Record) -> dict[str, Any]:
    arr = rec.read()
    flat = np.asarray(arr).ravel(order="F")
    if flat.dtype.kind in "SU" or rec.data_type & 0x3F in (3, 7):
        return {"count": flat.size, "missing": 0, "nan": 0, "min": None, "max": None, "mean": None, "std": None}
    missing = np.zeros(flat.shape, bool)
    if rec.data_type & 64:
        mv = fst24.missing_values()
        key = f"{flat.dtype.kind}{flat.dtype.itemsize * 8}"  # f32, f64, i32, u16 ...
        missing = flat == np.asarray(mv[key]).astype(flat.dtype)
    x = flat[~missing].astype(np.float64)
    nan = np.isnan(x)
    v = x[~nan]
    out: dict[str, Any] = {"count": flat.size, "missing": int(missing.sum()), "nan": int(nan.sum())}
    if v.size:
        out.update(min=float(v.min()), max=float(v.max()), mean=float(v.mean()), std=float(v.std()))
    else:
        out.update(min=None, max=None, mean=None, std=None)
    return out


def check_against_numpy(path: Path, rows: list[dict[str, Any]]) -> int:
    with fst24.open(path) as f:
        recs = list(f)
        assert len(rows) == len(recs)
        for row, rec in zip(rows, recs):
            want = numpy_stats(rec)
            where = f"{path.name} {rec.nomvar} ip1={rec.ip1} ip2={rec.ip2}"
            assert (row["nomvar"], row["ip1"], row["ip2"]) == (rec.nomvar, rec.ip1, rec.ip2)
            for k in ("count", "missing", "nan"):
                assert row[k] == want[k], (where, k)
            for k in ("min", "max"):  # exact: the same decoded values
                assert row[k] == want[k], (where, k, row[k], want[k])
            for k in ("mean", "std"):
                if want[k] is None:
                    assert row[k] is None, (where, k)
                else:
                    assert math.isclose(row[k], want[k], rel_tol=1e-12, abs_tol=1e-12 * abs(want["max"])), \
                        (where, k, row[k], want[k])
    return len(recs)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("stat")
    fixture = d / "fixture.fst"
    make_fixture(fixture)
    extra = d / "extra.rsf"
    rng = np.random.default_rng(3)
    with fst24.open(extra, "w", "rsf") as f:
        x = rng.normal(280, 15, (33, 21)).astype(np.float32)
        x[[1, 5, 9], [2, 2, 7]] = np.nan
        f.write(fst24.Record(data=np.asfortranarray(x), nomvar="NAN"))
        f.write(fst24.Record(data=np.full((4, 3), np.nan, np.float32), nomvar="ALLN"))
        f.write(fst24.Record(data=np.asfortranarray(rng.normal(0, 1e6, (50, 40))), nomvar="F64"))
        f.write(fst24.Record(data=np.asfortranarray(rng.integers(-500, 500, (30, 20)).astype(np.int16)),
                             nomvar="I16"))
        f.write(fst24.Record(data=np.frombuffer(b"hello standard files", dtype="S1"), nomvar="TXT"))
        f.write(fst24.Record(data=np.asfortranarray(rng.normal(5, 2, (60, 40)).astype(np.float32)), nomvar="CMP",
                             data_type=134, pack_bits=12))
    return fixture, extra


def test_stat_json_equals_numpy(files: tuple[Path, Path]) -> None:
    for path in files:
        rows = json.loads(run("stat", "--format", "json", path, check=0).stdout)
        assert all(r["file"] == str(path) for r in rows) and [r["index"] for r in rows] == list(range(len(rows)))
        assert check_against_numpy(path, rows) == len(rows) > 0
    # the fixture's PR records flag 12 missing points each
    rows = json.loads(run("stat", "--format", "json", "--where", "nomvar=PR", files[0], check=0).stdout)
    assert [r["missing"] for r in rows] == [12, 12, 12] and all(r["count"] == 1200 for r in rows)


def test_stat_csv_equals_json(files: tuple[Path, Path]) -> None:
    rows = json.loads(run("stat", "--format", "json", *files, check=0).stdout)
    table = list(csv.DictReader(io.StringIO(run("stat", "--format", "csv", *files, check=0).stdout)))
    assert len(table) == len(rows) == 36
    for t, r in zip(table, rows):
        for k, v in r.items():
            if v is None:
                assert t[k] == "", k
            elif isinstance(v, str):
                assert t[k] == v, k
            else:
                assert float(t[k]) == v, k  # 17 significant digits: exact


def test_stat_text_and_where(files: tuple[Path, Path]) -> None:
    out = run("stat", "--where", "nomvar=TT,ip1=500mb", files[0], check=0).stdout
    lines = [l for l in out.splitlines() if l.strip()[:1].isdigit() and "-" in l.split()[0]]
    assert len(lines) == 3 and all(" TT " in l and "500 mb" in l for l in lines)
    assert "MIN" in out and "STD" in out and out.rstrip().endswith("3 records")
    with fst24.open(files[0]) as f:
        tt = f.find_one(nomvar="TT", ip1=41394464, ip2=0).read()
    assert f"{float(tt.min()):.7g}" in lines[0] and f"{float(tt.max()):.7g}" in lines[0]


def test_stat_corpus_model() -> None:
    path = CORPUS / "ref" / "model.rsf.fst"
    if not path.exists():
        pytest.skip(f"corpus file {path} is absent")
    rows = json.loads(run("stat", "--format", "json", path, check=0).stdout)
    assert check_against_numpy(path, rows) == 508
