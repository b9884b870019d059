"""Write xarray Datasets as FST records (``fst24.from_xarray``, ``ds.fst24.to_fst``).

Works on any object with xarray's Dataset interface (``data_vars``,
``coords``, ``attrs``); xarray itself is not imported. Datasets made by
:func:`fst24.to_xarray` carry, in attributes, what is needed to write the same
records back: the constant header fields of each variable (``nomvar``,
``typvar``, ``etiket``, ``grtyp``, ``ig1``..``ig4``, ``ip2``, ``ip3``,
``deet``, ``datyp``, ``nbits``), the header (``fst24_record``) and values of
the descriptor records behind coordinates (``>>``, ``^^``, ``!!``...), the ip1
codes and kind of each vertical axis (``fst24_ip1``, ``fst24_kind``). These
are plain attributes, so they survive netCDF and Zarr round trips. Other
Datasets are written with what can be inferred: regular latitude-longitude
axes become an L grid, irregular ones a Z grid on L with ``>>``/``^^``,
vertical axes are recognised by their standard name, times become
dateo/deet/npas. See docs/xarray.md (write-back and encoding rules).
"""
from __future__ import annotations

import json
import math
import os
import zlib
from typing import Any, Iterator, Optional

import numpy as np
import numpy.typing as npt

from .dates import datetime_to_stamp
from .errors import InvalidArgumentError, _error
from .file import open as _open
from .grid import Grid, ig_to_xg, xg_to_ig
from .levels import decode_ip, encode_ip
from .record import Record

__all__ = ["from_xarray"]

_LEVEL_KINDS = {"altitude": 0, "atmosphere_sigma_coordinate": 1, "air_pressure": 2, "model_level_number": 3,
                "height": 4, "atmosphere_hybrid_sigma_pressure_coordinate": 5,
                "atmosphere_hybrid_sigma_ln_pressure_coordinate": 5, "air_potential_temperature": 6,
                "depth": 7, "atmosphere_hybrid_height_coordinate": 21, "atmosphere_sleve_coordinate": 21}
_RECORD_DIM_NAMES = ("ensemble", "ip1", "ip2", "ip3", "k")


def _attr(var: Any, name: str, default: Any = None) -> Any:
    enc = getattr(var, "encoding", {}) or {}
    if name in enc:
        return enc[name]
    return var.attrs.get(name, default)


def _scalar(v: Any) -> Any:
    a = np.asarray(v)
    return a.reshape(-1)[0].item() if a.size else None


def _as_datetime64(value: Any) -> Any:
    """datetime64[s] of a time (also cftime objects, which netCDF readers give for
    dates outside the nanosecond range), None for NaT/None."""
    if value is None:
        return None
    if not isinstance(value, (np.datetime64, np.ndarray)) and hasattr(value, "isoformat"):
        value = np.datetime64(value.isoformat(), "s")
    value = np.datetime64(value, "s")
    return None if np.isnat(value) else value


class _Writer:
    def __init__(self, ds: Any, f: Any, opts: dict[str, Any]) -> None:
        self.ds = ds
        self.f = f
        self.opts = opts
        self.written: set[str] = set()   # descriptor records already written
        self.count = 0

    # ---- helpers -------------------------------------------------------------

    def coord(self, name: str) -> Optional[Any]:
        if name in self.ds.variables:
            return self.ds.variables[name]
        return None

    def write(self, rec: Record) -> None:
        self.f.write(rec, rewrite=self.opts["rewrite"])
        self.count += 1

    def descriptor(self, header: dict[str, Any], values: npt.NDArray[Any]) -> None:
        """Write a descriptor record once (same header and values)."""
        arr = np.asarray(values)
        key = json.dumps(header, sort_keys=True) + str(zlib.crc32(np.ascontiguousarray(arr).tobytes()))
        if key in self.written:
            return
        self.written.add(key)
        ni, nj = int(header["ni"]), int(header["nj"])
        datyp = int(header.get("datyp", 5))
        nbits = int(header.get("nbits", 32))
        dtype = np.float64 if nbits > 32 else np.float32
        if arr.size != ni * nj:
            raise _error(InvalidArgumentError, f"descriptor {header['nomvar']!r}: {arr.size} values for a "
                                               f"{ni}x{nj} record")
        data = np.asarray(arr, dtype).reshape((ni, nj, 1), order="F")
        if datyp & 63 == 0:   # raw words (SPI writes positional reals so): keep the IEEE bits
            data = data.view(np.uint64 if nbits > 32 else np.uint32)
        fields = {k: header[k] for k in ("nomvar", "typvar", "etiket", "grtyp", "ip1", "ip2", "ip3", "deet",
                                         "npas", "ig1", "ig2", "ig3", "ig4") if k in header}
        rec = Record(data=data, data_type=datyp, pack_bits=nbits, dateo=int(header.get("dateo", 0)), **fields)
        self.write(rec)

    # ---- dims ----------------------------------------------------------------

    def dim_role(self, dim: str) -> str:
        c = self.coord(dim)
        if dim in _RECORD_DIM_NAMES or dim.rstrip("0123456789") in _RECORD_DIM_NAMES:
            return dim.rstrip("0123456789")
        if c is None:
            return "horizontal"
        if c.dtype.kind == "M" or c.attrs.get("standard_name") in ("time", "forecast_reference_time"):
            return "time"
        if c.dtype.kind == "m":
            return "period"
        a = c.attrs
        if "fst24_kind" in a or a.get("axis") == "Z" or a.get("positive") in ("up", "down") or \
                a.get("standard_name") in _LEVEL_KINDS:
            return "level"
        if a.get("standard_name") == "forecast_period":
            return "period"
        return "horizontal"

    # ---- grids ---------------------------------------------------------------

    def grid_header(self, name: str, var: Any, hdims: list[str]) -> dict[str, Any]:
        """grtyp and ig1..ig4 of a variable, writing its positional records."""
        grtyp = _attr(var, "grtyp")
        if grtyp is not None and all(_attr(var, f"ig{i}") is not None for i in range(1, 5)):
            hdr = {"grtyp": str(grtyp), **{f"ig{i}": int(_attr(var, f"ig{i}")) for i in range(1, 5)}}
            if str(grtyp) in "ZY#UXOM":
                self.positionals(name, var, hdims)
            return hdr
        return self.infer_grid(name, var, hdims)

    def positionals(self, name: str, var: Any, hdims: list[str]) -> None:
        """Write the descriptor records named by ``fst24_record`` on the
        coordinates of the variable's horizontal dimensions."""
        candidates: list[str] = list(hdims)
        for cname in self.ds.coords:
            c = self.ds.coords[cname]
            if c.ndim >= 1 and set(c.dims) <= set(hdims) and cname not in candidates:
                candidates.append(cname)
        for cname in candidates:
            c = self.coord(cname)
            if c is None or "fst24_record" not in c.attrs:
                continue
            header = json.loads(c.attrs["fst24_record"])
            nom = header["nomvar"]
            if "fst24_table" in c.attrs:
                values = np.asarray(c.attrs["fst24_table"], np.float64)
            elif nom in (">>", "^^") and c.dims == (cname,):   # 1-D axis of a separable grid
                values = self.axis_values(c, header)
            elif nom in (">>", "^^"):
                # lat/lon of a cloud of points (Y): stored (nj, ni) or (station,) -> Fortran (ni, nj)
                values = np.asarray(c.values, np.float64).T.reshape(-1, order="F")
            else:
                continue
            self.descriptor(header, values)

    def axis_values(self, c: Any, header: dict[str, Any]) -> npt.NDArray[Any]:
        """Positional values of a 1-D axis (the inverse of the grid API's axes)."""
        v = np.asarray(c.values, np.float64)
        ref = header["grtyp"]
        ig = (int(header["ig1"]), int(header["ig2"]), int(header["ig3"]), int(header["ig4"]))
        if ref == "E" and c.attrs.get("standard_name") == "grid_longitude":
            info = Grid.from_header("E", max(len(v), 2), 2, ig).info
            ax = v + float(info["north_pole_grid_longitude"])
            if ax.min() < 0.0:
                ax = ax + 360.0
            elif ax.max() > 360.0 + 1e-9:
                ax = ax - 360.0
            return ax
        if ref in "NS" and c.attrs.get("standard_name", "").startswith("projection_"):
            d60 = ig_to_xg(ref, ig)[2]
            return v / d60 + 1.0
        if ref == "L":   # lat = lat0 + dlat * ay, lon = lon0 + dlon * ax
            lat0, lon0, dlat, dlon = ig_to_xg("L", ig)
            return (v - lat0) / dlat if header["nomvar"] == "^^" else (v - lon0) / dlon
        return v

    def infer_grid(self, name: str, var: Any, hdims: list[str]) -> dict[str, Any]:
        if len(hdims) != 2:
            raise _error(InvalidArgumentError, f"variable {name!r}: cannot write dimensions {tuple(var.dims)} "
                                               "as a grid (no grtyp/ig attributes and no 2-D lat/lon axes)")
        ydim, xdim = hdims
        yc, xc = self.coord(ydim), self.coord(xdim)
        if yc is None or xc is None or yc.ndim != 1 or xc.ndim != 1:
            raise _error(InvalidArgumentError, f"variable {name!r}: dimensions {ydim!r}, {xdim!r} have no 1-D "
                                               "coordinates; set grtyp and ig1..ig4 attributes to write it")
        ysn, xsn = yc.attrs.get("standard_name", ydim), xc.attrs.get("standard_name", xdim)
        if not (str(ysn).startswith("lat") and str(xsn).startswith("lon")):
            raise _error(InvalidArgumentError,
                         f"variable {name!r}: only latitude/longitude axes can be written without fst24 "
                         f"attributes (found {ysn!r}, {xsn!r}); rotated and polar-stereographic grids need "
                         "the grtyp/ig attributes of a Dataset read from FST")
        lat = np.asarray(yc.values, np.float64)
        lon = np.asarray(xc.values, np.float64)
        ni, nj = len(lon), len(lat)
        if ni > 1 and nj > 1:
            dlat, dlon = np.diff(lat), np.diff(lon)
            if np.allclose(dlat, dlat[0], rtol=0, atol=1e-6) and np.allclose(dlon, dlon[0], rtol=0, atol=1e-6) \
                    and dlat[0] > 0 and dlon[0] > 0:
                ig = xg_to_ig("L", (lat[0], lon[0], dlat[0], dlon[0]))
                g = Grid.from_header("L", ni, nj, ig)
                x, y = g.axes()
                if np.allclose(x, lon, atol=1e-4) and np.allclose(y, lat, atol=1e-4):
                    return {"grtyp": "L", "ig1": ig[0], "ig2": ig[1], "ig3": ig[2], "ig4": ig[3]}
        # irregular (or not representable as L): Z grid on an L reference in degrees
        ref_ig = xg_to_ig("L", (0.0, 0.0, 1.0, 1.0))
        tags = (32768 + (zlib.crc32(lon.tobytes()) & 0x7FFF), 32768 + (zlib.crc32(lat.tobytes()) & 0x7FFF), 0)
        base = {"typvar": "X", "etiket": str(_attr(var, "etiket", "") or ""), "grtyp": "L", "ip1": tags[0],
                "ip2": tags[1], "ip3": tags[2], "nk": 1, "dateo": 0, "deet": 0, "npas": 0,
                "ig1": ref_ig[0], "ig2": ref_ig[1], "ig3": ref_ig[2], "ig4": ref_ig[3], "datyp": 5, "nbits": 32}
        self.descriptor(dict(base, nomvar=">>", ni=ni, nj=1), lon)
        self.descriptor(dict(base, nomvar="^^", ni=1, nj=nj), lat)
        return {"grtyp": "Z", "ig1": tags[0], "ig2": tags[1], "ig3": tags[2], "ig4": 0}

    # ---- levels --------------------------------------------------------------

    def level_codes(self, dim: str) -> tuple[npt.NDArray[np.int32], Optional[int]]:
        c = self.coord(dim)
        assert c is not None
        values = np.asarray(c.values, np.float32)
        kind = c.attrs.get("fst24_kind")
        if kind is None:
            sn = c.attrs.get("standard_name", "")
            kind = _LEVEL_KINDS.get(sn)
            if kind is None:
                units = str(c.attrs.get("units", ""))
                kind = 2 if units in ("hPa", "mb", "millibar") else None
            if kind is None:
                raise _error(InvalidArgumentError, f"vertical axis {dim!r}: unknown level type; set its "
                                                   "fst24_kind attribute (2 pressure, 4 height, 5 hybrid...)")
        kind = int(kind)
        codes = encode_ip(values, kind)
        known = c.attrs.get("fst24_ip1")
        if known is not None:
            known = np.asarray(known, np.int32).reshape(-1)
            kv, kk = decode_ip(known)
            for i, v in enumerate(values):
                hit = np.flatnonzero((kv == v) & (kk == kind))
                if hit.size:
                    codes[i] = known[hit[0]]
        if (codes < 0).any():
            bad = values[codes < 0][0]
            raise _error(InvalidArgumentError, f"vertical axis {dim!r}: level {bad} cannot be encoded as kind {kind}")
        # the descriptor record of the axis ("!!", HY)
        if "fst24_record" in c.attrs and "fst24_table" in c.attrs:
            self.descriptor(json.loads(c.attrs["fst24_record"]), np.asarray(c.attrs["fst24_table"], np.float64))
        return codes.astype(np.int32), kind

    # ---- times ---------------------------------------------------------------

    def reference_and_period(self, var: Any, sel: dict[str, int], roles: dict[str, str]) -> tuple[Any, Any]:
        """(dateo as datetime64 or None, forecast period as timedelta64[s]) of
        the record at positions ``sel`` of the variable's outer dimensions."""
        valid = ref = per = None
        for dim, i in sel.items():
            role = roles[dim]
            if role not in ("time", "period"):
                continue
            coord = self.coord(dim)
            assert coord is not None
            value = coord.values[i]
            if role == "period":
                per = self.as_period(coord, value)
            elif coord.attrs.get("standard_name") == "forecast_reference_time":
                ref = value
            else:
                valid = value
        # auxiliary coordinates (forecast_reference_time, forecast_period, time) along the record dims;
        # scalar ones only for variables with a time dimension
        has_time = any(roles[d] in ("time", "period") for d in sel)
        for cname in self.ds.coords:
            c = self.ds.coords[cname]
            sn = c.attrs.get("standard_name")
            if sn not in ("forecast_reference_time", "forecast_period", "time") or cname in sel:
                continue
            if not set(c.dims) <= set(sel) or (c.ndim == 0 and not has_time):
                continue
            val = c.values[tuple(sel[d] for d in c.dims)] if c.ndim else c.values[()]
            if sn == "forecast_reference_time" and ref is None:
                ref = val
            elif sn == "forecast_period" and per is None:
                per = self.as_period(c, val)
            elif sn == "time" and valid is None:
                valid = val
        ref, valid = _as_datetime64(ref), _as_datetime64(valid)
        if per is not None and np.isnat(per):
            per = None
        if ref is None and valid is not None:
            ref = valid - per if per is not None else valid
        if per is None:
            per = (np.datetime64(valid, "s") - np.datetime64(ref, "s")) if valid is not None and ref is not None \
                else np.timedelta64(0, "s")
        return ref, np.timedelta64(per, "s")

    @staticmethod
    def as_period(coord: Any, value: Any) -> Any:
        """A forecast period as timedelta64 (also when a netCDF reader left it as numbers)."""
        if np.asarray(value).dtype.kind == "m":
            return value
        units = str(coord.attrs.get("units", "hours")).split()[0]
        scale = {"hours": 3600, "hour": 3600, "h": 3600, "minutes": 60, "seconds": 1, "s": 1,
                 "days": 86400}.get(units, 3600)
        return np.timedelta64(int(round(float(value) * scale)), "s")

    # ---- variables -----------------------------------------------------------

    def variables(self) -> Iterator[str]:
        for name in self.ds.data_vars:
            var = self.ds[name]
            if var.ndim == 0 or "grid_mapping_name" in var.attrs:
                continue
            if var.dtype.kind not in "fiucS":
                continue
            yield str(name)

    def write_variable(self, name: str) -> None:
        var = self.ds[name]
        roles = {d: self.dim_role(d) for d in var.dims}
        hdims = [d for d in var.dims if roles[d] == "horizontal"]
        if not hdims or list(var.dims[-len(hdims):]) != hdims:
            raise _error(InvalidArgumentError, f"variable {name!r}: dimensions {tuple(var.dims)}: the grid "
                                               "dimensions must come last")
        nomvar = str(_attr(var, "nomvar", name if len(name) <= 4 else "")).strip().upper()
        if not nomvar:
            raise _error(InvalidArgumentError, f"variable {name!r}: name longer than 4 characters and no "
                                               "'nomvar' attribute")
        grid = self.grid_header(name, var, hdims)
        outer = [d for d in var.dims if roles[d] != "horizontal" and d != "k"]
        has_k = "k" in var.dims
        level_dim = next((d for d in outer if roles[d] == "level"), None)
        codes, _ = self.level_codes(level_dim) if level_dim else (None, None)
        datyp = self.opts["datyp"].get(name) if isinstance(self.opts["datyp"], dict) else self.opts["datyp"]
        nbits = self.opts["nbits"].get(name) if isinstance(self.opts["nbits"], dict) else self.opts["nbits"]
        if datyp is None:
            datyp = _attr(var, "datyp")
        if nbits is None:
            nbits = _attr(var, "nbits")
        kind = var.dtype.kind
        if datyp is None:
            datyp = {"f": 5, "i": 4, "u": 2, "c": 8, "S": 7}[kind]
            nbits = var.dtype.itemsize * 8 if kind != "c" else var.dtype.itemsize * 4
        datyp, nbits = int(datyp), int(nbits if nbits is not None else 32)
        deet = _attr(var, "deet")
        base = {"nomvar": nomvar, "typvar": str(_attr(var, "typvar", "P") or ""),
                "etiket": str(_attr(var, "etiket", "") or ""), **grid}
        from . import missing_values
        sentinels = missing_values()
        shape = [var.sizes[d] for d in outer]
        for idx in np.ndindex(*shape):
            sel = dict(zip(outer, idx))
            block = np.asarray(var.isel(sel).values)
            if kind == "f" and np.isnan(block).all():
                continue   # a hole: no record there
            fields = dict(base)
            fields["ip1"] = int(codes[sel[level_dim]]) if level_dim and codes is not None \
                else int(_attr(var, "ip1", 0) or 0)
            for f in ("ip2", "ip3"):
                v = _attr(var, f)
                if v is not None:
                    fields[f] = int(v)
            for d in outer:
                r = roles[d]
                if r in ("ip1", "ip2", "ip3"):
                    fields[r] = int(self.coord(d).values[sel[d]])  # type: ignore[union-attr]
                elif r == "ensemble":
                    fields["etiket"] = str(self.coord(d).values[sel[d]])  # type: ignore[union-attr]
            ref, per = self.reference_and_period(var, sel, roles)
            secs = int(per / np.timedelta64(1, "s"))
            npas = 0
            if ref is None or np.isnat(ref):
                fields["dateo"] = 0
                fields["deet"], fields["npas"] = int(deet or 0), 0
            else:
                fields["dateo"] = int(datetime_to_stamp(np.datetime64(ref, "s")))
                if deet is not None and int(deet) == 0 and secs == 0:
                    step, npas = 0, int(_attr(var, "npas", 0) or 0)
                elif deet is not None and (int(deet) > 0 or secs == 0):
                    step = int(deet)
                else:
                    step = 3600 if secs % 3600 == 0 else 60 if secs % 60 == 0 else 1
                if step > 0 and secs % step:
                    step = math.gcd(secs, step)
                fields["deet"], fields["npas"] = step, (secs // step if step else npas)
            if "ip2" not in fields:
                fields["ip2"] = secs // 3600 if secs % 3600 == 0 else 0
            dt = datyp
            data = block
            mask = None
            if kind == "f":
                nan = np.isnan(data)
                masked = len(fields["typvar"]) == 2 and fields["typvar"][1] == "@" and not datyp & 64
                if masked and nan.any():
                    # a masked field: NaN points go to a companion "@@" mask record
                    mask = (~nan).astype(np.uint32)
                    data = np.where(nan, 0, data).astype(block.dtype)
                elif (datyp & 63) in (2, 4):
                    # integers read as floats (missing points or holes): back to integers
                    bits = int(_attr(var, "data_bits", 0) or nbits)   # element size of the source records
                    size = 1 if bits <= 8 else 2 if bits <= 16 else 4 if bits <= 32 else 8
                    itype = np.dtype(("u" if datyp & 63 == 2 else "i") + str(size))
                    data = np.nan_to_num(data).astype(itype)
                    data[nan] = sentinels.get(f"{itype.kind}{size * 8}", 0)
                    if nan.any():
                        dt |= 64
                elif nan.any() and (datyp & 64 or (datyp & 63) not in (5, 8)):
                    # missing values; plain IEEE records without the flag keep their NaN
                    data = np.where(nan, sentinels["f64" if data.dtype == np.float64 else "f32"], data)
                    data = data.astype(block.dtype)
                    dt |= 64
            # ([k], y, x) -> Fortran (ni, nj, nk); a station axis is ni x 1, yin-yang stacks its sub-grids
            hshape = data.shape[len(data.shape) - len(hdims):]
            if len(hdims) == 2:
                nj, ni = hshape
            elif len(hdims) == 1:
                nj, ni = 1, hshape[0]
            else:
                nj, ni = hshape[0] * hshape[1], hshape[2]
            nk_shape = data.shape[:1] if has_k else (1,)
            farr = np.asarray(data).reshape(nk_shape + (nj, ni)).transpose()
            rec = Record(data=farr, data_type=dt, pack_bits=nbits, **fields)
            self.write(rec)
            if mask is not None:
                mfields = dict(fields, typvar="@@")
                marr = mask.reshape(nk_shape + (nj, ni)).transpose()
                self.write(Record(data=marr, data_type=2, pack_bits=1, **mfields))


def from_xarray(ds: Any, path: Any, *, mode: str = "w", backend: Optional[str] = None,
                datyp: Any = None, nbits: Any = None, rewrite: str = "no",
                progress: Any = None) -> int:
    """Write the data variables of an xarray Dataset as FST records.

    ``mode`` "w" creates (or truncates) ``path``, "a" appends. ``datyp`` and
    ``nbits`` (an int, or a dict by variable name) override the encoding of
    each variable; otherwise ``encoding["datyp"]`` / ``encoding["nbits"]``,
    then the ``datyp`` / ``nbits`` attributes, then a lossless type from the
    dtype (float32: E32, float64: E64, integers: S/I) are used. NaN points
    become missing values (+64). Positions where a variable is entirely NaN
    (holes of the Dataset) write no record. ``progress``: a callable taking
    the number of variables written so far and the total. Returns the number of
    records written.
    """
    if mode not in ("w", "a"):
        raise _error(InvalidArgumentError, f"mode must be 'w' or 'a', not {mode!r}")
    if not hasattr(ds, "data_vars"):
        raise _error(InvalidArgumentError, f"from_xarray() needs an xarray Dataset, not {type(ds).__name__}")
    opts = {"datyp": datyp, "nbits": nbits, "rewrite": rewrite}
    with _open(os.fspath(path), mode, backend=backend) as f:
        w = _Writer(ds, f, opts)
        other = ds.attrs.get("fst24_other_records")
        if isinstance(other, str) and other:
            for item in json.loads(other):   # descriptor records no coordinate stands for
                w.descriptor(item["header"], np.asarray(item["values"], np.float64))
        names = list(w.variables())
        for i, name in enumerate(names):
            w.write_variable(name)
            if progress is not None:
                progress(i + 1, len(names))
        return w.count
