"""The metadata index (fst24.index / index_arrow / read): schema, agreement with
librmn's dumps and with Record, grid ids and vcodes, Arrow consumers, the
Parquet cache, selection back to data, and dask.distributed.

Files written here (``fixtures``) make every test but the corpus ones run
without the shared corpus.
"""
from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import fst24
from conftest import CORPUS, corpus_dumps, load_dump

pl = pytest.importorskip("polars")

needs_corpus = pytest.mark.skipif(not (CORPUS / "ref").is_dir(), reason=f"corpus not found at {CORPUS}")

EXPECTED_DTYPES = {
    "path": pl.Categorical, "key": pl.Int64, "file_offset": pl.Int64, "total_stored_bytes": pl.Int64,
    "nomvar": pl.String, "typvar": pl.String, "etiket": pl.String, "grtyp": pl.String,
    "ip1": pl.Int32, "ip2": pl.Int32, "ip3": pl.Int32, "ni": pl.Int32, "nj": pl.Int32, "nk": pl.Int32,
    "dateo": pl.Int32, "datev": pl.Int32, "deet": pl.Int32, "npas": pl.Int32,
    "data_type": pl.UInt8, "data_bits": pl.UInt8, "pack_bits": pl.UInt8,
    "ig1": pl.Int32, "ig2": pl.Int32, "ig3": pl.Int32, "ig4": pl.Int32,
    "level": pl.Float64, "level_kind": pl.Int8, "level_unit": pl.String,
    "ip2_value": pl.Float64, "ip2_kind": pl.Int8, "ip3_value": pl.Float64, "ip3_kind": pl.Int8,
    "dateo_time": pl.Datetime("us", "UTC"), "datev_time": pl.Datetime("us", "UTC"),
    "forecast_period": pl.Duration("us"), "data_type_name": pl.String,
    "compressed": pl.Boolean, "has_missing": pl.Boolean, "grid_id": pl.Int64,
    "is_descriptor": pl.Boolean, "vcode": pl.Int32,
}

# ---- fixtures written by the tests ----------------------------------------------------

E_IG = fst24.xg_to_ig("E", (45.0, 260.0, 45.0, 300.0))
L_IG = fst24.xg_to_ig("L", (40.0, 250.0, 0.5, 0.5))
ORIGIN = dt.datetime(2024, 1, 15, 12)


def hybrid(v: float) -> int:
    return int(fst24.encode_ip(v, 5))


def pressure(v: float) -> int:
    return int(fst24.encode_ip(v, 2))


def write_model(path: Path, backend: str, axis_shift: float = 0.0, tags: tuple[int, int, int] = (1001, 1002, 0),
                axis_dtype: Any = np.float32) -> None:
    """A small GEM-like file: a Z grid (>> ^^), a !! (vcode 5005), TT on hybrid
    levels at two hours, UU on pressure levels, ME on an L grid."""
    ni, nj = 6, 4
    ax = (np.arange(ni, dtype=np.float32) * 2 + 10 + axis_shift).reshape(ni, 1).astype(axis_dtype)
    ay = (np.arange(nj, dtype=np.float32) - 2).reshape(1, nj).astype(axis_dtype)
    t1, t2, t3 = tags
    with fst24.open(path, "w", backend=backend) as f:
        for name, data in ((">>", ax), ("^^", ay)):
            f.write(fst24.Record(data=data, nomvar=name, typvar="X", grtyp="E", ip1=t1, ip2=t2, ip3=t3,
                                 ig1=E_IG[0], ig2=E_IG[1], ig3=E_IG[2], ig4=E_IG[3], dateo=ORIGIN))
        table = np.arange(3 * 5, dtype=np.float64).reshape(3, 5)
        f.write(fst24.Record(data=table, nomvar="!!", typvar="X", grtyp="X", ip1=t1, ip2=t2, ig1=5005,
                             etiket="STG_CP_GEMV4"))
        rng = np.random.default_rng(7)
        for hour in (0, 6):
            for lev in (0.5, 0.9, 1.0):
                f.write(fst24.Record(data=rng.normal(270, 5, (ni, nj)).astype(np.float32), nomvar="TT",
                                     typvar="P", etiket="RUN", grtyp="Z", ip1=hybrid(lev), ip2=hour,
                                     ig1=t1, ig2=t2, ig3=t3, dateo=ORIGIN, deet=300, npas=hour * 12,
                                     data_type=1, pack_bits=16))
            for p in (500.0, 850.0):
                f.write(fst24.Record(data=rng.normal(0, 10, (ni, nj)).astype(np.float32), nomvar="UU",
                                     typvar="P", grtyp="Z", ip1=pressure(p), ip2=hour, ig1=t1, ig2=t2, ig3=t3,
                                     dateo=ORIGIN, deet=300, npas=hour * 12, data_type=134, pack_bits=16))
        f.write(fst24.Record(data=np.ones((5, 3), np.float32), nomvar="ME", typvar="C", grtyp="L",
                             ig1=L_IG[0], ig2=L_IG[1], ig3=L_IG[2], ig4=L_IG[3], dateo=ORIGIN))


@pytest.fixture
def fixtures(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "xdf": tmp_path / "model.xdf.fst",
        "rsf": tmp_path / "model.rsf.fst",
        "other_axes": tmp_path / "other_axes.fst",
        "other_tags": tmp_path / "other_tags.fst",
        "axes_e64": tmp_path / "axes_e64.fst",
    }
    write_model(paths["xdf"], "xdf")
    write_model(paths["rsf"], "rsf")
    write_model(paths["other_axes"], "xdf", axis_shift=0.5)
    write_model(paths["other_tags"], "rsf", tags=(77, 78, 1))
    write_model(paths["axes_e64"], "xdf", axis_dtype=np.float64)
    return paths


# ---- schema and values against Record ------------------------------------------------

def test_schema_and_dtypes(fixtures: dict[str, Path]) -> None:
    df = fst24.index(fixtures["xdf"])
    assert list(df.columns) == list(EXPECTED_DTYPES)
    assert list(fst24.metadata.COLUMNS) == list(EXPECTED_DTYPES) + ["ext_meta"]
    for name, dtype in EXPECTED_DTYPES.items():
        assert df.schema[name] == dtype, name
    header = fst24.index(fixtures["xdf"], decode=False)
    assert list(header.columns) == list(EXPECTED_DTYPES)[:25]
    picked = fst24.index(fixtures["xdf"], columns=["level", "nomvar", "grid_id"])
    assert picked.columns == ["level", "nomvar", "grid_id"]
    assert picked.equals(df.select(["level", "nomvar", "grid_id"]))
    with pytest.raises(fst24.InvalidArgumentError, match="unknown index column"):
        fst24.index(fixtures["xdf"], columns=["nomvar", "levle"])  # codespell:ignore


def test_values_equal_record_attributes(fixtures: dict[str, Path]) -> None:
    for path in (fixtures["xdf"], fixtures["rsf"]):
        df = fst24.index(path)
        with fst24.open(path) as f:
            recs = list(f)
        assert df.height == len(recs) == 14
        for rec, row in zip(recs, df.iter_rows(named=True)):
            assert row["path"] == str(path)
            for name in fst24.HEADER_FIELDS + ("key", "file_offset", "total_stored_bytes"):
                assert row[name] == getattr(rec, name), name
            value, kind, unit = rec.level
            assert row["level_kind"] == kind
            is_level = kind >= 0 and fst24.kind_info(kind)[3]
            assert row["level"] == (value if is_level else None)
            assert row["level_unit"] == (unit if is_level else None)
            for ip, col in ((rec.ip2, "ip2"), (rec.ip3, "ip3")):
                v, k, _ = fst24.levels.decode_ip1(ip)
                assert row[f"{col}_kind"] == k
                assert row[f"{col}_value"] == (v if k >= 0 else None)
            for which in ("dateo", "datev"):
                want = getattr(rec, f"{which}_datetime")
                got = row[f"{which}_time"]
                assert (got.replace(tzinfo=None) if got is not None else None) == want
            assert row["forecast_period"] == dt.timedelta(seconds=rec.deet * rec.npas)
            assert row["data_type_name"] == f"{rec.type_letters}{rec.pack_bits}"
            assert row["compressed"] == bool(rec.data_type & 128)
            assert row["has_missing"] == bool(rec.data_type & 64)
            assert row["is_descriptor"] == (rec.nomvar in (">>", "^^", "!!"))


def test_decoded_values_of_the_fixture(fixtures: dict[str, Path]) -> None:
    df = fst24.index(fixtures["xdf"])
    tt = df.filter(pl.col("nomvar") == "TT")
    # ConvertIp's float32 values, widened exactly (as Record.level gives them)
    assert sorted(set(tt["level"].to_list())) == [0.5, float(np.float32(0.9)), 1.0]
    assert set(tt["level_kind"].to_list()) == {5}
    assert set(tt["data_type_name"].to_list()) == {"R16"}
    assert tt.filter(pl.col("ip2") == 6)["forecast_period"].to_list() == [dt.timedelta(hours=6)] * 3
    assert tt.filter(pl.col("ip2") == 6)["datev_time"].to_list() == [
        dt.datetime(2024, 1, 15, 18, tzinfo=dt.timezone.utc)] * 3
    assert set(tt["dateo_time"].to_list()) == {ORIGIN.replace(tzinfo=dt.timezone.utc)}
    uu = df.filter(pl.col("nomvar") == "UU")
    assert sorted(set(uu["level"].to_list())) == [500.0, 850.0]
    assert set(uu["level_unit"].to_list()) == {"hPa"}
    # 134 (compressed F16) of such small fields falls back to plain F16 when written
    assert set(uu["data_type_name"].to_list()) == {"F16"} and not uu["compressed"].any()
    toc = df.filter(pl.col("nomvar") == "!!")
    assert toc["dateo_time"].to_list() == [None]  # stamp 0 is not a date


# ---- grid_id and vcode -----------------------------------------------------------------

def test_grid_id_links_fields_and_their_descriptors(fixtures: dict[str, Path]) -> None:
    df = fst24.index(fixtures["xdf"])
    by_name = {n: set(g["grid_id"].to_list()) for (n,), g in df.group_by("nomvar")}
    z = by_name[">>"]
    assert len(z) == 1 and by_name["^^"] == z and by_name["TT"] == z and by_name["UU"] == z
    assert by_name["!!"] == {None}  # vertical descriptors have no horizontal grid
    assert len(by_name["ME"]) == 1 and by_name["ME"] != z
    assert df.filter(pl.col("grid_id").is_not_null())["grid_id"].min() >= 0


def test_grid_id_is_content_based_across_files(fixtures: dict[str, Path]) -> None:
    ids = {k: fst24.index(p).filter(pl.col("nomvar") == "TT")["grid_id"][0] for k, p in fixtures.items()}
    me = {k: fst24.index(p).filter(pl.col("nomvar") == "ME")["grid_id"][0] for k, p in fixtures.items()}
    assert ids["xdf"] == ids["rsf"]          # same grid, other backend
    assert ids["other_tags"] == ids["xdf"]   # same axes under other tags
    assert ids["other_axes"] != ids["xdf"]   # same tags, other axes
    assert ids["axes_e64"] == ids["xdf"]     # the same axis values stored as E64
    assert len(set(me.values())) == 1        # self-describing L grid: equal everywhere
    multi = fst24.index(list(fixtures.values()))
    assert multi.filter(pl.col("nomvar") == "TT")["grid_id"].n_unique() == 2


def test_vcode_of_levels_and_tables(fixtures: dict[str, Path]) -> None:
    df = fst24.index(fixtures["rsf"])
    vc = {n: set(g["vcode"].to_list()) for (n,), g in df.group_by("nomvar")}
    assert vc["!!"] == {5005}
    assert vc["TT"] == {5005}     # hybrid levels, linked by (ig1, ig2) = (ip1, ip2)
    assert vc["UU"] == {None}     # pressure levels: the hybrid table does not describe them
    assert vc["ME"] == {None} and vc[">>"] == {None}


@needs_corpus
def test_corpus_grid_ids_and_vcodes() -> None:
    df = fst24.index(CORPUS / "ref" / "model.xdf.fst")
    z = df.filter(pl.col("nomvar").is_in([">>", "^^"]))["grid_id"].unique().to_list()
    assert len(z) == 1
    data = df.filter(~pl.col("is_descriptor"))
    assert data["grid_id"].unique().to_list() == z
    assert set(df.filter(pl.col("level_kind") == 5)["vcode"].to_list()) == {5005}
    rsf = fst24.index(CORPUS / "ref" / "model.rsf.fst")
    assert rsf["grid_id"].equals(df["grid_id"])


@needs_corpus
def test_every_corpus_field_on_a_linked_grid_finds_its_descriptors() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = pl.concat([fst24.index(CORPUS / "real", errors="ignore"), fst24.index(CORPUS / "ref")])
    linked = df.filter(~pl.col("is_descriptor") & pl.col("grtyp").is_in(["Z", "Y", "U", "#", "O", "M"]))
    assert linked.height > 5000
    ids = df.filter(pl.col("is_descriptor"))["grid_id"].drop_nulls().unique().implode()
    lost = linked.filter(~pl.col("grid_id").is_in(ids))
    assert lost.height == 0, lost.select("path", "nomvar", "grtyp", "ig1", "ig2", "ig3").head(10)
    # rows with a vcode carry levels of the table's kind (near-surface kind 4 rows aside)
    with_vcode = df.filter(~pl.col("is_descriptor") & pl.col("vcode").is_not_null())
    assert with_vcode.height > 5000
    bad = with_vcode.filter((pl.col("vcode") // 1000 != pl.col("level_kind")) & (pl.col("level_kind") != 4))
    assert bad.height == 0


# ---- agreement with librmn's dumps -------------------------------------------------------

DUMPS = corpus_dumps() if (CORPUS / "ref").is_dir() else []
STR_FIELDS = ["nomvar", "typvar", "etiket", "grtyp"]
INT_FIELDS = ["ip1", "ip2", "ip3", "ni", "nj", "nk", "dateo", "datev", "deet", "npas", "data_type",
              "data_bits", "pack_bits", "ig1", "ig2", "ig3", "ig4", "key", "file_offset",
              "total_stored_bytes"]


def _printable(d: dict[str, int]) -> Any:
    if d["rc"] != 0:
        return None
    y, h = d["yyyymmdd"], d["hhmmsshh"]
    return dt.datetime(y // 10000, y // 100 % 100, y % 100, h // 1000000, h // 10000 % 100, h // 100 % 100,
                       (h % 100) * 10000, tzinfo=dt.timezone.utc)


@needs_corpus
@pytest.mark.parametrize("path", DUMPS, ids=[p.name for p in DUMPS])
def test_rows_agree_with_librmn_dump(path: Path) -> None:
    _, expected = load_dump(path)
    df = fst24.index(path)
    assert df.height == len(expected)
    problems = []
    for e, g in zip(expected, df.iter_rows(named=True)):
        for k in STR_FIELDS:
            if e[k].rstrip(" ") != g[k]:
                problems.append((e["seq"], k, e[k], g[k]))
        for k in INT_FIELDS:
            if e[k] != g[k]:
                problems.append((e["seq"], k, e[k], g[k]))
        for dec, value, kind in (("ip1_dec", "level", "level_kind"), ("ip2_dec", "ip2_value", "ip2_kind"),
                                 ("ip3_dec", "ip3_value", "ip3_kind")):
            d = e[dec]
            if d["kind"] != g[kind]:
                problems.append((e["seq"], kind, d, g[kind]))
            shown = d["kind"] >= 0 and (dec != "ip1_dec" or fst24.kind_info(d["kind"])[3])
            want = np.float32(d["value"]) if shown else None
            got = np.float32(g[value]) if g[value] is not None else None
            if want != got:
                problems.append((e["seq"], value, d, g[value]))
        for which in ("dateo", "datev"):
            if _printable(e[f"{which}_printable"]) != g[f"{which}_time"]:
                problems.append((e["seq"], which, e[f"{which}_printable"], g[f"{which}_time"]))
    assert not problems, problems[:20]


@needs_corpus
def test_whole_real_folder_in_file_order() -> None:
    real = CORPUS / "real"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = fst24.index(real, errors="warn")
    skipped = [str(w.message) for w in caught]
    # the two damaged files fst24 refuses (see test_corpus.py DAMAGED) are reported by name
    assert any("fst-tools__zzzz" in m for m in skipped)
    parts = []
    for p in sorted(p for p in real.iterdir() if p.is_file()):
        try:
            parts.append(fst24.index(p))
        except (fst24.NotFSTError, fst24.CorruptFileError):
            continue
    want = pl.concat(parts)
    assert df.height == want.height > 10000
    assert df.drop("path").equals(want.drop("path"))
    assert df["path"].cast(pl.String).to_list() == want["path"].cast(pl.String).to_list()
    order = df["path"].cast(pl.String).unique(maintain_order=True).to_list()
    assert order == sorted(order)
    with pytest.raises(fst24.CorruptFileError, match="zzzz"):
        fst24.index(real)


# ---- sources and errors ----------------------------------------------------------------------

def test_sources_globs_directories_files_and_sets(fixtures: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not an FST file")
    sub = tmp_path / "sub"
    sub.mkdir()
    shutil.copy(fixtures["xdf"], sub / "copy.fst")
    order = sorted(p for p in tmp_path.iterdir() if p.suffix == ".fst")
    by_dir = fst24.index(tmp_path)
    assert by_dir["path"].cast(pl.String).unique(maintain_order=True).to_list() == [str(p) for p in order]
    by_glob = fst24.index(str(tmp_path / "*.fst"))
    assert by_glob.equals(by_dir)
    deep = fst24.index(tmp_path, recursive=True)
    assert deep.height == by_dir.height + 14
    with fst24.open(fixtures["rsf"]) as f:
        assert f.to_polars().drop("path").equals(fst24.index(fixtures["rsf"]).drop("path"))
        assert fst24.index(f).equals(fst24.read_metadata(str(fixtures["rsf"])))
    with fst24.open_many([fixtures["xdf"], fixtures["rsf"]]) as s:
        both = s.to_polars()
    assert both.equals(fst24.index([fixtures["xdf"], fixtures["rsf"]]))
    empty = fst24.index([])
    assert empty.height == 0 and empty.schema == by_dir.schema
    # one stat per path, in one C call: 0 file (or what the index reports), 1 directory, 2 glob pattern
    assert fst24._core.path_kinds([str(fixtures["xdf"]), sub, str(tmp_path / "*.fst"),
                                   str(tmp_path / "missing.fst")]) == bytes([0, 1, 2, 0])
    # a list mixing them keeps its order, directories and globs expanded in place
    mixed = fst24.index([fixtures["rsf"], sub, str(tmp_path / "*.fst"), fixtures["xdf"]])
    runs = [k for k, _ in itertools.groupby(mixed["path"].cast(pl.String).to_list())]
    assert runs == [str(fixtures["rsf"]), str(sub / "copy.fst")] + [str(p) for p in order] + [str(fixtures["xdf"])]


def test_open_file_being_written(tmp_path: Path) -> None:
    path = tmp_path / "growing.fst"
    with fst24.open(path, "w", backend="rsf") as f:
        for i in range(3):
            f.write(fst24.Record(data=np.full((3, 2), i, np.float32), nomvar="GR", ip1=i + 1))
        df = f.to_polars(columns=["nomvar", "ip1", "key"])  # unflushed records included
        assert df.columns == ["nomvar", "ip1", "key"] and df["ip1"].to_list() == [1, 2, 3]
        f.write(fst24.Record(data=np.zeros((3, 2), np.float32), nomvar="GR", ip1=4))
        assert f.to_polars(decode=False).height == 4
        f.flush()  # read() opens the file anew: it sees what was flushed
        arrays = fst24.read([{"path": str(path), "key": k} for k in df["key"]])
    assert [float(a[0, 0, 0]) for a in arrays] == [0.0, 1.0, 2.0]


def test_bad_sources_are_named(fixtures: dict[str, Path], tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not an FST file")
    with pytest.raises(fst24.NotFSTError, match="notes.txt"):
        fst24.index(text)
    with pytest.raises(fst24.FileNotFoundError, match="missing.fst"):
        fst24.index([fixtures["xdf"], tmp_path / "missing.fst"])
    with pytest.raises(fst24.FileNotFoundError, match="nothing"):
        fst24.index(str(tmp_path / "nothing*.fst"))
    with pytest.raises(fst24.InvalidArgumentError):
        fst24.index(fixtures["xdf"], errors="sometimes")
    with pytest.raises(fst24.InvalidArgumentError):
        fst24.index(42)  # type: ignore[arg-type]
    truncated = tmp_path / "truncated.fst"
    truncated.write_bytes(fixtures["xdf"].read_bytes()[:5000])
    with pytest.raises(fst24.CorruptFileError, match="truncated.fst"):
        fst24.index([fixtures["xdf"], truncated])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = fst24.index([fixtures["xdf"], truncated, fixtures["rsf"]], errors="warn")
    assert df.height == 28 and any("truncated.fst" in str(w.message) for w in caught)
    t = fst24.index_arrow([truncated, fixtures["rsf"]], errors="ignore")
    assert len(t) == 14 and [p for p, _ in t.skipped] == [str(truncated)]


def test_ext_meta_column(tmp_path: Path) -> None:
    path = tmp_path / "meta.fst"
    with fst24.open(path, "w", backend="rsf") as f:
        f.write(fst24.Record(data=np.zeros((2, 2), np.float32), nomvar="TT", ext_meta={"unit": "K"}))
        f.write(fst24.Record(data=np.zeros((2, 2), np.float32), nomvar="HU"))
    df = fst24.index(path, ext_meta=True)
    assert df.columns[-1] == "ext_meta" and df.schema["ext_meta"] == pl.String
    import json
    assert json.loads(df["ext_meta"][0]) == {"unit": "K"} and df["ext_meta"][1] is None
    assert "ext_meta" not in fst24.index(path).columns


def test_progress_bar(fixtures: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    files = [fixtures["xdf"], fixtures["rsf"]] * 20
    df = fst24.index(files, progress=True, threads=2)
    assert df.height == 14 * 40
    assert "fst24.index" in capsys.readouterr().err
    fst24.index(files, progress=False)
    assert "fst24.index" not in capsys.readouterr().err


def test_threads_do_not_change_the_result(fixtures: dict[str, Path]) -> None:
    files = list(fixtures.values()) * 5
    one = fst24.index(files, threads=1)
    assert one.equals(fst24.index(files, threads=2)) and one.equals(fst24.index(files))
    with pytest.raises(fst24.InvalidArgumentError):
        fst24.index(files, threads=-1)


def _failing_mid_scan(path: Path) -> Path:
    """An RSF file that opens (its directory is sound) but whose grid descriptor's record
    start is damaged: the index fails while scanning it, after the file was opened."""
    with fst24.open(path, "w", backend="rsf") as f:
        f.write(fst24.Record(data=np.ones((4, 3), np.float32), nomvar="TT", grtyp="Z", ig1=1, ig2=2, ig3=3))
        f.write(fst24.Record(data=np.arange(40, dtype=np.float32), nomvar=">>", grtyp="L", ip1=1, ip2=2, ip3=3))
    with fst24.open(path) as f:
        offset = [r.file_offset for r in f][1]
    raw = bytearray(path.read_bytes())
    raw[offset:offset + 16] = b"\xff" * 16
    path.write_bytes(bytes(raw))
    return path


def test_batches_keep_file_order_with_empty_and_failing_files(fixtures: dict[str, Path], tmp_path: Path) -> None:
    """Files are scanned in batches straight into the index's rows: rows stay in file order
    across batch boundaries, files without records add none, a file that fails after it was
    opened is named (errors="raise") or leaves no gap (errors="ignore"), for 1 and 2 threads."""
    empty = tmp_path / "empty.fst"
    with fst24.open(empty, "w"):
        pass
    bad = _failing_mid_scan(tmp_path / "bad.fst")
    with pytest.raises(fst24.CorruptFileError, match="bad.fst"):
        fst24.index(bad)
    models = list(fixtures.values())
    files = [empty] * 20 + (models + [empty]) * 6 + [bad] + models * 2 + [bad, empty]
    singles = {p: fst24.index(p).with_columns(pl.col("path").cast(pl.String)) for p in set(files) - {bad}}
    assert singles[empty].height == 0 and all(singles[p].height == 14 for p in models)
    want = pl.concat([singles[p] for p in files if p != bad])
    for threads in (1, 2):
        with pytest.raises(fst24.CorruptFileError, match="bad.fst"):
            fst24.index(files, threads=threads)
        t = fst24.index_arrow(files, threads=threads, errors="ignore")
        assert [p for p, _ in t.skipped] == [str(bad)] * 2
        assert t.files == [str(p) for p in files if p != bad]
        assert t.file_rows == [singles[p].height for p in files if p != bad]
        got = t.to_polars().with_columns(pl.col("path").cast(pl.String))
        assert got.equals(want), threads
        nulls = got.null_count()
        assert nulls.equals(want.null_count()) and nulls.sum_horizontal()[0] > 0  # validity bitmaps too


# ---- Arrow consumers ----------------------------------------------------------------------------

def test_pyarrow_pandas_duckdb_consume_index_arrow(fixtures: dict[str, Path]) -> None:
    pa = pytest.importorskip("pyarrow")
    t = fst24.index_arrow(list(fixtures.values()))
    assert len(t) == 70 and t.nbytes > 0 and len(t.files) == 5
    table = pa.table(t)
    assert table.num_rows == 70
    assert table.schema.field("path").type == pa.dictionary(pa.int32(), pa.string())
    assert table.schema.field("datev_time").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("forecast_period").type == pa.duration("us")
    assert table.schema.field("data_type").type == pa.uint8()
    df = fst24.index(list(fixtures.values()))
    assert table.column("nomvar").to_pylist() == df["nomvar"].to_list()
    assert table.column("level").to_pylist() == df["level"].to_list()
    pd = pytest.importorskip("pandas")
    frame = table.to_pandas()
    assert isinstance(frame, pd.DataFrame) and len(frame) == 70
    assert frame["ip1"].tolist() == df["ip1"].to_list()
    if hasattr(pd.DataFrame, "from_arrow"):  # pandas >= 3 takes the PyCapsule stream itself
        direct = pd.DataFrame.from_arrow(t)
        assert direct["nomvar"].tolist() == df["nomvar"].to_list()
        assert str(direct["datev_time"].dtype) == "datetime64[us, UTC]"
        assert int(direct["level"].isna().sum()) == df["level"].null_count()
    duckdb = pytest.importorskip("duckdb")
    counts = duckdb.sql("select nomvar, count(*) as n from t group by nomvar order by nomvar").fetchall()
    assert counts == sorted(df.group_by("nomvar").len().iter_rows())
    # every call of __arrow_c_stream__ is a new, independent stream
    assert pa.table(t).equals(table)
    # a file given twice is one dictionary entry (pandas refuses repeated categories)
    twice = pa.table(fst24.index_arrow([fixtures["xdf"], fixtures["rsf"], fixtures["xdf"]]))
    assert twice.column("path").chunk(0).dictionary.to_pylist() == [str(fixtures["xdf"]), str(fixtures["rsf"])]
    assert twice.to_pandas()["path"].astype(str).tolist()[-14:] == [str(fixtures["xdf"])] * 14


def test_arrow_export_outlives_the_index(fixtures: dict[str, Path]) -> None:
    pa = pytest.importorskip("pyarrow")
    t = fst24.index_arrow(fixtures["xdf"])
    capsule = t.__arrow_c_stream__()
    del t  # the stream holds the C index
    reader = pa.RecordBatchReader._import_from_c_capsule(capsule)
    assert reader.read_all().num_rows == 14


# ---- the Parquet cache -------------------------------------------------------------------------

def test_cache_round_trip_and_second_call_does_not_scan(fixtures: dict[str, Path], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    files = list(fixtures.values())
    plain = fst24.index(files)
    first = fst24.index(files, cache=cache)
    assert first.equals(plain)
    assert len(list(cache.glob("*.parquet"))) == 5

    def no_scan(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the FST files were scanned although the cache holds them")

    monkeypatch.setattr("fst24.metadata._scan", no_scan)
    monkeypatch.setattr("fst24._index_cache._scan", no_scan)
    second = fst24.index(files, cache=cache)
    assert second.equals(plain)
    assert fst24.index(files, cache=cache, decode=False).equals(plain.select(first.columns[:25]))
    monkeypatch.undo()

    # Content replaced behind the cache's back (same size, same mtime): the cache answers,
    # which shows that the file itself is not read.
    st = os.stat(fixtures["xdf"])
    fixtures["xdf"].write_bytes(b"\0" * st.st_size)
    os.utime(fixtures["xdf"], ns=(st.st_atime_ns, st.st_mtime_ns))
    assert fst24.index(files, cache=cache).equals(plain)

    # A changed file (new mtime/size) is scanned again and its old entry replaced.
    with fst24.open(fixtures["rsf"], "a") as f:
        f.write(fst24.Record(data=np.zeros((2, 2), np.float32), nomvar="NEW"))
    third = fst24.index(files[1:], cache=cache)
    assert third.height == plain.height - 14 + 1
    assert third.filter(pl.col("nomvar") == "NEW").height == 1
    assert len(list(cache.glob("*.parquet"))) == 5


def test_cache_with_directories_and_non_fst_files(fixtures: dict[str, Path], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for k in ("xdf", "rsf"):
        shutil.copy(fixtures[k], data / fixtures[k].name)
    (data / "README").write_text("notes")
    (data / "empty.fst").write_bytes(b"")
    cache = tmp_path / "cache"
    first = fst24.index(data, cache=cache, columns=["path", "nomvar", "grid_id"])
    assert first.equals(fst24.index(data, columns=["path", "nomvar", "grid_id"]))
    monkeypatch.setattr("fst24._index_cache._scan", lambda *a, **k: (_ for _ in ()).throw(AssertionError("scanned")))
    assert fst24.index(data, cache=cache, columns=["path", "nomvar", "grid_id"]).equals(first)


# ---- selection back to data -------------------------------------------------------------------------

def test_read_rows_equals_record_data(fixtures: dict[str, Path]) -> None:
    files = [fixtures["xdf"], fixtures["rsf"]]
    df = fst24.index(files)
    sel = df.filter(pl.col("nomvar").is_in(["TT", "UU"]) & (pl.col("ip2") == 6)).sort("nomvar", "level")
    arrays = fst24.read(sel, threads=2)
    assert len(arrays) == sel.height == 10
    for arr, row in zip(arrays, sel.iter_rows(named=True)):
        with fst24.open(row["path"]) as f:
            np.testing.assert_array_equal(arr, f.get(row["key"]).data)
    stacked = fst24.read(sel.filter(pl.col("nomvar") == "TT"), stack=True)
    assert stacked.shape == (6, 4, 6) and stacked.flags.f_contiguous
    for i in range(6):  # TT rows come first in sel
        np.testing.assert_array_equal(stacked[..., i], arrays[i][..., 0])
    assert fst24.read(sel.to_dicts()[:2])[1].shape == (6, 4, 1)
    pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    assert all(np.array_equal(a, b) for a, b in zip(fst24.read(sel.to_pandas()), arrays))
    with pytest.raises(fst24.InvalidArgumentError, match="one shape"):
        fst24.read(df.filter(pl.col("nomvar").is_in(["TT", "ME"])), stack=True)
    with pytest.raises(fst24.InvalidArgumentError, match="path"):
        fst24.read(sel.drop("key"))


def test_read_detects_a_changed_file(fixtures: dict[str, Path]) -> None:
    df = fst24.index(fixtures["xdf"])
    with fst24.open(fixtures["xdf"], "a") as f:
        f.delete(f.find_one(nomvar="ME"))
    with pytest.raises(fst24.RecordNotFoundError, match="key"):
        fst24.read(df.filter(pl.col("nomvar") == "ME"))
    assert len(fst24.read(df.filter(pl.col("nomvar") == "TT"))) == 6


@needs_corpus
def test_read_corpus_rows() -> None:
    df = fst24.index([CORPUS / "ref" / "types.xdf.fst", CORPUS / "ref" / "types.rsf.fst"])
    arrays = fst24.read(df)
    for arr, row in zip(arrays, df.iter_rows(named=True)):
        with fst24.open(row["path"]) as f:
            np.testing.assert_array_equal(arr, f.get(row["key"]).data)


# ---- dask.distributed --------------------------------------------------------------------------------

def test_dask_local_cluster(fixtures: dict[str, Path], tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    files = list(fixtures.values()) * 2
    # two in-process workers talking TCP on loopback (worker processes would cost seconds)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        df = fst24.index(files, client=client, threads=1)
        assert df.equals(fst24.index(files))
        cached = fst24.index(files, client=client, cache=tmp_path / "cache", columns=["path", "nomvar", "level"])
        assert cached.equals(fst24.index(files, columns=["path", "nomvar", "level"]))


# ---- the example ----------------------------------------------------------------------------------

def test_index_archive_example(fixtures: dict[str, Path], tmp_path: Path) -> None:
    import subprocess
    import sys
    script = Path(__file__).resolve().parents[2] / "examples" / "index_archive.py"
    proc = subprocess.run([sys.executable, str(script), str(fixtures["xdf"].parent / "*.fst"), "TT",
                           "--cache", str(tmp_path / "cache")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "70 records in 5 files" in proc.stdout
    assert "TT: 3 levels of 6x4" in proc.stdout
