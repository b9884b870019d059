"""The metadata index: every record of one or many FST files as a Polars
DataFrame (or any Arrow consumer), built in C by parallel threads.

::

    import fst24
    df = fst24.index("archive/")                       # polars.DataFrame, one row per record
    tt = df.filter(pl.col("nomvar") == "TT", pl.col("level") == 500)
    arrays = fst24.read(tt)                            # their data, decoded in parallel

Columns and their types are listed in docs/index.md. polars (1.3 or later:
it takes Arrow PyCapsule streams) and, for ``client=``, dask.distributed are
imported only when these functions are called.
"""
from __future__ import annotations

import glob as _glob
import importlib
import os
import warnings
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Optional, Sequence, Union, cast

import numpy as np
import numpy.typing as npt

from . import _core
from .errors import InvalidArgumentError, RecordNotFoundError, _error

if TYPE_CHECKING:
    import polars as pl

    from .file import File, FileSet

__all__ = ["index", "index_arrow", "read_metadata", "read", "IndexTable", "COLUMNS",
           "HEADER_COLUMNS", "DECODED_COLUMNS"]

#: Every column the index can hold, in order.
COLUMNS: tuple[str, ...] = tuple(_core.index_columns())
#: The stored header fields (and the record's place: path, key, file_offset, total_stored_bytes).
HEADER_COLUMNS: tuple[str, ...] = COLUMNS[:COLUMNS.index("level")]
#: The columns ``decode=True`` adds.
DECODED_COLUMNS: tuple[str, ...] = COLUMNS[COLUMNS.index("level"):COLUMNS.index("ext_meta")]

#: Version of the column definitions, part of every cache file name.
SCHEMA_VERSION = 1
#: With ``progress=None`` a bar is shown from this many files on.
PROGRESS_MIN_FILES = 200

Source = Union[str, "os.PathLike[str]", "File", "FileSet", Iterable[Union[str, "os.PathLike[str]", "File"]]]


def _polars() -> Any:
    import polars
    return polars


# ---- columns -------------------------------------------------------------------

def _column_names(columns: Optional[Sequence[str]], decode: bool, ext_meta: bool) -> list[str]:
    """The requested column names, validated (in the caller's order)."""
    if columns is None:
        names = list(HEADER_COLUMNS) + (list(DECODED_COLUMNS) if decode else [])
        if ext_meta:
            names.append("ext_meta")
        return names
    if isinstance(columns, str):
        columns = [columns]
    names = list(dict.fromkeys(columns))
    unknown = [c for c in names if c not in COLUMNS]
    if unknown:
        raise _error(InvalidArgumentError,
                     f"unknown index column(s): {', '.join(unknown)} (known: {', '.join(COLUMNS)})")
    if ext_meta and "ext_meta" not in names:
        names.append("ext_meta")
    return names


def _mask(names: Iterable[str]) -> int:
    return sum(1 << COLUMNS.index(n) for n in set(names))


# ---- sources ----------------------------------------------------------------------

# A plan step: ("paths", [paths], skip_not_fst) or ("file", File).
_Step = tuple[str, Any, bool]


def _list_dir(path: str, recursive: bool) -> list[str]:
    if not recursive:
        return [os.path.join(path, n) for n in sorted(os.listdir(path))
                if os.path.isfile(os.path.join(path, n))]
    out: list[str] = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        out.extend(os.path.join(root, n) for n in sorted(files))
    return out


def _expand_one(item: Any, recursive: bool, steps: list[_Step], kinds: Iterator[int]) -> None:
    """Append the steps of one source item; ``kinds``: the _core.path_kinds of the path items, in order."""
    if not isinstance(item, (str, os.PathLike)):  # paths first: the common case, thousands a call
        from .file import File, FileSet
        if isinstance(item, File):
            steps.append(("file", item, False))
            return
        if isinstance(item, FileSet):
            for f in item._chain_files():
                steps.append(("file", f, False))
            return
        raise _error(InvalidArgumentError,
                     f"index() takes paths, globs, directories, File or FileSet objects, not {type(item).__name__}")
    path = os.fspath(item)
    kind = next(kinds)
    if kind == 0:  # a file (or a path the index reports); _plan merges consecutive steps
        steps.append(("paths", [path], False))
    elif kind == 2:
        matches = sorted(p for p in _glob.glob(path, recursive=recursive) if os.path.isfile(p))
        if not matches:
            from .errors import FileNotFoundError
            raise _error(FileNotFoundError, f"no file matches {path!r}")
        steps.append(("paths", matches, True))
    else:
        steps.append(("paths", _list_dir(path, recursive), True))


def _plan(source: Source, recursive: bool) -> list[_Step]:
    """The source as an ordered list of steps (consecutive path lists merged)."""
    from .file import File, FileSet
    steps: list[_Step] = []
    if isinstance(source, (str, os.PathLike, File, FileSet)) or not isinstance(source, Iterable):
        items: list[Any] = [source]
    else:
        items = list(source)
    # one stat per path, all in one C call (thousands of paths are common)
    path_items = [i for i in items if isinstance(i, (str, os.PathLike))]
    found = _core.path_kinds(path_items)
    if len(path_items) == len(items) and not any(found):  # only files: one step
        return [("paths", [os.fspath(i) for i in items], False)] if items else []
    kinds = iter(found)
    for item in items:
        _expand_one(item, recursive, steps, kinds)
    merged: list[_Step] = []
    for kind, what, skip in steps:
        if kind == "paths" and merged and merged[-1][0] == "paths" and merged[-1][2] == skip:
            merged[-1][1].extend(what)
        elif kind == "paths":
            merged.append((kind, list(what), skip))
        else:
            merged.append((kind, what, skip))
    return merged


def _count_files(steps: list[_Step]) -> int:
    return sum(len(w) if k == "paths" else 1 for k, w, _ in steps)


# ---- progress -------------------------------------------------------------------------

class _Progress:
    """A tqdm bar, or nothing (tqdm is optional)."""

    def __init__(self, total: int, progress: Optional[bool], what: str) -> None:
        self.bar: Any = None
        show = progress if progress is not None else total >= PROGRESS_MIN_FILES
        if not show or total == 0:
            return
        try:
            tqdm = importlib.import_module("tqdm.auto").tqdm
        except ImportError:
            if progress:
                warnings.warn("progress=True needs tqdm (pip install tqdm): no progress bar", stacklevel=4)
            return
        # automatic bars appear only for scans that last (a fast one would just flash)
        self.bar = tqdm(total=total, unit="file", desc=what, leave=False, delay=0 if progress else 0.5)

    @property
    def active(self) -> bool:
        return self.bar is not None

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# ---- Arrow ----------------------------------------------------------------------------

class IndexTable:
    """The metadata index as Arrow data (one record batch, built in C).

    Any consumer of the Arrow PyCapsule interface takes it without copying
    the columns: ``polars.DataFrame(t)``, ``pyarrow.table(t)``,
    ``duckdb.sql("select * from t")``, ``pandas.DataFrame.from_arrow(t)``
    (pandas 3; older pandas through ``pyarrow.table(t).to_pandas()``).
    """

    def __init__(self, core: Any) -> None:
        self._core = core

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """A PyCapsule ``arrow_array_stream`` of the index (each call a new stream)."""
        return self._core.__arrow_c_stream__(requested_schema)

    def __len__(self) -> int:
        """Rows (records)."""
        return int(self._core.num_rows)

    @property
    def num_rows(self) -> int:
        """Rows (records)."""
        return int(self._core.num_rows)

    @property
    def nbytes(self) -> int:
        """Bytes of memory held by the columns."""
        return int(self._core.nbytes)

    @property
    def files(self) -> list[str]:
        """Paths of the files that contributed rows (possibly none), in order."""
        return [str(p) for p, _ in self._core.files()]

    @property
    def file_rows(self) -> list[int]:
        """Rows of each of :attr:`files` (the rows of a file follow those of the files before it)."""
        return [int(n) for _, n in self._core.files()]

    @property
    def skipped(self) -> list[tuple[str, str]]:
        """``(path, message)`` of the files skipped with ``errors="warn"/"ignore"``."""
        return [(str(p), str(m)) for p, _, m in self._core.skipped()]

    def to_polars(self) -> "pl.DataFrame":
        """The index as a polars DataFrame (zero copy for numeric columns; the
        short text columns come as string views, which polars takes as they are)."""
        return cast("pl.DataFrame", _polars().DataFrame(_ViewStream(self._core)))

    def __repr__(self) -> str:
        return f"<fst24.IndexTable {self.num_rows} rows from {len(self.files)} files>"


class _ViewStream:
    """The index as an Arrow stream with string views (what polars stores)."""

    def __init__(self, core: Any) -> None:
        self._core = core

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self._core.stream(True)


def _scan(steps: list[_Step], names: Sequence[str], threads: Optional[int], progress: Optional[bool],
          errors: str) -> IndexTable:
    """Run the plan in C and return the index (the single entry to file scanning)."""
    if errors not in ("raise", "warn", "ignore"):
        raise _error(InvalidArgumentError, f"errors must be 'raise', 'warn' or 'ignore', not {errors!r}")
    nthreads = 0 if threads is None else int(threads)
    if nthreads < 0:
        raise _error(InvalidArgumentError, f"threads must be >= 0, not {threads}")
    core = _core.Index(nthreads, _mask(names), errors != "raise")
    bar = _Progress(_count_files(steps), progress, "fst24.index")
    try:
        chunk = max(64, 8 * (nthreads or (os.cpu_count() or 1)))  # few thread start-ups, a live bar
        for kind, what, skip in steps:
            if kind == "file":
                core.add_file(what)
                bar.update(1)
            elif not bar.active:
                core.add_paths(what, skip)
            else:
                for i in range(0, len(what), chunk):
                    core.add_paths(what[i:i + chunk], skip)
                    bar.update(len(what[i:i + chunk]))
    finally:
        bar.close()
    table = IndexTable(core)
    if errors == "warn":
        for _path, message in table.skipped:
            warnings.warn(f"fst24.index skipped a file: {message}", stacklevel=3)
    return table


def index_arrow(source: Source, columns: Optional[Sequence[str]] = None, decode: bool = True,
                threads: Optional[int] = None, progress: Optional[bool] = None, *,
                recursive: bool = False, ext_meta: bool = False, errors: str = "raise") -> IndexTable:
    """The metadata index as an Arrow object (``__arrow_c_stream__``).

    Arguments as :func:`index` (no cache, no cluster). Columns come in the
    index's order.
    """
    names = _column_names(columns, decode, ext_meta)
    return _scan(_plan(source, recursive), names, threads, progress, errors)


# ---- the DataFrame -------------------------------------------------------------------------

def index(source: Source, columns: Optional[Sequence[str]] = None, decode: bool = True,
          threads: Optional[int] = None, progress: Optional[bool] = None,
          cache: Union[str, "os.PathLike[str]", None] = None, *, recursive: bool = False,
          ext_meta: bool = False, errors: str = "raise", client: Any = None) -> "pl.DataFrame":
    """Every record of ``source`` as a :class:`polars.DataFrame`, one row per record.

    ``source``: a path, a glob (``"run/*.fst"``), a directory (its files;
    ``recursive=True`` walks sub-directories), a list of those, an open
    :class:`~fst24.File` or a :class:`~fst24.FileSet`. Files found by a glob or
    in a directory that are not FST files are skipped; an explicit path must
    be one. Rows: the valid records of each file in directory order, files in
    the given (glob/directory: sorted) order.

    ``columns``: names to keep (default: the header columns, plus the decoded
    ones with ``decode=True``; ``ext_meta=True`` adds the RSF extended
    metadata as JSON text). ``threads``: files scanned in parallel (None: one
    per core). ``progress``: a tqdm bar (None: when 200 files or more).
    ``cache``: a directory keeping one Parquet index per file, keyed by its
    path, size and modification time, so that indexing again costs a ``stat``
    per file. ``errors``: "raise" (the default: the first unreadable file
    fails the call, naming it), "warn" or "ignore" (skip it). ``client``: a
    dask.distributed Client; batches of files are then indexed on its workers.

    The columns are described, with their types, in docs/index.md.
    """
    names = _column_names(columns, decode, ext_meta)
    if client is not None:
        from ._index_dist import index_distributed
        return cast("pl.DataFrame",
                    index_distributed(client, source, names, threads, progress, cache, recursive, ext_meta, errors))
    if cache is not None:
        from ._index_cache import index_cached
        return cast("pl.DataFrame",
                    index_cached(_plan(source, recursive), names, threads, progress, cache, ext_meta, errors))
    df = _scan(_plan(source, recursive), names, threads, progress, errors).to_polars()
    return df.select(names) if columns is not None else df


def read_metadata(path: Source, **options: Any) -> "pl.DataFrame":
    """The metadata of a file (or of any :func:`index` source) as a DataFrame:
    :func:`index` under the name fstpy users know."""
    return index(path, **options)


# ---- from rows back to data ---------------------------------------------------------------

def _rows(rows: Any) -> tuple[list[str], npt.NDArray[np.int64], Optional[npt.NDArray[np.int64]]]:
    """(paths, keys, file offsets or None) of the rows of a DataFrame or of row mappings."""
    if isinstance(rows, Mapping):
        rows = [rows]
    cols = getattr(rows, "columns", None)
    if cols is not None:
        names = list(cols)
        if "path" not in names or "key" not in names:
            raise _error(InvalidArgumentError, "read() needs the 'path' and 'key' columns of the index")
        mod = type(rows).__module__.split(".")[0]
        if mod == "polars":
            paths = [str(p) for p in rows.get_column("path").cast(_polars().String).to_list()]
            keys = rows.get_column("key").to_numpy()
            offs = rows.get_column("file_offset").to_numpy() if "file_offset" in names else None
        else:  # pandas and look-alikes
            paths = [str(p) for p in rows["path"].tolist()]
            keys = np.asarray(rows["key"])
            offs = np.asarray(rows["file_offset"]) if "file_offset" in names else None
    else:
        items = list(rows)
        for r in items:
            if not isinstance(r, Mapping) or "path" not in r or "key" not in r:
                raise _error(InvalidArgumentError, "read() takes a DataFrame of index rows or mappings with 'path' and 'key'")
        paths = [str(r["path"]) for r in items]
        keys = np.array([int(r["key"]) for r in items], dtype=np.int64)
        offs = (np.array([int(r["file_offset"]) for r in items], dtype=np.int64)
                if items and all("file_offset" in r for r in items) else None)
    keys = np.ascontiguousarray(keys, dtype=np.int64)
    if offs is not None:
        offs = np.ascontiguousarray(offs, dtype=np.int64)
    return paths, keys, offs


def read(rows: Any, threads: Optional[int] = None, stack: bool = False) -> Any:
    """The data of index rows (a filtered :func:`index` DataFrame, polars or
    pandas, or mappings with ``path`` and ``key``), in row order.

    Files are opened once each; every record is decoded in C by ``threads``
    threads (None: one per core) with the GIL released. Returns a list of
    arrays, one per row, as ``Record.data``; with ``stack=True`` one array of
    shape (ni, nj, N), or (ni, nj, nk, N) when nk > 1 (Fortran order, each
    record contiguous), which needs every row to have the same shape and type.
    A row whose record is gone or moved (the file changed since it was
    indexed) raises :class:`RecordNotFoundError`.
    """
    from .file import File
    from .record import Record
    paths, keys, offs = _rows(rows)
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(paths):
        groups.setdefault(p, []).append(i)
    files: list[File] = []
    recs: list[Optional[Record]] = [None] * len(paths)
    try:
        for path, rows_of_file in groups.items():
            f = File(path, "r")
            files.append(f)
            idx = np.asarray(rows_of_file, dtype=np.intp)
            found = _core.records_by_key(f, np.ascontiguousarray(keys[idx]))
            for i, rec in zip(rows_of_file, found):
                if offs is not None and rec.file_offset != offs[i]:
                    raise _error(RecordNotFoundError,
                                 f"{path}: record key {int(keys[i])} is now at offset {rec.file_offset}, "
                                 f"the index says {int(offs[i])}: the file changed since it was indexed")
                recs[i] = rec
        records = [r for r in recs if r is not None]
        if not files:
            return np.empty((0, 0, 0)) if stack else []
        if not stack:
            return files[0].read(records, threads=threads)
        specs = {(r._array_spec()[0], r._array_spec()[1]) for r in records}
        if len(specs) != 1:
            raise _error(InvalidArgumentError,
                         f"stack=True needs rows of one shape and type; these have {len(specs)}: "
                         + ", ".join(f"{s} {d}" for d, s in sorted(specs, key=str)))
        dtype, shape = specs.pop()
        if len(shape) != 3:
            raise _error(InvalidArgumentError, f"stack=True cannot stack records read as {shape} arrays")
        dims = shape if shape[2] > 1 else shape[:2]
        out = np.empty(tuple(dims) + (len(records),), dtype=dtype, order="F")
        return files[0].read(records, threads=threads, out=out)
    finally:
        for f in files:
            f.close()
