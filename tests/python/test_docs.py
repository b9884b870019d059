"""The code blocks of README.md and docs/ marked runnable (```python run, ```sh run) run
on the sample files and succeed; the runner itself reports failures with their place.
How to mark a block: tests/README.md."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import doc_blocks

ROOT = Path(__file__).resolve().parents[2]
DOCS = doc_blocks.documents()


@pytest.mark.parametrize("doc", DOCS, ids=[str(p.relative_to(ROOT)) for p in DOCS])
def test_runnable_blocks_of(doc: Path, tmp_path: Path) -> None:
    # One process per document: blocks may change process-wide settings (memory limit...).
    proc = subprocess.run([sys.executable, str(Path(doc_blocks.__file__)), str(doc), str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-6000:]
    assert f"{len(doc_blocks.runnable_blocks(doc))} blocks ran" in proc.stdout


def test_documents_with_runnable_blocks() -> None:
    names = {str(p.relative_to(ROOT)) for p in DOCS}
    # The README tour and the guides are executed; losing the marker would silently stop that.
    for required in ("README.md", "examples/README.md", "docs/user-guide.md", "docs/migration.md"):
        assert required in names, f"{required} has no runnable block"
    assert sum(len(doc_blocks.runnable_blocks(p)) for p in DOCS) >= 25


def test_marker_parsing() -> None:
    text = "\n".join([
        "```python run", "x = 1", "```",
        "```python", "not run", "```",
        "   ```sh run", "   fst24 ls model.fst", "   ```",
        "````bash run extra", "echo ```", "````",
        "```c run", "int main(void) { return 0; }", "```",
    ])
    blocks = doc_blocks.extract_blocks(text)
    assert [(b.lang, b.runnable, b.line) for b in blocks] == [
        ("python", True, 1), ("python", False, 4), ("sh", True, 7), ("sh", True, 10), ("c", False, 13)]
    assert blocks[2].code == "fst24 ls model.fst\n"
    assert blocks[3].code == "echo ```\n"


def test_runner_reports_the_failing_block(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("intro\n\n```python run\nimport fst24\nf = fst24.open('model.fst')\n```\n\n"
                   "```sh run\nfst24 ls model.fst > /dev/null\n```\n\n"
                   "```python run\nassert len(f) == 41, len(f)\n```\n")
    work = tmp_path / "work"
    doc_blocks.prepare(work)
    failure = doc_blocks.run_document(doc, work)
    assert failure is not None and failure.startswith(f"{doc}:12: python block failed")
    assert "AssertionError: 42" in failure   # model.fst has 42 records

    doc.write_text("```sh run\nfst24 ls missing.fst\n```\n")
    failure = doc_blocks.run_document(doc, work)
    assert failure is not None and failure.startswith(f"{doc}:1: sh block failed (exit 1)")
    assert "missing.fst" in failure
