"""The scripts in examples/ run as documented (write a file, then read it back)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import fst24

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run(script: str, *args: str) -> str:
    proc = subprocess.run([sys.executable, str(EXAMPLES / script), *args], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_write_then_read_examples(tmp_path: Path) -> None:
    path = tmp_path / "example.fst"
    run("write_latlon.py", str(path))
    assert fst24.is_fst(path)
    with fst24.open(path) as f:
        n = len(f)
        names = {r.nomvar.strip() for r in f}
    assert n > 0
    out = run("read_fields.py", str(path), sorted(names)[0])
    assert f"{n} records" in out
    for name in sorted(names):
        out = run("read_fields.py", str(path), name)
        assert out.count("\n") >= 2


def test_batch_read_example_on_model_output() -> None:
    from conftest import ref_file
    model = ref_file("model.xdf.fst")
    out = run("batch_read.py", str(model), "TT")
    with fst24.open(model) as f:
        levels = len(list(f.find(nomvar="TT", npas=0)))
    assert levels > 1 and len(out.strip().splitlines()) == levels


# ---- the examples of the guides, on the sample files (examples/sample_files.py) ----------------

import struct  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from cli_util import run as run_cli  # noqa: E402


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """model.fst, pressure.fst and archive/ as the guides use them."""
    where = tmp_path_factory.mktemp("samples")
    out = run("sample_files.py", str(where))
    assert out.count("records") == 5
    return where


def test_sample_archive_is_the_model_file_split_by_hour(samples: Path) -> None:
    archive = sorted((samples / "archive").iterdir())
    assert [p.name for p in archive] == ["2024011500_000", "2024011500_006", "2024011500_024"]
    assert [fst24.detect(p) for p in archive] == ["xdf", "xdf", "rsf"]
    with fst24.open(samples / "model.fst") as model:
        for path, hour in zip(archive, (0, 6, 24)):
            with fst24.open(path) as f:
                assert sorted(r.nomvar for r in f.find(nomvar=">>")) == [">>"]
                assert len(f) == 3 + len(model.find(ip2=hour, skip_grid_descriptors=True))
                for rec in f.find(skip_grid_descriptors=True):
                    assert rec.ip2 == hour
                    twin = model.find_one(nomvar=rec.nomvar, ip1=rec.ip1, ip2=rec.ip2)
                    assert rec.payload() == twin.payload()


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG file"
    return struct.unpack(">II", head[16:24])


def test_quicklook_draws_a_png(samples: Path, tmp_path: Path) -> None:
    import matplotlib.image as mpimg
    png = tmp_path / "tt.png"
    out = run("quicklook.py", str(samples / "pressure.fst"), "TT", "--level", "500", "--hour", "6",
              "-o", str(png))
    with fst24.open(samples / "pressure.fst") as f:
        rec = f.find_one(nomvar="TT", ip1=int(fst24.encode_ip(500.0, 2)), npas=6)
        lo, hi = float(rec.data.min()), float(rec.data.max())
    assert out.startswith(f"{png}: 800x500 px, TT 500 mb +6 h on grid L 72x37, values {lo:.6g} .. {hi:.6g}")
    assert _png_size(png) == (800, 500)
    pixels = mpimg.imread(png)
    assert len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 50  # a map, not a blank
    # A rotated Z grid (positional records read from the file) works the same way.
    out = run("quicklook.py", str(samples / "model.fst"), "UU", "--level", "0.5", "-o", str(tmp_path / "uu.png"))
    assert "UU 0.50 hy +0 h on grid Z 40x30" in out and _png_size(tmp_path / "uu.png") == (800, 500)


def test_write_rotated_puts_the_grid_where_it_says(tmp_path: Path) -> None:
    for backend in ("xdf", "rsf"):
        path = tmp_path / f"rotated.{backend}"
        out = run("write_rotated.py", str(path), backend)
        assert "centre point (80, 60): lat 47.000 lon 278.000" in out
        with fst24.open(path) as f:
            assert f.backend == backend
            assert [(r.nomvar, r.grtyp) for r in f] == [(">>", "E"), ("^^", "E"), ("TT", "Z")]
            tt = f.find_one(nomvar="TT")
            assert (tt.ni, tt.nj, tt.ig1, tt.ig2, tt.data_type, tt.pack_bits) == (161, 121, 7001, 7002, 134, 16)
            assert fst24.ig_to_xg("E", (f[0].ig1, f[0].ig2, f[0].ig3, f[0].ig4)) == (47.0, 278.0, 0.0, 8.0)
            lat, lon = fst24.grid_latlon(tt)
            assert abs(lat[80, 60] - 47.0) < 1e-4 and abs(lon[80, 60] - 278.0) < 1e-4
            # rows of constant rotated latitude: the south corners mirror each other about 278E
            assert abs(lat[0, 0] - lat[-1, 0]) < 1e-6 and abs((lon[0, 0] + lon[-1, 0]) / 2 - 278.0) < 1e-4
            assert lat[80, -1] > 57 and lat[80, 0] < 37


def test_compare_files_agrees_with_fst24_diff(samples: Path, tmp_path: Path) -> None:
    model = samples / "model.fst"
    copy = tmp_path / "model.rsf"
    run_cli("convert", "--backend", "rsf", model, copy, check=0)
    out = run("compare_files.py", str(model), str(copy))
    assert out.strip().splitlines()[-1] == "42 pairs, 0 different; 0 only in A, 0 only in B: SAME"
    run_cli("diff", "-q", model, copy, check=0)

    changed = tmp_path / "changed.fst"
    changed.write_bytes(model.read_bytes())
    with fst24.open(changed, "r+") as f:
        rec = f.find_one(nomvar="TT", ip2=6, ip1=int(fst24.encode_ip(0.25, 5)))
        new = rec.copy()
        new.data = rec.data + 0.5
        f.write(new, rewrite="yes")
        f.delete(f.find_one(nomvar="HU", ip2=24, ip1=int(fst24.encode_ip(0.25, 5))))
    proc = subprocess.run([sys.executable, str(EXAMPLES / "compare_files.py"), str(model), str(changed)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("TT        0.25 hy ip2=6    max |a-b| 0.5") and lines[0].endswith("1200 points differ  DIFFERENT")
    assert lines[1] == "only in A: HU ip1=94621840 ip2=24 ip3=0 etiket=MODEL"
    assert lines[-1] == "41 pairs, 1 different; 1 only in A, 0 only in B: DIFFERENT"
    diff = run_cli("diff", "-q", model, changed, check=1)
    assert "41 pairs: 40 equal, 0 close, 1 different; 1 only in A, 0 only in B: DIFFERENT" in diff.stdout
    # Within a tolerance the changed field is close; the missing record still differs.
    proc = subprocess.run([sys.executable, str(EXAMPLES / "compare_files.py"), str(model), str(changed),
                           "--tolerance", "1"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1 and "1200 points differ" not in proc.stdout and "close" in proc.stdout


def test_gem_to_netcdf(samples: Path, tmp_path: Path) -> None:
    import xarray as xr
    nc = tmp_path / "model.nc"
    out = run("gem_to_netcdf.py", str(samples / "model.fst"), str(nc))
    assert out.startswith(f"{nc}: ") and "P0" in out
    with xr.open_dataset(nc) as ds, fst24.open(samples / "model.fst") as f:
        assert ds.sizes["time"] == 3 and "P0" in ds.data_vars
        assert str(ds["time"].values[1])[:16] == "2024-01-15T06:00"
        p0 = f.find_one(nomvar="P0", ip2=6)
        np.testing.assert_array_equal(ds["P0"].isel(time=1).values, p0.data[:, :, 0].T)
        # every TT record is one (y, x) slice of a TT variable, at its time
        slices = [ds[v].isel(time=t).values.reshape(-1, *ds[v].shape[-2:])[k]
                  for v in ds.data_vars if v.startswith("TT")
                  for t in range(ds.sizes["time"]) for k in range(int(np.prod(ds[v].shape[1:-2], dtype=int)))]
        tts = f.find(nomvar="TT").all()
        assert len(slices) == len(tts) == 12
        for rec in tts:
            assert any(np.array_equal(s, rec.data[:, :, 0].T) for s in slices), rec
