"""Exceptions raised by fst24.

Every error derives from :class:`Error`. Where a built-in exception has the
same meaning, the fst24 class derives from it too, so ``except
FileNotFoundError`` or ``except ValueError`` keep working.
"""
from __future__ import annotations

import builtins

from . import _core

__all__ = [
    "Error", "FileNotFoundError", "PermissionError", "ReadOnlyError", "FileLockedError",
    "FileIOError", "NotFSTError", "CorruptFileError", "UnsupportedError",
    "InvalidArgumentError", "RecordNotFoundError", "DecodeError", "OutOfMemoryError",
    "MemoryLimitError", "ClosedFileError", "FormatLimitError", "CastingError",
    "FST24Warning", "ExtMetaWarning", "DamagedFileWarning",
]


class Error(Exception):
    """Base class of every fst24 error.

    ``status`` is the libfst24 status code (a negative ``FST24_E_*`` value)
    when the error comes from the C library, else 0.
    """

    status: int = 0


class FileNotFoundError(Error, builtins.FileNotFoundError):
    """The file does not exist (FST24_E_NOT_FOUND)."""


class PermissionError(Error, builtins.PermissionError):
    """Access to the file is denied (FST24_E_PERMISSION)."""


class ReadOnlyError(PermissionError):
    """A write was attempted on a file opened read-only (FST24_E_READONLY)."""


class FileLockedError(PermissionError):
    """Another writer holds the file (FST24_E_LOCKED)."""


class FileIOError(Error, builtins.OSError):
    """A read, write or seek failed (FST24_E_IO)."""


class NotFSTError(Error):
    """The file is not an FST file, or is empty (FST24_E_NOT_FST)."""


class CorruptFileError(Error):
    """The file structure is damaged or truncated (FST24_E_CORRUPT)."""


class UnsupportedError(Error):
    """Valid but not supported by this version (FST24_E_UNSUPPORTED)."""


class FST24Warning(Error, UserWarning):
    """Base class of the warnings fst24 emits (``warnings.warn``). Also an
    :class:`Error`, so that with warnings turned into errors ``except
    fst24.Error`` catches them."""


class DamagedFileWarning(FST24Warning):
    """Issued (with :mod:`warnings`) when a file opens only by leaving part of
    it out: it is damaged, or its writer crashed. ``File.info()["warning"]``
    says what is not shown; ``fst24.repair`` copies what can be recovered.

    It derives from :class:`Error` too, so that with warnings turned into
    errors (``python -W error``) ``except fst24.Error`` still catches it.
    """


class InvalidArgumentError(Error, builtins.ValueError):
    """A bad argument or record field (FST24_E_INVALID)."""


class RecordNotFoundError(Error, builtins.LookupError):
    """No record matches, or a key is unknown (FST24_E_NO_RECORD)."""


class DecodeError(Error):
    """A record's payload cannot be decoded (FST24_E_DECODE)."""


class OutOfMemoryError(Error, builtins.MemoryError):
    """An allocation failed (FST24_E_NOMEM)."""


class MemoryLimitError(Error, builtins.MemoryError):
    """The operation would allocate past :func:`fst24.set_memory_limit`."""


class ClosedFileError(Error, builtins.ValueError):
    """Use of a closed file (FST24_E_CLOSED)."""


class FormatLimitError(Error, builtins.ValueError):
    """A limit of the file format would be exceeded (FST24_E_LIMIT)."""


class CastingError(InvalidArgumentError, builtins.TypeError):
    """Decoded data cannot go into the ``out=`` array under the requested
    ``casting`` rule (numpy's vocabulary), e.g. float data into an int array.
    Also a ``TypeError``, as numpy's own casting errors are."""


class ExtMetaWarning(FST24Warning):
    """Extended metadata was given for a file that cannot store it (XDF) and
    was not written."""


#: libfst24 status code -> exception class
STATUS_ERRORS: dict[int, type[Error]] = {
    _core.E_IO: FileIOError,
    _core.E_NOT_FOUND: FileNotFoundError,
    _core.E_PERMISSION: PermissionError,
    _core.E_NOT_FST: NotFSTError,
    _core.E_CORRUPT: CorruptFileError,
    _core.E_UNSUPPORTED: UnsupportedError,
    _core.E_INVALID: InvalidArgumentError,
    _core.E_NO_RECORD: RecordNotFoundError,
    _core.E_DECODE: DecodeError,
    _core.E_NOMEM: OutOfMemoryError,
    _core.E_READONLY: ReadOnlyError,
    _core.E_CLOSED: ClosedFileError,
    _core.E_MEMORY_LIMIT: MemoryLimitError,
    _core.E_LOCKED: FileLockedError,
    _core.E_LIMIT: FormatLimitError,
}


def _error(cls: type[Error], message: str) -> Error:
    """An instance of ``cls`` with its status code set."""
    exc = cls(message)
    for code, c in STATUS_ERRORS.items():
        if c is cls:
            exc.status = code
            break
    return exc
