"""CF compliance of netCDF exports, checked offline by the IOOS compliance-checker
(``compliance-checker`` on PyPI: it ships the CF standard-name table, so nothing is downloaded).

``check(path)`` runs the checker's CF suite at the version our Datasets declare and sorts what it
reports into the few kinds we accept (docs/xarray.md, "CF compliance"), each confirmed against the
file itself; anything else fails the calling test. The checker's priorities: high = errors (CF
"must"), medium = warnings (CF "should"), low = suggestions. A checker that crashes inside a check
counts as a failure too.
"""
from __future__ import annotations

import re
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
    # index dimensions (j, i, station; forecast_period in forecast-axis mode; ensemble) that no CF
    # axis describes, to the right of time and level in our (time, level, y, x) layout
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
            # the dimensions right of the first time/level one are index dimensions without a
            # coordinate variable, or forecast_period / ensemble (which CF gives no axis)
            def placed(dim: str) -> bool:
                c = d.variables.get(dim)
                return c is not None and (getattr(c, "axis", None) in ("T", "Z", "Y", "X") or
                                          " since " in getattr(c, "units", ""))
            odd = [dim for dim in var.dimensions if not placed(dim)]
            assert odd, (subject, var.dimensions)
            for dim in odd:
                assert dim not in d.variables or dim.rstrip("0123456789") in ("forecast_period", "ensemble"), \
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
