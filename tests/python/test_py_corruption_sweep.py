"""Corruption sweep: every file is truncated at ~30 points and has a byte
flipped at ~100 points (deterministic seeds); each damaged copy is opened,
listed and read through the Python API, and a subsample through the `fst24`
command line. Each operation must either succeed with correct data, or fail
with an fst24.Error / a non-zero exit and one stderr line per problem, or say
the file was recovered; never crash or hang.

"Correct data": a record whose stored bytes the damage did not touch, whose
header equals that of the undamaged file's record at the same offset, must
decode to the same values (a truncation never changes bytes, so every record
read from a truncated copy is checked). A flipped payload byte cannot be
detected (FST payloads carry no checksum), so records containing the damage
are only required not to crash.

Runs on files written here and on the fixtures of tests/data (always), and on
every corpus file (skipped when the corpus is absent). A watchdog aborts the run with a traceback on a hang.
"""
from __future__ import annotations

import faulthandler
import hashlib
import os
import random
import subprocess
import warnings
from pathlib import Path
from typing import Any, Iterator, Optional

import numpy as np
import pytest

import fst24
from conftest import CORPUS, DATA
from test_py_reliability import cli

TRUNCATIONS = 30
FLIPS = 100
CLI_STATES = 2      # damaged copies per file and kind of damage that also go through the CLI
READ_ALL_BELOW = 256 << 10  # smaller files: every record is decoded for every damaged copy
HEADER = ("nomvar", "typvar", "etiket", "grtyp", "ip1", "ip2", "ip3", "ni", "nj", "nk", "datev", "deet",
          "npas", "data_type", "data_bits", "pack_bits", "ig1", "ig2", "ig3", "ig4", "total_stored_bytes")

Baseline = dict[int, tuple[tuple[Any, ...], bytes]]


def corpus_files() -> list[Path]:
    out: list[Path] = []
    for sub in ("ref", "real"):
        d = CORPUS / sub
        if d.is_dir():
            out += sorted(p for p in d.iterdir()
                          if p.is_file() and p.suffix not in (".jsonl", ".md", ".tsv", ".txt"))
    return out


@pytest.fixture(autouse=True)
def watchdog() -> Iterator[None]:
    """A hang (a loop in C that never returns) kills the run with tracebacks."""
    faulthandler.dump_traceback_later(300, exit=True)
    limit = fst24.get_memory_limit()
    fst24.set_memory_limit(512 << 20)  # an absurd header must fail, not exhaust memory
    yield
    fst24.set_memory_limit(limit)
    faulthandler.cancel_dump_traceback_later()


def digest(a: np.ndarray) -> bytes:
    return hashlib.blake2b(np.ascontiguousarray(a).view(np.uint8).reshape(-1).tobytes(), digest_size=16).digest()


def key_of(rec: fst24.Record) -> tuple[Any, ...]:
    return tuple(getattr(rec, k) for k in HEADER)


def baseline(path: Path) -> Optional[Baseline]:
    """offset -> (header, data digest) of every record of the undamaged file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with fst24.open(path) as f:
                out: Baseline = {}
                for rec in f:
                    try:
                        out[rec.file_offset] = (key_of(rec), digest(rec.data))
                    except fst24.Error:
                        pass
                return out
    except fst24.Error:
        return None


def exercise(path: Path, base: Optional[Baseline], damage: tuple[int, int], rng: random.Random) -> str:
    """Open, list and read the damaged copy; check every outcome. Returns it."""
    lo, hi = damage
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            f = fst24.open(path)
        except fst24.Error as e:
            assert str(e) and "\n" not in str(e), repr(e)
            return "refused"
    with f:
        info = f.info()
        if info["recovered"]:
            assert info["warning"], "recovered without saying what"
            assert any(issubclass(w.category, fst24.DamagedFileWarning) for w in caught)
        try:
            recs = list(f)
        except fst24.Error as e:
            assert str(e)
            return "refused at listing"
        assert len(recs) == len(f)
        small = path.stat().st_size < READ_ALL_BELOW
        touched = [r for r in recs if r.file_offset < hi and lo < r.file_offset + r.total_stored_bytes]
        chosen = recs if small else touched + rng.sample(recs, min(1, len(recs)))
        for rec in chosen:
            try:
                data = rec.data
            except fst24.Error as e:
                assert str(e)
                continue
            untouched = not (rec.file_offset < hi and lo < rec.file_offset + rec.total_stored_bytes)
            if base is not None and untouched and rec.file_offset in base:
                header, want = base[rec.file_offset]
                if header == key_of(rec):
                    assert digest(data) == want, (f"{path.name}: record {rec.nomvar} at {rec.file_offset} "
                                                  f"reads different values after damage at {lo}..{hi}")
        return "recovered" if info["recovered"] else "read"


def run_cli(path: Path) -> None:
    """ls, dump and info of a damaged copy: no crash, no hang, clean messages."""
    dump = ["dump", "--jsonl"] + (["--nodata"] if path.stat().st_size > (1 << 20) else [])
    for args in (["ls"], dump, ["info"]):
        proc = subprocess.run([cli(), *args, str(path)], capture_output=True, text=True, timeout=60)
        assert proc.returncode in (0, 1), f"fst24 {args[0]}: exit {proc.returncode} (crash?) {proc.stderr[-400:]}"
        for line in proc.stderr.splitlines():
            assert line.startswith("fst24: "), f"fst24 {args[0]}: stray stderr line {line!r}"
        if proc.returncode and args[0] != "info":
            assert proc.stderr.strip(), f"fst24 {args[0]} failed silently"
        if args[0] == "info" and "valid: yes" in proc.stdout:
            assert proc.returncode == 0


def sweep(src: Path, work: Path, seed: str) -> dict[str, int]:
    """Truncate and flip a copy of `src` at deterministic points; exercise each."""
    original = src.read_bytes()
    n = len(original)
    if n < 2:
        return {}
    base = baseline(src)
    rng = random.Random(seed)
    outcomes: dict[str, int] = {}
    # Truncation points: structure boundaries of both containers, then random.
    points = {p for p in (1, 100, 140, 200, 208, 212, 18672, 18880, n // 2, n - 1, n - 8) if 0 < p < n}
    while len(points) < min(TRUNCATIONS, n - 1):
        points.add(rng.randrange(1, n))
    cli_cuts = set(rng.sample(sorted(points), min(CLI_STATES, len(points))))
    work.write_bytes(original)
    for p in sorted(points, reverse=True):  # each cut shortens the same copy
        os.truncate(work, p)
        o = exercise(work, base, (p, n), rng)
        outcomes[o] = outcomes.get(o, 0) + 1
        if p in cli_cuts:
            run_cli(work)
    # Flips: half in the first and last 32 KiB (headers, directories), half anywhere.
    work.write_bytes(original)
    edge = min(32768, n)
    spots = [rng.randrange(edge) if i % 4 == 0 else n - 1 - rng.randrange(edge) if i % 4 == 1
             else rng.randrange(n) for i in range(FLIPS)]
    cli_flips = set(rng.sample(range(FLIPS), CLI_STATES))
    fd = os.open(work, os.O_WRONLY)
    try:
        for i, pos in enumerate(spots):
            byte = original[pos] ^ (1 << rng.randrange(8))
            os.pwrite(fd, bytes([byte]), pos)
            o = exercise(work, base, (pos, pos + 1), rng)
            outcomes[o] = outcomes.get(o, 0) + 1
            if i in cli_flips:
                run_cli(work)
            os.pwrite(fd, original[pos:pos + 1], pos)
    finally:
        os.close(fd)
    return outcomes


def write_sample(path: Path, backend: str) -> None:
    """A small file with several encodings, three sessions, a deleted record and
    (RSF) JSON metadata; XDF gets two directory pages."""
    rng = np.random.default_rng(7)
    for session in range(3):
        with fst24.open(path, "w" if session == 0 else "a", backend=backend) as f:
            for i in range(100 if backend == "xdf" else 20):
                v = rng.standard_normal((5, 4)).astype(np.float32)
                kind = i % 4
                if kind == 0:
                    rec = fst24.Record(data=v, nomvar="TT", ip1=i, ip2=session)
                elif kind == 1:
                    rec = fst24.Record(data=v, nomvar="PK", ip1=i, ip2=session, data_type=1, pack_bits=16)
                elif kind == 2:
                    rec = fst24.Record(data=(v * 100).astype(np.int32), nomvar="II", ip1=i, ip2=session)
                else:
                    rec = fst24.Record(data=v, nomvar="CP", ip1=i, ip2=session, data_type=133, pack_bits=32,
                                       ext_meta={"i": i} if backend == "rsf" else None)
                f.write(rec)
            if session == 1:
                f.delete(f[3])


@pytest.mark.parametrize("backend", ["xdf", "rsf"])
def test_sweep_on_files_written_here(backend: str, tmp_path: Path) -> None:
    src = tmp_path / f"sample.{backend}"
    write_sample(src, backend)
    outcomes = sweep(src, tmp_path / "work.fst", backend)
    assert sum(outcomes.values()) >= TRUNCATIONS + FLIPS - 5
    assert outcomes.get("read", 0) + outcomes.get("recovered", 0) > 0, outcomes


FIXTURES = sorted(DATA.glob("*.fst"))


@pytest.mark.skipif(not FIXTURES, reason=f"no fixtures in {DATA}")
def test_sweep_on_the_fixtures(tmp_path: Path) -> None:
    """The files of tests/data (written by fst24: every datyp, grids, sessions, JSON metadata)."""
    totals: dict[str, int] = {}
    for src in FIXTURES:
        for k, v in sweep(src, tmp_path / f"work_{src.name}", src.name).items():
            totals[k] = totals.get(k, 0) + v
    assert sum(totals.values()) >= len(FIXTURES) * (TRUNCATIONS + FLIPS) * 0.9, totals


CORPUS_FILES = corpus_files()


@pytest.mark.skipif(not CORPUS_FILES, reason=f"corpus not found at {CORPUS}")
def test_sweep_on_every_corpus_file(tmp_path: Path) -> None:
    totals: dict[str, int] = {}
    for src in CORPUS_FILES:
        work = tmp_path / f"work_{src.name}"
        for k, v in sweep(src, work, src.name).items():
            totals[k] = totals.get(k, 0) + v
        work.unlink()
    print(f"corruption sweep over {len(CORPUS_FILES)} corpus files: {totals}")
    assert sum(totals.values()) >= len(CORPUS_FILES) * (TRUNCATIONS + FLIPS) * 0.9
