"""Damaged input through the Python API: errors are fst24.Error, never a crash."""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

import fst24
from conftest import corpus_file, ref_file

SOURCES = [ref_file(n) for n in ("types.xdf.fst", "types.rsf.fst", "meta.rsf.fst", "grids.xdf.fst")]


def read_everything(path: Path) -> int:
    """Open and decode every record; returns how many decoded."""
    n = 0
    with fst24.open(path) as f:
        for rec in f:
            try:
                d = rec.data
                assert d.size > 0
                n += 1
            except fst24.Error:
                pass
    return n


@pytest.mark.parametrize("src", SOURCES, ids=[p.name for p in SOURCES])
def test_mutated_files_raise_fst24_errors(src: Path, tmp_path: Path) -> None:
    original = src.read_bytes()
    rng = random.Random(src.name)
    outcomes = {"read": 0, "refused": 0}
    for trial in range(40):
        data = bytearray(original)
        kind = trial % 4
        if kind == 0:  # truncate
            data = data[: rng.randrange(1, len(data))]
        elif kind == 1:  # flip bytes in the first 4 KiB (headers, directory)
            for _ in range(8):
                data[rng.randrange(min(4096, len(data)))] ^= 1 << rng.randrange(8)
        elif kind == 2:  # flip bytes anywhere
            for _ in range(32):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:  # zero a block
            start = rng.randrange(len(data))
            data[start:start + 512] = bytes(min(512, len(data) - start))
        path = tmp_path / f"m{trial}.fst"
        path.write_bytes(bytes(data))
        try:
            read_everything(path)
            outcomes["read"] += 1
        except fst24.Error as e:
            assert str(path) in str(e) or "record" in str(e), str(e)
            outcomes["refused"] += 1
    assert sum(outcomes.values()) == 40


def test_garbage_and_empty_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.fst"
    empty.write_bytes(b"")
    with pytest.raises(fst24.NotFSTError, match="empty"):
        fst24.open(empty)
    assert fst24.detect(empty) == "empty"
    noise = tmp_path / "noise.fst"
    noise.write_bytes(np.random.default_rng(1).integers(0, 256, 100_000, dtype=np.uint8).tobytes())
    with pytest.raises(fst24.NotFSTError):
        fst24.open(noise)
    directory = tmp_path
    with pytest.raises(fst24.Error):
        fst24.open(directory)


DAMAGED = ["ECCC-ASTD-MRD_fst-tools__zzzz", "ECCC-ASTD-MRD_fst-tools__anal_temp",
           "ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_1001_just_p0",
           "ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_5002_from_model_run__2271cc02"]


@pytest.mark.parametrize("name", DAMAGED)
def test_damaged_corpus_files_are_refused_or_recovered(name: str) -> None:
    path = corpus_file(f"real/{name}")
    try:
        f = fst24.open(path)
    except fst24.Error as e:
        assert isinstance(e, (fst24.CorruptFileError, fst24.NotFSTError, fst24.UnsupportedError))
        assert str(path) in str(e)
        return
    with f:
        info = f.info()
        assert info["recovered"] and info["warning"], "a damaged file opened without a warning"
        for rec in f:
            try:
                rec.data
            except fst24.Error as e:
                assert str(path) in str(e) or rec.nomvar in str(e)


def test_1989_file_format_is_reported() -> None:
    path = corpus_file("real/ECCC-ASTD-MRD_SPI__eer_SPI_Data_climato.fstd")
    assert fst24.detect(path) == "fst89" and fst24.is_fst(path)
    try:
        with fst24.open(path) as f:
            assert f.info()["format"] == "fst89"
    except fst24.UnsupportedError as e:
        assert str(path) in str(e)


def test_nul_in_a_file_name_is_an_fst24_error(tmp_path: Path) -> None:
    # the OS calls reject such a name with a bare ValueError: every entry point says which argument
    bad = str(tmp_path / "a\0b.fst")
    for call in (lambda: fst24.open(bad), lambda: fst24.File(bad, "w"), lambda: fst24.detect(bad),
                 lambda: fst24.is_fst(bad), lambda: fst24.repair(bad, tmp_path / "out.fst"),
                 lambda: fst24.index(bad), lambda: fst24.index([str(tmp_path), bad]),
                 lambda: fst24.read([{"path": bad, "key": 1}])):
        with pytest.raises(fst24.InvalidArgumentError, match="NUL"):
            call()
