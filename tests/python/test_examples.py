"""The scripts in examples/ run as documented (write a file, then read it back)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import fst24

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run(script: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, str(EXAMPLES / script), *args], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_write_then_read_examples(tmp_path: Path) -> None:
    path = tmp_path / "example.fst"
    run("write_latlon.py", str(path))
    assert fst24.is_fst(path)
    with fst24.open(path) as f:
        n = len(f)
        names = {r.nomvar.strip() for r in f}
    assert n > 0
    out = run("read_fields.py", str(path), sorted(names)[0])
    assert f"{n} records" in out
    for name in sorted(names):
        out = run("read_fields.py", str(path), name)
        assert out.count("\n") >= 2


def test_batch_read_example_on_model_output() -> None:
    from conftest import ref_file
    model = ref_file("model.xdf.fst")
    out = run("batch_read.py", str(model), "TT")
    with fst24.open(model) as f:
        levels = len(list(f.find(nomvar="TT", npas=0)))
    assert levels > 1 and len(out.strip().splitlines()) == levels
