"""Quick look at one field: a map of its values on their latitudes and longitudes, as PNG.

    python examples/quicklook.py FILE NOMVAR [--level VALUE] [--hour H] [-o OUT.png]

Picks the first record of NOMVAR (at level VALUE in the record's own unit, e.g. 500 for
500 hPa or 0.5 for hybrid 0.5, and forecast hour H when given), computes the latitude and
longitude of every point of its grid (any grid type: lat-lon, rotated Z, polar
stereographic...) and draws the values with matplotlib (Agg backend: no display needed).
Needs matplotlib (``pip install matplotlib``).
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import numpy as np

import fst24


def pick(f: fst24.File, nomvar: str, level: Optional[float], hour: Optional[float]) -> fst24.Record:
    """The first record of ``nomvar`` at that level (value, in the record's unit) and hour."""
    for rec in f.find(nomvar=nomvar):
        if level is not None and not np.isclose(rec.level[0], level, rtol=1e-6):
            continue
        if hour is not None and rec.forecast_hours != hour:
            continue
        return rec
    raise SystemExit(f"{f.path}: no {nomvar} record"
                     + (f" at level {level}" if level is not None else "")
                     + (f" at +{hour:g} h" if hour is not None else ""))


def quicklook(rec: fst24.Record, out: str) -> tuple[int, int]:
    """Draw ``rec`` (first level of its data) to ``out``; returns the image size in pixels."""
    lat, lon = fst24.grid_latlon(rec)          # (ni, nj) each, degrees; lon in [0, 360)
    values = np.asarray(rec.data[:, :, 0], dtype=np.float64)
    # Longitudes east of 180 as negative when that keeps the domain in one piece.
    west = np.where(lon > 180.0, lon - 360.0, lon)
    if np.ptp(west) < np.ptp(lon):
        lon = west
    fig, ax = plt.subplots(figsize=(8, 5), dpi=100)
    mesh = ax.pcolormesh(lon, lat, values, shading="gouraud", cmap="viridis")
    fig.colorbar(mesh, ax=ax, shrink=0.85, label=rec.nomvar)
    valid = rec.datev_datetime
    ax.set_title(f"{rec.nomvar} {rec.ip1_text}  valid {valid:%Y-%m-%d %H:%M} UTC "
                 f"(+{rec.forecast_hours:g} h)  {rec.etiket}" if valid else f"{rec.nomvar} {rec.ip1_text}")
    ax.set_xlabel("longitude (degrees east)")
    ax.set_ylabel("latitude (degrees north)")
    ax.set_aspect("equal", adjustable="box")  # degrees as degrees, axes on the data
    fig.savefig(out)
    width, height = (int(round(x)) for x in fig.get_size_inches() * fig.dpi)  # noqa: RUF046 (numpy 1 floats)
    plt.close(fig)
    return width, height


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("nomvar")
    ap.add_argument("--level", type=float, help="level value in the record's unit (500 for 500 hPa)")
    ap.add_argument("--hour", type=float, help="forecast hour")
    ap.add_argument("-o", "--output", help="PNG file (default: NOMVAR.png)")
    args = ap.parse_args(argv)
    out = args.output or f"{args.nomvar}.png"
    with fst24.open(args.file) as f:
        rec = pick(f, args.nomvar, args.level, args.hour)
        width, height = quicklook(rec, out)
        data = rec.data
        print(f"{out}: {width}x{height} px, {rec.nomvar} {rec.ip1_text} +{rec.forecast_hours:g} h on grid "
              f"{rec.grtyp} {rec.ni}x{rec.nj}, values {float(data.min()):.6g} .. {float(data.max()):.6g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
