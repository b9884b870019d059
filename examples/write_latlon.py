"""Write a few fields on a global lat-lon grid, then read one back.

    python examples/write_latlon.py OUT.fst [xdf|rsf]
"""
from __future__ import annotations

import datetime as dt
import sys

import numpy as np

import fst24


def main(path: str, backend: str = "rsf") -> None:
    ni, nj = 144, 73  # 2.5 degrees
    lon = np.arange(ni) * 2.5
    lat = -90.0 + np.arange(nj) * 2.5
    ig = fst24.xg_to_ig("L", (-90.0, 0.0, 2.5, 2.5))
    grid = dict(grtyp="L", ig1=ig[0], ig2=ig[1], ig3=ig[2], ig4=ig[3])
    run = dt.datetime(2024, 7, 1, 0)
    with fst24.open(path, "w", backend=backend) as f:
        for hour in (0, 12, 24):
            # Arrays are indexed [i, j] = [longitude, latitude].
            field = np.cos(np.radians(lat))[None, :] * 30.0 + np.sin(np.radians(lon + 15 * hour))[:, None]
            f.write(fst24.Record(data=field.astype(np.float32), nomvar="TS", typvar="P", etiket="EXAMPLE",
                                 ip1=int(fst24.encode_ip(0.0, 4)), ip2=hour, dateo=run, deet=900,
                                 npas=hour * 4, data_type=1, pack_bits=16, **grid))
    with fst24.open(path) as f:
        rec = f.find_one(nomvar="TS", ip2=12)
        lats, lons = fst24.grid_latlon(rec)
        print(rec)
        print("valid", rec.datev_datetime, "value at", lats[0, 36], lons[0, 36], "=", rec.data[0, 36, 0])


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(*sys.argv[1:3])
