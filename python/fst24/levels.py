"""IP1/IP2/IP3 codes: whole arrays decoded and encoded by libfst24 in one call."""
from __future__ import annotations

from typing import Any, Union

import numpy as np
import numpy.typing as npt

from . import _core
from .errors import InvalidArgumentError, _error
from ._util import _contig

__all__ = ["decode_ip", "encode_ip", "kind_info", "decode_ip1", "format_ip", "decode_ip123"]

IPRange = tuple[float, float, int]

_STYLES = {"new": _core.IP_NEW, "old": _core.IP_OLD}


def decode_ip(codes: Any) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int32]]:
    """Decode IP codes (int or array of ints) to ``(values, kinds)`` arrays.

    Exactly librmn's ConvertIp (mode -1). Undecodable codes give value
    -999999 and kind -1. The result has the shape of ``codes``.
    """
    arr = np.asarray(codes)
    if arr.dtype.kind not in "iu":
        raise _error(InvalidArgumentError, f"IP codes must be integers, not {arr.dtype}")
    c = _contig(arr, np.int32)
    values = np.empty(c.shape, np.float32)
    kinds = np.empty(c.shape, np.int32)
    _core.ip_decode(c, values, kinds)
    return values, kinds


def encode_ip(values: Any, kinds: Any, style: str = "new") -> npt.NDArray[np.int32]:
    """Encode (value, kind) pairs into IP codes (librmn's ConvertIp mode 2/3).

    ``values`` and ``kinds`` broadcast together; ``style`` is "new" (28-bit,
    every kind) or "old" (15-bit, kinds 0..3). Pairs that cannot be encoded
    give librmn's error codes (-999999 or -1).
    """
    if style not in _STYLES:
        raise _error(InvalidArgumentError, f"style must be 'new' or 'old', not {style!r}")
    v, k = np.broadcast_arrays(np.asarray(values, dtype=np.float32), np.asarray(kinds))
    if k.dtype.kind not in "iu":
        raise _error(InvalidArgumentError, f"kinds must be integers, not {k.dtype}")
    v = _contig(v, np.float32)
    k = _contig(k, np.int32)
    out = np.empty(v.shape, np.int32)
    _core.ip_encode(v, k, _STYLES[style], out)
    return out


def kind_info(kind: int) -> tuple[str, str, str, bool]:
    """(two-letter tag, unit, name, is_level) of an IP kind."""
    tag, unit, name, is_level = _core.ip_kind_info(int(kind))
    return str(tag), str(unit), str(name), bool(is_level)


def decode_ip1(ip: int) -> tuple[float, int, str]:
    """(value, kind, unit) of one IP code; invalid codes give (-999999.0, -1, '')."""
    values, kinds = decode_ip(np.int32(ip))
    kind = int(kinds)
    return float(values), kind, kind_info(kind)[1] if kind >= 0 else ""


def format_ip(ip: Union[int, np.integer[Any]]) -> str:
    """librmn's text for an IP code, e.g. 41394464 -> '500 mb'."""
    return str(_core.ip_format(int(ip)))


def decode_ip123(ip1: int, ip2: int, ip3: int) -> tuple[int, IPRange, IPRange, IPRange]:
    """Decode an (ip1, ip2, ip3) triplet as librmn's DecodeIp.

    Returns ``(status, level, time, ip3)``, each range ``(v1, v2, kind)``
    (v1 == v2 for a single value; a level range bottom first, a time range
    in increasing order). ``status`` holds librmn's flags (0 OK, 2 good
    guess, 4 bad guess, 8 terrible guess, 32 warning, 64 error).
    """
    st, r1, r2, r3 = _core.ip123_decode(int(ip1), int(ip2), int(ip3))
    return int(st), r1, r2, r3
