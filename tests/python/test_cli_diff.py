"""`fst24 diff A B` (fstcomp): pairing by identity, statistics equal to numpy's, tolerances,
packing error, one-sided records, exit statuses 0/1/2, across backends."""
from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import fst24
from cli_util import make_fixture, run
from test_corpus import CORPUS


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("diff") / "a.fst"
    make_fixture(path)
    return path


def diff_json(*args: Any, status: int) -> dict[str, Any]:
    proc = run("diff", "--format", "json", *args, check=status)
    return json.loads(proc.stdout)


def test_a_file_equals_itself_and_its_copies(fixture: Path, tmp_path: Path) -> None:
    proc = run("diff", fixture, fixture, check=0)
    assert proc.stdout.rstrip().endswith("30 pairs: 30 equal, 0 close, 0 different; 0 only in A, 0 only in B: SAME")
    rsf = tmp_path / "copy.rsf"
    run("convert", "--backend", "rsf", fixture, rsf, check=0)
    doc = diff_json(fixture, rsf, status=0)
    assert doc["same"] is True and doc["summary"]["equal"] == 30 and doc["only_a"] == doc["only_b"] == []
    assert all(p["status"] == "equal" and p["diff_count"] == 0 and p["max_abs"] == 0 for p in doc["pairs"])
    selected = tmp_path / "selected.fst"
    run("select", rsf, "-o", selected, "--backend", "xdf", check=0)
    assert diff_json(rsf, selected, status=0)["summary"]["equal"] == 30
    # the order of records does not matter: pairs are found by identity
    reordered = tmp_path / "reordered.fst"
    run("select", fixture, "-o", reordered, "--where", "nomvar=UU,HU", check=0)
    run("select", fixture, "-o", reordered, "--append", "--exclude", "nomvar=UU,HU", check=0)
    assert diff_json(fixture, reordered, status=0)["summary"]["equal"] == 30


def test_one_changed_value_is_named(fixture: Path, tmp_path: Path) -> None:
    b = tmp_path / "b.fst"
    target = "nomvar=TT,ip1=500mb,ip2=6"
    run("select", fixture, "-o", b, "--exclude", target, check=0)
    with fst24.open(fixture) as f:
        rec = f.find_one(nomvar="TT", ip1=41394464, ip2=6)
        a_values = rec.read()
        changed = rec.copy()
    data = a_values.copy()
    data[10, 7] += 3.0
    changed.data = data
    with fst24.open(b, "a") as f:
        f.write(changed)
    proc = run("diff", fixture, b, check=1)
    different = [l for l in proc.stdout.splitlines() if l.startswith(" ") and "DIFFERENT" in l]
    assert len(different) == 1 and different[0].split()[:3] == ["TT", "P", "FIXTURE"]
    assert "500 mb" in different[0] and " 6 " in different[0]
    assert "29 equal, 0 close, 1 different; 0 only in A, 0 only in B: DIFFERENT" in proc.stdout
    # statistics of the pair are numpy's
    with fst24.open(b) as f:
        b_values = f.find_one(nomvar="TT", ip1=41394464, ip2=6).read()
    doc = diff_json(fixture, b, "--where", target, status=1)
    (pair,) = doc["pairs"]
    x, y = a_values.astype(np.float64).ravel(), b_values.astype(np.float64).ravel()
    d = y - x
    assert pair["status"] == "different" and pair["count"] == x.size
    assert pair["diff_count"] == int((d != 0).sum()) and pair["max_abs"] == np.abs(d).max()
    assert math.isclose(pair["mean_abs"], np.abs(d).mean(), rel_tol=1e-12)
    assert math.isclose(pair["bias"], d.mean(), rel_tol=1e-9, abs_tol=1e-15)
    assert math.isclose(pair["rmse"], math.sqrt((d * d).mean()), rel_tol=1e-12)
    assert math.isclose(pair["corr"], np.corrcoef(x, y)[0, 1], rel_tol=1e-12)
    rel = np.abs(d) / np.maximum(np.abs(x), np.abs(y))
    assert math.isclose(pair["max_rel"], rel.max(), rel_tol=1e-12)
    # --where can leave the difference out; a tolerance can accept it
    assert diff_json(fixture, b, "--where", "nomvar=GZ", status=0)["summary"]["equal"] == 9
    doc = diff_json(fixture, b, "--where", target, "--tolerance", "3.01", status=0)
    assert doc["pairs"][0]["status"] == "close" and doc["same"] is True
    run("diff", fixture, b, "--where", target, "--tolerance", "2.9", check=1)


def test_header_changes(fixture: Path, tmp_path: Path) -> None:
    # deet changes but datev stays (npas 0): same identity, header differs
    b = tmp_path / "deet.fst"
    run("select", fixture, "-o", b, "--exclude", "nomvar=UU,ip2=0", check=0)
    run("select", fixture, "-o", b, "--append", "--where", "nomvar=UU,ip2=0", "--zap", "deet=600", check=0)
    proc = run("diff", "-q", fixture, b, check=1)
    lines = [l for l in proc.stdout.splitlines() if "DIFFERENT" in l and "UU" in l]
    assert len(lines) == 1 and "(deet 300 != 600)" in lines[0]
    assert "29 equal" in proc.stdout and len([l for l in proc.stdout.splitlines() if "equal" in l.split()]) == 0
    # an identity change (etiket) leaves one record on each side
    c = tmp_path / "etiket.fst"
    run("select", fixture, "-o", c, "--zap", "etiket=OTHER", "--where", "nomvar=HU,ip2=12h", check=0)
    run("select", fixture, "-o", c, "--append", "--exclude", "nomvar=HU,ip2=12h", check=0)
    proc = run("diff", fixture, c, check=1)
    assert "29 pairs: 29 equal" in proc.stdout and "1 only in A, 1 only in B" in proc.stdout
    only = [l for l in proc.stdout.splitlines() if l.startswith("only in")]
    assert only[0].startswith("only in A: HU typvar=P etiket=FIXTURE ")
    assert only[1].startswith("only in B: HU typvar=P etiket=OTHER ") and "datev=2024-01-16T00:00:00Z" in only[1]
    doc = diff_json(fixture, c, status=1)
    assert [r["etiket"] for r in doc["only_a"]] == ["FIXTURE"] and [r["etiket"] for r in doc["only_b"]] == ["OTHER"]
    assert doc["summary"] == {"pairs": 29, "equal": 29, "close": 0, "different": 0, "errors": 0, "only_a": 1,
                              "only_b": 1}


def test_tolerances_and_packing_error(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    x = np.asfortranarray(rng.normal(250, 20, (64, 48)).astype(np.float32))
    a, b, r12 = tmp_path / "a.fst", tmp_path / "b.fst", tmp_path / "r12.fst"
    with fst24.open(a, "w") as f:
        f.write(fst24.Record(data=x, nomvar="TT", ip2=1))
    y = x.copy()
    y[5, 5] += np.float32(0.5)
    with fst24.open(b, "w") as f:
        f.write(fst24.Record(data=y, nomvar="TT", ip2=1))
    run("diff", a, b, check=1)
    assert diff_json(a, b, "--tolerance", "0.5", status=0)["pairs"][0]["status"] == "close"
    run("diff", a, b, "--rtol", "0.0019", check=0)   # 0.5 / ~260
    run("diff", a, b, "--rtol", "0.0015", check=1)
    # the same field stored with 12-bit quantisation: within packing error only
    with fst24.open(r12, "w") as f:
        f.write(fst24.Record(data=x, nomvar="TT", ip2=1, data_type=1, pack_bits=12))
    doc = diff_json(a, r12, status=1)
    assert doc["pairs"][0]["within_packerr"] is None and doc["pairs"][0]["status"] == "different"
    assert "data_type 5 != 1" in doc["pairs"][0]["notes"]
    doc = diff_json(a, r12, "--packerr", status=0)
    assert doc["pairs"][0]["within_packerr"] is True and doc["pairs"][0]["status"] == "close"
    # a change of several quantisation steps is not
    z = x.copy()
    z[7, 9] += np.float32(np.ptp(x) / 2**12 * 8)
    bad = tmp_path / "bad12.fst"
    with fst24.open(bad, "w") as f:
        f.write(fst24.Record(data=z, nomvar="TT", ip2=1, data_type=1, pack_bits=12))
    doc = diff_json(a, bad, "--packerr", status=1)
    assert doc["pairs"][0]["within_packerr"] is False and doc["pairs"][0]["exceed_count"] == 1
    assert diff_json(a, bad, "--packerr=10", status=0)["pairs"][0]["within_packerr"] is True
    text = run("diff", "--packerr", a, r12, check=0).stdout
    assert "PACKERR" in text and " yes  close" in text


def test_missing_points_must_match(fixture: Path, tmp_path: Path) -> None:
    b = tmp_path / "pr.fst"
    with fst24.open(fixture) as f, fst24.open(b, "w") as out:
        for rec in f.find(nomvar="PR"):
            new = rec.copy()
            values = rec.read()
            if rec.ip2 == 12:
                values = values.copy()
                values[4, 3] = 1.5  # one missing point becomes a value
            new.data = values
            out.write(new)
    doc = diff_json(fixture, b, "--where", "nomvar=PR", status=1)
    mism = [p["missing_mismatch"] for p in doc["pairs"]]
    assert mism == [0, 0, 1] and [p["status"] for p in doc["pairs"]][2] == "different"


def test_errors(fixture: Path, tmp_path: Path) -> None:
    proc = run("diff", fixture, tmp_path / "missing.fst", check=2)
    assert str(tmp_path / "missing.fst") in proc.stderr and proc.stderr.count("\n") == 1
    proc = run("diff", fixture, check=2)
    assert "two files" in proc.stderr
    run("diff", "--tolerance", "-1", fixture, fixture, check=2)
    run("diff", "--format", "csv", fixture, fixture, check=2)


def test_corpus_backends_are_equal() -> None:
    a, b = CORPUS / "ref" / "model.xdf.fst", CORPUS / "ref" / "model.rsf.fst"
    if not a.exists() or not b.exists():
        pytest.skip("corpus model files are absent")
    doc = diff_json(a, b, status=0)
    assert doc["summary"]["equal"] == 508 and doc["same"] is True
