"""List an FST file and print statistics of one variable.

    python examples/read_fields.py FILE [NOMVAR]
"""
from __future__ import annotations

import sys

import fst24


def main(path: str, nomvar: str = "TT") -> None:
    with fst24.open(path) as f:
        print(f"{path}: {f.backend}, {len(f)} records")
        for rec in f.find(nomvar=nomvar):
            _value, _kind, _unit = rec.level
            d = rec.data
            print(f"{rec.nomvar:4} {rec.ip1_text:>12} {rec.datev_datetime} +{rec.forecast_hours:g}h "
                  f"{rec.ni}x{rec.nj}x{rec.nk} min {d.min():.4g} mean {d.mean():.4g} max {d.max():.4g}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(*sys.argv[1:3])
