"""File.read(..., out=...): decoded data goes into the caller's array only under numpy's
casting rules (default "safe"); anything else raises CastingError before decoding."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import fst24


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two records of each kind: R16 (float32), E64 (float64), S32 (int32), U8 (uint8)."""
    path = tmp_path_factory.mktemp("readout") / "kinds.fst"
    base = np.linspace(-44.94, 60.5, 6 * 5).reshape(6, 5, order="F")
    with fst24.open(path, "w") as f:
        for k in range(2):
            f.write(fst24.Record(data=(base + k).astype(np.float32), nomvar="R16", ip1=k, data_type=1,
                                 pack_bits=16))
            f.write(fst24.Record(data=base + k, nomvar="E64", ip1=k))
            f.write(fst24.Record(data=(np.arange(30).reshape(6, 5) * 1000 - 7000 + k).astype(np.int32),
                                 nomvar="S32", ip1=k))
            f.write(fst24.Record(data=(np.arange(30).reshape(6, 5) * 8 + k).astype(np.uint8), nomvar="U8",
                                 ip1=k))
    return path


def read_into(path: Path, nomvar: str, dtype: str, **kw: object) -> np.ndarray:
    with fst24.open(path) as f:
        recs = f.find(nomvar=nomvar).all()
        out = np.full((6, 5, len(recs)), 99, dtype=dtype, order="F")
        return f.read(recs, out=out, **kw)


@pytest.mark.parametrize("nomvar, dtype", [
    ("R16", "int32"), ("R16", "uint8"), ("R16", "int64"),  # float into int
    ("S32", "uint32"), ("S32", "uint64"),                    # signed into unsigned
    ("E64", "float32"), ("S32", "int16"), ("S32", "float32"),  # wider into narrower / inexact
    ("U8", "int8"),
])
def test_narrowing_into_out_is_refused(sample: Path, nomvar: str, dtype: str) -> None:
    with fst24.open(sample) as f:
        recs = f.find(nomvar=nomvar).all()
        out = np.full((6, 5, 2), 99, dtype=dtype, order="F")
        with pytest.raises(fst24.CastingError) as info:
            f.read(recs, out=out)
        message = str(info.value)
        assert nomvar in message and dtype in message and "casting='safe'" in message
        assert str(sample) in message
        assert isinstance(info.value, fst24.Error) and isinstance(info.value, TypeError)
        assert (out == 99).all()  # nothing was decoded into it


def test_safe_widening_is_exact(sample: Path) -> None:
    with fst24.open(sample) as f:
        r16 = [r.data for r in f.find(nomvar="R16")]
        s32 = [r.data for r in f.find(nomvar="S32")]
        u8 = [r.data for r in f.find(nomvar="U8")]
    got = read_into(sample, "R16", "float64")
    assert np.array_equal(got, np.stack([a[:, :, 0] for a in r16], -1).astype(np.float64))
    got = read_into(sample, "S32", "int64")
    assert np.array_equal(got, np.stack([a[:, :, 0] for a in s32], -1))
    got = read_into(sample, "S32", "float64")
    assert got[0, 0, 0] == -7000.0 and got[0, 0, 1] == -6999.0
    got = read_into(sample, "U8", "int16")
    assert np.array_equal(got, np.stack([a[:, :, 0] for a in u8], -1).astype(np.int16))
    got = read_into(sample, "R16", ">f4")  # byte order only: "equiv"
    assert np.array_equal(got, np.stack([a[:, :, 0] for a in r16], -1))
    read_into(sample, "R16", ">f4", casting="equiv")
    with pytest.raises(fst24.CastingError):
        read_into(sample, "R16", ">f4", casting="no")


def test_explicit_casting_converts_like_numpy(sample: Path) -> None:
    with fst24.open(sample) as f:
        r16 = np.stack([r.data[:, :, 0] for r in f.find(nomvar="R16")], -1)
        e64 = np.stack([r.data[:, :, 0] for r in f.find(nomvar="E64")], -1)
    got = read_into(sample, "R16", "int32", casting="unsafe")
    assert np.array_equal(got, r16.astype(np.int32))
    assert got[0, 0, 0] == -44  # -44.94 truncated, as numpy does, because it was asked
    got = read_into(sample, "E64", "float32", casting="same_kind")
    assert np.array_equal(got, e64.astype(np.float32))
    with pytest.raises(fst24.CastingError):
        read_into(sample, "E64", "int64", casting="same_kind")


def test_bad_casting_name(sample: Path) -> None:
    with pytest.raises(fst24.InvalidArgumentError, match="casting must be one of"):
        read_into(sample, "R16", "float32", casting="sometimes")
