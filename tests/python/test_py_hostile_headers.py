"""A record whose header claims far more values than it stores (the fuzzer's N grid of
20 x 8,000,000 points kept in a few hundred bytes) is reported as damaged by every layer
before anything of that size is allocated or computed: Record.data, File.read,
grid_latlon and the CLI."""
from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

import fst24
from test_corpus import cli


def damaged_file(tmp_path: Path) -> Path:
    """An RSF file whose record NN (4 x 5, grid N) claims 20 x 8,000,000 points."""
    path = tmp_path / "hostile.rsf"
    ig = fst24.xg_to_ig("N", (10.0, 12.0, 50000.0, 20.0))
    with fst24.open(path, "w", "rsf") as f:
        f.write(fst24.Record(data=np.ones((4, 5), np.float32), nomvar="NN", grtyp="N", ig1=ig[0], ig2=ig[1],
                             ig3=ig[2], ig4=ig[3]))
        f.write(fst24.Record(data=np.arange(6, dtype=np.float32).reshape(3, 2), nomvar="OK"))
    raw = path.read_bytes()
    # descriptor words (ni << 8 | grtyp, nj << 8 | datyp), little-endian in RSF
    old = struct.pack("<II", 4 << 8 | ord("N"), 5 << 8 | 5)
    new = struct.pack("<II", 20 << 8 | ord("N"), 8_000_000 << 8 | 5)
    assert raw.count(old) == 2  # the directory entry and the record's own copy
    path.write_bytes(raw.replace(old, new))
    return path


def test_damaged_header_is_refused_everywhere(tmp_path: Path) -> None:
    path = damaged_file(tmp_path)
    with fst24.open(path) as f:
        rec = f.find_one(nomvar="NN")
        assert (rec.ni, rec.nj) == (20, 8_000_000)
        with pytest.raises(fst24.CorruptFileError, match=r"hostile\.rsf.*NN.*stored"):
            rec.data
        with pytest.raises(fst24.CorruptFileError, match="stored"):
            f.read([rec])
        with pytest.raises(fst24.CorruptFileError, match="stored"):
            fst24.grid_latlon(rec)
        # the rest of the file is unaffected
        assert np.array_equal(f.find_one(nomvar="OK").data[:, :, 0], np.arange(6).reshape(3, 2))
    for args in (("grid", str(path)), ("dump", str(path))):
        proc = subprocess.run([cli(), *args], capture_output=True, text=True, timeout=60)
        assert proc.returncode != 0 or "stored" in proc.stdout + proc.stderr, (args, proc.stdout[-500:])
        assert "stored" in proc.stdout + proc.stderr, (args, proc.stderr[-500:])
