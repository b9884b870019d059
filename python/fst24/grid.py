"""Horizontal grids of records (latitudes, longitudes, projection axes via libfst24)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
import numpy.typing as npt

from . import _core
from .errors import InvalidArgumentError, _error
from .record import Record

__all__ = ["grid_latlon", "xg_to_ig", "ig_to_xg", "Grid"]

F64 = npt.NDArray[np.float64]


def _file_record(record: Any, what: str) -> Record:
    if not isinstance(record, Record) or record.file is None:
        raise _error(InvalidArgumentError, f"{what} needs a record read from a file")
    return record


class Grid:
    """A record's horizontal grid, built once by libfst24 (positional records
    read for Z, Y, #, U grids) and then independent of the file.

    ``info`` is the C library's description (grid type, reference grid, CF
    mapping parameters, keys of the positional records it was read from).
    """

    # A dict of slots documents them (``help()``, docs/reference/python.md).
    __slots__ = {"_g": "The grid object of the C library.",
                 "info": "dict: the C library's description of the grid (fst24_grid_describe): grid "
                         "type, dimensions, ig, reference grid, CF mapping and its parameters, keys "
                         "of the positional records."}

    def __init__(self, core: _core.Grid) -> None:
        """Wrap a grid built by :meth:`of` or :meth:`from_header`."""
        self._g = core
        self.info: dict[str, Any] = core.describe()

    @classmethod
    def of(cls, record: Record) -> "Grid":
        """The grid of a record read from a file."""
        return cls(_core.grid_from_record(_file_record(record, "Grid.of()")))

    @classmethod
    def from_header(cls, grtyp: str, ni: int, nj: int, ig: tuple[int, int, int, int]) -> "Grid":
        """A self-contained grid (A, B, G, L, N, S, E, +) from its header values."""
        return cls(_core.grid_new(grtyp, int(ni), int(nj), *(int(x) for x in ig)))

    @classmethod
    def from_axes(cls, grtyp: str, ni: int, nj: int, ref_grtyp: str, ref_ig: tuple[int, int, int, int],
                  ax: Any, ay: Any) -> "Grid":
        """A Z (ax: ni values, ay: nj) or Y (ni*nj each) grid on a reference grid."""
        x = np.ascontiguousarray(ax, dtype=np.float64).reshape(-1, order="F")
        y = np.ascontiguousarray(ay, dtype=np.float64).reshape(-1, order="F")
        ig = (int(ref_ig[0]), int(ref_ig[1]), int(ref_ig[2]), int(ref_ig[3]))
        return cls(_core.grid_new_axes(grtyp, int(ni), int(nj), ref_grtyp, ig, x, y))

    @property
    def shape(self) -> tuple[int, int]:
        """(ni, nj)."""
        return int(self.info["ni"]), int(self.info["nj"])

    def latlon(self, dtype: Any = np.float64, threads: Optional[int] = None) -> tuple[F64, F64]:
        """(lat, lon) arrays of shape (ni, nj), Fortran order; lon in [0, 360).

        ``dtype``: float64, or float32 computed directly in C (each value the
        float64 result rounded: half the memory, within ~1e-5 degree, about
        1 m); other types are converted from float64. ``threads``: rows shared
        out among this many threads (None: one per core); the values are the
        same bit for bit whatever the count."""
        ni, nj = self.shape
        direct = np.float32 if np.dtype(dtype) == np.float32 else np.float64
        lat = np.empty((ni, nj), direct, order="F")
        lon = np.empty((ni, nj), direct, order="F")
        nthreads = 0 if threads is None else int(threads)
        if nthreads < 0:
            raise _error(InvalidArgumentError, f"threads must be >= 0, not {threads}")
        self._g.latlon(lat.reshape(-1, order="F"), lon.reshape(-1, order="F"), nthreads)
        if np.dtype(dtype) != direct:
            return lat.astype(dtype, order="F"), lon.astype(dtype, order="F")
        return lat, lon

    def axes(self) -> tuple[F64, F64]:
        """1-D projection axes (x: ni, y: nj values) of a separable grid:
        degrees (lat-lon, rotated RPN lon/lat) or metres (polar stereographic)."""
        ni, nj = self.shape
        x = np.empty(ni, np.float64)
        y = np.empty(nj, np.float64)
        self._g.axes(x, y)
        return x, y

    def bounds(self) -> tuple[F64, F64]:
        """Cell corners (ni, nj, 4) of latitude and longitude, CF order."""
        ni, nj = self.shape
        lat = np.empty((4, ni, nj), np.float64, order="F")
        lon = np.empty((4, ni, nj), np.float64, order="F")
        self._g.bounds(lat.reshape(-1, order="F"), lon.reshape(-1, order="F"))
        return np.moveaxis(lat, 0, -1), np.moveaxis(lon, 0, -1)

    def __repr__(self) -> str:
        i = self.info
        ref = f" on {i['ref_grtyp']}{i['ref_ig']}" if i["ref_grtyp"] else ""
        return f"<fst24.Grid {i['grtyp']} {i['ni']}x{i['nj']} ig={i['ig']}{ref} {i['mapping']}>"


def grid_latlon(record: Record) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(lat, lon) arrays of shape (ni, nj), Fortran order, of a record's grid.

    Self-contained grids (A, B, G, L, N, S, E) come from the header; Z, Y,
    # and U grids read their positional records (>>, ^^) from the record's
    file. Degrees north / east in [0, 360).
    """
    record = _file_record(record, "grid_latlon()")
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
