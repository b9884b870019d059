#!/usr/bin/env python3
"""Writes the small FST files of tests/data with fst24 itself, and their expected dumps.

    python tests/data/make_fixtures.py               # rewrite tests/data/*.fst and *.jsonl
    python tests/data/make_fixtures.py --outdir DIR  # somewhere else (the tests compare)

The files let the test suite run from a clone alone, without the shared corpus:

* ``types.{xdf,rsf}.fst``    every datyp: 0, 1 (2..24 bits, binary64 input, constant field),
  2 and 4 (1..32 bits, 8/16/32-bit elements; 64-bit elements in RSF), 3, 5 (16/24/32/64), 6,
  7, 8 (32/64), compressed 129/130/133/134, missing-value variants 65/66/68/69/70/193/194/197/198,
  compressions that fall back to the plain type (keeping +64), a +64 request without missing points, a
  deleted record, nk > 1, 1x1 and 1xN shapes;
* ``grids.{xdf,rsf}.fst``    L, N, S, A, B, G, E, Z on a rotated E and on an L reference
  (``>>``/``^^``, 32- and 64-bit), Y (2-D ``>>``/``^^``);
* ``model.{xdf,rsf}.fst``    GEM-like output on a rotated Z grid: a ``!!`` vertical descriptor
  (vcode 5005: hybrid levels plus 10 m / 2 m diagnostic levels), P0, TT, UU, HU at 0, 6, 24 h;
* ``sessions.{xdf,rsf}.fst`` 300 small records written over three sessions and a flush (two XDF
  directory pages, several RSF segments), a deletion, a rewrite, a metadata edit;
* ``meta.rsf.fst``           RSF extended (JSON) metadata.

Every value is built from integers (exact binary fractions), so the files are the same
on every platform; ``tests/python/test_fixtures.py`` regenerates them and compares bytes.
Each ``NAME.jsonl`` is ``fst24 dump --jsonl NAME`` (the CLI found as $FST24_CLI or on the
PATH), the expected dump the C and Python tests compare with.
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

import fst24

HERE = Path(__file__).resolve().parent
RUN = dt.datetime(2024, 1, 15, 0)
NI, NJ = 40, 30  # at least 16 x 16, so that every compressor applies
MISSING_F32 = np.float32(-1.0e38)


# ---- deterministic fields ----------------------------------------------------------------

def _ij(ni: int = NI, nj: int = NJ) -> tuple[np.ndarray, np.ndarray]:
    return np.meshgrid(np.arange(ni, dtype=np.int64), np.arange(nj, dtype=np.int64), indexing="ij")


def smooth(ni: int = NI, nj: int = NJ, base: int = 250) -> np.ndarray:
    """A smooth float32 field with a little texture: every value an exact multiple of 1/64."""
    i, j = _ij(ni, nj)
    num = 4 * (3 * i * (ni - 1 - i) + 5 * j * (nj - 1 - j)) + (7 * i + 3 * j) % 11
    return (base + num / 64.0).astype(np.float32)


def rough(ni: int = NI, nj: int = NJ) -> np.ndarray:
    """Incompressible float32 noise (a fixed integer hash), so compression falls back."""
    i, j = _ij(ni, nj)
    h = (i * 2654435761 + j * 40503 + 12345) % 1000003
    h = (h * 1103515245 + 12345) % 2147483647
    return (-50.0 + (h % 65536) / 512.0).astype(np.float32)


def unsigned(bits: int, ni: int = NI, nj: int = NJ) -> np.ndarray:
    i, j = _ij(ni, nj)
    return ((i * 37 + j * 101 + i * j * 7) % (1 << bits)).astype(np.uint64)


def signed(bits: int, ni: int = NI, nj: int = NJ) -> np.ndarray:
    i, j = _ij(ni, nj)
    span = 1 << bits
    return ((i * 53 + j * 97 + i * j * 5) % span - span // 2).astype(np.int64)


def with_missing(x: np.ndarray, sentinel: Any) -> np.ndarray:
    """x with a few points (a small block and a diagonal) set to the missing sentinel."""
    y = x.copy()
    y[3:6, 4:7] = sentinel
    for k in range(0, min(y.shape[0], y.shape[1]), 7):
        y[k, k] = sentinel
    return y


# ---- what a fixture file is made of ------------------------------------------------------

@dataclass
class Put:
    """Write one record (``fields`` as for fst24.Record)."""
    data: Any
    fields: dict[str, Any]
    ext_meta: Optional[dict[str, Any]] = None
    rewrite: str = "no"


@dataclass
class Op:
    """Anything else done to the file: "flush", "reopen", "delete" / "edit" of a record
    found by ``match`` (edit applies ``changes`` with rewrite="meta")."""
    kind: str
    match: dict[str, Any] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)


Step = Any  # Put | Op


def put(nomvar: str, data: Any, data_type: int, pack_bits: int, **fields: Any) -> Put:
    base: dict[str, Any] = dict(nomvar=nomvar, typvar="P", etiket="FIXTURE", dateo=RUN, deet=300,
                                npas=0, grtyp="X", data_type=data_type, pack_bits=pack_bits)
    base.update(fields)
    return Put(np.asarray(data), base)


def types_steps(backend: str) -> list[Step]:
    """Every datyp; ip3 numbers the records, ip1 is 850 hPa."""
    f = smooth()
    d = smooth().astype(np.float64) + 2.0 ** -20  # binary64 input (not representable in f32)
    steps: list[Step] = []

    def add(nomvar: str, data: Any, dt_: int, nb: int, **kw: Any) -> None:
        kw.setdefault("ip1", 41744464)
        steps.append(put(nomvar, data, dt_, nb, ip3=len(steps) + 1, **kw))

    add("X32", unsigned(32).astype(np.uint32) * 65537, 0, 32)
    for nb in (2, 8, 12, 16, 24):
        add(f"R{nb}", f, 1, nb)
    add("R16D", d, 1, 16)
    add("RCST", np.full((NI, NJ), 273.25, np.float32), 1, 16)
    add("I1", unsigned(1).astype(np.uint32), 2, 1)
    add("I8", unsigned(8).astype(np.uint8), 2, 8)
    add("I12", unsigned(12).astype(np.uint32), 2, 12)
    add("I16", unsigned(16).astype(np.uint16), 2, 16)
    add("I32", (unsigned(16).astype(np.uint32) << 16) | 0xBEEF, 2, 32)
    add("C", np.frombuffer(b"".join(b"%-16s" % (b"LINE %d" % k) for k in range(5)), "S1")
        .reshape(5, 16).T.copy(), 3, 8, ni=16, nj=5)
    add("S5", signed(5).astype(np.int32), 4, 5)
    add("S8", signed(8).astype(np.int8), 4, 8)
    add("S16", signed(16).astype(np.int16), 4, 16)
    add("S32", signed(16).astype(np.int32) * 40000, 4, 32)
    for nb in (16, 24, 32):
        add(f"E{nb}", f - 260.0, 5, nb)
    add("E64", d, 5, 64)
    for nb in (8, 12, 16):
        add(f"F{nb}", f, 6, nb)
    add("A", np.frombuffer(b"FST24 test fixture: datyp 7, one byte per character.", "S1"), 7, 8)
    z = (f - 250.0) + 1j * (f - 300.0)
    add("Z32", z.astype(np.complex64), 8, 32, ni=NI, nj=NJ)
    add("Z64", (z + 2.0 ** -30).astype(np.complex128), 8, 64, ni=NI, nj=NJ)
    # compressed (+128)
    add("R16C", f, 129, 16)
    add("I12C", unsigned(12).astype(np.uint32), 130, 12)
    add("E32C", f - 260.0, 133, 32)
    add("E24C", f - 260.0, 133, 24)
    add("F16C", f, 134, 16)
    add("F12C", f, 134, 12)
    # compressions that do not shrink: stored as the plain type
    add("FNOC", rough(), 134, 16)
    add("ENOC", smooth(10, 8) - 260.0, 133, 32)  # 133 needs ni, nj >= 16
    # missing values (+64), with and without compression
    add("R16M", with_missing(f, MISSING_F32), 65, 16)
    add("I16M", with_missing(unsigned(12).astype(np.uint32), np.uint32(0xFFFFFFFF)), 66, 16)
    add("S16M", with_missing(signed(12).astype(np.int32), np.int32(-2147483648)), 68, 16)
    add("E32M", with_missing(f - 260.0, MISSING_F32), 69, 32)
    add("F16M", with_missing(f, MISSING_F32), 70, 16)
    add("R16Q", with_missing(f, MISSING_F32), 193, 16)
    add("I12Q", with_missing(unsigned(12).astype(np.uint32), np.uint32(0xFFFFFFFF)), 194, 12)
    add("E32Q", with_missing(f - 260.0, MISSING_F32), 197, 32)
    add("F16Q", with_missing(f, MISSING_F32), 198, 16)
    add("FNOQ", with_missing(rough(), MISSING_F32), 198, 16)  # falls back to 6, keeps +64: 70 (librmn drops it)
    add("R16N", f, 65, 16)  # +64 asked, nothing missing: stored as 1
    # shapes
    add("NK3", smooth(10, 8)[:, :, None] + np.arange(3, dtype=np.float32), 5, 32)
    add("ONE", np.full((1, 1), 42.5, np.float32), 5, 32)
    add("COL", smooth(1, NJ), 1, 16)
    add("DEL", f, 5, 32)
    steps.append(Op("delete", dict(nomvar="DEL")))
    if backend == "rsf":  # 64-bit integers exist in RSF only
        add("I64", unsigned(16).astype(np.uint64) * 1000003 * 65536 + 7, 2, 64)
        add("S64", signed(16).astype(np.int64) * -1000003 * 65536, 4, 64)
    return steps


# Grid descriptors, written as integers so that nothing depends on floating point.
IG_L = (50, 50, 11000, 25000)          # lat0 20, lon0 250, dlat 0.5, dlon 0.5
IG_N = (600, 205, 2100, 500)           # pi 20.5, pj 60, d60 50 km, dgrw 21
IG_S = (260, 260, 35000, 3810)         # pi 26, pj 26, d60 381 km, dgrw 350
IG_E = (1475, 575, 54400, 46560)       # rotation through (57.5N 250E) and (57.5N 291E)
IG_DEGREES = (100, 100, 9000, 0)       # L reference: positional values are degrees


def grids_steps(backend: str) -> list[Step]:
    steps: list[Step] = []

    def field(grtyp: str, ni: int, nj: int, ig: tuple[int, ...], nomvar: str = "TT", **kw: Any) -> None:
        steps.append(put(nomvar, smooth(ni, nj, base=230), 1, 16, grtyp=grtyp, ig1=ig[0],
                         ig2=ig[1], ig3=ig[2], ig4=ig[3], ip1=41394464, etiket="GRIDS", **kw))

    def positional(nomvar: str, values: np.ndarray, ref: str, ig: tuple[int, ...],
                   tags: tuple[int, int, int], bits: int = 32) -> None:
        data = values.astype(np.float64 if bits == 64 else np.float32)
        steps.append(put(nomvar, data, 5, bits, typvar="X", etiket="GRIDS", grtyp=ref, ig1=ig[0],
                         ig2=ig[1], ig3=ig[2], ig4=ig[3], ip1=tags[0], ip2=tags[1], ip3=tags[2],
                         deet=0, dateo=0))

    field("L", NI, NJ, IG_L)
    field("N", 41, 31, IG_N)
    field("S", 51, 51, IG_S)
    field("A", 36, 18, (0, 0, 0, 0))
    field("B", 37, 19, (0, 0, 0, 0))
    field("B", 37, 19, (0, 1, 0, 0), nomvar="TTNS")  # rows stored north to south
    field("G", 40, 20, (0, 0, 0, 0))
    field("E", 41, 20, IG_E)
    # Z on a rotated E reference (positional values: rotated degrees, 32 bits)
    ax = 170.0 + 0.5 * np.arange(NI)
    ay = -7.5 + 0.5 * np.arange(NJ)
    positional(">>", ax.reshape(NI, 1), "E", IG_E, (1001, 2002, 0))
    positional("^^", ay.reshape(1, NJ), "E", IG_E, (1001, 2002, 0))
    field("Z", NI, NJ, (1001, 2002, 0, 0))
    # Z on an L reference (degrees, 64 bits), 24 x 16
    positional(">>", (250.0 + 0.25 * np.arange(24)).reshape(24, 1), "L", IG_DEGREES, (1101, 1102, 0), 64)
    positional("^^", (40.0 + 0.25 * np.arange(16)).reshape(1, 16), "L", IG_DEGREES, (1101, 1102, 0), 64)
    field("Z", 24, 16, (1101, 1102, 0, 0), nomvar="TTZL")
    # Y: a cloud of 20 x 10 points, 2-D longitude and latitude
    i, j = _ij(20, 10)
    positional(">>", 280.0 + 0.5 * i + 0.125 * j, "L", IG_DEGREES, (1201, 1202, 0))
    positional("^^", 45.0 + 0.25 * j - 0.0625 * i, "L", IG_DEGREES, (1201, 1202, 0))
    field("Y", 20, 10, (1201, 1202, 0, 0))
    return steps


# ---- GEM-like output with a !! descriptor (vcode 5005) ----------------------------------

MODEL_HYB = (0.125, 0.5, 0.875)     # momentum model levels (hybrid)
PREF = 100000.0
MODEL_TAGS = (3001, 3002)            # ig1, ig2 of the data = ip1, ip2 of >>, ^^ and !!


def _q(x: float) -> float:
    """Round to a multiple of 2**-30 so that libm differences never reach the file."""
    return round(x * 2 ** 30) / 2 ** 30


def _hyb_ip(h: float) -> int:
    return int(fst24.encode_ip(h, 5))


def _pack_name(name: str) -> float:
    """A 4-character name packed in a binary64, first character in the lowest byte."""
    raw = name.ljust(4).encode("ascii")
    return float(np.frombuffer(raw + b"\0\0\0\0", "<f8")[0])


def vcode5005_table() -> tuple[np.ndarray, list[int], list[int]]:
    """(table (3, nj) float64, momentum ip1s, thermodynamic ip1s) of a small 5005 descriptor:
    the model levels, the surface and the 10 m / 2 m diagnostic levels, A/B from the usual
    log-pressure generator (rounded)."""
    zs = math.log(PREF)
    hyb = [float(fst24.decode_ip(np.array([_hyb_ip(h)]))[0][0]) for h in MODEL_HYB]
    zt = 0.5 * (3 * (zs + math.log(hyb[0])) - (zs + math.log(hyb[1])))
    rc1, rc2 = 1.0, 10.0
    mom = []
    for h in hyb:
        zeta = zs + math.log(h)
        lam = max(0.0, (zeta - zt) / (zs - zt))
        mom.append((_hyb_ip(h), _q(zeta), _q(lam ** (rc2 - (rc2 - rc1) * lam))))
    mom.append((_hyb_ip(1.0), _q(zs), 1.0))
    thermo = []
    for k in range(len(hyb)):
        a = 0.5 * (mom[k][1] + mom[k + 1][1])
        b = 0.5 * (mom[k][2] + mom[k + 1][2])
        up = hyb[k + 1] if k + 1 < len(hyb) else 1.0
        thermo.append((_hyb_ip(math.sqrt(hyb[k] * up)), _q(a), _q(b)))
    thermo.append((_hyb_ip(1.0), _q(zs), 1.0))
    g_over_rt = 9.80616 / (287.05 * 273.15)
    mom.append((int(fst24.encode_ip(10.0, 4)), _q(zs - g_over_rt * 10.0), 1.0))
    thermo.append((int(fst24.encode_ip(2.0, 4)), _q(zs - g_over_rt * 2.0), 1.0))
    header = [5.0, 5.0, 3.0, -1.0, PREF, rc1, rc2, _pack_name("P0"), 0.0]
    rows = header + [v for row in mom + thermo for v in (float(row[0]), row[1], row[2])]
    table = np.asfortranarray(np.array(rows, np.float64).reshape(3, -1, order="F"))
    return table, [r[0] for r in mom], [r[0] for r in thermo]


def model_steps(backend: str) -> list[Step]:
    table, mom, thermo = vcode5005_table()
    tags = dict(ig1=MODEL_TAGS[0], ig2=MODEL_TAGS[1], ig3=0, ig4=0)
    pos = dict(typvar="X", etiket="MODEL", grtyp="E", ig1=IG_E[0], ig2=IG_E[1], ig3=IG_E[2],
               ig4=IG_E[3], ip1=MODEL_TAGS[0], ip2=MODEL_TAGS[1], ip3=0, deet=0, dateo=0)
    ax = (170.0 + 0.5 * np.arange(NI)).reshape(NI, 1).astype(np.float32)
    ay = (-7.5 + 0.5 * np.arange(NJ)).reshape(1, NJ).astype(np.float32)
    steps: list[Step] = [put(">>", ax, 5, 32, **pos), put("^^", ay, 5, 32, **pos),
                         put("!!", table, 5, 64, typvar="X", etiket="STG_CP_GEMV4", grtyp="X",
                             ip1=MODEL_TAGS[0], ip2=MODEL_TAGS[1], ig1=5005, ig2=0, ig3=100,
                             ig4=1000, deet=0, dateo=0)]
    for hour in (0, 6, 24):  # ip2 in plain hours, as GEM writes it
        common: dict[str, Any] = dict(etiket="MODEL", grtyp="Z", npas=hour * 12, ip2=hour, **tags)
        steps.append(put("P0", smooth(base=960) + hour, 1, 16, ip1=0, **common))
        for k, ip1 in enumerate(thermo[:-2] + thermo[-1:]):  # model levels and 2 m
            steps.append(put("TT", smooth(base=200 + 20 * k) - 240 + hour, 1, 16, ip1=ip1, **common))
            steps.append(put("HU", (smooth(base=0) / 4096.0) * (k + 1), 134, 16, ip1=ip1, **common))
        for k, ip1 in enumerate(mom[:-2] + mom[-1:]):  # model levels and 10 m
            steps.append(put("UU", smooth(base=0) / 8.0 - 10 * k + hour, 6, 16, ip1=ip1, **common))
    return steps


def sessions_steps(backend: str) -> list[Step]:
    """300 small records over three sessions (flushes and reopens), edits in between."""
    steps: list[Step] = []
    for n in range(300):
        steps.append(put(f"V{n % 10}", np.array([[n, n + 0.5], [n + 0.25, -n]], np.float32), 5, 32,
                         ip1=int(fst24.encode_ip(float(1000 - n), 2)), ip3=n, npas=n // 10))
        if n == 99:
            steps.append(Op("flush"))
        if n == 199:
            steps.append(Op("reopen"))
    steps.append(Op("delete", dict(nomvar="V3", ip3=13)))
    steps.append(Op("edit", dict(nomvar="V4", ip3=24), dict(etiket="EDITED", ip2=7)))
    again = put("V5", np.array([[-1.0, -2.0], [-3.0, -4.0]], np.float32), 5, 32,
                ip1=int(fst24.encode_ip(float(1000 - 35), 2)), ip3=35, npas=3)
    again.rewrite = "yes"
    steps.append(again)
    steps.append(Op("reopen"))
    steps.append(put("LAST", np.zeros((3, 1), np.float32), 5, 32))
    return steps


def meta_steps(backend: str) -> list[Step]:
    f = smooth()
    a = put("TT", f - 273.0, 5, 32, ip1=41744464)
    a.ext_meta = {"rpn_name": "TT", "unit": "celsius", "standard_name": "air_temperature",
                  "qualifiers": ["prognosis", "member:3"]}
    b = put("UU", f / 8.0, 1, 16, ip1=41744464)
    b.ext_meta = {"rpn_name": "UU", "unit": "knot", "cell_methods": ["time:mean (interval 1 hour)"]}
    c = put("GZ", f, 134, 16, ip1=41394464)
    c.ext_meta = {"rpn_name": "GZ", "long_name": "geopotential height, \"quoted\" and ünicode"}
    d = put("P0", f + 700, 1, 16, ip1=0)  # no extended metadata
    return [a, b, c, d]


FIXTURES: dict[str, tuple[Callable[[str], list[Step]], tuple[str, ...]]] = {
    "types": (types_steps, ("xdf", "rsf")),
    "grids": (grids_steps, ("xdf", "rsf")),
    "model": (model_steps, ("xdf", "rsf")),
    "sessions": (sessions_steps, ("xdf", "rsf")),
    "meta": (meta_steps, ("rsf",)),
}


def fixture_names() -> list[str]:
    """File names of every fixture, e.g. "types.xdf.fst"."""
    return [f"{name}.{b}.fst" for name, (_, backends) in FIXTURES.items() for b in backends]


def steps_for(filename: str) -> list[Step]:
    name, backend, _ = filename.split(".")
    return FIXTURES[name][0](backend)


def record_of(step: Put) -> fst24.Record:
    return fst24.Record(data=step.data, ext_meta=step.ext_meta, **step.fields)


def write_fixture(path: Path) -> None:
    backend = path.name.split(".")[1]
    if path.exists():
        path.unlink()
    f = fst24.open(path, "w", backend=backend)
    try:
        for step in steps_for(path.name):
            if isinstance(step, Put):
                f.write(record_of(step), rewrite=step.rewrite)
            elif step.kind == "flush":
                f.flush()
            elif step.kind == "reopen":
                f.close()
                f = fst24.open(path, "r+")
            elif step.kind in ("delete", "edit"):
                rec = f.find_one(**step.match)
                if step.kind == "delete":
                    f.delete(rec)
                else:
                    for k, v in step.changes.items():
                        setattr(rec, k, v)
                    f.write(rec, rewrite="meta")
    finally:
        f.close()


def cli() -> str:
    exe = os.environ.get("FST24_CLI") or shutil.which("fst24")
    if not exe:
        raise SystemExit("make_fixtures: the fst24 command is needed for the dumps "
                         "(pip install . or set FST24_CLI)")
    return exe


def write_dump(path: Path, exe: str) -> None:
    proc = subprocess.run([exe, "dump", "--jsonl", path.name], cwd=path.parent, capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"make_fixtures: fst24 dump {path}: {proc.stderr.strip()}")
    path.with_name(path.name + ".jsonl").write_text(proc.stdout)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--outdir", type=Path, default=HERE, help="where to write (default: tests/data)")
    parser.add_argument("--no-dumps", action="store_true", help="write the .fst files only")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    exe = None if args.no_dumps else cli()
    for name in fixture_names():
        path = args.outdir / name
        write_fixture(path)
        if exe:
            write_dump(path, exe)
    return 0


if __name__ == "__main__":
    sys.exit(main())
