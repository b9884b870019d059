"""Input files of the benchmark, written by fst24's own writer (XDF and RSF), cached.

Data sets (full size; ``--quick`` shrinks them, see SIZES):
  gem       GEM-like model output: 5 variables x 20 pressure levels x 5 hours of
            1000 x 1000 fields on a Z grid (rotated E reference, >> and ^^ records):
            TT R16, HU F16 (datyp 6), UU and VV 134 (compressed f16), GZ E32; 500 fields
  tiny      50,000 tiny records (8 x 8 R16; 8 names x 80 hybrid levels x hours)
  small     500 small records (64 x 32; E32 and R16): the seed's "open of a 500-record file"
  many      1,000 files of 100 tiny records each
  grid      one 2000 x 2000 field on a Z grid with a rotated E reference (>> ^^)
  big       one file larger than 1 GiB (280 x 1000 x 1000 E32): memory-mapped on open

Each set is written once into the cache directory (``$FST24_BENCH_DATA`` or
build/bench-data) next to a manifest of its parameters; it is written again only when
its parameters change or a file is missing.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Dict, List

import numpy as np

import fst24

ROOT = Path(__file__).resolve().parents[2]
DATEO = int(fst24.datetime_to_stamp(__import__("datetime").datetime(2024, 1, 15)))  # 2024-01-15 00Z
DEET = 300

SIZES: Dict[str, Dict[str, Dict[str, Any]]] = {
    "full": {
        "gem": {"n": 1000, "levels": 20, "hours": 5},
        "tiny": {"records": 50000},
        "small": {"records": 500},
        "many": {"files": 1000, "per_file": 100},
        "grid": {"n": 2000},
        "big": {"records": 280, "n": 1000},
    },
    "quick": {
        "gem": {"n": 100, "levels": 4, "hours": 2},
        "tiny": {"records": 2000},
        "small": {"records": 500},
        "many": {"files": 20, "per_file": 100},
        "grid": {"n": 200},
    },
}
BACKENDS = ("xdf", "rsf")


def data_dir(override: Any = None) -> Path:
    d = Path(override or os.environ.get("FST24_BENCH_DATA") or ROOT / "build" / "bench-data")
    d.mkdir(parents=True, exist_ok=True)
    return d


def smooth_field(ni: int, nj: int, seed: int = 1) -> np.ndarray:
    """A smooth model-like field with a little noise, float32, Fortran order (ni, nj)."""
    x = np.linspace(0, 2 * np.pi, ni, dtype=np.float32)[:, None]
    y = np.linspace(0, np.pi, nj, dtype=np.float32)[None, :]
    noise = np.random.default_rng(seed).normal(0, 0.05, (ni, nj)).astype(np.float32)
    f = 250 + 30 * np.sin(2 * x) * np.cos(y) + 10 * np.cos(3 * y) + noise
    return np.asfortranarray(f.astype(np.float32))


def rotated_axes(ni: int, nj: int) -> tuple[np.ndarray, np.ndarray, tuple[int, int, int, int]]:
    """x/y axes (degrees, rotated frame) and the ig1..ig4 of a rotated E reference (GEM LAM-like)."""
    ax = np.linspace(140.0, 220.0, ni, dtype=np.float32)
    ay = np.linspace(-40.0, 40.0, nj, dtype=np.float32)
    ig = fst24.xg_to_ig("E", (57.5, 250.0, 56.0, 291.0))
    return ax, ay, ig


def write_grid(f: Any, ni: int, nj: int, tag: tuple[int, int, int]) -> tuple[int, int, int, int]:
    """Write the >> and ^^ records of a Z grid; returns the ig1..ig4 of the fields on it."""
    ax, ay, ig = rotated_axes(ni, nj)
    common = dict(typvar="X", etiket="BENCH", ip1=tag[0], ip2=tag[1], ip3=tag[2], grtyp="E",
                  ig1=ig[0], ig2=ig[1], ig3=ig[2], ig4=ig[3], dateo=DATEO, deet=0, npas=0)
    f.write(fst24.Record(data=ax.reshape(ni, 1), nomvar=">>", **common))
    f.write(fst24.Record(data=ay.reshape(1, nj), nomvar="^^", **common))
    return tag[0], tag[1], tag[2], 0


# (nomvar, data_type, pack_bits) of the GEM-like variables
GEM_VARS = (("TT", 1, 16), ("HU", 6, 16), ("UU", 134, 16), ("VV", 134, 16), ("GZ", 5, 32))


def write_gem(path: Path, backend: str, n: int, levels: int, hours: int) -> None:
    base = smooth_field(n, n)
    pres = np.linspace(1000, 100, levels).astype(np.float32)
    ip1s = fst24.encode_ip(pres, np.full(levels, 2))
    with fst24.open(path, "w", backend=backend) as f:
        g = write_grid(f, n, n, (1001, 2002, 3003))
        for hour in range(hours):
            for v, (name, datyp, bits) in enumerate(GEM_VARS):
                for k in range(levels):
                    data = base + np.float32(v * 7 + k * 0.5 + hour)
                    f.write(fst24.Record(data=data, nomvar=name, typvar="P", etiket="BENCH", ip1=int(ip1s[k]),
                                         ip2=hour, dateo=DATEO, deet=DEET, npas=hour * 3600 // DEET,
                                         data_type=datyp, pack_bits=bits, grtyp="Z", ig1=g[0], ig2=g[1],
                                         ig3=g[2], ig4=g[3]))


def write_tiny(path: Path, backend: str, records: int) -> None:
    """GEM-like metadata (8 names x 80 hybrid levels x hours) on 8 x 8 R16 fields."""
    names = ["TT", "HU", "UU", "VV", "GZ", "WW", "QC", "ES"]
    levels = fst24.encode_ip(np.linspace(0.01, 1.0, 80).astype(np.float32), np.full(80, 5))
    data = np.asfortranarray(np.random.default_rng(1).normal(size=(8, 8)).astype(np.float32))
    n = hour = 0
    with fst24.open(path, "w", backend=backend) as f:
        while n < records:
            for name in names:
                for lev in levels:
                    if n == records:
                        break
                    f.write(fst24.Record(data=data, nomvar=name, typvar="P", etiket="BENCH", ip1=int(lev),
                                         ip2=hour, dateo=DATEO, deet=DEET, npas=hour * 12, data_type=1,
                                         pack_bits=16, grtyp="G", ig1=0, ig2=0, ig3=0, ig4=0))
                    n += 1
            hour += 1


def write_small(path: Path, backend: str, records: int) -> None:
    """10 variables x 50 levels of 64 x 32 fields, E32 and R16 in turn."""
    rng = np.random.default_rng(3)
    per = max(records // 10, 1)
    with fst24.open(path, "w", backend=backend) as f:
        for v in range(10):
            for lev in range(per):
                data = rng.normal(0, 1, (64, 32)).astype(np.float32)
                f.write(fst24.Record(data=data, nomvar=f"V{v}", ip1=lev + 1, dateo=DATEO,
                                     data_type=5 if v % 2 else 1, pack_bits=32 if v % 2 else 16))


def write_grid_file(path: Path, backend: str, n: int) -> None:
    with fst24.open(path, "w", backend=backend) as f:
        g = write_grid(f, n, n, (11, 22, 33))
        f.write(fst24.Record(data=smooth_field(n, n), nomvar="ME", typvar="P", etiket="BENCH", dateo=DATEO,
                             data_type=1, pack_bits=16, grtyp="Z", ig1=g[0], ig2=g[1], ig3=g[2], ig4=g[3]))


def write_big(path: Path, backend: str, records: int, n: int) -> None:
    base = smooth_field(n, n, seed=5)
    with fst24.open(path, "w", backend=backend) as f:
        for r in range(records):
            f.write(fst24.Record(data=base + np.float32(r), nomvar="GZ", typvar="P", etiket="BENCH",
                                 ip1=r + 1, dateo=DATEO, data_type=5, pack_bits=32))


def _fresh(path: Path, spec: Dict[str, Any]) -> bool:
    man = path.with_name(path.name + ".json")
    if not path.exists() or not man.exists():
        return False
    try:
        return bool(json.loads(man.read_text()) == spec)
    except ValueError:
        return False


def _make(path: Path, spec: Dict[str, Any], writer: Any, **kw: Any) -> Path:
    if _fresh(path, spec):
        return path
    tmp = path.with_name(path.name + ".tmp")
    if tmp.is_dir():
        shutil.rmtree(tmp)
    elif tmp.exists():
        tmp.unlink()
    writer(tmp, **kw)
    os.replace(tmp, path)
    path.with_name(path.name + ".json").write_text(json.dumps(spec))
    return path


def prepare(root: Path, mode: str, with_big: bool, log: Any = print) -> Dict[str, Any]:
    """Write (or find in the cache) every data set; returns {set: {backend: path or [paths]}}."""
    sizes = SIZES[mode]
    out: Dict[str, Any] = {}
    version = fst24.__version__
    for backend in BACKENDS:
        g = sizes["gem"]
        spec = {"set": "gem", "backend": backend, "fst24": version, **g}
        p = root / f"{mode}-gem.{backend}.fst"
        if not _fresh(p, spec):
            log(f"writing {p.name} ...")
        out.setdefault("gem", {})[backend] = str(_make(p, spec, write_gem, backend=backend, **g))
        for name, writer in (("tiny", write_tiny), ("small", write_small), ("grid", write_grid_file)):
            kw = sizes[name]
            spec = {"set": name, "backend": backend, "fst24": version, **kw}
            p = root / f"{mode}-{name}.{backend}.fst"
            if not _fresh(p, spec):
                log(f"writing {p.name} ...")
            out.setdefault(name, {})[backend] = str(_make(p, spec, writer, backend=backend, **kw))
        m = sizes["many"]
        d = root / f"{mode}-many.{backend}"
        d.mkdir(exist_ok=True)
        paths: List[str] = []
        wrote = False
        for i in range(m["files"]):
            p = d / f"f{i:05d}.fst"
            spec = {"set": "many", "backend": backend, "fst24": version, "records": m["per_file"], "seq": i}
            if not _fresh(p, spec) and not wrote:
                log(f"writing {d.name}/ ({m['files']} files) ...")
                wrote = True
            paths.append(str(_make(p, spec, write_tiny, backend=backend, records=m["per_file"])))
        out.setdefault("many", {})[backend] = paths
        if with_big and "big" in sizes:
            b = sizes["big"]
            spec = {"set": "big", "backend": backend, "fst24": version, **b}
            p = root / f"{mode}-big.{backend}.fst"
            if not _fresh(p, spec):
                log(f"writing {p.name} (> 1 GiB) ...")
            out.setdefault("big", {})[backend] = str(_make(p, spec, write_big, backend=backend, **b))
    return out


def free_disk_bytes(path: Path) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize
