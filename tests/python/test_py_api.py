"""Reading API: queries, errors, threads, memory limit, memory maps, helpers."""
from __future__ import annotations

import gc
import os
import random
import threading
from pathlib import Path

import numpy as np
import pytest

import fst24
from conftest import corpus_file, load_dump, ref_file

MODEL = ref_file("model.xdf.fst")
MODEL_RSF = ref_file("model.rsf.fst")


# ---- queries ---------------------------------------------------------------

def test_find_is_lazy_reiterable_and_independent() -> None:
    _, dump = load_dump(MODEL)
    expected = [r["key"] for r in dump if r["nomvar"].strip() == "TT"]
    with fst24.open(MODEL) as f:
        q = f.find(nomvar="TT")
        assert len(q) == len(expected) > 0
        assert [r.key for r in q] == expected
        assert [r.key for r in q] == expected  # again
        it1, it2 = iter(q), iter(q)
        a = next(it1)
        b = next(it2)
        assert a.key == b.key == expected[0]
        assert next(it1).key == expected[1]
        assert q.first() is not None and q.first().key == expected[0]


def test_find_criteria_match_the_dump() -> None:
    _, dump = load_dump(MODEL)
    some = dump[len(dump) // 2]
    with fst24.open(MODEL) as f:
        got = [r.key for r in f.find(ip1=some["ip1"], nomvar=some["nomvar"])]
        want = [r["key"] for r in dump if r["ip1"] == some["ip1"] and r["nomvar"] == some["nomvar"]]
        assert got == want
        assert len(f.find(datev=some["datev"])) == sum(r["datev"] == some["datev"] for r in dump)
        assert f.find(nomvar="NOPE").first() is None
        with pytest.raises(fst24.RecordNotFoundError, match="NOPE"):
            f.find_one(nomvar="NOPE")
        with pytest.raises(fst24.InvalidArgumentError, match="unknown search criteria"):
            f.find(colour="red")
        desc = len(f.find(skip_grid_descriptors=True))
        assert desc == sum(r["nomvar"].strip() not in (">>", "^^", "!!", "^>", "HY") for r in dump)


def test_find_ip1_all_matches_old_and_new_codes() -> None:
    _, dump = load_dump(MODEL)
    rec = next(r for r in dump if r["ip1_dec"]["kind"] == 5)
    new = int(fst24.encode_ip(rec["ip1_dec"]["value"], 5, "new"))
    with fst24.open(MODEL) as f:
        assert len(f.find(ip1=new, ip1_all=True)) >= 1


def test_indexing_and_keys() -> None:
    with fst24.open(MODEL) as f:
        recs = list(f)
        assert f[0].key == recs[0].key
        assert f[-1].key == recs[-1].key
        assert f.get(recs[3].key).nomvar == recs[3].nomvar
        with pytest.raises(IndexError):
            f[len(recs)]
        with pytest.raises(fst24.RecordNotFoundError):
            f.get(123456789)


def test_record_repr_and_header() -> None:
    with fst24.open(MODEL) as f:
        rec = f.find_one(nomvar="TT")
        text = repr(rec)
        assert "'TT'" in text and f"key={rec.key}" in text
        h = rec.header()
        assert h["nomvar"] == "TT" and h["key"] == rec.key
        with pytest.raises(AttributeError):
            rec.key = 5  # type: ignore[misc]


# ---- errors ----------------------------------------------------------------

def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.fst"
    with pytest.raises(fst24.FileNotFoundError) as ei:
        fst24.open(path)
    assert str(path) in str(ei.value)
    assert isinstance(ei.value, FileNotFoundError)
    assert isinstance(ei.value, fst24.Error)
    assert ei.value.status == -2


def test_not_fst(tmp_path: Path) -> None:
    path = tmp_path / "text.fst"
    path.write_text("hello, this is not a standard file\n" * 10)
    with pytest.raises(fst24.NotFSTError) as ei:
        fst24.open(path)
    assert str(path) in str(ei.value)
    assert not fst24.is_fst(path)
    assert fst24.is_fst(MODEL)


def test_permission(tmp_path: Path) -> None:
    import tempfile
    # a directory every user can traverse, so that only the file's own mode refuses access
    base = Path(tempfile.mkdtemp(dir="/tmp"))
    base.chmod(0o755)
    path = base / "locked.fst"
    with fst24.open(path, "w") as f:
        f.write(fst24.Record(data=np.zeros(2, np.float32), nomvar="A"))
    path.chmod(0)
    try:
        if os.geteuid() != 0:
            with pytest.raises(fst24.PermissionError, match=str(path)):
                fst24.open(path)
            return
        # root bypasses file modes: check in a forked child that drops to an unprivileged user
        # (the already-imported package is used; the interpreter under /root is not needed)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.setgid(65534)
                os.setuid(65534)
                try:
                    fst24.open(path)
                except fst24.PermissionError as e:
                    code = 0 if str(path) in str(e) else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    finally:
        path.chmod(0o644)
        path.unlink()
        base.rmdir()


def test_corrupt_file(tmp_path: Path) -> None:
    data = MODEL.read_bytes()
    path = tmp_path / "truncated.fst"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises((fst24.CorruptFileError, fst24.NotFSTError)) as ei:
        with fst24.open(path) as f:
            for rec in f:
                rec.data
    assert str(path) in str(ei.value)


def test_closed_file() -> None:
    f = fst24.open(MODEL)
    rec = f[0]
    q = f.find()
    f.close()
    f.close()  # idempotent
    assert f.closed
    with pytest.raises(fst24.ClosedFileError, match="closed"):
        len(f)
    with pytest.raises(fst24.ClosedFileError):
        list(q)
    with pytest.raises(fst24.ClosedFileError):
        rec.data
    with pytest.raises(ValueError):  # like io's closed files
        f.find_one(nomvar="TT")


def test_bad_mode_and_backend(tmpfst: Path) -> None:
    with pytest.raises(fst24.InvalidArgumentError, match="mode"):
        fst24.open(tmpfst, "rw")
    with pytest.raises(fst24.InvalidArgumentError, match="backend"):
        fst24.open(tmpfst, "w", backend="zip")


# ---- threads ---------------------------------------------------------------

def test_concurrent_reads_equal_serial() -> None:
    with fst24.open(MODEL) as f:
        recs = list(f)
        serial = {r.key: r.read().tobytes() for r in recs}
        rng = random.Random(7)
        picks = [[rng.randrange(len(recs)) for _ in range(60)] for _ in range(8)]
        results: list[list[tuple[int, bytes]]] = [[] for _ in range(8)]
        errors: list[BaseException] = []

        def work(t: int) -> None:
            try:
                for i in picks[t]:
                    rec = f.get(recs[i].key)  # fresh record: no shared cache
                    results[t].append((rec.key, rec.read().tobytes()))
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        for t in range(8):
            assert len(results[t]) == 60
            for key, data in results[t]:
                assert data == serial[key]


@pytest.mark.parametrize("backend", ["rsf", "xdf"])
def test_writer_and_readers_on_one_file(tmpfst: Path, backend: str) -> None:
    n = 120
    with fst24.open(tmpfst, "w", backend=backend) as f:
        errors: list[BaseException] = []
        done = threading.Event()

        def writer() -> None:
            try:
                for i in range(n):
                    f.write(fst24.Record(data=np.full((8, 8), i, np.float32), nomvar="W", ip1=i))
                    if i % 10 == 0:
                        f.flush()
            except BaseException as e:  # pragma: no cover
                errors.append(e)
            finally:
                done.set()

        def reader() -> None:
            try:
                while not done.is_set():
                    for rec in f.find(nomvar="W"):
                        d = rec.read()
                        assert d.shape == (8, 8, 1)
                        assert np.all(d == rec.ip1)
            except BaseException as e:  # pragma: no cover
                errors.append(e)

        threads = [threading.Thread(target=writer)] + [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors[:3]
        assert len(f) == n
    with fst24.open(tmpfst) as f:
        assert sorted(r.ip1 for r in f) == list(range(n))


def test_close_while_reading_is_safe() -> None:
    for _ in range(5):
        f = fst24.open(MODEL)
        recs = list(f)
        errors: list[BaseException] = []

        def reader() -> None:
            try:
                for r in recs:
                    r.read()
            except fst24.ClosedFileError:
                pass
            except BaseException as e:  # pragma: no cover
                errors.append(e)

        ts = [threading.Thread(target=reader) for _ in range(3)]
        for t in ts:
            t.start()
        f.close()
        for t in ts:
            t.join()
        assert not errors


# ---- resources ---------------------------------------------------------------

def _rss_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_open_read_close_cycles_keep_rss_flat() -> None:
    path = ref_file("types.xdf.fst")
    for _ in range(200):  # warm up allocator and caches
        with fst24.open(path) as f:
            f[0].data
    gc.collect()
    before = _rss_kib()
    for _ in range(10_000):
        with fst24.open(path) as f:
            f[0].data
            q = f.find(nomvar="R16")
            assert q.first() is not None
    gc.collect()
    after = _rss_kib()
    assert after - before < 4 * 1024, f"RSS grew by {after - before} KiB"


def test_write_cycles_keep_rss_flat(tmpfst: Path) -> None:
    data = np.arange(1000, dtype=np.float32)

    def cycle(backend: str) -> None:
        with fst24.open(tmpfst, "w", backend=backend) as f:
            f.write(fst24.Record(data=data, nomvar="A", ip1=1))
            f.write(fst24.Record(data=data, nomvar="A", ip1=1), rewrite="yes")
        with fst24.open(tmpfst) as f:
            assert f.find_one(nomvar="A").data[5, 0, 0] == 5.0

    for i in range(100):
        cycle("rsf" if i % 2 else "xdf")
    gc.collect()
    before = _rss_kib()
    for i in range(2000):
        cycle("rsf" if i % 2 else "xdf")
    gc.collect()
    after = _rss_kib()
    assert after - before < 4 * 1024, f"RSS grew by {after - before} KiB"


def test_memory_limit() -> None:
    with fst24.open(MODEL) as f:
        rec = f.find_one(nomvar="TT")
        nbytes = rec.ni * rec.nj * rec.nk * 4
        base = fst24.memory_usage()
        try:
            fst24.set_memory_limit(base + nbytes // 2)
            with pytest.raises(fst24.MemoryLimitError, match="limit"):
                rec.data
            assert fst24.memory_usage() == base  # nothing kept
            with pytest.raises(fst24.MemoryLimitError):
                f.read(list(f.find(nomvar="TT")))
            fst24.set_memory_limit(None)
            d = rec.data
            assert fst24.memory_usage() >= base + nbytes
            del d
            rec._data = None
            gc.collect()
            assert fst24.memory_usage() == base
        finally:
            fst24.set_memory_limit(None)
    fst24.enable_thread_safety()


@pytest.mark.parametrize("path", [MODEL, MODEL_RSF], ids=["xdf", "rsf"])
def test_views_are_zero_copy_and_outlive_the_file(path: Path) -> None:
    old = fst24.get_mmap_threshold()
    fst24.set_mmap_threshold(0)  # map every file
    try:
        f = fst24.open(path)
        assert f.mapped
        rec = next(r for r in f if r.data_type == 5 and r.pack_bits == 32)
        v = rec.view()
        assert not v.flags.writeable
        assert v.dtype == np.dtype(">f4" if f.backend == "xdf" else "<f4")
        assert v.shape == (rec.ni, rec.nj, rec.nk)
        decoded = rec.read()
        np.testing.assert_array_equal(v, decoded)
        packed = next((r for r in f if r.data_type != 5), None)
        if packed is not None:
            with pytest.raises(fst24.UnsupportedError):
                packed.view()
        f.close()
        assert not f.mapped
        np.testing.assert_array_equal(v, decoded)  # mapping kept alive by the view
    finally:
        fst24.set_mmap_threshold(old)


# ---- helpers ---------------------------------------------------------------

def test_decode_and_encode_ip_arrays() -> None:
    codes = np.array([41394464, 95365536, 12010, 0], np.int32)
    values, kinds = fst24.decode_ip(codes)
    assert values.shape == kinds.shape == (4,)
    assert (values[0], kinds[0]) == (500.0, 2)
    again = fst24.encode_ip(values[:2], kinds[:2])
    np.testing.assert_array_equal(again, codes[:2])
    assert int(fst24.encode_ip(500.0, 2, style="old")) == 500 or int(fst24.encode_ip(500.0, 2, style="old")) < 32768
    assert fst24.format_ip(41394464) == "500 mb"
    with pytest.raises(fst24.InvalidArgumentError):
        fst24.encode_ip(1.0, 2, style="medium")


def test_ip_vectors() -> None:
    import csv
    path = corpus_file("ref/vectors/ip_decode_vectors.tsv")
    with path.open() as fh:
        rows = list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))
    assert rows
    cols = list(rows[0])
    ip = np.array([int(r[cols[0]]) for r in rows], np.int64).astype(np.int32)
    values, kinds = fst24.decode_ip(ip)
    kcol = next(c for c in cols if "kind" in c)
    vcol = next(c for c in cols if "value" in c or c in ("p", "level"))
    for r, v, k in zip(rows, values.tolist(), kinds.tolist()):
        assert k == int(r[kcol]), r
        assert v == pytest.approx(float(r[vcol]), rel=1e-6, abs=1e-12), r


def test_dates() -> None:
    import datetime as dt
    when = dt.datetime(2024, 1, 15, 12, 0, 0)
    stamp = fst24.datetime_to_stamp(when)
    assert stamp == 470646800  # the corpus files' date
    arr = fst24.stamp_to_datetime(np.array([stamp, 0, -1], np.int64))
    assert arr.dtype == np.dtype("datetime64[s]")
    assert arr[0] == np.datetime64("2024-01-15T12:00:00")
    assert np.isnat(arr[1]) and np.isnat(arr[2])
    back = fst24.datetime_to_stamp(np.array(["2024-01-15T12:00:00", "1995-06-01T00:00:00"], "datetime64[s]"))
    assert back[0] == stamp
    assert fst24.stamp_to_datetime(int(back[1])) == np.datetime64("1995-06-01T00:00:00")


def test_date_vectors() -> None:
    import csv
    import datetime as dt
    path = corpus_file("ref/vectors/date_vectors.tsv")
    with path.open() as fh:
        rows = list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))
    checked = 0
    for r in rows:
        if r["rc_mode3"] != "0":
            continue  # librmn refused the printable date
        stamp, ymd, hms = int(r["stamp"]), int(r["yyyymmdd"]), int(r["hhmmsshh"])
        try:
            when = dt.datetime(ymd // 10000, ymd // 100 % 100, ymd % 100, hms // 1000000,
                               hms // 10000 % 100, hms // 100 % 100)
        except ValueError:
            continue  # librmn also accepts e.g. 12:60 (carried over); datetime cannot hold it
        assert fst24.datetime_to_stamp(when) == stamp, r
        if r["rc_mode_m3"] == "0":
            back = int(r["back_yyyymmdd"]), int(r["back_hhmmsshh"])
            got = fst24.stamp_to_datetime(stamp).astype(dt.datetime)
            assert (got.year * 10000 + got.month * 100 + got.day,
                    got.hour * 1000000 + got.minute * 10000 + got.second * 100) == back, r
        checked += 1
    assert checked > 50


def test_grid_latlon() -> None:
    with fst24.open(ref_file("grids.xdf.fst")) as f:
        rec = next(r for r in f if r.grtyp == "L" and r.nj > 1)
        lat, lon = fst24.grid_latlon(rec)
        assert lat.shape == (rec.ni, rec.nj)
        assert np.all(np.abs(lat) <= 90) and np.all((lon >= 0) & (lon < 360))
        assert lat[0, 1] > lat[0, 0]  # L grids go south to north


def test_ext_meta_round_trip(tmpfst: Path) -> None:
    meta = {"units": "K", "description": "air temperature"}
    with fst24.open(tmpfst, "w", backend="rsf") as f:
        f.write(fst24.Record(data=np.zeros((2, 2), np.float32), nomvar="TT", ext_meta=meta))
        f.write(fst24.Record(data=np.zeros((2, 2), np.float32), nomvar="HU"))
    with fst24.open(tmpfst) as f:
        assert f.find_one(nomvar="TT").ext_meta == meta
        assert f.find_one(nomvar="HU").ext_meta == {}
        assert [r.nomvar for r in f.find(ext_meta={"units": "K"})] == ["TT"]


def test_corpus_ext_meta() -> None:
    path = ref_file("meta.rsf.fst")
    _, dump = load_dump(path)
    import json
    with fst24.open(path) as f:
        for rec, exp in zip(f, dump):
            if "ext_meta" in exp:
                assert rec.ext_meta == json.loads(exp["ext_meta"])


def test_view_of_a_file_being_written(tmpfst: Path) -> None:
    arr = np.arange(12, dtype=np.float32).reshape(3, 4)
    with fst24.open(tmpfst, "w", backend="rsf") as f:
        rec = fst24.Record(data=arr, nomvar="V")
        f.write(rec)
        v = rec.view()
        np.testing.assert_array_equal(v[:, :, 0], arr)
        f.write(fst24.Record(data=arr * 2, nomvar="W"))
        w = f.find_one(nomvar="W").view()  # remapped to cover the new record
        np.testing.assert_array_equal(w[:, :, 0], arr * 2)
        np.testing.assert_array_equal(v[:, :, 0], arr)  # the old view is still valid


@pytest.mark.parametrize("backend", ["xdf", "rsf"])
def test_garbage_collected_file_is_flushed_and_closed(tmpfst: Path, backend: str) -> None:
    f = fst24.open(tmpfst, "w", backend=backend)
    f.write(fst24.Record(data=np.arange(6, dtype=np.float32), nomvar="GC"))
    del f
    gc.collect()
    with fst24.open(tmpfst, "r+") as g:  # the writer released the file
        assert [r.nomvar for r in g] == ["GC"]
        g.write(fst24.Record(data=np.zeros(2, np.float32), nomvar="GC2"))
    with fst24.open(tmpfst) as g:
        assert len(g) == 2


def test_open_many_glob_and_member_close(tmp_path: Path) -> None:
    for i in range(3):
        with fst24.open(tmp_path / f"part{i}.fst", "w", backend="rsf" if i % 2 else "xdf") as f:
            for j in range(4):
                f.write(fst24.Record(data=np.full(3, 10 * i + j, np.float32), nomvar=f"P{i}", ip1=j))
    fs = fst24.open_many(str(tmp_path / "part*.fst"))
    assert len(fs) == 12
    assert [len(f) for f in fs.files] == [4, 4, 4]
    recs = fs.find(ip1=2).all()
    assert [r.nomvar for r in recs] == ["P0", "P1", "P2"]
    assert [r.file.path for r in recs] == [str(tmp_path / f"part{i}.fst") for i in range(3)]
    arrays = fs.read(recs)
    assert [float(a[0, 0, 0]) for a in arrays] == [2.0, 12.0, 22.0]
    assert fst24.open_many([tmp_path / "part0.fst"]).find_one(ip1=3).data[0, 0, 0] == 3.0
    recs[1].file.close()  # closing a member closes the whole set
    assert fs.closed and all(f.closed for f in fs.files)
    with pytest.raises(fst24.ClosedFileError):
        len(fs)
    with pytest.raises(fst24.FileNotFoundError, match="nothing"):
        fst24.open_many(str(tmp_path / "nothing*.fst"))


def test_find_by_datetime() -> None:
    import datetime as dt
    _, dump = load_dump(MODEL)
    stamp = dump[-1]["datev"]
    when = fst24.stamp_to_datetime(stamp).astype(dt.datetime)
    with fst24.open(MODEL) as f:
        assert len(f.find(datev=when)) == sum(r["datev"] == stamp for r in dump)
        assert len(f.find(datev=np.datetime64(when))) == len(f.find(datev=stamp))


def test_missing_values_and_raw() -> None:
    mv = fst24.missing_values()
    info, dump = load_dump(ref_file("types.xdf.fst"))
    assert mv["f32"] == pytest.approx(info["missing_values"]["f32"])
    assert mv["i32"] == info["missing_values"]["i32"]
    with fst24.open(ref_file("types.xdf.fst")) as f:
        for rec, exp in zip(f, dump):
            if exp.get("missing_count"):
                d = rec.data
                if d.dtype == np.float32:
                    assert int(np.sum(d == np.float32(mv["f32"]))) == exp["missing_count"]
                    raw = rec.read(raw_missing=True)
                    assert not np.any(raw == np.float32(mv["f32"]))
                    break
        else:
            pytest.fail("types.xdf.fst has a float record with missing values")


def test_shared_records_from_many_threads() -> None:
    with fst24.open(MODEL_RSF) as f:
        recs = list(f)
        expected = [r.read().tobytes() for r in recs]
        fresh = list(f)  # same records, nothing cached yet
        errors: list[BaseException] = []

        def work(offset: int) -> None:
            try:
                for i in range(len(fresh)):
                    j = (i + offset * 61) % len(fresh)
                    assert fresh[j].data.tobytes() == expected[j]
                    q = f.find(nomvar=fresh[j].nomvar, ip1=fresh[j].ip1)
                    assert any(r.key == fresh[j].key for r in q)
            except BaseException as e:  # pragma: no cover
                errors.append(e)

        threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors[:2]


def test_private_read_checks_buffer_sizes() -> None:
    with fst24.open(MODEL) as f:
        rec = f.find_one(nomvar="TT")
        with pytest.raises(fst24.InvalidArgumentError, match="needs"):
            rec._read_into(np.empty(10, np.float32))
        with pytest.raises(fst24.InvalidArgumentError, match="needs"):
            fst24._core.read_many([rec], [np.empty(10, np.float32)], 1, False)
        with pytest.raises(fst24.InvalidArgumentError, match="out must be"):
            f.read([rec], out=np.empty((3, 3, 2), np.float32))


@pytest.mark.parametrize("name", ["meta.rsf.fst", "types.rsf.fst", "types.xdf.fst", "grids.rsf.fst"])
def test_every_viewable_record_views_its_data(name: str) -> None:
    with fst24.open(ref_file(name)) as f:
        seen = 0
        for rec in f:
            if rec._viewable():
                seen += 1
                np.testing.assert_array_equal(rec.view(), rec.read())
        assert seen >= 1
