"""TEMPORARY stand-in for ``fst24.index`` (issue 9) until the C metadata index
is merged: builds the same columns from the Record API, one file at a time.

Only the data model (``fst24.dataset``) uses it, and only when
``fst24.index`` does not exist. Delete this module once ``fst24.index`` is on
main.
"""
from __future__ import annotations

import os
from typing import Any, Sequence

import numpy as np

from . import file as _file
from .dates import stamp_to_datetime
from .levels import decode_ip, kind_info

# librmn's list of descriptor names (records that describe grids or levels).
_DESCRIPTORS = {">>", "^^", "^>", "!!", "##", "#>>#", "#^^#", "####", "HY", "PROJ", "MTRX"}
_POSITIONAL_GRIDS = set("ZY#UXOM")
_INT_FIELDS = ("ip1", "ip2", "ip3", "ni", "nj", "nk", "dateo", "datev", "deet", "npas", "data_type",
               "data_bits", "pack_bits", "ig1", "ig2", "ig3", "ig4")


def index_frame(paths: Sequence[str]) -> Any:
    """A Polars DataFrame with the issue-9 columns the data model uses."""
    import polars as pl

    cols: dict[str, list[Any]] = {name: [] for name in
                                  ("path", "key", "file_offset", "total_stored_bytes", "nomvar", "typvar",
                                   "etiket", "grtyp") + _INT_FIELDS}
    for path in paths:
        p = os.fspath(path)
        with _file.File(p) as f:
            for r in f:
                cols["path"].append(p)
                cols["key"].append(r.key)
                cols["file_offset"].append(r.file_offset)
                cols["total_stored_bytes"].append(r.total_stored_bytes)
                cols["nomvar"].append(r.nomvar.strip())
                cols["typvar"].append(r.typvar.strip())
                cols["etiket"].append(r.etiket.strip())
                cols["grtyp"].append(r.grtyp.strip())
                for name in _INT_FIELDS:
                    cols[name].append(getattr(r, name))
    ints = {name: np.asarray(cols[name], dtype=np.int32) for name in _INT_FIELDS}
    values, kinds = decode_ip(ints["ip1"])
    is_level = np.array([kind_info(int(k))[3] if k >= 0 else False for k in kinds], dtype=bool)
    level = np.where(is_level, values.astype(np.float64), np.nan)
    v2, k2 = decode_ip(ints["ip2"])
    v3, k3 = decode_ip(ints["ip3"])
    nomvar = np.asarray(cols["nomvar"], dtype=object)
    grtyp = cols["grtyp"]
    grid_keys: dict[tuple[Any, ...], int] = {}
    grid_id = np.empty(len(nomvar), np.int64)
    for i in range(len(nomvar)):
        g = grtyp[i]
        k = (cols["path"][i] if g in _POSITIONAL_GRIDS else "", g, cols["ni"][i], cols["nj"][i],
             cols["ig1"][i], cols["ig2"][i], cols["ig3"][i], cols["ig4"][i])
        grid_id[i] = grid_keys.setdefault(k, len(grid_keys))
    is_desc = np.array([n in _DESCRIPTORS for n in nomvar], dtype=bool)
    dtype_ = ints["data_type"]
    frame = pl.DataFrame({
        "path": pl.Series(cols["path"], dtype=pl.Categorical),
        "key": np.asarray(cols["key"], np.int64),
        "file_offset": np.asarray(cols["file_offset"], np.int64),
        "total_stored_bytes": np.asarray(cols["total_stored_bytes"], np.int64),
        "nomvar": cols["nomvar"], "typvar": cols["typvar"], "etiket": cols["etiket"], "grtyp": grtyp,
        **{name: ints[name] for name in _INT_FIELDS},
        "level": pl.Series(level).fill_nan(None),
        "level_kind": kinds.astype(np.int8),
        "level_unit": [kind_info(int(k))[1] if k >= 0 else None for k in kinds],
        "ip2_value": v2.astype(np.float64), "ip2_kind": k2.astype(np.int8),
        "ip3_value": v3.astype(np.float64), "ip3_kind": k3.astype(np.int8),
        "dateo_time": stamp_to_datetime(ints["dateo"]).astype("datetime64[us]"),
        "datev_time": stamp_to_datetime(ints["datev"]).astype("datetime64[us]"),
        "forecast_period": (ints["deet"].astype(np.int64) * ints["npas"]).astype("timedelta64[s]").astype(
            "timedelta64[us]"),
        "compressed": (dtype_ & 128) != 0,
        "has_missing": (dtype_ & 64) != 0,
        "grid_id": grid_id,
        "is_descriptor": is_desc,
        "vcode": pl.Series([int(ig1) if n == "!!" else None for n, ig1 in zip(nomvar, ints["ig1"])],
                           dtype=pl.Int32),
    })
    return frame
