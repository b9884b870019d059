"""`fst24 select` (editfst) and `fst24 rm`: selections, merges, header edits (zaps), re-encoding,
dense copies of sparse parallel RSF files, safety of the output, deletions in place — checked
by `fst24 dump` and, when it is installed, by librmn itself (rpnpy)."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import fst24
from cli_util import dump, make_fixture, run

try:  # librmn through rpnpy (bundled by fstd2nc): optional peer, as in test_peer_librmn.py
    import fstd2nc  # noqa: F401
    import rpnpy.librmn.all as rmn
except Exception:  # pragma: no cover - depends on the machine
    rmn = None

needs_librmn = pytest.mark.skipif(rmn is None, reason="peer rpnpy/librmn not installed "
                                  "(pip install fstd2nc fstd2nc-deps)")

# what a copy keeps: everything but the position in the file
SAME = ("nomvar", "typvar", "etiket", "grtyp", "ip1", "ip2", "ip3", "ni", "nj", "nk", "dateo", "datev", "deet",
        "npas", "datyp", "nbits", "data_bits", "ig1", "ig2", "ig3", "ig4", "hash", "min", "max", "missing_count")


def strip(recs: list[dict[str, Any]], fields: tuple[str, ...] = SAME) -> list[dict[str, Any]]:
    return [{k: r.get(k) for k in fields} for r in recs]


@pytest.fixture(scope="module")
def src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("select") / "src.fst"
    make_fixture(path)
    return path


@pytest.mark.parametrize("backend", ["xdf", "rsf"])
def test_select_copies_payloads_unchanged(src: Path, tmp_path: Path, backend: str) -> None:
    out = tmp_path / f"tt.{backend}"
    proc = run("select", src, "-o", out, "--where", "nomvar=TT", "--where", "nomvar=GZ,ip1=500mb",
               "--backend", backend, check=0)
    assert proc.stdout == f"12 records written to {out} ({backend.upper()})\n"
    want = [r for r in dump(src) if r["nomvar"] == "TT  " or (r["nomvar"] == "GZ  " and r["ip1"] == 500)]
    assert strip(dump(out)) == strip(want)
    assert fst24.detect(out) == backend
    run("check", out, check=0)


def test_select_merges_inputs_in_order(src: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.rsf"
    make_fixture(other, "rsf", ni=20, nj=10)
    out = tmp_path / "merged.fst"
    run("select", other, src, "-o", out, "--exclude", "nomvar=MK,PR", check=0)
    assert fst24.detect(out) == "rsf"  # the first input's backend
    want = [r for r in dump(other) + dump(src) if r["nomvar"] not in ("MK  ", "PR  ")]
    assert len(want) == 48 and strip(dump(out)) == strip(want)
    # --append adds to an existing file, keeping its backend
    proc = run("select", src, "-o", out, "--append", "--where", "nomvar=MK", check=0)
    assert proc.stdout == f"3 records appended to {out} (RSF)\n"
    assert strip(dump(out)) == strip(want + [r for r in dump(src) if r["nomvar"] == "MK  "])
    proc = run("select", src, "-o", out, "--append", "--backend", "xdf", check=1)
    assert "keeps its backend" in proc.stderr


def test_zaps_edit_headers_only(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "zapped.fst"
    run("select", src, "-o", out, "--where", "nomvar=TT,ip2=6", "--zap", "nomvar=TX,etiket=ZAPPED",
        "--zap", "ip1=0.5hy,ip3=7,ig1=11,typvar=A", check=0)
    before, after = dump(src, "--where", "nomvar=TT,ip2=6"), dump(out)
    assert len(after) == 3
    hy = int(fst24.encode_ip(0.5, 5))
    for b, a in zip(before, after):
        assert (a["nomvar"], a["etiket"], a["typvar"], a["ip1"], a["ip3"], a["ig1"]) == \
            ("TX  ", "ZAPPED      ", "A ", hy, 7, 11)
        for k in ("hash", "datyp", "nbits", "ip2", "datev", "dateo", "deet", "npas"):
            assert a[k] == b[k], k
    # dates: a datev zap moves dateo with it (deet*npas = 6 h); a dateo zap moves datev
    out2 = tmp_path / "dates.fst"
    run("select", src, "-o", out2, "--where", "nomvar=UU,ip2=6", "--zap", "datev=2025-02-01T06:00,ip2=6h", check=0)
    (rec,) = dump(out2)
    assert rec["datev"] == fst24.datetime_to_stamp(np.datetime64("2025-02-01T06:00"))
    assert rec["dateo"] == fst24.datetime_to_stamp(np.datetime64("2025-02-01T00:00"))
    assert rec["ip2"] == int(fst24.encode_ip(6.0, 10))
    out3 = tmp_path / "dateo.fst"
    run("select", src, "-o", out3, "--where", "nomvar=UU,ip2=6", "--zap", "dateo=2025-02-01,npas=36", check=0)
    (rec,) = dump(out3)
    assert rec["dateo"] == fst24.datetime_to_stamp(np.datetime64("2025-02-01T00:00"))
    assert rec["datev"] == fst24.datetime_to_stamp(np.datetime64("2025-02-01T03:00"))


def test_encoding_zap_reencodes(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "e32.fst"
    run("select", src, "-o", out, "--where", "nomvar=TT,GZ", "--zap", "datyp=5,nbits=32", check=0)
    before, after = dump(src, "--where", "nomvar=TT,GZ"), dump(out)
    assert all(a["datyp"] == 5 and a["nbits"] == 32 for a in after)
    assert [a["hash"] for a in after] == [b["hash"] for b in before]  # E32 keeps the decoded values
    run("diff", src, out, "--where", "nomvar=TT,GZ", check=0)
    small = tmp_path / "r8.fst"
    run("select", src, "-o", small, "--where", "nomvar=TT", "--zap", "datyp=1,nbits=8", check=0)
    assert {r["nbits"] for r in dump(small)} == {8}
    run("diff", src, small, "--where", "nomvar=TT", check=1)
    run("diff", src, small, "--where", "nomvar=TT", "--packerr", check=0)


@pytest.mark.parametrize("zap,needle", [
    ("bogus=1", 'unknown field "bogus"'), ("nomvar=TOOLONG", "longer than 4"), ("ip1=5xx", "unknown unit"),
    ("datev=2024-02-30", "not a date"), ("deet=x", "not an integer"), ("nomvar", "not FIELD=VALUE"),
])
def test_bad_zaps(src: Path, tmp_path: Path, zap: str, needle: str) -> None:
    proc = run("select", src, "-o", tmp_path / "x.fst", "--zap", zap, check=2)
    assert needle in proc.stderr and proc.stderr.count("\n") == 1
    assert not (tmp_path / "x.fst").exists()


def test_output_safety(src: Path, tmp_path: Path) -> None:
    copy = tmp_path / "in.fst"
    copy.write_bytes(src.read_bytes())
    link = tmp_path / "link.fst"
    os.symlink(copy, link)
    for args in ([copy, "-o", copy], [src, copy, "-o", link], [copy, "-o", copy, "--append"]):
        proc = run("select", *args, check=2)
        assert "is also an input" in proc.stderr
    assert copy.read_bytes() == src.read_bytes()
    # a failure half way leaves an existing OUT as it was and creates no new one
    bad = tmp_path / "bad.fst"
    bad.write_text("not a standard file\n" * 10)
    out = tmp_path / "out.fst"
    proc = run("select", src, bad, "-o", out, check=1)
    assert str(bad) in proc.stderr and not out.exists()
    out.write_bytes(b"precious")
    run("select", src, bad, "-o", out, check=1)
    assert out.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir() if "tmp" in p.name] == []
    run("select", src, "-o", tmp_path / "nodir" / "x.fst", check=1)


def test_dense_copy_of_sparse_parallel_rsf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FST_OPTIONS", "SEGMENT_SIZE_MB=8")
    par = tmp_path / "parallel.rsf"
    rng = np.random.default_rng(5)
    writers = [fst24.open(par, "a", "rsf", parallel=True) for _ in range(3)]
    for k in range(4):
        for w, f in enumerate(writers):
            f.write(fst24.Record(data=np.asfortranarray(rng.normal(size=(30, 20)).astype(np.float32)),
                                 nomvar="PX", ip1=w, ip2=k))
            f.flush()
    for f in writers:
        f.close()
    monkeypatch.delenv("FST_OPTIONS")
    apparent = par.stat().st_size
    assert apparent > 8 * 2**20  # reserved segments
    out = tmp_path / "dense.rsf"
    run("select", par, "-o", out, check=0)
    assert out.stat().st_size < 64 * 1024 < apparent
    assert sorted(strip(dump(out)), key=str) == sorted(strip(dump(par)), key=str)
    assert len(dump(out)) == 12
    run("check", out, check=0)


@pytest.mark.parametrize("backend", ["xdf", "rsf"])
def test_rm_deletes_in_place(src: Path, tmp_path: Path, backend: str) -> None:
    path = tmp_path / f"rm.{backend}"
    run("convert", "--backend", backend, src, path, check=0)
    before = dump(path)
    snapshot = path.read_bytes()
    proc = run("rm", path, "--where", "nomvar=GZ,ip1=850mb..500mb", "--where", "nomvar=MK", "--dry-run", check=0)
    lines = proc.stdout.splitlines()
    assert len(lines) == 10 and all(" would delete " in l for l in lines[:-1])
    assert lines[-1] == f"{path}: 9 records would be deleted, 21 remain"
    assert path.read_bytes() == snapshot
    proc = run("rm", "-q", path, "--where", "nomvar=GZ,ip1=850mb..500mb", "--where", "nomvar=MK", check=0)
    assert proc.stdout == f"{path}: 9 records deleted, 21 remain\n"
    gone = lambda r: r["nomvar"] == "MK  " or (r["nomvar"] == "GZ  " and r["ip1"] in (850, 500))  # noqa: E731
    assert strip(dump(path)) == strip([r for r in before if not gone(r)])
    run("check", path, check=0)
    assert run("rm", path, "--where", "nomvar=XX", check=0).stdout.endswith("0 records deleted, 21 remain\n")
    proc = run("rm", path, check=2)
    assert "--where is required" in proc.stderr


def test_rm_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.fst"
    bad.write_text("nope\n" * 50)
    proc = run("rm", bad, "--where", "nomvar=TT", check=1)
    assert str(bad) in proc.stderr and proc.stderr.count("\n") == 1


@needs_librmn
def test_librmn_reads_select_zap_and_rm_results(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "peer.fst"
    run("select", src, "-o", out, "--backend", "xdf", "--where", "nomvar=TT,GZ,UU", "--zap",
        "etiket=PEER,ip3=5", check=0)
    run("select", src, "-o", out, "--append", "--where", "nomvar=PR", "--zap", "nomvar=PZ,datev=2025-01-01T12:00",
        check=0)
    run("rm", out, "--where", "nomvar=GZ,ip2=12", check=0)
    with fst24.open(out) as f:
        ours = {(r.nomvar, r.ip1, r.ip2): r for r in f}
        assert len(ours) == 9 + 9 + 3 + 3 - 3  # TT GZ UU PR, less GZ at 12 h
        unit = rmn.fstopenall(str(out), rmn.FST_RO)
        try:
            keys = rmn.fstinl(unit)
            assert len(keys) == len(ours)
            for key in keys:
                theirs = rmn.fstluk(key)
                rec = ours[(theirs["nomvar"].strip(), theirs["ip1"], theirs["ip2"])]
                for k in ("ip3", "datev", "dateo", "deet", "npas", "ni", "nj"):
                    assert theirs[k] == getattr(rec, k), (rec.nomvar, k)
                assert theirs["etiket"].strip() == rec.etiket
                assert theirs["etiket"].strip() == ("PEER" if rec.nomvar != "PZ" else "FIXTURE")
                values = rec.read(raw_missing=True)
                got = np.asarray(theirs["d"]).reshape(values.shape, order="F")
                assert np.array_equal(got.astype(values.dtype), values), rec.nomvar
        finally:
            rmn.fstcloseall(unit)
