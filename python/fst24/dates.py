"""CMC date-time stamps <-> datetimes.

Both directions go through libfst24, whole arrays in one call, with
librmn's rules (newdate modes -3 / +3, 5-second resolution of new stamps).
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Optional, Union

import numpy as np

from . import _core
from ._util import _contig
from .errors import InvalidArgumentError, _error

__all__ = ["stamp_to_datetime", "datetime_to_stamp", "stamp_to_py"]

_NAT = np.iinfo(np.int64).min


def stamp_to_datetime(stamps: Any) -> Any:
    """Convert CMC date stamps (int or array) to numpy ``datetime64[s]``.

    Invalid stamps (0, -1, garbage) give NaT. A scalar input gives a scalar.
    """
    arr = np.asarray(stamps)
    if arr.dtype.kind not in "iu":
        raise _error(InvalidArgumentError, f"date stamps must be integers, not {arr.dtype}")
    c = _contig(arr, np.int32)
    out = np.empty(c.shape, np.int64)
    _core.stamps_to_epoch(c, out)
    result = out.view("datetime64[s]")
    return result[()] if result.ndim == 0 else result


def stamp_to_py(stamp: int) -> Optional[_dt.datetime]:
    """One stamp as a naive UTC ``datetime`` (None if it is not a valid date)."""
    rc, ymd, hms = _core.stamp_to_printable(int(stamp))
    if rc != 0 or ymd <= 0:
        return None
    try:
        return _dt.datetime(ymd // 10000, ymd // 100 % 100, ymd % 100,
                            hms // 1000000, hms // 10000 % 100, hms // 100 % 100)
    except ValueError:
        return None


def datetime_to_stamp(datetimes: Union[_dt.datetime, np.datetime64, Any],
                      extended: Optional[bool] = None) -> Any:
    """Convert datetimes (a datetime, datetime64 or array of them) to CMC stamps.

    Same rule as librmn's newdate mode +3: new-style stamps (5-second
    resolution) from 2000 on or for times with minutes/seconds after 1980,
    old-style stamps otherwise, extended stamps (whole hours) outside
    1900..2235. ``extended=True`` forces extended stamps (whole hours). Returns an int for
    scalar input, else an int32 array.
    """
    if isinstance(datetimes, _dt.datetime):
        if datetimes.tzinfo is not None:
            datetimes = datetimes.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        datetimes = np.datetime64(datetimes, "s")
    arr = np.asarray(datetimes, dtype="datetime64[s]")
    if np.any(np.isnat(arr)):
        raise _error(InvalidArgumentError, "cannot convert NaT to a date stamp")
    seconds = _contig(arr.astype(np.int64), np.int64)
    out = np.empty(arr.shape, np.int32)
    bad = _core.epochs_to_stamps(seconds, bool(extended), out)
    if bad >= 0:
        raise _error(InvalidArgumentError,
                     f"{arr.reshape(-1)[bad]} cannot be a date stamp (years 0..9999 only)")
    return int(out[()]) if out.ndim == 0 else out
