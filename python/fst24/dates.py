"""CMC date-time stamps <-> datetimes.

Stamp -> date goes through libfst24 (whole arrays in one call). The reverse
direction follows the printable -> stamp rule of librmn's newdate (mode +3)
as documented in the project's METADATA.md 2.4, in Python: the C library
has no function for it yet.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Optional, Union

import numpy as np
import numpy.typing as npt

from . import _core
from .errors import InvalidArgumentError, _error
from ._util import _contig

__all__ = ["stamp_to_datetime", "datetime_to_stamp", "stamp_to_py"]

_EPOCH = _dt.datetime(1970, 1, 1)
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


def _jd(y: int, m: int, d: int) -> int:
    """Julian day number (Fliegel & Van Flandern, integer divisions toward zero)."""
    def q(a: int, b: int) -> int:  # b > 0: division truncating toward zero
        return a // b if a >= 0 else -((-a) // b)
    a = q(m - 14, 12)
    return (d - 32075 + q(1461 * (y + 4800 + a), 4) + q(367 * (m - 2 - a * 12), 12)
            - q(3 * q(y + 4900 + a, 100), 4))


def _to_stamp(t: _dt.datetime, extended: Optional[bool]) -> int:
    y, mo, d, h, mi, s = t.year, t.month, t.day, t.hour, t.minute, t.second
    if extended or (extended is None and (y < 1900 or y > 2235 or (y, mo, d, h, mi, s) == (1901, 1, 1, 1, 0, 0))):
        hours = (_jd(y, mo, d) - 1721060) * 24 + h
        u = 3_000_000_000 + (hours // 8) * 10 + hours % 8
        return u - (1 << 32)
    secs = 60 * mi + s
    td = (_jd(y, mo, d) - 2444240) * 17280 + 720 * h + secs // 5
    if y >= 2000 or (y >= 1980 and secs != 0):
        return 123_200_000 + (td // 8) * 10 + td % 8
    td1900 = -504_904_320
    td = ((td - td1900) // 720) * 720 + td1900
    day, rem = divmod(td - td1900, 17280)
    date = _dt.date(1900, 1, 1) + _dt.timedelta(days=day)
    hour = rem // 720
    return date.month * 10_000_000 + date.day * 100_000 + (date.year - 1900) * 1000 + hour * 10


def datetime_to_stamp(datetimes: Union[_dt.datetime, np.datetime64, Any],
                      extended: Optional[bool] = None) -> Any:
    """Convert datetimes (a datetime, datetime64 or array of them) to CMC stamps.

    Same rule as librmn's newdate mode +3: new-style stamps (5-second
    resolution) from 2000 on or for times with minutes/seconds after 1980,
    old-style stamps otherwise, extended stamps (whole hours) outside
    1900..2235. ``extended=True`` forces extended stamps. Returns an int for
    scalar input, else an int32 array.
    """
    if isinstance(datetimes, _dt.datetime):
        if datetimes.tzinfo is not None:
            datetimes = datetimes.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return _to_stamp(datetimes, extended)
    arr = np.asarray(datetimes, dtype="datetime64[s]")
    out = np.empty(arr.shape, np.int32)
    flat_in = arr.reshape(-1)
    flat_out = out.reshape(-1)
    for i, v in enumerate(flat_in):
        if np.isnat(v):
            raise _error(InvalidArgumentError, "cannot convert NaT to a date stamp")
        secs = int(v.astype(np.int64))
        flat_out[i] = _to_stamp(_EPOCH + _dt.timedelta(seconds=secs), extended)
    return int(out[()]) if out.ndim == 0 else out
