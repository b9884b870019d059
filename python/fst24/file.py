"""Files, sets of linked files and queries."""
from __future__ import annotations

import contextlib
import glob as _glob
import logging
import mmap
import os
import threading
import warnings
import weakref
from typing import Any, Iterable, Iterator, Literal, Optional, Sequence, Union, cast

import numpy as np
import numpy.typing as npt

from . import _core, _memory
from ._util import _fspath
from .errors import CastingError, ExtMetaWarning, InvalidArgumentError, _error
from .record import _DTYPE_ELEM, HEADER_FIELDS, Record, _as_record_array, _stamp

__all__ = ["File", "FileSet", "Query", "open", "open_many", "is_fst", "detect", "repair"]

log = logging.getLogger("fst24")

PathLike = Union[str, "os.PathLike[str]"]

_MODES = {"r": _core.MODE_READ, "r+": _core.MODE_UPDATE, "a": _core.MODE_UPDATE,
          "w": _core.MODE_CREATE}
_BACKENDS = {None: _core.BACKEND_DEFAULT, "xdf": _core.BACKEND_XDF, "rsf": _core.BACKEND_RSF}
_REWRITE = {"no": _core.REWRITE_NO, "yes": _core.REWRITE_YES, "skip": _core.REWRITE_SKIP,
            "meta": _core.REWRITE_META}
_OPTIONS = ("ip1_all", "ip2_all", "ip3_all", "stamp_norun", "skip_grid_descriptors", "ext_meta")
_BATCH = 256
_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")
#: numpy's casting rules, accepted by ``read(..., out=, casting=)``
Casting = Literal["no", "equiv", "safe", "same_kind", "unsafe"]


def _criteria(fields: dict[str, Any]) -> tuple[Optional[Record], dict[str, Any]]:
    """Split keyword arguments into a criteria record and query options."""
    unknown = set(fields) - set(HEADER_FIELDS) - set(_OPTIONS)
    if unknown:
        raise _error(InvalidArgumentError,
                     f"unknown search criteria: {', '.join(sorted(unknown))} "
                     f"(use record field names or {', '.join(_OPTIONS)})")
    opts = {k: fields[k] for k in _OPTIONS if k in fields}
    crit_fields = {k: v for k, v in fields.items() if k in HEADER_FIELDS and v is not None}
    if not crit_fields:
        return None, opts
    crit = Record()
    crit._init_criteria()
    for name, value in crit_fields.items():
        if name in ("dateo", "datev"):
            value = _stamp(value, name)
        setattr(crit, name, value)
    return crit, opts


class Query:
    """A lazy search: iterate it (as often as you like), ``len()`` it, or
    take ``first()``. Each iteration runs an independent query in C."""

    def __init__(self, chain: tuple["File", ...], criteria: Optional[Record],
                 options: dict[str, Any]) -> None:
        """Built by ``find()``; ``criteria`` None matches every record."""
        self._chain = chain
        self._criteria = criteria
        ext = options.get("ext_meta")
        if isinstance(ext, dict):
            import json
            try:
                ext = json.dumps(ext, separators=(",", ":"))
            except (TypeError, ValueError) as exc:
                raise _error(InvalidArgumentError, f"ext_meta criteria cannot be written as JSON ({exc})") from None
        elif ext is not None and not isinstance(ext, str):
            raise _error(InvalidArgumentError, f"ext_meta criteria must be a dict or a JSON str, not {type(ext).__name__}")
        self._args = (
            bool(options.get("ip1_all", False)), bool(options.get("ip2_all", False)),
            bool(options.get("ip3_all", False)), bool(options.get("stamp_norun", False)),
            bool(options.get("skip_grid_descriptors", False)), ext,
        )

    def _new(self) -> Any:
        return self._chain[0]._query(self._chain, self._criteria, *self._args)

    def __iter__(self) -> Iterator[Record]:
        """A new, independent search over the files (fetched in batches)."""
        q = self._new()
        while True:
            batch = q.fetch(_BATCH)
            if not batch:
                return
            yield from batch

    def __len__(self) -> int:
        """Number of matching records (counted in C)."""
        return int(self._new().count())

    def count(self) -> int:
        """Number of matching records."""
        return len(self)

    def first(self) -> Optional[Record]:
        """The first match, or None."""
        batch = self._new().fetch(1)
        return batch[0] if batch else None

    def all(self) -> list[Record]:
        """Every match as a list."""
        return list(self)

    def __repr__(self) -> str:
        crit = "" if self._criteria is None else ", ".join(
            f"{k}={getattr(self._criteria, k)!r}" for k in HEADER_FIELDS
            if getattr(self._criteria, k) not in (-1, ""))
        return f"<fst24.Query on {self._chain[0].path!r} ({crit})>"


class _Searchable:
    """Search and batch-read methods shared by File and FileSet."""

    def _chain_files(self) -> tuple["File", ...]:
        raise NotImplementedError

    def find(self, **criteria: Any) -> Query:
        """Records matching ``criteria`` (lazy, re-iterable).

        Criteria are record field names (``nomvar="TT"``, ``ip1=...``,
        ``datev=stamp or datetime``...; None or omitted = any). Options:
        ``ip1_all``/``ip2_all``/``ip3_all`` (match old and new IP encodings),
        ``stamp_norun`` (compare all bits of datev), ``skip_grid_descriptors``
        and ``ext_meta`` (RSF: a dict/JSON object the record's extended
        metadata must match).
        """
        crit, opts = _criteria(criteria)
        return Query(self._chain_files(), crit, opts)

    def find_one(self, **criteria: Any) -> Record:
        """The first record matching ``criteria``; RecordNotFoundError if none."""
        rec = self.find(**criteria).first()
        if rec is None:
            from .errors import RecordNotFoundError
            names = ", ".join(f"{k}={v!r}" for k, v in criteria.items())
            raise _error(RecordNotFoundError, f"no record matches {names} in {self._describe()}")
        return rec

    def _describe(self) -> str:
        return ", ".join(str(f.path) for f in self._chain_files())

    def __iter__(self) -> Iterator[Record]:
        return iter(self.find())

    def to_xarray(self, **options: Any) -> Any:
        """The records of this file (or file set) as a lazy xarray Dataset;
        options as :func:`fst24.to_xarray`. Records written through this
        object are flushed first so that the Dataset sees them."""
        for f in self._chain_files():
            if f.writable:
                f.flush()
        from .xarray_backend import to_xarray
        return to_xarray(self, **options)

    def to_polars(self, columns: Optional[Sequence[str]] = None, decode: bool = True,
                  ext_meta: bool = False) -> Any:
        """Every record as a row of a polars DataFrame: :func:`fst24.index`
        of this file (or of every file of this set), read from the open
        file(s)."""
        from .metadata import index
        return index(cast(Any, self), columns=columns, decode=decode, ext_meta=ext_meta)

    def read(self, records: Iterable[Record], threads: Optional[int] = None,
             out: Optional[npt.NDArray[Any]] = None, casting: Casting = "safe") -> Any:
        """Decode many records in parallel (in C, GIL released).

        Returns a list of arrays (one per record, as ``Record.data``), or, with
        ``out=``, fills ``out`` and returns it: a 4-D array (ni, nj, nk, N) or,
        for nk == 1 records, a 3-D array (ni, nj, N). Records are not cached.
        ``threads=None`` uses every core.

        ``casting`` says which conversions into ``out`` are allowed, with numpy's
        rules and names: "no", "equiv", "safe" (the default: only conversions that
        keep every value, e.g. float32 into float64, int16 into int32 or float32),
        "same_kind" (also float64 into float32, int64 into int32) or "unsafe"
        (anything, e.g. float into int, which truncates). A record whose data
        cannot go into ``out`` under the rule raises :class:`CastingError` before
        anything is decoded.
        """
        recs = list(records)
        for r in recs:
            if not isinstance(r, Record) or r.file is None:
                raise _error(InvalidArgumentError, "read() needs records read from a file")
        nthreads = 0 if threads is None else int(threads)
        if nthreads < 0:
            raise _error(InvalidArgumentError, f"threads must be >= 0, not {threads}")
        if casting not in _CASTINGS:
            raise _error(InvalidArgumentError,
                         f"casting must be one of {', '.join(_CASTINGS)}, not {casting!r}")
        specs = [r._array_spec() for r in recs]
        if out is None:
            total = sum(s[2] for s in specs)
            scratch = sum(max(int(r.total_stored_bytes), 0) for r in recs)
            _memory.reserve(total + scratch, f"read() of {len(recs)} records")
            try:
                arrays = [np.empty(shape, dtype, order="F") for dtype, shape, _ in specs]
            except BaseException:
                _memory.release(total + scratch)
                raise
            try:
                _core.read_many(recs, arrays, nthreads, False)
            except BaseException:
                _memory.release(total)
                raise
            finally:
                _memory.release(scratch)
            for a, s in zip(arrays, specs):
                _memory.track(a, s[2])
            return arrays
        if not isinstance(out, np.ndarray):
            raise _error(InvalidArgumentError, "out must be a numpy array")
        if out.ndim not in (3, 4) or out.shape[-1] != len(recs):
            raise _error(InvalidArgumentError,
                         f"out must be (ni, nj, N) or (ni, nj, nk, N) with N = {len(recs)}, not {out.shape}")
        if not out.flags.writeable:
            raise _error(InvalidArgumentError, "out is read-only")
        for i, (dtype, shape, _) in enumerate(specs):
            dest = out[..., i]
            want = shape if out.ndim == 4 else shape[:2]
            if len(shape) != 3 or dest.shape != want or (out.ndim == 3 and shape[2] != 1):
                raise _error(InvalidArgumentError,
                             f"record {i} ({recs[i].nomvar.strip()}) has shape {shape}, out slot is {dest.shape}")
            if not np.can_cast(dtype, out.dtype, casting):
                r = recs[i]
                raise _error(CastingError,
                             f"record {i} ({r.nomvar.strip()!r} of {r.file.path if r.file else '?'}) holds "
                             f"{dtype} data, which cannot be read into an out array of {out.dtype} with "
                             f"casting={casting!r} (pass casting='unsafe' to convert anyway)")
        targets: list[npt.NDArray[Any]] = []
        temps: list[tuple[int, npt.NDArray[Any]]] = []
        for i, (dtype, shape, nbytes) in enumerate(specs):
            dest = out[..., i]
            if dest.dtype == dtype and dest.flags.f_contiguous:
                targets.append(dest)
            else:
                _memory.reserve(nbytes, "read() temporary")
                tmp = np.empty(shape, dtype, order="F")
                temps.append((i, tmp))
                targets.append(tmp)
        try:
            _core.read_many(recs, targets, nthreads, False)
            for i, tmp in temps:
                src = tmp.reshape(out[..., i].shape, order="F")
                if src.dtype.kind == "S" and out.dtype.kind != "S":
                    src = src.view(np.uint8)  # characters as their byte values
                np.copyto(out[..., i], src, casting="unsafe")  # the rule was checked above
        finally:
            for _, tmp in temps:
                _memory.release(tmp.nbytes)
        return out


class File(_core.FileBase, _Searchable):
    """An open FST file. Use :func:`fst24.open`.

    Iterating gives every record in directory order; ``len()`` counts them.
    A File is a context manager, is closed when garbage collected, and can
    be pickled (it is reopened read-only when unpickled).
    """

    def __init__(self, path: PathLike, mode: str = "r", backend: Optional[str] = None,
                 *, parallel: bool = False, force_write: bool = False,
                 keep_missing_flag: bool = False, segment_size: Optional[int] = None) -> None:
        """Open ``path``; see :func:`fst24.open` for the arguments."""
        if segment_size is not None and (isinstance(segment_size, bool) or not isinstance(segment_size, int)
                                         or segment_size <= 0):
            raise _error(InvalidArgumentError,
                         f"segment_size must be a positive number of bytes or None, not {segment_size!r}")
        if mode not in _MODES:
            raise _error(InvalidArgumentError, f"mode must be one of r, r+, a, w, not {mode!r}")
        key = backend.lower() if isinstance(backend, str) else backend
        if key not in _BACKENDS:
            raise _error(InvalidArgumentError, f"backend must be 'xdf', 'rsf' or None, not {backend!r}")
        self.mode = mode
        self._map: Optional[mmap.mmap] = None
        self._map_lock = threading.Lock()
        self._set: Optional["weakref.ref[FileSet]"] = None
        super().__init__(_fspath(path), _MODES[mode], _BACKENDS[key], parallel, force_write,
                         keep_missing_flag, segment_size or 0)
        log.debug("opened %s mode=%s backend=%s", path, mode, self.backend)
        info = self._info()
        if info["recovered"]:
            from .errors import DamagedFileWarning
            warnings.warn(DamagedFileWarning(f"{self.path}: damaged file, only what can be trusted is "
                                             f"shown: {info['warning']}"), stacklevel=3)
        elif info["warning"]:
            log.warning("%s: %s", self.path, info["warning"])
        if mode == "r":
            size = int(self._file_size())
            if size >= _memory.get_mmap_threshold() and size > 0:
                self._mapping(size)

    # ---- memory map --------------------------------------------------------

    def _mapping(self, min_size: int) -> mmap.mmap:
        """The file's read-only memory map, (re)made to cover ``min_size`` bytes."""
        if self.closed:
            from .errors import ClosedFileError
            raise _error(ClosedFileError, f"I/O operation on a closed FST file: {self.path}")
        with self._map_lock:
            mm = self._map
            if mm is None or len(mm) < min_size:
                if self.writable:
                    self.flush()  # records written so far must be on disk to be mapped
                with builtins_open(self.path, "rb") as fh:
                    mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
                if len(mm) < min_size:
                    mm.close()
                    from .errors import CorruptFileError
                    raise _error(CorruptFileError, f"{self.path}: record extends past the end of the file")
                self._release_map()
                self._map = mm
                log.debug("memory-mapped %s (%d bytes)", self.path, len(mm))
            return mm

    def _release_map(self) -> None:
        mm, self._map = self._map, None
        if mm is not None:
            # Views still using it: it is unmapped when the last one goes.
            with contextlib.suppress(BufferError):
                mm.close()

    @property
    def mapped(self) -> bool:
        """True if the file is currently memory-mapped."""
        return self._map is not None

    # ---- life cycle ----------------------------------------------------------

    def close(self) -> None:
        """Flush and close the file (idempotent). Records keep their cached
        data; views keep the memory map alive until they are released."""
        s = self._set() if self._set is not None else None
        if s is not None and not s.closed:
            s.close()
            return
        self._release_map()
        super().close()

    def __enter__(self) -> "File":
        """The file itself."""
        return self

    def __exit__(self, *exc: Any) -> None:
        """Close the file."""
        self.close()

    def __reduce__(self) -> Any:
        return (_reopen, (self.path,))

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"{self.backend}, {len(self)} records"
        return f"<fst24.File {self.path!r} mode={self.mode!r} ({state})>"

    # ---- information ---------------------------------------------------------

    def _chain_files(self) -> tuple["File", ...]:
        return (self,)

    def __len__(self) -> int:
        """Valid records of this file (linked files not included)."""
        if self._set is None:
            return int(self._num_records())
        return int(self._info()["num_records"])

    def info(self) -> dict[str, Any]:
        """File information: path, backend, format ('xdf', 'xdf_seq', 'rsf',
        'fst89'), writable, num_records, num_deleted, num_entries, file_size,
        num_pages, checksum_errors, recovered (the file is damaged or its writer
        crashed: only what can be trusted is shown; a DamagedFileWarning was
        issued at open), warning (what is left out, or '') and writer_active
        (another process is writing the file: records it has not flushed yet
        are not visible)."""
        info = dict(self._info())
        info["format"] = _KINDS.get(int(info.pop("kind")), "other")
        return info

    def __getitem__(self, index: int) -> Record:
        """Record by position (0..len-1, directory order; negative from the end)."""
        n = len(self)
        i = int(index)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"record index {index} out of range for {self.path} ({n} records)")
        rec = self._get_record(i)
        assert isinstance(rec, Record)
        return rec

    def get(self, key: int) -> Record:
        """Record by key (``Record.key``); RecordNotFoundError if unknown."""
        rec = self._get_record_by_key(int(key))
        assert isinstance(rec, Record)
        return rec

    # ---- writing ----------------------------------------------------------------

    def write(self, rec: Record, rewrite: str = "no", *, strict: bool = False) -> bool:
        """Write a record (its data and header).

        ``rewrite``: "no" appends; "yes" replaces a record with the same
        identity (grid, names, ip, dates, dims); "skip" writes nothing if one
        exists; "meta" rewrites only the header of a record read from this
        file. The record is updated with what was stored (data_type,
        pack_bits, key, position...) and then belongs to this file. Returns
        False when "skip" found an existing record, else True.

        Extended metadata (``rec.ext_meta``) can only be stored in RSF files:
        for an XDF file it is left out with an :class:`ExtMetaWarning`, or,
        with ``strict=True``, the write is refused (:class:`UnsupportedError`).
        """
        if not isinstance(rec, Record):
            raise _error(InvalidArgumentError, f"write() needs a Record, not {type(rec).__name__}")
        if rewrite not in _REWRITE:
            raise _error(InvalidArgumentError, f"rewrite must be no, yes, skip or meta, not {rewrite!r}")
        rec._check_writable(_core.BACKEND_RSF if self.backend == "rsf" else _core.BACKEND_XDF)
        ext = self._ext_meta_for(rec, strict)
        if rewrite == "meta":
            return bool(self._write(rec, None, 0, _REWRITE["meta"], ext))
        data = rec._data if rec._data is not None else (rec.data if rec.file is not None else None)
        if data is None:
            raise _error(InvalidArgumentError, f"record {rec.nomvar.strip()!r} has no data to write to {self.path}")
        arr = _as_record_array(data)
        if arr.size != rec.ni * rec.nj * rec.nk and arr.ndim == 3:
            raise _error(InvalidArgumentError,
                         f"record {rec.nomvar.strip()!r}: data has {arr.size} elements, ni*nj*nk = "
                         f"{rec.ni * rec.nj * rec.nk}")
        if arr.dtype not in _DTYPE_ELEM:
            raise _error(InvalidArgumentError, f"data of dtype {arr.dtype} cannot be written")
        fdata = np.asfortranarray(arr)
        if fdata.size != rec.ni * rec.nj * rec.nk:
            raise _error(InvalidArgumentError,
                         f"record {rec.nomvar.strip()!r}: data has {fdata.size} elements, ni*nj*nk = "
                         f"{rec.ni * rec.nj * rec.nk}")
        elem = _DTYPE_ELEM[fdata.dtype]
        bits = fdata.dtype.itemsize * (4 if fdata.dtype.kind == "c" else 8)
        if rec.data_bits != bits and fdata.dtype.kind != "S":
            rec.data_bits = bits
        written = bool(self._write(rec, fdata, elem, _REWRITE[rewrite], ext))
        if written and rec._data is None:
            rec._data = fdata
        log.debug("wrote %r to %s (rewrite=%s, written=%s)", rec, self.path, rewrite, written)
        return written

    def write_payload(self, rec: Record, payload: bytes, rewrite: str = "no", *, strict: bool = False) -> bool:
        """Write an already-encoded payload (host-order 32-bit words, e.g.
        from ``Record.payload()``) unchanged, with ``rec``'s header.
        Extended metadata and ``strict`` as in :meth:`write`."""
        if rewrite not in _REWRITE or rewrite == "meta":
            raise _error(InvalidArgumentError, f"rewrite must be no, yes or skip, not {rewrite!r}")
        return bool(self._write(rec, payload, 0, _REWRITE[rewrite], self._ext_meta_for(rec, strict), True))

    def _ext_meta_for(self, rec: Record, strict: bool) -> Optional[str]:
        """The JSON text to store with ``rec``: None for an XDF file, which cannot hold it
        (warning, or UnsupportedError with ``strict``)."""
        ext = rec._ext_meta_out
        if not ext or self.backend == "rsf":
            return ext
        msg = (f"{self.path}: record {rec.nomvar.strip()!r}: extended metadata can only be stored in "
               f"RSF files; XDF cannot hold it")
        if strict:
            from .errors import UnsupportedError
            raise _error(UnsupportedError, msg)
        import warnings
        warnings.warn(f"{msg}: written without it (strict=True refuses instead)", ExtMetaWarning, stacklevel=3)
        return None

    def delete(self, rec: Record) -> None:
        """Mark a record of this file deleted."""
        self._delete(rec)

    def flush(self) -> None:
        """Make the records written so far durable and visible to readers."""
        self._flush()


def builtins_open(path: str, mode: str) -> Any:
    """The built-in open (shadowed by fst24.open in this package)."""
    import builtins
    return builtins.open(path, mode)


def _reopen(path: str) -> File:
    return File(path, "r")


class FileSet(_Searchable):
    """Several files searched as one (linked in C: queries run through the
    files in order). Use :func:`fst24.open_many`."""

    def __init__(self, paths: Sequence[PathLike]) -> None:
        """Open every path read-only and link them in order."""
        self.files: tuple[File, ...] = ()
        files: list[File] = []
        try:
            for p in paths:
                files.append(File(p, "r"))
        except BaseException:
            for f in files:
                f.close()
            raise
        if not files:
            raise _error(InvalidArgumentError, "open_many() needs at least one file")
        _core.link(tuple(files))
        self.files = tuple(files)
        self.closed = False
        for f in files:
            f._set = weakref.ref(self)

    def _chain_files(self) -> tuple[File, ...]:
        if self.closed:
            from .errors import ClosedFileError
            raise _error(ClosedFileError, f"I/O operation on a closed file set ({len(self.files)} files)")
        return self.files

    def __len__(self) -> int:
        """Valid records of all the files."""
        return int(self._chain_files()[0]._num_records())

    def close(self) -> None:
        """Unlink and close every file (idempotent)."""
        if self.closed or not self.files:
            return
        self.closed = True
        _core.unlink(self.files)
        for f in self.files:
            f._set = None
            f.close()

    def __enter__(self) -> "FileSet":
        """The set itself."""
        return self

    def __exit__(self, *exc: Any) -> None:
        """Close every file."""
        self.close()

    def __del__(self) -> None:
        # Only unlink: records may still use the member files, which close
        # themselves when they are garbage collected.
        try:
            if not self.closed and self.files:
                self.closed = True
                _core.unlink(self.files)
        except Exception:  # interpreter shutdown: nothing sensible to do
            pass

    def __reduce__(self) -> Any:
        return (FileSet, ([f.path for f in self.files],))

    def __repr__(self) -> str:
        return f"<fst24.FileSet of {len(self.files)} files{' (closed)' if self.closed else ''}>"


def open(path: PathLike, mode: str = "r", backend: Optional[str] = None, **options: Any) -> File:
    """Open an FST file.

    ``mode``: "r" read only; "r+" or "a" read/write (created if missing);
    "w" create (an existing file is truncated). ``backend`` ("xdf"/"rsf")
    applies to new files; None takes FST_OPTIONS (BACKEND=RSF|XDF) or XDF.
    Options: ``parallel`` (RSF parallel writers; refused for an XDF file opened for
    writing), ``segment_size`` (RSF parallel: bytes each writer reserves per segment,
    default 1000 MiB; see docs/rsf.md), ``force_write``; ``keep_missing_flag`` is
    accepted and has no effect (the missing-value flag is always kept when a
    compressed write falls back to the plain type).
    """
    return File(path, mode, backend, **options)


def open_many(paths_or_glob: Union[PathLike, Iterable[PathLike]]) -> FileSet:
    """Open several files read-only and search them as one.

    Accepts a glob pattern ("data/*.fst") or an iterable of paths.
    """
    if isinstance(paths_or_glob, (str, os.PathLike)):
        pattern = os.fspath(paths_or_glob)
        paths: Sequence[PathLike] = sorted(_glob.glob(pattern))
        if not paths:
            from .errors import FileNotFoundError
            raise _error(FileNotFoundError, f"no file matches {pattern!r}")
    else:
        paths = list(paths_or_glob)
    return FileSet(paths)


def repair(source: PathLike, target: PathLike) -> dict[str, Any]:
    """Copy every record that can be recovered from ``source``, a damaged XDF
    or RSF file (or one a killed writer left), into ``target``, a new valid
    file of the same container (RSF output is dense). Payloads are copied
    unchanged; deleted records are left out; ``target`` is replaced and may not
    be ``source``.

    Returns the report: ``copied``, ``from_directory``, ``from_scan`` (records
    no readable directory lists, e.g. written after the last flush),
    ``skipped``, ``deleted``, ``damaged_bytes``, ``damaged`` (the source is not
    a clean file), ``format``, ``summary`` (one line) and ``problems`` (one
    line per record or stretch of bytes that could not be recovered).
    """
    report, problems = _core.repair(_fspath(source), _fspath(target))
    out = dict(report)
    out["format"] = _KINDS.get(int(out.pop("kind")), "other")
    out["problems"] = list(problems)
    return out


_KINDS = {-3: "missing", -2: "empty", -1: "unreadable", 0: "other", 1: "xdf", 2: "xdf_seq",
          3: "rsf", 4: "fst89", 5: "xdf_corrupt", 6: "burp", 7: "fst89_seq"}


def detect(path: PathLike) -> str:
    """Kind of file by content (libfst24's fst24_detect): 'xdf', 'xdf_seq'
    (sequential XDF), 'rsf', 'fst89' (1989 random file), 'fst89_seq' (1989 sequential,
    not readable), 'xdf_corrupt',
    'burp', 'other', 'empty', 'missing' or 'unreadable'."""
    code, _ = _core.detect(_fspath(path))
    return _KINDS.get(int(code), "other")


def is_fst(path: PathLike) -> bool:
    """True if ``path`` holds an FST file this library can open (by content)."""
    code, _ = _core.detect(_fspath(path))
    return int(code) in (1, 2, 3, 4)
