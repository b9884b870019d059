"""The `fst24` command line: ls, info, dump filters, exit codes and error messages."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import ref_file
from test_corpus import cli

MODEL = ref_file("model.xdf.fst")
TYPES = ref_file("types.xdf.fst")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([cli(), *args], capture_output=True, text=True, timeout=300)


def test_ls_summary_style_lists_every_record_with_librmn_summary_columns() -> None:
    proc = run("ls", "--style", "summary", str(MODEL))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    header = [l for l in lines if "NOMV" in l]
    assert header and header[0].split() == ["NOMV", "TV", "ETIQUETTE", "NI", "NJ", "NK", "DATE-O",
                                            "IP1", "IP2", "IP3", "DTYP", "SIZ"]
    expected = [json.loads(l) for l in (MODEL.parent / (MODEL.name + ".jsonl")).read_text().splitlines()]
    records = [l for l in lines if l.strip()[:1].isdigit() and "-" in l.split()[0]]
    assert len(records) == expected[0]["num_records"]
    # first data line: `   0- >>   X  GEMGRID ... E 32  32`
    first = records[0].split()
    rec0 = expected[1]
    assert first[1] == rec0["nomvar"].strip() and first[3] == rec0["etiket"].strip()
    assert int(first[4]) == rec0["ni"] and int(first[7]) == rec0["dateo"]
    assert lines[-1].startswith(f"{expected[0]['num_records']} records in RPN standard file(s).")
    # a header line every 70 records
    assert len(header) == (len(records) + 69) // 70


def test_ls_where_filters_with_search_rules() -> None:
    proc = run("ls", "--where", "nomvar=tt,ip2=24", str(MODEL))
    assert proc.returncode == 0, proc.stderr
    expected = [json.loads(l) for l in (MODEL.parent / (MODEL.name + ".jsonl")).read_text().splitlines()[1:]]
    want = [r for r in expected if r["nomvar"] == "TT  " and r["ip2"] == 24]
    assert want
    assert f"{len(want)} records in RPN standard file(s)." in proc.stdout


def test_dump_where_matches_a_filtered_reference() -> None:
    proc = run("dump", "--jsonl", "--where", "nomvar=UU,ip2=6", str(MODEL))
    assert proc.returncode == 0, proc.stderr
    got = [json.loads(l) for l in proc.stdout.splitlines()][1:]
    ref = [json.loads(l) for l in (MODEL.parent / (MODEL.name + ".jsonl")).read_text().splitlines()[1:]]
    want = [r for r in ref if r["nomvar"] == "UU  " and r["ip2"] == 6]
    assert [g["key"] for g in got] == [w["key"] for w in want]
    assert [g["hash"] for g in got] == [w["hash"] for w in want]


def test_info_reports_backend_counts_and_validity() -> None:
    proc = run("info", str(TYPES))
    assert proc.returncode == 0, proc.stderr
    ref = json.loads((TYPES.parent / (TYPES.name + ".jsonl")).read_text().splitlines()[0])
    assert "backend: XDF" in proc.stdout
    assert f"records: {ref['num_records']}" in proc.stdout
    assert "deleted: 1" in proc.stdout  # types.xdf.fst has one deleted record
    assert f"size: {TYPES.stat().st_size} bytes" in proc.stdout
    assert "valid: yes" in proc.stdout


@pytest.mark.parametrize("args,code,needle", [
    (["ls", "/nonexistent/x.fst"], 1, "/nonexistent/x.fst"),
    (["dump", "--jsonl"], 2, "usage"),
    (["frobnicate"], 2, "unknown command"),
    (["ls", "--where", "bogus=1", str(MODEL)], 2, "unknown field"),
    (["ls", "--where", "ip1=abc", str(MODEL)], 2, "not an integer"),
])
def test_errors_are_one_line_and_nonzero(args: list[str], code: int, needle: str) -> None:
    proc = run(*args)
    assert proc.returncode == code
    assert needle in proc.stderr
    assert proc.stdout == "" or args[0] != "dump"


def test_not_an_fst_file(tmp_path: Path) -> None:
    p = tmp_path / "notes.txt"
    p.write_text("hello, this is not a standard file at all\n" * 10)
    proc = run("dump", "--jsonl", str(p))
    assert proc.returncode == 1
    assert str(p) in proc.stderr and "not an FST file" in proc.stderr
    empty = tmp_path / "empty.fst"
    empty.write_bytes(b"")
    proc = run("info", str(empty))
    assert proc.returncode == 1 and "empty" in proc.stderr and proc.stdout == ""


def test_version() -> None:
    proc = run("version")
    assert proc.returncode == 0 and proc.stdout.startswith("fst24 ")
