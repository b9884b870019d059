"""Memory accounting for arrays that fst24 allocates (memory limit, mmap threshold).

The limit covers what the Python layer allocates for decoded data (the
arrays returned by ``Record.data`` and ``File.read``) plus a transient
allowance for the stored payload the C decoder reads; memory maps and
arrays supplied by the caller (``out=``) are not counted.
"""
from __future__ import annotations

import threading
import weakref
from typing import Any, Callable, Optional, Union

from .errors import InvalidArgumentError, MemoryLimitError, _error

_lock = threading.Lock()
_limit: Optional[int] = None
_usage = 0
_mmap_threshold = 1 << 30


def set_memory_limit(nbytes: Optional[int]) -> None:
    """Limit the memory fst24 may hold for decoded data to ``nbytes``.

    ``None`` (the default) or 0 removes the limit. An operation that would
    allocate past the limit raises :class:`fst24.MemoryLimitError` before
    allocating anything.
    """
    global _limit
    if nbytes is not None and (not isinstance(nbytes, int) or nbytes < 0):
        raise _error(InvalidArgumentError, f"memory limit must be a non-negative int or None, not {nbytes!r}")
    with _lock:
        _limit = nbytes or None


def get_memory_limit() -> Optional[int]:
    """The current memory limit in bytes (None: unlimited)."""
    return _limit


def memory_usage() -> int:
    """Bytes of decoded data currently held in arrays allocated by fst24."""
    return _usage


def reserve(nbytes: int, what: Union[str, Callable[[], str]]) -> None:
    """Account for ``nbytes`` about to be allocated, or raise MemoryLimitError.

    ``what`` names the allocation in the error message (a callable is called only then,
    so that the common path formats nothing)."""
    global _usage
    with _lock:
        if _limit is not None and _usage + nbytes > _limit:
            name = what() if callable(what) else what
            raise _error(MemoryLimitError,
                         f"{name}: needs {nbytes} bytes, {_usage} in use, limit {_limit}")
        _usage += nbytes


def release(nbytes: int) -> None:
    """Give back bytes accounted by :func:`reserve`."""
    global _usage
    with _lock:
        _usage -= nbytes


# Tracked arrays: a weak reference each (whose callback gives the bytes back), kept here so
# that the callback fires. Lighter than weakref.finalize, which costs about 1.5 us per array:
# as much as reading a small record.
_tracked: dict[int, tuple["weakref.ref[Any]", int]] = {}


def _collected(ref: "weakref.ref[Any]") -> None:
    global _usage
    try:
        with _lock:
            entry = _tracked.pop(id(ref), None)
            if entry is not None:
                _usage -= entry[1]
    except Exception:  # interpreter shutdown: module globals may be gone
        pass


def track(array: Any, nbytes: int) -> None:
    """Release ``nbytes`` (already reserved) when ``array`` is garbage collected."""
    ref = weakref.ref(array, _collected)
    with _lock:
        _tracked[id(ref)] = (ref, nbytes)


def set_mmap_threshold(nbytes: int) -> None:
    """Memory-map files of at least ``nbytes`` bytes opened read-only (default 1 GiB)."""
    global _mmap_threshold
    if not isinstance(nbytes, int) or nbytes < 0:
        raise _error(InvalidArgumentError, f"mmap threshold must be a non-negative int, not {nbytes!r}")
    _mmap_threshold = nbytes


def get_mmap_threshold() -> int:
    """Files of at least this many bytes are memory-mapped when opened read-only."""
    return _mmap_threshold
