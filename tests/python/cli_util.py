"""Helpers for the tests of the `fst24` command (test_cli_*.py): running it, and a small
model-like fixture file written with the package itself, so that the tests need no corpus."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any, Optional

import numpy as np

import fst24
from test_corpus import cli

ORIGIN = dt.datetime(2024, 1, 15, 12, 0)
PRESSURES = (1000.0, 850.0, 500.0)
HOURS = (0, 6, 12)


def run(*args: Any, check: Optional[int] = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI; with ``check``, assert its exit status (showing stderr if not)."""
    proc = subprocess.run([cli(), *map(str, args)], capture_output=True, text=True, timeout=300)
    if check is not None:
        assert proc.returncode == check, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


def dump(path: Path, *extra: str) -> list[dict[str, Any]]:
    """The record lines of `fst24 dump --jsonl`."""
    proc = run("dump", "--jsonl", *extra, path, check=0)
    return [json.loads(x) for x in proc.stdout.splitlines()[1:]]


def field(i: int, j: int, k: float) -> np.ndarray:
    x, y = np.meshgrid(np.arange(i, dtype=np.float64), np.arange(j, dtype=np.float64), indexing="ij")
    return np.asfortranarray((k + 20 * np.sin(x / 5.0) * np.cos(y / 4.0) + 0.37 * x).astype(np.float32))


def make_fixture(path: Path, backend: str = "xdf", ni: int = 40, nj: int = 30) -> list[dict[str, Any]]:
    """A small forecast file: TT (R16) and GZ (compressed F16) on three pressure levels, new-
    style codes for TT and old-style codes for GZ; UU (E32) on sigma 0.995; HU (E32) with
    ip2 as new-style hours; PR (R16 with missing values); MK (integers); three lead times.
    Returns the headers written (as dicts), in order."""
    written: list[dict[str, Any]] = []
    stamp = fst24.datetime_to_stamp(np.datetime64(ORIGIN.isoformat()))
    mv = fst24.missing_values()["f32"]
    with fst24.open(path, "w", backend) as f:
        for h in HOURS:
            common = dict(typvar="P", etiket="FIXTURE", dateo=stamp, deet=300, npas=h * 12, grtyp="X",
                          ip2=h)
            recs = []
            for p in PRESSURES:
                recs.append(fst24.Record(data=field(ni, nj, 200 + p / 10 + h), nomvar="TT",
                                         ip1=int(fst24.encode_ip(p, 2)), data_type=1, pack_bits=16, **common))
                recs.append(fst24.Record(data=field(ni, nj, 10 * p + h), nomvar="GZ",
                                         ip1=int(fst24.encode_ip(p, 2, "old")), data_type=134, pack_bits=16,
                                         **common))
            recs.append(fst24.Record(data=field(ni, nj, 5 + h), nomvar="UU",
                                     ip1=int(fst24.encode_ip(0.995, 1)), **common))
            hu = dict(common, ip2=int(fst24.encode_ip(float(h), 10)))
            recs.append(fst24.Record(data=field(ni, nj, 0.5 + h / 100), nomvar="HU", ip1=0, **hu))
            pr = field(ni, nj, 1.0 + h)
            pr[3:7, 2:5] = mv
            recs.append(fst24.Record(data=pr, nomvar="PR", ip1=0, data_type=65, pack_bits=16, **common))
            mk = np.asfortranarray((np.arange(ni * nj).reshape(ni, nj, order="F") % 7 + h).astype(np.int32))
            recs.append(fst24.Record(data=mk, nomvar="MK", ip1=0, data_type=2, pack_bits=8, **common))
            for r in recs:
                f.write(r)
                written.append({k: getattr(r, k) for k in ("nomvar", "typvar", "etiket", "ip1", "ip2", "ip3",
                                                           "datev", "dateo", "deet", "npas", "data_type",
                                                           "pack_bits")})
    return written
