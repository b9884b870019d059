"""Decode every level of a variable into one (ni, nj, nlev) cube, in parallel.

    python examples/batch_read.py FILE [NOMVAR]
"""
from __future__ import annotations

import sys

import numpy as np

import fst24


def main(path: str, nomvar: str = "TT") -> None:
    with fst24.open(path) as f:
        recs = sorted(f.find(nomvar=nomvar, npas=0), key=lambda r: r.level[0])
        if not recs:
            sys.exit(f"no {nomvar} at npas=0 in {path}")
        ni, nj = recs[0].ni, recs[0].nj
        cube = np.empty((ni, nj, len(recs)), np.float32, order="F")
        f.read(recs, out=cube)  # decoded in C with the GIL released, all cores
        for r, layer in zip(recs, np.moveaxis(cube, -1, 0)):
            print(f"{r.ip1_text:>14}: mean {layer.mean():9.3f}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(*sys.argv[1:3])
