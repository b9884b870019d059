"""fst24: read and write RPN Standard Files (FST; XDF and RSF backends).

A thin, fast layer over the C library libfst24::

    import fst24
    with fst24.open("model.fst") as f:
        for rec in f.find(nomvar="TT"):
            print(rec, rec.level, rec.data.mean())

    df = fst24.index("archive/")       # every record of many files: a polars DataFrame
    arrays = fst24.read(df.filter(...)) # the data of selected rows, decoded in parallel

Thread safety: every File may be read (queries, ``Record.data``,
``File.read``) from many threads at once; writes, deletes and flushes of one
file are serialised (they wait for running reads of that file, and reads
wait for them). Different files are independent. File I/O and decoding run
with the GIL released. :func:`enable_thread_safety` exists for compatibility
and does nothing.
"""
from __future__ import annotations

from typing import Any

from . import _core
from ._c_library import get_include, get_library_dir
from ._memory import get_memory_limit, get_mmap_threshold, memory_usage, set_memory_limit, set_mmap_threshold
from .dates import datetime_to_stamp, stamp_to_datetime
from .errors import (
    STATUS_ERRORS,
    CastingError,
    ClosedFileError,
    CorruptFileError,
    DamagedFileWarning,
    DecodeError,
    Error,
    ExtMetaWarning,
    FileIOError,
    FileLockedError,
    FileNotFoundError,
    FormatLimitError,
    FST24Warning,
    InvalidArgumentError,
    MemoryLimitError,
    NotFSTError,
    OutOfMemoryError,
    PermissionError,
    ReadOnlyError,
    RecordNotFoundError,
    UnsupportedError,
)
from .file import File, FileSet, Query, detect, is_fst, open, open_many, repair
from .grid import Grid, grid_latlon, ig_to_xg, xg_to_ig
from .levels import VerticalDescriptor, decode_ip, decode_ip123, encode_ip, format_ip, kind_info
from .metadata import IndexTable, index, index_arrow, read, read_metadata
from .record import HEADER_FIELDS, Record

#: The version of the package: that of the C library it was built with (include/fst24.h).
__version__: str = _core.version()

__all__ = [
    "open", "open_many", "is_fst", "detect", "repair", "File", "FileSet", "Query", "Record", "HEADER_FIELDS",
    "set_memory_limit", "get_memory_limit", "memory_usage", "set_mmap_threshold",
    "get_mmap_threshold", "enable_thread_safety", "missing_values", "library_version",
    "decode_ip", "decode_ip123", "encode_ip", "format_ip", "kind_info", "stamp_to_datetime", "datetime_to_stamp",
    "grid_latlon", "xg_to_ig", "ig_to_xg", "Grid", "VerticalDescriptor",
    "index", "index_arrow", "read_metadata", "read", "IndexTable",
    "Error", "FileNotFoundError", "PermissionError", "ReadOnlyError", "FileLockedError",
    "FileIOError", "NotFSTError", "CorruptFileError", "UnsupportedError", "InvalidArgumentError",
    "RecordNotFoundError", "DecodeError", "OutOfMemoryError", "MemoryLimitError",
    "ClosedFileError", "FormatLimitError", "DamagedFileWarning", "to_xarray", "from_xarray",
    "CastingError", "FST24Warning", "ExtMetaWarning",
    "get_include", "get_library_dir",
]

_core._register(dict(STATUS_ERRORS), Error, Record)


def enable_thread_safety() -> None:
    """Kept for compatibility: fst24 is thread-safe by default (see the module docs)."""


def missing_values() -> dict[str, float]:
    """The sentinels that missing points of +64 records decode to, per element type."""
    return dict(_core.missing_values())


def library_version() -> str:
    """Version of the C library libfst24."""
    return str(_core.version())


def to_xarray(source: Any, **options: Any) -> Any:
    """FST files as a lazy, CF-described ``xarray.Dataset``.

    ``source``: a path, glob, list of paths, directory, ``File`` or
    ``FileSet`` (records of several files are merged). Options:
    ``vars`` (nomvars to keep), ``drop_variables``, ``forecast_axis``,
    ``ensembles``, ``ignore_etiket``, ``ignore_typvar``, ``mask_missing``,
    ``apply_masks``, ``unknown_grids`` ("index", "skip", "raise"),
    ``threads``, ``latlon_dtype`` ("float32", the default, or "float64":
    computed 2-D latitudes and longitudes), ``chunks`` (dask chunks; ``{}``: one record
    per chunk).
    Same as ``xr.open_dataset(path, engine="fst24", ...)``; see docs/xarray.md.
    """
    from .xarray_backend import to_xarray as _to_xarray
    return _to_xarray(source, **options)


def from_xarray(ds: Any, path: Any, **options: Any) -> int:
    """Write an xarray Dataset as FST records (see :func:`fst24.writer.from_xarray`);
    returns the number of records written."""
    from .writer import from_xarray as _from_xarray
    return _from_xarray(ds, path, **options)
