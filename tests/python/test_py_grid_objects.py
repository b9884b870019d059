"""fst24.Grid and fst24.VerticalDescriptor: the C grid and vertical-descriptor objects from Python
(axes, CF description, bounds, the keys of the records they were read from, level tables)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import fst24
import xarray_fixtures as X


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("grid_objects") / "model.fst"
    X.write_model(p)
    return p


def test_grid_of_a_z_record_names_its_positional_records(model: Path) -> None:
    with fst24.open(model) as f:
        tt = f.find_one(nomvar="TT")
        ax, ay = f.find_one(nomvar=">>"), f.find_one(nomvar="^^")
        g = fst24.Grid.of(tt)
        assert g.info["positional_keys"] == (ax.key, ay.key)
        assert (g.info["grtyp"], g.info["ref_grtyp"], g.shape) == ("Z", "E", (40, 30))
        assert g.info["mapping"] == "rotated_latitude_longitude"
        x, y = g.axes()
        np.testing.assert_array_equal(x, ax.data[:, 0, 0])       # RPN rotated longitudes
        np.testing.assert_array_equal(y, ay.data[0, :, 0])
        lat, lon = g.latlon()
        glat, glon = fst24.grid_latlon(tt)
        np.testing.assert_array_equal(lat, glat)
        np.testing.assert_array_equal(lon, glon)
        lat_b, lon_b = g.bounds()
        assert lat_b.shape == (40, 30, 4)
        # every point lies inside its cell's latitude range
        assert np.all(lat_b.min(axis=-1) <= lat + 1e-9) and np.all(lat <= lat_b.max(axis=-1) + 1e-9)
        # the same grid from axes in memory
        h = fst24.Grid.from_axes("Z", 40, 30, "E", (ax.ig1, ax.ig2, ax.ig3, ax.ig4), x, y)
        np.testing.assert_array_equal(h.latlon()[0], lat)
        assert h.info["positional_keys"] == (-1, -1)


def test_self_contained_grids() -> None:
    ig = fst24.xg_to_ig("N", (51.0, 73.0, 50000.0, 21.0))
    g = fst24.Grid.from_header("N", 60, 80, ig)
    i = g.info
    assert i["mapping"] == "polar_stereographic" and i["positional_keys"] == (-1, -1)
    lat, lon = g.latlon()
    assert lat[0, 0] == pytest.approx(49.525095, abs=1e-4) and lon[0, 0] == pytest.approx(214.222169, abs=1e-4)
    x, y = g.axes()
    np.testing.assert_allclose(x, np.arange(60) * 50000.0)
    with pytest.raises(fst24.InvalidArgumentError):
        fst24.Grid.from_header("LL", 2, 2, (0, 0, 0, 0))
    with pytest.raises(fst24.Error):
        fst24.Grid.from_header("Z", 2, 2, (0, 0, 0, 0))            # Z needs positional records
    with pytest.raises(fst24.InvalidArgumentError):
        fst24.Grid.from_axes("Z", 4, 3, "L", (100, 100, 9000, 0), np.zeros(3), np.zeros(3))


def test_vertical_descriptor_of_a_record(model: Path) -> None:
    with fst24.open(model) as f:
        tt = f.find_one(nomvar="TT")
        toc = f.find_one(nomvar="!!")
        vg = fst24.VerticalDescriptor.of(tt)
        assert vg.info["record_key"] == toc.key and vg.info["vcode"] == 5004
        assert (vg.info["nl_m"], vg.info["nl_t"]) == (4, 4)
        thermo = vg.levels(2)
        np.testing.assert_array_equal(thermo["ip1"], [X.ip(h, 5) for h in X.THERMO])
        np.testing.assert_allclose(thermo["a"], np.log(X.PREF * np.array(X.THERMO)))
        fam, index, a, b, c, diag = vg.lookup(X.ip(0.7, 5))
        assert (fam, index, diag) == (2, 1, False) and b == pytest.approx(0.49)
        assert vg.lookup(X.ip(0.33, 5)) is None
        same = fst24.VerticalDescriptor.from_table(5004, toc.data[:, :, 0])
        assert same.info["record_key"] == -1
        np.testing.assert_array_equal(same.levels(1)["b"], vg.levels(1)["b"])
        assert fst24.VerticalDescriptor.from_record(toc).info["record_key"] == toc.key
        with pytest.raises(fst24.Error):
            fst24.VerticalDescriptor.from_table(5004, toc.data[:, :6, 0])   # 3 level rows do not split into 2 families
        with pytest.raises(fst24.InvalidArgumentError):
            vg.levels(4)
