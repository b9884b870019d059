"""CF compliance of netCDF exports, checked offline by the IOOS compliance-checker
(``compliance-checker`` on PyPI: it ships the CF standard-name table, so nothing is downloaded),
and, as a second opinion, by the CF community's cfchecker (``cfchecks``), run offline with that
same standard-name table and the UDUNITS-2 library of the cf-units wheel.

``check(path)`` runs the checker's CF suite at the version our Datasets declare and sorts what it
reports into the few kinds we accept (docs/xarray.md, "CF compliance"), each confirmed against the
file itself; anything else fails the calling test. The checker's priorities: high = errors (CF
"must"), medium = warnings (CF "should"), low = suggestions. A checker that crashes inside a check
counts as a failure too.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

#: The checker suite of the CF version in our Datasets' Conventions attribute.
CF_SUITE = "cf:1.8"
CONVENTIONS = "CF-" + CF_SUITE.split(":")[1]

# Accepted reports: kind -> (priority, pattern naming what they are about). Why each is accepted,
# and how the test confirms that, is in ``_confirm`` below and in docs/xarray.md.
ACCEPTED: dict[str, tuple[int, re.Pattern[str]]] = {
    # a Dataset with several polar-stereographic (or rotated) grids has several projection_x/y
    # (grid_longitude/latitude) coordinates; the checker wants exactly one per file
    "several_grids": (3, re.compile(r"^grid mapping (\w+) requires exactly one variable with standard_name "
                                    r"(?P<subject>\w+) to be defined$")),
    # index dimensions (j, i, station, k; forecast_period in forecast-axis mode) that no CF axis
    # describes, to the right of time and level in our (time, level, y, x) layout
    "unidentified_dims": (2, re.compile(r"^(?P<subject>\w+)'s spatio-temporal dimensions are not in the "
                                        r"recommended order T, Z, Y, X")),
}

_suite: Any = None


def _checker() -> Any:
    global _suite
    if _suite is None:
        with warnings.catch_warnings():     # its deprecated SOS checkers warn on import
            warnings.simplefilter("ignore", DeprecationWarning)
            runner = pytest.importorskip("compliance_checker.runner")
            _suite = runner.CheckSuite()
            _suite.load_all_available_checkers()
    return _suite


def _failures(groups: list[Any]) -> list[tuple[int, str]]:
    out = []
    for r in groups:
        out += _failures(r.children)
        v = r.value
        if (isinstance(v, tuple) and v[0] < v[1]) or v is False:
            out += [(int(r.weight), str(m)) for m in r.msgs]
    return out


def report(path: Path) -> list[tuple[int, str]]:
    """(priority, message) of every failed CF check of a netCDF file, sorted; raises if a
    check of the checker itself crashed."""
    suite = _checker()
    ds = suite.load_dataset(str(path))
    try:
        groups, crashed = suite.run_all(ds, [CF_SUITE])[CF_SUITE]
    finally:
        ds.close()
    assert not crashed, {name: repr(exc) for name, (exc, _) in crashed.items()}
    return sorted(set(_failures(groups)))


def _confirm(kind: str, subject: str, path: Path) -> None:
    """The file really is in the situation an accepted report stands for."""
    netCDF4 = pytest.importorskip("netCDF4")
    with netCDF4.Dataset(path) as d:
        if kind == "several_grids":
            same = [n for n, v in d.variables.items() if getattr(v, "standard_name", None) == subject]
            assert len(same) > 1, (subject, same)
        elif kind == "unidentified_dims":
            var = d[subject]
            # the dimensions the checker cannot place are index dimensions without a coordinate
            # variable, or forecast_period (which CF gives no axis)
            def placed(dim: str) -> bool:
                c = d.variables.get(dim)
                return c is not None and (getattr(c, "axis", None) in ("T", "Z", "Y", "X") or
                                          " since " in getattr(c, "units", ""))
            odd = [dim for dim in var.dimensions if not placed(dim)]
            assert odd, (subject, var.dimensions)
            for dim in odd:
                assert dim not in d.variables or dim.rstrip("0123456789") == "forecast_period", \
                    (subject, dim)


def check(path: Path) -> dict[str, set[str]]:
    """Run the CF checker on ``path``: every report must be an accepted kind (and be confirmed
    by the file); returns {kind: subjects}, for the caller to compare with what it expects."""
    netCDF4 = pytest.importorskip("netCDF4")
    with netCDF4.Dataset(path) as d:
        assert CONVENTIONS in d.Conventions.split(), d.Conventions
        assert d.title and d.history
    found: dict[str, set[str]] = {}
    unexpected = []
    for priority, message in report(path):
        for kind, (prio, pattern) in ACCEPTED.items():
            m = pattern.match(message)
            if m and prio == priority:
                _confirm(kind, m["subject"], path)
                found.setdefault(kind, set()).add(m["subject"])
                break
        else:
            unexpected.append((priority, message))
    assert not unexpected, unexpected
    return found


def cfchecks(path: Path, workdir: Path) -> list[str]:
    """ERROR and WARN lines of cfchecker on ``path`` at our CF version (``workdir``: scratch).

    cfchecker downloads its tables unless given files: the standard-name table comes from
    compliance-checker; the area-type and region-name tables are left empty (no fst24 variable
    has an area_type or region attribute). Its units library (cfunits) needs UDUNITS-2: the one
    of the system, else the copy inside the cf-units wheel, found through LD_LIBRARY_PATH."""
    exe = shutil.which("cfchecks") or str(Path(sys.executable).parent / "cfchecks")
    if not Path(exe).exists():
        pytest.skip("cfchecker is not installed")
    cc_data = Path(pytest.importorskip("compliance_checker").__file__).parent / "data"
    env = dict(os.environ)
    cf_units = pytest.importorskip("cf_units")
    libs = sorted((Path(cf_units.__file__).parent.parent / "cf_units.libs").glob("libudunits2*.so*"))
    if libs:
        link = workdir / "udunits"
        link.mkdir(exist_ok=True)
        for name in ("libudunits2.so", "libudunits2.so.0", libs[0].name):
            if not (link / name).exists():
                (link / name).symlink_to(libs[0])
        env["LD_LIBRARY_PATH"] = f"{link}:{env.get('LD_LIBRARY_PATH', '')}"
        env.setdefault("UDUNITS2_XML_PATH", str(Path(cf_units.__file__).parent / "etc" / "share" / "udunits2.xml"))
    empty = {"area.xml": "area_type_table", "region.xml": "standardized_region_list"}
    for name, root in empty.items():
        (workdir / name).write_text(f'<?xml version="1.0"?><{root}><version_number>0</version_number>'
                                    f"<date>none</date></{root}>")
    r = subprocess.run([exe, "-s", str(cc_data / "cf-standard-name-table.xml"), "-a", str(workdir / "area.xml"),
                        "-r", str(workdir / "region.xml"), "-v", CF_SUITE.split(":")[1], str(path)],
                       capture_output=True, text=True, env=env, timeout=300)
    text = r.stdout + r.stderr
    assert "ERRORS detected:" in text, text[-3000:]        # it ran to the end
    return [line for line in text.splitlines() if line.startswith(("ERROR:", "WARN:"))]
