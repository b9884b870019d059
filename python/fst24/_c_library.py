"""Where the installed package keeps libfst24's header and libraries, for C programs.

The wheel ships ``fst24/include`` (``fst24.h`` and ``fst24/*.h``) and ``fst24/lib``
(``libfst24.a``, ``libfst24.so``, a CMake package and ``fst24.pc``), so that C code can be
built against the very library the Python package uses (docs/c-api.md)::

    cc prog.c $(python -m fst24 --cflags --libs)

Nothing here runs at ``import fst24``: paths are computed when asked for.
"""
from __future__ import annotations

from pathlib import Path

from .errors import Error

_PACKAGE = Path(__file__).parent


def _first_existing(candidates: list[Path], what: str, marker: str) -> Path:
    for path in candidates:
        if (path / marker).exists():
            return path
    raise Error(f"fst24: the C {what} was not found (looked in "
                f"{', '.join(str(p) for p in candidates)}); install the package with pip "
                "(`pip install .`) or use a CMake install (docs/c-api.md)")


def get_include() -> str:
    """Directory holding ``fst24.h`` (pass it to the compiler as ``-I``).

    In an installed package this is ``<package>/include``; in a developer build
    (``PYTHONPATH=build/python``) the source tree's ``include/``.
    """
    return str(_first_existing([_PACKAGE / "include", Path(__file__).resolve().parents[2] / "include"],
                               "header fst24.h", "fst24.h"))


def get_library_dir() -> str:
    """Directory holding ``libfst24.a`` and ``libfst24.so`` (pass it to the linker as ``-L``).

    In an installed package this is ``<package>/lib``; in a developer build the
    CMake build directory.
    """
    return str(_first_existing([_PACKAGE / "lib", _PACKAGE.parent.parent], "library libfst24",
                               "libfst24.a"))


def compile_flags() -> list[str]:
    """Compiler flags for a program that includes ``fst24.h``."""
    return [f"-I{get_include()}"]


def link_flags(static: bool = False) -> list[str]:
    """Linker flags for libfst24: the shared library found through an rpath, or
    (``static=True``) the static archive, which makes a program that does not
    need the Python package at run time."""
    libdir = get_library_dir()
    if static:
        return [str(Path(libdir) / "libfst24.a"), "-lpthread", "-lm"]
    return [f"-L{libdir}", f"-Wl,-rpath,{libdir}", "-lfst24", "-lpthread", "-lm"]
