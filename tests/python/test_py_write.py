"""Writing with the Python package: round trips, rewrite modes, delete, pickling."""
from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import numpy as np
import pytest

import fst24
from conftest import ref_file

BACKENDS = ["xdf", "rsf"]

# dtype -> (data_type stored, pack_bits) for a lossless round trip.
LOSSLESS = [
    ("float32", 5, 32), ("float64", 5, 64), ("int8", 4, 8), ("int16", 4, 16), ("int32", 4, 32),
    ("uint8", 2, 8), ("uint16", 2, 16), ("uint32", 2, 32), ("complex64", 8, 32),
    ("complex128", 8, 64),
]
SHAPES = [(7,), (5, 3), (4, 3, 2), (1, 1), (1, 9)]


def sample(dtype: str, shape: tuple[int, ...], seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    d = np.dtype(dtype)
    if d.kind == "f":
        return rng.normal(280, 20, shape).astype(d)
    if d.kind == "c":
        return (rng.normal(0, 1, shape) + 1j * rng.normal(0, 1, shape)).astype(d)
    info = np.iinfo(d)
    return rng.integers(max(info.min, -1000), min(info.max, 1000), shape, endpoint=True).astype(d)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype,data_type,bits", LOSSLESS)
def test_round_trip_every_dtype(tmpfst: Path, backend: str, dtype: str, data_type: int, bits: int) -> None:
    arrays = {shape: sample(dtype, shape, seed=i) for i, shape in enumerate(SHAPES)}
    with fst24.open(tmpfst, "w", backend=backend) as f:
        for i, (shape, arr) in enumerate(arrays.items()):
            rec = fst24.Record(data=arr, nomvar="X", ip1=i + 1, etiket=dtype)
            assert f.write(rec)
            assert rec.key >= 0 and rec.file is f
    with fst24.open(tmpfst) as f:
        assert f.backend == backend
        assert len(f) == len(SHAPES)
        for i, (shape, arr) in enumerate(arrays.items()):
            rec = f.find_one(ip1=i + 1)
            full = shape + (1,) * (3 - len(shape))
            assert (rec.ni, rec.nj, rec.nk) == full
            assert rec.data_type == data_type and rec.pack_bits == bits
            assert rec.etiket == dtype.upper()
            assert rec.data.dtype == np.dtype(dtype)
            assert rec.data.shape == full
            np.testing.assert_array_equal(rec.data, arr.reshape(full, order="F"))


@pytest.mark.parametrize("backend", BACKENDS)
def test_c_and_fortran_order_are_written_the_same(tmpfst: Path, backend: str) -> None:
    base = np.arange(24, dtype=np.float32).reshape(4, 6)
    with fst24.open(tmpfst, "w", backend=backend) as f:
        f.write(fst24.Record(data=np.ascontiguousarray(base), nomvar="C"))
        f.write(fst24.Record(data=np.asfortranarray(base), nomvar="F"))
        f.write(fst24.Record(data=base[:, ::2], nomvar="S"))  # strided view
    with fst24.open(tmpfst) as f:
        c, fo, s = (f.find_one(nomvar=n).data for n in ("C", "F", "S"))
        np.testing.assert_array_equal(c[:, :, 0], base)
        np.testing.assert_array_equal(fo[:, :, 0], base)
        np.testing.assert_array_equal(s[:, :, 0], base[:, ::2])
        assert c[1, 0, 0] == 6.0  # element (i=2, j=1) is base[1, 0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_header_fields_round_trip(tmpfst: Path, backend: str) -> None:
    when = dt.datetime(2024, 1, 15, 12)
    rec = fst24.Record(data=np.ones((3, 2), np.float32), nomvar="tt", typvar="p", etiket="run1",
                       grtyp="L", ip1=95365536, ip2=6, ip3=0, dateo=when, deet=300, npas=72,
                       ig1=10, ig2=1000, ig3=20, ig4=30)
    assert rec.nomvar == "TT" and rec.typvar == "P" and rec.etiket == "RUN1"
    with fst24.open(tmpfst, "w", backend=backend) as f:
        f.write(rec)
    with fst24.open(tmpfst) as f:
        (got,) = list(f)
        assert (got.nomvar, got.typvar, got.etiket, got.grtyp) == ("TT", "P", "RUN1", "L")
        assert (got.ip1, got.ip2, got.ip3) == (95365536, 6, 0)
        assert (got.ig1, got.ig2, got.ig3, got.ig4) == (10, 1000, 20, 30)
        assert (got.deet, got.npas) == (300, 72)
        assert got.dateo_datetime == when
        assert got.datev_datetime == when + dt.timedelta(hours=6)
        assert got.forecast_hours == 6.0
        assert got.dateo == fst24.datetime_to_stamp(when)


def test_record_validation() -> None:
    with pytest.raises(fst24.InvalidArgumentError, match="nomvar"):
        fst24.Record(data=np.zeros(3, np.float32), nomvar="TOOLONG")
    with pytest.raises(fst24.InvalidArgumentError, match="etiket"):
        fst24.Record(data=np.zeros(3, np.float32), etiket="x" * 13)
    with pytest.raises(fst24.InvalidArgumentError, match="unknown record field"):
        fst24.Record(data=np.zeros(3, np.float32), nomvr="TT")
    with pytest.raises(fst24.InvalidArgumentError, match="dimensions"):
        fst24.Record(data=np.zeros((1, 2, 3, 4), np.float32))
    with pytest.raises(fst24.InvalidArgumentError, match="boolean"):
        fst24.Record(data=np.zeros(3, bool))
    with pytest.raises(fst24.InvalidArgumentError, match="integer"):
        fst24.Record(data=np.zeros(3, np.float32), ip1=1.5)
    with pytest.raises(fst24.InvalidArgumentError, match="match"):
        fst24.Record(data=np.zeros(6, np.float32), ni=4)
    r = fst24.Record(data=np.zeros(6, np.float32), ni=2, nj=3)
    assert (r.ni, r.nj, r.nk) == (2, 3, 1)


def test_write_rejects_out_of_range(tmpfst: Path) -> None:
    with fst24.open(tmpfst, "w") as f:
        with pytest.raises(fst24.InvalidArgumentError, match=r"ip1=.*outside"):
            f.write(fst24.Record(data=np.zeros(3, np.float32), nomvar="A", ip1=1 << 28))
        with pytest.raises(fst24.InvalidArgumentError, match="deet"):
            f.write(fst24.Record(data=np.zeros(3, np.float32), nomvar="A", deet=-5))
        with pytest.raises(fst24.InvalidArgumentError, match="rewrite"):
            f.write(fst24.Record(data=np.zeros(3, np.float32), nomvar="A"), rewrite="maybe")


@pytest.mark.parametrize("backend", BACKENDS)
def test_packed_reals_are_close(tmpfst: Path, backend: str) -> None:
    arr = sample("float32", (40, 30))
    with fst24.open(tmpfst, "w", backend=backend) as f:
        f.write(fst24.Record(data=arr, nomvar="R16", data_type=1, pack_bits=16))
        f.write(fst24.Record(data=arr, nomvar="F16", data_type=6, pack_bits=16))
    with fst24.open(tmpfst) as f:
        for name in ("R16", "F16"):
            rec = f.find_one(nomvar=name)
            assert rec.pack_bits == 16 and rec.data.dtype == np.float32
            span = float(arr.max() - arr.min())
            assert np.max(np.abs(rec.data[:, :, 0] - arr)) <= span / 2**15 * 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_strings(tmpfst: Path, backend: str) -> None:
    text = np.frombuffer(b"HELLO WORLD!", dtype="S1").reshape(12, 1)
    with fst24.open(tmpfst, "w", backend=backend) as f:
        f.write(fst24.Record(data=text, nomvar="TXT"))
    with fst24.open(tmpfst) as f:
        rec = f.find_one(nomvar="TXT")
        assert rec.data_type & 0x3F == 7
        assert rec.data.dtype == np.dtype("S1")
        assert rec.data.tobytes(order="F") == b"HELLO WORLD!"


@pytest.mark.parametrize("backend", BACKENDS)
def test_rewrite_modes(tmpfst: Path, backend: str) -> None:
    a = np.full((4, 4), 1.0, np.float32)
    b = np.full((4, 4), 2.0, np.float32)
    with fst24.open(tmpfst, "w", backend=backend) as f:
        assert f.write(fst24.Record(data=a, nomvar="TT", ip1=1))
        assert f.write(fst24.Record(data=b, nomvar="TT", ip1=1), rewrite="skip") is False
        assert len(f) == 1
        assert f.find_one(nomvar="TT").data[0, 0, 0] == 1.0
        assert f.write(fst24.Record(data=b, nomvar="TT", ip1=1), rewrite="yes")
        assert len(f) == 1
        assert f.find_one(nomvar="TT").data[0, 0, 0] == 2.0
        assert f.write(fst24.Record(data=a, nomvar="TT", ip1=1), rewrite="no")
        assert len(f) == 2
        assert f.write(fst24.Record(data=a, nomvar="TT", ip1=2), rewrite="skip")
        assert len(f) == 3
    with fst24.open(tmpfst, "r+") as f:
        rec = f.find_one(ip1=2)
        rec.etiket = "EDITED"
        rec.ip3 = 7
        assert f.write(rec, rewrite="meta")
        assert len(f) == 3
    with fst24.open(tmpfst) as f:
        edited = f.find_one(etiket="EDITED")
        assert (edited.ip1, edited.ip3) == (2, 7)
        np.testing.assert_array_equal(edited.data[:, :, 0], a)
        assert len(f.find(ip1=1)) == 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_delete(tmpfst: Path, backend: str) -> None:
    with fst24.open(tmpfst, "w", backend=backend) as f:
        for i in range(5):
            f.write(fst24.Record(data=np.full(3, i, np.float32), nomvar="V", ip1=i))
    with fst24.open(tmpfst, "r+") as f:
        f.delete(f.find_one(ip1=3))
        assert len(f) == 4
        assert f.find(ip1=3).first() is None
    with fst24.open(tmpfst) as f:
        assert [r.ip1 for r in f] == [0, 1, 2, 4]
        with pytest.raises(fst24.InvalidArgumentError):
            with fst24.open(tmpfst, "r+") as g:
                g.delete(f[0])  # a record of another File object


def test_write_to_read_only_file(tmpfst: Path) -> None:
    with fst24.open(tmpfst, "w") as f:
        f.write(fst24.Record(data=np.zeros(3, np.float32), nomvar="A"))
    with fst24.open(tmpfst) as f:
        with pytest.raises(fst24.PermissionError) as ei:
            f.write(fst24.Record(data=np.zeros(3, np.float32), nomvar="B"))
        assert str(tmpfst) in str(ei.value)


@pytest.mark.parametrize("backend", BACKENDS)
def test_copy_records_between_files(tmp_path: Path, backend: str) -> None:
    src = tmp_path / "src.fst"
    dst = tmp_path / "dst.fst"
    with fst24.open(src, "w", backend="xdf") as f:
        for i in range(3):
            f.write(fst24.Record(data=sample("float32", (6, 5), i), nomvar="P", ip1=i, data_type=1,
                                 pack_bits=12))
    with fst24.open(src) as f, fst24.open(dst, "w", backend=backend) as g:
        for rec in f:
            g.write_payload(rec, rec.payload())
    with fst24.open(src) as f, fst24.open(dst) as g:
        for a, b in zip(f, g):
            assert (a.ip1, a.data_type, a.pack_bits) == (b.ip1, b.data_type, b.pack_bits)
            np.testing.assert_array_equal(a.data, b.data)


def test_pickle_file_and_record(tmpfst: Path) -> None:
    arr = sample("float32", (3, 4))
    with fst24.open(tmpfst, "w") as f:
        f.write(fst24.Record(data=arr, nomvar="PK", ip2=3))
    with fst24.open(tmpfst) as f:
        g = pickle.loads(pickle.dumps(f))
        try:
            assert g is not f and g.path == f.path and g.mode == "r" and len(g) == 1
            rec = pickle.loads(pickle.dumps(g[0]))
            assert rec.file is None and rec.nomvar == "PK" and rec.ip2 == 3
            np.testing.assert_array_equal(rec.data[:, :, 0], arr)
        finally:
            g.close()


def test_pickle_file_set(tmp_path: Path) -> None:
    paths = []
    for i in range(2):
        p = tmp_path / f"s{i}.fst"
        with fst24.open(p, "w") as f:
            f.write(fst24.Record(data=np.full(2, i, np.float32), nomvar=f"S{i}"))
        paths.append(p)
    with fst24.open_many(paths) as fs:
        copy = pickle.loads(pickle.dumps(fs))
        try:
            assert [r.nomvar for r in copy] == ["S0", "S1"]
            assert copy.files[0] is not fs.files[0]
        finally:
            copy.close()


def test_fst_options_backend(tmpfst: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FST_OPTIONS", "BACKEND=RSF")
    with fst24.open(tmpfst, "w") as f:
        f.write(fst24.Record(data=np.zeros(2, np.float32), nomvar="A"))
        assert f.backend == "rsf"
    assert fst24.detect(tmpfst) == "rsf"
    with fst24.open(tmpfst, "w", backend="xdf") as f:
        assert f.backend == "xdf"


@pytest.mark.parametrize("backend", BACKENDS)
def test_write_records_of_another_file_and_copies(tmp_path: Path, backend: str) -> None:
    src = ref_file("model.xdf.fst")
    dst = tmp_path / "copy.fst"
    with fst24.open(src) as f, fst24.open(dst, "w", backend=backend) as g:
        recs = f.find(nomvar="TT").all()[:3]
        originals = [r.read() for r in recs]
        for r in recs:
            g.write(r)                       # the record now belongs to g
            assert r.file is g
        c = recs[0].copy()
        assert c.file is None and c.key == -1
        c.ip3 = 99
        g.write(c)
        d = recs[1].copy()
        d.data = np.asarray(d.data, np.float64)  # new data: encoding follows the new dtype
        d.etiket = "F64"
        g.write(d)
    with fst24.open(dst) as g:
        assert len(g) == 5
        for r, orig in zip(g.find(nomvar="TT", etiket=recs[0].etiket), originals):
            assert r.data_type == recs[0].data_type
            np.testing.assert_array_equal(r.data, orig)
        assert g.find_one(ip3=99).ip1 == recs[0].ip1
        f64 = g.find_one(etiket="F64")
        assert f64.data.dtype == np.float32 or f64.data.dtype == np.float64
        np.testing.assert_allclose(f64.data, originals[1], rtol=1e-3)


def test_string_arrays_become_character_columns(tmpfst: Path) -> None:
    names = np.array(["ALPHA", "BETA", "GAMMA"])
    with fst24.open(tmpfst, "w") as f:
        rec = fst24.Record(data=names, nomvar="NAME")
        assert (rec.ni, rec.nj, rec.nk) == (5, 3, 1)
        f.write(rec)
    with fst24.open(tmpfst) as f:
        d = f.find_one(nomvar="NAME").data
        cols = [d[:, j, 0].tobytes().rstrip(b"\0").decode() for j in range(3)]
        assert cols == ["ALPHA", "BETA", "GAMMA"]


def test_parallel_rsf_writers_and_write_lock(tmpfst: Path) -> None:
    a = fst24.open(tmpfst, "a", backend="rsf", parallel=True)
    b = fst24.open(tmpfst, "a", backend="rsf", parallel=True)
    a.write(fst24.Record(data=np.zeros(3, np.float32), nomvar="A"))
    b.write(fst24.Record(data=np.ones(3, np.float32), nomvar="B"))
    a.close()
    b.close()
    with fst24.open(tmpfst) as f:
        assert sorted((r.nomvar, float(r.data[0, 0, 0])) for r in f) == [("A", 0.0), ("B", 1.0)]
    with fst24.open(tmpfst, "r+") as writer:
        with pytest.raises(fst24.FileLockedError) as ei:
            fst24.open(tmpfst, "r+")
        assert str(tmpfst) in str(ei.value)
        assert isinstance(ei.value, PermissionError)
        assert len(writer) == 2


@pytest.mark.parametrize("dtype", ["int64", "uint64"])
def test_64_bit_integers_rsf_only(tmpfst: Path, dtype: str) -> None:
    arr = (np.arange(1, 7, dtype=np.int64) * (1 << 40)).astype(dtype).reshape(3, 2)
    with fst24.open(tmpfst, "w", backend="xdf") as f:
        with pytest.raises(fst24.UnsupportedError, match="RSF"):
            f.write(fst24.Record(data=arr, nomvar="I"))
    with fst24.open(tmpfst, "w", backend="rsf") as f:
        f.write(fst24.Record(data=arr, nomvar="I"))
    with fst24.open(tmpfst) as f:
        rec = f[0]
        assert rec.data.dtype == np.dtype(dtype) and rec.pack_bits == 64
        np.testing.assert_array_equal(rec.data[:, :, 0], arr)


@pytest.mark.parametrize("backend", BACKENDS)
def test_missing_values_round_trip(tmpfst: Path, backend: str) -> None:
    sentinel = np.float32(fst24.missing_values()["f32"])
    arr = np.linspace(0, 100, 50, dtype=np.float32).reshape(10, 5)
    arr[3, 2] = arr[7, 4] = sentinel
    with fst24.open(tmpfst, "w", backend=backend) as f:
        rec = fst24.Record(data=arr, nomvar="M", data_type=65, pack_bits=16)
        f.write(rec)
        assert rec.data_type == 65
        f.write(fst24.Record(data=np.ones((2, 2), np.float32), nomvar="N", data_type=65, pack_bits=16))
    with fst24.open(tmpfst) as f:
        d = f.find_one(nomvar="M").data[:, :, 0]
        assert np.argwhere(d == sentinel).tolist() == [[3, 2], [7, 4]]
        ok = arr != sentinel
        assert np.max(np.abs(d[ok] - arr[ok])) < 100 / 2**15 * 2
        assert f.find_one(nomvar="N").data_type == 1  # no missing point: stored as plain R (as librmn)


@pytest.mark.parametrize("backend", BACKENDS)
def test_compressed_types(tmpfst: Path, backend: str) -> None:
    x, y = np.meshgrid(np.linspace(0, 1, 64), np.linspace(0, 1, 48), indexing="ij")
    smooth = (280 + 10 * np.sin(6 * x) * np.cos(4 * y)).astype(np.float32)
    counts = (smooth * 10).astype(np.uint32)
    cases = [(129, 16, smooth, 20 / 2**16 * 2), (130, 16, counts, 0.0), (133, 32, smooth, 0.0),
             (133, 24, smooth, 300 * 2.0**-15), (134, 16, smooth, 20 / 2**15)]
    with fst24.open(tmpfst, "w", backend=backend) as f:
        for i, (dt, bits, arr, _) in enumerate(cases):
            f.write(fst24.Record(data=arr, nomvar="C", ip1=i, data_type=dt, pack_bits=bits))
    with fst24.open(tmpfst) as f:
        for i, (dt, bits, arr, tol) in enumerate(cases):
            rec = f.find_one(ip1=i)
            assert (rec.data_type, rec.pack_bits) == (dt, bits)
            assert rec.total_stored_bytes < arr.nbytes  # it did compress
            err = np.max(np.abs(rec.data[:, :, 0].astype(np.float64) - arr))
            assert err <= tol, (dt, bits, err)


@pytest.mark.parametrize("backend", BACKENDS)
def test_threaded_single_record_read(tmpfst: Path, backend: str) -> None:
    arr = sample("float32", (700, 500))
    with fst24.open(tmpfst, "w", backend=backend) as f:
        f.write(fst24.Record(data=arr, nomvar="BIG"))
    with fst24.open(tmpfst) as f:
        rec = f[0]
        np.testing.assert_array_equal(rec.read(threads=2)[:, :, 0], arr)
        np.testing.assert_array_equal(rec.read(threads=1), rec.read(threads=4))
        with pytest.raises(fst24.InvalidArgumentError):
            rec.read(threads=-1)


@pytest.mark.parametrize("backend", ["xdf", "rsf"])
def test_missing_flag_on_compression_fallback(tmp_path: Path, backend: str) -> None:
    """White noise does not compress: the plain type is stored. librmn then drops the
    missing flag (its readers see the plug value); fst24 keeps it, so the missing points
    read back as missing (keep_missing_flag is accepted and has no effect any more)."""
    rng = np.random.default_rng(3)
    data = rng.random((64, 48), dtype=np.float32) * 1000
    data[5, 7] = fst24.missing_values()["f32"]
    for keep in (False, True):
        path = tmp_path / f"fallback_{keep}.fst"
        with fst24.open(path, "w", backend, keep_missing_flag=keep) as f:
            rec = fst24.Record(data=data, nomvar="NOIS", data_type=198, pack_bits=16)
            f.write(rec)
            assert rec.data_type == 70
        with fst24.open(path) as f:
            got = f[0]
            assert got.data_type == 70
            assert got.data[5, 7, 0] == fst24.missing_values()["f32"]
            assert (got.data == fst24.missing_values()["f32"]).sum() == 1


@pytest.mark.parametrize("backend", ["xdf", "rsf"])
def test_writes_read_back_or_are_refused(tmp_path: Path, backend: str) -> None:
    """Write validation (docs/codecs.md): 129 below 16 bits (librmn's garbled form) is
    stored as the plain quantiser at that width; values that a request cannot hold are
    refused with an error naming the file, the record and what would work."""
    i, j = np.meshgrid(np.arange(64), np.arange(48), indexing="ij")
    x = (250 + 40 * np.sin(i / 7.0) * np.cos(j / 5.0)).astype(np.float32)
    path = tmp_path / f"validated.{backend}"
    with fst24.open(path, "w", backend) as f:
        for nb in (4, 8, 12, 15):
            rec = fst24.Record(data=x, nomvar=f"Q{nb}", data_type=129, pack_bits=nb)
            f.write(rec)
            assert (rec.data_type, rec.pack_bits) == (1, nb)
        xm = x.copy()
        xm[3, 4] = fst24.missing_values()["f32"]
        rec = fst24.Record(data=xm, nomvar="M8", data_type=193, pack_bits=8)
        f.write(rec)
        assert (rec.data_type, rec.pack_bits) == (65, 8)
        with pytest.raises(fst24.InvalidArgumentError, match=r"record BIG.*use pack_bits >= 9"):
            f.write(fst24.Record(data=np.arange(300, dtype=np.uint32).reshape(20, 15), nomvar="BIG",
                                 data_type=2, pack_bits=8))
        with pytest.raises(fst24.InvalidArgumentError, match=r"record NEG.*negative"):
            f.write(fst24.Record(data=np.arange(-5, 295, dtype=np.int32).reshape(20, 15), nomvar="NEG",
                                 data_type=2, pack_bits=16))
        nan = x.copy()
        nan[0, 0] = np.nan
        with pytest.raises(fst24.InvalidArgumentError, match=r"record NAN.*finite"):
            f.write(fst24.Record(data=nan, nomvar="NAN", data_type=1, pack_bits=16))
    with fst24.open(path) as f:
        assert len(f) == 5
        for nb in (4, 8, 12, 15):
            got = f.find_one(nomvar=f"Q{nb}").data[:, :, 0]
            assert np.abs(got - x).max() <= np.ptp(x) * 2.0 ** (1 - nb)
        got = f.find_one(nomvar="M8").data[:, :, 0]
        assert got[3, 4] == fst24.missing_values()["f32"]
        assert (got == fst24.missing_values()["f32"]).sum() == 1
