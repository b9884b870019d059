"""Property-based round trips (hypothesis): any supported array survives write -> read."""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import fst24

DTYPES = st.sampled_from(["float32", "float64", "int8", "int16", "int32", "uint8", "uint16", "uint32",
                          "complex64", "complex128"])
SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=9)


@st.composite
def arrays(draw: st.DrawFn) -> np.ndarray:
    dtype = np.dtype(draw(DTYPES))
    shape = draw(SHAPES)
    if dtype.kind in "fc":
        part = np.dtype(f"f{dtype.itemsize // 2}") if dtype.kind == "c" else dtype
        floats = st.floats(allow_nan=False, allow_infinity=False, width=part.itemsize * 8)
        re = draw(hnp.arrays(part, shape, elements=floats))
        arr = re
        if dtype.kind == "c":  # components set exactly (no arithmetic)
            im = draw(hnp.arrays(part, shape, elements=floats))
            arr = np.empty(shape, dtype)
            arr.real, arr.imag = re, im
    else:
        arr = draw(hnp.arrays(dtype, shape))
    if draw(st.booleans()):
        arr = np.asfortranarray(arr)
    return arr


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arr=arrays(), backend=st.sampled_from(["xdf", "rsf"]),
       nomvar=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=4),
       ip1=st.integers(0, 0xFFFFFFF), ig2=st.integers(0, 0xFFFFFF))
def test_write_read_round_trip(arr: np.ndarray, backend: str, nomvar: str, ip1: int, ig2: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "p.fst"
        with fst24.open(path, "w", backend=backend) as f:
            f.write(fst24.Record(data=arr, nomvar=nomvar, ip1=ip1, ig2=ig2))
        with fst24.open(path) as f:
            (rec,) = list(f)
            full = arr.shape + (1,) * (3 - arr.ndim)
            assert (rec.nomvar, rec.ip1, rec.ig2) == (nomvar, ip1, ig2)
            assert rec.data.shape == full and rec.data.dtype == arr.dtype
            np.testing.assert_array_equal(rec.data, arr.reshape(full))
