"""Small helpers shared by the modules of the package."""
from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt


def _contig(arr: Any, dtype: Any) -> npt.NDArray[Any]:
    """``arr`` as a C-contiguous array of ``dtype``, keeping 0-d arrays 0-d."""
    a = np.asarray(arr, dtype=dtype)
    return a if a.flags.c_contiguous else a.copy(order="C")


def _fspath(path: Any) -> str:
    """``os.fspath(path)`` as str, refusing what no file can be named: a NUL character
    (which the OS calls would reject with a bare ValueError) becomes InvalidArgumentError."""
    from .errors import InvalidArgumentError, _error
    p = os.fspath(path)
    text = p if isinstance(p, str) else os.fsdecode(p)
    if "\0" in text:
        raise _error(InvalidArgumentError, f"file name {text!r} contains a NUL character")
    return text
