"""Write a field on a rotated lat-lon grid, as a limited-area model does, then read back
where its points are.

    python examples/write_rotated.py OUT.fst [xdf|rsf]

A rotated grid is a Z grid on an E reference: the data record says ``grtyp='Z'`` and
points with ``ig1..ig3`` to two positional records of the same file, ``>>`` (the ni
rotated longitudes) and ``^^`` (the nj rotated latitudes), whose own ``ip1..ip3`` are
those tags. The positional records are ``grtyp='E'``: their ``ig1..ig4`` encode the
rotation by two points of the rotated equator (``fst24.xg_to_ig("E", (lat1, lon1,
lat2, lon2))``); the first one is the rotated point (0, 180). Here the grid is
161 x 121 points of 0.25 degree centred on 47N 82W, its rotated equator running east
through the centre.
"""
from __future__ import annotations

import datetime as dt
import sys

import numpy as np

import fst24

CENTRE = (47.0, 278.0)        # lat, lon (degrees east) of the grid centre
SECOND = (0.0, 8.0)           # a second point of the rotated equator: 90 degrees east of the centre
NI, NJ, STEP = 161, 121, 0.25
TAGS = (7001, 7002, 0)        # ip1..ip3 of >> and ^^ = ig1..ig3 of the data


def main(path: str, backend: str = "xdf") -> None:
    rotation = fst24.xg_to_ig("E", CENTRE + SECOND)
    rlon = 180.0 + (np.arange(NI) - (NI - 1) / 2) * STEP       # rotated longitudes (>>)
    rlat = (np.arange(NJ) - (NJ - 1) / 2) * STEP               # rotated latitudes (^^)
    positional = dict(typvar="X", etiket="ROTATED", grtyp="E", ig1=rotation[0], ig2=rotation[1],
                      ig3=rotation[2], ig4=rotation[3], ip1=TAGS[0], ip2=TAGS[1], ip3=TAGS[2])
    # A smooth field in rotated coordinates, indexed [i, j] (i along x, varying fastest).
    x, y = np.meshgrid(np.radians(rlon - 180.0), np.radians(rlat), indexing="ij")
    temperature = (10.0 * np.cos(3 * x) * np.cos(4 * y) - 5.0 * y / np.radians(15.0)).astype(np.float32)
    with fst24.open(path, "w", backend=backend) as f:
        f.write(fst24.Record(data=rlon.reshape(NI, 1).astype(np.float32), nomvar=">>", **positional))
        f.write(fst24.Record(data=rlat.reshape(1, NJ).astype(np.float32), nomvar="^^", **positional))
        f.write(fst24.Record(data=temperature, nomvar="TT", typvar="P", etiket="ROTATED", grtyp="Z",
                             ig1=TAGS[0], ig2=TAGS[1], ig3=TAGS[2], ig4=0,
                             ip1=int(fst24.encode_ip(1.5, 4)),              # 1.5 m above ground
                             dateo=dt.datetime(2024, 7, 1, 12), deet=300, npas=36, ip2=3,
                             data_type=134, pack_bits=16))                  # compressed 16-bit F
    with fst24.open(path) as f:
        tt = f.find_one(nomvar="TT")
        lat, lon = fst24.grid_latlon(tt)                    # reads >> and ^^, applies the rotation
        ci, cj = NI // 2, NJ // 2
        print(tt)
        print(f"centre point ({ci}, {cj}): lat {lat[ci, cj]:.3f} lon {lon[ci, cj]:.3f}")
        for name, (i, j) in {"south-west": (0, 0), "south-east": (NI - 1, 0),
                             "north-west": (0, NJ - 1), "north-east": (NI - 1, NJ - 1)}.items():
            print(f"{name:10} corner: lat {lat[i, j]:8.3f} lon {lon[i, j]:8.3f}")
        error = float(np.abs(tt.data[:, :, 0] - temperature).max())
        print(f"largest packing error {error:.2g} (16-bit F)")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(*sys.argv[1:3])
