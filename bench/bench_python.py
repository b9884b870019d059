"""Benchmarks of the Python package (pytest-benchmark; no timed assertions).

Run:  pytest bench/bench_python.py --benchmark-only
(with the package installed, or PYTHONPATH=<build>/python after a developer build).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

import fst24

CORPUS = Path(os.environ.get("FST24_CORPUS", Path(__file__).resolve().parents[1].parent / "shared" / "corpus"))
MODEL = CORPUS / "ref" / "model.xdf.fst"


@pytest.fixture(scope="module", params=["xdf", "rsf"])
def file500(request: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A file of 500 small records (10 variables x 50 levels), E32 and R16."""
    path = tmp_path_factory.mktemp("bench") / f"500.{request.param}.fst"
    rng = np.random.default_rng(3)
    with fst24.open(path, "w", backend=request.param) as f:
        for v in range(10):
            for lev in range(50):
                data = rng.normal(0, 1, (64, 32)).astype(np.float32)
                f.write(fst24.Record(data=data, nomvar=f"V{v}", ip1=lev + 1,
                                     data_type=5 if v % 2 else 1, pack_bits=32 if v % 2 else 16))
    yield path


def test_open_500_records(benchmark: Any, file500: Path) -> None:
    def run() -> int:
        with fst24.open(file500) as f:
            return len(f)
    assert benchmark(run) == 500


def test_iterate_500_headers(benchmark: Any, file500: Path) -> None:
    with fst24.open(file500) as f:
        assert benchmark(lambda: sum(1 for _ in f)) == 500


def test_find_one_of_500(benchmark: Any, file500: Path) -> None:
    with fst24.open(file500) as f:
        rec = benchmark(lambda: f.find_one(nomvar="V7", ip1=25))
        assert rec.ip1 == 25


@pytest.fixture(scope="module")
def model() -> Iterator[fst24.File]:
    with fst24.open(MODEL) as f:
        yield f


def test_first_data_access(benchmark: Any, model: fst24.File) -> None:
    """rec.data on a fresh record: read + decode (R16 TT field)."""
    key = model.find_one(nomvar="TT").key
    out = benchmark(lambda: model.get(key).data)
    assert out.ndim == 3


def test_cached_data_access(benchmark: Any, model: fst24.File) -> None:
    rec = model.find_one(nomvar="TT")
    rec.data
    assert benchmark(lambda: rec.data) is rec.data


def test_serial_read_all_model(benchmark: Any, model: fst24.File) -> None:
    recs = list(model)
    out = benchmark(lambda: [r.read() for r in recs])
    assert len(out) == len(recs)


@pytest.mark.parametrize("threads", [1, 2])
def test_batch_read_all_model(benchmark: Any, model: fst24.File, threads: int) -> None:
    recs = list(model)
    out = benchmark(lambda: model.read(recs, threads=threads))
    assert len(out) == len(recs)


def test_batch_read_into_out(benchmark: Any, model: fst24.File) -> None:
    recs = model.find(nomvar="TT").all()
    r0 = recs[0]
    cube = np.empty((r0.ni, r0.nj, len(recs)), np.float32, order="F")
    benchmark(lambda: model.read(recs, out=cube))


def test_view_vs_read_e32(benchmark: Any, file500: Path) -> None:
    with fst24.open(file500) as f:
        rec = f.find_one(nomvar="V1", ip1=1)
        benchmark(rec.view)
