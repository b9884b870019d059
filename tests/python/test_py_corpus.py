"""The Python package reads every documented corpus file as librmn does.

For each file with a librmn dump (NAME.jsonl): the records come in the same
order with the same header fields and positions, and the FNV-1a 64 hash of
``rec.data``'s bytes (native little-endian, i fastest) equals the dump's.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import fst24
from conftest import corpus_dumps, fnv1a64, load_dump, requires_corpus

pytestmark = requires_corpus

ALL_FILES = corpus_dumps()
IDS = [f"{p.parent.name}/{p.name}" for p in ALL_FILES]


def _refused(path: Path) -> bool:
    """True if the library refuses ``path`` with a clear message.

    The 1989 random format (real/DAMAGED.md) may be refused with an
    UnsupportedError naming the file; that is checked here once.
    """
    if fst24.detect(path) != "fst89":
        return False
    try:
        fst24.open(path).close()
        return False
    except fst24.UnsupportedError as e:
        assert str(path) in str(e) and "1989" in str(e)
        return True


FILES = [p for p in ALL_FILES if not _refused(p)]

HEADER = ["nomvar", "typvar", "etiket", "grtyp", "ip1", "ip2", "ip3", "ni", "nj", "nk",
          "dateo", "datev", "deet", "npas", "data_type", "data_bits", "pack_bits",
          "ig1", "ig2", "ig3", "ig4", "key", "file_index", "file_offset", "total_stored_bytes",
          "num_meta_bytes", "fst_version", "num_search_keys", "extended_meta_size"]


def test_corpus_is_there() -> None:
    assert len(FILES) >= 20, f"expected the corpus dumps, found {len(FILES)}"


@pytest.mark.parametrize("path", ALL_FILES, ids=IDS)
def test_headers_and_data_hashes(path: Path) -> None:
    if path not in FILES:
        pytest.skip("1989-format file refused by libfst24 with a clear message (allowed by DAMAGED.md)")
    info, expected = load_dump(path)
    with fst24.open(path) as f:
        # librmn reports 0 for the 1989 file although it reads its records: count the dump's lines.
        assert len(f) == (info["num_records"] or len(expected))
        records = list(f)
        assert len(records) == len(expected)
        for rec, exp in zip(records, expected):
            where = f"{path.name} record {exp['seq']}"
            for name in HEADER:
                want = exp[name]
                if isinstance(want, str):
                    want = want.rstrip(" ")
                assert getattr(rec, name) == want, f"{where}: {name}"
            if "hash" not in exp:
                continue
            data = rec.data
            assert data.flags.f_contiguous
            raw = data.tobytes(order="F")
            assert fnv1a64(raw) == exp["hash"], f"{where}: data hash"
            assert data.size * (2 if data.dtype.kind == "c" else 1) == exp["count"] or data.ndim == 1
            if data.dtype.kind in "fc":
                flat = data.reshape(-1, order="F")
                if data.dtype.kind == "c":  # the dump lists re, im interleaved
                    flat = flat.view(np.float32 if data.dtype.itemsize == 8 else np.float64)
                for got, want in zip(flat[:8].tolist(), exp["first8"]):
                    if isinstance(want, str) or (isinstance(want, float) and math.isnan(want)):
                        want = float(want)
                    if math.isnan(want):
                        assert math.isnan(got), where
                    else:
                        assert got == pytest.approx(want, rel=1e-6, abs=1e-30), where


@pytest.mark.parametrize("path", [p for p in ALL_FILES if p.parent.name == "ref"],
                         ids=[i for i in IDS if i.startswith("ref/")])
def test_decoded_levels_and_dates(path: Path) -> None:
    _, expected = load_dump(path)
    with fst24.open(path) as f:
        for rec, exp in zip(f, expected):
            value, kind, _unit = rec.level
            assert kind == exp["ip1_dec"]["kind"]
            assert value == pytest.approx(exp["ip1_dec"]["value"], rel=1e-6, abs=1e-12)
            st, r1, r2, r3 = rec.ip_ranges
            dec = exp["decodeip"]
            assert st == dec["status"], f"{path.name} {exp['seq']}"
            for got, want in ((r1, dec["rp1"]), (r2, dec["rp2"]), (r3, dec["rp3"])):
                assert got[2] == want[2]
                for g, w in zip(got[:2], want[:2]):
                    w = float(w)
                    assert (math.isnan(g) and math.isnan(w)) or g == pytest.approx(w, rel=1e-6, abs=1e-12)
            pd = exp["datev_printable"]
            dt = rec.datev_datetime
            if pd["rc"] != 0:
                assert dt is None
            else:
                assert dt is not None
                assert dt.year * 10000 + dt.month * 100 + dt.day == pd["yyyymmdd"]
                assert dt.hour * 1000000 + dt.minute * 10000 + dt.second * 100 == pd["hhmmsshh"]


def test_batch_read_equals_serial() -> None:
    path = fst24_path("ref/model.xdf.fst")
    with fst24.open(path) as f:
        recs = list(f)
        serial = [r.read() for r in recs]
        batch = f.read(recs, threads=2)
        assert len(batch) == len(serial)
        for a, b in zip(batch, serial):
            assert a.dtype == b.dtype and a.shape == b.shape
            assert a.tobytes() == b.tobytes()


def test_batch_read_into_out() -> None:
    path = fst24_path("ref/model.rsf.fst")
    with fst24.open(path) as f:
        recs = list(f.find(nomvar="TT"))
        assert recs, "model file has TT records"
        ni, nj = recs[0].ni, recs[0].nj
        out = np.zeros((ni, nj, len(recs)), np.float32, order="F")
        f.read(recs, out=out)
        for i, r in enumerate(recs):
            assert np.array_equal(out[:, :, i], r.data[:, :, 0])
        out4 = np.zeros((ni, nj, 1, len(recs)), np.float64)  # C order, other dtype: via temporaries
        f.read(recs, out=out4)
        for i, r in enumerate(recs):
            assert np.array_equal(out4[:, :, 0, i], r.data[:, :, 0].astype(np.float64))


def test_open_many_over_all_corpus_files() -> None:
    with fst24.open_many(FILES) as fs:
        total = sum(len(load_dump(p)[1]) for p in FILES)
        assert len(fs) == total
        records = list(fs)
        assert len(records) == total
        # Records know which file they come from, in chain order.
        owners = [r.file.path for r in records]
        expected = [str(p) for p in FILES for _ in range(len(load_dump(p)[1]))]
        assert owners == expected
        tt = fs.find(nomvar="TT").all()
        exp_tt = sum(1 for p in FILES for r in load_dump(p)[1] if r["nomvar"].rstrip() == "TT")
        assert len(tt) == exp_tt


def fst24_path(rel: str) -> Path:
    from conftest import CORPUS
    return CORPUS / rel
