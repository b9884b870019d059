"""`fst24 ls`: voir-like default columns, --style, --format json/csv, and --where with dates,
levels with units, ranges and lists (checked against the headers the fixture wrote)."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

import fst24
from cli_util import ORIGIN, make_fixture, run


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    path = tmp_path_factory.mktemp("ls") / "fixture.fst"
    return path, make_fixture(path)


def records_of(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines() if line.strip()[:1].isdigit() and "-" in line.split()[0]]


def test_default_columns_are_voirs(fixture: tuple[Path, list[dict[str, Any]]]) -> None:
    path, written = fixture
    out = run("ls", path, check=0).stdout
    header = [line for line in out.splitlines() if "NOMV" in line]
    assert header[0].split() == ["NOMV", "TV", "ETIQUETTE", "NI", "NJ", "NK", "(DATE-O", "h", "m", "s)", "IP1",
                                 "IP2", "IP3", "DEET", "NPAS", "DTY", "G", "IG1", "IG2", "IG3", "IG4"]
    rows = records_of(out)
    assert len(rows) == len(written)
    # "  0- TT   P  FIXTURE  40  30  1 20240115 120000  39945888  0  0  300  0 R 16 X  0  0  0  0"
    first = rows[0]
    assert first[1:4] == ["TT", "P", "FIXTURE"] and first[4:7] == ["40", "30", "1"]
    assert first[7:9] == [ORIGIN.strftime("%Y%m%d"), ORIGIN.strftime("%H%M%S")]
    assert int(first[9]) == written[0]["ip1"] and first[12:14] == ["300", "0"]
    assert first[14:16] == ["R", "16"] and first[16] == "X"
    pr = next(r for r in rows if r[1] == "PR")
    assert pr[14] == "Rm16"  # missing values flagged
    with fst24.open(path) as f:
        total = sum(r.total_stored_bytes for r in f)
    assert out.splitlines()[-1] == (f"{len(written)} records in RPN standard file(s). Total data size {total} "
                                    f"bytes ({total / 1048576:.1f} MB).")


def test_styles(fixture: tuple[Path, list[dict[str, Any]]]) -> None:
    path, written = fixture
    out = run("ls", "--style", "levels", "--where", "nomvar=TT", path, check=0).stdout
    assert "(DATE-V  h m s)" in out and "LEVEL" in out
    rows = records_of(out)
    assert [r[9:11] for r in rows[:3]] == [["1000", "mb"], ["850", "mb"], ["500", "mb"]]
    assert rows[3][7:9] == ["20240115", "180000"]  # valid time of the 6 h forecast
    out = run("ls", "--style", "nomvar,ip2:4,level", path, check=0).stdout
    header = [line for line in out.splitlines() if "NOMV" in line][0]
    assert header.split() == ["NOMV", "IP2", "LEVEL"] and "  IP2 " in header
    assert run("ls", "--decode", path, check=0).stdout == run("ls", "--style", "decode", path, check=0).stdout
    proc = run("ls", "--style", "nomvar,bogus", path)
    assert proc.returncode == 2 and 'unknown column "bogus"' in proc.stderr


def test_json_and_csv(fixture: tuple[Path, list[dict[str, Any]]]) -> None:
    path, written = fixture
    rows = json.loads(run("ls", "--format", "json", "--style", "all", path, check=0).stdout)
    assert len(rows) == len(written)
    for got, want in zip(rows, written):
        assert got["file"] == str(path)
        for k in ("nomvar", "typvar", "etiket", "ip1", "ip2", "ip3", "deet", "npas"):
            assert got[k] == want[k], k
        assert got["stampv"] == want["datev"] and got["datyp"] == want["data_type"]
        assert got["dateo"] == ORIGIN.strftime("%Y-%m-%dT%H:%M:%SZ")
        expect_v = fst24.stamp_to_datetime(want["datev"])
        assert got["datev"] == str(expect_v)[:19] + "Z"
    text = run("ls", "--format", "csv", "--style", "nomvar,ip1,level,datev", "--where", "nomvar=UU", path,
               check=0).stdout
    table = list(csv.DictReader(io.StringIO(text)))
    assert [list(r) for r in table[:1]] == [["file", "nomvar", "ip1", "level", "datev"]]
    assert [r["level"] for r in table] == ["0.995 sg"] * 3
    assert [r["datev"] for r in table] == ["2024-01-15T12:00:00Z", "2024-01-15T18:00:00Z", "2024-01-16T00:00:00Z"]
    assert json.loads(run("ls", "--format", "json", "--where", "nomvar=XX", path, check=0).stdout) == []


def selected(path: Path, *where: str) -> list[tuple[str, int, int]]:
    args: list[str] = []
    for w in where:
        args += ["--where", w]
    rows = json.loads(run("ls", "--format", "json", "--style", "nomvar,ip1,ip2", *args, path, check=0).stdout)
    return [(r["nomvar"], r["ip1"], r["ip2"]) for r in rows]


def expect(written: list[dict[str, Any]], pred: Any) -> list[tuple[str, int, int]]:
    return [(w["nomvar"], w["ip1"], w["ip2"]) for w in written if pred(w)]


def level(w: dict[str, Any]) -> tuple[float, int]:
    v, k = fst24.decode_ip([w["ip1"]])
    return float(v[0]), int(k[0])


@pytest.mark.parametrize("spec,pred", [
    ("nomvar=TT,HU", lambda w: w["nomvar"] in ("TT", "HU")),
    ("nomvar=tt", lambda w: w["nomvar"] == "TT"),
    ("etiket=FIX*,nomvar=MK", lambda w: w["nomvar"] == "MK"),
    # levels with units match new-style TT and old-style GZ codes alike
    ("ip1=500mb", lambda w: level(w) == (500.0, 2) and w["nomvar"] in ("TT", "GZ")),
    ("ip1=850mb,1000 hPa", lambda w: level(w)[1] == 2 and level(w)[0] in (850.0, 1000.0) and w["ip1"] != 0),
    ("ip1=850mb..500mb", lambda w: level(w)[1] == 2 and 500 <= level(w)[0] <= 850 and w["ip1"] != 0),
    ("ip1=0.995sg", lambda w: w["nomvar"] == "UU"),
    ("ip1=500", lambda w: w["ip1"] == 500),
    ("ip1=0", lambda w: w["ip1"] == 0),
    # times: plain codes, hours (old-style ip2 is hours, HU's are new-style codes)
    ("ip2=6", lambda w: w["ip2"] == 6),
    ("ip2=0..6", lambda w: 0 <= w["ip2"] <= 6),
    ("ip2=6h..12h", lambda w: w["npas"] >= 72),
    ("ip2=12h,nomvar=HU,TT", lambda w: w["npas"] == 144 and w["nomvar"] in ("HU", "TT")),
    # dates
    ("datev=2024-01-15T18:00", lambda w: w["npas"] == 72),
    ("datev=2024-01-15T18:00:00Z..", lambda w: w["npas"] >= 72),
    ("datev=..2024-01-15T18:00,nomvar=PR", lambda w: w["npas"] <= 72 and w["nomvar"] == "PR"),
    ("dateo=2024-01-15T12:00", lambda w: True),
    ("dateo=2024-01-15T13:00", lambda w: False),
    # integers
    ("npas=72..", lambda w: w["npas"] >= 72),
    ("datyp=134", lambda w: w["data_type"] == 134),
    ("nbits=8,ni=40", lambda w: w["pack_bits"] == 8),
])
def test_where(fixture: tuple[Path, list[dict[str, Any]]], spec: str, pred: Any) -> None:
    path, written = fixture
    want = expect(written, pred)
    assert selected(path, spec) == want


def test_where_union_and_exclude(fixture: tuple[Path, list[dict[str, Any]]]) -> None:
    path, written = fixture
    # several --where: records matching any; --exclude drops
    got = selected(path, "nomvar=TT,ip1=500mb", "nomvar=UU")
    assert got == expect(written, lambda w: w["nomvar"] == "UU" or (w["nomvar"] == "TT" and level(w) == (500, 2)))
    rows = json.loads(run("ls", "--format", "json", "--style", "nomvar", "--exclude", "nomvar=TT,GZ",
                          "--exclude", "ip2=12h", path, check=0).stdout)
    assert len(rows) == len(written) - 18 - 4 and not {"TT", "GZ"} & {r["nomvar"] for r in rows}


@pytest.mark.parametrize("spec,needle", [
    ("bogus=1", 'unknown field "bogus"'),
    ("ip1=500xx", "ip1=500xx"),
    ("ip1=abc", "not an integer"),
    ("ip2=24..0", "empty range"),
    ("datev=2024-02-30", "not a date"),
    ("nomvar=TOOLONG", "longer than 4"),
])
def test_where_errors(fixture: tuple[Path, list[dict[str, Any]]], spec: str, needle: str) -> None:
    proc = run("ls", "--where", spec, fixture[0])
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and needle in proc.stderr and "--where" in proc.stderr


def test_errors_name_the_file(tmp_path: Path, fixture: tuple[Path, list[dict[str, Any]]]) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not a standard file\n" * 20)
    proc = run("ls", fixture[0], bad)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and str(bad) in proc.stderr
    assert len(records_of(proc.stdout)) == 30  # the good file is still listed
    for cmd in ("info", "check", "stat", "dump", "grid"):
        proc = run(cmd, bad)
        assert proc.returncode == 1 and str(bad) in proc.stderr, cmd
        assert str(bad) not in proc.stdout, cmd


def test_damaged_inputs_are_reported(fixture: tuple[Path, list[dict[str, Any]]], tmp_path: Path) -> None:
    """A file the library opens only in part (here an RSF file cut inside its only segment) is
    announced on stderr by every command that reads it, and none of them exits 0."""
    rsf = tmp_path / "whole.rsf"
    run("convert", "--backend", "rsf", fixture[0], rsf, check=0)
    cut = tmp_path / "cut.rsf"
    data = rsf.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])
    with fst24.open(cut) as f:
        assert f.info()["recovered"]
    for args, status in ((["ls", cut], 1), (["dump", cut], 1), (["stat", cut], 1), (["grid", cut], 1),
                         (["diff", cut, rsf], 2), (["diff", rsf, cut], 2),
                         (["convert", "--backend", "xdf", cut, tmp_path / "c.fst"], 1),
                         (["select", cut, "-o", tmp_path / "s.fst"], 1)):
        proc = run(*args, check=status)
        assert f"{cut}: damaged file" in proc.stderr, args
    # info and check report damage as their job
    assert "valid: recovered" in run("info", cut, check=0).stdout
    run("check", cut, check=1)
