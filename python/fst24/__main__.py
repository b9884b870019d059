"""``python -m fst24 --cflags --libs``: build C programs against the installed libfst24.

Prints, on one line, what each option asks for (in the order given), like pkg-config::

    cc prog.c $(python -m fst24 --cflags --libs) -o prog            # shared, with an rpath
    cc prog.c $(python -m fst24 --cflags --libs --static) -o prog   # static archive
    cmake -S . -B build -Dfst24_DIR=$(python -m fst24 --cmake-dir)  # find_package(fst24)
"""
from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from . import _c_library
from .errors import Error


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fst24", description="Compiler and linker flags for libfst24 "
        "(the C library shipped in this Python package). See docs/c-api.md.")
    parser.add_argument("--cflags", dest="items", action="append_const", const="cflags",
                        help="compiler flags (-I...)")
    parser.add_argument("--libs", dest="items", action="append_const", const="libs",
                        help="linker flags (shared library with an rpath; see --static)")
    parser.add_argument("--static", action="store_true",
                        help="with --libs: link the static archive libfst24.a instead")
    parser.add_argument("--includedir", dest="items", action="append_const", const="includedir",
                        help="directory of fst24.h")
    parser.add_argument("--libdir", dest="items", action="append_const", const="libdir",
                        help="directory of libfst24.a and libfst24.so")
    parser.add_argument("--cmake-dir", dest="items", action="append_const", const="cmakedir",
                        help="directory of fst24Config.cmake (for -Dfst24_DIR=...)")
    parser.add_argument("--pkgconfig-dir", dest="items", action="append_const", const="pcdir",
                        help="directory of fst24.pc (for PKG_CONFIG_PATH)")
    parser.add_argument("--version", dest="items", action="append_const", const="version",
                        help="version of the package and library")
    args = parser.parse_args(argv)
    if not args.items:
        parser.print_usage(sys.stderr)
        print("python -m fst24: give at least one of --cflags, --libs, --includedir, --libdir, "
              "--cmake-dir, --pkgconfig-dir, --version", file=sys.stderr)
        return 2
    out: list[str] = []
    try:
        for item in args.items:
            if item == "cflags":
                out += _c_library.compile_flags()
            elif item == "libs":
                out += _c_library.link_flags(static=args.static)
            elif item == "includedir":
                out.append(_c_library.get_include())
            elif item == "libdir":
                out.append(_c_library.get_library_dir())
            elif item == "cmakedir":
                out.append(_c_library.get_library_dir() + "/cmake/fst24")
            elif item == "pcdir":
                out.append(_c_library.get_library_dir() + "/pkgconfig")
            else:
                from . import __version__
                out.append(__version__)
    except Error as e:
        print(e, file=sys.stderr)
        return 1
    print(" ".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
