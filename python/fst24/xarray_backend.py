"""xarray integration: the ``fst24`` backend engine and the ``ds.fst24`` accessor.

A thin shim over :mod:`fst24.dataset` (which knows nothing about xarray)::

    ds = xr.open_dataset("2024011500_006", engine="fst24")     # lazy
    ds = xr.open_mfdataset(paths, engine="fst24")              # dask, along time
    ds.fst24.to_fst("copy.fst")                                # write back

Registered as the ``fst24`` entry point of ``xarray.backends`` (pyproject),
so xarray finds it and also recognises FST files by content
(``guess_can_open``: FST files often have no extension).
"""
from __future__ import annotations

import os
from typing import Any, Hashable, Iterable, Optional

import numpy as np
import xarray as xr
from xarray.backends import BackendArray, BackendEntrypoint
from xarray.core import indexing

from . import dataset as _model

__all__ = ["FstBackendEntrypoint", "FstBackendArray", "to_xarray", "FstAccessor"]

_OPEN_OPTIONS = ("vars", "forecast_axis", "ensembles", "ignore_etiket", "ignore_typvar", "mask_missing",
                 "apply_masks", "unknown_grids", "threads", "latlon_dtype")


class FstBackendArray(BackendArray):
    """A lazy FST array (records of a variable, or computed lat/lon) for xarray:
    each indexing operation reads exactly the records it touches."""

    def __init__(self, array: Any) -> None:
        """Wrap a :class:`fst24.dataset.RecordArray` or :class:`~fst24.dataset.LatLonArray`."""
        self.array = array
        self.shape = tuple(array.shape)
        self.dtype = np.dtype(array.dtype)

    def __getitem__(self, key: Any) -> Any:
        return indexing.explicit_indexing_adapter(key, self.shape, indexing.IndexingSupport.OUTER,
                                                  self.array.__getitem__)


# times in nanoseconds come out of xarray's conversion (through pandas) as they went in
_NS_TIMES = (np.dtype("datetime64[ns]"), np.dtype("timedelta64[ns]"))


def _xr_variable(v: _model.Variable) -> xr.Variable:
    data = v.data
    if isinstance(data, (_model.RecordArray, _model.LatLonArray)):
        data = indexing.LazilyIndexedArray(FstBackendArray(data))
        fast = True
    else:
        # plain numeric and text arrays, and nanosecond times, need none of xarray's
        # conversions (times in other units do: pandas may change their unit)
        fast = isinstance(data, np.ndarray) and (data.dtype.kind in "biufcSU" or data.dtype in _NS_TIMES)
    # xr.Variable copies attrs and encoding itself
    return xr.Variable(v.dims, data, v.attrs, v.encoding, fastpath=fast)


def model_to_dataset(model: _model.DatasetModel) -> xr.Dataset:
    """An xarray Dataset of a Dataset model (no data is read)."""
    variables = {name: _xr_variable(v) for name, v in model.variables.items()}
    try:
        ds = _assemble_direct(model, variables)
    except Exception:   # an xarray whose internals differ: the public constructor
        ds = _assemble(model, variables)
    ds.encoding["source"] = model.paths[0] if len(model.paths) == 1 else list(model.paths)
    return ds


def _assemble(model: _model.DatasetModel, variables: dict[str, xr.Variable]) -> xr.Dataset:
    """The Dataset through xarray's public constructor (which merges and aligns)."""
    data_vars = {n: v for n, v in variables.items() if n not in model.coord_names}
    coords = {n: v for n, v in variables.items() if n in model.coord_names}
    return xr.Dataset(data_vars, coords=coords, attrs=dict(model.attrs))


def _assemble_direct(model: _model.DatasetModel, variables: dict[str, xr.Variable]) -> xr.Dataset:
    """The same Dataset as :func:`_assemble`, built directly: the model's variables
    are consistent by construction (one size per dimension, no alignment), so the
    merge of the public constructor -- half the cost of an open -- is skipped.
    Dimension coordinates get their default pandas indexes, as there."""
    out: dict[Hashable, xr.Variable] = {}
    dims: dict[Hashable, int] = {}
    indexes: dict[Hashable, Any] = {}
    for name, xv in variables.items():
        if name in model.coord_names and xv.dims == (name,):
            index = _dim_index(name, xv)
            indexes[name] = index
            xv = index.create_variables({name: xv})[name]
        for d, n in zip(xv.dims, xv.shape):
            if dims.setdefault(d, n) != n:
                raise ValueError(f"dimension {d} has sizes {dims[d]} and {n}")
        out[name] = xv
    ds: xr.Dataset = xr.Dataset._construct_direct(out, set(model.coord_names), dims, dict(model.attrs), indexes,
                                                  None)
    return ds


def _dim_index(name: str, xv: xr.Variable) -> Any:
    """The default pandas index of a dimension coordinate, as xarray makes it
    (``PandasIndex.from_variables``); numeric and time arrays go straight to
    ``pandas.Index`` (what xarray does for them), skipping its checks and copies."""
    from xarray.core.indexes import PandasIndex
    data = xv._data
    if type(data) is np.ndarray and data.dtype.kind in "iufMm" and data.dtype != np.float16:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]
        return PandasIndex(pd.Index(data, name=name), name, coord_dtype=xv.dtype, fastpath=True)
    return PandasIndex.from_variables({name: xv}, options={})


def to_xarray(source: Any, *, chunks: Any = None, **options: Any) -> xr.Dataset:
    """An xarray Dataset of FST files (see :func:`fst24.to_xarray`)."""
    model = _model.build(source, **options)
    ds = model_to_dataset(model)
    if chunks is not None:
        ds = ds.chunk(_chunk_spec(ds, chunks))
    return ds


def _chunk_spec(ds: xr.Dataset, chunks: Any) -> Any:
    if chunks == {}:
        spec: dict[str, int] = {}
        for v in ds.variables.values():
            spec.update(v.encoding.get("preferred_chunks", {}))
        return spec
    return chunks


class FstBackendEntrypoint(BackendEntrypoint):
    """``xr.open_dataset(path, engine="fst24", ...)``: options as :func:`fst24.to_xarray`."""

    description = "RPN Standard Files (FST: XDF and RSF) through fst24, without librmn"
    url = "https://github.com/fst24/fst24"
    open_dataset_parameters = ("filename_or_obj", "drop_variables") + _OPEN_OPTIONS

    def open_dataset(self, filename_or_obj: Any, *, drop_variables: Optional[Iterable[str]] = None,
                     vars: Optional[Iterable[str]] = None, forecast_axis: bool = False, ensembles: bool = False,
                     ignore_etiket: bool = False, ignore_typvar: bool = False, mask_missing: bool = True,
                     apply_masks: bool = True, unknown_grids: str = "index",
                     threads: Optional[int] = None, latlon_dtype: Any = "float32") -> xr.Dataset:
        """Open FST file(s) lazily: headers and coordinate records only."""
        model = _model.build(filename_or_obj, vars=vars, drop_variables=drop_variables,
                             forecast_axis=forecast_axis, ensembles=ensembles, ignore_etiket=ignore_etiket,
                             ignore_typvar=ignore_typvar, mask_missing=mask_missing, apply_masks=apply_masks,
                             unknown_grids=unknown_grids, threads=threads, latlon_dtype=latlon_dtype)
        return model_to_dataset(model)

    def guess_can_open(self, filename_or_obj: Any) -> bool:
        """True for paths whose content is an FST file (by the C detector)."""
        try:
            path = os.fspath(filename_or_obj)
        except TypeError:
            return False
        if not isinstance(path, str) or not os.path.isfile(path):
            return False
        from .file import detect
        return detect(path) in ("xdf", "rsf", "xdf_seq")


@xr.register_dataset_accessor("fst24")  # type: ignore[no-untyped-call]
class FstAccessor:
    """``ds.fst24``: FST-specific operations on a Dataset."""

    def __init__(self, ds: xr.Dataset) -> None:
        """Attach to ``ds``."""
        self._ds = ds

    def to_fst(self, path: Any, **options: Any) -> int:
        """Write the Dataset to an FST file (see :func:`fst24.from_xarray`);
        returns the number of records written."""
        from .writer import from_xarray
        return from_xarray(self._ds, path, **options)
