"""IP1/IP2/IP3 codes: whole arrays decoded and encoded by libfst24 in one call."""
from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np
import numpy.typing as npt

from . import _core
from ._util import _contig
from .errors import InvalidArgumentError, _error

__all__ = ["decode_ip", "encode_ip", "kind_info", "decode_ip1", "format_ip", "decode_ip123",
           "VerticalDescriptor"]

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


#: Level families of a vertical descriptor.
MOMENTUM, THERMODYNAMIC, VERTICAL_VELOCITY = 1, 2, 3


class VerticalDescriptor:
    """A vertical coordinate descriptor ("!!" record, or legacy HY/PT), parsed
    by libfst24: the level table (ip1, A, B, C per level family) and the
    parameters of the vcode (``info``: vcode, ptop, pref, rcoef, reference
    field names, diagnostic levels, CF vocabulary, key of the source record).
    """

    # A dict of slots documents them (``help()``, docs/reference/python.md).
    __slots__ = {"_vg": "The vertical descriptor object of the C library.",
                 "info": "dict: the C library's description (fst24_vgrid_get_info): vcode, kind, "
                         "version, ptop, pref, rcoef, reference field names, level counts, "
                         "diagnostic levels, CF vocabulary, key of the source record."}

    def __init__(self, core: "_core.VGrid") -> None:
        """Wrap a descriptor built by :meth:`of`, :meth:`from_record` or :meth:`from_table`."""
        self._vg = core
        self.info: dict[str, Any] = core.info()

    @classmethod
    def of(cls, record: Any) -> "VerticalDescriptor":
        """The descriptor of a data record's levels: the "!!" linked by
        (ig1, ig2), else the file's only "!!", else a legacy descriptor
        (HY, PT) inferred from the file. RecordNotFoundError if none applies."""
        return cls(_core.vgrid_find(record))

    @classmethod
    def from_record(cls, toctoc: Any) -> "VerticalDescriptor":
        """Parse a "!!" record read from a file."""
        return cls(_core.vgrid_from_record(toctoc))

    @classmethod
    def from_table(cls, vcode: int, table: Any) -> "VerticalDescriptor":
        """Parse a "!!" table: an (ni, nj) array of float64 as stored."""
        t = np.asarray(table, dtype=np.float64)
        if t.ndim != 2:
            raise _error(InvalidArgumentError, f"a '!!' table is 2-D (ni, nj), not {t.shape}")
        flat = np.ascontiguousarray(t.reshape(-1, order="F"))
        return cls(_core.vgrid_from_table(int(vcode), t.shape[0], t.shape[1], flat))

    def levels(self, family: int = MOMENTUM) -> dict[str, npt.NDArray[Any]]:
        """Levels of one family as arrays: ``ip1`` (int32), ``a``, ``b``, ``c`` (float64)."""
        ip, a, b, c = self._vg.levels(int(family))
        return {"ip1": np.asarray(ip, np.int32), "a": np.asarray(a, np.float64),
                "b": np.asarray(b, np.float64), "c": np.asarray(c, np.float64)}

    def lookup(self, ip1: int) -> Optional[tuple[int, int, float, float, float, bool]]:
        """(family, index, a, b, c, diagnostic) of a level, or None if ip1 is not one of its levels."""
        return self._vg.lookup(int(ip1))

    def __repr__(self) -> str:
        i = self.info
        return f"<fst24.VerticalDescriptor {i['vcode']} ({i['description']}) {i['nl_m']}+{i['nl_t']} levels>"
