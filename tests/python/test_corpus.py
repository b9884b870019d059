"""`fst24 dump --jsonl` must agree with librmn's own dump of every corpus file.

Every record of every `.jsonl`-documented file in ../shared/corpus (ref/ and
real/) is compared field by field: header fields, positions, decoded IPs and
dates, and the data statistics/hashes. Real files without a dump must be read
without error, except the damaged ones listed in real/DAMAGED.md, which must be
refused with a message naming the file (or recovered, with a warning).
"""
from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CORPUS, HAVE_CORPUS, requires_corpus

ROOT = Path(__file__).resolve().parents[2]
pytestmark = requires_corpus


def cli() -> str:
    exe = os.environ.get("FST24_CLI") or shutil.which("fst24")
    if not exe:
        built = ROOT / "build" / "fst24"
        if built.exists():
            exe = str(built)
    assert exe, "the fst24 command is not installed (pip install .) and FST24_CLI is not set"
    return exe


DAMAGED = {
    "ECCC-ASTD-MRD_fst-tools__zzzz",
    "ECCC-ASTD-MRD_fst-tools__anal_temp",
    "ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_1001_just_p0",
    "ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_5002_from_model_run__2271cc02",
}
# 1989 random format: librmn reads its records but reports a record count of 0.
LEGACY_1989 = {"ECCC-ASTD-MRD_SPI__eer_SPI_Data_climato.fstd"}

def documented_files() -> list[Path]:
    files = []
    for sub in ("ref", "real"):
        for dump in sorted((CORPUS / sub).glob("*.jsonl")):
            fst = dump.with_suffix("")
            # Files librmn refuses ("error" in the dump) are covered by test_damaged_and_legacy.
            if fst.exists() and "error" not in json.loads(dump.read_text().splitlines()[0]):
                files.append(fst)
    return files


HEADER_FIELDS = [
    "nomvar", "typvar", "etiket", "grtyp", "ip1", "ip2", "ip3", "ni", "nj", "nk", "dateo",
    "datev", "deet", "npas", "datyp", "data_type", "data_bits", "pack_bits", "nbits", "ig1",
    "ig2", "ig3", "ig4", "key", "file_index", "file_offset", "total_stored_bytes",
    "num_meta_bytes", "fst_version", "num_search_keys", "extended_meta_size",
]
DECODED_FIELDS = ["ip1_dec", "ip2_dec", "ip3_dec", "decodeip", "dateo_printable", "datev_printable"]
DATA_FIELDS = [
    "elem_type", "elem_bits", "count", "min", "max", "mean", "nan_count", "missing_count",
    "first8", "hash", "hash_f64", "text",
]


def load_jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return a == b or (math.isnan(a) and math.isnan(b))
        return False
    return a == b


def run_dump(path: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([cli(), "dump", "--jsonl", *extra, str(path)], capture_output=True,
                          text=True, cwd=path.parent, timeout=600)


def compare_dump(path: Path, fields: list[str], nodata: bool = False) -> list[str]:
    expected = load_jsonl((path.parent / (path.name + ".jsonl")).read_text())
    proc = run_dump(path, *(["--nodata"] if nodata else []))
    got = load_jsonl(proc.stdout)
    problems = []
    assert proc.returncode == 0, f"{path.name}: exit {proc.returncode}: {proc.stderr[:2000]}"
    assert got[0]["backend"] == expected[0]["backend"]
    if path.name in LEGACY_1989:
        assert expected[0]["num_records"] == 0  # librmn's count quirk: fst24 gives the true count
        assert got[0]["num_records"] == len(expected) - 1
    else:
        assert got[0]["num_records"] == expected[0]["num_records"]
    assert len(got) == len(expected), f"{path.name}: {len(got) - 1} records, librmn {len(expected) - 1}"
    for e, g in zip(expected[1:], got[1:]):
        for k in fields:
            if k not in e and k not in g:
                continue
            if k not in g or not same(e.get(k), g.get(k)):
                problems.append(f"record {e['seq']} {e['nomvar']!r} datyp {e['datyp']}: {k}: "
                                f"librmn {e.get(k)!r} fst24 {g.get(k)!r}")
        if "ext_meta" in e:
            if "ext_meta" not in g or json.loads(e["ext_meta"]) != json.loads(g["ext_meta"]):
                problems.append(f"record {e['seq']}: ext_meta differs: {g.get('ext_meta')!r}")
    return problems


FILES = documented_files()


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_headers_agree_with_librmn(path: Path) -> None:
    problems = compare_dump(path, HEADER_FIELDS + DECODED_FIELDS, nodata=True)
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_data_agree_with_librmn(path: Path) -> None:
    problems = compare_dump(path, DATA_FIELDS)
    assert not problems, "\n".join(problems[:40])


UNDOCUMENTED = [] if not HAVE_CORPUS else sorted(p for p in (CORPUS / "real").iterdir()
                      if p.is_file() and p.suffix not in (".jsonl", ".md", ".tsv")
                      and not (p.parent / (p.name + ".jsonl")).exists())


@pytest.mark.parametrize("path", UNDOCUMENTED, ids=[p.name for p in UNDOCUMENTED])
def test_real_files_without_dump_are_read(path: Path) -> None:
    proc = run_dump(path)
    if path.name in DAMAGED:
        if proc.returncode != 0:
            assert path.name in proc.stderr and len(proc.stderr.strip().splitlines()) >= 1
        return
    assert proc.returncode == 0, f"{path.name}: {proc.stderr[:2000]}"
    lines = load_jsonl(proc.stdout)
    assert lines[0]["num_records"] == len(lines) - 1 > 0


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_damaged_and_legacy(name: str) -> None:
    path = CORPUS / "real" / name
    if not path.exists():
        pytest.skip(f"{name} is not in this corpus")
    proc = run_dump(path)
    if proc.returncode != 0:
        # Refused: one clear line naming the file and the problem.
        msg = proc.stderr.strip()
        assert name in msg, msg
        assert any(w in msg for w in ("truncated", "size", "1989", "header", "damaged", "sequential")), msg
    else:
        info = subprocess.run([cli(), "info", str(path)], capture_output=True, text=True)
        assert "recovered" in info.stdout, info.stdout
