"""C programs build against the installed library, both ways docs/c-api.md describes.

The README's C example (also examples/c/read_fields.c) is compiled and run:

* against a ``cmake --install`` prefix in a temporary directory: with pkg-config (``fst24.pc``)
  and with CMake's ``find_package(fst24)`` (shared ``fst24::fst24`` and static
  ``fst24::fst24_static``); the installed ``fst24`` command runs too;
* against the pip-installed package: ``python -m fst24 --cflags --libs`` (shared, with an
  rpath), ``--libs --static``, and ``find_package`` with ``-Dfst24_DIR=$(python -m fst24
  --cmake-dir)``.

Every build's output on the model fixture must equal what the Python package reads.
``FST24_BUILD_DIR`` (set by tests/run.sh) names a CMake build tree to install from; without
it the test configures and builds one (slower).
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

import numpy as np
import pytest

import fst24
from conftest import DATA

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "c" / "read_fields.c"
MODEL = DATA / "model.xdf.fst"
CC = os.environ.get("CC", "cc")


def sh(args: list[str], cwd: Optional[Path] = None, timeout: int = 600,
       env: Optional[dict[str, str]] = None) -> str:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=None if env is None else dict(os.environ, **env))
    assert proc.returncode == 0, f"{shlex.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def expected_output(nomvar: str = "TT") -> str:
    """What read_fields prints for MODEL, computed with the Python package."""
    lines = []
    with fst24.open(MODEL) as f:
        for rec in f.find(nomvar=nomvar):
            data = rec.data.astype(np.float64)
            valid = rec.datev_datetime.strftime("%Y-%m-%dT%H:%M:%SZ")
            lines.append(f"{rec.nomvar:<4} {rec.ip1_text:<10} {valid} {rec.ni}x{rec.nj}x{rec.nk} "
                         f"min {float(data.min()):.9g} max {float(data.max()):.9g}")
    assert len(lines) == 12
    return "\n".join(lines) + "\n"


def check_program(exe: Path) -> None:
    assert sh([str(exe), str(MODEL), "TT"]) == expected_output()
    proc = subprocess.run([str(exe), str(DATA / "no-such-file.fst")], capture_output=True, text=True)
    assert proc.returncode == 1 and "no-such-file.fst" in proc.stderr


def test_readme_c_example_is_the_example_program() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```c\n(.*?)```", readme, re.S)
    assert EXAMPLE.read_text() in blocks, "README's C block and examples/c/read_fields.c differ"


@pytest.fixture(scope="module")
def install_prefix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A `cmake --install` of the project in a temporary prefix."""
    build = os.environ.get("FST24_BUILD_DIR")
    tmp = tmp_path_factory.mktemp("cmake-install")
    if not build:
        build = str(tmp / "build")
        sh(["cmake", "-S", str(ROOT), "-B", build, "-DCMAKE_BUILD_TYPE=Release", "-DFST24_BUILD_TESTS=OFF",
            "-DFST24_BUILD_BENCH=OFF"])
        sh(["cmake", "--build", build, "-j2", "--target", "fst24_static", "fst24_shared", "fst24_cli"])
    prefix = tmp / "prefix"
    sh(["cmake", "--install", build, "--prefix", str(prefix)])
    return prefix


def test_install_tree(install_prefix: Path) -> None:
    libdir = next(p.parent for p in install_prefix.rglob("libfst24.a"))
    for rel in ("include/fst24.h", "include/fst24/ip.h", "include/fst24/date.h", "include/fst24/grid.h",
                "include/fst24/vgrid.h", "bin/fst24"):
        assert (install_prefix / rel).exists(), rel
    assert (libdir / "libfst24.so").exists() and (libdir / "pkgconfig" / "fst24.pc").exists()
    assert (libdir / "cmake" / "fst24" / "fst24Config.cmake").exists()
    assert (libdir / "cmake" / "fst24" / "fst24ConfigVersion.cmake").exists()
    out = sh([str(install_prefix / "bin" / "fst24"), "info", str(MODEL)])
    assert "XDF" in out.upper() and "42" in out


@pytest.mark.skipif(shutil.which("pkg-config") is None, reason="pkg-config is not installed")
def test_pkg_config_build(install_prefix: Path, tmp_path: Path) -> None:
    libdir = next(p.parent for p in install_prefix.rglob("libfst24.a"))
    env = {"PKG_CONFIG_PATH": str(libdir / "pkgconfig")}
    assert sh(["pkg-config", "--modversion", "fst24"], env=env).strip() == fst24.__version__
    flags = shlex.split(sh(["pkg-config", "--cflags", "--libs", "fst24"], env=env))
    exe = tmp_path / "read_fields"
    sh([CC, "-std=c17", "-Wall", "-Wextra", "-Werror", str(EXAMPLE), *flags, f"-Wl,-rpath,{libdir}",
        "-o", str(exe)])
    check_program(exe)


def cmake_example(tmp_path: Path, *defines: str) -> Path:
    build = tmp_path / "example-build"
    sh(["cmake", "-S", str(EXAMPLE.parent), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release", *defines])
    sh(["cmake", "--build", str(build)])
    return build


def test_cmake_find_package(install_prefix: Path, tmp_path: Path) -> None:
    build = cmake_example(tmp_path, f"-DCMAKE_PREFIX_PATH={install_prefix}")
    check_program(build / "read_fields")
    check_program(build / "read_fields_static")


def _pip_installed() -> Path:
    libdir = Path(fst24.get_library_dir())
    if libdir.name != "lib" or libdir.parent != Path(fst24.__file__).parent:
        pytest.skip(f"fst24 is imported from a developer build ({fst24.__file__}), not a pip install")
    return libdir


def test_python_m_fst24_flags(tmp_path: Path) -> None:
    libdir = _pip_installed()
    assert (Path(fst24.get_include()) / "fst24.h").exists()
    assert (libdir / "libfst24.a").exists() and (libdir / "libfst24.so").exists()
    for static in (False, True):
        flags = shlex.split(sh([sys.executable, "-m", "fst24", "--cflags", "--libs",
                                *(["--static"] if static else [])]))
        exe = tmp_path / f"read_fields{'_static' if static else ''}"
        sh([CC, "-std=c17", "-Wall", "-Wextra", "-Werror", str(EXAMPLE), *flags, "-o", str(exe)])
        check_program(exe)
    assert sh([sys.executable, "-m", "fst24", "--version"]).strip() == fst24.__version__
    proc = subprocess.run([sys.executable, "-m", "fst24"], capture_output=True, text=True)
    assert proc.returncode == 2 and "--cflags" in proc.stderr


def test_cmake_find_package_from_the_wheel(tmp_path: Path) -> None:
    _pip_installed()
    cmake_dir = sh([sys.executable, "-m", "fst24", "--cmake-dir"]).strip()
    build = cmake_example(tmp_path, f"-Dfst24_DIR={cmake_dir}")
    check_program(build / "read_fields")
    check_program(build / "read_fields_static")

