"""``python -m fst24.demo [PATH] [--backend xdf|rsf]``: a tour of the package.

Writes a small sample FST file with the package itself (temperature, humidity
and surface pressure on a global lat-lon grid, several pressure levels and
forecast hours), lists it, reads data back and prints a summary. Needs no
external data.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from typing import Any, Optional, Sequence, TextIO

import numpy as np

import fst24

LEVELS_HPA = [1000.0, 850.0, 500.0, 250.0]
HOURS = [0, 6, 12]
NI, NJ = 72, 37  # 5-degree global grid, poles included


def make_sample(path: str, backend: str = "xdf") -> int:
    """Write the sample file; returns the number of records written."""
    run = dt.datetime(2024, 1, 15, 0)
    lon = np.linspace(0.0, 355.0, NI)
    lat = np.linspace(-90.0, 90.0, NJ)
    lat2, lon2 = np.meshgrid(lat, lon, indexing="ij")
    lat2, lon2 = lat2.T, lon2.T  # (ni, nj): i along longitude
    ig1, ig2, ig3, ig4 = fst24.xg_to_ig("L", (-90.0, 0.0, 5.0, 5.0))  # lat0, lon0, dlat, dlon
    grid: dict[str, Any] = dict(grtyp="L", ig1=ig1, ig2=ig2, ig3=ig3, ig4=ig4)
    ip1s = fst24.encode_ip(np.array(LEVELS_HPA, np.float32), 2)
    count = 0
    with fst24.open(path, "w", backend=backend) as f:
        for h in HOURS:
            common: dict[str, Any] = dict(typvar="P", etiket="DEMO", dateo=run, deet=3600, npas=h,
                          ip2=int(fst24.encode_ip(float(h), 10)), **grid)
            for p, ip1 in zip(LEVELS_HPA, ip1s.tolist()):
                # A smooth temperature field colder aloft and towards the poles.
                tt = (15.0 - 30.0 * np.sin(np.radians(lat2)) ** 2 - 60.0 * (1.0 - p / 1000.0)
                      + 2.0 * np.cos(np.radians(lon2 - 15.0 * h)) + 0.25 * h).astype(np.float32)
                hu = (0.01 * np.exp(-((lat2 / 40.0) ** 2)) * p / 1000.0).astype(np.float32)
                f.write(fst24.Record(data=tt, nomvar="TT", ip1=ip1, data_type=1, pack_bits=16, **common))
                f.write(fst24.Record(data=hu, nomvar="HU", ip1=ip1, data_type=134, pack_bits=16, **common))
                count += 2
            p0 = (1013.0 - 20.0 * np.sin(np.radians(2 * lat2)) ** 2).astype(np.float32)
            f.write(fst24.Record(data=p0, nomvar="P0", ip1=0, **common))
            count += 1
    return count


def summarise(path: str, out: TextIO) -> None:
    """List the file and print statistics read back from it."""
    with fst24.open(path) as f:
        info = f.info()
        print(f"{path}: {info['backend'].upper()}, {len(f)} records, {info['file_size']} bytes", file=out)
        print(f"{'NOMV':4} {'TV':2} {'ETIKET':12} {'LEVEL':>10} {'VALID':>17} {'NI':>4} {'NJ':>4} "
              f"{'TYPE':>5}", file=out)
        for rec in f:
            valid = rec.datev_datetime
            print(f"{rec.nomvar:4} {rec.typvar:2} {rec.etiket:12} {rec.ip1_text:>10} "
                  f"{valid:%Y-%m-%d %H:%M} {rec.ni:4} {rec.nj:4} {rec.type_letters:>3}{rec.pack_bits:<2}"
                  if valid else f"{rec.nomvar:4} {rec.ip1}", file=out)
        print(file=out)
        print("Mean temperature by level (all forecast hours, batch-decoded in C):", file=out)
        for lev in LEVELS_HPA:
            recs = f.find(nomvar="TT", ip1=int(fst24.encode_ip(lev, 2))).all()
            arrays = f.read(recs)
            means = ", ".join(f"{r.forecast_hours:+.0f}h {a.mean():7.2f}" for r, a in zip(recs, arrays))
            print(f"  {lev:6.0f} hPa: {means}", file=out)
        p0 = f.find_one(nomvar="P0", npas=HOURS[-1])
        lat, _lon = fst24.grid_latlon(p0)
        j = int(np.argmin(p0.data[0, :, 0]))
        print(f"\nLowest P0 at +{p0.forecast_hours:.0f}h: {p0.data.min():.1f} hPa near latitude "
              f"{lat[0, j]:.0f}, grid {p0.grtyp} {p0.ni}x{p0.nj}", file=out)
        tt = f.find_one(nomvar="TT", ip1=int(fst24.encode_ip(500.0, 2)), npas=0)
        print(f"TT 500 hPa +0h: level {tt.level}, range {tt.data.min():.2f} .. {tt.data.max():.2f} C",
              file=out)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of ``python -m fst24.demo`` / ``fst24-demo``."""
    parser = argparse.ArgumentParser(prog="fst24-demo", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("path", nargs="?", help="file to write (default: a temporary file, removed after)")
    parser.add_argument("--backend", choices=["xdf", "rsf"], default="xdf")
    args = parser.parse_args(argv)
    tmpdir = None
    path = args.path
    if path is None:
        tmpdir = tempfile.TemporaryDirectory(prefix="fst24-demo-")
        path = os.path.join(tmpdir.name, "demo.fst")
    try:
        n = make_sample(path, args.backend)
        print(f"wrote {n} records with fst24 {fst24.__version__} (libfst24 {fst24.library_version()})\n")
        summarise(path, sys.stdout)
    except fst24.Error as e:
        print(f"fst24-demo: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into e.g. head
        sys.stderr.close()
        return 0
    finally:
        if tmpdir is not None:
            tmpdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
