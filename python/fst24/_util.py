"""Small helpers shared by the modules of the package."""
from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


def _contig(arr: Any, dtype: Any) -> npt.NDArray[Any]:
    """``arr`` as a C-contiguous array of ``dtype``, keeping 0-d arrays 0-d."""
    a = np.asarray(arr, dtype=dtype)
    return a if a.flags.c_contiguous else a.copy(order="C")
