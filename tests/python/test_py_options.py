"""Options that used to be accepted silently: invalid extended-metadata JSON raises an
fst24 error, parallel writing of an XDF file is refused, extended metadata given to an
XDF file is left out with an ExtMetaWarning (refused with strict=True), and the RSF
parallel segment size is honoured (the file's apparent size follows it)."""
from __future__ import annotations

import json
import os
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest

import fst24
from test_corpus import cli

DATA = np.arange(12, dtype=np.float32).reshape(4, 3)
MIB = 1 << 20


def test_invalid_ext_meta_json_raises_fst24_errors(tmp_path: Path) -> None:
    with pytest.raises(fst24.InvalidArgumentError, match="not valid JSON") as info:
        fst24.Record(data=DATA, nomvar="BAD", ext_meta='{"a": ')
    assert not isinstance(info.value, json.JSONDecodeError)
    with pytest.raises(fst24.InvalidArgumentError, match="cannot be written as JSON"):
        fst24.Record(data=DATA, nomvar="BAD", ext_meta={"a": object()})
    path = tmp_path / "meta.rsf"
    with fst24.open(path, "w", "rsf") as f:
        f.write(fst24.Record(data=DATA, nomvar="OK", ext_meta={"a": 1}))
    # stored text damaged on disk (same length): reading it raises DecodeError, not json's
    raw = path.read_bytes()
    assert raw.count(b'{"a":1}') == 2  # the record's copy and the directory's
    path.write_bytes(raw.replace(b'{"a":1}', b'{"a";1}'))
    with fst24.open(path) as f:
        rec = f[0]
        assert rec.ext_meta_text == '{"a";1}'
        with pytest.raises(fst24.DecodeError, match=r"record 'OK' of .*meta\.rsf.*not valid JSON"):
            rec.ext_meta
        with pytest.raises(fst24.InvalidArgumentError, match="not a JSON object"):
            len(f.find(ext_meta='{"a"'))
        with pytest.raises(fst24.InvalidArgumentError):
            f.find(ext_meta={"a": object()})


def test_parallel_xdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "par.xdf"
    with pytest.raises(fst24.InvalidArgumentError, match="parallel writing needs"):
        fst24.open(path, "w", "xdf", parallel=True)
    with fst24.open(path, "w", "xdf") as f:
        f.write(fst24.Record(data=DATA, nomvar="TT"))
    size = path.stat().st_size
    for mode in ("w", "a", "r+"):
        with pytest.raises(fst24.InvalidArgumentError, match="parallel writing needs"):
            fst24.open(path, mode, parallel=True)
    assert path.stat().st_size == size
    with fst24.open(path, parallel=True) as f:  # read only: nothing to coordinate
        assert len(f) == 1


def test_ext_meta_for_xdf_warns_or_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "meta.xdf"
    with fst24.open(path, "w", "xdf") as f:
        rec = fst24.Record(data=DATA, nomvar="TT", ext_meta={"source": "test"})
        with pytest.warns(fst24.ExtMetaWarning, match=r"record 'TT'.*RSF"):
            assert f.write(rec)
        strict = fst24.Record(data=DATA, nomvar="ST", ext_meta={"source": "test"})
        with pytest.raises(fst24.UnsupportedError, match=r"record 'ST'.*RSF"):
            f.write(strict, strict=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            f.write(fst24.Record(data=DATA, nomvar="NO"))  # no metadata: no warning
    with fst24.open(path) as f:
        assert [r.nomvar.strip() for r in f] == ["TT", "NO"]
        assert f[0].ext_meta == {}
    rsf = tmp_path / "meta.rsf"
    with fst24.open(rsf, "w", "rsf") as f:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            f.write(fst24.Record(data=DATA, nomvar="TT", ext_meta={"source": "test"}), strict=True)
    with fst24.open(rsf) as f:
        assert f[0].ext_meta == {"source": "test"}


def write_parallel(path: Path, flushes: int, **options: object) -> None:
    with fst24.open(path, "a", "rsf", parallel=True, **options) as f:
        for k in range(flushes):
            f.write(fst24.Record(data=DATA + k, nomvar="PP", ip1=k))
            f.flush()


def test_parallel_segment_size_is_honoured(tmp_path: Path) -> None:
    small = tmp_path / "small.rsf"
    write_parallel(small, 6, segment_size=2 * MIB)
    size = small.stat().st_size
    assert 6 * 2 * MIB <= size <= 8 * 2 * MIB
    default = tmp_path / "default.rsf"
    write_parallel(default, 2)
    assert default.stat().st_size >= 2 * 1000 * MIB  # the documented 1000 MiB per flush
    for bad in (0, -5, 1.5, True):
        with pytest.raises(fst24.InvalidArgumentError, match="segment_size"):
            fst24.open(tmp_path / "bad.rsf", "a", "rsf", parallel=True, segment_size=bad)
    # a dense copy of the sparse file: same records, none of the reserved space
    dense = tmp_path / "dense.rsf"
    env = dict(os.environ)
    proc = subprocess.run([cli(), "convert", "--backend", "rsf", str(default), str(dense)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr
    assert dense.stat().st_size < MIB
    with fst24.open(default) as a, fst24.open(dense) as b:
        assert len(a) == len(b) == 2
        for ra, rb in zip(a, b):
            assert np.array_equal(ra.data, rb.data)
