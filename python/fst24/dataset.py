"""The Dataset model of FST files, without xarray.

This layer turns the metadata index of one or more FST files (one row per
record, ``fst24.index``) into the parts of a CF Dataset -- variables with their
dimensions, coordinates and attributes -- as plain numpy arrays, dicts and
lazy array objects. ``fst24.xarray_backend`` is a thin shim that wraps the
result into an ``xarray.Dataset`` (as cfgrib does with its own data model).

* One data variable per field: records are grouped by (nomvar, typvar,
  etiket, grid, kind of level); names clash only when one nomvar spans
  several of those, and are then suffixed with what differs.
* Outer (record) dimensions, in this order: time (or forecast reference time
  and forecast period), extra axes needed to separate records (``ip3``...),
  ensemble member, vertical level; then the grid's inner dimensions
  (``k`` when nk > 1, then y, x).
* Horizontal coordinates and grid mappings come from libfst24's grid API,
  vertical coordinates (including ``!!`` a/b coefficients and CF formulas)
  from its vertical descriptor API.
* Data stay in the files: :class:`RecordArray` holds (path, key) of every
  record and reads, on indexing, exactly the records the selection touches
  (decoded in C, in parallel, with the GIL released). Two-dimensional
  latitudes and longitudes are computed on first access (:class:`LatLonArray`).

See docs/xarray.md for the full mapping and every difference from fstd2nc.
"""
from __future__ import annotations

import glob as _glob
import json
import math
import os
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

from . import _cf, _core, _memory
from .errors import Error, InvalidArgumentError, RecordNotFoundError, _error
from .file import File, FileSet
from .grid import Grid
from .levels import VerticalDescriptor
from .record import Record

__all__ = ["DatasetModel", "Variable", "RecordArray", "LatLonArray", "build", "source_paths",
           "HEADER_ATTRS"]

#: Header fields kept as attributes of a data variable when constant over its records.
HEADER_ATTRS = ("nomvar", "typvar", "etiket", "ip1", "ip2", "ip3", "deet", "npas", "datyp", "nbits",
                "data_bits", "grtyp", "ig1", "ig2", "ig3", "ig4")

_UNKNOWN_GRIDS = ("index", "skip", "raise")
_SURFACE_IP1 = (0, 99614720)        # 0 mb and hybrid 0: single levels meaning "no vertical axis"
_STAGGERED = {5002, 5003, 5004, 5005, 5100, 21001, 21002}
_FAMILY_SUFFIX = {1: "m", 2: "t", 3: "w"}
_MASK_TYPVARS = ("@@", "!@")
# descriptor records never become data variables (besides the index's is_descriptor)
_NOT_VARIABLES = np.array([">>", "^^", "^>", "!!", "!!SF", "##", "HY", "#>>#", "#^^#", "####", "PROJ", "MTRX",
                           "STNS"], dtype=object)


_NOT_VARIABLES_SET = frozenset(_NOT_VARIABLES.tolist())
_JSON = json.JSONEncoder(separators=(",", ":"))   # json.dumps(..., separators=(",", ":")), made once
_MASK_TYPVARS_SET = frozenset(_MASK_TYPVARS)
# integer header fields (columns of _Builder.int_matrix) and the index column of each
_INT_ATTRS = tuple(f for f in HEADER_ATTRS if f not in ("nomvar", "typvar", "etiket", "grtyp"))
_INT_ATTR_COLUMNS = tuple({"datyp": "data_type", "nbits": "pack_bits"}.get(f, f) for f in _INT_ATTRS)
_INT_ATTR_AT = {f: j for j, f in enumerate(_INT_ATTRS)}
# what a variable's header attributes come from: (name, position in _INT_ATTRS or -1 for text fields)
_HEADER_PLAN = tuple((f, _INT_ATTR_AT.get(f, -1)) for f in HEADER_ATTRS)
_TEXT_KEYS = ("nomvar", "grtyp", "typvar", "etiket")
_NS_TIME, _NS_PERIOD = np.dtype("datetime64[ns]"), np.dtype("timedelta64[ns]")


def _isin(values: npt.NDArray[Any], members: frozenset[str]) -> npt.NDArray[np.bool_]:
    """values (strings) in members, as booleans (np.isin is slow on object arrays)."""
    return np.fromiter(map(members.__contains__, values.tolist()), np.bool_, len(values))


def _all_distinct(values: npt.NDArray[Any]) -> bool:
    """True if no two values are equal."""
    if values.size < 2:
        return True
    s = np.sort(values, axis=None)
    return not bool((s[1:] == s[:-1]).any())


def _most_common(values: npt.NDArray[Any]) -> int:
    """The most frequent value (the smallest of equally frequent ones)."""
    first = values[0]
    if (values == first).all():
        return int(first)
    u, n = np.unique(values, return_counts=True)
    return int(u[np.argmax(n)])


class FstWarning(UserWarning):
    """Something in the files could not be represented exactly (the message says what)."""


# ---------------------------------------------------------------------------
# Model objects
# ---------------------------------------------------------------------------

@dataclass
class Variable:
    """One variable: dimension names, data (numpy or lazy), attributes, encoding."""
    dims: tuple[str, ...]
    data: Any
    attrs: dict[str, Any] = field(default_factory=dict)
    encoding: dict[str, Any] = field(default_factory=dict)


@dataclass
class DatasetModel:
    """Everything an xarray Dataset needs: variables (data variables first, in
    file order), which of them are coordinates, and global attributes."""
    variables: dict[str, Variable]
    coord_names: set[str]
    attrs: dict[str, Any]
    paths: tuple[str, ...]

    @property
    def data_vars(self) -> list[str]:
        """Names of the data variables."""
        return [n for n in self.variables if n not in self.coord_names]


# ---------------------------------------------------------------------------
# Files: one read-only handle per path and process
# ---------------------------------------------------------------------------

class _FileCache:
    """Read-only File objects shared by the lazy arrays of a process.

    A handle is reopened when the file changed on disk (size, mtime, inode),
    so arrays never read a stale directory. At most ``limit`` files stay open.
    """

    def __init__(self, limit: int = 128) -> None:
        self._lock = threading.Lock()
        self._files: "OrderedDict[str, tuple[tuple[int, int, int], File]]" = OrderedDict()
        self.limit = limit

    def get(self, path: str) -> File:
        st = os.stat(path)
        sig = (st.st_size, st.st_mtime_ns, st.st_ino)
        with self._lock:
            hit = self._files.get(path)
            if hit is not None and hit[0] == sig and not hit[1].closed:
                self._files.move_to_end(path)
                return hit[1]
        f = File(path)
        with self._lock:
            old = self._files.pop(path, None)
            self._files[path] = (sig, f)
            while len(self._files) > self.limit:
                self._files.popitem(last=False)
        del old  # closed when no longer referenced (arrays may still hold records)
        return f

    def forget(self, path: str) -> None:
        with self._lock:
            self._files.pop(path, None)


FILES = _FileCache()


def _records(paths: Sequence[str], file_idx: npt.NDArray[Any], keys: npt.NDArray[Any],
             offsets: Optional[npt.NDArray[Any]] = None) -> list[Record]:
    """Records by (file index, key), looked up in C one file at a time. With
    ``offsets`` (where the index saw them), a record that moved raises: the
    file was rewritten since the Dataset was opened."""
    out: list[Any] = [None] * len(keys)
    fidx = np.asarray(file_idx)
    for fi in np.unique(fidx).tolist():
        where = np.flatnonzero(fidx == fi)
        found = _core.records_by_key(FILES.get(paths[fi]), np.ascontiguousarray(np.asarray(keys)[where], np.int64))
        for i, rec in zip(where.tolist(), found):
            if offsets is not None and rec.file_offset != int(offsets[i]):
                from .errors import RecordNotFoundError
                raise _error(RecordNotFoundError,
                             f"{paths[fi]}: record {rec.nomvar.strip()!r} (key {int(keys[i])}) is now at offset "
                             f"{rec.file_offset}, not {int(offsets[i])}: the file changed since it was opened; "
                             "open it again")
            out[i] = rec
    return out


# ---------------------------------------------------------------------------
# Lazy arrays
# ---------------------------------------------------------------------------

def _normalize_key(key: Any, shape: tuple[int, ...]) -> tuple[Any, ...]:
    if not isinstance(key, tuple):
        key = (key,)
    key = tuple(key)
    if any(k is Ellipsis for k in key):
        i = next(n for n, k in enumerate(key) if k is Ellipsis)
        key = key[:i] + (slice(None),) * (len(shape) - len(key) + 1) + key[i + 1:]
    if len(key) > len(shape):
        raise IndexError(f"too many indices ({len(key)}) for an array of {len(shape)} dimensions")
    out: tuple[Any, ...] = key + (slice(None),) * (len(shape) - len(key))
    return out


def _axis_index(k: Any, n: int) -> npt.NDArray[np.intp]:
    if isinstance(k, slice):
        return np.arange(n, dtype=np.intp)[k]
    a = np.asarray(k)
    if a.dtype == bool:
        return np.flatnonzero(a).astype(np.intp)
    a = a.astype(np.intp).reshape(-1)
    if a.size and (a.min() < -n or a.max() >= n):
        raise IndexError(f"index out of range for a dimension of size {n}")
    return np.where(a < 0, a + n, a)


class RecordArray:
    """A lazy N-D array whose outer dimensions index FST records.

    ``slots`` maps every position of the outer dimensions to a record
    (index into ``paths`` and record key; -1 where no record exists: filled
    with ``fill``). Each record's data, an (ni, nj, nk) Fortran array, is
    seen as its C-ordered transpose (nk, nj, ni) reshaped to ``inner_shape``.
    Indexing (ints, slices, integer arrays per dimension: outer indexing)
    reads only the selected records, in one parallel batch. Picklable: it
    holds paths and keys only, and reopens files in the process that reads.
    """

    def __init__(self, paths: Sequence[str], file_idx: npt.NDArray[Any], keys: npt.NDArray[Any],
                 outer_shape: tuple[int, ...], inner_shape: tuple[int, ...], dtype: Any,
                 mask_file_idx: Optional[npt.NDArray[Any]] = None,
                 mask_keys: Optional[npt.NDArray[Any]] = None, missing: bool = True,
                 threads: Optional[int] = None, name: str = "",
                 offsets: Optional[npt.NDArray[Any]] = None) -> None:
        """See the class documentation; arrays have ``prod(outer_shape)`` entries."""
        self.paths = tuple(paths)
        self.file_idx = np.ascontiguousarray(file_idx, np.int32).reshape(outer_shape)
        self.keys = np.ascontiguousarray(keys, np.int64).reshape(outer_shape)
        self.offsets = None if offsets is None else np.ascontiguousarray(offsets, np.int64).reshape(outer_shape)
        self.mask_file_idx = None if mask_file_idx is None else np.asarray(mask_file_idx, np.int32).reshape(outer_shape)
        self.mask_keys = None if mask_keys is None else np.asarray(mask_keys, np.int64).reshape(outer_shape)
        self.outer_shape = tuple(outer_shape)
        self.inner_shape = tuple(inner_shape)
        self.dtype = np.dtype(dtype)
        self.missing = missing
        self.threads = threads
        self.name = name

    @property
    def shape(self) -> tuple[int, ...]:
        """Outer then inner dimensions."""
        return self.outer_shape + self.inner_shape

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return len(self.shape)

    @property
    def fill(self) -> Any:
        """Value of positions without a record."""
        if self.dtype.kind in "fc":
            return np.nan
        if self.dtype.kind == "S":
            return b""
        return 0

    def __array__(self, dtype: Any = None, copy: Any = None) -> npt.NDArray[Any]:
        a = self[...]
        return a if dtype is None else a.astype(dtype)

    def __getitem__(self, key: Any) -> npt.NDArray[Any]:
        key = _normalize_key(key, self.shape)
        no = len(self.outer_shape)
        outer = [_axis_index(k, n) for k, n in zip(key[:no], self.outer_shape)]
        inner_key = key[no:]
        squeeze = tuple(0 if np.ndim(k) == 0 and not isinstance(k, slice) else slice(None) for k in key)
        full_inner = all(isinstance(k, slice) and k == slice(None) for k in inner_key)
        if full_inner:
            inner_sel = self.inner_shape
        else:
            inner_sel = np.empty(self.inner_shape, np.bool_)[tuple(
                k if isinstance(k, slice) else _axis_index(k, n)
                for k, n in zip(inner_key, self.inner_shape))].shape if inner_key else ()
            inner_sel = tuple(inner_sel)
        ix = np.ix_(*outer) if outer else ()
        fidx = self.file_idx[ix] if outer else self.file_idx.reshape(())
        keys = self.keys[ix] if outer else self.keys.reshape(())
        offs = None if self.offsets is None else (self.offsets[ix] if outer else self.offsets.reshape(()))
        out_outer = fidx.shape
        nbytes = int(np.prod(out_outer + inner_sel, dtype=np.int64)) * self.dtype.itemsize
        where = f"variable {self.name or '?'}"
        _memory.reserve(nbytes, where)
        try:
            out = np.empty(out_outer + inner_sel, self.dtype)
        except MemoryError:
            _memory.release(nbytes)
            raise
        try:
            flat_out = out.reshape((-1,) + inner_sel)
            flat_f = fidx.reshape(-1)
            flat_k = keys.reshape(-1)
            present = np.flatnonzero(flat_f >= 0)
            if present.size < flat_f.size:
                flat_out[flat_f < 0] = self.fill
            if present.size:
                mask_f = mask_k = None
                if self.mask_keys is not None and self.mask_file_idx is not None:
                    mask_f = (self.mask_file_idx[ix] if outer else self.mask_file_idx.reshape(())).reshape(-1)
                    mask_k = (self.mask_keys[ix] if outer else self.mask_keys.reshape(())).reshape(-1)
                self._read(flat_out, present, flat_f, flat_k, mask_f, mask_k,
                           None if full_inner else inner_key, None if offs is None else offs.reshape(-1))
        except BaseException:
            _memory.release(nbytes)
            raise
        _memory.track(out, nbytes)
        return out[squeeze] if any(s == 0 for s in squeeze) else out

    def _read(self, flat_out: npt.NDArray[Any], present: npt.NDArray[np.intp], flat_f: npt.NDArray[Any],
              flat_k: npt.NDArray[Any], mask_f: Optional[npt.NDArray[Any]], mask_k: Optional[npt.NDArray[Any]],
              inner_key: Optional[tuple[Any, ...]], flat_o: Optional[npt.NDArray[Any]] = None) -> None:
        threads = 0 if self.threads is None else int(self.threads)
        recs = _records(self.paths, flat_f[present], flat_k[present], None if flat_o is None else flat_o[present])
        specs = [r._array_spec() for r in recs]
        direct = inner_key is None
        # Decode straight into the output where the record's native element
        # type is the variable's; otherwise through scratch buffers, in
        # batches so that memory stays bounded by one batch.
        batch: list[int] = []
        scratch_bytes = 0
        limit = 64 << 20

        def flush() -> None:
            nonlocal scratch_bytes
            if not batch:
                return
            scratch = [np.empty(specs[i][1], specs[i][0], order="F") for i in batch]
            _core.read_many([recs[i] for i in batch], scratch, threads, False)
            for i, s in zip(batch, scratch):
                block = np.asarray(s).T.reshape(self.inner_shape)
                self._store(flat_out, int(present[i]), block, recs[i], inner_key)
            _memory.release(scratch_bytes)
            scratch_bytes = 0
            batch.clear()

        direct_idx = []
        for i, (dtype, shape, nb) in enumerate(specs):
            if direct and dtype == self.dtype and len(shape) == 3:
                direct_idx.append(i)
            else:
                _memory.reserve(nb, f"variable {self.name}: scratch")
                scratch_bytes += nb
                batch.append(i)
                if scratch_bytes >= limit:
                    flush()
        try:
            if direct_idx:
                bufs = [flat_out[int(present[i])] for i in direct_idx]
                _core.read_many([recs[i] for i in direct_idx], bufs, threads, False)
                if self.missing:
                    for i in direct_idx:
                        self._apply_missing(flat_out[int(present[i])], recs[i])
            flush()
        finally:
            if scratch_bytes:
                _memory.release(scratch_bytes)
        if mask_f is not None and mask_k is not None:
            self._apply_masks(flat_out, present, mask_f, mask_k, inner_key)

    def _store(self, flat_out: npt.NDArray[Any], slot: int, block: npt.NDArray[Any], rec: Record,
               inner_key: Optional[tuple[Any, ...]]) -> None:
        if self.missing and rec.data_type & _core.TYPE_MISSING_FLAG and block.dtype.kind in "fiu":
            sentinel = _sentinel(block.dtype)
            bad = block == sentinel
            if bad.any():
                block = block.astype(self.dtype)
                block[bad] = self.fill
        sel = block if inner_key is None else _inner_select(block, inner_key)
        flat_out[slot] = sel

    def _apply_missing(self, slab: npt.NDArray[Any], rec: Record) -> None:
        if rec.data_type & _core.TYPE_MISSING_FLAG and slab.dtype.kind == "f":
            slab[slab == _sentinel(slab.dtype)] = np.nan

    def _apply_masks(self, flat_out: npt.NDArray[Any], present: npt.NDArray[np.intp], mask_f: npt.NDArray[Any],
                     mask_k: npt.NDArray[Any], inner_key: Optional[tuple[Any, ...]]) -> None:
        have = present[mask_f[present] >= 0]
        if have.size == 0:
            return
        recs = _records(self.paths, mask_f[have], mask_k[have])
        masks = [np.empty(r._array_spec()[1], r._array_spec()[0], order="F") for r in recs]
        _core.read_many(recs, masks, 0 if self.threads is None else int(self.threads), False)
        for slot, m in zip(have.tolist(), masks):
            block = np.asarray(m).T.reshape(self.inner_shape)
            sel = block if inner_key is None else _inner_select(block, inner_key)
            flat_out[slot][sel == 0] = self.fill


def _inner_select(block: npt.NDArray[Any], key: tuple[Any, ...]) -> npt.NDArray[Any]:
    # outer-indexing semantics for the inner dimensions
    out = block
    for axis, k in enumerate(key):
        if isinstance(k, slice):
            out = out[(slice(None),) * axis + (k,)]
        else:
            out = np.take(out, _axis_index(k, block.shape[axis]), axis=axis)
    return out


_SENTINELS: dict[str, Any] = {}


def _sentinel(dtype: np.dtype[Any]) -> Any:
    if not _SENTINELS:
        from . import missing_values
        mv = missing_values()
        for name, value in mv.items():
            _SENTINELS[name] = np.dtype(
                {"f32": np.float32, "f64": np.float64, "i32": np.int32, "u32": np.uint32, "i16": np.int16,
                 "u16": np.uint16, "i8": np.int8, "u8": np.uint8}[name]).type(value)
    code = {"f": "f", "i": "i", "u": "u"}[dtype.kind] + str(dtype.itemsize * 8)
    return _SENTINELS.get(code)


def _env_cache_limit() -> int:
    try:
        return max(0, int(os.environ.get("FST24_LATLON_CACHE", "4")))
    except ValueError:
        return 4


class _LatLonCache:
    """Two-dimensional latitudes and longitudes of the grids read recently.

    Computing them is the costly part of opening a large rotated or polar
    stereographic grid, and a process often opens files on the same grid
    (the hours of a forecast): the arrays are kept, keyed by the grid's
    full identity (type, projection parameters, the content of its ``>>``
    and ``^^`` axes, hence its size) and the element type, for the
    ``limit`` grids used last (at most ``max_bytes`` in all). Cached arrays
    are shared by every Dataset on that grid, so they are read-only.

    ``limit = 0`` (or ``FST24_LATLON_CACHE=0`` in the environment, read at
    import) disables the cache: each Dataset then computes its own writable
    arrays on first access (both in one C call; the second is handed out
    when read, once). :meth:`clear` empties it.
    """

    def __init__(self, limit: int = 4, max_bytes: int = 512 << 20) -> None:
        self._lock = threading.Lock()
        self._d: "OrderedDict[Any, dict[str, npt.NDArray[Any]]]" = OrderedDict()
        self._pending: "OrderedDict[Any, dict[str, npt.NDArray[Any]]]" = OrderedDict()
        self.limit = limit
        self.max_bytes = max_bytes

    def clear(self) -> None:
        """Forget every cached grid."""
        with self._lock:
            self._d.clear()
            self._pending.clear()

    def __len__(self) -> int:
        return len(self._d)

    def get(self, array: "LatLonArray", full: bool) -> npt.NDArray[Any]:
        """(nj, ni)-shaped C-ordered ``array.which`` of the grid of ``array``:
        read-only when cached; a full read without the cache takes its array."""
        ident = (array.identity, array.dtype.str)
        which = array.which
        if self.limit > 0 and array.identity is not None:
            with self._lock:
                hit = self._d.get(ident)
                if hit is not None:
                    self._d.move_to_end(ident)
                    return hit[which]
            lat, lon = self._compute(array)
            for a in (lat, lon):
                a.setflags(write=False)
            value = {"lat": lat, "lon": lon}
            if 2 * lat.nbytes <= self.max_bytes:
                with self._lock:
                    self._d[ident] = value
                    while self._d and (len(self._d) > self.limit or
                                       sum(2 * v["lat"].nbytes for v in self._d.values()) > self.max_bytes):
                        self._d.popitem(last=False)
            return value[which]
        # no cache: both arrays computed together, each handed out once (per Dataset)
        pkey = (array.path, array.key, array.dtype.str, id(array.group))
        with self._lock:
            hit = self._pending.get(pkey)
            if hit is not None and which in hit:
                out = hit.pop(which) if full else hit[which]
                if not hit:
                    del self._pending[pkey]
                return out
        lat, lon = self._compute(array)
        value = {"lat": lat, "lon": lon}
        out = value.pop(which) if full else value[which]
        with self._lock:
            self._pending[pkey] = value
            while len(self._pending) > 4:
                self._pending.popitem(last=False)
        return out

    @staticmethod
    def _compute(array: "LatLonArray") -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
        rec = _records([array.path], np.zeros(1, np.int32), np.array([array.key], np.int64))[0]
        lat, lon = Grid.of(rec).latlon(array.dtype, threads=array.threads)
        return lat.T, lon.T


#: The process's cache of computed 2-D latitudes and longitudes (see :class:`_LatLonCache`;
#: ``LATLON.limit = 0`` disables it).
LATLON = _LatLonCache(_env_cache_limit())


class LatLonArray:
    """Lazy latitude (``which='lat'``) or longitude of a grid, computed by
    libfst24 from one of its records on first access, reshaped to
    ``shape`` (the grid's horizontal dimensions).

    ``identity``: what determines the values (see :data:`LATLON`; None: not
    cached). ``dtype``: float64 or float32. ``threads``: computing threads
    (None: one per core). ``group``: an object shared by the lat and lon of
    one Dataset (without the cache they are computed together once)."""

    def __init__(self, path: str, key: int, which: str, shape: tuple[int, ...], identity: Any = None,
                 dtype: Any = np.float64, threads: Optional[int] = None, group: Any = None) -> None:
        """A lazy coordinate of the grid of record ``key`` of ``path``."""
        self.path, self.key, self.which = path, int(key), which
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.identity = identity
        self.threads = threads
        self.group = group

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return len(self.shape)

    def __array__(self, dtype: Any = None, copy: Any = None) -> npt.NDArray[Any]:
        a = self[...]
        return a if dtype is None else a.astype(dtype)

    def __getitem__(self, key: Any) -> npt.NDArray[Any]:
        key = _normalize_key(key, self.shape)
        full = all(isinstance(k, slice) and k == slice(None) for k in key)
        a = LATLON.get(self, full).reshape(self.shape)
        if full:
            return a
        sel = _inner_select(a, tuple(k if isinstance(k, slice) or np.ndim(k) else slice(int(k), int(k) + 1)
                                     for k in key))
        squeeze = tuple(0 if np.ndim(k) == 0 and not isinstance(k, slice) else slice(None) for k in key)
        return np.array(sel[squeeze], copy=True)


# ---------------------------------------------------------------------------
# Sources and the index
# ---------------------------------------------------------------------------

Source = Union[str, "os.PathLike[str]", File, FileSet, Iterable[Union[str, "os.PathLike[str]"]]]


def source_paths(source: Any) -> list[str]:
    """Paths of a source: a path, a glob, a list of them, a directory (its FST
    files, recursively), an open File or FileSet."""
    if isinstance(source, File):
        return [source.path]
    if isinstance(source, FileSet):
        return [f.path for f in source.files]
    if isinstance(source, (str, os.PathLike)):
        items: list[Any] = [source]
    else:
        try:
            items = list(source)
        except TypeError:
            raise _error(InvalidArgumentError, f"cannot read FST data from {type(source).__name__}") from None
    paths: list[str] = []
    for item in items:
        if isinstance(item, File):
            paths.append(item.path)
            continue
        p = os.fspath(item)
        if os.path.isdir(p):
            from .file import is_fst
            for root, _, names in sorted(os.walk(p)):
                paths.extend(os.path.join(root, n) for n in sorted(names) if is_fst(os.path.join(root, n)))
        elif any(c in p for c in "*?[") and not os.path.exists(p):
            found = sorted(_glob.glob(p))
            if not found:
                from .errors import FileNotFoundError as _FNF
                raise _error(_FNF, f"no file matches {p!r}")
            paths.extend(found)
        else:
            paths.append(p)
    if not paths:
        raise _error(InvalidArgumentError, "no FST file given")
    return paths


_COLUMNS = ("path", "key", "file_offset", "nomvar", "typvar", "etiket", "grtyp", "ip1", "ip2", "ip3", "ni", "nj", "nk",
            "dateo", "datev", "deet", "npas", "data_type", "data_bits", "pack_bits", "ig1", "ig2", "ig3",
            "ig4", "level", "level_kind", "dateo_time", "datev_time", "forecast_period", "is_descriptor", "grid_id")


# numpy types of the C index's column types (fst24_column_type), text columns aside
_COLUMN_DTYPES: dict[int, Any] = {1: np.bool_, 2: np.int8, 3: np.uint8, 4: np.int32, 5: np.int64, 6: np.float64,
                                  8: "datetime64[us]", 9: "timedelta64[us]"}


def _columns_of_table(table: Any) -> Optional[dict[str, npt.NDArray[Any]]]:
    """The columns of :func:`_columns` straight from the C index (a copy of each,
    no Arrow or polars on the way: most of an open's index cost for small files),
    with the same types and null conventions; None if a column does not fit them."""
    core = table._core
    out: dict[str, npt.NDArray[Any]] = {}
    for name in _COLUMNS:
        kind, values, nulls = core.column(name)
        if isinstance(values, list):
            if nulls is not None:
                return None
            a = np.empty(len(values), object)
            a[:] = values
            out[name] = a
            continue
        a = np.frombuffer(values, _COLUMN_DTYPES[kind])
        if nulls is not None:
            null = np.frombuffer(nulls, np.bool_)
            if name == "grid_id":
                a = np.where(null, -1, a)
            elif a.dtype.kind in "mM":
                a = np.where(null, np.array("NaT", a.dtype), a)
            elif a.dtype.kind in "iuf":
                a = np.where(null, np.nan, a.astype(np.float64))   # as polars' to_numpy
            else:
                return None
        out[name] = a
    out["level"] = out["level"].astype(np.float64)
    return out


def _columns(frame: Any) -> dict[str, npt.NDArray[Any]]:
    """The index columns the model needs, as numpy arrays (strings as objects,
    times as datetime64[us] in UTC, which also covers dates outside 1678..2262)."""
    import polars as pl
    out: dict[str, npt.NDArray[Any]] = {}
    for name in _COLUMNS:
        s = frame.get_column(name)
        if name == "path":
            s = s.cast(pl.Utf8)
        elif name == "grid_id" and s.null_count():
            # -1 where null (vertical descriptors); polars' expressions (fill_null) cost
            # more than a pass over a small column
            if len(s) <= 20000:
                out[name] = np.array([-1 if v is None else v for v in s.to_list()], np.int64)
                continue
            s = s.fill_null(-1)
        out[name] = s.to_numpy()
    for name in ("dateo_time", "datev_time"):
        out[name] = out[name].astype("datetime64[us]")
    out["forecast_period"] = out["forecast_period"].astype("timedelta64[us]")
    out["level"] = out["level"].astype(np.float64)
    return out


# ---------------------------------------------------------------------------
# Building the model
# ---------------------------------------------------------------------------

@dataclass
class _Grid:
    dims: tuple[str, ...]           # horizontal dims, outer to inner (e.g. rlat, rlon)
    shape: tuple[int, ...]          # their sizes: reshape of (nj, ni)
    mapping: Optional[str] = None   # grid-mapping variable name
    signature: Any = None
    desc: str = ""


class _Builder:
    def __init__(self, paths: list[str], frame: Any, opts: dict[str, Any],
                 columns: Optional[dict[str, npt.NDArray[Any]]] = None) -> None:
        self.paths = paths
        self.path_index = {p: i for i, p in enumerate(paths)}
        self.opts = opts
        self._frame = frame      # a polars DataFrame, or a zero-argument function making it
        self.c = columns if columns is not None else _columns(self.frame)
        self.ns_times = _ns_ok(self.c["datev_time"], self.c["dateo_time"])
        self.n = len(self.c["key"])
        # index into paths of every row
        if len(paths) == 1:
            self.fidx = np.zeros(self.n, np.int32)
        else:
            self.fidx = np.array([self.path_index[p] for p in self.c["path"].tolist()], np.int32)
        # integer header columns side by side: attributes constant over a variable in one test
        self.int_attrs = list(_INT_ATTRS)
        self.int_matrix = np.stack([self.c[f].astype(np.int64) for f in _INT_ATTR_COLUMNS], axis=1)
        # per-row values every variable needs, converted once for all rows
        self.lclass = np.where(np.isnan(self.c["level"]), -1, self.c["level_kind"].astype(np.int64))
        self.level32 = self.c["level"].astype(np.float32)
        self.fp_ns = self.c["forecast_period"].astype(_NS_PERIOD)
        if self.ns_times:
            self.tv_ns: Optional[npt.NDArray[Any]] = self.c["datev_time"].astype(_NS_TIME)
            self.t0_ns: Optional[npt.NDArray[Any]] = self.c["dateo_time"].astype(_NS_TIME)
        else:
            self.tv_ns = self.t0_ns = None
        self.time_axes: dict[Any, Optional[tuple[str, npt.NDArray[np.intp], int]]] = {}
        self.group_keys: frozenset[str] = frozenset()
        self.level_axes: dict[Any, str] = {}
        # a variable's levels and ip1 codes, row by row -> (axis name, values, position of each row)
        self.level_rows: dict[Any, tuple[str, npt.NDArray[Any], npt.NDArray[np.intp]]] = {}
        self.variables: dict[str, Variable] = {}
        self.coords: "OrderedDict[str, Variable]" = OrderedDict()
        self.used_names: set[str] = set()
        self.axes: dict[Any, str] = {}          # identity -> name of a shared outer axis
        self.grids: dict[Any, Optional[_Grid]] = {}
        self.grid_by_sig: dict[Any, _Grid] = {}
        self.vgrids: dict[Any, Optional[VerticalDescriptor]] = {}
        self.terms_pending: list[tuple[str, dict[str, str], bool]] = []
        self.used_rows: set[int] = set()        # descriptor records some coordinate stands for
        self.desc_tables: dict[int, tuple[str, npt.NDArray[Any]]] = {}   # row -> (header JSON, values)
        self.desc_rows: list[int] = []

    @property
    def frame(self) -> Any:
        """The index as a polars DataFrame (made on first use when the columns came from C)."""
        if callable(self._frame):
            self._frame = self._frame()
        return self._frame

    def row_at(self, path: str, key: int) -> Optional[int]:
        """Row of record ``key`` of ``path`` (the last such row), None if not indexed.
        ``path`` comes from the index's path column (one file: every row's). A few
        lookups per open (positional and vertical records): a search each costs
        less than a dict of every row."""
        hits = self.c["key"] == key
        if len(self.paths) > 1:
            fi = self.path_index.get(path)
            if fi is None:
                return None
            hits &= self.fidx == fi
        found = np.flatnonzero(hits)
        return int(found[-1]) if found.size else None

    # ---- names ---------------------------------------------------------------

    def new_name(self, base: str) -> str:
        name = base
        n = 0
        while name in self.used_names:
            n += 1
            name = f"{base}{n}"
        self.used_names.add(name)
        return name

    def add_coord(self, name: str, var: Variable) -> None:
        self.coords[name] = var

    # ---- records ---------------------------------------------------------------

    def record(self, row: int) -> Record:
        return FILES.get(self.c["path"][row]).get(int(self.c["key"][row]))

    def header_json(self, row: int) -> str:
        c = self.c
        h = {"nomvar": c["nomvar"][row], "typvar": c["typvar"][row], "etiket": c["etiket"][row],
             "grtyp": c["grtyp"][row]}
        for f in ("ip1", "ip2", "ip3", "ni", "nj", "nk", "dateo", "deet", "npas", "ig1", "ig2", "ig3", "ig4"):
            h[f] = int(c[f][row])
        h["datyp"] = int(c["data_type"][row])
        h["nbits"] = int(c["pack_bits"][row])
        return _JSON.encode(h)

    # ---- grids ---------------------------------------------------------------

    def grid(self, row: int) -> Optional[_Grid]:
        c = self.c
        g = c["grtyp"][row]
        hkey = (g, int(c["ni"][row]), int(c["nj"][row]), int(c["ig1"][row]), int(c["ig2"][row]),
                int(c["ig3"][row]), int(c["ig4"][row]))
        # positional grids depend on their descriptors: the index's grid_id hashes their content
        key = hkey + (int(c["grid_id"][row]),)
        if key in self.grids:
            return self.grids[key]
        try:
            grid = Grid.of(self.record(row))
        except Error as e:
            grid = None
            err = e
        result: Optional[_Grid] = None
        if grid is not None:
            try:
                result = self.grid_coords(row, hkey, grid)
            except Error as e:   # e.g. Y grids on rotated references: no lat/lon
                grid = None
                err = e
        if grid is None:
            result = self.index_grid(row, hkey, err)
        self.grids[key] = result
        return result

    def index_grid(self, row: int, hkey: Any, err: Exception) -> Optional[_Grid]:
        mode = self.opts["unknown_grids"]
        g = hkey[0]
        if mode == "raise":
            raise err
        if mode == "skip":
            warnings.warn(f"{self.c['path'][row]}: skipping records on grid {g} {hkey[1]}x{hkey[2]}: {err}",
                          FstWarning, stacklevel=4)
            return None
        if g != "X":
            warnings.warn(f"{self.c['path'][row]}: grid {g} {hkey[1]}x{hkey[2]} has no coordinates ({err}); "
                          "its variables get index dimensions", FstWarning, stacklevel=4)
        sig = ("index",) + hkey
        if sig in self.grid_by_sig:
            return self.grid_by_sig[sig]
        ni, nj = hkey[1], hkey[2]
        dims = (self.new_name("j"), self.new_name("i"))
        grid = _Grid(dims, (nj, ni), signature=sig, desc=f"{g}{ni}x{nj}")
        self.grid_by_sig[sig] = grid
        return grid

    def grid_coords(self, row: int, hkey: Any, grid: Grid) -> _Grid:
        info = grid.info
        g, ni, nj = hkey[0], hkey[1], hkey[2]
        mapping = info["mapping"]
        separable = mapping != "none" and g not in "YU+"
        x = y = None
        if separable:
            try:
                x, y = grid.axes()
            except Error:
                separable = False
        if separable:
            assert x is not None and y is not None
            sig: Any = ("sep", mapping, g if g not in "Z#" else "Z", info["ref_grtyp"], info["ref_ig"],
                        info["xg"], x.tobytes(), y.tobytes())
        else:
            lat, lon = grid.latlon()
            sig = ("pts", hkey, lat.tobytes(), lon.tobytes())
        if sig in self.grid_by_sig:
            return self.grid_by_sig[sig]
        path = self.c["path"][row]
        key = int(self.c["key"][row])
        pos = [self.row_at(path, int(k)) for k in info["positional_keys"] if k >= 0]
        desc = f"{g}{ni}x{nj}"
        if separable and mapping == "latitude_longitude":
            assert x is not None and y is not None
            yd, xd = self.new_name("lat"), self.new_name("lon")
            self.add_coord(yd, Variable((yd,), y, dict(_cf.LAT, axis="Y")))
            self.add_coord(xd, Variable((xd,), x, dict(_cf.LON, axis="X")))
            self.tag(yd, xd, pos)
            result = _Grid((yd, xd), (nj, ni), None, sig, desc)
        elif separable and mapping == "rotated_latitude_longitude":
            assert x is not None and y is not None
            shift = float(info["north_pole_grid_longitude"])
            rlon = x - shift
            if rlon.min() < -180.0:
                rlon = rlon + 360.0
            elif rlon.max() > 360.0:
                rlon = rlon - 360.0
            yd, xd = self.new_name("rlat"), self.new_name("rlon")
            self.add_coord(yd, Variable((yd,), y, dict(_cf.RLAT)))
            self.add_coord(xd, Variable((xd,), rlon, dict(_cf.RLON)))
            self.tag(yd, xd, pos)
            mname = self.new_name("rotated_pole")
            self.add_coord(mname, Variable((), np.int32(0), {
                "long_name": "rotated latitude-longitude grid mapping",
                "grid_mapping_name": "rotated_latitude_longitude",
                "earth_radius": float(info["earth_radius"]),
                "grid_north_pole_latitude": float(info["grid_north_pole_latitude"]),
                "grid_north_pole_longitude": float(info["grid_north_pole_longitude"]),
                "north_pole_grid_longitude": 0.0}))
            self.latlon2d(path, key, (yd, xd), (nj, ni), sig)
            result = _Grid((yd, xd), (nj, ni), mname, sig, desc)
        elif separable and mapping == "polar_stereographic":
            assert x is not None and y is not None
            yd, xd = self.new_name("yc"), self.new_name("xc")
            self.add_coord(yd, Variable((yd,), y, dict(_cf.YC)))
            self.add_coord(xd, Variable((xd,), x, dict(_cf.XC)))
            self.tag(yd, xd, pos)
            mname = self.new_name("polar_stereo")
            north = info["latitude_of_projection_origin"] > 0
            self.add_coord(mname, Variable((), np.int32(0), {
                "long_name": "polar stereographic grid mapping",
                "grid_mapping_name": "polar_stereographic",
                "earth_radius": float(info["earth_radius"]),
                "latitude_of_projection_origin": float(info["latitude_of_projection_origin"]),
                "straight_vertical_longitude_from_pole": float(info["straight_vertical_longitude_from_pole"]),
                "standard_parallel": 60.0 if north else -60.0,
                "false_easting": float(info["false_easting"]),
                "false_northing": float(info["false_northing"])}))
            self.latlon2d(path, key, (yd, xd), (nj, ni), sig)
            result = _Grid((yd, xd), (nj, ni), mname, sig, desc)
        elif g == "U":
            sd, yd, xd = self.new_name("subgrid"), self.new_name("j"), self.new_name("i")
            self.add_coord(sd, Variable((sd,), np.array(["yin", "yang"]), {"long_name": "yin-yang sub-grid"}))
            self.tag(sd, None, pos)
            self.latlon2d(path, key, (sd, yd, xd), (2, nj // 2, ni), sig)
            result = _Grid((sd, yd, xd), (2, nj // 2, ni), None, sig, desc)
        elif g == "+" or ni * nj == 1:
            lat, lon = grid.latlon()
            la, lo = self.new_name("lat"), self.new_name("lon")
            self.add_coord(la, Variable((), np.float64(lat.reshape(-1)[0]), dict(_cf.LAT)))
            self.add_coord(lo, Variable((), np.float64(lon.reshape(-1)[0]), dict(_cf.LON)))
            result = _Grid((), (), None, sig, desc)
        elif nj == 1 or ni == 1:
            sd = self.new_name("station")
            lat, lon = grid.latlon()
            la, lo = self.new_name("lat"), self.new_name("lon")
            self.add_coord(la, Variable((sd,), lat.reshape(-1, order="F"), dict(_cf.LAT)))
            self.add_coord(lo, Variable((sd,), lon.reshape(-1, order="F"), dict(_cf.LON)))
            self.tag(la, lo, pos)
            result = _Grid((sd,), (ni * nj,), None, sig, desc)
        else:
            yd, xd = self.new_name("j"), self.new_name("i")
            la, lo = self.latlon2d(path, key, (yd, xd), (nj, ni), sig)
            self.tag(la, lo, pos)
            result = _Grid((yd, xd), (nj, ni), None, sig, desc)
        self.grid_by_sig[sig] = result
        return result

    def latlon2d(self, path: str, key: int, dims: tuple[str, ...], shape: tuple[int, ...],
                 sig: Any) -> tuple[str, str]:
        la, lo = self.new_name("lat"), self.new_name("lon")
        # separable grids are known by their projection and axes: their lat/lon may be cached
        identity = sig + (shape,) if sig[0] == "sep" else None
        opts = {"identity": identity, "dtype": self.opts["latlon_dtype"], "threads": self.opts["threads"],
                "group": object()}
        self.add_coord(la, Variable(dims, LatLonArray(path, key, "lat", shape, **opts), dict(_cf.LAT)))
        self.add_coord(lo, Variable(dims, LatLonArray(path, key, "lon", shape, **opts), dict(_cf.LON)))
        return la, lo

    def tag(self, ycoord: Optional[str], xcoord: Optional[str], pos: list[Optional[int]]) -> None:
        """Record the headers of the positional records on the coordinates
        built from them (x from '>>', y from '^^'; '^>' on the first)."""
        names = [xcoord, ycoord] if xcoord is not None else [ycoord]
        for name, row in zip(names, pos):
            if name is not None and row is not None:
                self.used_rows.add(row)
                self.coords[name].attrs["fst24_record"] = self.header_json(row)
                if self.c["nomvar"][row] == "^>":   # the yin-yang layout is kept whole
                    self.coords[name].attrs["fst24_table"] = np.asarray(
                        self.record(row).data, np.float64).reshape(-1, order="F")

    # ---- vertical ------------------------------------------------------------

    def vgrid(self, row: int, kind: int) -> Optional[VerticalDescriptor]:
        c = self.c
        key = (c["path"][row], int(c["ig1"][row]), int(c["ig2"][row]), kind)
        if key not in self.vgrids:
            try:
                self.vgrids[key] = VerticalDescriptor.of(self.record(row))
            except Error:
                self.vgrids[key] = None
        return self.vgrids[key]

    def level_axis(self, rows: npt.NDArray[np.intp], kind: int) -> tuple[str, npt.NDArray[Any]]:
        """Name and values of the vertical axis of a variable's records."""
        c = self.c
        levels = self.level32[rows]
        values, first = np.unique(levels, return_index=True)
        codes = c["ip1"][rows][first].astype(np.int32)   # the ip1 of each level's first record
        r0 = int(rows[0])
        # variables on the same levels (TT and HU, UU and VV...) share the axis: worked out once
        memo_key = (kind, values.tobytes(), codes.tobytes(),
                    (c["path"][r0], int(c["ig1"][r0]), int(c["ig2"][r0])) if kind in (1, 5, 21) else None)
        hit = self.level_axes.get(memo_key)
        if hit is not None:
            return hit, values
        name = self._level_axis(rows, kind, values, codes)
        self.level_axes[memo_key] = name
        return name, values

    def _level_axis(self, rows: npt.NDArray[np.intp], kind: int, values: npt.NDArray[Any],
                    codes: npt.NDArray[np.int32]) -> str:
        vg = self.vgrid(int(rows[0]), kind) if kind in (1, 5, 21) else None
        vinfo = vg.info if vg is not None else None
        family = 1
        coef: dict[str, npt.NDArray[Any]] = {}
        if vg is not None and vinfo is not None:
            looked = [vg.lookup(int(ip)) for ip in codes]
            fams = {lk[0] for lk in looked if lk is not None}
            family = 2 if 2 in fams else 3 if 3 in fams else 1
            table = vg.levels(family)
            by_ip = {int(ip): i for i, ip in enumerate(table["ip1"].tolist())}
            # a level's coefficients from the family's table, else from its own lookup, else NaN
            at = np.array([by_ip.get(ip, -1) for ip in codes.tolist()], np.intp)
            found = at >= 0
            own = np.array([lk[2:5] if lk is not None else (np.nan,) * 3 for lk in looked],
                           np.float64).reshape(len(codes), 3)
            for k, name in enumerate(("a", "b", "c")):
                col = np.asarray(table[name], np.float64)
                coef[name] = np.where(found, col[np.where(found, at, 0)], own[:, k]) if col.size else own[:, k].copy()
        base, attrs = _cf.LEVEL_AXES.get(kind, (f"level_kind{kind}", {"long_name": f"ip1 level of kind {kind}",
                                                                       "axis": "Z"}))
        attrs = dict(attrs)
        from .levels import kind_info
        if kind not in _cf.LEVEL_AXES:
            unit = kind_info(kind)[1]
            if unit:
                attrs["units"] = unit
        if vinfo is not None and vinfo["vcode"] in _STAGGERED:
            base = f"{base}_{_FAMILY_SUFFIX[family]}"
            attrs["long_name"] = {1: "momentum", 2: "thermodynamic", 3: "vertical-velocity"}[family] + \
                " " + attrs.get("long_name", "level")
        ident = ("level", kind, base, values.tobytes(), codes.tobytes(),
                 None if vinfo is None else (vinfo["vcode"], b"".join(coef[k].tobytes() for k in sorted(coef))))
        if ident in self.axes:
            return str(self.axes[ident])
        name = self.new_name(base)
        self.axes[ident] = name
        attrs["fst24_kind"] = int(kind)
        attrs["fst24_ip1"] = codes
        if vinfo is not None and vg is not None:
            self.vertical_terms(name, attrs, vg, vinfo, coef, int(rows[0]))
        if "units" not in attrs and attrs.get("standard_name") not in _cf.PARAMETRIC:
            # CF: a vertical coordinate that is not parametric needs units (ip1 hybrid
            # heights are metres, other codes without a unit are pure numbers)
            attrs["units"] = "m" if kind == 21 else "1"
        self.add_coord(name, Variable((name,), values, attrs))
        return name

    def scalar_term(self, base: str, value: float, attrs: dict[str, Any]) -> str:
        """A scalar coordinate used by formula_terms (pref, ptop, ztop), shared
        by the axes that have the same value."""
        ident = ("scalar", base, float(value))
        name = self.axes.get(ident)
        if name is None:
            name = self.axes[ident] = self.new_name(base)
            self.add_coord(name, Variable((), np.float64(value), attrs))
        return name

    def vertical_terms(self, name: str, attrs: dict[str, Any], vg: VerticalDescriptor, vinfo: dict[str, Any],
                       coef: dict[str, npt.NDArray[Any]], row: int) -> None:
        vcode = int(vinfo["vcode"])
        attrs["fst24_vcode"] = vcode
        sn = vinfo["cf_standard_name"]
        standard = bool(sn) and sn not in _cf.NONSTANDARD
        if standard:
            attrs["standard_name"] = sn
            computed, units = _cf.PARAMETRIC.get(sn, ("", ""))
            if computed:
                attrs["computed_standard_name"] = computed
            if units:
                attrs["units"] = units
        elif sn:
            attrs["long_name"] = f"{attrs.get('long_name', 'level')} ({sn.replace('_', ' ')})"
        if vinfo["cf_positive"]:
            attrs["positive"] = vinfo["cf_positive"]
        if vinfo["cf_formula"]:
            attrs["formula"] = vinfo["cf_formula"]
        attrs["fst24_description"] = vinfo["description"]
        key = int(vinfo["record_key"])
        src = self.row_at(self.c["path"][row], key) if key >= 0 else None
        if src is not None:
            self.used_rows.add(src)
            # its values ("!!" table, HY) are kept for writing back; the axes of one
            # descriptor (momentum, thermodynamic levels) read it once, each gets its copy
            seen = self.desc_tables.get(src)
            if seen is None:
                rec = self.record(src)
                seen = self.desc_tables[src] = (self.header_json(src),
                                                np.asarray(rec.data, np.float64).reshape(-1, order="F"))
                attrs["fst24_record"], attrs["fst24_table"] = seen
            else:
                attrs["fst24_record"], attrs["fst24_table"] = seen[0], seen[1].copy()
        for p in ("ptop", "pref"):
            if np.isfinite(vinfo[p]):
                attrs[f"fst24_{p}"] = float(vinfo[p])
        rc = [float(r) for r in vinfo["rcoef"] if np.isfinite(r)]
        if rc:
            attrs["fst24_rcoef"] = np.array(rc)
        terms = vinfo["cf_formula_terms"]
        if not terms:
            return
        parts = terms.split()
        mapping: dict[str, str] = {}
        for term, var in zip(parts[0::2], parts[1::2]):
            term = term.rstrip(":")
            if var == "level":
                mapping[term] = name
            elif var in ("a", "b", "c", "ap", "az", "b1", "b2"):
                src_coef = {"a": "a", "ap": "a", "az": "a", "b": "b", "b2": "b", "c": "c", "b1": "c"}[var]
                vals = coef.get(src_coef)
                if vals is None:
                    continue
                cattrs: dict[str, Any] = {"long_name": f"{var} coefficient of {name}"}
                ztop = _highest_level(vg) if var == "az" and standard else None
                if var == "az" and ztop is None:
                    standard = False      # no CF form without a model top
                if ztop is not None:
                    # CF's SLEVE formula is z = a*ztop + b1*zsurf1 + b2*zsurf2 with a
                    # dimensionless: a = az / ztop, ztop the descriptor's highest level
                    vals = vals / ztop
                    var = term = "a"
                    cattrs = {"long_name": f"a coefficient of {name} (height over flat ground / ztop)",
                              "units": "1"}
                    mapping["ztop"] = self.scalar_term("ztop", ztop, {
                        "long_name": "height of the model top (highest level of the vertical descriptor)",
                        "units": "m"})
                elif var == "ap":
                    vals = vals / 100.0
                    cattrs["units"] = "hPa"
                elif var == "az":
                    cattrs["units"] = "m"
                elif var in ("b", "b2", "b1", "c") or (var == "a" and vinfo["log_pressure"]):
                    cattrs["units"] = "1"
                elif var == "a" and vinfo["height"]:
                    cattrs["units"] = "m"
                cname = self.new_name(f"{name}_{var}")
                self.add_coord(cname, Variable((name,), vals, cattrs))
                mapping[term] = cname
            elif var == "pref":
                mapping[term] = self.scalar_term("pref", vinfo["pref"] / 100.0,
                                                 {"long_name": "reference pressure", "units": "hPa"})
            else:
                mapping[term] = var   # a field (P0, PT, ME...): resolved to its variable name later
        if sn == "atmosphere_sigma_coordinate" and "ptop" not in mapping:
            # pure sigma (1001): CF's sigma formula always has a ptop term, here 0
            mapping["ptop"] = self.scalar_term("ptop", 0.0, {
                "long_name": "pressure at the model top (0: pure sigma levels)", "units": "hPa"})
        self.terms_pending.append((name, mapping, standard))

    # ---- variables ---------------------------------------------------------

    def build(self) -> DatasetModel:
        import polars as pl
        c = self.c
        opts = self.opts
        desc = c["is_descriptor"].astype(bool) | _isin(c["nomvar"], _NOT_VARIABLES_SET)
        masks = _isin(c["typvar"], _MASK_TYPVARS_SET)
        data = ~desc & ~masks
        if opts["vars"] is not None:
            data &= np.isin(c["nomvar"], np.asarray(list(opts["vars"]), dtype=object))
        self.desc_rows = np.flatnonzero(desc).tolist()
        rows_all = np.flatnonzero(data)
        if rows_all.size == 0:
            return self.finish([])
        keys = ["nomvar", "ni", "nj", "nk", "grtyp", "ig1", "ig2", "ig3", "ig4", "grid_id", "_lclass"]
        if not opts["ignore_typvar"]:
            keys.append("typvar")
        if not (opts["ignore_etiket"] or opts["ensembles"]):
            keys.append("etiket")
        self.group_keys = frozenset(keys)
        group_rows: Sequence[Any]
        if rows_all.size <= 20000:   # small files: numpy (or a dict) is faster than a polars query
            grouped = self.group_small(rows_all, keys)
            if grouped is not None:
                group_rows = grouped
            else:
                cols = [self.lclass if k == "_lclass" else c[k] for k in keys]
                by_key: dict[tuple[Any, ...], list[int]] = {}
                for r, key in zip(rows_all.tolist(), zip(*(col[rows_all].tolist() for col in cols))):
                    by_key.setdefault(key, []).append(r)
                group_rows = list(by_key.values())
        else:
            frame = self.frame.with_columns(
                pl.Series("_row", np.arange(self.n, dtype=np.int64)),
                pl.when(pl.col("level").is_null()).then(-1).otherwise(pl.col("level_kind").cast(pl.Int64))
                .alias("_lclass")).filter(pl.Series(data))
            group_rows = frame.group_by(keys, maintain_order=True).agg(pl.col("_row")).get_column("_row").to_list()
        mask_lookup = self.mask_lookup(masks) if opts["apply_masks"] and masks.any() else {}
        made: list[dict[str, Any]] = []
        for rows_list in group_rows:
            rows = np.asarray(rows_list, np.intp)
            grid = self.grid(int(rows[0]))   # one grid per group: header and grid_id are group keys
            if grid is None:
                continue
            v = self.variable(rows, grid, mask_lookup)
            if v is not None:
                made.append(v)
        return self.finish(made)

    def group_small(self, rows_all: npt.NDArray[np.intp], keys: list[str]) -> Optional[list[npt.NDArray[np.intp]]]:
        """Rows of each group of equal ``keys`` (groups in order of their first row,
        rows ascending), with numpy: text columns become integer codes (by exact
        Python equality), then one stable sort of the rows of codes. None when a key
        column is not integer (e.g. nulls read as NaN): the caller groups with a dict."""
        c = self.c
        cols: list[npt.NDArray[Any]] = []
        for k in keys:
            if k in _TEXT_KEYS:   # codes of equal strings are equal (one code per column: no tuples)
                values = c[k][rows_all].tolist()
                code_of = {v: i for i, v in enumerate(dict.fromkeys(values))}
                cols.append(np.fromiter(map(code_of.__getitem__, values), np.int64, len(values)))
                continue
            col = self.lclass if k == "_lclass" else c[k]
            if col.dtype.kind not in "iub":
                return None
            cols.append(col[rows_all])
        matrix = np.stack(cols).astype(np.int64)       # one row per key
        order = np.lexsort(matrix)                      # stable: rows ascending within a group
        ordered = matrix[:, order]
        new = np.ones(len(order), bool)
        new[1:] = (ordered[:, 1:] != ordered[:, :-1]).any(axis=0)
        starts = np.flatnonzero(new)
        ends = np.append(starts[1:], len(order))
        rows_sorted = rows_all[order]
        # groups in the order of their first row (as a dict filled in row order)
        return [rows_sorted[starts[g]:ends[g]] for g in np.argsort(order[starts], kind="stable").tolist()]

    def mask_lookup(self, masks: npt.NDArray[np.bool_]) -> dict[tuple[Any, ...], int]:
        c = self.c
        out = {}
        for r in np.flatnonzero(masks).tolist():
            out[(c["path"][r], c["nomvar"][r], c["etiket"][r], int(c["datev"][r]), int(c["ip1"][r]),
                 int(c["ip2"][r]), int(c["ip3"][r]))] = r
        return out

    def variable(self, rows: npt.NDArray[np.intp], grid: _Grid,
                 mask_lookup: dict[tuple[Any, ...], int]) -> Optional[dict[str, Any]]:
        c = self.c
        opts = self.opts
        nomvar = c["nomvar"][rows[0]]
        r0 = int(rows[0])
        kind = int(c["level_kind"][r0]) if math.isfinite(c["level"][r0]) else -1
        outer_dims: list[str] = []
        outer_idx: list[npt.NDArray[np.intp]] = []
        outer_sizes: list[int] = []
        attrs: dict[str, Any] = {}

        # time
        if self.tv_ns is not None and self.t0_ns is not None:
            tv, t0 = self.tv_ns[rows], self.t0_ns[rows]
        else:
            unit = _time_unit(c["datev_time"][rows], c["dateo_time"][rows])
            tv = c["datev_time"][rows].astype(unit)
            t0 = c["dateo_time"][rows].astype(unit)
        fp = self.fp_ns[rows]
        if opts["forecast_axis"]:
            if not np.all(np.isnat(t0)):
                name, idx, size = self.time_axis_forecast(t0, fp, rows)
                outer_dims += name
                outer_idx += idx
                outer_sizes += size
        else:
            # variables of a file mostly share their times: the axis is worked out once
            # (None: no valid date, no time axis)
            tkey = (tv.dtype.str, tv.tobytes(), t0.tobytes(), fp.tobytes())
            if tkey in self.time_axes:
                hit = self.time_axes[tkey]
            else:
                hit = self.time_axes[tkey] = None if np.all(np.isnat(tv)) else self.time_axis(tv, t0, fp)
            if hit is not None:
                name1, idx1, size1 = hit
                outer_dims.append(name1)
                outer_idx.append(idx1)
                outer_sizes.append(size1)
        # ensemble
        if opts["ensembles"]:
            et = c["etiket"][rows]
            vals = np.array(sorted(set(et.tolist())))
            ident = ("ensemble", tuple(vals.tolist()))
            ename = self.axes.get(ident)
            if ename is None:
                ename = self.axes[ident] = self.new_name("ensemble")
                self.add_coord(ename, Variable((ename,), vals.astype(str),
                                               {"long_name": "ensemble member (etiket)"}))
            outer_dims.append(ename)
            outer_idx.append(np.searchsorted(vals, et).astype(np.intp))
            outer_sizes.append(len(vals))
        # level
        level_dim = None
        ip1s = c["ip1"][rows]
        if kind >= 0 and not (np.all(ip1s == ip1s[0]) and int(ip1s[0]) in _SURFACE_IP1):
            lev = self.level32[rows]
            # variables on the same records' levels (TT and HU...) share the work
            lkey = (kind, lev.tobytes(), ip1s.tobytes(),
                    (c["path"][r0], int(c["ig1"][r0]), int(c["ig2"][r0])) if kind in (1, 5, 21) else None)
            lhit = self.level_rows.get(lkey)
            if lhit is None:
                lname, values = self.level_axis(rows, kind)
                lhit = self.level_rows[lkey] = (lname, values, np.searchsorted(values, lev).astype(np.intp))
            lname, values, lidx = lhit
            level_dim = lname
            outer_dims.append(lname)
            outer_idx.append(lidx)
            outer_sizes.append(len(values))
        # records that still collide get an extra axis from what tells them apart
        outer_idx, outer_dims, outer_sizes, keep = self.resolve_collisions(
            rows, outer_idx, outer_dims, outer_sizes, level_dim, nomvar)
        if keep is not None:
            rows = rows[keep]
            for i in range(len(outer_idx)):
                outer_idx[i] = outer_idx[i][keep]
        # inner dims
        nk = int(c["nk"][rows[0]])
        inner_dims = (("k",) if nk > 1 else ()) + grid.dims
        inner_shape = ((nk,) if nk > 1 else ()) + grid.shape
        if nk > 1 and "k" not in self.used_names:
            self.used_names.add("k")
        outer_shape = tuple(outer_sizes)
        nslots = math.prod(outer_shape)
        file_idx = np.full(nslots, -1, np.int32)
        keys = np.full(nslots, -1, np.int64)
        flat = np.ravel_multi_index(tuple(outer_idx), outer_shape) if outer_shape else np.zeros(len(rows), np.intp)
        fi = self.fidx[rows]
        file_idx[flat] = fi
        keys[flat] = c["key"][rows]
        offsets = np.full(nslots, -1, np.int64)
        offsets[flat] = c["file_offset"][rows]
        mfi = mk = None
        if mask_lookup and len(c["typvar"][rows[0]]) == 2 and c["typvar"][rows[0]][1] == "@":
            mfi = np.full(nslots, -1, np.int32)
            mk = np.full(nslots, -1, np.int64)
            for slot, r in zip(np.atleast_1d(flat).tolist(), rows.tolist()):
                m = mask_lookup.get((c["path"][r], c["nomvar"][r], c["etiket"][r], int(c["datev"][r]),
                                     int(c["ip1"][r]), int(c["ip2"][r]), int(c["ip3"][r])))
                if m is not None:
                    mfi[slot] = self.path_index[c["path"][m]]
                    mk[slot] = c["key"][m]
            if not (mk >= 0).any():
                mfi = mk = None
        sub = self.int_matrix[rows]
        constant = (sub == sub[0]).all(axis=0).tolist()
        first_vals = sub[0].tolist()
        j_datyp, j_nbits, j_dbits = _INT_ATTR_AT["datyp"], _INT_ATTR_AT["nbits"], _INT_ATTR_AT["data_bits"]
        combos = None
        if constant[j_datyp] and constant[j_nbits] and constant[j_dbits]:
            combos = {(first_vals[j_datyp], first_vals[j_nbits], first_vals[j_dbits])}
        dtype = self.dtype_of(rows, holes=nslots > len(rows) or mk is not None, combos=combos)
        if dtype is None:
            warnings.warn(f"{nomvar}: data type {int(c['data_type'][rows[0]])} with "
                          f"{int(c['pack_bits'][rows[0]])} bits cannot be an array; skipped", FstWarning,
                          stacklevel=3)
            return None
        arr = RecordArray(self.paths, file_idx, keys, outer_shape, inner_shape, dtype, mfi, mk,
                          missing=opts["mask_missing"], threads=opts["threads"], name=nomvar, offsets=offsets)
        # attributes
        long_name, units, std = _cf.VARIABLES.get(nomvar, ("", "", ""))
        attrs["long_name"] = long_name or nomvar   # CF: every variable has a long or standard name
        if units:
            attrs["units"] = units
        if std:
            attrs["standard_name"] = std
        if grid.mapping:
            attrs["grid_mapping"] = grid.mapping
        r0 = int(rows[0])
        common_datyp = int(first_vals[j_datyp]) if constant[j_datyp] else _most_common(c["data_type"][rows])
        common_nbits = int(first_vals[j_nbits]) if constant[j_nbits] else _most_common(c["pack_bits"][rows])
        for f, j in _HEADER_PLAN:
            if f == "ip1" and level_dim is not None:
                continue
            if f == "datyp":   # the encoding of most records (written back for all)
                attrs[f] = common_datyp
            elif f == "nbits":
                attrs[f] = common_nbits
            elif j < 0:
                col = c[f]
                first = col[r0]
                # the group keys are constant by construction
                if f in self.group_keys or len(rows) == 1 or all(v == first for v in col[rows].tolist()):
                    attrs[f] = str(first)
            elif constant[j]:
                attrs[f] = int(first_vals[j])
        enc: dict[str, Any] = {
            "preferred_chunks": {**{d: 1 for d in outer_dims}, **dict(zip(inner_dims, inner_shape))},
        }
        if dtype.kind == "u":
            # CF-1.8 has no unsigned types: stored as the signed type of the same size
            # with the netCDF convention _Unsigned = "true", which readers (and
            # xarray) undo; an encoding alone would wrap the values silently
            attrs["_Unsigned"] = "true"
            enc["dtype"] = f"i{dtype.itemsize}"
        enc["datyp"] = common_datyp
        enc["nbits"] = common_nbits
        return {"nomvar": nomvar, "typvar": c["typvar"][rows[0]], "etiket": c["etiket"][rows[0]],
                "level": level_dim or "", "grid": grid.desc, "grid_obj": grid,
                "var": Variable(tuple(outer_dims) + inner_dims, arr, attrs, enc), "first": int(rows[0])}

    def dtype_of(self, rows: npt.NDArray[np.intp], holes: bool,
                 combos: Optional[set[tuple[int, int, int]]] = None) -> Optional[np.dtype[Any]]:
        """Element type of a variable's array; ``combos``: its distinct (datyp,
        nbits, data_bits) when already known."""
        c = self.c
        kinds = set()
        width = 0
        missing_ints = False
        if combos is None:
            combos = set(zip(c["data_type"][rows].tolist(), c["pack_bits"][rows].tolist(),
                             c["data_bits"][rows].tolist()))
        for dt, bits, dbits in combos:
            base = dt & _core.TYPE_BASE_MASK
            if base in (_core.TYPE_REAL_OLD_QUANT, _core.TYPE_REAL_IEEE, _core.TYPE_REAL):
                kinds.add("f")
                width = max(width, 8 if max(bits, dbits) > 32 else 4)
            elif base == _core.TYPE_COMPLEX:
                kinds.add("c")
                width = max(width, 16 if max(bits, dbits) > 32 else 8)
            elif base in (2, 4):
                kinds.add("u" if base == 2 else "i")
                width = max(width, max(1, dbits // 8))
                if dt & _core.TYPE_MISSING_FLAG and self.opts["mask_missing"]:
                    missing_ints = True
            elif base in (3, 7):
                kinds.add("S")
                width = 1
            elif base == 0:
                if bits not in (8, 16, 32, 64):
                    return None
                kinds.add("u")
                width = max(width, bits // 8)
            else:
                return None
        if kinds == {"S"}:
            return np.dtype("S1")
        if "S" in kinds:
            return None
        if "c" in kinds:
            return np.dtype(np.complex128 if width > 8 else np.complex64)
        if "f" in kinds:
            if kinds - {"f"}:
                return np.dtype(np.float64)
            return np.dtype(np.float64 if width > 4 else np.float32)
        # integers: holes or missing points need NaN
        if holes or missing_ints:
            return np.dtype(np.float32 if width <= 2 else np.float64)
        if kinds == {"i", "u"}:
            return np.dtype(f"i{min(8, width * 2)}")
        return np.dtype(f"{kinds.pop()}{width}")

    def time_axis(self, tv: npt.NDArray[Any], t0: npt.NDArray[Any],
                  fp: npt.NDArray[Any]) -> tuple[str, npt.NDArray[np.intp], int]:
        valid = ~np.isnat(tv)
        values = np.unique(tv[valid])
        has_nat = not valid.all()
        idx = np.searchsorted(values, tv).astype(np.intp)
        if has_nat:
            idx[~valid] = len(values)
            values = np.append(values, np.datetime64("NaT", "ns").astype(tv.dtype))
        ref = np.full(len(values), np.datetime64("NaT", "ns").astype(t0.dtype))
        per = np.full(len(values), np.timedelta64("NaT", "ns"))
        ref[idx] = t0          # the last record at each time wins (collisions are handled later)
        per[idx] = fp
        ident = ("time", values.tobytes(), ref.tobytes(), per.tobytes())
        name = self.axes.get(ident)
        if name is None:
            name = self.axes[ident] = self.new_name("time")
            suffix = name[len("time"):]
            self.add_coord(name, Variable((name,), values, dict(_cf.TIME)))
            rname, pname = self.new_name("forecast_reference_time" + suffix), self.new_name(
                "forecast_period" + suffix)
            self.add_coord(rname, Variable((name,), ref, dict(_cf.REFTIME)))
            self.add_coord(pname, Variable((name,), per, dict(_cf.LEADTIME)))
        return name, idx, len(values)

    def time_axis_forecast(self, t0: npt.NDArray[Any], fp: npt.NDArray[Any],
                           rows: npt.NDArray[np.intp]) -> tuple[list[str], list[npt.NDArray[np.intp]], list[int]]:
        valid = ~np.isnat(t0)
        refs = np.unique(t0[valid])
        if not valid.all():
            refs = np.append(refs, np.datetime64("NaT", "ns").astype(t0.dtype))
        pers = np.unique(fp)
        ri = np.searchsorted(refs[:len(refs) - (0 if valid.all() else 1)], t0).astype(np.intp)
        if not valid.all():
            ri[~valid] = len(refs) - 1
        pi = np.searchsorted(pers, fp).astype(np.intp)
        ident = ("forecast", refs.tobytes(), pers.tobytes())
        names = self.axes.get(ident)
        if names is None:
            rname = self.new_name("forecast_reference_time")
            suffix = rname[len("forecast_reference_time"):]
            pname = self.new_name("forecast_period" + suffix)
            tname = self.new_name("time" + suffix)
            self.axes[ident] = names = f"{rname}|{pname}"
            self.add_coord(rname, Variable((rname,), refs, dict(_cf.REFTIME)))
            self.add_coord(pname, Variable((pname,), pers, dict(_cf.LEADTIME)))
            self.add_coord(tname, Variable((rname, pname), refs[:, None] + pers[None, :], dict(_cf.TIME)))
        rname, pname = names.split("|")
        return [rname, pname], [ri, pi], [len(refs), len(pers)]

    def resolve_collisions(self, rows: npt.NDArray[np.intp], idx: list[npt.NDArray[np.intp]], dims: list[str],
                           sizes: list[int], level_dim: Optional[str],
                           nomvar: str) -> tuple[list[npt.NDArray[np.intp]], list[str], list[int],
                                                 Optional[npt.NDArray[Any]]]:
        """Axes that separate records sharing a slot, and the records kept
        (None: all of them)."""
        c = self.c

        def slots() -> npt.NDArray[Any]:
            if not dims:
                return np.zeros(len(rows), np.int64)
            return np.ravel_multi_index(tuple(idx), tuple(sizes))

        flat = slots()
        if _all_distinct(flat):
            return idx, dims, sizes, None
        # ip3 (accumulation periods, tiles...), ip1 (codes that are not levels), ip2
        for f in ("ip3", "ip1", "ip2"):
            if f == "ip1" and level_dim is not None:
                continue
            vals = c[f][rows]
            order = np.lexsort((vals, flat))
            dup = np.zeros(len(rows), bool)
            same_slot = flat[order][1:] == flat[order][:-1]
            differ = vals[order][1:] != vals[order][:-1]
            if not (same_slot & differ).any():
                continue
            _ = dup
            uniq = np.unique(vals)
            ident = (f, nomvar, uniq.tobytes())
            name = self.axes.get((f, uniq.tobytes()))
            if name is None:
                name = self.axes[(f, uniq.tobytes())] = self.new_name(f)
                self.add_coord(name, Variable((name,), uniq.astype(np.int32),
                                              {"long_name": f"{f} of the records"}))
            del ident
            pos = len(dims) - (1 if level_dim is not None else 0)
            dims.insert(pos, name)
            idx.insert(pos, np.searchsorted(uniq, vals).astype(np.intp))
            sizes.insert(pos, len(uniq))
            flat = slots()
            if _all_distinct(flat):
                return idx, dims, sizes, None
        # still colliding: the last record in file order wins (a rewritten record)
        order = np.arange(len(rows))[::-1]
        _, first = np.unique(flat[order], return_index=True)
        keep = np.zeros(len(rows), bool)
        keep[order[first]] = True
        lost = len(rows) - int(keep.sum())
        hint = ""
        if not self.opts["forecast_axis"] and len(set(c["dateo"][rows].tolist())) > 1:
            hint = " (they differ in dateo: forecast_axis=True separates them)"
        warnings.warn(f"{nomvar}: {lost} record(s) have the same time, level and ip1/ip2/ip3 as a later record "
                      f"of the same variable; the later one is used{hint}", FstWarning, stacklevel=4)
        return idx, dims, sizes, keep

    # ---- naming and assembly ---------------------------------------------

    def finish(self, made: list[dict[str, Any]]) -> DatasetModel:
        by_nomvar: dict[str, list[dict[str, Any]]] = {}
        for m in made:
            by_nomvar.setdefault(m["nomvar"], []).append(m)
        names: dict[int, str] = {}
        for nomvar, group in by_nomvar.items():
            if len(group) == 1:
                names[id(group[0])] = nomvar
                continue
            parts = ["etiket", "typvar", "level", "grid"]
            differ = [p for p in parts if len({g[p] for g in group}) > 1]
            for g in group:
                label = "_".join(str(g[p]) or "none" for p in differ)
                names[id(g)] = f"{nomvar}_{label}" if label else nomvar
            seen: dict[str, int] = {}
            for g in group:
                n = names[id(g)]
                seen[n] = seen.get(n, 0) + 1
            counter: dict[str, int] = {}
            for g in group:
                n = names[id(g)]
                if seen[n] > 1:
                    counter[n] = counter.get(n, 0) + 1
                    names[id(g)] = f"{n}_{counter[n]}"
        variables: dict[str, Variable] = {}
        nomvar_to_name: dict[tuple[str, str], str] = {}
        for m in made:
            name = _sanitize(names[id(m)])
            while name in self.used_names or name in variables:
                name += "_"
            variables[name] = m["var"]
            nomvar_to_name.setdefault((m["nomvar"], m["grid"]), name)
            nomvar_to_name.setdefault((m["nomvar"], ""), name)
        drop = set(self.opts["drop_variables"] or ())
        for d in drop:
            variables.pop(d, None)
        coords = {k: v for k, v in self.coords.items() if k not in drop}
        # formula terms name the data variables that hold P0, PT, ME... CF's
        # formula_terms only when the coordinate is parametric (Appendix D) and
        # every term is in the Dataset; else the recipe stays in fst24_formula_terms
        for axis, mapping, standard in self.terms_pending:
            if axis not in coords:
                continue
            parts = []
            complete = True
            for term, var in mapping.items():
                if var in coords or var in variables:
                    parts.append(f"{term}: {var}")
                    continue
                target = nomvar_to_name.get((var, ""))
                if target is None or target not in variables:
                    complete = False
                parts.append(f"{term}: {target or var}")
            axis_attrs = coords[axis].attrs
            if standard and complete:
                axis_attrs["formula_terms"] = " ".join(parts)
            else:
                axis_attrs["fst24_formula_terms"] = " ".join(parts)
                axis_attrs.pop("computed_standard_name", None)   # CF ties it to formula_terms
                sn = axis_attrs.get("standard_name")
                if sn in _cf.PARAMETRIC:
                    # a parametric standard name needs its formula_terms (a surface field
                    # is missing, e.g. vars= left P0 out): said in long_name instead
                    del axis_attrs["standard_name"]
                    axis_attrs["long_name"] = f"{axis_attrs.get('long_name', 'level')} ({sn.replace('_', ' ')})"
                    axis_attrs.setdefault("units", "1")
        # netCDF encoding: coordinates never have fill values; each data variable lists its
        # auxiliary coordinates itself (not the grid-mapping or formula-term scalars)
        for _cname, cv in coords.items():
            cv.encoding.setdefault("_FillValue", None)
            if isinstance(cv.data, np.ndarray) and cv.data.dtype.kind in "mM":
                for k, v in _time_encoding(cv.data).items():
                    cv.encoding.setdefault(k, v)
        coord_dims = [(cname, cv.dims, set(cv.dims)) for cname, cv in coords.items() if cv.dims]
        for _vname, v in variables.items():
            vdims = set(v.dims)
            aux = [cname for cname, dims, dim_set in coord_dims if cname not in dims and dim_set <= vdims]
            if aux:
                v.encoding["coordinates"] = " ".join(aux)
        all_vars = dict(variables)
        all_vars.update(coords)
        files = ", ".join(os.path.basename(p) for p in self.paths[:20]) + (", ..." if len(self.paths) > 20 else "")
        attrs: dict[str, Any] = {
            "Conventions": "CF-1.8",
            "title": f"FST (RPN Standard File) data: {files}",
            "source": "fst24 " + _version(),
            "history": self.history(files),
            "fst24_files": files}
        other = self.other_descriptors()
        if other:
            attrs["fst24_other_records"] = other
        return DatasetModel(all_vars, set(coords), attrs, tuple(self.paths))

    def history(self, files: str) -> str:
        """The CF history line of the Dataset: when, which fst24, which files and
        the options that differ from the defaults."""
        import datetime as _dt
        defaults = _DEFAULT_OPTIONS
        changed = [f"{k}={(str(v) if isinstance(v, np.dtype) else v)!r}" for k, v in self.opts.items()
                   if k in defaults and v != defaults[k]]
        when = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return (f"{when} fst24 {_version()}: read FST file(s) {files}" +
                (f" ({', '.join(changed)})" if changed else ""))

    def other_descriptors(self) -> str:
        """Descriptor records no coordinate stands for (unused "!!" tables, an HY next to
        PT, positional records of no field...), kept as JSON so that writing back gives
        them again. Records of more than 100000 values are not kept."""
        out = []
        for row in self.desc_rows:
            if row in self.used_rows or self.opts["vars"] is not None:
                continue
            c = self.c
            if int(c["ni"][row]) * int(c["nj"][row]) * int(c["nk"][row]) > 100000:
                continue
            try:
                values = np.asarray(self.record(row).data)
            except Error:
                continue
            if values.dtype.kind not in "fiu":
                continue
            out.append({"header": json.loads(self.header_json(row)),
                        "values": values.astype(np.float64).reshape(-1, order="F").tolist()})
        return json.dumps(out, separators=(",", ":")) if out else ""


_DEFAULT_OPTIONS: dict[str, Any] = {
    "vars": None, "drop_variables": None, "forecast_axis": False, "ensembles": False, "ignore_etiket": False,
    "ignore_typvar": False, "mask_missing": True, "apply_masks": True, "unknown_grids": "index",
    "latlon_dtype": np.dtype(np.float32)}


_NS_MIN, _NS_MAX = np.datetime64("1678-01-02", "us"), np.datetime64("2262-04-10", "us")


def _ns_ok(*times: npt.NDArray[Any]) -> bool:
    """True if every date fits datetime64[ns] (1678..2262)."""
    for t in times:
        valid = t[~np.isnat(t)]
        if valid.size and (valid.min() < _NS_MIN or valid.max() > _NS_MAX):
            return False
    return True


def _time_unit(t: npt.NDArray[Any], other: npt.NDArray[Any]) -> str:
    """Times in nanoseconds (what most tools expect) unless some date of the
    variable lies outside the nanosecond range: then in seconds."""
    return "datetime64[ns]" if _ns_ok(t, other) else "datetime64[s]"


def _time_encoding(values: npt.NDArray[Any]) -> dict[str, Any]:
    """netCDF encoding of a datetime64 or timedelta64 coordinate with types that
    CF-1.8 lists (no int64): int32 counts of the coarsest unit (hours, minutes,
    seconds; forecast periods always in seconds) that represents every value
    exactly and fits, else float64 seconds (also when values are missing)."""
    flat = values.reshape(-1)
    valid = flat[~np.isnat(flat)]
    if values.dtype.kind == "M":
        if valid.size == 0:
            return {"units": "seconds since 1970-01-01 00:00:00", "dtype": "float64"}
        ref = valid.min().astype("datetime64[s]")
        offsets = valid - ref
        since = " since " + str(ref).replace("T", " ")   # ISO 8601 to the second (ref is in seconds)
        units = [("hours", 3600), ("minutes", 60), ("seconds", 1)]
    else:
        offsets = valid
        since = ""
        units = [("seconds", 1)]
    whole = offsets.astype("timedelta64[s]")
    if valid.size == len(flat) and np.all(whole == offsets):
        secs = whole.astype(np.int64)
        for name, size in units:
            if np.all(secs % size == 0):
                counts = secs // size
                if counts.size == 0 or np.abs(counts).max() <= np.iinfo(np.int32).max:
                    return {"units": name + since, "dtype": "int32"}
                break
    return {"units": "seconds" + since, "dtype": "float64"}


def _highest_level(vg: VerticalDescriptor) -> Optional[float]:
    """Largest coefficient ``a`` of a height descriptor's levels: the model top
    (m); None if the descriptor has no positive one."""
    top = -np.inf
    for family in (1, 2, 3):
        try:
            a = vg.levels(family)["a"]
        except Error:
            continue
        if a.size:
            top = max(top, float(np.nanmax(a)))
    return top if np.isfinite(top) and top > 0 else None


def _sanitize(name: str) -> str:
    out = "".join(ch if ch.isalnum() or ch in "_-." else "_" for ch in name)
    if not out or not (out[0].isalpha() or out[0] == "_"):
        out = "_" + out
    return out


def _version() -> str:
    from . import __version__
    return str(__version__)


def build(source: Any, *, vars: Optional[Iterable[str]] = None, drop_variables: Optional[Iterable[str]] = None,
          forecast_axis: bool = False, ensembles: bool = False, ignore_etiket: bool = False,
          ignore_typvar: bool = False, mask_missing: bool = True, apply_masks: bool = True,
          unknown_grids: str = "index", threads: Optional[int] = None, index: Any = None,
          latlon_dtype: Any = "float32") -> DatasetModel:
    """The Dataset model of FST files (see the module documentation).

    ``source``: a path, glob, list of paths, directory, File or FileSet
    (records of several files are merged). ``vars``: nomvars to keep.
    ``drop_variables``: Dataset names to leave out. ``forecast_axis``:
    dimensions (forecast_reference_time, forecast_period) instead of a
    validity ``time``. ``ensembles``: etiket becomes an ``ensemble``
    dimension; ``ignore_etiket`` / ``ignore_typvar``: these fields no longer
    separate variables. ``mask_missing``: missing points of +64 records
    become NaN (else the decoded sentinel values stay). ``apply_masks``:
    ``@@`` mask records blank out their field's points where the mask is 0.
    ``unknown_grids``: grids without coordinates (X, missing positional
    records) get index dimensions ("index"), are left out ("skip") or raise
    ("raise"). ``threads``: decoding threads (None: every core). ``index``:
    an index DataFrame of the files to use instead of indexing them.
    ``latlon_dtype``: element type of computed 2-D latitudes and longitudes,
    "float32" (the default: the precision of the computation, as librmn and
    fstd2nc give them) or "float64" (twice the memory; the same values to
    within ~1e-5 degree, about 1 m).
    """
    if np.dtype(latlon_dtype) not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise _error(InvalidArgumentError, f"latlon_dtype must be float64 or float32, not {latlon_dtype!r}")
    if unknown_grids not in _UNKNOWN_GRIDS:
        raise _error(InvalidArgumentError, f"unknown_grids must be one of {', '.join(_UNKNOWN_GRIDS)}, "
                                           f"not {unknown_grids!r}")
    if isinstance(vars, str):
        vars = [vars]
    if isinstance(drop_variables, str):
        drop_variables = [drop_variables]
    columns = None
    if index is None:
        paths = source_paths(source)
        from .metadata import index_arrow
        # one file is scanned by one thread whatever the pool: no pool to start
        table = index_arrow(list(paths), progress=False, threads=1 if len(paths) == 1 else None)
        columns = _columns_of_table(table)
        frame: Any = table.to_polars
    else:
        frame = index
        import polars as pl
        paths = list(dict.fromkeys(frame.get_column("path").cast(pl.Utf8).to_list()))
    opts = {"vars": None if vars is None else [v.strip().upper() for v in vars],
            "drop_variables": list(drop_variables) if drop_variables is not None else None,
            "forecast_axis": bool(forecast_axis), "ensembles": bool(ensembles),
            "ignore_etiket": bool(ignore_etiket), "ignore_typvar": bool(ignore_typvar),
            "mask_missing": bool(mask_missing), "apply_masks": bool(apply_masks),
            "unknown_grids": unknown_grids, "threads": threads, "latlon_dtype": np.dtype(latlon_dtype)}
    return _Builder([os.fspath(p) for p in paths], frame, opts, columns).build()


del RecordNotFoundError
