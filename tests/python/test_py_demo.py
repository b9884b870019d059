"""The demo writes, lists and reads back its sample file."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import fst24
from fst24 import demo


@pytest.mark.parametrize("backend", ["xdf", "rsf"])
def test_demo_writes_a_readable_sample(tmp_path: Path, backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demo.fst"
    assert demo.main([str(path), "--backend", backend]) == 0
    out = capsys.readouterr().out
    assert "wrote 27 records" in out and "500 mb" in out and "Lowest P0" in out
    with fst24.open(path) as f:
        assert f.backend == backend
        assert len(f) == 27
        assert len(f.find(nomvar="TT")) == 12
        tt = f.find_one(nomvar="TT", ip1=int(fst24.encode_ip(500.0, 2)), npas=6)
        assert tt.level == (500.0, 2, "hPa")
        assert tt.forecast_hours == 6.0
        assert tt.data.shape == (72, 37, 1)
        lat, lon = fst24.grid_latlon(tt)
        assert lat[0, 0] == pytest.approx(-90.0) and lat[0, -1] == pytest.approx(90.0)
        assert lon[1, 0] == pytest.approx(5.0)
        # 16-bit packing keeps the field within its quantisation step.
        expected = (15.0 - 30.0 * np.sin(np.radians(lat)) ** 2 - 60.0 * 0.5
                    + 2.0 * np.cos(np.radians(lon - 90.0)) + 1.5)
        assert np.max(np.abs(tt.data[:, :, 0] - expected)) < 0.01


def test_demo_without_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.main([]) == 0
    assert "27 records" in capsys.readouterr().out
