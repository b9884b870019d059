#!/usr/bin/env python3
"""The include rules between the layers of fst24 (docs/architecture.md, CONTRIBUTING.md).

Each C file may include (with quotes) only headers of the layers its own layer may use; system
headers (<...>) are free. Exits 1 listing every include that breaks a rule.

    python3 tests/check_layers.py [ROOT]
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

PUBLIC = ("fst24.h", "fst24/", "../fst24.h")

# layer: (files, allowed prefixes of quoted includes). "public" = include/ headers.
RULES: list[tuple[str, str, tuple[str, ...]]] = [
    ("public headers", "include/**/*.h", PUBLIC),
    ("common", "src/common/*", ("common/",) + PUBLIC),
    ("codec", "src/codec/*", ("codec/", "common/") + PUBLIC),
    ("container", "src/container/*", ("container/", "codec/", "common/", "fst_internal.h") + PUBLIC),
    ("meta", "src/meta/*", ("meta/", "common/", "fst_internal.h") + PUBLIC),
    ("index", "src/index/*", ("index/", "meta/", "common/", "fst_internal.h") + PUBLIC),
    ("core", "src/*.[ch]", ("codec/", "common/", "container/", "meta/", "index/", "fst_internal.h", "record.h")
     + PUBLIC),
    ("CLI", "programs/*", ("cli.h",) + PUBLIC),
    ("Python extension", "python/fst24/*.[ch]", ("_core.h",) + PUBLIC),
]

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path(__file__).resolve().parents[1]
    bad = []
    checked = 0
    for layer, pattern, allowed in RULES:
        for path in sorted(root.glob(pattern)):
            if path.suffix not in (".c", ".h"):
                continue
            checked += 1
            for inc in INCLUDE.findall(path.read_text(errors="replace")):
                if not inc.startswith(allowed):
                    bad.append(f"{path.relative_to(root)}: {layer} includes \"{inc}\"")
    for line in bad:
        print(line)
    if bad:
        print(f"FAIL: {len(bad)} includes break the layer rules (docs/architecture.md)")
        return 1
    print(f"layers: the includes of {checked} files follow the rules")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
