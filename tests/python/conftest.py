"""Shared fixtures for the Python tests: corpus location, scratch files."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

CORPUS = Path(os.environ.get("FST24_CORPUS", Path(__file__).resolve().parents[2].parent / "shared" / "corpus"))


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
    return f"fst24 corpus: {CORPUS}"
