"""Write the sample files that the README, the guides and the examples use.

    python examples/sample_files.py [DIR]        # default: the current directory

Writes, with fst24 itself (no external data):

* ``model.fst``      GEM-like model output (XDF): TT, HU, UU and P0 at 0, 6 and 24 h on a
                     rotated Z grid (``>>``/``^^`` positional records on an E grid), hybrid
                     levels described by a ``!!`` record (vcode 5005) with 10 m / 2 m
                     diagnostic levels. The same file as ``tests/data/model.xdf.fst``.
* ``pressure.fst``   the ``fst24-demo`` sample: TT, HU on 1000/850/500/250 hPa and P0 at
                     0, 6, 12 h on a global 5-degree lat-lon (L) grid.
* ``archive/``       ``model.fst`` split as a model writes it: one file per forecast hour,
                     named ``2024011500_000``, ``2024011500_006``, ``2024011500_024`` (no
                     extension: fst24 recognises FST files by their content), each with the
                     grid and vertical descriptors; the last one in the RSF backend.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import fst24
from fst24.demo import make_sample

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "tests" / "data" / "model.xdf.fst"


def write_archive(model: Path, archive: Path) -> list[Path]:
    """One file per forecast hour of ``model``, records copied with their stored payload."""
    archive.mkdir(parents=True, exist_ok=True)
    written = []
    with fst24.open(model) as src:
        hours = sorted({r.ip2 for r in src if r.nomvar not in (">>", "^^", "!!")})
        for n, hour in enumerate(hours):
            path = archive / f"2024011500_{hour:03d}"
            backend = "rsf" if n == len(hours) - 1 else "xdf"
            with fst24.open(path, "w", backend=backend) as out:
                descriptors = [r for r in src if r.nomvar in (">>", "^^", "!!")]
                for rec in descriptors + src.find(ip2=hour, skip_grid_descriptors=True).all():
                    # the stored bytes, copied unchanged (the record then belongs to `out`)
                    out.write_payload(rec, rec.payload())
            written.append(path)
    return written


def make_sample_files(directory: Path) -> list[Path]:
    """Write every sample file into ``directory``; returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    model = directory / "model.fst"
    shutil.copyfile(MODEL, model)
    pressure = directory / "pressure.fst"
    make_sample(str(pressure))
    return [model, pressure] + write_archive(model, directory / "archive")


def main() -> None:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    for path in make_sample_files(directory):
        with fst24.open(path) as f:
            print(f"{path}: {len(f)} records ({f.backend})")


if __name__ == "__main__":
    main()
