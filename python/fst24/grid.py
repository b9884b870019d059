"""Horizontal grids of records (latitudes and longitudes via libfst24)."""
from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import _core
from .errors import InvalidArgumentError, _error
from .record import Record

__all__ = ["grid_latlon", "xg_to_ig", "ig_to_xg"]


def grid_latlon(record: Record) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(lat, lon) arrays of shape (ni, nj), Fortran order, of a record's grid.

    Self-contained grids (A, B, G, L, N, S, E) come from the header; Z, Y,
    # and U grids read their positional records (>>, ^^) from the record's
    file. Degrees north / east in [0, 360).
    """
    if not isinstance(record, Record) or record.file is None:
        raise _error(InvalidArgumentError, "grid_latlon() needs a record read from a file")
    record._array_spec()  # a header its payload cannot hold raises before ni*nj arrays are made
    lat = np.empty((record.ni, record.nj), np.float64, order="F")
    lon = np.empty((record.ni, record.nj), np.float64, order="F")
    # The C side fills ni*nj values i fastest: the memory of an F-ordered array.
    _core.grid_latlon(record, lat.reshape(-1, order="F"), lon.reshape(-1, order="F"))
    return lat, lon


def xg_to_ig(grtyp: str, xg: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    """ig1..ig4 of a grid from its real descriptors (librmn's cxgaig).

    L: (lat0, lon0, dlat, dlon); N/S: (pi, pj, d60, dgrw); E: (xlat1, xlon1,
    xlat2, xlon2); A/B/G: (domain, orientation, 0, 0).
    """
    return _core.xg_to_ig(grtyp, *(float(x) for x in xg))


def ig_to_xg(grtyp: str, ig: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
    """Real descriptors of a grid from ig1..ig4 (librmn's cigaxg)."""
    return _core.ig_to_xg(grtyp, *(int(x) for x in ig))
