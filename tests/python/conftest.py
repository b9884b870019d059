"""Shared fixtures for the Python tests: corpus location, scratch files, test data."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

CORPUS = Path(os.environ.get("FST24_CORPUS", Path(__file__).resolve().parents[2].parent / "shared" / "corpus"))

# ---- the shared corpus is optional ------------------------------------------------------------
# Tests that need it use `@requires_corpus` (or `pytestmark = requires_corpus`) or
# `corpus_file(...)`; without it they are skipped with this reason. The fixtures of tests/data
# (written by fst24 itself, tests/data/make_fixtures.py) are always there.
HAVE_CORPUS = (CORPUS / "ref").is_dir()
NO_CORPUS = f"shared corpus not found at {CORPUS} (set FST24_CORPUS to run the corpus tests)"
requires_corpus = pytest.mark.skipif(not HAVE_CORPUS, reason=NO_CORPUS)
DATA = Path(__file__).resolve().parents[1] / "data"


def corpus_file(rel: str) -> Path:
    """Path of a corpus file; skips the calling test when the corpus is absent."""
    path = CORPUS / rel
    if not path.exists():
        pytest.skip(NO_CORPUS if not HAVE_CORPUS else f"{rel} is not in the corpus at {CORPUS}")
    return path


def ref_file(name: str) -> Path:
    """``ref/NAME`` of the corpus (written by librmn, with librmn's dump) when the corpus is
    present, else the file of the same name in tests/data (written by fst24, with fst24's
    dump): API and CLI tests then run either way."""
    path = CORPUS / "ref" / name
    if HAVE_CORPUS or not (DATA / name).exists():
        return path
    return DATA / name
# -----------------------------------------------------------------------------------------------


def corpus_dumps() -> list[Path]:
    """Every corpus file that has a librmn dump next to it (NAME.jsonl)."""
    out = []
    for sub in ("ref", "real"):
        for dump in sorted((CORPUS / sub).glob("*.jsonl")):
            data = dump.with_suffix("")
            first = json.loads(dump.read_text().splitlines()[0])
            if data.exists() and "error" not in first:
                out.append(data)
    return out


def load_dump(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(file line, record lines) of the dump of ``path``."""
    lines = [json.loads(x) for x in Path(str(path) + ".jsonl").read_text().splitlines() if x.strip()]
    return lines[0], [x for x in lines[1:] if x.get("kind") == "record"]


def fnv1a64(data: object) -> str:
    """FNV-1a 64 of a buffer as the dumps print it (16 hex digits)."""
    from fst24 import _core
    return f"{_core._fnv1a64(data):016x}"


@pytest.fixture
def tmpfst(tmp_path: Path) -> Iterator[Path]:
    """A fresh path for a scratch FST file."""
    yield tmp_path / "scratch.fst"


def pytest_report_header(config: Any) -> str:
    return f"fst24 corpus: {CORPUS}" + ("" if HAVE_CORPUS else " (absent: corpus tests are skipped)")
