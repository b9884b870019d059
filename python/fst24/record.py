"""The :class:`Record` class: one FST record's header, data and helpers."""
from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Optional, Union

import numpy as np
import numpy.typing as npt

from . import _core, _memory
from .errors import CorruptFileError, DecodeError, InvalidArgumentError, UnsupportedError, _error

__all__ = ["Record", "HEADER_FIELDS"]

#: Header fields accepted by ``Record(...)`` and as search criteria.
HEADER_FIELDS = (
    "nomvar", "typvar", "etiket", "grtyp", "ip1", "ip2", "ip3", "ni", "nj", "nk",
    "dateo", "datev", "deet", "npas", "data_type", "data_bits", "pack_bits",
    "ig1", "ig2", "ig3", "ig4",
)
#: Read-only fields set by the library for records of a file.
POSITION_FIELDS = (
    "key", "file_index", "file_offset", "total_stored_bytes", "num_meta_bytes",
    "fst_version", "num_search_keys", "extended_meta_size", "ubc",
)

_ELEM_DTYPES: dict[str, np.dtype[Any]] = {
    "f32": np.dtype("float32"), "f64": np.dtype("float64"),
    "u8": np.dtype("uint8"), "u16": np.dtype("uint16"), "u32": np.dtype("uint32"),
    "u64": np.dtype("uint64"), "i8": np.dtype("int8"), "i16": np.dtype("int16"),
    "i32": np.dtype("int32"), "i64": np.dtype("int64"),
}
_DTYPE_ELEM = {
    np.dtype("float32"): _core.ELEM_F32, np.dtype("float64"): _core.ELEM_F64,
    np.dtype("uint8"): _core.ELEM_U8, np.dtype("uint16"): _core.ELEM_U16,
    np.dtype("uint32"): _core.ELEM_U32, np.dtype("uint64"): _core.ELEM_U64,
    np.dtype("int8"): _core.ELEM_I8, np.dtype("int16"): _core.ELEM_I16,
    np.dtype("int32"): _core.ELEM_I32, np.dtype("int64"): _core.ELEM_I64,
    np.dtype("complex64"): _core.ELEM_F32, np.dtype("complex128"): _core.ELEM_F64,
    np.dtype("S1"): _core.ELEM_U8,
}
# Inclusive ranges of header values a writer accepts (CONTAINER.md 2.6.2).
_RANGES = {
    "ip1": (0, 0xFFFFFFF), "ip2": (0, 0xFFFFFFF), "ip3": (0, 0xFFFFFFF),
    "ig1": (0, 0xFFFFFF), "ig2": (0, 0xFFFFFF), "ig3": (0, 0xFFFFFF), "ig4": (0, 0xFFFFFF),
    "deet": (0, 0xFFFFFF), "npas": (0, 0xFFFFFF), "ni": (1, 0x7FFFFFFF), "nj": (1, 0x7FFFFFFF),
    "nk": (1, 0xFFFFF), "pack_bits": (1, 64),
}
_DATA_TYPE_BASES = (0, 1, 2, 3, 4, 5, 6, 7, 8)

DateLike = Union[int, _dt.datetime, np.datetime64]


def _default_encoding(dtype: np.dtype[Any]) -> tuple[int, int, int]:
    """(data_type, data_bits, pack_bits) used for an array of ``dtype``."""
    if dtype.kind == "f":
        bits = dtype.itemsize * 8
        return 5, bits, bits
    if dtype.kind == "c":
        bits = dtype.itemsize * 4
        return 8, bits, bits
    if dtype.kind == "i":
        bits = dtype.itemsize * 8
        return 4, bits, bits
    if dtype.kind == "u":
        bits = dtype.itemsize * 8
        return 2, bits, bits
    if dtype.kind == "S":
        return 7, 8, 8
    raise _error(InvalidArgumentError, f"data of dtype {dtype} cannot be stored in an FST record")


def _as_record_array(data: Any) -> npt.NDArray[Any]:
    """``data`` as a supported numpy array (native byte order, any layout)."""
    arr = np.asarray(data)
    if arr.dtype.kind == "U":
        arr = np.char.encode(arr, "ascii")
    if arr.dtype.kind == "S" and arr.dtype.itemsize != 1:
        # A 1-D array of strings: one column of characters per string.
        width = arr.dtype.itemsize
        arr = np.frombuffer(arr.tobytes(), dtype="S1").reshape(arr.shape + (width,))
        arr = np.moveaxis(arr, -1, 0)
    if arr.dtype.kind == "b":
        raise _error(InvalidArgumentError, "boolean arrays are not supported: convert to uint8")
    if arr.dtype.kind not in "fciuS":
        raise _error(InvalidArgumentError, f"data of dtype {arr.dtype} cannot be stored in an FST record")
    if arr.dtype.kind == "S":
        arr = arr.astype("S1")
    elif not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    if arr.ndim > 3:
        raise _error(InvalidArgumentError, f"data has {arr.ndim} dimensions; at most 3 (ni, nj, nk)")
    return arr


def _stamp(value: DateLike, field: str) -> int:
    """A CMC date stamp from an int stamp, a datetime or a datetime64."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (_dt.datetime, np.datetime64)):
        from .dates import datetime_to_stamp
        return int(datetime_to_stamp(value))
    raise _error(InvalidArgumentError, f"{field} must be a date stamp or a datetime, not {type(value).__name__}")


class Record(_core.RecordBase):
    """One FST record: header fields as attributes, data as a numpy array.

    Records returned by a file carry their position (``key``,
    ``file_offset``...) and read their data on first access of
    :attr:`data`. New records are built with keyword arguments::

        rec = fst24.Record(data=array, nomvar="TT", typvar="P", ip1=..., dateo=...)

    Unset fields take writing defaults (blank strings, 0 for ip/ig/dates,
    ni/nj/nk from the data's shape, data_type/bits from its dtype: float32 ->
    E32, float64 -> E64, intN -> S, uintN -> I, complex -> Z, bytes -> A).
    Fortran- and C-ordered arrays are both stored with i (the first index)
    varying fastest.
    """

    # Instances created by the C layer skip __init__: class-level defaults.
    _data: Optional[npt.NDArray[Any]] = None
    _ext_meta_out: Optional[str] = None

    def __init__(self, data: Any = None, *, ext_meta: Union[None, str, dict[str, Any]] = None,
                 **fields: Any) -> None:
        """A new record; see the class documentation for the defaults."""
        super().__init__()
        unknown = set(fields) - set(HEADER_FIELDS)
        if unknown:
            raise _error(InvalidArgumentError, f"unknown record field(s): {', '.join(sorted(unknown))}")
        if data is not None:
            arr = _as_record_array(data)
            self._set_data(arr, explicit=fields)
        for name, value in fields.items():
            if name in ("dateo", "datev"):
                value = _stamp(value, name)
            setattr(self, name, value)
        if "datev" in fields and "dateo" not in fields:
            self.dateo = -1  # derive dateo from datev on write
        if ext_meta is not None:
            self.ext_meta = ext_meta

    # ---- data --------------------------------------------------------------

    def _set_data(self, arr: npt.NDArray[Any], explicit: dict[str, Any]) -> None:
        shape = arr.shape + (1,) * (3 - arr.ndim)
        n = int(np.prod(shape))
        dims = [explicit.get(k) for k in ("ni", "nj", "nk")]
        if any(d is not None for d in dims):
            want = tuple(int(d) if d is not None else s for d, s in zip(dims, shape))
            if int(np.prod(want)) != n:
                raise _error(InvalidArgumentError,
                             f"ni*nj*nk = {want} does not match the data's {n} elements")
            shape = want
        arr = np.asfortranarray(arr.reshape(shape, order="F") if arr.shape != shape else arr)
        if n == 0:
            raise _error(InvalidArgumentError, "cannot store an empty array")
        self.ni, self.nj, self.nk = (int(s) for s in shape)
        dtype_type, dbits, pbits = _default_encoding(arr.dtype)
        self.data_bits = dbits
        if "data_type" not in explicit:
            self.data_type = dtype_type
        if "pack_bits" not in explicit:
            base = int(explicit.get("data_type", dtype_type)) & 0x3F
            self.pack_bits = 16 if base in (1, 6) and "data_type" in explicit else pbits
        self._data = arr

    @property
    def data(self) -> npt.NDArray[Any]:
        """The record's data: numpy array of shape (ni, nj, nk), Fortran order.

        Read and decoded on first access, then cached. dtype follows the
        record: float32/float64 for reals, intN/uintN for integers, complex64
        /complex128 for datyp 8, ``S1`` (bytes) for characters. Missing
        points of +64 records hold the sentinels of :func:`missing_values`.
        Binary (datyp 0) records whose bit width is not 8/16/32/64 give a
        1-D uint8 array of the raw bytes.
        """
        d = self._data
        if d is None:
            d = self._decode(raw_missing=False)
            self._data = d
        return d

    @data.setter
    def data(self, value: Any) -> None:
        arr = _as_record_array(value)
        keep = {}
        base = self.data_type & 0x3F if self.data_type >= 0 else -1
        encoding = _default_encoding(arr.dtype)
        compatible = {
            "f": (1, 5, 6), "c": (8,), "i": (4, 2, 0), "u": (2, 4, 0), "S": (3, 7),
        }[arr.dtype.kind]
        if base in compatible:
            keep = {"data_type": self.data_type}
            if self.pack_bits > 0 and (base not in (5, 2, 4) or self.pack_bits <= encoding[1]):
                keep["pack_bits"] = self.pack_bits
        self._set_data(arr, explicit=keep)

    def _array_spec(self) -> tuple[np.dtype[Any], tuple[int, ...], int]:
        """(dtype, shape, nbytes) of the decoded data."""
        try:
            name, count = self._layout()
        except CorruptFileError as exc:  # a damaged header: say which file
            where = self.file.path if self.file is not None else "(no file)"
            raise _error(CorruptFileError, f"{where}: {exc}") from None
        if name not in _ELEM_DTYPES:
            raise _error(UnsupportedError, f"record {self.nomvar!r}: no element type for data_type {self.data_type}")
        dtype = _ELEM_DTYPES[name]
        n = self.ni * self.nj * self.nk
        base = self.data_type & 0x3F
        shape: tuple[int, ...] = (self.ni, self.nj, self.nk)
        if base == 8 and count == 2 * n:
            dtype = np.dtype("complex64") if name == "f32" else np.dtype("complex128")
        elif base in (3, 7) and count == n:
            dtype = np.dtype("S1")
        elif count != n:
            shape = (count,)
        nbytes = int(count) * int(_ELEM_DTYPES[name].itemsize)
        self._check_plausible(n, nbytes)
        return dtype, shape, nbytes

    def _check_plausible(self, n: int, nbytes: int) -> None:
        """Refuse a header whose dimensions cannot fit in what is stored.

        Guards against allocating gigabytes for a damaged directory entry:
        an uncompressed payload holds at least n*pack_bits bits; a
        compressed one is given a generous 4096:1 ratio.
        """
        stored = int(self.total_stored_bytes)
        if self.file is None or stored <= 0:
            return
        base = self.data_type & 0x3F
        if self.data_type & 128:
            ok = nbytes <= stored * 4096 + (1 << 20)
        else:
            bits = 8 if base in (3, 7) else max(int(self.pack_bits), 1)
            if base == 8:
                bits *= 2
            ok = n * bits <= stored * 8
        if not ok:
            raise _error(CorruptFileError,
                         f"record {self.nomvar.strip()!r} of {self.file.path}: {self.ni}x{self.nj}x{self.nk} "
                         f"values of {self.pack_bits} bits cannot come from {stored} stored bytes")

    def _decode(self, raw_missing: bool, threads: int = 0) -> npt.NDArray[Any]:
        # Always through the C reader (pread into the new array), even when the file is
        # memory-mapped: copying from the map would also make the mapped pages resident
        # (twice the data in RSS); the map serves view() only.
        dtype, shape, nbytes = self._array_spec()
        scratch = max(int(self.total_stored_bytes), 0)
        _memory.reserve(nbytes + scratch, self._where)
        try:
            out = np.empty(shape, dtype, order="F")
        except MemoryError:
            _memory.release(nbytes + scratch)
            from .errors import OutOfMemoryError
            raise _error(OutOfMemoryError, f"{self._where()}: cannot allocate {nbytes} bytes") from None
        try:
            self._read_into(out, raw_missing, threads)
        except BaseException:
            _memory.release(nbytes + scratch)
            raise
        _memory.release(scratch)
        _memory.track(out, nbytes)
        return out

    def _where(self) -> str:
        return f"record {self.nomvar!r} of {self.file.path if self.file is not None else '(new)'}"

    def read(self, raw_missing: bool = False, threads: Optional[int] = None) -> npt.NDArray[Any]:
        """Decode the data again (uncached). ``raw_missing=True`` leaves the
        encoded values of missing points instead of the sentinels;
        ``threads`` > 1 splits the decoding of one large uncompressed record."""
        n = 0 if threads is None else int(threads)
        if n < 0:
            raise _error(InvalidArgumentError, f"threads must be >= 0, not {threads}")
        return self._decode(raw_missing, n)

    def payload(self) -> bytes:
        """The stored payload as host-order 32-bit words (bytes)."""
        return self._read_payload()

    def _viewable(self) -> bool:
        f = self.file
        if f is None:
            return False
        if self.data_type == 5 and self.pack_bits == 32:
            return True
        if self.data_type == 8 and self.pack_bits == 32:
            return True
        # 64-bit values are stored most significant word first: a plain
        # big-endian image in XDF, but not a little-endian one in RSF.
        return self.data_type in (5, 8) and self.pack_bits == 64 and f.backend == "xdf"

    def view(self) -> npt.NDArray[Any]:
        """Read-only zero-copy view of an uncompressed IEEE record's data.

        Available for datyp 5 (E) and 8 (complex) records stored with 32 bits
        (both backends) or 64 bits (XDF only). The dtype has the on-disk byte
        order ('>f4' for XDF, '<f4' for RSF); shape (ni, nj, nk), F order.
        The view keeps the file's memory map alive after the file is closed.
        """
        f = self.file
        if f is None:
            raise _error(InvalidArgumentError, "view(): the record does not belong to a file")
        if not self._viewable():
            raise _error(UnsupportedError,
                         f"view(): record {self.nomvar.strip()!r} of {f.path} (data_type {self.data_type}, "
                         f"{self.pack_bits} bits, {f.backend}) is not stored as plain IEEE values")
        order = ">" if f.backend == "xdf" else "<"
        kind = "c" if self.data_type == 8 else "f"
        itemsize = self.pack_bits // 8 * (2 if kind == "c" else 1)
        dtype = np.dtype(f"{order}{kind}{itemsize}")
        n = self.ni * self.nj * self.nk
        if f.backend == "xdf":
            start = self.file_offset + 80
        else:
            start = self.file_offset + 16 + self.num_meta_bytes
        end = start + n * itemsize
        mm = f._mapping(end)
        arr: npt.NDArray[Any] = np.frombuffer(mm, dtype=dtype, count=n, offset=start)
        arr = arr.reshape((self.ni, self.nj, self.nk), order="F")
        arr.flags.writeable = False
        return arr

    # ---- extended metadata -------------------------------------------------

    @property
    def ext_meta_text(self) -> str:
        """Extended (JSON) metadata text of an RSF record ("" if none)."""
        if self._ext_meta_out is not None:
            return self._ext_meta_out
        if self.file is None:
            return ""
        return self._ext_meta()

    @property
    def ext_meta(self) -> dict[str, Any]:
        """Extended metadata parsed from JSON ({} if none)."""
        text = self.ext_meta_text
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError as exc:  # stored by another writer: say where
            where = f" of {self.file.path}" if self.file is not None else ""
            raise _error(DecodeError, f"record {self.nomvar.strip()!r}{where}: extended metadata is not "
                                      f"valid JSON ({exc})") from None
        return value if isinstance(value, dict) else {"value": value}

    @ext_meta.setter
    def ext_meta(self, value: Union[str, dict[str, Any], None]) -> None:
        if value is None:
            self._ext_meta_out = None
        elif isinstance(value, str):
            try:
                json.loads(value)
            except ValueError as exc:
                raise _error(InvalidArgumentError, f"record {self.nomvar.strip()!r}: ext_meta is not valid "
                                                   f"JSON ({exc})") from None
            self._ext_meta_out = value
        elif isinstance(value, dict):
            try:
                self._ext_meta_out = json.dumps(value, separators=(",", ":"))
            except (TypeError, ValueError) as exc:
                raise _error(InvalidArgumentError, f"record {self.nomvar.strip()!r}: ext_meta cannot be "
                                                   f"written as JSON ({exc})") from None
        else:
            raise _error(InvalidArgumentError, "ext_meta must be a JSON str or a dict")

    # ---- decoded helpers ---------------------------------------------------

    @property
    def level(self) -> tuple[float, int, str]:
        """(value, kind, unit) of ip1, decoded as librmn's ConvertIp."""
        from .levels import decode_ip1
        return decode_ip1(self.ip1)

    @property
    def ip_ranges(self) -> tuple[int, tuple[float, float, int], tuple[float, float, int], tuple[float, float, int]]:
        """(status, level, time, ip3) ranges of (ip1, ip2, ip3), librmn's DecodeIp."""
        from .levels import decode_ip123
        return decode_ip123(self.ip1, self.ip2, self.ip3)

    @property
    def ip1_text(self) -> str:
        """librmn's text for ip1, e.g. '500 mb'."""
        return str(_core.ip_format(self.ip1))

    @property
    def dateo_datetime(self) -> Optional[_dt.datetime]:
        """Origin date as a datetime (UTC, naive), or None if not a valid stamp."""
        from .dates import stamp_to_py
        return stamp_to_py(self.dateo)

    @property
    def datev_datetime(self) -> Optional[_dt.datetime]:
        """Valid date as a datetime (UTC, naive), or None if not a valid stamp."""
        from .dates import stamp_to_py
        return stamp_to_py(self.datev)

    @property
    def forecast_hours(self) -> float:
        """Lead time deet*npas in hours."""
        return float(self.deet * self.npas) / 3600.0

    @property
    def type_letters(self) -> str:
        """data_type as librmn listings print it ('E', 'R', 'f', 'Rm'...)."""
        return str(self._type_letters())

    def header(self) -> dict[str, Any]:
        """Every header and position field as a dict (HEADER_FIELDS then POSITION_FIELDS)."""
        return self._header()

    def copy(self, data: bool = True) -> "Record":
        """A new record with this header, not attached to any file.

        With ``data=True`` the (decoded) data is carried along, so the copy
        can be written to another file.
        """
        new = self._clone()
        assert isinstance(new, Record)
        new._detach()
        if data:
            new._data = self.data
        if self.file is not None and self.extended_meta_size > 0:
            new._ext_meta_out = self.ext_meta_text
        elif self._ext_meta_out is not None:
            new._ext_meta_out = self._ext_meta_out
        return new

    def __repr__(self) -> str:
        try:
            level = f" ({self.ip1_text})"
        except Exception:  # an invalid code: show the raw value only
            level = ""
        valid = self.datev_datetime
        when = f"{valid:%Y-%m-%d %H:%M:%S}" if valid is not None else str(self.datev)
        where = f" key={self.key}" if self.file is not None else ""
        return (f"<Record nomvar={self.nomvar!r} typvar={self.typvar!r} etiket={self.etiket!r} "
                f"ip1={self.ip1}{level} ip2={self.ip2} ip3={self.ip3} datev={when} "
                f"deet={self.deet} npas={self.npas} shape=({self.ni}, {self.nj}, {self.nk}) "
                f"type={self.type_letters}{self.pack_bits} "
                f"grid={self.grtyp}({self.ig1},{self.ig2},{self.ig3},{self.ig4}){where}>")

    def __reduce__(self) -> Any:
        fields = {name: getattr(self, name) for name in HEADER_FIELDS}
        data = self._data if self._data is not None or self.file is None else self.data
        return (_rebuild, (fields, data, self.ext_meta_text or None))

    # ---- validation --------------------------------------------------------

    def _check_writable(self) -> None:
        """Raise InvalidArgumentError if a header field is out of range."""
        for name, (lo, hi) in _RANGES.items():
            v = getattr(self, name)
            if not lo <= v <= hi:
                raise _error(InvalidArgumentError,
                             f"record {self.nomvar.strip()!r}: {name}={v} outside {lo}..{hi}")
        if (self.data_type & 0x3F) not in _DATA_TYPE_BASES or self.data_type < 0:
            raise _error(InvalidArgumentError, f"record {self.nomvar.strip()!r}: data_type {self.data_type} is unknown")
        if not self.nomvar.strip():
            raise _error(InvalidArgumentError, "record has an empty nomvar")


def _rebuild(fields: dict[str, Any], data: Any, ext_meta: Optional[str]) -> Record:
    rec = Record()
    for name, value in fields.items():
        setattr(rec, name, value)
    if data is not None:
        rec._data = data
    if ext_meta:
        rec._ext_meta_out = ext_meta
    return rec
